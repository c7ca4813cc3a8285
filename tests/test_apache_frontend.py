"""The Apache httpd frontend: the grammar, includes, parse errors, recognising
files, and httpd's semantics as the policy model states them (each as measured
on Debian's apache2 2.4)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from corslint import cli
from corslint.frontends import apache, frontend_for
from corslint.frontends._files import ReadLimits
from corslint.grammars import apache as grammar
from corslint.lint import lint
from corslint.model import OriginRef
from corslint.scenarios import answer

HERE = Path(__file__).parent / "fixtures" / "frontend" / "apache"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "apache"


def model_of(tmp_path, text, name="site.conf"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    model = apache.parse_files([str(path)])
    assert not [p for p in model.problems if p.fatal], model.problems
    return model


def route(model, path):
    found = [r for r in model.routes if r.path == path]
    assert len(found) == 1, [r.name for r in model.routes]
    return found[0]


def sent(model, path, method="GET", origin="https://app.example.com", **kw):
    """(status, [(name, value)]) a route answers."""
    ans = answer(route(model, path), method, origin, preflight=method == "OPTIONS", **kw)
    assert ans is not None
    return ans.response.status, [(n, v) for n, v in ans.response.headers if n.lower() != "location"]


# ---------------------------------------------------------------- the grammar


def test_grammar_positions_quotes_continuations_and_case():
    nodes = grammar.parse_config(
        '# a comment \\\n'
        'that continues\n'
        '<VirtualHost *:80>\n'
        '\tServerName a.example\n'
        '    HEADER Always SET X-A "a \\"quoted\\" value" \'single q\'\n'
        '    AddCharset utf-8 .css \\\n'
        '        .js\n'
        '    <If "%{HTTP:Origin} == \'https://a.example\'">\n'
        '    </If>\n'
        '</virtualhost>\n')
    [vhost] = nodes
    assert (vhost.name, vhost.args, vhost.line, vhost.column) == ("VirtualHost", ["*:80"], 3, 1)
    server_name, header, charset, section = vhost.children
    assert (server_name.line, server_name.column) == (4, 2)   # a tab is one column
    assert header.args == ["Always", "SET", "X-A", 'a "quoted" value', "single q"]
    assert header.arg_positions[3] == (5, 27)
    assert charset.args == ["utf-8", ".css", ".js"] and charset.arg_positions[2] == (7, 9)
    assert section.name == "If" and section.args == ["%{HTTP:Origin} == 'https://a.example'"]
    assert vhost.end_line == 10


def test_grammar_keeps_backslashes_of_regexes_and_hash_inside_lines():
    [node] = grammar.parse_config('SetEnvIf Origin "^https://(www\\.)?a\\.example$" A=$0 #not-a-comment\n')
    assert node.args == ["Origin", "^https://(www\\.)?a\\.example$", "A=$0", "#not-a-comment"]


@pytest.mark.parametrize("text,line,message", [
    ("<Directory /srv>\n    Require all granted\n", 1, "<Directory> is never closed (no </Directory>)"),
    ("Header set X 1\n</Location>\n", 2, "</Location> without a matching <Location>"),
    ("<Directory /srv>\n</Files>\n", 2, "expected </Directory> (for <Directory> on line 1) but found </Files>"),
    ("<Directory /srv\nRequire all granted\n</Directory>\n", 1, "<Directory> section tag is missing its closing '>'"),
    ("Header set X 1\n  }\n", 2, "'}' is not a directive name"),
])
def test_grammar_errors_name_the_line(text, line, message):
    with pytest.raises(grammar.ApacheSyntaxError) as err:
        grammar.parse_config(text)
    assert (err.value.line, err.value.message) == (line, message)


def test_expression_grammar():
    assert grammar.parse_expr("%{HTTP:Origin} =~ m#^https://a\\.example$#i") == (
        "cmp", "=~", ("var", "HTTP:Origin"), ("regex", "^https://a\\.example$", "i"))
    assert grammar.parse_expr("-n %{HTTP:Origin} && %{REQUEST_METHOD} == 'OPTIONS'")[0] == "and"
    assert grammar.parse_expr("req('Origin') in {'https://a', 'https://b'}") == (
        "cmp", "in", ("func", "req", (("str", "Origin"),)), ("list", (("str", "https://a"), ("str", "https://b"))))
    with pytest.raises(grammar.ExprError):
        grammar.parse_expr("%{HTTP:Origin} =~")


# ---------------------------------------------------------------- files, errors, includes


def test_syntax_error_is_one_problem_and_exit_2(tmp_path):
    bad = tmp_path / "bad.conf"
    bad.write_text("<VirtualHost *:80>\n    ServerName a.example\n    Header set X 1\n", encoding="utf-8")
    good = tmp_path / "good.conf"
    good.write_text('Header always set Access-Control-Allow-Origin "*"\n'
                    'Header always set Access-Control-Allow-Credentials "true"\n', encoding="utf-8")
    result = lint([str(bad), str(good)])
    [problem] = result.problems
    assert str(problem) == f"{bad}:1: <VirtualHost> is never closed (no </VirtualHost>)"
    assert [(f.code, f.line) for f in result.findings] == [("CORS201", 1)]   # the other file is linted
    run = CliRunner().invoke(cli.main, [str(bad)])
    assert run.exit_code == 2
    assert f"{bad}:1: <VirtualHost> is never closed" in run.output


def test_include_glob_positions_and_cycle(tmp_path):
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "cors.conf").write_text(
        'Header always set Access-Control-Allow-Origin "*"\n'
        'Header always set Access-Control-Allow-Credentials "true"\n', encoding="utf-8")
    main = tmp_path / "httpd.conf"
    main.write_text('ServerRoot "/etc/apache2"\n<VirtualHost *:80>\n    ServerName a.example\n'
                    '    IncludeOptional conf.d/*.conf\n    IncludeOptional missing/*.conf\n</VirtualHost>\n',
                    encoding="utf-8")
    result = lint([str(tmp_path)])
    assert not result.problems
    [finding] = [f for f in result.findings if f.code == "CORS201"]
    assert finding.file.endswith(os.path.join("conf.d", "cors.conf")) and (finding.line, finding.column) == (1, 1)
    [via] = finding.source.via
    assert via.file == str(main) and via.line == 4
    (tmp_path / "conf.d" / "cors.conf").write_text("Include httpd.conf\n", encoding="utf-8")
    cyc = lint([str(main)])
    assert [p.fatal for p in cyc.problems if "include cycle" in p.message] == [False], cyc.problems


def test_missing_include_is_a_notice(tmp_path):
    path = tmp_path / "site.conf"
    path.write_text('Include conf/nowhere.conf\nHeader always set Access-Control-Allow-Origin "*"\n'
                    'Header always set Access-Control-Allow-Credentials "true"\n', encoding="utf-8")
    result = lint([str(path)], codes=["CORS201"])
    [notice] = result.problems
    assert not notice.fatal and notice.line == 1 and "matches no file" in notice.message
    assert [f.line for f in result.findings] == [2]


def test_non_utf8_is_a_notice_binary_and_huge_files_are_problems(tmp_path):
    latin = tmp_path / "latin.conf"
    latin.write_bytes(b"<VirtualHost *:80>\n# caf\xe9\n    Header always set Access-Control-Allow-Origin \"*\"\n"
                      b"    Header always set Access-Control-Allow-Credentials \"true\"\n</VirtualHost>\n")
    result = lint([str(latin)])
    [notice] = result.problems
    assert notice.line == 2 and "UTF-8" in notice.message and not notice.fatal
    assert [(f.code, f.line) for f in result.findings] == [("CORS201", 3)]
    binary = tmp_path / ".htaccess"
    binary.write_bytes(b"\x00\x01\x02")
    [problem] = lint([str(binary)]).problems
    assert "binary" in problem.message and problem.fatal
    huge = tmp_path / "huge.htaccess"
    huge.write_text("Header always set X-Padding 1\n" * 80_000, encoding="utf-8")
    [problem] = lint([str(huge)], limits=ReadLimits(max_file_bytes=2_000_000)).problems
    assert problem.fatal and "too large" in problem.message


def test_include_glob_matching_nothing_is_a_notice_unless_optional(tmp_path):
    path = tmp_path / "site.conf"
    path.write_text("Include conf-enabled/*.conf\nIncludeOptional conf.d/*.conf\nHeader always set X 1\n",
                    encoding="utf-8")
    [notice] = lint([str(path)]).problems
    assert (notice.line, notice.fatal) == (1, False) and "conf-enabled/*.conf" in notice.message


def test_a_fifo_is_never_read_to_recognise_it(tmp_path):
    fifo = tmp_path / "pipe.conf"
    os.mkfifo(fifo)
    assert not apache.recognises(str(fifo), named=False)
    assert not apache.recognises(str(fifo), named=True)


def test_header_format_httpd_refuses_is_a_problem(tmp_path):
    path = tmp_path / "site.conf"
    path.write_text('<Location /api/>\n    Header set X-Pct "100%%"\n'
                    '    Header set Access-Control-Allow-Origin "%{HTTP:Origin}"\n</Location>\n', encoding="utf-8")
    result = lint([str(path)])
    [problem] = result.problems
    assert problem.fatal and problem.line == 3
    assert "refuses the format '%{HTTP:Origin}'" in problem.message and "expr=%{req:Origin}" in problem.message
    assert not [f for f in result.findings if f.code == "CORS101"]   # the value is not guessed


def test_template_markup_is_named_but_define_variables_are_plain_apache(tmp_path):
    path = tmp_path / "vhost.conf"
    path.write_text("<VirtualHost *:80>\n    ServerName {{ server_name }}\n</VirtualHost>\n", encoding="utf-8")
    [problem] = lint([str(path)]).problems
    assert problem.line == 2 and "template markup" in problem.message and "not plain Apache" in problem.message
    path.write_text('<VirtualHost *:80>\n    DocumentRoot ${DOCROOT}\n'
                    '    Header always set Access-Control-Allow-Origin "*"\n'
                    '    Header always set Access-Control-Allow-Credentials "true"\n</VirtualHost>\n', encoding="utf-8")
    result = lint([str(path)])
    assert not result.problems and [(f.code, f.line) for f in result.findings] == [("CORS201", 3)]


def test_stdin_is_recognised_by_content():
    text = '<Location /api/>\n    Header always set Access-Control-Allow-Origin "*"\n' \
           '    Header always set Access-Control-Allow-Credentials "true"\n</Location>\n'
    result = lint(["-"], stdin_text=text, stdin_filename="site.conf")
    assert [(f.file, f.code, f.line) for f in result.findings if f.code == "CORS201"] == [("site.conf", "CORS201", 2)]


# ---------------------------------------------------------------- recognising files


def test_recognises_apache_by_content_and_never_nginx(tmp_path):
    nginx = tmp_path / "site.conf"
    nginx.write_text("server {\n    listen 80;\n    location / {\n        add_header X 1;\n        alias /srv/;\n"
                     "    }\n}\n", encoding="utf-8")
    httpd = tmp_path / "vhost.conf"
    httpd.write_text("<VirtualHost *:80>\n    Header always set X 1\n</VirtualHost>\n", encoding="utf-8")
    loader = tmp_path / "modules.conf"
    loader.write_text("LoadModule headers_module modules/mod_headers.so\n", encoding="utf-8")
    assert frontend_for(str(nginx), named=True).__name__.endswith("nginx")
    assert frontend_for(str(httpd), named=True) is apache
    assert frontend_for(str(loader), named=True) is apache
    assert apache.recognises(str(tmp_path / ".htaccess"), text="", named=False)
    assert not apache.recognises(str(nginx), named=True)
    assert not apache.recognises(str(tmp_path / "notes.txt"), text="Header set X 1\n", named=True)


# ---------------------------------------------------------------- mod_headers


def test_onsuccess_and_always_tables_on_static_files(tmp_path):
    model = model_of(tmp_path, """
