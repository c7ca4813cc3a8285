"""The model builder: files -> routes. Finds the servers and locations of each
file, groups the methods that take the same way through a route, simulates
each group and merges the branches into the route."""

from __future__ import annotations

import os
import re
from typing import Iterator

from .._branches import merge_branches
from .._includes import as_roots, linted_roots, load_each
from ...model import (
    ALL_METHODS,
    Branch,
    ExpectedHeader,
    HeaderEmission,
    OriginMap,
    OriginMatcher,
    ParseProblem,
    PathMatch,
    PolicyModel,
    Route,
    Source,
    Value,
)
from .levels import Level, ServerInfo, server_info
from .loading import TOO_DEEP, Directive, Loader
from .purpose import never_preflighted
from .simulation import PROXY_DIRECTIVES, Simulation
from .values import VARIABLE_REFERENCE, if_test_holds, parse_if_test, variables_in


NAME = "nginx"


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


# Directives that make nginx answer from the file system (or say how it does):
# a snippet naming one of them, or a proxy, has a handler of its own.
SERVES_CONTENT = frozenset({"root", "alias", "try_files", "index", "autoindex", "dav_methods",
                            "random_index", "flv", "mp4", "empty_gif", "stub_status"})


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    """Parse several nginx files; a file included by another one is analysed
    only as part of its includer."""
    model = PolicyModel()
    stdin = dict(stdin or {})
    loader = Loader(texts if texts is not None else {}, stdin=stdin,
                    roots=linted_roots(paths, stdin) if roots is None else as_roots(roots))
    for path, tree in load_each(loader, paths, model, TOO_DEEP):
        model.files.append(path)
        try:
            builder = Builder(path, tree)
            routes = builder.routes()
            model.routes.extend(routes)
            model.origin_allowlists.extend(builder.unused_origin_matchers(routes))
        except RecursionError:
            model.problems.append(ParseProblem(path, None, TOO_DEEP))
    model.problems.extend(loader.problems)
    model.included_files |= loader.included
    return model


def _plain_map(d: Directive) -> bool:
    """A map whose values name no variable but $http_origin: its value does
    not depend on anything a request's path through the config sets."""
    for e in d.block or ():
        for a in e.args:
            if "$" in a and any((m.group(1) or m.group(2)) != "http_origin" for m in VARIABLE_REFERENCE.finditer(a)):
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
        self.variable_facts = None  # simulation.VariableFacts, worked out on first use
        self.auth_targets: set[str] | None = None   # URIs auth_request names, found on first use

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
        # With no directive that serves content, the snippet's includer
        # decides the handler: not the static files nginx would otherwise use.
        elsewhere = not any(d.name in SERVES_CONTENT or d.name in PROXY_DIRECTIVES for d in _every(directives))
        chain = [http, Level("server", [], source, f"snippet {base}"),
                 Level("location", directives, source, base, content_elsewhere=elsewhere)]
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
            info = server_info(slevel, f"server at line {srv.source.line}")
            routes += self._server_routes([http, slevel], info)
        return routes

    def _server_routes(self, chain: list[Level], info: ServerInfo) -> list[Route]:
        server = chain[-1]
        routes: list[Route] = []
        locations = list(self._locations(server.directives, chain))
        targets: set[str] | None = None
        for loc_chain, path in locations:
            routes.append(self._route(loc_chain, info, path))
            bare = _auto_redirected(loc_chain, path, locations)
            if bare is None:
                continue
            if targets is None:
                targets = _redirect_paths(server.directives)
            if bare in targets:
                routes.append(self._route(loc_chain, info, path, auto_redirect=bare))
        if not any(p in ("/", "= /") for _, p in locations):
            # requests no location matches are answered at server level
            if not locations or any(d.name == "add_header" for d in server.directives):
                leftover = self._route(chain, info, "/" if not locations else "(no location)")
                leftover.leftover_scope = bool(locations)
                routes.append(leftover)
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

    def _route(self, chain: list[Level], info: ServerInfo, path: str, auto_redirect: str | None = None) -> Route:
        """The route of a location (or server); with ``auto_redirect``, the
        request for that path without the location's trailing slash, which
        nginx answers with its own 301 (see _auto_redirected). Whether a page
        makes that request is not in the config: its branches are behind
        that condition, so the rules judge them only where the config sends
        a request there (a redirect to the bare path), never by themselves."""
        where = chain[-1]
        name = f"{info.name} {('location ' + path) if where.kind == 'location' else path}".strip()
        if auto_redirect is not None:
            name = f"{name} (a request for {auto_redirect})"
        branches: list[Branch] = []
        for methods in self._method_classes(chain):
            branches += Simulation(self, chain, methods[0], methods, auto_redirect=auto_redirect).run()
        merged = merge_branches(branches)
        expected, declared = self._route_expectations(chain)
        sim = Simulation(self, chain, "GET")
        configured = tuple(sim._add_header(d, None) for lv in chain for d in lv.all("add_header")
                           if len(d.args) >= 2)
        return Route(
            name=name, source=where.source, branches=merged, https=info.https,
            hosts=info.hosts, path=path if auto_redirect is None else f"= {auto_redirect}",
            path_match=_path_match(path if auto_redirect is None else f"= {auto_redirect}"),
            expected_request_headers=expected,
            declared_methods=declared, frontend=NAME, configured_headers=configured,
            never_preflighted=never_preflighted(chain, path),
            not_browser_reachable=self._unreachable(chain, path), scope_noun="location",
        )

    def _unreachable(self, chain: list[Level], path: str) -> str:
        """Why a browser's request never gets this location's answer, or "".
        `internal` answers a browser's request for its path with 404 (nested
        locations included, as nginx 1.22 does); the location an
        auth_request names answers a subrequest whose headers nginx drops."""
        for level in chain:
            if level.kind == "location" and level.all("internal"):
                return f"{level.label} is internal"
        if self.auth_targets is None:
            self.auth_targets = {d.args[0] for d in _every(self.tree)
                                 if d.name == "auth_request" and d.args and d.args[0] != "off"}
        words = path.split()
        if chain[-1].kind == "location" and words and words[-1] in self.auth_targets \
                and (len(words) == 1 or words[0] in ("=", "^~")):
            return f"the target of auth_request {words[-1]}"
        return ""

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
                tuple(if_test_holds(method, parse_if_test(args)) for args in conditions),
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


