"""Origins: parsing and serializing them as a browser does (WHATWG URL and
HTML), and judging an ``Access-Control-Allow-Origin`` value.

A browser compares ``Access-Control-Allow-Origin`` with the page's serialized
origin byte for byte, so any value that is not exactly ``*``, ``null`` or a
serialized origin can never match. The URL handling here covers what origins
need (scheme, host, port); it is not a full URL parser.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from .. import memo

SPECIAL_SCHEMES = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21, "file": None}

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
# WHATWG URL "forbidden host code point" and "forbidden domain code point".
_FORBIDDEN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN = _FORBIDDEN_HOST | frozenset(chr(c) for c in range(0x20)) | {"%", "\x7f"}
# The URL parser trims these from both ends of its input.
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


@dataclass(frozen=True)
class Origin:
    """An origin. ``port`` is None when it is the scheme's default (or absent).

    An opaque origin (what ``null`` stands for) has an empty scheme and host.
    """

    scheme: str
    host: str
    port: int | None = None

    @property
    def opaque(self) -> bool:
        return not self.scheme

    def serialize(self) -> str:
        """The serialized origin: ``scheme://host[:port]`` or ``null``."""
        if self.opaque:
            return "null"
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{self.host}{port}"

    def __str__(self) -> str:
        return self.serialize()


OPAQUE = Origin("", "", None)


# ---------------------------------------------------------------- URL pieces


@dataclass(frozen=True)
class _RawURL:
    """A URL cut into raw pieces, nothing normalized yet."""

    scheme: str               # as written
    has_authority: bool
    userinfo: str | None
    host: str                 # as written
    port: str | None          # as written; None when there is no ':'
    rest: str                 # path, query and fragment as written


_SPECIAL_STOP = re.compile(r"[/\\?#]")  # where a special URL's authority ends
_STOP = re.compile(r"[/?#]")


def _split(text: str) -> _RawURL | None:
    m = _SCHEME.match(text)
    if not m or m.end() >= len(text) or text[m.end()] != ":":
        return None
    scheme = text[: m.end()]
    after = text[m.end() + 1:]
    special = scheme.lower() in SPECIAL_SCHEMES
    if special:
        # Special URLs ignore any number of slashes (and backslashes) here.
        stripped = after.lstrip("/\\")
        has_authority = True
    elif after.startswith("//"):
        stripped = after[2:]
        has_authority = True
    else:
        return _RawURL(scheme, False, None, "", None, after)
    found = (_SPECIAL_STOP if special else _STOP).search(stripped)
    end = found.start() if found else len(stripped)
    authority, rest = stripped[:end], stripped[end:]
    userinfo = None
    if "@" in authority:
        userinfo, authority = authority.rsplit("@", 1)
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            host, port = authority, None
        else:
            host, tail = authority[: close + 1], authority[close + 1:]
            if tail and not tail.startswith(":"):
                host, port = authority, None  # junk after "]": an invalid host
            else:
                port = tail[1:] if tail else None
    elif ":" in authority:
        host, port = authority.split(":", 1)
    else:
        host, port = authority, None
    return _RawURL(scheme, has_authority, userinfo, host, port, rest)


def _ipv4_number(part: str) -> int | None:
    if not part:
        return None
    base = 10
    if part[:2] in ("0x", "0X"):
        part, base = part[2:], 16
        if not part:
            return 0
    elif len(part) > 1 and part[0] == "0":
        part, base = part[1:], 8
    try:
        if not part.isascii():
            return None
        return int(part, base)
    except ValueError:
        return None


def _ends_in_number(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    if last and last.isascii() and last.isdigit():
        return True
    return last[:2] in ("0x", "0X") and _ipv4_number(last) is not None


def _parse_ipv4(host: str) -> str | None:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    if any(n > 255 for n in numbers[:-1]):  # type: ignore[operator]
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):  # type: ignore[operator]
        return None
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n * 256 ** (3 - i)  # type: ignore[operator]
    return str(ipaddress.IPv4Address(value))


def _serialize_ipv6(address: ipaddress.IPv6Address) -> str:
    """The URL standard's IPv6 serialization: lowercase hex, the first longest
    run of two or more zero pieces compressed to ``::``, no dotted quad."""
    raw = address.packed
    pieces = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, 16, 2)]
    best_start, best_len, i = -1, 1, 0
    while i < 8:
        if pieces[i] == 0:
            j = i
            while j < 8 and pieces[j] == 0:
                j += 1
            if j - i > best_len:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    if best_start == -1:
        return ":".join(f"{p:x}" for p in pieces)
    head = ":".join(f"{p:x}" for p in pieces[:best_start])
    tail = ":".join(f"{p:x}" for p in pieces[best_start + best_len:])
    return f"{head}::{tail}"


