import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS302"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


def test_auth_basic_finding_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "auth_basic_location.conf", CODE)
    assert finding.message.startswith("auth_basic also applies to OPTIONS")
    assert "401" in finding.message
    assert finding.chrome.endswith("Response to preflight request doesn't pass access control "
                                   "check: It does not have HTTP ok status.")
    assert "CORS preflight response did not succeed). Status code: 401." in finding.firefox


def test_401_without_always_lacks_acao():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "auth_request_server_level.conf", CODE)
    assert "auth_request" in finding.message
    assert "No 'Access-Control-Allow-Origin' header is present" in finding.chrome
