"""The engine's pure helpers: origins, header lists, methods, request headers,
max-age."""

from __future__ import annotations

import pytest

from corslint.engine import (
    MAX_AGE_CAP,
    CorsRequest,
    Origin,
    display_url,
    honoured_max_age,
    is_cors_safelisted_method,
    is_cors_safelisted_request_header,
    is_forbidden_request_header,
    is_token,
    mime_essence,
    needs_preflight,
    normalize_method,
    origin_value_problem,
    parse_header_list,
    parse_max_age,
    parse_origin,
    split_origins,
    unsafe_request_header_names,
)
from corslint.engine.http import firefox_invalid_entry

URL = "http://api.localtest:8080/data"
ORIGIN = "http://app.localtest:8081"

# ---------------------------------------------------------------- origins


@pytest.mark.parametrize("text, serialized", [
    ("http://app.localtest:8081", "http://app.localtest:8081"),
    ("HTTPS://Example.COM:443/path?q#f", "https://example.com"),
    ("http://example.com:80", "http://example.com"),
    ("https://example.com:8443", "https://example.com:8443"),
    ("ws://example.com:80", "ws://example.com"),
    ("http://example.com:", "http://example.com"),
    ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
    ("http://[2001:DB8:0:0:1:0:0:1]", "http://[2001:db8::1:0:0:1]"),
    ("http://[::ffff:1.2.3.4]", "http://[::ffff:102:304]"),
    ("http://127.1", "http://127.0.0.1"),
    ("http://0x7f.0.0.1:3000", "http://127.0.0.1:3000"),
    ("http://bücher.example", "http://xn--bcher-kva.example"),
    ("http://user:pw@example.com", "http://example.com"),
    ("http://*.example.com", "http://*.example.com"),
    ("null", "null"),
    ("file:///etc/passwd", "null"),
])
def test_parse_origin_serializes_like_a_browser(text, serialized):
    origin = parse_origin(text)
    assert origin is not None
    assert origin.serialize() == serialized


@pytest.mark.parametrize("text", [
    "", "example.com", "*.example.com", "app.localtest:8081", "http://", "http://a:99999",
    "http://a:8o", "http://[::1", "http://[::1]x", "http://a b.com", "http://256.0.0.1",
])
def test_parse_origin_rejects(text):
    assert parse_origin(text) is None


def test_origin_fields():
    assert parse_origin("https://API.example.com:8443/x") == Origin("https", "api.example.com", 8443)
    assert parse_origin("https://api.example.com:443") == Origin("https", "api.example.com", None)
    null = parse_origin("null")
    assert null.opaque and null.serialize() == "null" and str(null) == "null"


@pytest.mark.parametrize("value", [
    "*", "null", "http://app.localtest:8081", "https://example.com", "http://[::1]:3000",
    "http://127.0.0.1:8080", "https://xn--bcher-kva.example", "chrome-extension://abcdef",
])
def test_origin_value_ok(value):
    assert origin_value_problem(value) is None


@pytest.mark.parametrize("value, problem", [
    ("", "is empty"),
    (" https://example.com", "has surrounding whitespace"),
    ("https://example.com\n", "has surrounding whitespace"),
    ("https://a.example, https://b.example", "holds several origins"),
    ("https://a.example https://b.example", "holds several origins"),
    ("https://example.com,", "contains a comma"),
    ("*.example.com", "uses a wildcard subdomain"),
    ("https://*.example.com", "uses a wildcard subdomain"),
    ("https://api*.example.com", "contains a wildcard"),
    ("example.com", "has no scheme"),
    ("app.localtest:8081", "has no scheme"),
    ("//example.com", "has no scheme"),
    ("https:/example.com", "is missing '//' after the scheme"),
    ("HTTPS://example.com", "has an uppercase scheme"),
    ("https://Example.com", "has an uppercase host"),
    ("https://example.com/", "has a trailing slash"),
    ("https://example.com/app", "has a path"),
    ("https://example.com?x=1", "has a query"),
    ("https://example.com#top", "has a fragment"),
    ("https://user@example.com", "has a username or password"),
    ("https://example.com:443", "names the default port 443 explicitly"),
    ("http://example.com:80", "names the default port 80 explicitly"),
    ("http://example.com:99999", "port out of range"),
    ("http://example.com:08080", "port has leading zeros"),
    ("http://example.com:0080", "names the default port 80 explicitly"),
    ("http://example.com:", "has an empty port"),
    ("http://example.com:http", "has an invalid port"),
    ("file:///srv/app", "is a file URL, whose origin is 'null'"),
    ("wss://example.com", "uses the 'wss' scheme, which no page has"),
    ("http://[0:0::1]", "is not written as a browser serializes it ('http://[::1]')"),
    ("http://bücher.example", "is not written as a browser serializes it "
                              "('http://xn--bcher-kva.example')"),
    ("http://exa%mple.com", "has an invalid host"),
])
def test_origin_value_problem(value, problem):
    assert origin_value_problem(value) == problem


