"""The default human-readable format.

::

    path:line:col: CODE severity: message
        Included from: main.conf:12:5
        Chrome: ...
        Firefox: ...
        Fix: ...

    link: deploy/nginx.conf:8 proxy_pass http://api:3000 -> api/server.js (docker-compose.yml:8 service api, build ./api)

    3 findings (1 critical, 2 error) in 4 files
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

import click

from ..findings import SEVERITIES
from ..textsafe import display_path, printable

if TYPE_CHECKING:  # pragma: no cover
    from ..findings import Finding
    from ..lint import LintResult

INDENT = "    "

SEVERITY_STYLE = {
    "critical": {"fg": "magenta", "bold": True},
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow", "bold": True},
    "info": {"fg": "cyan"},
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _style(text: str, color: bool, **kw) -> str:
    return click.style(text, **kw) if color else text


def format_finding(finding: "Finding", color: bool = False) -> str:
    # Paths, messages and browser texts quote the input: escaped (textsafe).
    location = f"{display_path(finding.file)}:{finding.line}:{finding.column}:"
    # The severity is printed, so a CI log or a pipe tells critical from info.
    code = _style(f"{finding.code} {finding.severity}:", color, **SEVERITY_STYLE.get(finding.severity, {}))
    lines = [f"{_style(location, color, bold=True)} {code} {printable(finding.message)}"]
    if finding.source.via:
        chain = " <- ".join(f"{printable(s.file)}:{s.line}:{s.column}" for s in reversed(finding.source.via))
        lines.append(f"{INDENT}Included from: {chain}")
    places = _places(finding)
    if places:
        lines.append(f"{INDENT}{_style('Also at:', color, dim=True)} {places}")
    for label, value in (("Chrome", finding.chrome), ("Firefox", finding.firefox), ("Fix", finding.fix)):
        if value:
            lines.append(f"{INDENT}{_style(label + ':', color, dim=True)} {printable(value)}")
    return "\n".join(lines)


# Related places printed in text; JSON and SARIF carry them all.
MAX_PLACES = 10


def _places(finding: "Finding") -> str:
    """The finding's related places (the same mistake elsewhere, the lines
    it folds in): 'line 12' in its own file, 'file:line' in another; a place
    on the finding's own line, or said already, is not said again (the
    columns that tell them apart are in JSON and SARIF)."""
    places = list(dict.fromkeys(
        f"line {s.line}" if s.file == finding.file else f"{display_path(s.file)}:{s.line}"
        for s in finding.related if not (s.file == finding.file and s.line == finding.line)))
    more = len(places) - MAX_PLACES
    return ", ".join(places[:MAX_PLACES]) + (f" and {more} more" if more > 0 else "")


def files_read(result: "LintResult") -> int:
    """How many files the run linted: the ones named or found, and the ones
    they include (where findings often are). A file refused (a template, a
    parse error) is not counted."""
    import os

    linted = {os.path.abspath(f) for f in result.files}
    if result.model is not None:
        linted |= result.model.included_files
    return len(linted)


def summary_line(findings: "list[Finding]", files: int, problems: int = 0, color: bool = False) -> str:
    where = f"in {_plural(files, 'file')}"
    if not findings:
        line = f"No findings {where}"
    else:
        counts = Counter(f.severity for f in findings)
        order = [s for s in reversed(SEVERITIES) if counts.get(s)]
        order += sorted(s for s in counts if s not in SEVERITIES)
        parts = ", ".join(
            _style(f"{counts[s]} {s}", color, **SEVERITY_STYLE.get(s, {})) for s in order
        )
        line = f"{_plural(len(findings), 'finding')} ({parts}) {where}"
    if problems:
        line += f"; {_plural(problems, 'input problem')} (see stderr)"
    return line


def report(result: "LintResult", findings: "list[Finding]", stream: TextIO, color: bool = False) -> None:
    blocks = [format_finding(f, color) for f in findings]
    files = files_read(result)
    if blocks:
        stream.write("\n\n".join(blocks) + "\n\n")
    links = result.model.links if result.model is not None else []
    if links:
        from ._links import describe

        stream.write("".join(describe(link) + "\n" for link in links) + "\n")
    stream.write(summary_line(findings, files, len(result.problems), color) + "\n")