def _canonical_host(raw: str, special: bool) -> str | None:
    """The host as a browser serializes it, or None if the URL is invalid."""
    if raw.startswith("["):
        if not raw.endswith("]"):
            return None
        try:
            return "[" + _serialize_ipv6(ipaddress.IPv6Address(raw[1:-1])) + "]"
        except ValueError:
            return None
    if not special:
        if any(c in _FORBIDDEN_HOST for c in raw):
            return None
        # an opaque host keeps its text, C0 controls and non-ASCII
        # percent-encoded (URL standard's opaque-host parser)
        return "".join(c if 0x20 < ord(c) < 0x7F else quote(c, safe="") for c in raw)
    domain = unquote(raw, errors="replace")
    if not domain:
        return None
    if domain.isascii():
        domain = domain.lower()
    else:
        # Python's IDNA 2003 codec stands in for UTS #46 processing.
        try:
            domain = ".".join(
                label.encode("idna").decode("ascii") if label else label
                for label in domain.split(".")
            ).lower()
        except UnicodeError:
            return None
    if not _FORBIDDEN_DOMAIN.isdisjoint(domain):
        return None
    if _ends_in_number(domain):
        return _parse_ipv4(domain)
    return domain


def _canonical_port(raw: str | None, scheme: str) -> tuple[bool, int | None]:
    """(valid, port): port None when absent, empty or the default."""
    if raw is None or raw == "":
        return True, None
    if not (raw.isascii() and raw.isdigit()):
        return False, None
    port = int(raw)
    if port > 65535:
        return False, None
    if SPECIAL_SCHEMES.get(scheme) == port:
        return True, None
    return True, port


@dataclass(frozen=True)
class URLParts:
    """A URL's parts after a browser has normalized them."""

    scheme: str
    userinfo: str | None
    host: str
    port: int | None
    rest: str

    def origin(self) -> Origin:
        if self.scheme == "file" or not self.host:
            return OPAQUE
        return Origin(self.scheme, self.host, self.port)

    def serialize(self) -> str:
        auth = f"{self.userinfo}@" if self.userinfo else ""
        port = f":{self.port}" if self.port is not None else ""
        rest = self.rest
        if self.scheme in SPECIAL_SCHEMES and not rest.startswith(("/", "\\")):
            rest = "/" + rest
        return f"{self.scheme}://{auth}{self.host}{port}{rest.replace(chr(92), '/')}"


# An origin already in the form a browser sends: lowercase http(s), a
# lowercase ASCII host of non-empty labels made of characters the URL standard
# keeps as they are, the last label starting with a letter (so it is no IPv4
# address), an optional port without leading zeros. Most origins in configs,
# and the candidates the allowlist analysis tries, look like this; such a text
# needs none of the URL parser's work (tests/test_origin_fast_path.py holds the
# two ways to the same answers).
_LABEL = r"[a-z0-9_`!~$&'()+;={}-]"
_PLAIN_ORIGIN = re.compile(
    rf"(https?)://((?:{_LABEL}+\.)*[a-z]{_LABEL}*)(?::([1-9][0-9]{{0,4}}))?")


def _plain_origin(text: str) -> Origin | None:
    """``text`` as an Origin when it matches _PLAIN_ORIGIN with a port that is
    in range and not the scheme's default; None means "ask the full parser"."""
    m = _PLAIN_ORIGIN.fullmatch(text)
    if m is None:
        return None
    scheme, host, port_text = m.groups()
    if port_text is None:
        return Origin(scheme, host, None)
    port = int(port_text)
    if port > 65535 or port == SPECIAL_SCHEMES[scheme]:
        return None
    return Origin(scheme, host, port)


@memo.per_run  # pure, and checks ask about the same few URLs per route
def parse_url(text: str) -> URLParts | None:
    """Parse an absolute URL with an authority (``scheme://host...``) the way a
    browser would; None when a browser rejects it or it has no host."""
    plain = _plain_origin(text)
    if plain is not None:
        return URLParts(plain.scheme, None, plain.host, plain.port, "")
    return _parse_url_full(text)


def _parse_url_full(text: str) -> URLParts | None:
    raw = _split(text.strip(_C0_OR_SPACE))
    if raw is None or not raw.has_authority:
        return None
    scheme = raw.scheme.lower()
    special = scheme in SPECIAL_SCHEMES
    if scheme == "file":
        return URLParts(scheme, None, "", None, raw.rest)
    host = _canonical_host(raw.host, special)
    ok, port = _canonical_port(raw.port, scheme)
    if host is None or not ok or (special and not host):
        return None
    return URLParts(scheme, raw.userinfo or None, host, port, raw.rest)


