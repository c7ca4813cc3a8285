"""CORS107 insecure-origin-trusted: an ``http://`` origin is trusted where its
page is evidently meant to be served over HTTPS.

A plain-HTTP page can be changed by anyone on its network path, so trusting
it hands the API's responses to them. corslint reports it when

* the service is served over HTTPS and allows an ``http://`` origin, or
* the service's scheme is unknown (a snippet, an application's middleware),
  the answers allow credentials, and the allowlist trusts both
  ``https://host`` and its plain-HTTP twin ``http://host`` (``^https?://``,
  ``(http|https)://``, two entries): the https one says the site has TLS, so
  the http one is only a downgrade. Without credentials such an answer is
  public content, and nothing is reported.

Which plain-HTTP origins an allowlist entry admits is asked of
:mod:`corslint.allowlist` (the entry's real matching rule). In a route that
sends Access-Control-Allow-Origin the finding is confirmed by the answer; an
entry in a route that never sends it (a gate, a bare ``if``) is judged on
the pattern alone (info). Loopback origins (``http://localhost``,
``127.0.0.1``, ``[::1]``) are left alone. A security finding; no browser
error follows. See ``corslint explain CORS107``.
"""

from __future__ import annotations

from .. import allowlist, engine
from ..model import Branch, HeaderEmission, OriginMap, OriginRef, Route, Source
from ..scenarios import answer, intended_origins
from ._base import cors_routes, reporter

CODE = "CORS107"
NAME = "insecure-origin-trusted"
SEVERITY = "warning"
CATEGORY = "security"
LEVELS = ("info", "warning")
SUMMARY = "http:// origin trusted by an HTTPS service"
# What must change, worded per frontend by corslint.fixes.
FIX = "trust-only-https-origins"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


def _http_candidates(route: Route) -> list[str]:
    """Plain-HTTP origins worth asking about: literal ones the config names,
    and every plain-HTTP origin an allowlist entry admits."""
    out: list[str] = []
    for text in intended_origins(route):
        origin = engine.parse_origin(text)
        if origin is None or origin.opaque or origin.scheme != "http" or allowlist.is_loopback(origin.host):
            continue
        if engine.origin_value_problem(origin.serialize()) is None:
            out.append(origin.serialize())
    for matcher in route.origin_matchers():
        out += [i.origin for i in allowlist.analyse(matcher).insecure]
    return list(dict.fromkeys(out))


def _cause(branch: Branch, emission: HeaderEmission, origin: str) -> tuple[Source, str] | None:
    """Where the config lets ``origin`` in, and how to say it; None when the
    Origin is echoed with no check at all (that is CORS105)."""
    insecure = f"the plain-HTTP origin {origin}"
    value = emission.value
    if value.is_literal:
        return emission.source, f"Access-Control-Allow-Origin names {insecure}"
    reflected = False
    for part in value.parts:
        if isinstance(part, OriginMap):
            for entry in part.entries:
                if entry.matcher.matches(origin):
                    where = entry.matcher.source or emission.source
                    if entry.matcher.is_regex:
                        return where, f"Origin pattern '{entry.matcher.pattern}' also admits {insecure}"
                    pattern = entry.matcher.pattern
                    return where, f"Origin allowlist entry '{pattern}' trusts a plain-HTTP origin"
            if part.default.parts == (OriginRef(),):
                reflected = True
            elif part.default.is_literal:
                return (part.source or emission.source), (
                    f"the Origin allowlist's default answer names {insecure}")
        elif isinstance(part, OriginRef):
            reflected = True
    if reflected:
        for test in branch.origin_tests:
            if test.expect and test.matcher.matches(origin):
                where = test.matcher.source or emission.source
                if test.matcher.is_regex:
                    return where, f"Origin pattern '{test.matcher.pattern}' also admits {insecure}"
                return where, f"an Origin check allows {insecure}"
    return None


def _twin(origin: str) -> str:
    return "https://" + origin[len("http://"):]


def _route_findings(route: Route, found: dict) -> None:
    for origin in _http_candidates(route):
        twin = None
        if route.https is not True:
            # scheme unknown: only a downgrade when the https twin is trusted too
            if not allowlist.grants(route, _twin(origin))[0]:
                continue
            twin = _twin(origin)
        for method in ("GET", "OPTIONS"):
            ans = answer(route, method, origin, credentials=True, preflight=method == "OPTIONS")
            if ans is None or ans.response.status >= 400:
                continue  # an error answer gives the page nothing to read
            granted = [h for h, v in ans.sent if h.lname == ACAO and v.strip(" \t") == origin]
            credentials = any(h.lname == ACAC and v.strip(" \t") == "true" for h, v in ans.sent)
            for h in granted:
                cause = _cause(ans.branch, h, origin)
                if cause is None:
                    continue
                where, sentence = cause
                key = (where, sentence)
                if key not in found or (credentials and not found[key][1]):
                    found[key] = (route, credentials, tuple(s for s in (h.source,) if s != where), twin)


def _pattern_findings(model, reported: set[Source]):
    """Entries in routes that never send Access-Control-Allow-Origin
    themselves (a gate, a bare ``if``): judged on what they admit."""
    seen: set[tuple] = set()
    for route, matcher in allowlist.uses(model):
        where = matcher.source
        if where is None or where in reported or (where, matcher.pattern) in seen:
            continue
        if route is not None and (allowlist.sends_allow_origin(route) or route.https is False):
            continue
        https = route is not None and route.https is True
        for insecure in allowlist.analyse(matcher).insecure:
            if not (https or insecure.secure_twin):
                continue
            if allowlist.is_denylist(route, matcher, insecure.probe):
                continue
            seen.add((where, matcher.pattern))
            what = (f"Origin pattern '{matcher.pattern}' admits" if matcher.is_regex
                    else f"Origin check '{matcher.pattern}' accepts")
            if https:
                context = "on an HTTPS service"
            else:
                context = f"beside its HTTPS twin {insecure.secure_twin}"
            yield report(f"{what} the plain-HTTP origin {insecure.origin} {context}: whatever this check "
                         "guards is open to whoever can tamper with that unencrypted page.",
                         where, level="info", route=route)
            break


def check(model):
    found: dict[tuple, tuple] = {}
    for route in cors_routes(model):
        if route.https is False:
            continue
        _route_findings(route, found)
    for (where, sentence), (route, credentials, related, twin) in found.items():
        if twin is not None and not credentials:
            # The service's scheme is unknown and the answers carry no
            # credentials: public content, which a tampered page could read
            # from anywhere else as well (#20).
            continue
        with_credentials = " with credentials" if credentials else ""
        context = (" on an HTTPS service" if twin is None
                   else f" (the allowlist also trusts {twin}, so that site has HTTPS)")
        message = (sentence[0].upper() + sentence[1:]
                   + f"{context}: whoever can tamper with that unencrypted page reads "
                   f"the responses{with_credentials}.")
        yield report(message, where, route=route, related=related)
    yield from _pattern_findings(model, {where for where, _ in found})
