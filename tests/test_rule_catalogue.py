"""The rule catalogue is product API: every registered code has a module with
its metadata, a documentation page, positive and must-not-fire fixtures, and a
test file of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corslint import checks
from corslint.findings import SEVERITIES
from ruletools import fixtures

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT.parent / "shared" / "DESIGN.md"
CODES = sorted(checks.REGISTRY)


def test_codes_match_the_design_catalogue():
    # ../shared/DESIGN.md is the spec; the module names carry the rule names.
    text = DESIGN.read_text(encoding="utf-8")
    catalogue = dict(re.findall(r"^\| (CORS\d{3}) \| ([a-z-]+) \|", text, re.M))
    assert sorted(catalogue) == CODES
    for code, name in catalogue.items():
        assert checks.REGISTRY[code] == f"{code.lower()}_{name.replace('-', '_')}"


@pytest.mark.parametrize("code", CODES)
def test_rule_module_metadata(code):
    rule = checks.load(code)
    assert rule.CODE == code
    assert checks.REGISTRY[code].endswith(rule.NAME.replace("-", "_"))
    assert rule.SEVERITY in SEVERITIES
    assert rule.SUMMARY and "\n" not in rule.SUMMARY
    assert rule.__doc__ and rule.__doc__.strip().startswith(code)
    assert callable(rule.check)


@pytest.mark.parametrize("code", CODES)
def test_rule_has_doc_page(code):
    page = ROOT / "corslint" / "rule_docs" / f"{code}.md"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# {code} {checks.load(code).NAME}")
    for heading in ("## What it does", "## Why is this bad", "## Example", "## Fix", "## What the browser says"):
        assert heading in text, f"{page.name} lacks {heading}"


@pytest.mark.parametrize("code", CODES)
def test_rule_has_positive_and_must_not_fire_fixtures_and_tests(code):
    names = [p.stem for p in fixtures(code)]
    assert any(n.endswith("_fp") for n in names), f"{code}: no _fp fixture"
    assert any(not n.endswith("_fp") for n in names), f"{code}: no positive fixture"
    assert (ROOT / "tests" / "rules" / f"test_{code.lower()}.py").is_file()
