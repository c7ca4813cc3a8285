"""CORS402: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS402/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS402"


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


def test_apache_onsuccess_headers_on_static_404():
    [finding] = assert_fixture(FIXTURES / "apache" / CODE / "htaccess_static", CODE)
    assert "404s for missing files" in finding.message
    assert finding.firefox.endswith("(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.")
