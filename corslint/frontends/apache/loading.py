"""Reading httpd files into a tree of directives: the pyparsing grammar,
conditional sections taken as written, Include/IncludeOptional expanded."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .._files import ParseError
from .._includes import IncludingLoader, above_root, rerooted
from ...model import Source


def load_grammar():
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



# Conditional-configuration sections taken as written (negated ones skipped):
# corslint lints the configuration the file describes with its modules loaded.
_TRANSPARENT = {"ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection"}
_SKIPPED_SECTIONS = {"macro"}


# Go templates, Jinja and ERB; httpd's own ${VAR} (Define, environment) is plain Apache.
_TEMPLATE_MARKERS = re.compile(r"\{\{|\{%|<%=")


@dataclass
class Loader(IncludingLoader):
    """Reads httpd files once, expands includes, records every problem."""

    what = "an Apache config"
    include_word = "Include"

    def parse_file(self, path: str) -> list:
        if path in self.cache:
            return self.cache[path]
        text = self.read(path)
        mark = _TEMPLATE_MARKERS.search(text)
        if mark is not None:
            line = text[: mark.start()].count("\n") + 1
            raise ParseError(path, line, "template markup ({{ }} / {% %} / <%= %>), not plain Apache: "
                                         "lint the rendered config")
        grammar = load_grammar()
        try:
            nodes = grammar.parse_config(text)
        except grammar.ApacheSyntaxError as exc:
            raise ParseError(path, exc.line, exc.message)
        self.cache[path] = nodes
        return nodes

    def load(self, path: str, root_dir: str, server_root: list[str] | None = None,
             via: tuple[Source, ...] = (), stack: tuple[str, ...] = ()) -> list[Directive]:
        """``path``'s directives; ``server_root`` holds the ServerRoot in
        force, which a ServerRoot directive changes for what follows it."""
        if server_root is None:
            server_root = []
        nodes = self.parse_file(path)
        return self._convert(nodes, path, root_dir, server_root, via, stack + (os.path.realpath(path),))

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
        candidates = include_candidates(pattern, os.path.dirname(path), root_dir,
                                        server_root[0] if server_root else None)
        files, outside = self.resolve(pattern, candidates, source, path, whole_directories=True)
        if not files:
            if not optional:   # httpd refuses an Include (glob or not) that matches nothing
                self.not_found(pattern, source, path, outside)
            return []
        return self.include(files, pattern, source, path, stack,
                            lambda inc: self.load(inc, root_dir, server_root, via + (source,), stack))


def include_candidates(pattern: str, file_dir: str, root_dir: str, server_root: str | None) -> list[str]:
    """Where an Include may point, in order, the pattern as httpd reads it
    first; :meth:`IncludingLoader.resolve` keeps those in the linted tree.
    httpd resolves relative paths against ServerRoot, which a repository
    usually mirrors at the main config's directory; absolute paths are
    re-rooted into the tree (/etc/apache2/conf-enabled/x.conf ->
    <root>/conf-enabled/x.conf)."""
    if os.path.isabs(pattern):
        candidates = [pattern]
        if server_root and os.path.isabs(server_root):
            rel = os.path.relpath(pattern, server_root)
            if not rel.startswith(".."):
                candidates.append(os.path.join(root_dir, rel))
        return candidates + rerooted(pattern, root_dir)
    return [os.path.join(root_dir, pattern), os.path.join(file_dir, pattern),
            *above_root(pattern, root_dir)]


def flatten(directives: list[Directive]) -> list[Directive]:
    """Directives with the contents of <RequireAll>/<RequireAny>/<RequireNone>."""
    out: list[Directive] = []
    for d in directives:
        out.append(d)
        if d.children is not None:
            out.extend(flatten(d.children))
    return out
