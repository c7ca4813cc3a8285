"""CORS402: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS402/ and run in tests/test_fixtures.py."""

import http.client
import os
import re
import shutil
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from ruletools import FIXTURES, assert_fixture

CODE = "CORS402"


def test_upstream_errors_that_may_carry_their_own_header_are_a_condition():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "proxy_no_always.conf", CODE)
    assert finding.severity == "info"
    assert finding.message == (
        "Access-Control-Allow-Origin and Access-Control-Allow-Credentials are sent only with "
        "success statuses (no 'always') here and at line 9 of this file: if upstream errors lack "
        "Access-Control-Allow-Origin and Access-Control-Allow-Credentials themselves, the browser "
        "reports them as CORS errors and the page never sees the real status (whether they do "
        "is not in this config)."
    )
    # a condition: no browser prints anything for certain
    assert finding.chrome is None and finding.firefox is None
    assert [r.line for r in finding.related] == [9, 12]   # the ACAC line, the proxy_pass


def test_upstream_errors_with_the_upstream_header_hidden_are_certain():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "proxy_hides_upstream_header.conf", CODE)
    assert finding.severity == "warning"
    assert finding.message == (
        "Access-Control-Allow-Origin is sent only with success statuses (no 'always'), so the "
        "browser reports upstream errors as CORS errors and the page never sees the real status."
    )
    assert finding.chrome == (
        "Access to fetch at 'http://api.example.com/api/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on "
        "the requested resource."
    )
    assert finding.firefox.endswith(
        "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 500.")


def test_server_level_header_in_front_of_proxies_is_one_condition():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "server_level.conf", CODE)
    assert finding.severity == "info" and finding.chrome is None
    assert "if upstream errors lack Access-Control-Allow-Origin themselves" in finding.message


def test_auth_answer_is_named_with_its_status():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "auth_basic.conf", CODE)
    assert finding.severity == "warning"
    assert "401s from auth_basic" in finding.message
    # the proxied errors are named as the condition they are
    assert finding.message.endswith("The same holds for upstream errors that lack the header themselves.")
    assert finding.firefox.endswith("Status code: 401.")
    assert 6 in [r.line for r in finding.related]  # the auth_basic line


def test_apache_onsuccess_headers_on_static_404():
    [finding] = assert_fixture(FIXTURES / "apache" / CODE / "htaccess_static", CODE)
    assert "404s for missing files" in finding.message
    assert finding.firefox.endswith("(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.")


def test_one_missing_always_in_many_blocks_is_one_finding():
    [finding] = assert_fixture(FIXTURES / "apache" / CODE / "same_line_in_each_directory.conf", CODE)
    assert finding.severity == "warning"
    assert "here and at lines 13 and 17 of this file" in finding.message
    assert [r.line for r in finding.related] == [13, 17]


def test_both_headers_of_one_block_are_one_finding():
    [finding] = assert_fixture(FIXTURES / "apache" / CODE / "auth_401.conf", CODE)
    assert finding.message.startswith(
        "Access-Control-Allow-Origin and Access-Control-Allow-Credentials are sent only with "
        "success statuses (no 'always') here and at line 8 of this file, so the browser reports "
        "401s from AuthType Basic")
    assert 8 in [r.line for r in finding.related]


# ---------------------------------------------------------------- the real nginx


