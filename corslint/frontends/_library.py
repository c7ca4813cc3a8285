"""The shape every framework CORS library shares, and the one place that turns
a library's settings into the policy model.

A framework frontend (django-cors-headers, Flask-CORS, Starlette's
CORSMiddleware, Express's ``cors``...) is two things:

* a ``LibrarySemantics`` table: what the library does with its settings --
  which setting names it reads, its defaults (as its own source writes them),
  which origin policy kinds it offers and how it matches an Origin, what a
  ``*`` means next to credentials, how it answers a preflight, where ``Vary``
  goes, whether its other CORS headers reach origins it did not allow, and in
  which order the model lists them. Each fact is cited from the library's
  source, and tests/test_framework_truth.py compares the defaults with the
  installed package;
* a reader: finds the library's configuration in the application's source and
  resolves it into ``CorsSettings`` (a value written there, or the table's
  default).

``library_route`` then writes the Route -- its preflight branch, its
application branch and every header emission -- once for all libraries.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from ..model import Branch, HeaderEmission, IgnoredName, LibraryName, OriginMatcher, Outcome, Route, Source, Value
from ._appmodel import ACTUAL_METHODS, PREFLIGHT, OriginPolicy, emission

# Where a library's CORS headers other than Allow-Origin go.
ALLOWED_ORIGINS = "allowed-origins"   # only to answers that carry Allow-Origin
EVERY_ORIGIN = "every-origin"         # to every answer to a request with an Origin

# What ``*`` among the allowed origins makes the library answer.
WILDCARD_STAR = "star"                                   # always ``*`` (cors: browsers then refuse credentials)
WILDCARD_ECHO_WITH_CREDENTIALS = "echo-with-credentials"  # ``*``, the Origin echoed when credentials are on
WILDCARD_ECHO_UNLESS_SEND_WILDCARD = "echo-unless-send-wildcard"  # the Origin echoed unless told to send ``*``

# When the library adds ``Vary: Origin``.
VARY_EVERY_ANSWER = "every-answer"        # on every answer the middleware handles
VARY_UNLESS_STAR = "unless-star"          # whenever Allow-Origin is not ``*``
VARY_SEVERAL_ORIGINS = "several-origins"  # only to allowed origins, when more than one origin can be allowed
VARY_NEVER = "never"                      # never (aiohttp-cors)

# The header slots a table orders; each becomes zero or more emissions.
ORIGIN = "origin"
CREDENTIALS = "credentials"
EXPOSE = "expose"
VARY = "vary"
METHODS = "methods"
ALLOW_HEADERS = "allow-headers"
MAX_AGE = "max-age"
PREFLIGHT_VARY = "preflight-vary"
SLOTS = (ORIGIN, CREDENTIALS, EXPOSE, VARY, METHODS, ALLOW_HEADERS, MAX_AGE, PREFLIGHT_VARY)


@dataclass(frozen=True)
class LibrarySemantics:
    """One CORS library's behaviour, as data."""

    library: str                               # name and the version the facts were read from
    frontend: str                              # the frontend's NAME, for Route.frontend
    setting_names: Mapping[str, tuple[str, ...]]  # meaning -> names the library reads (first wins)
    defaults: Mapping[str, Any]                # meaning -> the library's default, verbatim
    policy_kinds: frozenset[str]               # OriginPolicy kinds the library can produce
    exact_engine: str                          # OriginMatcher flavour of a listed origin
    regex_engine: str                          # OriginMatcher flavour of a regex entry
    wildcard: str                              # WILDCARD_*
    headers_to: str                            # ALLOWED_ORIGINS or EVERY_ORIGIN
    vary_origin: str                           # VARY_*
    preflight_status: int                      # the middleware's own answer to a preflight
    preflight_reason: str                      # why; ``{status}`` is replaced by the status
    app_label: str                             # the branch that reaches the application
    app_reason: str
    actual_order: tuple[str, ...]              # header slots on answers from the application
    preflight_order: tuple[str, ...]           # header slots on the middleware's preflight answer
    vary_text: str = "Origin"
    preflight_vary: str = ""                   # a Vary the preflight answer always carries
    echo_vary: str = ""                        # a Vary added when the requested headers are echoed
    framework_options_label: str = ""          # the framework's own OPTIONS answer, when CORS is not on it
    exact_matcher: type[OriginMatcher] = OriginMatcher

    def __post_init__(self) -> None:
        for order in (self.actual_order, self.preflight_order):
            unknown = set(order) - set(SLOTS)
            if unknown:
                raise ValueError(f"{self.library}: unknown header slots {sorted(unknown)}")
        object.__setattr__(self, "setting_names", MappingProxyType(dict(self.setting_names)))
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))

    def exact(self, origin: str, source: Source | None, note: str = "") -> OriginMatcher:
        """A matcher for one listed origin, compared the library's way."""
        return self.exact_matcher(origin, self.exact_engine, source=source, note=note)

    def regex(self, pattern: str, ignore_case: bool, source: Source | None, note: str = "") -> OriginMatcher:
        """A matcher for one regex entry, run with the library's engine."""
        return OriginMatcher(pattern, self.regex_engine, ignore_case, source, note=note)

    def wildcard_policy(self, source: Source, *, echo: bool | None, unknown_what: str,
                        note: str = "") -> OriginPolicy:
        """The policy for ``*`` among the allowed origins. ``echo`` is what the
        table's wildcard rule depends on (credentials, or send_wildcard
        negated); None when the reader cannot tell."""
        if self.wildcard == WILDCARD_STAR:
            return OriginPolicy("star", source, note=note)
        if echo is None:
            return OriginPolicy("unknown", source, what=unknown_what)
        return OriginPolicy("reflect" if echo else "star", source, note=note)


