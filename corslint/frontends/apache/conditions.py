"""Conditions on a request (constant, on the Origin, opaque, and their
combinations), the values they choose between, and env variables whose
state depends on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from ...model import Choice, Lit, MapEntry, OriginMap, OriginMatcher, OriginTest, Value


@dataclass(frozen=True)
class CConst:
    value: bool


@dataclass(frozen=True)
class COrigin:
    """The request's Origin matches ``matcher`` (== expect)."""

    matcher: OriginMatcher
    expect: bool = True


@dataclass(frozen=True)
class COpaque:
    """A condition corslint cannot evaluate."""

    text: str


@dataclass(frozen=True)
class CNot:
    a: "Cond"


@dataclass(frozen=True)
class CAnd:
    a: "Cond"
    b: "Cond"


@dataclass(frozen=True)
class COr:
    a: "Cond"
    b: "Cond"


Cond = Union[CConst, COrigin, COpaque, CNot, CAnd, COr]
TRUE = CConst(True)
FALSE = CConst(False)


def c_not(a: Cond) -> Cond:
    if isinstance(a, CConst):
        return CConst(not a.value)
    if isinstance(a, CNot):
        return a.a
    if isinstance(a, COrigin):
        return COrigin(a.matcher, not a.expect)
    return CNot(a)


def c_and(a: Cond, b: Cond) -> Cond:
    if a == FALSE or b == FALSE:
        return FALSE
    if a == TRUE:
        return b
    if b == TRUE:
        return a
    return CAnd(a, b)


def c_or(a: Cond, b: Cond) -> Cond:
    if a == TRUE or b == TRUE:
        return TRUE
    if a == FALSE:
        return b
    if b == FALSE:
        return a
    return COr(a, b)


def reads_origin(c: Cond) -> bool:
    if isinstance(c, COrigin):
        return True
    if isinstance(c, CNot):
        return reads_origin(c.a)
    if isinstance(c, (CAnd, COr)):
        return reads_origin(c.a) or reads_origin(c.b)
    return False


EMPTY = Value((Lit(""),))


def ite(c: Cond, x: Value, y: Value, *, opaque_choice: bool = False) -> Value:
    """The value that is ``x`` when ``c`` holds and ``y`` otherwise. A
    condition on the Origin becomes an Origin map; an opaque one is assumed to
    hold (or, with ``opaque_choice``, gives a Choice of both)."""
    if x == y:
        return x
    if isinstance(c, CConst):
        return x if c.value else y
    if isinstance(c, COpaque):
        return Value((Choice((x, y), c.text),)) if opaque_choice else x
    if isinstance(c, COrigin):
        hit, miss = (x, y) if c.expect else (y, x)
        hit, miss = assume(hit, c.matcher, True), assume(miss, c.matcher, False)
        if hit == miss:
            return hit
        return Value((OriginMap((MapEntry(c.matcher, hit),), miss, c.matcher.source),))
    if isinstance(c, CNot):
        return ite(c.a, y, x, opaque_choice=opaque_choice)
    if isinstance(c, CAnd):
        return ite(c.a, ite(c.b, x, y, opaque_choice=opaque_choice), y, opaque_choice=opaque_choice)
    return ite(c.a, x, ite(c.b, x, y, opaque_choice=opaque_choice), opaque_choice=opaque_choice)


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


def fork(c: Cond) -> list[tuple[tuple[OriginTest, ...], tuple[str, ...], bool]]:
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


def _fork(c: Cond) -> list[tuple[tuple[OriginTest, ...], tuple[str, ...], bool]]:
    if isinstance(c, CConst):
        return [((), (), c.value)]
    if isinstance(c, COrigin):
        return [((OriginTest(c.matcher, c.expect),), (), True),
                ((OriginTest(c.matcher, not c.expect),), (), False)]
    if isinstance(c, COpaque):
        return [((), (c.text,), True), ((), (), False)]
    if isinstance(c, CNot):
        return [(t, o, not h) for t, o, h in _fork(c.a)]
    out = []
    for ta, oa, ha in _fork(c.a):
        if isinstance(c, CAnd) and not ha:
            out.append((ta, oa, False))
        elif isinstance(c, COr) and ha:
            out.append((ta, oa, True))
        else:
            for tb, ob, hb in _fork(c.b):
                out.append((ta + tb, oa + ob, hb))
    return out


# Origins no allowlist means to let in, and one every CORS request carries.
_PROBE_ORIGINS = ("https://evil.example", "http://attacker.test:8080", "null", "https://a.b.example")


def origin_cond(matcher: OriginMatcher, expect: bool = True) -> Cond:
    """A test on the Origin; one every origin passes (``.``, ``.+``) is simply
    true for CORS requests, which always carry an Origin."""
    if matcher.is_regex and matcher.compilable and all(matcher.matches(o) for o in _PROBE_ORIGINS):
        return CConst(expect)
    return COrigin(matcher, expect)


# An env variable's state: a Value (set), None (unset) or ("ite", cond, a, b).
EnvTerm = Union[Value, None, tuple]


def env_ite(c: Cond, a: EnvTerm, b: EnvTerm) -> EnvTerm:
    if a == b:
        return a
    if isinstance(c, CConst):
        return a if c.value else b
    return ("ite", c, a, b)


def env_isset(t: EnvTerm) -> Cond:
    if t is None:
        return FALSE
    if isinstance(t, Value):
        return TRUE
    _, c, a, b = t
    return c_or(c_and(c, env_isset(a)), c_and(c_not(c), env_isset(b)))


def env_value(t: EnvTerm, unset: str) -> Value:
    if t is None:
        return Value.literal(unset)
    if isinstance(t, Value):
        return t
    _, c, a, b = t
    return ite(c, env_value(a, unset), env_value(b, unset), opaque_choice=True)
