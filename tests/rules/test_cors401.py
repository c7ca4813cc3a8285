"""CORS401: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS401/ and run in tests/test_fixtures.py."""

import pytest

from ruletools import FIXTURES, assert_fixture

CODE = "CORS401"


def test_finding_names_lost_headers_and_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "location_add_header.conf", CODE)
    assert finding.severity == "error"
    assert finding.message == (
        "Headers set here (add_header in location /downloads/) replace the inherited ones, so "
        "Access-Control-Allow-Origin, Access-Control-Allow-Credentials and Vary: Origin "
        "(lines 5, 6 and 7) are not sent on answers from this scope."
    )
    assert [r.line for r in finding.related] == [5, 6, 7]
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/downloads/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
        "requested resource."
    )
    assert "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing)" in finding.firefox


def test_included_snippet_is_named():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "included_snippet", CODE)
    assert "(lines 1 and 2 of cors.conf)" in finding.message
    assert all(r.file.endswith("snippets/cors.conf") for r in finding.related)


def test_lost_vary_alone_is_a_warning_without_browser_text():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "vary_lost.conf", CODE)
    assert finding.severity == "warning"
    assert finding.chrome is None


def test_static_file_answer_prints_status_200():
    # the location also answers other methods (405), but the texts describe
    # a page's GET of what the location serves: a 200 without the header
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "static_location.conf", CODE)
    assert finding.chrome.startswith("Access to fetch at 'http://api.example.com/static/' ")
    assert finding.firefox.endswith(
        "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.")


@pytest.mark.server
def test_real_nginx_gives_the_static_status_firefox_text_prints(tmp_path):
    from test_cors402 import real_nginx_static_answer   # one way of running nginx for both rules

    fixture = FIXTURES / "nginx" / CODE / "static_location.conf"
    [finding] = assert_fixture(fixture, CODE)
    status, acao = real_nginx_static_answer(fixture, tmp_path, ["static/index.html"],
                                            "http://api.example.com/static/")
    assert (status, acao) == (200, None)
