"""CORS109 misspelled-cors-name: a response header (or a CORS library's
option) that is almost a CORS name, so browsers (or the library) ignore it
and the setting the author wrote never takes effect.

``Access-Control-Allow_Credentials`` (an underscore), ``Access-Control-Allow-Origins``,
``Acces-Control-Allow-Origin``: each is a different header to a browser, which
then finds no Access-Control-Allow-Origin (or -Credentials, -Methods, -Headers)
and blocks the request the line was written to allow. A request header's
name in a response (``Access-Control-Request-Headers``) is the same mistake.
The finding names the header it most likely meant and carries what the
browsers print for the request it was meant to allow; when the answer also
sends the right name, the misspelt line only has no effect (info).

Library options reach the model as :class:`corslint.model.IgnoredName`
records on their route: the frontend knows which names its library reads, the rule only
compares spellings.
"""

from __future__ import annotations

from .. import engine
from ..engine.safelist import is_cors_safelisted_method, normalize_method
from ..findings import FixIntent
from ..model import Route
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer_branch, intended_origins, request
from ._base import quote, reporter
from ._preflight import SAFELISTED_HEADER_NAMES, is_options_branch

CODE = "CORS109"
NAME = "misspelled-cors-name"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("info", "warning", "error")
SUMMARY = "A header or library option that is almost a CORS name: browsers and libraries ignore it"
# What must change, worded per frontend by corslint.fixes.
FIX = "spell-cors-name"
REMOVE_FIX = "remove-misspelt-name"    # the right header is sent too: drop the misspelt line
report = reporter(CODE, SEVERITY, FIX)

# The CORS response headers (Fetch standard, and Private Network Access's).
RESPONSE_NAMES = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Private-Network",
)
# Request headers a browser sends on a preflight: in a response they mean
# the Allow header that answers them.
REQUEST_NAMES = {
    "access-control-request-method": "Access-Control-Allow-Methods",
    "access-control-request-headers": "Access-Control-Allow-Headers",
    "access-control-request-private-network": "Access-Control-Allow-Private-Network",
}
# Edits apart that still read as the same name: a plural, a typo, a
# swapped pair of letters. Two edits on a name of 20+ letters is a slip;
# the shortest CORS name (22 letters) is far from every other header.
MAX_EDITS = 2
# What the missing header costs, by the name meant.
_CONSEQUENCE = {
    "access-control-allow-origin": ("error", "no Access-Control-Allow-Origin reaches the browser, which "
                                             "blocks every cross-origin request to this answer"),
    "access-control-allow-credentials": ("error", "no Access-Control-Allow-Credentials reaches the "
                                                  "browser, which blocks every request made with credentials"),
    "access-control-allow-methods": ("error", "the preflight allows no method beyond GET, HEAD and POST, "
                                              "so browsers block the others"),
    "access-control-allow-headers": ("error", "the preflight allows no request header beyond the "
                                              "safelisted ones, so browsers block requests that send one"),
    "access-control-expose-headers": ("warning", "scripts cannot read the response headers it names "
                                                 "(the browser prints no error; the value reads as null)"),
    "access-control-max-age": ("info", "browsers cache the preflight for 5 s (their default) and "
                                       "repeat it before nearly every request"),
    "access-control-allow-private-network": ("error", "requests from public pages to this private "
                                                      "address fail their preflight"),
}


