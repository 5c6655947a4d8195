"""Tree-level policies: not applicable (exclude, zero, full), alternatives, and qualitative tiers."""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules._numbers import allocate
from perfrules.exceptions import EvaluationError, FactsError, SpecError

D = Decimal


def spec(indicators: list[dict[str, Any]], facts: dict[str, Any] | None = None, precision: int = 2) -> dict[str, Any]:
    return {
        "spec": 1,
        "id": "test/policies",
        "version": "1",
        "name": "策略",
        "precision": precision,
        "facts": facts or {},
        "indicators": indicators,
        "grades": [{"min": 0, "label": "差"}],
    }


def leaf(ident: str, weight: str, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "name": f"指标{ident}", "weight": D(weight), "kind": "self_assessed", **extra}


# 效益 30: 经济 10, 社会 10, 生态 10 (not applicable to many projects), 满意度 10.
TREE = [
    {
        "id": "2",
        "name": "效益",
        "weight": D(30),
        "children": [leaf("2.1", "10"), leaf("2.2", "10"), leaf("2.3", "10", not_applicable="exclude")],
    },
    leaf("3", "10"),
]


def claims(**scores: str) -> dict[str, Any]:
    return {"assessments": {k.replace("_", "."): {"score": v} for k, v in scores.items()}}


class TestNotApplicable:
    def test_exclude_renormalises_the_siblings(self) -> None:
        """生态效益 marked "/" is excluded: 经济 and 社会 carry 15 each, scaled alike, and the parent still sums."""
        facts = claims(x2_1="8", x2_2="10", x3="9")
        facts["assessments"] = {k.lstrip("x"): v for k, v in facts["assessments"].items()}
        facts["assessments"]["2.3"] = {"score": "/"}
        result = perfrules.evaluate(spec(TREE), facts)
        effect = result["2"]
        assert [(D("15.00"), D(10)), (D("15.00"), D(10)), (D(0), D(10))] == [
            (c.weight, c.declared_weight) for c in effect.children
        ]
        assert [D("12.00"), D("15.00"), D(0)] == [c.score for c in effect.children]
        assert "exclude" == effect.children[2].not_applicable
        assert D("27.00") == effect.score == sum(c.score for c in effect.children)
        assert D("36.00") == result.total

    def test_zero_and_full(self) -> None:
        """zero scores nothing and full scores the weight, the weight staying as declared."""
        for policy, expected in (("zero", D("0.00")), ("full", D("10.00"))):
            tree = [leaf("1", "10", not_applicable=policy), leaf("2", "10")]
            result = perfrules.evaluate(spec(tree), {"assessments": {"1": {"not_applicable": True}, "2": {"score": 5}}})
            assert (expected, D(10), policy) == (result["1"].score, result["1"].weight, result["1"].not_applicable)

    def test_no_policy_no_marking(self) -> None:
        """An indicator the spec gives no policy cannot be marked not applicable."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(
                spec(TREE),
                {"assessments": {"2.1": {"score": "/"}, "2.2": {"score": 1}, "2.3": {"score": 1}, "3": {"score": 1}}},
            )
        assert ["not-applicable"] == [p.code for p in info.value.problems]

    def test_marked_parent_needs_no_claims_below(self) -> None:
        """Marking a parent not applicable excludes its subtree; no claims are needed there."""
        tree = [{**TREE[0], "not_applicable": "exclude"}, leaf("3", "10"), leaf("4", "20")]
        result = perfrules.evaluate(
            spec(tree), {"assessments": {"2": {"not_applicable": True}, "3": {"score": 5}, "4": {"score": 20}}}
        )
        assert [(D("20.00"), D("10.00")), (D("40.00"), D("40.00"))] == [
            (result[i].weight, result[i].score) for i in "34"
        ]
        assert D("50.00") == result.total
        assert all(r.excluded for r in result["2"].walk())

    def test_unknown_policy(self) -> None:
        """Only exclude, zero and full are policies."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(spec([leaf("1", "10", not_applicable="skip")]))
        assert [("bad-value", "1")] == [(p.code, p.indicator) for p in info.value.problems]


