"""Shared pieces for rule modules: building findings with the browser texts."""

from __future__ import annotations

from typing import Iterable, Iterator

from ..engine import CorsRequest, Failure
from ..findings import Finding
from ..model import Branch, HeaderEmission, PolicyModel, Route, Source


def cors_routes(model: PolicyModel) -> Iterator[Route]:
    """Routes that send CORS headers somewhere: the ones the checks judge."""
    for route in model.routes:
        if route.is_cors():
            yield route


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


def branches_for(route: Route, method: str) -> list[Branch]:
    return [b for b in route.branches if b.methods is None or method in b.methods]


def reporter(code: str, severity: str, fix: str = ""):
    """A finding factory for one rule: ``report = reporter(CODE, SEVERITY, FIX)``.

    With ``failure`` and ``request`` the finding carries the full Chrome and
    Firefox console lines for that request."""

    def report(message: str, source: Source, *, fix_text: str = "", level: str | None = None,
               failure: Failure | None = None, request: CorsRequest | None = None,
               route: Route | None = None, related: Iterable[Source] = ()) -> Finding:
        chrome = firefox = None
        if failure is not None and request is not None:
            chrome = failure.chrome_message(request)
            firefox = failure.firefox_message(request)
        return Finding(
            code=code,
            message=message,
            source=source,
            severity=level or severity,
            fix=fix_text or fix,
            chrome=chrome,
            firefox=firefox,
            related=tuple(dict.fromkeys(s for s in related if s != source)),
            route=route.name if route is not None else "",
        )

    return report
