"""The rule catalogue is product API: every registered code has a module with
its metadata, a documentation page, positive and must-not-fire fixtures, and a
test file of its own.

A rule's metadata lives in its module (CODE, NAME, SEVERITY, LEVELS, CATEGORY,
SUMMARY); the page header, the README table, `corslint rules` and SARIF's rule
entries are checked against it here, so none of them can drift."""

from __future__ import annotations

import ast
import json
import pkgutil
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from corslint import checks, cli
from corslint.findings import SEVERITIES, severity_rank
from corslint.reporters import sarif
from ruletools import fixtures

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT.parent / "shared" / "DESIGN.md"
CODES = sorted(checks.REGISTRY)
CHECKS_DIR = ROOT / "corslint" / "checks"
HEADER = re.compile(r"^Severity: (?P<severity>[a-z]+)(?: \((?P<also>[^\n]*)\))? · "
                    r"Category: (?P<category>[a-z-]+)$", re.M)


@pytest.mark.shared
def test_codes_match_the_design_catalogue():
    # ../shared/DESIGN.md is the spec; the module names carry the rule names.
    text = DESIGN.read_text(encoding="utf-8")
    catalogue = dict(re.findall(r"^\| (CORS\d{3}) \| ([a-z-]+) \|", text, re.M))
    assert sorted({**catalogue, **ADDED_BY_ISSUES}) == CODES
    for code, name in {**catalogue, **ADDED_BY_ISSUES}.items():
        assert checks.load(code).NAME == name


# Rules an issue added after the spec was written: code -> name (the issue
# that asked for it names both; the spec's table catches up later).
ADDED_BY_ISSUES = {
    "CORS109": "misspelled-cors-name",    # issue #25
}


def test_every_rule_module_is_registered():
    """A rule module that is not in the registry never runs: the list in
    corslint/checks/__init__.py must name every corsNNN_*.py file."""
    on_disk = {m.name for m in pkgutil.iter_modules([str(CHECKS_DIR)]) if re.match(r"cors\d{3}_", m.name)}
    registered = {rule.__name__.rsplit(".", 1)[1] for rule in checks.RULES}
    assert registered == on_disk
    assert len(checks.REGISTRY) == len(checks.RULES)  # no code declared twice


@pytest.mark.parametrize("code", CODES)
def test_rule_module_metadata(code):
    rule = checks.load(code)
    assert rule.CODE == code
    assert rule.__name__.endswith(f".{code.lower()}_{rule.NAME.replace('-', '_')}")
    assert rule.SEVERITY in SEVERITIES
    assert rule.SEVERITY in rule.LEVELS
    assert list(rule.LEVELS) == sorted(set(rule.LEVELS), key=severity_rank)
    assert rule.CATEGORY in checks.CATEGORIES
    assert rule.SUMMARY and "\n" not in rule.SUMMARY
    assert rule.__doc__ and rule.__doc__.strip().startswith(code)
    assert callable(rule.check)


