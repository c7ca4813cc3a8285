"""CORS201: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS201/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS201"


def test_finding_carries_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "server_level.conf", CODE)
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in "
        "the response must not be the wildcard '*' when the request's credentials mode is 'include'."
    )
    assert "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’" in finding.firefox
