"""CORS106 permissive-origin-pattern: an origin regex that lets in origins an
attacker can register.

The analysis is :mod:`corslint.allowlist`: from the origins a pattern
evidently means it derives attacker origins (a domain appended, a name glued
in front, an unescaped dot replaced, another tenant of a shared host or any
domain under a public suffix, characters some browsers take in host names,
any origin at all) and keeps those the engine's real matching rule accepts.

In a route that sends CORS headers the finding names the most convincing
attacker origin the route then answers with ``Access-Control-Allow-Origin``
(error; critical with credentials). A pattern in a route that sends no CORS
header itself (a gate in front of an upstream, a bare ``if`` in a snippet) is
judged on what it admits (warning). An unescaped dot that only admits names
nobody can register, and a pattern too pathological to analyse, are info.
A security finding; no browser error follows. See ``corslint explain CORS106``.
"""

from __future__ import annotations

from .. import allowlist
from ..allowlist import Analysis, Attack
from ..model import OriginMatcher, Route
from ._base import reporter

CODE = "CORS106"
NAME = "permissive-origin-pattern"
SEVERITY = "error"
CATEGORY = "security"
LEVELS = ("info", "warning", "error", "critical")
SUMMARY = "origin regex that admits attacker-registrable origins"
# What must change, worded per frontend by corslint.fixes.
FIX = "anchor-origin-pattern"
GAVE_UP_FIX = "simplify-origin-pattern"
report = reporter(CODE, SEVERITY, FIX)

# How many attacker origins are tried against one route before giving up on it.
MAX_ROUTE_TRIES = 8


def attacker_origin(matcher: OriginMatcher) -> tuple[str, str, str] | None:
    """(meant origin, attacker origin, reason) for the most convincing
    attacker origin ``matcher`` accepts, or None."""
    best = allowlist.analyse(matcher).best()
    if best is None:
        return None
    meant = best.meant.origin if best.meant is not None else ""
    return meant, best.origin, best.why


def _reason(analysis: Analysis, attack: Attack) -> str:
    why = attack.why
    if attack.kind == "any" and analysis.admits_null:
        why += ", 'null' included"
    if attack.kind in ("prefix", "suffix", "dot", "special") and attack.meant is not None:
        meant = attack.meant.describe()
        if meant and meant != attack.origin:
            why += f"; it evidently means {meant}"
    return why


class _Hit:
    def __init__(self, rank: int, route: Route | None, analysis: Analysis, attack: Attack | None,
                 credentials: bool = False):
        self.rank = rank            # 3 route-confirmed, 2 pattern alone, 1 hygiene, 0 gave up
        self.route = route
        self.analysis = analysis
        self.attack = attack
        self.credentials = credentials


def _route_hit(route: Route, matcher: OriginMatcher, analysis: Analysis) -> _Hit | None:
    attacks = [a for a in analysis.attacks if a.registrable][:MAX_ROUTE_TRIES]
    for attack in attacks:
        allowed, credentials = allowlist.grants(route, attack.origin)
        if allowed:
            if allowlist.reflects_everyone(route, matcher):
                return None  # every origin gets in, pattern or not: CORS105
            return _Hit(3, route, analysis, attack, credentials)
    hygiene = analysis.hygiene()
    if hygiene is not None and not attacks:
        allowed, _ = allowlist.grants(route, hygiene.origin)
        if allowed and not allowlist.reflects_everyone(route, matcher):
            return _Hit(1, route, analysis, hygiene)
    return None


def _pattern_hit(route: Route | None, matcher: OriginMatcher, analysis: Analysis) -> _Hit | None:
    attack = analysis.best()
    rank = 2
    if attack is None:
        attack, rank = analysis.hygiene(), 1
    if attack is None or allowlist.is_denylist(route, matcher, attack.probe):
        return None
    return _Hit(rank, route, analysis, attack)


def _message(matcher: OriginMatcher, hit: _Hit) -> tuple[str, str]:
    """(message, severity)."""
    pattern = matcher.pattern
    analysis, attack = hit.analysis, hit.attack
    if hit.rank == 0:
        return (f"corslint gave up on Origin pattern '{pattern}': {analysis.gave_up}; check by hand "
                "which origins it admits.", "info")
    assert attack is not None
    if hit.rank == 3:
        message = f"Origin pattern '{pattern}' lets {attack.origin} in ({_reason(analysis, attack)})"
        if hit.credentials:
            return message + ", and answers it with Access-Control-Allow-Credentials: true.", "critical"
        return message + ".", "error"
    if hit.rank == 2:
        return (f"Origin pattern '{pattern}' admits {attack.origin} ({_reason(analysis, attack)}): "
                "whatever this check guards is open to that site.", "warning")
    return (f"Origin pattern '{pattern}' has an unescaped '.', which matches any character: it also "
            f"admits {attack.origin}. Nobody can register that name today, but escape the dot ('\\.') "
            "before the pattern is reused for a name where one can.", "info")


def check(model):
    hits: dict[tuple, tuple[OriginMatcher, _Hit]] = {}
    for route, matcher in allowlist.uses(model):
        if matcher.source is None:
            continue
        analysis = allowlist.analyse(matcher)
        if analysis.gave_up:
            hit = _Hit(0, route, analysis, None)
        elif route is not None and not allowlist.judged_by_pattern(route, analysis):
            hit = _route_hit(route, matcher, analysis)
        else:
            hit = _pattern_hit(route, matcher, analysis)
        if hit is None:
            continue
        key = (matcher.source, matcher.pattern)
        previous = hits.get(key)
        if previous is None or (hit.rank, hit.credentials) > (previous[1].rank, previous[1].credentials):
            hits[key] = (matcher, hit)
    for (where, _), (matcher, hit) in hits.items():
        message, level = _message(matcher, hit)
        yield report(message, where, level=level, route=hit.route,
                     intent=GAVE_UP_FIX if hit.rank == 0 else FIX)
