"""A lint run: files -> frontends -> policy model -> checks -> findings.

The steps are the modules of :mod:`corslint.pipeline`, in order: discover the
files, build the model, run the rules, collect the findings. Every memo the
run makes lives in one set of tables (:mod:`corslint.memo`) or on the model's
routes and branches; both are dropped when ``lint()`` returns.
"""

from __future__ import annotations

import os
from typing import Iterable

from . import checks, memo
from .findings import Finding
from .frontends import FRONTENDS
from .frontends._files import ReadLimits
from .frontends._includes import linted_roots
from .model import PolicyModel
from .pipeline import build, check, link, report, runtime
from .pipeline.discover import discover
from .pipeline.report import LintResult, provenance_notes


def build_model(files: list[str], *, stdin_text: str | None = None, stdin_filename: str | None = None,
                roots: tuple[str, ...] | None = None) -> tuple[PolicyModel, dict[str, str]]:
    """The policy model of ``files`` and the texts read (step 2); includes
    read only under ``roots`` (by default the directories of ``files``)."""
    with memo.run(), runtime.collector_paused():
        return build.build_model(files, stdin_text=stdin_text, stdin_filename=stdin_filename, roots=roots)


def run_checks(model: PolicyModel, codes: Iterable[str] | None = None) -> list[Finding]:
    """The findings of the rules ``codes`` (all when None) on ``model``, as
    the user reads them (steps 3 and 4)."""
    codes = list(codes or checks.REGISTRY)
    with memo.run(), runtime.collector_paused():
        return report.collect(model, check.run_rules(model, codes), codes)


def lint(paths: Iterable[str], *, stdin_text: str | None = None, stdin_filename: str | None = None,
         codes: Iterable[str] | None = None, named: Iterable[str] | None = None,
         limits: ReadLimits | None = None, upstreams: Iterable[link.UpstreamEntry] = ()) -> LintResult:
    """Lint ``paths`` (files, directories, ``-`` for ``stdin_text``) with the
    rules ``codes`` (all when None), reading within ``limits`` (the defaults
    when None). What is named is the tree: includes read only under the
    directories of ``named``, the paths the user named (``paths`` itself
    unless it is what is left of them after ``exclude``). Proxies are
    linked to the apps behind them in the named directories, or through
    ``upstreams`` (the config's explicit map), before the rules run."""
    codes = list(codes or checks.REGISTRY)
    paths = list(paths)
    with memo.run(), runtime.collector_paused():
        files, problems = discover(paths)
        model, texts = build.build_model(files, stdin_text=stdin_text, stdin_filename=stdin_filename,
                                         roots=linted_roots(paths if named is None else named),
                                         limits=limits)
        link.link(model, [p for p in (paths if named is None else named) if p != "-" and os.path.isdir(p)],
                  upstreams, limits)
        runtime.drop_garbage(size=len(model.routes))
        findings = report.collect(model, check.run_rules(model, codes), codes)
        model.forget_derived()
    return LintResult(findings=findings, problems=problems + model.problems,
                      files=model.files, texts=texts, model=model)


__all__ = ["LintResult", "lint", "discover", "build_model", "run_checks", "provenance_notes", "FRONTENDS"]
