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

The package reads in this order, each module on its own:

* ``recognise``: which files are httpd configuration;
* ``loading``: files -> a tree of directives, includes expanded;
* ``conditions``: conditions on a request, the values they choose, env terms;
* ``values``: httpd regexes and header values;
* ``sections``: servers, virtual hosts and their section scopes;
* ``targets``: the URLs worth a route, and how sections match them;
* ``build``: files -> servers -> routes;
* ``context``: one server: its targets, their merged sections, their routes;
* ``simulation``: one method through one target, made of one part per module:
  ``expressions`` (ap_expr), ``rewrite`` (mod_rewrite), ``alias`` (mod_alias),
  ``access`` (authorization and handlers), ``headers`` (mod_headers, env).
"""

from __future__ import annotations

from .build import parse_files
from .context import NAME
from .recognise import recognises

__all__ = ["NAME", "parse_files", "recognises"]
