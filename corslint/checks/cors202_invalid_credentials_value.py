"""CORS202 invalid-credentials-value: ``Access-Control-Allow-Credentials`` sent
with a value other than exactly ``true`` (``True``, ``1``, ``yes``, quoted),
or sent twice on one answer (the browser sees ``true, true``).

Browsers compare the value with ``true`` byte for byte, so every request made
with credentials is blocked. A plain ``false`` blocks nothing that was meant to
work, but says what an absent header already says; see
``corslint explain CORS202``.
"""

from __future__ import annotations

from .. import engine
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer_branch, intended_origins, request
from ._base import cors_routes, reporter

CODE = "CORS202"
NAME = "invalid-credentials-value"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("warning", "error")
SUMMARY = "Access-Control-Allow-Credentials with a value other than exactly 'true', or sent twice"
# What must change, worded per frontend by corslint.fixes.
FIX = "send-credentials-true"
REFUSAL_FIX = "drop-credentials-refusal"   # a refusing value: send no header
report = reporter(CODE, SEVERITY, FIX)

ACAC = "access-control-allow-credentials"
# Values that say "no credentials": harmless, but the header should just be left out.
_REFUSALS = frozenset({"false", "0", "no", "off"})
_ACTUAL_PREFERENCE = ("GET", "POST", "HEAD", "PUT", "PATCH", "DELETE")


def _origins(route, branch):
    """Origins whose requests this branch answers (its origin tests hold)."""
    candidates = dict.fromkeys(intended_origins(route) + [DEFAULT_PAGE_ORIGIN])
    return [o for o in candidates if all(t.holds(o) for t in branch.origin_tests)]


def _scenario_method(branch):
    """The request to judge the branch with: an actual request when the branch
    answers one, else the preflight (OPTIONS)."""
    if branch.methods is None:
        return "GET"
    for m in _ACTUAL_PREFERENCE:
        if m in branch.methods:
            return m
    return "OPTIONS" if "OPTIONS" in branch.methods else None


def _effective(sent):
    """The ACAC emissions that end up in the response, in order (a replacing
    emission removes the ones before it)."""
    out = []
    for h, text in sent:
        if h.lname != ACAC:
            continue
        if h.replaces:
            out = []
        out.append((h, text))
    return out


def _failure(route, origin, method, response):
    """The browser's verdict on a credentialed request this answer serves,
    kept only when it is the credentials complaint."""
    if method == "OPTIONS":
        req = request(route, origin, method="PUT", credentials=True)
        failure = engine.check_preflight(req, response)
    else:
        req = request(route, origin, method=method, credentials=True)
        failure = engine.check_cors(req, response)
    if failure is None or failure.kind.base is not engine.FailureKind.INVALID_ALLOW_CREDENTIALS:
        return None, None
    return failure, req


def check(model):
    for route in cors_routes(model):
        for branch in route.branches:
            method = _scenario_method(branch)
            if method is None:
                continue
            for origin in _origins(route, branch):
                ans = answer_branch(branch, origin, credentials=True, preflight=method == "OPTIONS")
                if ans.auth_blocked:
                    ans = answer_branch(branch, origin, credentials=True, preflight=False)
                sent = _effective(ans.sent)
                if not sent:
                    continue
                if len(sent) > 1:
                    failure, req = _failure(route, origin, method, ans.response)
                    combined = ", ".join(engine.http.strip_ows(t) for _, t in sent)
                    where = sent[-1][0]
                    times = "twice" if len(sent) == 2 else f"{len(sent)} times"
                    yield report(
                        f"Access-Control-Allow-Credentials is sent {times} on one answer, "
                        f"which browsers read as '{combined}', not 'true': every request made with "
                        "credentials is blocked.",
                        where.source, failure=failure, request=req, route=route,
                        related=[h.source for h, _ in sent[:-1]],
                    )
                    continue
                h, text = sent[0]
                value = engine.http.strip_ows(text)
                if value == "true":
                    continue
                if value.lower() in _REFUSALS:
                    yield report(
                        f"Access-Control-Allow-Credentials is '{value}': browsers only know 'true', "
                        "and an answer without the header already refuses credentials; send no "
                        "header instead.",
                        h.source, level="warning", route=route,
                        intent=REFUSAL_FIX,
                    )
                    continue
                # the browser's verdict only for the answers reported: most say 'true'
                failure, req = _failure(route, origin, method, ans.response)
                yield report(
                    f"Access-Control-Allow-Credentials is '{value}', but browsers accept only the "
                    "exact lowercase value 'true': every request made with credentials is blocked.",
                    h.source, failure=failure, request=req, route=route,
                )
