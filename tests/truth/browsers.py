"""Real browsers for the truth tier: headless Chromium over the DevTools
protocol and Firefox over WebDriver BiDi (both Debian packages, no driver).

One browser process per browser serves the whole run; every request gets a
fresh, empty browser context (Chromium ``Target.createBrowserContext``,
Firefox ``browser.createUserContext``): no cookies, no HTTP or preflight cache
carried over from an earlier request. Each deployment also listens on new
ports, so no two tests ever share a URL.

``run(page_url, request)`` opens the page, makes the request from the page's
script, and returns what the browser showed: the console lines (Chromium's
``Log.entryAdded``, Firefox's ``log.entryAdded``), Chromium's structured
``corsErrorStatus`` for failed loads, and whether the script's promise
resolved.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websocket

from .harness import end_process_group

CALL_TIMEOUT = 30.0
START_TIMEOUT = 60.0
# After the page's promise settles, console lines still arriving are waited
# for until none has come for QUIET seconds (at most SETTLE_MAX).
QUIET = 0.3
SETTLE_MAX = 5.0

CHROME_BLOCKED = "has been blocked by CORS policy"
FIREFOX_BLOCKED = "Cross-Origin Request Blocked:"


class BrowserError(RuntimeError):
    """The browser could not be started or driven."""


@dataclass(frozen=True)
class PageRequest:
    """The cross-origin request the page's script makes."""

    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: str = "same-origin"   # fetch's credentials mode; XHR: "include" = withCredentials
    api: str = "fetch"                 # "fetch" or "xhr"
    body: str | None = None

    def script(self) -> str:
        """A JavaScript expression: a promise of a JSON string describing the outcome."""
        url = json.dumps(self.url)
        method = json.dumps(self.method)
        headers = json.dumps([list(h) for h in self.headers])
        body = json.dumps(self.body)
        if self.api == "fetch":
            init = (f"{{method: {method}, headers: {headers}, credentials: {json.dumps(self.credentials)}"
                    + (f", body: {body}" if self.body is not None else "") + "}")
            return (f"fetch({url}, {init}).then("
                    "r => JSON.stringify({outcome: 'resolved', status: r.status}), "
                    "e => JSON.stringify({outcome: 'rejected', error: String(e)}))")
        if self.api == "xhr":
            return ("new Promise(resolve => {"
                    " const x = new XMLHttpRequest();"
                    f" x.open({method}, {url});"
                    f" x.withCredentials = {json.dumps(self.credentials == 'include')};"
                    f" for (const [k, v] of {headers}) x.setRequestHeader(k, v);"
                    " x.onload = () => resolve(JSON.stringify({outcome: 'resolved', status: x.status}));"
                    " x.onerror = () => resolve(JSON.stringify({outcome: 'rejected', error: 'XMLHttpRequest error'}));"
                    f" x.send({body});"
                    "})")
        raise ValueError(f"api must be 'fetch' or 'xhr', not {self.api!r}")


@dataclass
class Observation:
    """What one browser showed for one request."""

    browser: str
    outcome: str                    # "resolved" (the script got a response) or "rejected"
    status: int | None = None       # the status the script saw, when resolved
    error: str | None = None        # the script's error, when rejected
    console: list[str] = field(default_factory=list)      # every error-level console line
    blocked: list[str] = field(default_factory=list)      # the CORS lines among them, in order
    cors_errors: list[dict] = field(default_factory=list)  # Chromium corsErrorStatus objects

    @property
    def primary(self) -> str | None:
        """The first CORS line: the one corslint's finding names."""
        return self.blocked[0] if self.blocked else None

    def describe(self) -> str:
        lines = [f"{self.browser}: {self.outcome}"
                 + (f" (status {self.status})" if self.status is not None else "")
                 + (f" ({self.error})" if self.error else "")]
        lines += [f"    console: {c}" for c in self.console]
        lines += [f"    corsErrorStatus: {c}" for c in self.cors_errors]
        return "\n".join(lines)


class _Channel:
    """A JSON-over-websocket command channel (CDP and BiDi share the shape:
    commands carry an id, answers repeat it, events have none)."""

    def __init__(self, url: str) -> None:
        self.ws = websocket.create_connection(url, timeout=CALL_TIMEOUT, suppress_origin=True)
        self._next = 0
        self.events: list[dict] = []

    def call(self, method: str, params: dict | None = None, *, session: str | None = None,
             timeout: float = CALL_TIMEOUT) -> dict:
        self._next += 1
        ident = self._next
        message = {"id": ident, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"{method}: no answer within {timeout:.0f} s")
            msg = self._recv(remaining)
            if msg is None:
                continue
            if msg.get("id") == ident:
                if "error" in msg:
                    raise BrowserError(f"{method} failed: {msg.get('error')} {msg.get('message', '')}")
                return msg.get("result", {})
            if "id" not in msg:
                self.events.append(msg)

    def _recv(self, timeout: float) -> dict | None:
        self.ws.settimeout(max(timeout, 0.001))
        try:
            raw = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        return json.loads(raw)

    def pump(self, timeout: float) -> dict | None:
        """The next event within ``timeout`` seconds (None if none came)."""
        msg = self._recv(timeout)
        if msg is not None and "id" not in msg:
            self.events.append(msg)
            return msg
        return None

    def wait_event(self, predicate, timeout: float = CALL_TIMEOUT) -> dict:
        for e in self.events:
            if predicate(e):
                return e
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            e = self.pump(deadline - time.monotonic())
            if e is not None and predicate(e):
                return e
        raise BrowserError(f"event not seen within {timeout:.0f} s")

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - the socket may already be gone
            pass


