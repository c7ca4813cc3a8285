"""CORS103: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS103/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS103"


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


def test_upstream_duplicate_is_a_condition_said_once_at_info():
    # Whether the app behind proxy_pass sends its own copy is not in the
    # config: a condition, with no browser text (none is certain).
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "proxy_without_hide.conf", CODE)
    assert finding.severity == "info"
    assert "if the upstream application also sends Access-Control-Allow-Origin" in finding.message
    assert finding.chrome is None and finding.firefox is None


def test_one_server_level_directive_in_front_of_many_proxies_is_one_finding(tmp_path):
    from corslint.lint import lint

    locations = "".join(f"    location /api{i}/ {{ proxy_pass http://127.0.0.1:{8000 + i}; }}\n"
                        for i in range(30))
    (tmp_path / "nginx.conf").write_text(
        "server {\n    listen 80;\n"
        "    add_header Access-Control-Allow-Origin \"https://app.example.com\" always;\n"
        + locations + "}\n")
    findings = [f for f in lint([str(tmp_path / "nginx.conf")]).findings if f.code == CODE]
    assert len(findings) == 1 and findings[0].line == 3
    assert len(findings[0].related) == 30  # every proxy_pass behind it


def test_duplicate_from_an_included_snippet_names_the_other_file():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "snippet_and_location", CODE)
    assert "snippets/cors.conf:1" in finding.message
    assert any(s.file.endswith("snippets/cors.conf") for s in finding.related)


def test_apache_duplicate_from_both_tables_names_the_browser_error():
    [finding] = assert_fixture(FIXTURES / "apache" / CODE / "server_and_location_tables.conf", CODE)
    assert finding.line == 10 and finding.severity == "error"
    assert "(line 5)" in finding.message
    assert finding.chrome.endswith(
        "The 'Access-Control-Allow-Origin' header contains multiple values "
        "'https://app.example.com, https://app.example.com', but only one is allowed. "
        "Have the server send the header with a valid value.")
