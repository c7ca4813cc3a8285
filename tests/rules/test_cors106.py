import pytest

from ruletools import FIXTURES, assert_fixture, fixtures

CODE = "CORS106"


@pytest.mark.parametrize("path", fixtures(CODE), ids=lambda p: p.name)
def test_fixture(path):
    assert_fixture(path, CODE)


def test_fixture_set_has_both_kinds():
    names = [p.stem for p in fixtures(CODE)]
    assert any(n.endswith("_fp") for n in names) and any(not n.endswith("_fp") for n in names)


def test_message_names_an_origin_that_gets_in():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "unanchored_end_map.conf", CODE)
    assert finding.severity == "error"
    assert "lets https://api.example.com.evil.example in" in finding.message
    assert "not anchored at the end" in finding.message
    assert finding.chrome is None and finding.firefox is None


def test_unescaped_dot():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "unescaped_dot.conf", CODE)
    assert "lets https://appxexample.com in" in finding.message


def test_credentials_make_it_critical():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "dot_star_in_if_credentials.conf", CODE)
    assert finding.severity == "critical"
    assert "Access-Control-Allow-Credentials: true" in finding.message


def test_attacker_origins_are_confirmed_with_the_real_matcher():
    from corslint.checks.cors106_permissive_origin_pattern import attacker_origin
    from corslint.model import OriginMatcher

    anchored = OriginMatcher(r"^https://(www\.)?example\.com$", "pcre-search")
    assert attacker_origin(anchored) is None
    # re.match is anchored at the start only: the end is still open
    loose = OriginMatcher(r"https://app\.example\.com", "python-match")
    assert attacker_origin(loose)[1] == "https://app.example.com.evil.example"
    # fullmatch anchors both ends, but the dot is still unescaped
    dotted = OriginMatcher(r"https://app.example.com", "python-fullmatch")
    assert attacker_origin(dotted)[1] == "https://appxexample.com"
    # any subdomain of the intended domain is not an attacker origin (simple version)
    subdomains = OriginMatcher(r"^https://[a-z0-9-]+\.example\.com$", "js-test")
    assert attacker_origin(subdomains) is None
