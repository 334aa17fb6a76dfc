"""Checker configuration from ``sayso.toml``, ``[tool.sayso]`` in ``pyproject.toml`` and the CLI.

The file format::

    [checkers.single-source]
    enabled = true
    threshold = 0.5

Command-line options win over the file: ``--enable ID``, ``--disable ID`` and
``--set ID.OPTION=VALUE`` (VALUE is read as TOML, so ``0.5``, ``true`` and ``"text"`` work).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .model import Checker, Settings

CONFIG_FILE = "sayso.toml"


def find_config(directory: Path) -> Path | None:
    """``sayso.toml`` in ``directory``, else a ``pyproject.toml`` there with ``[tool.sayso]``."""
    candidate = directory / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file() and "sayso" in _read_toml(pyproject).get("tool", {}):
        return pyproject
    return None


def load_config(path: Path) -> dict[str, Any]:
    """The sayso table of a configuration file."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("sayso", {})
    return data


def resolve_settings(
    checkers: Mapping[str, Checker],
    config: Mapping[str, Any] | None = None,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    assignments: Iterable[str] = (),
) -> Settings:
    """Combine checker defaults, the configuration file and command-line options."""
    settings = Settings(
        enabled={id for id, checker in checkers.items() if checker.enabled_by_default},
        options={id: dict(checker.options) for id, checker in checkers.items()},
    )
    for checker_id, table in (config or {}).get("checkers", {}).items():
        _require_checker(checkers, checker_id, "the configuration file")
        if not isinstance(table, dict):
            raise ConfigError(f"[checkers.{checker_id}] must be a table of options")
        for name, value in table.items():
            if name == "enabled":
                _set_enabled(settings, checker_id, bool(value))
            else:
                _set_option(settings, checkers, checker_id, name, value)
    for checker_id in enable:
        _require_checker(checkers, checker_id, "--enable")
        _set_enabled(settings, checker_id, True)
    for checker_id in disable:
        _require_checker(checkers, checker_id, "--disable")
        _set_enabled(settings, checker_id, False)
    for assignment in assignments:
        checker_id, name, value = _parse_assignment(assignment)
        _require_checker(checkers, checker_id, "--set")
        _set_option(settings, checkers, checker_id, name, value)
    return settings


def _set_enabled(settings: Settings, checker_id: str, enabled: bool) -> None:
    if enabled:
        settings.enabled.add(checker_id)
    else:
        settings.enabled.discard(checker_id)


def _set_option(
    settings: Settings, checkers: Mapping[str, Checker], checker_id: str, name: str, value: Any
) -> None:
    defaults = checkers[checker_id].options
    if name not in defaults:
        known = ", ".join(sorted(defaults)) or "none"
        raise ConfigError(f"checker {checker_id!r} has no option {name!r} (options: {known})")
    expected = type(defaults[name])
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected):
        raise ConfigError(f"option {checker_id}.{name} must be {expected.__name__}, not {value!r}")
    settings.options[checker_id][name] = value


def _require_checker(checkers: Mapping[str, Checker], checker_id: str, where: str) -> None:
    if checker_id not in checkers:
        known = ", ".join(sorted(checkers))
        raise ConfigError(f"unknown checker {checker_id!r} in {where} (checkers: {known})")


def _parse_assignment(assignment: str) -> tuple[str, str, Any]:
    key, equals, raw = assignment.partition("=")
    checker_id, dot, name = key.strip().rpartition(".")
    if not equals or not dot or not checker_id or not name:
        raise ConfigError(f"--set expects CHECKER.OPTION=VALUE, got {assignment!r}")
    import tomllib  # here and below: most runs read no configuration (it takes 8 ms to import)

    try:
        value = tomllib.loads(f"value = {raw.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return checker_id, name.strip(), value


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from error
