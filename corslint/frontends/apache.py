"""Apache httpd frontend: httpd.conf, vhost files and .htaccess -> policy model.

The files are parsed by the pyparsing grammar in ``corslint.grammars.apache``
(loaded on the first Apache file only). This module encodes the httpd
semantics the checks must not need to know, as measured on Apache 2.4 (Debian):

* ``Include``/``IncludeOptional`` (globs, ServerRoot-relative paths, absolute
  paths re-rooted into the linted tree, cycles); ``<IfModule>``, ``<IfDefine>``,
  ``<IfVersion>`` and friends are taken as written (negated ones skipped);
* per-directory sections merge in httpd's order: server, ``<Directory>``
  (shortest path first, a directory's .htaccess right after it),
  ``<DirectoryMatch>``, ``<Files>``/``<FilesMatch>``, ``<Location>``/
  ``<LocationMatch>``, then ``<If>``/``<ElseIf>``/``<Else>``;
* mod_headers keeps two tables. ``Header set`` (onsuccess) headers are sent on
  answers a handler produces (files, OPTIONS answered by the core, proxied
  answers *whatever their status*) but not on answers httpd makes itself:
  redirects (``Redirect``, ``RewriteRule [R]``, ``DirectorySlash``), mod_rewrite
  ``[R=2xx]`` answers, 401/403/404/405. ``Header always set`` headers are sent on
  every answer. One header in both tables is sent twice; ``add`` adds another
  copy; ``append``/``merge`` extend the value; ``unset``/``edit`` change it;
  ``env=[!]VAR`` and ``expr=`` make an operation conditional;
* ``SetEnvIf[NoCase] Origin regex VAR=$N``, ``RewriteCond %{HTTP:Origin}`` with
  ``[E=VAR:...]`` and ``<If>``/``expr=`` conditions on the Origin become origin
  allowlists (a header value chosen by matching the Origin, or branches with
  origin tests); a condition httpd evaluates on the Origin adds
  ``Vary: Origin`` by itself (SetEnvIf does not);
* server-context mod_rewrite runs before authentication (so it can answer
  preflights), per-directory rewrite (``<Directory>``, ``<Location>``,
  .htaccess) after it; ``Redirect*`` and ``ProxyPass`` as httpd orders them;
* authentication (``AuthType`` + ``Require``) answers 401; ``<Limit>``/
  ``<LimitExcept>`` restrict ``Require`` to some methods (other methods are let
  through), ``Require method OPTIONS`` lets preflights in; ``Require all
  denied`` answers 403;
* static files: the core answers OPTIONS itself (200 with an Allow header),
  GET/HEAD/POST serve the file, other methods get 405.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from typing import Iterator, Union

from ._files import ParseError, read_config_text
from ..model import (
    ALL_METHODS,
    Branch,
    Choice,
    ExpectedHeader,
    HeaderEmission,
    Lit,
    MapEntry,
    OriginMap,
    OriginMatcher,
    OriginTest,
    Outcome,
    ParseProblem,
    PolicyModel,
    Route,
    Shadowed,
    Source,
    Unknown,
    Value,
)

# httpd variables that stand for parts of the request, in the model's words.
_REQUEST_VARIABLE_MEANINGS = {
    "HTTP_HOST": "host", "SERVER_NAME": "host", "HTTP:HOST": "host",
    "REQUEST_SCHEME": "scheme",
    "REQUEST_URI": "path",
    "QUERY_STRING": "query",
}

NAME = "apache"

REDIRECT_CODES = {301, 302, 303, 307, 308}
MAX_PATHS = 64            # forks per route and method before conditions become opaque
MAX_TARGETS = 200         # routes per server
MAX_BYTES = 2_000_000     # larger files are refused: no httpd config is that big
DEFAULT_DOCROOT = "/var/www/html"   # Debian's; used when no DocumentRoot is set

# ---------------------------------------------------------------- recognising files

_APACHE_LINE = re.compile(
    r"^[ \t]*(?:</?(?:VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|"
    r"IfModule|IfDefine|If|ElseIf|Else|Proxy|ProxyMatch|Limit|LimitExcept|RequireAll|RequireAny)\b"
    r"|Header[ \t]+(?:(?:always|onsuccess)[ \t]+)?(?:set|append|add|merge|unset|edit\*?|echo|setifempty|note)\b"
    r"|(?:LoadModule|ServerRoot|DocumentRoot|RewriteEngine|RewriteRule|RewriteCond|RewriteBase|SetEnvIf|"
    r"SetEnvIfNoCase|SetEnvIfExpr|AllowOverride|AuthType|AuthName|AuthUserFile|ProxyPass|ProxyPassReverse|"
    r"ProxyPreserveHost|RedirectMatch|RedirectPermanent|RedirectTemp|ServerAlias|AddType|AddHandler|"
    r"SetHandler|DirectoryIndex|DirectorySlash|Options|ErrorDocument|ServerAdmin|SSLEngine|"
    r"SSLCertificateFile|RequestHeader|ExpiresActive|AddDefaultCharset|FileETag|ServerSignature|"
    r"ServerTokens)\b(?![^\n]*;[ \t]*$)"
    r"|(?:Require|Redirect|Alias|ServerName|Listen|Order|Allow|Deny|Include|IncludeOptional)[ \t][^\n;{}]*$)",
    re.M | re.I,
)
_NGINX_LINE = re.compile(r"^[ \t]*(?:[a-z_]+[ \t][^\n]*;|[a-z_]+[^\n]*\{|\})[ \t]*(?:#[^\n]*)?$", re.M)
_APACHE_NAMES = re.compile(r"(^|/)(\.htaccess|[^/]*\.htaccess|httpd[^/]*\.conf|apache2?\.conf|[^/]*\.conf|"
                           r"[^/]*\.vhost|[^/]*apache[^/]*|[^/]*httpd[^/]*)$", re.I)
_NOT_CONFIG = (".py", ".js", ".ts", ".json", ".yaml", ".yml", ".md", ".toml", ".txt", ".html", ".rst",
               ".tmpl", ".template", ".j2", ".erb")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    """Apache files by content: sections (<VirtualHost>, <Directory>...),
    ``Header set``, LoadModule, RewriteRule and other httpd directives, and no
    nginx syntax (``;`` at line ends, ``{`` blocks). ``.htaccess`` always.
    Only regular files are read to decide (a pipe or FIFO is never consumed)."""
    norm = path.replace(os.sep, "/")
    base = os.path.basename(norm)
    if base == ".htaccess" or base.endswith(".htaccess"):
        return True
    if base.lower().endswith(_NOT_CONFIG):
        return False
    if not named and not _APACHE_NAMES.search(norm):
        return False
    if text is None:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                return False
            with open(path, "rb") as fh:
                head = fh.read(65536)
        except OSError:
            return False
        if b"\x00" in head[:8192]:
            return False
        text = head.decode("utf-8", "replace")
    return looks_like_apache(text)


def looks_like_apache(text: str) -> bool:
    apache = len(_APACHE_LINE.findall(text))
    if not apache:
        return False
    nginx = len(_NGINX_LINE.findall(text))
    return apache > nginx


# ---------------------------------------------------------------- loading files


def _grammar():
    from ..grammars import apache  # the pyparsing grammar: loaded on the first Apache file only

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


# ---------------------------------------------------------------- conditions


@dataclass(frozen=True)
class CConst:
    value: bool


@dataclass(frozen=True)
class COrigin:
    """The request's Origin matches ``matcher`` (== expect)."""

    matcher: OriginMatcher
    expect: bool = True


@dataclass(frozen=True)
class COpaque:
    """A condition corslint cannot evaluate."""

    text: str


@dataclass(frozen=True)
class CNot:
    a: "Cond"


@dataclass(frozen=True)
class CAnd:
    a: "Cond"
    b: "Cond"


@dataclass(frozen=True)
class COr:
    a: "Cond"
    b: "Cond"


Cond = Union[CConst, COrigin, COpaque, CNot, CAnd, COr]
TRUE = CConst(True)
FALSE = CConst(False)


def c_not(a: Cond) -> Cond:
    if isinstance(a, CConst):
        return CConst(not a.value)
    if isinstance(a, CNot):
        return a.a
    if isinstance(a, COrigin):
        return COrigin(a.matcher, not a.expect)
    return CNot(a)


def c_and(a: Cond, b: Cond) -> Cond:
    if a == FALSE or b == FALSE:
        return FALSE
    if a == TRUE:
        return b
    if b == TRUE:
        return a
    return CAnd(a, b)


def c_or(a: Cond, b: Cond) -> Cond:
    if a == TRUE or b == TRUE:
        return TRUE
    if a == FALSE:
        return b
    if b == FALSE:
        return a
    return COr(a, b)


def reads_origin(c: Cond) -> bool:
    if isinstance(c, COrigin):
        return True
    if isinstance(c, CNot):
        return reads_origin(c.a)
    if isinstance(c, (CAnd, COr)):
        return reads_origin(c.a) or reads_origin(c.b)
    return False


EMPTY = Value((Lit(""),))


def ite(c: Cond, x: Value, y: Value, *, opaque_choice: bool = False) -> Value:
    """The value that is ``x`` when ``c`` holds and ``y`` otherwise. A
    condition on the Origin becomes an Origin map; an opaque one is assumed to
    hold (or, with ``opaque_choice``, gives a Choice of both)."""
    if x == y:
        return x
    if isinstance(c, CConst):
        return x if c.value else y
    if isinstance(c, COpaque):
        return Value((Choice((x, y), c.text),)) if opaque_choice else x
    if isinstance(c, COrigin):
        hit, miss = (x, y) if c.expect else (y, x)
        hit, miss = assume(hit, c.matcher, True), assume(miss, c.matcher, False)
        if hit == miss:
            return hit
        return Value((OriginMap((MapEntry(c.matcher, hit),), miss, c.matcher.source),))
    if isinstance(c, CNot):
        return ite(c.a, y, x, opaque_choice=opaque_choice)
    if isinstance(c, CAnd):
        return ite(c.a, ite(c.b, x, y, opaque_choice=opaque_choice), y, opaque_choice=opaque_choice)
    return ite(c.a, x, ite(c.b, x, y, opaque_choice=opaque_choice), opaque_choice=opaque_choice)


def assume(v: Value, matcher: OriginMatcher, holds: bool) -> Value:
    """``v`` simplified for requests whose Origin does (or does not) match
    ``matcher``: entries of Origin maps on that matcher are decided."""
    parts: list = []
    changed = False
    for part in v.parts:
        new = _assume_part(part, matcher, holds)
        changed = changed or new != (part,)
        parts.extend(new)
    return Value(tuple(parts) or (Lit(""),)) if changed else v


def _assume_part(part, matcher: OriginMatcher, holds: bool) -> tuple:
    if isinstance(part, OriginMap):
        entries: list[MapEntry] = []
        default = part.default
        for e in part.entries:
            if e.matcher == matcher:
                if holds:
                    default = e.value   # no earlier entry matched: this one does
                    break
                continue                # never matches
            entries.append(MapEntry(e.matcher, assume(e.value, matcher, holds)))
        else:
            default = assume(default, matcher, holds)
        if holds and any(e.matcher == matcher for e in part.entries):
            default = assume(default, matcher, holds)
        if not entries:
            return default.parts
        return (OriginMap(tuple(entries), default, part.source),)
    if isinstance(part, Choice):
        return (Choice(tuple(assume(o, matcher, holds) for o in part.options), part.reason),)
    return (part,)


def fork(c: Cond) -> list[tuple[tuple[OriginTest, ...], tuple[str, ...], bool]]:
    """Split requests by ``c``: (origin tests, opaque conditions, c holds).

    Requests for which an opaque condition fails are the default: they carry
    no opaque marker (the way the nginx frontend treats an ``if`` it cannot
    evaluate), so every way of failing on opaque grounds is one result."""
    out: list[tuple[tuple[OriginTest, ...], tuple[str, ...], bool]] = []
    for tests, opaque, holds in _fork(c):
        if not holds:
            opaque = ()
        item = (tests, opaque, holds)
        if item not in out:
            out.append(item)
    return out


def _fork(c: Cond) -> list[tuple[tuple[OriginTest, ...], tuple[str, ...], bool]]:
    if isinstance(c, CConst):
        return [((), (), c.value)]
    if isinstance(c, COrigin):
        return [((OriginTest(c.matcher, c.expect),), (), True),
                ((OriginTest(c.matcher, not c.expect),), (), False)]
    if isinstance(c, COpaque):
        return [((), (c.text,), True), ((), (), False)]
    if isinstance(c, CNot):
        return [(t, o, not h) for t, o, h in _fork(c.a)]
    out = []
    for ta, oa, ha in _fork(c.a):
        if isinstance(c, CAnd) and not ha:
            out.append((ta, oa, False))
        elif isinstance(c, COr) and ha:
            out.append((ta, oa, True))
        else:
            for tb, ob, hb in _fork(c.b):
                out.append((ta + tb, oa + ob, hb))
    return out


# Origins no allowlist means to let in, and one every CORS request carries.
_PROBE_ORIGINS = ("https://evil.example", "http://attacker.test:8080", "null", "https://a.b.example")


def origin_cond(matcher: OriginMatcher, expect: bool = True) -> Cond:
    """A test on the Origin; one every origin passes (``.``, ``.+``) is simply
    true for CORS requests, which always carry an Origin."""
    if matcher.is_regex and matcher.compilable and all(matcher.matches(o) for o in _PROBE_ORIGINS):
        return CConst(expect)
    return COrigin(matcher, expect)


# ---------------------------------------------------------------- env variables

# An env variable's state: a Value (set), None (unset) or ("ite", cond, a, b).
EnvTerm = Union[Value, None, tuple]


def env_ite(c: Cond, a: EnvTerm, b: EnvTerm) -> EnvTerm:
    if a == b:
        return a
    if isinstance(c, CConst):
        return a if c.value else b
    return ("ite", c, a, b)


def env_isset(t: EnvTerm) -> Cond:
    if t is None:
        return FALSE
    if isinstance(t, Value):
        return TRUE
    _, c, a, b = t
    return c_or(c_and(c, env_isset(a)), c_and(c_not(c), env_isset(b)))


def env_value(t: EnvTerm, unset: str) -> Value:
    if t is None:
        return Value.literal(unset)
    if isinstance(t, Value):
        return t
    _, c, a, b = t
    return ite(c, env_value(a, unset), env_value(b, unset), opaque_choice=True)


# ---------------------------------------------------------------- small helpers


def _pcre(pattern: str) -> str:
    """PCRE named groups `(?<name>` are `(?P<name>` in Python."""
    return re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)


