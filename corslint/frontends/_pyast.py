"""Static reading of Python settings and application modules (stdlib ``ast``).

Nothing here imports or runs the code it reads. ``Module`` walks a module's
top-level statements in order and resolves what a reader resolves at a glance:
constants, lists, tuples and dicts, names bound to them, string methods
(``split``/``strip``/...), simple comprehensions over known lists, and the
*defaults* of environment lookups (``os.environ.get``, ``os.getenv``,
python-decouple's ``config``, django-environ / environs ``env``/``env.bool``
...). A value taken from such a default carries a ``note`` saying so, because
the deployed value may differ. Small module-level helper functions and lambdas
(``def _get(name, default, fn): v = environ.get(name, default); return fn(v)``)
are followed when their bodies hold nothing but assignments, ``if``/``return``
and such expressions. Everything else is ``UNKNOWN`` with words saying what it
was; callers never guess.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from dataclasses import dataclass
from typing import Any, Iterator

from .. import memo
from ..model import ParseProblem, PolicyModel, Source
from ._files import ParseError, decode_lenient, is_binary, read_bytes


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Regex:
    """``re.compile(pattern, flags)``."""

    pattern: str
    ignore_case: bool = False


@dataclass(frozen=True)
class Func:
    """A module-level function or a lambda, followed when called."""

    node: ast.AST


@dataclass(frozen=True)
class StaticValue:
    """A statically known value (or UNKNOWN) and where it was written.

    Lists and tuples hold StaticValues (each element keeps its own line); dicts map
    keys (str/int/bool) to StaticValues."""

    value: Any
    line: int = 1
    column: int = 1
    note: str = ""
    what: str = ""      # for UNKNOWN: the expression, e.g. "settings.FRONTEND_HOST"
    text: str = ""      # the source text of the expression

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, (list, tuple))

    def items(self) -> list["StaticValue"]:
        return list(self.value) if self.is_list else []

    def plain(self) -> Any:
        """The Python value with StaticValue wrappers removed (UNKNOWN stays)."""
        v = self.value
        if isinstance(v, (list, tuple)):
            return [x.plain() for x in v]
        if isinstance(v, dict):
            return {k: x.plain() for k, x in v.items()}
        return v

    def fully_known(self) -> bool:
        v = self.value
        if v is UNKNOWN:
            return False
        if isinstance(v, (list, tuple)):
            return all(x.fully_known() for x in v)
        if isinstance(v, dict):
            return all(x.fully_known() for x in v.values())
        return True

    def with_note(self, note: str) -> "StaticValue":
        if not note or self.note:
            return self
        return StaticValue(self.value, self.line, self.column, note, self.what, self.text)

    def source(self, path: str) -> Source:
        return Source(path, self.line, self.column)


def unknown(node: ast.AST | None, what: str, note: str = "") -> StaticValue:
    line, col = _position(node)
    return StaticValue(UNKNOWN, line, col, note, what or "a value corslint cannot resolve")


def _position(node: ast.AST | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return getattr(node, "lineno", 1) or 1, (getattr(node, "col_offset", 0) or 0) + 1


def _short_text(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every parsed tree
        return "?"
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------- reading files

def head_matches(path: str, text: str | None, marker: "re.Pattern[str]") -> bool:
    """A Python file whose start ``marker`` finds: how a library's frontend
    recognises the files it reads."""
    if not path.endswith(".py"):
        return False
    head = head_text(path, text)
    return bool(head and marker.search(head))


def head_text(path: str, text: str | None = None, limit: int = 262144) -> str | None:
    """The start of a file for recognising it (kept for the run by path and mtime)."""
    if text is not None:
        return text
    heads = memo.table("file heads")
    try:
        st = os.stat(path)
        key = (path, st.st_mtime, st.st_size)
        if key in heads:
            return heads[key]
        with open(path, "rb") as fh:
            data = fh.read(limit)
    except OSError:
        return None
    if b"\x00" in data[:8192]:
        out = ""
    else:
        out = data.decode("utf-8", "replace")
    # kept while the heads kept stay small: a tree of many large files is read again instead
    kept = memo.table("file heads kept")
    if kept.get("size", 0) + len(out) <= HEADS_KEPT:
        kept["size"] = kept.get("size", 0) + len(out)
        heads[key] = out
    return out


HEADS_KEPT = 64_000_000   # characters of file heads kept for a run


def read_source(path: str, stdin: dict[str, str] | None, texts: dict[str, str] | None,
                problems: list[ParseProblem], language: str = "Python") -> str | None:
    """The whole text of a source file (``language``: "Python" or
    "JavaScript"), read by the reader every frontend uses and recorded in
    ``texts``; None (and a problem) when it cannot be linted.

    Python honours a coding declaration (PEP 263) and a UTF-8 BOM; text that
    still does not decode is read as Latin-1 with a notice, so that every
    line keeps its number and the file is linted like its UTF-8 twin."""
    if stdin and path in stdin:
        text = stdin[path]
    else:
        try:
            data = read_bytes(path)
        except ParseError as exc:
            problems.append(exc.problem)
            return None
        if is_binary(data):
            problems.append(ParseProblem(path, None, "binary file, not source code"))
            return None
        text = _decode_source(path, data, problems, language)
    if texts is not None:
        texts[path] = text
    return text


def _decode_source(path: str, data: bytes, problems: list[ParseProblem], language: str) -> str:
    encoding = "utf-8-sig"
    note = ""
    if language == "Python":
        note = "; Python itself refuses it without a coding declaration"
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:   # an unknown coding: Python refuses it, corslint reads on
            pass
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = decode_lenient(path, data, problems, note)
    return text[1:] if text.startswith("\ufeff") else text


# Syntax nested deeper than this is refused before any of it is walked (as
# Python's own parser refuses more than 200 nested parentheses): the walks and
# evaluation must never meet the recursion limit.
MAX_NESTING = 400
TOO_DEEP = f"expressions nested too deep to analyse (more than {MAX_NESTING} levels)"


# A syntax tree costs far more memory than its text (Python's about 700
# bytes a node: a 10 MB list of numbers would take 4 GB), so the number of
# elements a file holds is bounded too, counted cheaply on the text before
# any tree is built: every separator and operator that starts an element.
MAX_ELEMENTS = 1_000_000
_ELEMENT_MARKS = ",;=([{+\n"


def too_many_elements(path: str, text: str) -> ParseProblem | None:
    """A problem when ``text`` holds more syntax than corslint analyses."""
    count = sum(text.count(mark) for mark in _ELEMENT_MARKS)
    if count <= MAX_ELEMENTS:
        return None
    return ParseProblem(path, None, f"too large to analyse: about {count:,} statements and expressions "
                                    f"(more than {MAX_ELEMENTS:,})")


def parse_python(path: str, text: str, problems: list[ParseProblem]) -> ast.Module | None:
    too_many = too_many_elements(path, text)
    if too_many is not None:
        problems.append(too_many)
        return None
    template = template_block(text)
    if template is not None:
        line, tag = template
        problems.append(ParseProblem(path, line, f"Jinja template markup ({tag}), not plain Python: which lines "
                                                 "exist depends on the template's variables; lint the rendered "
                                                 "project"))
        return None
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        tree = _recovered(path, text, exc, problems)
        if tree is None:
            return None
    except RecursionError:
        problems.append(ParseProblem(path, None, TOO_DEEP))
        return None
    except MemoryError:   # the parser's own stack (deep nesting) or the machine's memory
        problems.append(ParseProblem(path, None, "too large or nested too deep to parse as Python"))
        return None
    except ValueError as exc:
        problems.append(ParseProblem(path, None, f"cannot parse as Python: {exc}"))
        return None
    if _deeper_than(tree, MAX_NESTING):
        problems.append(ParseProblem(path, None, TOO_DEEP))
        return None
    placeholder = next((n for n in ast.walk(tree) if is_code_placeholder(n)), None)
    if placeholder is not None:
        # in code, not in a string (where Flask's and Django's own templates live)
        problems.append(ParseProblem(path, placeholder.lineno,
                                     f"template placeholder {ast.get_source_segment(text, placeholder)}: its value is filled in "
                                     "when the template is rendered; read as unknown, the rest of the file is read",
                                     fatal=False))
    return tree


def is_code_placeholder(node: ast.AST) -> bool:
    """``{{ cookiecutter.x }}`` written as code: it parses as a set holding a
    set of one name, which Python could never build."""
    return isinstance(node, ast.Set) and len(node.elts) == 1 and isinstance(node.elts[0], ast.Set) and \
        len(node.elts[0].elts) == 1 and isinstance(node.elts[0].elts[0], (ast.Name, ast.Attribute))


# ---------------------------------------------------------------- reading past syntax errors
#
# One statement Python cannot parse (a Python 2 ``print "x"``, a half-written
# function, a template placeholder where a name belongs) must not hide the CORS
# settings around it. CPython's parser stops at the first error, so the
# statements are found with tree-sitter's Python grammar, which recovers and
# knows where each statement begins and ends: the innermost statement holding
# the error is replaced by ``pass`` (on its first line, the other lines left
# empty, so every line keeps its number and every block stays a block) and
# ``ast`` parses again, until the rest parses. Each skipped statement is named
# in a notice; the file is refused only when no statement can be set aside.

# Words that mark a statement as part of the CORS configuration.
_CORS_WORDS = re.compile(r"cors|cross_origin|access-control-", re.I)
MAX_SKIPPED = 20   # statements set aside in one file before it is refused as not Python

# A Jinja/cookiecutter block tag: it decides which lines exist, so no reading of
# the lines as they stand is the rendered file.
_TEMPLATE_BLOCK = re.compile(r"^[ \t]*(\{%-?\s*(?:if|for|raw|macro|block|set|include|extends)\b[^\n]*?%\})",
                             re.M)
# ``{{ cookiecutter.name }}``: one value filled in when the template is rendered.
# A filter's text and the closing braces' spaces never overlap: linear on a
# string an attacker fills with "{{a|" and spaces (no closing braces).
TEMPLATE_PLACEHOLDER = re.compile(r"\{\{-?\s*[A-Za-z_][\w.]*(?:\s*\|[^{}\n]*|\s*)-?\}\}")


def template_block(text: str) -> tuple[int, str] | None:
    """(line, tag) of the first Jinja block tag standing on its own line."""
    match = _TEMPLATE_BLOCK.search(text)
    if match is None:
        return None
    tag = match.group(1)
    return text.count("\n", 0, match.start()) + 1, tag if len(tag) <= 60 else tag[:57] + "..."


def _statement_parser():
    import tree_sitter  # imported on the first Python file with a syntax error only
    import tree_sitter_python

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_python.language()))


def _is_statement(node) -> bool:
    return node.type.endswith(("_statement", "_definition")) or node.type == "ERROR" and \
        node.parent is not None and node.parent.type in ("module", "block")


def _statement_at(root, row: int):
    """The innermost statement (tree-sitter node) whose lines include ``row``
    (0-based), or None."""
    found = None
    node = root
    while True:
        inner = next((c for c in node.children if c.start_point[0] <= row <= c.end_point[0]), None)
        if inner is None:
            return found
        if _is_statement(inner):
            found = inner
        node = inner


def _rows(node) -> tuple[int, int]:
    start, end = node.start_point[0], node.end_point[0]
    if node.end_point[1] == 0 and end > start:   # a node ending at the start of the next line
        end -= 1
    return start, end


def _recovered(path: str, text: str, first: SyntaxError, problems: list[ParseProblem]) -> ast.Module | None:
    """The module with the statements Python cannot parse set aside (see
    above), each named in a notice; None, and the syntax error as a problem,
    when that does not give a module."""
    refused = ParseProblem(path, first.lineno, f"Python syntax error: {first.msg}")
    try:
        parser = _statement_parser()
    except ImportError:   # pragma: no cover - a declared dependency
        problems.append(refused)
        return None
    # setting a statement aside keeps every line where it was: one tree serves every round
    root = parser.parse(text.encode("utf-8", "surrogatepass")).root_node
    lines = text.split("\n")
    notices: list[ParseProblem] = []
    skipped: set[tuple[int, int]] = set()
    exc: SyntaxError = first
    while True:
        row = (exc.lineno or 1) - 1
        if len(skipped) >= MAX_SKIPPED:
            problems.append(ParseProblem(path, first.lineno, f"Python syntax error: {first.msg} (and more than "
                                                             f"{MAX_SKIPPED} statements that do not parse)"))
            return None
        if not 0 <= row < len(lines):
            problems.append(refused)
            return None
        statement = _statement_at(root, row)
        if statement is None:
            problems.append(refused)
            return None
        if statement.parent is not None and statement.parent.type == "decorated_definition":
            statement = statement.parent   # a decorator alone is no statement
        start, end = _rows(statement)
        while (start, end) in skipped:   # setting it aside was not enough: the statement around it
            statement = statement.parent
            while statement is not None and not _is_statement(statement):
                statement = statement.parent
            if statement is None:
                problems.append(refused)
                return None
            start, end = _rows(statement)
        skipped.add((start, end))
        first_line = lines[start]
        indent = first_line[:len(first_line) - len(first_line.lstrip())]
        lines[start] = indent + "pass"
        for i in range(start + 1, end + 1):
            lines[i] = ""
        where = f"line {start + 1}" if start == end else f"lines {start + 1}-{end + 1}"
        if _CORS_WORDS.search(statement.text.decode("utf-8", "replace")):
            # the CORS settings themselves do not parse: reading the rest would check what is left
            problems.append(ParseProblem(path, exc.lineno, f"Python syntax error: {exc.msg} ({where}, which "
                                                           "hold CORS settings)"))
            return None
        notices.append(ParseProblem(path, exc.lineno, f"Python syntax error: {exc.msg}; {where} skipped, "
                                                      "the rest of the file is read", fatal=False))
        try:
            tree = ast.parse("\n".join(lines), filename=path)
        except SyntaxError as again:
            exc = again
            continue
        except (RecursionError, MemoryError, ValueError):   # refused below as parse_python refuses them
            problems.append(refused)
            return None
        problems.extend(notices)
        return tree


def _deeper_than(tree: ast.AST, limit: int) -> bool:
    """Whether the syntax tree is more than ``limit`` levels deep (walked
    without recursion)."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


