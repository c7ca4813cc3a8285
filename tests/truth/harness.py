"""Real servers for the truth tier.

A sample config is written for its deployment (``listen 80``, ``server_name
api.localtest``, an app behind ``proxy_pass http://127.0.0.1:9000``, a page on
``http://app.localtest:8081``). The harness runs it here without touching the
sample file and without a fixed port:

* ``UrlMap`` moves every URL and origin of that world onto this machine: the
  ports the sample listens on become free loopback ports, the page origin
  becomes the port of the harness's page server. Host names stay as they are
  (the browsers resolve every name to 127.0.0.1), so ``server_name`` matching,
  redirects between the sample's hosts and the Origin header behave as
  deployed. The same map rewrites the config copy and corslint's predictions.
* ``NginxAdapter`` writes a wrapper config in a temporary prefix that includes
  a rewritten copy of the sample (listen ports, the upstream, htpasswd and
  document roots moved into the prefix) and runs Debian's nginx on it in the
  foreground. ``ApacheAdapter`` does the same for Debian's apache2 (a
  generated httpd.conf in a temporary ServerRoot that includes the rewritten
  ``<VirtualHost>`` sections, or serves a .htaccess from its document root).
* ``StubUpstream`` stands in for the application behind ``proxy_pass``: it
  answers every method with the status the request description asks for and
  sends no CORS header of its own; ``PageServer`` serves the page that makes
  the cross-origin request.

Everything listens on 127.0.0.1 only and is stopped by whoever started it
(``Deployment.stop`` / the fixtures' finalizers), also when a test fails.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

import crossplane

LOOPBACK = "127.0.0.1"
DEFAULT_PORTS = {"http": 80, "https": 443}
START_TIMEOUT = 15.0


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout: float = START_TIMEOUT) -> None:
    """Return once something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"process exited with status {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise ServerError(f"nothing listens on {LOOPBACK}:{port} after {timeout:.0f} s") from None
            time.sleep(0.02)


class ServerError(RuntimeError):
    """A server of the harness could not be started or stopped."""


def end_process_group(proc: subprocess.Popen, grace: float) -> None:
    """Give ``proc`` (started with ``start_new_session=True``) ``grace``
    seconds to exit, then SIGKILL whatever is left of its process group
    (workers, renderers, content processes) and reap it. The leader is not
    reaped before the group is killed, so its id cannot have been reused."""
    if proc.returncode is not None:
        return  # already reaped: its group id may belong to someone else now
    deadline = time.monotonic() + grace
    try:
        while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
    except ChildProcessError:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=30)


# --------------------------------------------------------------- URL mapping

# An absolute URL or origin as it appears in configs and console lines; the
# host may be regex-escaped (``app\.localtest``) when it sits in an origin
# pattern.
_URL = re.compile(
    r"(?P<scheme>https?)://"
    r"(?P<userinfo>[^\s/@'\"(),]*@)?"
    r"(?P<host>[A-Za-z0-9-]+(?:\\?\.[A-Za-z0-9-]+)*)"
    r"(?::(?P<port>\d+))?"
)


@dataclass
class UrlMap:
    """How the sample's world maps onto loopback ports.

    ``listen``: (scheme, port the sample listens on) -> real port.
    ``pages``: (scheme, host, port) of a page origin -> port of the page server.
    A URL's host is kept; only its port changes (written out even where the
    original relied on the scheme's default).
    """

    listen: dict[tuple[str, int], int] = field(default_factory=dict)
    pages: dict[tuple[str, str, int], int] = field(default_factory=dict)

    def port_for(self, scheme: str, host: str, port: int) -> int | None:
        key = (scheme.lower(), host.replace("\\", "").lower(), port)
        if key in self.pages:
            return self.pages[key]
        return self.listen.get((scheme.lower(), port))

    def rewrite(self, text: str) -> str:
        """``text`` with every URL and origin it contains moved to its real port."""

        def repl(m: re.Match) -> str:
            scheme = m.group("scheme")
            port = int(m.group("port")) if m.group("port") else DEFAULT_PORTS[scheme.lower()]
            real = self.port_for(scheme, m.group("host"), port)
            if real is None:
                return m.group(0)
            return f"{scheme}://{m.group('userinfo') or ''}{m.group('host')}:{real}"

        return _URL.sub(repl, text)

    def url(self, url: str) -> str:
        return self.rewrite(url)

    def origin(self, origin: str) -> str:
        return self.rewrite(origin)


