"""Koa's ``@koa/cors`` middleware -> policy model.

The source is read with the tree-sitter JavaScript/TypeScript reader of
express.py (``JsFile``); nothing is run. Encodes what @koa/cors 5.0.0's
index.js does (checked against the real package, under koa 3, by
tests/test_koa_truth.py), and where 4.x differs:

* ``origin`` absent (or any falsy value that is not a function) or ``'*'``:
  ``Access-Control-Allow-Origin: *``; with ``credentials`` on, the request's
  Origin is sent instead (``credentials && origin === '*'``), so
  ``cors({ credentials: true })`` echoes every Origin with credentials.
  Before 5.0 the default itself was the request's Origin
  (``options.origin || requestOrigin``): ``cors()`` echoes every Origin. The
  version is read from the project's package.json / lockfile (``pinned_major``);
* any other string is sent as is; an array is sent as one
  Access-Control-Allow-Origin field per entry (koa's ``ctx.set`` with an array),
  which browsers read as one value holding several origins;
* a function ``(ctx) => ...``: its (awaited) result is the ACAO; a falsy result
  passes the request on with no CORS header at all;
* ``Vary: Origin`` on every answer it handles (``ctx.vary('Origin')`` first);
* actual requests: Allow-Origin, Allow-Credentials (``credentials`` truthy),
  Expose-Headers; then the next middleware;
* an OPTIONS request with Access-Control-Request-Method is answered 204 by the
  middleware (never passed on) with Allow-Origin, Allow-Credentials, Max-Age
  (when truthy), Allow-Methods (default GET,HEAD,PUT,POST,DELETE,PATCH) and
  Allow-Headers (default: the requested headers echoed, with no Vary for them);
  an OPTIONS request without it goes to the next middleware;
* mounted on an @koa/router Router (``router.use(cors())``, ``router.get(path,
  cors(), ...)``), it never sees a preflight: the router runs a path's
  middleware only when a route of the request's method matches, and none
  matches OPTIONS (unless the router has an ``options``/``all`` route), so
  ``router.allowedMethods()`` answers 200 with Allow only, or Koa 404s
  (@koa/router 15.7.0, checked by the truth tests);
* ``keepHeadersOnError`` (default on) copies these headers onto thrown errors'
  answers; ``secureContext`` adds COOP/COEP; ``privateNetworkAccess`` answers
  Access-Control-Request-Private-Network. Options it does not know are
  spread into its options object and never read.
"""

from __future__ import annotations

import dataclasses
import os
import re

from ..model import Outcome, Route, Unknown, Value
from . import _pyast, express
from ._appmodel import ACTUAL_METHODS, OriginPolicy
from ._includes import is_within
from ._pins import load_json, package_json_range, package_lock_version, read_pin_file
from ._library import (
    ALLOW_HEADERS,
    ALLOWED_ORIGINS,
    CREDENTIALS,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    VARY,
    VARY_EVERY_ANSWER,
    WILDCARD_ECHO_WITH_CREDENTIALS,
    CorsSettings,
    LibrarySemantics,
    Written,
    ignored_names,
    library_route,
)
from .express import JS_UNKNOWN, JsFile, _list_text, _node_text, _params, _walk

NAME = "koa"
PACKAGE = "@koa/cors"
NEWEST_MAJOR = 5
# The walk's prefilter: the file names and the bytes every file recognises() accepts hold.
WALK_SUFFIXES = express.JS_EXTENSIONS
WALK_MARKER = rb"""['"]@koa/cors['"]"""

