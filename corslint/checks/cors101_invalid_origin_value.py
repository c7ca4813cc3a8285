"""CORS101 invalid-origin-value: an ``Access-Control-Allow-Origin`` value that
is not ``*``, ``null`` or one serialized origin (``scheme://host[:port]``).

Browsers compare the value with the page's origin byte for byte, so a trailing
slash, a missing scheme, an uppercase host, a spelled-out default port or a
``*.example.com`` pattern matches nobody. Values listing several origins are
CORS102.

An origin allowlist entry is an origin setting too: a regex whose language
holds no serialized origin (``^https://example\\.com/`` wants a '/' after the
host, which no Origin header has) matches no browser at all, whatever it was
meant to let in. That is decided on the regex's language
(:func:`corslint.regexlang.origin_reach`), and reported once, at the entry:
an error where the route's answer shows the meant origin refused, a warning
where the entry is judged alone (a gate, a bare ``if``, a map outside any
route). See ``corslint explain CORS101``.
"""

from __future__ import annotations

import re
from typing import Iterator

from .. import allowlist, engine
from ..allowlist import Analysis
from ..model import OriginMatcher, Route
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer, request
from ._base import cors_routes, reporter
from ._origins import acao_texts, branches_with, judge, shown, valid_page_origin

CODE = "CORS101"
NAME = "invalid-origin-value"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("warning", "error")
SUMMARY = "Access-Control-Allow-Origin value that is not '*', 'null' or a serialized origin"
# What must change, worded per frontend by corslint.fixes.
FIX = "send-origin-as-browsers-send-it"
PATTERN_FIX = "anchor-origin-pattern"
# '*' in a list that compares it as an origin: the author meant every origin
EVERY_ORIGIN_FIX = "allow-every-origin"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"


# ---------------------------------------------------------------- what was meant


_PORT = re.compile(r":[^/:@\]]*$")


def meant_origin(text: str) -> str | None:
    """The serialized origin an author evidently meant by a broken value."""
    for candidate in _readings(text.strip()):
        if candidate != text and engine.origin_value_problem(candidate) is None and candidate != "null":
            return candidate
    return None


def _readings(t: str) -> Iterator[str]:
    t = t.replace("*.", "app.").replace("*", "app")
    if "://" not in t and not re.match(r"(?i)(https?|wss?):", t):
        t = "https://" + t.lstrip("/")
    t = re.sub(r"(?i)^ws(s?):", lambda m: f"http{m.group(1)}:", t)
    for cand in (t, _strip_port(t)):
        parsed = engine.parse_origin(cand)
        if parsed is not None and not parsed.opaque:
            yield parsed.serialize()
        low = cand.lower()
        parsed = engine.parse_origin(low)
        if parsed is not None and not parsed.opaque:
            yield parsed.serialize()


