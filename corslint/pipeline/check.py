"""Step 3 of the pipeline: every selected rule run on the policy model.

A rule is a module of :mod:`corslint.checks` with ``check(model)``, which
yields findings; it sees the model only, never a file or a server's syntax.
Where the rules run (in this process or also in another) is
:mod:`corslint.pipeline.runtime`'s business: the findings are the same.
"""

from __future__ import annotations

from typing import Iterable

from .. import checks
from ..findings import Finding
from ..model import PolicyModel
from . import runtime


def run_rules(model: PolicyModel, codes: Iterable[str] | None = None) -> dict[str, list[Finding]]:
    """Each rule's findings, by code, in the order of ``codes`` (every rule
    when None)."""
    codes = list(codes or checks.REGISTRY)
    rules = {code: checks.load(code) for code in codes}   # a rule that does not import fails here

    def run(code: str) -> list[Finding]:
        return list(rules[code].check(model))

    return runtime.run_each(codes, run, size=len(model.routes))


__all__ = ["run_rules"]
