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

NAME = "flask"

ALL_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
REGEX_CHARS = ("*", "\\", "]", "?", "$", "^", "[", "(", ")")
CONFIG_KEYS = ("ORIGINS", "METHODS", "ALLOW_HEADERS", "EXPOSE_HEADERS", "SUPPORTS_CREDENTIALS", "MAX_AGE",
               "SEND_WILDCARD", "AUTOMATIC_OPTIONS", "VARY_HEADER", "RESOURCES", "INTERCEPT_EXCEPTIONS",
               "ALWAYS_SEND", "ALLOW_PRIVATE_NETWORK")
_MARKER = re.compile(r"\bCORS\s*\(|\bcross_origin\b")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not path.endswith(".py"):
        return False
    head = _pyast.head_text(path, text)
    return bool(head and _MARKER.search(head))


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None) -> PolicyModel:
    return _pyast.parse_each(paths, stdin, texts,
                             lambda path, module, problems: FlaskFile(path, module).routes())


def probably_regex(pattern: str) -> bool:
    return any(c in pattern for c in REGEX_CHARS)


class Option:
    """One resolved option: value, where it was written, provenance note."""

    def __init__(self, sv: _pyast.SV, source: Source, note: str = ""):
        self.sv = sv
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
                            sv = self.module.eval(node.value, self.module.env)
                            found[key.value[5:].lower()] = Option(sv, _pyast.node_source(self.path, node),
                                                                   _note(f"app.config['{key.value}']", sv))
            elif isinstance(node, ast.Call) and _pyast.call_name(node).endswith("config.update"):
                for k in node.keywords:
                    if k.arg and k.arg.startswith("CORS_"):
                        sv = self.module.eval(k.value, self.module.env)
                        found[k.arg[5:].lower()] = Option(sv, _pyast.node_source(self.path, k.value),
                                                          _note(k.arg, sv))
        # CORS_* constants in a config module (app.config.from_object(__name__) style)
        for key in CONFIG_KEYS:
            sv = self.module.get("CORS_" + key)
            stmt = self.module.statement("CORS_" + key)
            if sv is not None and stmt is not None and key.lower() not in found:
                found[key.lower()] = Option(sv, _pyast.node_source(self.path, stmt), _note("CORS_" + key, sv))
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
        for name, (sv, node) in _pyast.call_kwargs(self.module, call, env).items():
            options[name] = Option(sv, _pyast.node_source(self.path, node), _note(name, sv))
        return options, _pyast.node_source(self.path, call)

    def _extension(self, call: ast.Call, parents: list[ast.AST], skip_first: bool) -> list[Route]:
        options, anchor = self._options(call, parents)
        resources = options.get("resources")
        if resources is None:
            return [self._route(options, anchor, "/", None)]
        sv = resources.sv
        if isinstance(sv.value, dict):
            out = []
            for path, per in sv.value.items():
                merged = dict(options)
                if isinstance(per.value, dict):
                    for k, v in per.value.items():
                        merged[k] = Option(v, Source(self.path, v.line, v.column), _note(k, v))
                elif not per.known:
                    merged["origins"] = Option(per, Source(self.path, per.line, per.column), "")
                out.append(self._route(merged, Source(self.path, per.line, per.column), _path(str(path)), None))
            return out
        if sv.is_list:
            return [self._route(options, Source(self.path, i.line, i.column), _path(str(i.value)), None)
                    for i in sv.items() if i.known]
        if sv.known and isinstance(sv.value, str):
            return [self._route(options, resources.source, _path(sv.value), None)]
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
                        msv = self.module.eval(m, self.module.env)
                        if msv.is_list and all(i.known for i in msv.items()):
                            methods = {str(i.value).upper() for i in msv.items()}
        return self._route(options, anchor, path, methods)

    # -- one route

    def _route(self, options: dict[str, Option], anchor: Source, path: str, view_methods) -> Route:
        def opt(name, default):
            o = options.get(name)
            if o is None:
                return Option(_pyast._wrap(default, anchor.line, anchor.column, ""), anchor, "")
            return o

        origins = opt("origins", "*")
        creds = opt("supports_credentials", False)
        send_wildcard = opt("send_wildcard", False)
        credentials: bool | None = bool(creds.sv.value) if creds.sv.known else None
        wildcard_send: bool | None = bool(send_wildcard.sv.value) if send_wildcard.sv.known else None
        policy, multi = self._origin_policy(origins, wildcard_send, anchor)
        if policy.kind == "star" and credentials:
            # flask-cors refuses '*' + credentials + send_wildcard at start-up (ValueError)
            pass

        acao = emission("Access-Control-Allow-Origin", policy.acao(), policy.source, note=origins.note)
        common = [acao]
        if credentials is None:
            common.append(emission("Access-Control-Allow-Credentials",
                                   policy.for_allowed(Value((Unknown(creds.sv.what),))), creds.source, note=creds.note))
        elif credentials:
            common.append(emission("Access-Control-Allow-Credentials", policy.for_allowed("true"), creds.source,
                                   note=creds.note))
        expose = options.get("expose_headers")
        if expose is not None and expose.sv.value is not None:
            value = _flexible(expose.sv)
            if value != "":
                common.append(emission("Access-Control-Expose-Headers",
                                       policy.for_allowed(value) if isinstance(value, str) else value,
                                       expose.source, note=expose.note))
        vary_opt = opt("vary_header", True)
        if self.vary_hook is not None:
            common.append(emission("Vary", "Origin", self.vary_hook))
        elif policy.kind != "star" and (not vary_opt.sv.known or vary_opt.sv.value) and multi:
            common.append(emission("Vary", policy.for_allowed("Origin"), policy.source))

        methods = opt("methods", list(ALL_METHODS))
        acam = _flexible(methods.sv, upper=True)
        allow_headers = opt("allow_headers", "*")
        ah = allow_headers.sv
        names = [ah] if ah.known and isinstance(ah.value, str) else ah.items() if ah.is_list else None
        if names is not None and all(i.known and isinstance(i.value, str) for i in names) and \
                not any(probably_regex(i.value) for i in names):
            acah: Value | str = ", ".join(sorted(i.value for i in names))
        else:
            acah = Value((Unknown("the requested headers that allow_headers admits (Flask-CORS echoes them)"),))
        preflight = list(common)
        preflight.append(emission("Access-Control-Allow-Methods",
                                  policy.for_allowed(acam) if isinstance(acam, str) else acam,
                                  methods.source, note=methods.note))
        preflight.append(emission("Access-Control-Allow-Headers",
                                  policy.for_allowed(acah) if isinstance(acah, str) else acah,
                                  allow_headers.source, note=allow_headers.note))
        age = options.get("max_age")
        if age is not None and age.sv.value is not None:
            value = str(age.sv.value) if age.sv.known and not isinstance(age.sv.value, (list, dict)) else \
                Value((Unknown(age.sv.what or "max_age"),))
            if isinstance(value, str) and isinstance(age.sv.value, bool):
                value = Value((Unknown("max_age"),))
            preflight.append(emission("Access-Control-Max-Age",
                                      policy.for_allowed(value) if isinstance(value, str) else value,
                                      age.source, note=age.note))

        actual_methods = ACTUAL_METHODS
        declared: tuple = ()
        if view_methods:
            actual_methods = frozenset(m for m in view_methods if m != "OPTIONS") | (
                {"HEAD"} if "GET" in view_methods else set())
            declared = tuple(sorted((m, anchor) for m in view_methods if m not in ("OPTIONS", "GET", "HEAD", "POST")))
        branches = [
            Branch(outcome=Outcome(200, anchor, reason="Flask answers OPTIONS itself (automatic_options)"),
                   headers=tuple(preflight), methods=PREFLIGHT, source=anchor, label="preflight"),
            Branch(outcome=Outcome(None, anchor, delegate="app", reason="the Flask view"),
                   headers=tuple(common), methods=frozenset(actual_methods), source=anchor, label="view"),
        ]
        return Route(name=f"Flask-CORS at {self.path}:{anchor.line} {path}", source=anchor, branches=branches,
                     https=None, path=path, declared_methods=declared, frontend=NAME)

    def _origin_policy(self, origins: Option, send_wildcard: bool | None, anchor: Source) -> tuple[OriginPolicy, bool]:
        sv = origins.sv
        items = [sv] if (not sv.is_list) else sv.items()
        if not sv.known:
            return OriginPolicy("unknown", origins.source, what=f"origins ({sv.what})"), True
        wildcard = next((i for i in items if i.known and i.value in ("*", ".*")), None)
        multi = len(items) > 1 or any(
            (i.known and isinstance(i.value, str) and probably_regex(i.value)) or isinstance(i.value, _pyast.Regex)
            for i in items)
        if wildcard is not None:
            src = Source(self.path, wildcard.line, wildcard.column) if sv.is_list else origins.source
            if send_wildcard is None:
                return OriginPolicy("unknown", src, what="'*' or the Origin (send_wildcard unknown)"), multi
            return OriginPolicy("star" if send_wildcard else "reflect", src, note=origins.note), multi
        matchers: list[OriginMatcher] = []
        partial: list[str] = []
        for item in items:
            where = Source(self.path, item.line, item.column) if sv.is_list else origins.source
            if item.known and isinstance(item.value, _pyast.Regex):
                matchers.append(OriginMatcher(item.value.pattern, "python-match", item.value.ignore_case, where,
                                              note=join_notes(origins.note, item.note)))
            elif item.known and isinstance(item.value, str):
                if probably_regex(item.value):
                    matchers.append(OriginMatcher(item.value, "python-match", True, where,
                                                  note=join_notes(origins.note, item.note)))
                else:
                    matchers.append(OriginMatcher(item.value, "exact-nocase", source=where,
                                                  note=join_notes(origins.note, item.note)))
            else:
                partial.append(f"an origins entry ({item.what or 'not a string'})")
        return OriginPolicy("list", origins.source, matchers=matchers, partial="; ".join(partial)), multi


def _note(name: str, sv: _pyast.SV) -> str:
    return f"{name} comes from {sv.note}" if sv.note else ""


def _flexible(sv: _pyast.SV, upper: bool = False) -> Value | str:
    """Flask-CORS's flexible_str: a string as is, an iterable sorted and joined with ', '."""
    if sv.known and isinstance(sv.value, str):
        return sv.value.upper() if upper else sv.value
    if sv.is_list and all(i.known and isinstance(i.value, str) for i in sv.items()):
        text = ", ".join(sorted(i.value for i in sv.items()))
        return text.upper() if upper else text
    if sv.known and isinstance(sv.value, (int, float)) and not isinstance(sv.value, bool):
        return str(sv.value)
    return Value((Unknown(sv.what or "setting"),))


def _path(resource: str) -> str:
    p = resource
    if p in ("*", "/*", r"/.*"):
        return "/"
    p = p.rstrip("*").rstrip(".")
    p = p.replace("\\", "")
    return p if p.startswith("/") else "/" + p
