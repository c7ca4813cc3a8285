"""CORS303: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS303/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS303"

from corslint.checks import load
from corslint.model import Branch, HeaderEmission, Outcome, PolicyModel, Route, Source, Value


def test_return_301_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "return_301_location.conf", CODE)
    assert finding.severity == "error"
    assert "redirected (return 301 https://api.example.com/v2/)" in finding.message
    assert finding.chrome.endswith("Response to preflight request doesn't pass access control "
                                   "check: Redirect is not allowed for a preflight request.")
    # the 301 carries ACAO: Firefox names the redirect itself
    assert finding.firefox.endswith("(Reason: CORS request external redirect not allowed).")


def test_opaque_redirect_is_a_warning_with_its_condition():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "scheme_redirect_in_if.conf", CODE)
    assert finding.severity == "warning"
    assert "when $scheme = http" in finding.message


def test_bare_redirect_firefox_reports_missing_acao():
    # A 3xx without CORS headers: Chrome still says "Redirect is not allowed",
    # Firefox complains about the missing ACAO instead.
    src = Source("hand.conf", 1)
    acao = HeaderEmission("Access-Control-Allow-Origin", Value.literal("https://app.example.com"),
                          Source("hand.conf", 2), always=True)
    acam = HeaderEmission("Access-Control-Allow-Methods", Value.literal("GET, PUT"),
                          Source("hand.conf", 3), always=True)
    route = Route(name="api", source=src, path="/api/", branches=[
        Branch(Outcome(301, Source("hand.conf", 4), location=Value.literal("https://api.example.com/api/"),
                       reason="return 301"), methods=frozenset({"OPTIONS"})),
        Branch(Outcome(None, Source("hand.conf", 5), delegate="upstream"), headers=(acao, acam),
               methods=frozenset({"GET", "PUT"})),
    ])
    [finding] = list(load(CODE).check(PolicyModel(routes=[route])))
    assert finding.line == 4
    assert "Redirect is not allowed for a preflight request." in finding.chrome
    assert "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 301." in finding.firefox
