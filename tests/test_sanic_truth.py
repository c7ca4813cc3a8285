"""corslint's reading of Sanic-CORS against the real package.

Each Sanic fixture and sample (an app with ``CORS(app, ...)`` and a handler at
/api/items) runs with Sanic 25.12 + Sanic-CORS 2.2.0 (test extras) as an ASGI
app under uvicorn on a loopback port (``serve_sanic``). Attacker and
intended origins send simple requests and preflights; the answers must be the
ones corslint's model predicts, then the library's own behaviour that
corslint/frontends/sanic.py encodes is pinned -- among it CVE-2026-37737, the
start-anchored ``re.match`` of regex origins in every release.
"""

from __future__ import annotations

import contextlib
import re
import runpy
from pathlib import Path
from typing import Iterator

import pytest

from asgi_loopback import fetch_each, serve_asgi
from corslint.frontends import sanic as sanic_frontend
from corslint.lint import build_model, lint
from corslint.scenarios import answer
from test_framework_truth import Real, Req, SAMPLES, assert_answers_agree, cors_route, requests_for

sanic_cors = pytest.importorskip("sanic_cors")
pytest.importorskip("uvicorn")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sanic"
SERVED = sorted(list(FIXTURES.glob("*/*.py")) + list((SAMPLES / "sanic").glob("*/*.py")))


@contextlib.contextmanager
def serve_sanic(path: Path) -> Iterator[str]:
    """Serve the app of the Sanic module at ``path`` (its CORS route at
    /api/items) as an ASGI app under uvicorn on a loopback port; yields its
    base URL."""
    from sanic import Sanic

    Sanic.test_mode = True   # the samples share app names; Sanic refuses a second one otherwise
    with serve_asgi(runpy.run_path(str(path))["app"], str(path)) as base:
        yield base


def serve(path: Path, reqs: list[Req], request_headers: str = "", request_method: str = "GET") -> list[Real]:
    with serve_sanic(path) as base:
        return fetch_each(base, reqs, request_headers, request_method)


def agrees(path: Path) -> list[tuple[Req, Real]]:
    route = cors_route(path)
    reqs = requests_for(route)
    return assert_answers_agree(route, reqs, serve(path, reqs), vary="origin")


@pytest.mark.parametrize("path", SERVED, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_model_agrees_with_sanic_cors(path):
    agrees(path)


def _codes(path: Path, code: str) -> list[tuple[int, str]]:
    return [(f.line, f.severity) for f in lint([str(path)]).findings if f.code == code]


def test_regex_origins_are_matched_from_the_start_only_cve_2026_37737():
    path = SAMPLES / "sanic" / "CORS106" / "broken.py"
    suffixed, upper, pre = serve(path, [Req("https://app.example.com.evil.example"), Req("https://APP.example.com"),
                                        Req("https://app.example.com.evil.example", True)])
    assert suffixed.get("access-control-allow-origin") == ["https://app.example.com.evil.example"]
    assert suffixed.get("access-control-allow-credentials") == ["true"]
    assert upper.get("access-control-allow-origin") == ["https://APP.example.com"]   # re.IGNORECASE
    assert pre.status == 200 and pre.get("access-control-allow-origin") == ["https://app.example.com.evil.example"]
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS106"]
    assert finding.line == 10 and finding.severity == "critical"
    # the version the project pins is named, with the CVE
    assert "sanic-cors 2.2.0, pinned at" in finding.message and "requirements.txt:2" in finding.message
    assert "CVE-2026-37737" in finding.message
    [fixed] = serve(SAMPLES / "sanic" / "CORS106" / "fixed.py", [Req("https://app.example.com.evil.example")])
    assert fixed.get("access-control-allow-origin") == []


def test_the_installed_release_still_uses_re_match():
    from importlib.metadata import version

    assert tuple(int(p) for p in version("sanic-cors").split(".")) <= sanic_frontend.LAST_RELEASE
    assert sanic_cors.core.try_match("https://a.example.com.evil.example", r"https://a\.example\.com")


def test_version_pins_are_read_from_the_linted_tree(tmp_path):
    app = tmp_path / "svc" / "app.py"
    app.parent.mkdir()
    app.write_text((SAMPLES / "sanic" / "CORS106" / "broken.py").read_text())
    def message() -> str:
        [f] = [f for f in lint([str(tmp_path)]).findings if f.code == "CORS106"]
        return f.message
    assert "version is not pinned" in message()
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "sanic"\nversion = "25.12.1"\n\n'
                                          '[[package]]\nname = "sanic-cors"\nversion = "2.1.0"\n')
    assert "sanic-cors 2.1.0, pinned at" in message() and "poetry.lock:7" in message()
    (tmp_path / "svc" / "requirements.txt").write_text("sanic-cors==2.2.0  # the CORS extension\n")
    assert "sanic-cors 2.2.0, pinned at" in message()
    # a version newer than every release corslint knows: the regex entry is named as unknown
    (tmp_path / "svc" / "requirements.txt").write_text("Sanic-CORS==2.3.0\n")
    assert not [f for f in lint([str(tmp_path)]).findings if f.code == "CORS106"]
    assert sanic_frontend.pinned_version(str(app), (str(tmp_path),)).version == "2.3.0"
    model, _ = build_model([str(app)])
    [route] = model.routes
    ans = answer(route, "GET", "https://app.example.com.evil.example", credentials=True)
    assert "access-control-allow-origin" in {h.lname for h in ans.unknown}


