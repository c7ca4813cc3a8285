"""Which origins an allowlist really admits.

One analysis for every way an allowlist is written: nginx ``if``/``map``
regexes, Apache ``SetEnvIf``, Django's ``re.match``, Flask-CORS's ``re.match``
with ``IGNORECASE``, Starlette's ``re.fullmatch``, Express's unanchored
``RegExp.test``, exact lists. It works on the model's :class:`OriginMatcher`
objects only, whatever frontend made them, and asks every question through
``OriginMatcher.matches``: the engine's real matching rule with its real flags
(or, for a regex that stands for a short list of texts, through that list,
which says the same: :meth:`OriginMatcher.language`).

For each matcher it first asks whether the regex can match any origin at
all (:func:`corslint.regexlang.origin_reach`, on the pattern's language):
one that cannot (``^https://example\\.com/`` wants a '/' no Origin has)
admits nothing, and only what its authors meant is kept (CORS101 reports
it). Otherwise it

1. derives the origins its authors meant: readable strings built from the
   pattern itself (its literal domains, wildcards filled with a word), kept
   only when the matcher accepts them;
2. builds attacker origins from them -- the meant host with a domain appended
   (no end anchor), glued behind another name (no dot or start anchor), with
   an unescaped dot replaced, another tenant of a shared host or any domain
   under a public suffix (Public Suffix List), special characters some
   browsers accept in host names, any origin at all -- plus ``null`` and the
   ``http://`` twin of each meant https origin;
3. keeps the candidates the matcher accepts whose registrable domain is not
   one the pattern names literally (another port or subdomain of the author's
   own domain is not an attacker), most convincing first.

Time is bounded without timers: a regex whose shape can make a backtracking
engine take exponential (or high polynomial) time is recognised before any
match is tried and the analysis gives up on it (``Analysis.gave_up``), every
candidate is shorter than ``MAX_CANDIDATE_LEN`` and a matcher is asked at most
``MAX_ATTEMPTS`` times.

The rules (CORS104, CORS106, CORS107) then confirm a candidate against the
route: the answer must actually name it in ``Access-Control-Allow-Origin``.
A matcher in a route that never sends that header itself (an nginx gate in
front of an upstream, a bare ``if`` in a snippet) is judged on the pattern
alone.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Iterator

from . import engine, memo
from .model import OriginMatcher, PolicyModel, Route
from .regexlang import REPEATS, flags_case, origin_reach, parse_tree
from .scenarios import answer

try:  # Python 3.11+: the regex parser behind ``re``
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older layouts
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# Names used to build attacker origins. ``.example`` is reserved (RFC 2606),
# so a finding never names somebody's real site; under a public suffix the
# attacker's own label is "attacker".
ATTACKER_DOMAIN = "evil.example"
ATTACKER_LABEL = "attacker"
ANY_ORIGIN = f"https://{ATTACKER_DOMAIN}"
# Origins no sane allowlist admits: used to tell an allowlist from a check
# that lets everything through anyway.
STRANGERS = ("https://stranger.invalid", "https://unrelated.evil.example")

MAX_ATTEMPTS = 1000       # match attempts per matcher
MAX_CANDIDATE_LEN = 260   # characters in any string given to a matcher (a DNS name is at most 253)
MAX_SAMPLES = 64          # readable strings derived from one pattern
MAX_MEANT = 16            # meant origins attacker candidates are built from
MAX_SPECIAL = 4           # ... of which this many are tried with special characters
MAX_TAIL = 32             # what a URL-shaped pattern wants after the origin

# Characters tried right after a meant host: "_" is accepted in host names by
# Chrome and Firefox; the others by browsers that follow the URL Standard's
# lenient host parsing (Safari has accepted "`" and "!" in sub-domains).
SPECIAL_CHARS = ("_", "`", "!", "~", "$", "&", "'", "(", ")", "+", ",", ";", "=", "{", "}")

# Ranking of attack kinds, most convincing first.
KINDS = ("any", "prefix", "suffix", "tenant", "dot", "special")
HYGIENE = "dot-unregistrable"


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Meant:
    """An origin the pattern's authors evidently meant to admit."""

    origin: str                  # serialized
    scheme: str
    host: str
    port: int | None
    tail: str = ""               # what the pattern wants after the origin ("/" for URL-shaped ones)
    literal: tuple[bool, ...] = ()   # per host character: written in the pattern, not a filler

    @property
    def port_text(self) -> str:
        return f":{self.port}" if self.port is not None else ""

    @property
    def host_is_literal(self) -> bool:
        return bool(self.literal) and all(self.literal)

    def literal_suffix(self) -> str:
        """The part of the host after its last filled-in character, from a
        label boundary: ``vercel.app`` for a pattern ``[a-z]+\\.vercel\\.app``."""
        if self.host_is_literal:
            return self.host
        last = max((i for i, lit in enumerate(self.literal) if not lit), default=-1)
        rest = self.host[last + 1:]
        dot = rest.find(".")
        return rest[dot + 1:] if dot >= 0 else ""

    def describe(self) -> str:
        """How a finding names what the pattern means."""
        if self.host_is_literal:
            return self.origin
        suffix = self.literal_suffix()
        if suffix and "." in suffix:
            return f"{self.scheme}:// origins under {suffix}"
        return ""


