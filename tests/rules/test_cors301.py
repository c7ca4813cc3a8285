import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS301"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


def test_static_files_405_names_status_and_cause():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "static_files.conf", CODE)
    assert "405" in finding.message and "static files answer OPTIONS with 405" in finding.message
    assert finding.severity == "error"
    assert finding.chrome == (
        "Access to fetch at 'http://api.example.com/data/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: Response to preflight request doesn't pass access "
        "control check: It does not have HTTP ok status."
    )
    assert "(Reason: CORS preflight response did not succeed). Status code: 405." in finding.firefox


def test_error_answer_without_acao_reports_missing_header():
    # add_header without `always`: the 405 carries no ACAO, and Chrome says so first.
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "snippet_without_always", CODE)
    assert finding.chrome.endswith(
        "Response to preflight request doesn't pass access control check: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 405." in finding.firefox


def test_limit_except_denial_names_403():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "limit_except_deny.conf", CODE)
    assert "answered 403" in finding.message and "limit_except GET POST PUT denies OPTIONS" in finding.message
