"""The plugin manager and the registry of everything plugins provide.

With `hookspecs`, the only modules that import pluggy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy
from attrs import frozen

from . import _builtins, hookspecs
from ._diagnostics import did_you_mean
from .exceptions import AlreadyRegisteredError, NotRegisteredError

if TYPE_CHECKING:
    from ._evaluation import Evaluation
    from ._grading import GradingScale
    from ._kinds import IndicatorKind

ENTRY_POINT_GROUP = "perfrules"

T = TypeVar("T")


def plugin_manager(*plugins: object, load_entry_points: bool = True) -> pluggy.PluginManager:
    """Return a new plugin manager holding the built-ins, installed plugins and *plugins*."""
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(hookspecs)
    manager.register(_builtins, name="perfrules")
    if load_entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in plugins:
        manager.register(plugin)
    manager.check_pending()  # a misspelt hook name fails here, not silently
    return manager


@frozen
class Registry:
    """Everything the plugins registered, by name; read-only."""

    functions: Mapping[str, Callable[..., Any]]
    indicator_kinds: Mapping[str, IndicatorKind]
    grading_scales: Mapping[str, GradingScale]
    report_formats: Mapping[str, Callable[[Evaluation], str]]

    @classmethod
    def from_plugin_manager(cls, manager: pluggy.PluginManager) -> Registry:
        """Collect every plugin's registrations; a name registered twice is an error."""
        hook = manager.hook
        return cls(
            functions=_collect(hook.perfrules_register_functions, "function"),
            indicator_kinds=_collect(hook.perfrules_register_indicator_kinds, "indicator kind"),
            grading_scales=_collect(hook.perfrules_register_grading_scales, "grading scale"),
            report_formats=_collect(hook.perfrules_register_report_formats, "report format"),
        )

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{name}={len(getattr(self, name))}"
            for name in ("functions", "indicator_kinds", "grading_scales", "report_formats")
        )
        return f"<perfrules.Registry({counts})>"


def _collect(hook: Any, what: str) -> Mapping[str, Any]:
    found: dict[str, Any] = {}
    owners: dict[str, str] = {}
    # One call per plugin, so a duplicate can name both plugins involved.
    for impl in hook.get_hookimpls():

        def register(name: str, thing: Any, plugin: str = impl.plugin_name) -> None:
            if name in found:
                msg = f"{what} {name!r} is registered by both {owners[name]!r} and {plugin!r}"
                raise AlreadyRegisteredError(msg)
            found[name] = thing
            owners[name] = plugin

        impl.function(register=register)
    return MappingProxyType(found)


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