def split_origin(origin: str) -> tuple[str, str, int]:
    parts = urlsplit(origin)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS[scheme]


# --------------------------------------------------------------- helper servers


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Background:
    """An http.server in a daemon thread on a free loopback port."""

    handler: type[http.server.BaseHTTPRequestHandler]

    def __init__(self) -> None:
        self._server = _QuietServer((LOOPBACK, 0), self.handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._prepare(self._server)
        self._thread = threading.Thread(target=self._server.serve_forever, name=type(self).__name__,
                                        daemon=True)
        self._thread.start()

    def _prepare(self, server: http.server.HTTPServer) -> None:
        """Hook run before the server thread starts."""

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _PageHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<!doctype html><meta charset=utf-8><title>corslint truth page</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@dataclass(frozen=True)
class TlsPair:
    """A throwaway self-signed certificate for *.localtest (the browsers are
    told to accept it; the sample's own ssl_certificate lines point here)."""

    cert: Path
    key: Path

    @classmethod
    def generate(cls, directory: Path) -> "TlsPair":
        openssl = shutil.which("openssl")
        if openssl is None:
            raise ServerError("openssl is not installed: run tests/install-system-deps.sh")
        cert, key = directory / "cert.pem", directory / "key.pem"
        run = subprocess.run(
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localtest", "-addext", "subjectAltName=DNS:localtest,DNS:*.localtest",
             "-keyout", str(key), "-out", str(cert)],
            capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            raise ServerError(f"openssl could not make a certificate: {run.stderr}")
        os.chmod(key, 0o644)  # read by the servers' unprivileged workers; a test key
        return cls(cert, key)


class PageServer:
    """Serves the (empty) page whose script makes the cross-origin request,
    under any host name: http://<host>:<port>/ and https://<host>:<tls_port>/."""

    def __init__(self, tls: TlsPair) -> None:
        self.tls = tls
        self._plain = _PageListener()
        self._secure = _PageListener(tls)
        self.port = self._plain.port
        self.tls_port = self._secure.port

    def port_for(self, scheme: str) -> int:
        return self.tls_port if scheme == "https" else self.port

    def page_url(self, origin: str) -> str:
        scheme, host, _ = split_origin(origin)
        return f"{scheme}://{host}:{self.port_for(scheme)}/"

    def stop(self) -> None:
        try:
            self._plain.stop()
        finally:
            self._secure.stop()


class _PageListener(_Background):
    handler = _PageHandler

    def __init__(self, tls: TlsPair | None = None) -> None:
        self._tls = tls
        super().__init__()

    def _prepare(self, server: http.server.HTTPServer) -> None:
        if self._tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self._tls.cert, self._tls.key)
            server.socket = context.wrap_socket(server.socket, server_side=True)


class _UpstreamHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        owner: StubUpstream = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        owner.seen.append((self.command, self.path, dict(self.headers.items())))
        status = owner.status
        body = b"" if self.command == "HEAD" else f"upstream {self.command} {self.path}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _answer

    def log_message(self, *args) -> None:
        pass


class StubUpstream(_Background):
    """The application behind ``proxy_pass``: answers every method with
    ``status`` and no CORS header; ``seen`` lists what reached it."""

    handler = _UpstreamHandler

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        super().__init__()


# --------------------------------------------------------------- server adapters


@dataclass
class Site:
    """What an adapter needs to run one sample here.

    ``bind`` says where the server itself listens for each (scheme, port) of
    the sample; it equals ``urls.listen`` unless a shared cache stands in
    front of the server on the public ports.
    """

    urls: UrlMap
    bind: dict[tuple[str, int], int]
    upstream_port: int
    workdir: Path
    tls: "TlsPair"
    paths: tuple[str, ...] = ()      # request paths that must exist as files under a document root
    htpasswd_user: str = "truth"
    htpasswd_password: str = "truth"


class RunningServer:
    """A started server process; ``stop()`` ends it and its children."""

    def __init__(self, name: str, proc: subprocess.Popen, log: Path) -> None:
        self.name = name
        self.proc = proc
        self.log = log

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.returncode is None:
            try:
                self.proc.terminate()
            except ProcessLookupError:
                pass
        end_process_group(self.proc, 10.0)