def _redirect_paths(directives: list[Directive]) -> set[str]:
    """The paths the server's own redirects (return, rewrite) name. Whether a
    page requests a location's name without its slash is not in the config:
    that request is modelled only where the config itself sends one there."""
    out: set[str] = set()
    for d in _every(directives):
        if d.name not in ("return", "rewrite"):
            continue
        for arg in d.args:
            m = re.match(r"^(?:[a-z$][\w$]*:)?(?://[^/]*)?(/[^?#$]*)", arg)
            if m:
                out.add(m.group(1))
    return out


def _auto_redirected(chain: list[Level], path: str, locations: list[tuple[list[Level], str]]) -> str | None:
    """The path nginx redirects to this location by itself, or None.

    A prefix location whose name ends in '/' and that hands requests to an
    upstream (proxy_pass and its kin set ngx_http_core_module's
    auto_redirect) answers a request for its name without the slash with
    301 to the name with it. Seen with nginx 1.22: every method gets it,
    before the location's own rewrite directives run, with the location's
    add_header lines; a regex location or a shorter prefix does not take the
    request first, an exact or prefix location of that very name does.
    Only top-level locations are modelled (a nested one is reached through
    its parent's prefix)."""
    words = path.split()
    if len(words) == 2 and words[0] == "^~":
        name = words[1]
    elif len(words) == 1:
        name = words[0]
    else:
        return None
    if not name.endswith("/") or len(name) < 2 or name.startswith("@"):
        return None
    if sum(1 for lv in chain if lv.kind == "location") != 1:
        return None
    if not any(d.name in PROXY_DIRECTIVES for d in chain[-1].directives):
        return None
    bare = name[:-1]
    for _, other in locations:
        other_words = other.split()
        if other_words[-1] == bare and (len(other_words) == 1 or other_words[0] in ("=", "^~")):
            return None
    return bare


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
                for name in variables_in(arg):
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


def _every(directives: list[Directive]) -> Iterator[Directive]:
    """Every directive of a file, blocks included."""
    for d in directives:
        yield d
        if d.block:
            yield from _every(d.block)


def _walk(directives: list[Directive], into_locations: bool = True) -> Iterator[Directive]:
    for d in directives:
        yield d
        if d.block is not None and d.name in ("if", "limit_except") or (into_locations and d.name == "location"):
            yield from _walk(d.block or [], into_locations)


def _methods_in_condition(args: list[str]) -> list[str]:
    if len(args) < 3:
        return []
    return [m for m in re.findall(r"[A-Z]{3,}", args[2]) if m in ALL_METHODS or m.isupper()]


def _path_match(path: str) -> PathMatch | None:
    """A location's modifier and path as the model's PathMatch: `=` exact,
    `^~` a prefix that stops the regex search, `~`/`~*` a regex, none a
    prefix; a server's own scope (no location) has none."""
    words = path.split()
    if len(words) == 1 and path.startswith("/"):
        return PathMatch("prefix", path)
    if len(words) == 2:
        kind = {"=": "exact", "^~": "final-prefix", "~": "regex", "~*": "regex"}.get(words[0])
        if kind is not None:
            return PathMatch(kind, words[1])
    return None
