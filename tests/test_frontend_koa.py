"""The Koa frontend (``cors`` from @koa/cors, read with express.py's
tree-sitter JsFile). Its rule fixtures (tests/fixtures/koa/) run in
tests/test_fixtures.py; tests/test_koa_truth.py checks the model's answers
against koa 3 + @koa/cors 5.0.0 (and 4.0.0) themselves."""

from __future__ import annotations

import json
import re

import pytest

from corslint.frontends import frontend_for, koa
from corslint.lint import build_model, lint

APP = ("const Koa = require('koa');\nconst cors = require('@koa/cors');\nconst app = new Koa();\n"
       "app.use(cors({}));\nmodule.exports = app;\n")


def route_of(tmp_path, options: str, head: str = "", name: str = "app.js"):
    path = tmp_path / name
    path.write_text(head + APP.replace("cors({})", f"cors({options})"))
    model, _ = build_model([str(path)])
    assert not [p for p in model.problems if p.fatal], model.problems
    [route] = [r for r in model.routes if r.is_cors()]
    return route


def acao(route, origin="https://evil.example"):
    from corslint.scenarios import answer
    return answer(route, "GET", origin, credentials=True).response.get_all("access-control-allow-origin")


def test_recognised_by_its_import_only(tmp_path):
    koa_file = tmp_path / "server.ts"
    koa_file.write_text("import Koa from 'koa'\nimport cors from '@koa/cors'\n")
    assert frontend_for(str(koa_file), named=True) is koa
    assert re.search(koa.WALK_MARKER, koa_file.read_bytes())
    express_file = tmp_path / "express.js"
    express_file.write_text("const cors = require('cors');\n")
    assert frontend_for(str(express_file), named=True).NAME == "express"
    hono_file = tmp_path / "hono.ts"
    hono_file.write_text("import { cors } from 'hono/cors'\n")
    assert frontend_for(str(hono_file), named=True).NAME == "hono"


@pytest.mark.parametrize("head,call", [
    ("import cors from '@koa/cors';\n", "cors"),
    ("import koaCors from '@koa/cors';\n", "koaCors"),
    ("const corsMw = require('@koa/cors');\n", "corsMw"),
    ("", "require('@koa/cors')"),
])
def test_import_forms(tmp_path, head, call):
    path = tmp_path / "app.mjs"
    path.write_text(f"import Koa from 'koa';\n{head}const app = new Koa();\n"
                    f"app.use({call}({{ credentials: true }}));\n")
    found = [f for f in lint([str(path)]).findings if f.code == "CORS105"]
    assert [f.line for f in found] == [3 + head.count("\n")]


@pytest.mark.parametrize("options,evil,app_", [
    ("{ origin: 'https://app.example.com' }", ["https://app.example.com"], ["https://app.example.com"]),
    ("{ origin: (ctx) => ctx.headers.origin }", ["https://evil.example"], ["https://app.example.com"]),
    ("{ origin: (ctx) => ctx.request.get('origin') || '*' }", ["https://evil.example"], ["https://app.example.com"]),
    ("{ origin: (ctx) => ['https://app.example.com'].includes(ctx.get('Origin')) ? ctx.get('Origin') : undefined }",
     [], ["https://app.example.com"]),
    ("{ origin(ctx) { const o = ctx.get('Origin'); if (!['https://app.example.com'].includes(o)) return false; "
     "return o; } }", [], ["https://app.example.com"]),
    ("{ origin: () => '*', credentials: true }", ["https://evil.example"], ["https://app.example.com"]),
    ("{ origin: '*' }", ["*"], ["*"]),
    ("{ origin: false }", ["*"], ["*"]),
])
def test_origin_forms(tmp_path, options, evil, app_):
    route = route_of(tmp_path, options)
    assert acao(route) == evil
    assert acao(route, "https://app.example.com") == app_


@pytest.mark.parametrize("options,what", [
    ("{ origin: (ctx) => lookup(ctx) }", "origin function"),
    ("{ origin: process.env.ORIGIN }", "ORIGIN"),
    ("{ credentials: (ctx) => ctx.path.startsWith('/api') }", "credentials set by a function"),
    ("opts", "opts"),
])
def test_computed_options_are_unknown(tmp_path, options, what):
    route = route_of(tmp_path, options)
    from corslint.scenarios import answer
    ans = answer(route, "GET", "https://evil.example", credentials=True)
    named = [p.name for h in ans.unknown for p in h.value.parts if hasattr(p, "name")]
    assert any(what in n for n in named), named


