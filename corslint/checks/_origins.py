"""Access-Control-Allow-Origin values: what each emission can send, as the
value rules (CORS101, CORS102) read them, and the browser's verdict on one."""

from __future__ import annotations

import re
from typing import Iterator

from .. import engine
from ..model import Alternative, Branch, HeaderEmission, OriginRef, Route, Unknown
from ..scenarios import DEFAULT_PAGE_ORIGIN, answer_branch, intended_origins, per_route, request
from ._base import emissions_named

ACAO = "access-control-allow-origin"


def concrete_text(alt: Alternative, route: Route) -> str | None:
    """The text of an alternative as a browser receives it (spaces and tabs
    around it dropped): literal text, or with the Origin of the route's page
    filled in where the value mixes the Origin with literal text. None when
    corslint cannot know it, or when it is the Origin alone (always valid)."""
    parts = alt.value.parts
    if any(isinstance(p, Unknown) for p in parts) or alt.is_pure_reflection:
        return None
    text = alt.value.evaluate(valid_page_origin(route))
    if text is None:
        return None
    return engine.http.strip_ows(text)


@per_route
def valid_page_origin(route: Route) -> str:
    """An origin the route means to allow that a browser could really send
    (not a loopback one when there is a choice), else a stand-in."""
    valid = [o for o in intended_origins(route) if engine.origin_value_problem(o) is None and o != "null"]
    remote = [o for o in valid if not re.match(r"https?://(localhost|127\.|\[::1\])", o)]
    return (remote or valid or [DEFAULT_PAGE_ORIGIN])[0]


def acao_texts(route: Route) -> Iterator[tuple[HeaderEmission, Alternative, str]]:
    """(emission, alternative, text) for every concrete value an ACAO emission
    of ``route`` can send."""
    for h in emissions_named(route, ACAO):
        for alt in h.value.sourced_alternatives():
            text = concrete_text(alt, route)
            if text is None or (text == "" and h.omit_if_empty):
                continue
            yield h, alt, text


def shown(alt: Alternative, text: str) -> str:
    """The value as the finding names it: the text, or its rendering when part
    of it is the request's Origin."""
    if any(isinstance(p, OriginRef) for p in alt.value.parts):
        return alt.value.render().strip(" \t")
    return text


def branches_with(route: Route, emission: HeaderEmission) -> list[Branch]:
    """Branches sending ``emission``, those answering GET first."""
    found = [b for b in route.branches if any(h.source == emission.source and h.raw == emission.raw
                                              for h in b.headers)]
    return sorted(found, key=lambda b: not (b.methods is None or "GET" in b.methods))


def judge(route: Route, branch: Branch | None, origin: str, text: str | None = None,
          credentials: bool = False):
    """(failure, request) for a request from ``origin`` answered by ``branch``.

    With ``text`` the verdict is about that ACAO value: when the branch's real
    answer does not carry exactly that one value (another origin test, a
    status the header is not sent on), a plain 200 answer carrying it is
    judged instead."""
    method, preflight = "GET", False
    if branch is not None and branch.methods is not None and "GET" not in branch.methods:
        others = sorted(m for m in branch.methods if m != "OPTIONS")
        if others:
            method = others[0]
        else:
            method, preflight = "PUT", True
    response = None
    if branch is not None:
        ans = answer_branch(branch, origin, credentials=credentials, preflight=preflight)
        response = ans.response
        if text is not None and response.get_all(ACAO) != [text]:
            response = None
    if response is None:
        headers = ((("Access-Control-Allow-Origin", text),) if text is not None else ())
        if credentials:
            headers += (("Access-Control-Allow-Credentials", "true"),)
        if preflight:
            headers += (("Access-Control-Allow-Methods", method),)
        response = engine.HttpResponse(204 if preflight else 200, headers)
    req = request(route, origin, method=method, credentials=credentials)
    failure = engine.check_preflight(req, response) if preflight else engine.check_cors(req, response)
    return failure, req
