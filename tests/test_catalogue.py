"""The rule catalogue: each kind from YAML, with the published figures, its errors and its properties."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules.exceptions import FactsError, SpecError

ROOT = Path(__file__).resolve().parents[1]
D = Decimal

FACTS = {
    "x": {"type": "number", "min": 0, "max": 2, "label": "完成率"},
    "y": {"type": "number", "min": 0, "label": "目标值"},
    "n": {"type": "number", "min": 0, "label": "违规次数"},
    "ok": {"type": "boolean", "label": "有决策依据"},
    "ok2": {"type": "boolean", "label": "制度健全"},
    "level": {"type": "text", "values": ["无结余", "有结余但不超过上年结转", "超过上年结转"], "label": "资金结余"},
}


def leaf_spec(kind: str, weight: str = "10", **parameters: Any) -> dict[str, Any]:
    return {
        "spec": 1,
        "id": "test/catalogue",
        "version": "1",
        "name": "目录",
        "precision": 2,
        "facts": FACTS,
        "indicators": [{"id": "a", "name": "甲", "weight": D(weight), "kind": kind, **parameters}],
        "grades": [{"min": 0, "label": "差"}],
    }


def leaf_score(kind: str, facts: dict[str, Any], weight: str = "10", **parameters: Any) -> Decimal:
    values = {"x": "0", "y": "1", "n": "0", "ok": True, "ok2": True, "level": "无结余", **facts}
    return perfrules.evaluate(leaf_spec(kind, weight, **parameters), {"facts": values})["a"].score


def problems(kind: str, **parameters: Any) -> list[perfrules.Diagnostic]:
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(leaf_spec(kind, **parameters))
    return list(info.value.problems)


class TestHunanWorkedFigures:
    SPEC = ROOT / "specs" / "hunan" / "department-worked-2018.yaml"
    FACTS = ROOT / "examples" / "hunan-worked-2018.yaml"

    def test_published_scores(self) -> None:
        """在职人员控制率 8/8, 三公经费变动率 0/8, 预算完成率 8/8 (floor), 预算控制率 0/8."""
        result = perfrules.evaluate(self.SPEC, self.FACTS)
        assert [D("8.00"), D("0.00"), D("8.00"), D("0.00")] == [
            result[i].score for i in ("1.1.1", "1.1.2", "2.1.1", "2.1.2")
        ]
        assert D("16.00") == result.total

    def test_pro_rata_reading_gives_7_71(self) -> None:
        """The same 99.27% read pro rata loses 0.29 and scores 7.71."""
        spec = perfrules.load_spec(self.SPEC)
        text = perfrules.dump_spec(spec).replace("reading: floor", "reading: pro_rata")
        assert D("7.71") == perfrules.evaluate(text, self.FACTS)["2.1.1"].score

    def test_loaded_by_id(self) -> None:
        """The spec ships under its id."""
        assert "2018" == perfrules.load_spec("hunan/department-worked").version


class TestRatio:
    def test_forward(self) -> None:
        """执行率 76% scores 7.6 of 10; above the target it is capped (23,333.56 vs 20,000 -> 10)."""
        assert D("7.60") == leaf_score("ratio", {"x": "0.76"}, actual="x", target=1)
        assert D("10.00") == leaf_score("ratio", {"y": "20000"}, actual="23333.56", target="y")

    def test_inverse(self) -> None:
        """A "≤ 4" target: 5 scores 10 × 4/5 = 8, anything at or below 4 scores full marks."""
        assert D("8.00") == leaf_score("ratio", {"n": "5"}, actual="n", target=4, direction="inverse")
        assert D("10.00") == leaf_score("ratio", {"n": "0"}, actual="n", target=4, direction="inverse")

    def test_over_achievement(self) -> None:
        """Beyond 150% of the target, 1 point off per 10%: 180% loses 3."""
        over = {"beyond": D("1.5"), "points": 1, "per": D("0.1")}
        assert D("7.00") == leaf_score("ratio", {"x": "1.8"}, actual="x", target=1, over_achievement=over)
        assert D("10.00") == leaf_score("ratio", {"x": "1.4"}, actual="x", target=1, over_achievement=over)

    def test_errors(self) -> None:
        """A bad direction or an over-achievement rule on an inverse ratio is a located error."""
        assert ["kind-parameter"] == [p.code for p in problems("ratio", actual="x", target=1, direction="backward")]
        found = problems("ratio", actual="x", target=1, direction="inverse", over_achievement={"beyond": 1})
        assert ["kind-parameter"] == [p.code for p in found]


class TestDeductions:
    def test_threshold(self) -> None:
        """三公经费变动率 98.31% at 0.8 per point loses everything; 5% loses 4."""
        params = {"input": "x", "threshold": 0, "points": D("0.8"), "per": D("0.01")}
        assert D("0.00") == leaf_score("threshold_deduction", {"x": "0.9831"}, **params)
        assert D("6.00") == leaf_score("threshold_deduction", {"x": "0.05"}, **params)

    def test_threshold_below(self) -> None:
        """direction: below deducts for falling short."""
        params = {"input": "x", "threshold": 1, "points": 1, "per": D("0.1"), "direction": "below"}
        assert D("8.00") == leaf_score("threshold_deduction", {"x": "0.8"}, **params)

    def test_step_readings(self) -> None:
        """每低于5%扣2分: 90% loses 4 either way; 92% loses 2 (floor) or 3.2 (pro rata)."""
        params = {"input": "x", "step": D("0.05"), "points": 2}
        assert D("6.00") == leaf_score("step_deduction", {"x": "0.9"}, reading="floor", **params)
        assert D("8.00") == leaf_score("step_deduction", {"x": "0.92"}, reading="floor", **params)
        assert D("6.80") == leaf_score("step_deduction", {"x": "0.92"}, reading="pro_rata", **params)

    def test_step_reading_is_required(self) -> None:
        """The reading must be said: the sources are ambiguous."""
        [problem] = problems("step_deduction", input="x", step=D("0.05"), points=2)
        assert "missing-key" == problem.code and "reading" in problem.message

    def test_per_occurrence(self) -> None:
        """资金使用合规性: 1 point per violation of 3, 扣完为止."""
        assert D("1.00") == leaf_score("per_occurrence", {"n": "2"}, weight="3", input="n", points=1)
        assert D("0.00") == leaf_score("per_occurrence", {"n": "5"}, weight="3", input="n", points=1)


class TestChoices:
    def test_binary(self) -> None:
        """决策依据: 有 -> 2, 没有 -> 0."""
        assert D("2.00") == leaf_score("binary", {"ok": True}, weight="2", input="ok")
        assert D("0.00") == leaf_score("binary", {"ok": False}, weight="2", input="ok")

    def test_binary_needs_a_boolean(self) -> None:
        """A number fact is not a yes/no answer."""
        assert ["unknown-name"] == [p.code for p in problems("binary", input="x")]

    def test_checklist(self) -> None:
        """管理制度健全性: 1 + 2 points, the satisfied items count."""
        items = [{"name": "有决策依据", "input": "ok", "points": 1}, {"input": "ok2", "points": 2}]
        assert D("2.00") == leaf_score("checklist", {"ok": False, "ok2": True}, weight="3", items=items)

    def test_checklist_points_sum_to_weight(self) -> None:
        """Items whose points do not add up to the weight are refused."""
        found = problems("checklist", items=[{"input": "ok", "points": 1}])
        assert "add up to 1, not the weight 10" in found[0].message

    def test_categorical(self) -> None:
        """资金结余: 无结余 3 / 有结余但不超过上年结转 2 / 超过 0."""
        scores = {"无结余": 3, "有结余但不超过上年结转": 2, "超过上年结转": 0}
        assert D("2.00") == leaf_score(
            "categorical", {"level": "有结余但不超过上年结转"}, weight="3", input="level", scores=scores
        )

    def test_categorical_errors(self) -> None:
        """Every declared value needs a score, and only declared values can have one."""
        found = problems("categorical", input="level", scores={"无结余": 3, "超过上年结余": 0})
        assert {"kind-parameter"} == {p.code for p in found}
        assert any("did you mean '超过上年结转'" in p.message for p in found)

    def test_undeclared_value_in_facts(self) -> None:
        """A value the fact does not list is refused when the facts are read against the spec."""
        scores = {"无结余": 3, "有结余但不超过上年结转": 2, "超过上年结转": 0}
        with pytest.raises(FactsError) as info:
            leaf_score("categorical", {"level": "无结余。"}, weight="3", input="level", scores=scores)
        assert ["fact-value"] == [p.code for p in info.value.problems]

    def test_band_table(self) -> None:
        """A band table mixes single values and ranges; over a text fact it scores by value."""
        bands = [{"value": 0, "score": 10}, {"range": "(0, 2]", "score": 5}]
        assert D("10.00") == leaf_score("band_table", {"x": "0"}, input="x", bands=bands)
        assert D("5.00") == leaf_score("band_table", {"x": "0.5"}, input="x", bands=bands)
        text_bands = [
            {"value": v, "score": s} for v, s in (("无结余", 3), ("有结余但不超过上年结转", 2), ("超过上年结转", 0))
        ]
        assert D("0.00") == leaf_score(
            "band_table", {"level": "超过上年结转"}, weight="3", input="level", bands=text_bands
        )


# Each numeric kind, its parameters, the fact it reads and whether its score rises (+1) or falls (-1) with it.
NUMERIC = [
    ("ratio", {"actual": "x", "target": 1}, "x", 1),
    ("ratio", {"actual": "x", "target": D("0.5"), "direction": "inverse"}, "x", -1),
    ("threshold_deduction", {"input": "x", "threshold": D("0.1"), "points": D("0.8"), "per": D("0.01")}, "x", -1),
    ("step_deduction", {"input": "x", "step": D("0.05"), "points": 2, "reading": "floor"}, "x", 1),
    ("step_deduction", {"input": "x", "step": D("0.05"), "points": 2, "reading": "pro_rata"}, "x", 1),
    ("per_occurrence", {"input": "n", "points": D("1.5")}, "n", -1),
]


class TestProperties:
    @pytest.mark.parametrize(("kind", "parameters", "fact", "direction"), NUMERIC)
    @given(data=st.data())
    def test_bounded_and_monotone(
        self, kind: str, parameters: dict[str, Any], fact: str, direction: int, data: st.DataObject
    ) -> None:
        """Over the input's whole domain 0 <= score <= weight, and the score moves one way only."""
        values = sorted(data.draw(st.lists(st.decimals(0, 2, places=4), min_size=2, max_size=2)))
        weight = data.draw(st.sampled_from(["1", "8", "10", "2.5"]))
        low, high = (leaf_score(kind, {fact: str(v)}, weight=weight, **parameters) for v in values)
        for score in (low, high):
            assert D(0) <= score <= D(weight)
        assert (high - low) * direction >= 0

    @pytest.mark.parametrize(("kind", "parameters", "fact", "direction"), NUMERIC)
    def test_explanation_names_the_input(
        self, kind: str, parameters: dict[str, Any], fact: str, direction: int
    ) -> None:
        """The rule in words names the input it reads, by its label."""
        rule = perfrules.load_spec(leaf_spec(kind, **parameters)).indicators[0].rule
        assert rule is not None and FACTS[fact]["label"] in rule.words


class TestChoiceProperties:
    @given(flags=st.tuples(st.booleans(), st.booleans()), points=st.integers(0, 10))
    def test_checklist_and_binary_bounded(self, flags: tuple[bool, bool], points: int) -> None:
        """Every combination of answers scores between 0 and the weight; more answers never score less."""
        items = [{"input": "ok", "points": points}, {"input": "ok2", "points": 10 - points}]
        score = leaf_score("checklist", {"ok": flags[0], "ok2": flags[1]}, items=items)
        assert D(0) <= score <= D(10)
        assert leaf_score("checklist", {"ok": True, "ok2": True}, items=items) >= score
        assert leaf_score("binary", {"ok": flags[0]}, input="ok") in (D(0), D(10))

    @given(scores=st.lists(st.integers(0, 3), min_size=3, max_size=3), value=st.sampled_from(FACTS["level"]["values"]))
    def test_categorical_bounded(self, scores: list[int], value: str) -> None:
        """Every declared value scores its own points, between 0 and the weight."""
        table = dict(zip(FACTS["level"]["values"], scores, strict=True))
        score = leaf_score("categorical", {"level": value}, weight="3", input="level", scores=table)
        assert D(table[value]) == score and D(0) <= score <= D(3)

    @given(tier=st.sampled_from(["达成", "部分达成", "未达成"]), fraction=st.decimals(0, 1, places=2))
    def test_qualitative_tier_accepts_exactly_its_range(self, tier: str, fraction: Decimal) -> None:
        """A claim is its score when it lies in its tier's range, and an error otherwise."""
        facts = {"level": {"type": "text", "values": ["达成", "部分达成", "未达成"], "label": "达成情况"}}
        document = leaf_spec("qualitative_tier", input="level")
        document["facts"] = facts
        claim = fraction * 10
        low, high = {"达成": (8, 10), "部分达成": (6, 8), "未达成": (0, 6)}[tier]
        inside = low <= claim < high or (high == 10 and claim == 10)
        facts_file = {"facts": {"level": tier}, "assessments": {"a": {"score": str(claim)}}}
        if inside:
            assert claim == perfrules.evaluate(document, facts_file).total
        else:
            with pytest.raises(perfrules.exceptions.EvaluationError):
                perfrules.evaluate(document, facts_file)
