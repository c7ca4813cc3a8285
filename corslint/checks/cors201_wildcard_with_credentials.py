"""CORS201 wildcard-with-credentials: ``Access-Control-Allow-Origin: *`` sent
together with ``Access-Control-Allow-Credentials: true``.

Browsers refuse the answer to every credentialed request; see
``corslint explain CORS201``.
"""

from __future__ import annotations

from .. import engine
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer_branch, request, scenario_branches
from ._base import cors_routes, reporter

CODE = "CORS201"
NAME = "wildcard-with-credentials"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("error",)
SUMMARY = "Access-Control-Allow-Origin '*' together with Access-Control-Allow-Credentials: true"
# What must change, worded per frontend by corslint.fixes.
FIX = "send-origin-not-wildcard"
report = reporter(CODE, SEVERITY, FIX)


def check(model):
    for route in cors_routes(model):
        refused = _refused(route)
        if refused is not None:
            yield refused
            continue
        for branch, method, origin in scenario_branches(route):
            ans = answer_branch(branch, origin, credentials=True, preflight=method == "OPTIONS")
            acao = [(h, v) for h, v in ans.sent if h.lname == "access-control-allow-origin" and v.strip() == "*"]
            acac = [(h, v) for h, v in ans.sent if h.lname == "access-control-allow-credentials"]
            if not acao or not any(v == "true" for _, v in acac):
                continue
            if method == "OPTIONS":
                req = request(route, origin, method="PUT", credentials=True)
                failure = engine.check_preflight(req, ans.response)
            else:
                req = request(route, origin, method=method, credentials=True)
                failure = engine.check_cors(req, ans.response)
            where = acao[0][0]
            if method == "OPTIONS" and _echoed_elsewhere(route, where):
                continue
            yield report(
                "Access-Control-Allow-Origin is '*' while Access-Control-Allow-Credentials is "
                "'true': browsers block every request made with credentials.",
                where.source, failure=failure, request=req, route=route,
                related=[h.source for h, _ in acac],
            )


def _refused(route):
    """The configuration asks for '*' with credentials and the CORS layer
    refuses it at run time: no answer carries Access-Control-Allow-Origin
    and every one is the same server error (Quart-CORS raises on every
    response, which Quart answers with 500). One finding, at the setting."""
    configured = {h.lname: h for h in route.configured_headers}
    star, creds = configured.get("access-control-allow-origin"), configured.get("access-control-allow-credentials")
    if star is None or creds is None or star.raw.strip() != "*" or creds.raw.strip() != "true":
        return None
    outcomes = {b.outcome.status for b in route.branches}
    if not route.branches or len(outcomes) != 1 or (outcomes.pop() or 0) < 500 or \
            any(b.emissions("access-control-allow-origin") for b in route.branches):
        return None
    branch = route.branches[-1]
    req = request(route, DEFAULT_PAGE_ORIGIN, method="GET", credentials=False)
    ans = answer_branch(branch, DEFAULT_PAGE_ORIGIN, credentials=False, preflight=False)
    reason = branch.outcome.reason or f"every answer is {branch.outcome.status}"
    return report(
        f"Access-Control-Allow-Origin '*' is configured with Access-Control-Allow-Credentials 'true', "
        f"which is refused at run time ({reason}): no answer carries CORS headers and browsers "
        "block every cross-origin request.",
        star.source, failure=engine.check_cors(req, ans.response), request=req, route=route,
        related=[creds.source],
    )


def _echoed_elsewhere(route, star) -> bool:
    """The setting that answers the preflight with '*' echoes the Origin
    unchecked on the route's other answers (Litestar's ``"*"`` with
    credentials echoes it to requests carrying cookies): one mistake, which
    CORS105 names where the harm is, reading the answers."""
    return any(h is not star and h.lname == "access-control-allow-origin" and h.source == star.source
               and h.value.reflects_unchecked
               for branch in route.branches if branch.methods is None or branch.methods - {"OPTIONS"}
               for h in branch.headers)
