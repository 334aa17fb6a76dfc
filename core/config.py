"""Checker configuration from ``sayso.toml``, ``[tool.sayso]`` in ``pyproject.toml`` and the CLI.

The file format::

    [checkers.single-source]
    enabled = true
    threshold = 0.5

As ruff and pytest do, the file is looked for in the current directory and then in each parent:
the first directory with a ``sayso.toml``, or a ``pyproject.toml`` with a ``[tool.sayso]`` table,
wins. Every key is checked: an unknown one is an error naming it, never ignored.

Command-line options win over the file: ``--enable ID``, ``--disable ID`` and
``--set ID.OPTION=VALUE`` (VALUE is read as TOML, so ``0.5``, ``true`` and ``"text"`` work).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .model import Checker, Settings
from .pipeline.budget import DEFAULT_TIME_LIMIT

CONFIG_FILE = "sayso.toml"
# The top-level keys of sayso's table; each is documented in the README ("Configuration").
KEYS = ("checkers", "time_limit")
# A checker's table holds its options and this key.
ENABLED = "enabled"


def find_config(directory: Path) -> Path | None:
    """The configuration file for ``directory``: the nearest ``sayso.toml``, or ``pyproject.toml``
    with a ``[tool.sayso]`` table, in it or a parent (in one directory, ``sayso.toml`` wins)."""
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "sayso" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def load_config(path: Path) -> dict[str, Any]:
    """The sayso table of a configuration file, its keys checked.

    Each checker's table also gets the place it was read from, for error messages to name.
    """
    data = _read_toml(path)
    shown = _shown(path)
    prefix = ""
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("sayso", {})
        prefix = "tool.sayso."
    for key in data:
        if key not in KEYS:
            raise ConfigError(
                f"{shown}: unknown key {prefix}{key} (sayso's keys: {', '.join(KEYS)}; "
                "checkers are configured in [checkers.ID] tables)"
            )
    checkers = data.get("checkers", {})
    if not isinstance(checkers, dict):
        raise ConfigError(f"{shown}: {prefix}checkers must be a table of [checkers.ID] tables")
    loaded: dict[str, Any] = {
        "checkers": checkers,
        "where": {id: f"{shown}: [{prefix}checkers.{id}]" for id in checkers},
    }
    if "time_limit" in data:
        limit = data["time_limit"]
        if isinstance(limit, bool) or not isinstance(limit, int | float) or not limit >= 0:
            raise ConfigError(
                f"{shown}: {prefix}time_limit must be a number of seconds (0: no limit), "
                f"not {limit!r}"
            )
        loaded["time_limit"] = limit
    return loaded


@dataclass(frozen=True)
class Configuration:
    """What a run takes from the configuration: checker settings and the time limit per article
    (None: no limit)."""

    settings: Settings
    time_limit: float | None


def load_configuration(
    checkers: Mapping[str, Checker],
    config: Path | None = None,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    assignments: Iterable[str] = (),
    directory: Path | None = None,
) -> Configuration:
    """The configuration a run uses, as ``sayso check`` and :func:`sayso.check` combine it:
    ``config``, else the file :func:`find_config` finds for ``directory`` (the current one by
    default), then ``enable``, ``disable`` and ``assignments`` (``ID.OPTION=VALUE``) on top."""
    path = config or find_config(directory or Path.cwd())
    table = load_config(path) if path else None
    time_limit = (table or {}).get("time_limit", DEFAULT_TIME_LIMIT)
    return Configuration(
        resolve_settings(checkers, table, enable, disable, assignments), time_limit or None
    )


def load_settings(
    checkers: Mapping[str, Checker],
    config: Path | None = None,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    assignments: Iterable[str] = (),
    directory: Path | None = None,
) -> Settings:
    """The checker settings of :func:`load_configuration`."""
    return load_configuration(checkers, config, enable, disable, assignments, directory).settings


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
    where = (config or {}).get("where", {})
    for checker_id, table in (config or {}).get("checkers", {}).items():
        table_name = where.get(checker_id, f"[checkers.{checker_id}]")
        _require_checker(checkers, checker_id, table_name)
        if not isinstance(table, dict):
            raise ConfigError(f"{table_name} must be a table of options")
        for name, value in table.items():
            _set_option(settings, checkers, checker_id, name, value, table_name)
    for checker_id in enable:
        _require_checker(checkers, checker_id, "--enable")
        _set_enabled(settings, checker_id, True)
    for checker_id in disable:
        _require_checker(checkers, checker_id, "--disable")
        _set_enabled(settings, checker_id, False)
    for assignment in assignments:
        checker_id, name, value = _parse_assignment(assignment)
        _require_checker(checkers, checker_id, "--set")
        _set_option(settings, checkers, checker_id, name, value, "--set")
    return settings


def _set_enabled(settings: Settings, checker_id: str, enabled: bool) -> None:
    if enabled:
        settings.enabled.add(checker_id)
    else:
        settings.enabled.discard(checker_id)


def _set_option(
    settings: Settings,
    checkers: Mapping[str, Checker],
    checker_id: str,
    name: str,
    value: Any,
    where: str,
) -> None:
    if name == ENABLED:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {checker_id}.enabled must be true or false, not {value!r}")
        _set_enabled(settings, checker_id, value)
        return
    defaults = checkers[checker_id].options
    if name not in defaults:
        known = ", ".join([ENABLED, *sorted(defaults)])
        raise ConfigError(
            f"{where}: checker {checker_id!r} has no option {name!r} (options: {known})"
        )
    expected = type(defaults[name])
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected):
        raise ConfigError(
            f"{where}: option {checker_id}.{name} must be {expected.__name__}, not {value!r}"
        )
    settings.options[checker_id][name] = value


def _require_checker(checkers: Mapping[str, Checker], checker_id: str, where: str) -> None:
    if checker_id not in checkers:
        known = ", ".join(sorted(checkers))
        raise ConfigError(f"{where}: unknown checker {checker_id!r} (checkers: {known})")


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


def _shown(path: Path) -> str:
    """``path`` as messages name it: relative to the current directory when that is shorter
    (``pyproject.toml``, ``../sayso.toml``), as ruff does."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return str(path)
    return min(relative, str(path), key=len)


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from error
