"""CORS308: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS308/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS308"


def test_invalid_allow_headers_carries_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "semicolons_preflight_branch.conf", CODE)
    assert finding.severity == "error"
    assert "'Content-Type; Authorization'" in finding.message and "semicolons" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'http://api.example.com/api/' from origin 'https://app.example.com' has "
        "been blocked by CORS policy: Cannot parse Access-Control-Allow-Headers response header "
        "field in preflight response."
    )
    assert finding.firefox.endswith("(Reason: invalid token ‘Content-Type; Authorization’ in CORS "
                                    "header ‘Access-Control-Allow-Headers’).")


def test_glued_allow_headers_and_quoted_expose_headers():
    allow, expose = sorted(assert_fixture(FIXTURES / "nginx" / CODE / "expose_quotes.conf", CODE),
                           key=lambda f: f.line)
    assert allow.severity == "error"
    assert "'Content-Type|Authorization' is one header name" in allow.message
    assert allow.chrome.endswith("Request header field content-type is not allowed by "
                                 "Access-Control-Allow-Headers in preflight response.")
    assert expose.severity == "warning" and expose.chrome is None
    assert expose.message.startswith("Access-Control-Expose-Headers")
