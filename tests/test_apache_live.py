"""The Apache frontend's model against a running httpd.

Every Apache sample and rule fixture (the .htaccess ones served from a
document root with ``AllowOverride All``), and a few configs written for one
httpd behaviour, is served by Debian's apache2 on loopback, with a small
upstream application behind its ProxyPass lines. For every route the model
has, and GET, OPTIONS and PUT from an allowed and an unknown origin, the
status and the CORS headers (Access-Control-*, Vary) httpd really sends must
be the ones the model predicts. Requests that reach a branch behind a
condition corslint cannot evaluate are not compared (the model does not claim
to know them); where the application or the file system decides the status,
the model's headers are judged at the status httpd really gave. Configs
served over TLS are left out (the comparison speaks plain HTTP).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from apache_httpd import apache_binary, main_config
from corslint.frontends import apache
from corslint.scenarios import answer

pytestmark = pytest.mark.server

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "apache"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "apache"
LIVE_SAMPLES = sorted(p for p in SAMPLES.glob("*/*.conf") if "*:443" not in p.read_text(encoding="utf-8"))
LIVE_FIXTURES = sorted(p for p in FIXTURES.glob("*/*.conf") if "*:443" not in p.read_text(encoding="utf-8"))
LIVE_HTACCESS = sorted(list(SAMPLES.glob("*/*.htaccess")) + list(FIXTURES.glob("*/*/.htaccess")))
ORIGINS = ("http://app.localtest:8081", "https://evil.example")
METHODS = ("GET", "OPTIONS", "PUT")


class _Upstream(BaseHTTPRequestHandler):
    """An application that answers everything 200, or the status a path names
    (/status/500), with no CORS headers of its own."""

    def _answer(self):
        parts = self.path.split("/")
        code = int(parts[parts.index("status") + 1]) if "status" in parts else 200
        body = b"ok"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _answer

    def do_HEAD(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Httpd:
    """One apache2 in the foreground, serving ``config`` on a free port."""

    def __init__(self, tmp_path: Path, config: str):
        # httpd's children run as www-data when started by root: the document
        # root must be readable by them (pytest's tmp_path is not).
        self.docroot = Path(tempfile.mkdtemp(prefix="corslint-httpd-", dir="/tmp"))
        os.chmod(self.docroot, 0o755)
        self.config = config
        self.tmp_path = tmp_path
        self.token = os.urandom(8).hex()
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def _configure(self) -> None:
        self.port = _free_port()
        user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
        # the token tells this server's answers from any other process's on the port
        body = (f"Listen 127.0.0.1:{self.port}\n{user}Header always set X-Corslint-Live {self.token}\n"
                + self.config.replace("@PORT@", str(self.port)).replace("@DOCROOT@", str(self.docroot)))
        self.conf = main_config(self.tmp_path, body, docroot=self.docroot)

    def add_file(self, url: str) -> None:
        path = self.docroot / url.lstrip("/")
        if url.endswith("/"):
            path = path / "x"
        path.parent.mkdir(parents=True, exist_ok=True)
        for p in [path.parent, *path.parent.parents]:
            if p == self.docroot.parent:
                break
            os.chmod(p, 0o755)
        path.write_text("file\n", encoding="utf-8")
        os.chmod(path, 0o644)

    def __enter__(self) -> "Httpd":
        failure = ""
        for _attempt in range(3):   # another process may take the free port first
            self._configure()
            self.proc = subprocess.Popen([apache_binary(), "-DFOREGROUND", "-f", str(self.conf)],
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    failure = self.proc.stdout.read().decode(errors="replace")
                    self._stop()
                    break
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                    return self
                except OSError:
                    time.sleep(0.05)
            else:
                failure = "apache2 did not start listening"
                self._stop()
        raise AssertionError(f"apache2 did not start: {failure}")

    def __exit__(self, *exc) -> None:
        self._stop()
        shutil.rmtree(self.docroot, ignore_errors=True)

    def _stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def fetch(self, method: str, url: str, origin: str, host: str) -> tuple[int, list[tuple[str, str]]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, url, headers={"Origin": origin, "Host": host})
            resp = conn.getresponse()
            resp.read()
            assert resp.getheader("X-Corslint-Live") == self.token, "another server answered"
            return resp.status, _cors(resp.getheaders())
        finally:
            conn.close()


def _cors(headers) -> list[tuple[str, str]]:
    return sorted((n.lower(), v) for n, v in headers if n.lower().startswith("access-control-") or n.lower() == "vary")


def _live_text(text: str, upstream_port: int) -> str:
    text = (text.replace("127.0.0.1:9000", f"127.0.0.1:{upstream_port}")
            .replace("<VirtualHost *:80>", "<VirtualHost *:@PORT@>")
            .replace("/etc/apache2/api.htpasswd", "@DOCROOT@/.htpasswd"))
    return re.sub(r"/var/www/[a-z]+", "@DOCROOT@", text)


HTACCESS_HOST = """\
<VirtualHost *:80>
    ServerName localhost
    <Directory /var/www/html>
        AllowOverride All
        Require all granted
    </Directory>
