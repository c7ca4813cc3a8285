"""Flask-CORS (``CORS(app, ...)``, ``init_app``, ``@cross_origin(...)``) -> policy model.

Read with stdlib ``ast``; the application is never imported. Encodes what
Flask-CORS 6 really does:

* options merge: the package defaults, then ``app.config['CORS_*']``, then the
  call's keyword arguments, then a ``resources`` entry's own dict;
* ``origins`` (default ``'*'``): an entry containing one of ``* \\ ] ? $ ^ [ ( )``
  is a regex tried with ``re.match`` (anchored at the start only) and
  ``re.IGNORECASE``; other entries compare case-insensitively; ``'*'`` becomes
  ``.*``. With ``send_wildcard=False`` (the default) an allowed Origin is
  echoed back, so ``'*'`` reflects every Origin (``null`` included); with
  ``supports_credentials=True`` it adds ``Access-Control-Allow-Credentials: true``;
* every CORS header goes only to allowed origins, on error answers too
  (``intercept_exceptions``); ``Vary: Origin`` only when several origins or a
  regex are listed;
* preflights are answered by Flask's automatic OPTIONS (200), with
  ``Access-Control-Allow-Methods`` (default every method), the requested
  headers that ``allow_headers`` admits (default all) and ``Max-Age`` when set.
"""

from __future__ import annotations

import ast
import re

from ..model import OriginMatcher, PolicyModel, Route, Source, Unknown, Value
from . import _pyast
from ._appmodel import ACTUAL_METHODS, OriginPolicy, join_notes
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
    WILDCARD_ECHO_UNLESS_SEND_WILDCARD,
    CorsSettings,
    LibrarySemantics,
    Written,
    library_route,
)

NAME = "flask"

# flask_cors/core.py (Flask-CORS 6.0.5): ALL_METHODS, and the characters
# probably_regex() takes for a regex (_REGEX_HINT_CHARS).
ALL_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
REGEX_CHARS = ("*", "\\", "]", "?", "$", "^", "[", "(", ")")

SEMANTICS = LibrarySemantics(
    library="Flask-CORS 6.0.5",
    frontend=NAME,
    # an option is a keyword of CORS()/cross_origin(), a resources entry's key,
    # or app.config['CORS_<OPTION>'] (flask_cors/core.py get_cors_options)
    setting_names={option: (option, "CORS_" + option.upper()) for option in (
        "origins", "methods", "allow_headers", "expose_headers", "supports_credentials", "max_age",
        "send_wildcard", "automatic_options", "vary_header", "resources", "intercept_exceptions",
        "always_send", "allow_private_network")},
    # flask_cors/core.py DEFAULT_OPTIONS
    defaults={"origins": "*", "methods": ALL_METHODS, "allow_headers": "*", "expose_headers": None,
              "supports_credentials": False, "max_age": None, "send_wildcard": False,
              "automatic_options": True, "vary_header": True, "resources": r"/*",
              "intercept_exceptions": True, "always_send": True, "allow_private_network": False},
    policy_kinds=frozenset({"star", "reflect", "list"}),
    # core.py try_match_pattern: a plain entry compares case-insensitively, an
    # entry probably_regex() takes for a regex goes to re.match(..., re.IGNORECASE)
    exact_engine="exact-nocase",
    regex_engine="python-match",
    # core.py get_cors_origins: '*' echoes the Origin unless send_wildcard
    wildcard=WILDCARD_ECHO_UNLESS_SEND_WILDCARD,
    # core.py get_cors_headers: nothing at all for an origin that is not allowed
    headers_to=ALLOWED_ORIGINS,
    # core.py get_cors_headers: Vary: Origin when vary_header and several origins or a regex
    vary_origin=VARY_SEVERAL_ORIGINS,
    # Flask's automatic_options answers OPTIONS (200); the extension adds its headers
    preflight_status=200,
    preflight_reason="Flask answers OPTIONS itself (automatic_options)",
    app_label="view",
    app_reason="the Flask view",
    actual_order=(ORIGIN, CREDENTIALS, EXPOSE, VARY),
    preflight_order=(ORIGIN, CREDENTIALS, EXPOSE, VARY, METHODS, ALLOW_HEADERS, MAX_AGE),
)
CONFIG_KEYS = tuple(names[1][len("CORS_"):] for names in SEMANTICS.setting_names.values())
_MARKER = re.compile(r"\bCORS\s*\(|\bcross_origin\b")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not path.endswith(".py"):
        return False
    head = _pyast.head_text(path, text)
    return bool(head and _MARKER.search(head))


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    return _pyast.parse_each(paths, stdin, texts,
                             lambda path, module, problems: FlaskFile(path, module).routes())


