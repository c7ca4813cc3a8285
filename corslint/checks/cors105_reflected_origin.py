"""CORS105 reflected-origin: ``Access-Control-Allow-Origin`` echoes the
request's ``Origin`` with no allowlist in front of it.

With ``Access-Control-Allow-Credentials: true`` echoing every origin lets any
site read authenticated responses. Without credentials an echo grants exactly
what ``*`` grants (Flask-CORS's default answers so): no finding then, and
CORS108 still says where ``Vary: Origin`` is missing. No browser error follows:
the browser allows it, which is the problem. See ``corslint explain CORS105``.
"""

from __future__ import annotations


from ..model import Branch, HeaderEmission, OriginMap, Source
from ..scenarios import answer_branch
from ._base import cors_routes, reporter

CODE = "CORS105"
NAME = "reflected-origin"
SEVERITY = "critical"
CATEGORY = "security"
LEVELS = ("info", "critical")
SUMMARY = "Access-Control-Allow-Origin echoes the request's Origin without checking it"
# What must change, worded per frontend by corslint.fixes.
FIX = "reflect-only-allowlisted-origins"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"

# Origins no allowlist means to admit; the first one a branch lets through is
# the one the finding names.
ATTACKER_ORIGINS = ("https://evil.example", "https://attacker.example", "http://evil.example")


def _attacker_origin(branch: Branch) -> str | None:
    """An attacker origin the branch answers, or None when its origin tests
    form an allowlist (a test that must hold: CORS106 judges how tight it is)."""
    if any(t.expect for t in branch.origin_tests):
        return None
    for origin in ATTACKER_ORIGINS:
        if all(t.holds(origin) for t in branch.origin_tests):
            return origin
    return None


def _stock_error(branch: Branch) -> bool:
    """The branch answers a fixed error status of the server's own: there is
    nothing behind it worth reading."""
    status = branch.outcome.status
    return status is not None and status >= 400 and branch.outcome.delegate is None


def _via_map_default(emission: HeaderEmission) -> OriginMap | None:
    for part in emission.value.parts:
        if isinstance(part, OriginMap) and part.default.reflects_unchecked:
            return part
    return None


class _Seen:
    def __init__(self, emission: HeaderEmission, origin: str, route):
        self.emission = emission
        self.route = route
        self.origin = origin
        self.credentials = False
        self.actual = False          # reaches a non-preflight answer
        self.related: list[Source] = []
        # The conditions the echo waits for that corslint cannot decide, per
        # reflecting answer; () for an answer that echoes unconditionally.
        self.gates: list[tuple[str, ...]] = []


def check(model):
    found: dict[tuple, _Seen] = {}
    for route in cors_routes(model):
        for branch in route.branches:
            origin = _attacker_origin(branch)
            if origin is None or _stock_error(branch):
                continue
            methods = branch.methods if branch.methods is not None else frozenset({"GET"})
            preflight_only = methods <= {"OPTIONS"}
            ans = answer_branch(branch, origin, credentials=True, preflight=preflight_only)
            sent = {id(h): text for h, text in ans.sent}
            for h in branch.headers:
                if h.lname != ACAO or not h.value.reflects_unchecked:
                    continue
                if sent.get(id(h)) != origin:
                    continue
                key = (h.source, h.raw)
                seen = found.get(key)
                if seen is None:
                    seen = found[key] = _Seen(h, origin, route)
                acac = [e for e, text in ans.sent if e.lname == ACAC and text.strip() == "true"]
                if acac:
                    # the echo's conditions corslint cannot decide, kept only
                    # when every one is a gate set by configuration unseen
                    unseen = branch.opaque_conditions and set(branch.opaque_conditions) <= set(branch.config_gates)
                    seen.gates.append(tuple(branch.opaque_conditions) if unseen else ())
                    seen.credentials = True
                    seen.related += [e.source for e in acac]
                if not preflight_only:
                    seen.actual = True
    # An echo on a route's preflight answer beside one on its actual answers
    # is one mistake, said at the actual one (reading responses is the harm).
    actual_on: dict[int, _Seen] = {}
    for seen in found.values():
        if seen.credentials and seen.actual and not _unseen_gate(seen.gates):
            actual_on.setdefault(id(seen.route), seen)
    for seen in list(found.values()):
        main = actual_on.get(id(seen.route))
        if main is not None and seen is not main and not seen.actual and seen.credentials:
            main.related += [seen.emission.source, *seen.related]
            seen.credentials = False   # said by ``main``
    for seen in sorted(found.values(), key=lambda s: (s.emission.source.file, s.emission.source.line,
                                                      s.emission.source.column)):
        if not seen.credentials:
            continue  # the echo grants what '*' grants (or another finding says it)
        h = seen.emission
        related = list(seen.related)
        omap = _via_map_default(h)
        what = "Access-Control-Allow-Origin reflects the request's Origin unchecked"
        if omap is not None:
            what = ("Access-Control-Allow-Origin reflects the request's Origin unchecked (the "
                    "allowlist's default echoes every origin it does not list)")
            if (omap.default_source or omap.source) is not None:
                related.append(omap.default_source or omap.source)
        if seen.actual:
            message = (f"{what}, with credentials: any site, e.g. {seen.origin}, can read "
                       "authenticated responses.")
        else:
            message = (f"{what} on the preflight answer, with credentials: any site, e.g. "
                       f"{seen.origin}, may send requests with any method and header the "
                       "preflight allows, cookies included.")
        gate = _unseen_gate(seen.gates)
        if gate:
            # Every echo waits for a value set where corslint did not read
            # (a snippet's `if ($cors = 'true')`): the includer may set it only
            # after checking the Origin. A condition, said once, at info.
            reach = ("can read authenticated responses" if seen.actual else
                     "may send requests with any method and header the preflight allows, cookies included")
            yield report(f"{what}, with credentials, when {gate} (set outside what corslint read): "
                         f"unless that condition checks the Origin, any site, e.g. {seen.origin}, {reach}.",
                         h.source, level="info", route=seen.route, related=related)
            continue
        yield report(message, h.source, route=seen.route, related=related)


def _unseen_gate(gates: list[tuple[str, ...]]) -> str:
    """The conditions every reflecting answer waits for, when each waits for
    gates on values set by configuration corslint did not read
    (``Branch.config_gates``); "" otherwise."""
    if not gates or any(not g for g in gates):
        return ""
    conditions = list(dict.fromkeys(c for g in gates for c in g))
    return " and ".join(f"'{c}' holds" for c in conditions)
