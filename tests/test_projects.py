"""Project forms: targets as written, the national skeleton filled by a unit, the published examples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules._rules.targets import TargetError, parse_target
from perfrules.exceptions import FactsError

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "specs" / "national" / "project-2020.yaml"
D = Decimal


class TestTargets:
    @pytest.mark.parametrize(
        ("text", "comparator", "value", "unit"),
        [
            ("≥266米", ">=", "266", "米"),
            ("≤4", "<=", "4", None),
            ("=1", "=", "1", None),
            ("98%以上", ">=", "0.98", "%"),
            ("不低于95%", ">=", "0.95", "%"),
            ("20万元", "=", "20", "万元"),
            ("≥ 90 %", ">=", "0.9", "%"),
            (">=90%", ">=", "0.9", "%"),
            ("不超过5万元", "<=", "5", "万元"),
            ("1,288.38万元", "=", "1288.38", "万元"),
            ("≤5天", "<=", "5", "天"),
            ("≥1000人", ">=", "1000", "人"),
        ],
    )
    def test_quantities(self, text: str, comparator: str, value: str, unit: str | None) -> None:
        """Comparators in symbols or words, numbers with separators, units and percentages (as fractions)."""
        target = parse_target(text)
        assert (comparator, D(value), unit, text) == (target.comparator, target.value, target.unit, target.raw)

    @pytest.mark.parametrize(
        ("text", "deadline", "comparator"),
        [
            ("9月前", (None, 9, 0), "<"),
            ("9月底前", (None, 9, 30), "<="),
            ("12月", (None, 12, 31), "<="),
            ("2022年12月底前", (2022, 12, 31), "<="),
        ],
    )
    def test_deadlines(self, text: str, deadline: tuple[int | None, int, int], comparator: str) -> None:
        """ "9月前" is before September; "9月底前" by its end."""
        target = parse_target(text)
        assert (deadline, comparator) == (target.deadline, target.comparator)

    @pytest.mark.parametrize(
        ("text", "tier"),
        [
            ("显著提升", "达成"),
            ("达成预期指标", "达成"),
            ("及时", "达成"),
            ("基本达成", "部分达成"),
            ("未完成", "未达成"),
        ],
    )
    def test_words(self, text: str, tier: str) -> None:
        """Qualitative words map to the tiers of 财预〔2020〕10号."""
        assert tier == parse_target(text).tier

    def test_not_applicable(self) -> None:
        """ "/" is not applicable."""
        assert parse_target("/").not_applicable

    @pytest.mark.parametrize("text", ["≥abc", "≥十", "≥5以下", "≥5米米米米米米米米米"])
    def test_unreadable(self, text: str) -> None:
        """A text that opens as a quantity but is none is an error quoting the text."""
        with pytest.raises(TargetError, match=repr(text)[1:-1][:3]):
            parse_target(text)

    @given(
        comparator=st.sampled_from(["≥", "≤", "=", ">", "<", "不低于", "不超过"]),
        value=st.decimals(0, 10**6, places=2),
        unit=st.sampled_from(["", "米", "万元", "%", "人次", "个"]),
    )
    def test_round_trip(self, comparator: str, value: Decimal, unit: str) -> None:
        """A generated target reads back as the comparator, value and unit it was written with."""
        text = f"{comparator}{value}{unit}"
        target = parse_target(text)
        expected = {"≥": ">=", "≤": "<=", "=": "=", ">": ">", "<": "<", "不低于": ">=", "不超过": "<="}[comparator]
        assert expected == target.comparator
        assert (value / 100 if unit == "%" else value) == target.value
        assert (unit or None) == target.unit


def unit_facts(indicators: dict[str, list[dict[str, Any]]], **extra: Any) -> dict[str, Any]:
    return {
        "facts": {"budget_initial": "100", "budget_full_year": "100", "executed": "100"},
        "indicators": indicators,
        **extra,
    }


FULL = {
    "1.1": [{"id": "a", "name": "数量", "weight": 50, "target": "≥100个", "actual": "120个", "score": 50}],
    "2.2": [{"id": "b", "name": "社会", "weight": 30, "target": "显著提升", "actual": "基本达成", "score": 20}],
    "3.1": [{"id": "c", "name": "满意度", "weight": 10, "target": "≥90%", "actual": "85%", "score": "9.44"}],
}


class TestSkeleton:
    def test_unit_indicators_score(self) -> None:
        """A unit's own indicators fill the slots and score by their targets."""
        result = perfrules.evaluate(NATIONAL, unit_facts(FULL))
        assert D("50.00") == result["a"].computed
        assert (D("20.00"), None) == (result["b"].score, None)
        assert D("9.44") == result["c"].computed  # 10 × 0.85 / 0.90
        assert D("89.44") == result.total and "良" == result.grade.label

    def test_qualitative_claim_must_fit_the_tier(self) -> None:
        """基本达成 is 部分达成: 60–80% of the weight; a claim of 25 of 30 is outside."""
        wrong = {**FULL, "2.2": [{**FULL["2.2"][0], "score": 25}]}
        with pytest.raises(perfrules.exceptions.EvaluationError, match="outside"):
            perfrules.evaluate(NATIONAL, unit_facts(wrong))

    def test_weights_must_fill_each_block(self, tmp_path: Path) -> None:
        """产出 must weigh 50: a unit writing 40 is told so at its facts file's line."""
        short = {**FULL, "1.1": [{**FULL["1.1"][0], "weight": 40, "score": 40}]}
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, unit_facts(short))
        [problem] = info.value.problems
        assert ("weight-sum", "1") == (problem.code, problem.indicator) and "40" in problem.message

    def test_errors_point_at_the_facts_file(self, tmp_path: Path) -> None:
        """A unit mismatch, an unreadable target and an unknown slot are reported at their lines in the facts file."""
        head = "facts: {budget_initial: 1, budget_full_year: 1, executed: 1}\nindicators:\n"
        path = tmp_path / "unit.yaml"
        path.write_text(
            head + "  '1.1':\n"
            "    - {id: a, name: 甲, weight: 25, target: ≥100万元, actual: 99元, score: 25}\n"
            "    - {id: b, name: 乙, weight: 25, target: ≥很多, actual: 很多, score: 25}\n",
            encoding="utf-8",
        )
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, path)
        found = [(p.code, p.location.line if p.location else None) for p in info.value.problems]
        assert ("target", 4) in found and ("target", 5) in found
        path.write_text(
            head + "  '9.9':\n    - {id: d, name: 丁, weight: 30, target: ≥1, actual: 1}\n", encoding="utf-8"
        )
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, path)
        assert [("unknown-slot", 3)] == [
            (p.code, p.location.line if p.location else None) for p in info.value.problems if p.code == "unknown-slot"
        ]

    def test_slot_kinds_and_counts(self) -> None:
        """满意度 needs at least one indicator, and slots take only their kinds."""
        no_satisfaction = {k: v for k, v in FULL.items() if k != "3.1"}
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, unit_facts(no_satisfaction))
        assert "slot-count" in [p.code for p in info.value.problems]
        bands = {**FULL, "1.1": [{"id": "a", "name": "数量", "weight": 50, "kind": "binary", "input": "x"}]}
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, unit_facts(bands))
        assert "slot-kind" in [p.code for p in info.value.problems]

    def test_not_applicable_leaf_is_excluded(self) -> None:
        """An indicator with "/" is excluded and its siblings renormalised."""
        two = {
            **FULL,
            "1.1": [
                FULL["1.1"][0] | {"weight": 25, "score": 25},
                {"id": "e", "name": "戊", "weight": 25, "target": "≥1", "actual": "/"},
            ],
        }
        result = perfrules.evaluate(NATIONAL, unit_facts(two))
        assert ("exclude", D(0)) == (result["e"].not_applicable, result["e"].weight)
        assert D("50.00") == result["a"].weight == result["a"].score

    @given(data=st.data())
    def test_scores_within_weights(self, data: st.DataObject) -> None:
        """Whatever the targets and actuals, every unit-defined leaf scores between 0 and its weight."""
        rows = []
        for index, weight in enumerate((20, 20, 10)):
            comparator = data.draw(st.sampled_from(["≥", "≤", "="]))
            target = data.draw(st.decimals(D("0.01"), 1000, places=2))
            actual = data.draw(st.decimals(D("0.01"), 1000, places=2))
            rows.append(
                {
                    "id": f"u{index}",
                    "name": f"指标{index}",
                    "weight": weight,
                    "target": f"{comparator}{target}个",
                    "actual": f"{actual}个",
                }
            )
        indicators = {"1.1": rows, "2.2": [FULL["2.2"][0] | {"weight": 30, "score": 20}], "3.1": FULL["3.1"]}
        result = perfrules.evaluate(NATIONAL, unit_facts(indicators))
        for node in result.walk():
            assert D(0) <= node.score <= node.weight


