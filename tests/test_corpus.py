"""Every real-world config in ../shared/corpus (see its SOURCES.md) is linted
without a crash, through the library (corslint.lint.lint) and the CLI.

* no exception escapes; every problem is one non-empty line in plain words;
* the nginx and Apache configs are read by their frontend (no fatal problem);
* templates (Go templates, docker-gen, envsubst ``${VAR}``, ``{{ }}``) get one
  clear "template ..., not plain nginx/Apache" line instead of a parse error
  or a traceback;
* the whole corpus as one directory walk finishes, exit 1 or 2, no traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from corslint.cli import main
from corslint.lint import lint

pytestmark = pytest.mark.shared

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("CORSLINT_CORPUS", ROOT.parent / "shared" / "corpus"))


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")


FILES = _files()
KIND = {p: p.relative_to(CORPUS).parts[0] for p in FILES}

# Marks of a template language: Go/Jinja/ERB tags, and envsubst placeholders
# (nginx's own variables are lower case; `$${X}` is docker-gen's escape).
TEMPLATE_SNIFF = re.compile(r"\{\{|\{%|<%=|\$\$?\{[A-Z][A-Z0-9_]*\}")
TEMPLATES = sorted(p for p in FILES if KIND[p] == "nginx" and TEMPLATE_SNIFF.search(p.read_text("utf-8")))
PYTHON_INTERNALS = re.compile(r"Traceback|recursion|Error\b|object at 0x|StopIteration|NoneType")


def ids(paths):
    return [p.relative_to(CORPUS).as_posix() for p in paths]


def test_corpus_is_present():
    assert CORPUS.is_dir(), f"{CORPUS} is missing (set CORSLINT_CORPUS to its path)"
    assert len(FILES) >= 40
    assert {"apache", "nginx", "framework"} <= set(KIND.values())


def test_the_corpus_templates_are_the_known_five():
    # if this changes, the corpus changed: look at the new file
    assert [p.name for p in TEMPLATES] == [
        "caffeinalab__nginx-proxy__nginx.tmpl",
        "estafette__openresty-sidecar__cors.conf",
        "estafette__openresty-sidecar__nginx.conf",
        "jitsi__docker-jitsi-meet__web__rootfs__defaults__meet.conf",
        "kubernetes__ingress-nginx__rootfs__etc__nginx__template__nginx.tmpl",
    ]


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_lint_api_never_raises(path):
    result = lint([str(path)])
    for problem in result.problems:
        assert problem.message.strip(), f"empty message for {problem.file}:{problem.line}"
        assert "\n" not in problem.message
        assert not PYTHON_INTERNALS.search(problem.message), str(problem)
    fatal = [p for p in result.problems if p.fatal]
    if not fatal:
        assert str(path) in result.files


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_cli_never_crashes(path):
    result = CliRunner().invoke(main, [str(path)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr
    for line in result.stderr.splitlines():
        assert re.match(r"^\S+?(:\d+)?: \S", line), f"not a `file[:line]: message` line: {line!r}"


SERVER_CONFIGS = [p for p in FILES if KIND[p] in ("nginx", "apache") and p not in TEMPLATES]


@pytest.mark.parametrize("path", SERVER_CONFIGS, ids=ids(SERVER_CONFIGS))
def test_server_configs_are_read_by_their_frontend(path):
    result = lint([str(path)])
    fatal = [str(p) for p in result.problems if p.fatal]
    assert fatal == []
    assert result.files == [str(path)]


@pytest.mark.parametrize("path", TEMPLATES, ids=ids(TEMPLATES))
def test_templates_say_not_plain_nginx(path):
    result = CliRunner().invoke(main, [str(path)])
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(str(path))]
    assert len(lines) == 1, result.stderr
    message = lines[0][len(str(path)):]
    assert re.match(r"^:\d+: ", message), lines[0]  # names the first template line
    assert "template" in message.lower()
    assert re.search(r"not plain nginx", message, re.I), message
    assert result.exit_code == 2
    assert result.stdout.strip().startswith("No findings in 0 files"), result.stdout


def test_whole_corpus_as_one_walk():
    result = CliRunner().invoke(main, ["--format", "json", str(CORPUS)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exit_code in (1, 2), result.output
    import json

    report = json.loads(result.stdout)
    linted = {Path(f).name for f in report["files"]}
    # the walk takes the recognisable server configs (names a directory walk
    # can know: *.conf, .htaccess, httpd.conf...) and reports findings in them
    assert "h5bp__server-configs-apache__dist__.htaccess" in linted
    assert "caffeinalab__nginx-proxy__cors.conf" in linted
    assert report["findings"]
