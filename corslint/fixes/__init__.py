"""Fix advice in the user's own configuration language.

A check names *what* must change as a :class:`~corslint.findings.FixIntent`
(a kind such as ``"add-always"`` and the values involved); it never learns
which server it judges. After the checks ran, :func:`render` words each
finding's intent in the dialect of the frontend that produced its route: the
module ``corslint.fixes.<frontend NAME>`` holds that frontend's ``WORDING``,
a map from intent kind to a text or to a function of the intent returning one.
A kind a frontend does not word (or a frontend with no module at all) gets
the server-neutral text of :mod:`corslint.fixes.generic`.

Adding a frontend: add ``corslint/fixes/<NAME>.py`` with ``WORDING`` for the
kinds its routes can produce (tests/test_fix_dialect.py lists the directives
that must not leak between dialects).
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Callable, Iterable, Mapping, Union

from ..findings import Finding, FixIntent

Wording = Union[str, Callable[[FixIntent], str]]

GENERIC = "generic"


def wording_for(frontend: str) -> Mapping[str, Wording]:
    """The ``WORDING`` table of one frontend's module; empty when it has none."""
    if not frontend or not frontend.isidentifier() or frontend.startswith("_") or frontend == GENERIC:
        return {}
    try:
        module = importlib.import_module(f"{__name__}.{frontend}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{frontend}":
            raise  # a wording module that fails to import is a bug, not a missing dialect
        return {}
    return module.WORDING


def fix_text(intent: FixIntent, frontend: str = "") -> str:
    """The intent worded for ``frontend``, or in neutral words."""
    from . import generic

    wording = wording_for(frontend).get(intent.kind) or generic.WORDING[intent.kind]
    return wording(intent) if callable(wording) else wording


def render(findings: Iterable[Finding], model=None) -> list[Finding]:
    """Findings with their ``fix`` text in their frontend's words. A finding
    whose check reported no route takes the frontend of a route read from the
    same file (``model``), else of the frontend that reads such a file."""
    findings = list(findings)
    by_file: dict[str, str] | None = None
    out = []
    for finding in findings:
        if finding.intent is None:
            out.append(finding)
            continue
        frontend = finding.frontend
        if not frontend:
            if by_file is None:
                by_file = _frontends_by_file(model)
            frontend = by_file.get(finding.file) or _frontend_reading(finding.file)
        out.append(dataclasses.replace(finding, fix=fix_text(finding.intent, frontend), frontend=frontend))
    return out


def _frontends_by_file(model) -> dict[str, str]:
    found: dict[str, str] = {}
    for route in getattr(model, "routes", ()):
        for source in (route.source, *route.source.via):
            found.setdefault(source.file, route.frontend)
    return found


def _frontend_reading(path: str) -> str:
    from ..frontends import frontend_for

    try:
        module = frontend_for(path, named=True)
    except OSError:
        return ""
    return module.NAME if module is not None else ""


__all__ = ["render", "fix_text", "wording_for", "Wording"]
