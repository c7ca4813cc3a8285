"""Inline suppression comments.

A comment in the linted file's own comment syntax::

    add_header Access-Control-Allow-Origin *;   # corslint: disable=CORS201
    # corslint: disable=CORS201,CORS105
    # corslint: disable            (every code)

on the finding's line, or on the line directly above it, suppresses the finding.
JavaScript/TypeScript files use ``//`` or ``/* ... */``; every other format
corslint reads (nginx, Apache, Python) uses ``#``.
Codes may be prefixes (``CORS2`` suppresses the CORS2xx family).

The finding's own file and line are used, so a finding located in an included
file is suppressed by a comment in that included file.
"""

from __future__ import annotations

import os
import re
from typing import Callable, Iterable, Mapping

from .findings import Finding

JS_EXTENSIONS = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"})

# The directive itself; the comment it must stand in is an opener earlier on
# its line (looked up after the directive is found: a regex that tries every
# opener as a start and scans on from each is quadratic in a line of '/').
_DIRECTIVE = re.compile(
    r"\bcorslint:\s*disable(?![\w-])"
    r"(?:\s*=\s*(?P<codes>[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*))?",
    re.IGNORECASE)
_HASH = ("#",)
_SLASH = ("//", "/*")

# Returned by directive_codes() for a bare ``disable``.
ALL = frozenset({"ALL"})


def comment_openers(filename: str) -> tuple[str, ...]:
    ext = os.path.splitext(filename)[1].lower()
    return _SLASH if ext in JS_EXTENSIONS else _HASH


def directive_codes(line: str, filename: str = "") -> frozenset[str] | None:
    """Codes a line's suppression comment names: None when the line has no
    directive, ``ALL`` for a bare ``disable``."""
    found = [i for i in (line.find(opener) for opener in comment_openers(filename)) if i >= 0]
    if not found:
        return None
    comment = min(found)   # where the line's first comment opens
    for match in _DIRECTIVE.finditer(line, comment):
        if match.start() > comment:
            codes = match.group("codes")
            if not codes:
                return ALL
            return frozenset(c.strip().upper() for c in codes.split(",") if c.strip())
    return None


def _covers(codes: frozenset[str] | None, code: str) -> bool:
    if codes is None:
        return False
    if codes is ALL or "ALL" in codes:
        return True
    return any(code.upper().startswith(c) for c in codes)


def is_suppressed(finding: Finding, lines: list[str], filename: str | None = None) -> bool:
    """Whether a directive on the finding's line or the line above covers it."""
    line = finding.line
    if not line or line < 1:
        return False
    name = filename if filename is not None else finding.file
    for number in (line, line - 1):
        if 1 <= number <= len(lines) and _covers(directive_codes(lines[number - 1], name), finding.code):
            return True
    return False


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


def split_suppressed(findings: Iterable[Finding], texts: Mapping[str, str] | None = None,
                     read: Callable[[str], str | None] = _read) -> tuple[list[Finding], list[Finding]]:
    """(kept, suppressed). File text comes from ``texts`` (LintResult.texts),
    falling back to reading the file from disk."""
    texts = texts or {}
    cache: dict[str, list[str]] = {}
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        path = finding.file
        if path not in cache:
            text = texts.get(path)
            if text is None:
                text = read(path)
            cache[path] = text.splitlines() if text else []
        (suppressed if is_suppressed(finding, cache[path]) else kept).append(finding)
    return kept, suppressed


def filter_suppressed(findings: Iterable[Finding], texts: Mapping[str, str] | None = None) -> list[Finding]:
    """The findings no inline comment suppresses."""
    return split_suppressed(findings, texts)[0]


__all__ = ["directive_codes", "is_suppressed", "split_suppressed", "filter_suppressed", "ALL"]
