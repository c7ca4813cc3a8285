"""The engine against every row of /work/shared/BROWSER_MESSAGES.md.

Each test builds the response the row describes and asserts the Chromium
line, its corsError name and the Firefox reason exactly as observed.
"""

from __future__ import annotations

import pytest

from corslint.engine import (
    CorsRequest,
    FailureKind,
    HttpResponse,
    check_cors,
    check_preflight,
    check_redirect,
    follow_redirect,
    run,
)

URL = "http://api.localtest:8080/data"
ORIGIN = "http://app.localtest:8081"
CHROME = f"Access to fetch at '{URL}' from origin '{ORIGIN}' has been blocked by CORS policy: "
PREFLIGHT = "Response to preflight request doesn't pass access control check: "
FIREFOX = ("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
           f"resource at {URL}. (Reason: ")

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"


def get(credentials: bool = False) -> CorsRequest:
    return CorsRequest(URL, ORIGIN, credentials=credentials)


def put(**kw) -> CorsRequest:
    return CorsRequest(URL, ORIGIN, method="PUT", **kw)


def resp(status: int, *headers: tuple[str, str]) -> HttpResponse:
    return HttpResponse(status, tuple(headers))


# A preflight answer that lets a PUT with Content-Type: application/json in.
GOOD_PREFLIGHT = ((ACAO, ORIGIN), (ACAM, "GET, POST, PUT, DELETE"), (ACAH, "Content-Type"))


# ---------------------------------------------------------------- actual responses


