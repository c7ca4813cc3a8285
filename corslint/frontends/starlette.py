"""Starlette / FastAPI ``CORSMiddleware`` -> policy model.

Read with stdlib ``ast``; the application is never imported. Finds
``app.add_middleware(CORSMiddleware, ...)``, ``Middleware(CORSMiddleware, ...)``
and ``CORSMiddleware(app, ...)`` and encodes what Starlette (>= 1.0, also what
FastAPI re-exports) really does:

* ``allow_origins`` entries compare exactly and case-sensitively;
  ``allow_origin_regex`` uses ``re.fullmatch``;
* ``"*"`` in ``allow_origins``: ``Access-Control-Allow-Origin: *``, except with
  ``allow_credentials=True``, where the request's Origin is echoed on simple and
  preflight answers alike (any site reads authenticated answers);
* ``Access-Control-Allow-Credentials: true`` and Expose-Headers go on every
  answer to a request with an Origin, allowed or not;
* preflights (OPTIONS with Origin and Access-Control-Request-Method) are
  answered by the middleware: 200 (400 when origin, method or headers are not
  allowed), ``Access-Control-Allow-Methods`` (default ``GET``; ``"*"`` lists
  every method), ``Access-Control-Allow-Headers`` (the safelisted ones plus
  ``allow_headers``; ``"*"`` echoes the requested ones), ``Max-Age`` (600);
* ``Vary: Origin`` goes on every answer whose ACAO is not ``*``.
"""

from __future__ import annotations

import ast
import re

from ..model import OriginMatcher, PolicyModel, Route, Source, Unknown, Value
from . import _pyast
from ._appmodel import OriginPolicy, join_notes
from ._library import (
    ALLOW_HEADERS,
    CREDENTIALS,
    EVERY_ORIGIN,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    PREFLIGHT_VARY,
    VARY,
    VARY_UNLESS_STAR,
    WILDCARD_ECHO_WITH_CREDENTIALS,
    CorsSettings,
    ignored_names,
    LibrarySemantics,
    Written,
    library_route,
)

NAME = "starlette"

# starlette/middleware/cors.py (Starlette 1.10.0): ALL_METHODS, SAFELISTED_HEADERS
ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
SAFELISTED_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")

SEMANTICS = LibrarySemantics(
    library="Starlette 1.10.0 CORSMiddleware",
    frontend=NAME,
    # CORSMiddleware.__init__ keyword arguments
    setting_names={name: (name,) for name in (
        "allow_origins", "allow_methods", "allow_headers", "allow_credentials", "allow_origin_regex",
        "allow_private_network", "expose_headers", "max_age")},
    # CORSMiddleware.__init__ defaults
    defaults={"allow_origins": (), "allow_methods": ("GET",), "allow_headers": (), "allow_credentials": False,
              "allow_origin_regex": None, "allow_private_network": False, "expose_headers": (),
              "max_age": 600},
    policy_kinds=frozenset({"star", "reflect", "list"}),
    # is_allowed_origin: `origin in self.allow_origins`; allow_origin_regex.fullmatch(origin)
    exact_engine="exact",
    regex_engine="python-fullmatch",
    # allow_all_origins: '*', but the Origin echoed when allow_credentials
    # (preflight_response and send: explicit_origin / allow_credentials)
    wildcard=WILDCARD_ECHO_WITH_CREDENTIALS,
    # simple_headers (credentials, expose) go on every answer to a request with an Origin
    headers_to=EVERY_ORIGIN,
    # send(): Vary: Origin appended unless the answer is '*'
    vary_origin=VARY_UNLESS_STAR,
    # preflight_response: 200 "OK", 400 when origin, method or headers are refused
    preflight_status=200,
    preflight_reason="CORSMiddleware answers preflights itself (200; 400 when the origin, method or "
                     "headers are not allowed)",
    preflight_vary=("Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
                    "Access-Control-Request-Private-Network"),
    app_label="application",
    app_reason="the application",
    actual_order=(ORIGIN, CREDENTIALS, EXPOSE, VARY),
    preflight_order=(PREFLIGHT_VARY, ORIGIN, METHODS, MAX_AGE, ALLOW_HEADERS, CREDENTIALS),
)
_MARKER = re.compile(r"\bCORSMiddleware\b")
WALK_SUFFIXES = (".py",)   # the walk's prefilter (frontends/__init__.py)
WALK_MARKER = rb"CORSMiddleware"


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    return _pyast.head_matches(path, text, _MARKER)


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    def routes_of(path, module, problems):
        return [MiddlewareCall(path, module, call, parents).route() for call, parents in _middleware_calls(module)]

    return _pyast.parse_each(paths, stdin, texts, routes_of)


