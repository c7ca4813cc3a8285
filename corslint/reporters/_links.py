"""How a link between a proxy and the app behind it is shown (see
corslint.pipeline.link): one line in text, one object in JSON and SARIF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..textsafe import display_path, printable

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Link, Source


def app_words(link: "Link") -> str:
    """The app as shown: its files that hold CORS settings, else its path."""
    if link.app_files:
        return ", ".join(link.app_files)
    return link.app + (" (sends no CORS header)" if link.app_sends_none else "")


def describe(link: "Link") -> str:
    """``link: deploy/nginx.conf:8 proxy_pass http://api:3000 -> api/server.js
    (docker-compose.yml:8 service api, build ./api)``, escaped."""
    evidence = "; ".join(f"{s.file}:{s.line} {words}" for s, words in link.evidence)
    return printable(f"link: {display_path(link.proxy.file)}:{link.proxy.line} {link.directive} -> "
                     f"{app_words(link)} ({evidence})")


def as_dict(link: "Link", place: Callable[["Source"], dict] | None = None) -> dict:
    """The link as JSON data; ``place`` renders a position (default: file, line, column)."""
    place = place or (lambda s: {"file": s.file, "line": s.line, "column": s.column})
    return {
        "proxy": place(link.proxy),
        "directive": link.directive,
        "target": link.target,
        "app": link.app,
        "app_files": list(link.app_files),
        "app_routes": list(link.app_routes),
        "app_sends_cors": not link.app_sends_none,
        "evidence": [{**place(s), "says": words} for s, words in link.evidence],
    }
