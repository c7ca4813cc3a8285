"""Litestar ``CORSConfig`` (``Litestar(..., cors_config=CORSConfig(...))``) -> policy model.

Read with stdlib ``ast``; the application is never imported. Every
``CORSConfig(...)`` call is one route (Litestar takes ``cors_config`` on the
application only: Router and Controller have no such option). What Litestar
2.25.0 really does (litestar/config/cors.py, litestar/middleware/_internal/cors.py;
checked with the real package on loopback in tests/test_litestar_truth.py):

* ``allow_origins`` defaults to ``["*"]``; an entry is escaped and its ``*``
  becomes ``.*``; the entries and ``allow_origin_regex`` are joined with ``|``
  into one regex tried with ``fullmatch``, case-sensitively. ``"*"`` in the
  list allows every origin *whatever* ``allow_origin_regex`` says, so a regex
  written without ``allow_origins`` restricts nothing;
* with ``"*"``: preflights get ``Access-Control-Allow-Origin: *`` (with
  ``Allow-Credentials: true`` when ``allow_credentials``, which browsers then
  refuse for credentialed requests); actual answers get ``*``, except when the
  request carries a ``Cookie`` header: then the request's Origin is echoed with
  ``Vary: Origin`` -- with ``allow_credentials=True`` every site reads answers
  made with the user's cookies;
* ``Allow-Credentials`` and ``Expose-Headers`` go on every actual answer to a
  request with an Origin, allowed or not; ``Vary: Origin`` only with an echoed
  Origin;
* every OPTIONS request with an Origin is answered by the middleware: 204 with
  ``Max-Age`` (600), ``Allow-Methods`` (every method by default) and
  ``Allow-Headers`` (the requested ones echoed by default, else the listed ones
  plus the safelisted four); 400 without any CORS header when the origin, the
  method or a header is not allowed.
"""

from __future__ import annotations

import ast
import dataclasses
import re

from ..model import PolicyModel, Route, Source, Unknown, Value
from . import _pyast
from ._appmodel import OriginPolicy, emission, join_notes
from ._library import (
    ALLOW_HEADERS,
    ALLOWED_ORIGINS,
    CREDENTIALS,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    VARY,
    VARY_SEVERAL_ORIGINS,
    WILDCARD_STAR,
    CorsSettings,
    LibrarySemantics,
    Written,
    ignored_names,
    library_route,
)

NAME = "litestar"

# litestar/config/cors.py preflight_headers: what allow_methods=["*"] lists
ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
# litestar/constants.py DEFAULT_ALLOWED_CORS_HEADERS
SAFELISTED_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")

