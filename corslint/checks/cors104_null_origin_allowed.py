"""CORS104 null-origin-allowed: requests with ``Origin: null`` are answered
``Access-Control-Allow-Origin: null``.

``null`` is the origin of sandboxed iframes, ``data:`` and ``file:`` documents
and requests that went through a cross-origin redirect: any site can make
one, so allowing it lets every site read the responses. Whether an allowlist
entry admits ``null`` is asked of :mod:`corslint.allowlist` (the entry's real
matching rule). In a route that sends Access-Control-Allow-Origin the finding
is confirmed by the answer to ``Origin: null``; an entry in a route that never
sends it (a gate in front of an upstream, a bare ``if``) is judged on the
pattern alone (info). A security finding; no browser error follows. See
``corslint explain CORS104``.
"""

from __future__ import annotations

from .. import allowlist
from ..model import ALL_METHODS, Branch, HeaderEmission, Lit, OriginMap, OriginRef, Source
from ..scenarios import answer
from ._base import cors_routes, reporter

CODE = "CORS104"
NAME = "null-origin-allowed"
SEVERITY = "warning"
CATEGORY = "security"
LEVELS = ("info", "warning", "error")
SUMMARY = "Origin 'null' allowed (sandboxed iframes, data: and file: pages get in)"
# What must change, worded per frontend by corslint.fixes.
FIX = "refuse-null-origin"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
NULL = "null"
WHO = "which lets in sandboxed iframes, data: and file: pages that any site can create"


def _cause(branch: Branch, emission: HeaderEmission) -> tuple[Source, str] | None:
    """Where ``null`` is let in for this emission, and the sentence saying so;
    None when the Origin is echoed without any check (that is CORS105)."""
    value = emission.value
    if value.is_literal:
        return emission.source, f"Access-Control-Allow-Origin is the literal 'null', {WHO}"
    reflected = False
    for part in value.parts:
        if isinstance(part, OriginMap):
            for entry in part.entries:
                if allowlist.analyse(entry.matcher).admits_null:
                    text = entry.value.evaluate(NULL)
                    if text is None or text.strip() != NULL:
                        return None
                    where = entry.matcher.source or emission.source
                    if entry.value.parts == (OriginRef(),):
                        return where, (f"Origin allowlist entry '{entry.matcher.pattern}' matches the "
                                       f"origin 'null' and echoes it, {WHO}")
                    return where, (f"Origin allowlist entry '{entry.matcher.pattern}' answers "
                                   f"Access-Control-Allow-Origin 'null' to 'Origin: null', {WHO}")
            default = part.default
            if default.parts == (OriginRef(),):
                reflected = True
            elif all(isinstance(p, Lit) for p in default.parts):
                return (part.default_source or part.source or emission.source), (
                    "the Origin allowlist answers Access-Control-Allow-Origin 'null' to origins it "
                    f"does not list, 'Origin: null' included, {WHO}")
        elif isinstance(part, OriginRef):
            reflected = True
    if reflected:
        for test in branch.origin_tests:
            if test.expect and allowlist.analyse(test.matcher).admits_null:
                where = test.matcher.source or emission.source
                if test.matcher.is_regex:
                    what = f"Origin pattern '{test.matcher.pattern}' matches the origin 'null'"
                else:
                    what = "an Origin check accepts the origin 'null'"
                return where, f"{what} and echoes it, {WHO}"
    return None


def _pattern_findings(model, reported: set[Source]):
    """Entries in routes that never send Access-Control-Allow-Origin
    themselves: what the entry lets through is what it guards."""
    seen: set[tuple] = set()
    for route, matcher in allowlist.uses(model):
        where = matcher.source
        if where is None or where in reported or (where, matcher.pattern) in seen:
            continue
        if route is not None and allowlist.sends_allow_origin(route):
            continue
        if not allowlist.analyse(matcher).admits_null or allowlist.is_denylist(route, matcher, NULL):
            continue
        seen.add((where, matcher.pattern))
        what = (f"Origin pattern '{matcher.pattern}' matches" if matcher.is_regex
                else f"Origin check '{matcher.pattern}' accepts")
        yield report(f"{what} the origin 'null', {WHO}: whatever this check guards is open to them.",
                     where, level="info", route=route)


def check(model):
    found: dict[tuple, tuple] = {}
    for route in cors_routes(model):
        for method in ALL_METHODS:
            if method == "HEAD":
                continue
            ans = answer(route, method, NULL, credentials=True, preflight=method == "OPTIONS")
            if ans is None:
                continue
            allowed = [h for h, v in ans.sent if h.lname == ACAO and v.strip(" \t") == NULL]
            if not allowed:
                continue
            credentials = any(h.lname == ACAC and v.strip(" \t") == "true" for h, v in ans.sent)
            for h in allowed:
                cause = _cause(ans.branch, h)
                if cause is None:
                    continue
                where, sentence = cause
                key = (where, sentence)
                previous = found.get(key)
                related = tuple(s for s in (h.source,) if s != where)
                if previous is None or (credentials and not previous[1]):
                    found[key] = (route, credentials, related)
    for (where, sentence), (route, credentials, related) in found.items():
        if credentials:
            message = (sentence[0].upper() + sentence[1:]
                       + ", with credentials (Access-Control-Allow-Credentials: true).")
        else:
            message = sentence[0].upper() + sentence[1:] + "."
        yield report(message, where, level="error" if credentials else None, route=route,
                     related=related)
    yield from _pattern_findings(model, {where for where, _ in found})
