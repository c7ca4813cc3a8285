"""Which files are Apache httpd configuration: .htaccess always, others by
their httpd directives outnumbering nginx-looking lines."""

from __future__ import annotations

import os
import re
import stat


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
    text = text.replace("\r\n", "\n")   # CRLF files are told apart as their LF twins are
    apache = len(_APACHE_LINE.findall(text))
    if not apache:
        return False
    nginx = len(_NGINX_LINE.findall(text))
    return apache > nginx
