"""The model builder: files -> routes. Loads every file, checks directives
httpd would refuse, splits each file into servers and hands each server to
its Context."""

from __future__ import annotations

import os
import re

from .._includes import as_roots, linted_roots, load_each
from ...model import OriginMatcher, ParseProblem, PolicyModel, Route, Source
from .context import DEFAULT_DOCROOT, Context
from .loading import Directive, Loader, flatten
from .rewrite import rule_flags
from .sections import Scope, Server, server_https, split_scope, walk_scopes
from .values import pcre_to_python, valid_regex


_TOO_DEEP = "nesting too deep to analyse"

# What a file of headers only holds: response and request headers, the
# variables they test, and the wrappers around them. A file of nothing else
# (no vhost, no document root, handler, proxy or <Directory>) is a snippet
# that a configuration deciding how requests are answered includes.
HEADERS_ONLY = frozenset({
    "header", "requestheader", "setenvif", "setenvifnocase", "setenvifexpr", "setenv",
    "unsetenv", "browsermatch", "browsermatchnocase", "ifmodule", "ifdefine", "ifversion",
    "location", "locationmatch", "if", "elseif", "else",
})


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None, roots: tuple[str, ...] | None = None) -> PolicyModel:
    """Parse Apache files; a file another one includes is analysed only as part
    of its includer when both are linted."""
    model = PolicyModel()
    stdin = dict(stdin or {})
    loader = Loader(texts if texts is not None else {}, stdin=stdin,
                    roots=linted_roots(paths, stdin) if roots is None else as_roots(roots))
    for path, tree in load_each(loader, paths, model, _TOO_DEEP):
        model.files.append(path)
        model.problems.extend(check_directives(tree))
        try:
            routes = Builder(path, tree).routes()
            model.routes.extend(routes)
            model.origin_allowlists.extend(unused_origin_matchers(tree, routes))
        except RecursionError:
            model.problems.append(ParseProblem(path, None, _TOO_DEEP))
    model.problems.extend(loader.problems)
    model.included_files |= loader.included
    return model


def unused_origin_matchers(tree: list[Directive], routes: list[Route]) -> list[OriginMatcher]:
    """``SetEnvIf Origin`` and ``RewriteCond %{HTTP:Origin}`` patterns no route
    reads (a snippet that only sets the variable): still judged on the pattern."""
    used = {(m.pattern, m.source) for r in routes for m in r.origin_matchers()}
    out: list[OriginMatcher] = []
    for d in flatten(tree):
        if d.lname in ("setenvif", "setenvifnocase") and len(d.args) >= 3 and d.args[0].lower() == "origin":
            pattern, nocase = d.args[1], d.lname.endswith("nocase")
        elif d.lname == "rewritecond" and len(d.args) >= 2 and d.args[0].upper() == "%{HTTP:ORIGIN}":
            pattern = d.args[1]
            nocase = "nc" in rule_flags(d.args[2] if len(d.args) > 2 else "")
            if pattern.startswith(("!", "=", "<", ">", "-")):
                continue
        else:
            continue
        if (pcre_to_python(pattern), d.source) in used or not valid_regex(pattern):
            continue
        out.append(OriginMatcher(pcre_to_python(pattern), "pcre-search", nocase, d.source))
    return out


_HEADER_FORMAT = re.compile(r"%(?:%|\{[^}]*\}[A-Za-z]|[A-Za-z])")


