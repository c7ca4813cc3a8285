"""nginx frontend: crossplane's parse tree -> policy model.

Encodes the nginx semantics the checks must not need to know:

* includes (globs, paths relative to the including file or the main config's
  directory, absolute paths re-rooted into the linted tree, cycles);
* ``map`` (global to http), ``set`` and ``if`` run per request in the rewrite
  phase; a condition on the Origin forks the request into branches guarded by
  origin tests, a condition on the method is decided per method, any other
  condition is opaque;
* ``add_header`` inheritance: a level with any add_header (an ``if`` included)
  replaces every inherited one; without ``always`` a header is only sent on
  200, 201, 204, 206, 301, 302, 303, 304, 307, 308;
* ``more_set_headers``/``more_clear_headers`` (headers-more);
* ``proxy_pass`` and friends delegate the answer to an upstream that may add its
  own headers unless ``proxy_hide_header`` strips them;
* ``return``/``rewrite ... redirect|permanent`` decide the status in the rewrite
  phase, before auth; ``auth_basic``/``auth_request`` then answer 401 to
  requests without credentials (every preflight); ``limit_except`` denies other
  methods; static files answer anything but GET/HEAD with 405.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Iterator

from . import _nginx_lexer  # imports crossplane only when a file is parsed
from ._files import ParseError, read_config_text
from .. import memo
from ..model import (
    ALL_METHODS,
    Branch,
    Choice,
    ExpectedHeader,
    HeaderEmission,
    Lit,
    MapEntry,
    OriginMap,
    OriginMatcher,
    OriginRef,
    OriginTest,
    Outcome,
    ParseProblem,
    PolicyModel,
    Route,
    Shadowed,
    Source,
    Unknown,
    Value,
)

NAME = "nginx"

PROXY_DIRECTIVES = {
    "proxy_pass": "proxy_hide_header",
    "fastcgi_pass": "fastcgi_hide_header",
    "uwsgi_pass": "uwsgi_hide_header",
    "scgi_pass": "scgi_hide_header",
    "grpc_pass": "grpc_hide_header",
    "memcached_pass": None,
}
BLOCK_CONTEXTS = {"http", "server", "location", "if", "limit_except", "events", "stream",
                  "upstream", "types", "map", "geo", "split_clients", "match"}
NGINX_HINTS = re.compile(
    r"^\s*(server\s*\{|location\s|add_header\s|more_set_headers\s|proxy_pass\s|listen\s|"
    r"server_name\s|http\s*\{|map\s+\$|root\s|include\s|return\s|worker_processes|events\s*\{|"
    r"if\s*\(|fastcgi_pass|upstream\s)",
    re.M,
)
TEMPLATE_MARKERS = re.compile(r"\{\{|\{%|<%=|^\s*\{\{-", re.M)
NGINX_NAMES = re.compile(r"(^|/)(nginx\.conf|.*\.nginx|.*\.conf|.*\.vhost|default)$")
NGINX_DIRS = ("sites-available", "sites-enabled", "conf.d", "snippets", "nginx", "vhosts.d")
REDIRECT_CODES = {301, 302, 303, 307, 308}
MAX_PATHS = 64   # forks per route and method before conditions become opaque
MAX_BYTES = 16_000_000  # larger files are refused: a geo blocklist, not CORS configuration

# Request headers a browser sends by itself or a proxy adds: reading them in a
# config says nothing about what a page's script must be allowed to send.
NOT_AUTHOR_HEADERS = {
    "origin", "host", "referer", "user-agent", "cookie", "accept-encoding", "connection",
    "upgrade", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
    "x-real-ip", "forwarded", "x-request-id", "cf-connecting-ip", "cf-ipcountry", "via",
    "accept", "accept-language", "content-length", "if-none-match", "if-modified-since",
    "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-fetch-site",
    "sec-fetch-mode", "sec-fetch-dest", "x-forwarded-ssl", "x-scheme", "range", "te",
}


# ---------------------------------------------------------------- recognising files


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    """Directory walks take files that look like nginx; a file named on the
    command line is taken unless it is evidently something else."""
    norm = path.replace(os.sep, "/")
    base = os.path.basename(norm)
    if base.endswith((".py", ".js", ".ts", ".json", ".yaml", ".yml", ".md", ".toml", ".txt",
                      ".htaccess")) or base == ".htaccess":
        return False
    in_nginx_dir = any(f"/{d}/" in f"/{norm}" for d in NGINX_DIRS)
    nginx_name = bool(NGINX_NAMES.search(norm) or in_nginx_dir or base.endswith((".tmpl", ".template")))
    if not nginx_name and not named:
        return False
    if text is None:
        if not os.path.isfile(path):
            return named  # a FIFO or device: reading it to sniff would consume or block it
        try:
            with open(path, "rb") as fh:
                head = fh.read(65536)
        except OSError:
            return named
        text = head.decode("utf-8", "replace")
    if "<VirtualHost" in text or "<Directory" in text or re.search(r"^\s*Header\s+(always\s+)?set", text, re.M | re.I):
        return False  # Apache
    if NGINX_HINTS.search(text):
        return True
    # A named file with an nginx-like name is taken as nginx (its parse error
    # is the useful answer); any other name needs at least one directive line.
    return named and (nginx_name or bool(_DIRECTIVE_LINE.search(text)))


_DIRECTIVE_LINE = re.compile(r"^\s*[a-z_][a-z0-9_]*(\s+[^=\n]*)?;\s*(#.*)?$", re.M)


# ---------------------------------------------------------------- parse tree


@dataclass
class Directive:
    name: str
    args: list[str]
    source: Source
    block: list["Directive"] | None = None

    @property
    def is_block(self) -> bool:
        return self.block is not None


@dataclass
class Loader:
    """Reads files once, expands includes, records every problem."""

    texts: dict[str, str]
    problems: list[ParseProblem] = field(default_factory=list)
    cache: dict[str, list[dict]] = field(default_factory=dict)
    included: set[str] = field(default_factory=set)
    stdin: dict[str, str] = field(default_factory=dict)

    def read(self, path: str) -> str:
        if path in self.stdin:
            text = self.stdin[path]
        else:
            text = read_config_text(path, "an nginx config", MAX_BYTES, self.problems)
        self.texts[path] = text
        return text

    def parse_file(self, path: str) -> list[dict]:
        if path in self.cache:
            return self.cache[path]
        text = self.read(path)
        if text.startswith("\ufeff"):
            raise ParseError(path, 1, "the file starts with a UTF-8 byte order mark (BOM), which nginx "
                                      "reads as part of the first directive's name: save it without one")
        if TEMPLATE_MARKERS.search(text):
            line = text[: TEMPLATE_MARKERS.search(text).start()].count("\n") + 1
            raise ParseError(path, line, "template markup ({{ }} / {% %}), not plain nginx: lint the rendered config")
        placeholder = _envsubst_placeholder(text)
        if placeholder is not None:
            line = text[: placeholder.start()].count("\n") + 1
            raise ParseError(path, line, f"template placeholder {placeholder.group(0)} (envsubst style: "
                                         "no set or map defines it), not plain nginx: lint the rendered config")
        tmp = None
        target = path
        if path in self.stdin or not os.path.isfile(path):
            fd, tmp = tempfile.mkstemp(suffix=".conf")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            target = tmp
        try:
            payload = _nginx_lexer.parse(
                target, single=True, comments=True, check_ctx=False, check_args=False,
                catch_errors=False,
            )
        except RecursionError:
            raise ParseError(path, None, _TOO_DEEP)
        except Exception as exc:  # crossplane raises its own error types
            line = getattr(exc, "lineno", None)
            message = getattr(exc, "strerror", None) or str(exc)
            message = re.sub(r"\s+in \S+:\d+$", "", message).strip()
            raise ParseError(path, line, message or f"not nginx syntax ({type(exc).__name__})")
        finally:
            if tmp:
                os.unlink(tmp)
        if payload["errors"]:
            err = payload["errors"][0]
            message = re.sub(r"\s+in \S+:\d+$", "", err["error"]).strip()
            line = err.get("line")
            if not message:
                # crossplane stops on some malformed input without saying why
                line, message = _diagnose_tokens(target)
            elif "maximum recursion depth" in message:
                line, message = None, _TOO_DEEP
            raise ParseError(path, line, message)
        parsed = payload["config"][0]["parsed"] if payload["config"] else []
        self.cache[path] = parsed
        return parsed

    def load(self, path: str, root_dir: str, via: tuple[Source, ...] = (),
             stack: tuple[str, ...] = ()) -> list[Directive]:
        parsed = self.parse_file(path)
        lines = self.texts[path].splitlines()
        return self._convert(parsed, path, lines, root_dir, via, stack + (os.path.abspath(path),))

    def _convert(self, items: list[dict], path: str, lines: list[str], root_dir: str,
                 via: tuple[Source, ...], stack: tuple[str, ...]) -> list[Directive]:
        out: list[Directive] = []
        for item in items:
            name = item["directive"]
            if name == "#":
                continue
            line = item.get("line") or 1
            column = _column(lines, line, name)
            source = Source(path, line, column, via)
            if name == "include" and item.get("args"):
                out.extend(self._include(item["args"][0], source, path, root_dir, via, stack))
                continue
            block = None
            if "block" in item:
                block = self._convert(item["block"], path, lines, root_dir, via, stack)
            out.append(Directive(name, list(item.get("args", [])), source, block))
        return out

    def _include(self, pattern: str, source: Source, path: str, root_dir: str,
                 via: tuple[Source, ...], stack: tuple[str, ...]) -> list[Directive]:
        files = resolve_include(pattern, os.path.dirname(path), root_dir)
        if not files:
            if not pattern.endswith("mime.types"):  # never about CORS, and rarely in a repo
                self.problems.append(ParseProblem(
                    path, source.line, f"include '{pattern}' matches no file here; linted without it",
                    fatal=False))
            return []
        out: list[Directive] = []
        for inc in files:
            real = os.path.abspath(inc)
            if real in stack:
                raise ParseError(path, source.line, f"include cycle: '{pattern}' includes {inc} again")
            self.included.add(real)
            try:
                out.extend(self.load(inc, root_dir, via + (source,), stack))
            except ParseError as exc:
                self.problems.append(exc.problem)
        return out


_ENVSUBST = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def _envsubst_placeholder(text: str) -> re.Match | None:
    """An upper-case ${NAME} that no set or map defines: a placeholder for
    envsubst or docker's templating, not an nginx variable."""
    for m in _ENVSUBST.finditer(text):
        name = m.group(1)
        if not re.search(rf"(?m)^\s*(set|map\s+\S+)\s+\${name}\b", text):
            # a commented-out line is no evidence either way
            line_start = text.rfind("\n", 0, m.start()) + 1
            if "#" not in text[line_start:m.start()]:
                return m
    return None


