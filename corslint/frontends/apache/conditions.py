"""Conditions on a request (constant, on the Origin, opaque, and their
combinations), the values they choose between, and env variables whose
state depends on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from ...model import Choice, Lit, MapEntry, OriginMap, OriginMatcher, OriginTest, Value


@dataclass(frozen=True)
class ConstantCondition:
    """A condition decided statically: it always is ``value``."""

    value: bool


@dataclass(frozen=True)
class OriginCondition:
    """The request's Origin matches ``matcher`` (== expect)."""

    matcher: OriginMatcher
    expect: bool = True


@dataclass(frozen=True)
class OpaqueCondition:
    """A condition corslint cannot evaluate."""

    text: str


@dataclass(frozen=True)
class NotCondition:
    """``a`` does not hold."""

    a: "Condition"


@dataclass(frozen=True)
class AndCondition:
    """``a`` and ``b`` both hold."""

    a: "Condition"
    b: "Condition"


@dataclass(frozen=True)
class OrCondition:
    """``a`` or ``b`` holds."""

    a: "Condition"
    b: "Condition"


Condition = Union[ConstantCondition, OriginCondition, OpaqueCondition, NotCondition, AndCondition, OrCondition]
TRUE = ConstantCondition(True)
FALSE = ConstantCondition(False)


def negated(a: Condition) -> Condition:
    """Not ``a``, simplified."""
    if isinstance(a, ConstantCondition):
        return ConstantCondition(not a.value)
    if isinstance(a, NotCondition):
        return a.a
    if isinstance(a, OriginCondition):
        return OriginCondition(a.matcher, not a.expect)
    return NotCondition(a)


def both(a: Condition, b: Condition) -> Condition:
    """``a`` and ``b``, simplified where either is constant."""
    if a == FALSE or b == FALSE:
        return FALSE
    if a == TRUE:
        return b
    if b == TRUE:
        return a
    return AndCondition(a, b)


def either(a: Condition, b: Condition) -> Condition:
    """``a`` or ``b``, simplified where either is constant."""
    if a == TRUE or b == TRUE:
        return TRUE
    if a == FALSE:
        return b
    if b == FALSE:
        return a
    return OrCondition(a, b)


def reads_origin(c: Condition) -> bool:
    """``c`` tests the Origin somewhere (so httpd adds Vary: Origin)."""
    if isinstance(c, OriginCondition):
        return True
    if isinstance(c, NotCondition):
        return reads_origin(c.a)
    if isinstance(c, (AndCondition, OrCondition)):
        return reads_origin(c.a) or reads_origin(c.b)
    return False


EMPTY = Value((Lit(""),))


def if_then_else(c: Condition, x: Value, y: Value, *, opaque_choice: bool = False) -> Value:
    """The value that is ``x`` when ``c`` holds and ``y`` otherwise. A
    condition on the Origin becomes an Origin map; an opaque one is assumed to
    hold (or, with ``opaque_choice``, gives a Choice of both)."""
    if x == y:
        return x
    if isinstance(c, ConstantCondition):
        return x if c.value else y
    if isinstance(c, OpaqueCondition):
        return Value((Choice((x, y), c.text),)) if opaque_choice else x
    if isinstance(c, OrCondition):
        matchers = _any_origin_of(c)
        if matchers is not None and len(x.parts) == 1 and isinstance(x.parts[0], OriginMap) \
                and {e.matcher for e in x.parts[0].entries} == set(matchers):
            # the Origin matches one of the map's entries exactly when ``c`` holds
            omap = x.parts[0]
            return Value((OriginMap(omap.entries, y, omap.source),))
        if matchers is not None:
            # one map on all of them, rather than one nested map per matcher
            entries = tuple(MapEntry(m, assume(x, m, True)) for m in matchers)
            return Value((OriginMap(entries, y, matchers[0].source),))
    if isinstance(c, OriginCondition):
        hit, miss = (x, y) if c.expect else (y, x)
        hit, miss = assume(hit, c.matcher, True), assume(miss, c.matcher, False)
        if hit == miss:
            return hit
        return Value((OriginMap((MapEntry(c.matcher, hit),), miss, c.matcher.source),))
    if isinstance(c, NotCondition):
        return if_then_else(c.a, y, x, opaque_choice=opaque_choice)
    if isinstance(c, AndCondition):
        return if_then_else(c.a, if_then_else(c.b, x, y, opaque_choice=opaque_choice), y, opaque_choice=opaque_choice)
    return if_then_else(c.a, x, if_then_else(c.b, x, y, opaque_choice=opaque_choice), opaque_choice=opaque_choice)