def _is_cors_middleware(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "CORSMiddleware") or (
        isinstance(node, ast.Attribute) and node.attr == "CORSMiddleware")


def _middleware_calls(module: _pyast.Module):
    """Calls configuring CORSMiddleware: ``add_middleware(CORSMiddleware, ...)``,
    ``Middleware(CORSMiddleware, ...)`` (keyword arguments configure it) and
    ``CORSMiddleware(app, ...)``."""
    found = []
    for call, parents in module.calls():
        name = _pyast.call_name(call)
        if name.endswith("add_middleware") or name.split(".")[-1] == "Middleware":
            if call.args and _is_cors_middleware(call.args[0]):
                found.append((call, parents))
        elif _is_cors_middleware(call.func):
            found.append((call, parents))
    found.sort(key=lambda cp: (cp[0].lineno, cp[0].col_offset))
    return found


class MiddlewareCall:
    """One call that configures CORSMiddleware, read into a Route."""

    def __init__(self, path: str, module: _pyast.Module, call: ast.Call, parents: list[ast.AST]):
        self.path = path
        self.module = module
        self.call = call
        self.env = _pyast.env_at(module, call, parents)
        self.kwargs = _pyast.call_kwargs(module, call, self.env)
        self.anchor = _pyast.node_source(path, call)

    def argument(self, name: str) -> tuple[_pyast.StaticValue | None, Source]:
        if name in self.kwargs:
            setting, node = self.kwargs[name]
            return setting, _pyast.node_source(self.path, node)
        if "**" in self.kwargs:
            setting, node = self.kwargs["**"]
            return _pyast.unknown(node, setting.what or "**options"), _pyast.node_source(self.path, node)
        return None, self.anchor

    def note(self, name: str, setting: _pyast.StaticValue | None) -> str:
        return f"{name} comes from {setting.note}" if setting is not None and setting.note else ""

    def route(self) -> Route:
        origins, origins_src = self.argument("allow_origins")
        regex, regex_src = self.argument("allow_origin_regex")
        creds, creds_src = self.argument("allow_credentials")
        credentials: bool | None = SEMANTICS.defaults["allow_credentials"]
        if creds is not None:
            credentials = bool(creds.value) if creds.known else None
        policy = self.origin_policy(origins, origins_src, regex, regex_src, credentials)

        if credentials is None:
            credentials_header = Written(Value((Unknown(creds.what),)), creds_src, self.note("allow_credentials", creds))
        else:
            credentials_header = Written("true", creds_src, self.note("allow_credentials", creds)) \
                if credentials else None
        expose, expose_src = self.argument("expose_headers")
        expose_header = None
        if expose is not None:
            expose_header = Written(_joined(expose), expose_src, self.note("expose_headers", expose))

        methods, methods_src = self.argument("allow_methods")
        if methods is None:
            acam: Value | str = ", ".join(SEMANTICS.defaults["allow_methods"])
        elif methods.is_list and any(i.known and i.value == "*" for i in methods.items()):
            acam = ", ".join(ALL_METHODS)
        else:
            acam = _joined(methods)
        headers, headers_src = self.argument("allow_headers")
        if headers is None:
            acah: Value | str = ", ".join(sorted(set(SAFELISTED_HEADERS) | set(SEMANTICS.defaults["allow_headers"])))
        elif headers.is_list and any(i.known and i.value == "*" for i in headers.items()):
            acah = Value((Unknown("the requested headers (allow_headers=['*'] echoes them)"),))
        elif headers.is_list and all(i.known and isinstance(i.value, str) for i in headers.items()):
            acah = ", ".join(sorted(set(SAFELISTED_HEADERS) | {i.value for i in headers.items()}))
        else:
            acah = Value((Unknown(headers.what or "allow_headers"),))
        age, age_src = self.argument("max_age")
        if age is None:
            acma: Value | str = str(SEMANTICS.defaults["max_age"])
        elif age.known:
            acma = str(age.value)
        else:
            acma = Value((Unknown(age.what or "max_age"),))
        settings = CorsSettings(
            origin=policy,
            origin_note=join_notes(self.note("allow_origins", origins), self.note("allow_origin_regex", regex)),
            credentials=credentials_header, expose=expose_header,
            methods=Written(acam, methods_src, self.note("allow_methods", methods)),
            allow_headers=Written(acah, headers_src, self.note("allow_headers", headers)),
            max_age=Written(acma, age_src, self.note("max_age", age)))
        route = library_route(SEMANTICS, settings, name=f"CORSMiddleware at {self.path}:{self.anchor.line}",
                              anchor=self.anchor)
        # CORSMiddleware.__init__ takes its options by name: an unknown one is
        # a TypeError when the app builds its middleware (starlette 1.10.0,
        # checked with the real package), not a setting quietly ignored
        written = [(k.arg, _pyast.node_source(self.path, k)) for k in self.call.keywords if k.arg]
        route.ignored_names = ignored_names(
            SEMANTICS, written, refused="CORSMiddleware raises TypeError (an unexpected keyword argument) "
                                        "when the app builds its middleware, so the app does not start")
        return route

    def origin_policy(self, origins, origins_src: Source, regex, regex_src: Source,
                      credentials: bool | None) -> OriginPolicy:
        if origins is not None and origins.is_list and any(i.known and i.value == "*" for i in origins.items()):
            star = next(i for i in origins.items() if i.known and i.value == "*")
            src = Source(self.path, star.line, star.column)
            note = self.note("allow_origins", origins)
            return SEMANTICS.wildcard_policy(src, echo=credentials, note=note,
                                             unknown_what="'*' or the Origin (allow_credentials unknown)")
        matchers: list[OriginMatcher] = []
        partial: list[str] = []
        src = origins_src if origins is not None else (regex_src if regex is not None else self.anchor)
        if origins is not None:
            if not origins.is_list:
                if origins.known and isinstance(origins.value, str):
                    # a bare string is a collection of characters: `origin in "https://a"` is a substring test
                    partial.append("allow_origins is a string, not a list")
                else:
                    partial.append(f"allow_origins ({origins.what})")
            for item in origins.items():
                if item.known and isinstance(item.value, str):
                    matchers.append(SEMANTICS.exact(item.value, Source(self.path, item.line, item.column),
                                                    join_notes(self.note("allow_origins", origins), item.note)))
                else:
                    partial.append(f"an allow_origins entry ({item.what or 'not a string'})")
        if regex is not None and regex.value is not None:
            if regex.known and isinstance(regex.value, str):
                matchers.append(SEMANTICS.regex(regex.value, False, regex_src, self.note("allow_origin_regex", regex)))
            else:
                partial.append(f"allow_origin_regex ({regex.what})")
        return OriginPolicy("list", src, matchers=matchers, partial="; ".join(partial))


def _joined(setting: _pyast.StaticValue) -> Value | str:
    if setting.is_list and all(i.known and isinstance(i.value, str) for i in setting.items()):
        return ", ".join(i.value for i in setting.items())
    if setting.known and isinstance(setting.value, str):
        return ", ".join(setting.value)  # a string is a collection of its characters
    return Value((Unknown(setting.what or "setting"),))