def test_rule_modules_do_not_import_each_other():
    """Shared helpers live in checks/_*.py; a rule reads only those, the model
    and the engine."""
    offenders = []
    for path in sorted(CHECKS_DIR.glob("cors*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if any(re.search(r"(^|\.)cors\d{3}", name) for name in names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_rule_modules_touch_no_model_memo():
    """Derived facts about the model are the model's to work out and keep
    (Value.alternatives...): a rule neither writes nor reads a memo of it."""
    offenders = [f"{path.name}:{node.lineno}"
                 for path in sorted(CHECKS_DIR.glob("cors*.py"))
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Attribute) and node.attr == "memo"]
    assert offenders == []


@pytest.mark.parametrize("code", CODES)
def test_rule_page_header_agrees_with_the_module(code):
    rule = checks.load(code)
    page = checks.doc_page(code)
    assert page.startswith(f"# {code} {rule.NAME}\n")
    header = HEADER.search(page)
    assert header, f"{code}.md: no 'Severity: ... · Category: ...' line"
    assert header["severity"] == rule.SEVERITY
    assert header["category"] == rule.CATEGORY
    # The parenthesis names every other level the rule reports, and no other.
    also = set(re.findall(r"\b(%s)\b" % "|".join(SEVERITIES), header["also"] or ""))
    assert also == set(rule.LEVELS) - {rule.SEVERITY}
    for heading in ("## What it does", "## Why is this bad", "## Example", "## Fix", "## What the browser says"):
        assert heading in page, f"{code}.md lacks {heading}"


def readme_rules_table() -> str:
    """The README's rules table as the modules say it must read."""
    rows = ["| code | name | severity | category | what it catches |", "|---|---|---|---|---|"]
    for rule in checks.RULES:
        others = [level for level in reversed(rule.LEVELS) if level != rule.SEVERITY]
        severity = rule.SEVERITY + (f" (also {', '.join(others)})" if others else "")
        rows.append(f"| [{rule.CODE}](corslint/rule_docs/{rule.CODE}.md) | {rule.NAME} | {severity} "
                    f"| {rule.CATEGORY} | {rule.SUMMARY} |")
    return "\n".join(rows) + "\n"


def test_readme_rules_table_agrees_with_the_modules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = readme_rules_table()
    assert expected in readme, "README.md's rules table differs from the rule modules; it should read:\n" + expected


def test_corslint_rules_and_explain_agree_with_the_modules():
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli.main, ["rules", "--format", "json"]).stdout)
    assert [row["code"] for row in listed] == [rule.CODE for rule in checks.RULES]
    for row in listed:
        rule = checks.load(row["code"])
        assert row == {"code": rule.CODE, "name": rule.NAME, "severity": rule.SEVERITY,
                       "levels": list(rule.LEVELS), "category": rule.CATEGORY, "summary": rule.SUMMARY}
        shown = runner.invoke(cli.main, ["explain", rule.CODE]).stdout
        header = HEADER.search(shown)
        assert shown.startswith(f"# {rule.CODE} {rule.NAME}\n")
        assert (header["severity"], header["category"]) == (rule.SEVERITY, rule.CATEGORY)
    text = runner.invoke(cli.main, ["rules"]).stdout.splitlines()
    for line, rule in zip(text, checks.RULES, strict=True):
        assert line.split()[:3] == [rule.CODE, rule.NAME, rule.SEVERITY]


@pytest.mark.parametrize("code", CODES)
def test_sarif_rule_metadata_agrees_with_the_module(code):
    rule = checks.load(code)
    descriptor = sarif.to_sarif(sarif.reporting_descriptor(code))
    assert descriptor["name"] == rule.NAME
    assert descriptor["defaultConfiguration"]["level"] == sarif.LEVELS[rule.SEVERITY]
    assert descriptor["shortDescription"]["text"].rstrip(".") == rule.SUMMARY.rstrip(".")
    assert descriptor["help"]["markdown"] == checks.doc_page(code)
    properties = descriptor["properties"]
    if rule.CATEGORY == "security":
        assert properties["security-severity"] == sarif.SECURITY_SEVERITY[rule.SEVERITY]
        assert "security" in properties["tags"]
    else:
        assert "security-severity" not in properties
        assert rule.CATEGORY in properties["tags"]


@pytest.mark.parametrize("code", CODES)
def test_rule_reports_only_its_declared_levels(code):
    """Every finding a rule makes on its fixtures has one of its LEVELS, and
    every level it declares is seen on some fixture."""
    from corslint.lint import lint

    paths = sorted((ROOT / "tests" / "fixtures").glob(f"*/{code}/*")) + sorted((ROOT / "samples").glob(f"*/{code}"))
    seen = set()
    for path in paths:
        seen |= {f.severity for f in lint([str(path)], codes=[code]).findings if f.code == code}
    assert seen == set(checks.load(code).LEVELS)


@pytest.mark.parametrize("code", CODES)
def test_rule_has_positive_and_must_not_fire_fixtures_and_tests(code):
    names = [p.stem for p in fixtures(code)]
    assert any(n.endswith("_fp") for n in names), f"{code}: no _fp fixture"
    assert any(not n.endswith("_fp") for n in names), f"{code}: no positive fixture"
    assert (ROOT / "tests" / "rules" / f"test_{code.lower()}.py").is_file()
