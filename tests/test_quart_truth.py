"""corslint's reading of Quart-CORS against the real package.

Each Quart fixture and sample (an app with ``cors(app, ...)`` or a view
under ``@route_cors(...)`` at /api/items) runs with Quart 0.22 + Quart-CORS
0.8.0 (test extras) under uvicorn on a loopback port (``serve_quart``).
Attacker and intended origins send simple requests and preflights; the
answers must be the ones corslint's model predicts, then the library's own
behaviour that corslint/frontends/quart.py encodes is pinned.
"""

from __future__ import annotations

import contextlib
import re
import runpy
from pathlib import Path
from typing import Iterator

import pytest

from asgi_loopback import fetch_each, serve_asgi
from corslint.frontends import quart as quart_frontend
from corslint.lint import build_model, lint
from test_framework_truth import Real, Req, SAMPLES, assert_answers_agree, cors_route, requests_for

quart_cors = pytest.importorskip("quart_cors")
pytest.importorskip("uvicorn")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "quart"
SERVED = sorted(p for p in list(FIXTURES.glob("*/*.py")) + list((SAMPLES / "quart").glob("*/*.py"))
                if "CORS109" not in str(p) or p.name.endswith("_fp.py"))


@contextlib.contextmanager
def serve_quart(path: Path) -> Iterator[str]:
    """Serve the app of the Quart module at ``path`` (its CORS route at
    /api/items) with uvicorn on a loopback port; yields its base URL."""
    with serve_asgi(runpy.run_path(str(path))["app"], str(path)) as base:
        yield base


def serve(path: Path, reqs: list[Req], request_headers: str = "", request_method: str = "GET") -> list[Real]:
    with serve_quart(path) as base:
        return fetch_each(base, reqs, request_headers, request_method)


def agrees(path: Path) -> list[tuple[Req, Real]]:
    route = cors_route(path)
    reqs = requests_for(route)
    return assert_answers_agree(route, reqs, serve(path, reqs), vary="origin")


