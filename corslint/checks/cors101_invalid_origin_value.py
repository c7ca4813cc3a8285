"""CORS101 invalid-origin-value: an ``Access-Control-Allow-Origin`` value that
is not ``*``, ``null`` or one serialized origin (``scheme://host[:port]``).

Browsers compare the value with the page's origin byte for byte, so a trailing
slash, a missing scheme, an uppercase host, a spelled-out default port or a
``*.example.com`` pattern matches nobody. Values listing several origins are
CORS102. See ``corslint explain CORS101``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .. import engine
from ..model import Branch, HeaderEmission, MapEntry, OriginMap, OriginRef, Route, Source, Unknown, Value
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer, answer_branch, intended_origins, per_route, request
from ._base import cors_routes, emissions_named, reporter

CODE = "CORS101"
NAME = "invalid-origin-value"
SEVERITY = "error"
SUMMARY = "Access-Control-Allow-Origin value that is not '*', 'null' or a serialized origin"
# What must change, worded per frontend by corslint.fixes.
FIX = "send-origin-as-browsers-send-it"
report = reporter(CODE, SEVERITY, FIX)

ACAO = "access-control-allow-origin"


# ---------------------------------------------------------------- shared with CORS102


@dataclass(frozen=True)
class Alternative:
    """One value an ACAO emission can take, with where it is written.

    ``entry`` is the allowlist entry that chose it (None for a value written
    in the directive itself), ``omap`` the map whose default it is."""

    value: Value
    entry: MapEntry | None = None
    omap: OriginMap | None = None

    def source(self, emission: HeaderEmission) -> Source:
        if self.entry is not None and self.entry.matcher.source is not None:
            return self.entry.matcher.source
        if self.omap is not None and (self.omap.default_source or self.omap.source) is not None:
            return self.omap.default_source or self.omap.source
        return emission.source

    @property
    def is_pure_reflection(self) -> bool:
        return self.value.parts == (OriginRef(),)


def alternatives(value: Value, limit: int = 64) -> list[Alternative]:
    """Every value ``value`` can take (maps and choices expanded), each with
    the innermost allowlist entry or map default that produces it. Worked
    out once per value (callers must not change the list)."""
    key = ("sourced alternatives", limit)
    memo = value.memo
    if key not in memo:
        memo[key] = _alternatives(value, limit)
    return memo[key]


def _alternatives(value: Value, limit: int) -> list[Alternative]:
    results: list[Alternative] = [Alternative(Value(()))]
    for part in value.parts:
        options = _part_alternatives(part, limit)
        combined: list[Alternative] = []
        for r in results:
            for o in options:
                combined.append(Alternative(Value(r.value.parts + o.value.parts),
                                            o.entry or r.entry, o.omap or r.omap))
        results = combined[:limit]
    return results


def _part_alternatives(part, limit: int) -> list[Alternative]:
    if isinstance(part, OriginMap):
        out: list[Alternative] = []
        for entry in part.entries:
            for alt in alternatives(entry.value, limit):
                out.append(Alternative(alt.value, alt.entry or entry, alt.omap))
        for alt in alternatives(part.default, limit):
            out.append(Alternative(alt.value, alt.entry, alt.omap or (part if alt.entry is None else None)))
        return out
    choices = getattr(part, "options", None)
    if choices is not None:  # Choice
        return [alt for option in choices for alt in alternatives(option, limit)]
    return [Alternative(Value((part,)))]


def concrete_text(alt: Alternative, route: Route) -> str | None:
    """The text of an alternative as a browser receives it (spaces and tabs
    around it dropped): literal text, or with the Origin of the route's page
    filled in where the value mixes the Origin with literal text. None when
    corslint cannot know it, or when it is the Origin alone (always valid)."""
    parts = alt.value.parts
    if any(isinstance(p, Unknown) for p in parts) or alt.is_pure_reflection:
        return None
    text = alt.value.evaluate(valid_page_origin(route))
    if text is None:
        return None
    return engine.http.strip_ows(text)


@per_route
def valid_page_origin(route: Route) -> str:
    """An origin the route means to allow that a browser could really send
    (not a loopback one when there is a choice), else a stand-in."""
    valid = [o for o in intended_origins(route) if engine.origin_value_problem(o) is None and o != "null"]
    remote = [o for o in valid if not re.match(r"https?://(localhost|127\.|\[::1\])", o)]
    return (remote or valid or [DEFAULT_PAGE_ORIGIN])[0]


def acao_texts(route: Route) -> Iterator[tuple[HeaderEmission, Alternative, str]]:
    """(emission, alternative, text) for every concrete value an ACAO emission
    of ``route`` can send."""
    for h in emissions_named(route, ACAO):
        for alt in alternatives(h.value):
            text = concrete_text(alt, route)
            if text is None or (text == "" and h.omit_if_empty):
                continue
            yield h, alt, text


def shown(alt: Alternative, text: str) -> str:
    """The value as the finding names it: the text, or its rendering when part
    of it is the request's Origin."""
    if any(isinstance(p, OriginRef) for p in alt.value.parts):
        return alt.value.render().strip(" \t")
    return text


def branches_with(route: Route, emission: HeaderEmission) -> list[Branch]:
    """Branches sending ``emission``, those answering GET first."""
    found = [b for b in route.branches if any(h.source == emission.source and h.raw == emission.raw
                                              for h in b.headers)]
    return sorted(found, key=lambda b: not (b.methods is None or "GET" in b.methods))


