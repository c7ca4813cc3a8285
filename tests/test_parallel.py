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


def _bench_config(tmp_path: Path, servers: int) -> str:
    """The benchmark's generated config (bench/bench.py) with ``servers`` servers."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("corslint_bench", ROOT / "bench" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    path = tmp_path / "nginx.conf"
    path.write_text(bench.generate(servers))
    return str(path)


def test_rules_on_several_cores_agree_with_one(tmp_path, monkeypatch):
    path = _bench_config(tmp_path, 100)
    model, _ = lint_mod.build_model([path])
    assert len(model.routes) >= lint_mod.PARALLEL_MIN_ROUTES  # the forked path is taken
    forked_runs = []
    real = lint_mod._run_rules_forked

    def spy(model, codes, workers):
        by_code = real(model, codes, workers)
        forked_runs.append((workers, by_code is not None))
        return by_code

    monkeypatch.setattr(lint_mod, "_usable_cores", lambda: 2)
    monkeypatch.setattr(lint_mod, "_run_rules_forked", spy)
    forked = lint_mod.run_checks(model)
    assert forked_runs == [(2, True)]
    monkeypatch.setattr(lint_mod, "PARALLEL_MIN_ROUTES", 10**9)
    fresh, _ = lint_mod.build_model([path])
    one = lint_mod.run_checks(fresh)
    assert len(forked_runs) == 1  # this time in one process
    key = lambda fs: [(f.code, f.file, f.line, f.column, f.message, f.severity) for f in fs]  # noqa: E731
    assert key(forked) == key(one)
    assert {f.code for f in one} >= {"CORS105", "CORS106", "CORS201", "CORS402"}


def test_rule_tasks_hand_out_every_rule_once_heaviest_first():
    codes = list(lint_mod.checks.REGISTRY)
    tasks = lint_mod._rule_tasks(codes)
    assert sorted(c for t in tasks for c in t) == sorted(codes)
    # the rules sharing the allowlist analysis run together, and first
    assert set(tasks[0]) == {"CORS104", "CORS106", "CORS107"}
    assert lint_mod._rule_tasks(["CORS201", "CORS107"]) == [("CORS107",), ("CORS201",)]


def _killed(codes):
    """A rule process ending as the kernel's out-of-memory killer ends one."""
    import os

    os._exit(137)


def test_a_rule_process_that_dies_leaves_the_rules_to_this_one(tmp_path, monkeypatch):
    path = _bench_config(tmp_path, 100)
    model, _ = lint_mod.build_model([path])
    monkeypatch.setattr(lint_mod, "_usable_cores", lambda: 2)
    monkeypatch.setattr(lint_mod, "_run_forked_rules", _killed)
    assert lint_mod._run_rules_forked(model, ["CORS201"], 2) is None
    findings = lint_mod.run_checks(model, ["CORS201", "CORS105"])
    assert {f.code for f in findings} == {"CORS201", "CORS105"}
