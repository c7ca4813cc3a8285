"""CORS107: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS107/ and run in tests/test_fixtures.py."""

from corslint.checks import cors107_insecure_origin_trusted as rule
from corslint.model import Branch, HeaderEmission, OriginMatcher, OriginTest, Outcome, PolicyModel, Route, Source, Value
from ruletools import FIXTURES, assert_fixture

CODE = "CORS107"


def test_messages_name_the_insecure_origin():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "map_entries.conf", CODE)
    assert all(f.severity == "warning" for f in findings)
    assert all(f.chrome is None and f.firefox is None for f in findings)
    [pattern] = [f for f in findings if "pattern" in f.message]
    assert ("'^https?://admin\\.example\\.com$' also admits the plain-HTTP origin "
            "http://admin.example.com") in pattern.message
    assert "HTTPS service" in pattern.message
    assert not any("localhost" in f.message for f in findings)


def test_open_scheme_admits_http():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "open_scheme.conf", CODE)
    assert "also admits the plain-HTTP origin http://app.example.com" in finding.message


def test_unknown_scheme_needs_the_https_twin():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "snippet_https_twin.conf", CODE)
    assert "the allowlist also trusts https://app.example.com" in finding.message
    assert finding.severity == "warning"


def test_gate_on_an_https_service_is_judged_on_the_pattern():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "gate_on_https_service.conf", CODE)
    assert finding.severity == "info"
    assert "admits the plain-HTTP origin http://app.example.com on an HTTPS service" in finding.message


def test_framework_twins():
    for frontend, name in (("django", "https_twin_regex.py"), ("flask", "twin_entries.py"),
                           ("starlette", "regex_twin.py"), ("express", "regexp_twin.js")):
        [finding] = assert_fixture(FIXTURES / frontend / CODE / name, CODE)
        assert "http://app.example.com" in finding.message, frontend
        assert "https://app.example.com" in finding.message, frontend


SRC = Source("httpd.conf", 2, 1)


def _apache_route(matcher: OriginMatcher, https: bool | None) -> Route:
    acao = HeaderEmission("Access-Control-Allow-Origin", Value.origin(), Source("httpd.conf", 3, 1),
                          always=True)
    return Route("vhost", SRC, [
        Branch(Outcome(200, SRC), headers=(acao,), origin_tests=(OriginTest(matcher, True),)),
        Branch(Outcome(200, SRC), origin_tests=(OriginTest(matcher, False),)),
    ], https=https)


def test_apache_vhost_scheme_decides():
    http_only = OriginMatcher(r"^http://app\.example\.com$", "pcre-search", True, SRC)
    # an https vhost trusting a plain-HTTP page
    [finding] = rule.check(PolicyModel(routes=[_apache_route(http_only, True)]))
    assert "http://app.example.com on an HTTPS service" in finding.message
    # a plain-HTTP vhost, or one whose scheme is unknown with no https twin: nothing to say
    assert list(rule.check(PolicyModel(routes=[_apache_route(http_only, False)]))) == []
    assert list(rule.check(PolicyModel(routes=[_apache_route(http_only, None)]))) == []
