"""One server's context (the main server or a vhost with what it inherits):
its targets, the sections that apply to each in httpd's merge order, and
the route each target becomes."""

from __future__ import annotations

import glob
import posixpath
import re
from typing import TYPE_CHECKING

from .._branches import merge_branches
from .._purpose import DOCUMENTATION, WEBSOCKET, documentation_path, websocket_url
from ...model import ALL_METHODS, Branch, ExpectedHeader, HeaderEmission, Route, Source, Unknown, Value
from .alias import STATUS_WORDS
from .loading import Directive, flatten
from .rewrite import perdir_url
from .sections import MERGE_PHASE, Scope, Server
from .simulation import Simulation
from .targets import (
    Target,
    dir_matches,
    files_matches,
    location_matches,
    url_prefix_matches,
    example_name,
    example_url_for_regex,
)
from .values import regex_search

if TYPE_CHECKING:
    from .build import Builder


NAME = "apache"
MAX_TARGETS = 200         # routes per server
DEFAULT_DOCROOT = "/var/www/html"   # Debian's; used when no DocumentRoot is set
# The file a directory target stands for when a regex section is tested on
# the request's file name (the one tests/test_apache_live.py requests).
_SAMPLE_FILE = "x"


class Context:
    """One server (the main server or a vhost, with what it inherits)."""

    def __init__(self, builder: Builder, main: Server, server: Server):
        self.builder = builder
        self.main = main
        self.server = server
        self.inherits = server is not main
        self.sections: list[Scope] = (main.sections if self.inherits else []) + server.sections
        # the per-directory defaults: main server's, then the vhost's
        self.defaults: list[Scope] = ([main.defaults] if self.inherits else []) + [server.defaults]
        self.server_directives: list[Directive] = (main.directives if self.inherits else []) + server.directives
        docroot = server.last("documentroot") or (main.last("documentroot") if self.inherits else None)
        if builder._htaccess_docroot:
            self.docroot = builder._htaccess_docroot
        else:
            self.docroot = posixpath.normpath(docroot.args[0]) if docroot and docroot.args else DEFAULT_DOCROOT
        self.aliases: list[tuple[str, str, Directive, bool]] = []    # (url prefix, fs path, directive, is_script)
        for d in self.server_directives:
            if d.lname in ("alias", "scriptalias") and len(d.args) >= 2:
                self.aliases.append((d.args[0], d.args[1], d, d.lname == "scriptalias"))
        self.aliases.sort(key=lambda a: -len(a[0]))
        self.proxies: list[tuple[str, str, Directive]] = []
        for d in self.server_directives:
            if d.lname == "proxypass" and len(d.args) >= 2:
                self.proxies.append((d.args[0], d.args[1], d))
        for scope in self.sections:
            if scope.kind == "location" and not scope.regex and scope.pattern:
                for d in scope.all("proxypass"):
                    if d.args:
                        self.proxies.append((scope.pattern, d.args[0], d))
        self.target_urls: list[str] = []
        self.dir_paths = {posixpath.normpath(s.pattern) for s in self.sections
                          if s.kind == "directory" and not s.regex and s.pattern and not glob.has_magic(s.pattern)}

    # -- targets

    def _map(self, url: str) -> tuple[str | None, Directive | None, str]:
        """(file-system path, ProxyPass directive, proxy URL) for a URL."""
        for d in self.server_directives:
            if d.lname == "proxypassmatch" and len(d.args) >= 2 and d.args[1] != "!" and regex_search(d.args[0], url):
                return None, d, d.args[1]
        for prefix, dest, d in self.proxies:
            if d.lname == "proxypass" and prefix and url_prefix_matches(prefix, url):
                if dest == "!":
                    break
                return None, d, dest
        for prefix, fs, _d, _script in self.aliases:
            if url_prefix_matches(prefix, url):
                rest = url[len(prefix.rstrip("/")):]
                return posixpath.normpath(fs.rstrip("/") + "/" + rest.lstrip("/")) + ("/" if url.endswith("/") else ""), None, ""
        return posixpath.normpath(self.docroot + "/" + url.lstrip("/")) + ("/" if url.endswith("/") and url != "/" else ""), None, ""

    def _url_for_dir(self, path: str) -> str | None:
        path = posixpath.normpath(path)
        for prefix, fs, _d, _s in self.aliases:
            fsn = posixpath.normpath(fs)
            if path == fsn or path.startswith(fsn.rstrip("/") + "/"):
                return (prefix.rstrip("/") + path[len(fsn):]).rstrip("/") + "/"
        root = self.docroot.rstrip("/") or "/"
        if path == root:
            return "/"
        if path.startswith(root.rstrip("/") + "/"):
            return path[len(root.rstrip("/")):].rstrip("/") + "/"
        return None

    def _url_for_dir_regex(self, pattern: str) -> tuple[str, bool] | None:
        """(URL, prefix) for a <DirectoryMatch> (or <Directory ~>) regex: a
        directory below the document root or an alias whose files it finds
        (a prefix), or one file it finds; None when it names nothing served.
        httpd tests these regexes on the request's file name (checked with
        apache2 2.4: ``a$`` misses /a/x, ``a/x$`` finds it)."""
        starts = [self.docroot.rstrip("/") + "/"] + [fs.rstrip("/") + "/" for _p, fs, _d, _s in self.aliases]
        for start in starts + ["/"]:
            path = example_url_for_regex(pattern, start=start)
            if path is None or not path.startswith("/"):
                continue
            path = posixpath.normpath(path)
            if regex_search(pattern, path.rstrip("/") + "/" + _SAMPLE_FILE) is not None:
                url = self._url_for_dir(path)
                if url is not None:
                    return url, True
            url = self._url_for_dir(posixpath.dirname(path))
            if url is not None and path != posixpath.dirname(path):
                return url + posixpath.basename(path), False
        return None

    def targets(self) -> list[Target]:
        found: dict[str, Target] = {}

        def add(url: str, source: Source, label: str, prefix: bool = True) -> None:
            if not url.startswith("/"):
                url = "/" + url
            if url not in found and len(found) < MAX_TARGETS:
                found[url] = Target(url, source, label, prefix=prefix)

        add("/", self.server.source, "/")
        for scope in self.sections:
            if scope.kind == "location" and scope.pattern:
                url = scope.pattern if not scope.regex else example_url_for_regex(scope.pattern)
                if not scope.regex and glob.has_magic(url):
                    url = url.replace("*", "x").replace("?", "x")
                add(url, scope.source, scope.label, prefix=not scope.regex)
            elif scope.kind == "locationmatch" and scope.pattern:
                add(example_url_for_regex(scope.pattern), scope.source, scope.label, prefix=False)
            elif scope.kind in ("directory", "htaccess") and scope.pattern and not scope.regex:
                url = self._url_for_dir(scope.pattern) if not glob.has_magic(scope.pattern) else None
                if url is not None:
                    add(url, scope.source, scope.label)
            elif scope.kind in ("directory", "directorymatch") and scope.pattern:
                found_url = self._url_for_dir_regex(scope.pattern)
                if found_url is not None:
                    add(found_url[0], scope.source, scope.label, prefix=found_url[1])
            elif scope.kind in ("files", "filesmatch") and scope.pattern:
                base_url = "/"
                parent = scope.parent
                while parent is not None and parent.kind not in ("directory", "directorymatch", "htaccess", "location"):
                    parent = parent.parent
                if parent is not None and parent.pattern and not parent.regex:
                    if parent.kind == "location":
                        base_url = parent.pattern.rstrip("/") + "/"
                    else:
                        base_url = self._url_for_dir(parent.pattern) or "/"
                elif parent is not None and parent.pattern and parent.kind in ("directory", "directorymatch"):
                    found_url = self._url_for_dir_regex(parent.pattern)
                    base_url = found_url[0] if found_url is not None and found_url[1] else "/"
                add(base_url + example_name(scope.pattern, scope.regex), scope.source, scope.label, prefix=False)
        for prefix, _fs, d, _s in self.aliases:
            add(prefix, d.source, f"{d.name} {prefix}")
        # a RewriteRule or RedirectMatch on a literal path prefix answers a URL
        # space of its own (per directory, below the directory's URL)
        rule_bases = [(d, None) for d in self.server_directives]
        rule_bases += [(d, perdir_url(self, s).rstrip("/")) for s in self.sections
                       if s.kind in ("directory", "htaccess", "location") for d in s.all("rewriterule")]
        for d, dir_url in rule_bases:
            pattern = d.args[0] if d.lname == "rewriterule" and d.args else None
            if d.lname == "redirectmatch" and d.args:
                pattern = d.args[1] if len(d.args) > 1 and (d.args[0].isdigit() or d.args[0].lower() in STATUS_WORDS) \
                    else d.args[0]
            if not pattern:
                continue
            url_base = ""
            if dir_url is not None:
                # per directory the pattern reads the path below the directory, without a leading /
                url_base = dir_url
                pattern = "^/" + pattern[1:] if pattern.startswith("^") and not pattern.startswith("^/") else ""
            m = re.match(r"\^(/(?:[A-Za-z0-9_\-/]|\\[.\-])+/)", pattern)
            if m and len(m.group(1)) > 1:
                add(url_base + m.group(1).replace("\\", ""), d.source, f"{d.name} {d.args[0]}")
                continue
            # one literal path (``^/upload$``): a URL of its own
            m = re.fullmatch(r"\^(/(?:[A-Za-z0-9_\-/]|\\[.\-])+)\$", pattern)
            if m:
                add(url_base + m.group(1).replace("\\", ""), d.source, f"{d.name} {d.args[0]}", prefix=False)
        for prefix, dest, d in self.proxies:
            if d.lname == "proxypass" and dest != "!" and prefix.startswith("/"):
                add(prefix, d.source, f"ProxyPass {prefix}")
        for d in self.server_directives:
            if d.lname in ("redirect", "redirectpermanent", "redirecttemp") and d.args:
                args = d.args[1:] if d.args[0].lower() in ("permanent", "temp", "seeother", "gone") or d.args[0].isdigit() else d.args
                if args and args[0].startswith("/"):
                    add(args[0], d.source, f"{d.name} {args[0]}")
        self.target_urls = list(found)
        out: list[Target] = []
        for target in found.values():
            fs, proxy, proxy_url = self._map(target.url)
            target.fs_path, target.proxy, target.proxy_url = fs, proxy, proxy_url
            if fs is not None:
                target.is_dir = target.url.endswith("/")
                if not target.url.endswith("/") and posixpath.normpath(fs) in self.dir_paths:
                    target.dir_slash = True
            out.append(target)
        return out

    # -- which sections apply

    def _applies(self, scope: Scope, target: Target) -> bool:
        """The section (and every section it is nested in) applies to ``target``;
        <If> conditions are decided per request later."""
        s: Scope | None = scope
        while s is not None and s.kind != "server":
            if not self._applies_one(s, target):
                return False
            s = s.parent
        return True

    def _applies_one(self, s: Scope, target: Target) -> bool:
        kind = s.kind
        if kind in ("if", "elseif", "else"):
            return True
        if kind == "proxy":
            return False
        if s.pattern is None:
            return kind == "htaccess"
        if kind in ("directory", "htaccess", "directorymatch"):
            if target.fs_path is None:
                return False
            if s.regex or kind == "directorymatch":
                # httpd tests the regex on the file name itself; a directory
                # target stands for the files in it
                name = target.fs_path
                if target.is_dir:
                    name = name.rstrip("/") + "/" + _SAMPLE_FILE
                return regex_search(s.pattern, name) is not None
            d = target.fs_path if target.is_dir or target.dir_slash else posixpath.dirname(target.fs_path)
            d = d.rstrip("/") or "/"
            return dir_matches(s.pattern, d)
        if kind in ("files", "filesmatch"):
            if target.fs_path is None:
                return False
            return files_matches(s.pattern, s.regex or kind == "filesmatch", target.basename)
        if kind in ("location", "locationmatch"):
            return location_matches(s.pattern, s.regex or kind == "locationmatch", target.url)
        return False

    def layers(self, target: Target) -> list[Scope]:
        """The per-directory scopes that apply to ``target`` in httpd's merge order
        (<If> sections excluded: they are decided per request)."""
        applicable = [s for s in self.sections if s.kind not in ("if", "elseif", "else", "proxy")
                      and self._applies(s, target)]

        def key(s: Scope):
            # a regex <Directory ~> merges with the <DirectoryMatch> sections
            phase = MERGE_PHASE["directorymatch"] if s.kind == "directory" and s.regex else MERGE_PHASE.get(s.kind, 9)
            if s.kind in ("directory", "htaccess") and not s.regex:
                depth = len([p for p in (s.pattern or "/").split("/") if p])
                # .htaccess right after the <Directory> sections of its directory
                return (phase, depth, 1 if s.kind == "htaccess" else 0, s.order)
            return (phase, 0, 0, s.order)

        applicable.sort(key=key)
        return list(self.defaults) + applicable

    def if_scopes(self, target: Target) -> list[Scope]:
        return [s for s in self.sections if s.kind in ("if", "elseif", "else") and self._applies(s, target)]

    # -- one route

    def route(self, target: Target) -> Route:
        layers = self.layers(target)
        ifs = self.if_scopes(target)
        branches: list[Branch] = []
        for method in ALL_METHODS:
            branches.extend(Simulation(self, target, layers, ifs, method).run())
        merged = merge_branches(branches)
        expected, declared = self._expectations(layers + ifs)
        server = self.server
        name = f"{server.label} {target.url}"
        return Route(
            name=name, source=target.source, branches=merged, https=server.https, hosts=server.hosts,
            path=target.url, expected_request_headers=expected, declared_methods=declared, frontend=NAME,
            configured_headers=self._configured(layers + ifs),
            never_preflighted=WEBSOCKET if websocket_url(target.proxy_url) else
            DOCUMENTATION if documentation_path(target.url) else "", scope_noun="path",
        )

    @staticmethod
    def _configured(scopes: list[Scope]) -> tuple[HeaderEmission, ...]:
        """Every header the route's sections set, whether or not an answer
        carries it (a redirect made by httpd drops the onsuccess table)."""
        out: list[HeaderEmission] = []
        for s in scopes:
            for d in s.all("header"):
                args = list(d.args)
                always = bool(args) and args[0].lower() == "always"
                if args and args[0].lower() in ("always", "onsuccess"):
                    args.pop(0)
                if len(args) < 3 or args[0].lower() not in ("set", "append", "add", "merge", "setifempty"):
                    continue
                raw = args[2]
                value = Value((Unknown(raw),)) if "%" in raw or raw.startswith("expr=") else Value.literal(raw)
                out.append(HeaderEmission(name=args[1].rstrip(":"), value=value, source=d.source,
                                          always=always, omit_if_empty=True, raw=raw))
        return tuple(out)

    def _expectations(self, scopes: list[Scope]):
        expected: dict[str, ExpectedHeader] = {}
        declared: dict[str, Source] = {}

        def note_header(name: str, source: Source) -> None:
            lname = name.lower()
            if lname not in _NOT_AUTHOR_HEADERS and re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name):
                expected.setdefault(lname, ExpectedHeader(name, source))

        directives: list[Directive] = list(self.server_directives)
        for s in scopes:
            directives += flatten(s.directives)
            for lim in s.limits:
                directives += flatten(lim.children or [])
                for m in lim.args:
                    declared.setdefault(m.upper(), lim.source)
        for d in directives:
            text = " ".join(d.args)
            for m in re.finditer(r"%\{(?:HTTP|req|http|req_novary):([A-Za-z0-9-]+)\}", text, re.I):
                note_header(m.group(1), d.source)
            for m in re.finditer(r"\b(?:req|http|req_novary)\(\s*'([A-Za-z0-9-]+)'\s*\)", text, re.I):
                note_header(m.group(1), d.source)
            if d.lname in ("setenvif", "setenvifnocase") and d.args:
                attr = d.args[0]
                if re.fullmatch(r"[A-Za-z0-9-]+", attr) and attr.lower() not in _SETENVIF_SPECIAL:
                    note_header(attr, d.source)
            if d.lname == "rewritecond" and len(d.args) >= 2 and "REQUEST_METHOD" in d.args[0].upper():
                for m in re.findall(r"[A-Z]{3,}", d.args[1]):
                    if m in ALL_METHODS or m in ("PROPFIND", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"):
                        declared.setdefault(m, d.source)
            if d.lname == "require" and len(d.args) >= 2 and d.args[0].lower() == "method":
                for m in d.args[1:]:
                    declared.setdefault(m.upper(), d.source)
            if d.lname in ("setenvif", "setenvifnocase") and d.args[:1] and d.args[0].lower() == "request_method" \
                    and len(d.args) >= 2:
                for m in re.findall(r"[A-Z]{3,}", d.args[1]):
                    if m in ALL_METHODS:
                        declared.setdefault(m, d.source)
        for s in scopes:
            if s.kind in ("if", "elseif") and s.pattern and "REQUEST_METHOD" in s.pattern.upper():
                for m in re.findall(r"'([A-Z]{3,})'", s.pattern):
                    if m in ALL_METHODS:
                        declared.setdefault(m, s.source)
        return tuple(expected.values()), tuple(sorted(declared.items()))


_SETENVIF_SPECIAL = {"remote_host", "remote_addr", "server_addr", "request_method", "request_protocol",
                     "request_uri", "origin", "host", "user-agent", "referer", "accept", "accept-encoding",
                     "accept-language", "cookie", "x-forwarded-for", "x-forwarded-proto"}

# Request headers a browser sends by itself or a proxy adds: a config reading
# them says nothing about what a page's script must be allowed to send.
_NOT_AUTHOR_HEADERS = {
    "origin", "host", "referer", "user-agent", "cookie", "accept-encoding", "connection",
    "upgrade", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
    "x-real-ip", "forwarded", "x-request-id", "via", "accept", "accept-language", "content-length",
    "if-none-match", "if-modified-since", "range", "te", "sec-fetch-site", "sec-fetch-mode",
    "sec-fetch-dest", "x-forwarded-ssl", "https",
}
