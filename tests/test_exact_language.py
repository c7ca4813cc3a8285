"""An allowlist regex that stands for a short list of origins is answered from
that list instead of the regex engine: the list must say exactly what the
matcher says, for every flavour, anchor and case rule."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from corslint.allowlist import exact_language
from corslint.model import OriginMatcher

_ATOMS = ["a", "b", "A", ".", "-", "1", ":", "/"]


@st.composite
def list_patterns(draw) -> str:
    """Regexes made of the pieces exact_language reads, plus some it must refuse."""

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
    language = exact_language(matcher)
    if language is None:
        return
    assert language.ignore_case == (ignore_case or pattern.startswith("(?i)"))
    words = language.words
    samples = sorted(words)[:3] if data is None else [data.draw(texts_near(words)) for _ in range(6)]
    for text in samples:
        said = language.says(text)
        if said is not None:
            assert said == matcher.matches(text), (pattern, flavour, ignore_case, text)


def test_which_patterns_are_lists():
    def lang(pattern: str, flavour: str = "pcre-search", ic: bool = False):
        language = exact_language(OriginMatcher(pattern, flavour, ic))
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
