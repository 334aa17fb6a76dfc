"""Analyzers turn article text into statements, attributions and named entities.

Every analyzer, sayso's own included, is declared by a plugin through the ``register_analyzers``
hook as an :class:`~sayso.model.AnalyzerFactory`; this module answers questions about that
registry: which names exist, what "auto" picks, which analyzers may run in worker processes, and
builds the one a run asks for. Attributions carry the source *mention*; turning mentions into
canonical, typed sources is shared work done afterwards by :mod:`sayso.analysis.sources`.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..manager import Plugins, get_plugins
from ..model import Analyzer, AnalyzerFactory

__all__ = [
    "AUTO",
    "Analyzer",
    "AnalyzerFactory",
    "accepted_options",
    "analyzer_names",
    "describe_analyzers",
    "get_analyzer",
    "get_factory",
    "may_run_in_workers",
    "resolve_analyzer",
]

AUTO = "auto"


def analyzer_names(plugins: Plugins | None = None) -> list[str]:
    """The names ``--analyzer`` takes: "auto", then every registered analyzer, those "auto" may
    pick first, in its order of preference, then the others by name."""
    return [AUTO, *(factory.name for factory in _in_order(plugins or get_plugins()))]


def _in_order(plugins: Plugins) -> list[AnalyzerFactory]:
    factories = plugins.analyzers.values()
    return sorted(
        factories,
        key=lambda f: (f.auto_priority is None, -(f.auto_priority or 0), f.name),
    )


def get_factory(name: str, plugins: Plugins | None = None) -> AnalyzerFactory:
    """The registered analyzer called ``name``; a :class:`ConfigError` listing the names if none."""
    factories = (plugins or get_plugins()).analyzers
    if name not in factories:
        raise ConfigError(
            f"unknown analyzer {name!r}; choose one of {', '.join(analyzer_names(plugins))} "
            "(`sayso check --help` says which is which)"
        )
    return factories[name]


def resolve_analyzer(
    name: str, options: dict[str, Any] | None = None, plugins: Plugins | None = None
) -> tuple[str, str | None]:
    """Turn ``"auto"`` into the available analyzer with the highest ``auto_priority``.

    Returns the analyzer name and, for ``"auto"``, a sentence saying which one was chosen and
    why higher-ranked ones were passed over (their ``unavailable`` reasons, which should name
    them). Other names are checked and returned as they are.
    """
    plugins = plugins or get_plugins()
    if name != AUTO:
        get_factory(name, plugins)
        return name, None
    options = options or {}
    ranked = sorted(
        (f for f in plugins.analyzers.values() if f.auto_priority is not None),
        key=lambda f: -(f.auto_priority or 0),
    )
    passed_over: list[str] = []
    for factory in ranked:
        reason = factory.unavailable(_accepted(factory, options)) if factory.unavailable else None
        if reason is None:
            note = f"using the {factory.name} analyzer"
            if passed_over:
                note += ": " + "; ".join(passed_over)
            return factory.name, note
        passed_over.append(reason)
    raise ConfigError("no analyzer is available for auto: " + "; ".join(passed_over or ["none"]))


def get_analyzer(name: str, plugins: Plugins | None = None, **options: Any) -> Analyzer:
    """Build the analyzer called ``name`` with the ``options`` it accepts (others are dropped).

    Model-backed analyzers import their libraries only here (or later), so a plain
    ``sayso check`` never imports torch.
    """
    factory = get_factory(name, plugins)
    return factory.build(**_accepted(factory, options))


def may_run_in_workers(name: str, plugins: Plugins | None = None) -> bool:
    """Whether the analyzer gains from worker processes (its factory says ``parallel``)."""
    factories = (plugins or get_plugins()).analyzers
    return name in factories and factories[name].parallel


def describe_analyzers(plugins: Plugins | None = None) -> list[tuple[str, str]]:
    """(name, description) of "auto" and every registered analyzer, for help texts."""
    plugins = plugins or get_plugins()
    ranked = sorted(
        (f for f in plugins.analyzers.values() if f.auto_priority is not None),
        key=lambda f: -(f.auto_priority or 0),
    )
    order = " > ".join(f.name for f in ranked)
    auto = f"the first available of {order}" if ranked else "no analyzer offers itself for auto"
    return [(AUTO, auto), *((f.name, f.description) for f in _in_order(plugins))]


def accepted_options(
    name: str, options: dict[str, Any], plugins: Plugins | None = None
) -> dict[str, Any]:
    """The ``options`` the analyzer called ``name`` takes (its factory's ``options``)."""
    return _accepted(get_factory(name, plugins), options)


def _accepted(factory: AnalyzerFactory, options: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in options.items() if key in factory.options}
