"""The @fastify/cors reader (corslint/frontends/fastify.py): how it finds the
plugin and its options in JavaScript/TypeScript, and what it says about what it
cannot read. What the plugin does with them is pinned against the real package
in tests/test_fastify_truth.py."""

from __future__ import annotations

import re

import pytest

from corslint import cli
from corslint.frontends import fastify, frontend_for
from corslint.lint import lint
from corslint.scenarios import answer


def _route(path):
    model = fastify.parse_files([str(path)])
    assert not [p for p in model.problems if p.fatal], model.problems
    [route] = [r for r in model.routes if r.is_cors()]
    return route


def sent(route, origin: str, header: str = "access-control-allow-origin", preflight: bool = False):
    ans = answer(route, "OPTIONS" if preflight else "GET", origin, credentials=True, preflight=preflight)
    return None if header in {h.lname for h in ans.unknown} else ans.response.get_all(header)


@pytest.mark.parametrize("name,text", [
    ("a.js", "const cors = require('@fastify/cors')\nfastify.register(cors, { origin: true })\n"),
    ("b.mjs", "import cors from '@fastify/cors'\nawait app.register(cors, { origin: true })\n"),
    ("c.ts", "import { fastifyCors } from '@fastify/cors'\napp.register(fastifyCors, { origin: true })\n"),
    ("d.ts", "import { fastifyCors as c } from '@fastify/cors'\napp.register(c, { origin: true })\n"),
    ("e.js", "const { fastifyCors } = require('@fastify/cors')\napp.register(fastifyCors, { origin: true })\n"),
    ("f.js", "app.register(require('@fastify/cors'), { origin: true })\n"),
    ("g.js", "app.register(import('@fastify/cors'), { origin: true })\n"),
    ("h.ts", "import cors = require('@fastify/cors')\napp.register(cors, { origin: true })\n"),
    ("i.js", "const cors = require('fastify-cors')\nfastify.register(cors, { origin: true })\n"),
    ("j.ts", ("import { FastifyAdapter } from '@nestjs/platform-fastify'\n"
              "const app = await NestFactory.create(AppModule, new FastifyAdapter())\n"
              "app.enableCors({ origin: true })\n")),
    ("k.ts", ("import { FastifyAdapter } from '@nestjs/platform-fastify'\n"
              "const app = await NestFactory.create(AppModule, new FastifyAdapter(), { cors: { origin: true } })\n")),
])
def test_every_way_of_registering_the_plugin_is_read(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    assert frontend_for(str(path), named=False) is fastify
    assert re.search(fastify.WALK_MARKER, path.read_bytes()[:262144])
    route = _route(path)
    assert sent(route, "https://evil.example") == ["https://evil.example"]
    assert route.frontend == "fastify"


def test_old_package_name_gets_the_old_defaults(tmp_path):
    path = tmp_path / "app.js"
    path.write_text("const cors = require('fastify-cors')\nfastify.register(cors)\n")
    (tmp_path / "package.json").write_text('{"dependencies": {"fastify-cors": "^6.0.2"}}')
    route = _route(path)
    assert sent(route, "https://x.example", "access-control-allow-methods", preflight=True) == \
        ["GET,HEAD,PUT,PATCH,POST,DELETE"]
    assert sent(route, "https://x.example", "vary") == ["Origin"]    # before 9.0: Vary on every answer


def test_a_file_that_only_mentions_fastify_is_not_taken(tmp_path):
    path = tmp_path / "app.js"
    path.write_text("const fastify = require('fastify')()\nfastify.get('/', async () => 'hi')\n")
    assert frontend_for(str(path), named=False) is not fastify
    nest_express = tmp_path / "main.ts"
    nest_express.write_text("const app = await NestFactory.create(AppModule)\napp.enableCors()\n")
    assert frontend_for(str(nest_express), named=False) is not fastify


def test_computed_origin_is_named_unknown(tmp_path):
    path = tmp_path / "app.js"
    path.write_text("const cors = require('@fastify/cors')\n"
                    "fastify.register(cors, { origin: process.env.CORS_ORIGIN, credentials: true })\n")
    route = _route(path)
    assert sent(route, "https://evil.example") is None
    assert not [f for f in lint([str(path)]).findings if f.severity in ("error", "critical")]


@pytest.mark.parametrize("options", ["{ delegator: (req, cb) => cb(null, { origin: true }) }",
                                     "(instance) => (req, cb) => cb(null, { origin: true })",
                                     "{ ...shared }"])
def test_options_chosen_per_request_are_unknown(tmp_path, options):
    path = tmp_path / "app.js"
    path.write_text(f"const cors = require('@fastify/cors')\nfastify.register(cors, {options})\n")
    assert sent(_route(path), "https://evil.example") is None


def test_unparseable_cors_configuration_is_file_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "app.js"
    path.write_text("const cors = require('@fastify/cors')\n\nfastify.register(cors({ origin: true );\n")
    with pytest.raises(SystemExit) as exit_:
        cli.main([str(path)], standalone_mode=True)
    err = capsys.readouterr()
    assert exit_.value.code == 2
    assert re.search(re.escape(str(path)) + r":3: JavaScript syntax error", err.out + err.err)


def test_nest_cors_true_is_the_plugins_defaults(tmp_path):
    path = tmp_path / "main.ts"
    path.write_text("import { FastifyAdapter } from '@nestjs/platform-fastify'\n"
                    "const app = await NestFactory.create(AppModule, new FastifyAdapter(), { cors: true })\n")
    route = _route(path)
    assert sent(route, "https://evil.example") == ["*"]
    assert sent(route, "https://evil.example", "access-control-allow-credentials") == []
    nothing = tmp_path / "off.ts"
    nothing.write_text("import { FastifyAdapter } from '@nestjs/platform-fastify'\n"
                       "const app = await NestFactory.create(AppModule, new FastifyAdapter(), { cors: false })\n"
                       "app.enableCors\n")
    assert not [r for r in fastify.parse_files([str(nothing)]).routes if r.is_cors()]


def test_walk_marker_is_specific():
    assert not re.search(fastify.WALK_MARKER, b"const fastify = require('fastify')\nconst cors = require('cors')\n")
