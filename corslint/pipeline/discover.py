"""Step 1 of the pipeline: which files to lint.

Named files are always linted; directories are walked for the files some
frontend recognises, skipping tool and dependency directories and whatever
the ``.gitignore`` files met on the way ignore.
"""

from __future__ import annotations

import errno
import os
from typing import Iterable

from ..frontends import frontend_for
from ..model import ParseProblem

# Directories never worth walking into.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "env",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages",
    "dist", "build", ".eggs",
})


def discover(paths: Iterable[str]) -> tuple[list[str], list[ParseProblem]]:
    """Files to lint: named files always; directories walked for the files a
    frontend recognises, skipping what .gitignore files in the walk ignore."""
    found: list[str] = []
    problems: list[ParseProblem] = []
    for path in paths:
        if path == "-":
            found.append(path)  # standard input, named by --stdin-filename
        elif os.path.isdir(path):
            before = len(found)
            _walk(path, found, problems)
            if len(found) == before:
                problems.append(ParseProblem(path, None, "no configuration files corslint reads in "
                                                         "this directory", fatal=False))
        elif os.path.exists(path):
            found.append(path)
        elif os.path.islink(path):
            problems.append(ParseProblem(path, None, _broken_link(path)))
        else:
            problems.append(ParseProblem(path, None, "no such file or directory"))
    return found, problems


def _broken_link(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop: the link never reaches a file"
    return f"broken symbolic link to {os.readlink(path)!r}"


def _walk(top: str, found: list[str], problems: list[ParseProblem]) -> None:
    ignores: list[tuple[str, object]] = []   # (directory, its .gitignore spec), outermost first
    seen_dirs: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(top, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen_dirs:  # a directory symlink loop: walk it once
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        ignores = [(d, spec) for d, spec in ignores if _is_within(root, d)]
        spec = _gitignore(root)
        if spec is not None:
            ignores.append((root, spec))
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIP_DIRS and not _is_virtualenv(os.path.join(root, d))
            and not _ignored(os.path.join(root, d), True, ignores))
        for name in sorted(files):
            full = os.path.normpath(os.path.join(root, name))  # "./a.conf" -> "a.conf"
            if _ignored(full, False, ignores):
                continue
            if os.path.islink(full) and not os.path.exists(full):
                problems.append(ParseProblem(full, None, _broken_link(full) + "; skipped", fatal=False))
                continue
            if frontend_for(full, named=False) is not None:
                found.append(full)


def _is_within(path: str, directory: str) -> bool:
    rel = os.path.relpath(path, directory)
    return rel == "." or not rel.startswith("..")


def _gitignore(directory: str):
    path = os.path.join(directory, ".gitignore")
    if not os.path.isfile(path):
        return None
    import pathspec  # only when a walk meets a .gitignore

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())
    except OSError:
        return None


def _ignored(path: str, is_dir: bool, ignores: list[tuple[str, object]]) -> bool:
    """The deepest .gitignore with an opinion on ``path`` decides."""
    for directory, spec in reversed(ignores):
        rel = os.path.relpath(path, directory).replace(os.sep, "/") + ("/" if is_dir else "")
        verdict = spec.check_file(rel).include
        if verdict is not None:
            return verdict
    return False


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


__all__ = ["SKIP_DIRS", "discover"]
