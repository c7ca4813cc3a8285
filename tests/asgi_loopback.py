"""Serve an ASGI application on a loopback port with uvicorn, in a thread,
for the truth tests of the ASGI frameworks (Litestar, Quart)."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from typing import Iterator

from test_framework_truth import Real, Req


@contextlib.contextmanager
def serve_asgi(app, what: str) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields "http://127.0.0.1:<port>"."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start {what}")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def fetch(base: str, method: str, path: str, headers: dict[str, str]) -> Real:
    """One request; the answer's status and headers (names in lower case)."""
    host, port = base.rsplit("/", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        found: dict[str, list[str]] = {}
        for name, value in resp.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return Real(resp.status, found)
    finally:
        conn.close()


def fetch_each(base: str, reqs: list[Req], request_headers: str = "", request_method: str = "GET") -> list[Real]:
    """Each request (a preflight asking for ``request_method`` and
    ``request_headers``) to the CORS route /api/items at ``base``."""
    out = []
    for r in reqs:
        headers = {"Origin": r.origin}
        if r.preflight:
            headers["Access-Control-Request-Method"] = request_method
            if request_headers:
                headers["Access-Control-Request-Headers"] = request_headers
        out.append(fetch(base, r.method, "/api/items", headers))
    return out
