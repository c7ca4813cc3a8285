"""Serves one Python framework sample with the framework's own server on a
free loopback port, prints ``{"port": N}`` and serves until its stdin is
closed (tests/truth/frameworks.py starts one process per sample):

    python framework_server.py django|flask|fastapi|aiohttp SAMPLE.py

* django: the sample is the settings module (its ROOT_URLCONF is replaced by
  this file's one /api/items view), served by Django's runserver server
  (``django.core.servers.basehttp.ThreadedWSGIServer``);
* flask: the module's ``app`` (or ``create_app()``) under werkzeug's server;
* fastapi (Starlette): the module's ``app`` under uvicorn;
* aiohttp: the module's ``app`` under ``aiohttp.web`` (the sample routes
  /api/items through aiohttp-cors itself).

The sample is run as written; nothing in it is changed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import sys
import threading
from pathlib import Path

LOOPBACK = "127.0.0.1"


def announce(port: int) -> None:
    sys.stdout.write(json.dumps({"port": port}) + "\n")
    sys.stdout.flush()


def end_with_stdin() -> None:
    """Exit as soon as whoever started this process closes its stdin."""
    def wait() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=wait, daemon=True).start()


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"corslint_sample_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def application(module):
    app = getattr(module, "app", None)
    if app is None and hasattr(module, "create_app"):
        app = module.create_app()
    if app is None:
        raise SystemExit(f"{module.__file__}: no `app` (or create_app()) to serve")
    return app


# Django's URLconf while a sample runs (ROOT_URLCONF = "__main__")
urlpatterns: list = []


def serve_django(path: Path) -> None:
    import django
    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import path as route

    module = load(path)
    conf = {k: getattr(module, k) for k in dir(module) if k.isupper()}
    conf.update(ROOT_URLCONF="__main__", DATABASES={})
    conf.setdefault("ALLOWED_HOSTS", ["*"])
    settings.configure(**conf)
    django.setup()
    urlpatterns.append(route("api/items", lambda request: JsonResponse({"items": []})))

    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    server = ThreadedWSGIServer((LOOPBACK, 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    announce(server.server_address[1])
    server.serve_forever()


def serve_flask(path: Path) -> None:
    from werkzeug.serving import make_server

    server = make_server(LOOPBACK, 0, application(load(path)), threaded=True)
    announce(server.server_port)
    server.serve_forever()


def serve_fastapi(path: Path) -> None:
    import uvicorn

    app = application(load(path))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    announce(sock.getsockname()[1])
    server.run(sockets=[sock])


def serve_aiohttp(path: Path) -> None:
    from aiohttp import web

    app = application(load(path))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    sock.listen(64)
    announce(sock.getsockname()[1])
    web.run_app(app, sock=sock, print=None, handle_signals=False)


SERVERS = {"django": serve_django, "flask": serve_flask, "fastapi": serve_fastapi, "aiohttp": serve_aiohttp}


if __name__ == "__main__":
    end_with_stdin()
    SERVERS[sys.argv[1]](Path(sys.argv[2]).resolve())
