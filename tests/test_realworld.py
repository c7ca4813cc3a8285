"""Real-world regression files (tests/realworld, from public repositories under
permissive licences, see SOURCES.md) keep the findings a careful reader expects.

Each file is linted on its own, as `corslint FILE` runs, and every expectation of
tests/realworld/expected.toml marked ``status = "asserted"`` must be reported at warning
or above on one of its lines; every false finding marked ``status = "fixed"`` must not
come back; a readable file must not be refused. Expectations still ``open`` (not
produced today, or produced at the wrong weight) and false findings still produced are
measured, not asserted, by bench/precision.py; they are flipped here once they hold."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("corslint_bench_precision", ROOT / "bench" / "precision.py")
precision = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = precision  # dataclasses look their module up while it loads
_spec.loader.exec_module(precision)

LABELS = precision.load_labels()
FILES = precision.realworld_files()


def _key(path: Path) -> str:
    return path.relative_to(precision.REALWORLD).as_posix()


def test_every_file_is_labelled_and_every_label_has_its_file():
    on_disk = {_key(p) for p in FILES}
    assert on_disk - set(LABELS) == set(), "files without an entry in expected.toml"
    assert set(LABELS) - on_disk == set(), "expected.toml entries without their file"


def test_every_file_names_its_origin_and_licence():
    sources = (precision.REALWORLD / "SOURCES.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([^`]+)` \|.*\| ([^|]+) \|$", sources, re.M)}
    for path in FILES:
        assert _key(path) in rows, f"{_key(path)} is not in SOURCES.md"
    permissive = ("MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Unlicense", "CC0-1.0")
    for name, licence in rows.items():
        assert licence.strip() in permissive, f"{name}: licence {licence.strip()!r} is not a permissive one"


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_realworld_file(path: Path):
    labels = LABELS[_key(path)]
    run = precision.lint(path)
    if labels.refusal == "no" and labels.refusal_status == "asserted":
        assert not run.refused, f"{run.path}: a readable file was refused: {run.problems}"
    failing = [(f["code"], f.get("line")) for f in run.findings if f["severity"] in precision.FAILING]
    # what a failing finding states inside it (the browser stops there first)
    stated = failing + [(inner["code"], inner.get("line")) for f in run.findings
                        if f["severity"] in precision.FAILING for inner in f.get("folded", [])]
    at_info = [(f["code"], f.get("line")) for f in run.findings if f["severity"] not in precision.FAILING]
    for e in labels.expect:
        if e.status != "asserted":
            continue
        if e.weight == "info":
            # a condition on something unseen: said, and at info (it must not fail the run)
            assert any(e.matches(code, line) for code, line in at_info), (
                f"{run.path}: expected {' or '.join(e.codes)} at info on line "
                f"{' or '.join(map(str, e.lines))} ({e.why}); got {sorted(at_info)} at info")
            assert not any(e.matches(code, line) for code, line in failing), (
                f"{run.path}: {e.label} is a condition, reported at warning or above")
            continue
        assert any(e.matches(code, line) for code, line in stated), (
            f"{run.path}: expected {' or '.join(e.codes)} at warning or above on line "
            f"{' or '.join(map(str, e.lines))} ({e.why}); got {sorted(failing)}")
    for fl in labels.false:
        if fl.status == "fixed":
            assert (fl.code, fl.line) not in failing, (
                f"{run.path}: {fl.code} on line {fl.line} is back ({fl.pattern}: {fl.why})")
