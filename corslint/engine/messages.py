"""Failure kinds and the catalogue that renders each one as the console text
Chromium and Firefox print.

Texts follow the project's observations of real browsers (BROWSER_MESSAGES.md:
Chromium 156, Firefox ESR 153). Kinds those observations do not cover use the
wording of Chromium's ``cors_error_string.cc`` and Firefox's
``security.properties``; each such text is marked "not observed" below.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .http import CorsRequest
from .origin import display_url, parse_origin

_PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: "
# Chromium 156 ends the ACAO value complaints with this sentence (observed for
# multiple values and mismatch; assumed for the invalid-value text, which
# shares the suffix in Chromium's source).
_VALID_VALUE_HINT = " Have the server send the header with a valid value."

_ACAO = "‘Access-Control-Allow-Origin’"


class FailureKind(enum.Enum):
    """One member per distinct browser outcome."""

    # The CORS check (actual or redirect response).
    MISSING_ALLOW_ORIGIN = "missing-allow-origin"
    WILDCARD_WITH_CREDENTIALS = "wildcard-with-credentials"
    MULTIPLE_ALLOW_ORIGIN = "multiple-allow-origin"              # two or more ACAO fields
    MULTIPLE_ORIGINS_IN_VALUE = "multiple-origins-in-value"      # one field "a, b" / "a b"
    INVALID_ALLOW_ORIGIN_VALUE = "invalid-allow-origin-value"    # Chromium cannot parse it as a URL
    ALLOW_ORIGIN_MISMATCH = "allow-origin-mismatch"              # a URL, but not the origin
    INVALID_ALLOW_CREDENTIALS = "invalid-allow-credentials"
    # The same checks on a preflight response.
    PREFLIGHT_MISSING_ALLOW_ORIGIN = "preflight-missing-allow-origin"
    PREFLIGHT_WILDCARD_WITH_CREDENTIALS = "preflight-wildcard-with-credentials"
    PREFLIGHT_MULTIPLE_ALLOW_ORIGIN = "preflight-multiple-allow-origin"
    PREFLIGHT_MULTIPLE_ORIGINS_IN_VALUE = "preflight-multiple-origins-in-value"
    PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE = "preflight-invalid-allow-origin-value"
    PREFLIGHT_ALLOW_ORIGIN_MISMATCH = "preflight-allow-origin-mismatch"
    PREFLIGHT_INVALID_ALLOW_CREDENTIALS = "preflight-invalid-allow-credentials"
    # The rest of the CORS-preflight fetch.
    PREFLIGHT_INVALID_STATUS = "preflight-invalid-status"
    PREFLIGHT_REDIRECT = "preflight-redirect"
    INVALID_ALLOW_METHODS_TOKEN = "invalid-allow-methods-token"
    INVALID_ALLOW_HEADERS_TOKEN = "invalid-allow-headers-token"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    HEADER_NOT_ALLOWED = "header-not-allowed"
    # HTTP-redirect fetch.
    REDIRECT_CONTAINS_CREDENTIALS = "redirect-contains-credentials"

    @property
    def is_preflight(self) -> bool:
        """True for kinds only a preflight response produces."""
        return self in _PREFLIGHT_KINDS

    def preflight_variant(self) -> "FailureKind":
        """The kind the same CORS-check failure has on a preflight response."""
        return _TO_PREFLIGHT.get(self, self)

    @property
    def base(self) -> "FailureKind":
        """The CORS-check kind behind a preflight variant (itself otherwise)."""
        return _FROM_PREFLIGHT.get(self, self)


_K = FailureKind
_TO_PREFLIGHT = {
    _K.MISSING_ALLOW_ORIGIN: _K.PREFLIGHT_MISSING_ALLOW_ORIGIN,
    _K.WILDCARD_WITH_CREDENTIALS: _K.PREFLIGHT_WILDCARD_WITH_CREDENTIALS,
    _K.MULTIPLE_ALLOW_ORIGIN: _K.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN,
    _K.MULTIPLE_ORIGINS_IN_VALUE: _K.PREFLIGHT_MULTIPLE_ORIGINS_IN_VALUE,
    _K.INVALID_ALLOW_ORIGIN_VALUE: _K.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE,
    _K.ALLOW_ORIGIN_MISMATCH: _K.PREFLIGHT_ALLOW_ORIGIN_MISMATCH,
    _K.INVALID_ALLOW_CREDENTIALS: _K.PREFLIGHT_INVALID_ALLOW_CREDENTIALS,
}
_FROM_PREFLIGHT = {v: k for k, v in _TO_PREFLIGHT.items()}
_PREFLIGHT_KINDS = frozenset(_FROM_PREFLIGHT) | {
    _K.PREFLIGHT_INVALID_STATUS, _K.PREFLIGHT_REDIRECT, _K.INVALID_ALLOW_METHODS_TOKEN,
    _K.INVALID_ALLOW_HEADERS_TOKEN, _K.METHOD_NOT_ALLOWED, _K.HEADER_NOT_ALLOWED,
}


@dataclass(frozen=True)
class _Text:
    cors_error: str      # Chromium's mojom CorsError name
    chrome: str          # REASON; {value} is the failed parameter
    firefox: str         # Reason text; {value} as Firefox names it
    prefixed: bool = False  # Chromium puts the preflight prefix in front


_MULTIPLE = ("The 'Access-Control-Allow-Origin' header contains multiple values '{value}', "
             "but only one is allowed." + _VALID_VALUE_HINT)
_INVALID = ("The 'Access-Control-Allow-Origin' header contains the invalid value '{value}'."
            + _VALID_VALUE_HINT)  # not observed
_MISMATCH = ("The 'Access-Control-Allow-Origin' header has a value '{value}' that is not "
             "equal to the supplied origin." + _VALID_VALUE_HINT)
_MISSING = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
_WILDCARD = ("The value of the 'Access-Control-Allow-Origin' header in the response must not "
             "be the wildcard '*' when the request's credentials mode is 'include'.")
_CREDENTIALS = ("The value of the 'Access-Control-Allow-Credentials' header in the response "
                "is '{value}' which must be 'true' when the request's credentials mode is "
                "'include'.")

_FF_MISSING = f"CORS header {_ACAO} missing"
_FF_NO_MATCH = f"CORS header {_ACAO} does not match ‘{{value}}’"
_FF_MULTIPLE = f"Multiple CORS header {_ACAO} not allowed"
_FF_WILDCARD = f"Credential is not supported if the CORS header {_ACAO} is ‘*’"
_FF_CREDENTIALS = "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’"
_FF_PREFLIGHT_FAILED = "CORS preflight response did not succeed"
_FF_DID_NOT_SUCCEED = "CORS request did not succeed"

_CHECK_TEXTS = {
    _K.MISSING_ALLOW_ORIGIN: ("MissingAllowOriginHeader", _MISSING, _FF_MISSING),
    _K.WILDCARD_WITH_CREDENTIALS: ("WildcardOriginNotAllowed", _WILDCARD, _FF_WILDCARD),
    _K.MULTIPLE_ALLOW_ORIGIN: ("MultipleAllowOriginValues", _MULTIPLE, _FF_MULTIPLE),
    _K.MULTIPLE_ORIGINS_IN_VALUE: ("MultipleAllowOriginValues", _MULTIPLE, _FF_NO_MATCH),
    _K.INVALID_ALLOW_ORIGIN_VALUE: ("InvalidAllowOriginValue", _INVALID, _FF_NO_MATCH),
    _K.ALLOW_ORIGIN_MISMATCH: ("AllowOriginMismatch", _MISMATCH, _FF_NO_MATCH),
    _K.INVALID_ALLOW_CREDENTIALS: ("InvalidAllowCredentials", _CREDENTIALS, _FF_CREDENTIALS),
}

CATALOGUE: dict[FailureKind, _Text] = {}
for _kind, (_name, _chrome, _firefox) in _CHECK_TEXTS.items():
    CATALOGUE[_kind] = _Text(_name, _chrome, _firefox)
    CATALOGUE[_kind.preflight_variant()] = _Text("Preflight" + _name, _chrome, _firefox, prefixed=True)

CATALOGUE.update({
    _K.PREFLIGHT_INVALID_STATUS: _Text(
        "PreflightInvalidStatus", "It does not have HTTP ok status.", _FF_PREFLIGHT_FAILED,
        prefixed=True),
    _K.PREFLIGHT_REDIRECT: _Text(
        "PreflightDisallowedRedirect", "Redirect is not allowed for a preflight request.",
        "CORS request external redirect not allowed", prefixed=True),
    # Chromium text not observed (from its source); Firefox from security.properties.
    _K.INVALID_ALLOW_METHODS_TOKEN: _Text(
        "InvalidAllowMethodsPreflightResponse",
        "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
        "invalid token ‘{value}’ in CORS header ‘Access-Control-Allow-Methods’"),
    _K.INVALID_ALLOW_HEADERS_TOKEN: _Text(
        "InvalidAllowHeadersPreflightResponse",
        "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
        "invalid token ‘{value}’ in CORS header ‘Access-Control-Allow-Headers’"),
    _K.METHOD_NOT_ALLOWED: _Text(
        "MethodDisallowedByPreflightResponse",
        "Method {value} is not allowed by Access-Control-Allow-Methods in preflight response.",
        "Did not find method in CORS header ‘Access-Control-Allow-Methods’"),
    _K.HEADER_NOT_ALLOWED: _Text(
        "HeaderDisallowedByPreflightResponse",
        "Request header field {value} is not allowed by Access-Control-Allow-Headers in "
        "preflight response.",
        "header ‘{value}’ is not allowed according to header ‘Access-Control-Allow-Headers’ "
        "from CORS preflight response"),
    # Not observed. Chromium passes no parameter here, so the location prints
    # as ''; Firefox refuses such a redirect without a reason of its own.
    _K.REDIRECT_CONTAINS_CREDENTIALS: _Text(
        "RedirectContainsCredentials",
        "Redirect location '' contains a username and password, which is disallowed for "
        "cross-origin requests.",
        _FF_DID_NOT_SUCCEED),
})


def _status_text(status: int | None) -> str:
    return str(status) if status is not None else "(null)"


# Observed with Firefox ESR 153 in the truth tier: only these reasons are
# followed by "Status code: N."; every other line ends at "(Reason: ...).".
_FF_WITH_STATUS = (_FF_MISSING, _FF_PREFLIGHT_FAILED, _FF_DID_NOT_SUCCEED)
# ... and the wildcard-with-credentials line quotes the URL.
_FF_QUOTED_URL = (_FF_WILDCARD,)


def _firefox_line(url: str, reason: str, status: int | None) -> str:
    shown = display_url(url)
    if reason in _FF_QUOTED_URL:
        shown = f"‘{shown}’"
    line = ("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
            f"resource at {shown}. (Reason: {reason}).")
    if reason in _FF_WITH_STATUS:
        line += f" Status code: {_status_text(status)}."
    return line


@dataclass(frozen=True)
class Failure:
    """Why a browser blocks a response.

    ``status`` is the status of the response that failed; ``value`` is the
    offending header value, method or header name as the browser names it.
    ``firefox_failure`` is set where Firefox reports the same response
    differently (it checks in another order): the failure Firefox prints.
    """

    kind: FailureKind
    preflight: bool
    status: int | None = None
    value: str | None = None
    firefox_failure: "Failure | None" = None

    @property
    def _text(self) -> _Text:
        return CATALOGUE[self.kind]

    def _fill(self, template: str) -> str:
        return template.replace("{value}", self.value if self.value is not None else "")

    # -- Chromium

    def cors_error(self) -> str:
        """Chromium's ``corsErrorStatus.corsError`` name."""
        return self._text.cors_error

    def chrome_reason(self) -> str:
        """The text after "has been blocked by CORS policy: "."""
        prefix = _PREFLIGHT_PREFIX if self._text.prefixed else ""
        return prefix + self._fill(self._text.chrome)

    def chrome_message(self, req: CorsRequest) -> str:
        """The full Chromium console line for ``req``."""
        api = "XMLHttpRequest" if req.api == "xhr" else "fetch"
        redirected = ""
        if req.redirected_from is not None:
            redirected = f"(redirected from '{display_url(req.redirected_from)}') "
        return (f"Access to {api} at '{display_url(req.url)}' {redirected}from origin "
                f"'{_serialized_origin(req.origin)}' has been blocked by CORS policy: "
                f"{self.chrome_reason()}")

    # -- Firefox

    def _firefox_own(self) -> "Failure":
        return self.firefox_failure if self.firefox_failure is not None else self

    def firefox_reason(self) -> str:
        """The text inside Firefox's "(Reason: ...)"."""
        own = self._firefox_own()
        return own._fill(own._text.firefox)

    def firefox_status(self) -> int | None:
        """The status Firefox prints after "Status code:" (None prints "(null)")."""
        own = self._firefox_own()
        if own.kind is FailureKind.REDIRECT_CONTAINS_CREDENTIALS:
            return None
        return own.status

    def firefox_message(self, req: CorsRequest) -> str:
        """Firefox's console line for this failure."""
        return _firefox_line(req.url, self.firefox_reason(), self.firefox_status())

    def firefox_messages(self, req: CorsRequest) -> list[str]:
        """Every line Firefox logs for this failure, in order: a refused
        preflight redirect adds "preflight response did not succeed", and any
        failed preflight ends with "CORS request did not succeed"."""
        lines = [self.firefox_message(req)]
        own = self._firefox_own()
        if own.kind is FailureKind.PREFLIGHT_REDIRECT:
            lines.append(_firefox_line(req.url, _FF_PREFLIGHT_FAILED, own.status))
        if self.preflight:
            lines.append(_firefox_line(req.url, _FF_DID_NOT_SUCCEED, None))
        return lines

    def __str__(self) -> str:
        return f"{self.cors_error()}: {self.chrome_reason()}"


def _serialized_origin(origin: str) -> str:
    parsed = parse_origin(origin)
    return parsed.serialize() if parsed is not None else origin
