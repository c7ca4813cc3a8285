import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS104"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert any(n.endswith("_fp") for n in names) and any(not n.endswith("_fp") for n in names)


def test_security_finding_has_no_browser_text():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "map_default_null.conf", CODE)
    assert finding.severity == "warning"
    assert "answers Access-Control-Allow-Origin 'null' to origins it does not list" in finding.message
    assert "sandboxed iframes" in finding.message
    assert finding.chrome is None and finding.firefox is None


def test_credentials_make_it_an_error():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "null_entry_with_credentials.conf", CODE)
    assert finding.severity == "error"
    assert "Origin allowlist entry 'null'" in finding.message
    assert "Access-Control-Allow-Credentials: true" in finding.message
