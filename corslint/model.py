"""The policy model: what each reachable scope of a server answers.

Frontends build it, checks read it; nothing here knows which server a model came
from. A *route* is one place a request can land (a server + location, a vhost +
path, an application). A route holds *branches*: the first branch whose conditions
hold for a request answers it. A branch says what status it produces and which
headers it emits, each with its source position.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Union

from . import memo, regexlang

# Outcome.delegate of a scope whose content handler is not in the linted
# configuration: a snippet of headers only, included by a block that decides
# how requests are answered. Nothing can be said about its statuses.
HANDLER_UNKNOWN = "unknown"

# nginx's add_header without `always` and similar "on success only" tables send
# headers on these statuses; other statuses get them only with always.
SUCCESS_STATUSES = frozenset({200, 201, 204, 206, 301, 302, 303, 304, 307, 308})

CORS_RESPONSE_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
)

ALL_METHODS = ("OPTIONS", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True, slots=True)
class Source:
    """A position in a config file; ``via`` is the include chain, outermost first."""

    file: str
    line: int
    column: int = 1
    via: tuple["Source", ...] = ()

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# ---------------------------------------------------------------- origin matching

# How a frontend's allowlist compares an origin. Each flavour is the real
# matching rule of the engine that runs it.
MATCH_FLAVOURS = (
    "pcre-search",        # nginx `~`/`~*`, Apache regexes: unanchored search
    "python-match",       # re.match: anchored at the start only
    "python-fullmatch",   # re.fullmatch
    "js-test",            # RegExp.prototype.test: unanchored
    "exact",              # byte-equal string comparison
    "exact-nocase",       # case-insensitive string comparison
)


@dataclass(frozen=True, slots=True)
class OriginMatcher:
    """One allowlist entry: a regex or an exact string, with its engine's rule."""

    pattern: str
    flavour: str
    ignore_case: bool = False
    source: Source | None = None
    note: str = ""                 # provenance worth saying, as HeaderEmission.note

    @property
    def is_regex(self) -> bool:
        return self.flavour not in ("exact", "exact-nocase")

    def compiled(self) -> re.Pattern[str] | None:
        if not self.is_regex:
            return None
        return _compile(self.pattern, self.ignore_case)

    def matches(self, origin: str) -> bool:
        if self.flavour == "exact":
            return origin == self.pattern
        if self.flavour == "exact-nocase":
            return origin.lower() == self.pattern.lower()
        # the checks ask each allowlist about the same few origins many times
        finders = memo.table("origin finders")
        key = (self.pattern, self.ignore_case, self.flavour)
        find = finders.get(key)
        if find is None:
            find = finders[key] = self._finder()
        return find(origin)

    def lookup_keys(self):
        """``(key_of, keys)`` when this entry accepts exactly the origins
        ``o`` for which some key in ``key_of(o)`` is in ``keys`` (``key_of``
        a module-level function, None for an origin it cannot speak for);
        None when only :meth:`matches` can say. Lets a long allowlist be
        looked up instead of scanned."""
        if self.flavour == "exact":
            return _exact_key, (self.pattern,)
        if self.flavour == "exact-nocase":
            return _nocase_key, (self.pattern.lower(),)
        words = self.language()
        if words is None:
            return None
        return (_language_nocase_key if words.ignore_case else _language_key), words.words

    @property
    def compilable(self) -> bool:
        """False for a regex its engine rejects (it then matches nothing)."""
        return not self.is_regex or self.language() is not None or self.compiled() is not None

    def language(self) -> regexlang.ExactLanguage | None:
        """Every text this regex entry accepts, when that is a short list
        (:func:`corslint.regexlang.language`); None otherwise."""
        return regexlang.language(self.pattern, self.flavour, self.ignore_case) if self.is_regex else None

    def _finder(self):
        """The one call that says whether a text matches this regex entry,
        remembering its verdicts. A short list answers without any regex
        engine; the engine is compiled only for what the list cannot say (a
        newline, non-ASCII) or when there is no list."""
        words = self.language()
        engine = None
        verdicts: dict[str, bool] = {}

        def find(text: str) -> bool:
            nonlocal engine
            verdict = verdicts.get(text)
            if verdict is not None:
                return verdict
            if words is not None:
                verdict = words.says(text)
            if verdict is None:
                if engine is None:
                    engine = self._compile_finder()
                verdict = engine(text)
            verdicts[text] = verdict
            return verdict

        return find

    def _compile_finder(self):
        # Same yes/no as re/PCRE/JS for what origins contain, with bounded
        # cost: a catastrophic pattern in a config must not hang the linter.
        # One beyond the bound (see regexlang.bounded) matches nothing here;
        # the allowlist analysis names it.
        rx = regexlang.bounded(self.pattern, self.ignore_case)
        how = {"python-match": "match", "python-fullmatch": "fullmatch"}.get(self.flavour, "search")
        return lambda text: rx.run(how, text) is not None

    @property
    def beyond_limits(self) -> str:
        """Why this regex entry cannot be run within corslint's limits (see
        :func:`corslint.regexlang.bounded`); "" when it can."""
        if not self.is_regex or self.language() is not None:
            return ""
        return regexlang.bounded(self.pattern, self.ignore_case).limit