# @koa/cors 5.0.0, index.js (the version tests/framework_truth/node/package-lock.json
# installs; 4.0.0 is installed beside it as koa-cors-4 for the version difference)
SEMANTICS = LibrarySemantics(
    library="@koa/cors 5.0.0",
    frontend=NAME,
    # the options its JSDoc names and its body reads
    setting_names={name: (name,) for name in
                   ("origin", "allowMethods", "exposeHeaders", "allowHeaders", "maxAge", "credentials",
                    "keepHeadersOnError", "secureContext", "privateNetworkAccess")},
    # `const defaults = { allowMethods: 'GET,HEAD,PUT,POST,DELETE,PATCH', secureContext: false }`;
    # `origin = options.origin || '*'`; keepHeadersOnError on unless written false
    defaults={"origin": "*", "allowMethods": "GET,HEAD,PUT,POST,DELETE,PATCH", "secureContext": False,
              "keepHeadersOnError": True},
    # '*' (or the Origin with credentials), a fixed value, a function's result
    policy_kinds=frozenset({"star", "reflect", "list", "fixed"}),
    exact_engine="exact",
    regex_engine="js-test",
    # `if (credentials && origin === '*') origin = requestOrigin`
    wildcard=WILDCARD_ECHO_WITH_CREDENTIALS,
    # every other header is set only after an origin was found (a falsy
    # function result returns before any of them)
    headers_to=ALLOWED_ORIGINS,
    # `ctx.vary('Origin')` before anything else
    vary_origin=VARY_EVERY_ANSWER,
    # `ctx.status = 204` for OPTIONS with Access-Control-Request-Method
    preflight_status=204,
    preflight_reason="@koa/cors answers every preflight itself ({status}) and never passes it on",
    app_label="handler",
    app_reason="the Koa middleware after cors()",
    actual_order=(VARY, ORIGIN, CREDENTIALS, EXPOSE),
    preflight_order=(VARY, ORIGIN, CREDENTIALS, MAX_AGE, METHODS, ALLOW_HEADERS),
)

_KOA_IMPORT = re.compile(r"""['"]@koa/cors['"]""")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not express.js_source(path):
        return False
    head = _pyast.head_text(path, text)
    return bool(head and _KOA_IMPORT.search(head))


# ---------------------------------------------------------------- the pinned version

_FOUND: dict[tuple, tuple[int | None, str] | None] = {}


def _lock_major(directory: str, roots: tuple[str, ...]) -> tuple[int, str] | None:
    """The major of @koa/cors a lockfile in ``directory`` installs (each
    lockfile read once while it is unchanged: a monorepo's one lockfile
    serves every file under it)."""
    key = ("lock", directory, roots) + tuple(_stamp(os.path.join(directory, name))
                                      for name in ("package-lock.json", "yarn.lock", "pnpm-lock.yaml"))
    if key not in _FOUND:
        _FOUND[key] = _read_lock_major(directory, roots)
    return _FOUND[key]


def _stamp(path: str) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read_lock_major(directory: str, roots: tuple[str, ...]) -> tuple[int, str] | None:
    text = read_pin_file(os.path.join(directory, "package-lock.json"), roots)
    if text is not None:
        version = package_lock_version(load_json(text), PACKAGE)
        if isinstance(version, str) and re.match(r"\d+\.", version):
            return int(version.split(".")[0]), f"{version} in package-lock.json"
    text = read_pin_file(os.path.join(directory, "yarn.lock"), roots)
    if text is not None:
        # "@koa/cors@^4.0.0": (v1) or "@koa/cors@npm:^4.0.0": (berry), then `version "4.0.0"` / `version: 4.0.0`.
        # Each entry line is read one way only ([ \t] then the rest): a
        # looser line pattern makes the lazy loop backtrack exponentially.
        m = re.search(r'^"?@koa/cors@[^\n]*:\n(?:[ \t][^\n]*\n)*?[ \t]+version:? "?((\d+)\.[^"\s]*)', text, re.M)
        if m:
            return int(m.group(2)), f"{m.group(1)} in yarn.lock"
    text = read_pin_file(os.path.join(directory, "pnpm-lock.yaml"), roots)
    if text is not None:
        # /@koa/cors/4.0.0: (v5), /@koa/cors@4.0.0: (v6), '@koa/cors@4.0.0': (v9);
        # [ \t], not \s: a run of blank lines would be retried from each line
        m = re.search(r"""^[ \t]+['"]?/?@koa/cors[@/]((\d+)\.\d+\.\d+)""", text, re.M)
        if m:
            return int(m.group(2)), f"{m.group(1)} in pnpm-lock.yaml"
    return None


def _range_major(directory: str, roots: tuple[str, ...]) -> tuple[int | None, str] | None:
    """The major a package.json in ``directory`` asks for (None: its range names none)."""
    text = read_pin_file(os.path.join(directory, "package.json"), roots)
    if text is None:
        return None
    spec = package_json_range(load_json(text), PACKAGE)
    if spec is None:
        return None
    # ^4.0.0, ~4.1, 4.x, 4, =4.0.0: one major; '*', 'latest', >=4, a URL: none.
    # The space after the operator belongs to it: two adjacent \s* are quadratic.
    m = re.fullmatch(r"\s*(?:(?:[\^~=]|v)\s*)?(\d+)(?:\.[\dxX*]+){0,2}(?:-[\w.]+)?\s*", spec)
    return (int(m.group(1)) if m else None), f"'{spec}' in package.json"


