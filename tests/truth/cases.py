"""The samples the truth tier checks, the requests they are about, and what
corslint predicts for them.

Every sample directory ``samples/<frontend>/<CODE>/`` holds ``broken.<ext>``,
``fixed.<ext>`` and ``request.json``: the cross-origin request(s) the page
makes, as the sample's own world names them (its ``server_name`` and listen
port, the page origin its allowlist names). ``request.json`` is one object or
a list of them::

    {"url": "http://api.localtest/api/", "method": "PUT",
     "headers": {"Content-Type": "application/json"}, "credentials": "include"}

Keys: ``url`` (required); ``origin`` (the page's origin, default
``http://app.localtest:8081``); ``method`` (GET); ``headers`` ({});
``credentials`` (fetch's mode: omit, same-origin, include; default
same-origin); ``api`` (fetch or xhr); ``body`` (a string, sent as is);
``upstream_status`` (what the application behind ``proxy_pass`` answers,
default 200); ``note`` (free text: why this request).

The file may instead be an object ``{"requests": [...], "shared_cache":
true}``: the requests then reach the server through a shared cache (nginx
``proxy_cache``) in order, as when one origin's answer is stored and served
to another. A request with ``"expect": "pass"`` must get through even on the
broken sample (it fills the cache, say). A request with ``"expect":
"exploit"`` is the one a security finding (no console text of its own) is
about: an origin the finding's message names, which the broken sample lets
read the answer and the fixed twin blocks.

``"session_cookie": "name=value"`` (frameworks only) stands for the cookie
a signed-in visitor's browser holds for the API (the browsers' contexts
start with none): the origin proxy in front of the framework adds it to
every request but preflights, which carry no cookies. Every request of such
a plan is credentialed (``"credentials": "include"``), as a browser sends a
cross-site cookie on those only.

The broken sample's other requests must each be blocked with a text corslint
predicts; the fixed twin's requests must all get through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from corslint.checks import REGISTRY
from corslint.lint import lint

from .browsers import PageRequest
from .harness import UrlMap

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
DEFAULT_ORIGIN = "http://app.localtest:8081"
BROWSER_NAMES = ("chromium", "firefox")

_KEYS = {"url", "origin", "method", "headers", "credentials", "api", "body", "upstream_status", "expect",
         "note"}
_PLAN_KEYS = {"requests", "shared_cache", "session_cookie", "note"}
_CREDENTIALS = {"omit", "same-origin", "include"}


class SampleError(AssertionError):
    """A sample directory the truth tier cannot use as it stands."""


@dataclass(frozen=True)
class RequestSpec:
    """One request from ``request.json``, in the sample's own terms."""

    url: str
    origin: str = DEFAULT_ORIGIN
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: str = "same-origin"
    api: str = "fetch"
    body: str | None = None
    upstream_status: int = 200
    expect: str = "blocked"    # on the broken sample: "blocked", "pass" or "exploit"

    @classmethod
    def from_json(cls, data: object, where: str) -> "RequestSpec":
        if not isinstance(data, dict):
            raise SampleError(f"{where}: each request is a JSON object, not {type(data).__name__}")
        unknown = set(data) - _KEYS
        if unknown:
            raise SampleError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(_KEYS)})")
        if not isinstance(data.get("url"), str):
            raise SampleError(f"{where}: 'url' (the API URL the page calls) is required")
        headers = data.get("headers", {})
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise SampleError(f"{where}: 'headers' maps header names to string values")
        spec = cls(
            url=data["url"],
            origin=data.get("origin", DEFAULT_ORIGIN),
            method=data.get("method", "GET"),
            headers=tuple(headers.items()),
            credentials=data.get("credentials", "same-origin"),
            api=data.get("api", "fetch"),
            body=data.get("body"),
            upstream_status=int(data.get("upstream_status", 200)),
            expect=data.get("expect", "blocked"),
        )
        if spec.expect not in ("blocked", "pass", "exploit"):
            raise SampleError(f"{where}: 'expect' is 'blocked', 'pass' or 'exploit'")
        if spec.credentials not in _CREDENTIALS:
            raise SampleError(f"{where}: 'credentials' is one of {sorted(_CREDENTIALS)}")
        if spec.api not in ("fetch", "xhr"):
            raise SampleError(f"{where}: 'api' is 'fetch' or 'xhr'")
        return spec

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def page_request(self, urls: UrlMap) -> PageRequest:
        """The request with its URL moved to where the server really listens."""
        return PageRequest(url=urls.url(self.url), method=self.method, headers=self.headers,
                           credentials=self.credentials, api=self.api, body=self.body)

    def describe(self) -> str:
        extra = "".join(f" {k}: {v}" for k, v in self.headers)
        return (f"{self.api} {self.method} {self.url} from {self.origin}, credentials "
                f"{self.credentials}{extra}; upstream answers {self.upstream_status}")


