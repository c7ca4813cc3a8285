"""The rules of a large model on two cores give exactly what one process
gives (corslint.pipeline.runtime, the only module that knows about it)."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import corslint.lint as lint_mod
from corslint.pipeline import runtime

ROOT = Path(__file__).resolve().parent.parent


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


def _everything(findings):
    import dataclasses

    return [dataclasses.asdict(f) for f in findings]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(runtime, "_usable_cores", lambda: 2)


def _whose(item: str) -> tuple[str, int]:
    """Work that takes a while and says which process did it."""
    time.sleep(0.02)
    return item.upper(), os.getpid()


def test_items_are_shared_between_two_processes_and_come_back_in_order(two_cores):
    items = [f"item{i}" for i in range(40)]
    done = runtime.run_each(items, _whose, size=runtime.PARALLEL_MIN_ROUTES)
    assert list(done) == items
    assert [answer for answer, _ in done.values()] == [i.upper() for i in items]
    workers = [pid for _, pid in done.values()]
    assert os.getpid() in workers and len(set(workers)) == 2  # both processes took some
    here = [i for i, pid in enumerate(workers) if pid == os.getpid()]
    assert here == list(range(len(here)))  # this one from the front, the other from the back
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # and no process left behind


def test_a_small_model_stays_in_one_process(two_cores):
    done = runtime.run_each(["a", "b", "c"], _whose, size=runtime.PARALLEL_MIN_ROUTES - 1)
    assert {pid for _, pid in done.values()} == {os.getpid()}


def test_rules_on_two_cores_agree_with_one(tmp_path, two_cores, monkeypatch):
    path = _bench_config(tmp_path, 100)
    monkeypatch.setattr(runtime, "PARALLEL_MIN_ROUTES", 400)  # the forked path is taken
    forks = []
    real_fork = os.fork

    def counting_fork():
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(runtime.os, "fork", counting_fork)
    shared = lint_mod.lint([path])
    assert len(forks) == 1
    monkeypatch.setattr(runtime, "PARALLEL_MIN_ROUTES", 10**9)
    alone = lint_mod.lint([path])
    assert len(forks) == 1  # this time in one process
    assert _everything(shared.findings) == _everything(alone.findings)
    assert {f.code for f in alone.findings} >= {"CORS105", "CORS106", "CORS201", "CORS402"}


def _dies_in_the_other_process(parent: int):
    """Work that ends the forked process as the kernel's out-of-memory killer
    ends one, and runs normally in ``parent``."""
    def work(item):
        if os.getpid() != parent:
            os._exit(137)
        return item * 2

    return work


def test_items_of_a_process_that_dies_are_worked_on_here(two_cores):
    fds = _open_fds()
    items = [str(i) for i in range(30)]
    done = runtime.run_each(items, _dies_in_the_other_process(os.getpid()), size=10**6)
    assert done == {i: i * 2 for i in items}
    assert _open_fds() == fds  # every pipe closed again
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # and no process left behind


def test_an_error_in_the_other_process_is_raised_here(two_cores):
    def work(item):
        if item == "z":
            raise RuntimeError("z broke")
        return item

    with pytest.raises(RuntimeError, match="z broke"):  # "z" is the other process's first item
        runtime.run_each(list("abcz"), work, size=10**6)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


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


def test_no_process_is_forked_from_a_threaded_host(two_cores):
    with _another_thread():
        done = runtime.run_each(list("abcd"), _whose, size=10**6)
        assert {pid for _, pid in done.values()} == {os.getpid()}
    done = runtime.run_each(list("abcd"), _whose, size=10**6)
    assert len({pid for _, pid in done.values()}) == 2


def test_no_pipe_left_means_one_process(two_cores, monkeypatch):
    import errno

    def no_pipe():
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(runtime.os, "pipe", no_pipe)
    done = runtime.run_each(list("abcd"), _whose, size=10**6)
    assert {pid for _, pid in done.values()} == {os.getpid()}


def test_the_collector_is_paused_only_during_the_run():
    import gc

    assert gc.isenabled()
    with runtime.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_garbage_is_collected_after_building_a_large_model_only(monkeypatch):
    import gc

    collected = []
    monkeypatch.setattr(runtime.gc, "collect", lambda *a: collected.append(a) or 0)
    runtime.drop_garbage(size=runtime.COLLECT_MIN_ROUTES - 1)
    assert collected == []
    runtime.drop_garbage(size=runtime.COLLECT_MIN_ROUTES)
    assert len(collected) == 1
    assert gc.isenabled()
