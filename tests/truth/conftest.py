"""Fixtures of the truth tier: one page server and one process per browser
for the whole run, a fresh server deployment per test; all of them stopped by
finalizers, also when a test fails. At the end of the run the number of
browser-checked samples and codes is printed."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from .browsers import BROWSERS, Browser
from .cases import BROWSER_NAMES, Plan
from .harness import Deployment, PageServer, ServerAdapter, TlsPair


class TruthRecord:
    """What the tier has checked and found true in this run."""

    def __init__(self) -> None:
        # (frontend, code) -> browsers in which the broken sample's prediction held
        self.broken: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.broken_expected: dict[tuple[str, str], set[str]] = {}
        # (frontend, code) -> browsers in which the fixed twin got through
        self.fixed: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.ran = 0
        self.versions: dict[str, str] = {}
        self.servers: dict[str, str] = {}

    def expect_broken(self, frontend: str, code: str, browsers: list[str]) -> None:
        self.broken_expected[(frontend, code)] = set(browsers)

    def passed_broken(self, frontend: str, code: str, browser: str) -> None:
        self.broken[(frontend, code)].add(browser)

    def passed_fixed(self, frontend: str, code: str, browser: str) -> None:
        self.fixed[(frontend, code)].add(browser)

    def lines(self) -> list[str]:
        if not self.ran:
            return []
        broken = sorted(k for k, seen in self.broken.items()
                        if seen and seen >= self.broken_expected.get(k, set(BROWSER_NAMES)))
        fixed = sorted(k for k, seen in self.fixed.items() if seen >= set(BROWSER_NAMES))
        codes = sorted({code for _, code in broken})
        browsers = ", ".join(f"{name} {version}" for name, version in sorted(self.versions.items()))
        servers = ", ".join(f"{name} {version}" for name, version in sorted(self.servers.items()))
        out = [
            f"browser-checked samples: {len(broken) + len(fixed)} "
            f"({len(broken)} broken whose predicted console text every browser printed "
            f"(or whose exploit every browser let through), "
            f"{len(fixed)} fixed twins that every browser let through); "
            f"browser-checked codes: {len(codes)}",
            f"codes: {', '.join(codes) or '-'}",
            f"browsers: {browsers or '-'}; servers: {servers or '-'}",
        ]
        for frontend in sorted({f for f, _ in list(self.broken_expected) + list(self.fixed)}):
            b = [c for f, c in broken if f == frontend]
            x = [c for f, c in fixed if f == frontend]
            out.append(f"{frontend}: {len(b)} broken samples, {len(x)} fixed twins; "
                       f"codes: {', '.join(b) or '-'}")
        return out


RECORD = TruthRecord()


@pytest.fixture(scope="session")
def truth_record() -> TruthRecord:
    RECORD.ran += 1
    return RECORD


@pytest.fixture(scope="session")
def tls_pair(tmp_path_factory) -> TlsPair:
    return TlsPair.generate(tmp_path_factory.mktemp("truth-tls"))


@pytest.fixture(scope="session")
def page_server(request, tls_pair) -> PageServer:
    server = PageServer(tls_pair)
    request.addfinalizer(server.stop)
    return server


@pytest.fixture(scope="session")
def browsers(request):
    """``browsers(name)``: the run's one instance of that browser, started on
    first use and closed at the end of the session."""
    started: dict[str, Browser] = {}
    failed: dict[str, BaseException] = {}

    def close_all() -> None:
        for browser in started.values():
            browser.close()

    request.addfinalizer(close_all)

    def get(name: str) -> Browser:
        if name in failed:
            raise failed[name]
        if name not in started:
            browser = BROWSERS[name]()
            try:
                browser.start()
            except BaseException as e:
                failed[name] = e
                raise
            started[name] = browser
            RECORD.versions[name] = browser.version
        return started[name]

    return get


@pytest.fixture
def deploy(request, page_server):
    """``deploy(adapter, sample, plan)``: the sample running on loopback for
    the described requests; stopped when the test ends, however it ends."""
    running: list[Deployment] = []

    def stop_all() -> None:
        for d in running:
            d.stop()

    request.addfinalizer(stop_all)

    def start(adapter: ServerAdapter, sample: Path, plan: Plan) -> Deployment:
        if adapter.name not in RECORD.servers and adapter.available():
            RECORD.servers[adapter.name] = adapter.version()
        d = Deployment(adapter, sample, page_server, [s.origin for s in plan.requests],
                       [s.path for s in plan.requests], shared_cache=plan.shared_cache)
        running.append(d)
        return d

    return start


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    lines = RECORD.lines()
    if lines:
        terminalreporter.section("truth tier: corslint's predictions against real browsers")
        for line in lines:
            terminalreporter.write_line(line)
