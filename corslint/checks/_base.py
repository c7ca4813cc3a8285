"""Shared pieces for rule modules: building findings with the browser texts."""

from __future__ import annotations

from typing import Iterable, Iterator

from ..engine import CorsRequest, Failure, FailureKind, check_preflight
from ..findings import BrowserStop, Finding, FixIntent
from ..model import Branch, HeaderEmission, PolicyModel, Route, Source
from ..scenarios import DEFAULT_PAGE_ORIGIN, Answer, answer_branch, intended_origins, request


def cors_routes(model: PolicyModel) -> Iterator[Route]:
    """Routes that send CORS headers somewhere and whose answers reach a
    browser: the ones the checks judge by their answers. A route only
    reached internally (nginx `internal`, an auth_request target) is judged
    only by the rules that read what is written (all_emissions)."""
    for route in model.routes:
        if judged_by_answers(route):
            yield route


def judged_by_answers(route: Route) -> bool:
    """One of the routes cors_routes() yields."""
    return route.is_cors() and route.browser_reachable


def emissions_named(route: Route, name: str) -> list[HeaderEmission]:
    """Every distinct emission of a header in a route, in source order."""
    lname = name.lower()
    seen: dict[tuple, HeaderEmission] = {}
    for b in route.branches:
        for h in b.headers:
            if h.lname == lname:
                seen.setdefault((h.source, h.raw), h)
    return sorted(seen.values(), key=lambda h: (h.source.file, h.source.line, h.source.column))


def all_emissions(model: PolicyModel, name: str | None = None) -> Iterator[tuple[Route, HeaderEmission]]:
    """(route, emission) for every distinct emission across the model."""
    seen: set[tuple] = set()
    for route in model.routes:
        for b in route.branches:
            for h in b.headers:
                if name is not None and h.lname != name.lower():
                    continue
                key = (h.source, h.raw, h.name)
                if key not in seen:
                    seen.add(key)
                    yield route, h


def preflight_answers(model: PolicyModel) -> Iterator[tuple[Route, str, Answer]]:
    """(route, origin, answer) for every preflight answer of a CORS route: each
    branch that handles OPTIONS, for each origin the config means to allow (and
    a stand-in page origin) that reaches it."""
    for route in cors_routes(model):
        yield from route_preflight_answers(route)


def route_preflight_answers(route: Route) -> Iterator[tuple[Route, str, Answer]]:
    """``preflight_answers`` of one CORS route."""
    for branch in route.branches:
        if branch.methods is not None and "OPTIONS" not in branch.methods:
            continue
        for origin in dict.fromkeys(intended_origins(route) + [DEFAULT_PAGE_ORIGIN]):
            if all(t.holds(origin) for t in branch.origin_tests):
                yield route, origin, answer_branch(branch, origin, preflight=True)


class PreflightEvidence:
    """The first preflight answer (route, origin, answer) that sends each
    (emission, text) of one header, worked out on the first question: a rule
    asks only for values it reports, and most configs have none."""

    def __init__(self, model: PolicyModel, lname: str):
        self.model = model
        self.lname = lname
        self.found: dict[tuple, tuple[Route, str, Answer]] | None = None

    def get(self, h: HeaderEmission, text: str, route: Route) -> tuple[Route, str, Answer] | None:
        """``route`` is the first route (in model order) that has ``h``: no
        earlier one can send it, so an answer of its own is the first."""
        if judged_by_answers(route):
            for found in route_preflight_answers(route):
                if any(sent.lname == self.lname and sent.source == h.source and sent.raw == h.raw
                       and sent_text == text for sent, sent_text in found[2].sent):
                    return found
        if self.found is None:
            self.found = {}
            for answering, origin, ans in preflight_answers(self.model):
                for sent, sent_text in ans.sent:
                    if sent.lname == self.lname:
                        self.found.setdefault((sent.source, sent.raw, sent_text), (answering, origin, ans))
        return self.found.get((h.source, h.raw, text))

    def failure(self, h: HeaderEmission, text: str, route: Route, kinds: tuple[FailureKind, ...],
                **request_options) -> tuple[Failure, CorsRequest] | tuple[None, None]:
        """The engine's verdict on a preflight (``request_options``: its
        method, headers) answered with this emission sending ``text``, kept
        only when it is one of ``kinds``."""
        found = self.get(h, text, route)
        if found is None:
            return None, None
        answering, origin, ans = found
        req = request(answering, origin, **request_options)
        failure = check_preflight(req, ans.response)
        if failure is None or failure.kind not in kinds:
            return None, None
        return failure, req


