"""Linting many files on several cores gives exactly what one process gives."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

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


def test_rule_shares_hand_out_every_rule_once_and_keep_families_together():
    codes = list(lint_mod.checks.REGISTRY)
    weight = lambda share: sum(lint_mod.RULE_WEIGHTS.get(c, 2) for c in share)  # noqa: E731
    for workers in (2, 3, 4):
        shares = lint_mod._rule_shares(codes, workers)
        assert len(shares) == workers
        assert sorted(c for share in shares for c in share) == sorted(codes)
        for family in lint_mod.RULE_FAMILIES:  # the work they share is done once
            assert sum(1 for share in shares if set(family) & set(share)) == 1
        for share in shares:  # each share runs in the registry's order
            assert share == sorted(share, key=codes.index)
        assert [weight(s) for s in shares] == sorted((weight(s) for s in shares), reverse=True)
    # two shares of about equal weight (within a tenth of the whole)
    first, second = lint_mod._rule_shares(codes, 2)
    assert weight(first) - weight(second) <= (weight(first) + weight(second)) / 10
    assert lint_mod._rule_shares(["CORS107", "CORS201"], 4) == [["CORS201"], ["CORS107"]]
    assert lint_mod._rule_shares(["CORS104", "CORS107"], 2) == [["CORS104", "CORS107"]]


def _dies_in_a_rule_process(parent: int):
    """``_run_rules`` that ends a forked rule process as the kernel's
    out-of-memory killer ends one, and runs normally in ``parent``."""
    real = lint_mod._run_rules

    def run(model, codes):
        import os

        if os.getpid() != parent:
            os._exit(137)
        return real(model, codes)

    return run


def _open_fds() -> int:
    import os

    return len(os.listdir("/proc/self/fd"))


def test_a_rule_process_that_dies_leaves_its_rules_to_this_one(tmp_path, monkeypatch):
    import os

    path = _bench_config(tmp_path, 100)
    model, _ = lint_mod.build_model([path])
    codes = list(lint_mod.checks.REGISTRY)
    one = lint_mod._run_rules(model, codes)
    fds = _open_fds()
    monkeypatch.setattr(lint_mod, "_run_rules", _dies_in_a_rule_process(os.getpid()))
    forked = lint_mod._run_rules_forked(model, codes, 2)
    assert forked is not None
    assert {code: _everything(fs) for code, fs in forked.items()} == \
        {code: _everything(fs) for code, fs in one.items()}
    assert _open_fds() == fds  # every pipe closed again
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # and no rule process left behind


def test_a_rule_that_fails_in_a_rule_process_fails_here_too(tmp_path, monkeypatch):
    """The share is run again here, so a rule's error is not lost in a child."""
    path = _bench_config(tmp_path, 100)
    model, _ = lint_mod.build_model([path])
    codes = list(lint_mod.checks.REGISTRY)
    code = lint_mod._rule_shares(codes, 2)[1][0]  # a rule of the forked share
    real_check = lint_mod.checks.load(code).check

    def broken(model):
        raise RuntimeError(f"{code} broke")
        yield from real_check(model)

    monkeypatch.setattr(lint_mod.checks.load(code), "check", broken)
    with pytest.raises(RuntimeError, match=f"{code} broke"):
        lint_mod._run_rules_forked(model, codes, 2)


@contextmanager
def _another_thread():
    """A second thread in this process while the block runs."""
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        yield
    finally:
        release.set()
        worker.join()


def test_no_rule_process_is_forked_from_a_threaded_host(tmp_path):
    path = _bench_config(tmp_path, 100)
    model, _ = lint_mod.build_model([path])
    with _another_thread():
        assert lint_mod._run_rules_forked(model, ["CORS201", "CORS309"], 2) is None
    assert lint_mod._run_rules_forked(model, ["CORS201", "CORS309"], 2) is not None


def _everything(findings):
    import dataclasses

    return [dataclasses.asdict(f) for f in findings]


def test_allowlist_head_start_changes_no_finding(tmp_path, monkeypatch):
    from corslint import allowlist

    path = _bench_config(tmp_path, 100)   # 300 allowlist entries, one file
    kept = []
    real_keep = allowlist.keep

    def spy(matchers, analyses):
        kept.append(len(analyses))
        real_keep(matchers, analyses)

    monkeypatch.setattr(allowlist, "keep", spy)
    monkeypatch.setattr(lint_mod.AllowlistHeadStart, "CHUNK", 10**6)  # all of it, then stop
    monkeypatch.setattr(allowlist, "_CACHE", {})
    ahead = lint_mod.lint([path])
    assert kept == [300]  # the helper analysed every entry and this process kept them
    monkeypatch.setattr(allowlist, "_CACHE", {})
    monkeypatch.setattr(lint_mod, "ALLOWLIST_RULES", frozenset())  # no helper this time
    alone = lint_mod.lint([path])
    assert kept == [300]
    assert _everything(ahead.findings) == _everything(alone.findings)
    assert {"CORS106"} <= {f.code for f in alone.findings}