<VirtualHost *:80>
    DocumentRoot /srv/www
    Header set X-On "onsuccess"
    Header always set X-Al "always"
</VirtualHost>
""")
    root = route(model, "/")
    get = root.branch_for("GET", None)
    assert get.outcome.delegate == "files" and get.outcome.status is None
    on, al = get.headers
    assert (on.name, on.always, on.source.line, on.source.column) == ("X-On", False, 4, 5)
    assert (al.name, al.always) == ("X-Al", True)
    # httpd's core answers OPTIONS on static files itself: 200, both tables
    options = root.branch_for("OPTIONS", None)
    assert options.outcome.status == 200 and [h.name for h in options.headers] == ["X-On", "X-Al"]
    put = root.branch_for("PUT", None)
    assert put.outcome.status == 405
    assert sent(model, "/", "PUT") == (405, [("X-Al", "always")])
    assert sent(model, "/", "GET", status=404) == (404, [("X-Al", "always")])


def test_set_plus_always_set_sends_twice_and_add_duplicates(tmp_path):
    model = model_of(tmp_path, """
Header set Access-Control-Allow-Origin "https://a.example"
Header always set Access-Control-Allow-Origin "https://a.example"
Header add X-Twice "1"
Header add X-Twice "2"
Header set X-Replaced "old"
Header set X-Replaced "new"
Header append X-List "a"
Header append X-List "b"
Header merge X-Merged "a"
Header merge X-Merged "a"
Header always set X-Gone "1"
Header always unset X-Gone
Header set Timing-Allow-Origin: "*"
""")
    status, headers = sent(model, "/")
    assert status == 200
    assert headers == [
        ("Access-Control-Allow-Origin", "https://a.example"), ("Access-Control-Allow-Origin", "https://a.example"),
        ("X-Twice", "1"), ("X-Twice", "2"), ("X-Replaced", "new"), ("X-List", "a, b"), ("X-Merged", "a"),
        ("Timing-Allow-Origin", "*"),
    ]


def test_proxied_answers_carry_onsuccess_headers_on_every_status(tmp_path):
    model = model_of(tmp_path, """
