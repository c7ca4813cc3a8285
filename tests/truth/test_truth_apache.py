"""Truth tier for Apache: every broken sample under samples/apache/ whose
finding names a browser's console text is run in Debian's apache2 and opened
in that real browser, and the browser must print exactly that text; every
fixed twin must let the same requests through in Chromium and Firefox.

A sample directory may hold a .htaccess twin of its server-config sample
(``broken.htaccess`` / ``fixed.htaccess``); it is served from the document
root with ``AllowOverride All`` and checked the same way, with the requests in
``request.htaccess.json`` (a .htaccess names no host, so corslint's URL is
its stand-in host). A code without browser text (a security finding such as
CORS105) has no broken-sample test here by construction; its fixed twin is
still checked.
"""

from __future__ import annotations

import http.client
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from .cases import BROWSER_NAMES, Case, Plan, RequestSpec, cases
from .compare import Disagreement, assert_agrees, failures_to_pass, run_requests
from .harness import ADAPTERS, ApacheAdapter, ServerError, UrlMap

FRONTEND = "apache"
ADAPTER = ADAPTERS[FRONTEND]


@dataclass(frozen=True)
class HtaccessCase(Case):
    """The .htaccess twin of a sample directory."""

    def _one(self, stem: str) -> Path | None:
        path = self.directory / f"{stem}.htaccess"
        return path if path.is_file() else None

    @property
    def request_file(self) -> Path:
        return self.directory / "request.htaccess.json"

    @property
    def label(self) -> str:
        return f"{FRONTEND} (.htaccess)"


def _label(case: Case) -> str:
    return getattr(case, "label", FRONTEND)


def _id(case: Case, browser: str) -> str:
    return f"{case.code}-htaccess-{browser}" if isinstance(case, HtaccessCase) else f"{case.code}-{browser}"


CASES: list[Case] = cases(FRONTEND)
CASES += [h for c in list(CASES) if (h := HtaccessCase(FRONTEND, c.code, c.directory)).broken or h.fixed]

BROKEN = [pytest.param(case, browser, id=_id(case, browser))
          for case in CASES if case.broken is not None
          for browser in BROWSER_NAMES if case.predicted(browser)]
FIXED = [pytest.param(case, browser, id=_id(case, browser))
         for case in CASES if case.fixed is not None
         for browser in BROWSER_NAMES]


def test_samples_are_found():
    assert CASES, f"no samples under samples/{FRONTEND}/"


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("case,browser_name", BROKEN)
def test_broken_sample_prints_the_predicted_console_text(case, browser_name, browsers, deploy,
                                                         page_server, truth_record):
    truth_record.expect_broken(_label(case), case.code, [b for b in BROWSER_NAMES if case.predicted(b)])
    plan = case.plan()
    browser = browsers(browser_name)
    deployment = deploy(ADAPTER, case.broken, plan)
    exchanges = run_requests(browser, deployment, page_server, plan.requests)
    assert_agrees(browser_name, case.predicted(browser_name), exchanges, deployment.urls)
    truth_record.passed_broken(_label(case), case.code, browser_name)


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("case,browser_name", FIXED)
def test_fixed_sample_gets_through(case, browser_name, browsers, deploy, page_server, truth_record):
    plan = case.plan()
    browser = browsers(browser_name)
    deployment = deploy(ADAPTER, case.fixed, plan)
    exchanges = run_requests(browser, deployment, page_server, plan.requests)
    problems = failures_to_pass(browser_name, exchanges)
    assert not problems, "\n".join(problems)
    truth_record.passed_fixed(_label(case), case.code, browser_name)


# ------------------------------------------------------------ the Apache adapter itself

APACHE_SITE = """\
Listen 80
<VirtualHost *:80>
    ServerName api.localtest

    <Location /api/>
        ProxyPass http://127.0.0.1:9000/api/
        SetEnvIf Origin "^http://(app|admin)\\.localtest:8081$" CORS_ORIGIN=$0
        Header set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
    </Location>

    Redirect permanent /old/ http://api.localtest/api/
</VirtualHost>
"""


def _get(port: int, path: str, origin: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": "api.localtest", "Origin": origin})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return True
    return False


def test_regex_hosts_follow_the_page_origins_they_match():
    urls = UrlMap(listen={("http", 80): 41000},
                  pages={("http", "app.localtest", 8081): 42000, ("http", "admin.localtest", 8081): 42000})
    rewrite = ApacheAdapter._map_regex_hosts
    assert rewrite(r'"^http://(app|admin)\.localtest:8081$"', urls) == r'"^http://(app|admin)\.localtest:42000$"'
    assert rewrite(r'"^http://(api|www)\.localtest:80$"', urls) == r'"^http://(api|www)\.localtest:41000$"'
    assert rewrite(r'"^http://(evil|other)\.example:8081$"', urls) == r'"^http://(evil|other)\.example:8081$"'


@pytest.mark.server
def test_apache_deployment_runs_a_sample_on_free_loopback_ports(tmp_path, deploy, page_server):
    sample = tmp_path / "site.conf"
    sample.write_text(APACHE_SITE)
    plan = Plan((RequestSpec(url="http://api.localtest/api/"),
                 RequestSpec(url="http://api.localtest/api/", origin="http://admin.localtest:8081")))
    deployment = deploy(ADAPTER, sample, plan)
    port = deployment.urls.listen[("http", 80)]
    assert port != 80 and sample.read_text() == APACHE_SITE  # the sample file itself is untouched

    for host in ("app", "admin"):
        origin = f"http://{host}.localtest:{page_server.port}"
        ok = _get(port, "/api/", origin)
        assert ok.status == 200 and ok.getheader("Access-Control-Allow-Origin") == origin
    assert deployment.upstream.seen[-1][:2] == ("GET", "/api/")
    assert _get(port, "/api/", "http://evil.localtest:1").getheader("Access-Control-Allow-Origin") is None

    deployment.upstream.status = 500  # `Header set` (no `always`) is still sent on a proxied 500
    failed = _get(port, "/api/", f"http://app.localtest:{page_server.port}")
    assert failed.status == 500 and failed.getheader("Access-Control-Allow-Origin") is not None

    moved = _get(port, "/old/x", f"http://app.localtest:{page_server.port}")
    assert moved.status == 301 and moved.getheader("Location") == f"http://api.localtest:{port}/api/x"

    deployment.stop()
    assert _refused(port) and _refused(deployment.upstream.port)
    assert not deployment.workdir.exists()


@pytest.mark.server
def test_apache_deployment_failure_names_the_problem(tmp_path, deploy):
    sample = tmp_path / "bad.conf"
    sample.write_text("<VirtualHost *:80>\n    NoSuchDirective on\n</VirtualHost>\n")
    with pytest.raises(ServerError, match="NoSuchDirective"):
        deploy(ADAPTER, sample, Plan((RequestSpec(url="http://api.localtest/"),)))


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("browser_name", BROWSER_NAMES)
def test_a_wrong_prediction_fails_against_the_real_browser(browser_name, browsers, deploy, page_server):
    case = next(c for c in CASES if c.code == "CORS101" and not isinstance(c, HtaccessCase))
    plan = case.plan()
    deployment = deploy(ADAPTER, case.broken, plan)
    exchanges = run_requests(browsers(browser_name), deployment, page_server, plan.requests)
    right = case.predicted(browser_name)
    assert_agrees(browser_name, right, exchanges, deployment.urls)
    wrong = [t.replace("http://app.localtest:8081/", "http://app.localtest:8081") for t in right]
    assert wrong != right
    with pytest.raises(Disagreement):
        assert_agrees(browser_name, wrong, exchanges, deployment.urls)
