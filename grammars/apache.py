"""pyparsing grammars for Apache httpd configuration: httpd.conf, vhost files
and .htaccess, and the ap_expr expressions of ``<If>`` and ``expr=``.

``parse_config(text)`` returns the file as a tree of :class:`Node` (directives
and sections) with the line and column of every directive and argument;
``parse_expr(text)`` returns an ap_expr as nested tuples. Both raise
:class:`ApacheSyntaxError` (a line and a message) on input httpd would reject.

What httpd does, and the grammar copies:

* a config line is a logical line: a backslash at the end of a physical line
  (trailing blanks allowed) joins the next one, comments included;
* a comment is a line whose first non-blank character is ``#``; there are no
  comments after a directive (``#`` there is an argument);
* arguments are split like ``ap_getword_conf``: a word starting with a quote
  runs to the matching quote (``\\"`` inside is a quote, other backslashes stay),
  any other word runs to the next blank; an unterminated quote takes the
  rest of the line;
* a section is ``<Name args>`` ... ``</Name>``; directive and section names are
  case-insensitive; the last ``>`` on the opening line ends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyparsing as pp

__all__ = ["ApacheSyntaxError", "Node", "parse_config", "parse_expr", "ExprError", "unquote"]


class ApacheSyntaxError(Exception):
    """A config httpd would not load: ``line`` (1-based) and a message."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Node:
    """A directive, or a section when ``children`` is not None."""

    name: str                         # as written
    args: list[str]                   # unquoted
    line: int
    column: int
    arg_positions: list[tuple[int, int]] = field(default_factory=list)   # (line, column) per arg
    children: list["Node"] | None = None
    end_line: int | None = None       # the closing tag's line, for sections
    raw_args: list[str] = field(default_factory=list)   # as written, quotes included

    @property
    def lname(self) -> str:
        return self.name.lower()

    @property
    def is_section(self) -> bool:
        return self.children is not None


# ---------------------------------------------------------------- words

_CONT_RE = re.compile(r"\\[ \t]*\r?\n")


def unquote(word: str) -> str:
    """An argument's value as httpd sees it: quotes removed, ``\\"`` (or
    ``\\'`` in single quotes) made a quote, line continuations removed."""
    word = _CONT_RE.sub("", word)
    if word[:1] in ('"', "'"):
        quote = word[0]
        body = word[1:-1] if len(word) > 1 and word.endswith(quote) and not _escaped_end(word) else word[1:]
        return body.replace("\\" + quote, quote)
    return word


def _escaped_end(word: str) -> bool:
    # `"abc\"` is an unterminated quote ending in an escaped quote
    n = 0
    i = len(word) - 2
    while i >= 1 and word[i] == "\\":
        n += 1
        i -= 1
    return n % 2 == 1


_CONTINUATION = pp.Regex(r"\\[ \t]*\r?\n").set_name("line continuation")
# A quoted word runs to its matching quote (or, unterminated, to the end of
# the logical line); continuations inside it are part of the line.
_DQ = r'"(?:\\[ \t]*\r?\n|\\.|[^"\\\n])*(?:"|(?=\r?\n)|\Z)'
_SQ = r"'(?:\\[ \t]*\r?\n|\\.|[^'\\\n])*(?:'|(?=\r?\n)|\Z)"
_BARE = r"""(?:[^\s"'\\]|\\(?![ \t]*\r?\n))(?:[^\s\\]|\\(?![ \t]*\r?\n))*"""
# Inside a section's opening tag the final `>` is not part of the last word.
_TAG_BARE = r"""(?:[^\s"'\\>]|\\(?![ \t]*\r?\n)|>(?![ \t]*(?:\r?\n|\Z)))(?:[^\s\\>]|\\(?![ \t]*\r?\n)|>(?![ \t]*(?:\r?\n|\Z)))*"""

_NAME = r"[A-Za-z][A-Za-z0-9_]*"


