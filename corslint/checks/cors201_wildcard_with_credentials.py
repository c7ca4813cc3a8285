"""CORS201 wildcard-with-credentials: ``Access-Control-Allow-Origin: *`` sent
together with ``Access-Control-Allow-Credentials: true``.

Browsers refuse the answer to every credentialed request; see
``corslint explain CORS201``.
"""

from __future__ import annotations

from .. import engine
from ..scenarios import answer_branch, request, scenario_branches
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
            yield report(
                "Access-Control-Allow-Origin is '*' while Access-Control-Allow-Credentials is "
                "'true': browsers block every request made with credentials.",
                where.source, failure=failure, request=req, route=route,
                related=[h.source for h, _ in acac],
            )
