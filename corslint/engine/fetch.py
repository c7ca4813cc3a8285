"""The Fetch standard's CORS algorithms over concrete responses: the CORS
check, the CORS-preflight fetch, redirects, and a whole request.

Where the standard leaves the order of equivalent failures open, the order is
the one Chromium reports (BROWSER_MESSAGES.md): on a preflight, a redirect
first, then the CORS check, then the status, then the method and header lists.
Where Firefox reports a different failure for the same response, the
Failure's ``firefox_failure`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urljoin

from .http import CorsRequest, HttpResponse, firefox_invalid_entry, parse_header_list
from .messages import Failure, FailureKind
from .origin import chromium_accepts_url, parse_origin, url_has_credentials, url_origin
from .safelist import (
    cors_unsafe_request_header_names,
    is_cors_safelisted_method,
    normalize_method,
    script_headers,
)

_K = FailureKind

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"

# Fetch's "CORS non-wildcard request-header name": `*` never covers it.
_NON_WILDCARD_HEADERS = ("authorization",)
# Headers describing a request body, dropped when a redirect turns it into GET.
_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})


@dataclass(frozen=True)
class Verdict:
    """The outcome of a whole request: ``stage`` says which response failed."""

    ok: bool
    failure: Failure | None = None
    stage: str | None = None   # "preflight", "actual" or None


# ---------------------------------------------------------------- request side


def request_method(req: CorsRequest) -> str:
    """The method the browser sends (normalized)."""
    return normalize_method(req.method)


def unsafe_request_header_names(req: CorsRequest) -> list[str]:
    """Fetch's "CORS-unsafe request-header names" of the request: lowercased,
    sorted, no duplicates. Forbidden headers, which a page cannot set, are
    not part of the request and do not count."""
    return cors_unsafe_request_header_names(tuple(script_headers(req.headers)))


def needs_preflight(req: CorsRequest) -> bool:
    """True when a cross-origin ``req`` is preceded by a CORS-preflight fetch:
    a method other than GET/HEAD/POST, or any CORS-unsafe request header."""
    return not is_cors_safelisted_method(request_method(req)) or bool(unsafe_request_header_names(req))


def request_origin(req: CorsRequest) -> str:
    """The serialized origin the request carries in ``Origin``: the page's,
    or "null" once the request's origin is tainted by a redirect."""
    if req.tainted:
        return "null"
    parsed = parse_origin(req.origin)
    return parsed.serialize() if parsed is not None else req.origin


def is_same_origin(req: CorsRequest) -> bool:
    """True when the request URL has the page's origin, so no CORS applies."""
    if req.tainted:
        return False
    page = parse_origin(req.origin)
    target = url_origin(req.url)
    return page is not None and not page.opaque and page == target


# ---------------------------------------------------------------- CORS check


def check_cors(req: CorsRequest, resp: HttpResponse) -> Failure | None:
    """Fetch's CORS check on an actual (or redirect) response: the
    ``Access-Control-Allow-Origin`` value against the request's origin, then
    ``Access-Control-Allow-Credentials`` when credentials are included."""
    return _cors_check(req, resp, preflight=False)


def _cors_check(req: CorsRequest, resp: HttpResponse, *, preflight: bool) -> Failure | None:
    def fail(kind: FailureKind, value: str | None = None) -> Failure:
        if preflight:
            kind = kind.preflight_variant()
        return Failure(kind, preflight, resp.status, value)

    values = resp.get_all(ACAO)
    if not values:
        return fail(_K.MISSING_ALLOW_ORIGIN)
    if len(values) > 1:
        # Chromium sees the fields joined with ", " and complains about that
        # value; Firefox counts the fields and refuses more than one.
        return fail(_K.MULTIPLE_ALLOW_ORIGIN, resp.combined(ACAO))
    value = values[0]
    if value == "*":
        if req.credentials:
            return fail(_K.WILDCARD_WITH_CREDENTIALS, value)
        return None
    if value != request_origin(req):
        # Chromium's classification of a mismatch; Firefox says "does not
        # match" to all three.
        if " " in value or "," in value:
            return fail(_K.MULTIPLE_ORIGINS_IN_VALUE, value)
        if not chromium_accepts_url(value):
            return fail(_K.INVALID_ALLOW_ORIGIN_VALUE, value)
        return fail(_K.ALLOW_ORIGIN_MISMATCH, value)
    if req.credentials:
        acac = resp.combined(ACAC)
        if acac != "true":
            return fail(_K.INVALID_ALLOW_CREDENTIALS, acac if acac is not None else "")
    return None


# ---------------------------------------------------------------- preflight


