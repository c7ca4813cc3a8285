import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS308"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


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
