"""mod_headers and env variables: SetEnvIf/SetEnv, the onsuccess and always
header tables, and the Branch a finished path becomes."""

from __future__ import annotations

import dataclasses

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ... import regexlang
from ...model import Branch, HeaderEmission, OriginMatcher, Outcome, Shadowed, Source, Unknown, Value
from .conditions import (
    ConstantCondition,
    OpaqueCondition,
    OriginCondition,
    Condition,
    EMPTY,
    EnvTerm,
    FALSE,
    TRUE,
    both,
    negated,
    env_isset,
    env_if_then_else,
    env_value,
    if_then_else,
    origin_condition,
    reads_origin,
)
from .loading import Directive
from .sections import Scope
from .values import capture_value, concat, extend_value, pcre_to_python, regex_search, valid_regex

if TYPE_CHECKING:
    from .simulation import Path


@dataclass
class HeaderEntry:
    """One header in one of mod_headers' tables."""

    name: str
    value: Value
    source: Source
    raw: str
    is_set: bool = False

    @property
    def lname(self) -> str:
        return self.name.lower()


class HeaderTables:
    """mod_headers and env variables; part of Simulation (reads its ``ctx``,
    ``target`` and ``method``, and evaluates ap_expr as ExpressionConditions does)."""

    def _env(self, layers: list[Scope], p: Path) -> dict[str, EnvTerm]:
        env: dict[str, EnvTerm] = {}
        directives: list[Directive] = []
        for s in layers:
            directives += s.directives
        # SetEnvIf runs before the rewrite phase's [E=]; SetEnv (fixups) after it
        for d in directives:
            if d.lname in ("setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase", "setenvifexpr"):
                self._setenvif(d, env)
        env.update(p.env)
        for d in directives:
            if d.lname == "setenv" and d.args:
                env[d.args[0]] = Value.literal(d.args[1] if len(d.args) > 1 else "")
            elif d.lname == "unsetenv":
                for name in d.args:
                    env[name] = None
        return env

    def _setenvif(self, d: Directive, env: dict[str, EnvTerm]) -> None:
        lname = d.lname
        if lname == "setenvifexpr":
            if len(d.args) < 2:
                return
            cond = self.expr_cond(d.args[0], d.source)
            assignments = d.args[1:]
            attr_kind, pattern, nocase = "expr", None, False
        else:
            if lname.startswith("browsermatch"):
                if len(d.args) < 2:
                    return
                attr, pattern, assignments = "User-Agent", d.args[0], d.args[1:]
            else:
                if len(d.args) < 3:
                    return
                attr, pattern, assignments = d.args[0], d.args[1], d.args[2:]
            nocase = lname.endswith("nocase")
            attr_kind = attr.lower()
            if attr_kind == "origin":
                matcher = OriginMatcher(pcre_to_python(pattern), "pcre-search", nocase, d.source)
                cond = origin_condition(matcher) if valid_regex(pattern) else OpaqueCondition(f"{d.name} {' '.join(d.args)}")
            elif attr_kind == "request_method":
                cond = ConstantCondition(regex_search(pattern, self.method, nocase) is not None)
            elif attr_kind == "request_uri":
                hits = [regex_search(pattern, s, nocase) is not None for s in self._path_samples(self.target.url, False)]
                cond = TRUE if all(hits) else (FALSE if not any(hits) else OpaqueCondition(f"{d.name} {' '.join(d.args)}"))
            else:
                cond = OpaqueCondition(f"{d.name} {' '.join(d.args)}")
        for spec in assignments:
            if spec.startswith("!"):
                env[spec[1:]] = env_if_then_else(cond, None, env.get(spec[1:]))
                continue
            name, eq, raw = spec.partition("=")
            if not eq:
                raw = "1"
            value = self._setenv_value(raw, pattern, nocase, d.source, attr_kind) if attr_kind == "origin" else \
                (Value.literal(raw) if "$" not in raw else Value((Unknown(f"{name} from {d.name}"),)))
            if attr_kind == "origin" and isinstance(value, tuple):
                full, val, rest = value
                inner = env.get(name)
                if rest is not None:
                    part = Value((Unknown(f"part of the Origin matched by {pattern}"),))
                    inner = env_if_then_else(OriginCondition(rest), part, inner)
                if cond != FALSE:
                    inner = env_if_then_else(OriginCondition(full) if cond != TRUE else TRUE, val, inner)
                env[name] = inner
                continue
            env[name] = env_if_then_else(cond, value, env.get(name))

    def _setenv_value(self, raw: str, pattern: str, nocase: bool, source: Source, attr: str):
        """A SetEnvIf value; `$N` back-references on the Origin become the
        Origin itself where the group is the whole Origin."""
        refs = re.findall(r"\$(\d)", raw)
        if not refs:
            return Value.literal(raw)
        try:
            groups = re.compile(pcre_to_python(pattern)).groups
        except re.error:
            return Value((Unknown("an Origin back-reference"),))
        if not re.search(r"[\\.\[\]()*+?{}^$|]", pattern):
            # a plain string (mod_setenvif matches it with apr_strmatch, no
            # regex): the value is taken as written
            return Value.literal(raw)
        # a regex: ap_pregsub always substitutes, `$0` being the whole match
        # even without groups (checked on httpd 2.4.71: SetEnvIf Origin
        # "^https://h0\.example\.com$" V=$0 sets V to the Origin), and a
        # group the regex lacks giving ""
        if re.fullmatch(r"\$\d", raw):
            n = int(raw[1])
            if n > groups:
                return Value.literal("")
            full, val, rest = capture_value(pattern, n, nocase, source)
            if isinstance(val.parts[0], Unknown):
                return val
            return (full, val, rest)
        return Value((Unknown(f"a value built from the Origin ({raw})"),))

    def _header_value(self, raw: str, env: dict[str, EnvTerm], handler: Outcome) -> Value:
        if raw.startswith("expr="):
            return self._expr_string(raw[5:], env)
        parts: list[Value] = []
        pos = 0
        for m in re.finditer(r"%%|%\{([^}]*)\}([A-Za-z]?)|%([A-Za-z])", raw):
            if m.start() > pos:
                parts.append(Value.literal(raw[pos:m.start()]))
            if m.group(0) == "%%":
                parts.append(Value.literal("%"))
            elif m.group(2) == "e":
                name = m.group(1)
                term = env.get(name)
                if term is None and name.upper().startswith("HTTP_") and handler.delegate == "app":
                    # CGI-style handlers put the request headers into the environment
                    term = Value.origin() if name.upper() == "HTTP_ORIGIN" else Value((Unknown(f"%{{{name}}}e"),))
                parts.append(env_value(term, "(null)"))
            else:
                parts.append(Value((Unknown(m.group(0)),)))
            pos = m.end()
        if pos < len(raw):
            parts.append(Value.literal(raw[pos:]))
        return concat(*parts) if parts else Value.literal("")

    def _expr_string(self, text: str, env: dict[str, EnvTerm]) -> Value:
        parts: list[Value] = []
        pos = 0
        for m in re.finditer(r"%\{([^{}]*)\}", text):
            if m.start() > pos:
                parts.append(Value.literal(text[pos:m.start()]))
            name = m.group(1)
            low = name.lower()
            if low in ("req:origin", "http:origin", "req_novary:origin"):
                parts.append(Value.origin())
            elif low == "request_method":
                parts.append(Value.literal(self.method))
            elif low.startswith(("env:", "reqenv:")):
                parts.append(env_value(env.get(name.split(":", 1)[1]), ""))
            else:
                parts.append(Value((Unknown(f"%{{{name}}}"),)))
            pos = m.end()
        if pos < len(text):
            parts.append(Value.literal(text[pos:]))
        return concat(*parts) if parts else Value.literal("")

    def _header_cond(self, spec: str, env: dict[str, EnvTerm], source: Source) -> Condition:
        if spec.lower().startswith("env="):
            name = spec[4:]
            if name.startswith("!"):
                return negated(env_isset(self._env_term(name[1:], env)))
            return env_isset(self._env_term(name, env))
        if spec.lower().startswith("expr="):
            return self.expr_cond(spec[5:], source)
        return TRUE

    def _env_term(self, name: str, env: dict[str, EnvTerm]) -> EnvTerm:
        return env.get(name)

    def _tables(self, layers: list[Scope], env: dict[str, EnvTerm], handler: Outcome, p: Path):
        onsuccess: list[HeaderEntry] = []
        always: list[HeaderEntry] = []
        unset_success: set[str] = set()
        unset_always: set[str] = set()
        if not (handler.delegate == "upstream" and handler.status is None):
            # Vary added while the request is processed (by <If>, RewriteCond) goes into
            # the answer's headers, which mod_proxy replaces with the upstream's own
            for source, table_always, when in p.vary:
                self._vary(always if table_always else onsuccess, source, when)
        for s in layers:
            for d in s.directives:
                if d.lname != "header":
                    continue
                self._header_op(d, onsuccess, always, env, handler, unset_success, unset_always)
        return onsuccess, always, unset_success, unset_always

    @staticmethod
    def _vary(table: list[HeaderEntry], source: Source, when: Condition = TRUE) -> None:
        """Merge ``Vary: Origin`` into a table (only for requests where ``when`` holds)."""
        for e in table:
            if e.lname == "vary":
                if "origin" not in (e.value.render().lower()):
                    e.value = if_then_else(when, concat(e.value, Value.literal(",Origin")), e.value)
                return
        table.append(HeaderEntry("Vary", if_then_else(when, Value.literal("Origin"), EMPTY), source, "Origin"))

    def _header_op(self, d: Directive, onsuccess: list[HeaderEntry], always: list[HeaderEntry], env, handler: Outcome,
                   unset_success: set[str], unset_always: set[str]) -> None:
        args = list(d.args)
        table, unset_names = onsuccess, unset_success
        if args and args[0].lower() in ("always", "onsuccess"):
            if args.pop(0).lower() == "always":
                table, unset_names = always, unset_always
        if len(args) < 2:
            return
        action = args[0].lower()
        name = args[1].rstrip(":")
        rest = args[2:]
        value_raw = None
        replacement = None
        if action in ("set", "append", "add", "merge", "setifempty"):
            if not rest:
                return
            value_raw = rest.pop(0)
        elif action in ("edit", "edit*"):
            if len(rest) < 2:
                return
            value_raw, replacement = rest[0], rest[1]
            rest = rest[2:]
        elif action in ("echo", "note"):
            return
        elif action != "unset":
            return
        cond: Condition = TRUE
        for spec in rest:
            if spec.lower() == "early":
                continue
            c = self._header_cond(spec, env, d.source)
            if spec.lower().startswith("expr=") and reads_origin(c):
                self._vary(table, d.source)
            cond = both(cond, c)
        if cond == FALSE:
            return
        lname = name.lower()
        same = [e for e in table if e.lname == lname]
        if action == "unset":
            for e in same:
                e.value = if_then_else(cond, EMPTY, e.value)
            table[:] = [e for e in table if not (e.lname == lname and e.value == EMPTY)]
            if cond == TRUE or isinstance(cond, OpaqueCondition):
                unset_names.add(lname)
            return
        if action in ("edit", "edit*"):
            for e in same:
                text = e.value.literal_text
                if text is None:
                    e.value = Value((Unknown(f"{e.raw} edited by {value_raw}"),))
                    continue
                # Python's re, as everywhere in this frontend, only where its cost is
                # bounded (regexlang.bounded); otherwise the edited value is unknown
                rx = regexlang.bounded(pcre_to_python(value_raw), False, True)
                new = None
                if rx.backtracking and len(text) <= regexlang.MAX_BACKTRACK_SUBJECT:
                    try:
                        new = rx.engine.sub(replacement.replace("$", "\\"), text,
                                            count=0 if action == "edit*" else 1)
                    except (re.error, IndexError):
                        new = None
                e.value = if_then_else(cond, Value.literal(new) if new is not None else Value((Unknown(e.raw),)), e.value)
            return
        value = self._header_value(value_raw, env, handler)
        if action == "set":
            for e in same:
                e.value = if_then_else(cond, EMPTY, e.value)
            table[:] = [e for e in table if not (e.lname == lname and e.value == EMPTY)]
            table.append(HeaderEntry(name, if_then_else(cond, value, EMPTY), d.source, value_raw, is_set=True))
            return
        if action == "setifempty":
            if same:
                return
            table.append(HeaderEntry(name, if_then_else(cond, value, EMPTY), d.source, value_raw, is_set=True))
            return
        if action in ("append", "merge") and same:
            e = same[0]
            joined = extend_value(e.value, value, merge=action == "merge")
            if joined == e.value:
                return
            e.value = if_then_else(cond, joined, e.value)
            e.source = d.source
            e.raw = f"{e.raw}, {value_raw}"
            return
        table.append(HeaderEntry(name, if_then_else(cond, value, EMPTY), d.source, value_raw))

    def _branch(self, p: Path, layers: list[Scope], outcome: Outcome, auth: Source | None, auth_what: str) -> Branch:
        env = self._env(layers, p)
        onsuccess, always, unset_success, unset_always = self._tables(layers, env, outcome, p)
        shadowed: tuple[Shadowed, ...] = ()
        proxy_like = outcome.status is None and outcome.delegate in ("upstream", "app")
        error_override = any(d.lname == "proxyerroroverride" and d.args and d.args[0].lower() == "on"
                             for s in layers for d in s.directives) or any(
            d.lname == "proxyerroroverride" and d.args and d.args[0].lower() == "on"
            for d in self.ctx.server_directives)
        success_always = False
        if p.result is not None and p.result_local and outcome.status is not None and outcome.status < 400:
            # httpd answers this itself: only the always table is sent
            dropped = [e for e in onsuccess if e.value != EMPTY]
            if dropped and not p.opaque:
                emissions = tuple(self._emission(e, False, False) for e in dropped)
                shadowed = (Shadowed(emissions, outcome.source,
                                     f"{p.result_by} and only 'Header always' headers reach"),)
            onsuccess = []
        elif proxy_like and auth is None and not error_override:
            # the handler's answer carries the onsuccess table whatever its status
            success_always = True
        hidden: frozenset[str] = frozenset()
        if outcome.delegate == "upstream" and outcome.status is None:
            fcgi = "fcgi://" in outcome.reason.lower()
            hidden = frozenset(unset_always if fcgi else unset_success)
            outcome = dataclasses.replace(outcome, hidden_upstream=hidden)
        emissions: list[HeaderEmission] = []
        entries = [(e, False) for e in onsuccess] + [(e, True) for e in always]
        entries.sort(key=lambda et: (et[0].source.file, et[0].source.line, et[0].source.column, et[1]))
        for e, is_always in entries:
            if e.value == EMPTY:
                continue
            replaces = (not is_always) and e.is_set and not any(h.lname == e.lname for h in emissions)
            emissions.append(self._emission(e, is_always or success_always, replaces))
        label = " / ".join(s.label for s in layers if s.kind != "server") or "server"
        return Branch(
            outcome=outcome, headers=tuple(emissions), methods=frozenset({self.method}),
            origin_tests=p.tests, opaque_conditions=p.opaque, auth=auth, auth_what=auth_what,
            shadowed=shadowed, source=layers[-1].source if layers else self.target.source, label=label,
        )

    @staticmethod
    def _emission(e: HeaderEntry, always: bool, replaces: bool) -> HeaderEmission:
        return HeaderEmission(name=e.name, value=e.value, source=e.source, always=always,
                              omit_if_empty=True, raw=e.raw, replaces=replaces)
