"""Which methods and request headers a page may use cross-origin without a
preflight, and which ones a page cannot set at all (Fetch standard)."""

from __future__ import annotations

from .http import is_token, strip_ows

# Fetch "normalize a method": these are upper-cased when they match
# case-insensitively; every other method (PATCH included) is sent as written.
_NORMALIZED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT")
_SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
_FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

_FORBIDDEN_HEADER_NAMES = frozenset({
    "accept-charset", "accept-encoding", "access-control-request-headers",
    "access-control-request-method", "connection", "content-length", "cookie",
    "cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin", "referer",
    "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
})
_METHOD_OVERRIDE_HEADERS = frozenset({"x-http-method", "x-http-method-override", "x-method-override"})

# Fetch "CORS-unsafe request-header byte".
_UNSAFE_BYTES = frozenset(
    [c for c in range(0x20) if c != 0x09]
    + [ord(c) for c in '"():<>?@[\\]{}'] + [0x7F]
)
_LANGUAGE_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")
_SAFELISTED_CONTENT_TYPES = frozenset({
    "application/x-www-form-urlencoded", "multipart/form-data", "text/plain",
})
# Fetch: safelisted header values are short, and so is their sum.
_VALUE_LIMIT = 128
_TOTAL_LIMIT = 1024


def normalize_method(m: str) -> str:
    """Fetch's method normalization: DELETE, GET, HEAD, OPTIONS, POST and PUT
    are upper-cased when they match case-insensitively; others are left as
    they are (``fetch(url, {method: "patch"})`` sends ``patch``)."""
    upper = m.upper()
    return upper if upper in _NORMALIZED_METHODS else m


def is_cors_safelisted_method(m: str) -> bool:
    """GET, HEAD or POST, compared byte for byte: normalize first."""
    return m in _SAFELISTED_METHODS


def is_forbidden_method(m: str) -> bool:
    """CONNECT, TRACE, TRACK in any case: fetch() refuses them outright."""
    return m.upper() in _FORBIDDEN_METHODS


def _byte_length(value: str) -> int:
    # Header values are byte strings; JS hands them over as one byte per
    # code point up to U+00FF, so only wider characters need UTF-8 counting.
    try:
        return len(value.encode("latin-1"))
    except UnicodeEncodeError:
        return len(value.encode("utf-8"))


def _has_unsafe_byte(value: str) -> bool:
    return any(ord(c) in _UNSAFE_BYTES for c in value)


def mime_essence(value: str) -> str | None:
    """The essence (``type/subtype``, lowercased) of a MIME type string per the
    WHATWG MIME Sniffing parser, or None when it does not parse."""
    v = value.strip(" \t\r\n")
    slash = v.find("/")
    if slash <= 0:
        return None
    type_ = v[:slash]
    rest = v[slash + 1:]
    subtype = rest.split(";", 1)[0].rstrip(" \t\r\n")
    if not is_token(type_) or not subtype or not is_token(subtype):
        return None
    return f"{type_.lower()}/{subtype.lower()}"


def parse_single_range(value: str) -> tuple[int | None, int | None] | None:
    """Fetch's "parse a single range header value" without whitespace:
    ``bytes=START-END`` with START or END (or both) present; None on failure."""
    if not value.startswith("bytes="):
        return None
    spec = value[len("bytes="):]
    start_s, dash, end_s = spec.partition("-")
    if not dash:
        return None
    if (start_s and not start_s.isascii()) or (end_s and not end_s.isascii()):
        return None
    if (start_s and not start_s.isdigit()) or (end_s and not end_s.isdigit()):
        return None
    start = int(start_s) if start_s else None
    end = int(end_s) if end_s else None
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        return None
    return start, end


def is_cors_safelisted_request_header(name: str, value: str) -> bool:
    """Fetch's "CORS-safelisted request-header": Accept, Accept-Language,
    Content-Language, Content-Type (form, multipart or text/plain) and a
    simple Range, each with a value of at most 128 bytes and no unsafe bytes.

    ``value`` is taken after the trimming ``Headers`` applies on set.
    """
    lname = name.lower()
    value = strip_ows(value)
    if _byte_length(value) > _VALUE_LIMIT:
        return False
    if lname == "accept":
        return not _has_unsafe_byte(value)
    if lname in ("accept-language", "content-language"):
        return all(c in _LANGUAGE_CHARS for c in value)
    if lname == "content-type":
        if _has_unsafe_byte(value):
            return False
        return mime_essence(value) in _SAFELISTED_CONTENT_TYPES
    if lname == "range":
        parsed = parse_single_range(value)
        # A suffix range ("bytes=-500") is not safelisted.
        return parsed is not None and parsed[0] is not None
    return False


def is_forbidden_request_header(name: str, value: str | None = None) -> bool:
    """Fetch's "forbidden request-header": names a page script cannot set
    (fetch and XHR drop them silently). The X-HTTP-Method(-Override) family is
    forbidden only when ``value`` names CONNECT, TRACE or TRACK."""
    lname = name.lower()
    if lname in _FORBIDDEN_HEADER_NAMES or lname.startswith(("proxy-", "sec-")):
        return True
    if lname in _METHOD_OVERRIDE_HEADERS and value is not None:
        return any(is_forbidden_method(strip_ows(m)) for m in value.split(","))
    return False


def script_headers(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The header list a script actually gets onto a request: values trimmed,
    forbidden headers dropped."""
    out = []
    for name, value in headers:
        value = strip_ows(value)
        if not is_forbidden_request_header(name, value):
            out.append((name, value))
    return out


def cors_unsafe_request_header_names(headers: tuple[tuple[str, str], ...]) -> list[str]:
    """Fetch's "CORS-unsafe request-header names" of a header list:
    lowercased, sorted, without duplicates. Safelisted headers count as
    unsafe too once their values add up to more than 1024 bytes."""
    unsafe: list[str] = []
    maybe: list[str] = []
    total = 0
    for name, value in headers:
        if is_cors_safelisted_request_header(name, value):
            maybe.append(name)
            total += _byte_length(strip_ows(value))
        else:
            unsafe.append(name)
    if total > _TOTAL_LIMIT:
        unsafe.extend(maybe)
    return sorted({n.lower() for n in unsafe})
