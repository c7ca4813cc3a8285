"""CORS203: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS203/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS203"


def test_preflight_branch_texts():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "preflight_branch.conf", CODE)
    methods, headers, expose = sorted(findings, key=lambda f: f.line)
    assert methods.message.startswith("Access-Control-Allow-Methods contains '*'")
    assert "PUT, PATCH and DELETE" in methods.message
    assert methods.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: Method PUT is not allowed by "
        "Access-Control-Allow-Methods in preflight response."
    )
    assert "(Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’)" in methods.firefox
    assert headers.chrome.endswith(
        "Request header field content-type is not allowed by Access-Control-Allow-Headers in "
        "preflight response.")
    assert "header ‘content-type’ is not allowed according to header ‘Access-Control-Allow-Headers’" \
        in headers.firefox
    # Expose-Headers '*' blocks nothing visibly: a warning without browser text.
    assert expose.severity == "warning" and expose.chrome is None
