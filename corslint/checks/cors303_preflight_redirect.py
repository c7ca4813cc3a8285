"""CORS303 preflight-redirect: a redirect (``return 301/302/307/308``,
``rewrite ... redirect|permanent``) answers ``OPTIONS`` on a route that
evidently expects preflighted requests.

Browsers never follow a redirect for a preflight. See ``corslint explain CORS303``.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from .. import engine
from ..scenarios import answer_branch, api_url
from ._base import reporter
from ._preflight import (
    expects_preflight,
    proxies_to_app,
    intended_request,
    opaque_options_branches,
    options_answers,
    preflight_origins,
    preflight_routes,
)
from ._redirects import parse_location, route_serving, same_origin_path

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
    expecting = [r for r in preflight_routes(model) if expects_preflight(r)]
    yield from _redirects_into(model, expecting)
    yield from _moved_api_paths(model, expecting)
    for route in expecting:
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


def _moved_api_paths(model, expecting):
    """A CORS route whose OPTIONS answer is a redirect to a path of its own
    origin that an application answers (an API prefix moved: `RewriteRule
    ^/api/(.*)$ /$1 [R=301]` beside `ProxyPass /`), though nothing in the config names a
    preflighted request: simple requests follow the redirect, JSON bodies
    (the usual call to an application) need a preflight and fail on it. The
    guess CORS306 makes for Content-Type on a proxied API, so a warning. A
    redirect to another origin is CORS403's."""
    judged = {id(r) for r in expecting}
    seen: set = set()
    for route in preflight_routes(model):
        if id(route) in judged or route.not_browser_reachable:
            continue
        moved = _same_origin_redirect(route)
        if moved is None or moved[0].opaque_conditions or moved[0].outcome.source in seen:
            continue
        branch, path = moved
        target = route_serving(model.routes, route, path)
        if target is None or not proxies_to_app(target):
            continue   # the old path now points at files, or at nothing corslint can tell
        origin = preflight_origins(route)[0]
        req = intended_request(route, origin, method="POST", headers=(("Content-Type", "application/json"),))
        failure = _redirect_failure(branch, route, origin, req)
        if failure is None:
            continue
        seen.add(branch.outcome.source)
        yield report(
            f"OPTIONS requests here are redirected ({branch.outcome.reason}) to a path an application "
            "answers: simple requests follow the redirect, but a request with a JSON body "
            "(or a custom header, PUT or DELETE) needs a preflight, and browsers never follow a "
            "redirect for one.", branch.outcome.source, level="warning", failure=failure, request=req,
            route=route)


def _redirect_failure(branch, route, origin: str, req):
    """The browser's verdict on the preflight ``req`` when ``branch`` answers
    it with a redirect (not an authentication refusal first); None when it
    answers otherwise or the browser lets it pass."""
    ans = answer_branch(branch, origin, credentials=req.credentials, preflight=True, route=route)
    if ans.auth_blocked or not ans.response.is_redirect:
        return None
    return engine.check_preflight(req, ans.response)


def _same_origin_redirect(route):
    """(branch, path) when the route answers OPTIONS with a redirect to a
    path of its own origin, else None."""
    branch = route.branch_for("OPTIONS", None)
    if branch is None or not branch.outcome.is_redirect:
        return None
    loc = parse_location(branch.outcome.location, route)
    path = same_origin_path(loc, route) if loc is not None else None
    return (branch, path) if path is not None else None


def _redirects_into(model, expecting):
    """A route without CORS answers of its own whose OPTIONS answer redirects
    to a path of the same origin that a route expecting preflights serves
    (`location = /data { return 301 /data/; }` beside the CORS location
    /data/), directly or through further redirects: the page calls the old
    path, and its preflight meets the redirect before the CORS answers."""
    judged = {id(r) for r in expecting}
    for route in model.routes:
        if id(route) in judged or route.not_browser_reachable:
            continue
        first = _same_origin_redirect(route)
        if first is None:
            continue
        branch, path = first
        target, hop = None, first
        for _ in range(4):   # a few hops; a loop of redirects ends here
            target = route_serving(model.routes, route, hop[1])
            if target is None or id(target) in judged:
                break
            hop = _same_origin_redirect(target)
            if hop is None:
                target = None
                break
        if target is None or id(target) not in judged:
            continue
        origin = preflight_origins(target)[0]
        req = dataclasses.replace(intended_request(target, origin), url=api_url(route))
        failure = _redirect_failure(branch, route, origin, req)
        if failure is None:
            continue
        asked = urlsplit(req.url).path
        yield report(
            f"OPTIONS requests to {asked} are redirected ({branch.outcome.reason}) to {path}, where "
            f"{target.name} answers with CORS headers that expect preflighted requests; browsers "
            f"never follow a redirect for a CORS preflight, so those requests fail at {asked}.",
            branch.outcome.source, failure=failure, request=req, route=route,
            related=[target.source],
        )

