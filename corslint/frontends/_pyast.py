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
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from .. import memo
from ..model import ParseProblem, PolicyModel, Source


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
class SV:
    """A statically known value (or UNKNOWN) and where it was written.

    Lists and tuples hold SVs (each element keeps its own line); dicts map
    keys (str/int/bool) to SVs."""

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

    def items(self) -> list["SV"]:
        return list(self.value) if self.is_list else []

    def plain(self) -> Any:
        """The Python value with SV wrappers removed (UNKNOWN stays)."""
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

    def with_note(self, note: str) -> "SV":
        if not note or self.note:
            return self
        return SV(self.value, self.line, self.column, note, self.what, self.text)

    def source(self, path: str) -> Source:
        return Source(path, self.line, self.column)


def unknown(node: ast.AST | None, what: str, note: str = "") -> SV:
    line, col = _pos(node)
    return SV(UNKNOWN, line, col, note, what or "a value corslint cannot resolve")


def _pos(node: ast.AST | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return getattr(node, "lineno", 1) or 1, (getattr(node, "col_offset", 0) or 0) + 1


def _text(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every parsed tree
        return "?"
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------- reading files

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
    heads[key] = out
    return out


def read_source(path: str, stdin: dict[str, str] | None, texts: dict[str, str] | None,
                problems: list[ParseProblem]) -> str | None:
    """The whole text of a file, recorded in ``texts``; None (and a problem) when unreadable."""
    if stdin and path in stdin:
        text = stdin[path]
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except IsADirectoryError:
            problems.append(ParseProblem(path, None, "is a directory"))
            return None
        except OSError as exc:
            problems.append(ParseProblem(path, None, f"cannot read: {exc.strerror or exc}"))
            return None
        if b"\x00" in data[:8192]:
            problems.append(ParseProblem(path, None, "binary file, not source code"))
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problems.append(ParseProblem(path, line, "not valid UTF-8 text"))
            return None
    if texts is not None:
        texts[path] = text
    return text


def parse_python(path: str, text: str, problems: list[ParseProblem]) -> ast.Module | None:
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as exc:
        problems.append(ParseProblem(path, exc.lineno, f"Python syntax error: {exc.msg}"))
    except (ValueError, RecursionError, MemoryError) as exc:
        problems.append(ParseProblem(path, None, f"cannot parse as Python: {exc}"))
    return None


# ---------------------------------------------------------------- env lookups

_ENV_OBJECTS = {"env", "environ", "ENV", "Env"}
_ENV_CASTS = {"bool", "str", "int", "float", "list", "tuple", "json", "url", "dict"}
_TRUE_WORDS = {"1", "true", "yes", "on", "y", "t"}


def _env_call(call: ast.Call) -> tuple[str, ast.AST | None, str, ast.AST | None] | None:
    """(variable name node text, default node, cast, cast node) when ``call``
    reads an environment variable; None otherwise. cast is '' or a
    django-environ/environs method name ('bool', 'list', ...)."""
    func = call.func
    callee = _text(func)
    args = call.args
    kw = {k.arg: k.value for k in call.keywords if k.arg}
    # os.environ.get / environ.get / os.getenv / getenv
    if isinstance(func, ast.Attribute) and func.attr == "get" and _text(func.value) in ("os.environ", "environ"):
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


class Module:
    """One parsed module and the values of its top-level names."""

    def __init__(self, path: str, tree: ast.Module, text: str = "",
                 known_imports: dict[str, Any] | None = None):
        self.path = path
        self.known_imports = known_imports or {}
        self.tree = tree
        self.text = text
        self.env: dict[str, SV] = {}
        self.functions: dict[str, ast.AST] = {}
        self.assigned_at: dict[str, ast.AST] = {}   # name -> the statement that last set it
        self.conditions: dict[str, str] = {}        # name -> condition it was set under
        self.imports: dict[str, str] = {}           # local name -> dotted origin
        self._run(tree.body, cond="")

    # -- statements

    def _run(self, body: list[ast.stmt], cond: str) -> None:
        for stmt in body:
            try:
                self._stmt(stmt, cond)
            except RecursionError:
                continue

    def _set(self, name: str, value: SV, stmt: ast.AST, cond: str) -> None:
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
                self._set(stmt.target.id, _add(old, new, stmt), stmt, cond)
            else:
                self._set(stmt.target.id, unknown(stmt, _text(stmt)), stmt, cond)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._mutating_call(stmt.value, stmt, cond)
        elif isinstance(stmt, ast.If):
            test = self.eval(stmt.test, self.env)
            if test.known:
                self._run(stmt.body if _truthy(test.value) else stmt.orelse, cond)
            else:
                text = _text(stmt.test)
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
                    self.env[alias.asname] = _wrap(self.known_imports[alias.name], *_pos(stmt), "")
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name == "*":
                    continue
                dotted = f"{stmt.module or ''}.{alias.name}"
                self.imports[alias.asname or alias.name] = dotted
                self.env.pop(alias.asname or alias.name, None)
                if dotted in self.known_imports:
                    self.env[alias.asname or alias.name] = _wrap(self.known_imports[dotted], *_pos(stmt), "")
        elif isinstance(stmt, ast.With):
            self._run(stmt.body, cond)

    def _subscript_store(self, target: ast.Subscript, value: SV, stmt: ast.AST, cond: str) -> None:
        """``NAME[key] = value`` on a known dict (Flask's app.config is not one)."""
        base = self.env.get(target.value.id)  # type: ignore[attr-defined]
        key = self.eval(target.slice, self.env)
        if base is not None and isinstance(base.value, dict) and key.known:
            new = dict(base.value)
            new[key.value] = value
            self._set(target.value.id, SV(new, base.line, base.column, base.note), stmt, cond)  # type: ignore[attr-defined]

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
                self._set(name, unknown(stmt, _text(call)), stmt, cond)
                return
            items.extend(args[0].items())
        elif func.attr == "insert" and len(args) == 2 and isinstance(args[0].value, int):
            items.insert(args[0].value, args[1])
        elif func.attr in ("remove", "pop", "clear", "sort", "reverse"):
            self._set(name, unknown(stmt, _text(call)), stmt, cond)
            return
        else:
            return
        self._set(name, SV(items, base.line, base.column, base.note), stmt, cond)

    # -- expressions

    def eval(self, node: ast.AST | None, env: dict[str, SV], depth: int = 0) -> SV:
        if node is None:
            return SV(None)
        if depth > MAX_DEPTH * 4:
            return unknown(node, _text(node))
        line, col = _pos(node)
        e = lambda n: self.eval(n, env, depth + 1)  # noqa: E731
        if isinstance(node, ast.Constant):
            return SV(node.value, line, col, text=repr(node.value))
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items: list[SV] = []
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    inner = e(elt.value)
                    if not inner.is_list:
                        return unknown(node, _text(node))
                    items.extend(inner.items())
                else:
                    items.append(e(elt))
            return SV(items if not isinstance(node, ast.Tuple) else tuple(items), line, col)
        if isinstance(node, ast.Dict):
            out: dict = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    inner = e(v)
                    if isinstance(inner.value, dict):
                        out.update(inner.value)
                        continue
                    return unknown(node, _text(node))
                key = e(k)
                if not key.known or not isinstance(key.value, (str, int, bool)):
                    return unknown(node, _text(node))
                out[key.value] = e(v)
            return SV(out, line, col)
        if isinstance(node, ast.Name):
            if node.id in env:
                found = env[node.id]
                return found
            if node.id in self.functions:
                return SV(Func(self.functions[node.id]), line, col)
            return unknown(node, node.id)
        if isinstance(node, ast.Lambda):
            return SV(Func(node), line, col)
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            note = ""
            for v in node.values:
                if isinstance(v, ast.Constant):
                    parts.append(str(v.value))
                elif isinstance(v, ast.FormattedValue):
                    inner = e(v.value)
                    if not inner.known or v.format_spec is not None or isinstance(inner.value, (list, tuple, dict)):
                        return unknown(node, _text(node))
                    note = note or inner.note
                    parts.append(str(inner.value))
            return SV("".join(parts), line, col, note)
        if isinstance(node, ast.BinOp):
            left, right = e(node.left), e(node.right)
            if isinstance(node.op, ast.Add):
                return _add(left, right, node)
            if not (left.known and right.known):
                return unknown(node, _text(node), left.note or right.note)
            try:
                if isinstance(node.op, ast.Mult) and isinstance(left.value, (int, float)) and isinstance(right.value, (int, float)):
                    return SV(left.value * right.value, line, col, left.note or right.note)
            except Exception:
                pass
            return unknown(node, _text(node))
        if isinstance(node, ast.UnaryOp):
            inner = e(node.operand)
            if not inner.known:
                return unknown(node, _text(node), inner.note)
            if isinstance(node.op, ast.Not):
                return SV(not _truthy(inner.value), line, col, inner.note)
            if isinstance(node.op, ast.USub) and isinstance(inner.value, (int, float)):
                return SV(-inner.value, line, col, inner.note)
            return unknown(node, _text(node))
        if isinstance(node, ast.BoolOp):
            values = [e(v) for v in node.values]
            result = values[0]
            for v in values[1:]:
                if not result.known:
                    return unknown(node, _text(node), result.note)
                if isinstance(node.op, ast.Or):
                    if _truthy(result.value):
                        return result
                else:
                    if not _truthy(result.value):
                        return result
                result = v
            return result
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = e(node.left), e(node.comparators[0])
            if not (left.fully_known() and right.fully_known()):
                return unknown(node, _text(node), left.note or right.note)
            a, b, op = left.plain(), right.plain(), node.ops[0]
            try:
                result = {
                    ast.Eq: lambda: a == b, ast.NotEq: lambda: a != b, ast.In: lambda: a in b,
                    ast.NotIn: lambda: a not in b, ast.Is: lambda: a is b, ast.IsNot: lambda: a is not b,
                }[type(op)]()
            except (KeyError, TypeError):
                return unknown(node, _text(node))
            return SV(result, line, col, left.note or right.note)
        if isinstance(node, ast.IfExp):
            test = e(node.test)
            if test.known:
                return e(node.body if _truthy(test.value) else node.orelse)
            return unknown(node, _text(node), test.note)
        if isinstance(node, ast.Subscript):
            base = e(node.value)
            key = e(node.slice)
            if base.known and key.known:
                try:
                    if isinstance(base.value, dict):
                        return base.value[key.value]
                    if isinstance(base.value, (list, tuple)) and isinstance(key.value, int):
                        return base.value[key.value]
                except (KeyError, IndexError, TypeError):
                    pass
            if _text(node.value) in ("os.environ", "environ"):
                return unknown(node, f"environment variable {key.value if key.known else _text(node.slice)}")
            return unknown(node, _text(node))
        if isinstance(node, ast.Attribute):
            dotted = _text(node)
            if dotted in ("re.I", "re.IGNORECASE"):
                return SV(re.IGNORECASE, line, col)
            return unknown(node, dotted)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self._comprehension(node, env, depth)
        if isinstance(node, ast.Call):
            return self._call(node, env, depth)
        return unknown(node, _text(node))

    def _comprehension(self, node, env: dict[str, SV], depth: int) -> SV:
        line, col = _pos(node)
        if len(node.generators) != 1:
            return unknown(node, _text(node))
        gen = node.generators[0]
        source = self.eval(gen.iter, env, depth + 1)
        if not source.is_list or not isinstance(gen.target, ast.Name):
            return unknown(node, _text(node), source.note)
        out: list[SV] = []
        for item in source.items():
            local = dict(env)
            local[gen.target.id] = item
            keep = True
            for cond in gen.ifs:
                c = self.eval(cond, local, depth + 1)
                if not c.known:
                    return unknown(node, _text(node), source.note)
                keep = keep and _truthy(c.value)
            if keep:
                out.append(self.eval(node.elt, local, depth + 1).with_note(source.note))
        return SV(out, line, col, source.note)

    def _call(self, node: ast.Call, env: dict[str, SV], depth: int) -> SV:
        line, col = _pos(node)
        e = lambda n: self.eval(n, env, depth + 1)  # noqa: E731
        func = node.func
        envcall = _env_call(node)
        if envcall is not None:
            callee, default_node, cast, cast_node = envcall
            name_sv = e(node.args[0]) if node.args else SV(UNKNOWN)
            var = name_sv.value if name_sv.known else _text(node.args[0]) if node.args else "?"
            note = f"the default of {callee}('{var}')"
            if default_node is None:
                return unknown(node, f"environment variable {var}")
            default = e(default_node)
            if not default.known:
                return unknown(node, f"environment variable {var}", note)
            cast_name = cast
            if cast_node is not None:
                ct = _text(cast_node)
                cast_name = {"bool": "bool", "int": "int", "float": "float", "str": "str"}.get(ct, "")
                if re.match(r"^(decouple\.)?Csv\(\)$", ct):
                    cast_name = "csv"
                elif not cast_name:
                    return unknown(node, f"environment variable {var} cast by {ct}", note)
            value = _cast(default.plain(), cast_name) if cast_name else default.value
            if value is UNKNOWN:
                return unknown(node, f"environment variable {var}", note)
            if isinstance(value, list) and not (default.is_list and value == default.plain()):
                return SV([SV(v, line, col, note) for v in value], line, col, note)
            if default.is_list:
                return SV([x.with_note(note) for x in default.items()], line, col, note)
            return SV(value, line, col, note)
        args = [e(a) for a in node.args]
        kwargs = {k.arg: e(k.value) for k in node.keywords if k.arg}
        note = next((a.note for a in args if a.note), "")
        # re.compile
        if _text(func) in ("re.compile", "compile") and args:
            if not args[0].known or not isinstance(args[0].value, str):
                return unknown(node, _text(node), note)
            flags = args[1] if len(args) > 1 else kwargs.get("flags", SV(0))
            ic = bool(flags.known and isinstance(flags.value, int) and flags.value & re.IGNORECASE)
            return SV(Regex(args[0].value, ic), line, col, note)
        # methods on known values
        if isinstance(func, ast.Attribute):
            base = e(func.value)
            if base.known and all(a.fully_known() for a in args):
                result = _method(base, func.attr, [a.plain() for a in args])
                if result is not None:
                    return _wrap(result, line, col, base.note or note)
            return unknown(node, _text(node), base.note or note)
        if isinstance(func, ast.Name):
            name = func.id
            if name in ("list", "tuple", "sorted") and len(args) == 1 and args[0].is_list:
                items = args[0].items()
                if name == "sorted":
                    if not all(i.known for i in items):
                        return unknown(node, _text(node), note)
                    try:
                        items = sorted(items, key=lambda i: i.value)
                    except TypeError:
                        return unknown(node, _text(node), note)
                return SV(items, line, col, note)
            if name == "filter" and len(args) == 2 and args[0].value is None and args[1].is_list:
                if not all(i.known for i in args[1].items()):
                    return unknown(node, _text(node), note)
                return SV([i for i in args[1].items() if _truthy(i.value)], line, col, note)
            if name in ("int", "str", "bool", "float") and len(args) == 1 and args[0].known:
                try:
                    return SV({"int": int, "str": str, "bool": bool, "float": float}[name](args[0].value),
                              line, col, note)
                except (TypeError, ValueError):
                    return unknown(node, _text(node), note)
            if name == "dict" and not args:
                return SV(dict(kwargs), line, col, note)
            target = env.get(name)
            fn = target.value if target is not None and isinstance(target.value, Func) else None
            if fn is None and name in self.functions:
                fn = Func(self.functions[name])
            if fn is not None and depth < MAX_DEPTH * 3:
                result = self._inline(fn, args, kwargs, node, depth)
                if result is not None:
                    return result.with_note(note)
        return unknown(node, _text(node), note)

    def _inline(self, fn: Func, args: list[SV], kwargs: dict[str, SV], call: ast.AST, depth: int) -> SV | None:
        """The value a small pure helper returns for these arguments."""
        node = fn.node
        params = node.args  # type: ignore[attr-defined]
        names = [a.arg for a in params.posonlyargs + params.args]
        defaults = params.defaults
        local: dict[str, SV] = dict(self.env)
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
        return _relocate(SV(result.value, *_pos(call), result.note, result.what, result.text), node, call)

    def _exec(self, body: list[ast.stmt], local: dict[str, SV], depth: int) -> SV | None:
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
                    return unknown(stmt, _text(stmt.test), test.note)
                result = self._exec(stmt.body if _truthy(test.value) else stmt.orelse, local, depth)
                if result is not None:
                    return result
            elif isinstance(stmt, ast.Pass):
                continue
            else:
                return None
        return None

    # -- questions frontends ask

    def get(self, name: str) -> SV | None:
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


def _relocate(sv: SV, fn: ast.AST, call: ast.AST) -> SV:
    """Values a helper function builds are written, for the reader, where the
    helper is called: move positions inside the helper's body to the call."""
    start, end = getattr(fn, "lineno", 0), getattr(fn, "end_lineno", 0) or 0
    line, col = _pos(call)

    def move(v: SV) -> SV:
        inner = v.value
        if isinstance(inner, (list, tuple)):
            inner = type(inner)(move(x) for x in inner)
        if start <= v.line <= end:
            return SV(inner, line, col, v.note, v.what, v.text)
        return SV(inner, v.line, v.column, v.note, v.what, v.text) if inner is not v.value else v

    return move(sv)


def _wrap(value: Any, line: int, col: int, note: str) -> SV:
    if isinstance(value, SV):
        return value
    if isinstance(value, (list, tuple)):
        return SV([_wrap(v, line, col, note) for v in value], line, col, note)
    return SV(value, line, col, note)


def _method(base: SV, attr: str, args: list[Any]) -> Any | None:
    v = base.value
    if isinstance(v, str):
        if attr in ("strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title") and len(args) <= 1:
            return getattr(v, attr)(*args)
        if attr == "split" and len(args) <= 2:
            return v.split(*args)
        if attr == "replace" and len(args) == 2:
            return v.replace(*args)
        if attr == "join" and len(args) == 1 and isinstance(args[0], list):
            if all(isinstance(a, str) for a in args[0]):
                return v.join(args[0])
        if attr in ("startswith", "endswith") and len(args) == 1:
            return getattr(v, attr)(args[0] if not isinstance(args[0], list) else tuple(args[0]))
        if attr == "format" and all(isinstance(a, (str, int)) for a in args):
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


def _add(left: SV, right: SV, node: ast.AST) -> SV:
    line, col = _pos(node)
    note = left.note or right.note
    if left.is_list and right.is_list:
        return SV(left.items() + right.items(), left.line, left.column, note)
    if left.known and right.known and isinstance(left.value, str) and isinstance(right.value, str):
        return SV(left.value + right.value, line, col, note)
    if left.known and right.known and isinstance(left.value, (int, float)) and isinstance(right.value, (int, float)):
        return SV(left.value + right.value, line, col, note)
    return unknown(node, _text(node), note)


def _truthy(value: Any) -> bool:
    if isinstance(value, SV):
        return _truthy(value.value)
    try:
        return bool(value)
    except Exception:
        return True


def _join_cond(outer: str, inner: str) -> str:
    return f"{outer} and {inner}" if outer else inner


# ---------------------------------------------------------------- small helpers for frontends


def node_text(node: ast.AST) -> str:
    return _text(node)


def call_name(call: ast.Call) -> str:
    """``CORS``, ``app.add_middleware``... the called expression as text."""
    return _text(call.func)


def kwarg(call: ast.Call, name: str) -> ast.AST | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def node_source(path: str, node: ast.AST) -> Source:
    line, col = _pos(node)
    return Source(path, line, col)


def strings(sv: SV) -> list[SV]:
    """A setting that is a string or a list of strings, as a list."""
    if sv.is_list:
        return sv.items()
    return [sv]


@dataclass
class Provenance:
    """Where a setting's value came from, for finding messages."""

    notes: list[str] = field(default_factory=list)

    def add(self, note: str) -> None:
        if note and note not in self.notes:
            self.notes.append(note)

    def text(self) -> str:
        return "; ".join(self.notes)


def env_at(module: Module, node: ast.AST, parents: list[ast.AST]) -> dict[str, SV]:
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


def call_kwargs(module: Module, call: ast.Call, env: dict[str, SV]) -> dict[str, tuple[SV, ast.AST]]:
    """A call's keyword arguments, ``**mapping`` ones expanded when known:
    name -> (value, the node it was written at)."""
    out: dict[str, tuple[SV, ast.AST]] = {}
    for k in call.keywords:
        if k.arg is not None:
            out[k.arg] = (module.eval(k.value, env), k.value)
            continue
        mapping = module.eval(k.value, env)
        if isinstance(mapping.value, dict):
            for key, sv in mapping.value.items():
                if isinstance(key, str):
                    out[key] = (sv, _LineNode(sv.line, sv.column - 1))
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
    return model