def test_no_allow_origin_on_actual_response():
    req = get()
    f = check_cors(req, resp(200, ("Content-Type", "application/json")))
    assert f.kind is FailureKind.MISSING_ALLOW_ORIGIN
    assert f.chrome_message(req) == (
        "Access to fetch at 'http://api.localtest:8080/data' from origin "
        "'http://app.localtest:8081' has been blocked by CORS policy: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert f.cors_error() == "MissingAllowOriginHeader"
    assert f.firefox_reason() == "CORS header ‘Access-Control-Allow-Origin’ missing"
    assert f.firefox_message(req) == (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
        "resource at http://api.localtest:8080/data. (Reason: CORS header "
        "‘Access-Control-Allow-Origin’ missing). Status code: 200.")


def test_wildcard_with_credentials():
    req = get(credentials=True)
    f = check_cors(req, resp(200, (ACAO, "*"), (ACAC, "true")))
    assert f.kind is FailureKind.WILDCARD_WITH_CREDENTIALS
    assert f.chrome_message(req) == CHROME + (
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the "
        "wildcard '*' when the request's credentials mode is 'include'.")
    assert f.cors_error() == "WildcardOriginNotAllowed"
    assert f.firefox_reason() == (
        "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’")


def test_wildcard_without_credentials_succeeds():
    req = get()
    response = resp(200, (ACAO, "*"))
    assert check_cors(req, response) is None
    assert run(req, None, response).ok


def test_two_allow_origin_headers():
    req = get()
    f = check_cors(req, resp(200, (ACAO, ORIGIN), ("access-control-allow-origin", "*")))
    assert f.kind is FailureKind.MULTIPLE_ALLOW_ORIGIN
    assert f.value == "http://app.localtest:8081, *"
    assert f.chrome_message(req) == CHROME + (
        "The 'Access-Control-Allow-Origin' header contains multiple values "
        "'http://app.localtest:8081, *', but only one is allowed. Have the server send the "
        "header with a valid value.")
    assert f.cors_error() == "MultipleAllowOriginValues"
    assert f.firefox_reason() == "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed"


def test_one_allow_origin_holding_two_origins():
    req = get()
    value = "http://app.localtest:8081, http://admin.localtest:8082"
    f = check_cors(req, resp(200, (ACAO, value)))
    assert f.kind is FailureKind.MULTIPLE_ORIGINS_IN_VALUE
    assert f.chrome_message(req) == CHROME + (
        "The 'Access-Control-Allow-Origin' header contains multiple values "
        "'http://app.localtest:8081, http://admin.localtest:8082', but only one is allowed. "
        "Have the server send the header with a valid value.")
    assert f.cors_error() == "MultipleAllowOriginValues"
    assert f.firefox_reason() == (
        "CORS header ‘Access-Control-Allow-Origin’ does not match "
        "‘http://app.localtest:8081, http://admin.localtest:8082’")


def test_allow_origin_with_trailing_slash():
    req = get()
    f = check_cors(req, resp(200, (ACAO, "http://app.localtest:8081/")))
    assert f.kind is FailureKind.ALLOW_ORIGIN_MISMATCH
    assert f.chrome_message(req) == CHROME + (
        "The 'Access-Control-Allow-Origin' header has a value 'http://app.localtest:8081/' that "
        "is not equal to the supplied origin. Have the server send the header with a valid value.")
    assert f.cors_error() == "AllowOriginMismatch"
    assert f.firefox_reason() == (
        "CORS header ‘Access-Control-Allow-Origin’ does not match ‘http://app.localtest:8081/’")


def test_allow_credentials_true_capitalised():
    req = get(credentials=True)
    f = check_cors(req, resp(200, (ACAO, ORIGIN), (ACAC, "True")))
    assert f.kind is FailureKind.INVALID_ALLOW_CREDENTIALS
    assert f.chrome_message(req) == CHROME + (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is 'True' "
        "which must be 'true' when the request's credentials mode is 'include'.")
    assert f.cors_error() == "InvalidAllowCredentials"
    assert f.firefox_reason() == "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’"


# ---------------------------------------------------------------- preflight: lists


def test_preflight_put_missing_from_allow_methods():
    req = put()
    f = check_preflight(req, resp(204, (ACAO, ORIGIN), (ACAM, "GET, POST")))
    assert f.kind is FailureKind.METHOD_NOT_ALLOWED
    assert f.chrome_message(req) == CHROME + (
        "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.")
    assert f.cors_error() == "MethodDisallowedByPreflightResponse"
    assert f.firefox_reason() == "Did not find method in CORS header ‘Access-Control-Allow-Methods’"
    verdict = run(req, resp(204, (ACAO, ORIGIN), (ACAM, "GET, POST")), resp(200, (ACAO, ORIGIN)))
    assert (verdict.ok, verdict.stage, verdict.failure) == (False, "preflight", f)


def test_preflight_content_type_missing_from_allow_headers():
    req = CorsRequest(URL, ORIGIN, method="POST", headers=(("Content-Type", "application/json"),))
    f = check_preflight(req, resp(204, (ACAO, ORIGIN), (ACAM, "GET, POST"), (ACAH, "X-Requested-With")))
    assert f.kind is FailureKind.HEADER_NOT_ALLOWED
    assert f.chrome_message(req) == CHROME + (
        "Request header field content-type is not allowed by Access-Control-Allow-Headers in "
        "preflight response.")
    assert f.cors_error() == "HeaderDisallowedByPreflightResponse"
    assert f.firefox_reason() == (
        "header ‘content-type’ is not allowed according to header "
        "‘Access-Control-Allow-Headers’ from CORS preflight response")


# ---------------------------------------------------------------- preflight: status


REDIRECT_CHROME = CHROME + PREFLIGHT + "Redirect is not allowed for a preflight request."


def test_preflight_answered_301_with_cors_headers():
    req = put()
    f = check_preflight(req, resp(301, ("Location", "https://api.localtest/data"), *GOOD_PREFLIGHT))
    assert f.kind is FailureKind.PREFLIGHT_REDIRECT
    assert f.chrome_message(req) == REDIRECT_CHROME
    assert f.cors_error() == "PreflightDisallowedRedirect"
    assert f.firefox_reason() == "CORS request external redirect not allowed"
    assert f.firefox_messages(req) == [
        FIREFOX + "CORS request external redirect not allowed).",
        FIREFOX + "CORS preflight response did not succeed). Status code: 301.",
        FIREFOX + "CORS request did not succeed). Status code: (null).",
    ]


def test_preflight_answered_bare_301():
    req = put()
    f = check_preflight(req, resp(301, ("Location", "https://api.localtest/data")))
    assert f.kind is FailureKind.PREFLIGHT_REDIRECT
    assert f.chrome_message(req) == REDIRECT_CHROME
    assert f.cors_error() == "PreflightDisallowedRedirect"
    assert f.firefox_reason() == "CORS header ‘Access-Control-Allow-Origin’ missing"
    assert f.firefox_message(req) == (
        FIREFOX + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 301.")


@pytest.mark.parametrize("status", [401, 405, 403])
def test_preflight_error_status_with_cors_headers(status):
    req = put()
    f = check_preflight(req, resp(status, *GOOD_PREFLIGHT))
    assert f.kind is FailureKind.PREFLIGHT_INVALID_STATUS
    assert f.chrome_message(req) == CHROME + PREFLIGHT + "It does not have HTTP ok status."
    assert f.cors_error() == "PreflightInvalidStatus"
    assert f.firefox_reason() == "CORS preflight response did not succeed"
    assert f.firefox_message(req) == (
        FIREFOX + f"CORS preflight response did not succeed). Status code: {status}.")


@pytest.mark.parametrize("status", [401, 405, 403])
def test_preflight_error_status_without_cors_headers(status):
    req = put()
    f = check_preflight(req, resp(status, ("WWW-Authenticate", 'Basic realm="api"')))
    assert f.kind is FailureKind.PREFLIGHT_MISSING_ALLOW_ORIGIN
    assert f.chrome_message(req) == CHROME + PREFLIGHT + (
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert f.cors_error() == "PreflightMissingAllowOriginHeader"
    assert f.firefox_reason() == "CORS header ‘Access-Control-Allow-Origin’ missing"
    assert f.firefox_message(req).endswith(f"Status code: {status}.")


def test_preflight_204_inside_if_without_allow_origin():
    # nginx: add_header inside `if ($request_method = OPTIONS)` hides the outer ACAO.
    req = put(headers=(("Content-Type", "application/json"),))
    f = check_preflight(req, resp(204, (ACAM, "GET, POST, PUT"), (ACAH, "Content-Type"),
                                  ("Access-Control-Max-Age", "86400")))
    assert f.kind is FailureKind.PREFLIGHT_MISSING_ALLOW_ORIGIN
    assert f.chrome_message(req) == CHROME + PREFLIGHT + (
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert f.cors_error() == "PreflightMissingAllowOriginHeader"
    assert f.firefox_message(req) == (
        FIREFOX + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 204.")


# ---------------------------------------------------------------- dropped headers


def test_location_add_header_drops_server_level_allow_origin():
    req = get()
    f = check_cors(req, resp(200, ("X-Frame-Options", "DENY")))
    assert f.chrome_message(req) == CHROME + (
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert f.cors_error() == "MissingAllowOriginHeader"
    assert f.firefox_reason() == "CORS header ‘Access-Control-Allow-Origin’ missing"


@pytest.mark.parametrize("status", [404, 500])
def test_error_status_without_always(status):
    req = get()
    f = check_cors(req, resp(status, ("Content-Type", "text/html")))
    assert f.chrome_message(req) == CHROME + (
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert f.cors_error() == "MissingAllowOriginHeader"
    assert f.firefox_message(req) == (
        FIREFOX + f"CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}.")


@pytest.mark.parametrize("status", [404, 500])
def test_error_status_with_always_reaches_the_script(status):
    verdict = run(get(), None, resp(status, (ACAO, ORIGIN)))
    assert verdict.ok and verdict.failure is None


# ---------------------------------------------------------------- successes


def test_simple_get_following_301_with_allow_origin():
    req = get()
    redirect = resp(301, ("Location", "http://api.localtest:8080/data/"), (ACAO, ORIGIN))
    assert check_redirect(req, redirect) is None
    assert run(req, None, redirect).ok
    hop = follow_redirect(req, redirect)
    assert hop.url == "http://api.localtest:8080/data/"
    assert not hop.tainted  # same origin as before: Origin stays the page's
    assert run(hop, None, resp(200, (ACAO, ORIGIN))).ok


@pytest.mark.parametrize("status", [200, 204])
def test_apache_options_answered_by_rewrite_with_always_headers(status):
    req = put(headers=(("Content-Type", "application/json"),))
    preflight = resp(status, *GOOD_PREFLIGHT)
    assert check_preflight(req, preflight) is None
    verdict = run(req, preflight, resp(200, (ACAO, ORIGIN)))
    assert verdict.ok and verdict.stage is None


def test_xhr_frame():
    req = CorsRequest(URL, ORIGIN, api="xhr")
    f = check_cors(req, resp(200))
    assert f.chrome_message(req) == (
        "Access to XMLHttpRequest at 'http://api.localtest:8080/data' from origin "
        "'http://app.localtest:8081' has been blocked by CORS policy: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource.")


def test_firefox_prints_a_status_only_for_three_reasons():
    # Observed with Firefox ESR in the truth tier: "Status code" follows the
    # missing-ACAO, preflight-did-not-succeed and did-not-succeed reasons only;
    # the wildcard-with-credentials line quotes the URL.
    req = CorsRequest(url="http://api.localtest:8080/data", origin="http://app.localtest:8081",
                      credentials=True)
    bad_credentials = check_cors(req, resp(200, ("Access-Control-Allow-Origin", "http://app.localtest:8081"),
                                           ("Access-Control-Allow-Credentials", "True")))
    assert bad_credentials.firefox_message(req) == (
        FIREFOX + "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).")
    missing = check_cors(req, resp(404))
    assert missing.firefox_message(req) == (
        FIREFOX + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.")
    wildcard = check_cors(req, resp(200, ("Access-Control-Allow-Origin", "*"),
                                    ("Access-Control-Allow-Credentials", "true")))
    assert wildcard.firefox_message(req) == (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource "
        "at ‘http://api.localtest:8080/data’. (Reason: Credential is not supported if the CORS "
        "header ‘Access-Control-Allow-Origin’ is ‘*’).")