def pinned_major(path: str, roots: tuple[str, ...] | None) -> tuple[int | None, str]:
    """The @koa/cors major the project around ``path`` pins, and where that
    was read: the nearest directory (up to the linted roots) whose lockfile
    or package.json names the package, the lockfile first. None when
    nothing in the tree says."""
    directory = os.path.dirname(os.path.abspath(path))
    limit = tuple(roots) if roots else (directory,)
    while is_within(directory, limit):
        found = _lock_major(directory, limit) or _range_major(directory, limit)
        if found is not None:
            return found
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return None, ""


# ---------------------------------------------------------------- the reader


ROUTER_PACKAGES = ("@koa/router", "koa-router")


class KoaFile(JsFile):
    """A JavaScript/TypeScript file that imports @koa/cors."""

    version: tuple[int | None, str] = (None, "")

    def router_classes(self) -> set[str]:
        """The names @koa/router (or koa-router) is imported under."""
        names: set[str] = set()
        for n in _walk(self.root):
            if n.type == "import_statement":
                source = n.child_by_field_name("source")
                if source is not None and self.eval(source).value in ROUTER_PACKAGES:
                    for clause in _walk(n):
                        if clause.type == "import_clause":
                            names.update(_node_text(d) for d in clause.named_children if d.type == "identifier")
                        elif clause.type == "import_specifier":
                            alias = clause.child_by_field_name("alias")
                            names.add(_node_text(alias if alias is not None else clause.child_by_field_name("name")))
            elif n.type == "variable_declarator":
                value = express._unwrap(n.child_by_field_name("value"))
                name = n.child_by_field_name("name")
                if value is not None and value.type == "call_expression" and name is not None and \
                        name.type == "identifier" and _node_text(value.child_by_field_name("function")) == "require":
                    args = value.child_by_field_name("arguments")
                    if args is not None and args.named_children and \
                            self.eval(args.named_children[0]).value in ROUTER_PACKAGES:
                        names.add(_node_text(name))
        return names

    def is_router(self, node) -> bool:
        """``node`` names an object made with ``new Router()`` of @koa/router."""
        node = express._unwrap(node)
        if node is None or node.type != "identifier":
            return False
        value = express._unwrap(self.resolve(node))
        if value is None or value.type != "new_expression":
            return False
        return _node_text(value.child_by_field_name("constructor")) in self.router_classes()

    def mentions(self, method: str) -> bool:
        """A call of ``.method(`` anywhere in the file."""
        return any(n.type == "member_expression" and _node_text(n.child_by_field_name("property")) == method
                   for n in _walk(self.root))

    def _cors_names(self) -> set[str]:
        names: set[str] = set()
        for n in _walk(self.root):
            if n.type == "import_statement":
                source = n.child_by_field_name("source")
                if source is None or self.eval(source).value != PACKAGE:
                    continue
                for clause in _walk(n):
                    if clause.type == "import_clause":
                        for d in clause.named_children:
                            if d.type == "identifier":       # import cors from '@koa/cors'
                                names.add(_node_text(d))
                    elif clause.type == "import_specifier" and \
                            _node_text(clause.child_by_field_name("name")) == "default":
                        alias = clause.child_by_field_name("alias")   # import { default as cors }
                        if alias is not None:
                            names.add(_node_text(alias))
            elif n.type == "variable_declarator":
                value = express._unwrap(n.child_by_field_name("value"))
                name = n.child_by_field_name("name")
                if value is not None and value.type == "call_expression" and name is not None and \
                        name.type == "identifier" and _node_text(value.child_by_field_name("function")) == "require":
                    args = value.child_by_field_name("arguments")
                    if args is not None and args.named_children and \
                            self.eval(args.named_children[0]).value == PACKAGE:
                        names.add(_node_text(name))
        return names

    def _required_here(self, function) -> bool:
        """``require('@koa/cors')(options)``: called where it is required."""
        function = express._unwrap(function)
        if function is None or function.type != "call_expression" or \
                _node_text(function.child_by_field_name("function")) != "require":
            return False
        args = function.child_by_field_name("arguments")
        return bool(args is not None and args.named_children and self.eval(args.named_children[0]).value == PACKAGE)

    def routes(self) -> list[Route]:
        routes = []
        for n in _walk(self.root):
            if n.type == "call_expression" and (_node_text(n.child_by_field_name("function")) in self.cors_names
                                                or self._required_here(n.child_by_field_name("function"))):
                routes.append(KoaCors(self, n).route())
        routes.sort(key=lambda r: (r.source.line, r.source.column))
        return routes


