"""The plugin manager: loads built-in and installed plugins once, and calls hooks in isolation.

Built-in checkers and analyzers are ordinary plugins listed in :data:`DEFAULT_PLUGINS`;
third-party plugins are found through the ``sayso`` entry point group. ``SAYSO_LOAD_PLUGINS``
(comma-separated distribution names) restricts which installed plugins load; set but empty, only
the built-ins load. A plugin that fails to import, implements a misspelled hook or a hook
wrapper, or raises inside a hook (``sys.exit()`` included) is recorded as a
:class:`PluginFailure` and left out; the run goes on. The time each plugin's hooks take is added
up in :attr:`Plugins.seconds`.
"""

from __future__ import annotations

import importlib
import os
import traceback
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import entry_points
from time import perf_counter
from typing import Any

import pluggy

from . import hookspecs
from .errors import PluginError
from .model import AnalyzerFactory, Checker, Settings
from .version import __version__

DEFAULT_PLUGINS = (
    "sayso.analysis.tagger",
    "sayso.analysis.offline",
    "sayso.analysis.stanza",
    "sayso.analysis.conllu",
    "sayso.plugins.unattributed",
    "sayso.plugins.anonymous",
    "sayso.plugins.single_source",
    "sayso.plugins.independence",
    "sayso.plugins.hedging",
    "sayso.plugins.quotes",
    "sayso.plugins.score",
)
ENTRY_POINT_GROUP = "sayso"
# What a plugin may raise without stopping the run: any error, and sys.exit(), which would end
# the run at once with nothing stored. KeyboardInterrupt still stops it.
PLUGIN_ERRORS = (Exception, SystemExit)
LOAD_PLUGINS_VARIABLE = "SAYSO_LOAD_PLUGINS"


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that failed: at import, at validation, or inside a hook."""

    plugin: str
    stage: str
    error: str

    def __str__(self) -> str:
        return f"plugin {self.plugin} failed in {self.stage}: {self.error}"


@dataclass
class PluginInfo:
    name: str
    version: str
    hooks: list[str]
    builtin: bool


@dataclass
class Plugins:
    """Loaded plugins: the pluggy manager, their checkers and analyzers, versions and failures."""

    pm: pluggy.PluginManager
    checkers: dict[str, Checker] = field(default_factory=dict)
    checker_plugins: dict[str, str] = field(default_factory=dict)
    # The checker declaring each finding code: a code means one thing across all plugins.
    code_checkers: dict[str, str] = field(default_factory=dict)
    # Analyzers by name, in registration order (built-ins first); and the plugin of each.
    analyzers: dict[str, AnalyzerFactory] = field(default_factory=dict)
    analyzer_plugins: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    failures: list[PluginFailure] = field(default_factory=list)
    # Seconds spent in each plugin's hooks since loading, by plugin name.
    seconds: dict[str, float] = field(default_factory=dict)

    def call(
        self, hook: str, *, skip: Collection[str] = (), **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook``, isolating failures.

        Returns ``(plugin_name, result)`` pairs in pluggy's calling order, leaving out
        implementations that returned nothing (None or an empty list) and those that raised,
        which are appended to :attr:`failures`. Plugins named in ``skip`` are not called.
        """
        names = getattr(self.pm.hook, hook).spec.argnames
        return self.caller(hook, skip)(*[kwargs[name] for name in names])

    def caller(
        self,
        hook: str,
        skip: Collection[str] = (),
        failures: list[PluginFailure] | None = None,
        seconds: dict[str, float] | None = None,
    ) -> Callable[..., list[tuple[str, Any]]]:
        """:meth:`call` for ``hook`` with its implementations looked up once, now.

        For a hook called many times in a row (once per statement) while no plugin comes or goes.
        The returned function takes the hook's arguments positionally, in the hookspec's order:
        no dict of them is built on each call. Failures are appended to ``failures`` and the
        time each plugin takes added to ``seconds`` (by default :attr:`failures` and
        :attr:`seconds`): one article's checking keeps its own.
        """
        hook_caller = getattr(self.pm.hook, hook)
        spec_names = hook_caller.spec.argnames
        implementations = []
        for impl in reversed(hook_caller.get_hookimpls()):
            if impl.plugin_name in skip:
                continue
            # Pluggy too passes arguments positionally, in the order the implementation names
            # them; an implementation naming all of them in the spec's order takes them as given.
            picks: list[int] | None = [spec_names.index(name) for name in impl.argnames]
            if picks == list(range(len(spec_names))):
                picks = None
            implementations.append((impl.plugin_name, impl.function, picks))

        failed = self.failures if failures is None else failures
        spent = self.seconds if seconds is None else seconds

        def call(*args: Any) -> list[tuple[str, Any]]:
            results = []
            for plugin, function, picks in implementations:
                started = perf_counter()
                try:
                    if picks is None:
                        result = function(*args)
                    else:
                        result = function(*[args[index] for index in picks])
                except PLUGIN_ERRORS as error:
                    failed.append(PluginFailure(plugin, hook, describe_error(error)))
                else:
                    if result:
                        results.append((plugin, result))
                finally:
                    spent[plugin] = spent.get(plugin, 0.0) + perf_counter() - started
            return results

        return call

    def with_all_checkers_off(self, settings: Settings) -> set[str]:
        """The plugins that provide checkers, none of which ``settings`` enables: the checking
        hooks (``check_statement``, ``check_article``) are not called for them."""
        providing = set(self.checker_plugins.values())
        return providing - {
            self.checker_plugins[id] for id in settings.enabled if id in self.checker_plugins
        }

    def info(self) -> list[PluginInfo]:
        return [
            PluginInfo(
                name=name,
                version=self.versions.get(name, ""),
                hooks=sorted(impl.name for impl in self.pm.get_hookcallers(plugin) or ()),
                builtin=name in DEFAULT_PLUGINS,
            )
            for name, plugin in sorted(self.pm.list_name_plugin())
        ]


