"""CORS402 headers-missing-on-errors: CORS headers sent only with success
statuses (nginx ``add_header`` without ``always``, Apache ``Header set``
without ``always``) on a scope whose answer can be an error.

The 4xx/5xx answer then lacks Access-Control-Allow-Origin, so the browser
reports a CORS error and the page never sees the real status; see
``corslint explain CORS402``.
"""

from __future__ import annotations

from .. import engine
from ..model import HANDLER_UNKNOWN, Branch, HeaderEmission, Route, Source
from ..scenarios import answer_branch, branch_origin, intended_origins, page_origin, request
from ._base import cors_routes, join_and, reporter

CODE = "CORS402"
NAME = "headers-missing-on-errors"
SEVERITY = "warning"
CATEGORY = "browser-blocks"
LEVELS = ("warning",)
SUMMARY = "CORS headers are sent only with success statuses, so error answers fail as CORS errors"
# What must change, worded per frontend by corslint.fixes.
FIX = "add-always"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
# The headers whose absence on an error answer makes the browser block it.
BLOCKING = (ACAO, ACAC)

# Order in which the causes are named in a message.
_CAUSE_ORDER = ("auth", "upstream", "app", "files", "fixed")


def _error_causes(branch: Branch) -> list[tuple[str, str, Source | None]]:
    """(kind, words, source) for each way the branch's answer can be an
    error; the source is None where no config line says more."""
    causes: list[tuple[str, str, Source | None]] = []
    outcome = branch.outcome
    if branch.auth is not None:
        what = branch.auth_what or "authentication"
        causes.append(("auth", f"401s from {what}", branch.auth))
    if outcome.status is None:
        if outcome.delegate == "upstream":
            causes.append(("upstream", "upstream errors", outcome.source))
        elif outcome.delegate == "app":
            causes.append(("app", "application errors", outcome.source))
        elif outcome.delegate == HANDLER_UNKNOWN:
            pass  # a snippet's includer decides which errors there are: none to claim here
        else:
            causes.append(("files", "404s for missing files", None))
    elif outcome.status >= 400:
        if outcome.delegate == "files":
            causes.append(("fixed", f"{outcome.status}s for other methods on static files",
                           None))
        else:
            words = f"{outcome.status}s ({outcome.reason})" if outcome.reason else \
                f"{outcome.status}s"
            causes.append(("fixed", words, outcome.source))
    return causes


def _error_status(branch: Branch) -> int:
    """The status to judge the error answer at when the branch does not fix it."""
    return 404 if branch.outcome.delegate == "files" else 500


def _method(branch: Branch) -> str | None:
    methods = sorted(m for m in (branch.methods or {"GET"}) if m != "OPTIONS")
    if not methods:
        return None
    return "GET" if "GET" in methods else methods[0]


def _origin(route: Route, branch: Branch, method: str) -> str | None:
    """An origin the config means to allow that this branch answers; None
    when only origins the config turns away reach it (their answers should
    lack ACAO)."""
    if branch.origin_tests:
        for origin in intended_origins(route):
            if all(t.holds(origin) for t in branch.origin_tests):
                return origin
        return None
    return branch_origin(route, branch, method) or page_origin(route)


class _Gap:
    def __init__(self, emission: HeaderEmission, route: Route):
        self.emission = emission
        self.route = route
        self.causes: dict[str, tuple[str, str, Source | None]] = {}
        self.failure = None
        self.request = None


def _judge(route: Route, branch: Branch, origin: str, method: str, credentials: bool):
    """The browser's verdict on the request when the branch answers an error."""
    ans = answer_branch(branch, origin, credentials=credentials, status=_error_status(branch))
    if not ans.complete:
        return None, None
    req = request(route, origin, method=method, credentials=credentials,
                  missing_file=branch.outcome.delegate == "files" and ans.response.status == 404)
    failure = engine.check_cors(req, ans.response)
    return (failure, req) if failure is not None else (None, None)


def check(model):
    gaps: dict[tuple, _Gap] = {}
    for route in cors_routes(model):
        for branch in route.branches:
            method = _method(branch)
            if method is None:
                continue  # preflight-only: no status but 2xx passes anyway (CORS301/302)
            causes = _error_causes(branch)
            if not causes:
                continue
            origin = _origin(route, branch, method)
            if origin is None:
                continue
            present = [h for h in branch.headers if _present(h, origin)]
            credentials = any(h.lname == ACAC and h.value.evaluate(origin) == "true" for h in present)
            if not any(h.lname == ACAO for h in present):
                continue
            for h in present:
                if h.lname not in BLOCKING or h.always:
                    continue
                if h.lname == ACAC and not credentials:
                    continue
                key = (h.source, h.raw, h.lname)
                gap = gaps.get(key)
                if gap is None:
                    gap = gaps[key] = _Gap(h, route)
                for cause in causes:
                    # one entry per kind of cause and status
                    gap.causes.setdefault(cause[0] + cause[1].split(" ")[0], cause)
                if gap.failure is None:
                    gap.failure, gap.request = _judge(route, branch, origin, method, credentials)
    for key, gap in sorted(gaps.items(), key=lambda kv: (kv[0][0].file, kv[0][0].line, kv[0][0].column)):
        h = gap.emission
        causes = sorted(gap.causes.values(), key=lambda c: (_CAUSE_ORDER.index(c[0]), c[1]))
        words = join_and([c[1] for c in causes])
        who = "for requests with credentials the browser" if h.lname == ACAC else "the browser"
        message = (f"{h.name} is sent only with success statuses (no 'always'), so {who} "
                   f"reports {words} as CORS errors and the page never sees the real status.")
        yield report(message, h.source, failure=gap.failure, request=gap.request, route=gap.route,
                     related=[c[2] for c in causes if c[2] is not None][:4])


def _present(h: HeaderEmission, origin: str) -> bool:
    """The emission gives a value for ``origin`` on a success answer (an
    unknown value may)."""
    text = h.value.evaluate(origin)
    return text is None or text != "" or not h.omit_if_empty
