"""Express (``cors`` package and hand-set headers) -> policy model.

JavaScript and TypeScript are read with tree-sitter (the parser is imported on
the first such file); nothing is run. Encodes what ``cors`` 2.8 really does:

* ``origin`` absent or ``'*'``: ``Access-Control-Allow-Origin: *`` on every
  answer, also with ``credentials: true`` (browsers then refuse credentialed
  requests);
* ``origin: true``, or a callback that always allows: the request's Origin is
  echoed, ``null`` included;
* an array or RegExp: strings compare with ``===`` (``'*'`` in an array is a
  literal, not a wildcard), a RegExp uses ``.test()`` (unanchored unless the
  pattern says ``^``/``$``); a match is echoed, anything else gets no ACAO;
* any other string: sent as is; ``origin: false`` switches CORS off;
* ``Access-Control-Allow-Credentials: true`` and Expose-Headers go to every
  origin; ``Vary: Origin`` unless the value is ``*``;
* preflights (any OPTIONS request the middleware sees) are answered by it with
  ``optionsSuccessStatus`` (204), ``Access-Control-Allow-Methods`` (default
  ``GET,HEAD,PUT,PATCH,POST,DELETE``), ``allowedHeaders`` (default: the
  requested headers echoed) and ``maxAge``; ``preflightContinue`` passes them on.
  ``cors()`` mounted on one verb's route (``app.get(path, cors(), ...)``) leaves
  OPTIONS to Express's automatic answer (200 with ``Allow``, no CORS headers).

Headers set by hand (``res.setHeader``/``res.header``/``res.set``/``res.append``)
are read per handler function: ``req.headers.origin``, ``req.header('origin')``
and ``req.get('origin')`` are the request's Origin; ``if`` conditions on the
method (``req.method === 'OPTIONS'``) and on the Origin (``list.includes(origin)``,
``origin === '...'``, ``/re/.test(origin)``) are understood, others are opaque.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import (
    Branch,
    MapEntry,
    OriginMap,
    OriginMatcher,
    OriginRef,
    Outcome,
    ParseProblem,
    PolicyModel,
    Route,
    Source,
    Unknown,
    Value,
)
from . import _pyast
from ._appmodel import ACTUAL_METHODS, PREFLIGHT, OriginPolicy, emission
from ._library import (
    ALLOW_HEADERS,
    CREDENTIALS,
    EVERY_ORIGIN,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    VARY,
    VARY_UNLESS_STAR,
    WILDCARD_STAR,
    CorsSettings,
    LibrarySemantics,
    Written,
    ignored_names,
    library_route,
)

NAME = "express"

JS_EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
# The `cors` package, read from its lib/index.js (cors 2.8.6, the version
# tests/framework_truth/node/package-lock.json installs).
SEMANTICS = LibrarySemantics(
    library="cors 2.8.6",
    frontend=NAME,
    # the options object's keys (allowedHeaders has the older alias `headers`)
    setting_names={"origin": ("origin",), "methods": ("methods",), "allowedHeaders": ("allowedHeaders", "headers"),
                   "exposedHeaders": ("exposedHeaders",), "credentials": ("credentials",),
                   "maxAge": ("maxAge",), "preflightContinue": ("preflightContinue",),
                   "optionsSuccessStatus": ("optionsSuccessStatus",)},
    # `var defaults` (allowedHeaders absent: the requested headers are echoed)
    defaults={"origin": "*", "methods": "GET,HEAD,PUT,PATCH,POST,DELETE", "preflightContinue": False,
              "optionsSuccessStatus": 204},
    # configureOrigin: '*', a fixed string, `true` (echo), a list / RegExp, `false` (off); a callback
    # (the options or the origin) decides per request
    policy_kinds=frozenset({"star", "fixed", "reflect", "list", "none"}),
    # isOriginAllowed: `origin === allowedOrigin`, `allowedOrigin.test(origin)`
    exact_engine="exact",
    regex_engine="js-test",
    # configureOrigin: `!options.origin || options.origin === '*'` sends '*', credentials or not
    wildcard=WILDCARD_STAR,
    # configureCredentials / configureExposedHeaders do not look at the origin
    headers_to=EVERY_ORIGIN,
    # configureOrigin: Vary: Origin with every value but '*'
    vary_origin=VARY_UNLESS_STAR,
    # cors(): OPTIONS gets optionsSuccessStatus (204) unless preflightContinue
    preflight_status=204,
    preflight_reason="the cors middleware answers preflights itself ({status})",
    # configureAllowedHeaders: echoing the requested headers adds this Vary
    echo_vary="Access-Control-Request-Headers",
    app_label="handler",
    app_reason="the Express handler",
    framework_options_label="Express automatic OPTIONS",
    actual_order=(ORIGIN, VARY, CREDENTIALS, EXPOSE),
    preflight_order=(ORIGIN, VARY, CREDENTIALS, METHODS, ALLOW_HEADERS, MAX_AGE, EXPOSE),
)
VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "all", "use")
SETTERS = ("setHeader", "header", "set", "append")
_CORS_IMPORT = re.compile(r"""require\(\s*['"]cors['"]\s*\)|from\s+['"]cors['"]""")
_ACAO_TEXT = re.compile(r"""['"`]access-control-allow-origin['"`]""", re.I)
# NestJS: app.enableCors(options), NestFactory.create(AppModule, { cors: ... }),
# and an options object typed CorsOptions (from 'cors' or @nestjs/common)
_NEST_CORS = re.compile(r"""\.enableCors\s*\(|:\s*(?:cors\.)?CorsOptions\b|NestFactory\.create[\s\S]{0,400}?\bcors\s*[:,}]""")
# NestJS's other HTTP adapter answers with @fastify/cors, not the cors package
_FASTIFY = re.compile(r"FastifyAdapter|@fastify/cors|fastify-cors")
# The walk's prefilter (frontends/__init__.py): every regex above needs
# "cors" in some case, or the header's name.
WALK_SUFFIXES = JS_EXTENSIONS
WALK_MARKER = rb"(?i:cors|access-control-allow-origin)"


def js_source(path: str) -> bool:
    """A JavaScript or TypeScript file someone wrote (not a minified bundle
    or a type declaration)."""
    return path.lower().endswith(JS_EXTENSIONS) and not path.endswith((".min.js", ".d.ts"))


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not js_source(path):
        return False
    head = _pyast.head_text(path, text)
    return bool(head and (_CORS_IMPORT.search(head) or _ACAO_TEXT.search(head) or _NEST_CORS.search(head)))


# ---------------------------------------------------------------- parser

_LANGS: dict[str, Any] = {}


def _parser(path: str):
    import tree_sitter  # imported on the first JavaScript file only

    low = path.lower()
    kind = "tsx" if low.endswith(".tsx") else "ts" if low.endswith((".ts", ".mts", ".cts")) else "js"
    if kind not in _LANGS:
        if kind == "js":
            import tree_sitter_javascript as grammar

            _LANGS[kind] = tree_sitter.Language(grammar.language())
        else:
            import tree_sitter_typescript as grammar

            _LANGS[kind] = tree_sitter.Language(
                grammar.language_tsx() if kind == "tsx" else grammar.language_typescript())
    return tree_sitter.Parser(_LANGS[kind])


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None,
                file_class: type | None = None) -> PolicyModel:
    """``file_class``: the JsFile subclass that finds the routes (hono.py's HonoFile)."""
    model = PolicyModel()
    for path in paths:
        text = _pyast.read_source(path, stdin, texts, model.problems, language="JavaScript")
        if text is None:
            continue
        too_many = _pyast.too_many_elements(path, text)
        if too_many is not None:
            model.problems.append(too_many)
            continue
        data = text.encode("utf-8", "surrogatepass")
        try:
            parser = _parser(path)
        except ImportError:
            model.problems.append(ParseProblem(
                path, None, "the JavaScript parser is not installed (pip install tree-sitter "
                "tree-sitter-javascript tree-sitter-typescript)"))
            continue
        tree = parser.parse(data)
        if _deeper_than(tree.root_node, _pyast.MAX_NESTING):
            model.problems.append(ParseProblem(path, None, _pyast.TOO_DEEP))
            continue
        errors = _errors(tree.root_node)
        if sum(e.end_byte - e.start_byte for e in errors) * 2 > len(data):
            # more error than code: not JavaScript or TypeScript this parser reads
            first = errors[0]
            model.problems.append(ParseProblem(path, first.start_point[0] + 1,
                                               f"{_language(path)} syntax error: {_error_text(first)}"))
            continue
        # tree-sitter recovers from a syntax error: what parses is read, the
        # regions it could not parse are named, and an expression that holds
        # one is an unknown value (JsFile.eval)
        # An error inside the statement that configures CORS (app.use(cors({...})))
        # leaves that configuration unread: the file is not linted as written,
        # which is said as a problem of its own (exit 2). Elsewhere in the file
        # it is a notice: the CORS configuration was read whole.
        in_cors = [e for e in errors if _in_cors_statement(e)]
        if in_cors:
            first = in_cors[0]
            model.problems.append(ParseProblem(
                path, first.start_point[0] + 1,
                f"{_language(path)} syntax error: {_error_text(first)} (in the CORS configuration, "
                "which cannot be read as written)"))
        errors = [e for e in errors if e not in in_cors]
        for error in errors[:MAX_ERRORS_NAMED]:
            lines = error.start_point[0] + 1, error.end_point[0] + 1
            where = f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}-{lines[1]}"
            model.problems.append(ParseProblem(
                path, lines[0], f"{_language(path)} syntax error ({where}): {_error_text(error)}; what parses "
                                "is read, a value holding the error is unknown", fatal=False))
        if len(errors) > MAX_ERRORS_NAMED:
            model.problems.append(ParseProblem(
                path, errors[MAX_ERRORS_NAMED].start_point[0] + 1,
                f"{len(errors) - MAX_ERRORS_NAMED} more syntax errors not read", fatal=False))
        js = (file_class or JsFile)(path, tree.root_node)
        try:
            routes = js.routes()
        except RecursionError:   # the nesting check above should make this impossible
            model.problems.append(ParseProblem(path, None, _pyast.TOO_DEEP))
            continue
        if in_cors and not routes:
            continue   # nothing of the configuration was read; its problem is said above
        model.files.append(path)
        model.routes.extend(routes)
        if js.bound_met is not None:
            model.problems.append(js.bound_met)
        model.problems.extend(js.notices)
    return model


