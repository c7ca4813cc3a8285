"""CORS307 invalid-method-token: an ``Access-Control-Allow-Methods`` entry
browsers cannot use.

* not an HTTP token (``GET; POST``, ``"GET"`` with quotes inside the value,
  ``GET POST`` without a comma): the whole header is rejected and every
  preflight fails (error);
* a token that glues methods together (``GET|PUT``, ``'PUT'``): browsers read
  one method with that odd name (error when it hides a method that needs a
  preflight);
* a method in the wrong case (``put``, ``patch``): methods compare byte for
  byte, browsers upper-case PUT/DELETE/OPTIONS requests, and PATCH matches only
  when the page spells it the same way (error / warning);
* an unknown method such as ``OPTION`` (info: a typo, most likely).

Values corslint cannot resolve are left alone; see ``corslint explain CORS307``.
"""

from __future__ import annotations

import difflib
import re

from .. import engine
from ._base import PreflightEvidence, all_emissions, join_and, quote, reporter

CODE = "CORS307"
NAME = "invalid-method-token"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("info", "warning", "error")
SUMMARY = "Access-Control-Allow-Methods entry that is not a usable HTTP method token"
# What must change, worded per frontend by corslint.fixes.
FIX = "spell-methods-as-tokens"
report = reporter(CODE, SEVERITY, FIX)

ACAM = "access-control-allow-methods"
_COMMON = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
KNOWN_METHODS = frozenset(_COMMON + (
    "CONNECT", "TRACE", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
    "SEARCH", "REPORT", "MKCALENDAR", "MKACTIVITY", "CHECKOUT", "CHECKIN", "UNCHECKOUT",
    "MERGE", "PURGE", "QUERY", "LINK", "UNLINK", "BIND", "UNBIND", "REBIND", "ACL",
    "VERSION-CONTROL", "LABEL", "UPDATE", "MKWORKSPACE", "BASELINE-CONTROL", "ORDERPATCH",
    "UPDATEREDIRECTREF", "SUBSCRIBE", "UNSUBSCRIBE", "NOTIFY", "POLL", "BPROPFIND",
))
# Methods a browser upper-cases before sending and comparing (Fetch "normalize").
_NORMALIZED = ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT")
_SAFELISTED = ("GET", "HEAD", "POST")
# tchar characters people use as if they separated list entries.
_GLUE = re.compile(r"[|+&']+")


def _hint(entry: str) -> str:
    if '"' in entry:
        return " (the quotes are part of the value the browser sees)"
    if ";" in entry:
        return " (separate methods with commas, not semicolons)"
    if any(c.isspace() for c in entry):
        return " (a space does not separate methods: use commas)"
    return ""


def _glued(entry: str) -> list[str] | None:
    """The methods a token glues together ('GET|PUT', "'PUT'"), or None."""
    if not _GLUE.search(entry):
        return None
    pieces = [p for p in _GLUE.split(entry) if p]
    if pieces and all(p.upper() in KNOWN_METHODS for p in pieces):
        return pieces
    return None


def check(model):
    evidence = PreflightEvidence(model, ACAM)
    seen = set()
    for route, h in all_emissions(model, ACAM):
        for alt in h.value.alternatives():
            text = alt.literal_text
            if text is None or (h.source, text) in seen:
                continue  # a variable corslint cannot resolve: say nothing
            seen.add((h.source, text))
            yield from _judge(route, h, text, evidence)


def _judge(route, h, text, evidence):
    value = engine.http.strip_ows(text)
    tokens, invalid = engine.parse_header_list(text)
    if invalid:
        failure, req = evidence.failure(h, text, route, (engine.FailureKind.INVALID_ALLOW_METHODS_TOKEN,),
                                        method="PUT")
        bad = invalid[0]
        if bad == value:
            what = f"Access-Control-Allow-Methods {quote(value)} is not a list of HTTP method tokens"
        else:
            what = (f"Access-Control-Allow-Methods {quote(value)} has an entry that is not an HTTP "
                    f"method token, {quote(bad)}")
        yield report(
            f"{what}{_hint(bad)}: browsers reject the whole header, so every preflight answered "
            "with it fails.",
            h.source, failure=failure, request=req, route=route,
        )
        return
    listed = set(tokens)
    glued = [(e, _glued(e)) for e in tokens if e != "*" and _glued(e) is not None]
    if glued:
        wanted = [p.upper() for _, pieces in glued for p in pieces]
        missing = list(dict.fromkeys(m for m in wanted if m not in _SAFELISTED and m not in listed))
        names = join_and(quote(e) for e, _ in glued)
        what = "is one method name" if len(glued) == 1 else "are method names of their own"
        lead = (f"Access-Control-Allow-Methods {'entry' if len(glued) == 1 else 'entries'} {names} "
                f"{what} to browsers, not {join_and(dict.fromkeys(wanted))}")
        if missing:
            failure, req = evidence.failure(h, text, route, (engine.FailureKind.METHOD_NOT_ALLOWED,),
                                            method=missing[0])
            yield report(
                f"{lead}: preflights for {join_and(missing)} fail; separate methods with commas, "
                "without quotes.",
                h.source, failure=failure, request=req, route=route,
            )
        else:
            yield report(f"{lead}; separate methods with commas, without quotes.",
                         h.source, level="warning", route=route)
    glued_entries = {e for e, _ in glued}
    for entry in tokens:
        if entry == "*" or entry in glued_entries:
            continue
        upper = entry.upper()
        if upper in KNOWN_METHODS and entry != upper:
            if upper in _SAFELISTED or upper in listed:
                continue  # never needs listing, or listed correctly as well
            failure, req = evidence.failure(h, text, route, (engine.FailureKind.METHOD_NOT_ALLOWED,), method=upper)
            if upper in _NORMALIZED:
                yield report(
                    f"Access-Control-Allow-Methods entry '{entry}' is not '{upper}': browsers send "
                    f"{upper} in upper case and compare methods byte for byte, so preflights for "
                    f"{upper} fail.",
                    h.source, failure=failure, request=req, route=route,
                )
            else:
                yield report(
                    f"Access-Control-Allow-Methods entry '{entry}' matches only requests whose "
                    f"script spells the method '{entry}': browsers do not upper-case {upper}, and "
                    f"a {upper} request fails its preflight.",
                    h.source, level="warning", failure=failure, request=req, route=route,
                )
            continue
        if upper not in KNOWN_METHODS:
            close = difflib.get_close_matches(upper, _COMMON, n=1, cutoff=0.6)
            guess = f" (did you mean {close[0]}?)" if close else ""
            yield report(
                f"Access-Control-Allow-Methods entry '{entry}' is not a standard HTTP method{guess}: "
                "it allows only a request using exactly that method name.",
                h.source, level="info", route=route,
            )
