"""Fix advice speaks the dialect of the frontend that produced the route.

Checks name what must change (a FixIntent); corslint.fixes words it per
frontend. These tests lint every sample and fixture and fail when a finding's
fix names another server's directives, and pin each dialect's wording of the
intents to the syntax that server or library really accepts.
"""

from __future__ import annotations

import importlib
import pathlib
import re

import pytest

from corslint import checks
from corslint.findings import Finding, FixIntent
from corslint.fixes import fix_text, generic, render, wording_for
from corslint.frontends import FRONTENDS
from corslint.lint import lint
from corslint.model import PolicyModel, Route, Source

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Words that belong to one dialect only: a fix for any other frontend that
# contains one of them tells the user to write a foreign configuration.
MARKERS = {
    "nginx": ("nginx", "add_header", "limit_except", "$request_method", "location",
              "proxy_hide_header", "return 204", "auth_basic", "rewrite ... last"),
    "apache": ("Apache", "httpd", "Header always", "Header set", "Header unset", "SetEnvIf",
               "RewriteRule", "RewriteCond", "LimitExcept", "%{"),
    "django": ("CORS_ALLOWED_ORIGINS", "CORS_ALLOW_", "CORS_PREFLIGHT_MAX_AGE", "CORS_EXPOSE_HEADERS",
               "CorsMiddleware", "corsheaders", "MIDDLEWARE", "vary_on_headers", "APPEND_SLASH"),
    "flask": ("Flask", "CORS(app", "supports_credentials", "send_wildcard", "cross_origin",
              "after_request", "intercept_exceptions", "automatic_options"),
    "starlette": ("Starlette", "CORSMiddleware", "add_middleware", "allow_origins",
                  "allow_origin_regex", "allow_credentials", "allow_methods", "add_vary_header"),
    "express": ("Express", "cors(", "cors({", "res.set", "res.vary", "app.use", "allowedHeaders",
                "exposedHeaders", "maxAge", "preflightContinue", "credentials: true"),
    "hono": ("Hono", "hono/cors", "allowHeaders", "exposeHeaders", "allowMethods"),
    "fastify": ("@fastify/cors", "fastify.register", "enableCors"),
    "koa": ("Koa", "@koa/cors", "ctx.get("),
    "aiohttp": ("aiohttp_cors", "ResourceOptions", "cors.add", "on_response_prepare",
                "allow_credentials", "allow_methods"),
    "litestar": ("Litestar", "CORSConfig", "cors_config", "allow_origins", "allow_origin_regex",
                 "allow_credentials", "allow_methods"),
    "quart": ("Quart", "quart_cors", "route_cors", "cors(app", "send_origin_wildcard", "allow_origin=",
              "allow_credentials", "allow_methods"),
    "sanic": ("Sanic", "sanic_cors", "@app.on_response"),
}
# Words two dialects both own: Hono's and @koa/cors's cors() take an options
# object of the shape Express's cors takes (@koa/cors's names are Hono's);
# Starlette and aiohttp-cors share keyword names.
SHARED = {frozenset({"express", "hono"}): ("cors(", "cors({", "app.use", "maxAge", "credentials: true"),
          frozenset({"express", "koa"}): ("cors(", "cors({", "app.use", "maxAge", "credentials: true"),
          frozenset({"hono", "koa"}): ("allowHeaders", "exposeHeaders", "allowMethods"),
          frozenset({"starlette", "aiohttp"}): ("allow_credentials", "allow_methods"),
          # @fastify/cors took the cors package's option names
          frozenset({"express", "fastify"}): ("allowedHeaders", "exposedHeaders", "maxAge", "preflightContinue",
                                              "credentials: true"),
          frozenset({"hono", "fastify"}): ("credentials: true",),
          frozenset({"koa", "fastify"}): ("maxAge", "credentials: true"),
          # Litestar's CORSConfig takes Starlette's keyword names
          frozenset({"starlette", "litestar"}): ("allow_origins", "allow_origin_regex", "allow_credentials",
                                                 "allow_methods"),
          frozenset({"aiohttp", "litestar"}): ("allow_credentials", "allow_methods"),
          # Quart-CORS's keywords are Starlette's, bar allow_origin
          **{frozenset({"quart", other}): ("allow_credentials", "allow_methods")
             for other in ("starlette", "aiohttp", "litestar")},
          # Starlette's and Litestar's allow_origins is the likeliest misspelling of Quart-CORS's
          # allow_origin: CORS109's fix quotes what the user wrote
          **{frozenset({"quart", other}): ("allow_credentials", "allow_methods", "allow_origins")
             for other in ("starlette", "litestar")},
          # Quart-CORS's extension is a function named as Express's package
          frozenset({"quart", "express"}): ("cors(",), frozenset({"quart", "hono"}): ("cors(",),
          # Quart has Flask's API (after_request, automatic OPTIONS answers)
          frozenset({"quart", "flask"}): ("after_request", "automatic_options"),
          # Sanic-CORS is a fork of Flask-CORS: same call and option names
          frozenset({"sanic", "flask"}): ("CORS(app", "supports_credentials", "send_wildcard", "cross_origin",
                                          "intercept_exceptions", "automatic_options")}