def quote(text: str) -> str:
    """``text`` in the quotes that do not clash with it, for messages."""
    return f'"{text}"' if "'" in text else f"'{text}'"


def join_and(words) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def branches_for(route: Route, method: str) -> list[Branch]:
    return [b for b in route.branches if b.methods is None or method in b.methods]


def reporter(code: str, severity: str, fix: str = ""):
    """A finding factory for one rule: ``report = reporter(CODE, SEVERITY, FIX)``.

    ``FIX`` is the kind of change the rule asks for (a report may name another
    kind, or values, with ``intent``): a :class:`FixIntent`. The fix text
    itself is worded later, in the dialect of the route's frontend
    (corslint.fixes), so no rule ever sees which server it judges.

    With ``failure`` and ``request`` the finding carries the full Chrome and
    Firefox console lines for that request."""

    def report(message: str, source: Source, *, intent: FixIntent | str = "",
               level: str | None = None, failure: Failure | None = None,
               request: CorsRequest | None = None, route: Route | None = None,
               related: Iterable[Source] = ()) -> Finding:
        chrome = firefox = None
        if failure is not None and request is not None:
            chrome = failure.chrome_message(request)
            firefox = failure.firefox_message(request)
        return Finding(
            code=code,
            message=message,
            source=source,
            severity=level or severity,
            chrome=chrome,
            firefox=firefox,
            related=tuple(dict.fromkeys(s for s in related if s != source)),
            route=route.name if route is not None else "",
            intent=FixIntent(intent or fix) if isinstance(intent, str) else intent,
            # carried for the wording stage only: no rule reads it
            frontend=route.frontend if route is not None else "",
            route_at=route.source if route is not None else None,
            stop=browser_stop(failure, request),
        )

    return report


# ---------------------------------------------------------------- where the browser stops

_CREDENTIALS_ONLY = (FailureKind.WILDCARD_WITH_CREDENTIALS, FailureKind.INVALID_ALLOW_CREDENTIALS)


def fetch_step(kind: FailureKind) -> int:
    """The step of the fetch at which a browser reports ``kind``, in the order
    :func:`corslint.engine.fetch.check_preflight` and the CORS check take them."""
    from .. import findings

    if not kind.is_preflight:
        return findings.STEP_ACTUAL
    if kind is FailureKind.PREFLIGHT_REDIRECT:
        return findings.STEP_PREFLIGHT_REDIRECT
    if kind.base is not kind:
        return findings.STEP_PREFLIGHT_CORS_CHECK
    if kind is FailureKind.PREFLIGHT_INVALID_STATUS:
        return findings.STEP_PREFLIGHT_STATUS
    if kind in (FailureKind.INVALID_ALLOW_METHODS_TOKEN, FailureKind.INVALID_ALLOW_HEADERS_TOKEN):
        return findings.STEP_PREFLIGHT_LISTS
    if kind is FailureKind.METHOD_NOT_ALLOWED:
        return findings.STEP_PREFLIGHT_METHOD
    return findings.STEP_PREFLIGHT_HEADERS


def browser_stop(failure: Failure | None, request: CorsRequest | None) -> BrowserStop | None:
    """Where the browser stops ``request`` with ``failure``: what the report
    step needs to see which findings one failed request already explains."""
    if failure is None or request is None:
        return None
    return BrowserStop(
        kind=failure.kind.value,
        step=fetch_step(failure.kind),
        on_preflight=failure.kind.is_preflight,
        origin=request.origin,
        credentials=request.credentials,
        credentials_only=failure.kind.base in _CREDENTIALS_ONLY,
    )
