"""The pre-commit hooks, run by the real pre-commit (from PyPI).

``pre-commit try-repo`` clones a hook repository, installs it into a fresh
virtualenv (``pip install .``: click and crossplane come from PyPI) and runs
the hook in a git repository. The hook repository here is a committed copy of
this working tree, so the test sees the current code whether or not it is
committed, and never runs git in the project's own repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bad_configs import NGINX_BAD as BROKEN

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"

# BROKEN without its credentials line: nothing to report.
FIXED = BROKEN.replace("        add_header Access-Control-Allow-Credentials true always;\n", "")
assert FIXED != BROKEN

# Caught by the hooks' pattern (*.conf) but not nginx: must be passed over.
SUPERVISOR = """\
[program:api]
command=/usr/bin/api --port 8000
autorestart=true
"""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "corslint tests", "GIT_AUTHOR_EMAIL": "tests@corslint.invalid",
    "GIT_COMMITTER_NAME": "corslint tests", "GIT_COMMITTER_EMAIL": "tests@corslint.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def manifest() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def hook(hook_id: str) -> dict:
    return next(h for h in manifest() if h["id"] == hook_id)


# ---------------------------------------------------------------- the manifest


def test_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(MANIFEST))
    assert {h["id"] for h in hooks} == {"corslint", "corslint-project"}
    for h in hooks:
        assert h["language"] == "python"


@pytest.mark.parametrize("path", [
    "nginx.conf", "etc/nginx/nginx.conf", "conf.d/api.conf", "deploy/conf.d/cors",
    "sites-available/default", "etc/nginx/sites-enabled/example.com", "snippets/cors.conf",
    "httpd.conf", "apache2.conf", "public/.htaccess", ".htaccess",
    "mysite/settings.py", "config/settings/production.py",
    "app.py", "src/main.py", "server.js", "api/index.ts",
])
def test_files_pattern_catches_configs(path):
    assert re.search(hook("corslint")["files"], path), path


@pytest.mark.parametrize("path", [
    "README.md", "setup.py", "tests/test_app_helpers.py", "package.json", "src/utils.js",
    "docs/configuration.md", "pyproject.toml", "settings.json",
    # formats corslint does not read (yet): the hook must not promise them
    "vercel.json", "firebase.json", "_headers", "Caddyfile", "k8s/ingress.yaml",
])
def test_files_pattern_skips_other_files(path):
    assert not re.search(hook("corslint")["files"], path), path


# ---------------------------------------------------------------- the pattern promises only what corslint reads

NGINX = "server {\n    listen 80;\n    add_header Access-Control-Allow-Origin * always;\n}\n"
APACHE = '<VirtualHost *:80>\n    Header always set Access-Control-Allow-Origin "*"\n</VirtualHost>\n'
DJANGO = "INSTALLED_APPS = ['corsheaders']\nCORS_ALLOWED_ORIGINS = ['https://app.example.com']\n"
FLASK = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app)\n"
STARLETTE = ("from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
             "app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=['*'])\n")
EXPRESS = "const cors = require('cors');\napp.use(cors());\n"
FASTIFY = ("const fp = require('fastify-plugin');\n"
           "module.exports = fp(async (fastify) => fastify.register(require('@fastify/cors'), { origin: true }));\n")
NEST_FASTIFY = ("import { FastifyAdapter } from '@nestjs/platform-fastify';\n"
                "const app = await NestFactory.create(AppModule, new FastifyAdapter());\napp.enableCors();\n")

# One or more file names for every name the pattern catches, with the kind of
# config such a file holds. Each must be caught by the pattern and taken by a
# frontend exactly as `--ignore-unknown` decides.
PROMISED = {
    "nginx.conf": NGINX, "etc/nginx/conf.d/api.conf": NGINX, "api.nginx": NGINX, "example.vhost": NGINX,
    "httpd.conf": APACHE, "apache2.conf": APACHE, "public/.htaccess": APACHE, ".htaccess": APACHE,
    "sites-available/default": NGINX, "etc/nginx/sites-enabled/example.com": NGINX,
    "deploy/conf.d/cors": NGINX, "snippets/cors": NGINX, "vhosts.d/api": NGINX, "etc/nginx/api": NGINX,
    "mysite/settings.py": DJANGO, "config/settings/production.py": DJANGO, "settings_local.py": DJANGO,
    "main.py": STARLETTE, "asgi.py": STARLETTE, "app.py": FLASK, "wsgi.py": FLASK,
    "application.py": FLASK, "api.py": FLASK, "src/server.js": EXPRESS, "index.mjs": EXPRESS,
    "app.cjs": EXPRESS, "api/index.ts": EXPRESS, "main.js": EXPRESS,
    "plugins/cors.js": FASTIFY, "src/plugins/cors.ts": FASTIFY, "src/main.ts": NEST_FASTIFY,
}


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of the hook's verbose pattern."""
    body = pattern.strip()
    assert body.startswith("(?x)(") and body.endswith(")"), body
    return [line.strip().lstrip("|") for line in body[len("(?x)("):-1].splitlines() if line.strip()]