def test_default_reflects_every_origin_with_credentials_and_max_age_none():
    path = FIXTURES / "CORS105" / "default_origins_credentials.py"
    for origin in ("https://evil.example", "null"):
        actual, pre = serve(path, [Req(origin), Req(origin, True)])
        assert actual.get("access-control-allow-origin") == [origin]
        assert actual.get("access-control-allow-credentials") == ["true"]
        assert pre.status == 200 and pre.get("access-control-max-age") == ["None"]
    assert _codes(path, "CORS105") == [(6, "critical")]
    assert _codes(path, "CORS309") == []   # the 'None' is the library's, not the user's


def test_single_origin_gets_no_vary_and_refused_origins_nothing():
    path = FIXTURES / "CORS105" / "listed_origin_credentials_fp.py"
    allowed, upper, evil, evil_pre = serve(path, [Req("https://app.example.com"), Req("https://APP.example.com"),
                                                  Req("https://evil.example"), Req("https://evil.example", True)])
    assert allowed.get("access-control-allow-origin") == ["https://app.example.com"] and allowed.get("vary") == []
    assert upper.get("access-control-allow-origin") == ["https://APP.example.com"]   # compared lower-cased
    assert not [h for r in (evil, evil_pre) for h in r.headers if h.startswith("access-control")]


def test_misspelt_option_is_ignored_with_the_default_in_force():
    path = FIXTURES / "CORS109" / "supports_credential.py"
    [real] = serve(path, [Req("https://app.example.com")])
    assert real.get("access-control-allow-origin") == ["https://app.example.com"]
    assert real.get("access-control-allow-credentials") == []
    assert _codes(path, "CORS109") == [(9, "error")]


def test_sanic_table_is_sanic_cors_own():
    from importlib.metadata import version

    table = sanic_frontend.SEMANTICS
    assert table.library == f"Sanic-CORS {version('sanic-cors')}"
    defaults = sanic_cors.core.DEFAULT_OPTIONS
    assert set(defaults) == set(table.setting_names)
    for name, value in table.defaults.items():
        got = defaults[name]
        assert (tuple(got) if isinstance(got, list) else got) == value, name
    assert {"CORS_" + k.upper() for k in defaults} == set(sanic_cors.core.CONFIG_OPTIONS)
    for char in sanic_frontend.REGEX_CHARS:
        assert sanic_cors.core.probably_regex(f"https://a{char}")
    assert not sanic_cors.core.probably_regex("https://a.example.com$")


# ---------------------------------------------------------------- samples, recognition

def test_recognised_by_content_and_neighbours_keep_their_files(tmp_path):
    from corslint.frontends import frontend_for

    app = tmp_path / "service.py"
    app.write_text((SAMPLES / "sanic" / "CORS105" / "broken.py").read_text())
    assert frontend_for(str(app), named=False).NAME == "sanic"
    assert re.search(sanic_frontend.WALK_MARKER, app.read_bytes())
    # Flask-CORS's CORS(app) stays Flask's
    assert frontend_for(str(SAMPLES / "flask" / "CORS105" / "broken.py"), named=False).NAME == "flask"
    found = lint([str(tmp_path)])
    assert [(Path(f.file).name, f.code) for f in found.findings] == [("service.py", "CORS105")]