# ---------------------------------------------------------------- env lookups

_ENV_OBJECTS = {"env", "environ", "ENV", "Env"}
_ENV_CASTS = {"bool", "str", "int", "float", "list", "tuple", "json", "url", "dict"}
_TRUE_WORDS = {"1", "true", "yes", "on", "y", "t"}


def _env_call(call: ast.Call) -> tuple[str, ast.AST | None, str, ast.AST | None] | None:
    """(variable name node text, default node, cast, cast node) when ``call``
    reads an environment variable; None otherwise. cast is '' or a
    django-environ/environs method name ('bool', 'list', ...)."""
    func = call.func
    callee = _short_text(func)
    args = call.args
    kw = {k.arg: k.value for k in call.keywords if k.arg}
    # os.environ.get / environ.get / os.getenv / getenv
    if isinstance(func, ast.Attribute) and func.attr == "get" and _short_text(func.value) in ("os.environ", "environ"):
        return callee, (args[1] if len(args) > 1 else kw.get("default")), "", None
    if callee in ("os.getenv", "getenv"):
        return callee, (args[1] if len(args) > 1 else kw.get("default")), "", None
    # python-decouple: config("X", default=..., cast=bool)
    if callee in ("config", "decouple.config"):
        default = kw.get("default", args[1] if len(args) > 1 else None)
        return callee, default, "", kw.get("cast")
    # django-environ / environs: env("X", default=...), env.bool("X", False)
    if isinstance(func, ast.Name) and func.id in _ENV_OBJECTS and args:
        return callee, kw.get("default", args[1] if len(args) > 1 else None), "", kw.get("cast")
    if (isinstance(func, ast.Attribute) and func.attr in _ENV_CASTS
            and isinstance(func.value, ast.Name) and func.value.id in _ENV_OBJECTS):
        return callee, kw.get("default", args[1] if len(args) > 1 else None), func.attr, None
    return None


