"""Django settings with django-cors-headers -> policy model.

Read with stdlib ``ast``; the settings module is never imported. Encodes what
django-cors-headers 4.x really does (its ``CorsMiddleware`` and ``conf``):

* ``CORS_ALLOW_ALL_ORIGINS`` (old name ``CORS_ORIGIN_ALLOW_ALL``): every
  Origin is let in; without ``CORS_ALLOW_CREDENTIALS`` the answer is ``*``,
  with it the request's Origin is echoed with ``Access-Control-Allow-Credentials:
  true`` (any site reads authenticated answers);
* ``CORS_ALLOWED_ORIGINS`` (old ``CORS_ORIGIN_WHITELIST``): an Origin is let in
  when its scheme and host[:port] equal an entry's, compared as written
  (case-sensitive, ``urlsplit``): ``https://*.x.com``, ``HTTPS://App.x.com``,
  ``https://x.com:443`` and entries without a scheme never match a browser's
  Origin; an entry without a scheme does match ``Origin: null``; an entry with a
  path or trailing slash matches by scheme and host but fails the package's
  system check (corsheaders.E014);
* ``CORS_ALLOWED_ORIGIN_REGEXES`` (old ``CORS_ORIGIN_REGEX_WHITELIST``):
  ``re.match``, anchored at the start only;
* the preflight (OPTIONS with Access-Control-Request-Method) is answered by the
  middleware itself with 200, ``CORS_ALLOW_METHODS``, ``CORS_ALLOW_HEADERS``
  and ``CORS_PREFLIGHT_MAX_AGE`` (default 86400), all only for allowed origins;
  ``Vary: origin`` goes on every answer; other requests reach the view;
* ``CORS_URLS_REGEX`` limits the paths the middleware handles.
"""

from __future__ import annotations

import ast
import os
import re
from urllib.parse import urlsplit

from ..model import OriginMatcher, ParseProblem, PolicyModel, Route, Source, Unknown, Value
from . import _pyast
from ._appmodel import OriginPolicy, join_notes, path_from_regex
from ._library import (
    ALLOW_HEADERS,
    ALLOWED_ORIGINS,
    CREDENTIALS,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    VARY,
    VARY_EVERY_ANSWER,
    WILDCARD_ECHO_WITH_CREDENTIALS,
    CorsSettings,
    LibrarySemantics,
    Written,
    ignored_names,
    library_route,
)

NAME = "django"

# corsheaders/defaults.py (django-cors-headers 4.9.0)
DEFAULT_HEADERS = ("accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with")
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")


class UrlPartsMatcher(OriginMatcher):
    """A ``CORS_ALLOWED_ORIGINS`` entry with django-cors-headers' own rule: the
    Origin's ``urlsplit`` scheme and netloc equal the entry's (plus the literal
    ``null`` when listed). For an entry that is a serialized origin this is
    byte-equal comparison, hence the "exact" flavour."""

    def matches(self, origin: str) -> bool:
        if origin == "null" and self.pattern == "null":
            return True
        try:
            a, b = urlsplit(origin), urlsplit(self.pattern)
        except ValueError:
            return False
        return a.scheme == b.scheme and a.netloc == b.netloc

    def lookup_keys(self):
        """The same rule as a lookup (see OriginMatcher.lookup_keys)."""
        try:
            b = urlsplit(self.pattern)
        except ValueError:
            return _url_parts_keys, ()
        keys = (("parts", b.scheme, b.netloc),)
        return _url_parts_keys, keys + ((("null",),) if self.pattern == "null" else ())


def _url_parts_keys(origin: str) -> tuple:
    try:
        a = urlsplit(origin)
    except ValueError:
        return ()
    return (("parts", a.scheme, a.netloc),) + ((("null",),) if origin == "null" else ())