</VirtualHost>
"""


def compare(path: Path, text: str, tmp_path: Path, upstream_port: int) -> list[str]:
    """Mismatches between the model of ``path`` and httpd serving ``text``
    (a .htaccess is served from the document root)."""
    model = apache.parse_files([str(path)])
    assert not model.problems, model.problems
    mismatches: list[str] = []
    compared = 0
    htaccess = path.name.endswith(".htaccess")
    httpd = Httpd(tmp_path, _live_text(HTACCESS_HOST if htaccess else text, upstream_port))
    with httpd:
        if htaccess:
            (httpd.docroot / ".htaccess").write_text(text, encoding="utf-8")
            os.chmod(httpd.docroot / ".htaccess", 0o644)
        for route in model.routes:
            httpd.add_file(route.path)
        for route in model.routes:
            url = route.path + ("x" if route.path.endswith("/") else "")
            host = route.hosts[0] if route.hosts else "localhost"
            for method in METHODS:
                for origin in ORIGINS:
                    preflight = method == "OPTIONS"
                    first = answer(route, method, origin, preflight=preflight, include_opaque=True)
                    if first is None or first.branch.opaque_conditions:
                        continue   # a condition corslint cannot evaluate may decide this request
                    compared += 1
                    status, headers = httpd.fetch(method, url, origin, host)
                    # the application (or the file system) decides the status: judge
                    # the headers the model sends with the status it really gave
                    decided_elsewhere = first.branch.outcome.status is None and not first.auth_blocked
                    ans = answer(route, method, origin, preflight=preflight,
                                 status=status if decided_elsewhere else None)
                    predicted = _cors(ans.response.headers)
                    if (status, headers) != (ans.response.status, predicted):
                        mismatches.append(f"{route.name} {method} {url} from {origin}: model says "
                                          f"{ans.response.status} {predicted}, httpd sent {status} {headers}")
    assert compared, f"nothing compared for {path}"
    return mismatches


@pytest.mark.parametrize("path", LIVE_SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_model_matches_real_httpd_on_sample(path, tmp_path, upstream):
    assert not compare(path, path.read_text(encoding="utf-8"), tmp_path, upstream)


@pytest.mark.parametrize("path", LIVE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_model_matches_real_httpd_on_rule_fixture(path, tmp_path, upstream):
    # the fixtures' own origin and host become the ones the comparison uses
    text = (path.read_text(encoding="utf-8").replace("https://app.example.com", "http://app.localtest:8081")
            .replace("ServerName api.example.com", "ServerName api.localtest"))
    copy = tmp_path / path.name
    copy.write_text(text, encoding="utf-8")
    assert not compare(copy, text, tmp_path / "httpd", upstream)


@pytest.mark.parametrize("path", LIVE_HTACCESS, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_model_matches_real_httpd_on_htaccess(path, tmp_path, upstream):
    text = path.read_text(encoding="utf-8").replace("https://app.example.com", "http://app.localtest:8081")
    copy = tmp_path / ".htaccess"
    copy.write_text(text, encoding="utf-8")
    assert not compare(copy, text, tmp_path / "httpd", upstream)


BEHAVIOURS = {
    # the onsuccess table is used for the application's errors too, not for httpd's own 404
    "proxied_error_and_static_404": """
<VirtualHost *:80>
    ServerName api.localtest
    DocumentRoot /var/www/api
    <Directory /var/www/api>
        Require all granted
    </Directory>
    ProxyPass /status/500/ http://127.0.0.1:9000/status/500/
    Header set Access-Control-Allow-Origin "http://app.localtest:8081"
    Header always set Access-Control-Expose-Headers "X-Total"
</VirtualHost>
""",
    # SetEnvIf allowlist, env= conditions, Header add/append/merge, <If> on the Origin
    "allowlists_and_table_operations": """
<VirtualHost *:80>
    ServerName api.localtest
    DocumentRoot /var/www/api
    <Directory /var/www/api>
        Require all granted
        SetEnvIfNoCase Origin "^http://(app|admin)\\.localtest:8081$" CORS_ORIGIN=$0
        Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
        Header always add Access-Control-Expose-Headers "X-One"
        Header always add Access-Control-Expose-Headers "X-Two"
        Header always append Access-Control-Allow-Methods "GET"
        Header always append Access-Control-Allow-Methods "PUT"
        Header always merge Access-Control-Allow-Headers "Content-Type"
        Header always merge Access-Control-Allow-Headers "Content-Type"
    </Directory>
    <Location /if/>
        <If "%{HTTP:Origin} == 'http://app.localtest:8081'">
            Header always set Access-Control-Allow-Credentials "true"
        </If>
    </Location>
