"""Fix advice in Starlette's (and FastAPI's) words:
``app.add_middleware(CORSMiddleware, allow_origins=[...], ...)``.

Facts it leans on (starlette/middleware/cors.py): ``allow_origin_regex`` is
tried with ``fullmatch``; ``allow_origins=["*"]`` with ``allow_credentials``
echoes any Origin; the middleware answers a preflight itself, and the last
middleware added is the outermost, the first to see a request."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, methods_or, named, py_list

_OUTERMOST = ("add CORSMiddleware last (app.add_middleware(CORSMiddleware, ...) after the other "
              "add_middleware calls), so it is outermost and answers preflights itself before "
              "anything else runs")


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: app.add_middleware(CORSMiddleware, ..., "
            f"allow_methods={py_list(joined(('GET', 'POST'), methods))}), methods in upper case "
            "(the default allows GET only).")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: app.add_middleware(CORSMiddleware, ..., "
            f"allow_headers={py_list(joined(('Content-Type',), headers))}).")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each allow_origins entry exactly as browsers send the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port. For subdomains use "
        r"""allow_origin_regex=r"https://[a-z0-9-]+\.example\.com" (matched in full)."""),
    "refuse-null-origin": (
        "Never allow 'null': remove it from allow_origins and make allow_origin_regex unable to "
        "match it (a fixed https:// scheme)."),
    "reflect-only-allowlisted-origins": (
        "Name the sites you trust instead of allow_origins=[\"*\"], which CORSMiddleware answers by "
        "echoing any Origin when allow_credentials=True: app.add_middleware(CORSMiddleware, "
        """allow_origins=["https://app.example.com"], allow_credentials=True); if the API is public """
        "and needs no cookies, keep [\"*\"] with allow_credentials=False."),
    "anchor-origin-pattern": (
        "Make allow_origin_regex match only your sites: escape every dot, fix the scheme and the "
        r"""domain boundary, e.g. allow_origin_regex=r"https://(app|admin)\.example\.com"; prefer """
        "exact allow_origins."),
    "simplify-origin-pattern": (
        "Rewrite allow_origin_regex without nested or overlapping quantifiers (e.g. "
        r"""r"https://([a-z0-9-]+\.)?example\.com"), or list exact allow_origins."""),
    "trust-only-https-origins": (
        "Trust only https:// origins in allow_origins and allow_origin_regex (make the site itself "
        "redirect to HTTPS); add http://localhost only in a development-only configuration."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, also those without CORS headers, "
        "e.g. from a middleware: response.headers.add_vary_header(\"Origin\")."),
    "send-origin-not-wildcard": (
        """Name the allowed origins: allow_origins=["https://app.example.com"] with """
        "allow_credentials=True, or allow_credentials=False if no cookies or auth are needed."),
    "send-credentials-true": (
        "Pass allow_credentials=True where credentials are wanted (CORSMiddleware then sends "
        "'true' once), and leave it False where they are not."),
    "drop-credentials-refusal": (
        "Leave allow_credentials=False where credentials are not wanted (no header is sent); pass "
        "True where they are."),
    "list-methods-and-headers-not-wildcard": (
        """List the methods and header names explicitly: allow_methods=["GET", "POST", "PUT", """
        """"DELETE"] and allow_headers=["Authorization", "Content-Type"]."""),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name: "
        """expose_headers=["X-Total-Count", "Content-Disposition"]."""),
    "same-credentials-on-preflight-and-answers": (
        "Let one CORSMiddleware answer both the preflight and the actual requests, and set no "
        "CORS headers by hand in endpoints."),
    "answer-preflight-before-handlers": f"Answer preflights before any route or method check: {_OUTERMOST}.",
    "answer-preflight-before-auth": (
        f"Answer preflights before authentication: {_OUTERMOST}, outside the authentication "
        "middleware (browsers send no credentials on a preflight)."),
    "answer-preflight-before-redirect": (
        "Make the client call the final URL (e.g. with or without the trailing slash, as the "
        f"route is declared, so the slash redirect never happens), or {_OUTERMOST}."),
    "send-allow-origin-on-preflight": f"Let CORSMiddleware answer the preflight too: {_OUTERMOST}.",
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        """List methods as separate upper-case strings: allow_methods=["GET", "POST", "PUT", "DELETE"]."""),
    "spell-header-names-as-tokens": (
        """List header names as separate strings: allow_headers=["Content-Type", "Authorization"]."""),
    "max-age-in-range": (
        "Pass max_age as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "max_age=7200; 0 disables preflight caching."),
    "add-always": (
        "Send the CORS headers on every status: raise HTTPException (or return error responses) "
        "from endpoints so CORSMiddleware adds its headers, and keep CORSMiddleware outermost."),
}
