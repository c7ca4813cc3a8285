"""CORS102: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS102/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS102"


def test_finding_carries_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "space_separated_location.conf", CODE)
    assert finding.severity == "error"
    assert "'https://app.example.com https://admin.example.com' lists 2 origins" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'http://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains multiple "
        "values 'https://app.example.com https://admin.example.com', but only one is allowed. Have the "
        "server send the header with a valid value."
    )
    assert ("CORS header ‘Access-Control-Allow-Origin’ does not match "
            "‘https://app.example.com https://admin.example.com’") in finding.firefox


def test_reflection_mixed_with_a_literal_is_named_as_written():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "server_level_in_if.conf", CODE)
    assert any("'<request Origin> https://b.example.com'" in f.message for f in findings)
