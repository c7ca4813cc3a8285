"""CORS106: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS106/ and run in tests/test_fixtures.py."""

import re

from corslint import allowlist, engine
from corslint.checks import cors106_permissive_origin_pattern as rule
from corslint.model import (
    Branch, HeaderEmission, MapEntry, OriginMap, OriginMatcher, OriginTest, Outcome, PolicyModel,
    Route, Source, Value,
)
from ruletools import FIXTURES, assert_fixture, found, is_must_not_fire, rule_fixtures

CODE = "CORS106"


def test_message_names_an_origin_that_gets_in():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "unanchored_end_map.conf", CODE)
    assert finding.severity == "error"
    assert "lets https://api.example.com.evil.example in" in finding.message
    assert "not anchored at the end" in finding.message
    assert "it evidently means https://api.example.com" in finding.message
    assert finding.chrome is None and finding.firefox is None


def test_unescaped_dot():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "unescaped_dot.conf", CODE)
    assert "lets https://appxexample.com in" in finding.message
    assert "unescaped '.'" in finding.message


def test_credentials_make_it_critical():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "dot_star_in_if_credentials.conf", CODE)
    assert finding.severity == "critical"
    assert "Access-Control-Allow-Credentials: true" in finding.message


def test_shared_host_tenant_is_an_attacker():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "shared_host_tenant.conf", CODE)
    assert finding.severity == "critical"
    assert "lets https://attacker.vercel.app in" in finding.message
    assert "shared host" in finding.message


def test_tenant_name_prefix_on_a_shared_host():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "tenant_name_prefix.conf", CODE)
    assert "lets https://myproj-attacker.vercel.app in" in finding.message


def test_co_uk_domains_versus_subdomains_of_one_co_uk_domain():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "public_suffix_co_uk.conf", CODE)
    assert "lets https://attacker.co.uk in" in finding.message
    assert "any domain under .co.uk" in finding.message


def test_missing_dot_and_unanchored_start():
    [a] = assert_fixture(FIXTURES / "nginx" / CODE / "missing_dot_before_domain.conf", CODE)
    [b] = assert_fixture(FIXTURES / "nginx" / CODE / "unanchored_start.conf", CODE)
    for finding in (a, b):
        assert "lets https://evilexample.com in" in finding.message
        assert "right before 'example.com'" in finding.message


def test_any_origin():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "any_https_origin.conf", CODE)
    assert "lets https://evil.example in (it accepts any origin)" in finding.message


def test_special_character_after_the_host():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "underscore_after_host.conf", CODE)
    assert "lets https://app.example.com_.evil.example in" in finding.message
    assert "'_'" in finding.message


def test_gate_in_front_of_an_upstream_is_judged_on_the_pattern():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "gate_before_upstream.conf", CODE)
    assert finding.severity == "warning"
    assert "admits https://app.example.com.evil.example" in finding.message
    assert "whatever this check guards" in finding.message


def test_unregistrable_dot_is_info():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "unescaped_tld_dot.conf", CODE)
    assert finding.severity == "info"
    assert "https://app.examplexcom" in finding.message
    assert "Nobody can register" in finding.message


def test_catastrophic_pattern_gives_up_with_an_info_finding():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "catastrophic_pattern.conf", CODE)
    assert finding.severity == "info"
    assert "gave up" in finding.message and "(a+)+" in finding.message
    assert "nested" in finding.fix


def test_every_reported_origin_is_readable_and_accepted_by_the_matcher():
    """No generator noise: each named origin is a serialized origin with a
    real-looking host, and the allowlist entry on the finding's line really
    accepts it."""
    positives = [path for _, code, path in rule_fixtures() if code == CODE and not is_must_not_fire(path)]
    assert positives
    for path in positives:
        for f in found(path, CODE):
            m = re.search(r"(?:lets|admits) (\S+?)(?: in \(| \(|\. )", f.message)
            if m is None:
                assert "gave up" in f.message
                continue
            origin = m.group(1)
            parsed = engine.parse_origin(origin)
            assert parsed is not None and parsed.serialize() == origin, origin
            labels = parsed.host.split(".")
            assert all(re.fullmatch(r"[a-z0-9_`-]+", label) for label in labels), origin
            assert any(w in origin for w in ("evil", "attacker")) or "unescaped" in f.message, origin


