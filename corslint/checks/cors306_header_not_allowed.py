"""CORS306 header-not-allowed: a request header the API evidently needs is
not allowed by the Access-Control-Allow-Headers of the preflight answer:
Authorization when the location authenticates, headers the config itself
reads (``$http_x_api_key``), headers listed on its other answers, and
Content-Type for JSON bodies on a proxied API (a warning: a guess).

``*`` never covers Authorization and is a literal name with credentials.
One Allow-Headers list lacking several headers is one finding naming them all.
See ``corslint explain CORS306``.
"""

from __future__ import annotations

from .. import engine
from ..findings import FixIntent
from ..model import Source
from ._base import reporter
from ._preflight import (
    ListGap,
    ACAH,
    concrete_ok,
    example_value,
    expects_preflight,
    header_unknown,
    intended_request,
    list_gap,
    list_failure,
    named_needs,
    needed_headers,
    options_answers,
    preflight_routes,
    sent,
)

CODE = "CORS306"
NAME = "header-not-allowed"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("warning", "error")
SUMMARY = "A request header the API needs is missing from Access-Control-Allow-Headers on the preflight answer"
# What must change, worded per frontend by corslint.fixes.
FIX = "allow-request-header-on-preflight"
report = reporter(CODE, SEVERITY, FIX)


def check(model):
    # One Allow-Headers list that lacks several headers is one finding naming
    # them all: the fix is one line, wherever that list answers.
    missing: dict[Source, ListGap] = {}
    for route in preflight_routes(model):
        if not expects_preflight(route):
            continue
        needs = needed_headers(route)
        if not needs:
            continue
        for pf in options_answers(route):
            ans = pf.answer
            if not concrete_ok(pf) or header_unknown(ans, ACAH):
                continue
            own_list = bool(sent(ans, ACAH))
            for need in needs:
                if need.listed_elsewhere and own_list:
                    # the preflight lists headers of its own: that another
                    # answer lists more says nothing about what pages send
                    continue
                method = "POST" if need.lname == "content-type" else "GET"
                req = intended_request(route, pf.origin, method=method,
                                       headers=((need.name, example_value(need.name)),))
                failure = list_failure(req, ans.response, engine.FailureKind.HEADER_NOT_ALLOWED)
                if failure is None:
                    continue
                list_gap(missing, route, pf, ACAH).add(need.lname, need, failure, req)
    for where, gap in missing.items():
        # the headers the config shows it needs first, the guesses after
        needs = sorted(gap.needs.values(), key=lambda n: n.level is not None)
        level = None if any(n.level is None for n in needs) else needs[0].level
        names, why = named_needs(needs)
        failure, req = gap.evidence[needs[0].lname]   # what the browser says about the first
        yield report(
            _message(names, gap.listed, gap.tokens, gap.pf.credentials, why,
                     withheld=gap.withheld_status, many=len(needs) > 1, scope=gap.route.scope_noun),
            where, level=level, failure=failure, request=req, route=gap.route,
            related=[n.source for n in needs],
            intent=FixIntent(FIX, headers=tuple(n.name for n in needs)),
        )


def _message(header: str, listed: list[str], tokens: list[str], credentials: bool, why: str, *,
             withheld: int | None = None, many: bool = False, scope: str) -> str:
    carrying = header.replace(" and ", " or ") if many else header
    if not listed and withheld is not None:
        return (f"Access-Control-Allow-Headers is set for success answers only and the preflight "
                f"answer is {withheld}, so requests carrying {carrying} are refused ({why}).")
    if not listed:
        return (f"The preflight answer sends no Access-Control-Allow-Headers, so requests "
                f"carrying {carrying} are refused ({why}).")
    value = ", ".join(listed)
    if "*" in tokens and header.lower() == "authorization" and not credentials:
        return (f"Access-Control-Allow-Headers on the preflight answer is '{value}', and '*' never "
                f"covers Authorization, which requests to this {scope} need ({why}).")
    if "*" in tokens and credentials:
        verb = "are" if many else "is"
        return (f"Access-Control-Allow-Headers on the preflight answer is '{value}', and '*' is a "
                f"literal header name for requests with credentials, so {header} {verb} refused "
                f"({why}).")
    return (f"Access-Control-Allow-Headers on the preflight answer ('{value}') lacks {header} "
            f"({why}).")