class TestPublishedForms:
    def test_putuo_scores_its_printed_total(self) -> None:
        """普陀体育中心 2022: 98.62, with 8.62 for executing 86.18% of the budget."""
        result = perfrules.evaluate(NATIONAL, ROOT / "examples" / "putuo-sports-2022.yaml")
        assert (D("98.62"), D("8.62")) == (result.total, result["4"].score)
        assert "stated-total" not in [d.code for d in result.diagnostics]

    def test_zhongjiang_weights_are_named(self) -> None:
        """中江 2022 prints 100 but its rows weigh 110: 产出 70 against 50 and 效益 20 against 30 are reported."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, ROOT / "examples" / "zhongjiang-water-2022.yaml")
        messages = sorted(p.message for p in info.value.problems)
        assert [
            "the children of '1' weigh 70 in all, not its weight 50",
            "the children of '2' weigh 20 in all, not its weight 30",
        ] == messages


def test_rounding_the_rate_first_as_the_docs_show() -> None:
    """The docs' override rounds the rate first: 49.88% scores 5, not 4.99."""
    import re

    text = (ROOT / "docs" / "project-forms.md").read_text(encoding="utf-8")
    [override] = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL) if b.startswith("overrides:")]
    spec = perfrules.load_spec(f"spec: 1\nid: t/r\nversion: '1'\nextends: national/project@2020\n{override}")
    facts = unit_facts(FULL)
    facts["facts"] = {"budget_initial": "100", "budget_full_year": "100", "executed": "49.88"}
    assert D("5.00") == perfrules.evaluate(spec, facts)["4"].score
    assert D("4.99") == perfrules.evaluate(NATIONAL, facts)["4"].score


