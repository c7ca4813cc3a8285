"""Findings: what a check reports, and the severities they carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model loads only when a lint runs (start-up time)
    from .model import Source

# Ordered weakest first; --min-severity compares by index.
SEVERITIES = ("info", "warning", "error", "critical")


def severity_rank(name: str) -> int:
    return SEVERITIES.index(name)


@dataclass(frozen=True)
class FixIntent:
    """What must change, said without any server's syntax: a check names the
    ``kind`` of change and the values involved, and the frontend that produced
    the route words it in its own configuration language (corslint.fixes)."""

    kind: str
    methods: tuple[str, ...] = ()      # methods involved, e.g. the one a preflight must allow
    headers: tuple[str, ...] = ()      # header names involved


@dataclass(frozen=True)
class BrowserStop:
    """Where the browser stops the request a finding is about: which request
    (its page origin and credentials mode; the route is the finding's) and at
    which step of the fetch (``step``, one of the STEP_* below).

    The browser stops at the first failing step and prints that one message,
    so a finding at a later step of a request an earlier finding already
    stops is part of that earlier finding (:mod:`corslint.pipeline.fold`)."""

    kind: str                   # the engine's FailureKind value
    step: int                   # STEP_* below: the order the browser checks in
    on_preflight: bool          # the failing answer is the preflight's
    origin: str                 # the page's origin
    credentials: bool           # the request is made with credentials
    credentials_only: bool      # the failure concerns credentialed requests only


# The steps of a cross-origin fetch, in the order a browser takes them (Fetch:
# CORS-preflight fetch, then the CORS check of the actual response).
STEP_PREFLIGHT_REDIRECT = 0
STEP_PREFLIGHT_CORS_CHECK = 1     # Access-Control-Allow-Origin / -Credentials
STEP_PREFLIGHT_STATUS = 2
STEP_PREFLIGHT_LISTS = 3          # parsing Allow-Methods / Allow-Headers
STEP_PREFLIGHT_METHOD = 4
STEP_PREFLIGHT_HEADERS = 5
STEP_ACTUAL = 6
# Steps at which a failed preflight stops everything after it.
PREFLIGHT_STOPS = (STEP_PREFLIGHT_REDIRECT, STEP_PREFLIGHT_CORS_CHECK, STEP_PREFLIGHT_STATUS)


@dataclass(frozen=True)
class Finding:
    """One problem at one place.

    ``message`` is one sentence that stands alone; ``chrome``/``firefox`` are the
    full console lines the browsers print (None when no browser error follows,
    e.g. a pure security finding); ``fix`` says what to change, in the words of
    the frontend that produced the route (``frontend``): checks name the change
    as an ``intent`` and corslint.fixes renders it after the checks ran.
    """

    code: str
    message: str
    source: Source
    severity: str
    fix: str = ""
    chrome: str | None = None
    firefox: str | None = None
    related: tuple[Source, ...] = field(default_factory=tuple)
    route: str = ""
    intent: FixIntent | None = None
    frontend: str = ""   # the producing frontend's NAME: chooses the fix's wording only
    route_at: Source | None = field(default=None, compare=False)  # where that route is written
    stop: BrowserStop | None = field(default=None, compare=False)  # the browser failure it predicts
    # Findings this one stands for (the browser never gets to them while this
    # one holds, or they restate its cause): said in its message, listed in JSON.
    folded: tuple[Finding, ...] = field(default_factory=tuple, compare=False)

    @property
    def file(self) -> str:
        return self.source.file

    @property
    def line(self) -> int:
        return self.source.line

    @property
    def column(self) -> int:
        return self.source.column

    def sort_key(self):
        return (self.source.file, self.source.line, self.source.column, self.code, self.message)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.source.file,
            "line": self.source.line,
            "column": self.source.column,
            "message": self.message,
            "chrome": self.chrome,
            "firefox": self.firefox,
            "fix": self.fix,
            "route": self.route,
            "included_from": [
                {"file": s.file, "line": s.line, "column": s.column} for s in self.source.via
            ],
            "related": [{"file": s.file, "line": s.line, "column": s.column} for s in self.related],
            "folded": [{"code": f.code, "severity": f.severity, "file": f.source.file, "line": f.source.line,
                        "column": f.source.column, "message": f.message} for f in self.folded],
        }
