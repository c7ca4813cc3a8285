"""The Express frontend (cors package and hand-set headers, via tree-sitter).
Its rule fixtures (tests/fixtures/express/, marked ``// expect: CODE``) run in
tests/test_fixtures.py with every other frontend's."""

from __future__ import annotations

from corslint.frontends import express, frontend_for
from corslint.lint import lint
from corslint.scenarios import answer
from ruletools import FIXTURES, assert_fixture


def route_of(tmp_path, text, name="app.js"):
    path = tmp_path / name
    path.write_text(text)
    model = express.parse_files([str(path)])
    assert not model.problems, model.problems
    return model.routes


def sent(route, origin, method="GET"):
    r = answer(route, method, origin, credentials=True, preflight=method == "OPTIONS").response
    return r.get_all("access-control-allow-origin"), r.get_all("access-control-allow-credentials")


HEAD = "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"


def test_star_with_credentials_is_literal_star():
    [finding] = assert_fixture(FIXTURES / "express" / "CORS201" / "star_credentials.js", "CORS201")
    assert finding.chrome and "must not be the wildcard" in finding.chrome


def test_origin_true_reflects_null_too(tmp_path):
    [route] = route_of(tmp_path, HEAD + "app.use(cors({ origin: true }));\n")
    assert sent(route, "null") == (["null"], [])
    assert sent(route, "https://evil.example", "OPTIONS")[0] == ["https://evil.example"]


def test_array_entries_are_exact_and_star_is_literal(tmp_path):
    [route] = route_of(tmp_path, HEAD + "app.use(cors({ origin: ['*', 'https://App.example.com', /\\.example\\.org$/i] }));\n")
    assert sent(route, "https://evil.example")[0] == []
    assert sent(route, "https://app.example.com")[0] == []
    assert sent(route, "https://App.example.com")[0] == ["https://App.example.com"]
    assert sent(route, "https://A.EXAMPLE.ORG")[0] == ["https://A.EXAMPLE.ORG"]


def test_preflight_answered_with_204_and_defaults(tmp_path):
    [route] = route_of(tmp_path, HEAD + "app.use(cors({ origin: 'https://app.example.com', maxAge: 600 }));\n")
    ans = answer(route, "OPTIONS", "https://app.example.com", preflight=True)
    assert ans.response.status == 204
    assert ans.response.get_all("access-control-allow-methods") == ["GET,HEAD,PUT,PATCH,POST,DELETE"]
    assert ans.response.get_all("access-control-max-age") == ["600"]
    # the requested headers are echoed: corslint says it cannot know them
    assert [h.name for h in ans.unknown] == ["Access-Control-Allow-Headers"]


def test_cors_on_one_verb_leaves_options_to_express(tmp_path):
    [route] = route_of(tmp_path, HEAD + "app.get('/api', cors(), (req, res) => res.json([]));\n")
    ans = answer(route, "OPTIONS", "https://app.example.com", preflight=True)
    assert ans.response.status == 200 and ans.response.get_all("access-control-allow-origin") == []
    assert route.path == "/api"


def test_env_default_is_noted(tmp_path):
    [route] = route_of(tmp_path, HEAD + "app.use(cors({ origin: process.env.ORIGIN || 'https://app.example.com' }));\n")
    [h] = route.branches[1].emissions("Access-Control-Allow-Origin")
    assert h.note == "the default of process.env.ORIGIN"
    assert sent(route, "https://evil.example")[0] == ["https://app.example.com"]


def test_hand_set_headers_with_origin_check(tmp_path):
    [route] = route_of(tmp_path, (
        "const ok = ['https://app.example.com'];\n"
        "module.exports = (req, res, next) => {\n"
        "  const origin = req.header('Origin');\n"
        "  if (ok.indexOf(origin) !== -1) res.setHeader('Access-Control-Allow-Origin', origin);\n"
        "  if (req.method === 'OPTIONS') { return res.status(204).end(); }\n"
        "  next();\n"
        "};\n"))
    assert sent(route, "https://app.example.com")[0] == ["https://app.example.com"]
    assert sent(route, "https://evil.example")[0] == []
    assert answer(route, "OPTIONS", "https://app.example.com", preflight=True).response.status == 204


def test_typescript_is_read(tmp_path):
    routes = route_of(tmp_path, (
        "import cors from 'cors';\nimport express from 'express';\n"
        "const app = express();\nconst options: cors.CorsOptions = { origin: true as boolean, credentials: true };\n"
        "app.use(cors(options));\n"), name="server.ts")
    assert sent(routes[0], "https://evil.example") == (["https://evil.example"], ["true"])


def test_a_syntax_error_in_the_cors_configuration_is_one_refusal(tmp_path):
    bad = tmp_path / "bad.js"
    bad.write_text("const cors = require('cors');\napp.use(cors({ origin: true );\n")
    result = lint([str(bad)])
    [problem] = result.problems
    assert problem.fatal and problem.line == 2 and "JavaScript syntax error" in problem.message
    assert "in the CORS configuration, which cannot be read" in problem.message


def test_a_syntax_error_elsewhere_is_a_notice_and_the_rest_is_read(tmp_path):
    app = tmp_path / "server.js"
    app.write_text(HEAD + "function broken(a {\n  return a +;\n}\n"
                          "app.use(cors({ origin: ['null'], credentials: true }));\n")
    result = lint([str(app)])
    assert result.problems and not [p for p in result.problems if p.fatal]
    assert result.problems[0].line == 4 and "JavaScript syntax error (line 4)" in result.problems[0].message
    assert ("CORS104", 7) in [(f.code, f.line) for f in result.findings]


