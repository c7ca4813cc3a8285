"""Linting many files on several cores gives exactly what one process gives."""

from __future__ import annotations

from pathlib import Path

import corslint.lint as lint_mod

ROOT = Path(__file__).resolve().parent.parent


def _keys(result):
    return (sorted((f.code, f.file, f.line, f.column, f.message) for f in result.findings),
            result.files, sorted(map(str, result.problems)))


def test_parallel_and_sequential_runs_agree(monkeypatch):
    paths = [str(ROOT / "samples"), str(ROOT / "tests" / "fixtures")]
    files, _ = lint_mod.discover(paths)
    assert len(files) >= lint_mod.PARALLEL_MIN_FILES  # the pool is really used
    monkeypatch.setattr(lint_mod, "_usable_cores", lambda: 2)
    parallel = lint_mod.lint(paths)
    monkeypatch.setattr(lint_mod, "PARALLEL_MIN_FILES", 10**9)
    sequential = lint_mod.lint(paths)
    assert _keys(parallel) == _keys(sequential)
    assert parallel.findings  # the comparison is about something
