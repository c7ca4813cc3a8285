"""Redirect targets as the redirect rules (CORS403, CORS404) read them: a
Location value split into scheme, userinfo, host and port, and the 3xx a
browser receives with it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine import HttpResponse
from ..model import Branch, Lit, PathMatch, Route, Unknown, Value
from ..scenarios import answer_branch, api_url, example_path

_UNKNOWN = "\ue000"   # stands for a value nobody can know statically
_SAME_HOST = "\ue001"
_SAME_SCHEME = "\ue002"
_PATH = "\ue003"      # a variable holding the path or query: the authority ends before it


@dataclass(frozen=True)
class Location:
    """A redirect target as far as the config tells it."""

    relative: bool            # a path on the same origin
    scheme: str | None        # lowercased; None when unknown
    host: str | None          # lowercased; None when unknown
    port: str | None          # as written; None when absent or unknown
    same_host: bool           # the host is the request's own ($host & co.)
    host_var: str | None      # the variable the host comes from, if any
    userinfo: str | None      # "user:password" as written (unknown parts as <var>)
    url: str                  # a concrete URL for the engine


def parse_location(value: Value, route: Route) -> Location | None:
    """Split a Location value into scheme, userinfo, host and port; None when
    it starts with something unknown (a variable holding a whole URL)."""
    api = api_url(route)
    api_scheme, api_host = api.split("://", 1)[0], api.split("://", 1)[1].split("/", 1)[0]
    marked: list[str] = []
    concrete: list[str] = []
    host_var = None
    for part in value.parts:
        if isinstance(part, Lit):
            marked.append(part.text)
            concrete.append(part.text)
        elif isinstance(part, Unknown) and part.meaning == "host":
            marked.append(_SAME_HOST)
            concrete.append(api_host)
            host_var = host_var or part.name
        elif isinstance(part, Unknown) and part.meaning == "scheme":
            marked.append(_SAME_SCHEME)
            concrete.append(api_scheme)
        else:
            meaning = part.meaning if isinstance(part, Unknown) else ""
            marked.append(_PATH if meaning in ("path", "query") else _UNKNOWN)
            if meaning == "path":
                concrete.append(example_path(route.path))
            elif meaning == "query":
                concrete.append("")
            else:
                concrete.append("x")
    text = "".join(marked)
    if text.startswith("/") and not text.startswith("//"):
        return Location(True, api_scheme, api_host, None, True, None, None,
                        f"{api_scheme}://{api_host}{''.join(concrete)}")
    if text.startswith("//"):
        scheme, rest = api_scheme, text[2:]
    else:
        m = re.match(r"^([^:/?#]*):/*(.*)$", text, re.S)
        if not m or not m.group(1):
            return None
        scheme_text, rest = m.group(1), m.group(2)
        if scheme_text == _SAME_SCHEME:
            scheme = api_scheme
        elif _UNKNOWN in scheme_text or _SAME_HOST in scheme_text:
            return None
        else:
            scheme = scheme_text.lower()
        if scheme not in ("http", "https"):
            return None  # mailto:, data: and the like: no origin to compare
    end = len(rest)
    for i, ch in enumerate(rest):
        if ch in "/?#\\" + _PATH:
            end = i
            break
    authority = rest[:end]
    userinfo = None
    if "@" in authority:
        raw_userinfo, authority = authority.rsplit("@", 1)
        userinfo = raw_userinfo.replace(_UNKNOWN, "<?>").replace(_SAME_HOST, "<host>")
    hostport = authority
    port = None
    m = re.match(r"^(.*?)(?::([0-9]+))?$", hostport, re.S)
    if m:
        hostport, port = m.group(1), m.group(2)
    same_host = hostport == _SAME_HOST
    if same_host:
        host = api_host.lower()
    elif _UNKNOWN in hostport or _SAME_HOST in hostport or _SAME_SCHEME in hostport or not hostport:
        host = None
    else:
        host = hostport.lower()
    url = "".join(concrete)
    if url.startswith("//"):
        url = f"{scheme}:{url}"
    if host is None:
        # An unknown host: give the engine a stand-in on another origin.
        url = f"{scheme}://{(userinfo + '@') if userinfo else ''}unknown.invalid/"
    return Location(False, scheme, host, port, same_host, host_var if same_host else None,
                    userinfo, url)


def redirect_response(branch: Branch, origin: str, loc: Location, credentials: bool,
                      preflight: bool = False) -> HttpResponse:
    """The branch's 3xx with a concrete Location the engine can judge."""
    ans = answer_branch(branch, origin, credentials=credentials, preflight=preflight)
    headers = tuple((n, v) for n, v in ans.response.headers if n.lower() != "location")
    return HttpResponse(ans.response.status, headers + (("Location", loc.url),))


def same_origin_path(loc: Location, route: Route) -> str | None:
    """The path a redirect sends a request to when it stays on the route's
    own origin (a relative Location, the request's own host, or one of the
    server's names with its scheme); None when it leaves or cannot be told."""
    api = api_url(route)
    api_scheme = api.split("://", 1)[0]
    if not loc.relative:
        if loc.scheme != api_scheme or loc.port is not None or loc.host is None:
            return None
        hosts = {h.lower() for h in route.hosts}
        if not (loc.same_host or loc.host in hosts):
            return None
    rest = loc.url.split("://", 1)[-1]
    path = "/" + rest.partition("/")[2]
    return re.split(r"[?#]", path, 1)[0]


def route_serving(routes: list[Route], beside: Route, path: str) -> Route | None:
    """Among ``routes`` of the server ``beside`` is in (same file, names and
    scheme), the one that serves ``path`` (by each route's PathMatch, the
    frontend's reading of how it selects requests): an exact match, else the
    longest prefix. None when a regex route of that server could take the
    request first, or none serves it."""
    same = [r for r in routes if r.source.file == beside.source.file and r.hosts == beside.hosts
            and r.https == beside.https and r is not beside]
    best: Route | None = None
    best_len = -1
    final = False
    for r in same:
        match = r.path_match or PathMatch("prefix", r.path)
        if match.kind == "exact":
            if match.text == path:
                return r
        elif match.kind in ("prefix", "final-prefix"):
            if path.startswith(match.text) and len(match.text) > best_len:
                best, best_len, final = r, len(match.text), match.kind == "final-prefix"
    if best is None:
        return None
    if not final and any(r.path_match is not None and r.path_match.kind == "regex" for r in same):
        return None   # a regex route may answer the request instead
    return best
