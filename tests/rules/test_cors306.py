"""CORS306: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS306/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS306"


def test_authorization_missing_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "auth_without_authorization.conf", CODE)
    assert finding.severity == "error"
    assert "lacks Authorization" in finding.message and "auth_basic" in finding.message
    assert finding.chrome.endswith(
        "Request header field authorization is not allowed by Access-Control-Allow-Headers in "
        "preflight response.")
    assert ("header ‘authorization’ is not allowed according to header "
            "‘Access-Control-Allow-Headers’ from CORS preflight response") in finding.firefox


def test_wildcard_never_covers_authorization():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "wildcard_does_not_cover_authorization.conf", CODE)
    assert "'*' never covers Authorization" in finding.message


def test_json_content_type_is_only_a_warning():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "json_content_type_warning", CODE)
    assert finding.severity == "warning"
    assert "Content-Type" in finding.message
    assert "Request header field content-type is not allowed" in finding.chrome


def test_one_allow_headers_line_is_one_finding_naming_every_missing_header():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "two_headers_missing.conf", CODE)
    assert finding.severity == "error"
    assert finding.message == (
        "Access-Control-Allow-Headers on the preflight answer ('Content-Type') lacks Authorization "
        "and X-Api-Key (Authorization: the location uses auth_basic; X-Api-Key: the config reads "
        "the X-Api-Key request header).")
    assert finding.intent.headers == ("Authorization", "X-Api-Key")
    assert sorted(r.line for r in finding.related) == [12, 14]
    assert "Request header field authorization is not allowed" in finding.chrome
