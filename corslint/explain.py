"""``corslint explain "<console text>"``: from a pasted browser error to the rules.

The text may be a whole console line, several lines (a Firefox preflight
failure and its closing "CORS request did not succeed", Chrome's
"net::ERR_FAILED" line, the script's ``TypeError``), or just the reason.
Recognised:

* every reason Chrome/Chromium prints after ``has been blocked by CORS policy:``
  (also with the preflight prefix, after a redirect, for fetch and XHR), and its
  DevTools ``corsError`` name;
* every reason Firefox prints inside ``(Reason: ...)``, older wordings, and the
  ``CORS...`` names of its "Learn more" pages;
* the browser errors no configuration causes (CORS disabled, ``file:`` pages,
  network failures, private network access), answered as such.

Each recognised message gets what it means, the rule codes that cause it
(ordered by what the message itself says: status, value, preflight), what to
look for in the config and the fix. :func:`explain_text` returns ``None`` for text
that is no CORS message corslint knows. With config paths,
:func:`lint_responsible` lints them for those codes and ranks the findings by the
URL in the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence
from urllib.parse import urlsplit

from .engine.origin import origin_value_problem, parse_origin, split_origins

PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check:"

# ---------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Cause:
    code: str
    when: str


@dataclass(frozen=True)
class KnownMessage:
    """One message a browser prints, and what corslint knows about it.

    ``pattern`` matches the normalised reason (quotes made straight, spaces
    collapsed); its ``value`` group is the part the browser fills in.
    ``preflight`` is True/False when the message only exists with/without the
    preflight prefix, None when both. ``static`` is False for errors no
    configuration causes; ``followup`` marks lines that only accompany another
    message (Firefox's closing line, Chrome's net::ERR_FAILED, the TypeError).
    """

    key: str
    browser: str
    text: str
    pattern: re.Pattern
    meaning: str
    causes: tuple[Cause, ...] = ()
    look_for: str = ""
    fix: str = ""
    preflight: bool | None = None
    static: bool = True
    followup: bool = False
    names: tuple[str, ...] = ()


def _p(regex: str) -> re.Pattern:
    return re.compile(regex, re.I)


_ACAO = r"'Access-Control-Allow-Origin'"
_V = r"'(?P<value>.*)'"

_LOOK_ACAO = ("every place that sets Access-Control-Allow-Origin for {path}: add_header / "
              "more_set_headers lines and the map or if that chooses the value (nginx), Header "
              "lines (Apache), the framework's CORS settings, and the application behind "
              "proxy_pass")
_FIX_ONE_ORIGIN = ("Send exactly one Access-Control-Allow-Origin: the page's origin exactly as the "
                   "browser sends it ({origin}: scheme, lowercase host, port only when not the "
                   "default, no path or slash), or '*' for a public API without credentials; "
                   "for several allowed origins echo the request's Origin only when it is on an "
                   "exact allowlist, and send 'Vary: Origin'.")

C = Cause

CHROME: tuple[KnownMessage, ...] = (
    KnownMessage(
        "missing-allow-origin", "chrome",
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        _p(rf"No {_ACAO} header is present on the requested resource"),
        "The answer to the request itself carried no Access-Control-Allow-Origin, so the "
        "browser hid it from the page. Usually the CORS headers are sent on success only and "
        "this answer was an error, or an inner block of the config dropped them; an origin the "
        "config does not allow gets no header either.",
        (C("CORS402", "the CORS headers are sent on 2xx/3xx only (nginx add_header without "
                      "'always', Apache 'Header set' without 'always'): this answer was an error "
                      "(404, 500, 401...) and the real status is hidden behind the CORS error"),
         C("CORS401", "the block that answered has add_header lines of its own, which replace "
                      "the CORS headers set at server or http level (nginx inheritance)"),
         C("CORS403", "the request was redirected and the answer at the end of the redirect "
                      "(or a hop) carries no Access-Control-Allow-Origin"),
         C("CORS108", "a shared cache served a copy stored for a request without Origin "
                      "('Vary: Origin' missing)"),
         C("CORS101", "the allowlist entry meant for the page's origin is misspelled (trailing "
                      "slash, uppercase, explicit default port), so the origin never matches and "
                      "gets no header"),
         C("CORS109", "the config writes Access-Control-Allow-Origin misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it"),
         C("CORS201", "the CORS library refuses '*' with credentials at run time (Quart-CORS raises): "
                      "every answer is a 500 without CORS headers")),
        "the block that answers {path}: does it send Access-Control-Allow-Origin itself (in that "
        "very location, if or limit_except), with 'always', on the status the browser got?",
        "Send Access-Control-Allow-Origin (and the other CORS headers) from the block that "
        "answers, on every status: nginx 'add_header ... always', repeated at every level that "
        "has add_header lines of its own; Apache 'Header always set'.",
        preflight=False, names=("MissingAllowOriginHeader",)),
    KnownMessage(
        "preflight-missing-allow-origin", "chrome",
        PREFLIGHT_PREFIX + " No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        _p(rf"No {_ACAO} header is present on the requested resource"),
        "The answer to the OPTIONS preflight carried no Access-Control-Allow-Origin, so the "
        "browser never sent the real request.",
        (C("CORS304", "the OPTIONS branch answers (if ($request_method = OPTIONS) { ... return "
                      "204; }) without Access-Control-Allow-Origin: add_header inside the if "
                      "hides the outer ones"),
         C("CORS301", "OPTIONS gets an error (405 from a static location, 403 from "
                      "limit_except, 404) and that error carries no CORS headers"),
         C("CORS302", "authentication answers the preflight 401 (auth_basic, auth_request, "
                      "Require) without CORS headers"),
         C("CORS402", "the CORS headers lack 'always', so an error answer to OPTIONS carries "
                      "none"),
         C("CORS401", "the block that answers OPTIONS has add_header lines of its own, which "
                      "drop the inherited CORS headers"),
         C("CORS303", "OPTIONS is redirected (a bare 3xx without CORS headers)"),
         C("CORS101", "the allowlist entry meant for the page's origin is misspelled (trailing "
                      "slash, uppercase, explicit default port), so the origin never matches and "
                      "gets no header"),
         C("CORS109", "the config writes Access-Control-Allow-Origin misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it")),
        "what answers OPTIONS {path}: an if ($request_method = OPTIONS) branch, limit_except, "
        "auth_basic/auth_request, return 30x; and whether that answer itself sends "
        "Access-Control-Allow-Origin",
        "Answer OPTIONS with 204 before authentication and method restrictions, and send "
        "Access-Control-Allow-Origin, -Allow-Methods, -Allow-Headers (and -Allow-Credentials when "
        "used) in that same branch, with 'always'.",
        preflight=True, names=("PreflightMissingAllowOriginHeader",)),
    KnownMessage(
        "wildcard-with-credentials", "chrome",
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the "
        "wildcard '*' when the request's credentials mode is 'include'.",
        _p(rf"The value of the {_ACAO} header in the response must not be the wildcard '\*' "
           r"when the request's credentials mode is 'include'"),
        "The request was made with credentials (fetch credentials: 'include', XHR "
        "withCredentials) and the answer allowed the origin '*'. Browsers never accept the "
        "wildcard for a request with cookies or HTTP authentication.",
        (C("CORS201", "Access-Control-Allow-Origin '*' together with "
                      "Access-Control-Allow-Credentials: true"),
         C("CORS109", "Access-Control-Allow-Origin '*' and Access-Control-Allow-Credentials "
                      "misspelt (or a library's credentials option misspelt): '*' alone "
                      "already refuses credentials")),
        "Access-Control-Allow-Origin '*' on {path} (the preflight answer too) next to "
        "Access-Control-Allow-Credentials",
        "Either the API is public: keep '*', remove Access-Control-Allow-Credentials and call it "
        "without credentials; or it needs the user's session: echo the Origin only when it is "
        "on an exact allowlist (nginx 'map $http_origin'), with 'Vary: Origin'. Do not echo "
        "every Origin (CORS105).",
        names=("WildcardOriginNotAllowed", "PreflightWildcardOriginNotAllowed")),
    KnownMessage(
        "multiple-values", "chrome",
        "The 'Access-Control-Allow-Origin' header contains multiple values '<v>', but only one "
        "is allowed.",
        _p(rf"The {_ACAO} header contains multiple values {_V}, but only one is allowed"),
        "The browser received Access-Control-Allow-Origin '{value}': two headers on one answer "
        "(Chrome joins them with ', ') or one header listing several origins. It must be "
        "exactly one origin.",
        (C("CORS103", "two places add the header: two add_header lines, nginx and the "
                      "application behind proxy_pass (no proxy_hide_header), Apache 'Header "
                      "add'/'append', or proxy and framework both doing CORS"),
         C("CORS102", "one value lists several origins")),
        _LOOK_ACAO,
        "Let exactly one layer send Access-Control-Allow-Origin, once (nginx in front of an app "
        "that does CORS itself: 'proxy_hide_header Access-Control-Allow-Origin;'); to allow "
        "several origins, echo the request's Origin when it is on an allowlist.",
        names=("MultipleAllowOriginValues", "PreflightMultipleAllowOriginValues")),
    KnownMessage(
        "invalid-value", "chrome",
        "The 'Access-Control-Allow-Origin' header contains the invalid value '<v>'.",
        _p(rf"The {_ACAO} header contains the invalid value {_V}\."),
        "Access-Control-Allow-Origin '{value}' is not even a URL (no scheme, a bare host name), "
        "so no origin can match it.",
        (C("CORS101", "the value is not '*', 'null' or a serialized origin"),),
        _LOOK_ACAO, _FIX_ONE_ORIGIN,
        names=("InvalidAllowOriginValue", "PreflightInvalidAllowOriginValue")),
    KnownMessage(
        "mismatch", "chrome",
        "The 'Access-Control-Allow-Origin' header has a value '<v>' that is not equal to the "
        "supplied origin.",
        _p(rf"The {_ACAO} header has a value {_V} that is not equal to the supplied origin"),
        "The answer allowed '{value}', which is not the page's origin {origin} byte for byte.",
        (C("CORS101", "the value is misspelled for an origin: trailing slash, path, uppercase, "
                      "explicit default port, '*.example.com'"),
         C("CORS108", "the value is chosen per Origin without 'Vary: Origin', and a cache "
                      "served another origin's answer"),
         C("CORS403", "after a redirect to another origin the browser sends 'Origin: null', "
                      "which the answer does not allow")),
        _LOOK_ACAO, _FIX_ONE_ORIGIN,
        names=("AllowOriginMismatch", "PreflightAllowOriginMismatch")),
    KnownMessage(
        "credentials-value", "chrome",
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '<v>' "
        "which must be 'true' when the request's credentials mode is 'include'.",
        _p(r"The value of the 'Access-Control-Allow-Credentials' header in the response is "
           rf"{_V} which must be 'true' when the request's credentials mode is 'include'"),
        "The request was made with credentials and the answer's "
        "Access-Control-Allow-Credentials was '{value}'; only exactly 'true' is accepted.",
        (C("CORS202", "the value is not exactly 'true' ('True', '1', 'yes', or sent twice: "
                      "'true, true')"),
         C("CORS204", "the header is sent on the preflight but not on the actual answer, or "
                      "the reverse (Chrome then shows '')"),
         C("CORS109", "the config writes Access-Control-Allow-Credentials misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it")),
        "Access-Control-Allow-Credentials on both the OPTIONS answer and the actual answer of "
        "{path}",
        "Send 'Access-Control-Allow-Credentials: true' (lowercase, once) on the preflight and "
        "on the actual answer, with 'always'.",
        names=("InvalidAllowCredentials", "PreflightInvalidAllowCredentials")),
    KnownMessage(
        "preflight-status", "chrome",
        PREFLIGHT_PREFIX + " It does not have HTTP ok status.",
        _p(r"It does not have HTTP ok status"),
        "The OPTIONS preflight was answered with a status outside 200-299 (401, 403, 404, "
        "405, 500...), so the browser never sent the real request.",
        (C("CORS301", "nothing answers OPTIONS with 2xx: a static location answers 405, "
                      "limit_except denies it (403), the app answers 404/405"),
         C("CORS302", "authentication applies to OPTIONS: preflights carry no credentials and "
                      "get 401")),
        "what answers OPTIONS {path}: limit_except, auth_basic/auth_request, a static root, the "
        "upstream application",
        "Answer OPTIONS yourself, before authentication and method restrictions: nginx 'if "
        "($request_method = OPTIONS) { add_header ... always; return 204; }' in the location.",
        preflight=True, names=("PreflightInvalidStatus",)),
    KnownMessage(
        "preflight-redirect", "chrome",
        PREFLIGHT_PREFIX + " Redirect is not allowed for a preflight request.",
        _p(r"Redirect is not allowed for a preflight request"),
        "The OPTIONS preflight was answered with a redirect (301, 302, 307, 308); browsers "
        "never follow redirects for a preflight.",
        (C("CORS303", "a redirect reachable by OPTIONS: http to https, a missing trailing "
                      "slash, return 30x, rewrite ... redirect/permanent"),
         C("CORS404", "the redirect's Location also carries user:password@")),
        "return 30x, rewrite ... redirect|permanent, an http-to-https server block, or a "
        "directory slash redirect in front of {path}",
        "Call the final URL from the page, or answer OPTIONS before the redirect (an internal "
        "rewrite instead of a 3xx).",
        preflight=True, names=("PreflightDisallowedRedirect",)),
    KnownMessage(
        "method-not-allowed", "chrome",
        "Method <v> is not allowed by Access-Control-Allow-Methods in preflight response.",
        _p(r"Method (?P<value>\S+) is not allowed by Access-Control-Allow-Methods in preflight "
           r"response"),
        "The preflight answer's Access-Control-Allow-Methods does not name {value}, the method "
        "of the request.",
        (C("CORS305", "a method the API accepts is missing from Access-Control-Allow-Methods"),
         C("CORS203", "Access-Control-Allow-Methods is '*' on a credentialed API, where '*' is "
                      "taken literally"),
         C("CORS307", "the list is malformed or spells the method in another case ('patch': "
                      "methods other than GET/POST/HEAD/PUT/DELETE/OPTIONS are compared as sent)"),
         C("CORS109", "the config writes Access-Control-Allow-Methods misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it")),
        "Access-Control-Allow-Methods on the OPTIONS answer of {path}: it must list {value}",
        "List every method the page uses, comma-separated and in upper case, in "
        "Access-Control-Allow-Methods on the preflight answer (e.g. 'GET, POST, PUT, PATCH, "
        "DELETE'); with credentials '*' does not work.",
        preflight=True, names=("MethodDisallowedByPreflightResponse",)),
    KnownMessage(
        "header-not-allowed", "chrome",
        "Request header field <v> is not allowed by Access-Control-Allow-Headers in preflight "
        "response.",
        _p(r"Request header field (?P<value>\S+) is not allowed by Access-Control-Allow-Headers "
           r"in preflight response"),
        "The request sends the header {value}, and the preflight answer's "
        "Access-Control-Allow-Headers does not name it.",
        (C("CORS306", "a request header the API needs (Authorization, Content-Type for JSON, a "
                      "custom X- header) is missing from Access-Control-Allow-Headers"),
         C("CORS203", "Access-Control-Allow-Headers is '*' on a credentialed API, where '*' is "
                      "taken literally (and '*' never covers Authorization)"),
         C("CORS308", "an entry of the list is malformed ('Content-Type|Authorization', "
                      "quotes, semicolons), so the names in it are not seen"),
         C("CORS109", "the config writes Access-Control-Allow-Headers misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it")),
        "Access-Control-Allow-Headers on the OPTIONS answer of {path}: it must list {value}",
        "Name every request header the page sends that is not safelisted in "
        "Access-Control-Allow-Headers on the preflight answer, comma-separated (e.g. "
        "'Authorization, Content-Type').",
        preflight=True, names=("HeaderDisallowedByPreflightResponse",)),
    KnownMessage(
        "cannot-parse-methods", "chrome",
        "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
        _p(r"Cannot parse Access-Control-Allow-Methods response header field in preflight response"),
        "Access-Control-Allow-Methods on the preflight answer holds an entry that is not a "
        "method name, so the browser discards the whole header.",
        (C("CORS307", "an entry is not an HTTP token: 'GET; POST', 'GET|POST', quotes"),),
        "Access-Control-Allow-Methods on the OPTIONS answer of {path}",
        "Separate the methods with commas only: 'GET, POST, PUT, DELETE'.",
        preflight=True, names=("InvalidAllowMethodsPreflightResponse",)),
    KnownMessage(
        "cannot-parse-headers", "chrome",
        "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
        _p(r"Cannot parse Access-Control-Allow-Headers response header field in preflight response"),
        "Access-Control-Allow-Headers on the preflight answer holds an entry that is not a "
        "header name, so the browser discards the whole header.",
        (C("CORS308", "an entry is not a header name: semicolons, '|', quotes, spaces inside"),),
        "Access-Control-Allow-Headers on the OPTIONS answer of {path}",
        "Separate the header names with commas only: 'Authorization, Content-Type'.",
        preflight=True, names=("InvalidAllowHeadersPreflightResponse",)),
    KnownMessage(
        "redirect-credentials", "chrome",
        "Redirect location '<v>' contains a username and password, which is disallowed for "
        "cross-origin requests.",
        _p(r"Redirect location '(?P<value>.*)' contains a username and password"),
        "The request was redirected to a URL with 'user:password@' in it; browsers refuse to "
        "follow such a redirect for cross-origin requests.",
        (C("CORS404", "a redirect's Location carries user:password@"),),
        "return 30x / rewrite ... redirect lines for {path} whose target has 'user:password@'",
        "Redirect to a URL without credentials and authenticate another way (a token in a "
        "header, or proxy to the target and add the credentials there).",
        names=("RedirectContainsCredentials",)),
    KnownMessage(
        "redirect-scheme", "chrome",
        "Redirect location '<v>' has a disallowed scheme for cross-origin requests.",
        _p(r"Redirect location '(?P<value>.*)' has a disallowed scheme for cross-origin requests"),
        "The request was redirected to a URL that is not http(s), which CORS requests may not "
        "follow.",
        (C("CORS403", "a CORS path redirects to another origin (here a non-HTTP URL)"),),
        "return 30x / rewrite ... redirect lines for {path}",
        "Redirect CORS requests only to http(s) URLs that answer with CORS headers themselves, "
        "or call the final URL directly.",
        names=("RedirectDisallowedScheme",)),
    # --- not caused by a server configuration
    KnownMessage(
        "scheme-not-supported", "chrome",
        "Cross origin requests are only supported for protocol schemes: ...",
        _p(r"Cross origin requests are only supported for protocol schemes"),
        "The page was opened from file: (or the request targets a non-HTTP URL). No server "
        "configuration is involved: serve the page over http(s)://, e.g. http://localhost.",
        static=False, names=("CorsDisabledScheme",)),
    KnownMessage(
        "disallowed-by-mode", "chrome",
        "Cross origin requests are not allowed by request mode.",
        _p(r"Cross origin requests are not allowed by request mode"),
        "The calling code asked for mode: 'same-origin'; a choice in the page's script, not in "
        "the server configuration.",
        static=False, names=("DisallowedByMode",)),
    KnownMessage(
        "private-network", "chrome",
        "Private/Local Network Access errors (address space, Access-Control-Allow-Private-Network)",
        _p(r"address space|Access-Control-Allow-(Private|Local)-Network|private network|"
           r"local network access"),
        "Chrome's Private/Local Network Access: a page on a public address calls a server on a "
        "private or loopback address. Whether that applies depends on the addresses names "
        "resolve to at run time, which a config file does not say, so no corslint rule reports "
        "it. The server must answer the preflight with 'Access-Control-Allow-Private-Network: "
        "true' (and the page be served over HTTPS).",
        static=False, names=("InsecurePrivateNetwork", "PreflightMissingAllowPrivateNetwork",
                             "InvalidPrivateNetworkAccess", "UnexpectedPrivateNetworkAccess",
                             "PrivateNetworkAccessPermissionDenied")),
    KnownMessage(
        "network-error", "chrome",
        "net::ERR_... (connection refused, name not resolved, certificate errors)",
        _p(r"net::ERR_(?!FAILED\b)(?P<value>[A-Z0-9_]+)"),
        "The request never got an HTTP answer ({value}): server down, DNS, firewall, an "
        "untrusted TLS certificate, mixed content. A network or TLS failure, not a header "
        "problem.",
        static=False),
    KnownMessage(
        "failed-to-load", "chrome",
        "Failed to load resource: net::ERR_FAILED",
        _p(r"(Failed to load resource: )?net::ERR_FAILED"),
        "Chrome's second line for a request blocked by CORS; the reason is in the 'has been "
        "blocked by CORS policy' line next to it: paste that one.",
        static=False, followup=True),
)

FIREFOX: tuple[KnownMessage, ...] = (
    KnownMessage(
        "missing-allow-origin", "firefox",
        "CORS header 'Access-Control-Allow-Origin' missing",
        _p(rf"CORS header {_ACAO} missing"),
        "The answer (to the request, or to its OPTIONS preflight) carried no "
        "Access-Control-Allow-Origin. The status code at the end of the line says which answer "
        "it was.",
        (C("CORS402", "the CORS headers are sent on 2xx/3xx only (no 'always'): this answer was "
                      "an error and the real status is hidden"),
         C("CORS401", "the block that answered has add_header lines of its own, which drop "
                      "the inherited CORS headers"),
         C("CORS304", "the OPTIONS branch answers (often 204) without "
                      "Access-Control-Allow-Origin: add_header inside the if hides the outer ones"),
         C("CORS301", "OPTIONS gets an error (403, 404, 405) without CORS headers"),
         C("CORS302", "authentication answers the preflight 401 without CORS headers"),
         C("CORS303", "OPTIONS is redirected by a bare 3xx"),
         C("CORS403", "the request was redirected and the answer at the end carries no "
                      "Access-Control-Allow-Origin"),
         C("CORS108", "a shared cache served a copy stored for a request without Origin"),
         C("CORS101", "the allowlist entry meant for the page's origin is misspelled (trailing "
                      "slash, uppercase, explicit default port), so the origin never matches and "
                      "gets no header"),
         C("CORS109", "the config writes Access-Control-Allow-Origin misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it"),
         C("CORS201", "the CORS library refuses '*' with credentials at run time (Quart-CORS raises): "
                      "every answer is a 500 without CORS headers")),
        "the block that answers {path} (and OPTIONS {path}): does it send "
        "Access-Control-Allow-Origin itself, with 'always', on the status shown?",
        "Send Access-Control-Allow-Origin from the block that answers, on every status (nginx "
        "'add_header ... always' at every level that has add_header lines of its own; Apache "
        "'Header always set'); answer OPTIONS with 204 and the CORS headers.",
        names=("CORSMissingAllowOrigin",)),
    KnownMessage(
        "no-match", "firefox",
        "CORS header 'Access-Control-Allow-Origin' does not match '<v>'",
        _p(rf"CORS header {_ACAO} does not match {_V}"),
        "The answer allowed '{value}', which is not the page's origin byte for byte.",
        (C("CORS101", "the value is misspelled for an origin: trailing slash, path, uppercase, "
                      "explicit default port, '*.example.com'"),
         C("CORS102", "one value lists several origins"),
         C("CORS108", "the value is chosen per Origin without 'Vary: Origin', and a cache "
                      "served another origin's answer"),
         C("CORS403", "after a redirect to another origin the browser sends 'Origin: null', "
                      "which the answer does not allow")),
        _LOOK_ACAO, _FIX_ONE_ORIGIN,
        names=("CORSAllowOriginNotMatchingOrigin",)),
    KnownMessage(
        "multiple-allow-origin", "firefox",
        "Multiple CORS header 'Access-Control-Allow-Origin' not allowed",
        _p(rf"Multiple CORS header {_ACAO} not allowed"),
        "The answer carried Access-Control-Allow-Origin twice.",
        (C("CORS103", "two places add the header: two add_header lines, nginx and the "
                      "application behind proxy_pass (no proxy_hide_header), Apache 'Header "
                      "add'/'append', or proxy and framework both doing CORS"),),
        _LOOK_ACAO,
        "Let exactly one layer send Access-Control-Allow-Origin, once (nginx in front of an app "
        "that does CORS itself: 'proxy_hide_header Access-Control-Allow-Origin;').",
        names=("CORSMultipleAllowOriginNotAllowed",)),
    KnownMessage(
        "wildcard-with-credentials", "firefox",
        "Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '*'",
        _p(rf"Credential is not supported if the CORS header {_ACAO} is '\*'"),
        "The request was made with credentials and the answer allowed the origin '*'. Browsers "
        "never accept the wildcard for a request with cookies or HTTP authentication.",
        (C("CORS201", "Access-Control-Allow-Origin '*' together with "
                      "Access-Control-Allow-Credentials: true"),
         C("CORS109", "Access-Control-Allow-Origin '*' and Access-Control-Allow-Credentials "
                      "misspelt (or a library's credentials option misspelt): '*' alone "
                      "already refuses credentials")),
        "Access-Control-Allow-Origin '*' on {path} (the preflight answer too) next to "
        "Access-Control-Allow-Credentials",
        "Either keep '*' and drop credentials, or echo the Origin only when it is on an exact "
        "allowlist, with 'Vary: Origin'. Do not echo every Origin (CORS105).",
        names=("CORSNotSupportingCredentials",)),
    KnownMessage(
        "credentials-value", "firefox",
        "expected 'true' in CORS header 'Access-Control-Allow-Credentials'",
        _p(r"expected 'true' in CORS header 'Access-Control-Allow-Credentials'"),
        "The request was made with credentials and the answer's "
        "Access-Control-Allow-Credentials was missing or not exactly 'true'.",
        (C("CORS202", "the value is not exactly 'true' ('True', '1', 'yes', or sent twice)"),
         C("CORS204", "the header is sent on the preflight but not on the actual answer, or "
                      "the reverse"),
         C("CORS109", "the config writes Access-Control-Allow-Credentials misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it")),
        "Access-Control-Allow-Credentials on both the OPTIONS answer and the actual answer of "
        "{path}",
        "Send 'Access-Control-Allow-Credentials: true' (lowercase, once) on the preflight and "
        "on the actual answer, with 'always'.",
        names=("CORSMissingAllowCredentials",)),
    KnownMessage(
        "preflight-failed", "firefox",
        "CORS preflight response did not succeed (older releases: CORS preflight channel did not succeed)",
        _p(r"CORS preflight (response|channel) did not succeed"),
        "The OPTIONS preflight failed: its status was not 2xx, or it was redirected. The "
        "status code at the end of the line is the preflight's.",
        (C("CORS301", "nothing answers OPTIONS with 2xx (405 static location, 403 "
                      "limit_except, 404)"),
         C("CORS302", "authentication applies to OPTIONS: preflights get 401"),
         C("CORS303", "OPTIONS is redirected (3xx)")),
        "what answers OPTIONS {path}: limit_except, auth_basic/auth_request, return 30x, a "
        "static root, the upstream application",
        "Answer OPTIONS yourself, before authentication, method restrictions and redirects: "
        "nginx 'if ($request_method = OPTIONS) { add_header ... always; return 204; }'.",
        preflight=True, names=("CORSPreflightDidNotSucceed",)),
    KnownMessage(
        "external-redirect", "firefox",
        "CORS request external redirect not allowed",
        _p(r"CORS request external redirect not allowed"),
        "The answer was a redirect the browser may not follow for this request: any redirect "
        "of a preflight, or a redirect to another origin.",
        (C("CORS303", "OPTIONS is redirected (browsers never follow a redirect for a "
                      "preflight)"),
         C("CORS403", "a CORS path redirects to another origin"),
         C("CORS404", "the redirect's Location also carries user:password@")),
        "return 30x, rewrite ... redirect|permanent, http-to-https redirects in front of {path}",
        "Call the final URL from the page, or answer OPTIONS before the redirect (an internal "
        "rewrite instead of a 3xx).",
        names=("CORSExternalRedirectNotAllowed",)),
    KnownMessage(
        "method-not-allowed", "firefox",
        "Did not find method in CORS header 'Access-Control-Allow-Methods'",
        _p(r"Did not find method in CORS header 'Access-Control-Allow-Methods'"),
        "The preflight answer's Access-Control-Allow-Methods does not name the method of the "
        "request (Firefox does not say which: it is the method your code uses).",
        (C("CORS305", "a method the API accepts is missing from Access-Control-Allow-Methods"),
         C("CORS203", "Access-Control-Allow-Methods is '*' on a credentialed API"),
         C("CORS307", "the list is malformed or spells the method in another case"),
         C("CORS109", "the config writes Access-Control-Allow-Methods misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it")),
        "Access-Control-Allow-Methods on the OPTIONS answer of {path}",
        "List every method the page uses, comma-separated and in upper case, in "
        "Access-Control-Allow-Methods on the preflight answer.",
        preflight=True, names=("CORSMethodNotFound",)),
    KnownMessage(
        "header-not-allowed", "firefox",
        "header '<v>' is not allowed according to header 'Access-Control-Allow-Headers' from "
        "CORS preflight response (older releases: missing token '<v>' in CORS header "
        "'Access-Control-Allow-Headers' from CORS preflight channel)",
        _p(r"header '(?P<value>.*?)' is not allowed according to header "
           r"'Access-Control-Allow-Headers'|missing token '(?P<value2>.*?)' in CORS header "
           r"'Access-Control-Allow-Headers'"),
        "The request sends the header {value}, and the preflight answer's "
        "Access-Control-Allow-Headers does not name it.",
        (C("CORS306", "a request header the API needs is missing from "
                      "Access-Control-Allow-Headers"),
         C("CORS203", "Access-Control-Allow-Headers is '*' on a credentialed API (and '*' never "
                      "covers Authorization)"),
         C("CORS308", "an entry of the list is malformed, so the names in it are not seen"),
         C("CORS109", "the config writes Access-Control-Allow-Headers misspelt (an underscore, a plural, a "
                      "typo) or names the request header instead, so browsers ignore it")),
        "Access-Control-Allow-Headers on the OPTIONS answer of {path}: it must list {value}",
        "Name every request header the page sends that is not safelisted in "
        "Access-Control-Allow-Headers on the preflight answer, comma-separated.",
        preflight=True, names=("CORSMissingAllowHeaderFromPreflight",)),
    KnownMessage(
        "invalid-methods-token", "firefox",
        "invalid token '<v>' in CORS header 'Access-Control-Allow-Methods'",
        _p(rf"invalid token {_V} in CORS header 'Access-Control-Allow-Methods'"),
        "Access-Control-Allow-Methods on the preflight answer holds '{value}', which is not a "
        "method name, so the browser discards the header.",
        (C("CORS307", "an entry is not an HTTP token: 'GET; POST', 'GET|POST', quotes"),),
        "Access-Control-Allow-Methods on the OPTIONS answer of {path}",
        "Separate the methods with commas only: 'GET, POST, PUT, DELETE'.",
        preflight=True, names=("CORSInvalidAllowMethod",)),
    KnownMessage(
        "invalid-headers-token", "firefox",
        "invalid token '<v>' in CORS header 'Access-Control-Allow-Headers'",
        _p(rf"invalid token {_V} in CORS header 'Access-Control-Allow-Headers'"),
        "Access-Control-Allow-Headers on the preflight answer holds '{value}', which is not a "
        "header name, so the browser discards the header.",
        (C("CORS308", "an entry is not a header name: semicolons, '|', quotes"),),
        "Access-Control-Allow-Headers on the OPTIONS answer of {path}",
        "Separate the header names with commas only: 'Authorization, Content-Type'.",
        preflight=True, names=("CORSInvalidAllowHeader",)),
    KnownMessage(
        "did-not-succeed", "firefox",
        "CORS request did not succeed",
        _p(r"CORS request did not succeed"),
        "Right after another CORS reason it is Firefox's closing line for a failed preflight "
        "(the reason before it is the one to fix). On its own, with 'Status code: (null)', the "
        "request got no HTTP answer: server down, DNS, firewall, an untrusted TLS certificate "
        "— or a redirect whose Location carries a user name and password.",
        (C("CORS404", "a redirect's Location carries user:password@, which Firefox refuses "
                      "without a reason of its own"),),
        "whether the server is reachable from the browser at all; then redirects for {path} "
        "whose target has 'user:password@'",
        "Make the server reachable (and its certificate trusted); redirect only to URLs without "
        "credentials.",
        followup=True, names=("CORSDidNotSucceed",)),
    KnownMessage(
        "cors-disabled", "firefox", "CORS disabled",
        _p(r"^\s*CORS disabled\b|CORSDisabled"),
        "CORS was switched off in this browser (the content.cors.disable preference): every "
        "cross-origin request fails whatever the server says.",
        static=False),
    KnownMessage(
        "origin-not-added", "firefox", "CORS header 'Origin' cannot be added",
        _p(r"CORS header 'Origin' cannot be added|CORSOriginHeaderNotAdded"),
        "Privileged code (an extension or a browser component) could not add the Origin "
        "header; nothing on the server side is involved.",
        static=False),
    KnownMessage(
        "not-http", "firefox", "CORS request not HTTP",
        _p(r"CORS request not HTTP|CORSRequestNotHttp"),
        "The page was opened from file: or the request targets a non-HTTP(S) URL. Serve the "
        "page over http(s)://, e.g. http://localhost.",
        static=False),
)

# The script's own error, the same for every CORS failure.
SCRIPT: tuple[KnownMessage, ...] = (
    KnownMessage(
        "script-error", "script",
        "TypeError: Failed to fetch / NetworkError when attempting to fetch resource.",
        _p(r"TypeError: (Failed to fetch|NetworkError when attempting to fetch resource|"
           r"Load failed)"),
        "What the page's script sees for every blocked cross-origin request; browsers keep the "
        "reason in the console on purpose. Paste the console line that says 'has been blocked "
        "by CORS policy' (Chrome) or 'Cross-Origin Request Blocked' (Firefox).",
        static=False, followup=True),
)

ALL: tuple[KnownMessage, ...] = CHROME + FIREFOX + SCRIPT


# ---------------------------------------------------------------- parsing the paste

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
                         "\u202f": " "})

_CHROME_FRAME = re.compile(
    r"Access to (?P<api>[A-Za-z][\w ]*?) at '(?P<url>[^']*)'"
    r"(?: \(redirected from '(?P<from>[^']*)'\))?"
    r" from origin '(?P<origin>[^']*)' has been blocked by CORS policy: ?(?P<reason>.*)$", re.I)
_CHROME_REDIRECT_FRAME = re.compile(
    r"Redirect from '(?P<from>[^']*)' to '(?P<url>[^']*)' has been blocked by CORS policy: ?"
    r"(?P<reason>.*)$", re.I)
_CHROME_BARE_FRAME = re.compile(r"has been blocked by CORS policy: ?(?P<reason>.*)$", re.I)
_FIREFOX_FRAME = re.compile(
    r"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
    r"resource at (?P<url>\S+?)\.? \(Reason: (?P<reason>.*?)\)\.?"
    r"(?:\s*Status code: (?P<status>\(null\)|\d{3})\.?)?(?:\s*\[Learn More\])?\s*$", re.I)
_FIREFOX_REASON = re.compile(
    r"\(?Reason: (?P<reason>.*?)\)?\.?(?:\s*Status code: (?P<status>\(null\)|\d{3})\.?)?\s*$", re.I)
_CHROME_STATUS = re.compile(r"net::ERR_FAILED (?P<status>\d{3})\b|responded with a status of "
                            r"(?P<status2>\d{3})\b", re.I)
_PREFIX = re.compile(r"^\s*Response to preflight request doesn't pass access control check:\s*", re.I)
_NAME = re.compile(r"\b(" + "|".join(sorted({n for m in ALL for n in m.names}, key=len, reverse=True))
                   + r")\b")


@dataclass
class Hit:
    """One recognised message in the pasted text."""

    message: KnownMessage
    line: str
    browser: str
    value: str | None = None
    url: str | None = None
    origin: str | None = None
    api: str | None = None
    redirected_from: str | None = None
    status: str | None = None
    preflight: bool | None = None
    followed_by: list[str] = field(default_factory=list)

    def identity(self) -> tuple:
        return (self.message.browser, self.message.key, self.value, self.url, self.origin,
                self.preflight)


def normalise(text: str) -> str:
    text = text.translate(_QUOTES).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def _match_reason(reason: str, browser: str | None, preflight: bool | None,
                  anywhere: bool) -> tuple[KnownMessage, re.Match] | None:
    pools = {"chrome": CHROME, "firefox": FIREFOX}.get(browser or "", ALL)
    for known in pools:
        if known.preflight is not None and preflight is not None and known.preflight != preflight:
            continue
        m = known.pattern.search(reason) if anywhere else known.pattern.match(reason)
        if m:
            return known, m
    return None


def _by_name(line: str) -> tuple[KnownMessage, None] | None:
    m = _NAME.search(line)
    if not m:
        return None
    for known in ALL:
        if m.group(1) in known.names:
            return known, None
    return None


def _value(m: re.Match | None) -> str | None:
    if m is None:
        return None
    groups = m.groupdict()
    return groups.get("value") if groups.get("value") is not None else groups.get("value2")


def parse_line(line: str) -> Hit | None:
    """The message in one normalised line, or None."""
    if not line.strip():
        return None
    if (m := _CHROME_FRAME.search(line)) or (m := _CHROME_REDIRECT_FRAME.search(line)) \
            or (m := _CHROME_BARE_FRAME.search(line)):
        groups = m.groupdict()
        reason = groups["reason"].strip()
        preflight = bool(_PREFIX.match(reason))
        reason = _PREFIX.sub("", reason)
        found = (_match_reason(reason, "chrome", preflight, anywhere=False)
                 or _match_reason(reason, "chrome", preflight, anywhere=True)
                 or _match_reason(reason, "chrome", None, anywhere=True))
        if found is None:
            return None
        known, rm = found
        return Hit(known, line, "chrome", _value(rm), groups.get("url"), groups.get("origin"),
                   groups.get("api"), groups.get("from"), preflight=preflight or bool(known.preflight))
    if m := _FIREFOX_FRAME.search(line):
        found = _match_reason(m.group("reason").strip(), "firefox", None, anywhere=False) \
            or _match_reason(m.group("reason").strip(), "firefox", None, anywhere=True)
        if found is None:
            return None
        known, rm = found
        return Hit(known, line, "firefox", _value(rm), m.group("url"), status=m.group("status"),
                   preflight=known.preflight)
    if (m := _FIREFOX_REASON.search(line)) and "Reason:" in line:
        found = _match_reason(m.group("reason").strip(), "firefox", None, anywhere=True)
        if found is not None:
            known, rm = found
            return Hit(known, line, "firefox", _value(rm), status=m.group("status"),
                       preflight=known.preflight)
    preflight = True if _PREFIX.search(line) else None
    found = _match_reason(_PREFIX.sub("", line), None, preflight, anywhere=True) or _by_name(line)
    if found is None:
        return None
    known, rm = found
    status = None
    if sm := _CHROME_STATUS.search(line):
        status = sm.group("status") or sm.group("status2")
    return Hit(known, line, known.browser, _value(rm), status=status,
               preflight=known.preflight if preflight is None else preflight)


def recognise(text: str) -> list[Hit]:
    """Every message in ``text``, follow-up lines folded into the message they follow."""
    norm = normalise(text)
    lines = [line for line in norm.split("\n") if line.strip()]
    hits = [h for h in (parse_line(line) for line in lines) if h is not None]
    if not hits and len(lines) > 1:  # a message wrapped over several lines
        hit = parse_line(" ".join(lines))
        hits = [hit] if hit is not None else []
    return _fold(hits)


def _closes(h: Hit, last: Hit | None) -> bool:
    """Firefox's "preflight response did not succeed" right after another reason
    for the same URL closes that failure (a refused preflight redirect)."""
    return (h.message.key == "preflight-failed" and last is not None and last.browser == "firefox"
            and h.browser == "firefox" and last.url == h.url and last.message.key != h.message.key)


def _fold(hits: list[Hit]) -> list[Hit]:
    main = [h for h in hits if not h.message.followup]
    if not main:
        out: list[Hit] = []
        for h in hits:
            if all(h.identity() != o.identity() for o in out):
                out.append(h)
        return out
    result: list[Hit] = []
    last: Hit | None = None
    for h in hits:
        if h.message.followup or _closes(h, last):
            target = last or main[0]
            target.followed_by.append(h.line)
            if h.message.key in ("did-not-succeed", "preflight-failed") and target.browser == "firefox":
                target.preflight = True  # Firefox closes every failed preflight with it
            if h.status and not target.status:
                target.status = h.status
            continue
        if any(h.identity() == o.identity() for o in result):
            last = next(o for o in result if o.identity() == h.identity())
            continue
        result.append(h)
        last = h
    return result


# ---------------------------------------------------------------- diagnosis


@dataclass
class Diagnosis:
    hit: Hit
    causes: list[Cause]
    notes: list[str]
    meaning: str
    look_for: str
    fix: str

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.causes]


def _path(url: str | None) -> str:
    if not url:
        return "the failing URL"
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return parts.path or "/"


def _fill(template: str, hit: Hit) -> str:
    return (template.replace("{value}", hit.value if hit.value is not None else "the one named")
            .replace("{path}", _path(hit.url))
            .replace("{origin}", hit.origin or "the page's origin"))


def _prefer(causes: Sequence[Cause], *codes: str) -> list[Cause]:
    first = [c for code in codes for c in causes if c.code == code]
    return first + [c for c in causes if c not in first]


def _origin_notes(hit: Hit, causes: list[Cause]) -> tuple[list[Cause], list[str]]:
    value = hit.value
    if value is None:
        return causes, []
    notes: list[str] = []
    if len(split_origins(value)) > 1:
        notes.append(f"'{value}' holds several origins; the header takes exactly one.")
        return _prefer(causes, "CORS102", "CORS103"), notes
    problem = origin_value_problem(value)
    if problem:
        notes.append(f"The value '{value}' {problem}: it can never equal an origin.")
        return _prefer(causes, "CORS101"), notes
    if value == "null":
        notes.append("The answer allowed 'null', the origin of sandboxed and file: pages and of "
                     "requests redirected across origins, not this page's.")
        return _prefer(causes, "CORS403", "CORS101"), notes
    page = parse_origin(hit.origin) if hit.origin else None
    if parse_origin(value) is not None and (page is None or page.serialize() != value):
        who = hit.origin or "the page's origin"
        notes.append(f"'{value}' is a valid origin, just another one than {who}: either the "
                     f"allowlist does not contain {who} (add it if that page should get in; "
                     "that is policy, no rule reports it), or a cache served the answer meant "
                     f"for {value} (CORS108).")
        return _prefer(causes, "CORS108"), notes
    return causes, notes


def diagnose(hit: Hit) -> Diagnosis:
    known = hit.message
    causes = list(known.causes)
    notes: list[str] = []
    status = hit.status if hit.status and hit.status.isdigit() else None
    key = known.key
    if key in ("mismatch", "no-match", "invalid-value", "multiple-values"):
        if key == "multiple-values" and hit.value is not None:
            items = [v.strip() for v in hit.value.split(",")]
            if len(items) > 1 and (len(set(items)) < len(items) or "*" in items):
                notes.append(f"'{hit.value}' repeats a value or mixes in '*': two headers "
                             "joined by the browser, not one list (CORS103).")
                causes = _prefer(causes, "CORS103")
        else:
            causes, notes = _origin_notes(hit, causes)
    elif key == "credentials-value" and hit.browser == "chrome":
        if hit.value == "":
            notes.append("'' means the header was absent on this answer while the request needed "
                         "it: it is sent on only one of the preflight and the actual answer.")
            causes = _prefer(causes, "CORS204")
        elif hit.value is not None:
            notes.append(f"'{hit.value}' is not exactly 'true'.")
    elif key in ("missing-allow-origin", "preflight-missing-allow-origin", "preflight-failed",
                 "preflight-status", "external-redirect") and status:
        causes, note = _by_status(causes, int(status), hit)
        notes += note
    elif key == "header-not-allowed" and hit.value and hit.value.lower() == "authorization":
        notes.append("'*' in Access-Control-Allow-Headers never covers Authorization: it must be "
                     "named.")
    elif key == "method-not-allowed" and hit.value and hit.value != hit.value.upper():
        notes.append(f"The script asked for '{hit.value}' in lower case; browsers upper-case only "
                     "DELETE, GET, HEAD, OPTIONS, POST and PUT, so the list must match exactly.")
    if hit.redirected_from:
        notes.append(f"The request was redirected from {hit.redirected_from}: the redirect target "
                     "must answer with CORS headers too (CORS403).")
        if not any(c.code == "CORS403" for c in causes):
            causes.append(Cause("CORS403", "the request was redirected to another origin"))
    return Diagnosis(hit, causes, notes, _fill(known.meaning, hit), _fill(known.look_for, hit),
                     _fill(known.fix, hit))


def _by_status(causes: list[Cause], status: int, hit: Hit) -> tuple[list[Cause], list[str]]:
    notes: list[str] = []
    if status == 401:
        notes.append("Status 401: authentication answered (preflights never carry credentials).")
        return _prefer(causes, "CORS302", "CORS402"), notes
    if status in (403, 405):
        notes.append(f"Status {status}: OPTIONS or the method is refused (limit_except, a static "
                     "location).")
        return _prefer(causes, "CORS301", "CORS402"), notes
    if 300 <= status < 400:
        notes.append(f"Status {status}: a redirect.")
        return _prefer(causes, "CORS303", "CORS403"), notes
    if status >= 400:
        notes.append(f"Status {status}: an error answer, which carries no CORS headers when they "
                     "lack 'always'.")
        return _prefer(causes, "CORS402", "CORS301"), notes
    if status == 204 or (hit.preflight and 200 <= status < 300):
        notes.append(f"Status {status}: the preflight branch itself answered, without the header.")
        return _prefer(causes, "CORS304", "CORS401"), notes
    if 200 <= status < 300:
        notes.append(f"Status {status}: a successful answer without the header: an inner block "
                     "dropped it, or this path has no CORS headers at all.")
        return _prefer(causes, "CORS401", "CORS304"), notes
    return causes, notes


@dataclass
class Explanation:
    diagnoses: list[Diagnosis]

    @property
    def codes(self) -> list[str]:
        seen: list[str] = []
        for d in self.diagnoses:
            for code in d.codes:
                if code not in seen:
                    seen.append(code)
        return seen


def explain_text(text: str) -> Explanation | None:
    """What corslint knows about a pasted console text, or None if nothing."""
    hits = recognise(text)
    if not hits:
        return None
    return Explanation([diagnose(h) for h in hits])


# ---------------------------------------------------------------- linting for the causes


def rank_findings(findings: Iterable, hits: Sequence[Hit]) -> list[tuple[object, bool]]:
    """Findings ordered by how well their route matches the URLs in the message;
    each with whether it matches."""
    targets = []
    for h in hits:
        if h.url:
            try:
                parts = urlsplit(h.url)
                targets.append(((parts.hostname or "").lower(), parts.path or "/"))
            except ValueError:
                pass
    scored = []
    for finding in findings:
        score = max((_route_score(getattr(finding, "route", "") or "", host, path)
                     for host, path in targets), default=0)
        scored.append((finding, score))
    scored.sort(key=lambda fs: -fs[1])
    return [(f, s >= 2) for f, s in scored]


_LOCATION = re.compile(r"location\s+(?P<mod>=|\^~|~\*|~)?\s*(?P<loc>\S+)")


def _route_score(route: str, host: str, path: str) -> int:
    """2 for the location that serves ``path`` (3 with the host too); 1 for the
    host alone; a route without a location counts as serving every path."""
    score = 0
    if host and host in route.lower():
        score += 1
    m = _LOCATION.search(route)
    if not m and score:
        return 2
    if m:
        mod, loc = m.group("mod"), m.group("loc")
        try:
            hit = (path == loc if mod == "=" else
                   bool(re.search(loc, path, re.I if mod == "~*" else 0)) if mod in ("~", "~*") else
                   path.startswith(loc))
        except re.error:
            hit = False
        score += 2 if hit else 0
    return score


__all__ = ["Cause", "KnownMessage", "Hit", "Diagnosis", "Explanation", "CHROME", "FIREFOX", "ALL",
           "recognise", "diagnose", "explain_text", "normalise", "parse_line", "rank_findings",
           "PREFLIGHT_PREFIX"]


# ---------------------------------------------------------------- config and output


@dataclass
class ConfigReport:
    """The configs linted for the rules behind a message."""

    paths: list[str]
    codes: list[str]
    ranked: list[tuple[object, bool]]
    problems: list
    links: list = field(default_factory=list)   # proxies linked to their apps (pipeline/link.py)

    @property
    def findings(self) -> list:
        return [f for f, _ in self.ranked]


def rule_name(code: str) -> str:
    from .checks import load

    return load(code).NAME


def lint_responsible(paths: Sequence[str], codes: Sequence[str],
                     hits: Sequence[Hit] = (), upstreams: Sequence = ()) -> ConfigReport:
    """Lint ``paths`` for ``codes`` only, a proxy and the app behind it
    together where they are linked (``upstreams``: the config's explicit
    map). Suppression comments are not applied: they silence a report, not
    the browser."""
    from .lint import lint

    from .checks import REGISTRY

    usable = [c for c in codes if c in REGISTRY]
    if not usable:
        return ConfigReport(list(paths), [], [], [])
    result = lint(list(paths), codes=usable, upstreams=upstreams)
    findings = sorted((f for f in result.findings if f.code in usable),
                      key=lambda f: (usable.index(f.code), f.file, f.line, f.column))
    return ConfigReport(list(paths), usable, rank_findings(findings, hits), list(result.problems),
                        list(result.model.links) if result.model is not None else [])


def _label(hit: Hit) -> str:
    browser = {"chrome": "Chrome", "firefox": "Firefox"}.get(hit.browser, "Script")
    text = hit.message.text
    if hit.value is not None:
        text = text.replace("<v>", hit.value)
    if hit.browser == "chrome" and hit.preflight and not text.startswith(PREFLIGHT_PREFIX) \
            and hit.message.static:
        text = f"{PREFLIGHT_PREFIX} {text}"
    suffix = " (preflight)" if hit.preflight else ""
    return f"{browser}{suffix}: {text}"


def _request_line(hit: Hit) -> str | None:
    if not hit.url:
        return f"answered {hit.status}" if hit.status else None
    what = {"xmlhttprequest": "XMLHttpRequest"}.get((hit.api or "").lower(), hit.api or "")
    line = f"{what} {hit.url}".strip()
    if hit.origin:
        line += f" from origin {hit.origin}"
    if hit.redirected_from:
        line += f" (redirected from {hit.redirected_from})"
    if hit.status:
        line += f", answered {hit.status}"
    return line


def render_text(explanation: Explanation, config: ConfigReport | None = None) -> str:
    blocks: list[str] = []
    for d in explanation.diagnoses:
        hit = d.hit
        lines = [_label(hit)]
        if (request := _request_line(hit)) is not None:
            lines.append(f"  Request: {request}")
        for extra in hit.followed_by:
            lines.append(f"  With: {extra}")
        lines.append("")
        lines.append(f"What it means: {d.meaning}")
        lines.extend(d.notes)
        if d.causes:
            lines.append("")
            lines.append("Caused by (most likely first):")
            for cause in d.causes:
                lines.append(f"  {cause.code} {rule_name(cause.code)}: {cause.when}")
            lines.append("")
            lines.append(f"Look for: {d.look_for}")
            lines.append(f"Fix: {d.fix}")
            lines.append(f"Rule pages: corslint explain {d.causes[0].code}"
                         + ("" if len(d.causes) == 1 else " (and the other codes above)"))
        elif hit.message.followup:
            lines.append("")
            lines.append("No corslint rule from this line alone: it accompanies every CORS error; "
                         "the console line with the reason tells which rule applies.")
        elif not hit.message.static:
            lines.append("")
            lines.append("No corslint rule: nothing in a server configuration causes this.")
        blocks.append("\n".join(lines))
    if config is not None:
        blocks.append(render_config(config))
    return "\n\n".join(blocks)


def render_config(config: ConfigReport) -> str:
    where = ", ".join(config.paths)
    if not config.codes:
        return f"{where}: nothing to check there (no rule causes this message)."
    checked = ", ".join(config.codes)
    if not config.ranked:
        return (f"In {where}: no {checked} finding. The cause may be where corslint does not look "
                "(the application behind proxy_pass, a CDN or load balancer, another config "
                "file), or the request differs from what the config intends.")
    lines = [f"In {where} (checked for {checked}):"]
    if config.links:
        from .reporters._links import describe

        # the cause may span two files: say which proxy answers are the app's too
        lines.extend(f"  {describe(link)}" for link in config.links)
    for finding, matches in config.ranked:
        mark = "  <- the URL in the message" if matches else ""
        lines.append(f"  {finding.file}:{finding.line}:{finding.column}: {finding.code} "
                     f"{finding.message}{mark}")
        for source in getattr(finding, "related", ()):
            lines.append(f"      also: {source.file}:{source.line}:{source.column}")
        if finding.fix:
            lines.append(f"      Fix: {finding.fix}")
    return "\n".join(lines)


def to_dict(explanation: Explanation, config: ConfigReport | None = None) -> dict:
    messages = []
    for d in explanation.diagnoses:
        hit = d.hit
        messages.append({
            "browser": hit.browser,
            "kind": hit.message.key,
            "message": _label(hit).split(": ", 1)[1],
            "preflight": hit.preflight,
            "url": hit.url,
            "origin": hit.origin,
            "api": hit.api,
            "redirected_from": hit.redirected_from,
            "status": hit.status,
            "value": hit.value,
            "config_related": hit.message.static and not (hit.message.followup and not d.causes),
            "meaning": d.meaning,
            "notes": list(d.notes),
            "causes": [{"code": c.code, "name": rule_name(c.code), "when": c.when} for c in d.causes],
            "look_for": d.look_for if d.causes else "",
            "fix": d.fix if d.causes else "",
            "followed_by": list(hit.followed_by),
        })
    out: dict = {"recognised": True, "codes": explanation.codes, "messages": messages}
    if config is not None:
        from .reporters._links import as_dict

        out["config"] = {
            "paths": config.paths,
            "checked": config.codes,
            "findings": [dict(f.to_dict(), matches_url=m) for f, m in config.ranked],
            "links": [as_dict(link) for link in config.links],
            "problems": [{"file": p.file, "line": p.line, "message": p.message,
                          "fatal": bool(getattr(p, "fatal", True))} for p in config.problems],
        }
    return out


__all__ += ["ConfigReport", "lint_responsible", "render_text", "render_config", "to_dict", "rule_name"]
