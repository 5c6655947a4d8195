"""Helpers for testing plugins and specs, for plugin authors and perfrules alike.

from perfrules.testing import registry, score

def test_my_kind():
    result = score(SPEC_TEXT, {"facts": {...}}, my_plugin)
    assert Decimal("9.50") == result.total
"""

from __future__ import annotations

from ._api import evaluate, load_spec, plugin_manager
from ._document import Source
from ._engine.results import ClaimsPolicy, Evaluation
from ._inputs.facts import Facts
from ._plugins.registry import Registry
from ._spec.model import Spec

__all__ = ["registry", "score"]


def registry(*plugins: object, entry_points: bool = False) -> Registry:
    """A registry of perfrules' built-ins and *plugins*.

    Installed plugins are ignored unless *entry_points* is true, so a test sees
    exactly what it names, whatever else is installed.
    """
    return Registry.from_plugin_manager(plugin_manager(*plugins, load_entry_points=entry_points))


def score(
    spec: Spec | Source, facts: Facts | Source, *plugins: object, claims: ClaimsPolicy | None = None
) -> Evaluation:
    """Score *facts* against *spec*, loading it with the built-ins and *plugins* only.

    A `Spec` already loaded is scored with the registry it was loaded with.
    """
    if isinstance(spec, Spec):
        return evaluate(spec, facts, claims=claims)
    return evaluate(load_spec(spec, registry=registry(*plugins)), facts, claims=claims)