@dataclass(frozen=True)
class Attack:
    """An origin the matcher accepts that its authors did not mean."""

    origin: str      # the attacker's serialized origin
    kind: str        # one of KINDS, or HYGIENE (an unescaped dot that admits no registrable name)
    why: str         # why the pattern lets it in, in words
    meant: Meant | None
    probe: str       # the exact text the matcher accepted (the origin itself)

    @property
    def registrable(self) -> bool:
        return self.kind != HYGIENE


@dataclass(frozen=True)
class Insecure:
    """A plain-HTTP origin the matcher accepts."""

    origin: str                   # http://host[:port]
    secure_twin: str | None       # the https:// origin of the same host, when admitted too
    meant: Meant
    probe: str


@dataclass(frozen=True)
class Analysis:
    """What one allowlist entry admits; shared by every rule that asks."""

    matcher: OriginMatcher
    meant: tuple[Meant, ...] = ()
    attacks: tuple[Attack, ...] = ()      # registrable attacks first (best first), then hygiene
    admits_null: bool = False
    insecure: tuple[Insecure, ...] = ()
    gave_up: str = ""                     # why the analysis stopped; "" when it is complete
    attempts: int = 0                     # match attempts spent
    # Proved from the pattern's language: no text a browser sends as Origin
    # matches (``^https://example\.com/`` wants a '/' no Origin has). Then
    # nothing is admitted, and ``meant`` says what the authors evidently meant.
    matches_no_origin: bool = False
    accepted_sample: str = ""             # a readable text it does accept (for saying why)

    @property
    def url_shaped(self) -> bool:
        """The pattern wants more than an origin (a '/' after the host)."""
        return bool(self.meant) and all(m.tail for m in self.meant)

    @property
    def admits_any(self) -> bool:
        return any(a.kind == "any" for a in self.attacks)

    def best(self) -> Attack | None:
        """The most convincing registrable attack."""
        return next((a for a in self.attacks if a.registrable), None)

    def hygiene(self) -> Attack | None:
        """An unescaped dot that only admits names nobody can register."""
        return next((a for a in self.attacks if not a.registrable), None)


# ---------------------------------------------------------------- public suffixes


@functools.lru_cache(maxsize=None)
def _psl(only_icann: bool):
    # The list ships inside the package (public_suffix_list.dat); nothing is
    # fetched at run time. A name under a TLD the list does not know (a
    # typo'd "examplexcom", "internal", "localtest") is nobody's to register.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=only_icann, accept_unknown=False)


def _is_ip(host: str) -> bool:
    if ":" not in host and not host[-1:].isdigit():
        return False  # an IPv4 address ends in a digit, an IPv6 one has a colon
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


@memo.per_run
def public_suffix(host: str) -> str | None:
    """The host's public suffix (ICANN and private sections); None for IP
    addresses and names under a TLD the list does not know."""
    if not host or _is_ip(host):
        return None
    return _psl(False).publicsuffix(host.lower())


@memo.per_run
def registrable_domain(host: str) -> str | None:
    """The name an owner registers (``example.co.uk`` for ``a.example.co.uk``,
    ``me.github.io`` for ``x.me.github.io``); None when the host is a public
    suffix itself, a single label, or an IP address."""
    if not host or _is_ip(host):
        return None
    host = host.lower()
    if host == ATTACKER_DOMAIN or host.endswith("." + ATTACKER_DOMAIN):
        return ATTACKER_DOMAIN  # the stand-in for a domain the attacker registered
    return _psl(False).privatesuffix(host)


@memo.per_run
def is_shared_host(suffix: str) -> bool:
    """A public suffix from the PSL's private section: a company's domain
    under which anyone can publish a site (vercel.app, github.io...)."""
    return _psl(True).publicsuffix(suffix) != suffix


def plausible_host(host: str) -> bool:
    """A host a site can have: no empty label, none longer than DNS allows."""
    if _is_ip(host):
        return True
    labels = host.split(".")
    return all(0 < len(label) <= 63 for label in labels)


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- regex shape (time budget)

_ALPHABET = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\u00e9", "\u0430"}
_UNBOUNDED = _sre.MAXREPEAT
_WIDE = 30   # a character class this wide counts as a wildcard


