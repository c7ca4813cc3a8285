"""Making the described requests in a browser and comparing what it printed
with corslint's prediction.

corslint predicts in the sample's own world: the URL is the sample's
(``http://api.localtest/api/``, listen port 80) and the page origin is the
one its scenario chose. Before comparing, a prediction is *filled in*: every
URL in it is moved to the port the server really listens on (the same
``UrlMap`` that rewrote the config copy), and the origin slot of Chromium's
frame (``from origin '...'``) is set to the real origin of the page that made
the request. Nothing else is touched: the reason, the header values it quotes
(mapped like the config they come from) and Firefox's status code must be
equal character for character.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

from corslint.engine import CATALOGUE, Failure

from .browsers import Browser, Observation
from .cases import RequestSpec
from .harness import Deployment, PageServer, UrlMap

_ORIGIN_SLOT = re.compile(r"( from origin ')([^']*)(' has been blocked by CORS policy: )")
_CHROME_REASON = re.compile(r"has been blocked by CORS policy: (.*)\Z", re.S)


class Disagreement(AssertionError):
    """A browser did not print what corslint predicts."""


@dataclass
class Exchange:
    """One described request and what a browser made of it."""

    spec: RequestSpec
    page_origin: str        # the real origin of the page that made it
    url: str                # the real URL it went to
    observation: Observation


def fill(predicted: str, urls: UrlMap, page_origin: str) -> str:
    """``predicted`` with its URLs moved to their real ports and the page
    origin of Chromium's frame set to ``page_origin``."""
    text = urls.rewrite(predicted)
    return _ORIGIN_SLOT.sub(lambda m: m.group(1) + page_origin + m.group(3), text, count=1)


def expected_cors_errors(chrome_line: str) -> set[str]:
    """The ``corsError`` names corslint's catalogue gives the reason of
    ``chrome_line`` (several kinds can share one text)."""
    m = _CHROME_REASON.search(chrome_line)
    if not m:
        return set()
    reason = m.group(1)
    names: set[str] = set()
    marker = "\x00"
    for kind in CATALOGUE:
        template = Failure(kind, preflight=kind.is_preflight, value=marker).chrome_reason()
        pattern = ".*".join(re.escape(part) for part in template.split(marker))
        if re.fullmatch(pattern, reason, re.S):
            names.add(Failure(kind, preflight=kind.is_preflight).cors_error())
    return names


def run_requests(browser: Browser, deployment: Deployment, page_server: PageServer,
                 specs: Iterable[RequestSpec]) -> list[Exchange]:
    """Make every described request from its page in ``browser``."""
    exchanges = []
    for spec in specs:
        assert deployment.upstream is not None
        deployment.upstream.status = spec.upstream_status
        page_origin = deployment.urls.origin(spec.origin)
        page_url = page_server.page_url(spec.origin)
        request = spec.page_request(deployment.urls)
        observation = browser.run(page_url, request)
        exchanges.append(Exchange(spec, page_origin, request.url, observation))
    return exchanges


def _closest(observed: str, candidates: list[str]) -> str:
    if not candidates:
        return "(nothing predicted)"
    best = max(candidates, key=lambda c: difflib.SequenceMatcher(None, observed, c).ratio())
    return best


def disagreements(browser: str, predicted: list[str], exchanges: list[Exchange], urls: UrlMap) -> list[str]:
    """Every way the browser's console differs from the prediction; [] when
    they agree. Each request must be blocked with a predicted line (or get
    through, when it says ``"expect": "pass"``), and each predicted line must
    be seen for some request."""
    problems: list[str] = []
    matched: set[str] = set()
    for ex in exchanges:
        filled = {fill(p, urls, ex.page_origin): p for p in predicted}
        obs = ex.observation
        where = f"{browser}, {ex.spec.describe()}"
        if ex.spec.expect in ("pass", "exploit"):
            problems += _not_through(browser, ex)
            continue
        if obs.primary is None:
            problems.append(f"{where}: no CORS error in the console ({obs.outcome}"
                            + (f", status {obs.status}" if obs.status is not None else "")
                            + "); corslint predicts:\n    " + "\n    ".join(filled) + "\n" + obs.describe())
            continue
        if obs.primary not in filled:
            problems.append(f"{where}:\n  predicted: {_closest(obs.primary, list(filled))}\n"
                            f"  observed:  {obs.primary}\n{obs.describe()}")
            continue
        matched.add(filled[obs.primary])
        if browser == "chromium":
            names = expected_cors_errors(obs.primary)
            seen = [c.get("corsError") for c in obs.cors_errors]
            if not names:
                problems.append(f"{where}: the reason of {obs.primary!r} is not in corslint's catalogue")
            elif not seen or seen[0] not in names:
                problems.append(f"{where}: corsError {seen} but the catalogue names {sorted(names)} "
                                f"for this text")
    for p in predicted:
        if p not in matched:
            problems.append(f"{browser}: predicted but not produced by any described request: {p}")
    return problems


def assert_agrees(browser: str, predicted: list[str], exchanges: list[Exchange], urls: UrlMap) -> None:
    problems = disagreements(browser, predicted, exchanges, urls)
    if problems:
        raise Disagreement("\n".join(problems))


def _not_through(browser: str, ex: Exchange) -> list[str]:
    obs = ex.observation
    if obs.outcome != "resolved" or obs.blocked or obs.cors_errors:
        return [f"{browser}, {ex.spec.describe()}: expected to succeed\n{obs.describe()}"]
    return []


def failures_to_pass(browser: str, exchanges: list[Exchange]) -> list[str]:
    """Every request of a fixed sample that did not get through, and every
    ``"expect": "exploit"`` request that did (the fix must keep that origin out)."""
    problems = []
    for ex in exchanges:
        obs = ex.observation
        if ex.spec.expect == "exploit":
            if obs.primary is None:
                problems.append(f"{browser}, {ex.spec.describe()}: the fixed twin must block this origin, "
                                f"but the browser let the page read the answer\n{obs.describe()}")
            continue
        problems += _not_through(browser, ex)
    return problems
