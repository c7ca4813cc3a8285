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
  headers that ``allow_headers`` admits (default all) and ``Max-Age`` when set;
* an ``after_request`` hook that sets ``Access-Control-Allow-Origin`` by hand
  (``HandSetOrigin``): Flask runs after_request functions in the reverse order
  of their registration, and the extension's own after_request function
  (registered by ``CORS(app)``/``init_app``) skips an answer that already
  carries Access-Control-Allow-Origin (flask_cors/extension.py,
  ``cors_after_request``). A hook registered after the extension therefore
  runs first and, when it always sets the header, Flask-CORS adds nothing at
  all; a hook registered before it (or any hook beside ``@cross_origin``,
  which sets its headers in the view) runs last and replaces the extension's
  value (``headers[...] =``, ``headers.set``) or adds a second one
  (``headers.add``). Where the order or the condition cannot be read, the
  answer's Allow-Origin is unknown and a notice says so.
"""

from __future__ import annotations

import ast
import re

from dataclasses import replace

from ..model import HeaderEmission, OriginMatcher, ParseProblem, PolicyModel, Route, Source, Unknown, Value
from . import _pyast
from ._appmodel import ACTUAL_METHODS, OriginPolicy, emission, join_notes
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
    ignored_names,
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
_MARKER = re.compile(r"\bCORS\s*\(|\bcross_origin\b|\bcors\w*\.init_app\s*\(")
# The walk's prefilter (frontends/__init__.py): the words _MARKER needs.
WALK_SUFFIXES = (".py",)
WALK_MARKER = rb"CORS|cross_origin|init_app"


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    return _pyast.head_matches(path, text, _MARKER)


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    def routes_of(path: str, module: _pyast.Module, problems: list) -> list[Route]:
        flask_file = FlaskFile(path, module)
        routes = flask_file.routes()
        problems.extend(flask_file.notices)
        return routes

    return _pyast.parse_each(paths, stdin, texts, routes_of)


ACAO = "access-control-allow-origin"
# Response.headers methods that write a header, and whether they replace it
# (werkzeug.datastructures.Headers)
_HEADER_WRITERS = {"set": "set", "add": "add", "add_header": "add", "setdefault": "setdefault",
                   "__setitem__": "set"}
# werkzeug's Response properties for the CORS headers (werkzeug/sansio/response.py)
_HEADER_PROPERTIES = {"access_control_allow_origin": "Access-Control-Allow-Origin",
                      "access_control_allow_credentials": "Access-Control-Allow-Credentials",
                      "access_control_allow_methods": "Access-Control-Allow-Methods",
                      "access_control_allow_headers": "Access-Control-Allow-Headers",
                      "access_control_expose_headers": "Access-Control-Expose-Headers",
                      "access_control_max_age": "Access-Control-Max-Age"}
# the request's Origin, read in a hook
_REQUEST_ORIGIN = re.compile(r"""^request\.(?:origin|headers\.get\(\s*['"]origin['"]\s*\)|headers\[\s*['"]origin['"]\s*\]|"""
                             r"""environ\.get\(\s*['"]HTTP_ORIGIN['"]\s*\)|environ\[\s*['"]HTTP_ORIGIN['"]\s*\])$""", re.I)


class HeaderWrite:
    """One CORS header a hook writes on the response."""

    def __init__(self, name: str, value: Value, op: str, conditional: bool, source: Source):
        self.name = name
        self.value = value
        self.op = op                     # set, add or setdefault
        self.conditional = conditional   # under an if/for/try/with inside the hook
        self.source = source


class HandSetOrigin:
    """An after_request hook that writes Access-Control-Allow-Origin by hand."""

    def __init__(self, name: str, scope: ast.AST, line: int, writes: list[HeaderWrite]):
        self.name = name
        self.scope = scope    # the module or function the hook is registered in
        self.line = line      # where it is registered (its decorator, or the after_request(f) call)
        self.writes = writes

    @property
    def origin_write(self) -> HeaderWrite:
        return next(w for w in self.writes if w.name.lower() == ACAO)

    @property
    def always_sets_origin(self) -> bool:
        return any(w.name.lower() == ACAO and not w.conditional for w in self.writes)


class Option:
    """One resolved option: value, where it was written, provenance note."""

    def __init__(self, value: _pyast.StaticValue, source: Source, note: str = ""):
        self.value = value
        self.source = source
        self.note = note


class FlaskFile:
    """One module's Flask-CORS configuration. Sanic-CORS, a fork of an older
    Flask-CORS, reads its options the same way: sanic.py subclasses this with
    its own table, regex hint characters and default Max-Age."""

    semantics = SEMANTICS
    regex_chars = REGEX_CHARS
    label = "Flask-CORS"
    response_hooks: tuple[str, ...] = ("after_request",)   # decorators of functions that see every answer

    def probably_regex(self, pattern: str) -> bool:
        return any(c in pattern for c in self.regex_chars)

    def default_max_age(self, anchor: Source) -> Written | None:
        """The Max-Age a preflight gets when max_age is not set (none)."""
        return None

    def __init__(self, path: str, module: _pyast.Module):
        self.path = path
        self.module = module
        self.config = self._app_config()
        self.vary_hook = self._vary_hook()
        self.origin_hooks = self._origin_hooks()
        self.notices: list[ParseProblem] = []

    # -- after_request hooks that set Access-Control-Allow-Origin by hand

    def _origin_hooks(self) -> list[HandSetOrigin]:
        functions: dict[str, tuple[ast.AST, ast.AST]] = {}   # name -> (def, scope)
        registered: list[tuple[ast.AST, ast.AST, int]] = []  # (def, scope, line)
        stack: list[tuple[ast.AST, ast.AST]] = [(self.module.tree, self.module.tree)]
        while stack:
            node, scope = stack.pop()
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions.setdefault(child.name, (child, scope))
                    for dec in child.decorator_list:
                        if _pyast.node_text(dec).split(".")[-1] in ("after_request", "after_app_request"):
                            registered.append((child, scope, dec.lineno))
                    stack.append((child, child))
                elif isinstance(child, ast.Call) and _pyast.call_name(child).split(".")[-1] in (
                        "after_request", "after_app_request") and child.args and isinstance(child.args[0], ast.Name):
                    registered.append((child.args[0], scope, child.lineno))
                    stack.append((child, scope))
                else:
                    stack.append((child, scope))
        hooks = []
        for target, scope, line in registered:
            func = target if isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)) else \
                functions.get(target.id, (None, None))[0]
            if func is None:
                continue
            writes = self._header_writes(func)
            if any(w.name.lower() == ACAO for w in writes):
                hooks.append(HandSetOrigin(func.name, scope, line, writes))
        return hooks

    def _header_writes(self, func: ast.AST) -> list[HeaderWrite]:
        writes: list[HeaderWrite] = []
        stack: list[tuple[ast.AST, bool]] = [(stmt, False) for stmt in reversed(func.body)]
        while stack:
            node, conditional = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            inner = conditional or isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try,
                                                     ast.With, ast.AsyncWith, ast.IfExp, ast.Match))
            write = self._header_write(node, conditional)
            if write is not None:
                writes.append(write)
            for child in reversed(list(ast.iter_child_nodes(node))):
                stack.append((child, inner))
        return writes

    def _header_write(self, node: ast.AST, conditional: bool) -> HeaderWrite | None:
        name = value = op = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and _pyast.node_text(target.value).endswith("headers"):
                key = self.module.eval(target.slice, self.module.env)
                name = key.value if key.known and isinstance(key.value, str) else None
                value, op = node.value, "set"
            elif isinstance(target, ast.Attribute) and target.attr in _HEADER_PROPERTIES:
                name, value, op = _HEADER_PROPERTIES[target.attr], node.value, "set"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in _HEADER_WRITERS and _pyast.node_text(node.func.value).endswith("headers") and \
                len(node.args) >= 2:
            key = self.module.eval(node.args[0], self.module.env)
            name = key.value if key.known and isinstance(key.value, str) else None
            value, op = node.args[1], _HEADER_WRITERS[node.func.attr]
        if not name or not name.lower().startswith("access-control-") or value is None:
            return None
        return HeaderWrite(name, self._hook_value(value, name), op, conditional,
                           _pyast.node_source(self.path, node))

    def _hook_value(self, node: ast.AST, name: str) -> Value:
        if _REQUEST_ORIGIN.match(_pyast.node_text(node).replace('"', "'")):
            return Value.origin()
        static = self.module.eval(node, self.module.env)
        if static.value is True and name.lower() == "access-control-allow-credentials":
            return Value.literal("true")   # what werkzeug's property writes for True
        if static.known and isinstance(static.value, (str, int)) and not isinstance(static.value, bool):
            return Value.literal(str(static.value))
        return Value((Unknown(f"{name} set by hand to {_pyast.node_text(node)[:60]}"),))

    def _vary_hook(self) -> Source | None:
        """An ``@app.after_request`` hook adding ``Vary: Origin`` to every answer
        (``response.vary.add('Origin')``, ``response.headers.add('Vary', 'Origin')``...)."""
        for node in ast.walk(self.module.tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not any(_pyast.node_text(d).endswith(self.response_hooks) for d in node.decorator_list):
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
        for key in (names[1][len("CORS_"):] for names in self.semantics.setting_names.values()):
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
                routes.extend(self._beside_hooks(r, call, parents)
                              for r in self._extension(call, parents, skip_first=bool(call.args)))
            elif last == "init_app" and call.args and self._is_cors_object(call):
                routes.extend(self._beside_hooks(r, call, parents)
                              for r in self._extension(call, parents, skip_first=True))
            elif last == "cross_origin":
                route = self._decorator(call, parents)
                if route is not None:
                    routes.append(self._beside_hooks(route, None, parents))
        routes.sort(key=lambda r: (r.source.line, r.source.column))
        for route in routes:
            route.ignored_names = self._ignored_options()
        return routes

    def _ignored_options(self):
        """Keywords of CORS()/init_app/@cross_origin and app.config CORS_*
        keys Flask-CORS does not know: flask_cors 6.0.5 takes **kwargs and
        never reads an unknown one (checked with the real package)."""
        written = []
        for call, _parents in self.module.calls():
            last = _pyast.call_name(call).split(".")[-1]
            if last in ("CORS", "cross_origin") or (last == "init_app" and self._is_cors_object(call)):
                written += [(k.arg, _pyast.node_source(self.path, k)) for k in call.keywords if k.arg]
        # app.config['CORS_<OPTION>'] keys (the config reader keeps the option part)
        written += [(f"CORS_{key.upper()}", option.source) for key, option in self.config.items()]
        return ignored_names(self.semantics, written)

    def _beside_hooks(self, route: Route, extension: ast.Call | None, parents: list[ast.AST]) -> Route:
        """The route with the hand-set Allow-Origin of every after_request hook
        applied (see the module's docstring); ``extension`` is the CORS()/init_app
        call, None for @cross_origin (its headers are set in the view, before
        every hook)."""
        for hook in self.origin_hooks:
            scope = next((p for p in reversed(parents) if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef))),
                         self.module.tree)
            if extension is None:
                runs_first = False
            elif hook.scope is scope:
                runs_first = hook.line > extension.lineno   # registered later, run earlier
            else:
                runs_first = None
            route = self._hook_applied(route, hook, runs_first)
        return route

    def _hook_applied(self, route: Route, hook: HandSetOrigin, runs_first: bool | None) -> Route:
        acao_write = hook.origin_write
        if runs_first and hook.always_sets_origin:
            # Flask-CORS finds the header set and adds nothing: the hook's headers are the answer's
            hand = tuple(self._emission(w, replaces=False) for w in hook.writes)
            return replace(route, branches=[replace(b, headers=hand) for b in route.branches])
        if runs_first is False and hook.always_sets_origin:
            # the hook runs after Flask-CORS: its writes replace or join the extension's
            hand = tuple(self._emission(w, replaces=w.op == "set") for w in hook.writes if w.op != "setdefault")
            return replace(route, branches=[replace(b, headers=b.headers + hand) for b in route.branches])
        why = ("registered where its order against Flask-CORS's own after_request cannot be read"
               if runs_first is None else "setting it only under a condition")
        self.notices.append(ParseProblem(
            self.path, acao_write.source.line,
            f"Access-Control-Allow-Origin is set by hand in after_request hook '{hook.name}', {why}: Flask-CORS "
            "skips an answer that already carries the header, and a hook that runs after it replaces its value; "
            "the answer's Allow-Origin is read as unknown", fatal=False))
        # when the hook may run first, every header of Flask-CORS's is uncertain (it skips the
        # answers the hook set the header on); when it runs last, only the value it replaces
        uncertain = {ACAO} if runs_first is False else None
        where = f"after_request hook '{hook.name}' (line {acao_write.source.line})"
        branches = []
        for b in route.branches:
            headers = tuple(
                replace(h, value=Value((Unknown(
                    f"{h.name} of Flask-CORS or of {where}, which replaces it under a condition"
                    if runs_first is False else
                    f"{h.name} of Flask-CORS, or none when {where} sets Access-Control-Allow-Origin first"),)))
                if uncertain is None or h.lname in uncertain else h for h in b.headers)
            branches.append(replace(b, headers=headers))
        return replace(route, branches=branches)

    def _emission(self, write: HeaderWrite, *, replaces: bool) -> HeaderEmission:
        value = write.value
        if write.conditional:
            value = Value((Unknown(f"{write.name} set by hand under a condition (line {write.source.line})"),))
        return replace(emission(write.name, value, write.source, note="set by hand in an after_request hook"),
                       replaces=replaces)

    def _is_cors_object(self, call: ast.Call) -> bool:
        func = call.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
            return False
        if self._imported_extension(call, func.value.id):
            return True
        for node in ast.walk(self.module.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                    _pyast.call_name(node.value).split(".")[-1] == "CORS":
                if any(isinstance(t, ast.Name) and t.id == func.value.id for t in node.targets):
                    return True
        return False

    def _imported_extension(self, call: ast.Call, name: str) -> bool:
        """``cors.init_app(app, supports_credentials=True)`` on a ``cors``
        imported from the application's own extensions module (the usual
        Flask app-factory layout, ``cors = CORS()`` living there): a name
        that says CORS, and only Flask-CORS's own keywords, at least one."""
        if name not in self.module.imports or "cors" not in name.lower():
            return False
        names = [k.arg for k in call.keywords]
        return bool(names) and all(n in self.semantics.setting_names for n in names)

    def _external_config(self) -> ast.Call | None:
        """The first ``app.config.from_object(...)`` (``from_pyfile``,
        ``from_envvar``, ``from_file``, ``from_prefixed_env``, ``from_mapping``)
        that loads configuration corslint does not read (``from_object(__name__)``
        reads this module itself)."""
        for node in ast.walk(self.module.tree):
            if not isinstance(node, ast.Call):
                continue
            name = _pyast.call_name(node)
            if ".config.from_" not in name and not name.startswith("config.from_"):
                continue
            if name.endswith("from_object") and node.args and _pyast.node_text(node.args[0]) == "__name__":
                continue
            return node
        return None

    def _options(self, call: ast.Call, parents: list[ast.AST]) -> tuple[dict[str, Option], Source]:
        env = _pyast.env_at(self.module, call, parents)
        options = dict(self.config)
        loaded = self._external_config()
        if loaded is not None:
            # Flask-CORS reads app.config['CORS_<OPTION>'] for every option
            # the call does not pass: loaded from elsewhere, each may be set
            # there (an assignment here may only fill in a default)
            where = _pyast.node_source(self.path, loaded)
            passed = {k.arg for k in call.keywords if k.arg}
            for meaning, names in self.semantics.setting_names.items():
                if meaning not in passed:
                    what = f"{names[1]} from the configuration {_pyast.node_text(loaded)} loads"
                    options[meaning] = Option(_pyast.unknown(loaded, what), where,
                                              f"{names[1]} may be set by {_pyast.node_text(loaded)[:60]}")
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
                default = self.semantics.defaults[name]
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
                not any(self.probably_regex(i.value) for i in listed):
            acah: Value | str = ", ".join(sorted(i.value for i in listed))
        else:
            acah = Value((Unknown("the requested headers that allow_headers admits (Flask-CORS echoes them)"),))
        age = options.get("max_age")
        max_age = self.default_max_age(anchor)
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
        return library_route(self.semantics, settings, name=f"{self.label} at {self.path}:{anchor.line} {path}",
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
            (i.known and isinstance(i.value, str) and self.probably_regex(i.value)) or isinstance(i.value, _pyast.Regex)
            for i in items)
        if wildcard is not None:
            src = Source(self.path, wildcard.line, wildcard.column) if value.is_list else origins.source
            echo = None if send_wildcard is None else not send_wildcard
            return self.semantics.wildcard_policy(src, echo=echo, unknown_what="'*' or the Origin (send_wildcard unknown)",
                                             note=origins.note), several
        matchers: list[OriginMatcher] = []
        partial: list[str] = []
        for item in items:
            where = Source(self.path, item.line, item.column) if value.is_list else origins.source
            note = join_notes(origins.note, item.note)
            if item.known and isinstance(item.value, _pyast.Regex):
                matchers.append(self.semantics.regex(item.value.pattern, item.value.ignore_case, where, note))
            elif item.known and isinstance(item.value, str):
                if self.probably_regex(item.value):
                    matchers.append(self.semantics.regex(item.value, True, where, note))
                else:
                    matchers.append(self.semantics.exact(item.value, where, note))
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
