"""Fastify's ``@fastify/cors`` plugin (and its old name ``fastify-cors``), and
NestJS on the Fastify adapter -> policy model.

The source is read with the tree-sitter JavaScript/TypeScript reader of
express.py (``JsFile``); nothing is run. Encodes what @fastify/cors 11.4.3's
index.js does (checked against the real package on loopback by
tests/test_fastify_truth.py; 8.5.0 under an npm alias for the old majors):

* ``origin`` absent or ``'*'``, or an array holding ``'*'``:
  ``Access-Control-Allow-Origin: *``, also with ``credentials: true`` (browsers
  then refuse credentialed requests); any other string is sent as it is;
* ``origin: true`` echoes every Origin, ``null`` included; a RegExp is tested
  with ``.test`` (unanchored); an array's strings compare with ``===``;
  ``origin: false`` switches CORS off; a function (callback or promise)
  decides per request;
* ``Access-Control-Allow-Credentials`` and Expose-Headers (an array joined with
  ', ') go to every answer; ``Vary: Origin`` on every answer when ``origin`` is
  not a string (from 9.0; 8.x and older add it to every answer);
* the preflight (any OPTIONS request the hook sees) is answered in the
  ``onRequest`` hook -- Fastify runs the hooks of a stage in the order they are
  added, so before any hook the application adds after the plugin; an
  application hook that authenticates (its text names Authorization, a 401,
  jwtVerify...) and runs first answers the preflight itself (CORS302) -- with ``optionsSuccessStatus`` (204) and
  ``Access-Control-Allow-Methods`` (default ``GET,HEAD,POST`` from 11.0;
  ``GET,HEAD,PUT,PATCH,POST,DELETE`` before), ``allowedHeaders`` (default: the
  requested headers echoed, with ``Vary: Access-Control-Request-Headers``) and
  ``maxAge``, to every origin (only Allow-Origin depends on it);
  ``preflightContinue: true`` passes it on to the plugin's catch-all OPTIONS
  route (200, empty) or the application's own; ``preflight: false`` leaves it to
  that route, which answers 404; ``hook: 'preHandler'`` (or another later hook)
  answers it after the application's earlier hooks; ``strictPreflight`` (on by
  default) answers 400 to an OPTIONS without Origin or
  Access-Control-Request-Method, which no browser preflight is;
* ``delegator`` (or a function as the options) chooses the options per request.

The defaults that changed between majors are read from the version the project
pins (package-lock.json, yarn.lock or pnpm-lock.yaml, else the range in the
nearest package.json), looked up from the file's directory up to the linted
tree's root; the version (or that none was found and the newest is assumed) is
named in the provenance of every default it decides.

NestJS's Fastify adapter (@nestjs/platform-fastify 12.5.0,
adapters/fastify-adapter.js ``enableCors``) hands ``app.enableCors(options)``
and ``NestFactory.create(Module, new FastifyAdapter(), { cors })`` to
@fastify/cors unchanged (``cors: true`` is its defaults), its hook run in
``onRequest`` before Nest's middleware.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re

from ..model import Branch, OriginTest, Outcome, Route, Source, Unknown, Value
from ..paths import is_within
from . import _pyast, express
from ._appmodel import ACTUAL_METHODS, OriginPolicy
from ._includes import linted_roots
from ._pins import DEPENDENCY_FIELDS, dig, load_json, package_lock_version, read_pin_file
from ._library import (
    ALLOW_HEADERS,
    ALLOWED_ORIGINS,
    CREDENTIALS,
    EVERY_ORIGIN,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    VARY,
    VARY_EVERY_ANSWER,
    VARY_NEVER,
    WILDCARD_STAR,
    CorsSettings,
    LibrarySemantics,
    Written,
    ignored_names,
    library_route,
)
from .express import (
    JS_UNKNOWN,
    JsFile,
    JsValue,
    _flattened,
    _matcher_for,
    _node_text,
    _unwrap,
    _walk,
)

NAME = "fastify"

# The walk's prefilter (frontends/__init__.py): the plugin's import (either
# package name), or NestJS's Fastify adapter.
WALK_SUFFIXES = express.JS_EXTENSIONS
WALK_MARKER = rb"@fastify/cors|fastify-cors|FastifyAdapter"

NEWEST_MAJOR = 11
# @fastify/cors 11.4.3, index.js (the version tests/framework_truth/node/package-lock.json installs)
SEMANTICS = LibrarySemantics(
    library="@fastify/cors 11.x",
    frontend=NAME,
    # the keys of `defaultOptions`, and the ones fastifyCors reads itself
    setting_names={name: (name,) for name in (
        "origin", "methods", "allowedHeaders", "exposedHeaders", "credentials", "maxAge", "preflightContinue",
        "optionsSuccessStatus", "preflight", "strictPreflight", "hook", "cacheControl", "delegator",
        "hideOptionsRoute", "logLevel")},
    # `const defaultOptions` (allowedHeaders null: the requested headers are echoed)
    defaults={"origin": "*", "methods": "GET,HEAD,POST", "hook": "onRequest", "preflightContinue": False,
              "optionsSuccessStatus": 204, "credentials": False, "preflight": True, "strictPreflight": True},
    # getAccessControlAllowOriginHeader: '*' (or an array holding it), a fixed string, a list / RegExp,
    # `true` (every origin); `false` switches CORS off
    policy_kinds=frozenset({"star", "fixed", "reflect", "list", "none"}),
    # isRequestOriginAllowed: `reqOrigin === allowedOrigin`, `allowedOrigin.test(reqOrigin)`
    exact_engine="exact",
    regex_engine="js-test",
    # a string origin is sent as it is, '*' too, credentials or not
    wildcard=WILDCARD_STAR,
    # addCorsHeaders: credentials and exposedHeaders whatever the origin; addPreflightHeaders likewise
    headers_to=EVERY_ORIGIN,
    # addCorsHeadersHandler: Vary: Origin on every answer unless `origin` is a string (see _vary_table)
    vary_origin=VARY_EVERY_ANSWER,
    # `reply.code(options.optionsSuccessStatus)` in the hook
    preflight_status=204,
    preflight_reason="@fastify/cors answers preflights in its onRequest hook ({status})",
    echo_vary="Access-Control-Request-Headers",
    app_label="handler",
    app_reason="the Fastify route handler",
    actual_order=(VARY, ORIGIN, CREDENTIALS, EXPOSE),
    preflight_order=(VARY, ORIGIN, CREDENTIALS, EXPOSE, METHODS, ALLOW_HEADERS, MAX_AGE),
)

# What changed between majors (each read from that major's index.js):
# `methods` lost PUT, PATCH and DELETE in 11.0.0 (10.1.0 still lists them);
# 9.0 added Vary: Origin only when `origin` is not a string (8.5.0 and
# fastify-cors 6.x: "Always set Vary header").
_OLD_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE"


def semantics_for(major: int | None) -> LibrarySemantics:
    """The table for one major of @fastify/cors (None: the newest)."""
    if major is None or major >= NEWEST_MAJOR:
        return SEMANTICS
    return dataclasses.replace(SEMANTICS, library=f"@fastify/cors {major}.x",
                               defaults=dict(SEMANTICS.defaults, methods=_OLD_METHODS))


def vary_always(major: int | None) -> bool:
    return major is not None and major < 9


# ---------------------------------------------------------------- recognising

_PLUGIN_IMPORT = re.compile(r"""['"](?:@fastify/cors|fastify-cors)['"]""")
_NEST_FASTIFY = re.compile(r"\bFastifyAdapter\b")
_PACKAGES = ("@fastify/cors", "fastify-cors")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not express.js_source(path):
        return False
    head = _pyast.head_text(path, text)
    if not head:
        return False
    if _PLUGIN_IMPORT.search(head):
        return True
    return bool(_NEST_FASTIFY.search(head) and express._NEST_CORS.search(head))


