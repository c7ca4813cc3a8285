"""Small helpers on httpd's regexes and header values: PCRE read as Python,
values concatenated and extended (Header append/merge), what a capture group
of an Origin regex holds."""

from __future__ import annotations

import re

from ... import regexlang
from ...regexlang import pcre_to_python
from ...model import Choice, Lit, MapEntry, OriginMap, OriginMatcher, Source, Unknown, Value
from .conditions import EMPTY


def regex_search(pattern: str, text: str, nocase: bool = False):
    """The config regex's first match in ``text``, or None; run with bounded
    cost (a pattern beyond corslint's limits matches nothing)."""
    return regexlang.bounded(pcre_to_python(pattern), nocase, True).run("search", text)


def valid_regex(pattern: str) -> bool:
    try:
        re.compile(pcre_to_python(pattern))
        return True
    except (re.error, RecursionError, OverflowError):
        return False


def concat(*values: Value) -> Value:
    parts: list = []
    for v in values:
        for p in v.parts:
            if parts and isinstance(p, Lit) and isinstance(parts[-1], Lit):
                parts[-1] = Lit(parts[-1].text + p.text)
            else:
                parts.append(p)
    parts = [p for p in parts if not (isinstance(p, Lit) and p.text == "")] or [Lit("")]
    return Value(tuple(parts))


def extend_value(old: Value, new: Value, merge: bool) -> Value:
    """``Header append``/``merge``: ``old, new`` wherever the header is there,
    ``new`` where it is not; ``merge`` leaves a value that already lists ``new``."""
    if len(old.parts) == 1 and isinstance(old.parts[0], OriginMap):
        omap = old.parts[0]
        return Value((OriginMap(tuple(MapEntry(e.matcher, extend_value(e.value, new, merge)) for e in omap.entries),
                                extend_value(omap.default, new, merge), omap.source),))
    if len(old.parts) == 1 and isinstance(old.parts[0], Choice):
        choice = old.parts[0]
        return Value((Choice(tuple(extend_value(o, new, merge) for o in choice.options), choice.reason),))
    if old == EMPTY:
        return new
    text, add = old.literal_text, new.literal_text
    if merge and text is not None and add is not None and \
            add.strip().lower() in [t.strip().lower() for t in text.split(",")]:
        return old
    return concat(old, Value.literal(", "), new)


def capture_value(pattern: str, group: int, nocase: bool,
                  source: Source) -> tuple[OriginMatcher, Value, OriginMatcher | None]:
    """What `$N` (SetEnvIf) or `%N` (RewriteCond) holds after ``pattern``
    matched the Origin: (matcher for origins where it is the whole Origin,
    OriginRef, matcher for the rest whose value is only a part of it)."""
    search = OriginMatcher(pcre_to_python(pattern), "pcre-search", nocase, source)
    rx = search.compiled()
    if rx is None:
        return search, Value((Unknown("part of the Origin"),)), None
    # The group is the whole Origin when the match covers the whole string
    # and the group covers the match; `^...$` with the group around it all.
    full = OriginMatcher(pcre_to_python(pattern), "python-fullmatch", nocase, source)
    spans = _group_spans_match(pattern, group)
    if not spans:
        return search, Value((Unknown(f"part of the Origin matched by {pattern}"),)), None
    anchored = pattern.startswith("^") and (pattern.endswith("$") and not pattern.endswith("\\$"))
    if anchored:
        return search, Value.origin(), None
    return full, Value.origin(), search


def _group_spans_match(pattern: str, group: int) -> bool:
    if group == 0:
        return True
    body = pattern
    if body.startswith("^"):
        body = body[1:]
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    if group != 1 or not body.startswith("(") or body.startswith("(?:") or body.startswith("(?="):
        return False
    depth = 0
    for i, ch in enumerate(body):
        if ch == "\\":
            continue
        if ch == "(" and (i == 0 or body[i - 1] != "\\"):
            depth += 1
        elif ch == ")" and body[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i == len(body) - 1
    return False
