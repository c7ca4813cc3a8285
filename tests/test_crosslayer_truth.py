"""Truth for cross-layer linting: real nginx (Debian's) on loopback in front
of the real app (Express + cors under node, Flask + Flask-CORS under
werkzeug), each sample of samples/cross-layer/ served as written except for
where it listens and where `proxy_pass` points (the compose host or port is
rewritten to the app's loopback port, in the test only). The headers the
client receives are compared with the answer corslint composes for that
request from both layers."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from corslint.lint import lint
from corslint.scenarios import answer
from truth.harness import end_process_group, free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "cross-layer"
NODE_MODULES = ROOT / "tests" / "framework_truth" / "node" / "node_modules"
ORIGIN = "https://app.example.com"
CORS_PREFIX = "access-control-"


# ---------------------------------------------------------------- the real servers


@contextlib.contextmanager
def serve_express(path: Path) -> Iterator[str]:
    """The Express app ``path`` exports, listening on a loopback port."""
    node = shutil.which("node")
    assert node, "node is not installed: run tests/install-system-deps.sh"
    assert NODE_MODULES.is_dir(), "run tests/install-system-deps.sh: it installs express and cors (npm ci)"
    script = ("const app = require(process.argv[1]);"
              "const server = app.listen(0, '127.0.0.1', () => "
              "console.log(JSON.stringify({port: server.address().port})));")
    proc = subprocess.Popen([node, "-e", script, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=dict(os.environ, NODE_PATH=str(NODE_MODULES)))
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        yield f"http://127.0.0.1:{json.loads(line)['port']}"
    finally:
        end_process_group(proc, grace=0)


@contextlib.contextmanager
def serve_flask(path: Path) -> Iterator[str]:
    """The Flask app of ``path`` under werkzeug's server on a loopback port."""
    from werkzeug.serving import make_server

    spec = importlib.util.spec_from_file_location(f"crosslayer_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    server = make_server("127.0.0.1", 0, module.app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextlib.contextmanager
def serve_nginx(conf: Path, upstream: str, app: str, tmp: Path) -> Iterator[str]:
    """Debian's nginx with ``conf`` (a server block), listening on a loopback
    port, its ``proxy_pass`` to ``upstream`` pointed at ``app``."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.access(binary, os.X_OK), "nginx is not installed: run tests/install-system-deps.sh"
    port = free_port()
    text = conf.read_text()
    text = re.sub(r"listen\s+80\s*;", f"listen 127.0.0.1:{port};", text)
    assert upstream in text
    text = text.replace(upstream, app)
    for sub in ("logs", "tmp"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    (tmp / "site.conf").write_text(text)
    (tmp / "nginx.conf").write_text("\n".join([
        "daemon off;", "master_process off;", f"pid {tmp}/nginx.pid;", f"error_log {tmp}/logs/error.log;",
        "events { worker_connections 64; }", "http {", "    access_log off;",
        *(f"    {name}_temp_path {tmp}/tmp/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                "scgi")),
        f"    include {tmp}/site.conf;", "}", ""]))
    proc = subprocess.Popen([binary, "-p", str(tmp), "-e", str(tmp / "logs" / "error.log"),
                             "-c", str(tmp / "nginx.conf")], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        end_process_group(proc, grace=0)


def fetch(base: str, path: str, *, preflight: bool = False) -> tuple[int, list[tuple[str, str]]]:
    """(status, CORS headers in the order received) of a request from ORIGIN."""
    headers = {"Origin": ORIGIN, "Host": "app.example.com"}
    if preflight:
        headers |= {"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"}
    request = urllib.request.Request(base + path, method="OPTIONS" if preflight else "GET", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            status, msg = resp.status, resp.headers
    except urllib.error.HTTPError as err:
        status, msg = err.code, err.headers
    return status, [(k.lower(), v.strip()) for k, v in msg.items() if k.lower().startswith(CORS_PREFIX)]


def predicted(sample: Path, *, preflight: bool = False) -> tuple[int | None, list[tuple[str, str]]]:
    """(status, CORS headers) corslint composes for the same request."""
    result = lint([str(sample)])
    route = next(r for r in result.model.routes if any(b.outcome.upstream_known for b in r.branches))
    ans = answer(route, "OPTIONS" if preflight else "GET", ORIGIN, preflight=preflight)
    status = None if ans.status_assumed else ans.response.status
    return status, [(n.lower(), v) for n, v in ans.response.headers if n.lower().startswith(CORS_PREFIX)]


def _comparable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # Allow-Methods / Allow-Headers are compared as sets of tokens (cors
    # echoes the requested headers, which the model names as such)
    out = []
    for name, value in headers:
        if name in ("access-control-allow-methods",):
            value = ",".join(sorted(t.strip().upper() for t in value.split(",")))
        if name == "access-control-allow-headers":
            continue
        out.append((name, value))
    return sorted(out)


pytestmark = [pytest.mark.server]


@pytest.mark.node
def test_compose_both_add_acao_real_nginx_sends_two(tmp_path):
    sample = SAMPLES / "compose-both-add-acao"
    with serve_express(sample / "api" / "server.js") as app, \
            serve_nginx(sample / "deploy" / "nginx.conf", "http://api:3000", app, tmp_path) as proxy:
        status, got = fetch(proxy, "/api/items")
        pre_status, pre = fetch(proxy, "/api/items", preflight=True)
    acao = [v for n, v in got if n == "access-control-allow-origin"]
    assert acao == [ORIGIN, ORIGIN]                       # what the browser refuses
    want_status, want = predicted(sample)
    assert status == 200 and _comparable(got) == _comparable(want)
    want_pre_status, want_pre = predicted(sample, preflight=True)
    assert pre_status == want_pre_status == 204
    assert _comparable(pre) == _comparable(want_pre)
    assert [v for n, v in pre if n == "access-control-allow-origin"] == [ORIGIN, ORIGIN]


def test_port_proxy_hides_the_flask_header_real_nginx_sends_one(tmp_path):
    sample = SAMPLES / "port-proxy-hides-app-header"
    with serve_flask(sample / "app" / "app.py") as app, \
            serve_nginx(sample / "deploy" / "nginx.conf", "http://127.0.0.1:5000", app, tmp_path) as proxy:
        status, got = fetch(proxy, "/api/items")
        pre_status, pre = fetch(proxy, "/api/items", preflight=True)
    assert [v for n, v in got if n == "access-control-allow-origin"] == [ORIGIN]
    want_status, want = predicted(sample)
    assert status == 200 and _comparable(got) == _comparable(want)
    want_pre_status, want_pre = predicted(sample, preflight=True)
    assert pre_status == want_pre_status == 200
    assert _comparable(pre) == _comparable(want_pre)


@pytest.mark.node
def test_proxy_adds_app_sends_none_real_nginx_sends_one(tmp_path):
    sample = SAMPLES / "proxy-adds-app-sends-none"
    with serve_express(sample / "backend" / "server.js") as app, \
            serve_nginx(sample / "deploy" / "nginx.conf", "http://backend:3000", app, tmp_path) as proxy:
        status, got = fetch(proxy, "/api/items")
        pre_status, pre = fetch(proxy, "/api/items", preflight=True)
    assert got == [("access-control-allow-origin", ORIGIN)]
    want_status, want = predicted(sample)
    assert status == 200 and _comparable(got) == _comparable(want)
    want_pre_status, want_pre = predicted(sample, preflight=True)
    assert pre_status == want_pre_status == 204
    assert _comparable(pre) == _comparable(want_pre)


EXPRESS_CORS = ("const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
                "app.use(cors({ origin: 'https://app.example.com' }));\n"
                "app.get('/api/items', (req, res) => res.json({ items: [] }));\n"
                "module.exports = app;\n")


@pytest.mark.node
@pytest.mark.parametrize("how, copies", [("set", 1), ("always set", 2)])
def test_apache_header_on_a_proxied_answer_real_httpd_agrees(how, copies, tmp_path):
    """mod_headers' `Header set` replaces the Express app's ACAO (the
    onsuccess table holds the backend's headers); `Header always set` sends
    a second one: the composed model says the same as Debian's httpd."""
    from test_apache_live import Httpd

    tree = tmp_path / "repo"
    site = ("<VirtualHost *:80>\n    ServerName app.example.com\n"
            f"    Header {how} Access-Control-Allow-Origin \"https://app.example.com\"\n"
            "    ProxyPass \"/\" \"http://api:3000/\"\n</VirtualHost>\n")
    for name, text in {"docker-compose.yml": "services:\n  api:\n    build: ./api\n",
                       "apache/site.conf": site, "api/server.js": EXPRESS_CORS}.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text)
    result = lint([str(tree)])
    assert len(result.model.links) == 1
    route = next(r for r in result.model.routes if any(b.outcome.upstream_known for b in r.branches))
    want = [v for n, v in answer(route, "GET", ORIGIN).response.headers
            if n.lower() == "access-control-allow-origin"]
    assert len(want) == copies
    with serve_express(tree / "api" / "server.js") as app:
        live = site.replace("*:80", "127.0.0.1:@PORT@").replace("http://api:3000/", app + "/")
        with Httpd(tmp_path / "httpd", live) as httpd:
            status, got = httpd.fetch("GET", "/api/items", ORIGIN, "app.example.com")
    assert status == 200
    assert [v for n, v in got if n == "access-control-allow-origin"] == want


@pytest.mark.node
def test_credentials_from_both_layers_real_nginx_sends_true_twice(tmp_path):
    tree = tmp_path / "repo"
    files = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: ./api\n",
        "deploy/nginx.conf": (
            "server {\n    listen 80;\n    location /api/ {\n"
            "        proxy_hide_header Access-Control-Allow-Origin;\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "        add_header Access-Control-Allow-Credentials true always;\n"
            "        proxy_pass http://api:3000;\n    }\n}\n"),
        "api/server.js": EXPRESS_CORS.replace("origin: 'https://app.example.com' }",
                                              "origin: 'https://app.example.com', credentials: true }"),
    }
    for name, text in files.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text)
    assert [(f.code, f.line) for f in lint([str(tree)]).findings if f.code == "CORS202"] == [("CORS202", 6)]
    with serve_express(tree / "api" / "server.js") as app, \
            serve_nginx(tree / "deploy" / "nginx.conf", "http://api:3000", app, tmp_path / "nginx") as proxy:
        status, got = fetch(proxy, "/api/items")
    assert [v for n, v in got if n == "access-control-allow-credentials"] == ["true", "true"]
    assert status == 200 and _comparable(got) == _comparable(predicted(tree)[1])


