"""Fix advice in Sanic-CORS's words (``CORS(app, ...)``, ``@cross_origin(...)``).

Facts it leans on (Sanic-CORS 2.2.0, sanic_cors/core.py): an origin string
with ``* \\ ] ?`` (or a compiled pattern) is a regex tried with ``re.match``,
anchored at the start only (CVE-2026-37737, unfixed in every release); the
default ``origins="*"`` echoes every Origin unless ``send_wildcard=True``;
Sanic-CORS answers OPTIONS itself (``automatic_options``)."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, methods_or, named, py_list


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: CORS(app, methods="
            f"{py_list(joined(('GET', 'POST'), methods))}), methods in upper case (the default "
            "already lists GET, HEAD, POST, OPTIONS, PUT, PATCH and DELETE).")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: CORS(app, allow_headers="
            f"{py_list(joined(('Content-Type',), headers))}).")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each origins entry exactly as browsers send the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port. For subdomains use a "
        r"""regex anchored at both ends: CORS(app, origins=[r"^https://[a-z0-9-]+\.example\.com$"])."""),
    "refuse-null-origin": (
        "Never allow 'null': remove it from origins and make no regex entry match it (anchor each "
        "with ^...$ and a fixed scheme)."),
    "reflect-only-allowlisted-origins": (
        "Name the sites you trust instead of the default origins='*', which Sanic-CORS answers by "
        """echoing any Origin: CORS(app, origins=["https://app.example.com"], """
        "supports_credentials=True) (the same options in @cross_origin(...)); if the API is public "
        "and needs no cookies, leave supports_credentials off."),
    "anchor-origin-pattern": (
        "Sanic-CORS tries regex origins with re.match, which anchors only the start (CVE-2026-37737; "
        r"""no release fixes it): end every regex entry with $ and escape every dot, e.g. """
        r"""CORS(app, origins=[r"^https://(app|admin)\.example\.com$"]); prefer exact origins."""),
    "simplify-origin-pattern": (
        "Rewrite the regex entry without nested or overlapping quantifiers (e.g. "
        r"""r"^https://([a-z0-9-]+\.)?example\.com$"), or list exact origins."""),
    "trust-only-https-origins": (
        "Trust only https:// origins in origins, plain and regex entries alike; add "
        "http://localhost only in a development-only configuration."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, e.g. from a response middleware: "
        """@app.on_response async def vary(request, response): response.headers["Vary"] = "Origin"."""),
    "send-origin-not-wildcard": (
        """Name the allowed origins: CORS(app, origins=["https://app.example.com"], """
        "supports_credentials=True), or leave supports_credentials off if no cookies are needed."),
    "send-credentials-true": (
        "Pass supports_credentials=True where credentials are wanted (Sanic-CORS then sends "
        "'true'), and leave it off where they are not."),
    "drop-credentials-refusal": (
        "Leave supports_credentials off where credentials are not wanted (no header is sent)."),
    "list-methods-and-headers-not-wildcard": (
        """List the methods and header names explicitly: methods=["GET", "POST", "PUT", "DELETE"] """
        """and allow_headers=["Authorization", "Content-Type"]."""),
    "list-exposed-headers-not-wildcard": (
        """List the response headers scripts need by name: expose_headers=["X-Total-Count", """
        """"Content-Disposition"]."""),
    "same-credentials-on-preflight-and-answers": (
        "Let one CORS(app, ...) (or one @cross_origin(...) per handler) answer both the preflight and "
        "the actual requests, and set no CORS headers by hand in handlers."),
    "answer-preflight-before-handlers": (
        "Keep automatic_options=True (the default), so Sanic-CORS answers OPTIONS itself before any "
        "handler runs."),
    "answer-preflight-before-auth": (
        "Answer preflights before authentication: skip the login check for OPTIONS requests in the "
        "request middleware (browsers send no credentials on a preflight), and keep "
        "automatic_options=True."),
    "answer-preflight-before-redirect": (
        "Make the client call the final URL (as the route is declared, so no redirect happens)."),
    "send-allow-origin-on-preflight": (
        "Let Sanic-CORS answer the preflight too: CORS(app, ...) with automatic_options=True, or "
        "@cross_origin(...) on the handler."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        """List methods as separate upper-case strings: methods=["GET", "POST", "PUT", "DELETE"]."""),
    "spell-header-names-as-tokens": (
        """List header names as separate strings: allow_headers=["Content-Type", "Authorization"]."""),
    "max-age-in-range": (
        "Pass max_age as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "CORS(app, ..., max_age=7200); 0 disables preflight caching."),
    "add-always": (
        "Send the CORS headers on every status: keep intercept_exceptions=True (the default), so "
        "Sanic-CORS adds its headers to error answers too."),
}