<Location /api/>
    ProxyPass http://127.0.0.1:9000/api/
    Header set Access-Control-Allow-Origin "https://a.example"
    Header always set X-Al "1"
    Header unset X-Powered-By
</Location>
""")
    api = route(model, "/api/")
    branch = api.branch_for("GET", None)
    assert branch.outcome.delegate == "upstream"
    assert branch.outcome.hidden_upstream == frozenset({"x-powered-by"})
    acao = branch.emissions("Access-Control-Allow-Origin")[0]
    assert acao.always and acao.replaces      # replaces the app's own copy
    assert sent(model, "/api/", status=500)[1] == [("Access-Control-Allow-Origin", "https://a.example"),
                                                    ("X-Al", "1")]


def test_local_redirect_carries_only_always_headers(tmp_path):
    model = model_of(tmp_path, """
ProxyPass /api/ http://127.0.0.1:9000/api/
<Location /api/>
    Header set Access-Control-Allow-Origin "https://a.example"
    Header always set X-Al "1"
</Location>
<Location /api/old/>
    Redirect permanent /api/new/
</Location>
""")
    old = route(model, "/api/old/")
    branch = old.branch_for("GET", None)
    assert branch.outcome.status == 301 and branch.outcome.location.render() == "/api/new/"
    assert [h.name for h in branch.headers] == ["X-Al"]
    [shadow] = branch.shadowed
    assert [h.name for h in shadow.emissions] == ["Access-Control-Allow-Origin"]
    assert shadow.by.line == 8 and "only 'Header always' headers reach" in shadow.by_what


def test_configured_headers_and_unused_allowlists(tmp_path):
    model = model_of(tmp_path, """