def test_split_origins():
    assert split_origins("https://a.example, https://b.example") == ["https://a.example", "https://b.example"]
    assert split_origins("https://a.example https://b.example") == ["https://a.example", "https://b.example"]
    assert split_origins("https://a.example") == ["https://a.example"]
    assert split_origins(" , ") == []


def test_display_url():
    assert display_url("http://API.localtest:8080") == "http://api.localtest:8080/"
    assert display_url("https://api.example.com:443/v1?x=1") == "https://api.example.com/v1?x=1"
    assert display_url("not a url") == "not a url"


# ---------------------------------------------------------------- header lists


@pytest.mark.parametrize("value, tokens, invalid", [
    ("GET, POST", ["GET", "POST"], []),
    ("GET,POST,\tPUT ", ["GET", "POST", "PUT"], []),
    ("GET,, POST, ", ["GET", "POST"], []),
    ("", [], []),
    ("GET; POST", [], ["GET; POST"]),
    ('"GET"', [], ['"GET"']),
    ('"GET, POST", PUT', ["PUT"], ['"GET, POST"']),
    ("GET POST", [], ["GET POST"]),
    ("GET, POST/PUT", ["GET"], ["POST/PUT"]),
    # `|` is an RFC 9110 tchar: this is one valid token, a method nobody uses.
    ("GET|POST", ["GET|POST"], []),
    ("*", ["*"], []),
])
def test_parse_header_list(value, tokens, invalid):
    assert parse_header_list(value) == (tokens, invalid)


def test_firefox_invalid_entry_splits_quotes_naively():
    assert firefox_invalid_entry('"GET, POST"') == '"GET'
    assert firefox_invalid_entry("GET; POST") == "GET; POST"
    assert firefox_invalid_entry("GET, POST") is None


@pytest.mark.parametrize("s, ok", [
    ("GET", True), ("X-Custom-Header", True), ("*", True), ("a|b", True), ("~!#$%&'*+-.^_`", True),
    ("", False), ("GET POST", False), ("a;b", False), ('"a"', False), ("a/b", False),
    ("a,b", False), ("ümlaut", False), ("a:b", False),
])
def test_is_token(s, ok):
    assert is_token(s) is ok


# ---------------------------------------------------------------- methods


@pytest.mark.parametrize("method, normalized", [
    ("get", "GET"), ("Post", "POST"), ("delete", "DELETE"), ("options", "OPTIONS"),
    ("head", "HEAD"), ("put", "PUT"), ("PUT", "PUT"),
    ("patch", "patch"), ("PATCH", "PATCH"), ("Patch", "Patch"), ("purge", "purge"),
])
def test_normalize_method(method, normalized):
    assert normalize_method(method) == normalized


def test_safelisted_methods_are_byte_case_sensitive():
    assert all(is_cors_safelisted_method(m) for m in ("GET", "HEAD", "POST"))
    assert not is_cors_safelisted_method("get")  # normalize first
    assert is_cors_safelisted_method(normalize_method("get"))
    assert not any(is_cors_safelisted_method(m) for m in ("PUT", "PATCH", "DELETE", "OPTIONS"))


# ---------------------------------------------------------------- request headers


