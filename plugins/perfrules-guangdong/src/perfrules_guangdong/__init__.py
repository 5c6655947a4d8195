"""Guangdong frameworks for perfrules: a spec variant and the ``execution_rate`` kind."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

import perfrules
from perfrules import Expression, KindContext, Rule

SPECS = Path(__file__).parent / "specs"


@frozen
class ExecutionRate:
    """``kind: execution_rate``: 预算执行率计分, ``weight × min(executed ÷ budget, 1)``.

    ``executed`` names a number fact (执行数); ``budget`` names one number fact or
    a list of them, summed (e.g. 全年预算数 + 上年结转). A zero budget is an error
    naming the facts, as for any unguarded division.
    """

    parameters: frozenset[str] = frozenset({"executed", "budget"})
    required: frozenset[str] = frozenset({"executed", "budget"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        executed = parameters["executed"]
        budget = parameters["budget"]
        budget_facts = budget if isinstance(budget, list) else [budget]
        ok = self._number_fact(executed, "executed", context)
        for index, name in enumerate(budget_facts):
            path: tuple[str | int, ...] = ("budget", index) if isinstance(budget, list) else ("budget",)
            ok = self._number_fact(name, path, context) and ok
        if not budget_facts:
            context.error("budget needs at least one fact", "budget")
            return None
        if len(set(map(str, budget_facts))) != len(budget_facts):
            context.error("budget lists a fact twice", "budget")
            return None
        if not ok:
            return None
        denominator = " + ".join(budget_facts)
        expression = Expression.parse(f"weight * min({executed} / ({denominator}), 1)")

        def label(name: str) -> str:
            return context.facts[name].label or name

        return Rule(
            expression,
            f"得分 = 分值 × min({label(executed)} ÷ ({' + '.join(map(label, budget_facts))}), 1)",
            f"weight × min({executed} / ({denominator}), 1): the execution rate, capped at 100%",
        )

    @staticmethod
    def _number_fact(name: object, path: str | tuple[str | int, ...], context: KindContext) -> bool:
        where = (path,) if isinstance(path, str) else path
        if not isinstance(name, str) or name not in context.facts or context.facts[name].type != "number":
            context.error(f"{name!r} is not a declared number fact", *where, code="unknown-name")
            return False
        return True


@perfrules.hookimpl
def perfrules_register_indicator_kinds(register: Callable[[str, Any], None]) -> None:
    register("execution_rate", ExecutionRate())


@perfrules.hookimpl
def perfrules_register_specs(register: Callable[[str, Any], None]) -> None:
    register("guangzhou/huangpu-department-overall@2022", SPECS / "huangpu-department-overall-2022.yaml")
