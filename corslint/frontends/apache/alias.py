"""mod_alias: Redirect, RedirectMatch, RedirectPermanent and RedirectTemp,
in server context and inside sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import Outcome, Value
from .conditions import OpaqueCondition, FALSE, TRUE
from .loading import Directive
from .targets import url_prefix_matches

if TYPE_CHECKING:
    from .simulation import Path


STATUS_WORDS = {"permanent": 301, "temp": 302, "seeother": 303, "gone": 410}


class AliasRedirects:
    """mod_alias redirects; part of Simulation (reads its ``ctx`` and ``target``, and
    matches RedirectMatch patterns as mod_rewrite does)."""

    def _server_redirects(self, p: Path) -> list[Path]:
        if p.result is not None or self.target.proxy is not None or p.handler is not None:
            return [p]  # mod_proxy's and mod_rewrite's translation come before mod_alias's
        directives = list(self.ctx.server.directives)
        if self.ctx.inherits:
            directives += self.ctx.main.directives
        return self._redirects(p, directives, in_section=False)

    def _redirects(self, p: Path, directives: list[Directive], in_section: bool) -> list[Path]:
        for d in directives:
            if d.lname not in ("redirect", "redirectmatch", "redirectpermanent", "redirecttemp"):
                continue
            args = list(d.args)
            code = {"redirectpermanent": 301, "redirecttemp": 302}.get(d.lname, 302)
            if args and (args[0].lower() in STATUS_WORDS or args[0].isdigit()):
                word = args.pop(0)
                code = STATUS_WORDS.get(word.lower()) or int(word)
            if d.lname == "redirectmatch":
                if len(args) < 1:
                    continue
                cond = self._rule_pattern(args[0], self.target.url, False, False)
                target = args[1] if len(args) > 1 else ""
            else:
                if in_section and (len(args) <= 1 or not args[0].startswith("/")):
                    # inside a section: `Redirect [status] [URL]` answers the section itself
                    cond, target = TRUE, args[0] if args else ""
                elif len(args) >= 1:
                    prefix = args[0]
                    cond = TRUE if url_prefix_matches(prefix, self.target.url) else FALSE
                    target = args[1] if len(args) > 1 else ""
                else:
                    continue
            if cond == FALSE:
                continue
            text = f"{d.name} {' '.join(d.args)}"
            if 300 <= code < 400:
                outcome = Outcome(code, d.source, location=Value.literal(target) if target else None, reason=text)
            else:
                outcome = Outcome(code, d.source, reason=text)
            if cond == TRUE:
                p.result = outcome
                p.result_local = 300 <= code < 400
                p.result_by = f"a {code} that {d.name} makes itself"
                return [p]
            taken = p.fork()
            taken.opaque = taken.opaque + ((cond.text,) if isinstance(cond, OpaqueCondition) else ())
            taken.result = outcome
            taken.result_local = 300 <= code < 400
            taken.result_by = f"a {code} that {d.name} makes itself"
            return [taken, p]
        return [p]