# ---------------------------------------------------------------- the pinned version


@dataclasses.dataclass(frozen=True)
class Pinned:
    """The @fastify/cors version a project pins, and where it says so."""

    major: int | None
    text: str = ""      # "package-lock.json pins @fastify/cors 8.5.0"

    def named(self) -> str:
        if self.major is None:
            return (f"no @fastify/cors version is pinned in package.json or a lockfile, so the newest, "
                    f"{NEWEST_MAJOR}.x, is assumed")
        return self.text


def _major(version: str, package: str) -> int | None:
    # The operators after the leading space start with a non-space character,
    # so a run of spaces is read one way only (linear, not quadratic)
    m = re.match(r"\s*(?:npm:@fastify/cors@)?(?:[\^~>=v][\^~>=v\s]*)?(\d+)(?:\.[\dx*]+)*\s*(?:$|\|\||-|<|\s)",
                 version)
    if not m:
        return None
    major = int(m.group(1))
    # fastify-cors (the old name) stopped at 6.x, whose semantics are @fastify/cors 8's
    return min(major, 8) if package == "fastify-cors" else major


def _from_package_lock(text: str) -> tuple[str, str] | None:
    data = load_json(text)
    for package in _PACKAGES:
        version = package_lock_version(data, package)
        if isinstance(version, str):
            return package, version
    return None


