"""CORS309: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS309/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS309"


def test_messages_and_severities():
    [units] = assert_fixture(FIXTURES / "nginx" / CODE / "nginx_time_units.conf", CODE)
    assert units.severity == "error"
    assert units.message.startswith("Access-Control-Max-Age '10m' is not a number")
    assert "5 seconds" in units.message
    # Silently capped: no browser prints anything.
    assert units.chrome is None and units.firefox is None

    [both] = assert_fixture(FIXTURES / "nginx" / CODE / "preflight_branch_twenty_days.conf", CODE)
    # A cap only makes the browser repeat the preflight sooner: harmless (#20).
    assert both.severity == "info" and "capped by both browsers" in both.message

    [chrome] = assert_fixture(FIXTURES / "nginx" / CODE / "server_level_chrome_cap.conf", CODE)
    assert chrome.severity == "info" and "capped at 7200 s by Chrome" in chrome.message


def test_sent_twice_names_combined_value():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "included_twice", CODE)
    assert "'3600, 600'" in finding.message
    assert [s.file.endswith("snippets/preflight.conf") for s in finding.related] == [True]


def test_a_capped_value_is_one_finding_however_many_places_send_it(tmp_path):
    from corslint.lint import lint

    servers = "".join(f"server {{ listen 80; server_name s{i}.example.com; "
                      f"add_header Access-Control-Allow-Origin https://app.example.com always; "
                      f"add_header Access-Control-Max-Age 86400 always; }}\n" for i in range(5))
    (tmp_path / "nginx.conf").write_text("http {\n" + servers + "}\n")
    findings = [f for f in lint([str(tmp_path / "nginx.conf")]).findings if f.code == CODE]
    assert len(findings) == 1 and findings[0].severity == "info"
    assert [s.line for s in findings[0].related] == [3, 4, 5, 6]


def test_a_library_default_is_not_a_finding(tmp_path):
    # django-cors-headers sends CORS_PREFLIGHT_MAX_AGE = 86400 unasked: nothing
    # the user wrote (#20); the same value written by the user is reported.
    from corslint.lint import lint

    head = ("INSTALLED_APPS = ['corsheaders']\nMIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n"
            "CORS_ALLOWED_ORIGINS = ['https://app.example.com']\n")
    (tmp_path / "settings.py").write_text(head)
    assert [f for f in lint([str(tmp_path / "settings.py")]).findings if f.code == CODE] == []
    (tmp_path / "settings.py").write_text(head + "CORS_PREFLIGHT_MAX_AGE = 86400\n")
    [finding] = [f for f in lint([str(tmp_path / "settings.py")]).findings if f.code == CODE]
    assert finding.line == 4 and finding.severity == "info"
