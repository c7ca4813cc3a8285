"""Fix advice in Fastify's words: the options of ``@fastify/cors``
(``fastify.register(cors, { origin, methods, allowedHeaders, exposedHeaders,
credentials, maxAge })``; NestJS on the Fastify adapter passes the same object
to ``app.enableCors(...)``).

Facts it leans on (@fastify/cors 11.4.3, index.js): an array or RegExp
``origin`` echoes only a matching Origin and adds 'Vary: Origin'; a RegExp is
tried with ``test`` (unanchored); '*' (also inside an array) is sent as is even
with ``credentials: true``; the preflight is answered in the onRequest hook,
before the application's own hooks; ``methods`` defaults to 'GET,HEAD,POST'
from 11.0; without ``allowedHeaders`` the requested headers are echoed."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, js_list, methods_or, named

_REGISTER = "fastify.register(cors, { ... }) (or app.enableCors({ ... }) in NestJS)"


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: fastify.register(cors, {{ methods: "
            f"{js_list(joined(('GET', 'HEAD', 'POST'), methods))} }}), methods in upper case "
            "(@fastify/cors 11 allows only GET, HEAD and POST by default).")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: fastify.register(cors, {{ allowedHeaders: "
            f"{js_list(joined(('Content-Type',), headers))} }}).")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each origin exactly as browsers send the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port, e.g. "
        "fastify.register(cors, { origin: ['https://app.example.com'] }); for subdomains use a "
        r"RegExp anchored at both ends: origin: /^https:\/\/[a-z0-9-]+\.example\.com$/."),
    "send-one-matched-origin": (
        "Keep the list on the server: fastify.register(cors, { origin: ['https://app.example.com', "
        "'https://admin.example.com'] }) sends back the one origin that matched, with 'Vary: Origin' "
        "(a string origin is sent as it is, so it must be a single origin)."),
    "refuse-null-origin": (
        "Never allow 'null': remove it from @fastify/cors's origin array (or the origin function's "
        "allowlist) and make no RegExp match it."),
    "reflect-only-allowlisted-origins": (
        "Echo the Origin only when it is on an exact allowlist of the sites you trust: "
        "fastify.register(cors, { origin: ['https://app.example.com'], credentials: true }) instead "
        "of origin: true or a function that always allows; if the API is public and needs no "
        "cookies, use origin: '*' without credentials."),
    "allow-every-origin": (
        "Name the sites you trust instead: @fastify/cors turns an origin array holding '*' into "
        "'*' for every site; to let every origin in, say origin: '*' without credentials."),
    "anchor-origin-pattern": (
        "Anchor the origin RegExp at both ends (@fastify/cors calls RegExp.test, which searches "
        r"anywhere), escape every dot and fix the scheme, e.g. fastify.register(cors, { origin: "
        r"/^https:\/\/(app|admin)\.example\.com$/ }); prefer an array of exact origins."),
    "simplify-origin-pattern": (
        "Rewrite the origin RegExp without nested or overlapping quantifiers (e.g. "
        r"/^https:\/\/([a-z0-9-]+\.)?example\.com$/), or use an array of exact origins."),
    "trust-only-https-origins": (
        "Trust only https:// origins in @fastify/cors's origin option (make the site itself redirect "
        "to HTTPS); add http://localhost only in a development-only configuration."),
    "send-origin-not-wildcard": (
        "Name the allowed origins instead of '*' (which @fastify/cors sends as is, also with "
        "credentials: true): fastify.register(cors, { origin: ['https://app.example.com'], "
        "credentials: true }) echoes the one that matched with 'Vary: Origin'; or drop "
        "credentials: true if no cookies or auth are needed."),
    "list-methods-and-headers-not-wildcard": (
        "List the methods and header names explicitly: fastify.register(cors, { methods: ['GET', "
        "'POST', 'PUT', 'DELETE'], allowedHeaders: ['Authorization', 'Content-Type'] }): with "
        "credentials '*' matches nothing."),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name: "
        "fastify.register(cors, { exposedHeaders: ['X-Total-Count', 'Content-Disposition'] })."),
    "answer-preflight-before-handlers": (
        f"Let @fastify/cors answer preflights itself: {_REGISTER} with preflight and "
        "preflightContinue left at their defaults."),
    "answer-preflight-before-auth": (
        "Answer preflights before authentication: leave @fastify/cors's hook at 'onRequest' "
        "(its default) and register it before the authentication hooks (browsers send no "
        "credentials on a preflight)."),
    "send-allow-origin-on-preflight": (
        f"Send Access-Control-Allow-Origin on the preflight answer too: {_REGISTER} with the same "
        "origin option for every route."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        "List methods as separate upper-case strings: fastify.register(cors, { methods: ['GET', "
        "'POST', 'PUT', 'DELETE'] })."),
    "spell-header-names-as-tokens": (
        "List header names as separate strings: fastify.register(cors, { allowedHeaders: "
        "['Content-Type', 'Authorization'] })."),
    "max-age-in-range": (
        "Pass maxAge as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "fastify.register(cors, { maxAge: 7200 }); 0 disables preflight caching."),
}
