"""Acceptance on real files (../shared/corpus/nginx): gixy's origin tests get
the verdict their names say, and the Moodify snippet's vercel.app allowlist is
reported with a concrete attacker origin.

gixy's ``origins`` plugin checks one thing per file, and its options choose
which: by default whether the regex admits a foreign domain (corslint's
CORS106), with ``https_only`` whether it admits ``http://`` (CORS107). The
"# Options: {...}" comments that carry those options are not read:
origin_fp.conf and origin_https.conf hold the same regex, so a file's verdict
is the verdict of the rule its name is about.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corslint.lint import lint

pytestmark = pytest.mark.shared

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "nginx"
GIXY = sorted(CORPUS.glob("yandex__gixy__tests__plugins__simply__origins__origin*.conf"))
MOODIFY = CORPUS / "hoangsonww__Moodify-Emotion-Music-App__nginx__snippets__cors.conf"


def test_the_corpus_files_are_there():
    assert len(GIXY) == 7, GIXY
    assert MOODIFY.is_file()


def _name(path: Path) -> str:
    return path.name.rsplit("__", 1)[-1]


def _code(path: Path) -> str:
    return "CORS107" if _name(path).startswith("origin_https") else "CORS106"


@pytest.mark.parametrize("path", GIXY, ids=_name)
def test_gixy_origin_fixture_gets_the_verdict_its_name_says(path):
    code = _code(path)
    result = lint([str(path)], codes=[code])
    assert not [p for p in result.problems if p.fatal]
    findings = [f for f in result.findings if f.code == code]
    if path.stem.endswith("_fp"):
        assert not findings, [f.message for f in findings]
    else:
        assert findings, f"{code} silent on {_name(path)}"
        # the finding is on the `if` line, whatever comments come before it
        if_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "if (" in line)
        assert {f.line for f in findings} == {if_line}


@pytest.mark.parametrize("path", GIXY, ids=_name)
def test_no_gixy_fp_file_gets_a_foreign_domain_finding(path):
    """CORS106 is gixy's default check: only origin.conf (unescaped dot) and
    origin_wo_slash.conf (no end anchor) admit a foreign name."""
    findings = lint([str(path)], codes=["CORS106"]).findings
    assert bool(findings) == (_name(path) in ("origin.conf", "origin_wo_slash.conf"))


def test_what_the_gixy_positives_say():
    by_name = {_name(p): p for p in GIXY}
    [wo_slash] = lint([str(by_name["origin_wo_slash.conf"])], codes=["CORS106"]).findings
    assert "admits https://yandex.ru.evil.example" in wo_slash.message
    assert "not anchored at the end" in wo_slash.message
    [dot] = lint([str(by_name["origin.conf"])], codes=["CORS106"]).findings
    assert "unescaped '.'" in dot.message and "https://yandexxru" in dot.message
    assert "'/' after the host" in dot.message
    [https] = lint([str(by_name["origin_https.conf"])], codes=["CORS107"]).findings
    assert "http://yandex.ru" in https.message and "https://yandex.ru" in https.message


def test_options_comments_are_not_read():
    """The same text without gixy's options comment gets the same findings."""
    for path in GIXY:
        text = path.read_text()
        if "# Options:" not in text:
            continue
        bare = re.sub(r"^# Options:.*$", "#", text, flags=re.M)
        codes = ["CORS104", "CORS106", "CORS107"]
        with_comment = lint([str(path)], codes=codes).findings
        without = lint(["-"], stdin_text=bare, stdin_filename=path.name, codes=codes).findings
        assert [(f.code, f.line, f.message) for f in with_comment] == \
            [(f.code, f.line, f.message) for f in without]


def test_moodify_vercel_allowlist_names_an_attacker_origin():
    result = lint([str(MOODIFY)], codes=["CORS104", "CORS106", "CORS107"])
    assert not [p for p in result.problems if p.fatal]
    [finding] = [f for f in result.findings if f.code == "CORS106"]
    lines = MOODIFY.read_text().splitlines()
    assert "vercel" in lines[finding.line - 1]
    assert "https://attacker.vercel.app" in finding.message
    assert finding.severity == "critical"   # answered with Access-Control-Allow-Credentials: true
    # the moodify.example.com subdomains and http://localhost are the authors' own
    assert not [f for f in result.findings if f.code in ("CORS104", "CORS107")]
