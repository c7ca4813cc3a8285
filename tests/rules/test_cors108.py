"""CORS108: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS108/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS108"


def test_cached_answer_for_another_allowed_origin():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "map_without_vary.conf", CODE)
    assert finding.severity == "warning"
    assert "depends on the request's Origin but the response lacks 'Vary: Origin'" in finding.message
    # the answer cached for one allowed origin, served to the other one
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://admin.example.com' "
        "has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value "
        "'https://app.example.com' that is not equal to the supplied origin. Have the server send "
        "the header with a valid value."
    )
    assert ("CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://app.example.com’"
            in finding.firefox)


def test_vary_missing_on_the_answers_without_acao():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "vary_only_when_allowed.conf", CODE)
    assert "requests without an Origin header lacks it" in finding.message
    assert "No 'Access-Control-Allow-Origin' header is present" in finding.chrome
    assert "CORS header ‘Access-Control-Allow-Origin’ missing" in finding.firefox
