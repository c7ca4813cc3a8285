"""Fix advice in django-cors-headers' words (the CORS_* settings and
CorsMiddleware's place in MIDDLEWARE).

Facts it leans on (corsheaders/middleware.py): origin regexes are tried with
``re.match`` (anchored at the start only); CorsMiddleware answers a preflight
itself, before the middleware below it and the view run; and a falsy
CORS_PREFLIGHT_MAX_AGE sends no Access-Control-Max-Age at all."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, methods_or, named

_HIGH = ("put 'corsheaders.middleware.CorsMiddleware' as high as possible in MIDDLEWARE (above "
         "CommonMiddleware and anything that can answer or refuse a request): it answers "
         "preflights itself")


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: CORS_ALLOW_METHODS = "
            f"[*default_methods, {', '.join(repr(m) for m in methods)}] (from corsheaders.defaults "
            "import default_methods), methods in upper case.")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: CORS_ALLOW_HEADERS = "
            f"[*default_headers, {', '.join(repr(h.lower()) for h in headers)}] (from "
            "corsheaders.defaults import default_headers).")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each CORS_ALLOWED_ORIGINS entry exactly as browsers send the Origin header: "
        "lowercase 'scheme://host[:port]', no path, no trailing slash, no default port, no '*'. "
        "For subdomains use an anchored regex: "
        r"""CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://[a-z0-9-]+\.example\.com$"]."""),
    "refuse-null-origin": (
        "Never allow 'null': remove it from CORS_ALLOWED_ORIGINS and make no "
        "CORS_ALLOWED_ORIGIN_REGEXES entry match it (anchor each with ^...$ and a fixed scheme)."),
    "reflect-only-allowlisted-origins": (
        "Replace allow-all (CORS_ALLOW_ALL_ORIGINS, formerly CORS_ORIGIN_ALLOW_ALL) with the sites "
        "you trust: "
        """CORS_ALLOWED_ORIGINS = ["https://app.example.com"] (django-cors-headers then echoes only """
        "those and sends 'Vary: Origin'); if the API is public and needs no cookies, keep allow-all "
        "and set CORS_ALLOW_CREDENTIALS = False."),
    "allow-every-origin": (
        "Remove '*' from CORS_ALLOWED_ORIGINS (django-cors-headers compares each entry's scheme "
        "and host; its system check corsheaders.E013 refuses '*'); to let every origin in, set "
        "CORS_ALLOW_ALL_ORIGINS = True (without CORS_ALLOW_CREDENTIALS), or name the sites you trust."),
    "anchor-origin-pattern": (
        "Anchor each CORS_ALLOWED_ORIGIN_REGEXES entry at both ends (re.match anchors only the "
        "start), escape every dot and fix the scheme, e.g. "
        r"""r"^https://(app|admin)\.example\.com$"; prefer exact CORS_ALLOWED_ORIGINS."""),
    "simplify-origin-pattern": (
        "Rewrite the CORS_ALLOWED_ORIGIN_REGEXES entry without nested or overlapping quantifiers "
        r"""(e.g. r"^https://([a-z0-9-]+\.)?example\.com$"), or list exact CORS_ALLOWED_ORIGINS."""),
    "trust-only-https-origins": (
        "Trust only https:// origins in CORS_ALLOWED_ORIGINS and CORS_ALLOWED_ORIGIN_REGEXES (make "
        "the site itself redirect to HTTPS); add http://localhost only in development settings."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, also those without CORS headers: "
        "decorate the views with @vary_on_headers(\"Origin\") (django.views.decorators.vary) or call "
        "patch_vary_headers(response, [\"Origin\"]) in a middleware."),
    "send-origin-not-wildcard": (
        "With CORS_ALLOW_CREDENTIALS = True, name the allowed origins "
        """(CORS_ALLOWED_ORIGINS = ["https://app.example.com"]) instead of allowing all, or set """
        "CORS_ALLOW_CREDENTIALS = False if no cookies or auth are needed."),
    "send-credentials-true": (
        "Set CORS_ALLOW_CREDENTIALS = True where credentials are wanted (django-cors-headers then "
        "sends 'true' once), and leave it False where they are not."),
    "drop-credentials-refusal": (
        "Leave CORS_ALLOW_CREDENTIALS = False where credentials are not wanted (no header is sent); "
        "set it True where they are."),
    "list-methods-and-headers-not-wildcard": (
        """List the methods and header names explicitly: CORS_ALLOW_METHODS = ["GET", "POST", """
        """"PUT", "DELETE"] and CORS_ALLOW_HEADERS = ["authorization", "content-type"]: with """
        "credentials '*' matches nothing."),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name: "
        """CORS_EXPOSE_HEADERS = ["X-Total-Count", "Content-Disposition"]."""),
    "same-credentials-on-preflight-and-answers": (
        "Let django-cors-headers answer both the preflight and the actual requests "
        f"({_HIGH}), and set no CORS headers by hand in views."),
    "answer-preflight-before-handlers": f"Answer preflights before any view or method check: {_HIGH}.",
    "answer-preflight-before-auth": (
        f"Answer preflights before authentication: {_HIGH}, and exempt OPTIONS from any login "
        "check of your own (browsers send no credentials on a preflight)."),
    "answer-preflight-before-redirect": (
        f"Make the client call the final URL (e.g. with APPEND_SLASH's trailing slash), or {_HIGH} "
        "before CommonMiddleware's redirect."),
    "send-allow-origin-on-preflight": (
        f"Let django-cors-headers answer the preflight too: {_HIGH} with the same CORS_* settings."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        """List methods as separate upper-case strings: CORS_ALLOW_METHODS = ["GET", "POST", """
        """"PUT", "DELETE"]."""),
    "spell-header-names-as-tokens": (
        """List header names as separate strings: CORS_ALLOW_HEADERS = ["content-type", """
        """"authorization"]."""),
    "max-age-in-range": (
        "Set CORS_PREFLIGHT_MAX_AGE to a whole number of seconds, at most 7200 (Chrome's cap), "
        "e.g. CORS_PREFLIGHT_MAX_AGE = 7200."),
    "add-always": (
        f"Send the CORS headers on every status: {_HIGH} and adds its headers to error answers "
        "from the views below it too."),
}