class TestAllocate:
    def test_largest_remainder(self) -> None:
        """10 over three equal weights is 3.34 + 3.33 + 3.33, exactly 10."""
        assert [D("3.34"), D("3.33"), D("3.33")] == allocate(D(10), [D(1), D(1), D(1)], 2)

    @given(
        total=st.integers(0, 10_000),
        weights=st.lists(st.integers(0, 500), min_size=1, max_size=8),
        precision=st.integers(0, 3),
    )
    def test_shares_add_up_and_stay_proportional(self, total: int, weights: list[int], precision: int) -> None:
        """Shares add up to the total exactly and each is within one unit of its exact share."""
        unit = D(1).scaleb(-precision)
        amount = D(total) * unit
        with decimal.localcontext(decimal.Context(prec=100)):
            shares = allocate(amount, [D(w) for w in weights], precision)
            assert amount == sum(shares)
            base = sum(weights)
            for share, weight in zip(shares, weights, strict=True):
                exact = amount * weight / base if base else amount / len(weights)
                assert abs(share - exact) < unit


class TestAlternatives:
    FACTS: ClassVar[dict[str, Any]] = {"choice": {"type": "text", "values": ["2.2.a", "2.2.b"]}}
    TREE: ClassVar[list[dict[str, Any]]] = [
        {
            "id": "2.2",
            "name": "结转结余",
            "weight": D(20),
            "alternatives": {"chosen_by": "choice"},
            "children": [leaf("2.2.a", "20"), leaf("2.2.b", "20")],
        }
    ]

    def test_chosen_alternative_counts(self) -> None:
        """结转结余率 or 结转结余变动率, 二者择其一: the chosen one's score is the parent's."""
        facts = {"facts": {"choice": "2.2.b"}, "assessments": {"2.2.b": {"score": 15}}}
        result = perfrules.evaluate(spec(self.TREE, self.FACTS), facts)
        assert D("15.00") == result["2.2"].score == result.total
        assert ("alternative", D(0)) == (result["2.2.a"].not_applicable, result["2.2.a"].weight)

    def test_best_alternative_counts(self) -> None:
        """alternatives: best counts the higher score and says so."""
        tree = [{**self.TREE[0], "alternatives": "best"}]
        result = perfrules.evaluate(spec(tree), {"assessments": {"2.2.a": {"score": 12}, "2.2.b": {"score": 17}}})
        assert D("17.00") == result.total
        assert "alternative-chosen" in [d.code for d in result.diagnostics]

    def test_each_alternative_carries_the_whole_weight(self) -> None:
        """An alternative weighing less than its parent is refused."""
        tree = [{**self.TREE[0], "children": [leaf("2.2.a", "20"), leaf("2.2.b", "10")]}]
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(spec(tree, self.FACTS))
        assert ["weight-sum"] == [p.code for p in info.value.problems]

    def test_choice_must_name_a_child(self) -> None:
        """A choice naming no child is a facts error."""
        facts_spec = {"choice": {"type": "text"}}
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(spec(self.TREE, facts_spec), {"facts": {"choice": "2.2.c"}})
        assert ["alternative-choice"] == [p.code for p in info.value.problems]


class TestQualitativeTier:
    FACTS: ClassVar[dict[str, Any]] = {
        "achievement": {"type": "text", "values": ["达成", "部分达成", "未达成"], "label": "目标达成情况"}
    }

    def leaf(self, **parameters: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": "q",
                "name": "定性指标",
                "weight": D(10),
                "kind": "qualitative_tier",
                "input": "achievement",
                **parameters,
            }
        ]

    def score(self, tier: str, claim: str, **parameters: Any) -> Decimal:
        facts = {"facts": {"achievement": tier}, "assessments": {"q": {"score": claim}}}
        return perfrules.evaluate(spec(self.leaf(**parameters), self.FACTS), facts).total

    def test_claim_inside_its_tier(self) -> None:
        """部分达成 allows 6 up to (not including) 8; 达成 allows 8 to 10."""
        assert D("7.50") == self.score("部分达成", "7.5")
        assert D("8.00") == self.score("达成", "8")

    @pytest.mark.parametrize(("tier", "claim"), [("部分达成", "8"), ("未达成", "6.5"), ("达成", "7.99")])
    def test_claim_outside_its_tier(self, tier: str, claim: str) -> None:
        """A claim outside the tier's range is an error naming the range."""
        with pytest.raises(EvaluationError, match="is outside") as info:
            self.score(tier, claim)
        assert [("evaluation", "q")] == [(p.code, p.indicator) for p in info.value.problems]

    def test_custom_tiers(self) -> None:
        """Tiers can be declared, as fractions of the weight."""
        tiers = [
            {"value": "达成", "from": D("0.9"), "to": 1},
            {"value": "部分达成", "from": D("0.5"), "to": D("0.9")},
            {"value": "未达成", "from": 0, "to": D("0.5")},
        ]
        assert D("5.00") == self.score("部分达成", "5", tiers=tiers)

    def test_claim_is_required(self) -> None:
        """The assessor's score is required."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(spec(self.leaf(), self.FACTS), {"facts": {"achievement": "达成"}})
        assert ["missing-claim"] == [p.code for p in info.value.problems]

    def test_explains_the_tiers(self) -> None:
        """The rule in words lists each tier's range."""
        rule = perfrules.load_spec(spec(self.leaf(), self.FACTS)).indicators[0].rule
        assert rule is not None and "部分达成 80%–60%" in rule.words


