"""CORS301: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS301/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS301"


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
