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


from . import github as _github  # noqa: E402
from . import json as _json  # noqa: E402
from . import sarif as _sarif  # noqa: E402
from . import text as _text  # noqa: E402

register("text", _text.report)
register("json", _json.report)
register("sarif", _sarif.report)
register("github", _github.report)

__all__ = ["REPORTERS", "Reporter", "register", "get_reporter"]
