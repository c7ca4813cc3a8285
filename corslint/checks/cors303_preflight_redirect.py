"""CORS303 preflight-redirect: a redirect (``return 301/302/307/308``,
``rewrite ... redirect|permanent``) answers ``OPTIONS`` on a route that
evidently expects preflighted requests.

Browsers never follow a redirect for a preflight. See ``corslint explain CORS303``.
"""

from __future__ import annotations

from .. import engine
from ..scenarios import answer_branch
from ._base import reporter
from ._preflight import (
    expects_preflight,
    intended_request,
    opaque_options_branches,
    options_answers,
    preflight_routes,
)

CODE = "CORS303"
NAME = "preflight-redirect"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("warning", "error")
SUMMARY = "OPTIONS on a CORS route is redirected; browsers do not follow redirects for preflights"
# What must change, worded per frontend by corslint.fixes.
FIX = "answer-preflight-before-redirect"
report = reporter(CODE, SEVERITY, FIX)


def check(model):
    for route in preflight_routes(model):
        if not expects_preflight(route):
            continue
        for pf in options_answers(route):
            req = intended_request(route, pf.origin)
            # Redirects behind conditions corslint cannot evaluate may come first.
            for branch in opaque_options_branches(route, pf.origin):
                ans = answer_branch(branch, pf.origin, credentials=pf.credentials, preflight=True,
                                    route=route)
                if not ans.response.is_redirect:
                    continue
                failure = engine.check_preflight(req, ans.response)
                if failure is None:
                    continue
                when = " and ".join(branch.opaque_conditions)
                yield report(
                    f"OPTIONS requests here are redirected ({branch.outcome.reason}) when {when}, "
                    f"and browsers never follow a redirect for a CORS preflight.",
                    branch.outcome.source, level="warning", failure=failure, request=req, route=route,
                )
            ans = pf.answer
            if not ans.response.is_redirect or ans.auth_blocked:
                continue
            failure = engine.check_preflight(req, ans.response)
            if failure is None:
                continue
            yield report(
                f"OPTIONS requests here are redirected ({pf.branch.outcome.reason}), and browsers "
                f"never follow a redirect for a CORS preflight.",
                pf.branch.outcome.source, failure=failure, request=req, route=route,
            )
