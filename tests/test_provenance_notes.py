"""A finding about a value a frontend resolved from a default says so."""

from corslint.lint import lint


def test_value_from_environment_default_is_named(tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text(
        "import os\n"
        "INSTALLED_APPS = ['corsheaders']\n"
        "CORS_ALLOW_ALL_ORIGINS = os.environ.get('CORS_ALL', 'True') == 'True'\n"
        "CORS_ALLOW_CREDENTIALS = True\n"
    )
    result = lint([str(settings)])
    [finding] = [f for f in result.findings if f.code == "CORS105"]
    assert finding.severity == "critical"
    assert finding.line == 3
    assert "CORS_ALL" in finding.message and "default" in finding.message
