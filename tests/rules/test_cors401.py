import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS401"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


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
