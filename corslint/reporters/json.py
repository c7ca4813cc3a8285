"""The JSON format: one stable document per run (see docs/output-formats.md).

::

    {
      "version": 1,
      "tool": {"name": "corslint", "version": "0.1.0"},
      "files": ["nginx.conf"],
      "findings": [Finding.to_dict(), ...],
      "links": [{"proxy": {"file", "line", "column"}, "directive", "target", "app", "app_files",
                 "app_routes", "app_sends_cors", "evidence": [{"file", "line", "column", "says"}]}],
      "problems": [{"file": "bad.conf", "line": 3, "message": "...", "fatal": true}],
      "summary": {"findings": 1, "problems": 1,
                  "by_severity": {"info": 0, "warning": 0, "error": 1, "critical": 0},
                  "by_code": {"CORS201": 1}}
    }
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

from .. import __version__
from ..findings import SEVERITIES
from ..textsafe import json_text
from ._links import as_dict

if TYPE_CHECKING:  # pragma: no cover
    from ..findings import Finding
    from ..lint import LintResult

SCHEMA_VERSION = 1


def document(result: "LintResult", findings: "list[Finding]") -> dict:
    by_severity = {s: 0 for s in SEVERITIES}
    for f in findings:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    by_code = dict(sorted(Counter(f.code for f in findings).items()))
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "corslint", "version": __version__},
        "files": list(dict.fromkeys(result.files)),
        "findings": [f.to_dict() for f in findings],
        # proxies linked to the apps behind them, with the evidence (pipeline/link.py)
        "links": [as_dict(link) for link in (result.model.links if result.model is not None else [])],
        "problems": [{"file": p.file, "line": p.line, "message": p.message,
                      "fatal": bool(getattr(p, "fatal", True))} for p in result.problems],
        "summary": {
            "findings": len(findings),
            "problems": len(result.problems),
            "by_severity": by_severity,
            "by_code": by_code,
        },
    }


def report(result: "LintResult", findings: "list[Finding]", stream: TextIO, color: bool = False) -> None:
    stream.write(json_text(document(result, findings)) + "\n")