def test_funds_parts_must_add_up() -> None:
    """A total row of 0 above parts of 90 is warned about, column by column."""
    facts = unit_facts(FULL)
    facts["funds"] = {
        "年度资金总额": {"initial": "0", "full_year": "0", "executed": "0"},
        "其中:本年财政拨款": {"initial": "90", "full_year": "89.974", "executed": "89.974"},
        "上年结转资金": {"initial": "0"},
    }
    result = perfrules.evaluate(NATIONAL, facts)
    warnings = [d for d in result.diagnostics if d.code == "funds-sum"]
    assert 3 == len(warnings) and "89.974" in warnings[1].message


def test_funds_in_the_json() -> None:
    """The JSON result carries the funds table, amounts as strings."""
    import json

    data = json.loads(
        perfrules.render(perfrules.evaluate(NATIONAL, ROOT / "examples" / "putuo-sports-2022.yaml"), "json")
    )
    assert {"initial": "250000.00", "full_year": "250000.00", "executed": "215457.6"} == data["funds"]["年度资金总额"]
    assert [] == [d for d in data["diagnostics"] if d["code"] == "funds-sum"]


def one_row(target: str, actual: str, score: str | None = None, **extra: Any) -> dict[str, Any]:
    """FULL with 1.1 split into the row under test (10 points) and a filler (40)."""
    row = {"id": "t", "name": "受测", "weight": 10, "target": target, "actual": actual, **extra}
    if score is not None:
        row["score"] = score
    filler = {"id": "f", "name": "其余", "weight": 40, "kind": "self_assessed", "score": 40}
    return unit_facts({**FULL, "1.1": [row, filler]})


