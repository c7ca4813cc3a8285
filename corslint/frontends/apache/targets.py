"""Request targets: the URLs a server's sections, aliases, proxies and
redirects make worth a route of their own, and how section patterns match them."""

from __future__ import annotations

import fnmatch
import glob
import posixpath
import re
from dataclasses import dataclass

from ...model import Source
from .loading import Directive
from ... import regexlang
from .values import pcre_to_python, regex_search


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
        if name and "/" not in name and regex_search(pattern, name):
            return name
    return "file"


def example_url_for_regex(pattern: str, start: str | None = None) -> str | None:
    """A URL path the <LocationMatch> regex finds ("/" when none can be
    built); with ``start``, a path beginning with it that the regex finds
    (a <DirectoryMatch> directory below a document root), or None."""
    if start is not None:
        return regexlang.witness(pcre_to_python(pattern), start=start)
    return regexlang.witness(pcre_to_python(pattern), start="/") or "/"


def dir_matches(pattern: str, path: str) -> bool:
    """<Directory pattern> (not a regex: those are tested on the file name)
    applies to file-system directory ``path``."""
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


def location_matches(pattern: str, regex: bool, url: str) -> bool:
    if regex:
        return regex_search(pattern, url) is not None
    if glob.has_magic(pattern):
        return fnmatch.fnmatchcase(url, pattern) or fnmatch.fnmatchcase(url, pattern.rstrip("/") + "/*")
    if pattern == "/":
        return True
    # httpd compares <Location> as a plain prefix (slashes collapsed)
    return url.startswith(pattern) or url.rstrip("/") == pattern.rstrip("/")


def files_matches(pattern: str, regex: bool, basename: str) -> bool:
    if not basename:
        return False
    if regex:
        return regex_search(pattern, basename) is not None
    return fnmatch.fnmatchcase(basename, pattern)


def url_prefix_matches(prefix: str, url: str) -> bool:
    """mod_alias / mod_proxy prefix match on path-segment boundaries."""
    if prefix == "/" or prefix == "":
        return True
    p = prefix.rstrip("/")
    return url == p or url.startswith(p + "/") or url.startswith(prefix)