def _category(cat) -> frozenset[str]:
    name = str(cat)
    if "NOT_DIGIT" in name:
        return frozenset(c for c in _ALPHABET if not c.isdigit())
    if "DIGIT" in name:
        return frozenset(c for c in _ALPHABET if c.isdigit())
    if "NOT_SPACE" in name:
        return frozenset(c for c in _ALPHABET if not c.isspace())
    if "SPACE" in name:
        return frozenset(c for c in _ALPHABET if c.isspace())
    if "NOT_WORD" in name:
        return frozenset(c for c in _ALPHABET if not (c.isalnum() or c == "_"))
    if "WORD" in name:
        return frozenset(c for c in _ALPHABET if c.isalnum() or c == "_")
    return _ALPHABET


def _class_chars(items, ignore_case: bool) -> frozenset[str]:
    chars: set[str] = set()
    negate = False
    for op, av in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            chars.add(chr(av))
        elif op is _sre.RANGE:
            lo, hi = av
            chars.update(c for c in _ALPHABET if lo <= ord(c) <= hi)
        elif op is _sre.CATEGORY:
            chars.update(_category(av))
        else:
            chars.update(_ALPHABET)
    if ignore_case:
        chars |= {c.swapcase() for c in chars}
    return frozenset(_ALPHABET - chars) if negate else frozenset(chars)


def _atom_chars(op, av, ignore_case: bool) -> frozenset[str] | None:
    """Characters a one-character atom matches; None if not such an atom."""
    if op is _sre.LITERAL:
        c = chr(av)
        return frozenset({c, c.swapcase()}) if ignore_case else frozenset({c})
    if op is _sre.NOT_LITERAL:
        c = chr(av)
        return frozenset(_ALPHABET - {c, c.swapcase()} if ignore_case else _ALPHABET - {c})
    if op in (_sre.ANY, getattr(_sre, "ANY_ALL", _sre.ANY)):
        return _ALPHABET
    if op is _sre.IN:
        return _class_chars(av, ignore_case)
    return None


def _chars(items, ignore_case: bool) -> frozenset[str]:
    """Every character a sub-pattern can match somewhere."""
    out: set[str] = set()
    for op, av in items:
        atom = _atom_chars(op, av, ignore_case)
        if atom is not None:
            out |= atom
        elif op in REPEATS:
            out |= _chars(av[2], ignore_case)
        elif op is _sre.SUBPATTERN:
            out |= _chars(av[3], flags_case(av[1], ignore_case))
        elif op is _sre.BRANCH:
            for alt in av[1]:
                out |= _chars(alt, ignore_case)
        elif op is getattr(_sre, "ATOMIC_GROUP", None):
            out |= _chars(av, ignore_case)
        elif op is _sre.GROUPREF_EXISTS:
            out |= _chars(av[1], ignore_case)
            if av[2] is not None:
                out |= _chars(av[2], ignore_case)
    return frozenset(out)


def _min_width(items) -> int:
    try:
        return _sre_parse.SubPattern(_sre_parse.State(), list(items)).getwidth()[0]
    except Exception:  # pragma: no cover - defensive
        return 0


def _first(items, ignore_case: bool) -> frozenset[str]:
    """Characters a sub-pattern's match can start with."""
    out: set[str] = set()
    for op, av in items:
        atom = _atom_chars(op, av, ignore_case)
        if atom is not None:
            return frozenset(out | atom)
        if op in REPEATS:
            out |= _first(av[2], ignore_case)
            if av[0] > 0 and _min_width(av[2]) > 0:
                return frozenset(out)
            continue
        if op is _sre.SUBPATTERN:
            out |= _first(av[3], flags_case(av[1], ignore_case))
            if _min_width(av[3]) > 0:
                return frozenset(out)
            continue
        if op is _sre.BRANCH:
            for alt in av[1]:
                out |= _first(alt, ignore_case)
            if all(_min_width(alt) > 0 for alt in av[1]):
                return frozenset(out)
            continue
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue
        return frozenset(out | _ALPHABET)
    return frozenset(out)


def _variable_parts(items, ignore_case: bool) -> list[frozenset[str]]:
    """Alphabets of the parts of a sub-pattern whose length varies (a repeat
    with min < max, alternatives of different lengths): where one iteration
    of an enclosing repeat may end early or late."""
    found: list[frozenset[str]] = []
    for op, av in items:
        if op in REPEATS:
            lo, hi, body = av
            if lo != hi and not _possessive(op):
                found.append(_chars(body, ignore_case))
            found += _variable_parts(body, ignore_case)
        elif op is _sre.SUBPATTERN:
            found += _variable_parts(av[3], flags_case(av[1], ignore_case))
        elif op is _sre.BRANCH:
            widths = {_width(alt) for alt in av[1]}
            if len(widths) > 1:
                found.append(_chars([(op, av)], ignore_case))
            for alt in av[1]:
                found += _variable_parts(alt, ignore_case)
    return found


def _width(items) -> tuple[int, int]:
    try:
        return _sre_parse.SubPattern(_sre_parse.State(), list(items)).getwidth()
    except Exception:  # pragma: no cover - defensive
        return (0, _UNBOUNDED)


