"""Reading nginx files into a tree of directives: crossplane's parser over
corslint's lexer, includes expanded, every problem recorded."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from . import lexer  # imports crossplane only when a file is parsed
from .._files import ParseError
from .._includes import IncludingLoader, above_root, rerooted
from ...model import Source


TEMPLATE_MARKERS = re.compile(r"\{\{|\{%|<%=|^[^\S\n]*\{\{-", re.M)


@dataclass
class Directive:
    name: str
    args: list[str]
    source: Source
    block: list["Directive"] | None = None


@dataclass
class Loader(IncludingLoader):
    """Reads nginx files once, expands includes, records every problem."""

    what = "an nginx config"
    include_word = "include"

    def parse_file(self, path: str) -> list[dict]:
        if path in self.cache:
            return self.cache[path]
        text = self.read(path)
        if text.startswith("\ufeff"):
            raise ParseError(path, 1, "the file starts with a UTF-8 byte order mark (BOM), which nginx "
                                      "reads as part of the first directive's name: save it without one")
        if TEMPLATE_MARKERS.search(text):
            line = text[: TEMPLATE_MARKERS.search(text).start()].count("\n") + 1
            raise ParseError(path, line, "template markup ({{ }} / {% %}), not plain nginx: lint the rendered config")
        placeholder = _envsubst_placeholder(text)
        if placeholder is not None:
            line = text[: placeholder.start()].count("\n") + 1
            raise ParseError(path, line, f"template placeholder {placeholder.group(0)} (envsubst style: "
                                         "no set or map defines it), not plain nginx: lint the rendered config")
        # crossplane parses the text read above (size-limited, decoded the
        # one way): the file is not opened again, standard input needs no copy
        try:
            payload = lexer.parse(
                path, text=text, single=True, comments=True, check_ctx=False, check_args=False,
                catch_errors=False,
            )
        except RecursionError:
            raise ParseError(path, None, TOO_DEEP)
        except Exception as exc:  # crossplane raises its own error types
            line = getattr(exc, "lineno", None)
            message = getattr(exc, "strerror", None) or str(exc)
            message = re.sub(r"\s+in \S+:\d+$", "", message).strip()
            raise ParseError(path, line, message or f"not nginx syntax ({type(exc).__name__})")
        if payload["errors"]:
            err = payload["errors"][0]
            message = re.sub(r"\s+in \S+:\d+$", "", err["error"]).strip()
            line = err.get("line")
            if not message:
                # crossplane stops on some malformed input without saying why
                line, message = _diagnose_tokens(path, text)
            elif "maximum recursion depth" in message:
                line, message = None, TOO_DEEP
            raise ParseError(path, line, message)
        parsed = payload["config"][0]["parsed"] if payload["config"] else []
        self.cache[path] = parsed
        return parsed

    def load(self, path: str, root_dir: str, via: tuple[Source, ...] = (),
             stack: tuple[str, ...] = ()) -> list[Directive]:
        parsed = self.parse_file(path)
        lines = self.texts[path].splitlines()
        return self._convert(parsed, path, lines, root_dir, via, stack + (os.path.realpath(path),))

    def _convert(self, items: list[dict], path: str, lines: list[str], root_dir: str,
                 via: tuple[Source, ...], stack: tuple[str, ...]) -> list[Directive]:
        out: list[Directive] = []
        for item in items:
            name = item["directive"]
            if name == "#":
                continue
            line = item.get("line") or 1
            column = _column(lines, line, name)
            source = Source(path, line, column, via)
            if name == "include" and item.get("args"):
                out.extend(self._include(item["args"][0], source, path, root_dir, via, stack))
                continue
            block = None
            if "block" in item:
                block = self._convert(item["block"], path, lines, root_dir, via, stack)
            out.append(Directive(name, list(item.get("args", [])), source, block))
        return out

    def _include(self, pattern: str, source: Source, path: str, root_dir: str,
                 via: tuple[Source, ...], stack: tuple[str, ...]) -> list[Directive]:
        files, outside = self.resolve(pattern, include_candidates(pattern, os.path.dirname(path), root_dir),
                                      source, path)
        if not files:
            if not pattern.endswith("mime.types"):  # never about CORS, and rarely in a repo
                self.not_found(pattern, source, path, outside)
            # kept in the tree as a mark: what it would have set is unknown
            return [Directive("include", [pattern], source)]
        return self.include(files, pattern, source, path, stack,
                            lambda inc: self.load(inc, root_dir, via + (source,), stack))


_ENVSUBST = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def _envsubst_placeholder(text: str) -> re.Match | None:
    """An upper-case ${NAME} that no set or map defines: a placeholder for
    envsubst or docker's templating, not an nginx variable."""
    for m in _ENVSUBST.finditer(text):
        name = m.group(1)
        if not re.search(rf"(?m)^[^\S\n]*(set|map\s+\S+)\s+\${name}\b", text):
            # a commented-out line is no evidence either way
            line_start = text.rfind("\n", 0, m.start()) + 1
            if "#" not in text[line_start:m.start()]:
                return m
    return None


TOO_DEEP = "blocks nested too deep to analyse (more than a few hundred levels)"


def _diagnose_tokens(path: str, text: str) -> tuple[int | None, str]:
    """Say what is wrong where crossplane gave no message: a ';' where a
    directive name belongs, or a statement cut off by the end of the file."""
    pending_line = None
    last_line = None
    try:
        for token, line, quoted in lexer.lex(path, text):
            last_line = line
            if quoted:
                pending_line = pending_line or line
                continue
            if token == ";":
                if pending_line is None:
                    return line, 'unexpected ";" (a semicolon with no directive before it)'
                pending_line = None
            elif token in ("{", "}"):
                pending_line = None
            else:
                pending_line = pending_line or line
    except Exception as exc:  # the lexer's own complaint is the best we have
        return getattr(exc, "lineno", None), re.sub(r"\s+in \S+:\d+$", "", str(exc)) or "not nginx syntax"
    if pending_line is not None:
        return last_line, 'unexpected end of file, expecting ";" or "}"'
    return last_line, "not nginx syntax"


def _column(lines: list[str], line: int, name: str) -> int:
    if 0 < line <= len(lines):
        idx = lines[line - 1].find(name)
        if idx >= 0:
            return idx + 1
        stripped = lines[line - 1]
        return len(stripped) - len(stripped.lstrip()) + 1
    return 1


def include_candidates(pattern: str, file_dir: str, root_dir: str) -> list[str]:
    """Where an include may point, in order, the pattern as written first;
    :meth:`IncludingLoader.resolve` keeps those in the linted tree.

    nginx resolves relative paths against its prefix (the main config's
    directory); a repo often keeps that layout, so try the including file's
    directory, then the main config's, and re-root absolute paths
    (/etc/nginx/snippets/x.conf -> <root>/snippets/x.conf)."""
    if os.path.isabs(pattern):
        return [pattern, *rerooted(pattern, root_dir)]
    return [os.path.join(file_dir, pattern), os.path.join(root_dir, pattern),
            *above_root(pattern, root_dir)]
