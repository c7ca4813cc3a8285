import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS107"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert any(n.endswith("_fp") for n in names) and any(not n.endswith("_fp") for n in names)


def test_messages_name_the_insecure_origin():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "map_entries.conf", CODE)
    assert all(f.severity == "warning" for f in findings)
    assert all(f.chrome is None and f.firefox is None for f in findings)
    [pattern] = [f for f in findings if "pattern" in f.message]
    assert ("'^https?://admin\\.example\\.com$' also admits the plain-HTTP origin "
            "http://admin.example.com") in pattern.message
    assert "HTTPS service" in pattern.message
    assert not any("localhost" in f.message for f in findings)
