"""CORS302 preflight-requires-auth: authentication (auth_basic, auth_request,
auth_jwt, auth inside limit_except) also applies to ``OPTIONS``.

Preflights never carry credentials, so they get 401 and the authenticated
request is never sent. See ``corslint explain CORS302``.
"""

from __future__ import annotations

from .. import engine
from ._base import reporter
from ._preflight import expects_preflight, intended_request, options_answers, preflight_routes

CODE = "CORS302"
NAME = "preflight-requires-auth"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("error",)
SUMMARY = "Authentication applies to OPTIONS, so preflights (sent without credentials) get 401"
# What must change, worded per frontend by corslint.fixes.
FIX = "answer-preflight-before-auth"
report = reporter(CODE, SEVERITY, FIX)


def check(model):
    for route in preflight_routes(model):
        if not expects_preflight(route):
            continue
        for pf in options_answers(route):
            branch = pf.branch
            if branch.auth is None or not pf.answer.auth_blocked:
                continue
            req = intended_request(route, pf.origin)
            failure = engine.check_preflight(req, pf.answer.response)
            if failure is None:
                continue
            what = branch.auth_what or "authentication"
            yield report(
                f"{what} also applies to OPTIONS: CORS preflights carry no credentials, so they "
                f"get 401 and the authenticated request is never sent.",
                branch.auth, failure=failure, request=req, route=route,
            )
