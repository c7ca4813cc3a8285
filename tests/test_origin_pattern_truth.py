"""An allowlist pattern that wants a '/' after the host admits no origin: the
real packages agree (django-cors-headers and Flask-CORS run ``re.match``,
Starlette ``re.fullmatch``, the cors package ``RegExp.test``), and corslint
reports it as one CORS101 naming the origin it evidently means (#20).

The requests go through tests/test_framework_truth.py's runners: the real
package, in-process or under node, nothing installed here."""

from __future__ import annotations

import pytest

from corslint.lint import lint
from test_framework_truth import FIXTURES, Req, _needs_node, assert_agrees, run

MEANT = "https://app.example.com"
CASES = [
    ("django", FIXTURES / "django" / "CORS101" / "regex_wants_a_slash.py"),
    ("flask", FIXTURES / "flask" / "CORS101" / "regex_wants_a_slash.py"),
    ("starlette", FIXTURES / "starlette" / "CORS101" / "regex_wants_a_path.py"),
    ("express", FIXTURES / "express" / "CORS101" / "regex_wants_a_slash.js"),
]


@pytest.mark.parametrize("framework,path", [pytest.param(fw, p, marks=_needs_node(fw)) for fw, p in CASES],
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_a_pattern_that_wants_a_slash_lets_no_origin_in(framework, path):
    # the meant origin, with and without a preflight, gets no header from the real package
    for req, real in zip([Req(MEANT), Req(MEANT, True)], run(framework, path, [Req(MEANT), Req(MEANT, True)])):
        assert real.get("access-control-allow-origin") == [], (req, real)
    # and corslint's model predicts exactly what the package sends
    assert_agrees(framework, path, extra=(MEANT,))
    [finding] = [f for f in lint([str(path)]).findings if f.code == "CORS101"]
    assert "matches no origin at all" in finding.message and MEANT in finding.message
