"""Which files are nginx configuration: by name and directory in a walk, by
content when a file is named on the command line."""

from __future__ import annotations

import os
import re


NGINX_HINTS = re.compile(
    r"^[^\S\n]*(server\s*\{|location\s|add_header\s|more_set_headers\s|proxy_pass\s|listen\s|"
    r"server_name\s|http\s*\{|map\s+\$|root\s|include\s|return\s|worker_processes|events\s*\{|"
    r"if\s*\(|fastcgi_pass|upstream\s)",
    re.M,
)


NGINX_NAMES = re.compile(r"(^|/)(nginx\.conf|.*\.nginx|.*\.conf|.*\.vhost|default)$")
NGINX_DIRS = ("sites-available", "sites-enabled", "conf.d", "snippets", "nginx", "vhosts.d")


def recognises(path: str, text: str | None = None, named: bool = False) -> bool:
    """Directory walks take files that look like nginx; a file named on the
    command line is taken unless it is evidently something else."""
    norm = path.replace(os.sep, "/")
    base = os.path.basename(norm)
    if base.endswith((".py", ".js", ".ts", ".json", ".yaml", ".yml", ".md", ".toml", ".txt",
                      ".htaccess")) or base == ".htaccess":
        return False
    in_nginx_dir = any(f"/{d}/" in f"/{norm}" for d in NGINX_DIRS)
    nginx_name = bool(NGINX_NAMES.search(norm) or in_nginx_dir or base.endswith((".tmpl", ".template")))
    if not nginx_name and not named:
        return False
    if text is None:
        if not os.path.isfile(path):
            return named  # a FIFO or device: reading it to sniff would consume or block it
        try:
            with open(path, "rb") as fh:
                head = fh.read(65536)
        except OSError:
            return named
        text = head.decode("utf-8", "replace")
    text = text.replace("\r\n", "\n")   # CRLF files are recognised as their LF twins are
    if "<VirtualHost" in text or "<Directory" in text or re.search(r"^[^\S\n]*Header\s+(always\s+)?set", text, re.M | re.I):
        return False  # Apache
    if NGINX_HINTS.search(text):
        return True
    # A named file with an nginx-like name is taken as nginx (its parse error
    # is the useful answer); any other name needs at least one directive line.
    return named and (nginx_name or bool(_DIRECTIVE_LINE.search(text)))


_DIRECTIVE_LINE = re.compile(r"^[^\S\n]*[a-z_][a-z0-9_]*(\s+[^=\n]*)?;\s*(#.*)?$", re.M)