@dataclass(frozen=True)
class Written:
    """One resolved setting: the header value it makes (a literal text or an
    unknown Value), where it was written (or where the default applies) and
    a provenance note."""

    value: Value | str
    source: Source
    note: str = ""
    library_default: bool = False   # the library's own value: the setting is not written


@dataclass(frozen=True)
class CorsSettings:
    """What a reader resolved for one middleware instance. A header field that
    is None is not sent."""

    origin: OriginPolicy
    origin_note: str = ""
    credentials: Written | None = None        # "true", or an unknown Value
    expose: Written | None = None
    methods: Written | None = None
    allow_headers: Written | None = None
    max_age: Written | None = None
    echoes_request_headers: bool = False     # allow_headers is the requested headers echoed back
    several_origins: bool = True             # more than one origin can be allowed (VARY_SEVERAL_ORIGINS)
    vary_switched_off: bool = False          # the library's own Vary option turned off
    vary_at: Source | None = None            # where the library's Vary comes into force (default: the origin policy)
    vary_by_app: Source | None = None        # the application adds Vary: Origin itself, here
    preflight_status: Any = None             # the status setting, when written (else the table's)
    preflight_outcome: Outcome | None = None  # the preflight answered elsewhere (e.g. passed on to the app)
    framework_answers_options: str = ""      # why the framework, not the middleware, answers OPTIONS