def _from_yarn_lock(text: str) -> tuple[str, str] | None:
    for package in _PACKAGES:
        # each entry line read one way only ([ \t] then the rest): a looser
        # line pattern makes the lazy loop backtrack exponentially
        m = re.search(r'^"?' + re.escape(package) + r'@[^\n]*:\n(?:[ \t][^\n]*\n)*?[ \t]+version:?[ \t]+"?([^"\s]+)',
                      text, re.MULTILINE)
        if m:
            return package, m.group(1)
    return None


def _from_pnpm_lock(text: str) -> tuple[str, str] | None:
    for package in _PACKAGES:
        # [ \t], not \s: with re.M a \s run spans blank lines and is retried from each
        m = re.search(r"""^[ \t]+['"]?/?""" + re.escape(package) + r"""[@/](\d[^'"(:\s]*)""", text, re.MULTILINE) or \
            re.search(r"^[ \t]+['\"]?" + re.escape(package)
                      + r"['\"]?:[ \t]*\r?\n[ \t]+specifier:[^\n]*\n[ \t]+version:[ \t]*([\d.]+)",
                      text, re.MULTILINE)
        if m:
            return package, m.group(1)
    return None


def _from_package_json(text: str) -> tuple[str, str] | None:
    data = load_json(text)
    for key in DEPENDENCY_FIELDS:       # dependencies of either name before devDependencies
        for package in _PACKAGES:
            spec = dig(data, key, package)
            if isinstance(spec, str):
                return package, spec
    return None


_LOCKFILES = (("package-lock.json", _from_package_lock), ("npm-shrinkwrap.json", _from_package_lock),
              ("yarn.lock", _from_yarn_lock), ("pnpm-lock.yaml", _from_pnpm_lock))
def pinned_version(directory: str, roots: tuple[str, ...]) -> Pinned:
    """The version pinned for ``directory``'s project: a lockfile's exact
    version wins over a package.json range; the nearest directory first,
    never above the linted roots."""
    ranged: Pinned | None = None
    here = os.path.abspath(directory)
    while is_within(here, roots):
        for name, reader in _LOCKFILES:
            text = read_pin_file(os.path.join(here, name), roots)
            found = reader(text) if text is not None else None
            if found is not None and _major(found[1], found[0]) is not None:
                package, version = found
                return Pinned(_major(version, package), f"{name} pins {package} {version}")
        if ranged is None:
            text = read_pin_file(os.path.join(here, "package.json"), roots)
            found = _from_package_json(text) if text is not None else None
            if found is not None and _major(found[1], found[0]) is not None:
                package, version = found
                ranged = Pinned(_major(version, package), f"package.json asks for {package} {version}")
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    return ranged or Pinned(None)


# ---------------------------------------------------------------- reading