DIALECTS = tuple(MARKERS)


def foreign_words(text: str, frontend: str) -> list[str]:
    return [word for dialect, words in MARKERS.items() if dialect != frontend
            for word in words if word in text
            and word not in SHARED.get(frozenset({dialect, frontend}), ())]


def rule_modules():
    return [checks.load(code) for code in checks.REGISTRY]


def every_intent(kind: str) -> list[FixIntent]:
    """The kind bare and with the values checks attach."""
    return [FixIntent(kind), FixIntent(kind, methods=("PATCH",), headers=("X-Api-Key",))]


# ---------------------------------------------------------------- the tables


def test_every_frontend_has_a_wording_module():
    assert set(FRONTENDS) == set(DIALECTS)
    for frontend in FRONTENDS:
        assert wording_for(frontend), f"corslint/fixes/{frontend}.py is missing or empty"


def rule_kinds(module) -> list[str]:
    """The intent kinds a rule module declares: FIX and any other *_FIX."""
    return [getattr(module, name) for name in dir(module) if name == "FIX" or name.endswith("_FIX")]


def test_every_rule_names_kinds_the_generic_wording_knows():
    for module in rule_modules():
        for kind in rule_kinds(module):
            assert kind in generic.WORDING, (module.CODE, kind)
            assert " " not in kind, f"{module.CODE}: a FIX is an intent kind, not prose"


def test_every_worded_kind_belongs_to_a_rule():
    declared = {kind for module in rule_modules() for kind in rule_kinds(module)}
    assert set(generic.WORDING) == declared


def test_wording_modules_word_only_known_kinds():
    for frontend in FRONTENDS:
        unknown = set(wording_for(frontend)) - set(generic.WORDING)
        assert not unknown, (frontend, unknown)


def test_generic_wording_names_no_server():
    for kind in generic.WORDING:
        for intent in every_intent(kind):
            text = fix_text(intent, "")
            assert text and foreign_words(text, "") == [], (kind, foreign_words(text, ""))


@pytest.mark.parametrize("frontend", DIALECTS)
def test_each_dialect_names_no_other_servers_directives(frontend):
    for kind in generic.WORDING:
        for intent in every_intent(kind):
            text = fix_text(intent, frontend)
            assert foreign_words(text, frontend) == [], (frontend, kind, text)


def test_rules_never_look_at_the_frontend():
    for path in sorted((ROOT / "corslint" / "checks").glob("cors*.py")):
        assert not re.search(r"\.frontend\b", path.read_text()), f"{path.name} must stay blind to the server"


# ---------------------------------------------------------------- rendering, per dialect