# Syntax nested deeper than _pyast.MAX_NESTING is refused before any of it is
# walked, as for Python: no hand-written server nests a hundred levels, and
# the walks and evaluation below must never meet Python's recursion limit.


def _deeper_than(root, limit: int) -> bool:
    """Whether the syntax tree is more than ``limit`` levels deep (walked
    with a cursor: no recursion)."""
    cursor = root.walk()
    depth = 0
    while True:
        if cursor.goto_first_child():
            depth += 1
            if depth > limit:
                return True
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return False
            depth -= 1


# Words that mark a region as part of the CORS configuration.
_CORS_WORDS = re.compile(r"cors|access-control-", re.I)
# Statement kinds a syntax error is placed in, to tell whether it is in the CORS configuration
_STATEMENTS = ("expression_statement", "lexical_declaration", "variable_declaration", "return_statement",
               "export_statement", "program")


def _in_cors_statement(error) -> bool:
    """The syntax error lies in the statement that names CORS (or says CORS itself)."""
    if _CORS_WORDS.search(_node_text(error)):
        return True
    node = error.parent
    while node is not None and node.type not in _STATEMENTS:
        node = node.parent
    return node is not None and node.type != "program" and bool(_CORS_WORDS.search(_node_text(node)))
MAX_ERRORS_NAMED = 10   # syntax errors named one by one in a file's notices


def _errors(node) -> list:
    """The outermost ERROR and MISSING nodes, in the order of the text."""
    if not node.has_error:
        return []
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            out.append(n)
            continue
        stack.extend(reversed([c for c in n.children if c.has_error or c.is_missing]))
    return out or [node]


def _error_text(error) -> str:
    if error.is_missing:
        return f"missing {error.type!r}"
    return "unexpected " + repr(_node_text(error).split("\n")[0][:30])


def _language(path: str) -> str:
    return "TypeScript" if path.lower().endswith((".ts", ".mts", ".cts", ".tsx")) else "JavaScript"


def _node_text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


def _unwrap(node):
    while node is not None and node.type in ("parenthesized_expression", "as_expression",
                                             "satisfies_expression", "non_null_expression", "await_expression"):
        node = node.named_children[0] if node.named_children else None
    return node


# ---------------------------------------------------------------- values


@dataclass
class JsValue:
    """A statically known JavaScript value."""

    kind: str                  # str num bool null undef array object regex func origin unknown
    value: Any = None
    node: Any = None
    note: str = ""


JS_UNKNOWN = "unknown"


# Bounds on constant evaluation (see _pyast): past one, a value is unknown
# and the file gets one notice.
MAX_EVAL_DEPTH = 12
MAX_STEPS = 200_000


