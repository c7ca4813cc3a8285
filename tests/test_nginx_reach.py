"""What reaches a browser through nginx: `internal` locations and auth_request
targets (their answers never reach a browser as such), snippets of headers
only (the includer's handler answers), and headers-more's inheritance. The
model is asserted here, and each server behaviour it encodes is checked on a
real nginx on the loopback where one is installed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from corslint.frontends import apache, nginx
from corslint.lint import lint
from corslint.model import HANDLER_UNKNOWN


def parse_text(tmp_path, text, name="site.conf", frontend=nginx):
    path = tmp_path / name
    path.write_text(text)
    return frontend.parse_files([str(path)])


def route_at(model, path):
    [route] = [r for r in model.routes if r.path == path]
    return route


GUARDED = """
server {
    listen 80;
    server_name api.example.com;
    location /p {
        internal;
        add_header Access-Control-Allow-Origin * always;
        return 200 p;
        location /p/q { return 200 q; }
    }
    location = /auth {
        add_header Access-Control-Allow-Origin * always;
        add_header X-From-Auth yes always;
        return 204;
    }
    location /guarded {
        auth_request /auth;
        return 200 g;
    }
}
"""


def test_internal_locations_and_auth_request_targets_are_not_browser_reachable(tmp_path):
    model = parse_text(tmp_path, GUARDED)
    assert "internal" in route_at(model, "/p").not_browser_reachable
    # nginx 1.22 answers 404 below an internal location too (seen live below)
    assert "internal" in route_at(model, "/p/q").not_browser_reachable
    assert route_at(model, "= /auth").not_browser_reachable == "the target of auth_request /auth"
    assert route_at(model, "/guarded").browser_reachable


def test_answer_rules_skip_unreachable_routes_and_static_value_rules_do_not(tmp_path):
    conf = tmp_path / "site.conf"
    conf.write_text("""
