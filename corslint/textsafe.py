"""Text from the linted input made safe to print.

File names, header values and messages quoting them come from configs that a
stranger may have written (corslint runs on pull requests), and what corslint
prints lands in terminals and CI logs that act on some characters: ANSI escapes
recolour or rewrite a terminal, a newline lets a value start a line of its own,
and a GitHub runner executes any log line that starts with ``::`` as a workflow
command (``::stop-commands::``, ``::add-mask::``...). Every reporter passes
what came from the input through here.

* :func:`printable` shows control characters (C0, DEL, C1, the Unicode line
  separators and bidirectional overrides) as backslash escapes, and a byte of
  a file name that is not UTF-8 (Python's surrogate escape) as ``\\xNN``;
* :func:`display_path` does that to a path and keeps it from starting a line
  with ``::``;
* :func:`printable_lines` escapes a text line by line, keeping its newlines,
  and :func:`log_lines` also keeps each line from starting with ``::``;
* :func:`json_text` writes JSON (which escapes control characters itself)
  that a UTF-8 stream takes whatever bytes a file name holds.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings,
# overrides and isolates, and lone surrogates (undecodable file-name bytes).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a file-name byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character a terminal or log would act on escaped."""
    return _UNSAFE.sub(_escape, text)


def display_path(path: str) -> str:
    """A path as printed at the start of an output line: escaped, and never
    starting with ``::`` (a GitHub workflow command)."""
    shown = printable(path)
    return "./" + shown if shown.startswith(":") else shown


def printable_lines(text: str) -> str:
    """``text`` escaped line by line: its own newlines stay newlines."""
    return "\n".join(printable(line) for line in text.split("\n"))


def log_lines(text: str) -> str:
    """:func:`printable_lines`, and no line starting with ``::`` (a GitHub
    runner trims leading blanks before it looks for a workflow command)."""
    def safe(line: str) -> str:
        body = line.lstrip()
        return line[:len(line) - len(body)] + "./" + body if body.startswith("::") else line

    return "\n".join(safe(line) for line in printable_lines(text).split("\n"))


def json_text(data) -> str:
    """``data`` as indented JSON that any UTF-8 stream takes: JSON escapes the
    control characters itself; an undecodable file-name byte becomes the
    four characters ``\\xNN`` inside its string."""
    import json

    text = json.dumps(data, indent=2, ensure_ascii=False)
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda m: "\\" + _escape(m), text)


__all__ = ["printable", "display_path", "printable_lines", "log_lines", "json_text"]
