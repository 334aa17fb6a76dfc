"""Errors sayso reports to people as one clear line (the CLI exits 2 on them, no traceback)."""

from __future__ import annotations


class SaysoError(Exception):
    """Base class: the message is written for the person running sayso."""


class InputError(SaysoError):
    """An input file can't be checked: missing, unreadable, binary, empty, undecodable."""


class ModelMissingError(SaysoError):
    """The stanza analyzer was asked for but a model it needs is not installed."""


class ModelWarning(UserWarning):
    """A model-backed analyzer runs without one of its models and says what it does instead."""


class PluginError(SaysoError):
    """A plugin is broken in a way that stops sayso from starting (e.g. duplicate checker ids)."""


class ConfigError(SaysoError):
    """The configuration file or a command-line option holds a value sayso can't use."""


class DatabaseError(SaysoError):
    """The database can't be used: not SQLite, not writable, locked, full, or from a newer sayso."""
