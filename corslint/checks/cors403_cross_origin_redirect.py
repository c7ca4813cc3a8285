"""CORS403 cross-origin-redirect: a CORS route answers requests with a
redirect to another origin (another host, or http -> https).

A browser follows such a redirect for a cross-origin request only if the 3xx
itself passes the CORS check, and then sends ``Origin: null`` to the new
origin (the request's origin is tainted), which that origin must allow; see
``corslint explain CORS403``. Redirected preflights are CORS303's finding.
"""

from __future__ import annotations

from .. import engine
from ..engine import HttpResponse
from ..model import Branch, Route, Source
from ..scenarios import answer, api_url, branch_origin, page_origin, request
from ._base import cors_routes, reporter
from ._redirects import Location, parse_location, redirect_response

CODE = "CORS403"
NAME = "cross-origin-redirect"
SEVERITY = "warning"
CATEGORY = "browser-blocks"
LEVELS = ("warning",)
SUMMARY = "A CORS route redirects requests to another origin"
# What must change, worded per frontend by corslint.fixes.
FIX = "avoid-cross-origin-redirect"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


def _route_hosts(route: Route) -> set[str]:
    return {h.lower() for h in route.hosts if "*" not in h and "~" not in h and not h.startswith(".")}


def _other_origin(loc: Location, route: Route) -> tuple[bool, str] | None:
    """(True, how) when the Location is another origin than the route's,
    None when it is the same or cannot be told."""
    if loc.relative:
        return None
    api = api_url(route)
    api_scheme = api.split("://", 1)[0]
    if loc.scheme is not None and loc.scheme != api_scheme:
        if loc.same_host:
            return True, (f"Location's host is the request's own ({loc.host_var}), but the scheme "
                          f"changes from {api_scheme} to {loc.scheme}")
        if loc.host is None:
            return True, (f"Location's host is unknown, but the scheme changes from "
                          f"{api_scheme} to {loc.scheme}")
        return True, f"{loc.scheme}://{loc.host}{(':' + loc.port) if loc.port else ''}"
    if loc.host is None or loc.same_host:
        return None
    hosts = _route_hosts(route)
    if not hosts:
        return None  # the route's own host is not known
    if loc.host in hosts:
        return None  # one of the server's own names
    return True, f"{loc.scheme}://{loc.host}{(':' + loc.port) if loc.port else ''}"


def _method(branch: Branch) -> str | None:
    methods = sorted(m for m in (branch.methods or {"GET"}) if m != "OPTIONS")
    if not methods:
        return None
    return "GET" if "GET" in methods else methods[0]


class _Hop:
    def __init__(self, source: Source, route: Route, status: int, target: str):
        self.source = source
        self.route = route
        self.status = status
        self.target = target
        self.failure = None
        self.request = None
        self.followed = False   # the failure is the next hop's, after the redirect


def _next_hop(model, req, redirect: HttpResponse):
    """The failure at the redirect's target, if the browser follows it.

    The request arrives there with 'Origin: null' (the origin is tainted by the
    cross-origin redirect). When the target is a route in the linted config,
    its own answer is judged; otherwise the target is assumed to allow what the
    redirect allowed (the usual "API moved" case)."""
    following = engine.follow_redirect(req, redirect)
    target = _target_route(model, following.url)
    sent_origin = "null" if following.tainted else following.origin
    if target is not None:
        ans = answer(target, engine.request_method(following), sent_origin,
                     credentials=following.credentials)
        if ans is None or not ans.complete:
            return None, None
        response = ans.response
    else:
        kept = tuple((n, v) for n, v in redirect.headers
                     if n.lower() in (ACAO, ACAC, "vary"))
        response = HttpResponse(200, kept)
    failure = engine.check_cors(following, response)
    return (failure, following) if failure is not None else (None, None)


def _target_route(model, url: str) -> Route | None:
    """The route of the linted config that serves ``url``: a server with that
    host name, the longest location prefix."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.split(":")[0].lower()
    path = "/" + path
    best = None
    for route in model.routes:
        if host not in (h.lower() for h in route.hosts):
            continue
        prefix = route.path if route.path.startswith("/") else None
        if prefix is not None and path.startswith(prefix):
            if best is None or len(prefix) > len(best.path):
                best = route
    return best


def check(model):
    hops: dict[Source, _Hop] = {}
    for route in cors_routes(model):
        for branch in route.branches:
            outcome = branch.outcome
            if not outcome.is_redirect:
                continue
            method = _method(branch)
            if method is None:
                continue  # only preflights are redirected: CORS303
            loc = parse_location(outcome.location, route)
            if loc is None or loc.userinfo:
                continue  # a Location with user:password@ is never followed: CORS404
            other = _other_origin(loc, route)
            if other is None:
                continue
            hop = hops.get(outcome.source)
            if hop is None:
                hop = hops[outcome.source] = _Hop(outcome.source, route, outcome.status, other[1])
            if hop.failure is None:
                origin = branch_origin(route, branch, method) or page_origin(route)
                credentials = any(h.lname == ACAC and h.value.evaluate(origin) == "true"
                                  for h in branch.headers)
                req = request(route, origin, method=method, credentials=credentials)
                redirect = redirect_response(branch, origin, loc, credentials)
                failure = engine.check_cors(req, redirect)
                if failure is not None:
                    hop.failure, hop.request = failure, req
                else:
                    hop.failure, hop.request = _next_hop(model, req, redirect)
                    hop.followed = hop.failure is not None
    for source, hop in sorted(hops.items(), key=lambda kv: (kv[0].file, kv[0].line, kv[0].column)):
        if hop.target.startswith("Location's host"):
            where = f"another origin ({hop.target})"
            then = "the new origin"
        else:
            where = f"another origin, {hop.target}"
            then = hop.target
        if hop.followed:
            message = (f"This {hop.status} redirect sends cross-origin requests to {where}: "
                       "browsers follow it because it passes the CORS check, but then send "
                       f"'Origin: null' to {then}, whose Access-Control-Allow-Origin does not "
                       "allow that, so the request fails there.")
        elif hop.failure is not None:
            message = (f"This {hop.status} redirect sends cross-origin requests to {where} but "
                       "does not pass the CORS check itself, so browsers block it; had it passed, "
                       f"they would send 'Origin: null' to {then}.")
        else:
            message = (f"This {hop.status} redirect sends cross-origin requests to {where}: "
                       "browsers follow it because it passes the CORS check, but then send "
                       f"'Origin: null' to {then}, which must allow that.")
        yield report(message, source, failure=hop.failure, request=hop.request, route=hop.route)
