"""What a route evidently serves when it is not an API that scripts call:
the reasons a frontend gives in ``Route.never_preflighted``.

Browsers send preflights only for requests a script makes with non-simple
methods or headers. A WebSocket handshake is never preflighted (the WebSocket
API cannot set methods or headers), and documentation pages (Swagger UI,
ReDoc, ``/docs``) are opened as pages, and the OpenAPI document they read is
fetched with a plain GET. Header lists an outer level sets for
the API beside them are therefore no evidence that these routes are
preflighted.
"""

from __future__ import annotations

import re

WEBSOCKET = "it upgrades to a WebSocket"
DOCUMENTATION = "it serves documentation pages"

# A path segment (or regex alternative) naming a documentation UI.
_DOCS = re.compile(r"(?:^|[/(|^])(?:docs|apidocs|api-docs|swagger|swagger-ui|redoc|openapi)(?=$|[/.)|$?])",
                   re.I)


def documentation_path(path: str) -> bool:
    """``path`` (a prefix, exact path or regex as written) names documentation
    pages: /docs, /api/docs/, /swagger-ui.html, ~ ^/(docs|redoc)..."""
    return bool(_DOCS.search(path))


# A path segment naming a WebSocket endpoint.
_SOCKET = re.compile(r"(?:^|[/(|^])(?:ws|wss|websockets?|sockets?|socket\.io|sockjs(?:-node)?|cable|"
                     r"hubs?|signalr|graphql-ws|subscriptions|xmpp-websocket|live|realtime)(?=$|[/.)|$?])", re.I)


def websocket_path(path: str) -> bool:
    """``path`` (a prefix, exact path or regex as written) names a WebSocket
    endpoint: /ws, /socket.io/, /xmpp-websocket, ~ ^/(hubs|cable)..."""
    return bool(_SOCKET.search(path))


def websocket_upgrade(request_headers: list[tuple[str, str]]) -> bool:
    """Headers a proxy sets on the request it passes on forward the client's
    WebSocket upgrade: ``Upgrade`` from the client's own (``$http_upgrade``)
    or set to ``websocket``, or ``Connection: upgrade``."""
    for name, value in request_headers:
        name, value = name.lower(), value.strip().lower()
        if name == "upgrade" and ("$http_upgrade" in value or value == "websocket"):
            return True
        if name == "connection" and value == "upgrade":
            return True
    return False


def websocket_url(url: str) -> bool:
    """A backend URL of the WebSocket schemes (Apache ``ProxyPass ws://``)."""
    return url.lower().startswith(("ws://", "wss://"))
