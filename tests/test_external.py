"""Tests that need something outside the repository skip with a reason when it
is absent, and fail instead when CORSLINT_REQUIRE names it (tests/external.py);
CI runs exactly the README's test command, which sets CORSLINT_REQUIRE."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# A throwaway suite whose "node" requirement is always missing, with the
# suite's own hooks installed.
CONFTEST = """\
import external
external.REQUIREMENTS["node"] = external.Requirement(lambda: ["node_modules (made up)"], "install it")
from external import pytest_configure, pytest_runtest_setup
"""
TEST = """\
import pytest

@pytest.mark.node
def test_needs_node():
    pass

def test_needs_nothing():
    pass
"""


def run_suite(tmp_path: Path, require: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    node: made up\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_it.py").write_text(TEST)
    env = {k: v for k, v in os.environ.items() if k != "CORSLINT_REQUIRE"}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    if require is not None:
        env["CORSLINT_REQUIRE"] = require
    return subprocess.run([sys.executable, "-m", "pytest", "-rsE", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)


def test_absent_requirement_skips_with_its_reason(tmp_path):
    run = run_suite(tmp_path, None)
    assert run.returncode == 0, run.stdout
    assert "1 passed, 1 skipped" in run.stdout
    assert "needs node: node_modules (made up) missing; install it" in run.stdout


@pytest.mark.parametrize("require", ["node", "shared,node", "all"])
def test_required_absent_requirement_fails(tmp_path, require):
    run = run_suite(tmp_path, require)
    # the test errors in its setup: the run fails, naming what is missing
    assert run.returncode == 1, run.stdout
    assert "1 passed, 1 error" in run.stdout
    assert "needs node: node_modules (made up) missing" in run.stdout
    assert "CORSLINT_REQUIRE makes that a failure" in run.stdout


def test_requirement_named_elsewhere_still_skips(tmp_path):
    run = run_suite(tmp_path, "browser,server")
    assert run.returncode == 0 and "1 passed, 1 skipped" in run.stdout, run.stdout


def test_unknown_requirement_name_is_a_usage_error(tmp_path):
    run = run_suite(tmp_path, "nodes")
    assert run.returncode == 4, run.stdout + run.stderr
    assert "unknown requirements ['nodes']" in run.stdout + run.stderr


def test_ci_runs_exactly_the_readme_test_command_and_requires_everything():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = re.findall(r"^(\S*bash tests/install-system-deps\.sh .*)$", readme, re.M)
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert script[-1] == command
    assert "CORSLINT_REQUIRE=all" in command