_TOO_DEEP = "blocks nested too deep to analyse (more than a few hundred levels)"


def _diagnose_tokens(path: str) -> tuple[int | None, str]:
    """Say what is wrong where crossplane gave no message: a ';' where a
    directive name belongs, or a statement cut off by the end of the file."""
    pending_line = None
    last_line = None
    try:
        for token, line, quoted in _nginx_lexer.lex(path):
            last_line = line
            if quoted:
                pending_line = pending_line or line
                continue
            if token == ";":
                if pending_line is None:
                    return line, 'unexpected ";" (a semicolon with no directive before it)'
                pending_line = None
            elif token in ("{", "}"):
                pending_line = None
            else:
                pending_line = pending_line or line
    except Exception as exc:  # the lexer's own complaint is the best we have
        return getattr(exc, "lineno", None), re.sub(r"\s+in \S+:\d+$", "", str(exc)) or "not nginx syntax"
    if pending_line is not None:
        return last_line, 'unexpected end of file, expecting ";" or "}"'
    return last_line, "not nginx syntax"


def _column(lines: list[str], line: int, name: str) -> int:
    if 0 < line <= len(lines):
        idx = lines[line - 1].find(name)
        if idx >= 0:
            return idx + 1
        stripped = lines[line - 1]
        return len(stripped) - len(stripped.lstrip()) + 1
    return 1