server {
    listen 80;
    location = /auth {
        internal;
        add_header Access-Control-Allow-Origin "https://app.example.com";
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        add_header Access-Control-Allow-Headers "X Bad" always;
        root /srv;
    }
    location /api/ { auth_request /auth; return 204; }
}
""")
    codes = [(f.code, f.line) for f in lint([str(conf)]).findings]
    # a written header token is invalid wherever it is written (CORS308);
    # nothing is said about the answers (static 405, no `always`)
    assert ("CORS308", 8) in codes
    assert not [c for c in codes if c[0] in ("CORS301", "CORS402", "CORS304")], codes


def test_a_snippet_of_headers_only_has_an_unknown_handler(tmp_path):
    model = parse_text(tmp_path, 'add_header Access-Control-Allow-Origin *;\n'
                                 'if ($request_method = OPTIONS) { return 204; }\n', "cors.conf")
    [route] = model.routes
    outcomes = {m: route.branch_for(m, "https://a.example").outcome for m in ("GET", "PUT", "OPTIONS")}
    assert outcomes["OPTIONS"].status == 204
    assert outcomes["GET"].delegate == outcomes["PUT"].delegate == HANDLER_UNKNOWN
    assert outcomes["PUT"].status is None
    # a snippet that names its own handler keeps it
    model = parse_text(tmp_path, "root /srv;\nadd_header Access-Control-Allow-Origin *;\n", "files.conf")
    [route] = model.routes
    assert route.branch_for("PUT", None).outcome.status == 405


def test_an_apache_file_of_headers_only_has_an_unknown_handler(tmp_path):
    model = parse_text(tmp_path, '<IfModule mod_headers.c>\n  <Location />\n'
                                 '    Header set Access-Control-Allow-Origin "*"\n  </Location>\n</IfModule>\n',
                       "cors.conf", apache)
    [route] = model.routes
    assert route.branch_for("PUT", None).outcome.delegate == HANDLER_UNKNOWN
    # a <Directory> names files on disk: httpd's static handler answers
    model = parse_text(tmp_path, '<Directory /srv/www>\n  Header set Access-Control-Allow-Origin "*"\n'
                                 '</Directory>\n', "dir.conf", apache)
    assert all(r.branch_for("PUT", None).outcome.status == 405 for r in model.routes)


# ---------------------------------------------------------------- the real nginx

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
# Debian's libnginx-mod-http-headers-more-filter (0.34) puts the module here;
# CORSLINT_HEADERS_MORE_SO names a copy elsewhere (e.g. unpacked from the .deb).
HEADERS_MORE = os.environ.get("CORSLINT_HEADERS_MORE_SO",
                              "/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Nginx:
    def __init__(self, tmp_path: Path, http_body: str, modules: tuple[str, ...] = ()):
        self.port = _free_port()
        prefix = tmp_path / "nginx"
        (prefix / "logs").mkdir(parents=True)
        for d in prefix, prefix / "logs":
            os.chmod(d, 0o755)
        body = http_body.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        temp = "".join(f"{k}_temp_path {prefix}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = prefix / "nginx.conf"
        conf.write_text("".join(f"load_module {m};\n" for m in modules)
                        + f"daemon off; pid {prefix}/nginx.pid; error_log {prefix}/logs/error.log;\n"
                        + "events {}\nhttp { access_log off; " + temp + body + "}\n")
        self.proc = subprocess.Popen([NGINX, "-p", str(prefix), "-e", str(prefix / "logs/error.log"),
                                      "-c", str(conf)], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode(errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start")

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str]]:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     headers={"Origin": "https://app.example.com"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def live_nginx(tmp_path):
    started: list[_Nginx] = []

    def start(body: str, modules: tuple[str, ...] = ()) -> _Nginx:
        server = _Nginx(tmp_path / str(len(started)), body, modules)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.mark.server
def test_live_internal_and_auth_request_answers_never_reach_the_browser(live_nginx):
    server = live_nginx(GUARDED)
    # a browser asking for an internal location (or one inside it) gets 404
    assert server.get("/p")[0] == 404
    assert server.get("/p/q")[0] == 404
    # the auth subrequest's headers are dropped from the answer a browser gets
    status, headers = server.get("/guarded")
    assert status == 200
    assert "access-control-allow-origin" not in headers and "x-from-auth" not in headers


HEADERS_MORE_LEVELS = """
more_set_headers "X-Http: h" "X-Over: http";
server {
    listen 80;
    more_set_headers "X-Server: s";
    location /a { more_set_headers "X-Loc: l" "X-Over: loc"; return 200 ok; }
    location /c {
        more_set_headers "X-Loc: l";
        if ($arg_x) { more_set_headers "X-If: i"; }
        return 200 ok;
    }
    location /d { more_clear_headers "X-Http"; return 200 ok; }
    location /e { add_header X-Add a; more_set_headers "X-Add: b"; more_clear_headers "X-Server"; return 200 ok; }
    location /f { add_header X-F f; more_clear_headers "X-F"; return 200 ok; }
}
"""


def _sent(route, query_taken: bool = False) -> list[tuple[str, str]]:
    """(name, value) of the headers a GET gets, in the order nginx adds them."""
    branches = [b for b in route.branches if b.applies("GET", None) and bool(b.opaque_conditions) == query_taken]
    out: list[tuple[str, str]] = []
    for h in branches[0].headers:
        value = h.value.evaluate(None)
        same = [i for i, (n, _) in enumerate(out) if n.lower() == h.lname]
        if h.replaces and same:
            # headers-more sets the value where the header already is
            out[same[0]] = (h.name, value)
            out = [o for i, o in enumerate(out) if i not in same[1:]]
        else:
            out.append((h.name, value))
    return out


def test_headers_more_commands_of_every_level_run_outer_first(tmp_path):
    model = parse_text(tmp_path, "http {\n" + HEADERS_MORE_LEVELS + "}\n")
    assert _sent(route_at(model, "/a")) == [("X-Http", "h"), ("X-Over", "loc"), ("X-Server", "s"), ("X-Loc", "l")]
    assert _sent(route_at(model, "/c")) == [("X-Http", "h"), ("X-Over", "http"), ("X-Server", "s"), ("X-Loc", "l")]
    assert _sent(route_at(model, "/c"), query_taken=True) == [
        ("X-Http", "h"), ("X-Over", "http"), ("X-Server", "s"), ("X-Loc", "l"), ("X-If", "i")]
    assert _sent(route_at(model, "/d")) == [("X-Over", "http"), ("X-Server", "s")]
    # headers-more runs before add_header: both copies are sent, and its
    # clear never reaches an add_header
    assert _sent(route_at(model, "/e")) == [("X-Http", "h"), ("X-Over", "http"), ("X-Add", "b"), ("X-Add", "a")]
    assert ("X-F", "f") in _sent(route_at(model, "/f"))


@pytest.mark.server   # tests/install-system-deps.sh installs the module (external.py checks it)
def test_live_headers_more_commands_of_every_level_run_outer_first(live_nginx, tmp_path):
    server = live_nginx(HEADERS_MORE_LEVELS, modules=(HEADERS_MORE,))
    model = parse_text(tmp_path, "http {\n" + HEADERS_MORE_LEVELS + "}\n")
    for path, query in (("/a", ""), ("/c", ""), ("/c", "?x=1"), ("/d", ""), ("/e", ""), ("/f", "")):
        status, _ = server.get(path + query)
        assert status == 200
        req = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}{query}")
        with urllib.request.urlopen(req, timeout=5) as resp:
            live = [(k, v) for k, v in resp.headers.items() if k.lower().startswith("x-")]
        assert live == _sent(route_at(model, path), query_taken=bool(query)), path + query