@memo.per_run
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str] | None:
    try:
        # PCRE and JS accept `\/`; Python accepts it too. Possessive and
        # other PCRE-only syntax simply fails to compile and is skipped.
        return re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except (re.error, OverflowError, RecursionError):
        return None


@dataclass(frozen=True, slots=True)
class OriginTest:
    """A branch condition on the request's Origin: matcher matches == expect."""

    matcher: OriginMatcher
    expect: bool = True

    def holds(self, origin: str | None) -> bool:
        if origin is None:
            return not self.expect
        return self.matcher.matches(origin) == self.expect


# ---------------------------------------------------------------- header values


@dataclass(frozen=True, slots=True)
class Lit:
    """Literal text."""

    text: str


@dataclass(frozen=True, slots=True)
class OriginRef:
    """The request's Origin header, echoed as it came."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value corslint cannot resolve (a variable set at run time, an env var).

    ``meaning`` says what a request variable stands for, whatever its server
    calls it: "host" (the request's host), "scheme", "path" (path and query),
    "query"; empty when it is none of these."""

    name: str
    meaning: str = ""


@dataclass(frozen=True, slots=True)
class MapEntry:
    matcher: OriginMatcher
    value: "Value"


@dataclass(frozen=True, slots=True)
class OriginMap:
    """A value chosen by matching the Origin against entries in order."""

    entries: tuple[MapEntry, ...]
    default: "Value"
    source: Source | None = None
    default_source: Source | None = None   # the line giving the default; None: implicit ""


@dataclass(frozen=True, slots=True)
class Choice:
    """One of several values, chosen by something other than the Origin."""

    options: tuple["Value", ...]
    reason: str


Part = Union[Lit, OriginRef, Unknown, OriginMap, Choice]


