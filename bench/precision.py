"""Precision of corslint on the real-world regression files in tests/realworld.

Every file there is linted on its own, as `corslint FILE` would be (a subprocess of this
interpreter, JSON output), and each finding that fails a run (warning or above) is
judged against tests/realworld/expected.toml:

- true:       it states an expected finding (code and one of its lines); the first one
              per expected entry counts, every further one is a cascade copy
- false:      it is labelled false, or it states an expectation whose weight is info
              (a condition reported as a certainty)
- cascade:    it repeats a root cause already reported (labelled as such, or the same
              code on the same line, or the same code from the same directive)
- unlabelled: none of the above (a new finding: label it)

precision = true / (true + false); recall = expected warning+ findings produced (on
their own, or folded into the finding of the failure the browser stops at first) /
expected warning+ findings. Refused files (exit 2) are listed with whether refusing
them is right. The script also lists the labels whose status no longer matches what
corslint does, so the integrator knows which "open" entries to flip.

Usage (from the repository root, with corslint importable by this interpreter):

    python3 bench/precision.py                 # table + JSON summary on stdout
    python3 bench/precision.py --json out.json # also write the summary to a file
    python3 bench/precision.py --details       # every finding with its verdict
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT / "tests" / "realworld"
EXPECTED = REALWORLD / "expected.toml"
NOT_CONFIGS = {"SOURCES.md", "expected.toml"}
FAILING = {"warning", "error", "critical"}  # the severities that fail a run by default


# ------------------------------------------------------------------ labels

@dataclass
class Expectation:
    codes: tuple[str, ...]
    lines: tuple[int, ...]
    weight: str  # "warning+" or "info"
    status: str  # "asserted" or "open"
    why: str

    def matches(self, code: str, line: int | None) -> bool:
        return code in self.codes and line in self.lines

    @property
    def label(self) -> str:
        return f"{'/'.join(self.codes)}@{self.lines[0]}"


@dataclass
class FalseLabel:
    code: str
    line: int
    pattern: str
    why: str
    status: str  # "open" or "fixed"


@dataclass
class CascadeLabel:
    code: str
    line: int
    of: str


@dataclass
class FileLabels:
    path: str
    refusal: str = "no"
    refusal_status: str = "asserted"  # "open": refused today although it should be read
    expect: list[Expectation] = field(default_factory=list)
    false: list[FalseLabel] = field(default_factory=list)
    cascade: list[CascadeLabel] = field(default_factory=list)


def load_labels(path: Path = EXPECTED) -> dict[str, FileLabels]:
    """The labels of expected.toml by file path (relative to tests/realworld)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    labels: dict[str, FileLabels] = {}
    for entry in data.get("file", []):
        file = FileLabels(path=entry["path"], refusal=entry.get("refusal", "no"),
                          refusal_status=entry.get("refusal_status", "asserted"))
        for e in entry.get("expect", []):
            codes = tuple(e["codes"]) if "codes" in e else (e["code"],)
            file.expect.append(Expectation(codes, tuple(e["lines"]), e["weight"], e["status"], e["why"]))
        for f in entry.get("false", []):
            file.false.append(FalseLabel(f["code"], f["line"], f["pattern"], f["why"], f["status"]))
        for c in entry.get("cascade", []):
            file.cascade.append(CascadeLabel(c["code"], c["line"], c["of"]))
        if file.path in labels:
            raise ValueError(f"{path}: {file.path} is labelled twice")
        if file.refusal not in {"no", "yes", "either"}:
            raise ValueError(f"{path}: {file.path}: refusal must be no, yes or either")
        if file.refusal_status not in {"asserted", "open"}:
            raise ValueError(f"{path}: {file.path}: refusal_status must be asserted or open")
        for e in file.expect:
            if e.weight not in {"warning+", "info"} or e.status not in {"asserted", "open"}:
                raise ValueError(f"{path}: {file.path}: {e.label}: bad weight or status")
        labels[file.path] = file
    return labels


def realworld_files() -> list[Path]:
    return sorted(p for p in REALWORLD.glob("*/*") if p.is_file() and p.name not in NOT_CONFIGS)


# ------------------------------------------------------------------ running corslint

@dataclass
class Run:
    path: str  # relative to tests/realworld
    exit_code: int
    findings: list[dict]
    problems: list[dict]

    @property
    def refused(self) -> bool:
        return self.exit_code == 2


