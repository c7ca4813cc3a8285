"""Step 2b of the pipeline: proxies linked to the apps behind them.

A proxy (nginx `proxy_pass`, Apache `ProxyPass` / `RewriteRule [P]`) and
the app it forwards to often live in one repository. Where the linted tree
says which app answers a proxy's target, the proxied branch is *composed*:
it gains the app's own answer for the requests it forwards, so every rule
judges what the browser receives from both layers together, with each
header at its own line (the proxy's in its config, the app's in its source).

A target is linked, in this order, by
  (c) an explicit map in the corslint config: ``upstreams = {"http://api:3000" = "services/api"}``;
  (a) docker-compose: the target's host names a service, whose ``build``
      context holds the app;
  (b) plain ports: the target is a loopback address whose port an app file
      listens on (``app.listen(3000)``, ``app.run(port=5000)``,
      ``uvicorn.run(..., port=8000)``, gunicorn ``--bind``), or that a
      Dockerfile ``EXPOSE``\\s, or that a compose service publishes.
The evidence (each piece a place and what it says) goes with the link; the
model's ``links`` are shown to the user by every reporter.

How the layers compose (each server's real rules, expressed by the proxy's
frontend in the model): the app's headers come first, less those the proxy
hides (``Outcome.hidden_upstream``: nginx ``proxy_hide_header``), then the
proxy's own; a proxy header that ``replaces`` (Apache ``Header set``)
removes the app's copy, one that does not (nginx ``add_header``, Apache
``Header always set`` / ``add``) is a second copy. A branch the proxy
answers itself (``return 204`` for OPTIONS) is not proxied and stays as it is.

Nothing is executed: compose files are read as YAML data, source files are
searched for a few byte patterns. Nothing is read unless the model has a
proxied branch with a target, and then only inside the directories the user
named, within fixed bounds.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..frontends._files import ReadLimits
from ..model import Branch, Link, Outcome, ParseProblem, PolicyModel, Route, Source
from ..paths import is_within
from .discover import SKIP_DIRS

COMPOSE_NAMES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
SOURCE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".py")
# Bounds of what linking reads: files met in a walk, bytes read of each.
MAX_WALKED = 20_000
HEAD_BYTES = 262_144
# Compose files: each at most MAX_COMPOSE_BYTES, all together at most
# MAX_COMPOSE_TOTAL and MAX_COMPOSE_FILES of them (YAML composition costs
# seconds a megabyte), each also within the run's read limits.
MAX_COMPOSE_BYTES = 262_144
MAX_COMPOSE_TOTAL = 524_288
MAX_COMPOSE_FILES = 32
# What marks a directory as an app's project: the app found listening in a
# file is every file of the nearest directory holding one of these.
PROJECT_MARKERS = ("package.json", "pyproject.toml", "setup.py", "setup.cfg", "manage.py", "dockerfile")
LOOPBACK = ("127.0.0.1", "localhost", "0.0.0.0", "[::1]", "::1")

# An app listening on a port, as its source or its container says it.
_LISTENS = (
    # Express / Node: app.listen(3000), app.listen(process.env.PORT || 3000)
    re.compile(rb"\.listen\(\s*(?:process\.env\.\w+\s*(?:\|\||\?\?)\s*)?['\"]?(\d{2,5})\b"),
    # Flask app.run(port=5000), uvicorn.run(app, port=8000), aiohttp web.run_app(app, port=8080)
    re.compile(rb"\b(?:run|run_app|serve)\([^)]{0,300}?\bport\s*=\s*['\"]?(\d{2,5})\b"),
    # gunicorn --bind 0.0.0.0:8000 / -b :8000, uvicorn --port 8000, flask run --port 5000
    re.compile(rb"(?:--bind|\s-b)[= ]+['\"]?[\w.\[\]:-]*:(\d{2,5})\b"),
    re.compile(rb"--port[= ]+['\"]?(\d{2,5})\b"),
)
_EXPOSE = re.compile(rb"^[ \t]*EXPOSE[ \t]+([^\r\n]+)", re.M | re.I)
# Something in an app's source that may send a CORS header: a CORS library or
# the header's name. An app whose sources have none sends no CORS header.
_MAY_SEND_CORS = re.compile(rb"[Aa]ccess-[Cc]ontrol-|[Cc][Oo][Rr][Ss]")


@dataclass(frozen=True)
class UpstreamEntry:
    """One entry of the config's ``upstreams`` map: a target as a proxy
    writes it -> the app's file or directory (absolute), with the place."""

    target: str
    app: str
    source: Source
    written: str = ""               # the app's path as the config writes it


