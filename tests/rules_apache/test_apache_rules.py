"""The catalogue's rules on Apache configs: every fixture under
tests/fixtures/apache/<CODE>/ reports its code exactly on the lines marked
``# expect-next: CODE`` (httpd has no comments after a directive), and the
``_fp`` fixtures report nothing. The checks do not know they read Apache."""

from __future__ import annotations

import pytest

from corslint.checks import REGISTRY
from ruletools import FIXTURES, assert_fixture, fixtures

CASES = [pytest.param(code, path, id=f"{code}/{path.name}")
         for code in REGISTRY for path in fixtures(code, frontend="apache")]


@pytest.mark.parametrize("code,path", CASES)
def test_fixture(code, path):
    assert_fixture(path, code)


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_code_has_positive_and_must_not_fire_fixtures(code):
    names = [p.stem for p in fixtures(code, frontend="apache")]
    assert any(n.endswith("_fp") for n in names), f"no must-not-fire Apache fixture for {code}"
    assert any(not n.endswith("_fp") for n in names), f"no positive Apache fixture for {code}"


def test_duplicate_from_both_tables_names_the_browser_error():
    [finding] = assert_fixture(FIXTURES / "apache" / "CORS103" / "server_and_location_tables.conf", "CORS103")
    assert finding.line == 10 and finding.severity == "error"
    assert "(line 5)" in finding.message
    assert finding.chrome.endswith(
        "The 'Access-Control-Allow-Origin' header contains multiple values "
        "'https://app.example.com, https://app.example.com', but only one is allowed. "
        "Have the server send the header with a valid value.")


def test_preflight_answered_by_mod_rewrite_lacks_the_onsuccess_origin():
    path = FIXTURES / "apache" / "CORS304" / "onsuccess_origin.conf"
    [finding] = assert_fixture(path, "CORS304")
    assert "(204)" in finding.message and "only 'Header always' headers reach" in finding.message
    assert finding.chrome.endswith(
        "Response to preflight request doesn't pass access control check: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource.")


def test_auth_on_preflight_points_at_require():
    [finding] = assert_fixture(FIXTURES / "apache" / "CORS302" / "limit_includes_options.conf", "CORS302")
    assert finding.message.startswith("AuthType Basic with Require valid-user also applies to OPTIONS")
    assert finding.firefox.endswith("Status code: 401.")


def test_onsuccess_headers_on_static_404():
    [finding] = assert_fixture(FIXTURES / "apache" / "CORS402" / "htaccess_static", "CORS402")
    assert "404s for missing files" in finding.message
    assert finding.firefox.endswith("(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.")