@pytest.mark.parametrize("path", SERVED, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_model_agrees_with_quart_cors(path):
    agrees(path)


def _codes(path: Path, code: str) -> list[tuple[int, str]]:
    return [(f.line, f.severity) for f in lint([str(path)]).findings if f.code == code]


def test_compiled_pattern_is_matched_from_the_start_only():
    path = SAMPLES / "quart" / "CORS106" / "broken.py"
    suffixed, upper, app = serve(path, [Req("https://app.example.com.evil.example"),
                                        Req("https://APP.example.com"), Req("https://app.example.com")])
    assert suffixed.get("access-control-allow-origin") == ["https://app.example.com.evil.example"]
    assert suffixed.get("access-control-allow-credentials") == ["true"]
    assert upper.get("access-control-allow-origin") == []
    assert app.get("vary") == ["Origin"]
    assert _codes(path, "CORS106") == [(14, "critical")]
    [fixed] = serve(SAMPLES / "quart" / "CORS106" / "fixed.py", [Req("https://app.example.com.evil.example")])
    assert fixed.get("access-control-allow-origin") == []


def test_default_answers_star_and_string_entries_are_exact():
    path = FIXTURES / "CORS308" / "expose_list_fp.py"   # allow_origin=["https://app.example.com"]
    other, upper, pre = serve(path, [Req("https://evil.example"), Req("https://APP.example.com"),
                                     Req("https://app.example.com", True)])
    assert other.get("access-control-allow-origin") == [] and other.get("vary") == ["Origin"]
    assert upper.get("access-control-allow-origin") == []
    # Quart's automatic OPTIONS answer, 200, with the default methods and no Max-Age
    assert pre.status == 200
    assert pre.get("access-control-allow-methods") == ["GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE"]
    assert pre.get("access-control-max-age") == []
    # the default expose_headers [""] goes out as '""': no header name
    assert pre.get("access-control-expose-headers") == ['""']


def test_star_with_credentials_is_a_500_on_every_answer(tmp_path):
    path = tmp_path / "app.py"
    path.write_text("from quart import Quart\nfrom quart_cors import cors\n\napp = Quart(__name__)\n"
                    "app = cors(app, allow_credentials=True)\n\n\n@app.route('/api/items')\n"
                    "async def items():\n    return {'items': []}\n")
    reals = serve(path, [Req("https://evil.example"), Req("https://evil.example", True)])
    assert [r.status for r in reals] == [500, 500]
    assert not [h for r in reals for h in r.headers if h.startswith("access-control")]
    model, _ = build_model([str(path)])
    [route] = model.routes
    assert {b.outcome.status for b in route.branches} == {500} and not any(b.headers for b in route.branches)
    # one finding at the setting the library refuses, with what the browsers print for a 500 without CORS
    [finding] = lint([str(path)]).findings
    assert (finding.code, finding.line) == ("CORS201", 5) and "refused at run time" in finding.message
    assert "Status code: 500" in finding.firefox


def test_send_origin_wildcard_false_falls_back_to_the_default(tmp_path):
    path = tmp_path / "app.py"
    path.write_text("from quart import Quart\nfrom quart_cors import cors\n\napp = Quart(__name__)\n"
                    "app = cors(app, send_origin_wildcard=False)\n\n\n@app.route('/api/items')\n"
                    "async def items():\n    return {'items': []}\n")
    [real] = serve(path, [Req("https://evil.example")])
    assert real.get("access-control-allow-origin") == ["*"]   # `False or True`
    agrees(path)


def test_config_key_is_read(tmp_path):
    path = tmp_path / "app.py"
    path.write_text("from quart import Quart\nfrom quart_cors import cors\n\napp = Quart(__name__)\n"
                    "app.config['QUART_CORS_ALLOW_ORIGIN'] = ['https://app.example.com']\n"
                    "app.config['QUART_CORS_MAX_AGE'] = 300\napp = cors(app)\n\n\n@app.route('/api/items')\n"
                    "async def items():\n    return {'items': []}\n")
    pairs = agrees(path)
    assert [r.get("access-control-max-age") for q, r in pairs if q.preflight and q.origin == "https://app.example.com"] \
        == [["300"]]


def test_route_cors_reads_its_route_path():
    path = FIXTURES / "CORS104" / "null_route_cors.py"
    assert cors_route(path).path == "/api/items"
    [null] = serve(path, [Req("null")])
    assert null.get("access-control-allow-origin") == ["null"]
    assert null.get("access-control-allow-credentials") == ["true"]


def test_misspelt_keyword_stops_the_app():
    path = FIXTURES / "CORS109" / "allow_origins.py"
    with pytest.raises(TypeError, match="allow_origins"):
        runpy.run_path(str(path))
    assert [(f.code, f.line) for f in lint([str(path)]).findings] == [("CORS109", 8)]


def test_quart_table_is_quart_cors_own():
    import inspect
    from importlib.metadata import version

    table = quart_frontend.SEMANTICS
    assert table.library == f"Quart-CORS {version('quart-cors')}"
    keywords = set(inspect.signature(quart_cors.cors).parameters) - {"app_or_blueprint"}
    assert keywords == set(table.setting_names)
    assert set(inspect.signature(quart_cors.route_cors).parameters) == keywords | {"provide_automatic_options"}
    for name, value in table.defaults.items():
        got = quart_cors.DEFAULTS["QUART_CORS_" + name.upper()]
        assert (tuple(got) if isinstance(got, list) else got) == value, name


# ---------------------------------------------------------------- samples, recognition

def test_recognised_by_content_and_neighbours_keep_their_files(tmp_path):
    from corslint.frontends import frontend_for

    app = tmp_path / "service.py"
    app.write_text((SAMPLES / "quart" / "CORS106" / "broken.py").read_text())
    assert frontend_for(str(app), named=False).NAME == "quart"
    assert re.search(quart_frontend.WALK_MARKER, app.read_bytes())
    assert frontend_for(str(SAMPLES / "flask" / "CORS105" / "broken.py"), named=False).NAME == "flask"
    assert frontend_for(str(SAMPLES / "litestar" / "CORS105" / "broken.py"), named=False).NAME == "litestar"
    found = lint([str(tmp_path)])
    assert [(Path(f.file).name, f.code) for f in found.findings] == [("service.py", "CORS106")]


def test_quart_test_client_answers_as_the_loopback_server():
    import asyncio

    path = SAMPLES / "quart" / "CORS106" / "broken.py"
    reqs = [Req("https://app.example.com.evil.example"), Req("https://app.example.com.evil.example", True),
            Req("https://evil.example")]
    served = serve(path, reqs)
    names = ("access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
             "access-control-max-age", "vary")

    async def through_test_client():
        client = runpy.run_path(str(path))["app"].test_client()
        out = []
        for r in reqs:
            headers = {"Origin": r.origin}
            if r.preflight:
                headers["Access-Control-Request-Method"] = "GET"
            resp = await client.open("/api/items", method=r.method, headers=headers)
            out.append((resp.status_code, {n: resp.headers.getlist(n) for n in names}))
        return out

    for (status, headers), real in zip(asyncio.run(through_test_client()), served):
        assert status == real.status and headers == {n: real.get(n) for n in names}
