"""Reporters: registry, text and JSON rendering."""

from __future__ import annotations

import io
import os
import json
import re

from corslint import __version__, reporters
from corslint.findings import Finding
from corslint.lint import LintResult
from corslint.model import ParseProblem, Source
from corslint.reporters import json as json_reporter


def f(code="CORS201", severity="error", line=3, **kw):
    return Finding(code=code, message="msg", severity=severity, source=Source("a.conf", line, 2), **kw)


def render(name, result, findings, color=False):
    out = io.StringIO()
    reporters.REPORTERS[name](result, findings, out, color)
    return out.getvalue()


def test_registry_has_text_and_json():
    assert {"text", "json"} <= set(reporters.REPORTERS)
    import io

    from corslint.lint import LintResult

    ours, theirs = io.StringIO(), io.StringIO()
    reporters.get_reporter("json")(LintResult(), [], ours, False)
    json_reporter.report(LintResult(), [], theirs, False)
    assert ours.getvalue() == theirs.getvalue() and '"findings": []' in ours.getvalue()


def test_register_new_format(monkeypatch):
    monkeypatch.setattr(reporters, "REPORTERS", dict(reporters.REPORTERS))

    @reporters.register("count")
    def count(result, findings, stream, color):
        stream.write(str(len(findings)))

    assert render("count", LintResult(), [f(), f()]) == "2"


def test_text_only_present_fields():
    result = LintResult(files=["a.conf"])
    out = render("text", result, [f(fix="Do X."), f(line=5, chrome="C", firefox="F")])
    assert out == (
        "a.conf:3:2: CORS201 error: msg\n"
        "    Fix: Do X.\n"
        "\n"
        "a.conf:5:2: CORS201 error: msg\n"
        "    Chrome: C\n"
        "    Firefox: F\n"
        "\n"
        "2 findings (2 error) in 1 file\n"
    )


def test_text_include_chain():
    finding = Finding(code="CORS402", message="msg", severity="warning",
                      source=Source("inc/cors.conf", 2, 5,
                                    via=(Source("nginx.conf", 10, 3), Source("site.conf", 4, 1))))
    out = render("text", LintResult(files=["nginx.conf"]), [finding])
    assert "    Included from: site.conf:4:1 <- nginx.conf:10:3\n" in out


def test_text_summary_variants():
    assert render("text", LintResult(files=["a", "b"]), []) == "No findings in 2 files\n"
    assert render("text", LintResult(files=["a"]), [f(severity="info")]).endswith(
        "1 finding (1 info) in 1 file\n")
    many = [f(severity="warning"), f(severity="critical"), f(severity="error"), f(severity="critical")]
    assert render("text", LintResult(files=["a"] * 3 + ["b"]), many).endswith(
        "4 findings (2 critical, 1 error, 1 warning) in 2 files\n")
    with_problem = LintResult(files=["a"], problems=[ParseProblem("b", 1, "x")])
    assert render("text", with_problem, []) == "No findings in 1 file; 1 input problem (see stderr)\n"


def test_text_colour():
    out = render("text", LintResult(files=["a.conf"]), [f(fix="x")], color=True)
    assert "\x1b[" in out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert plain == render("text", LintResult(files=["a.conf"]), [f(fix="x")])


def test_json_document():
    result = LintResult(files=["a.conf", "a.conf", "b.conf"],
                        problems=[ParseProblem("c.conf", None, "not readable"),
                                  ParseProblem("a.conf", 9, "include matches nothing", fatal=False)])
    findings = [f(), f(code="CORS105", severity="critical", line=1)]
    doc = json.loads(render("json", result, findings))
    assert list(doc) == ["version", "tool", "files", "findings", "links", "problems", "summary"]
    assert doc["version"] == 1
    assert doc["links"] == []   # no model, no proxy linked to an app
    assert doc["tool"] == {"name": "corslint", "version": __version__}
    assert doc["files"] == ["a.conf", "b.conf"]
    assert doc["findings"] == [x.to_dict() for x in findings]
    assert doc["problems"] == [
        {"file": "c.conf", "line": None, "message": "not readable", "fatal": True},
        {"file": "a.conf", "line": 9, "message": "include matches nothing", "fatal": False},
    ]
    assert doc["summary"] == {
        "findings": 2, "problems": 2,
        "by_severity": {"info": 0, "warning": 0, "error": 1, "critical": 1},
        "by_code": {"CORS105": 1, "CORS201": 1},
    }


def test_json_finding_keys_documented():
    """Every key the JSON reporter emits is named in docs/output-formats.md."""
    from pathlib import Path
    doc_text = (Path(__file__).resolve().parents[1] / "docs" / "output-formats.md").read_text()
    finding = Finding(code="CORS201", message="m", severity="error",
                      source=Source("x", 1, 1, via=(Source("y", 2, 3),)), related=(Source("z", 1, 1),))
    document = json_reporter.document(LintResult(files=["x"], problems=[ParseProblem("q", 1, "m")]),
                                      [finding])
    keys = set(document) | set(document["tool"]) | set(document["summary"])
    keys |= set(document["findings"][0]) | set(document["problems"][0])
    keys |= set(document["findings"][0]["included_from"][0])
    for key in keys:
        assert f"`{key}`" in doc_text, key


def test_summary_counts_included_files_too():
    # The findings of a main config are often in the files it includes.
    from corslint.model import PolicyModel

    model = PolicyModel(included_files={os.path.abspath("cors.conf")})
    result = LintResult(files=["main.conf"], texts={"main.conf": "", "cors.conf": ""}, model=model)
    assert render("text", result, []).endswith("No findings in 2 files\n")


def test_text_names_related_places_in_its_own_file_by_line_and_caps_them():
    from corslint.reporters.text import MAX_PLACES
    related = tuple(Source("a.conf", n, 1) for n in range(10, 10 + MAX_PLACES + 2)) + (Source("b.conf", 7, 1),)
    finding = Finding(code="CORS402", message="msg", severity="warning", source=Source("a.conf", 3, 2),
                      related=(Source("b.conf", 4, 1),) + related[:2])
    out = render("text", LintResult(files=["a.conf"]), [finding])
    assert "    Also at: b.conf:4, line 10, line 11\n" in out
    many = Finding(code="CORS402", message="msg", severity="warning", source=Source("a.conf", 3, 2),
                   related=related)
    out = render("text", LintResult(files=["a.conf"]), [many])
    assert "line 19 and 3 more\n" in out
