"""Fixture-driven rule tests (gixy style).

A fixture is a config under tests/fixtures/<frontend>/<CODE>/. Lines that must
carry a finding are marked with a trailing comment ``# expect: CODE``; the
marker may sit on its own line directly above the line it means
(``# expect-next: CODE``); JavaScript fixtures write ``//`` instead of ``#``.
Files whose names end in ``_fp`` are must-not-fire fixtures: the rule reports
nothing on them. A fixture may be a directory (for include tests): every
marked line in every file below it counts.

tests/test_fixtures.py runs every fixture of every frontend through
``assert_fixture``; rule modules (tests/rules/) use it for assertions of their own.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from corslint.lint import lint

FIXTURES = Path(__file__).parent / "fixtures"
_MARK = re.compile(r"(?:#|//)\s*expect:\s*([A-Z0-9, ]+)")
_MARK_NEXT = re.compile(r"^\s*(?:#|//)\s*expect-next:\s*([A-Z0-9, ]+)")


# tests/fixtures/frontend/ holds the frontends' own parser fixtures (include
# trees, syntax errors), not rule fixtures.
PARSER_FIXTURES = FIXTURES / "frontend"


def fixtures(code: str, frontend: str = "nginx") -> list[Path]:
    base = FIXTURES / frontend / code
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if not p.name.startswith("."))


def rule_fixtures() -> list[tuple[str, str, Path]]:
    """Every rule fixture on disk as (frontend, code, path), whatever is declared."""
    return [(frontend.name, code.name, path)
            for frontend in sorted(FIXTURES.iterdir()) if frontend.is_dir() and frontend != PARSER_FIXTURES
            for code in sorted(frontend.iterdir()) if code.is_dir()
            for path in fixtures(code.name, frontend.name)]


def is_must_not_fire(path: Path) -> bool:
    return path.stem.endswith("_fp")


def expected(path: Path, code: str) -> set[tuple[str, int]]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    out: set[tuple[str, int]] = set()
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines, 1):
            m = _MARK.search(line)
            if m and not _MARK_NEXT.match(line) and code in [c.strip() for c in m.group(1).split(",")]:
                out.add((str(f), i))
            n = _MARK_NEXT.match(line)
            if n and code in [c.strip() for c in n.group(1).split(",")]:
                out.add((str(f), i + 1))
    return out


def found(path: Path, code: str):
    result = lint([str(path)], codes=[code])
    assert not [p for p in result.problems if p.fatal], result.problems
    return [f for f in result.findings if f.code == code]


def assert_fixture(path: Path, code: str) -> list:
    """Lint one fixture and compare the rule's findings with its markers."""
    findings = found(path, code)
    got = {(os.path.abspath(f.file), f.line) for f in findings}
    want = {(os.path.abspath(f), line) for f, line in expected(path, code)}
    if is_must_not_fire(path):
        assert not findings, f"{code} fired on must-not-fire fixture {path.name}: " + "; ".join(
            f"{f.file}:{f.line} {f.message}" for f in findings)
        assert not want, f"{path.name} is a _fp fixture but has expect markers"
    else:
        assert want, f"positive fixture {path.name} has no '# expect: {code}' marker"
        assert got == want, (
            f"{path.name}: expected {code} at {sorted(want)}, got {sorted(got)}: "
            + "; ".join(f"{f.file}:{f.line} {f.message}" for f in findings))
    return findings
