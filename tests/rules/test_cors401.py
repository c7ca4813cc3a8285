"""CORS401: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS401/ and run in tests/test_fixtures.py."""

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
