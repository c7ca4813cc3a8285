"""corslint's reading of @koa/cors against the real package.

Each Koa fixture and sample (``module.exports = app``, a Koa 3 application
with ``app.use(cors(...))`` and a handler for /api/items) is served on a
loopback port by tests/framework_truth/koa_harness.js with koa 3.2.1 and
@koa/cors 5.0.0, or with @koa/cors 4.0.0 (installed as ``koa-cors-4``) when
the project around the file pins a 4.x (``koa.pinned_major``). Attacker and
intended origins send simple and preflight requests; the status and the
Allow-Origin/-Credentials/-Methods/-Headers, Max-Age and Vary of each answer
must be the ones corslint's model predicts. Then the library's own behaviour
that the frontend encodes is pinned.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from corslint.frontends import koa
from corslint.lint import lint
from corslint.model import Unknown
from corslint.scenarios import answer
from test_framework_truth import NODE_MODULES, TRUTH, Real, Req, cors_route, requests_for

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "koa"
SAMPLES = ROOT / "samples" / "koa"
REQUESTED_HEADERS = "x-requested-with, content-type"
COMPARED = ("access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers")
PREFLIGHT_COMPARED = ("access-control-allow-methods", "access-control-allow-headers", "access-control-max-age")


def _cors_package(path: Path) -> str:
    """The copy of @koa/cors the project around ``path`` pins."""
    major, _ = koa.pinned_major(str(path), (str(path.parent),))
    return "koa-cors-4" if major is not None and major < 5 else "@koa/cors"


@contextlib.contextmanager
def serve_koa(path: Path) -> Iterator[str]:
    """Serve the Koa app ``path`` exports on a free loopback port; yields
    "http://127.0.0.1:<port>" (its CORS route is /api/items)."""
    node = shutil.which("node")
    assert node, "node is not installed: run tests/install-system-deps.sh (the README's test command does)"
    assert (NODE_MODULES / "koa").is_dir(), "run tests/install-system-deps.sh: it installs koa and @koa/cors (npm ci)"
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES), KOA_CORS_PACKAGE=_cors_package(path))
    proc = subprocess.Popen([node, str(TRUTH / "koa_harness.js"), str(path)], stdin=subprocess.PIPE,
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


serve_koa.needs = ("node",)   # for the browser tier (tests/truth/frameworks.py)


def send(base: str, req: Req, request_headers: str = REQUESTED_HEADERS, path: str = "/api/items") -> Real:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Origin": req.origin}
    if req.preflight:
        headers["Access-Control-Request-Method"] = "GET"
        if request_headers:
            headers["Access-Control-Request-Headers"] = request_headers
    try:
        conn.request(req.method, path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        out: dict[str, list[str]] = {}
        for name, value in resp.getheaders():   # repeated fields stay separate
            out.setdefault(name.lower(), []).append(value)
        return Real(resp.status, out)
    finally:
        conn.close()


def serve(path: Path, reqs: list[Req], request_headers: str = REQUESTED_HEADERS, serving=None) -> list[Real]:
    """The answers of the app ``path`` (served by ``serving``, default
    serve_koa) to ``reqs``."""
    with (serving or serve_koa)(path) as base:
        return [send(base, r, request_headers) for r in reqs]


def _combined(values: list[str]) -> str | None:
    """Repeated fields as a browser reads them: joined with ', '."""
    return ", ".join(values) if values else None


def prediction(route, req: Req) -> dict[str, object]:
    """What the model says the middleware answers: header -> value (None:
    not sent, ... : not predicted), 'status' and 'vary'."""
    ans = answer(route, req.method, req.origin, credentials=True, preflight=req.preflight)
    assert ans is not None
    out: dict[str, object] = {}
    names = COMPARED + (PREFLIGHT_COMPARED if req.preflight else ())
    for name in names:
        unknown = [h for h in ans.unknown if h.lname == name]
        if unknown:
            # the requested headers echoed: the one unknown the harness can fill in
            echoed = name == "access-control-allow-headers" and any(
                "echoes" in p.name for h in unknown for p in h.value.parts if isinstance(p, Unknown))
            # (to a refused origin the model leaves the echo unresolved: not compared)
            out[name] = REQUESTED_HEADERS if echoed and out["access-control-allow-origin"] else ...
            continue
        out[name] = _combined(ans.response.get_all(name))
    out["vary"] = {t.strip().lower() for v in ans.response.get_all("vary") for t in v.split(",") if t.strip()}
    out["status"] = None if ans.status_assumed else ans.response.status
    return out


def agrees(path: Path, request_headers: str = REQUESTED_HEADERS, serving=None) -> list[tuple[Req, Real]]:
    """Every answer of the real app (``serving``: default serve_koa) is the
    one the model predicts."""
    route = cors_route(path)
    reqs = requests_for(route)
    reals = serve(path, reqs, request_headers, serving)
    problems = []
    for req, real in zip(reqs, reals):
        want = prediction(route, req)
        allowed = want["access-control-allow-origin"] is not None
        for name, value in want.items():
            if value is ...:
                continue
            if name == "vary":
                got = {t.strip().lower() for v in real.get("vary") for t in v.split(",") if t.strip()}
                if got != value:
                    problems.append(f"{req}: Vary {sorted(got)}, corslint says {sorted(value)}")
            elif name == "status":
                # the middleware's own answer; a refused origin's request goes on to the app
                if allowed and value is not None and value != real.status:
                    problems.append(f"{req}: status {real.status}, corslint says {value}")
            elif _combined(real.get(name)) != value:
                problems.append(f"{req}: {name} {real.get(name)}, corslint says {value}")
    assert not problems, "\n".join(problems)
    return list(zip(reqs, reals))


ALL = sorted(FIXTURES.glob("*/*.js")) + sorted(SAMPLES.glob("*/*.js"))


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_model_agrees_with_koa_cors(path):
    agrees(path)


# ---------------------------------------------------------------- what @koa/cors does


def test_credentials_turn_the_default_star_into_every_origin():
    path = FIXTURES / "CORS105" / "default_origin_credentials.js"
    for origin in ("https://evil.example", "null"):
        for real in serve(path, [Req(origin), Req(origin, True)]):
            assert real.get("access-control-allow-origin") == [origin]
            assert real.get("access-control-allow-credentials") == ["true"]
            assert real.get("vary") == ["Origin"]
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS105"]
    assert (finding.line, finding.severity) == (5, "critical")
    assert "no @koa/cors version found" in finding.message and "5.x assumed" in finding.message


def test_without_credentials_the_default_is_star_and_preflight_is_204():
    path = FIXTURES / "CORS105" / "default_origin_no_credentials_fp.js"
    actual, pre = serve(path, [Req("https://evil.example"), Req("https://evil.example", True)])
    assert actual.get("access-control-allow-origin") == ["*"]
    assert actual.get("access-control-expose-headers") == ["X-Total-Count"]
    assert pre.status == 204
    assert pre.get("access-control-allow-methods") == [koa.SEMANTICS.defaults["allowMethods"]]
    assert pre.get("access-control-allow-headers") == [REQUESTED_HEADERS]   # echoed, no Vary for it
    assert pre.get("vary") == ["Origin"] and pre.get("access-control-expose-headers") == []


def test_4x_reflects_every_origin_by_default(tmp_path):
    """@koa/cors 4.0.0 (README: 'Breaking change between 5.0 and 4.0'): the
    default origin is the request's; the pinned version is read and named."""
    app = tmp_path / "app.js"
    shutil.copy(FIXTURES / "CORS105" / "default_origin_no_credentials_fp.js", app)
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"@koa/cors": "^4.0.0", "koa": "^2.14.0"}}))
    assert _cors_package(app) == "koa-cors-4"
    [(_, real), *_] = agrees(app)
    assert real.get("access-control-allow-origin") == ["https://evil.example"]
    assert real.get("access-control-allow-credentials") == []
    # without credentials an echo grants what '*' grants: nothing to report
    assert not lint([str(app)]).findings
    app.write_text(app.read_text().replace("exposeHeaders: ['X-Total-Count']", "credentials: true"))
    [(_, real), *_] = agrees(app)
    assert real.get("access-control-allow-credentials") == ["true"]
    [finding] = [f for f in lint([str(app)]).findings if f.code == "CORS105"]
    assert "@koa/cors 4.x ('^4.0.0' in package.json) reflects the request's Origin by default" in finding.message