def _possessive(op) -> bool:
    return op is getattr(_sre, "POSSESSIVE_REPEAT", None)


def _delimited(body, inner: list[frozenset[str]], ignore_case: bool) -> bool:
    """The repeated body holds a mandatory character none of its variable
    parts can match (the '.' of ``([a-z0-9-]+\\.)*``): each iteration ends at
    a known place, so the engine cannot split the input in many ways."""
    wild = frozenset().union(*inner) if inner else frozenset()
    for op, av in _flatten(body, ignore_case):
        atom = _atom_chars(op, av, ignore_case)
        if atom is not None and not (atom & wild):
            return True
    return False


def _flatten(items, ignore_case: bool):
    """The mandatory top-level atoms of a sequence, through plain groups."""
    for op, av in items:
        if op is _sre.SUBPATTERN:
            yield from _flatten(av[3], ignore_case)
        elif op in REPEATS and av[0] >= 1 and av[1] == av[0]:
            yield from _flatten(av[2], ignore_case)
        else:
            yield op, av


def _branch_overlaps(items, ignore_case: bool) -> bool:
    for op, av in items:
        if op is _sre.SUBPATTERN and _branch_overlaps(av[3], flags_case(av[1], ignore_case)):
            return True
        if op is _sre.BRANCH:
            firsts = [_first(alt, ignore_case) for alt in av[1]]
            for i, a in enumerate(firsts):
                if any(a & b for b in firsts[i + 1:]):
                    return True
    return False


def _walk_risk(items, ignore_case: bool) -> str | None:
    wildcards = 0
    for op, av in items:
        if op in REPEATS:
            lo, hi, body = av
            if hi > 1 and not _possessive(op):
                inner = _variable_parts(body, ignore_case)
                if inner and not _delimited(body, inner, ignore_case):
                    return ("a repeated group whose iterations can split the same text in many ways "
                            "(like '(a+)+', '(a|aa)+' or '(.*a){25}')")
                if _branch_overlaps(body, ignore_case):
                    return "a repeated group whose alternatives can start with the same character (like '(a|ab)+')"
                if hi == _UNBOUNDED and len(_chars(body, ignore_case)) >= _WIDE:
                    wildcards += 1
            found = _walk_risk(body, ignore_case)
            if found:
                return found
        elif op is _sre.SUBPATTERN:
            found = _walk_risk(av[3], flags_case(av[1], ignore_case))
            if found:
                return found
        elif op is _sre.BRANCH:
            for alt in av[1]:
                found = _walk_risk(alt, ignore_case)
                if found:
                    return found
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            found = _walk_risk(av[1], ignore_case)
            if found:
                return found
    if wildcards >= 4:
        return f"{wildcards} unbounded wildcards in a row (like '.*.*.*.*')"
    return None


@memo.per_run
def redos_risk(pattern: str, ignore_case: bool = False) -> str | None:
    """Why matching ``pattern`` may take exponential or high polynomial time
    in a backtracking engine (Python's re, PCRE, JavaScript), or None.

    Judged from the pattern's structure alone, before anything is matched:
    nested quantifiers without a delimiter, repeated overlapping alternatives,
    four or more unbounded wildcards."""
    tree = parse_tree(pattern)
    if tree is None:
        return None  # does not compile: the matcher matches nothing
    return _walk_risk(list(tree), flags_case(tree.state.flags, ignore_case))


# ---------------------------------------------------------------- readable samples

# A piece of a sample: its text and where it came from.
LIT, FILL, ANY_X = 1, 0, 2          # written in the pattern; a filler word; a lone '.' read as a letter
Piece = tuple[str, int]
Sample = tuple[Piece, ...]

_PREFERRED = "apx" + "bcdefghijklmnoqrstuvwyz" + "0123456789" + "-"


def _pick(chars: frozenset[str]) -> str | None:
    for c in _PREFERRED:
        if c in chars:
            return c
    for c in sorted(chars):
        if c.isprintable() and c not in " /?#@":
            return c
    return None


def _fill(chars: frozenset[str], lo: int, hi: int) -> list[Piece]:
    """Readable texts a repeated one-character atom can take."""
    out: list[Piece] = []
    words = []
    if "." in chars and all(c in chars for c in "app"):
        words.append("app.")
    if all(c in chars for c in "app"):
        words.append("app")
    elif chars and chars <= frozenset("0123456789"):
        words.append("8443")
    if lo == 0:
        out.append(("", FILL))
    for w in words:
        if lo <= len(w) <= hi:
            out.append((w, FILL))
    if not out or all(len(t) < lo for t, _ in out):
        c = _pick(chars)
        if c is not None and lo <= 16:
            n = max(lo, 1) if hi >= max(lo, 1) else lo
            out.append((c * n, FILL))
    return out


