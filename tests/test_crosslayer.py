"""Cross-layer linting (issue #21, first slice): a proxy linked to the app
behind it in the same tree, and the answer the browser gets from both.

The samples under samples/cross-layer/ are tiny repositories; each marks the
finding it must give (`# expect: CODE`) and gives nothing else. The real
servers' answers are compared with the composed model in
tests/test_crosslayer_truth.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from corslint import cli
from corslint.config import ConfigError, parse_settings
from corslint.lint import lint
from corslint.pipeline import link as link_step
from corslint.scenarios import answer
from ruletools import expected
from test_sarif import assert_github_requirements, schema_errors

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "cross-layer"
CROSS_LAYER = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
CODES = ("CORS103", "CORS202")


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _proxy_route(result):
    return next(r for r in result.model.routes if any(b.outcome.target for b in r.branches)
                or any(b.outcome.upstream_known for b in r.branches))


# ---------------------------------------------------------------- the samples


def test_there_are_cross_layer_samples():
    assert {p.name for p in CROSS_LAYER} >= {"compose-both-add-acao", "port-proxy-hides-app-header",
                                              "proxy-adds-app-sends-none"}


@pytest.mark.parametrize("sample", CROSS_LAYER, ids=lambda p: p.name)
def test_sample_gives_exactly_its_marked_findings(sample):
    result = lint([str(sample)])
    assert not [p for p in result.problems if p.fatal]
    want = {(os.path.abspath(f), line, code) for code in CODES for f, line in expected(sample, code)}
    got = {(os.path.abspath(f.file), f.line, f.code) for f in result.findings}
    assert got == want, [f"{f.code} {f.file}:{f.line} {f.message}" for f in result.findings]
    assert len(result.model.links) == 1, result.model.links


def test_compose_both_add_acao_is_a_certain_duplicate_at_both_lines():
    sample = SAMPLES / "compose-both-add-acao"
    (finding,) = lint([str(sample)]).findings
    assert finding.code == "CORS103" and finding.severity == "error"
    assert finding.file == str(sample / "deploy" / "nginx.conf") and finding.line == 7
    assert [(s.file, s.line) for s in finding.related] == [(str(sample / "api" / "server.js"), 6)]
    assert finding.message == (
        "Access-Control-Allow-Origin 'https://app.example.com' is added to the answers of the app behind "
        "this proxy, which already carry Access-Control-Allow-Origin 'https://app.example.com' "
        f"({sample / 'api' / 'server.js'}:6:24): browsers refuse a response with two.")
    assert "contains multiple values 'https://app.example.com, https://app.example.com'" in finding.chrome
    assert "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed" in finding.firefox


def test_compose_link_names_the_service_and_its_build_context():
    sample = SAMPLES / "compose-both-add-acao"
    (lk,) = lint([str(sample)]).model.links
    assert (lk.proxy.file, lk.proxy.line) == (str(sample / "deploy" / "nginx.conf"), 8)
    assert lk.target == "http://api:3000" and lk.directive == "proxy_pass http://api:3000"
    assert lk.app_files == (str(sample / "api" / "server.js"),)
    assert [(s.file, s.line, words) for s, words in lk.evidence] == [
        (str(sample / "docker-compose.yml"), 8, "service api, build ./api")]


def test_port_link_names_the_line_the_app_listens_on():
    sample = SAMPLES / "port-proxy-hides-app-header"
    (lk,) = lint([str(sample)]).model.links
    app = str(sample / "app" / "app.py")
    assert lk.app_files == (app,)
    assert [(s.file, s.line, words) for s, words in lk.evidence] == [
        (app, 23, 'app.run(host="127.0.0.1", port=5000)')]


def test_hidden_app_header_is_not_composed_and_the_app_keeps_the_rest():
    result = lint([str(SAMPLES / "port-proxy-hides-app-header")])
    route = _proxy_route(result)
    ans = answer(route, "GET", "https://app.example.com")
    acao = [(h.source.file, v) for h, v in ans.sent if h.lname == "access-control-allow-origin"]
    assert acao == [(route.source.file, "https://app.example.com")]
    # the app's Vary (its after_request hook) still reaches the browser
    assert any(h.lname == "vary" and h.source.file.endswith("app.py") for h, _ in ans.sent)


def test_app_that_sends_no_cors_header_removes_the_conditional_finding():
    sample = SAMPLES / "proxy-adds-app-sends-none"
    result = lint([str(sample)])
    assert result.findings == []
    (lk,) = result.model.links
    assert lk.app_sends_none and lk.app == str(sample / "backend") and lk.app_files == ()
    assert [(os.path.basename(s.file), s.line, w) for s, w in lk.evidence] == [
        ("compose.yaml", 6, "service backend, build ./backend")]


def test_without_the_app_in_the_tree_the_condition_stays():
    # the proxy's config alone: which app answers is not known
    conf = SAMPLES / "compose-both-add-acao" / "deploy" / "nginx.conf"
    result = lint([str(conf)])
    (finding,) = result.findings
    assert (finding.code, finding.severity, finding.line) == ("CORS103", "info", 7)
    assert "whether it does is not in this config" in finding.message
    assert finding.chrome is None and result.model.links == []


def test_preflight_the_proxy_answers_never_reaches_the_app(tmp_path):
    _write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "nginx/site.conf": (
            "server {\n    listen 80;\n    location / {\n"
            "        if ($request_method = OPTIONS) {\n"
            "            add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "            add_header Access-Control-Allow-Methods \"GET, PUT\" always;\n"
            "            add_header Access-Control-Allow-Headers \"Content-Type\" always;\n"
            "            return 204;\n        }\n"
            "        proxy_pass http://api:3000;\n    }\n}\n"),
        "api/server.js": (
            "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
            "app.use(cors({ origin: 'https://app.example.com' }));\napp.listen(3000);\n"),
    })
    result = lint([str(tmp_path)])
    route = _proxy_route(result)
    pre = answer(route, "OPTIONS", "https://app.example.com", preflight=True)
    assert pre.response.status == 204
    assert {os.path.basename(h.source.file) for h, _ in pre.sent} == {"site.conf"}
    actual = answer(route, "GET", "https://app.example.com")
    assert [os.path.basename(h.source.file) for h, _ in actual.sent
            if h.lname == "access-control-allow-origin"] == ["server.js"]
    assert result.findings == []


def test_credentials_sent_by_both_layers_are_true_true(tmp_path):
    _write(tmp_path, {
        "compose.yaml": "services:\n  api:\n    build:\n      context: ./api\n",
        "deploy/nginx.conf": (
            "server {\n    listen 80;\n    location /api/ {\n"
            "        proxy_hide_header Access-Control-Allow-Origin;\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "        add_header Access-Control-Allow-Credentials true always;\n"
            "        proxy_pass http://api:3000;\n    }\n}\n"),
        "api/server.js": (
            "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
            "app.use(cors({ origin: 'https://app.example.com', credentials: true }));\napp.listen(3000);\n"),
    })
    findings = [f for f in lint([str(tmp_path)]).findings if f.code == "CORS202"]
    assert findings, "no CORS202"
    f = findings[0]
    assert f.severity == "error" and f.file.endswith("nginx.conf") and f.line == 6
    assert [(os.path.basename(s.file), s.line) for s in f.related] == [("server.js", 4)]
    assert "which browsers read as 'true, true'" in f.message
    assert "is 'true, true'" in f.chrome


def test_upstream_block_servers_are_followed_and_cited(tmp_path):
    _write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "nginx.conf": (
            "upstream backend {\n    server api:3000;\n}\n"
            "server {\n    listen 80;\n    location / {\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "        proxy_pass http://backend;\n    }\n}\n"),
        "api/index.js": (
            "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
            "app.use(cors({ origin: 'https://app.example.com' }));\napp.listen(3000);\n"),
    })
    result = lint([str(tmp_path)])
    (lk,) = result.model.links
    assert [(os.path.basename(s.file), s.line, w) for s, w in lk.evidence] == [
        ("nginx.conf", 2, "upstream server api:3000"), ("docker-compose.yml", 2, "service api, build ./api")]
    assert [(f.code, f.severity, f.line) for f in result.findings] == [("CORS103", "error", 7)]


def test_dockerfile_expose_links_a_plain_port(tmp_path):
    _write(tmp_path, {
        "proxy/nginx.conf": (
            "server {\n    listen 80;\n    location / {\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "        proxy_pass http://localhost:8000;\n    }\n}\n"),
        "svc/Dockerfile": "FROM python:3.12\nEXPOSE 8000\nCMD [\"python\", \"main.py\"]\n",
        "svc/main.py": (
            "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
            "CORS(app, origins=['https://app.example.com'])\n"),
    })
    result = lint([str(tmp_path)])
    (lk,) = result.model.links
    assert lk.app == str(tmp_path / "svc")
    assert [(os.path.basename(s.file), s.line, w) for s, w in lk.evidence] == [("Dockerfile", 2, "EXPOSE 8000")]
    assert [(f.code, f.severity, os.path.basename(f.file), f.line) for f in result.findings
            if f.code == "CORS103"] == [("CORS103", "error", "nginx.conf", 4)]


def test_two_apps_on_one_port_link_neither(tmp_path):
    _write(tmp_path, {
        "nginx.conf": (
            "server {\n    listen 80;\n    location / {\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "        proxy_pass http://127.0.0.1:3000;\n    }\n}\n"),
        "a/server.js": "const app = require('express')();\napp.listen(3000);\n",
        "b/server.js": "const app = require('express')();\napp.listen(3000);\n",
    })
    result = lint([str(tmp_path)])
    assert result.model.links == []
    assert [(f.code, f.severity) for f in result.findings] == [("CORS103", "info")]


def test_app_whose_cors_is_not_read_keeps_the_condition(tmp_path):
    # the app sets the header by hand in a way no frontend reads: not "sends none"
    _write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "nginx.conf": (
            "server {\n    listen 80;\n    location / {\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "        proxy_pass http://api:3000;\n    }\n}\n"),
        "api/server.js": ("const http = require('http');\nhttp.createServer((req, res) => {\n"
                          "  res.writeHead(200, {'Access-Control-Allow-Origin': '*'});\n  res.end();\n"
                          "}).listen(3000);\n"),
    })
    result = lint([str(tmp_path)])
    assert result.model.links == []
    assert [(f.code, f.severity) for f in result.findings] == [("CORS103", "info")]


def test_explicit_upstreams_map_links_what_the_tree_cannot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {
        "pyproject.toml": '[tool.corslint]\nupstreams = { "http://api.internal:8080" = "services/api" }\n',
        "deploy/nginx.conf": (
            "server {\n    listen 80;\n    location / {\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "        proxy_pass http://api.internal:8080/;\n    }\n}\n"),
        "services/api/app.js": (
            "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
            "app.use(cors());\n"),
    })
    from corslint.config import load_config

    cfg = load_config(tmp_path / "pyproject.toml")
    entries = cfg.upstream_entries()
    assert [(e.target, e.app, e.source.line) for e in entries] == [
        ("http://api.internal:8080", str(tmp_path / "services" / "api"), 2)]
    result = lint([str(tmp_path)], upstreams=entries)
    (lk,) = result.model.links
    assert [(os.path.basename(s.file), s.line, w) for s, w in lk.evidence] == [
        ("pyproject.toml", 2, 'upstreams "http://api.internal:8080" = "services/api"')]
    (f,) = [f for f in result.findings if f.code == "CORS103"]
    assert (f.severity, f.line) == ("error", 4) and f.related[0].file.endswith("app.js")
    # the command line reads the map from the config it finds
    assert ("link: deploy/nginx.conf:5 proxy_pass http://api.internal:8080/ -> services/api/app.js "
            '(pyproject.toml:2 upstreams "http://api.internal:8080" = "services/api")') in _cli(".")
    # without the map, nothing in the tree says which app answers
    assert [(f.code, f.severity) for f in lint([str(tmp_path)]).findings if f.code == "CORS103"] == [
        ("CORS103", "info")]


def test_upstreams_setting_is_validated():
    with pytest.raises(ConfigError, match="upstreams must be a table"):
        parse_settings({"upstreams": ["http://api:3000"]})
    assert parse_settings({"upstreams": {"http://api:3000": "api"}}).upstreams == {"http://api:3000": "api"}


def test_apache_header_set_replaces_the_apps_copy_and_always_set_adds_one(tmp_path):
    # mod_headers: `Header set` edits r->headers_out, where mod_proxy put the
    # backend's headers (replaced); `Header always set` edits err_headers_out,
    # sent besides them (two copies). httpd 2.4 modules/metadata/mod_headers.c.
    app = ("const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
           "app.use(cors({ origin: 'https://app.example.com' }));\napp.listen(3000);\n")
    for how, want in (("set", []), ("always set", [("CORS103", "error", 3)])):
        root = tmp_path / how.replace(" ", "-")
        _write(root, {
            "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
            "apache/site.conf": (
                "<VirtualHost *:80>\n    ServerName app.example.com\n"
                f"    Header {how} Access-Control-Allow-Origin \"https://app.example.com\"\n"
                "    ProxyPass \"/\" \"http://api:3000/\"\n</VirtualHost>\n"),
            "api/server.js": app,
        })
        result = lint([str(root)])
        assert len(result.model.links) == 1, how
        assert [(f.code, f.severity, f.line) for f in result.findings if f.code == "CORS103"] == want, how


def test_no_walk_and_no_compose_read_without_a_proxy_target(tmp_path, monkeypatch):
    _write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "nginx.conf": ("server {\n    listen 80;\n    location / {\n"
                       "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
                       "        root /srv;\n    }\n}\n"),
    })
    walked = []
    monkeypatch.setattr(link_step._Tree, "walk", lambda self: walked.append(self))
    monkeypatch.setattr(link_step, "_read_compose", lambda path, within: walked.append(path) or [])
    lint([str(tmp_path)])
    assert walked == []


def test_compose_file_that_is_not_yaml_links_nothing(tmp_path):
    _write(tmp_path, {
        "docker-compose.yml": "services: [unclosed\n  api: {build: !!python/object:os.system ./api\n",
        "nginx.conf": ("server {\n    listen 80;\n    location / {\n"
                       "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
                       "        proxy_pass http://api:3000;\n    }\n}\n"),
    })
    result = lint([str(tmp_path)])
    assert result.model.links == [] and not result.problems
    assert [(f.code, f.severity) for f in result.findings] == [("CORS103", "info")]


# ---------------------------------------------------------------- shown to the user


def _cli(*args) -> str:
    return CliRunner().invoke(cli.main, list(args)).output


def test_text_output_prints_each_link_with_its_evidence(monkeypatch):
    monkeypatch.chdir(SAMPLES / "compose-both-add-acao")
    out = _cli(".")
    assert ("link: deploy/nginx.conf:8 proxy_pass http://api:3000 -> api/server.js "
            "(docker-compose.yml:8 service api, build ./api)\n") in out


def test_json_and_sarif_carry_the_links(monkeypatch):
    monkeypatch.chdir(SAMPLES / "proxy-adds-app-sends-none")
    (lk,) = json.loads(_cli("--format", "json", "."))["links"]
    assert lk["proxy"] == {"file": "deploy/nginx.conf", "line": 14, "column": 9}
    assert lk["app"] == "backend" and lk["app_sends_cors"] is False
    assert lk["evidence"] == [{"file": "compose.yaml", "line": 6, "column": 3,
                               "says": "service backend, build ./backend"}]
    log = json.loads(_cli("--format", "sarif", "."))
    assert schema_errors(log) == []
    assert_github_requirements(log, SAMPLES / "proxy-adds-app-sends-none")
    run = log["runs"][0]
    (slk,) = run["properties"]["links"]
    assert slk["proxy"]["artifactLocation"] == {"uri": "deploy/nginx.conf", "uriBaseId": "%SRCROOT%"}
    assert slk["proxy"]["region"]["startLine"] == 14
    assert slk["evidence"][0]["artifactLocation"]["uri"] == "compose.yaml"


def test_in_a_tree_of_repositories_the_proxys_own_compose_file_links(tmp_path):
    app = ("const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
           "app.use(cors({ origin: 'https://app.example.com' }));\napp.listen(3000);\n")
    conf = ("server {\n    listen 80;\n    location / {\n"
            "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
            "        proxy_pass http://api:3000;\n    }\n}\n")
    _write(tmp_path, {
        "one/docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "one/nginx.conf": conf,
        "one/api/server.js": app,
        "two/docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "two/nginx.conf": conf,
        "two/api/server.js": "const app = require('express')();\napp.listen(3000);\n",
    })
    result = lint([str(tmp_path)])
    assert sorted((os.path.relpath(lk.proxy.file, tmp_path), os.path.relpath(lk.app, tmp_path))
                  for lk in result.model.links) == [("one/nginx.conf", "one/api"), ("two/nginx.conf", "two/api")]
    assert [(os.path.relpath(f.file, tmp_path), f.severity) for f in result.findings] == [
        ("one/nginx.conf", "error")]


MULTIPLE = ("Access to fetch at 'http://app.example.com/api/items' from origin 'https://app.example.com' has been "
            "blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains multiple values "
            "'https://app.example.com, https://app.example.com', but only one is allowed. Have the server send "
            "the header with a valid value.")


def test_explain_with_config_points_at_the_proxy_line_and_the_app_line(monkeypatch):
    monkeypatch.chdir(SAMPLES / "compose-both-add-acao")
    out = _cli("explain", MULTIPLE, "--config", ".")
    assert ("  link: deploy/nginx.conf:8 proxy_pass http://api:3000 -> api/server.js "
            "(docker-compose.yml:8 service api, build ./api)\n") in out
    assert ("  deploy/nginx.conf:7:9: CORS103 Access-Control-Allow-Origin 'https://app.example.com' is added "
            "to the answers of the app behind this proxy") in out
    assert "      also: api/server.js:6:24\n" in out
    data = json.loads(_cli("explain", MULTIPLE, "--config", ".", "--format", "json"))
    (finding,) = data["config"]["findings"]
    assert (finding["file"], finding["line"], finding["severity"]) == ("deploy/nginx.conf", 7, "error")
    assert finding["related"] == [{"file": "api/server.js", "line": 6, "column": 24}]
    assert data["config"]["links"][0]["app_files"] == ["api/server.js"]


def test_compose_command_port_links_a_loopback_target(tmp_path):
    # a host nginx in front of a container whose command binds the port
    _write(tmp_path, {
        "docker-compose.yml": ("services:\n  web:\n    build: ./web\n"
                               "    command: gunicorn --bind 0.0.0.0:8000 app:app\n"),
        "nginx.conf": ("server {\n    listen 80;\n    location / {\n"
                       "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
                       "        proxy_pass http://127.0.0.1:8000;\n    }\n}\n"),
        "web/app.py": ("from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
                       "CORS(app, origins=['https://app.example.com'])\n"),
    })
    result = lint([str(tmp_path)])
    (lk,) = result.model.links
    assert lk.app == str(tmp_path / "web")
    assert [(os.path.basename(s.file), s.line, w) for s, w in lk.evidence] == [
        ("docker-compose.yml", 4, "service web listens on 8000, build ./web")]
    assert [(f.code, f.severity, f.line) for f in result.findings if f.code == "CORS103"] == [
        ("CORS103", "error", 4)]


def test_static_files_under_the_build_context_are_not_the_app(tmp_path):
    # build context "." holds the proxy's own config and a static location
    _write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: .\n",
        "nginx.conf": ("server {\n    listen 80;\n"
                       "    location /static/ {\n        add_header Access-Control-Allow-Origin * always;\n"
                       "        root /srv;\n    }\n"
                       "    location /api/ {\n"
                       "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
                       "        proxy_pass http://api:3000;\n    }\n}\n"),
        "server.js": "const app = require('express')();\napp.listen(3000);\n",
    })
    result = lint([str(tmp_path)])
    (lk,) = result.model.links
    assert lk.app_sends_none and lk.app_routes == ()
    assert result.findings == []


def test_app_routes_elsewhere_than_the_proxied_path_keep_the_condition(tmp_path):
    _write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "nginx.conf": ("server {\n    listen 80;\n    location /api/ {\n"
                       "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
                       "        proxy_pass http://api:3000;\n    }\n}\n"),
        "api/app.py": ("from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
                       "CORS(app, resources={r'/public/*': {'origins': '*'}})\n"),
    })
    result = lint([str(tmp_path)])
    routes = [r.path for r in result.model.routes if r.source.file.endswith("app.py")]
    assert routes and all(not p.startswith("/api") and not "/api/".startswith(p) for p in routes), routes
    assert result.model.links == []
    assert [(f.code, f.severity) for f in result.findings if f.code == "CORS103"] == [("CORS103", "info")]


def test_dockerfile_beside_the_listening_source_is_one_app(tmp_path):
    _write(tmp_path, {
        "nginx.conf": ("server {\n    listen 80;\n    location / {\n"
                       "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
                       "        proxy_pass http://127.0.0.1:5000;\n    }\n}\n"),
        "app/Dockerfile": "FROM python:3.12\nEXPOSE 5000\n",
        "app/app.py": ("from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
                       "CORS(app, origins=['https://app.example.com'])\napp.run(port=5000)\n"),
    })
    (lk,) = lint([str(tmp_path)]).model.links
    assert lk.app == str(tmp_path / "app")   # the project the Dockerfile and the source share
    assert sorted((os.path.basename(s.file), s.line) for s, _ in lk.evidence) == [("Dockerfile", 2), ("app.py", 5)]


def test_a_build_context_outside_the_linted_tree_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    _write(outside, {"server.js": "const app = require('express')();\napp.listen(3000);\n"})
    _write(tmp_path / "repo", {
        "docker-compose.yml": "services:\n  api:\n    build: ../outside\n",
        "nginx.conf": ("server {\n    listen 80;\n    location / {\n"
                       "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
                       "        proxy_pass http://api:3000;\n    }\n}\n"),
    })
    (service,) = link_step._read_compose(str(tmp_path / "repo" / "docker-compose.yml"),
                                         (os.path.realpath(tmp_path / "repo"),))
    assert (service.name, service.build_written, service.build) == ("api", "../outside", "")
    result = lint([str(tmp_path / "repo")])
    assert result.model.links == []
    assert [(f.code, f.severity) for f in result.findings] == [("CORS103", "info")]


@pytest.mark.parametrize("name, source, line, words", [
    ("main.py", ("from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
                 "import uvicorn\napp = FastAPI()\n"
                 "app.add_middleware(CORSMiddleware, allow_origins=['https://app.example.com'])\n"
                 "if __name__ == '__main__':\n    uvicorn.run(app, host='127.0.0.1', port=8000)\n"),
     7, "uvicorn.run(app, host='127.0.0.1', port=8000)"),
    ("server.js", ("const express = require('express');\nconst cors = require('cors');\n"
                   "const app = express();\napp.use(cors({ origin: 'https://app.example.com' }));\n"
                   "app.listen(process.env.PORT || 8000);\n"),
     5, "app.listen(process.env.PORT || 8000);"),
])
def test_loopback_port_links_the_source_that_listens_on_it(tmp_path, name, source, line, words):
    _write(tmp_path, {
        "nginx.conf": ("server {\n    listen 80;\n    location / {\n"
                       "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
                       "        proxy_pass http://localhost:8000;\n    }\n}\n"),
        f"svc/{name}": source,
    })
    result = lint([str(tmp_path)])
    (lk,) = result.model.links
    assert [(os.path.basename(s.file), s.line, w) for s, w in lk.evidence] == [(name, line, words)]
    assert [(f.code, f.severity, f.line) for f in result.findings if f.code == "CORS103"] == [
        ("CORS103", "error", 4)]


def test_apache_rewrite_proxy_flag_is_linked_too(tmp_path):
    _write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "apache/site.conf": (
            "<VirtualHost *:80>\n    ServerName app.example.com\n    RewriteEngine On\n"
            "    Header always set Access-Control-Allow-Origin \"https://app.example.com\"\n"
            "    RewriteRule \"^/api/(.*)$\" \"http://api:3000/api/$1\" [P]\n</VirtualHost>\n"),
        "api/server.js": ("const express = require('express');\nconst cors = require('cors');\n"
                          "const app = express();\napp.use(cors({ origin: 'https://app.example.com' }));\n"
                          "app.listen(3000);\n"),
    })
    result = lint([str(tmp_path)])
    (lk,) = result.model.links
    assert lk.target == "http://api:3000/api/$1" and (lk.proxy.line, os.path.basename(lk.proxy.file)) == (
        5, "site.conf")
    assert [(f.code, f.severity, f.line) for f in result.findings if f.code == "CORS103"] == [
        ("CORS103", "error", 4)]


# ---------------------------------------------------------------- hostile trees (review 9, items 3-8)

NGINX_API = ("server {\n    listen 80;\n    location / {\n"
             "        add_header Access-Control-Allow-Origin https://app.example.com always;\n"
             "        proxy_pass http://api:3000;\n    }\n}\n")
NGINX_PORT = NGINX_API.replace("http://api:3000", "http://127.0.0.1:3000")
EXPRESS_CORS = ("const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
                "app.use(cors({ origin: 'https://app.example.com' }));\napp.listen(3000);\n")


def _opened(monkeypatch) -> list[str]:
    """Every path the run opens (builtins.open and os.open)."""
    import builtins

    seen: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):
        seen.append(os.path.realpath(file) if isinstance(file, (str, bytes, os.PathLike)) else str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path, *args, **kwargs):
        seen.append(os.path.realpath(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    return seen


@pytest.mark.parametrize("compose", [
    "services:\n  - api\n",
    "- services\n- api\n",
    "~\n",
    "42\n",
    "services: null\n",
    "services: 5\n",
    "services:\n  1: {build: ./api}\n  ~: {build: ./api}\n  [a]: {build: ./api}\n  api: [1, 2]\n",
    "services:\n  api:\n    build: [1]\n    command: {a: 1}\n    ports: 5\n    expose: [{a: 1}, [1], null]\n",
    "services:\n  api:\n    build: {context: [x]}\n    ports: [{published: {a: 1}}, null]\n"
    "    command: [1, null, {a: b}]\n",
    "? [a, b]\n: c\n",
    "services:\n  &a api: *a\n",
    "[" * 5000 + "\n",
])
def test_a_compose_file_of_any_shape_never_crashes_the_run(tmp_path, compose):
    _write(tmp_path, {"docker-compose.yml": compose, "nginx.conf": NGINX_API, "api/server.js": EXPRESS_CORS})
    result = lint([str(tmp_path)])
    assert not [p for p in result.problems if p.fatal]
    assert result.model.links == []
    assert [(f.code, f.severity, f.line) for f in result.findings] == [("CORS103", "info", 4)]
    # the command line: no internal error
    out = CliRunner().invoke(cli.main, [str(tmp_path)])
    assert out.exit_code == 0 and "internal error" not in out.output and "Traceback" not in out.output


def test_only_the_mappings_of_a_compose_file_are_read(tmp_path):
    _write(tmp_path, {
        "docker-compose.yml": ("services:\n  junk: [1, 2]\n  7: {build: ./api}\n  web: ~\n"
                               "  api:\n    build: ./api\n    ports: [null, {a: 1}, '3000:3000']\n"),
        "nginx.conf": NGINX_API, "api/server.js": EXPRESS_CORS})
    result = lint([str(tmp_path)])
    (lk,) = result.model.links
    assert [(os.path.basename(s.file), s.line, w) for s, w in lk.evidence] == [
        ("docker-compose.yml", 5, "service api, build ./api")]
    assert [(f.code, f.severity, f.line) for f in result.findings] == [("CORS103", "error", 4)]


def test_an_upstreams_app_outside_the_tree_is_refused_and_never_opened(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    _write(outside, {"secret.js": "// SENTINEL-7f3a cors Access-Control-Allow-Origin\napp.listen(3000);\n"})
    repo = tmp_path / "repo"
    _write(repo, {
        "pyproject.toml": ('[tool.corslint]\nupstreams = { "http://api:3000" = "../outside/secret.js", '
                           '"http://other:80" = "linked" }\n'),
        "nginx.conf": NGINX_API + NGINX_API.replace("http://api:3000", "http://other:80"),
        "inside/app.js": EXPRESS_CORS,
    })
    os.symlink(outside, repo / "linked")   # a link in the tree to a directory out of it
    monkeypatch.chdir(repo)
    from corslint.config import load_config

    entries = load_config(repo / "pyproject.toml").upstream_entries()
    opened = _opened(monkeypatch)
    result = lint(["."], upstreams=entries)
    assert not [p for p in opened if p.startswith(os.path.realpath(outside))], opened
    assert result.model.links == []
    notices = [str(p) for p in result.problems if "upstreams" in p.message]
    assert notices == [
        'pyproject.toml:2: upstreams "http://api:3000" = "../outside/secret.js": the app is outside the '
        "linted tree; not read",
        'pyproject.toml:2: upstreams "http://other:80" = "linked": the app is outside the linted tree; not read']
    assert not any(p.fatal for p in result.problems if "upstreams" in p.message)
    monkeypatch.undo()
    monkeypatch.chdir(repo)
    out = _cli(".")
    assert "SENTINEL" not in out and 'secret.js": the app is outside the linted tree' in out


def _lint_within(seconds: float, *args, **kwargs):
    """lint() in a thread that must end within ``seconds`` (a hang fails the test)."""
    import threading

    done: dict = {}
    thread = threading.Thread(target=lambda: done.setdefault("result", lint(*args, **kwargs)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the run hangs"
    return done["result"]


@pytest.mark.parametrize("fifo", ["api/server.js", "api/Dockerfile", "docker-compose.yml"])
def test_the_link_walk_reads_no_fifo(tmp_path, fifo):
    _write(tmp_path, {"nginx.conf": NGINX_PORT, "api/package.json": "{}\n", "api/app.js": EXPRESS_CORS})
    (tmp_path / fifo).unlink(missing_ok=True)
    os.mkfifo(tmp_path / fifo)
    result = _lint_within(30, [str(tmp_path)])
    assert f"{tmp_path / fifo}: not a regular file (a FIFO, socket or device); skipped" in [
        str(p) for p in result.problems]
    (lk,) = result.model.links   # app.js listens: the FIFO is not read, and the run ends
    assert [os.path.basename(s.file) for s, _ in lk.evidence] == ["app.js"]


def test_the_link_walk_follows_no_link_out_of_the_tree(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    _write(outside, {"server.js": "// SENTINEL-91c2\n" + EXPRESS_CORS})
    repo = tmp_path / "repo"
    _write(repo, {"nginx.conf": NGINX_PORT, "api/package.json": "{}\n"})
    os.symlink(outside / "server.js", repo / "api" / "server.js")
    os.symlink(outside, repo / "vendor")
    opened = _opened(monkeypatch)
    result = lint([str(repo)])
    assert not [p for p in opened if p.startswith(os.path.realpath(outside))], opened
    assert result.model.links == []
    assert [(f.code, f.severity) for f in result.findings] == [("CORS103", "info")]


def test_compose_files_are_read_within_a_count_and_a_size(tmp_path, monkeypatch):
    files = {"nginx.conf": NGINX_API, "api/server.js": EXPRESS_CORS}
    for i in range(link_step.MAX_COMPOSE_FILES + 2):
        files[f"s{i:02d}/docker-compose.yml"] = "services:\n  other:\n    image: x\n"
    files["big/compose.yaml"] = "services:\n  api:\n    build: ../api\n" + "# padding\n" * 30_000
    _write(tmp_path, files)
    composed = []
    import yaml

    real = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda text, **kw: composed.append(len(text)) or real(text, **kw))
    result = lint([str(tmp_path)])
    assert len(composed) == link_step.MAX_COMPOSE_FILES and max(composed) < 100
    notices = [str(p) for p in result.problems if "compose" in p.message]
    assert notices == [f"{tmp_path / 'big' / 'compose.yaml'}: compose file not read to link proxies to apps: "
                       f"{os.path.getsize(tmp_path / 'big' / 'compose.yaml')} bytes, over the "
                       f"{link_step.MAX_COMPOSE_BYTES} bytes read of one compose file",
                       f"{tmp_path / 's32' / 'docker-compose.yml'}: 2 compose files from here on not read to "
                       f"link proxies to apps (at most {link_step.MAX_COMPOSE_FILES} are)"]
    assert not any(p.fatal for p in result.problems)
    assert result.model.links == []


def test_compose_files_are_read_within_the_runs_read_limits(tmp_path):
    from corslint.frontends._files import ReadLimits

    _write(tmp_path, {"docker-compose.yml": "services:\n  api:\n    build: ./api\n" + "#\n" * 100,
                      "nginx.conf": NGINX_API, "api/server.js": EXPRESS_CORS})
    assert len(lint([str(tmp_path)]).model.links) == 1
    result = lint([str(tmp_path)], limits=ReadLimits(max_file_bytes=100_000, max_total_bytes=200))
    assert result.model.links == []
    assert [str(p) for p in result.problems if "compose" in p.message] == [
        f"{tmp_path / 'docker-compose.yml'}: compose file not read to link proxies to apps: "
        f"{os.path.getsize(tmp_path / 'docker-compose.yml')} bytes, over the 200 bytes left of the 200 read of all compose files"]


APP_UNDER_API = ("const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
                 "app.use('/api', cors({ origin: 'https://b.example' }));\n"
                 "app.get('/items', (req, res) => res.json([]));\napp.listen(3000);\n")


def _nginx_location(location: str, target: str) -> str:
    return ("server {\n    listen 80;\n    location " + location + " {\n"
            "        add_header Access-Control-Allow-Origin \"https://a.example\" always;\n"
            f"        proxy_pass {target};\n    }}\n}}\n")


@pytest.mark.parametrize("location, target, want", [
    # the URI "/" replaces the location's "/api/": the app sees /items, not its /api route
    ("/api/", "http://127.0.0.1:3000/", [("CORS103", "info", 4)]),
    # no URI: the path is passed as it is, /api/... reaches the app's /api route
    ("/api/", "http://127.0.0.1:3000", [("CORS103", "error", 4)]),
    # the URI maps /v2/ onto the app's /api/
    ("/v2/", "http://127.0.0.1:3000/api/", [("CORS103", "error", 4)]),
    ("= /v2/items", "http://127.0.0.1:3000/api/items", [("CORS103", "error", 4)]),
    # which path the app sees is not known: no claim either way
    ("~ ^/api/", "http://127.0.0.1:3000", [("CORS103", "info", 4)]),
    ("/api/", "http://127.0.0.1:3000$request_uri", [("CORS103", "info", 4)]),
])
def test_nginx_proxy_pass_uri_replaces_the_location_prefix(tmp_path, location, target, want):
    _write(tmp_path, {"deploy/nginx.conf": _nginx_location(location, target), "api/server.js": APP_UNDER_API})
    result = lint([str(tmp_path)])
    assert [(f.code, f.severity, f.line) for f in result.findings] == want
    assert len(result.model.links) == (1 if want[0][1] == "error" else 0)


def test_a_path_not_known_links_an_app_whose_one_route_takes_every_path(tmp_path):
    _write(tmp_path, {"deploy/nginx.conf": _nginx_location("~ ^/api/", "http://127.0.0.1:3000"),
                      "api/server.js": EXPRESS_CORS})
    result = lint([str(tmp_path)])
    assert [(f.code, f.severity, f.line) for f in result.findings] == [("CORS103", "error", 4)]


@pytest.mark.parametrize("where, want", [
    ('    ProxyPass "/api/" "http://127.0.0.1:3000/"\n', [("CORS103", "info", 3)]),
    ('    ProxyPass "/api/" "http://127.0.0.1:3000/api/"\n', [("CORS103", "error", 3)]),
    ('    <Location "/v2/">\n        ProxyPass "http://127.0.0.1:3000/api/"\n    </Location>\n',
     [("CORS103", "error", 3)]),
    # trailing slashes that differ: the joined path is not one the config names
    ('    ProxyPass "/api/" "http://127.0.0.1:3000/api"\n', [("CORS103", "info", 3)]),
])
def test_apache_proxypass_maps_its_prefix_onto_the_url(tmp_path, where, want):
    _write(tmp_path, {
        "apache/site.conf": ("<VirtualHost *:80>\n    ServerName app.example.com\n"
                             "    Header always set Access-Control-Allow-Origin \"https://a.example\"\n"
                             + where + "</VirtualHost>\n"),
        "api/server.js": APP_UNDER_API})
    result = lint([str(tmp_path)])
    assert [(f.code, f.severity, f.line) for f in result.findings] == want


SPLIT_APP = ("const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
             "app.use(cors({ origin: 'https://b.example' }));\napp.get('/items', (req, res) => res.json([]));\n"
             "module.exports = app;\n")


@pytest.mark.parametrize("marker", [None, "package.json", "Dockerfile"])
def test_an_app_found_by_its_port_is_its_project_not_the_listening_file(tmp_path, marker):
    files = {"deploy/nginx.conf": NGINX_PORT.replace("https://app.example.com", "\"https://a.example\""),
             "api/app.js": SPLIT_APP, "api/server.js": "require('./app').listen(3000);\n"}
    if marker:
        files[f"api/{marker}"] = "{}\n" if marker.endswith(".json") else "FROM node:20\n"
    _write(tmp_path, files)
    result = lint([str(tmp_path)])
    (finding,) = result.findings
    assert (finding.code, finding.severity, finding.line) == ("CORS103", "error", 4)
    assert [(s.file, s.line) for s in finding.related] == [(str(tmp_path / "api" / "app.js"), 4)]
    (lk,) = result.model.links
    assert lk.app == str(tmp_path / "api") and not lk.app_sends_none
    assert lk.app_files == (str(tmp_path / "api" / "app.js"),)


def test_a_project_listening_whose_cors_is_in_a_file_not_modelled_keeps_the_condition(tmp_path):
    # app.js applies a CORS policy of its own module (no frontend reads it); server.js listens
    _write(tmp_path, {
        "deploy/nginx.conf": NGINX_PORT,
        "api/package.json": "{}\n",
        "api/src/app.js": ("const applyCorsPolicy = require('./policy');\n"
                           "module.exports = (req, res) => {\n  applyCorsPolicy(res);\n  res.end();\n};\n"),
        "api/src/server.js": "require('http').createServer(require('./app')).listen(3000);\n",
    })
    result = lint([str(tmp_path)])
    assert result.model.links == []
    assert [(f.code, f.severity) for f in result.findings] == [("CORS103", "info")]


def test_a_project_nested_in_the_app_lends_it_no_routes(tmp_path):
    # the listening project is api/; api/admin/ is a project of its own with its CORS
    _write(tmp_path, {
        "deploy/nginx.conf": NGINX_PORT,
        "api/package.json": "{}\n",
        "api/server.js": "const app = require('express')();\napp.listen(3000);\n",
        "api/admin/package.json": "{}\n",
        "api/admin/app.js": EXPRESS_CORS.replace("3000", "4000"),
    })
    result = lint([str(tmp_path)])
    # the admin routes are not the api's; and the api's sources mention CORS (in admin/): not "sends none"
    assert result.model.links == []
    assert [(f.code, f.severity) for f in result.findings] == [("CORS103", "info")]
