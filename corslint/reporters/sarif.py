"""SARIF 2.1.0 for GitHub code scanning (``--format sarif``).

The log is built from sarif-om's classes and written by :func:`to_sarif`, not by
sarif-om's own ``to_json``: that one deletes every property equal to its schema
default, so an explicit ``"level": "warning"`` (and ``"kind": "fail"``) would
vanish and GitHub would have to guess. Here a property is left out only when it
is ``None`` or one of SARIF's ``-1`` "not given" markers (``ruleIndex``,
``Location.id``, ``rank``...).

What GitHub reads, and where it comes from:

* ``tool.driver``: name, version, informationUri and one ``rules[]`` entry per
  rule code, with the rule's documentation page (``corslint/rule_docs/CODE.md``)
  as ``help``, ``properties.tags``/``precision``, and ``security-severity`` (a
  string, 0.0-10.0) for the rules whose module declares ``CATEGORY = "security"``;
* ``results[]``: ruleId/ruleIndex, an explicit level, a message whose first
  sentence stands alone, the location relative to the directory corslint ran in
  (``%SRCROOT%``), and ``partialFingerprints.primaryLocationLineHash`` computed from
  the rule code and the reported line's own text (plus an occurrence counter), so
  it survives edits elsewhere in the file;
* ``invocations[0]``: ``executionSuccessful`` and one notification per input
  that could not be read or parsed.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Iterable, TextIO
from urllib.parse import quote

import attr
from sarif_om import (
    ArtifactContent,
    ArtifactLocation,
    Invocation,
    Location,
    Message,
    MultiformatMessageString,
    Notification,
    PhysicalLocation,
    PropertyBag,
    Region,
    ReportingConfiguration,
    ReportingDescriptor,
    Result,
    Run,
    RunAutomationDetails,
    SarifLog,
    Tool,
    ToolComponent,
)

from .. import __version__, checks
from ..textsafe import json_text

if TYPE_CHECKING:  # pragma: no cover
    from ..findings import Finding
    from ..lint import LintResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                    "sarif-schema-2.1.0.json")
SRCROOT = "%SRCROOT%"
AUTOMATION_ID = "corslint/"
# Used when the installed package's metadata names no project URL.
DEFAULT_PROJECT_URL = "https://github.com/corslint/corslint"

# corslint severity -> SARIF level, GitHub's problem.severity, security-severity.
LEVELS = {"critical": "error", "error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITY = {"critical": "error", "error": "error", "warning": "warning",
                    "info": "recommendation"}
# GitHub: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"critical": "9.1", "error": "7.5", "warning": "5.3", "info": "3.1"}

# How often a finding of the rule is a real problem (GitHub's `precision`).
# Value and token checks read the header literally; rules that infer what the
# API means to accept (methods, headers) or where a redirect lands are less sure.
PRECISION = {
    "CORS101": "very-high", "CORS102": "very-high", "CORS103": "high", "CORS104": "very-high",
    "CORS105": "very-high", "CORS106": "high", "CORS107": "high", "CORS108": "high",
    "CORS201": "very-high", "CORS202": "very-high", "CORS203": "very-high", "CORS204": "high",
    "CORS301": "high", "CORS302": "high", "CORS303": "high", "CORS304": "high",
    "CORS305": "medium", "CORS306": "medium", "CORS307": "very-high", "CORS308": "very-high",
    "CORS309": "very-high", "CORS401": "high", "CORS402": "high", "CORS403": "medium",
    "CORS404": "very-high",
}
# Weakness classes for the security rules (GitHub shows external/cwe tags).
CWE_TAGS = {
    "CORS104": ("external/cwe/cwe-942", "external/cwe/cwe-346"),
    "CORS105": ("external/cwe/cwe-942", "external/cwe/cwe-346"),
    "CORS106": ("external/cwe/cwe-942", "external/cwe/cwe-346"),
    "CORS107": ("external/cwe/cwe-942", "external/cwe/cwe-319"),
}


# ---------------------------------------------------------------- serialisation


def to_sarif(obj: Any) -> Any:
    """A sarif-om object tree as plain JSON data.

    Every attribute that is set is written under its SARIF name, defaults
    included; only ``None`` and the ``-1`` "absent" markers are left out.
    A :class:`PropertyBag` also carries the extra keys set on it
    (``precision``, ``security-severity``...).
    """
    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        names = set()
        for field in attr.fields(type(obj)):
            names.add(field.name)
            value = getattr(obj, field.name)
            if value is None or _absent_marker(field, value):
                continue
            out[field.metadata.get("schema_property_name", field.name)] = to_sarif(value)
        if isinstance(obj, PropertyBag):
            for key, value in vars(obj).items():
                if key not in names and value is not None:
                    out[key] = to_sarif(value)
        return out
    if isinstance(obj, dict):
        return {str(k): to_sarif(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, (list, tuple)):
        return [to_sarif(v) for v in obj]
    return obj


def _absent_marker(field: attr.Attribute, value: Any) -> bool:
    default = field.default
    return (isinstance(default, (int, float)) and not isinstance(default, bool)
            and default == -1 and value == -1)


def property_bag(tags: Iterable[str] | None = None, **extra: Any) -> PropertyBag:
    bag = PropertyBag(tags=list(tags) if tags is not None else None)
    for key, value in extra.items():
        setattr(bag, key, value)
    return bag


# ---------------------------------------------------------------- rule metadata


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    category: str
    summary: str
    description: str
    doc: str


def _section(doc: str, title: str) -> str:
    match = re.search(rf"^##\s+{re.escape(title)}\s*\n(.*?)(?=^##\s|\Z)", doc, re.M | re.S)
    return " ".join(match.group(1).split()) if match else ""


@functools.lru_cache(maxsize=None)
def rule_info(code: str) -> RuleInfo:
    """A rule's metadata from its module (name, severity, category, summary),
    with its documentation page as help and the page's "What it does" as the
    full description."""
    rule = checks.load(code)
    doc = checks.doc_page(code)
    summary = " ".join(rule.SUMMARY.split())
    return RuleInfo(code, rule.NAME, rule.SEVERITY, rule.CATEGORY, summary,
                    _section(doc, "What it does") or summary, doc)


@functools.lru_cache(maxsize=1)
def project_url() -> str:
    """The project's URL from the installed metadata (Repository/Source/Homepage),
    else :data:`DEFAULT_PROJECT_URL`."""
    try:
        meta = importlib.metadata.metadata("corslint")
    except importlib.metadata.PackageNotFoundError:
        return DEFAULT_PROJECT_URL
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("repository", "source", "source code", "homepage", "home"):
        if urls.get(label, "").startswith("https://"):
            return urls[label].rstrip("/")
    home = meta.get("Home-page") or ""
    return home.rstrip("/") if home.startswith("https://") else DEFAULT_PROJECT_URL


def help_uri(code: str) -> str:
    return f"{project_url()}/blob/main/corslint/rule_docs/{code}.md"


def reporting_descriptor(code: str) -> ReportingDescriptor:
    info = rule_info(code)
    tags = ["cors"]
    extra: dict[str, Any] = {"precision": PRECISION.get(code, "high"),
                             "problem.severity": PROBLEM_SEVERITY[info.severity]}
    if info.category == "security":
        tags += ["security", *CWE_TAGS.get(code, ())]
        extra["security-severity"] = SECURITY_SEVERITY[info.severity]
    elif info.category:
        tags.append(info.category)
    return ReportingDescriptor(
        id=code,
        name=info.name,
        short_description=MultiformatMessageString(text=_sentence(info.summary)),
        full_description=MultiformatMessageString(text=info.description),
        help=MultiformatMessageString(text=info.doc, markdown=info.doc),
        help_uri=help_uri(code),
        default_configuration=ReportingConfiguration(level=LEVELS[info.severity]),
        properties=property_bag(tags, **extra),
    )


# ---------------------------------------------------------------- locations


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if text and text[-1] not in ".!?":
        text += "."
    return text


def artifact_location(path: str, root: Path) -> ArtifactLocation:
    """``path`` relative to ``root`` under ``%SRCROOT%``, or an absolute
    ``file:`` URI when it lies outside ``root``."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(root)
    except ValueError:
        return ArtifactLocation(uri=absolute.as_uri())
    # quoted from the bytes: a file name that is not UTF-8 keeps its bytes
    return ArtifactLocation(uri=quote(os.fsencode(PurePosixPath(*rel.parts).as_posix()), safe="/"),
                            uri_base_id=SRCROOT)


