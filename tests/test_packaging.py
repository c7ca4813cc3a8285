"""Packaging: every package directory ships, grammars/ installs inside corslint."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_directory_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "corslint").rglob("__init__.py")}
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"
    assert config["tool"]["setuptools"]["package-dir"]["corslint.grammars"] == "grammars"


def test_grammars_import_under_the_corslint_name():
    import corslint.grammars

    assert Path(corslint.grammars.__file__).resolve().parent == ROOT / "grammars"
