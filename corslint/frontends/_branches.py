"""Merging the branches of one route that differ only in their methods, for
every frontend that simulates a route method by method (nginx, Apache)."""

from __future__ import annotations

import dataclasses
from operator import attrgetter

from ..model import Branch

# Fields that describe a branch rather than decide what it answers: branches
# equal in everything else are one branch, described as the first of them.
# Any other field, one added later included, keeps branches apart.
_DESCRIPTIVE = frozenset({"methods", "auth_what", "source", "label"})
_answer = attrgetter(*(f.name for f in dataclasses.fields(Branch) if f.name not in _DESCRIPTIVE))


def merge_branches(branches: list[Branch]) -> list[Branch]:
    """``branches`` with those that answer alike joined into one for all
    their methods, in first-seen order; every other field is the first one's."""
    merged: list[Branch] = []
    keys: list[tuple] = []
    for b in branches:
        key = _answer(b)
        for i, m in enumerate(merged):
            if keys[i] == key:
                merged[i] = dataclasses.replace(
                    m, methods=(m.methods or frozenset()) | (b.methods or frozenset()))
                break
        else:
            merged.append(b)
            keys.append(key)
    return merged
