"""The plugin manager and the registry of everything plugins provide.

With `hookspecs`, the only modules that import pluggy.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy
from attrs import frozen

from . import _builtins, hookspecs
from ._diagnostics import did_you_mean
from .exceptions import AlreadyRegisteredError, NotRegisteredError, PerfrulesError

if TYPE_CHECKING:
    import click

    from ._document import Source
    from ._evaluation import Evaluation
    from ._grading import GradingScale
    from ._kinds import IndicatorKind

ENTRY_POINT_GROUP = "perfrules"
BUILTIN = "perfrules"
DISABLE_VARIABLE = "PERFRULES_DISABLE_PLUGINS"
ALLOW_VARIABLE = "PERFRULES_PLUGINS"

T = TypeVar("T")

_SINGULAR = {
    "specs": "spec",
    "functions": "function",
    "indicator_kinds": "indicator kind",
    "grading_scales": "grading scale",
    "report_formats": "report format",
    "commands": "command",
}


def plugin_manager(*plugins: object, load_entry_points: bool = True) -> pluggy.PluginManager:
    """Return a new plugin manager holding the built-ins, installed plugins and *plugins*.

    Installed plugins are the ``perfrules`` entry points, less those named in
    ``PERFRULES_DISABLE_PLUGINS``; when ``PERFRULES_PLUGINS`` is set, only the
    plugins it names are loaded, and each must be installed. Both take
    comma-separated entry-point names. The built-ins are always loaded.
    """
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(hookspecs)
    manager.register(_builtins, name=BUILTIN)
    if load_entry_points:
        for name in _names(DISABLE_VARIABLE):
            manager.set_blocked(name)
        allowed = _names(ALLOW_VARIABLE)
        if os.environ.get(ALLOW_VARIABLE) is None:
            manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        for name in allowed:
            if not manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name) and not manager.has_plugin(name):
                msg = f"plugin {name!r} named in {ALLOW_VARIABLE} is not installed (or is disabled)"
                raise NotRegisteredError(msg)
    for plugin in plugins:
        manager.register(plugin)
    manager.check_pending()  # a misspelt hook name fails here, not silently
    return manager


def _names(variable: str) -> list[str]:
    return [name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()]


@frozen
class Provider:
    """The plugin that registered something, and the distribution that ships it.

    Attributes:
        plugin: The plugin's name (its entry-point name; ``perfrules`` for the built-ins).
        distribution: The installed distribution's name, if it came from one.
        version: That distribution's version.
    """

    plugin: str
    distribution: str | None = None
    version: str | None = None

    def __str__(self) -> str:
        shipped = f" ({self.distribution} {self.version})" if self.distribution else ""
        return f"plugin {self.plugin!r}{shipped}"


@frozen
class Registry:
    """Everything the plugins registered, by name, and who registered it; read-only.

    Attributes:
        specs: Spec sources by ``id@version``.
        functions: Expression functions by name.
        indicator_kinds: Indicator kinds by name.
        grading_scales: Grading scales by name.
        report_formats: Report renderers by name.
        commands: Extra command-line commands by name.
        providers: The `Provider` of each registration, by ``(what, name)``
            where *what* is one of the attribute names above.
        plugins: Every plugin's `Provider`, including those that registered nothing.
    """

    specs: Mapping[str, Source]
    functions: Mapping[str, Callable[..., Any]]
    indicator_kinds: Mapping[str, IndicatorKind]
    grading_scales: Mapping[str, GradingScale]
    report_formats: Mapping[str, Callable[[Evaluation], str]]
    commands: Mapping[str, click.Command]
    providers: Mapping[tuple[str, str], Provider]
    plugins: tuple[Provider, ...] = ()

    @classmethod
    def from_plugin_manager(cls, manager: pluggy.PluginManager) -> Registry:
        """Collect every plugin's registrations; a name registered twice is an error."""
        plugins = _providers(manager)
        providers: dict[tuple[str, str], Provider] = {}
        hook = manager.hook

        def collect(what: str, caller: Any) -> Mapping[str, Any]:
            return _collect(caller, what, plugins, providers)

        functions = collect("functions", hook.perfrules_register_functions)
        return cls(
            specs=collect("specs", hook.perfrules_register_specs),
            functions=MappingProxyType(
                {name: _guarded(name, f, providers["functions", name]) for name, f in functions.items()}
            ),
            indicator_kinds=collect("indicator_kinds", hook.perfrules_register_indicator_kinds),
            grading_scales=collect("grading_scales", hook.perfrules_register_grading_scales),
            report_formats=collect("report_formats", hook.perfrules_register_report_formats),
            commands=collect("commands", hook.perfrules_register_commands),
            providers=MappingProxyType(providers),
            plugins=tuple(plugins.values()),
        )

    def provider(self, what: str, name: str) -> Provider | None:
        """Who registered *name* among *what* (``"functions"``, ``"specs"``, ...)."""
        return self.providers.get((what, name))

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """What *plugin* registered, as ``{what: [names]}``, sorted."""
        found: dict[str, list[str]] = {}
        for (what, name), provider in sorted(self.providers.items()):
            if provider.plugin == plugin:
                found.setdefault(what, []).append(name)
        return found

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{name}={len(getattr(self, name))}"
            for name in ("specs", "functions", "indicator_kinds", "grading_scales", "report_formats", "commands")
        )
        return f"<perfrules.Registry({counts})>"


