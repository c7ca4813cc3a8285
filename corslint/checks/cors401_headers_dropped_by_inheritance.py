"""CORS401 headers-dropped-by-inheritance: CORS headers set in an outer scope
vanish in an inner one because the inner scope defines headers of its own
(nginx: any ``add_header`` at a level, an ``if`` included, replaces every
inherited one).

Without the inherited Access-Control-Allow-Origin the browser blocks the
answer; see ``corslint explain CORS401``. A preflight-only branch that loses
its ACAO is CORS304's finding.
"""

from __future__ import annotations

import os

from .. import engine
from ..model import Branch, HeaderEmission, Route, Shadowed, Source
from ..scenarios import answer_branch, branch_origin, page_origin, request, request_order
from ._base import join_and, reporter

CODE = "CORS401"
NAME = "headers-dropped-by-inheritance"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("warning", "error")
SUMMARY = "CORS headers from an outer scope are not sent where an inner scope adds its own headers"
# What must change, worded per frontend by corslint.fixes.
FIX = "repeat-headers-in-inner-scope"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
# Headers only a preflight answer needs; anything else Access-Control-* counts
# on every answer.
PREFLIGHT_ONLY = frozenset({
    "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age",
})


def _is_cors_header(h: HeaderEmission) -> bool:
    if h.lname.startswith("access-control-"):
        return True
    return h.lname == "vary" and "origin" in (h.value.render() + " " + h.raw).lower()


def _sends(branch: Branch, lost: HeaderEmission) -> bool:
    """The branch sends the lost header itself (for Vary: one naming Origin)."""
    own = branch.emissions(lost.name)
    if lost.lname == "vary":
        return any("origin" in (h.value.render() + " " + h.raw).lower() for h in own)
    return bool(own)


def _matters(branch: Branch, lost: HeaderEmission) -> bool:
    """Whether losing ``lost`` changes what a browser does on this branch."""
    handles_options = branch.methods is None or "OPTIONS" in branch.methods
    if lost.lname == "vary":
        # Vary: Origin matters where the branch's own ACAO depends on the
        # Origin; a lost ACAO is a finding of its own and takes Vary along.
        return any(h.value.depends_on_origin for h in branch.emissions(ACAO))
    if lost.lname in PREFLIGHT_ONLY:
        return handles_options
    return True


def _where(lost: list[HeaderEmission], by: Source) -> str:
    """'line 5', 'lines 5 and 6', 'lines 1 and 2 of cors.conf'."""
    by_file: dict[str, list[int]] = {}
    for h in lost:
        lines = by_file.setdefault(h.source.file, [])
        if h.source.line not in lines:
            lines.append(h.source.line)
    spots = []
    for file, lines in by_file.items():
        spot = ("line " if len(lines) == 1 else "lines ") + join_and([str(n) for n in lines])
        if file != by.file:
            spot += f" of {os.path.basename(file)}"
        spots.append(spot)
    return "; ".join(spots)


def _names(lost: list[HeaderEmission]) -> str:
    return join_and(list(dict.fromkeys(h.name if h.lname != "vary" else "Vary: Origin" for h in lost)))


def _failure(route: Route, branch: Branch, lost: list[HeaderEmission]):
    """The browser's verdict on an actual request this branch answers."""
    methods = sorted(m for m in (branch.methods or {"GET"}) if m != "OPTIONS")
    method = "GET" if "GET" in methods else methods[0]
    origin = branch_origin(route, branch, method) or page_origin(route)
    credentials = any(h.lname == ACAC and h.value.literal_text == "true"
                      for h in list(lost) + list(branch.headers))
    ans = answer_branch(branch, origin, credentials=credentials)
    if not ans.complete:
        return None, None
    req = request(route, origin, method=method, credentials=credentials)
    return engine.check_cors(req, ans.response), req


class _Loss:
    def __init__(self, shadow: Shadowed, route: Route):
        self.shadow = shadow
        self.route = route
        self.lost: dict[tuple, HeaderEmission] = {}
        self.failure = None
        self.request = None


def check(model):
    found: dict[Source, _Loss] = {}
    for route in model.routes:
        if not route.browser_reachable:
            continue  # what its answers lose never reaches a browser as such
        # the branch a plain GET reaches first: its answer is the one the
        # finding's browser texts describe
        for branch in sorted(route.branches, key=request_order):
            if branch.methods is not None and branch.methods <= {"OPTIONS"}:
                continue  # a preflight-only branch: CORS304
            for shadow in branch.shadowed:
                lost = [h for h in shadow.emissions if _is_cors_header(h) and not _sends(branch, h)]
                if not any(_matters(branch, h) for h in lost):
                    continue
                loss = found.get(shadow.by)
                if loss is None:
                    loss = found[shadow.by] = _Loss(shadow, route)
                for h in lost:
                    loss.lost.setdefault((h.source, h.lname), h)
                if loss.failure is None:
                    loss.failure, loss.request = _failure(route, branch, lost)
                    if loss.failure is None:
                        loss.request = None
    for by, loss in sorted(found.items(), key=lambda kv: (kv[0].file, kv[0].line, kv[0].column)):
        lost = sorted(loss.lost.values(), key=lambda h: (h.source.file, h.source.line, h.source.column))
        verb = "is" if len(lost) == 1 else "are"
        scope = loss.shadow.by_what or "this scope"
        message = (f"Headers set here ({scope}) replace the inherited ones, so {_names(lost)} "
                   f"({_where(lost, by)}) {verb} not sent on answers from this scope.")
        blocking = loss.failure is not None or any(h.lname in (ACAO, ACAC) for h in lost)
        level = None if blocking else "warning"
        yield report(message, by, level=level, failure=loss.failure, request=loss.request,
                     route=loss.route, related=[h.source for h in lost])
