"""One root cause, one finding (corslint/pipeline/fold.py).

The browser stops at the first failing step of a request and prints that one
message; one directive is one finding wherever it is in effect; an allowlist
entry that admits every origin is a reflection, reported once. Each case is
a whole lint run on a config, asserted on code, file, line, message and
related places."""

from __future__ import annotations

import json

from corslint.findings import (
    STEP_ACTUAL,
    STEP_PREFLIGHT_CORS_CHECK,
    STEP_PREFLIGHT_HEADERS,
    STEP_PREFLIGHT_METHOD,
    BrowserStop,
    Finding,
)
from corslint.lint import lint
from corslint.model import Source
from corslint.pipeline import fold
from corslint.pipeline.report import note_for
from corslint.reporters import json as json_reporter


def _run(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    result = lint([str(path)])
    return str(path), result, result.findings


def _lines(sources) -> list[int]:
    return [s.line for s in sources]


# ---------------------------------------------------------------- the browser stops at the first failure

PREFLIGHT_HIDES_ORIGIN = """\
server {
    listen 80;
    server_name api.example.com;
    location / {
        add_header Access-Control-Allow-Origin "https://app.example.com" always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Methods "GET, POST, PUT" always;
            add_header Access-Control-Allow-Headers "X-Token" always;
            return 204;
        }
        proxy_set_header X-Token $http_x_api_key;
        proxy_pass http://127.0.0.1:8000;
    }
}
"""


def test_header_list_failure_behind_a_preflight_without_allow_origin_is_part_of_it(tmp_path):
    # The preflight has no Access-Control-Allow-Origin (CORS304): Chrome and
    # Firefox print that and stop; the Allow-Headers list on line 8 (it lacks
    # X-Api-Key, which the config reads) is never judged until that is fixed.
    path, _, findings = _run(tmp_path, "nginx.conf", PREFLIGHT_HIDES_ORIGIN)
    assert [f.code for f in findings if f.code.startswith("CORS3")] == ["CORS304"]
    [cors304] = [f for f in findings if f.code == "CORS304"]
    assert (cors304.file, cors304.line, cors304.severity) == (path, 7, "error")
    assert cors304.message.startswith("The preflight answer (204) carries no Access-Control-Allow-Origin")
    assert "; once it is fixed, it stops at CORS306 at line 8 (Access-Control-Allow-Headers on the " \
           "preflight answer ('X-Token') lacks " in cors304.message
    assert "X-Api-Key" in cors304.message and "the config reads the X-Api-Key request header" in cors304.message
    assert 8 in _lines(cors304.related)
    # one or more (one per missing header, or one naming them all)
    assert {(f.code, f.line) for f in cors304.folded} == {("CORS306", 8)}
    assert "No 'Access-Control-Allow-Origin' header" in cors304.chrome  # what the browser says: the first failure


def test_the_same_header_failure_without_the_earlier_one_is_its_own_finding(tmp_path):
    fixed = PREFLIGHT_HIDES_ORIGIN.replace(
        '            add_header Access-Control-Allow-Methods',
        '            add_header Access-Control-Allow-Origin "https://app.example.com" always;\n'
        '            add_header Access-Control-Allow-Methods')
    _, _, findings = _run(tmp_path, "nginx.conf", fixed)
    [cors306] = [f for f in findings if f.code == "CORS306" and "X-Api-Key" in f.message]
    assert cors306.line == 9
    assert not [f for f in findings if f.code == "CORS304"]


WILDCARD_PREFLIGHT = """\
server {
    listen 80;
    server_name api.example.com;
    location / {
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin "*";
            add_header Access-Control-Allow-Credentials "true";
            add_header Access-Control-Allow-Methods "GET, POST, PUT";
            return 204;
        }
        proxy_pass http://127.0.0.1:8000;
    }
}
"""


def test_wildcard_with_credentials_on_the_preflight_stands_for_the_lists_behind_it(tmp_path):
    _, _, findings = _run(tmp_path, "nginx.conf", WILDCARD_PREFLIGHT)
    assert [(f.code, f.line) for f in findings] == [("CORS201", 6)]
    [cors201] = findings
    assert cors201.message.startswith("Access-Control-Allow-Origin is '*' while Access-Control-Allow-Credentials")
    assert "it stops at CORS306 at line 9" in cors201.message
    assert _lines(cors201.related) == [7, 9, 8]   # ACAC, then what CORS306 pointed at and its evidence


def test_a_credentials_failure_does_not_stop_requests_made_without_credentials(tmp_path):
    # 'Access-Control-Allow-Credentials: 1' on the preflight fails credentialed
    # requests only; the route never grants credentials, so its requests are
    # made without them and the missing Allow-Headers is theirs to hit.
    text = WILDCARD_PREFLIGHT.replace('"*"', '"https://app.example.com"').replace('"true"', '"1"').replace(
        "        proxy_pass", '        add_header Access-Control-Allow-Origin "https://app.example.com" always;\n'
                              "        proxy_pass")
    _, _, findings = _run(tmp_path, "nginx.conf", text)
    codes = {(f.code, f.line) for f in findings}
    assert ("CORS202", 7) in codes and ("CORS306", 9) in codes
    assert all(not f.folded for f in findings)


WILDCARD_ON_BOTH = """\
server {
    listen 80;
    server_name api.example.com;
    location /api/ {
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin "*" always; add_header Access-Control-Allow-Credentials "true" always;
            add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE" always;
            add_header Access-Control-Allow-Headers "Content-Type, Authorization" always;
            return 204;
        }
        add_header Access-Control-Allow-Origin "*" always;
        add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE" always;
        root /srv;
    }
}
"""


def test_inconsistent_credentials_beside_wildcard_with_credentials_is_one_finding(tmp_path):
    # CORS204 (credentials on the preflight only) predicts the browser's
    # "'*' with credentials" failure: CORS201's cause, on the same route.
    _, _, findings = _run(tmp_path, "nginx.conf", WILDCARD_ON_BOTH)
    assert [(f.code, f.line, f.severity) for f in findings] == [("CORS201", 6, "error")]
    [cors201] = findings
    assert 11 in _lines(cors201.related)
    assert [(f.code, f.line) for f in cors201.folded] == [("CORS204", 11)]
    assert "CORS204 at line 11" in cors201.message


# ---------------------------------------------------------------- one directive, one finding

SERVER_LEVEL_ECHO = """\
server {
    listen 80;
    server_name api.example.com;
    add_header Access-Control-Allow-Origin $http_origin always;
    add_header Access-Control-Allow-Credentials "true" always;
    add_header Vary Origin always;
    location /a/ { proxy_pass http://127.0.0.1:8000; proxy_hide_header Access-Control-Allow-Origin; }
    location /b/ { proxy_pass http://127.0.0.1:8001; proxy_hide_header Access-Control-Allow-Origin; }
    location /c/ { proxy_pass http://127.0.0.1:8002; proxy_hide_header Access-Control-Allow-Origin; }
    location /d/ { add_header X-Other 1; proxy_pass http://127.0.0.1:8003; }
}
"""


def test_a_server_level_directive_is_one_finding_naming_the_locations_it_affects(tmp_path):
    path, result, findings = _run(tmp_path, "nginx.conf", SERVER_LEVEL_ECHO)
    [cors105] = [f for f in findings if f.code == "CORS105"]
    assert (cors105.file, cors105.line, cors105.severity) == (path, 4, "critical")
    # the credentials line, then the three locations the echo is in effect in
    # (/d/ has add_header of its own: the server-level ones do not reach it)
    assert _lines(cors105.related) == [5, 7, 8, 9]
    doc = json.loads(json.dumps(json_reporter.document(result, findings)))
    [entry] = [f for f in doc["findings"] if f["code"] == "CORS105"]
    assert [r["line"] for r in entry["related"]] == [5, 7, 8, 9]


def test_findings_several_routes_make_at_one_place_merge_their_related_places():
    at = Source("x.conf", 4, 5)
    a = Finding("CORS108", "Vary is missing on route one.", at, "warning", route="one",
                related=(Source("x.conf", 9, 1),), route_at=Source("x.conf", 7, 5))
    b = Finding("CORS108", "Vary is missing on route two.", at, "warning", route="two",
                related=(Source("x.conf", 12, 1),), route_at=Source("x.conf", 10, 5))
    [merged] = fold.merge([a, b], None)
    assert merged.message == a.message
    assert _lines(merged.related) == [9, 12, 7, 10]


def test_findings_differing_only_by_their_route_s_name_are_one():
    at = Source("x.conf", 4, 5)
    a = Finding("CORS402", "Errors of api.example.com location /a/ lack the header.", at, "warning",
                route="api.example.com location /a/", route_at=Source("x.conf", 7, 5))
    b = Finding("CORS402", "Errors of api.example.com location /b/ lack the header.", at, "error",
                route="api.example.com location /b/", route_at=Source("x.conf", 8, 5))
    other = Finding("CORS402", "Errors of api.example.com location /b/ lack the header.",
                    Source("x.conf", 5, 5), "warning", route="api.example.com location /b/")
    merged = fold.merge([a, b, other], None)
    assert [(f.line, f.severity, f.message) for f in merged] == [
        (4, "error", a.message), (5, "warning", other.message)]
    assert _lines(merged[0].related) == [7, 8]


# ---------------------------------------------------------------- an entry that admits every origin

SETENVIF_CATCH_ALL = """\
<VirtualHost *:80>
    ServerName api.example.com
    <Location /api/>
        ProxyPass http://127.0.0.1:9000/api/
        SetEnvIf Origin "(.+)" CORS_ORIGIN=$1
        Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
        Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN
        Header always merge Vary Origin
    </Location>
</VirtualHost>
"""


def test_setenvif_catch_all_is_one_reflection_finding(tmp_path):
    _, _, findings = _run(tmp_path, "httpd.conf", SETENVIF_CATCH_ALL)
    security = [f for f in findings if f.code in ("CORS104", "CORS105", "CORS106")]
    assert [(f.code, f.line, f.severity) for f in security] == [("CORS105", 6, "critical")]
    [cors105] = security
    assert cors105.message.startswith("Access-Control-Allow-Origin reflects the request's Origin unchecked, "
                                      "with credentials")
    assert 5 in _lines(cors105.related)  # the SetEnvIf line
    assert sorted(f.code for f in cors105.folded) == ["CORS104", "CORS106"]


CATCH_ALL_IF = """\
server {
    listen 80;
    server_name api.example.com;
    location /api/ {
        if ($http_origin ~* "(.+)") {
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Vary Origin always;
        }
        proxy_hide_header Access-Control-Allow-Origin;
        proxy_pass http://127.0.0.1:8000;
    }
}
"""


def test_a_catch_all_origin_regex_with_credentials_is_one_critical_finding(tmp_path):
    _, _, findings = _run(tmp_path, "nginx.conf", CATCH_ALL_IF)
    security = [f for f in findings if f.code in ("CORS104", "CORS105", "CORS106")]
    assert [(f.code, f.line, f.severity) for f in security] == [("CORS106", 5, "critical")]
    assert "accepts any origin, 'null' included" in security[0].message
    assert [f.code for f in security[0].folded] == ["CORS104"]


def test_a_catch_all_origin_regex_without_credentials_grants_what_a_wildcard_grants(tmp_path):
    # CORS105's page: an echo without credentials grants exactly what '*'
    # grants. The regex admitting everyone is that echo; CORS108 still says
    # where 'Vary: Origin' is missing.
    text = CATCH_ALL_IF.replace("            add_header Access-Control-Allow-Credentials true always;\n", "")
    _, _, findings = _run(tmp_path, "nginx.conf", text)
    assert not [f for f in findings if f.code in ("CORS104", "CORS105", "CORS106")]
    assert [f.code for f in findings if f.code == "CORS108"] == ["CORS108"]


def test_null_in_a_narrow_allowlist_is_still_its_own_finding(tmp_path):
    text = CATCH_ALL_IF.replace('"(.+)"', '"^(https://app\\.example\\.com|null)$"')
    _, _, findings = _run(tmp_path, "nginx.conf", text)
    assert [(f.code, f.line) for f in findings if f.code == "CORS104"] == [("CORS104", 5)]


# ---------------------------------------------------------------- the mechanism on its own


def _stop(step: int, *, on_preflight: bool = True, credentials: bool = False,
          credentials_only: bool = False, kind: str = "x") -> BrowserStop:
    return BrowserStop(kind=kind, step=step, on_preflight=on_preflight,
                       origin="https://app.example.com", credentials=credentials,
                       credentials_only=credentials_only)


def _finding(code, line, severity, stop, route="r"):
    return Finding(code, f"{code} message.", Source("x.conf", line, 1), severity, route=route,
                   route_at=Source("x.conf", 1, 1), stop=stop)


def test_a_conditional_finding_folds_nothing():
    warning = _finding("CORS303", 3, "warning", _stop(0))
    later = _finding("CORS305", 5, "error", _stop(STEP_PREFLIGHT_METHOD))
    assert [f.code for f in fold.fold([warning, later], None)] == ["CORS303", "CORS305"]


def test_the_earliest_failure_stands_for_every_later_one_of_the_same_preflight():
    first = _finding("CORS304", 3, "error", _stop(STEP_PREFLIGHT_CORS_CHECK))
    method = _finding("CORS305", 5, "error", _stop(STEP_PREFLIGHT_METHOD))
    header = _finding("CORS306", 6, "warning", _stop(STEP_PREFLIGHT_HEADERS))
    other_route = _finding("CORS306", 9, "error", _stop(STEP_PREFLIGHT_HEADERS), route="s")
    actual = _finding("CORS402", 7, "warning", _stop(STEP_ACTUAL, on_preflight=False))
    out = fold.fold([first, method, header, other_route, actual], None)
    assert [(f.code, f.line) for f in out] == [("CORS304", 3), ("CORS306", 9), ("CORS402", 7)]
    assert [(f.code, f.line) for f in out[0].folded] == [("CORS305", 5), ("CORS306", 6)]
    spelled = fold.spell(out[0])
    assert spelled.message == (
        "CORS304 message. The browser stops there and reports nothing else for these requests; once "
        "it is fixed, it stops at CORS305 at line 5 (CORS305 message); and CORS306 at line 6 (CORS306 "
        "message).")


# ---------------------------------------------------------------- provenance notes


def test_a_default_note_goes_only_to_the_finding_about_that_value(tmp_path):
    # No MIDDLEWARE: every default django-cors-headers sends points at the
    # settings' first CORS line, where the allow-all switch is too.
    settings = tmp_path / "settings.py"
    settings.write_text("CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n")
    [finding] = lint([str(settings)]).findings
    assert (finding.code, finding.line) == ("CORS105", 1)
    assert finding.message == ("Access-Control-Allow-Origin reflects the request's Origin unchecked, with "
                               "credentials: any site, e.g. https://evil.example, can read authenticated "
                               "responses.")


def test_note_for_picks_the_value_the_message_names():
    at = Source("settings.py", 1, 1)
    notes = {at: [("Access-Control-Allow-Origin", ""),
                  ("Access-Control-Max-Age", "CORS_PREFLIGHT_MAX_AGE is not set: the default")]}
    about_age = Finding("CORS309", "Access-Control-Max-Age 86400 is capped.", at, "info")
    about_origin = Finding("CORS105", "Access-Control-Allow-Origin reflects.", at, "critical")
    assert note_for(about_age, notes) == "CORS_PREFLIGHT_MAX_AGE is not set: the default"
    assert note_for(about_origin, notes) == ""
    alone = {at: [("Access-Control-Allow-Origin", "the default of config('X')")]}
    assert note_for(about_origin, alone) == "the default of config('X')"


PASTED_IN_EACH_IF = """\
server {
    listen 80;
    location /api/ {
        if ($request_method = 'OPTIONS') {
            add_header Access-Control-Allow-Origin '*';
            add_header Access-Control-Allow-Credentials 'true';
            return 204;
        }
        if ($request_method = 'GET') {
            add_header Access-Control-Allow-Origin '*';
            add_header Access-Control-Allow-Credentials 'true';
        }
        if ($request_method = 'POST') {
            add_header Access-Control-Allow-Origin '*';
            add_header Access-Control-Allow-Credentials 'true';
        }
        proxy_pass http://127.0.0.1:8000;
    }
}
"""


def test_one_mistake_pasted_into_each_if_of_a_location_is_one_finding(tmp_path):
    _, _, findings = _run(tmp_path, "nginx.conf", PASTED_IN_EACH_IF)
    [cors201] = [f for f in findings if f.code == "CORS201"]
    assert cors201.line == 5
    assert {10, 14} <= set(_lines(cors201.related))


def test_the_same_mistake_in_two_locations_stays_two_findings(tmp_path):
    two = PASTED_IN_EACH_IF.replace("    location /api/ {", "    location /a/ {\n"
                                    "        add_header Access-Control-Allow-Origin '*';\n"
                                    "        add_header Access-Control-Allow-Credentials 'true';\n"
                                    "        proxy_pass http://127.0.0.1:8000;\n    }\n    location /api/ {")
    _, _, findings = _run(tmp_path, "nginx.conf", two)
    assert len([f for f in findings if f.code == "CORS201"]) == 2


def test_what_a_permissive_pattern_also_admits_is_part_of_its_finding(tmp_path):
    # one unanchored pattern: evil suffixes (CORS106) and the http:// twin
    # (CORS107) are both its fault, and anchoring it with the scheme fixes both
    text = ("if ($http_origin ~* (.*\\.wildsong.biz)) {\n"
            "    add_header Access-Control-Allow-Origin \"$http_origin\";\n"
            "    add_header Access-Control-Allow-Credentials true;\n"
            "    add_header Vary Origin;\n}\n")
    _, _, findings = _run(tmp_path, "cors.conf", text)
    [cors106] = [f for f in findings if f.line == 1]
    assert cors106.code == "CORS106" and cors106.severity == "critical"
    assert [(f.code, f.line) for f in cors106.folded] == [("CORS107", 1)]
    assert "CORS107 at line 1" in cors106.message


def test_an_invalid_entry_that_admits_only_null_is_one_finding(tmp_path):
    # '*' in django-cors-headers' exact list: no wildcard (CORS101), and the
    # Origin 'null' is the one it lets in (CORS104): one entry, one fix
    settings = tmp_path / "settings.py"
    settings.write_text("INSTALLED_APPS = ['corsheaders']\n"
                        "MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n"
                        "CORS_ALLOWED_ORIGINS = ['*']\n")
    from corslint.lint import lint
    findings = lint([str(settings)]).findings
    assert [(f.code, f.line) for f in findings] == [("CORS101", 3)]
    assert [(g.code, g.line) for g in findings[0].folded] == [("CORS104", 3)]