SetEnvIf Origin "^https://(app)\\.example\\.com$" UNUSED=$0
<Location /moved/>
    Header set Access-Control-Allow-Origin "https://a.example"
    Redirect permanent /new/
</Location>
""")
    moved = route(model, "/moved/")
    assert all(not b.emissions("Access-Control-Allow-Origin") for b in moved.branches)
    assert moved.is_cors()      # the author's intent is still known
    [configured] = moved.configured_headers
    assert (configured.name, configured.value.literal_text, configured.source.line) == (
        "Access-Control-Allow-Origin", "https://a.example", 4)
    [unused] = model.origin_allowlists
    assert unused.pattern == "^https://(app)\\.example\\.com$" and unused.source.line == 2


def test_section_merge_order(tmp_path):
    model = model_of(tmp_path, """
DocumentRoot /srv/www
<If "true">
    Header append X-Order "if"
</If>
<Location /data/>
    Header append X-Order "location"
</Location>
<Directory /srv/www/data>
    <Files "report.json">
        Header append X-Order "files"
    </Files>
    Header append X-Order "directory"
</Directory>
<Directory /srv/www>
    Header set X-Order "parent-directory"
</Directory>
""")
    headers = dict(sent(model, "/data/report.json")[1])
    assert headers["X-Order"] == "parent-directory, directory, files, location, if"


def test_htaccess_applies_within_its_directory(tmp_path):
    model = model_of(tmp_path, """
Header always set Access-Control-Allow-Origin "https://a.example"
<FilesMatch "\\.(woff2?|ttf)$">
    Header always set X-Font "1"
