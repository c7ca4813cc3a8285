"""CORS104: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS104/ and run in tests/test_fixtures.py."""

from corslint.checks import cors104_null_origin_allowed as rule
from corslint.model import Branch, HeaderEmission, OriginMatcher, OriginTest, Outcome, PolicyModel, Route, Source, Value
from ruletools import FIXTURES, assert_fixture

CODE = "CORS104"


def test_security_finding_has_no_browser_text():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "map_default_null.conf", CODE)
    assert finding.severity == "warning"
    assert "answers Access-Control-Allow-Origin 'null' to origins it does not list" in finding.message
    assert "sandboxed iframes" in finding.message
    assert finding.chrome is None and finding.firefox is None


def test_credentials_make_it_an_error():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "null_entry_with_credentials.conf", CODE)
    assert finding.severity == "error"
    assert "Origin allowlist entry 'null'" in finding.message
    assert "Access-Control-Allow-Credentials: true" in finding.message


def test_regex_alternative_null_with_credentials():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "optional_scheme_group_null.conf", CODE)
    assert finding.severity == "error"
    assert "matches the origin 'null' and echoes it" in finding.message


def test_gate_admitting_null_is_judged_on_the_pattern():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "gate_admits_null.conf", CODE)
    assert finding.severity == "info"
    assert "matches the origin 'null'" in finding.message and "whatever this check guards" in finding.message


def test_framework_null_entries():
    for frontend, name in (("flask", "null_entry.py"), ("starlette", "null_in_list.py"),
                           ("django", "regex_null.py"), ("express", "null_in_array.js")):
        [finding] = assert_fixture(FIXTURES / frontend / CODE / name, CODE)
        assert "null" in finding.message and finding.severity == "warning", (frontend, finding.message)


SRC = Source("httpd.conf", 2, 1)


def _apache_route(matcher: OriginMatcher) -> Route:
    """``SetEnvIfNoCase Origin "<pattern>" ORIGIN_OK`` + ``Header always set
    Access-Control-Allow-Origin %{HTTP:Origin}e env=ORIGIN_OK``, built by hand."""
    acao = HeaderEmission("Access-Control-Allow-Origin", Value.origin(), Source("httpd.conf", 3, 1),
                          always=True)
    return Route("vhost", SRC, [
        Branch(Outcome(200, SRC), headers=(acao,), origin_tests=(OriginTest(matcher, True),)),
        Branch(Outcome(200, SRC), origin_tests=(OriginTest(matcher, False),)),
    ], https=True)


def test_apache_pattern_that_admits_null():
    loose = OriginMatcher(r"^(https://app\.example\.com|NULL)$", "pcre-search", ignore_case=True, source=SRC)
    [finding] = rule.check(PolicyModel(routes=[_apache_route(loose)]))
    assert finding.line == 2 and "matches the origin 'null'" in finding.message
    # case-sensitive: 'NULL' is not the 'null' browsers send
    strict = OriginMatcher(r"^(https://app\.example\.com|NULL)$", "pcre-search", ignore_case=False, source=SRC)
    assert list(rule.check(PolicyModel(routes=[_apache_route(strict)]))) == []


NULL_FIRST = r"""
map $http_origin $cors {
    default "";
    "~^(null|https://web\.shop\.test)$" $http_origin;
}
server {
    listen 443 ssl;
    server_name api.example.com;
    location /api/ {
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin $cors;
            add_header Access-Control-Allow-Methods "GET, POST, PUT";
            add_header Access-Control-Allow-Headers "Content-Type, Authorization";
            add_header Vary Origin;
            return 204;
        }
        add_header Access-Control-Allow-Origin $cors;
        add_header Vary Origin;
        proxy_pass http://backend;
    }
}
"""


def test_an_entry_that_admits_null_does_not_make_null_the_page(tmp_path):
    """#20, preflight phantoms: an allowlist entry that matches 'null' made
    'null' the route's page origin for the preflight model (page_origin,
    preflight_origins) while the value rules judged a stand-in origin. Both
    judge the origin the entry names; 'null' is CORS104's finding, once."""
    from corslint import memo
    from corslint.checks._origins import valid_page_origin
    from corslint.checks._preflight import preflight_origins
    from corslint.lint import lint
    from corslint.pipeline.build import build_model
    from corslint.scenarios import intended_origins, page_origin

    conf = tmp_path / "api.conf"
    conf.write_text(NULL_FIRST)
    with memo.run():
        model, _ = build_model([str(conf)])
        # (the request for /api, which nginx redirects to the location, is a route of its own)
        [route] = [r for r in model.routes if r.is_cors() and r.path == "/api/"]
        assert "null" not in intended_origins(route)
        assert page_origin(route) == valid_page_origin(route) == "https://web.shop.test"
        assert preflight_origins(route)[0] == "https://web.shop.test"
    findings = lint([str(conf)]).findings
    assert [f.code for f in findings if "null" in f.message] == [CODE]
    assert not [f for f in findings if f.chrome and "from origin 'null'" in f.chrome]
