import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS304"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert sum(n.endswith("_fp") for n in names) >= 2
    assert sum(not n.endswith("_fp") for n in names) >= 2


def test_hidden_outer_acao_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "if_options_hides_outer.conf", CODE)
    assert "carries no Access-Control-Allow-Origin" in finding.message
    assert "add_header in if ($request_method = OPTIONS)" in finding.message
    assert [s.line for s in finding.related] == [5]
    assert finding.chrome == (
        "Access to fetch at 'http://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: Response to preflight request doesn't pass access "
        "control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    )
    assert "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 204." in finding.firefox


def test_finding_in_included_snippet_keeps_include_chain():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "included_preflight_snippet", CODE)
    assert finding.file.endswith("preflight.conf")
    assert finding.source.via and finding.source.via[-1].file.endswith("site.conf")
