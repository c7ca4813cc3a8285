"""CORS305: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS305/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS305"


def test_one_finding_names_every_missing_method():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "limit_except_methods_missing.conf", CODE)
    assert finding.message == (
        "Access-Control-Allow-Methods on the preflight answer ('GET, POST') lacks DELETE and PUT, "
        "all of which this location accepts (the config handles them explicitly).")
    # the browser stops at the first method it refuses
    assert finding.chrome.endswith(
        "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.")
    assert "Did not find method in CORS header ‘Access-Control-Allow-Methods’" in finding.firefox
    assert finding.intent.methods == ("DELETE", "PUT")
    assert [r.line for r in finding.related] == [7]   # the limit_except line


def test_lowercase_patch_is_explained():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "lowercase_patch.conf", CODE)
    assert "'patch'" in finding.message and "case-sensitively" in finding.message
    assert "Method PATCH is not allowed" in finding.chrome


def test_wildcard_with_credentials_is_literal():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "wildcard_with_credentials.conf", CODE)
    assert "'*' is a literal method name for requests with credentials" in finding.message
