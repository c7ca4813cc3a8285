"""corslint's reading of @fastify/cors (and NestJS on Fastify) against the real packages.

Each Fastify sample and fixture is served by the real fastify 5.12.8 +
@fastify/cors 11.4.3 (NestJS ones by @nestjs/core 12.5.1 +
@nestjs/platform-fastify 12.5.0) under node on a loopback port
(``serve_fastify``, tests/framework_truth/fastify_harness.mjs; packages from
tests/framework_truth/node, npm ci). Attacker and intended origins send simple
and preflight requests; status, Allow-Origin, Allow-Credentials,
Allow-Methods, Allow-Headers, Max-Age and Vary must be what corslint's model
predicts. Then the library's behaviour the frontend encodes is pinned one fact
at a time, the old major (8.5.0 with fastify 4, under npm aliases) included.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_framework_truth import (
    NODE_MODULES,
    TRUTH,
    Real,
    Req,
    cors_route,
    predicted,
    requests_for,
)

from corslint.frontends import fastify as frontend
from corslint.lint import lint

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "fastify"
SAMPLES = ROOT / "samples" / "fastify"
OLD_MAJOR = {"@fastify/cors": "fastify-cors-8", "fastify": "fastify-4"}   # @fastify/cors 8.5.0 on fastify 4


@contextlib.contextmanager
def serve_fastify(path: Path, aliases: dict[str, str] | None = None) -> Iterator[str]:
    """Serve ``path`` (a Fastify app, or a function returning a NestJS app on
    Fastify) with the real packages on a loopback port; yields its base URL
    (the CORS route is /api/items). ``aliases`` swap packages for the old
    majors installed under npm aliases."""
    node = shutil.which("node")
    assert node, "node is not installed: run tests/install-system-deps.sh"
    assert (NODE_MODULES / "@fastify" / "cors").is_dir(), \
        "run tests/install-system-deps.sh: it installs fastify and @fastify/cors (npm ci)"
    env = dict(os.environ, FASTIFY_ALIASES=json.dumps(aliases or {}))
    proc = subprocess.Popen([node, str(TRUTH / "fastify_harness.mjs"), str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        port = None
        while port is None:
            line = proc.stdout.readline()     # a sample's own logger may write to stdout first
            assert line, proc.stderr.read()
            with contextlib.suppress(ValueError):
                port = json.loads(line).get("port")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


serve_fastify.needs = ("node",)   # for the browser tier (tests/truth/frameworks.py)


def send(base: str, req: Req, request_method: str = "GET", request_headers: str = "",
         path: str = "/api/items") -> Real:
    headers = {"Origin": req.origin}
    if not req.preflight:
        # a credentialed request as the page's script sends it (the model is asked with credentials)
        headers["Authorization"] = "Bearer token"
    if req.preflight:
        headers["Access-Control-Request-Method"] = request_method
        if request_headers:
            headers["Access-Control-Request-Headers"] = request_headers
    request = urllib.request.Request(base + path, method=req.method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            status, msg = resp.status, resp.headers
    except urllib.error.HTTPError as err:
        status, msg = err.code, err.headers
    return Real(status, {n: msg.get_all(n) or [] for n in {k.lower() for k in msg}})


def run(path: Path, reqs: list[Req], aliases: dict[str, str] | None = None, **kw) -> list[Real]:
    with serve_fastify(path, aliases) as base:
        return [send(base, r, **kw) for r in reqs]


def _tokens(values: list[str]) -> set[str]:
    return {t.strip().lower() for v in values for t in v.split(",") if t.strip()}


def agrees(path: Path) -> list[tuple[Req, Real]]:
    """Every answer the real app gives is the one the model predicts."""
    route = cors_route(path)
    reqs = requests_for(route)
    reals = run(path, reqs)
    problems = []
    for req, real in zip(reqs, reals):
        want = predicted(route, req)
        if req.preflight:
            from corslint.scenarios import answer

            ans = answer(route, req.method, req.origin, credentials=True, preflight=True)
            unknown = {h.lname for h in ans.unknown}
            acah = "access-control-allow-headers"
            want[acah] = None if acah in unknown else ans.response.get_all(acah)
        for name, value in want.items():
            if value is None:
                continue
            if name == "vary":
                if set(value) != _tokens(real.get("vary")):
                    problems.append(f"{req}: Vary {real.get('vary')}, corslint says {sorted(value)}")
            elif name == "status":
                if value != real.status:
                    problems.append(f"{req}: status {real.status}, corslint says {value}")
            elif real.get(name) != value:
                problems.append(f"{req}: {name} {real.get(name)}, corslint says {value}")
    assert not problems, "\n".join(problems)
    return list(zip(reqs, reals))


SERVED = sorted(p for p in list(FIXTURES.glob("*/*.*")) + list(SAMPLES.glob("*/*.*")) if p.suffix in (".js", ".mjs"))


@pytest.mark.parametrize("path", SERVED, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_model_agrees_with_the_real_fastify(path):
    agrees(path)


# ---------------------------------------------------------------- the facts, one at a time


def test_star_is_sent_with_credentials_and_no_vary():
    path = FIXTURES / "CORS201" / "default_origin_credentials.js"
    for real in run(path, [Req("https://evil.example"), Req("https://evil.example", True)]):
        assert real.get("access-control-allow-origin") == ["*"]
        assert real.get("access-control-allow-credentials") == ["true"]
        assert "origin" not in _tokens(real.get("vary"))
    assert [f.line for f in lint([str(path)]).findings if f.code == "CORS201"] == [5]


def test_star_inside_an_origin_array_becomes_star():
    path = FIXTURES / "CORS201" / "star_in_array_credentials.js"
    [real] = run(path, [Req("https://evil.example")])
    assert real.get("access-control-allow-origin") == ["*"]
    assert real.get("vary") == []     # normalizeCorsOptions made it the string '*'
    assert not [e for b in cors_route(path).branches for e in b.headers if e.lname == "vary" and e.raw == "Origin"]
    assert [f.line for f in lint([str(path)]).findings if f.code == "CORS201"] == [5]


def test_origin_true_reflects_every_origin_null_included():
    path = FIXTURES / "CORS105" / "origin_true.js"
    for origin in ("https://evil.example", "null"):
        for real in run(path, [Req(origin), Req(origin, True)]):
            assert real.get("access-control-allow-origin") == [origin]
            assert real.get("access-control-allow-credentials") == ["true"]
            assert "origin" in _tokens(real.get("vary"))


def test_regexp_is_tested_unanchored():
    path = FIXTURES / "CORS106" / "regexp_unanchored.js"
    evil, other = run(path, [Req("https://example.com.evil.example"), Req("https://evil.example")])
    assert evil.get("access-control-allow-origin") == ["https://example.com.evil.example"]
    assert other.get("access-control-allow-origin") == [] and "origin" in _tokens(other.get("vary"))
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS106"]
    assert "https://example.com.evil.example" in finding.message


def test_string_origin_is_sent_as_it_is_to_every_origin():
    path = FIXTURES / "CORS102" / "two_origins_in_one_string.js"
    [real] = run(path, [Req("https://evil.example")])
    assert real.get("access-control-allow-origin") == ["https://a.example.com, https://b.example.com"]
    assert real.get("vary") == []


def test_origin_function_refusal_switches_cors_off_for_the_request():
    path = FIXTURES / "CORS105" / "callback_allowlist_fp.js"
    pre, get, ok = run(path, [Req("https://evil.example", True), Req("https://evil.example"),
                              Req("https://app.example.com", True)])
    assert pre.status == 404 and get.get("access-control-allow-credentials") == []
    assert pre.get("vary") == ["Origin"] and get.get("vary") == ["Origin"]
    assert ok.status == 204 and ok.get("access-control-allow-origin") == ["https://app.example.com"]


def test_preflight_answered_to_every_origin_with_defaults_and_echoed_headers():
    path = FIXTURES / "CORS104" / "exact_origins_fp.js"
    [evil] = run(path, [Req("https://evil.example", True)], request_method="PUT", request_headers="X-A, content-type")
    assert evil.status == 204
    assert evil.get("access-control-allow-origin") == []
    assert evil.get("access-control-allow-credentials") == ["true"]
    assert evil.get("access-control-allow-methods") == ["GET,HEAD,POST"]
    assert evil.get("access-control-allow-headers") == ["X-A, content-type"]
    assert _tokens(evil.get("vary")) == {"origin", "access-control-request-headers"}
    assert frontend.SEMANTICS.defaults["methods"] == "GET,HEAD,POST"


def test_preflight_is_answered_before_the_applications_onrequest_hooks(tmp_path):
    app = tmp_path / "app.js"
    app.write_text(
        "const fastify = require('fastify')()\n"
        "fastify.register(require('@fastify/cors'), { origin: ['https://app.example.com'] })\n"
        "fastify.addHook('onRequest', async (req, reply) => {\n"
        "  if (!req.headers.authorization) return reply.code(401).send({ error: 'login' })\n"
        "})\n"
        "fastify.get('/api/items', async () => ({ items: [] }))\n"
        "module.exports = fastify\n")
    pre, get = run(app, [Req("https://app.example.com", True), Req("https://app.example.com")])
    assert pre.status == 204 and pre.get("access-control-allow-origin") == ["https://app.example.com"]
    assert get.status == 200 and get.get("access-control-allow-origin") == ["https://app.example.com"]
    [branch] = [b for b in cors_route(app).branches if b.label == "preflight"]
    assert branch.outcome.status == 204 and branch.auth is None
    # hook: 'preHandler' runs after that hook: the preflight meets the 401 first
    later = tmp_path / "later.js"
    later.write_text(app.read_text().replace("['https://app.example.com'] }", "['https://app.example.com'], "
                                             "hook: 'preHandler' }"))
    [pre] = run(later, [Req("https://app.example.com", True)])
    assert pre.status == 401 and pre.get("access-control-allow-origin") == []
    [branch] = [b for b in cors_route(later).branches if b.label == "preflight"]
    assert branch.auth.line == 3 and "onRequest hook" in branch.auth_what and branch.headers == ()
    # a hook that does not authenticate, seen first: what it does with OPTIONS decides
    logged = tmp_path / "logged.js"
    logged.write_text(later.read_text().replace("if (!req.headers.authorization) return reply.code(401).send("
                                                "{ error: 'login' })", "req.log.info('in')"))
    [pre] = run(logged, [Req("https://app.example.com", True)])
    assert pre.status == 204
    [branch] = [b for b in cors_route(logged).branches if b.label == "preflight"]
    assert branch.outcome.status is None and "onRequest hook (line 3)" in branch.outcome.reason


def test_preflight_continue_and_preflight_off():
    off = FIXTURES / "CORS301" / "preflight_off.js"
    [real] = run(off, [Req("https://app.example.com", True)])
    assert real.status == 404 and real.get("access-control-allow-methods") == []
    [finding] = [f for f in lint([str(off)]).findings if f.code == "CORS301"]
    assert finding.line == 7


@pytest.mark.parametrize("options,status", [
    ("preflightContinue: true", 200),     # the plugin's catch-all OPTIONS route: reply.send()
    ("optionsSuccessStatus: 200", 200),
    ("origin: false", None),              # CORS off: no CORS answer at all
])
def test_who_answers_the_preflight_agrees_with_the_model(tmp_path, options, status):
    app = tmp_path / "app.js"
    app.write_text("const fastify = require('fastify')()\n"
                   f"fastify.register(require('@fastify/cors'), {{ origin: ['https://app.example.com'], {options} }})\n"
                   "fastify.get('/api/items', async () => ({ items: [] }))\n"
                   "module.exports = fastify\n")
    model_routes = [r for r in frontend.parse_files([str(app)]).routes if r.is_cors()]
    [pre] = run(app, [Req("https://app.example.com", True)])
    if status is None:
        assert not model_routes and pre.status == 404 and pre.get("access-control-allow-origin") == []
        return
    assert pre.status == status
    agrees(app)


def test_strict_preflight_refuses_an_options_request_without_request_method(tmp_path):
    # no browser preflight lacks Access-Control-Request-Method: nothing for the model to say
    path = FIXTURES / "CORS104" / "exact_origins_fp.js"
    with serve_fastify(path) as base:
        real = send(base, Req("https://app.example.com"), path="/api/items")
        request = urllib.request.Request(base + "/api/items", method="OPTIONS",
                                         headers={"Origin": "https://app.example.com"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
    assert real.status == 200 and err.value.code == 400


def test_misspelt_option_is_never_read():
    path = FIXTURES / "CORS109" / "origins_plural.js"
    [real] = run(path, [Req("https://other.example")])
    assert real.get("access-control-allow-origin") == ["*"]
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS109"]
    assert "origin" in finding.message and "@fastify/cors 11.x" in finding.message


# ---------------------------------------------------------------- the pinned major


def _put_app(directory: Path, options: str = "{ origin: '*' }") -> Path:
    directory.mkdir(exist_ok=True)
    app = directory / "app.js"
    app.write_text(
        "const fastify = require('fastify')()\n"
        "const cors = require('@fastify/cors')\n"
        f"fastify.register(cors, {options})\n"
        "fastify.put('/api/items', async () => ({}))\n"
        "fastify.get('/api/items', async () => ({ items: [] }))\n"
        "module.exports = fastify\n")
    return app


def test_old_major_defaults_come_from_package_json_and_agree_with_8_5(tmp_path):
    app = _put_app(tmp_path)
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@fastify/cors": "^8.4.0"}}))
    pre, get = run(app, [Req("https://evil.example", True), Req("https://evil.example")], aliases=OLD_MAJOR,
                   request_method="PUT")
    assert pre.get("access-control-allow-methods") == ["GET,HEAD,PUT,PATCH,POST,DELETE"]
    assert "origin" in _tokens(get.get("vary"))           # 8.x: Vary: Origin even for '*'
    route = cors_route(app)
    from corslint.scenarios import answer

    for req, real in ((Req("https://evil.example", True), pre), (Req("https://evil.example"), get)):
        want = predicted(route, req)
        assert real.get("access-control-allow-origin") == want["access-control-allow-origin"]
        assert _tokens(real.get("vary")) == set(want["vary"])
        if req.preflight:
            assert real.get("access-control-allow-methods") == want["access-control-allow-methods"]
    assert answer(route, "OPTIONS", "https://x.example", preflight=True) is not None
    assert not [f for f in lint([str(app)]).findings if f.code == "CORS305"]


def test_newest_major_lacks_put_and_the_finding_names_the_version(tmp_path):
    app = _put_app(tmp_path)
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@fastify/cors": "^11.0.0"}}))
    [pre] = run(app, [Req("https://evil.example", True)], request_method="PUT")
    assert pre.get("access-control-allow-methods") == ["GET,HEAD,POST"]
    [finding] = [f for f in lint([str(app)]).findings if f.code == "CORS305"]
    assert "@fastify/cors 11.x default" in finding.message
    assert "package.json asks for @fastify/cors ^11.0.0" in finding.message


def test_lockfile_wins_over_the_package_json_range(tmp_path):
    _put_app(tmp_path / "service")
    (tmp_path / "service" / "package.json").write_text(json.dumps({"dependencies": {"@fastify/cors": "*"}}))
    (tmp_path / "package-lock.json").write_text(json.dumps(
        {"lockfileVersion": 3, "packages": {"node_modules/@fastify/cors": {"version": "9.0.1"}}}))
    assert frontend.pinned_version(str(tmp_path / "service"), (str(tmp_path),)).text == \
        "package-lock.json pins @fastify/cors 9.0.1"
    assert not [f for f in lint([str(tmp_path)]).findings if f.code == "CORS305"]
    # nothing pinned: the newest, said in the finding
    (tmp_path / "package-lock.json").unlink()
    (tmp_path / "service" / "package.json").unlink()
    [finding] = [f for f in lint([str(tmp_path)]).findings if f.code == "CORS305"]
    assert "no @fastify/cors version is pinned" in finding.message and "11.x, is assumed" in finding.message


@pytest.mark.parametrize("name,text,version", [
    ("yarn.lock", '"@fastify/cors@^8.0.0":\n  version "8.5.0"\n  resolved "x"\n', "8.5.0"),
    ("yarn.lock", '"@fastify/cors@npm:^10.0.0":\n  version: 10.1.0\n  resolution: "x"\n', "10.1.0"),
    ("pnpm-lock.yaml", "packages:\n\n  '@fastify/cors@9.0.1':\n    resolution: {integrity: x}\n", "9.0.1"),
    ("pnpm-lock.yaml", "packages:\n  /@fastify/cors/8.5.0:\n    resolution: {integrity: x}\n", "8.5.0"),
])
def test_lockfile_formats(tmp_path, name, text, version):
    (tmp_path / name).write_text(text)
    pinned = frontend.pinned_version(str(tmp_path), (str(tmp_path),))
    assert pinned.text == f"{name} pins @fastify/cors {version}"
    assert pinned.major == int(version.split(".")[0])


def test_version_is_not_read_above_the_linted_tree(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@fastify/cors": "^8.0.0"}}))
    (tmp_path / "svc").mkdir()
    assert frontend.pinned_version(str(tmp_path / "svc"), (str(tmp_path / "svc"),)).major is None


def test_table_is_the_installed_packages_own():
    package = json.loads((NODE_MODULES / "@fastify" / "cors" / "package.json").read_text())
    assert package["version"].split(".")[0] == str(frontend.NEWEST_MAJOR)
    source = (NODE_MODULES / "@fastify" / "cors" / "index.js").read_text()
    assert f"methods: '{frontend.SEMANTICS.defaults['methods']}'" in source
    old = (NODE_MODULES / "fastify-cors-8" / "index.js").read_text()
    assert f"methods: '{frontend.semantics_for(8).defaults['methods']}'" in old