def test_set_aside_alternative_is_zero_all_the_way_down() -> None:
    """An alternative that does not count weighs 0 with its whole subtree, so every sum still holds."""
    alternative = {
        "id": "b",
        "name": "乙",
        "weight": D(10),
        "children": [leaf("b.1", "4"), leaf("b.2", "6")],
    }
    tree = [
        {"id": "p", "name": "父", "weight": D(10), "alternatives": "best", "children": [leaf("a", "10"), alternative]}
    ]
    facts = {"assessments": {"a": {"score": 9}, "b.1": {"score": 1}, "b.2": {"score": 1}}}
    result = perfrules.evaluate(spec(tree), facts)
    assert D("9.00") == result.total
    for node in result.walk():
        if node.children:
            assert sum(c.weight for c in node.children) == node.weight
            assert sum(c.score for c in node.children) == node.score
    assert all(r.weight == 0 and r.not_applicable == "alternative" for r in result["b"].walk())


class TestReviewedEdges:
    def test_excluded_chosen_alternative_excludes_the_parent(self) -> None:
        """When the chosen alternative is marked "/", the parent drops out and its sibling is renormalised."""
        tree = [
            {
                "id": "A",
                "name": "甲",
                "weight": D(10),
                "alternatives": {"chosen_by": "pick"},
                "children": [leaf("A1", "10", not_applicable="exclude"), leaf("A2", "10")],
            },
            leaf("B", "10"),
        ]
        facts = {"facts": {"pick": "A1"}, "assessments": {"A1": {"score": "/"}, "B": {"score": 7}}}
        result = perfrules.evaluate(spec(tree, {"pick": {"type": "text"}}), facts)
        assert ("exclude", D(0)) == (result["A"].not_applicable, result["A"].weight)
        assert (D("20.00"), D("14.00")) == (result["B"].weight, result.total)

    def test_renormalised_score_rounded_once(self) -> None:
        """A renormalised computed score scales the exact value: 6.25 × 0.9973 is 6.23, not 6.24."""
        tree = [
            {
                "id": "P",
                "name": "效益",
                "weight": D(25),
                "children": [
                    leaf("E", "5", not_applicable="exclude"),
                    {"id": "S", "name": "社会", "weight": D(5), "expression": "weight * r"},
                    leaf("G", "15"),
                ],
            }
        ]
        facts = {"facts": {"r": "0.9973"}, "assessments": {"E": {"score": "/"}, "G": {"score": 15}}}
        result = perfrules.evaluate(spec(tree, {"r": {"type": "number"}}), facts)
        assert (D("6.25"), D("6.23")) == (result["S"].weight, result["S"].score)

    def test_zero_weight_siblings_do_not_take_weight(self) -> None:
        """If only zero-weight indicators remain, the group drops out instead of handing them points."""
        tree = [
            {
                "id": "P",
                "name": "父",
                "weight": D(10),
                "children": [leaf("X", "10", not_applicable="exclude"), leaf("Y", "0")],
            },
            leaf("Q", "10"),
        ]
        result = perfrules.evaluate(
            spec(tree), {"assessments": {"X": {"score": "/"}, "Y": {"score": 0}, "Q": {"score": 5}}}
        )
        assert ("exclude", D(0)) == (result["P"].not_applicable, result["P"].weight)
        assert D("10.00") == result.total