@dataclass(frozen=True)
class Value:
    """A header value: a concatenation of parts."""

    parts: tuple[Part, ...]

    @classmethod
    def literal(cls, text: str) -> "Value":
        return cls((Lit(text),))

    @classmethod
    def origin(cls) -> "Value":
        return cls((OriginRef(),))

    # -- evaluation for one request

    def evaluate(self, origin: str | None, known: dict[str, str] | None = None) -> str | None:
        """The concrete text for a request from ``origin``; None when unknown.

        ``known`` supplies values for variables the caller can stand in for
        (e.g. a redirect's $host and $request_uri when building an example)."""
        parts = self.parts
        if len(parts) == 1 and type(parts[0]) is Lit:
            return parts[0].text  # the common case: a plain header value
        out: list[str] = []
        for part in parts:
            if isinstance(part, Unknown) and known is not None and part.meaning in known:
                out.append(known[part.meaning])
                continue
            text = _evaluate_part(part, origin)
            if text is None:
                return None
            out.append(text)
        return "".join(out)

    # -- static questions the checks ask

    @property
    def is_literal(self) -> bool:
        return all(isinstance(p, Lit) for p in self.parts)

    @property
    def literal_text(self) -> str | None:
        return "".join(p.text for p in self.parts) if self.is_literal else None  # type: ignore[union-attr]

    @property
    def has_unknown(self) -> bool:
        return any(_part_has(p, Unknown) for p in self.parts)

    @property
    def depends_on_origin(self) -> bool:
        return any(_part_has(p, (OriginRef, OriginMap)) for p in self.parts)

    @property
    def reflects_unchecked(self) -> bool:
        """The Origin is echoed with no allowlist in front of it (top level, or
        the default of a map)."""
        return any(_reflects_unchecked(p) for p in self.parts)

    def origin_maps(self) -> Iterator[OriginMap]:
        for p in self.parts:
            yield from _iter_maps(p)

    def alternatives(self) -> tuple["Value", ...]:
        """Every distinct value this may take, with maps and choices expanded
        (literal alternatives stay literal; an entry that reflects stays
        OriginRef)."""
        return self._distinct_values

    def sourced_alternatives(self) -> tuple["Alternative", ...]:
        """Every value this may take, each with the allowlist entry or map
        default that produces it (one per entry: two entries giving the same
        value are two alternatives)."""
        return self._sourced

    # Worked out once per value (a value is read by many routes and rules) and
    # kept on the value itself, outside its identity: tuples, never changed.
    @functools.cached_property
    def _sourced(self) -> tuple["Alternative", ...]:
        return _expand(self, distinct=False)

    @functools.cached_property
    def _distinct(self) -> tuple["Alternative", ...]:
        return _expand(self, distinct=True)

    @functools.cached_property
    def _distinct_values(self) -> tuple["Value", ...]:
        return tuple(alt.value for alt in self._distinct)

    def render(self) -> str:
        return "".join(_render_part(p) for p in self.parts)


def _evaluate_part(part: Part, origin: str | None) -> str | None:
    if isinstance(part, Lit):
        return part.text
    if isinstance(part, OriginRef):
        return origin if origin is not None else ""
    if isinstance(part, OriginMap):
        if origin is not None:
            entry = first_match(part, origin)
            if entry is not None:
                return entry.value.evaluate(origin)
        return part.default.evaluate(origin)
    if isinstance(part, Choice):
        texts = {opt.evaluate(origin) for opt in part.options}
        return texts.pop() if len(texts) == 1 else None
    return None


def first_match(omap: OriginMap, origin: str) -> MapEntry | None:
    """The first entry of ``omap`` that accepts ``origin``, as a scan in order
    would find it, in time that does not grow with the entries that a table
    can answer for (exact strings, short regex languages): an allowlist of
    thousands of entries is asked about thousands of origins."""
    entries = omap.entries
    if len(entries) < _INDEX_FROM:
        for entry in entries:
            if entry.matcher.matches(origin):
                return entry
        return None
    # the map is kept beside its index: an id is unique only while its object lives
    indexes = memo.table("origin map indexes")
    kept = indexes.get(id(omap))
    if kept is None or kept[0] is not omap:
        kept = indexes[id(omap)] = (omap, _MapIndex(entries))
    return kept[1].first(origin)


_INDEX_FROM = 8           # entries from which a map is looked up through a table


class _MapIndex:
    """Entries grouped by how they can be looked up: for each key function,
    the first entry accepting each key; the others (open regexes) in order."""

    def __init__(self, entries: tuple[MapEntry, ...]):
        self.entries = entries
        self.tables: dict = {}          # key function -> {key: first entry position}
        self.scanned: list[int] = []    # positions of entries only a scan can answer for
        for pos, entry in enumerate(entries):
            keyed = entry.matcher.lookup_keys()
            if keyed is None:
                self.scanned.append(pos)
                continue
            key_of, keys = keyed
            table = self.tables.setdefault(key_of, {})
            for key in keys:
                table.setdefault(key, pos)

    def first(self, origin: str) -> MapEntry | None:
        best = len(self.entries)
        for key_of, table in self.tables.items():
            keys = key_of(origin)
            if keys is None:  # an origin the tables cannot speak for: scan in order
                for entry in self.entries:
                    if entry.matcher.matches(origin):
                        return entry
                return None
            for key in keys:
                pos = table.get(key)
                if pos is not None and pos < best:
                    best = pos
        for pos in self.scanned:
            if pos >= best:
                break
            if self.entries[pos].matcher.matches(origin):
                return self.entries[pos]
        return self.entries[best] if best < len(self.entries) else None


