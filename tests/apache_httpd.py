"""Run a real Apache httpd (Debian's apache2) configuration test on a config.

``config_test(path, tmp_path)`` writes a minimal httpd.conf (ServerRoot in a
temporary directory, the modules corslint's Apache samples use, loaded from
Debian's /usr/lib/apache2/modules) that includes the file, or embeds it in a
``<Directory>`` section when it is a .htaccess, and runs ``apache2 -t`` on it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

MODULE_DIR = Path("/usr/lib/apache2/modules")
MODULES = (
    "mpm_event", "authz_core", "authz_host", "authz_user", "authz_groupfile", "authn_core",
    "authn_file", "auth_basic", "access_compat", "headers", "rewrite", "setenvif", "alias", "dir",
    "mime", "env", "proxy", "proxy_http", "proxy_fcgi", "socache_shmcb", "ssl", "expires",
    "deflate", "filter", "autoindex",
)


def apache_binary() -> str:
    found = shutil.which("apache2") or ("/usr/sbin/apache2" if Path("/usr/sbin/apache2").exists() else None)
    assert found, "apache2 is not installed: run tests/install-system-deps.sh (the README's test command does)"
    return found


def main_config(tmp_path: Path, body: str, docroot: Path | None = None) -> Path:
    for sub in ("logs", "run", "htdocs"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    lines = [f'ServerRoot "{tmp_path}"', "ServerName localhost", "Listen 127.0.0.1:8080",
             f'PidFile "{tmp_path}/run/httpd.pid"', f'ErrorLog "{tmp_path}/logs/error.log"',
             f'DocumentRoot "{docroot or (tmp_path / "htdocs")}"', "TypesConfig /etc/mime.types"]
    for name in MODULES:
        so = MODULE_DIR / f"mod_{name}.so"
        assert so.is_file(), f"{so} is missing: is Debian's apache2 installed?"
        lines.append(f"LoadModule {name}_module {so}")
    lines.append(body)
    conf = tmp_path / "httpd.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def config_test(path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """``apache2 -t`` on a config that includes ``path`` (a .htaccess goes
    inside a <Directory> section, where httpd would read it)."""
    path = Path(path).resolve()
    if path.name.endswith(".htaccess"):
        body = f'<Directory "{tmp_path}/htdocs">\n{path.read_text(encoding="utf-8")}\n</Directory>'
    else:
        body = f'Include "{path}"'
    conf = main_config(tmp_path, body)
    env = dict(os.environ, APACHE_RUN_DIR=str(tmp_path / "run"), APACHE_LOG_DIR=str(tmp_path / "logs"),
               APACHE_LOCK_DIR=str(tmp_path / "run"), APACHE_PID_FILE=str(tmp_path / "run/httpd.pid"))
    return subprocess.run([apache_binary(), "-t", "-f", str(conf)], capture_output=True, text=True,
                          timeout=60, env=env)
