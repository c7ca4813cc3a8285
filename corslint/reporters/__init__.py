"""Reporters: render a lint run.

A reporter is a callable ``report(result, findings, stream, color) -> None``:
``result`` is the :class:`corslint.lint.LintResult` (files linted, problems,
file texts), ``findings`` the findings left after filtering and suppression
(already sorted), ``stream`` a text stream to write to, ``color`` whether ANSI
colour may be used. ``REPORTERS`` maps a ``--format`` name to its reporter; a new
format (sarif, github) is added with :func:`register` and the CLI offers it
without further changes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable, TextIO

if TYPE_CHECKING:  # pragma: no cover
    from ..findings import Finding
    from ..lint import LintResult

Reporter = Callable[["LintResult", "list[Finding]", TextIO, bool], None]

REPORTERS: dict[str, Reporter] = {}


def register(name: str, reporter: Reporter | None = None):
    """Register ``reporter`` under ``name``; usable as a decorator."""
    def _add(fn: Reporter) -> Reporter:
        REPORTERS[name] = fn
        return fn
    return _add(reporter) if reporter is not None else _add


def get_reporter(name: str) -> Reporter:
    try:
        return REPORTERS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(sorted(REPORTERS))}") from None


def _lazy(module: str) -> Reporter:
    """A reporter that imports its module on first use: `corslint --version`
    and a plain text lint never load the SARIF object model."""
    def report(result, findings, stream, color):
        implementation = importlib.import_module(f"{__name__}.{module}")
        return implementation.report(result, findings, stream, color)

    report.__name__ = report.__qualname__ = f"{module}_report"
    return report


for _name in ("text", "json", "sarif", "github"):
    register(_name, _lazy(_name))

__all__ = ["REPORTERS", "Reporter", "register", "get_reporter"]
