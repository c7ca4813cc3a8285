"""ap_expr, the expression language of <If>, SetEnvIfExpr and Header expr=:
a parsed expression becomes a Condition on the request."""

from __future__ import annotations

import fnmatch

from ...model import OriginMatcher, Source
from .conditions import (
    FALSE,
    TRUE,
    Condition,
    ConstantCondition,
    OpaqueCondition,
    OriginCondition,
    both,
    either,
    negated,
    origin_condition,
)
from .loading import load_grammar
from .values import pcre_to_python, regex_search


class ExpressionConditions:
    """ap_expr conditions; part of Simulation (reads its ``method`` and ``ctx``)."""

    def expr_cond(self, text: str, source: Source) -> Condition:
        grammar = load_grammar()
        try:
            tree = grammar.parse_expr(text)
        except grammar.ExprError:
            return OpaqueCondition(f"expression {text}")
        return self._expr(tree, text, source)

    def _expr(self, node, text: str, source: Source) -> Condition:
        kind = node[0]
        if kind == "const":
            return ConstantCondition(node[1])
        if kind == "not":
            return negated(self._expr(node[1], text, source))
        if kind == "and":
            return both(self._expr(node[1], text, source), self._expr(node[2], text, source))
        if kind == "or":
            return either(self._expr(node[1], text, source), self._expr(node[2], text, source))
        if kind == "unary":
            op, word = node[1], node[2]
            subject = self._word(word)
            if subject == "origin":
                if op == "-n":
                    return TRUE      # CORS requests always carry Origin
                if op == "-z":
                    return FALSE
            if isinstance(subject, str) and op in ("-n", "-z"):
                return ConstantCondition(bool(subject) == (op == "-n"))
            return OpaqueCondition(f"expression {text}")
        if kind == "cmp":
            op, left, right = node[1], node[2], node[3]
            a = self._word(left)
            b = self._word(right) if right[0] not in ("regex", "list") else None
            if b == "origin" and a != "origin" and op in ("==", "!="):
                left, right, a, b = right, left, b, a
            if a == "origin":
                return self._origin_cmp(op, right, text, source)
            if a is not None and (b is not None or right[0] in ("regex", "list")):
                return self._const_cmp(a, op, right, b, text)
            return OpaqueCondition(f"expression {text}")
        return OpaqueCondition(f"expression {text}")

    def _word(self, word):
        """'origin' for the Origin header, a string for a value known
        statically, None for anything else."""
        kind = word[0]
        if kind == "str":
            if "%{" in word[1]:
                return None
            return word[1]
        if kind == "var":
            name = word[1]
            low = name.lower()
            if low in ("http:origin", "req:origin", "http:origin", "req_novary:origin"):
                return "origin"
            if low == "request_method":
                return self.method
            if low == "https" and self.ctx.server.https is not None:
                return "on" if self.ctx.server.https else "off"
            return None
        if kind == "func":
            if word[1] in ("req", "http", "req_novary") and word[2] and word[2][0][0] == "str" \
                    and word[2][0][1].lower() == "origin":
                return "origin"
            return None
        return None

    def _origin_cmp(self, op: str, right, text: str, source: Source) -> Condition:
        if op in ("==", "!="):
            if right[0] != "str" or "%{" in right[1]:
                return OpaqueCondition(f"expression {text}")
            if right[1] == "":
                return ConstantCondition(op == "!=")
            return OriginCondition(OriginMatcher(right[1], "exact", source=source), op == "==")
        if op in ("=~", "!~"):
            if right[0] != "regex":
                return OpaqueCondition(f"expression {text}")
            pattern, flags = right[1], right[2]
            pattern = pattern.replace("\\/", "/") if "/" not in pattern.replace("\\/", "") else pattern
            matcher = OriginMatcher(pcre_to_python(pattern), "pcre-search", "i" in flags, source)
            return origin_condition(matcher, op == "=~")
        if op == "in":
            if right[0] != "list":
                return OpaqueCondition(f"expression {text}")
            cond: Condition = FALSE
            for w in right[1]:
                if w[0] != "str":
                    return OpaqueCondition(f"expression {text}")
                cond = either(cond, OriginCondition(OriginMatcher(w[1], "exact", source=source)))
            return cond
        if op in ("-strmatch", "-strcmatch", "-fnmatch"):
            if right[0] != "str":
                return OpaqueCondition(f"expression {text}")
            rx = fnmatch.translate(right[1])
            return OriginCondition(OriginMatcher(rx, "python-match", op == "-strcmatch", source))
        return OpaqueCondition(f"expression {text}")

    def _const_cmp(self, a: str, op: str, right, b: str | None, text: str) -> Condition:
        if op in ("==", "!=") and b is not None:
            return ConstantCondition((a == b) == (op == "=="))
        if op in ("=~", "!~") and right[0] == "regex":
            found = regex_search(right[1], a, "i" in right[2]) is not None
            return ConstantCondition(found == (op == "=~"))
        if op == "in" and right[0] == "list":
            values = [w[1] for w in right[1] if w[0] == "str" and "%{" not in w[1]]
            if len(values) == len(right[1]):
                return ConstantCondition(a in values)
        return OpaqueCondition(f"expression {text}")
