"""Settings from ``.corslint.toml`` or ``pyproject.toml [tool.corslint]``.

Discovery walks upward from the current directory; in each directory
``.corslint.toml`` (top-level keys) is tried before ``pyproject.toml`` (its
``[tool.corslint]`` table; a pyproject without that table is passed over), and
the first one found wins. Relative glob patterns (``exclude``,
``per-file-ignores``) are resolved against the directory of that file.

Rule selection is layered: the configuration is one layer, the command line
another. In each layer ``select`` (when given) replaces the selection so far and
``ignore`` removes codes from it; within a layer the more specific prefix wins
(``select = ["CORS201"]`` beats ``ignore = ["CORS2"]``).
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping, Sequence

from .findings import SEVERITIES

CONFIG_FILENAMES = (".corslint.toml", "pyproject.toml")

KNOWN_KEYS = ("select", "ignore", "min-severity", "fail-on", "format", "exclude", "per-file-ignores",
              "max-file-size", "max-total-size", "upstreams")

# The largest a limit on the reading may be set to, in megabytes: beyond it the
# limit no longer protects the machine running corslint.
MAX_SIZE_SETTING_MB = 100_000


class ConfigError(Exception):
    """A configuration file or option that cannot be used (exit 2)."""


@dataclass
class Config:
    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    min_severity: str | None = None
    fail_on: str | None = None
    format: str | None = None
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    max_file_size: float | None = None     # megabytes; None: the frontends' default
    max_total_size: float | None = None    # megabytes, all files of a run together
    # What a proxy target (as a proxy writes it, "http://api:3000") reaches:
    # the app's directory or file, relative to this config file (see
    # corslint.pipeline.link), for what the tree cannot say itself.
    upstreams: dict[str, str] = field(default_factory=dict)

    def upstream_entries(self):
        """The ``upstreams`` map as the link step takes it (each with its line)."""
        from .pipeline.link import upstream_entries  # loaded when linting only

        return upstream_entries(self.upstreams, str(self.path) if self.path else None)

    def read_limits(self):
        """The limits on reading files these settings ask for (the defaults
        where they name none)."""
        from .frontends._files import MB, ReadLimits  # the frontends are loaded when linting only

        default = ReadLimits()
        return ReadLimits(
            max_file_bytes=int(self.max_file_size * MB) if self.max_file_size else default.max_file_bytes,
            max_total_bytes=int(self.max_total_size * MB) if self.max_total_size else default.max_total_bytes)


# ---------------------------------------------------------------- discovery


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The first config file found walking upward from ``start`` (default: cwd)."""
    directory = Path(start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        dotfile = folder / ".corslint.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _pyproject_has_section(pyproject):
            return pyproject
    return None


def _pyproject_has_section(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        # A broken pyproject.toml that mentions us is still "ours": report it.
        try:
            return "[tool.corslint]" in path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "corslint" in tool


def discover_config(start: str | os.PathLike | None = None) -> Config:
    """Load the discovered config, or an empty one rooted at ``start``/cwd."""
    path = find_config(start)
    if path is None:
        return Config(root=Path(start or Path.cwd()).resolve())
    return load_config(path)


def load_config(path: str | os.PathLike) -> Config:
    """Read one config file. ``pyproject.toml`` is read from ``[tool.corslint]``,
    any other file from its top level."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deep") from None
    where = "top level"
    if path.name == "pyproject.toml":
        where = "[tool.corslint]"
        tool = data.get("tool", {})
        table = tool.get("corslint", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.corslint] must be a table")
        data = table
    return parse_settings(data, path=path, where=where)


def parse_settings(data: Mapping, *, path: Path | None = None, where: str = "top level") -> Config:
    """Validate a settings mapping (keys as in the TOML file)."""
    label = f"{path}: " if path else ""
    cfg = Config(path=path.resolve() if path else None,
                 root=path.resolve().parent if path else Path.cwd())
    for raw_key, value in data.items():
        key = raw_key.replace("_", "-")
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{label}unknown key {raw_key!r} in {where} "
                              f"(known keys: {', '.join(KNOWN_KEYS)})")
        if key == "select":
            cfg.select = _codes(value, f"{label}{raw_key}")
            if not cfg.select:  # would run no rule and pass every config
                raise ConfigError(f"{label}{raw_key} is empty: name at least one code or prefix "
                                  "(\"ALL\" selects every rule)")
        elif key == "ignore":
            cfg.ignore = _codes(value, f"{label}{raw_key}")
        elif key in ("min-severity", "fail-on"):
            if not isinstance(value, str) or value.lower() not in SEVERITIES:
                raise ConfigError(f"{label}{raw_key} must be one of {', '.join(SEVERITIES)}; got {value!r}")
            setattr(cfg, key.replace("-", "_"), value.lower())
        elif key == "format":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{label}{raw_key} must be a string such as \"text\" or \"json\"")
            cfg.format = value.lower()
        elif key == "exclude":
            cfg.exclude = _strings(value, f"{label}{raw_key}")
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{label}{raw_key} must be a table of glob = [codes]")
            cfg.per_file_ignores = {
                str(pattern): _codes(codes, f"{label}{raw_key}.{pattern!r}")
                for pattern, codes in value.items()
            }
        elif key in ("max-file-size", "max-total-size"):
            setattr(cfg, key.replace("-", "_"), _megabytes(value, f"{label}{raw_key}"))
        elif key == "upstreams":
            if not isinstance(value, dict) or not all(isinstance(k, str) and k and isinstance(v, str) and v
                                                      for k, v in value.items()):
                raise ConfigError(f"{label}{raw_key} must be a table of \"proxy target\" = \"app directory\" "
                                  "(e.g. \"http://api:3000\" = \"services/api\")")
            cfg.upstreams = dict(value)
    return cfg


def _megabytes(value, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_SIZE_SETTING_MB:
        raise ConfigError(f"{label} must be a number of megabytes above 0 and at most {MAX_SIZE_SETTING_MB}; "
                          f"got {value!r}")
    return float(value)


def _strings(value, label: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{label} must be a string or a list of strings")


def _codes(value, label: str) -> list[str]:
    tokens = split_codes(_strings(value, label))
    try:
        validate_codes(tokens)
    except ConfigError as exc:
        raise ConfigError(f"{label}: {exc}") from None
    return tokens


# ---------------------------------------------------------------- rule selection


def split_codes(values: Iterable[str]) -> list[str]:
    """``["CORS1,CORS201", "cors3"]`` -> ``["CORS1", "CORS201", "CORS3"]``."""
    out: list[str] = []
    for value in values:
        for token in value.replace(",", " ").split():
            out.append(token.strip().upper())
    return out


def _all_codes() -> list[str]:
    # Imported here: the registry imports every rule, which `corslint --version` does not need.
    from .checks import REGISTRY

    return list(REGISTRY)


def validate_codes(tokens: Iterable[str], known: Iterable[str] | None = None) -> None:
    known = list(known if known is not None else _all_codes())
    for token in tokens:
        if token == "ALL":
            continue
        if not any(code.startswith(token) for code in known):
            raise ConfigError(f"unknown rule code or prefix {token!r}")


def _specificity(prefixes: Sequence[str], code: str) -> int:
    """Length of the longest prefix matching ``code``; ALL counts 0; -1: none."""
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def resolve_codes(layers: Iterable[tuple[Sequence[str] | None, Sequence[str]]],
                  known: Iterable[str] | None = None) -> list[str]:
    """Apply (select, ignore) layers in order, weakest (config) first."""
    known = list(known if known is not None else _all_codes())
    current = set(known)
    for select, ignore in layers:
        ignore = list(ignore or ())
        if select is None:
            current = {c for c in current if _specificity(ignore, c) < 0}
        else:
            current = {c for c in known
                       if (s := _specificity(select, c)) >= 0 and s > _specificity(ignore, c)}
    return [c for c in known if c in current]


def code_matches(code: str, prefixes: Iterable[str]) -> bool:
    return _specificity(list(prefixes), code) >= 0


# ---------------------------------------------------------------- path globs


def path_matches(path: str, pattern: str, root: str | os.PathLike | None = None) -> bool:
    """Whether a linted path matches a config glob (gitignore-like).

    A pattern without ``/`` matches any single path component (``vendor``
    matches ``conf/vendor/a.conf``; ``*.bak.conf`` matches any such file). A
    pattern with ``/`` matches the path relative to ``root`` (the config's
    directory) or the path as given, or any leading directory of those
    (``conf/vendor`` excludes everything below it); with a leading ``**/`` it
    may match at any depth. ``*`` also matches ``/``; a leading ``./`` is ignored.
    """
    pattern = pattern.strip().replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    anchored = True
    while pattern.startswith("**/"):
        pattern, anchored = pattern[3:], False
    pattern = pattern.rstrip("/")
    if not pattern:
        return False
    forms = _forms(path, root)
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for form in forms for part in form.parts
                   if part not in ("/", ".."))
    if not anchored:  # **/x/y: at any depth
        forms = [PurePosixPath(*form.parts[i:]) for form in forms for i in range(len(form.parts))]
    for form in forms:
        for candidate in (form, *form.parents):
            text = str(candidate)
            if text not in (".", "/") and fnmatch.fnmatchcase(text, pattern):
                return True
    return False


def _forms(path: str, root) -> list[PurePosixPath]:
    forms = [PurePosixPath(os.path.normpath(path).replace("\\", "/"))]
    if root is not None:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        if not rel.startswith(".."):
            forms.append(PurePosixPath(rel.replace("\\", "/")))
    return forms


def is_excluded(path: str, patterns: Iterable[str], root=None) -> bool:
    return any(path_matches(path, p, root) for p in patterns)


def ignored_for_file(path: str, per_file_ignores: Mapping[str, Sequence[str]], root=None) -> list[str]:
    """The code prefixes per-file-ignores switches off for ``path``."""
    codes: list[str] = []
    for pattern, prefixes in per_file_ignores.items():
        if path_matches(path, pattern, root):
            codes.extend(prefixes)
    return codes


__all__ = [
    "Config", "ConfigError", "find_config", "discover_config", "load_config", "parse_settings",
    "split_codes", "validate_codes", "resolve_codes", "code_matches", "path_matches",
    "is_excluded", "ignored_for_file",
]