def test_a_value_holding_a_syntax_error_is_unknown(tmp_path):
    app = tmp_path / "server.js"
    app.write_text(HEAD + "app.use(cors({ origin: ['https://a.example', 'null' +], credentials: true }));\n")
    model = express.parse_files([str(app)])
    # the configuration is not read as written: said as a problem (exit 2), at its line
    [problem] = model.problems
    assert problem.fatal and problem.line == 4 and "in the CORS configuration" in problem.message
    [route] = model.routes
    for origin in ("null", "https://a.example", "https://evil.example"):
        unknown = answer(route, "GET", origin, credentials=True, preflight=False).unknown
        assert [h.name for h in unknown] == ["Access-Control-Allow-Origin"]
    assert lint([str(app)]).findings == []


def test_a_syntax_error_outside_the_cors_configuration_is_a_notice(tmp_path):
    app = tmp_path / "server.js"
    app.write_text(HEAD + "app.use(cors({ origin: true, credentials: true }));\nfunction broken( { return 1 }\n")
    result = lint([str(app)])
    [problem] = result.problems
    assert not problem.fatal and problem.line == 5
    assert [f.code for f in result.findings] == ["CORS105"]


def test_a_file_that_is_mostly_not_javascript_is_refused(tmp_path):
    bad = tmp_path / "page.js"
    bad.write_text("<html><body>{{ 'Access-Control-Allow-Origin' }} <<< >>> @@@ ### ))) (((</body></html>\n")
    [problem] = lint([str(bad)]).problems
    assert problem.fatal and "JavaScript syntax error" in problem.message


def test_typescript_decorators_and_generics_parse_cleanly(tmp_path):
    path = FIXTURES / "express" / "CORS105" / "nest_enable_cors.ts"
    assert express.parse_files([str(path)]).problems == []


def test_nest_enable_cors_is_the_cors_package_on_every_route(tmp_path):
    routes = route_of(tmp_path, (
        "import { NestFactory } from '@nestjs/core';\n"
        "async function main() {\n  const app = await NestFactory.create(AppModule);\n"
        "  app.enableCors();\n}\n"), name="main.ts")
    assert sent(routes[0], "https://evil.example") == (["*"], [])


def test_enable_cors_with_the_fastify_adapter_is_not_the_cors_package(tmp_path):
    main = tmp_path / "main.ts"
    main.write_text("import { FastifyAdapter } from '@nestjs/platform-fastify';\n"
                    "async function main() {\n  const app = await NestFactory.create(AppModule, new FastifyAdapter());\n"
                    "  app.enableCors({ origin: true, credentials: true });\n}\n")
    model = express.parse_files([str(main)])
    # read, and found to configure another package: no route, and no refusal
    assert model.routes == [] and not [p for p in model.problems if p.fatal]
    assert model.files == [str(main)]


def test_an_options_object_for_a_cors_call_elsewhere_is_read_once(tmp_path):
    only = tmp_path / "cors.config.ts"
    only.write_text("import { CorsOptions } from 'cors';\n"
                    "export const corsOptions: CorsOptions = { origin: true, credentials: true };\n")
    assert frontend_for(str(only), named=False) is express
    [route] = express.parse_files([str(only)]).routes
    assert sent(route, "https://evil.example") == (["https://evil.example"], ["true"])
    # passed to cors() in the same file: the call is the one route
    used = tmp_path / "server.ts"
    used.write_text("import cors, { CorsOptions } from 'cors';\n"
                    "const corsOptions: CorsOptions = { origin: true, credentials: true };\n"
                    "app.use(cors(corsOptions));\n")
    [route] = express.parse_files([str(used)]).routes
    assert route.source.line == 3


def test_recognised_by_content(tmp_path):
    app = tmp_path / "server.js"
    app.write_text(HEAD + "app.use(cors());\n")
    manual = tmp_path / "mw.mjs"
    manual.write_text("export default (req, res, next) => { res.set('Access-Control-Allow-Origin', '*'); next(); };\n")
    plain = tmp_path / "util.js"
    plain.write_text("module.exports = 1;\n")
    assert frontend_for(str(app), named=False) is express
    assert frontend_for(str(manual), named=False) is express
    assert frontend_for(str(plain), named=False) is None
    assert sorted(lint([str(tmp_path)]).files) == sorted([str(app), str(manual)])


def test_nest_factory_cors_option_is_enable_cors(tmp_path):
    head = "import { NestFactory } from '@nestjs/core';\nasync function main() {\n"
    [route] = route_of(tmp_path, head + "  await NestFactory.create(AppModule, { cors: true });\n}\n", name="a.ts")
    assert sent(route, "https://evil.example") == (["*"], [])
    [route] = route_of(tmp_path, head + "  await NestFactory.create(AppModule, new ExpressAdapter(server), "
                                        "{ bodyParser: true, cors: { origin: true, credentials: true } });\n}\n",
                       name="b.ts")
    assert sent(route, "https://evil.example") == (["https://evil.example"], ["true"])
    assert route_of(tmp_path, head + "  await NestFactory.create(AppModule, { cors: false });\n}\n",
                    name="c.ts") == []
