"""How a lint run uses the machine: the one module that knows about
processes, the garbage collector and the process exit. Nothing else in
corslint needs to; every function here gives what a plain loop in one
process gives, only sooner.

* The rules of a large model run on two cores (``run_each``). Below
  ``PARALLEL_MIN_ROUTES`` routes one process is faster than starting a
  second; files are always parsed in one process (a pool of parsers made a
  41-file tree slower than one process).
* The cyclic garbage collector is off while a run builds the model and runs
  the rules (``collector_paused``): the model is a mass of small acyclic
  objects, and the collector's repeated passes over that growing heap cost
  more than the lint. A large model's build leaves garbage in reference
  cycles, collected once before the rules (``drop_garbage``).
* The console script ends the process once its report is written
  (``run_console``) instead of freeing that mass object by object.
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

# From this many routes on, the rules run on two cores: about 210 of the
# benchmark's servers. Measured on a busy 2-core machine, a second process
# cost more than it saved at 100 servers (475 routes), broke even at 200
# and paid from 500 on; samples/ (188 routes) and a tree of a few dozen
# ordinary files stay far below it.
PARALLEL_MIN_ROUTES = 1000


def run_each(items: list[str], work: Callable[[str], T], *, size: int) -> dict[str, T]:
    """``{item: work(item)}`` for every item, in the order of ``items``.

    When ``size`` (the number of routes) is at least ``PARALLEL_MIN_ROUTES``
    and a second core is free, a forked process shares the work: it sees
    everything this one built (copy-on-write, nothing is sent to it) and
    sends back only the results. The items are taken one at a time from
    both ends of the list, this process from the front and the other from
    the back, until they meet: however long each item takes, both finish at
    about the same time, and neighbouring items (rules of one family ask the
    same questions of the model) mostly stay in one process, whose memos
    then serve them all. An item the other process took but did not send
    back (it failed or was killed) is worked on here afterwards, so an
    error in ``work`` surfaces as it does in one process."""
    if size >= PARALLEL_MIN_ROUTES and len(items) > 1 and _usable_cores() > 1 and _can_fork():
        shared = _run_shared(items, work)
        if shared is not None:
            return shared
    return {item: work(item) for item in items}


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """A process may be forked here: there is fork, and no other thread (a
    lock another thread holds at the fork would stay held in the child for
    good)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _run_shared(items: list[str], work: Callable[[str], T]) -> dict[str, T] | None:
    """``run_each`` on two processes; None when no second process can be had."""
    if len(items) > 255:
        return None  # the claim counters below are one byte each
    # The next index this process takes (byte 0, counting up) and one past
    # the last the other took (byte 1, counting down), in memory both share.
    # Each process writes only its own byte, so no lock is needed; at worst
    # both take the middle item, which is then worked on twice and kept once.
    ends = mmap.mmap(-1, 2)
    ends[0], ends[1] = 0, len(items)
    try:
        read_end, write_end = os.pipe()
    except OSError:  # out of file descriptors
        return None
    try:
        pid = os.fork()
    except OSError:  # out of processes
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:
        _child(items, work, ends, read_end, write_end)  # never returns
    os.close(write_end)
    try:
        done: dict[str, T] = {}
        while True:
            front = ends[0]
            if front >= ends[1]:
                break
            ends[0] = front + 1
            done[items[front]] = work(items[front])
        theirs = _receive(pid, read_end)
        read_end = None
    finally:
        if read_end is not None:  # an error in work here: stop the other process
            os.close(read_end)
            _kill(pid)
    for item in items:
        if item not in done:
            done[item] = theirs[item] if item in theirs else work(item)
    return {item: done[item] for item in items}


def _child(items: list[str], work: Callable, ends: mmap.mmap, read_end: int, write_end: int) -> None:
    """The forked process: items from the back until the two meet, then its
    results, pickled, down the pipe; it ends without any cleanup."""
    status = 1
    try:
        os.close(read_end)
        done = {}
        while True:
            back = ends[1] - 1
            if back < ends[0]:
                break
            ends[1] = back
            done[items[back]] = work(items[back])
        data = pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as fh:
            fh.write(data)
        status = 0
    finally:
        os._exit(status)


def _receive(pid: int, read_end: int) -> dict:
    """What the forked process sent once it has ended; {} if it failed or
    sent nothing whole."""
    chunks: list[bytes] = []
    try:
        while True:
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        chunks = []
    finally:
        os.close(read_end)
    try:
        _, status = os.waitpid(pid, 0)
    except OSError:
        return {}
    if status != 0:
        return {}
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:  # a truncated or garbled result is no result
        return {}


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


# From this many routes on, what building the model left behind is
# collected before the rules run: parse trees, tokens and builder objects
# that reference cycles keep alive while the collector is off. At 2,000
# benchmark servers that is 151,000 objects, 28 MB of the peak, for 0.3 s.
COLLECT_MIN_ROUTES = 1000


def drop_garbage(*, size: int) -> None:
    """Collect cyclic garbage now if the model (``size`` routes) is large
    enough for it to matter."""
    if size >= COLLECT_MIN_ROUTES:
        gc.collect()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (as it was after)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def run_console(main: Callable[[], object]) -> None:
    """Run the console command ``main`` and end the process with its exit
    code, without the interpreter's teardown.

    A large lint leaves millions of small objects; freeing them one by one
    at exit costs a noticeable share of the run and tells the user nothing.
    The cyclic collector stays off for the whole command: everything the
    lint made lives until the exit, and a pass while reporting would walk
    all of it."""
    gc.disable()
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message"): Python prints it and exits 1
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: the stream was closed when we started
                stream.flush()
        except (BrokenPipeError, OSError):
            pass  # a reader that went away (`corslint . | head`): nothing left to say
    os._exit(code)


__all__ = ["COLLECT_MIN_ROUTES", "PARALLEL_MIN_ROUTES", "collector_paused", "drop_garbage", "run_console",
           "run_each"]
