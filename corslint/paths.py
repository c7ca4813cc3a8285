"""Where a path lies: the one containment test discovery, include loading and
the report writer share (each decides what is inside the linted tree)."""

from __future__ import annotations

import os
from typing import Iterable


def is_within(path: str, directories: Iterable[str]) -> bool:
    """Whether ``path`` is one of ``directories`` or lies below one. All are
    compared as given: pass them normalised the same way (absolute, or real)."""
    return any(path == d or path.startswith(d.rstrip(os.sep) + os.sep) for d in directories)


__all__ = ["is_within"]
