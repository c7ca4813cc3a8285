"""aiohttp-cors (``aiohttp_cors.setup(app, defaults={...})``) -> policy model.

Read with stdlib ``ast``; the application is never imported. Reads the
``defaults`` mapping of ``setup`` and the mappings given to ``cors.add``
(origin -> ``ResourceOptions(...)`` or a plain mapping) and encodes what aiohttp-cors 0.8.1 really does
(aiohttp_cors/cors_config.py, preflight_handler.py; checked with the real
package in tests/test_aiohttp_truth.py):

* the options are looked up per request as ``config.get(origin,
  config.get("*"))``: a listed origin compares exactly (a dict key), ``"*"``
  is the fallback for every other origin;
* Access-Control-Allow-Origin is always the request's Origin, never ``*``: a
  ``"*"`` key with ``allow_credentials=True`` lets every site read answers
  made with the user's cookies;
* no ``Vary`` header is ever sent;
* Credentials and Expose-Headers go only on answers that carry Allow-Origin;
* preflights are answered by aiohttp-cors: 200 with the requested method
  and the requested headers (403 when refused), Max-Age only when
  ``max_age`` is set.

``cors.add(entity, {...})`` with a literal mapping, on a name bound to a
``setup`` call, is one more route: its options over the defaults, origin by
origin.
"""

from __future__ import annotations

import ast
import re

from ..model import PolicyModel, Route, Source, Unknown, Value
from . import _pyast
from ._appmodel import OriginPolicy
from ._library import (
    ALLOW_HEADERS,
    ALLOWED_ORIGINS,
    CREDENTIALS,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    VARY,
    VARY_NEVER,
    WILDCARD_STAR,
    CorsSettings,
    LibrarySemantics,
    Written,
    ignored_names,
    library_route,
)

NAME = "aiohttp"

SEMANTICS = LibrarySemantics(
    library="aiohttp-cors 0.8.1",
    frontend=NAME,
    # ResourceOptions.__new__ keyword arguments
    setting_names={name: (name,) for name in (
        "allow_credentials", "expose_headers", "allow_headers", "max_age", "allow_methods")},
    # ResourceOptions.__new__ defaults
    defaults={"allow_credentials": False, "expose_headers": (), "allow_headers": (), "max_age": None,
              "allow_methods": None},
    # "*" is a key looked up as the fallback, answered with the Origin itself
    policy_kinds=frozenset({"reflect", "list"}),
    exact_engine="exact",
    regex_engine="python-fullmatch",  # aiohttp-cors has no regex option
    wildcard=WILDCARD_STAR,  # unused: the reader builds "reflect" for a "*" key
    # _on_response_prepare returns before any header when no options match
    headers_to=ALLOWED_ORIGINS,
    vary_origin=VARY_NEVER,
    # _PreflightHandler._preflight_handler: web.Response() (200), HTTPForbidden when refused
    preflight_status=200,
    preflight_reason="aiohttp-cors answers preflights itself (200; 403 when the origin, method or "
                     "headers are not allowed)",
    app_label="handler",
    app_reason="the route's handler",
    actual_order=(EXPOSE, ORIGIN, CREDENTIALS, VARY),
    # VARY: only the application's own (an on_response_prepare signal runs for preflight answers too)
    preflight_order=(ORIGIN, CREDENTIALS, MAX_AGE, METHODS, ALLOW_HEADERS, VARY),
)
_MARKER = re.compile(r"\baiohttp_cors\b")
WALK_SUFFIXES = (".py",)   # the walk's prefilter (frontends/__init__.py)
WALK_MARKER = rb"aiohttp_cors"


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    return _pyast.head_matches(path, text, _MARKER)


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    def routes_of(path, module, problems):
        routes = []
        setups: dict[str, SetupCall] = {}   # the name a setup call's CorsConfig is bound to
        adds = []
        for call, parents in module.calls():
            if _pyast.call_name(call) in ("aiohttp_cors.setup", "setup"):
                setup = SetupCall(path, module, call, parents)
                route = setup.route()
                if route is not None:
                    routes.append(route)
                if parents and isinstance(parents[-1], ast.Assign):
                    for target in parents[-1].targets:
                        if isinstance(target, ast.Name):
                            setups[target.id] = setup
            elif (isinstance(call.func, ast.Attribute) and call.func.attr == "add"
                  and isinstance(call.func.value, ast.Name) and len(call.args) >= 2):
                adds.append((call, parents))
        for call, parents in adds:
            setup = setups.get(call.func.value.id)
            if setup is not None:
                route = setup.route_for_add(call)
                if route is not None:
                    routes.append(route)
        return routes

    return _pyast.parse_each(paths, stdin, texts, routes_of)