class Browser:
    """A browser process, started once, driven over its remote protocol."""

    name = "browser"
    binaries: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.profile: Path | None = None
        self.channel: _Channel | None = None
        self.version = ""

    def binary(self) -> str | None:
        for b in self.binaries:
            found = shutil.which(b)
            if found:
                return found
        return None

    def _launch(self, args: list[str], ready: re.Pattern) -> str:
        """Start the process with stderr to a log file; return the endpoint
        the ``ready`` pattern captures from that log."""
        log = self.profile / "browser.log"  # type: ignore[operator]
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                         start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            m = ready.search(text)
            if m:
                return m.group(1)
            if self.proc.poll() is not None:
                raise BrowserError(f"{self.name} exited with {self.proc.returncode}:\n{text}")
            time.sleep(0.05)
        raise BrowserError(f"{self.name} did not open its remote endpoint within {START_TIMEOUT:.0f} s")

    def _settle(self, relevant, rejected: bool) -> None:
        """Read events until no relevant one has come for QUIET seconds
        (for a rejected request: and at least one CORS line is in)."""
        assert self.channel is not None
        deadline = time.monotonic() + SETTLE_MAX
        quiet_until = time.monotonic() + QUIET
        while True:
            now = time.monotonic()
            if now >= deadline:
                return
            if now >= quiet_until and (not rejected or self._seen_blocked(relevant)):
                return
            e = self.channel.pump(min(max(quiet_until - now, 0.05), deadline - now))
            if e is not None and relevant(e):
                quiet_until = time.monotonic() + QUIET

    def _seen_blocked(self, relevant) -> bool:
        raise NotImplementedError

    def start(self) -> "Browser":
        raise NotImplementedError

    def run(self, page_url: str, request: PageRequest) -> Observation:
        raise NotImplementedError

    def _quit(self) -> None:
        """Ask the browser to exit over its protocol."""

    def close(self) -> None:
        asked = False
        try:
            if self.channel is not None:
                try:
                    self._quit()
                    asked = True
                except Exception:  # noqa: BLE001 - the process is ended below in any case
                    pass
                self.channel.close()
        finally:
            if self.proc is not None:
                if not asked and self.proc.returncode is None:
                    self.proc.terminate()
                end_process_group(self.proc, 10.0)
            if self.profile is not None:
                shutil.rmtree(self.profile, ignore_errors=True)


class Chromium(Browser):
    """Debian ``chromium``, headless, over the DevTools protocol."""

    name = "chromium"
    binaries = ("chromium", "chromium-browser")

    def start(self) -> "Chromium":
        binary = self.binary()
        if binary is None:
            raise BrowserError("chromium is not installed: run tests/install-system-deps.sh")
        self.profile = Path(tempfile.mkdtemp(prefix="corslint-truth-chromium-"))
        try:
            endpoint = self._launch([
                binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--disable-default-apps", "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                # Every name is this machine; the ports come from the URLs.
                "--host-resolver-rules=MAP * 127.0.0.1",
                # The harness's https servers use a throwaway self-signed pair.
                "--ignore-certificate-errors",
                "about:blank",
            ], re.compile(r"DevTools listening on (ws://\S+)"))
            self.channel = _Channel(endpoint)
            self.version = self.channel.call("Browser.getVersion")["product"].split("/", 1)[-1]
        except BaseException:
            self.close()
            raise
        return self

    def _quit(self) -> None:
        self.channel.call("Browser.close", timeout=10)  # type: ignore[union-attr]

    def _seen_blocked(self, relevant) -> bool:
        return any(relevant(e) and e["method"] == "Log.entryAdded"
                   and CHROME_BLOCKED in e["params"]["entry"].get("text", "")
                   for e in self.channel.events)  # type: ignore[union-attr]

    def run(self, page_url: str, request: PageRequest) -> Observation:
        ch = self.channel
        assert ch is not None, "start() first"
        ch.events.clear()
        context = ch.call("Target.createBrowserContext", {"disposeOnDetach": True})["browserContextId"]
        try:
            target = ch.call("Target.createTarget", {"url": "about:blank",
                                                      "browserContextId": context})["targetId"]
            session = ch.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for method in ("Page.enable", "Log.enable", "Network.enable"):
                ch.call(method, session=session)

            def mine(e: dict) -> bool:
                return e.get("sessionId") == session

            nav = ch.call("Page.navigate", {"url": page_url}, session=session)
            if nav.get("errorText"):
                raise BrowserError(f"chromium could not open {page_url}: {nav['errorText']}")
            ch.wait_event(lambda e: mine(e) and e.get("method") == "Page.loadEventFired")
            ch.events.clear()
            answer = ch.call("Runtime.evaluate", {"expression": request.script(), "awaitPromise": True,
                                                  "returnByValue": True}, session=session)
            if "exceptionDetails" in answer:
                raise BrowserError(f"page script failed: {answer['exceptionDetails']}")
            result = json.loads(answer["result"]["value"])
            relevant = lambda e: mine(e) and e.get("method") in ("Log.entryAdded", "Network.loadingFailed")  # noqa: E731
            self._settle(relevant, result["outcome"] == "rejected")
            obs = Observation(self.name, result["outcome"], result.get("status"), result.get("error"))
            for e in ch.events:
                if not mine(e):
                    continue
                if e.get("method") == "Log.entryAdded":
                    entry = e["params"]["entry"]
                    if entry.get("level") == "error":
                        obs.console.append(entry["text"])
                        if CHROME_BLOCKED in entry["text"]:
                            obs.blocked.append(entry["text"])
                elif e.get("method") == "Network.loadingFailed" and e["params"].get("corsErrorStatus"):
                    obs.cors_errors.append(e["params"]["corsErrorStatus"])
            return obs
        finally:
            ch.call("Target.disposeBrowserContext", {"browserContextId": context})
            ch.events.clear()