class JsFile:
    def __init__(self, path: str, root):
        self.path = path
        self.root = root
        self.steps = 0                               # expressions evaluated so far
        self.bound_met: ParseProblem | None = None   # the first bound met: the notice to give
        self.notices: list[ParseProblem] = []        # what the file does that corslint says, not judges
        self.decls: dict[str, list] = {}
        for n in _walk(root):
            if n.type == "variable_declarator":
                name = n.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    self.decls.setdefault(_node_text(name), []).append(n)
        self.cors_names = self._cors_names()

    def source_of(self, node) -> Source:
        return Source(self.path, node.start_point[0] + 1, node.start_point[1] + 1)

    # -- names

    def _cors_names(self) -> set[str]:
        names: set[str] = set()
        for n in _walk(self.root):
            if n.type == "variable_declarator":
                value = _unwrap(n.child_by_field_name("value"))
                name = n.child_by_field_name("name")
                if value is not None and value.type == "call_expression" and name is not None and \
                        _node_text(value.child_by_field_name("function")) == "require":
                    args = value.child_by_field_name("arguments")
                    if args is not None and args.named_children and \
                            self.eval(args.named_children[0]).value == "cors":
                        names.add(_node_text(name))
            elif n.type == "import_statement":
                source = n.child_by_field_name("source")
                if source is not None and self.eval(source).value == "cors":
                    for c in _walk(n):
                        if c.type == "import_clause":
                            for d in c.named_children:
                                if d.type == "identifier":
                                    names.add(_node_text(d))
        return names

    def resolve(self, ident) -> Any:
        """The value node of the one declaration of an identifier, or None."""
        decls = self.decls.get(_node_text(ident), [])
        if len(decls) != 1:
            return None
        return decls[0].child_by_field_name("value")

    # -- evaluation

    def _bound(self, node, message: str) -> JsValue:
        if self.bound_met is None:
            self.bound_met = ParseProblem(self.path, node.start_point[0] + 1, message, fatal=False)
        return JsValue(JS_UNKNOWN, message.split(";")[0], node)

    def eval(self, node, depth: int = 0, scope: dict | None = None) -> JsValue:
        """The value of ``node`` within the bounds (see _pyast)."""
        node = _unwrap(node)
        if node is None:
            return JsValue("undef")
        if depth > MAX_EVAL_DEPTH:
            return self._bound(node, _pyast.TOO_DEEP_VALUE)
        if node.has_error:   # holds text tree-sitter could not parse (named in a notice)
            return JsValue(JS_UNKNOWN, f"an expression with a syntax error ({_node_text(node)[:40]!r})", node)
        self.steps += 1
        if self.steps > MAX_STEPS:
            return self._bound(node, _pyast.TOO_LARGE)
        value = self._eval(node, depth, scope)
        if (value.kind == "str" and len(value.value) > _pyast.MAX_STRING) or \
                (value.kind == "array" and len(value.value) > _pyast.MAX_ITEMS):
            return self._bound(node, _pyast.TOO_LARGE)
        return value

    def _eval(self, node, depth: int, scope: dict | None) -> JsValue:
        t = node.type
        if t == "string":
            return JsValue("str", "".join(_node_text(c) if c.type == "string_fragment" else _escape(_node_text(c))
                                      for c in node.named_children), node)
        if t == "template_string":
            parts = []
            for c in node.named_children:
                if c.type == "string_fragment":
                    parts.append(_node_text(c))
                elif c.type == "escape_sequence":
                    parts.append(_escape(_node_text(c)))
                else:
                    return JsValue(JS_UNKNOWN, _node_text(node), node)
            return JsValue("str", "".join(parts), node)
        if t == "number":
            try:
                num = float(_node_text(node))
                return JsValue("num", int(num) if num.is_integer() else num, node)
            except ValueError:
                return JsValue(JS_UNKNOWN, _node_text(node), node)
        if t in ("true", "false"):
            return JsValue("bool", t == "true", node)
        if t == "null":
            return JsValue("null", None, node)
        if t == "undefined":
            return JsValue("undef", None, node)
        if t == "regex":
            pattern = node.child_by_field_name("pattern")
            flags = node.child_by_field_name("flags")
            return JsValue("regex", (_node_text(pattern), _node_text(flags)), node)
        if t == "array":
            return JsValue("array", [self.eval(c, depth + 1, scope) for c in node.named_children
                                if c.type != "comment"], node)
        if t == "object":
            out: dict[str, JsValue] = {}
            for pair in node.named_children:
                if pair.type == "pair":
                    key = pair.child_by_field_name("key")
                    key_value = self.eval(key, depth + 1, scope) if key.type in ("string", "number") else JsValue("str", _node_text(key))
                    if key_value.kind != "str":
                        continue
                    out[key_value.value] = self.eval(pair.child_by_field_name("value"), depth + 1, scope)
                    out[key_value.value].node = out[key_value.value].node or pair
                elif pair.type == "shorthand_property_identifier":
                    out[_node_text(pair)] = self.eval_ident(pair, depth, scope)
                elif pair.type == "spread_element":
                    inner = self.eval(pair.named_children[0], depth + 1, scope)
                    if inner.kind == "object":
                        out.update(inner.value)
                    else:
                        out["..."] = JsValue(JS_UNKNOWN, _node_text(pair), pair)
                elif pair.type == "method_definition":
                    name = pair.child_by_field_name("name")
                    out[_node_text(name)] = JsValue("func", pair, pair)
            return JsValue("object", out, node)
        if t in ("arrow_function", "function_expression", "function"):
            return JsValue("func", node, node)
        if t == "identifier":
            return self.eval_ident(node, depth, scope)
        if t == "binary_expression":
            op = _node_text(node.child_by_field_name("operator"))
            left = self.eval(node.child_by_field_name("left"), depth + 1, scope)
            if op in ("||", "??"):
                env_default = _env_name(node.child_by_field_name("left"))
                right = self.eval(node.child_by_field_name("right"), depth + 1, scope)
                if env_default is not None and right.kind != JS_UNKNOWN:
                    right.note = f"the default of {env_default}"
                    return right
                if left.kind == JS_UNKNOWN:
                    return JsValue(JS_UNKNOWN, _node_text(node), node)
                falsy = left.kind in ("null", "undef") or left.value in ("", 0, False)
                return right if (falsy if op == "||" else left.kind in ("null", "undef")) else left
            right = self.eval(node.child_by_field_name("right"), depth + 1, scope)
            if op == "+" and left.kind in ("str", "num") and right.kind in ("str", "num"):
                if left.kind == "num" and right.kind == "num":
                    return JsValue("num", left.value + right.value, node)
                if len(_js_str(left)) + len(_js_str(right)) > _pyast.MAX_STRING:
                    return self._bound(node, _pyast.TOO_LARGE)
                return JsValue("str", f"{_js_str(left)}{_js_str(right)}", node, left.note or right.note)
            return JsValue(JS_UNKNOWN, _node_text(node), node)
        if t == "call_expression":
            func = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if func is not None and func.type == "member_expression" and args is not None:
                prop = _node_text(func.child_by_field_name("property"))
                base = self.eval(func.child_by_field_name("object"), depth + 1, scope)
                argv = [self.eval(a, depth + 1, scope) for a in args.named_children]
                if base.kind == "str" and prop == "split" and len(argv) == 1 and argv[0].kind == "str":
                    # JavaScript splits on "" between characters; Python refuses it
                    parts = base.value.split(argv[0].value) if argv[0].value else list(base.value)
                    return JsValue("array", [JsValue("str", s, node, base.note) for s in parts], node, base.note)
                if base.kind == "str" and prop in ("trim", "toLowerCase", "toUpperCase") and not argv:
                    fn = {"trim": str.strip, "toLowerCase": str.lower, "toUpperCase": str.upper}[prop]
                    return JsValue("str", fn(base.value), node, base.note)
                if base.kind == "array" and prop == "map" and len(argv) == 1 and argv[0].kind == "func":
                    body = argv[0].value.child_by_field_name("body")
                    if body is not None and _node_text(body).endswith(".trim()"):
                        return JsValue("array", [JsValue("str", x.value.strip(), x.node, x.note) if x.kind == "str" else x
                                            for x in base.value], node, base.note)
                if base.kind == "array" and prop == "filter" and len(argv) == 1 and _node_text(args.named_children[0]) == "Boolean":
                    return JsValue("array", [x for x in base.value if not (x.kind == "str" and x.value == "")],
                              node, base.note)
            if func is not None and _node_text(func) == "RegExp" or (func is not None and _node_text(func) == "new RegExp"):
                pass
            return JsValue(JS_UNKNOWN, _node_text(node), node)
        if t == "new_expression":
            ctor = node.child_by_field_name("constructor")
            args = node.child_by_field_name("arguments")
            if _node_text(ctor) == "RegExp" and args is not None and args.named_children:
                pat = self.eval(args.named_children[0], depth + 1, scope)
                flags = self.eval(args.named_children[1], depth + 1, scope) if len(args.named_children) > 1 else JsValue("str", "")
                if pat.kind == "str" and flags.kind == "str":
                    return JsValue("regex", (pat.value, flags.value), node)
            return JsValue(JS_UNKNOWN, _node_text(node), node)
        if t in ("member_expression", "subscript_expression", "call_expression"):
            if _is_origin_expr(node, scope):
                return JsValue("origin", None, node)
            env = _env_name(node)
            if env is not None:
                return JsValue(JS_UNKNOWN, f"environment variable {env.split('.')[-1]}", node)
            return JsValue(JS_UNKNOWN, _node_text(node), node)
        if t == "ternary_expression":
            return JsValue(JS_UNKNOWN, _node_text(node), node)
        return JsValue(JS_UNKNOWN, _node_text(node), node)

    def eval_ident(self, node, depth: int, scope: dict | None) -> JsValue:
        name = _node_text(node)
        if scope is not None and name in scope:
            return scope[name]
        if name == "undefined":
            return JsValue("undef", None, node)
        value = self.resolve(node)
        if value is None:
            return JsValue(JS_UNKNOWN, name, node)
        return self.eval(value, depth + 1, scope)

    # -- routes

    def routes(self) -> list[Route]:
        routes: list[Route] = []
        declared = self._declared_methods()
        given_to_cors: set[str] = set()   # identifiers passed to cors() or enableCors()
        nest = not _FASTIFY.search(_node_text(self.root))
        for n in _walk(self.root):
            if n.type != "call_expression":
                continue
            function = n.child_by_field_name("function")
            # NestJS's Express adapter: enableCors(options) is app.use(cors(options))
            # (@nestjs/platform-express adapters/express-adapter.ts)
            enable_cors = nest and function is not None and function.type == "member_expression" and \
                _node_text(function.child_by_field_name("property")) == "enableCors"
            if nest and _node_text(function).endswith("NestFactory.create"):
                # NestFactory.create(Module, [adapter,] { cors: true | options }): NestApplication's
                # applyOptions calls enableCors(options), or enableCors() for `true`
                for option in _nest_cors_options(n):
                    routes.append(CorsCall(self, n, declared, options_node=option).route())
            if enable_cors and _after_init(n):
                # NestApplication.use() after init() (which listen() runs) mounts cors behind the
                # routes, which answer first: no route answer ever gets its headers (checked with
                # @nestjs/core 12.5.1: GET gets no CORS header, a preflight 404)
                self.notices.append(ParseProblem(
                    self.path, n.start_point[0] + 1,
                    "enableCors() is called after listen()/init(), so NestJS mounts cors behind the routes "
                    "and no route answer carries its headers: call it before listen()", fatal=False))
                continue
            if _node_text(function) in self.cors_names or enable_cors:
                routes.append(CorsCall(self, n, declared).route())
                args = n.child_by_field_name("arguments")
                if args is not None and args.named_children and args.named_children[0].type == "identifier":
                    given_to_cors.add(_node_text(args.named_children[0]))
        # an options object typed CorsOptions that this file never passes on
        # (exported for a cors() or enableCors() elsewhere): read as that call
        if nest or self.cors_names:
            for n in _walk(self.root):
                if n.type == "variable_declarator" and _options_typed(n) and \
                        _node_text(n.child_by_field_name("name")) not in given_to_cors:
                    value = _unwrap(n.child_by_field_name("value"))
                    if value is not None and value.type == "object":
                        routes.append(CorsCall(self, n, declared, options_node=value).route())
        routes.extend(ManualHeaders(self, declared).routes())
        routes.sort(key=lambda r: (r.source.line, r.source.column))
        return routes

    def _declared_methods(self) -> tuple[tuple[str, Source], ...]:
        found: dict[str, Source] = {}
        for n in _walk(self.root):
            if n.type != "call_expression":
                continue
            func = n.child_by_field_name("function")
            if func is None or func.type != "member_expression":
                continue
            verb = _node_text(func.child_by_field_name("property"))
            args = n.child_by_field_name("arguments")
            if verb in ("put", "patch", "delete") and args is not None and args.named_children:
                first = self.eval(args.named_children[0])
                if first.kind in ("str", "regex") and (first.kind == "regex" or str(first.value).startswith("/")):
                    found.setdefault(verb.upper(), self.source_of(n))
        return tuple(sorted(found.items()))

    def usages(self, call) -> list[tuple[str, str]]:
        """(verb, path) for every router call that mounts this middleware."""
        out: list[tuple[str, str]] = []
        targets = [call]
        parent = call.parent
        if parent is not None and parent.type == "variable_declarator":
            name = _node_text(parent.child_by_field_name("name"))
            targets = [n for n in _walk(self.root) if n.type == "identifier" and _node_text(n) == name and n != parent.child_by_field_name("name")]
        for target in targets:
            args = target.parent
            if args is None or args.type != "arguments":
                continue
            mount = args.parent
            func = mount.child_by_field_name("function") if mount is not None else None
            if func is None or func.type != "member_expression":
                continue
            verb = _node_text(func.child_by_field_name("property"))
            if verb not in VERBS:
                continue
            path = "/"
            first = args.named_children[0] if args.named_children else None
            if first is not None and first != target:
                fv = self.eval(first)
                if fv.kind == "str":
                    path = fv.value
            out.append((verb, path))
        return out


