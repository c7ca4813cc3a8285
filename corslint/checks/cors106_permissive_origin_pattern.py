"""CORS106 permissive-origin-pattern: an origin regex that lets in origins an
attacker can register.

For each regex allowlist entry, corslint derives attacker origins from the
origin the pattern evidently means (a domain appended after it, a prefix glued
in front of it, a dot replaced by a letter), tries each with the regex engine's
real matching rule, and reports the first one the route then answers with
``Access-Control-Allow-Origin``. A security finding; no browser error follows.
See ``corslint explain CORS106``.
"""

from __future__ import annotations

from typing import Iterator

from .. import engine
from ..model import OriginMatcher, Route
from ..scenarios import answer, example_origin
from ._base import cors_routes, reporter

CODE = "CORS106"
NAME = "permissive-origin-pattern"
SEVERITY = "error"
SUMMARY = "origin regex that admits attacker-registrable origins"
FIX = ("Anchor the pattern at both ends, escape every dot and fix the scheme, e.g. "
       "'^https://(app|admin)\\.example\\.com$'; prefer an exact list of origins.")
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ATTACKER_DOMAIN = "evil.example"


def _registrable(host: str) -> str:
    # A simple stand-in for the registrable domain: the last two labels.
    # Wrong for multi-label public suffixes (example.co.uk); the full rule
    # (Public Suffix List) comes with the complete CORS106.
    labels = host.strip(".").split(".")
    return ".".join(labels[-2:])


def _is_own(host: str, intended: str) -> bool:
    """``host`` is the intended host or under the intended registrable domain."""
    if host == intended:
        return True
    base = _registrable(intended)
    return host == base or host.endswith("." + base)


def _candidates(intended: engine.Origin) -> Iterator[tuple[str, str]]:
    """(attacker origin, why the pattern lets it in), most telling first."""
    scheme, host = intended.scheme, intended.host
    port = f":{intended.port}" if intended.port is not None else ""
    yield f"{scheme}://{host}.{ATTACKER_DOMAIN}{port}", "it is not anchored at the end"
    yield f"{scheme}://evil{host}{port}", "no dot or '://' is required right before the host"
    yield f"{scheme}://evil-{host}{port}", "no dot or '://' is required right before the host"
    labels = host.split(".")
    # A dot between labels, but not the one before the top-level domain
    # (replacing that one leaves no domain anybody could register).
    for i in range(len(labels) - 2):
        glued = ".".join(labels[:i]) + ("." if i else "") + labels[i] + "x" + ".".join(labels[i + 1:])
        yield f"{scheme}://{glued}{port}", "an unescaped '.' matches any character"


def _intended(matcher: OriginMatcher) -> engine.Origin | None:
    """The origin the pattern evidently means, from scenarios.example_origin.

    That example fills a wildcard such as '.*' with "app"; when the pattern
    itself never says "app", the host without that filler (or with it as a
    subdomain) is what the author meant, if the pattern accepts it."""
    meant = example_origin(matcher)
    if not meant:
        return None
    if "://" not in meant:
        meant = "https://" + meant.lstrip("/")
    readings = [meant]
    if "app" not in matcher.pattern.lower() and "://app" in meant:
        readings = [meant.replace("://app", "://", 1), meant.replace("://app", "://app.", 1), meant]
    for reading in readings:
        if engine.origin_value_problem(reading) is not None or not matcher.matches(reading):
            continue
        origin = engine.parse_origin(reading)
        if origin is not None and not origin.opaque and origin.host:
            return origin
    return None


def attacker_origin(matcher: OriginMatcher) -> tuple[str, str, str] | None:
    """(intended origin, attacker origin, reason) for the first derived
    attacker origin ``matcher`` accepts."""
    if not matcher.is_regex or matcher.compiled() is None:
        return None
    intended = _intended(matcher)
    if intended is None:
        return None
    for candidate, why in _candidates(intended):
        if engine.origin_value_problem(candidate) is not None:
            continue
        parsed = engine.parse_origin(candidate)
        if parsed is None or _is_own(parsed.host, intended.host):
            continue
        if matcher.matches(candidate):
            return intended.serialize(), candidate, why
    return None


def _allowed(route: Route, origin: str) -> tuple[bool, bool]:
    """(the route answers ``origin`` with ACAO naming it, ACAC true too)."""
    allowed = credentials = False
    for method in ("GET", "OPTIONS"):
        ans = answer(route, method, origin, credentials=True, preflight=method == "OPTIONS")
        if ans is None or ans.response.status >= 400:
            continue  # reading an error answer gives an attacker nothing
        if any(h.lname == ACAO and v.strip(" \t") == origin for h, v in ans.sent):
            allowed = True
            credentials = credentials or any(h.lname == ACAC and v.strip(" \t") == "true"
                                             for h, v in ans.sent)
    return allowed, credentials


def check(model):
    found: dict[tuple, tuple] = {}
    for route in cors_routes(model):
        for matcher in route.origin_matchers():
            if matcher.source is None:
                continue
            hit = attacker_origin(matcher)
            if hit is None:
                continue
            intended, candidate, why = hit
            allowed, credentials = _allowed(route, candidate)
            if not allowed:
                continue
            # An origin the pattern does not match at all also gets in: the
            # route echoes every origin, which is CORS105, not this pattern.
            if _allowed(route, f"https://unrelated.{ATTACKER_DOMAIN}")[0] and not matcher.matches(
                    f"https://unrelated.{ATTACKER_DOMAIN}"):
                continue
            message = (f"Origin pattern '{matcher.pattern}' lets {candidate} in ({why}; "
                       f"it evidently means {intended})")
            key = (matcher.source, message)
            previous = found.get(key)
            if previous is None or (credentials and not previous[1]):
                found[key] = (route, credentials)
    for (where, message), (route, credentials) in found.items():
        if credentials:
            message += ", and answers it with Access-Control-Allow-Credentials: true."
        else:
            message += "."
        yield report(message, where, level="critical" if credentials else None, route=route)