def parse_origin(text: str) -> Origin | None:
    """The origin a browser derives from ``text`` (a serialized origin or a URL):
    scheme and host lowercased, the default port dropped, IP addresses in
    canonical form. ``null`` and file URLs give the opaque origin. None when
    ``text`` is not a URL with a host (``example.com``, ``*.example.com``,
    ``http://a:99999``).

    A host like ``*.example.com`` after a scheme is a syntactically valid URL
    host to a browser, so ``http://*.example.com`` parses (to an origin no page
    can have); :func:`origin_value_problem` says what is wrong with it.
    """
    if text == "null":
        return OPAQUE
    parts = parse_url(text)
    return parts.origin() if parts is not None else None


def url_origin(url: str) -> Origin | None:
    """The origin of a request URL."""
    parts = parse_url(url)
    return parts.origin() if parts is not None else None


def display_url(url: str) -> str:
    """``url`` as browsers print it in console messages (scheme and host
    normalized, ``/`` for an empty path); unchanged if it does not parse."""
    parts = parse_url(url)
    return parts.serialize() if parts is not None else url


def url_has_credentials(url: str) -> bool:
    """True if the URL carries ``user[:password]@``."""
    raw = _split(url.strip())
    return bool(raw is not None and raw.userinfo)


def chromium_accepts_url(value: str) -> bool:
    """Whether Chromium's URL parser (GURL) takes ``value`` as a valid URL.

    Chromium reports an ``Access-Control-Allow-Origin`` value that fails here as
    InvalidAllowOriginValue and any other mismatch as AllowOriginMismatch.
    Without a scheme nothing parses; ``host:port`` parses as scheme ``host``.
    """
    raw = _split(value)
    if raw is None:
        return False
    scheme = raw.scheme.lower()
    if scheme not in SPECIAL_SCHEMES or scheme == "file":
        return True
    host = _canonical_host(raw.host, True)
    ok, _ = _canonical_port(raw.port, scheme)
    return bool(host) and ok


# ---------------------------------------------------------------- ACAO values


def split_origins(value: str) -> list[str]:
    """The origins listed in one header value, split on commas and whitespace
    (``"a, b"`` and ``"a b"`` both give ``["a", "b"]``)."""
    return [p for p in re.split(r"[\s,]+", value) if p]


@memo.per_run
def origin_value_problem(value: str) -> str | None:
    """Why an ``Access-Control-Allow-Origin`` value can never match a page's
    origin, or None if it is ``*``, ``null`` or a serialized origin exactly as
    a browser sends it in ``Origin``."""
    if value == "":
        return "is empty"
    if _plain_origin(value) is not None:
        return None
    return _origin_value_problem_full(value)


def _origin_value_problem_full(value: str) -> str | None:
    if value != value.strip():
        return "has surrounding whitespace"
    if value in ("*", "null"):
        return None
    if len(split_origins(value)) > 1:
        return "holds several origins"
    if "," in value:
        return "contains a comma"
    if "*" in value:
        host_part = value.split("://", 1)[-1]
        if host_part.startswith("*.") or value.startswith("*."):
            return "uses a wildcard subdomain"
        return "contains a wildcard"
    m = _SCHEME.match(value)
    if not m or not value[m.end():].startswith("://"):
        if m and value[m.end():].startswith(":") and m.group().lower() in SPECIAL_SCHEMES:
            return "is missing '//' after the scheme"
        return "has no scheme"
    raw = _split(value)
    assert raw is not None  # a scheme followed by "://" always splits
    scheme = raw.scheme
    if scheme != scheme.lower():
        return "has an uppercase scheme"
    if scheme == "file":
        return "is a file URL, whose origin is 'null'"
    if scheme in ("ws", "wss"):
        return f"uses the '{scheme}' scheme, which no page has"
    if raw.userinfo is not None:
        return "has a username or password"
    if raw.rest == "/":
        return "has a trailing slash"
    if raw.rest.startswith(("/", "\\")):
        return "has a path"
    if raw.rest.startswith("?"):
        return "has a query"
    if raw.rest.startswith("#"):
        return "has a fragment"
    if not raw.host:
        return "has no host"
    if raw.port is not None:
        if raw.port == "":
            return "has an empty port"
        if not (raw.port.isascii() and raw.port.isdigit()):
            return "has an invalid port"
        port = int(raw.port)
        if port > 65535:
            return "port out of range"
        if SPECIAL_SCHEMES.get(scheme) == port:
            return f"names the default port {port} explicitly"
        if raw.port != str(port):
            return "port has leading zeros"
    special = scheme in SPECIAL_SCHEMES
    host = _canonical_host(raw.host, special)
    if host is None:
        return "has an invalid host"
    if raw.host.isascii() and raw.host != raw.host.lower():
        return "has an uppercase host"
    origin = parse_origin(value)
    if origin is None or origin.serialize() != value:
        shown = origin.serialize() if origin is not None else None
        if shown:
            return f"is not written as a browser serializes it ('{shown}')"
        return "is not a valid origin"
    return None