@dataclass(frozen=True)
class Plan:
    """What ``request.json`` asks for."""

    requests: tuple[RequestSpec, ...]
    shared_cache: bool = False
    session_cookie: str = ""


@dataclass(frozen=True)
class Prediction:
    """One finding's browser texts."""

    code: str
    line: int
    chrome: str | None
    firefox: str | None

    def text(self, browser: str) -> str | None:
        return self.chrome if browser == "chromium" else self.firefox


@dataclass(frozen=True)
class Case:
    """One sample directory."""

    frontend: str
    code: str
    directory: Path

    def _one(self, stem: str) -> Path | None:
        found = sorted(p for p in self.directory.glob(f"{stem}.*") if p.suffix != ".json")
        return found[0] if found else None

    @property
    def broken(self) -> Path | None:
        return self._one("broken")

    @property
    def fixed(self) -> Path | None:
        return self._one("fixed")

    @property
    def request_file(self) -> Path:
        return self.directory / "request.json"

    def plan(self) -> Plan:
        """The described requests; a clear failure when there are none."""
        rel = self.request_file
        if rel.is_relative_to(REPO):
            rel = rel.relative_to(REPO)
        if not self.request_file.is_file():
            raise SampleError(
                f"{rel} is missing: describe the request(s) this sample is about, e.g. "
                '{"url": "http://api.localtest/api/", "method": "PUT", '
                '"headers": {"Content-Type": "application/json"}, "credentials": "include"} '
                "(see tests/truth/cases.py)")
        try:
            data = json.loads(self.request_file.read_text(encoding="utf-8"))
        except ValueError as e:
            raise SampleError(f"{rel}: not JSON: {e}") from None
        shared_cache, cookie = False, ""
        if isinstance(data, dict) and "requests" in data:
            unknown = set(data) - _PLAN_KEYS
            if unknown:
                raise SampleError(f"{rel}: unknown keys {sorted(unknown)} (known: {sorted(_PLAN_KEYS)})")
            shared_cache = bool(data.get("shared_cache", False))
            cookie = str(data.get("session_cookie", ""))
            data = data["requests"]
        items = data if isinstance(data, list) else [data]
        if not items:
            raise SampleError(f"{rel}: no request described")
        specs = tuple(RequestSpec.from_json(item, f"{rel}[{i}]") for i, item in enumerate(items))
        if cookie and any(s.credentials != "include" for s in specs):
            raise SampleError(f"{rel}: with a session_cookie every request is credentialed "
                              "(\"credentials\": \"include\")")
        return Plan(specs, shared_cache, cookie)

    @cached_property
    def predictions(self) -> tuple[Prediction, ...]:
        """corslint's browser texts for the broken sample's findings of its code."""
        if self.broken is None:
            return ()
        result = lint([str(self.broken)], codes=[self.code] if self.code in REGISTRY else None)
        seen: dict[tuple, Prediction] = {}
        for f in result.findings:
            if f.code == self.code and (f.chrome or f.firefox):
                p = Prediction(f.code, f.line, f.chrome, f.firefox)
                seen.setdefault((p.chrome, p.firefox), p)
        return tuple(seen.values())

    def predicted(self, browser: str) -> list[str]:
        """The distinct console lines predicted for ``browser``."""
        return list(dict.fromkeys(t for p in self.predictions if (t := p.text(browser))))


def cases(frontend: str) -> list[Case]:
    """Every samples/<frontend>/<CODE>/ directory that holds a sample."""
    base = SAMPLES / frontend
    if not base.is_dir():
        return []
    found = []
    for directory in sorted(p for p in base.iterdir() if p.is_dir()):
        case = Case(frontend, directory.name, directory)
        if case.broken is not None or case.fixed is not None:
            found.append(case)
    return found