def _after_init(call) -> bool:
    """``app.enableCors(...)`` after ``await app.listen(...)`` or ``await
    app.init()`` on the same object, a statement of its own earlier in the
    same block. Only an awaited call counts (un-awaited, enableCors runs
    before init() has mounted the routes: cors answers first, as the real
    NestJS shows), and only a straight-line one (a listen() inside an
    earlier ``if`` may never run)."""
    function = call.child_by_field_name("function")
    target = _node_text(function.child_by_field_name("object"))
    statement = call
    while statement.parent is not None and statement.parent.type not in ("statement_block", "program"):
        statement = statement.parent
    sibling = statement.prev_named_sibling
    while sibling is not None:
        if _awaits_init_of(sibling, target):
            return True
        sibling = sibling.prev_named_sibling
    return False


def _awaits_init_of(statement, target: str) -> bool:
    """``await target.listen(...)`` / ``await target.init()`` as a statement,
    or as the value a declaration stores (``const s = await app.listen(3000)``)."""
    if statement.type == "expression_statement":
        values = statement.named_children[:1]
    elif statement.type in ("lexical_declaration", "variable_declaration"):
        values = [d.child_by_field_name("value") for d in statement.named_children if d.type == "variable_declarator"]
    else:
        return False
    for value in values:
        while value is not None and value.type == "parenthesized_expression" and value.named_children:
            value = value.named_children[0]   # not _unwrap: it looks through the await itself
        if value is None or value.type != "await_expression" or not value.named_children:
            continue
        awaited = _unwrap(value.named_children[0])
        f = awaited.child_by_field_name("function") if awaited is not None and awaited.type == "call_expression" else None
        if f is not None and f.type == "member_expression" and \
                _node_text(f.child_by_field_name("property")) in ("listen", "init") and \
                _node_text(f.child_by_field_name("object")) == target:
            return True
    return False


