"""Frontends: one per configuration language. Each turns files into the policy
model and nothing else.

A frontend module exposes ``NAME`` (its name in FRONTENDS, carried by the
routes it builds; its fix wording is ``corslint/fixes/<NAME>.py``),
``recognises(path, text=None, named=False) -> bool``
and ``parse_files(paths, stdin=None, texts=None, roots=None) -> PolicyModel``:
``stdin`` maps a display name to text read from standard input, ``texts`` collects
the text of every file read (for suppression comments and reporters), and
``roots`` are the directories of the linted tree (``_includes.linted_roots`` of
what the user named; by default those of ``paths``): a frontend reads no file
but ``paths`` and those under ``roots``, so an include of ``/etc/passwd`` in a
stranger's config is never read. Frontends that follow no include take
``roots`` and ignore it.

A frontend that reads source files also declares what a directory walk may
offer it: ``WALK_SUFFIXES`` (the file name endings it reads) and
``WALK_MARKER`` (a bytes regex that finds something in the first bytes of
every file its ``recognises(path, named=False)`` accepts: the import of its
package, say). A walk reads a file's first bytes once, and a file with one of
those endings that no marker finds is passed over before any frontend decodes
or parses it (most source files in a repository hold no CORS setting).
Frontends without them (nginx, Apache) decide by the file's name first.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType

# Tried in order; the first that recognises a file takes it.
FRONTENDS = ("django", "starlette", "litestar", "quart", "sanic", "flask", "aiohttp", "hono", "fastify", "koa",
             "express", "apache", "nginx")


# How much of a file a walk reads to decide whether a frontend may want it:
# as much as the recognisers themselves look at (_pyast.head_text).
WALK_HEAD = 262144

_modules: tuple[ModuleType, ...] = ()
_plan: tuple = ()


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def _all() -> tuple[ModuleType, ...]:
    global _modules
    if len(_modules) != len(FRONTENDS):
        _modules = tuple(_load(name) for name in FRONTENDS)
    return _modules


def frontend_for(path: str, *, named: bool, text: str | None = None) -> ModuleType | None:
    """The first frontend that recognises ``path`` (``text``: its content, when
    it does not come from the file itself)."""
    for module in _all():
        if module.recognises(path, text=text, named=named):
            return module
    return None


def walk_frontend(path: str) -> ModuleType | None:
    """What ``frontend_for(path, named=False)`` answers, for a file met in a
    directory walk, after the byte-level prefilter: a frontend whose
    ``WALK_SUFFIXES`` the name ends with is asked only when its
    ``WALK_MARKER`` finds something in the file's first bytes, read once
    here. Equal to ``frontend_for`` whenever every marker keeps its promise
    (tests/test_walk_prefilter.py checks them on every file the tests hold)."""
    low = path.lower()
    head: bytes | None = None
    for module, suffixes, marker in _walk_plan():
        if suffixes is not None:
            if not low.endswith(suffixes):
                continue
            if head is None:
                head = _head_bytes(path)
            if not marker.search(head):
                continue
        if module.recognises(path, named=False):
            return module
    return None


def _walk_plan() -> tuple[tuple[ModuleType, tuple[str, ...] | None, "re.Pattern[bytes] | None"], ...]:
    global _plan
    if len(_plan) != len(FRONTENDS):
        _plan = tuple((m, getattr(m, "WALK_SUFFIXES", None),
                       re.compile(m.WALK_MARKER) if hasattr(m, "WALK_SUFFIXES") else None) for m in _all())
    return _plan


def _head_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(WALK_HEAD)
    except OSError:
        return b""
