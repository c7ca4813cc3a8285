"""HTTP building blocks: request and response types, tokens, header-list
parsing and the ``Access-Control-Max-Age`` value.

Header values are handled the way a browser's network stack sees them after
parsing: leading and trailing spaces and tabs are gone (HTTP's OWS), several
fields of one name stay several, and a header *list* value is the fields
joined with ", ".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .. import memo

# Fetch's "HTTP tab or space": what an HTTP parser strips around a field value.
HTTP_TAB_OR_SPACE = " \t"

# RFC 9110 section 5.6.2: token = 1*tchar.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

# Redirect statuses a browser follows (Fetch's "redirect status"); a 3xx
# without a Location header is no redirect, just a non-ok status.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# What browsers do with Access-Control-Max-Age: no header or an unusable one
# means 5 seconds (Fetch); a larger value than the cap is silently lowered.
MAX_AGE_DEFAULT = 5
MAX_AGE_CAP = {"chrome": 7200, "firefox": 86400}


def is_token(s: str) -> bool:
    """True if ``s`` is an RFC 9110 token (a valid method or header name)."""
    return bool(_TOKEN.fullmatch(s))


def strip_ows(value: str) -> str:
    """``value`` without the leading/trailing spaces and tabs HTTP drops."""
    return value.strip(HTTP_TAB_OR_SPACE)


@dataclass(frozen=True)
class HttpResponse:
    """A concrete HTTP response: status and header fields in the order sent.

    Duplicate fields are kept as sent; names may be in any case.
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()

    def get_all(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in order, with
        surrounding whitespace removed as an HTTP parser does."""
        return list(self._values.get(name.lower(), ()))

    @functools.cached_property
    def _values(self) -> dict[str, list[str]]:
        """Header values by lowercased name: a response is asked about its
        headers many times (answers are shared), so they are indexed once."""
        values: dict[str, list[str]] = {}
        for n, v in self.headers:
            values.setdefault(n.lower(), []).append(strip_ows(v))
        return values

    def combined(self, name: str) -> str | None:
        """The header list value of ``name``: all its values joined with ", "
        (what Chromium and Firefox hand to their CORS code); None if absent."""
        values = self.get_all(name)
        return ", ".join(values) if values else None

    def has(self, name: str) -> bool:
        return name.lower() in self._values

    @property
    def location(self) -> str | None:
        """The Location header (the first one, as a redirect uses)."""
        values = self.get_all("location")
        return values[0] if values else None

    @property
    def is_redirect(self) -> bool:
        """True if a browser treats this response as a redirect."""
        return self.status in REDIRECT_STATUSES and self.location is not None

    @property
    def is_ok(self) -> bool:
        """Fetch's "ok status": 200 to 299."""
        return 200 <= self.status <= 299


@dataclass(frozen=True)
class CorsRequest:
    """A cross-origin request as a page script makes it.

    ``origin`` is the serialized origin of the page ("null" for an opaque one);
    ``headers`` are the author request headers; ``credentials`` means
    credentials mode "include" (fetch ``credentials: 'include'``, XHR
    ``withCredentials``). ``api`` is "fetch" or "xhr". ``redirected_from`` is
    the first URL of a redirect chain when this request is a later hop, and
    ``tainted`` (Fetch's tainted origin flag) makes it send ``Origin: null``
    while the browser still names the page's origin in its messages.
    """

    url: str
    origin: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    api: str = "fetch"
    redirected_from: str | None = None
    tainted: bool = False


# ---------------------------------------------------------------- header lists


def _split_fetch(value: str) -> list[str]:
    """Fetch's "get, decode, and split": split on commas outside quoted
    strings, trimming spaces and tabs around each entry."""
    values: list[str] = []
    current: list[str] = []
    i, n = 0, len(value)
    while True:
        while i < n and value[i] not in '",':
            current.append(value[i])
            i += 1
        if i < n and value[i] == '"':
            # A quoted string is kept whole, quotes and escapes included.
            current.append('"')
            i += 1
            while i < n:
                ch = value[i]
                current.append(ch)
                i += 1
                if ch == "\\" and i < n:
                    current.append(value[i])
                    i += 1
                elif ch == '"':
                    break
            if i < n:
                continue
        values.append(strip_ows("".join(current)))
        current = []
        if i >= n:
            return values
        i += 1  # the comma


def _split_naive(value: str) -> list[str]:
    """Split on every comma, as Firefox's tokenizer does (quotes mean nothing)."""
    return [v.strip(" \t\r\n") for v in value.split(",")]


def parse_header_list(value: str) -> tuple[list[str], list[str]]:
    """Parse a comma-separated list of tokens (Allow-Methods, Allow-Headers,
    Expose-Headers) the way Fetch's "extract header list values" does.

    Returns ``(tokens, invalid_entries)``, both in order. Empty entries are
    skipped (RFC 9110 list syntax allows them, and so do browsers); an entry
    that is not an RFC 9110 token is invalid, and any invalid entry makes the
    whole header unusable to a browser. Commas inside a quoted string do not
    split (Fetch and Chromium); see :func:`firefox_invalid_entry` for the entry
    Firefox names.
    """
    tokens, invalid = _parse_header_list(value)
    return list(tokens), list(invalid)


@memo.per_run  # pure; the same few values are parsed per route
def _parse_header_list(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tokens: list[str] = []
    invalid: list[str] = []
    for entry in _split_fetch(value):
        if not entry:
            continue
        (tokens if is_token(entry) else invalid).append(entry)
    return tuple(tokens), tuple(invalid)


def firefox_invalid_entry(value: str) -> str | None:
    """The first entry Firefox rejects as "invalid token" in a list value, or
    None. Firefox splits on every comma, so for ``"GET, POST"`` it names
    ``"GET`` where Fetch sees one quoted entry."""
    for entry in _split_naive(value):
        if entry and not is_token(entry):
            return entry
    return None


# ---------------------------------------------------------------- max-age

_INT = re.compile(r"[0-9]+")
_NEG_INT = re.compile(r"-[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?[0-9]+[eE][+-]?[0-9]+")


def parse_max_age(value: str) -> tuple[int | None, str | None]:
    """Parse an ``Access-Control-Max-Age`` value (delta-seconds = 1*DIGIT).

    Returns ``(seconds, None)`` for a non-negative integer, else
    ``(None, problem)`` with a short reason; browsers then use their default
    (5 s, Fetch) instead of the value.
    """
    v = strip_ows(value)
    if not v:
        return None, "is empty"
    if _INT.fullmatch(v):
        return int(v), None
    if _NEG_INT.fullmatch(v):
        return None, "is negative"
    if "," in v:
        return None, "holds several values"
    if v.startswith("+") and _INT.fullmatch(v[1:]):
        return None, "has a plus sign"
    if _DECIMAL.fullmatch(v):
        return None, "is not an integer"
    return None, "is not a number"


def honoured_max_age(seconds: int, browser: str) -> int:
    """How long ``browser`` ("chrome" or "firefox") caches a preflight that
    asked for ``seconds``."""
    return min(seconds, MAX_AGE_CAP[browser])
