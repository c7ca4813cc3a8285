"""CORS307: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS307/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS307"


def test_invalid_token_carries_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "preflight_branch_space.conf", CODE)
    assert finding.severity == "error"
    assert "'GET POST PUT DELETE'" in finding.message and "use commas" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'http://api.example.com/' from origin 'https://app.example.com' has "
        "been blocked by CORS policy: Cannot parse Access-Control-Allow-Methods response header "
        "field in preflight response."
    )
    assert ("(Reason: invalid token ‘GET POST PUT DELETE’ in CORS header "
            "‘Access-Control-Allow-Methods’)") in finding.firefox


def test_firefox_names_the_half_quoted_entry():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "server_level_quotes.conf", CODE)
    assert "the quotes are part of the value" in finding.message
    assert "invalid token ‘\"GET’ in CORS header ‘Access-Control-Allow-Methods’" in finding.firefox


def test_case_and_typo_severities():
    by_line = {f.line: f for f in assert_fixture(FIXTURES / "nginx" / CODE / "wrong_case.conf", CODE)}
    assert by_line[7].severity == "warning"
    assert "Method PATCH is not allowed by Access-Control-Allow-Methods" in by_line[7].chrome
    assert by_line[12].severity == "error"
    [typo] = assert_fixture(FIXTURES / "nginx" / CODE / "typo_option.conf", CODE)
    assert typo.severity == "info" and "did you mean OPTIONS?" in typo.message