def parse_files(paths, stdin=None, texts=None, roots=None):
    def file_class(path, root):
        js = KoaFile(path, root)
        js.version = (None, "") if stdin and path in stdin else pinned_major(path, roots)
        return js

    return express.parse_files(paths, stdin, texts, roots, file_class=file_class)


def _falsy(v) -> bool:
    return v.kind in ("undef", "null") or (v.kind in ("bool", "num", "str") and v.value in (False, 0, ""))


class KoaCors(express.CorsCall):
    """One ``cors(options)`` from @koa/cors."""

    def __init__(self, js: KoaFile, call):
        super().__init__(js, call, ())
        self.major, self.pinned_at = js.version

    def _router_preflight(self) -> Outcome | None:
        """cors() mounted on an @koa/router Router (``router.use(cors())`` or
        ``router.get(path, cors(), ...)``): the router runs a path's
        middleware only when a route of the request's method matches, so an
        OPTIONS preflight never reaches cors() unless the router has an
        OPTIONS (or ``all``) route; ``router.allowedMethods()`` then answers
        it 200 with Allow and no CORS header, else nothing does (Koa's 404)."""
        args = self.call.parent
        mount = args.parent if args is not None and args.type == "arguments" else None
        func = mount.child_by_field_name("function") if mount is not None else None
        if func is None or func.type != "member_expression" or \
                not self.js.is_router(func.child_by_field_name("object")):
            return None
        if self.js.mentions("options") or self.js.mentions("all"):
            return None
        if self.js.mentions("allowedMethods"):
            return Outcome(200, self.anchor, reason="@koa/router's allowedMethods() answers OPTIONS with Allow "
                                                    "and no CORS header: cors() on the router never sees a preflight")
        return Outcome(404, self.anchor, reason="no @koa/router route answers OPTIONS, so cors() on the router "
                                                "never sees a preflight and Koa answers 404")

    def _credentials(self) -> bool | None:
        """`!!options.credentials` (None: a function, or not known)."""
        creds = self.option("credentials")
        if creds is None or _falsy(creds):
            return False
        if creds.kind in (JS_UNKNOWN, "func", "origin"):
            return None
        return True

    def _default_origin(self, src, credentials: bool | None) -> OriginPolicy:
        """``origin`` not written (or falsy): '*' since 5.0, the request's Origin before."""
        if self.major is not None and self.major < 5:
            return OriginPolicy("reflect", src, note=f"{PACKAGE} {self.major}.x ({self.pinned_at}) reflects "
                                                      "the request's Origin by default")
        said = (f"{PACKAGE} {self.major}.x ({self.pinned_at})" if self.major is not None else
                f"no {PACKAGE} version found in a package.json or lockfile: {NEWEST_MAJOR}.x assumed")
        return SEMANTICS.wildcard_policy(
            src, echo=credentials, unknown_what="origin '*' with credentials set by a function",
            note=f"{said}, which sends the request's Origin for '*' when credentials is on" if credentials
            else f"{said}, whose default origin is '*'")

    def origin_policy(self) -> OriginPolicy:
        if self.options.kind != "object":
            return OriginPolicy("unknown", self.anchor, what=f"cors options ({self.options.value})")
        if "..." in self.options.value and "origin" not in self.options.value:
            return OriginPolicy("unknown", self.anchor, what="cors options spread from elsewhere")
        origin = self.option("origin")
        credentials = self._credentials()
        if origin is None or _falsy(origin):
            return self._default_origin(self.where(origin) if origin is not None else self.anchor, credentials)
        src = self.where(origin)
        if origin.kind == "str" and origin.value == "*":
            return SEMANTICS.wildcard_policy(
                src, echo=credentials, unknown_what="origin '*' with credentials set by a function",
                note=f"{PACKAGE} sends the request's Origin for '*' when credentials is on" if credentials
                else origin.note)
        if origin.kind == "str":
            return OriginPolicy("fixed", src, fixed=origin.value, note=origin.note)
        if origin.kind == "array" and all(item.kind == "str" for item in origin.value):
            # one Access-Control-Allow-Origin field per entry; browsers join them with ', '
            return OriginPolicy("fixed", src, fixed=", ".join(item.value for item in origin.value),
                                note=f"{PACKAGE} sends each entry of an origin array as its own "
                                     "Access-Control-Allow-Origin field")
        if origin.kind == "func":
            return _function_policy(self.js, origin.value, src, credentials)
        return OriginPolicy("unknown", src, what=f"origin ({origin.value})")

    def route(self) -> Route:
        policy = self.origin_policy()
        usages = self.js.usages(self.call) or [("use", "/")]
        path = usages[0][1]
        creds = self.option("credentials")
        credentials = None
        known = self._credentials()
        if known is None:
            credentials = Written(Value((Unknown(str(creds.value) if creds.kind == JS_UNKNOWN else
                                                 "credentials chosen per request by a function"),)),
                                  self.where(creds), creds.note)
        elif known:
            credentials = Written("true", self.where(creds), creds.note)
        expose = self.option("exposeHeaders")
        expose_header = None
        if expose is not None and not _falsy(expose):
            text = _list_text(expose)
            expose_header = Written(text, self.where(expose), expose.note) if text != "" else None
        methods = self.option("allowMethods")
        if methods is None:
            acam = Written(SEMANTICS.defaults["allowMethods"], self.anchor, library_default=True)
        elif _falsy(methods):
            acam = None   # `if (options.allowMethods)`: none sent
        else:
            text = _list_text(methods)
            acam = Written(text, self.where(methods), methods.note) if text != "" else None
        headers = self.option("allowHeaders")
        echoes = headers is None or _falsy(headers) or _list_text(headers) == ""
        if echoes:
            allow_headers = Written(Value((Unknown("the requested headers (@koa/cors echoes them)"),)),
                                    self.anchor)
        else:
            allow_headers = Written(_list_text(headers), self.where(headers), headers.note)
        age = self.option("maxAge")
        max_age = None
        if age is not None and age.kind in ("num", "str") and age.value not in (0, ""):
            max_age = Written(str(age.value), self.where(age), age.note)   # `if (options.maxAge)`
        elif age is not None and age.kind == JS_UNKNOWN:
            max_age = Written(Value((Unknown(str(age.value)),)), self.where(age))
        settings = CorsSettings(
            origin=policy, origin_note=policy.note, credentials=credentials, expose=expose_header,
            methods=acam, allow_headers=allow_headers, echoes_request_headers=echoes, max_age=max_age,
            vary_at=self.anchor)
        # the methods the app's routes accept (router.put('/items/:id', ...)): they need preflights
        route = library_route(SEMANTICS, settings, name=f"cors() at {self.path_line}", anchor=self.anchor,
                              path=path, declared=self.js._declared_methods(), app_methods=ACTUAL_METHODS)
        origin = self.option("origin")
        if policy.kind == "fixed" and origin is not None and origin.kind == "array" and len(origin.value) > 1:
            entries = [item.value for item in origin.value]
            route.branches = [_one_field_per_entry(b, entries) for b in route.branches]
        router_answer = self._router_preflight()
        if router_answer is not None:
            route.branches[0] = dataclasses.replace(route.branches[0], outcome=router_answer, headers=(),
                                                    label="@koa/router")
        # `options = { ...defaults, ...options }`: a key it does not know is never read
        if self.options.kind == "object":
            written = [(key, self.where(value)) for key, value in self.options.value.items() if key != "..."]
            route.ignored_names = ignored_names(SEMANTICS, written)
        return route


