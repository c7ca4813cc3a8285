"""Per-directory sections and servers: a file's tree split into the main
server, its virtual hosts and the nested section scopes of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from ...model import Source
from .loading import Directive


_SECTION_KINDS = {
    "directory": "directory", "directorymatch": "directorymatch", "files": "files",
    "filesmatch": "filesmatch", "location": "location", "locationmatch": "locationmatch",
    "if": "if", "elseif": "elseif", "else": "else", "proxy": "proxy", "proxymatch": "proxy",
}
MERGE_PHASE = {"server": 0, "directory": 1, "htaccess": 1, "directorymatch": 2, "files": 3, "filesmatch": 3,
          "location": 4, "locationmatch": 4, "if": 5, "elseif": 5, "else": 5}


@dataclass
class Scope:
    """A per-directory context: the server defaults, a section, a .htaccess."""

    kind: str
    pattern: str | None
    regex: bool
    directives: list[Directive]        # directly inside (sections excluded)
    limits: list[Directive]            # <Limit>/<LimitExcept> sections directly inside
    source: Source
    label: str
    children: list["Scope"] = field(default_factory=list)
    parent: "Scope | None" = None
    order: int = 0
    owner: str = "main"                 # "main" or the vhost's label
    chain: list["Scope"] = field(default_factory=list)   # If/ElseIf/Else that precede this one

    def all(self, lname: str) -> list[Directive]:
        return [d for d in self.directives if d.lname == lname]

    def last(self, lname: str) -> Directive | None:
        found = self.all(lname)
        return found[-1] if found else None


@dataclass
class Server:
    label: str
    source: Source
    directives: list[Directive]        # server-context directives (sections excluded)
    defaults: Scope                    # the server's per-directory defaults
    sections: list[Scope]              # every section scope, nested ones included
    hosts: tuple[str, ...] = ()
    https: bool | None = None
    vhost: bool = False

    def all(self, lname: str) -> list[Directive]:
        return [d for d in self.directives if d.lname == lname]

    def last(self, lname: str) -> Directive | None:
        found = self.all(lname)
        return found[-1] if found else None


def split_scope(kind: str, pattern: str | None, regex: bool, items: list[Directive], source: Source,
                 label: str, owner: str, counter: list[int], parent: Scope | None) -> Scope:
    scope = Scope(kind, pattern, regex, [], [], source, label, owner=owner, parent=parent)
    counter[0] += 1
    scope.order = counter[0]
    previous_if: Scope | None = None
    for d in items:
        if not d.is_section:
            scope.directives.append(d)
            continue
        lname = d.lname
        if lname in ("limit", "limitexcept"):
            scope.limits.append(d)
            previous_if = None
            continue
        if lname in ("requireall", "requireany", "requirenone"):
            scope.directives.append(d)
            continue
        sub_kind = _SECTION_KINDS.get(lname)
        if sub_kind is None or lname == "virtualhost":
            previous_if = None
            continue
        sub_pattern = d.args[0] if d.args else None
        sub_regex = sub_kind.endswith("match")
        if sub_kind in ("directory", "files", "location") and d.args[:1] == ["~"]:
            sub_regex = True
            sub_pattern = d.args[1] if len(d.args) > 1 else None
        sub_label = f"<{d.name}{(' ' + ' '.join(d.args)) if d.args else ''}>"
        child = split_scope(sub_kind, sub_pattern, sub_regex, d.children or [], d.source, sub_label,
                             owner, counter, scope)
        if sub_kind in ("elseif", "else") and previous_if is not None:
            child.chain = previous_if.chain + [previous_if]
        previous_if = child if sub_kind in ("if", "elseif") else None
        scope.children.append(child)
    return scope


def walk_scopes(scope: Scope) -> Iterator[Scope]:
    for child in scope.children:
        yield child
        yield from walk_scopes(child)


def server_https(vhost: Directive | None, directives: list[Directive]) -> bool | None:
    https = None
    if vhost is not None:
        for addr in vhost.args:
            port = addr.rsplit(":", 1)[-1] if ":" in addr else ""
            if port == "443":
                https = True
            elif port and https is None:
                https = False
    for d in directives:
        if d.lname == "sslengine" and d.args and d.args[0].lower() == "on":
            https = True
    return https