def assume(v: Value, matcher: OriginMatcher, holds: bool) -> Value:
    """``v`` simplified for requests whose Origin does (or does not) match
    ``matcher``: entries of Origin maps on that matcher are decided."""
    parts: list = []
    changed = False
    for part in v.parts:
        new = _assume_part(part, matcher, holds)
        changed = changed or new != (part,)
        parts.extend(new)
    return Value(tuple(parts) or (Lit(""),)) if changed else v


def _assume_part(part, matcher: OriginMatcher, holds: bool) -> tuple:
    if isinstance(part, OriginMap):
        entries: list[MapEntry] = []
        default = part.default
        for e in part.entries:
            if e.matcher == matcher:
                if holds:
                    default = e.value   # no earlier entry matched: this one does
                    break
                continue                # never matches
            entries.append(MapEntry(e.matcher, assume(e.value, matcher, holds)))
        else:
            default = assume(default, matcher, holds)
        if holds and any(e.matcher == matcher for e in part.entries):
            default = assume(default, matcher, holds)
        if not entries:
            return default.parts
        return (OriginMap(tuple(entries), default, part.source),)
    if isinstance(part, Choice):
        return (Choice(tuple(assume(o, matcher, holds) for o in part.options), part.reason),)
    return (part,)


def fork(c: Condition) -> list[tuple[tuple[OriginTest, ...], tuple[str, ...], bool]]:
    """Split requests by ``c``: (origin tests, opaque conditions, c holds).

    Requests for which an opaque condition fails are the default: they carry
    no opaque marker (the way the nginx frontend treats an ``if`` it cannot
    evaluate), so every way of failing on opaque grounds is one result."""
    out: list[tuple[tuple[OriginTest, ...], tuple[str, ...], bool]] = []
    for tests, opaque, holds in _fork(c):
        if not holds:
            opaque = ()
        item = (tests, opaque, holds)
        if item not in out:
            out.append(item)
    return out


def _fork(c: Condition) -> list[tuple[tuple[OriginTest, ...], tuple[str, ...], bool]]:
    if isinstance(c, ConstantCondition):
        return [((), (), c.value)]
    if isinstance(c, OriginCondition):
        return [((OriginTest(c.matcher, c.expect),), (), True),
                ((OriginTest(c.matcher, not c.expect),), (), False)]
    if isinstance(c, OpaqueCondition):
        return [((), (c.text,), True), ((), (), False)]
    if isinstance(c, NotCondition):
        return [(t, o, not h) for t, o, h in _fork(c.a)]
    out = []
    for ta, oa, ha in _fork(c.a):
        if isinstance(c, AndCondition) and not ha:
            out.append((ta, oa, False))
        elif isinstance(c, OrCondition) and ha:
            out.append((ta, oa, True))
        else:
            for tb, ob, hb in _fork(c.b):
                out.append((ta + tb, oa + ob, hb))
    return out


# Origins no allowlist means to let in, and one every CORS request carries.
_PROBE_ORIGINS = ("https://evil.example", "http://attacker.test:8080", "null", "https://a.b.example")


