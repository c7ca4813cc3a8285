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

from ..model import (
    Branch,
    OriginMatcher,
    Outcome,
    PolicyModel,
    Route,
    Source,
    Unknown,
    Value,
)
from . import _pyast
from ._appmodel import ACTUAL_METHODS, PREFLIGHT, OriginPolicy, emission, join_notes

NAME = "starlette"

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
SAFELISTED_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")
PREFLIGHT_VARY = ("Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
                  "Access-Control-Request-Private-Network")
_MARKER = re.compile(r"\bCORSMiddleware\b")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not path.endswith(".py"):
        return False
    head = _pyast.head_text(path, text)
    return bool(head and _MARKER.search(head))


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None) -> PolicyModel:
    def routes_of(path, module, problems):
        return [App(path, module, call, parents).route() for call, parents in _middleware_calls(module)]

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


class App:
    def __init__(self, path: str, module: _pyast.Module, call: ast.Call, parents: list[ast.AST]):
        self.path = path
        self.module = module
        self.call = call
        self.env = _pyast.env_at(module, call, parents)
        self.kwargs = _pyast.call_kwargs(module, call, self.env)
        self.anchor = _pyast.node_source(path, call)

    def arg(self, name: str) -> tuple[_pyast.SV | None, Source]:
        if name in self.kwargs:
            sv, node = self.kwargs[name]
            return sv, _pyast.node_source(self.path, node)
        if "**" in self.kwargs:
            sv, node = self.kwargs["**"]
            return _pyast.unknown(node, sv.what or "**options"), _pyast.node_source(self.path, node)
        return None, self.anchor

    def note(self, name: str, sv: _pyast.SV | None) -> str:
        return f"{name} comes from {sv.note}" if sv is not None and sv.note else ""

    def route(self) -> Route:
        origins, origins_src = self.arg("allow_origins")
        regex, regex_src = self.arg("allow_origin_regex")
        creds, creds_src = self.arg("allow_credentials")
        credentials: bool | None = False
        if creds is not None:
            credentials = bool(creds.value) if creds.known else None

        policy = self.origin_policy(origins, origins_src, regex, regex_src, credentials)
        notes = join_notes(self.note("allow_origins", origins), self.note("allow_origin_regex", regex))
        acao = emission("Access-Control-Allow-Origin", policy.acao(), policy.source, note=notes)

        # Headers the middleware sends to every request with an Origin.
        common = []
        if credentials is None:
            common.append(emission("Access-Control-Allow-Credentials", Value((Unknown(creds.what),)), creds_src,
                                   note=self.note("allow_credentials", creds)))
        elif credentials:
            common.append(emission("Access-Control-Allow-Credentials", "true", creds_src,
                                   note=self.note("allow_credentials", creds)))

        expose, expose_src = self.arg("expose_headers")
        actual_extra = []
        if expose is not None:
            value = _joined(expose)
            if value != "":
                actual_extra.append(emission("Access-Control-Expose-Headers", value, expose_src,
                                             note=self.note("expose_headers", expose)))
        actual = [acao] + common + actual_extra
        if policy.kind != "star":
            actual.append(emission("Vary", "Origin", policy.source))

        methods, methods_src = self.arg("allow_methods")
        if methods is None:
            acam: Value | str = "GET"
        elif methods.is_list and any(i.known and i.value == "*" for i in methods.items()):
            acam = ", ".join(ALL_METHODS)
        else:
            acam = _joined(methods)
        headers, headers_src = self.arg("allow_headers")
        if headers is None:
            acah: Value | str = ", ".join(sorted(SAFELISTED_HEADERS))
        elif headers.is_list and any(i.known and i.value == "*" for i in headers.items()):
            acah = Value((Unknown("the requested headers (allow_headers=['*'] echoes them)"),))
        elif headers.is_list and all(i.known and isinstance(i.value, str) for i in headers.items()):
            acah = ", ".join(sorted(set(SAFELISTED_HEADERS) | {i.value for i in headers.items()}))
        else:
            acah = Value((Unknown(headers.what or "allow_headers"),))
        age, age_src = self.arg("max_age")
        if age is None:
            acma: Value | str = "600"
        elif age.known:
            acma = str(age.value)
        else:
            acma = Value((Unknown(age.what or "max_age"),))
        preflight = [
            emission("Vary", PREFLIGHT_VARY, self.anchor),
            acao,
            emission("Access-Control-Allow-Methods", acam, methods_src, note=self.note("allow_methods", methods)),
            emission("Access-Control-Max-Age", acma, age_src, note=self.note("max_age", age)),
            emission("Access-Control-Allow-Headers", acah, headers_src, note=self.note("allow_headers", headers)),
        ] + common
        declared = ()
        branches = [
            Branch(outcome=Outcome(200, self.anchor,
                                   reason="CORSMiddleware answers preflights itself (200; 400 when the "
                                          "origin, method or headers are not allowed)"),
                   headers=tuple(preflight), methods=PREFLIGHT, source=self.anchor, label="preflight"),
            Branch(outcome=Outcome(None, self.anchor, delegate="app", reason="the application"),
                   headers=tuple(actual), methods=ACTUAL_METHODS, source=self.anchor, label="application"),
        ]
        return Route(name=f"CORSMiddleware at {self.path}:{self.anchor.line}", source=self.anchor,
                     branches=branches, https=None, path="/", declared_methods=declared, frontend=NAME)

    def origin_policy(self, origins, origins_src: Source, regex, regex_src: Source,
                      credentials: bool | None) -> OriginPolicy:
        if origins is not None and origins.is_list and any(i.known and i.value == "*" for i in origins.items()):
            star = next(i for i in origins.items() if i.known and i.value == "*")
            src = Source(self.path, star.line, star.column)
            note = self.note("allow_origins", origins)
            if credentials is None:
                return OriginPolicy("unknown", src, what="'*' or the Origin (allow_credentials unknown)")
            return OriginPolicy("reflect" if credentials else "star", src, note=note)
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
                    matchers.append(OriginMatcher(item.value, "exact", source=Source(self.path, item.line, item.column),
                                                  note=join_notes(self.note("allow_origins", origins), item.note)))
                else:
                    partial.append(f"an allow_origins entry ({item.what or 'not a string'})")
        if regex is not None and regex.value is not None:
            if regex.known and isinstance(regex.value, str):
                matchers.append(OriginMatcher(regex.value, "python-fullmatch", source=regex_src,
                                              note=self.note("allow_origin_regex", regex)))
            else:
                partial.append(f"allow_origin_regex ({regex.what})")
        return OriginPolicy("list", src, matchers=matchers, partial="; ".join(partial))


def _joined(sv: _pyast.SV) -> Value | str:
    if sv.is_list and all(i.known and isinstance(i.value, str) for i in sv.items()):
        return ", ".join(i.value for i in sv.items())
    if sv.known and isinstance(sv.value, str):
        return ", ".join(sv.value)  # a string is a collection of its characters
    return Value((Unknown(sv.what or "setting"),))
