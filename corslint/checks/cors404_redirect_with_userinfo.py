"""CORS404 redirect-with-userinfo: a redirect on a CORS route whose Location
carries a user name (and password): ``https://user:secret@host/...``.

Browsers refuse to follow such a redirect for a cross-origin request (Fetch:
a CORS-mode redirect to a URL that includes credentials is a network error);
see ``corslint explain CORS404``.
"""

from __future__ import annotations

from .. import engine
from ..model import Branch, Route, Source
from ..scenarios import branch_origin, page_origin, request
from ._base import cors_routes, reporter
from ._redirects import parse_location, redirect_response

CODE = "CORS404"
NAME = "redirect-with-userinfo"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("error",)
SUMMARY = "A redirect on a CORS route puts a user name or password in the Location URL"
# What must change, worded per frontend by corslint.fixes.
FIX = "drop-userinfo-from-redirect"
report = reporter(CODE, SEVERITY, FIX)

ACAC = "access-control-allow-credentials"


def _masked(userinfo: str) -> str:
    user, sep, _ = userinfo.partition(":")
    return f"{user}:***" if sep else user


def _judge(route: Route, branch: Branch, loc):
    """The browser's verdict on the request this branch redirects."""
    methods = sorted(branch.methods or {"GET"})
    actual = [m for m in methods if m != "OPTIONS"]
    if actual:
        method = "GET" if "GET" in actual else actual[0]
        origin = branch_origin(route, branch, method) or page_origin(route)
        credentials = any(h.lname == ACAC and h.value.evaluate(origin) == "true" for h in branch.headers)
        req = request(route, origin, method=method, credentials=credentials)
        return engine.check_redirect(req, redirect_response(branch, origin, loc, credentials)), req
    # Only preflights reach it: the browser judges the redirect as a preflight
    # answer (a PUT stands for any request that needs one).
    origin = branch_origin(route, branch, "OPTIONS") or page_origin(route)
    req = request(route, origin, method="PUT")
    return engine.check_preflight(req, redirect_response(branch, origin, loc, False, preflight=True)), req


class _Hop:
    def __init__(self, route: Route, status: int, userinfo: str, host: str | None):
        self.route = route
        self.status = status
        self.userinfo = userinfo
        self.host = host
        self.failure = None
        self.request = None


def check(model):
    hops: dict[Source, _Hop] = {}
    for route in cors_routes(model):
        for branch in route.branches:
            outcome = branch.outcome
            if not outcome.is_redirect:
                continue
            loc = parse_location(outcome.location, route)
            if loc is None or not loc.userinfo:
                continue
            hop = hops.get(outcome.source)
            if hop is None:
                hop = hops[outcome.source] = _Hop(route, outcome.status, loc.userinfo, loc.host)
            if hop.failure is None:
                failure, req = _judge(route, branch, loc)
                if failure is not None:
                    hop.failure, hop.request = failure, req
    for source, hop in sorted(hops.items(), key=lambda kv: (kv[0].file, kv[0].line, kv[0].column)):
        kind = "a user name and password" if ":" in hop.userinfo else "a user name"
        target = f"{_masked(hop.userinfo)}@{hop.host}" if hop.host else f"{_masked(hop.userinfo)}@..."
        message = (f"This {hop.status} redirect's Location carries {kind} ({target}): browsers "
                   "refuse to follow it for cross-origin requests.")
        yield report(message, source, failure=hop.failure, request=hop.request, route=hop.route)
