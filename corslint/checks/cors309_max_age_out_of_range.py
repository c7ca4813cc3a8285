"""CORS309 max-age-out-of-range: ``Access-Control-Max-Age`` that browsers do
not honour as written.

* not a non-negative integer (``10m``, ``1.5``, ``600, 600`` from two
  emissions): ignored, the preflight is cached for the default 5 seconds
  (error; a negative value, often meant as "do not cache", is a warning);
* above 7200: Chrome caps it at 7200 seconds, and above 86400 Firefox as
  well: harmless (the preflight is only repeated sooner), so info, and once
  per value however many places send it.

Values corslint cannot resolve are left alone, and so is a value the user did
not write (a library's own default, such as django-cors-headers' 86400). No
console message follows any of these; see ``corslint explain CORS309``.
"""

from __future__ import annotations

from .. import engine

from ._base import all_emissions, preflight_answers, reporter

CODE = "CORS309"
NAME = "max-age-out-of-range"
SEVERITY = "error"
CATEGORY = "performance"
LEVELS = ("info", "warning", "error")
SUMMARY = "Access-Control-Max-Age that is not a non-negative integer or above what browsers honour"
# What must change, worded per frontend by corslint.fixes.
FIX = "max-age-in-range"
report = reporter(CODE, SEVERITY, FIX)

ACMA = "access-control-max-age"
CHROME_CAP = engine.MAX_AGE_CAP["chrome"]
FIREFOX_CAP = engine.MAX_AGE_CAP["firefox"]


def check(model):
    seen = set()
    capped: dict[int, tuple] = {}   # seconds -> (route, first emission, other places)
    for route, h in all_emissions(model, ACMA):
        if h.library_default:
            continue  # nothing the user wrote
        for alt in h.value.alternatives():
            text = alt.literal_text
            if text is None or (h.source, text) in seen:
                continue  # a variable corslint cannot resolve: say nothing
            seen.add((h.source, text))
            value = engine.http.strip_ows(text)
            if not value:
                continue  # nginx sends no header for an empty value
            seconds, problem = engine.parse_max_age(value)
            if problem is None and seconds > CHROME_CAP:
                _, first, others = capped.setdefault(seconds, (route, h, []))
                if h.source != first.source and h.source not in others:
                    others.append(h.source)
                continue
            if problem is not None:
                yield _invalid(route, h, value, problem)
    for seconds, (route, h, others) in capped.items():
        yield _capped(route, h, seconds, others)
    yield from _sent_twice(model)


def _capped(route, h, seconds, others):
    """One info finding per value above a browser's cap, the other places
    that send it as related: the preflight is only repeated sooner."""
    if seconds > FIREFOX_CAP:
        message = (f"Access-Control-Max-Age {seconds} is capped by both browsers: Chrome keeps the "
                   f"preflight for at most {CHROME_CAP} s and Firefox for at most {FIREFOX_CAP} s.")
    else:
        message = (f"Access-Control-Max-Age {seconds} is capped at {CHROME_CAP} s by Chrome; only "
                   f"Firefox (up to {FIREFOX_CAP} s) honours it.")
    return report(message, h.source, level="info", route=route, related=others)


def _invalid(route, h, value, problem):
    """A value browsers ignore: negative (often meant as "do not cache"), or
    not a whole number of seconds."""
    if problem == "is negative":
        return report(
            f"Access-Control-Max-Age '{value}' is negative: browsers ignore it and cache the "
            f"preflight for their default {engine.MAX_AGE_DEFAULT} seconds; send 0 to disable "
            "preflight caching.",
            h.source, level="warning", route=route,
        )
    return report(
        f"Access-Control-Max-Age '{value}' {problem}: browsers accept only a whole number of "
        f"seconds, ignore it, and cache the preflight for only {engine.MAX_AGE_DEFAULT} seconds.",
        h.source, route=route,
    )


def _sent_twice(model):
    """Two Max-Age fields on one preflight answer reach the browser as one
    value 'a, b', which is not a number."""
    for route, origin, ans in preflight_answers(model):
        if len(ans.response.get_all(ACMA)) < 2:
            continue
        sent = [h for h, _ in ans.sent if h.lname == ACMA]
        combined = ans.response.combined(ACMA)
        times = "twice" if len(sent) == 2 else f"{len(sent)} times"
        yield report(
            f"Access-Control-Max-Age is sent {times} on one preflight answer, which "
            f"browsers read as '{combined}', not a number of seconds: they ignore it and "
            f"cache the preflight for only {engine.MAX_AGE_DEFAULT} seconds.",
            sent[-1].source, route=route, related=[x.source for x in sent[:-1]],
        )
