"""Acceptance on real files (../shared/corpus/nginx): gixy's origin tests get
the verdict their names say, and the Moodify snippet's vercel.app allowlist is
reported with a concrete attacker origin.

gixy's ``origins`` plugin checks one thing per file, and its options choose
which (a foreign domain, or with ``https_only`` a plain-HTTP origin). The
"# Options: {...}" comments that carry those options are not read. All its
patterns but origin_wo_slash.conf's want a '/' after the host, which no Origin
header has: as written they admit nothing, and that is what corslint says.
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


def _if_line(path: Path) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "if (" in line)


@pytest.mark.parametrize("path", GIXY, ids=_name)
def test_gixy_patterns_that_want_a_slash_admit_nothing(path):
    """gixy's files but origin_wo_slash.conf test a pattern that wants '/'
    after the host: no Origin header has one, so as written the pattern
    matches no origin at all (whatever gixy's options ask). That is one
    CORS101 at the `if`, and no claim that some origin gets in (#20)."""
    result = lint([str(path)])
    assert not [p for p in result.problems if p.fatal]
    codes = sorted(f.code for f in result.findings)
    if _name(path) == "origin_wo_slash.conf":
        # one pattern, one finding: its plain-HTTP twin is part of CORS106's
        assert codes == ["CORS106"]
        assert [f.code for f in result.findings[0].folded] == ["CORS107"]
        return
    [finding] = result.findings
    assert (finding.code, finding.line, finding.severity) == ("CORS101", _if_line(path), "warning")
    assert "matches no origin at all" in finding.message
    assert "'/' after the host" in finding.message
    assert "it evidently means https://yandex.ru" in finding.message


def test_what_the_gixy_positives_say():
    by_name = {_name(p): p for p in GIXY}
    path = by_name["origin_wo_slash.conf"]
    [wo_slash] = lint([str(path)], codes=["CORS106"]).findings
    assert wo_slash.line == _if_line(path)
    assert "admits https://yandex.ru.evil.example" in wo_slash.message
    assert "not anchored at the end" in wo_slash.message
    [http] = lint([str(path)], codes=["CORS107"]).findings
    assert "http://yandex.ru" in http.message and "https://yandex.ru" in http.message
    assert http.severity == "info"


def test_options_comments_are_not_read():
    """The same text without gixy's options comment gets the same findings."""
    for path in GIXY:
        text = path.read_text()
        if "# Options:" not in text:
            continue
        bare = re.sub(r"^# Options:.*$", "#", text, flags=re.M)
        codes = ["CORS101", "CORS104", "CORS106", "CORS107"]
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
