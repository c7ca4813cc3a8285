"""The Django (django-cors-headers) frontend: recognition, static
resolution of settings, and what the model says."""

from __future__ import annotations

from corslint.frontends import django, frontend_for
from corslint.lint import lint
from corslint.scenarios import answer
from ruletools import FIXTURES, assert_fixture


def route_of(tmp_path, text, name="settings.py"):
    path = tmp_path / name
    path.write_text(text)
    model = django.parse_files([str(path)])
    assert not [p for p in model.problems if p.fatal], model.problems
    [route] = model.routes
    return route


def acao(route, origin, method="GET"):
    ans = answer(route, method, origin, credentials=True, preflight=method == "OPTIONS")
    return ans.response.get_all("access-control-allow-origin"), ans.response.get_all(
        "access-control-allow-credentials")


def test_allow_all_with_credentials_is_critical_and_names_the_setting_line():
    [finding] = assert_fixture(FIXTURES / "django" / "CORS105" / "allow_all_credentials.py", "CORS105")
    assert finding.severity == "critical"
    assert "with credentials" in finding.message
    assert [r.line for r in finding.related] == [5]  # CORS_ALLOW_CREDENTIALS


def test_value_from_an_environment_default_carries_a_note(tmp_path):
    route = route_of(tmp_path, (
        "import os\n"
        "CORS_ALLOW_ALL_ORIGINS = os.environ.get('CORS_ALL', 'True') == 'True'\n"
        "CORS_ALLOW_CREDENTIALS = True\n"))
    [h] = route.branches[1].emissions("Access-Control-Allow-Origin")
    assert h.note == "CORS_ALLOW_ALL_ORIGINS comes from the default of os.environ.get('CORS_ALL')"
    assert acao(route, "https://evil.example") == (["https://evil.example"], ["true"])


def test_allow_all_without_credentials_answers_star(tmp_path):
    route = route_of(tmp_path, "CORS_ORIGIN_ALLOW_ALL = True\n")
    assert acao(route, "https://evil.example") == (["*"], [])


def test_environment_value_without_default_is_unknown_not_guessed(tmp_path):
    route = route_of(tmp_path, (
        "import os\nCORS_ALLOW_ALL_ORIGINS = os.environ['CORS_ALL'] == '1'\nCORS_ALLOW_CREDENTIALS = True\n"))
    ans = answer(route, "GET", "https://evil.example", credentials=True)
    assert [h.name for h in ans.unknown][:1] == ["Access-Control-Allow-Origin"]
    assert lint([str(tmp_path / "settings.py")]).findings == []


def test_entries_compare_scheme_and_host_as_written(tmp_path):
    route = route_of(tmp_path, (
        "CORS_ALLOWED_ORIGINS = ['https://app.example.com/', 'https://*.example.com', 'example.org']\n"))
    assert acao(route, "https://app.example.com")[0] == ["https://app.example.com"]
    assert acao(route, "https://a.example.com")[0] == []
    assert acao(route, "https://example.org")[0] == []
    assert acao(route, "null")[0] == ["null"]  # no scheme, no host: like 'null'


def test_trailing_slash_entry_is_a_notice_about_the_system_check(tmp_path):
    path = tmp_path / "settings.py"
    path.write_text("CORS_ALLOWED_ORIGINS = [\n    'https://app.example.com/',\n]\nCORS_PREFLIGHT_MAX_AGE = 600\n")
    result = lint([str(path)])
    [notice] = result.problems
    assert not notice.fatal and notice.line == 2
    assert "corsheaders.E014" in notice.message
    assert result.findings == []


def test_regexes_match_at_the_start_only(tmp_path):
    route = route_of(tmp_path, "CORS_ALLOWED_ORIGIN_REGEXES = [r'^https://app\\.example\\.com']\n")
    assert acao(route, "https://app.example.com.evil.example")[0] == ["https://app.example.com.evil.example"]
    assert acao(route, "https://evil.example/https://app.example.com")[0] == []


