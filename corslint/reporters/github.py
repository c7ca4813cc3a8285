"""GitHub Actions workflow commands (``--format github``).

One annotation per finding, shown on the pull request's diff and in the run
summary::

    ::error file=nginx.conf,line=9,col=9,endLine=9,endColumn=52,title=CORS201::Access-Control-Allow-Origin is '*' ...%0AFix: ...

Findings of severity critical and error are ``error`` annotations, warnings
``warning``, info ``notice``. Inputs that could not be parsed are ``error``
annotations titled ``corslint`` (notices about an input, ``warning``). Paths are
relative to the directory corslint ran in (the workspace, in a workflow).

Escaping follows the runner's rules: in the message ``%``, CR and LF become
``%25``, ``%0D``, ``%0A``; in a property value ``:`` and ``,`` also become
``%3A`` and ``%2C``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..textsafe import printable, printable_lines
from .text import files_read, summary_line

if TYPE_CHECKING:  # pragma: no cover
    from ..findings import Finding
    from ..lint import LintResult

COMMANDS = {"critical": "error", "error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_path(path: str, root: str | os.PathLike | None = None) -> str:
    """``path`` relative to ``root`` (default: the current directory) with ``/``
    separators; unchanged when it lies outside."""
    base = Path(os.path.abspath(root if root is not None else os.getcwd()))
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return absolute.as_posix()


def command(kind: str, message: str, **props: object) -> str:
    """One workflow command line: ``::kind prop=value,...::message``."""
    rendered = ",".join(f"{key}={escape_property(printable(str(value)))}" for key, value in props.items()
                        if value is not None)
    # Newlines in the message stay (escape_data makes them %0A, so they cannot
    # start a line); every other control character from the input is escaped.
    return f"::{kind}{' ' + rendered if rendered else ''}::{escape_data(printable_lines(message))}"


def _end_column(result: "LintResult", finding: "Finding") -> int | None:
    text = result.texts.get(finding.file)
    if text is None:
        return None
    lines = text.splitlines()
    if not 1 <= finding.line <= len(lines):
        return None
    return max(len(lines[finding.line - 1].rstrip()) + 1, finding.column)


def annotation(result: "LintResult", finding: "Finding") -> str:
    parts = [finding.message.strip()]
    if finding.fix:
        parts.append(f"Fix: {finding.fix.strip()}")
    if finding.chrome:
        parts.append(f"Chrome: {finding.chrome}")
    if finding.firefox:
        parts.append(f"Firefox: {finding.firefox}")
    end = _end_column(result, finding)
    return command(
        COMMANDS.get(finding.severity, "warning"), "\n".join(parts),
        file=workspace_path(finding.file), line=finding.line, col=finding.column,
        endLine=finding.line if end is not None else None, endColumn=end, title=finding.code,
    )


def report(result: "LintResult", findings: "list[Finding]", stream: TextIO, color: bool = False) -> None:
    for problem in result.problems:
        fatal = bool(getattr(problem, "fatal", True))
        stream.write(command("error" if fatal else "warning", problem.message,
                             file=workspace_path(problem.file), line=problem.line or None,
                             title="corslint") + "\n")
    for finding in findings:
        stream.write(annotation(result, finding) + "\n")
    stream.write(summary_line(findings, files_read(result), len(result.problems)) + "\n")


__all__ = ["report", "command", "escape_data", "escape_property", "workspace_path"]
