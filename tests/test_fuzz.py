"""Property-based fuzzing (hypothesis) of everything that reads untrusted text:
the nginx and Apache frontends (through the whole pipeline: frontend, model,
every check, the text and JSON reporters), the Apache grammar, and the CORS
engine's header-value and origin parsers.

The one documented way out for bad input is a ParseProblem (``file:line:
message``); nothing else may escape. Configs are generated from each
language's grammar (directives, blocks, quoting, CORS-relevant arguments,
regexes) and then damaged (characters dropped, braces and quotes inserted),
so both the parse-error path and the deep paths past the parser are covered.

Deterministic for CI: every property runs derandomized with a bounded number
of examples and no example database, so a run on any machine tries the same
inputs.
"""

from __future__ import annotations

import io
import json
import os
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corslint import checks
from corslint.engine import (
    CorsRequest,
    HttpResponse,
    check_cors,
    check_preflight,
    check_redirect,
    display_url,
    follow_redirect,
    is_token,
    needs_preflight,
    origin_value_problem,
    parse_header_list,
    parse_max_age,
    parse_origin,
    parse_url,
    run,
    split_origins,
    url_origin,
)
from corslint.engine.http import firefox_invalid_entry
from corslint.engine.origin import chromium_accepts_url, url_has_credentials
from corslint.lint import LintResult, lint, run_checks
from corslint.model import ParseProblem, PolicyModel
from corslint.reporters import REPORTERS


def fuzz(examples: int):
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


