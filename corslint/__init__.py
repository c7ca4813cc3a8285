"""corslint: static CORS linter for server and framework configuration."""

from __future__ import annotations

import functools


@functools.cache
def _installed_version() -> str:
    # pyproject.toml's `version` is the only place the version is written; the
    # installed metadata carries it. importlib.metadata is imported on the
    # first question only: `import corslint` stays cheap.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corslint")
    except PackageNotFoundError:  # a source checkout on sys.path, never installed
        return _source_tree_version() or "0+unknown"


def _source_tree_version() -> str | None:
    """The version in the pyproject.toml of the checkout this package sits in."""
    import os
    import tomllib

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pyproject.toml")
    try:
        with open(path, "rb") as fh:
            project = tomllib.load(fh).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return project.get("version") if project.get("name") == "corslint" else None


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