RENDERED = [
    ("nginx", "answer-preflight-before-auth", ("if ($request_method = OPTIONS)", "return 204;",
                                                "limit_except OPTIONS")),
    ("nginx", "add-always", ("add 'always' to add_header",)),
    ("apache", "add-always", ("`Header always set` instead of `Header set`",)),
    ("apache", "answer-preflight-before-handlers", ("RewriteCond %{REQUEST_METHOD} =OPTIONS",
                                                    "RewriteRule ^ - [R=204,L]",
                                                    "<LimitExcept GET POST OPTIONS>")),
    ("apache", "answer-preflight-before-auth", ("<LimitExcept OPTIONS> Require valid-user",)),
    ("apache", "reflect-only-allowlisted-origins", ('SetEnvIf Origin "^https://',
                                                    "env=CORS_ORIGIN", "Header always merge Vary Origin")),
    ("django", "reflect-only-allowlisted-origins", ('CORS_ALLOWED_ORIGINS = ["https://app.example.com"]',
                                                    "CORS_ALLOW_CREDENTIALS")),
    ("django", "max-age-in-range", ("CORS_PREFLIGHT_MAX_AGE = 7200",)),
    ("django", "answer-preflight-before-handlers", ("'corsheaders.middleware.CorsMiddleware'",)),
    ("flask", "reflect-only-allowlisted-origins", ('CORS(app, origins=["https://app.example.com"], '
                                                   "supports_credentials=True)",)),
    ("flask", "anchor-origin-pattern", (r'origins=[r"^https://(app|admin)\.example\.com$"]',)),
    ("starlette", "send-origin-not-wildcard", ('allow_origins=["https://app.example.com"]',
                                               "allow_credentials=True")),
    ("starlette", "reflect-only-allowlisted-origins", ("app.add_middleware(CORSMiddleware, ",)),
    ("express", "send-origin-not-wildcard", ("cors({ origin: ['https://app.example.com'], "
                                             "credentials: true })",)),
    ("express", "anchor-origin-pattern", (r"origin: /^https:\/\/(app|admin)\.example\.com$/",)),
    ("express", "vary-on-origin", ("res.vary('Origin')",)),
    ("aiohttp", "reflect-only-allowlisted-origins", ('defaults={"https://app.example.com": '
                                                     "aiohttp_cors.ResourceOptions(allow_credentials=True)}",)),
    ("aiohttp", "vary-on-origin", ("app.on_response_prepare.append(add_vary)",)),
    ("litestar", "reflect-only-allowlisted-origins", ('CORSConfig(allow_origins=["https://app.example.com"], '
                                                      "allow_credentials=True)",)),
    ("litestar", "anchor-origin-pattern", ("Litestar turns '*' into '.*'",)),
    ("quart", "anchor-origin-pattern", (r're.compile(r"https://(app|admin)\.example\.com$")',)),
    ("sanic", "anchor-origin-pattern", ("CVE-2026-37737", r'origins=[r"^https://(app|admin)\.example\.com$"]')),
    ("quart", "reflect-only-allowlisted-origins", ('app = cors(app, allow_origin=["https://app.example.com"], '
                                                   "allow_credentials=True)",)),
]


@pytest.mark.parametrize("frontend, kind, expected", RENDERED)
def test_intent_is_worded_in_the_frontends_syntax(frontend, kind, expected):
    text = fix_text(FixIntent(kind), frontend)
    for snippet in expected:
        assert snippet in text, (frontend, kind, text)


@pytest.mark.parametrize("frontend, expected", [
    ("apache", '`Header always set Access-Control-Allow-Methods "GET, POST, PATCH"`'),
    ("django", "CORS_ALLOW_METHODS = [*default_methods, 'PATCH']"),
    ("flask", 'CORS(app, methods=["GET", "POST", "PATCH"])'),
    ("starlette", 'allow_methods=["GET", "POST", "PATCH"]'),
    ("express", "cors({ methods: ['GET', 'POST', 'PATCH'] })"),
    ("", "Add PATCH to Access-Control-Allow-Methods"),
])
def test_the_method_to_allow_is_named_in_the_snippet(frontend, expected):
    assert expected in fix_text(FixIntent("allow-method-on-preflight", methods=("PATCH",)), frontend)


def test_a_listed_method_is_not_repeated():
    text = fix_text(FixIntent("allow-method-on-preflight", methods=("POST", "PUT")), "express")
    assert "['GET', 'POST', 'PUT']" in text


