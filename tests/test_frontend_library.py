"""The shared framework-library shape (corslint/frontends/_library.py): a new
library is a LibrarySemantics table plus a reader; library_route writes the
Route. These tests build a route for an invented library from a table alone
and check what the table's choices do to the model."""

from __future__ import annotations

import pytest

from corslint.frontends import django, express, flask, starlette
from corslint.frontends._appmodel import OriginPolicy
from corslint.frontends._library import (
    ALLOW_HEADERS,
    ALLOWED_ORIGINS,
    CREDENTIALS,
    EVERY_ORIGIN,
    METHODS,
    ORIGIN,
    VARY,
    VARY_UNLESS_STAR,
    WILDCARD_ECHO_WITH_CREDENTIALS,
    CorsSettings,
    LibrarySemantics,
    Written,
    library_route,
)
from corslint.model import Source

AT = Source("app.py", 3, 1)
GOOD = "https://app.example"
EVIL = "https://evil.example"


def _table(**changes) -> LibrarySemantics:
    fields = dict(
        library="toy-cors 1.0", frontend="toy", setting_names={"origins": ("origins",)},
        defaults={"methods": ("GET", "POST")}, policy_kinds=frozenset({"star", "reflect", "list"}),
        exact_engine="exact", regex_engine="python-fullmatch", wildcard=WILDCARD_ECHO_WITH_CREDENTIALS,
        headers_to=ALLOWED_ORIGINS, vary_origin=VARY_UNLESS_STAR, preflight_status=204,
        preflight_reason="toy-cors answers preflights ({status})", app_label="handler", app_reason="the handler",
        actual_order=(ORIGIN, CREDENTIALS, VARY), preflight_order=(ORIGIN, CREDENTIALS, METHODS, ALLOW_HEADERS, VARY))
    fields.update(changes)
    return LibrarySemantics(**fields)


def _route(table: LibrarySemantics, **settings):
    policy = OriginPolicy("list", AT, matchers=[table.exact(GOOD, AT)])
    values = dict(origin=policy, credentials=Written("true", AT),
                  methods=Written(", ".join(table.defaults["methods"]), AT),
                  allow_headers=Written("content-type", AT))
    values.update(settings)
    return library_route(table, CorsSettings(**values), name="toy", anchor=AT)


def _sent(branch, origin: str) -> dict[str, str]:
    out = {}
    for e in branch.headers:
        value = e.value.evaluate(origin)
        if value:
            out[e.name] = value
    return out


def test_a_table_and_settings_make_the_preflight_and_application_branches():
    route = _route(_table())
    preflight, app = route.branches
    assert (preflight.outcome.status, preflight.outcome.reason) == (204, "toy-cors answers preflights (204)")
    assert app.outcome.delegate == "app" and app.label == "handler"
    assert [e.name for e in preflight.headers] == [
        "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers", "Vary"]
    assert _sent(preflight, GOOD)["Access-Control-Allow-Methods"] == "GET, POST"
    assert route.frontend == "toy"


def test_headers_to_decides_what_an_origin_that_is_not_allowed_gets():
    only_allowed = _route(_table(headers_to=ALLOWED_ORIGINS)).branches[1]
    every = _route(_table(headers_to=EVERY_ORIGIN)).branches[1]
    assert "Access-Control-Allow-Credentials" not in _sent(only_allowed, EVIL)
    assert _sent(every, EVIL)["Access-Control-Allow-Credentials"] == "true"
    assert _sent(only_allowed, GOOD)["Access-Control-Allow-Origin"] == GOOD


def test_wildcard_rule_and_credentials():
    table = _table()
    assert table.wildcard_policy(AT, echo=True, unknown_what="?").kind == "reflect"
    assert table.wildcard_policy(AT, echo=False, unknown_what="?").kind == "star"
    assert table.wildcard_policy(AT, echo=None, unknown_what="creds unknown").what == "creds unknown"


def test_a_policy_kind_the_library_does_not_have_is_refused():
    with pytest.raises(ValueError, match="no 'fixed' origin policy"):
        _route(_table(), origin=OriginPolicy("fixed", AT, fixed=GOOD))


def test_an_unknown_header_slot_is_refused():
    with pytest.raises(ValueError, match="unknown header slots"):
        _table(actual_order=(ORIGIN, "allow-origin"))


@pytest.mark.parametrize("frontend", [django, flask, starlette, express], ids=lambda m: m.NAME)
def test_every_framework_frontend_has_a_table_naming_its_library_and_version(frontend):
    table = frontend.SEMANTICS
    assert table.frontend == frontend.NAME
    assert any(part[0].isdigit() for part in table.library.split()), table.library
    assert table.setting_names and table.defaults
    with pytest.raises(TypeError):
        table.defaults["x"] = 1  # shared by every run: read-only
