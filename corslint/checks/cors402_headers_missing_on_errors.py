"""CORS402 headers-missing-on-errors: CORS headers sent only with success
statuses (nginx ``add_header`` without ``always``, Apache ``Header set``
without ``always``) on a scope whose answer can be an error.

The 4xx/5xx answer then lacks Access-Control-Allow-Origin, so the browser
reports a CORS error and the page never sees the real status. Where an
upstream or application makes the error and nothing hides its own copy of the
header, that depends on the application: one info condition, no browser text.
The directives of one file that lack 'always' are one finding; see
``corslint explain CORS402``.
"""

from __future__ import annotations

from .. import engine
from ..model import HANDLER_UNKNOWN, Branch, HeaderEmission, Route, Source
from ..scenarios import answer_branch, branch_origin, intended_origins, page_origin, request, request_order
from ._base import join_and, reporter
from ._preflight import preflight_routes

CODE = "CORS402"
NAME = "headers-missing-on-errors"
SEVERITY = "warning"
CATEGORY = "browser-blocks"
LEVELS = ("info", "warning")
SUMMARY = "CORS headers are sent only with success statuses, so error answers fail as CORS errors"
# What must change, worded per frontend by corslint.fixes.
FIX = "add-always"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
# The headers whose absence on an error answer makes the browser block it.
BLOCKING = (ACAO, ACAC)

# Order in which the causes are named in a message.
_CAUSE_ORDER = ("auth", "upstream", "app", "files", "fixed", "upstream-own", "app-own")
# Error answers made by an application that may add the header itself: only
# a condition (said at info, without browser texts).
_CONDITIONAL = ("upstream-own", "app-own")
# Other places of one finding named in its message
MAX_LISTED = 10


def _error_causes(branch: Branch, emission: HeaderEmission | None = None
                  ) -> list[tuple[str, str, Source | None]]:
    """(kind, words, source) for each way the branch's answer can be an
    error; the source is None where no config line says more. An error the
    upstream or application answers is certain to lack ``emission``'s header
    only when the proxy hides the upstream's own copy; otherwise it depends
    on the application (kind "upstream-own" / "app-own")."""
    causes: list[tuple[str, str, Source | None]] = []
    outcome = branch.outcome
    hidden = emission is not None and emission.lname in outcome.hidden_upstream
    if branch.auth is not None:
        what = branch.auth_what or "authentication"
        causes.append(("auth", f"401s from {what}", branch.auth))
    if outcome.status is None:
        if outcome.delegate == "upstream":
            causes.append(("upstream" if hidden else "upstream-own", "upstream errors", outcome.source))
        elif outcome.delegate == "app":
            causes.append(("app" if hidden else "app-own", "application errors", outcome.source))
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
    """One directive that lacks 'always' where an error answer may go out."""

    def __init__(self, emission: HeaderEmission, route: Route):
        self.emission = emission
        self.route = route
        self.causes: dict[str, tuple[str, str, Source | None]] = {}
        self.failure = None
        self.request = None

    @property
    def certain(self) -> bool:
        """Some error answer lacks the header whatever corslint cannot see."""
        return any(kind not in _CONDITIONAL for kind, _, _ in self.causes.values())


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
    for route in preflight_routes(model):  # a server's leftover scope is no API anyone calls
        # the branch a plain GET reaches first: its answer is the one the
        # finding's browser texts describe
        for branch in sorted(route.branches, key=request_order):
            method = _method(branch)
            if method is None:
                continue  # preflight-only: no status but 2xx passes anyway (CORS301/302)
            origin = _origin(route, branch, method) if _error_causes(branch) else None
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
                causes = _error_causes(branch, h)
                key = (h.source, h.raw, h.lname)
                gap = gaps.get(key)
                if gap is None:
                    gap = gaps[key] = _Gap(h, route)
                for cause in causes:
                    # one entry per kind of cause and status
                    gap.causes.setdefault(cause[0] + cause[1].split(" ")[0], cause)
                if gap.failure is None and any(c[0] not in _CONDITIONAL for c in causes):
                    gap.failure, gap.request = _judge(route, branch, origin, method, credentials)
    # One root cause, one finding: the directives of one file that lack
    # 'always' fail the same way (the browser stops at the first header
    # missing), so they are one finding, the first directive its place and the
    # others related. What only an unseen upstream decides is a separate,
    # conditional finding.
    groups: dict[tuple[str, bool], list[_Gap]] = {}
    for gap in gaps.values():
        groups.setdefault((gap.emission.source.file, gap.certain), []).append(gap)
    for (_, certain), members in sorted(groups.items(), key=lambda kv: _order(kv[1][0])):
        members.sort(key=_order)
        yield _finding(members, certain)


def _order(gap: _Gap):
    s = gap.emission.source
    return (s.file, s.line, s.column)


def _finding(members: list[_Gap], certain: bool):
    first = members[0]
    names = list(dict.fromkeys(g.emission.name for g in
                               sorted(members, key=lambda g: g.emission.lname != ACAO)))
    subject = join_and(names) + (" are" if len(names) > 1 else " is")
    places = [g.emission.source for g in members[1:]]
    also = ""
    if places:
        lines = [str(s.line) for s in places[:MAX_LISTED]]
        if len(places) > MAX_LISTED:
            lines.append(f"{len(places) - MAX_LISTED} more")
        word = "line" if len(places) == 1 else "lines"
        also = f" here and at {word} {join_and(lines)} of this file"
    causes: dict[str, tuple[str, str, Source | None]] = {}
    for g in members:
        for k, c in g.causes.items():
            causes.setdefault(k, c)
    certain_causes = sorted((c for c in causes.values() if c[0] not in _CONDITIONAL), key=_cause_key)
    conditional = sorted((c for c in causes.values() if c[0] in _CONDITIONAL), key=_cause_key)
    credentials_only = all(g.emission.lname == ACAC for g in members)
    who = "for requests with credentials the browser" if credentials_only else "the browser"
    related = places[:MAX_LISTED] + [c[2] for c in certain_causes + conditional if c[2] is not None][:4]
    if certain:
        words = join_and([c[1] for c in certain_causes])
        message = (f"{subject} sent only with success statuses (no 'always'){also}, so {who} "
                   f"reports {words} as CORS errors and the page never sees the real status.")
        if conditional:
            message += (f" The same holds for {join_and([c[1] for c in conditional])} that lack "
                        "the header themselves.")
        gap = next((g for g in members if g.failure is not None), first)
        return report(message, first.emission.source, failure=gap.failure, request=gap.request,
                      route=first.route, related=related)
    words = join_and([c[1] for c in conditional])
    message = (f"{subject} sent only with success statuses (no 'always'){also}: if {words} "
               f"lack {join_and(names)} themselves, {who} reports them as CORS errors and the "
               "page never sees the real status (whether they do is not in this config).")
    return report(message, first.emission.source, level="info", route=first.route, related=related)


def _cause_key(cause):
    return (_CAUSE_ORDER.index(cause[0]), cause[1])


def _present(h: HeaderEmission, origin: str) -> bool:
    """The emission gives a value for ``origin`` on a success answer (an
    unknown value may)."""
    text = h.value.evaluate(origin)
    return text is None or text != "" or not h.omit_if_empty
