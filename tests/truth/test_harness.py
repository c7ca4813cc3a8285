"""Tests of the truth tier's own machinery: the URL mapping, the comparison
(a wrong prediction must fail it, also against a real browser), and the
nginx deployment (free ports, the rewritten config, cleanup)."""

from __future__ import annotations

import http.client
import socket

import pytest

from corslint.engine import CorsRequest, Failure, FailureKind

from .browsers import Observation, PageRequest
from .cases import BROWSER_NAMES, Case, Plan, RequestSpec, SampleError
from .compare import (
    Disagreement,
    Exchange,
    assert_agrees,
    disagreements,
    expected_cors_errors,
    failures_to_pass,
    fill,
    run_requests,
)
from .harness import ADAPTERS, UrlMap

NGINX = ADAPTERS["nginx"]

URLS = UrlMap(listen={("http", 80): 41000}, pages={("http", "app.localtest", 8081): 42000})


@pytest.mark.parametrize("text,expected", [
    ("http://api.localtest/api/", "http://api.localtest:41000/api/"),
    ("http://app.localtest:8081", "http://app.localtest:42000"),
    ("http://app.localtest:8081/", "http://app.localtest:42000/"),
    (r"~^http://app\.localtest:8081$", r"~^http://app\.localtest:42000$"),
    ("http://reports:s3cret@files.localtest$request_uri", "http://reports:s3cret@files.localtest:41000$request_uri"),
    ("'http://app.localtest:8081, *'", "'http://app.localtest:42000, *'"),
    ("http://admin.localtest:8082", "http://admin.localtest:8082"),   # neither a page nor a listen port
    ("https://api.localtest/api/", "https://api.localtest/api/"),     # the sample does not listen on 443
    ("proxy_pass http://127.0.0.1:9000;", "proxy_pass http://127.0.0.1:9000;"),
])
def test_url_map_moves_only_the_sample_s_ports(text, expected):
    assert URLS.rewrite(text) == expected


CHROME = ("Access to fetch at 'http://api.localtest/api/' from origin 'https://app.example.com' has been "
          "blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.")
FIREFOX = ("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
           "http://api.localtest/api/. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). "
           "Status code: 500.")


def test_fill_moves_the_url_and_sets_the_page_origin():
    assert fill(CHROME, URLS, "http://app.localtest:42000") == (
        "Access to fetch at 'http://api.localtest:41000/api/' from origin 'http://app.localtest:42000' has "
        "been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested "
        "resource.")
    assert fill(FIREFOX, URLS, "http://app.localtest:42000") == FIREFOX.replace(
        "api.localtest/", "api.localtest:41000/")


def test_catalogue_names_chromium_s_cors_error():
    assert expected_cors_errors(CHROME) == {"MissingAllowOriginHeader"}
    assert expected_cors_errors(
        "Access to fetch at 'u' from origin 'o' has been blocked by CORS policy: Response to preflight request "
        "doesn't pass access control check: It does not have HTTP ok status.") == {"PreflightInvalidStatus"}
    assert expected_cors_errors("Access to fetch at 'u' from origin 'o' has been blocked by CORS policy: "
                                "Something new.") == set()


def _exchange(browser: str, line: str | None, *, cors_error: str = "MissingAllowOriginHeader",
              outcome: str = "rejected") -> Exchange:
    spec = RequestSpec(url="http://api.localtest/api/")
    obs = Observation(browser, outcome, status=None if outcome == "rejected" else 200)
    if line is not None:
        obs.console.append(line)
        obs.blocked.append(line)
        if browser == "chromium":
            obs.cors_errors.append({"corsError": cors_error, "failedParameter": ""})
    return Exchange(spec, "http://app.localtest:42000", "http://api.localtest:41000/api/", obs)


def test_comparison_accepts_the_filled_in_prediction():
    seen_chrome = fill(CHROME, URLS, "http://app.localtest:42000")
    seen_firefox = fill(FIREFOX, URLS, "http://app.localtest:42000")
    assert_agrees("chromium", [CHROME], [_exchange("chromium", seen_chrome)], URLS)
    assert_agrees("firefox", [FIREFOX], [_exchange("firefox", seen_firefox)], URLS)


