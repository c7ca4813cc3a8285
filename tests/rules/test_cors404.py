import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS404"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


def test_finding_carries_engine_texts_and_hides_the_password():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "return_userinfo.conf", CODE)
    assert finding.severity == "error"
    assert "s3cret" not in finding.message
    assert "(reports:***@files.example.com)" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/exports/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: Redirect location '' contains a username and password, "
        "which is disallowed for cross-origin requests."
    )
    assert "(Reason: CORS request did not succeed)" in finding.firefox


def test_user_name_alone_counts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "preflight_branch.conf", CODE)
    assert "carries a user name (mirror@legacy.example.com)" in finding.message
