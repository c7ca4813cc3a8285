"""Step 4 of the pipeline: the findings as the user reads them, and the
result of a run.

The rules' findings are put in one list: a finding on a value a frontend
said something about ("the default of config('CORS_ALLOW_ALL_ORIGINS')")
carries that note, a root cause is reported once (:mod:`.fold`), a finding
several routes make on the same place is said once, and the list is sorted
by place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .. import fixes
from ..findings import Finding
from ..model import ParseProblem, PolicyModel
from . import fold


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    # The policy model the findings were drawn from.
    model: PolicyModel | None = field(default=None, repr=False, compare=False)


def provenance_notes(model: PolicyModel) -> dict:
    """Source position -> [(what the note is about, the note)]: what a
    frontend said about where a value came from (e.g. "the default of
    config('CORS_ALLOW_ALL_ORIGINS')"). What it is about is the header's name
    or the allowlist entry's pattern; several values may share a position
    (a library's defaults all point at its settings)."""
    notes: dict = {}
    for route in model.routes:
        for branch in route.branches:
            for h in branch.headers:
                _note_at(notes, h.source, h.name, h.note)
        for matcher in route.origin_matchers():
            if matcher.source is not None:
                _note_at(notes, matcher.source, matcher.pattern, matcher.note)
    return notes


def _note_at(notes: dict, source, subject: str, note: str) -> None:
    about = notes.setdefault(source, [])
    if not any(s.lower() == subject.lower() and n == note for s, n in about):
        about.append((subject, note))


def note_for(finding: Finding, notes: dict) -> str:
    """The provenance note of the value ``finding`` is about: the only value
    written at its place, else the one its message names. A note about
    another value at the same place (the Max-Age default beside the origin
    policy) is not this finding's."""
    about = notes.get(finding.source, [])
    subjects = {s.lower() for s, _ in about}
    if len(subjects) == 1:
        return next((n for _, n in about if n), "")
    message = finding.message.lower()
    named = [n for s, n in about if n and s.lower() in message]
    return named[0] if len(named) == 1 else ""


def collect(model: PolicyModel, by_code: Mapping[str, Iterable[Finding]],
            codes: Iterable[str]) -> list[Finding]:
    """The findings of ``codes`` (read from ``by_code`` in that order) with
    their provenance notes, one per root cause (:mod:`.fold`: what a browser
    never reports while another finding holds is part of that finding), each
    place and message once, sorted, and their fix advice worded in the
    language of the frontend that read the route (:mod:`corslint.fixes`: the
    checks only name what must change)."""
    findings: list[Finding] = []
    notes = provenance_notes(model)
    for code in codes:
        for finding in by_code[code]:
            note = note_for(finding, notes)
            if note and note not in finding.message:
                finding = dataclasses.replace(finding, message=f"{finding.message} ({note})")
            findings.append(finding)
    findings = fold.merge(fold.fold(findings, model), model)
    findings = [fold.spell(f) for f in findings]
    findings.sort(key=Finding.sort_key)
    return fixes.render(findings, model)


__all__ = ["LintResult", "collect", "provenance_notes"]
