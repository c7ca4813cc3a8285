"""corslint's reading of Litestar's CORSConfig against the real package.

Each Litestar fixture and sample (an app with its ``cors_config`` and a GET
handler at /api/items) runs with Litestar 2.25.0 (test extras) under uvicorn
on a loopback port (``serve_litestar``). Attacker and intended origins send
simple requests (without cookies, and with one as a signed-in user's
credentialed request carries) and preflights; the answers must be the ones
corslint's model predicts, then the library's own behaviour that
corslint/frontends/litestar.py encodes is pinned.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging.handlers
import re
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from corslint.frontends import litestar as litestar_frontend
from corslint.lint import lint
from corslint.scenarios import answer
from asgi_loopback import fetch, serve_asgi
from test_framework_truth import SAMPLES, Real, cors_route, requests_for


@pytest.fixture(autouse=True, scope="module")
def _no_logging_thread_left():
    """Litestar's default logging starts a QueueListener thread per app that
    outlives it; stopped here, so the tests after these run in a process
    with one thread (corslint forks workers only from such a process:
    tests/test_parallel.py)."""
    yield
    for listener in [o for o in gc.get_objects() if isinstance(o, logging.handlers.QueueListener)]:
        if getattr(listener, "_thread", None) is not None:
            listener.stop()
            atexit.unregister(listener.stop)   # Litestar's own stop at exit would find no thread

litestar = pytest.importorskip("litestar")
uvicorn = pytest.importorskip("uvicorn")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "litestar"
# a misspelt CORSConfig keyword stops the app (pinned below), so those fixtures are not served
SERVED = sorted(p for p in list(FIXTURES.glob("*/*.py")) + list((SAMPLES / "litestar").glob("*/*.py"))
                if "CORS109" not in str(p) or p.name.endswith("_fp.py"))
COOKIE = "session=signed-in"


@contextlib.contextmanager
def serve_litestar(path: Path) -> Iterator[str]:
    """Serve the app of the Litestar module at ``path`` (its CORS route at
    /api/items) with uvicorn on a loopback port; yields its base URL."""
    with serve_asgi(runpy.run_path(str(path))["app"], str(path)) as base:
        yield base


@dataclass(frozen=True)
class Ask:
    origin: str
    preflight: bool = False
    cookie: bool = False            # a credentialed request of a signed-in user
    request_headers: str = ""
    request_method: str = "GET"

    @property
    def method(self) -> str:
        return "OPTIONS" if self.preflight else "GET"


def send(base: str, asks: list[Ask]) -> list[Real]:
    out = []
    for ask in asks:
        headers = {"Origin": ask.origin}
        if ask.cookie:
            headers["Cookie"] = COOKIE
        if ask.preflight:
            headers["Access-Control-Request-Method"] = ask.request_method
            if ask.request_headers:
                headers["Access-Control-Request-Headers"] = ask.request_headers
        out.append(fetch(base, ask.method, "/api/items", headers))
    return out


def serve(path: Path, asks: list[Ask]) -> list[Real]:
    with serve_litestar(path) as base:
        return send(base, asks)


NAMES = ("access-control-allow-origin", "access-control-allow-credentials")
PREFLIGHT_NAMES = ("access-control-allow-methods", "access-control-max-age", "access-control-allow-headers")


def predicted(route, ask: Ask) -> dict:
    ans = answer(route, ask.method, ask.origin, credentials=ask.cookie, preflight=ask.preflight)
    assert ans is not None
    unknown = {h.lname for h in ans.unknown}
    names = NAMES + (PREFLIGHT_NAMES if ask.preflight else ())
    out = {n: (None if n in unknown else ans.response.get_all(n)) for n in names}
    out["vary"] = None if "vary" in unknown else {t.strip().lower() for v in ans.response.get_all("vary")
                                                  for t in v.split(",") if t.strip()}
    out["status"] = None if ans.status_assumed else ans.response.status
    return out


def asks_for(route) -> list[Ask]:
    origins = [r.origin for r in requests_for(route) if not r.preflight]
    return [Ask(o, preflight, cookie) for o in origins for preflight, cookie in
            ((False, False), (False, True), (True, False))]


def agrees(path: Path) -> list[tuple[Ask, Real]]:
    route = cors_route(path)
    asks = asks_for(route)
    reals = serve(path, asks)
    problems = []
    for ask, real in zip(asks, reals):
        want = predicted(route, ask)
        for name, value in want.items():
            if value is None:
                continue
            if name == "vary":
                got = {t.strip().lower() for v in real.get("vary") for t in v.split(",") if t.strip()}
                if ("origin" in value) != ("origin" in got) and not _cookie_echo(ask, want, real) \
                        and not _cookieless_star(ask, want, real):
                    problems.append(f"{ask}: Vary {sorted(got)}, corslint says {sorted(value)}")
            elif name == "status":
                if want["access-control-allow-origin"] and value != real.status:
                    problems.append(f"{ask}: status {real.status}, corslint says {value}")
            elif real.get(name) != value and not (name == NAMES[0] and (
                    _cookie_echo(ask, want, real) or _cookieless_star(ask, want, real))):
                problems.append(f"{ask}: {name} {real.get(name)}, corslint says {value}")
    assert not problems, "\n".join(problems)
    return list(zip(asks, reals))


def _cookie_echo(ask: Ask, want: dict, real: Real) -> bool:
    """Litestar's '*' echoes the Origin to a request with a Cookie header; the
    model says '*' where Allow-Credentials is not sent, which a browser reads
    the same way (a credentialed read is refused either way)."""
    return (ask.cookie and want["access-control-allow-origin"] == ["*"]
            and not want["access-control-allow-credentials"]
            and real.get("access-control-allow-origin") == [ask.origin])


def _cookieless_star(ask: Ask, want: dict, real: Real) -> bool:
    """With credentials allowed, the model gives '*''s answer to a signed-in
    user: the Origin echoed. A request without cookies still gets '*', which a
    browser reads the same way for a request without credentials."""
    return (not ask.cookie and not ask.preflight and want["access-control-allow-origin"] == [ask.origin]
            and want["access-control-allow-credentials"] == ["true"]
            and real.get("access-control-allow-origin") == ["*"])


@pytest.mark.parametrize("path", SERVED, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_model_agrees_with_litestar(path):
    agrees(path)


def _codes(path: Path, code: str) -> list[tuple[int, str]]:
    return [(f.line, f.severity) for f in lint([str(path)]).findings if f.code == code]


def test_star_with_credentials_echoes_to_requests_with_cookies():
    path = FIXTURES / "CORS105" / "default_origins_credentials.py"
    plain, cookie, pre = serve(path, [Ask("https://evil.example"), Ask("https://evil.example", cookie=True),
                                      Ask("https://evil.example", preflight=True)])
    # without cookies '*' (with 'true': a credentialed read without cookies is refused)
    assert plain.get("access-control-allow-origin") == ["*"]
    assert plain.get("access-control-allow-credentials") == ["true"]
    # with cookies the Origin itself, credentials and Vary: any site reads the user's answers
    assert cookie.get("access-control-allow-origin") == ["https://evil.example"]
    assert cookie.get("access-control-allow-credentials") == ["true"]
    assert cookie.get("vary") == ["Origin"]
    # the preflight stays '*' + 'true', 204, every method, Max-Age 600
    assert pre.status == 204 and pre.get("access-control-allow-origin") == ["*"]
    assert pre.get("access-control-allow-credentials") == ["true"]
    assert pre.get("access-control-allow-methods") == ["DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"]
    assert pre.get("access-control-max-age") == ["600"]
    # one finding, the reflection, at the call that leaves allow_origins to its default
    assert _codes(path, "CORS105") == [(11, "critical")]
    assert _codes(path, "CORS201") == []


def test_star_without_credentials_echoes_to_cookies_without_allow_credentials():
    path = FIXTURES / "CORS105" / "star_without_credentials_fp.py"
    plain, cookie = serve(path, [Ask("https://evil.example"), Ask("https://evil.example", cookie=True)])
    assert plain.get("access-control-allow-origin") == ["*"]
    assert cookie.get("access-control-allow-origin") == ["https://evil.example"]
    assert cookie.get("access-control-allow-credentials") == []
    assert not lint([str(path)]).findings


def test_regex_beside_the_default_star_restricts_nothing():
    path = FIXTURES / "CORS105" / "regex_beside_default_star.py"
    [evil] = serve(path, [Ask("https://evil.example", cookie=True)])
    assert evil.get("access-control-allow-origin") == ["https://evil.example"]
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS105"]
    assert finding.line == 12 and "restricts nothing" in finding.message


def test_regex_and_globs_are_fullmatched_case_sensitively():
    path = FIXTURES / "CORS106" / "glob_entry.py"   # allow_origins=["https://*example.com"]
    asks = [Ask("https://notexample.com", cookie=True), Ask("https://example.com.evil.example", cookie=True),
            Ask("https://app.example.com", cookie=True)]
    near, suffixed, app = serve(path, asks)
    assert near.get("access-control-allow-origin") == ["https://notexample.com"]
    assert suffixed.get("access-control-allow-origin") == []
    assert app.get("access-control-allow-origin") == ["https://app.example.com"]
    assert _codes(path, "CORS106") == [(11, "critical")]
    exact = FIXTURES / "CORS105" / "listed_origin_credentials_fp.py"
    upper, prefix = serve(exact, [Ask("https://APP.example.com"), Ask("https://app.example.com.evil.example")])
    assert upper.get("access-control-allow-origin") == []
    assert prefix.get("access-control-allow-origin") == []


def test_refused_origin_gets_credentials_but_no_origin_and_a_400_preflight():
    path = FIXTURES / "CORS105" / "listed_origin_credentials_fp.py"
    actual, pre = serve(path, [Ask("https://evil.example", cookie=True), Ask("https://evil.example", True)])
    assert actual.get("access-control-allow-origin") == [] and actual.get("vary") == []
    assert actual.get("access-control-allow-credentials") == ["true"]
    assert actual.get("access-control-expose-headers") == ["X-Total-Count"]
    assert pre.status == 400 and not [h for h in pre.headers if h.startswith("access-control")]
    assert not _codes(path, "CORS105")


def test_preflight_headers_default_echo_and_listed_ones():
    star = FIXTURES / "CORS105" / "star_without_credentials_fp.py"
    [echo] = serve(star, [Ask("https://app.example.com", True, request_headers="x-token")])
    assert echo.status == 204
    assert echo.get("access-control-allow-headers") == [
        "Accept, Accept-Language, Content-Language, Content-Type, x-token"]
    assert echo.get("access-control-allow-methods") == ["GET"]
    listed = FIXTURES / "CORS308" / "header_list_fp.py"   # allow_headers=["X-Token"]
    ok, refused, method = serve(listed, [Ask("https://app.example.com", True, request_headers="X-Token"),
                                         Ask("https://app.example.com", True, request_headers="X-Other"),
                                         Ask("https://app.example.com", True, request_method="PUT")])
    assert ok.status == 204 and ok.get("access-control-allow-headers") == [
        "Accept, Accept-Language, Content-Language, Content-Type, x-token"]
    assert ok.get("vary") == ["Origin"]
    assert refused.status == 400
    assert method.status == 204   # allow_methods defaults to every method


def test_misspelt_option_stops_the_app():
    path = FIXTURES / "CORS109" / "allow_origin.py"
    with pytest.raises(TypeError, match="allow_origin"):
        runpy.run_path(str(path))
    assert [(f.code, f.line) for f in lint([str(path)]).findings] == [("CORS109", 12)]


def test_litestar_table_is_litestars_own():
    import dataclasses

    from litestar.config.cors import CORSConfig
    from litestar.constants import DEFAULT_ALLOWED_CORS_HEADERS

    from importlib.metadata import version

    table = litestar_frontend.SEMANTICS
    assert table.library == f"Litestar {version('litestar')} CORSConfig"
    fields = {f.name: f for f in dataclasses.fields(CORSConfig)}
    assert set(fields) == {n for names in table.setting_names.values() for n in names}
    defaults = CORSConfig()
    for name, value in table.defaults.items():
        got = getattr(defaults, name)
        assert (tuple(got) if isinstance(got, list) else got) == value, name
    assert set(litestar_frontend.SAFELISTED_HEADERS) == DEFAULT_ALLOWED_CORS_HEADERS


# ---------------------------------------------------------------- samples, recognition, unreadable source

def test_the_vary_fix_reaches_every_answer():
    # corslint/fixes/litestar.py's vary-on-origin advice, as the fixed sample writes it
    path = SAMPLES / "litestar" / "CORS105" / "fixed.py"
    refused, allowed = serve(path, [Ask("https://evil.example"), Ask("https://app.example.com")])
    assert refused.get("vary") == ["Origin"] and allowed.get("vary") == ["Origin"]
    with serve_litestar(path) as base:
        assert fetch(base, "GET", "/api/items", {}).get("vary") == ["Origin"]   # no Origin at all


def test_recognised_by_content_and_neighbours_keep_their_files(tmp_path):
    from corslint.frontends import frontend_for

    app = tmp_path / "service.py"
    app.write_text((SAMPLES / "litestar" / "CORS105" / "broken.py").read_text())
    assert frontend_for(str(app), named=False).NAME == "litestar"
    assert re.search(litestar_frontend.WALK_MARKER, app.read_bytes())
    # a Starlette/FastAPI app and a Flask app stay with their own frontends
    assert frontend_for(str(SAMPLES / "fastapi" / "CORS105" / "broken.py"), named=False).NAME == "starlette"
    assert frontend_for(str(SAMPLES / "flask" / "CORS105" / "broken.py"), named=False).NAME == "flask"
    # a module that only mentions the name is not Litestar's
    other = tmp_path / "other.py"
    other.write_text("CORSConfig = dict\n")
    assert frontend_for(str(other), named=False) is None
    found = lint([str(tmp_path)])
    assert [(Path(f.file).name, f.code) for f in found.findings] == [("service.py", "CORS105")]


def test_computed_options_are_named_unknown(tmp_path):
    path = tmp_path / "app.py"
    path.write_text("import os\nfrom litestar import Litestar\nfrom litestar.config.cors import CORSConfig\n\n"
                    "app = Litestar(cors_config=CORSConfig(allow_origins=load_origins(), "
                    "allow_credentials=True))\n")
    route = cors_route(path)
    ans = answer(route, "GET", "https://evil.example", credentials=True)
    assert "access-control-allow-origin" in {h.lname for h in ans.unknown}
    assert not [f for f in lint([str(path)]).findings if f.severity in ("critical", "error")]


def test_syntax_error_gives_file_line_and_exit_2(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "app.py"
    path.write_text("from litestar import Litestar\nfrom litestar.config.cors import CORSConfig\n\n"
                    "app = Litestar(cors_config=CORSConfig(allow_origins=[\"https://a.example\"]\n")
    run = subprocess.run([sys.executable, "-m", "corslint", str(path)], capture_output=True, text=True)
    assert run.returncode == 2, run
    assert f"{path}:4" in run.stdout + run.stderr


def test_litestar_test_client_answers_as_the_loopback_server():
    from litestar.testing import TestClient

    path = SAMPLES / "litestar" / "CORS105" / "broken.py"
    asks = [Ask("https://evil.example"), Ask("https://evil.example", cookie=True),
            Ask("https://evil.example", preflight=True)]
    served = serve(path, asks)
    names = NAMES + PREFLIGHT_NAMES + ("vary",)
    with TestClient(runpy.run_path(str(path))["app"]) as client:
        for ask, real in zip(asks, served):
            headers = {"Origin": ask.origin}
            if ask.cookie:
                headers["Cookie"] = COOKIE
            if ask.preflight:
                headers["Access-Control-Request-Method"] = ask.request_method
            resp = client.request(ask.method, "/api/items", headers=headers)
            assert resp.status_code == real.status
            assert {n: resp.headers.get_list(n) for n in names} == {n: real.get(n) for n in names}
