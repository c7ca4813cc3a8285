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
