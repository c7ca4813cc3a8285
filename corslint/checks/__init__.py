"""The rule registry, built from the rule modules themselves.

A rule is one module ``corsNNN_<name>.py`` that declares everything about it:

* ``CODE`` (``CORS201``; product API, never renumbered) and ``NAME``;
* ``SEVERITY``, the level of its findings unless a finding says otherwise, and
  ``LEVELS``, every level its findings can have (``SEVERITY`` among them);
* ``CATEGORY``: ``security`` (an origin gets in that should not; SARIF gives
  these a ``security-severity``), ``browser-blocks`` (browsers refuse requests
  the config means to allow) or ``performance``;
* ``SUMMARY``, one line for ``corslint rules``, the README and SARIF;
* ``check(model)``, a generator of findings.

Its documentation page ``corslint/rule_docs/<CODE>.md`` repeats code, name,
severity and category in its header (tests/test_rule_catalogue.py keeps page,
README table and modules in step).

Importing this package imports every rule, and through them the model and the
CORS engine: commands that need no rule (``--version``, ``--help``) do not
import it. Adding a rule: write the module, add it to the two lists below.
"""

from __future__ import annotations

import importlib.resources
from types import ModuleType

from . import (
    cors101_invalid_origin_value,
    cors102_multiple_origins,
    cors103_duplicate_allow_origin,
    cors104_null_origin_allowed,
    cors105_reflected_origin,
    cors106_permissive_origin_pattern,
    cors107_insecure_origin_trusted,
    cors108_missing_vary_origin,
    cors109_misspelled_cors_name,
    cors201_wildcard_with_credentials,
    cors202_invalid_credentials_value,
    cors203_wildcard_ignored_with_credentials,
    cors204_inconsistent_credentials,
    cors301_preflight_not_handled,
    cors302_preflight_requires_auth,
    cors303_preflight_redirect,
    cors304_preflight_missing_allow_origin,
    cors305_method_not_allowed,
    cors306_header_not_allowed,
    cors307_invalid_method_token,
    cors308_invalid_header_token,
    cors309_max_age_out_of_range,
    cors401_headers_dropped_by_inheritance,
    cors402_headers_missing_on_errors,
    cors403_cross_origin_redirect,
    cors404_redirect_with_userinfo,
)

# In catalogue order: `corslint rules` and SARIF list the rules in this order.
RULES: tuple[ModuleType, ...] = (
    cors101_invalid_origin_value,
    cors102_multiple_origins,
    cors103_duplicate_allow_origin,
    cors104_null_origin_allowed,
    cors105_reflected_origin,
    cors106_permissive_origin_pattern,
    cors107_insecure_origin_trusted,
    cors108_missing_vary_origin,
    cors109_misspelled_cors_name,
    cors201_wildcard_with_credentials,
    cors202_invalid_credentials_value,
    cors203_wildcard_ignored_with_credentials,
    cors204_inconsistent_credentials,
    cors301_preflight_not_handled,
    cors302_preflight_requires_auth,
    cors303_preflight_redirect,
    cors304_preflight_missing_allow_origin,
    cors305_method_not_allowed,
    cors306_header_not_allowed,
    cors307_invalid_method_token,
    cors308_invalid_header_token,
    cors309_max_age_out_of_range,
    cors401_headers_dropped_by_inheritance,
    cors402_headers_missing_on_errors,
    cors403_cross_origin_redirect,
    cors404_redirect_with_userinfo,
)

REGISTRY: dict[str, ModuleType] = {rule.CODE: rule for rule in RULES}

# What a category means; SARIF's `security-severity` goes to "security" only.
CATEGORIES = ("security", "browser-blocks", "performance")


def load(code: str) -> ModuleType:
    """The rule module of ``code`` (KeyError for an unknown code)."""
    return REGISTRY[code]


def all_rules() -> list[ModuleType]:
    return list(RULES)


def doc_page(code: str) -> str:
    """The rule's documentation page (``corslint/rule_docs/<CODE>.md``), shipped
    with the package: a missing page is a packaging error, not a fallback."""
    return importlib.resources.files("corslint").joinpath("rule_docs", f"{code}.md").read_text(
        encoding="utf-8")