def vary_signal(path: str, module: _pyast.Module) -> Source | None:
    """Where the application adds ``Vary: Origin`` to every response itself:
    a function given to ``app.on_response_prepare.append(...)`` (aiohttp runs
    that signal for every response, aiohttp-cors's preflight answers included)
    whose body adds the header (``response.headers.add("Vary", "Origin")``,
    ``response.headers["Vary"] = "Origin"``)."""
    hooked = {call.args[0].id for call, _ in module.calls()
              if _pyast.call_name(call).endswith("on_response_prepare.append")
              and len(call.args) == 1 and isinstance(call.args[0], ast.Name)}
    for node in module.tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name not in hooked:
            continue
        for inner in ast.walk(node):
            text = _pyast.node_text(inner) if isinstance(inner, (ast.Call, ast.Assign)) else ""
            if re.search(r"""['"]vary['"]""", text, re.I) and re.search(r"""['"]origin['"]""", text, re.I):
                return _pyast.node_source(path, inner)
    return None


class OriginOptions:
    """One origin's options: ``ResourceOptions(...)`` or a plain mapping."""

    def __init__(self, call: "SetupCall", origin: str, origin_node: ast.AST, node: ast.AST):
        self.origin = origin
        self.origin_source = _pyast.node_source(call.path, origin_node)
        self.values: dict[str, tuple[_pyast.StaticValue, Source]] = {}
        self.written: list[tuple[str, Source]] = []
        self.refused = ""
        self.unknown = ""
        if isinstance(node, ast.Call) and _pyast.call_name(node).split(".")[-1] == "ResourceOptions":
            for name, (value, at) in _pyast.call_kwargs(call.module, node, call.env).items():
                if name == "**":
                    self.unknown = value.what or "**options"
                    continue
                self.values[name] = (value, _pyast.node_source(call.path, at))
            self.written = [(k.arg, _pyast.node_source(call.path, k)) for k in node.keywords if k.arg]
            self.refused = ("ResourceOptions raises TypeError (an unexpected keyword argument), so the app "
                            "does not start")
        elif isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                for k in node.keys):
            for key, value in zip(node.keys, node.values):
                src = _pyast.node_source(call.path, key)
                self.values[key.value] = (call.module.eval(value, call.env), src)
                self.written.append((key.value, src))
            self.refused = ("aiohttp-cors raises ValueError (unexpected keywords in resource options) "
                            "when setup or cors.add runs, so the app does not start")
        else:
            self.unknown = "the options of origin " + repr(origin)

    def get(self, name: str) -> tuple[_pyast.StaticValue | None, Source | None]:
        return self.values.get(name, (None, None))