def _word(pattern: str, name: str) -> pp.ParserElement:
    expr = pp.Regex(pattern).set_name(name)
    expr.set_whitespace_chars(" \t")
    expr.ignore(_CONTINUATION)
    return expr


# ---------------------------------------------------------------- the config grammar


class _Builder:
    """Builds the grammar for one parse (the section stack is per parse)."""

    def __init__(self, text: str):
        self.text = text
        self.stack: list[tuple[str, int]] = []   # (section name, line) of open sections

    def pos(self, loc: int) -> tuple[int, int]:
        return pp.lineno(loc, self.text), pp.col(loc, self.text)

    def grammar(self) -> pp.ParserElement:
        text = self.text

        def located_word(pattern: str, name: str) -> pp.ParserElement:
            w = _word(pattern, name)

            def act(s, loc, toks):
                # `loc` is where the word starts (after blanks and continuations)
                return [(toks[0], loc)]

            w.set_parse_action(act)
            return w

        word = located_word(f"{_DQ}|{_SQ}|{_BARE}", "argument")
        tag_word = located_word(f"{_DQ}|{_SQ}|{_TAG_BARE}", "argument")
        eol = pp.Regex(r"[ \t]*(?:\r?\n|\Z)").set_name("end of line")
        eol.set_whitespace_chars(" \t")
        eol.ignore(_CONTINUATION)

        blank = pp.Regex(r"[ \t]*\r?\n|[ \t]+\Z").leave_whitespace().suppress()
        comment = pp.Regex(r"[ \t]*#(?:\\[ \t]*\r?\n|[^\n])*(?:\r?\n|\Z)").leave_whitespace().suppress()

        name = pp.Regex(rf"[ \t]*{_NAME}(?=[ \t\r\n\\]|\Z)").leave_whitespace().set_name("directive name")
        directive = name + pp.Group(pp.ZeroOrMore(word)) + eol.suppress()
        directive.set_parse_action(self._directive)

        open_tag = (pp.Regex(rf"[ \t]*<{_NAME}(?=[ \t>\\]|\r?\n)").leave_whitespace()
                    + pp.Group(pp.ZeroOrMore(tag_word))
                    + pp.Regex(r">[ \t]*(?:\r?\n|\Z)").set_whitespace_chars(" \t").ignore(_CONTINUATION).suppress())
        open_tag.set_parse_action(self._open)
        close_tag = pp.Regex(r"[ \t]*</[ \t]*[^\s>]*[ \t]*>[ \t]*(?:\r?\n|\Z)").leave_whitespace()
        close_tag.set_parse_action(self._close)
        at_end = pp.StringEnd().leave_whitespace()
        at_end.set_parse_action(self._unclosed)

        bad_line = pp.Regex(r"[ \t]*(?!</)[^ \t\r\n][^\n]*(?:\n|\Z)").leave_whitespace()
        bad_line.set_parse_action(self._bad_line)

        element = pp.Forward()
        body = pp.Group(pp.ZeroOrMore(element))
        section = open_tag + body + (close_tag | at_end)
        section.set_parse_action(self._section)
        element <<= blank | comment | section | directive | bad_line

        stray_close = pp.Regex(r"[ \t]*</[^\n]*").leave_whitespace()
        stray_close.set_parse_action(self._stray_close)
        document = pp.ZeroOrMore(element) + (pp.StringEnd().leave_whitespace() | stray_close)
        document.parse_with_tabs()
        del text
        return document

    # -- parse actions

    def _args(self, toks) -> tuple[list[str], list[str], list[tuple[int, int]]]:
        raws = [w for w, _ in toks]
        positions = [self.pos(loc) for _, loc in toks]
        return [unquote(w) for w in raws], raws, positions

    def _directive(self, s, loc, toks):
        raw_name = toks[0]
        indent = len(raw_name) - len(raw_name.lstrip(" \t"))
        line, col = self.pos(loc + indent)
        args, raws, positions = self._args(toks[1])
        return [Node(raw_name.strip(), args, line, col, positions, None, None, raws)]

    def _open(self, s, loc, toks):
        raw = toks[0]
        indent = len(raw) - len(raw.lstrip(" \t"))
        line, col = self.pos(loc + indent)
        name = raw.strip()[1:]
        args, raws, positions = self._args(toks[1])
        self.stack.append((name, line))
        return [Node(name, args, line, col, positions, [], None, raws)]

    def _close(self, s, loc, toks):
        name = re.match(r"[ \t]*</[ \t]*([^\s>]*)", toks[0]).group(1)
        line = self.pos(loc)[0]
        if not self.stack:
            raise pp.ParseFatalException(s, loc, f"</{name}> without a matching <{name}>")
        opened, open_line = self.stack.pop()
        if name.lower() != opened.lower():
            raise pp.ParseFatalException(
                s, loc, f"expected </{opened}> (for <{opened}> on line {open_line}) but found </{name}>")
        return [line]

    def _unclosed(self, s, loc, toks):
        opened, open_line = self.stack[-1] if self.stack else ("?", None)
        raise _Unclosed(opened, open_line)

    def _section(self, s, loc, toks):
        node: Node = toks[0]
        node.children = list(toks[1])
        node.end_line = toks[2]
        return [node]

    def _bad_line(self, s, loc, toks):
        line_text = toks[0].strip()
        if line_text.startswith("<") and not line_text.rstrip().endswith(">"):
            m = re.match(r"<([^\s>]*)", line_text)
            raise pp.ParseFatalException(s, loc, f"<{m.group(1) if m else ''}> section tag is missing its closing '>'")
        if line_text.startswith("<"):
            raise pp.ParseFatalException(s, loc, f"'{_short(line_text)}' is not a valid section tag")
        word = line_text.split()[0] if line_text.split() else line_text
        raise pp.ParseFatalException(s, loc, f"'{_short(word)}' is not a directive name")

    def _stray_close(self, s, loc, toks):
        m = re.match(r"[ \t]*</[ \t]*([^\s>]*)", toks[0])
        name = m.group(1) if m else ""
        raise pp.ParseFatalException(s, loc, f"</{name}> without a matching <{name}>")


