"""CORS105: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS105/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS105"


def test_credentials_make_it_critical():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "reflect_with_credentials.conf", CODE)
    assert finding.severity == "critical"
    assert finding.message == (
        "Access-Control-Allow-Origin reflects the request's Origin unchecked, with credentials: "
        "any site, e.g. https://evil.example, can read authenticated responses."
    )
    # the browser allows it: no console error to quote
    assert finding.chrome is None and finding.firefox is None
    assert [r.line for r in finding.related] == [6]


def test_without_credentials_it_is_a_warning():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "map_default_reflects.conf", CODE)
    assert finding.severity == "warning"
    assert "default echoes every origin" in finding.message
    assert "as with '*'" in finding.message
    assert 3 in [r.line for r in finding.related]  # the map's default line