def test_origin_array_is_sent_as_several_fields():
    path = FIXTURES / "CORS103" / "origin_array.js"
    [real] = serve(path, [Req("https://app.example.com")])
    assert real.get("access-control-allow-origin") == ["https://app.example.com", "https://admin.example.com"]
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS103"]
    assert "its own Access-Control-Allow-Origin field" in finding.message and "@koa/cors" in finding.fix
    assert "Multiple CORS header" in finding.firefox


def test_falsy_origin_function_result_passes_the_request_on_without_cors_headers():
    path = FIXTURES / "CORS105" / "origin_function_allowlist_fp.js"
    evil, evil_pre, app_ = serve(path, [Req("https://evil.example"), Req("https://evil.example", True),
                                        Req("https://app.example.com", True)])
    assert evil.get("access-control-allow-origin") == [] and evil.get("access-control-allow-credentials") == []
    assert evil.get("vary") == ["Origin"]
    # not answered by cors: the next middleware (here the /api/items handler) answers the OPTIONS
    assert evil_pre.status == 200 and evil_pre.get("access-control-allow-methods") == []
    assert app_.status == 204 and app_.get("access-control-allow-origin") == ["https://app.example.com"]


def test_options_without_request_method_is_not_a_preflight():
    path = FIXTURES / "CORS105" / "default_origin_no_credentials_fp.js"
    with serve_koa(path) as base:
        real = send(base, Req("https://app.example.com"), path="/api/items")
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("OPTIONS", "/api/items", headers={"Origin": "https://app.example.com"})
        resp = conn.getresponse()
        resp.read()
        conn.close()
    assert real.status == 200
    assert resp.status == 200 and resp.getheader("Access-Control-Allow-Methods") is None


