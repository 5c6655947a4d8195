"""The Guangdong plugin: its kind, its spec variant, and its discovery once installed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import perfrules_guangdong
import pytest
from click.testing import CliRunner

import perfrules
from perfrules.exceptions import EvaluationError, SpecError
from perfrules.testing import registry, score

CORE = Path(__file__).resolve().parents[3]
SEED_FACTS = CORE / "examples" / "huangpu-fic-2022.yaml"
VARIANT = "guangzhou/huangpu-department-overall"

LEAF_SPEC = """\
spec: 1
id: test/execution-rate
version: "1"
name: 执行率
facts:
  budget: {type: number, min: 0, label: 全年预算数}
  carried: {type: number, min: 0, label: 上年结转}
  spent: {type: number, min: 0, label: 执行数}
indicators:
  - id: r
    name: 预算执行率
    weight: 10
    kind: execution_rate
    executed: spent
    budget: [budget, carried]
grades: [{min: 0, label: 差}]
"""


def seed_facts_with(carried_over: str) -> dict[str, object]:
    facts = perfrules.load_facts(SEED_FACTS)
    return {
        "subject": facts.subject,
        "year": facts.year,
        "facts": {**{k: str(v) for k, v in facts.values.items()}, "carried_over": carried_over},
        "assessments": {k: {"score": str(a.score)} for k, a in facts.assessments.items() if a.score is not None},
    }


class TestExecutionRate:
    def test_rate_times_weight_capped(self) -> None:
        """The score is weight × executed ÷ (sum of budget facts), capped at the weight."""
        assert (
            Decimal("8.00")
            == score(LEAF_SPEC, {"facts": {"budget": 9, "carried": 1, "spent": 8}}, perfrules_guangdong).total
        )
        assert (
            Decimal("10.00")
            == score(LEAF_SPEC, {"facts": {"budget": 9, "carried": 1, "spent": 12}}, perfrules_guangdong).total
        )

    def test_single_budget_fact(self) -> None:
        """budget may name a single fact."""
        text = LEAF_SPEC.replace("budget: [budget, carried]", "budget: budget")
        assert (
            Decimal("5.00")
            == score(text, {"facts": {"budget": 10, "carried": 0, "spent": 5}}, perfrules_guangdong).total
        )

    def test_explains_itself_with_labels(self) -> None:
        """The rule in words uses the facts' labels."""
        spec = perfrules.load_spec(LEAF_SPEC, registry=registry(perfrules_guangdong))
        rule = spec.indicators[0].rule
        assert rule is not None and "执行数 ÷ (全年预算数 + 上年结转)" in rule.words

    def test_unknown_fact_is_located(self) -> None:
        """A budget fact the spec does not declare is a located load error."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(
                LEAF_SPEC.replace("[budget, carried]", "[budget, carry]"), registry=registry(perfrules_guangdong)
            )
        [problem] = info.value.problems
        assert "'carry'" in problem.message and problem.location is not None and problem.location.line == 15

    def test_zero_budget_names_the_facts(self) -> None:
        """A zero budget is an evaluation error, not a silent zero."""
        with pytest.raises(EvaluationError, match=r"division by zero .* \(budget = 0, carried = 0\)"):
            score(LEAF_SPEC, {"facts": {"budget": 0, "carried": 0, "spent": 0}}, perfrules_guangdong)


class TestHuangpuVariant:
    def test_same_form_as_the_core_spec(self) -> None:
        """Apart from 1.1.3 and the carry-over fact, the variant is the core's spec."""
        own = registry(perfrules_guangdong)
        core = perfrules.load_spec("guangzhou/department-overall@2022", registry=own)
        variant = perfrules.load_spec(f"{VARIANT}@2022", registry=own)

        def rows(spec: perfrules.Spec) -> list[tuple[object, ...]]:
            return [
                (i.id, i.name, i.weight, i.kind, i.parameters, i.explanation, i.note, [c.id for c in i.children])
                for i in spec.walk()
                if i.id != "1.1.3"
            ]

        assert rows(core) == rows(variant)
        assert {**core.facts} == {k: v for k, v in variant.facts.items() if k != "carried_over"}
        assert (core.grades, core.total, core.precision) == (variant.grades, variant.total, variant.precision)

    def test_carry_over_explains_the_claim(self) -> None:
        """With a carry-over of 8.35 万元 (a hypothesis, not a published figure), 1.1.3 computes the claimed 9.91."""
        result = score(f"{VARIANT}@2022", seed_facts_with("8.35"), perfrules_guangdong)
        assert Decimal("9.91") == result["1.1.3"].computed
        assert "claim-differs" not in {d.code for d in result.diagnostics}
        assert Decimal("95.91") == result.total

    def test_provenance(self) -> None:
        """The result says the spec and the kind came from this plugin."""
        result = score(f"{VARIANT}@2022", seed_facts_with("0"), perfrules_guangdong)
        provenance = perfrules.render(result, "json")
        data = json.loads(provenance)["provenance"]
        assert data["spec"]["plugin"] == data["kinds"]["execution_rate"]["plugin"] != "perfrules"
        assert "perfrules" == data["kinds"]["self_assessed"]["plugin"]


class TestInstalled:
    def test_discovered_by_entry_point(self) -> None:
        """Installed, the plugin is found under the perfrules entry-point group as 'guangdong'."""
        providers = {p.plugin: p for p in perfrules.default_registry().plugins}
        assert "perfrules-guangdong" == providers["guangdong"].distribution
        assert "0.1.0" == providers["guangdong"].version

    def test_spec_by_id_from_the_command_line(self, tmp_path: Path) -> None:
        """perfrules score --spec finds the variant with no other step, and the JSON names the plugin."""
        from perfrules._cli import main

        path = tmp_path / "facts.json"
        path.write_text(json.dumps(seed_facts_with("8.35"), ensure_ascii=False), encoding="utf-8")
        result = CliRunner().invoke(main, ["score", "--spec", VARIANT, "--year", str(path), "--format", "json"])
        assert 0 == result.exit_code, result.output
        data = json.loads(result.stdout)
        assert "95.91" == data["total"]
        assert "perfrules-guangdong" == data["provenance"]["spec"]["distribution"]
        assert "guangdong" == data["provenance"]["kinds"]["execution_rate"]["plugin"]

    def test_listed_by_perfrules_plugins(self) -> None:
        """perfrules plugins lists the plugin, its version and what it registers."""
        from perfrules._cli import main

        output = CliRunner().invoke(main, ["plugins"]).stdout
        assert "guangdong (perfrules-guangdong 0.1.0)" in output
        assert "execution_rate" in output and f"{VARIANT}@2022" in output


def test_budget_fact_listed_twice_is_refused() -> None:
    """Listing a budget fact twice would silently double the budget; it is a located error."""
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(
            LEAF_SPEC.replace("[budget, carried]", "[budget, budget]"), registry=registry(perfrules_guangdong)
        )
    [problem] = info.value.problems
    assert "twice" in problem.message and problem.location is not None
