"""The configuration levels a request's settings come from (http, server,
location, if, limit_except) and what a server level says about its hosts."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import Source
from .loading import Directive


@dataclass
class Level:
    """One configuration level a request's settings come from."""

    kind: str                   # http | server | location | if
    directives: list[Directive]
    source: Source
    label: str = ""
    # A snippet's body: the block that includes it decides how requests are
    # answered, so no content handler can be assumed for it.
    content_elsewhere: bool = False
    by_name: dict[str, list[Directive]] = field(default_factory=dict, repr=False)
    # What the routes under this level read from it, worked out once: a
    # server's level is in the chain of every one of its locations.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Levels are asked for the same directive names once per route and
        # method: index them once, or an http level with thousands of servers
        # makes every lookup linear in the file.
        for d in self.directives:
            self.by_name.setdefault(d.name, []).append(d)

    def all(self, name: str) -> list[Directive]:
        return self.by_name.get(name, [])

    def last(self, name: str) -> Directive | None:
        found = self.all(name)
        return found[-1] if found else None


@dataclass
class ServerInfo:
    hosts: tuple[str, ...]
    https: bool | None
    name: str


def server_info(level: Level, fallback: str) -> ServerInfo:
    hosts: list[str] = []
    for d in level.all("server_name"):
        hosts.extend(a for a in d.args if a and a != "_")
    https = None
    for d in level.all("listen"):
        words = [a.lower() for a in d.args]
        if "ssl" in words or "quic" in words or (words and words[0].rsplit(":", 1)[-1] == "443"):
            https = True
        elif https is None:
            https = False
    if any(d.args[:1] == ["on"] for d in level.all("ssl")):
        https = True
    name = hosts[0] if hosts else fallback
    return ServerInfo(tuple(hosts), https, name)