# Preferences for a throwaway Firefox profile (the remote agent adds its own
# recommended automation preferences on top).
_FIREFOX_PREFS = {
    "network.dns.forceResolve": "127.0.0.1",   # every name is this machine
    "dom.security.https_first": False,         # http pages stay http
    "dom.security.https_only_mode": False,
    "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "app.update.disabledForTesting": True,
}


class Firefox(Browser):
    """Debian ``firefox-esr``, headless, over WebDriver BiDi (no geckodriver)."""

    name = "firefox"
    binaries = ("firefox-esr", "firefox")

    def start(self) -> "Firefox":
        binary = self.binary()
        if binary is None:
            raise BrowserError("firefox-esr is not installed: run tests/install-system-deps.sh")
        self.profile = Path(tempfile.mkdtemp(prefix="corslint-truth-firefox-"))
        (self.profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in _FIREFOX_PREFS.items()))
        try:
            endpoint = self._launch([
                binary, "--headless", "--no-remote", "--profile", str(self.profile),
                "--remote-debugging-port=0", "about:blank",
            ], re.compile(r"WebDriver BiDi listening on (ws://\S+)"))
            self.channel = _Channel(endpoint.rstrip("/") + "/session")
            caps = self.channel.call(
                "session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}},
                timeout=START_TIMEOUT)
            self.version = caps["capabilities"]["browserVersion"]
            self.channel.call("session.subscribe", {"events": ["log.entryAdded"]})
        except BaseException:
            self.close()
            raise
        return self

    def _quit(self) -> None:
        self.channel.call("browser.close", timeout=10)  # type: ignore[union-attr]

    def _seen_blocked(self, relevant) -> bool:
        return any(relevant(e) and FIREFOX_BLOCKED in e["params"].get("text", "")
                   for e in self.channel.events)  # type: ignore[union-attr]

    def run(self, page_url: str, request: PageRequest) -> Observation:
        ch = self.channel
        assert ch is not None, "start() first"
        ch.events.clear()
        user_context = ch.call("browser.createUserContext")["userContext"]
        try:
            context = ch.call("browsingContext.create", {"type": "tab", "userContext": user_context})["context"]
            ch.call("browsingContext.navigate", {"context": context, "url": page_url, "wait": "complete"})
            ch.events.clear()
            answer = ch.call("script.evaluate", {"expression": request.script(), "awaitPromise": True,
                                                 "target": {"context": context}})
            if answer.get("type") != "success":
                raise BrowserError(f"page script failed: {answer}")
            result = json.loads(answer["result"]["value"])

            def relevant(e: dict) -> bool:
                return (e.get("method") == "log.entryAdded"
                        and e["params"].get("source", {}).get("context") == context)

            self._settle(relevant, result["outcome"] == "rejected")
            obs = Observation(self.name, result["outcome"], result.get("status"), result.get("error"))
            for e in ch.events:
                if relevant(e) and e["params"].get("level") == "error":
                    text = e["params"].get("text", "")
                    obs.console.append(text)
                    if FIREFOX_BLOCKED in text:
                        obs.blocked.append(text)
            return obs
        finally:
            ch.call("browser.removeUserContext", {"userContext": user_context})
            ch.events.clear()


BROWSERS: dict[str, type[Browser]] = {"chromium": Chromium, "firefox": Firefox}