def _flattened(items: list[JsValue]) -> list[JsValue]:
    """The entries of an origin array with nested arrays opened, as cors's
    isOriginAllowed looks into them."""
    out: list[JsValue] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        if item.kind == "array":
            stack.extend(reversed(item.value))
        else:
            out.append(item)
    return out


def _escape(text: str) -> str:
    try:
        return text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return text


def _js_str(v: JsValue) -> str:
    if v.kind == "num":
        return str(v.value)
    return str(v.value)


def _env_name(node) -> str | None:
    text = _node_text(_unwrap(node)) if node is not None else ""
    m = re.fullmatch(r"process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])", text)
    if m:
        return f"process.env.{m.group(1) or m.group(2)}"
    return None


_ORIGIN_EXPR = re.compile(
    r"""^(req|request)\.(headers\.origin|headers\[\s*['"]origin['"]\s*\]|header\(\s*['"]origin['"]\s*\)|"""
    r"""get\(\s*['"]origin['"]\s*\))$""", re.I)


def _is_origin_expr(node, scope) -> bool:
    text = re.sub(r"\s+", "", _node_text(node))
    return bool(_ORIGIN_EXPR.match(text))


def _matcher_for(js: JsFile, v: JsValue, note: str = "") -> OriginMatcher | None:
    src = js.source_of(v.node) if v.node is not None else None
    # JavaScript's `===` and RegExp.test(), as cors and hand-written checks use them
    if v.kind == "str":
        return SEMANTICS.exact(v.value, src, note or v.note)
    if v.kind == "regex":
        pattern, flags = v.value
        return SEMANTICS.regex(pattern, "i" in flags, src, note or v.note)
    return None


def _list_text(v: JsValue) -> Value | str:
    if v.kind == "str":
        return v.value
    if v.kind == "array" and all(x.kind == "str" for x in v.value):
        return ",".join(x.value for x in v.value)
    if v.kind == "num":
        return str(v.value)
    return Value((Unknown(str(v.value) if v.kind == JS_UNKNOWN else "setting"),))


# ---------------------------------------------------------------- the cors package


def _nest_cors_options(create) -> list:
    """The value of ``cors`` in NestFactory.create's options object, when it
    switches CORS on (``false`` or absent: nothing)."""
    args = create.child_by_field_name("arguments")
    for arg in (args.named_children if args is not None else []):
        arg = _unwrap(arg)
        if arg is None or arg.type != "object":
            continue
        for pair in arg.named_children:
            if pair.type == "pair" and _node_text(pair.child_by_field_name("key")).strip("'\"") == "cors":
                value = _unwrap(pair.child_by_field_name("value"))
                return [] if value is None or value.type in ("false", "null", "undefined") else [value]
            if pair.type == "shorthand_property_identifier" and _node_text(pair) == "cors":
                return [pair]   # `{ cors }`: the variable's value (CorsCall evaluates it)
    return []


def _options_typed(declarator) -> bool:
    """``const x: CorsOptions = ...`` (cors's type, or NestJS's of the same shape)."""
    annotation = declarator.child_by_field_name("type")
    return annotation is not None and re.fullmatch(r":\s*(?:cors\.)?CorsOptions", _node_text(annotation)) is not None