def library_route(table: LibrarySemantics, settings: CorsSettings, *, name: str, anchor: Source,
                  path: str = "/", https: bool | None = None,
                  declared: tuple[tuple[str, Source], ...] = (),
                  app_methods: frozenset[str] | None = ACTUAL_METHODS) -> Route:
    """The Route for one middleware instance. ``app_methods`` are the methods
    that reach the application (None: no application branch)."""
    policy = settings.origin
    if policy.kind != "unknown" and policy.kind not in table.policy_kinds:
        raise ValueError(f"{table.library} has no '{policy.kind}' origin policy")
    if policy.kind == "none":
        # CORS switched off: the middleware adds nothing
        return Route(name=name, source=anchor, branches=[], path=path, frontend=table.frontend)
    slots = _slot_emissions(table, settings, anchor)
    preflight_headers = tuple(e for slot in table.preflight_order for e in slots[slot])
    actual_headers = tuple(e for slot in table.actual_order for e in slots[slot])

    branches: list[Branch] = []
    if settings.framework_answers_options:
        branches.append(Branch(outcome=Outcome(200, anchor, reason=settings.framework_answers_options),
                               headers=(), methods=PREFLIGHT, source=anchor, label=table.framework_options_label))
    else:
        outcome = settings.preflight_outcome
        if outcome is None:
            status = table.preflight_status if settings.preflight_status is None else settings.preflight_status
            outcome = Outcome(int(status), anchor, reason=table.preflight_reason.format(status=status))
        branches.append(Branch(outcome=outcome, headers=preflight_headers, methods=PREFLIGHT, source=anchor,
                               label="preflight"))
    if app_methods is not None:
        branches.append(Branch(outcome=Outcome(None, anchor, delegate="app", reason=table.app_reason),
                               headers=actual_headers, methods=frozenset(app_methods), source=anchor,
                               label=table.app_label))
    return Route(name=name, source=anchor, branches=branches, https=https, path=path,
                 declared_methods=declared, frontend=table.frontend)


def _slot_emissions(table: LibrarySemantics, settings: CorsSettings,
                    anchor: Source) -> dict[str, list[HeaderEmission]]:
    """Each header slot's emissions, made once: a slot listed in both orders
    is the same emission on both branches."""
    policy = settings.origin
    only_allowed = table.headers_to == ALLOWED_ORIGINS

    def scoped(value: Value | str, *, unresolved_too: bool = False) -> Value | str:
        # A library that sends a header only with Allow-Origin: the value for
        # allowed origins, nothing for the others. An unresolved value stays
        # as it is (it says so itself), except for credentials.
        if only_allowed and (unresolved_too or isinstance(value, str)):
            return policy.for_allowed(value)
        return value

    def header(name: str, written: Written | None, *, unresolved_too: bool = False) -> list[HeaderEmission]:
        if written is None:
            return []
        return [emission(name, scoped(written.value, unresolved_too=unresolved_too), written.source,
                         note=written.note, library_default=written.library_default)]

    slots: dict[str, list[HeaderEmission]] = {
        ORIGIN: [emission("Access-Control-Allow-Origin", policy.acao(), policy.source, note=settings.origin_note)],
        CREDENTIALS: header("Access-Control-Allow-Credentials", settings.credentials, unresolved_too=True),
        # no library sends an empty Expose-Headers
        EXPOSE: header("Access-Control-Expose-Headers",
                       settings.expose if settings.expose is not None and settings.expose.value != "" else None),
        METHODS: header("Access-Control-Allow-Methods", settings.methods),
        ALLOW_HEADERS: header("Access-Control-Allow-Headers", settings.allow_headers),
        MAX_AGE: header("Access-Control-Max-Age", settings.max_age),
        VARY: _vary(table, settings, scoped),
        PREFLIGHT_VARY: [emission("Vary", table.preflight_vary, anchor)] if table.preflight_vary else [],
    }
    if settings.echoes_request_headers and table.echo_vary and settings.allow_headers is not None:
        slots[ALLOW_HEADERS].insert(0, emission("Vary", table.echo_vary, settings.allow_headers.source))
    return slots


def _vary(table: LibrarySemantics, settings: CorsSettings, scoped) -> list[HeaderEmission]:
    policy = settings.origin
    if settings.vary_by_app is not None:
        return [emission("Vary", "Origin", settings.vary_by_app)]
    if table.vary_origin == VARY_NEVER:
        return []
    if table.vary_origin == VARY_EVERY_ANSWER:
        return [emission("Vary", table.vary_text, settings.vary_at or policy.source)]
    if policy.kind == "star":
        return []
    if table.vary_origin == VARY_UNLESS_STAR:
        return [emission("Vary", table.vary_text, settings.vary_at or policy.source)]
    if settings.several_origins and not settings.vary_switched_off:
        return [emission("Vary", scoped(table.vary_text), settings.vary_at or policy.source)]
    return []


