"""Facts: read, then fitted to a spec, with every problem reported at once."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import perfrules
from perfrules.exceptions import EvaluationError, FactsError

from .conftest import SEED_FACTS

SPEC = """\
spec: 1
id: test/facts
version: "1"
name: 事实
total: 30
facts:
  done: {type: number, min: 0, label: 完成数}
  due: {type: number, min: 0}
  published: {type: boolean}
indicators:
  - {id: "1", name: 完成率, weight: 10, expression: "weight * min(done / due, 1)"}
  - {id: "2", name: 公开, weight: 10, expression: "weight if published else 0"}
  - {id: "3", name: 自评, weight: 10, kind: self_assessed}
grades: [{min: 0, label: 差}]
"""


def fit(facts: dict[str, object]) -> list[perfrules.Diagnostic]:
    with pytest.raises(FactsError) as info:
        perfrules.evaluate(SPEC, facts)
    return list(info.value.problems)


class TestFitting:
    def test_good_facts_score(self) -> None:
        """Facts that fit score as the rules say."""
        result = perfrules.evaluate(
            SPEC, {"facts": {"done": 9, "due": 10, "published": True}, "assessments": {"3": {"score": Decimal("7.5")}}}
        )
        assert (Decimal("9.00"), Decimal("10.00"), Decimal("7.50")) == tuple(r.score for r in result.indicators)
        assert Decimal("26.50") == result.total

    def test_every_problem_at_once(self) -> None:
        """Missing, mistyped and undeclared facts and bad claims are listed together."""
        found = fit(
            {
                "facts": {"done": "many", "publshed": True, "due": -1},
                "assessments": {"1": {"score": 11}, "9": {"score": 1}, "2": {"score": Decimal("1.234")}},
            }
        )
        assert sorted(
            [
                "fact-type",
                "fact-range",
                "missing-fact",
                "unknown-fact",
                "claim-range",
                "unknown-indicator",
                "claim-decimals",
                "missing-claim",
            ]
        ) == sorted(p.code for p in found)
        unknown = next(p for p in found if p.code == "unknown-fact")
        assert "(did you mean 'published'?)" in unknown.message

    def test_numbers_as_strings_are_accepted(self) -> None:
        """JSON systems may send "9" for 9; plain numerals only."""
        result = perfrules.evaluate(
            SPEC, {"facts": {"done": "9", "due": "10", "published": False}, "assessments": {"3": {"score": "5"}}}
        )
        assert Decimal("14.00") == result.total

    def test_boolean_is_not_a_number(self) -> None:
        """true is not 1."""
        assert "fact-type" in [
            p.code
            for p in fit({"facts": {"done": True, "due": 1, "published": True}, "assessments": {"3": {"score": 1}}})
        ]

    def test_zero_denominator_is_an_evaluation_error(self) -> None:
        """due = 0 fails with the indicator and the fact named."""
        with pytest.raises(EvaluationError) as info:
            perfrules.evaluate(
                SPEC, {"facts": {"done": 1, "due": 0, "published": True}, "assessments": {"3": {"score": 1}}}
            )
        [problem] = info.value.problems
        assert ("evaluation", "1") == (problem.code, problem.indicator)
        assert "due = 0" in problem.message


class TestReading:
    def test_json_facts(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A JSON facts file scores like the YAML one."""
        data = perfrules.load_facts(SEED_FACTS)
        as_json = {
            "subject": data.subject,
            "year": data.year,
            "facts": {k: str(v) for k, v in data.values.items()},
            "assessments": {k: {"score": str(a.score)} for k, a in data.assessments.items()},
        }
        path = tmp_path / "facts.json"
        path.write_text(json.dumps(as_json, ensure_ascii=False), encoding="utf-8")
        assert Decimal("95.91") == perfrules.evaluate(seed_spec, path).total

    def test_seed_facts(self) -> None:
        """The seed's header and budget table are kept in order."""
        facts = perfrules.load_facts(SEED_FACTS)
        assert ("广州市黄埔区工商业联合会", 2022, 1) == (facts.subject, facts.year, facts.units)
        assert ["总预算", "基本支出", "项目支出"] == list(facts.budget)[:3]
        assert Decimal("1288.38") == facts.budget["总预算"]
        assert Decimal("1291.73") == facts.values["budget_full_year"]

    def test_shape_problems(self) -> None:
        """Unknown keys and wrong shapes in the file itself are reported with lines."""
        with pytest.raises(FactsError) as info:
            perfrules.load_facts("subjct: x\nyear: 二〇二二\nassessments:\n  a: {score: x, resaon: y}\n")
        assert ["unknown-key", "bad-value", "bad-number", "unknown-key"] == [p.code for p in info.value.problems]
        assert all(p.location and p.location.line for p in info.value.problems)
