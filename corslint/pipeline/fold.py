"""Part of step 4: one root cause, one finding.

The rules judge one question each, so one mistake can make several of them
speak. What the user reads is one finding per root cause:

- **The browser stops at the first failure.** A finding predicts where a
  request fails (``Finding.stop``). When a preflight already fails before its
  method and header lists are read (a redirect, no or a wrong
  Access-Control-Allow-Origin, ``*`` with credentials, an error status), the
  browser never prints what a later step of the same request would say: the
  later findings are *folded* into the earlier one, which names them.
- **One browser failure, one cause.** A finding whose predicted failure is the
  very failure another rule reports as its own cause on the same route
  (:data:`CAUSE_OF`) restates that finding: it is folded into it.
- **An entry that admits every origin is a reflection.** Its "admits null"
  and "permissive pattern" findings are implied by the reflection finding on
  the answer it feeds (:data:`IMPLIED_BY_ANY_ORIGIN`).
- **One directive, one finding.** A finding several routes make at the same
  place is one finding; when the directive is in effect in several locations
  (a server-level ``add_header``), their places are its related places.

Folded findings are kept on the finding that stands for them
(``Finding.folded``): its message names them and JSON lists them.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable

from .. import allowlist
from ..findings import PREFLIGHT_STOPS, Finding, severity_rank
from ..model import PolicyModel, Route, Source

# Findings that state a browser failure as the consequence of a mistake they
# are about must be certain to stand for the failures behind them: a
# conditional ("when the upstream ...") or guessed finding folds nothing.
CERTAIN = ("error", "critical")

# The rule that reports a browser failure (the engine's FailureKind value) as
# its own cause. A finding of another rule on the same route that predicts the
# same failure restates it (e.g. CORS204's "credentials missing on one answer"
# where the browser stops at '*' with credentials first: CORS201).
CAUSE_OF = {
    "wildcard-with-credentials": "CORS201",
    "preflight-wildcard-with-credentials": "CORS201",
}

# Findings on an allowlist entry that admits every origin: each is implied by
# the reflection finding on the answer it feeds, and the ones later in this
# list by the ones earlier on the same entry.
REFLECTION = "CORS105"
IMPLIED_BY_ANY_ORIGIN = ("CORS106", "CORS104")
# What else a too-permissive pattern lets in (plain-HTTP twins, 'null') is
# the same pattern's fault, and CORS106's fix (anchor, escape the dots, fix
# the scheme) removes it too: on the same entry those fold into CORS106.
# An invalid entry (CORS101: '*' in an exact list, a scheme-less origin)
# that admits only 'null' is the same: fixing the entry removes it.
ENTRY_CAUSES = ("CORS106", "CORS101")
SAME_PATTERN = ("CORS107", "CORS104")


# ---------------------------------------------------------------- folding


def fold(findings: Iterable[Finding], model: PolicyModel | None) -> list[Finding]:
    """``findings`` with every finding that another one stands for folded
    into it (see the module's doc); order kept."""
    findings = list(findings)
    target: dict[int, int] = {}   # index -> index of the finding it folds into
    dropped: set[int] = set()     # findings that say nothing once their cause is judged
    _stopped_requests(findings, model, target)
    _same_failure(findings, target)
    _any_origin_entries(findings, model, target, dropped)
    _one_pattern(findings, target)
    return _apply(findings, target, dropped)


def _route_key(f: Finding) -> tuple:
    """Which route a finding is about (names alone repeat across files)."""
    return (f.route, f.route_at)


def _routes_by_key(model: PolicyModel | None) -> dict[tuple, Route]:
    found: dict[tuple, Route] = {}
    for route in getattr(model, "routes", ()) or ():
        found.setdefault((route.name, route.source), route)
    return found


def _preflight_answer(f: Finding, routes: dict[tuple, Route]):
    """What identifies the answer to the preflight ``f``'s request gets: the
    branch answering OPTIONS for its origin (the origin when the model cannot
    tell)."""
    route = routes.get(_route_key(f))
    branch = route.branch_for("OPTIONS", f.stop.origin) if route is not None else None
    return id(branch) if branch is not None else ("origin", f.stop.origin)


def _stopped_requests(findings: list[Finding], model, target: dict[int, int]) -> None:
    """A finding at a later step of a preflight a certain finding already
    stops (same route, same answering branch, a credentials mode the earlier
    failure concerns) folds into the earliest such finding."""
    routes = _routes_by_key(model)
    blockers: dict[tuple, list[int]] = {}
    answers: dict[int, object] = {}
    for i, f in enumerate(findings):
        # Only failures of the preflight itself: a finding about an actual
        # answer names one example request, and may concern simple requests
        # (no preflight) as much (CORS402's missing 'always' on a 404).
        if f.stop is None or not f.stop.on_preflight or f.route_at is None:
            continue
        answers[i] = _preflight_answer(f, routes)
        if f.stop.on_preflight and f.stop.step in PREFLIGHT_STOPS and f.severity in CERTAIN:
            blockers.setdefault(_route_key(f) + (answers[i],), []).append(i)
    for i, answer in answers.items():
        f = findings[i]
        eligible = [b for b in blockers.get(_route_key(f) + (answer,), ())
                    if b != i and findings[b].stop.step < f.stop.step
                    and (f.stop.credentials or not findings[b].stop.credentials_only)]
        if eligible:
            target[i] = min(eligible, key=lambda b: (findings[b].stop.step, b))


def _same_failure(findings: list[Finding], target: dict[int, int]) -> None:
    """A finding predicting the failure another rule reports as its cause, on
    the same route, folds into that rule's finding."""
    causes: dict[tuple, int] = {}
    for i, f in enumerate(findings):
        if f.route_at is None:
            continue  # no route to be the same one
        if f.stop is not None and CAUSE_OF.get(f.stop.kind) == f.code and f.severity in CERTAIN:
            causes.setdefault((f.code,) + _route_key(f), i)
    for i, f in enumerate(findings):
        if i in target or f.stop is None or f.route_at is None:
            continue
        cause = CAUSE_OF.get(f.stop.kind)
        if cause is None or cause == f.code:
            continue
        j = causes.get((cause,) + _route_key(f))
        if j is not None:
            target[i] = j


def _admits_any(model: PolicyModel | None) -> set[Source]:
    """Places of allowlist entries that admit every origin."""
    found: set[Source] = set()
    for _, matcher in allowlist.uses(model) if model is not None else ():
        if matcher.source is not None and matcher.source not in found and allowlist.analyse(matcher).admits_any:
            found.add(matcher.source)
    return found


def _any_origin_entries(findings: list[Finding], model, target: dict[int, int], dropped: set[int]) -> None:
    """CORS104/CORS106 on an entry that admits every origin: such an entry
    echoes every origin, which is CORS105's case. They fold into the
    reflection finding on the answer it feeds (the same route; for an entry
    no route consults, as an Apache ``SetEnvIf Origin`` feeding an env
    variable, the same file); else the first of them on the entry stands for
    the others. On a route that answers every origin without credentials they
    are no finding at all: such an echo grants exactly what '*' grants
    (CORS105's page), and CORS108 still says where 'Vary: Origin' is missing."""
    implied = [i for i, f in enumerate(findings) if f.code in IMPLIED_BY_ANY_ORIGIN and i not in target]
    if not implied:
        return
    everyone = _admits_any(model)
    routes = _routes_by_key(model)
    reflections = [j for j, f in enumerate(findings) if f.code == REFLECTION and f.severity in CERTAIN]
    on_entry: dict[Source, list[int]] = {}
    for i in implied:
        if findings[i].source in everyone:
            on_entry.setdefault(findings[i].source, []).append(i)
    for indices in on_entry.values():
        indices.sort(key=lambda i: IMPLIED_BY_ANY_ORIGIN.index(findings[i].code))
        for i in indices:
            f = findings[i]
            reflection = next((j for j in reflections if (_route_key(findings[j]) == _route_key(f) if f.route
                                                          else findings[j].file == f.file)), None)
            route = routes.get(_route_key(f))
            if reflection is not None:
                target[i] = reflection
            elif route is not None and _echoes_everyone_without_credentials(route):
                dropped.add(i)
            elif i != indices[0]:
                target[i] = indices[0]


def _one_pattern(findings: list[Finding], target: dict[int, int]) -> None:
    """CORS107/CORS104 on the entry a failing CORS106 (else CORS101) finding
    names fold into it (one entry, one fix)."""
    permissive: dict[tuple, int] = {}
    for code in ENTRY_CAUSES:   # CORS106 first: a permissive pattern's fix covers the most
        for i, f in enumerate(findings):
            if f.code == code and f.severity in ("warning", *CERTAIN) and i not in target:
                permissive.setdefault((f.source, _route_key(f)), i)
    for i, f in enumerate(findings):
        if f.code in SAME_PATTERN and i not in target:
            j = permissive.get((f.source, _route_key(f)))
            if j is not None:
                target[i] = j


def _echoes_everyone_without_credentials(route: Route) -> bool:
    allowed, credentials = allowlist.grants(route, allowlist.ANY_ORIGIN)
    return allowed and not credentials


def _apply(findings: list[Finding], target: dict[int, int], dropped: set[int]) -> list[Finding]:
    def root(i: int) -> int:
        seen = {i}
        while i in target and target[i] not in seen:
            i = target[i]
            seen.add(i)
        return i

    gathered: dict[int, list[Finding]] = {}
    for i in target:
        r = root(i)
        if r != i:
            gathered.setdefault(r, []).append(findings[i])
    out = []
    for i, f in enumerate(findings):
        if root(i) != i or i in dropped:
            continue
        if i in gathered:
            f = absorb(f, gathered[i])
        out.append(f)
    return out


def absorb(finding: Finding, others: Iterable[Finding], *, copies: bool = False) -> Finding:
    """``finding`` standing for ``others`` too: their places related, their
    own folded findings and (unless they are ``copies`` of ``finding`` made
    by other routes) them folded, the higher severity kept."""
    folded = list(finding.folded)
    related = list(finding.related)
    severity = finding.severity
    for other in others:
        mine = () if copies else (dataclasses.replace(other, folded=()),)
        for f in (*mine, *other.folded):
            if _same(f, finding) or any(_same(f, g) for g in folded):
                continue
            folded.append(f)
        for s in (other.source, *other.related):
            if s != finding.source and s not in related:
                related.append(s)
        if severity_rank(other.severity) > severity_rank(severity):
            severity = other.severity
    return dataclasses.replace(finding, folded=tuple(folded), related=tuple(related), severity=severity)


def _same(a: Finding, b: Finding) -> bool:
    return (a.code, a.source, a.message) == (b.code, b.source, b.message)


# ---------------------------------------------------------------- one place, one finding


def merge(findings: Iterable[Finding], model: PolicyModel | None) -> list[Finding]:
    """One finding per code, place and message (the words naming its route
    aside): the findings several routes make there become one, which also
    names the locations the directive is in effect in when there are several."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        message = f.message.replace(f.route, "") if f.route else f.message
        key = (f.code, f.source.file, f.source.line, f.source.column, message)
        groups.setdefault(key, []).append(f)
    in_effect = _routes_in_effect(model)
    # a server's leftover scope (Route.leftover_scope) is not a place a
    # directive "affects" in the user's eyes
    leftover = {r.source for r in getattr(model, "routes", ()) or () if r.leftover_scope}
    out = []
    for group in groups.values():
        first = absorb(group[0], group[1:], copies=True) if len(group) > 1 else group[0]
        # A finding about one preflight answer concerns the locations whose
        # preflight it fails; one about a directive's value, every location
        # the directive is in effect in.
        places = dict.fromkeys(f.route_at for f in group if f.route_at is not None
                               and f.route_at not in leftover)
        if first.stop is None or not first.stop.on_preflight:
            places.update(dict.fromkeys(in_effect.get(first.source, ())))
        if len(places) > 1:
            lines = {(s.file, s.line) for s in (first.source, *first.related)}
            related = list(first.related) + [s for s in places if (s.file, s.line) not in lines]
            first = dataclasses.replace(first, related=tuple(related))
        out.append(first)
    return _one_per_location(out)


def _one_per_location(findings: list[Finding]) -> list[Finding]:
    """The same words from the same rule on one location, written on several
    lines (the CORS block pasted into each `if ($request_method = ...)`), are
    one mistake: one finding at the first line, the copies as related places."""
    groups: dict[tuple, list[Finding]] = {}
    order: list = []   # each finding without a location, or each group, where it first appears
    for f in findings:
        if f.route_at is None:
            order.append(f)
            continue
        key = (f.code, f.route_at, f.message)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(f)
    out: list[Finding] = []
    for item in order:
        if isinstance(item, Finding):
            out.append(item)
            continue
        group = sorted(groups[item], key=Finding.sort_key)
        out.append(absorb(group[0], group[1:], copies=True) if len(group) > 1 else group[0])
    return out


def _routes_in_effect(model: PolicyModel | None) -> dict[Source, list[Source]]:
    """Place of a directive -> where the locations it is in effect in are
    written (its header emissions, allowlist entries, authentication)."""
    found: dict[Source, dict[Source, None]] = {}
    for route in getattr(model, "routes", ()) or ():
        if route.leftover_scope or not route.is_cors():
            continue
        places: set[Source] = set()
        for branch in route.branches:
            places.update(h.source for h in branch.headers)
            if branch.auth is not None:
                places.add(branch.auth)
        places.update(m.source for m in route.origin_matchers() if m.source is not None)
        for place in places:
            found.setdefault(place, {})[route.source] = None
    return {place: list(at) for place, at in found.items()}


# ---------------------------------------------------------------- saying it


def spell(finding: Finding) -> Finding:
    """The finding's message naming what it stands for."""
    if not finding.folded:
        return finding
    behind = [f for f in finding.folded if _later_step(finding, f)]
    restated = [f for f in finding.folded if not _later_step(finding, f)]
    message = finding.message.rstrip()
    if behind:
        message += (" The browser stops there and reports nothing else for these requests; once it is "
                    "fixed, it stops at " + _items(finding, behind) + ".")
    if restated:
        message += " It also stands for " + _items(finding, restated, words=False) + "."
    return dataclasses.replace(finding, message=message)


def _later_step(finding: Finding, other: Finding) -> bool:
    return (finding.stop is not None and other.stop is not None and other.stop.step > finding.stop.step)


def _items(finding: Finding, others: list[Finding], words: bool = True) -> str:
    """``others`` named by code and place, with their messages (``words``)."""
    parts = []
    for f in sorted(others, key=Finding.sort_key):
        where = f"line {f.line}" if f.file == finding.file else f"{f.file}:{f.line}"
        parts.append(f"{f.code} at {where}" + (f" ({f.message.rstrip().rstrip('.')})" if words else ""))
    if len(parts) == 1:
        return parts[0]
    return "; ".join(parts[:-1]) + ("; and " if words else " and ") + parts[-1]


__all__ = ["CAUSE_OF", "IMPLIED_BY_ANY_ORIGIN", "absorb", "fold", "merge", "spell"]
