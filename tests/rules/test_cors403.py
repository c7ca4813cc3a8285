"""CORS403: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS403/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS403"


def test_scheme_change_with_unknown_host():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "http_to_https.conf", CODE)
    assert finding.severity == "warning"
    assert ("Location's host is the request's own ($host), but the scheme changes from http to https"
            in finding.message)
    assert "'Origin: null'" in finding.message
    # the 301 carries ACAO, so the browser follows it; the https answer then
    # meets 'Origin: null' (tainted by the cross-origin redirect) and fails
    assert "(redirected from 'http://api.example.com/')" in finding.chrome
    assert finding.chrome.endswith("that is not equal to the supplied origin. Have the server send "
                                   "the header with a valid value.")
    assert "does not match ‘https://app.example.com’" in finding.firefox


def test_redirect_without_acao_carries_engine_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "redirect_without_acao.conf", CODE)
    assert "https://v2.example.com" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/v1/' from origin 'https://app.example.com' has "
        "been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
        "requested resource."
    )
    assert finding.firefox.endswith(
        "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 307.")
