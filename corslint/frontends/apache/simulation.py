"""Per-request simulation: one method through one target. <If> sections and
the URL translation (server-context mod_rewrite, mod_alias) fork the request
into paths; each path then meets access control, per-directory rewriting and
its handler, and ends as a Branch with the headers mod_headers sends.

The Simulation is put together from one part per httpd module, each in its
own file: ap_expr conditions (expressions.py), mod_rewrite (rewrite.py),
mod_alias (alias.py), access control and handlers (access.py), mod_headers
and env variables (headers.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model import Branch, OriginTest, Outcome, Source, Value
from .access import AccessAndHandlers
from .alias import AliasRedirects
from .conditions import TRUE, Condition, EnvTerm, fork, reads_origin
from .expressions import ExpressionConditions
from .headers import HeaderTables
from .rewrite import RewriteRules
from .sections import Scope
from .targets import Target

if TYPE_CHECKING:
    from .context import Context


MAX_PATHS = 64            # forks per route and method before conditions become opaque


@dataclass
class Path:
    """One way a request goes through the server."""

    tests: tuple[OriginTest, ...] = ()
    opaque: tuple[str, ...] = ()
    ifs: tuple[Scope, ...] = ()
    env: dict[str, EnvTerm] = field(default_factory=dict)
    result: Outcome | None = None
    result_local: bool = False          # answered by httpd itself (redirect, [R=2xx]): no onsuccess headers
    result_by: str = ""
    handler: Outcome | None = None      # [P] proxy or an app chosen by a rewrite
    # implicit Vary: Origin httpd adds: (source, in the always table, when)
    vary: list[tuple[Source, bool, "Condition"]] = field(default_factory=list)
    early: bool = False                 # answered while translating the URL (server rewrite, Redirect)

    def fork(self) -> "Path":
        return Path(self.tests, self.opaque, self.ifs, dict(self.env), self.result, self.result_local,
                    self.result_by, self.handler, list(self.vary), self.early)


class Simulation(ExpressionConditions, RewriteRules, AliasRedirects, AccessAndHandlers, HeaderTables):
    """Runs one method through a target and yields a Branch per distinct path.

    Each base class is one httpd module's part of the run, in a file of its
    own; they all work on this object's state: ``ctx`` (the server),
    ``target``, ``layers`` (its merged sections), ``ifs`` (its <If>
    sections), ``method`` and ``budget`` (forks left, spent by _spend)."""

    def __init__(self, ctx: Context, target: Target, layers: list[Scope], ifs: list[Scope], method: str):
        self.ctx = ctx
        self.target = target
        self.layers = layers
        self.ifs = ifs
        self.method = method
        self.budget = MAX_PATHS
        self._perdir_url = "/"      # the URL per-directory rewrite patterns are relative to

    def _spend(self) -> bool:
        if self.budget <= 0:
            return False
        self.budget -= 1
        return True

    def run(self) -> list[Branch]:
        paths = self._fork_ifs([Path()])
        paths = [q for p in paths for q in self._server_rewrite(p)]
        paths = [q for p in paths for q in self._server_redirects(p)]
        for p in paths:
            p.early = p.result is not None
        out: list[Branch] = []
        for p in paths:
            out.extend(self._finish(p))
        return out

    # -- <If> sections

    def _fork_ifs(self, paths: list[Path]) -> list[Path]:
        for scope in self.ifs:
            nxt: list[Path] = []
            for p in paths:
                if scope.parent is not None and scope.parent.kind in ("if", "elseif", "else") \
                        and scope.parent not in p.ifs:
                    nxt.append(p)
                    continue
                if scope.kind in ("elseif", "else") and any(c in p.ifs for c in scope.chain):
                    nxt.append(p)
                    continue
                if scope.kind == "else":
                    q = p.fork()
                    q.ifs = q.ifs + (scope,)
                    nxt.append(q)
                    continue
                cond = self.expr_cond(scope.pattern or "false", scope.source)
                if reads_origin(cond):
                    p.vary.append((scope.source, False, TRUE))   # whatever the outcome
                for tests, opaque, holds in fork(cond):
                    if not self._spend():
                        if holds:
                            continue
                    q = p.fork()
                    q.tests = q.tests + tests
                    q.opaque = q.opaque + opaque
                    if holds:
                        q.ifs = q.ifs + (scope,)
                    nxt.append(q)
            paths = nxt
        return paths

    # -- after the rewrite phase

    def _finish(self, p: Path) -> list[Branch]:
        layers = self.layers + list(p.ifs)
        if p.early:
            # answered while translating the URL: only the server's defaults,
            # <Location> and <If> sections are merged yet (no <Directory>/<Files>)
            layers = [s for s in layers if s.kind in ("server", "location", "locationmatch", "if", "elseif", "else")]
        staged: list[tuple[Path, Source | None, str]] = []
        if p.result is not None:
            staged.append((p, None, ""))
        else:
            # authentication and access control, then per-directory rewrite and redirects
            access, auth, auth_what = self._access(layers)
            if access is not None:
                p.result = access
                staged.append((p, None, ""))
            else:
                section_dirs = [d for s in layers if s.kind != "server" for d in s.directives]
                for q in self._perdir_rewrite(p, layers):
                    more = [q] if q.result is not None or q.handler is not None else \
                        self._redirects(q, section_dirs, in_section=True)
                    staged.extend((r, auth, auth_what) for r in more)
        out: list[Branch] = []
        for q, auth, auth_what in staged:
            for r in self._dir_slash(q):
                outcome = r.result or self._handler(r, layers)
                out.append(self._branch(r, layers, outcome, auth, auth_what))
        return out

    def _dir_slash(self, p: Path) -> list[Path]:
        if p.result is not None or not self.target.dir_slash or p.handler is not None:
            return [p]
        off = None
        for s in self.layers:
            for d in s.all("directoryslash"):
                off = d
        if off is not None and off.args and off.args[0].lower() == "off":
            return [p]
        if not self._spend():
            return [p]
        taken = p.fork()
        taken.opaque = taken.opaque + (f"the request names the directory {self.target.url} without its trailing slash",)
        taken.result = Outcome(301, self.target.source, location=Value.literal(self.target.url + "/"),
                               reason="DirectorySlash (mod_dir) redirects to the URL with a trailing slash")
        taken.result_local = True
        taken.result_by = "a 301 that DirectorySlash makes itself"
        return [taken, p]