</FilesMatch>
""", name=".htaccess")
    assert [r.path for r in model.routes] == ["/", "/file.woff"]
    assert sent(model, "/file.woff")[1] == [("Access-Control-Allow-Origin", "https://a.example"), ("X-Font", "1")]
    assert sent(model, "/")[1] == [("Access-Control-Allow-Origin", "https://a.example")]


def test_env_condition_and_origin_allowlist(tmp_path):
    model = model_of(tmp_path, """
SetEnvIfNoCase Origin "^https://(app|admin)\\.example\\.com$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
SetEnvIf Origin ":" IS_CORS
Header always set X-Star "*" env=IS_CORS
Header always set X-Unset "%{NOT_SET}e"
""")
    [acao, star, unset] = route(model, "/").branch_for("GET", None).headers
    assert acao.value.evaluate("https://ADMIN.example.com") == "https://ADMIN.example.com"
    assert acao.value.evaluate("https://evil.example") == ""          # not sent
    [omap] = list(acao.value.origin_maps())
    assert omap.entries[0].matcher.flavour == "pcre-search" and omap.entries[0].matcher.ignore_case
    assert star.value.evaluate("https://x.example") == "*" and star.value.evaluate("null") == ""
    assert unset.value.evaluate("https://x.example") == "(null)"     # mod_headers prints unset variables so


def test_setenvif_captures(tmp_path):
    model = model_of(tmp_path, """
SetEnvIf Origin "https://(app)\\.example\\.com" PART=$0
SetEnvIf Origin "^(https://.*\\.example\\.com)$" WHOLE=$1
SetEnvIf Origin "example" NO_GROUPS=$0
SetEnvIf Origin "(.*)" ANY=$1
Header always set X-Part "%{PART}e" env=PART
Header always set X-Whole "%{WHOLE}e" env=WHOLE
Header always set X-No-Groups "%{NO_GROUPS}e" env=NO_GROUPS
Header always set X-Any "%{ANY}e"
""")
    part, whole, literal, anything = route(model, "/").branch_for("GET", None).headers
    # $0 of an unanchored regex is the matched part only: unknown unless the match is all of it
    assert part.value.evaluate("https://app.example.com") == "https://app.example.com"
    assert part.value.evaluate("https://app.example.com.evil.example") is None
    assert whole.value.evaluate("https://x.example.com") == "https://x.example.com"
    assert literal.value.evaluate("https://example.com") == "$0"      # httpd substitutes only with groups
    assert anything.value.parts == (OriginRef(),) and anything.value.reflects_unchecked


def test_expr_value_reflects_and_if_on_origin_forks(tmp_path):
    model = model_of(tmp_path, """
<Location /api/>
    ProxyPass http://127.0.0.1:9000/api/
    <If "%{HTTP:Origin} =~ m#^https://(app|admin)\\.example\\.com$#">
        Header set Access-Control-Allow-Origin "expr=%{req:Origin}"
    </If>
    <ElseIf "%{REQUEST_METHOD} == 'OPTIONS'">
        Header set X-Else-If "1"
    </ElseIf>
</Location>
""")
    api = route(model, "/api/")
    good = api.branch_for("GET", "https://app.example.com")
    evil = api.branch_for("GET", "https://evil.example")
    # <If> on the Origin adds Vary while the request is processed, but mod_proxy
    # replaces those headers with the upstream's: none of it reaches the browser
    assert [h.name for h in good.headers] == ["Access-Control-Allow-Origin"]
    assert good.emissions("Access-Control-Allow-Origin")[0].value.parts == (OriginRef(),)
    assert [t.expect for t in good.origin_tests] == [True] and good.origin_tests[0].matcher.source.line == 4
    assert evil.headers == ()
    assert [h.name for h in api.branch_for("OPTIONS", "https://evil.example").headers] == ["X-Else-If"]


# ---------------------------------------------------------------- mod_rewrite, mod_alias


def test_server_rewrite_answers_preflight_before_auth_and_perdir_after(tmp_path):
    model = model_of(tmp_path, """
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^/one/ - [R=204,L]
<Location /one/>
    AuthType Basic
    AuthName x
    AuthUserFile /etc/htpasswd
    Require valid-user
    Header always set X-Al "1"
    Header set X-On "1"
