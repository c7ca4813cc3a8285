"""Writing the report where ``--output`` says, and nowhere else.

The tree being linted may come from a stranger's pull request, so a name that
CI passes to ``--output`` can already exist there as a symbolic link planted to
make corslint overwrite a file elsewhere (the runner's credentials, a workflow
file). The report is therefore:

* never written through a symbolic link, whether the name itself is one or a
  directory on the way to it leads outside the directory the user named;
* never written over a file the run read (``corslint --output a.conf a.conf``);
* written atomically: into a temporary file beside the target, then renamed
  over it, so a reader never sees half a report and a failed run leaves the
  previous report as it was.
"""

from __future__ import annotations

import os
import tempfile
from typing import Callable, Iterable, TextIO

from .paths import is_within


class OutputRefused(Exception):
    """The report cannot be written there; the message says why."""


def check_target(path: str, inputs: Iterable[str] = ()) -> None:
    """Raise :class:`OutputRefused` when ``path`` must not be written."""
    if os.path.islink(path):
        raise OutputRefused(f"{path} is a symbolic link; corslint does not write through links")
    parent = os.path.dirname(os.path.abspath(path))
    here = os.getcwd()
    if is_within(parent, [here]):
        # Below the working directory every directory may come from the tree
        # being linted: one that is a link must not lead out of it.
        real_parent = os.path.realpath(parent)
        if not is_within(real_parent, [os.path.realpath(here)]):
            raise OutputRefused(f"{path}: a directory on its path is a symbolic link to "
                                f"{real_parent}, outside the working directory; "
                                "corslint does not write through links")
    if os.path.exists(path):
        if not os.path.isfile(path):
            raise OutputRefused(f"{path} is not a regular file")
        target = os.stat(path)
        for name in inputs:
            try:
                st = os.stat(name)
            except (OSError, ValueError):
                continue
            if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                raise OutputRefused(f"{path} is one of the files being linted; "
                                    "the report would overwrite it")


def write_atomically(path: str, render: Callable[[TextIO], None], inputs: Iterable[str] = ()) -> None:
    """Write what ``render`` writes to a stream into ``path``, atomically."""
    check_target(path, inputs)
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".corslint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            render(stream)
        # mkstemp makes the file 0600; a report is as readable as any new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        check_target(path, inputs)  # nothing planted while the report was made
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


__all__ = ["OutputRefused", "check_target", "write_atomically"]
