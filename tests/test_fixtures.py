"""The one fixture driver: every rule fixture of every frontend,
tests/fixtures/<frontend>/<CODE>/<fixture>, reports CODE exactly on its marked
lines (``# expect: CODE``, ``// expect: CODE`` in JavaScript) and a ``*_fp``
fixture reports nothing (see tests/ruletools.py for the marker syntax).

SUPPORTED below is the one coverage table: the codes corslint can report from
each frontend. Every code a frontend supports has a positive and a must-not-fire
fixture, and every fixture directory belongs to a declared (frontend, code): a
new frontend or a new rule starts here. Assertions beyond "this line gets this
code" (messages, severities, browser texts) live in tests/rules/test_<code>.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corslint.checks import REGISTRY
from corslint.frontends import frontend_for
from ruletools import FIXTURES, assert_fixture, fixtures, is_must_not_fire, rule_fixtures

EVERY_CODE = frozenset(REGISTRY)

# The server frontends model every header, status and redirect, so every rule
# can fire on them. A library frontend supports the codes its options can
# produce: a library that always answers preflights, or always adds
# 'Vary: Origin', cannot get the codes about those.
SUPPORTED: dict[str, frozenset[str]] = {
    "nginx": EVERY_CODE,
    "apache": EVERY_CODE,
    "django": frozenset({"CORS101", "CORS104", "CORS105", "CORS106", "CORS107", "CORS109",
                         "CORS203", "CORS307", "CORS308", "CORS309"}),
    "flask": frozenset({"CORS101", "CORS104", "CORS105", "CORS106", "CORS107", "CORS108", "CORS109",
                        "CORS203", "CORS307", "CORS308", "CORS309"}),
    "starlette": frozenset({"CORS101", "CORS104", "CORS105", "CORS106", "CORS107", "CORS109",
                            "CORS203", "CORS307", "CORS308", "CORS309"}),
    "aiohttp": frozenset({"CORS105", "CORS108", "CORS109"}),
    "express": frozenset({"CORS101", "CORS102", "CORS104", "CORS105", "CORS106", "CORS107", "CORS108", "CORS109",
                          "CORS201", "CORS202", "CORS203", "CORS305", "CORS307", "CORS308", "CORS309"}),
    "hono": frozenset({"CORS101", "CORS105", "CORS109", "CORS201"}),
    # @fastify/cors (and NestJS on Fastify) always adds Vary: Origin where it is needed
    "fastify": frozenset({"CORS101", "CORS102", "CORS104", "CORS105", "CORS106", "CORS107", "CORS109", "CORS201",
                          "CORS203", "CORS301", "CORS302", "CORS305", "CORS307", "CORS308", "CORS309"}),
    # @koa/cors never sends '*' with credentials (it echoes the Origin instead) and always adds Vary
    "koa": frozenset({"CORS101", "CORS102", "CORS103", "CORS104", "CORS105", "CORS106", "CORS109", "CORS203", "CORS301",
                      "CORS304", "CORS305", "CORS309"}),
    "litestar": frozenset({"CORS101", "CORS104", "CORS105", "CORS106", "CORS107", "CORS108", "CORS109",
                           "CORS203", "CORS307", "CORS308", "CORS309"}),
    # Quart-CORS refuses '*' with credentials (a 500) and sends Vary wherever Allow-Origin is not '*'
    "quart": frozenset({"CORS101", "CORS104", "CORS106", "CORS201", "CORS107", "CORS109", "CORS203", "CORS307", "CORS308",
                        "CORS309"}),
    "sanic": frozenset({"CORS101", "CORS104", "CORS105", "CORS106", "CORS107", "CORS108", "CORS109",
                        "CORS203", "CORS307", "CORS309"}),
}

ON_DISK = rule_fixtures()
TESTS = Path(__file__).resolve().parent


def fixture_id(case: tuple[str, str, Path]) -> str:
    frontend, code, path = case
    return f"{frontend}/{code}/{path.name}"


@pytest.mark.parametrize("frontend,code,path", ON_DISK, ids=[fixture_id(c) for c in ON_DISK])
def test_fixture(frontend, code, path):
    assert code in SUPPORTED.get(frontend, ()), (
        f"{fixture_id((frontend, code, path))}: ({frontend}, {code}) is not in SUPPORTED")
    # filed under the frontend that reads it (every file of a directory fixture)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    readers = {f.name: getattr(frontend_for(str(f), named=True), "__name__", None) for f in files}
    assert all(name and name.rsplit(".", 1)[-1] == frontend for name in readers.values()), readers
    assert_fixture(path, code)


@pytest.mark.parametrize("frontend,code", [(fe, code) for fe in SUPPORTED for code in sorted(SUPPORTED[fe])],
                         ids=lambda v: v)
def test_supported_code_has_positive_and_must_not_fire_fixtures(frontend, code):
    names = fixtures(code, frontend)
    assert any(not is_must_not_fire(p) for p in names), f"no positive fixture in tests/fixtures/{frontend}/{code}/"
    assert any(is_must_not_fire(p) for p in names), f"no _fp fixture in tests/fixtures/{frontend}/{code}/"


def test_coverage_table_names_registered_codes_only():
    assert set().union(*SUPPORTED.values()) <= EVERY_CODE
    on_disk = {(frontend, code) for frontend, code, _ in ON_DISK}
    assert {code for _, code in on_disk} <= EVERY_CODE
    assert {frontend for frontend, _ in on_disk} <= set(SUPPORTED)


def test_every_fixture_is_driven_exactly_once(tmp_path):
    # A driver is a collected test that takes a rule fixture as a parameter and
    # checks its markers (calls assert_fixture). tests/conftest.py lists them
    # when asked; a whole-suite collection sees every module, whatever this run selected.
    report = tmp_path / "drivers.json"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", str(TESTS)],
        capture_output=True, text=True, cwd=TESTS.parent, timeout=600,
        env=dict(os.environ, CORSLINT_FIXTURE_DRIVERS=str(report)))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    driven = json.loads(report.read_text(encoding="utf-8"))
    twice = {fixture: nodes for fixture, nodes in driven.items() if len(nodes) > 1}
    assert not twice, f"fixtures run by more than one driver: {twice}"
    never = sorted({str(path.relative_to(FIXTURES)) for _, _, path in ON_DISK} - set(driven))
    assert not never, f"fixtures no driver runs: {never}"
