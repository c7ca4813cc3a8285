"""CORS301 preflight-not-handled: a route that evidently expects preflighted
requests answers ``OPTIONS`` with an error status the config itself decides
(static files 405, ``limit_except`` 403, ``return 404``...).

The browser's preflight needs a 2xx; any other status stops the real request.
See ``corslint explain CORS301``.
"""

from __future__ import annotations

from .. import engine
from ._base import reporter
from ._preflight import expects_preflight, intended_request, options_answers, preflight_routes

CODE = "CORS301"
NAME = "preflight-not-handled"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("error",)
SUMMARY = "OPTIONS on a CORS route gets no 2xx answer, so every preflight fails"
# What must change, worded per frontend by corslint.fixes.
FIX = "answer-preflight-before-handlers"
report = reporter(CODE, SEVERITY, FIX)

# Status codes that are no HTTP answer at all (nginx closes the connection).
_NO_RESPONSE = {444}


def check(model):
    for route in preflight_routes(model):
        if not expects_preflight(route):
            continue
        for pf in options_answers(route):
            ans = pf.answer
            outcome = pf.branch.outcome
            if ans.auth_blocked or outcome.status is None or outcome.status in _NO_RESPONSE:
                continue  # CORS302 (auth), or the upstream / app decides
            status = outcome.status
            if 200 <= status < 300 or ans.response.is_redirect:
                continue  # fine, or CORS303
            req = intended_request(route, pf.origin)
            failure = engine.check_preflight(req, ans.response)
            if failure is None:
                continue
            why = outcome.reason or f"status {status}"
            yield report(
                f"OPTIONS requests here are answered {status} ({why}), so every CORS preflight "
                f"fails and the request that needed it is never sent.",
                outcome.source, failure=failure, request=req, route=route,
            )