def resolve_include(pattern: str, file_dir: str, root_dir: str) -> list[str]:
    """Where an include points inside the linted tree.

    nginx resolves relative paths against its prefix (the main config's
    directory); a repo often keeps that layout, so try the including file's
    directory, then the main config's, and re-root absolute paths
    (/etc/nginx/snippets/x.conf -> <root>/snippets/x.conf)."""
    candidates: list[str] = []
    if os.path.isabs(pattern):
        candidates.append(pattern)
        parts = pattern.strip("/").split("/")
        for i in range(1, len(parts)):
            candidates.append(os.path.join(root_dir, *parts[i:]))
    else:
        candidates += [os.path.join(file_dir, pattern), os.path.join(root_dir, pattern)]
        parent = os.path.dirname(root_dir)
        if parent and parent != root_dir:
            candidates.append(os.path.join(parent, pattern))
    for cand in candidates:
        matches = sorted(m for m in glob.glob(cand) if os.path.isfile(m))
        if matches:
            return matches
    return []


# ---------------------------------------------------------------- scopes


@dataclass
class Level:
    """One configuration level a request's settings come from."""

    kind: str                   # http | server | location | if
    directives: list[Directive]
    source: Source
    label: str = ""
    by_name: dict[str, list[Directive]] = field(default_factory=dict, repr=False)
    # What the routes under this level read from it, worked out once: a
    # server's level is in the chain of every one of its locations.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Levels are asked for the same directive names once per route and
        # method: index them once, or an http level with thousands of servers
        # makes every lookup linear in the file.
        for d in self.directives:
            self.by_name.setdefault(d.name, []).append(d)

    def all(self, name: str) -> list[Directive]:
        return self.by_name.get(name, [])

    def last(self, name: str) -> Directive | None:
        found = self.all(name)
        return found[-1] if found else None


