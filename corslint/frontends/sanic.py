"""Sanic-CORS (``CORS(app, ...)``, ``@cross_origin(...)``) -> policy model.

Sanic-CORS is a fork of Flask-CORS 3.0, so its options are read by the
Flask-CORS reader (``flask.FlaskFile``) with this library's own table. What
Sanic-CORS 2.2.0 really does (sanic_cors/core.py; checked with the real
package under Sanic 25.12 on loopback in tests/test_sanic_truth.py):

* options: DEFAULT_OPTIONS, then ``app.config['CORS_*']``, then the keywords,
  then a ``resources`` entry's own dict;
* ``origins`` (default ``'*'``, echoed as the request's Origin unless
  ``send_wildcard``): an entry with one of ``* \\ ] ?`` (or a compiled
  pattern) is a regex tried with ``re.match`` -- anchored at the start only,
  CVE-2026-37737 -- case-insensitively; other entries compare
  case-insensitively. Every released version (the newest is 2.2.0) matches
  so; the fix (``re.fullmatch``, ashleysommer/sanic-cors#68) is unreleased.
  The version is read from the project's pins (requirements*.txt,
  pyproject.toml, Pipfile.lock, poetry.lock) and named in the finding; for a
  pin newer than 2.2.0 the regex entries are named as unknown;
* every header goes only to allowed origins; ``Vary: Origin`` only when
  several origins or a regex are listed; preflights are answered by
  Sanic-CORS's automatic OPTIONS (200) with ``Access-Control-Max-Age: None``
  when max_age is not set (a value browsers ignore).
"""

from __future__ import annotations

import dataclasses
import os
import re

from ..model import OriginMatcher, PolicyModel, Route, Source
from . import _pyast
from ._appmodel import OriginPolicy
from ._library import (
    ALLOW_HEADERS,
    ALLOWED_ORIGINS,
    CREDENTIALS,
    EXPOSE,
    MAX_AGE,
    METHODS,
    ORIGIN,
    VARY,
    VARY_SEVERAL_ORIGINS,
    WILDCARD_ECHO_UNLESS_SEND_WILDCARD,
    LibrarySemantics,
    Written,
)
from ._pins import dig, load_json, read_pin_file
from .flask import ALL_METHODS, FlaskFile

NAME = "sanic"

LAST_RELEASE = (2, 2, 0)   # the newest Sanic-CORS on PyPI; core.py try_match uses re.match
SEMANTICS = LibrarySemantics(
    library="Sanic-CORS 2.2.0",
    frontend=NAME,
    # sanic_cors/core.py DEFAULT_OPTIONS keys, as keywords or app.config['CORS_<OPTION>'] (CONFIG_OPTIONS)
    setting_names={option: (option, "CORS_" + option.upper()) for option in (
        "origins", "methods", "allow_headers", "expose_headers", "supports_credentials", "max_age",
        "send_wildcard", "automatic_options", "vary_header", "resources", "intercept_exceptions",
        "always_send")},
    # sanic_cors/core.py DEFAULT_OPTIONS
    defaults={"origins": "*", "methods": ALL_METHODS, "allow_headers": "*", "expose_headers": None,
              "supports_credentials": False, "max_age": None, "send_wildcard": False,
              "automatic_options": True, "vary_header": True, "resources": r"/*",
              "intercept_exceptions": True, "always_send": True},
    policy_kinds=frozenset({"star", "reflect", "list"}),
    # core.py try_match: plain entries compare lower-cased, regex entries re.match(..., re.IGNORECASE)
    exact_engine="exact-nocase",
    regex_engine="python-match",
    wildcard=WILDCARD_ECHO_UNLESS_SEND_WILDCARD,
    headers_to=ALLOWED_ORIGINS,
    vary_origin=VARY_SEVERAL_ORIGINS,
    # extension.py: automatic_options answers OPTIONS with HTTPResponse() (200)
    preflight_status=200,
    preflight_reason="Sanic-CORS answers OPTIONS itself (automatic_options, 200)",
    app_label="handler",
    app_reason="the Sanic handler",
    actual_order=(ORIGIN, EXPOSE, CREDENTIALS, VARY),
    preflight_order=(ORIGIN, EXPOSE, CREDENTIALS, ALLOW_HEADERS, MAX_AGE, METHODS, VARY),
)
# core.py probably_regex: common_regex_chars
REGEX_CHARS = ("*", "\\", "]", "?")
_MARKER = re.compile(r"\bsanic_cors\b")
WALK_SUFFIXES = (".py",)   # the walk's prefilter (frontends/__init__.py on main)
# every file recognises() accepts contains this (discovery's byte prefilter)
WALK_MARKER = rb"sanic_cors"
PIN_FILES = ("requirements.txt", "requirements-prod.txt", "requirements/base.txt", "requirements/prod.txt",
             "pyproject.toml", "Pipfile.lock", "poetry.lock", "uv.lock")
# The pin readers stay linear on any file: blanks are [ \t] (with re.M a \s
# run spans lines and is retried from each), no two blank runs touch, and no
# run crosses a line end it does not have to.
_PIN = re.compile(r"""(?ix)^[ \t]*["']?sanic[-_.]cors["']?[ \t]*(?:\[[^\]\n]*\][ \t]*)?===?[ \t]*["']?v?([0-9][0-9a-z.+-]*)""",
                  re.M)
