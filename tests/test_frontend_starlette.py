"""The Starlette / FastAPI CORSMiddleware frontend."""

from __future__ import annotations

from corslint.frontends import frontend_for, starlette
from corslint.lint import lint
from corslint.scenarios import answer
from ruletools import FIXTURES, assert_fixture


HEAD = ("from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\n")


def route_of(tmp_path, text):
    path = tmp_path / "main.py"
    path.write_text(HEAD + text)
    model = starlette.parse_files([str(path)])
    assert not model.problems
    [route] = model.routes
    return route


def headers(route, origin, method="GET"):
    r = answer(route, method, origin, credentials=True, preflight=method == "OPTIONS").response
    return r.get_all("access-control-allow-origin"), r.get_all("access-control-allow-credentials")


def test_star_with_credentials_reflects_on_both_answers(tmp_path):
    route = route_of(tmp_path, "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)\n")
    for method in ("GET", "OPTIONS"):
        assert headers(route, "https://evil.example", method) == (["https://evil.example"], ["true"])


def test_star_without_credentials_is_star(tmp_path):
    route = route_of(tmp_path, "app.add_middleware(CORSMiddleware, allow_origins=['*'])\n")
    assert headers(route, "https://evil.example") == (["*"], [])


def test_env_default_is_noted():
    [finding] = assert_fixture(FIXTURES / "starlette" / "CORS105" / "env_default_star.py", "CORS105")
    assert finding.severity == "critical"
    result = lint([str(FIXTURES / "starlette" / "CORS105" / "env_default_star.py")])
    from corslint.lint import build_model
    model, _ = build_model([str(FIXTURES / "starlette" / "CORS105" / "env_default_star.py")])
    [h] = model.routes[0].branches[1].emissions("Access-Control-Allow-Origin")
    assert h.note == "allow_origins comes from the default of os.getenv('CORS_ORIGINS')"
    assert result.findings


def test_entries_exact_and_regex_fullmatch(tmp_path):
    route = route_of(tmp_path, (
        "app.add_middleware(CORSMiddleware, allow_origins=['https://App.example.com'],\n"
        "                   allow_origin_regex=r'https://[a-z]+\\.example\\.org', allow_credentials=True)\n"))
    assert headers(route, "https://app.example.com")[0] == []
    assert headers(route, "https://App.example.com")[0] == ["https://App.example.com"]
    assert headers(route, "https://a.example.org")[0] == ["https://a.example.org"]
    assert headers(route, "https://a.example.org.evil.example")[0] == []
    # credentials go to every origin, allowed or not
    assert headers(route, "https://evil.example") == ([], ["true"])


def test_preflight_defaults(tmp_path):
    route = route_of(tmp_path, "app.add_middleware(CORSMiddleware, allow_origins=['https://app.example.com'])\n")
    r = answer(route, "OPTIONS", "https://app.example.com", preflight=True).response
    assert r.status == 200
    assert r.get_all("access-control-allow-methods") == ["GET"]
    assert r.get_all("access-control-max-age") == ["600"]
    assert r.get_all("access-control-allow-headers") == ["Accept, Accept-Language, Content-Language, Content-Type"]


def test_options_from_a_dict_and_function_locals(tmp_path):
    route = route_of(tmp_path, (
        "def create_app():\n"
        "    opts = dict(allow_origins=['*'], allow_credentials=True)\n"
        "    app.add_middleware(CORSMiddleware, **opts)\n"))
    assert headers(route, "https://evil.example") == (["https://evil.example"], ["true"])


def test_recognised_by_content(tmp_path):
    app = tmp_path / "main.py"
    app.write_text(HEAD + "app.add_middleware(CORSMiddleware, allow_origins=['*'])\n")
    plain = tmp_path / "routes.py"
    plain.write_text("from fastapi import APIRouter\n")
    assert frontend_for(str(app), named=False) is starlette
    assert frontend_for(str(plain), named=False) is None