class _Sampler:
    """Readable strings a pattern accepts, built from its parse tree: the
    literal text as written, each wildcard filled with a word."""

    def __init__(self, ignore_case: bool):
        self.ignore_case = ignore_case

    def seq(self, items, ignore_case: bool | None = None) -> list[Sample]:
        ic = self.ignore_case if ignore_case is None else ignore_case
        results: list[Sample] = [()]
        for op, av in items:
            options = self.node(op, av, ic)
            if options is None:
                return []
            results = [r + o for r in results for o in options][:MAX_SAMPLES]
            if not results:
                return []
        return results

    def node(self, op, av, ic: bool) -> list[Sample] | None:
        if op is _sre.LITERAL:
            return [((chr(av), LIT),)]
        if op in (_sre.ANY, getattr(_sre, "ANY_ALL", _sre.ANY)):
            # a lone '.' between names is meant as a dot (and admits any character)
            return [((".", LIT),), (("x", ANY_X),)]
        if op is _sre.NOT_LITERAL:
            c = _pick(frozenset(_ALPHABET - {chr(av)}))
            return [((c, FILL),)] if c else None
        if op is _sre.IN:
            chars = _class_chars(av, ic)
            if len({c.lower() for c in chars}) == 1:
                return [((min(chars).lower(), LIT),)]
            c = _pick(chars)
            return [((c, FILL),)] if c else None
        if op in REPEATS:
            lo, hi, body = av
            if len(body) == 1:
                bop, bav = body[0]
                chars = _atom_chars(bop, bav, ic)
                if chars is not None and bop is not _sre.LITERAL and len(chars) > 1:
                    return [(piece,) for piece in _fill(chars, lo, hi)]
            counts = [lo] if lo > 0 else ([1, 0] if hi >= 1 else [0])
            out: list[Sample] = []
            inner = self.seq(body, ic)
            for n in counts:
                if n == 0:
                    out.append(())
                    continue
                if n > 32:
                    continue
                for variant in inner[:8]:
                    out.append(tuple(variant) * n)
            return out or None
        if op is _sre.SUBPATTERN:
            return self.seq(av[3], flags_case(av[1], ic)) or None
        if op is _sre.BRANCH:
            out = []
            for alt in av[1]:
                out += self.seq(alt, ic)
            return out[:MAX_SAMPLES] or None
        if op is getattr(_sre, "ATOMIC_GROUP", None):
            return self.seq(av, ic) or None
        if op is _sre.GROUPREF_EXISTS:
            out = self.seq(av[1], ic)
            if av[2] is not None:
                out += self.seq(av[2], ic)
            return out or None
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            return [()]
        return None  # back-references and the like: no readable sample


def _samples(pattern: str, ignore_case: bool) -> list[tuple[str, tuple[int, ...]]]:
    tree = parse_tree(pattern)
    if tree is None:
        return []
    ic = flags_case(tree.state.flags, ignore_case)
    out: list[tuple[str, tuple[int, ...]]] = []
    seen: set[str] = set()
    for sample in _Sampler(ic).seq(list(tree)):
        text = "".join(t for t, _ in sample)
        flags = tuple(kind for t, kind in sample for _ in t)
        if text not in seen and len(text) <= MAX_CANDIDATE_LEN:
            seen.add(text)
            out.append((text, flags))
    return out


# ---------------------------------------------------------------- the analysis


class _Probe:
    """Every match attempt goes through here: counted and length-capped."""

    def __init__(self, matcher: OriginMatcher):
        self.matcher = matcher
        self.limit = MAX_ATTEMPTS
        self.attempts = 0
        self.exhausted = False
        self.cache: dict[str, bool] = {}
        # a pattern that stands for a short list is answered from the list:
        # no match attempt, no cost to bound
        self.language = matcher.language()

    @property
    def free(self) -> bool:
        """Answers cost nothing (the exact language is known)."""
        return self.language is not None

    def __call__(self, text: str) -> bool:
        if text in self.cache:
            return self.cache[text]
        if len(text) > MAX_CANDIDATE_LEN:
            return False
        if self.language is not None:
            known = self.language.says(text)
            if known is not None:
                return known
        if self.attempts >= self.limit:
            self.exhausted = True
            return False
        self.attempts += 1
        result = bool(self.matcher.matches(text))
        self.cache[text] = result
        return result


def _valid_origin(text: str) -> engine.Origin | None:
    """``text`` parsed as an origin, when it is exactly what a browser sends
    for a page on a plausible host."""
    if engine.origin_value_problem(text) is not None or text == "null":
        return None
    origin = engine.parse_origin(text)
    if origin is None or origin.opaque or origin.serialize() != text or not plausible_host(origin.host):
        return None
    return origin


_HOSTNAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\]")