@dataclass
class ServerInfo:
    hosts: tuple[str, ...]
    https: bool | None
    name: str


def _server_info(level: Level, fallback: str) -> ServerInfo:
    hosts: list[str] = []
    for d in level.all("server_name"):
        hosts.extend(a for a in d.args if a and a != "_")
    https = None
    for d in level.all("listen"):
        words = [a.lower() for a in d.args]
        if "ssl" in words or "quic" in words or (words and words[0].rsplit(":", 1)[-1] == "443"):
            https = True
        elif https is None:
            https = False
    if any(d.args[:1] == ["on"] for d in level.all("ssl")):
        https = True
    name = hosts[0] if hosts else fallback
    return ServerInfo(tuple(hosts), https, name)


# ---------------------------------------------------------------- the model builder


def parse(path: str, text: str | None = None, texts: dict[str, str] | None = None) -> PolicyModel:
    return parse_files([path], stdin={path: text} if text is not None else None, texts=texts)


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None) -> PolicyModel:
    """Parse several nginx files; a file included by another one is analysed
    only as part of its includer."""
    model = PolicyModel()
    loader = Loader(texts if texts is not None else {}, stdin=dict(stdin or {}))
    loaded: list[tuple[str, list[Directive]]] = []
    for path in paths:
        try:
            tree = loader.load(path, os.path.dirname(os.path.abspath(path)) if path not in loader.stdin else os.getcwd())
        except ParseError as exc:
            model.problems.append(exc.problem)
            continue
        except RecursionError:
            model.problems.append(ParseProblem(path, None, _TOO_DEEP))
            continue
        loaded.append((path, tree))
    for path, tree in loaded:
        if os.path.abspath(path) in loader.included and len(paths) > 1:
            continue
        model.files.append(path)
        try:
            builder = Builder(path, tree)
            routes = builder.routes()
            model.routes.extend(routes)
            model.origin_allowlists.extend(builder.unused_origin_matchers(routes))
        except RecursionError:
            model.problems.append(ParseProblem(path, None, _TOO_DEEP))
    model.problems.extend(loader.problems)
    model.included_files |= loader.included
    return model


@memo.per_run
def _literal_value(text: str) -> Value:
    return Value((Lit(text),))


def _plain_map(d: Directive) -> bool:
    """A map whose values name no variable but $http_origin: its value does
    not depend on anything a request's path through the config sets."""
    for e in d.block or ():
        for a in e.args:
            if "$" in a and any((m.group(1) or m.group(2)) != "http_origin" for m in _VAR.finditer(a)):
                return False
    return True