def test_allow_methods_falsy_sends_none_and_max_age_zero_is_not_sent(tmp_path):
    from corslint.scenarios import answer
    route = route_of(tmp_path, "{ allowMethods: '', maxAge: 0 }")
    pre = answer(route, "OPTIONS", "https://app.example.com", preflight=True).response
    assert pre.get_all("access-control-allow-methods") == [] and pre.get_all("access-control-max-age") == []
    assert pre.status == 204 and pre.get_all("vary") == ["Origin"]


# ---------------------------------------------------------------- the pinned version


@pytest.mark.parametrize("name,text,major,where", [
    ("package.json", json.dumps({"dependencies": {"@koa/cors": "^4.0.0"}}), 4, "'^4.0.0' in package.json"),
    ("package.json", json.dumps({"devDependencies": {"@koa/cors": "~3.4"}}), 3, "'~3.4' in package.json"),
    ("package.json", json.dumps({"dependencies": {"@koa/cors": "latest"}}), None, "'latest' in package.json"),
    ("package-lock.json", json.dumps({"packages": {"node_modules/@koa/cors": {"version": "4.0.0"}}}), 4,
     "4.0.0 in package-lock.json"),
    ("yarn.lock", '"@koa/cors@^3.1.0":\n  version "3.4.3"\n  resolved "x"\n', 3, "3.4.3 in yarn.lock"),
    ("yarn.lock", '"@koa/cors@npm:^5.0.0":\n  version: 5.0.0\n', 5, "5.0.0 in yarn.lock"),
    ("pnpm-lock.yaml", "packages:\n\n  '@koa/cors@4.0.0':\n    resolution: {}\n", 4, "4.0.0 in pnpm-lock.yaml"),
    ("pnpm-lock.yaml", "packages:\n  /@koa/cors/3.4.3:\n    resolution: {}\n", 3, "3.4.3 in pnpm-lock.yaml"),
])
def test_pinned_major(tmp_path, name, text, major, where):
    (tmp_path / "src").mkdir()
    app = tmp_path / "src" / "app.js"
    app.write_text(APP)
    (tmp_path / name).write_text(text)
    assert koa.pinned_major(str(app), (str(tmp_path),)) == (major, where)
    # outside the linted tree nothing is read
    assert koa.pinned_major(str(app), (str(tmp_path / "src"),)) == (None, "")


def test_lockfile_wins_over_the_range_and_nearest_directory_first(tmp_path):
    (tmp_path / "svc").mkdir()
    app = tmp_path / "svc" / "app.js"
    app.write_text(APP)
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@koa/cors": "^5.0.0"}}))
    (tmp_path / "svc" / "package.json").write_text(json.dumps({"dependencies": {"@koa/cors": "^4.0.0"}}))
    assert koa.pinned_major(str(app), (str(tmp_path),))[0] == 4
    (tmp_path / "svc" / "package-lock.json").write_text(
        json.dumps({"packages": {"node_modules/@koa/cors": {"version": "3.4.3"}}}))
    assert koa.pinned_major(str(app), (str(tmp_path),)) == (3, "3.4.3 in package-lock.json")


def test_unparseable_manifests_are_no_version(tmp_path):
    app = tmp_path / "app.js"
    app.write_text(APP.replace("cors({})", "cors({ credentials: true })"))
    (tmp_path / "package.json").write_text("{ not json")
    (tmp_path / "package-lock.json").write_text("[]")
    assert koa.pinned_major(str(app), (str(tmp_path),)) == (None, "")
    [finding] = [f for f in lint([str(tmp_path)]).findings if f.code == "CORS105"]
    assert "no @koa/cors version found" in finding.message


@pytest.mark.parametrize("head,mount,status", [
    ("import Router from '@koa/router';\nconst router = new Router();\n", "router.use(cors())", 404),
    ("const KoaRouter = require('koa-router');\nconst api = new KoaRouter({ prefix: '/api' });\n",
     "api.get('/items', cors(), list)", 404),
    ("import Router from '@koa/router';\nconst router = new Router();\napp.use(router.allowedMethods());\n",
     "router.use(cors())", 200),
    ("import Router from '@koa/router';\nconst router = new Router();\nrouter.all('/api/(.*)', ok);\n",
     "router.use(cors())", 204),
    ("const router = makeRouter();\n", "router.use(cors())", 204),
])
def test_cors_on_a_router_answers_no_preflight(tmp_path, head, mount, status):
    from corslint.scenarios import answer
    path = tmp_path / "app.mjs"
    path.write_text(f"import Koa from 'koa';\nimport cors from '@koa/cors';\nconst app = new Koa();\n{head}{mount};\n")
    model, _ = build_model([str(path)])
    [route] = [r for r in model.routes if r.is_cors()]
    pre = answer(route, "OPTIONS", "https://app.example.com", preflight=True).response
    assert pre.status == status
    assert (pre.get_all("access-control-allow-origin") == ["*"]) == (status == 204)
