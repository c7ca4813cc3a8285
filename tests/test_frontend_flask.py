"""The Flask-CORS frontend: the package's rules in the model."""

from __future__ import annotations

from corslint.cli import exit_code
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


# ---------------------------------------------------------------- reading past syntax errors (#20)


def _problems(tmp_path, text, name="app.py"):
    path = tmp_path / name
    path.write_text(text)
    result = lint([str(path)])
    result.exit_code = exit_code(result.findings, result.problems)
    return result


def test_a_syntax_error_elsewhere_is_a_notice_naming_the_skipped_lines(tmp_path):
    result = _problems(tmp_path, HEAD + "CORS(app, origins=['https://a.example', 'null'], supports_credentials=True)\n"
                                        "def broken(:\n    return 1\n\nprint 'python 2'\n")
    assert [(p.line, p.fatal) for p in result.problems] == [(5, False), (8, False)]
    assert "lines 5-6 skipped" in result.problems[0].message
    assert "Missing parentheses in call to 'print'" in result.problems[1].message
    assert "line 8 skipped" in result.problems[1].message
    assert ("CORS104", 4) in [(f.code, f.line) for f in result.findings]
    assert result.exit_code == 1


def test_a_skipped_statement_keeps_its_block_and_every_line_number(tmp_path):
    # the skipped statement is the only one of its block: the block stays a block
    result = _problems(tmp_path, HEAD + "if app.debug:\n    print 'debug'\n"
                                        "CORS(app, origins=['https://a.example', 'null'], supports_credentials=True)\n")
    assert [(p.line, p.fatal) for p in result.problems] == [(5, False)]
    assert ("CORS104", 6) in [(f.code, f.line) for f in result.findings]


def test_a_syntax_error_in_the_cors_settings_refuses_the_file(tmp_path):
    # reading the rest would check what is left of the configuration
    result = _problems(tmp_path, HEAD + "CORS(app, origins=['https://a.example' 'null',\n")
    [problem] = result.problems
    assert problem.fatal and problem.line == 4 and "hold CORS settings" in problem.message
    assert result.exit_code == 2


def test_a_jinja_block_tag_refuses_the_file_with_its_reason(tmp_path):
    result = _problems(tmp_path, HEAD + "{% if cookiecutter.use_cors == 'y' %}\nCORS(app)\n{% endif %}\n")
    [problem] = result.problems
    assert problem.fatal and problem.line == 4
    assert "Jinja template markup ({% if cookiecutter.use_cors == 'y' %})" in problem.message
    assert result.exit_code == 2


def test_a_template_placeholder_is_an_unknown_value_and_a_notice(tmp_path):
    result = _problems(tmp_path, HEAD + "CORS(app, origins={{ cookiecutter.origins }}, supports_credentials=True)\n")
    [problem] = result.problems
    assert not problem.fatal and problem.line == 4 and "{{ cookiecutter.origins }}" in problem.message
    assert result.findings == [] and result.exit_code == 0


def test_an_ellipsis_placeholder_is_no_origin(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "CORS(app, origins=[..., 'https://a.example.com'])\n")
    assert acao(route, "https://a.example.com") == ["https://a.example.com"]
    assert acao(route, "https://evil.example") == []


# ---------------------------------------------------------------- after_request hooks (#20, pattern 14)
# (tests/test_flask_hook_truth.py runs the same hooks with the real Flask-CORS)


def test_a_hook_whose_order_cannot_be_read_makes_every_extension_header_unknown(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(
        "from flask import Blueprint, Flask\nfrom flask_cors import CORS\n"
        "bp = Blueprint('api', __name__)\n\n"
        "@bp.after_app_request\ndef hand(response):\n"
        "    response.headers['Access-Control-Allow-Origin'] = '*'\n    return response\n\n"
        "def create_app():\n    app = Flask(__name__)\n    CORS(app, supports_credentials=True)\n"
        "    app.register_blueprint(bp)\n    return app\n")
    model = flask.parse_files([str(path)])
    [notice] = model.problems
    assert not notice.fatal and notice.line == 7 and "order against Flask-CORS" in notice.message
    [route] = model.routes
    assert {h.name: h.value.has_unknown for b in route.branches for h in b.headers} == {
        "Access-Control-Allow-Origin": True, "Access-Control-Allow-Credentials": True,
        "Access-Control-Allow-Methods": True, "Access-Control-Allow-Headers": True, "Vary": True}
    assert lint([str(path)]).findings == []


def test_a_hook_that_sets_other_headers_only_changes_nothing(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "CORS(app)\n@app.after_request\ndef h(r):\n"
                                         "    r.headers['Access-Control-Max-Age'] = '60'\n    return r\n")
    assert acao(route, "https://evil.example") == ["https://evil.example"]


def test_a_file_of_many_statements_that_do_not_parse_is_refused(tmp_path):
    from corslint.frontends import _pyast

    text = HEAD + "CORS(app)\n" + "".join(f"print 'line {i}'\n" for i in range(_pyast.MAX_SKIPPED + 1))
    result = _problems(tmp_path, text)
    [problem] = result.problems
    assert problem.fatal and problem.line == 5 and f"more than {_pyast.MAX_SKIPPED} statements" in problem.message


def test_a_jinja_template_in_a_string_is_no_notice(tmp_path):
    [route] = routes_of(tmp_path, HEAD + "CORS(app)\nPAGE = '<p>{{ user.name }}</p>'\n")
    assert acao(route, "https://evil.example") == ["https://evil.example"]


def test_an_app_factory_with_the_extension_imported_and_config_loaded_elsewhere(tmp_path):
    """`cors` imported from the app's extensions module is Flask-CORS when its
    init_app takes only Flask-CORS's keywords; options the call does not pass
    come from app.config, which from_object loads from elsewhere: unknown, so
    the default origins='*' is not assumed (no CORS105 claimed)."""
    from corslint.lint import lint
    factory = tmp_path / "factory.py"
    factory.write_text(
        "from flask import Flask\n"
        "from myapp.extensions import cors\n\n"
        "def create_app(config):\n"
        "    app = Flask(__name__)\n"
        "    app.config.from_object(config)\n"
        "    cors.init_app(app, resources=r'/api/*', supports_credentials=True)\n"
        "    return app\n")
    result = lint([str(factory)])
    assert not [p for p in result.problems if p.fatal]
    [route] = result.model.routes
    assert route.frontend == "flask"
    assert not [f for f in result.findings if f.code == "CORS105"]
    # the same call with the configuration in view: the default '*' echoes
    # every origin with credentials
    factory.write_text(factory.read_text().replace("    app.config.from_object(config)\n", ""))
    assert [f.line for f in lint([str(factory)]).findings if f.code == "CORS105"] == [6]   # the call


def test_an_imported_object_is_not_taken_for_flask_cors_on_other_keywords(tmp_path):
    from corslint.lint import lint
    app = tmp_path / "app.py"
    app.write_text("from flask import Flask\nfrom myapp.extensions import cors\n"
                   "app = Flask(__name__)\ncors.init_app(app, something_else=True)\n")
    result = lint([str(app)])
    # read (its marker matched), but nothing in it is Flask-CORS's
    assert not result.model.routes and not [p for p in result.problems if p.fatal]
    assert result.files == [str(app)]
