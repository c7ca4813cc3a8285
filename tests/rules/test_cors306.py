import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS306"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


def test_authorization_missing_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "auth_without_authorization.conf", CODE)
    assert finding.severity == "error"
    assert "lacks Authorization" in finding.message and "auth_basic" in finding.message
    assert finding.chrome.endswith(
        "Request header field authorization is not allowed by Access-Control-Allow-Headers in "
        "preflight response.")
    assert ("header ‘authorization’ is not allowed according to header "
            "‘Access-Control-Allow-Headers’ from CORS preflight response") in finding.firefox


def test_wildcard_never_covers_authorization():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "wildcard_does_not_cover_authorization.conf", CODE)
    assert "'*' never covers Authorization" in finding.message


def test_json_content_type_is_only_a_warning():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "json_content_type_warning", CODE)
    assert finding.severity == "warning"
    assert "Content-Type" in finding.message
    assert "Request header field content-type is not allowed" in finding.chrome
