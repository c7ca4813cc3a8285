import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS403"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


def test_scheme_change_with_unknown_host():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "http_to_https.conf", CODE)
    assert finding.severity == "warning"
    assert ("Location's host is the request's own ($host), but the scheme changes from http to https"
            in finding.message)
    assert "'Origin: null'" in finding.message
    # the 301 carries ACAO, so the browser follows it; the https answer then
    # meets 'Origin: null' (tainted by the cross-origin redirect) and fails
    assert "(redirected from 'http://api.example.com/')" in finding.chrome
    assert finding.chrome.endswith("that is not equal to the supplied origin. Have the server send "
                                   "the header with a valid value.")
    assert "does not match ‘https://app.example.com’" in finding.firefox


def test_redirect_without_acao_carries_engine_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "redirect_without_acao.conf", CODE)
    assert "https://v2.example.com" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/v1/' from origin 'https://app.example.com' has "
        "been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
        "requested resource."
    )
    assert finding.firefox.endswith(
        "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 307.")
