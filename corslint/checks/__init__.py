"""The rule registry: one module per rule, each with CODE, NAME, SEVERITY,
SUMMARY and a ``check(model)`` generator yielding findings.

Checks see only the policy model (and the CORS engine); never a server's syntax.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# code -> module name inside corslint.checks. Codes are product API: never renumber.
REGISTRY: dict[str, str] = {
    "CORS101": "cors101_invalid_origin_value",
    "CORS102": "cors102_multiple_origins",
    "CORS103": "cors103_duplicate_allow_origin",
    "CORS104": "cors104_null_origin_allowed",
    "CORS105": "cors105_reflected_origin",
    "CORS106": "cors106_permissive_origin_pattern",
    "CORS107": "cors107_insecure_origin_trusted",
    "CORS108": "cors108_missing_vary_origin",
    "CORS201": "cors201_wildcard_with_credentials",
    "CORS202": "cors202_invalid_credentials_value",
    "CORS203": "cors203_wildcard_ignored_with_credentials",
    "CORS204": "cors204_inconsistent_credentials",
    "CORS301": "cors301_preflight_not_handled",
    "CORS302": "cors302_preflight_requires_auth",
    "CORS303": "cors303_preflight_redirect",
    "CORS304": "cors304_preflight_missing_allow_origin",
    "CORS305": "cors305_method_not_allowed",
    "CORS306": "cors306_header_not_allowed",
    "CORS307": "cors307_invalid_method_token",
    "CORS308": "cors308_invalid_header_token",
    "CORS309": "cors309_max_age_out_of_range",
    "CORS401": "cors401_headers_dropped_by_inheritance",
    "CORS402": "cors402_headers_missing_on_errors",
    "CORS403": "cors403_cross_origin_redirect",
    "CORS404": "cors404_redirect_with_userinfo",
}

_loaded: dict[str, ModuleType] = {}


def load(code: str) -> ModuleType:
    if code not in _loaded:
        _loaded[code] = importlib.import_module(f"{__name__}.{REGISTRY[code]}")
    return _loaded[code]


def all_rules() -> list[ModuleType]:
    return [load(code) for code in REGISTRY]
