"""Hono's ``hono/cors`` middleware -> policy model.

The source is read with the tree-sitter JavaScript/TypeScript reader of
express.py (``JsFile``); nothing is run. Encodes what hono 4.13.19's
dist/middleware/cors/index.js does (checked against the real package by
tests/test_framework_truth.py):

* ``origin`` absent or ``'*'``: ``Access-Control-Allow-Origin: *`` on every
  answer, also with ``credentials: true`` (browsers then refuse credentialed
  requests);
* any other string, or an array: the Origin is echoed when it equals the string
  or is ``includes``-d in the array (``'*'`` in an array is a literal); anything
  else gets no ACAO;
* a function ``(origin, c) => ...``: its return value is the ACAO (``o => o``
  echoes every Origin, ``null`` included);
* ``Access-Control-Allow-Credentials`` and Expose-Headers go to every answer;
  ``Vary: Origin`` whenever the ``origin`` option is not ``'*'``;
* every OPTIONS request is answered 204 by the middleware with
  ``allowMethods`` (default GET,HEAD,PUT,POST,DELETE,PATCH,QUERY), ``allowHeaders``
  (default: the requested headers echoed, with ``Vary:
  Access-Control-Request-Headers``) and ``maxAge``;
* options it does not know are spread into its options object and never read.
"""

from __future__ import annotations

import re

from ..model import Route, Unknown, Value
from . import _pyast, express
from ._appmodel import ACTUAL_METHODS, OriginPolicy
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
from .express import JS_UNKNOWN, JsFile, _flattened, _list_text, _node_text, _params, _walk

NAME = "hono"

# hono 4.13.19, dist/middleware/cors/index.js (the version
# tests/framework_truth/node/package-lock.json installs)
SEMANTICS = LibrarySemantics(
    library="hono 4.13.19 (hono/cors)",
    frontend=NAME,
    # the CORSOptions keys
    setting_names={name: (name,) for name in
                   ("origin", "allowMethods", "allowHeaders", "exposeHeaders", "credentials", "maxAge")},
    # `const opts = { origin: "*", allowMethods: [...], allowHeaders: [], exposeHeaders: [], ...options }`
    defaults={"origin": "*", "allowMethods": "GET,HEAD,PUT,POST,DELETE,PATCH,QUERY", "allowHeaders": "",
              "exposeHeaders": ""},
    # findAllowOrigin: '*', a string compared with ===, an array's includes(), a function
    policy_kinds=frozenset({"star", "reflect", "list"}),
    exact_engine="exact",
    regex_engine="js-test",          # never produced: hono takes no RegExp
    # '*' is sent as is whatever `credentials` says
    wildcard=WILDCARD_STAR,
    # credentials and exposeHeaders are set before the origin is looked at
    headers_to=EVERY_ORIGIN,
    # `if (opts.origin !== "*") ... append("Vary", "Origin")`
    vary_origin=VARY_UNLESS_STAR,
    # `if (c.req.method === "OPTIONS") return new Response(null, { status: 204 })`
    preflight_status=204,
    preflight_reason="hono's cors middleware answers every OPTIONS request itself ({status})",
    echo_vary="Access-Control-Request-Headers",
    app_label="handler",
    app_reason="the Hono handler",
    actual_order=(ORIGIN, CREDENTIALS, EXPOSE, VARY),
    preflight_order=(ORIGIN, CREDENTIALS, EXPOSE, VARY, MAX_AGE, METHODS, ALLOW_HEADERS),
)

_HONO_IMPORT = re.compile(r"""['"]hono/cors['"]""")
WALK_SUFFIXES = express.WALK_SUFFIXES   # the walk's prefilter (frontends/__init__.py)
WALK_MARKER = rb"hono/cors"


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not express.js_source(path):
        return False
    head = _pyast.head_text(path, text)
    return bool(head and _HONO_IMPORT.search(head))


class HonoFile(JsFile):
    """A JavaScript/TypeScript file that imports ``cors`` from ``hono/cors``."""

    def _cors_names(self) -> set[str]:
        names: set[str] = set()
        for n in _walk(self.root):
            if n.type == "import_statement":
                source = n.child_by_field_name("source")
                if source is None or self.eval(source).value != "hono/cors":
                    continue
                for spec in _walk(n):
                    if spec.type == "import_specifier" and _node_text(spec.child_by_field_name("name")) == "cors":
                        alias = spec.child_by_field_name("alias")
                        names.add(_node_text(alias if alias is not None else spec.child_by_field_name("name")))
            elif n.type == "variable_declarator":
                # const { cors } = require('hono/cors')
                value = express._unwrap(n.child_by_field_name("value"))
                name = n.child_by_field_name("name")
                if value is not None and value.type == "call_expression" and name is not None and \
                        name.type == "object_pattern" and \
                        _node_text(value.child_by_field_name("function")) == "require":
                    args = value.child_by_field_name("arguments")
                    if args is not None and args.named_children and \
                            self.eval(args.named_children[0]).value == "hono/cors":
                        for c in name.named_children:
                            if _node_text(c) == "cors":
                                names.add("cors")
        return names

    def routes(self) -> list[Route]:
        routes = []
        for n in _walk(self.root):
            if n.type == "call_expression" and _node_text(n.child_by_field_name("function")) in self.cors_names:
                routes.append(HonoCors(self, n).route())
        routes.sort(key=lambda r: (r.source.line, r.source.column))
        return routes


def parse_files(paths, stdin=None, texts=None, roots=None):
    return express.parse_files(paths, stdin, texts, roots, file_class=HonoFile)


