"""Step 1 of the pipeline: which files to lint.

Named files are always linted; directories are walked for the files some
frontend recognises, skipping tool and dependency directories and whatever
the ``.gitignore`` files met on the way ignore (in a git work tree, for
untracked files only). What is named is the tree: no symbolic link out of it
is followed and only regular files are read (see :func:`discover`).
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from typing import Iterable

from ..frontends import walk_frontend
from ..model import ParseProblem
from ..paths import is_within

# Directories a walk does not enter: version control, third-party code,
# virtualenvs and build output. Files git tracks in them are still linted
# (except under .git and the third-party ones): a committed config must not
# vanish because its directory is called env/ or build/.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "env",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages",
    "dist", "build", ".eggs",
})
# Never entered, tracked or not: version control and code other people wrote.
NEVER_ENTERED = frozenset({".git", ".hg", ".svn", "node_modules", "site-packages"})
# Version control's own data: not a configuration, whoever names it.
VCS_DIRS = frozenset({".git", ".hg", ".svn"})


def discover(paths: Iterable[str], named: Iterable[str] | None = None) -> tuple[list[str], list[ParseProblem]]:
    """Files to lint: named files always; directories walked for the files a
    frontend recognises.

    What is named is the tree: a walk follows no symbolic link that leads out
    of every named path, and reads only regular files (a FIFO or a device
    would hang or flood it). Inside a git work tree, .gitignore files apply to
    untracked files only, as in git itself: a committed config is always
    linted, whatever a .gitignore in the same pull request says. The tree is
    the directories among ``named`` (by default ``paths`` themselves), so a
    walk of one named directory may follow a link into another."""
    paths = list(paths)
    found: list[str] = []
    problems: list[ParseProblem] = []
    roots = [os.path.realpath(p) for p in (paths if named is None else named)
             if p != "-" and os.path.isdir(p)]
    for path in paths:
        if path == "-":
            found.append(path)  # standard input, named by --stdin-filename
        elif os.path.isdir(path):
            before = len(found)
            _walk(path, found, problems, roots)
            if len(found) == before:
                problems.append(ParseProblem(path, None, "no configuration files corslint reads in "
                                                         "this directory; nothing linted there",
                                             fatal=False))
        elif os.path.exists(path):
            if _named_link_leads_out(path, roots):
                problems.append(ParseProblem(path, None, "symbolic link to outside the working "
                                                         "directory; not followed"))
            elif _is_regular(path) or _is_shell_pipe(path):
                found.append(path)
            else:
                problems.append(ParseProblem(path, None, "not a regular file (a FIFO, socket or "
                                                         "device); not read"))
        elif os.path.islink(path):
            problems.append(ParseProblem(path, None, _broken_link(path)))
        else:
            problems.append(ParseProblem(path, None, "no such file or directory"))
    return found, problems


def _named_link_leads_out(path: str, roots: list[str]) -> bool:
    """A named file inside the working directory may come from the tree being
    linted (pre-commit names a pull request's files): a link there must not
    lead out of it. A path named outside the working directory
    (``corslint /etc/nginx/sites-enabled/default``) is the user's own choice."""
    if not os.path.islink(path):
        return False
    here = os.getcwd()
    if not _is_within(os.path.abspath(path), here):
        return False
    return not is_within(os.path.realpath(path), [os.path.realpath(here), *roots])


def _is_shell_pipe(path: str) -> bool:
    """``corslint <(render-config)``: the shell's pipe, with a writer behind
    it (a FIFO inside a tree may have none, and reading it would hang)."""
    return path.startswith(("/dev/fd/", "/proc/self/fd/"))


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _broken_link(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop: the link never reaches a file"
    return f"broken symbolic link to {os.readlink(path)!r}"


def _named_dependency_tree(top: str) -> bool:
    """Whether the directory the user named is, or lies inside, one a walk
    skips (node_modules, .venv, site-packages, build/, ...). The one rule:
    such a directory met while walking is skipped; named, it is what the
    user asked for, and is walked in full (its own skip lists and ignore
    files are its packagers', not the user's). Only the part of the path
    the user chose counts (below the working directory, else the named
    directory itself): a checkout that happens to live under /srv/build/
    is still walked with the skip list."""
    absolute = os.path.abspath(top)
    rel = os.path.relpath(absolute)
    depth = 1 if rel == os.curdir or rel.startswith(os.pardir) else len(rel.split(os.sep))
    path = absolute
    for _ in range(depth):
        name = os.path.basename(path)
        if name in VCS_DIRS:
            return False
        if name in SKIP_DIRS or name in NEVER_ENTERED or _is_virtualenv(path):
            return True
        path = os.path.dirname(path)
    return False


def _walk(top: str, found: list[str], problems: list[ParseProblem], roots: list[str]) -> None:
    if _named_dependency_tree(top):
        _walk_all(top, found, problems, roots)
        return
    ignores: list[tuple[str, object]] = []   # (directory, its .gitignore spec), outermost first
    seen_dirs: set[tuple[int, int]] = set()
    tracked = _TrackedFiles(top)
    only_tracked: set[str] = set()  # directories entered only for their tracked files
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
        root_only_tracked = root in only_tracked
        kept_dirs = []
        for d in sorted(dirs):
            full = os.path.join(root, d)
            if d in NEVER_ENTERED or not _link_stays_inside(full, roots, problems):
                continue
            skipped = (root_only_tracked or d in SKIP_DIRS or _is_virtualenv(full)
                       or _ignored(full, True, ignores))
            if not skipped:
                kept_dirs.append(d)
            elif tracked.holds_below(full):
                kept_dirs.append(d)       # entered for the files git tracks there
                only_tracked.add(full)
        dirs[:] = kept_dirs
        for name in sorted(files):
            full = os.path.normpath(os.path.join(root, name))  # "./a.conf" -> "a.conf"
            if not _file_link_ok(full, roots, problems):
                continue
            if (root_only_tracked or _ignored(full, False, ignores)) and not tracked.holds(full):
                continue
            if not _regular_file_ok(full, problems):
                continue
            if walk_frontend(full) is not None:
                found.append(full)


def _walk_all(top: str, found: list[str], problems: list[ParseProblem], roots: list[str]) -> None:
    """A named dependency or tool directory: every recognised file in it,
    version control data aside, with the same link and file-type rules."""
    seen_dirs: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(top, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen_dirs:
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirs[:] = [d for d in sorted(dirs) if d not in VCS_DIRS
                   and _link_stays_inside(os.path.join(root, d), roots, problems)]
        for name in sorted(files):
            full = os.path.normpath(os.path.join(root, name))
            if (_file_link_ok(full, roots, problems) and _regular_file_ok(full, problems)
                    and walk_frontend(full) is not None):
                found.append(full)


def _file_link_ok(full: str, roots: list[str], problems: list[ParseProblem]) -> bool:
    """A file met in a walk is not a broken link nor one out of the tree
    (each refused with a notice)."""
    if os.path.islink(full):
        if not os.path.exists(full):
            problems.append(ParseProblem(full, None, _broken_link(full) + "; skipped", fatal=False))
            return False
        return _link_stays_inside(full, roots, problems)
    return True


def _regular_file_ok(full: str, problems: list[ParseProblem]) -> bool:
    """A file met in a walk is a regular file (else a notice: a FIFO or a
    device would hang or flood the run)."""
    if not _is_regular(full):
        problems.append(ParseProblem(full, None, "not a regular file (a FIFO, socket or "
                                                 "device); skipped", fatal=False))
        return False
    return True


def _link_stays_inside(path: str, roots: list[str], problems: list[ParseProblem]) -> bool:
    """False (with a notice) for a symbolic link that leads out of every
    linted root: a link in a stranger's tree must not make corslint read the
    host (``etc -> /etc``, ``up -> ..``)."""
    if not os.path.islink(path):
        return True
    target = os.path.realpath(path)
    if is_within(target, roots):
        return True
    problems.append(ParseProblem(os.path.normpath(path), None,
                                 "symbolic link to outside the linted tree; not followed", fatal=False))
    return False


class _TrackedFiles:
    """The files git tracks under a walked directory, asked for only when a
    .gitignore or a skipped directory would leave something out.

    git runs with the options that keep a repository's own configuration from
    running commands (a tree from a stranger may carry its .git directory)."""

    def __init__(self, top: str):
        self.top = top
        self._files: frozenset[str] | None = None
        self._dirs: frozenset[str] | None = None

    def _load(self) -> None:
        if self._files is not None:
            return
        files: set[str] = set()
        try:
            done = subprocess.run(
                ["git", "--no-pager", "-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false",
                 "-C", self.top, "ls-files", "-z", "--cached"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                timeout=60, check=False)
            if done.returncode == 0:
                files = {os.path.normpath(os.path.join(self.top, os.fsdecode(name)))
                         for name in done.stdout.split(b"\0") if name}
        except (OSError, subprocess.SubprocessError):
            pass  # no git here: .gitignore applies to every file
        dirs: set[str] = set()
        for name in files:
            parent = os.path.dirname(name)
            while parent and parent not in dirs:
                dirs.add(parent)
                parent = os.path.dirname(parent)
        self._files, self._dirs = frozenset(files), frozenset(dirs)

    def holds(self, path: str) -> bool:
        self._load()
        return os.path.normpath(path) in self._files

    def holds_below(self, directory: str) -> bool:
        self._load()
        return os.path.normpath(directory) in self._dirs


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


__all__ = ["NEVER_ENTERED", "SKIP_DIRS", "discover"]