class _Lines:
    """The text of linted files, line by line (from the lint run, else the disk)."""

    def __init__(self, texts: dict[str, str]):
        self._texts = texts
        self._cache: dict[str, list[str] | None] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self._cache:
            text = self._texts.get(path)
            if text is None:
                try:
                    text = Path(path).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    text = None
            self._cache[path] = text.splitlines() if text is not None else None
        lines = self._cache[path]
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]


def region(line: int, column: int, text: str | None) -> Region:
    """The reported line from the reported column to its end."""
    line = max(int(line or 1), 1)
    column = max(int(column or 1), 1)
    if text is None:
        return Region(start_line=line, start_column=column, end_line=line, end_column=column)
    end = len(text.rstrip()) + 1
    return Region(start_line=line, start_column=column, end_line=line,
                  end_column=max(end, column), snippet=ArtifactContent(text=text.rstrip()))


def line_hash(code: str, line_text: str | None, fallback: str) -> str:
    """Hash of the rule code and the reported line's text with whitespace
    normalised: not the line number, so edits elsewhere do not move it."""
    basis = " ".join(line_text.split()) if line_text is not None else re.sub(r"\d+", "#", fallback)
    return hashlib.sha256(f"{code}\0{basis}".encode("utf-8")).hexdigest()[:16]


