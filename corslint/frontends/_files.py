"""Reading configuration files the way servers do: as bytes, tolerant of
Latin-1, refusing what is not text or far too large to be configuration."""

from __future__ import annotations

import os
import stat

from ..model import ParseProblem


class ParseError(Exception):
    """A file that cannot be linted: one `file:line: message` problem."""

    def __init__(self, file: str, line: int | None, message: str):
        super().__init__(message)
        self.problem = ParseProblem(file, line, message)


def read_config_text(path: str, what: str, max_bytes: int, problems: list[ParseProblem]) -> str:
    """The file's text. Servers read bytes, so a file that is not UTF-8 is
    read as Latin-1 with a notice naming the first line that is not; binary
    files and files over ``max_bytes`` raise ParseError."""
    too_large = f"file too large to analyse (over {max_bytes // 1_000_000} MB); not linted"
    try:
        if stat.S_ISREG(os.stat(path).st_mode) and os.path.getsize(path) > max_bytes:
            raise ParseError(path, None, too_large)
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except IsADirectoryError:
        raise ParseError(path, None, "is a directory")
    except OSError as exc:
        raise ParseError(path, None, f"cannot read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        raise ParseError(path, None, too_large)
    if b"\x00" in data[:8192]:
        raise ParseError(path, None, f"binary file, not {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(ParseProblem(path, line, "not valid UTF-8 (read as Latin-1); linted anyway",
                                     fatal=False))
        return data.decode("latin-1")
