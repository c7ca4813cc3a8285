"""The nginx frontend: includes, parse errors, snippets, semantics in the model."""

from __future__ import annotations

import cProfile
import http.client
import os
import pstats
from pathlib import Path

import pytest
from test_nginx_reach import live_nginx  # noqa: F401  (the fixture)

from corslint.frontends import nginx
from corslint.lint import lint
from corslint.model import OriginRef

HERE = Path(__file__).parent / "fixtures" / "frontend" / "nginx"


def parse_text(tmp_path, text, name="site.conf"):
    path = tmp_path / name
    path.write_text(text)
    return nginx.parse_files([str(path)])


def only_route(model, path=None):
    routes = [r for r in model.routes if path is None or r.path == path]
    assert len(routes) == 1, [r.name for r in model.routes]
    return routes[0]


def test_finding_in_included_file_points_at_that_file():
    result = lint([str(HERE / "include_tree" / "nginx.conf")], codes=["CORS201"])
    assert not result.problems
    [finding] = result.findings
    assert finding.file.endswith(os.path.join("snippets", "cors.conf"))
    assert finding.line == 2
    assert finding.column == 1
    [via] = finding.source.via
    assert via.file.endswith("nginx.conf") and via.line == 7


def test_directory_walk_lints_included_snippet_once():
    result = lint([str(HERE / "include_tree")], codes=["CORS201"])
    assert [(Path(f.file).name, f.line) for f in result.findings] == [("cors.conf", 2)]


def test_include_cycle_is_a_notice_not_a_crash():
    result = lint([str(HERE / "include_cycle" / "a.conf")])
    messages = [str(p) for p in result.problems]
    assert any("include cycle" in m for m in messages), messages
    assert not any(p.fatal for p in result.problems)
    assert result.files == [str(HERE / "include_cycle" / "a.conf")]


def test_syntax_error_is_one_line_with_file_and_line():
    result = lint([str(HERE / "syntax_error.conf")])
    [problem] = result.problems
    assert problem.file.endswith("syntax_error.conf")
    assert problem.line == 5
    assert str(problem) == f"{problem.file}:5: unexpected end of file, expecting \"}}\""


def test_other_files_still_linted_after_a_parse_error():
    result = lint([str(HERE / "syntax_error.conf"), str(HERE / "include_tree" / "nginx.conf")],
                  codes=["CORS201"])
    assert len(result.problems) == 1
    assert [f.line for f in result.findings] == [2]


def test_template_markup_is_named():
    result = lint([str(HERE / "template.conf")])
    [problem] = result.problems
    assert problem.line == 3 and "template markup" in problem.message


def test_missing_include_is_a_notice_and_the_file_is_linted():
    result = lint([str(HERE / "missing_include.conf")], codes=["CORS201"])
    [notice] = result.problems
    # an absolute path the tree holds no copy of is outside it: never read
    assert not notice.fatal and notice.line == 3 and "outside the linted tree; not read" in notice.message
    assert [f.line for f in result.findings] == [5]


def test_non_utf8_file_is_linted_with_a_notice():
    result = lint([str(HERE / "latin1.conf")])
    [problem] = result.problems
    assert problem.line == 3 and "UTF-8" in problem.message and not problem.fatal
    assert result.files == [str(HERE / "latin1.conf")]


def test_snippet_without_server_is_analysed(tmp_path):
    model = parse_text(tmp_path, 'add_header Access-Control-Allow-Origin $http_origin always;\n',
                       name="cors-snippet.conf")
    route = only_route(model)
    [branch] = [b for b in route.branches if "GET" in (b.methods or ())]
    [h] = branch.headers
    assert h.value.parts == (OriginRef(),) and h.always and h.source.line == 1


