"""CORS304: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS304/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS304"


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


def test_apache_preflight_answered_by_mod_rewrite_lacks_the_onsuccess_origin():
    [finding] = assert_fixture(FIXTURES / "apache" / CODE / "onsuccess_origin.conf", CODE)
    assert "(204)" in finding.message and "only 'Header always' headers reach" in finding.message
    assert finding.chrome.endswith(
        "Response to preflight request doesn't pass access control check: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource.")