@dataclass
class _Tree:
    """What the named directories hold for linking, walked once and only
    when some proxy needs it."""

    roots: tuple[str, ...]
    limits: ReadLimits = field(default_factory=ReadLimits)
    problems: list[ParseProblem] = field(default_factory=list)
    compose: list[str] = field(default_factory=list)
    projects: set[str] = field(default_factory=set)     # directories holding a project's file
    projects_real: set[str] = field(default_factory=set)
    dockerfiles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    walked: bool = False
    read: dict[str, "_FileFacts"] = field(default_factory=dict)
    source_set: set[str] = field(default_factory=set)
    services: dict[str, list["_Service"]] | None = None

    def walk(self) -> None:
        if self.walked:
            return
        self.walked = True
        seen = 0
        for root in self.roots:
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    seen += 1
                    if seen > MAX_WALKED:
                        return
                    path = os.path.normpath(os.path.join(folder, name))
                    if not _regular(path):
                        continue   # no link is followed; a FIFO or a device would hang the run
                    low = name.lower()
                    if low in PROJECT_MARKERS or (low.startswith("requirements") and low.endswith(".txt")):
                        self.projects.add(os.path.dirname(path) or os.curdir)
                        self.projects_real.add(os.path.realpath(os.path.dirname(path) or os.curdir))
                    if low in COMPOSE_NAMES:
                        self.compose.append(path)
                    elif low == "dockerfile" or low.startswith("dockerfile.") or low == "procfile":
                        self.dockerfiles.append(path)
                    elif low.endswith(SOURCE_SUFFIXES):
                        self.sources.append(path)
                        self.source_set.add(path)

    def facts(self, path: str) -> "_FileFacts":
        """What linking asks of a file, read once: the ports it listens on
        (or exposes) with the line saying so, and whether it may send a CORS
        header. Only these are kept, not the file's bytes."""
        known = self.read.get(path)
        if known is None:
            head = b""
            if _regular(path):
                try:
                    with open(path, "rb") as fh:
                        head = fh.read(HEAD_BYTES)
                except OSError:
                    pass
            known = self.read[path] = _FileFacts(_listening(head, expose=path not in self.source_set),
                                                 _MAY_SEND_CORS.search(head) is not None)
        return known

    def compose_services(self) -> dict[str, list["_Service"]]:
        """Services by name; a monorepo may define one name in several files."""
        if self.services is None:
            self.walk()
            self.services = {}
            within = tuple(os.path.realpath(r) for r in self.roots)
            per_file = min(MAX_COMPOSE_BYTES, self.limits.max_file_bytes)
            budget = min(MAX_COMPOSE_TOTAL, self.limits.max_total_bytes)
            count = 0
            for at, path in enumerate(self.compose):
                if count == MAX_COMPOSE_FILES:
                    self.problems.append(ParseProblem(path, None, (
                        f"{len(self.compose) - at} compose files from here on not read to link proxies "
                        f"to apps (at most {MAX_COMPOSE_FILES} are)"), fatal=False))
                    break
                try:
                    size = os.stat(path).st_size
                except OSError:
                    continue
                if size > per_file or size > budget:
                    total = min(MAX_COMPOSE_TOTAL, self.limits.max_total_bytes)
                    self.problems.append(ParseProblem(path, None, (
                        f"compose file not read to link proxies to apps: {size} bytes, over the "
                        + (f"{per_file} bytes read of one compose file" if size > per_file
                           else f"{budget} bytes left of the {total} read of all compose files")),
                        fatal=False))
                    continue
                budget -= size
                count += 1
                for service in _read_compose(path, within):
                    self.services.setdefault(service.name, []).append(service)
        return self.services

    def project(self, path: str) -> str:
        """The app a source file listening on a port belongs to: the nearest
        directory, up to the root of the tree, holding a project's file
        (package.json, pyproject.toml, requirements*.txt, a Dockerfile, ...);
        else the file's own directory."""
        self.walk()
        own = folder = os.path.dirname(path) or os.curdir
        roots = set(self.roots)
        while True:
            if folder in self.projects:
                return folder
            parent = os.path.dirname(folder) or os.curdir
            if folder in roots or parent == folder:
                return own
            folder = parent