def test_add_header_in_if_replaces_inherited(tmp_path):
    model = parse_text(tmp_path, """
server {
    listen 80;
    location / {
        add_header Access-Control-Allow-Origin "https://a.example" always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Methods "GET, PUT";
            return 204;
        }
        proxy_pass http://127.0.0.1:9000;
    }
}
""")
    route = only_route(model, "/")
    options = route.branch_for("OPTIONS", "https://a.example")
    assert options.outcome.status == 204
    assert [h.name for h in options.headers] == ["Access-Control-Allow-Methods"]
    [shadow] = options.shadowed
    assert [h.name for h in shadow.emissions] == ["Access-Control-Allow-Origin"]
    assert shadow.by.line == 7
    get = route.branch_for("GET", "https://a.example")
    assert get.outcome.delegate == "upstream"
    assert [h.name for h in get.headers] == ["Access-Control-Allow-Origin"]


def test_origin_if_forks_into_origin_tests(tmp_path):
    model = parse_text(tmp_path, r"""
server {
    listen 80;
    location / {
        set $cors "";
        if ($http_origin ~* "^https://(www\.)?example\.com$") { set $cors "yes"; }
        if ($cors = "yes") { add_header Access-Control-Allow-Origin $http_origin always; }
        root /srv;
    }
}
""")
    route = only_route(model, "/")
    good = route.branch_for("GET", "https://www.example.com")
    bad = route.branch_for("GET", "https://evil.example")
    assert [h.name for h in good.headers] == ["Access-Control-Allow-Origin"]
    assert bad.headers == ()
    assert good is not bad


def test_origin_map_values(tmp_path):
    model = parse_text(tmp_path, r"""
map $http_origin $allow {
    default "";
    "~^https://([a-z]+\.)?example\.com$" $http_origin;
    "https://partner.test" "https://partner.test";
}
server {
    listen 80;
    location / { add_header Access-Control-Allow-Origin $allow always; proxy_pass http://127.0.0.1:9000; }
}
""")
    [h] = only_route(model, "/").branches[0].headers
    assert h.value.evaluate("https://api.example.com") == "https://api.example.com"
    assert h.value.evaluate("https://PARTNER.test") == "https://partner.test"   # map strings ignore case
    assert h.value.evaluate("https://example.com.evil") == ""


def test_static_location_answers_options_405_and_auth(tmp_path):
    model = parse_text(tmp_path, """
server {
    listen 80;
    location /files/ { root /srv; auth_basic "private"; }
    location /api/ { limit_except GET POST { deny all; } proxy_pass http://127.0.0.1:9000; }
}
""")
    files = only_route(model, "/files/")
    options = files.branch_for("OPTIONS", None)
    assert options.outcome.status == 405 and options.auth is not None
    api = only_route(model, "/api/")
    assert api.branch_for("PUT", None).outcome.status == 403
    assert api.branch_for("HEAD", None).outcome.delegate == "upstream"


def test_return_before_auth(tmp_path):
    model = parse_text(tmp_path, """
server {
    listen 80;
    location / {
        auth_basic "x";
        if ($request_method = OPTIONS) { return 204; }
        proxy_pass http://127.0.0.1:9000;
    }
}
""")
    route = only_route(model, "/")
    assert route.branch_for("OPTIONS", None).auth is None
    assert route.branch_for("GET", None).auth is not None


def test_more_set_headers_and_proxy_hide_header(tmp_path):
    model = parse_text(tmp_path, """
server {
    listen 443 ssl;
    server_name api.example.com;
    proxy_hide_header Access-Control-Allow-Origin;
    location / {
        more_set_headers "Access-Control-Allow-Origin: https://a.example";
        proxy_pass http://127.0.0.1:9000;
    }
}
""")
    route = only_route(model, "/")
    assert route.https is True and route.hosts == ("api.example.com",)
    branch = route.branch_for("GET", None)
    [h] = branch.headers
    assert h.replaces and h.always
    assert branch.outcome.hidden_upstream == frozenset({"access-control-allow-origin"})


def test_expected_request_headers_and_methods(tmp_path):
    model = parse_text(tmp_path, """
server {
    listen 80;
    location / {
        if ($http_x_api_key = "") { return 401; }
        if ($request_method = PUT) { set $x 1; }
        proxy_set_header X-Forwarded-For $http_x_forwarded_for;
        proxy_pass http://127.0.0.1:9000;
    }
}
""")
    route = only_route(model, "/")
    assert [h.name for h in route.expected_request_headers] == ["x-api-key"]
    assert "PUT" in dict(route.declared_methods)