class ServerAdapter:
    """One real web server. ``listens`` reads what the sample listens on
    ((scheme, port) pairs, before any mapping); ``start`` runs the sample with
    the mapping in ``site``."""

    name = "server"

    def available(self) -> str | None:
        """The binary, or None when the server is not installed."""
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError

    def listens(self, sample: Path) -> set[tuple[str, int]]:
        raise NotImplementedError

    def start(self, sample: Path, site: Site) -> RunningServer:
        raise NotImplementedError


def _nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


_LISTEN_DROP = ("ipv6only=",)


def _parse_listen(args: list[str]) -> tuple[str, int] | None:
    """(scheme, port) of an nginx ``listen``; None for a unix socket."""
    addr = args[0]
    if addr.startswith("unix:"):
        return None
    scheme = "https" if "ssl" in args[1:] or "quic" in args[1:] else "http"
    if addr.startswith("["):
        _, _, rest = addr.partition("]")
        port = int(rest[1:]) if rest.startswith(":") else 80
    elif addr.isdigit():
        port = int(addr)
    elif ":" in addr:
        port = int(addr.rsplit(":", 1)[1])
    else:
        port = 80
    return scheme, port


class NginxAdapter(ServerAdapter):
    """Debian nginx on a rewritten copy of a sample (http-context file)."""

    name = "nginx"

    def available(self) -> str | None:
        return _nginx_binary()

    def version(self) -> str:
        run = subprocess.run([self._binary(), "-v"], capture_output=True, text=True, timeout=30)
        return (run.stderr or run.stdout).strip().split("/", 1)[-1]

    def _binary(self) -> str:
        binary = self.available()
        if binary is None:
            raise ServerError("nginx is not installed: run tests/install-system-deps.sh")
        return binary

    @staticmethod
    def _parse(sample: Path) -> dict:
        payload = crossplane.parse(str(sample), comments=False, check_ctx=False, check_args=False)
        errors = [e for c in payload["config"] for e in c.get("errors", [])]
        if errors:
            raise ServerError(f"{sample}: crossplane cannot parse it: {errors}")
        return payload

    def listens(self, sample: Path) -> set[tuple[str, int]]:
        found: set[tuple[str, int]] = set()

        def walk(block: list[dict]) -> None:
            for d in block:
                if d["directive"] == "listen" and d["args"]:
                    parsed = _parse_listen(d["args"])
                    if parsed:
                        found.add(parsed)
                if "block" in d:
                    walk(d["block"])

        payload = self._parse(sample)
        for config in payload["config"]:
            walk(config["parsed"])
        if self._has_server_without_listen(payload):
            found.add(("http", 80))
        return found

    @staticmethod
    def _has_server_without_listen(payload: dict) -> bool:
        def servers(block: list[dict], parent: str | None):
            for d in block:
                if d["directive"] == "server" and "block" in d and parent != "upstream":
                    yield d
                if "block" in d:
                    yield from servers(d["block"], d["directive"])

        for config in payload["config"]:
            for server in servers(config["parsed"], None):
                if not any(c["directive"] == "listen" for c in server["block"]):
                    return True
        return False

    # -- the rewritten copy

    def _rewrite(self, payload: dict, site: Site, prefix: Path) -> list[Path]:
        """Rewritten copies of every file of the sample; returns their paths
        (the first is the sample itself)."""
        conf_dir = prefix / "conf"
        conf_dir.mkdir()
        targets = [conf_dir / f"site-{i}.conf" for i in range(len(payload["config"]))]
        upstream_names = self._upstream_names(payload)
        www = prefix / "www"
        www.mkdir()
        (prefix / "htpasswd").write_text(f"{site.htpasswd_user}:{{PLAIN}}{site.htpasswd_password}\n")

        def listen_directive(args: list[str]) -> list[str] | None:
            parsed = _parse_listen(args)
            if parsed is None:
                return None
            real = site.bind[parsed]
            options = [a for a in args[1:] if not a.startswith(_LISTEN_DROP)]
            return [f"{LOOPBACK}:{real}", *options]

        def walk(block: list[dict], parents: tuple[str, ...], location: str | None) -> list[dict]:
            out: list[dict] = []
            for d in block:
                d = dict(d)
                name = d["directive"]
                args = list(d.get("args", []))
                parent = parents[-1] if parents else None
                if name == "include":
                    for index in d.get("includes", []):
                        out.append({"directive": "include", "args": [str(targets[index])]})
                    continue
                if name == "listen" and parent == "server":
                    new = listen_directive(args)
                    if new is None:
                        continue
                    if any(o["directive"] == "listen" and o["args"][0] == new[0] for o in out):
                        continue  # [::]:80 next to 80 is the same loopback port here
                    d["args"] = new
                elif name == "server" and parent == "upstream":
                    d["args"] = [f"{LOOPBACK}:{site.upstream_port}"]
                elif name in ("proxy_pass",) and args:
                    d["args"] = [self._upstream_target(args[0], site.upstream_port, upstream_names)]
                elif name == "ssl_certificate":
                    d["args"] = [str(site.tls.cert)]
                elif name == "ssl_certificate_key":
                    d["args"] = [str(site.tls.key)]
                elif name == "auth_basic_user_file":
                    d["args"] = [str(prefix / "htpasswd")]
                elif name == "root":
                    d["args"] = [str(www)]
                elif name == "alias":
                    d["args"] = [str(www / (location or "/").strip("/")) + "/"]
                elif name in ("access_log", "error_log") and args and args[0] != "off":
                    d["args"] = [str(prefix / "logs" / f"{name}.log"), *args[1:]]
                else:
                    if parent == "map":
                        d["directive"] = site.urls.rewrite(name)
                    d["args"] = [site.urls.rewrite(a) for a in args]
                if "block" in d:
                    inner_location = location
                    if name == "location":
                        inner_location = args[-1] if args and args[0] not in ("~", "~*", "@") else None
                    d["block"] = walk(d["block"], parents + (name,), inner_location)
                    if name == "server" and parent != "upstream" and not any(
                            c["directive"] == "listen" for c in d["block"]):
                        d["block"].insert(0, {"directive": "listen",
                                              "args": [f"{LOOPBACK}:{site.bind[('http', 80)]}"]})
                out.append(d)
            return out

        for config, target in zip(payload["config"], targets):
            parsed = walk(config["parsed"], (), None)
            target.write_text(crossplane.build(parsed, indent=4) + "\n")
        for path in site.paths:
            file = www / path.lstrip("/")
            if path.endswith("/"):
                file = file / "index.html"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text("truth\n")
        return targets

    @staticmethod
    def _upstream_names(payload: dict) -> set[str]:
        names: set[str] = set()

        def walk(block: list[dict]) -> None:
            for d in block:
                if d["directive"] == "upstream" and d.get("args"):
                    names.add(d["args"][0])
                if "block" in d:
                    walk(d["block"])

        for config in payload["config"]:
            walk(config["parsed"])
        return names

    @staticmethod
    def _upstream_target(target: str, port: int, upstream_names: set[str]) -> str:
        """``proxy_pass`` pointed at the stub upstream (URI part kept)."""
        m = re.match(r"^(https?)://([^/]+)(.*)$", target)
        if not m:
            return target
        host = m.group(2)
        if host in upstream_names:
            return f"http://{host}{m.group(3)}"
        return f"http://{LOOPBACK}:{port}{m.group(3)}"

    def _main_conf(self, prefix: Path, site_conf: Path) -> str:
        tmp = prefix / "tmp"
        return "\n".join([
            "daemon off;",
            "worker_processes 1;",
            f"pid {prefix}/nginx.pid;",
            f"error_log {prefix}/logs/error.log info;",
            "events { worker_connections 64; }",
            "http {",
            f"    access_log {prefix}/logs/access.log;",
            f"    client_body_temp_path {tmp}/client_body;",
            f"    proxy_temp_path {tmp}/proxy;",
            f"    fastcgi_temp_path {tmp}/fastcgi;",
            f"    uwsgi_temp_path {tmp}/uwsgi;",
            f"    scgi_temp_path {tmp}/scgi;",
            f"    include {site_conf};",
            "}",
            "",
        ])

    def start(self, sample: Path, site: Site) -> RunningServer:
        binary = self._binary()
        prefix = site.workdir
        (prefix / "logs").mkdir(parents=True)
        (prefix / "tmp").mkdir()
        payload = self._parse(sample)
        files = self._rewrite(payload, site, prefix)
        main = prefix / "nginx.conf"
        main.write_text(self._main_conf(prefix, files[0]))
        _world_readable(prefix)
        log = prefix / "logs" / "error.log"
        out = open(prefix / "logs" / "stderr.log", "wb")
        try:
            proc = subprocess.Popen([binary, "-p", str(prefix), "-e", str(log), "-c", str(main)],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        finally:
            out.close()
        server = RunningServer("nginx", proc, log)
        try:
            for port in sorted(set(site.bind.values())):
                wait_for_port(port, proc)
        except ServerError as e:
            server.stop()
            stderr = (prefix / "logs" / "stderr.log").read_text(errors="replace")
            raise ServerError(f"nginx did not start on {sample}: {e}\n{stderr}{server.log_text()}\n"
                              f"--- rewritten config ---\n{files[0].read_text()}") from None
        return server


def _world_readable(root: Path) -> None:
    """nginx workers run as an unprivileged user when the tests run as root:
    let them read the prefix (a temporary directory, 0700 by default)."""
    for dirpath, dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)