def lint(path: Path) -> Run:
    """`corslint --format json FILE`, run from the repository root as a user would."""
    relative = path.relative_to(ROOT).as_posix()
    proc = subprocess.run(
        [sys.executable, "-m", "corslint", "--format", "json", "--no-color", relative],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"corslint gave no JSON for {relative} (exit {proc.returncode}): "
                           f"{proc.stderr.strip()[:500]}") from exc
    own = [f for f in report.get("findings", [])
           if f.get("file") and (ROOT / f["file"]).resolve() == path.resolve()]
    return Run(path.relative_to(REALWORLD).as_posix(), proc.returncode, own, report.get("problems", []))


# ------------------------------------------------------------------ judging

@dataclass
class Verdict:
    finding: dict
    kind: str  # true, false, cascade, unlabelled, info
    reason: str


@dataclass
class FileResult:
    run: Run
    labels: FileLabels
    verdicts: list[Verdict]
    expected_found: list[Expectation]
    expected_missing: list[Expectation]
    info_met: list[Expectation]
    info_unmet: list[Expectation]
    false_present: list[FalseLabel]
    false_absent: list[FalseLabel]

    def count(self, kind: str) -> int:
        return sum(1 for v in self.verdicts if v.kind == kind)


def judge(run: Run, labels: FileLabels) -> FileResult:
    verdicts: list[Verdict] = []
    hit: dict[int, dict] = {}  # expectation index -> first finding stating it
    false_seen: set[int] = set()
    seen_code_line: set[tuple[str, int | None]] = set()
    seen_code_related: set[tuple[str, tuple]] = set()
    failing = sorted((f for f in run.findings if f["severity"] in FAILING),
                     key=lambda f: (f.get("line") or 0, f["code"]))
    for f in failing:
        code, line = f["code"], f.get("line")
        related = tuple(sorted(r.get("line") or 0 for r in f.get("related", [])))
        repeat = (code, line) in seen_code_line or (bool(related) and (code, related) in seen_code_related)
        seen_code_line.add((code, line))
        if related:
            seen_code_related.add((code, related))
        verdict = None
        for i, e in enumerate(labels.expect):
            if e.weight == "warning+" and e.matches(code, line):
                if i in hit:
                    verdict = Verdict(f, "cascade", f"repeats {e.label}")
                else:
                    hit[i] = f
                    verdict = Verdict(f, "true", e.label)
                break
        if verdict is None:
            for i, fl in enumerate(labels.false):
                if fl.code == code and fl.line == line:
                    if i in false_seen:
                        verdict = Verdict(f, "cascade", f"repeats false {code}@{line}")
                    else:
                        false_seen.add(i)
                        verdict = Verdict(f, "false", fl.pattern)
                    break
        if verdict is None:
            for c in labels.cascade:
                if c.code == code and c.line == line:
                    verdict = Verdict(f, "cascade", f"of {c.of}")
                    break
        if verdict is None:
            for e in labels.expect:
                if e.weight == "info" and e.matches(code, line):
                    verdict = Verdict(f, "false", "a condition reported at warning or above")
                    break
        if verdict is None:
            verdict = Verdict(f, "cascade", "same code, same line or directive") if repeat \
                else Verdict(f, "unlabelled", "not in expected.toml")
        verdicts.append(verdict)
        # a finding the browser never reaches before this one is stated inside
        # it ("folded": its message and places): that expectation is met, once
        for inner in f.get("folded", []):
            for i, e in enumerate(labels.expect):
                if e.weight == "warning+" and i not in hit and e.matches(inner["code"], inner.get("line")):
                    hit[i] = f
                    break
    for f in run.findings:
        if f["severity"] not in FAILING:
            verdicts.append(Verdict(f, "info", "does not fail the run"))

    strong = [e for e in labels.expect if e.weight == "warning+"]
    found = [e for i, e in enumerate(labels.expect) if i in hit]
    info_expect = [e for e in labels.expect if e.weight == "info"]
    info_met = [e for e in info_expect
                if any(e.matches(f["code"], f.get("line")) and f["severity"] not in FAILING
                       for f in run.findings)]
    present = {(f["code"], f.get("line")) for f in failing}
    return FileResult(
        run=run, labels=labels, verdicts=verdicts,
        expected_found=found, expected_missing=[e for e in strong if e not in found],
        info_met=info_met, info_unmet=[e for e in info_expect if e not in info_met],
        false_present=[fl for fl in labels.false if (fl.code, fl.line) in present],
        false_absent=[fl for fl in labels.false if (fl.code, fl.line) not in present])


# ------------------------------------------------------------------ report

