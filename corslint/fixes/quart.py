"""Fix advice in Quart-CORS's words: ``app = cors(app, allow_origin=[...], ...)``
and ``@route_cors(...)``.

Facts it leans on (Quart-CORS 0.8.0, quart_cors/__init__.py): a string entry
of ``allow_origin`` compares exactly; a ``re.compile(...)`` entry is tried
with ``Pattern.match`` (anchored at the start only); ``"*"`` (the default)
with ``allow_credentials=True`` makes every response a 500; Vary is added by
the library; Quart answers OPTIONS itself and the library adds the headers."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, methods_or, named, py_list


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: app = cors(app, ..., "
            f"allow_methods={py_list(joined(('GET', 'POST'), methods))}), methods in upper case.")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: app = cors(app, ..., "
            f"allow_headers={py_list(joined(('Content-Type',), headers))}).")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each allow_origin string exactly as browsers send the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port. For subdomains use "
        r"""re.compile(r"https://[a-z0-9-]+\.example\.com$") (matched from the start: end it with $)."""),
    "refuse-null-origin": (
        "Never allow 'null': remove it from allow_origin and make every re.compile(...) entry unable "
        "to match it (a fixed https:// scheme)."),
    "reflect-only-allowlisted-origins": (
        "Name the sites you trust: app = cors(app, allow_origin=[\"https://app.example.com\"], "
        "allow_credentials=True); keep \"*\" (with send_origin_wildcard left on) only for a public API "
        "without cookies."),
    "anchor-origin-pattern": (
        "Quart-CORS tries a re.compile(...) entry with Pattern.match, which anchors only the start: end "
        r"""the pattern with $ and escape every dot, e.g. re.compile(r"https://(app|admin)\.example\.com$"); """
        "prefer exact strings in allow_origin."),
    "simplify-origin-pattern": (
        "Rewrite the re.compile(...) entry without nested or overlapping quantifiers (e.g. "
        r"""re.compile(r"https://([a-z0-9-]+\.)?example\.com$")), or list exact strings in allow_origin."""),
    "trust-only-https-origins": (
        "Trust only https:// origins in allow_origin, strings and re.compile(...) entries alike; add "
        "http://localhost only in a development-only configuration."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, e.g. from an @app.after_request "
        "function: response.vary.add(\"Origin\")."),
    "send-origin-not-wildcard": (
        """Name the allowed origins: app = cors(app, allow_origin=["https://app.example.com"], """
        "allow_credentials=True), or leave allow_credentials off if no cookies or auth are needed."),
    "send-credentials-true": (
        "Pass allow_credentials=True to cors() or route_cors() where credentials are wanted, with named "
        "origins (Quart-CORS then sends 'true'), and leave it off where they are not."),
    "drop-credentials-refusal": (
        "Leave allow_credentials off where credentials are not wanted (no header is sent); pass True "
        "where they are."),
    "list-methods-and-headers-not-wildcard": (
        """List the methods and header names explicitly: allow_methods=["GET", "POST", "PUT", """
        """"DELETE"] and allow_headers=["Authorization", "Content-Type"]."""),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name: "
        """expose_headers=["X-Total-Count", "Content-Disposition"]."""),
    "same-credentials-on-preflight-and-answers": (
        "Let one cors(app, ...) (or one @route_cors(...) per view) answer both the preflight and the "
        "actual requests, and set no CORS headers by hand in views."),
    "answer-preflight-before-handlers": (
        "Let the route answer OPTIONS: keep Quart's automatic OPTIONS response (route_cors's "
        "provide_automatic_options=True), so Quart-CORS adds its headers to it."),
    "answer-preflight-before-auth": (
        "Answer preflights before authentication: skip the login check for OPTIONS requests in "
        "before_request (browsers send no credentials on a preflight), so Quart's automatic OPTIONS "
        "response gets Quart-CORS's headers."),
    "answer-preflight-before-redirect": (
        "Make the client call the final URL (with or without the trailing slash, as the route is "
        "declared), so no redirect answers the preflight."),
    "send-allow-origin-on-preflight": (
        "Let Quart-CORS answer the preflight too: app = cors(app, ...) or @route_cors(...) on the view, "
        "under its @app.route."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        """List methods as separate upper-case strings: allow_methods=["GET", "POST", "PUT", "DELETE"]."""),
    "spell-header-names-as-tokens": (
        """List header names as separate strings: expose_headers=["X-Total-Count", "Content-Disposition"]."""),
    "max-age-in-range": (
        "Pass max_age as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "cors(app, ..., max_age=7200); 0 disables preflight caching."),
    "add-always": (
        "Send the CORS headers on every status: return error responses (or abort()) from views so the "
        "after_request hook of cors(app) adds its headers."),
}
