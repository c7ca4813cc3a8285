"""corslint's nginx lexer must give exactly crossplane's tokens, lines and
brace errors: the tree, and every line number in a finding, come from them."""

from __future__ import annotations

import io
import os

import crossplane
import crossplane.lexer
import crossplane.parser
import pytest
from crossplane.errors import NgxParserSyntaxError
from hypothesis import given, settings
from hypothesis import strategies as st

from corslint.frontends.nginx import lexer as nginx_lexer
from corslint.frontends.nginx.lexer import tokens

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus")


def crossplane_tokens(text: str):
    """What crossplane's own lexer yields for ``text``, read as it reads a file."""
    found = []
    try:
        for token in crossplane.lexer._balance_braces(crossplane.lexer._lex_file_object(io.StringIO(text))):
            found.append(token)
    except NgxParserSyntaxError as exc:
        return found, (exc.strerror, exc.lineno)
    return found, None


# Characters where the two readings could part: escapes, both quotes, the
# parameter-expansion ``${``, comments, braces, and whitespace that is not
# ASCII (str.isspace and the regex \s must agree on it).
TRICKY = st.text(alphabet="ab$#{};\"'\\ \t\n\x0b\xa0\u2028", max_size=80)

FRAGMENTS = st.sampled_from([
    "server", "location", "~", r"\.php$", "add_header", "Access-Control-Allow-Origin",
    "$http_origin", "${var}", "${a}b", "$", "{", "}", ";", " ", "  ", "\n", "\t",
    '"a b"', "'x'", '"\\""', "'\\''", '"line\nbreak"', "# note\n", "#\\\n", "\\", "\\\n",
    "\\;", "\\{", "\\ ", '"', "'", "#", "if", "($request_method", "=", "OPTIONS)", "always",
])
CONFIGS = st.lists(FRAGMENTS, max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(TRICKY)
def test_same_tokens_as_crossplane_on_tricky_characters(text):
    assert tokens(text) == crossplane_tokens(text)


@settings(max_examples=3000, deadline=None)
@given(CONFIGS)
def test_same_tokens_as_crossplane_on_config_like_text(text):
    assert tokens(text) == crossplane_tokens(text)


@pytest.mark.parametrize("text, expected", [
    # an escaped newline is a line; the word that starts with it is on the next one
    ("a \\\nb;", ([("a", 1, False), ("\\\nb", 2, False), (";", 2, False)], None)),
    # ${ takes the following space into the word
    ("set $x ${a} b;", ([("set", 1, False), ("$x", 1, False), ("${a} b", 1, False), (";", 1, False)], None)),
    # an escaped quote is the quote; other escapes stay as written
    ('"a\\"b\\n"', ([('a"b\\n', 1, True)], None)),
    # what the end of the file cuts off is dropped
    ("a b", ([("a", 1, False)], None)),
    ("# no newline", ([], None)),
    ("x { y;\n", ([("x", 1, False), ("{", 1, False), ("y", 1, False), (";", 1, False)],
                 ('unexpected end of file, expecting "}"', 1))),
    ("}\n", ([], ('unexpected "}"', 1))),
])
def test_crossplane_quirks_kept(text, expected):
    assert tokens(text) == expected
    assert crossplane_tokens(text) == expected


def _nginx_files():
    for root, _dirs, files in os.walk(CORPUS):
        for name in sorted(files):
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                head = fh.read(4096)
            if b"{" in head and (name.endswith(".conf") or b"server" in head or b"location" in head):
                yield path


@pytest.mark.shared
def test_corpus_tokens_and_trees_are_crossplanes():
    paths = list(_nginx_files())
    assert len(paths) > 20
    options = dict(single=True, comments=True, check_ctx=False, check_args=False, catch_errors=False)
    for path in paths:
        with io.open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        assert tokens(text) == crossplane_tokens(text), path
        strict, error = tokens(text, nginx_quotes=True)
        if error is not None and error != tokens(text)[1]:
            # text glued to a quote (the Python and YAML files of the corpus):
            # nginx stops there, crossplane reads on; up to it they agree
            assert strict == crossplane_tokens(text)[0][:len(strict)], path
            continue
        assert nginx_lexer.parse(path, **options) == crossplane.parse(path, **options), path


def test_parse_puts_crossplanes_lexer_back(tmp_path):
    conf = tmp_path / "a.conf"
    conf.write_text("events {}\nhttp { server { listen 80; } }\n")
    original = crossplane.parser.lex
    payload = nginx_lexer.parse(str(conf), single=True)
    assert crossplane.parser.lex is original
    assert [d["directive"] for d in payload["config"][0]["parsed"]] == ["events", "http"]


LUA = """\
location /t {
    content_by_lua_block {
        ngx.say("}") -- a brace in Lua, not nginx
    }
}
"""


def test_lua_blocks_are_read_as_crossplanes_lua_plugin_reads_them(tmp_path):
    conf = tmp_path / "a.conf"
    conf.write_text(LUA)
    options = dict(single=True, comments=True, check_ctx=False, check_args=False)
    payload = nginx_lexer.parse(str(conf), **options)
    assert payload == crossplane.parse(str(conf), **options)
    lua = payload["config"][0]["parsed"][0]["block"][0]
    assert lua["directive"] == "content_by_lua_block" and 'ngx.say("}")' in lua["args"][0]


# After a closing quote nginx wants whitespace, ';', '{' or an if's ')'
# (ngx_conf_read_token's need_space state); anything else is a syntax error.
# crossplane reads on, and a quote there opens a string that swallows the
# next directives: `add_header 'Timing-Allow-Origin '*';` hid the line after it.
QUOTE_ADJACENT = [
    ("add_header 'Timing-Allow-Origin '*';\n    add_header X-Next next;", 'unexpected "*"'),
    ('add_header "X"y z;', 'unexpected "y"'),
    ('add_header X "y"}', 'unexpected "}"'),
    ('add_header X "y"#c\n;', 'unexpected "#"'),
    ("add_header X 'a''b';", "unexpected \"'\""),
    ('add_header X "a\nb"c;', 'unexpected "c"'),      # the careful path: a string over lines
]
QUOTE_ACCEPTED = [
    'add_header X "y";add_header Z z;',
    'if ($request_method = "OPTIONS") { return 204; }',
    'add_header X "y"\t;',
    'add_header X "y"\n;',
    "add_header X 'y' always;",
]


def _wrapped(body: str) -> str:
    return f"events {{}}\nhttp {{\n  server {{\n    location / {{\n    {body}\n    }}\n  }}\n}}\n"


@pytest.mark.parametrize("body,reason", QUOTE_ADJACENT)
def test_text_glued_to_a_closing_quote_is_nginxs_syntax_error(body, reason, tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(_wrapped(body))
    line = 5 + body.split("\n")[0].count("\n") + (body.count("\n") if '"a\nb"' in body else 0)
    with pytest.raises(NgxParserSyntaxError) as caught:
        list(nginx_lexer.lex(str(conf)))
    assert (caught.value.strerror, caught.value.lineno) == (reason, line)


@pytest.mark.parametrize("body", QUOTE_ACCEPTED)
def test_what_nginx_accepts_after_a_quote_lexes(body, tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(_wrapped(body))
    assert list(nginx_lexer.lex(str(conf)))


def test_the_lint_reports_it_as_nginx_does_and_keeps_other_files(tmp_path):
    from corslint.lint import lint
    bad = tmp_path / "bad.conf"
    bad.write_text(_wrapped(QUOTE_ADJACENT[0][0]))
    good = tmp_path / "good.conf"
    good.write_text(_wrapped("add_header Access-Control-Allow-Origin *;\n    add_header "
                             "Access-Control-Allow-Credentials true;"))
    result = lint([str(bad), str(good)])
    assert [(p.file, p.line, p.message) for p in result.problems] == [(str(bad), 5, 'unexpected "*"')]
    assert {f.code for f in result.findings if f.file == str(good)} >= {"CORS201"}


@pytest.mark.server
@pytest.mark.parametrize("body,reason", QUOTE_ADJACENT)
def test_real_nginx_reports_the_same(body, reason, tmp_path):
    from test_samples import nginx_binary
    import subprocess
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\n" + _wrapped(body))
    run = subprocess.run([nginx_binary(), "-t", "-q", "-p", str(tmp_path), "-c", str(conf)],
                         capture_output=True, text=True, timeout=60)
    with pytest.raises(NgxParserSyntaxError) as caught:
        list(nginx_lexer.lex(str(conf)))
    assert run.returncode != 0
    assert f"{caught.value.strerror} in {conf}:{caught.value.lineno}" in run.stderr
