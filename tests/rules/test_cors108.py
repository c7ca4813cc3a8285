import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS108"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert any(n.endswith("_fp") for n in names) and any(not n.endswith("_fp") for n in names)


def test_cached_answer_for_another_allowed_origin():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "map_without_vary.conf", CODE)
    assert finding.severity == "warning"
    assert "depends on the request's Origin but the response lacks 'Vary: Origin'" in finding.message
    # the answer cached for one allowed origin, served to the other one
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://admin.example.com' "
        "has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value "
        "'https://app.example.com' that is not equal to the supplied origin. Have the server send "
        "the header with a valid value."
    )
    assert ("CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://app.example.com’"
            in finding.firefox)


def test_vary_missing_on_the_answers_without_acao():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "vary_only_when_allowed.conf", CODE)
    assert "requests without an Origin header lacks it" in finding.message
    assert "No 'Access-Control-Allow-Origin' header is present" in finding.chrome
    assert "CORS header ‘Access-Control-Allow-Origin’ missing" in finding.firefox