class _Unclosed(Exception):
    def __init__(self, name: str, line: int | None):
        super().__init__(name)
        self.name = name
        self.line = line


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_config(text: str) -> list[Node]:
    """Parse one config file's text into its directives and sections."""
    if text.startswith("\ufeff"):
        text = text[1:]
    builder = _Builder(text)
    grammar = builder.grammar()
    try:
        result = grammar.parse_string(text, parse_all=True)
    except _Unclosed as exc:
        raise ApacheSyntaxError(exc.line, f"<{exc.name}> is never closed (no </{exc.name}>)") from None
    except (pp.ParseFatalException, pp.ParseSyntaxException) as exc:
        raise ApacheSyntaxError(pp.lineno(exc.loc, text), exc.msg) from None
    except pp.ParseException as exc:
        raise ApacheSyntaxError(exc.lineno, f"cannot parse: {exc.msg}") from None
    except RecursionError:
        raise ApacheSyntaxError(None, "sections nested too deeply to parse") from None
    return [n for n in result if isinstance(n, Node)]


# ---------------------------------------------------------------- ap_expr


class ExprError(Exception):
    """An ap_expr corslint cannot parse."""


def _expr_grammar() -> pp.ParserElement:
    var = pp.Regex(r"%\{(?:[^{}]|%\{[^{}]*\})*\}").set_parse_action(lambda t: [("var", t[0][2:-1])])
    sq = pp.Regex(r"'(?:\\.|[^'\\])*'").set_parse_action(lambda t: [("str", t[0][1:-1].replace("\\'", "'"))])
    dq = pp.Regex(r'"(?:\\.|[^"\\])*"').set_parse_action(lambda t: [("str", t[0][1:-1].replace('\\"', '"'))])
    number = pp.Regex(r"-?\d+(?![\w])").set_parse_action(lambda t: [("str", t[0])])
    backref = pp.Regex(r"\$\d").set_parse_action(lambda t: [("backref", t[0])])
    word = pp.Forward()
    func = (pp.Regex(r"[A-Za-z_]\w*(?=\s*\()") + pp.Suppress("(")
            + pp.Optional(pp.DelimitedList(word)) + pp.Suppress(")"))
    func.set_parse_action(lambda t: [("func", t[0].lower(), tuple(t[1:]))])
    atom = var | sq | dq | number | backref | func | (pp.Suppress("(") + word + pp.Suppress(")"))
    word <<= atom + pp.ZeroOrMore(pp.Suppress(".") + atom)

    def concat(t):
        return [t[0]] if len(t) == 1 else [("concat", tuple(t))]

    word.add_parse_action(concat)
    slash_rx = pp.Regex(r"/((?:\\.|[^/\\])*)/([imsx]*)").set_parse_action(
        lambda t: [("regex", re.match(r"/((?:\\.|[^/\\])*)/([imsx]*)", t[0]).group(1),
                    re.match(r"/((?:\\.|[^/\\])*)/([imsx]*)", t[0]).group(2))])

    def m_rx(t):
        m = re.match(r"m([^\w\s])(.*)\1([imsx]*)$", t[0], re.S)
        return [("regex", m.group(2), m.group(3))]

    m_regex = pp.Regex(r"m([^\w\s])(?:\\.|(?!\1).)*\1[imsx]*").set_parse_action(m_rx)
    regex = slash_rx | m_regex
    word_list = (pp.Suppress("{") + pp.Optional(pp.DelimitedList(word)) + pp.Suppress("}")).set_parse_action(
        lambda t: [("list", tuple(t))])
    str_op = pp.Regex(r"==|!=|<=|>=|<|>|=~|!~")
    dash_op = pp.Regex(r"-(?:eq|ne|lt|le|gt|ge|ipmatch|strmatch|strcmatch|fnmatch)\b", re.I)
    in_op = pp.Regex(r"in\b")
    binary = (word + (str_op | dash_op) + (regex | word)) | (word + in_op + (word_list | word))
    binary.set_parse_action(lambda t: [("cmp", t[1].lower(), t[0], t[2])])
    unary = (pp.Regex(r"-[A-Za-z]+(?=\s)") + word).set_parse_action(lambda t: [("unary", t[0].lower(), t[1])])
    const = pp.Regex(r"(?:true|false)\b").set_parse_action(lambda t: [("const", t[0] == "true")])
    cond = const | unary | binary

    def unop(t):
        return [("not", t[0][1])]

    def binop(name):
        def act(t):
            items = t[0][0::2]
            out = items[0]
            for item in items[1:]:
                out = (name, out, item)
            return [out]
        return act

    expr = pp.infix_notation(cond, [
        (pp.Literal("!"), 1, pp.OpAssoc.RIGHT, unop),
        (pp.Literal("&&"), 2, pp.OpAssoc.LEFT, binop("and")),
        (pp.Literal("||"), 2, pp.OpAssoc.LEFT, binop("or")),
    ])
    return expr


_EXPR: pp.ParserElement | None = None


def parse_expr(text: str):
    """Parse an ap_expr boolean expression into nested tuples:
    ``("and"|"or", a, b)``, ``("not", a)``, ``("const", bool)``,
    ``("cmp", op, left, right)``, ``("unary", op, word)``; words are
    ``("var", "HTTP:Origin")``, ``("str", text)``, ``("func", name, args)``,
    ``("regex", pattern, flags)``, ``("list", words)``, ``("concat", words)``."""
    global _EXPR
    if _EXPR is None:
        _EXPR = _expr_grammar()
    try:
        return _EXPR.parse_string(text, parse_all=True)[0]
    except pp.ParseBaseException as exc:
        raise ExprError(f"cannot parse expression {text!r}: {exc.msg}") from None
    except RecursionError:
        raise ExprError(f"expression too deeply nested: {text!r}") from None
