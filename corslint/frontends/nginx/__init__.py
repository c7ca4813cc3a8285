"""nginx frontend: crossplane's parse tree -> policy model.

Encodes the nginx semantics the checks must not need to know:

* includes (globs, paths relative to the including file or the main config's
  directory, absolute paths re-rooted into the linted tree, cycles);
* ``map`` (global to http), ``set`` and ``if`` run per request in the rewrite
  phase; a condition on the Origin forks the request into branches guarded by
  origin tests, a condition on the method is decided per method, any other
  condition is opaque;
* ``add_header`` inheritance: a level with any add_header (an ``if`` included)
  replaces every inherited one; without ``always`` a header is only sent on
  200, 201, 204, 206, 301, 302, 303, 304, 307, 308;
* ``more_set_headers``/``more_clear_headers`` (headers-more);
* ``proxy_pass`` and friends delegate the answer to an upstream that may add its
  own headers unless ``proxy_hide_header`` strips them;
* ``return``/``rewrite ... redirect|permanent`` decide the status in the rewrite
  phase, before auth; ``auth_basic``/``auth_request`` then answer 401 to
  requests without credentials (every preflight); ``limit_except`` denies other
  methods; static files answer anything but GET/HEAD with 405.

The package reads in this order, each module on its own:

* ``recognise``: which files are nginx configuration;
* ``lexer``: nginx tokens as crossplane gives them, faster;
* ``loading``: files -> a tree of directives, includes expanded;
* ``levels``: the http/server/location/if levels a request's settings come from;
* ``values``: nginx variables, the values built from them, `if` tests;
* ``simulation``: one method through one route, path by path, into branches;
* ``build``: files -> routes: servers, locations, method groups, merged branches.
"""

from __future__ import annotations

from .build import NAME, parse_files
from .recognise import recognises

__all__ = ["NAME", "parse_files", "recognises"]