TCHAR = set("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)

# Includes in generated configs resolve against the working directory: run in
# an empty one holding a snippet, so nothing outside is ever read.
SNIPPET = "add_header Access-Control-Allow-Origin $http_origin always;\nadd_header Vary Origin;\n"


@pytest.fixture(scope="module", autouse=True)
def sandbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    (root / "snippets").mkdir()
    (root / "snippets" / "cors.conf").write_text(SNIPPET)
    (root / "conf.d").mkdir()
    old = os.getcwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(old)


# ---------------------------------------------------------------- shared strategies

ORIGINS = st.sampled_from([
    "https://app.example.com", "http://app.example.com", "https://app.example.com:8443", "null", "*",
    "https://evil.example", "https://app.example.com.evil.test", "https://APP.example.com",
    "https://app.example.com/", "https://*.example.com", "http://[::1]:8080", "http://127.0.0.1",
    "https://xn--caf-dma.example", "https://café.example", "https://a.b.example.com", "file:///etc/x",
    "https://user:pw@app.example.com", "https://app.example.com:443", "ws://app.example.com", "",
])
HEADER_NAMES = st.sampled_from([
    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
    "Vary", "Location", "Content-Type", "access-control-allow-origin", "X-Custom",
])
HEADER_VALUES = st.one_of(
    ORIGINS,
    st.sampled_from(["true", "True", "false", "1", "*", "GET, POST", "GET; POST", '"GET", POST',
                     "PUT,DELETE,,PATCH", "Authorization, Content-Type", "X-Requested-With", "600",
                     "86400", "-1", "1e3", "+5", " 7200 ", "Origin", "https://app.example.com, https://b.example",
                     "https://app.example.com https://b.example", "\t*\t"]),
    st.text(max_size=40),
)


# ---------------------------------------------------------------- engine: header values


@fuzz(500)
@given(st.text(max_size=80))
def test_header_list_parse(value):
    tokens, invalid = parse_header_list(value)
    assert all(is_token(t) for t in tokens)
    assert all(entry and not is_token(entry) for entry in invalid)
    # the tokens alone, listed again, parse to themselves
    assert parse_header_list(", ".join(tokens)) == (tokens, [])
    entry = firefox_invalid_entry(value)
    assert entry is None or (entry and not is_token(entry) and entry in value)


@fuzz(300)
@given(st.lists(st.text(alphabet=sorted(TCHAR), min_size=1, max_size=12), max_size=6),
       st.sampled_from([",", ", ", " ,\t", ",,"]))
def test_header_list_of_tokens_roundtrips(tokens, sep):
    assert parse_header_list(sep.join(tokens)) == (tokens, [])
    assert firefox_invalid_entry(sep.join(tokens)) is None


@fuzz(500)
@given(st.text(max_size=20))
def test_is_token_is_rfc9110_tchar(value):
    assert is_token(value) == (bool(value) and set(value) <= TCHAR)


@fuzz(500)
@given(st.one_of(st.text(max_size=20), st.integers(min_value=-10**6, max_value=10**12).map(str)))
def test_max_age_parse(value):
    seconds, problem = parse_max_age(value)
    assert (seconds is None) != (problem is None)
    if seconds is not None:
        assert seconds >= 0
        assert value.strip(" \t") == str(seconds) or value.strip(" \t").lstrip("0") == str(seconds).lstrip("0")
    else:
        assert isinstance(problem, str) and problem


@fuzz(200)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", " ", "\t", " \t"]))
def test_max_age_integers(n, ows):
    assert parse_max_age(f"{ows}{n}{ows}") == (n, None)


# ---------------------------------------------------------------- engine: origins

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
# a last label that is a number makes the host an IPv4 address to a browser
# (and "a.0" an invalid one), so the top-level label is letters
TLD = st.from_regex(r"[a-z]{2,6}", fullmatch=True)
HOST = st.builds(lambda labels, tld: ".".join([*labels, tld]), st.lists(LABEL, max_size=3), TLD)
URLISH = st.one_of(
    st.text(max_size=60),
    st.builds(lambda s, h, p, rest: f"{s}://{h}{p}{rest}",
              st.sampled_from(["http", "https", "HTTP", "ws", "wss", "ftp", "file", "chrome-extension", "x"]),
              st.one_of(HOST, st.text(max_size=15), st.sampled_from(["[::1]", "127.0.0.1", "0x7f.1", "*.a.b",
                                                                     "user:pw@h.example", "%41.example"])),
              st.one_of(st.just(""), st.integers(min_value=0, max_value=70000).map(lambda p: f":{p}"),
                        st.sampled_from([":", ":080", ":+1", ": 80"])),
              st.sampled_from(["", "/", "/path", "?q", "#f", "\\x", " "])),
)


@fuzz(500)
@given(URLISH)
def test_origin_parsers_never_raise(text):
    origin = parse_origin(text)
    if origin is not None and not origin.opaque:
        # what a browser sends in Origin parses back to itself
        assert parse_origin(origin.serialize()) == origin
    parts = parse_url(text)
    if parts is not None:
        assert isinstance(parts.serialize(), str)
        assert url_origin(text) == parts.origin()
    assert isinstance(display_url(text), str)
    assert isinstance(url_has_credentials(text), bool)
    assert isinstance(chromium_accepts_url(text), bool)
    assert all(o and not re.search(r"[\s,]", o) for o in split_origins(text))
    problem = origin_value_problem(text)
    if problem is None:
        parsed = parse_origin(text)
        assert text in ("*", "null") or (parsed is not None and parsed.serialize() == text)
    else:
        assert isinstance(problem, str) and problem


@fuzz(200)
@given(st.sampled_from(["http", "https"]), HOST, st.one_of(st.none(), st.integers(min_value=1, max_value=65535)))
def test_serialized_origins_are_valid_allow_origin_values(scheme, host, port):
    if port is not None and port == {"http": 80, "https": 443}[scheme]:
        port = None
    text = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
    origin = parse_origin(text)
    assert origin is not None and origin.serialize() == text
    assert origin_value_problem(text) is None


# ---------------------------------------------------------------- engine: CORS checks

REQUESTS = st.builds(
    CorsRequest,
    url=st.sampled_from(["https://api.example.com/v1/items", "http://api.example.com/", "https://app.example.com/x",
                         "https://user:pw@api.example.com/", "not a url"]),
    origin=ORIGINS,
    method=st.one_of(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "get",
                                      "patch", "CONNECT", "X-CUSTOM"]), st.text(max_size=8)),
    headers=st.lists(st.tuples(st.sampled_from(["Content-Type", "Authorization", "X-Requested-With", "Accept",
                                                "Range", "Cookie", "X-Custom"]),
                               st.one_of(st.sampled_from(["application/json", "text/plain", "bytes=0-1",
                                                          "Bearer x"]), st.text(max_size=20))),
                     max_size=4).map(tuple),
    credentials=st.booleans(),
    api=st.sampled_from(["fetch", "xhr"]),
)
RESPONSES = st.builds(
    HttpResponse,
    status=st.one_of(st.sampled_from([200, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 500]),
                     st.integers(min_value=100, max_value=599)),
    headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=8).map(tuple),
)