@dataclass(frozen=True)
class _FileFacts:
    listens: dict[str, tuple[int, str]]   # port -> (line, the line's text)
    may_send_cors: bool


@dataclass(frozen=True)
class _Service:
    name: str
    source: Source                  # the service's key in the compose file
    build: str                      # its build context, absolute ("" when it has none)
    build_written: str              # the context as written
    ports: tuple[tuple[str, Source], ...] = ()   # published host ports / exposed ports


def link(model: PolicyModel, named_dirs: Iterable[str], upstreams: Iterable[UpstreamEntry] = (),
         limits: ReadLimits | None = None) -> None:
    """Link every proxied branch of ``model`` whose target the tree (the
    directories ``named_dirs``) or the ``upstreams`` map resolves to an app,
    compose those branches, and record the links in ``model.links``. Files
    are read within ``limits`` (the run's); an ``upstreams`` app outside the
    tree is refused with a notice, never read."""
    named_dirs, upstreams = list(named_dirs), tuple(upstreams)
    if not named_dirs and not upstreams:
        return   # nothing could say which app is behind a proxy: no link to look for
    proxied = [(route, branch) for route in model.routes for branch in route.branches
               if branch.outcome.delegate == "upstream" and branch.outcome.target]
    if not proxied:
        return
    upstreams = _inside_tree(upstreams, named_dirs, model.problems)
    tree = _Tree(tuple(os.path.normpath(d) for d in named_dirs), limits or ReadLimits(), model.problems)
    # An app's routes: answered by the app's own code, not proxied nor files
    # (a tree whose build context is its root holds the proxy's config too).
    apps = [r for r in model.routes
            if any(b.outcome.delegate == "app" for b in r.branches)
            and not any(b.outcome.delegate in ("upstream", "files") for b in r.branches)]
    resolved: dict[tuple, tuple[str, tuple[tuple[Source, str], ...]] | None] = {}
    composed: dict[int, list[Branch]] = {}
    for route, branch in proxied:
        outcome = branch.outcome
        key = (outcome.target, outcome.target_servers, os.path.dirname(outcome.source.file))
        if key not in resolved:
            resolved[key] = _resolve(outcome, tree, upstreams)
        found = resolved[key]
        if found is None:
            continue
        app, evidence = found
        app_routes = [r for r in apps if _in_app(r.source.file, app, tree)]
        sends_none = False
        if not app_routes:
            sends_none = _sends_no_cors(app, tree)
            if not sends_none:
                continue   # the app may send CORS headers corslint did not read: the condition stays
        chosen = _answering_route(app_routes, route, _forwarded_path(route, outcome))
        if app_routes and chosen is None:
            continue   # none of the app's routes is the one answering this path: not modelled
        branches = composed.setdefault(id(route), list(route.branches))
        at = next(i for i, b in enumerate(branches) if b is branch)
        branches[at:at + 1] = _compose(branch, chosen)
        if not any(lk.proxy == outcome.source and lk.app == app for lk in model.links):
            model.links.append(Link(
                proxy=outcome.source, target=outcome.target, directive=outcome.reason, app=app,
                app_routes=tuple(r.name for r in app_routes[:5]),
                app_files=tuple(dict.fromkeys(r.source.file for r in app_routes)),
                evidence=evidence, app_sends_none=sends_none))
    for route in model.routes:
        if id(route) in composed:
            route.branches = composed[id(route)]
            route.memo.clear()


