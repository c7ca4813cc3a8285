"""CORS204 inconsistent-credentials: ``Access-Control-Allow-Credentials: true``
on the preflight (OPTIONS) answer of a location but not on its actual answer
for the same origin, or the reverse.

A credentialed request needs the header on both answers. Missing on the
preflight, the request is never sent; missing on the actual answer, the
request runs on the server but the script cannot read the result. When an
upstream produces the answer lacking it, the application may add it itself:
then this is a warning. Only answers on success statuses are compared (headers
withheld on error statuses are CORS402's business); see
``corslint explain CORS204``.
"""

from __future__ import annotations

from .. import engine
from ..engine import HttpResponse
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer_branch, intended_origins, request
from ._base import cors_routes, reporter

CODE = "CORS204"
NAME = "inconsistent-credentials"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("warning", "error")
SUMMARY = "Access-Control-Allow-Credentials: true on only one of the preflight and the actual answer"
# What must change, worded per frontend by corslint.fixes.
FIX = "same-credentials-on-preflight-and-answers"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
_ACTUAL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
_UNSAFE_METHODS = ("PUT", "PATCH", "DELETE")
_CREDENTIAL_KINDS = (engine.FailureKind.INVALID_ALLOW_CREDENTIALS,
                     engine.FailureKind.WILDCARD_WITH_CREDENTIALS)


def _branch(route, method, origin):
    """The branch answering ``method`` from ``origin`` when no condition
    corslint cannot evaluate holds."""
    for b in route.branches:
        if b.opaque_conditions:
            continue
        if b.applies(method, origin):
            return b
    return None


def _credentials(ans):
    """'true', 'absent', or None (unknown or some other value: not ours to judge)."""
    if any(h.lname == ACAC for h in ans.unknown):
        return None
    values = [engine.http.strip_ows(t) for h, t in ans.sent if h.lname == ACAC]
    if not values:
        return "absent"
    return "true" if values == ["true"] else None


def _acao(ans, unknown_value=None):
    """The first Access-Control-Allow-Origin emission the answer sends; with
    ``unknown_value``, the one whose value is that same unknown expression
    instead (a variable set where corslint cannot see)."""
    if unknown_value is not None:
        for h in ans.unknown:
            if h.lname == ACAO and h.value == unknown_value:
                return h
        return None
    for h, text in ans.sent:
        if h.lname == ACAO and engine.http.strip_ows(text):
            return h
    return None


def _unknown_acao(ans):
    """The Access-Control-Allow-Origin emission whose value corslint cannot
    know (e.g. ``$allow_origin`` from a map in a file not linted)."""
    for h in ans.unknown:
        if h.lname == ACAO:
            return h
    return None


def _granting(response, origin, unknown_value):
    """``response`` as the browser sees it when the unknown
    Access-Control-Allow-Origin value admits ``origin``."""
    if unknown_value is None:
        return response
    return HttpResponse(response.status, response.headers + (("Access-Control-Allow-Origin", origin),))


def _ok(ans) -> bool:
    return ans.status_assumed or ans.response.is_ok


def _delegated_without_hiding(branch) -> bool:
    """The answer comes from an upstream or app that may add the header itself."""
    outcome = branch.outcome
    return outcome.delegate in ("upstream", "app") and ACAC not in outcome.hidden_upstream


def _keep(failure):
    if failure is not None and failure.kind.base in _CREDENTIAL_KINDS:
        return failure
    return None


def check(model):
    for route in cors_routes(model):
        origins = dict.fromkeys(intended_origins(route) + [DEFAULT_PAGE_ORIGIN])
        for origin in origins:
            pre_branch = _branch(route, "OPTIONS", origin)
            if pre_branch is None:
                continue
            pre = answer_branch(pre_branch, origin, credentials=True, preflight=True)
            if pre.auth_blocked or not _ok(pre):
                continue  # the preflight fails anyway: CORS301/302/303
            pre_state = _credentials(pre)
            pre_acao = _acao(pre)
            # An origin value corslint cannot know, the same expression on the
            # preflight and on the actual answers: it gives both answers the
            # same text for any one origin, so for every origin it admits the
            # two answers differ in their credentials alone.
            unknown_value = None
            if pre_acao is None:
                pre_acao = _unknown_acao(pre)
                unknown_value = pre_acao.value if pre_acao is not None else None
            if pre_state is None or pre_acao is None:
                continue
            actual: list[tuple[str, object, object]] = []
            seen = set()
            for method in _ACTUAL_METHODS:
                b = _branch(route, method, origin)
                if b is None or b is pre_branch or id(b) in seen:
                    continue
                seen.add(id(b))
                ans = answer_branch(b, origin, credentials=True, preflight=False)
                if not _ok(ans) or _acao(ans, unknown_value) is None:
                    continue
                state = _credentials(ans)
                if state is not None:
                    actual.append((method, b, ans))
            if pre_state == "true":
                yield from _missing_on_actual(route, origin, pre, actual, unknown_value)
            else:
                yield from _missing_on_preflight(route, origin, pre, pre_acao, actual, unknown_value)
            if unknown_value is not None:
                break  # every origin the unknown value admits gives the same answers


