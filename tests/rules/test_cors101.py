"""CORS101: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS101/ and run in tests/test_fixtures.py."""

import pytest

from ruletools import FIXTURES, assert_fixture

CODE = "CORS101"


def test_trailing_slash_names_the_meant_origin_and_browser_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "trailing_slash_location.conf", CODE)
    assert finding.severity == "error"
    assert "'https://app.example.com/' has a trailing slash" in finding.message
    assert "https://app.example.com is refused" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value "
        "'https://app.example.com/' that is not equal to the supplied origin. Have the server send "
        "the header with a valid value."
    )
    assert ("CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://app.example.com/’"
            in finding.firefox)


def test_value_without_scheme_is_invalid_to_chrome():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "server_level_and_if.conf", CODE)
    [bare] = [f for f in findings if "'app.example.com'" in f.message]
    assert "has no scheme" in bare.message
    assert "contains the invalid value 'app.example.com'" in bare.chrome


def test_map_entries_are_reported_where_written():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "map_values.conf", CODE)
    messages = " | ".join(f.message for f in findings)
    assert "Origin allowlist entry 'https://app.example.com/'" in messages
    assert "has an uppercase host" in messages
    assert "names the default port 443 explicitly" in messages
    [entry] = [f for f in findings if "allowlist entry" in f.message]
    # the entry never matches, so the meant origin gets no header at all
    assert "No 'Access-Control-Allow-Origin' header is present" in entry.chrome


def test_pattern_that_wants_a_slash_is_one_finding_at_the_entry():
    """#20 pattern 6: the map's regex wants a '/' after the host, so it
    matches no origin; the route's answer shows the meant origin refused."""
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "pattern_wants_a_slash.conf", CODE)
    assert finding.severity == "error"
    assert finding.message == (
        "Origin pattern '^https://app\\.example\\.com/' matches no origin at all: it wants '/' after "
        "the host, which an Origin header never has, so a page on https://app.example.com, which it "
        "evidently means, is refused.")
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
        "requested resource.")


def test_gate_pattern_is_judged_alone_and_nothing_else_claims_an_origin():
    path = FIXTURES / "nginx" / CODE / "gate_pattern_wants_a_path.conf"
    [finding] = assert_fixture(path, CODE)
    assert finding.severity == "warning" and finding.chrome is None
    assert "wants '/api' after the host" in finding.message
    assert "it evidently means https://example.com" in finding.message
    # the same root cause is not also an "admits http://example.com" (CORS107)
    # or an attacker origin (CORS106) read from a 'fixed' pattern
    from corslint.lint import lint

    assert [f.code for f in lint([str(path)]).findings] == [CODE]


def test_every_frontend_reports_its_dead_pattern_at_the_entry():
    for frontend, name in (("apache", "setenvif_pattern_wants_a_slash.conf"),
                           ("django", "regex_wants_a_slash.py"), ("flask", "regex_wants_a_slash.py"),
                           ("starlette", "regex_wants_a_path.py"), ("express", "regex_wants_a_slash.js")):
        [finding] = assert_fixture(FIXTURES / frontend / CODE / name, CODE)
        assert finding.severity == "error", (frontend, finding.message)
        assert "matches no origin at all: it wants '/" in finding.message
        assert "No 'Access-Control-Allow-Origin' header is present" in finding.chrome


def test_uppercase_host_in_a_case_sensitive_pattern_says_what_it_accepts(tmp_path):
    from corslint.lint import lint

    conf = tmp_path / "gate.conf"
    conf.write_text('if ($http_origin ~ "^https://App\\.example\\.com$") {\n    set $cors "on";\n}\n')
    [finding] = lint([str(conf)]).findings
    assert finding.code == CODE and finding.severity == "warning"
    assert ("what it accepts, like 'https://App.example.com', has an uppercase host, and no browser "
            "sends that as its Origin") in finding.message
    assert "it evidently means https://app.example.com" in finding.message
    # the same pattern under '~*' admits the origin: nothing to say
    conf.write_text('if ($http_origin ~* "^https://App\\.example\\.com$") {\n    set $cors "on";\n}\n')
    assert not [f for f in lint([str(conf)]).findings if f.code == CODE]


def test_star_map_key_is_no_wildcard():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "star_map_key.conf", CODE)
    assert finding.severity == "error"
    assert finding.message == (
        "Origin allowlist entry '*' is no wildcard in this list: each Origin is compared with it as "
        "an origin and no Origin a browser sends fits it, so a page on https://www.example.org is "
        "refused, though every origin was evidently meant.")
    # the site the entry was meant for, not the one the list names itself
    assert "from origin 'https://www.example.org'" in finding.chrome
    assert finding.firefox.endswith("(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). "
                                    "Status code: 200.")


@pytest.mark.server
def test_real_nginx_map_key_star_fits_only_the_text_star(tmp_path):
    from test_cors402 import real_nginx_static_answer   # one way of running nginx for the rules

    fixture = FIXTURES / "nginx" / CODE / "star_map_key.conf"
    got = {origin: real_nginx_static_answer(fixture, tmp_path / str(n), [], "http://api.example.com/api/",
                                            origin=origin)
           for n, origin in enumerate(["https://www.example.org", "null", "*"])}
    assert got == {"https://www.example.org": (200, None), "null": (200, None), "*": (200, "*")}