def _meant_from_sample(text: str, flags: tuple[int, ...], probe: _Probe) -> list[tuple[Meant, bool]]:
    """(meant origin, read a lone '.' as a letter) for one sample."""
    found: list[tuple[Meant, bool]] = []
    texts = [(text, flags)]
    sep = text.find("://")
    if sep < 0 and text.startswith("."):
        # ``\.example\.com$`` under search: some name, then the domain
        texts = [("https://app" + text, (LIT,) * 8 + (FILL,) * 3 + flags),
                 ("http://app" + text, (LIT,) * 7 + (FILL,) * 3 + flags)]
    elif sep < 0 and not text.startswith("/"):
        # a pattern without a scheme (``example\.com$`` under search)
        texts = [("https://" + text, (LIT,) * 8 + flags), ("http://" + text, (LIT,) * 7 + flags)]
    elif sep >= 0 and any(k != LIT for k in flags[:sep]):
        # a scheme the pattern leaves open (``^.*://``, ``^[a-z]+://``)
        rest, rest_flags = text[sep:], flags[sep:]
        texts = [("https" + rest, (LIT,) * 5 + rest_flags), ("http" + rest, (LIT,) * 4 + rest_flags)]
    for full, fl in texts:
        parts = engine.parse_url(full)
        if parts is None or parts.userinfo or not parts.host or parts.scheme not in ("http", "https"):
            continue
        origin = engine.Origin(parts.scheme, parts.host, parts.port)
        serialized = origin.serialize()
        if _valid_origin(serialized) is None or not _HOSTNAME.fullmatch(parts.host):
            continue  # nobody's site is called that: a filler, not what the authors meant
        start = full.find("://") + 3
        end = start + len(parts.host)
        written = full[start:end]
        kinds = tuple(fl[start:end]) if written.lower() == parts.host and len(fl) >= end else (
            (FILL,) * len(parts.host))
        literal = tuple(k == LIT for k in kinds)
        tail = ""
        if not probe(serialized):
            rest = parts.rest
            if not rest.startswith("/") or len(rest) > MAX_TAIL or not probe(serialized + rest):
                continue
            tail = rest
        found.append((Meant(serialized, origin.scheme, origin.host, origin.port, tail, literal),
                      ANY_X in fl))
    return found


def _own_domains(meant: tuple[Meant, ...]) -> set[str]:
    """Registrable domains the pattern names literally: its authors' own."""
    own: set[str] = set()
    for m in meant:
        reg = registrable_domain(m.host)
        if reg is None or not m.literal:
            continue
        span = m.literal[len(m.host) - len(reg):]
        if all(span):
            own.add(reg)
    return own


def _candidates(m: Meant, special: bool = True) -> Iterator[tuple[str, str, str]]:
    """(kind, attacker origin, why) derived from one meant origin."""
    s, h, port = m.scheme, m.host, m.port_text
    reg = registrable_domain(h)
    ps = public_suffix(h)
    reg_written = reg is not None and all(m.literal[len(h) - len(reg):])
    yield "prefix", f"{s}://{h}.{ATTACKER_DOMAIN}{port}", "it is not anchored at the end"
    if port:
        yield "prefix", f"{s}://{h}.{ATTACKER_DOMAIN}", "it is not anchored at the end"
    if reg_written:
        why = f"nothing requires a dot or '://' right before '{reg}'"
        yield "suffix", f"{s}://evil{reg}{port}", why
        yield "suffix", f"{s}://evil-{reg}{port}", why
    if m.host_is_literal and reg != h:
        yield "suffix", f"{s}://evil{h}{port}", f"nothing requires a dot or '://' right before '{h}'"
    if ps:
        if is_shared_host(ps):
            why = f"any site under {ps}, a shared host where anyone can publish one"
        else:
            why = f"any domain under .{ps}, which anyone can register"
        yield "tenant", f"{s}://{ATTACKER_LABEL}.{ps}{port}", why
        if not m.host_is_literal and m.literal:
            # the attacker chooses what the pattern leaves open
            refill = []
            previous = True
            for ch, lit in zip(h, m.literal):
                if lit:
                    refill.append(ch)
                elif previous:
                    refill.append(ATTACKER_LABEL)
                previous = lit
            host = "".join(refill)
            if host != h:
                if is_shared_host(ps):
                    why = (f"the name it leaves open under {ps} can be any site there: a shared host "
                           "where anyone can publish one")
                else:
                    why = "the name it leaves open can be a domain anyone can register"
                yield "tenant", f"{s}://{host}{port}", why
    for i, ch in enumerate(h):
        if ch == ".":
            for filler in ("x", "-"):
                yield "dot", f"{s}://{h[:i]}{filler}{h[i + 1:]}{port}", "an unescaped '.' matches any character"
    for c in SPECIAL_CHARS if special else ():
        if c == "_":
            why = "it admits a '_' right after the name, which Chrome and Firefox accept in host names"
        else:
            why = (f"it admits a '{c}' right after the name, which browsers with lenient host "
                   "parsing (Safari has been one) accept in host names")
        yield "special", f"{s}://{h}{c}.{ATTACKER_DOMAIN}{port}", why