def _calls_to_lint(tmp_path, servers: int) -> int:
    path = tmp_path / f"gen{servers}.conf"
    blocks = []
    for i in range(servers):
        blocks.append(f"""
server {{
    listen 80;
    server_name s{i}.example.com;
    location /api/ {{
        if ($request_method = OPTIONS) {{
            add_header Access-Control-Allow-Origin $cors always;
            add_header Access-Control-Allow-Methods "GET, POST, PUT" always;
            return 204;
        }}
        add_header Access-Control-Allow-Origin $cors always;
        add_header Vary Origin always;
        proxy_pass http://127.0.0.1:{9000 + i % 100};
    }}
    location /static/ {{ root /srv/s{i}; }}
}}""")
    path.write_text('map $http_origin $cors { default ""; "~^https://app\\.example\\.com$" $http_origin; }\n'
                    + "\n".join(blocks))
    profile = cProfile.Profile()
    profile.enable()
    result = lint([str(path)])
    profile.disable()
    assert not result.problems
    return pstats.Stats(profile).total_calls


def test_work_grows_linearly_with_servers(tmp_path):
    # Counts function calls, not seconds: deterministic on any machine.
    # The 2,000-server timing itself lives in the benchmark script.
    small = _calls_to_lint(tmp_path, 250)
    large = _calls_to_lint(tmp_path, 1000)
    assert large / small < 4.6, (small, large)


def test_server_level_if_without_return_leaves_location_settings(tmp_path):
    model = parse_text(tmp_path, """
server {
    listen 80;
    if ($request_method = OPTIONS) { set $pre 1; }
    if ($request_method = DELETE) { add_header X-Denied yes always; return 405; }
    location / {
        add_header Access-Control-Allow-Origin "https://a.example" always;
        proxy_pass http://127.0.0.1:9000;
    }
}
""")
    route = only_route(model, "/")
    options = route.branch_for("OPTIONS", None)
    assert [h.name for h in options.headers] == ["Access-Control-Allow-Origin"]
    delete = route.branch_for("DELETE", None)
    assert delete.outcome.status == 405
    assert [h.name for h in delete.headers] == ["X-Denied"]


def test_auth_basic_off_for_options_through_a_map(tmp_path):
    model = parse_text(tmp_path, """
map $request_method $auth_realm { OPTIONS off; default "API"; }
server {
    listen 80;
    location /api/ {
        auth_basic $auth_realm;
        proxy_pass http://127.0.0.1:9000;
    }
}
""")
    route = only_route(model, "/api/")
    assert route.branch_for("OPTIONS", None).auth is None
    assert route.branch_for("PUT", None).auth is not None


def test_unreached_location_headers_still_mark_a_cors_route(tmp_path):
    model = parse_text(tmp_path, """
server {
    listen 80;
    rewrite ^ https://api.example.com$request_uri redirect;
    location /api/ {
        add_header Access-Control-Allow-Origin "https://app.example.com" always;
        proxy_pass http://127.0.0.1:9000;
    }
}
""")
    route = only_route(model, "/api/")
    assert route.is_cors()
    options = route.branch_for("OPTIONS", None)
    assert options.outcome.status == 302 and options.headers == ()


def test_dav_methods_are_handled_by_static_location(tmp_path):
    model = parse_text(tmp_path, """
server {
    listen 80;
    location /dav/ { root /srv; dav_methods PUT DELETE; }
}
""")
    route = only_route(model, "/dav/")
    assert route.branch_for("PUT", None).outcome.status is None
    assert route.branch_for("PATCH", None).outcome.status == 405


def test_http_block_without_servers_is_analysed_as_a_snippet(tmp_path):
    model = parse_text(tmp_path, r"""
http {
    if ($http_origin !~ '^https?:\/\/example\.com') { return 403; }
}
""")
    route = only_route(model)
    [matcher] = list(route.origin_matchers())
    assert matcher.pattern == r"^https?:\/\/example\.com" and matcher.flavour == "pcre-search"
    assert route.branch_for("GET", "https://evil.example").outcome.status == 403


