"""Fix advice in nginx's words (add_header, map, if, limit_except, ...).

Kinds not listed here are worded by corslint.fixes.generic: their advice is
about header values alone, the same in every server."""

from __future__ import annotations

WORDING = {
    "send-one-matched-origin": (
        "Keep the list on the server: compare the request's Origin with the allowed origins "
        "(an nginx map, an allowlist) and send back the one origin that matched, with 'Vary: Origin'."),
    "send-allow-origin-once": (
        "Let exactly one place send Access-Control-Allow-Origin: remove the second directive, or, "
        "in front of an app that sets CORS headers itself, drop the app's copy "
        "(nginx: 'proxy_hide_header Access-Control-Allow-Origin;') or remove its CORS middleware."),
    "refuse-null-origin": (
        "Never allow 'null': to refuse an origin send no Access-Control-Allow-Origin at all "
        "(an empty map default in nginx), and remove 'null' from allowlists and patterns."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, whether or not the origin was "
        "allowed (nginx: 'add_header Vary Origin always;' at the level of the ACAO header)."),
    "same-credentials-on-preflight-and-answers": (
        "Send the same Access-Control-Allow-Origin and 'Access-Control-Allow-Credentials: true' "
        "on the preflight (OPTIONS) answer and on the actual answers, e.g. from one include file."),
    "answer-preflight-before-handlers": (
        "Answer OPTIONS yourself before any handler or method restriction: "
        "`if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin ... always; "
        "add_header Access-Control-Allow-Methods ... always; return 204; }`, and let OPTIONS "
        "through limit_except (`limit_except GET POST OPTIONS { deny all; }`)."),
    "answer-preflight-before-auth": (
        "Answer OPTIONS before authentication: `if ($request_method = OPTIONS) { add_header "
        "Access-Control-Allow-Origin ... always; ...; return 204; }` runs before auth_basic and "
        "auth_request; or, when the backend answers preflights, limit auth_basic to the other "
        "methods with `limit_except OPTIONS { auth_basic ...; auth_basic_user_file ...; }`."),
    "answer-preflight-before-redirect": (
        "Make the client call the final URL, turn the redirect into an internal rewrite "
        "(`rewrite ... last;`), or answer OPTIONS before it: `if ($request_method = OPTIONS) "
        "{ add_header ... always; return 204; }` placed above the redirect."),
    "send-allow-origin-on-preflight": (
        "Send Access-Control-Allow-Origin (and Access-Control-Allow-Credentials, Vary) on the "
        "preflight answer too: in nginx an add_header inside `if` replaces every outer one, so "
        "repeat them there (an `include` of one snippet keeps both copies identical)."),
    "allow-method-on-preflight": (
        "List every non-simple method the API accepts (PUT, PATCH, DELETE...) in "
        "Access-Control-Allow-Methods on the preflight answer, spelled in upper case; '*' is "
        "taken literally when the request carries credentials."),
    "allow-request-header-on-preflight": (
        "List every request header the page sends that is not safelisted (Authorization, "
        "Content-Type for JSON, custom X-... headers) in Access-Control-Allow-Headers on the "
        "preflight answer; '*' never covers Authorization and is literal with credentials."),
    "repeat-headers-in-inner-scope": (
        "Repeat the CORS headers (Access-Control-Allow-Origin and the rest, and 'Vary: Origin') in "
        "the inner scope that adds its own headers, e.g. by including one shared CORS snippet at "
        "every level that adds headers (nginx add_header)."),
    "add-always": (
        "Send the CORS headers on every status (nginx: add 'always' to add_header), so scripts "
        "see the real 4xx/5xx instead of a CORS error."),
}
