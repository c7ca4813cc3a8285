"""What the preflight rules (CORS301-CORS306) share: does a route evidently
expect preflighted requests, which methods and request headers does it
evidently need a preflight to allow, and what does it answer to OPTIONS.

Everything here reads the policy model only. A route that serves nothing but
simple requests (a font location with ``Access-Control-Allow-Origin: *``)
never causes a preflight, so the rules stay silent there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .. import engine
from ..model import CORS_RESPONSE_HEADERS, Branch, HeaderEmission, Route, Source
from ..scenarios import DEFAULT_PAGE_ORIGIN, Answer, answer, answer_branch, intended_origins, page_origin, per_route
from ..scenarios import request as build_request
from ._base import cors_routes, join_and

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"

# Request header names a page may send without a preflight (with a suitable
# value). Listing one of them in Allow-Headers says nothing about preflights.
SAFELISTED_HEADER_NAMES = frozenset({"accept", "accept-language", "content-language", "content-type", "range"})

# Example values a page's script sends for a header the API needs.
_EXAMPLE_VALUES = {
    "authorization": "Bearer <token>",
    "content-type": "application/json",
}

# Methods whose requests carry a body (JSON bodies need Content-Type).
_BODY_METHODS = ("POST", "PUT", "PATCH")

MAX_ORIGINS = 8


@dataclass(frozen=True)
class Need:
    """A method or request header the route evidently needs a preflight to allow."""

    name: str                 # as the request sends it (method) or canonical spelling (header)
    source: Source            # where the config shows the need
    why: str                  # human words, e.g. "the location uses auth_basic"
    level: str | None = None  # finding level override ("warning" for guesses)
    # Only another answer's Allow-Headers (or Allow-Methods) names it: evidence
    # where the preflight answer has no list of its own (an inner level
    # dropped the outer one), none where it has a deliberate list of its own.
    listed_elsewhere: bool = False

    @property
    def lname(self) -> str:
        return self.name.lower()


# ---------------------------------------------------------------- small readers


def preflight_routes(model) -> Iterator[Route]:
    """CORS routes worth asking about preflights. A server's leftover scope
    (requests no location matches, modelled only because the server level
    sets headers its locations inherit) is not an API anyone calls."""
    for route in cors_routes(model):
        if route.leftover_scope:
            continue
        yield route


def is_options_branch(branch: Branch) -> bool:
    return branch.methods is None or "OPTIONS" in branch.methods


def is_actual_branch(branch: Branch) -> bool:
    """The branch answers some request other than a preflight."""
    return branch.methods is None or any(m != "OPTIONS" for m in branch.methods)


def is_safelisted_method(method: str) -> bool:
    return engine.is_cors_safelisted_method(engine.normalize_method(method))


def _tokens(h: HeaderEmission) -> list[str]:
    """Every list entry the emission may send, over all its literal
    alternatives (a value built from a variable corslint cannot resolve names
    nothing for sure, so it contributes no entry)."""
    out: list[str] = []
    for alt in h.value.alternatives():
        text = alt.literal_text
        if text is None:
            continue
        tokens, _ = engine.parse_header_list(text)
        out.extend(t for t in tokens if t not in out)
    return out


def route_emissions(route: Route, lname: str, *, branches=None, shadowed: bool = True) -> list[HeaderEmission]:
    """Distinct emissions of a header on ``branches`` (default: all), the ones
    an inner level hides included when ``shadowed``. For all branches, worked
    out once per route (callers must not change the list)."""
    if branches is None:
        key = ("route_emissions", lname, shadowed)
        if key not in route.memo:
            route.memo[key] = _route_emissions(route.branches, lname, shadowed)
        return route.memo[key]
    return _route_emissions(branches, lname, shadowed)


def _route_emissions(branches, lname: str, shadowed: bool) -> list[HeaderEmission]:
    seen: dict[tuple, HeaderEmission] = {}
    for b in branches:
        pool = list(b.headers)
        if shadowed:
            pool += [h for s in b.shadowed for h in s.emissions]
        for h in pool:
            if h.lname == lname:
                seen.setdefault((h.source, h.raw, h.name), h)
    return sorted(seen.values(), key=lambda h: (h.source.file, h.source.line, h.source.column))


@per_route
def uses_credentials(route: Route) -> bool:
    """The route sends ``Access-Control-Allow-Credentials: true`` somewhere."""
    for h in route_emissions(route, ACAC):
        if any((alt.literal_text or "").strip().lower() == "true" for alt in h.value.alternatives()):
            return True
    return False


@per_route
def auth_uses(route: Route) -> list[tuple[Source, str]]:
    """(source, what) for authentication on the route's actual (non-OPTIONS)
    requests: the page must send Authorization to get through."""
    out: list[tuple[Source, str]] = []
    for b in route.branches:
        if b.auth is not None and is_actual_branch(b) and all(b.auth != s for s, _ in out):
            out.append((b.auth, b.auth_what or "authentication"))
    return out


def _refused(route: Route, method: str) -> bool:
    """Requests with ``method`` are turned away by the config itself (4xx/5xx)."""
    origin = preflight_origins(route)[0]
    ans = answer(route, method, origin)
    if ans is None:
        return True
    status = ans.branch.outcome.status
    return status is not None and status >= 400


# ---------------------------------------------------------------- what the route needs


@per_route
def needed_methods(route: Route) -> list[Need]:
    """Non-safelisted methods the route evidently accepts cross-origin: the
    ones the config handles explicitly (limit_except, ``if ($request_method
    ...)``) and does not refuse, and the ones its Allow-Methods lists on
    answers other than the preflight's (or hidden from it by an inner level)."""
    needs: dict[str, Need] = {}
    for method, source in route.declared_methods:
        if method == "OPTIONS" or is_safelisted_method(method) or not engine.is_token(method):
            continue
        if _refused(route, method):
            continue
        needs.setdefault(method, Need(method, source, "the config handles it explicitly"))
    if route.never_preflighted:
        return list(needs.values())  # lists set for other requests say nothing here
    actual = [b for b in route.branches if is_actual_branch(b)]
    for where, pool in (("the other answers", route_emissions(route, ACAM, branches=actual, shadowed=False)),
                        ("an outer level", [h for b in route.branches if is_options_branch(b)
                                            for s in b.shadowed for h in s.emissions if h.lname == ACAM])):
        for h in pool:
            for token in _tokens(h):
                if token in ("*", "OPTIONS") or is_safelisted_method(token):
                    continue
                needs.setdefault(token, Need(token, h.source, f"Access-Control-Allow-Methods on {where} lists it"))
    return list(needs.values())