def _one_field_per_entry(branch, entries: list[str]):
    """``ctx.set('Access-Control-Allow-Origin', [a, b])``: koa writes one
    header field per array entry, so the answer carries the header as many
    times (browsers refuse it as a duplicate, not as one bad value)."""
    out = []
    for h in branch.headers:
        if h.lname == "access-control-allow-origin" and h.value.is_literal:
            out.extend(dataclasses.replace(h, value=Value.literal(entry), raw=entry) for entry in entries)
        else:
            out.append(h)
    return dataclasses.replace(branch, headers=tuple(out))


# ---------------------------------------------------------------- origin functions

_CTX_ORIGIN = (r"(?:{ctx}\.(?:request\.)?(?:get\(\s*['\"]origin['\"]\s*\)|headers?\.origin|"
               r"headers?\[\s*['\"]origin['\"]\s*\]))")


def _function_policy(js: JsFile, func, src, credentials: bool | None) -> OriginPolicy:
    """``origin: (ctx) => ...``: the result is the ACAO. Read: the request's
    Origin returned (``ctx.get('Origin')``, ``ctx.headers.origin``, or a
    constant holding it), unconditionally (echoes every Origin) or under a
    condition express.py reads (``list.includes(o)``, ``o === '...'``,
    ``re.test(o)``) with a falsy result otherwise; anything else is unknown."""
    params = _params(func)
    unknown = OriginPolicy("unknown", src, what="origin function")
    body = express._unwrap(func.child_by_field_name("body"))
    if body is None or (params and not params[0]):
        return unknown
    # `() => '*'` reads no request: no text stands for its Origin
    ctx_origin = re.compile(_CTX_ORIGIN.format(ctx=re.escape(params[0])) if params else r"(?!)", re.I)
    names: set[str] = set()      # texts that stand for the request's Origin

    def origin_node(node) -> bool:
        node = express._unwrap(node)
        if node is None:
            return False
        text = re.sub(r"\s+", "", _node_text(node))
        if ctx_origin.fullmatch(text) or text in names:
            names.add(_node_text(node))
            return True
        # `ctx.get('Origin') || '*'`: the Origin whenever one was sent
        if node.type == "binary_expression" and _node_text(node.child_by_field_name("operator")) in ("||", "??"):
            return origin_node(node.child_by_field_name("left"))
        return False

    def refuses(node) -> bool:
        node = express._unwrap(node)
        return node is None or node.type in ("null", "undefined", "false") or _node_text(node) in ("''", '""', "0")

    def classify(expr) -> OriginPolicy:
        expr = express._unwrap(expr)
        if expr is None:
            return unknown
        if origin_node(expr):
            return OriginPolicy("reflect", src, note="an origin function that returns every Origin")
        if expr.type == "ternary_expression":
            cond = expr.child_by_field_name("condition")
            yes, no = expr.child_by_field_name("consequence"), expr.child_by_field_name("alternative")
            if origin_node(yes) and refuses(no):
                return _listed(cond, positive=True)
            if refuses(yes) and origin_node(no):
                return _listed(cond, positive=False)
        value = js.eval(expr)
        if value.kind == "str" and value.value == "*":
            return SEMANTICS.wildcard_policy(src, echo=credentials, unknown_what="origin function returning '*'")
        if value.kind == "str" and value.value:
            return OriginPolicy("fixed", src, fixed=value.value, note=value.note)
        return unknown

    def _listed(cond, positive: bool) -> OriginPolicy:
        cond = express._unwrap(cond)
        if not positive:
            # `!list.includes(o) ? null : o`
            if cond is None or cond.type != "unary_expression" or not _node_text(cond).startswith("!"):
                return unknown
            cond = cond.child_by_field_name("argument")
        matchers = express._origin_condition(js, cond, names) if cond is not None else None
        return OriginPolicy("list", src, matchers=matchers) if matchers else unknown

    if body.type != "statement_block":
        return classify(body)
    statements = [c for c in body.named_children if c.type != "comment"]
    # leading `const origin = ctx.get('Origin')`
    while statements and statements[0].type in ("lexical_declaration", "variable_declaration"):
        for declarator in statements[0].named_children:
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is None or value is None or not origin_node(value):
                return unknown
            names.add(_node_text(name))
        statements = statements[1:]

    def returned(statement):
        statement = express._unwrap(statement)
        if statement is not None and statement.type == "statement_block":
            inner = [c for c in statement.named_children if c.type != "comment"]
            statement = inner[0] if len(inner) == 1 else None
        if statement is None or statement.type != "return_statement":
            return False, None
        return True, (statement.named_children[0] if statement.named_children else None)

    if len(statements) == 1:
        ok, expr = returned(statements[0])
        return classify(expr) if ok and expr is not None else unknown
    if len(statements) == 2 and statements[0].type == "if_statement" and \
            statements[0].child_by_field_name("alternative") is None:
        ok_in, inside = returned(statements[0].child_by_field_name("consequence"))
        ok_after, after = returned(statements[1])
        cond = statements[0].child_by_field_name("condition")
        if ok_in and ok_after:
            if inside is not None and origin_node(inside) and refuses(after):
                return _listed(cond, positive=True)
            if refuses(inside) and after is not None and origin_node(after):
                return _listed(cond, positive=False)
    return unknown