</VirtualHost>
""",
    # server rewrite answers before auth; a <Location> rewrite after it; <LimitExcept>
    "rewrite_auth_and_limits": """
<VirtualHost *:80>
    ServerName api.localtest
    DocumentRoot /var/www/api
    <Directory /var/www/api>
        Require all granted
    </Directory>
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} =OPTIONS
    RewriteRule ^/one/ - [R=204,L]
    Header always set Access-Control-Allow-Origin "http://app.localtest:8081"
    Header set Access-Control-Allow-Methods "GET, PUT"
    <Location /one/>
        AuthType Basic
        AuthName "one"
        AuthUserFile /etc/apache2/api.htpasswd
        Require valid-user
    </Location>
    <Location /two/>
        AuthType Basic
        AuthName "two"
        AuthUserFile /etc/apache2/api.htpasswd
        Require valid-user
        RewriteEngine On
        RewriteCond %{REQUEST_METHOD} =OPTIONS
        RewriteRule ^ - [R=204,L]
    </Location>
    <Location /three/>
        <LimitExcept GET OPTIONS>
            Require all denied
        </LimitExcept>
    </Location>
</VirtualHost>
""",
    # Vary: Origin: <If> and `Header ... expr=` add it whatever the outcome, mod_rewrite
    # only when its rule applies, and the proxy's answer replaces what <If> added
    "implicit_vary": """
<VirtualHost *:80>
    ServerName api.localtest
    DocumentRoot /var/www/api
    <Directory /var/www/api>
        Require all granted
    </Directory>
    RewriteEngine On
    RewriteCond %{HTTP:Origin} ^http://(app|admin)\\.localtest:8081$
    RewriteRule ^/rw/ - [E=CORS_ORIGIN:%{HTTP:Origin}]
    <Location /rw/>
        Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
    </Location>
    <Location /if/>
        <If "%{HTTP:Origin} == 'http://app.localtest:8081'">
            Header set Access-Control-Allow-Origin "expr=%{req:Origin}"
        </If>
    </Location>
    <Location /proxied-if/>
        ProxyPass http://127.0.0.1:9000/
        <If "%{HTTP:Origin} == 'http://app.localtest:8081'">
            Header set Access-Control-Allow-Origin "expr=%{req:Origin}"
        </If>
    </Location>
    <Location /expr/>
        ProxyPass http://127.0.0.1:9000/
        Header set Access-Control-Allow-Origin "expr=%{req:Origin}" "expr=%{HTTP:Origin} == 'http://app.localtest:8081'"
    </Location>
</VirtualHost>
""",
    # the common "answer every OPTIONS" rewrite: httpd makes the 200/204/403 itself,
    # the <Location> headers are merged already, only the always table reaches it
    # (an ErrorDocument for the status changes the body, not the headers)
    "rewrite_answers_options_itself": """
<VirtualHost *:80>
    ServerName api.localtest
    DocumentRoot /var/www/api
    <Directory /var/www/api>
        Require all granted
    </Directory>
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^(.*)$ $1 [R=200,L]
    <Location /always/>
        Header always set Access-Control-Allow-Origin "http://app.localtest:8081"
        Header always set Access-Control-Allow-Methods "GET, PUT"
    </Location>
    <Location /onsuccess/>
        Header set Access-Control-Allow-Origin "http://app.localtest:8081"
        Header always set Access-Control-Allow-Methods "GET, PUT"
    </Location>
    <Location /errordoc/>
        ErrorDocument 200 "preflight ok"
        Header always set Access-Control-Allow-Origin "http://app.localtest:8081"
        Header set Access-Control-Allow-Methods "GET, PUT"
    </Location>
</VirtualHost>
""",
    # the same rewrite per directory (fixups, after the <Directory> merge)
    "perdir_rewrite_answers_options_itself": """
<VirtualHost *:80>
    ServerName api.localtest
    DocumentRoot /var/www/api
    <Directory /var/www/api>
        Require all granted
        Header always set Access-Control-Allow-Origin "http://app.localtest:8081"
        Header set Access-Control-Allow-Methods "GET, PUT"
    </Directory>
    <Directory /var/www/api/r204>
        RewriteEngine On
        RewriteCond %{REQUEST_METHOD} OPTIONS
        RewriteRule ^(.*)$ $1 [R=204,L]
    </Directory>
    <Directory /var/www/api/r403>
        ErrorDocument 403 "no"
        RewriteEngine On
        RewriteCond %{REQUEST_METHOD} OPTIONS
        RewriteRule ^(.*)$ $1 [R=403,L]
    </Directory>