def message_text(finding: "Finding") -> str:
    """The finding's own sentence first (it stands alone), then fix and browser texts."""
    parts = [_sentence(finding.message)]
    if finding.fix:
        parts.append(f"Fix: {finding.fix.strip()}")
    if finding.chrome:
        parts.append(f"Chrome: {finding.chrome}")
    if finding.firefox:
        parts.append(f"Firefox: {finding.firefox}")
    return "\n".join(parts)


# ---------------------------------------------------------------- the log


def build_log(result: "LintResult", findings: "list[Finding]", root: str | os.PathLike | None = None,
              codes: Iterable[str] | None = None) -> SarifLog:
    root_path = Path(os.path.abspath(root if root is not None else os.getcwd()))
    rule_codes = list(codes) if codes is not None else list(checks.REGISTRY)
    for finding in findings:
        if finding.code not in rule_codes:
            rule_codes.append(finding.code)
    index = {code: i for i, code in enumerate(rule_codes)}
    lines = _Lines(dict(result.texts))

    results: list[Result] = []
    seen: dict[tuple[str, str], int] = {}
    for finding in findings:
        loc = artifact_location(finding.file, root_path)
        text = lines.get(finding.file, finding.line)
        digest = line_hash(finding.code, text, finding.message)
        key = (loc.uri, digest)
        seen[key] = seen.get(key, 0) + 1
        related = []
        for i, source in enumerate(finding.related, start=1):
            related.append(Location(
                id=i, message=Message(text="Also involved."),
                physical_location=PhysicalLocation(
                    artifact_location=artifact_location(source.file, root_path),
                    region=region(source.line, source.column, lines.get(source.file, source.line)))))
        for j, source in enumerate(reversed(finding.source.via), start=len(related) + 1):
            related.append(Location(
                id=j, message=Message(text="Included from here."),
                physical_location=PhysicalLocation(
                    artifact_location=artifact_location(source.file, root_path),
                    region=region(source.line, source.column, lines.get(source.file, source.line)))))
        extra: dict[str, Any] = {"severity": finding.severity}
        if finding.route:
            extra["route"] = finding.route
        results.append(Result(
            rule_id=finding.code,
            rule_index=index[finding.code],
            kind="fail",
            level=LEVELS.get(finding.severity, "warning"),
            message=Message(text=message_text(finding)),
            locations=[Location(physical_location=PhysicalLocation(
                artifact_location=loc, region=region(finding.line, finding.column, text)))],
            related_locations=related or None,
            partial_fingerprints={"primaryLocationLineHash": f"{digest}:{seen[key]}"},
            properties=property_bag(None, **extra),
        ))

    notifications = []
    for problem in result.problems:
        fatal = bool(getattr(problem, "fatal", True))
        physical = PhysicalLocation(artifact_location=artifact_location(problem.file, root_path))
        if problem.line:
            physical.region = Region(start_line=int(problem.line))
        notifications.append(Notification(
            message=Message(text=_sentence(f"{problem.file}: {problem.message}")),
            level="error" if fatal else "warning",
            locations=[Location(physical_location=physical)],
        ))
    invocation = Invocation(
        execution_successful=not any(getattr(p, "fatal", True) for p in result.problems),
        tool_execution_notifications=notifications or None,
    )
    driver = ToolComponent(
        name="corslint",
        version=__version__,
        semantic_version=__version__,
        information_uri=project_url(),
        rules=[reporting_descriptor(code) for code in rule_codes],
        contents=None,
        language=None,
    )
    run = Run(
        tool=Tool(driver=driver),
        automation_details=RunAutomationDetails(id=AUTOMATION_ID),
        original_uri_base_ids={SRCROOT: ArtifactLocation(uri=root_path.as_uri().rstrip("/") + "/")},
        column_kind="unicodeCodePoints",
        invocations=[invocation],
        results=results,
        language=None,
        newline_sequences=None,
        properties=_links_bag(result, root_path),
    )
    return SarifLog(version=SARIF_VERSION, schema_uri=SARIF_SCHEMA_URI, runs=[run])


def _links_bag(result: "LintResult", root: Path) -> PropertyBag | None:
    """The run's proxy-to-app links (pipeline/link.py), each place an
    artifact location as results have them: a run property, None without."""
    links = result.model.links if result.model is not None else []
    if not links:
        return None
    from ._links import as_dict

    def place(source) -> dict:
        return {"artifactLocation": to_sarif(artifact_location(source.file, root)),
                "region": {"startLine": source.line, "startColumn": source.column}}

    return property_bag(None, links=[as_dict(link, place) for link in links])


def document(result: "LintResult", findings: "list[Finding]", root: str | os.PathLike | None = None) -> dict:
    """The SARIF log as JSON data, ``$schema`` and ``version`` first."""
    data = to_sarif(build_log(result, findings, root))
    return {"$schema": data.pop("$schema"), "version": data.pop("version"), **data}


def report(result: "LintResult", findings: "list[Finding]", stream: TextIO, color: bool = False) -> None:
    stream.write(json_text(document(result, findings)) + "\n")


__all__ = ["report", "document", "build_log", "to_sarif", "rule_info", "line_hash", "RuleInfo"]
