"""Fix advice in Flask-CORS's words (``CORS(app, ...)``, ``@cross_origin(...)``).

Facts it leans on (flask_cors/core.py): an origin string with regex
characters is a regex tried with ``re.match`` (anchored at the start only);
the default ``origins="*"`` echoes every Origin unless ``send_wildcard=True``;
Flask answers OPTIONS itself (``automatic_options``) and the extension adds
its headers to that answer and, with ``intercept_exceptions``, to errors."""

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
        "'scheme://host[:port]', no path, no trailing slash, no default port. For subdomains use an "
        r"""anchored regex: CORS(app, origins=[r"^https://[a-z0-9-]+\.example\.com$"])."""),
    "refuse-null-origin": (
        "Never allow 'null': remove it from origins and make no regex entry match it (anchor each "
        "with ^...$ and a fixed scheme)."),
    "reflect-only-allowlisted-origins": (
        "Name the sites you trust instead of the default origins='*', which Flask-CORS answers by "
        """echoing any Origin: CORS(app, origins=["https://app.example.com"], """
        "supports_credentials=True) (the same options in @cross_origin(...)); if the API is public "
        "and needs no cookies, use "
        "send_wildcard=True without supports_credentials."),
    "anchor-origin-pattern": (
        "Anchor the origins regex at both ends (re.match anchors only the start), escape every dot "
        r"""and fix the scheme, e.g. origins=[r"^https://(app|admin)\.example\.com$"]; prefer """
        "exact origin strings."),
    "simplify-origin-pattern": (
        "Rewrite the origins regex without nested or overlapping quantifiers (e.g. "
        r"""r"^https://([a-z0-9-]+\.)?example\.com$"), or list exact origin strings."""),
    "trust-only-https-origins": (
        "Trust only https:// origins in origins=[...] (make the site itself redirect to HTTPS); "
        "add http://localhost only in a development-only configuration."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, also those Flask-CORS adds no CORS "
        "headers to: @app.after_request def vary_on_origin(response): response.vary.add(\"Origin\"); "
        "return response."),
    "send-origin-not-wildcard": (
        """Name the allowed origins instead of '*': CORS(app, origins=["https://app.example.com"], """
        "supports_credentials=True) without send_wildcard, or drop supports_credentials if no "
        "cookies or auth are needed."),
    "send-credentials-true": (
        "Pass supports_credentials=True where credentials are wanted (Flask-CORS then sends 'true' "
        "once), and leave it out where they are not."),
    "drop-credentials-refusal": (
        "Leave supports_credentials out where credentials are not wanted (no header is sent); pass "
        "supports_credentials=True where they are."),
    "list-methods-and-headers-not-wildcard": (
        """List the methods and header names explicitly: CORS(app, methods=["GET", "POST", "PUT", """
        """"DELETE"], allow_headers=["Authorization", "Content-Type"]): with credentials '*' """
        "matches nothing."),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name: "
        """CORS(app, expose_headers=["X-Total-Count", "Content-Disposition"])."""),
    "same-credentials-on-preflight-and-answers": (
        "Let one CORS(app, ...) (or one @cross_origin) cover both the OPTIONS answer and the route "
        "itself, with the same origins and supports_credentials, and set no CORS headers by hand."),
    "answer-preflight-before-handlers": (
        "Let Flask answer OPTIONS itself (keep automatic_options and do not turn off "
        "provide_automatic_options) and make CORS(app, resources=...) cover the route, so the "
        "preflight gets the CORS headers before any handler or method check runs."),
    "answer-preflight-before-auth": (
        "Answer preflights before authentication: return early for request.method == 'OPTIONS' "
        "in the before_request hook or login decorator (browsers send no credentials on a "
        "preflight), so Flask-CORS adds its headers to Flask's automatic OPTIONS answer."),
    "answer-preflight-before-redirect": (
        "Make the client call the final URL (e.g. the route's trailing slash, which Flask "
        "otherwise redirects to), or answer OPTIONS before the redirect: browsers never follow a "
        "redirect on a preflight."),
    "send-allow-origin-on-preflight": (
        "Let Flask-CORS answer the preflight too: make CORS(app, resources=...) cover the route "
        "with the same options and keep Flask's automatic OPTIONS answer."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        """List methods as separate upper-case strings: methods=["GET", "POST", "PUT", "DELETE"]."""),
    "spell-header-names-as-tokens": (
        """List header names as separate strings: allow_headers=["Content-Type", "Authorization"]."""),
    "max-age-in-range": (
        "Pass max_age as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "CORS(app, max_age=7200)."),
    "add-always": (
        "Send the CORS headers on every status: keep intercept_exceptions=True (the default) so "
        "Flask-CORS adds them to error answers too, and set none by hand only on success paths."),
}
