"""CORS305 method-not-allowed: a method the route evidently accepts
cross-origin (handled explicitly by the config, or listed in
Access-Control-Allow-Methods on its other answers) is not allowed by the
Access-Control-Allow-Methods of the preflight answer.

GET, HEAD and POST never need listing; ``*`` covers methods only for
requests without credentials; methods compare case-sensitively.
One Allow-Methods list lacking several methods is one finding naming them all.
See ``corslint explain CORS305``.
"""

from __future__ import annotations

from .. import engine
from ..findings import FixIntent
from ..model import Source
from ._base import reporter
from ._preflight import (
    ListGap,
    ACAM,
    Need,
    concrete_ok,
    expects_preflight,
    header_unknown,
    intended_request,
    list_gap,
    list_failure,
    named_needs,
    needed_methods,
    options_answers,
    preflight_routes,
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
    # One Allow-Methods list that lacks several methods is one finding naming
    # them all: the fix is one line, wherever that list answers.
    missing: dict[Source, ListGap] = {}
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
            for need in needs:
                req = intended_request(route, pf.origin, method=need.name, headers=())
                failure = list_failure(req, ans.response, engine.FailureKind.METHOD_NOT_ALLOWED)
                if failure is None:
                    continue
                list_gap(missing, route, pf, ACAM).add(need.name, need, failure, req)
    for where, gap in missing.items():
        needs = list(gap.needs.values())
        failure, req = gap.evidence[needs[0].name]   # what the browser says about the first
        yield report(
            _message(needs, gap.listed, gap.tokens, gap.pf.credentials,
                     withheld=gap.withheld_status, scope=gap.route.scope_noun),
            where, failure=failure, request=req, route=gap.route,
            related=[n.source for n in needs],
            intent=FixIntent(FIX, methods=tuple(n.name for n in needs)),
        )


def _message(needs: list[Need], listed: list[str], tokens: list[str], credentials: bool, *,
             withheld: int | None = None, scope: str) -> str:
    method, why = named_needs(needs)
    many = len(needs) > 1
    refused = f"are refused although this {scope} accepts them" if many else \
        f"is refused although this {scope} accepts it"
    if not listed and withheld is not None:
        return (f"Access-Control-Allow-Methods is set for success answers only and the preflight "
                f"answer is {withheld}, so {method} {refused} ({why}).")
    if not listed:
        return (f"The preflight answer sends no Access-Control-Allow-Methods, so {method} "
                f"{refused} ({why}).")
    value = ", ".join(listed)
    # a method listed in another case: said of each such method
    miscased = [(t, n.name) for n in needs for t in tokens if t.upper() == n.name.upper()]
    if miscased and not many:
        spelled, name = miscased[0]
        return (f"Access-Control-Allow-Methods on the preflight answer lists '{spelled}', but "
                f"methods compare case-sensitively and browsers send {name}, which this "
                f"{scope} accepts ({why}).")
    if miscased:
        spelled = ", ".join(f"'{t}'" for t, _ in miscased)
        return (f"Access-Control-Allow-Methods on the preflight answer ('{value}') lacks {method}, "
                f"which this {scope} accepts ({why}); it lists {spelled}, but methods compare "
                "case-sensitively.")
    which = "which" if not many else "all of which"
    if "*" in tokens and credentials:
        return (f"Access-Control-Allow-Methods on the preflight answer is '{value}', and '*' is a "
                f"literal method name for requests with credentials, so {method} {refused} "
                f"({why}).")
    return (f"Access-Control-Allow-Methods on the preflight answer ('{value}') lacks {method}, "
            f"{which} this {scope} accepts ({why}).")