def _classify(kind: str, origin: engine.Origin, meant: tuple[Meant, ...], own: set[str]) -> str | None:
    """The candidate's kind if it is an attacker's origin, HYGIENE for a dot
    trick that yields no registrable name, None when it is the authors' own."""
    host = origin.host
    if any(m.host == host and m.host_is_literal for m in meant):
        return None
    reg = registrable_domain(host)
    if reg is None:
        return HYGIENE if kind == "dot" else None
    if reg in own:
        return None
    return kind


def analyse(matcher: OriginMatcher) -> Analysis:
    """What ``matcher`` admits. Worked out once per matcher rule and run
    (the same pattern in many routes is analysed once)."""
    analyses = memo.table("allowlist analyses")
    key = (type(matcher), matcher.pattern, matcher.flavour, matcher.ignore_case)
    found = analyses.get(key)
    if found is None:
        with memo.run():  # asked outside a lint: its many match attempts still share memos
            found = analyses[key] = _analyse(matcher)
    return found


def _meant_readings(matcher: OriginMatcher, samples, probe: _Probe) -> tuple[Meant, ...]:
    """The origins a regex's authors evidently meant, most literal first."""
    readings: list[tuple[Meant, bool]] = []
    for text, flags in samples:
        for m, letter in _meant_from_sample(text, flags, probe):
            if all(m.origin != x.origin for x, _ in readings):
                readings.append((m, letter))
    # a lone '.' read as a letter only when reading it as a dot gives nothing
    plain = [m for m, letter in readings if not letter]
    meant = plain or [m for m, _ in readings]
    meant.sort(key=lambda m: (sum(1 for lit in m.literal if not lit), bool(m.tail),
                              m.scheme != "https", len(m.origin)))
    return tuple(meant[:MAX_MEANT])


def _analyse(matcher: OriginMatcher) -> Analysis:
    # filled in as the analysis goes, frozen when it returns
    result = SimpleNamespace(matcher=matcher, meant=(), attacks=(), admits_null=False, insecure=(),
                             gave_up="", attempts=0, matches_no_origin=False, accepted_sample="")
    if not matcher.compilable:
        return Analysis(**vars(result))  # a regex Python cannot compile matches nothing
    if matcher.beyond_limits:
        # not run at all (it would be run by a backtracking engine, unbounded)
        result.gave_up = f"it could not be analysed within corslint's limits: {matcher.beyond_limits}"
        return Analysis(**vars(result))
    probe = _Probe(matcher)
    # A reading of the pattern that is an origin and that the pattern accepts
    # proves it admits some origin: the automaton is built only for the rest
    # (almost every allowlist has such a reading; most have thousands of entries).
    samples = None
    if matcher.is_regex and not redos_risk(matcher.pattern, matcher.ignore_case):
        samples = _samples(matcher.pattern, matcher.ignore_case)
    proven_live = samples is not None and any(
        _valid_origin(t) is not None and probe(t) for t, _ in samples[:MAX_SAMPLES])
    if matcher.is_regex and not proven_live and \
            origin_reach(matcher.pattern, matcher.flavour, matcher.ignore_case).none:
        # Nothing gets in: say only what the authors meant, and why it fails.
        result.matches_no_origin = True
        if samples is not None:
            # no match is tried on a pattern that can make a backtracking engine hang
            result.accepted_sample = next((t for t, _ in samples[:MAX_SAMPLES] if probe(t)), "")
            result.meant = _meant_readings(matcher, samples, probe)
        result.attempts = probe.attempts
        return Analysis(**vars(result))
    # four characters: cheap for any pattern, however pathological
    result.admits_null = probe("null")
    if matcher.is_regex:
        risk = redos_risk(matcher.pattern, matcher.ignore_case)
        if risk:
            result.gave_up = (f"it has {risk}, which can make a backtracking regex engine run for "
                              "minutes on one crafted Origin")
            result.attempts = probe.attempts
            return Analysis(**vars(result))

    # 1. what the authors meant
    if matcher.is_regex:
        result.meant = _meant_readings(matcher, samples if samples is not None
                                       else _samples(matcher.pattern, matcher.ignore_case), probe)
    else:
        origin = _valid_origin(matcher.pattern.lower() if matcher.flavour == "exact-nocase"
                               else matcher.pattern)
        if origin is not None and probe(origin.serialize()):
            result.meant = (Meant(origin.serialize(), origin.scheme, origin.host, origin.port, "",
                                  (True,) * len(origin.host)),)
    own = _own_domains(result.meant)

    # 2. attacker origins, confirmed with the matcher's own rule on the origin
    # itself: a pattern that also wants a path after it does not admit it
    attacks: dict[str, Attack] = {}
    if matcher.is_regex and probe(ANY_ORIGIN):
        attacks[ANY_ORIGIN] = Attack(ANY_ORIGIN, "any", "it accepts any origin", None, ANY_ORIGIN)
    if matcher.is_regex:
        for i, m in enumerate(result.meant):
            for kind, candidate, why in _candidates(m, special=i < MAX_SPECIAL):
                if candidate in attacks:
                    continue
                if probe.free and not probe(candidate):
                    continue  # the list answers at once: skip the costlier tests
                origin = _valid_origin(candidate)
                if origin is None:
                    continue
                verdict = _classify(kind, origin, result.meant, own)
                if verdict is None or not probe(candidate):
                    continue
                attacks[candidate] = Attack(candidate, verdict, why, m, candidate)
    order = {k: i for i, k in enumerate(KINDS + (HYGIENE,))}
    result.attacks = tuple(sorted(attacks.values(), key=lambda a: order[a.kind]))

    # 3. plain-HTTP origins
    insecure: list[Insecure] = []
    for m in result.meant:
        if is_loopback(m.host) or any(a.kind == "any" for a in result.attacks):
            continue
        if not (m.host_is_literal or registrable_domain(m.host) in own):
            continue  # a filler's host: nobody's page in particular
        http = f"http://{m.host}{m.port_text}"
        https = f"https://{m.host}{m.port_text}"
        if _valid_origin(http) is None or not probe(http):
            continue
        twin = https if probe(https) else None
        if all(i.origin != http for i in insecure):
            insecure.append(Insecure(http, twin, m, http))
    result.insecure = tuple(insecure)

    result.attempts = probe.attempts
    if probe.exhausted and not result.attacks:
        # what was found is confirmed; only a clean bill of health is not
        result.gave_up = f"it needed more than {MAX_ATTEMPTS} match attempts"
    return Analysis(**vars(result))


