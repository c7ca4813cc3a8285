"""CORS404: what tests/test_fixtures.py cannot say about its fixtures (messages,
severities, browser texts, related lines). The fixtures themselves, for every
frontend, are tests/fixtures/<frontend>/CORS404/ and run in tests/test_fixtures.py."""

from ruletools import FIXTURES, assert_fixture

CODE = "CORS404"


def test_finding_carries_engine_texts_and_hides_the_password():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "return_userinfo.conf", CODE)
    assert finding.severity == "error"
    assert "s3cret" not in finding.message
    assert "(reports:***@files.example.com)" in finding.message
    assert finding.chrome == (
        "Access to fetch at 'https://api.example.com/exports/' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: Redirect location '' contains a username and password, "
        "which is disallowed for cross-origin requests."
    )
    assert "(Reason: CORS request did not succeed)" in finding.firefox


def test_user_name_alone_counts():
    [finding] = assert_fixture(FIXTURES / "nginx" / CODE / "preflight_branch.conf", CODE)
    assert "carries a user name (mirror@legacy.example.com)" in finding.message