SEMANTICS = LibrarySemantics(
    library="django-cors-headers 4.9.0",
    frontend=NAME,
    # corsheaders/conf.py Settings: the new name first, the old one as its fallback
    setting_names={
        "allow_all_origins": ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"),
        "allowed_origins": ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"),
        "allowed_origin_regexes": ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"),
        "allow_credentials": ("CORS_ALLOW_CREDENTIALS",),
        "allow_headers": ("CORS_ALLOW_HEADERS",),
        "allow_methods": ("CORS_ALLOW_METHODS",),
        "expose_headers": ("CORS_EXPOSE_HEADERS",),
        "preflight_max_age": ("CORS_PREFLIGHT_MAX_AGE",),
        "urls_regex": ("CORS_URLS_REGEX",),
        "allow_private_network": ("CORS_ALLOW_PRIVATE_NETWORK",),
    },
    # corsheaders/conf.py Settings properties
    defaults={"allow_all_origins": False, "allowed_origins": (), "allowed_origin_regexes": (),
              "allow_credentials": False, "allow_headers": DEFAULT_HEADERS, "allow_methods": DEFAULT_METHODS,
              "expose_headers": (), "preflight_max_age": 86400, "urls_regex": r"^.*$",
              "allow_private_network": False},
    policy_kinds=frozenset({"star", "reflect", "list"}),
    # middleware.py _url_in_whitelist: urlsplit scheme and netloc equal;
    # regex_domain_match: re.match
    exact_engine="exact",
    exact_matcher=UrlPartsMatcher,
    regex_engine="python-match",
    # middleware.py add_response_headers: '*' unless CORS_ALLOW_CREDENTIALS, then the Origin
    wildcard=WILDCARD_ECHO_WITH_CREDENTIALS,
    # add_response_headers returns before any CORS header for an origin not allowed
    headers_to=ALLOWED_ORIGINS,
    # add_response_headers: patch_vary_headers(response, ("origin",)) on every handled answer
    vary_origin=VARY_EVERY_ANSWER,
    vary_text="origin",
    # check_preflight: HttpResponse() (200) for OPTIONS with Access-Control-Request-Method
    preflight_status=200,
    preflight_reason="django-cors-headers answers preflights itself (200)",
    app_label="view",
    app_reason="the Django view",
    actual_order=(ORIGIN, CREDENTIALS, EXPOSE, VARY),
    preflight_order=(ORIGIN, CREDENTIALS, EXPOSE, ALLOW_HEADERS, METHODS, MAX_AGE, VARY),
)
SETTING_NAMES = tuple(name for names in SEMANTICS.setting_names.values() for name in names)
# corsheaders/checks.py: settings django-cors-headers removed and refuses
# itself (system checks E012, E013), not misspellings
REMOVED_SETTINGS = frozenset({"CORS_MODEL", "CORS_REPLACE_HTTPS_REFERER"})

# Names only django-cors-headers uses (Flask-CORS spells its own differently).
_DJANGO_ONLY = re.compile(
    r"^[^\S\n]*(CORS_ALLOW_ALL_ORIGINS|CORS_ORIGIN_ALLOW_ALL|CORS_ALLOWED_ORIGINS|CORS_ORIGIN_WHITELIST|"
    r"CORS_ALLOWED_ORIGIN_REGEXES|CORS_ORIGIN_REGEX_WHITELIST|CORS_ALLOW_CREDENTIALS|"
    r"CORS_PREFLIGHT_MAX_AGE|CORS_URLS_REGEX)\s*[:=]",
    re.M,
)
_APP_MARKERS = re.compile(r"\bCORSMiddleware\b|\bCORS\s*\(|\bcross_origin\b")
# The byte-level prefilter of a directory walk (frontends/__init__.py): a
# file recognised above names corsheaders or one of those CORS_ settings.
WALK_SUFFIXES = (".py",)
WALK_MARKER = rb"corsheaders|CORS_(?:ALLOW_ALL_ORIGINS|ORIGIN_ALLOW_ALL|ALLOWED_ORIGIN|ORIGIN_WHITELIST|" \
    rb"ORIGIN_REGEX_WHITELIST|ALLOW_CREDENTIALS|PREFLIGHT_MAX_AGE|URLS_REGEX)"
KNOWN_IMPORTS = {
    "corsheaders.defaults.default_headers": list(DEFAULT_HEADERS),
    "corsheaders.defaults.default_methods": list(DEFAULT_METHODS),
}


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    if not path.endswith(".py"):
        return False
    head = _pyast.head_text(path, text)
    if head is None:
        return False
    if _APP_MARKERS.search(head):
        return False  # an application module: Flask-CORS / Starlette read it
    if _DJANGO_ONLY.search(head) or "corsheaders" in head:
        return True
    # A settings module without CORS: read (and found empty) quietly when named.
    base = os.path.basename(path)
    return named and (base == "settings.py" or "/settings/" in path.replace(os.sep, "/"))


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    def routes_of(path, module, problems):
        route = Settings(path, module, problems).route()
        return [route] if route is not None else []

    return _pyast.parse_each(paths, stdin, texts, routes_of, known_imports=KNOWN_IMPORTS)