class Builder:
    def __init__(self, path: str, tree: list[Directive]):
        self.path = path
        self.tree = tree
        self.maps: dict[str, Directive] = {}
        self.method_maps = False
        self.plain_origin_maps: set[str] = set()
        self.origin_maps: dict[str, Value] = {}  # values of the plain_origin_maps, by name
        self.emissions: dict[int, tuple[Directive, HeaderEmission]] = {}  # id(add_header) -> ...
        # _method_classes, by what tells methods apart
        self.method_classes: dict[tuple, tuple[tuple[str, ...], ...]] = {}

    # -- finding servers and locations

    def routes(self) -> list[Route]:
        top = Level("main", self.tree, Source(self.path, 1, 1), "main")
        self._collect_maps(self.tree)
        # A map keyed on the method makes every method a way of its own.
        self.method_maps = any(m.args and m.args[0] == "$request_method" for m in self.maps.values())
        # Maps on the Origin whose values name no other variable: the same
        # allowlist whatever path a request took.
        self.plain_origin_maps = {name for name, d in self.maps.items()
                                  if d.args[0] == "$http_origin" and _plain_map(d)}
        names = {d.name for d in self.tree}
        routes: list[Route] = []
        if "http" in names:
            for http in top.all("http"):
                hlevel = Level("http", http.block or [], http.source, "http")
                if hlevel.all("server"):
                    routes += self._servers(hlevel)
                elif any(d.name in ("if", "add_header", "more_set_headers", "location")
                         for d in hlevel.directives):
                    # an http block holding what belongs to a server or a
                    # location (a test or a half-written config): analyse it
                    # as a snippet rather than skip what it says
                    routes += self._snippet_routes(hlevel.directives, http.source)
        elif "server" in names:
            routes += self._servers(Level("http", self.tree, top.source, "file"))
        else:
            routes += self._snippet_routes(self.tree, top.source)
        return routes

    def _snippet_routes(self, directives: list[Directive], source: Source) -> list[Route]:
        """A file with no server: a location body, or a server body if it
        holds locations."""
        base = os.path.basename(self.path)
        info = ServerInfo((), None, f"snippet {base}")
        http = Level("http", [], source, "http")
        if any(d.name == "location" for d in directives):
            return self._server_routes([http, Level("server", directives, source, base)], info)
        chain = [http, Level("server", [], source, f"snippet {base}"),
                 Level("location", directives, source, base)]
        return [self._route(chain, info, "/")]

    def origin_map_matchers(self) -> list[OriginMatcher]:
        """Entries of every map on $http_origin, in file order."""
        out: list[OriginMatcher] = []
        for d in self.maps.values():
            if d.args[:1] != ["$http_origin"]:
                continue
            for part in Simulation(self, [], "GET")._map_value(d, None, 0).parts:
                if isinstance(part, OriginMap):
                    out.extend(e.matcher for e in part.entries)
        return out

    def unused_origin_matchers(self, routes: list[Route]) -> list[OriginMatcher]:
        """Entries of maps on $http_origin that no route reads."""
        used = {m for r in routes for m in r.origin_matchers()}
        return [m for m in self.origin_map_matchers() if m not in used]

    def _collect_maps(self, directives: list[Directive]) -> None:
        for d in directives:
            if d.name == "map" and len(d.args) >= 2 and d.block is not None:
                self.maps[d.args[1].lstrip("$")] = d
            elif d.block is not None and d.name in ("http", "server", "location", "if"):
                self._collect_maps(d.block)

    def _servers(self, http: Level) -> list[Route]:
        routes: list[Route] = []
        for i, srv in enumerate(http.all("server")):
            slevel = Level("server", srv.block or [], srv.source, "server")
            info = _server_info(slevel, f"server at line {srv.source.line}")
            routes += self._server_routes([http, slevel], info)
        return routes

    def _server_routes(self, chain: list[Level], info: ServerInfo) -> list[Route]:
        server = chain[-1]
        routes: list[Route] = []
        locations = list(self._locations(server.directives, chain))
        for loc_chain, path in locations:
            routes.append(self._route(loc_chain, info, path))
        if not any(p in ("/", "= /") for _, p in locations):
            # requests no location matches are answered at server level
            if not locations or any(d.name == "add_header" for d in server.directives):
                routes.append(self._route(chain, info, "/" if not locations else "(no location)"))
        return routes

    def _locations(self, directives: list[Directive], chain: list[Level]) -> Iterator[tuple[list[Level], str]]:
        for d in directives:
            if d.name == "location" and d.block is not None:
                path = " ".join(d.args)
                level = Level("location", d.block, d.source, f"location {path}")
                sub = chain + [level]
                if path.startswith("@"):
                    continue  # named locations are reached only internally
                yield sub, path
                yield from self._locations(d.block, sub)

    # -- one route

    def _route(self, chain: list[Level], info: ServerInfo, path: str) -> Route:
        where = chain[-1]
        name = f"{info.name} {('location ' + path) if where.kind == 'location' else path}".strip()
        branches: list[Branch] = []
        for methods in self._method_classes(chain):
            branches += Simulation(self, chain, methods[0], methods).run()
        merged = _merge_branches(branches)
        expected, declared = self._route_expectations(chain)
        sim = Simulation(self, chain, "GET")
        configured = tuple(sim._add_header(d, None) for lv in chain for d in lv.all("add_header")
                           if len(d.args) >= 2)
        return Route(
            name=name, source=where.source, branches=merged, https=info.https,
            hosts=info.hosts, path=path, expected_request_headers=expected,
            declared_methods=declared, frontend=NAME, configured_headers=configured,
        )

    def _method_classes(self, chain: list[Level]) -> list[list[str]]:
        """Methods that take the same way through this route, grouped so each
        way is simulated once. Methods are told apart only by what the
        configuration looks at: `if ($request_method ...)` conditions,
        limit_except, dav_methods, and the static handler's GET/HEAD."""
        singletons = [[m] for m in ALL_METHODS]
        if self.method_maps:
            return singletons
        conditions: list[list[str]] = []
        for level in chain:
            if level.kind == "http":
                continue  # holds no rewrite directives a request runs; scanning it is quadratic
            tests = _method_tests(level)
            if tests is None:
                return singletons  # the method flows into a value: simulate each
            conditions += tests
        locations = [lv for lv in chain if lv.kind == "location"]
        limits = [set(a.upper() for a in d.args) for d in (locations[-1].all("limit_except") if locations else [])]
        dav = self._innermost_in(chain, "dav_methods")
        dav_set = {a.upper() for a in dav.args} if dav else set()
        # A location that proxies hands every method to its upstream: the
        # static handler's GET/HEAD (and WebDAV) never answer there.
        proxied = bool(locations) and any(d.name in PROXY_DIRECTIVES for d in locations[-1].directives)
        # most locations of a config differ in none of this: group once per kind
        key = (tuple(tuple(args) for args in conditions), tuple(frozenset(a) for a in limits),
               frozenset(dav_set), proxied)
        known = self.method_classes.get(key)
        if known is not None:
            return [list(c) for c in known]

        def signature(method: str) -> tuple:
            return (
                tuple(_decide(method, _if_test(args)) for args in conditions),
                tuple(method in allowed or (method == "HEAD" and "GET" in allowed) for allowed in limits),
                not proxied and method in ("GET", "HEAD"),
                not proxied and method in dav_set,
            )

        classes: dict[tuple, list[str]] = {}
        for method in ALL_METHODS:
            classes.setdefault(signature(method), []).append(method)
        self.method_classes[key] = tuple(tuple(c) for c in classes.values())
        return list(classes.values())

    @staticmethod
    def _innermost_in(levels: list[Level], name: str) -> Directive | None:
        for lv in reversed(levels):
            d = lv.last(name)
            if d is not None:
                return d
        return None

    def _route_expectations(self, chain: list[Level]):
        expected: dict[str, ExpectedHeader] = {}
        declared: dict[str, Source] = {}
        for level in chain:
            if level.kind == "http":
                continue
            level_expected, level_declared = _level_expectations(level)
            for header in level_expected:
                expected.setdefault(header.name, header)
            for method, source in level_declared:
                declared.setdefault(method, source)
        return tuple(expected.values()), tuple(sorted(declared.items()))


