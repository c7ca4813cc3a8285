"""Value.alternatives / Value.sourced_alternatives: the one expansion of a
header value into the values it can take, worked out once by the model."""

from __future__ import annotations

import dataclasses

from corslint.model import Choice, Lit, MapEntry, OriginMap, OriginMatcher, OriginRef, Source, Value


def _entry(pattern: str, value: Value, line: int) -> MapEntry:
    return MapEntry(OriginMatcher(pattern, "exact", source=Source("nginx.conf", line)), value)


A = Value.literal("https://a.example")
ALLOWLIST = OriginMap(
    entries=(_entry("https://a.example", A, 2), _entry("https://b.example", A, 3),
             _entry("https://c.example", Value.origin(), 4)),
    default=Value.literal(""), source=Source("nginx.conf", 1), default_source=Source("nginx.conf", 5))


def test_sourced_alternatives_keep_one_per_entry_with_its_source():
    value = Value((ALLOWLIST,))
    alts = value.sourced_alternatives()
    assert [a.value for a in alts] == [A, A, Value.origin(), Value.literal("")]
    assert [a.entry.matcher.source.line if a.entry else None for a in alts] == [2, 3, 4, None]
    assert alts[3].omap is ALLOWLIST  # the map's default
    assert alts[2].is_pure_reflection and not alts[0].is_pure_reflection


def test_alternatives_are_distinct_values():
    value = Value((Lit("x-"), Choice((Value((ALLOWLIST,)), A), "by host")))
    assert value.alternatives() == (
        Value((Lit("x-"), Lit("https://a.example"))),
        Value((Lit("x-"), OriginRef())),
        Value((Lit("x-"), Lit(""))),
    )


def test_expansions_are_immutable_and_worked_out_once():
    value = Value((ALLOWLIST,))
    assert isinstance(value.alternatives(), tuple)
    assert isinstance(value.sourced_alternatives(), tuple)
    assert value.alternatives() is value.alternatives()
    assert value.sourced_alternatives() is value.sourced_alternatives()
    assert dataclasses.is_dataclass(value.sourced_alternatives()[0])
    # the cache is no part of the value: equal values stay equal and hash alike
    fresh = Value((ALLOWLIST,))
    assert fresh == value and hash(fresh) == hash(value)


def test_combinations_are_capped():
    many = OriginMap(entries=tuple(_entry(f"https://{i}.example", Value.literal(str(i)), i) for i in range(20)),
                     default=Value.literal(""))
    value = Value((many, Lit("/"), many))
    assert len(value.sourced_alternatives()) == 64
    assert len(value.alternatives()) == 64
