"""The Hono frontend (``cors`` from hono/cors, read with express.py's
tree-sitter JsFile). Its rule fixtures (tests/fixtures/hono/) run in
tests/test_fixtures.py; tests/test_framework_truth.py checks the same
behaviour against hono 4.13.19 itself."""

from __future__ import annotations

from corslint.frontends import frontend_for, hono
from corslint.lint import lint
from corslint.scenarios import answer

HEAD = "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\nconst app = new Hono()\n"


def routes_of(tmp_path, text, name="app.ts"):
    path = tmp_path / name
    path.write_text(text)
    model = hono.parse_files([str(path)])
    assert not model.problems, model.problems
    return model.routes


def sent(route, origin, method="GET"):
    r = answer(route, method, origin, credentials=True, preflight=method == "OPTIONS").response
    return (r.get_all("access-control-allow-origin"), r.get_all("access-control-allow-credentials"),
            r.get_all("vary"))


def test_recognised_by_its_import_and_neighbours_keep_their_files(tmp_path):
    for name, text, want in (
            ("app.ts", HEAD, "hono"),
            ("server.js", "const { cors } = require('hono/cors')\n", "hono"),
            ("app.js", "const express = require('express');\nconst cors = require('cors');\n", "express"),
            ("app.ts", "import { Hono } from 'hono'\nconst app = new Hono()\n", None)):
        path = tmp_path / name
        path.write_text(text)
        got = frontend_for(str(path), named=True)
        assert (got.NAME if got is not None else None) == want, (name, text)


def test_default_origin_is_star_even_with_credentials(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "app.use('/api/*', cors({ credentials: true }))\n")
    assert sent(route, "https://evil.example") == (["*"], ["true"], [])
    assert answer(route, "OPTIONS", "https://evil.example", preflight=True).response.status == 204


def test_string_and_array_origins_are_exact_with_vary(tmp_path):
    [one, many] = routes_of(tmp_path, HEAD + "app.use('/a/*', cors({ origin: 'https://app.example.com' }))\n"
                            "app.use('/b/*', cors({ origin: ['https://a.example.com', 'null'] }))\n")
    assert sent(one, "https://app.example.com")[0] == ["https://app.example.com"]
    assert sent(one, "https://evil.example")[0] == []
    assert "Origin" in sent(one, "https://evil.example")[2]
    assert sent(many, "null")[0] == ["null"]
    assert sent(many, "https://A.example.com")[0] == []


def test_origin_function_returning_the_origin_reflects(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "app.use(cors({ origin: (o, c) => { return o }, credentials: true }))\n")
    assert sent(route, "https://evil.example")[:2] == (["https://evil.example"], ["true"])


def test_unread_origin_is_unknown_not_guessed(tmp_path):
    routes = routes_of(tmp_path, HEAD + "app.use(cors({ origin: (o) => o.includes('example.com') ? o : null }))\n"
                       "app.use(cors({ origin: process.env.ORIGIN }))\n")
    assert len(routes) == 2
    for route in routes:
        ans = answer(route, "GET", "https://notexample.com", credentials=True, preflight=False)
        assert "access-control-allow-origin" in {h.lname for h in ans.unknown}


def test_an_origin_function_testing_the_end_admits_look_alike_sites(tmp_path):
    """The issue's example: o.endsWith('example.com') ? o : null lets
    https://notexample.com in (String.prototype.endsWith, read as the regex
    /example\\.com$/)."""
    [route] = routes_of(tmp_path, HEAD + "app.use(cors({ origin: (o) => o.endsWith('example.com') ? o : null, "
                                         "credentials: true }))\n")
    assert sent(route, "https://notexample.com")[:2] == (["https://notexample.com"], ["true"])
    assert sent(route, "https://api.example.com")[0] == ["https://api.example.com"]
    assert sent(route, "https://example.com.evil.example")[0] == []
    findings = lint([str(tmp_path / "app.ts")]).findings
    assert [f.code for f in findings] == ["CORS106"] and "endsWith('example.com')" in findings[0].message


def test_misspelt_option_is_an_ignored_name(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "app.use(cors({ origins: ['https://app.example.com'] }))\n")
    assert [n.name for n in route.ignored_names] == ["origins"]
    assert sent(route, "https://evil.example")[0] == ["*"]


def test_renamed_import_and_require_are_read(tmp_path):
    [renamed] = routes_of(tmp_path, "import { cors as honoCors } from 'hono/cors'\n"
                          "app.use(honoCors({ origin: 'https://app.example.com' }))\n")
    assert sent(renamed, "https://app.example.com")[0] == ["https://app.example.com"]
    [required] = routes_of(tmp_path, "const { cors } = require('hono/cors')\napp.use(cors())\n", name="server.js")
    assert sent(required, "https://evil.example")[0] == ["*"]