_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
# nginx variables that stand for parts of the request, in the model's words.
REQUEST_VARIABLE_MEANINGS = {
    "host": "host", "http_host": "host", "server_name": "host",
    "scheme": "scheme",
    "request_uri": "path", "uri": "path", "document_uri": "path",
    "args": "query", "is_args": "query", "query_string": "query",
}


def _method_tests(level: Level) -> list[list[str]] | None:
    """The `if ($request_method = ...)` tests of one level, outside its
    locations; None when the method reaches a value some other way."""
    if "method_tests" not in level.memo:
        tests: list[list[str]] | None = []
        for d in _walk(level.directives, into_locations=False):
            if not any("request_method" in a for a in d.args):
                continue
            if (d.name == "if" and len(d.args) == 3 and d.args[0] == "$request_method"
                    and "$" not in d.args[2]):
                tests.append(d.args)
            else:
                tests = None
                break
        level.memo["method_tests"] = tests
    return level.memo["method_tests"]


def _level_expectations(level: Level) -> tuple[list[ExpectedHeader], list[tuple[str, Source]]]:
    """Request headers one level reads ($http_*) and methods it names
    explicitly, outside its locations, first mention first."""
    if "expectations" not in level.memo:
        expected: dict[str, ExpectedHeader] = {}
        declared: dict[str, Source] = {}
        for d in _walk(level.directives, into_locations=False):
            if d.name == "log_format":
                continue
            for arg in d.args:
                for name in _variables(arg):
                    if name.startswith("http_"):
                        header = name[5:].replace("_", "-")
                        if header not in NOT_AUTHOR_HEADERS and header not in expected:
                            expected[header] = ExpectedHeader(header, d.source)
            if d.name == "if" and d.args and d.args[0] == "$request_method":
                for m in _methods_in_condition(d.args):
                    declared.setdefault(m, d.source)
            if d.name == "limit_except":
                for m in d.args:
                    declared.setdefault(m.upper(), d.source)
        level.memo["expectations"] = (list(expected.values()), list(declared.items()))
    return level.memo["expectations"]


@memo.per_run
def _variables(text: str) -> tuple[str, ...]:
    """The variables ``text`` names, in order ($name and ${name})."""
    return tuple(m.group(1) or m.group(2) for m in _VAR.finditer(text))


# The directives the rewrite phase runs (Simulation._step acts on these only).
REWRITE_PHASE = frozenset({"set", "break", "return", "rewrite", "if"})


