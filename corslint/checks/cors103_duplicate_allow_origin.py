"""CORS103 duplicate-allow-origin: two ``Access-Control-Allow-Origin`` headers
on one response.

Either the config itself adds the header twice on one branch (error, with the
browsers' texts), or it adds the header in front of an upstream that is not
told to drop its own. Whether that upstream sends one is not in the config, so
the second case is said as a condition (unless the app behind the proxy is in
the linted tree: then its answer is part of the branch, see
corslint.pipeline.link, and the first case decides): once per directive, however many
routes proxy behind it, at info, with no browser text (none is certain), and
naming the proxies as related places. Browsers refuse a response with two
ACAO fields even when both hold the same value. See ``corslint explain CORS103``.
"""

from __future__ import annotations

from .. import engine
from ..model import Branch, HeaderEmission, Route, Source
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer_branch, intended_origins, request
from ._base import cors_routes, reporter

CODE = "CORS103"
NAME = "duplicate-allow-origin"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("info", "error")
SUMMARY = "Access-Control-Allow-Origin sent twice on one response"
# What must change, worded per frontend by corslint.fixes.
FIX = "send-allow-origin-once"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
# Copies of the header reported one by one; past this, one finding names them all
MAX_EACH = 3
# Places of the copies named in that one finding
MAX_LISTED = 10


def _origins_for(route: Route, branch: Branch) -> list[str]:
    """Origins whose requests ``branch`` may answer, the intended ones first."""
    valid = [o for o in intended_origins(route) if engine.origin_value_problem(o) is None]
    candidates = valid + [DEFAULT_PAGE_ORIGIN, "https://evil.example", "null"]
    return [o for o in dict.fromkeys(candidates) if all(t.holds(o) for t in branch.origin_tests)]


def _where(source: Source, other: Source) -> str:
    return f"line {source.line}" if source.file == other.file else str(source)


def _method(branch: Branch) -> tuple[str, bool]:
    """(method, preflight) of a request this branch answers."""
    if branch.methods is None or "GET" in branch.methods:
        return "GET", False
    others = sorted(m for m in branch.methods if m != "OPTIONS")
    return (others[0], False) if others else ("PUT", True)


def _judge(route: Route, branch: Branch, origin: str, response: engine.HttpResponse):
    method, preflight = _method(branch)
    req = request(route, origin, method=method)
    if preflight:
        return engine.check_preflight(req, response), req
    return engine.check_cors(req, response), req


def check(model):
    # The directive that may meet an upstream's own copy -> (where it first
    # did, every place that proxies behind it): one finding per directive.
    conditional: dict[Source, tuple[HeaderEmission, Route, list[Source]]] = {}
    for route in cors_routes(model):
        # Branches answering GET first: their finding shows the simplest request.
        ordered = sorted(route.branches, key=lambda b: _method(b) != ("GET", False))
        for branch in ordered:
            if not branch.emissions(ACAO):
                continue
            _, preflight = _method(branch)
            definite = False
            possible: HeaderEmission | None = None   # a copy the upstream may double
            for origin in _origins_for(route, branch):
                ans = answer_branch(branch, origin, preflight=preflight)
                sent = [(h, v) for h, v in ans.sent if h.lname == ACAO]
                if len(sent) >= 2:
                    definite = True
                    first = sent[0][0]
                    failure, req = _judge(route, branch, origin, ans.response)
                    again = [h for h, _ in sent[1:] if h.source != first.source]
                    # one setting that sends the header once per entry of a list
                    fields = [first] + [h for h, _ in sent[1:] if h.source == first.source and h.raw != first.raw]
                    if len(fields) > 1 and not again:
                        yield report(
                            f"Access-Control-Allow-Origin is sent {len(fields)} times on one answer, "
                            f"one field per value ({', '.join(repr(h.raw) for h in fields)}): browsers "
                            "refuse a response with two." + (f" ({first.note})" if first.note else ""),
                            first.source, failure=failure, request=req, route=route,
                        )
                        break
                    if len(again) > MAX_EACH:
                        yield _many(first, again, failure, req, route)
                        break
                    for h in again:
                        earlier = _where(first.source, h.source)
                        # the first copy is the app's, behind the proxy that adds the second
                        whose = ("the answers of the app behind this proxy, which already"
                                 if branch.outcome.upstream_known and first.source.file != h.source.file
                                 else "answers that already")
                        yield report(
                            f"Access-Control-Allow-Origin '{h.raw}' is added to {whose} "
                            f"carry Access-Control-Allow-Origin '{first.raw}' ({earlier}): "
                            "browsers refuse a response with two.",
                            h.source, failure=failure, request=req, route=route, related=[first.source],
                        )
                    break
                if possible is None and sent and _upstream_may_add(branch, sent[0][0]):
                    possible = sent[0][0]
            if definite or possible is None:
                continue
            _, _, proxies = conditional.setdefault(possible.source, (possible, route, []))
            if branch.outcome.source not in proxies:
                proxies.append(branch.outcome.source)
    for h, route, proxies in conditional.values():
        yield report(
            f"Access-Control-Allow-Origin '{h.raw}' is added to answers from an upstream "
            f"without hiding the upstream's own: if the upstream application also sends "
            "Access-Control-Allow-Origin, browsers see two and refuse the response "
            "(whether it does is not in this config).",
            h.source, level="info", route=route, related=proxies,
        )


def _many(first: HeaderEmission, again: list[HeaderEmission], failure, req, route: Route):
    """One finding for a header added many times over: its count, and the
    first few places as related (a finding per copy, each naming every
    value, grows with the square of the copies)."""
    where = [_where(h.source, first.source) for h in again[:MAX_LISTED]]
    more = f" and {len(again) - MAX_LISTED} more" if len(again) > MAX_LISTED else ""
    return report(
        f"Access-Control-Allow-Origin is added {len(again) + 1} times to the same answers: "
        f"'{first.raw}' ({_where(first.source, again[0].source)}), then again at {', '.join(where)}{more}: "
        "browsers refuse a response with two.",
        again[0].source, failure=failure, request=req, route=route,
        related=[first.source] + [h.source for h in again[1:MAX_LISTED]],
    )


def _upstream_may_add(branch: Branch, emission: HeaderEmission) -> bool:
    outcome = branch.outcome
    # a linked upstream's own answer is in the branch already (pipeline.link)
    return (outcome.delegate == "upstream" and not outcome.upstream_known
            and ACAO not in outcome.hidden_upstream and not emission.replaces)
