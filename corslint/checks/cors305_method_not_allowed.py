"""CORS305 method-not-allowed: a method the route evidently accepts
cross-origin (handled explicitly by the config, or listed in
Access-Control-Allow-Methods on its other answers) is not allowed by the
Access-Control-Allow-Methods of the preflight answer.

GET, HEAD and POST never need listing; ``*`` covers methods only for
requests without credentials; methods compare case-sensitively.
See ``corslint explain CORS305``.
"""

from __future__ import annotations

from .. import engine
from ..findings import FixIntent
from ._base import reporter
from ._preflight import (
    ACAM,
    concrete_ok,
    expects_preflight,
    header_unknown,
    intended_request,
    list_failure,
    list_location,
    needed_methods,
    options_answers,
    preflight_routes,
    sent,
)

CODE = "CORS305"
NAME = "method-not-allowed"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("error",)
SUMMARY = "A method the route accepts is missing from Access-Control-Allow-Methods on the preflight answer"
# What must change, worded per frontend by corslint.fixes.
FIX = "allow-method-on-preflight"
report = reporter(CODE, SEVERITY, FIX)


def check(model):
    for route in preflight_routes(model):
        if not expects_preflight(route):
            continue
        needs = needed_methods(route)
        if not needs:
            continue
        for pf in options_answers(route):
            ans = pf.answer
            if not concrete_ok(pf) or header_unknown(ans, ACAM):
                continue
            listed = [v for _, v in sent(ans, ACAM)]
            tokens = [t for v in listed for t in engine.parse_header_list(v)[0]]
            for need in needs:
                req = intended_request(route, pf.origin, method=need.name, headers=())
                failure = list_failure(req, ans.response, engine.FailureKind.METHOD_NOT_ALLOWED)
                if failure is None:
                    continue
                yield report(
                    _message(need.name, listed, tokens, pf.credentials, need.why,
                             withheld=_withheld_on(ans, ACAM)),
                    list_location(ans, ACAM), failure=failure, request=req, route=route,
                    related=[need.source],
                    intent=FixIntent(FIX, methods=(need.name,)),
                )


def _message(method: str, listed: list[str], tokens: list[str], credentials: bool, why: str, *,
             withheld: int | None = None) -> str:
    if not listed and withheld is not None:
        return (f"Access-Control-Allow-Methods is set for success answers only and the preflight "
                f"answer is {withheld}, so {method} is refused although this location accepts it "
                f"({why}).")
    if not listed:
        return (f"The preflight answer sends no Access-Control-Allow-Methods, so {method} is "
                f"refused although this location accepts it ({why}).")
    value = ", ".join(listed)
    if any(t.upper() == method.upper() for t in tokens):
        spelled = next(t for t in tokens if t.upper() == method.upper())
        return (f"Access-Control-Allow-Methods on the preflight answer lists '{spelled}', but "
                f"methods compare case-sensitively and browsers send {method}, which this "
                f"location accepts ({why}).")
    if "*" in tokens and credentials:
        return (f"Access-Control-Allow-Methods on the preflight answer is '{value}', and '*' is a "
                f"literal method name for requests with credentials, so {method} is refused "
                f"although this location accepts it ({why}).")
    return (f"Access-Control-Allow-Methods on the preflight answer ('{value}') lacks {method}, "
            f"which this location accepts ({why}).")


def _withheld_on(ans, lname: str) -> int | None:
    """The answer's status when it withholds its ``lname`` header on it."""
    if any(h.lname == lname for h in ans.withheld):
        return ans.response.status
    return None