@pytest.mark.parametrize("frontend, expected", [
    ("apache", '"Content-Type, X-Api-Key"'),
    ("django", "[*default_headers, 'x-api-key']"),
    ("express", "allowedHeaders: ['Content-Type', 'X-Api-Key']"),
])
def test_the_header_to_allow_is_named_in_the_snippet(frontend, expected):
    assert expected in fix_text(FixIntent("allow-request-header-on-preflight", headers=("X-Api-Key",)), frontend)


def test_an_unknown_frontend_gets_the_generic_wording():
    intent = FixIntent("add-always")
    assert fix_text(intent, "caddy") == generic.WORDING["add-always"]
    assert fix_text(intent, "../nginx") == generic.WORDING["add-always"]


def test_a_kind_a_frontend_does_not_word_falls_back_to_generic():
    kind = next(k for k in generic.WORDING if k not in wording_for("django"))
    assert fix_text(FixIntent(kind), "django") == fix_text(FixIntent(kind), "")


def _finding(file: str, frontend: str = "") -> Finding:
    return Finding(code="CORS402", message="m", source=Source(file, 3), severity="warning",
                   intent=FixIntent("add-always"), frontend=frontend)


def test_render_words_each_finding_for_its_own_frontend():
    nginx, apache = render([_finding("a.conf", "nginx"), _finding("b.conf", "apache")])
    assert "add_header" in nginx.fix and "Header always set" in apache.fix


def test_render_takes_a_routeless_findings_frontend_from_a_route_of_the_same_file():
    model = PolicyModel(routes=[Route(name="r", source=Source("site.htaccess", 1), branches=[],
                                      frontend="apache")])
    [finding] = render([_finding("site.htaccess")], model)
    assert finding.frontend == "apache" and "Header always set" in finding.fix


def test_render_leaves_a_finding_without_intent_alone():
    plain = Finding(code="CORS402", message="m", source=Source("a.conf", 1), severity="warning", fix="as is")
    assert render([plain]) == [plain]


# ---------------------------------------------------------------- every sample and fixture


@pytest.fixture(scope="module")
def linted():
    return lint([str(ROOT / "samples"), str(ROOT / "tests" / "fixtures")]).findings


def test_every_sample_and_fixture_finding_speaks_its_own_dialect(linted):
    assert linted
    wrong = [(f.code, f.frontend, f.file, foreign_words(f.fix, f.frontend)) for f in linted
             if foreign_words(f.fix, f.frontend)]
    assert wrong == []


def test_every_sample_and_fixture_finding_has_a_fix_and_a_known_frontend(linted):
    for finding in linted:
        assert finding.fix and finding.intent is not None, (finding.code, finding.file)
        assert finding.frontend in DIALECTS, (finding.code, finding.file, finding.frontend)
    # the samples cover every dialect, so the test above judged each one
    assert {f.frontend for f in linted} == set(DIALECTS)


@pytest.mark.parametrize("sample, snippet", [
    ("samples/apache/CORS402", "Header always set"),
    ("samples/apache/CORS302", "<LimitExcept OPTIONS>"),
    ("samples/nginx/CORS302", "if ($request_method = OPTIONS)"),
    ("samples/django/CORS105", "CORS_ALLOWED_ORIGINS"),
    ("samples/flask/CORS105", "CORS(app, origins="),
    ("samples/fastapi/CORS105", "app.add_middleware(CORSMiddleware"),
    ("samples/express/CORS201", "cors({ origin: ["),
    ("samples/fastify/CORS201", "fastify.register(cors, { origin: ["),
])
def test_a_samples_fix_is_written_in_its_servers_syntax(sample, snippet):
    findings = [f for f in lint([str(ROOT / sample)]).findings if re.search(r"/broken\.", f.file)]
    assert findings, sample
    assert all(snippet in f.fix for f in findings), [f.fix for f in findings]


def test_wording_modules_import():
    for frontend in FRONTENDS:
        importlib.import_module(f"corslint.fixes.{frontend}")