@fuzz(500)
@given(REQUESTS, RESPONSES, RESPONSES)
def test_cors_engine_judges_any_exchange(req, preflight, actual):
    for failure in (check_cors(req, actual), check_preflight(req, preflight)):
        if failure is not None:
            assert failure.chrome_message(req) and failure.firefox_messages(req)
    if actual.is_redirect:
        failure = check_redirect(req, actual)
        if failure is None:
            assert isinstance(follow_redirect(req, actual), CorsRequest)
        else:
            assert failure.chrome_message(req)
    verdict = run(req, preflight if needs_preflight(req) else None, actual)
    assert verdict.ok == (verdict.failure is None)
    if verdict.failure is not None:
        assert verdict.stage in ("preflight", "actual")
        assert verdict.failure.chrome_message(req)
        assert all(verdict.failure.firefox_messages(req))


# ---------------------------------------------------------------- config text helpers


def damage(draw, text: str) -> str:
    """Maybe break ``text``: drop a span, or insert a brace, quote, semicolon,
    backslash, NUL or newline somewhere."""
    how = draw(st.sampled_from(["none", "none", "drop", "insert", "truncate"]))
    if how == "none" or not text:
        return text
    i = draw(st.integers(min_value=0, max_value=len(text)))
    if how == "drop":
        j = draw(st.integers(min_value=i, max_value=min(len(text), i + 8)))
        return text[:i] + text[j:]
    if how == "truncate":
        return text[:i]
    junk = draw(st.sampled_from(["{", "}", ";", '"', "'", "\\", "\x00", "\n", "#", "$", "<", ">", "</If>",
                                 "<Directory />", "\ufeff", "\r", "{{ x }}", "${X}"]))
    return text[:i] + junk + text[i:]


def assert_problems_are_lines(problems) -> None:
    for problem in problems:
        assert isinstance(problem, ParseProblem)
        assert isinstance(problem.message, str) and problem.message.strip()
        assert "\n" not in problem.message
        assert problem.line is None or problem.line >= 1


def assert_reportable(result: LintResult) -> None:
    assert_problems_are_lines(result.problems)
    for finding in result.findings:
        assert finding.code in checks.REGISTRY
        assert finding.source.line >= 1
    for name in ("text", "json"):
        out = io.StringIO()
        REPORTERS[name](result, result.findings, out, False)
        if name == "json":
            json.loads(out.getvalue())


# ---------------------------------------------------------------- nginx

NGX_WORD = st.sampled_from([
    "*", "$http_origin", "$cors", "${http_origin}", '"https://app.example.com"', "'true'", "true", "always",
    "'GET, POST, OPTIONS'", '"Authorization, Content-Type"', "600", "86400", "Origin", "off", "on", "204",
    "301", "https://$host$request_uri", "http://127.0.0.1:8080", "/api/", "=", "~", "~*", "^~", "@named",
    '"~^https://(.+\\.)?example\\.com$"', "^https://app\\.example\\.com$", "$request_method", "OPTIONS",
    "GET", "\"\"", "''", "'a b'", "\"x\\\"y\"", "$1", "(", ")", "!", "!~*", "-f", "$cors_origin",
    "'${CORS_ORIGIN}'", "é", "🚀",
])
NGX_HEADER = st.sampled_from([
    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Vary",
    "'Access-Control-Allow-Origin'", "X-Frame-Options",
])
NGX_IF = st.sampled_from([
    "($request_method = OPTIONS)", "($request_method = 'OPTIONS')", "($request_method ~ ^(GET|POST)$)",
    "($http_origin ~* \"^https://(app|admin)\\.example\\.com$\")", "($http_origin ~* example.com)",
    "($http_origin = \"https://app.example.com\")", "($http_origin != '')", "($cors = 'true')",
    "($http_origin ~* (^https?://.*\\.example\\.com(:[0-9]+)?$))", "(-f $request_filename)", "($x)",
    "($http_origin ~ \"(\")", "($request_method !~ ^(GET|HEAD)$)",
])


