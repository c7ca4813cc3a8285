"""Where a path lies: the one containment test discovery, include loading and
the report writer share (each decides what is inside the linted tree)."""

from __future__ import annotations

import os
from typing import Iterable


def is_within(path: str, directories: Iterable[str]) -> bool:
    """Whether ``path`` is one of ``directories`` or lies below one. All are
    compared as given: pass them normalised the same way (absolute, or real)."""
    return any(path == d or path.startswith(d.rstrip(os.sep) + os.sep) for d in directories)


def shown(path: str, like: str) -> str:
    """How a file an include reached is named in the output: the way the
    user named the file that includes it (``like``): relative to the working
    directory when that was relative, else absolute; normalised
    (``conf.d/../snippets/x.conf`` -> ``snippets/x.conf``) only where the
    shorter name is the same file: ``..`` after a symbolic link climbs from
    the link's target, so the lexical form would name another file."""
    absolute = os.path.abspath(path)
    name = absolute if os.path.isabs(like) else os.path.relpath(absolute)
    if name != path and os.path.realpath(name) != os.path.realpath(path):
        return path
    return name


__all__ = ["is_within", "shown"]