def check_directives(tree: list[Directive]) -> list[ParseProblem]:
    """Directives httpd refuses to load although the grammar accepts them: a
    mod_headers value with a format it does not know (``%{HTTP:Origin}``
    without its letter is the usual one)."""
    problems: list[ParseProblem] = []
    for d in flatten(tree):
        if d.lname != "header":
            continue
        args = d.args[1:] if d.args[:1] and d.args[0].lower() in ("always", "onsuccess") else d.args
        if len(args) < 3 or args[0].lower() not in ("set", "append", "add", "merge", "setifempty"):
            continue
        value = args[2]
        if value.startswith("expr="):
            continue
        pos = 0
        while True:
            i = value.find("%", pos)
            if i < 0:
                break
            m = _HEADER_FORMAT.match(value, i)
            if m is None or m.group(0)[-1] not in "%tDlibes":
                bad = value[i:i + 16]
                problems.append(ParseProblem(
                    d.source.file, d.source.line,
                    f"Header value '{value}': httpd refuses the format '{bad}' (mod_headers knows %{{NAME}}e, "
                    f"%{{NAME}}s, %t, %D, %l, %i, %b and %%; the request's Origin is \"expr=%{{req:Origin}}\")"))
                break
            pos = m.end()
    return problems


def _is_htaccess(path: str) -> bool:
    base = os.path.basename(path)
    return base == ".htaccess" or base.endswith(".htaccess")


class Builder:
    def __init__(self, path: str, tree: list[Directive]):
        self.path = path
        self.tree = tree
        self.counter = [0]
        self.content_elsewhere = False

    # -- servers

    def servers(self) -> tuple[Server, list[Server]]:
        base = os.path.basename(self.path)
        top_source = Source(self.path, 1, 1)
        vhost_nodes = [d for d in self.tree if d.lname == "virtualhost" and d.is_section]
        main_items = [d for d in self.tree if not (d.lname == "virtualhost" and d.is_section)]
        if _is_htaccess(self.path):
            # A .htaccess is the per-directory config of the directory it sits in.
            docroot = DEFAULT_DOCROOT
            defaults = Scope("server", None, False, [], [], top_source, "server", owner="main")
            ht = split_scope("htaccess", docroot, False, main_items, top_source, base, "main",
                              self.counter, defaults)
            defaults.children.append(ht)
            main = Server(base, top_source, [], defaults, [ht] + list(walk_scopes(ht)))
            main.directives = []
            self._htaccess_docroot = docroot
            return main, []
        self._htaccess_docroot = None
        defaults = split_scope("server", None, False, main_items, top_source, "server", "main", self.counter, None)
        server_dirs = list(defaults.directives)
        main = Server(base, top_source, server_dirs, defaults, list(walk_scopes(defaults)),
                      https=server_https(None, server_dirs))
        main.hosts = self._hosts(server_dirs)
        if main.hosts:
            main.label = main.hosts[0]
        vhosts: list[Server] = []
        for vh in vhost_nodes:
            label = f"<VirtualHost {' '.join(vh.args)}>"
            scope = split_scope("server", None, False, vh.children or [], vh.source, label, label,
                                 self.counter, None)
            dirs = list(scope.directives)
            server = Server(label, vh.source, dirs, scope, list(walk_scopes(scope)),
                            https=server_https(vh, dirs), vhost=True)
            server.hosts = self._hosts(dirs)
            if server.hosts:
                server.label = server.hosts[0] + (":443" if server.https else "")
            vhosts.append(server)
        return main, vhosts

    @staticmethod
    def _hosts(directives: list[Directive]) -> tuple[str, ...]:
        hosts: list[str] = []
        for d in directives:
            if d.lname == "servername" and d.args:
                hosts.append(re.sub(r"^[a-z]+://", "", d.args[0]).split(":")[0])
        for d in directives:
            if d.lname == "serveralias":
                hosts.extend(a for a in d.args)
        return tuple(hosts)

    def routes(self) -> list[Route]:
        main, vhosts = self.servers()
        # A snippet of headers only: its includer's handler answers, not
        # httpd's static files (nothing said about their 404s and 405s).
        self.content_elsewhere = not _is_htaccess(self.path) and not vhosts and all(
            d.lname in HEADERS_ONLY for d in flatten(self.tree))
        routes: list[Route] = []
        servers = vhosts if vhosts else [main]
        for server in servers:
            ctx = Context(self, main, server)
            for target in ctx.targets():
                routes.append(ctx.route(target))
        return routes
