"""Bad, odd and hostile input never crashes corslint or hangs it.

* a config nginx or httpd would reject gives one clear line ``file:line: what``
  (no Python internals in it) and exit 2;
* odd but valid configs (CRLF, tabs, huge lines, non-ASCII) lint normally;
* templates (Go, Jinja, ERB, envsubst) say "not plain nginx/Apache";
* a catastrophic-backtracking origin regex does not hang the lint;
* code being linted is never executed;
* ``corslint --version`` and a text-format nginx lint do not import what they do
  not need (SARIF, pyparsing, tree-sitter, the parsers, the rule modules);
* linting many files uses the machine's cores.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from corslint.cli import main

from bad_configs import APACHE_BAD, APACHE_BAD_LINE, NGINX_BAD, NGINX_BAD_LINE

PYTHON_INTERNALS = re.compile(r"Traceback|recursion|Error\b|object at 0x|StopIteration|NoneType", re.I)


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".corslint.toml").write_text("")
    return tmp_path


def cli(*args: str):
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr
    return result


def problem_lines(stderr: str, name: str) -> list[tuple[int | None, str]]:
    out = []
    for line in stderr.splitlines():
        m = re.match(rf"^\S*{re.escape(name)}(?::(\d+))?: (.*)$", line)
        if m:
            out.append((int(m.group(1)) if m.group(1) else None, m.group(2)))
    return out


def python(code: str, *, env: dict | None = None, cwd: Path | None = None, timeout: float = 300):
    """Run ``code`` in a fresh interpreter (no state shared with pytest)."""
    full_env = {**os.environ, **(env or {})}
    try:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout, env=full_env, cwd=cwd, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {timeout:.0f} s (hangs?)")


# ---------------------------------------------------------------- configs servers reject

NGINX_REJECTED = {
    # name: (text, line nginx names or None, what the message must say)
    "unclosed block": ("server {\n    listen 80;\n    location / {\n", None, r"end of file"),
    "stray closing brace": ("server { listen 80; }\n}\n", 2, r'unexpected "}"'),
    "no semicolon before end of file": ("server { listen 80; }\nworker_processes 2", 2,
                                        r"end of file|expecting"),
    "unterminated quote": ('server {\n    add_header X-Note "abc;\n}\n', None, r"end of file|quote"),
    "lone opening brace": ("{\n", None, r"end of file|unexpected"),
    "lone semicolons": (";;;\n", 1, r"unexpected"),
    "NUL byte": ("server {\x00 listen 80; }\n", None, r"binary"),
    "nesting 3000 deep": ("server {\n" + "location /a {\n" * 3000 + "}\n" * 3000 + "}\n", None,
                          r"nest"),
    # nginx: unknown directive "\ufeffserver": the BOM is not skipped
    "UTF-8 byte order mark": ("\ufeff" + NGINX_BAD, 1, r"byte order mark|BOM"),
}


@pytest.mark.parametrize("name", sorted(NGINX_REJECTED))
def test_nginx_config_nginx_rejects_is_one_clear_line(here, name):
    text, line, said = NGINX_REJECTED[name]
    (here / "site.conf").write_text(text, encoding="utf-8")
    (here / "good.conf").write_text(NGINX_BAD)
    result = cli("site.conf", "good.conf")
    problems = problem_lines(result.stderr, "site.conf")
    assert len(problems) == 1, result.stderr
    got_line, message = problems[0]
    assert message.strip(), "empty message"
    assert re.search(said, message, re.I), message
    assert not PYTHON_INTERNALS.search(message), message
    if line is not None:
        assert got_line == line, result.stderr
    assert result.exit_code == 2
    assert re.search(rf"^good\.conf:{NGINX_BAD_LINE}:\d+: CORS201 ", result.stdout, re.M), result.stdout


APACHE_REJECTED = {
    "unclosed section": ("<VirtualHost *:80>\n    ServerName a.example\n", 1, r"never closed|<VirtualHost>"),
    "mismatched closing tag": ("<VirtualHost *:80>\n<Directory /x>\n</VirtualHost>\n</Directory>\n", 3,
                               r"</Directory>|</VirtualHost>"),
    "stray closing tag": ("<VirtualHost *:80>\n</VirtualHost>\n</Directory>\n", 3, r"</Directory>"),
    "nesting 3000 deep": ("<VirtualHost *:80>\n" + "<IfModule mod_headers.c>\n" * 3000
                          + "</IfModule>\n" * 3000 + "</VirtualHost>\n", None, r"nest"),
    "NUL byte": ("<VirtualHost *:80>\x00\n</VirtualHost>\n", None, r"binary|not a configuration"),
}


@pytest.mark.parametrize("name", sorted(APACHE_REJECTED))
def test_apache_config_httpd_rejects_is_one_clear_line(here, name):
    text, line, said = APACHE_REJECTED[name]
    (here / "site.conf").write_text(text, encoding="utf-8")
    (here / "good.conf").write_text(APACHE_BAD)
    result = cli("site.conf", "good.conf")
    problems = problem_lines(result.stderr, "site.conf")
    assert len(problems) == 1, result.stderr
    got_line, message = problems[0]
    assert re.search(said, message, re.I), message
    assert not PYTHON_INTERNALS.search(message), message
    if line is not None:
        assert got_line == line, result.stderr
    assert result.exit_code == 2
    assert re.search(rf"^good\.conf:{APACHE_BAD_LINE}:\d+: CORS201 ", result.stdout, re.M), result.stdout


# ---------------------------------------------------------------- odd but valid configs

LONG_VALUE = "a" * 2_000_000

NGINX_ODD = {
    # name: (text, line of the CORS201 finding)
    "CRLF line endings": (NGINX_BAD.replace("\n", "\r\n"), NGINX_BAD_LINE),
    "tabs": (NGINX_BAD.replace("    ", "\t"), NGINX_BAD_LINE),
    "no final newline": (NGINX_BAD.rstrip("\n"), NGINX_BAD_LINE),
    "2 MB line before": (f'add_header X-Long "{LONG_VALUE}";\n' + NGINX_BAD, NGINX_BAD_LINE + 1),
    "50,000 arguments": ("add_header X-Many " + " ".join(["v"] * 50_000) + ";\n" + NGINX_BAD,
                         NGINX_BAD_LINE + 1),
    "braces and quotes in comments": ('# } { " \' ; \\\n' + NGINX_BAD, NGINX_BAD_LINE + 1),
    "non-ASCII names and values": (
        NGINX_BAD.replace("api.example.com", "bücher.example.com xn--caf-dma.example")
        .replace("return 200;", 'return 200 "ok ✓ 🚀";'), NGINX_BAD_LINE),
    "lower-case ${var} is an nginx variable": (
        NGINX_BAD.replace("return 200;", "return 301 ${scheme}://${host}${request_uri};"), NGINX_BAD_LINE),
}


@pytest.mark.parametrize("name", sorted(NGINX_ODD))
def test_odd_but_valid_nginx_lints_normally(here, name):
    text, line = NGINX_ODD[name]
    (here / "site.conf").write_bytes(text.encode("utf-8"))
    result = cli("site.conf")
    assert result.stderr.strip() == "", result.stderr
    assert re.search(rf"^site\.conf:{line}:\d+: CORS201 ", result.stdout, re.M), result.stdout
    assert result.exit_code == 1


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "events {}\n"])
def test_empty_nginx_config_is_clean(here, text):
    (here / "site.conf").write_text(text)
    result = cli("site.conf")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr.strip() == ""


def test_apache_bom_is_skipped_as_httpd_does(here):
    # httpd's config reader skips a UTF-8 BOM at the start of a file
    (here / ".htaccess").write_text("\ufeff" + 'Header always set Access-Control-Allow-Origin "*"\n'
                                    'Header always set Access-Control-Allow-Credentials "true"\n')
    result = cli(".htaccess")
    assert re.search(r"^\.htaccess:1:\d+: CORS201 ", result.stdout, re.M), result.stdout + result.stderr


# ---------------------------------------------------------------- templates

TEMPLATES = {
    # name: (file name, text, line of the first template mark)
    "Go template": ("nginx.tmpl", "http {\n{{ range $host, $c := . }}\n    server { server_name {{ $host }}; }\n"
                    "{{ end }}\n}\n", 2),
    "Jinja": ("site.conf", "server {\n    listen 80;\n{% if cors %}\n    add_header Access-Control-Allow-Origin "
              "\"{{ origin }}\";\n{% endif %}\n}\n", 3),
    "ERB": ("site.conf", "server {\n    listen 80;\n    add_header Access-Control-Allow-Origin <%= @origin %>;\n}\n",
            3),
    "envsubst": ("cors.conf", "location / {\n    add_header Access-Control-Allow-Origin '${CORS_ALLOWED_ORIGINS}';\n"
                 "    add_header Access-Control-Max-Age '${CORS_MAX_AGE}';\n}\n", 2),
    "envsubst with $$ escape": ("nginx.conf", "events {}\nhttp {\n    map $${PROXY_HOST} $proxy_host {\n"
                                "        default $${PROXY_HOST};\n    }\n}\n", 3),
    "Apache Jinja": ("vhost.conf", "<VirtualHost *:80>\n    ServerName {{ server_name }}\n"
                     "    Header always set Access-Control-Allow-Origin \"{{ origin }}\"\n</VirtualHost>\n", 2),
    "Apache Go template": ("httpd.conf", "{{ range .Vhosts }}\n<VirtualHost *:80>\n    ServerName {{ .Name }}\n"
                           "</VirtualHost>\n{{ end }}\n", 1),
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_says_not_plain_config(here, name):
    filename, text, line = TEMPLATES[name]
    (here / filename).write_text(text)
    (here / "good.conf").write_text(NGINX_BAD)
    result = cli(filename, "good.conf")
    problems = problem_lines(result.stderr, filename)
    assert len(problems) == 1, result.stderr
    got_line, message = problems[0]
    assert "template" in message.lower(), message
    assert re.search(r"not plain (nginx|apache)", message, re.I), message
    assert got_line == line
    assert result.exit_code == 2
    assert re.search(rf"^good\.conf:{NGINX_BAD_LINE}:\d+: CORS201 ", result.stdout, re.M), result.stdout


def test_apache_define_variables_are_plain_apache(here):
    # ${VAR} is httpd's own Define/environment syntax (Debian's apache2.conf
    # uses ${APACHE_LOG_DIR}): not a template
    (here / "site.conf").write_text(APACHE_BAD.replace(
        "    DocumentRoot /var/www/html\n", "    DocumentRoot ${DOCROOT}\n    ErrorLog ${APACHE_LOG_DIR}/e.log\n"))
    result = cli("site.conf")
    assert result.stderr.strip() == "", result.stderr
    assert re.search(rf"^site\.conf:{APACHE_BAD_LINE + 1}:\d+: CORS201 ", result.stdout, re.M), result.stdout


# ---------------------------------------------------------------- hostile regexes

# (.*)*(.*)* against an origin that almost matches backtracks exponentially in
# Python's re; nginx's PCRE gives up at its match limit.
EVIL = r"^(https?://)?(.*)*(.*)*(.*)*example.com$"


@pytest.mark.parametrize("filename,text", [
    ("nginx.conf", f'server {{\n    listen 443 ssl;\n    location / {{\n        if ($http_origin ~* "{EVIL}") {{\n'
                   "            add_header Access-Control-Allow-Origin $http_origin always;\n"
                   "            add_header Vary Origin always;\n        }\n    }\n}\n"),
    ("nginx.conf", f'map $http_origin $cors {{\n    default "";\n    "~{EVIL}" $http_origin;\n}}\n'
                   "server {\n    listen 443 ssl;\n    location / {\n"
                   "        add_header Access-Control-Allow-Origin $cors always;\n    }\n}\n"),
    ("httpd.conf", f'<VirtualHost *:443>\n    SSLEngine on\n    SetEnvIf Origin "{EVIL}" ORIGIN=$0\n'
                   "    Header always set Access-Control-Allow-Origin %{ORIGIN}e env=ORIGIN\n"
                   "    Header always set Vary Origin\n</VirtualHost>\n"),
], ids=["nginx if", "nginx map", "apache SetEnvIf"])
def test_catastrophic_origin_regex_does_not_hang(here, filename, text):
    (here / filename).write_text(text)
    proc = subprocess_cli(here, filename, timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr


def subprocess_cli(cwd: Path, *args: str, timeout: float):
    try:
        return subprocess.run([sys.executable, "-c", "from corslint.cli import main; main()", *args],
                              capture_output=True, text=True, timeout=timeout, cwd=cwd,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"corslint {' '.join(args)} did not finish within {timeout:.0f} s: "
                    "an origin regex must not be able to hang the linter")


def test_invalid_origin_regex_is_no_crash(here):
    (here / "site.conf").write_text(
        'server {\n    listen 443 ssl;\n    location / {\n        if ($http_origin ~* "^https://(a") {\n'
        "            add_header Access-Control-Allow-Origin $http_origin always;\n        }\n    }\n}\n")
    result = cli("site.conf")
    assert result.exit_code in (0, 1, 2)


# ---------------------------------------------------------------- linted code is never run


def test_python_settings_are_read_not_executed(here):
    marker = here / "EXECUTED"
    (here / "settings.py").write_text(textwrap.dedent(f"""\
        import pathlib
        pathlib.Path({str(marker)!r}).write_text("ran")
        INSTALLED_APPS = ["corsheaders"]
        CORS_ALLOW_ALL_ORIGINS = True
        CORS_ALLOW_CREDENTIALS = True
        """))
    (here / "app.js").write_text(textwrap.dedent(f"""\
        require("fs").writeFileSync({str(marker)!r}, "ran");
        const cors = require("cors");
        app.use(cors({{ origin: true, credentials: true }}));
        """))
    result = cli("settings.py", "app.js")
    assert not marker.exists()
    assert result.exit_code in (0, 1, 2)


# ---------------------------------------------------------------- lazy imports

def _heavy_loaded(modules: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    """The heavy modules among ``modules``, one name per package."""
    heavy = (m for m in modules
             if m.split(".")[0] in ("sarif_om", "jsonschema", "pyparsing", "crossplane")
             or m.startswith(("tree_sitter", "corslint.reporters.sarif", "corslint.grammars") + extra))
    return sorted({".".join(m.split(".")[:3]) if m.startswith("corslint.") else m.split(".")[0] for m in heavy})


MODULES_AFTER = """\
import json, sys
sys.argv = ["corslint", *{args!r}]
from corslint.cli import main
try:
    main()
