"""The corslint command: exit codes, selection, config, suppression, stdin,
output, formats, rules and explain. The pipeline is faked (corslint.lint.lint
is monkeypatched) so these tests do not depend on frontends or rules."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

import corslint.lint
from corslint import cli
from corslint.checks import REGISTRY
from corslint.findings import Finding
from corslint.lint import LintResult
from corslint.model import ParseProblem, Source

ANSI = re.compile(r"\x1b\[")


def finding(code="CORS201", file="nginx.conf", line=3, column=5, severity="error",
            message="ACAO * with credentials", **kw) -> Finding:
    return Finding(code=code, message=message, source=Source(file, line, column),
                   severity=severity, **kw)


class FakeLint:
    """Stands in for corslint.lint.lint: returns canned findings/problems and
    records how it was called."""

    def __init__(self):
        self.findings: list[Finding] = []
        self.problems: list[ParseProblem] = []
        self.files: list[str] | None = None
        self.texts: dict[str, str] = {}
        self.calls: list[dict] = []

    def __call__(self, paths, *, stdin_text=None, stdin_filename=None, codes=None, named=None, limits=None,
                 upstreams=()):
        paths = list(paths)
        self.calls.append({"paths": paths, "stdin_text": stdin_text,
                           "stdin_filename": stdin_filename, "codes": codes, "named": named})
        files = self.files if self.files is not None else [
            (stdin_filename or "<stdin>") if p == "-" else p for p in paths]
        return LintResult(findings=list(self.findings), problems=list(self.problems),
                          files=files, texts=dict(self.texts))


@pytest.fixture
def fake(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    # An empty config here stops discovery from wandering up the real tree.
    (tmp_path / ".corslint.toml").write_text("")
    monkeypatch.delenv("NO_COLOR", raising=False)
    fake = FakeLint()
    monkeypatch.setattr(corslint.lint, "lint", fake)
    return fake


def run(*args, input=None):
    return CliRunner().invoke(cli.main, list(args), input=input)


# ---------------------------------------------------------------- exit codes


def test_clean_exits_0(fake, tmp_path):
    (tmp_path / "nginx.conf").write_text("server {}\n")
    result = run("nginx.conf")
    assert result.exit_code == 0, result.output
    assert "No findings in 1 file" in result.stdout
    assert fake.calls[0]["paths"] == ["nginx.conf"]
    assert fake.calls[0]["codes"] is None  # everything selected


def test_findings_exit_1(fake):
    fake.findings = [finding()]
    result = run("nginx.conf")
    assert result.exit_code == 1
    assert "nginx.conf:3:5: CORS201 error: ACAO * with credentials" in result.stdout


def test_exit_zero(fake):
    fake.findings = [finding()]
    result = run("--exit-zero", "nginx.conf")
    assert result.exit_code == 0
    assert "CORS201" in result.stdout


def test_problem_exit_2_and_other_findings_still_printed(fake):
    fake.files = ["good.conf"]
    fake.findings = [finding(file="good.conf")]
    fake.problems = [ParseProblem("bad.conf", 7, "unexpected '}'")]
    result = run("good.conf", "bad.conf")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["bad.conf:7: unexpected '}'"]
    assert "good.conf:3:5: CORS201" in result.stdout
    assert "bad.conf" not in result.stdout.split("\n\n")[0]


def test_problem_beats_exit_zero(fake):
    fake.problems = [ParseProblem("bad.conf", 1, "unexpected end of file")]
    result = run("--exit-zero", "bad.conf")
    assert result.exit_code == 2
    assert "bad.conf:1: unexpected end of file" in result.stderr


def test_problem_without_line(fake):
    fake.problems = [ParseProblem("missing.conf", None, "no such file or directory")]
    result = run("missing.conf")
    assert result.exit_code == 2
    assert result.stderr.strip() == "missing.conf: no such file or directory"


def test_non_fatal_problem_is_printed_but_not_exit_2(fake):
    fake.problems = [ParseProblem("nginx.conf", 4, "include 'x.conf' matches no file here", fatal=False)]
    result = run("nginx.conf")
    assert result.exit_code == 0
    assert "nginx.conf:4: include 'x.conf' matches no file here" in result.stderr


def test_no_paths_is_usage_error(fake):
    result = run("check")
    assert result.exit_code == 2
    assert "no PATH given" in result.stderr
    assert fake.calls == []


def test_bare_corslint_shows_help_exit_2(fake):
    result = run()
    assert result.exit_code == 2
    assert "Usage:" in result.output


def test_unknown_option_is_usage_error(fake):
    assert run("--frobnicate", "nginx.conf").exit_code == 2


def test_bad_format_is_usage_error(fake):
    assert run("--format", "xml", "nginx.conf").exit_code == 2


def test_internal_error_exits_2_not_1(fake, monkeypatch):
    def boom(*a, **kw):
        raise RuntimeError("rule exploded")
    monkeypatch.setattr(corslint.lint, "lint", boom)
    result = run("nginx.conf")
    assert result.exit_code == 2
    assert "internal error: rule exploded" in result.stderr


# ---------------------------------------------------------------- default command routing


def test_directory_path_and_check_alias(fake, tmp_path):
    (tmp_path / "samples").mkdir()
    assert run("samples/").exit_code == 0
    assert run("check", "samples/").exit_code == 0
    assert fake.calls[0]["paths"] == ["samples/"] == fake.calls[1]["paths"]


def test_options_before_path(fake):
    fake.findings = [finding()]
    result = run("--format", "json", "nginx.conf")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"]["findings"] == 1


def test_version(fake):
    from corslint import __version__
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_help_lists_lint_options_and_commands(fake):
    result = run("--help")
    assert result.exit_code == 0
    for word in ("--format", "--select", "--exit-zero", "rules", "explain"):
        assert word in result.stdout


# ---------------------------------------------------------------- select / ignore / severity

MIXED = [
    ("CORS101", "warning"), ("CORS105", "critical"), ("CORS201", "error"),
    ("CORS202", "error"), ("CORS301", "error"), ("CORS309", "info"),
]


def _codes(result) -> list[str]:
    return [f["code"] for f in json.loads(result.stdout)["findings"]]


@pytest.fixture
def mixed(fake):
    fake.findings = [finding(code=c, severity=s, line=i + 1) for i, (c, s) in enumerate(MIXED)]
    return fake


def test_select_exact_and_comma(mixed):
    result = run("--format", "json", "--select", "CORS201,CORS309", "nginx.conf")
    assert _codes(result) == ["CORS201", "CORS309"]
    assert mixed.calls[0]["codes"] == ["CORS201", "CORS309"]


def test_select_repeatable_and_prefix(mixed):
    result = run("--format", "json", "--select", "CORS1", "--select", "cors309", "nginx.conf")
    assert _codes(result) == ["CORS101", "CORS105", "CORS309"]
    assert set(mixed.calls[0]["codes"]) == {c for c in REGISTRY if c.startswith("CORS1")} | {"CORS309"}


def test_ignore_prefix(mixed):
    result = run("--format", "json", "--ignore", "CORS2,CORS309", "nginx.conf")
    assert _codes(result) == ["CORS101", "CORS105", "CORS301"]


def test_more_specific_select_beats_ignore(mixed):
    result = run("--format", "json", "--ignore", "CORS2", "--select", "CORS201", "nginx.conf")
    assert _codes(result) == ["CORS201"]


def test_everything_ignored_is_an_error(mixed):
    # A selection of no rule would pass every config: a pull request must not
    # be able to switch the check off that way (issue #18).
    result = run("--ignore", "CORS", "nginx.conf")
    assert result.exit_code == 2
    assert "leaves no rule to run" in result.stderr


def test_unknown_code_is_usage_error(fake):
    result = run("--select", "CORS999", "nginx.conf")
    assert result.exit_code == 2
    assert "CORS999" in result.stderr


@pytest.mark.parametrize("level, expected", [
    ("info", ["CORS101", "CORS105", "CORS201", "CORS202", "CORS301", "CORS309"]),
    ("warning", ["CORS101", "CORS105", "CORS201", "CORS202", "CORS301"]),
    ("error", ["CORS105", "CORS201", "CORS202", "CORS301"]),
    ("critical", ["CORS105"]),
])
def test_min_severity(mixed, level, expected):
    assert _codes(run("--format", "json", "--min-severity", level, "nginx.conf")) == expected


def test_severity_alias(mixed):
    assert _codes(run("--format", "json", "--severity", "critical", "nginx.conf")) == ["CORS105"]


def test_min_severity_below_threshold_exits_0(mixed):
    mixed.findings = [finding(severity="info")]
    assert run("--min-severity", "warning", "nginx.conf").exit_code == 0


# ---------------------------------------------------------------- config


def test_config_from_pyproject(fake, tmp_path, monkeypatch):
    (tmp_path / ".corslint.toml").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.corslint]\nignore = ["CORS201"]\nformat = "json"\n')
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    fake.findings = [finding(code="CORS201"), finding(code="CORS105", severity="critical")]
    result = run("nginx.conf")
    assert result.exit_code == 1
    assert _codes(result) == ["CORS105"]  # json from config, CORS201 ignored


def test_dot_corslint_toml_beats_pyproject(fake, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.corslint]\nselect = ["CORS201"]\n')
    (tmp_path / ".corslint.toml").write_text('select = ["CORS105"]\n')
    fake.findings = [finding(code="CORS201"), finding(code="CORS105", severity="critical")]
    assert _codes(run("--format", "json", "nginx.conf")) == ["CORS105"]


def test_cli_overrides_config(fake, tmp_path):
    (tmp_path / ".corslint.toml").write_text(
        'select = ["CORS105"]\nmin-severity = "critical"\nformat = "json"\n')
    fake.findings = [finding(code="CORS201"), finding(code="CORS105", severity="critical")]
    result = run("--format", "text", "--select", "CORS2", "--min-severity", "info", "nginx.conf")
    assert "nginx.conf:3:5: CORS201" in result.stdout
    assert "CORS105" not in result.stdout.split("\n\n")[0]


def test_cli_ignore_adds_to_config_ignore(fake, tmp_path):
    (tmp_path / ".corslint.toml").write_text('ignore = ["CORS201"]\n')
    fake.findings = [finding(code="CORS201"), finding(code="CORS105"), finding(code="CORS309")]
    assert _codes(run("--format", "json", "--ignore", "CORS309", "nginx.conf")) == ["CORS105"]


def test_explicit_config(fake, tmp_path):
    (tmp_path / "custom.toml").write_text('ignore = ["CORS1"]\n')
    fake.findings = [finding(code="CORS105"), finding(code="CORS201")]
    assert _codes(run("--format", "json", "--config", "custom.toml", "nginx.conf")) == ["CORS201"]


def test_explicit_pyproject_config(fake, tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text('[tool.corslint]\nignore = ["CORS2"]\n')
    fake.findings = [finding(code="CORS105"), finding(code="CORS201")]
    assert _codes(run("--format", "json", "--config", "other/pyproject.toml", "x.conf")) == ["CORS105"]


@pytest.mark.parametrize("text, needle", [
    ("select = [", "invalid TOML"),
    ('bogus = 1\n', "unknown key 'bogus'"),
    ('select = ["NOPE1"]\n', "NOPE1"),
    ('min-severity = "loud"\n', "min-severity"),
    ('format = "xml"\n', "unknown format 'xml'"),
    ('per-file-ignores = ["a"]\n', "per-file-ignores"),
])
def test_bad_config_exits_2(fake, tmp_path, text, needle):
    (tmp_path / ".corslint.toml").write_text(text)
    result = run("nginx.conf")
    assert result.exit_code == 2
    assert needle in result.stderr
    assert fake.calls == []


def test_missing_explicit_config_exits_2(fake):
    result = run("--config", "nope.toml", "nginx.conf")
    assert result.exit_code == 2
    assert "nope.toml" in result.stderr


def test_per_file_ignores(fake, tmp_path):
    (tmp_path / ".corslint.toml").write_text(
        '[per-file-ignores]\n"legacy/*.conf" = ["CORS2"]\n"*.py" = "CORS105"\n')
    fake.findings = [
        finding(code="CORS201", file="legacy/old.conf"),
        finding(code="CORS105", file="legacy/old.conf"),
        finding(code="CORS201", file="new.conf"),
        finding(code="CORS105", file="app/settings.py"),
    ]
    doc = json.loads(run("--format", "json", "legacy", "new.conf", "app").stdout)
    assert [(f["code"], f["file"]) for f in doc["findings"]] == [
        ("CORS105", "legacy/old.conf"), ("CORS201", "new.conf")]


def test_exclude_skips_files_in_walked_directories(fake, tmp_path, monkeypatch):
    (tmp_path / ".corslint.toml").write_text('exclude = ["vendor", "*.bak.conf"]\n')
    conf = tmp_path / "conf"
    (conf / "vendor").mkdir(parents=True)
    for name in ("a.conf", "old.bak.conf", "vendor/v.conf"):
        (conf / name).write_text("server {}\n")

    def discover(paths):
        files = []
        for p in paths:
            files += [f"{p}/a.conf", f"{p}/old.bak.conf", f"{p}/vendor/v.conf"]
        return files, []
    monkeypatch.setattr(corslint.lint, "discover", discover)
    assert run("conf", "conf/old.bak.conf").exit_code == 0
    assert fake.calls[0]["paths"] == ["conf/a.conf"]


# ---------------------------------------------------------------- suppression


NGINX = """\
server {
    # corslint: disable=CORS201
    add_header Access-Control-Allow-Origin *;
    add_header Access-Control-Allow-Credentials true; # corslint: disable=CORS202,CORS105
    add_header X-Other 1;

    add_header Y 1;
    # corslint: disable
}
"""


def test_suppression_from_file_text(fake, tmp_path):
    (tmp_path / "nginx.conf").write_text(NGINX)
    fake.findings = [
        finding(code="CORS201", line=3),   # comment on the line above
        finding(code="CORS202", line=4),   # comment on the line
        finding(code="CORS105", line=5),   # directive on line 4 is the line above
        finding(code="CORS201", line=5),   # not covered by line 4's codes
        finding(code="CORS101", line=9),   # bare disable on line 8
        finding(code="CORS201", line=4, column=9, message="other"),  # neither line 4 nor 3 names it
    ]
    doc = json.loads(run("--format", "json", "nginx.conf").stdout)
    assert [(f["code"], f["line"], f["column"]) for f in doc["findings"]] == [
        ("CORS201", 4, 9), ("CORS201", 5, 5)]


def test_suppression_not_two_lines_above(fake, tmp_path):
    (tmp_path / "nginx.conf").write_text("# corslint: disable=CORS201\n\nadd_header A *;\n")
    fake.findings = [finding(code="CORS201", line=3)]
    assert run("nginx.conf").exit_code == 1


def test_suppression_uses_lint_result_texts(fake):
    fake.texts = {"virtual.conf": "a;\nb; # corslint: disable=CORS201\n"}
    fake.findings = [finding(code="CORS201", file="virtual.conf", line=2)]
    assert run("virtual.conf").exit_code == 0


def test_suppression_in_included_file(fake, tmp_path):
    (tmp_path / "main.conf").write_text("include cors.conf;\n")
    (tmp_path / "cors.conf").write_text("# corslint: disable=CORS201\nadd_header A *;\n")
    included = Finding(code="CORS201", message="m", severity="error",
                       source=Source("cors.conf", 2, 1, via=(Source("main.conf", 1, 1),)))
    fake.findings = [included]
    assert run("main.conf").exit_code == 0


# ---------------------------------------------------------------- stdin


def test_stdin_with_filename(fake):
    text = "server {\n    add_header A *; # corslint: disable=CORS105\n}\n"
    fake.findings = [finding(code="CORS201", file="site.conf", line=2),
                     finding(code="CORS105", file="site.conf", line=2)]
    result = run("--format", "json", "--stdin-filename", "site.conf", "-", input=text)
    call = fake.calls[0]
    assert call["paths"] == ["-"]
    assert call["stdin_text"] == text
    assert call["stdin_filename"] == "site.conf"
    assert _codes(result) == ["CORS201"]  # suppression read from the stdin text
    assert json.loads(result.stdout)["files"] == ["site.conf"]


def test_stdin_filename_alone_reads_stdin(fake):
    result = run("--stdin-filename", "nginx.conf", input="server {}\n")
    assert result.exit_code == 0
    assert fake.calls[0]["paths"] == ["-"]
    assert fake.calls[0]["stdin_text"] == "server {}\n"


# ---------------------------------------------------------------- output


def test_output_file(fake, tmp_path):
    fake.findings = [finding()]
    result = run("--output", "report.json", "--format", "json", "nginx.conf")
    assert result.exit_code == 1
    assert result.stdout == ""
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["findings"][0]["code"] == "CORS201"


def test_output_file_text_has_no_colour_even_with_problems(fake, tmp_path):
    fake.findings = [finding()]
    fake.problems = [ParseProblem("bad.conf", 2, "boom")]
    result = run("-o", "out.txt", "nginx.conf")
    assert result.exit_code == 2
    assert "bad.conf:2: boom" in result.stderr
    out = (tmp_path / "out.txt").read_text()
    assert out.startswith("nginx.conf:3:5: CORS201 ")
    assert not ANSI.search(out)


def test_text_output_format(fake):
    fake.files = ["nginx.conf", "b.conf", "c.conf", "d.conf"]
    fake.findings = [
        finding(code="CORS105", line=2, column=1, severity="critical", message="Origin reflected",
                fix="Match the origin against an allowlist."),
        finding(code="CORS201", line=3, column=5, severity="error", message="Wildcard with credentials",
                chrome="Chrome says", firefox="Firefox says", fix="Echo the origin."),
        finding(code="CORS202", file="b.conf", line=1, column=1, severity="error", message="Bad ACAC"),
    ]
    result = run("nginx.conf")
    assert result.stdout == (
        "b.conf:1:1: CORS202 error: Bad ACAC\n"
        "\n"
        "nginx.conf:2:1: CORS105 critical: Origin reflected\n"
        "    Fix: Match the origin against an allowlist.\n"
        "\n"
        "nginx.conf:3:5: CORS201 error: Wildcard with credentials\n"
        "    Chrome: Chrome says\n"
        "    Firefox: Firefox says\n"
        "    Fix: Echo the origin.\n"
        "\n"
        "3 findings (1 critical, 2 error) in 4 files\n"
    )


def test_no_ansi_when_not_a_tty(fake):
    fake.findings = [finding()]
    result = run("nginx.conf")
    assert not ANSI.search(result.stdout)


def test_color_forced(fake):
    fake.findings = [finding()]
    result = run("--color", "nginx.conf")
    assert ANSI.search(result.stdout)


def test_no_color_flag_wins_over_tty():
    class Tty:
        def isatty(self):
            return True
    assert cli.want_color(None, Tty()) is True
    assert cli.want_color(False, Tty()) is False


def test_no_color_env(monkeypatch):
    class Tty:
        def isatty(self):
            return True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli.want_color(None, Tty()) is False
    monkeypatch.setenv("NO_COLOR", "")
    assert cli.want_color(None, Tty()) is True


def test_json_shape(fake):
    fake.files = ["nginx.conf", "other.conf"]
    fake.findings = [finding(code="CORS201"), finding(code="CORS105", severity="critical", line=9)]
    fake.problems = [ParseProblem("bad.conf", 4, "unexpected '}'")]
    result = run("--format", "json", "nginx.conf")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert set(doc) == {"version", "tool", "files", "findings", "links", "problems", "summary"}
    assert doc["version"] == 1
    assert doc["tool"]["name"] == "corslint"
    assert doc["files"] == ["nginx.conf", "other.conf"]
    assert doc["problems"] == [{"file": "bad.conf", "line": 4, "message": "unexpected '}'", "fatal": True}]
    assert doc["findings"][0] == finding(code="CORS201").to_dict()
    assert doc["summary"] == {
        "findings": 2, "problems": 1,
        "by_severity": {"info": 0, "warning": 0, "error": 1, "critical": 1},
        "by_code": {"CORS105": 1, "CORS201": 1},
    }


# ---------------------------------------------------------------- rules / explain


def test_rules_lists_all_codes(fake):
    result = run("rules")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == list(REGISTRY)
    assert len(listed) == 26
    assert "wildcard-with-credentials" in result.stdout


def test_rules_json(fake):
    from corslint import checks

    result = run("rules", "--format", "json")
    rows = json.loads(result.stdout)
    assert [r["code"] for r in rows] == list(REGISTRY)
    assert set(rows[0]) == {"code", "name", "severity", "levels", "category", "summary"}
    for row in rows:
        rule = checks.load(row["code"])
        assert (row["name"], row["severity"], row["category"]) == (rule.NAME, rule.SEVERITY, rule.CATEGORY)


def test_rule_meta_comes_from_the_module():
    from corslint import checks

    rule = checks.load("CORS309")
    assert cli.rule_meta("CORS309") == (rule.NAME, rule.SEVERITY, rule.SUMMARY)


def test_explain_prints_page(fake, monkeypatch):
    from corslint import checks

    pages = {"CORS201": "# CORS201 wildcard-with-credentials\n\nDo not do that.\n"}
    monkeypatch.setattr(checks, "doc_page", pages.__getitem__)
    for query in ("CORS201", "cors201", "wildcard-with-credentials"):
        result = run("explain", query)
        assert result.exit_code == 0, query
        assert result.stdout == "# CORS201 wildcard-with-credentials\n\nDo not do that.\n"


def test_explain_prints_the_real_page(fake):
    result = run("explain", "CORS201")
    assert result.exit_code == 0
    assert result.stdout.strip() == cli.rule_doc("CORS201").strip()
    assert result.stdout.startswith("# CORS201 wildcard-with-credentials")


def test_explain_unknown_code_exits_2(fake):
    result = run("explain", "CORS999")
    assert result.exit_code == 2
    assert "unknown rule code 'CORS999'" in result.stderr


# ---------------------------------------------------------------- --fail-on


def test_info_findings_are_reported_but_do_not_fail_by_default(mixed):
    mixed.findings = [finding(severity="info")]
    result = run("nginx.conf")
    assert result.exit_code == 0
    assert "CORS201 info:" in result.stdout


@pytest.mark.parametrize("severities, level, expected", [
    (["info"], "info", 1),
    (["info"], "warning", 0),
    (["info", "error"], "warning", 1),
    (["info", "error"], "critical", 0),
])
def test_fail_on_sets_the_lowest_failing_severity(mixed, severities, level, expected):
    mixed.findings = [finding(severity=s, line=i + 1) for i, s in enumerate(severities)]
    result = run("--fail-on", level, "nginx.conf")
    assert result.exit_code == expected
    assert result.stdout.count("CORS201") == len(severities)  # all still reported


def test_fail_on_from_the_config(mixed, tmp_path):
    mixed.findings = [finding(severity="info")]
    (tmp_path / ".corslint.toml").write_text('fail-on = "info"\n')
    assert run("nginx.conf").exit_code == 1
    (tmp_path / ".corslint.toml").write_text('fail-on = "loud"\n')
    result = run("nginx.conf")
    assert result.exit_code == 2 and "fail-on" in result.stderr
