"""corslint's reading of aiohttp-cors against the real package.

Each fixture's ``aiohttp_cors.setup(...)`` runs with aiohttp 3 + aiohttp-cors
(test extras) on a loopback port (``aiohttp.test_utils.TestServer``); a
fixture that adds no /api/items route of its own gets one with
``cors.add(route)`` (the defaults apply to it). Attacker
and intended origins send simple and preflight requests; the answers must be
the ones corslint's model predicts, then the library's own behaviour that the
frontend encodes is pinned.
"""

from __future__ import annotations

import asyncio
import runpy
from pathlib import Path

import pytest

from corslint.lint import lint
from test_framework_truth import Real, Req, assert_answers_agree, cors_route, predicted, requests_for

aiohttp_cors = pytest.importorskip("aiohttp_cors")
from aiohttp import web  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "aiohttp"


def serve(path: Path, reqs: list[Req], request_headers: str = "") -> list[Real]:
    """Run the fixture's app (its setup call) with one CORS-enabled GET route."""

    async def handler(request):
        return web.Response(text="ok", headers={"X-Total-Count": "3"})

    async def main():
        names = runpy.run_path(str(path))
        app, cors = names["app"], names["cors"]
        if not any(r.canonical == "/api/items" for r in app.router.resources()):
            cors.add(app.router.add_get("/api/items", handler))  # the defaults apply to it
        async with TestClient(TestServer(app)) as client:
            out = []
            for r in reqs:
                headers = {"Origin": r.origin}
                if r.preflight:
                    headers["Access-Control-Request-Method"] = "GET"
                    if request_headers:
                        headers["Access-Control-Request-Headers"] = request_headers
                resp = await client.request(r.method, "/api/items", headers=headers)
                out.append(Real(resp.status, {k.lower(): resp.headers.getall(k) for k in set(resp.headers.keys())}))
            return out

    return asyncio.run(main())


def agrees(path: Path) -> list[tuple[Req, Real]]:
    route = cors_route(path)
    reqs = requests_for(route)
    return assert_answers_agree(route, reqs, serve(path, reqs), vary="exact")


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.glob("*/*.py") if "CORS109" not in str(p)),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_model_agrees_with_aiohttp_cors(path):
    agrees(path)


def test_star_with_credentials_reflects_every_origin_with_credentials():
    path = FIXTURES / "CORS105" / "star_credentials.py"
    for origin in ("https://evil.example", "null"):
        for real in serve(path, [Req(origin), Req(origin, True)]):
            # never '*': the request's Origin, with credentials, and no Vary
            assert real.get("access-control-allow-origin") == [origin]
            assert real.get("access-control-allow-credentials") == ["true"]
            assert real.get("vary") == []
    assert [(f.line, f.severity) for f in lint([str(path)]).findings if f.code == "CORS105"] == [(9, "critical")]


def test_listed_origin_is_exact_and_others_get_nothing():
    path = FIXTURES / "CORS105" / "listed_origin_credentials_fp.py"
    reqs = [Req("https://app.example.com"), Req("https://APP.example.com"), Req("https://evil.example"),
            Req("https://evil.example", True)]
    app_, upper, evil, evil_pre = serve(path, reqs)
    assert app_.get("access-control-allow-origin") == ["https://app.example.com"]
    assert app_.get("access-control-expose-headers") == ["X-Total-Count"]
    assert app_.get("vary") == []
    assert upper.get("access-control-allow-origin") == []
    assert evil.get("access-control-allow-origin") == [] and evil.get("access-control-allow-credentials") == []
    assert evil_pre.status == 403 and evil_pre.get("access-control-allow-origin") == []
    assert not [f for f in lint([str(path)]).findings if f.code == "CORS105"]


def test_preflight_echoes_method_and_requested_headers_with_max_age():
    path = FIXTURES / "CORS105" / "listed_origin_credentials_fp.py"
    [ok] = serve(path, [Req("https://app.example.com", True)], request_headers="content-type")
    assert ok.status == 200
    assert ok.get("access-control-allow-methods") == ["GET"]
    assert ok.get("access-control-allow-headers") == ["CONTENT-TYPE"]
    assert ok.get("access-control-max-age") == ["600"]
    [refused] = serve(path, [Req("https://app.example.com", True)], request_headers="x-other")
    assert refused.status == 403


