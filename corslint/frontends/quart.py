"""Quart-CORS (``cors(app, ...)``, ``@route_cors(...)``) -> policy model.

Read with stdlib ``ast``; the application is never imported. What
Quart-CORS 0.8.0 really does (quart_cors/__init__.py; checked with the real
package under Quart 0.22 on loopback in tests/test_quart_truth.py):

* each option is the keyword, else ``app.config['QUART_CORS_<OPTION>']``,
  else the package's DEFAULTS -- except ``allow_credentials`` and
  ``send_origin_wildcard``, which are ``keyword or config``: a False keyword
  falls back to the config (``send_origin_wildcard=False`` does nothing
  unless the config says so too);
* ``allow_origin`` defaults to ``["*"]``; ``"*"`` answers ``*`` (the Origin
  echoed when send_origin_wildcard is off); a string entry compares exactly
  and case-sensitively; a ``re.compile(...)`` entry is tried with
  ``Pattern.match``: anchored at the start only;
* ``"*"`` with ``allow_credentials``: ``_apply_cors`` raises ValueError on
  every response, which Quart turns into a 500 without CORS headers;
* Credentials, Expose-Headers and (on preflights whose requested method is
  allowed) Methods, Headers and Max-Age go only with an allowed Origin;
  ``Vary: Origin`` on every answer whose Allow-Origin is not ``*``;
* ``cors(app)`` adds the headers in an after_request hook: Quart itself
  answers OPTIONS (200, its automatic options response); ``route_cors``
  answers it the same way (provide_automatic_options).
"""

from __future__ import annotations

import ast
import re

from ..model import OriginMatcher, PolicyModel, Route, Source, Unknown, Value
from . import _pyast
from ._appmodel import OriginPolicy, join_notes
from ._library import (
    ALLOW_HEADERS,
    ALLOWED_ORIGINS,
    CREDENTIALS,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    VARY,
    VARY_UNLESS_STAR,
    WILDCARD_ECHO_UNLESS_SEND_WILDCARD,
    CorsSettings,
    LibrarySemantics,
    Written,
    ignored_names,
    library_route,
)

NAME = "quart"

OPTIONS = ("allow_credentials", "allow_headers", "allow_methods", "allow_origin", "expose_headers", "max_age",
           "send_origin_wildcard")
SEMANTICS = LibrarySemantics(
    library="Quart-CORS 0.8.0",
    frontend=NAME,
    # cors() / route_cors() keyword arguments, or app.config['QUART_CORS_<OPTION>']
    setting_names={name: (name, "QUART_CORS_" + name.upper()) for name in OPTIONS},
    # quart_cors DEFAULTS
    defaults={"allow_credentials": False, "allow_headers": ("*",),
              "allow_methods": ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"),
              "allow_origin": ("*",), "expose_headers": ("",), "max_age": None, "send_origin_wildcard": True},
    policy_kinds=frozenset({"star", "reflect", "list", "none"}),
    # _get_origin_if_valid: `origin == allowed`; `allowed.match(origin)` for a compiled pattern
    exact_engine="exact",
    regex_engine="python-match",
    wildcard=WILDCARD_ECHO_UNLESS_SEND_WILDCARD,
    # _apply_cors: every header but Vary inside `if origin is not None`
    headers_to=ALLOWED_ORIGINS,
    # _apply_cors: response.vary.add("Origin") unless the answer is '*'
    vary_origin=VARY_UNLESS_STAR,
    preflight_status=200,
    preflight_reason="Quart answers OPTIONS itself (its automatic options response, 200) and Quart-CORS "
                     "adds the headers",
    app_label="view",
    app_reason="the Quart view",
    actual_order=(ORIGIN, CREDENTIALS, EXPOSE, VARY),
    preflight_order=(ORIGIN, CREDENTIALS, EXPOSE, ALLOW_HEADERS, METHODS, MAX_AGE, VARY),
)
_MARKER = re.compile(r"\bquart_cors\b")
WALK_SUFFIXES = (".py",)   # the walk's prefilter (frontends/__init__.py on main)
# every file recognises() accepts contains this (discovery's byte prefilter)
WALK_MARKER = rb"quart_cors"
_REFUSED = "{call} takes only its own keyword arguments: a TypeError when the module is imported, so the app does not start"
_STAR_CREDENTIALS = ("Quart-CORS raises ValueError ('Cannot allow credentials with wildcard allowed origins') "
                     "on every response, which Quart answers with 500")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    return _pyast.head_matches(path, text, _MARKER)


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    def routes_of(path, module, problems):
        config = _app_config(path, module)
        routes = []
        for call, parents in module.calls():
            last = _pyast.call_name(call).split(".")[-1]
            if last in ("cors", "route_cors") and (last == "route_cors" or call.args):
                routes.append(CorsCall(path, module, call, parents, config, last).route())
        return routes

    return _pyast.parse_each(paths, stdin, texts, routes_of)