def test_limit_except_takes_over_before_the_rewrite_phase(tmp_path):
    # Observed with real nginx 1.22 (truth tier): OPTIONS, not listed, gets the
    # limit_except block's 403 although the location answers OPTIONS with 204.
    model = parse_text(tmp_path, """
server {
    listen 80;
    location /api/ {
        if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin "https://a.example" always; return 204; }
        limit_except GET POST PUT { deny all; }
        add_header Access-Control-Allow-Origin "https://a.example" always;
        proxy_pass http://127.0.0.1:9000;
    }
}
""")
    route = only_route(model, "/api/")
    options = route.branch_for("OPTIONS", "https://a.example")
    assert options.outcome.status == 403
    assert [h.source.line for h in options.headers] == [7]
    assert route.branch_for("PUT", "https://a.example").outcome.delegate == "upstream"


def test_origin_map_nothing_reads_is_kept_for_the_allowlist_analysis(tmp_path):
    model = parse_text(tmp_path, r"""
map $http_origin $cors_origin {
    default "";
    "~^https://([a-z0-9-]+\.)?vercel\.app$" $http_origin;
}
""", name="cors-map.conf")
    [matcher] = model.origin_allowlists
    assert matcher.pattern == r"^https://([a-z0-9-]+\.)?vercel\.app$" and matcher.source.line == 4


def test_a_stray_semicolon_is_named_the_same_on_stdin_as_in_a_file(tmp_path):
    # The diagnosis of a ';' crossplane gives no message for reads the parsed
    # text: for stdin that is a temporary copy, which must still be there.
    from corslint.lint import lint

    (tmp_path / "x.conf").write_text(";\n")
    from_file = lint([str(tmp_path / "x.conf")]).problems
    from_stdin = lint(["-"], stdin_text=";\n", stdin_filename="x.conf").problems
    assert [(p.line, p.message) for p in from_stdin] == [(p.line, p.message) for p in from_file]
    assert from_stdin[0].message.startswith('unexpected ";"')


# Decided on the regex's automaton: every one of these finds a match in every
# path (a path starts with '/'); the second list leaves some path out.
CATCH_ALL = ["^", "(.*)", "/(.*)", ".*", "^/(.*)$", "/", "^/?(.*)$", "(?i)^/", "[^x]|x", "^(/.*)?$",
             r"^/\w*", "(.+)", "/+", r"^/[\s\S]*$", "$"]
SOME_PATHS = ["^/(.+)$", "^/api/(.*)$", "^/$", "x", "^/(?!api)", "^(.*)/$", "^/.{0,5}$", r"\.php$", "(?-i:^/)A"]


def test_catch_all_regexes_are_recognised_by_their_language():
    from corslint.frontends.nginx.values import matches_every_path

    assert [p for p in CATCH_ALL if not matches_every_path(p)] == []
    assert [p for p in SOME_PATHS if matches_every_path(p)] == []
    assert not matches_every_path("^/API", ignore_case=False) and matches_every_path("^/", ignore_case=True)


def test_catch_all_rewrite_and_path_test_leave_no_other_way(tmp_path):
    # Seen with nginx 1.22: `rewrite /(.*) https://... permanent` answers
    # OPTIONS /api/x and DELETE /api/a%20b?q=1 with 301; `if ($request_uri ~ "(.*)")`
    # is taken by GET /b/zz.
    model = parse_text(tmp_path, """
server {
    listen 80;
    location /api/ { rewrite /(.*) https://new.example.com/$1 permanent; root /srv; }
    location /b/ { if ($request_uri ~ "(.*)") { return 418; } root /srv; }
    location /c/ { if ($uri !~* "^/") { return 418; } root /srv; }
    location /d/ { rewrite ^/d/old/(.*)$ https://new.example.com/$1 permanent; root /srv; }
}
""")
    api = only_route(model, "/api/")
    assert {b.outcome.status for b in api.branches} == {301}
    assert {b.outcome.status for b in only_route(model, "/b/").branches} == {418}
    assert 418 not in {b.outcome.status for b in only_route(model, "/c/").branches}
    assert {b.outcome.status for b in only_route(model, "/d/").branches} >= {301, 405}


