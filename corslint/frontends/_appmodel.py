"""Pieces the framework frontends share to express an application's CORS
middleware in the policy model.

An application is one Route. Its branches are the middleware's own answer to
preflights (OPTIONS: a status the middleware decides, with its
Allow-Methods/-Headers/Max-Age) and the application's answers to every other
method (status decided by the app: ``delegate="app"``). Which origins get
``Access-Control-Allow-Origin`` is an ``OriginPolicy``; headers sent only to
allowed origins are ``OriginMap`` values whose default is empty (an empty value
is not sent).

``_library.py`` builds a library's whole Route from these pieces and the
library's table; a framework frontend rarely needs them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import (
    ALL_METHODS,
    HeaderEmission,
    MapEntry,
    OriginMap,
    OriginMatcher,
    Source,
    Unknown,
    Value,
)

ACTUAL_METHODS = frozenset(m for m in ALL_METHODS if m != "OPTIONS")
PREFLIGHT = frozenset({"OPTIONS"})


@dataclass
class OriginPolicy:
    """Which request origins the middleware answers with ACAO, and how.

    kind:
      ``star``     -- ``*`` for every request;
      ``reflect``  -- the request's Origin echoed, unchecked;
      ``list``     -- the Origin echoed when a matcher accepts it (``matchers``);
                      ``partial`` names entries corslint cannot resolve (then the
                      answer to other origins is unknown rather than nothing);
      ``fixed``    -- one literal value for every request (``fixed``);
      ``unknown``  -- corslint cannot tell (``what`` says why);
      ``none``     -- CORS switched off: no ACAO.
    """

    kind: str
    source: Source
    matchers: list[OriginMatcher] = field(default_factory=list)
    fixed: str = ""
    what: str = ""
    partial: str = ""
    note: str = ""

    def acao(self) -> Value:
        if self.kind == "star":
            return Value.literal("*")
        if self.kind == "reflect":
            return Value.origin()
        if self.kind == "fixed":
            return Value.literal(self.fixed)
        if self.kind == "none":
            return Value.literal("")
        if self.kind == "unknown":
            return Value((Unknown(self.what or "origin setting"),))
        return self.for_allowed(Value.origin())

    def for_allowed(self, value: Value | str) -> Value:
        """``value`` for origins the policy admits, nothing for the others."""
        if isinstance(value, str):
            value = Value.literal(value)
        if self.kind == "list":
            default = Value((Unknown(self.partial),)) if self.partial else Value.literal("")
            entries = tuple(MapEntry(m, value) for m in self.matchers)
            return Value((OriginMap(entries, default, self.source),))
        if self.kind == "unknown":
            return Value((Unknown(self.what or "origin setting"),))
        if self.kind == "none":
            return Value.literal("")
        return value


def emission(name: str, value: Value | str, source: Source, *, note: str = "", raw: str = "",
             always: bool = True, library_default: bool = False) -> HeaderEmission:
    if isinstance(value, str):
        value = Value.literal(value)
    return HeaderEmission(name=name, value=value, source=source, always=always,
                          omit_if_empty=True, raw=raw or value.render(), note=note,
                          library_default=library_default)


def join_notes(*notes: str) -> str:
    out: list[str] = []
    for n in notes:
        for part in (n or "").split("; "):
            if part and not any(part in o for o in out):
                out.append(part)
    return "; ".join(out)


def path_from_regex(rx: str) -> str:
    """A readable path for a URL regex such as ``^/api/.*$``."""
    p = rx.strip()
    p = p.lstrip("^").rstrip("$")
    for tail in (".*", "(.*)", "/*", "*"):
        if p.endswith(tail):
            p = p[: -len(tail)]
    p = p.replace("\\/", "/").replace("\\.", ".")
    if not p.startswith("/"):
        p = "/" + p
    return p if not any(c in p for c in "()[]?+|\\") else "/"