def _admitted(emission) -> str:
    """The condition an origin value corslint cannot know puts on a finding."""
    return f"For every origin '{emission.raw}' admits (which ones is not in this config), "


def _missing_on_actual(route, origin, pre, actual, unknown_value=None):
    related = [h.source for h, _ in pre.sent if h.lname == ACAC]
    for method, branch, ans in actual:
        if _credentials(ans) != "absent":
            continue
        where = _acao(ans, unknown_value)
        req = request(route, origin, method=method, credentials=True)
        failure = _keep(engine.check_cors(req, _granting(ans.response, origin, unknown_value)))
        if unknown_value is not None:
            yield report(
                _admitted(where) + "Access-Control-Allow-Credentials: true is sent on the "
                "preflight (OPTIONS) answer but not on the actual answer, which sends the same "
                "Access-Control-Allow-Origin: credentialed requests pass the preflight, run on "
                "the server, and then fail.",
                where.source, level="warning", failure=failure, request=req if failure else None,
                route=route, related=related,
            )
        elif _delegated_without_hiding(branch):
            yield report(
                "Access-Control-Allow-Credentials: true is sent on the preflight (OPTIONS) answer "
                "but not with this Access-Control-Allow-Origin on the actual answer, which an "
                "upstream produces: unless the application adds it, credentialed requests pass "
                "the preflight, run on the server, and then fail.",
                where.source, level="warning", failure=failure, request=req if failure else None,
                route=route, related=related,
            )
        else:
            yield report(
                "Access-Control-Allow-Credentials: true is sent on the preflight (OPTIONS) answer "
                "but not with this Access-Control-Allow-Origin on the actual answer: credentialed "
                "requests pass the preflight, run on the server, and then fail.",
                where.source, failure=failure, request=req if failure else None,
                route=route, related=related,
            )


def _missing_on_preflight(route, origin, pre, pre_acao, actual, unknown_value=None):
    granting = [(m, b, a) for m, b, a in actual if _credentials(a) == "true"]
    if not granting:
        return
    related = [h.source for _, _, a in granting for h, _ in a.sent if h.lname == ACAC]
    methods = [m for m, _, _ in granting]
    # A request that needs a preflight: an unsafe method the actual answer
    # grants, else a safelisted one sending JSON.
    unsafe = [m for m in _UNSAFE_METHODS if m in methods]
    if unsafe:
        req = request(route, origin, method=unsafe[0], credentials=True)
    else:
        req = request(route, origin, method=methods[0],
                      headers=(("Content-Type", "application/json"),), credentials=True)
    failure = _keep(engine.check_preflight(req, _granting(pre.response, origin, unknown_value)))
    if unknown_value is not None:
        yield report(
            _admitted(pre_acao) + "Access-Control-Allow-Credentials: true is sent on the actual "
            "answer but not on the preflight (OPTIONS) answer, which sends the same "
            "Access-Control-Allow-Origin: credentialed requests that need a preflight are never sent.",
            pre_acao.source, level="warning", failure=failure, request=req if failure else None,
            route=route, related=related,
        )
    elif _delegated_without_hiding(pre.branch):
        yield report(
            "Access-Control-Allow-Credentials: true is sent on the actual answer but not with this "
            "Access-Control-Allow-Origin on the preflight (OPTIONS) answer, which an upstream "
            "produces: unless the application adds it, credentialed requests that need a "
            "preflight are never sent.",
            pre_acao.source, level="warning", failure=failure, request=req if failure else None,
            route=route, related=related,
        )
    else:
        yield report(
            "Access-Control-Allow-Credentials: true is sent on the actual answer but not with this "
            "Access-Control-Allow-Origin on the preflight (OPTIONS) answer: credentialed requests "
            "that need a preflight are never sent.",
            pre_acao.source, failure=failure, request=req if failure else None,
            route=route, related=related,
        )
