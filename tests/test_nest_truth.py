"""NestJS on its Express adapter against the real packages.

express.py reads ``app.enableCors(options)`` and ``NestFactory.create(Module,
{ cors: true | options })`` as Express's ``cors(options)`` mounted for every
route (@nestjs/platform-express 12.5.1 adapters/express-adapter.js:
``enableCors(options) { return this.use(cors(options)) }``; @nestjs/core
nest-application.js applyOptions: ``cors: true`` is ``enableCors()``, an
object or function is ``enableCors(options)``). Each NestJS fixture and sample
-- plain JavaScript with the decorators applied by hand, so that node runs it
as it is, with no TypeScript compiler -- is served on a loopback port by
@nestjs/core + @nestjs/platform-express 12.5.1 (cors 2.8.6, express 5.3.0)
through tests/framework_truth/nest_harness.js; the answers to attacker and
intended origins, simple and preflight, must be the ones the model predicts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from corslint.lint import lint
from test_framework_truth import NODE_MODULES, TRUTH, Req
from test_koa_truth import agrees, serve

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "express"
SAMPLES = ROOT / "samples" / "nestjs"
NEST_FIXTURES = sorted(FIXTURES.glob("*/nest_*.js"))


@contextlib.contextmanager
def serve_nest(path: Path) -> Iterator[str]:
    """Serve the NestJS app ``path`` builds (its exported ``createApp``) on
    the Express adapter on a free loopback port; yields
    "http://127.0.0.1:<port>" (its CORS route is /api/items)."""
    node = shutil.which("node")
    assert node, "node is not installed: run tests/install-system-deps.sh (the README's test command does)"
    assert (NODE_MODULES / "@nestjs" / "platform-express").is_dir(), \
        "run tests/install-system-deps.sh: it installs @nestjs/core and @nestjs/platform-express (npm ci)"
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    proc = subprocess.Popen([node, str(TRUTH / "nest_harness.js"), str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        yield f"http://127.0.0.1:{json.loads(line)['port']}"
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


serve_nest.needs = ("node",)   # for the browser tier (tests/truth/frameworks.py)


ALL = NEST_FIXTURES + sorted(SAMPLES.glob("*/*.js"))


def test_nest_fixtures_are_there():
    assert {p.name for p in NEST_FIXTURES} >= {"nest_factory_cors_true_fp.js", "nest_origin_true_credentials.js",
                                                "nest_origin_list_fp.js"}


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_model_agrees_with_nestjs_on_express(path):
    agrees(path, serving=serve_nest)


def test_cors_true_is_the_cors_defaults():
    path = FIXTURES / "CORS105" / "nest_factory_cors_true_fp.js"
    actual, pre = serve(path, [Req("https://evil.example"), Req("https://evil.example", True)], serving=serve_nest)
    assert actual.get("access-control-allow-origin") == ["*"]
    assert actual.get("access-control-allow-credentials") == []
    assert pre.status == 204 and pre.get("access-control-allow-methods") == ["GET,HEAD,PUT,PATCH,POST,DELETE"]
    assert not lint([str(path)]).findings


def test_origin_true_reflects_null_too_with_credentials():
    path = FIXTURES / "CORS105" / "nest_origin_true_credentials.js"
    for real in serve(path, [Req("null"), Req("https://evil.example", True)], serving=serve_nest):
        assert real.get("access-control-allow-origin") in (["null"], ["https://evil.example"])
        assert real.get("access-control-allow-credentials") == ["true"]
        assert "Origin" in ", ".join(real.get("vary"))
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS105"]
    assert (finding.line, finding.severity) == (20, "critical")


def test_origin_list_is_exact_and_regexp_test():
    path = FIXTURES / "CORS105" / "nest_origin_list_fp.js"
    app_, sub, upper, evil = serve(path, [Req("https://app.example.com"), Req("https://api.example.com"),
                                          Req("https://APP.example.com"), Req("https://evil.example")],
                                   serving=serve_nest)
    assert app_.get("access-control-allow-origin") == ["https://app.example.com"]
    assert sub.get("access-control-allow-origin") == ["https://api.example.com"]
    assert upper.get("access-control-allow-origin") == [] and evil.get("access-control-allow-origin") == []
    # cors sends credentials to every origin, allowed or not
    assert evil.get("access-control-allow-credentials") == ["true"]


def test_enable_cors_after_init_reaches_no_route(tmp_path):
    """NestApplication.use() after init() (listen() runs it) mounts cors
    behind the routes: corslint reads no CORS there and says why."""
    text = (FIXTURES / "CORS105" / "nest_origin_true_credentials.js").read_text()
    late = tmp_path / "main.js"
    late.write_text(text.replace("  app.enableCors({ origin: true, credentials: true }); // expect: CORS105\n",
                                 "  await app.init();\n  app.enableCors({ origin: true, credentials: true });\n"))
    actual, pre = serve(late, [Req("https://evil.example"), Req("https://evil.example", True)], serving=serve_nest)
    assert actual.status == 200 and actual.get("access-control-allow-origin") == []
    assert pre.status == 404 and pre.get("access-control-allow-origin") == []
    result = lint([str(late)])
    assert not result.findings
    [notice] = [p for p in result.problems if not p.fatal]
    assert notice.line == 21 and "after listen()/init()" in notice.message
    # before init(), the same call is read as cors(options)
    assert [f.line for f in lint([str(FIXTURES / "CORS105" / "nest_origin_true_credentials.js")]).findings
            if f.code == "CORS105"] == [20]


@pytest.mark.parametrize("before", [
    "  app.init();\n",                                                  # not awaited: the routes mount later
    "  if (process.env.NEST_TRUTH_NEVER_SET) {\n    await app.init();\n  }\n",   # a branch that does not run
], ids=["init-not-awaited", "init-in-a-branch"])
def test_enable_cors_after_an_init_that_has_not_run_still_answers(tmp_path, before):
    """Only an awaited init()/listen() straight before enableCors() puts cors
    behind the routes; otherwise the real NestJS answers with cors's headers
    and corslint reads the call as cors(options)."""
    text = (FIXTURES / "CORS105" / "nest_origin_true_credentials.js").read_text()
    late = tmp_path / "main.js"
    late.write_text(text.replace("  app.enableCors({ origin: true, credentials: true }); // expect: CORS105\n",
                                 before + "  app.enableCors({ origin: true, credentials: true });\n"))
    [actual] = serve(late, [Req("https://evil.example")], serving=serve_nest)
    assert actual.get("access-control-allow-origin") == ["https://evil.example"]
    assert actual.get("access-control-allow-credentials") == ["true"]
    result = lint([str(late)])
    assert [f.code for f in result.findings] == ["CORS105"] and not result.problems
