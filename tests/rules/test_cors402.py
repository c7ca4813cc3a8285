import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS402"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


def test_upstream_error_hidden_behind_cors_error():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "proxy_no_always.conf", CODE)
    acao = next(f for f in findings if f.line == 5)
    assert acao.message == (
        "Access-Control-Allow-Origin is sent only with success statuses (no 'always'), so the "
        "browser reports upstream errors as CORS errors and the page never sees the real status."
    )
    assert acao.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on "
        "the requested resource."
    )
    assert acao.firefox.endswith(
        "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 500.")


def test_auth_answer_is_named_with_its_status():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "auth_basic.conf", CODE)
    assert "401s from auth_basic" in finding.message
    assert finding.firefox.endswith("Status code: 401.")
    assert 6 in [r.line for r in finding.related]  # the auth_basic line
