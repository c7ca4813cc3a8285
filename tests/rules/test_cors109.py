"""CORS109: what tests/test_fixtures.py cannot say about its fixtures (messages,
levels, browser texts, the spelling match). The fixtures, for every frontend,
are tests/fixtures/<frontend>/CORS109/ and run in tests/test_fixtures.py."""

import pytest

from corslint.checks.cors109_misspelled_cors_name import MAX_EDITS, edits, meant_name
from corslint.lint import lint
from ruletools import FIXTURES, assert_fixture

CODE = "CORS109"


@pytest.mark.parametrize("written, meant", [
    ("Access-Control-Allow_Credentials", "Access-Control-Allow-Credentials"),
    ("Access-Control-Allow-Origins", "Access-Control-Allow-Origin"),
    ("Acces-Control-Allow-Origin", "Access-Control-Allow-Origin"),
    ("Access-Control-Allow-Credentails", "Access-Control-Allow-Credentials"),   # a swapped pair
    ("access_control_allow_headers", "Access-Control-Allow-Headers"),
    ("Access-Control-Expose-Header", "Access-Control-Expose-Headers"),
    ("Access-Control-Request-Method", "Access-Control-Allow-Methods"),
])
def test_names_a_browser_ignores_and_the_one_meant(written, meant):
    assert meant_name(written) == meant


@pytest.mark.parametrize("name", [
    "Access-Control-Allow-Origin", "ACCESS-CONTROL-ALLOW-ORIGIN", "Access-Control-Max-Age",
    "Access-Control-Allow-Private-Network", "Timing-Allow-Origin", "Cross-Origin-Resource-Policy",
    "Vary", "X-Frame-Options", "Access-Control-Custom-Thing",
])
def test_real_names_and_far_ones_are_left_alone(name):
    assert meant_name(name) is None


def test_a_name_equally_close_to_two_is_not_guessed():
    assert meant_name("cors_a", ("cors_b", "cors_c"), case_sensitive=True) is None


def test_the_closest_name_wins():
    known = ("expose_headers", "allow_headers")
    assert meant_name("expose_header", known, case_sensitive=True) == "expose_headers"


def test_option_names_keep_their_case_and_underscores():
    known = ("supports_credentials", "origins")
    assert meant_name("support_credentials", known, case_sensitive=True) == "supports_credentials"
    assert meant_name("Origins", known, case_sensitive=True) == "origins"
    assert meant_name("origins", known, case_sensitive=True) is None


def test_edit_distance_counts_a_swap_as_one_and_stops_past_the_limit():
    assert edits("credentials", "credentails") == 1
    assert edits("origin", "origins") == 1
    assert edits("a" * 40, "b" * 40) == MAX_EDITS + 1


def test_misspelt_credentials_carry_the_credentialed_request_texts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "underscore_credentials.conf", CODE)
    assert finding.severity == "error"
    assert "'Access-Control-Allow_Credentials' is not a CORS header" in finding.message
    assert "Access-Control-Allow-Credentials" in finding.message
    assert finding.chrome.endswith("The value of the 'Access-Control-Allow-Credentials' header in the "
                                   "response is '' which must be 'true' when the request's credentials "
                                   "mode is 'include'.")
    assert "(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)" in finding.firefox
    assert finding.fix == ("Write 'Access-Control-Allow-Credentials' where the config says "
                           "'Access-Control-Allow_Credentials'.")


def test_preflight_names_carry_the_preflight_texts_of_the_values_listed():
    findings = assert_fixture(FIXTURES / "nginx" / CODE / "request_header_in_preflight.conf", CODE)
    method, header = sorted(findings, key=lambda f: f.line)
    assert "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response." in method.chrome
    assert "is a request header, which browsers ignore in a response" in header.message
    assert "Request header field authorization is not allowed by Access-Control-Allow-Headers" \
        in header.chrome


def test_a_misspelt_twin_of_a_header_sent_anyway_is_info(tmp_path):
    conf = tmp_path / "twin.conf"
    conf.write_text("server {\n    location /api/ {\n"
                    "        add_header Access-Control-Allow-Origin * always;\n"
                    "        add_header Access-Control-Allow-Origins * always;\n"
                    "    }\n}\n")
    [finding] = lint([str(conf)], codes=[CODE]).findings
    assert (finding.line, finding.severity, finding.chrome) == (4, "info", None)
    assert finding.fix.startswith("Remove 'Access-Control-Allow-Origins'")


def test_expose_headers_is_a_warning_without_browser_text(tmp_path):
    conf = tmp_path / "expose.conf"
    conf.write_text("server {\n    location /api/ {\n"
                    "        add_header Access-Control-Allow-Origin * always;\n"
                    "        add_header Access-Control-Expose-Header X-Total always;\n"
                    "    }\n}\n")
    [finding] = lint([str(conf)], codes=[CODE]).findings
    assert (finding.severity, finding.chrome, finding.firefox) == ("warning", None, None)
