"""CORS304 preflight-missing-allow-origin: the branch that answers ``OPTIONS``
returns 2xx without ``Access-Control-Allow-Origin`` while the route's other
answers send it (classically nginx ``add_header`` inside
``if ($request_method = OPTIONS)`` hiding the outer ones).

See ``corslint explain CORS304``.
"""

from __future__ import annotations

from .. import engine
from ._base import reporter
from ._preflight import (
    ACAO,
    branch_anchor,
    concrete_ok,
    expects_preflight,
    header_unknown,
    intended_request,
    is_actual_branch,
    options_answers,
    preflight_routes,
    route_emissions,
    sent,
)

CODE = "CORS304"
NAME = "preflight-missing-allow-origin"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("error",)
SUMMARY = "The preflight answer carries no Access-Control-Allow-Origin while the other answers do"
# What must change, worded per frontend by corslint.fixes.
FIX = "send-allow-origin-on-preflight"
report = reporter(CODE, SEVERITY, FIX)


def check(model):
    for route in preflight_routes(model):
        if not expects_preflight(route):
            continue
        for pf in options_answers(route):
            ans = pf.answer
            branch = pf.branch
            if not concrete_ok(pf) or sent(ans, ACAO) or header_unknown(ans, ACAO):
                continue
            actual = [b for b in route.branches
                      if b is not branch and is_actual_branch(b) and b.emissions(ACAO)]
            withheld = [h for h in ans.withheld if h.lname == ACAO]
            if not actual and not withheld:
                continue  # the route sends no ACAO anywhere else: not this rule's case
            req = intended_request(route, pf.origin)
            failure = engine.check_preflight(req, ans.response)
            if failure is None or failure.kind is not engine.FailureKind.PREFLIGHT_MISSING_ALLOW_ORIGIN:
                continue
            status = ans.response.status
            hidden = [(s, h) for s in branch.shadowed for h in s.emissions if h.lname == ACAO]
            if withheld:
                where = withheld[0].source
                why = f"it is set for success answers only, and {status} is not one of them"
                related = [h.source for h in withheld[1:]]
            elif hidden:
                where = branch_anchor(branch)
                shadow = hidden[0][0]
                why = f"{shadow.by_what or 'the inner add_header'} hides the outer one"
                related = [h.source for _, h in hidden]
            else:
                where = branch_anchor(branch)
                why = "the preflight branch never sets it"
                related = [h.source for h in route_emissions(route, ACAO, branches=actual)]
            yield report(
                f"The preflight answer ({status}) carries no Access-Control-Allow-Origin although "
                f"the other answers of this {route.scope_noun} send it: {why}.",
                where, failure=failure, request=req, route=route, related=related,
            )