def test_allowlist_head_start_stopped_early_keeps_what_it_has(tmp_path, monkeypatch):
    from corslint import allowlist

    path = _bench_config(tmp_path, 100)
    model, _ = lint_mod.build_model([path])
    matchers = [m for route in model.routes for m in route.origin_matchers()]
    monkeypatch.setattr(allowlist, "_CACHE", {})
    monkeypatch.setattr(lint_mod.AllowlistHeadStart, "CHUNK", 5)
    real_analyse = allowlist._analyse

    def slow(matcher):  # all 300 would take the helper 6 s
        time.sleep(0.02)
        return real_analyse(matcher)

    monkeypatch.setattr(allowlist, "_analyse", slow)
    head_start = lint_mod.AllowlistHeadStart(minimum=1)
    head_start(matchers)
    head_start.collect()   # at once: the helper has done a chunk or a few
    done = dict(allowlist._CACHE)
    assert 5 <= len(done) < 300
    for key, analysis in done.items():
        assert analysis.matcher is not None and allowlist._key(analysis.matcher) == key
        # the same analysis this process makes itself
        assert analysis == real_analyse(analysis.matcher)


def _helper_killed(matchers):
    import os

    os._exit(137)


def test_a_killed_allowlist_helper_leaves_the_analysis_to_the_rules(tmp_path, monkeypatch):
    from corslint import allowlist

    path = _bench_config(tmp_path, 100)
    monkeypatch.setattr(allowlist, "_CACHE", {})
    alone = lint_mod.lint([path], codes=["CORS106", "CORS105"])
    monkeypatch.setattr(allowlist, "_CACHE", {})
    monkeypatch.setattr(allowlist, "analyse_apart", _helper_killed)
    kept = []
    monkeypatch.setattr(allowlist, "keep", lambda matchers, analyses: kept.append(analyses))
    killed = lint_mod.lint([path], codes=["CORS106", "CORS105"])
    assert kept == []
    assert _everything(killed.findings) == _everything(alone.findings)
    assert {f.code for f in killed.findings} == {"CORS105", "CORS106"}


def test_allowlist_head_start_survives_a_host_that_restored_sigpipe(tmp_path):
    """The helper may be gone when it is told to stop; telling it must not
    raise SIGPIPE, which kills a program that restored the default action."""
    import subprocess
    import sys

    script = """
import signal, time
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
from corslint import allowlist
from corslint import lint as lint_mod
from corslint.model import OriginMatcher
lint_mod._usable_cores = lambda: 2
matchers = [OriginMatcher(f"https://a{i}.example.com", "exact") for i in range(200)]
head_start = lint_mod.AllowlistHeadStart()
head_start(matchers)
assert head_start.pid is not None
time.sleep(1.5)            # the helper has sent its few results and exited
head_start.collect()
print(len(allowlist._CACHE))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "200"


def test_no_file_descriptors_left_means_no_head_start_but_the_same_findings(tmp_path, monkeypatch):
    import errno
    import os

    from corslint import allowlist

    path = _bench_config(tmp_path, 100)
    monkeypatch.setattr(allowlist, "_CACHE", {})
    alone = lint_mod.lint([path], codes=["CORS106"])
    monkeypatch.setattr(allowlist, "_CACHE", {})
    opened = []
    real_pipe = os.pipe

    def pipe():
        if opened:
            raise OSError(errno.EMFILE, "Too many open files")
        opened.append(real_pipe())
        return opened[-1]

    closed = []
    real_close = os.close

    def close(fd):
        closed.append(fd)
        real_close(fd)

    monkeypatch.setattr(lint_mod.os, "pipe", pipe)
    monkeypatch.setattr(lint_mod.os, "close", close)
    starved = lint_mod.lint([path], codes=["CORS106"])
    monkeypatch.undo()
    assert len(opened) == 1
    assert set(opened[0]) <= set(closed)  # the first pipe was closed again
    assert _everything(starved.findings) == _everything(alone.findings)
    assert starved.findings


def test_no_allowlist_helper_is_forked_from_a_threaded_host(tmp_path, monkeypatch):
    from corslint import allowlist

    path = _bench_config(tmp_path, 100)
    model, _ = lint_mod.build_model([path])
    matchers = [m for route in model.routes for m in route.origin_matchers()]
    monkeypatch.setattr(allowlist, "_CACHE", {})
    monkeypatch.setattr(lint_mod, "_usable_cores", lambda: 2)
    head_start = lint_mod.AllowlistHeadStart(minimum=1)
    with _another_thread():
        head_start(matchers)
        assert head_start.pid is None
    head_start(matchers)  # the host is single-threaded again
    assert head_start.pid is not None
    head_start.collect()


def test_a_helper_still_at_work_past_its_deadline_is_killed_and_gives_nothing():
    import os

    started = lint_mod._fork_sending(lambda: time.sleep(60))
    assert started is not None
    pid, read_end = started
    begun = time.monotonic()
    assert lint_mod._receive(pid, read_end, begun + 0.3) is None
    assert time.monotonic() - begun < 10  # not the helper's 60 s
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # killed and reaped
    assert lint_mod._receive(*lint_mod._fork_sending(lambda: {"sent": [1, 2]})) == {"sent": [1, 2]}
