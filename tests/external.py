"""What a test needs from outside the repository, and what happens when it is absent.

A test that needs something the repository does not hold carries one of these
markers (registered in pyproject.toml):

    shared   ../shared next to the checkout (the real-world corpus, DESIGN.md)
    node     node and tests/framework_truth/node/node_modules (`npm ci`)
    browser  chromium and firefox-esr
    server   nginx, apache2, openssl, ssl-cert's snakeoil pair (the TLS samples) and
             nginx's headers-more module

When the requirement is absent the test is skipped and says what is missing.
CORSLINT_REQUIRE (a comma-separated list of those names, or ``all``) turns that
skip into a failure: CI (.ci/run, the README's test command) sets it, so the
full run cannot pass by skipping. tests/conftest.py installs the two hooks.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NODE_MODULES = ROOT / "tests" / "framework_truth" / "node" / "node_modules"
SNAKEOIL = Path("/etc/ssl/certs/ssl-cert-snakeoil.pem")
# Debian's libnginx-mod-http-headers-more-filter: the live headers-more tests load it
HEADERS_MORE = Path(os.environ.get("CORSLINT_HEADERS_MORE_SO",
                                   "/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so"))
SETUP = "run tests/install-system-deps.sh (the README's test command does)"


@dataclass(frozen=True)
class Requirement:
    absent: Callable[[], list[str]]   # what is missing; empty when everything is there
    remedy: str


def _programs(*names: str) -> list[str]:
    return [name for name in names
            if not (shutil.which(name) or any(os.access(f"{d}/{name}", os.X_OK) for d in ("/usr/sbin", "/usr/bin")))]


def _paths(*paths: Path) -> list[str]:
    return [str(p) for p in paths if not p.exists()]


REQUIREMENTS: dict[str, Requirement] = {
    "shared": Requirement(lambda: _paths(SHARED),
                          "check out the shared directory (corpus, DESIGN.md) next to the repository"),
    "node": Requirement(lambda: _programs("node") + _paths(NODE_MODULES), SETUP),
    "browser": Requirement(lambda: _programs("chromium", "firefox-esr"), SETUP),
    "server": Requirement(lambda: _programs("nginx", "apache2", "openssl") + _paths(SNAKEOIL, HEADERS_MORE),
                          SETUP),
}
_absent: dict[str, list[str]] = {}   # filled on first use: each check runs once
_REQUIRED = pytest.StashKey[frozenset]()


def required() -> frozenset[str]:
    """The requirements CORSLINT_REQUIRE makes mandatory."""
    names = {n.strip() for n in os.environ.get("CORSLINT_REQUIRE", "").split(",") if n.strip()}
    if "all" in names:
        return frozenset(REQUIREMENTS)
    unknown = names - set(REQUIREMENTS)
    if unknown:
        raise pytest.UsageError(f"CORSLINT_REQUIRE names unknown requirements {sorted(unknown)}; "
                                f"known: {', '.join(sorted(REQUIREMENTS))} or all")
    return frozenset(names)


def pytest_configure(config):
    config.stash[_REQUIRED] = required()


def pytest_runtest_setup(item):
    for name in sorted({mark.name for mark in item.iter_markers()} & set(REQUIREMENTS)):
        if name not in _absent:
            _absent[name] = REQUIREMENTS[name].absent()
        if not _absent[name]:
            continue
        reason = f"needs {name}: {', '.join(_absent[name])} missing; {REQUIREMENTS[name].remedy}"
        if name in item.config.stash[_REQUIRED]:
            pytest.fail(f"{reason} (CORSLINT_REQUIRE makes that a failure)", pytrace=False)
        pytest.skip(reason)


