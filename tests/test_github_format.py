"""``--format github``: GitHub Actions workflow commands (annotations)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from corslint import cli
from corslint.findings import Finding
from corslint.lint import LintResult
from corslint.model import ParseProblem, Source
from corslint.reporters import REPORTERS
from corslint.reporters import github

CONF = """\
server {
    listen 80;
    server_name api.example.com;
    location /api/ {
        add_header Access-Control-Allow-Origin * always;
        add_header Access-Control-Allow-Credentials true always;
        proxy_hide_header Access-Control-Allow-Origin;
        proxy_pass http://127.0.0.1:8000;
    }
}
"""

COMMAND = re.compile(r"^::(?P<kind>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """Undo the runner's escaping, as GitHub does."""
    m = COMMAND.match(line)
    assert m, line
    props = {}
    for item in (m.group("props") or "").split(","):
        if item:
            key, _, value = item.partition("=")
            props[key] = unquote(value)
    return m.group("kind"), props, unquote(m.group("message"))


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".corslint.toml").write_text("")
    (tmp_path / "sites-enabled").mkdir()
    (tmp_path / "sites-enabled" / "api.conf").write_text(CONF)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli.main, ["--format", "github", *args])


def test_finding_becomes_an_error_annotation(project):
    result = run("sites-enabled/api.conf")
    assert result.exit_code == 1
    lines = [l for l in result.stdout.splitlines() if l.startswith("::")]
    annotations = [parse(l) for l in lines]
    by_title = {props["title"]: (kind, props, message) for kind, props, message in annotations}
    kind, props, message = by_title["CORS201"]
    assert kind == "error"
    line = CONF.splitlines()[4]
    assert props == {"file": "sites-enabled/api.conf", "line": "5",
                     "col": str(line.index("add_header") + 1), "endLine": "5",
                     "endColumn": str(len(line) + 1), "title": "CORS201"}
    first, *rest = message.split("\n")
    assert first.startswith("Access-Control-Allow-Origin is '*' while Access-Control-Allow-Credentials")
    assert any(r.startswith("Fix: ") for r in rest)
    assert any(r.startswith("Chrome: Access to fetch at ") for r in rest)
    assert result.stdout.rstrip().splitlines()[-1].startswith("1 finding")


def test_absolute_path_is_made_relative_to_the_workspace(project):
    result = run(str(project / "sites-enabled" / "api.conf"))
    _, props, _ = parse(next(l for l in result.stdout.splitlines() if l.startswith("::")))
    assert props["file"] == "sites-enabled/api.conf"


def test_severity_maps_to_command():
    findings = [Finding(code, "m.", Source("a.conf", i + 1, 1), severity)
                for i, (code, severity) in enumerate([("CORS105", "critical"), ("CORS201", "error"),
                                                      ("CORS108", "warning"), ("CORS309", "info")])]
    import io
    out = io.StringIO()
    github.report(LintResult(files=["a.conf"]), findings, out)
    kinds = [parse(l)[0] for l in out.getvalue().splitlines() if l.startswith("::")]
    assert kinds == ["error", "error", "warning", "notice"]


def test_escaping_of_message_and_properties():
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"
    line = github.command("error", "50% of it:\nsecond, line", file="dir,x/a:b.conf", line=3,
                          title="CORS201")
    assert line == ("::error file=dir%2Cx/a%3Ab.conf,line=3,title=CORS201::"
                    "50%25 of it:%0Asecond, line")
    kind, props, message = parse(line)
    assert props["file"] == "dir,x/a:b.conf" and message == "50% of it:\nsecond, line"


def test_finding_message_with_newline_and_percent_stays_one_command():
    finding = Finding("CORS309", "Max-Age 100% too high.\nSecond line.", Source("a.conf", 2, 3), "info",
                      fix="Lower it, e.g. 7200.")
    import io
    out = io.StringIO()
    github.report(LintResult(files=["a.conf"]), [finding], out)
    lines = out.getvalue().splitlines()
    assert len([l for l in lines if l.startswith("::")]) == 1
    _, _, message = parse(lines[0])
    assert message == "Max-Age 100% too high.\nSecond line.\nFix: Lower it, e.g. 7200."


def test_unparseable_file_is_an_error_annotation(project):
    (project / "sites-enabled" / "bad.conf").write_text("server {\n    location / {\n")
    result = run("sites-enabled/bad.conf", "sites-enabled/api.conf")
    assert result.exit_code == 2
    annotations = [parse(l) for l in result.stdout.splitlines() if l.startswith("::")]
    problem = [a for a in annotations if a[1]["title"] == "corslint"]
    assert len(problem) == 1
    kind, props, message = problem[0]
    assert kind == "error" and props["file"] == "sites-enabled/bad.conf" and int(props["line"]) >= 1
    assert message
    assert any(a[1]["title"] == "CORS201" for a in annotations)


def test_notice_problem_is_a_warning_without_line():
    import io
    out = io.StringIO()
    github.report(LintResult(problems=[ParseProblem("nginx.conf", None, "no include", fatal=False)]),
                  [], out)
    kind, props, message = parse(out.getvalue().splitlines()[0])
    assert kind == "warning" and props == {"file": "nginx.conf", "title": "corslint"}
    assert message == "no include"


def test_clean_run_prints_no_annotation(project):
    (project / "sites-enabled" / "api.conf").write_text(CONF.replace(
        "        add_header Access-Control-Allow-Credentials true always;\n", ""))
    result = run("sites-enabled/api.conf")
    assert result.exit_code == 0
    assert not [l for l in result.stdout.splitlines() if l.startswith("::")]
    assert "No findings in 1 file" in result.stdout


def test_github_is_registered():
    # registered lazily: the registry entry writes what the module's report writes
    import io

    from corslint.lint import LintResult

    ours, theirs = io.StringIO(), io.StringIO()
    REPORTERS["github"](LintResult(), [], ours, False)
    github.report(LintResult(), [], theirs, False)
    assert ours.getvalue() == theirs.getvalue()
