"""corslint.config: discovery, parsing, validation, rule selection, path globs."""

from __future__ import annotations


import pytest

from corslint import config
from corslint.checks import REGISTRY
from corslint.config import ConfigError


def test_no_config_found(tmp_path, monkeypatch):
    monkeypatch.setattr(config.Path, "is_file", lambda self: False)
    assert config.find_config(tmp_path) is None
    cfg = config.discover_config(tmp_path)
    assert cfg.path is None and cfg.root == tmp_path.resolve()
    assert cfg.select is None and cfg.ignore == [] and cfg.exclude == [] and cfg.per_file_ignores == {}


def test_discovers_pyproject_upward(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.corslint]\nselect = ["CORS1", "CORS201"]\nignore = "CORS104,CORS107"\n'
        'min-severity = "warning"\nformat = "json"\nexclude = ["vendor"]\n'
        '[tool.corslint.per-file-ignores]\n"legacy/*" = ["CORS2"]\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert config.find_config() == (tmp_path / "pyproject.toml").resolve()
    cfg = config.discover_config()
    assert cfg.path == (tmp_path / "pyproject.toml").resolve()
    assert cfg.root == tmp_path.resolve()
    assert cfg.select == ["CORS1", "CORS201"]
    assert cfg.ignore == ["CORS104", "CORS107"]
    assert cfg.min_severity == "warning"
    assert cfg.format == "json"
    assert cfg.exclude == ["vendor"]
    assert cfg.per_file_ignores == {"legacy/*": ["CORS2"]}


def test_pyproject_without_section_is_skipped(tmp_path, monkeypatch):
    (tmp_path / ".corslint.toml").write_text('ignore = ["CORS309"]\n')
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(sub)
    assert config.find_config() == (tmp_path / ".corslint.toml").resolve()
    assert config.discover_config().ignore == ["CORS309"]


def test_nearest_wins(tmp_path, monkeypatch):
    (tmp_path / ".corslint.toml").write_text('ignore = ["CORS309"]\n')
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.corslint]\nignore = ["CORS101"]\n')
    monkeypatch.chdir(sub)
    assert config.discover_config().ignore == ["CORS101"]


def test_dotfile_beats_pyproject_in_same_dir(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.corslint]\nignore = ["CORS101"]\n')
    (tmp_path / ".corslint.toml").write_text('ignore = ["CORS102"]\n')
    monkeypatch.chdir(tmp_path)
    assert config.discover_config().ignore == ["CORS102"]


def test_underscore_keys_accepted(tmp_path):
    path = tmp_path / ".corslint.toml"
    path.write_text('min_severity = "error"\n')
    assert config.load_config(path).min_severity == "error"


@pytest.mark.parametrize("text, needle", [
    ("select = [", "invalid TOML"),
    ("colour = true\n", "unknown key 'colour'"),
    ('select = ["XYZ"]\n', "unknown rule code or prefix 'XYZ'"),
    ("select = 3\n", "must be a string or a list of strings"),
    ('min-severity = "fatal"\n', "must be one of info, warning, error, critical"),
    ("format = 1\n", "format must be a string"),
    ('exclude = [1]\n', "exclude must be a string or a list"),
    ('per-file-ignores = "x"\n', "per-file-ignores must be a table"),
    ('[per-file-ignores]\n"*.conf" = ["BAD"]\n', "'BAD'"),
])
def test_bad_config(tmp_path, text, needle):
    path = tmp_path / ".corslint.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        config.load_config(path)
    assert needle in str(info.value)
    assert str(path) in str(info.value)


def test_bad_pyproject_section(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool]\ncorslint = 3\n')
    with pytest.raises(ConfigError, match="must be a table"):
        config.load_config(path)


def test_broken_pyproject_mentioning_us_is_reported(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.corslint]\nselect = [\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="invalid TOML"):
        config.discover_config()


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        config.load_config(tmp_path / "nope.toml")


# ---------------------------------------------------------------- selection


def test_split_codes():
    assert config.split_codes(["CORS1,cors201", " CORS3 , "]) == ["CORS1", "CORS201", "CORS3"]


def test_validate_codes():
    config.validate_codes(["CORS", "CORS1", "CORS201", "ALL"])
    with pytest.raises(ConfigError):
        config.validate_codes(["CORS5"])


ALL = list(REGISTRY)


def fam(prefix):
    return [c for c in ALL if c.startswith(prefix)]


@pytest.mark.parametrize("layers, expected", [
    ([], ALL),
    ([(None, [])], ALL),
    ([(["CORS1"], [])], fam("CORS1")),
    ([(None, ["CORS1", "CORS3"])], fam("CORS2") + fam("CORS4")),
    ([(["CORS2"], ["CORS201"])], [c for c in fam("CORS2") if c != "CORS201"]),
    ([(["CORS201"], ["CORS2"])], ["CORS201"]),             # more specific select wins
    ([(["CORS201"], ["CORS201"])], []),                    # a tie goes to ignore
    ([(["ALL"], ["CORS4"])], fam("CORS1") + fam("CORS2") + fam("CORS3")),
    ([(None, ["CORS1"]), (None, ["CORS2"])], fam("CORS3") + fam("CORS4")),  # ignores add up
    ([(None, ["CORS1"]), (["CORS1"], [])], fam("CORS1")),  # a later select replaces
    ([(["CORS3"], []), (None, ["CORS301"])], [c for c in fam("CORS3") if c != "CORS301"]),
])
def test_resolve_codes(layers, expected):
    assert config.resolve_codes(layers) == expected


# ---------------------------------------------------------------- globs


@pytest.mark.parametrize("path, pattern, matches", [
    ("conf/vendor/a.conf", "vendor", True),
    ("conf/vendor/a.conf", "vendor/", True),
    ("conf/vendor/a.conf", "conf/vendor", True),
    ("conf/vendor/a.conf", "./conf/vendor/*", True),
    ("conf/vendor/a.conf", "**/vendor/*.conf", True),
    ("conf/vendors/a.conf", "vendor", False),
    ("x/conf/vendor/a.conf", "**/conf/vendor", True),
    ("x/conf/vendor/a.conf", "conf/vendor", False),
    ("conf/old.bak.conf", "*.bak.conf", True),
    ("conf/old.conf", "*.bak.conf", False),
    ("a/b/c.conf", "a/*.conf", True),          # * crosses /
    ("a/b/c.conf", "b/*.conf", False),         # patterns with / are anchored
    ("settings.py", "*.py", True),
])
def test_path_matches(tmp_path, monkeypatch, path, pattern, matches):
    monkeypatch.chdir(tmp_path)
    assert config.path_matches(path, pattern, tmp_path) is matches


def test_path_matches_absolute_against_root(tmp_path):
    path = str(tmp_path / "conf" / "legacy" / "x.conf")
    assert config.path_matches(path, "conf/legacy/*", tmp_path)
    assert not config.path_matches(path, "conf/legacy/*", tmp_path / "conf")
    assert config.path_matches(path, "legacy/*", tmp_path / "conf")


def test_ignored_for_file(tmp_path):
    pfi = {"legacy/*": ["CORS2"], "*.py": ["CORS105", "CORS3"]}
    assert config.ignored_for_file("legacy/a.conf", pfi, tmp_path) == ["CORS2"]
    assert config.ignored_for_file("app/settings.py", pfi, tmp_path) == ["CORS105", "CORS3"]
    assert config.ignored_for_file("a.conf", pfi, tmp_path) == []
    assert config.code_matches("CORS201", ["CORS2"])
    assert not config.code_matches("CORS105", ["CORS2"])