def _strip_port(t: str) -> str:
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*:/*)([^/?#]*)(.*)$", t)
    if not m:
        return t
    return m.group(1) + _PORT.sub("", m.group(2)) + m.group(3)


# ---------------------------------------------------------------- the check


def _predicate(problem: str) -> str:
    """The engine's reason as the predicate of a sentence about the value."""
    if problem.startswith("port has "):
        return "has a port with " + problem[len("port has "):]
    if problem.startswith("port "):
        return "has a " + problem
    return problem


def check(model):
    seen: set[tuple] = set()
    for route in cors_routes(model):
        fallback = valid_page_origin(route)
        for h, alt, text in acao_texts(route):
            if text in ("*", "null") or len(engine.split_origins(text)) > 1:
                continue
            problem = engine.origin_value_problem(text)
            if problem is None:
                continue
            problem = _predicate(problem)
            where = alt.source(h)
            key = (where, text, problem)
            if key in seen:
                continue
            seen.add(key)
            meant = meant_origin(text) or fallback
            branches = branches_with(route, h)
            failure, req = judge(route, branches[0] if branches else None, meant, text)
            yield report(
                f"Access-Control-Allow-Origin value '{shown(alt, text)}' {problem}, so it never "
                f"equals the origin a browser sends (a page on {meant} is refused).",
                where, failure=failure, request=req, route=route,
                related=[h.source] if where != h.source else (),
            )
        yield from _exact_entries(route, seen)
    yield from _dead_patterns(model)
    yield from _star_entries(model)


def _exact_entries(route: Route, seen: set) -> Iterator:
    """Exact allowlist entries whose match is echoed as the ACAO value: the
    entry is what the header will say, so it must be a serialized origin."""
    for branch in route.branches:
        for h in branch.emissions(ACAO):
            alts = h.value.sourced_alternatives()
            reflected = [a for a in alts if a.is_pure_reflection]
            if not reflected:
                continue
            matchers = [a.entry.matcher for a in reflected if a.entry is not None]
            if any(a.entry is None for a in reflected):
                matchers += [t.matcher for t in branch.origin_tests if t.expect]
            for m in matchers:
                if m.is_regex or m.source is None:
                    continue
                pattern = m.pattern.lower() if m.flavour == "exact-nocase" else m.pattern
                pattern = engine.http.strip_ows(pattern)
                if pattern in ("*", "null", "") or len(engine.split_origins(pattern)) > 1:
                    continue
                problem = engine.origin_value_problem(pattern)
                if problem is None:
                    continue
                problem = _predicate(problem)
                key = (m.source, m.pattern, problem)
                if key in seen:
                    continue
                meant = meant_origin(pattern)
                if meant is None:
                    continue
                failure, req = _refused(route, meant)
                if failure is None:
                    continue  # another entry lets the meant origin in (or nothing answers)
                seen.add(key)
                yield report(
                    f"Origin allowlist entry '{m.pattern}' {problem}: no browser sends that Origin, "
                    f"so {meant} never gets Access-Control-Allow-Origin.",
                    m.source, failure=failure, request=req, route=route, related=[h.source],
                )


def _why_no_origin(analysis: Analysis) -> tuple[str, str]:
    """(why the pattern matches no Origin, the origin its authors meant or "")."""
    meant = analysis.meant[0] if analysis.meant else None
    if meant is not None and meant.tail:
        return (f"it wants '{meant.tail}' after the host, which an Origin header never has",
                meant.origin)
    sample = analysis.accepted_sample
    if sample:
        problem = engine.origin_value_problem(sample)
        if problem is not None:
            return (f"what it accepts, like '{sample}', {_predicate(problem)}, and no browser sends "
                    "that as its Origin", meant.origin if meant is not None else (meant_origin(sample) or ""))
    return "no text a browser sends as its Origin fits it", meant.origin if meant is not None else ""


def _refused(route: Route, origin: str, complete: bool = False):
    """(failure, request) of a GET from ``origin`` to ``route`` as the browser
    judges the answer; (None, None) when no branch answers it (or, with
    ``complete``, when the answer holds a value corslint cannot resolve)."""
    ans = answer(route, "GET", origin)
    if ans is None or (complete and not ans.complete):
        return None, None
    req = request(route, origin)
    return engine.check_cors(req, ans.response), req


def _dead_patterns(model) -> Iterator:
    """Regex allowlist entries that match no origin at all: one finding per
    entry, confirmed by a route's answer where one sends
    Access-Control-Allow-Origin, else judged on the pattern."""
    found: dict[tuple, tuple] = {}
    for route, matcher in allowlist.uses(model):
        if matcher.source is None or not matcher.is_regex:
            continue
        analysis = allowlist.analyse(matcher)
        if not analysis.matches_no_origin:
            continue
        why, meant = _why_no_origin(analysis)
        failure = req = None
        level = "warning"
        if route is not None and not allowlist.judged_by_pattern(route, analysis) and meant:
            failure, req = _refused(route, meant)
            if failure is None:
                continue  # another entry lets the meant origin in: this one is only dead weight
            level = "error"
        key = (matcher.source, matcher.pattern)
        previous = found.get(key)
        if previous is None or (level == "error" and previous[2] == "warning"):
            found[key] = (matcher, route, level, why, meant, failure, req)
    for matcher, route, level, why, meant, failure, req in found.values():
        yield report(_dead_message(matcher, why, meant, level), matcher.source, level=level,
                     failure=failure, request=req, route=route, intent=PATTERN_FIX)


def _dead_message(matcher: OriginMatcher, why: str, meant: str, level: str) -> str:
    message = f"Origin pattern '{matcher.pattern}' matches no origin at all: {why}"
    if meant and level == "error":
        return message + f", so a page on {meant}, which it evidently means, is refused."
    if meant:
        return message + f" (it evidently means {meant}), so no browser's request ever matches it."
    return message + ", so no browser's request ever matches it."


# Pages the '*' entry was meant to let in; the second where the list names
# the first in an entry of its own.
_ANY_SITE = (DEFAULT_PAGE_ORIGIN, "https://www.example.org")


def _star_entries(model) -> Iterator:
    """A '*' entry of an exact origin list that the list does not read as a
    wildcard (its matcher refuses an ordinary site: django-cors-headers
    compares scheme and host, the cors package compares strings): no site is
    ever let in by it, though every site was evidently meant. One finding per
    entry: an error where a route's answer shows a site refused, else a
    warning."""
    found: dict[tuple, tuple] = {}
    for route, matcher in allowlist.uses(model):
        if (matcher.source is None or matcher.is_regex or matcher.pattern.strip() != "*"
                or matcher.matches(DEFAULT_PAGE_ORIGIN)):
            continue
        failure = req = None
        level = "warning"
        if route is not None:
            for page in _ANY_SITE:
                failure, req = _refused(route, page, complete=True)
                if failure is not None:
                    level = "error"
                    break
            else:
                failure = req = None
        key = (matcher.source, matcher.pattern)
        previous = found.get(key)
        if previous is None or (level == "error" and previous[2] == "warning"):
            found[key] = (matcher, route, level, failure, req)
    for matcher, route, level, failure, req in found.values():
        fits = ("only the Origin 'null' fits it (sandboxed and file: pages), never a site's"
                if matcher.matches("null") else "no Origin a browser sends fits it")
        refused = f", so a page on {req.origin} is refused" if failure is not None else \
            ", so no site is ever let in by it"
        yield report(
            f"Origin allowlist entry '*' is no wildcard in this list: each Origin is compared with "
            f"it as an origin and {fits}{refused}, though every origin was evidently meant.",
            matcher.source, level=level, failure=failure, request=req, route=route,
            intent=EVERY_ORIGIN_FIX)
