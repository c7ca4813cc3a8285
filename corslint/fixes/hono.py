"""Fix advice in Hono's words: ``cors({ origin, allowMethods, allowHeaders,
exposeHeaders, credentials, maxAge })`` from ``hono/cors``.

Facts it leans on (hono 4.13.19, dist/middleware/cors/index.js): a string or
array ``origin`` echoes only an Origin equal to an entry and adds
'Vary: Origin'; a function's return value becomes Access-Control-Allow-Origin;
'*' is sent as is even with credentials: true; the middleware answers every
OPTIONS request with 204 and, without allowHeaders, echoes the requested
headers."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, js_list, methods_or, named


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: cors({{ allowMethods: "
            f"{js_list(joined(('GET', 'POST'), methods))} }}) from hono/cors, methods in upper case.")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: cors({{ allowHeaders: "
            f"{js_list(joined(('Content-Type',), headers))} }}) from hono/cors.")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each origin exactly as browsers send the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port, e.g. "
        "cors({ origin: ['https://app.example.com'] }) (hono compares with includes())."),
    "refuse-null-origin": (
        "Never allow 'null': remove it from the origin array, and make an origin function "
        "return null for it."),
    "reflect-only-allowlisted-origins": (
        "Return the Origin only when it is on an exact allowlist of the sites you trust: "
        "cors({ origin: ['https://app.example.com'], credentials: true }) instead of an origin "
        "function that returns every Origin; if the API is public and needs no cookies, use "
        "cors() without credentials."),
    "anchor-origin-pattern": (
        "Check the whole Origin in the origin function: return it only when it is on an exact list, "
        "(origin) => (allowed.includes(origin) ? origin : null) with const allowed = "
        "['https://app.example.com'], or when a RegExp anchored at both ends matches it, "
        r"/^https:\/\/(app|admin)\.example\.com$/.test(origin); endsWith() and an unanchored "
        "RegExp also match look-alike sites."),
    "allow-every-origin": (
        "Remove '*' from the origin array (hono's cors tests each entry with includes(), so '*' "
        "is a literal); to let every origin in, use cors() or cors({ origin: '*' }), or name the "
        "sites you trust."),
    "send-origin-not-wildcard": (
        "Name the allowed origins instead of the default '*' (which hono's cors sends even with "
        "credentials): cors({ origin: ['https://app.example.com'], credentials: true }) echoes "
        "the one that matched with 'Vary: Origin'; or drop credentials: true if no cookies or "
        "auth are needed."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
}
