import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS103"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert any(n.endswith("_fp") for n in names) and any(not n.endswith("_fp") for n in names)


def test_definite_duplicate_is_an_error_with_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "server_level_twice.conf", CODE)
    assert finding.severity == "error"
    assert "Access-Control-Allow-Origin '*' is added to answers that already carry" in finding.message
    assert "(line 5)" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'http://api.example.com/' from origin 'https://app.example.com' has been "
        "blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains multiple values "
        "'https://app.example.com, *', but only one is allowed. Have the server send the header with "
        "a valid value."
    )
    assert "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed" in finding.firefox


def test_upstream_duplicate_is_only_a_warning():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "proxy_without_hide.conf", CODE)
    assert finding.severity == "warning"
    assert "if the upstream also sends it" in finding.message
    assert "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed" in finding.firefox


def test_duplicate_from_an_included_snippet_names_the_other_file():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "snippet_and_location", CODE)
    assert "snippets/cors.conf:1" in finding.message
    assert any(s.file.endswith("snippets/cors.conf") for s in finding.related)
