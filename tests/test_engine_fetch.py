"""The CORS check, the CORS-preflight fetch and redirects beyond the observed
table: wildcards, credentials, case rules, parse failures, check order."""

from __future__ import annotations

import pytest

from corslint.engine import (
    CATALOGUE,
    CorsRequest,
    Failure,
    FailureKind,
    HttpResponse,
    check_cors,
    check_preflight,
    check_redirect,
    follow_redirect,
    request_origin,
    run,
)

URL = "http://api.localtest:8080/data"
ORIGIN = "http://app.localtest:8081"
CHROME = f"Access to fetch at '{URL}' from origin '{ORIGIN}' has been blocked by CORS policy: "
PREFLIGHT = "Response to preflight request doesn't pass access control check: "

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
K = FailureKind


def req(method="GET", headers=(), credentials=False, origin=ORIGIN, url=URL) -> CorsRequest:
    return CorsRequest(url, origin, method=method, headers=tuple(headers), credentials=credentials)


def preflight(methods=None, headers=None, *extra, status=204, origin=ORIGIN) -> HttpResponse:
    fields = [(ACAO, origin)]
    if methods is not None:
        fields.append((ACAM, methods))
    if headers is not None:
        fields.append((ACAH, headers))
    return HttpResponse(status, tuple(fields) + extra)


# ---------------------------------------------------------------- the CORS check


@pytest.mark.parametrize("value, kind", [
    ("example.com", K.INVALID_ALLOW_ORIGIN_VALUE),
    ("*.localtest", K.INVALID_ALLOW_ORIGIN_VALUE),
    ("http://app.localtest:99999", K.INVALID_ALLOW_ORIGIN_VALUE),
    ("", K.INVALID_ALLOW_ORIGIN_VALUE),
    ("null", K.INVALID_ALLOW_ORIGIN_VALUE),
    # "host:port" parses as a URL with scheme "app.localtest".
    ("app.localtest:8081", K.ALLOW_ORIGIN_MISMATCH),
    ("http://APP.localtest:8081", K.ALLOW_ORIGIN_MISMATCH),
    ("https://app.localtest:8081", K.ALLOW_ORIGIN_MISMATCH),
    ("http://app.localtest", K.ALLOW_ORIGIN_MISMATCH),
    ("http://*.localtest:8081", K.ALLOW_ORIGIN_MISMATCH),
    ("http://app.localtest:8081 http://x.localtest", K.MULTIPLE_ORIGINS_IN_VALUE),
])
def test_allow_origin_mismatch_kinds(value, kind):
    f = check_cors(req(), HttpResponse(200, ((ACAO, value),)))
    assert f.kind is kind
    assert f.value == value
    assert f.firefox_reason() == f"CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’"


def test_invalid_allow_origin_value_text():
    r = req()
    f = check_cors(r, HttpResponse(200, ((ACAO, "example.com"),)))
    assert f.cors_error() == "InvalidAllowOriginValue"
    assert f.chrome_message(r) == CHROME + (
        "The 'Access-Control-Allow-Origin' header contains the invalid value 'example.com'. "
        "Have the server send the header with a valid value.")


def test_allow_origin_whitespace_is_stripped_like_http_does():
    assert check_cors(req(), HttpResponse(200, ((ACAO, f"  {ORIGIN}\t"),))) is None


def test_null_origin():
    r = req(origin="null")
    assert check_cors(r, HttpResponse(200, ((ACAO, "null"),))) is None
    assert check_cors(r, HttpResponse(200, ((ACAO, "*"),))) is None
    f = check_cors(r, HttpResponse(200, ((ACAO, ORIGIN),)))
    assert f.kind is K.ALLOW_ORIGIN_MISMATCH
    assert f.chrome_message(r).startswith(f"Access to fetch at '{URL}' from origin 'null' ")


def test_missing_allow_credentials_with_credentials():
    r = req(credentials=True)
    f = check_cors(r, HttpResponse(200, ((ACAO, ORIGIN),)))
    assert f.kind is K.INVALID_ALLOW_CREDENTIALS and f.value == ""
    assert f.chrome_message(r) == CHROME + (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which "
        "must be 'true' when the request's credentials mode is 'include'.")
    assert f.firefox_reason() == "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’"


@pytest.mark.parametrize("fields, value", [
    (((ACAC, "false"),), "false"),
    (((ACAC, "1"),), "1"),
    (((ACAC, "TRUE"),), "TRUE"),
    (((ACAC, "true"), (ACAC, "true")), "true, true"),
])
def test_allow_credentials_must_be_exactly_true(fields, value):
    f = check_cors(req(credentials=True), HttpResponse(200, ((ACAO, ORIGIN),) + fields))
    assert f.kind is K.INVALID_ALLOW_CREDENTIALS and f.value == value