UNDER_API = ("const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
             "app.use('/api', cors({ origin: 'https://app.example.com' }));\n"
             "app.get('/items', (req, res) => res.json({ items: [] }));\n"
             "app.get('/api/items', (req, res) => res.json({ items: [] }));\n"
             "module.exports = app;\n")


@pytest.mark.node
@pytest.mark.parametrize("location, target, request_path, copies", [
    ("/api/", "http://api:3000/", "/api/items", 1),       # the URI "/" replaces "/api/": the app sees /items
    ("/api/", "http://api:3000", "/api/items", 2),        # no URI: the app sees /api/items, its cors route
    ("/v2/", "http://api:3000/api/", "/v2/items", 2),     # "/v2/" replaced by "/api/"
])
def test_proxy_pass_uri_real_nginx_agrees_with_the_link(tmp_path, location, target, request_path, copies):
    """nginx (ngx_http_proxy_module): with a URI in proxy_pass, the part of
    the request's URI matching the location is replaced by it; without one
    the URI is passed as it is. corslint links the app's /api route only
    where the app really receives /api/..., and says nothing certain
    elsewhere."""
    tree = tmp_path / "repo"
    files = {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "deploy/nginx.conf": (
            f"server {{\n    listen 80;\n    location {location} {{\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            f"        proxy_pass {target};\n    }}\n}}\n"),
        "api/server.js": UNDER_API,
    }
    for name, text in files.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text)
    with serve_express(tree / "api" / "server.js") as app, \
            serve_nginx(tree / "deploy" / "nginx.conf", "http://api:3000", app, tmp_path / "nginx") as proxy:
        status, got = fetch(proxy, request_path)
    assert status == 200
    assert [v for n, v in got if n == "access-control-allow-origin"] == [ORIGIN] * copies
    result = lint([str(tree)])
    severities = [(f.code, f.severity) for f in result.findings if f.code == "CORS103"]
    if copies == 2:
        assert severities == [("CORS103", "error")] and len(result.model.links) == 1
        assert _comparable(got) == _comparable(predicted(tree)[1])
    else:   # one copy: no certain duplicate is claimed (the condition stays, at info)
        assert severities == [("CORS103", "info")] and result.model.links == []
