"""corslint's reading of each framework against the real package.

Every framework sample (and the fixtures named below) runs with the real
framework: Django + django-cors-headers through Django's test client (one
subprocess per settings module, since Django configures once per process),
Flask + Flask-CORS and FastAPI/Starlette in-process through their test
clients, Express + cors under node on a loopback port. Each gets requests from
attacker and intended origins, simple and preflight; the response headers must
be the ones corslint's model predicts for that request. Then one test per row
of the issue's table asserts the behaviour itself and corslint's verdict.

The packages come from the test extras (pip) and tests/framework_truth/node
(``npm ci`` in tests/install-system-deps.sh); nothing is installed here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from corslint.lint import build_model, lint
from corslint.scenarios import answer, intended_origins

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
TRUTH = ROOT / "tests" / "framework_truth"
NODE_MODULES = TRUTH / "node" / "node_modules"

ATTACKERS = ("https://evil.example", "null")
HEADERS = ("access-control-allow-origin", "access-control-allow-credentials")
PREFLIGHT_HEADERS = ("access-control-allow-methods", "access-control-max-age")


@dataclass(frozen=True)
class Req:
    origin: str
    preflight: bool = False

    @property
    def method(self) -> str:
        return "OPTIONS" if self.preflight else "GET"

    def as_json(self) -> dict:
        return {"method": self.method, "origin": self.origin, "preflight": self.preflight,
                "request_method": "GET"}


@dataclass
class Real:
    status: int
    headers: dict[str, list[str]]

    def get(self, name: str) -> list[str]:
        return [v.strip() for v in self.headers.get(name.lower(), [])]


# ---------------------------------------------------------------- running the real frameworks


def run_django(path: Path, reqs: list[Req]) -> tuple[list[Real], list[str]]:
    proc = subprocess.run(
        [sys.executable, str(TRUTH / "django_harness.py"), str(path), json.dumps([r.as_json() for r in reqs])],
        capture_output=True, text=True, timeout=120, cwd=str(TRUTH))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return [Real(a["status"], a["headers"]) for a in out["answers"]], out["check_errors"]


def _load(path: Path):
    name = f"corslint_truth_{path.parent.name}_{path.stem}_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _app(module):
    app = getattr(module, "app", None)
    if app is None and hasattr(module, "create_app"):
        app = module.create_app()
    assert app is not None
    return app


def run_flask(path: Path, reqs: list[Req]) -> list[Real]:
    client = _app(_load(path)).test_client()
    out = []
    for r in reqs:
        headers = {"Origin": r.origin}
        if r.preflight:
            headers["Access-Control-Request-Method"] = "GET"
        resp = client.open(_flask_path(path), method=r.method, headers=headers)
        out.append(Real(resp.status_code, {k.lower(): resp.headers.getlist(k) for k in set(resp.headers.keys())}))
    return out


def _flask_path(path: Path) -> str:
    text = path.read_text()
    for candidate in ("/api/items", "/api/me"):
        if f'"{candidate}"' in text:
            return candidate
    return "/api/x/"


def run_starlette(path: Path, reqs: list[Req]) -> list[Real]:
    from starlette.testclient import TestClient

    client = TestClient(_app(_load(path)))
    out = []
    for r in reqs:
        headers = {"Origin": r.origin}
        if r.preflight:
            headers["Access-Control-Request-Method"] = "GET"
        resp = client.request(r.method, "/api/items", headers=headers)
        out.append(Real(resp.status_code, {k.lower(): resp.headers.get_list(k) for k in resp.headers.keys()}))
    return out


def run_express(path: Path, reqs: list[Req]) -> list[Real]:
    node = shutil.which("node")
    assert node, "node is not installed: run tests/install-system-deps.sh (the README's test command does)"
    assert NODE_MODULES.is_dir(), "run tests/install-system-deps.sh: it installs express and cors (npm ci)"
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    proc = subprocess.Popen([node, str(TRUTH / "express_harness.js"), str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        port = json.loads(line)["port"]
        out = []
        for r in reqs:
            headers = {"Origin": r.origin}
            if r.preflight:
                headers["Access-Control-Request-Method"] = "GET"
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/items", method=r.method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=10) as resp:
                    status, msg = resp.status, resp.headers
            except urllib.error.HTTPError as err:
                status, msg = err.code, err.headers
            names = {k.lower() for k in msg.keys()}
            out.append(Real(status, {n: msg.get_all(n) or [] for n in names}))
        return out
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_hono(path: Path, reqs: list[Req], request_headers: str = "") -> list[Real]:
    """Hono's own test call, app.request(url, init), under node (no server)."""
    node = shutil.which("node")
    assert node, "node is not installed: run tests/install-system-deps.sh (the README's test command does)"
    assert (NODE_MODULES / "hono").is_dir(), "run tests/install-system-deps.sh: it installs hono (npm ci)"
    sent = []
    for r in reqs:
        headers = {"Origin": r.origin}
        if r.preflight:
            headers["Access-Control-Request-Method"] = "GET"
            if request_headers:
                headers["Access-Control-Request-Headers"] = request_headers
        sent.append({"url": "http://localhost/api/items", "method": r.method, "headers": headers})
    proc = subprocess.run([node, str(TRUTH / "hono_harness.mjs"), str(path), json.dumps(sent)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = []
    for answer_ in json.loads(proc.stdout):
        headers: dict[str, list[str]] = {}
        for name, value in answer_["headers"]:
            # the Fetch Headers object joins repeated fields with ', '
            headers.setdefault(name.lower(), []).append(value)
        out.append(Real(answer_["status"], headers))
    return out


def run_aiohttp(path: Path, reqs: list[Req]) -> list[Real]:
    """aiohttp + aiohttp-cors on a loopback port (tests/test_aiohttp_truth.py)."""
    from test_aiohttp_truth import serve

    return serve(path, reqs)


def run(framework: str, path: Path, reqs: list[Req]) -> list[Real]:
    if framework == "django":
        return run_django(path, reqs)[0]
    return {"flask": run_flask, "fastapi": run_starlette, "starlette": run_starlette,
            "express": run_express, "hono": run_hono, "aiohttp": run_aiohttp}[framework](path, reqs)


# ---------------------------------------------------------------- corslint's prediction


def cors_route(path: Path):
    model, _ = build_model([str(path)])
    assert not [p for p in model.problems if p.fatal], model.problems
    routes = [r for r in model.routes if r.is_cors()]
    assert len(routes) == 1, [r.name for r in model.routes]
    return routes[0]


def predicted(route, req: Req) -> dict[str, list[str] | None]:
    ans = answer(route, req.method, req.origin, credentials=True, preflight=req.preflight)
    assert ans is not None
    unknown = {h.lname for h in ans.unknown}
    names = HEADERS + (PREFLIGHT_HEADERS if req.preflight else ())
    return {n: (None if n in unknown else ans.response.get_all(n)) for n in names} | {
        "vary": None if "vary" in unknown else _vary(ans.response.get_all("vary")),
        # the middleware's own status (preflights); the app's is assumed, not predicted
        "status": None if ans.status_assumed else ans.response.status}


def _vary(values: list[str]) -> set[str]:
    return {t.strip().lower() for v in values for t in v.split(",") if t.strip()}


def requests_for(route, extra: tuple[str, ...] = ()) -> list[Req]:
    origins = list(dict.fromkeys(list(ATTACKERS) + intended_origins(route) + list(extra)))
    return [Req(o, p) for o in origins for p in (False, True)]


def assert_agrees(framework: str, path: Path, extra: tuple[str, ...] = ()) -> list[tuple[Req, Real]]:
    route = cors_route(path)
    reqs = requests_for(route, extra)
    return assert_answers_agree(route, reqs, run(framework, path, reqs))


def assert_answers_agree(route, reqs: list[Req], reals: list[Real], vary: str = "needed") -> list[tuple[Req, Real]]:
    """The real answers carry the headers the model predicts for each request
    (the status too, where the model sends Access-Control-Allow-Origin).
    ``vary``: "needed" asks only that a predicted Vary: Origin is there,
    "origin" that Origin is among the Vary names exactly when predicted,
    "exact" that the whole set of names is the predicted one."""
    problems = []
    for req, real in zip(reqs, reals):
        want = predicted(route, req)
        for name, value in want.items():
            if value is None:
                continue
            if name == "vary":
                got = _vary(real.get("vary"))
                differ = (set(value) != got if vary == "exact" else
                          ("origin" in value) != ("origin" in got) if vary == "origin" else
                          "origin" in value and "origin" not in got)
                if differ:
                    problems.append(f"{req}: Vary {sorted(got)}, corslint says {sorted(value)}")
            elif name == "status":
                if want["access-control-allow-origin"] and value != real.status:
                    problems.append(f"{req}: status {real.status}, corslint says {value}")
            elif real.get(name) != value:
                problems.append(f"{req}: {name} {real.get(name)}, corslint says {value}")
    assert not problems, "\n".join(problems)
    return list(zip(reqs, reals))


# ---------------------------------------------------------------- every sample agrees

FRAMEWORKS = ("django", "flask", "fastapi", "express", "hono", "aiohttp")
# broken.* and fixed.* (request.json beside them describes the browser tier's requests)
FRAMEWORK_SAMPLES = sorted(
    p for fw in FRAMEWORKS for p in (SAMPLES / fw).glob("*/*.*") if p.stem in ("broken", "fixed"))
# every library frontend's samples (the server configs and the proxy+app repositories have theirs
# in tests/test_samples.py, tests/test_apache_samples.py and tests/test_crosslayer.py)
NOT_LIBRARIES = ("nginx", "apache", "cross-layer")
LIBRARY_SAMPLES = sorted(p for d in SAMPLES.iterdir() if d.is_dir() and d.name not in NOT_LIBRARIES
                         for p in d.glob("*/*.*") if p.stem in ("broken", "fixed"))
ROW_FIXTURES = [
    ("django", FIXTURES / "django" / "CORS101" / "entries_never_match.py"),
    ("django", FIXTURES / "django" / "CORS104" / "no_scheme_entry.py"),
    ("flask", FIXTURES / "flask" / "CORS106" / "glob_entry.py"),
    ("starlette", FIXTURES / "starlette" / "CORS106" / "regex_missing_dot.py"),
    ("express", FIXTURES / "express" / "CORS105" / "set_header_reflect.js"),
    ("express", FIXTURES / "express" / "CORS106" / "regexp_unanchored.js"),
] + [("hono", p) for p in sorted((FIXTURES / "hono").glob("*/*.ts"))]


def test_every_library_has_sample_pairs():
    libraries = {p.parent.parent.name for p in LIBRARY_SAMPLES}
    assert libraries >= set(FRAMEWORKS) | {"fastify", "koa", "litestar", "quart", "sanic", "nestjs"}
    for fw in libraries:
        codes = {p.parent.name for p in LIBRARY_SAMPLES if p.parent.parent.name == fw}
        assert len(codes) >= (1 if fw == "nestjs" else 2), fw
        for code in codes:
            assert len(list((SAMPLES / fw / code).glob("broken.*"))) == 1
            assert len(list((SAMPLES / fw / code).glob("fixed.*"))) == 1


def _needs_node(framework: str) -> tuple:
    # Express runs under node; the Python frameworks come with the test extras.
    return (pytest.mark.node,) if framework in ("express", "hono") else ()


@pytest.mark.parametrize("path", [pytest.param(p, marks=_needs_node(p.parent.parent.name)) for p in FRAMEWORK_SAMPLES],
                         ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_sample_headers_agree_with_the_real_framework(path):
    assert_agrees(path.parent.parent.name, path)


@pytest.mark.parametrize("framework,path", [pytest.param(fw, p, marks=_needs_node(fw)) for fw, p in ROW_FIXTURES],
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_fixture_headers_agree_with_the_real_framework(framework, path):
    assert_agrees(framework, path)


def _marked(path: Path, code: str) -> set[int]:
    marker = "#" if path.suffix == ".py" else "//"
    out = set()
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if f"{marker} expect: {code}" in line:
            out.add(i)
    return out


@pytest.mark.parametrize("path", LIBRARY_SAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_broken_sample_reports_its_code_and_fixed_lints_clean(path):
    result = lint([str(path)])
    assert not [p for p in result.problems if p.fatal]
    if path.stem == "broken":
        code = path.parent.name
        want = _marked(path, code)
        assert want and {f.line for f in result.findings if f.code == code} == want, \
            [f"{f.code}:{f.line} {f.message}" for f in result.findings]
    else:
        assert not result.findings, [f"{f.code}:{f.line} {f.message}" for f in result.findings]


# ---------------------------------------------------------------- one test per row of the table


def _one(path: Path, code: str):
    found = [f for f in lint([str(path)]).findings if f.code == code]
    assert len(found) == 1, found
    return found[0]


def test_django_allow_all_with_credentials_reflects_any_origin():
    path = SAMPLES / "django" / "CORS105" / "broken.py"
    [real, _] , _ = run_django(path, [Req("https://evil.example"), Req("https://evil.example", True)])
    assert real.get("access-control-allow-origin") == ["https://evil.example"]
    assert real.get("access-control-allow-credentials") == ["true"]
    finding = _one(path, "CORS105")
    assert finding.severity == "critical" and finding.line == 19


def test_django_allowed_origins_compare_scheme_and_host_as_written():
    path = FIXTURES / "django" / "CORS101" / "entries_never_match.py"
    origins = ["https://a.example.com", "https://app.example.com", "https://www.example.com",
               "https://api.example.com", "https://trailing.example.com", "null"]
    reals, errors = run_django(path, [Req(o) for o in origins])
    granted = {o for o, r in zip(origins, reals) if r.get("access-control-allow-origin")}
    # '*.', an uppercase host, ':443' and a missing scheme never match; the
    # trailing slash matches (scheme and host compared) but fails the system check;
    # the entry without a scheme lets 'null' in.
    assert granted == {"https://trailing.example.com", "null"}
    assert sorted(errors) == ["corsheaders.E013", "corsheaders.E014"]
    result = lint([str(path)])
    assert sorted(f.line for f in result.findings if f.code == "CORS101") == [7, 8, 9, 10]
    # the entry that admits only 'null' is one finding: its CORS104 is folded into its CORS101
    assert [(g.code, g.line) for f in result.findings for g in f.folded if g.code == "CORS104"] == [("CORS104", 10)]
    [notice] = result.problems
    assert notice.line == 11 and "corsheaders.E014" in notice.message and not notice.fatal


def test_django_regexes_match_at_the_start_only():
    path = SAMPLES / "django" / "CORS106" / "broken.py"
    [real], _ = run_django(path, [Req("https://app.example.com.evil.example")])
    assert real.get("access-control-allow-origin") == ["https://app.example.com.evil.example"]
    finding = _one(path, "CORS106")
    assert "https://app.example.com.evil.example" in finding.message


def test_flask_cors_default_reflects_any_origin_with_credentials():
    path = SAMPLES / "flask" / "CORS105" / "broken.py"
    reals = run_flask(path, [Req("https://evil.example"), Req("null"), Req("https://evil.example", True)])
    for real, origin in zip(reals, ["https://evil.example", "null", "https://evil.example"]):
        assert real.get("access-control-allow-origin") == [origin]
        assert real.get("access-control-allow-credentials") == ["true"]
    assert _one(path, "CORS105").severity == "critical"


def test_flask_cors_glob_entry_is_a_case_insensitive_prefix_regex():
    path = FIXTURES / "flask" / "CORS106" / "glob_entry.py"
    origins = ["https://a.example.com", "https://xexample.com.evil.example", "HTTPS://XEXAMPLE.COM"]
    reals = run_flask(path, [Req(o) for o in origins])
    granted = [o for o, r in zip(origins, reals) if r.get("access-control-allow-origin")]
    assert granted == ["https://xexample.com.evil.example", "HTTPS://XEXAMPLE.COM"]
    assert _one(path, "CORS106").line == 7


def test_starlette_star_with_credentials_reflects_on_simple_and_preflight():
    path = SAMPLES / "fastapi" / "CORS105" / "broken.py"
    for real in run_starlette(path, [Req("https://evil.example"), Req("https://evil.example", True)]):
        assert real.get("access-control-allow-origin") == ["https://evil.example"]
        assert real.get("access-control-allow-credentials") == ["true"]
    assert _one(path, "CORS105").severity == "critical"


def test_starlette_regex_is_fullmatch_and_entries_are_exact():
    path = SAMPLES / "fastapi" / "CORS106" / "broken.py"
    origins = ["https://evilexample.com", "https://app.example.com.evil.example"]
    reals = run_starlette(path, [Req(o) for o in origins])
    assert reals[0].get("access-control-allow-origin") == ["https://evilexample.com"]
    assert reals[1].get("access-control-allow-origin") == []  # fullmatch: no suffix
    fixed = SAMPLES / "fastapi" / "CORS105" / "fixed.py"
    [upper] = run_starlette(fixed, [Req("https://App.example.com")])
    assert upper.get("access-control-allow-origin") == []  # exact, case-sensitive
    assert "https://evilexample.com" in _one(path, "CORS106").message


@pytest.mark.node
def test_express_star_with_credentials_sends_literal_star():
    path = SAMPLES / "express" / "CORS201" / "broken.js"
    [real] = run_express(path, [Req("https://app.example.com")])
    assert real.get("access-control-allow-origin") == ["*"]
    assert real.get("access-control-allow-credentials") == ["true"]
    finding = _one(path, "CORS201")
    assert finding.line == 11 and "wildcard" in finding.chrome


@pytest.mark.node
def test_express_origin_true_reflects_null_too():
    path = SAMPLES / "express" / "CORS105" / "broken.js"
    reals = run_express(path, [Req("null"), Req("https://evil.example", True)])
    assert reals[0].get("access-control-allow-origin") == ["null"]
    assert reals[1].get("access-control-allow-origin") == ["https://evil.example"]
    assert reals[1].status == 204
    assert _one(path, "CORS105").severity == "critical"


@pytest.mark.node
def test_express_regexp_is_unanchored_and_array_star_is_literal():
    path = SAMPLES / "express" / "CORS106" / "broken.js"
    [real] = run_express(path, [Req("https://example.com.evil.example")])
    assert real.get("access-control-allow-origin") == ["https://example.com.evil.example"]
    assert _one(path, "CORS106").line == 9
    star = FIXTURES / "express" / "CORS106" / "regexp_unanchored.js"
    star_text = "const express = require('express');\nconst cors = require('cors');\n" \
                "const app = express();\napp.use(cors({ origin: ['*', 'https://app.example.com'] }));\n" \
                "module.exports = app;\n"
    tmp = TRUTH / f"_array_star_{uuid.uuid4().hex[:8]}.js"
    tmp.write_text(star_text)
    try:
        reals = run_express(tmp, [Req("https://evil.example"), Req("https://app.example.com")])
        route = cors_route(tmp)
    finally:
        tmp.unlink()
    assert reals[0].get("access-control-allow-origin") == []
    assert reals[1].get("access-control-allow-origin") == ["https://app.example.com"]
    assert predicted(route, Req("https://evil.example"))["access-control-allow-origin"] == []
    assert star.exists()


@pytest.mark.node
def test_express_set_header_with_request_origin_reflects():
    path = FIXTURES / "express" / "CORS105" / "set_header_reflect.js"
    [real, pre] = run_express(path, [Req("https://evil.example"), Req("https://evil.example", True)])
    assert real.get("access-control-allow-origin") == ["https://evil.example"]
    assert pre.status == 204 and pre.get("access-control-allow-origin") == ["https://evil.example"]
    finding = _one(path, "CORS105")
    assert finding.line == 5 and finding.severity == "critical"


# ---------------------------------------------------------------- the library tables against the packages
#
# Each framework frontend's LibrarySemantics table copies the library's
# defaults and names the version they were read from. These tests read the
# same facts from the installed package, so an upgrade that changes them fails
# here (re-read the library's source, then update the table and its version).


def test_django_table_is_django_cors_headers_own():
    from importlib.metadata import version

    from corslint.frontends import django as frontend

    pytest.importorskip("corsheaders")
    from corsheaders import defaults

    assert frontend.SEMANTICS.library == f"django-cors-headers {version('django-cors-headers')}"
    # corsheaders.conf reads django.conf.settings: configured once per process, hence a subprocess
    code = ("import json; from django.conf import settings; settings.configure(); "
            "from corsheaders.conf import conf; "
            "print(json.dumps({k: getattr(conf, k) for k in dir(conf) if k.startswith('CORS_')}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    real = json.loads(proc.stdout)
    table = frontend.SEMANTICS
    assert set(real) == {names[0] for names in table.setting_names.values()}
    for meaning, names in table.setting_names.items():
        default = table.defaults[meaning]
        assert real[names[0]] == (list(default) if isinstance(default, tuple) else default), names[0]
    assert table.defaults["allow_headers"] == tuple(defaults.default_headers)
    assert table.defaults["allow_methods"] == tuple(defaults.default_methods)


def test_flask_table_is_flask_cors_own():
    from importlib.metadata import version

    from corslint.frontends import flask as frontend

    core = pytest.importorskip("flask_cors.core")
    table = frontend.SEMANTICS
    assert table.library == f"Flask-CORS {version('flask-cors')}"
    real = dict(core.DEFAULT_OPTIONS)
    assert set(real) == set(table.defaults) == set(table.setting_names)
    for name, default in table.defaults.items():
        assert real[name] == (list(default) if isinstance(default, tuple) else default), name
    assert list(frontend.ALL_METHODS) == core.ALL_METHODS
    assert set(frontend.REGEX_CHARS) == set(core._REGEX_HINT_CHARS)
    for name, (option, config_key) in table.setting_names.items():
        assert option == name and config_key == "CORS_" + name.upper()


def test_starlette_table_is_starlettes_own():
    import inspect
    from importlib.metadata import version

    from corslint.frontends import starlette as frontend

    cors = pytest.importorskip("starlette.middleware.cors")
    table = frontend.SEMANTICS
    assert table.library == f"Starlette {version('starlette')} CORSMiddleware"
    params = {name: p.default for name, p in inspect.signature(cors.CORSMiddleware.__init__).parameters.items()
              if p.default is not inspect.Parameter.empty}
    as_tuples = {name: tuple(v) if isinstance(v, (list, tuple)) else v for name, v in params.items()}
    assert as_tuples == dict(table.defaults)
    assert set(table.setting_names) == set(params)
    assert tuple(cors.ALL_METHODS) == frontend.ALL_METHODS
    assert set(cors.SAFELISTED_HEADERS) == set(frontend.SAFELISTED_HEADERS)
    vary = inspect.getsource(cors.CORSMiddleware.__init__)
    assert table.preflight_vary in vary


def test_express_table_is_the_cors_packages_own():
    from corslint.frontends import express as frontend

    node = shutil.which("node")
    package = NODE_MODULES / "cors"
    if node is None or not package.is_dir():
        pytest.skip("node and tests/framework_truth/node/node_modules (npm ci) are needed")
    table = frontend.SEMANTICS
    assert table.library == f"cors {json.loads((package / 'package.json').read_text())['version']}"
    # `var defaults = {...}` is not exported: evaluate the literal the package's source holds
    script = ("const src = require('fs').readFileSync(process.argv[1], 'utf8');"
              "const m = src.match(/var defaults = (\\{[\\s\\S]*?\\});/);"
              "console.log(JSON.stringify(eval('(' + m[1] + ')')));")
    proc = subprocess.run([node, "-e", script, str(package / "lib" / "index.js")], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == dict(table.defaults)


# ---------------------------------------------------------------- django-cors-headers' own preflight answer

# Settings whose preflight answers the middleware gives itself, before any view:
# its defaults when the settings name no lists, nothing but Vary for an origin it
# does not allow, nothing at all on a path CORS_URLS_REGEX leaves out.
DJANGO_PREFLIGHT_SETTINGS = {
    "defaults": 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n',
    "credentials": 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\nCORS_ALLOW_CREDENTIALS = True\n',
    "allow_all": "CORS_ALLOW_ALL_ORIGINS = True\n",
    "allow_all_credentials": "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n",
    "urls_regex": 'CORS_ALLOW_ALL_ORIGINS = True\nCORS_URLS_REGEX = r"^/api/.*$"\n',
    "own_lists": ('CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\\w+\\.example\\.com$"]\n'
                  'CORS_ALLOW_METHODS = ["GET", "POST"]\nCORS_ALLOW_HEADERS = ["x-api-key"]\n'
                  "CORS_PREFLIGHT_MAX_AGE = 0\n"),
    # scheme-less entries never match a page's Origin; they match 'null'
    "scheme_less": 'CORS_ORIGIN_WHITELIST = ("localhost:3000", "127.0.0.1:3000")\n',
}
DJANGO_PATHS = ("/api/items/", "/other/")
DJANGO_ORIGINS = ("https://app.example.com", "https://x.example.com", "https://evil.example", "null")


def _django_answers(path: Path, requests: list[dict]) -> list[Real]:
    proc = subprocess.run([sys.executable, str(TRUTH / "django_harness.py"), str(path), json.dumps(requests)],
                          capture_output=True, text=True, timeout=120, cwd=str(TRUTH))
    assert proc.returncode == 0, proc.stderr
    return [Real(a["status"], a["headers"]) for a in json.loads(proc.stdout.strip().splitlines()[-1])["answers"]]


def _cors_headers(pairs) -> list[tuple[str, str]]:
    return sorted((n.lower(), v) for n, v in pairs if n.lower().startswith("access-control-"))


@pytest.mark.parametrize("name", sorted(DJANGO_PREFLIGHT_SETTINGS))
def test_django_preflight_is_the_middlewares_own_answer(name, tmp_path):
    path = tmp_path / "settings.py"
    path.write_text('MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]\n' + DJANGO_PREFLIGHT_SETTINGS[name])
    model, _ = build_model([str(path)])
    [route] = model.routes
    requests = [{"method": method, "origin": origin, "path": url, "preflight": method == "OPTIONS",
                 "request_method": "PUT", "request_headers": "x-api-key"}
                for url in DJANGO_PATHS for origin in DJANGO_ORIGINS for method in ("GET", "OPTIONS")]
    problems = []
    for req, real in zip(requests, _django_answers(path, requests)):
        got = (real.status, _cors_headers((n, v) for n, vs in real.headers.items() for v in vs))
        if not req["path"].startswith(route.path):
            # the middleware leaves the path alone: the view answers, OPTIONS included
            want = (200, [])
        else:
            ans = answer(route, req["method"], req["origin"], credentials=True, preflight=req["preflight"])
            want = (ans.response.status, _cors_headers(ans.response.headers))
        if got != want:
            problems.append(f"{req['method']} {req['path']} from {req['origin']}: real {got}, corslint {want}")
    assert not problems, "\n".join(problems)


def test_django_allowlist_admitting_only_null_has_no_preflight_finding(tmp_path):
    """The middleware answers every preflight 200 itself; where the allowlist
    lets no page origin in (its scheme-less entries match only 'null'), the
    page's preflight and its actual request both go without Allow-Origin: one
    origin decision, reported once as CORS101/CORS104, no CORS30x."""
    path = tmp_path / "settings.py"
    path.write_text(DJANGO_PREFLIGHT_SETTINGS["scheme_less"])
    page = "https://app.example.com"
    get, preflight, null = _django_answers(path, [
        {"method": "GET", "origin": page},
        {"method": "OPTIONS", "origin": page, "preflight": True, "request_method": "PUT"},
        {"method": "OPTIONS", "origin": "null", "preflight": True, "request_method": "PUT"}])
    assert get.get("access-control-allow-origin") == preflight.get("access-control-allow-origin") == []
    assert preflight.status == 200
    assert null.get("access-control-allow-origin") == ["null"]
    assert null.get("access-control-allow-methods") == ["DELETE, GET, OPTIONS, PATCH, POST, PUT"]
    findings = lint([str(path)]).findings
    # one entry, one fix: its admitting 'null' (CORS104) is part of the CORS101
    assert sorted({f.code for f in findings}) == ["CORS101"]
    assert {g.code for f in findings for g in f.folded} == {"CORS104"}


def test_django_misspelt_settings_are_ignored_by_the_real_middleware(tmp_path):
    """CORS109 on Django settings: django-cors-headers 4.9.0 reads neither
    CORS_ALLOWED_ORIGIN nor CORS_ALLOW_CREDENTIAL (getattr with the exact
    names, corsheaders/conf.py), so the page's origin gets no Allow-Origin
    and no Allow-Credentials; the right names give both."""
    page = "https://app.example.com"
    misspelt = tmp_path / "misspelt" / "settings.py"
    right = tmp_path / "right" / "settings.py"
    for path, suffix in ((misspelt, ""), (right, "S")):
        path.parent.mkdir()
        path.write_text(f"CORS_ALLOWED_ORIGIN{suffix} = ['{page}']\nCORS_ALLOW_CREDENTIAL{suffix} = True\n")
    [bad] = _django_answers(misspelt, [{"method": "GET", "origin": page}])
    [good] = _django_answers(right, [{"method": "GET", "origin": page}])
    assert bad.get("access-control-allow-origin") == [] and bad.get("access-control-allow-credentials") == []
    assert good.get("access-control-allow-origin") == [page]
    assert good.get("access-control-allow-credentials") == ["true"]
    findings = lint([str(misspelt)]).findings
    assert [(f.code, f.line, f.severity) for f in findings if f.code == "CORS109"] == [
        ("CORS109", 1, "error"), ("CORS109", 2, "error")]
    assert not [f for f in lint([str(right)]).findings if f.code == "CORS109"]


def test_flask_cors_ignores_a_misspelt_keyword_and_config_key():
    """CORS109 on Flask-CORS: 6.0.5 takes **kwargs and never reads
    support_credentials; the page's credentialed request gets no
    Access-Control-Allow-Credentials."""
    path = FIXTURES / "flask" / "CORS109" / "support_credentials.py"
    [real] = run_flask(path, [Req("https://app.example.com", True)])
    assert real.get("access-control-allow-origin") == ["https://app.example.com"]
    assert real.get("access-control-allow-credentials") == []
    levels = {f.line: f.severity for f in lint([str(path)]).findings if f.code == "CORS109"}
    assert levels == {7: "info", 8: "error"}   # CORS_ORIGIN is moot beside origins=...


def test_starlette_refuses_a_misspelt_keyword_when_the_app_starts():
    path = FIXTURES / "starlette" / "CORS109" / "allow_origin.py"
    with pytest.raises(TypeError, match="allow_origin"):
        run_starlette(path, [Req("https://app.example.com")])
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS109"]
    assert (finding.line, finding.severity) == (9, "error") and "TypeError" in finding.message


@pytest.mark.node
def test_express_cors_ignores_misspelt_options():
    """CORS109 on cors 2.8: 'origins' and 'credential' are never read, so
    every site gets '*' and no Access-Control-Allow-Credentials."""
    path = FIXTURES / "express" / "CORS109" / "origins_plural.js"
    [real] = run_express(path, [Req("https://other.example")])
    assert real.get("access-control-allow-origin") == ["*"]
    assert real.get("access-control-allow-credentials") == []
    assert sorted(f.line for f in lint([str(path)]).findings if f.code == "CORS109") == [8, 9]

# ---------------------------------------------------------------- '*' inside an origin list (#25)


def test_django_star_in_allowed_origins_admits_only_null():
    """django-cors-headers 4.9.0 compares urlsplit scheme and netloc: '*' has
    neither, so of what browsers send only 'null' fits; its system check
    calls the entry corsheaders.E013."""
    path = FIXTURES / "django" / "CORS101" / "star_in_allowed_origins.py"
    origins = ["https://app.example.com", "https://evil.example", "null"]
    reals, errors = run_django(path, [Req(o) for o in origins])
    assert [r.get("access-control-allow-origin") for r in reals] == [[], [], ["null"]]
    assert errors == ["corsheaders.E013"]
    finding = _one(path, "CORS101")
    assert (finding.line, finding.severity) == (7, "error")
    assert "only the Origin 'null' fits it" in finding.message
    assert "a page on https://app.example.com is refused" in finding.message
    assert "CORS_ALLOW_ALL_ORIGINS = True" in finding.fix and "corsheaders.E013" in finding.fix
    route = cors_route(path)
    assert [predicted(route, Req(o))["access-control-allow-origin"] for o in origins] == [[], [], ["null"]]
    # what the author meant: every origin gets '*'
    fixed = FIXTURES / "django" / "CORS101" / "star_in_allowed_origins_fp.py"
    [real], errors = run_django(fixed, [Req("https://app.example.com")])
    assert real.get("access-control-allow-origin") == ["*"] and not errors
    assert not [f for f in lint([str(fixed)]).findings if f.code == "CORS101"]


def test_flask_cors_and_starlette_read_star_in_the_list_as_every_origin():
    for run_it, path in ((run_flask, FIXTURES / "flask" / "CORS101" / "star_in_origins_fp.py"),
                         (run_starlette, FIXTURES / "starlette" / "CORS101" / "star_in_allow_origins_fp.py")):
        [real] = run_it(path, [Req("https://evil.example")])
        assert real.get("access-control-allow-origin") in (["*"], ["https://evil.example"]), path
        assert predicted(cors_route(path), Req("https://evil.example"))["access-control-allow-origin"] \
            == real.get("access-control-allow-origin"), path
        assert not [f for f in lint([str(path)]).findings if f.code == "CORS101"], path


@pytest.mark.node
def test_express_star_in_the_origin_array_admits_no_origin():
    path = FIXTURES / "express" / "CORS101" / "star_in_origin_array.js"
    origins = ["https://app.example.com", "null"]
    reals = run_express(path, [Req(o) for o in origins])
    assert [r.get("access-control-allow-origin") for r in reals] == [[], []]
    finding = _one(path, "CORS101")
    assert (finding.line, finding.severity) == (6, "error")
    assert "no Origin a browser sends fits it" in finding.message
    assert "cors({ origin: '*' })" in finding.fix


# ---------------------------------------------------------------- hono/cors (hono 4.13.19)


@pytest.mark.node
def test_hono_default_origin_sends_literal_star_with_credentials():
    """cors({ credentials: true }): '*' + 'true' on answers and on the
    middleware's own 204 preflight, which echoes the requested headers."""
    path = FIXTURES / "hono" / "CORS201" / "default_origin_credentials.ts"
    real, pre = run_hono(path, [Req("https://evil.example"), Req("https://evil.example", True)], "X-A, x-b")
    assert real.get("access-control-allow-origin") == ["*"]
    assert real.get("access-control-allow-credentials") == ["true"]
    assert real.get("vary") == []
    assert pre.status == 204 and pre.get("access-control-allow-origin") == ["*"]
    assert pre.get("access-control-allow-methods") == ["GET,HEAD,PUT,POST,DELETE,PATCH,QUERY"]
    assert pre.get("access-control-allow-headers") == ["X-A,x-b"]
    assert pre.get("vary") == ["Access-Control-Request-Headers"]
    finding = _one(path, "CORS201")
    assert (finding.line, finding.severity) == (5, "error")
    route = cors_route(path)
    assert predicted(route, Req("https://evil.example", True))["status"] == 204


@pytest.mark.node
def test_hono_origin_function_result_is_the_allow_origin():
    """origin: (origin) => origin echoes every Origin, 'null' included, with
    Vary: Origin; a function that returns the Origin only for a listed one
    gives nothing to the others."""
    path = FIXTURES / "hono" / "CORS105" / "origin_function_returns_origin.ts"
    reals = run_hono(path, [Req("null"), Req("https://evil.example", True)])
    assert reals[0].get("access-control-allow-origin") == ["null"]
    assert reals[0].get("vary") == ["Origin"]
    assert reals[1].status == 204 and reals[1].get("access-control-allow-origin") == ["https://evil.example"]
    finding = _one(path, "CORS105")
    assert (finding.line, finding.severity) == (5, "critical")
    checked = FIXTURES / "hono" / "CORS105" / "origin_function_allowlist_fp.ts"
    evil, app = run_hono(checked, [Req("https://evil.example"), Req("https://app.example.com")])
    assert evil.get("access-control-allow-origin") == [] and evil.get("access-control-allow-credentials") == ["true"]
    assert app.get("access-control-allow-origin") == ["https://app.example.com"]
    assert not lint([str(checked)]).findings


@pytest.mark.node
def test_hono_origin_array_is_exact_inclusion_and_star_is_literal():
    path = FIXTURES / "hono" / "CORS101" / "star_in_origin_array.ts"
    origins = ["https://evil.example", "null", "https://app.example.com", "https://APP.example.com"]
    reals = run_hono(path, [Req(o) for o in origins])
    assert [r.get("access-control-allow-origin") for r in reals] == [[], [], ["https://app.example.com"], []]
    assert all(r.get("vary") == ["Origin"] for r in reals)
    route = cors_route(path)
    assert [predicted(route, Req(o))["access-control-allow-origin"] for o in origins] == \
        [r.get("access-control-allow-origin") for r in reals]
    finding = _one(path, "CORS101")
    assert (finding.line, finding.severity) == (5, "error")
    assert "cors({ origin: '*' })" in finding.fix and "hono" in finding.fix


@pytest.mark.node
def test_hono_cors_ignores_misspelt_options():
    path = FIXTURES / "hono" / "CORS109" / "origins_plural.ts"
    [real] = run_hono(path, [Req("https://other.example")])
    assert real.get("access-control-allow-origin") == ["*"]
    assert [f.line for f in lint([str(path)]).findings if f.code == "CORS109"] == [5]


def test_hono_table_is_the_hono_packages_own():
    from corslint.frontends import hono as frontend

    node = shutil.which("node")
    package = NODE_MODULES / "hono"
    if node is None or not package.is_dir():
        pytest.skip("node and tests/framework_truth/node/node_modules (npm ci) are needed")
    table = frontend.SEMANTICS
    version = json.loads((package / "package.json").read_text())["version"]
    assert table.library == f"hono {version} (hono/cors)"
    source = (package / "dist" / "middleware" / "cors" / "index.js").read_text().split("const opts = {", 1)[1]
    # the `opts` literal's defaults, as the table writes them (lists joined by ',')
    assert 'origin: "*"' in source and "allowHeaders: []" in source and "exposeHeaders: []" in source
    methods = source.split("allowMethods: [", 1)[1].split("]", 1)[0]
    assert ",".join(m.strip().strip('"') for m in methods.split(",")) == table.defaults["allowMethods"]
    assert "status: 204" in source and "...options" in source and table.preflight_status == 204
