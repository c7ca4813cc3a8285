"""Per-request simulation: one method through one route's levels. The rewrite
phase (set, if, return, rewrite, break) forks the request into paths; each
path ends as a Branch with the headers, access checks and content handler
that apply to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ... import regexlang
from ...model import (
    HANDLER_UNKNOWN,
    Branch,
    Choice,
    HeaderEmission,
    Lit,
    MapEntry,
    OriginMap,
    OriginMatcher,
    OriginRef,
    OriginTest,
    Outcome,
    Shadowed,
    Source,
    Unknown,
    Value,
)
from .levels import Level
from .loading import Directive
from .values import (
    REQUEST_VARIABLE_MEANINGS,
    config_gates,
    VARIABLE_REFERENCE,
    if_test_holds,
    literal_value,
    map_key_matches,
    matches_every_path,
    PATH_VARIABLES,
    pcre_to_python,
    substitute_map,
    variables_in,
)

if TYPE_CHECKING:
    from .build import Builder


PROXY_DIRECTIVES = {
    "proxy_pass": "proxy_hide_header",
    "fastcgi_pass": "fastcgi_hide_header",
    "uwsgi_pass": "uwsgi_hide_header",
    "scgi_pass": "scgi_hide_header",
    "grpc_pass": "grpc_hide_header",
    "memcached_pass": None,
}


REDIRECT_CODES = {301, 302, 303, 307, 308}
MAX_PATHS = 64   # forks per route and method before conditions become opaque


# The directives the rewrite phase runs (Simulation._step acts on these only).
REWRITE_PHASE = frozenset({"set", "break", "return", "rewrite", "if"})


@dataclass
class Path:
    """One way through the rewrite phase."""

    vars: dict[str, Value]
    tests: tuple[OriginTest, ...] = ()
    opaque: tuple[str, ...] = ()
    taken_ifs: tuple[Level, ...] = ()
    result: Outcome | None = None
    stopped: bool = False          # `break` ends this level's rewrite directives
    answered_at_server: bool = False
    fallback: str | None = None    # the named location `try_files ... @name` hands a missing file to

    def fork(self) -> "Path":
        return Path(dict(self.vars), self.tests, self.opaque, self.taken_ifs, self.result,
                    self.stopped, self.answered_at_server, self.fallback)


class Simulation:
    """Runs one method through a route and yields a Branch per distinct path."""

    def __init__(self, builder: Builder, chain: list[Level], method: str,
                 methods: list[str] | None = None, auto_redirect: str | None = None):
        self.builder = builder
        # the request for this path (the location's name without its '/')
        # gets nginx's own 301 to the location (Builder._auto_redirected)
        self.auto_redirect = auto_redirect
        self.chain = chain
        self.method = method
        # the methods that take the same way as ``method``: the branches' methods
        self.methods = frozenset(methods or (method,))
        self.budget = MAX_PATHS
        self.limit_level: Level | None = None
        self.follow_error_pages = True

    def run(self) -> list[Branch]:
        if self.auto_redirect is not None:
            start = Path({}, opaque=(f"the request is for {self.auto_redirect}, without the trailing slash",))
            return self._run([start], server_rewrite=True)
        return self._run([Path({})], server_rewrite=True)

    def _auto_redirect_outcome(self, location: Level) -> Outcome:
        """nginx's 301 from the location's name without its '/' to the name
        (ngx_http_core_find_config_phase): an absolute URL on the request's
        own scheme and host unless `absolute_redirect off`, the query kept."""
        target = self.auto_redirect + "/"
        query = Unknown("$is_args$args", "query")
        relative = self.builder._innermost_in(self.chain, "absolute_redirect")
        if relative is not None and relative.args[:1] == ["off"]:
            value = Value((Lit(target), query))
        else:
            value = Value((Unknown("$scheme", "scheme"), Lit("://"), Unknown("$host", "host"),
                           Lit(target), query))
        return Outcome(301, location.source, location=value,
                       reason=f"nginx redirects {self.auto_redirect} to {target} by itself")

    def _run(self, paths: list[Path], server_rewrite: bool) -> list[Branch]:
        server_levels = [lv for lv in self.chain if lv.kind == "server"]
        locations = [lv for lv in self.chain if lv.kind == "location"]
        if server_levels and server_rewrite:
            paths = self._rewrite(server_levels[-1].directives, paths)
        for p in paths:
            if p.result is not None:
                p.answered_at_server = True
        if locations:
            live = [p for p in paths if p.result is None]
            done = [p for p in paths if p.result is not None]
            for p in live:
                # a server-level `if` without `return` leaves no settings behind:
                # the location found afterwards supplies them
                p.stopped = False
                p.taken_ifs = ()
            limited = self._limit_except_level(locations[-1])
            if self.auto_redirect is not None:
                # found with the location, before its rewrite phase runs
                for p in live:
                    p.result = self._auto_redirect_outcome(locations[-1])
                paths = done + live
            elif limited is not None:
                # A method limit_except does not list gets the limit_except
                # block's configuration before the rewrite phase (seen with
                # nginx 1.22): the location's own if/return/set never run.
                self.limit_level = limited
                paths = done + live
            else:
                paths = done + self._rewrite(locations[-1].directives, live)
        out: list[Branch] = []
        for p in paths:
            branch = self._finish(p)
            out.extend(self._error_page(p, branch) or self._try_files_named(p, branch) or [branch])
        return out

    def _try_files_named(self, p: Path, branch: Branch) -> list[Branch] | None:
        """`try_files $uri @app`: a path with no file behind it is answered
        by @app, its headers, its proxy (and the hides it inherits from the
        server and http levels), with the method and variables kept."""
        if p.fallback is None or p.result is not None or not self.follow_error_pages:
            return None
        named = self._named_location(p.fallback)
        if named is None:
            return None
        sub = Simulation(self.builder, [lv for lv in self.chain if lv.kind != "location"] + [named],
                         self.method, sorted(self.methods))
        sub.budget = self.budget
        sub.follow_error_pages = False
        out = []
        for b in sub._run([Path(dict(p.vars), p.tests, p.opaque)], server_rewrite=False):
            outcome = replace(b.outcome, reason=f"try_files ... {p.fallback}: {b.outcome.reason}")
            # the access phase ran in the location the request matched
            out.append(replace(b, outcome=outcome, methods=self.methods,
                               auth=b.auth or branch.auth, auth_what=b.auth_what or branch.auth_what))
        self.budget = sub.budget
        return out

    def _limit_except_level(self, location: Level) -> Level | None:
        for le in location.all("limit_except"):
            allowed = {a.upper() for a in le.args}
            if "GET" in allowed:
                allowed.add("HEAD")
            if self.method not in allowed:
                return Level("limit_except", le.block or [], le.source, f"limit_except {' '.join(le.args)}")
        return None

    # -- rewrite phase

    def _rewrite(self, directives: list[Directive], paths: list[Path]) -> list[Path]:
        for d in directives:
            if d.name not in REWRITE_PHASE:
                continue  # leaves every path as it is
            nxt: list[Path] = []
            for p in paths:
                if p.result is not None or p.stopped:
                    nxt.append(p)
                    continue
                nxt.extend(self._step(d, p))
            paths = nxt
        return paths

    def _step(self, d: Directive, p: Path) -> list[Path]:
        if d.name == "set" and len(d.args) >= 2:
            p.vars[d.args[0].lstrip("$")] = self.value(d.args[1], p, d.source)
            return [p]
        if d.name == "break":
            p.stopped = True
            return [p]
        if d.name == "return":
            p.result = self._return(d, p)
            return [p]
        if d.name == "rewrite" and len(d.args) >= 2:
            return self._rewrite_directive(d, p)
        if d.name == "if" and d.block is not None:
            out: list[Path] = []
            level = Level("if", d.block, d.source, "if (" + " ".join(d.args) + ")")
            for q, taken in self._condition(d, p):
                if taken:
                    q.taken_ifs = q.taken_ifs + (level,)
                    q.stopped = False
                    sub = self._rewrite(d.block, [q])
                    for s in sub:
                        s.stopped = s.stopped if s.result is None else s.stopped
                    out.extend(sub)
                else:
                    out.append(q)
            return out
        return [p]

    def _return(self, d: Directive, p: Path) -> Outcome:
        args = d.args
        if not args:
            return Outcome(444, d.source, reason="return")
        if args[0].isascii() and args[0].isdigit():
            code = int(args[0])
            location = None
            if code in REDIRECT_CODES and len(args) > 1:
                location = self.value(args[1], p, d.source)
            return Outcome(code, d.source, location=location, reason=f"return {' '.join(args)}")
        return Outcome(302, d.source, location=self.value(args[0], p, d.source), reason=f"return {args[0]}")

    def _rewrite_directive(self, d: Directive, p: Path) -> list[Path]:
        regex, replacement = d.args[0], d.args[1]
        flag = d.args[2] if len(d.args) > 2 else ""
        is_redirect = flag in ("redirect", "permanent") or replacement.startswith(("http://", "https://", "$scheme"))
        if not is_redirect:
            return [p]
        code = 301 if flag == "permanent" else 302
        outcome = Outcome(code, d.source, location=self.value(replacement, p, d.source),
                          reason=f"rewrite {regex} {replacement} {flag}".strip())
        if matches_every_path(regex):
            # every request path starts with '/': no request escapes the redirect
            p.result = outcome
            return [p]
        # The request path is not known statically: the redirect may apply.
        taken = p.fork()
        taken.opaque = taken.opaque + (f"path matches {regex}",)
        taken.result = outcome
        return [taken, p] if self._spend() else [p]

    def _spend(self) -> bool:
        if self.budget <= 0:
            return False
        self.budget -= 1
        return True

    def _condition(self, d: Directive, p: Path) -> list[tuple[Path, bool]]:
        """Split ``p`` by an if condition into (path, taken) pairs."""
        args = d.args
        text = " ".join(args)
        if not args:
            return [(p, False)]
        if args[0] in ("-f", "!-f", "-d", "!-d", "-e", "!-e", "-x", "!-x"):
            return self._opaque(p, text)
        subject = args[0]
        op = args[1] if len(args) > 1 else None
        operand = args[2] if len(args) > 2 else ""
        if not subject.startswith("$"):
            return self._opaque(p, text)
        if (subject.lstrip("$") in PATH_VARIABLES and op in ("~", "~*", "!~", "!~*")
                and matches_every_path(operand, op.endswith("*"))):
            return [(p, not op.startswith("!"))]  # a test every path passes (or none)
        value = self.value(subject, p, d.source)
        # A value chosen by an Origin map: fork per entry so it becomes concrete.
        maps = list(value.origin_maps())
        if maps:
            return [(q, t) for q0 in self._fork_map(p, maps[0], subject.lstrip("$"), value)
                    for q, t in self._condition(d, q0)]
        if op is None:
            return self._truth(p, value, None, text, d)
        if op in ("=", "!="):
            return self._truth(p, value, ("eq", operand, op == "!="), text, d)
        if op in ("~", "~*", "!~", "!~*"):
            return self._truth(p, value, ("re", operand, op.startswith("!"), op.endswith("*")), text, d)
        return self._opaque(p, text)

    def _fork_map(self, p: Path, omap: OriginMap, var: str, value: Value) -> list[Path]:
        out: list[Path] = []
        prior: list[OriginTest] = []
        for entry in omap.entries:
            if not self._spend():
                break
            q = p.fork()
            q.tests = q.tests + tuple(prior) + (OriginTest(entry.matcher, True),)
            q.vars[var] = substitute_map(value, omap, entry.value)
            out.append(q)
            prior.append(OriginTest(entry.matcher, False))
        q = p.fork()
        q.tests = q.tests + tuple(prior)
        q.vars[var] = substitute_map(value, omap, omap.default)
        out.append(q)
        return out

    def _truth(self, p: Path, value: Value, test, text: str, d: Directive) -> list[tuple[Path, bool]]:
        concrete = value.evaluate(None) if not value.depends_on_origin else None
        if value.has_unknown:
            return self._opaque(p, text)
        if concrete is not None and not value.depends_on_origin:
            return [(p, if_test_holds(concrete, test))]
        # depends on the Origin only through OriginRef (maps were forked)
        if value.parts == (OriginRef(),):
            if test is None:
                return [(p, True)]  # a CORS request always carries Origin
            if test[0] == "eq":
                matcher = OriginMatcher(test[1], "exact", source=d.source)
                negate = test[2]
            else:
                matcher = OriginMatcher(pcre_to_python(test[1]), "pcre-search", ignore_case=test[3], source=d.source)
                negate = test[2]
            if not self._spend():
                return self._opaque(p, text)
            yes, no = p.fork(), p.fork()
            yes.tests = yes.tests + (OriginTest(matcher, True),)
            no.tests = no.tests + (OriginTest(matcher, False),)
            return [(yes, not negate), (no, negate)]
        texts = _finite_texts(value)
        if texts is not None:
            # a value chosen among known texts (a map on the host, say): the
            # test is decided when every text gives the same answer
            answers = {if_test_holds(t, test) for t in texts}
            if len(answers) == 1:
                return [(p, answers.pop())]
        return self._opaque(p, text)

    def _opaque(self, p: Path, text: str) -> list[tuple[Path, bool]]:
        if not self._spend():
            return [(p, False)]
        taken = p.fork()
        taken.opaque = taken.opaque + (text,)
        return [(taken, True), (p, False)]

    # -- error_page: an error status handed to another location

    def _error_page(self, p: Path, branch: Branch) -> list[Branch] | None:
        """The branches of the answer an `error_page` for this branch's
        status makes instead (None: no error_page applies). Seen with nginx
        1.22: `error_page 469 = @preflight; ... return 469;` answers with
        @preflight's status and headers, the method kept; without `=` the
        status stays 469; `=200` makes it 200; a URI target is requested
        with GET; variables set before carry over."""
        status = branch.outcome.status
        if not self.follow_error_pages or status is None or not 400 <= status <= 599 or status in (444, 499):
            return None
        found = self._error_page_for(status, p)
        if found is None:
            return None
        d, override, target = found
        if target.startswith("@"):
            named = self._named_location(target)
            if named is None:
                return None
            chain = [lv for lv in self.chain if lv.kind != "location"] + [named]
            method, server_rewrite = self.method, False  # a named location runs its location phases only
        elif target.startswith("/") and "$" not in target:
            chain = self._location_chain(target)
            if chain is None:
                return None
            # an internal redirect to a URI: the method becomes GET (HEAD stays)
            method, server_rewrite = ("HEAD" if self.method == "HEAD" else "GET"), True
        else:
            return None  # a redirect to a URL, or a target built at run time
        sub = Simulation(self.builder, chain, method, sorted(self.methods))
        sub.budget = self.budget
        sub.follow_error_pages = False  # recursive_error_pages is off by default
        start = Path(dict(p.vars), p.tests, p.opaque)
        out = []
        for b in sub._run([start], server_rewrite):
            outcome = b.outcome
            if override is None:   # `error_page 469 @x`: still 469, as the first answer said
                outcome = replace(outcome, status=status, source=branch.outcome.source)
            elif override:         # `=200`: the error_page line sets it
                outcome = replace(outcome, status=int(override), source=d.source)
            outcome = replace(outcome, reason=f"{branch.outcome.reason}, then error_page {' '.join(d.args)}: "
                                              f"{outcome.reason}".strip(", "))
            out.append(replace(b, outcome=outcome, methods=self.methods))
        self.budget = sub.budget
        return out

    def _error_page_for(self, status: int, p: Path) -> tuple[Directive, str | None, str] | None:
        """The error_page for ``status`` in effect (the innermost level that
        has any error_page), as (directive, override, target): override None
        without '=', "" for a bare '=', else the code after it."""
        levels = self._effective_levels(p)
        with_pages = [lv for lv in levels if lv.all("error_page")]
        if not with_pages:
            return None
        for d in with_pages[-1].all("error_page"):
            if len(d.args) < 2:
                continue
            codes, rest = [], list(d.args)
            while rest and rest[0].isascii() and rest[0].isdigit():
                codes.append(int(rest.pop(0)))
            if status not in codes or not rest:
                continue
            override = None
            if rest[0].startswith("="):
                override = rest.pop(0)[1:]
                if not rest:
                    continue
            if override and not (override.isascii() and override.isdigit()):
                continue
            return d, override, rest[-1]
        return None

    def _location_chain(self, uri: str) -> list[Level] | None:
        """The levels a request for ``uri`` runs through in this server: an
        exact location, else the longest prefix (a `^~` one wins at once),
        else the first regex location that matches, else that prefix."""
        servers = [i for i, lv in enumerate(self.chain) if lv.kind == "server"]
        if not servers:
            return None
        base = self.chain[:servers[-1] + 1]
        best: tuple[int, list[Level], bool] | None = None

        def search(directives: list[Directive], chain: list[Level]) -> list[Level] | None:
            nonlocal best
            regexes = []
            for d in directives:
                if d.name != "location" or d.block is None or not d.args:
                    continue
                level = Level("location", d.block, d.source, f"location {' '.join(d.args)}")
                modifier, pattern = (d.args[0], d.args[1]) if len(d.args) > 1 else ("", d.args[0])
                if modifier == "=":
                    if pattern == uri:
                        return chain + [level]
                elif modifier in ("~", "~*"):
                    regexes.append((modifier, pattern, chain + [level]))
                elif modifier in ("", "^~") and not pattern.startswith("@") and uri.startswith(pattern):
                    if best is None or len(pattern) > best[0]:
                        best = (len(pattern), chain + [level], modifier == "^~")
                    inner = search(d.block, chain + [level])
                    if inner is not None:
                        return inner
            if best is None or not best[2]:
                for modifier, pattern, sub in regexes:
                    if regexlang.bounded(pcre_to_python(pattern), modifier == "~*").run("search", uri):
                        return sub
            return None

        found = search(base[-1].directives, base)
        if found is not None:
            return found
        return best[1] if best is not None else None

    # -- values

    def value(self, text: str, p: Path | None, source: Source) -> Value:
        if "$" not in text:
            return literal_value(text)
        parts: list = []
        pos = 0
        for m in VARIABLE_REFERENCE.finditer(text):
            if m.start() > pos:
                parts.append(Lit(text[pos:m.start()]))
            parts.extend(self.variable(m.group(1) or m.group(2), p, source).parts)
            pos = m.end()
        if pos < len(text):
            parts.append(Lit(text[pos:]))
        merged: list = []
        for part in parts:
            if merged and isinstance(part, Lit) and isinstance(merged[-1], Lit):
                merged[-1] = Lit(merged[-1].text + part.text)
            else:
                merged.append(part)
        return Value(tuple(merged) if merged else (Lit(""),))

    def variable(self, name: str, p: Path | None, source: Source, depth: int = 0) -> Value:
        if p is not None and name in p.vars:
            return p.vars[name]
        if name == "http_origin":
            return Value.origin()
        if name == "request_method":
            return Value.literal(self.method)
        if name in self.builder.maps and depth < 8:
            return self._map_value(self.builder.maps[name], p, depth)
        if p is not None and self._unset_is_empty(name):
            # a `set` variable no `set` on this request's way has run: nginx
            # gives its value as "" ("using uninitialized variable")
            return Value.literal("")
        return Value((Unknown("$" + name, REQUEST_VARIABLE_MEANINGS.get(name, "")),))

    def _unset_is_empty(self, name: str) -> bool:
        """Every write of $name is a visible `set`, and the rewrite phase this
        request runs is all in view: a request to this route enters it from
        the client with no variable set (a server's location, not a snippet
        whose includer may have set it; no include that was not read in the
        levels whose `set`s run, nor at http level, where a `map` of the
        same name would give the value instead). A file of server blocks is
        taken to name its own set variables: a map of the same name in an
        includer nobody linted would be a second definition."""
        facts = _variable_facts(self.builder)
        if name not in facts.set_only or not facts.has_servers:
            return False
        running = [lv for lv in self.chain if lv.kind in ("http", "main")] + \
                  [lv for lv in self.chain if lv.kind == "server"][-1:] + \
                  [lv for lv in self.chain if lv.kind == "location"][-1:]
        return not any(_has_unread_include(lv.directives) for lv in running)

    def _map_value(self, d: Directive, p: Path | None, depth: int) -> Value:
        name = d.args[1].lstrip("$")
        if name in self.builder.plain_origin_maps:
            # the same allowlist whatever the request's path took: built once
            cache = self.builder.origin_maps
            if name not in cache:
                cache[name] = self._build_map_value(d, None, depth)
            return cache[name]
        return self._build_map_value(d, p, depth)

    def _build_map_value(self, d: Directive, p: Path | None, depth: int) -> Value:
        src = d.args[0]
        entries: list[tuple[str, str, Source]] = []
        default = ""
        default_source = None
        for e in d.block or []:
            if e.name in ("hostnames", "volatile"):
                continue
            if e.name == "default":
                default = e.args[0] if e.args else ""
                default_source = e.source
                continue
            entries.append((e.name, e.args[0] if e.args else "", e.source))
        default_value = self.value(default, p, d.source)
        if src == "$http_origin":
            exact, regex = [], []
            for key, val, esrc in entries:
                v = self.value(val, p, esrc)
                if key.startswith("~*"):
                    regex.append(MapEntry(OriginMatcher(pcre_to_python(key[2:]), "pcre-search", True, esrc), v))
                elif key.startswith("~"):
                    regex.append(MapEntry(OriginMatcher(pcre_to_python(key[1:]), "pcre-search", False, esrc), v))
                else:
                    key = key[1:] if key.startswith("\\") else key
                    exact.append(MapEntry(OriginMatcher(key, "exact-nocase", source=esrc), v))
            # nginx looks up exact keys before trying regexes in order
            return Value((OriginMap(tuple(exact + regex), default_value, d.source, default_source),))
        if src == "$request_method":
            for key, val, esrc in entries:
                if map_key_matches(key, self.method):
                    return self.value(val, p, esrc)
            return default_value
        chained = self._chained_origin_map(d, src, entries, (default, default_source), p, depth)
        if chained is not None:
            return chained
        options = tuple(dict.fromkeys([self.value(val, p, esrc) for _, val, esrc in entries] + [default_value]))
        return Value((Choice(options, f"{d.args[1]} chosen by {src}"),))

    def _chained_origin_map(self, d: Directive, src: str, entries: list[tuple[str, str, Source]],
                            default: tuple[str, Source | None], p: Path | None, depth: int) -> Value | None:
        """A map keyed on a variable that a map on the Origin chooses
        (`map $http_origin $ok {...}` then `map $ok $allow {1 $http_origin;}`):
        the same allowlist, each entry's value looked up in this map, so the
        Origin still picks the value per entry (None: not such a chain)."""
        m = VARIABLE_REFERENCE.fullmatch(src)
        if m is None or depth >= 8:
            return None
        name = m.group(1) or m.group(2)
        keyed = self.variable(name, p, d.source, depth + 1)
        if len(keyed.parts) != 1 or not isinstance(keyed.parts[0], OriginMap):
            return None
        origin_map = keyed.parts[0]

        def lookup(key_value: Value) -> tuple[Value, Source | None] | None:
            text = key_value.evaluate(None) if not key_value.depends_on_origin else None
            if text is None or key_value.has_unknown:
                return None
            # nginx looks up exact keys before trying regexes in order
            exact = [e for e in entries if not e[0].startswith("~")]
            regex = [e for e in entries if e[0].startswith("~")]
            for key, val, esrc in exact + regex:
                key = key[1:] if key.startswith("\\") else key
                if map_key_matches(key, text):
                    return self.value(val, p, esrc), esrc
            return self.value(default[0], p, d.source), default[1]

        chained: list[MapEntry] = []
        for entry in origin_map.entries:
            found = lookup(entry.value)
            if found is None:
                return None
            chained.append(MapEntry(entry.matcher, found[0]))
        found = lookup(origin_map.default)
        if found is None:
            return None
        return Value((OriginMap(tuple(chained), found[0], d.source, found[1]),))

    # -- after the rewrite phase

    def _finish(self, p: Path) -> Branch:
        levels = self._effective_levels(p)
        headers, shadowed = self._headers(levels, p)
        auth = None
        auth_what = ""
        outcome = p.result
        if outcome is None:
            outcome, auth, auth_what = self._access_and_content(levels, p)
            if outcome.delegate == "files" and any(lv.content_elsewhere for lv in levels):
                # the static answer was a default; the includer's handler answers
                outcome = Outcome(None, levels[-1].source, delegate=HANDLER_UNKNOWN,
                                  reason="the handler of the block that includes this snippet")
        label = " / ".join(lv.label for lv in levels[1:])
        return Branch(
            outcome=outcome, headers=headers, methods=self.methods,
            origin_tests=p.tests, opaque_conditions=p.opaque, config_gates=config_gates(p.opaque),
            auth=auth, auth_what=auth_what, shadowed=shadowed, source=levels[-1].source, label=label,
        )

    def _effective_levels(self, p: Path) -> list[Level]:
        """http, server, locations..., and the last `if` the request entered
        (whose settings replace the location's)."""
        levels = list(self.chain)
        if p.answered_at_server:
            levels = [lv for lv in levels if lv.kind in ("http", "server", "main")]
        if p.taken_ifs:
            levels.append(p.taken_ifs[-1])
        if self.limit_level is not None and not p.answered_at_server:
            levels.append(self.limit_level)
        return levels

    def _headers(self, levels: list[Level], p: Path) -> tuple[tuple[HeaderEmission, ...], tuple[Shadowed, ...]]:
        defining = [lv for lv in levels if lv.all("add_header")]
        emissions: list[HeaderEmission] = []
        shadowed: list[Shadowed] = []
        if defining:
            inner = defining[-1]
            emissions = [self._add_header(d, p) for d in inner.all("add_header") if len(d.args) >= 2]
            if len(defining) > 1:
                outer = defining[-2]
                lost = [self._add_header(d, p) for d in outer.all("add_header") if len(d.args) >= 2]
                lost_names = {h.lname for h in lost} - {h.lname for h in emissions}
                lost = [h for h in lost if h.lname in lost_names]
                if lost:
                    first = inner.all("add_header")[0]
                    shadowed.append(Shadowed(tuple(lost), first.source, f"add_header in {inner.label}"))
        # headers-more (openresty/headers-more-nginx-module, README.markdown
        # and ngx_http_headers_more_merge_loc_conf): the commands of outer
        # levels run before an inner level's own, all of them, in order; none
        # replaces a level the way add_header's do. Its header filter runs
        # before add_header's (seen with Debian's 0.34 module on nginx 1.22):
        # more_clear_headers never removes an add_header, and an add_header
        # of the same name is sent beside a more_set_headers one.
        more: list[HeaderEmission] = []
        for lv in levels:
            sets, clears = lv.all("more_set_headers"), lv.all("more_clear_headers")
            if not (sets or clears):
                continue  # most levels: the http level may hold thousands of directives
            for d in (lv.directives if sets and clears else sets or clears):
                if d.name == "more_set_headers":
                    more.extend(self._more_set(d, p))
                elif d.name == "more_clear_headers":
                    cleared = {a.lower().rstrip("*") for a in d.args if not a.startswith("-")}
                    more = [e for e in more if not any(e.lname.startswith(c) for c in cleared)]
        emissions = more + emissions
        return tuple(emissions), tuple(shadowed)

    def _cleared(self, levels: list[Level]) -> frozenset[str]:
        """Header names headers-more strips from every answer, the upstream's included."""
        # every level's commands run (see _headers)
        return frozenset(a.lower() for lv in levels for d in lv.all("more_clear_headers")
                         for a in d.args if not a.startswith("-") and "*" not in a)

    def _add_header(self, d: Directive, p: Path | None) -> HeaderEmission:
        shared = self._request_independent(d.args[1], p)
        if shared:
            # the same header on every path and method through the file: made once
            cached = self.builder.emissions.get(id(d))
            if cached is not None and cached[0] is d:
                return cached[1]
        always = len(d.args) > 2 and d.args[2] == "always"
        emission = HeaderEmission(
            name=d.args[0], value=self.value(d.args[1], p, d.source), source=d.source,
            always=always, omit_if_empty=True, raw=d.args[1],
        )
        if shared:
            self.builder.emissions[id(d)] = (d, emission)
        return emission

    def _request_independent(self, text: str, p: Path | None) -> bool:
        """The value of ``text`` is the same whatever path the request took
        (no `set` variable, no method): literal text, $http_origin, and maps
        on $http_origin whose values name nothing else."""
        if "$" not in text:
            return True
        names = variables_in(text)
        plain = self.builder.plain_origin_maps
        for name in names:
            if p is not None and name in p.vars:
                return False
            if name != "http_origin" and name not in plain:
                return False
        return True

    def _more_set(self, d: Directive, p: Path) -> list[HeaderEmission]:
        out = []
        args = d.args
        restricted = False
        i = 0
        values = []
        while i < len(args):
            if args[i] in ("-s", "-t") and i + 1 < len(args):
                restricted = restricted or args[i] == "-s"
                i += 2
                continue
            values.append(args[i])
            i += 1
        for spec in values:
            if ":" not in spec:
                continue
            name, _, val = spec.partition(":")
            val = val.strip()
            out.append(HeaderEmission(
                name=name.strip(), value=self.value(val, p, d.source), source=d.source,
                always=not restricted, omit_if_empty=True, raw=val, replaces=True,
            ))
        return out

    def _access_and_content(self, levels: list[Level], p: Path) -> tuple[Outcome, Source | None, str]:
        method = self.method
        # limit_except: the innermost location's; GET allows HEAD too.
        loc = [lv for lv in levels if lv.kind == "location"]
        if loc:
            for le in loc[-1].all("limit_except"):
                allowed = {a.upper() for a in le.args}
                if "GET" in allowed:
                    allowed.add("HEAD")
                if method not in allowed:
                    body = Level("limit_except", le.block or [], le.source, "limit_except")
                    if any(x.name == "deny" and x.args[:1] == ["all"] for x in body.directives):
                        return Outcome(403, le.source, reason=f"limit_except {' '.join(le.args)} denies {method}"), None, ""
                    basic = body.last("auth_basic")
                    if basic and basic.args and basic.args[0] != "off":
                        return self._content(levels, p), basic.source, "auth_basic inside limit_except"
        deny = self._innermost(levels, "deny")
        if deny and deny.args[:1] == ["all"] and not self._innermost(levels, "allow"):
            return Outcome(403, deny.source, reason="deny all"), None, ""
        auth = None
        auth_what = ""
        for name in ("auth_basic", "auth_request", "auth_jwt"):
            d = self._innermost(levels, name)
            if d and d.args and self._enabled(d, p):
                auth, auth_what = d.source, name
        return self._content(levels, p), auth, auth_what

    def _enabled(self, d: Directive, p: Path) -> bool:
        """An auth directive is off when its value is, or resolves to, "off"
        (e.g. a map on $request_method giving "off" for OPTIONS)."""
        text = self.value(d.args[0], p, d.source).evaluate(None)
        return text != "off"

    def _innermost(self, levels: list[Level], name: str) -> Directive | None:
        for lv in reversed(levels):
            d = lv.last(name)
            if d is not None:
                return d
        return None

    def _content(self, levels: list[Level], p: Path) -> Outcome:
        method = self.method
        for lv in reversed(levels):
            if lv.kind not in ("location", "if"):
                continue
            for d in lv.directives:
                if d.name in PROXY_DIRECTIVES:
                    hide = PROXY_DIRECTIVES[d.name]
                    hidden = frozenset()
                    if hide:
                        # proxy_hide_header is an array directive: the innermost level defining it wins
                        inner = [l2 for l2 in levels if l2.all(hide)]
                        if inner:
                            hidden = frozenset(a.args[0].lower() for a in inner[-1].all(hide) if a.args)
                    hidden = hidden | self._cleared(levels)
                    target = d.args[0] if d.args else ""
                    return Outcome(None, d.source, delegate="upstream", hidden_upstream=hidden,
                                   reason=f"{d.name} {' '.join(d.args)}", target=target,
                                   target_servers=_upstream_servers(self.builder).get(_group_name(target), ()),
                                   forwarded_prefix=_forwarded_prefix(levels, lv, target))
            tf = lv.last("try_files")
            if tf is not None and tf.args:
                last = tf.args[-1]
                if last.startswith("@"):
                    named = self._named_location(last)
                    if named is not None:
                        p.fallback = last   # the branch is made from the named location (_try_files_named)
                    if named is not None and any(x.name in PROXY_DIRECTIVES for x in named.directives):
                        return Outcome(None, tf.source, delegate="upstream", reason=f"try_files ... {last}")
                elif not last.startswith("=") and not re.search(r"\.html?$", last) and method not in ("GET", "HEAD"):
                    return Outcome(None, tf.source, delegate="app", reason=f"try_files ... {last}")
                break
        where = levels[-1].source
        root = self._innermost(levels, "root") or self._innermost(levels, "alias")
        if root is not None:
            where = root.source
        dav = self._innermost(levels, "dav_methods")
        dav_methods = {a.upper() for a in dav.args} if dav and dav.args != ["off"] else set()
        if method in ("GET", "HEAD") or method in dav_methods:
            return Outcome(None, where, delegate="files", reason="static files")
        return Outcome(405, where, delegate="files", reason=f"static files answer {method} with 405")

    def _named_location(self, name: str) -> Level | None:
        for lv in self.chain:
            for d in lv.directives:
                if d.name == "location" and d.args[:1] == [name]:
                    return Level("location", d.block or [], d.source, f"location {name}")
        return None


# -- where proxied requests go


def _forwarded_prefix(levels: list[Level], at: Level, target: str) -> str | None:
    """The part of the request's path that the URI of ``target`` replaces
    ("" when the path is passed as it is), None when the path the upstream
    sees is not known here. nginx's rules (ngx_http_proxy_module, proxy_pass):
    without a URI the request's URI is passed as it is; with one, the part
    matching the location is replaced by it; with variables, or after a
    `rewrite` has changed the URI, the URI sent is not the location's."""
    if "$" in target or any(lv.all("rewrite") for lv in levels):
        return None
    if "/" not in target.split("://", 1)[-1]:
        return ""
    locations = [lv for lv in levels if lv.kind == "location"]
    if at.kind != "location" or not locations or locations[-1] is not at or not at.label.startswith("location "):
        return None   # inside `if` or a snippet: which part is replaced is not known here
    words = at.label[len("location "):].split()
    if len(words) == 1 and words[0].startswith("/"):
        return words[0]
    if len(words) == 2 and words[0] in ("=", "^~") and words[1].startswith("/"):
        return words[1]
    return None   # a regex or named location

def _group_name(target: str) -> str:
    """The name an `upstream` block would have for ``target``
    ("http://backend/api" -> "backend"); "" for a target with a variable."""
    if "$" in target:
        return ""
    rest = target.split("://", 1)[-1]
    return rest.split("/", 1)[0]


def _upstream_servers(builder) -> dict[str, tuple[tuple[str, Source], ...]]:
    """Each `upstream NAME { server ADDRESS ...; }` block of the file: its
    servers' addresses with their places, worked out once per file."""
    found = getattr(builder, "upstream_servers", None)
    if found is None:
        found = {}
        stack = list(builder.tree)
        while stack:
            d = stack.pop()
            if d.name == "upstream" and d.args and d.block is not None:
                found[d.args[0]] = tuple((x.args[0], x.source) for x in d.block
                                         if x.name == "server" and x.args)
            elif d.name in ("http", "stream") and d.block is not None:
                stack.extend(d.block)
        builder.upstream_servers = found
    return found


# -- what the whole file says about its variables


@dataclass(frozen=True)
class VariableFacts:
    set_only: frozenset[str]    # variables only `set` writes (no map, capture, module)
    has_servers: bool           # the file's routes are servers' (not a snippet's)


# Directives that give a variable its value besides `set`: maps and their
# kin name it among their arguments, modules' *_set / set_* as the first.
_TABLE_WRITERS = {"map", "geo", "split_clients", "geoip2", "geoip_country", "geoip_city"}
_NAMED_GROUP = re.compile(r"\(\?P?<([A-Za-z_]\w*)>")


def _variable_facts(builder: "Builder") -> VariableFacts:
    facts = getattr(builder, "variable_facts", None)
    if facts is None:
        sets: set[str] = set()
        other: set[str] = set()
        servers = False
        stack = [(d, 0) for d in builder.tree]
        while stack:
            d, depth = stack.pop()
            if d.name == "server" and d.block is not None and depth <= 1:
                servers = True   # (an upstream's `server` lines have no block)
            first = d.args[0] if d.args else ""
            if d.name == "set" and first.startswith("$"):
                sets.add(first[1:])
            elif d.name.startswith("$"):
                other.add(d.name[1:])   # a geoip2-style block's entry
            elif d.name in _TABLE_WRITERS or d.name.startswith(("set_", "perl_set", "js_set")) \
                    or d.name.endswith("_set"):
                other.update(a[1:] for a in d.args if a.startswith("$"))
            for a in d.args:
                other.update(_NAMED_GROUP.findall(a))  # a regex capture names a variable
            if d.block is not None:
                stack.extend((x, depth + 1) for x in d.block)
        top_http = any(d.name == "http" for d in builder.tree)
        if top_http and not any(x.name == "server" for d in builder.tree if d.name == "http"
                                for x in d.block or []):
            servers = False  # an http block without servers is read as a snippet
        facts = VariableFacts(frozenset(sets - other - set(builder.maps)), servers)
        builder.variable_facts = facts
    return facts


def _has_unread_include(directives: list[Directive]) -> bool:
    """An include in these directives (or their `if` blocks) that was not
    read (mime.types holds only `types`)."""
    return any((d.name == "include" and not d.args[0].endswith("mime.types"))
               or (d.name == "if" and _has_unread_include(d.block or []))
               for d in directives)


def _finite_texts(value: Value) -> set[str] | None:
    """Every text ``value`` can take, when it is a short list of known texts."""
    if value.has_unknown or value.depends_on_origin:
        return None
    texts: set[str] = set()
    for alt in value.alternatives():
        text = alt.literal_text
        if text is None:
            return None
        texts.add(text)
    return texts or None