class FastifyFile(JsFile):
    """A JavaScript/TypeScript file that registers @fastify/cors, or a NestJS
    application on the Fastify adapter."""

    def __init__(self, path: str, root, roots: tuple[str, ...] = (), pins: dict | None = None):
        super().__init__(path, root)
        directory = os.path.dirname(os.path.abspath(path))
        pins = {} if pins is None else pins     # one run's answers, by directory
        if directory not in pins:
            pins[directory] = pinned_version(directory, roots)
        self.pinned = pins[directory]

    def _cors_names(self) -> set[str]:
        names: set[str] = set()
        for n in _walk(self.root):
            if n.type == "import_statement":
                source = n.child_by_field_name("source")
                if source is None or self.eval(source).value not in _PACKAGES:
                    continue
                for c in _walk(n):
                    if c.type == "import_clause":
                        names.update(_node_text(d) for d in c.named_children if d.type == "identifier")
                    elif c.type == "import_specifier":
                        alias = c.child_by_field_name("alias")
                        names.add(_node_text(alias if alias is not None else c.child_by_field_name("name")))
                    elif c.type == "namespace_import":
                        names.update(_node_text(d) for d in c.named_children if d.type == "identifier")
            elif n.type == "variable_declarator":
                value = _unwrap(n.child_by_field_name("value"))
                name = n.child_by_field_name("name")
                if value is not None and _is_plugin_require(self, value) and name is not None:
                    if name.type == "identifier":
                        names.add(_node_text(name))
                    elif name.type == "object_pattern":
                        # const { fastifyCors } = require('@fastify/cors')
                        for c in name.named_children:
                            if c.type == "shorthand_property_identifier_pattern":
                                names.add(_node_text(c))
                            elif c.type == "pair_pattern":
                                names.add(_node_text(c.child_by_field_name("value")))
            elif n.type == "import_require_clause":
                # TypeScript: import cors = require('@fastify/cors')
                source = n.child_by_field_name("source")
                ident = next((c for c in n.named_children if c.type == "identifier"), None)
                if source is not None and ident is not None and self.eval(source).value in _PACKAGES:
                    names.add(_node_text(ident))
        return names

    def _is_plugin(self, node) -> bool:
        node = _unwrap(node)
        if node is None:
            return False
        if node.type == "identifier" and _node_text(node) in self.cors_names:
            return True
        if node.type == "member_expression":
            # require('@fastify/cors').default, cors.fastifyCors
            obj = node.child_by_field_name("object")
            return _is_plugin_require(self, _unwrap(obj)) or _node_text(obj) in self.cors_names
        return _is_plugin_require(self, node)

    def routes(self) -> list[Route]:
        routes: list[Route] = []
        nest = bool(_NEST_FASTIFY.search(_node_text(self.root)))
        declared = self._declared_methods()
        own_options = self._answers_options()
        earlier_hooks = self._hooks()
        for n in _walk(self.root):
            if n.type != "call_expression":
                continue
            function = n.child_by_field_name("function")
            if function is None or function.type != "member_expression":
                continue
            prop = _node_text(function.child_by_field_name("property"))
            args = n.child_by_field_name("arguments")
            argv = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
            context = (declared, own_options, earlier_hooks)
            if prop == "register" and argv and self._is_plugin(argv[0]):
                routes.append(FastifyCors(self, n, argv[1] if len(argv) > 1 else None, *context).route())
            elif nest and prop == "enableCors":
                # NestJS: FastifyAdapter.enableCors(options) -> @fastify/cors with the options as given
                routes.append(FastifyCors(self, n, argv[0] if argv else None, *context, nest=True).route())
            elif nest and _node_text(function).endswith("NestFactory.create"):
                # NestApplication: `cors: true` is enableCors(), an object is enableCors(options)
                for option in express._nest_cors_options(n):
                    routes.append(FastifyCors(self, n, option, *context, nest=True).route())
        routes.sort(key=lambda r: (r.source.line, r.source.column))
        return routes

    def _answers_options(self) -> Source | None:
        """Where the application routes OPTIONS itself (fastify.options(...),
        route({ method: 'OPTIONS' }), all(...)), if it does."""
        for n in _walk(self.root):
            if n.type != "call_expression":
                continue
            function = n.child_by_field_name("function")
            if function is None or function.type != "member_expression":
                continue
            prop = _node_text(function.child_by_field_name("property"))
            if prop in ("options", "all"):
                return self.source_of(n)
            if prop == "route" and re.search(r"""method\s*:[^}]*['"]OPTIONS['"]""", _node_text(n), re.IGNORECASE):
                return self.source_of(n)
        return None

    def _hooks(self) -> list[Hook]:
        """The application's own hooks, in the order of the text."""
        out = []
        for n in _walk(self.root):
            if n.type != "call_expression":
                continue
            function = n.child_by_field_name("function")
            args = n.child_by_field_name("arguments")
            if function is None or function.type != "member_expression" or args is None or not args.named_children:
                continue
            if _node_text(function.child_by_field_name("property")) == "addHook":
                name = self.eval(args.named_children[0])
                if name.kind == "str":
                    out.append(Hook(name.value, self.source_of(n), n.start_byte,
                                    bool(_AUTH_WORDS.search(_node_text(args)))))
        return sorted(out, key=lambda h: h.at)


