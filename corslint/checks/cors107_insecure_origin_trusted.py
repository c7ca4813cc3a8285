"""CORS107 insecure-origin-trusted: a service served over HTTPS allows an
``http://`` origin.

A plain-HTTP page can be changed by anyone on its network path, so trusting
it hands the HTTPS API's responses to them. Loopback origins
(``http://localhost``, ``127.0.0.1``, ``[::1]``) are left alone. A security
finding; no browser error follows. See ``corslint explain CORS107``.
"""

from __future__ import annotations

import ipaddress

from .. import engine
from ..model import Branch, HeaderEmission, OriginMap, OriginRef, Route, Source
from ..scenarios import answer, intended_origins
from ._base import cors_routes, reporter

CODE = "CORS107"
NAME = "insecure-origin-trusted"
SEVERITY = "warning"
SUMMARY = "http:// origin trusted by an HTTPS service"
FIX = ("Trust only https:// origins (make the site itself redirect to HTTPS); keep "
       "http://localhost for development in a development-only config.")
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _http_candidates(route: Route) -> list[str]:
    """Plain-HTTP origins worth asking about: the ones the config names, and
    the http:// twin of every origin it means to allow."""
    out: list[str] = []
    for text in intended_origins(route):
        origin = engine.parse_origin(text)
        if origin is None or origin.opaque or origin.scheme not in ("http", "https"):
            continue
        port = f":{origin.port}" if origin.port is not None else ""
        candidate = f"http://{origin.host}{port}"
        if not _is_loopback(origin.host) and engine.origin_value_problem(candidate) is None:
            out.append(candidate)
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


def check(model):
    found: dict[tuple, tuple] = {}
    for route in cors_routes(model):
        if route.https is not True:
            continue
        for origin in _http_candidates(route):
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
                        found[key] = (route, credentials, tuple(s for s in (h.source,) if s != where))
    for (where, sentence), (route, credentials, related) in found.items():
        with_credentials = " with credentials" if credentials else ""
        message = (sentence[0].upper() + sentence[1:]
                   + f" on an HTTPS service: whoever can tamper with that unencrypted page reads "
                   f"the responses{with_credentials}.")
        yield report(message, where, route=route, related=related)