DEAD_BRANCH = """
map $host $mode { default ""; api.example.com "post"; }
server {
    listen 80;
    location /api/ {
        if ($http_origin ~* "^https://app\\.example\\.com$") { set $cors "true"; }
        if ($request_method = POST) { set $cors "${cors}post"; }
        if ($cors = "truepost") { return 201; }
        if ($cors = "post") { return 202; }
        if ($cors = "") { return 203; }
        return 200;
    }
    location /outer/ {
        set $v "outer";
        location /outer/inner/ { if ($v = "outer") { return 418; } return 200; }
    }
    location /m/ { if ($mode = "truepost") { return 418; } return 200; }
}
"""


def test_variable_values_decide_branches(tmp_path):
    # Each answer as nginx 1.22 gave it on loopback: POST from
    # https://app.example.com -> "truepost", POST from elsewhere -> "post",
    # GET from elsewhere -> "" (uninitialised), PUT from the app -> "true";
    # the outer location's `set` does not run for the nested one; $mode is
    # "" or "post", never "truepost".
    model = parse_text(tmp_path, DEAD_BRANCH)
    api = only_route(model, "/api/")
    assert api.branch_for("POST", "https://app.example.com").outcome.status == 201
    assert api.branch_for("POST", "https://evil.example").outcome.status == 202
    assert api.branch_for("GET", "https://evil.example").outcome.status == 203
    assert api.branch_for("PUT", "https://app.example.com").outcome.status == 200
    assert {b.outcome.status for b in only_route(model, "/outer/inner/").branches} == {200}
    assert {b.outcome.status for b in only_route(model, "/m/").branches} == {200}
    assert all(not b.opaque_conditions for r in model.routes for b in r.branches)


SOURCE_UNSEEN = {
    # a request header: any text
    "header": 'location / { set $cors "${http_x_mode}post"; if ($cors = "truepost") { return 418; } return 200; }',
    # an include not read may set it before the test
    "include": 'location / { include /nowhere/cors-vars.conf; set $cors "${cors}post"; '
               'if ($cors = "truepost") { return 418; } return 200; }',
    # a regex's named capture writes it
    "capture": 'location / { if ($http_origin ~ "(?<cors>.*)") { } set $cors "${cors}post"; '
               'if ($cors = "truepost") { return 418; } return 200; }',
}


def test_unknown_sources_keep_the_branch(tmp_path):
    for what, location in SOURCE_UNSEEN.items():
        model = parse_text(tmp_path, "server {\n listen 80;\n " + location + "\n}\n", name=f"{what}.conf")
        assert {b.outcome.status for b in only_route(model, "/").branches} == {200, 418}, what
    # a snippet's includer may have set the variable before it runs
    snippet = parse_text(tmp_path, 'set $cors "${cors}post";\nif ($cors = "truepost") { return 418; }\n',
                         name="cors-snippet.conf")
    assert 418 in {b.outcome.status for b in only_route(snippet).branches}


ERROR_PAGES = """
server {
    listen 80;
    location /api/ {
        error_page 469 = @preflight;
        add_header X-Api api always;
        if ($request_method = OPTIONS) { return 469; }
        proxy_pass http://127.0.0.1:9000;
    }
    location /keep/ { error_page 469 @preflight; if ($request_method = OPTIONS) { return 469; } return 200; }
    location /forced/ {
        error_page 469 =200 @pre2;
        if ($request_method = OPTIONS) { set $m "from-forced"; return 469; }
        return 200;
    }
    location /uri/ { error_page 469 = /preflight-answer; if ($request_method = OPTIONS) { return 469; } return 200; }
    location = /preflight-answer { add_header X-Pre "uri $request_method" always; return 204; }
    location @preflight {
        add_header Access-Control-Allow-Origin "https://app.example.com" always;
        add_header X-Method $request_method always;
        return 204;
    }
    location @pre2 { add_header X-Var "[$m]" always; proxy_pass http://127.0.0.1:9000; }
}
"""


