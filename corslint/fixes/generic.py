"""Fix advice in no server's words: the fallback for a frontend (or an intent
kind) without wording of its own. It names headers and values, never a
directive, setting or API of one server or library."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import named


def _allow_method(intent: FixIntent) -> str:
    if intent.methods:
        return (f"Add {named(intent.methods)} to Access-Control-Allow-Methods on the preflight answer, "
                "spelled in upper case; '*' is taken literally when the request carries credentials.")
    return ("List every non-simple method the API accepts (PUT, PATCH, DELETE...) in "
            "Access-Control-Allow-Methods on the preflight answer, spelled in upper case; '*' is "
            "taken literally when the request carries credentials.")


def _allow_header(intent: FixIntent) -> str:
    if intent.headers:
        return (f"Add {named(intent.headers)} to Access-Control-Allow-Headers on the preflight answer; "
                "'*' never covers Authorization and is literal with credentials.")
    return ("List every request header the page sends that is not safelisted (Authorization, "
            "Content-Type for JSON, custom X-... headers) in Access-Control-Allow-Headers on the "
            "preflight answer; '*' never covers Authorization and is literal with credentials.")


def _spell(intent: FixIntent) -> str:
    if len(intent.headers) == 2:
        written, meant = intent.headers
        return f"Write '{meant}' where the config says '{written}'."
    return "Spell the CORS name exactly as the Fetch standard (or the library) names it."


def _remove_misspelt(intent: FixIntent) -> str:
    if len(intent.headers) == 2:
        written, meant = intent.headers
        return f"Remove '{written}' ('{meant}' is already there, or has no use where the line is)."
    return "Remove the misspelt name: the one it meant is already there."


WORDING = {
    "spell-cors-name": _spell,
    "remove-misspelt-name": _remove_misspelt,
    "send-origin-as-browsers-send-it": (
        "Send the origin exactly as browsers send it in the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port. For several origins "
        "or subdomains, check the request's Origin against an anchored allowlist and echo it back "
        "(with 'Vary: Origin')."),
    "send-one-matched-origin": (
        "Keep the list on the server: compare the request's Origin with the allowed origins and "
        "send back the one origin that matched, with 'Vary: Origin'."),
    "send-allow-origin-once": (
        "Let exactly one place send Access-Control-Allow-Origin: remove the second one, or, in "
        "front of an app that sets CORS headers itself, drop the app's copy or remove its CORS "
        "middleware."),
    "refuse-null-origin": (
        "Never allow 'null': to refuse an origin send no Access-Control-Allow-Origin at all, and "
        "remove 'null' from allowlists and patterns."),
    "reflect-only-allowlisted-origins": (
        "Echo the Origin only when it is on an exact, anchored allowlist of the sites you trust "
        "(everything else gets no Access-Control-Allow-Origin) and send 'Vary: Origin'; if the API "
        "is public and needs no cookies, send '*' and no Access-Control-Allow-Credentials."),
    "allow-every-origin": (
        "Remove '*' from the list of origins; to let every origin in, use the setting that "
        "allows all origins (answered with '*', no credentials), or name the sites you trust."),
    "anchor-origin-pattern": (
        "Anchor the pattern at both ends, escape every dot and fix the scheme, e.g. "
        r"'^https://(app|admin)\.example\.com$'; prefer an exact list of origins."),
    "simplify-origin-pattern": (
        "Rewrite the pattern without nested or overlapping quantifiers (e.g. "
        r"'^https://([a-z0-9-]+\.)?example\.com$'), or use an exact list of origins."),
    "trust-only-https-origins": (
        "Trust only https:// origins (make the site itself redirect to HTTPS); keep "
        "http://localhost for development in a development-only config."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, whether or not the origin was "
        "allowed."),
    "send-origin-not-wildcard": (
        "Send the requesting origin instead of '*' (checked against an allowlist, with "
        "'Vary: Origin'), or drop Access-Control-Allow-Credentials if no cookies or auth are needed."),
    "send-credentials-true": (
        "Send 'Access-Control-Allow-Credentials: true' (lowercase, once per answer) where "
        "credentials are wanted, and no such header at all where they are not."),
    "drop-credentials-refusal": (
        "Remove the Access-Control-Allow-Credentials header where credentials are not wanted; "
        "send 'true' where they are."),
    "list-methods-and-headers-not-wildcard": (
        "List the methods and header names explicitly (e.g. 'GET, POST, PUT, DELETE' and "
        "'Authorization, Content-Type'): with credentials '*' matches nothing."),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name, e.g. "
        "'Access-Control-Expose-Headers: X-Total-Count, Content-Disposition'."),
    "same-credentials-on-preflight-and-answers": (
        "Send the same Access-Control-Allow-Origin and 'Access-Control-Allow-Credentials: true' on "
        "the preflight (OPTIONS) answer and on the actual answers, e.g. from one shared CORS "
        "configuration."),
    "answer-preflight-before-handlers": (
        "Answer OPTIONS preflights with the CORS headers and a 2xx status before any handler or "
        "method restriction can refuse them."),
    "answer-preflight-before-auth": (
        "Answer OPTIONS preflights before authentication: browsers never send credentials on a "
        "preflight, so exempt OPTIONS from the login requirement and answer it with the CORS "
        "headers and a 2xx status."),
    "answer-preflight-before-redirect": (
        "Make the client call the final URL, or answer OPTIONS preflights (CORS headers, 2xx "
        "status) before the redirect happens: browsers never follow a redirect on a preflight."),
    "send-allow-origin-on-preflight": (
        "Send Access-Control-Allow-Origin (and Access-Control-Allow-Credentials, Vary) on the "
        "preflight answer too, the same as on the other answers."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        "List methods in upper case, separated by commas, without quotes: "
        "'Access-Control-Allow-Methods: GET, POST, PUT, DELETE'."),
    "spell-header-names-as-tokens": (
        "List header names separated by commas, without quotes: "
        "'Access-Control-Allow-Headers: Content-Type, Authorization'."),
    "max-age-in-range": (
        "Send a plain number of seconds, at most 7200 (Chrome's cap), e.g. "
        "'Access-Control-Max-Age: 7200'; 0 disables preflight caching."),
    "repeat-headers-in-inner-scope": (
        "Send the CORS headers (Access-Control-Allow-Origin and the rest, and 'Vary: Origin') from "
        "every scope that answers the request, e.g. from one shared CORS configuration."),
    "add-always": (
        "Send the CORS headers on every status, so scripts see the real 4xx/5xx instead of a CORS "
        "error."),
    "avoid-cross-origin-redirect": (
        "Serve the API on the origin pages call (have the pages call the final URL, e.g. https "
        "directly), or redirect within the same origin; if the redirect must stay, send "
        "Access-Control-Allow-Origin on the 3xx and allow 'null' on the target."),
    "drop-userinfo-from-redirect": (
        "Drop 'user:password@' from the redirect target: authenticate with a header or a signed "
        "URL (token in the path or query) instead; browsers never follow such a redirect for a "
        "cross-origin request."),
}
