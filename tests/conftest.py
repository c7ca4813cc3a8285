"""Suite-wide test plumbing: skipping (or, under CORSLINT_REQUIRE, failing)
tests whose requirement outside the repository is absent (tests/external.py),
and the report of which test drives which rule fixture (read by
tests/test_fixtures.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from external import pytest_configure, pytest_runtest_setup  # noqa: F401 (hooks)
from ruletools import FIXTURES, rule_fixtures


# ---------------------------------------------------------------- which test drives which fixture


def _driven_fixture(value) -> str | None:
    if isinstance(value, Path) and value.is_relative_to(FIXTURES):
        return str(value.relative_to(FIXTURES))
    return None


def pytest_collection_modifyitems(session, config, items):
    """With CORSLINT_FIXTURE_DRIVERS=<file>, write {fixture: [node ids]} for every
    collected test that takes a rule fixture as a parameter and checks its
    markers (calls ``assert_fixture``)."""
    report = os.environ.get("CORSLINT_FIXTURE_DRIVERS")
    if not report:
        return
    known = {str(path.relative_to(FIXTURES)) for _, _, path in rule_fixtures()}
    driven: dict[str, list[str]] = {}
    for item in items:
        function = getattr(item, "function", None)
        callspec = getattr(item, "callspec", None)
        if function is None or callspec is None or "assert_fixture" not in function.__code__.co_names:
            continue
        for value in callspec.params.values():
            name = _driven_fixture(value)
            if name in known:
                driven.setdefault(name, []).append(item.nodeid)
    Path(report).write_text(json.dumps(driven, indent=1, sort_keys=True), encoding="utf-8")
