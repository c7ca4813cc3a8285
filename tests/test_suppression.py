"""corslint.suppression: inline ``corslint: disable`` comments."""

from __future__ import annotations

import pytest

from corslint.findings import Finding
from corslint.model import Source
from corslint.suppression import ALL, directive_codes, filter_suppressed, split_suppressed


def f(code="CORS201", file="nginx.conf", line=3, via=()):
    return Finding(code=code, message="m", severity="error", source=Source(file, line, 1, via=via))


@pytest.mark.parametrize("line, filename, expected", [
    ("add_header A *; # corslint: disable=CORS201", "nginx.conf", {"CORS201"}),
    ("# corslint: disable=CORS201,CORS105", "nginx.conf", {"CORS201", "CORS105"}),
    ("#corslint:disable = cors201 , cors105  -- reason", "x.conf", {"CORS201", "CORS105"}),
    ("    # corslint: disable", ".htaccess", ALL),
    ("# corslint: disable  because legacy", "app.py", ALL),
    ("# TODO fix; corslint: disable=CORS2", "app.py", {"CORS2"}),
    ("add_header A *;", "nginx.conf", None),
    ("# corslint: enable=CORS201", "nginx.conf", None),
    ("# corslint: disabled", "nginx.conf", None),
    ("# corslint: disable-next-line", "nginx.conf", None),
    ("corslint: disable=CORS201", "nginx.conf", None),        # not in a comment
    ("// corslint: disable=CORS201", "nginx.conf", None),     # not nginx comment syntax
    ("app.use(cors()); // corslint: disable=CORS105", "server.js", {"CORS105"}),
    ("/* corslint: disable=CORS105 */", "server.ts", {"CORS105"}),
    ("app.use(cors()); # corslint: disable=CORS105", "server.js", None),
])
def test_directive_codes(line, filename, expected):
    got = directive_codes(line, filename)
    if expected is ALL:
        assert got is ALL
    else:
        assert got == (frozenset(expected) if expected is not None else None)


TEXT = """\
server {
    # corslint: disable=CORS201
    add_header Access-Control-Allow-Origin *;
    add_header Access-Control-Allow-Credentials true; # corslint: disable=CORS202
    add_header X 1;
    # corslint: disable=CORS1

    add_header Y 1;
}
"""


def test_on_line_and_line_above_but_not_two_above():
    texts = {"nginx.conf": TEXT}
    findings = [
        f("CORS201", line=3),   # line above
        f("CORS202", line=4),   # same line
        f("CORS202", line=5),   # line above (line 4's trailing comment)
        f("CORS201", line=4),   # line 4 names only CORS202; line 3 has none
        f("CORS105", line=7),   # line above names CORS1 prefix
        f("CORS105", line=8),   # two lines above: not suppressed
    ]
    kept, suppressed = split_suppressed(findings, texts)
    assert [(x.code, x.line) for x in kept] == [("CORS201", 4), ("CORS105", 8)]
    assert len(suppressed) == 4


def test_reads_file_when_text_missing(tmp_path):
    path = tmp_path / "site.conf"
    path.write_text("a;\nb; # corslint: disable=CORS201\n")
    assert filter_suppressed([f(file=str(path), line=2)], {}) == []
    assert filter_suppressed([f(file=str(path), line=1)]) != []


def test_unreadable_file_suppresses_nothing(tmp_path):
    finding = f(file=str(tmp_path / "gone.conf"), line=1)
    assert filter_suppressed([finding], {}) == [finding]


def test_included_file_uses_its_own_text():
    main = "include cors.conf; # corslint: disable=CORS201\n"
    inc = "add_header A *;\n"
    finding = f(file="cors.conf", line=1, via=(Source("main.conf", 1, 1),))
    # The comment in main.conf at the include line does not cover cors.conf:1.
    assert filter_suppressed([finding], {"main.conf": main, "cors.conf": inc}) == [finding]
    inc2 = "# corslint: disable=CORS201\nadd_header A *;\n"
    finding2 = f(file="cors.conf", line=2, via=(Source("main.conf", 1, 1),))
    assert filter_suppressed([finding2], {"main.conf": main, "cors.conf": inc2}) == []


def test_line_out_of_range_and_zero():
    texts = {"nginx.conf": "# corslint: disable\n"}
    assert filter_suppressed([f(line=0), f(line=99)], texts) == [f(line=0), f(line=99)]
    assert filter_suppressed([f(line=2)], texts) == []  # line 2 (past EOF-ish) has line 1 above