def _exact_key(origin: str) -> tuple[str, ...]:
    return (origin,)


def _nocase_key(origin: str) -> tuple[str, ...]:
    return (origin.lower(),)


def _language_key(origin: str) -> tuple[str, ...] | None:
    # regexlang.ExactLanguage.says leaves newlines and non-ASCII to the engine
    return None if "\n" in origin or not origin.isascii() else (origin,)


def _language_nocase_key(origin: str) -> tuple[str, ...] | None:
    return None if "\n" in origin or not origin.isascii() else (origin.lower(),)


def _part_has(part: Part, kinds) -> bool:
    if isinstance(part, kinds):
        return True
    if isinstance(part, OriginMap):
        return any(_part_has(q, kinds) for e in part.entries for q in e.value.parts) or any(
            _part_has(q, kinds) for q in part.default.parts
        )
    if isinstance(part, Choice):
        return any(_part_has(q, kinds) for o in part.options for q in o.parts)
    return False


def _reflects_unchecked(part: Part) -> bool:
    if isinstance(part, OriginRef):
        return True
    if isinstance(part, OriginMap):
        return any(_reflects_unchecked(q) for q in part.default.parts)
    if isinstance(part, Choice):
        return any(_reflects_unchecked(q) for o in part.options for q in o.parts)
    return False


def _iter_maps(part: Part) -> Iterator[OriginMap]:
    if isinstance(part, OriginMap):
        yield part
        for e in part.entries:
            for q in e.value.parts:
                yield from _iter_maps(q)
        for q in part.default.parts:
            yield from _iter_maps(q)
    elif isinstance(part, Choice):
        for o in part.options:
            for q in o.parts:
                yield from _iter_maps(q)


@dataclass(frozen=True)
class Alternative:
    """One value a header value can take, with where it is written: ``entry``
    is the allowlist entry that chose it (None for a value written in the
    directive itself), ``omap`` the map whose default it is."""

    value: Value
    entry: MapEntry | None = None
    omap: OriginMap | None = None

    def source(self, emission: "HeaderEmission") -> Source:
        """Where to point at this value: its entry, its map's default, else the emission."""
        if self.entry is not None and self.entry.matcher.source is not None:
            return self.entry.matcher.source
        if self.omap is not None and (self.omap.default_source or self.omap.source) is not None:
            return self.omap.default_source or self.omap.source
        return emission.source

    @property
    def is_pure_reflection(self) -> bool:
        return self.value.parts == (OriginRef(),)


# Combinations kept per value: a value built from several large maps has more
# alternatives than any check needs.
MAX_ALTERNATIVES = 64


def _expand(value: Value, distinct: bool) -> tuple[Alternative, ...]:
    """The one walk behind :meth:`Value.alternatives` (``distinct``: each
    map or choice contributes each value once) and
    :meth:`Value.sourced_alternatives` (every entry, duplicates included)."""
    results: list[Alternative] = [Alternative(Value(()))]
    for part in value.parts:
        options = _part_expansions(part, distinct)
        results = [Alternative(Value(r.value.parts + o.value.parts), o.entry or r.entry, o.omap or r.omap)
                   for r in results for o in options][:MAX_ALTERNATIVES]
    return tuple(results)


def _part_expansions(part: Part, distinct: bool) -> list[Alternative]:
    def of(v: Value) -> tuple[Alternative, ...]:
        return v._distinct if distinct else v._sourced

    if isinstance(part, OriginMap):
        out = [Alternative(alt.value, alt.entry or entry, alt.omap)
               for entry in part.entries for alt in of(entry.value)]
        out += [Alternative(alt.value, alt.entry, alt.omap or (part if alt.entry is None else None))
                for alt in of(part.default)]
    elif isinstance(part, Choice):
        out = [alt for option in part.options for alt in of(option)]
    else:
        return [Alternative(Value((part,)))]
    if not distinct:
        return out
    first: dict[tuple, Alternative] = {}
    for alt in out:
        first.setdefault(alt.value.parts, alt)
    return list(first.values())


