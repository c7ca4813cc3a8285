"""Fix advice in aiohttp-cors's words: ``aiohttp_cors.setup(app, defaults={
origin: aiohttp_cors.ResourceOptions(...)})`` and ``cors.add(route)``.

Facts it leans on (aiohttp-cors 0.8.1, cors_config.py): the options are
looked up by the exact Origin with ``"*"`` as the fallback; Allow-Origin is
always the request's Origin, never ``*``; the library sends no ``Vary``; a
route gets CORS only through ``cors.add``, and then its preflight is
answered by aiohttp-cors."""

from __future__ import annotations

from ..findings import FixIntent
from ._words import headers_or, joined, methods_or, named, py_list

_OPTIONS = 'aiohttp_cors.ResourceOptions(allow_credentials=True)'


def _allow_method(intent: FixIntent) -> str:
    methods = methods_or(intent)
    return (f"Let the preflight allow {named(methods)}: register the route with cors.add(route) (its "
            "methods are then allowed), or set "
            f"allow_methods={py_list(joined(('GET', 'POST'), methods))} in the origin's ResourceOptions.")


def _allow_header(intent: FixIntent) -> str:
    headers = headers_or(intent)
    return (f"Let the preflight allow {named(headers)}: "
            f"aiohttp_cors.ResourceOptions(..., allow_headers={py_list(joined(('Content-Type',), headers))}).")


WORDING = {
    "send-origin-as-browsers-send-it": (
        "Write each key of the defaults mapping exactly as browsers send the Origin header: "
        "lowercase 'scheme://host[:port]', no path, no trailing slash, no default port (aiohttp-cors "
        "compares keys exactly)."),
    "refuse-null-origin": "Remove the 'null' key from the defaults mapping.",
    "reflect-only-allowlisted-origins": (
        "Replace the \"*\" key, which aiohttp-cors answers by echoing any Origin, with the sites you "
        f'trust: aiohttp_cors.setup(app, defaults={{"https://app.example.com": {_OPTIONS}}}); if the '
        'API is public and needs no cookies, keep "*" with allow_credentials=False.'),
    "trust-only-https-origins": (
        "Key the defaults mapping only by https:// origins (make the site itself redirect to HTTPS); "
        "add http://localhost only in a development-only configuration."),
    "vary-on-origin": (
        "aiohttp-cors sends no Vary: add it to every response from a signal, "
        "app.on_response_prepare.append(add_vary), with "
        "async def add_vary(request, response): response.headers.add(\"Vary\", \"Origin\")."),
    "send-credentials-true": (
        "Pass allow_credentials=True in the ResourceOptions of the origins that need credentials "
        "(aiohttp-cors then sends 'true')."),
    "drop-credentials-refusal": (
        "Leave allow_credentials=False where credentials are not wanted (no header is sent)."),
    "list-exposed-headers-not-wildcard": (
        "List the response headers scripts need by name: "
        """aiohttp_cors.ResourceOptions(..., expose_headers=("X-Total-Count", "Content-Disposition"))."""),
    "allow-method-on-preflight": _allow_method,
    "allow-request-header-on-preflight": _allow_header,
    "max-age-in-range": (
        "Pass max_age as a whole number of seconds, at most 7200 (Chrome's cap), e.g. "
        "aiohttp_cors.ResourceOptions(..., max_age=7200)."),
}