@pytest.mark.parametrize("path", sorted(PROMISED))
def test_every_promised_name_is_read_by_a_frontend(path):
    from corslint.frontends import frontend_for

    assert re.search(hook("corslint")["files"], path), path
    assert frontend_for(path, named=False, text=PROMISED[path]) is not None, path


def test_every_name_the_pattern_promises_has_an_example():
    """Each alternative of the pattern, and each word of a list of names in it
    (`(main|app|server)`, `(py|js)`), is covered by an example above: a name
    added to the pattern needs a frontend that reads it."""
    for alternative in _alternatives(hook("corslint")["files"]):
        covered = [p for p in PROMISED if re.search(alternative, p)]
        assert covered, f"no example file for {alternative!r}"
        for group in re.findall(r"\(((?:[\w-]|\\\.)+(?:\|(?:[\w-]|\\\.)+)+)\)", alternative):
            for word in group.split("|"):
                plain = word.replace("\\.", ".")
                assert any(plain in p for p in covered), f"{alternative!r}: no example with {plain!r}"


def test_project_variant_lints_the_whole_tree():
    project = hook("corslint-project")
    assert project["pass_filenames"] is False
    assert project["entry"].split()[-1] == "."
    assert project["files"] == hook("corslint")["files"]


# ---------------------------------------------------------------- --ignore-unknown (the hooks' entry)


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".corslint.toml").write_text("")
    (tmp_path / "broken.conf").write_text(BROKEN)
    (tmp_path / "supervisord.conf").write_text(SUPERVISOR)
    (tmp_path / "app.py").write_text("print('no CORS here')\n")
    return tmp_path


def _corslint(*args: str):
    from click.testing import CliRunner
    from corslint import cli

    return CliRunner().invoke(cli.main, list(args))


def test_ignore_unknown_passes_over_files_that_are_no_config(site):
    plain = _corslint("supervisord.conf")
    assert plain.exit_code == 2, plain.output   # named explicitly: parsed as nginx, and fails
    result = _corslint("--ignore-unknown", "supervisord.conf", "app.py")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No findings in 0 files"


def test_ignore_unknown_still_lints_the_configs(site):
    result = _corslint("--ignore-unknown", "supervisord.conf", "broken.conf")
    assert result.exit_code == 1, result.output
    assert "broken.conf:5:9: CORS201" in result.stdout
    assert "supervisord.conf" not in result.output


def test_ignore_unknown_still_reports_missing_files(site):
    result = _corslint("--ignore-unknown", "gone.conf")
    assert result.exit_code == 2
    assert "gone.conf" in result.stderr


# ---------------------------------------------------------------- the real pre-commit


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def _hook_repo(tmp: Path) -> Path:
    """A committed copy of this working tree: what a user's pre-commit clones."""
    repo = tmp / "corslint-hooks"
    ignore = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache",
                                    ".benchmarks", "build", "dist", ".venv", "*.pyc")
    shutil.copytree(ROOT, repo, ignore=ignore)
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "hooks", cwd=repo)
    return repo


def _try_repo(hook_repo: Path, hook_id: str, project: Path, *files: str):
    env = {**os.environ, **GIT_ENV}
    env.pop("PRE_COMMIT_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook_id,
         "--verbose", "--color", "never", "--files", *files],
        cwd=project, capture_output=True, text=True, env=env, timeout=900,
    )


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("precommit")
    hook_repo = _hook_repo(tmp)
    project = tmp / "site"
    (project / "nginx" / "conf.d").mkdir(parents=True)
    (project / "nginx" / "conf.d" / "broken.conf").write_text(BROKEN)
    (project / "nginx" / "conf.d" / "fixed.conf").write_text(FIXED)
    (project / "supervisord.conf").write_text(SUPERVISOR)
    (project / "README.md").write_text("# site\n")
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)
    _git("commit", "-q", "-m", "site", cwd=project)
    return hook_repo, project


def test_hook_fails_on_the_broken_config(repos):
    hook_repo, project = repos
    run = _try_repo(hook_repo, "corslint", project, "nginx/conf.d/broken.conf")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert re.search(r"corslint \(CORS configuration\)\.+Failed", out), out
    assert "nginx/conf.d/broken.conf:5:9: CORS201" in out, out


def test_hook_passes_on_the_fixed_config_and_skips_other_files(repos):
    hook_repo, project = repos
    run = _try_repo(hook_repo, "corslint", project,
                    "nginx/conf.d/fixed.conf", "supervisord.conf", "README.md")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert re.search(r"corslint \(CORS configuration\)\.+Passed", out), out
    assert "No findings in 1 file" in out, out


def test_project_hook_lints_every_config_when_one_changes(repos):
    hook_repo, project = repos
    # Only the fixed file changed, but the whole-project hook still sees the
    # broken one next to it.
    run = _try_repo(hook_repo, "corslint-project", project, "nginx/conf.d/fixed.conf")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert re.search(r"corslint \(whole project\)\.+Failed", out), out
    assert "conf.d/broken.conf:5:9: CORS201" in out, out
    assert "supervisord.conf" not in out, out


def test_project_hook_skips_when_no_config_changed(repos):
    hook_repo, project = repos
    run = _try_repo(hook_repo, "corslint-project", project, "README.md")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert re.search(r"corslint \(whole project\)\.+\(no files to check\)Skipped", out), out
