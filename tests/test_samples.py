"""The shipped samples: every broken sample shows its rule on the marked line,
every fixed twin lints clean, and real nginx accepts them all (`nginx -t`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from corslint.checks import REGISTRY
from corslint.lint import lint
from ruletools import expected

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NGINX_SAMPLES = sorted((SAMPLES / "nginx").glob("*/*.conf"))


def sample_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_every_nginx_code_has_a_sample_pair():
    have = {p.parent.name for p in NGINX_SAMPLES}
    nginx_codes = set(REGISTRY)
    missing = sorted(c for c in nginx_codes if c not in have)
    assert not missing, f"codes without samples/nginx/<CODE>/: {missing}"
    for code in have:
        assert (SAMPLES / "nginx" / code / "broken.conf").is_file()
        assert (SAMPLES / "nginx" / code / "fixed.conf").is_file()


@pytest.mark.parametrize("path", [p for p in NGINX_SAMPLES if p.name == "broken.conf"], ids=sample_id)
def test_broken_sample_reports_its_code_on_the_marked_line(path):
    code = path.parent.name
    result = lint([str(path)])
    assert not [p for p in result.problems if p.fatal]
    want = {line for _, line in expected(path, code)}
    got = {f.line for f in result.findings if f.code == code}
    assert want and got == want, (want, [f"{f.code}:{f.line} {f.message}" for f in result.findings])


@pytest.mark.parametrize("path", [p for p in NGINX_SAMPLES if p.name == "fixed.conf"], ids=sample_id)
def test_fixed_sample_lints_clean(path):
    result = lint([str(path)])
    assert not result.problems
    assert not result.findings, [f"{f.code}:{f.line} {f.message}" for f in result.findings]


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    assert found, "nginx is not installed: run tests/install-system-deps.sh (the README's test command does)"
    return found


@pytest.mark.server
@pytest.mark.parametrize("path", NGINX_SAMPLES, ids=sample_id)
def test_real_nginx_accepts_sample(path, tmp_path):
    (tmp_path / "logs").mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {path};\n}}\n"
    )
    run = subprocess.run([nginx_binary(), "-t", "-q", "-p", str(tmp_path), "-c", str(main)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