def proxies_to_app(route: Route) -> bool:
    return any(b.outcome.delegate in ("upstream", "app") for b in route.branches if is_actual_branch(b))


@per_route
def needed_headers(route: Route) -> list[Need]:
    """Request headers the API evidently needs: Authorization when the route
    authenticates, headers the config itself reads, headers its Allow-Headers
    lists on other answers, and (a guess, so a warning) Content-Type for JSON
    bodies when it offers POST/PUT/PATCH and proxies to an application."""
    needs: dict[str, Need] = {}
    # A route browsers open themselves (a WebSocket, documentation pages)
    # sends what the browser sends: its authentication is the browser's own
    # (cookies, a Basic prompt), not an Authorization header a script sets.
    if not route.never_preflighted:
        for source, what in auth_uses(route):
            needs.setdefault("authorization", Need("Authorization", source, f"the {route.scope_noun} uses {what}"))
    for exp in route.expected_request_headers:
        lname = exp.name.lower()
        if lname in SAFELISTED_HEADER_NAMES or not engine.is_token(exp.name):
            continue
        name = _canonical(exp.name)
        needs.setdefault(lname, Need(name, exp.source, f"the config reads the {name} request header"))
    if route.never_preflighted:
        return list(needs.values())  # lists set for other requests, and guesses, say nothing here
    actual = [b for b in route.branches if is_actual_branch(b)]
    pools = (("the other answers", route_emissions(route, ACAH, branches=actual, shadowed=False)),
             ("an outer level", [h for b in route.branches if is_options_branch(b)
                                 for s in b.shadowed for h in s.emissions if h.lname == ACAH]))
    for where, pool in pools:
        for h in pool:
            for token in _tokens(h):
                lname = token.lower()
                if token == "*" or lname in SAFELISTED_HEADER_NAMES:
                    continue
                needs.setdefault(lname, Need(token, h.source,
                                             f"Access-Control-Allow-Headers on {where} lists it",
                                             listed_elsewhere=True))
    if "content-type" not in needs and proxies_to_app(route):
        for h in route_emissions(route, ACAM):
            if any(t in _BODY_METHODS for t in _tokens(h)):
                needs["content-type"] = Need(
                    "Content-Type", h.source,
                    "JSON request bodies need Content-Type: application/json", level="warning")
                break
    return list(needs.values())


def _canonical(name: str) -> str:
    return "-".join(w[:1].upper() + w[1:] for w in name.split("-"))


