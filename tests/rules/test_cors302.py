"""CORS302: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS302/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS302"


def test_auth_basic_finding_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "auth_basic_location.conf", CODE)
    assert finding.message.startswith("auth_basic also applies to OPTIONS")
    assert "401" in finding.message
    assert finding.chrome.endswith("Response to preflight request doesn't pass access control "
                                   "check: It does not have HTTP ok status.")
    assert "CORS preflight response did not succeed). Status code: 401." in finding.firefox


def test_401_without_always_lacks_acao():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "auth_request_server_level.conf", CODE)
    assert "auth_request" in finding.message
    assert "No 'Access-Control-Allow-Origin' header is present" in finding.chrome


def test_apache_auth_on_preflight_points_at_require():
    [finding] = assert_fixture(FIXTURES / "apache" / CODE / "limit_includes_options.conf", CODE)
    assert finding.message.startswith("AuthType Basic with Require valid-user also applies to OPTIONS")
    assert finding.firefox.endswith("Status code: 401.")
