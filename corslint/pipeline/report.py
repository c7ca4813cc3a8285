"""Step 4 of the pipeline: the findings as the user reads them, and the
result of a run.

The rules' findings are put in one list: a finding on a value a frontend
said something about ("the default of config('CORS_ALLOW_ALL_ORIGINS')")
carries that note, a finding two rules or two routes make on the same place
with the same words is said once, and the list is sorted by place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .. import fixes
from ..findings import Finding
from ..model import ParseProblem, PolicyModel


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    # The policy model the findings were drawn from.
    model: PolicyModel | None = field(default=None, repr=False, compare=False)


def provenance_notes(model: PolicyModel) -> dict:
    """Source position -> what a frontend said about where a value came from
    (e.g. "the default of config('CORS_ALLOW_ALL_ORIGINS')")."""
    notes: dict = {}
    for route in model.routes:
        for branch in route.branches:
            for h in branch.headers:
                if h.note:
                    notes.setdefault(h.source, h.note)
        for matcher in route.origin_matchers():
            if matcher.note and matcher.source is not None:
                notes.setdefault(matcher.source, matcher.note)
    return notes


def collect(model: PolicyModel, by_code: Mapping[str, Iterable[Finding]],
            codes: Iterable[str]) -> list[Finding]:
    """The findings of ``codes`` (read from ``by_code`` in that order) with
    their provenance notes, each place and message once, sorted, and their
    fix advice worded in the language of the frontend that read the route
    (:mod:`corslint.fixes`: the checks only name what must change)."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    notes = provenance_notes(model)
    for code in codes:
        for finding in by_code[code]:
            note = notes.get(finding.source)
            if note and note not in finding.message:
                finding = dataclasses.replace(finding, message=f"{finding.message} ({note})")
            key = (finding.code, finding.source.file, finding.source.line,
                   finding.source.column, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    findings.sort(key=Finding.sort_key)
    return fixes.render(findings, model)


__all__ = ["LintResult", "collect", "provenance_notes"]