SEMANTICS = LibrarySemantics(
    library="Litestar 2.25.0 CORSConfig",
    frontend=NAME,
    # CORSConfig dataclass fields
    setting_names={name: (name,) for name in (
        "allow_origins", "allow_methods", "allow_headers", "allow_credentials", "allow_origin_regex",
        "expose_headers", "max_age")},
    # CORSConfig field defaults
    defaults={"allow_origins": ("*",), "allow_methods": ("*",), "allow_headers": ("*",),
              "allow_credentials": False, "allow_origin_regex": None, "expose_headers": (), "max_age": 600},
    policy_kinds=frozenset({"star", "list", "none"}),
    # allowed_origins_regex: re.escape(entry) with '*' -> '.*', joined with '|'; is_origin_allowed: fullmatch
    exact_engine="exact",
    regex_engine="python-fullmatch",
    # preflight_headers: '*' (the cookie-dependent echo on actual answers is added by the reader)
    wildcard=WILDCARD_STAR,
    # _create_preflight_response: a refused origin gets 400 and no CORS header at all
    # (the reader widens Credentials/Expose on actual answers: simple_headers go to every Origin)
    headers_to=ALLOWED_ORIGINS,
    # send_wrapper / preflight_headers: Vary: Origin wherever the Origin is echoed
    vary_origin=VARY_SEVERAL_ORIGINS,
    preflight_status=204,
    preflight_reason="Litestar's CORS middleware answers every OPTIONS request with an Origin itself "
                     "(204; 400 when the origin, method or headers are not allowed)",
    app_label="application",
    app_reason="the route handler",
    actual_order=(ORIGIN, CREDENTIALS, EXPOSE, VARY),
    preflight_order=(MAX_AGE, ORIGIN, VARY, CREDENTIALS, ALLOW_HEADERS, METHODS),
)
_MARKER = re.compile(r"\bCORSConfig\b")
_IMPORT = re.compile(r"^[^\S\n]*(from\s+litestar[\w.]*\s+import|import\s+litestar)\b", re.M)
WALK_SUFFIXES = (".py",)   # the walk's prefilter (frontends/__init__.py on main)
# every file recognises() accepts starts with this (discovery's byte prefilter)
WALK_MARKER = rb"(from|import)\s+litestar"
_COOKIE_ECHO = ("Litestar's CORS middleware answers '*' but echoes the Origin to a request that "
                "carries a Cookie header")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not path.endswith(".py"):
        return False
    head = _pyast.head_text(path, text)
    return bool(head and _IMPORT.search(head) and _MARKER.search(head))


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    def routes_of(path, module, problems):
        calls = list(module.calls())
        vary = _app_vary(path, module, calls)
        return [ConfigCall(path, module, call, parents, vary.get(id(call))).route() for call, parents in calls
                if _pyast.call_name(call).split(".")[-1] == "CORSConfig"]

    return _pyast.parse_each(paths, stdin, texts, routes_of)


