"""The aiohttp-cors frontend: what it takes, what it reads, what it names as unknown."""

from __future__ import annotations

from corslint.frontends import aiohttp as frontend
from corslint.frontends import frontend_for
from corslint.lint import build_model, lint
from corslint.model import Unknown

SETUP = '''import aiohttp_cors
from aiohttp import web

app = web.Application()
cors = aiohttp_cors.setup(app, defaults={defaults})
'''


def model_of(tmp_path, text, name="app.py"):
    path = tmp_path / name
    path.write_text(text)
    model, _ = build_model([str(path)])
    return path, model


def acao(route, label):
    [branch] = [b for b in route.branches if b.label == label]
    return [h.value for h in branch.headers if h.name == "Access-Control-Allow-Origin"]


def test_a_file_naming_aiohttp_cors_is_taken_by_this_frontend(tmp_path):
    path = tmp_path / "server.py"
    path.write_text(SETUP.format(defaults="{}"))
    assert frontend_for(str(path), named=True) is frontend
    other = tmp_path / "other.py"
    other.write_text("from aiohttp import web\napp = web.Application()\n")
    assert frontend_for(str(other), named=True) is not frontend


def test_the_file_is_read_never_run(tmp_path):
    text = "raise SystemExit('imported')\n" + SETUP.format(
        defaults='{"*": aiohttp_cors.ResourceOptions(allow_credentials=True)}')
    path, model = model_of(tmp_path, text)
    [route] = model.routes
    assert route.frontend == "aiohttp"
    assert [(f.code, f.line) for f in lint([str(path)]).findings if f.code == "CORS105"] == [("CORS105", 6)]


def test_computed_defaults_are_named_as_unknown_not_guessed(tmp_path):
    path, model = model_of(tmp_path, "from .settings import CORS_DEFAULTS\n" + SETUP.format(defaults="CORS_DEFAULTS"))
    [route] = model.routes
    [value] = acao(route, "handler")
    [part] = value.parts
    assert isinstance(part, Unknown) and "CORS_DEFAULTS" in part.name
    assert not lint([str(path)]).findings


def test_computed_credentials_give_no_verdict_on_them(tmp_path):
    path, _ = model_of(tmp_path, "import os\n" + SETUP.format(
        defaults='{"*": aiohttp_cors.ResourceOptions(allow_credentials=os.environ["C"] == "1")}'))
    assert not [f for f in lint([str(path)]).findings if f.code == "CORS105" and f.severity == "critical"]


def test_setup_without_defaults_and_no_route_options_is_no_cors_route(tmp_path):
    _, model = model_of(tmp_path, SETUP.format(defaults="{}").replace(", defaults={}", ""))
    assert "aiohttp_cors.setup(app)" in (tmp_path / "app.py").read_text()
    assert not model.problems and model.files and model.routes == []
