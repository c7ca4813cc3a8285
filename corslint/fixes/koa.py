"""Fix advice in Koa's words: ``cors({ origin, allowMethods, allowHeaders,
exposeHeaders, credentials, maxAge })`` from ``@koa/cors``.

Facts it leans on (@koa/cors 5.0.0, index.js): it has no allowlist option --
``origin`` is one string sent as is, or a function whose result is sent (a
falsy result sends no CORS header at all); ``'*'`` (the 5.x default) becomes
the request's Origin when ``credentials`` is on (4.x: the default is the
request's Origin); every answer gets 'Vary: Origin'; it answers preflights
itself with 204 and, without allowHeaders, echoes the requested headers."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, js_list, methods_or, named

# The allowlist @koa/cors has no option for, written as its origin function.
_ALLOWLIST = ("origin: (ctx) => (allowed.includes(ctx.get('Origin')) ? ctx.get('Origin') : '') with "
              "const allowed = ['https://app.example.com']")


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: cors({{ allowMethods: "
            f"{js_list(joined(('GET', 'POST'), methods))} }}) from @koa/cors, methods in upper case.")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: cors({{ allowHeaders: "
            f"{js_list(joined(('Content-Type',), headers))} }}) from @koa/cors.")


# cors() on an @koa/router Router runs only where a route of the request's
# method matches, and no route matches OPTIONS.
_ON_THE_APP = ("mount cors() on the Koa app, app.use(cors(options)) before app.use(router.routes()), not "
               "with router.use() or on one route: @koa/router runs a path's middleware only when a route "
               "of the request's method matches, and none matches a preflight's OPTIONS")

WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each origin exactly as browsers send the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port; @koa/cors sends a "
        f"string origin as is, so for more than one site return the match from a function: {_ALLOWLIST}."),
    "send-one-matched-origin": (
        "@koa/cors has no origin list (an array is sent as several Access-Control-Allow-Origin "
        f"fields): return the one origin that matched from a function, {_ALLOWLIST}."),
    "send-allow-origin-once": (
        "Let one place send Access-Control-Allow-Origin: @koa/cors has no origin list (an array "
        f"is sent as several fields), so return the one origin that matched from a function, {_ALLOWLIST}; "
        "and set no Access-Control-Allow-Origin of your own with ctx.set where cors() runs."),
    "refuse-null-origin": (
        "Never allow 'null': take it out of the allowlist your origin function checks, and never "
        "return ctx.get('Origin') unchecked (a sandboxed page sends 'null')."),
    "reflect-only-allowlisted-origins": (
        f"Send the Origin back only when it is on an exact allowlist of the sites you trust: {_ALLOWLIST}, "
        "credentials: true. With credentials on, @koa/cors turns its '*' (the 5.x default, or origin: '*') "
        "into the request's Origin, and 4.x does so by default; if the API is public and needs no "
        "cookies, use cors() on @koa/cors 5 without credentials."),
    "anchor-origin-pattern": (
        "Anchor the RegExp your origin function tests at both ends (RegExp.test searches anywhere), "
        r"escape every dot and fix the scheme, e.g. /^https:\/\/(app|admin)\.example\.com$/; "
        "prefer an array of exact origins checked with includes() (an endsWith() check is a "
        "pattern anchored at one end only)."),
    "simplify-origin-pattern": (
        "Rewrite the RegExp your origin function tests without nested or overlapping quantifiers "
        r"(e.g. /^https:\/\/([a-z0-9-]+\.)?example\.com$/), or check an array of exact origins."),
    "trust-only-https-origins": (
        "Trust only https:// origins in your origin function's allowlist (make the site itself "
        "redirect to HTTPS); add http://localhost only in a development-only configuration."),
    "list-methods-and-headers-not-wildcard": (
        "List the methods and header names explicitly: cors({ allowMethods: ['GET', 'POST', 'PUT', "
        "'DELETE'], allowHeaders: ['Authorization', 'Content-Type'] }): with credentials '*' "
        "matches nothing."),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name: "
        "cors({ exposeHeaders: ['X-Total-Count', 'Content-Disposition'] })."),
    "answer-preflight-before-handlers": f"Let @koa/cors answer preflights: {_ON_THE_APP}.",
    "send-allow-origin-on-preflight": (
        f"Let @koa/cors answer preflights with its headers: {_ON_THE_APP} (router.allowedMethods() "
        "answers OPTIONS with Allow only)."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        "List methods as separate upper-case strings: cors({ allowMethods: ['GET', 'POST', 'PUT', "
        "'DELETE'] })."),
    "spell-header-names-as-tokens": (
        "List header names as separate strings: cors({ allowHeaders: ['Content-Type', "
        "'Authorization'] })."),
    "max-age-in-range": (
        "Pass maxAge as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "cors({ maxAge: 7200 }) from @koa/cors (0 sends no Access-Control-Max-Age)."),
}
