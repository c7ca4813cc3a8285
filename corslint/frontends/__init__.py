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
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Tried in order; the first that recognises a file takes it.
FRONTENDS = ("django", "starlette", "litestar", "quart", "sanic", "flask", "aiohttp", "hono", "express", "apache", "nginx")


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def frontend_for(path: str, *, named: bool, text: str | None = None) -> ModuleType | None:
    for name in FRONTENDS:
        module = _load(name)
        if module.recognises(path, text=text, named=named):
            return module
    return None
