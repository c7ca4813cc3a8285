"""The CORS engine: the Fetch standard's CORS check and CORS-preflight fetch
over concrete HTTP responses, and a catalogue rendering each failure as the
console text Chromium and Firefox print.

Modules: ``http`` (request/response types, tokens, header lists, max-age),
``origin`` (origins and Access-Control-Allow-Origin values), ``safelist``
(safelisted and forbidden methods and request headers), ``fetch`` (the
algorithms), ``messages`` (failure kinds and browser texts).
"""

from .fetch import (
    Verdict,
    check_cors,
    check_preflight,
    check_redirect,
    follow_redirect,
    is_same_origin,
    needs_preflight,
    request_method,
    request_origin,
    run,
    unsafe_request_header_names,
)
from .http import (
    MAX_AGE_CAP,
    MAX_AGE_DEFAULT,
    CorsRequest,
    HttpResponse,
    honoured_max_age,
    is_token,
    parse_header_list,
    parse_max_age,
)
from .messages import CATALOGUE, Failure, FailureKind
from .origin import (
    Origin,
    display_url,
    origin_value_problem,
    parse_origin,
    parse_url,
    split_origins,
    url_origin,
)
from .safelist import (
    is_cors_safelisted_method,
    is_cors_safelisted_request_header,
    is_forbidden_method,
    is_forbidden_request_header,
    mime_essence,
    normalize_method,
)

__all__ = [
    "CATALOGUE", "MAX_AGE_CAP", "MAX_AGE_DEFAULT", "CorsRequest", "Failure", "FailureKind",
    "HttpResponse", "Origin", "Verdict", "check_cors", "check_preflight", "check_redirect",
    "display_url", "follow_redirect", "honoured_max_age", "is_cors_safelisted_method",
    "is_cors_safelisted_request_header", "is_forbidden_method", "is_forbidden_request_header",
    "is_same_origin", "is_token", "mime_essence", "needs_preflight", "normalize_method",
    "origin_value_problem", "parse_header_list", "parse_max_age", "parse_origin", "parse_url",
    "request_method", "request_origin", "run", "split_origins", "unsafe_request_header_names",
    "url_origin",
]