@dataclasses.dataclass(frozen=True)
class Hook:
    """One ``addHook(name, fn)`` of the application."""

    name: str
    source: Source
    at: int             # byte offset: Fastify runs hooks of one stage in the order they are added
    authenticates: bool  # its text says so (Authorization, jwtVerify, authenticate, 401...)


# Words that make a hook an authentication step, as written in Fastify apps.
_AUTH_WORDS = re.compile(r"authori[sz]|authenticat|jwtVerify|verifyJWT|\b401\b|Unauthori[sz]ed|apiKey|api-key|"
                         r"x-api-key|bearer|session", re.IGNORECASE)


def _is_plugin_require(js: JsFile, node) -> bool:
    """``require('@fastify/cors')`` or ``import('@fastify/cors')``."""
    node = _unwrap(node)
    if node is None or node.type != "call_expression":
        return False
    func = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if _node_text(func) not in ("require", "import") or args is None or not args.named_children:
        return False
    return js.eval(args.named_children[0]).value in _PACKAGES


def parse_files(paths, stdin=None, texts=None, roots=None):
    if roots is None:
        roots = linted_roots(paths, stdin or ())
    return express.parse_files(paths, stdin, texts, roots, file_class=functools.partial(FastifyFile, roots=roots, pins={}))


def _refused_preflights_404(branches: list[Branch], policy: OriginPolicy) -> list[Branch]:
    """The preflight branch split by origin: an origin the function admits gets
    the hook's answer; any other falls through to @fastify/cors's catch-all
    OPTIONS route, which calls the 404 handler (`reply.callNotFound()`)."""
    out: list[Branch] = []
    for branch in branches:
        if branch.label != "preflight":
            out.append(branch)
            continue
        for matcher in policy.matchers:
            out.append(dataclasses.replace(branch, origin_tests=(OriginTest(matcher),)))
        vary = tuple(h for h in branch.headers if h.lname == "vary" and h.value.render() == "Origin")
        out.append(dataclasses.replace(
            branch, headers=vary, label="preflight refused",
            outcome=Outcome(404, branch.source, reason="the origin function refused this origin: CORS is off for "
                                                       "the request and @fastify/cors's OPTIONS route answers 404")))
    return out


# Fastify's request lifecycle, in the order its hooks run.
HOOK_ORDER = ("onRequest", "preParsing", "preValidation", "preHandler", "preSerialization")


def _joined(v: JsValue) -> Value | str:
    """A methods/headers option as the plugin writes it: an array joined with
    ', ', a string as it is."""
    if v.kind == "str":
        return v.value
    if v.kind == "num":
        return str(v.value)
    if v.kind == "array" and all(x.kind == "str" for x in v.value):
        return ", ".join(x.value for x in v.value)
    return Value((Unknown(str(v.value) if v.kind == JS_UNKNOWN else "setting"),))


