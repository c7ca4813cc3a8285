"""mod_rewrite: RewriteRule and RewriteCond in server context (before
authentication) and per directory (after it), their flags, env variables
and the Vary they add."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...model import Lit, OriginMatcher, Outcome, Source, Unknown, Value
from .alias import STATUS_WORDS
from .conditions import (
    ConstantCondition,
    OpaqueCondition,
    OriginCondition,
    Condition,
    FALSE,
    TRUE,
    both,
    negated,
    either,
    env_if_then_else,
    fork,
    origin_condition,
)
from .loading import Directive
from .sections import Scope
from .values import capture_value, concat, pcre_to_python, regex_search, valid_regex

if TYPE_CHECKING:
    from .simulation import Path


# httpd variables that stand for parts of the request, in the model's words.
_REQUEST_VARIABLE_MEANINGS = {
    "HTTP_HOST": "host", "SERVER_NAME": "host", "HTTP:HOST": "host",
    "REQUEST_SCHEME": "scheme",
    "REQUEST_URI": "path",
    "QUERY_STRING": "query",
}


class RewriteRules:
    """mod_rewrite; part of Simulation (reads its ``ctx``, ``target``, ``method`` and
    spends its fork budget)."""

    def _rules(self, directives: list[Directive]) -> tuple[bool, list[tuple[list[Directive], Directive]], str]:
        engine = False
        rules: list[tuple[list[Directive], Directive]] = []
        conds: list[Directive] = []
        base = ""
        for d in directives:
            if d.lname == "rewriteengine" and d.args:
                engine = d.args[0].lower() == "on"
            elif d.lname == "rewritecond":
                conds.append(d)
            elif d.lname == "rewriterule":
                rules.append((conds, d))
                conds = []
            elif d.lname == "rewritebase" and d.args:
                base = d.args[0]
        return engine, rules, base

    def _server_rewrite(self, p: Path) -> list[Path]:
        ctx = self.ctx
        directives = list(ctx.server.directives)
        if ctx.inherits:
            opts = " ".join(" ".join(d.args) for d in ctx.server.all("rewriteoptions")).lower()
            if "inherit" in opts:
                directives = directives + [d for d in ctx.main.directives
                                           if d.lname in ("rewritecond", "rewriterule")]
        engine, rules, _ = self._rules(directives)
        if not engine or not rules:
            return [p]
        return self._rewrite(rules, [p], self.target.url, per_dir=False, base="")

    def _perdir_rewrite(self, p: Path, layers: list[Scope]) -> list[Path]:
        engine = False
        chosen: Scope | None = None
        for s in layers:
            if s.kind == "server":
                continue  # a server-context RewriteEngine does not switch per-directory rewriting on
            for d in s.all("rewriteengine"):
                if d.args:
                    engine = d.args[0].lower() == "on"
            if s.all("rewriterule"):
                chosen = s
        if chosen is None or not engine:
            return [p]
        _, rules, base = self._rules(chosen.directives)
        dir_url = perdir_url(self.ctx, chosen)
        url = self.target.url
        subject = url[len(dir_url):] if url.startswith(dir_url) else url.lstrip("/")
        self._perdir_url = dir_url
        return self._rewrite(rules, [p], subject, per_dir=True, base=base)

    def _rule_pattern(self, pattern: str, subject: str, per_dir: bool, nocase: bool) -> Condition:
        negate = pattern.startswith("!")
        if negate:
            pattern = pattern[1:]
        if not valid_regex(pattern):
            return OpaqueCondition(f"the path matches {pattern}")
        samples = self._path_samples(subject, per_dir)
        hits = [regex_search(pattern, s, nocase) is not None for s in samples]
        if all(hits):
            result: Condition = TRUE
        elif self.target.prefix and self._has_own_route(pattern, per_dir):
            result = FALSE   # analysed in the route of its own path
        elif not any(hits) and (not self.target.prefix or not self._could_match(pattern, subject, per_dir)):
            result = FALSE
        else:
            result = OpaqueCondition(f"the path matches {pattern}")
        return negated(result) if negate else result

    def _path_samples(self, subject: str, per_dir: bool) -> list[str]:
        """Request paths this target stands for."""
        if not self.target.prefix:
            return [subject]
        base = subject if subject.endswith("/") or subject == "" else subject + "/"
        return [subject, base + "x", base + "a/b.json", base + "v1/items/1"]

    def _has_own_route(self, pattern: str, per_dir: bool) -> bool:
        """The pattern's literal path prefix is a route of its own (analysed
        there), narrower than this target."""
        m = re.match(r"\^((?:[A-Za-z0-9_\-/]|\\[./-])+)", pattern)
        if not m:
            return False
        literal = m.group(1).replace("\\", "")
        if per_dir:
            # per directory the pattern reads the path below the directory's URL
            literal = self._perdir_url + literal
        return any(u != self.target.url and u.startswith(self.target.url) and literal.startswith(u)
                   for u in self.ctx.target_urls)

    def _could_match(self, pattern: str, subject: str, per_dir: bool) -> bool:
        m = re.match(r"\^((?:[A-Za-z0-9_\-/]|\\[./-])+)", pattern)
        if not m:
            return True
        literal = m.group(1).replace("\\", "")
        if not self.target.prefix:
            return subject.startswith(literal)
        return literal.startswith(subject) or subject.startswith(literal)

    def _rewrite(self, rules, paths: list[Path], subject: str, per_dir: bool, base: str) -> list[Path]:
        done: list[Path] = []
        live = paths
        for conds, rule in rules:
            if not live:
                break
            if len(rule.args) < 2:
                continue
            pattern, subst = rule.args[0], rule.args[1]
            flags = rule_flags(rule.args[2] if len(rule.args) > 2 else "")
            nocase = "nc" in flags or "nocase" in flags
            nxt: list[Path] = []
            for p in live:
                cond = self._rule_pattern(pattern, subject, per_dir, nocase)
                backrefs: dict[int, Value] = {}
                vary_sources: list[Source] = []
                if cond != FALSE:
                    # mod_rewrite reads the conditions only once the pattern matched
                    cond = both(cond, self._conds(conds, p, backrefs, vary_sources))
                # mod_rewrite adds Vary for the request headers its conditions read,
                # and only when the rule applies
                if cond == FALSE:
                    nxt.append(p)
                    continue
                outcome_rule = self._is_outcome_rule(flags, subst)
                if not outcome_rule:
                    # env-only (and internal) rules change env values, not the answer
                    self._apply_env(p, flags, cond, backrefs, rule)
                    p.vary.extend((src, False, cond) for src in vary_sources)
                    stop = ("l" in flags or "last" in flags or "end" in flags) and cond == TRUE
                    (done if stop else nxt).append(p)
                    continue
                for tests, opaque, holds in fork(cond):
                    if not self._spend() and holds and (tests or opaque):
                        continue
                    q = p.fork()
                    q.tests = q.tests + tests
                    q.opaque = q.opaque + opaque
                    if not holds:
                        nxt.append(q)
                        continue
                    self._apply_env(q, flags, TRUE, backrefs, rule)
                    q.vary.extend((src, False, TRUE) for src in vary_sources)
                    if self._apply_outcome(q, rule, pattern, subst, flags, backrefs, base):
                        done.append(q)
                    else:
                        nxt.append(q)
            live = nxt
        return done + live

    def _is_outcome_rule(self, flags: dict[str, str], subst: str) -> bool:
        if any(k in flags for k in ("r", "redirect", "f", "forbidden", "g", "gone", "p", "proxy")):
            return True
        if re.match(r"^[a-z][a-z0-9+.-]*://", subst, re.I):
            return True
        return bool(re.search(r"\.(php\d?|cgi|pl|py|fcgi)(\?|$)", subst))

    def _apply_outcome(self, p: Path, rule: Directive, pattern: str, subst: str, flags: dict[str, str],
                       backrefs: dict[int, Value], base: str) -> bool:
        """Apply a taken rule's effect; True when it ends rewriting with an answer."""
        text = "RewriteRule " + " ".join(rule.args)
        code_text = flags.get("r", flags.get("redirect"))
        if "f" in flags or "forbidden" in flags:
            p.result = Outcome(403, rule.source, reason=f"{text} answers 403")
            return True
        if "g" in flags or "gone" in flags:
            p.result = Outcome(410, rule.source, reason=f"{text} answers 410")
            return True
        if "p" in flags or "proxy" in flags:
            p.handler = Outcome(None, rule.source, delegate="upstream", reason=text,
                                target=subst if "://" in subst else "")
            return True   # [P] implies [L]
        absolute = re.match(r"^[a-z][a-z0-9+.-]*://", subst, re.I) is not None
        if code_text is not None or absolute:
            code = 302
            if code_text:
                word = code_text.lower()
                code = STATUS_WORDS.get(word, None) or (int(code_text) if code_text.isascii() and code_text.isdigit() else 302)
            if 300 <= code < 400:
                location = self._subst_value(subst, backrefs, rule.source, base)
                p.result = Outcome(code, rule.source, location=location, reason=text)
                p.result_local = True
                p.result_by = f"a {code} that mod_rewrite makes itself"
                return True
            # a status outside 3xx: the substitution is dropped, httpd answers it itself
            p.result = Outcome(code, rule.source, reason=text)
            p.result_local = 200 <= code < 300
            p.result_by = f"a {code} that mod_rewrite makes itself"
            return True
        if re.search(r"\.(php\d?|cgi|pl|py|fcgi)(\?|$)", subst):
            p.handler = Outcome(None, rule.source, delegate="app", reason=text)
            return "l" in flags or "last" in flags or "end" in flags
        return False

    def _subst_value(self, subst: str, backrefs: dict[int, Value], source: Source, base: str) -> Value:
        value = self._flag_value(subst, backrefs)
        first = value.parts[0]
        if isinstance(first, Lit) and not re.match(r"^[a-z][a-z0-9+.-]*://", first.text, re.I) \
                and not first.text.startswith("/"):
            value = concat(Value.literal((base.rstrip("/") or "") + "/"), value)
        return value

    def _flag_value(self, subst: str, backrefs: dict[int, Value]) -> Value:
        parts: list[Value] = []
        pos = 0
        for m in re.finditer(r"%\{([^}]*)\}|%(\d)|\$(\d)", subst):
            if m.start() > pos:
                parts.append(Value.literal(subst[pos:m.start()]))
            if m.group(1) is not None:
                parts.append(self._rewrite_var(m.group(1)))
            elif m.group(2) is not None:
                parts.append(backrefs.get(int(m.group(2)), Value((Unknown(f"%{m.group(2)}"),))))
            else:
                parts.append(Value((Unknown("$" + m.group(3)),)))
            pos = m.end()
        if pos < len(subst):
            parts.append(Value.literal(subst[pos:]))
        return concat(*parts) if parts else Value.literal(subst)

    def _rewrite_var(self, name: str) -> Value:
        low = name.lower()
        upper = name.upper()
        if low == "http:origin":
            return Value.origin()
        if upper == "REQUEST_METHOD":
            return Value.literal(self.method)
        if upper == "HTTPS" and self.ctx.server.https is not None:
            return Value.literal("on" if self.ctx.server.https else "off")
        if upper.startswith("ENV:"):
            return Value((Unknown(f"%{{{name}}}"),))
        return Value((Unknown(f"%{{{name}}}", _REQUEST_VARIABLE_MEANINGS.get(upper, "")),))

    def _conds(self, conds: list[Directive], p: Path, backrefs: dict[int, Value],
               vary_sources: list[Source]) -> Condition:
        """The conjunction of a rule's RewriteConds ([OR] joins a cond with the next)."""
        total: Condition = TRUE
        pending_or: Condition | None = None
        for d in conds:
            if total == FALSE:
                break   # httpd stops at the first condition that fails
            if len(d.args) < 2:
                continue
            flags = rule_flags(d.args[2] if len(d.args) > 2 else "")
            c = self._cond(d, flags, p, backrefs, vary_sources)
            if pending_or is not None:
                c = either(pending_or, c)
                pending_or = None
            if "or" in flags or "ornext" in flags:
                pending_or = c
                continue
            total = both(total, c)
        if pending_or is not None:
            total = both(total, pending_or)
        return total

    def _cond(self, d: Directive, flags: dict[str, str], p: Path, backrefs: dict[int, Value],
              vary_sources: list[Source]) -> Condition:
        test, pattern = d.args[0], d.args[1]
        nocase = "nc" in flags or "nocase" in flags
        negate = pattern.startswith("!")
        if negate:
            pattern = pattern[1:]
        text = f"RewriteCond {test} {d.args[1]}"
        subject = self._cond_subject(test)
        if isinstance(subject, list):
            # the request path: decided when every path the target stands for agrees
            if pattern.startswith("-") or pattern[:1] in ("<", ">", "="):
                return OpaqueCondition(text)
            hits = {regex_search(pattern, u, nocase) is not None for u in subject}
            if len(hits) != 1:
                return OpaqueCondition(text)
            c = ConstantCondition(hits.pop())
            return negated(c) if negate else c
        if subject is None:
            return OpaqueCondition(text)
        if pattern.startswith("-") and re.match(r"-[a-zA-Z]+$", pattern):
            return OpaqueCondition(text)
        if subject == "origin":
            vary_sources.append(d.source)
            if pattern.startswith("="):
                exact = pattern[1:].strip('"')
                if exact == "":
                    c: Condition = FALSE
                else:
                    c = OriginCondition(OriginMatcher(exact, "exact-nocase" if nocase else "exact", source=d.source))
            elif pattern[:1] in ("<", ">"):
                return OpaqueCondition(text)
            else:
                if not valid_regex(pattern):
                    return OpaqueCondition(text)
                matcher = OriginMatcher(pcre_to_python(pattern), "pcre-search", nocase, d.source)
                c = origin_condition(matcher)
                if not negate:
                    for group in range(0, 10):
                        try:
                            ngroups = re.compile(pcre_to_python(pattern)).groups
                        except re.error:
                            break
                        if group > ngroups:
                            break
                        _m, val, _rest = capture_value(pattern, group, nocase, d.source)
                        backrefs[group] = val if _rest is None else Value((Unknown(f"%{group}"),))
            return negated(c) if negate else c
        # a concrete subject: decide it
        if pattern.startswith("="):
            same = (subject.lower() == pattern[1:].strip('"').lower()) if nocase else subject == pattern[1:].strip('"')
            c = ConstantCondition(same)
        elif pattern[:1] in ("<", ">"):
            return OpaqueCondition(text)
        else:
            c = ConstantCondition(regex_search(pattern, subject, nocase) is not None)
        return negated(c) if negate else c

    def _cond_subject(self, test: str):
        """'origin', a concrete string, or None (not known statically)."""
        m = re.fullmatch(r"%\{([^}]*)\}", test)
        if not m:
            return None
        name = m.group(1)
        upper = name.upper()
        if upper == "HTTP:ORIGIN":
            return "origin"
        if upper == "REQUEST_METHOD":
            return self.method
        if upper == "HTTPS" and self.ctx.server.https is not None:
            return "on" if self.ctx.server.https else "off"
        if upper.startswith("HTTP_") and upper not in _REWRITE_HTTP_VARS:
            return ""   # mod_rewrite has no such variable: it is empty (HTTP_ORIGIN included)
        if upper == "REQUEST_URI":
            return self._path_samples(self.target.url, False)
        return None

    def _apply_env(self, p: Path, flags: dict[str, str], cond: Condition, backrefs: dict[int, Value], rule: Directive) -> None:
        for spec in flags.get("__env__", []):
            name, _, val = spec.partition(":")
            if name.startswith("!"):
                p.env[name[1:]] = env_if_then_else(cond, None, p.env.get(name[1:]))
                continue
            value = self._flag_value(val, backrefs)
            p.env[name] = env_if_then_else(cond, value, p.env.get(name))


