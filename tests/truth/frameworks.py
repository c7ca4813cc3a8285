"""The real frameworks of the truth tier: each one serves a sample on a free
loopback port, and a small reverse proxy puts the sample's world in front of it.

Launchers
---------
Every launcher has one shape::

    @contextlib.contextmanager
    def serve_<framework>(path: Path) -> Iterator[str]:
        ...  # start the REAL framework on the sample at ``path``
        yield "http://127.0.0.1:<port>"   # the sample's CORS route is /api/items there
        ...  # stop it (also when the test fails)

``LAUNCHERS`` maps the directory name under ``samples/`` to its launcher;
tests/truth/test_truth_frameworks.py checks every sample directory of every
framework named there in Chromium and Firefox, and fails for a
``samples/<name>/`` that has no launcher. A launcher written in another
module plugs in with one line in ``LAUNCHERS``, as ``"<file under tests/>:<function>"``
(loaded by file path when first used, so that module may be a test module)::

    "fastify": "test_fastify_truth.py:serve_fastify",

(a launcher that needs node says so with ``serve_fastify.needs = ("node",)``,
so that its runs skip, or fail under CORSLINT_REQUIRE, like the others).

Launchers here: Express (the sample's ``module.exports = app`` under node,
tests/framework_truth/express_harness.js), Hono (``export default app`` under
@hono/node-server, hono_serve.mjs), and through tests/truth/framework_server.py
Django (runserver's WSGI server), Flask (werkzeug), FastAPI/Starlette (uvicorn)
and aiohttp (``aiohttp.web``). Each runs in its own process group, ended by
the launcher.

The sample's world
------------------
A framework sample names its page origins as deployed
(``https://app.example.com``), and corslint reads them as written; here the
page is served on a free port (``https://app.example.com:<port>``, every name
resolving to 127.0.0.1 in the browsers). ``OriginProxy`` stands where the API
is deployed (TLS when the sample's API URL is https) and moves origins between
the two worlds, and nothing else: the request's ``Origin`` header is sent to
the framework as the sample names it, and an ``Access-Control-Allow-Origin``
that equals one of those origins goes back to the browser with the page's real
port. Every other header, the status and the body pass through as the
framework sent them; the framework alone decides who is let in, so its origin
patterns are served exactly as written.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import importlib.metadata
import importlib.util
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .harness import (
    LOOPBACK,
    ServerError,
    TlsPair,
    _Background,
    end_process_group,
    wait_for_port,
)

TESTS = Path(__file__).resolve().parents[1]
FRAMEWORK_TRUTH = TESTS / "framework_truth"
NODE_DIR = FRAMEWORK_TRUTH / "node"
NODE_MODULES = NODE_DIR / "node_modules"
PYTHON_SERVER = Path(__file__).resolve().parent / "framework_server.py"
START_TIMEOUT = 60.0

Launcher = Callable[[Path], contextlib.AbstractContextManager[str]]


@contextlib.contextmanager
def _serving(argv: list[str], name: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``argv`` (which prints ``{"port": N}`` once it listens and exits
    when its stdin closes) and yield its loopback base URL."""
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                            start_new_session=True, env=env)
    try:
        line = proc.stdout.readline()
        if not line:
            proc.wait(timeout=30)
            errors.seek(0)
            raise ServerError(f"{name} did not start ({' '.join(argv)}):\n"
                              + errors.read().decode(errors="replace"))
        port = int(json.loads(line)["port"])
        wait_for_port(port, proc, START_TIMEOUT)
        yield f"http://{LOOPBACK}:{port}"
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        end_process_group(proc, 10.0)
        proc.stdout.close()
        errors.close()


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ServerError("node is not installed: run tests/install-system-deps.sh")
    return node


def _needs(package: str) -> None:
    if not (NODE_MODULES / package).is_dir():
        raise ServerError(f"{package} is missing from {NODE_MODULES}: run tests/install-system-deps.sh (npm ci)")


@contextlib.contextmanager
def serve_express(path: Path) -> Iterator[str]:
    """Express + cors (tests/framework_truth/node) serving ``module.exports = app``."""
    _needs("express")
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    with _serving([_node(), str(FRAMEWORK_TRUTH / "express_harness.js"), str(path)], "express", env) as url:
        yield url


@contextlib.contextmanager
def serve_hono(path: Path) -> Iterator[str]:
    """Hono under @hono/node-server serving ``export default app``."""
    _needs("hono")
    _needs("@hono/node-server")
    with _serving([_node(), str(FRAMEWORK_TRUTH / "hono_serve.mjs"), str(path)], "hono") as url:
        yield url


