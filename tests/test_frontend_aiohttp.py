"""The aiohttp-cors frontend: what it takes, what it reads, what it names as unknown."""

from __future__ import annotations

from corslint.frontends import aiohttp as frontend
from corslint.frontends import frontend_for
from corslint.lint import build_model, lint
from corslint.model import Unknown, Value

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


LISTED = ('{"https://app.example.com": aiohttp_cors.ResourceOptions(), '
          '"https://admin.example.com": aiohttp_cors.ResourceOptions()}')


def _vary_codes(tmp_path, hook: str) -> list[tuple[str, int]]:
    path = tmp_path / "app.py"
    path.write_text(hook + SETUP.format(defaults=LISTED) + "\n")
    return [(f.code, f.line) for f in lint([str(path)]).findings]


def test_vary_added_by_an_on_response_prepare_handler_is_read(tmp_path):
    hook = ("async def add_vary(request, response):\n"
            "    response.headers.add('Vary', 'Origin')\n\n\n")
    assert _vary_codes(tmp_path, hook) == [("CORS108", 9)]   # written, never hooked up
    hooked = SETUP.format(defaults=LISTED) + "app.on_response_prepare.append(add_vary)\n"
    path = tmp_path / "hooked.py"
    path.write_text(hook + hooked)
    assert lint([str(path)]).findings == []
    [route] = [r for r in build_model([str(path)])[0].routes if r.is_cors()]
    assert all(any(h.name == "Vary" and h.value == Value.literal("Origin") for h in b.headers)
               for b in route.branches if b.headers), "the signal reaches preflight answers too"


def test_an_on_response_prepare_handler_adding_another_header_is_no_vary(tmp_path):
    hook = ("async def add_header(request, response):\n"
            "    response.headers['X-Frame-Options'] = 'DENY'\n\n\n")
    hooked = SETUP.format(defaults=LISTED) + "app.on_response_prepare.append(add_header)\n"
    path = tmp_path / "app.py"
    path.write_text(hook + hooked)
    assert [f.code for f in lint([str(path)]).findings] == ["CORS108"]
