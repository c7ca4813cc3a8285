"""nginx tokens exactly as crossplane's lexer gives them, about four times faster.

crossplane's lexer walks a config one character at a time through three
stacked generators; on a large config that is most of crossplane's parse
time. This lexer reads the same tokens (text, line, quoted) with a few
regular expressions per token, and crossplane's own parser still builds the
tree from them. "The same" includes crossplane's quirks, because the tree
and the line numbers in findings must not change:

- a backslash and the character after it are one unit everywhere: an
  escaped newline counts as a line, an escaped quote does not close a string;
- a token, comment or string cut off by the end of the file is dropped;
- ``${`` in a word reads on to ``}`` and then takes the next character, even
  a space, into the word;
- braces are balanced as crossplane balances them, with its messages.

tests/test_nginx_lexer.py compares the two lexers on generated input and on
every nginx file of the corpus.
"""

from __future__ import annotations

import io
import re
from typing import Iterable, Iterator

Token = tuple[str, int, bool]

# One token at a time after any whitespace: the shapes nearly every config is
# made of. Anything else (escapes, strings with escapes or newlines, ``${``,
# comments with a backslash, the end of the file) goes to the careful path.
_COMMON = re.compile(r"""
    \s*
    (?:
        (?P<word>[^\s{};\\"'\#][^\s{};\\]*)(?=[\s;}]|(?<!\$)\{)
      | (?P<special>[{};])
      | (?P<comment>\#[^\n\\]*)\n
      | "(?P<dq>[^"\\\n]*)"
      | '(?P<sq>[^'\\\n]*)'
    )""", re.VERBOSE)
_SPACE = re.compile(r"\s*")
_WORD_RUN = re.compile(r"[^\s{};\\]*")
_COMMENT_RUN = re.compile(r"[^\n\\]*")
_STRING_RUN = {'"': re.compile(r'[^"\\]*'), "'": re.compile(r"[^'\\]*")}


class _EndOfInput(Exception):
    """The file ends inside a construct: crossplane's lexer stops there."""


# What nginx accepts right after a closing quote (ngx_conf_read_token's
# need_space state): whitespace, the end of the directive, a block or the
# ')' closing an if condition. Anything else is "unexpected" to nginx.
_AFTER_QUOTE = frozenset(" \t\r\n;{)")


def tokens(text: str, nginx_quotes: bool = False) -> tuple[list[Token], tuple[str, int] | None]:
    """The tokens crossplane's lexer yields for ``text``, and the brace error
    it raises after them (reason, line), if any.

    With ``nginx_quotes`` a closing quote followed by anything nginx does not
    accept there (``'a'*``, ``"a"b``, ``"a"}``) is that error, as ``nginx -t``
    reports it: crossplane reads on, and the quote that follows would open a
    string that swallows the next directives."""
    out: list[Token] = []
    append = out.append
    depth = 0
    line = 1
    pos = 0          # where the next token may start
    counted = 0      # newlines before this offset are in ``line``
    n = len(text)
    common = _COMMON.match
    count = text.count
    while pos < n:
        m = common(text, pos)
        if m is not None:
            kind = m.lastgroup
            start = m.start(kind)
            line += count("\n", counted, start)
            counted = start
            value = m.group(kind)
            if kind == "special" and value != ";":
                depth += 1 if value == "{" else -1
                if depth < 0:
                    return out, ('unexpected "}"', line)
            # no newline inside any of these: the line count stays right
            quoted = kind == "dq" or kind == "sq"
            append((value, line, quoted))
            pos = m.end()
            if quoted and nginx_quotes and pos < n and text[pos] not in _AFTER_QUOTE:
                return out, (f'unexpected "{text[pos]}"', line)
            continue
        # the careful path, for one token
        pos = _SPACE.match(text, pos).end()
        if pos >= n:
            break
        line += count("\n", counted, pos)
        counted = pos
        try:
            pos, token = _careful_token(text, pos, line)
        except _EndOfInput:
            break
        append(token)
        if token[2] and nginx_quotes and pos < n and text[pos] not in _AFTER_QUOTE:
            return out, (f'unexpected "{text[pos]}"', line + count("\n", counted, pos))
        line += count("\n", counted, pos)
        counted = pos
    if depth > 0:
        return out, ('unexpected end of file, expecting "}"', out[-1][1])
    return out, None


def _unit(text: str, pos: int) -> str:
    """The character at ``pos``, or a backslash and the one after it."""
    if pos >= len(text):
        raise _EndOfInput
    if text[pos] == "\\":
        if pos + 1 >= len(text):
            raise _EndOfInput
        return text[pos:pos + 2]
    return text[pos]


