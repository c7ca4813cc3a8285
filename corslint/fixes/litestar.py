"""Fix advice in Litestar's words: ``Litestar(..., cors_config=CORSConfig(...))``.

Facts it leans on (Litestar 2.25.0, litestar/config/cors.py and
middleware/_internal/cors.py): ``allow_origins`` defaults to ``["*"]`` and
``"*"`` there allows every origin even beside ``allow_origin_regex``; entries
and the regex are tried with ``fullmatch``; with ``"*"`` the Origin is echoed
to requests that carry cookies; the CORS middleware wraps the whole
application and answers every OPTIONS request with an Origin itself."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, methods_or, named, py_list

_CONFIG = "Litestar(route_handlers=[...], cors_config=CORSConfig(...))"


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: CORSConfig(..., "
            f"allow_methods={py_list(joined(('GET', 'POST'), methods))}), methods in upper case "
            "(leaving allow_methods out allows every method).")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: CORSConfig(..., "
            f"allow_headers={py_list(joined(('Content-Type',), headers))}) (leaving allow_headers out "
            "allows every requested header).")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each allow_origins entry exactly as browsers send the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port. For subdomains use "
        r"""allow_origin_regex=r"https://[a-z0-9-]+\.example\.com" (matched in full)."""),
    "refuse-null-origin": (
        "Never allow 'null': remove it from allow_origins and make allow_origin_regex unable to "
        "match it (a fixed https:// scheme)."),
    "reflect-only-allowlisted-origins": (
        "Name the sites you trust: CORSConfig(allow_origins=[\"https://app.example.com\"], "
        "allow_credentials=True). Leaving allow_origins out means [\"*\"], which Litestar answers by "
        "echoing any Origin that comes with cookies, and which allow_origin_regex does not narrow; "
        "if the API is public and needs no cookies, keep [\"*\"] with allow_credentials=False."),
    "anchor-origin-pattern": (
        "Make allow_origin_regex and every allow_origins entry with '*' match only your sites "
        "(Litestar turns '*' into '.*'): escape every dot and fix the domain boundary, e.g. "
        r"""allow_origin_regex=r"https://(app|admin)\.example\.com"; prefer exact allow_origins."""),
    "simplify-origin-pattern": (
        "Rewrite allow_origin_regex without nested or overlapping quantifiers (e.g. "
        r"""r"https://([a-z0-9-]+\.)?example\.com"), or list exact allow_origins."""),
    "trust-only-https-origins": (
        "Trust only https:// origins in allow_origins and allow_origin_regex (make the site itself "
        "redirect to HTTPS); add http://localhost only in a development-only CORSConfig."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, also those to requests without an "
        "Origin, e.g. Litestar(..., response_headers=[ResponseHeader(name=\"Vary\", value=\"Origin\")]) "
        "(the CORS middleware still adds its own when it echoes the Origin)."),
    "send-origin-not-wildcard": (
        """Name the allowed origins: CORSConfig(allow_origins=["https://app.example.com"], """
        "allow_credentials=True), or allow_credentials=False if no cookies or auth are needed."),
    "send-credentials-true": (
        "Pass allow_credentials=True to CORSConfig where credentials are wanted (Litestar then sends "
        "'true'), and leave it False where they are not."),
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
        f"Let one CORSConfig answer both the preflight and the actual requests ({_CONFIG}), and set "
        "no CORS headers by hand in handlers."),
    "answer-preflight-before-handlers": (
        f"Pass the CORS settings to the application ({_CONFIG}): its CORS middleware wraps every "
        "route and answers preflights before any handler or guard."),
    "answer-preflight-before-auth": (
        f"Pass the CORS settings to the application ({_CONFIG}) rather than answering OPTIONS in a "
        "guarded handler: the CORS middleware answers preflights before guards and authentication "
        "middleware (browsers send no credentials on a preflight)."),
    "answer-preflight-before-redirect": (
        "Make the client call the final URL (as the route is declared, so no redirect happens); "
        f"the CORS middleware of {_CONFIG} answers preflights before any route runs."),
    "send-allow-origin-on-preflight": f"Let CORSConfig answer the preflight too: {_CONFIG}.",
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        """List methods as separate upper-case strings: allow_methods=["GET", "POST", "PUT", "DELETE"]."""),
    "spell-header-names-as-tokens": (
        """List header names as separate strings: allow_headers=["Content-Type", "Authorization"]."""),
    "max-age-in-range": (
        "Pass max_age as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "CORSConfig(..., max_age=7200); 0 disables preflight caching."),
    "add-always": (
        "Send the CORS headers on every status: raise HTTPException from handlers (Litestar's CORS "
        "middleware wraps the exception handler, so error answers get its headers too)."),
}