except SystemExit:
    pass
print("MODULES=" + json.dumps(sorted(sys.modules)))
"""


def _modules_after(args: list[str], cwd: Path) -> list[str]:
    proc = python(MODULES_AFTER.format(args=args), cwd=cwd)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES=")]
    assert line, proc.stdout + proc.stderr
    return json.loads(line[-1][len("MODULES="):])


def test_version_imports_nothing_heavy(here):
    modules = _modules_after(["--version"], here)
    # the rule modules and frontends load on the first lint, not for --version
    loaded = _heavy_loaded(modules, ("corslint.frontends.", "corslint.checks.cors"))
    assert loaded == [], f"`corslint --version` imports {loaded}"
    # nor the policy model, the CORS engine or the explainer: only the CLI's own
    machinery = sorted(m for m in modules if m in ("corslint.model", "corslint.engine",
                                                     "corslint.explain", "corslint.lint"))
    assert machinery == [], f"`corslint --version` imports {machinery}"


def test_text_lint_of_nginx_skips_sarif_and_other_parsers(here):
    (here / "site.conf").write_text(NGINX_BAD)
    modules = _modules_after(["site.conf"], here)
    assert "crossplane" in modules  # it did lint the file
    loaded = [m for m in _heavy_loaded(modules) if not m.startswith("crossplane")]
    assert loaded == [], f"a text-format nginx lint imports {loaded}"


# ---------------------------------------------------------------- many files


def _server(i: int) -> str:
    return (f"map $http_origin $cors_{i} {{\n    default \"\";\n    \"~^https://app{i}\\.example\\.com$\" "
            f"$http_origin;\n}}\n"
            f"server {{\n    listen 80;\n    server_name api{i}.example.com;\n"
            f"    location /api/ {{\n        if ($request_method = OPTIONS) {{\n"
            f"            add_header Access-Control-Allow-Origin $cors_{i} always;\n"
            f"            add_header Access-Control-Allow-Methods \"GET, POST, PUT\" always;\n"
            f"            add_header Vary Origin always;\n            return 204;\n        }}\n"
            f"        add_header Access-Control-Allow-Origin $cors_{i} always;\n"
            f"        add_header Vary Origin always;\n        proxy_pass http://127.0.0.1:9000;\n    }}\n"
            f"    location /legacy/ {{\n        add_header Access-Control-Allow-Origin * always;\n"
            f"        add_header Access-Control-Allow-Credentials true always;\n    }}\n}}\n")


def test_many_files_are_each_linted_once(tmp_path):
    """A tree of many files (enough for the rules to run on two cores) gives
    every file's findings, each once."""
    tree = tmp_path / "tree"
    sites = tree / "sites-enabled"
    sites.mkdir(parents=True)
    (tree / ".corslint.toml").write_text("")
    n_files, per_file = 120, 4
    for f in range(n_files):
        (sites / f"site{f:03d}.conf").write_text("".join(_server(f * per_file + s) for s in range(per_file)))
    try:
        proc = subprocess.run([sys.executable, "-c", "from corslint.cli import main; main()",
                               "--format", "json", "."], capture_output=True, text=True, cwd=tree,
                              timeout=900, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail("linting 120 files did not finish within 900 s")
    assert "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    # every file linted, every server's CORS201 found, nothing twice
    assert len(report["files"]) == n_files
    cors201 = [(f["file"], f["line"]) for f in report["findings"] if f["code"] == "CORS201"]
    assert len(cors201) == len(set(cors201)) == n_files * per_file


# ---------------------------------------------------------------- the console script

def _console(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``corslint ARGS`` through the installed entry point (cli.run, which ends
    the process without tearing the model down)."""
    return subprocess.run([sys.executable, "-c", "from corslint.cli import run; run()", *args],
                          capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL, timeout=120)


def test_console_script_keeps_exit_codes_and_flushes_the_report(here):
    (here / "site.conf").write_text(NGINX_BAD)
    (here / "ok.conf").write_text("server {\n    listen 80;\n}\n")
    (here / "broken.conf").write_text("server {\n    listen 80;\n")
    findings = _console(here, "--format", "json", "site.conf")
    assert findings.returncode == 1, findings.stderr
    doc = json.loads(findings.stdout)  # written out in full before the hard exit
    assert ("CORS201", NGINX_BAD_LINE) in [(f["code"], f["line"]) for f in doc["findings"]]
    unparsable = _console(here, "broken.conf", "site.conf")
    assert unparsable.returncode == 2 and "broken.conf:" in unparsable.stderr
    assert f"site.conf:{NGINX_BAD_LINE}:" in unparsable.stdout  # the other file is still linted
    assert _console(here, "ok.conf").returncode == 0
    assert _console(here, "missing.conf").returncode == 2
    version = _console(here, "--version")
    assert version.returncode == 0 and version.stdout.startswith("corslint, version ")
    assert _console(here, "--no-such-option").returncode == 2
