"""Truth tier for nginx: every broken sample under samples/nginx/ whose
finding names a browser's console text is run in real nginx and opened in
that real browser, and the browser must print exactly that text; every fixed
twin must let the same requests through in Chromium and Firefox.

A code without browser text (a security finding such as CORS105) has no
broken-sample test here by construction; its fixed twin is still checked.
"""

from __future__ import annotations

import pytest

from .cases import BROWSER_NAMES, cases
from .compare import assert_agrees, failures_to_pass, run_requests
from .harness import ADAPTERS

FRONTEND = "nginx"
ADAPTER = ADAPTERS[FRONTEND]
CASES = cases(FRONTEND)

BROKEN = [pytest.param(case, browser, id=f"{case.code}-{browser}")
          for case in CASES if case.broken is not None
          for browser in BROWSER_NAMES if case.predicted(browser)]
FIXED = [pytest.param(case, browser, id=f"{case.code}-{browser}")
         for case in CASES if case.fixed is not None
         for browser in BROWSER_NAMES]


def test_samples_are_found():
    assert CASES, f"no samples under samples/{FRONTEND}/"


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("case,browser_name", BROKEN)
def test_broken_sample_prints_the_predicted_console_text(case, browser_name, browsers, deploy,
                                                         page_server, truth_record):
    truth_record.expect_broken(FRONTEND, case.code, [b for b in BROWSER_NAMES if case.predicted(b)])
    plan = case.plan()
    browser = browsers(browser_name)
    deployment = deploy(ADAPTER, case.broken, plan)
    exchanges = run_requests(browser, deployment, page_server, plan.requests)
    assert_agrees(browser_name, case.predicted(browser_name), exchanges, deployment.urls)
    truth_record.passed_broken(FRONTEND, case.code, browser_name)


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("case,browser_name", FIXED)
def test_fixed_sample_gets_through(case, browser_name, browsers, deploy, page_server, truth_record):
    plan = case.plan()
    browser = browsers(browser_name)
    deployment = deploy(ADAPTER, case.fixed, plan)
    exchanges = run_requests(browser, deployment, page_server, plan.requests)
    problems = failures_to_pass(browser_name, exchanges)
    assert not problems, "\n".join(problems)
    truth_record.passed_fixed(FRONTEND, case.code, browser_name)