def named_needs(needs: list[Need]) -> tuple[str, str]:
    """(names, reasons) for a message naming several needs at once:
    'PUT and DELETE' with one reason when they share it ('the config handles
    them explicitly'), else each reason after the names it explains."""
    groups: dict[str, list[str]] = {}
    for need in needs:
        groups.setdefault(need.why, []).append(need.name)
    names = join_and([n.name for n in needs])
    reasons = [why if len(group) == 1 else re.sub(r"\bit\b", "them", why)
               for why, group in groups.items()]
    if len(groups) == 1:
        return names, reasons[0]
    return names, "; ".join(f"{join_and(group)}: {why}" for group, why in zip(groups.values(), reasons))


def example_value(header: str) -> str:
    return _EXAMPLE_VALUES.get(header.lower(), "1")


# ---------------------------------------------------------------- preflight expectation


@per_route
def expects_preflight(route: Route) -> bool:
    """Does this route evidently expect preflighted requests?

    Yes when it lists a non-safelisted method in Allow-Methods, sends
    Allow-Headers at all (browsers read it on preflights only), handles
    OPTIONS explicitly with CORS headers, expects non-safelisted request headers (Authorization when it
    authenticates, headers the config reads), or accepts non-simple methods.

    A route browsers open themselves (``Route.never_preflighted``: a WebSocket
    upgrade, documentation pages) is judged on what its own config does for
    requests, not on the Allow-Methods / Allow-Headers lists it carries: an
    outer level's lists, set for the API beside it, are weak evidence.
    """
    if route.never_preflighted:
        return _expects_preflight_itself(route)
    for h in route_emissions(route, ACAM):
        if any(t not in ("*", "OPTIONS") and not is_safelisted_method(t) for t in _tokens(h)):
            return True
    if route_emissions(route, ACAH):
        return True  # only a preflight's answer is read for it, whatever it lists
    return _expects_preflight_itself(route)


def _expects_preflight_itself(route: Route) -> bool:
    """The strong half of ``expects_preflight``: the route answers OPTIONS
    with CORS headers of its own, reads non-safelisted request headers, or
    accepts non-simple methods."""
    if any(m == "OPTIONS" for m, _ in route.declared_methods):
        for b in route.branches:
            if b.methods is not None and "OPTIONS" in b.methods and any(
                    h.lname in CORS_RESPONSE_HEADERS for h in b.headers):
                return True
    if any(n.level is None for n in needed_headers(route)):
        return True
    return any(not is_safelisted_method(m) and m != "OPTIONS" for m, _ in route.declared_methods
               if not _refused(route, m))


# ---------------------------------------------------------------- asking the engine


@per_route
def preflight_origins(route: Route) -> list[str]:
    """Page origins the config means to allow, the main one first."""
    first = page_origin(route) or DEFAULT_PAGE_ORIGIN
    rest = [o for o in intended_origins(route) if o != first]
    return ([first] + rest)[:MAX_ORIGINS]


def intended_request(route: Route, origin: str, *, method: str | None = None,
                     headers: tuple[tuple[str, str], ...] | None = None) -> engine.CorsRequest:
    """The preflighted request the author evidently means: its first
    non-simple method (GET when only headers cause the preflight), the
    headers it needs, credentials when it sends ACAC true."""
    if method is None:
        methods = [n.name for n in needed_methods(route)]
        method = methods[0] if methods else "GET"
    if headers is None:
        headers = tuple((n.name, example_value(n.name)) for n in needed_headers(route) if n.level is None)
    return build_request(route, origin, method=method, headers=headers, credentials=uses_credentials(route))


@dataclass
class Preflight:
    """The answer one origin's preflight gets."""

    origin: str
    answer: Answer
    credentials: bool

    @property
    def branch(self) -> Branch:
        return self.answer.branch


def options_answers(route: Route) -> Iterator[Preflight]:
    """The OPTIONS answer for each intended origin, one per distinct branch
    (branches behind conditions corslint cannot evaluate are left out)."""
    credentials = uses_credentials(route)
    seen: set[int] = set()
    for origin in preflight_origins(route):
        ans = answer(route, "OPTIONS", origin, credentials=credentials, preflight=True)
        if ans is None or id(ans.branch) in seen:
            continue
        if not _grants(ans) and not admits_actual(route, origin):
            # the config admits this origin nowhere (a stand-in page origin
            # where the allowlist holds only entries that never match a page's
            # origin, 'null' among them): its bare preflight answer is the
            # config's intent, not a failure of it
            continue
        seen.add(id(ans.branch))
        yield Preflight(origin, ans, credentials)


def _grants(ans: Answer) -> bool:
    """The answer sends Access-Control-Allow-Origin, may send it (a value
    corslint cannot resolve) or withholds it on this status only."""
    return bool(sent(ans, ACAO)) or header_unknown(ans, ACAO) or any(h.lname == ACAO for h in ans.withheld)