def edits(a: str, b: str, limit: int = MAX_EDITS) -> int:
    """Optimal string alignment distance (insertions, deletions,
    substitutions, adjacent swaps), or ``limit + 1`` once it must exceed
    ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def meant_name(name: str, known: tuple[str, ...] = RESPONSE_NAMES, case_sensitive: bool = False) -> str | None:
    """The name of ``known`` that ``name`` most likely meant, or None when
    ``name`` is one of them or far from all. Header names compare without
    case, as browsers compare them; a library's option names with it
    (``case_sensitive``: Python keywords, settings, JS properties)."""
    if name in known or (not case_sensitive and name.lower() in (k.lower() for k in known)):
        return None
    if known is RESPONSE_NAMES and name.lower() in REQUEST_NAMES:
        return REQUEST_NAMES[name.lower()]

    def spelled(text: str) -> str:
        return text.lower().replace("_", "-")

    scored = sorted((edits(spelled(name), spelled(k)), k) for k in known)
    best, meant = scored[0]
    if best > MAX_EDITS or (len(scored) > 1 and scored[1][0] == best and scored[1][1] != meant):
        return None
    return meant


# Headers browsers read on a preflight answer only.
_PREFLIGHT_ONLY = frozenset({"access-control-allow-methods", "access-control-allow-headers",
                             "access-control-max-age", "access-control-allow-private-network"})


def _on_a_preflight(route: Route, h) -> bool:
    """Some answer to an OPTIONS request sends ``h``."""
    return any(is_options_branch(b) for b in route.branches if any(e is h for e in b.headers))


def _also_sent(route: Route, h, lname: str) -> bool:
    """Every answer that sends ``h`` also sends the header it meant."""
    return all(any(e.lname == lname for e in b.headers)
               for b in route.branches if any(e is h for e in b.headers))


def _first_token(text: str, unwanted) -> str | None:
    for token in engine.parse_header_list(text)[0]:
        if token != "*" and not unwanted(token):
            return token
    return None


def _browser_text(route: Route, meant_lname: str, value: str = "", sender=None):
    """The failure and request of the request a misspelt name was meant to
    allow, on the first answer that would carry it (``sender``: an emission
    it must send); (None, None) when the browser lets it through anyway or
    the answer is not fully known."""
    preflight = meant_lname in ("access-control-allow-methods", "access-control-allow-headers")
    if meant_lname not in ("access-control-allow-origin", "access-control-allow-credentials") and not preflight:
        return None, None
    origins = list(dict.fromkeys(intended_origins(route) + [DEFAULT_PAGE_ORIGIN]))
    for branch in route.branches:
        if sender is not None and not any(e is sender for e in branch.headers):
            continue
        if sender is None and branch.methods is not None and \
                ("OPTIONS" in branch.methods) != preflight:
            continue
        origin = next((o for o in origins if all(t.holds(o) for t in branch.origin_tests)), None)
        if origin is None:
            continue
        if preflight and branch.methods is not None and "OPTIONS" not in branch.methods:
            continue
        ans = answer_branch(branch, origin, credentials=True, preflight=preflight, route=route)
        if not ans.complete:
            return None, None
        if sender is not None:
            value = next((text for sent, text in ans.sent if sent is sender), "")
        if meant_lname == "access-control-allow-methods":
            # fetch() normalises the method's case for the six it knows
            method = normalize_method(_first_token(value, lambda t: is_cors_safelisted_method(normalize_method(t)))
                                      or "PUT")
            req = request(route, origin, method=method)
            return engine.check_preflight(req, ans.response), req
        if meant_lname == "access-control-allow-headers":
            header = _first_token(value, lambda t: t.lower() in SAFELISTED_HEADER_NAMES) or "Authorization"
            req = request(route, origin, method="GET", headers=((header, "x"),))
            return engine.check_preflight(req, ans.response), req
        credentials = meant_lname == "access-control-allow-credentials"
        req = request(route, origin, credentials=credentials)
        return engine.check_cors(req, ans.response), req
    return None, None


_K = engine.FailureKind
# The failures a missing header causes: a browser text is shown only when it
# is the one the name meant would have prevented.
_FAILURES = {
    "access-control-allow-origin": (_K.MISSING_ALLOW_ORIGIN,),
    "access-control-allow-credentials": (_K.INVALID_ALLOW_CREDENTIALS, _K.WILDCARD_WITH_CREDENTIALS),
    "access-control-allow-methods": (_K.METHOD_NOT_ALLOWED,),
    "access-control-allow-headers": (_K.HEADER_NOT_ALLOWED,),
}


def _wildcard_too(failure) -> str:
    """The browser stops at '*' first: the right name alone does not help."""
    if failure is not None and failure.kind.base is engine.FailureKind.WILDCARD_WITH_CREDENTIALS:
        return (" Access-Control-Allow-Origin is '*' there, which browsers refuse with credentials as "
                "well: send the allowed origin instead of '*' too.")
    return ""


def _header_findings(model):
    seen: set = set()
    for route in model.routes:
        for branch in route.branches:
            for h in branch.headers:
                if (h.source, h.name) in seen:
                    continue
                meant = meant_name(h.name)
                if meant is None:
                    continue
                seen.add((h.source, h.name))
                meant_lname = meant.lower()
                level, cost = _CONSEQUENCE[meant_lname]
                request_name = h.lname in REQUEST_NAMES
                what = (f"{quote(h.name)} is a request header, which browsers ignore in a response; "
                        f"the answer to it is {meant}" if request_name else
                        f"{quote(h.name)} is not a CORS header (it reads as {meant} misspelt), and "
                        "browsers ignore it")
                intent = FixIntent(FIX, headers=(h.name, meant))
                if meant_lname in _PREFLIGHT_ONLY and not _on_a_preflight(route, h):
                    yield report(f"{what}; it is sent only on answers to actual requests, where browsers "
                                 f"read no {meant} either, so the line has no effect: remove it.",
                                 h.source, level="info", route=route,
                                 intent=FixIntent(REMOVE_FIX, headers=(h.name, meant)))
                    continue
                if _also_sent(route, h, meant_lname):
                    yield report(f"{what}; every answer that sends it also sends {meant}, so the line "
                                 "has no effect: remove it.", h.source, level="info", route=route,
                                 intent=FixIntent(REMOVE_FIX, headers=(h.name, meant)))
                    continue
                failure = req = None
                if level == "error":
                    failure, req = _browser_text(route, meant_lname, sender=h)
                    if failure is None or failure.kind.base not in _FAILURES.get(meant_lname, ()):
                        failure = req = None
                yield report(f"{what}: {cost}.{_wildcard_too(failure)}", h.source, level=level, route=route,
                             intent=intent, failure=failure, request=req)


def _option_findings(model):
    for route in model.routes:
        for ignored in route.ignored_names:
            by_name = {k.name: k for k in ignored.known}
            meant_text = meant_name(ignored.name, tuple(by_name), case_sensitive=True)
            if meant_text is None:
                continue
            meant = by_name[meant_text]
            what = (f"{ignored.owner} does not know {quote(ignored.name)} (it reads as "
                    f"{quote(meant.name)} misspelt) and ignores it")
            if ignored.refused:
                yield report(f"{ignored.owner} does not know {quote(ignored.name)} (it reads as "
                             f"{quote(meant.name)} misspelt): {ignored.refused}.", ignored.source,
                             level="error", route=route, intent=FixIntent(FIX, headers=(ignored.name, meant.name)))
                continue
            if meant.name in ignored.present:
                yield report(f"{what}; {quote(meant.name)} is set as well, so the line has no effect: "
                             "remove it.", ignored.source, level="info", route=route,
                             intent=FixIntent(REMOVE_FIX, headers=(ignored.name, meant.name)))
                continue
            failure = req = None
            if meant.level == "error" and meant.header:
                failure, req = _browser_text(route, meant.header)
                if failure is None or failure.kind.base not in _FAILURES.get(meant.header, ()):
                    # the request fails first for another reason (often a second
                    # misspelt name): that reason is its own finding
                    failure = req = None
            effect = meant.effect or "the setting never takes effect"
            yield report(f"{what}: {effect}.{_wildcard_too(failure)}", ignored.source, level=meant.level,
                         route=route, intent=FixIntent(FIX, headers=(ignored.name, meant.name)),
                         failure=failure, request=req)


def check(model):
    yield from _header_findings(model)
    yield from _option_findings(model)


__all__ = ["CODE", "NAME", "SEVERITY", "CATEGORY", "LEVELS", "SUMMARY", "FIX", "check", "edits",
           "meant_name"]