def ngx_directive():
    return st.one_of(
        st.builds(lambda h, v, a: f"add_header {h} {v}{' always' if a else ''};", NGX_HEADER, NGX_WORD, st.booleans()),
        st.builds(lambda h, v: f"more_set_headers '{h}: {v}';", NGX_HEADER, st.sampled_from(["*", "$http_origin",
                                                                                            "true"])),
        st.builds(lambda w: f"return {w};", st.sampled_from(["204", "200 'ok'", "301 https://$host$request_uri",
                                                             "302 /login", "403", "405", "444", "x"])),
        st.builds(lambda w: f"rewrite ^/(.*)$ {w};", st.sampled_from(["/new/$1 permanent", "https://x.test/$1 redirect",
                                                                      "/a last", "https://u:p@x.test/ redirect"])),
        st.builds(lambda v, w: f"set {v} {w};", st.sampled_from(["$cors", "$cors_origin", "$x"]), NGX_WORD),
        st.builds(lambda w: f"proxy_pass {w};", st.sampled_from(["http://backend", "http://127.0.0.1:9000/",
                                                                 "$upstream"])),
        st.sampled_from([
            "proxy_hide_header Access-Control-Allow-Origin;", "auth_basic \"restricted\";", "auth_basic off;",
            "auth_request /auth;", "include snippets/cors.conf;", "include missing/*.conf;", "include conf.d/*.conf;",
            "include nowhere.conf;", "listen 443 ssl;", "listen 80;", "server_name api.example.com;",
            "root /var/www;", "try_files $uri $uri/ =404;", "more_clear_headers 'Access-Control-*';",
            "error_page 404 /404.html;", "# comment { \" ;", "deny all;", "allow 10.0.0.0/8;",
        ]),
        st.lists(NGX_WORD, min_size=1, max_size=4).map(lambda ws: "x_unknown " + " ".join(ws) + ";"),
    )


def ngx_block(children):
    body = st.lists(children, max_size=5).map(lambda items: "\n".join(items))
    return st.one_of(
        st.builds(lambda b: f"server {{\n{b}\n}}", body),
        st.builds(lambda a, b: f"location {a} {{\n{b}\n}}", st.sampled_from(
            ["/", "/api/", "= /health", "~ \\.json$", "~* ^/(a|b)/", "^~ /static/", "@fallback"]), body),
        st.builds(lambda c, b: f"if {c} {{\n{b}\n}}", NGX_IF, body),
        st.builds(lambda m, b: f"limit_except {m} {{\n{b}\n}}", st.sampled_from(["GET", "GET POST", "OPTIONS"]),
                  st.just("deny all;")),
        st.builds(lambda b: f"http {{\n{b}\n}}", body),
    )


NGX_MAP = st.builds(
    lambda var, entries: f"map $http_origin {var} {{\n" + "\n".join(entries) + "\n}",
    st.sampled_from(["$cors", "$cors_origin"]),
    st.lists(st.sampled_from([
        'default "";', "default $http_origin;", "default *;", '"~^https://app\\.example\\.com$" $http_origin;',
        '"~*example.com" $http_origin;', '"https://app.example.com" "https://app.example.com";', "hostnames;",
        '~^https://(.*)$ $1;', '"~^https?://(www\\.)?example\\.(com|org)$" $http_origin;', "'null' null;",
        '"~(" $http_origin;',
    ]), max_size=5),
)

NGX_CONFIG = st.lists(
    st.one_of(NGX_MAP, st.recursive(ngx_directive(), ngx_block, max_leaves=12)), min_size=1, max_size=5,
).map(lambda parts: "\n".join(parts) + "\n")


@st.composite
def nginx_text(draw):
    return damage(draw, draw(NGX_CONFIG))


def lint_text(text: str, filename: str) -> LintResult:
    return lint(["-"], stdin_text=text, stdin_filename=filename)


@fuzz(300)
@given(nginx_text())
def test_nginx_pipeline_never_raises(text):
    result = lint_text(text, "fuzz.conf")
    assert_reportable(result)