def _app_vary(path: str, module: _pyast.Module, calls) -> dict[int, Source]:
    """The CORSConfig calls (by id) of ``Litestar(...)`` calls that add
    ``Vary: Origin`` to every answer themselves:
    ``response_headers=[ResponseHeader(name="Vary", value="Origin")]``."""
    out: dict[int, Source] = {}
    for call, parents in calls:
        if _pyast.call_name(call).split(".")[-1] not in ("Litestar", "AppConfig"):
            continue
        config, headers = _pyast.kwarg(call, "cors_config"), _pyast.kwarg(call, "response_headers")
        if isinstance(config, ast.Name):
            bound = module.statement(config.id)
            config = bound.value if isinstance(bound, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(config, ast.Call) or not isinstance(headers, (ast.List, ast.Tuple)):
            continue
        env = _pyast.env_at(module, call, parents)
        for item in headers.elts:
            if not (isinstance(item, ast.Call) and _pyast.call_name(item).split(".")[-1] == "ResponseHeader"):
                continue
            kwargs = _pyast.call_kwargs(module, item, env)
            name, value = kwargs.get("name", (None, None))[0], kwargs.get("value", (None, None))[0]
            if (name is not None and name.known and str(name.value).lower() == "vary" and value is not None
                    and value.known and "origin" in [v.strip().lower() for v in str(value.value).split(",")]):
                out[id(config)] = _pyast.node_source(path, item)
    return out


class ConfigCall:
    """One ``CORSConfig(...)``, read into a Route."""

    def __init__(self, path: str, module: _pyast.Module, call: ast.Call, parents: list[ast.AST],
                 vary_by_app: Source | None = None):
        self.vary_by_app = vary_by_app
        self.path = path
        self.module = module
        self.call = call
        self.env = _pyast.env_at(module, call, parents)
        self.kwargs = _pyast.call_kwargs(module, call, self.env)
        self.anchor = _pyast.node_source(path, call)
        self.positional = bool(call.args)

    def argument(self, name: str) -> tuple[_pyast.StaticValue | None, Source]:
        if name in self.kwargs:
            setting, node = self.kwargs[name]
            return setting, _pyast.node_source(self.path, node)
        if "**" in self.kwargs or self.positional:
            node = self.kwargs["**"][1] if "**" in self.kwargs else self.call.args[0]
            what = "**options" if "**" in self.kwargs else "CORSConfig's positional arguments"
            return _pyast.unknown(node, what), _pyast.node_source(self.path, node)
        return None, self.anchor

    def note(self, name: str, setting: _pyast.StaticValue | None) -> str:
        return f"{name} comes from {setting.note}" if setting is not None and setting.note else ""

    def unknown_written(self, setting: _pyast.StaticValue, src: Source, name: str) -> Written:
        return Written(Value((Unknown(setting.what or name),)), src, self.note(name, setting))

    def route(self) -> Route:
        origins, origins_src = self.argument("allow_origins")
        regex, regex_src = self.argument("allow_origin_regex")
        creds, creds_src = self.argument("allow_credentials")
        credentials: bool | None = SEMANTICS.defaults["allow_credentials"]
        if creds is not None:
            credentials = bool(creds.value) if creds.known else None
        policy = self.origin_policy(origins, origins_src, regex, regex_src)
        written = [(k.arg, _pyast.node_source(self.path, k)) for k in self.call.keywords if k.arg]
        ignored = ignored_names(SEMANTICS, written, refused="CORSConfig raises TypeError (an unexpected "
                                                            "keyword argument), so the app does not start")
        if ignored:
            # the app never starts: the misspelt name is the one thing to say
            policy = OriginPolicy("none", self.anchor)

        if credentials is None:
            credentials_header = self.unknown_written(creds, creds_src, "allow_credentials")
        else:
            credentials_header = Written("true", creds_src, self.note("allow_credentials", creds)) \
                if credentials else None
        expose, expose_src = self.argument("expose_headers")
        expose_header = None
        if expose is not None:
            expose_header = Written(_joined(expose, sort=True), expose_src, self.note("expose_headers", expose))

        methods, methods_src = self.argument("allow_methods")
        if methods is None or _has_star(methods):
            acam: Value | str = ", ".join(ALL_METHODS)
        else:
            acam = _joined(methods, sort=True)
        headers, headers_src = self.argument("allow_headers")
        echoes = False
        if headers is None or _has_star(headers):
            # _create_preflight_response: the requested headers (and the safelisted ones) echoed
            acah: Value | str = Value((Unknown("the requested headers (allow_headers=['*'] echoes them)"),))
            echoes = True
        elif headers.is_list and all(i.known and isinstance(i.value, str) for i in headers.items()):
            # __post_init__ lowercases allow_headers; preflight_headers adds the safelisted ones
            acah = ", ".join(sorted({i.value.lower() for i in headers.items()} | set(SAFELISTED_HEADERS)))
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
            origin_note=join_notes(self.note("allow_origins", origins), self.note("allow_origin_regex", regex),
                                   policy.note if policy.kind == "star" else "",
                                   _COOKIE_ECHO if policy.kind == "star" and credentials is not False else ""),
            credentials=credentials_header, expose=expose_header,
            methods=Written(acam, methods_src, self.note("allow_methods", methods),
                            library_default=methods is None),
            allow_headers=Written(acah, headers_src, self.note("allow_headers", headers),
                                  library_default=headers is None),
            max_age=Written(acma, age_src, self.note("max_age", age), library_default=age is None),
            echoes_request_headers=echoes,
            several_origins=True,
            vary_by_app=self.vary_by_app)
        route = library_route(SEMANTICS, settings, name=f"CORSConfig at {self.path}:{self.anchor.line}",
                              anchor=self.anchor)
        self.actual_answers(route, policy, credentials_header, expose_header)
        if self.vary_by_app is not None:
            self.preflight_vary(route, policy)
        route.ignored_names = ignored
        return route

    def actual_answers(self, route: Route, policy: OriginPolicy, credentials: Written | None,
                       expose: Written | None) -> None:
        """What send_wrapper adds to the application's answers, where the
        table's one rule for both branches does not say it: with ``"*"`` the
        Origin is echoed (with Vary) when a Cookie header came, and
        simple_headers (credentials, expose) go to every Origin."""
        at = next((n for n, b in enumerate(route.branches) if b.label == SEMANTICS.app_label), None)
        if at is None:
            return
        app = route.branches[at]
        headers = []
        for h in app.headers:
            if h.lname == "access-control-allow-origin" and policy.kind == "star" and credentials is not None:
                # a credentialed request from a signed-in user carries its cookies:
                # the Origin is echoed then, with Vary (Access-Control-Allow-Credentials
                # is 'true', or unknown); a request without cookies still gets '*',
                # which reads the same for a request without credentials
                echoed = (Value.origin() if isinstance(credentials.value, str) else
                          Value((Unknown("'*' or the Origin (allow_credentials unknown)"),)))
                headers.append(emission(h.name, echoed, h.source, note=h.note))
                headers.append(emission("Vary", "Origin", h.source))
            elif h.lname == "access-control-allow-credentials" and credentials is not None:
                headers.append(emission(h.name, credentials.value, credentials.source, note=credentials.note))
            elif h.lname == "access-control-expose-headers" and expose is not None:
                headers.append(emission(h.name, expose.value, expose.source, note=expose.note))
            else:
                headers.append(h)
        route.branches[at] = dataclasses.replace(app, headers=tuple(headers))

    def preflight_vary(self, route: Route, policy: OriginPolicy) -> None:
        """The application's response_headers never reach the middleware's
        own preflight answer: it keeps Litestar's Vary (preflight_headers:
        'Origin' unless '*'; a refused preflight gets no header)."""
        at = next((n for n, b in enumerate(route.branches) if b.label == "preflight"), None)
        if at is None:
            return
        branch = route.branches[at]
        headers = [h for h in branch.headers if h.lname != "vary"]
        if policy.kind != "star":
            headers.insert(1, emission("Vary", policy.for_allowed("Origin"), policy.source))
        route.branches[at] = dataclasses.replace(branch, headers=tuple(headers))

    def origin_policy(self, origins, origins_src: Source, regex, regex_src: Source) -> OriginPolicy:
        regex_note = self.note("allow_origin_regex", regex)
        if origins is None or (origins.is_list and any(i.known and i.value == "*" for i in origins.items())):
            if origins is None:
                src, note = regex_src if regex is not None else self.anchor, "allow_origins defaults to ['*']"
            else:
                star = next(i for i in origins.items() if i.known and i.value == "*")
                src, note = Source(self.path, star.line, star.column), self.note("allow_origins", origins)
            if regex is not None and regex.value is not None:
                note = join_notes(note, "'*' in allow_origins allows every origin, so allow_origin_regex "
                                        "restricts nothing")
            return OriginPolicy("star", src, note=join_notes(note, regex_note))
        matchers = []
        partial: list[str] = []
        src = origins_src
        if not origins.is_list:
            partial.append(f"allow_origins ({origins.what or 'not a list'})")
        for item in origins.items():
            if item.known and isinstance(item.value, str):
                at = Source(self.path, item.line, item.column)
                note = join_notes(self.note("allow_origins", origins), item.note)
                if "*" in item.value:
                    # allowed_origins_regex: the entry escaped, each '*' a '.*'
                    pattern = ".*".join(re.escape(part) for part in item.value.split("*"))
                    matchers.append(SEMANTICS.regex(pattern, False, at, join_notes(
                        note, f"Litestar turns {item.value!r} into the regex {pattern!r}")))
                else:
                    matchers.append(SEMANTICS.exact(item.value, at, note))
            else:
                partial.append(f"an allow_origins entry ({item.what or 'not a string'})")
        if regex is not None and regex.value is not None:
            if regex.known and isinstance(regex.value, str):
                matchers.append(SEMANTICS.regex(regex.value, False, regex_src, regex_note))
            else:
                partial.append(f"allow_origin_regex ({regex.what})")
        return OriginPolicy("list", src, matchers=matchers, partial="; ".join(partial))


def _has_star(setting: _pyast.StaticValue) -> bool:
    return setting.is_list and any(i.known and i.value == "*" for i in setting.items())


def _joined(setting: _pyast.StaticValue, sort: bool = False) -> Value | str:
    if setting.is_list and all(i.known and isinstance(i.value, str) for i in setting.items()):
        values = [i.value for i in setting.items()]
        return ", ".join(sorted(set(values)) if sort else values)
    return Value((Unknown(setting.what or "setting"),))