def test_error_page_hands_the_answer_to_its_target(tmp_path):
    # What nginx 1.22 answered on loopback for OPTIONS to each location:
    # /api/ 204 with @preflight's headers (X-Method: OPTIONS); /keep/ 469 with
    # them; /forced/ 200 from the upstream with X-Var: [from-forced]; /uri/ 204
    # with X-Pre: uri GET (a URI target is requested with GET).
    model = parse_text(tmp_path, ERROR_PAGES)

    def options(path):
        b = only_route(model, path).branch_for("OPTIONS", "https://app.example.com")
        return b.outcome.status, {h.name: h.value.evaluate("https://app.example.com") for h in b.headers}

    assert options("/api/") == (204, {"Access-Control-Allow-Origin": "https://app.example.com",
                                      "X-Method": "OPTIONS"})
    assert options("/keep/")[0] == 469 and "Access-Control-Allow-Origin" in options("/keep/")[1]
    assert options("/forced/") == (200, {"X-Var": "[from-forced]"})
    assert only_route(model, "/forced/").branch_for("OPTIONS", None).outcome.delegate == "upstream"
    assert options("/uri/") == (204, {"X-Pre": "uri GET"})
    get = only_route(model, "/api/").branch_for("GET", None)
    assert get.outcome.delegate == "upstream" and [h.name for h in get.headers] == ["X-Api"]


def test_try_files_named_location_makes_the_proxied_answer(tmp_path):
    # nginx 1.22 on loopback, GET of a missing file: /a/ -> @app's upstream
    # answer with @app's Access-Control-Allow-Origin only (the upstream's is
    # hidden by the server level, X-Loc of /a/ is not sent); /b/ -> @app2's,
    # which inherits the server's X-Server.
    model = parse_text(tmp_path, """
server {
    listen 80;
    proxy_hide_header Access-Control-Allow-Origin;
    add_header X-Server srv always;
    location /a/ { root /srv; try_files $uri @app; add_header X-Loc a always; }
    location /b/ { root /srv; try_files $uri @app2; }
    location @app { proxy_pass http://127.0.0.1:9000; add_header Access-Control-Allow-Origin "https://app.example.com" always; }
    location @app2 { proxy_pass http://127.0.0.1:9000; }
}
""")
    for path, names in (("/a/", ["Access-Control-Allow-Origin"]), ("/b/", ["X-Server"])):
        branch = only_route(model, path).branch_for("GET", "https://app.example.com")
        assert branch.outcome.delegate == "upstream"
        assert branch.outcome.hidden_upstream == frozenset({"access-control-allow-origin"})
        assert [h.name for h in branch.headers] == names


def test_unread_http_level_include_keeps_the_branch(tmp_path):
    # nginx 1.22 takes `map $host $cors` beside `set $cors`: where no set
    # ran, the map's value is read. An http-level include not read may hold one.
    model = parse_text(tmp_path, """
http {
    include /nowhere/maps.conf;
    server {
        listen 80;
        location / { if ($cors = "mapped") { return 418; } return 200; }
        location /x/ { set $cors "x"; return 200; }
    }
}
""")
    assert {b.outcome.status for b in only_route(model, "/").branches} == {200, 418}


def test_snippet_with_an_upstream_keeps_set_variables_unknown(tmp_path):
    # an upstream's `server` lines do not make a location body a server's
    model = parse_text(tmp_path, "upstream app { server 127.0.0.1:9000; }\n"
                                 'set $cors "${cors}post";\nif ($cors = "truepost") { return 418; }\n'
                                 "proxy_pass http://app;\n", name="cors-snippet.conf")
    assert 418 in {b.outcome.status for b in only_route(model).branches}


# ---------------------------------------------------------------- checked on the real nginx