# ---------------------------------------------------------------- resolving a target


def _parse_target(target: str) -> tuple[str, str, str]:
    """(host, port, path) of a proxy target URL ("" where absent)."""
    rest = target.split("://", 1)[-1]
    hostport, _, path = rest.partition("/")
    host, port = hostport, ""
    m = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(?::(\d+))?", hostport)
    if m:
        host, port = m.group(1), m.group(2) or ""
    if not port:
        port = "443" if target.lower().startswith("https") else "80"
    return host.lower(), port, ("/" + path) if path or target.rstrip().endswith("/") else ""


def _addresses(outcome: Outcome) -> list[tuple[str, str, Source | None, str]]:
    """(host, port, place, words) of each address the target may reach: its
    group's servers when it names one, else itself."""
    if outcome.target_servers:
        out = []
        for address, source in outcome.target_servers:
            host, port, _ = _parse_target("http://" + address)
            out.append((host, port, source, f"upstream server {address}"))
        return out
    host, port, _ = _parse_target(outcome.target)
    return [(host, port, None, "")]


def _resolve(outcome: Outcome, tree: _Tree,
             upstreams: tuple[UpstreamEntry, ...]) -> tuple[str, tuple[tuple[Source, str], ...]] | None:
    """(the app's file or directory, the evidence) for a proxy's target;
    None when nothing in the tree says which app answers it, or several do."""
    for entry in upstreams:
        if _same_target(entry.target, outcome.target):
            return entry.app, ((entry.source, f'upstreams "{entry.target}" = "{entry.written}"'),)
    if not tree.roots:
        return None
    found: dict[str, tuple[tuple[Source, str], ...]] = {}
    for host, port, via, words in _addresses(outcome):
        extra = ((via, words),) if via is not None else ()
        if host in LOOPBACK:
            for app, evidence in _by_port(port, tree):
                found.setdefault(app, extra + evidence)
            continue
        for service in tree.compose_services().get(host, []):
            if service.build:
                found.setdefault(service.build, extra + (
                    (service.source, f"service {service.name}, build {service.build_written}"),))
    # a directory that holds another of the apps found (a Dockerfile's beside
    # the source that listens) is that app: the narrower one stands, with both
    # pieces of evidence
    for wide in [a for a in found if any(b != a and _under(b, a) for b in found)]:
        narrow = next(b for b in found if b != wide and _under(b, wide))
        found[narrow] = found[narrow] + tuple(e for e in found[wide] if e not in found[narrow])
        del found[wide]
    nearest = _nearest(found, outcome.source.file)
    return (nearest, found[nearest]) if nearest is not None else None


def _nearest(found: Mapping[str, tuple[tuple[Source, str], ...]], proxy_file: str) -> str | None:
    """The app among ``found`` whose evidence lies nearest the proxy's file
    (the longest directory both share: in a tree of several repositories,
    the proxy's own); None when none is, or two are equally near."""
    if not found:
        return None
    proxy_dir = os.path.dirname(os.path.realpath(proxy_file))

    def shared(app: str) -> int:
        where = os.path.dirname(os.path.realpath(found[app][-1][0].file))
        return len(os.path.commonpath([proxy_dir, where]))

    ranked = sorted(found, key=shared, reverse=True)
    if len(ranked) > 1 and shared(ranked[0]) == shared(ranked[1]):
        return None
    return ranked[0]


def _same_target(written: str, target: str) -> bool:
    def norm(t: str) -> str:
        t = t.strip().lower().rstrip("/")
        return t if "://" in t else "http://" + t
    return norm(written) == norm(target) or norm(written) == norm(target.split("://", 1)[0] + "://"
                                                                   + target.split("://", 1)[-1].split("/")[0])


