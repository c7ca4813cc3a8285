"""Loading configuration that includes other files, the part nginx and
httpd share: each file read once, includes expanded into the including
file's tree with the chain of includes kept, include cycles refused, and
include paths resolved inside the linted tree.

A frontend's loader subclasses IncludingLoader: it says how one file is
parsed and converted into directives, and where its include directive
resolves (from the candidate paths its server would try, in order).
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from typing import Callable, ClassVar

from ..model import ParseProblem, PolicyModel, Source
from ._files import ParseError, read_config_text


@dataclass
class IncludingLoader:
    """Reads files once, expands includes, records every problem."""

    texts: dict[str, str]                       # the text of every file read, by path
    stdin: dict[str, str] = field(default_factory=dict)
    problems: list[ParseProblem] = field(default_factory=list)
    cache: dict[str, list] = field(default_factory=dict)    # parsed files, by path
    included: set[str] = field(default_factory=set)         # absolute paths of included files

    # What a file of this frontend is, for messages ("an nginx config").
    what: ClassVar[str]

    def read(self, path: str) -> str:
        if path in self.stdin:
            text = self.stdin[path]
        else:
            text = read_config_text(path, self.what, self.problems)
        self.texts[path] = text
        return text

    def include(self, files: list[str], pattern: str, source: Source, path: str, stack: tuple[str, ...],
                load: Callable[[str], list]) -> list:
        """The directives of ``files``, which ``pattern`` at ``source`` in
        ``path`` resolved to, each loaded by ``load``. A file already on the
        include ``stack`` is a cycle; a file that cannot be read or parsed is
        a problem of its own and the rest is still read."""
        out: list = []
        for inc in files:
            real = os.path.abspath(inc)
            if real in stack:
                raise ParseError(path, source.line, f"include cycle: '{pattern}' includes {inc} again")
            self.included.add(real)
            try:
                out.extend(load(inc))
            except ParseError as exc:
                self.problems.append(exc.problem)
        return out


def load_each(loader, paths: list[str], model: PolicyModel, too_deep: str) -> list[tuple[str, list]]:
    """(path, directives) of each file to analyse on its own; the problems of
    files that cannot be loaded go to ``model``. ``loader.load(path, root_dir)``
    loads a file whose includes resolve against ``root_dir``: its directory
    (the current one for standard input). A file another one includes is
    analysed only as part of its includer when both are linted."""
    loaded: list[tuple[str, list]] = []
    for path in paths:
        root = os.path.dirname(os.path.abspath(path)) if path not in loader.stdin else os.getcwd()
        try:
            tree = loader.load(path, root)
        except ParseError as exc:
            model.problems.append(exc.problem)
            continue
        except RecursionError:
            model.problems.append(ParseProblem(path, None, too_deep))
            continue
        loaded.append((path, tree))
    return [(path, tree) for path, tree in loaded
            if not (os.path.abspath(path) in loader.included and len(paths) > 1)]


def rerooted(pattern: str, root_dir: str) -> list[str]:
    """An absolute include path moved into the linted tree, longest first:
    /etc/nginx/snippets/x.conf -> <root>/nginx/snippets/x.conf, <root>/snippets/x.conf,
    <root>/x.conf (a repository keeps a server's tree from some level down)."""
    parts = pattern.strip("/").split("/")
    return [os.path.join(root_dir, *parts[i:]) for i in range(1, len(parts))]


def above_root(pattern: str, root_dir: str) -> list[str]:
    """A relative include path read from the directory above the linted
    tree's root (a file linted from a subdirectory of the server's tree)."""
    parent = os.path.dirname(root_dir)
    if parent and parent != root_dir:
        return [os.path.join(parent, pattern)]
    return []


def first_match(candidates: list[str], whole_directories: bool = False) -> list[str]:
    """The files of the first candidate path (a glob) that names any, in
    name order. With ``whole_directories`` a candidate naming a directory
    stands for every file in it (httpd's Include of a directory)."""
    for cand in candidates:
        if whole_directories and os.path.isdir(cand) and not glob.has_magic(cand):
            found = sorted(os.path.join(cand, f) for f in os.listdir(cand)
                           if os.path.isfile(os.path.join(cand, f)))
            if found:
                return found
            continue
        matches = sorted(m for m in glob.glob(cand) if os.path.isfile(m))
        if matches:
            return matches
    return []
