"""Truth tier for the framework frontends: every sample under
samples/<framework>/ (for each framework in ``frameworks.LAUNCHERS``) is
served by the REAL framework on a loopback port and opened in Chromium and
Firefox, one server per sample file shared by both browsers.

* A broken sample whose finding names a browser's console text must make
  that browser print exactly that text for its ``request.json`` requests.
* A broken sample whose finding is about security (CORS105, CORS106: no
  console text) describes the attacker's request with ``"expect": "exploit"``;
  its origin must be the one the finding's message names, and the browser
  must let that page read the answer -- what the finding claims.
* A fixed twin must let every other request through and block the exploit.

A framework does not know the URL it is deployed at, so corslint's browser
texts for it name a stand-in URL on ``api.example.com`` (the route's path
when it knows one); before comparing, that URL is replaced by the one the
page really requested, and the page origin is filled in as for nginx
(compare.fill). See frameworks.py for how the sample's world is put in front
of the framework (OriginProxy) and how a launcher is added.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from corslint.lint import lint
from corslint.scenarios import DEFAULT_API_HOST

from .browsers import Browser
from .cases import BROWSER_NAMES, SAMPLES, Case, Plan, cases
from .compare import Exchange, disagreements, failures_to_pass
from .frameworks import LAUNCHERS, OriginProxy, launcher
from .harness import (
    DEFAULT_PORTS,
    LOOPBACK,
    PageServer,
    SharedCache,
    UrlMap,
    free_port,
    split_origin,
)

SERVER_TIERS = {"nginx", "apache"}   # served by tests/truth/test_truth_{nginx,apache}.py
# a proxy and an app together: tests/test_crosslayer_truth.py serves both
NOT_FRAMEWORKS = SERVER_TIERS | {"cross-layer"}
CASES: list[Case] = [case for name in sorted(LAUNCHERS) for case in cases(name)]


def _needs(name: str) -> tuple:
    """The external.py requirements of a launcher beyond the browsers and the
    page server (``serve_x.needs = ("node",)``)."""
    return tuple(getattr(pytest.mark, n) for n in getattr(launcher(name), "needs", ()))


RUNS = [pytest.param(case, variant, id=f"{case.frontend}/{case.code}/{variant}", marks=_needs(case.frontend))
        for case in CASES for variant in ("broken", "fixed") if getattr(case, variant) is not None]

# corslint's stand-in for the URL a framework is deployed at; it ends before a
# quote, white space or the sentence's closing full stop.
_STAND_IN = re.compile(r"https?://" + re.escape(DEFAULT_API_HOST) + r"(?::\d+)?/[^\s'‘’]*?(?=[\s'‘’]|\.\s|\.?\Z)")


def test_every_framework_sample_directory_is_served_by_a_launcher():
    directories = {d.name for d in SAMPLES.iterdir() if d.is_dir()} - NOT_FRAMEWORKS
    missing = sorted(directories - set(LAUNCHERS))
    assert not missing, f"samples/<name>/ without a launcher in tests/truth/frameworks.py LAUNCHERS: {missing}"
    for name in directories:
        assert cases(name), f"samples/{name}/ holds no sample"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.frontend}/{c.code}")
def test_every_framework_sample_describes_what_a_browser_can_see(case):
    plan = case.plan()
    assert len({s.url for s in plan.requests}) == 1, "one API URL per sample: the framework serves one route"
    exploits = [s for s in plan.requests if s.expect == "exploit"]
    blocked = [s for s in plan.requests if s.expect == "blocked"]
    if case.broken is not None:
        assert exploits or any(case.predicted(b) for b in BROWSER_NAMES), \
            f"{case.directory}: the finding names no console text and request.json no exploit"
        assert not blocked or all(case.predicted(b) for b in BROWSER_NAMES), \
            f"{case.directory}: a request is to be blocked but corslint predicts no console text"
        messages = [f.message for f in lint([str(case.broken)], codes=[case.code]).findings if f.code == case.code]
        for spec in exploits:
            assert any(spec.origin in m for m in messages), (spec.origin, messages)


def test_stand_in_url_is_replaced_up_to_its_end():
    real = "https://api.example.com:41000/api/items"
    chrome = ("Access to fetch at 'http://api.example.com/api/*' from origin 'https://app.example.com' has been "
              "blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    firefox = ("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
               "http://api.example.com/. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.")
    assert _real_url(chrome, real) == chrome.replace("http://api.example.com/api/*", real)
    assert _real_url(firefox, real) == firefox.replace("http://api.example.com/.", real + ".")


def _real_url(predicted: str, url: str) -> str:
    return _STAND_IN.sub(lambda m: url, predicted)


@contextlib.contextmanager
def _world(case: Case, variant: str, plan: Plan, page_server: PageServer) -> Iterator[UrlMap]:
    """The sample served by its framework, behind an OriginProxy on the
    sample's API URL (and a shared cache when ``request.json`` asks for one);
    yields the map from the sample's world to loopback."""
    urls = UrlMap()
    for spec in plan.requests:
        urls.pages[split_origin(spec.origin)] = page_server.port_for(split_origin(spec.origin)[0])
    api = urlsplit(plan.requests[0].url)
    scheme = api.scheme.lower()
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(launcher(case.frontend)(getattr(case, variant)))
        if plan.shared_cache:
            # between the origin proxy and the framework, so that it sees the
            # origins (and stores the answers) as deployed
            workdir = Path(tempfile.mkdtemp(prefix="corslint-truth-cache-"))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            os.chmod(workdir, 0o755)  # nginx's unprivileged worker writes the cache below it
            public = free_port()
            stack.callback(SharedCache({public: int(base.rsplit(":", 1)[1])}, workdir / "cache").stop)
            base = f"http://{LOOPBACK}:{public}"
        origins = {urls.origin(s.origin): s.origin for s in plan.requests}
        proxy = OriginProxy(base, origins, page_server.tls if scheme == "https" else None,
                            session_cookie=plan.session_cookie)
        stack.callback(proxy.stop)
        urls.listen[(scheme, api.port or DEFAULT_PORTS[scheme])] = proxy.port
        yield urls