_plugins: Plugins | None = None


def get_plugins() -> Plugins:
    """The process-wide plugins, loaded on first use."""
    global _plugins
    if _plugins is None:
        _plugins = load_plugins()
    return _plugins


@contextmanager
def extra_plugins(*plugins: tuple[str, object]) -> Iterator[Plugins]:
    """Make the process-wide plugins the usual ones plus ``(name, plugin)`` pairs, for a while.

    For tests: register a throwaway plugin class or module, and drop it again on exit.
    """
    global _plugins
    previous = _plugins
    _plugins = load_plugins(plugins)
    try:
        yield _plugins
    finally:
        _plugins = previous


def load_plugins(extra: tuple[tuple[str, object], ...] = ()) -> Plugins:
    """Load built-ins, allowed entry-point plugins and ``extra`` (name, plugin) pairs."""
    pm = pluggy.PluginManager("sayso")
    pm.add_hookspecs(hookspecs)
    plugins = Plugins(pm)
    for module_name in DEFAULT_PLUGINS:
        _register(plugins, module_name, partial(importlib.import_module, module_name))
        plugins.versions[module_name] = __version__
    allowed = _allowed_distributions()
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        distribution = entry_point.dist.name if entry_point.dist else entry_point.name
        if allowed is not None and distribution not in allowed:
            continue
        name = f"{distribution}[{entry_point.name}]" if entry_point.dist else entry_point.name
        if _register(plugins, name, entry_point.load):
            plugins.versions[name] = entry_point.dist.version if entry_point.dist else ""
    for name, plugin in extra:
        _register(plugins, name, partial(_identity, plugin))
    _collect_checkers(plugins)
    _collect_analyzers(plugins)
    return plugins


def _identity(plugin: object) -> object:
    return plugin