def perdir_url(ctx, scope: Scope) -> str:
    """The URL a per-directory RewriteRule's pattern is relative to: its
    <Directory>'s (or .htaccess's) URL, "/" in a <Location> (the path without
    its leading slash)."""
    if scope.kind in ("directory", "htaccess") and scope.pattern and not scope.regex:
        return ctx._url_for_dir(scope.pattern) or "/"
    return "/"


_REWRITE_HTTP_VARS = {"HTTP_ACCEPT", "HTTP_COOKIE", "HTTP_FORWARDED", "HTTP_HOST", "HTTP_PROXY_CONNECTION",
                      "HTTP_REFERER", "HTTP_USER_AGENT"}


def rule_flags(text: str) -> dict:
    """RewriteRule/RewriteCond flags: ``[R=301,L,E=A:b]`` -> {'r': '301', 'l': '', '__env__': ['A:b']}."""
    out: dict = {}
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return out
    for item in _split_flags(text[1:-1]):
        key, eq, val = item.partition("=")
        key = key.strip().lower()
        if key in ("e", "env"):
            out.setdefault("__env__", []).append(val)
            continue
        out[key] = val if eq else ("" if key not in ("r", "redirect") else "302")
        if key in ("r", "redirect") and not eq:
            out[key] = "302"
    return out


def _split_flags(text: str) -> list[str]:
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        items.append(cur)
    return items