def test_allow_credentials_ignored_without_credentials():
    assert check_cors(req(), HttpResponse(200, ((ACAO, ORIGIN), (ACAC, "yes")))) is None
    assert check_cors(req(credentials=True), HttpResponse(200, ((ACAO, ORIGIN), (ACAC, "true")))) is None


# ---------------------------------------------------------------- preflight: CORS check variants


def test_preflight_variants_of_the_cors_check():
    put = req("PUT", credentials=True)
    cases = [
        (HttpResponse(204, ((ACAO, "*"), (ACAC, "true"))), K.PREFLIGHT_WILDCARD_WITH_CREDENTIALS,
         "PreflightWildcardOriginNotAllowed"),
        (HttpResponse(204, ((ACAO, ORIGIN), (ACAO, ORIGIN))), K.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN,
         "PreflightMultipleAllowOriginValues"),
        (HttpResponse(204, ((ACAO, f"{ORIGIN}/"),)), K.PREFLIGHT_ALLOW_ORIGIN_MISMATCH,
         "PreflightAllowOriginMismatch"),
        (HttpResponse(204, ((ACAO, "a.com, b.com"),)), K.PREFLIGHT_MULTIPLE_ORIGINS_IN_VALUE,
         "PreflightMultipleAllowOriginValues"),
        (HttpResponse(204, ((ACAO, "localtest"),)), K.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE,
         "PreflightInvalidAllowOriginValue"),
        (HttpResponse(204, ((ACAO, ORIGIN), (ACAM, "PUT"))), K.PREFLIGHT_INVALID_ALLOW_CREDENTIALS,
         "PreflightInvalidAllowCredentials"),
    ]
    for response, kind, name in cases:
        f = check_preflight(put, response)
        assert (f.kind, f.cors_error(), f.preflight) == (kind, name, True)
        assert f.chrome_reason().startswith(PREFLIGHT)
        assert f.chrome_reason()[len(PREFLIGHT):] == Failure(kind.base, False, 204, f.value).chrome_reason()


def test_preflight_credentials_text():
    put = req("PUT", credentials=True)
    f = check_preflight(put, preflight("PUT"))
    assert f.chrome_message(put) == CHROME + PREFLIGHT + (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which "
        "must be 'true' when the request's credentials mode is 'include'.")


def test_cors_check_comes_before_status():
    # 500 with a matching ACAO: a status failure; without ACAO: missing ACAO.
    assert check_preflight(req("PUT"), preflight("PUT", status=500)).kind is K.PREFLIGHT_INVALID_STATUS
    assert check_preflight(req("PUT"), HttpResponse(500)).kind is K.PREFLIGHT_MISSING_ALLOW_ORIGIN


def test_3xx_without_location_is_a_bad_status_not_a_redirect():
    assert check_preflight(req("PUT"), preflight("PUT", status=302)).kind is K.PREFLIGHT_INVALID_STATUS
    assert check_preflight(req("PUT"), preflight("PUT", status=304)).kind is K.PREFLIGHT_INVALID_STATUS


def test_redirect_is_reported_before_anything_else():
    f = check_preflight(req("PUT"), HttpResponse(307, (("Location", "/other"),)))
    assert f.kind is K.PREFLIGHT_REDIRECT and f.value == "/other"


@pytest.mark.parametrize("status", [200, 204, 299])
def test_any_2xx_preflight_passes(status):
    assert check_preflight(req("PUT"), preflight("PUT", status=status)) is None


# ---------------------------------------------------------------- methods


def test_safelisted_method_needs_no_allow_methods():
    r = req("POST", headers=[("X-Custom", "1")])
    assert check_preflight(r, preflight(None, "X-Custom")) is None


def test_methods_compare_case_sensitively():
    put = req("put")   # normalized to PUT
    assert check_preflight(put, preflight("PUT")) is None
    f = check_preflight(put, preflight("put"))
    assert f.kind is K.METHOD_NOT_ALLOWED and f.value == "PUT"


def test_patch_is_not_normalized():
    r = req("patch")
    f = check_preflight(r, preflight("GET, POST, PATCH"))
    assert f.kind is K.METHOD_NOT_ALLOWED
    assert f.chrome_message(r) == CHROME + (
        "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.")
    assert check_preflight(r, preflight("patch")) is None
    assert check_preflight(req("PATCH"), preflight("GET, POST, PATCH")) is None


def test_wildcard_method_without_credentials():
    assert check_preflight(req("DELETE"), preflight("*")) is None


def test_wildcard_method_with_credentials_is_taken_literally():
    r = req("DELETE", credentials=True)
    f = check_preflight(r, preflight("*", None, (ACAC, "true")))
    assert f.kind is K.METHOD_NOT_ALLOWED and f.value == "DELETE"
    assert check_preflight(r, preflight("*, DELETE", None, (ACAC, "true"))) is None