</Location>
<Location /two/>
    AuthType Basic
    AuthName x
    AuthUserFile /etc/htpasswd
    Require valid-user
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]
</Location>
""")
    one = route(model, "/one/").branch_for("OPTIONS", None)
    assert one.outcome.status == 204 and one.auth is None
    assert [h.name for h in one.headers] == ["X-Al"]          # mod_rewrite's own 204: no onsuccess table
    assert route(model, "/one/").branch_for("GET", None).auth.line == 9
    two = route(model, "/two/").branch_for("OPTIONS", None)
    assert two.outcome.status == 204 and two.auth is not None  # the 401 comes first
    assert sent(model, "/two/", "OPTIONS")[0] == 401


def test_rewritecond_on_origin_and_the_missing_http_origin_variable(tmp_path):
    model = model_of(tmp_path, """
RewriteEngine On
RewriteCond %{HTTP:Origin} ^https://(app|admin)\\.example\\.com$ [NC]
RewriteRule ^/api/ - [E=CORS_ORIGIN:%{HTTP:Origin}]
RewriteCond %{HTTP_ORIGIN} .
RewriteRule ^/api/ - [E=NEVER:1]
<Location /api/>
    Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
    Header always set X-Never "1" env=NEVER
</Location>
""")
    branch = route(model, "/api/").branch_for("GET", None)
    vary, acao = branch.headers       # X-Never is never sent
    # mod_rewrite varies on the header its condition read, only when the rule applied
    assert (vary.name, vary.always) == ("Vary", False)
    assert vary.value.evaluate("https://app.example.com") == "Origin" and vary.value.evaluate("https://x.example") == ""
    assert acao.value.evaluate("https://APP.example.com") == "https://APP.example.com"
    assert acao.value.evaluate("https://evil.example") == ""


def test_rewrite_redirects_and_precedence_over_proxy(tmp_path):
    model = model_of(tmp_path, """
<VirtualHost *:80>
    ServerName api.example.com
    Redirect /api/exports/ https://files.example.com/
    ProxyPass /api/ http://127.0.0.1:9000/api/
    RewriteEngine On
    RewriteRule ^/api/v1/(.*)$ /api/v2/$1 [R=301,L]
    RewriteRule ^/api/gone/ - [G]
</VirtualHost>
""")
    # mod_proxy translates before mod_alias: the Redirect never fires for proxied paths
    assert route(model, "/api/exports/").branch_for("GET", None).outcome.delegate == "upstream"
    v1 = route(model, "/api/v1/").branch_for("OPTIONS", None)
    assert v1.outcome.status == 301 and v1.outcome.location.render() == "/api/v2/<$1>"
    assert route(model, "/api/gone/").branch_for("GET", None).outcome.status == 410
    assert route(model, "/api/").branch_for("GET", None).outcome.delegate == "upstream"


def test_mod_alias_redirects(tmp_path):
    model = model_of(tmp_path, """
RedirectMatch 308 ^/old/(.*)$ https://api.example.com/new/$1
RedirectTemp /tmp/ /elsewhere/
<Location /gone/>
    Redirect gone
</Location>
""")
    old = route(model, "/old/").branch_for("OPTIONS", None)
    assert (old.outcome.status, old.outcome.location.render()) == (308, "https://api.example.com/new/$1")
    assert route(model, "/tmp/").branch_for("GET", None).outcome.status == 302
    assert route(model, "/gone/").branch_for("GET", None).outcome.status == 410
    # the rest of the site is not redirected
    assert route(model, "/").branch_for("GET", None).outcome.delegate == "files"


def test_directory_slash_redirect_is_opaque(tmp_path):
    model = model_of(tmp_path, """
DocumentRoot /srv/www
Alias /docs /srv/docs
<Directory /srv/docs>
    Require all granted
</Directory>
""")
    docs = route(model, "/docs")
    [slash] = [b for b in docs.branches if b.outcome.status == 301]
    assert slash.opaque_conditions and "trailing slash" in slash.opaque_conditions[0]
    assert slash.outcome.location.render() == "/docs/"


# ---------------------------------------------------------------- authentication and access


def test_limit_limitexcept_and_require_method(tmp_path):
    model = model_of(tmp_path, """
<Location /a/>
    AuthType Basic
    AuthName x
    AuthUserFile /etc/htpasswd
    <Limit GET POST>
        Require valid-user
    </Limit>
</Location>
<Location /b/>
    <LimitExcept GET POST OPTIONS>
        Require all denied
    </LimitExcept>
</Location>
<Location /c/>
    AuthType Basic
    AuthName x
    AuthUserFile /etc/htpasswd
    <RequireAny>
        Require method OPTIONS
        Require valid-user
    </RequireAny>