def check_preflight(req: CorsRequest, resp: HttpResponse) -> Failure | None:
    """The verdict of the CORS-preflight fetch for ``req`` given the response
    to its OPTIONS request: no redirect, the CORS check, an ok status, then
    ``Access-Control-Allow-Methods`` and ``-Headers`` (parsed as header lists)
    against the request's method and CORS-unsafe header names."""
    if resp.is_redirect:
        # Firefox first runs the CORS check on the redirect and names its
        # failure; only a redirect that passes gets "external redirect".
        firefox = _cors_check(req, resp, preflight=True)
        return Failure(_K.PREFLIGHT_REDIRECT, True, resp.status, resp.location, firefox_failure=firefox)

    failure = _cors_check(req, resp, preflight=True)
    if failure is not None:
        return failure
    if not resp.is_ok:
        return Failure(_K.PREFLIGHT_INVALID_STATUS, True, resp.status)

    allow_methods = resp.combined(ACAM) or ""
    allow_headers = resp.combined(ACAH) or ""
    methods, bad_methods = parse_header_list(allow_methods)
    headers, bad_headers = parse_header_list(allow_headers)

    # Fetch and Chromium parse both lists before checking either; Firefox
    # parses and checks the methods before it looks at the headers.
    method_failure = _method_failure(req, resp, methods)
    firefox_bad_method = firefox_invalid_entry(allow_methods)
    firefox: Failure | None
    if firefox_bad_method is not None:
        firefox = Failure(_K.INVALID_ALLOW_METHODS_TOKEN, True, resp.status, firefox_bad_method)
    elif method_failure is not None:
        firefox = method_failure
    else:
        firefox_bad_header = firefox_invalid_entry(allow_headers)
        firefox = (Failure(_K.INVALID_ALLOW_HEADERS_TOKEN, True, resp.status, firefox_bad_header)
                   if firefox_bad_header is not None else None)

    if bad_methods:
        return _with_firefox(Failure(_K.INVALID_ALLOW_METHODS_TOKEN, True, resp.status, bad_methods[0]),
                             firefox)
    if bad_headers:
        return _with_firefox(Failure(_K.INVALID_ALLOW_HEADERS_TOKEN, True, resp.status, bad_headers[0]),
                             firefox)
    if method_failure is not None:
        return method_failure
    return _header_failure(req, resp, headers)


def _with_firefox(failure: Failure, firefox: Failure | None) -> Failure:
    """``failure`` noting what Firefox reports, when that differs."""
    if firefox is None or firefox == failure:
        return failure
    return replace(failure, firefox_failure=firefox)


def _method_failure(req: CorsRequest, resp: HttpResponse, methods: list[str]) -> Failure | None:
    method = request_method(req)
    # Methods compare byte for byte: "put" in the list does not allow PUT.
    if method in methods or is_cors_safelisted_method(method):
        return None
    # With credentials a `*` is just a method named "*".
    if "*" in methods and not req.credentials:
        return None
    return Failure(_K.METHOD_NOT_ALLOWED, True, resp.status, method)


def _header_failure(req: CorsRequest, resp: HttpResponse, headers: list[str]) -> Failure | None:
    allowed = {h.lower() for h in headers}
    wildcard = "*" in headers and not req.credentials
    for name in unsafe_request_header_names(req):
        if name in allowed:
            continue
        if wildcard and name not in _NON_WILDCARD_HEADERS:
            continue
        return Failure(_K.HEADER_NOT_ALLOWED, True, resp.status, name)
    return None


# ---------------------------------------------------------------- redirects


def check_redirect(req: CorsRequest, resp: HttpResponse) -> Failure | None:
    """What a browser does with a redirect answering a cross-origin request:
    the CORS check on the redirect response, then the new location must not
    carry a username or password."""
    failure = check_cors(req, resp)
    if failure is not None:
        return failure
    location = resp.location
    if location is not None and url_has_credentials(location):
        target = url_origin(location)
        page = parse_origin(request_origin(req))
        if target is None or page is None or target != page:
            return Failure(_K.REDIRECT_CONTAINS_CREDENTIALS, False, resp.status, location)
    return None


def follow_redirect(req: CorsRequest, resp: HttpResponse) -> CorsRequest:
    """The request a browser makes next after redirect ``resp``: the new URL,
    the origin tainted (sent as "null") once a cross-origin request is
    redirected to yet another origin, and POST turned into GET on 301, 302
    and 303 (with its body headers dropped)."""
    if not resp.is_redirect:
        raise ValueError(f"status {resp.status} is not a redirect")
    new_url = urljoin(req.url, resp.location or "")
    current, target, page = url_origin(req.url), url_origin(new_url), parse_origin(req.origin)
    tainted = req.tainted or (target != current and page != current)
    method, headers = request_method(req), req.headers
    if (resp.status in (301, 302) and method == "POST") or (
            resp.status == 303 and method not in ("GET", "HEAD")):
        method = "GET"
        headers = tuple((n, v) for n, v in headers if n.lower() not in _BODY_HEADERS)
    return replace(req, url=new_url, method=method, headers=headers, tainted=tainted,
                   redirected_from=req.redirected_from or req.url)


# ---------------------------------------------------------------- a whole request


def run(req: CorsRequest, preflight: HttpResponse | None = None,
        actual: HttpResponse | None = None) -> Verdict:
    """A whole fetch: the preflight when the request needs one (``preflight``
    must then be given), then the actual response (a redirect is judged as a
    redirect, not followed). ``actual`` may be None to judge the preflight
    alone. A same-origin request that was not redirected involves no CORS."""
    if req.redirected_from is None and is_same_origin(req):
        return Verdict(True)
    if needs_preflight(req):
        if preflight is None:
            raise ValueError(f"{req.method} {req.url} needs a preflight response")
        failure = check_preflight(req, preflight)
        if failure is not None:
            return Verdict(False, failure, "preflight")
    if actual is None:
        return Verdict(True)
    failure = check_redirect(req, actual) if actual.is_redirect else check_cors(req, actual)
    if failure is not None:
        return Verdict(False, failure, "actual")
    return Verdict(True)
