"""Access control and handlers: Require (with <Limit>/<LimitExcept> and
<RequireAll>/<RequireAny>), Deny from all, and what answers a request that
gets through: a proxy, an application handler or static files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import HANDLER_UNKNOWN, Outcome, Source
from .loading import Directive
from .sections import Scope
from .targets import url_prefix_matches

if TYPE_CHECKING:
    from .simulation import Path


class AccessAndHandlers:
    """Access control and handlers; part of Simulation (reads its ``ctx``,
    ``target`` and ``method``)."""

    def _access(self, layers: list[Scope]) -> tuple[Outcome | None, Source | None, str]:
        """(403 outcome, or None) and the auth source that answers 401 to
        requests without credentials."""
        method = self.method
        authz: tuple[Scope, list[Directive]] | None = None
        for s in layers:
            reqs = self._requires(s, method)
            if reqs is not None:
                authz = (s, reqs)
        auth_type = None
        for s in layers:
            for d in s.all("authtype"):
                auth_type = d
        # mod_access_compat: a Deny from all without Allow answers 403
        deny = allow = None
        for s in layers:
            for d in s.directives:
                if d.lname == "deny" and " ".join(d.args).lower() == "from all":
                    deny = d
                elif d.lname == "allow":
                    allow = d
        if authz is None:
            if deny is not None and allow is None:
                return Outcome(403, deny.source, reason="Deny from all"), None, ""
            return None, None, ""
        scope, reqs = authz
        verdict, source, what = self._evaluate_requires(reqs, method, auth_type)
        if verdict == "denied":
            return Outcome(403, source, reason=what), None, ""
        if verdict == "auth":
            return None, source, what
        return None, None, ""

    def _requires(self, s: Scope, method: str) -> list[Directive] | None:
        """The authorization directives of section ``s`` for ``method``:
        None when the section has none (the previous one's stay)."""
        own = [d for d in s.directives if d.lname in ("require", "requireall", "requireany", "requirenone")]
        limited: list[Directive] = []
        any_limit = False
        for lim in s.limits:
            inner = [d for d in (lim.children or []) if d.lname in ("require", "requireall", "requireany", "requirenone")]
            if not inner:
                continue
            any_limit = True
            methods = {m.upper() for m in lim.args}
            applies = method in methods if lim.lname == "limit" else method not in methods
            if lim.lname == "limit" and method == "HEAD" and "GET" in methods:
                applies = True
            if applies:
                limited.extend(inner)
        if own or limited:
            return own + limited
        if any_limit:
            return []   # the section restricts other methods only: this one is let through
        return None

    def _evaluate_requires(self, reqs: list[Directive], method: str, auth_type: Directive | None):
        """('granted'|'auth'|'denied', source, words) for a RequireAny of ``reqs``."""
        if not reqs:
            return "granted", None, ""
        results = [self._require_one(d, method, auth_type) for d in reqs]
        if any(r[0] == "granted" for r in results):
            return "granted", None, ""
        auth = [r for r in results if r[0] == "auth"]
        if auth:
            return auth[0]
        return results[-1] if results else ("granted", None, "")

    def _require_one(self, d: Directive, method: str, auth_type: Directive | None):
        if d.lname in ("requireall", "requireany", "requirenone"):
            inner = [c for c in (d.children or []) if c.lname in ("require", "requireall", "requireany", "requirenone")]
            results = [self._require_one(c, method, auth_type) for c in inner]
            if not results:
                return "granted", None, ""
            if d.lname == "requireany":
                if any(r[0] == "granted" for r in results):
                    return "granted", None, ""
                auth = [r for r in results if r[0] == "auth"]
                return auth[0] if auth else results[-1]
            if d.lname == "requireall":
                denied = [r for r in results if r[0] == "denied"]
                if denied:
                    return denied[0]
                auth = [r for r in results if r[0] == "auth"]
                return auth[0] if auth else ("granted", None, "")
            return "granted", None, ""
        args = [a.lower() for a in d.args]
        negate = bool(args) and args[0] == "not"
        if negate:
            args = args[1:]
            return "granted", None, ""   # a negated requirement only narrows others
        if not args:
            return "granted", None, ""
        kind = args[0]
        if kind == "all":
            if len(args) > 1 and args[1] == "denied":
                return "denied", d.source, "Require all denied"
            return "granted", None, ""
        if kind == "method":
            methods = {m.upper() for m in d.args[1:]}
            return ("granted", None, "") if method in methods else ("denied", d.source, f"Require method {' '.join(d.args[1:])}")
        if kind in ("valid-user", "user", "group", "file-owner", "file-group") or kind.startswith("ldap-") \
                or kind.startswith("dbd-") or kind.startswith("dbm-"):
            what = "AuthType " + (auth_type.args[0] if auth_type and auth_type.args else "(none)") \
                + f" with Require {' '.join(d.args)}"
            return "auth", d.source, what
        # ip, host, env, expr, local...: decided by the client, not the method
        return "granted", None, ""

    def _forwarded_prefix(self, d, target: str) -> str | None:
        """The prefix of the request's path that a ProxyPass replaces with
        its URL (mod_proxy: the rest of the path is appended to the URL);
        None for ProxyPassMatch, variables, or a prefix and URL whose
        trailing slashes differ (the joined path is then not the app's)."""
        if d.lname != "proxypass" or "$" in target:
            return None
        prefix = next((pre for pre, _dest, pd in self.ctx.proxies if pd is d), "")
        if not prefix.startswith("/") or prefix.endswith("/") != target.endswith("/"):
            return None
        return prefix

    def _handler(self, p: Path, layers: list[Scope]) -> Outcome:
        method = self.method
        if p.handler is not None:
            return p.handler
        if self.target.proxy is not None:
            d = self.target.proxy
            target = _proxy_target(d.args)
            return Outcome(None, d.source, delegate="upstream", hidden_upstream=frozenset(),
                           reason=f"{d.name} {' '.join(d.args)}", target=target,
                           forwarded_prefix=self._forwarded_prefix(d, target))
        handler = None
        for s in layers:
            for d in s.all("sethandler"):
                handler = d
        if handler is not None and handler.args and handler.args[0].lower() not in ("none", "default-handler"):
            kind = handler.args[0].lower()
            delegate = "upstream" if kind.startswith("proxy:") else "app"
            return Outcome(None, handler.source, delegate=delegate, reason=f"SetHandler {handler.args[0]}")
        for prefix, _fs, d, script in self.ctx.aliases:
            if script and url_prefix_matches(prefix, self.target.url):
                return Outcome(None, d.source, delegate="app", reason=f"ScriptAlias {prefix}")
        base = self.target.basename
        if base:
            for s in layers:
                for d in s.all("addhandler"):
                    exts = [e.lower().lstrip(".") for e in d.args[1:]]
                    if any(base.lower().endswith("." + e) for e in exts):
                        return Outcome(None, d.source, delegate="app", reason=f"AddHandler {' '.join(d.args)}")
        where = layers[-1].source
        if self.ctx.builder.content_elsewhere:
            return Outcome(None, where, delegate=HANDLER_UNKNOWN,
                           reason="the handler of the configuration that includes this file")
        if method in ("GET", "HEAD", "POST"):
            return Outcome(None, where, delegate="files", reason="static files")
        if method == "OPTIONS":
            return Outcome(200, where, delegate="files",
                           reason="httpd's core answers OPTIONS on static files with 200 and an Allow header")
        return Outcome(405, where, delegate="files", reason=f"static files answer {method} with 405")


def _proxy_target(args) -> str:
    """The backend URL of a ProxyPass / ProxyPassMatch (its first argument
    that names a scheme); "" when there is none (`ProxyPass /x !`)."""
    return next((a for a in args if "://" in a), "")