class FastifyCors(express.CorsCall):
    """One registration of @fastify/cors (``register(cors, options)``,
    ``enableCors(options)`` or ``NestFactory.create``'s ``cors``)."""

    def __init__(self, js: FastifyFile, call, options_node, declared, own_options, hooks, nest=False):
        super().__init__(js, call, declared, options_node=options_node)
        self.nest = nest
        if options_node is None:
            self.options = JsValue("object", {}, None)
        self.own_options = own_options
        self.hooks = hooks
        self.pinned = js.pinned
        self.table = semantics_for(js.pinned.major)

    def origin_policy(self) -> OriginPolicy:
        if self.options.kind == "func":
            return OriginPolicy("unknown", self.anchor, what="options chosen per request by a function")
        if self.options.kind != "object":
            return OriginPolicy("unknown", self.anchor, what=f"@fastify/cors options ({self.options.value})")
        if "delegator" in self.options.value:
            return OriginPolicy("unknown", self.where(self.option("delegator")),
                                what="options chosen per request by the delegator")
        if "..." in self.options.value and "origin" not in self.options.value:
            return OriginPolicy("unknown", self.anchor, what="@fastify/cors options spread from elsewhere")
        origin = self.option("origin")
        if origin is None or (origin.kind == "str" and origin.value == "*"):
            return OriginPolicy("star", self.where(origin), note=origin.note if origin else "")
        src = self.where(origin)
        if origin.kind == "bool":
            return OriginPolicy("reflect" if origin.value else "none", src, note=origin.note)
        if origin.kind == "str":
            return OriginPolicy("fixed", src, fixed=origin.value, note=origin.note)
        if origin.kind == "regex":
            return OriginPolicy("list", src, matchers=[_matcher_for(self.js, origin)])
        if origin.kind == "array":
            # normalizeCorsOptions: an array holding '*' (at its top level) becomes '*'
            star = next((item for item in origin.value if item.kind == "str" and item.value == "*"), None)
            if star is not None:
                return OriginPolicy("star", self.js.source_of(star.node) if star.node is not None else src,
                                    note="an origin array holding '*' is '*' to @fastify/cors")
            matchers, partial = [], []
            # isRequestOriginAllowed looks into nested arrays
            for item in _flattened(origin.value):
                m = _matcher_for(self.js, item, origin.note)
                if m is None:
                    partial.append(f"an origin entry ({item.value})")
                else:
                    matchers.append(m)
            return OriginPolicy("list", src, matchers=matchers, partial="; ".join(partial))
        if origin.kind == "func":
            return express.callback_policy(self.js, origin.value, src)
        if origin.kind in ("null", "undef"):
            # resolved to a falsy value: the hook fails the request ('Invalid CORS origin option')
            return OriginPolicy("unknown", src, what=f"origin: {_node_text(origin.node) or 'null'} (@fastify/cors "
                                                     "then fails every request with 'Invalid CORS origin option')")
        return OriginPolicy("unknown", src, what=f"origin ({origin.value})")

    def _default(self, name: str) -> Written:
        """The table's default for ``name``, its version named."""
        value = self.table.defaults[name]
        return Written(value, self.anchor, note=f"the {self.table.library} default; {self.pinned.named()}",
                       library_default=True)

    def route(self) -> Route:
        policy = self.origin_policy()
        creds = self.option("credentials")
        credentials = None
        if creds is not None and creds.kind == JS_UNKNOWN:
            credentials = Written(Value((Unknown(str(creds.value)),)), self.where(creds), creds.note)
        elif creds is not None and creds.kind not in ("undef", "null") and creds.value not in (False, 0, ""):
            credentials = Written("true", self.where(creds), creds.note)   # `if (corsOptions.credentials)`
        expose = self.option("exposedHeaders")
        expose_header = None
        if expose is not None and expose.kind not in ("undef", "null"):
            expose_header = Written(_joined(expose), self.where(expose), expose.note)
        methods = self.option("methods")
        methods_written = Written(_joined(methods), self.where(methods), methods.note) if methods is not None \
            else self._default("methods")
        headers = self.option("allowedHeaders")
        echoes = headers is None or headers.kind in ("undef", "null")
        if echoes:
            allow_headers = Written(Value((Unknown("the requested headers (@fastify/cors echoes them)"),)),
                                    self.anchor)
        else:
            allow_headers = Written(_joined(headers), self.where(headers), headers.note)
        age = self.option("maxAge")
        max_age = None
        if age is not None and age.kind in ("num", "str"):
            max_age = Written(str(age.value), self.where(age), age.note)
        elif age is not None and age.kind == JS_UNKNOWN:
            max_age = Written(Value((Unknown(str(age.value)),)), self.where(age))

        status = self.option("optionsSuccessStatus")
        outcome = self._preflight_outcome()
        if outcome is not None and outcome.status == 404:
            # preflight: false -- the hook adds no preflight headers
            methods_written, allow_headers, max_age, echoes = None, None, None, False
        settings = CorsSettings(
            origin=policy, origin_note=policy.note, credentials=credentials, expose=expose_header,
            methods=methods_written, allow_headers=allow_headers, echoes_request_headers=echoes, max_age=max_age,
            preflight_status=status.value if status is not None and status.kind == "num" else None,
            preflight_outcome=outcome)
        origin = self.option("origin")
        decided_per_request = origin is not None and origin.kind == "func" and policy.kind == "list"
        table = self._vary_table(policy)
        if decided_per_request:
            # a function's refusal (`cb(null, false)`) switches CORS off for that request:
            # addCorsHeadersHandler returns before adding any header but Vary
            table = dataclasses.replace(table, headers_to=ALLOWED_ORIGINS)
        route = library_route(table, settings, name=f"@fastify/cors at {self.path_line}",
                              anchor=self.anchor, path="/", declared=self.declared, app_methods=ACTUAL_METHODS)
        if decided_per_request:
            route.branches = _refused_preflights_404(route.branches, policy)
        auth = self._auth_first()
        if auth is not None:
            # the hook answers the preflight (no credentials on it) before @fastify/cors's hook runs
            route.branches = [dataclasses.replace(b, auth=auth.source, headers=(),
                                                  auth_what=f"the application's {auth.name} hook (it runs before @fastify/cors's)")
                              if b.label in ("preflight", "preflight refused") else b for b in route.branches]
        # `{ ...defaultOptions, ...opts }`: a key the plugin does not know is never read
        # (checked with the real package: { origins: [...] } answers '*'); `prefix` is Fastify's own
        if self.options.kind == "object":
            written = [(key, self.where(value)) for key, value in self.options.value.items() if key != "..."]
            route.ignored_names = ignored_names(self.table, written, also_known=frozenset({"prefix"}))
        return route

    def _vary_table(self, policy: OriginPolicy) -> LibrarySemantics:
        """From 9.0 a string origin ('*' or a fixed value) gets no Vary: Origin."""
        if policy.kind in ("star", "fixed") and not vary_always(self.pinned.major):
            return dataclasses.replace(self.table, vary_origin=VARY_NEVER)
        return self.table

    def _stage(self) -> str:
        hook = self.option("hook")
        return hook.value if hook is not None and hook.kind == "str" and hook.value in HOOK_ORDER else "onRequest"

    def _earlier_hooks(self) -> list[Hook]:
        """The application's hooks that see a request before @fastify/cors's:
        those of an earlier stage, and those of its stage added before it.
        NestJS runs the plugin's onRequest hook in one the adapter adds first."""
        stage = HOOK_ORDER.index(self._stage())
        nest_first = self.nest and stage == 0
        return [h for h in self.hooks if h.name in HOOK_ORDER and not nest_first and
                (HOOK_ORDER.index(h.name) < stage or (h.name == HOOK_ORDER[stage] and h.at < self.call.start_byte))]

    def _auth_first(self) -> Hook | None:
        return next((h for h in self._earlier_hooks() if h.authenticates), None)

    def _preflight_outcome(self) -> Outcome | None:
        """Who answers a preflight when the hook does not (None: the hook does)."""
        preflight = self.option("preflight")
        if preflight is not None and preflight.kind == "bool" and not preflight.value:
            return Outcome(404, self.where(preflight),
                           reason="preflight: false leaves OPTIONS to @fastify/cors's catch-all route, "
                                  "which answers 404")
        cont = self.option("preflightContinue")
        if cont is not None and cont.kind == "bool" and cont.value:
            if self.own_options is not None:
                return Outcome(None, self.where(cont), delegate="app",
                               reason="preflightContinue passes OPTIONS on to the application's OPTIONS route")
            return Outcome(200, self.where(cont),
                           reason="preflightContinue passes OPTIONS on to @fastify/cors's catch-all route (200)")
        hook = self.option("hook")
        earlier = [h for h in self._earlier_hooks() if not h.authenticates]
        if self._stage() != "onRequest" and earlier and self._auth_first() is None:
            # a later stage: what the earlier hooks do with an OPTIONS request decides
            return Outcome(None, self.where(hook), delegate="app",
                           reason=f"hook: '{self._stage()}' answers preflights after the application's "
                                  f"{earlier[0].name} hook (line {earlier[0].source.line}), which sees them first")
        return None
