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

from ..model import Branch, OriginMatcher, Outcome, ParseProblem, PolicyModel, Route, Source, Unknown, Value
from . import _pyast
from ._appmodel import ACTUAL_METHODS, PREFLIGHT, OriginPolicy, emission, join_notes, path_from_regex

NAME = "django"

DEFAULT_HEADERS = ("accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with")
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
DEFAULT_MAX_AGE = 86400

SETTING_NAMES = (
    "CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST",
    "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST", "CORS_ALLOW_CREDENTIALS",
    "CORS_ALLOW_HEADERS", "CORS_ALLOW_METHODS", "CORS_EXPOSE_HEADERS", "CORS_PREFLIGHT_MAX_AGE",
    "CORS_URLS_REGEX", "CORS_ALLOW_PRIVATE_NETWORK",
)
# Names only django-cors-headers uses (Flask-CORS spells its own differently).
_DJANGO_ONLY = re.compile(
    r"^\s*(CORS_ALLOW_ALL_ORIGINS|CORS_ORIGIN_ALLOW_ALL|CORS_ALLOWED_ORIGINS|CORS_ORIGIN_WHITELIST|"
    r"CORS_ALLOWED_ORIGIN_REGEXES|CORS_ORIGIN_REGEX_WHITELIST|CORS_ALLOW_CREDENTIALS|"
    r"CORS_PREFLIGHT_MAX_AGE|CORS_URLS_REGEX)\s*[:=]",
    re.M,
)
_APP_MARKERS = re.compile(r"\bCORSMiddleware\b|\bCORS\s*\(|\bcross_origin\b")
KNOWN_IMPORTS = {
    "corsheaders.defaults.default_headers": list(DEFAULT_HEADERS),
    "corsheaders.defaults.default_methods": list(DEFAULT_METHODS),
}


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
                texts: dict[str, str] | None = None) -> PolicyModel:
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

    def setting(self, *names: str) -> tuple[str | None, _pyast.SV | None]:
        for name in names:
            sv = self.module.get(name)
            if sv is not None:
                return name, sv
        return None, None

    def where(self, name: str | None) -> Source | None:
        if name is None:
            return None
        stmt = self.module.statement(name)
        return _pyast.node_source(self.path, stmt) if stmt is not None else None

    def note(self, name: str | None, sv: _pyast.SV | None) -> str:
        if name is None or sv is None:
            return ""
        cond = self.module.condition(name)
        return join_notes(f"{name} comes from {sv.note}" if sv.note else "",
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
        return None

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
        policy = self.origin_policy(anchor)
        cred_name, cred = self.setting("CORS_ALLOW_CREDENTIALS")
        cred_src = self.where(cred_name) or anchor
        credentials: bool | None = False
        if cred is not None:
            credentials = bool(cred.value) if cred.known else None
        if policy.kind == "star" and credentials is None:
            policy = OriginPolicy("unknown", policy.source, what="Origin or '*' (CORS_ALLOW_CREDENTIALS unknown)")
        elif policy.kind == "star" and credentials:
            policy = OriginPolicy("reflect", policy.source, note=policy.note)

        actual = [emission("Access-Control-Allow-Origin", policy.acao(), policy.source, note=policy.note)]
        if credentials is None:
            actual.append(emission("Access-Control-Allow-Credentials",
                                   policy.for_allowed(_unknown_value(cred)), cred_src,
                                   note=self.note(cred_name, cred)))
        elif credentials:
            actual.append(emission("Access-Control-Allow-Credentials", policy.for_allowed("true"), cred_src,
                                   note=self.note(cred_name, cred)))
        expose_name, expose = self.setting("CORS_EXPOSE_HEADERS")
        if expose is not None:
            value = _joined(expose)
            if value != "":
                actual.append(emission("Access-Control-Expose-Headers",
                                       policy.for_allowed(value) if isinstance(value, str) else value,
                                       self.where(expose_name) or anchor, note=self.note(expose_name, expose)))
        vary = emission("Vary", "origin", defaults_at, raw="origin")
        preflight = list(actual)
        for setting, header, default in (("CORS_ALLOW_HEADERS", "Access-Control-Allow-Headers", DEFAULT_HEADERS),
                                         ("CORS_ALLOW_METHODS", "Access-Control-Allow-Methods", DEFAULT_METHODS)):
            name, sv = self.setting(setting)
            value = _joined(sv) if sv is not None else ", ".join(default)
            src = self.where(name) or defaults_at
            preflight.append(emission(header, policy.for_allowed(value) if isinstance(value, str) else value,
                                      src, note=self.note(name, sv)))
        age_name, age = self.setting("CORS_PREFLIGHT_MAX_AGE")
        if age is None:
            preflight.append(emission("Access-Control-Max-Age", policy.for_allowed(str(DEFAULT_MAX_AGE)), defaults_at,
                                      note="CORS_PREFLIGHT_MAX_AGE is not set: django-cors-headers' default"))
        elif not age.known:
            preflight.append(emission("Access-Control-Max-Age", _unknown_value(age), self.where(age_name) or anchor,
                                      note=self.note(age_name, age)))
        elif age.value:
            preflight.append(emission("Access-Control-Max-Age", policy.for_allowed(str(age.value)),
                                      self.where(age_name) or anchor, note=self.note(age_name, age)))
        preflight.append(vary)
        actual.append(vary)

        urls_name, urls = self.setting("CORS_URLS_REGEX")
        path = "/"
        if urls is not None and urls.known:
            rx = urls.value.pattern if isinstance(urls.value, _pyast.Regex) else str(urls.value)
            path = path_from_regex(rx)
        branches = [
            Branch(outcome=Outcome(200, anchor, reason="django-cors-headers answers preflights itself (200)"),
                   headers=tuple(preflight), methods=PREFLIGHT, source=anchor, label="preflight"),
            Branch(outcome=Outcome(None, anchor, delegate="app", reason="the Django view"),
                   headers=tuple(actual), methods=ACTUAL_METHODS, source=anchor, label="view"),
        ]
        declared = ()
        return Route(name=f"Django settings {os.path.basename(self.path)}", source=anchor, branches=branches,
                     https=self.https(), path=path, declared_methods=declared, frontend=NAME)

    def https(self) -> bool | None:
        for name in ("SECURE_SSL_REDIRECT",):
            sv = self.module.get(name)
            if sv is not None and sv.known and sv.value is True and not self.module.condition(name):
                return True
        return None

    def origin_policy(self, anchor: Source) -> OriginPolicy:
        all_name, allow_all = self.setting("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
        if allow_all is not None:
            src = self.where(all_name) or anchor
            if not allow_all.known:
                return OriginPolicy("unknown", src, what=f"{all_name} ({allow_all.what})")
            if allow_all.value:
                return OriginPolicy("star", src, note=self.note(all_name, allow_all))
        matchers: list[OriginMatcher] = []
        partial: list[str] = []
        src = anchor
        list_name, entries = self.setting("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")
        if entries is not None:
            src = self.where(list_name) or anchor
            base_note = self.note(list_name, entries)
            if not entries.is_list:
                partial.append(f"{list_name} ({entries.what or 'not a list'})")
            for entry in entries.items():
                if not entry.known or not isinstance(entry.value, str):
                    partial.append(f"an entry of {list_name} ({entry.what or 'not a string'})")
                    continue
                esrc = Source(self.path, entry.line, entry.column)
                matchers.append(UrlPartsMatcher(entry.value, "exact", source=esrc,
                                                note=join_notes(base_note, entry.note)))
                self._system_check(list_name, entry.value, esrc)
        rx_name, regexes = self.setting("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")
        if regexes is not None:
            if entries is None:
                src = self.where(rx_name) or anchor
            base_note = self.note(rx_name, regexes)
            if not regexes.is_list:
                partial.append(f"{rx_name} ({regexes.what or 'not a list'})")
            for entry in regexes.items():
                esrc = Source(self.path, entry.line, entry.column)
                if entry.known and isinstance(entry.value, _pyast.Regex):
                    matchers.append(OriginMatcher(entry.value.pattern, "python-match", entry.value.ignore_case,
                                                  esrc, note=join_notes(base_note, entry.note)))
                elif entry.known and isinstance(entry.value, str):
                    matchers.append(OriginMatcher(entry.value, "python-match", False, esrc,
                                                  note=join_notes(base_note, entry.note)))
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


def _joined(sv: _pyast.SV):
    """', '.join(setting) as the middleware does, or an unknown Value."""
    if sv.known and isinstance(sv.value, str):
        return ", ".join(sv.value)  # a bare string is a sequence: the middleware joins its characters
    if sv.is_list and all(i.known and isinstance(i.value, str) for i in sv.items()):
        return ", ".join(i.value for i in sv.items())
    return _unknown_value(sv)


def _unknown_value(sv: _pyast.SV | None) -> Value:
    return Value((Unknown(sv.what if sv is not None and sv.what else "setting"),))
