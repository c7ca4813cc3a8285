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
