"""nginx variables and what the simulation builds from them: values made of
literal text and variables, map keys and `if` tests decided on known text."""

from __future__ import annotations

import re

from ... import memo, regexlang
from ...regexlang import pcre_to_python
from ...model import Lit, OriginMap, Value


VARIABLE_REFERENCE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
# nginx variables that stand for parts of the request, in the model's words.
REQUEST_VARIABLE_MEANINGS = {
    "host": "host", "http_host": "host", "server_name": "host",
    "scheme": "scheme",
    "request_uri": "path", "uri": "path", "document_uri": "path",
    "args": "query", "is_args": "query", "query_string": "query",
}


@memo.per_run
def literal_value(text: str) -> Value:
    return Value((Lit(text),))


@memo.per_run
def variables_in(text: str) -> tuple[str, ...]:
    """The variables ``text`` names, in order ($name and ${name})."""
    return tuple(m.group(1) or m.group(2) for m in VARIABLE_REFERENCE.finditer(text))


def substitute_map(value: Value, omap: OriginMap, replacement: Value) -> Value:
    parts: list = []
    for part in value.parts:
        if part is omap or part == omap:
            parts.extend(replacement.parts)
        else:
            parts.append(part)
    return Value(tuple(parts) if parts else (Lit(""),))


def parse_if_test(args: list[str]):
    """An `if` condition's operator and operand in the form if_test_holds takes."""
    op, operand = args[1], args[2]
    if op in ("=", "!="):
        return ("eq", operand, op == "!=")
    if op in ("~", "~*", "!~", "!~*"):
        return ("re", operand, op.startswith("!"), op.endswith("*"))
    return None


def if_test_holds(text: str, test) -> bool:
    """The `if` test (None: the bare variable) holds for a variable whose value is ``text``."""
    if test is None:
        return text not in ("", "0")
    if test[0] == "eq":
        return (text == test[1]) != test[2]
    # bounded cost: a pattern beyond corslint's limits matches nothing
    found = regexlang.bounded(pcre_to_python(test[1]), bool(test[3]), True).run("search", text) is not None
    return found != test[2]


# Variables whose value is the request path: it always starts with '/'.
PATH_VARIABLES = frozenset({"uri", "request_uri", "document_uri"})


def matches_every_path(pattern: str, ignore_case: bool = False) -> bool:
    """A PCRE ``pattern`` (a rewrite's, or an `if` test's on the path) finds a
    match in every request path: a request's path always starts with '/',
    so ``/(.*)``, ``^`` or ``.*`` leave no request out."""
    return regexlang.matches_every_text(pcre_to_python(pattern), "/", ignore_case)


def map_key_matches(key: str, text: str) -> bool:
    """A `map` key (exact, ``~`` regex or ``~*`` caseless regex) matches ``text``."""
    if key.startswith("~*"):
        return regexlang.bounded(pcre_to_python(key[2:]), True, True).run("search", text) is not None
    if key.startswith("~"):
        return regexlang.bounded(pcre_to_python(key[1:]), False, True).run("search", text) is not None
    return key.lower() == text.lower()




# Variables the request itself sets (ngx_http_variables.c and the core
# module's request-derived ones): a condition on them is one any page meets.
_REQUEST_VARIABLE = re.compile(r"^(?:arg_|http_|cookie_|sent_http_|request|uri$|args$|query_string$|"
                               r"is_args$|host$|scheme$|remote_|content_|document_uri$|binary_remote_addr$)")


def config_gates(conditions: tuple[str, ...]) -> tuple[str, ...]:
    """The conditions that test only variables the request does not set (so
    a value from configuration corslint may not have read)."""
    out = []
    for text in conditions:
        names = variables_in(text)
        if names and not any(_REQUEST_VARIABLE.match(n) for n in names):
            out.append(text)
    return tuple(out)