class SetupCall:
    """One ``aiohttp_cors.setup(app, defaults={...})``, read into a Route."""

    def __init__(self, path: str, module: _pyast.Module, call: ast.Call, parents: list[ast.AST]):
        self.path = path
        self.module = module
        self.call = call
        self.env = _pyast.env_at(module, call, parents)
        self.anchor = _pyast.node_source(path, call)
        self.vary_by_app = vary_signal(path, module)
        defaults = _pyast.kwarg(call, "defaults")
        # None: computed defaults, nothing the file alone proves
        self.defaults: list[OriginOptions] | None = [] if defaults is None else self.entries(defaults)

    def entries(self, node: ast.AST) -> list[OriginOptions] | None:
        """A literal origin -> options mapping, or None."""
        if not isinstance(node, ast.Dict) or not all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
            return None
        return [OriginOptions(self, k.value, k, v) for k, v in zip(node.keys, node.values)]

    def route(self) -> Route | None:
        """The route ``setup``'s defaults give a ``cors.add(entity)`` without options."""
        if self.defaults is None:
            return self.unknown(_pyast.kwarg(self.call, "defaults"), "defaults", self.anchor,
                                f"aiohttp_cors.setup at {self.path}:{self.anchor.line}")
        if not self.defaults:
            return None  # no defaults: CORS only where cors.add names options
        return self.build(self.defaults, self.defaults, self.anchor,
                          f"aiohttp_cors.setup at {self.path}:{self.anchor.line}")

    def route_for_add(self, call: ast.Call) -> Route | None:
        """``cors.add(entity, {...})``: the route's options over the defaults,
        origin by origin (urldispatcher_router_adapter: a ChainMap of the
        route's config over the defaults)."""
        own = self.entries(call.args[1])
        anchor = _pyast.node_source(self.path, call)
        if own is None:
            return self.unknown(call.args[1], "the route's options", anchor, f"cors.add at {self.path}:{anchor.line}")
        if self.defaults is None or not own:
            return None  # the defaults are unknown (said once, on setup) or add nothing
        merged = {e.origin: e for e in self.defaults}
        merged.update({e.origin: e for e in own})
        return self.build(list(merged.values()), own, anchor, f"cors.add at {self.path}:{anchor.line}")

    def unknown(self, node: ast.AST, what: str, anchor: Source, name: str) -> Route:
        """A mapping computed at run time: who is let in is named as unknown."""
        policy = OriginPolicy("unknown", _pyast.node_source(self.path, node),
                              what=f"{what} ({ast.unparse(node)[:80]}, computed at run time)")
        return library_route(SEMANTICS, CorsSettings(origin=policy), name=name, anchor=anchor)

    def build(self, entries: list[OriginOptions], written: list[OriginOptions], anchor: Source,
              name: str) -> Route:
        star = next((e for e in entries if e.origin == "*"), None)
        # a listed origin gets its own options, every other one "*"'s: a setting
        # the entries disagree on is unknown for the route as a whole
        chosen = entries
        if star is not None:
            policy = OriginPolicy("reflect", star.origin_source)
        else:
            policy = OriginPolicy("list", entries[0].origin_source, matchers=[
                SEMANTICS.exact(e.origin, e.origin_source) for e in entries])
        settings = CorsSettings(
            origin=policy,
            credentials=self.credentials(chosen),
            expose=self.listed(chosen, "expose_headers", "the response's own headers (expose_headers='*')"),
            methods=Written(Value((Unknown("the requested method, when allowed"),)), anchor),
            allow_headers=self.listed(chosen, "allow_headers", None),
            max_age=self.max_age(chosen),
            echoes_request_headers=True,
            several_origins=True,
            vary_by_app=self.vary_by_app)
        route = library_route(SEMANTICS, settings, name=name, anchor=anchor)
        ignored = []
        for entry in written:   # each misspelling once, on the route whose call wrote it
            ignored.extend(ignored_names(SEMANTICS, entry.written, refused=entry.refused))
        route.ignored_names = tuple(ignored)
        return route

    def _same(self, chosen: list[OriginOptions], name: str):
        """The one value ``name`` has for every chosen origin (None: the
        default), or an Unknown when they differ or one is computed."""
        seen = []
        for entry in chosen:
            if entry.unknown:
                return Unknown(entry.unknown), None
            value, src = entry.get(name)
            if value is not None and not value.fully_known:
                return Unknown(value.what or name), src
            seen.append((None if value is None else value.plain(), src))
        values = {repr(v) for v, _ in seen}
        if len(values) > 1:
            return Unknown(f"{name}, different for each listed origin"), seen[0][1]
        return seen[0]

    def credentials(self, chosen) -> Written | None:
        value, src = self._same(chosen, "allow_credentials")
        if isinstance(value, Unknown):
            return Written(Value((value,)), src or self.anchor)
        return Written("true", src or self.anchor) if value is True else None

    def listed(self, chosen, name: str, star_means: str | None) -> Written | None:
        value, src = self._same(chosen, name)
        if isinstance(value, Unknown):
            return Written(Value((value,)), src or self.anchor)
        if value is None or value == () or value == []:
            return None
        if value == "*":
            if star_means is None:
                return Written(Value((Unknown("the requested headers (allow_headers='*' echoes them)"),)), src)
            return Written(Value((Unknown(star_means),)), src)
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return Written(",".join(value), src)
        return Written(Value((Unknown(name),)), src or self.anchor)

    def max_age(self, chosen) -> Written | None:
        value, src = self._same(chosen, "max_age")
        if isinstance(value, Unknown):
            return Written(Value((value,)), src or self.anchor)
        return None if value is None else Written(str(value), src)
