"""corslint.allowlist: which origins an allowlist really admits, under each
engine's real matching rule, within a bounded number of match attempts."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corslint import allowlist
from corslint.allowlist import analyse, redos_risk, registrable_domain
from corslint.model import OriginMatcher
from corslint.regexlang import origin_reach

CALLS: list[str] = []


@dataclass(frozen=True)
class CountingMatcher(OriginMatcher):
    """An OriginMatcher that records every string it is asked about."""

    def matches(self, origin: str) -> bool:
        CALLS.append(origin)
        return super().matches(origin)


@pytest.fixture(autouse=True)
def fresh():
    CALLS.clear()  # an analysis asked outside a lint keeps nothing for the next one
    yield


def best(pattern: str, flavour: str = "pcre-search", ignore_case: bool = False) -> str | None:
    attack = analyse(OriginMatcher(pattern, flavour, ignore_case)).best()
    return attack.origin if attack else None


# ---------------------------------------------------------------- each engine's real rule


@pytest.mark.parametrize("flavour,expected", [
    ("pcre-search", "https://app.example.com.evil.example"),       # nginx ~, Apache: search
    ("js-test", "https://app.example.com.evil.example"),           # RegExp.test: search
    ("python-match", "https://app.example.com.evil.example"),      # Django, Flask-CORS: start only
    ("python-fullmatch", None),                                    # Starlette: both ends
])
def test_the_same_pattern_under_each_matching_rule(flavour, expected):
    assert best(r"https://app\.example\.com", flavour) == expected


def test_start_anchoring_differs_between_search_and_match():
    # search finds 'example.com' after any prefix; re.match needs the scheme first
    assert best(r"example\.com$", "js-test") == "https://evilexample.com"
    assert analyse(OriginMatcher(r"example\.com$", "python-match")).meant == ()
    assert best(r"https://.*example\.com", "python-fullmatch") == "https://evilexample.com"


def test_flags_are_the_engines_own():
    # Flask-CORS: re.match with IGNORECASE; an uppercase pattern means the lowercase origin
    assert [m.origin for m in analyse(OriginMatcher(r"^https://APP\.EXAMPLE\.COM$", "python-match", True)).meant] \
        == ["https://app.example.com"]
    # nginx '~' is case-sensitive: the same pattern matches no origin a browser sends
    assert analyse(OriginMatcher(r"^https://APP\.EXAMPLE\.COM$", "pcre-search", False)).meant == ()


def test_exact_entries():
    exact = analyse(OriginMatcher("https://app.example.com", "exact"))
    assert [m.origin for m in exact.meant] == ["https://app.example.com"] and exact.attacks == ()
    assert analyse(OriginMatcher("NULL", "exact-nocase")).admits_null
    assert not analyse(OriginMatcher("NULL", "exact")).admits_null
    plain = analyse(OriginMatcher("http://app.example.com", "exact"))
    assert [(i.origin, i.secure_twin) for i in plain.insecure] == [("http://app.example.com", None)]


# ---------------------------------------------------------------- the classes of attacker origin


@pytest.mark.parametrize("pattern,kind,origin", [
    (r".*", "any", "https://evil.example"),
    (r"^https?://", "any", "https://evil.example"),
    (r"^https://app\.example\.com", "prefix", "https://app.example.com.evil.example"),
    (r"^https://app\.example\.com(:\d+)?", "prefix", "https://app.example.com.evil.example"),
    (r"^https://.*example\.com$", "suffix", "https://evilexample.com"),
    (r"example\.com$", "suffix", "https://evilexample.com"),
    (r"^https://([a-z0-9-]+\.)?vercel\.app$", "tenant", "https://attacker.vercel.app"),
    (r"^https://.*\.github\.io$", "tenant", "https://attacker.github.io"),
    (r"^https://[a-z0-9-]+\.herokuapp\.com$", "tenant", "https://attacker.herokuapp.com"),
    (r"^https://[a-z0-9.-]+\.s3\.amazonaws\.com$", "tenant", "https://attacker.s3.amazonaws.com"),
    (r"^https://myproj-[a-z0-9-]+\.netlify\.app$", "tenant", "https://myproj-attacker.netlify.app"),
    (r"^https://[a-z0-9-]+\.co\.uk$", "tenant", "https://attacker.co.uk"),
    (r"^https://app.example.com$", "dot", "https://appxexample.com"),
    (r"^https://app\.example\.com([^.a-z0-9-][a-z0-9.-]*)?$", "special", "https://app.example.com_.evil.example"),
    (r"^https://app\.example\.com([^.\w-].*)?$", "special", "https://app.example.com`.evil.example"),
])
def test_attack_classes(pattern, kind, origin):
    attack = analyse(OriginMatcher(pattern, "pcre-search")).best()
    assert attack is not None and (attack.kind, attack.origin) == (kind, origin)


@pytest.mark.parametrize("pattern", [
    r"^https://(www\.)?example\.com$",
    r"^https://([a-z0-9-]+\.)*example\.com(:[0-9]+)?$",     # own subdomains, any port
    r"^https://[a-z0-9-]+\.example\.co\.uk$",               # one .co.uk domain's subdomains
    r"^https://([a-z0-9-]+\.)?example\.co\.uk$",
    r"^https://myproj\.vercel\.app$",                       # one named tenant
    r"^https://bucket\.s3\.amazonaws\.com$",
    r"^http://localhost(:[0-9]+)?$",
    r"^https://(app|admin)\.example\.com$",
    r"^https?:\/\/yandex\.ru\/",                            # wants a '/': admits no origin at all
])
def test_correct_patterns_admit_no_attacker(pattern):
    analysis = analyse(OriginMatcher(pattern, "pcre-search"))
    assert analysis.best() is None and analysis.hygiene() is None and not analysis.gave_up


def test_unescaped_dot_before_the_top_level_domain_is_only_hygiene():
    analysis = analyse(OriginMatcher(r"^https://yandex.ru$", "pcre-search"))
    assert analysis.best() is None
    assert analysis.hygiene().origin == "https://yandexxru"


def test_null_and_plain_http():
    analysis = analyse(OriginMatcher(r"^(https?://app\.example\.com|null)$", "pcre-search"))
    assert analysis.admits_null
    [insecure] = analysis.insecure
    assert (insecure.origin, insecure.secure_twin) == ("http://app.example.com", "https://app.example.com")
    loopback = analyse(OriginMatcher(r"^https?://localhost(:\d+)?$", "pcre-search"))
    assert loopback.insecure == ()


def test_url_shaped_pattern_admits_nothing_and_says_what_it_means():
    """It wants a '/' after the host, which no Origin has: nothing is
    admitted (no plain-HTTP twin, no attacker), only what was meant is kept."""
    analysis = analyse(OriginMatcher(r"^https?:\/\/yandex\.ru\/", "pcre-search"))
    assert analysis.matches_no_origin and analysis.url_shaped
    assert [m.origin for m in analysis.meant] == ["https://yandex.ru", "http://yandex.ru"]
    assert analysis.meant[0].tail == "/"
    assert analysis.insecure == () and analysis.attacks == () and not analysis.admits_null


def test_a_pattern_that_admits_origins_is_not_called_dead():
    for pattern in (r"^https?://yandex\.ru", r"^https://yandex\.ru/?$", r"^(https://a\.com/|null)$"):
        assert not analyse(OriginMatcher(pattern, "pcre-search")).matches_no_origin, pattern


def test_every_attack_was_confirmed_by_the_matcher_itself():
    matcher = CountingMatcher(r"^https?://.*example\.com", "js-test")
    analysis = analyse(matcher)
    assert analysis.attacks
    for attack in analysis.attacks:
        assert attack.probe in CALLS          # asked of the matcher during the analysis
        assert matcher.matches(attack.probe)  # and it says yes


# ---------------------------------------------------------------- Public Suffix List


def test_registrable_domains_follow_the_public_suffix_list():
    assert registrable_domain("a.b.example.co.uk") == "example.co.uk"
    assert registrable_domain("co.uk") is None
    assert registrable_domain("attacker.vercel.app") == "attacker.vercel.app"
    assert registrable_domain("vercel.app") is None
    assert registrable_domain("x.bucket.s3.amazonaws.com") == "bucket.s3.amazonaws.com"
    assert registrable_domain("yandexxru") is None          # single label
    assert registrable_domain("app.examplexcom") is None    # unknown top-level domain
    assert registrable_domain("127.0.0.1") is None
    assert registrable_domain("a.b.evil.example") == "evil.example"  # the attacker stand-in
    assert allowlist.is_shared_host("github.io") and allowlist.is_shared_host("azurewebsites.net")
    assert not allowlist.is_shared_host("co.uk") and not allowlist.is_shared_host("com")


def test_the_list_ships_with_the_package_and_needs_no_network(monkeypatch):
    allowlist._psl.cache_clear()  # (registrable_domain keeps nothing outside a lint run)

    def no_network(*args, **kwargs):
        raise AssertionError("the Public Suffix List must not be fetched")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert registrable_domain("shop.example.co.uk") == "example.co.uk"
    assert allowlist.is_shared_host("pages.dev")


# ---------------------------------------------------------------- bounded time

CATASTROPHIC = [
    r"(a+)+$",
    r"(.*a){25}",
    r"^(a|aa)+$",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
    r"^(\w+\s?)*$",
    r"^https://(.*\.)*example\.com$",
    r"^https://([a-z0-9-]+)*\.example\.com$",
    r".*.*.*.*=.*",
    r"^(https?://)?(.*)*(.*)*(.*)*example.com$",
]

SAFE = [
    r"^https://([a-z0-9-]+\.)*example\.com$",
    r"^https://([a-z0-9]+(-[a-z0-9]+)*\.)+example\.com$",
    r"^https?://(www\.)?example\.com(:\d+)?$",
    r"^https://([a-z]{2,3}\.)?example\.com$",
    r"^https://(app|admin|www)\.example\.com$",
    r"(?i)^https://app\.example\.com$",
    r"^https://.*\.example\.com$",
    r"^https://(a|ab)+\.example\.com$",
    r"https://.*example\.com",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_are_given_up_before_any_costly_match(pattern):
    analysis = analyse(CountingMatcher(pattern, "pcre-search"))
    if origin_reach(pattern, "pcre-search", False).none:
        # its language holds no origin (no ':' or '/', or an uppercase letter
        # where origins have none): that is said without a single match
        assert analysis.matches_no_origin and not analysis.gave_up
        assert CALLS == [] and analysis.attacks == () and analysis.meant == ()
        return
    assert analysis.gave_up and "backtracking" in analysis.gave_up
    assert redos_risk(pattern)
    # the only question asked is about the four characters of 'null'
    assert CALLS == ["null"]
    assert analysis.attacks == () and analysis.meant == ()


@pytest.mark.parametrize("pattern", SAFE)
def test_ordinary_patterns_are_analysed(pattern):
    assert redos_risk(pattern) is None
    assert not analyse(OriginMatcher(pattern, "pcre-search")).gave_up


def test_attempts_and_candidate_lengths_are_capped():
    hosts = "|".join(f"app{i}" for i in range(300))
    long_label = "a" * 63
    pattern = rf"^https://({hosts})\.{long_label}\.example\.com"
    analysis = analyse(CountingMatcher(pattern, "pcre-search"))
    assert 0 < analysis.attempts == len(CALLS) <= allowlist.MAX_ATTEMPTS
    assert max(len(c) for c in CALLS) <= allowlist.MAX_CANDIDATE_LEN
    # still finds the open end
    assert analysis.best() is not None and analysis.best().kind == "prefix"


def test_running_out_of_attempts_is_said(monkeypatch):
    monkeypatch.setattr(allowlist, "MAX_ATTEMPTS", 5)
    analysis = analyse(CountingMatcher(r"^https://(app|admin)\.[a-z]+\.com$", "pcre-search"))
    assert len(CALLS) == analysis.attempts == 5
    assert "more than 5 match attempts" in analysis.gave_up


def test_a_pattern_that_is_a_short_list_is_answered_from_the_list():
    analysis = analyse(CountingMatcher(r"^https://(app|admin)\.example\.com$", "pcre-search"))
    assert CALLS == [] and analysis.attempts == 0 and not analysis.gave_up
    assert {m.origin for m in analysis.meant} == {"https://app.example.com", "https://admin.example.com"}
    assert analysis.attacks == ()


def test_a_config_full_of_catastrophic_patterns_cannot_hang_corslint(tmp_path):
    """Hang guard: the whole CLI on such a config ends (the subprocess
    timeout is generous; the point is that it ends, not how fast).

    The allowlist analysis asks nothing of these patterns but 'null'; the
    other rules still match them against ordinary origins through
    OriginMatcher.matches, which is only bounded for every pattern once that
    matcher runs in linear time (the last pattern takes tens of seconds in
    Python's re on a 30-character origin)."""
    entries = "\n".join(f'    "~{p}" $http_origin;' for p in CATASTROPHIC)
    conf = tmp_path / "site.conf"
    conf.write_text(
        "map $http_origin $cors_origin {\n    default \"\";\n" + entries + "\n"
        "    \"~^https://app\\.example\\.com$\" $http_origin;\n}\n"
        "server {\n    listen 443 ssl;\n    server_name api.example.com;\n    location / {\n"
        "        if ($http_origin ~* \"^(a+)+$\") {\n            return 403;\n        }\n"
        "        add_header Access-Control-Allow-Origin $cors_origin always;\n"
        "        add_header Vary Origin always;\n        proxy_hide_header Access-Control-Allow-Origin;\n"
        "        proxy_pass http://127.0.0.1:8000;\n    }\n}\n")
    run = subprocess.run(
        [sys.executable, "-c", "from corslint.cli import main; main()", "--format", "json", str(conf)],
        capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    gave_up = [f for f in report["findings"] if f["code"] == "CORS106" and "gave up" in f["message"]]
    dead = [p for p in CATASTROPHIC if origin_reach(p, "pcre-search", False).none]
    assert len(gave_up) == len(CATASTROPHIC) - len(dead)
    assert all(f["severity"] == "info" for f in gave_up)
    # a pattern whose language holds no origin is said to match none, at the
    # entry: two map entries, and the anchored '^(a+)+$' of the `if` (line 18)
    assert origin_reach("^(a+)+$", "pcre-search", True).none and len(dead) == 2
    no_origin = [f for f in report["findings"] if f["code"] == "CORS101"]
    assert sorted(f["line"] for f in no_origin) == sorted([3 + CATASTROPHIC.index(p) for p in dead] + [18])
    assert all("matches no origin at all" in f["message"] for f in no_origin)


# ---------------------------------------------------------------- property: no claim the matcher rejects

_PIECES = st.tuples(
    st.sampled_from(["^", ""]),
    st.sampled_from(["https://", "https?://", "http://", "(https|http)://", r"https?:\/\/", ""]),
    st.sampled_from(["", r"([a-z0-9-]+\.)?", r"(www\.)?", ".*", r"[a-z]+\.", r"(app|admin)\.", "App."]),
    st.sampled_from(["example", "yandex", "shop"]),
    st.sampled_from([r"\.", "."]),
    st.sampled_from(["com", "ru", r"co\.uk", r"vercel\.app", r"github\.io"]),
    st.sampled_from(["", r"(:\d+)?", ":8080", ":443"]),
    st.sampled_from(["", "/", r"\/", "/?", "/.*", "/api"]),
    st.sampled_from(["$", ""]),
    st.booleans(),
)
_FLAVOURS = st.sampled_from(["pcre-search", "js", "python-match", "python-fullmatch"])
_ORIGIN_TEXT = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s,;()'\"]+|'null'")


def _pattern(pieces) -> str:
    start, scheme, sub, name, dot, tld, port, tail, end, null = pieces
    body = f"{scheme}{sub}{name}{dot}{tld}{port}{tail}"
    if null:
        return f"{start}(null|{body}){end}"
    return f"{start}{body}{end}"


def _runs(pattern: str, flavour: str, ignore_case: bool, text: str) -> bool:
    """The server's own rule, in Python's re (not corslint's matcher)."""
    how = {"python-match": "match", "python-fullmatch": "fullmatch"}.get(flavour, "search")
    return getattr(re, how)(pattern, text, re.IGNORECASE if ignore_case else 0) is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PIECES, _FLAVOURS, st.booleans())
def test_every_origin_the_analysis_names_is_accepted_as_the_server_runs_it(pieces, flavour, ignore_case):
    pattern = _pattern(pieces)
    analysis = analyse(OriginMatcher(pattern, flavour, ignore_case))
    named = [a.origin for a in analysis.attacks] + [i.origin for i in analysis.insecure]
    named += [i.secure_twin for i in analysis.insecure if i.secure_twin]
    named += ["null"] if analysis.admits_null else []
    for origin in named:
        assert _runs(pattern, flavour, ignore_case, origin), (pattern, origin)
    reach = origin_reach(pattern, flavour, ignore_case)
    assert reach.decided
    if reach.none:
        # proved empty: nothing is named, and no origin it was meant for gets in
        assert analysis.matches_no_origin and not named
        for m in analysis.meant:
            assert not _runs(pattern, flavour, ignore_case, m.origin), (pattern, m.origin)
    else:
        # the witness is a text the pattern really accepts (the automaton is
        # exact for what these patterns use)
        assert _runs(pattern, flavour, ignore_case, reach.witness), (pattern, reach.witness)
        assert not analysis.matches_no_origin


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(_PIECES, st.booleans(), st.booleans())
def test_every_origin_a_finding_names_is_admitted_by_the_config(tmp_path, pieces, ignore_case, credentials):
    """CORS104, CORS106 and CORS107 name origins the map entry really admits
    (nginx runs a map's '~'/'~*' regex as a PCRE search): never one from a
    'fixed' reading of the pattern. A pattern that admits nothing gets one
    CORS101 and none of them."""
    from corslint.lint import lint

    pattern = _pattern(pieces)
    conf = tmp_path / "api.conf"
    conf.write_text(
        "map $http_origin $cors {\n    default \"\";\n"
        f"    \"{'~*' if ignore_case else '~'}{pattern}\" $http_origin;\n}}\n"
        "server {\n    listen 443 ssl;\n    server_name api.example.com;\n    location /api/ {\n"
        "        add_header Access-Control-Allow-Origin $cors always;\n"
        + ("        add_header Access-Control-Allow-Credentials true always;\n" if credentials else "")
        + "        add_header Vary Origin always;\n        return 200 'ok';\n    }\n}\n")
    findings = lint([str(conf)], codes=["CORS101", "CORS104", "CORS106", "CORS107"]).findings
    dead = origin_reach(pattern, "pcre-search", ignore_case).none
    for f in findings:
        if f.code == "CORS101":
            assert dead and "matches no origin at all" in f.message
            continue
        assert not dead, (pattern, f.message)
        # what the message names, not the pattern it quotes or what it says was meant
        text = f.message.replace(f"'{pattern}'", "").split("; it evidently means")[0]
        for origin in _ORIGIN_TEXT.findall(text):
            origin = origin.strip("'").rstrip(".:")
            assert _runs(pattern, "pcre-search", ignore_case, origin), (pattern, origin, f.message)
    if dead:
        assert [f.code for f in findings] == ["CORS101"], (pattern, [f.message for f in findings])
