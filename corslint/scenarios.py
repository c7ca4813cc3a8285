"""Turning a route of the policy model into concrete answers the CORS engine can
judge, and choosing the requests worth asking about.

A *scenario* is one request: page origin, method, headers, credentials mode,
preflight or not. ``answer()`` picks the branch that request takes and builds
the HTTP response it gets; ``intended_origins()`` reads the origins the config
itself means to allow.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import memo, regexlang
from .engine import CorsRequest, HttpResponse, origin_value_problem
from .model import Branch, HeaderEmission, OriginMatcher, Route

# A stand-in page origin when the config names none (a wildcard or reflection).
DEFAULT_PAGE_ORIGIN = "https://app.example.com"
DEFAULT_API_HOST = "api.example.com"


def per_route(fact):
    """``fact(route)`` worked out once per route and kept in ``route.memo``:
    several checks ask each route the same questions. Callers must not
    change what they get."""
    @functools.wraps(fact)
    def cached(route: Route):
        memo = route.memo
        if fact not in memo:
            memo[fact] = fact(route)
        return memo[fact]

    return cached


@dataclass
class Answer:
    """What a route sends back to one request."""

    branch: Branch
    response: HttpResponse
    status_assumed: bool                 # the upstream / app / files decide; 200 assumed
    sent: list[tuple[HeaderEmission, str]] = field(default_factory=list)
    unknown: list[HeaderEmission] = field(default_factory=list)   # values corslint cannot resolve
    withheld: list[HeaderEmission] = field(default_factory=list)  # not sent on this status
    auth_blocked: bool = False

    @property
    def complete(self) -> bool:
        """Every header value is known, so the engine's verdict is the browser's."""
        return not self.unknown

    @property
    def delegated(self) -> bool:
        return self.branch.outcome.delegate in ("upstream", "app")


def answer(route: Route, method: str, origin: str | None, *, credentials: bool = False,
           preflight: bool = False, status: int | None = None,
           include_opaque: bool = False) -> Answer | None:
    """The response ``route`` gives; None when no branch answers that request."""
    branch = None
    for b in route.branches:
        if b.opaque_conditions and not include_opaque:
            continue
        if b.applies(method, origin):
            branch = b
            break
    if branch is None:
        return None
    return answer_branch(branch, origin, credentials=credentials, preflight=preflight, status=status,
                         route=route)


def answer_branch(branch: Branch, origin: str | None, *, credentials: bool = False,
                  preflight: bool = False, status: int | None = None,
                  route: Route | None = None) -> Answer:
    """The response ``branch`` gives. Answers are shared, not copied: the
    checks ask a branch the same few questions, so each is worked out once
    (callers must not change what they get)."""
    auth_blocked = branch.auth is not None and (preflight or not credentials)
    # The answer depends on the request only through what the branch looks at:
    # the Origin where a value or redirect uses it, credentials and preflight
    # where authentication is required, the status where the branch sets none,
    # and the route where a redirect's target is built from the request.
    redirects = branch.outcome.location is not None
    key = (origin if branch.uses_origin else None, auth_blocked,
           status if branch.outcome.status is None else None,
           id(route) if redirects else None)
    answers = branch.answers
    cached = answers.get(key)
    # the route is kept beside its answer: an id is unique only while its
    # object lives
    if cached is None or (redirects and cached[0] is not route):
        cached = answers[key] = (route, _answer_branch(branch, origin, auth_blocked, status, route))
    return cached[1]


def _answer_branch(branch: Branch, origin: str | None, auth_blocked: bool, status: int | None,
                   route: Route | None) -> Answer:
    outcome = branch.outcome
    assumed = False
    if auth_blocked:
        code = 401
    elif outcome.status is not None:
        code = outcome.status
    else:
        code = status if status is not None else 200
        assumed = status is None
    headers: list[tuple[str, str]] = []
    result = Answer(branch=branch, response=HttpResponse(code), status_assumed=assumed,
                    auth_blocked=auth_blocked)
    for h in branch.headers:
        if not h.sent_on(code):
            result.withheld.append(h)
            continue
        text = h.value.evaluate(origin)
        if text is None:
            result.unknown.append(h)
            continue
        if text == "" and h.omit_if_empty:
            continue
        if h.replaces:
            headers = [(n, v) for n, v in headers if n.lower() != h.lname]
            result.sent = [(e, v) for e, v in result.sent if e.lname != h.lname]
        headers.append((h.name, text))
        result.sent.append((h, text))
    if outcome.location is not None and code in (301, 302, 303, 307, 308):
        loc = outcome.location.evaluate(origin, known=location_stand_ins(route))
        headers.append(("Location", loc if loc is not None else "https://unknown.invalid/"))
    result.response = HttpResponse(code, tuple(headers))
    return result


def location_stand_ins(route: Route | None) -> dict[str, str]:
    """Example values for the request variables a redirect target is usually
    built from ($host, $request_uri...), taken from the route itself."""
    if route is None:
        return {}
    url = api_url(route)
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    return {"host": host, "path": "/" + path, "scheme": scheme, "query": ""}


def api_url(route: Route) -> str:
    scheme = "https" if route.https else "http"
    host = next((h for h in route.hosts if "*" not in h and "~" not in h and not h.startswith(".")),
                DEFAULT_API_HOST)
    return f"{scheme}://{host}{example_path(route.path)}"


def example_path(path: str) -> str:
    """A concrete request path for a location pattern."""
    p = path.strip()
    for prefix in ("= ", "^~ "):
        if p.startswith(prefix):
            p = p[len(prefix):]
    if p.startswith(("~* ", "~ ")):
        # a path the location's regex finds (nginx matches it against the
        # URI, which starts with "/"); "/" when none can be built
        rx = p.split(" ", 1)[1]
        p = regexlang.witness(regexlang.pcre_to_python(rx), p.startswith("~*"), start="/") or "/"
    if not p.startswith("/"):
        p = "/"
    return p


def missing_file_path(path: str) -> str:
    """A request path for a file that is not there, answered by the location
    ``path``: a name under the location's path; for an exact location
    ('= /config.json') its one path, the only one it answers; for a regex
    location a name under its example path where the regex still finds it,
    else the example itself (a made-up name)."""
    p = path.strip()
    example = example_path(path)
    if p.startswith("= "):
        return example
    under = (example if example.endswith("/") else example + "/") + "missing.json"
    if p.startswith(("~* ", "~ ")):
        rx = regexlang.pcre_to_python(p.split(" ", 1)[1])
        # the config's regex, run with bounded cost (it may come from a stranger)
        found = regexlang.bounded(rx, p.startswith("~*")).run("search", under)
        return under if found else example
    return under


def request(route: Route, origin: str, method: str = "GET", headers: tuple[tuple[str, str], ...] = (),
            credentials: bool = False, missing_file: bool = False) -> CorsRequest:
    """The request a page on ``origin`` makes to this route. ``missing_file``
    asks for a file under the route's path that is not there (a directory
    URL is answered by an index, a listing or a 403, not a 404)."""
    url = api_url(route)
    if missing_file:
        base = url[:len(url) - len(example_path(route.path))]
        url = base + missing_file_path(route.path)
    return CorsRequest(url=url, origin=origin, method=method, headers=headers,
                       credentials=credentials)


# ---------------------------------------------------------------- intended origins

_SERIALIZED = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s,]+$", re.I)


def intended_origins(route: Route) -> list[str]:
    """Origins the config evidently means to allow: literal ACAO values, exact
    allowlist entries, and a readable example for each regex entry."""
    return list(_intended_origins(route))


@per_route
def _intended_origins(route: Route) -> list[str]:
    found: list[str] = []
    # Headers a narrower scope drops still say which origins the author meant.
    shadowed = [h for b in route.branches for s in b.shadowed for h in s.emissions]
    for h in list(route.all_emissions()) + list(route.configured_headers) + shadowed:
        if h.lname != "access-control-allow-origin":
            continue
        for alt in h.value.alternatives():
            text = alt.literal_text
            if text and text not in ("*", "null") and _SERIALIZED.match(text.strip()):
                found.append(text.strip())
    for m in route.origin_matchers():
        example = example_origin(m)
        if example:
            found.append(example)
    return list(dict.fromkeys(found))


def page_origin(route: Route) -> str:
    """The origin a scenario's page is served from: one the config allows, or
    a stand-in for wildcards and reflection."""
    for origin in intended_origins(route):
        if not origin.startswith("http://localhost") and not origin.startswith("http://127."):
            return origin
    origins = intended_origins(route)
    return origins[0] if origins else DEFAULT_PAGE_ORIGIN


def example_origin(matcher: OriginMatcher) -> str | None:
    """A readable origin the matcher accepts, or None. Never 'null': an
    entry that also admits 'null' (CORS104's business) must not make the
    scenarios judge a page on 'null' while others judge the origin it names,
    so the preflight and the actual request see the same origin decision."""
    if not matcher.is_regex:
        return matcher.pattern if _SERIALIZED.match(matcher.pattern) else None
    examples = memo.table("example origins")  # one allowlist is consulted by many routes
    key = (matcher.pattern, matcher.flavour, matcher.ignore_case)
    if key not in examples:
        # The readings first (they keep a name's usual shape), then a text
        # built from the regex itself ('[0-9]+' as a port reads as no name);
        # never 'null' (a page is never served from it), then the origin the
        # analysis says the pattern means, then the stand-in for a pattern
        # such as ':' (any Origin at all).
        def readings():
            yield from _regex_examples(matcher.pattern)
            witness = regexlang.witness(matcher.pattern, matcher.ignore_case)   # only when needed
            if witness:
                yield witness

        found = next((c for c in readings()
                      if c != "null" and origin_value_problem(c) is None and matcher.matches(c)), None)
        if found is None:
            from .allowlist import analyse   # the allowlist analysis builds on scenarios

            found = next((m.origin for m in analyse(matcher).meant
                          if not m.tail and matcher.matches(m.origin)), None)
        if found is None and matcher.matches(DEFAULT_PAGE_ORIGIN):
            found = DEFAULT_PAGE_ORIGIN
        examples[key] = found
    return examples[key]


def _regex_examples(pattern: str) -> list[str]:
    p = pattern
    p = p.lstrip("^").rstrip("$")
    p = re.sub(r"\(\?[a-zA-Z]+\)", "", p)
    p = p.replace("https?", "https").replace("http(s)?", "https").replace("(https|http)", "https")
    p = p.replace("(http|https)", "https")
    # optional groups vanish; a required group keeps its first alternative
    # innermost groups first, until none is left: nested groups unwrap too
    while True:
        collapsed = re.sub(r"\((?:\?:)?[^()]*\)\?", "", p)
        collapsed = re.sub(r"\((?:\?:|\?P?<\w+>)?([^()|]*)(?:\|[^()]*)?\)", r"\1", collapsed)
        if collapsed == p:
            break
        p = collapsed
    p = re.sub(r"\[[^\]]*\][+*]", "app", p)
    p = re.sub(r"\[[^\]]*\]", "a", p)
    p = re.sub(r"\.[+*]", "app", p)
    p = re.sub(r"\\d[+*]?", "8", p)
    p = p.replace("\\/", "/").replace("\\.", ".").replace("\\-", "-")
    p = re.sub(r"[?*+]", "", p)
    p = p.replace("\\", "")
    out = [p]
    if "://" not in p:
        out += ["https://" + p.lstrip("/"), "http://" + p.lstrip("/")]
    return out


def branch_origin(route: Route, branch: Branch, method: str | None = None) -> str | None:
    """An origin for which ``branch`` is the one that answers (its origin
    tests hold), preferring origins the config means to allow."""
    candidates = intended_origins(route) + [DEFAULT_PAGE_ORIGIN, "https://evil.example", "null"]
    for origin in candidates:
        if all(t.holds(origin) for t in branch.origin_tests):
            if method is None or route.branch_for(method, origin) is branch or branch.opaque_conditions:
                return origin
    return None


def request_order(branch: Branch) -> int:
    """A sort key putting first the branch a page's plain GET reaches, then
    the ones other CORS-safelisted methods reach, then the rest. A check that
    shows the browser's text for one actual request describes the request a
    page makes without a preflight; a branch only other methods reach (nginx
    static files answer them 405) is what a DELETE gets, and the browser
    sends that only after a preflight, so its status is not the one the
    simple request's text prints (404 for a missing file, 200 for a file)."""
    methods = branch.methods
    if methods is None or "GET" in methods:
        return 0
    if methods & {"HEAD", "POST"}:
        return 1
    return 2


def scenario_branches(route: Route, include_opaque: bool = False):
    """(branch, method, origin) for every branch a request can reach."""
    for branch in route.branches:
        if branch.opaque_conditions and not include_opaque:
            continue
        methods = sorted(branch.methods) if branch.methods is not None else ["GET"]
        for method in methods:
            origin = branch_origin(route, branch, method)
            if origin is not None:
                yield branch, method, origin
                break
