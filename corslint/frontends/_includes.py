"""Loading configuration that includes other files, the part nginx and
httpd share: each file read once, includes expanded into the including
file's tree with the chain of includes kept, include cycles cut, and
include paths resolved inside the linted tree.

A frontend's loader subclasses IncludingLoader: it says how one file is
parsed and converted into directives, and which candidate paths its
include directive may name (those its server would try, in order,
re-rooted into the tree); :meth:`IncludingLoader.resolve` picks the files.

What is named is the tree (the config may come from a stranger's pull
request, the output may be public): an include reads only files whose real
path lies under one of the linted roots (:func:`linted_roots`). An absolute
path is re-rooted into the tree, ``..`` never climbs above a root, and a
symbolic link that leads out of every root is not followed; what is left
out is a notice, never read, so nothing of a host file can be quoted.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Iterable

from ..model import ParseProblem, PolicyModel, Source
from ..paths import is_within, shown
from ._files import ParseError, read_config_text


def linted_roots(paths: Iterable[str], stdin: Iterable[str] = ()) -> tuple[str, ...]:
    """The directories includes may read from: each named
    directory; for a named file its own directory, and the working directory
    when the file lies inside it (``corslint conf/nginx.conf`` from a
    checkout reads ``../snippets`` of that checkout); for standard input
    (``-`` or a display name in ``stdin``) the working directory. Each is
    given as named (absolute) and as its real path (see :func:`as_roots`)."""
    here = os.getcwd()
    stdin = set(stdin)
    roots: list[str] = []
    for path in paths:
        if path == "-" or path in stdin:
            roots.append(here)
        elif os.path.isdir(path):
            roots.append(os.path.abspath(path))
        else:
            full = os.path.abspath(path)
            roots.append(os.path.dirname(full))
            if is_within(full, [here]):
                roots.append(here)
    return as_roots(roots)


def as_roots(directories: Iterable[str]) -> tuple[str, ...]:
    """``directories`` as the loader compares paths with them: absolute, as
    named (a link to a checkout) and as really are. A real path never passes
    through a link, so the named form lets no real path out of the tree."""
    out: list[str] = []
    for d in directories:
        out += [os.path.normpath(os.path.abspath(d)), os.path.realpath(d)]
    return tuple(dict.fromkeys(out))


@dataclass
class IncludingLoader:
    """Reads files once, expands includes, records every problem."""

    texts: dict[str, str]                       # the text of every file read, by path
    stdin: dict[str, str] = field(default_factory=dict)
    problems: list[ParseProblem] = field(default_factory=list)
    cache: dict[str, list] = field(default_factory=dict)    # parsed files, by path
    included: set[str] = field(default_factory=set)         # absolute paths of included files
    # The linted roots includes resolve within (see linted_roots, as_roots);
    # none: no include is read.
    roots: tuple[str, ...] = ()
    # Absolute paths of the files included since the last top-level load.
    reached: set[str] = field(default_factory=set)

    # What a file of this frontend is, for messages ("an nginx config"), and
    # the include directive as the user writes it ("include").
    what: ClassVar[str]
    include_word: ClassVar[str]

    def read(self, path: str) -> str:
        if path in self.stdin:
            text = self.stdin[path]
        else:
            text = read_config_text(path, self.what, self.problems)
        self.texts[path] = text
        return text

    def in_tree(self, path: str) -> bool:
        """``path`` lies under a linted root, as written and once every
        symbolic link on the way is resolved."""
        return (is_within(os.path.normpath(os.path.abspath(path)), self.roots)
                and is_within(os.path.realpath(path), self.roots))

    def resolve(self, pattern: str, candidates: list[str], source: Source, path: str,
                whole_directories: bool = False) -> tuple[list[str], bool]:
        """The files the include ``pattern`` at ``source`` in ``path`` reads:
        those of the first of ``candidates`` (the pattern as written first)
        naming a file in the tree, by :func:`first_match`. Candidates outside
        the tree are never looked at, and a file reached through a link out
        of it is not read. When nothing is read, the second value says
        whether the pattern itself lies outside the tree (as written, or
        through a link) rather than matching no file in it; when some files
        are read, each link left out is a notice here."""
        refused: list[str] = []
        found: list[str] = []
        for cand in candidates:
            if not is_within(os.path.normpath(os.path.abspath(cand)), self.roots):
                continue  # never listed nor globbed: it may be the host's
            if not is_within(os.path.realpath(cand), self.roots):
                if os.path.lexists(cand):
                    refused.append(cand)
                continue
            matches = first_match([cand], whole_directories)
            refused += [m for m in matches if not self.in_tree(m)]
            found = [shown(m, path) for m in matches if self.in_tree(m)]
            if found:
                break
        if refused and found:   # the include reads the rest: name what it left out
            for link in dict.fromkeys(refused):
                self.problems.append(ParseProblem(
                    path, source.line, f"{self.include_word} '{pattern}': {link} is outside the linted tree "
                                       "(a symbolic link); not read", fatal=False))
        outside = not found and (bool(refused) or not candidates
                                 or not is_within(os.path.normpath(os.path.abspath(candidates[0])),
                                                self.roots))
        return found, outside

    def not_found(self, pattern: str, source: Source, path: str, outside: bool) -> None:
        """The notice for an include that reads nothing: outside the tree, or
        matching no file in it."""
        if outside:
            message = f"{self.include_word} '{pattern}' is outside the linted tree; not read"
        else:
            message = f"{self.include_word} '{pattern}' matches no file here; linted without it"
        self.problems.append(ParseProblem(path, source.line, message, fatal=False))

    def include(self, files: list[str], pattern: str, source: Source, path: str, stack: tuple[str, ...],
                load: Callable[[str], list]) -> list:
        """The directives of ``files``, which ``pattern`` at ``source`` in
        ``path`` resolved to, each loaded by ``load``. A file already on the
        include ``stack`` (real paths) is a cycle: a notice, and that file is
        not expanded again (the rest of the file, and of the tree, is
        analysed). A file that cannot be read or parsed is a problem of its
        own and the rest is still read."""
        out: list = []
        for inc in files:
            if os.path.realpath(inc) in stack:
                self.problems.append(ParseProblem(
                    path, source.line, f"include cycle: '{pattern}' includes {inc} again; "
                                       "not expanded a second time", fatal=False))
                continue
            real = os.path.abspath(inc)
            self.included.add(real)
            self.reached.add(real)
            try:
                out.extend(load(inc))
            except ParseError as exc:
                self.problems.append(exc.problem)
        return out


def load_each(loader, paths: list[str], model: PolicyModel, too_deep: str) -> list[tuple[str, list]]:
    """(path, directives) of each file to analyse on its own; the problems of
    files that cannot be loaded go to ``model``. ``loader.load(path, root_dir)``
    loads a file whose includes resolve against ``root_dir``: its directory
    (the current one for standard input).

    A file another linted file includes is analysed only as part of its
    includer; of files that include each other in a cycle, the first named
    is analysed (with the others expanded into it). The problems found
    while loading a file analysed as part of another are that other's, met
    again: they are reported once."""
    loaded: list[tuple[int, list, set[str]]] = []   # (index in paths, directives, files reached)
    met: list[list[ParseProblem]] = []     # the problems of each file's load, loaded or not
    for index, path in enumerate(paths):
        root = os.path.dirname(os.path.abspath(path)) if path not in loader.stdin else os.getcwd()
        loader.reached = set()
        before = len(loader.problems)
        try:
            loaded.append((index, loader.load(path, root), loader.reached))
        except ParseError as exc:
            model.problems.append(exc.problem)
        except RecursionError:
            model.problems.append(ParseProblem(path, None, too_deep))
        met.append(loader.problems[before:])
        del loader.problems[before:]
    alone = _analysed_alone(paths, loaded)
    # Every load's problems but those of a file analysed as part of another.
    dropped = {index for index, _tree, _reached in loaded} - alone
    seen: set[tuple] = set()
    for index, problems in enumerate(met):
        if index in dropped:
            continue
        for problem in problems:
            key = (problem.file, problem.line, problem.message, problem.fatal)
            if key not in seen:
                seen.add(key)
                loader.problems.append(problem)
    return [(paths[index], tree) for index, tree, _reached in loaded if index in alone]


def _analysed_alone(paths: list[str], loaded: list[tuple[int, list, set[str]]]) -> set[int]:
    """The indexes (in ``paths``) of the loaded files to analyse on their
    own: all of them when only one is linted; else first those no other one
    includes, then, in the order named, any that none of those reaches (files
    that include each other in a cycle with no way in)."""
    if len(paths) <= 1:
        return {index for index, _tree, _reached in loaded}
    reached_by: dict[str, int] = {}
    for _index, _tree, reached in loaded:
        for full in reached:
            reached_by[full] = reached_by.get(full, 0) + 1
    alone: set[int] = set()
    covered: set[str] = set()
    for first_pass in (True, False):
        for index, _tree, reached in loaded:
            full = os.path.abspath(paths[index])
            if index in alone or full in covered:
                continue
            if first_pass and reached_by.get(full, 0) - (full in reached) > 0:
                continue
            alone.add(index)
            covered |= reached
    return alone


def rerooted(pattern: str, root_dir: str) -> list[str]:
    """An absolute include path moved under ``root_dir`` (the including main
    config's directory), longest first: /etc/nginx/snippets/x.conf ->
    <root>/nginx/snippets/x.conf, <root>/snippets/x.conf, <root>/x.conf (a
    repository keeps a server's tree from some level down). A glob keeps its
    directory: /etc/nginx/conf.d/*.conf never stands for <root>/*.conf, nor
    /etc/* for every file of the repository."""
    parts = pattern.strip("/").split("/")
    last = len(parts) - 1 if glob.has_magic(parts[-1]) else len(parts)
    return [os.path.join(root_dir, *parts[i:]) for i in range(1, last)]


def above_root(pattern: str, root_dir: str) -> list[str]:
    """A relative include path read from the directory above the main
    config's directory ``root_dir`` (a file linted from a subdirectory of the
    server's tree); read only when that lies in the linted tree too."""
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
