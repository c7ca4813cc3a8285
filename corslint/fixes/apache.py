"""Fix advice in Apache httpd's words (mod_headers, mod_setenvif, mod_rewrite,
<LimitExcept>).

Two facts shape it: an answer httpd makes itself (a redirect, an error, a
``RewriteRule ... [R=204]``) carries only ``Header always`` headers; and
``Header always set`` does not replace a copy a proxied backend put in the
other table, which ``Header unset`` of the same name removes."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, methods_or, named

# An allowlist httpd evaluates itself: the matched Origin lands in an
# environment variable, and the header is sent only when it is set.
_ECHO_MATCHED = (
    r"""`SetEnvIf Origin "^https://(app|admin)\.example\.com$" CORS_ORIGIN=$0` with """
    """`Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN` and """
    "`Header always merge Vary Origin`")

_ANSWER_OPTIONS = (
    "`RewriteCond %{REQUEST_METHOD} =OPTIONS` + `RewriteRule ^ - [R=204,L]`, with the CORS headers "
    "set by `Header always set` (the 204 httpd makes itself carries only `always` headers)")


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Add {named(methods)} to the preflight answer's list, spelled in upper case, e.g. "
            f"""`Header always set Access-Control-Allow-Methods "{', '.join(joined(('GET', 'POST'), methods))}"`; """
            "'*' is taken literally when the request carries credentials.")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Add {named(headers)} to the preflight answer's list, e.g. "
            f"""`Header always set Access-Control-Allow-Headers "{', '.join(joined(('Content-Type',), headers))}"`; """
            "'*' never covers Authorization and is literal with credentials.")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Send the origin exactly as browsers send it in the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port. For several origins "
        f"or subdomains, echo back the Origin that matches an anchored allowlist: {_ECHO_MATCHED}."),
    "send-one-matched-origin": (
        "Keep the list on the server: compare the request's Origin with the allowed origins and "
        f"send back the one origin that matched: {_ECHO_MATCHED}."),
    "send-allow-origin-once": (
        "Let exactly one place send Access-Control-Allow-Origin: remove the second `Header` "
        "directive, or, in front of an app that sets CORS headers itself, drop the app's copy "
        "(`Header unset Access-Control-Allow-Origin` next to your `Header always set`) or remove "
        "its CORS middleware."),
    "refuse-null-origin": (
        "Never allow 'null': to refuse an origin send no Access-Control-Allow-Origin at all (set the "
        "header only with `env=` from a `SetEnvIf Origin` that matches the allowed origins), and "
        "remove 'null' from allowlists and patterns."),
    "reflect-only-allowlisted-origins": (
        "Echo the Origin only when it is on an exact, anchored allowlist of the sites you trust "
        f"({_ECHO_MATCHED}; everything else gets no Access-Control-Allow-Origin); if the API is "
        "public and needs no cookies, send '*' and no Access-Control-Allow-Credentials."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, whether or not the origin was "
        "allowed (`Header always merge Vary Origin` where Access-Control-Allow-Origin is set)."),
    "send-origin-not-wildcard": (
        f"Send the requesting origin instead of '*', checked against an allowlist ({_ECHO_MATCHED}), "
        "or drop Access-Control-Allow-Credentials if no cookies or auth are needed."),
    "send-credentials-true": (
        """Send `Header always set Access-Control-Allow-Credentials "true"` (lowercase, once per """
        "answer) where credentials are wanted, and no such header at all where they are not."),
    "drop-credentials-refusal": (
        "Remove the `Header` directive that sends Access-Control-Allow-Credentials where "
        "credentials are not wanted; send 'true' where they are."),
    "list-methods-and-headers-not-wildcard": (
        """List the methods and header names explicitly (`Header always set Access-Control-Allow-Methods """
        """"GET, POST, PUT, DELETE"` and `Header always set Access-Control-Allow-Headers """
        """"Authorization, Content-Type"`): with credentials '*' matches nothing."""),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name, e.g. `Header always set "
        """Access-Control-Expose-Headers "X-Total-Count, Content-Disposition"`."""),
    "same-credentials-on-preflight-and-answers": (
        "Send the same Access-Control-Allow-Origin and 'Access-Control-Allow-Credentials: true' on "
        "the preflight (OPTIONS) answer and on the actual answers: set them once with "
        "`Header always set` in the section that covers both."),
    "answer-preflight-before-handlers": (
        f"Answer OPTIONS yourself before any handler or method restriction: {_ANSWER_OPTIONS}; and "
        "let OPTIONS through method restrictions (`<LimitExcept GET POST OPTIONS> Require all "
        "denied </LimitExcept>`)."),
    "answer-preflight-before-auth": (
        f"Answer OPTIONS before authentication: {_ANSWER_OPTIONS}; and require the login for the "
        "other methods only (`<LimitExcept OPTIONS> Require valid-user </LimitExcept>`)."),
    "answer-preflight-before-redirect": (
        "Make the client call the final URL, turn the redirect into an internal rewrite (a "
        f"`RewriteRule` without [R]), or answer OPTIONS before it: {_ANSWER_OPTIONS}, placed above "
        "the redirect."),
    "send-allow-origin-on-preflight": (
        "Send Access-Control-Allow-Origin (and Access-Control-Allow-Credentials, Vary) on the "
        "preflight answer too: an answer httpd makes itself (RewriteRule [R=204], an error) "
        "carries only `Header always` headers, so use `Header always set`."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        "List methods in upper case, separated by commas, without inner quotes: "
        """`Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE"`."""),
    "spell-header-names-as-tokens": (
        "List header names separated by commas, without inner quotes: "
        """`Header always set Access-Control-Allow-Headers "Content-Type, Authorization"`."""),
    "max-age-in-range": (
        "Send a plain number of seconds, at most 7200 (Chrome's cap), e.g. "
        """`Header always set Access-Control-Max-Age "7200"`; 0 disables preflight caching."""),
    "repeat-headers-in-inner-scope": (
        "Set the CORS headers (Access-Control-Allow-Origin and the rest, and 'Vary: Origin') with "
        "`Header always set`, so they also reach the answers httpd makes itself in an inner "
        "section (Redirect, RewriteRule [R], errors); add `Header unset` of the same name where a "
        "proxied backend may send its own copy."),
    "add-always": (
        "Send the CORS headers on every status (`Header always set` instead of `Header set`), so "
        "scripts see the real 4xx/5xx instead of a CORS error."),
    "avoid-cross-origin-redirect": (
        "Serve the API on the origin pages call (have the pages call the final URL, e.g. https "
        "directly), or redirect within the same origin; if the redirect must stay, send "
        "Access-Control-Allow-Origin on the 3xx (`Header always set`: httpd makes the redirect "
        "itself) and allow 'null' on the target."),
}