def _cast(value: Any, cast: str) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    if cast == "bool":
        if isinstance(value, str):
            return value.strip().lower() in _TRUE_WORDS
        return bool(value)
    if cast == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            return UNKNOWN
    if cast == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            return UNKNOWN
    if cast in ("list", "tuple", "csv"):
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value
    return value


# ---------------------------------------------------------------- the evaluator

MAX_DEPTH = 6

# Bounds on constant evaluation, so that a settings file written to exhaust
# the machine (`X = X + X` forty times, `"{:999999999}".format(1)`) costs
# little: past one, the value is unknown and the file gets one notice.
MAX_STRING = 1_000_000      # characters in one string
MAX_ITEMS = 100_000         # elements of one value, nested lists and dicts included
MAX_VALUE = 5_000_000       # characters and elements of one value, nested ones included
MAX_INT_BITS = 4096         # an integer's size (about 1,200 digits)
MAX_STEPS = 1_000_000       # expressions evaluated in one module
MAX_BUILT = 20_000_000      # characters and elements built in one module
TOO_LARGE = "value too large to evaluate; treated as unknown"
TOO_DEEP_VALUE = "expression nested too deep to evaluate; treated as unknown"


class _TooLarge(Exception):
    """An evaluation would pass a bound: its value is unknown."""