class CorsCall:
    """One cors() middleware: a ``cors(options)`` or ``enableCors(options)``
    call, or (``options_node``) an options object declared for one elsewhere,
    read as ``app.use(cors(options))``."""

    def __init__(self, js: JsFile, call, declared, options_node=None):
        self.js = js
        self.call = call
        self.declared = declared
        self.anchor = js.source_of(call)
        if options_node is None:
            args = call.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
        else:
            first = options_node
        self.options_node = first
        if first is not None and first.type == "shorthand_property_identifier":   # { cors }
            self.options = js.eval_ident(first, 0, None)
        else:
            self.options = js.eval(first) if first is not None else JsValue("object", {}, None)
        if first is not None and (first.type == "true" or (self.options.kind == "bool" and self.options.value)):
            self.options = JsValue("object", {}, None)   # NestFactory.create(..., { cors: true }): enableCors()

    def option(self, name: str) -> JsValue | None:
        if self.options.kind != "object":
            return None
        return self.options.value.get(name)

    def where(self, v: JsValue | None) -> Source:
        if v is not None and v.node is not None:
            return self.js.source_of(v.node)
        return self.anchor

    def origin_policy(self) -> OriginPolicy:
        if self.options.kind == "func":
            return OriginPolicy("unknown", self.anchor, what="options chosen per request by a callback")
        if self.options.kind != "object":
            return OriginPolicy("unknown", self.anchor, what=f"cors options ({self.options.value})")
        if "..." in self.options.value and "origin" not in self.options.value:
            return OriginPolicy("unknown", self.anchor, what="cors options spread from elsewhere")
        origin = self.option("origin")
        if origin is None or origin.kind in ("undef", "null") or (origin.kind == "str" and origin.value == "*"):
            return OriginPolicy("star", self.where(origin), note=origin.note if origin else "")
        src = self.where(origin)
        if origin.kind == "bool":
            return OriginPolicy("reflect" if origin.value else "none", src, note=origin.note)
        if origin.kind == "str":
            return OriginPolicy("fixed", src, fixed=origin.value, note=origin.note)
        if origin.kind == "regex":
            return OriginPolicy("list", src, matchers=[_matcher_for(self.js, origin)])
        if origin.kind == "array":
            matchers, partial = [], []
            for item in _flattened(origin.value):
                m = _matcher_for(self.js, item, origin.note)
                if m is None:
                    partial.append(f"an origin entry ({item.value})")
                else:
                    matchers.append(m)
            return OriginPolicy("list", src, matchers=matchers, partial="; ".join(partial))
        if origin.kind == "func":
            return callback_policy(self.js, origin.value, src)
        return OriginPolicy("unknown", src, what=f"origin ({origin.value})")

    def route(self) -> Route:
        policy = self.origin_policy()
        usages = self.js.usages(self.call) or [("use", "/")]
        verbs = {v for v, _ in usages}
        path = usages[0][1]
        creds = self.option("credentials")
        credentials_header = None
        if creds is not None and creds.kind == JS_UNKNOWN:
            credentials_header = Written(Value((Unknown(str(creds.value)),)), self.where(creds), creds.note)
        elif creds is not None and creds.kind == "bool" and creds.value is True:
            credentials_header = Written("true", self.where(creds), creds.note)
        expose = self.option("exposedHeaders")
        expose_header = None
        if expose is not None and expose.kind not in ("undef", "null"):
            expose_header = Written(_list_text(expose), self.where(expose), expose.note)
        methods = self.option("methods")
        acam = _list_text(methods) if methods is not None else SEMANTICS.defaults["methods"]
        headers = self.option("allowedHeaders") or self.option("headers")
        echoes = headers is None or headers.kind in ("undef", "null")
        if echoes:
            allow_headers: Written | None = Written(Value((Unknown("the requested headers (cors echoes them)"),)),
                                                    self.anchor)
        else:
            text = _list_text(headers)
            allow_headers = Written(text, self.where(headers), headers.note) if text != "" else None
        age = self.option("maxAge")
        max_age = None
        if age is not None and age.kind in ("num", "str"):
            max_age = Written(str(age.value), self.where(age), age.note)
        elif age is not None and age.kind == JS_UNKNOWN:
            max_age = Written(Value((Unknown(str(age.value)),)), self.where(age))

        status_opt = self.option("optionsSuccessStatus")
        cont = self.option("preflightContinue")
        passed_on = None
        if cont is not None and cont.kind == "bool" and cont.value:
            passed_on = Outcome(None, self.where(cont), delegate="app",
                                reason="preflightContinue passes OPTIONS on to the application")
        framework_answer = ""
        if not verbs & {"use", "all", "options"}:
            framework_answer = ("Express answers OPTIONS itself with an Allow header: "
                                f"cors() is mounted on {', '.join(sorted(verbs))} only")
        settings = CorsSettings(
            origin=policy, origin_note=policy.note, credentials=credentials_header, expose=expose_header,
            methods=Written(acam, self.where(methods), methods.note if methods else ""),
            allow_headers=allow_headers, echoes_request_headers=echoes, max_age=max_age,
            preflight_status=status_opt.value if status_opt is not None and status_opt.kind == "num" else None,
            preflight_outcome=passed_on, framework_answers_options=framework_answer)

        if verbs & {"use", "all"}:
            app_methods = ACTUAL_METHODS
        else:
            app_methods = frozenset(v.upper() for v in verbs if v != "options")
            if "GET" in app_methods:
                app_methods |= {"HEAD"}
        declared = dict(self.declared)
        for v in verbs:
            if v.upper() in ("PUT", "PATCH", "DELETE"):
                declared.setdefault(v.upper(), self.anchor)
        route = library_route(SEMANTICS, settings, name=f"cors() at {self.path_line}", anchor=self.anchor,
                              path=path, declared=tuple(sorted(declared.items())),
                              app_methods=app_methods or None)
        # cors 2.8 merges the options over its defaults and never reads a
        # property it does not know (checked with the real package:
        # cors({ origins: [...] }) answers '*')
        if self.options.kind == "object":
            written = [(key, self.where(value)) for key, value in self.options.value.items() if key != "..."]
            route.ignored_names = ignored_names(SEMANTICS, written)
        return route

    @property
    def path_line(self) -> str:
        return f"{self.js.path}:{self.anchor.line}"


def _params(func) -> list[str]:
    params = func.child_by_field_name("parameters")
    if params is None:
        single = func.child_by_field_name("parameter")
        return [_node_text(single)] if single is not None else []
    out = []
    for p in params.named_children:
        if p.type == "identifier":
            out.append(_node_text(p))
        else:
            ident = next((c for c in _walk(p) if c.type == "identifier"), None)
            out.append(_node_text(ident) if ident is not None else "")
    return out


def callback_policy(js: JsFile, func, src: Source) -> OriginPolicy:
    """``origin: (origin, callback) => ...``: always allows (reflect), allows a
    list (``list.includes(origin)``/``indexOf``/``===``/``re.test``), or unknown."""
    params = _params(func)
    if len(params) < 2:
        return OriginPolicy("unknown", src, what="origin callback")
    oname, cb = params[0], params[1]
    body = func.child_by_field_name("body")
    allows, conditions = [], []
    for n in _walk(body):
        if n.type == "call_expression" and _node_text(n.child_by_field_name("function")) == cb:
            args = n.child_by_field_name("arguments").named_children
            granted = len(args) >= 2 and (_node_text(args[1]) in ("true", oname) or
                                          (args[1].type in ("string",) and False))
            if granted:
                allows.append(n)
                conditions.append(_guards(n, body))
    if not allows:
        return OriginPolicy("unknown", src, what="origin callback")
    if any(not conds for conds in conditions):
        return OriginPolicy("reflect", src, note="an origin callback that allows every origin")
    matchers: list[OriginMatcher] = []
    for conds in conditions:
        for cond, positive in conds:
            found = _origin_condition(js, cond, {oname}) if positive else None
            if found is None:
                continue
            matchers.extend(found)
    if not matchers:
        return OriginPolicy("unknown", src, what="origin callback")
    return OriginPolicy("list", src, matchers=matchers)