def _walk(directives: list[Directive], into_locations: bool = True) -> Iterator[Directive]:
    for d in directives:
        yield d
        if d.block is not None and d.name in ("if", "limit_except") or (into_locations and d.name == "location"):
            yield from _walk(d.block or [], into_locations)


def _methods_in_condition(args: list[str]) -> list[str]:
    if len(args) < 3:
        return []
    return [m for m in re.findall(r"[A-Z]{3,}", args[2]) if m in ALL_METHODS or m.isupper()]


def _merge_branches(branches: list[Branch]) -> list[Branch]:
    merged: list[Branch] = []
    for b in branches:
        for i, m in enumerate(merged):
            if (m.origin_tests, m.opaque_conditions, m.outcome, m.headers, m.auth, m.shadowed) == (
                b.origin_tests, b.opaque_conditions, b.outcome, b.headers, b.auth, b.shadowed
            ):
                merged[i] = Branch(
                    outcome=m.outcome, headers=m.headers,
                    methods=(m.methods or frozenset()) | (b.methods or frozenset()),
                    origin_tests=m.origin_tests, opaque_conditions=m.opaque_conditions,
                    auth=m.auth, auth_what=m.auth_what, shadowed=m.shadowed, source=m.source,
                    label=m.label,
                )
                break
        else:
            merged.append(b)
    return merged


# ---------------------------------------------------------------- per-request simulation


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

    def fork(self) -> "Path":
        return Path(dict(self.vars), self.tests, self.opaque, self.taken_ifs, self.result,
                    self.stopped, self.answered_at_server)