def _run(browser: Browser, urls: UrlMap, page_server: PageServer, specs) -> list[Exchange]:
    out = []
    for spec in specs:
        request = spec.page_request(urls)
        out.append(Exchange(spec, urls.origin(spec.origin), request.url,
                            browser.run(page_server.page_url(spec.origin), request)))
    return out


@pytest.mark.browser
@pytest.mark.server   # openssl for the page server's certificate, nginx for a shared cache
@pytest.mark.parametrize("case,variant", RUNS)
def test_framework_sample_in_real_browsers(case, variant, browsers, page_server, truth_record):
    plan = case.plan()
    if variant == "broken":
        truth_record.expect_broken(case.frontend, case.code, list(BROWSER_NAMES))
    versions = getattr(launcher(case.frontend), "versions", None)
    if versions is not None and case.frontend not in truth_record.servers:
        truth_record.servers[case.frontend] = f"({versions()})"
    problems: list[str] = []
    with _world(case, variant, plan, page_server) as urls:
        for name in BROWSER_NAMES:
            exchanges = _run(browsers(name), urls, page_server, plan.requests)
            if variant == "broken":
                predicted = [_real_url(p, exchanges[0].url) for p in case.predicted(name)]
                found = disagreements(name, predicted, exchanges, urls)
            else:
                found = failures_to_pass(name, exchanges)
            problems += found
            if not found:
                record = truth_record.passed_broken if variant == "broken" else truth_record.passed_fixed
                record(case.frontend, case.code, name)
    assert not problems, "\n".join(problems)


def test_origin_proxy_moves_only_the_page_origins():
    """The proxy hands the framework the sample's origin and gives the page
    its own back; an origin it does not know passes untouched both ways."""
    import http.client
    import http.server
    import threading

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", ""))
            self.send_header("X-Seen-Origin", self.headers.get("Origin", ""))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    proxy = OriginProxy(f"http://127.0.0.1:{upstream.server_address[1]}",
                        {"https://app.example.com:41000": "https://app.example.com"})
    try:
        for sent, seen in (("https://app.example.com:41000", "https://app.example.com"),
                           ("https://evil.example:41000", "https://evil.example:41000")):
            conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
            conn.request("GET", "/api/items", headers={"Origin": sent})
            response = conn.getresponse()
            assert response.read() == b"ok" and response.status == 200
            assert response.getheader("X-Seen-Origin") == seen
            assert response.getheader("Access-Control-Allow-Origin") == sent
            conn.close()
    finally:
        proxy.stop()
        upstream.shutdown()
        upstream.server_close()


def test_a_launcher_named_by_file_is_loaded_once(tmp_path, monkeypatch):
    module = tmp_path / "elsewhere_truth.py"
    module.write_text("import contextlib\n\n@contextlib.contextmanager\n"
                      "def serve_elsewhere(path):\n    yield 'http://127.0.0.1:1'\n"
                      "serve_elsewhere.needs = ('node',)\n")
    monkeypatch.setitem(LAUNCHERS, "elsewhere", f"{module}:serve_elsewhere")
    serve = launcher("elsewhere")
    assert serve.__name__ == "serve_elsewhere" and LAUNCHERS["elsewhere"] is serve
    assert launcher("elsewhere") is serve and _needs("elsewhere") == (pytest.mark.node,)
    with serve(tmp_path / "app.js") as url:
        assert url == "http://127.0.0.1:1"


@pytest.mark.browser
@pytest.mark.server
def test_a_wrong_prediction_or_a_blocked_exploit_fails_against_the_real_browsers(browsers, page_server):
    """The comparison can fail: a prediction off by one character, and an
    exploit the broken sample is said to let through but the fixed twin blocks."""
    wrong_text = next(c for c in CASES if (c.frontend, c.code) == ("django", "CORS101"))
    plan = wrong_text.plan()
    with _world(wrong_text, "broken", plan, page_server) as urls:
        for name in BROWSER_NAMES:
            exchanges = _run(browsers(name), urls, page_server, plan.requests)
            right = [_real_url(p, exchanges[0].url) for p in wrong_text.predicted(name)]
            assert right and disagreements(name, right, exchanges, urls) == []
            wrong = [t.replace("Access-Control-Allow-Origin", "Access-Control-Allow-0rigin") for t in right]
            assert disagreements(name, wrong, exchanges, urls)
    exploit = next(c for c in CASES if (c.frontend, c.code) == ("django", "CORS105"))
    plan = exploit.plan()
    with _world(exploit, "fixed", plan, page_server) as urls:
        for name in BROWSER_NAMES:
            exchanges = _run(browsers(name), urls, page_server, plan.requests)
            assert failures_to_pass(name, exchanges) == []
            # read as the broken sample's claim, the fixed twin's answers disagree
            assert disagreements(name, [], exchanges, urls)