@pytest.mark.parametrize("wrong", [
    CHROME.replace("requested resource", "requested resources"),
    CHROME.replace("/api/", "/api/v2/"),
    CHROME.replace("No 'Access-Control-Allow-Origin' header is present on the requested resource.",
                   "Response to preflight request doesn't pass access control check: No "
                   "'Access-Control-Allow-Origin' header is present on the requested resource."),
])
def test_comparison_rejects_a_wrong_chrome_prediction(wrong):
    observed = _exchange("chromium", fill(CHROME, URLS, "http://app.localtest:42000"))
    with pytest.raises(Disagreement):
        assert_agrees("chromium", [wrong], [observed], URLS)


def test_comparison_rejects_a_wrong_firefox_status_code():
    observed = _exchange("firefox", fill(FIREFOX, URLS, "http://app.localtest:42000"))
    with pytest.raises(Disagreement):
        assert_agrees("firefox", [FIREFOX.replace("Status code: 500.", "Status code: 200.")], [observed], URLS)


def test_comparison_rejects_a_wrong_cors_error_name():
    observed = _exchange("chromium", fill(CHROME, URLS, "http://app.localtest:42000"),
                         cors_error="AllowOriginMismatch")
    problems = disagreements("chromium", [CHROME], [observed], URLS)
    assert len(problems) == 1 and "corsError" in problems[0]


def test_comparison_rejects_a_request_the_browser_let_through():
    problems = disagreements("firefox", [FIREFOX], [_exchange("firefox", None, outcome="resolved")], URLS)
    assert any("no CORS error" in p for p in problems)
    assert any("predicted but not produced" in p for p in problems)


def test_fixed_check_rejects_a_blocked_request():
    assert failures_to_pass("firefox", [_exchange("firefox", FIREFOX)])
    assert failures_to_pass("firefox", [_exchange("firefox", None, outcome="resolved")]) == []


def test_page_request_scripts():
    fetch = PageRequest("http://a.localtest:1/x", "PUT", (("Content-Type", "application/json"),),
                        "include", "fetch", "{}").script()
    assert fetch.startswith('fetch("http://a.localtest:1/x", {method: "PUT"')
    assert 'credentials: "include"' in fetch and 'body: "{}"' in fetch
    xhr = PageRequest("http://a.localtest:1/x", api="xhr", credentials="include").script()
    assert "XMLHttpRequest" in xhr and "x.withCredentials = true" in xhr
    with pytest.raises(ValueError):
        PageRequest("http://a.localtest:1/x", api="beacon").script()


SITE = """\
server {
    listen 80;
    listen [::]:80;
    server_name api.localtest;

    location /api/ {
        add_header Access-Control-Allow-Origin "http://app.localtest:8081";
        proxy_pass http://127.0.0.1:9000;
    }

    location /old/ {
        return 301 http://api.localtest/api/;
    }
}
"""