def test_misspelt_option_is_ignored():
    path = FIXTURES / "CORS109" / "origins_plural.js"
    [real] = serve(path, [Req("https://other.example")])
    assert real.get("access-control-allow-origin") == ["*"]


def test_table_is_the_installed_package():
    for name, major in (("@koa/cors", 5), ("koa-cors-4", 4)):
        manifest = json.loads((NODE_MODULES / name / "package.json").read_text())
        assert manifest["name"] == "@koa/cors" and manifest["version"].startswith(f"{major}.")
    version = json.loads((NODE_MODULES / "@koa" / "cors" / "package.json").read_text())["version"]
    assert koa.SEMANTICS.library == f"@koa/cors {version}"
    assert koa.NEWEST_MAJOR == int(version.split(".")[0])


@pytest.mark.parametrize("name,status,allow", [
    ("CORS301/router_use_cors.js", 404, None),
    ("CORS304/router_allowed_methods.js", 200, "HEAD, GET"),
])
def test_cors_on_a_koa_router_never_sees_a_preflight(name, status, allow):
    """@koa/router runs router.use() middleware only when a route of the
    request's method matches the path: a preflight's OPTIONS matches none."""
    path = FIXTURES / name
    actual, pre = serve(path, [Req("https://app.example.com"), Req("https://app.example.com", True)])
    assert actual.get("access-control-allow-origin") == ["https://app.example.com"]
    assert pre.status == status and pre.get("access-control-allow-origin") == []
    assert pre.get("allow") == ([allow] if allow else [])
    predicted = prediction(cors_route(path), Req("https://app.example.com", True))
    assert predicted["status"] == status and predicted["access-control-allow-origin"] is None
    code = path.parent.name
    assert [f.line for f in lint([str(path)]).findings if f.code == code] == [9]


def test_an_options_route_on_the_router_lets_cors_answer():
    path = FIXTURES / "CORS304" / "router_options_route_fp.js"
    [pre] = serve(path, [Req("https://app.example.com", True)])
    assert pre.status == 204 and pre.get("access-control-allow-origin") == ["https://app.example.com"]
