"""CORS202: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS202/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS202"


def test_wrong_case_carries_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "wrong_case_location.conf", CODE)
    assert finding.severity == "error"
    assert "'True'" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: The value of the 'Access-Control-Allow-Credentials' "
        "header in the response is 'True' which must be 'true' when the request's credentials "
        "mode is 'include'."
    )
    assert "(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)" in finding.firefox


def test_preflight_branch_uses_preflight_text():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "preflight_branch_one.conf", CODE)
    assert "Response to preflight request doesn't pass access control check: The value of the "\
           "'Access-Control-Allow-Credentials' header in the response is '1'" in finding.chrome


def test_sent_twice_names_combined_value():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "included_twice", CODE)
    assert "'true, true'" in finding.message
    assert "is 'true, true' which must be 'true'" in finding.chrome
    assert any(s.file.endswith("snippets/cors.conf") for s in finding.related)


def test_literal_false_is_a_warning_without_browser_text():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "literal_false.conf", CODE)
    assert finding.severity == "warning"
    assert "send no header instead" in finding.message
    assert finding.chrome is None and finding.firefox is None