# ---------------------------------------------------------------- where allowlists are used


def uses(model: PolicyModel) -> Iterator[tuple[Route | None, OriginMatcher]]:
    """(route, matcher) for every allowlist entry a route consults, then
    (None, matcher) for entries a frontend found outside any route (the
    optional ``PolicyModel.origin_allowlists``: e.g. a map-only snippet)."""
    for route in model.routes:
        for matcher in route.origin_matchers():
            yield route, matcher
    for matcher in getattr(model, "origin_allowlists", None) or ():
        yield None, matcher


def grants(route: Route, origin: str) -> tuple[bool, bool]:
    """(the route names ``origin`` in Access-Control-Allow-Origin on an answer
    a page can read, that answer also says Access-Control-Allow-Credentials: true)."""
    allowed = credentials = False
    for method in ("GET", "OPTIONS"):
        ans = answer(route, method, origin, credentials=True, preflight=method == "OPTIONS")
        if ans is None or ans.response.status >= 400:
            continue  # reading an error answer gives an attacker nothing
        if any(h.lname == "access-control-allow-origin" and v.strip(" \t") == origin for h, v in ans.sent):
            allowed = True
            credentials = credentials or any(
                h.lname == "access-control-allow-credentials" and v.strip(" \t") == "true"
                for h, v in ans.sent)
    return allowed, credentials


def reflects_everyone(route: Route, matcher: OriginMatcher) -> bool:
    """The route grants origins ``matcher`` does not accept: it echoes every
    origin whatever the pattern says (CORS105's finding, not the pattern's)."""
    return any(grants(route, s)[0] and not matcher.matches(s) for s in STRANGERS)


def _passes(route: Route, origin: str) -> bool:
    ans = answer(route, "GET", origin)
    return ans is not None and ans.response.status < 400 and not ans.auth_blocked


def is_denylist(route: Route | None, matcher: OriginMatcher, admitted: str) -> bool:
    """The route refuses what ``matcher`` accepts and lets strangers through:
    the pattern names origins to turn away, not to trust."""
    if route is None:
        return False
    stranger = next((s for s in STRANGERS if not matcher.matches(s)), None)
    if stranger is None:
        return False
    return not _passes(route, admitted) and _passes(route, stranger)


def sends_allow_origin(route: Route) -> bool:
    """The route's own configuration sends Access-Control-Allow-Origin somewhere."""
    return any(h.lname == "access-control-allow-origin"
               for h in list(route.all_emissions()) + list(route.configured_headers))


def judged_by_pattern(route: Route | None, analysis: Analysis) -> bool:
    """No route answer can confirm a candidate: the matcher sits in a route
    that never sends Access-Control-Allow-Origin itself (a gate in front of an
    upstream that does, a bare ``if`` in a snippet) or outside any route.
    Such a matcher is judged on what the pattern admits."""
    return route is None or not sends_allow_origin(route)


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


__all__ = [
    "ANY_ORIGIN", "ATTACKER_DOMAIN", "ATTACKER_LABEL", "Analysis", "Attack", "Insecure", "MAX_ATTEMPTS",
    "MAX_CANDIDATE_LEN", "Meant", "analyse", "grants", "is_denylist", "is_loopback", "is_shared_host",
    "judged_by_pattern", "public_suffix", "redos_risk", "reflects_everyone", "registrable_domain", "uses",
]