def _python(framework: str) -> Launcher:
    @contextlib.contextmanager
    def serve(path: Path) -> Iterator[str]:
        with _serving([sys.executable, str(PYTHON_SERVER), framework, str(path)], framework,
                      dict(os.environ, PYTHONDONTWRITEBYTECODE="1")) as url:
            yield url

    serve.__name__ = serve.__qualname__ = f"serve_{framework}"
    serve.__doc__ = f"{framework}: see tests/truth/framework_server.py"
    return serve


def _npm(*names: str) -> str:
    return " + ".join(f"{n} {json.loads((NODE_MODULES / n / 'package.json').read_text())['version']}" for n in names)


def _pypi(*names: str) -> str:
    return " + ".join(f"{n} {importlib.metadata.version(n)}" for n in names)


serve_express.needs = serve_hono.needs = ("node",)  # tests/external.py requirements
serve_django = _python("django")
serve_flask = _python("flask")
serve_fastapi = _python("fastapi")
serve_aiohttp = _python("aiohttp")

# what the tier's summary names as the servers it ran (optional for a launcher)
serve_express.versions = lambda: _npm("express", "cors")
serve_hono.versions = lambda: _npm("hono", "@hono/node-server")
serve_django.versions = lambda: _pypi("django", "django-cors-headers")
serve_flask.versions = lambda: _pypi("flask", "flask-cors", "werkzeug")
serve_fastapi.versions = lambda: _pypi("fastapi", "starlette", "uvicorn")
serve_aiohttp.versions = lambda: _pypi("aiohttp", "aiohttp-cors")


# samples/<name>/ -> its launcher (or "<file under tests/>:<function>")
LAUNCHERS: dict[str, Launcher | str] = {
    "django": serve_django,
    "express": serve_express,
    "fastapi": serve_fastapi,
    "flask": serve_flask,
    "hono": serve_hono,
    "aiohttp": serve_aiohttp,
    "fastify": "test_fastify_truth.py:serve_fastify",
    "koa": "test_koa_truth.py:serve_koa",
    "nestjs": "test_nest_truth.py:serve_nest",
    "litestar": "test_litestar_truth.py:serve_litestar",
    "quart": "test_quart_truth.py:serve_quart",
    "sanic": "test_sanic_truth.py:serve_sanic",
}


def launcher(name: str) -> Launcher:
    """The launcher for samples/<name>/, loading one named by file if need be."""
    entry = LAUNCHERS[name]
    if not isinstance(entry, str):
        return entry
    file, _, function = entry.partition(":")
    spec = importlib.util.spec_from_file_location(f"corslint_truth_launcher_{name}", TESTS / file)  # or absolute
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # a dataclass in the module looks its module up there
    spec.loader.exec_module(module)
    found = getattr(module, function)
    LAUNCHERS[name] = found
    return found


# ---------------------------------------------------------------- the sample's world in front of it

# Hop-by-hop fields and the framing the proxy redoes itself.
_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade", "trailer",
        "content-length"}


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        owner: OriginProxy = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        conn = http.client.HTTPConnection(owner.upstream_host, owner.upstream_port, timeout=30)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() in _HOP:
                    continue
                if name.lower() == "origin":
                    value = owner.to_sample.get(value, value)
                conn.putheader(name, value)
            if owner.session_cookie and self.command != "OPTIONS":
                conn.putheader("Cookie", owner.session_cookie)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            data = response.read()
            status, reason, headers = response.status, response.reason, response.getheaders()
        finally:
            conn.close()
        owner.seen.append((self.command, self.path, dict(self.headers.items()), status, headers))
        self.send_response_only(status, reason)
        for name, value in headers:
            if name.lower() in _HOP:
                continue
            if name.lower() == "access-control-allow-origin":
                value = owner.to_page.get(value, value)
            self.send_header(name, value)
        if status >= 200 and status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _forward

    def log_message(self, *args) -> None:
        pass


class OriginProxy(_Background):
    """Forwards everything to the framework at ``base`` (http://127.0.0.1:N),
    moving the page origins of ``origins`` ({origin the browser sends: origin
    the sample names}) between the two worlds; TLS when ``tls`` is given;
    ``session_cookie`` added to every request but preflights (cases.py).
    ``seen`` lists (method, path, request headers, status, response headers)."""

    handler = _ProxyHandler

    def __init__(self, base: str, origins: dict[str, str], tls: TlsPair | None = None,
                 session_cookie: str = "") -> None:
        rest = base.split("://", 1)[1]
        self.upstream_host, _, port = rest.partition(":")
        self.upstream_port = int(port)
        self.to_sample = dict(origins)
        self.to_page = {sample: page for page, sample in origins.items()}
        self.seen: list[tuple] = []
        self.session_cookie = session_cookie   # the signed-in visitor's cookie (cases.py)
        self._tls = tls
        super().__init__()

    def _prepare(self, server: http.server.HTTPServer) -> None:
        if self._tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self._tls.cert, self._tls.key)
            server.socket = context.wrap_socket(server.socket, server_side=True)