def _allowed_distributions() -> set[str] | None:
    value = os.environ.get(LOAD_PLUGINS_VARIABLE)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _register(plugins: Plugins, name: str, load: Callable[[], object]) -> bool:
    try:
        plugin = load()
    except PLUGIN_ERRORS as error:
        plugins.failures.append(PluginFailure(name, "import", describe_error(error)))
        return False
    if plugins.pm.is_registered(plugin):
        # A plugin under test may also be installed: the same module loads once.
        return False
    try:
        plugins.pm.register(plugin, name=name)
        plugins.pm.check_pending()
        _refuse_wrappers(plugins.pm, plugin)
    except pluggy.PluginValidationError as error:
        if plugins.pm.is_registered(plugin):
            plugins.pm.unregister(name=name)
        plugins.failures.append(PluginFailure(name, "validation", str(error)))
        return False
    return True


def _refuse_wrappers(pm: pluggy.PluginManager, plugin: object) -> None:
    """Hook wrappers wrap the other plugins' calls, which sayso makes one by one, isolated."""
    for caller in pm.get_hookcallers(plugin) or ():
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and (impl.hookwrapper or impl.wrapper):
                raise pluggy.PluginValidationError(
                    plugin,
                    f"{caller.name} is a hook wrapper (wrapper=True or hookwrapper=True); sayso "
                    "calls each plugin's hooks on their own, so wrappers are not supported",
                )


def _collect_checkers(plugins: Plugins) -> None:
    def add(plugin_name: str, checker: Checker) -> None:
        _claim(plugins.checker_plugins, "checker id", checker.id, plugin_name)
        for code in checker.codes:
            owner = plugins.code_checkers.get(code)
            if owner is not None:
                raise PluginError(
                    f"finding code {code!r} is declared by two checkers: {owner} "
                    f"({plugins.checker_plugins[owner]}) and {checker.id} ({plugin_name}); "
                    f"uninstall one, or block it with {LOAD_PLUGINS_VARIABLE}"
                )
        plugins.code_checkers.update(dict.fromkeys(checker.codes, checker.id))
        plugins.checkers[checker.id] = checker

    _collect(plugins, "register_checkers", add)


def _collect_analyzers(plugins: Plugins) -> None:
    def add(plugin_name: str, factory: AnalyzerFactory) -> None:
        if not isinstance(factory, AnalyzerFactory):
            raise TypeError(f"register() takes an AnalyzerFactory, not {type(factory).__name__}")
        if factory.name == "auto" or not factory.name:
            raise ValueError(f"{factory.name!r} can't name an analyzer")
        _claim(plugins.analyzer_plugins, "analyzer name", factory.name, plugin_name)
        plugins.analyzers[factory.name] = factory

    _collect(plugins, "register_analyzers", add)


def _claim(owners: dict[str, str], what: str, key: str, plugin_name: str) -> None:
    owner = owners.get(key)
    if owner is not None:
        raise PluginError(
            f"{what} {key!r} is claimed by two plugins: {owner} and {plugin_name}; "
            f"uninstall one, or block it with {LOAD_PLUGINS_VARIABLE}"
        )
    owners[key] = plugin_name


def _collect(plugins: Plugins, hook: str, add: Callable[[str, Any], None]) -> None:
    """Call every ``register_*`` implementation of ``hook`` with a ``register`` bound to it."""
    for impl in reversed(getattr(plugins.pm.hook, hook).get_hookimpls()):
        try:
            # By argument name, as pluggy calls the other hooks: ``register`` if it is taken.
            arguments = {"register": partial(add, impl.plugin_name)}
            impl.function(**{name: arguments[name] for name in impl.argnames})
        except PluginError:
            raise
        except PLUGIN_ERRORS as error:
            plugins.failures.append(PluginFailure(impl.plugin_name, hook, describe_error(error)))


def describe_error(error: BaseException) -> str:
    """An exception as one line: type, message and where it was raised."""
    frame = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f" ({frame[0].filename}:{frame[0].lineno})" if frame else ""
    return f"{type(error).__name__}: {error}{where}"
