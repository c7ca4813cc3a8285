"""Pattern 14 of #20: an ``after_request`` hook that sets
Access-Control-Allow-Origin by hand beside Flask-CORS, run with the real Flask
and Flask-CORS (test client) and compared with corslint's model.

What Flask-CORS 6.0.5 does (flask_cors/extension.py ``cors_after_request``):
it skips an answer that already carries Access-Control-Allow-Origin. Flask
runs after_request functions last-registered first, so the order of
``CORS(app)`` and the hook decides: a hook registered after the extension runs
first and Flask-CORS adds nothing; one registered before runs last and
replaces the extension's value, the extension's other headers staying."""

from __future__ import annotations

import pytest

from corslint.frontends import flask as frontend
from corslint.lint import lint
from ruletools import FIXTURES
from test_framework_truth import Req, assert_agrees, run_flask

pytest.importorskip("flask_cors")

HOOKS = FIXTURES / "flask" / "CORS105"


def test_a_hook_registered_after_the_extension_makes_flask_cors_skip():
    path = HOOKS / "hand_set_origin_hook_fp.py"
    evil, preflight = run_flask(path, [Req("https://evil.example"), Req("https://evil.example", True)])
    # CORS(app, supports_credentials=True) alone would echo the Origin: it added nothing
    assert evil.get("access-control-allow-origin") == ["https://app.example.com"]
    assert evil.get("access-control-allow-credentials") == ["true"]   # the hook's own
    assert evil.get("vary") == []
    assert preflight.get("access-control-allow-methods") == []
    assert_agrees("flask", path)


def test_a_hook_registered_before_the_extension_replaces_its_value():
    path = HOOKS / "hook_registered_first_fp.py"
    [evil] = run_flask(path, [Req("https://evil.example")])
    assert evil.get("access-control-allow-origin") == ["https://app.example.com"]
    # Flask-CORS ran first: its credentials header and Vary stay
    assert evil.get("access-control-allow-credentials") == ["true"]
    assert "Origin" in evil.get("vary")
    assert_agrees("flask", path)


def test_a_hook_that_echoes_the_origin_is_what_browsers_see():
    path = HOOKS / "hand_set_origin_hook.py"
    [evil] = run_flask(path, [Req("https://evil.example")])
    assert evil.get("access-control-allow-origin") == ["https://evil.example"]
    assert evil.get("access-control-allow-credentials") == ["true"]
    assert_agrees("flask", path)


def test_a_conditional_hook_leaves_allow_origin_unknown_with_a_notice():
    path = HOOKS / "hook_checks_origin_fp.py"
    allowed, other = run_flask(path, [Req("https://app.example.com"), Req("https://evil.example")])
    # set by the hook for a listed origin (Flask-CORS then skipped: no Vary), by nobody otherwise
    assert allowed.get("access-control-allow-origin") == ["https://app.example.com"]
    assert allowed.get("vary") == []
    assert other.get("access-control-allow-origin") == []
    model = frontend.parse_files([str(path)])
    [notice] = model.problems
    assert not notice.fatal and notice.line == 17 and "'cors_headers'" in notice.message
    assert_agrees("flask", path)   # nothing claimed about Allow-Origin, the rest agrees


APP = '''from flask import Flask, request
from flask_cors import CORS, cross_origin

app = Flask(__name__)
{first}
{second}

@app.route("/api/items", methods=["GET", "POST"])
{decorator}
def items():
    return {{"items": []}}
'''
ADDING_HOOK = '''
def add_origin(response):
    response.headers.add("Access-Control-Allow-Origin", "https://app.example.com")
    return response
app.after_request(add_origin)
'''
PROPERTY_HOOK = '''
@app.after_request
def fixed_origin(response):
    response.access_control_allow_origin = "https://app.example.com"
    return response
'''


@pytest.mark.parametrize("first,second,decorator", [
    # registered before the extension, runs last: a second Allow-Origin beside Flask-CORS's echo
    (ADDING_HOOK, 'CORS(app, origins=["https://a.example", "https://evil.example"])', ""),
    # registered after it, runs first: Flask-CORS skips
    ('CORS(app, origins=["https://a.example"], supports_credentials=True)', ADDING_HOOK, ""),
    # werkzeug's property sets the header like headers[...] =
    (PROPERTY_HOOK, "CORS(app, supports_credentials=True)", ""),
    # @cross_origin sets its headers in the view, before every hook
    ("", PROPERTY_HOOK, "@cross_origin(supports_credentials=True)"),
], ids=["add-before", "add-after", "property-before", "cross-origin"])
def test_hook_orders_agree_with_flask_cors(tmp_path, first, second, decorator):
    path = tmp_path / "app.py"
    path.write_text(APP.format(first=first, second=second, decorator=decorator))
    assert [p for p in frontend.parse_files([str(path)]).problems] == []
    assert_agrees("flask", path, extra=("https://a.example",))


def test_two_allow_origin_values_are_what_flask_sends(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(APP.format(first=ADDING_HOOK, second='CORS(app, origins=["https://evil.example"])', decorator=""))
    [evil] = run_flask(path, [Req("https://evil.example")])
    assert evil.get("access-control-allow-origin") == ["https://evil.example", "https://app.example.com"]
    assert "CORS103" in {f.code for f in lint([str(path)]).findings}   # two Allow-Origin headers
