"""The plan: what scoring needs from a spec, made once per spec and registry and reused by every form."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve

import perfrules
from perfrules._engine.plan import joined, plan
from perfrules._spec.reader import SpecReader
from perfrules._spec.slots import fill
from perfrules.exceptions import EvaluationError
from perfrules.testing import registry

SPEC = """\
spec: 1
id: test/plan
version: "1"
name: 计划
facts:
  done: {type: number}
  due: {type: number}
  bonus: {type: number, optional: true}
indicators:
  - {id: a, name: 完成率, weight: 60, expression: "weight * min(done / due, 1)"}
  - {id: b, name: 加分, weight: 30, expression: "min(bonus + due * 0, weight)"}
  - {id: c, name: 自评, weight: 10, kind: self_assessed}
grades: [{min: 60, label: 及格}, {min: 0, label: 不及格}]
"""
FACTS = {"facts": {"done": "9", "due": "10", "bonus": "20"}, "assessments": {"c": {"score": "8"}}}


class TestPlan:
    def test_made_once_per_spec(self) -> None:
        """Every form scored against one spec uses the same plan: provenance and rules are not remade."""
        spec = perfrules.load_spec(SPEC)
        first, second = perfrules.evaluate(spec, FACTS), perfrules.evaluate(spec, FACTS)
        assert first.provenance is second.provenance is plan(spec, spec.registry).provenance  # type: ignore[arg-type]
        assert Decimal("82.00") == first.total == second.total

    def test_a_changed_spec_gets_its_own(self) -> None:
        """A copy of the spec with a rule changed is planned afresh, not scored with the old rules."""
        spec = perfrules.load_spec(SPEC)
        assert Decimal("82.00") == perfrules.evaluate(spec, FACTS).total
        a = spec.indicators[0]
        changed = evolve(spec, indicators=(evolve(a, rule=spec.indicators[1].rule), *spec.indicators[1:]))
        assert Decimal("48.00") == perfrules.evaluate(changed, FACTS).total  # a now scores min(20, 60)
        assert plan(changed, spec.registry) is not plan(spec, spec.registry)  # type: ignore[arg-type]

    def test_one_plan_per_registry(self) -> None:
        """A spec planned with two registries has two plans, each calling its own registry's functions."""
        spec = perfrules.load_spec(SPEC)
        own = registry()
        assert plan(spec, own) is plan(spec, own)
        assert plan(spec, own) is not plan(spec, spec.registry)  # type: ignore[arg-type]
        assert plan(spec, own).registry is own

    def test_rules_read_their_declared_facts(self) -> None:
        """Each computed leaf's rule lists the declared facts it reads, sorted; a self-assessed leaf has none."""
        spec = perfrules.load_spec(SPEC)
        rules = plan(spec, spec.registry).rules  # type: ignore[arg-type]
        assert {"a": ("done", "due"), "b": ("bonus", "due")} == {i: rule.reads for i, rule in rules.items()}
        assert Decimal("0.9") == rules["a"].run({"done": Decimal(9), "due": Decimal(10), "weight": Decimal(1)})
        with pytest.raises(EvaluationError, match=r"division by zero in .* \(due = 0\)"):
            rules["a"].run({"done": Decimal(9), "due": Decimal(0), "weight": Decimal(1)})

    def test_a_missing_optional_fact_is_found_from_the_plan(self) -> None:
        """Leaving out an optional fact a rule reads asks for a claim, naming the fact."""
        spec = perfrules.load_spec(SPEC)
        facts = {"facts": {"done": "9", "due": "10"}, "assessments": {"c": {"score": "8"}}}
        with pytest.raises(perfrules.exceptions.FactsError) as raised:
            perfrules.evaluate(spec, facts)
        assert ["'b' (加分) needs fact 'bonus' or a claimed score"] == [p.message for p in raised.value.diagnostics]
        claimed = perfrules.evaluate(spec, {**facts, "assessments": {"b": {"score": "5"}, "c": {"score": "8"}}})
        assert (Decimal(5), ("bonus",)) == (claimed["b"].score, claimed["b"].missing_facts)

    def test_a_rule_may_score_another_form_while_it_runs(self) -> None:
        """A plugin function that scores a form of the same spec, from inside a rule, gets a value of its own."""
        calls: list[Decimal] = []

        def nested(x: Decimal) -> Decimal:
            if not calls:
                calls.append(x)
                inner = perfrules.evaluate(spec, {**FACTS, "facts": {"done": "5", "due": "10", "bonus": "1"}})
                calls.append(inner.total)
            return x

        class Plugin:
            @perfrules.hookimpl
            def perfrules_register_functions(self, register: Any) -> None:
                register("nested", nested)

        spec = perfrules.load_spec(
            SPEC.replace("min(done / due, 1)", "nested(min(done / due, 1))"), registry=registry(Plugin())
        )
        assert Decimal("82.00") == perfrules.evaluate(spec, FACTS).total
        assert [Decimal("0.9"), Decimal("39.00")] == calls


