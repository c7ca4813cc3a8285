"""CORS101: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS101/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS101"


def test_trailing_slash_names_the_meant_origin_and_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "trailing_slash_location.conf", CODE)
    assert finding.severity == "error"
    assert "'https://app.example.com/' has a trailing slash" in finding.message
    assert "https://app.example.com is refused" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value "
        "'https://app.example.com/' that is not equal to the supplied origin. Have the server send "
        "the header with a valid value."
    )
    assert ("CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://app.example.com/’"
            in finding.firefox)


def test_value_without_scheme_is_invalid_to_chrome():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "server_level_and_if.conf", CODE)
    [bare] = [f for f in findings if "'app.example.com'" in f.message]
    assert "has no scheme" in bare.message
    assert "contains the invalid value 'app.example.com'" in bare.chrome


def test_map_entries_are_reported_where_written():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "map_values.conf", CODE)
    messages = " | ".join(f.message for f in findings)
    assert "Origin allowlist entry 'https://app.example.com/'" in messages
    assert "has an uppercase host" in messages
    assert "names the default port 443 explicitly" in messages
    [entry] = [f for f in findings if "allowlist entry" in f.message]
    # the entry never matches, so the meant origin gets no header at all
    assert "No 'Access-Control-Allow-Origin' header is present" in entry.chrome