def _size(value: Any) -> int:
    """What a value costs against the bounds: its characters and elements,
    nested values included and a value held twice counted twice (so that
    everything that walks it, compares it or prints it is bounded too);
    _TooLarge past a bound."""
    size = items = 0
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, StaticValue):
            v = v.value
        if isinstance(v, (str, bytes)):
            if len(v) > MAX_STRING:
                raise _TooLarge
            size += len(v)
        elif isinstance(v, (list, tuple)):
            items += len(v)
            stack.extend(v)
        elif isinstance(v, dict):
            items += len(v)
            stack.extend(v.values())
        elif isinstance(v, int) and v.bit_length() > MAX_INT_BITS:
            raise _TooLarge
        if items > MAX_ITEMS or size + items > MAX_VALUE:
            raise _TooLarge
    return size + items


# Expressions that build a new value (rather than name or select one): what
# they build counts against MAX_BUILT.
_BUILDS = (ast.BinOp, ast.JoinedStr, ast.Call, ast.ListComp, ast.GeneratorExp, ast.SetComp,
           ast.List, ast.Tuple, ast.Set, ast.Dict)


class Module:
    """One parsed module and the values of its top-level names."""

    def __init__(self, path: str, tree: ast.Module, text: str = "",
                 known_imports: dict[str, Any] | None = None):
        self.path = path
        self.known_imports = known_imports or {}
        self.tree = tree
        self.text = text
        self.env: dict[str, StaticValue] = {}
        self.functions: dict[str, ast.AST] = {}
        self.assigned_at: dict[str, ast.AST] = {}   # name -> the statement that last set it
        self.conditions: dict[str, str] = {}        # name -> condition it was set under
        self.imports: dict[str, str] = {}           # local name -> dotted origin
        self.steps = 0                               # expressions evaluated so far
        self.built = 0                               # characters and elements built so far
        self.bound_met: ParseProblem | None = None   # the first bound met: the notice to give
        self._run(tree.body, cond="")

    # -- statements

    def _run(self, body: list[ast.stmt], cond: str) -> None:
        for stmt in body:
            try:
                self._stmt(stmt, cond)
            except _TooLarge:
                # a statement that changes a value in place (append, +=)
                # past a bound: the names it sets are unknown from here on
                self._note_bound(stmt, TOO_LARGE)
                for name in _assigned_names(stmt):
                    self._set(name, unknown(stmt, TOO_LARGE), stmt, cond)

    def _note_bound(self, node: ast.AST | None, message: str) -> None:
        if self.bound_met is None:
            self.bound_met = ParseProblem(self.path, _position(node)[0], message, fatal=False)

    def _too_large(self, node: ast.AST) -> StaticValue:
        self._note_bound(node, TOO_LARGE)
        return unknown(node, TOO_LARGE)

    def _fits(self, static: StaticValue) -> StaticValue:
        """``static`` after checking what it built against the bounds."""
        self.built += _size(static.value)
        if self.built > MAX_BUILT:
            raise _TooLarge
        return static

    def _set(self, name: str, value: StaticValue, stmt: ast.AST, cond: str) -> None:
        self.env[name] = value
        self.assigned_at[name] = stmt
        if cond:
            self.conditions[name] = cond
        else:
            self.conditions.pop(name, None)

    def _stmt(self, stmt: ast.stmt, cond: str) -> None:
        if isinstance(stmt, ast.Assign):
            value = self.eval(stmt.value, self.env)
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    self._set(target.id, value, stmt, cond)
                elif isinstance(target, (ast.Tuple, ast.List)) and value.is_list and \
                        len(value.items()) == len(target.elts):
                    for t, v in zip(target.elts, value.items()):
                        if isinstance(t, ast.Name):
                            self._set(t.id, v, stmt, cond)
                elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    self._subscript_store(target, value, stmt, cond)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            self._set(stmt.target.id, self.eval(stmt.value, self.env), stmt, cond)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            old = self.env.get(stmt.target.id)
            new = self.eval(stmt.value, self.env)
            if old is not None and isinstance(stmt.op, ast.Add):
                self._set(stmt.target.id, self._fits(_add_values(old, new, stmt)), stmt, cond)
            else:
                self._set(stmt.target.id, unknown(stmt, _short_text(stmt)), stmt, cond)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._mutating_call(stmt.value, stmt, cond)
        elif isinstance(stmt, ast.If):
            test = self.eval(stmt.test, self.env)
            if test.known:
                self._run(stmt.body if _truthy(test.value) else stmt.orelse, cond)
            else:
                text = _short_text(stmt.test)
                self._run(stmt.body, _join_cond(cond, f"if {text}"))
                self._run(stmt.orelse, _join_cond(cond, f"unless {text}"))
        elif isinstance(stmt, ast.Try):
            self._run(stmt.body, cond)
            self._run(stmt.orelse, cond)
            self._run(stmt.finalbody, cond)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.functions[stmt.name] = stmt
            self.env.pop(stmt.name, None)
        elif isinstance(stmt, ast.ClassDef):
            self.env[stmt.name] = unknown(stmt, f"class {stmt.name}")
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                self.imports[alias.asname or alias.name.split(".")[0]] = alias.name
                self.env.pop(alias.asname or alias.name.split(".")[0], None)
                if alias.asname and alias.name in self.known_imports:
                    self.env[alias.asname] = wrap_value(self.known_imports[alias.name], *_position(stmt), "")
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name == "*":
                    continue
                dotted = f"{stmt.module or ''}.{alias.name}"
                self.imports[alias.asname or alias.name] = dotted
                self.env.pop(alias.asname or alias.name, None)
                if dotted in self.known_imports:
                    self.env[alias.asname or alias.name] = wrap_value(self.known_imports[dotted], *_position(stmt), "")
        elif isinstance(stmt, ast.With):
            self._run(stmt.body, cond)

    def _subscript_store(self, target: ast.Subscript, value: StaticValue, stmt: ast.AST, cond: str) -> None:
        """``NAME[key] = value`` on a known dict (Flask's app.config is not one)."""
        base = self.env.get(target.value.id)  # type: ignore[attr-defined]
        key = self.eval(target.slice, self.env)
        if base is not None and isinstance(base.value, dict) and key.known:
            new = dict(base.value)
            new[key.value] = value
            self._set(target.value.id, StaticValue(new, base.line, base.column, base.note), stmt, cond)  # type: ignore[attr-defined]

    def _mutating_call(self, call: ast.Call, stmt: ast.AST, cond: str) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        name = func.value.id
        base = self.env.get(name)
        if base is None or not base.is_list:
            return
        items = base.items()
        args = [self.eval(a, self.env) for a in call.args]
        if func.attr == "append" and len(args) == 1:
            items.append(args[0])
        elif func.attr == "extend" and len(args) == 1:
            if not args[0].is_list:
                self._set(name, unknown(stmt, _short_text(call)), stmt, cond)
                return
            items.extend(args[0].items())
        elif func.attr == "insert" and len(args) == 2 and isinstance(args[0].value, int):
            items.insert(args[0].value, args[1])
        elif func.attr in ("remove", "pop", "clear", "sort", "reverse"):
            self._set(name, unknown(stmt, _short_text(call)), stmt, cond)
            return
        else:
            return
        self._set(name, self._fits(StaticValue(items, base.line, base.column, base.note)), stmt, cond)

    # -- expressions

    def eval(self, node: ast.AST | None, env: dict[str, StaticValue], depth: int = 0) -> StaticValue:
        """The value of ``node`` with the names of ``env``, within the bounds."""
        if node is None:
            return StaticValue(None)
        self.steps += 1
        if self.steps > MAX_STEPS:
            return self._too_large(node)
        try:
            result = self._eval(node, env, depth)
            return self._fits(result) if isinstance(node, _BUILDS) else result
        except _TooLarge:
            return self._too_large(node)

    def _eval(self, node: ast.AST, env: dict[str, StaticValue], depth: int) -> StaticValue:
        if depth > MAX_DEPTH * 4:
            self._note_bound(node, TOO_DEEP_VALUE)
            return unknown(node, _short_text(node))
        line, col = _position(node)
        eval_child = lambda n: self.eval(n, env, depth + 1)  # noqa: E731
        if isinstance(node, ast.Constant):
            if node.value is Ellipsis:   # `...` written where the value is still to come
                return unknown(node, "a `...` placeholder")
            if isinstance(node.value, str):
                placeholder = TEMPLATE_PLACEHOLDER.search(node.value)
                if placeholder is not None:
                    return unknown(node, f"a template placeholder ({placeholder.group(0)})")
            return StaticValue(node.value, line, col, text=repr(node.value))
        if is_code_placeholder(node):
            return unknown(node, f"a template placeholder ({_short_text(node)})")
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items: list[StaticValue] = []
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    inner = eval_child(elt.value)
                    if not inner.is_list:
                        return unknown(node, _short_text(node))
                    items.extend(inner.items())
                else:
                    items.append(eval_child(elt))
            return StaticValue(items if not isinstance(node, ast.Tuple) else tuple(items), line, col)
        if isinstance(node, ast.Dict):
            out: dict = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    inner = eval_child(v)
                    if isinstance(inner.value, dict):
                        out.update(inner.value)
                        continue
                    return unknown(node, _short_text(node))
                key = eval_child(k)
                if not key.known or not isinstance(key.value, (str, int, bool)):
                    return unknown(node, _short_text(node))
                out[key.value] = eval_child(v)
            return StaticValue(out, line, col)
        if isinstance(node, ast.Name):
            if node.id in env:
                found = env[node.id]
                return found
            if node.id in self.functions:
                return StaticValue(Func(self.functions[node.id]), line, col)
            return unknown(node, node.id)
        if isinstance(node, ast.Lambda):
            return StaticValue(Func(node), line, col)
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            note = ""
            length = 0
            for v in node.values:
                if isinstance(v, ast.Constant):
                    parts.append(str(v.value))
                elif isinstance(v, ast.FormattedValue):
                    inner = eval_child(v.value)
                    if not inner.known or v.format_spec is not None or isinstance(inner.value, (list, tuple, dict)):
                        return unknown(node, _short_text(node))
                    note = note or inner.note
                    parts.append(str(inner.value))
                length += len(parts[-1])
                if length > MAX_STRING:
                    raise _TooLarge
            return StaticValue("".join(parts), line, col, note)
        if isinstance(node, ast.BinOp):
            left, right = eval_child(node.left), eval_child(node.right)
            if isinstance(node.op, ast.Add):
                return _add_values(left, right, node)
            if not (left.known and right.known):
                return unknown(node, _short_text(node), left.note or right.note)
            try:
                if isinstance(node.op, ast.Mult) and isinstance(left.value, (int, float)) and isinstance(right.value, (int, float)):
                    if isinstance(left.value, int) and isinstance(right.value, int) and \
                            left.value.bit_length() + right.value.bit_length() > MAX_INT_BITS:
                        raise _TooLarge
                    return StaticValue(left.value * right.value, line, col, left.note or right.note)
            except (TypeError, ValueError, OverflowError):
                pass
            return unknown(node, _short_text(node))
        if isinstance(node, ast.UnaryOp):
            inner = eval_child(node.operand)
            if not inner.known:
                return unknown(node, _short_text(node), inner.note)
            if isinstance(node.op, ast.Not):
                return StaticValue(not _truthy(inner.value), line, col, inner.note)
            if isinstance(node.op, ast.USub) and isinstance(inner.value, (int, float)):
                return StaticValue(-inner.value, line, col, inner.note)
            return unknown(node, _short_text(node))
        if isinstance(node, ast.BoolOp):
            values = [eval_child(v) for v in node.values]
            result = values[0]
            for v in values[1:]:
                if not result.known:
                    return unknown(node, _short_text(node), result.note)
                if isinstance(node.op, ast.Or):
                    if _truthy(result.value):
                        return result
                else:
                    if not _truthy(result.value):
                        return result
                result = v
            return result
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = eval_child(node.left), eval_child(node.comparators[0])
            if not (left.fully_known() and right.fully_known()):
                return unknown(node, _short_text(node), left.note or right.note)
            a, b, op = left.plain(), right.plain(), node.ops[0]
            try:
                result = {
                    ast.Eq: lambda: a == b, ast.NotEq: lambda: a != b, ast.In: lambda: a in b,
                    ast.NotIn: lambda: a not in b, ast.Is: lambda: a is b, ast.IsNot: lambda: a is not b,
                }[type(op)]()
            except (KeyError, TypeError):
                return unknown(node, _short_text(node))
            return StaticValue(result, line, col, left.note or right.note)
        if isinstance(node, ast.IfExp):
            test = eval_child(node.test)
            if test.known:
                return eval_child(node.body if _truthy(test.value) else node.orelse)
            return unknown(node, _short_text(node), test.note)
        if isinstance(node, ast.Subscript):
            base = eval_child(node.value)
            key = eval_child(node.slice)
            if base.known and key.known:
                try:
                    if isinstance(base.value, dict):
                        return base.value[key.value]
                    if isinstance(base.value, (list, tuple)) and isinstance(key.value, int):
                        return base.value[key.value]
                except (KeyError, IndexError, TypeError):
                    pass
            if _short_text(node.value) in ("os.environ", "environ"):
                return unknown(node, f"environment variable {key.value if key.known else _short_text(node.slice)}")
            return unknown(node, _short_text(node))
        if isinstance(node, ast.Attribute):
            dotted = _short_text(node)
            if dotted in ("re.I", "re.IGNORECASE"):
                return StaticValue(re.IGNORECASE, line, col)
            return unknown(node, dotted)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self._comprehension(node, env, depth)
        if isinstance(node, ast.Call):
            return self._call(node, env, depth)
        return unknown(node, _short_text(node))

    def _comprehension(self, node, env: dict[str, StaticValue], depth: int) -> StaticValue:
        line, col = _position(node)
        if len(node.generators) != 1:
            return unknown(node, _short_text(node))
        gen = node.generators[0]
        source = self.eval(gen.iter, env, depth + 1)
        if not source.is_list or not isinstance(gen.target, ast.Name):
            return unknown(node, _short_text(node), source.note)
        out: list[StaticValue] = []
        for item in source.items():
            local = dict(env)
            local[gen.target.id] = item
            keep = True
            for cond in gen.ifs:
                c = self.eval(cond, local, depth + 1)
                if not c.known:
                    return unknown(node, _short_text(node), source.note)
                keep = keep and _truthy(c.value)
            if keep:
                out.append(self.eval(node.elt, local, depth + 1).with_note(source.note))
        return StaticValue(out, line, col, source.note)

    def _call(self, node: ast.Call, env: dict[str, StaticValue], depth: int) -> StaticValue:
        line, col = _position(node)
        eval_child = lambda n: self.eval(n, env, depth + 1)  # noqa: E731
        func = node.func
        envcall = _env_call(node)
        if envcall is not None:
            callee, default_node, cast, cast_node = envcall
            variable_name = eval_child(node.args[0]) if node.args else StaticValue(UNKNOWN)
            var = variable_name.value if variable_name.known else _short_text(node.args[0]) if node.args else "?"
            note = f"the default of {callee}('{var}')"
            if default_node is None:
                return unknown(node, f"environment variable {var}")
            default = eval_child(default_node)
            if not default.known:
                return unknown(node, f"environment variable {var}", note)
            cast_name = cast
            if cast_node is not None:
                ct = _short_text(cast_node)
                cast_name = {"bool": "bool", "int": "int", "float": "float", "str": "str"}.get(ct, "")
                if re.match(r"^(decouple\.)?Csv\(\)$", ct):
                    cast_name = "csv"
                elif not cast_name:
                    return unknown(node, f"environment variable {var} cast by {ct}", note)
            value = _cast(default.plain(), cast_name) if cast_name else default.value
            if value is UNKNOWN:
                return unknown(node, f"environment variable {var}", note)
            if isinstance(value, list) and not (default.is_list and value == default.plain()):
                return StaticValue([StaticValue(v, line, col, note) for v in value], line, col, note)
            if default.is_list:
                return StaticValue([x.with_note(note) for x in default.items()], line, col, note)
            return StaticValue(value, line, col, note)
        args = [eval_child(a) for a in node.args]
        kwargs = {k.arg: eval_child(k.value) for k in node.keywords if k.arg}
        note = next((a.note for a in args if a.note), "")
        # re.compile
        if _short_text(func) in ("re.compile", "compile") and args:
            if not args[0].known or not isinstance(args[0].value, str):
                return unknown(node, _short_text(node), note)
            flags = args[1] if len(args) > 1 else kwargs.get("flags", StaticValue(0))
            ic = bool(flags.known and isinstance(flags.value, int) and flags.value & re.IGNORECASE)
            return StaticValue(Regex(args[0].value, ic), line, col, note)
        # methods on known values
        if isinstance(func, ast.Attribute):
            base = eval_child(func.value)
            if base.known and all(a.fully_known() for a in args):
                result = _string_method(base, func.attr, [a.plain() for a in args])
                if result is not None:
                    return wrap_value(result, line, col, base.note or note)
            return unknown(node, _short_text(node), base.note or note)
        if isinstance(func, ast.Name):
            name = func.id
            if name in ("list", "tuple", "sorted") and len(args) == 1 and args[0].is_list:
                items = args[0].items()
                if name == "sorted":
                    if not all(i.known for i in items):
                        return unknown(node, _short_text(node), note)
                    try:
                        items = sorted(items, key=lambda i: i.value)
                    except TypeError:
                        return unknown(node, _short_text(node), note)
                return StaticValue(items, line, col, note)
            if name == "filter" and len(args) == 2 and args[0].value is None and args[1].is_list:
                if not all(i.known for i in args[1].items()):
                    return unknown(node, _short_text(node), note)
                return StaticValue([i for i in args[1].items() if _truthy(i.value)], line, col, note)
            if name in ("int", "str", "bool", "float") and len(args) == 1 and args[0].known and \
                    not isinstance(args[0].value, (list, tuple, dict)):
                try:
                    return StaticValue({"int": int, "str": str, "bool": bool, "float": float}[name](args[0].value),
                              line, col, note)
                except (TypeError, ValueError):
                    return unknown(node, _short_text(node), note)
            if name == "dict" and not args:
                return StaticValue(dict(kwargs), line, col, note)
            target = env.get(name)
            fn = target.value if target is not None and isinstance(target.value, Func) else None
            if fn is None and name in self.functions:
                fn = Func(self.functions[name])
            if fn is not None and depth < MAX_DEPTH * 3:
                result = self._inline(fn, args, kwargs, node, depth)
                if result is not None:
                    return result.with_note(note)
        return unknown(node, _short_text(node), note)

    def _inline(self, fn: Func, args: list[StaticValue], kwargs: dict[str, StaticValue], call: ast.AST, depth: int) -> StaticValue | None:
        """The value a small pure helper returns for these arguments."""
        node = fn.node
        params = node.args  # type: ignore[attr-defined]
        names = [a.arg for a in params.posonlyargs + params.args]
        defaults = params.defaults
        local: dict[str, StaticValue] = dict(self.env)
        for i, name in enumerate(names):
            if i < len(args):
                local[name] = args[i]
            elif name in kwargs:
                local[name] = kwargs[name]
            else:
                di = i - (len(names) - len(defaults))
                if di < 0:
                    return None
                local[name] = self.eval(defaults[di], self.env, depth + 1)
        if isinstance(node, ast.Lambda):
            return _relocate(self.eval(node.body, local, depth + 3), node, call)
        result = self._exec(node.body, local, depth + 3)  # type: ignore[attr-defined]
        if result is None:
            return None
        return _relocate(StaticValue(result.value, *_position(call), result.note, result.what, result.text), node, call)

    def _exec(self, body: list[ast.stmt], local: dict[str, StaticValue], depth: int) -> StaticValue | None:
        for stmt in body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # docstring
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                local[stmt.targets[0].id] = self.eval(stmt.value, local, depth)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
                local[stmt.target.id] = self.eval(stmt.value, local, depth)
            elif isinstance(stmt, ast.Return):
                return self.eval(stmt.value, local, depth)
            elif isinstance(stmt, ast.If):
                test = self.eval(stmt.test, local, depth)
                if not test.known:
                    return unknown(stmt, _short_text(stmt.test), test.note)
                result = self._exec(stmt.body if _truthy(test.value) else stmt.orelse, local, depth)
                if result is not None:
                    return result
            elif isinstance(stmt, ast.Pass):
                continue
            else:
                return None
        return None

    # -- questions frontends ask

    def get(self, name: str) -> StaticValue | None:
        return self.env.get(name)

    def statement(self, name: str) -> ast.AST | None:
        return self.assigned_at.get(name)

    def condition(self, name: str) -> str:
        return self.conditions.get(name, "")

    def calls(self) -> Iterator[tuple[ast.Call, list[ast.AST]]]:
        """Every call in the module with its ancestors (outermost first)."""
        stack: list[tuple[ast.AST, list[ast.AST]]] = [(self.tree, [])]
        while stack:
            node, parents = stack.pop()
            if isinstance(node, ast.Call):
                yield node, parents
            children = list(ast.iter_child_nodes(node))
            for child in reversed(children):
                stack.append((child, parents + [node]))