def _providers(manager: pluggy.PluginManager) -> dict[int, Provider]:
    """Every registered plugin's `Provider`, by the plugin object's id."""
    distributions = {id(plugin): dist for plugin, dist in manager.list_plugin_distributions()}
    found = {}
    for name, plugin in manager.list_name_plugin():
        if plugin is None:  # blocked
            continue
        if plugin is _builtins:
            found[id(plugin)] = Provider(BUILTIN, "perfrules", _version("perfrules"))
        elif id(plugin) in distributions:
            dist = distributions[id(plugin)]
            found[id(plugin)] = Provider(name, dist.metadata["Name"], dist.version)
        else:
            found[id(plugin)] = Provider(name)
    return found


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _collect(
    hook: Any, what: str, plugins: Mapping[int, Provider], providers: dict[tuple[str, str], Provider]
) -> Mapping[str, Any]:
    found: dict[str, Any] = {}
    # One call per plugin, so a duplicate can name both plugins involved.
    for impl in hook.get_hookimpls():
        provider = plugins.get(id(impl.plugin), Provider(impl.plugin_name))

        def register(name: str, thing: Any, provider: Provider = provider) -> None:
            if not isinstance(name, str) or not name:
                msg = f"{provider} registered {what} under {name!r}; names are non-empty text"
                raise TypeError(msg)
            if name in found:
                msg = f"{_SINGULAR[what]} {name!r} is registered by both {providers[what, name]} and {provider}"
                raise AlreadyRegisteredError(msg)
            found[name] = thing
            providers[what, name] = provider

        impl.function(register=register)
    return MappingProxyType(found)


class FunctionFailure(PerfrulesError):
    """A registered function raised or returned something it may not."""


def _guarded(name: str, function: Callable[..., Any], provider: Provider) -> Callable[..., Any]:
    """*function*, failing only with `FunctionFailure`, and only ever returning a Decimal or a bool."""

    origin = "" if provider.plugin == BUILTIN else f" (function from {provider})"

    @functools.wraps(function)
    def call(*args: Any) -> Decimal | bool:
        try:
            result = function(*args)
        except Exception as e:
            msg = f"{name}() failed: {type(e).__name__}: {e}{origin}"
            raise FunctionFailure(msg) from e
        if isinstance(result, bool) or (isinstance(result, Decimal) and result.is_finite()):
            return result
        msg = f"{name}() returned {result!r:.80}; functions must return a finite Decimal or a bool{origin}"
        raise FunctionFailure(msg)

    return call


def lookup(entries: Mapping[str, T], what: str, name: str) -> T:
    """Return ``entries[name]`` or raise `NotRegisteredError` with a suggestion."""
    try:
        return entries[name]
    except KeyError:
        known = ", ".join(sorted(entries)) or "none"
        msg = f"unknown {what} {name!r}{did_you_mean(name, entries)}; known: {known}"
        raise NotRegisteredError(msg) from None


@functools.cache
def default_registry() -> Registry:
    """The registry of the built-ins and every installed plugin, built on first use."""
    return Registry.from_plugin_manager(plugin_manager())
