"""Route.never_preflighted for nginx: a location that forwards a WebSocket
upgrade, or one that serves documentation pages (see frontends/_purpose.py)."""

from __future__ import annotations

from .._purpose import DOCUMENTATION, WEBSOCKET, documentation_path, websocket_path, websocket_upgrade
from .levels import Level


def never_preflighted(chain: list[Level], path: str) -> str:
    """Why browsers send the route ``chain`` ends in no preflights, or ""."""
    # the headers proxy_pass sends; proxy_set_header is inherited only by
    # levels that set none of their own. Forwarding the upgrade is also the
    # stock setup of a proxy in front of a whole application (`location /`
    # for Kestrel, Node...), which scripts call with preflights: only a path
    # that names a socket endpoint is the WebSocket itself.
    proxied = (chain[-1].kind == "location" and bool(chain[-1].all("proxy_pass"))
               and websocket_path(path))
    for level in reversed(chain if proxied else []):
        sets = [d for d in level.all("proxy_set_header") if len(d.args) >= 2]
        if sets:
            if websocket_upgrade([(d.args[0], d.args[1]) for d in sets]):
                return WEBSOCKET
            break
    if chain[-1].kind == "location" and documentation_path(path):
        return DOCUMENTATION
    return ""