def test_pipe_separated_methods_are_one_token():
    f = check_preflight(req("PUT"), preflight("GET|POST|PUT"))
    assert f.kind is K.METHOD_NOT_ALLOWED


def test_allow_methods_across_two_fields():
    response = HttpResponse(204, ((ACAO, ORIGIN), (ACAM, "GET"), (ACAM, "PUT")))
    assert check_preflight(req("PUT"), response) is None


# ---------------------------------------------------------------- headers


def test_allow_headers_case_insensitive():
    r = req("PUT", headers=[("X-Custom", "1"), ("Content-Type", "application/json")])
    assert check_preflight(r, preflight("PUT", "x-custom, CONTENT-TYPE")) is None


def test_first_missing_header_in_sorted_lowercase_order():
    r = req("PUT", headers=[("X-Zed", "1"), ("X-Alpha", "2")])
    f = check_preflight(r, preflight("PUT", "X-Other"))
    assert f.value == "x-alpha"
    assert f.firefox_reason() == (
        "header ‘x-alpha’ is not allowed according to header ‘Access-Control-Allow-Headers’ "
        "from CORS preflight response")


def test_wildcard_headers_without_credentials():
    r = req("PUT", headers=[("X-Custom", "1"), ("Content-Type", "application/json")])
    assert check_preflight(r, preflight("PUT", "*")) is None


def test_authorization_never_covered_by_wildcard():
    r = req("GET", headers=[("Authorization", "Bearer t"), ("X-Custom", "1")])
    f = check_preflight(r, preflight(None, "*"))
    assert f.kind is K.HEADER_NOT_ALLOWED and f.value == "authorization"
    assert f.chrome_message(r) == CHROME + (
        "Request header field authorization is not allowed by Access-Control-Allow-Headers in "
        "preflight response.")
    assert check_preflight(r, preflight(None, "*, Authorization")) is None


def test_wildcard_headers_with_credentials_are_taken_literally():
    r = req("GET", headers=[("X-Custom", "1")], credentials=True)
    f = check_preflight(r, preflight(None, "*", (ACAC, "true")))
    assert f.kind is K.HEADER_NOT_ALLOWED and f.value == "x-custom"


def test_forbidden_request_headers_are_ignored():
    r = req("PUT", headers=[("Cookie", "a=b"), ("Origin", "http://evil.example")])
    assert check_preflight(r, preflight("PUT")) is None


# ---------------------------------------------------------------- parse failures


def test_invalid_method_token():
    r = req("PUT")
    f = check_preflight(r, preflight("GET; POST, PUT"))
    assert f.kind is K.INVALID_ALLOW_METHODS_TOKEN and f.value == "GET; POST"
    assert f.cors_error() == "InvalidAllowMethodsPreflightResponse"
    assert f.chrome_message(r) == CHROME + (
        "Cannot parse Access-Control-Allow-Methods response header field in preflight response.")
    assert f.firefox_reason() == "invalid token ‘GET; POST’ in CORS header ‘Access-Control-Allow-Methods’"


def test_invalid_method_token_fails_even_for_safelisted_methods():
    assert check_preflight(req("GET", headers=[("X-A", "1")]), preflight('"GET"', "X-A")).kind \
        is K.INVALID_ALLOW_METHODS_TOKEN


def test_quoted_list_entry_named_differently_by_firefox():
    f = check_preflight(req("PUT"), preflight('"PUT, GET"'))
    assert f.value == '"PUT, GET"'
    assert f.firefox_reason() == "invalid token ‘\"PUT’ in CORS header ‘Access-Control-Allow-Methods’"


def test_invalid_header_token():
    r = req("PUT", headers=[("X-A", "1")])
    f = check_preflight(r, preflight("PUT", "X-A X-B"))
    assert f.kind is K.INVALID_ALLOW_HEADERS_TOKEN
    assert f.cors_error() == "InvalidAllowHeadersPreflightResponse"
    assert f.chrome_reason() == (
        "Cannot parse Access-Control-Allow-Headers response header field in preflight response.")
    assert f.firefox_reason() == "invalid token ‘X-A X-B’ in CORS header ‘Access-Control-Allow-Headers’"


def test_header_list_invalid_even_when_request_has_no_headers():
    assert check_preflight(req("PUT"), preflight("PUT", "X-A;")).kind is K.INVALID_ALLOW_HEADERS_TOKEN


def test_firefox_checks_methods_before_parsing_headers():
    # Chromium parses both lists first; Firefox stops at the missing method.
    r = req("PUT")
    f = check_preflight(r, preflight("GET", "X-A X-B"))
    assert f.kind is K.INVALID_ALLOW_HEADERS_TOKEN
    assert f.firefox_reason() == "Did not find method in CORS header ‘Access-Control-Allow-Methods’"