def _careful_token(text: str, pos: int, line: int) -> tuple[int, Token]:
    """The token starting at ``pos`` (not whitespace, not a brace or ';', which
    the common path takes) and where the next one may start."""
    c = text[pos]
    if c == "#":
        return _comment(text, pos, line)
    if c in "\"'":
        return _string(text, pos, line)
    # a word: crossplane keeps it exactly as written, escapes included
    start = pos
    first = _unit(text, pos)
    token_line = line + (first == "\\\n")  # the unit's newline counts before it
    while True:
        pos = _WORD_RUN.match(text, pos).end()
        unit = _unit(text, pos)
        if len(unit) == 2:  # an escape never ends a word
            pos += 2
            continue
        if unit == "{" and text[pos - 1] == "$":
            pos = _parameter_expansion(text, pos)
            continue
        return pos, (text[start:pos], token_line, False)


def _parameter_expansion(text: str, pos: int) -> int:
    """From the ``{`` of ``${``: up to the next unit ending in ``}`` or the next
    whitespace, then one more unit unless it is a brace or ';'."""
    while True:
        unit = _unit(text, pos)
        pos += len(unit)
        following = _unit(text, pos)
        if unit[-1] == "}" or following.isspace():
            break
    if following in ("{", "}", ";"):
        return pos
    return pos + len(following)  # whitespace, a quote: part of the word now


def _comment(text: str, pos: int, line: int) -> tuple[int, Token]:
    """A comment ends before the first unit that ends with a newline (an
    escaped newline too), which it swallows."""
    start = pos
    while True:
        pos = _COMMENT_RUN.match(text, pos).end()
        unit = _unit(text, pos)
        if unit[-1] == "\n":
            return pos + len(unit), (text[start:pos], line, False)
        pos += len(unit)


def _string(text: str, pos: int, line: int) -> tuple[int, Token]:
    """A quoted string; an escaped quote is the quote, other escapes stay."""
    quote = text[pos]
    run = _STRING_RUN[quote].match
    pos += 1
    parts = []
    while True:
        end = run(text, pos).end()
        parts.append(text[pos:end])
        unit = _unit(text, end)
        pos = end + len(unit)
        if unit == quote:
            return pos, ("".join(parts), line, True)
        parts.append(quote if unit == "\\" + quote else unit)


def lex(filename: str, text: str | None = None) -> Iterator[Token]:
    """A stand-in for ``crossplane.lexer.lex``: the same tokens and errors,
    read from ``text`` when given (what corslint's size-limited reader
    returned: the file is then never opened a second time), else from the
    file as crossplane reads it. A file that names a directive some
    crossplane extension lexes itself (crossplane's Lua plugin, on by
    default, reads ``*_by_lua_block`` bodies as Lua) is read by crossplane's
    lexer, which hands those over."""
    import crossplane.lexer
    from crossplane.errors import NgxParserSyntaxError

    if text is None:
        with io.open(filename, mode="r", encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    if any(name in text for name in crossplane.lexer.EXTERNAL_LEXERS):
        # crossplane.lexer.lex(filename) on the text, without opening the file
        found = crossplane.lexer._balance_braces(crossplane.lexer._lex_file_object(io.StringIO(text)),
                                                 filename)
        yield from _refusing_nul_names(found, filename)
        return
    found, error = tokens(text, nginx_quotes=True)
    yield from _refusing_nul_names(found, filename)
    if error is not None:
        reason, line = error
        raise NgxParserSyntaxError(reason, filename, line)


def _refusing_nul_names(found: Iterable[Token], filename: str) -> Iterator[Token]:
    """The tokens, refusing a directive name that holds a NUL byte as nginx
    does ('unknown directive ""': its C string ends at the NUL). crossplane
    would take the NUL and the words after it for one unknown directive and
    the next real directive would silently vanish. A NUL in a value or a
    comment is nginx's business only (nginx -t accepts it)."""
    from crossplane.errors import NgxParserSyntaxError

    starts_statement = True
    for token in found:
        value, line, quoted = token
        if starts_statement and not quoted and "\x00" in value and not value.startswith("#"):
            name = value.split("\x00", 1)[0]
            raise NgxParserSyntaxError(f'unknown directive "{name}" (a NUL byte where a directive name '
                                       "belongs)", filename, line)
        if not value.startswith("#") or quoted:
            starts_statement = not quoted and value in (";", "{", "}")
        yield token


def parse(filename: str, text: str | None = None, **options) -> dict:
    """``crossplane.parse`` reading its tokens with this lexer, from
    ``text`` when given (crossplane itself opens no file with ``single``)."""
    import crossplane
    import crossplane.parser

    original = crossplane.parser.lex
    crossplane.parser.lex = lambda name: lex(name, text if name == filename else None)
    try:
        return crossplane.parse(filename, **options)
    finally:
        crossplane.parser.lex = original