def _by_port(port: str, tree: _Tree) -> list[tuple[str, tuple[tuple[Source, str], ...]]]:
    """Apps that listen on ``port``: a source file that says so (the app is
    its project: a server.js may only start the app another file builds), a
    Dockerfile or Procfile (the app is its directory), a compose service
    publishing it (the app is its build context)."""
    tree.walk()
    out: dict[str, tuple[tuple[Source, str], ...]] = {}
    for path in tree.sources + tree.dockerfiles:
        said = tree.facts(path).listens.get(port)
        if said is not None:
            app = tree.project(path) if path in tree.source_set else os.path.dirname(path)
            out[app] = out.get(app, ()) + ((Source(path, said[0]), said[1]),)
    for service in (svc for named in tree.compose_services().values() for svc in named):
        for published, source in service.ports:
            if published == port and service.build:
                out.setdefault(service.build, ((source, f"service {service.name} listens on {port}, "
                                                        f"build {service.build_written}"),))
    return list(out.items())


def _listening(head: bytes, expose: bool) -> dict[str, tuple[int, str]]:
    """Each port ``head`` listens on (a Dockerfile's or Procfile's also
    those it EXPOSEs), with the first line saying so."""
    out: dict[str, tuple[int, str]] = {}
    for rx in _LISTENS:
        for m in rx.finditer(head):
            out.setdefault(m.group(1).decode(), _line_at(head, m.start()))
    if expose:
        for m in _EXPOSE.finditer(head):
            for word in m.group(1).split():
                out.setdefault(word.split(b"/")[0].decode(errors="replace"), _line_at(head, m.start()))
    return out


def _line_at(head: bytes, offset: int) -> tuple[int, str]:
    start = head.rfind(b"\n", 0, offset) + 1
    end = head.find(b"\n", offset)
    text = head[start:end if end >= 0 else len(head)].decode("utf-8", "replace").strip()
    return head.count(b"\n", 0, offset) + 1, text[:120]


def _under(path: str, app: str) -> bool:
    return is_within(os.path.realpath(path), (os.path.realpath(app),))


def _in_app(path: str, app: str, tree: _Tree) -> bool:
    """``path`` is a file of the app ``app``: under it and not in another
    project nested inside it."""
    if not _under(path, app):
        return False
    tree.walk()
    top = os.path.realpath(app)
    folder = os.path.dirname(os.path.realpath(path))
    while folder != top and len(folder) > len(top):
        if folder in tree.projects_real:
            return False
        folder = os.path.dirname(folder)
    return True


def _inside_tree(upstreams: tuple[UpstreamEntry, ...], named_dirs: list[str],
                 problems: list[ParseProblem]) -> tuple[UpstreamEntry, ...]:
    """The ``upstreams`` entries whose app lies in the linted tree; each
    other is refused with a notice at its line and never read."""
    roots = [os.path.realpath(d) for d in named_dirs]
    kept = []
    for entry in upstreams:
        if roots and is_within(os.path.realpath(entry.app), roots):
            kept.append(entry)
        else:
            problems.append(ParseProblem(entry.source.file, entry.source.line, (
                f'upstreams "{entry.target}" = "{entry.written}": the app is outside the linted tree; '
                "not read"), fatal=False))
    return tuple(kept)