def _render_part(part: Part) -> str:
    if isinstance(part, Lit):
        return part.text
    if isinstance(part, OriginRef):
        return "<request Origin>"
    if isinstance(part, Unknown):
        return f"<{part.name}>"
    if isinstance(part, OriginMap):
        return "<Origin allowlist>"
    return "<" + part.reason + ">"


# ---------------------------------------------------------------- emissions, branches


@dataclass(frozen=True, slots=True)
class HeaderEmission:
    """One response header a scope adds."""

    name: str
    value: Value
    source: Source
    always: bool = False          # sent on every status, errors included
    omit_if_empty: bool = True     # nginx add_header sends nothing for ""
    raw: str = ""                  # the value as written in the config
    replaces: bool = False         # replaces a same-named header (upstream's included)
    note: str = ""                 # provenance worth saying in a finding, e.g. "the default of
                                   # os.environ.get('CORS_ALLOW_ALL_ORIGINS')"
    library_default: bool = False  # the library sends it unasked (nothing the user wrote)
    lname: str = field(default="", init=False, repr=False, compare=False)  # name, lower case

    def __post_init__(self):
        # asked for on every scenario: computed once (frozen, hence object.__setattr__)
        object.__setattr__(self, "lname", self.name.lower())

    def sent_on(self, status: int | None) -> bool:
        if self.always:
            return True
        return status is None or status in SUCCESS_STATUSES


@dataclass(frozen=True, slots=True)
class Outcome:
    """What status a branch produces.

    ``status`` None means the status is decided elsewhere (an upstream, the app,
    the file system); ``delegate`` says what decides it. ``hidden_upstream`` are
    header names the proxy strips from the upstream's answer.
    """

    status: int | None
    source: Source
    location: Value | None = None
    delegate: str | None = None   # "upstream", "files", "app", HANDLER_UNKNOWN, or None
    hidden_upstream: frozenset[str] = frozenset()
    reason: str = ""               # human words: "return 204", "static files answer OPTIONS with 405"
    # Where a proxied request goes, as written ("http://api:3000",
    # "http://backend" naming an upstream block): what links the proxy to an
    # app in the same tree (corslint.pipeline.link). "" when not proxied.
    target: str = ""
    # The servers of the group ``target`` names (an nginx `upstream` block's
    # `server` lines), each with its place; empty when it names a host itself.
    target_servers: tuple[tuple[str, Source], ...] = ()
    # How the request's path reaches ``target``: "" passed as it is; a
    # prefix of the request's path that the target's own path replaces
    # (nginx `proxy_pass` with a URI in a prefix location, Apache `ProxyPass
    # /api/ http://x/`); None when the config does not say which path the
    # upstream sees (a regex scope, a variable or a rewrite).
    forwarded_prefix: str | None = None
    # The app behind the proxy is in the linted tree and its answer is in this
    # branch's headers (corslint.pipeline.link composed them): the upstream's
    # headers are known, not a condition.
    upstream_known: bool = False

    @property
    def is_redirect(self) -> bool:
        return self.status is not None and 300 <= self.status < 400 and self.location is not None

    @property
    def is_ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class Shadowed:
    """Headers from an outer scope that this branch does not send because a
    narrower scope defines its own (nginx add_header inheritance and the like)."""

    emissions: tuple[HeaderEmission, ...]
    by: Source                      # the directive at the narrower level
    by_what: str = ""               # e.g. "add_header inside if"