</Location>
""")
    a = route(model, "/a/")
    assert a.branch_for("GET", None).auth.line == 7
    assert a.branch_for("OPTIONS", None).auth is None      # methods outside <Limit> are let through
    b = route(model, "/b/")
    assert b.branch_for("PUT", None).outcome.status == 403
    assert b.branch_for("OPTIONS", None).outcome.status == 200
    c = route(model, "/c/")
    assert c.branch_for("OPTIONS", None).auth is None and c.branch_for("GET", None).auth is not None
    assert ("OPTIONS", 20) in [(m, s.line) for m, s in c.declared_methods]


# ---------------------------------------------------------------- the corpus


CORPUS_FINDINGS = {
    # one root cause (Header set without 'always' for the same header in one file), one finding
    "h5bp__server-configs-apache__dist__.htaccess": [("CORS402", 54)],
    "h5bp__server-configs-apache__h5bp__cross-origin__images.conf": [("CORS402", 14)],
    # headers only: the including configuration's handler answers, whose errors are unseen
    "h5bp__server-configs-apache__h5bp__cross-origin__requests.conf": [],
    "h5bp__server-configs-apache__h5bp__cross-origin__resource_timing.conf": [],
    "h5bp__server-configs-apache__h5bp__cross-origin__web_fonts.conf": [("CORS402", 11)],
    "h5bp__server-configs-apache__h5bp__security__cross-origin-policy.conf": [],
    "h5bp__server-configs-apache__httpd.conf": [],
    "h5bp__server-configs-apache__vhosts__templates__example.com.conf": [],
    "jitsi__jitsi-meet__doc__debian__jitsi-meet__jitsi-meet.example-apache": [],
    "nasa-gibs__onearth__docker__cors.conf": [],            # headers only, as above
    "nasa-gibs__onearth__docker__tile_services__oe2_ancillary.conf": [("CORS402", 2)],
}


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(CORPUS_FINDINGS))
def test_corpus_file_parses_and_gives_the_expected_findings(name):
    path = CORPUS / name
    assert frontend_for(str(path), named=True) is apache
    result = lint([str(path)])
    assert not [p for p in result.problems if p.fatal], result.problems
    assert all("matches no file" in p.message for p in result.problems)
    assert [(f.code, f.line) for f in result.findings] == CORPUS_FINDINGS[name], [
        f"{f.code}:{f.line} {f.message}" for f in result.findings]


def test_regex_sections_merge_like_their_twins_and_match_the_file_name(tmp_path):
    """httpd's order (checked live in test_apache_live's regex_sections_merge):
    <Directory> shortest first, then <DirectoryMatch>/<Directory ~> (tested on
    the request's file name, so ``dt$`` misses /dt/x), <Files ~>/<FilesMatch>,
    <LocationMatch>/<Location> in file order."""
    model = model_of(tmp_path, """
<VirtualHost *:80>
    ServerName api.example.com
    DocumentRoot /var/www/api
    <DirectoryMatch "^/var/www/api/dm">
        Header always append Access-Control-Expose-Headers "X-DirectoryMatch"
    </DirectoryMatch>
    <Directory /var/www/api>
        Header always append Access-Control-Expose-Headers "X-Directory"
    </Directory>
    <Directory ~ "/var/www/api/dt$">
        Header always append Access-Control-Expose-Headers "X-DirectoryTilde"
    </Directory>
    <Directory /var/www/api/dm/deep>
        Header always set Access-Control-Expose-Headers "X-DeepDirectory"
    </Directory>
    <FilesMatch "\\.json$">
        Header always append Access-Control-Expose-Headers "X-FilesMatch"
    </FilesMatch>
    <LocationMatch "^/dm/">
        Header always append Access-Control-Expose-Headers "X-LocationMatch"
    </LocationMatch>
</VirtualHost>
""")

    def exposed(path):
        return dict(sent(model, path)[1]).get("Access-Control-Expose-Headers")

    assert exposed("/dm/") == "X-Directory, X-DirectoryMatch, X-LocationMatch"
    assert exposed("/dm/deep/") == "X-DeepDirectory, X-DirectoryMatch, X-LocationMatch"
    assert exposed("/file.json") == "X-Directory, X-FilesMatch"
    # `dt$` finds a file named dt, not the files in a directory dt
    assert exposed("/dt") == "X-Directory, X-DirectoryTilde"
    assert not any(r.path.startswith("/dt/") for r in model.routes)
