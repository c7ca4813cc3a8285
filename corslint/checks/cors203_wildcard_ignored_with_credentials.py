"""CORS203 wildcard-ignored-with-credentials: ``*`` in
``Access-Control-Allow-Methods``, ``-Allow-Headers`` or ``-Expose-Headers`` on
an answer that also sends ``Access-Control-Allow-Credentials: true``.

For a request made with credentials the browser reads ``*`` in these headers as
a method or header literally named ``*``: methods and request headers not
listed by name fail the preflight, and no response header is exposed; see
``corslint explain CORS203``.
"""

from __future__ import annotations

from .. import engine
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer_branch, intended_origins, request
from ._base import cors_routes, join_and, reporter

CODE = "CORS203"
NAME = "wildcard-ignored-with-credentials"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("warning", "error")
SUMMARY = ("'*' in Access-Control-Allow-Methods/-Allow-Headers/-Expose-Headers together with "
           "Access-Control-Allow-Credentials: true (taken literally)")
# What must change, worded per frontend by corslint.fixes.
FIX = "list-methods-and-headers-not-wildcard"
EXPOSE_FIX = "list-exposed-headers-not-wildcard"   # '*' in Access-Control-Expose-Headers
report = reporter(CODE, SEVERITY, FIX)

ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
ACEH = "access-control-expose-headers"
_UNSAFE_METHODS = ("PUT", "PATCH", "DELETE")


def _origins(route, branch):
    candidates = dict.fromkeys(intended_origins(route) + [DEFAULT_PAGE_ORIGIN])
    return [o for o in candidates if all(t.holds(o) for t in branch.origin_tests)]


def _credentials_true(sent) -> bool:
    values = [engine.http.strip_ows(text) for h, text in sent if h.lname == ACAC]
    return values == ["true"]


def _wildcard(sent, lname):
    """(emission, tokens) of the first emission of ``lname`` holding a '*' entry."""
    for h, text in sent:
        if h.lname != lname:
            continue
        tokens, _ = engine.parse_header_list(text)
        if "*" in tokens:
            return h, tokens
    return None, None


def _all_tokens(sent, lname):
    tokens: list[str] = []
    for h, text in sent:
        if h.lname == lname:
            tokens += engine.parse_header_list(text)[0]
    return tokens


def _method_probe(route, listed):
    """A non-safelisted method the '*' was meant to cover and the list lacks,
    preferring the ones the config itself handles."""
    declared = [m for m, _ in route.declared_methods if m in _UNSAFE_METHODS]
    for m in declared + list(_UNSAFE_METHODS):
        if m not in listed:
            return m
    return None


def _header_probe(route, listed):
    lower = {t.lower() for t in listed}
    if "content-type" not in lower:
        return ("Content-Type", "application/json")
    for eh in route.expected_request_headers:
        if eh.name.lower() not in lower and eh.name.lower() != "authorization":
            return (eh.name, "1")
    if "x-requested-with" not in lower:
        return ("X-Requested-With", "XMLHttpRequest")
    return None


def _handles_preflight(branch) -> bool:
    return branch.methods is None or "OPTIONS" in branch.methods


def _handles_actual(branch) -> bool:
    return branch.methods is None or any(m != "OPTIONS" for m in branch.methods)


def check(model):
    for route in cors_routes(model):
        for branch in route.branches:
            for origin in _origins(route, branch):
                # The headers the branch sends on its own (success) status; an
                # auth wall in front of the preflight is CORS302's business.
                ans = answer_branch(branch, origin, credentials=True, preflight=False)
                if not _credentials_true(ans.sent):
                    continue
                acac = [h.source for h, _ in ans.sent if h.lname == ACAC]
                if _handles_preflight(branch):
                    yield from _allow_methods(route, origin, ans, acac)
                    yield from _allow_headers(route, origin, ans, acac)
                if _handles_actual(branch):
                    yield from _expose_headers(route, ans, acac)


def _allow_methods(route, origin, ans, acac):
    h, _ = _wildcard(ans.sent, ACAM)
    if h is None:
        return
    listed = _all_tokens(ans.sent, ACAM)
    unlisted = [m for m in _UNSAFE_METHODS if m not in listed]
    method = _method_probe(route, listed)
    if method is None:
        return  # every method it could mean is listed by name: the '*' changes nothing
    req = request(route, origin, method=method, credentials=True)
    failure = engine.check_preflight(req, ans.response)
    if failure is None or failure.kind is not engine.FailureKind.METHOD_NOT_ALLOWED:
        failure = None
    yield report(
        "Access-Control-Allow-Methods contains '*' while Access-Control-Allow-Credentials is "
        "'true': with credentials browsers take '*' as a method literally named '*', so "
        f"credentialed {join_and(unlisted)} requests fail their preflight.",
        h.source, failure=failure, request=req if failure else None, route=route, related=acac,
    )


def _allow_headers(route, origin, ans, acac):
    h, _ = _wildcard(ans.sent, ACAH)
    if h is None:
        return
    probe = _header_probe(route, _all_tokens(ans.sent, ACAH))
    if probe is None:
        return
    req = request(route, origin, method="POST", headers=(probe,), credentials=True)
    failure = engine.check_preflight(req, ans.response)
    if failure is None or failure.kind is not engine.FailureKind.HEADER_NOT_ALLOWED:
        failure = None
    yield report(
        "Access-Control-Allow-Headers contains '*' while Access-Control-Allow-Credentials is "
        "'true': with credentials browsers take '*' as a header literally named '*', so "
        "credentialed requests sending a header it does not name (such as Content-Type: "
        "application/json) fail their preflight.",
        h.source, failure=failure, request=req if failure else None, route=route, related=acac,
    )


def _expose_headers(route, ans, acac):
    h, _ = _wildcard(ans.sent, ACEH)
    if h is None:
        return
    yield report(
        "Access-Control-Expose-Headers contains '*' while Access-Control-Allow-Credentials is "
        "'true': with credentials browsers take '*' as a header literally named '*', so scripts "
        "making credentialed requests cannot read any response header it was meant to expose.",
        h.source, level="warning", route=route, related=acac,
        intent=EXPOSE_FIX,
    )