def _get(port: int, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": "api.localtest", "Origin": "http://app.localtest:1"})
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


@pytest.mark.server
def test_nginx_deployment_runs_a_sample_on_free_loopback_ports(tmp_path, deploy, page_server):
    sample = tmp_path / "site.conf"
    sample.write_text(SITE)
    plan = Plan((RequestSpec(url="http://api.localtest/api/", upstream_status=200),))
    deployment = deploy(NGINX, sample, plan)
    port = deployment.urls.listen[("http", 80)]
    assert port != 80 and sample.read_text() == SITE  # the sample file itself is untouched

    ok = _get(port, "/api/")
    assert ok.status == 200
    assert ok.getheader("Access-Control-Allow-Origin") == f"http://app.localtest:{page_server.port}"
    assert deployment.upstream.seen[-1][:2] == ("GET", "/api/")

    deployment.upstream.status = 500                    # no `always`: the error goes without ACAO
    failed = _get(port, "/api/")
    assert failed.status == 500 and failed.getheader("Access-Control-Allow-Origin") is None

    moved = _get(port, "/old/")
    assert moved.status == 301 and moved.getheader("Location") == f"http://api.localtest:{port}/api/"

    deployment.stop()
    assert _refused(port) and _refused(deployment.upstream.port)
    assert not deployment.workdir.exists()


@pytest.mark.server
def test_nginx_deployment_failure_names_the_problem(tmp_path, deploy):
    sample = tmp_path / "bad.conf"
    sample.write_text("server { listen 80; location / { no_such_directive on; } }\n")
    with pytest.raises(Exception, match="no_such_directive"):
        deploy(NGINX, sample, Plan((RequestSpec(url="http://api.localtest/"),)))


# A deliberately wrong prediction fails against the real browsers, while the
# right one (built from the engine's catalogue for a response without ACAO,
# observed in both browsers) passes.
MISSING_ACAO = """\
server {
    listen 80;
    server_name api.localtest;
    location /api/ {
        add_header Access-Control-Allow-Origin "http://app.localtest:8081";
        proxy_pass http://127.0.0.1:9000;
    }
}
"""


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("browser_name", BROWSER_NAMES)
def test_a_wrong_prediction_fails_against_the_real_browser(browser_name, tmp_path, browsers, deploy,
                                                           page_server):
    sample = tmp_path / "missing.conf"
    sample.write_text(MISSING_ACAO)
    spec = RequestSpec(url="http://api.localtest/api/", upstream_status=500)
    deployment = deploy(NGINX, sample, Plan((spec,)))
    exchanges = run_requests(browsers(browser_name), deployment, page_server, [spec])

    failure = Failure(FailureKind.MISSING_ALLOW_ORIGIN, preflight=False, status=500)
    request = CorsRequest(url=spec.url, origin=spec.origin)
    right = failure.chrome_message(request) if browser_name == "chromium" else failure.firefox_message(request)
    assert_agrees(browser_name, [right], exchanges, deployment.urls)

    wrong = [right.replace("Status code: 500.", "Status code: 502.").replace(
        "on the requested resource.", "on the requested resource!")]
    assert wrong != [right]
    with pytest.raises(Disagreement):
        assert_agrees(browser_name, wrong, exchanges, deployment.urls)


def _case(tmp_path, text: str | None) -> Case:
    (tmp_path / "broken.conf").write_text("server { listen 80; }\n")
    if text is not None:
        (tmp_path / "request.json").write_text(text)
    return Case("nginx", "CORS999", tmp_path)


def test_request_json_forms(tmp_path):
    one = _case(tmp_path, '{"url": "http://api.localtest/api/", "method": "PUT", '
                          '"headers": {"Content-Type": "application/json"}, "credentials": "include"}').plan()
    assert one == Plan((RequestSpec(url="http://api.localtest/api/", method="PUT",
                                    headers=(("Content-Type", "application/json"),), credentials="include"),))
    cached = _case(tmp_path, '{"shared_cache": true, "requests": [{"url": "http://a.localtest/", '
                             '"expect": "pass"}, {"url": "http://a.localtest/", "origin": "http://b.localtest"}]}'
                   ).plan()
    assert cached.shared_cache and [r.expect for r in cached.requests] == ["pass", "blocked"]
    assert cached.requests[1].origin == "http://b.localtest"


@pytest.mark.parametrize("text,message", [
    (None, "request.json is missing"),
    ("{", "not JSON"),
    ("[]", "no request described"),
    ('{"method": "GET"}', "'url'"),
    ('{"url": "http://a.localtest/", "metod": "PUT"}', "unknown keys"),
    ('{"url": "http://a.localtest/", "credentials": "yes"}', "'credentials'"),
    ('{"url": "http://a.localtest/", "api": "beacon"}', "'api'"),
    ('{"url": "http://a.localtest/", "expect": "maybe"}', "'expect'"),
])
def test_request_json_mistakes_are_named(tmp_path, text, message):
    with pytest.raises(SampleError, match=message):
        _case(tmp_path, text).plan()