def test_attacker_origins_are_confirmed_with_the_real_matcher():
    from corslint.checks.cors106_permissive_origin_pattern import attacker_origin

    anchored = OriginMatcher(r"^https://(www\.)?example\.com$", "pcre-search")
    assert attacker_origin(anchored) is None
    # re.match is anchored at the start only: the end is still open
    loose = OriginMatcher(r"https://app\.example\.com", "python-match")
    assert attacker_origin(loose)[1] == "https://app.example.com.evil.example"
    # fullmatch anchors both ends, but the dot is still unescaped
    dotted = OriginMatcher(r"https://app.example.com", "python-fullmatch")
    assert attacker_origin(dotted)[1] == "https://appxexample.com"
    # any subdomain of the intended domain is not an attacker origin
    subdomains = OriginMatcher(r"^https://[a-z0-9-]+\.example\.com$", "js-test")
    assert attacker_origin(subdomains) is None
    # ... unless the domain is a shared host
    tenants = OriginMatcher(r"^https://[a-z0-9-]+\.github\.io$", "js-test")
    assert attacker_origin(tenants)[1] == "https://attacker.github.io"


# ---------------------------------------------------------------- Apache-style models built by hand

SRC = Source("httpd.conf", 3, 1)


def _setenvif_route(pattern: str, nocase: bool, credentials: bool = False) -> Route:
    """What an Apache frontend makes of
    ``SetEnvIf[NoCase] Origin "<pattern>" CORS_ORIGIN=$0`` +
    ``Header always set Access-Control-Allow-Origin %{CORS_ORIGIN}e env=CORS_ORIGIN``:
    an unanchored PCRE search, case-insensitive for SetEnvIfNoCase."""
    matcher = OriginMatcher(pattern, "pcre-search", ignore_case=nocase, source=SRC)
    acao = HeaderEmission("Access-Control-Allow-Origin", Value.origin(), Source("httpd.conf", 4, 1),
                          always=True)
    headers = [acao]
    if credentials:
        headers.append(HeaderEmission("Access-Control-Allow-Credentials", Value.literal("true"),
                                      Source("httpd.conf", 5, 1), always=True))
    allowed = Branch(Outcome(200, SRC), headers=tuple(headers), origin_tests=(OriginTest(matcher, True),))
    other = Branch(Outcome(200, SRC), origin_tests=(OriginTest(matcher, False),))
    return Route("vhost api.example.com", SRC, [allowed, other], https=True, frontend="apache")


def _lint(route: Route) -> list:
    return list(rule.check(PolicyModel(routes=[route])))


def test_apache_setenvifnocase_unanchored():
    [finding] = _lint(_setenvif_route(r"^https://(www\.)?example\.com", nocase=True, credentials=True))
    assert finding.line == 3 and finding.severity == "critical"
    assert "lets https://example.com.evil.example in" in finding.message


def test_apache_case_rules():
    # SetEnvIfNoCase with an uppercase pattern means the lowercase origin browsers send: fine
    assert _lint(_setenvif_route(r"^https://APP\.EXAMPLE\.COM$", nocase=True)) == []
    # SetEnvIf (case-sensitive) with an uppercase host matches no browser's origin: nothing gets in
    assert _lint(_setenvif_route(r"^https://APP\.EXAMPLE\.COM", nocase=False)) == []
    # ... while its lowercase twin without an end anchor does
    [finding] = _lint(_setenvif_route(r"^https://app\.example\.com", nocase=False))
    assert "https://app.example.com.evil.example" in finding.message


def test_map_value_that_is_not_the_origin_is_not_a_grant():
    matcher = OriginMatcher(r"example\.com", "pcre-search", source=SRC)
    fixed = Value((OriginMap((MapEntry(matcher, Value.literal("https://app.example.com")),),
                             Value.literal("")),))
    acao = HeaderEmission("Access-Control-Allow-Origin", fixed, SRC, always=True)
    route = Route("r", SRC, [Branch(Outcome(200, SRC), headers=(acao,))], https=True)
    assert list(rule.check(PolicyModel(routes=[route]))) == []


def test_matcher_outside_any_route_is_judged_on_the_pattern():
    """A frontend may list allowlist entries no route consults (a map-only
    snippet) in ``PolicyModel.origin_allowlists``."""
    model = PolicyModel()
    model.origin_allowlists = [OriginMatcher(r"^https://app\.example\.com", "pcre-search", source=SRC)]
    [finding] = rule.check(model)
    assert finding.severity == "warning"
    assert "admits https://app.example.com.evil.example" in finding.message


def test_same_map_in_many_locations_is_reported_once():
    path = FIXTURES / "nginx" / CODE / "shared_host_tenant.conf"
    text = path.read_text().replace("    location /api/ {", "    location /v2/ {\n"
                                    "        add_header Access-Control-Allow-Origin $cors_origin always;\n"
                                    "        proxy_pass http://127.0.0.1:8001;\n    }\n    location /api/ {")
    from corslint.lint import lint
    result = lint(["-"], stdin_text=text, stdin_filename="site.conf", codes=[CODE])
    assert [f.line for f in result.findings] == [6]
    assert allowlist.ATTACKER_LABEL in result.findings[0].message