# ---------------------------------------------------------------- names the library ignores

_NO_ORIGIN = ("access-control-allow-origin",
              "it allows no origin, so no Access-Control-Allow-Origin is sent and browsers block "
              "every cross-origin read", "error")
# What each option of the semantics tables controls, by meaning, and what is
# lost when its name is misspelt (the library then uses its default).
MEANING_EFFECTS: Mapping[str, tuple[str, str, str]] = MappingProxyType({
    "allow_all_origins": _NO_ORIGIN, "allowed_origins": _NO_ORIGIN, "allowed_origin_regexes": _NO_ORIGIN,
    "origins": ("access-control-allow-origin", "the default applies instead: every site is let in, not "
                "only the ones listed", "warning"),
    "allow_origins": _NO_ORIGIN, "allow_origin_regex": _NO_ORIGIN,
    "origin": ("access-control-allow-origin", "the default applies instead: every site is let in ('*'), "
               "not only the ones listed", "warning"),
    "allow_credentials": ("access-control-allow-credentials",
                          "no Access-Control-Allow-Credentials is sent, so browsers block every request "
                          "made with credentials", "error"),
    "supports_credentials": ("access-control-allow-credentials",
                             "no Access-Control-Allow-Credentials is sent, so browsers block every request "
                             "made with credentials", "error"),
    "credentials": ("access-control-allow-credentials",
                    "no Access-Control-Allow-Credentials is sent, so browsers block every request made "
                    "with credentials", "error"),
    "allow_headers": ("access-control-allow-headers", "the default request-header list applies instead",
                      "warning"),
    "allowedHeaders": ("access-control-allow-headers", "the default request-header list applies instead",
                       "warning"),
    "allow_methods": ("access-control-allow-methods", "the default method list applies instead", "warning"),
    "methods": ("access-control-allow-methods", "the default method list applies instead", "warning"),
    "expose_headers": ("access-control-expose-headers", "no response header is exposed to scripts", "warning"),
    "exposedHeaders": ("access-control-expose-headers", "no response header is exposed to scripts", "warning"),
    "preflight_max_age": ("access-control-max-age", "the default preflight cache time applies", "info"),
    "max_age": ("access-control-max-age", "the default preflight cache time applies", "info"),
    "maxAge": ("access-control-max-age", "the default preflight cache time applies", "info"),
    "urls_regex": ("", "every path gets the CORS headers, not only the ones the regex names", "warning"),
    "resources": ("", "every path gets the CORS headers, not only the resources named", "warning"),
    "allow_private_network": ("access-control-allow-private-network",
                              "no Access-Control-Allow-Private-Network is sent", "warning"),
})


def library_names(table: LibrarySemantics) -> tuple[LibraryName, ...]:
    """Every name ``table``'s library reads, with what each controls."""
    out = []
    for meaning, names in table.setting_names.items():
        header, effect, level = MEANING_EFFECTS.get(meaning, ("", "", "warning"))
        out.extend(LibraryName(name, header, effect, level) for name in names)
    return tuple(out)


def ignored_names(table: LibrarySemantics, written: list[tuple[str, Source]],
                  also_known: frozenset[str] = frozenset(), refused: str = "") -> tuple[IgnoredName, ...]:
    """The names of ``written`` (name, where) the library does not read
    (``also_known``: names it reads for other purposes, or refuses itself),
    each with the library's names and those of them written too; ``refused``:
    what the library does with an unknown name instead of ignoring it."""
    known = library_names(table)
    names = {k.name for k in known} | also_known
    # a meaning set under any of its names (origins=..., or CORS_ORIGINS):
    # each of its names counts as present
    present = frozenset(other for names_of in table.setting_names.values()
                        if any(name in names_of for name, _ in written) for other in names_of)
    return tuple(IgnoredName(name, source, table.library, known, present, refused)
                 for name, source in written if name not in names)