def _search(pattern: str, text: str, nocase: bool = False) -> re.Match | None:
    try:
        return re.search(_pcre(pattern), text, re.I if nocase else 0)
    except (re.error, RecursionError, OverflowError):
        return None


def _valid_regex(pattern: str) -> bool:
    try:
        re.compile(_pcre(pattern))
        return True
    except (re.error, RecursionError, OverflowError):
        return False


def _lit(text: str) -> Value:
    return Value.literal(text)


def _concat(*values: Value) -> Value:
    parts: list = []
    for v in values:
        for p in v.parts:
            if parts and isinstance(p, Lit) and isinstance(parts[-1], Lit):
                parts[-1] = Lit(parts[-1].text + p.text)
            else:
                parts.append(p)
    parts = [p for p in parts if not (isinstance(p, Lit) and p.text == "")] or [Lit("")]
    return Value(tuple(parts))


def _extend(old: Value, new: Value, merge: bool) -> Value:
    """``Header append``/``merge``: ``old, new`` wherever the header is there,
    ``new`` where it is not; ``merge`` leaves a value that already lists ``new``."""
    if len(old.parts) == 1 and isinstance(old.parts[0], OriginMap):
        omap = old.parts[0]
        return Value((OriginMap(tuple(MapEntry(e.matcher, _extend(e.value, new, merge)) for e in omap.entries),
                                _extend(omap.default, new, merge), omap.source),))
    if len(old.parts) == 1 and isinstance(old.parts[0], Choice):
        choice = old.parts[0]
        return Value((Choice(tuple(_extend(o, new, merge) for o in choice.options), choice.reason),))
    if old == EMPTY:
        return new
    text, add = old.literal_text, new.literal_text
    if merge and text is not None and add is not None and \
            add.strip().lower() in [t.strip().lower() for t in text.split(",")]:
        return old
    return _concat(old, _lit(", "), new)


def _capture_value(pattern: str, group: int, nocase: bool, source: Source) -> tuple[OriginMatcher, Value, OriginMatcher | None]:
    """What `$N` (SetEnvIf) or `%N` (RewriteCond) holds after ``pattern``
    matched the Origin: (matcher for origins where it is the whole Origin,
    OriginRef, matcher for the rest whose value is only a part of it)."""
    search = OriginMatcher(_pcre(pattern), "pcre-search", nocase, source)
    rx = search.compiled()
    if rx is None:
        return search, Value((Unknown("part of the Origin"),)), None
    # The group is the whole Origin when the match covers the whole string
    # and the group covers the match; `^...$` with the group around it all.
    full = OriginMatcher(_pcre(pattern), "python-fullmatch", nocase, source)
    spans = _group_spans_match(pattern, group)
    if not spans:
        return search, Value((Unknown(f"part of the Origin matched by {pattern}"),)), None
    anchored = pattern.startswith("^") and (pattern.endswith("$") and not pattern.endswith("\\$"))
    if anchored:
        return search, Value.origin(), None
    return full, Value.origin(), search


