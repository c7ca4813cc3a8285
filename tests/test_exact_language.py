"""An allowlist regex that stands for a short list of origins is answered from
that list instead of the regex engine: the list must say exactly what the
engine says, for every flavour, anchor and case rule. The common shape is read
without the regex parser; that reading must give the parser's list."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from corslint import regexlang
from corslint.model import OriginMatcher


def engine_says(pattern: str, flavour: str, ignore_case: bool, text: str) -> bool:
    """The engine's own answer: Python's re with the flavour's matching rule
    (PCRE and JavaScript search like re.search for these patterns)."""
    rx = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    find = {"python-match": rx.match, "python-fullmatch": rx.fullmatch}.get(flavour, rx.search)
    return find(text) is not None

_ATOMS = ["a", "b", "A", ".", "-", "1", ":", "/"]


@st.composite
def list_patterns(draw) -> str:
    """Regexes made of the pieces the exact-language reading takes, plus some it must refuse."""

    def piece(depth: int) -> str:
        kind = draw(st.sampled_from(["lit", "lit", "class", "group", "opt", "rep", "wild"]
                                    if depth < 2 else ["lit", "class"]))
        if kind == "lit":
            return re.escape(draw(st.sampled_from(_ATOMS)))
        if kind == "class":
            return draw(st.sampled_from(["[ab]", "[a-c]", "[A-Z]", "[^a]", r"\d", "[0-9]"]))
        if kind == "group":
            alts = draw(st.lists(st.lists(st.just(None), min_size=1, max_size=3), min_size=1, max_size=3))
            prefix = draw(st.sampled_from(["(", "(?:", "(?i:"]))
            return prefix + "|".join("".join(piece(depth + 1) for _ in a) for a in alts) + ")"
        if kind == "opt":
            return "(?:" + piece(depth + 1) + ")" + draw(st.sampled_from(["?", "{0,2}", "{2}", "*", "+"]))
        if kind == "rep":
            return piece(depth + 1) + draw(st.sampled_from(["?", "{1,3}", "{5}"]))
        return draw(st.sampled_from([".", ".*", r"\w+"]))

    body = "".join(piece(0) for _ in range(draw(st.integers(1, 5))))
    start = draw(st.sampled_from(["^", r"\A", "", "(?i)^"]))
    end = draw(st.sampled_from(["$", r"\Z", ""]))
    return start + body + end


@st.composite
def texts_near(draw, language: frozenset[str]) -> str:
    base = draw(st.sampled_from(sorted(language))) if language else ""
    change = draw(st.sampled_from(["same", "upper", "prefix", "suffix", "cut", "random", "newline"]))
    if change == "upper":
        return base.upper()
    if change == "prefix":
        return draw(st.sampled_from(["x", "a", "\n"])) + base
    if change == "suffix":
        return base + draw(st.sampled_from(["x", "a", "\n", "1"]))
    if change == "cut":
        return base[1:]
    if change == "random":
        return draw(st.text(alphabet="abAB.-1:/\u017f\u212a", max_size=6))
    if change == "newline":
        return base + "\n"
    return base


@settings(max_examples=1500, deadline=None)
@given(list_patterns(), st.sampled_from(["pcre-search", "js-test", "python-match", "python-fullmatch"]),
       st.booleans(), st.data())
@example(r"^https://(www|api)\.example\.com$", "pcre-search", False, None)
def test_the_list_agrees_with_the_matcher(pattern, flavour, ignore_case, data):
    matcher = OriginMatcher(pattern, flavour, ignore_case)
    language = matcher.language()
    if language is None:
        return
    assert language.ignore_case == (ignore_case or pattern.startswith("(?i)"))
    words = language.words
    samples = sorted(words)[:3] if data is None else [data.draw(texts_near(words)) for _ in range(6)]
    for text in samples:
        said = language.says(text)
        if said is not None:
            assert said == engine_says(pattern, flavour, ignore_case, text), (pattern, flavour, ignore_case, text)
            # and the matcher answers from the list what the engine answers
            assert matcher.matches(text) == said


def test_which_patterns_are_lists():
    def lang(pattern: str, flavour: str = "pcre-search", ic: bool = False):
        language = OriginMatcher(pattern, flavour, ic).language()
        return language.words if language is not None else None

    assert lang(r"^https?://(www|api)\.example\.com$") == {
        "http://www.example.com", "https://www.example.com",
        "http://api.example.com", "https://api.example.com"}
    assert lang(r"^https://App\.example\.com$", ic=True) == {"https://app.example.com"}
    assert lang(r"https://a\.example\.com$", "python-match") == {"https://a.example.com"}
    assert lang(r"https://a\.example\.com", "python-fullmatch") == {"https://a.example.com"}
    # open ends, wildcards and wide classes are no list
    for pattern in (r"https://a\.example\.com$", r"^https://a\.example\.com",
                    r"^https://.*\.example\.com$", r"^https://[a-z]+\.example\.com$",
                    r"^https://(?=a)a\.example\.com$"):
        assert lang(pattern) is None, pattern
    assert lang(r"^https://a\.example\.com", "python-match") is None


_PLAIN_ATOMS = ["a", "b", "Z", "0", "-", ":", "/", "_", "@", "%", r"\.", r"\-", r"\/", r"\:"]


@st.composite
def plain_patterns(draw) -> str:
    """Patterns of the shape read without the parser (and near misses)."""

    def literal() -> str:
        return "".join(draw(st.lists(st.sampled_from(_PLAIN_ATOMS), min_size=1, max_size=3)))

    pieces = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["lit", "lit", "group", "odd"]))
        if kind == "lit":
            pieces.append(literal())
        elif kind == "group":
            alts = [literal() for _ in range(draw(st.integers(1, 3)))]
            pieces.append(draw(st.sampled_from(["(", "(?:"])) + "|".join(alts) + ")")
        else:
            pieces.append(draw(st.sampled_from([".", "(|a)", "a?", "[ab]", "(a|(b))", "\\.", "$"])))
    return draw(st.sampled_from(["^", ""])) + "".join(pieces) + draw(st.sampled_from(["$", ""]))


@settings(max_examples=1500, deadline=None)
@given(plain_patterns(), st.sampled_from(["pcre-search", "js-test", "python-match", "python-fullmatch"]),
       st.booleans())
@example(r"^https://(www|api)\.example\.com$", "pcre-search", False)
@example(r"^https://app\.example\.com$", "js-test", True)
def test_the_common_shape_is_read_as_the_parser_reads_it(pattern, flavour, ignore_case):
    direct = regexlang._plain_words(pattern, flavour)
    if direct is None:
        return
    parsed = regexlang._tree_words(pattern, flavour, ignore_case)
    assert parsed is not None, pattern
    assert direct == parsed[0], pattern
    assert parsed[1] == ignore_case


def test_the_common_shape_skips_the_parser(monkeypatch):
    parsed = []
    monkeypatch.setattr(regexlang, "parse_tree", lambda pattern: parsed.append(pattern))
    language = regexlang.language(r"^https://(www|api)\.site9\.example\.org$", "pcre-search", False)
    assert language.words == {"https://www.site9.example.org", "https://api.site9.example.org"}
    assert parsed == []
    assert regexlang.language(r"^https://[a-c]pi\.site9\.example\.org$", "pcre-search", False) is None
    assert parsed == [r"^https://[a-c]pi\.site9\.example\.org$"]  # the spy does see the parser's use
