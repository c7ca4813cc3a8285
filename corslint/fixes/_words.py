"""Small helpers the wording modules share."""

from __future__ import annotations

from ..findings import FixIntent


def methods_or(intent: FixIntent, example: tuple[str, ...] = ("PUT", "DELETE")) -> tuple[str, ...]:
    """The methods the intent names, or an example list."""
    return intent.methods or example


def headers_or(intent: FixIntent, example: tuple[str, ...] = ("Authorization", "Content-Type")) -> tuple[str, ...]:
    return intent.headers or example


def named(values: tuple[str, ...]) -> str:
    """'DELETE' / 'PUT and DELETE': the values in running text."""
    words = list(values)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def py_list(values, quote: str = '"') -> str:
    return "[" + ", ".join(f"{quote}{v}{quote}" for v in values) + "]"


def js_list(values) -> str:
    return py_list(values, "'")


def joined(base: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    """``base`` then whatever of ``extra`` it lacks (names compared without case)."""
    seen = {v.lower() for v in base}
    return base + tuple(v for v in dict.fromkeys(extra) if v.lower() not in seen)
