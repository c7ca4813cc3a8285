"""The Flask-CORS frontend: the package's rules in the model."""

from __future__ import annotations

from corslint.frontends import flask, frontend_for
from corslint.lint import lint
from corslint.scenarios import answer
from ruletools import FIXTURES, assert_fixture


def routes_of(tmp_path, text):
    path = tmp_path / "app.py"
    path.write_text(text)
    model = flask.parse_files([str(path)])
    assert not model.problems, model.problems
    return model.routes


def acao(route, origin, method="GET"):
    ans = answer(route, method, origin, credentials=True, preflight=method == "OPTIONS")
    return ans.response.get_all("access-control-allow-origin")


HEAD = "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"


def test_default_origins_reflect_every_origin_null_included(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "CORS(app)\n")
    assert acao(route, "https://evil.example") == ["https://evil.example"]
    assert acao(route, "null") == ["null"]
    # ... which without credentials grants what '*' grants: no CORS105 (#20)
    assert assert_fixture(FIXTURES / "flask" / "CORS105" / "default_origins_fp.py", "CORS105") == []


def test_credentials_make_the_default_critical():
    [finding] = assert_fixture(FIXTURES / "flask" / "CORS105" / "resources_credentials.py", "CORS105")
    assert finding.severity == "critical"


def test_send_wildcard_answers_star(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "CORS(app, send_wildcard=True)\n")
    assert acao(route, "https://evil.example") == ["*"]


def test_regex_detection_and_case_rules(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "CORS(app, origins=['https://*.example.com', 'https://App.example.org'])\n")
    assert acao(route, "https://a.example.com") == []
    assert acao(route, "https://xexample.com.evil.net") == ["https://xexample.com.evil.net"]
    assert acao(route, "https://app.example.org") == ["https://app.example.org"]  # case-insensitive


def test_resources_give_one_route_per_path_with_merged_options(tmp_path):
    routes = routes_of(tmp_path, HEAD + (
        "app.config['CORS_SUPPORTS_CREDENTIALS'] = True\n"
        "CORS(app, resources={r'/api/*': {'origins': 'https://app.example.com'}, r'/public/*': {}})\n"))
    by_path = {r.path: r for r in routes}
    assert set(by_path) == {"/api/", "/public/"}
    ans = answer(by_path["/api/"], "GET", "https://app.example.com", credentials=True)
    assert ans.response.get_all("access-control-allow-credentials") == ["true"]
    assert acao(by_path["/api/"], "https://evil.example") == []
    assert acao(by_path["/public/"], "https://evil.example") == ["https://evil.example"]


def test_preflight_lists(tmp_path):
    [route] = routes_of(tmp_path, HEAD + (
        "CORS(app, origins=['https://app.example.com'], methods=['get', 'put'], "
        "allow_headers=['X-Token', 'Content-Type'], max_age=600, expose_headers=['X-Total'])\n"))
    r = answer(route, "OPTIONS", "https://app.example.com", preflight=True).response
    assert r.status == 200
    assert r.get_all("access-control-allow-methods") == ["GET, PUT"]
    assert r.get_all("access-control-allow-headers") == ["Content-Type, X-Token"]
    assert r.get_all("access-control-max-age") == ["600"]
    assert r.get_all("access-control-expose-headers") == ["X-Total"]


def test_recognised_by_content(tmp_path):
    app = tmp_path / "server.py"
    app.write_text(HEAD + "CORS(app)\n")
    plain = tmp_path / "views.py"
    plain.write_text("from flask import Flask\n")
    assert frontend_for(str(app), named=False) is flask
    assert frontend_for(str(plain), named=False) is None
    assert lint([str(tmp_path)]).files == [str(app)]