def _guards(node, stop) -> list[tuple[Any, bool]]:
    """(condition, taken-when-true) of every ``if``/ternary between ``node`` and ``stop``."""
    out = []
    child, parent = node, node.parent
    while parent is not None and parent != stop:
        if parent.type == "if_statement":
            cond = parent.child_by_field_name("condition")
            if child == parent.child_by_field_name("consequence"):
                out.append((cond, True))
            elif child == parent.child_by_field_name("alternative"):
                out.append((cond, False))
        elif parent.type == "else_clause":
            pass
        elif parent.type == "ternary_expression":
            cond = parent.child_by_field_name("condition")
            if child == parent.child_by_field_name("consequence"):
                out.append((cond, True))
            elif child == parent.child_by_field_name("alternative"):
                out.append((cond, False))
        elif parent.type == "binary_expression" and _node_text(parent.child_by_field_name("operator")) == "&&" \
                and child == parent.child_by_field_name("right"):
            out.append((parent.child_by_field_name("left"), True))
        if parent.type == "else_clause" and parent.parent is not None and parent.parent.type == "if_statement":
            out.append((parent.parent.child_by_field_name("condition"), False))
            child, parent = parent.parent, parent.parent.parent
            continue
        child, parent = parent, parent.parent
    return out


def _origin_condition(js: JsFile, cond, names: set[str]) -> list[OriginMatcher] | None:
    """Matchers for a condition that admits listed origins; None when the
    condition is not about the Origin (or not in a form corslint reads)."""
    cond = _unwrap(cond)
    if cond is None:
        return None
    if cond.type == "binary_expression":
        op = _node_text(cond.child_by_field_name("operator"))
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        if op == "||":
            a = _origin_condition(js, left, names)
            b = _origin_condition(js, right, names)
            if a is None and b is None:
                return None
            # `!origin || list.includes(origin)`: requests without Origin are not CORS requests
            if a is None and _is_no_origin(left, names):
                return b
            if b is None and _is_no_origin(right, names):
                return a
            if a is None or b is None:
                return None
            return a + b
        if op in ("===", "=="):
            for x, y in ((left, right), (right, left)):
                if _names_origin(x, names):
                    v = js.eval(y)
                    m = _matcher_for(js, v)
                    return [m] if m is not None else None
            # list.indexOf(origin) !== -1 etc. use !==/>/>=
            return None
        if op in ("!==", "!=", ">", ">="):
            call = _unwrap(left)
            if call is not None and call.type == "call_expression":
                return _membership(js, call, names, "indexOf")
        return None
    if cond.type == "call_expression":
        return _membership(js, cond, names, None) or _affix(js, cond, names)
    return None


def _affix(js: JsFile, call, names: set[str]) -> list[OriginMatcher] | None:
    """``origin.endsWith('example.com')`` / ``origin.startsWith('https://')``:
    the regex that accepts exactly the same origins, so that the allowlist
    rules judge it (``endsWith('example.com')`` lets https://notexample.com in)."""
    func = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if func is None or func.type != "member_expression" or args is None or len(args.named_children) != 1:
        return None
    prop = _node_text(func.child_by_field_name("property"))
    if prop not in ("endsWith", "startsWith") or not _names_origin(func.child_by_field_name("object"), names):
        return None
    v = js.eval(args.named_children[0])
    if v.kind != "str" or not v.value:
        return None
    escaped = re.sub(r"([\\^$.|?*+()\[\]{}/-])", r"\\\1", v.value)
    pattern = f"^{escaped}" if prop == "startsWith" else f"{escaped}$"
    note = f"{_node_text(call)} accepts what /{pattern}/ does"
    return [SEMANTICS.regex(pattern, False, js.source_of(call), note)]


def _is_no_origin(node, names: set[str]) -> bool:
    node = _unwrap(node)
    return node is not None and node.type == "unary_expression" and _node_text(node).replace(" ", "").lstrip("!") in names


def _names_origin(node, names: set[str]) -> bool:
    node = _unwrap(node)
    return node is not None and (_node_text(node) in names or _is_origin_expr(node, None))


def _membership(js: JsFile, call, names: set[str], want: str | None) -> list[OriginMatcher] | None:
    func = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if func is None or func.type != "member_expression" or args is None or len(args.named_children) != 1:
        return None
    prop = _node_text(func.child_by_field_name("property"))
    if not _names_origin(args.named_children[0], names):
        return None
    base = js.eval(func.child_by_field_name("object"))
    if prop in ("includes", "indexOf") and (want is None or prop == want or want == "indexOf"):
        if base.kind == "array":
            return [m for m in (_matcher_for(js, x, base.note) for x in base.value) if m is not None]
        return None
    if prop == "test" and base.kind == "regex":
        m = _matcher_for(js, base)
        return [m] if m is not None else None
    return None


# ---------------------------------------------------------------- headers set by hand


@dataclass
class HandSetHeader:
    name: str
    value: Value
    source: Source
    method: bool | None = None        # True: OPTIONS only; False: not OPTIONS
    opaque: tuple[str, ...] = ()


@dataclass
class Handler:
    func: Any
    headers: list[HandSetHeader] = field(default_factory=list)
    preflight_status: tuple[int, Source] | None = None