</VirtualHost>
""",
    # regex sections merge like their twins: <Directory> (shortest first, a
    # deeper one before every regex one), <DirectoryMatch> and <Directory ~>
    # tested on the file name, <Files ~>/<FilesMatch>, <LocationMatch> before
    # a <Location> that comes later in the file; `append` shows the order
    "regex_sections_merge": """
<VirtualHost *:80>
    ServerName api.localtest
    DocumentRoot /var/www/api
    Header always add Access-Control-Allow-Origin "http://app.localtest:8081"
    <DirectoryMatch "^/var/www/api/dm">
        Header always append Access-Control-Expose-Headers "X-DirectoryMatch"
        Header always add Access-Control-Allow-Origin "http://app.localtest:8081"
    </DirectoryMatch>
    <Directory /var/www/api>
        Require all granted
        Header always append Access-Control-Expose-Headers "X-Directory"
    </Directory>
    <Directory ~ "/var/www/api/dt$">
        Header always append Access-Control-Expose-Headers "X-DirectoryTilde"
    </Directory>
    <Directory ~ "^/var/www/api/dm/">
        Header always append Access-Control-Expose-Headers "X-DirectoryTilde"
    </Directory>
    <Directory /var/www/api/dm/deep>
        Header always set Access-Control-Expose-Headers "X-DeepDirectory"
    </Directory>
    <Location /dm/>
        Header always append Access-Control-Expose-Headers "X-Location"
    </Location>
    <FilesMatch "\\.json$">
        Header always append Access-Control-Expose-Headers "X-FilesMatch"
    </FilesMatch>
    <Files ~ "\\.txt$">
        Header always append Access-Control-Expose-Headers "X-FilesTilde"
    </Files>
    <LocationMatch "^/lm/">
        Header always append Access-Control-Expose-Headers "X-LocationMatch"
    </LocationMatch>
    <Location /lm/>
        Header always append Access-Control-Expose-Headers "X-Location"
    </Location>
</VirtualHost>
""",
}


@pytest.mark.parametrize("name", sorted(BEHAVIOURS))
def test_model_matches_real_httpd_on_behaviour(name, tmp_path, upstream):
    path = tmp_path / f"{name}.conf"
    path.write_text(BEHAVIOURS[name], encoding="utf-8")
    assert not compare(path, BEHAVIOURS[name], tmp_path / "httpd", upstream)


def test_rewritten_options_answer_carries_the_always_table_only(tmp_path, upstream):
    """httpd's own answer to ``RewriteRule ^(.*)$ $1 [R=200,L]``: `Header always
    set` reaches it, `Header set` does not; corslint predicts exactly that
    answer and reports CORS304 where Allow-Origin lacks `always`, nowhere else."""
    from corslint.lint import lint

    text = BEHAVIOURS["rewrite_answers_options_itself"]
    path = tmp_path / "rewrite.conf"
    path.write_text(text, encoding="utf-8")
    model = apache.parse_files([str(path)])
    routes = {r.path: r for r in model.routes}
    origin = "http://app.localtest:8081"
    with Httpd(tmp_path / "httpd", _live_text(text, upstream)) as httpd:
        for url in ("/always/", "/onsuccess/", "/errordoc/"):
            httpd.add_file(url)
        real = {url: httpd.fetch("OPTIONS", url + "x", origin, "api.localtest")
                for url in ("/always/", "/onsuccess/", "/errordoc/")}
    assert real["/always/"] == (200, [("access-control-allow-methods", "GET, PUT"),
                                      ("access-control-allow-origin", origin)])
    assert real["/onsuccess/"] == (200, [("access-control-allow-methods", "GET, PUT")])
    assert real["/errordoc/"] == (200, [("access-control-allow-origin", origin)])
    for url, got in real.items():
        predicted = answer(routes[url], "OPTIONS", origin, preflight=True)
        assert (predicted.response.status, _cors(predicted.response.headers)) == got, url
    # /always/ passes; /onsuccess/ lacks Allow-Origin, /errordoc/ Allow-Methods (PUT refused)
    lines = text.splitlines()

    def block(url: str) -> range:
        start = lines.index(f"    <Location {url}>") + 1
        return range(start, lines.index("    </Location>", start) + 1)

    findings = sorted((f.code, f.line) for f in lint([str(path)]).findings if f.code.startswith("CORS30"))
    assert [code for code, _ in findings] == ["CORS304", "CORS305"]
    # CORS304 at the onsuccess block's headers, CORS305 at the answer's own RewriteRule
    rule_line = lines.index("    RewriteRule ^(.*)$ $1 [R=200,L]") + 1
    assert findings[0][1] in block("/onsuccess/") and findings[1][1] == rule_line