# --------------------------------------------------------------- Apache httpd

APACHE_MODULE_DIR = Path("/usr/lib/apache2/modules")
# What the Apache samples use (plus what tests/apache_httpd.py loads for
# ``apache2 -t``, so that every sample that passes the config test also starts here).
APACHE_MODULES = (
    "mpm_event", "authz_core", "authz_host", "authz_user", "authz_groupfile", "authn_core", "authn_file",
    "auth_basic", "access_compat", "headers", "rewrite", "setenvif", "alias", "dir", "mime", "env", "proxy",
    "proxy_http", "proxy_fcgi", "socache_shmcb", "ssl", "expires", "deflate", "filter", "autoindex",
)

_VHOST_OPEN = re.compile(r"^(\s*)<VirtualHost\s+([^>]*)>\s*$", re.I)
_VHOST_CLOSE = re.compile(r"^\s*</VirtualHost\s*>", re.I)
_DIRECTIVE = re.compile(r"^(\s*)([A-Za-z][A-Za-z0-9_]*)(\s+)(.*?)\s*$")
# A scheme://host:port whose host is a regular expression (``(app|admin)\.localtest``):
# UrlMap leaves it alone, the Apache adapter maps it when the expression matches a page's host.
_REGEX_HOST_URL = re.compile(r"(?P<scheme>https?)://(?P<host>[A-Za-z0-9\\.|()?*+\[\]-]*[(|][A-Za-z0-9\\.|()?*+\[\]-]*)"
                             r":(?P<port>\d+)")


