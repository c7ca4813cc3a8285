"""Reading the project files that pin a library's version (package.json,
lockfiles, requirements files): the one reader the koa, fastify and sanic
frontends share.

These files are not linted, only looked at for a version, and the tree may
come from a stranger's pull request whose output is public. So a pin file
is read only when it is a regular file whose path, as written and with every
symbolic link resolved, lies under the linted roots (a link to a host file,
a FIFO or a device is never opened for reading); at most the run's
``max-file-size`` bytes are read and the bytes count against its
``max-total-size`` (see :mod:`._files`). A file that fails any of this is
treated as absent: the frontend then says which version it assumes, as it
does when no file names one.

The parsers of these files are the frontends'; :func:`load_json` and
:func:`dig` let them take a JSON document of any shape without a crash.
"""

from __future__ import annotations

import json
import os
import stat
from typing import Any, Iterable

from ..paths import is_within
from ._files import _state
from ._includes import as_roots


def in_tree(path: str, roots: Iterable[str]) -> bool:
    """``path`` lies under one of ``roots``, as written and once every
    symbolic link on the way is resolved."""
    roots = as_roots(roots)
    return (is_within(os.path.normpath(os.path.abspath(path)), roots)
            and is_within(os.path.realpath(path), roots))


def read_pin_file(path: str, roots: Iterable[str]) -> str | None:
    """The text of the pin file ``path`` (UTF-8, undecodable bytes replaced),
    or None when it is missing, not a regular file inside ``roots``, larger
    than the run's per-file limit, or past its total."""
    if not in_tree(path, roots):
        return None
    state = _state()
    limit = state.limits.max_file_bytes
    try:
        # O_NONBLOCK: opening a FIFO that a race put in place never waits;
        # the fstat below refuses it (and any device) before a byte is read.
        fd = os.open(os.path.realpath(path),
                     os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    if size > limit:    # grew while read
        return None
    state.total += size
    if state.total > state.limits.max_total_bytes:
        return None
    return b"".join(chunks).decode("utf-8", "replace")


def load_json(text: str) -> Any:
    """The JSON document ``text``, or None when it is not JSON (nested too
    deep for the parser included)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def dig(data: Any, *keys: str) -> Any:
    """``data[k1][k2]...`` where every level is an object holding the key;
    None otherwise (a list, a string, a missing key)."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


# npm's dependency sections of package.json, in the order a pin is looked for
DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def package_lock_version(data: Any, package: str) -> Any:
    """The version a parsed package-lock.json (or npm-shrinkwrap.json)
    installs for ``package``: lockfile v2/v3's ``packages`` entry, else v1's
    ``dependencies`` entry (not checked to be a string)."""
    entry = dig(data, "packages", f"node_modules/{package}") or dig(data, "dependencies", package)
    return dig(entry, "version")


def package_json_range(data: Any, package: str) -> str | None:
    """The range a parsed package.json asks for ``package``: the first
    dependency section that names it with a string."""
    for field in DEPENDENCY_FIELDS:
        spec = dig(data, field, package)
        if isinstance(spec, str):
            return spec
    return None