@fuzz(150)
@given(st.text(max_size=200))
def test_nginx_frontend_on_arbitrary_text(text):
    from corslint.frontends import nginx

    model = nginx.parse_files(["fuzz.conf"], stdin={"fuzz.conf": text}, texts={})
    assert isinstance(model, PolicyModel)
    assert_problems_are_lines(model.problems)
    run_checks(model)


# ---------------------------------------------------------------- Apache

AP_VALUE = st.sampled_from([
    '"*"', "*", '"%{HTTP:Origin}e"', "%{ORIGIN}e", '"https://app.example.com"', '"true"', "true", '"True"',
    '"GET, POST, OPTIONS"', '"Authorization, Content-Type"', '"600"', "Origin", '"https://a.example https://b.example"',
    '"%{CORS_ORIGIN}e"', "\"x \\\" y\"", "''", '"${ORIGIN}"', "'unterminated",
])
AP_HEADER = st.sampled_from([
    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Vary", "access-control-allow-origin",
])
AP_COND = st.sampled_from([
    "", " env=CORS", " env=!CORS", " env=ORIGIN", " \"expr=%{HTTP:Origin} =~ m#^https://app\\.example\\.com$#\"",
    " \"expr=-n %{HTTP:Origin}\"", " early", " expr=garbage(",
])
AP_EXPR = st.sampled_from([
    "%{HTTP:Origin} =~ m#^https://(app|admin)\\.example\\.com$#", "%{REQUEST_METHOD} == 'OPTIONS'",
    "-n %{HTTP:Origin}", "%{HTTP_ORIGIN} in {'https://a.example', 'https://b.example'}",
    "%{HTTP:Origin} =~ /example.com/ && %{REQUEST_METHOD} != 'OPTIONS'", "! (%{HTTP:Origin} == 'null')",
    "true", "false", "%{HTTP:Origin} == ", "((", "%{HTTP:Origin} -strmatch '*.example.com'",
    "%{HTTP:Origin} =~ m#(#", "tolower(%{HTTP:Origin}) == 'https://a.example'",
])


def ap_directive():
    return st.one_of(
        st.builds(lambda al, op, h, v, c: f"Header {al}{op} {h} {v}{c}",
                  st.sampled_from(["", "always ", "onsuccess ", "Always "]),
                  st.sampled_from(["set", "add", "append", "merge", "setifempty"]), AP_HEADER, AP_VALUE, AP_COND),
        st.builds(lambda al, h: f"Header {al}unset {h}", st.sampled_from(["", "always "]), AP_HEADER),
        st.builds(lambda nc, rx, var: f"SetEnvIf{nc} Origin \"{rx}\" {var}",
                  st.sampled_from(["", "NoCase"]),
                  st.sampled_from(["^https://(app|admin)\\.example\\.com$", "example.com", ":", "(.*)",
                                   "^(https?://(?:.+\\.)?example\\.com(?::\\d{1,5})?)$", "(", "^null$"]),
                  st.sampled_from(["CORS=1", "ORIGIN=$0", "ORIGIN=$1", "!CORS", "CORS"])),
        st.builds(lambda rx, fl: f"RewriteCond %{{HTTP:Origin}} {rx}{fl}",
                  st.sampled_from(["^https://app\\.example\\.com$", "example\\.com", "!^$", "(.*)"]),
                  st.sampled_from(["", " [NC]", " [NC,OR]", " [bad"])),
        st.builds(lambda rule: f"RewriteRule {rule}", st.sampled_from([
            "^ - [E=CORS_ORIGIN:%{HTTP:Origin}]", "^(.*)$ https://www.example.com/$1 [R=301,L]",
            "^ - [R=204,L]", ".* - [F]", "^api/(.*)$ /v2/$1 [L]", "^ https://u:p@x.test/ [R,L]",
        ])),
        st.sampled_from([
            "RewriteEngine On", "RewriteCond %{REQUEST_METHOD} OPTIONS", "Redirect 301 / https://www.example.com/",
            "Redirect permanent /old https://x.example/new", "AuthType Basic", "AuthName \"x\"",
            "Require valid-user", "Require all granted", "Require all denied", "Require method OPTIONS GET",
            "ProxyPass / http://backend/", "ProxyPassReverse / http://backend/", "Include missing.conf",
            "IncludeOptional conf.d/*.conf", "Include snippets/*.conf", "DocumentRoot /var/www/html",
            "ServerName api.example.com", "SSLEngine on", "Listen 443", "DirectorySlash On", "Options -Indexes",
            "# comment <Directory>", "Define ORIGIN https://a.example", "UnknownDirective a b c",
            "Header always set Access-Control-Allow-Origin \\\n    \"*\"",
        ]),
    )