class ManualHeaders:
    def __init__(self, js: JsFile, declared):
        self.js = js
        self.declared = declared

    def routes(self) -> list[Route]:
        handlers: dict[int, Handler] = {}
        for n in _walk(self.js.root):
            if n.type != "call_expression":
                continue
            func = n.child_by_field_name("function")
            if func is None or func.type != "member_expression" or _node_text(func.child_by_field_name("property")) not in SETTERS:
                continue
            pairs = self._pairs(n)
            if not pairs:
                continue
            fn = _enclosing_function(n)
            key = fn.id if fn is not None else -1
            handler = handlers.setdefault(key, Handler(fn))
            for name, value_node in pairs:
                handler.headers.append(self._manual(name, value_node, n, fn))
        routes = []
        for handler in handlers.values():
            route = self._route(handler)
            if route is not None:
                routes.append(route)
        return routes

    def _pairs(self, call) -> list[tuple[str, Any]]:
        args = call.child_by_field_name("arguments")
        if args is None or not args.named_children:
            return []
        first = args.named_children[0]
        out = []
        if len(args.named_children) >= 2:
            key = self.js.eval(first)
            if key.kind == "str" and key.value.lower().startswith("access-control-") or \
                    (key.kind == "str" and key.value.lower() == "vary"):
                out.append((key.value, args.named_children[1]))
        elif _unwrap(first) is not None and _unwrap(first).type == "object":
            for pair in _unwrap(first).named_children:
                if pair.type != "pair":
                    continue
                key = pair.child_by_field_name("key")
                key_value = self.js.eval(key) if key.type == "string" else JsValue("str", _node_text(key))
                if key_value.kind == "str" and (key_value.value.lower().startswith("access-control-") or key_value.value.lower() == "vary"):
                    out.append((key_value.value, pair.child_by_field_name("value")))
        if out and not any(k.lower().startswith("access-control-") for k, _ in out):
            return []
        return out

    def _scope(self, fn) -> dict[str, JsValue]:
        """Names a handler binds to the request's Origin."""
        scope: dict[str, JsValue] = {}
        if fn is None:
            return scope
        for n in _walk(fn):
            if n.type == "variable_declarator":
                value = n.child_by_field_name("value")
                name = n.child_by_field_name("name")
                if value is not None and name is not None and name.type == "identifier" and _is_origin_expr(_unwrap(value), None):
                    scope[_node_text(name)] = JsValue("origin", None, value)
        return scope

    def _value(self, node, scope: dict[str, JsValue], names: set[str]) -> Value:
        node = _unwrap(node)
        if node is None:
            return Value((Unknown("?"),))
        if node.type == "ternary_expression":
            cond = node.child_by_field_name("condition")
            matchers = _origin_condition(self.js, cond, names)
            yes = self._value(node.child_by_field_name("consequence"), scope, names)
            no = self._value(node.child_by_field_name("alternative"), scope, names)
            if matchers:
                return Value((OriginMap(tuple(MapEntry(m, yes) for m in matchers), no, self.js.source_of(node)),))
            return Value((Unknown(_node_text(node)),))
        if node.type == "binary_expression" and _node_text(node.child_by_field_name("operator")) in ("||", "??"):
            left = self._value(node.child_by_field_name("left"), scope, names)
            if left.parts == (OriginRef(),):
                return left  # `req.headers.origin || '*'`: a CORS request always has an Origin
        v = self.js.eval(node, scope=scope)
        if v.kind == "origin":
            return Value.origin()
        if v.kind == "str":
            return Value.literal(v.value)
        if v.kind in ("num",):
            return Value.literal(str(v.value))
        if v.kind == "bool":
            return Value.literal("true" if v.value else "false")
        if v.kind == "array" and all(x.kind == "str" for x in v.value):
            return Value.literal(",".join(x.value for x in v.value))
        return Value((Unknown(str(v.value) if v.kind == JS_UNKNOWN else _node_text(node)),))

    def _manual(self, name: str, value_node, call, fn) -> HandSetHeader:
        scope = self._scope(fn)
        names = set(scope) | {"origin"} if "origin" in scope else set(scope)
        value = self._value(value_node, scope, names)
        method: bool | None = None
        opaque: list[str] = []
        matchers: list[OriginMatcher] | None = None
        for cond, positive in _guards(call, fn):
            text = re.sub(r"\s+", " ", _node_text(cond))
            m = re.fullmatch(r"\(?\s*(?:req|request)\.method\s*(===|==|!==|!=)\s*['\"](\w+)['\"]\s*\)?", text)
            if m:
                is_options = m.group(2).upper() == "OPTIONS"
                says = (m.group(1) in ("===", "==")) == positive
                if is_options:
                    method = says
                elif says:
                    opaque.append(text)
                continue
            found = _origin_condition(self.js, cond, names) if positive else None
            if found:
                matchers = (matchers or []) + found
                continue
            opaque.append(("" if positive else "not ") + text)
        if matchers:
            value = Value((OriginMap(tuple(MapEntry(m, value) for m in matchers), Value.literal(""),
                                     self.js.source_of(call)),))
        return HandSetHeader(name, value, self.js.source_of(call), method, tuple(opaque))

    def _preflight_outcome(self, handler: Handler) -> Outcome | None:
        """The status a handler's `if (req.method === 'OPTIONS') { ... }` answers with."""
        fn = handler.func
        if fn is None:
            return None
        for n in _walk(fn):
            if n.type != "if_statement":
                continue
            text = re.sub(r"\s+", "", _node_text(n.child_by_field_name("condition")))
            if not re.fullmatch(r"\(?(req|request)\.method===?['\"]OPTIONS['\"]\)?", text, re.I):
                continue
            body = n.child_by_field_name("consequence")
            for c in _walk(body):
                if c.type != "call_expression":
                    continue
                ctext = re.sub(r"\s+", "", _node_text(c))
                m = re.match(r"^\w+\.sendStatus\((\d{3})\)$", ctext) or re.match(r"^\w+\.status\((\d{3})\)\.", ctext) \
                    or re.match(r"^\w+\.writeHead\((\d{3})", ctext)
                if m:
                    return Outcome(int(m.group(1)), self.js.source_of(c), reason=ctext)
                if re.match(r"^\w+\.(end|send|json)\(", ctext):
                    return Outcome(200, self.js.source_of(c), reason=ctext)
        return None

    def _route(self, handler: Handler) -> Route | None:
        if not any(h.name.lower().startswith("access-control-") for h in handler.headers):
            return None
        anchor = handler.headers[0].source
        pre_outcome = self._preflight_outcome(handler) or Outcome(
            None, anchor, delegate="app", reason="the handler (OPTIONS is not answered here)")
        opaque_texts = tuple(dict.fromkeys(t for h in handler.headers for t in h.opaque))

        def emissions(for_options: bool, with_opaque: bool):
            out = []
            for h in handler.headers:
                if h.method is not None and h.method != for_options:
                    continue
                if h.opaque and not with_opaque:
                    continue
                out.append(emission(h.name, h.value, h.source))
            return tuple(out)

        branches: list[Branch] = []
        for with_opaque in ((True, False) if opaque_texts else (False,)):
            cond = opaque_texts if with_opaque else ()
            branches.append(Branch(outcome=pre_outcome, headers=emissions(True, with_opaque), methods=PREFLIGHT,
                                   opaque_conditions=cond, source=anchor, label="OPTIONS"))
            branches.append(Branch(outcome=Outcome(None, anchor, delegate="app", reason="the Express handler"),
                                   headers=emissions(False, with_opaque), methods=ACTUAL_METHODS,
                                   opaque_conditions=cond, source=anchor, label="handler"))
        return Route(name=f"headers set at {self.js.path}:{anchor.line}", source=anchor, branches=branches,
                     path="/", declared_methods=self.declared, frontend=NAME)


def _enclosing_function(node):
    p = node.parent
    while p is not None:
        if p.type in ("arrow_function", "function_expression", "function_declaration", "function",
                      "method_definition", "generator_function_declaration"):
            return p
        p = p.parent
    return None
