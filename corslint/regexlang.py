"""Regexes read as text: the parse tree of an allowlist pattern, and the exact
list of texts a pattern accepts when it stands for a short list.

Most origin allowlists are written as ``^https://(www|api)\\.example\\.com$``:
a handful of literal origins in regex form. For those the list itself
answers every "does it match?" (no regex engine, no compilation), and the
allowlist analysis knows at once that nothing else gets in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import memo

try:  # Python 3.11+: the regex parser behind ``re``
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older layouts
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

MAX_LANGUAGE = 64         # strings an enumerable pattern may stand for

REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT} | ({getattr(_sre, "POSSESSIVE_REPEAT")}
                                                  if hasattr(_sre, "POSSESSIVE_REPEAT") else set())


def pcre_to_python(pattern: str) -> str:
    """A config's PCRE pattern as Python's re reads it: named groups
    `(?<name>` are `(?P<name>`."""
    return re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)


@memo.per_run
def parse_tree(pattern: str):
    """The pattern's parse tree (read, never changed), or None. The risk
    check, the samples and the exact language all start from it: parsed
    once a run."""
    try:
        return _sre_parse.parse(pattern)
    except Exception:
        return None


def flags_case(flags: int, ignore_case: bool) -> bool:
    return ignore_case or bool(flags & _sre.SRE_FLAG_IGNORECASE)


@dataclass(frozen=True)
class ExactLanguage:
    """Every text a matcher accepts: ``words``, lowercased when the match
    ignores case."""

    words: frozenset[str]
    ignore_case: bool

    def says(self, text: str) -> bool | None:
        """Whether the matcher accepts ``text``; None when only the matcher
        can say (a newline, which ``$`` may match before, or non-ASCII)."""
        if "\n" in text or not text.isascii():
            return None
        return (text.lower() if self.ignore_case else text) in self.words


@memo.per_run
def language(pattern: str, flavour: str, ignore_case: bool) -> ExactLanguage | None:
    """Every text the regex ``pattern`` accepts under ``flavour``'s matching
    rule, when that is a short list: literals, alternatives, small character
    classes and bounded repeats, anchored at both ends by the engine's rule.
    None for anything else (wildcards, an open end, lookarounds, non-ASCII,
    a pattern that does not compile)."""
    words = _plain_words(pattern, flavour)
    ic = ignore_case
    if words is None:
        found = _tree_words(pattern, flavour, ignore_case)
        if found is not None:
            words, ic = found
    if words is None:
        return None
    return ExactLanguage(frozenset(w.lower() for w in words) if ic else frozenset(words), ic)


# ---------------------------------------------------------------- the common shape, read directly

# Literal characters and escaped punctuation, and groups of alternatives made
# of them: ``^https://(www|api)\.example\.com$``. Anything else (classes,
# repeats, flags, nesting, an unescaped dot) goes to the regex parser.
_CHAR = r"(?:[A-Za-z0-9:/_,=@%!~&;'\"<>#`-]|\\[.\-/:])"
_GROUP = rf"\((?:\?:)?{_CHAR}+(?:\|{_CHAR}+)*\)"
_PLAIN = re.compile(rf"(\^?)((?:{_CHAR}|{_GROUP})*)(\$?)")
_PIECE = re.compile(rf"{_GROUP}|{_CHAR}+")
_ESCAPE = re.compile(r"\\(.)")


def _plain_words(pattern: str, flavour: str) -> set[str] | None:
    """The texts a pattern of the common shape matches, read without the
    regex parser; None when the pattern is not of that shape (then the parse
    tree decides)."""
    m = _PLAIN.fullmatch(pattern)
    if m is None:
        return None
    begins, body, ends = m.groups()
    if not (begins or flavour in ("python-match", "python-fullmatch")):
        return None  # a search can start anywhere
    if not (ends or flavour == "python-fullmatch"):
        return None  # open at the end
    out = {""}
    for piece in _PIECE.findall(body):
        if piece.startswith("("):
            inner = piece[3:-1] if piece.startswith("(?:") else piece[1:-1]
            options = {_ESCAPE.sub(r"\1", alt) for alt in inner.split("|")}
        else:
            options = {_ESCAPE.sub(r"\1", piece)}
        out = {a + b for a in out for b in options}
        if len(out) > MAX_LANGUAGE:
            return None
    return out


# ---------------------------------------------------------------- any shape, from the parse tree


def _tree_words(pattern: str, flavour: str, ignore_case: bool) -> tuple[set[str], bool] | None:
    tree = parse_tree(pattern)
    if tree is None:
        return None
    items = list(tree)
    ic = flags_case(tree.state.flags, ignore_case)
    begins = (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING)
    ends = (_sre.AT_END, _sre.AT_END_STRING)
    if items and items[0][0] is _sre.AT and items[0][1] in begins:
        items = items[1:]
    elif flavour not in ("python-match", "python-fullmatch"):
        return None  # a search can start anywhere
    if items and items[-1][0] is _sre.AT and items[-1][1] in ends:
        items = items[:-1]
    elif flavour != "python-fullmatch":
        return None  # open at the end
    words = _words(items, ic)
    if words is None or not all(w.isascii() for w in words):
        return None  # non-ASCII case folding is the engine's business
    return words, ic


def _words(items, ic: bool) -> set[str] | None:
    """The texts a sequence of regex items matches, or None (not a short list)."""
    out = {""}
    for op, av in items:
        options = _word_options(op, av, ic)
        if options is None:
            return None
        out = {a + b for a in out for b in options}
        if len(out) > MAX_LANGUAGE:
            return None
    return out


def _word_options(op, av, ic: bool) -> set[str] | None:
    if op is _sre.LITERAL:
        return {chr(av)}
    if op is _sre.IN:
        chars: set[str] = set()
        for iop, iav in av:
            if iop is _sre.LITERAL:
                chars.add(chr(iav))
            elif iop is _sre.RANGE and iav[1] - iav[0] < 16:
                chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
            else:
                return None  # a negation, a category or a wide range
        return chars
    if op is _sre.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        if (add_flags | del_flags) & _sre.SRE_FLAG_IGNORECASE:
            return None  # case rules that change inside the pattern
        return _words(body, ic)
    if op is _sre.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            words = _words(alt, ic)
            if words is None:
                return None
            out |= words
        return out
    if op in REPEATS:
        lo, hi, body = av
        if hi > 4:
            return None
        words = _words(body, ic)
        if words is None:
            return None
        out = set()
        for n in range(lo, hi + 1):
            repeated = {""}
            for _ in range(n):
                repeated = {a + b for a in repeated for b in words}
                if len(repeated) > MAX_LANGUAGE:
                    return None
            out |= repeated
        return out
    return None  # any character, anchors inside, lookarounds, references


# ---------------------------------------------------------------- running a config's regex, bounded

# A config's regex runs in RE2 (linear time) whenever RE2 takes it. What RE2
# refuses (lookarounds, backreferences) runs in Python's backtracking engine
# only when the pattern's shape bounds the work: few open-ended repeats, none
# inside another, on a subject no longer than an origin or a path gets. A
# pattern past that bound is not run at all: it is "beyond corslint's limits".
MAX_BACKTRACK_SUBJECT = 512     # longest text the backtracking fallback runs on
_OPEN = 16                      # a repeat with more freedom than this counts as open-ended
_MAX_OPEN = 2                   # open-ended repeats (an unanchored search counts as one)
_MAX_BRANCHES = 4


@dataclass(frozen=True)
class BoundedRegex:
    """A config's regex, compiled so that every match ends in bounded time.
    ``engine`` is None when the pattern is beyond the bound (then ``limit``
    says why) or does not compile at all (``limit`` empty)."""

    engine: object | None
    backtracking: bool = False
    limit: str = ""

    def run(self, how: str, text: str):
        """``search``, ``match`` or ``fullmatch`` on ``text``: the match or None."""
        if self.engine is None:
            return None
        if self.backtracking and len(text) > MAX_BACKTRACK_SUBJECT:
            return None  # a text no origin or path is: not worth minutes of backtracking
        return getattr(self.engine, how)(text)


@memo.per_run
def bounded(pattern: str, ignore_case: bool = False, prefer_python: bool = False) -> BoundedRegex:
    """``pattern`` compiled to run with bounded cost. ``prefer_python``: run
    it in Python's re when its shape is safe there (the engine its callers
    always used: same answers to the byte), RE2 otherwise."""
    flags = re.IGNORECASE if ignore_case else 0
    try:
        python = re.compile(pattern, flags)
    except (re.error, OverflowError, RecursionError, ValueError):
        python = None
    if python is None:
        return BoundedRegex(None)  # what Python's re rejects matches nothing, as it always did
    limit = backtracking_limit(pattern)
    if prefer_python and not limit:
        return BoundedRegex(python, backtracking=True)
    linear = _re2(pattern, ignore_case)
    if linear is not None:
        return BoundedRegex(linear)
    if limit:
        return BoundedRegex(None, limit=limit)
    return BoundedRegex(python, backtracking=True)


def _re2(pattern: str, ignore_case: bool):
    try:
        import re2  # google-re2: imported on the first regex only

        options = re2.Options()
        options.log_errors = False
        options.case_sensitive = not ignore_case
        return re2.compile(pattern, options)
    except Exception:  # ImportError, or a pattern RE2 rejects
        return None


@memo.per_run
def backtracking_limit(pattern: str) -> str:
    """Why a backtracking engine may take far too long on ``pattern`` (for
    the words "could not be analysed within corslint's limits: ..."), or ""
    when its work is bounded: at most two open-ended repeats (an unanchored
    start counts as one), none nested in another repeat, few alternations."""
    tree = parse_tree(pattern)
    if tree is None:
        return ""
    items = list(tree)
    counts = {"open": 0, "branches": 0, "nested": False}
    _count(items, counts, inside=False)
    if not (items and items[0][0] is _sre.AT and items[0][1] in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING)):
        counts["open"] += 1
    if not counts["nested"] and counts["open"] <= _MAX_OPEN and counts["branches"] <= _MAX_BRANCHES:
        return ""
    what = _linear_engine_lacks(items) or "a construct RE2 lacks"
    if counts["nested"]:
        return f"{what} with nested quantifiers"
    if counts["open"] > _MAX_OPEN:
        return f"{what} with {counts['open']} open-ended repeats"
    return f"{what} with {counts['branches']} alternations"


def _count(items, counts: dict, inside: bool) -> None:
    for op, av in items:
        if op in REPEATS:
            lo, hi, body = av
            open_ended = hi - lo > _OPEN
            if open_ended:
                if inside:
                    counts["nested"] = True
                counts["open"] += 1
            _count(body, counts, inside or open_ended)
        elif op is _sre.SUBPATTERN:
            _count(av[3], counts, inside)
        elif op is _sre.BRANCH:
            if inside:
                counts["nested"] = True
            counts["branches"] += 1
            for alt in av[1]:
                _count(alt, counts, inside)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            _count(av[1], counts, inside)
        elif op is getattr(_sre, "ATOMIC_GROUP", None):
            _count(av, counts, inside)


def _linear_engine_lacks(items) -> str:
    """The first construct in ``items`` a linear-time engine cannot run."""
    for op, av in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT):
            return "lookbehind" if av[0] < 0 else "lookahead"
        if op in (_sre.GROUPREF, getattr(_sre, "GROUPREF_EXISTS", None)):
            return "backreference"
        inner = []
        if op in REPEATS:
            inner = av[2]
        elif op is _sre.SUBPATTERN:
            inner = av[3]
        elif op is _sre.BRANCH:
            for alt in av[1]:
                found = _linear_engine_lacks(alt)
                if found:
                    return found
        found = _linear_engine_lacks(inner) if inner else ""
        if found:
            return found
    return ""


# ---------------------------------------------------------------- a regex that matches every text

# The characters a request path or header value can hold once nginx has
# decoded it: every byte but the newline (which ends a request line, and
# which `.` and `$` treat apart). nginx runs PCRE without UTF mode, so a
# class like \w is ASCII and case folds only ASCII letters.
_SUBJECT_BYTES = tuple(c for c in range(256) if c != 0x0A)
_MAX_STATES = 4096          # subsets explored before the answer is "not shown"
_MAX_UNROLL = 32            # copies a counted repeat {n,m} is unrolled into
_MAX_WORK = 400_000         # automaton states stepped through before giving up

_CATEGORY_BYTES = {
    _sre.CATEGORY_DIGIT: frozenset(range(0x30, 0x3A)),
    _sre.CATEGORY_WORD: frozenset([*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B), 0x5F]),
    _sre.CATEGORY_SPACE: frozenset([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20]),
}
_ALL = frozenset(_SUBJECT_BYTES)


class _Unsupported(Exception):
    """A construct whose language the automaton below does not model."""


class _Automaton:
    """A Thompson automaton over bytes: ``edges[s]`` lists (bytes, next),
    ``empty[s]`` lists (guard, next) with guard None, "begin" or "end"."""

    def __init__(self, ignore_case: bool):
        self.edges: list[list[tuple[frozenset[int], int]]] = []
        self.empty: list[list[tuple[str | None, int]]] = []
        self.ignore_case = ignore_case

    def state(self) -> int:
        self.edges.append([])
        self.empty.append([])
        if len(self.edges) > _MAX_STATES:
            raise _Unsupported("too large")
        return len(self.edges) - 1

    def fold(self, chars: frozenset[int]) -> frozenset[int]:
        if not self.ignore_case:
            return chars
        extra = {c ^ 0x20 for c in chars if 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A}
        return chars | extra

    def build(self, items, start: int) -> int:
        at = start
        for op, av in items:
            at = self.item(op, av, at)
        return at

    def item(self, op, av, at: int) -> int:
        if op is _sre.LITERAL:
            return self.char(self.fold(frozenset([av])), at)
        if op is _sre.NOT_LITERAL:
            return self.char(_ALL - self.fold(frozenset([av])), at)
        if op is _sre.ANY:
            return self.char(_ALL, at)  # every subject byte but the newline
        if op is _sre.IN:
            return self.char(self.char_class(av), at)
        if op is _sre.AT:
            guard = {_sre.AT_BEGINNING: "begin", _sre.AT_BEGINNING_STRING: "begin",
                     _sre.AT_END: "end", _sre.AT_END_STRING: "end"}.get(av)
            if guard is None:
                raise _Unsupported("word boundary")
            nxt = self.state()
            self.empty[at].append((guard, nxt))
            return nxt
        if op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if (add_flags | del_flags) & _sre.SRE_FLAG_IGNORECASE:
                raise _Unsupported("case rule changed inside")
            return self.build(body, at)
        if op is _sre.BRANCH:
            end = self.state()
            for alt in av[1]:
                first = self.state()
                self.empty[at].append((None, first))
                self.empty[self.build(alt, first)].append((None, end))
            return end
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):  # greed changes which match, not whether
            lo, hi, body = av
            if lo > _MAX_UNROLL or (hi != _sre.MAXREPEAT and hi > _MAX_UNROLL):
                raise _Unsupported("long counted repeat")
            for _ in range(lo):
                at = self.build(body, at)
            if hi == _sre.MAXREPEAT:
                loop = self.state()
                self.empty[at].append((None, loop))
                self.empty[self.build(body, loop)].append((None, loop))
                return loop
            end = self.state()
            for _ in range(hi - lo):
                self.empty[at].append((None, end))
                at = self.build(body, at)
            self.empty[at].append((None, end))
            return end
        raise _Unsupported(str(op))  # lookarounds, backreferences, atomic and possessive forms

    def char(self, chars: frozenset[int], at: int) -> int:
        nxt = self.state()
        self.edges[at].append((chars, nxt))
        return nxt

    def char_class(self, items) -> frozenset[int]:
        chars: set[int] = set()
        negate = False
        for op, av in items:
            if op is _sre.NEGATE:
                negate = True
            elif op is _sre.LITERAL:
                chars.add(av)
            elif op is _sre.RANGE:
                chars.update(range(av[0], min(av[1], 255) + 1))
            elif op is _sre.CATEGORY:
                positive = {_sre.CATEGORY_NOT_DIGIT: _sre.CATEGORY_DIGIT, _sre.CATEGORY_NOT_WORD: _sre.CATEGORY_WORD,
                            _sre.CATEGORY_NOT_SPACE: _sre.CATEGORY_SPACE}
                if av in _CATEGORY_BYTES:
                    chars |= _CATEGORY_BYTES[av]
                elif av in positive:
                    chars |= set(range(256)) - _CATEGORY_BYTES[positive[av]]
                else:
                    raise _Unsupported("category")
            else:
                raise _Unsupported("class item")
        folded = self.fold(frozenset(c for c in chars if c < 256))
        return (_ALL - folded) if negate else (folded & _ALL)

    def closure(self, states, begin: bool, end: bool) -> frozenset[int]:
        seen = set(states)
        stack = list(states)
        while stack:
            s = stack.pop()
            for guard, nxt in self.empty[s]:
                if nxt in seen or (guard == "begin" and not begin) or (guard == "end" and not end):
                    continue
                seen.add(nxt)
                stack.append(nxt)
        return frozenset(seen)


@memo.per_run
def matches_every_text(pattern: str, starting_with: str = "", ignore_case: bool = False) -> bool:
    """Whether a search for PCRE ``pattern`` finds a match in every text
    that begins with ``starting_with`` (and holds no newline), as nginx runs
    it: ``/(.*)``, ``^``, ``.*`` and ``^/(.*)$`` on a request path, which
    always starts with '/'. Decided on the pattern's automaton, not its
    spelling; False whenever that is not shown (lookarounds,
    backreferences, a pattern Python cannot parse, an automaton too large)."""
    tree = parse_tree(pattern)
    if tree is None:
        return False
    auto = _Automaton(flags_case(tree.state.flags, ignore_case))
    try:
        start = auto.state()
        final = auto.build(list(tree), start)
    except (_Unsupported, RecursionError):
        return False
    # Bytes no part of the pattern tells apart make one class: explore one of each.
    sets = {chars for edges in auto.edges for chars, _ in edges}
    classes: dict[tuple, int] = {}
    for c in _SUBJECT_BYTES:
        classes.setdefault(tuple(c in chars for chars in sets), c)
    representatives = tuple(classes.values())

    def step(states: frozenset[int], byte: int) -> frozenset[int]:
        moved = {nxt for s in states for chars, nxt in auto.edges[s] if byte in chars}
        moved.add(start)  # a search tries a match from every position
        return auto.closure(moved, begin=False, end=False)

    def accepted(states: frozenset[int], at_start: bool) -> bool:
        return final in auto.closure(states, begin=at_start, end=True)

    current = auto.closure({start}, begin=True, end=False)
    if final in current:
        return True  # matches the empty text at the start: every text
    for ch in starting_with:
        if ord(ch) > 255 or ch == "\n":
            return False
        current = step(current, ord(ch))
        if final in current:
            return True
    # every text with the prefix: explore each subset reachable from here
    todo = [current]
    seen = {current}
    work = 0
    while todo:
        states = todo.pop()
        work += len(states) * len(representatives)
        if work > _MAX_WORK:
            return False  # bounded cost: not shown
        if final in states:
            continue  # a match found: every continuation is a match too
        if not accepted(states, at_start=not starting_with and states is current):
            return False
        for byte in representatives:
            nxt = step(states, byte)
            if nxt not in seen:
                if len(seen) >= _MAX_STATES:
                    return False
                seen.add(nxt)
                todo.append(nxt)
    return True
# ---------------------------------------------------------------- a text a pattern matches

_READABLE = "xabcdefghijklmnopqrstuvwyz0123456789-_/."
_MAX_WITNESS = 256


def witness(pattern: str, ignore_case: bool = False, start: str = "") -> str | None:
    """A short readable text the regex ``pattern`` finds (a search), built
    from its parse tree and checked by running the pattern on it: each
    alternation's first branch, a wildcard filled with one letter, a repeat
    at its least count (once where it may be once). ``start``: the text
    should begin with it (e.g. "/" for a request path); an unanchored
    pattern gets it put in front. None when no such text is found."""
    tree = parse_tree(pattern)
    if tree is None:
        return None
    rx = bounded(pattern, ignore_case)
    built = _Witness(flags_case(tree.state.flags, ignore_case)).seq(list(tree))
    candidates = []
    if built is not None:
        # an unanchored pattern matches after a start: a name before a suffix
        candidates += [built, start + ("x" if built.startswith(".") else "") + built]
    for text in dict.fromkeys(candidates):
        if len(text) <= _MAX_WITNESS and text.startswith(start) and rx.run("search", text) is not None:
            return text
    return None


class _Witness:
    def __init__(self, ignore_case: bool):
        self.ignore_case = ignore_case
        self.groups: dict[int, str] = {}

    def seq(self, items) -> str | None:
        out = []
        length = 0
        for op, av in items:
            text = self.node(op, av)
            if text is None:
                return None
            length += len(text)
            if length > _MAX_WITNESS:
                return None   # nested repeats multiply: past the bound, no witness
            out.append(text)
        return "".join(out)

    def node(self, op, av) -> str | None:
        if op is _sre.LITERAL:
            return chr(av)
        if op is _sre.NOT_LITERAL:
            return next(c for c in _READABLE if ord(c) != av)
        if op in (_sre.ANY, getattr(_sre, "ANY_ALL", _sre.ANY)):
            return "x"
        if op is _sre.IN:
            return self._class(av)
        if op in REPEATS:
            lo, hi, body = av
            count = lo if lo > 0 else (1 if hi >= 1 and self._open(body) else 0)
            if count > _MAX_WITNESS:
                return None
            one = self.seq(body)
            if one is None or len(one) * count > _MAX_WITNESS:
                return None
            return one * count
        if op is _sre.SUBPATTERN:
            group, _add, _del, body = av
            text = self.seq(body)
            if text is not None and group:
                self.groups[group] = text
            return text
        if op is _sre.BRANCH:
            for alt in av[1]:
                text = self.seq(alt)
                if text is not None:
                    return text
            return None
        if op is getattr(_sre, "ATOMIC_GROUP", None):
            return self.seq(av)
        if op is _sre.GROUPREF:
            return self.groups.get(av)
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            return ""  # the check by running the pattern decides
        return None

    @staticmethod
    def _open(body) -> bool:
        """A repeat of one wildcard (``.*``, ``[^/]*``): filled once, so the
        text shows where something goes."""
        return len(body) == 1 and body[0][0] in (_sre.ANY, getattr(_sre, "ANY_ALL", _sre.ANY), _sre.IN,
                                                 _sre.NOT_LITERAL)

    def _class(self, items) -> str | None:
        negate = any(op is _sre.NEGATE for op, _ in items)
        for c in _READABLE:
            inside = any(_in_item(op, av, c, self.ignore_case) for op, av in items)
            if inside != negate:
                return c
        for op, av in items:
            if op is _sre.LITERAL and not negate:
                return chr(av)
            if op is _sre.RANGE and not negate:
                return chr(av[0])
        return None


def _in_item(op, av, c: str, ignore_case: bool) -> bool:
    code = ord(c)
    codes = {code, ord(c.lower()), ord(c.upper())} if ignore_case else {code}
    if op is _sre.LITERAL:
        return av in codes
    if op is _sre.RANGE:
        return any(av[0] <= k <= av[1] for k in codes)
    if op is _sre.CATEGORY:
        return {
            _sre.CATEGORY_DIGIT: c.isdigit(), _sre.CATEGORY_NOT_DIGIT: not c.isdigit(),
            _sre.CATEGORY_WORD: c.isalnum() or c == "_", _sre.CATEGORY_NOT_WORD: not (c.isalnum() or c == "_"),
            _sre.CATEGORY_SPACE: c.isspace(), _sre.CATEGORY_NOT_SPACE: not c.isspace(),
        }.get(av, False)
    return False

# ---------------------------------------------------------------- does a pattern admit any origin at all

# What a browser can send in Origin, widened: "null", or a lowercase scheme,
# "://" and one or more characters a serialized host or port can hold (no
# uppercase, no '/', '?', '#', '@' and the other forbidden host code points;
# ':' '[' ']' stay for ports and IPv6). Every serialized origin is in this
# language, so a pattern that meets none of it matches no Origin header.
# Origins are ASCII (a browser sends international names as punycode).
_PRINTABLE = tuple(chr(c) for c in range(0x21, 0x7F))
_HOST_CHARS = frozenset(c for c in _PRINTABLE if not c.isupper() and c not in "#/<>?@\\^|%")
_SCHEME_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz")
_SCHEME_CHARS = _SCHEME_FIRST | frozenset("0123456789+.-")
# state -> ((characters, next state), ...); 0 is the start, before any character
_ORIGIN_GRAMMAR: dict[int, tuple[tuple[frozenset[str], int], ...]] = {
    0: ((frozenset("n"), 1), (_SCHEME_FIRST, 5)),
    1: ((frozenset("u"), 2), (_SCHEME_CHARS, 5)),
    2: ((frozenset("l"), 3), (_SCHEME_CHARS, 5)),
    3: ((frozenset("l"), 4), (_SCHEME_CHARS, 5)),
    4: ((_SCHEME_CHARS, 5), (frozenset(":"), 6)),
    5: ((_SCHEME_CHARS, 5), (frozenset(":"), 6)),
    6: ((frozenset("/"), 7),),
    7: ((frozenset("/"), 8),),
    8: ((_HOST_CHARS, 9),),
    9: ((_HOST_CHARS, 9),),
}
_ORIGIN_ENDS = frozenset({4, 9})
# the same language as one regex, for a pattern that stands for a short list
_ORIGIN_SHAPE = re.compile("null|[a-z][a-z0-9+.-]*://[" + "".join(re.escape(c) for c in sorted(_HOST_CHARS))
                           + "]+")
MAX_AUTOMATON = 4000      # automaton states one pattern may unroll to


@dataclass(frozen=True)
class OriginReach:
    """Whether a regex can match some text a browser sends as Origin.
    ``decided`` False: the pattern is beyond what corslint reads (then
    nothing is claimed). ``witness``: a shortest such text (in the widened
    origin language above), None when there is none."""

    decided: bool
    witness: str | None = None

    @property
    def none(self) -> bool:
        """Proved: no Origin header a browser sends ever matches."""
        return self.decided and self.witness is None


class _OriginAutomaton:
    """A nondeterministic automaton for a parse tree, built so that it
    accepts at least every text the pattern matches: lookarounds and word
    boundaries are dropped, a back-reference stands for any text, atomic
    groups and possessive repeats for their ordinary forms. What it rejects,
    the pattern rejects."""

    def __init__(self) -> None:
        self.edges: list[list[tuple[str, object, int]]] = []   # (kind, chars/None, target)

    def state(self) -> int:
        if len(self.edges) >= MAX_AUTOMATON:
            raise _OriginTooBig
        self.edges.append([])
        return len(self.edges) - 1

    def link(self, a: int, kind: str, b: int, chars: frozenset[str] | None = None) -> None:
        self.edges[a].append((kind, chars, b))

    def seq(self, items, ic: bool, state) -> tuple[int, int]:
        start = cur = self.state()
        for op, av in items:
            a, b = self.node(op, av, ic, state)
            self.link(cur, "eps", a)
            cur = b
        return start, cur

    def node(self, op, av, ic: bool, state) -> tuple[int, int]:
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
            a, b = self.state(), self.state()
            self.link(a, "char", b, _atom_set(op, av, ic, state))
            return a, b
        if op is _sre.AT:
            a, b = self.state(), self.state()
            if av in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING, getattr(_sre, "AT_BEGINNING_LINE", None)):
                self.link(a, "begin", b)
            elif av in (_sre.AT_END, _sre.AT_END_STRING, getattr(_sre, "AT_END_LINE", None)):
                self.link(a, "end", b)
            else:
                self.link(a, "eps", b)   # word boundaries: dropped (wider, never narrower)
            return a, b
        if op is _sre.SUBPATTERN:
            _group, add, delete, body = av
            if add & _sre.SRE_FLAG_IGNORECASE:
                ic = True
            if delete & _sre.SRE_FLAG_IGNORECASE:
                ic = False
            return self.seq(body, ic, state)
        if op is getattr(_sre, "ATOMIC_GROUP", None):
            return self.seq(av, ic, state)
        if op is _sre.BRANCH:
            a, b = self.state(), self.state()
            for alt in av[1]:
                s, e = self.seq(alt, ic, state)
                self.link(a, "eps", s)
                self.link(e, "eps", b)
            return a, b
        if op in REPEATS:
            lo, hi, body = av
            a = cur = self.state()
            for _ in range(lo):
                s, e = self.seq(body, ic, state)
                self.link(cur, "eps", s)
                cur = e
            if hi == _sre.MAXREPEAT:
                s, e = self.seq(body, ic, state)
                self.link(cur, "eps", s)
                self.link(e, "eps", cur)
            else:
                end = self.state()
                self.link(cur, "eps", end)
                for _ in range(hi - lo):
                    s, e = self.seq(body, ic, state)
                    self.link(cur, "eps", s)
                    self.link(e, "eps", end)
                    cur = e
                cur = end
            return a, cur
        if op in (_sre.ASSERT, _sre.ASSERT_NOT):
            a = self.state()
            return a, a
        if op in (_sre.GROUPREF, getattr(_sre, "GROUPREF_EXISTS", None)):
            a = self.state()
            self.link(a, "char", a, frozenset(_PRINTABLE))
            if op is _sre.GROUPREF_EXISTS:
                b = self.state()
                for part in (av[1], av[2]):
                    if part is None:
                        self.link(a, "eps", b)
                        continue
                    s, e = self.seq(part, ic, state)
                    self.link(a, "eps", s)
                    self.link(e, "eps", b)
                return a, b
            return a, a
        raise _OriginTooBig   # a construct not read here: nothing is claimed


class _OriginTooBig(Exception):
    pass


def _atom_set(op, av, ic: bool, state) -> frozenset[str]:
    """The printable ASCII characters one atom matches, asked of Python's
    own regex engine (its case folding, its classes)."""
    atoms = memo.table("regex atoms")
    key = (str(op), repr(av), ic)
    found = atoms.get(key)
    if found is None:
        try:  # Python 3.11+
            from re import _compiler as _sre_compile
        except ImportError:  # pragma: no cover - older layouts
            import sre_compile as _sre_compile  # type: ignore[no-redef]
        rx = _sre_compile.compile(_sre_parse.SubPattern(state, [(op, av)]), re.IGNORECASE if ic else 0)
        found = atoms[key] = frozenset(c for c in _PRINTABLE if rx.fullmatch(c))
    return found


@memo.per_run
def origin_reach(pattern: str, flavour: str, ignore_case: bool) -> OriginReach:
    """Whether the regex ``pattern``, matched by ``flavour``'s rule
    (``search``/``js``: anywhere in the text; ``python-match``: from its
    start; ``python-fullmatch``: all of it), matches any text a browser can
    send as Origin. Decided on the pattern's language, intersected with the
    language of serialized origins: no sample, no spelling."""
    words = language(pattern, flavour, ignore_case)
    if words is not None:
        # a short list: its words say it at once (lowercased when case is ignored)
        return OriginReach(True, next((w for w in sorted(words.words) if _ORIGIN_SHAPE.fullmatch(w)), None))
    tree = parse_tree(pattern)
    if tree is None:
        return OriginReach(False)
    ic = flags_case(tree.state.flags, ignore_case)
    auto = _OriginAutomaton()
    try:
        start, accept = auto.seq(list(tree), ic, tree.state)
    except (_OriginTooBig, re.error, RecursionError, TypeError, ValueError):
        return OriginReach(False)
    before = flavour not in ("python-match", "python-fullmatch")   # may start anywhere
    after = flavour != "python-fullmatch"                          # may end anywhere
    # Search the product of the automaton and the origin grammar. A node is
    # (automaton state, grammar state, past '$'); -1 stands for the text
    # before the match starts, -2 for the text after it ends.
    first = (-1 if before else start, 0, False)
    parent: dict[tuple, tuple | None] = {first: None}
    queue = [first]
    goal = None
    for node in queue:
        q, g, ended = node
        if (q == accept or q == -2) and g in _ORIGIN_ENDS:
            goal = node
            break
        moves: list[tuple[tuple, str]] = []
        if q == -1:
            moves.append(((start, g, ended), ""))
            for chars, g2 in _ORIGIN_GRAMMAR[g]:
                moves.append(((-1, g2, ended), min(chars)))
        elif q == -2:
            if not ended:
                for chars, g2 in _ORIGIN_GRAMMAR[g]:
                    moves.append(((-2, g2, ended), min(chars)))
        else:
            if q == accept and after:
                moves.append(((-2, g, ended), ""))
            for kind, chars, target in auto.edges[q]:
                if kind == "eps":
                    moves.append(((target, g, ended), ""))
                elif kind == "begin":
                    if g == 0:
                        moves.append(((target, g, ended), ""))
                elif kind == "end":
                    moves.append(((target, g, True), ""))
                elif not ended:
                    for gchars, g2 in _ORIGIN_GRAMMAR[g]:
                        both = chars & gchars
                        if both:
                            moves.append(((target, g2, ended), min(both)))
        for nxt, ch in moves:
            if nxt not in parent:
                parent[nxt] = (node, ch)
                queue.append(nxt)
    if goal is None:
        return OriginReach(True, None)
    text = []
    node = goal
    while parent[node] is not None:
        node, ch = parent[node]
        text.append(ch)
    return OriginReach(True, "".join(reversed(text)))