def _app_config(path: str, module: _pyast.Module) -> dict[str, tuple[_pyast.StaticValue, Source]]:
    """``app.config['QUART_CORS_<OPTION>'] = value`` and ``app.config.update(QUART_CORS_...=value)``."""
    found: dict[str, tuple[_pyast.StaticValue, Source]] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and _pyast.node_text(target.value).endswith("config"):
                    key = module.eval(target.slice, module.env)
                    if key.known and isinstance(key.value, str) and key.value.startswith("QUART_CORS_"):
                        found[key.value[11:].lower()] = (module.eval(node.value, module.env),
                                                         _pyast.node_source(path, node))
        elif isinstance(node, ast.Call) and _pyast.call_name(node).endswith("config.update"):
            for k in node.keywords:
                if k.arg and k.arg.startswith("QUART_CORS_"):
                    found[k.arg[11:].lower()] = (module.eval(k.value, module.env), _pyast.node_source(path, k.value))
    return found


class CorsCall:
    """One ``cors(app, ...)`` or ``@route_cors(...)``, read into a Route."""

    def __init__(self, path: str, module: _pyast.Module, call: ast.Call, parents: list[ast.AST],
                 config: dict[str, tuple[_pyast.StaticValue, Source]], kind: str):
        self.path = path
        self.module = module
        self.call = call
        self.kind = kind
        self.config = config
        self.env = _pyast.env_at(module, call, parents)
        self.kwargs = _pyast.call_kwargs(module, call, self.env)
        self.anchor = _pyast.node_source(path, call)
        self.route_path = _route_path(call, parents) if kind == "route_cors" else "/"

    def option(self, name: str) -> tuple[_pyast.StaticValue | None, Source, str]:
        """The keyword's value (None: the default), where, and a provenance note.
        allow_credentials and send_origin_wildcard are ``keyword or config``."""
        if name in self.kwargs:
            setting, node = self.kwargs[name]
            if name in ("allow_credentials", "send_origin_wildcard") and setting.known and not setting.value:
                # `keyword or config`: a false keyword is the config's value, else the default
                fallback = f"{name}={setting.value!r} falls back to "
                if name in self.config:
                    value, src = self.config[name]
                    return value, src, fallback + f"app.config['QUART_CORS_{name.upper()}']"
                return None, _pyast.node_source(self.path, node), fallback + "the Quart-CORS default"
            return setting, _pyast.node_source(self.path, node), self.note(name, setting)
        if "**" in self.kwargs:
            setting, node = self.kwargs["**"]
            return _pyast.unknown(node, setting.what or "**options"), _pyast.node_source(self.path, node), ""
        if name in self.config:
            value, src = self.config[name]
            return value, src, f"app.config['QUART_CORS_{name.upper()}']"
        return None, self.anchor, ""

    def note(self, name: str, setting: _pyast.StaticValue | None) -> str:
        return f"{name} comes from {setting.note}" if setting is not None and setting.note else ""

    def route(self) -> Route:
        written = [(k.arg, _pyast.node_source(self.path, k)) for k in self.call.keywords if k.arg]
        ignored = ignored_names(SEMANTICS, written, also_known=frozenset({"provide_automatic_options"}),
                                refused=_REFUSED.format(call=f"{self.kind}()"))
        name = f"{self.kind} at {self.path}:{self.anchor.line}"
        creds, creds_src, creds_note = self.option("allow_credentials")
        credentials: bool | None = False if creds is None else (bool(creds.value) if creds.known else None)
        wild, wild_src, wild_note = self.option("send_origin_wildcard")
        send_wildcard: bool | None = True if wild is None else (bool(wild.value) if wild.known else None)
        origins, origins_src, origins_note = self.option("allow_origin")
        policy, has_star = self.origin_policy(origins, origins_src, origins_note, send_wildcard)
        if ignored:
            policy = OriginPolicy("none", self.anchor)   # the app never starts: the name is the one thing to say
        elif has_star and credentials:
            # every answer is a 500 without CORS headers
            route = library_route(SEMANTICS, CorsSettings(origin=OriginPolicy("none", policy.source)), name=name,
                                  anchor=self.anchor, path=self.route_path)
            route.ignored_names = ignored
            return self.broken(route, policy.source, creds_src)
        settings = CorsSettings(
            origin=policy, origin_note=origins_note,
            credentials=self.credentials(creds, creds_src, creds_note, credentials),
            expose=self.listed("expose_headers", default_is_empty=True),
            methods=self.listed("allow_methods"),
            allow_headers=self.allow_headers(),
            max_age=self.max_age(),
            echoes_request_headers=True)
        route = library_route(SEMANTICS, settings, name=name, anchor=self.anchor, path=self.route_path)
        route.ignored_names = ignored
        return route

    def broken(self, route: Route, star: Source, creds_src: Source) -> Route:
        """'*' with credentials: Quart answers every request with 500 and no CORS header."""
        from ..model import Branch, Outcome, Value
        from ._appmodel import ACTUAL_METHODS, PREFLIGHT, emission

        outcome = Outcome(500, star, reason=_STAR_CREDENTIALS)
        # what the configuration asks for, although no answer carries it
        route.configured_headers = (
            emission("Access-Control-Allow-Origin", Value.literal("*"), star, raw="*"),
            emission("Access-Control-Allow-Credentials", Value.literal("true"), creds_src, raw="true"))
        route.branches = [Branch(outcome=outcome, headers=(), methods=PREFLIGHT, source=star, label="preflight"),
                          Branch(outcome=outcome, headers=(), methods=frozenset(ACTUAL_METHODS), source=star,
                                 label=SEMANTICS.app_label)]
        return route

    def credentials(self, creds, src: Source, note: str, credentials: bool | None) -> Written | None:
        if credentials is None:
            return Written(Value((Unknown(creds.what or "allow_credentials"),)), src, note)
        return Written("true", src, note) if credentials else None

    def listed(self, name: str, default_is_empty: bool = False) -> Written | None:
        setting, src, note = self.option(name)
        if setting is None:
            default = SEMANTICS.defaults[name]
            if default_is_empty:
                # DEFAULTS' [""] goes out as '""' (werkzeug's HeaderSet quotes the empty name):
                # no header name, so browsers expose nothing -- what an empty list means
                return None
            return Written(", ".join(default), src, note, library_default=True)
        if setting.known and isinstance(setting.value, str):
            return Written(_header_list([setting.value]), src, note)
        if setting.is_list and all(i.known and isinstance(i.value, str) for i in setting.items()):
            return Written(_header_list([i.value for i in setting.items()]), src, note)
        return Written(Value((Unknown(setting.what or name),)), src, note)

    def allow_headers(self) -> Written:
        setting, src, note = self.option("allow_headers")
        if setting is None or (setting.is_list and any(i.known and i.value == "*" for i in setting.items())) \
                or (setting.known and setting.value == "*"):
            return Written(Value((Unknown("the requested headers (allow_headers '*' echoes them)"),)), src, note,
                           library_default=setting is None)
        return Written(Value((Unknown("the requested headers that allow_headers lists"),)), src, note)

    def max_age(self) -> Written | None:
        setting, src, note = self.option("max_age")
        if setting is None or (setting.known and setting.value is None):
            return None
        if setting.known and isinstance(setting.value, (int, float)) and not isinstance(setting.value, bool):
            return Written(str(int(setting.value)), src, note)
        return Written(Value((Unknown(setting.what or "max_age"),)), src, note)

    def origin_policy(self, origins, src: Source, note: str, send_wildcard: bool | None) -> tuple[OriginPolicy, bool]:
        if origins is None:
            items = None
        elif origins.known and isinstance(origins.value, (str, _pyast.Regex)):
            items = [origins]
        elif origins.is_list:
            items = origins.items()
        else:
            return OriginPolicy("list", src, partial=f"allow_origin ({origins.what or 'not a list'})"), False
        if items is None or any(i.known and i.value == "*" for i in items):
            star = src if items is None else next(Source(self.path, i.line, i.column) for i in items
                                                  if i.known and i.value == "*")
            if items is None:
                note = join_notes(note, "allow_origin defaults to ['*']")
            return SEMANTICS.wildcard_policy(star, echo=None if send_wildcard is None else not send_wildcard,
                                             note=note, unknown_what="'*' or the Origin (send_origin_wildcard "
                                                                     "unknown)"), True
        matchers: list[OriginMatcher] = []
        partial: list[str] = []
        for item in items:
            at = Source(self.path, item.line, item.column)
            if item.known and isinstance(item.value, str):
                matchers.append(SEMANTICS.exact(item.value, at, join_notes(note, item.note)))
            elif item.known and isinstance(item.value, _pyast.Regex):
                matchers.append(SEMANTICS.regex(item.value.pattern, item.value.ignore_case, at,
                                                join_notes(note, item.note)))
            else:
                partial.append(f"an allow_origin entry ({item.what or 'not a string'})")
        return OriginPolicy("list", src, matchers=matchers, partial="; ".join(partial)), False


def _route_path(call: ast.Call, parents: list[ast.AST]) -> str:
    """The path of the ``@app.route("/path")`` above a ``@route_cors(...)``."""
    for parent in reversed(parents):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and call in parent.decorator_list:
            for dec in parent.decorator_list:
                if (isinstance(dec, ast.Call) and _pyast.call_name(dec).split(".")[-1] in ("route", "get", "post")
                        and dec.args and isinstance(dec.args[0], ast.Constant) and isinstance(dec.args[0].value, str)):
                    return dec.args[0].value
    return "/"


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _header_list(values: list[str]) -> str:
    """A list as werkzeug's HeaderSet writes it: an entry that is not a token
    goes out quoted (``"PO ST"``)."""
    return ", ".join(v if _TOKEN.fullmatch(v) else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                     for v in values)