@dataclass(frozen=True)
class Branch:
    """One way a request through a route can go.

    ``methods`` None means any method. ``origin_tests`` must all hold.
    ``opaque_conditions`` are conditions corslint cannot evaluate (it assumes the
    branch may apply). ``auth`` means requests without credentials get 401.
    """

    outcome: Outcome
    headers: tuple[HeaderEmission, ...] = ()
    methods: frozenset[str] | None = None
    origin_tests: tuple[OriginTest, ...] = ()
    opaque_conditions: tuple[str, ...] = ()
    # Those of ``opaque_conditions`` that test a value set outside what
    # corslint read (a snippet's `if ($cors = 'true')`, `$cors` set by its
    # includer), not one the request controls: the includer may decide them
    # on a check of its own, so what they guard is said as a condition.
    config_gates: tuple[str, ...] = ()
    auth: Source | None = None
    auth_what: str = ""
    shadowed: tuple[Shadowed, ...] = ()
    source: Source | None = None
    label: str = ""

    @functools.cached_property
    def uses_origin(self) -> bool:
        """The answer depends on the request's Origin (a value or a redirect
        target built from it); asked on every scenario, worked out once."""
        return self.outcome.location is not None or any(h.value.depends_on_origin for h in self.headers)

    @functools.cached_property
    def answers(self) -> dict:
        """The responses this branch gives, by what the request varies in
        (scenarios.answer_branch fills it)."""
        return {}

    def applies(self, method: str, origin: str | None) -> bool:
        if self.methods is not None and method.upper() not in self.methods:
            return False
        return all(t.holds(origin) for t in self.origin_tests)

    def emissions(self, name: str) -> list[HeaderEmission]:
        lname = name.lower()
        return [h for h in self.headers if h.lname == lname]


@dataclass(frozen=True, slots=True)
class ExpectedHeader:
    """A request header the config itself reads (e.g. nginx $http_x_api_key)."""

    name: str
    source: Source


@dataclass
class Route:
    """One reachable scope: where a request lands and how it is answered."""

    name: str
    source: Source
    branches: list[Branch]
    https: bool | None = None           # the service is served over TLS
    hosts: tuple[str, ...] = ()
    path: str = "/"
    expected_request_headers: tuple[ExpectedHeader, ...] = ()
    declared_methods: tuple[tuple[str, Source], ...] = ()  # methods the config handles explicitly
    frontend: str = ""                  # for display only; checks must not branch on it
    # Headers the route's own configuration sets, whether or not a branch sends
    # them: the author's intent even where a redirect or return pre-empts them.
    configured_headers: tuple[HeaderEmission, ...] = ()
    # Why browsers evidently send this route no preflights, in words ("it
    # upgrades to a WebSocket", "it serves documentation pages"): the browser
    # opens it itself rather than a script fetching it with custom headers, so
    # header and method lists set elsewhere say nothing about it. "" when
    # nothing in the configuration says so.
    never_preflighted: str = ""
    # How the route's path selects requests, where a server chooses among
    # its routes by path (see PathMatch); None: ``path`` read as a prefix.
    path_match: "PathMatch | None" = None
    # The route stands for requests no location of its server matches (the
    # server level answers them): modelled for the headers its locations
    # inherit, not an API path anyone calls.
    leftover_scope: bool = False
    # Names the route's library was given that it does not read (a CORS
    # option spelt wrong), set by a library frontend that knows its names.
    ignored_names: tuple["IgnoredName", ...] = ()
    # Why a browser never gets this route's answer for a request to its own
    # path (nginx `internal`, the target of an auth_request subrequest): the
    # request is answered elsewhere, so no rule judging answers applies
    # here. Empty for a route a browser requests.
    not_browser_reachable: str = ""
    # What the route's configuration language calls such a scope, for
    # messages ("which this location accepts"): nginx's location, a path of
    # an Apache config, a framework's route.
    scope_noun: str = "route"
    # Derived answers the checks share (e.g. intended origins), computed once.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def branch_for(self, method: str, origin: str | None, include_opaque: bool = False) -> Branch | None:
        """The branch that answers; branches behind conditions corslint cannot
        evaluate are assumed not taken unless ``include_opaque``."""
        for branch in self.branches:
            if branch.opaque_conditions and not include_opaque:
                continue
            if branch.applies(method, origin):
                return branch
        return None

    @property
    def browser_reachable(self) -> bool:
        return not self.not_browser_reachable

    def all_emissions(self) -> Iterator[HeaderEmission]:
        seen: set[int] = set()
        for b in self.branches:
            for h in b.headers:
                if id(h) not in seen:
                    seen.add(id(h))
                    yield h

    def is_cors(self) -> bool:
        """The route sends at least one CORS response header somewhere, or its
        configuration sets one that no request reaches (e.g. everything is
        redirected before the location's headers apply)."""
        if "is_cors" not in self.memo:
            self.memo["is_cors"] = any(
                h.lname in CORS_RESPONSE_HEADERS
                for h in list(self.all_emissions()) + list(self.configured_headers))
        return self.memo["is_cors"]

    def origin_matchers(self) -> tuple[OriginMatcher, ...]:
        """Every origin allowlist entry this route consults, worked out once."""
        if "origin_matchers" not in self.memo:
            self.memo["origin_matchers"] = tuple(self._origin_matchers())
        return self.memo["origin_matchers"]

    def _origin_matchers(self) -> Iterator[OriginMatcher]:
        seen = set()
        for b in self.branches:
            for t in b.origin_tests:
                if t.matcher not in seen:
                    seen.add(t.matcher)
                    yield t.matcher
            for h in b.headers:
                for m in h.value.origin_maps():
                    for e in m.entries:
                        if e.matcher not in seen:
                            seen.add(e.matcher)
                            yield e.matcher


