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


def test_syntax_error_is_one_problem(tmp_path):
    bad = tmp_path / "bad.js"
    bad.write_text("const cors = require('cors');\napp.use(cors({ origin: true );\n")
    result = lint([str(bad)])
    [problem] = result.problems
    assert problem.fatal and problem.line == 2 and "JavaScript syntax error" in problem.message


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