def summarise(results: list[FileResult], unlabelled_files: list[str]) -> dict:
    total = {k: sum(r.count(k) for r in results) for k in ("true", "false", "cascade", "unlabelled", "info")}
    expected = sum(len(r.expected_found) + len(r.expected_missing) for r in results)
    found = sum(len(r.expected_found) for r in results)
    judged = total["true"] + total["false"]
    refused = [{"file": r.run.path, "refusal_label": r.labels.refusal,
                "right": r.labels.refusal in {"yes", "either"},
                "reason": "; ".join(p.get("message", "") for p in r.run.problems)[:200]}
               for r in results if r.run.refused]
    drift = {
        "asserted_but_missing": [f"{r.run.path}: {e.label}" for r in results for e in r.expected_missing
                                 if e.status == "asserted"],
        "open_now_found": [f"{r.run.path}: {e.label}" for r in results for e in r.expected_found
                           if e.status == "open"],
        "open_false_now_gone": [f"{r.run.path}: {fl.code}@{fl.line}" for r in results for fl in r.false_absent
                                if fl.status == "open"],
        "fixed_false_back": [f"{r.run.path}: {fl.code}@{fl.line}" for r in results for fl in r.false_present
                             if fl.status == "fixed"],
        "open_refusal_now_read": [r.run.path for r in results
                                  if r.labels.refusal_status == "open" and not r.run.refused],
    }
    return {
        "files": len(results),
        "files_without_labels": unlabelled_files,
        "failing_findings": total["true"] + total["false"] + total["cascade"] + total["unlabelled"],
        "true": total["true"],
        "false": total["false"],
        "cascade_copies": total["cascade"],
        "unlabelled": total["unlabelled"],
        "info_findings": total["info"],
        "precision": round(total["true"] / judged, 4) if judged else None,
        "precision_if_unlabelled_are_false": (
            round(total["true"] / (judged + total["unlabelled"]), 4) if judged + total["unlabelled"] else None),
        "expected": expected,
        "expected_found": found,
        "recall": round(found / expected, 4) if expected else None,
        "info_expectations": sum(len(r.info_met) + len(r.info_unmet) for r in results),
        "info_expectations_met": sum(len(r.info_met) for r in results),
        "labelled_false": sum(len(r.labels.false) for r in results),
        "labelled_false_still_reported": sum(len(r.false_present) for r in results),
        "false_by_pattern": dict(sorted(Counter(v.reason for r in results for v in r.verdicts
                                                if v.kind == "false").items())),
        "refused": refused,
        "refused_wrongly": sum(1 for x in refused if not x["right"]),
        "label_status_drift": drift,
    }


def table(results: list[FileResult]) -> str:
    head = f"{'file':<78} {'exit':>4} {'true':>4} {'false':>5} {'casc':>4} {'unlab':>5} {'miss':>4} {'info':>4}"
    rows = [head, "-" * len(head)]
    for r in results:
        name = r.run.path if len(r.run.path) <= 78 else "…" + r.run.path[-77:]
        rows.append(f"{name:<78} {r.run.exit_code:>4} {r.count('true'):>4} {r.count('false'):>5} "
                    f"{r.count('cascade'):>4} {r.count('unlabelled'):>5} {len(r.expected_missing):>4} "
                    f"{r.count('info'):>4}")
    return "\n".join(rows)


def details(results: list[FileResult]) -> str:
    out = []
    for r in results:
        out.append(f"## {r.run.path} (exit {r.run.exit_code})")
        for p in r.run.problems:
            out.append(f"   problem: {p.get('message')}")
        for v in sorted(r.verdicts, key=lambda v: (v.finding.get("line") or 0, v.finding["code"])):
            f = v.finding
            out.append(f"   {v.kind:<10} {f['code']} {f['severity']:<8} L{f.get('line')}: {v.reason}")
        for e in r.expected_missing:
            out.append(f"   MISSING    {e.label} ({e.status}): {e.why}")
    return "\n".join(out)


def measure(files: list[Path] | None = None) -> tuple[list[FileResult], dict]:
    labels = load_labels()
    results, unlabelled_files = [], []
    for path in files or realworld_files():
        key = path.relative_to(REALWORLD).as_posix()
        if key not in labels:
            unlabelled_files.append(key)
        results.append(judge(lint(path), labels.get(key, FileLabels(path=key))))
    missing_files = sorted(set(labels) - {r.run.path for r in results})
    if missing_files and files is None:
        raise SystemExit(f"expected.toml labels files that are not in tests/realworld: {missing_files}")
    return results, summarise(results, unlabelled_files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="FILE", help="also write the JSON summary to FILE")
    parser.add_argument("--details", action="store_true", help="print every finding with its verdict")
    args = parser.parse_args(argv)
    results, summary = measure()
    print(table(results))
    if args.details:
        print()
        print(details(results))
    print()
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
