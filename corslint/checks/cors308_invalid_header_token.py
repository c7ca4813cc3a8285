"""CORS308 invalid-header-token: an ``Access-Control-Allow-Headers`` or
``Access-Control-Expose-Headers`` entry that is not a header name.

* not an HTTP token (``Content-Type; Authorization``, quotes inside the value,
  names separated by spaces, ``X-Token:``): browsers reject a whole
  Allow-Headers value, so every preflight answered with it fails (error); an
  Expose-Headers value that does not parse exposes nothing (warning);
* a token that glues names together (``Content-Type|Authorization``,
  ``'X-Token'``): one header with that odd name to browsers.

Values corslint cannot resolve are left alone; see ``corslint explain CORS308``.
"""

from __future__ import annotations

import re

from .. import engine
from ._base import PreflightEvidence, all_emissions, join_and, quote, reporter

CODE = "CORS308"
NAME = "invalid-header-token"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("warning", "error")
SUMMARY = "Access-Control-Allow-Headers / -Expose-Headers entry that is not a header name"
# What must change, worded per frontend by corslint.fixes.
FIX = "spell-header-names-as-tokens"
report = reporter(CODE, SEVERITY, FIX)

ACAH = "access-control-allow-headers"
ACEH = "access-control-expose-headers"
_LABEL = {ACAH: "Access-Control-Allow-Headers", ACEH: "Access-Control-Expose-Headers"}
# tchar characters people use as if they separated list entries.
_GLUE = re.compile(r"[|+&']+")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*")
_PROBE = ("Content-Type", "application/json")


def _hint(entry: str) -> str:
    if '"' in entry:
        return " (the quotes are part of the value the browser sees)"
    if ";" in entry:
        return " (separate names with commas, not semicolons)"
    if ":" in entry:
        return " (a header name has no colon)"
    if any(c.isspace() for c in entry):
        return " (a space does not separate names: use commas)"
    return ""


def _glued(entry: str) -> list[str] | None:
    """The header names a token glues together, or None."""
    if not _GLUE.search(entry):
        return None
    pieces = [p for p in _GLUE.split(entry) if p]
    if pieces and all(_NAME.fullmatch(p) for p in pieces):
        return pieces
    return None


def check(model):
    evidence = PreflightEvidence(model, ACAH)
    seen = set()
    for lname in (ACAH, ACEH):
        for route, h in all_emissions(model, lname):
            for alt in h.value.alternatives():
                text = alt.literal_text
                if text is None or (h.source, text) in seen:
                    continue  # a variable corslint cannot resolve: say nothing
                seen.add((h.source, text))
                yield from _judge(route, h, text, evidence)


def _judge(route, h, text, evidence):
    label = _LABEL[h.lname]
    allow = h.lname == ACAH
    value = engine.http.strip_ows(text)
    tokens, invalid = engine.parse_header_list(text)
    if invalid:
        bad = invalid[0]
        if bad == value:
            what = f"{label} {quote(value)} is not a list of header names"
        else:
            what = f"{label} {quote(value)} has an entry that is not a header name, {quote(bad)}"
        if allow:
            failure, req = evidence.failure(h, text, route, (engine.FailureKind.INVALID_ALLOW_HEADERS_TOKEN,),
                                            method="POST", headers=(_PROBE,))
            yield report(
                f"{what}{_hint(bad)}: browsers reject the whole header, so every preflight "
                "answered with it fails.",
                h.source, failure=failure, request=req, route=route,
            )
        else:
            yield report(
                f"{what}{_hint(bad)}: browsers expose no header through it, so scripts cannot "
                "read the headers it means to expose.",
                h.source, level="warning", route=route,
            )
        return
    glued = [(e, _glued(e)) for e in tokens if e != "*" and _glued(e) is not None]
    if not glued:
        return
    listed = {t.lower() for t in tokens}
    wanted = list(dict.fromkeys(p for _, pieces in glued for p in pieces))
    names = join_and(quote(e) for e, _ in glued)
    what = "is one header name" if len(glued) == 1 else "are header names of their own"
    lead = (f"{label} {'entry' if len(glued) == 1 else 'entries'} {names} {what} to browsers, "
            f"not {join_and(wanted)}")
    if not allow:
        yield report(
            f"{lead}: scripts cannot read those headers; separate names with commas, without quotes.",
            h.source, level="warning", route=route,
        )
        return
    missing = [p for p in wanted if p.lower() not in listed
               and not engine.is_cors_safelisted_request_header(p, "x")]
    if not missing:
        yield report(f"{lead}; separate names with commas, without quotes.",
                     h.source, level="warning", route=route)
        return
    probe = _PROBE if missing[0].lower() == "content-type" else (missing[0], "1")
    failure, req = evidence.failure(h, text, route, (engine.FailureKind.HEADER_NOT_ALLOWED,),
                                    method="POST", headers=(probe,))
    yield report(
        f"{lead}: preflights for requests sending {join_and(missing)} fail; separate names with "
        "commas, without quotes.",
        h.source, failure=failure, request=req, route=route,
    )
