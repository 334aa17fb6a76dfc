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
        ({"enable": ["nope"]}, "--enable: unknown checker 'nope'"),
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


def test_found_in_a_parent_directory_nearest_first(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.sayso.checkers.plain]\nreport = false\n")
    nested = tmp_path / "desk" / "politics"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / "pyproject.toml"
    (tmp_path / "desk" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(nested) == tmp_path / "pyproject.toml"  # no [tool.sayso]: keep looking
    (tmp_path / "desk" / "sayso.toml").write_text("")
    assert find_config(nested) == tmp_path / "desk" / "sayso.toml"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("sayso.toml", "foo = 1\n", "unknown key foo "),
        (
            "pyproject.toml",
            "[tool.sayso]\ndisable = ['quotes']\n",
            "unknown key tool.sayso.disable",
        ),
        ("sayso.toml", "[checkers.nope]\nenabled = false\n", r"\[checkers.nope\]: unknown checker"),
        (
            "pyproject.toml",
            "[tool.sayso.checkers.plain]\nreprot = true\n",
            r"\[tool.sayso.checkers.plain\]: checker 'plain' has no option 'reprot'",
        ),
        ("sayso.toml", "[checkers.plain]\nenabled = 'no'\n", "enabled must be true or false"),
        ("sayso.toml", "checkers = 3\n", "checkers must be a table"),
    ],
)
def test_unknown_keys_are_errors_naming_the_key(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError, match=message) as error:
        resolve_settings(CHECKERS, load_config(tmp_path / name))
    assert str(error.value).split(": ", 1)[0].endswith(name)  # names the file


def test_enabled_can_be_set_on_the_command_line():
    assert resolve_settings(CHECKERS, assignments=["strict.enabled=true"]).enabled == {
        "plain",
        "strict",
    }


def test_readme_documents_every_key_and_built_in_option():
    from pathlib import Path

    from sayso.config import ENABLED, KEYS
    from sayso.manager import get_plugins

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Configuration\n", 1)[1].split("\n## ", 1)[0]
    for key in KEYS:
        assert f"| `{key}` |" in section
    assert f"| `checkers.ID.{ENABLED}` |" in section
    for checker in get_plugins().checkers.values():
        for option, default in checker.options.items():
            shown = str(default).lower() if isinstance(default, bool) else repr(default)
            assert f"| `{checker.id}` | `{option}` | `{shown}` |" in section, (checker.id, option)


def test_readme_configuration_examples_work_as_shown(sayso_cli, tmp_path, monkeypatch):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Configuration\n", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```toml\n(.*?)```", section, re.DOTALL)[1]
    (tmp_path / "desk").mkdir()
    (tmp_path / "sayso.toml").write_text(example)
    (tmp_path / "desk" / "story.txt").write_text("Officials said the talks would resume.\n")
    monkeypatch.chdir(tmp_path / "desk")
    result = sayso_cli("check", "story.txt", "--no-db", "--format", "json")
    assert result.exit_code == 0, result.stderr
    # The shown error, for the pyproject.toml it names.
    command, shown = re.search(
        r"```\n\$ (sayso check [^\n]*)\n(error: [^\n]*)\n```", section
    ).groups()
    key = re.search(r"unknown key tool\.sayso\.(\w+)", shown)[1]
    (tmp_path / "sayso.toml").unlink()
    (tmp_path / "desk" / "pyproject.toml").write_text(f"[tool.sayso]\n{key} = ['quotes']\n")
    result = sayso_cli(*command.split()[1:])
    assert result.exit_code == 2
    assert result.stderr.strip() == shown