def probably_regex(pattern: str) -> bool:
    return any(c in pattern for c in REGEX_CHARS)


class Option:
    """One resolved option: value, where it was written, provenance note."""

    def __init__(self, value: _pyast.StaticValue, source: Source, note: str = ""):
        self.value = value
        self.source = source
        self.note = note


class FlaskFile:
    def __init__(self, path: str, module: _pyast.Module):
        self.path = path
        self.module = module
        self.config = self._app_config()
        self.vary_hook = self._vary_hook()

    def _vary_hook(self) -> Source | None:
        """An ``@app.after_request`` hook adding ``Vary: Origin`` to every answer
        (``response.vary.add('Origin')``, ``response.headers.add('Vary', 'Origin')``...)."""
        for node in ast.walk(self.module.tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not any(_pyast.node_text(d).endswith("after_request") for d in node.decorator_list):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    text = _pyast.node_text(inner)
                    if re.search(r"vary", text, re.I) and re.search(r"['\"]origin['\"]", text, re.I):
                        return _pyast.node_source(self.path, inner)
                elif isinstance(inner, ast.Assign):
                    text = _pyast.node_text(inner)
                    if re.search(r"\[['\"]vary['\"]\]", text, re.I) and re.search(r"origin", text, re.I):
                        return _pyast.node_source(self.path, inner)
        return None

    # -- app.config['CORS_*']

    def _app_config(self) -> dict[str, Option]:
        found: dict[str, Option] = {}
        for node in ast.walk(self.module.tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if (isinstance(target, ast.Subscript) and _pyast.node_text(target.value).endswith("config")):
                        key = self.module.eval(target.slice, self.module.env)
                        if key.known and isinstance(key.value, str) and key.value.startswith("CORS_"):
                            setting = self.module.eval(node.value, self.module.env)
                            found[key.value[5:].lower()] = Option(setting, _pyast.node_source(self.path, node),
                                                                   _note(f"app.config['{key.value}']", setting))
            elif isinstance(node, ast.Call) and _pyast.call_name(node).endswith("config.update"):
                for k in node.keywords:
                    if k.arg and k.arg.startswith("CORS_"):
                        setting = self.module.eval(k.value, self.module.env)
                        found[k.arg[5:].lower()] = Option(setting, _pyast.node_source(self.path, k.value),
                                                          _note(k.arg, setting))
        # CORS_* constants in a config module (app.config.from_object(__name__) style)
        for key in CONFIG_KEYS:
            setting = self.module.get("CORS_" + key)
            stmt = self.module.statement("CORS_" + key)
            if setting is not None and stmt is not None and key.lower() not in found:
                found[key.lower()] = Option(setting, _pyast.node_source(self.path, stmt), _note("CORS_" + key, setting))
        return found

    # -- calls

    def routes(self) -> list[Route]:
        routes: list[Route] = []
        for call, parents in self.module.calls():
            name = _pyast.call_name(call)
            last = name.split(".")[-1]
            if last == "CORS" and (call.args or call.keywords):
                # CORS(app, ...); a bare CORS() is configured later by init_app
                routes.extend(self._extension(call, parents, skip_first=bool(call.args)))
            elif last == "init_app" and call.args and self._is_cors_object(call):
                routes.extend(self._extension(call, parents, skip_first=True))
            elif last == "cross_origin":
                route = self._decorator(call, parents)
                if route is not None:
                    routes.append(route)
        routes.sort(key=lambda r: (r.source.line, r.source.column))
        return routes

    def _is_cors_object(self, call: ast.Call) -> bool:
        func = call.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
            return False
        for node in ast.walk(self.module.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                    _pyast.call_name(node.value).split(".")[-1] == "CORS":
                if any(isinstance(t, ast.Name) and t.id == func.value.id for t in node.targets):
                    return True
        return False

    def _options(self, call: ast.Call, parents: list[ast.AST]) -> tuple[dict[str, Option], Source]:
        env = _pyast.env_at(self.module, call, parents)
        options = dict(self.config)
        for name, (setting, node) in _pyast.call_kwargs(self.module, call, env).items():
            options[name] = Option(setting, _pyast.node_source(self.path, node), _note(name, setting))
        return options, _pyast.node_source(self.path, call)

    def _extension(self, call: ast.Call, parents: list[ast.AST], skip_first: bool) -> list[Route]:
        options, anchor = self._options(call, parents)
        resources = options.get("resources")
        if resources is None:
            return [self._route(options, anchor, "/", None)]
        setting = resources.value
        if isinstance(setting.value, dict):
            out = []
            for path, per in setting.value.items():
                merged = dict(options)
                if isinstance(per.value, dict):
                    for k, v in per.value.items():
                        merged[k] = Option(v, Source(self.path, v.line, v.column), _note(k, v))
                elif not per.known:
                    merged["origins"] = Option(per, Source(self.path, per.line, per.column), "")
                out.append(self._route(merged, Source(self.path, per.line, per.column), _path(str(path)), None))
            return out
        if setting.is_list:
            return [self._route(options, Source(self.path, i.line, i.column), _path(str(i.value)), None)
                    for i in setting.items() if i.known]
        if setting.known and isinstance(setting.value, str):
            return [self._route(options, resources.source, _path(setting.value), None)]
        return [self._route(options, anchor, "/", None)]

    def _decorator(self, call: ast.Call, parents: list[ast.AST]) -> Route | None:
        options, anchor = self._options(call, parents)
        # the view: a function whose decorators include this call; its @app.route gives path and methods
        func = next((p for p in reversed(parents) if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and call in p.decorator_list), None)
        path, methods = "/", None
        if func is not None:
            for dec in func.decorator_list:
                if isinstance(dec, ast.Call) and _pyast.call_name(dec).split(".")[-1] in (
                        "route", "get", "post", "put", "patch", "delete"):
                    if dec.args:
                        p = self.module.eval(dec.args[0], self.module.env)
                        if p.known and isinstance(p.value, str):
                            path = p.value
                    verb = _pyast.call_name(dec).split(".")[-1]
                    if verb != "route":
                        methods = {verb.upper()}
                    m = _pyast.kwarg(dec, "methods")
                    if m is not None:
                        listed_methods = self.module.eval(m, self.module.env)
                        if listed_methods.is_list and all(i.known for i in listed_methods.items()):
                            methods = {str(i.value).upper() for i in listed_methods.items()}
        return self._route(options, anchor, path, methods)

    # -- one route

    def _route(self, options: dict[str, Option], anchor: Source, path: str, view_methods) -> Route:
        def option_or_default(name: str) -> Option:
            o = options.get(name)
            if o is None:
                default = SEMANTICS.defaults[name]
                return Option(_pyast.wrap_value(list(default) if isinstance(default, tuple) else default,
                                                anchor.line, anchor.column, ""), anchor, "")
            return o

        origins = option_or_default("origins")
        creds = option_or_default("supports_credentials")
        send_wildcard = option_or_default("send_wildcard")
        credentials: bool | None = bool(creds.value.value) if creds.value.known else None
        wildcard_send: bool | None = bool(send_wildcard.value.value) if send_wildcard.value.known else None
        # (flask-cors refuses '*' + credentials + send_wildcard at start-up with a ValueError)
        policy, several = self._origin_policy(origins, wildcard_send)

        if credentials is None:
            credentials_header = Written(Value((Unknown(creds.value.what),)), creds.source, creds.note)
        else:
            credentials_header = Written("true", creds.source, creds.note) if credentials else None
        expose = options.get("expose_headers")
        expose_header = None
        if expose is not None and expose.value.value is not None:
            expose_header = Written(_flexible(expose.value), expose.source, expose.note)
        vary_opt = option_or_default("vary_header")

        methods = option_or_default("methods")
        allow_headers = option_or_default("allow_headers")
        names = allow_headers.value
        listed = [names] if names.known and isinstance(names.value, str) else names.items() if names.is_list else None
        if listed is not None and all(i.known and isinstance(i.value, str) for i in listed) and \
                not any(probably_regex(i.value) for i in listed):
            acah: Value | str = ", ".join(sorted(i.value for i in listed))
        else:
            acah = Value((Unknown("the requested headers that allow_headers admits (Flask-CORS echoes them)"),))
        age = options.get("max_age")
        max_age = None
        if age is not None and age.value.value is not None:
            if isinstance(age.value.value, bool):
                age_value: Value | str = Value((Unknown("max_age"),))  # True/False is not a number of seconds
            elif age.value.known and not isinstance(age.value.value, (list, dict)):
                age_value = str(age.value.value)
            else:
                age_value = Value((Unknown(age.value.what or "max_age"),))
            max_age = Written(age_value, age.source, age.note)

        settings = CorsSettings(
            origin=policy, origin_note=origins.note, credentials=credentials_header, expose=expose_header,
            methods=Written(_flexible(methods.value, upper=True), methods.source, methods.note),
            allow_headers=Written(acah, allow_headers.source, allow_headers.note), max_age=max_age,
            several_origins=several,
            vary_switched_off=vary_opt.value.known and not vary_opt.value.value,
            vary_by_app=self.vary_hook)

        app_methods = ACTUAL_METHODS
        declared: tuple = ()
        if view_methods:
            app_methods = frozenset(m for m in view_methods if m != "OPTIONS") | (
                {"HEAD"} if "GET" in view_methods else set())
            declared = tuple(sorted((m, anchor) for m in view_methods if m not in ("OPTIONS", "GET", "HEAD", "POST")))
        return library_route(SEMANTICS, settings, name=f"Flask-CORS at {self.path}:{anchor.line} {path}",
                             anchor=anchor, path=path, declared=declared, app_methods=app_methods)

    def _origin_policy(self, origins: Option, send_wildcard: bool | None) -> tuple[OriginPolicy, bool]:
        """The origin policy, and whether several origins can be allowed (then
        Flask-CORS adds Vary: Origin)."""
        value = origins.value
        items = [value] if (not value.is_list) else value.items()
        if not value.known:
            return OriginPolicy("unknown", origins.source, what=f"origins ({value.what})"), True
        wildcard = next((i for i in items if i.known and i.value in ("*", ".*")), None)
        several = len(items) > 1 or any(
            (i.known and isinstance(i.value, str) and probably_regex(i.value)) or isinstance(i.value, _pyast.Regex)
            for i in items)
        if wildcard is not None:
            src = Source(self.path, wildcard.line, wildcard.column) if value.is_list else origins.source
            echo = None if send_wildcard is None else not send_wildcard
            return SEMANTICS.wildcard_policy(src, echo=echo, unknown_what="'*' or the Origin (send_wildcard unknown)",
                                             note=origins.note), several
        matchers: list[OriginMatcher] = []
        partial: list[str] = []
        for item in items:
            where = Source(self.path, item.line, item.column) if value.is_list else origins.source
            note = join_notes(origins.note, item.note)
            if item.known and isinstance(item.value, _pyast.Regex):
                matchers.append(SEMANTICS.regex(item.value.pattern, item.value.ignore_case, where, note))
            elif item.known and isinstance(item.value, str):
                if probably_regex(item.value):
                    matchers.append(SEMANTICS.regex(item.value, True, where, note))
                else:
                    matchers.append(SEMANTICS.exact(item.value, where, note))
            else:
                partial.append(f"an origins entry ({item.what or 'not a string'})")
        return OriginPolicy("list", origins.source, matchers=matchers, partial="; ".join(partial)), several


def _note(name: str, setting: _pyast.StaticValue) -> str:
    return f"{name} comes from {setting.note}" if setting.note else ""


def _flexible(setting: _pyast.StaticValue, upper: bool = False) -> Value | str:
    """Flask-CORS's flexible_str: a string as is, an iterable sorted and joined with ', '."""
    if setting.known and isinstance(setting.value, str):
        return setting.value.upper() if upper else setting.value
    if setting.is_list and all(i.known and isinstance(i.value, str) for i in setting.items()):
        text = ", ".join(sorted(i.value for i in setting.items()))
        return text.upper() if upper else text
    if setting.known and isinstance(setting.value, (int, float)) and not isinstance(setting.value, bool):
        return str(setting.value)
    return Value((Unknown(setting.what or "setting"),))


def _path(resource: str) -> str:
    p = resource
    if p in ("*", "/*", r"/.*"):
        return "/"
    p = p.rstrip("*").rstrip(".")
    p = p.replace("\\", "")
    return p if p.startswith("/") else "/" + p