class HonoCors(express.CorsCall):
    """One ``cors(options)`` from hono/cors."""

    def __init__(self, js: JsFile, call):
        super().__init__(js, call, ())

    def origin_policy(self) -> OriginPolicy:
        if self.options.kind != "object":
            return OriginPolicy("unknown", self.anchor, what=f"cors options ({self.options.value})")
        if "..." in self.options.value and "origin" not in self.options.value:
            return OriginPolicy("unknown", self.anchor, what="cors options spread from elsewhere")
        origin = self.option("origin")
        # `{ origin: undefined, ...}` spreads undefined over the default: opts.origin is undefined
        if origin is None or (origin.kind == "str" and origin.value == "*"):
            return OriginPolicy("star", self.where(origin), note=origin.note if origin else "")
        src = self.where(origin)
        if origin.kind == "str":
            return OriginPolicy("list", src, matchers=[SEMANTICS.exact(origin.value, src, origin.note)])
        if origin.kind == "array":
            matchers, partial = [], []
            for item in _flattened(origin.value):
                if item.kind == "str":
                    item_src = self.js.source_of(item.node) if item.node is not None else src
                    matchers.append(SEMANTICS.exact(item.value, item_src, origin.note))
                else:
                    partial.append(f"an origin entry ({item.value})")
            return OriginPolicy("list", src, matchers=matchers, partial="; ".join(partial))
        if origin.kind == "func":
            return _function_policy(self.js, origin.value, src)
        return OriginPolicy("unknown", src, what=f"origin ({origin.value})")

    def route(self) -> Route:
        policy = self.origin_policy()
        usages = self.js.usages(self.call) or [("use", "/")]
        path = usages[0][1]
        creds = self.option("credentials")
        credentials = None
        if creds is not None and creds.kind == JS_UNKNOWN:
            credentials = Written(Value((Unknown(str(creds.value)),)), self.where(creds), creds.note)
        elif creds is not None and creds.value not in (False, None, 0, "") and creds.kind != "undef":
            credentials = Written("true", self.where(creds), creds.note)   # `if (opts.credentials)`
        expose = self.option("exposeHeaders")
        expose_header = None
        if expose is not None and expose.kind not in ("undef", "null"):
            text = _list_text(expose)
            expose_header = Written(text, self.where(expose), expose.note) if text != "" else None
        methods = self.option("allowMethods")
        acam = _list_text(methods) if methods is not None else SEMANTICS.defaults["allowMethods"]
        headers = self.option("allowHeaders")
        text = _list_text(headers) if headers is not None and headers.kind not in ("undef", "null") else ""
        echoes = text == ""
        if echoes:
            allow_headers = Written(Value((Unknown("the requested headers (hono's cors echoes them)"),)),
                                    self.anchor)
        else:
            allow_headers = Written(text, self.where(headers), headers.note)
        age = self.option("maxAge")
        max_age = None
        if age is not None and age.kind in ("num", "str"):
            max_age = Written(str(age.value), self.where(age), age.note)
        elif age is not None and age.kind == JS_UNKNOWN:
            max_age = Written(Value((Unknown(str(age.value)),)), self.where(age))
        settings = CorsSettings(
            origin=policy, origin_note=policy.note, credentials=credentials, expose=expose_header,
            methods=Written(acam, self.where(methods), methods.note if methods else "") if acam != "" else None,
            allow_headers=allow_headers, echoes_request_headers=echoes, max_age=max_age)
        route = library_route(SEMANTICS, settings, name=f"cors() at {self.path_line}", anchor=self.anchor,
                              path=path, app_methods=ACTUAL_METHODS)
        # `{ ...defaults, ...options }`: a key hono does not know is never read
        # (checked with the real package: cors({ origins: [...] }) answers '*')
        if self.options.kind == "object":
            written = [(key, self.where(value)) for key, value in self.options.value.items() if key != "..."]
            route.ignored_names = ignored_names(SEMANTICS, written)
        return route


def _function_policy(js: JsFile, func, src) -> OriginPolicy:
    """``origin: (origin, c) => ...``: the return value is the ACAO. Read:
    ``o => o`` (echoes every Origin) and ``o => cond ? o : null`` with a
    condition express.py reads (``===``, ``list.includes(o)``, ``re.test(o)``)."""
    params = _params(func)
    if not params:
        return OriginPolicy("unknown", src, what="origin function")
    name = params[0]
    body = express._unwrap(func.child_by_field_name("body"))
    if body is None:
        return OriginPolicy("unknown", src, what="origin function")
    if body.type == "statement_block":
        returns = [c for c in body.named_children if c.type == "return_statement"]
        if len(returns) != 1 or len(body.named_children) != 1 or not returns[0].named_children:
            return OriginPolicy("unknown", src, what="origin function")
        body = express._unwrap(returns[0].named_children[0])
    if body.type == "identifier" and _node_text(body) == name:
        return OriginPolicy("reflect", src, note="an origin function that returns every Origin")
    if body.type == "ternary_expression":
        yes = express._unwrap(body.child_by_field_name("consequence"))
        no = express._unwrap(body.child_by_field_name("alternative"))
        refuses = no is not None and (no.type in ("null", "undefined", "false") or _node_text(no) in ("''", '""'))
        if yes is not None and _node_text(yes) == name and refuses:
            matchers = express._origin_condition(js, body.child_by_field_name("condition"), {name})
            if matchers:
                return OriginPolicy("list", src, matchers=matchers)
    return OriginPolicy("unknown", src, what="origin function")