@dataclass
class ParseProblem:
    """A file that could not be read or parsed: one line, exit 2."""

    file: str
    line: int | None
    message: str
    fatal: bool = True   # False: a notice (e.g. a missing include); the file is still linted

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class PathMatch:
    """How a route's path selects requests: ``exact`` (that path only),
    ``prefix`` (paths starting with ``text``; a regex route may still take
    them first), ``final-prefix`` (a prefix no regex route overrides) or
    ``regex`` (``text`` is the pattern)."""

    kind: str
    text: str


@dataclass(frozen=True)
class LibraryName:
    """A name a CORS library reads (a keyword argument, a settings key, an
    options property): the CORS response header it controls ("" for none),
    what is lost when it is missed, and how much that costs."""

    name: str
    header: str = ""
    effect: str = ""
    level: str = "warning"


@dataclass(frozen=True)
class IgnoredName:
    """A name written where a library reads names that the library does not
    know, so it ignores it: ``owner`` is the library ("Flask-CORS"),
    ``known`` the names it reads there, ``present`` those of them the same
    place also sets (a misspelt twin of one of those has no effect)."""

    name: str
    source: Source
    owner: str
    known: tuple[LibraryName, ...]
    present: frozenset[str] = frozenset()
    # What the library does instead of ignoring it ("raises TypeError when
    # the app starts"), "" when it ignores the name.
    refused: str = ""


@dataclass(frozen=True)
class Link:
    """A proxy answer linked to the app behind it in the same tree: the
    proxy's place and target as written, the app's files (``app``: a file or
    a directory) and routes, and the evidence, each piece a place and what it
    says there ("service api, build ./api")."""

    proxy: Source
    target: str
    directive: str                  # the proxy's words ("proxy_pass http://api:3000")
    app: str
    app_routes: tuple[str, ...]
    app_files: tuple[str, ...]
    evidence: tuple[tuple[Source, str], ...]
    # The app sends no CORS header (no route of it in the model, and no CORS
    # library or header name in its sources): said with the link.
    app_sends_none: bool = False


@dataclass
class PolicyModel:
    """Everything the frontends found in one lint run."""

    routes: list[Route] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Origin allowlist entries no route consults (a map in a snippet that
    # nothing uses yet): still judged on the pattern alone.
    origin_allowlists: list[OriginMatcher] = field(default_factory=list)
    # Absolute paths of files another linted file includes: analysed in their
    # includer's context, not on their own.
    included_files: set[str] = field(default_factory=set)
    # Proxies linked to the apps behind them (corslint.pipeline.link).
    links: list[Link] = field(default_factory=list)

    def forget_derived(self) -> None:
        """Drop what the checks worked out and kept on the model's routes and
        branches (the answers to requests, per-route facts): memos of the
        run that made them, not part of the model."""
        for route in self.routes:
            route.memo.clear()
            for branch in route.branches:
                branch.__dict__.pop("answers", None)

    def extend(self, other: "PolicyModel") -> None:
        self.routes.extend(other.routes)
        self.problems.extend(other.problems)
        self.files.extend(other.files)
        self.origin_allowlists.extend(other.origin_allowlists)
        self.included_files |= other.included_files
        self.links.extend(other.links)


def header_names(emissions: Iterable[HeaderEmission]) -> set[str]:
    return {h.lname for h in emissions}
