"""The shipped Apache samples: every code has a broken and a fixed twin, every
broken sample shows its rule exactly on the marked line, every fixed twin lints
clean, and a real httpd (Debian's apache2, `apache2 -t`) accepts every sample
and every Apache rule fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from apache_httpd import config_test
from corslint.checks import REGISTRY
from corslint.lint import lint
from ruletools import FIXTURES, expected

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "apache"
APACHE_SAMPLES = sorted(p for p in SAMPLES.glob("*/*") if p.name.startswith(("broken.", "fixed.")))
APACHE_FIXTURES = sorted(p for p in (FIXTURES / "apache").rglob("*") if p.is_file())


def sample_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_every_code_has_a_sample_pair_and_there_is_an_htaccess_pair():
    have = {p.parent.name for p in APACHE_SAMPLES}
    assert sorted(set(REGISTRY) - have) == []
    for code in REGISTRY:
        assert (SAMPLES / code / "broken.conf").is_file() and (SAMPLES / code / "fixed.conf").is_file()
    htaccess = [p for p in APACHE_SAMPLES if p.suffix == ".htaccess"]
    assert {p.stem for p in htaccess} == {"broken", "fixed"}


@pytest.mark.parametrize("path", [p for p in APACHE_SAMPLES if p.stem == "broken"], ids=sample_id)
def test_broken_sample_reports_its_code_on_the_marked_line(path):
    code = path.parent.name
    result = lint([str(path)])
    assert not result.problems
    want = {line for _, line in expected(path, code)}
    got = {f.line for f in result.findings if f.code == code}
    assert want and got == want, (want, [f"{f.code}:{f.line} {f.message}" for f in result.findings])


@pytest.mark.parametrize("path", [p for p in APACHE_SAMPLES if p.stem == "fixed"], ids=sample_id)
def test_fixed_sample_lints_clean(path):
    result = lint([str(path)])
    assert not result.problems
    assert not result.findings, [f"{f.code}:{f.line} {f.message}" for f in result.findings]


@pytest.mark.server
@pytest.mark.parametrize("path", APACHE_SAMPLES, ids=sample_id)
def test_real_apache_accepts_sample(path, tmp_path):
    run = config_test(path, tmp_path)
    assert run.returncode == 0, run.stderr


@pytest.mark.server
@pytest.mark.parametrize("path", APACHE_FIXTURES, ids=lambda p: str(p.relative_to(FIXTURES / "apache")))
def test_real_apache_accepts_rule_fixture(path, tmp_path):
    run = config_test(path, tmp_path)
    assert run.returncode == 0, run.stderr


@pytest.mark.server
def test_config_test_rejects_what_httpd_rejects(tmp_path):
    bad = tmp_path / "bad.conf"
    bad.write_text('Header set Access-Control-Allow-Origin "x" # trailing comment\n', encoding="utf-8")
    run = config_test(bad, tmp_path / "root")
    assert run.returncode != 0 and "Header" in run.stderr
