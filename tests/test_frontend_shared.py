"""The parts nginx and Apache share: merging a route's branches and resolving
includes inside the linted tree."""

from __future__ import annotations

import dataclasses

import pytest

from corslint.frontends import apache, nginx
from corslint.frontends._branches import merge_branches
from corslint.frontends._includes import first_match, rerooted
from corslint.model import Branch, HeaderEmission, OriginMatcher, OriginTest, Outcome, Shadowed, Source, Value

SRC = Source("site.conf", 3, 5)
OTHER = Source("site.conf", 9, 1)


def every_field(**changes) -> dict:
    """A value for every field of Branch, none of them its default."""
    header = HeaderEmission("Access-Control-Allow-Origin", Value.literal("https://a.example"), SRC)
    values = dict(
        outcome=Outcome(204, SRC, reason="return 204"),
        headers=(header,),
        methods=frozenset({"GET"}),
        origin_tests=(OriginTest(OriginMatcher("https://a.example", "exact", source=SRC), True),),
        opaque_conditions=("$arg_x",),
        config_gates=("$cors = true",),
        auth=SRC,
        auth_what="auth_basic",
        shadowed=(Shadowed((header,), SRC, "add_header in if"),),
        source=SRC,
        label="location /api/",
    )
    values.update(changes)
    return values


def test_every_field_of_a_branch_survives_a_merge():
    first = Branch(**every_field())
    second = Branch(**every_field(methods=frozenset({"POST"}), auth_what="other words", source=OTHER,
                                  label="another label"))
    assert set(every_field()) == {f.name for f in dataclasses.fields(Branch)}, \
        "a field was added to Branch: give it a value in every_field()"
    [merged] = merge_branches([first, second])
    assert merged.methods == {"GET", "POST"}
    for f in dataclasses.fields(Branch):
        if f.name != "methods":
            assert getattr(merged, f.name) == getattr(first, f.name), f.name


def test_a_field_added_to_branch_is_carried_through_a_merge():
    @dataclasses.dataclass(frozen=True)
    class BranchWithMore(Branch):
        extra: str = "default"

    branches = [BranchWithMore(**every_field(methods=frozenset({m})), extra="kept") for m in ("GET", "PUT")]
    [merged] = merge_branches(branches)
    assert type(merged) is BranchWithMore
    assert merged.extra == "kept"
    assert merged.methods == {"GET", "PUT"}


@pytest.mark.parametrize("field, value", [
    ("outcome", Outcome(401, SRC, reason="auth")),
    ("headers", ()),
    ("origin_tests", ()),
    ("opaque_conditions", ()),
    ("auth", None),
    ("shadowed", ()),
])
def test_branches_that_answer_differently_stay_apart_in_order(field, value):
    get = Branch(**every_field())
    post = Branch(**every_field(methods=frozenset({"POST"}), **{field: value}))
    put = Branch(**every_field(methods=frozenset({"PUT"})))
    merged = merge_branches([get, post, put])
    assert [b.methods for b in merged] == [{"GET", "PUT"}, {"POST"}]


def test_no_methods_means_none_named():
    merged = merge_branches([Branch(**every_field(methods=None)), Branch(**every_field())])
    assert [b.methods for b in merged] == [{"GET"}]


def test_an_absolute_include_is_rerooted_longest_suffix_first(tmp_path):
    assert rerooted("/etc/nginx/snippets/cors.conf", str(tmp_path)) == [
        str(tmp_path / "nginx" / "snippets" / "cors.conf"),
        str(tmp_path / "snippets" / "cors.conf"),
        str(tmp_path / "cors.conf"),
    ]


def test_first_match_globs_in_name_order_and_reads_directories_only_when_asked(tmp_path):
    (tmp_path / "conf.d").mkdir()
    for name in ("b.conf", "a.conf"):
        (tmp_path / "conf.d" / name).write_text("")
    (tmp_path / "conf.d" / "sub").mkdir()
    candidates = [str(tmp_path / "missing" / "*.conf"), str(tmp_path / "conf.d")]
    assert first_match(candidates) == []
    assert first_match(candidates, whole_directories=True) == [
        str(tmp_path / "conf.d" / "a.conf"), str(tmp_path / "conf.d" / "b.conf")]
    assert first_match([str(tmp_path / "conf.d" / "*")]) == [
        str(tmp_path / "conf.d" / "a.conf"), str(tmp_path / "conf.d" / "b.conf")]


NGINX_MAIN = "server {\n    listen 80;\n    include /etc/nginx/snippets/cors.conf;\n}\n"
NGINX_SNIPPET = "add_header Access-Control-Allow-Origin * always;\n"
APACHE_MAIN = "<VirtualHost *:80>\n    ServerName a.example\n    Include /etc/apache2/snippets/cors.conf\n</VirtualHost>\n"
APACHE_SNIPPET = 'Header always set Access-Control-Allow-Origin "*"\n'


