"""CORS102 multiple-origins: one ``Access-Control-Allow-Origin`` value that
lists several origins (``"https://a.example.com https://b.example.com"`` or
comma-separated).

The header holds one origin; browsers compare the whole list with the page's
origin and refuse every request. See ``corslint explain CORS102``.
"""

from __future__ import annotations

from .. import engine
from ._base import cors_routes, reporter
from ._origins import acao_texts, branches_with, judge, shown, valid_page_origin

CODE = "CORS102"
NAME = "multiple-origins"
SEVERITY = "error"
CATEGORY = "browser-blocks"
LEVELS = ("error",)
SUMMARY = "Access-Control-Allow-Origin value holding more than one origin"
# What must change, worded per frontend by corslint.fixes.
FIX = "send-one-matched-origin"
report = reporter(CODE, SEVERITY, FIX)


def check(model):
    seen: set[tuple] = set()
    for route in cors_routes(model):
        for h, alt, text in acao_texts(route):
            listed = engine.split_origins(text)
            if len(listed) < 2:
                continue
            where = alt.source(h)
            key = (where, text)
            if key in seen:
                continue
            seen.add(key)
            valid = [o for o in listed if o not in ("*", "null") and engine.origin_value_problem(o) is None]
            origin = valid[0] if valid else valid_page_origin(route)
            branches = branches_with(route, h)
            failure, req = judge(route, branches[0] if branches else None, origin, text)
            yield report(
                f"Access-Control-Allow-Origin value '{shown(alt, text)}' lists {len(listed)} origins, "
                "but the header carries exactly one: browsers compare the whole value and refuse "
                f"every origin, {origin} included.",
                where, failure=failure, request=req, route=route,
                related=[h.source] if where != h.source else (),
            )