def _apache_binary() -> str | None:
    found = shutil.which("apache2")
    if found:
        return found
    return "/usr/sbin/apache2" if os.access("/usr/sbin/apache2", os.X_OK) else None


def _vhost_listens(addresses: str, ssl_on: bool) -> list[tuple[str, int]]:
    """(scheme, port) for each address of a ``<VirtualHost>``."""
    out = []
    for addr in addresses.split():
        addr = addr.strip('"')
        if addr.startswith("["):
            _, _, rest = addr.partition("]")
            port_text = rest[1:] if rest.startswith(":") else ""
        else:
            port_text = addr.rsplit(":", 1)[1] if ":" in addr else ""
        port = int(port_text) if port_text.isdigit() else (443 if ssl_on else 80)
        out.append(("https" if ssl_on or port == 443 else "http", port))
    return out


def _sha_htpasswd(user: str, password: str) -> str:
    """An htpasswd line httpd accepts on every platform ({SHA} scheme)."""
    digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()
    return f"{user}:{{SHA}}{digest}\n"


class ApacheAdapter(ServerAdapter):
    """Debian's apache2 on a rewritten copy of a sample (a server-config file
    of ``<VirtualHost>`` sections, or a .htaccess served from the document
    root), from a temporary ServerRoot, in the foreground."""

    name = "apache"

    def available(self) -> str | None:
        return _apache_binary()

    def _binary(self) -> str:
        binary = self.available()
        if binary is None:
            raise ServerError("apache2 is not installed: run tests/install-system-deps.sh")
        return binary

    def version(self) -> str:
        run = subprocess.run([self._binary(), "-v"], capture_output=True, text=True, timeout=30)
        m = re.search(r"Apache/(\S+)", run.stdout)
        return m.group(1) if m else run.stdout.strip()

    @staticmethod
    def _is_htaccess(sample: Path) -> bool:
        return sample.name.endswith(".htaccess")

    @staticmethod
    def _vhosts(lines: list[str]) -> list[tuple[int, int, str, bool]]:
        """(first line, last line, addresses, ssl) of every <VirtualHost>."""
        found = []
        start = addresses = None
        ssl_on = False
        for i, line in enumerate(lines):
            m = _VHOST_OPEN.match(line)
            if m:
                start, addresses, ssl_on = i, m.group(2), False
                continue
            if start is not None and re.match(r"^\s*SSLEngine\s+on\b", line, re.I):
                ssl_on = True
            if start is not None and _VHOST_CLOSE.match(line):
                found.append((start, i, addresses, ssl_on))
                start = None
        return found

    def listens(self, sample: Path) -> set[tuple[str, int]]:
        if self._is_htaccess(sample):
            return {("http", 80)}
        lines = sample.read_text(encoding="utf-8").splitlines()
        found: set[tuple[str, int]] = set()
        for _, _, addresses, ssl_on in self._vhosts(lines):
            found.update(_vhost_listens(addresses, ssl_on))
        if not found:
            found.add(("http", 80))
        return found

    # -- the rewritten copy

    @staticmethod
    def _map_regex_hosts(text: str, urls: UrlMap) -> str:
        r"""Ports of origins written as a regular expression (``http://(app|admin)\.localtest:8081``)
        moved like the page origins that expression matches."""

        def repl(m: re.Match) -> str:
            scheme, pattern, port = m.group("scheme").lower(), m.group("host"), int(m.group("port"))
            try:
                compiled = re.compile(pattern, re.I)
            except re.error:
                return m.group(0)
            for (s, host, p), real in urls.pages.items():
                if s == scheme and p == port and compiled.fullmatch(host):
                    return f"{m.group('scheme')}://{pattern}:{real}"
            real = urls.listen.get((scheme, port))
            return m.group(0) if real is None else f"{m.group('scheme')}://{pattern}:{real}"

        return _REGEX_HOST_URL.sub(repl, text)

    def _rewrite_line(self, line: str, site: Site, prefix: Path, roots: list[str]) -> str | None:
        """One line of the sample as it runs here; None drops it."""
        www = prefix / "www"
        m = _DIRECTIVE.match(line)
        if m is None:
            section = re.match(r"^(\s*)<Directory\s+\"?([^\">]+)\"?\s*>\s*$", line, re.I)
            if section:
                # A directory the sample configures exists where it is deployed.
                path = section.group(2)
                for root in roots:
                    if path.startswith(root.rstrip("/")):
                        path = str(www) + path[len(root.rstrip("/")):]
                        break
                if path.startswith(str(www)):
                    Path(path).mkdir(parents=True, exist_ok=True)
                return f'{section.group(1)}<Directory "{path}">'
            return self._map_regex_hosts(site.urls.rewrite(line), site.urls)
        indent, name, space, rest = m.groups()
        key = name.lower()
        if key == "listen":
            return None  # the wrapper listens where the harness says
        if key in ("proxypass", "proxypassmatch", "proxypassreverse", "balancermember"):
            upstream = f"http://{LOOPBACK}:{site.upstream_port}"
            return indent + name + space + re.sub(r"(?:https?|h2c?|wss?)://[^/\s\"]+", upstream, rest)
        if key == "sslcertificatefile":
            return f"{indent}{name} {site.tls.cert}"
        if key == "sslcertificatekeyfile":
            return f"{indent}{name} {site.tls.key}"
        if key in ("sslcertificatechainfile", "sslcacertificatefile"):
            return None
        if key == "authuserfile":
            return f"{indent}{name} {prefix / 'htpasswd'}"
        if key == "documentroot":
            return f'{indent}{name} "{www}"'
        if key in ("errorlog", "customlog", "transferlog"):
            return None
        if key in ("alias", "aliasmatch") and len(rest.split()) >= 2:
            url_path, target = rest.split(None, 1)
            target = target.strip('"')
            for root in roots:
                if target.startswith(root.rstrip("/")):
                    target = str(www) + target[len(root.rstrip("/")):]
                    break
            else:
                target = str(www / url_path.strip("/"))
            return f'{indent}{name} {url_path} "{target}"'
        return self._map_regex_hosts(site.urls.rewrite(line), site.urls)

    def _rewrite(self, sample: Path, site: Site, prefix: Path) -> Path:
        """The rewritten copy of ``sample`` (server-config context), in the prefix."""
        text = sample.read_text(encoding="utf-8")
        lines = text.splitlines()
        roots = [m.group(1).strip('"') for m in re.finditer(r"^\s*DocumentRoot\s+(\S+)", text, re.I | re.M)]
        vhost_at = {start: (addresses, ssl_on) for start, _, addresses, ssl_on in self._vhosts(lines)}
        out: list[str] = []
        for i, line in enumerate(lines):
            if i in vhost_at:
                addresses, ssl_on = vhost_at[i]
                real = " ".join(f"{LOOPBACK}:{site.bind[key]}" for key in
                                dict.fromkeys(_vhost_listens(addresses, ssl_on)))
                out.append(f"{_VHOST_OPEN.match(line).group(1)}<VirtualHost {real}>")
                continue
            new = self._rewrite_line(line, site, prefix, roots)
            if new is not None:
                out.append(new)
        copy = prefix / "conf" / "site.conf"
        copy.write_text("\n".join(out) + "\n", encoding="utf-8")
        return copy

    def _main_conf(self, prefix: Path, site: Site, body: str) -> str:
        lines = [
            f'ServerRoot "{prefix}"',
            f'DefaultRuntimeDir "{prefix}/run"',
            f'PidFile "{prefix}/run/httpd.pid"',
            f'ErrorLog "{prefix}/logs/error.log"',
            "LogLevel warn rewrite:trace1",
            "ServerName localhost",
            "StartServers 1",
            "ServerLimit 1",
            "ThreadsPerChild 16",
            "MaxRequestWorkers 16",
            "KeepAliveTimeout 2",
            f'DocumentRoot "{prefix}/www"',
            "TypesConfig /etc/mime.types",
        ]
        for name in APACHE_MODULES:
            so = APACHE_MODULE_DIR / f"mod_{name}.so"
            if so.is_file():
                lines.append(f"LoadModule {name}_module {so}")
        if os.geteuid() == 0:
            lines += ["User www-data", "Group www-data"]
        for (scheme, _port), real in sorted(site.bind.items()):
            lines.append(f"Listen {LOOPBACK}:{real}" + (" https" if scheme == "https" else ""))
        lines.append('LogFormat "%h %l %u %t \\"%r\\" %>s %b" common')
        lines.append(f'CustomLog "{prefix}/logs/access.log" common')
        lines.append(body)
        return "\n".join(lines) + "\n"

    def start(self, sample: Path, site: Site) -> RunningServer:
        binary = self._binary()
        prefix = site.workdir
        for sub in ("logs", "run", "conf", "www"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
        (prefix / "htpasswd").write_text(_sha_htpasswd(site.htpasswd_user, site.htpasswd_password))
        if self._is_htaccess(sample):
            copy = prefix / "www" / ".htaccess"
            copy.write_text(self._map_regex_hosts(site.urls.rewrite(sample.read_text(encoding="utf-8")),
                                                  site.urls), encoding="utf-8")
            body = (f'<Directory "{prefix}/www">\n    AllowOverride All\n</Directory>')
            shown = copy
        else:
            shown = self._rewrite(sample, site, prefix)
            body = f'Include "{shown}"'
        # The request paths are not created as files under the document root
        # (the Apache samples proxy their API; one that serves files is about
        # a missing one); the directories its <Directory> sections name are.
        main = prefix / "httpd.conf"
        main.write_text(self._main_conf(prefix, site, body), encoding="utf-8")
        _world_readable(prefix)
        log = prefix / "logs" / "error.log"
        env = dict(os.environ, APACHE_RUN_DIR=str(prefix / "run"), APACHE_LOG_DIR=str(prefix / "logs"),
                   APACHE_LOCK_DIR=str(prefix / "run"), APACHE_PID_FILE=str(prefix / "run" / "httpd.pid"),
                   APACHE_RUN_USER="www-data", APACHE_RUN_GROUP="www-data")
        out = open(prefix / "logs" / "stderr.log", "wb")
        try:
            proc = subprocess.Popen([binary, "-f", str(main), "-DFOREGROUND"],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True, env=env)
        finally:
            out.close()
        server = RunningServer("apache", proc, log)
        try:
            for port in sorted(set(site.bind.values())):
                wait_for_port(port, proc)
        except ServerError as e:
            server.stop()
            stderr = (prefix / "logs" / "stderr.log").read_text(errors="replace")
            raise ServerError(f"apache2 did not start on {sample}: {e}\n{stderr}{server.log_text()}\n"
                              f"--- rewritten config ---\n{shown.read_text()}") from None
        return server


ADAPTERS: dict[str, ServerAdapter] = {"nginx": NginxAdapter(), "apache": ApacheAdapter()}


# --------------------------------------------------------------- deployments


class SharedCache:
    """A caching reverse proxy (nginx ``proxy_cache``, which keeps one entry
    per ``Vary`` variant) on the public ports, in front of the server."""

    def __init__(self, routes: dict[int, int], workdir: Path) -> None:
        binary = _nginx_binary()
        if binary is None:
            raise ServerError("nginx is not installed: run tests/install-system-deps.sh")
        (workdir / "logs").mkdir(parents=True)
        (workdir / "tmp").mkdir()
        servers = "".join(
            f"""    server {{
        listen {LOOPBACK}:{public};
        location / {{
            proxy_pass http://{LOOPBACK}:{internal};
            proxy_set_header Host $http_host;
            proxy_cache shared;
            proxy_cache_key $scheme$http_host$request_uri;
            proxy_cache_valid 200 204 301 302 404 10m;
        }}
    }}
""" for public, internal in routes.items())
        conf = workdir / "nginx.conf"
        conf.write_text(
            f"daemon off;\nworker_processes 1;\npid {workdir}/nginx.pid;\n"
            f"error_log {workdir}/logs/error.log info;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n    access_log {workdir}/logs/access.log;\n"
            f"    proxy_cache_path {workdir}/cache levels=1:2 keys_zone=shared:1m;\n"
            f"    client_body_temp_path {workdir}/tmp/client_body;\n"
            f"    proxy_temp_path {workdir}/tmp/proxy;\n"
            f"{servers}}}\n")
        _world_readable(workdir)
        log = workdir / "logs" / "error.log"
        proc = subprocess.Popen([binary, "-p", str(workdir), "-e", str(log), "-c", str(conf)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        self.server = RunningServer("shared cache", proc, log)
        try:
            for port in routes:
                wait_for_port(port, proc)
        except ServerError as e:
            self.server.stop()
            raise ServerError(f"the shared cache did not start: {e}\n{self.server.log_text()}") from None

    def stop(self) -> None:
        self.server.stop()


class Deployment:
    """One sample running here: its server, the stub upstream, optionally a
    shared cache in front, and the URL map that says where everything is."""

    def __init__(self, adapter: ServerAdapter, sample: Path, page_server: PageServer,
                 page_origins: Iterable[str], paths: Iterable[str] = (), *,
                 shared_cache: bool = False) -> None:
        self.sample = sample
        self.adapter = adapter
        self.workdir = Path(tempfile.mkdtemp(prefix=f"corslint-truth-{adapter.name}-"))
        os.chmod(self.workdir, 0o755)  # the servers' unprivileged workers read below it
        self.upstream: StubUpstream | None = None
        self.server: RunningServer | None = None
        self.cache: SharedCache | None = None
        try:
            urls = UrlMap()
            listens = sorted(adapter.listens(sample))
            for key in listens:
                urls.listen[key] = free_port()
            for origin in page_origins:
                scheme, host, port = split_origin(origin)
                urls.pages[(scheme, host, port)] = page_server.port_for(scheme)
            self.urls = urls
            bind = {key: free_port() for key in listens} if shared_cache else dict(urls.listen)
            if shared_cache and any(scheme != "http" for scheme, _ in listens):
                raise ServerError(f"{sample}: the shared cache speaks plain http only")
            self.upstream = StubUpstream()
            site = Site(urls=urls, bind=bind, upstream_port=self.upstream.port,
                        workdir=self.workdir / "server", tls=page_server.tls, paths=tuple(paths))
            self.server = adapter.start(sample, site)
            if shared_cache:
                self.cache = SharedCache({urls.listen[k]: bind[k] for k in listens}, self.workdir / "cache")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop everything this deployment started (safe to call twice)."""
        cache, server, upstream = self.cache, self.server, self.upstream
        self.cache = self.server = None
        try:
            if cache is not None:
                cache.stop()
        finally:
            try:
                if server is not None:
                    server.stop()
            finally:
                if upstream is not None:
                    upstream.stop()
                shutil.rmtree(self.workdir, ignore_errors=True)
