"""CORS105: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS105/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS105"


def test_credentials_make_it_critical():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "reflect_with_credentials.conf", CODE)
    assert finding.severity == "critical"
    assert finding.message == (
        "Access-Control-Allow-Origin reflects the request's Origin unchecked, with credentials: "
        "any site, e.g. https://evil.example, can read authenticated responses."
    )
    # the browser allows it: no console error to quote
    assert finding.chrome is None and finding.firefox is None
    assert [r.line for r in finding.related] == [6]


def test_a_map_default_that_echoes_names_the_default_line():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "map_default_reflects.conf", CODE)
    assert finding.severity == "critical"
    assert "default echoes every origin" in finding.message
    assert 3 in [r.line for r in finding.related]  # the map's default line


def test_without_credentials_an_echo_is_no_finding_but_vary_is_still_checked(tmp_path):
    # An echo without credentials grants what '*' grants (#20): no CORS105;
    # CORS108 still says when Vary: Origin is missing.
    from corslint.lint import lint

    (tmp_path / "nginx.conf").write_text(
        "server {\n    listen 80;\n    location / {\n"
        "        add_header Access-Control-Allow-Origin $http_origin always;\n"
        "        proxy_pass http://127.0.0.1:8000;\n    }\n}\n")
    codes = {f.code for f in lint([str(tmp_path / "nginx.conf")]).findings}
    assert CODE not in codes and "CORS108" in codes


def test_an_echo_behind_a_value_set_elsewhere_is_a_condition_at_info():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "gate_set_elsewhere.conf", CODE)
    assert finding.severity == "info"
    assert "when '$cors = true' holds (set outside what corslint read)" in finding.message
    assert "unless that condition checks the Origin" in finding.message


def test_an_echo_behind_a_request_argument_stays_critical():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "gate_on_request_argument.conf", CODE)
    assert finding.severity == "critical"


def test_an_echo_on_the_preflight_beside_one_on_the_answers_is_one_finding(tmp_path):
    from corslint.lint import lint
    conf = tmp_path / "cors.conf"
    conf.write_text("location /api/ {\n"
                    "    if ($request_method = OPTIONS) {\n"
                    "        add_header Access-Control-Allow-Origin $http_origin;\n"
                    "        add_header Access-Control-Allow-Credentials true;\n"
                    "        return 204;\n"
                    "    }\n"
                    "    add_header Access-Control-Allow-Origin $http_origin;\n"
                    "    add_header Access-Control-Allow-Credentials true;\n"
                    "    proxy_pass http://127.0.0.1:8000;\n"
                    "}\n")
    [finding] = lint([str(conf)], codes=[CODE]).findings
    assert (finding.line, finding.severity) == (7, "critical")
    assert "can read authenticated responses" in finding.message
    assert 3 in {s.line for s in finding.related}
