import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS105"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


def test_credentials_make_it_critical():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "reflect_with_credentials.conf", CODE)
    assert finding.severity == "critical"
    assert finding.message == (
        "Access-Control-Allow-Origin reflects the request's Origin unchecked, with credentials: "
        "any site, e.g. https://evil.example, can read authenticated responses."
    )
    # the browser allows it: no console error to quote
    assert finding.chrome is None and finding.firefox is None
    assert [r.line for r in finding.related] == [6]


def test_without_credentials_it_is_a_warning():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "map_default_reflects.conf", CODE)
    assert finding.severity == "warning"
    assert "default echoes every origin" in finding.message
    assert "as with '*'" in finding.message
    assert 3 in [r.line for r in finding.related]  # the map's default line