class TestReviewedTargets:
    @pytest.mark.parametrize(
        ("target", "actual", "expected"),
        [
            ("2023年6月30日前", "2024年3月", "0.00"),
            ("2022年12月底前", "2023年1月", "0.00"),
            ("2022年底前", "2022年11月", "10.00"),
            ("12月", "12月", "10.00"),
            ("9月前", "8月", "10.00"),
            ("9月前", "9月", "0.00"),
            ("=100%", "0%", "0.00"),
            ("大于0", "0", "0.00"),
            ("≤5个工作日", "3个工作日", "10.00"),
        ],
    )
    def test_scores(self, target: str, actual: str, expected: str) -> None:
        """Deadlines with years, month targets, zero actuals and 时效 numbers score as the form means."""
        nature = {"nature": "时效"} if "工作日" in target else {}
        assert D(expected) == perfrules.evaluate(NATIONAL, one_row(target, actual, **nature))["t"].computed

    @pytest.mark.parametrize(
        ("target", "actual", "nature"),
        [("≥90", "95%", None), ("≥95%", "90", None), ("≥95%", "98%", "反向"), ("≥95%", "95%以下", None)],
    )
    def test_refused(self, target: str, actual: str, nature: str | None) -> None:
        """Percent against plain numbers, a nature against its comparator, an actual pointing the other way."""
        extra = {"nature": nature} if nature else {}
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, one_row(target, actual, **extra))
        [problem] = info.value.problems
        assert problem.code in ("target", "kind-parameter") and "t" == problem.indicator

    def test_word_met_as_written(self) -> None:
        """重大安全事故 无 / 无 is the target met: full marks are allowed."""
        assert D("10.00") == perfrules.evaluate(NATIONAL, one_row("无", "无", "10"))["t"].score

    def test_empty_slot_list_is_an_empty_slot(self) -> None:
        """ "1.2": [] is the same as leaving the slot out."""
        facts = unit_facts({**FULL, "1.2": []})
        assert D("89.44") == perfrules.evaluate(NATIONAL, facts).total

    def test_empty_block_is_named(self) -> None:
        """A unit that writes nothing under 效益 is told where to write it, once."""
        facts = unit_facts({k: v for k, v in FULL.items() if k != "2.2"})
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, facts)
        [problem] = info.value.problems
        assert "效益指标 has no indicators" in problem.message

    def test_claim_problems_point_at_the_row(self, tmp_path: Path) -> None:
        """A claim above its weight in a row is reported at that row's line."""
        path = tmp_path / "unit.yaml"
        path.write_text(
            "facts: {budget_initial: 1, budget_full_year: 1, executed: 1}\n"
            "indicators:\n"
            "  '1.1': [{id: a, name: 甲, weight: 50, target: ≥1, actual: 1, score: 55}]\n"
            "  '2.2': [{id: b, name: 乙, weight: 30, kind: self_assessed, score: 30}]\n"
            "  '3.1': [{id: c, name: 丙, weight: 10, kind: self_assessed, score: 10}]\n",
            encoding="utf-8",
        )
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(NATIONAL, path)
        [problem] = info.value.problems
        assert ("claim-range", 3) == (problem.code, problem.location.line if problem.location else None)

    def test_assessed_twice(self) -> None:
        """A row with its own score and an entry under assessments is refused."""
        facts = one_row("≥1", "1", "10")
        facts["assessments"] = {"t": {"score": 5}}
        with pytest.raises(FactsError):
            perfrules.evaluate(NATIONAL, facts)


def test_a_unit_id_taken_by_the_skeleton(tmp_path: Path) -> None:
    """A unit's leaf reusing a skeleton id is reported at the facts file's line, naming where the skeleton uses it."""
    path = tmp_path / "unit.yaml"
    path.write_text(
        "facts: {budget_initial: 1, budget_full_year: 1, executed: 1}\n"
        "indicators:\n"
        "  '1.1': [{id: '4', name: 甲, weight: 50, target: ≥1, actual: 1}]\n"
        "  '2.2': [{id: b, name: 乙, weight: 30, kind: self_assessed, score: 30}]\n"
        "  '3.1': [{id: c, name: 丙, weight: 10, kind: self_assessed, score: 10}]\n",
        encoding="utf-8",
    )
    with pytest.raises(FactsError) as info:
        perfrules.evaluate(NATIONAL, path)
    [problem] = info.value.problems
    assert ("duplicate-id", str(path), 3) == (problem.code, problem.location.file, problem.location.line)
    assert f"already used at {NATIONAL}:" in problem.message