def _regular(path: str) -> bool:
    """A regular file, not a symbolic link (a link may lead out of the
    tree; a FIFO, socket or device would hang or flood the run)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _sends_no_cors(app: str, tree: _Tree) -> bool:
    """The app's sources (the file, or the source files under the directory)
    exist and none mentions a CORS library or header: it sends none."""
    tree.walk()
    files = [app] if _regular(app) else [p for p in tree.sources if _under(p, app)]
    return bool(files) and not any(tree.facts(p).may_send_cors for p in files)


# ---------------------------------------------------------------- composing the answer


def _forwarded_path(route: Route, outcome: Outcome) -> str | None:
    """The path the app sees for requests to ``route``'s path, as the
    proxy's frontend says it maps it (``Outcome.forwarded_prefix``: the
    prefix its target's path replaces, or none); None when that is not
    known (a regex scope matches paths the route's path does not name)."""
    prefix = outcome.forwarded_prefix
    if prefix is None or (route.path_match is not None and route.path_match.kind == "regex"):
        return None
    path = _request_path(route)
    if not prefix:
        return path
    if not path.startswith(prefix):
        return None
    _, _, uri = _parse_target(outcome.target)
    forwarded = uri + path[len(prefix):]
    return forwarded if forwarded.startswith("/") else None


def _request_path(route: Route) -> str:
    """The path (or prefix) of the requests ``route`` takes, without the
    modifier its config writes (nginx `location = /x`)."""
    return route.path_match.text if route.path_match is not None else route.path


def _answering_route(app_routes: list[Route], proxy_route: Route, path: str | None) -> Route | None:
    """The app route that answers requests forwarded to ``path``: the one
    with the longest path that is a prefix of it, else, where the path is
    forwarded as it is, the first whose path lies under it (a location
    forwarding a whole API). With the path not known (None), only an app
    whose one route takes every path is known to answer."""
    if not app_routes:
        return None
    if path is None:
        only = app_routes[0]
        return only if len(app_routes) == 1 and only.path == "/" and only.path_match is None else None
    prefixes = [r for r in app_routes if path.startswith(r.path)]
    if prefixes:
        return max(prefixes, key=lambda r: len(r.path))
    if path != _request_path(proxy_route):
        # the proxy strips or changes the prefix: an app route under the new
        # path is reached only at a path neither config names ("/api/api/")
        return None
    inside = [r for r in app_routes if r.path.startswith(path)]
    return inside[0] if inside else None


def _meet(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _compose(proxy: Branch, app: Route | None) -> list[Branch]:
    """The branches a browser's requests through ``proxy`` take once the app
    behind it (``app``: None for an app that sends no CORS header) answers
    them: one per app branch the proxy forwards, with the app's headers
    (less those the proxy hides) before the proxy's own."""
    outcome = proxy.outcome
    if app is None:
        return [dataclasses.replace(proxy, outcome=dataclasses.replace(outcome, upstream_known=True))]
    out: list[Branch] = []
    covered: set[str] = set()
    for answer in app.branches:
        methods = _meet(proxy.methods, answer.methods)
        if methods is not None and not methods:
            continue
        kept = tuple(h for h in answer.headers if h.lname not in outcome.hidden_upstream)
        decided = answer.outcome
        out.append(dataclasses.replace(
            proxy,
            outcome=dataclasses.replace(
                outcome, status=decided.status, location=decided.location,
                delegate=decided.delegate if decided.status is None else None,
                upstream_known=True, reason=f"{outcome.reason}, answered by {app.name}: {decided.reason}"),
            headers=kept + proxy.headers,
            methods=methods,
            origin_tests=proxy.origin_tests + answer.origin_tests,
            opaque_conditions=proxy.opaque_conditions + answer.opaque_conditions,
            auth=proxy.auth or answer.auth, auth_what=proxy.auth_what or answer.auth_what))
        if not answer.origin_tests and not answer.opaque_conditions:
            covered |= set(methods or ())
            if methods is None:
                break
    # Methods the app's modelled answers do not take: still the proxy's
    # branch as it was (what the app answers them is not in the model).
    if proxy.methods is not None and covered and proxy.methods - covered:
        out.append(dataclasses.replace(proxy, methods=proxy.methods - frozenset(covered)))
    return out


# ---------------------------------------------------------------- compose files


def _read_compose(path: str, within: tuple[str, ...]) -> list[_Service]:
    """The services of a compose file, read as YAML data with their lines;
    nothing when it is not one (too large, not YAML, no `services` mapping).
    Only mappings are read: a file of any other shape (a list of services,
    scalars, nulls, keys that are not strings) gives what its mappings say
    and no more. A build context outside the directories ``within`` (the
    linted tree) is not looked at: the service has none."""
    try:
        if not _regular(path) or os.path.getsize(path) > MAX_COMPOSE_BYTES:
            return []
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(MAX_COMPOSE_BYTES + 1)
        import yaml  # loaded only for a tree that has a proxy to link

        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except Exception:   # any YAML error (or nesting past the recursion limit): nothing usable
        return []
    services = _get(root, "services")
    if not _is_mapping(services):
        return []
    base = os.path.dirname(path)
    out = []
    for key, node in services.value:
        name = _key(key)
        if not name or not _is_mapping(node):
            continue
        build, written = "", ""
        b = _get(node, "build")
        written = _text(b) if not _is_mapping(b) else _text(_get(b, "context"))
        if written and "://" not in written and "$" not in written:
            build = os.path.normpath(os.path.join(base, written))
            if not is_within(os.path.realpath(build), within) or not os.path.isdir(build):
                build = ""
        ports = []
        command = _get(node, "command")
        words = _text(command)
        if _is_sequence(command):   # the exec form: a list of words
            words = " ".join(w for w in (_text(item) for item in command.value) if w)
        if words:
            for port in _listening(words.encode(), expose=False):
                ports.append((port, Source(path, command.start_mark.line + 1, command.start_mark.column + 1)))
        for listed in ("ports", "expose"):
            seq = _get(node, listed)
            for item in (seq.value if _is_sequence(seq) else []):
                published = _published_port(item, exposed=listed == "expose")
                if published:
                    ports.append((published, Source(path, item.start_mark.line + 1, item.start_mark.column + 1)))
        out.append(_Service(name, Source(path, key.start_mark.line + 1, key.start_mark.column + 1),
                            build, written, tuple(ports)))
    return out


def _is_mapping(node) -> bool:
    import yaml

    return isinstance(node, yaml.MappingNode)


def _is_sequence(node) -> bool:
    import yaml

    return isinstance(node, yaml.SequenceNode)


def _text(node) -> str:
    """A scalar node's text ("" for anything else: a mapping, a list, none)."""
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else ""


def _get(node, name: str):
    """The value of ``name`` in a mapping node (None for anything else)."""
    if not _is_mapping(node):
        return None
    for key, value in node.value:
        if _key(key) == name:
            return value
    return None


def _key(node) -> str:
    """A mapping key's text when it is a string ("" for `1:`, `~:`, `[a]:`)."""
    return _text(node) if getattr(node, "tag", "") == "tag:yaml.org,2002:str" else ""


def _published_port(item, exposed: bool) -> str:
    """The host port of a `ports` entry ("8000:8000", "127.0.0.1:8000:80",
    {published: 8000}) or the port of an `expose` entry."""
    text = _text(item)
    if text:
        parts = text.split("/")[0].split(":")
        return parts[0] if exposed or len(parts) == 1 else parts[-2]
    return _text(_get(item, "published"))


def upstream_entries(upstreams: Mapping[str, str], config_path: str | None) -> list[UpstreamEntry]:
    """The config's ``upstreams`` map as entries: each app path resolved
    against the config file's directory, each with the line it is on."""
    base = os.path.dirname(os.path.abspath(config_path)) if config_path else os.getcwd()
    lines: list[str] = []
    if config_path:
        try:
            with open(config_path, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().splitlines()
        except OSError:
            lines = []
    shown = config_path or "<config>"
    if config_path and not os.path.relpath(config_path).startswith(".."):
        shown = os.path.relpath(config_path)   # named as the findings name the files under the cwd
    out = []
    for target, app in upstreams.items():
        line = next((i + 1 for i, text in enumerate(lines) if target in text), 1)
        out.append(UpstreamEntry(target, os.path.normpath(os.path.join(base, app)),
                                 Source(shown, line), app))
    return out


__all__ = ["link", "upstream_entries", "UpstreamEntry", "COMPOSE_NAMES"]
