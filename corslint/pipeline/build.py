"""Step 2 of the pipeline: the policy model of the files to lint.

Each file goes to the first frontend that recognises it, and each frontend
gets all its files at once, so that a file another one includes is analysed
in its includer's context rather than twice. A frontend takes files and
returns a model; the models are joined in the order the files were given.
"""

from __future__ import annotations

from types import ModuleType

from ..frontends import frontend_for
from ..frontends._files import ReadLimits, reading
from ..frontends._includes import linted_roots
from ..model import ParseProblem, PolicyModel

STDIN = "-"   # the path that stands for standard input


def build_model(files: list[str], *, stdin_text: str | None = None, stdin_filename: str | None = None,
                roots: tuple[str, ...] | None = None,
                limits: ReadLimits | None = None) -> tuple[PolicyModel, dict[str, str]]:
    """The policy model of ``files`` and the text of every file read (for
    suppression comments and reporters). ``-`` among ``files`` is
    ``stdin_text``, named ``stdin_filename``. Includes read only files under
    ``roots``, the directories named for the run (by default those of
    ``files``: see :func:`corslint.frontends._includes.linted_roots`). Every
    frontend reads within ``limits`` (the defaults when None): one file's
    size, and the total of every file read, includes too."""
    model = PolicyModel()
    texts: dict[str, str] = {}
    if roots is None:
        roots = linted_roots(files)
    limits = limits or ReadLimits()
    if stdin_text is not None and len(stdin_text) > limits.max_file_bytes:
        model.problems.append(ParseProblem(stdin_filename or "<stdin>", None,
                                           "standard input too large to lint (over the max-file-size limit); "
                                           "not linted"))
        files = [f for f in files if f != STDIN]
    with reading(limits):
        for frontend, paths, stdin in _batches(files, stdin_text, stdin_filename, model):
            model.extend(frontend.parse_files(paths, stdin=stdin, texts=texts, roots=roots))
    order = {f: i for i, f in enumerate(files)}
    model.files.sort(key=lambda f: order.get(f, len(order)))
    return model, texts


def _batches(files: list[str], stdin_text: str | None, stdin_filename: str | None,
             model: PolicyModel) -> list[tuple[ModuleType, list[str], dict[str, str]]]:
    """(frontend, its files, standard input by display name) in the order
    each frontend's first file comes; a file no frontend reads is a problem
    in ``model``."""
    batches: dict[str, tuple[ModuleType, list[str], dict[str, str]]] = {}
    for path in files:
        stdin: dict[str, str] = {}
        display = path
        if path == STDIN:
            display = stdin_filename or "<stdin>"
            stdin[display] = stdin_text or ""
        frontend = frontend_for(display, named=True, text=stdin.get(display))
        if frontend is None:
            model.problems.append(ParseProblem(display, None, "not a configuration corslint can read"))
            continue
        entry = batches.setdefault(frontend.__name__, (frontend, [], {}))
        entry[1].append(display)
        entry[2].update(stdin)
    return list(batches.values())


__all__ = ["build_model"]
