"""Memos of one lint run.

Many questions are asked again and again during a run (does this allowlist
entry accept that origin, what does this pattern mean) and their answers are
kept so they are worked out once. They are kept *for the run*: ``run()``
opens a set of tables, every memo of the code that runs inside it goes into
those tables, and the tables are dropped when the outermost ``run()`` ends.
Nothing is remembered from one lint to the next, so a long-lived host (an
editor plugin, a test session) linting many configs does not grow.

Outside a run, ``table()`` gives an empty dict that nobody keeps: a library
caller asking one question gets the answer, worked out afresh.

The tables belong to the context (``contextvars``): a thread that starts its
own lint has its own tables, and a forked process takes a copy of its
parent's.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator, TypeVar

F = TypeVar("F", bound=Callable)

_TABLES: ContextVar[dict[str, dict] | None] = ContextVar("corslint_run_memos", default=None)


def table(name: str) -> dict:
    """This run's memo table ``name`` (a module names its tables after what
    they hold); a fresh, unkept dict outside a run."""
    tables = _TABLES.get()
    if tables is None:
        return {}
    found = tables.get(name)
    if found is None:
        found = tables[name] = {}
    return found


def per_run(fn: F) -> F:
    """``fn`` remembered for the run by its (hashable) arguments: for pure
    functions whose answers are immutable, since every caller gets the same
    object."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def remembered(*args, **kwargs):
        tables = _TABLES.get()
        if tables is None or kwargs:  # keyword arguments: asked as they come, not remembered
            return fn(*args, **kwargs)
        found = tables.get(name)
        if found is None:
            found = tables[name] = {}
        try:
            return found[args]
        except KeyError:
            answer = found[args] = fn(*args)
            return answer

    return remembered  # type: ignore[return-value]


def active() -> bool:
    """A run is open: what goes into a table is kept until it ends."""
    return _TABLES.get() is not None


@contextmanager
def run() -> Iterator[None]:
    """The span whose memos are kept. Nested runs share the outermost one's
    tables, which are dropped when it ends."""
    if _TABLES.get() is not None:
        yield
        return
    token = _TABLES.set({})
    try:
        yield
    finally:
        _TABLES.reset(token)


__all__ = ["active", "per_run", "run", "table"]
