"""Reading the files corslint lints: the one reader every frontend uses.

Files are read as bytes, with two limits: on one file's size and on the
total read in a run (a config that includes itself into gigabytes, or a tree
of huge files, is refused instead of filling the memory). Past either limit
the file is a problem (exit 2), never silently skipped. The limits are
generous (no configuration is near them) and set with ``max-file-size`` /
``max-total-size`` in ``.corslint.toml``; ``reading()`` puts them in force
for a build of the model.

Servers read bytes, so a configuration file that is not UTF-8 is read as
Latin-1 with a notice; binary files are refused.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

from ..model import ParseProblem

MB = 1_000_000


class ParseError(Exception):
    """A file that cannot be linted: one `file:line: message` problem."""

    def __init__(self, file: str, line: int | None, message: str):
        super().__init__(message)
        self.problem = ParseProblem(file, line, message)


@dataclass(frozen=True)
class ReadLimits:
    """How much corslint reads: one file at most ``max_file_bytes``, all the
    files of a run (includes too) at most ``max_total_bytes``."""

    max_file_bytes: int = 10 * MB
    max_total_bytes: int = 100 * MB


@dataclass
class _Reading:
    limits: ReadLimits
    total: int = 0     # bytes read so far in this build


_READING: ContextVar[_Reading | None] = ContextVar("corslint_reading", default=None)


@contextmanager
def reading(limits: ReadLimits | None = None) -> Iterator[None]:
    """The span (a build of the model) in which ``limits`` hold and the
    bytes read are counted against the total."""
    token = _READING.set(_Reading(limits or ReadLimits()))
    try:
        yield
    finally:
        _READING.reset(token)


def _state() -> _Reading:
    # Outside reading() (a library caller parsing one file) the default
    # limits hold and the total is counted for this read alone.
    return _READING.get() or _Reading(ReadLimits())


def _megabytes(n: int) -> str:
    return f"{n / MB:g} MB"


def read_bytes(path: str) -> bytes:
    """The bytes of ``path`` within the limits in force; ParseError past them
    or when the file cannot be read."""
    state = _state()
    limit = state.limits.max_file_bytes
    too_large = (f"file too large to lint (over {_megabytes(limit)}; max-file-size in the "
                 "corslint configuration raises the limit); not linted")
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ParseError(path, None, "is a directory")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise ParseError(path, None, too_large)
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)   # a device or a file still growing: never more than this
    except IsADirectoryError:
        raise ParseError(path, None, "is a directory") from None
    except OSError as exc:
        raise ParseError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ParseError(path, None, too_large)
    state.total += len(data)
    if state.total > state.limits.max_total_bytes:
        raise ParseError(path, None, f"the files read reach the total-size limit "
                                     f"({_megabytes(state.limits.max_total_bytes)}; max-total-size in the "
                                     "corslint configuration raises it); not linted")
    return data


def is_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def decode_lenient(path: str, data: bytes, problems: list[ParseProblem], note: str = "") -> str:
    """UTF-8 text (a leading BOM kept), or Latin-1 with a notice naming the
    first line that is not UTF-8: every byte stays where it was, so lines and
    columns are those of the file."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(ParseProblem(path, line, f"not valid UTF-8 (read as Latin-1{note}); linted anyway",
                                     fatal=False))
        return data.decode("latin-1")


def read_config_text(path: str, what: str, problems: list[ParseProblem]) -> str:
    """A server configuration file's text. Servers read bytes, so a file that
    is not UTF-8 is read as Latin-1 with a notice naming the first line that
    is not; binary files and files past the limits raise ParseError."""
    data = read_bytes(path)
    if is_binary(data):
        raise ParseError(path, None, f"binary file, not {what}")
    return decode_lenient(path, data, problems)