def test_misspelt_resource_option_stops_the_app():
    with pytest.raises(TypeError, match="allow_credential"):
        serve(FIXTURES / "CORS109" / "allow_credential.py", [Req("https://app.example.com")])
    finding = [f for f in lint([str(FIXTURES / "CORS109" / "allow_credential.py")]).findings if f.code == "CORS109"]
    assert [(f.line, "allow_credential" in f.message) for f in finding] == [(9, True)]


def test_plain_mapping_options_are_read_like_resource_options():
    path = FIXTURES / "CORS109" / "option_names_fp.py"
    [real] = serve(path, [Req("https://app.example.com")])
    assert real.get("access-control-allow-credentials") == ["true"]
    agrees(path)


def test_a_listed_origin_gets_its_own_options_and_every_other_one_stars():
    path = FIXTURES / "CORS105" / "listed_and_star_fp.py"
    listed, other = serve(path, [Req("https://app.example.com"), Req("https://evil.example")])
    assert listed.get("access-control-allow-origin") == ["https://app.example.com"]
    assert listed.get("access-control-allow-credentials") == ["true"]
    assert other.get("access-control-allow-origin") == ["https://evil.example"]
    assert other.get("access-control-allow-credentials") == []
    # the options differ per origin: credentials are named as unknown, never guessed
    assert not [f for f in lint([str(path)]).findings if f.code == "CORS105" and f.severity == "critical"]


def test_route_options_apply_over_the_defaults():
    star = FIXTURES / "CORS105" / "route_star_credentials.py"
    [evil] = serve(star, [Req("https://evil.example")])
    assert evil.get("access-control-allow-origin") == ["https://evil.example"]
    assert evil.get("access-control-allow-credentials") == ["true"]
    assert [(f.line, f.severity) for f in lint([str(star)]).findings if f.code == "CORS105"] == [(13, "critical")]
    listed = FIXTURES / "CORS105" / "route_listed_origin_fp.py"
    app_pre, evil = serve(listed, [Req("https://app.example.com", True), Req("https://evil.example")])
    assert app_pre.get("access-control-max-age") == ["60"]
    assert evil.get("access-control-allow-origin") == []


MERGED = '''
import aiohttp_cors
from aiohttp import web


async def items(request):
    return web.Response(text="[]")

app = web.Application()
cors = aiohttp_cors.setup(app, defaults={
    "*": aiohttp_cors.ResourceOptions(allow_credentials=True, max_age=600),
    "https://app.example.com": aiohttp_cors.ResourceOptions(allow_credentials=True),
})
cors.add(app.router.add_get("/api/items", items), {
    "https://app.example.com": aiohttp_cors.ResourceOptions(allow_credentials=True, max_age=60),
})
'''


def test_route_options_replace_the_defaults_origin_by_origin(tmp_path):
    from corslint.lint import build_model

    path = tmp_path / "app.py"
    path.write_text(MERGED)
    model, _ = build_model([str(path)])
    [route] = [r for r in model.routes if r.name.startswith("cors.add")]
    reqs = [Req(o, p) for o in ("https://app.example.com", "https://evil.example", "null") for p in (False, True)]
    reals = serve(path, reqs)
    for req, real in zip(reqs, reals):
        for name, value in predicted(route, req).items():
            if value is not None and name not in ("vary", "status"):
                assert real.get(name) == value, (req, name, real.get(name), value)
    # the route's own entry for the listed site, the defaults' "*" for the others
    assert [r.get("access-control-max-age") for r in reals[1::2]] == [["60"], ["600"], ["600"]]


def test_the_vary_fix_reaches_simple_and_preflight_answers(tmp_path):
    # corslint/fixes/aiohttp.py's vary-on-origin advice, run as written
    path = tmp_path / "app.py"
    path.write_text((FIXTURES / "CORS105" / "listed_origin_credentials_fp.py").read_text() + '''

async def add_vary(request, response):
    response.headers.add("Vary", "Origin")

app.on_response_prepare.append(add_vary)
''')
    for real in serve(path, [Req("https://app.example.com"), Req("https://app.example.com", True),
                             Req("https://evil.example")]):
        assert real.get("vary") == ["Origin"]


def test_misspelt_mapping_key_stops_the_app():
    path = FIXTURES / "CORS109" / "mapping_max_ages.py"
    with pytest.raises(ValueError, match="max_ages"):
        serve(path, [Req("https://app.example.com")])
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS109"]
    assert finding.line == 10 and "ValueError" in finding.message
