"""Fix advice in Express's words: the ``cors`` package's options
(``cors({ origin, methods, allowedHeaders, exposedHeaders, credentials,
maxAge })``) and ``res.set``/``res.vary`` for headers set by hand.

Facts it leans on (cors/lib/index.js): an array or RegExp ``origin`` echoes
only a matching Origin and adds 'Vary: Origin'; a RegExp is tried with
``test`` (unanchored); cors answers OPTIONS itself with 204 unless
``preflightContinue`` is set; without ``allowedHeaders`` it echoes the
requested headers."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, js_list, methods_or, named

_FIRST = ("mount app.use(cors(corsOptions)) before the routers and any method check: cors answers "
          "OPTIONS itself with 204 (leave preflightContinue off)")


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: cors({{ methods: "
            f"{js_list(joined(('GET', 'POST'), methods))} }}), methods in upper case.")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: cors({{ allowedHeaders: "
            f"{js_list(joined(('Content-Type',), headers))} }}).")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each origin exactly as browsers send the Origin header: lowercase "
        "'scheme://host[:port]', no path, no trailing slash, no default port, e.g. "
        "cors({ origin: ['https://app.example.com'] }); for subdomains use a RegExp anchored at "
        r"both ends: origin: /^https:\/\/[a-z0-9-]+\.example\.com$/."),
    "send-one-matched-origin": (
        "Keep the list on the server: cors({ origin: ['https://app.example.com', "
        "'https://admin.example.com'] }) sends back the one origin that matched, with "
        "'Vary: Origin'."),
    "send-allow-origin-once": (
        "Let exactly one place send Access-Control-Allow-Origin: drop the res.set(...) copy or the "
        "second cors() middleware, or remove the one a proxy in front adds."),
    "refuse-null-origin": (
        "Never allow 'null': remove it from cors's origin list (or from the origin callback's "
        "allowlist) and make no RegExp match it."),
    "reflect-only-allowlisted-origins": (
        "Echo the Origin only when it is on an exact allowlist of the sites you trust: "
        "cors({ origin: ['https://app.example.com'], credentials: true }) instead of origin: true, "
        "a callback that always allows, or res.set('Access-Control-Allow-Origin', req.get('Origin')); "
        "if the API is public and needs no cookies, use origin: '*' without credentials."),
    "allow-every-origin": (
        "Remove '*' from the origin array (cors compares each entry with the Origin as a "
        "string); to let every origin in, use cors() or cors({ origin: '*' }), or name the "
        "sites you trust."),
    "anchor-origin-pattern": (
        "Anchor the origin RegExp at both ends (RegExp.test searches anywhere), escape every dot "
        r"and fix the scheme, e.g. origin: /^https:\/\/(app|admin)\.example\.com$/; prefer an "
        "array of exact origins."),
    "simplify-origin-pattern": (
        "Rewrite the origin RegExp without nested or overlapping quantifiers (e.g. "
        r"/^https:\/\/([a-z0-9-]+\.)?example\.com$/), or use an array of exact origins."),
    "trust-only-https-origins": (
        "Trust only https:// origins in cors's origin option (make the site itself redirect to "
        "HTTPS); add http://localhost only in a development-only configuration."),
    "vary-on-origin": (
        "Send 'Vary: Origin' on every response of the resource, whether or not the origin was "
        "allowed: res.vary('Origin') (cors adds it itself when origin is an array, RegExp or "
        "function)."),
    "send-origin-not-wildcard": (
        "Name the allowed origins instead of '*': cors({ origin: ['https://app.example.com'], "
        "credentials: true }) (cors echoes the one that matched and sends 'Vary: Origin'), or drop "
        "credentials: true if no cookies or auth are needed."),
    "send-credentials-true": (
        "Send credentials as cors({ credentials: true }) or res.set('Access-Control-Allow-Credentials', "
        "'true') (lowercase, once per answer) where they are wanted, and no such header where they "
        "are not."),
    "drop-credentials-refusal": (
        "Remove the Access-Control-Allow-Credentials header (res.set or credentials option) where "
        "credentials are not wanted; send 'true' where they are."),
    "list-methods-and-headers-not-wildcard": (
        "List the methods and header names explicitly: cors({ methods: ['GET', 'POST', 'PUT', "
        "'DELETE'], allowedHeaders: ['Authorization', 'Content-Type'] }): with credentials '*' "
        "matches nothing."),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name: "
        "cors({ exposedHeaders: ['X-Total-Count', 'Content-Disposition'] })."),
    "same-credentials-on-preflight-and-answers": (
        "Use the same corsOptions (origin and credentials: true) for the OPTIONS answer and the "
        "routes: one app.use(cors(corsOptions)) before them."),
    "answer-preflight-before-handlers": f"Answer preflights before any handler: {_FIRST}.",
    "answer-preflight-before-auth": (
        f"Answer preflights before authentication: {_FIRST}, above the authentication middleware "
        "(browsers send no credentials on a preflight)."),
    "answer-preflight-before-redirect": (
        f"Make the client call the final URL, or {_FIRST}, above the handler that redirects."),
    "send-allow-origin-on-preflight": (
        f"Send Access-Control-Allow-Origin on the preflight answer too: {_FIRST}, with the same "
        "corsOptions as the other answers."),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "spell-methods-as-tokens": (
        "List methods as separate upper-case strings: cors({ methods: ['GET', 'POST', 'PUT', "
        "'DELETE'] })."),
    "spell-header-names-as-tokens": (
        "List header names as separate strings: cors({ allowedHeaders: ['Content-Type', "
        "'Authorization'] })."),
    "max-age-in-range": (
        "Pass maxAge as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "cors({ maxAge: 7200 }); 0 disables preflight caching."),
    "add-always": (
        "Send the CORS headers on every status: set them in a middleware mounted before the routes "
        "(app.use(cors(corsOptions))) rather than only on success paths, so error answers carry "
        "them too."),
}
