"""Packaging: every package directory ships, grammars/ installs inside corslint;
the dependency ranges hold what is installed; one version; `python -m corslint`."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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


# ---------------------------------------------------------------- dependencies


def _declared(group: str | None = None) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] if group is None else project["optional-dependencies"][group]


def test_installed_dependencies_are_inside_the_declared_ranges():
    """The suite runs against what is installed: that must be what the ranges
    promise (a venv that inherits system packages can hold anything)."""
    requirements = pytest.importorskip("packaging.requirements")
    outside = []
    for text in _declared():
        requirement = requirements.Requirement(text)
        installed = importlib.metadata.version(requirement.name)
        if not requirement.specifier.contains(installed, prereleases=True):
            outside.append(f"{requirement.name} {installed} (declared {requirement.specifier})")
    for text in _declared("test"):  # the test extras, where installed
        requirement = requirements.Requirement(text)
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            outside.append(f"{requirement.name} {installed} (declared {requirement.specifier})")
    assert outside == []


def test_every_runtime_dependency_has_an_upper_bound():
    requirements = pytest.importorskip("packaging.requirements")
    unbounded = [text for text in _declared()
                 if not any(spec.operator in ("<", "<=", "==", "~=")
                            for spec in requirements.Requirement(text).specifier)]
    assert unbounded == []


def test_each_tree_sitter_grammar_loads_into_the_installed_library():
    """A grammar built for an ABI the installed tree-sitter cannot read fails
    only when a file needs it: load each one here."""
    import tree_sitter
    import tree_sitter_javascript
    import tree_sitter_python
    import tree_sitter_typescript

    for language in (tree_sitter_javascript.language(), tree_sitter_typescript.language_typescript(),
                     tree_sitter_typescript.language_tsx(), tree_sitter_python.language()):
        parser = tree_sitter.Parser(tree_sitter.Language(language))
        assert parser.parse(b"x = 1\n").root_node.child_count == 1


def test_crossplane_internals_the_fast_lexer_replaces_are_there():
    # frontends/_nginx_lexer.py patches crossplane.parser.lex and defers to
    # crossplane.lexer for files its extensions lex: private API, pinned in
    # pyproject.toml; this fails first when a crossplane release moves them.
    import crossplane.lexer
    import crossplane.parser

    assert callable(crossplane.parser.lex) and crossplane.parser.lex is crossplane.lexer.lex
    assert "content_by_lua_block" in crossplane.lexer.EXTERNAL_LEXERS


# ---------------------------------------------------------------- version, entry points


def test_version_comes_from_pyproject():
    import corslint

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert corslint.__version__ == declared
    assert "__version__ =" not in (ROOT / "corslint" / "__init__.py").read_text()


def test_version_of_a_source_tree_that_is_not_installed(tmp_path):
    # A checkout on PYTHONPATH without an install still knows its version.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    probe = ("import importlib.metadata as m\n"
             "def missing(name):\n"
             "    raise m.PackageNotFoundError(name)\n"
             "m.version = missing\n"
             "import corslint\n"
             "print(corslint.__version__)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                         cwd=tmp_path, check=True).stdout.strip()
    assert out == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def _psl_stamp() -> str:
    import publicsuffixlist

    with open(publicsuffixlist.PSLFILE, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("// VERSION:"):
                return line.split(":", 1)[1].strip()
    raise AssertionError("publicsuffixlist's list has no VERSION line")


def test_python_dash_m_corslint_prints_the_version_and_the_suffix_list(tmp_path):
    import corslint

    run = subprocess.run([sys.executable, "-m", "corslint", "--version"], capture_output=True,
                         text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.splitlines()
    assert first == f"corslint, version {corslint.__version__}"
    assert second.startswith(f"Public Suffix List: {_psl_stamp()} (publicsuffixlist ")
    assert importlib.metadata.version("publicsuffixlist") in second


def test_python_dash_m_corslint_lints(tmp_path):
    (tmp_path / "nginx.conf").write_text(
        "server {\n    listen 80;\n    location / {\n"
        "        add_header Access-Control-Allow-Origin * always;\n"
        "        add_header Access-Control-Allow-Credentials true always;\n    }\n}\n")
    run = subprocess.run([sys.executable, "-m", "corslint", "--format", "json", "nginx.conf"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "CORS201" in {f["code"] for f in json.loads(run.stdout)["findings"]}
    stdin = subprocess.run([sys.executable, "-m", "corslint", "--stdin-filename", "nginx.conf", "-"],
                           input=(tmp_path / "nginx.conf").read_bytes(), capture_output=True, cwd=tmp_path)
    assert stdin.returncode == 1 and b"nginx.conf:4:" in stdin.stdout