FIXTURES = Path(__file__).parent / "fixtures" / "nginx"


def _ask(server, path: str, method: str = "GET", origin: str = "https://app.example.com",
         **headers: str) -> tuple[int, dict[str, str]]:
    """One request as a browser sends it, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        sent = {"Origin": origin, **{k.replace("_", "-"): v for k, v in headers.items()}}
        conn.request(method, path, headers=sent)
        resp = conn.getresponse()
        resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


@pytest.mark.server
def test_live_options_branch_of_a_snippet_drops_the_credentials_header(live_nginx, tmp_path):
    # The OPTIONS `if` has add_header lines of its own: nginx 1.22 sends none of
    # the location's, so the preflight lacks Allow-Credentials the GET gets.
    snippet = FIXTURES / "CORS204" / "preflight_lacks_unknown_origin.conf"
    server = live_nginx('map $http_origin $cors_origin { default ""; "https://app.example.com" $http_origin; }\n'
                        f"server {{ listen 80; location /api/ {{ include {snippet}; return 200 ok; }} }}\n")
    status, pre = _ask(server, "/api/x", "OPTIONS", Access_Control_Request_Method="PUT")
    assert status == 204 and pre["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-credentials" not in pre
    status, got = _ask(server, "/api/x")
    assert status == 200 and got["access-control-allow-credentials"] == "true"
    assert got["access-control-allow-origin"] == "https://app.example.com"
    [finding] = lint([str(snippet)], codes=["CORS204"]).findings
    assert (finding.line, finding.severity) == (6, "warning")


CHAINED_MAPS = """
map $http_origin $cors_ok {
    default 0;
    "https://app.example.com" 1;
    ~^https://[a-z0-9-]+\\.example\\.org$ 1;
}
map $cors_ok $cors_allow_origin {
    default "";
    1 $http_origin;
}
server {
    listen 80;
    location /api/ {
        add_header Access-Control-Allow-Origin $cors_allow_origin always;
        return 200 ok;
    }
}
"""


@pytest.mark.server
def test_live_chained_maps_reflect_each_allowed_origin(live_nginx, tmp_path):
    server = live_nginx(CHAINED_MAPS)
    route = only_route(parse_text(tmp_path, CHAINED_MAPS), "/api/")
    for origin in ("https://app.example.com", "https://eu.example.org", "https://evil.example",
                   "https://app.example.com.evil.example"):
        _, got = _ask(server, "/api/x", origin=origin)
        [acao] = [h for h in route.branch_for("GET", origin).headers if h.lname == "access-control-allow-origin"]
        assert got.get("access-control-allow-origin", "") == acao.value.evaluate(origin)
    assert _ask(server, "/api/x", origin="https://eu.example.org")[1]["access-control-allow-origin"] \
        == "https://eu.example.org"
    assert {m.pattern for m in route.origin_matchers()} >= {"https://app.example.com"}


@pytest.mark.server
def test_live_exact_location_redirects_the_preflight_before_the_cors_location(live_nginx):
    fixture = FIXTURES / "CORS303" / "exact_location_redirects_into_cors.conf"
    server = live_nginx(fixture.read_text().replace("listen 443 ssl;", "listen 80;"))
    for path, status in (("/data", 301), ("/v1/data", 308)):
        got, headers = _ask(server, path, "OPTIONS", Access_Control_Request_Method="PUT")
        assert got == status and "access-control-allow-origin" not in headers
    got, headers = _ask(server, "/data/x", "OPTIONS", Access_Control_Request_Method="PUT")
    assert got == 204 and headers["access-control-allow-origin"] == "https://app.example.com"
    assert sorted(f.line for f in lint([str(fixture)], codes=["CORS303"]).findings) == [7, 8]


AUTO_REDIRECT = """
server {
    listen 80;
    location / { return 200 root; }
    location /rep { return 200 shorter; }
    location ~ ^/reports$ { return 200 regex; }
    location /reports/ {
        add_header Access-Control-Allow-Origin "https://app.example.com";
        add_header X-Always yes always;
        if ($request_method = OPTIONS) { return 204; }
        proxy_pass http://127.0.0.1:9/;
    }
    location /mine/ { proxy_pass http://127.0.0.1:9/; }
    location = /mine { return 200 exact; }
    location /rel/ { absolute_redirect off; fastcgi_pass 127.0.0.1:9; }
    location /files/ { root /nowhere; }
    # the config sends requests to those paths (only then are they modelled)
    location = /old { rewrite ^ /reports permanent; }
    location /moved/ { return 302 /rel?from=moved; }
    location /gone/ { return 301 $scheme://$host/mine; }
    location /gone2/ { return 301 /files; }
}
"""


@pytest.mark.server
def test_live_nginx_redirects_the_name_of_a_proxying_location_without_its_slash(live_nginx, tmp_path):
    # ngx_http_core_find_config_phase: a prefix location ending in '/' with a
    # proxy handler answers its name without the '/' with 301, for every method,
    # before its own `if` runs, with its add_header lines (301 is among the
    # statuses add_header serves); a regex or a shorter prefix does not take the
    # request first, a location of that very name does; static files do not.
    server = live_nginx(AUTO_REDIRECT)
    model = parse_text(tmp_path, AUTO_REDIRECT)
    origin = "https://app.example.com"
    [implied] = [r for r in model.routes if r.name.endswith("(a request for /reports)")]
    for method in ("OPTIONS", "GET", "POST", "PUT"):
        status, headers = _ask(server, "/reports?x=1", method)
        assert (status, headers["location"]) == (301, f"http://127.0.0.1:{server.port}/reports/?x=1")
        assert headers["access-control-allow-origin"] == origin and headers["x-always"] == "yes"
        branch = implied.branch_for(method, origin, include_opaque=True)
        assert branch.opaque_conditions and branch.outcome.status == 301
        assert {h.name for h in branch.headers} == {"Access-Control-Allow-Origin", "X-Always"}
        assert branch.outcome.location.evaluate(origin, known={"host": "h", "scheme": "http",
                                                               "query": ""}) == "http://h/reports/"
    status, headers = _ask(server, "/rel", "OPTIONS")
    assert (status, headers["location"]) == (301, "/rel/")
    [rel] = [r for r in model.routes if r.name.endswith("(a request for /rel)")]
    assert rel.branch_for("GET", None, include_opaque=True).outcome.location.evaluate(
        None, known={"query": ""}) == "/rel/"
    assert _ask(server, "/mine", "OPTIONS")[0] == 200
    assert _ask(server, "/files", "OPTIONS")[0] == 200   # location / answers it: no redirect
    assert not [r for r in model.routes if "(a request for /mine)" in r.name or "(a request for /files)" in r.name]


def test_locations_say_how_they_select_requests_in_the_models_terms(tmp_path):
    """Checks choose a route by its PathMatch, never by reading nginx's
    location modifiers out of Route.path."""
    from corslint.frontends import nginx
    from corslint.model import PathMatch
    conf = tmp_path / "site.conf"
    conf.write_text("server {\n listen 80;\n location = /a { return 204; }\n location ^~ /b/ { return 204; }\n"
                    " location ~* \\.json$ { return 204; }\n location /c/ { return 204; }\n"
                    " add_header Access-Control-Allow-Origin *;\n}\n")
    by_path = {r.path: r.path_match for r in nginx.parse_files([str(conf)]).routes}
    assert by_path["= /a"] == PathMatch("exact", "/a")
    assert by_path["^~ /b/"] == PathMatch("final-prefix", "/b/")
    assert by_path["~* \\.json$"] == PathMatch("regex", "\\.json$")
    assert by_path["/c/"] == PathMatch("prefix", "/c/")
    assert next(r for r in nginx.parse_files([str(conf)]).routes if r.leftover_scope).path_match is None


def test_conditions_on_request_variables_are_no_config_gates():
    from corslint.frontends.nginx.values import config_gates
    assert config_gates(("$cors = true", "$arg_cors = 1", "$http_x_debug", "$cors_$host")) == ("$cors = true",)
