"""CORS309: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS309/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS309"


def test_messages_and_severities():
    [units] = assert_fixture(FIXTURES / "nginx" / CODE / "nginx_time_units.conf", CODE)
    assert units.severity == "error"
    assert units.message.startswith("Access-Control-Max-Age '10m' is not a number")
    assert "5 seconds" in units.message
    # Silently capped: no browser prints anything.
    assert units.chrome is None and units.firefox is None

    [both] = assert_fixture(FIXTURES / "nginx" / CODE / "preflight_branch_twenty_days.conf", CODE)
    assert both.severity == "warning" and "capped by both browsers" in both.message

    [chrome] = assert_fixture(FIXTURES / "nginx" / CODE / "server_level_chrome_cap.conf", CODE)
    assert chrome.severity == "info" and "capped at 7200 s by Chrome" in chrome.message


def test_sent_twice_names_combined_value():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "included_twice", CODE)
    assert "'3600, 600'" in finding.message
    assert [s.file.endswith("snippets/preflight.conf") for s in finding.related] == [True]