class Settings:
    def __init__(self, path: str, module: _pyast.Module, problems: list[ParseProblem]):
        self.path = path
        self.module = module
        self.problems = problems

    # -- reading one setting

    def setting(self, meaning: str) -> tuple[str | None, _pyast.StaticValue | None]:
        """The name and value of the setting the middleware reads for
        ``meaning`` (the first of its names that is set), or (None, None)."""
        for name in SEMANTICS.setting_names[meaning]:
            value = self.module.get(name)
            if value is not None:
                return name, value
        return None, None

    def where(self, name: str | None) -> Source | None:
        if name is None:
            return None
        stmt = self.module.statement(name)
        return _pyast.node_source(self.path, stmt) if stmt is not None else None

    def note(self, name: str | None, setting: _pyast.StaticValue | None) -> str:
        if name is None or setting is None:
            return ""
        cond = self.module.condition(name)
        return join_notes(f"{name} comes from {setting.note}" if setting.note else "",
                          f"{name} is set only {cond}" if cond else "")

    def anchor(self) -> Source | None:
        lines = []
        for name in SETTING_NAMES:
            src = self.where(name if self.module.get(name) is not None else None)
            if src is not None:
                lines.append(src)
        if lines:
            return min(lines, key=lambda s: s.line)
        for node in ast.walk(self.module.tree):
            if isinstance(node, ast.Constant) and node.value == "corsheaders.middleware.CorsMiddleware":
                return _pyast.node_source(self.path, node)
        # only settings the middleware does not know (misspelt): still its settings
        ignored = [src for name in self.module.env if name.startswith("CORS_")
                   for src in [self.where(name)] if src is not None]
        return min(ignored, key=lambda s: s.line) if ignored else None

    def middleware(self) -> Source | None:
        """The MIDDLEWARE entry that installs django-cors-headers, where its
        defaults come into force."""
        for node in ast.walk(self.module.tree):
            if isinstance(node, ast.Constant) and node.value == "corsheaders.middleware.CorsMiddleware":
                return _pyast.node_source(self.path, node)
        return None

    # -- the route

    def route(self) -> Route | None:
        anchor = self.anchor()
        if anchor is None:
            return None  # a settings module that does not configure CORS
        defaults_at = self.middleware() or anchor
        cred_name, cred = self.setting("allow_credentials")
        cred_src = self.where(cred_name) or anchor
        credentials: bool | None = SEMANTICS.defaults["allow_credentials"]
        if cred is not None:
            credentials = bool(cred.value) if cred.known else None
        policy = self.origin_policy(anchor, credentials)

        if credentials is None:
            credentials_header = Written(_unknown_value(cred), cred_src, self.note(cred_name, cred))
        else:
            credentials_header = Written("true", cred_src, self.note(cred_name, cred)) if credentials else None
        expose_name, expose = self.setting("expose_headers")
        expose_header = None
        if expose is not None:
            expose_header = Written(_joined(expose), self.where(expose_name) or anchor, self.note(expose_name, expose))
        preflight_lists = {}
        for meaning in ("allow_headers", "allow_methods"):
            name, value = self.setting(meaning)
            text = _joined(value) if value is not None else ", ".join(SEMANTICS.defaults[meaning])
            preflight_lists[meaning] = Written(text, self.where(name) or defaults_at, self.note(name, value),
                                               library_default=value is None)
        age_name, age = self.setting("preflight_max_age")
        if age is None:
            max_age: Written | None = Written(
                str(SEMANTICS.defaults["preflight_max_age"]), defaults_at,
                "CORS_PREFLIGHT_MAX_AGE is not set: django-cors-headers' default", library_default=True)
        elif not age.known:
            max_age = Written(_unknown_value(age), self.where(age_name) or anchor, self.note(age_name, age))
        elif age.value:
            max_age = Written(str(age.value), self.where(age_name) or anchor, self.note(age_name, age))
        else:
            max_age = None  # 0: the middleware sends no Max-Age
        settings = CorsSettings(
            origin=policy, origin_note=policy.note, credentials=credentials_header, expose=expose_header,
            methods=preflight_lists["allow_methods"], allow_headers=preflight_lists["allow_headers"],
            max_age=max_age, vary_at=defaults_at)

        urls_name, urls = self.setting("urls_regex")
        path = "/"
        if urls is not None and urls.known:
            rx = urls.value.pattern if isinstance(urls.value, _pyast.Regex) else str(urls.value)
            path = path_from_regex(rx)
        route = library_route(SEMANTICS, settings, name=f"Django settings {os.path.basename(self.path)}",
                              anchor=anchor, path=path, https=self.https())
        route.ignored_names = self.ignored_settings()
        return route

    def ignored_settings(self):
        """CORS_* settings django-cors-headers does not read (a misspelt
        name): the middleware silently uses its default instead."""
        written = [(name, self.where(name)) for name in self.module.env
                   if name.startswith("CORS_") and self.where(name) is not None]
        return ignored_names(SEMANTICS, written, also_known=REMOVED_SETTINGS)

    def https(self) -> bool | None:
        for name in ("SECURE_SSL_REDIRECT",):
            setting = self.module.get(name)
            if setting is not None and setting.known and setting.value is True and not self.module.condition(name):
                return True
        return None

    def origin_policy(self, anchor: Source, credentials: bool | None) -> OriginPolicy:
        all_name, allow_all = self.setting("allow_all_origins")
        if allow_all is not None:
            src = self.where(all_name) or anchor
            if not allow_all.known:
                return OriginPolicy("unknown", src, what=f"{all_name} ({allow_all.what})")
            if allow_all.value:
                return SEMANTICS.wildcard_policy(
                    src, echo=credentials, unknown_what="Origin or '*' (CORS_ALLOW_CREDENTIALS unknown)",
                    note=self.note(all_name, allow_all))
        matchers: list[OriginMatcher] = []
        partial: list[str] = []
        src = anchor
        list_name, entries = self.setting("allowed_origins")
        if entries is not None:
            src = self.where(list_name) or anchor
            base_note = self.note(list_name, entries)
            if not entries.is_list:
                partial.append(f"{list_name} ({entries.what or 'not a list'})")
            for entry in entries.items():
                if not entry.known or not isinstance(entry.value, str):
                    partial.append(f"an entry of {list_name} ({entry.what or 'not a string'})")
                    continue
                entry_at = Source(self.path, entry.line, entry.column)
                matchers.append(SEMANTICS.exact(entry.value, entry_at, join_notes(base_note, entry.note)))
                self._system_check(list_name, entry.value, entry_at)
        rx_name, regexes = self.setting("allowed_origin_regexes")
        if regexes is not None:
            if entries is None:
                src = self.where(rx_name) or anchor
            base_note = self.note(rx_name, regexes)
            if not regexes.is_list:
                partial.append(f"{rx_name} ({regexes.what or 'not a list'})")
            for entry in regexes.items():
                entry_at = Source(self.path, entry.line, entry.column)
                if entry.known and isinstance(entry.value, _pyast.Regex):
                    matchers.append(SEMANTICS.regex(entry.value.pattern, entry.value.ignore_case, entry_at,
                                                    join_notes(base_note, entry.note)))
                elif entry.known and isinstance(entry.value, str):
                    matchers.append(SEMANTICS.regex(entry.value, False, entry_at, join_notes(base_note, entry.note)))
                else:
                    partial.append(f"an entry of {rx_name} ({entry.what or 'not a string'})")
        return OriginPolicy("list", src, matchers=matchers, partial="; ".join(partial))

    def _system_check(self, setting: str, entry: str, where: Source) -> None:
        """Entries that match at request time but stop `manage.py check`."""
        if entry in ("null", "file://"):
            return
        try:
            parts = urlsplit(entry)
        except ValueError:
            return
        if not parts.scheme or not parts.netloc:
            return  # never matches a browser's Origin: CORS101 says so
        for part in ("path", "query", "fragment"):
            if getattr(parts, part):
                self.problems.append(ParseProblem(
                    self.path, where.line,
                    f"{setting} entry '{entry}' has a {part}: django-cors-headers' system check "
                    "corsheaders.E014 stops `manage.py check` and `runserver`; requests are still "
                    "matched by scheme and host only",
                    fatal=False))
                return


def _joined(setting: _pyast.StaticValue):
    """', '.join(setting) as the middleware does, or an unknown Value."""
    if setting.known and isinstance(setting.value, str):
        return ", ".join(setting.value)  # a bare string is a sequence: the middleware joins its characters
    if setting.is_list and all(i.known and isinstance(i.value, str) for i in setting.items()):
        return ", ".join(i.value for i in setting.items())
    return _unknown_value(setting)


def _unknown_value(setting: _pyast.StaticValue | None) -> Value:
    return Value((Unknown(setting.what if setting is not None and setting.what else "setting"),))