def _group_spans_match(pattern: str, group: int) -> bool:
    if group == 0:
        return True
    body = pattern
    if body.startswith("^"):
        body = body[1:]
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    if group != 1 or not body.startswith("(") or body.startswith("(?:") or body.startswith("(?="):
        return False
    depth = 0
    for i, ch in enumerate(body):
        if ch == "\\":
            continue
        if ch == "(" and (i == 0 or body[i - 1] != "\\"):
            depth += 1
        elif ch == ")" and body[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i == len(body) - 1
    return False


# ---------------------------------------------------------------- sections and servers

_SECTION_KINDS = {
    "directory": "directory", "directorymatch": "directorymatch", "files": "files",
    "filesmatch": "filesmatch", "location": "location", "locationmatch": "locationmatch",
    "if": "if", "elseif": "elseif", "else": "else", "proxy": "proxy", "proxymatch": "proxy",
}
_PHASE = {"server": 0, "directory": 1, "htaccess": 1, "directorymatch": 2, "files": 3, "filesmatch": 3,
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


def _split_scope(kind: str, pattern: str | None, regex: bool, items: list[Directive], source: Source,
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
        child = _split_scope(sub_kind, sub_pattern, sub_regex, d.children or [], d.source, sub_label,
                             owner, counter, scope)
        if sub_kind in ("elseif", "else") and previous_if is not None:
            child.chain = previous_if.chain + [previous_if]
        previous_if = child if sub_kind in ("if", "elseif") else None
        scope.children.append(child)
    return scope


def _walk_scopes(scope: Scope) -> Iterator[Scope]:
    for child in scope.children:
        yield child
        yield from _walk_scopes(child)


def _server_https(vhost: Directive | None, directives: list[Directive]) -> bool | None:
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


# ---------------------------------------------------------------- request targets


@dataclass
class Target:
    """One place a request can land: a URL path and what it maps to."""

    url: str
    source: Source
    label: str
    fs_path: str | None = None          # the file-system path (None when proxied)
    is_dir: bool = False
    proxy: Directive | None = None      # the ProxyPass that takes the request
    proxy_url: str = ""
    dir_slash: bool = False             # the URL names a directory without its trailing slash
    prefix: bool = True                 # the URL stands for every path below it (a Location, a directory)

    @property
    def basename(self) -> str:
        if self.url.endswith("/"):
            return ""
        return posixpath.basename(self.url)


_EXAMPLE_FILES = ("index.html", "data.json", "api.php", "font.woff2", "image.png", "script.js", "style.css",
                  "feed.xml", "file.txt", "index.php", "video.mp4")


def example_name(pattern: str, regex: bool) -> str:
    """A file name a <Files>/<FilesMatch> pattern matches."""
    if not regex:
        if not glob.has_magic(pattern):
            return pattern
        for name in _EXAMPLE_FILES:
            if fnmatch.fnmatchcase(name, pattern):
                return name
        return pattern.replace("*", "x").replace("?", "x")
    p = pattern.lstrip("^").rstrip("$")
    p = re.sub(r"\(\?[a-zA-Z]+\)", "", p)
    p = re.sub(r"\((?:\?:)?([^()|]*)(?:\|[^()]*)?\)", r"\1", p)
    p = re.sub(r"\[\^[^\]]*\]", "x", p)
    p = re.sub(r"\[(.)[^\]]*\]", r"\1", p)
    p = re.sub(r"(\\.|[^\\])\?", "", p)
    p = p.replace("\\.", ".").replace(".*", "x").replace(".+", "x")
    p = re.sub(r"[*+?]", "", p).replace("\\", "")
    candidates = []
    if p.startswith("."):
        candidates.append("file" + p)
    candidates.append(p)
    candidates += list(_EXAMPLE_FILES)
    for name in candidates:
        if name and "/" not in name and _search(pattern, name):
            return name
    return "file"


def example_url_for_regex(pattern: str) -> str:
    p = pattern.lstrip("^").rstrip("$")
    p = re.sub(r"\(\?[a-zA-Z]+\)", "", p)
    p = re.sub(r"\((?:\?:)?([^()|]*)(?:\|[^()]*)?\)", r"\1", p)
    p = re.sub(r"\[\^[^\]]*\]", "x", p)
    p = re.sub(r"\[(.)[^\]]*\]", r"\1", p)
    p = re.sub(r"(\\.|[^\\])\?", "", p)
    p = p.replace("\\.", ".").replace("\\/", "/").replace(".*", "x").replace(".+", "x")
    p = re.sub(r"[*+?]", "", p).replace("\\", "")
    for cand in (p, "/" + p.lstrip("/"), "/api/", "/"):
        if cand.startswith("/") and _search(pattern, cand):
            return cand
    return "/" + p.lstrip("/")


def _dir_matches(pattern: str, regex: bool, path: str) -> bool:
    """<Directory pattern> applies to file-system directory ``path``."""
    if regex:
        return _search(pattern, path) is not None or _search(pattern, path.rstrip("/") + "/") is not None
    pat = pattern.rstrip("/") or "/"
    if pat == "/":
        return True
    if glob.has_magic(pat):
        parts = pat.strip("/").split("/")
        have = path.strip("/").split("/")
        if len(have) < len(parts):
            return False
        return all(fnmatch.fnmatchcase(h, p) for h, p in zip(have, parts))
    return path == pat or path.startswith(pat + "/")


def _location_matches(pattern: str, regex: bool, url: str) -> bool:
    if regex:
        return _search(pattern, url) is not None
    if glob.has_magic(pattern):
        return fnmatch.fnmatchcase(url, pattern) or fnmatch.fnmatchcase(url, pattern.rstrip("/") + "/*")
    if pattern == "/":
        return True
    # httpd compares <Location> as a plain prefix (slashes collapsed)
    return url.startswith(pattern) or url.rstrip("/") == pattern.rstrip("/")


def _files_matches(pattern: str, regex: bool, basename: str) -> bool:
    if not basename:
        return False
    if regex:
        return _search(pattern, basename) is not None
    return fnmatch.fnmatchcase(basename, pattern)


def _url_prefix_matches(prefix: str, url: str) -> bool:
    """mod_alias / mod_proxy prefix match on path-segment boundaries."""
    if prefix == "/" or prefix == "":
        return True
    p = prefix.rstrip("/")
    return url == p or url.startswith(p + "/") or url.startswith(prefix)


# ---------------------------------------------------------------- the model builder


def parse(path: str, text: str | None = None, texts: dict[str, str] | None = None) -> PolicyModel:
    return parse_files([path], stdin={path: text} if text is not None else None, texts=texts)


def parse_files(paths: list[str], stdin: dict[str, str] | None = None,
                texts: dict[str, str] | None = None) -> PolicyModel:
    """Parse Apache files; a file another one includes is analysed only as part
    of its includer when both are linted."""
    model = PolicyModel()
    loader = Loader(texts if texts is not None else {}, stdin=dict(stdin or {}))
    loaded: list[tuple[str, list[Directive]]] = []
    for path in paths:
        root = os.path.dirname(os.path.abspath(path)) if path not in loader.stdin else os.getcwd()
        try:
            tree = loader.load(path, root, [])
        except ParseError as exc:
            model.problems.append(exc.problem)
            continue
        except RecursionError:
            model.problems.append(ParseProblem(path, None, "nesting too deep to analyse"))
            continue
        loaded.append((path, tree))
    for path, tree in loaded:
        if os.path.abspath(path) in loader.included and len(paths) > 1:
            continue
        model.files.append(path)
        model.problems.extend(check_directives(tree))
        try:
            routes = Builder(path, tree).routes()
            model.routes.extend(routes)
            model.origin_allowlists.extend(unused_origin_matchers(tree, routes))
        except RecursionError:
            model.problems.append(ParseProblem(path, None, "nesting too deep to analyse"))
    model.problems.extend(loader.problems)
    model.included_files |= loader.included
    return model


def unused_origin_matchers(tree: list[Directive], routes: list[Route]) -> list[OriginMatcher]:
    """``SetEnvIf Origin`` and ``RewriteCond %{HTTP:Origin}`` patterns no route
    reads (a snippet that only sets the variable): still judged on the pattern."""
    used = {(m.pattern, m.source) for r in routes for m in r.origin_matchers()}
    out: list[OriginMatcher] = []
    for d in _flatten(tree):
        if d.lname in ("setenvif", "setenvifnocase") and len(d.args) >= 3 and d.args[0].lower() == "origin":
            pattern, nocase = d.args[1], d.lname.endswith("nocase")
        elif d.lname == "rewritecond" and len(d.args) >= 2 and d.args[0].upper() == "%{HTTP:ORIGIN}":
            pattern = d.args[1]
            nocase = "nc" in _rule_flags(d.args[2] if len(d.args) > 2 else "")
            if pattern.startswith(("!", "=", "<", ">", "-")):
                continue
        else:
            continue
        if (_pcre(pattern), d.source) in used or not _valid_regex(pattern):
            continue
        out.append(OriginMatcher(_pcre(pattern), "pcre-search", nocase, d.source))
    return out


_HEADER_FORMAT = re.compile(r"%(?:%|\{[^}]*\}[A-Za-z]|[A-Za-z])")


def check_directives(tree: list[Directive]) -> list[ParseProblem]:
    """Directives httpd refuses to load although the grammar accepts them: a
    mod_headers value with a format it does not know (``%{HTTP:Origin}``
    without its letter is the usual one)."""
    problems: list[ParseProblem] = []
    for d in _flatten(tree):
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
            ht = _split_scope("htaccess", docroot, False, main_items, top_source, base, "main",
                              self.counter, defaults)
            defaults.children.append(ht)
            main = Server(base, top_source, [], defaults, [ht] + list(_walk_scopes(ht)))
            main.directives = []
            self._htaccess_docroot = docroot
            return main, []
        self._htaccess_docroot = None
        defaults = _split_scope("server", None, False, main_items, top_source, "server", "main", self.counter, None)
        server_dirs = list(defaults.directives)
        main = Server(base, top_source, server_dirs, defaults, list(_walk_scopes(defaults)),
                      https=_server_https(None, server_dirs))
        main.hosts = self._hosts(server_dirs)
        if main.hosts:
            main.label = main.hosts[0]
        vhosts: list[Server] = []
        for vh in vhost_nodes:
            label = f"<VirtualHost {' '.join(vh.args)}>"
            scope = _split_scope("server", None, False, vh.children or [], vh.source, label, label,
                                 self.counter, None)
            dirs = list(scope.directives)
            server = Server(label, vh.source, dirs, scope, list(_walk_scopes(scope)),
                            https=_server_https(vh, dirs), vhost=True)
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
        routes: list[Route] = []
        servers = vhosts if vhosts else [main]
        for server in servers:
            ctx = Context(self, main, server)
            for target in ctx.targets():
                routes.append(ctx.route(target))
        return routes


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
            if d.lname == "proxypassmatch" and len(d.args) >= 2 and d.args[1] != "!" and _search(d.args[0], url):
                return None, d, d.args[1]
        for prefix, dest, d in self.proxies:
            if d.lname == "proxypass" and prefix and _url_prefix_matches(prefix, url):
                if dest == "!":
                    break
                return None, d, dest
        for prefix, fs, _d, _script in self.aliases:
            if _url_prefix_matches(prefix, url):
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
            elif scope.kind in ("files", "filesmatch") and scope.pattern:
                base_url = "/"
                parent = scope.parent
                while parent is not None and parent.kind not in ("directory", "htaccess", "location"):
                    parent = parent.parent
                if parent is not None and parent.pattern and not parent.regex:
                    if parent.kind == "location":
                        base_url = parent.pattern.rstrip("/") + "/"
                    else:
                        base_url = self._url_for_dir(parent.pattern) or "/"
                add(base_url + example_name(scope.pattern, scope.regex), scope.source, scope.label, prefix=False)
        for prefix, _fs, d, _s in self.aliases:
            add(prefix, d.source, f"{d.name} {prefix}")
        for d in self.server_directives:
            # a server-context RewriteRule or RedirectMatch on a literal path prefix
            # answers a URL space of its own
            pattern = d.args[0] if d.lname == "rewriterule" and d.args else None
            if d.lname == "redirectmatch" and d.args:
                pattern = d.args[1] if len(d.args) > 1 and (d.args[0].isdigit() or d.args[0].lower() in _STATUS_WORDS) \
                    else d.args[0]
            if pattern:
                m = re.match(r"\^(/(?:[A-Za-z0-9_\-/]|\\[.\-])+/)", pattern)
                if m and len(m.group(1)) > 1:
                    add(m.group(1).replace("\\", ""), d.source, f"{d.name} {pattern}")
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
        for t in found.values():
            fs, proxy, proxy_url = self._map(t.url)
            t.fs_path, t.proxy, t.proxy_url = fs, proxy, proxy_url
            if fs is not None:
                t.is_dir = t.url.endswith("/")
                if not t.url.endswith("/") and posixpath.normpath(fs) in self.dir_paths:
                    t.dir_slash = True
            out.append(t)
        return out

    # -- which sections apply

    def _applies(self, scope: Scope, t: Target) -> bool:
        """The section (and every section it is nested in) applies to ``t``;
        <If> conditions are decided per request later."""
        s: Scope | None = scope
        while s is not None and s.kind != "server":
            if not self._applies_one(s, t):
                return False
            s = s.parent
        return True

    def _applies_one(self, s: Scope, t: Target) -> bool:
        kind = s.kind
        if kind in ("if", "elseif", "else"):
            return True
        if kind == "proxy":
            return False
        if s.pattern is None:
            return kind == "htaccess"
        if kind in ("directory", "htaccess", "directorymatch"):
            if t.fs_path is None:
                return False
            d = t.fs_path if t.is_dir or t.dir_slash else posixpath.dirname(t.fs_path)
            d = d.rstrip("/") or "/"
            if kind == "htaccess":
                return _dir_matches(s.pattern, False, d)
            return _dir_matches(s.pattern, s.regex or kind == "directorymatch", d)
        if kind in ("files", "filesmatch"):
            if t.fs_path is None:
                return False
            return _files_matches(s.pattern, s.regex or kind == "filesmatch", t.basename)
        if kind in ("location", "locationmatch"):
            return _location_matches(s.pattern, s.regex or kind == "locationmatch", t.url)
        return False

    def layers(self, t: Target) -> list[Scope]:
        """The per-directory scopes that apply to ``t`` in httpd's merge order
        (<If> sections excluded: they are decided per request)."""
        applicable = [s for s in self.sections if s.kind not in ("if", "elseif", "else", "proxy")
                      and self._applies(s, t)]

        def key(s: Scope):
            phase = _PHASE.get(s.kind, 9)
            if s.kind in ("directory", "htaccess") and not s.regex:
                depth = len([p for p in (s.pattern or "/").split("/") if p])
                # .htaccess right after the <Directory> sections of its directory
                return (phase, depth, 1 if s.kind == "htaccess" else 0, s.order)
            return (phase, 0, 0, s.order)

        applicable.sort(key=key)
        return list(self.defaults) + applicable

    def if_scopes(self, t: Target) -> list[Scope]:
        return [s for s in self.sections if s.kind in ("if", "elseif", "else") and self._applies(s, t)]

    # -- one route

    def route(self, t: Target) -> Route:
        layers = self.layers(t)
        ifs = self.if_scopes(t)
        branches: list[Branch] = []
        for method in ALL_METHODS:
            branches.extend(Simulation(self, t, layers, ifs, method).run())
        merged = _merge_branches(branches)
        expected, declared = self._expectations(layers + ifs)
        server = self.server
        name = f"{server.label} {t.url}"
        return Route(
            name=name, source=t.source, branches=merged, https=server.https, hosts=server.hosts,
            path=t.url, expected_request_headers=expected, declared_methods=declared, frontend=NAME,
            configured_headers=self._configured(layers + ifs),
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
                value = Value((Unknown(raw),)) if "%" in raw or raw.startswith("expr=") else _lit(raw)
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
            directives += _flatten(s.directives)
            for lim in s.limits:
                directives += _flatten(lim.children or [])
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


def _flatten(directives: list[Directive]) -> list[Directive]:
    """Directives with the contents of <RequireAll>/<RequireAny>/<RequireNone>."""
    out: list[Directive] = []
    for d in directives:
        out.append(d)
        if d.children is not None:
            out.extend(_flatten(d.children))
    return out


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


def _merge_branches(branches: list[Branch]) -> list[Branch]:
    merged: list[Branch] = []
    for b in branches:
        for i, m in enumerate(merged):
            if (m.origin_tests, m.opaque_conditions, m.outcome, m.headers, m.auth, m.shadowed) == (
                    b.origin_tests, b.opaque_conditions, b.outcome, b.headers, b.auth, b.shadowed):
                merged[i] = Branch(
                    outcome=m.outcome, headers=m.headers,
                    methods=(m.methods or frozenset()) | (b.methods or frozenset()),
                    origin_tests=m.origin_tests, opaque_conditions=m.opaque_conditions,
                    auth=m.auth, auth_what=m.auth_what, shadowed=m.shadowed, source=m.source, label=m.label,
                )
                break
        else:
            merged.append(b)
    return merged


# ---------------------------------------------------------------- per-request simulation


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
    vary: list[tuple[Source, bool, "Cond"]] = field(default_factory=list)
    early: bool = False                 # answered while translating the URL (server rewrite, Redirect)

    def fork(self) -> "Path":
        return Path(self.tests, self.opaque, self.ifs, dict(self.env), self.result, self.result_local,
                    self.result_by, self.handler, list(self.vary), self.early)


@dataclass
class _Entry:
    """One header in one of mod_headers' tables."""

    name: str
    value: Value
    source: Source
    raw: str
    is_set: bool = False

    @property
    def lname(self) -> str:
        return self.name.lower()


_STATUS_WORDS = {"permanent": 301, "temp": 302, "seeother": 303, "gone": 410}


class Simulation:
    """Runs one method through a target and yields a Branch per distinct path."""

    def __init__(self, ctx: Context, target: Target, layers: list[Scope], ifs: list[Scope], method: str):
        self.ctx = ctx
        self.t = target
        self.layers = layers
        self.ifs = ifs
        self.method = method
        self.budget = MAX_PATHS

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

    # -- ap_expr

    def expr_cond(self, text: str, source: Source) -> Cond:
        g = _grammar()
        try:
            tree = g.parse_expr(text)
        except g.ExprError:
            return COpaque(f"expression {text}")
        return self._expr(tree, text, source)

    def _expr(self, node, text: str, source: Source) -> Cond:
        kind = node[0]
        if kind == "const":
            return CConst(node[1])
        if kind == "not":
            return c_not(self._expr(node[1], text, source))
        if kind == "and":
            return c_and(self._expr(node[1], text, source), self._expr(node[2], text, source))
        if kind == "or":
            return c_or(self._expr(node[1], text, source), self._expr(node[2], text, source))
        if kind == "unary":
            op, word = node[1], node[2]
            subject = self._word(word)
            if subject == "origin":
                if op == "-n":
                    return TRUE      # CORS requests always carry Origin
                if op == "-z":
                    return FALSE
            if isinstance(subject, str) and op in ("-n", "-z"):
                return CConst(bool(subject) == (op == "-n"))
            return COpaque(f"expression {text}")
        if kind == "cmp":
            op, left, right = node[1], node[2], node[3]
            a = self._word(left)
            b = self._word(right) if right[0] not in ("regex", "list") else None
            if b == "origin" and a != "origin" and op in ("==", "!="):
                left, right, a, b = right, left, b, a
            if a == "origin":
                return self._origin_cmp(op, right, text, source)
            if a is not None and (b is not None or right[0] in ("regex", "list")):
                return self._const_cmp(a, op, right, b, text)
            return COpaque(f"expression {text}")
        return COpaque(f"expression {text}")

    def _word(self, word):
        """'origin' for the Origin header, a string for a value known
        statically, None for anything else."""
        kind = word[0]
        if kind == "str":
            if "%{" in word[1]:
                return None
            return word[1]
        if kind == "var":
            name = word[1]
            low = name.lower()
            if low in ("http:origin", "req:origin", "http:origin", "req_novary:origin"):
                return "origin"
            if low == "request_method":
                return self.method
            if low == "https" and self.ctx.server.https is not None:
                return "on" if self.ctx.server.https else "off"
            return None
        if kind == "func":
            if word[1] in ("req", "http", "req_novary") and word[2] and word[2][0][0] == "str" \
                    and word[2][0][1].lower() == "origin":
                return "origin"
            return None
        return None

    def _origin_cmp(self, op: str, right, text: str, source: Source) -> Cond:
        if op in ("==", "!="):
            if right[0] != "str" or "%{" in right[1]:
                return COpaque(f"expression {text}")
            if right[1] == "":
                return CConst(op == "!=")
            return COrigin(OriginMatcher(right[1], "exact", source=source), op == "==")
        if op in ("=~", "!~"):
            if right[0] != "regex":
                return COpaque(f"expression {text}")
            pattern, flags = right[1], right[2]
            pattern = pattern.replace("\\/", "/") if "/" not in pattern.replace("\\/", "") else pattern
            matcher = OriginMatcher(_pcre(pattern), "pcre-search", "i" in flags, source)
            return origin_cond(matcher, op == "=~")
        if op == "in":
            if right[0] != "list":
                return COpaque(f"expression {text}")
            cond: Cond = FALSE
            for w in right[1]:
                if w[0] != "str":
                    return COpaque(f"expression {text}")
                cond = c_or(cond, COrigin(OriginMatcher(w[1], "exact", source=source)))
            return cond
        if op in ("-strmatch", "-strcmatch", "-fnmatch"):
            if right[0] != "str":
                return COpaque(f"expression {text}")
            rx = fnmatch.translate(right[1])
            return COrigin(OriginMatcher(rx, "python-match", op == "-strcmatch", source))
        return COpaque(f"expression {text}")

    def _const_cmp(self, a: str, op: str, right, b: str | None, text: str) -> Cond:
        if op in ("==", "!=") and b is not None:
            return CConst((a == b) == (op == "=="))
        if op in ("=~", "!~") and right[0] == "regex":
            found = _search(right[1], a, "i" in right[2]) is not None
            return CConst(found == (op == "=~"))
        if op == "in" and right[0] == "list":
            values = [w[1] for w in right[1] if w[0] == "str" and "%{" not in w[1]]
            if len(values) == len(right[1]):
                return CConst(a in values)
        return COpaque(f"expression {text}")

    # -- mod_rewrite

    def _rules(self, directives: list[Directive]) -> tuple[bool, list[tuple[list[Directive], Directive]], str]:
        engine = False
        rules: list[tuple[list[Directive], Directive]] = []
        conds: list[Directive] = []
        base = ""
        for d in directives:
            if d.lname == "rewriteengine" and d.args:
                engine = d.args[0].lower() == "on"
            elif d.lname == "rewritecond":
                conds.append(d)
            elif d.lname == "rewriterule":
                rules.append((conds, d))
                conds = []
            elif d.lname == "rewritebase" and d.args:
                base = d.args[0]
        return engine, rules, base

    def _server_rewrite(self, p: Path) -> list[Path]:
        ctx = self.ctx
        directives = list(ctx.server.directives)
        if ctx.inherits:
            opts = " ".join(" ".join(d.args) for d in ctx.server.all("rewriteoptions")).lower()
            if "inherit" in opts:
                directives = directives + [d for d in ctx.main.directives
                                           if d.lname in ("rewritecond", "rewriterule")]
        engine, rules, _ = self._rules(directives)
        if not engine or not rules:
            return [p]
        return self._rewrite(rules, [p], self.t.url, per_dir=False, base="")

    def _perdir_rewrite(self, p: Path, layers: list[Scope]) -> list[Path]:
        engine = False
        chosen: Scope | None = None
        for s in layers:
            if s.kind == "server":
                continue  # a server-context RewriteEngine does not switch per-directory rewriting on
            for d in s.all("rewriteengine"):
                if d.args:
                    engine = d.args[0].lower() == "on"
            if s.all("rewriterule"):
                chosen = s
        if chosen is None or not engine:
            return [p]
        _, rules, base = self._rules(chosen.directives)
        subject = self.t.url
        if chosen.kind in ("directory", "htaccess") and chosen.pattern:
            dir_url = self.ctx._url_for_dir(chosen.pattern) or "/"
            subject = self.t.url[len(dir_url):] if self.t.url.startswith(dir_url) else self.t.url.lstrip("/")
        else:
            subject = self.t.url.lstrip("/")
        return self._rewrite(rules, [p], subject, per_dir=True, base=base)

    def _rule_pattern(self, pattern: str, subject: str, per_dir: bool, nocase: bool) -> Cond:
        negate = pattern.startswith("!")
        if negate:
            pattern = pattern[1:]
        if not _valid_regex(pattern):
            return COpaque(f"the path matches {pattern}")
        samples = self._path_samples(subject, per_dir)
        hits = [_search(pattern, s, nocase) is not None for s in samples]
        if all(hits):
            result: Cond = TRUE
        elif self.t.prefix and self._has_own_route(pattern, per_dir):
            result = FALSE   # analysed in the route of its own path
        elif not any(hits) and (not self.t.prefix or not self._could_match(pattern, subject, per_dir)):
            result = FALSE
        else:
            result = COpaque(f"the path matches {pattern}")
        return c_not(result) if negate else result

    def _path_samples(self, subject: str, per_dir: bool) -> list[str]:
        """Request paths this target stands for."""
        if not self.t.prefix:
            return [subject]
        base = subject if subject.endswith("/") or subject == "" else subject + "/"
        return [subject, base + "x", base + "a/b.json", base + "v1/items/1"]

    def _has_own_route(self, pattern: str, per_dir: bool) -> bool:
        """The pattern's literal path prefix is a route of its own (analysed
        there), narrower than this target."""
        m = re.match(r"\^((?:[A-Za-z0-9_\-/]|\\[./-])+)", pattern)
        if not m or per_dir:
            return False
        literal = m.group(1).replace("\\", "")
        return any(u != self.t.url and u.startswith(self.t.url) and literal.startswith(u)
                   for u in self.ctx.target_urls)

    def _could_match(self, pattern: str, subject: str, per_dir: bool) -> bool:
        m = re.match(r"\^((?:[A-Za-z0-9_\-/]|\\[./-])+)", pattern)
        if not m:
            return True
        literal = m.group(1).replace("\\", "")
        if not self.t.prefix:
            return subject.startswith(literal)
        return literal.startswith(subject) or subject.startswith(literal)

    def _rewrite(self, rules, paths: list[Path], subject: str, per_dir: bool, base: str) -> list[Path]:
        done: list[Path] = []
        live = paths
        for conds, rule in rules:
            if not live:
                break
            if len(rule.args) < 2:
                continue
            pattern, subst = rule.args[0], rule.args[1]
            flags = _rule_flags(rule.args[2] if len(rule.args) > 2 else "")
            nocase = "nc" in flags or "nocase" in flags
            nxt: list[Path] = []
            for p in live:
                cond = self._rule_pattern(pattern, subject, per_dir, nocase)
                backrefs: dict[int, Value] = {}
                vary_sources: list[Source] = []
                if cond != FALSE:
                    # mod_rewrite reads the conditions only once the pattern matched
                    cond = c_and(cond, self._conds(conds, p, backrefs, vary_sources))
                # mod_rewrite adds Vary for the request headers its conditions read,
                # and only when the rule applies
                if cond == FALSE:
                    nxt.append(p)
                    continue
                outcome_rule = self._is_outcome_rule(flags, subst)
                if not outcome_rule:
                    # env-only (and internal) rules change env values, not the answer
                    self._apply_env(p, flags, cond, backrefs, rule)
                    p.vary.extend((src, False, cond) for src in vary_sources)
                    stop = ("l" in flags or "last" in flags or "end" in flags) and cond == TRUE
                    (done if stop else nxt).append(p)
                    continue
                for tests, opaque, holds in fork(cond):
                    if not self._spend() and holds and (tests or opaque):
                        continue
                    q = p.fork()
                    q.tests = q.tests + tests
                    q.opaque = q.opaque + opaque
                    if not holds:
                        nxt.append(q)
                        continue
                    self._apply_env(q, flags, TRUE, backrefs, rule)
                    q.vary.extend((src, False, TRUE) for src in vary_sources)
                    if self._apply_outcome(q, rule, pattern, subst, flags, backrefs, base):
                        done.append(q)
                    else:
                        nxt.append(q)
            live = nxt
        return done + live

    def _is_outcome_rule(self, flags: dict[str, str], subst: str) -> bool:
        if any(k in flags for k in ("r", "redirect", "f", "forbidden", "g", "gone", "p", "proxy")):
            return True
        if re.match(r"^[a-z][a-z0-9+.-]*://", subst, re.I):
            return True
        return bool(re.search(r"\.(php\d?|cgi|pl|py|fcgi)(\?|$)", subst))

    def _apply_outcome(self, p: Path, rule: Directive, pattern: str, subst: str, flags: dict[str, str],
                       backrefs: dict[int, Value], base: str) -> bool:
        """Apply a taken rule's effect; True when it ends rewriting with an answer."""
        text = "RewriteRule " + " ".join(rule.args)
        code_text = flags.get("r", flags.get("redirect"))
        if "f" in flags or "forbidden" in flags:
            p.result = Outcome(403, rule.source, reason=f"{text} answers 403")
            return True
        if "g" in flags or "gone" in flags:
            p.result = Outcome(410, rule.source, reason=f"{text} answers 410")
            return True
        if "p" in flags or "proxy" in flags:
            p.handler = Outcome(None, rule.source, delegate="upstream", reason=text)
            return True   # [P] implies [L]
        absolute = re.match(r"^[a-z][a-z0-9+.-]*://", subst, re.I) is not None
        if code_text is not None or absolute:
            code = 302
            if code_text:
                word = code_text.lower()
                code = _STATUS_WORDS.get(word, None) or (int(code_text) if code_text.isdigit() else 302)
            if 300 <= code < 400:
                location = self._subst_value(subst, backrefs, rule.source, base)
                p.result = Outcome(code, rule.source, location=location, reason=text)
                p.result_local = True
                p.result_by = f"a {code} that mod_rewrite makes itself"
                return True
            # a status outside 3xx: the substitution is dropped, httpd answers it itself
            p.result = Outcome(code, rule.source, reason=text)
            p.result_local = 200 <= code < 300
            p.result_by = f"a {code} that mod_rewrite makes itself"
            return True
        if re.search(r"\.(php\d?|cgi|pl|py|fcgi)(\?|$)", subst):
            p.handler = Outcome(None, rule.source, delegate="app", reason=text)
            return "l" in flags or "last" in flags or "end" in flags
        return False

    def _subst_value(self, subst: str, backrefs: dict[int, Value], source: Source, base: str) -> Value:
        value = self._flag_value(subst, backrefs)
        first = value.parts[0]
        if isinstance(first, Lit) and not re.match(r"^[a-z][a-z0-9+.-]*://", first.text, re.I) \
                and not first.text.startswith("/"):
            value = _concat(_lit((base.rstrip("/") or "") + "/"), value)
        return value

    def _flag_value(self, subst: str, backrefs: dict[int, Value]) -> Value:
        parts: list[Value] = []
        pos = 0
        for m in re.finditer(r"%\{([^}]*)\}|%(\d)|\$(\d)", subst):
            if m.start() > pos:
                parts.append(_lit(subst[pos:m.start()]))
            if m.group(1) is not None:
                parts.append(self._rewrite_var(m.group(1)))
            elif m.group(2) is not None:
                parts.append(backrefs.get(int(m.group(2)), Value((Unknown(f"%{m.group(2)}"),))))
            else:
                parts.append(Value((Unknown("$" + m.group(3)),)))
            pos = m.end()
        if pos < len(subst):
            parts.append(_lit(subst[pos:]))
        return _concat(*parts) if parts else _lit(subst)

    def _rewrite_var(self, name: str) -> Value:
        low = name.lower()
        upper = name.upper()
        if low == "http:origin":
            return Value.origin()
        if upper == "REQUEST_METHOD":
            return _lit(self.method)
        if upper == "HTTPS" and self.ctx.server.https is not None:
            return _lit("on" if self.ctx.server.https else "off")
        if upper.startswith("ENV:"):
            return Value((Unknown(f"%{{{name}}}"),))
        return Value((Unknown(f"%{{{name}}}", _REQUEST_VARIABLE_MEANINGS.get(upper, "")),))

    def _conds(self, conds: list[Directive], p: Path, backrefs: dict[int, Value],
               vary_sources: list[Source]) -> Cond:
        """The conjunction of a rule's RewriteConds ([OR] joins a cond with the next)."""
        total: Cond = TRUE
        pending_or: Cond | None = None
        for d in conds:
            if total == FALSE:
                break   # httpd stops at the first condition that fails
            if len(d.args) < 2:
                continue
            flags = _rule_flags(d.args[2] if len(d.args) > 2 else "")
            c = self._cond(d, flags, p, backrefs, vary_sources)
            if pending_or is not None:
                c = c_or(pending_or, c)
                pending_or = None
            if "or" in flags or "ornext" in flags:
                pending_or = c
                continue
            total = c_and(total, c)
        if pending_or is not None:
            total = c_and(total, pending_or)
        return total

    def _cond(self, d: Directive, flags: dict[str, str], p: Path, backrefs: dict[int, Value],
              vary_sources: list[Source]) -> Cond:
        test, pattern = d.args[0], d.args[1]
        nocase = "nc" in flags or "nocase" in flags
        negate = pattern.startswith("!")
        if negate:
            pattern = pattern[1:]
        text = f"RewriteCond {test} {d.args[1]}"
        subject = self._cond_subject(test)
        if isinstance(subject, list):
            # the request path: decided when every path the target stands for agrees
            if pattern.startswith("-") or pattern[:1] in ("<", ">", "="):
                return COpaque(text)
            hits = {_search(pattern, u, nocase) is not None for u in subject}
            if len(hits) != 1:
                return COpaque(text)
            c = CConst(hits.pop())
            return c_not(c) if negate else c
        if subject is None:
            return COpaque(text)
        if pattern.startswith("-") and re.match(r"-[a-zA-Z]+$", pattern):
            return COpaque(text)
        if subject == "origin":
            vary_sources.append(d.source)
            if pattern.startswith("="):
                exact = pattern[1:].strip('"')
                if exact == "":
                    c: Cond = FALSE
                else:
                    c = COrigin(OriginMatcher(exact, "exact-nocase" if nocase else "exact", source=d.source))
            elif pattern[:1] in ("<", ">"):
                return COpaque(text)
            else:
                if not _valid_regex(pattern):
                    return COpaque(text)
                matcher = OriginMatcher(_pcre(pattern), "pcre-search", nocase, d.source)
                c = origin_cond(matcher)
                if not negate:
                    for group in range(0, 10):
                        try:
                            ngroups = re.compile(_pcre(pattern)).groups
                        except re.error:
                            break
                        if group > ngroups:
                            break
                        _m, val, _rest = _capture_value(pattern, group, nocase, d.source)
                        backrefs[group] = val if _rest is None else Value((Unknown(f"%{group}"),))
            return c_not(c) if negate else c
        # a concrete subject: decide it
        if pattern.startswith("="):
            same = (subject.lower() == pattern[1:].strip('"').lower()) if nocase else subject == pattern[1:].strip('"')
            c = CConst(same)
        elif pattern[:1] in ("<", ">"):
            return COpaque(text)
        else:
            c = CConst(_search(pattern, subject, nocase) is not None)
        return c_not(c) if negate else c

    def _cond_subject(self, test: str):
        """'origin', a concrete string, or None (not known statically)."""
        m = re.fullmatch(r"%\{([^}]*)\}", test)
        if not m:
            return None
        name = m.group(1)
        upper = name.upper()
        if upper == "HTTP:ORIGIN":
            return "origin"
        if upper == "REQUEST_METHOD":
            return self.method
        if upper == "HTTPS" and self.ctx.server.https is not None:
            return "on" if self.ctx.server.https else "off"
        if upper.startswith("HTTP_") and upper not in _REWRITE_HTTP_VARS:
            return ""   # mod_rewrite has no such variable: it is empty (HTTP_ORIGIN included)
        if upper == "REQUEST_URI":
            return self._path_samples(self.t.url, False)
        return None

    def _apply_env(self, p: Path, flags: dict[str, str], cond: Cond, backrefs: dict[int, Value], rule: Directive) -> None:
        for spec in flags.get("__env__", []):
            name, _, val = spec.partition(":")
            if name.startswith("!"):
                p.env[name[1:]] = env_ite(cond, None, p.env.get(name[1:]))
                continue
            value = self._flag_value(val, backrefs)
            p.env[name] = env_ite(cond, value, p.env.get(name))

    # -- mod_alias

    def _server_redirects(self, p: Path) -> list[Path]:
        if p.result is not None or self.t.proxy is not None or p.handler is not None:
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
            if args and (args[0].lower() in _STATUS_WORDS or args[0].isdigit()):
                word = args.pop(0)
                code = _STATUS_WORDS.get(word.lower()) or int(word)
            if d.lname == "redirectmatch":
                if len(args) < 1:
                    continue
                cond = self._rule_pattern(args[0], self.t.url, False, False)
                target = args[1] if len(args) > 1 else ""
            else:
                if in_section and (len(args) <= 1 or not args[0].startswith("/")):
                    # inside a section: `Redirect [status] [URL]` answers the section itself
                    cond, target = TRUE, args[0] if args else ""
                elif len(args) >= 1:
                    prefix = args[0]
                    cond = TRUE if _url_prefix_matches(prefix, self.t.url) else FALSE
                    target = args[1] if len(args) > 1 else ""
                else:
                    continue
            if cond == FALSE:
                continue
            text = f"{d.name} {' '.join(d.args)}"
            if 300 <= code < 400:
                outcome = Outcome(code, d.source, location=_lit(target) if target else None, reason=text)
            else:
                outcome = Outcome(code, d.source, reason=text)
            if cond == TRUE:
                p.result = outcome
                p.result_local = 300 <= code < 400
                p.result_by = f"a {code} that {d.name} makes itself"
                return [p]
            taken = p.fork()
            taken.opaque = taken.opaque + ((cond.text,) if isinstance(cond, COpaque) else ())
            taken.result = outcome
            taken.result_local = 300 <= code < 400
            taken.result_by = f"a {code} that {d.name} makes itself"
            return [taken, p]
        return [p]

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
        if p.result is not None or not self.t.dir_slash or p.handler is not None:
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
        taken.opaque = taken.opaque + (f"the request names the directory {self.t.url} without its trailing slash",)
        taken.result = Outcome(301, self.t.source, location=_lit(self.t.url + "/"),
                               reason="DirectorySlash (mod_dir) redirects to the URL with a trailing slash")
        taken.result_local = True
        taken.result_by = "a 301 that DirectorySlash makes itself"
        return [taken, p]

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

    def _handler(self, p: Path, layers: list[Scope]) -> Outcome:
        method = self.method
        if p.handler is not None:
            return p.handler
        if self.t.proxy is not None:
            d = self.t.proxy
            return Outcome(None, d.source, delegate="upstream", hidden_upstream=frozenset(),
                           reason=f"{d.name} {' '.join(d.args)}")
        handler = None
        for s in layers:
            for d in s.all("sethandler"):
                handler = d
        if handler is not None and handler.args and handler.args[0].lower() not in ("none", "default-handler"):
            kind = handler.args[0].lower()
            delegate = "upstream" if kind.startswith("proxy:") else "app"
            return Outcome(None, handler.source, delegate=delegate, reason=f"SetHandler {handler.args[0]}")
        for prefix, _fs, d, script in self.ctx.aliases:
            if script and _url_prefix_matches(prefix, self.t.url):
                return Outcome(None, d.source, delegate="app", reason=f"ScriptAlias {prefix}")
        base = self.t.basename
        if base:
            for s in layers:
                for d in s.all("addhandler"):
                    exts = [e.lower().lstrip(".") for e in d.args[1:]]
                    if any(base.lower().endswith("." + e) for e in exts):
                        return Outcome(None, d.source, delegate="app", reason=f"AddHandler {' '.join(d.args)}")
        where = layers[-1].source
        if method in ("GET", "HEAD", "POST"):
            return Outcome(None, where, delegate="files", reason="static files")
        if method == "OPTIONS":
            return Outcome(200, where, delegate="files",
                           reason="httpd's core answers OPTIONS on static files with 200 and an Allow header")
        return Outcome(405, where, delegate="files", reason=f"static files answer {method} with 405")

    # -- headers

    def _env(self, layers: list[Scope], p: Path) -> dict[str, EnvTerm]:
        env: dict[str, EnvTerm] = {}
        directives: list[Directive] = []
        for s in layers:
            directives += s.directives
        # SetEnvIf runs before the rewrite phase's [E=]; SetEnv (fixups) after it
        for d in directives:
            if d.lname in ("setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase", "setenvifexpr"):
                self._setenvif(d, env)
        env.update(p.env)
        for d in directives:
            if d.lname == "setenv" and d.args:
                env[d.args[0]] = _lit(d.args[1] if len(d.args) > 1 else "")
            elif d.lname == "unsetenv":
                for name in d.args:
                    env[name] = None
        return env

    def _setenvif(self, d: Directive, env: dict[str, EnvTerm]) -> None:
        lname = d.lname
        if lname == "setenvifexpr":
            if len(d.args) < 2:
                return
            cond = self.expr_cond(d.args[0], d.source)
            assignments = d.args[1:]
            attr_kind, pattern, nocase = "expr", None, False
        else:
            if lname.startswith("browsermatch"):
                if len(d.args) < 2:
                    return
                attr, pattern, assignments = "User-Agent", d.args[0], d.args[1:]
            else:
                if len(d.args) < 3:
                    return
                attr, pattern, assignments = d.args[0], d.args[1], d.args[2:]
            nocase = lname.endswith("nocase")
            attr_kind = attr.lower()
            if attr_kind == "origin":
                matcher = OriginMatcher(_pcre(pattern), "pcre-search", nocase, d.source)
                cond = origin_cond(matcher) if _valid_regex(pattern) else COpaque(f"{d.name} {' '.join(d.args)}")
            elif attr_kind == "request_method":
                cond = CConst(_search(pattern, self.method, nocase) is not None)
            elif attr_kind == "request_uri":
                hits = [_search(pattern, s, nocase) is not None for s in self._path_samples(self.t.url, False)]
                cond = TRUE if all(hits) else (FALSE if not any(hits) else COpaque(f"{d.name} {' '.join(d.args)}"))
            else:
                cond = COpaque(f"{d.name} {' '.join(d.args)}")
        for spec in assignments:
            if spec.startswith("!"):
                env[spec[1:]] = env_ite(cond, None, env.get(spec[1:]))
                continue
            name, eq, raw = spec.partition("=")
            if not eq:
                raw = "1"
            value = self._setenv_value(raw, pattern, nocase, d.source, attr_kind) if attr_kind == "origin" else \
                (_lit(raw) if "$" not in raw else Value((Unknown(f"{name} from {d.name}"),)))
            if attr_kind == "origin" and isinstance(value, tuple):
                full, val, rest = value
                inner = env.get(name)
                if rest is not None:
                    inner = env_ite(COrigin(rest), Value((Unknown(f"part of the Origin matched by {pattern}"),)), inner)
                env[name] = env_ite(COrigin(full) if cond != TRUE else TRUE, val, inner) if cond != FALSE else inner
                continue
            env[name] = env_ite(cond, value, env.get(name))

    def _setenv_value(self, raw: str, pattern: str, nocase: bool, source: Source, attr: str):
        """A SetEnvIf value; `$N` back-references on the Origin become the
        Origin itself where the group is the whole Origin."""
        refs = re.findall(r"\$(\d)", raw)
        if not refs:
            return _lit(raw)
        try:
            groups = re.compile(_pcre(pattern)).groups
        except re.error:
            return Value((Unknown("an Origin back-reference"),))
        if groups == 0:
            return _lit(raw)       # httpd substitutes only when the regex has groups
        if re.fullmatch(r"\$\d", raw):
            n = int(raw[1])
            if n > groups:
                return _lit("")
            full, val, rest = _capture_value(pattern, n, nocase, source)
            if isinstance(val.parts[0], Unknown):
                return val
            return (full, val, rest)
        return Value((Unknown(f"a value built from the Origin ({raw})"),))

    def _header_value(self, raw: str, env: dict[str, EnvTerm], handler: Outcome) -> Value:
        if raw.startswith("expr="):
            return self._expr_string(raw[5:], env)
        parts: list[Value] = []
        pos = 0
        for m in re.finditer(r"%%|%\{([^}]*)\}([A-Za-z]?)|%([A-Za-z])", raw):
            if m.start() > pos:
                parts.append(_lit(raw[pos:m.start()]))
            if m.group(0) == "%%":
                parts.append(_lit("%"))
            elif m.group(2) == "e":
                name = m.group(1)
                term = env.get(name)
                if term is None and name.upper().startswith("HTTP_") and handler.delegate == "app":
                    # CGI-style handlers put the request headers into the environment
                    term = Value.origin() if name.upper() == "HTTP_ORIGIN" else Value((Unknown(f"%{{{name}}}e"),))
                parts.append(env_value(term, "(null)"))
            else:
                parts.append(Value((Unknown(m.group(0)),)))
            pos = m.end()
        if pos < len(raw):
            parts.append(_lit(raw[pos:]))
        return _concat(*parts) if parts else _lit("")

    def _expr_string(self, text: str, env: dict[str, EnvTerm]) -> Value:
        parts: list[Value] = []
        pos = 0
        for m in re.finditer(r"%\{([^{}]*)\}", text):
            if m.start() > pos:
                parts.append(_lit(text[pos:m.start()]))
            name = m.group(1)
            low = name.lower()
            if low in ("req:origin", "http:origin", "req_novary:origin"):
                parts.append(Value.origin())
            elif low == "request_method":
                parts.append(_lit(self.method))
            elif low.startswith(("env:", "reqenv:")):
                parts.append(env_value(env.get(name.split(":", 1)[1]), ""))
            else:
                parts.append(Value((Unknown(f"%{{{name}}}"),)))
            pos = m.end()
        if pos < len(text):
            parts.append(_lit(text[pos:]))
        return _concat(*parts) if parts else _lit("")

    def _header_cond(self, spec: str, env: dict[str, EnvTerm], source: Source) -> Cond:
        if spec.lower().startswith("env="):
            name = spec[4:]
            if name.startswith("!"):
                return c_not(env_isset(self._env_term(name[1:], env)))
            return env_isset(self._env_term(name, env))
        if spec.lower().startswith("expr="):
            return self.expr_cond(spec[5:], source)
        return TRUE

    def _env_term(self, name: str, env: dict[str, EnvTerm]) -> EnvTerm:
        return env.get(name)

    def _tables(self, layers: list[Scope], env: dict[str, EnvTerm], handler: Outcome, p: Path):
        onsuccess: list[_Entry] = []
        always: list[_Entry] = []
        unset_success: set[str] = set()
        unset_always: set[str] = set()
        if not (handler.delegate == "upstream" and handler.status is None):
            # Vary added while the request is processed (by <If>, RewriteCond) goes into
            # the answer's headers, which mod_proxy replaces with the upstream's own
            for source, table_always, when in p.vary:
                self._vary(always if table_always else onsuccess, source, when)
        for s in layers:
            for d in s.directives:
                if d.lname != "header":
                    continue
                self._header_op(d, onsuccess, always, env, handler, unset_success, unset_always)
        return onsuccess, always, unset_success, unset_always

    @staticmethod
    def _vary(table: list[_Entry], source: Source, when: Cond = TRUE) -> None:
        """Merge ``Vary: Origin`` into a table (only for requests where ``when`` holds)."""
        for e in table:
            if e.lname == "vary":
                if "origin" not in (e.value.render().lower()):
                    e.value = ite(when, _concat(e.value, _lit(",Origin")), e.value)
                return
        table.append(_Entry("Vary", ite(when, _lit("Origin"), EMPTY), source, "Origin"))

    def _header_op(self, d: Directive, onsuccess: list[_Entry], always: list[_Entry], env, handler: Outcome,
                   unset_success: set[str], unset_always: set[str]) -> None:
        args = list(d.args)
        table, unset_names = onsuccess, unset_success
        if args and args[0].lower() in ("always", "onsuccess"):
            if args.pop(0).lower() == "always":
                table, unset_names = always, unset_always
        if len(args) < 2:
            return
        action = args[0].lower()
        name = args[1].rstrip(":")
        rest = args[2:]
        value_raw = None
        replacement = None
        if action in ("set", "append", "add", "merge", "setifempty"):
            if not rest:
                return
            value_raw = rest.pop(0)
        elif action in ("edit", "edit*"):
            if len(rest) < 2:
                return
            value_raw, replacement = rest[0], rest[1]
            rest = rest[2:]
        elif action in ("echo", "note"):
            return
        elif action != "unset":
            return
        cond: Cond = TRUE
        for spec in rest:
            if spec.lower() == "early":
                continue
            c = self._header_cond(spec, env, d.source)
            if spec.lower().startswith("expr=") and reads_origin(c):
                self._vary(table, d.source)
            cond = c_and(cond, c)
        if cond == FALSE:
            return
        lname = name.lower()
        same = [e for e in table if e.lname == lname]
        if action == "unset":
            for e in same:
                e.value = ite(cond, EMPTY, e.value)
            table[:] = [e for e in table if not (e.lname == lname and e.value == EMPTY)]
            if cond == TRUE or isinstance(cond, COpaque):
                unset_names.add(lname)
            return
        if action in ("edit", "edit*"):
            for e in same:
                text = e.value.literal_text
                if text is None:
                    e.value = Value((Unknown(f"{e.raw} edited by {value_raw}"),))
                    continue
                try:
                    new = re.sub(_pcre(value_raw), replacement.replace("$", "\\"), text,
                                 count=0 if action == "edit*" else 1)
                except (re.error, IndexError):
                    new = None
                e.value = ite(cond, _lit(new) if new is not None else Value((Unknown(e.raw),)), e.value)
            return
        value = self._header_value(value_raw, env, handler)
        if action == "set":
            for e in same:
                e.value = ite(cond, EMPTY, e.value)
            table[:] = [e for e in table if not (e.lname == lname and e.value == EMPTY)]
            table.append(_Entry(name, ite(cond, value, EMPTY), d.source, value_raw, is_set=True))
            return
        if action == "setifempty":
            if same:
                return
            table.append(_Entry(name, ite(cond, value, EMPTY), d.source, value_raw, is_set=True))
            return
        if action in ("append", "merge") and same:
            e = same[0]
            joined = _extend(e.value, value, merge=action == "merge")
            if joined == e.value:
                return
            e.value = ite(cond, joined, e.value)
            e.source = d.source
            e.raw = f"{e.raw}, {value_raw}"
            return
        table.append(_Entry(name, ite(cond, value, EMPTY), d.source, value_raw))

    def _branch(self, p: Path, layers: list[Scope], outcome: Outcome, auth: Source | None, auth_what: str) -> Branch:
        env = self._env(layers, p)
        onsuccess, always, unset_success, unset_always = self._tables(layers, env, outcome, p)
        shadowed: tuple[Shadowed, ...] = ()
        proxy_like = outcome.status is None and outcome.delegate in ("upstream", "app")
        error_override = any(d.lname == "proxyerroroverride" and d.args and d.args[0].lower() == "on"
                             for s in layers for d in s.directives) or any(
            d.lname == "proxyerroroverride" and d.args and d.args[0].lower() == "on"
            for d in self.ctx.server_directives)
        success_always = False
        if p.result is not None and p.result_local and outcome.status is not None and outcome.status < 400:
            # httpd answers this itself: only the always table is sent
            dropped = [e for e in onsuccess if e.value != EMPTY]
            if dropped and not p.opaque:
                emissions = tuple(self._emission(e, False, False) for e in dropped)
                shadowed = (Shadowed(emissions, outcome.source,
                                     f"{p.result_by} and only 'Header always' headers reach"),)
            onsuccess = []
        elif proxy_like and auth is None and not error_override:
            # the handler's answer carries the onsuccess table whatever its status
            success_always = True
        hidden: frozenset[str] = frozenset()
        if outcome.delegate == "upstream" and outcome.status is None:
            fcgi = "fcgi://" in outcome.reason.lower()
            hidden = frozenset(unset_always if fcgi else unset_success)
            outcome = Outcome(outcome.status, outcome.source, outcome.location, outcome.delegate, hidden,
                              outcome.reason)
        emissions: list[HeaderEmission] = []
        entries = [(e, False) for e in onsuccess] + [(e, True) for e in always]
        entries.sort(key=lambda et: (et[0].source.file, et[0].source.line, et[0].source.column, et[1]))
        for e, is_always in entries:
            if e.value == EMPTY:
                continue
            replaces = (not is_always) and e.is_set and not any(h.lname == e.lname for h in emissions)
            emissions.append(self._emission(e, is_always or success_always, replaces))
        label = " / ".join(s.label for s in layers if s.kind != "server") or "server"
        return Branch(
            outcome=outcome, headers=tuple(emissions), methods=frozenset({self.method}),
            origin_tests=p.tests, opaque_conditions=p.opaque, auth=auth, auth_what=auth_what,
            shadowed=shadowed, source=layers[-1].source if layers else self.t.source, label=label,
        )

    @staticmethod
    def _emission(e: _Entry, always: bool, replaces: bool) -> HeaderEmission:
        return HeaderEmission(name=e.name, value=e.value, source=e.source, always=always,
                              omit_if_empty=True, raw=e.raw, replaces=replaces)


_REWRITE_HTTP_VARS = {"HTTP_ACCEPT", "HTTP_COOKIE", "HTTP_FORWARDED", "HTTP_HOST", "HTTP_PROXY_CONNECTION",
                      "HTTP_REFERER", "HTTP_USER_AGENT"}


def _rule_flags(text: str) -> dict:
    """RewriteRule/RewriteCond flags: ``[R=301,L,E=A:b]`` -> {'r': '301', 'l': '', '__env__': ['A:b']}."""
    out: dict = {}
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return out
    for item in _split_flags(text[1:-1]):
        key, eq, val = item.partition("=")
        key = key.strip().lower()
        if key in ("e", "env"):
            out.setdefault("__env__", []).append(val)
            continue
        out[key] = val if eq else ("" if key not in ("r", "redirect") else "302")
        if key in ("r", "redirect") and not eq:
            out[key] = "302"
    return out


def _split_flags(text: str) -> list[str]:
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        items.append(cur)
    return items
