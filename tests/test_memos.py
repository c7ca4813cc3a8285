"""Memos belong to one lint run: a host that lints config after config (an
editor plugin, a test session) keeps nothing from one to the next."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from corslint import memo
from corslint.lint import lint

ROOT = Path(__file__).resolve().parent.parent


def _module_level_sizes() -> dict[str, int]:
    """The size of every dict, set, list and functools cache held by a
    corslint module."""
    sizes: dict[str, int] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("corslint") or module is None:
            continue
        for attr, value in vars(module).items():
            where = f"{name}.{attr}"
            if isinstance(value, (dict, set, list)):
                sizes[where] = len(value)
            elif callable(getattr(value, "cache_info", None)):
                sizes[where] = value.cache_info().currsize
    return sizes


def _configs(tmp_path: Path, n: int) -> list[Path]:
    """``n`` directories, each with an nginx, an Apache and a Django config
    whose origins, patterns and header values are their own."""
    out = []
    for i in range(n):
        d = tmp_path / f"site{i}"
        d.mkdir()
        (d / "nginx.conf").write_text(textwrap.dedent(f"""\
            http {{
                map $http_origin $cors_{i} {{
                    default "";
                    "~^https://(www|api){i}\\.example{i}\\.com$" $http_origin;
                    "~*^https://.*\\.tenant{i}\\.example$" $http_origin;
                }}
                server {{
                    listen 80;
                    server_name api{i}.example.org;
                    location /api{i}/ {{
                        add_header Access-Control-Allow-Origin $cors_{i} always;
                        add_header Access-Control-Allow-Headers "X-Token-{i}, Content-Type" always;
                        add_header Access-Control-Max-Age {600 + i};
                        proxy_pass http://127.0.0.1:{9000 + i};
                    }}
                }}
            }}
            """))
        (d / "httpd.conf").write_text(textwrap.dedent(f"""\
            <VirtualHost *:80>
                SetEnvIf Origin "^https://app{i}\\.example\\.net$" ORIGIN_OK=$0
                Header always set Access-Control-Allow-Origin "%{{ORIGIN_OK}}e" env=ORIGIN_OK
                Header always set Access-Control-Allow-Methods "GET, POST, X-{i}"
            </VirtualHost>
            """))
        (d / "settings.py").write_text(textwrap.dedent(f"""\
            INSTALLED_APPS = ["corsheaders"]
            MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]
            CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\\w+\\.django{i}\\.example$"]
            CORS_ALLOW_CREDENTIALS = True
            """))
        out.append(d)
    return out


def test_linting_config_after_config_keeps_nothing_at_module_level(tmp_path):
    first, *others = _configs(tmp_path, 13)
    warm = lint([str(ROOT / "samples"), str(first)])   # every frontend and rule loaded
    assert warm.findings
    before = _module_level_sizes()
    results = [lint([str(d)]) for d in others]
    assert all(r.findings for r in results)  # they were linted, with findings of their own
    assert len({f.message for r in results for f in r.findings}) > len(others)
    after = _module_level_sizes()
    grown = {k: (before.get(k, 0), v) for k, v in after.items() if v > before.get(k, 0)}
    assert grown == {}, f"module-level containers grew while linting: {grown}"


def test_the_memos_of_a_run_live_in_its_tables_and_go_with_it(tmp_path):
    (site,) = _configs(tmp_path, 1)
    assert not memo.active()
    with memo.run():
        result = lint([str(site)])   # a run inside a run shares the outer one's tables
        tables = memo.table("origin finders")
        assert tables, "the allowlist entries' finders were kept in the run's tables"
        assert memo.active()
    assert not memo.active()
    assert memo.table("origin finders") == {}  # outside a run: nothing kept
    # nor on the model the result carries: its routes and branches hold no answers
    assert result.findings and result.model.routes
    assert all(not route.memo for route in result.model.routes)
    assert all("answers" not in vars(b) for route in result.model.routes for b in route.branches)
    memo.table("origin finders")["x"] = 1
    assert memo.table("origin finders") == {}


def test_a_per_run_function_answers_the_same_and_keeps_nothing_after():
    calls = []

    @memo.per_run
    def double(x):
        calls.append(x)
        return (x, x)

    with memo.run():
        assert double(2) is double(2)   # the same immutable answer, worked out once
        assert calls == [2]
    assert double(2) == (2, 2)
    assert calls == [2, 2]              # the run's memo went with it


def test_shared_analyses_are_frozen():
    import dataclasses

    import pytest

    from corslint import allowlist
    from corslint.model import OriginMatcher

    analysis = allowlist.analyse(OriginMatcher(r"^https://.*\.example\.com", "pcre-search"))
    assert analysis.best() is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.attacks = ()  # type: ignore[misc]
    assert isinstance(analysis.attacks, tuple) and isinstance(analysis.meant, tuple)
