import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS203"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


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