def test_preflight_is_answered_by_the_middleware_with_its_lists(tmp_path):
    route = route_of(tmp_path, (
        "from corsheaders.defaults import default_headers\n"
        "CORS_ALLOWED_ORIGINS = ['https://app.example.com']\n"
        "CORS_ALLOW_HEADERS = (*default_headers, 'x-api-key')\n"
        "CORS_ALLOW_METHODS = ['GET', 'POST']\n"
        "CORS_PREFLIGHT_MAX_AGE = 3600\n"))
    ans = answer(route, "OPTIONS", "https://app.example.com", preflight=True)
    assert ans.response.status == 200
    r = ans.response
    assert r.get_all("access-control-allow-methods") == ["GET, POST"]
    assert r.get_all("access-control-allow-headers") == [
        "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with, x-api-key"]
    assert r.get_all("access-control-max-age") == ["3600"]
    assert r.get_all("vary") == ["origin"]
    refused = answer(route, "OPTIONS", "https://evil.example", preflight=True).response
    assert not refused.get_all("access-control-allow-methods") and refused.get_all("vary") == ["origin"]


def test_settings_set_under_an_unknown_condition_say_so(tmp_path):
    route = route_of(tmp_path, (
        "import os\nDEBUG = os.environ.get('DEBUG') == '1'\n"
        "if DEBUG:\n    CORS_ALLOW_ALL_ORIGINS = True\n"))
    [h] = route.branches[1].emissions("Access-Control-Allow-Origin")
    assert h.note == "CORS_ALLOW_ALL_ORIGINS is set only if DEBUG"


def test_recognised_by_content(tmp_path):
    plain = tmp_path / "settings.py"
    plain.write_text("DEBUG = True\nINSTALLED_APPS = []\n")
    cors = tmp_path / "production.py"
    cors.write_text("CORS_ALLOWED_ORIGINS = ['https://app.example.com']\n")
    other = tmp_path / "models.py"
    other.write_text("class A: pass\n")
    assert frontend_for(str(plain), named=False) is None
    assert frontend_for(str(cors), named=False) is django
    assert frontend_for(str(other), named=False) is None
    # a settings module without CORS named on the command line is read quietly
    result = lint([str(plain)])
    assert result.problems == [] and result.findings == [] and result.files == [str(plain)]
    result = lint([str(tmp_path)])
    assert result.files == [str(cors)]


def test_syntax_error_is_one_problem_and_other_files_still_lint(tmp_path):
    bad = tmp_path / "bad_settings.py"
    bad.write_text("CORS_ALLOW_ALL_ORIGINS = (\n")
    good = FIXTURES / "django" / "CORS105" / "allow_all_credentials.py"
    result = lint([str(bad), str(good)])
    [problem] = result.problems
    assert problem.fatal and problem.file == str(bad) and "Python syntax error" in problem.message
    assert [f.code for f in result.findings] == ["CORS105"]


def test_preflight_for_an_origin_the_allowlist_never_admits_is_no_finding(tmp_path):
    # scheme-less entries match only 'null': the stand-in page origin gets no
    # Allow-Origin from the view either, so its bare preflight is no CORS30x
    route = route_of(tmp_path, "CORS_ORIGIN_WHITELIST = ('localhost:3000', '127.0.0.1:3000')\n")
    page = "https://app.example.com"
    assert acao(route, page) == ([], []) and acao(route, page, "OPTIONS") == ([], [])
    assert acao(route, "null", "OPTIONS") == (["null"], [])
    findings = lint([str(tmp_path / "settings.py")]).findings
    assert sorted({f.code for f in findings}) == ["CORS101"]   # CORS104 on the same entry is folded in
    assert {g.code for f in findings for g in f.folded} == {"CORS104"}


def test_preflight_from_an_admitted_origin_carries_the_defaults(tmp_path):
    route = route_of(tmp_path, "CORS_ALLOWED_ORIGINS = ['https://app.example.com']\n")
    ans = answer(route, "OPTIONS", "https://app.example.com", preflight=True)
    assert ans.response.status == 200
    assert ans.response.get_all("access-control-allow-methods") == [", ".join(django.DEFAULT_METHODS)]
    assert ans.response.get_all("access-control-allow-headers") == [", ".join(django.DEFAULT_HEADERS)]
    assert ans.response.get_all("access-control-max-age") == ["86400"]
    assert lint([str(tmp_path / "settings.py")]).findings == []
