"""Awkward inputs on the command line: include cycles, missing includes, globs
that match nothing, empty directories, symlink loops, binary and non-UTF-8
files, a 50 MB file, pipes, and the directory walk's skip rules.

Each case gets one clear line naming the file (``file[:line]: what``), the exit
code the README promises (0 clean, 1 findings, 2 unreadable/unparseable input;
a non-fatal notice does not change it), and every other file is still linted:
each test lints a second file, ``good.conf``, whose CORS201 must be reported.

The CLI runs in-process (click's CliRunner) except where a bug could hang or
bloat the test process (pipes, the 50 MB file): those run in a subprocess with
a generous time limit that only guards against a hang.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from corslint.cli import main

from bad_configs import APACHE_BAD, APACHE_BAD_LINE, NGINX_BAD, NGINX_BAD_LINE


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict:
        return json.loads(self.stdout)

    def lines_about(self, name: str) -> list[str]:
        """stderr lines of the form ``<path ending in name>[:line]: message``."""
        pat = re.compile(rf"^\S*{re.escape(name)}(:\d+)?: \S")
        return [line for line in self.stderr.splitlines() if pat.match(line)]


def cli(*args: str, input: str | None = None) -> Run:
    result = CliRunner().invoke(main, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def subprocess_cli(*args: str, cwd: Path, timeout: float = 300, **kw) -> Run:
    """The CLI in its own process; a hang fails the test instead of the suite."""
    try:
        proc = subprocess.run([sys.executable, "-c", "from corslint.cli import main; main()", *args],
                              cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, **kw)
    except subprocess.TimeoutExpired:
        pytest.fail(f"corslint {' '.join(args)} did not finish within {timeout:.0f} s (hangs?)")
    return Run(proc.returncode, proc.stdout, proc.stderr)


def assert_no_crash(run: Run) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    assert run.code in (0, 1, 2), run


def assert_good_conf_linted(run: Run, name: str = "good.conf", line: int = NGINX_BAD_LINE) -> None:
    assert re.search(rf"(^|/){re.escape(name)}:{line}:\d+: CORS201 ", run.stdout, re.M), (
        f"{name}'s CORS201 finding is missing: the other files must still be linted\n"
        f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}")


def linted_files(run: Run) -> set[str]:
    return {os.path.normpath(f) for f in run.report["files"]}


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    # an empty config here stops config discovery from wandering up the tree
    (tmp_path / ".corslint.toml").write_text("")
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / "good.conf").write_text(NGINX_BAD)
    return tmp_path


# ---------------------------------------------------------------- includes


def test_include_cycle_between_two_files(tree):
    (tree / "a.conf").write_text("http {\n    include b.conf;\n" + NGINX_BAD.replace("\n", "\n    ") + "}\n")
    (tree / "b.conf").write_text("include a.conf;\n")
    run = cli("a.conf", "good.conf")
    assert_no_crash(run)
    messages = run.lines_about("a.conf") + run.lines_about("b.conf")
    assert any("cycle" in m for m in messages), run.stderr
    assert run.code == 1  # the cycle is a notice: findings decide
    assert_good_conf_linted(run)
    # the file holding the cycle is linted without the cyclic include
    assert_good_conf_linted(run, "a.conf", NGINX_BAD_LINE + 2)


def test_file_including_itself(tree):
    (tree / "self.conf").write_text("include self.conf;\n" + NGINX_BAD)
    run = cli("self.conf", "good.conf")
    assert_no_crash(run)
    assert any("cycle" in m for m in run.lines_about("self.conf")), run.stderr
    assert run.code == 1  # the cycle is a notice: findings decide
    assert_good_conf_linted(run)


def test_apache_include_cycle(tree):
    (tree / "a.conf").write_text("Include b.conf\n" + APACHE_BAD)
    (tree / "b.conf").write_text("Include a.conf\nServerName b.example.com\n")
    run = cli("a.conf", "good.conf")
    assert_no_crash(run)
    messages = run.lines_about("a.conf") + run.lines_about("b.conf")
    assert any("cycle" in m for m in messages), run.stderr
    assert run.code == 1  # the cycle is a notice: findings decide
    assert_good_conf_linted(run)
    assert_good_conf_linted(run, "a.conf", APACHE_BAD_LINE + 1)


def test_missing_include_is_a_notice_and_the_file_is_linted(tree):
    (tree / "site.conf").write_text("include snippets/cors.conf;\n" + NGINX_BAD)
    run = cli("site.conf", "good.conf")
    assert_no_crash(run)
    [notice] = run.lines_about("site.conf:1")
    assert "snippets/cors.conf" in notice
    assert run.code == 1  # findings; the notice is not fatal
    assert_good_conf_linted(run, "site.conf", NGINX_BAD_LINE + 1)
    assert_good_conf_linted(run)


def test_glob_include_matching_nothing_is_a_notice(tree):
    # nginx accepts a glob that matches nothing, but whatever CORS headers the
    # missing files would add are not linted: say so, without failing the run.
    (tree / "site.conf").write_text("include cors.d/*.conf;\n" + NGINX_BAD)
    run = cli("--format", "json", "site.conf", "good.conf")
    assert_no_crash(run)
    notices = [p for p in run.report["problems"] if p["file"].endswith("site.conf")]
    assert len(notices) == 1, run.report["problems"]
    assert notices[0]["line"] == 1
    assert "cors.d/*.conf" in notices[0]["message"]
    assert notices[0]["fatal"] is False
    assert run.code == 1
    assert {f["file"].rsplit("/", 1)[-1] for f in run.report["findings"] if f["code"] == "CORS201"} == {
        "site.conf", "good.conf"}


def test_include_of_an_empty_conf_d_is_a_notice(tree):
    (tree / "conf.d").mkdir()
    (tree / "nginx.conf").write_text(
        "events {}\nhttp {\n    include conf.d/*.conf;\n" + NGINX_BAD.replace("\n", "\n    ") + "}\n")
    run = cli("nginx.conf", "good.conf")
    assert_no_crash(run)
    [notice] = run.lines_about("nginx.conf:3")
    assert "conf.d/*.conf" in notice
    assert run.code == 1
    assert_good_conf_linted(run, "nginx.conf", NGINX_BAD_LINE + 3)
    assert_good_conf_linted(run)


def test_apache_include_glob_matching_nothing_is_a_notice(tree):
    # httpd itself refuses `Include` (not IncludeOptional) of a glob that
    # matches nothing; in a linted repo the files may live elsewhere.
    (tree / "site.conf").write_text("Include conf-enabled/*.conf\n" + APACHE_BAD)
    run = cli("site.conf", "good.conf")
    assert_no_crash(run)
    [notice] = run.lines_about("site.conf:1")
    assert "conf-enabled/*.conf" in notice
    assert run.code == 1
    assert_good_conf_linted(run, "site.conf", APACHE_BAD_LINE + 1)
    assert_good_conf_linted(run)


def test_empty_directory_argument_is_named(tree):
    (tree / "conf.d").mkdir()
    run = cli("conf.d", "good.conf")
    assert_no_crash(run)
    said = run.stdout + run.stderr
    assert re.search(r"conf\.d\S*:? .*\bno\b.*\b(config|configuration|files?)\b", said, re.I), said
    assert run.code == 1  # good.conf's finding; an empty directory is not an error
    assert_good_conf_linted(run)


def test_empty_directory_alone_exits_0_and_says_so(tree):
    (tree / "conf.d").mkdir()
    run = cli("conf.d")
    assert_no_crash(run)
    said = run.stdout + run.stderr
    assert re.search(r"conf\.d\S*:? .*\bno\b.*\b(config|configuration|files?)\b", said, re.I), said
    assert run.code == 0


# ---------------------------------------------------------------- symlinks


@pytest.fixture
def symlink_loop(tree) -> Path:
    os.symlink("loop2.conf", tree / "loop1.conf")
    os.symlink("loop1.conf", tree / "loop2.conf")
    return tree


def test_symlink_loop_named_on_the_command_line(symlink_loop):
    run = cli("loop1.conf", "good.conf")
    assert_no_crash(run)
    [line] = run.lines_about("loop1.conf")
    assert re.search(r"symbolic link|symlink|loop", line, re.I), line
    assert "no such file" not in line.lower()  # it exists: it is a loop
    assert run.code == 2
    assert_good_conf_linted(run)


def test_symlink_loop_in_a_walked_directory_is_a_notice(symlink_loop):
    run = cli("--format", "json", ".")
    assert_no_crash(run)
    about = [p for p in run.report["problems"] if p["file"].endswith(("loop1.conf", "loop2.conf"))]
    assert about, run.report["problems"]
    assert all(re.search(r"symbolic link|symlink|loop", p["message"], re.I) for p in about), about
    assert all(p["fatal"] is False for p in about), about
    assert run.code == 1
    assert "good.conf" in linted_files(run)


def test_directory_symlink_loop_is_walked_once(tree):
    (tree / "sites").mkdir()
    (tree / "sites" / "api.conf").write_text(NGINX_BAD)
    os.symlink("..", tree / "sites" / "up")
    os.symlink(".", tree / "sites" / "here")
    run = cli("--format", "json", ".")
    assert_no_crash(run)
    assert linted_files(run) == {"good.conf", "sites/api.conf"}
    findings = [(f["file"], f["line"]) for f in run.report["findings"] if f["code"] == "CORS201"]
    assert len(findings) == len(set(findings)) == 2
    assert run.code == 1


# ---------------------------------------------------------------- binary, encodings


def test_binary_file_named_on_the_command_line(tree):
    (tree / "blob.conf").write_bytes(bytes(range(256)) * 64)
    run = cli("blob.conf", "good.conf")
    assert_no_crash(run)
    [line] = run.lines_about("blob.conf")
    assert "binary" in line.lower()
    assert run.code == 2
    assert_good_conf_linted(run)


def test_image_named_on_the_command_line(tree):
    (tree / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200) + b"IEND\xaeB`\x82")
    run = cli("logo.png", "good.conf")
    assert_no_crash(run)
    assert len(run.lines_about("logo.png")) == 1, run.stderr
    assert run.code == 2
    assert_good_conf_linted(run)


def test_binary_files_in_a_walked_directory_are_passed_over(tree):
    (tree / "sites-enabled").mkdir()
    (tree / "sites-enabled" / "junk.conf").write_bytes(b"\x00\x01\x02server {" * 1000)
    (tree / "nginx.conf.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(500))
    run = cli("--format", "json", ".")
    assert_no_crash(run)
    assert linted_files(run) == {"good.conf"}
    assert run.code == 1


def test_latin1_file_is_linted_with_a_notice(tree):
    # nginx reads bytes: a Latin-1 comment is no error to it, so the config
    # is linted; the line that is not UTF-8 is named in a notice.
    text = "# Konfiguration f\xfcr die API (caf\xe9)\n" + NGINX_BAD
    (tree / "latin1.conf").write_bytes(text.encode("latin-1"))
    run = cli("latin1.conf", "good.conf")
    assert_no_crash(run)
    [notice] = run.lines_about("latin1.conf:1")
    assert "UTF-8" in notice
    assert_good_conf_linted(run, "latin1.conf", NGINX_BAD_LINE + 1)
    assert_good_conf_linted(run)
    assert run.code == 1


def test_utf8_with_non_ascii_is_plain_text(tree):
    (tree / "utf8.conf").write_text("# Konfiguration für die API — café\n" + NGINX_BAD, encoding="utf-8")
    run = cli("utf8.conf")
    assert_no_crash(run)
    assert run.stderr.strip() == ""
    assert_good_conf_linted(run, "utf8.conf", NGINX_BAD_LINE + 1)


# ---------------------------------------------------------------- a 50 MB file


def test_50_mb_file_is_refused_with_a_clear_line(tree):
    # An IP blocklist `geo` block is the classic multi-megabyte nginx file.
    # Parsing 50 MB takes crossplane alone most of a minute and gigabytes of
    # memory; corslint says it will not analyse it and lints the rest.
    entries = []
    size, i = 0, 0
    while size < 50 * 1024 * 1024:
        line = f"        10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}/32 1;\n"
        entries.append(line)
        size += len(line)
        i += 1
    text = "http {\n    geo $blocked {\n        default 0;\n" + "".join(entries) + "    }\n" \
        + NGINX_BAD.replace("\n", "\n    ") + "}\n"
    (tree / "huge.conf").write_text(text)
    assert (tree / "huge.conf").stat().st_size >= 50 * 1024 * 1024
    run = subprocess_cli("huge.conf", "good.conf", cwd=tree, timeout=600)
    assert_no_crash(run)
    [line] = run.lines_about("huge.conf")
    assert re.search(r"too (large|big)|larger than|\bMB\b", line, re.I), line
    assert run.code == 2
    assert_good_conf_linted(run)


# ---------------------------------------------------------------- pipes and special files


def test_fifo_in_a_walked_directory_does_not_block(tree):
    os.mkfifo(tree / "pipe.conf")
    (tree / "sites-enabled").mkdir()
    os.mkfifo(tree / "sites-enabled" / "default")
    run = subprocess_cli("--format", "json", ".", cwd=tree, timeout=60)
    assert_no_crash(run)
    assert linted_files(run) == {"good.conf"}
    assert run.code == 1


def test_config_read_from_a_pipe_path(tree):
    # `corslint <(render-config)`: the shell passes /dev/fd/N, a pipe that
    # can be read once; recognising the format must not consume it.
    read_fd, write_fd = os.pipe()
    writer = os.fork()
    if writer == 0:  # pragma: no cover - child
        os.close(read_fd)
        data = NGINX_BAD.encode()
        while data:
            data = data[os.write(write_fd, data):]
        os._exit(0)
    os.close(write_fd)
    try:
        run = subprocess_cli(f"/dev/fd/{read_fd}", cwd=tree, timeout=120, pass_fds=(read_fd,))
    finally:
        os.close(read_fd)
        os.waitpid(writer, 0)
    assert_no_crash(run)
    assert re.search(rf"/dev/fd/{read_fd}:{NGINX_BAD_LINE}:\d+: CORS201 ", run.stdout), run.stdout + run.stderr
    assert run.code == 1


def test_missing_path_named_on_the_command_line(tree):
    run = cli("nope.conf", "good.conf")
    assert_no_crash(run)
    [line] = run.lines_about("nope.conf")
    assert "no such file" in line.lower()
    assert run.code == 2
    assert_good_conf_linted(run)


def test_directory_with_a_config_like_name_is_walked(tree):
    (tree / "site.conf").mkdir()
    (tree / "site.conf" / "nginx.conf").write_text(NGINX_BAD)
    run = cli("--format", "json", "site.conf", "good.conf")
    assert_no_crash(run)
    assert linted_files(run) == {"site.conf/nginx.conf", "good.conf"}
    assert run.code == 1


# ---------------------------------------------------------------- the directory walk


def test_walk_skips_vcs_node_modules_and_virtualenvs(tree):
    for skipped in (".git/nginx.conf", ".hg/nginx.conf", "node_modules/pkg/nginx.conf",
                    ".venv/lib/python3.11/site-packages/pkg/nginx.conf",
                    "venv/share/nginx.conf",
                    # a virtualenv under any name is known by its pyvenv.cfg
                    "py311env/lib/nginx.conf"):
        path = tree / skipped
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(NGINX_BAD)
    for venv in (".venv", "venv", "py311env"):
        (tree / venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tree / "deploy").mkdir()
    (tree / "deploy" / "nginx.conf").write_text(NGINX_BAD)
    run = cli("--format", "json", ".")
    assert_no_crash(run)
    assert linted_files(run) == {"good.conf", "deploy/nginx.conf"}
    assert run.code == 1


@pytest.mark.parametrize("named, inside", [
    ("node_modules", "node_modules/pkg/nginx.conf"),
    (".venv", ".venv/lib/python3.11/site-packages/pkg/nginx.conf"),
    (".venv/lib", ".venv/lib/python3.11/site-packages/pkg/nginx.conf"),
    ("py311env", "py311env/lib/nginx.conf"),
    ("build", "build/node_modules/x/nginx.conf"),
])
def test_a_named_dependency_directory_is_linted_in_full(tree, named, inside):
    """One rule for every skipped kind: met in a walk it is skipped; named,
    it is what the user asked for (its own .gitignore, which a virtualenv
    writes as '*', and the skip list below it do not hide its files)."""
    path = tree / inside
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NGINX_BAD)
    (tree / inside.split("/")[0] / ".gitignore").write_text("*\n")
    if named.startswith(("py311env", ".venv")):
        (tree / named.split("/")[0] / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tree / named / ".git").mkdir(exist_ok=True)
    (tree / named / ".git" / "nginx.conf").write_text(NGINX_BAD)
    run = cli("--format", "json", named)
    assert linted_files(run) == {inside}
    assert run.code == 1
    assert linted_files(cli("--format", "json", ".")) == {"good.conf"}


def test_a_checkout_below_a_directory_called_build_is_walked_as_usual(tmp_path, monkeypatch):
    checkout = tmp_path / "build" / "repo"
    (checkout / "node_modules" / "pkg").mkdir(parents=True)
    (checkout / "node_modules" / "pkg" / "nginx.conf").write_text(NGINX_BAD)
    (checkout / "nginx.conf").write_text(NGINX_BAD)
    (checkout / ".corslint.toml").write_text("")
    monkeypatch.chdir(checkout)
    assert linted_files(cli("--format", "json", ".")) == {"nginx.conf"}
    assert linted_files(cli("--format", "json", str(checkout))) == {str(checkout / "nginx.conf")}


@pytest.fixture
def ignored_tree(tree) -> Path:
    (tree / ".git").mkdir()
    (tree / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tree / ".gitignore").write_text(
        "# build output\n"
        "generated/\n"
        "*.local.conf\n"
        "!keep.local.conf\n"
        "/rendered.conf\n")
    files = {
        "generated/nginx.conf": True,         # ignored directory
        "dev.local.conf": True,               # ignored pattern
        "keep.local.conf": False,             # re-included by !pattern
        "rendered.conf": True,                # anchored to the root
        "sub/rendered.conf": False,           # ...so not ignored here
        "sub/secret.conf": True,              # ignored by sub/.gitignore
        "sub/deeper/generated/x.conf": True,  # `generated/` matches at any depth
    }
    for name in files:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(NGINX_BAD)
    (tree / "sub" / ".gitignore").write_text("secret.conf\n")
    return tree


def test_walk_honours_gitignore(ignored_tree):
    run = cli("--format", "json", ".")
    assert_no_crash(run)
    assert linted_files(run) == {"good.conf", "keep.local.conf", "sub/rendered.conf"}
    assert run.code == 1


def test_gitignored_file_named_on_the_command_line_is_linted(ignored_tree):
    # ignore rules shape directory walks; a file the user names is linted
    run = cli("--format", "json", "dev.local.conf", "generated/nginx.conf")
    assert_no_crash(run)
    assert linted_files(run) == {"dev.local.conf", "generated/nginx.conf"}
    assert run.code == 1