def judge(route: Route, branch: Branch | None, origin: str, text: str | None = None,
          credentials: bool = False):
    """(failure, request) for a request from ``origin`` answered by ``branch``.

    With ``text`` the verdict is about that ACAO value: when the branch's real
    answer does not carry exactly that one value (another origin test, a
    status the header is not sent on), a plain 200 answer carrying it is
    judged instead."""
    method, preflight = "GET", False
    if branch is not None and branch.methods is not None and "GET" not in branch.methods:
        others = sorted(m for m in branch.methods if m != "OPTIONS")
        if others:
            method = others[0]
        else:
            method, preflight = "PUT", True
    response = None
    if branch is not None:
        ans = answer_branch(branch, origin, credentials=credentials, preflight=preflight)
        response = ans.response
        if text is not None and response.get_all(ACAO) != [text]:
            response = None
    if response is None:
        headers = ((("Access-Control-Allow-Origin", text),) if text is not None else ())
        if credentials:
            headers += (("Access-Control-Allow-Credentials", "true"),)
        if preflight:
            headers += (("Access-Control-Allow-Methods", method),)
        response = engine.HttpResponse(204 if preflight else 200, headers)
    req = request(route, origin, method=method, credentials=credentials)
    failure = engine.check_preflight(req, response) if preflight else engine.check_cors(req, response)
    return failure, req


# ---------------------------------------------------------------- what was meant


_PORT = re.compile(r":[^/:@\]]*$")


def meant_origin(text: str) -> str | None:
    """The serialized origin an author evidently meant by a broken value."""
    for candidate in _readings(text.strip()):
        if candidate != text and engine.origin_value_problem(candidate) is None and candidate != "null":
            return candidate
    return None


def _readings(t: str) -> Iterator[str]:
    t = t.replace("*.", "app.").replace("*", "app")
    if "://" not in t and not re.match(r"(?i)(https?|wss?):", t):
        t = "https://" + t.lstrip("/")
    t = re.sub(r"(?i)^ws(s?):", lambda m: f"http{m.group(1)}:", t)
    for cand in (t, _strip_port(t)):
        parsed = engine.parse_origin(cand)
        if parsed is not None and not parsed.opaque:
            yield parsed.serialize()
        low = cand.lower()
        parsed = engine.parse_origin(low)
        if parsed is not None and not parsed.opaque:
            yield parsed.serialize()


def _strip_port(t: str) -> str:
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*:/*)([^/?#]*)(.*)$", t)
    if not m:
        return t
    return m.group(1) + _PORT.sub("", m.group(2)) + m.group(3)


# ---------------------------------------------------------------- the check


def _predicate(problem: str) -> str:
    """The engine's reason as the predicate of a sentence about the value."""
    if problem.startswith("port has "):
        return "has a port with " + problem[len("port has "):]
    if problem.startswith("port "):
        return "has a " + problem
    return problem


def check(model):
    seen: set[tuple] = set()
    for route in cors_routes(model):
        fallback = valid_page_origin(route)
        for h, alt, text in acao_texts(route):
            if text in ("*", "null") or len(engine.split_origins(text)) > 1:
                continue
            problem = engine.origin_value_problem(text)
            if problem is None:
                continue
            problem = _predicate(problem)
            where = alt.source(h)
            key = (where, text, problem)
            if key in seen:
                continue
            seen.add(key)
            meant = meant_origin(text) or fallback
            branches = branches_with(route, h)
            failure, req = judge(route, branches[0] if branches else None, meant, text)
            yield report(
                f"Access-Control-Allow-Origin value '{shown(alt, text)}' {problem}, so it never "
                f"equals the origin a browser sends (a page on {meant} is refused).",
                where, failure=failure, request=req, route=route,
                related=[h.source] if where != h.source else (),
            )
        yield from _exact_entries(route, seen)


def _exact_entries(route: Route, seen: set) -> Iterator:
    """Exact allowlist entries whose match is echoed as the ACAO value: the
    entry is what the header will say, so it must be a serialized origin."""
    for branch in route.branches:
        for h in branch.emissions(ACAO):
            alts = alternatives(h.value)
            reflected = [a for a in alts if a.is_pure_reflection]
            if not reflected:
                continue
            matchers = [a.entry.matcher for a in reflected if a.entry is not None]
            if any(a.entry is None for a in reflected):
                matchers += [t.matcher for t in branch.origin_tests if t.expect]
            for m in matchers:
                if m.is_regex or m.source is None:
                    continue
                pattern = m.pattern.lower() if m.flavour == "exact-nocase" else m.pattern
                pattern = engine.http.strip_ows(pattern)
                if pattern in ("*", "null", "") or len(engine.split_origins(pattern)) > 1:
                    continue
                problem = engine.origin_value_problem(pattern)
                if problem is None:
                    continue
                problem = _predicate(problem)
                key = (m.source, m.pattern, problem)
                if key in seen:
                    continue
                meant = meant_origin(pattern)
                if meant is None:
                    continue
                ans = answer(route, "GET", meant)
                if ans is None:
                    continue
                req = request(route, meant)
                failure = engine.check_cors(req, ans.response)
                if failure is None:
                    continue  # another entry lets the meant origin in
                seen.add(key)
                yield report(
                    f"Origin allowlist entry '{m.pattern}' {problem}: no browser sends that Origin, "
                    f"so {meant} never gets Access-Control-Allow-Origin.",
                    m.source, failure=failure, request=req, route=route, related=[h.source],
                )