class _Upstream(BaseHTTPRequestHandler):
    """Answers 500 for paths with 'err', and adds its own ACAO for paths with 'own'."""

    def do_GET(self):
        self.send_response(500 if "err" in self.path else 200)
        if "own" in self.path:
            self.send_header("Access-Control-Allow-Origin", "https://app.example.com")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _acao_on_upstream_error(fixture: Path, tmp_path: Path) -> str | None:
    """The ACAO a real nginx running ``fixture`` sends on an upstream 500 that
    carries the upstream's own ACAO."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    upstream = HTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    front = HTTPServer(("127.0.0.1", 0), _Upstream)   # reserve a free port for nginx
    port = front.server_address[1]
    front.server_close()
    text = fixture.read_text()
    text = re.sub(r"listen \d+[^;]*;", f"listen 127.0.0.1:{port};", text)
    text = re.sub(r"proxy_pass http://127\.0\.0\.1:\d+", f"proxy_pass http://127.0.0.1:{upstream.server_address[1]}",
                  text)
    (tmp_path / "logs").mkdir(parents=True)
    (tmp_path / "site.conf").write_text(text)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {tmp_path}/site.conf;\n}}\n")
    run = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    subprocess.run(run, check=True, capture_output=True, timeout=60)
    try:
        for _ in range(50):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/err-own", headers={"Origin": "https://app.example.com"})
                resp = conn.getresponse()
                break
            except ConnectionRefusedError:
                threading.Event().wait(0.1)
        assert resp.status == 500
        return resp.getheader("Access-Control-Allow-Origin")
    finally:
        subprocess.run(run + ["-s", "stop"], capture_output=True, timeout=60)
        upstream.shutdown()


@pytest.mark.server
def test_real_nginx_passes_the_upstream_header_on_errors_unless_hidden(tmp_path):
    # not hidden: the upstream's own header reaches the browser on its 500, so
    # the missing 'always' matters only if the upstream sends none (info)
    plain = _acao_on_upstream_error(FIXTURES / "nginx" / CODE / "proxy_no_always.conf", tmp_path / "plain")
    assert plain == "https://app.example.com"
    # hidden: the 500 goes out with no ACAO whatever the upstream does (warning)
    hidden = _acao_on_upstream_error(FIXTURES / "nginx" / CODE / "proxy_hides_upstream_header.conf",
                                     tmp_path / "hidden")
    assert hidden is None


def real_nginx_static_answer(fixture: Path, tmp_path: Path, files: list[str], url: str,
                             origin: str = "https://app.example.com") -> tuple[int, str | None]:
    """(status, ACAO) a real nginx running ``fixture`` gives a GET of ``url``
    from ``origin``, with its document root /srv/www moved to a directory
    holding ``files``."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    # nginx's workers may run as another user: the files live where they can read
    site = tempfile.TemporaryDirectory(prefix="corslint-static-")
    os.chmod(site.name, 0o755)
    www = Path(site.name) / "www"
    www.mkdir()
    for name in files:
        (www / name).parent.mkdir(parents=True, exist_ok=True)
        (www / name).write_text("{}")
    for d in [www, *www.rglob("*")]:
        os.chmod(d, 0o755 if d.is_dir() else 0o644)
    probe = HTTPServer(("127.0.0.1", 0), _Upstream)   # reserve a free port for nginx
    port = probe.server_address[1]
    probe.server_close()
    text = fixture.read_text().replace("/srv/www", str(www))
    text = re.sub(r"listen \d+[^;]*;", f"listen 127.0.0.1:{port};", text)
    (tmp_path / "logs").mkdir(parents=True)
    (tmp_path / "site.conf").write_text(text)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {tmp_path}/site.conf;\n}}\n")
    run = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    subprocess.run(run, check=True, capture_output=True, timeout=60)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    try:
        for _ in range(50):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path, headers={"Origin": origin, "Host": "api.example.com"})
                resp = conn.getresponse()
                break
            except ConnectionRefusedError:
                threading.Event().wait(0.1)
        return resp.status, resp.getheader("Access-Control-Allow-Origin")
    finally:
        subprocess.run(run + ["-s", "stop"], capture_output=True, timeout=60)
        site.cleanup()


def _firefox_status(finding) -> int:
    return int(re.search(r"Status code: (\d+)\.$", finding.firefox).group(1))


def _chrome_url(finding) -> str:
    return re.search(r"Access to fetch at '([^']+)'", finding.chrome).group(1)


def test_static_location_reports_the_404_of_the_get_it_describes():
    # the location also answers other methods (405), but the texts describe
    # a page's GET of a missing file: Firefox prints that request's 404
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "static_regex_alias.conf", CODE)
    assert _chrome_url(finding) == "http://api.example.com/libs/x/missing.json"
    assert finding.firefox == (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
        "resource at http://api.example.com/libs/x/missing.json. (Reason: CORS header "
        "‘Access-Control-Allow-Origin’ missing). Status code: 404.")


@pytest.mark.server
def test_real_nginx_gives_the_static_status_firefox_text_prints(tmp_path):
    fixture = FIXTURES / "nginx" / CODE / "static_regex_alias.conf"
    [finding] = assert_fixture(fixture, CODE)
    status, acao = real_nginx_static_answer(fixture, tmp_path, ["libs/x/present.json"],
                                            _chrome_url(finding))
    assert (status, acao) == (_firefox_status(finding), None)


def test_missing_file_urls_are_ones_the_location_answers():
    # '= /config.json' answers only its own path; '\.(png|jpg)$' only names
    # ending so: the missing file the texts name is one of theirs
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "exact_location_file.conf", CODE)
    assert _chrome_url(finding) == "http://api.example.com/config.json"
    assert _firefox_status(finding) == 404
    assert [r.line for r in finding.related] == [12]
    from corslint.scenarios import missing_file_path
    assert missing_file_path(r"~* \.(png|jpg)$") == "/x.png"
    assert missing_file_path("/static/") == "/static/missing.json"


@pytest.mark.server
def test_real_nginx_answers_the_missing_exact_file_with_404_without_the_header(tmp_path):
    fixture = FIXTURES / "nginx" / CODE / "exact_location_file.conf"
    [finding] = assert_fixture(fixture, CODE)
    status, acao = real_nginx_static_answer(fixture, tmp_path, ["other.json"], _chrome_url(finding))
    assert (status, acao) == (_firefox_status(finding), None)