def admits_actual(route: Route, origin: str) -> bool:
    """Some answer other than the preflight's grants ``origin`` Allow-Origin
    (branches behind conditions corslint cannot evaluate included): the
    preflight and the actual request are judged for the same origin decision."""
    for b in route.branches:
        if not is_actual_branch(b):
            continue
        methods = sorted(b.methods - {"OPTIONS"}) if b.methods is not None else ["GET"]
        if not any(b.applies(m, origin) for m in methods):
            continue
        if _grants(answer_branch(b, origin, route=route)):
            return True
    return False


def opaque_options_branches(route: Route, origin: str) -> Iterator[Branch]:
    """Branches behind opaque conditions that may answer an OPTIONS request
    from ``origin`` before the branch that surely does."""
    for b in route.branches:
        if not b.applies("OPTIONS", origin):
            continue
        if not b.opaque_conditions:
            return
        yield b


def concrete_ok(pf: Preflight) -> bool:
    """The OPTIONS answer is a 2xx the config itself decides."""
    ans = pf.answer
    return (not ans.auth_blocked and not ans.status_assumed and not ans.delegated
            and ans.response.is_ok)


def isolated_response(resp: engine.HttpResponse, req: engine.CorsRequest) -> engine.HttpResponse:
    """``resp`` with its origin and credentials headers replaced by ones that
    pass, so the method and header lists can be judged on their own (what the
    browser says once the other preflight problems are fixed)."""
    headers = [(n, v) for n, v in resp.headers if n.lower() not in (ACAO, ACAC)]
    headers.append(("Access-Control-Allow-Origin", req.origin))
    if req.credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return engine.HttpResponse(resp.status, tuple(headers))


def list_failure(req: engine.CorsRequest, resp: engine.HttpResponse, kind) -> engine.Failure | None:
    """The engine's ``kind`` failure for ``req``, judged on the real answer, or
    on the isolated one when the real answer fails earlier for another reason
    (another rule reports that)."""
    failure = engine.check_preflight(req, resp)
    if failure is None:
        return None
    if failure.kind is kind:
        return failure
    if failure.kind in (engine.FailureKind.INVALID_ALLOW_METHODS_TOKEN,
                        engine.FailureKind.INVALID_ALLOW_HEADERS_TOKEN):
        return None  # CORS307/CORS308 report unparseable lists
    if failure.kind.base is not failure.kind:  # an origin/credentials failure
        again = engine.check_preflight(req, isolated_response(resp, req))
        if again is not None and again.kind is kind:
            return again
    return None


def sent(ans: Answer, lname: str) -> list[tuple[HeaderEmission, str]]:
    return [(h, v) for h, v in ans.sent if h.lname == lname]


def header_unknown(ans: Answer, lname: str) -> bool:
    return any(h.lname == lname for h in ans.unknown)


class ListGap:
    """What one Allow-Methods or Allow-Headers list (``lname``) lacks, over
    every route and origin whose preflight it answers: one finding names
    them all, since the fix is one line wherever that list answers."""

    def __init__(self, route: Route, pf: "Preflight", lname: str):
        self.route = route
        self.pf = pf
        self.listed = [v for _, v in sent(pf.answer, lname)]
        self.tokens = [t for v in self.listed for t in engine.parse_header_list(v)[0]]
        self.withheld_status = withheld_status(pf.answer, lname)
        self.needs: dict[str, Need] = {}
        self.evidence: dict[str, tuple] = {}   # need key -> (failure, request) of the first refusal

    def add(self, key: str, need: Need, failure, request) -> None:
        self.needs.setdefault(key, need)
        self.evidence.setdefault(key, (failure, request))


def list_gap(gaps: dict, route: Route, pf: "Preflight", lname: str) -> ListGap:
    """The gap of the ``lname`` list ``pf``'s answer sends (keyed by where
    that list is written), made on first use."""
    where = list_location(pf.answer, lname)
    if where not in gaps:
        gaps[where] = ListGap(route, pf, lname)
    return gaps[where]


def withheld_status(ans: Answer, lname: str) -> int | None:
    """The answer's status when it withholds its ``lname`` header on it."""
    if any(h.lname == lname for h in ans.withheld):
        return ans.response.status
    return None


def list_location(ans: Answer, lname: str) -> Source:
    """Where to point for a problem with the ``lname`` list of a preflight
    answer: the emission it sends, else the one it withholds, else the answer
    itself (its `return`)."""
    for h, _ in sent(ans, lname):
        return h.source
    for h in ans.withheld:
        if h.lname == lname:
            return h.source
    return ans.branch.outcome.source


def branch_anchor(branch: Branch) -> Source:
    if branch.headers:
        return branch.headers[0].source
    return branch.outcome.source