def _section(name: str, args, body):
    return st.builds(lambda a, b: f"<{name}{' ' if a else ''}{a}>\n{b}\n</{name}>", args, body)


def ap_block(children):
    body = st.lists(children, max_size=5).map(lambda items: "\n".join(items))
    words = st.sampled_from
    return st.one_of(
        _section("VirtualHost", words(["*:80", "*:443", "_default_:443"]), body),
        _section("Directory", words(["/var/www/html", '"/var/www"', "/", "/srv/*/api"]), body),
        _section("DirectoryMatch", words(['"^/var/www/(a|b)"', '"("']), body),
        _section("Location", words(["/", "/api", "/api/"]), body),
        _section("LocationMatch", words(['"^/api/"', '"\\.json$"']), body),
        _section("Files", words(['"*.json"', "index.html"]), body),
        _section("FilesMatch", words(['"\\.(json|woff2?)$"', '"("', '"."']), body),
        _section("IfModule", words(["mod_headers.c", "!mod_headers.c", "headers_module"]), body),
        _section("If", AP_EXPR.map(lambda e: f'"{e}"'), body),
        _section("ElseIf", AP_EXPR.map(lambda e: f'"{e}"'), body),
        _section("Else", st.just(""), body),
        _section("Limit", words(["GET POST", "OPTIONS"]), body),
        _section("LimitExcept", words(["GET", "OPTIONS GET"]), body),
    )


AP_CONFIG = st.lists(st.recursive(ap_directive(), ap_block, max_leaves=12), min_size=1, max_size=5).map(
    lambda parts: "\n".join(parts) + "\n")


@st.composite
def apache_text(draw):
    return damage(draw, draw(AP_CONFIG))


def _apache():
    from corslint.frontends import apache

    return apache


@fuzz(250)
@given(apache_text(), st.sampled_from(["httpd.conf", ".htaccess", "site.conf"]))
def test_apache_frontend_never_raises(text, filename):
    model = _apache().parse_files([filename], stdin={filename: text}, texts={})
    assert isinstance(model, PolicyModel)
    assert_problems_are_lines(model.problems)
    findings = run_checks(model)
    assert_reportable(LintResult(findings=findings, problems=model.problems, files=model.files,
                                 texts={filename: text}))


@fuzz(100)
@given(apache_text())
def test_apache_through_the_pipeline(text):
    # .htaccess is always Apache's, whatever the text looks like
    assert_reportable(lint_text(text, ".htaccess"))


def _grammar():
    from corslint.grammars import apache as grammar

    return grammar


def _walk(nodes, depth=0):
    for node in nodes:
        assert node.line >= 1 and node.column >= 1
        assert isinstance(node.name, str) and node.name
        if node.children is not None:
            yield from _walk(node.children, depth + 1)
        yield node


@fuzz(300)
@given(st.one_of(apache_text(), st.text(max_size=120)))
def test_apache_grammar_raises_only_its_syntax_error(text):
    grammar = _grammar()
    try:
        nodes = grammar.parse_config(text)
    except grammar.ApacheSyntaxError as exc:
        assert exc.message and "\n" not in exc.message
        assert exc.line is None or exc.line >= 1
        return
    n_lines = text.count("\n") + 1
    for node in _walk(nodes):
        assert node.line <= n_lines


@fuzz(300)
@given(st.one_of(AP_EXPR, st.text(max_size=60),
                 st.builds(lambda a, op, b: f"{a} {op} {b}", AP_EXPR, st.sampled_from(["&&", "||", "=~", "=="]),
                           st.one_of(AP_EXPR, st.text(max_size=10)))))
def test_apache_expression_parser_raises_only_expr_error(text):
    grammar = _grammar()
    try:
        tree = grammar.parse_expr(text)
    except grammar.ExprError as exc:
        assert str(exc)
        return
    assert isinstance(tree, tuple) and tree and isinstance(tree[0], str)