def _assigned_names(stmt: ast.AST) -> list[str]:
    if isinstance(stmt, ast.Assign):
        return [n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
            isinstance(stmt.value.func, ast.Attribute) and isinstance(stmt.value.func.value, ast.Name):
        return [stmt.value.func.value.id]
    return []


def _relocate(static: StaticValue, fn: ast.AST, call: ast.AST) -> StaticValue:
    """Values a helper function builds are written, for the reader, where the
    helper is called: move positions inside the helper's body to the call."""
    start, end = getattr(fn, "lineno", 0), getattr(fn, "end_lineno", 0) or 0
    line, col = _position(call)

    def move(v: StaticValue) -> StaticValue:
        inner = v.value
        if isinstance(inner, (list, tuple)):
            inner = type(inner)(move(x) for x in inner)
        if start <= v.line <= end:
            return StaticValue(inner, line, col, v.note, v.what, v.text)
        return StaticValue(inner, v.line, v.column, v.note, v.what, v.text) if inner is not v.value else v

    return move(static)


def wrap_value(value: Any, line: int, col: int, note: str) -> StaticValue:
    if isinstance(value, StaticValue):
        return value
    if isinstance(value, (list, tuple)):
        return StaticValue([wrap_value(v, line, col, note) for v in value], line, col, note)
    return StaticValue(value, line, col, note)


def _string_method(base: StaticValue, attr: str, args: list[Any]) -> Any | None:
    v = base.value
    if isinstance(v, str):
        if attr in ("strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title") and len(args) <= 1:
            return getattr(v, attr)(*args)
        if attr == "split" and len(args) <= 2:
            return v.split(*args)
        if attr == "replace" and len(args) == 2 and all(isinstance(a, str) for a in args):
            if len(v) + (v.count(args[0]) if args[0] else len(v) + 1) * len(args[1]) > MAX_STRING:
                raise _TooLarge
            return v.replace(*args)
        if attr == "join" and len(args) == 1 and isinstance(args[0], list):
            if all(isinstance(a, str) for a in args[0]):
                if sum(map(len, args[0])) + len(v) * len(args[0]) > MAX_STRING:
                    raise _TooLarge
                return v.join(args[0])
        if attr in ("startswith", "endswith") and len(args) == 1:
            return getattr(v, attr)(args[0] if not isinstance(args[0], list) else tuple(args[0]))
        if attr == "format" and all(isinstance(a, (str, int)) for a in args):
            _check_format(v, args)
            try:
                return v.format(*args)
            except (IndexError, KeyError, ValueError):
                return None
    if isinstance(v, dict) and attr == "get" and 1 <= len(args) <= 2:
        key = args[0]
        if key in v:
            return v[key]
        return args[1] if len(args) == 2 else None
    return None


_FORMAT_SPEC = re.compile(r"\{[^{}]*:([^{}]*)\}")


def _check_format(template: str, args: list[Any]) -> None:
    """_TooLarge when ``template.format(*args)`` could pass MAX_STRING: its
    widths and precisions, and each field the longest argument, counted
    before anything is built. A width taken from an argument is not followed."""
    if re.search(r"\{[^{}]*:[^{}]*\{", template):
        raise _TooLarge
    widths = sum(int(d) for spec in _FORMAT_SPEC.findall(template) for d in re.findall(r"\d+", spec))
    longest = max((len(a) if isinstance(a, str) else a.bit_length() // 3 + 2 for a in args), default=0)
    if len(template) + widths + template.count("{") * longest > MAX_STRING:
        raise _TooLarge


def _add_values(left: StaticValue, right: StaticValue, node: ast.AST) -> StaticValue:
    line, col = _position(node)
    note = left.note or right.note
    if left.is_list and right.is_list:
        if len(left.value) + len(right.value) > MAX_ITEMS:
            raise _TooLarge
        return StaticValue(left.items() + right.items(), left.line, left.column, note)
    if left.known and right.known and isinstance(left.value, str) and isinstance(right.value, str):
        if len(left.value) + len(right.value) > MAX_STRING:
            raise _TooLarge
        return StaticValue(left.value + right.value, line, col, note)
    if left.known and right.known and isinstance(left.value, (int, float)) and isinstance(right.value, (int, float)):
        return StaticValue(left.value + right.value, line, col, note)
    return unknown(node, _short_text(node), note)


def _truthy(value: Any) -> bool:
    if isinstance(value, StaticValue):
        return _truthy(value.value)
    try:
        return bool(value)
    except Exception:
        return True


def _join_cond(outer: str, inner: str) -> str:
    return f"{outer} and {inner}" if outer else inner


# ---------------------------------------------------------------- small helpers for frontends


def node_text(node: ast.AST) -> str:
    return _short_text(node)


def call_name(call: ast.Call) -> str:
    """``CORS``, ``app.add_middleware``... the called expression as text."""
    return _short_text(call.func)


def kwarg(call: ast.Call, name: str) -> ast.AST | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def node_source(path: str, node: ast.AST) -> Source:
    line, col = _position(node)
    return Source(path, line, col)


def strings(static: StaticValue) -> list[StaticValue]:
    """A setting that is a string or a list of strings, as a list."""
    if static.is_list:
        return static.items()
    return [static]



def env_at(module: Module, node: ast.AST, parents: list[ast.AST]) -> dict[str, StaticValue]:
    """The names visible at ``node``: the module's, plus the straight-line
    assignments of each enclosing function that come before it (the
    ``def create_app(): origins = [...]; CORS(app, origins=origins)`` pattern)."""
    env = dict(module.env)
    line = getattr(node, "lineno", 0)
    for parent in parents:
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for stmt in parent.body:
                if getattr(stmt, "lineno", 0) >= line:
                    break
                if isinstance(stmt, ast.Assign):
                    value = module.eval(stmt.value, env)
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            env[target.id] = value
                elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
                    env[stmt.target.id] = module.eval(stmt.value, env)
    return env


def call_kwargs(module: Module, call: ast.Call, env: dict[str, StaticValue]) -> dict[str, tuple[StaticValue, ast.AST]]:
    """A call's keyword arguments, ``**mapping`` ones expanded when known:
    name -> (value, the node it was written at)."""
    out: dict[str, tuple[StaticValue, ast.AST]] = {}
    for k in call.keywords:
        if k.arg is not None:
            out[k.arg] = (module.eval(k.value, env), k.value)
            continue
        mapping = module.eval(k.value, env)
        if isinstance(mapping.value, dict):
            for key, static in mapping.value.items():
                if isinstance(key, str):
                    out[key] = (static, _LineNode(static.line, static.column - 1))
        else:
            out["**"] = (mapping, k.value)
    return out


class _LineNode(ast.AST):
    """A stand-in node carrying only a position."""

    _fields = ()

    def __init__(self, lineno: int, col_offset: int):
        super().__init__()
        self.lineno = lineno
        self.col_offset = col_offset


def parse_each(paths: list[str], stdin: dict[str, str] | None, texts: dict[str, str] | None,
               routes_of, known_imports=None) -> PolicyModel:
    """A Python frontend's parse_files: read and parse each file (never
    importing it), then ``routes_of(path, module, problems)`` gives its routes."""
    model = PolicyModel()
    for path in paths:
        text = read_source(path, stdin, texts, model.problems)
        if text is None:
            continue
        tree = parse_python(path, text, model.problems)
        if tree is None:
            continue
        model.files.append(path)
        try:
            extra = {} if known_imports is None else {"known_imports": known_imports}
            module = Module(path, tree, text, **extra)
            model.routes.extend(routes_of(path, module, model.problems))
        except RecursionError:
            model.problems.append(ParseProblem(path, None, "nesting too deep to analyse"))
            continue
        if module.bound_met is not None:
            model.problems.append(module.bound_met)
    return model