def origin_condition(matcher: OriginMatcher, expect: bool = True) -> Condition:
    """A test on the Origin; one every origin passes (``.``, ``.+``) is simply
    true for CORS requests, which always carry an Origin."""
    if matcher.is_regex and matcher.compilable and all(matcher.matches(o) for o in _PROBE_ORIGINS):
        return ConstantCondition(expect)
    return OriginCondition(matcher, expect)


# An env variable's state: a Value (set), None (unset) or ("if_then_else", condition, a, b):
# ``a`` where the condition holds, ``b`` where it does not.
EnvTerm = Union[Value, None, tuple]


def env_if_then_else(c: Condition, a: EnvTerm, b: EnvTerm) -> EnvTerm:
    if a == b:
        return a
    if isinstance(c, ConstantCondition):
        return a if c.value else b
    return ("if_then_else", c, a, b)


# Links from which a chain of SetEnvIf Origin lines on one variable is read as
# one allowlist (one map, one "any of" condition) rather than one nested
# choice per line: a hundred lines nested deep take minutes, and overflow.
_FLAT_FROM = 8


def _origin_chain(t: EnvTerm) -> tuple[list[tuple[OriginMatcher, Value]], Value | None] | None:
    """``t`` as (matcher, value) links, latest first, and the value when none
    matches, when ``t`` is a long chain of plain values set on Origin matches
    (``SetEnvIf Origin ... VAR=...`` line after line); None otherwise."""
    links: list[tuple[OriginMatcher, Value]] = []
    while isinstance(t, tuple):
        _, c, a, b = t
        if not (isinstance(c, OriginCondition) and c.expect and isinstance(a, Value) and _plain(a)):
            return None
        links.append((c.matcher, a))
        t = b
    if len(links) < _FLAT_FROM or (t is not None and not _plain(t)):
        return None
    return links, t


def _plain(v: Value) -> bool:
    return not any(isinstance(p, (OriginMap, Choice)) for p in v.parts)


def _any_origin(matchers: list[OriginMatcher]) -> Condition:
    """The Origin matches one of ``matchers``: a balanced tree of ``or``."""
    if len(matchers) == 1:
        return OriginCondition(matchers[0])
    mid = len(matchers) // 2
    return OrCondition(_any_origin(matchers[:mid]), _any_origin(matchers[mid:]))


def _any_origin_of(c: Condition) -> list[OriginMatcher] | None:
    """The matchers of a condition built by :func:`_any_origin` from a long
    chain; None for any other condition."""
    found: list[OriginMatcher] = []
    todo = [c]
    while todo:
        c = todo.pop()
        if isinstance(c, OrCondition):
            todo += (c.b, c.a)
        elif isinstance(c, OriginCondition) and c.expect:
            found.append(c.matcher)
        else:
            return None
    return found if len(found) >= _FLAT_FROM else None


def _first_entries(links: list[tuple[OriginMatcher, Value]]) -> list[MapEntry]:
    seen: set[OriginMatcher] = set()
    out = []
    for m, v in links:
        if m not in seen:
            seen.add(m)
            out.append(MapEntry(m, v))
    return out


def env_isset(t: EnvTerm) -> Condition:
    if t is None:
        return FALSE
    if isinstance(t, Value):
        return TRUE
    chain = _origin_chain(t)
    if chain is not None:
        links, rest = chain
        return TRUE if rest is not None else _any_origin([e.matcher for e in _first_entries(links)])
    _, c, a, b = t
    return either(both(c, env_isset(a)), both(negated(c), env_isset(b)))


def env_value(t: EnvTerm, unset: str) -> Value:
    if t is None:
        return Value.literal(unset)
    if isinstance(t, Value):
        return t
    chain = _origin_chain(t)
    if chain is not None:
        links, rest = chain
        default = env_value(rest, unset)
        entries = _first_entries(links)
        if all(e.value == default for e in entries):
            return default
        return Value((OriginMap(tuple(entries), default, links[0][0].source),))
    _, c, a, b = t
    return if_then_else(c, env_value(a, unset), env_value(b, unset), opaque_choice=True)
