import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS201"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert any(n.endswith("_fp") for n in names) and any(not n.endswith("_fp") for n in names)


def test_finding_carries_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "server_level.conf", CODE)
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in "
        "the response must not be the wildcard '*' when the request's credentials mode is 'include'."
    )
    assert "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’" in finding.firefox
