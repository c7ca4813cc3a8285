"""CORS204: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS204/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS204"


def test_preflight_missing_it_fails_the_preflight():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "preflight_lacks.conf", CODE)
    assert finding.severity == "error"
    assert "not with this Access-Control-Allow-Origin on the preflight (OPTIONS) answer" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: Response to preflight request doesn't pass access "
        "control check: The value of the 'Access-Control-Allow-Credentials' header in the "
        "response is '' which must be 'true' when the request's credentials mode is 'include'."
    )
    assert "(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)" in finding.firefox
    assert [s.line for s in finding.related] == [13]


def test_upstream_answer_is_a_warning_unless_hidden():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "actual_lacks_upstream.conf", CODE)
    by_line = {f.line: f for f in findings}
    assert by_line[14].severity == "warning"
    assert "unless the application adds it" in by_line[14].message
    assert by_line[26].severity == "error"
    assert "is '' which must be 'true'" in by_line[26].chrome
