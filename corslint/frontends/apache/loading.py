"""Reading httpd files into a tree of directives: the pyparsing grammar,
conditional sections taken as written, Include/IncludeOptional expanded."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field

from .._files import ParseError, read_config_text
from ...model import ParseProblem, Source


MAX_BYTES = 2_000_000     # larger files are refused: no httpd config is that big


def _grammar():
    from ...grammars import apache  # the pyparsing grammar: loaded on the first Apache file only

    return apache


@dataclass
class Directive:
    """A directive or section with its source position (include chain kept)."""

    name: str
    args: list[str]
    source: Source
    children: list["Directive"] | None = None
    arg_sources: list[Source] = field(default_factory=list)
    end_line: int | None = None

    @property
    def lname(self) -> str:
        return self.name.lower()

    @property
    def is_section(self) -> bool:
        return self.children is not None

    def arg_source(self, i: int) -> Source:
        return self.arg_sources[i] if i < len(self.arg_sources) else self.source


# Conditional-configuration sections taken as written (negated ones skipped):
# corslint lints the configuration the file describes with its modules loaded.
_TRANSPARENT = {"ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection"}
_SKIPPED_SECTIONS = {"macro"}


# Go templates, Jinja and ERB; httpd's own ${VAR} (Define, environment) is plain Apache.
_TEMPLATE_MARKERS = re.compile(r"\{\{|\{%|<%=")


@dataclass
class Loader:
    texts: dict[str, str]
    stdin: dict[str, str] = field(default_factory=dict)
    problems: list[ParseProblem] = field(default_factory=list)
    cache: dict[str, list] = field(default_factory=dict)
    included: set[str] = field(default_factory=set)

    def read(self, path: str) -> str:
        if path in self.stdin:
            text = self.stdin[path]
        else:
            text = read_config_text(path, "an Apache config", MAX_BYTES, self.problems)
        self.texts[path] = text
        return text

    def parse_file(self, path: str) -> list:
        if path in self.cache:
            return self.cache[path]
        text = self.read(path)
        mark = _TEMPLATE_MARKERS.search(text)
        if mark is not None:
            line = text[: mark.start()].count("\n") + 1
            raise ParseError(path, line, "template markup ({{ }} / {% %} / <%= %>), not plain Apache: "
                                         "lint the rendered config")
        grammar = _grammar()
        try:
            nodes = grammar.parse_config(text)
        except grammar.ApacheSyntaxError as exc:
            raise ParseError(path, exc.line, exc.message)
        self.cache[path] = nodes
        return nodes

    def load(self, path: str, root_dir: str, server_root: list[str],
             via: tuple[Source, ...] = (), stack: tuple[str, ...] = ()) -> list[Directive]:
        nodes = self.parse_file(path)
        return self._convert(nodes, path, root_dir, server_root, via, stack + (os.path.abspath(path),))

    def _convert(self, nodes: list, path: str, root_dir: str, server_root: list[str],
                 via: tuple[Source, ...], stack: tuple[str, ...]) -> list[Directive]:
        out: list[Directive] = []
        for node in nodes:
            source = Source(path, node.line, node.column, via)
            lname = node.name.lower()
            if node.is_section:
                if lname in _SKIPPED_SECTIONS:
                    continue
                if lname in _TRANSPARENT:
                    if node.args and node.args[0].startswith("!"):
                        continue
                    out.extend(self._convert(node.children, path, root_dir, server_root, via, stack))
                    continue
                children = self._convert(node.children, path, root_dir, server_root, via, stack)
                out.append(Directive(node.name, list(node.args), source, children,
                                     [Source(path, l, c, via) for l, c in node.arg_positions], node.end_line))
                continue
            if lname == "serverroot" and node.args:
                server_root[:] = [node.args[0]]
            if lname in ("include", "includeoptional") and node.args:
                out.extend(self._include(node.args[0], source, path, root_dir, server_root, via, stack,
                                         optional=lname == "includeoptional"))
                continue
            out.append(Directive(node.name, list(node.args), source, None,
                                 [Source(path, l, c, via) for l, c in node.arg_positions]))
        return out

    def _include(self, pattern: str, source: Source, path: str, root_dir: str, server_root: list[str],
                 via: tuple[Source, ...], stack: tuple[str, ...], optional: bool) -> list[Directive]:
        files = resolve_include(pattern, os.path.dirname(path), root_dir, server_root[0] if server_root else None)
        if not files:
            if not optional:   # httpd refuses an Include (glob or not) that matches nothing
                self.problems.append(ParseProblem(
                    path, source.line, f"Include '{pattern}' matches no file here; linted without it",
                    fatal=False))
            return []
        out: list[Directive] = []
        for inc in files:
            real = os.path.abspath(inc)
            if real in stack:
                raise ParseError(path, source.line, f"include cycle: '{pattern}' includes {inc} again")
            self.included.add(real)
            try:
                out.extend(self.load(inc, root_dir, server_root, via + (source,), stack))
            except ParseError as exc:
                self.problems.append(exc.problem)
        return out


def resolve_include(pattern: str, file_dir: str, root_dir: str, server_root: str | None) -> list[str]:
    """Where an Include points inside the linted tree: httpd resolves relative
    paths against ServerRoot, which a repository usually mirrors at the main
    config's directory; absolute paths are re-rooted into the tree
    (/etc/apache2/conf-enabled/x.conf -> <root>/conf-enabled/x.conf)."""
    candidates: list[str] = []
    if os.path.isabs(pattern):
        candidates.append(pattern)
        if server_root and os.path.isabs(server_root):
            rel = os.path.relpath(pattern, server_root)
            if not rel.startswith(".."):
                candidates.append(os.path.join(root_dir, rel))
        parts = pattern.strip("/").split("/")
        for i in range(1, len(parts)):
            candidates.append(os.path.join(root_dir, *parts[i:]))
    else:
        candidates += [os.path.join(root_dir, pattern), os.path.join(file_dir, pattern)]
        parent = os.path.dirname(root_dir)
        if parent and parent != root_dir:
            candidates.append(os.path.join(parent, pattern))
    for cand in candidates:
        if os.path.isdir(cand) and not glob.has_magic(cand):
            found = sorted(os.path.join(cand, f) for f in os.listdir(cand)
                           if os.path.isfile(os.path.join(cand, f)))
            if found:
                return found
            continue
        matches = sorted(m for m in glob.glob(cand) if os.path.isfile(m))
        if matches:
            return matches
    return []


def _flatten(directives: list[Directive]) -> list[Directive]:
    """Directives with the contents of <RequireAll>/<RequireAny>/<RequireNone>."""
    out: list[Directive] = []
    for d in directives:
        out.append(d)
        if d.children is not None:
            out.extend(_flatten(d.children))
    return out
