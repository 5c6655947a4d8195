"""Plugins: built-ins come through the hooks, duplicates are errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import perfrules
from perfrules.exceptions import AlreadyRegisteredError, NotRegisteredError


class Twice:
    """A plugin that registers a function name the built-ins already use."""

    @perfrules.hookimpl
    def perfrules_register_functions(self, register: Any) -> None:
        register("min", min)


class Doubled:
    """A plugin registering a new function."""

    @staticmethod
    @perfrules.hookimpl
    def perfrules_register_functions(register: Any) -> None:
        register("double", lambda x: x * 2)


def registry(*plugins: object) -> perfrules.Registry:
    return perfrules.Registry.from_plugin_manager(perfrules.plugin_manager(*plugins, load_entry_points=False))


class TestRegistry:
    def test_builtins_registered_through_hooks(self) -> None:
        """The built-in functions, kinds, scale and formats come from the built-in plugin."""
        built = registry()
        assert {"min", "max", "abs", "clamp", "round", "floor", "within"} == set(built.functions)
        assert {
            "expression",
            "self_assessed",
            "bands",
            "band_table",
            "ratio",
            "threshold_deduction",
            "step_deduction",
            "per_occurrence",
            "checklist",
            "binary",
            "categorical",
            "qualitative_tier",
            "target",
        } == set(built.indicator_kinds)
        assert {"default"} == set(built.grading_scales)
        assert {"table", "json", "markdown", "html", "csv", "xlsx", "pdf"} == set(built.report_formats)
        assert {"xlsx"} == set(built.facts_readers)

    def test_duplicate_names_both_plugins(self) -> None:
        """Registering a taken name is an error naming both plugins."""
        with pytest.raises(
            AlreadyRegisteredError,
            match=r"function 'min' is registered by both plugin 'perfrules' \(perfrules [\d.]+\) and plugin 'Twice'",
        ):
            registry(Twice())

    def test_plugin_function_usable_in_specs(self) -> None:
        """A plugin's function can be called from a spec loaded with its registry."""
        text = (
            "spec: 1\nid: t/p\nversion: '1'\nname: 插件\ngrades: [{min: 0, label: 差}]\n"
            "facts: {x: {type: number}}\n"
            "indicators:\n  - {id: a, name: 甲, weight: 10, expression: 'double(x)'}\n"
        )
        own = registry(Doubled)
        result = perfrules.evaluate(perfrules.load_spec(text, registry=own), {"facts": {"x": 3}}, registry=own)
        assert Decimal("6.00") == result.total

    def test_misspelt_hook_is_an_error(self) -> None:
        """A hook name that is not in the spec fails when the manager is built."""

        class Typo:
            @perfrules.hookimpl
            def perfrules_register_function(self, register: Any) -> None:
                pass

        with pytest.raises(Exception, match="unknown hook"):
            perfrules.plugin_manager(Typo(), load_entry_points=False)

    def test_unknown_format(self, seed: perfrules.Evaluation) -> None:
        """An unknown report format suggests a registered one."""
        with pytest.raises(NotRegisteredError, match="did you mean 'json'"):
            perfrules.render(seed, "jsno")