NATIONAL = Path(__file__).resolve().parents[1] / "specs" / "national" / "project-2020.yaml"


def unit(first: str, kind: dict[str, Any]) -> dict[str, Any]:
    """A unit's project form: its own leaves in the national skeleton's slots."""
    return {
        "facts": {"budget_initial": "100", "budget_full_year": "100", "executed": "90"},
        "indicators": {
            "1.1": [{"id": first, "name": "数量", "weight": 50, **kind}],
            "2.2": [{"id": "b", "name": "社会", "weight": 30, "kind": "self_assessed", "score": 30}],
            "3.1": [{"id": "c", "name": "满意度", "weight": 10, "target": "≥90%", "actual": "85%"}],
        },
    }


class TestSkeletonPlan:
    def test_units_join_the_skeletons_plan(self) -> None:
        """Each unit's leaves are planned and joined to the skeleton's one plan, as if planned from scratch."""
        spec = perfrules.load_spec(NATIONAL)
        skeleton = plan(spec, spec.registry)  # type: ignore[arg-type]
        for facts in (
            unit("a", {"target": "≥100个", "actual": "120个"}),
            unit("x", {"kind": "self_assessed", "score": 40}),
        ):
            filled, _ = fill(spec, perfrules.load_facts(facts), spec.registry)  # type: ignore[arg-type]
            own = joined(skeleton, filled)
            fresh = plan(evolve(filled), spec.registry)  # type: ignore[arg-type]
            assert own.indicators.keys() == fresh.indicators.keys() and own.rules.keys() == fresh.rules.keys()
            assert all(own.rules[i].reads == fresh.rules[i].reads for i in own.rules)
            assert own.provenance == fresh.provenance and skeleton.provenance != own.provenance
            assert all(own.rules[i] is skeleton.rules[i] for i in skeleton.rules)
            assert skeleton is plan(spec, spec.registry)  # type: ignore[arg-type]
        assert Decimal("4") == skeleton.rules["4"].run(
            {"budget_full_year": Decimal(100), "executed": Decimal(40), "weight": Decimal(10)}
        )

    def test_the_skeleton_is_not_read_again(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Scoring a unit reads only its own leaves: the skeleton spec is never read a second time."""
        spec = perfrules.load_spec(NATIONAL)

        def refuse(self: SpecReader) -> None:
            raise AssertionError(f"read {self.document.file} again")

        monkeypatch.setattr(SpecReader, "read", refuse)
        result = perfrules.evaluate(spec, unit("a", {"target": "≥100个", "actual": "120个"}))
        assert (Decimal("50.00"), Decimal("9.44"), Decimal("98.44")) == (
            result["a"].score,
            result["c"].score,
            result.total,
        )
        assert "target" in result.provenance.kinds