@pytest.mark.parametrize("name, value, ok", [
    ("Content-Type", "text/plain", True),
    ("content-type", "text/plain;charset=UTF-8", True),
    ("Content-Type", "Text/Plain ; charset=utf-8", True),
    ("Content-Type", "multipart/form-data; boundary=----x", True),
    ("Content-Type", "application/x-www-form-urlencoded", True),
    ("Content-Type", "application/json", False),
    ("Content-Type", "text/plain, application/json", False),
    ("Content-Type", 'text/plain; charset="utf-8"', False),  # `"` is an unsafe byte
    ("Content-Type", "text/", False),
    ("Content-Type", "text/plain; a=" + "x" * 120, False),   # over 128 bytes
    ("Accept", "application/json, text/plain, */*", True),
    ("Accept", "text/html(1)", False),
    ("Accept-Language", "en-US,en;q=0.9", True),
    ("Content-Language", "de-DE", True),
    ("Accept-Language", "en_US", False),
    ("Range", "bytes=0-499", True),
    ("Range", "bytes=500-", True),
    ("Range", "bytes=-500", False),
    ("Range", "bytes=0-1,3-4", False),
    ("Range", "bytes = 0-1", False),
    ("Range", "bytes=5-1", False),
    ("Authorization", "Bearer x", False),
    ("X-Requested-With", "XMLHttpRequest", False),
])
def test_safelisted_request_header(name, value, ok):
    assert is_cors_safelisted_request_header(name, value) is ok


def test_mime_essence():
    assert mime_essence(" text/PLAIN ;charset=x") == "text/plain"
    assert mime_essence("text") is None
    assert mime_essence("/plain") is None


@pytest.mark.parametrize("name, value, forbidden", [
    ("Cookie", None, True), ("host", None, True), ("Origin", None, True),
    ("Content-Length", None, True), ("Proxy-Authorization", None, True),
    ("Sec-Fetch-Mode", None, True), ("Authorization", None, False), ("X-Custom", None, False),
    ("X-HTTP-Method-Override", "TRACE", True), ("X-HTTP-Method-Override", "PUT", False),
    ("X-Method-Override", "get, connect", True), ("X-HTTP-Method", None, False),
])
def test_forbidden_request_header(name, value, forbidden):
    assert is_forbidden_request_header(name, value) is forbidden


def test_unsafe_request_header_names_sorted_lowercase_deduplicated():
    req = CorsRequest(URL, ORIGIN, headers=(
        ("X-B", "1"), ("x-a", "2"), ("X-B", "3"), ("Content-Type", "application/json"),
        ("Accept", "*/*"), ("Cookie", "dropped"),
    ))
    assert unsafe_request_header_names(req) == ["content-type", "x-a", "x-b"]


def test_safelisted_headers_become_unsafe_over_1024_bytes():
    accept = ("Accept", "a" * 120)
    assert unsafe_request_header_names(CorsRequest(URL, ORIGIN, headers=(accept,) * 8)) == []
    assert unsafe_request_header_names(CorsRequest(URL, ORIGIN, headers=(accept,) * 9)) == ["accept"]


@pytest.mark.parametrize("method, headers, expected", [
    ("GET", (), False),
    ("get", (), False),
    ("POST", (("Content-Type", "text/plain"),), False),
    ("POST", (("Content-Type", "application/json"),), True),
    ("GET", (("Authorization", "Bearer t"),), True),
    ("GET", (("Cookie", "a=b"),), False),   # forbidden: never sent by a script
    ("PUT", (), True),
    ("patch", (), True),
    ("DELETE", (), True),
])
def test_needs_preflight(method, headers, expected):
    assert needs_preflight(CorsRequest(URL, ORIGIN, method=method, headers=headers)) is expected


# ---------------------------------------------------------------- max-age


@pytest.mark.parametrize("value, parsed", [
    ("600", (600, None)),
    (" 7200 ", (7200, None)),
    ("0", (0, None)),
    ("86400", (86400, None)),
    ("-1", (None, "is negative")),
    ("1.5", (None, "is not an integer")),
    ("1e3", (None, "is not an integer")),
    ("+60", (None, "has a plus sign")),
    ("", (None, "is empty")),
    ("600, 600", (None, "holds several values")),
    ("ten", (None, "is not a number")),
])
def test_parse_max_age(value, parsed):
    assert parse_max_age(value) == parsed


def test_max_age_caps():
    assert MAX_AGE_CAP == {"chrome": 7200, "firefox": 86400}
    assert honoured_max_age(86400, "chrome") == 7200
    assert honoured_max_age(86400, "firefox") == 86400
    assert honoured_max_age(600, "chrome") == 600
