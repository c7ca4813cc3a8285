"""Configs written by an attacker: corslint runs on strangers' pull requests and
its output (logs, annotations, SARIF) is public. Each test builds its tree in a
temporary directory and runs the installed command as CI does.

Covered here: output nobody can hijack (workflow-command injection, control
characters, undecodable file names in every format), a report never written
through a link or over an input, a closed or full standard stream, and
selections or settings that would silently switch every rule off.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CORSLINT = [sys.executable, "-c", "import sys; from corslint.cli import run; sys.argv[0] = 'corslint'; run()"]

# One finding at line 3 in any of the files below (ACAO '*' with credentials).
WILDCARD_WITH_CREDENTIALS = (
    "server {\n"
    "    listen 80;\n"
    "    location / { add_header Access-Control-Allow-Origin \"*\"; "
    "add_header Access-Control-Allow-Credentials \"true\"; }\n"
    "}\n"
)
FORMATS = ("text", "json", "sarif", "github")
# What corslint itself writes as workflow commands in --format github.
OWN_COMMAND = re.compile(r"^::(error|warning|notice) (file|title)=")


def corslint(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([*CORSLINT, *args], cwd=cwd, timeout=120, **kw)


@pytest.fixture
def hostile_tree(tmp_path: Path) -> Path:
    """File and directory names, and a header value, that try to start a line
    of their own in the output."""
    (tmp_path / "::stop-commands::tok.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    newline_dir = tmp_path / "d\n::add-mask::x"
    newline_dir.mkdir()
    (newline_dir / "n.conf").write_text(
        "server {\n    listen 80;\n"
        "    location / { add_header Access-Control-Allow-Origin \"a\n::stop-commands::v\x1b[31m\"; }\n}\n")
    (tmp_path / os.fsdecode(b"latin\xff.conf")).write_text(WILDCARD_WITH_CREDENTIALS)
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_line_is_a_workflow_command_the_input_wrote(hostile_tree: Path, fmt: str):
    done = corslint("--format", fmt, ".", cwd=hostile_tree)
    assert done.returncode == 1, done.stderr.decode(errors="replace")
    for stream in (done.stdout, done.stderr):
        for line in stream.decode("utf-8").splitlines():
            if fmt == "github" and stream is done.stdout and OWN_COMMAND.match(line):
                continue
            # The runner trims leading white space before it looks for "::".
            assert not line.lstrip().startswith("::"), line


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_survives_an_undecodable_file_name(hostile_tree: Path, fmt: str):
    done = corslint("--format", fmt, ".", cwd=hostile_tree)
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr
    text = done.stdout.decode("utf-8")  # valid UTF-8 whatever the names
    if fmt in ("json", "sarif"):
        document = json.loads(text)
        if fmt == "json":
            assert "latin\\xff.conf" in {f["file"] for f in document["findings"]}
        else:
            uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    for r in document["runs"][0]["results"]}
            assert "latin%FF.conf" in uris  # the name's own bytes, percent-encoded
    elif fmt == "github":
        assert "file=latin\\xff.conf,line=3," in text
    else:
        assert "latin\\xff.conf:3:" in text


def test_text_output_shows_control_characters_escaped(hostile_tree: Path):
    done = corslint("--format", "text", ".", cwd=hostile_tree)
    text = done.stdout.decode("utf-8")
    assert "\x1b" not in text and "\r" not in text
    assert "d\\n::add-mask::x/n.conf:3:" in text
    assert "'a\\n::stop-commands::v\\x1b[31m'" in text


def test_github_annotations_keep_input_inside_their_command(hostile_tree: Path):
    done = corslint("--format", "github", ".", cwd=hostile_tree)
    lines = done.stdout.decode("utf-8").splitlines()
    annotated = [line for line in lines if OWN_COMMAND.match(line)]
    assert any("file=d\\n%3A%3Aadd-mask%3A%3Ax/n.conf" in line for line in annotated)
    assert all("\x1b" not in line for line in lines)


def test_output_never_overwrites_an_input(tmp_path: Path):
    config = tmp_path / "a.conf"
    config.write_text(WILDCARD_WITH_CREDENTIALS)
    done = corslint("--output", "a.conf", "a.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert config.read_text() == WILDCARD_WITH_CREDENTIALS
    assert b"one of the files being linted" in done.stderr


def test_output_never_overwrites_an_included_file(tmp_path: Path):
    (tmp_path / "main.conf").write_text("http {\n    include cors.conf;\n}\n")
    (tmp_path / "cors.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    done = corslint("--output", "cors.conf", "main.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert (tmp_path / "cors.conf").read_text() == WILDCARD_WITH_CREDENTIALS


def test_output_is_not_written_through_a_planted_link(tmp_path: Path):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    victim = tmp_path.parent / f"{tmp_path.name}-victim.txt"
    (tmp_path / "report.sarif").symlink_to(victim)
    done = corslint("--format", "sarif", "--output", "report.sarif", "a.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert not victim.exists()
    assert (tmp_path / "report.sarif").is_symlink()
    assert b"symbolic link" in done.stderr


def test_output_is_not_written_through_a_linked_directory_leading_out(tmp_path: Path):
    work = tmp_path / "checkout"
    outside = tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    (work / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (work / "reports").symlink_to(outside)
    done = corslint("--output", "reports/r.txt", "a.conf", cwd=work)
    assert done.returncode == 2
    assert list(outside.iterdir()) == []


def test_output_replaces_a_report_atomically(tmp_path: Path):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    report = tmp_path / "report.json"
    report.write_text("old")
    before = report.stat().st_ino
    done = corslint("--format", "json", "--output", "report.json", "a.conf", cwd=tmp_path)
    assert done.returncode == 1
    assert json.loads(report.read_text())["summary"]["findings"] >= 1
    assert report.stat().st_ino != before  # a new file renamed over the old one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.conf", "report.json"]


def test_output_named_outside_the_working_directory_is_written(tmp_path: Path):
    work = tmp_path / "checkout"
    work.mkdir()
    (work / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    target = tmp_path / "report.txt"
    done = corslint("--output", str(target), "a.conf", cwd=work)
    assert done.returncode == 1
    assert "CORS201" in target.read_text()


def _one_clear_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_closed_stdout_ends_with_one_line(tmp_path: Path):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    done = subprocess.run([*CORSLINT, "a.conf"], cwd=tmp_path, stderr=subprocess.PIPE, timeout=120,
                          stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    assert "standard output is closed" in _one_clear_line(done.stderr)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_stdout_ends_with_one_line(tmp_path: Path):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    with open("/dev/full", "w") as full:
        done = corslint("a.conf", cwd=tmp_path, stdout=full)
    assert done.returncode == 2
    assert "No space left" in _one_clear_line(done.stderr)


def test_closed_stdin_ends_with_one_line(tmp_path: Path):
    done = subprocess.run([*CORSLINT, "-", "--stdin-filename", "x.conf"], cwd=tmp_path,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, preexec_fn=lambda: os.close(0))
    assert done.returncode == 2
    assert "standard input is closed" in _one_clear_line(done.stderr)


@pytest.mark.parametrize("args", [("--select", ""), ("--select", " , "),
                                  ("--select", "CORS2", "--ignore", "CORS2")])
def test_a_selection_of_no_rule_is_a_usage_error(tmp_path: Path, args):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    done = corslint(*args, "a.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert b"CORS201" not in done.stdout


@pytest.mark.parametrize("settings", ["select = []\n", 'select = ["CORS1"]\nignore = ["CORS1"]\n'])
def test_a_config_that_selects_no_rule_is_an_error(tmp_path: Path, settings: str):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (tmp_path / ".corslint.toml").write_text(settings)
    done = corslint("a.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert "select" in _one_clear_line(done.stderr) or "no rule" in done.stderr.decode()


@pytest.mark.parametrize("settings, named", [
    ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deep"),
    ("select = 3\n", "select"),
    ("selcet = [\"CORS1\"]\n", "selcet"),
    ("select = [\"CORS1\"\n", "invalid TOML"),
])
def test_a_bad_config_is_one_line_naming_the_key(tmp_path: Path, settings: str, named: str):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (tmp_path / ".corslint.toml").write_text(settings)
    done = corslint("a.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert named in _one_clear_line(done.stderr)


# ---------------------------------------------------------------- reading only what was named

SECRET = "root:x:0:0:secret-marker:/root:/bin/bash\n"


def _outside(tmp_path: Path) -> Path:
    """A directory beside the linted tree standing for the host: a config with
    a finding and a secret that must never be read or quoted."""
    host = tmp_path / "host"
    host.mkdir()
    (host / "host.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (host / "passwd").write_text(SECRET)
    return host


def _everything(done: subprocess.CompletedProcess) -> str:
    return done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")


@pytest.mark.parametrize("link", ["etc", "up"])
def test_a_walk_follows_no_directory_link_out_of_the_tree(tmp_path: Path, link: str):
    host = _outside(tmp_path)
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (tree / link).symlink_to(host if link == "etc" else Path(".."))
    done = corslint("--format", "json", ".", cwd=tree)
    document = json.loads(done.stdout)
    assert document["files"] == ["a.conf"]
    notices = {(p["file"], p["message"], p["fatal"]) for p in document["problems"]}
    assert (link, "symbolic link to outside the linted tree; not followed", False) in notices
    assert "secret-marker" not in _everything(done)


def test_a_file_link_out_of_the_tree_is_not_read(tmp_path: Path):
    host = _outside(tmp_path)
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / ".htaccess").symlink_to(host / "passwd")
    (tree / "settings.py").symlink_to("/dev/zero")
    done = corslint(".", cwd=tree)
    assert done.returncode == 0
    assert "secret-marker" not in _everything(done)
    assert done.stderr.decode().count("not followed") == 2


def test_a_named_link_out_of_the_working_directory_is_refused(tmp_path: Path):
    host = _outside(tmp_path)
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (tree / "evil.conf").symlink_to(host / "passwd")
    done = corslint("evil.conf", "a.conf", cwd=tree)
    assert done.returncode == 2
    assert "evil.conf: symbolic link to outside the working directory" in done.stderr.decode()
    assert "CORS201" in done.stdout.decode()  # the good file is still linted
    assert "secret-marker" not in _everything(done)


def test_a_link_named_outside_the_working_directory_is_the_users_choice(tmp_path: Path):
    host = _outside(tmp_path)
    (tmp_path / "enabled.conf").symlink_to(host / "host.conf")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    done = corslint(str(tmp_path / "enabled.conf"), cwd=elsewhere)
    assert done.returncode == 1
    assert "CORS201" in done.stdout.decode()


def test_a_named_fifo_is_refused_without_hanging(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.conf")
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    done = corslint("pipe.conf", "a.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert "pipe.conf: not a regular file" in done.stderr.decode()
    assert "CORS201" in done.stdout.decode()


def test_a_fifo_met_in_a_walk_is_skipped(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.conf")
    os.mkfifo(tmp_path / "settings.py")
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    done = corslint(".", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.decode().count("not a regular file") == 2


def _git(tree: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   cwd=tree, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.skipif(subprocess.run(["git", "--version"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL).returncode != 0, reason="needs git")
def test_gitignore_does_not_hide_committed_configs(tmp_path: Path):
    for place in ("a.conf", "build/b.conf", "env/e.conf", "venvlike/v.conf"):
        (tmp_path / place).parent.mkdir(exist_ok=True)
        (tmp_path / place).write_text(WILDCARD_WITH_CREDENTIALS)
    (tmp_path / "venvlike" / "pyvenv.cfg").write_text("")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "configs")
    # The pull request then hides everything, and adds a config git ignores.
    (tmp_path / ".gitignore").write_text("*\n")
    (tmp_path / "untracked.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    done = corslint("--format", "json", ".", cwd=tmp_path)
    files = json.loads(done.stdout)["files"]
    assert sorted(files) == ["a.conf", "build/b.conf", "env/e.conf", "venvlike/v.conf"]
    assert done.returncode == 1


def test_excluding_every_file_found_is_not_a_clean_run(tmp_path: Path):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (tmp_path / ".corslint.toml").write_text('exclude = ["*"]\n')
    done = corslint(".", cwd=tmp_path)
    assert done.returncode == 2
    assert "nothing linted: all 1 configuration files found here are excluded" in done.stderr.decode()


def test_explain_with_a_config_keeps_input_from_starting_a_line(hostile_tree: Path):
    message = ("Access to fetch at 'http://a.example/' from origin 'http://b.example' has been "
               "blocked by CORS policy: Response to preflight request doesn't pass access control "
               "check: No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    done = corslint("explain", message, "--config", ".", cwd=hostile_tree)
    text = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert "::stop-commands::tok.conf" in text  # the finding is there...
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), line  # ...but never starts a line
    assert "\x1b" not in text
# ---------------------------------------------------------------- includes stay in the tree

OUTSIDE = "is outside the linted tree; not read"
APACHE_WILDCARD_WITH_CREDENTIALS = (
    "<VirtualHost *:80>\n"
    "    Header always set Access-Control-Allow-Origin \"*\"\n"
    "    Header always set Access-Control-Allow-Credentials \"true\"\n"
    "</VirtualHost>\n"
)


def _repo(tmp_path: Path) -> Path:
    tree = tmp_path / "repo"
    tree.mkdir()
    return tree


def _problems(done: subprocess.CompletedProcess) -> set[tuple[str, str, bool]]:
    return {(p["file"], p["message"], p["fatal"]) for p in json.loads(done.stdout)["problems"]}


def _findings(done: subprocess.CompletedProcess, tree: Path | None = None) -> list[tuple[str, str, int]]:
    """(code, file, line) of each finding; with ``tree``, files as paths
    relative to it (an included file is named as its include reached it)."""
    def name(file: str) -> str:
        return os.path.relpath(os.path.join(tree, file), tree) if tree else file
    return [(f["code"], name(f["file"]), f["line"]) for f in json.loads(done.stdout)["findings"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_nginx_include_never_reads_the_host(tmp_path: Path, fmt: str):
    host = _outside(tmp_path)
    tree = _repo(tmp_path)
    (tree / "nginx.conf").write_text(
        f"include {host}/passwd;\ninclude ../host/passwd;\ninclude ../../../../../../../..{host}/host.conf;\n"
        f"include {host}/*;\ninclude /etc/passwd;\n" + WILDCARD_WITH_CREDENTIALS)
    done = corslint("--format", fmt, ".", cwd=tree)
    assert done.returncode == 1, _everything(done)
    assert "secret-marker" not in _everything(done)
    assert "host.conf" not in done.stdout.decode().replace(f"include '../../../../../../../..{host}/host.conf'", "")
    if fmt == "json":
        assert _findings(done)[0] == ("CORS201", "nginx.conf", 8)
        assert {f for _c, f, _l in _findings(done)} == {"nginx.conf"}
        assert _problems(done) == {
            ("nginx.conf", f"include '{host}/passwd' {OUTSIDE}", False),
            ("nginx.conf", f"include '../host/passwd' {OUTSIDE}", False),
            ("nginx.conf", f"include '../../../../../../../..{host}/host.conf' {OUTSIDE}", False),
            ("nginx.conf", f"include '{host}/*' {OUTSIDE}", False),
            ("nginx.conf", f"include '/etc/passwd' {OUTSIDE}", False),
        }


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_apache_include_never_reads_the_host(tmp_path: Path, fmt: str):
    host = _outside(tmp_path)
    tree = _repo(tmp_path)
    (tree / "httpd.conf").write_text(
        f"Include {host}/passwd\nInclude ../host/passwd\nIncludeOptional {host}\nInclude /etc/passwd\n"
        + APACHE_WILDCARD_WITH_CREDENTIALS)
    done = corslint("--format", fmt, ".", cwd=tree)
    assert done.returncode == 1, _everything(done)
    assert "secret-marker" not in _everything(done)
    if fmt == "json":
        assert {f for _c, f, _l in _findings(done)} == {"httpd.conf"}
        assert ("CORS201", "httpd.conf", 6) in _findings(done)
        assert _problems(done) == {
            ("httpd.conf", f"Include '{host}/passwd' {OUTSIDE}", False),
            ("httpd.conf", f"Include '../host/passwd' {OUTSIDE}", False),
            ("httpd.conf", f"Include '/etc/passwd' {OUTSIDE}", False),
        }


def test_standard_input_includes_nothing_outside_the_working_directory(tmp_path: Path):
    host = _outside(tmp_path)
    tree = _repo(tmp_path)
    done = corslint("--format", "json", "--stdin-filename", "nginx.conf", "-", cwd=tree,
                    input=f"include {host}/passwd;\n".encode() + WILDCARD_WITH_CREDENTIALS.encode())
    assert done.returncode == 1
    assert "secret-marker" not in _everything(done)
    assert _problems(done) == {("nginx.conf", f"include '{host}/passwd' {OUTSIDE}", False)}


def test_an_include_through_a_link_out_of_the_tree_is_not_followed(tmp_path: Path):
    host = _outside(tmp_path)
    tree = _repo(tmp_path)
    (tree / "snippets").mkdir()
    (tree / "snippets" / "cors.conf").write_text("add_header X-Kept 1;\n")
    (tree / "snippets" / "evil.conf").symlink_to(host / "passwd")
    (tree / "linked").symlink_to(host)
    (tree / "nginx.conf").write_text(
        "include snippets/evil.conf;\ninclude snippets/*.conf;\ninclude linked/host.conf;\n"
        + WILDCARD_WITH_CREDENTIALS)
    done = corslint("--format", "json", "nginx.conf", cwd=tree)
    assert done.returncode == 1
    assert "secret-marker" not in _everything(done)
    assert {f for _c, f, _l in _findings(done)} == {"nginx.conf"}
    assert _problems(done) == {
        ("nginx.conf", f"include 'snippets/evil.conf' {OUTSIDE}", False),
        ("nginx.conf", "include 'snippets/*.conf': snippets/evil.conf is outside the linted tree "
                       "(a symbolic link); not read", False),
        ("nginx.conf", f"include 'linked/host.conf' {OUTSIDE}", False),
    }


def test_a_rerooted_absolute_include_reads_the_repositorys_copy(tmp_path: Path):
    tree = _repo(tmp_path)
    (tree / "snippets").mkdir()
    (tree / "snippets" / "cors.conf").write_text(
        "add_header Access-Control-Allow-Origin \"*\";\nadd_header Access-Control-Allow-Credentials \"true\";\n")
    (tree / "nginx.conf").write_text(
        "server {\n    listen 80;\n    location / { include /etc/nginx/snippets/cors.conf; }\n}\n")
    done = corslint("--format", "json", ".", cwd=tree)
    assert done.returncode == 1, _everything(done)
    assert not _problems(done)
    assert ("CORS201", "snippets/cors.conf", 1) in _findings(done, tree)


def test_dot_dot_stays_inside_what_is_named(tmp_path: Path):
    tree = _repo(tmp_path)
    (tree / "conf").mkdir()
    (tree / "snippets").mkdir()
    (tree / "snippets" / "cors.conf").write_text(
        "add_header Access-Control-Allow-Origin \"*\";\nadd_header Access-Control-Allow-Credentials \"true\";\n")
    (tree / "conf" / "site.conf").write_text(
        "server {\n    listen 80;\n    location / { include ../snippets/cors.conf; }\n}\n")
    # The whole checkout, or a file of it named from there: the snippet is in the tree.
    for named in (".", "conf/site.conf"):
        done = corslint("--format", "json", "--select", "CORS201", named, cwd=tree)
        assert done.returncode == 1, (named, _everything(done))
        assert {f for _c, f, _l in _findings(done, tree)} == {"snippets/cors.conf"}
    # Only conf/ named: the snippet beside it is outside.
    done = corslint("--format", "json", "conf", cwd=tree)
    assert done.returncode == 0, _everything(done)
    assert _problems(done) == {("conf/site.conf", f"include '../snippets/cors.conf' {OUTSIDE}", False)}


def test_host_files_are_read_when_named(tmp_path: Path):
    host = _outside(tmp_path)
    (host / "nginx.conf").write_text(f"include {host}/host.conf;\n")
    done = corslint("--format", "json", str(host / "nginx.conf"), cwd=_repo(tmp_path))
    assert done.returncode == 1, _everything(done)
    assert {f for _c, f, _l in _findings(done)} == {str(host / "host.conf")}


def test_an_include_cycle_keeps_the_findings_outside_it(tmp_path: Path):
    (tmp_path / "a.conf").write_text("include b.conf;\n" + WILDCARD_WITH_CREDENTIALS)
    (tmp_path / "b.conf").write_text("include a.conf;\n")
    done = corslint("--format", "json", ".", cwd=tmp_path)
    assert done.returncode == 1, _everything(done)
    assert ("CORS201", "a.conf", 4) in _findings(done)
    assert _problems(done) == {
        ("b.conf", "include cycle: 'a.conf' includes a.conf again; not expanded a second time", False)}


@pytest.mark.parametrize("good, text", [
    ("a.conf", WILDCARD_WITH_CREDENTIALS),
    ("httpd.conf", APACHE_WILDCARD_WITH_CREDENTIALS),
    ("settings.py", "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"),
])
def test_a_missing_file_does_not_stop_the_good_ones(tmp_path: Path, good: str, text: str):
    (tmp_path / good).write_text(text)
    for order in (("missing.conf", good), (good, "missing.conf")):
        done = corslint("--format", "json", *order, cwd=tmp_path)
        assert done.returncode == 2
        assert json.loads(done.stdout)["files"] == [good]
        assert _findings(done), _everything(done)
        assert _problems(done) == {("missing.conf", "no such file or directory", True)}
# ---------------------------------------------------------------- bounded work: allowlists and regexes

# Twelve wildcards before a lookbehind: RE2 refuses the lookbehind, and a
# backtracking engine takes hours on one long Origin that misses.
LOOKBEHIND = r"^https://.*.*.*.*.*.*.*.*.*.*.*.*(?<!x)\.example\.com$"
BEYOND_LIMITS = "could not be analysed within corslint's limits: lookbehind"
LOOKBEHIND_CONFIGS = {
    "django": ("settings.py", "INSTALLED_APPS = ['corsheaders']\n"
               f"CORS_ALLOWED_ORIGIN_REGEXES = [r'{LOOKBEHIND}']\n"),
    "flask": ("app.py", "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
              f"CORS(app, origins=[r'{LOOKBEHIND}'])\n"),
    "express": ("server.js", "const express = require('express');\nconst cors = require('cors');\n"
                f"const app = express();\napp.use(cors({{ origin: /{LOOKBEHIND.replace('/', chr(92) + '/')}/ }}));\n"
                "app.listen(3000);\n"),
    "nginx map": ("nginx.conf", 'http { map $http_origin $cors { default ""; '
                  f'"~{LOOKBEHIND}" $http_origin; }}\n'
                  " server { listen 80; location / { add_header Access-Control-Allow-Origin $cors; } } }\n"),
    "apache setenvif": ("httpd.conf", "<VirtualHost *:80>\n"
                        f'SetEnvIf Origin "{LOOKBEHIND}" ORIGIN_OK=$0\n'
                        'Header always set Access-Control-Allow-Origin "%{ORIGIN_OK}e" env=ORIGIN_OK\n'
                        "</VirtualHost>\n"),
}


def _bounded_run(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """The command on ``tmp_path``, which must end within ``timeout`` seconds
    (generous: the machine running the suite may be busy)."""
    return subprocess.run([*CORSLINT, "--format", "json", *args, "."], cwd=tmp_path, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finding_dicts(done: subprocess.CompletedProcess) -> list[dict]:
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    return json.loads(done.stdout)["findings"]


@pytest.mark.parametrize("frontend", sorted(LOOKBEHIND_CONFIGS))
def test_a_regex_beyond_the_bound_is_named_not_run(tmp_path: Path, frontend: str):
    name, text = LOOKBEHIND_CONFIGS[frontend]
    (tmp_path / name).write_text(text)
    findings = _finding_dicts(_bounded_run(tmp_path, timeout=30))
    named = [f for f in findings if BEYOND_LIMITS in f["message"]]
    assert len(named) == 1, [f["message"] for f in findings]
    assert named[0]["code"] == "CORS106"


def test_a_header_added_ten_thousand_times_is_one_bounded_finding(tmp_path: Path):
    copies = 10_000
    (tmp_path / "nginx.conf").write_text(
        "server {\n listen 80;\n location / {\n"
        + ' add_header Access-Control-Allow-Origin "https://a.example.com";\n' * copies + " }\n}\n")
    findings = _finding_dicts(_bounded_run(tmp_path))
    duplicates = [f for f in findings if f["code"] == "CORS103"]
    assert len(duplicates) == 1
    assert f"added {copies} times" in duplicates[0]["message"]
    assert (duplicates[0]["line"], duplicates[0]["related"][0]["line"]) == (5, 4)
    assert 1 < len(duplicates[0]["related"]) <= 10


def _many(n: int, line: str) -> str:
    return "".join(line.format(i=i) for i in range(n))


# Long allowlists, each ending with an entry a finding is about: the finding
# shows the whole list was analysed, not only its start. Sized so that the
# quadratic analysis they replace would take minutes: linear, each takes seconds.
LONG_ALLOWLISTS = {
    "nginx map": ("nginx.conf", 30_000, "CORS106",
                  lambda n: "http {\n map $http_origin $cors {\n  default \"\";\n"
                  + _many(n, '  "~^https://h{i}\\.example\\.com$" $http_origin;\n')
                  + '  "~^https://late\\.example\\.com" $http_origin;\n }\n'
                  " server { listen 80; location / { add_header Access-Control-Allow-Origin $cors; } }\n}\n"),
    "django": ("settings.py", 4_000, "CORS107",
               lambda n: "INSTALLED_APPS = ['corsheaders']\nCORS_ALLOWED_ORIGINS = [\n"
               + _many(n, "  'https://h{i}.example.com',\n") + "  'http://h5.example.com',\n]\n"
               "CORS_ALLOW_CREDENTIALS = True\n"),
    "flask": ("app.py", 20_000, "CORS107",
              lambda n: "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
              "CORS(app, origins=[\n" + _many(n, "    'https://h{i}.example.com',\n")
              + "    'http://h5.example.com',\n], supports_credentials=True)\n"),
}


@pytest.mark.parametrize("frontend", sorted(LONG_ALLOWLISTS))
def test_a_long_allowlist_is_analysed_to_its_last_entry(tmp_path: Path, frontend: str):
    name, entries, code, text = LONG_ALLOWLISTS[frontend]
    (tmp_path / name).write_text(text(entries))
    findings = _finding_dicts(_bounded_run(tmp_path))
    marker = "late\\." if frontend == "nginx map" else "http://h5."
    last_line = 1 + next(i for i, line in enumerate(text(entries).splitlines()) if marker in line)
    assert [f for f in findings if f["code"] == code and f["line"] == last_line], \
        [(f["code"], f["line"]) for f in findings]


def test_a_long_setenvif_allowlist_is_analysed_not_refused(tmp_path: Path):
    (tmp_path / "httpd.conf").write_text(
        "<VirtualHost *:80>\n"
        + _many(150, 'SetEnvIf Origin "^https://h{i}\\.example\\.com$" ORIGIN_OK=$0\n')
        + 'SetEnvIf Origin "^https://late.example\\.com$" ORIGIN_OK=$0\n'
        + 'Header always set Access-Control-Allow-Origin "%{ORIGIN_OK}e" env=ORIGIN_OK\n'
        + 'Header always set Access-Control-Allow-Credentials "true"\n</VirtualHost>\n')
    done = _bounded_run(tmp_path)
    assert "too deep" not in done.stderr.decode(errors="replace")
    findings = _finding_dicts(done)
    # the chain is analysed to its last line: the unescaped dot there lets
    # https://latexexample.com in, with credentials
    assert [f["line"] for f in findings if f["code"] == "CORS106"] == [152], findings


def test_a_lookaround_within_the_bound_still_runs():
    from corslint.model import OriginMatcher

    m = OriginMatcher(r"^https://(?!evil)[a-z]+\.example\.com$", "pcre-search")
    assert m.beyond_limits == ""
    assert m.matches("https://app.example.com")
    assert not m.matches("https://evil.example.com")
    far = OriginMatcher(LOOKBEHIND, "pcre-search")
    assert "lookbehind" in far.beyond_limits
    assert not far.matches("https://" + "a" * 40 + ".example.com")


def test_a_long_map_answers_as_a_scan_in_order_would():
    from corslint.model import Lit, MapEntry, OriginMap, OriginMatcher, Value, first_match

    matchers = [OriginMatcher(f"https://h{i}.example.com", "exact") for i in range(20)]
    matchers += [OriginMatcher("HTTPS://H3.EXAMPLE.COM", "exact-nocase"),
                 OriginMatcher(r"^https://h(1|7)\.example\.com$", "pcre-search"),
                 OriginMatcher(r"\.other\.example$", "pcre-search"),        # open: only a scan can say
                 OriginMatcher(r"^https://A\.other\.example$", "pcre-search", ignore_case=True),
                 OriginMatcher("https://a.other.example", "exact")]
    matchers = matchers[20:] + matchers[:20]
    omap = OriginMap(tuple(MapEntry(m, Value((Lit(str(i)),))) for i, m in enumerate(matchers)), Value((Lit(""),)))
    for origin in ["https://h3.example.com", "https://h7.example.com", "https://h19.example.com",
                   "https://a.other.example", "https://b.other.example", "https://nowhere.example", "null"]:
        scanned = next((e for e in omap.entries if e.matcher.matches(origin)), None)
        assert first_match(omap, origin) is scanned, origin


def test_a_long_django_list_answers_as_a_scan_in_order_would():
    from corslint.frontends.django import UrlPartsMatcher
    from corslint.model import Lit, MapEntry, OriginMap, Value, first_match

    patterns = [f"https://h{i}.example.com" for i in range(10)] + ["null", "https://h3.example.com/path",
                                                                  "http://[::1", "https://h3.example.com"]
    omap = OriginMap(tuple(MapEntry(UrlPartsMatcher(p, "exact"), Value((Lit(str(i)),)))
                           for i, p in enumerate(patterns)), Value((Lit(""),)))
    for origin in ["https://h3.example.com", "null", "https://h11.example.com", "http://[::1", "foo"]:
        scanned = next((e for e in omap.entries if e.matcher.matches(origin)), None)
        assert first_match(omap, origin) is scanned, origin


# ---------------------------------------------------------------- bounded work: evaluation, nesting, sizes

REPO = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 2 * 1024 ** 3   # address space for one run: far above any honest config's needs


def _bounded(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """corslint with 2 GB of address space and a time limit: a run that would
    blow either fails the test instead of the machine."""
    import resource

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run([*CORSLINT, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, preexec_fn=limit_memory)


def _codes(done: subprocess.CompletedProcess) -> list[tuple[str, int]]:
    return [(f["code"], f["line"]) for f in json.loads(done.stdout)["findings"]]


# A Django settings file with one finding (CORS105 at line 2) whatever X turns out to be.
DJANGO_HEAD = "INSTALLED_APPS = ['corsheaders']\nCORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"
DOUBLING = "X = X + X\n" * 40

# Values whose evaluation would take gigabytes or hours unbounded: each meets a bound.
@pytest.mark.parametrize("body", [
    "X = 'a'\n" + DOUBLING,                                             # a string of 2**40 characters
    "X = ['a']\n" + DOUBLING,                                           # a list of 2**40 entries
    "X = ['a']\n" + "X += X\n" * 40,
    "X = ['a']\n" + "X.extend(X)\n" * 40,
    "X = 'aa'\n" + "X = X.replace('a', X)\n" * 40,                      # squares the length
    "X = ['" + "a" * 20 + "']\n" + "X = X + X\n" * 16 + "Y = ','.join(X)\n",  # 65,536 entries joined
    "X = 7\n" + "X = X * X\n" * 40,                                     # an integer of 2**40 digits
    "X = '{:999999999}'.format(1)\n",
    "X = '{:{}}'.format(1, 999999999)\n",
    "X = '" + "{0:999999}" * 12 + "'.format(1)\n",                    # twelve fields of a million
    "X = 'a'\n" + "X = X + X\n" * 19 + "Y = f'{X}{X}{X}{X}'\n",          # 2 million characters
    "L = ['a']\n" + "L = L + L\n" * 16 + "M = [L, L]\nS = str(M)\n",      # a list held twice
    "L = ['a']\n" + "L = L + L\n" * 16 + "M = [[y for y in L] for x in L]\n",   # 4 billion steps
], ids=["string", "list", "augmented", "extend", "replace", "join", "integer", "format width",
        "format width argument", "comprehension", "format fields", "f-string", "shared list"])
def test_python_evaluation_is_bounded_and_says_so(tmp_path: Path, body: str):
    (tmp_path / "settings.py").write_text(DJANGO_HEAD + body + "CORS_ALLOWED_ORIGINS = [X if 'X' in dir() else 'a']\n")
    done = _bounded("--format", "json", "settings.py", cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert ("CORS105", 2) in _codes(done)
    assert stderr.count("value too large to evaluate; treated as unknown") == 1, stderr


def test_javascript_evaluation_is_bounded_and_says_so(tmp_path: Path):
    big = "a" * 600_000
    (tmp_path / "server.js").write_text(
        "const cors = require('cors');\nconst app = require('express')();\n"
        f"const A = '{big}';\nconst B = A + A;\n"
        "app.use(cors({origin: B}));\napp.use(cors({origin: '*', credentials: true}));\n")
    done = _bounded("--format", "json", "server.js", cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert ("CORS201", 6) in _codes(done)
    assert stderr.count("value too large to evaluate; treated as unknown") == 1, stderr


JS_HEAD = "const cors = require('cors');\nconst app = require('express')();\n"


@pytest.mark.parametrize("name, text", [
    ("nginx.conf", "http {\n" + "location /a {\n" * 3000 + "}\n" * 3000 + "}\n"),
    ("httpd.conf", "<IfModule a>\n" * 3000 + "</IfModule>\n" * 3000),
    ("settings.py", "INSTALLED_APPS = ['corsheaders']\nCORS_ALLOWED_ORIGINS = " + "[" * 3000 + "]" * 3000 + "\n"),
    ("settings.py", "INSTALLED_APPS = ['corsheaders']\nX = " + " + ".join(["'a'"] * 100_000) + "\n"),
    ("settings.py", "INSTALLED_APPS = ['corsheaders']\nX = " + " + ".join(["'a'"] * 1_000) + "\n"),
    ("settings.py", "INSTALLED_APPS = ['corsheaders']\nX = " + "-" * 100_000 + "1\n"),
    ("server.js", JS_HEAD + "app.use(cors({origin: " + "[" * 3000 + "]" * 3000 + "}));\n"),
    ("server.js", JS_HEAD + "app.use(cors({origin: " + "[" * 100_000 + "]" * 100_000 + "}));\n"),
    ("server.js", JS_HEAD + "const X = " + " + ".join(["'a'"] * 100_000) + ";\napp.use(cors({origin: X}));\n"),
    ("server.ts", JS_HEAD + "const X = " + "{a:" * 100_000 + "1" + "}" * 100_000 + ";\napp.use(cors());\n"),
], ids=["nginx blocks", "apache sections", "python lists", "python sum 100000", "python sum 1000",
        "python unary", "js arrays 3000", "js arrays 100000", "js sum", "ts objects"])
def test_deep_nesting_is_one_clear_line(tmp_path: Path, name: str, text: str):
    (tmp_path / name).write_text(text)
    done = _bounded(name, cwd=tmp_path)
    assert done.returncode == 2
    line = _one_clear_line(done.stderr)
    assert "nested" in line and "Recursion" not in line, line


def test_cors_nested_origin_arrays_are_read_as_cors_reads_them(tmp_path: Path):
    # cors's isOriginAllowed looks into nested arrays: /.*/ two levels down still admits any origin
    (tmp_path / "server.js").write_text(JS_HEAD + "app.use(cors({origin: [['https://a.example'], [[/.*/]]], "
                                        "credentials: true}));\n")
    done = _bounded("--format", "json", "server.js", cwd=tmp_path)
    assert ("CORS106", 3) in _codes(done)


# One file with a finding for each frontend, padded past a size with comments.
SIZED = {
    "nginx.conf": ("#", WILDCARD_WITH_CREDENTIALS),
    ".htaccess": ("#", 'Header always set Access-Control-Allow-Origin "*"\n'
                       'Header always set Access-Control-Allow-Credentials "true"\n'),
    "settings.py": ("#", DJANGO_HEAD),
    "app.py": ("#", "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
                    "CORS(app, origins='*', supports_credentials=True)\n"),
    "main.py": ("#", "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
                     "app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=['*'], "
                     "allow_credentials=True)\n"),
    "server.js": ("//", JS_HEAD + "app.use(cors({origin: '*', credentials: true}));\n"),
}


def _padded(name: str, size: int) -> str:
    comment, text = SIZED[name]
    line = f"{comment} {'pad ' * 20}\n"
    return text + line * (size // len(line) + 1)


@pytest.mark.parametrize("name", sorted(SIZED))
def test_every_frontend_refuses_a_file_past_the_same_limit(tmp_path: Path, name: str):
    (tmp_path / name).write_text(_padded(name, 1_500_000))
    (tmp_path / ".corslint.toml").write_text("max-file-size = 1\n")
    done = _bounded(name, cwd=tmp_path)
    assert done.returncode == 2
    assert "file too large to lint (over 1 MB" in _one_clear_line(done.stderr)
    # the same file under the default limit (10 MB) is linted, its finding kept
    (tmp_path / ".corslint.toml").unlink()
    done = _bounded("--format", "json", name, cwd=tmp_path)
    assert done.returncode == 1, done.stderr.decode()
    assert _codes(done)


def test_a_large_server_js_is_linted_not_skipped(tmp_path: Path):
    (tmp_path / "server.js").write_text(JS_HEAD + "app.use(cors({origin: '*', credentials: true}));\n"
                                        + "// pad\n" * 400_000)
    done = _bounded("--format", "json", ".", cwd=tmp_path)
    assert done.returncode == 1, done.stderr.decode()
    assert ("CORS201", 3) in _codes(done)


def test_a_huge_settings_file_is_refused_without_reading_it_whole(tmp_path: Path):
    (tmp_path / "settings.py").write_text(DJANGO_HEAD + "X = 'a'\n" * 4_000_000)   # 32 MB
    done = _bounded("settings.py", cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert "file too large to lint (over 10 MB" in _one_clear_line(done.stderr)


@pytest.mark.parametrize("name, text", [
    ("settings.py", DJANGO_HEAD + "X = [" + "1," * 4_000_000 + "]\n"),   # 8 MB: a 3 GB syntax tree
    ("server.js", JS_HEAD + "const X = [" + "1," * 4_000_000 + "];\n"),
], ids=["python", "javascript"])
def test_a_file_under_the_size_limit_with_millions_of_elements_is_refused_cheaply(tmp_path: Path, name: str,
                                                                                text: str):
    (tmp_path / name).write_text(text)
    done = _bounded(name, cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert "too large to analyse: about 4,000,0" in _one_clear_line(done.stderr)


def test_the_total_read_through_includes_is_limited(tmp_path: Path):
    (tmp_path / "nginx.conf").write_text("include part*.conf;\n" + WILDCARD_WITH_CREDENTIALS)
    for i in range(3):
        (tmp_path / f"part{i}.conf").write_text(_padded("nginx.conf", 400_000))
    (tmp_path / ".corslint.toml").write_text("max-total-size = 1\n")
    done = _bounded("nginx.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert "total-size limit (1 MB" in done.stderr.decode()


@pytest.mark.parametrize("setting", ["max-file-size = 0", "max-total-size = -1", 'max-file-size = "10 MB"',
                                     "max-file-size = true", "max-total-size = inf"])
def test_size_limits_are_megabytes_and_a_bad_one_is_one_line_naming_the_key(tmp_path: Path, setting: str):
    (tmp_path / "a.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (tmp_path / ".corslint.toml").write_text("max-file-size = 0.5\nmax-total-size = 2.5\n")
    assert corslint("a.conf", cwd=tmp_path).returncode == 1
    (tmp_path / ".corslint.toml").write_text(setting + "\n")
    done = corslint("a.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert setting.split()[0] in _one_clear_line(done.stderr)


# nginx refuses a directive name cut by a NUL byte ('unknown directive ""');
# the NUL is beyond the first 8 KB, where corslint looks for binary files.
PADDED_SERVER = "server {\n listen 80;\n" + "# pad\n" * 3000


def test_a_nul_byte_in_an_nginx_directive_name_is_refused_as_nginx_refuses_it(tmp_path: Path):
    (tmp_path / "nginx.conf").write_bytes(
        (PADDED_SERVER + ' add_header X-A "a";\x00 add_header Access-Control-Allow-Origin "*";'
         ' add_header Access-Control-Allow-Credentials "true";\n}\n').encode())
    done = _bounded("nginx.conf", cwd=tmp_path)
    assert done.returncode == 2
    assert 'nginx.conf:3003: unknown directive ""' in _one_clear_line(done.stderr)
    # in a comment or a quoted value nginx takes the NUL: so does corslint
    for where in ('# a comment \x00 here\n', ' add_header X-A "a\x00b";\n'):
        (tmp_path / "nginx.conf").write_bytes(
            (PADDED_SERVER + where + ' add_header Access-Control-Allow-Origin "*";'
             ' add_header Access-Control-Allow-Credentials "true";\n}\n').encode())
        done = _bounded("--format", "json", "nginx.conf", cwd=tmp_path)
        assert done.returncode == 1, done.stderr.decode()
        assert ("CORS201", 3004) in _codes(done)


# Every frontend's samples, as written (LF, UTF-8 with a non-ASCII comment), with
# CRLF line ends, and in Latin-1: the same findings at the same lines and columns.
TWIN_SAMPLES = ("nginx", "apache", "django", "flask", "fastapi", "express", "koa", "nestjs")


def _twin_tree(root: Path, frontend: str, convert) -> Path:
    for src in sorted((REPO / "samples" / frontend).glob("*/broken.*")):
        comment = "//" if src.suffix == ".js" else "#"
        text = f"{comment} café, naïve résumé\n" + src.read_text(encoding="utf-8")
        dest = root / src.parent.name / src.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(convert(text))
    return root


def _locations(tree: Path) -> list[tuple]:
    done = _bounded("--format", "json", ".", cwd=tree)
    assert done.returncode in (0, 1), done.stderr.decode()
    return sorted((f["file"], f["code"], f["line"], f["column"]) for f in json.loads(done.stdout)["findings"])


@pytest.mark.parametrize("frontend", TWIN_SAMPLES)
def test_crlf_and_latin1_twins_report_the_same_locations(tmp_path: Path, frontend: str):
    utf8 = _locations(_twin_tree(tmp_path / "lf", frontend, lambda t: t.encode("utf-8")))
    crlf = _locations(_twin_tree(tmp_path / "crlf", frontend, lambda t: t.replace("\n", "\r\n").encode("utf-8")))
    latin1 = _locations(_twin_tree(tmp_path / "latin1", frontend, lambda t: t.encode("latin-1")))
    assert utf8, "the samples have findings"
    assert crlf == utf8
    assert latin1 == utf8


def test_crlf_does_not_change_which_frontend_reads_a_file(tmp_path: Path):
    # 'alias /data/' alone on its line looks like httpd's Alias; only the
    # nginx lines around it (which end in ';' or '{' before the CR) outweigh it
    text = ("server {\n    listen 80;\n    location / {\n        alias /data/\n            ;\n"
            "        add_header Access-Control-Allow-Origin \"*\";\n"
            "        add_header Access-Control-Allow-Credentials \"true\";\n    }\n}\n")
    (tmp_path / "lf").mkdir()
    (tmp_path / "crlf").mkdir()
    (tmp_path / "lf" / "site.conf").write_bytes(text.encode())
    (tmp_path / "crlf" / "site.conf").write_bytes(text.replace("\n", "\r\n").encode())
    lf, crlf = _locations(tmp_path / "lf"), _locations(tmp_path / "crlf")
    assert ("site.conf", "CORS201", 6, 9) in lf
    assert crlf == lf


def test_exclude_does_not_shrink_the_tree_a_walk_may_follow_links_in(tmp_path: Path):
    # With `exclude` configured the CLI walks each named directory itself:
    # a link from one named directory into another is still inside the tree.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "real.conf").write_text(WILDCARD_WITH_CREDENTIALS)
    (tmp_path / "a" / "linked").symlink_to(tmp_path / "b")
    (tmp_path / ".corslint.toml").write_text('exclude = ["nothing-matches-this"]\n')
    done = corslint("--format", "json", "a", "b", cwd=tmp_path)
    document = json.loads(done.stdout)
    assert "a/linked/real.conf" in document["files"]
    assert not [p for p in document["problems"] if "not followed" in p["message"]]


# Found reviewing issue #20's change: each of these crashed ("internal error")
# or ran for tens of seconds before the fix.
SESSION_8_PROBES = {
    # nested repeats multiply a regex witness's length
    "witness of nested repeats": ("nginx.conf", 'server {\n listen 80;\n location ~ "^/(((a{250}){250}){250}){250}" {\n'
                                  '  add_header Access-Control-Allow-Origin * always;\n  root /srv;\n }\n}\n'),
    # a location regex run on a missing file's path without the bound
    "backtracking location regex": ("nginx.conf", 'server {\n listen 80;\n location ~ "^/(a{42}|aa|a)+$" {\n'
                                    '  add_header Access-Control-Allow-Origin *;\n  root /srv;\n }\n}\n'),
    "huge repeat count": ("nginx.conf", 'server {\n listen 80;\n location ~ "^/x{4294967296}" {\n'
                          '  add_header Access-Control-Allow-Origin *;\n  root /srv;\n }\n}\n'),
    # a status written in non-ASCII digits
    "superscript status": ("nginx.conf", 'server {\n listen 80;\n error_page \u00b2 /e.html;\n location / {\n'
                           '  add_header Access-Control-Allow-Origin *;\n  return 404;\n }\n}\n'),
    # a Jinja-looking filter never closed, in a long string
    "unclosed template filter": ("app.py", "from flask import Flask\nfrom flask_cors import CORS\n"
                                 "app = Flask(__name__)\nCORS(app)\nX = '{{a|" + " " * 60_000 + "'\n"),
}


@pytest.mark.parametrize("probe", sorted(SESSION_8_PROBES))
def test_hostile_configs_found_in_review_end_quickly(tmp_path: Path, probe: str):
    name, text = SESSION_8_PROBES[probe]
    (tmp_path / name).write_text(text, encoding="utf-8")
    done = _bounded_run(tmp_path, timeout=30)
    assert b"internal error" not in done.stderr, done.stderr.decode(errors="replace")
    assert done.returncode in (0, 1, 2), done.stderr.decode(errors="replace")


def test_lines_of_blanks_do_not_make_a_recogniser_quadratic(tmp_path: Path):
    """A regex that starts each line with ``\\s*`` runs over the following
    lines too, from every line start: quadratic in a file of blank lines (a
    64 KB nginx file took 30 s). The recognisers match within the line."""
    blanks = " \n" * 120_000
    (tmp_path / "nginx.conf").write_text(blanks + "# server {\n")
    (tmp_path / "settings.py").write_text(blanks + "# CORS_ALLOWED_ORIGINS = []\n")
    (tmp_path / "app.py").write_text(blanks + "# from litestar import Litestar\n")
    (tmp_path / "page.html.tmpl").write_text(blanks + "# {{- x }}\n")
    done = corslint(".", cwd=tmp_path, text=True)   # a hang fails on its timeout
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr
