"""Explanations: word for word for each kind in both languages, the seed's arithmetic, and the trace property."""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules._numbers import quantize
from perfrules.exceptions import UnknownIndicatorError

from .strategies import facts_for, spec_documents

D = Decimal

FACTS = {
    "x": {"type": "number", "min": 0, "max": 2, "label": "完成率", "label_en": "completion rate"},
    "y": {"type": "number", "min": 0, "label": "目标值", "label_en": "target", "unit": "万元"},
    "n": {"type": "number", "min": 0, "label": "违规次数", "label_en": "violations"},
    "ok": {"type": "boolean", "label": "有决策依据", "label_en": "decisions documented"},
    "level": {
        "type": "text",
        "values": ["无结余", "有结余但不超过上年结转", "超过上年结转"],
        "label": "资金结余",
        "label_en": "balance",
    },
    "tier": {"type": "text", "values": ["达成", "部分达成", "未达成"], "label": "完成程度", "label_en": "attainment"},
}


def spec(*leaves: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {
        "spec": 1,
        "id": "test/explain",
        "version": "1",
        "name": "说明",
        "name_en": "Explained",
        "precision": 2,
        "facts": FACTS,
        "indicators": list(leaves),
        "grades": [{"min": 0, "label": "差", "label_en": "poor"}],
        **options,
    }


def leaf(kind: str, ident: str = "a", weight: str = "10", **parameters: Any) -> dict[str, Any]:
    return {"id": ident, "name": "甲", "name_en": "A", "weight": D(weight), "kind": kind, **parameters}


def facts(values: dict[str, Any], **assessments: Any) -> dict[str, Any]:
    defaults = {"x": "0", "y": "1", "n": "0", "ok": True, "level": "无结余", "tier": "达成"}
    return {"facts": {**defaults, **values}, "assessments": assessments}


def explained(kind: str, values: dict[str, Any], claim: str | None = None, **parameters: Any) -> perfrules.Explanation:
    assessments = {"a": {"score": claim}} if claim is not None else {}
    evaluation = perfrules.evaluate(spec(leaf(kind, **parameters)), facts(values, **assessments))
    return perfrules.explain(evaluation, "a")


KINDS = [
    pytest.param(
        ("expression", {"x": "0.5"}),
        {"expression": "weight * x"},
        [
            "a 甲：得分 5.00 / 分值 10，失 5.00 分",
            "规则：按公式计分：weight * x",
            "数据：完成率 x = 0.5",
            "计算：10 × 0.5 = 5.0",
            "未达标原因（草拟）：按规则「按公式计分：weight * x」，完成率 0.5，得 5.00 分（分值 10），失 5.00 分",
        ],
        [
            "a A: score 5.00 of 10, 5.00 lost",
            "rule: computed as weight * x",
            "inputs: completion rate x = 0.5",
            "arithmetic: 10 × 0.5 = 5.0",
            "reason (drafted): by the rule “computed as weight * x”, with completion rate 0.5, the score is 5.00 of 10: 5.00 lost",
        ],
        id="expression",
    ),
    pytest.param(
        ("self_assessed", {}, "8"),
        {},
        [
            "a 甲：得分 8.00 / 分值 10，失 2.00 分",
            "规则：由单位自评打分",
            "自评 8.00 分",
            "未达标原因（草拟）：得 8.00 分（分值 10），失 2.00 分；单位未说明原因，待补充",
        ],
        [
            "a A: score 8.00 of 10, 2.00 lost",
            "rule: scored by the unit's own assessment",
            "claimed 8.00",
            "reason (drafted): scored 8.00 of 10, 2.00 lost; the unit gave no reason (to be supplied)",
        ],
        id="self_assessed",
    ),
    pytest.param(
        ("bands", {"x": "0.97"}),
        {"input": "x", "bands": [{"range": "[0.95, 2]", "score": 10}, {"range": "[0, 0.95)", "score": 6}]},
        [
            "a 甲：得分 10.00 / 分值 10，满分",
            "规则：按完成率分档计分：[0.95, 2] 得 10 分；[0, 0.95) 得 6 分",
            "数据：完成率 x = 0.97",
            "条件：0.95 ≤ 0.97 and 0.97 ≤ 2，成立",
            "计算：10",
        ],
        [
            "a A: score 10.00 of 10, full marks",
            "rule: scored by bands of completion rate: [0.95, 2] -> 10; [0, 0.95) -> 6",
            "inputs: completion rate x = 0.97",
            "condition: 0.95 ≤ 0.97 and 0.97 ≤ 2: true",
            "arithmetic: 10",
        ],
        id="bands",
    ),
    pytest.param(
        ("ratio", {"x": "0.9", "y": "1.2"}),
        {"actual": "x", "target": "y"},
        [
            "a 甲：得分 7.50 / 分值 10，失 2.50 分",
            "规则：得分 = 分值 × min(完成率 ÷ 目标值, 1)",
            "数据：完成率 x = 0.9；目标值 y = 1.2 万元",
            "条件：0.9 ≥ 1.2，不成立",
            "计算：10 × 0.9 ÷ 1.2 = 7.5",
            "未达标原因（草拟）：按规则「得分 = 分值 × min(完成率 ÷ 目标值, 1)」，完成率 0.9，目标值 1.2 万元，得 7.50 分（分值 10），失 2.50 分",
        ],
        [
            "a A: score 7.50 of 10, 2.50 lost",
            "rule: weight × min(completion rate / target, 1)",
            "inputs: completion rate x = 0.9; target y = 1.2 万元",
            "condition: 0.9 ≥ 1.2: false",
            "arithmetic: 10 × 0.9 ÷ 1.2 = 7.5",
            "reason (drafted): by the rule “weight × min(completion rate / target, 1)”, with completion rate 0.9, target 1.2 万元, the score is 7.50 of 10: 2.50 lost",
        ],
        id="ratio",
    ),
    pytest.param(
        ("threshold_deduction", {"x": "0.13"}),
        {"input": "x", "threshold": "0.1", "points": "1", "per": "0.01"},
        [
            "a 甲：得分 7.00 / 分值 10，失 3.00 分",
            "规则：完成率超过0.1的部分每0.01扣1分，扣完为止",
            "数据：完成率 x = 0.13",
            "计算：max(0, 10 - 1 × max(0, 0.13 - 0.1) ÷ 0.01) = 7",
            "未达标原因（草拟）：按规则「完成率超过0.1的部分每0.01扣1分，扣完为止」，完成率 0.13，得 7.00 分（分值 10），失 3.00 分",
        ],
        [
            "a A: score 7.00 of 10, 3.00 lost",
            "rule: 1 off per 0.01 of completion rate above 0.1, down to 0",
            "inputs: completion rate x = 0.13",
            "arithmetic: max(0, 10 - 1 × max(0, 0.13 - 0.1) ÷ 0.01) = 7",
            "reason (drafted): by the rule “1 off per 0.01 of completion rate above 0.1, down to 0”, with completion rate 0.13, the score is 7.00 of 10: 3.00 lost",
        ],
        id="threshold_deduction",
    ),
    pytest.param(
        ("step_deduction", {"x": "0.9927"}),
        {"input": "x", "step": "0.05", "points": "2", "reading": "pro_rata"},
        [
            "a 甲：得分 9.71 / 分值 10，失 0.29 分",
            "规则：完成率达到1得满分，每低于0.05扣2分，按比例计（不足一档按比例扣），扣完为止",
            "数据：完成率 x = 0.9927",
            "计算：max(0, 10 - 2 × max(0, 1 - 0.9927) ÷ 0.05) = 9.708",
            "舍入：四舍五入到 2 位小数，得 9.71",
            "未达标原因（草拟）：按规则「完成率达到1得满分，每低于0.05扣2分，按比例计（不足一档按比例扣），扣完为止」，完成率 0.9927，得 9.71 分（分值 10），失 0.29 分",
        ],
        [
            "a A: score 9.71 of 10, 0.29 lost",
            "rule: full marks at or above 1; 2 off per 0.05 below it (fractions of a step count), down to 0",
            "inputs: completion rate x = 0.9927",
            "arithmetic: max(0, 10 - 2 × max(0, 1 - 0.9927) ÷ 0.05) = 9.708",
            "rounding: half up to 2 decimals gives 9.71",
            "reason (drafted): by the rule “full marks at or above 1; 2 off per 0.05 below it (fractions of a step count), down to 0”, with completion rate 0.9927, the score is 9.71 of 10: 0.29 lost",
        ],
        id="step_deduction",
    ),
    pytest.param(
        ("per_occurrence", {"n": "3"}),
        {"input": "n", "points": "2"},
        [
            "a 甲：得分 4.00 / 分值 10，失 6.00 分",
            "规则：每发生一次（违规次数）扣2分，扣完为止",
            "数据：违规次数 n = 3",
            "计算：max(0, 10 - 2 × 3) = 4",
            "未达标原因（草拟）：按规则「每发生一次（违规次数）扣2分，扣完为止」，违规次数 3，得 4.00 分（分值 10），失 6.00 分",
        ],
        [
            "a A: score 4.00 of 10, 6.00 lost",
            "rule: 2 off per occurrence (violations), down to 0",
            "inputs: violations n = 3",
            "arithmetic: max(0, 10 - 2 × 3) = 4",
            "reason (drafted): by the rule “2 off per occurrence (violations), down to 0”, with violations 3, the score is 4.00 of 10: 6.00 lost",
        ],
        id="per_occurrence",
    ),
    pytest.param(
        ("checklist", {"ok": False}),
        {"items": [{"name": "有依据", "input": "ok", "points": 4}, {"name": "有依据2", "input": "ok", "points": 6}]},
        [
            "a 甲：得分 0.00 / 分值 10，失 10.00 分",
            "规则：满足一项得一项的分：有依据 4分；有依据2 6分",
            "数据：有决策依据 ok = 否",
            "条件：ok = False，不成立",
            "条件：ok = False，不成立",
            "计算：0 + 0 = 0",
            "未达标原因（草拟）：按规则「满足一项得一项的分：有依据 4分；有依据2 6分」，有决策依据 否，得 0.00 分（分值 10），失 10.00 分",
        ],
        [
            "a A: score 0.00 of 10, 10.00 lost",
            "rule: the points of each item satisfied: decisions documented 4; decisions documented 6",
            "inputs: decisions documented ok = false",
            "condition: ok = False: false",
            "condition: ok = False: false",
            "arithmetic: 0 + 0 = 0",
            "reason (drafted): by the rule “the points of each item satisfied: decisions documented 4; decisions documented 6”, with decisions documented false, the score is 0.00 of 10: 10.00 lost",
        ],
        id="checklist",
    ),
    pytest.param(
        ("binary", {"ok": False}),
        {"input": "ok"},
        [
            "a 甲：得分 0.00 / 分值 10，失 10.00 分",
            "规则：有决策依据则得满分，否则不得分",
            "数据：有决策依据 ok = 否",
            "条件：ok = False，不成立",
            "计算：0",
            "未达标原因（草拟）：按规则「有决策依据则得满分，否则不得分」，有决策依据 否，得 0.00 分（分值 10），失 10.00 分",
        ],
        [
            "a A: score 0.00 of 10, 10.00 lost",
            "rule: full marks if decisions documented, else 0",
            "inputs: decisions documented ok = false",
            "condition: ok = False: false",
            "arithmetic: 0",
            "reason (drafted): by the rule “full marks if decisions documented, else 0”, with decisions documented false, the score is 0.00 of 10: 10.00 lost",
        ],
        id="binary",
    ),
    pytest.param(
        ("categorical", {"level": "有结余但不超过上年结转"}),
        {"input": "level", "scores": {"无结余": 10, "有结余但不超过上年结转": 6, "超过上年结转": 0}},
        [
            "a 甲：得分 6.00 / 分值 10，失 4.00 分",
            "规则：按资金结余计分：无结余 得 10 分；有结余但不超过上年结转 得 6 分；超过上年结转 得 0 分",
            "数据：资金结余 level = 有结余但不超过上年结转",
            "条件：'有结余但不超过上年结转' = '无结余'，不成立",
            "条件：'有结余但不超过上年结转' = '有结余但不超过上年结转'，成立",
            "计算：6",
            "未达标原因（草拟）：按规则「按资金结余计分：无结余 得 10 分；有结余但不超过上年结转 得 6 分；超过上年结转 得 0 分」，资金结余 有结余但不超过上年结转，得 6.00 分（分值 10），失 4.00 分",
        ],
        [
            "a A: score 6.00 of 10, 4.00 lost",
            "rule: by balance: 无结余 -> 10; 有结余但不超过上年结转 -> 6; 超过上年结转 -> 0",
            "inputs: balance level = 有结余但不超过上年结转",
            "condition: '有结余但不超过上年结转' = '无结余': false",
            "condition: '有结余但不超过上年结转' = '有结余但不超过上年结转': true",
            "arithmetic: 6",
            "reason (drafted): by the rule “by balance: 无结余 -> 10; 有结余但不超过上年结转 -> 6; 超过上年结转 -> 0”, with balance 有结余但不超过上年结转, the score is 6.00 of 10: 4.00 lost",
        ],
        id="categorical",
    ),
    pytest.param(
        ("band_table", {"x": "0"}),
        {"input": "x", "bands": [{"value": 0, "score": 10}, {"range": "(0, 2]", "score": 5}]},
        [
            "a 甲：得分 10.00 / 分值 10，满分",
            "规则：按完成率分档计分：[0, 0] 得 10 分；(0, 2] 得 5 分",
            "数据：完成率 x = 0",
            "条件：0 ≤ 0 and 0 ≤ 0，成立",
            "计算：10",
        ],
        [
            "a A: score 10.00 of 10, full marks",
            "rule: scored by bands of completion rate: [0, 0] -> 10; (0, 2] -> 5",
            "inputs: completion rate x = 0",
            "condition: 0 ≤ 0 and 0 ≤ 0: true",
            "arithmetic: 10",
        ],
        id="band_table",
    ),
    pytest.param(
        ("qualitative_tier", {"tier": "部分达成"}, "7"),
        {"input": "tier"},
        [
            "a 甲：得分 7.00 / 分值 10，失 3.00 分",
            "规则：按完成程度分档，由评价人在档内打分：达成 100%–80%；部分达成 80%–60%；未达成 60%–0%（占分值）",
            "数据：完成程度 tier = 部分达成",
            "条件：'部分达成' = '达成'，不成立",
            "条件：'部分达成' = '部分达成'，成立",
            "计算：within(7.00, 6.0, 8.0, True) = 7.00",
            "自评 7.00 分，与规则计算一致",
            "未达标原因（草拟）：按规则「按完成程度分档，由评价人在档内打分：达成 100%–80%；部分达成 80%–60%；未达成 60%–0%（占分值）」，完成程度 部分达成，得 7.00 分（分值 10），失 3.00 分",
        ],
        [
            "a A: score 7.00 of 10, 3.00 lost",
            "rule: the assessor scores within the tier of attainment: 达成 80%-100%; 部分达成 60%-80%; 未达成 0%-60%",
            "inputs: attainment tier = 部分达成",
            "condition: '部分达成' = '达成': false",
            "condition: '部分达成' = '部分达成': true",
            "arithmetic: within(7.00, 6.0, 8.0, True) = 7.00",
            "claimed 7.00, as the rule computes",
            "reason (drafted): by the rule “the assessor scores within the tier of attainment: 达成 80%-100%; 部分达成 60%-80%; 未达成 0%-60%”, with attainment 部分达成, the score is 7.00 of 10: 3.00 lost",
        ],
        id="qualitative_tier",
    ),
    pytest.param(
        ("target", {}),
        {"target": "≥266米", "actual": "250米"},
        [
            "a 甲：得分 9.40 / 分值 10，失 0.60 分",
            "规则：正向指标，指标值 ≥266米，完成值 250米；达到得满分，未达到按 完成值 ÷ 指标值 × 分值",
            "条件：250 ≥ 266，不成立",
            "计算：10 × 250 ÷ 266 ≈ 9.398496",
            "舍入：四舍五入到 2 位小数，得 9.40",
            "未达标原因（草拟）：按规则「正向指标，指标值 ≥266米，完成值 250米；达到得满分，未达到按 完成值 ÷ 指标值 × 分值」，得 9.40 分（分值 10），失 0.60 分",
        ],
        [
            "a A: score 9.40 of 10, 0.60 lost",
            "rule: forward target ≥266米, actual 250米: met -> full marks, else pro rata",
            "condition: 250 ≥ 266: false",
            "arithmetic: 10 × 250 ÷ 266 ≈ 9.398496",
            "rounding: half up to 2 decimals gives 9.40",
            "reason (drafted): by the rule “forward target ≥266米, actual 250米: met -> full marks, else pro rata”, the score is 9.40 of 10: 0.60 lost",
        ],
        id="target",
    ),
]


class TestKindsWordForWord:
    @pytest.mark.parametrize(("arguments", "parameters", "zh", "en"), KINDS)
    def test_lines(self, arguments: tuple[Any, ...], parameters: dict[str, Any], zh: list[str], en: list[str]) -> None:
        """Each kind's explanation, in Chinese and in English, is exactly as written here."""
        explanation = explained(*arguments, **parameters)
        assert zh == explanation.lines("zh")
        assert en == explanation.lines("en")

    def test_every_builtin_kind_is_covered(self) -> None:
        """The table above has a case for every kind perfrules ships."""
        builtin = perfrules.default_registry().registered_by("perfrules")["indicator_kinds"]
        assert sorted(builtin) == sorted(case.values[0][0] for case in KINDS)


class TestSeed:
    def test_computed_leaf_in_chinese(self, seed: perfrules.Evaluation) -> None:
        """1.1.3 shows its inputs, the arithmetic with 1288.38 and 1291.73, the rounding to 9.97 and the claim 9.91."""
        assert [
            "1.1.3 部门预算资金支出率：得分 9.91 / 分值 10，失 0.09 分",
            "规则：按公式计分：weight * min(executed / budget_full_year, 1)（假定规则：官方计分规则未公布）",
            "数据：全年预算数 budget_full_year = 1291.73 万元；执行数 executed = 1288.38 万元",
            "计算：10 × min(1288.38 ÷ 1291.73, 1) ≈ 9.974066",
            "舍入：四舍五入到 2 位小数，得 9.97",
            "自评 9.91 分，规则计算 9.97 分，不一致；按自评分计",
            "未达标原因：全年预算数1,291.73万元,执行数1,288.38万元,完成预算的99.7%。",
        ] == perfrules.explain(seed, "1.1.3").lines("zh")[:7]

    def test_computed_leaf_in_english(self, seed: perfrules.Evaluation) -> None:
        """The same in English."""
        assert [
            "1.1.3 部门预算资金支出率: score 9.91 of 10, 0.09 lost",
            "rule: computed as weight * min(executed / budget_full_year, 1)"
            " (assumed rule: the official rule is not published)",
            "inputs: full-year budget budget_full_year = 1291.73 万元; amount spent executed = 1288.38 万元",
            "arithmetic: 10 × min(1288.38 ÷ 1291.73, 1) ≈ 9.974066",
            "rounding: half up to 2 decimals gives 9.97",
            "claimed 9.91, the rule computes 9.97: they differ; the claim is reported",
        ] == perfrules.explain(seed, "1.1.3").lines("en")[:6]

    def test_every_computed_leaf_shows_its_arithmetic(self, seed: perfrules.Evaluation) -> None:
        """Every leaf with a rule that computes has an arithmetic line in both languages."""
        explanation = perfrules.explain(seed)
        computed = [node for node in explanation.walk() if node.result.computed is not None]
        assert ["1.1.3"] == [node.id for node in computed]
        for node in computed:
            assert any(line.startswith("计算：") for line in node.lines("zh"))
            assert any(line.startswith("arithmetic: ") for line in node.lines("en"))

    def test_form_rolls_up(self, seed: perfrules.Evaluation) -> None:
        """The form's lines give the total, the grade with its band, the sum and where points were lost."""
        assert [
            "部门整体支出绩效自评表：总分 95.91 / 100，等级 优（90 ≤ 总分 ≤ 100）",
            "= 1 45.91 + 2 50.00",
            "失分：1.1.2 失 4.00；1.1.3 失 0.09",
        ] == perfrules.explain(seed).lines("zh")

    def test_text_indents_the_tree(self, seed: perfrules.Evaluation) -> None:
        """The whole text puts each indicator under its parent, its details one level further."""
        text = perfrules.explain(seed, "1.1").text("en").splitlines()
        assert "1.1 Overall effectiveness: score 45.91 of 50, 4.09 lost" == text[0]
        assert "  1.1.3 部门预算资金支出率: score 9.91 of 10, 0.09 lost" in text
        assert "    arithmetic: 10 × min(1288.38 ÷ 1291.73, 1) ≈ 9.974066" in text

    @pytest.mark.parametrize("ask", ["explain", "result", "spec"])
    def test_unknown_indicator_suggests_one(self, seed: perfrules.Evaluation, ask: str) -> None:
        """Asking for an id that does not exist raises perfrules' own error, a KeyError, naming the nearest."""
        lookups = {
            "explain": lambda: perfrules.explain(seed, "1.1.9"),
            "result": lambda: seed["1.1.9"],
            "spec": lambda: seed.spec.indicator("1.1.9"),
        }
        with pytest.raises(UnknownIndicatorError) as raised:
            lookups[ask]()
        assert isinstance(raised.value, KeyError)
        assert "no indicator '1.1.9' in guangzhou/department-overall@2022 (did you mean '1.1.3'?)" == str(raised.value)

    def test_unknown_language_is_refused(self, seed: perfrules.Evaluation) -> None:
        """Only zh and en are offered."""
        with pytest.raises(ValueError, match="lang must be one of zh, en"):
            perfrules.explain(seed).lines("fr")  # type: ignore[arg-type]

    def test_json_carries_the_explanation(self, seed: perfrules.Evaluation) -> None:
        """The JSON report has each indicator's arithmetic, exact value and lines in both languages."""
        import json

        data = json.loads(perfrules.render(seed, "json"))
        explanation = data["indicators"][0]["children"][0]["children"][2]["why"]
        assert "10 * min(1288.38 / 1291.73, 1)" == explanation["arithmetic"]
        assert "9.974065787742020391258235080" == explanation["value"]
        assert explanation["assumed"] is True
        assert "舍入：四舍五入到 2 位小数，得 9.97" in explanation["lines"]["zh"]
        assert "rounding: half up to 2 decimals gives 9.97" in explanation["lines"]["en"]
        assert "反映部门预算资金支出进度。" == data["indicators"][0]["children"][0]["children"][2]["explanation"]


class TestHandling:
    def test_clamped(self) -> None:
        """A rule that gives more than the weight says so and takes the weight."""
        explanation = explained("expression", {"x": "1.5"}, expression="weight * x")
        assert [
            "计算：10 × 1.5 = 15.0",
            "超出 0 至分值 10 的范围，取 10",
        ] == explanation.lines("zh")[3:5]

    def test_round_at_total(self) -> None:
        """When only the total is rounded, a leaf says it is not rounded itself."""
        document = spec(leaf("ratio", actual="x", target="y"), round_at="total")
        evaluation = perfrules.evaluate(document, facts({"x": "1", "y": "3"}))
        assert (
            "rounding: not rounded here; the total is rounded half up to 2 decimals"
            == perfrules.explain(evaluation, "a").lines("en")[5]
        )

    def test_not_applicable_excluded_and_renormalised(self) -> None:
        """An excluded leaf says where its weight went; its sibling says its weight grew and by how much."""
        document = spec(
            {
                "id": "p",
                "name": "乙",
                "weight": 20,
                "children": [
                    leaf("self_assessed", "p1", "10", not_applicable="exclude"),
                    leaf("self_assessed", "p2", "10"),
                ],
            }
        )
        evaluation = perfrules.evaluate(document, facts({}, p1={"score": "/"}, p2={"score": "10"}))
        explanation = perfrules.explain(evaluation)
        p1, p2 = explanation.children[0].children
        assert ["p1 甲：得分 0.00 / 分值 0，满分", "单位标注不适用：不计分，分值 10 按比例分给同级指标"] == p1.lines(
            "zh"
        )
        assert "同级有不适用指标，分值按比例由 10 调整为 20.00，得分同比例折算" == p2.lines("zh")[1]
        assert "= p2 20.00" == explanation.children[0].lines("zh")[1]

    def test_reason_given_is_not_drafted(self) -> None:
        """A unit's own reason is shown as such, and nothing is drafted."""
        document = spec(leaf("self_assessed"))
        evaluation = perfrules.evaluate(
            document, facts({}, a={"score": "8", "reason": "疫情影响", "measure": "加强管理"})
        )
        explanation = perfrules.explain(evaluation, "a")
        assert explanation.drafted_reason() is None
        assert ["未达标原因：疫情影响", "改进措施：加强管理"] == explanation.lines("zh")[-2:]

    def test_full_score_drafts_nothing(self) -> None:
        """No points lost, no drafted reason."""
        explanation = explained("binary", {"ok": True}, input="ok")
        assert not explanation.drafted
        assert "a A: score 10.00 of 10, full marks" == explanation.lines("en")[0]

    def test_review_lines(self) -> None:
        """A reviewed leaf shows the review score, the note and which score is final, per the spec's rule."""
        document = spec(leaf("self_assessed"), final_score="lower")
        review = {"indicators": {"a": {"score": "9", "note": "佐证不足"}}}
        evaluation = perfrules.evaluate(document, facts({}, a={"score": "8", "reason": "r"}), review=review)
        lines = perfrules.explain(evaluation, "a").lines("zh")
        assert "复核分 9.00（复核意见：佐证不足）；最终得分取自评分与复核分之低者：8.00" == lines[3]
        assert "复核前自评总分 8.00" == perfrules.explain(evaluation).lines("zh")[-1]


def _recomputed(explanation: perfrules.Explanation, functions: Any, weight: Decimal) -> Decimal | None:
    """The leaf's score re-computed from its explanation's own substituted arithmetic."""
    trace = explanation.trace
    assert trace is not None
    value = perfrules.Expression.parse(trace.arithmetic, max_length=None).evaluate({}, functions)
    assert isinstance(value, Decimal)
    assert trace.value == value
    bounded = Decimal(0) if value <= 0 else min(value, weight)
    if explanation.clamped is not None:
        assert explanation.clamped == bounded
    if explanation.spec.round_at == "indicator":
        return quantize(bounded, explanation.spec.precision, explanation.spec.rounding)
    return bounded


class TestTraceProperty:
    @given(st.data())
    def test_substituted_arithmetic_gives_the_score(self, data: st.DataObject) -> None:
        """For any spec and facts, a leaf's substituted arithmetic, evaluated alone, gives what the rule computed."""
        document = data.draw(spec_documents())
        values = data.draw(facts_for(document))
        spec_ = perfrules.load_spec(document)
        evaluation = perfrules.evaluate(spec_, values)
        functions = perfrules.default_registry().functions
        weights = {indicator.id: indicator.weight for indicator in spec_.walk()}
        for node in perfrules.explain(evaluation).walk():
            if node.trace is None:
                continue
            with decimal.localcontext(decimal.Context(prec=50)):  # the caller's context does not matter
                recomputed = _recomputed(node, functions, weights[node.id])
            assert node.result.computed == recomputed
            if node.result.claim is None and node.result.declared_weight is None:
                assert node.result.score == recomputed