# ---------------------------------------------------------------- redirects and run()


def test_redirect_without_allow_origin():
    f = check_redirect(req(), HttpResponse(302, (("Location", "http://api.localtest:8080/x"),)))
    assert f.kind is K.MISSING_ALLOW_ORIGIN and f.status == 302


def test_redirect_to_url_with_credentials():
    r = req()
    redirect = HttpResponse(302, (("Location", "http://user:pw@api.localtest:8080/x"), (ACAO, ORIGIN)))
    f = check_redirect(r, redirect)
    assert f.kind is K.REDIRECT_CONTAINS_CREDENTIALS
    assert f.cors_error() == "RedirectContainsCredentials"
    assert f.chrome_reason() == (
        "Redirect location '' contains a username and password, which is disallowed for "
        "cross-origin requests.")
    verdict = run(r, None, redirect)
    assert (verdict.ok, verdict.stage) == (False, "actual")


def test_cross_origin_redirect_taints_the_origin():
    r = req()
    redirect = HttpResponse(302, (("Location", "https://cdn.localtest/data"), (ACAO, ORIGIN)))
    hop = follow_redirect(r, redirect)
    assert hop.tainted and request_origin(hop) == "null"
    assert hop.redirected_from == URL
    f = check_cors(hop, HttpResponse(200, ((ACAO, ORIGIN),)))
    assert f.kind is K.ALLOW_ORIGIN_MISMATCH
    assert f.chrome_message(hop) == (
        "Access to fetch at 'https://cdn.localtest/data' (redirected from "
        "'http://api.localtest:8080/data') from origin 'http://app.localtest:8081' has been "
        "blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value "
        "'http://app.localtest:8081' that is not equal to the supplied origin. Have the server "
        "send the header with a valid value.")
    assert check_cors(hop, HttpResponse(200, ((ACAO, "null"),))) is None
    assert check_cors(hop, HttpResponse(200, ((ACAO, "*"),))) is None


@pytest.mark.parametrize("status, method", [(301, "GET"), (302, "GET"), (303, "GET"), (307, "POST"), (308, "POST")])
def test_redirect_method_change(status, method):
    r = req("POST", headers=[("Content-Type", "text/plain"), ("X-A", "1")])
    hop = follow_redirect(r, HttpResponse(status, (("Location", "/next"),)))
    assert hop.url == "http://api.localtest:8080/next"
    assert hop.method == method
    names = [n for n, _ in hop.headers]
    assert names == (["X-A"] if method == "GET" else ["Content-Type", "X-A"])


def test_follow_redirect_needs_a_redirect():
    with pytest.raises(ValueError):
        follow_redirect(req(), HttpResponse(200))


def test_run_requires_the_preflight_when_needed():
    with pytest.raises(ValueError):
        run(req("PUT"), None, HttpResponse(200, ((ACAO, ORIGIN),)))


def test_run_actual_stage():
    verdict = run(req("PUT"), preflight("PUT"), HttpResponse(200))
    assert (verdict.ok, verdict.stage, verdict.failure.kind) == (False, "actual", K.MISSING_ALLOW_ORIGIN)


def test_run_preflight_alone():
    assert run(req("PUT"), preflight("PUT")).ok


def test_run_same_origin_needs_no_cors():
    same = req("PUT", origin="http://api.localtest:8080")
    assert run(same, None, HttpResponse(200)).ok


# ---------------------------------------------------------------- catalogue


def test_every_kind_renders():
    r = req()
    for kind in FailureKind:
        assert kind in CATALOGUE
        f = Failure(kind, kind.is_preflight, 400, "X")
        for text in (f.chrome_message(r), f.firefox_message(r), f.cors_error()):
            assert "{" not in text and text
        assert f.chrome_reason().startswith(PREFLIGHT) == (
            kind.is_preflight and kind not in (K.INVALID_ALLOW_METHODS_TOKEN, K.INVALID_ALLOW_HEADERS_TOKEN,
                                              K.METHOD_NOT_ALLOWED, K.HEADER_NOT_ALLOWED))


def test_kind_variants():
    assert K.MISSING_ALLOW_ORIGIN.preflight_variant() is K.PREFLIGHT_MISSING_ALLOW_ORIGIN
    assert K.PREFLIGHT_ALLOW_ORIGIN_MISMATCH.base is K.ALLOW_ORIGIN_MISMATCH
    assert K.METHOD_NOT_ALLOWED.preflight_variant() is K.METHOD_NOT_ALLOWED
    assert not K.INVALID_ALLOW_CREDENTIALS.is_preflight and K.PREFLIGHT_REDIRECT.is_preflight