class Simulation:
    """Runs one method through a route and yields a Branch per distinct path."""

    def __init__(self, builder: Builder, chain: list[Level], method: str,
                 methods: list[str] | None = None):
        self.builder = builder
        self.chain = chain
        self.method = method
        # the methods that take the same way as ``method``: the branches' methods
        self.methods = frozenset(methods or (method,))
        self.budget = MAX_PATHS
        self.limit_level: Level | None = None

    def run(self) -> list[Branch]:
        paths = [Path({})]
        server_levels = [lv for lv in self.chain if lv.kind == "server"]
        locations = [lv for lv in self.chain if lv.kind == "location"]
        if server_levels:
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
            if limited is not None:
                # A method limit_except does not list gets the limit_except
                # block's configuration before the rewrite phase (seen with
                # nginx 1.22): the location's own if/return/set never run.
                self.limit_level = limited
                paths = done + live
            else:
                paths = done + self._rewrite(locations[-1].directives, live)
        return [self._finish(p) for p in paths]

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
        if args[0].isdigit():
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
        if regex in ("^", "^(.*)$", "^/(.*)$", "(.*)", ".*", "^.*$", "^/?(.*)$", "^(.*)", "/"):
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
            q.vars[var] = _substitute_map(value, omap, entry.value)
            out.append(q)
            prior.append(OriginTest(entry.matcher, False))
        q = p.fork()
        q.tests = q.tests + tuple(prior)
        q.vars[var] = _substitute_map(value, omap, omap.default)
        out.append(q)
        return out

    def _truth(self, p: Path, value: Value, test, text: str, d: Directive) -> list[tuple[Path, bool]]:
        concrete = value.evaluate(None) if not value.depends_on_origin else None
        if value.has_unknown:
            return self._opaque(p, text)
        if concrete is not None and not value.depends_on_origin:
            return [(p, _decide(concrete, test))]
        # depends on the Origin only through OriginRef (maps were forked)
        if value.parts == (OriginRef(),):
            if test is None:
                return [(p, True)]  # a CORS request always carries Origin
            if test[0] == "eq":
                matcher = OriginMatcher(test[1], "exact", source=d.source)
                negate = test[2]
            else:
                matcher = OriginMatcher(_pcre_to_python(test[1]), "pcre-search", ignore_case=test[3], source=d.source)
                negate = test[2]
            if not self._spend():
                return self._opaque(p, text)
            yes, no = p.fork(), p.fork()
            yes.tests = yes.tests + (OriginTest(matcher, True),)
            no.tests = no.tests + (OriginTest(matcher, False),)
            return [(yes, not negate), (no, negate)]
        return self._opaque(p, text)

    def _opaque(self, p: Path, text: str) -> list[tuple[Path, bool]]:
        if not self._spend():
            return [(p, False)]
        taken = p.fork()
        taken.opaque = taken.opaque + (text,)
        return [(taken, True), (p, False)]

    # -- values

    def value(self, text: str, p: Path | None, source: Source) -> Value:
        if "$" not in text:
            return _literal_value(text)
        parts: list = []
        pos = 0
        for m in _VAR.finditer(text):
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
        return Value((Unknown("$" + name, REQUEST_VARIABLE_MEANINGS.get(name, "")),))

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
                    regex.append(MapEntry(OriginMatcher(_pcre_to_python(key[2:]), "pcre-search", True, esrc), v))
                elif key.startswith("~"):
                    regex.append(MapEntry(OriginMatcher(_pcre_to_python(key[1:]), "pcre-search", False, esrc), v))
                else:
                    key = key[1:] if key.startswith("\\") else key
                    exact.append(MapEntry(OriginMatcher(key, "exact-nocase", source=esrc), v))
            # nginx looks up exact keys before trying regexes in order
            return Value((OriginMap(tuple(exact + regex), default_value, d.source, default_source),))
        if src == "$request_method":
            for key, val, esrc in entries:
                if _map_key_matches(key, self.method):
                    return self.value(val, p, esrc)
            return default_value
        options = tuple(dict.fromkeys([self.value(val, p, esrc) for _, val, esrc in entries] + [default_value]))
        return Value((Choice(options, f"{d.args[1]} chosen by {src}"),))

    # -- after the rewrite phase

    def _finish(self, p: Path) -> Branch:
        levels = self._effective_levels(p)
        headers, shadowed = self._headers(levels, p)
        auth = None
        auth_what = ""
        outcome = p.result
        if outcome is None:
            outcome, auth, auth_what = self._access_and_content(levels, p)
        label = " / ".join(lv.label for lv in levels[1:])
        return Branch(
            outcome=outcome, headers=headers, methods=self.methods,
            origin_tests=p.tests, opaque_conditions=p.opaque, auth=auth, auth_what=auth_what,
            shadowed=shadowed, source=levels[-1].source, label=label,
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
        more = [lv for lv in levels if lv.all("more_set_headers") or lv.all("more_clear_headers")]
        if more:
            inner = more[-1]
            for d in inner.directives:
                if d.name == "more_set_headers":
                    # kept beside any add_header of the same name: the answer
                    # builder lets it replace the earlier one where both are
                    # sent, and a status-restricted (-s) one leaves add_header's
                    # copy on the other statuses
                    emissions.extend(self._more_set(d, p))
                elif d.name == "more_clear_headers":
                    cleared = {a.lower().rstrip("*") for a in d.args if not a.startswith("-")}
                    emissions = [e for e in emissions if not any(e.lname.startswith(c) for c in cleared)]
        return tuple(emissions), tuple(shadowed)

    def _cleared(self, levels: list[Level]) -> frozenset[str]:
        """Header names headers-more strips from every answer, the upstream's included."""
        more = [lv for lv in levels if lv.all("more_set_headers") or lv.all("more_clear_headers")]
        if not more:
            return frozenset()
        return frozenset(a.lower() for d in more[-1].all("more_clear_headers")
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
        names = _variables(text)
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
                    return Outcome(None, d.source, delegate="upstream", hidden_upstream=hidden,
                                   reason=f"{d.name} {' '.join(d.args)}")
            tf = lv.last("try_files")
            if tf is not None and tf.args:
                last = tf.args[-1]
                if last.startswith("@"):
                    named = self._named_location(last)
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


def _substitute_map(value: Value, omap: OriginMap, replacement: Value) -> Value:
    parts: list = []
    for part in value.parts:
        if part is omap or part == omap:
            parts.extend(replacement.parts)
        else:
            parts.append(part)
    return Value(tuple(parts) if parts else (Lit(""),))


def _if_test(args: list[str]):
    """An `if` condition's operator and operand in the form _decide takes."""
    op, operand = args[1], args[2]
    if op in ("=", "!="):
        return ("eq", operand, op == "!=")
    if op in ("~", "~*", "!~", "!~*"):
        return ("re", operand, op.startswith("!"), op.endswith("*"))
    return None


def _decide(text: str, test) -> bool:
    if test is None:
        return text not in ("", "0")
    if test[0] == "eq":
        return (text == test[1]) != test[2]
    try:
        found = re.search(_pcre_to_python(test[1]), text, re.I if test[3] else 0) is not None
    except re.error:
        found = False
    return found != test[2]


def _map_key_matches(key: str, text: str) -> bool:
    if key.startswith("~*"):
        return re.search(_pcre_to_python(key[2:]), text, re.I) is not None
    if key.startswith("~"):
        return re.search(_pcre_to_python(key[1:]), text) is not None
    return key.lower() == text.lower()


def _pcre_to_python(pattern: str) -> str:
    """PCRE named groups `(?<name>` are `(?P<name>` in Python."""
    return re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)
