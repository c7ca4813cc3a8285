"""CORS108 missing-vary-origin: ``Access-Control-Allow-Origin`` depends on the
request's ``Origin`` but the response does not say ``Vary: Origin``.

An HTTP cache (CDN, reverse proxy, the browser's own) then stores one origin's
answer and hands it to another origin, which the browser refuses. A fixed
``*`` needs no Vary. See ``corslint explain CORS108``.
"""

from __future__ import annotations

from .. import engine
from ..model import Route
from ..scenarios import DEFAULT_PAGE_ORIGIN, Answer, answer, intended_origins, request
from ._base import cors_routes, reporter

CODE = "CORS108"
NAME = "missing-vary-origin"
SEVERITY = "warning"
CATEGORY = "browser-blocks"
LEVELS = ("warning",)
SUMMARY = "Origin-dependent Access-Control-Allow-Origin without 'Vary: Origin'"
# What must change, worded per frontend by corslint.fixes.
FIX = "vary-on-origin"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
VARY = "vary"
OTHER_ORIGIN = "https://other.example.com"


def _probes(route: Route) -> list[str | None]:
    """Requests worth comparing: no Origin at all, the origins the config
    means to allow, and stand-ins for origins it does not name."""
    valid = [o for o in intended_origins(route) if engine.origin_value_problem(o) is None and o != "null"]
    return [None] + list(dict.fromkeys(valid + [DEFAULT_PAGE_ORIGIN, OTHER_ORIGIN]))


def _varies_on_origin(ans: Answer) -> bool:
    """The answer says Vary: Origin (or Vary: *), or corslint cannot tell."""
    if any(h.lname == VARY for h in ans.unknown):
        return True
    for value in ans.response.get_all(VARY):
        tokens = {t.strip(" \t").lower() for t in value.split(",")}
        if "origin" in tokens or "*" in tokens:
            return True
    return False


def _acao(ans: Answer) -> tuple[str, ...]:
    return tuple(ans.response.get_all(ACAO))


def check(model):
    seen: set[tuple] = set()
    for route in cors_routes(model):
        answers: list[tuple[str | None, Answer]] = []
        for origin in _probes(route):
            ans = answer(route, "GET", origin)
            if ans is not None:
                answers.append((origin, ans))
        values = {_acao(ans) for _, ans in answers}
        if len(values) < 2 or all(v in ((), ("*",)) for v in values):
            continue  # the same for every origin, or '*' only: no Vary needed
        if any(ans.unknown and any(h.lname == ACAO for h in ans.unknown) for _, ans in answers):
            continue  # a value corslint cannot resolve: say nothing
        granted = [(o, ans) for o, ans in answers if o is not None and _acao(ans) not in ((), ("*",))]
        for origin, ans in granted:
            if _varies_on_origin(ans):
                continue
            emission = next(h for h, _ in ans.sent if h.lname == ACAO)
            key = (emission.source, "acao")
            if key in seen:
                continue
            seen.add(key)
            value = _acao(ans)
            other = next((o for o, a in answers if o is not None and o != origin and _acao(a) != value),
                         OTHER_ORIGIN)
            req = request(route, other)
            failure = engine.check_cors(req, ans.response)
            how = ("depends on the request's Origin" if emission.value.depends_on_origin
                   else "is sent only to some origins")
            yield report(
                f"Access-Control-Allow-Origin '{emission.raw}' {how} but "
                "the response lacks 'Vary: Origin': a shared cache can serve one origin's answer "
                "to another, which the browser then refuses.",
                emission.source, failure=failure, request=req, route=route,
            )
        # Answers carrying ACAO say Vary: Origin, but the others do not: a
        # cache keeps such an answer (e.g. to a request without Origin) for
        # everyone, the allowed origins included.
        varied = [(o, ans) for o, ans in granted if _varies_on_origin(ans)]
        if not varied:
            continue
        origin, good = varied[0]
        for probe, ans in answers:
            if _acao(ans) == _acao(good) or _varies_on_origin(ans):
                continue
            vary = next((h for h, _ in good.sent if h.lname == VARY), None)
            if vary is None:
                break
            key = (vary.source, "others")
            if key in seen:
                break
            seen.add(key)
            req = request(route, origin)
            failure = engine.check_cors(req, ans.response)
            who = "requests without an Origin header" if probe is None else "origins it does not allow"
            yield report(
                "'Vary: Origin' is sent only with the answers that carry Access-Control-Allow-Origin; "
                f"the answer to {who} lacks it, so a shared cache can serve that answer to the "
                "allowed origins too, which the browser then refuses.",
                vary.source, failure=failure, request=req, route=route,
                related=[h.source for h, _ in good.sent if h.lname == ACAO],
            )
            break