@pytest.mark.parametrize("frontend, main, snippet", [
    (nginx, NGINX_MAIN, NGINX_SNIPPET),
    (apache, APACHE_MAIN, APACHE_SNIPPET),
])
def test_both_frontends_load_includes_alike(tmp_path, frontend, main, snippet):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "cors.conf").write_text(snippet)
    (tmp_path / "site.conf").write_text(main)
    texts: dict[str, str] = {}
    model = frontend.parse_files([str(tmp_path / "site.conf")], texts=texts)
    included = str(tmp_path / "snippets" / "cors.conf")
    assert model.included_files == {included}
    assert set(texts) == {str(tmp_path / "site.conf"), included}
    sent = [h for r in model.routes for b in r.branches for h in b.headers
            if h.lname == "access-control-allow-origin"]
    assert sent and all(h.source.file == included and h.source.via[0].line == 3 for h in sent)
    # linted together, the included file is analysed only as part of its includer
    both = frontend.parse_files([str(tmp_path / "site.conf"), included])
    assert both.files == [str(tmp_path / "site.conf")]


@pytest.mark.parametrize("frontend, line", [
    (nginx, "include {other};\n"),
    (apache, "Include {other}\n"),
])
def test_both_frontends_cut_an_include_cycle_alike(tmp_path, frontend, line):
    a, b = tmp_path / "a.conf", tmp_path / "b.conf"
    a.write_text(line.format(other=b))
    b.write_text(line.format(other=a))
    model = frontend.parse_files([str(a)])
    assert [(p.file, p.message, p.fatal) for p in model.problems] == [
        (str(b), f"include cycle: '{a}' includes {a} again; not expanded a second time", False)]
    assert model.files == [str(a)] and model.included_files == {str(b)}


def test_every_frontend_names_itself():
    # Findings carry the frontend's NAME; fix wording (corslint/fixes/<NAME>.py)
    # is found by it, so a package frontend must export it too.
    import importlib

    from corslint.frontends import FRONTENDS

    for name in FRONTENDS:
        assert importlib.import_module(f"corslint.frontends.{name}").NAME == name


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_an_included_file_is_named_relative_and_normalised_in_every_format(tmp_path, monkeypatch, fmt):
    """`include ../snippets/x.conf` from conf.d/ and an absolute include
    re-rooted into the tree both name snippets/x.conf, as the user named
    the including file (relative to where corslint runs)."""
    import json

    from click.testing import CliRunner

    from corslint.cli import main
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "cors.conf").write_text(
        "add_header Access-Control-Allow-Origin * always;\n"
        "add_header Access-Control-Allow-Credentials true always;\n")
    (tmp_path / "conf.d" / "site.conf").write_text(
        "server {\n    location /a {\n        include ../snippets/cors.conf;\n    }\n}\n")
    (tmp_path / "nginx.conf").write_text(
        "http {\n    server {\n        include /etc/nginx/snippets/cors.conf;\n    }\n}\n")
    monkeypatch.chdir(tmp_path)
    for main_file in ("conf.d/site.conf", "nginx.conf"):
        out = CliRunner().invoke(main, ["--format", fmt, main_file]).output
        if fmt == "text":
            places = {line.split(":")[0] for line in out.splitlines() if "CORS201" in line}
        elif fmt == "json":
            places = {f["file"] for f in json.loads(out)["findings"] if f["code"] == "CORS201"}
        else:
            results = json.loads(out)["runs"][0]["results"]
            places = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                      for r in results if r["ruleId"] == "CORS201"}
        assert places == {"snippets/cors.conf"}, (main_file, out)
    absolute = CliRunner().invoke(main, ["--format", "json", str(tmp_path / "conf.d" / "site.conf")]).output
    assert {f["file"] for f in json.loads(absolute)["findings"]} == {str(tmp_path / "snippets" / "cors.conf")}


def test_a_name_is_not_shortened_across_a_symbolic_link(tmp_path, monkeypatch):
    """conf.d -> deep/conf.d: conf.d/../snippets is deep/snippets, not snippets."""
    from corslint.lint import lint
    (tmp_path / "deep" / "conf.d").mkdir(parents=True)
    (tmp_path / "deep" / "snippets").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "conf.d").symlink_to(tmp_path / "deep" / "conf.d")
    (tmp_path / "deep" / "snippets" / "cors.conf").write_text("add_header Access-Control-Allow-Origin * always;\n"
                                                             "add_header Access-Control-Allow-Credentials true always;\n")
    (tmp_path / "snippets" / "cors.conf").write_text("add_header X-Other other;\n")
    (tmp_path / "conf.d" / "site.conf").write_text("server {\n    include ../snippets/cors.conf;\n}\n")
    monkeypatch.chdir(tmp_path)
    result = lint(["conf.d/site.conf"])
    assert {f.file for f in result.findings if f.code == "CORS201"} == {"conf.d/../snippets/cors.conf"}
