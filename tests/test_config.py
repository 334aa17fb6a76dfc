import pytest
from sayso.config import find_config, load_config, resolve_settings
from sayso.errors import ConfigError
from sayso.model import Checker

CHECKERS = {
    "strict": Checker("strict", "Off by default.", {"threshold": 0.5}, enabled_by_default=False),
    "plain": Checker("plain", "On by default.", {"report": True}),
}


def test_defaults():
    settings = resolve_settings(CHECKERS)
    assert settings.enabled == {"plain"}
    assert settings.option("strict", "threshold") == 0.5


def test_file_then_command_line(tmp_path):
    (tmp_path / "sayso.toml").write_text(
        "[checkers.strict]\nenabled = true\nthreshold = 0.7\n[checkers.plain]\nenabled = false\n"
    )
    config = load_config(find_config(tmp_path))
    settings = resolve_settings(CHECKERS, config)
    assert settings.enabled == {"strict"}
    assert settings.option("strict", "threshold") == 0.7
    settings = resolve_settings(
        CHECKERS, config, enable=["plain"], disable=["strict"], assignments=["strict.threshold=1"]
    )
    assert settings.enabled == {"plain"}
    assert settings.option("strict", "threshold") == 1.0


def test_pyproject_tool_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.sayso.checkers.plain]\nreport = false\n")
    path = find_config(tmp_path)
    assert path == tmp_path / "pyproject.toml"
    assert resolve_settings(CHECKERS, load_config(path)).option("plain", "report") is False


def test_pyproject_without_sayso_table_is_ignored(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    assert find_config(tmp_path) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"enable": ["nope"]}, "unknown checker 'nope' in --enable"),
        ({"assignments": ["strict.limit=3"]}, "has no option 'limit'"),
        ({"assignments": ["strict.threshold=high"]}, "must be float"),
        ({"assignments": ["threshold"]}, "--set expects CHECKER.OPTION=VALUE"),
        ({"config": {"checkers": {"strict": 3}}}, "must be a table"),
    ],
)
def test_bad_configuration_is_explained(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        resolve_settings(CHECKERS, **kwargs)


def test_unreadable_config_file(tmp_path):
    (tmp_path / "sayso.toml").write_text("[checkers\n")
    with pytest.raises(ConfigError, match="cannot read configuration"):
        load_config(tmp_path / "sayso.toml")