_LOCKED = re.compile(r"""(?i)name[ \t]*=[ \t]*"sanic[-_.]cors"[ \t]*\r?\n[ \t]*version[ \t]*=[ \t]*"([^"\n]+)\"""")
_PACKAGE_NAME = re.compile(r"(?i)sanic[-_.]cors")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    return _pyast.head_matches(path, text, _MARKER)


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    if roots is None:
        roots = tuple(os.path.dirname(os.path.abspath(p)) for p in paths)

    def routes_of(path: str, module: _pyast.Module, problems: list) -> list[Route]:
        sanic_file = SanicFile(path, module, pinned_version(path, roots))
        routes = sanic_file.routes()
        problems.extend(sanic_file.notices)
        return routes

    return _pyast.parse_each(paths, stdin, texts, routes_of)


@dataclasses.dataclass(frozen=True)
class Pin:
    version: str      # as written
    source: Source    # the line that pins it

    @property
    def release(self) -> tuple[int, ...] | None:
        parts = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?$", self.version)
        return None if parts is None else tuple(int(p or 0) for p in parts.groups())


def pinned_version(path: str, roots: tuple[str, ...]) -> Pin | None:
    """The sanic-cors version the project pins exactly (``==``), from the
    nearest directory at or above ``path`` (inside the linted tree) that has a
    requirements file, pyproject.toml or lock file naming it."""
    inside = [os.path.realpath(r) for r in roots]
    folder = os.path.dirname(path) or "."     # as the user named it, for the finding
    while True:
        real = os.path.realpath(folder)
        if not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in inside):
            break
        for name in PIN_FILES:
            candidate = os.path.normpath(os.path.join(folder, name))
            text = read_pin_file(candidate, roots)
            if text is None:    # absent, outside the tree, not a regular file, too large
                continue
            found = _pipfile_pin(text) if name == "Pipfile.lock" else None
            if found is not None:
                version, at = found
                return Pin(version, Source(candidate, text.count("\n", 0, at) + 1))
            for pattern in (_PIN, _LOCKED):
                found = pattern.search(text)
                if found:
                    line = text.count("\n", 0, found.start(1)) + 1
                    return Pin(found.group(1), Source(candidate, line))
        if os.path.dirname(real) == real:
            break
        folder = os.path.normpath(os.path.join(folder, os.pardir))
    return None


def _pipfile_pin(text: str) -> tuple[str, int] | None:
    """The version a Pipfile.lock pins ({"default": {"sanic-cors": {"version":
    "==2.2.0"}}}, or "develop"), and the offset of that version in ``text``."""
    data = load_json(text)
    for section in ("default", "develop"):
        packages = dig(data, section)
        if not isinstance(packages, dict):
            continue
        for name, entry in packages.items():
            version = dig(entry, "version")
            if _PACKAGE_NAME.fullmatch(name) and isinstance(version, str) and version.startswith("=="):
                at = text.find(f'"{version}"')
                return version[2:], (at + 3 if at >= 0 else 0)
    return None


class SanicFile(FlaskFile):
    """A module's Sanic-CORS configuration, read as Flask-CORS 3 would be."""

    regex_chars = REGEX_CHARS
    label = "Sanic-CORS"
    response_hooks = ("on_response", "middleware('response')")

    def __init__(self, path: str, module: _pyast.Module, pin: Pin | None):
        self.pin = pin
        self.semantics = SEMANTICS if pin is None else dataclasses.replace(
            SEMANTICS, library=f"Sanic-CORS {pin.version}")
        super().__init__(path, module)

    def default_max_age(self, anchor: Source) -> Written | None:
        # core.py get_cors_headers: str(options.get('max_age')) -> 'None'
        return Written("None", anchor, "the Sanic-CORS default", library_default=True)

    def version_note(self) -> str:
        if self.pin is None:
            return ("sanic-cors's version is not pinned; every release up to 2.2.0 tries regex origins with "
                    "re.match, anchored at the start only (CVE-2026-37737)")
        return (f"sanic-cors {self.pin.version}, pinned at {self.pin.source.file}:{self.pin.source.line}, tries "
                "regex origins with re.match, anchored at the start only (CVE-2026-37737)")

    def _origin_policy(self, origins, send_wildcard):
        policy, several = super()._origin_policy(origins, send_wildcard)
        if policy.kind != "list" or not any(m.is_regex for m in policy.matchers):
            return policy, several
        release = None if self.pin is None else self.pin.release
        if release is not None and release > LAST_RELEASE:
            # newer than every release corslint knows: how it matches is not known
            unknown = [m for m in policy.matchers if m.is_regex]
            partial = "; ".join([policy.partial] * bool(policy.partial) + [
                f"the regex entry {m.pattern!r} (sanic-cors {self.pin.version} is newer than 2.2.0, the last "
                "release corslint knows, which matches with re.match)" for m in unknown])
            kept = [m for m in policy.matchers if not m.is_regex]
            return OriginPolicy("list", policy.source, matchers=kept, partial=partial, note=policy.note), several
        note = self.version_note()
        matchers: list[OriginMatcher] = [
            dataclasses.replace(m, note=(f"{m.note}; {note}" if m.note else note)) if m.is_regex else m
            for m in policy.matchers]
        return dataclasses.replace(policy, matchers=matchers), several
