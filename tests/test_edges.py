"""Edge cases at every boundary of facts, grades, findings, reviews and tree policies, with exact codes and numbers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import perfrules
from perfrules._diagnostics import Location
from perfrules._spec.grading import DEFAULT_SCALE, GradeBand, GradingScale, band_problems
from perfrules.exceptions import FactsError, ReviewError, SpecError

D = Decimal
Problem = tuple[str, str, str | None]


def problems(error: FactsError | ReviewError | SpecError) -> list[Problem]:
    """The (code, message, indicator) of each problem an error lists."""
    return [(p.code, p.message, p.indicator) for p in error.problems]


# ---------------------------------------------------------------------------------------------------------------
# Facts fitted to a spec (bind)

FACTS_SPEC: dict[str, Any] = {
    "spec": 1,
    "id": "test/edges",
    "version": "1",
    "name": "边界",
    "facts": {
        "rate": {"type": "number", "min": 0, "max": 1, "label": "比率"},
        "count": {"type": "number", "max": 100},
        "ok": {"type": "boolean"},
        "level": {"type": "text", "values": ["达成", "部分达成", "未达成"]},
        "remark": {"type": "text"},
        "extra": {"type": "number", "min": 0, "optional": True},
    },
    "indicators": [
        {"id": "1", "name": "比率分", "weight": 10, "expression": "weight * rate"},
        {"id": "2", "name": "公开", "weight": 10, "expression": "weight if ok else 0"},
        {"id": "3", "name": "自评", "weight": 10, "kind": "self_assessed"},
        {"id": "4", "name": "次数", "weight": 10, "expression": "clamp(count, 0, weight)"},
        {"id": "5", "name": "附加", "weight": 10, "expression": "min(extra, weight)"},
        {
            "id": "P",
            "name": "父",
            "weight": 10,
            "children": [
                {"id": "P.1", "name": "甲", "weight": 4, "kind": "self_assessed"},
                {"id": "P.2", "name": "乙", "weight": 6, "kind": "self_assessed"},
            ],
        },
    ],
    "grades": [{"min": 0, "label": "差"}],
}


def fact_values(**changes: Any) -> dict[str, Any]:
    """Facts that fit FACTS_SPEC, with *changes* (a value of None removes the fact)."""
    values: dict[str, Any] = {"rate": "0.5", "count": 3, "ok": True, "level": "达成", "remark": "说明", "extra": 4}
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def assessments(**changes: Any) -> dict[str, Any]:
    """Claims for FACTS_SPEC's self-assessed leaves, with *changes* by id (P_1 is P.1; None removes it)."""
    entries: dict[str, Any] = {"3": {"score": 7}, "P.1": {"score": 4}, "P.2": {"score": 5, "reason": "r"}}
    entries.update({key.replace("_", "."): value for key, value in changes.items()})
    return {key: value for key, value in entries.items() if value is not None}


def scored(facts: dict[str, Any] | None = None, claims: dict[str, Any] | None = None) -> perfrules.Evaluation:
    return perfrules.evaluate(FACTS_SPEC, {"facts": facts or fact_values(), "assessments": claims or assessments()})


def refused(facts: dict[str, Any] | None = None, claims: dict[str, Any] | None = None) -> list[Problem]:
    with pytest.raises(FactsError) as info:
        scored(facts, claims)
    return problems(info.value)


class TestFactRanges:
    @pytest.mark.parametrize(("rate", "score"), [("0", "0.00"), ("1", "10.00"), ("0.25", "2.50")])
    def test_bounds_are_inclusive(self, rate: str, score: str) -> None:
        """A fact exactly at its min or max is accepted and scored."""
        assert D(score) == scored(fact_values(rate=rate))["1"].score

    @pytest.mark.parametrize(
        ("rate", "message"),
        [
            ("1.01", "fact 'rate' (比率) is 1.01, above its maximum 1"),
            ("-0.01", "fact 'rate' (比率) is -0.01, below its minimum 0"),
        ],
    )
    def test_outside_the_bounds(self, rate: str, message: str) -> None:
        """Just outside min or max is fact-range, with the value and the bound."""
        assert [("fact-range", message, None)] == refused(fact_values(rate=rate))

    def test_one_sided_bounds(self) -> None:
        """A fact with only a max has no minimum, and one above it is refused."""
        assert D("0.00") == scored(fact_values(count=-50))["4"].score
        assert [("fact-range", "fact 'count' is 101, above its maximum 100", None)] == refused(fact_values(count=101))

    def test_boolean_is_not_a_number(self) -> None:
        """true given for a number is fact-type."""
        assert [("fact-type", "fact 'rate' (比率) must be a number, not True", None)] == refused(fact_values(rate=True))

    def test_number_is_not_a_boolean(self) -> None:
        """1 given for a boolean is fact-type."""
        assert [("fact-type", "fact 'ok' must be true or false, not 1", None)] == refused(fact_values(ok=1))

    @pytest.mark.parametrize(("ok", "score"), [(True, "10.00"), (False, "0.00")])
    def test_booleans_reach_the_rule(self, ok: bool, score: str) -> None:
        """A boolean fact is bound as itself."""
        evaluation = scored(fact_values(ok=ok))
        assert (D(score), ok) == (evaluation["2"].score, evaluation.values["ok"])

    def test_number_is_not_text(self) -> None:
        """5 given for a text fact is fact-type."""
        assert [("fact-type", "fact 'remark' must be text, not 5", None)] == refused(fact_values(remark=5))

    def test_value_outside_the_list(self) -> None:
        """A text fact with values accepts only those, suggesting the closest."""
        message = "fact 'level' is '达', not one of 达成 / 部分达成 / 未达成 (did you mean '达成'?)"
        assert [("fact-value", message, None)] == refused(fact_values(level="达"))

    def test_values_are_bound_typed(self) -> None:
        """Numbers are bound as Decimal, booleans as bool, text as str."""
        values = scored(fact_values(level="未达成")).values
        assert {
            "rate": D("0.5"),
            "count": D(3),
            "ok": True,
            "level": "未达成",
            "remark": "说明",
            "extra": D(4),
        } == dict(values)
        assert isinstance(values["count"], Decimal)

    def test_located_at_the_fact(self) -> None:
        """A fact's problem points at its value's line and column."""
        text = "facts:\n  rate: 2\n  count: 1\n  ok: true\n  level: 达成\n  remark: x\n  extra: 4\nassessments: {'3': {score: 1}, P.1: {score: 1}, P.2: {score: 1}}\n"
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(FACTS_SPEC, text)
        [problem] = info.value.problems
        assert Location("<text>", 2, 9) == problem.location
        assert "<text>: 1 problem fitting the facts to test/edges@1" == str(info.value).splitlines()[0]


class TestMissingAndUndeclaredFacts:
    def test_missing_fact_names_its_readers(self) -> None:
        """A missing required fact says which leaves read it; the message and count are exact."""
        assert [("missing-fact", "fact 'rate' (比率) is missing; 1 read it", None)] == refused(fact_values(rate=None))

    def test_many_readers_are_cut_at_five(self) -> None:
        """At most five readers are named, then an ellipsis; a fact nobody reads is just missing."""
        leaves = [{"id": f"L{i}", "name": f"叶{i}", "weight": 1, "expression": "weight * x"} for i in range(1, 7)]
        document = {
            **FACTS_SPEC,
            "facts": {"x": {"type": "number"}, "unread": {"type": "number"}},
            "indicators": leaves,
        }
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(document, {"facts": {}})
        assert [
            ("missing-fact", "fact 'x' is missing; L1, L2, L3, L4, L5 … read it", None),
            ("missing-fact", "fact 'unread' is missing", None),
        ] == problems(info.value)
        assert "<mapping>: 2 problems fitting the facts to test/edges@1" == str(info.value).splitlines()[0]

    def test_five_readers_have_no_ellipsis(self) -> None:
        """Exactly five readers are all named, with no ellipsis."""
        leaves = [{"id": f"L{i}", "name": f"叶{i}", "weight": 1, "expression": "weight * x"} for i in range(1, 6)]
        document = {**FACTS_SPEC, "facts": {"x": {"type": "number"}}, "indicators": leaves}
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(document, {"facts": {}})
        assert [("missing-fact", "fact 'x' is missing; L1, L2, L3, L4, L5 read it", None)] == problems(info.value)

    def test_optional_fact_may_be_left_out(self) -> None:
        """An optional fact left out is no error when its reader is claimed; the claim stands unsupported."""
        evaluation = scored(fact_values(extra=None), assessments(**{"5": {"score": 6, "reason": "r"}}))
        assert (D("6.00"), None, ("extra",)) == (
            evaluation["5"].score,
            evaluation["5"].computed,
            evaluation["5"].missing_facts,
        )
        [warning] = [d for d in evaluation.diagnostics if d.code == "unsupported-score"]
        assert "scored by the claim alone: the facts give no extra, which the rule needs" == warning.message

    def test_optional_fact_given_is_used(self) -> None:
        """An optional fact that is given scores its leaf as any fact does."""
        assert (D("4.00"), ()) == (scored()["5"].score, scored()["5"].missing_facts)

    def test_optional_fact_without_claim(self) -> None:
        """Neither the optional fact nor a claim: missing-fact on the leaf."""
        message = "'5' (附加) needs fact 'extra' or a claimed score"
        assert [("missing-fact", message, "5")] == refused(fact_values(extra=None))

    @pytest.mark.parametrize("name", ["rtae", "ｒｔａｅ"])
    def test_undeclared_fact_suggests_the_declared_one(self, name: str) -> None:
        """An undeclared fact is unknown-fact, suggesting the declared name (from full-width letters too)."""
        message = f"fact {name!r} is not declared by the spec (did you mean 'rate'?)"
        assert [("unknown-fact", message, None)] == refused({**fact_values(), name: 1})

    def test_full_width_letters_name_the_declared_fact(self) -> None:
        """Facts are matched by their names in NFKC: 'ｒａｔｅ' typed with an IME is the fact 'rate'."""
        values = fact_values(rate=None)
        assert scored({**values, "ｒａｔｅ": "0.25"})["1"].score == scored({**values, "rate": "0.25"})["1"].score

    def test_one_fact_written_twice_is_refused(self) -> None:
        """'rate' and 'ｒａｔｅ' in one facts file are the same fact twice: an error, never one of the two."""
        message = "facts 'rate' and 'ｒａｔｅ' are the same fact once normalised (NFKC): keep one"
        assert [("fact-twice", message, None)] == refused({**fact_values(), "ｒａｔｅ": 1})

    def test_undeclared_fact_without_suggestion(self) -> None:
        """A name like none declared gets no suggestion."""
        message = "fact 'zzzzzz' is not declared by the spec"
        assert [("unknown-fact", message, None)] == refused({**fact_values(), "zzzzzz": 1})


class TestClaimsBound:
    @pytest.mark.parametrize("claim", ["0", "10", "9.99", "0.01"])
    def test_claims_at_the_ends_are_accepted(self, claim: str) -> None:
        """A claim of exactly 0 or exactly the weight is accepted."""
        assert D(claim).quantize(D("0.01")) == scored(claims=assessments(**{"3": {"score": claim}}))["3"].score

    @pytest.mark.parametrize("claim", ["-0.01", "10.01"])
    def test_claims_just_outside_are_refused(self, claim: str) -> None:
        """A claim just outside 0 to the weight is claim-range."""
        message = f"the claimed score {claim} is outside 0 to 10"
        assert [("claim-range", message, "3")] == refused(claims=assessments(**{"3": {"score": claim}}))

    def test_too_many_decimals(self) -> None:
        """A claim with more decimals than the precision is claim-decimals."""
        message = "the claimed score 7.125 has more than 2 decimals"
        assert [("claim-decimals", message, "3")] == refused(claims=assessments(**{"3": {"score": "7.125"}}))

    def test_claim_on_a_parent(self) -> None:
        """A parent is scored from its children and takes no claim."""
        message = "'P' is scored from its children; claim scores on leaves"
        assert [("claim-on-parent", message, "P")] == refused(claims=assessments(P={"score": 9}))

    def test_unknown_indicator(self) -> None:
        """A claim on an id the spec does not have suggests the closest."""
        message = "no indicator 'P.3' in the spec (did you mean 'P.2'?)"
        assert [("unknown-indicator", message, "P.3")] == refused(claims=assessments(P_3={"score": 1}))

    def test_not_applicable_without_policy(self) -> None:
        """Marking an indicator the spec gives no policy is an error naming it and the key to add."""
        message = (
            "'3' (自评) cannot be not applicable: the spec gives it no not_applicable policy; add"
            " 'not_applicable: exclude' (or zero, full) to indicator '3' in the spec, or in the overrides of a spec"
            " extending it"
        )
        assert [("not-applicable", message, "3")] == refused(claims=assessments(**{"3": {"score": "/"}}))

    def test_missing_claim(self) -> None:
        """A self-assessed leaf without a score is missing-claim, at its assessment."""
        message = "'P.2' (乙) is self-assessed but has no score"
        assert [("missing-claim", message, "P.2")] == refused(claims=assessments(P_2={"reason": "r"}))


BIND_SPEC: dict[str, Any] = {
    "spec": 1,
    "id": "test/bind",
    "version": "1",
    "name": "绑定",
    "facts": {
        "pick": {"type": "text"},
        "o1": {"type": "number", "optional": True},
        "o2": {"type": "number", "optional": True},
        "need": {"type": "number"},
    },
    "indicators": [
        {"id": "1", "name": "一", "weight": 10, "kind": "self_assessed"},
        {"id": "2", "name": "二", "weight": 10, "kind": "self_assessed"},
        {"id": "C", "name": "自定", "weight": 10, "expression": "min(claim, weight)"},
        {"id": "O", "name": "可选", "weight": 10, "expression": "min(o1 + o2 + need, weight)"},
        {
            "id": "A",
            "name": "择一",
            "weight": 10,
            "alternatives": {"chosen_by": "pick"},
            "children": [
                {"id": "A.a", "name": "甲", "weight": 10, "kind": "self_assessed"},
                {"id": "A.b", "name": "乙", "weight": 10, "kind": "self_assessed"},
            ],
        },
        {"id": "N", "name": "不适用", "weight": 10, "kind": "self_assessed", "not_applicable": "exclude"},
    ],
    "grades": [{"min": 0, "label": "差"}],
}


class TestBindCollectsEverything:
    def test_every_problem_located(self) -> None:
        """No problem stops the search for the next: each is an error at its own line and column."""
        text = "facts:\n  pick: zz\n  nede: 1\nassessments:\n  zz: {score: 1}\n  '1': {reason: r}\n  '2': {score: 11}\n  N: {score: /}\n"
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(BIND_SPEC, text)
        assert [
            ("missing-fact", "fact 'need' is missing; O read it", None, 2, 3),
            ("unknown-fact", "fact 'nede' is not declared by the spec (did you mean 'need'?)", None, 3, 9),
            ("unknown-indicator", "no indicator 'zz' in the spec", "zz", 5, 7),
            ("claim-range", "the claimed score 11 is outside 0 to 10", "2", 7, 8),
            ("alternative-choice", "fact 'pick' is 'zz': it must name one of A.a, A.b", "A", 2, 9),
            ("missing-fact", "'O' (可选) needs fact 'o1', 'o2' or a claimed score", "O", 2, 3),
            ("missing-claim", "'C' (自定) is self-assessed but has no score", "C", 5, 3),
            ("missing-claim", "'1' (一) is self-assessed but has no score", "1", 6, 8),
        ] == [
            (
                p.code,
                p.message,
                p.indicator,
                p.location.line if p.location else 0,
                p.location.column if p.location else 0,
            )
            for p in info.value.problems
        ]
        assert {"error"} == {p.level for p in info.value.problems}

    def test_rule_reads_the_claim(self) -> None:
        """A rule that reads claim is given the unit's claim."""
        facts = {
            "facts": {"pick": "A.b", "need": 1, "o1": 1, "o2": 2},
            "assessments": {
                "1": {"score": 1},
                "2": {"score": 2},
                "C": {"score": 7},
                "A.b": {"score": 3},
                "N": {"score": 4},
            },
        }
        assert D("7.00") == perfrules.evaluate(BIND_SPEC, facts)["C"].computed


# ---------------------------------------------------------------------------------------------------------------
# Grading scales

B = GradeBand


class TestBandProblems:
    def test_a_scale_has_no_problems(self) -> None:
        """The default bands form a scale."""
        assert [] == band_problems(DEFAULT_SCALE.bands)

    def test_empty(self) -> None:
        """No bands at all is grades-empty."""
        assert [(0, "grades-empty", "a grading scale needs at least one band")] == band_problems([])

    def test_equal_minimums(self) -> None:
        """Two bands from the same minimum are grades-order at the second."""
        message = "grade 'B' starts at 80, not below 'A' at 80; list grades highest first"
        assert [(1, "grades-order", message)] == band_problems([B(D(80), "A"), B(D(80), "B"), B(D(0), "C")])

    def test_rising_minimums(self) -> None:
        """A band above the one before is grades-order."""
        message = "grade 'B' starts at 90, not below 'A' at 80; list grades highest first"
        assert [(1, "grades-order", message)] == band_problems([B(D(80), "A"), B(D(90), "B"), B(D(0), "C")])

    def test_negative_minimum(self) -> None:
        """A band below 0 is grades-negative, and as the last band also grades-floor."""
        assert [
            (1, "grades-negative", "grade 'B' starts below 0 (-1)"),
            (1, "grades-floor", "the lowest grade 'B' starts at -1; it must start at 0 so every total gets a grade"),
        ] == band_problems([B(D(0), "A"), B(D(-1), "B")])

    def test_last_band_not_at_zero(self) -> None:
        """The lowest band must start at 0."""
        message = "the lowest grade 'B' starts at 10; it must start at 0 so every total gets a grade"
        assert [(1, "grades-floor", message)] == band_problems([B(D(90), "A"), B(D(10), "B")])

    def test_single_band_not_at_zero(self) -> None:
        """A single band must start at 0 too."""
        message = "the lowest grade 'A' starts at 5; it must start at 0 so every total gets a grade"
        assert [(0, "grades-floor", message)] == band_problems([B(D(5), "A")])

    def test_duplicate_labels(self) -> None:
        """A label listed twice is grades-duplicate at the second."""
        assert [(2, "grades-duplicate", "grade 'A' is listed twice")] == band_problems(
            [B(D(90), "A"), B(D(50), "B"), B(D(0), "A")]
        )

    def test_scale_refuses_bad_bands(self) -> None:
        """GradingScale itself refuses bands that are not a scale, joining the messages."""
        with pytest.raises(ValueError, match=r"^grade 'A' is listed twice; the lowest grade 'A' starts at 5;"):
            GradingScale([B(D(10), "A"), B(D(5), "A")])
        with pytest.raises(ValueError, match=r"^a grading scale needs at least one band$"):
            GradingScale([])

    @pytest.mark.parametrize(
        ("grades", "expected"),
        [
            ([{"min": 9, "label": "优"}, {"min": 9, "label": "良"}, {"min": 0, "label": "差"}], [("grades-order", 1)]),
            ([{"min": 9, "label": "优"}, {"min": 1, "label": "差"}], [("grades-floor", 1)]),
            ([{"min": 9, "label": "优"}, {"min": -5, "label": "差"}], [("grades-negative", 1), ("grades-floor", 1)]),
            ([{"min": 9, "label": "优"}, {"min": 0, "label": "优"}], [("grades-duplicate", 1)]),
            ([], [("grades-empty", None)]),
        ],
    )
    def test_spec_reports_band_problems(self, grades: list[dict[str, Any]], expected: list[Any]) -> None:
        """A spec's bad bands are reported with their codes, at the band."""
        document = {**FACTS_SPEC, "facts": {}, "indicators": [FACTS_SPEC["indicators"][2]], "grades": grades}
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(document)
        assert [code for code, _ in expected] == [p.code for p in info.value.problems]


class TestGrade:
    @pytest.mark.parametrize(
        ("total", "label"),
        [
            ("100", "优"),
            ("90", "优"),
            ("89.99", "良"),
            ("80", "良"),
            ("79.99", "中"),
            ("60", "中"),
            ("59.99", "差"),
            ("0", "差"),
        ],
    )
    def test_band_minimum_is_inclusive(self, total: str, label: str) -> None:
        """A total exactly at a band's minimum gets that band; just below gets the next."""
        assert label == DEFAULT_SCALE.grade(D(total)).label

    def test_below_every_grade(self) -> None:
        """A total below the lowest band has no grade."""
        with pytest.raises(ValueError, match=r"^a total of -0.01 is below every grade$"):
            DEFAULT_SCALE.grade(D("-0.01"))

    def test_default_bands(self) -> None:
        """The default scale is 优 90, 良 80, 中 60, 差 0 with English labels."""
        assert [(D(90), "优", "excellent"), (D(80), "良", "good"), (D(60), "中", "fair"), (D(0), "差", "poor")] == [
            (b.min, b.label, b.label_en) for b in DEFAULT_SCALE.bands
        ]


# ---------------------------------------------------------------------------------------------------------------
# Findings

FORM: dict[str, Any] = {
    "spec": 1,
    "id": "test/findings",
    "version": "1",
    "name": "发现",
    "total": 20,
    "facts": {
        "done": {"type": "number", "min": 0, "label": "完成数", "optional": True},
        "budget": {
            "type": "number",
            "label": "全年预算数",
            "label_en": "full-year budget",
            "agrees_with": "budget/总预算",
        },
        "spent": {"type": "number", "agrees_with": "funds/总额/executed"},
    },
    "indicators": [
        {
            "id": "1",
            "name": "产出",
            "weight": 20,
            "children": [
                {"id": "1.1", "name": "数量", "weight": 10, "kind": "self_assessed"},
                {"id": "1.2", "name": "完成", "weight": 10, "expression": "weight * min(done / 10, 1)"},
            ],
        }
    ],
    "grades": [{"min": 18, "label": "优"}, {"min": 0, "label": "差"}],
}


def form(**options: Any) -> dict[str, Any]:
    return {**FORM, **options}


def unit(**overrides: Any) -> dict[str, Any]:
    """Facts for FORM that give nothing to find: 1.1 claims 8 with a reason, 1.2 claims its computed 9."""
    return {
        "year": 2022,
        "budget": {"总预算": 100},
        "funds": {"总额": {"executed": 10}, "拨款": {"executed": 10}},
        "facts": {"done": 9, "budget": 100, "spent": 10},
        "assessments": {"1.1": {"score": 8, "reason": "进度滞后"}, "1.2": {"score": 9, "reason": "差一项"}},
        **overrides,
    }


def found(
    facts: dict[str, Any], tolerance: str = "0", document: dict[str, Any] | None = None, **options: Any
) -> tuple[perfrules.Finding, ...]:
    evaluation = perfrules.evaluate(document or FORM, facts, **options)
    return perfrules.findings(evaluation, tolerance=D(tolerance))


def codes(findings: tuple[perfrules.Finding, ...]) -> list[tuple[str, str, str | None]]:
    return [(f.severity, f.code, f.indicator) for f in findings]


class TestFindingsEntry:
    def test_nothing_to_find(self) -> None:
        """The base unit is clean at zero tolerance, the default."""
        assert () == perfrules.findings(perfrules.evaluate(FORM, unit()))

    @pytest.mark.parametrize("tolerance", [D(-1), D("NaN"), D("Infinity"), 1])
    def test_bad_tolerance(self, tolerance: Any) -> None:
        """A negative, infinite, NaN or non-Decimal tolerance is refused."""
        with pytest.raises(ValueError, match=r"^tolerance must be a Decimal of 0 or more, not "):
            perfrules.findings(perfrules.evaluate(FORM, unit()), tolerance=tolerance)

    def test_zero_tolerance_is_accepted(self) -> None:
        """A tolerance of exactly 0 is valid."""
        assert () == found(unit(), "0")

    def test_order(self) -> None:
        """Stated figures first, then table figures, the funds table, each leaf in form order, then clamped rules."""
        document = form()
        document["indicators"] = [
            {**FORM["indicators"][0]},
        ]
        document["indicators"][0]["children"] = [
            FORM["indicators"][0]["children"][0],
            {"id": "1.2", "name": "完成", "weight": 10, "expression": "weight * done"},
        ]
        facts = unit(
            stated={"total": 1},
            budget={"总预算": 99},
            funds={"总额": {"executed": 10}, "拨款": {"executed": 9}},
            assessments={"1.1": {"score": 8}, "1.2": {"score": 10}},
        )
        assert [
            ("error", "stated-total", None),
            ("error", "figures-differ", None),
            ("error", "funds-sum", None),
            ("warning", "reason-missing", "1.1"),
            ("warning", "score-clamped", "1.2"),
        ] == codes(found(facts, document=document))


class TestStatedFindings:
    @pytest.mark.parametrize(("stated", "gap"), [("16.5", "0.50"), ("17.5", "0.50")], ids=["below", "above"])
    def test_stated_total_tolerance(self, stated: str, gap: str) -> None:
        """A stated total below or above the sum by exactly the tolerance stands; by more it is an error."""
        facts = unit(stated={"total": stated})
        assert () == found(facts, gap)
        [finding] = found(facts, "0.49")
        assert ("error", "stated-total", None) == (finding.severity, finding.code, finding.indicator)
        assert {"stated": D(stated), "computed": D("17.00")} == dict(finding.numbers)
        assert f"表上总分 {stated}，各项得分合计 17.00" == finding.message
        assert f"the form states a total of {stated}; the scores add up to 17.00" == finding.message_en

    def test_stated_total_located(self) -> None:
        """The stated-total finding points at the stated total."""
        text = "facts: {done: 9, budget: 100, spent: 10}\nbudget: {总预算: 100}\nstated:\n  total: 16\nassessments: {'1.1': {score: 8, reason: r}, '1.2': {score: 9, reason: r}}\n"
        [finding] = found(perfrules.load_facts(text))  # type: ignore[arg-type]
        assert Location("<text>", 4, 10) == finding.location

    def test_stated_grade_differs(self) -> None:
        """A stated grade that is not the total's is an error with both."""
        [finding] = found(unit(stated={"total": 17, "grade": "优"}))
        assert ("error", "stated-grade", None) == (finding.severity, finding.code, finding.indicator)
        assert "表上等级 优，总分 17.00 应为 差" == finding.message
        assert "the form states grade 优; a total of 17.00 is 差" == finding.message_en
        assert {"computed": D("17.00")} == dict(finding.numbers)

    def test_stated_grade_agrees(self) -> None:
        """A stated grade that is the total's is not found."""
        assert () == found(unit(stated={"grade": "差"}))

    def test_stated_figures_are_checked_against_the_self_total(self) -> None:
        """After a review, the stated total and grade are the self-evaluation's, not the reviewed ones."""
        facts = unit(stated={"total": 17, "grade": "差"})
        review = {"indicators": {"1.1": {"score": 10}, "1.2": {"score": 10}}}
        assert ["review-differs", "review-differs"] == [f.code for f in found(facts, review=review)]

    def test_evaluation_warns_too(self) -> None:
        """evaluate() warns of a stated total and grade that differ, at the stated section."""
        evaluation = perfrules.evaluate(FORM, unit(stated={"total": "16.5", "grade": "优"}))
        assert [
            ("warning", "stated-total", "the form states a total of 16.5; the scores add up to 17.00", None),
            ("warning", "stated-grade", "the form states grade 优; a total of 17.00 is 差", None),
        ] == [(d.level, d.code, d.message, d.indicator) for d in evaluation.diagnostics]

    def test_evaluation_accepts_an_equal_stated_total(self) -> None:
        """A stated total equal to the sum (written differently) gives no warning."""
        assert () == perfrules.evaluate(FORM, unit(stated={"total": 17, "grade": "差"})).diagnostics


class TestTableFindings:
    def test_budget_figure_differs(self) -> None:
        """A fact that contradicts the budget table is figures-differ, with both figures."""
        [finding] = found(unit(budget={"总预算": 90}))
        assert ("error", "figures-differ", None) == (finding.severity, finding.code, finding.indicator)
        assert "两处数字不一致：全年预算数 100，预算表的总预算为 90" == finding.message
        assert "two figures contradict each other: full-year budget is 100, the budget table's 总预算 is 90" == (
            finding.message_en
        )
        assert {"fact": D(100), "figure": D(90)} == dict(finding.numbers)

    def test_funds_figure_differs(self) -> None:
        """A fact that contradicts the funds table names the row and column; an unlabelled fact goes by its name."""
        facts = unit(funds={"总额": {"executed": 12}, "拨款": {"executed": 12}})
        [finding] = found(facts)
        assert "两处数字不一致：spent 10，资金表总额的全年执行数为 12" == finding.message
        assert "two figures contradict each other: spent is 10, the funds table's amount spent of 总额 is 12" == (
            finding.message_en
        )
        assert {"fact": D(10), "figure": D(12)} == dict(finding.numbers)

    def test_figure_located_at_the_fact(self) -> None:
        """figures-differ points at the fact's value."""
        text = "facts:\n  done: 9\n  budget: 101\n  spent: 10\nbudget: {总预算: 100}\nassessments: {'1.1': {score: 8, reason: r}, '1.2': {score: 9, reason: r}}\n"
        [finding] = found(perfrules.load_facts(text))  # type: ignore[arg-type]
        assert ("figures-differ", Location("<text>", 3, 11)) == (finding.code, finding.location)

    def test_no_table_no_finding(self) -> None:
        """Without the table figure there is nothing to contradict."""
        facts = unit()
        del facts["budget"], facts["funds"]
        assert () == found(facts)

    def test_quoted_numeral_is_checked(self) -> None:
        """A fact written "100" (as JSON systems send it) is checked against the table like 100."""
        facts = unit(budget={"总预算": 90})
        facts["facts"] = {**facts["facts"], "budget": "100"}
        assert ["figures-differ"] == [f.code for f in found(facts)]

    def test_funds_parts_do_not_add_up(self) -> None:
        """A funds column whose parts miss the total is funds-sum, column by column in table order."""
        funds = {
            "总额": {"initial": 5, "full_year": 20, "executed": 10},
            "拨款": {"initial": 5, "full_year": 15, "executed": 7},
            "结转": {"full_year": 4, "executed": 2},
        }
        findings = found(unit(funds=funds, facts={"done": 9, "budget": 100, "spent": 10}))
        assert [("error", "funds-sum", None), ("error", "funds-sum", None)] == codes(findings)
        assert [
            (
                "资金表 总额 的全年预算数为 20，各分项合计 19",
                "funds: the full-year budget of 总额 is 20, but its parts add up to 19",
            ),
            (
                "资金表 总额 的全年执行数为 10，各分项合计 9",
                "funds: the amount spent of 总额 is 10, but its parts add up to 9",
            ),
        ] == [(f.message, f.message_en) for f in findings]
        assert {"stated": D(10), "parts": D(9)} == dict(findings[1].numbers)

    def test_funds_sum_warning(self) -> None:
        """evaluate() warns of the same gap, in English."""
        funds = {"总额": {"executed": 10}, "拨款": {"executed": 7}, "结转": {"executed": 2}}
        evaluation = perfrules.evaluate(FORM, unit(funds=funds))
        assert [("warning", "funds-sum", "funds: the amount spent of 总额 is 10, but its parts add up to 9", None)] == [
            (d.level, d.code, d.message, d.indicator) for d in evaluation.diagnostics
        ]

    def test_funds_sum_warning_located(self) -> None:
        """evaluate()'s funds-sum warning points at the total row's cell."""
        text = (
            "year: 2022\nfacts: {done: 9, budget: 100, spent: 10}\nfunds:\n  总额: {executed: 10}\n  拨款: {executed: 9}\n"
            "assessments: {'1.1': {score: 8, reason: r}, '1.2': {score: 9, reason: r}}\n"
        )
        evaluation = perfrules.evaluate(FORM, text)
        assert [("funds-sum", Location("<text>", 4, 18))] == [(d.code, d.location) for d in evaluation.diagnostics]

    @pytest.mark.parametrize(
        "funds",
        [
            {"总额": {"executed": 10}},
            {"总额": {"initial": 5}, "拨款": {"executed": 3}},
            {"总额": {"executed": 10}, "拨款": {"executed": 4}, "结转": {"executed": 6}},
        ],
        ids=["total-only", "columns-apart", "adds-up"],
    )
    def test_funds_without_gaps(self, funds: dict[str, Any]) -> None:
        """A lone total row, columns with nothing to compare, and parts that add up are not gaps."""
        facts = unit(funds=funds, facts={"done": 9, "budget": 100, "spent": 10})
        assert [] == perfrules.load_facts(facts).funds_gaps()

    def test_figures_of_the_tables(self) -> None:
        """Facts.figure reads budget lines and funds cells; anything else is None."""
        facts = perfrules.load_facts(unit(funds={"总额": {"executed": 10, "initial": 3}}))
        assert [D(100), D(10), D(3), None, None, None, None] == [
            facts.figure(reference)
            for reference in (
                "budget/总预算",
                "funds/总额/executed",
                "funds/总额/initial",
                "funds/总额/full_year",
                "funds/其他/executed",
                "budget/其他",
                "funds/总额",
            )
        ]


class TestLeafFindings:
    def test_reason_missing_tolerance(self) -> None:
        """Points lost exactly up to the tolerance need no reason; just above, they do."""
        facts = unit(assessments={"1.1": {"score": 8}, "1.2": {"score": 9, "reason": "r"}})
        assert () == found(facts, "2")
        [finding] = found(facts, "1.99")
        assert ("warning", "reason-missing", "1.1") == (finding.severity, finding.code, finding.indicator)
        assert "失 2.00 分，未说明未达标原因" == finding.message
        assert "2.00 points lost with no reason given" == finding.message_en
        assert {"score": D("8.00"), "weight": D(10), "lost": D("2.00")} == dict(finding.numbers)

    def test_blank_reason_is_no_reason(self) -> None:
        """A reason of spaces is no reason."""
        facts = unit(assessments={"1.1": {"score": 8, "reason": "  "}, "1.2": {"score": 9, "reason": "r"}})
        assert [("warning", "reason-missing", "1.1")] == codes(found(facts))

    def test_reason_on_full_score(self) -> None:
        """A reason on a full score is a notice at the reason."""
        text = "facts: {done: 10, budget: 100, spent: 10}\nassessments:\n  '1.1': {score: 10, reason: 无}\n  '1.2': {score: 10}\n"
        [finding] = found(perfrules.load_facts(text))  # type: ignore[arg-type]
        assert ("notice", "reason-on-full-score", "1.1") == (finding.severity, finding.code, finding.indicator)
        assert "得满分却填写了未达标原因" == finding.message
        assert "a reason for lost points on a full score" == finding.message_en
        assert {"score": D("10.00")} == dict(finding.numbers)
        assert Location("<text>", 3, 30) == finding.location

    def test_full_score_without_reason(self) -> None:
        """A full score without a reason has nothing to find."""
        facts = unit(facts={"done": 10, "budget": 100, "spent": 10}, assessments={"1.1": {"score": 10}})
        assert () == found(facts)

    def test_claim_differs_tolerance(self) -> None:
        """A claim that differs from the rule by exactly the tolerance stands; by more it is a warning with both."""
        facts = unit(assessments={"1.1": {"score": 8, "reason": "r"}, "1.2": {"score": "8.5", "reason": "r"}})
        assert () == found(facts, "0.5")
        [finding] = found(facts, "0.49")
        assert ("warning", "claim-differs", "1.2") == (finding.severity, finding.code, finding.indicator)
        assert "自评 8.50 分，按规则计算 9.00 分，相差 0.50 分" == finding.message
        assert "claimed 8.50, but the rule computes 9.00: 0.50 apart" == finding.message_en
        assert {"claimed": D("8.50"), "computed": D("9.00"), "difference": D("0.50")} == dict(finding.numbers)

    def test_claim_above_the_rule(self) -> None:
        """A claim above the rule differs by the same positive gap."""
        facts = unit(assessments={"1.1": {"score": 8, "reason": "r"}, "1.2": {"score": "9.5", "reason": "r"}})
        [finding] = found(facts, "0.49")
        assert D("0.50") == finding.numbers["difference"]

    def test_claim_differs_on_an_assumed_rule(self) -> None:
        """On an assumed rule the English says the gap may be the rule's."""
        document = form()
        document["indicators"] = [dict(FORM["indicators"][0])]
        document["indicators"][0]["children"] = [
            FORM["indicators"][0]["children"][0],
            {**FORM["indicators"][0]["children"][1], "assumed": True},
        ]
        facts = unit(assessments={"1.1": {"score": 8, "reason": "r"}, "1.2": {"score": "8.5", "reason": "r"}})
        [finding] = found(facts, document=document)
        assert (
            "自评 8.50 分，按规则计算 9.00 分，相差 0.50 分；此规则为假定，官方计分规则未公布，差异可能出自规则本身"
            == finding.message
        )
        assert (
            "claimed 8.50, but the rule computes 9.00: 0.50 apart;"
            " the rule is assumed (the official rule is unknown), so the gap may be the rule's"
        ) == finding.message_en

    def test_unsupported_score(self) -> None:
        """A claim standing without its optional fact is unsupported-score, with the claim."""
        facts = unit(facts={"budget": 100, "spent": 10})
        [finding] = found(facts)
        assert ("warning", "unsupported-score", "1.2") == (finding.severity, finding.code, finding.indicator)
        assert "自评 9.00 分缺少支撑数据：未提供 done" == finding.message
        assert "the claim of 9.00 has no facts behind it: done not given" == finding.message_en
        assert {"claimed": D("9.00")} == dict(finding.numbers)

    def test_score_clamped(self) -> None:
        """A rule clamped to its weight is a warning naming the rule, in both languages."""
        document = form()
        document["indicators"] = [dict(FORM["indicators"][0])]
        document["indicators"][0]["children"] = [
            FORM["indicators"][0]["children"][0],
            {"id": "1.2", "name": "完成", "weight": 10, "expression": "weight * done"},
        ]
        facts = unit(assessments={"1.1": {"score": 8, "reason": "r"}})
        [finding] = found(facts, document=document)
        message = "'weight * done' gives 90; clamped to 10 (0 to the weight 10)"
        zh = "'weight * done' 算得 90，已按 0 至分值 10 取为 10"
        assert ("warning", "score-clamped", "1.2", zh, message) == (
            finding.severity,
            finding.code,
            finding.indicator,
            finding.message,
            finding.message_en,
        )
        assert finding.location is not None and finding.location.file == "<mapping>"

    def test_findings_are_located_in_the_facts(self) -> None:
        """Each finding points at what it is about: the stated grade, the funds cell, the leaf's assessment."""
        text = (
            "facts: {done: 9, budget: 100, spent: 10}\nbudget: {总预算: 100}\nfunds:\n  总额: {executed: 10}\n"
            "  拨款: {executed: 9}\nstated: {grade: 优}\nassessments:\n  '1.1': {score: 8}\n  '1.2': {score: 8.5, reason: r}\n"
        )
        assert [
            ("stated-grade", Location("<text>", 6, 17)),
            ("funds-sum", Location("<text>", 4, 18)),
            ("reason-missing", Location("<text>", 8, 10)),
            ("claim-differs", Location("<text>", 9, 10)),
        ] == [(f.code, f.location) for f in found(perfrules.load_facts(text))]  # type: ignore[arg-type]

    def test_unsupported_score_located(self) -> None:
        """unsupported-score points at the leaf's assessment."""
        text = "facts: {budget: 100, spent: 10}\nassessments:\n  '1.1': {score: 8, reason: r}\n  '1.2': {score: 9, reason: r}\n"
        [finding] = found(perfrules.load_facts(text))  # type: ignore[arg-type]
        assert ("unsupported-score", Location("<text>", 4, 10)) == (finding.code, finding.location)

    def test_unsupported_score_names_every_missing_fact(self) -> None:
        """Several optional facts left out are all named, comma-separated."""
        document = form(facts={**FORM["facts"], "more": {"type": "number", "optional": True}})
        document["indicators"] = [dict(FORM["indicators"][0])]
        document["indicators"][0]["children"] = [
            FORM["indicators"][0]["children"][0],
            {"id": "1.2", "name": "完成", "weight": 10, "expression": "weight * min(done / more, 1)"},
        ]
        [finding] = found(unit(facts={"budget": 100, "spent": 10}), document=document)
        assert "自评 9.00 分缺少支撑数据：未提供 done, more" == finding.message
        assert "the claim of 9.00 has no facts behind it: done, more not given" == finding.message_en

    def test_excluded_leaves_are_not_examined(self) -> None:
        """A leaf marked not applicable loses nothing that needs a reason."""
        document = form()
        document["indicators"] = [dict(FORM["indicators"][0])]
        document["indicators"][0]["children"] = [
            {**FORM["indicators"][0]["children"][0], "not_applicable": "zero"},
            FORM["indicators"][0]["children"][1],
        ]
        facts = unit(assessments={"1.1": {"not_applicable": True}, "1.2": {"score": 9, "reason": "r"}})
        assert () == found(facts, document=document)


# ---------------------------------------------------------------------------------------------------------------
# Reviews (复核)

REVIEWED_TEXT = "reviewer: 区财政局\nindicators:\n  '1.1': {score: 6}\n"


class TestReviewScores:
    @pytest.mark.parametrize(
        ("rule", "review", "final"),
        [
            ("reviewer", "6", "6.00"),
            ("reviewer", "10", "10.00"),
            ("lower", "6", "6.00"),
            ("lower", "10", "8.00"),
            ("self", "6", "8.00"),
            ("self", "0", "8.00"),
            ("reviewer", "0", "0.00"),
        ],
    )
    def test_final_score_rules(self, rule: str, review: str, final: str) -> None:
        """reviewer takes the review score, lower the lower of the two, self the self score; 0 and the weight are valid."""
        evaluation = perfrules.evaluate(
            form(final_score=rule), unit(), review={"indicators": {"1.1": {"score": review}}}
        )
        leaf = evaluation["1.1"]
        assert (D(final), D("8.00"), D(review).quantize(D("0.01"))) == (leaf.score, leaf.self_score, leaf.review_score)
        assert str(D(review).quantize(D("0.01"))) == str(leaf.review_score)
        assert D(final) + D("9.00") == evaluation.total == evaluation["1"].score
        assert (D("17.00"), D("17.00")) == (evaluation.self_total, evaluation["1"].self_score)

    def test_unreviewed_leaf_keeps_its_score(self) -> None:
        """A leaf the review does not score keeps its score as self and final, with no review score."""
        evaluation = perfrules.evaluate(FORM, unit(), review={"indicators": {"1.1": {"score": 6}}})
        leaf = evaluation["1.2"]
        assert (D("9.00"), D("9.00"), None, None) == (leaf.score, leaf.self_score, leaf.review_score, leaf.review_note)

    def test_notes_on_parents_and_leaves(self) -> None:
        """A note without a score is kept, on a parent as on a leaf."""
        review = {"indicators": {"1": {"note": "总体属实"}, "1.2": {"note": "核实"}}}
        evaluation = perfrules.evaluate(FORM, unit(), review=review)
        assert ("总体属实", "核实", None) == (
            evaluation["1"].review_note,
            evaluation["1.2"].review_note,
            evaluation["1.2"].review_score,
        )
        assert D("17.00") == evaluation.total == evaluation.self_total

    def test_grade_of_the_reviewed_total(self) -> None:
        """The grade follows the final total; the self grade is kept."""
        review = {"indicators": {"1.1": {"score": 10}}}
        evaluation = perfrules.evaluate(FORM, unit(), review=review)
        assert (D("19.00"), "优", "差") == (
            evaluation.total,
            evaluation.grade.label,
            evaluation.self_grade.label if evaluation.self_grade else None,
        )

    def test_renormalised_weight_bounds_the_review(self) -> None:
        """A review score is bounded by the weight shown on the form, after renormalisation."""
        document = form()
        document["indicators"] = [dict(FORM["indicators"][0])]
        document["indicators"][0]["children"] = [
            {**FORM["indicators"][0]["children"][0], "not_applicable": "exclude"},
            FORM["indicators"][0]["children"][1],
        ]
        facts = unit(assessments={"1.1": {"not_applicable": True}, "1.2": {"score": 9, "reason": "r"}})
        evaluation = perfrules.evaluate(document, facts, review={"indicators": {"1.2": {"score": 20}}})
        assert (D("20.00"), D("18.00"), D("20.00")) == (
            evaluation["1.2"].weight,
            evaluation["1.2"].self_score,
            evaluation.total,
        )


class TestReviewRefused:
    def refused(self, entries: dict[str, Any], document: dict[str, Any] | None = None, **facts: Any) -> ReviewError:
        with pytest.raises(ReviewError) as info:
            perfrules.evaluate(document or FORM, unit(**facts), review={"indicators": entries})
        return info.value

    @pytest.mark.parametrize("score", ["-0.01", "10.01"])
    def test_just_outside_the_weight(self, score: str) -> None:
        """A review score just outside 0 to the weight is the error review."""
        error = self.refused({"1.1": {"score": score}})
        assert [("review", f"the review score {score} is outside 0 to 10", "1.1")] == problems(error)
        assert "<mapping>: 1 review problem" == str(error).splitlines()[0]

    def test_note_only_entry_does_not_stop_the_checks(self) -> None:
        """An entry with only a note is skipped, and the entries after it are still checked, as errors."""
        error = self.refused({"1.2": {"note": "n"}, "1.1": {"score": 11}})
        assert [("error", "review", "1.1")] == [(p.level, p.code, p.indicator) for p in error.problems]

    def test_decimals_at_the_precision(self) -> None:
        """A review score with exactly the precision's decimals is accepted."""
        evaluation = perfrules.evaluate(FORM, unit(), review={"indicators": {"1.1": {"score": "7.25"}}})
        assert D("7.25") == evaluation["1.1"].score

    def test_too_many_decimals(self) -> None:
        """A review score with more decimals than the precision is refused."""
        error = self.refused({"1.1": {"score": "9.125"}})
        assert [("review", "the review score 9.125 has more than 2 decimals", "1.1")] == problems(error)

    def test_on_a_parent_and_an_unknown_id(self) -> None:
        """A score on a parent and any entry on an unknown id are refused, all at once, with a suggestion."""
        error = self.refused({"1": {"score": 15}, "1.3": {"note": "n"}, "zzzz": {"score": 1}})
        assert [
            ("review", "'1' is scored from its children; review the leaves", "1"),
            ("review", "no indicator '1.3' in the form (did you mean '1.2'?)", "1.3"),
            ("review", "no indicator 'zzzz' in the form", "zzzz"),
        ] == problems(error)
        assert "<mapping>: 3 review problems" == str(error).splitlines()[0]

    def test_on_an_excluded_leaf(self) -> None:
        """A leaf excluded as not applicable takes no review score."""
        document = form()
        document["indicators"] = [dict(FORM["indicators"][0])]
        document["indicators"][0]["children"] = [
            {**FORM["indicators"][0]["children"][0], "not_applicable": "exclude"},
            FORM["indicators"][0]["children"][1],
        ]
        error = self.refused(
            {"1.1": {"score": 5}}, document, assessments={"1.1": {"score": "/"}, "1.2": {"score": 9, "reason": "r"}}
        )
        message = "'1.1' does not count for this unit (exclude); it takes no review score"
        assert [("review", message, "1.1")] == problems(error)

    def test_located_in_the_review_file(self) -> None:
        """A review problem points at the entry in the review text."""
        with pytest.raises(ReviewError) as info:
            perfrules.evaluate(FORM, unit(), review="indicators:\n  '1.1': {score: 11}\n")
        assert Location("<text>", 2, 10) == info.value.problems[0].location


class TestReviewFindings:
    def test_review_differs_tolerance(self) -> None:
        """A review score apart from the self score by exactly the tolerance stands; by more it is a notice."""
        assert () == found(unit(), "2", review=REVIEWED_TEXT)
        [finding] = found(unit(), "1.99", review=REVIEWED_TEXT)
        assert ("notice", "review-differs", "1.1") == (finding.severity, finding.code, finding.indicator)
        assert "复核分 6.00 与自评分 8.00 不同；最终得分 6.00" == finding.message
        assert "review score 6.00 differs from the self score 8.00; final score 6.00" == finding.message_en
        assert {"self": D("8.00"), "review": D("6.00"), "final": D("6.00")} == dict(finding.numbers)
        assert Location("<text>", 3, 10) == finding.location

    def test_review_note_in_the_message(self) -> None:
        """The reviewer's note is quoted in the Chinese message."""
        [finding] = found(unit(), review={"indicators": {"1.1": {"score": 6, "note": "佐证不足"}}})
        assert "复核分 6.00 与自评分 8.00 不同（佐证不足）；最终得分 6.00" == finding.message

    def test_review_above_the_self_score(self) -> None:
        """A review score above the self score differs too; under lower the self score is final."""
        [finding] = found(unit(), review={"indicators": {"1.1": {"score": 9}}}, document=form(final_score="lower"))
        assert {"self": D("8.00"), "review": D("9.00"), "final": D("8.00")} == dict(finding.numbers)

    def test_equal_review_is_not_found(self) -> None:
        """A review score equal to the self score is not a finding."""
        assert () == found(unit(), review={"indicators": {"1.1": {"score": 8}}})

    def test_reasons_follow_the_self_score(self) -> None:
        """Lost points are counted on the self score: a reviewed-down full score still has a reason on a full score."""
        facts = unit(
            facts={"done": 10, "budget": 100, "spent": 10},
            assessments={"1.1": {"score": 10, "reason": "无"}, "1.2": {"score": 10}},
        )
        review = {"indicators": {"1.1": {"score": 10}, "1.2": {"score": 5}}}
        assert [("notice", "reason-on-full-score", "1.1"), ("notice", "review-differs", "1.2")] == codes(
            found(facts, review=review)
        )


class TestReviewFile:
    def test_fields(self) -> None:
        """A review's reviewer, date, opinion and entries are read as written."""
        review = perfrules.load_review(
            "reviewer: 区财政局\ndate: '2023-06-30'\nopinion: 属实\nindicators:\n  '1.1': {score: 9.5, note: 核实}\n  '1.2': {note: 无}\n"
        )
        assert ("区财政局", "2023-06-30", "属实", "<text>") == (
            review.reviewer,
            review.date,
            review.opinion,
            review.file,
        )
        assert {"1.1": (D("9.5"), "核实"), "1.2": (None, "无")} == {
            key: (entry.score, entry.note) for key, entry in review.entries.items()
        }
        assert Location("<text>", 5, 18) == review.location("indicators", "1.1", "score")

    def test_empty_review(self) -> None:
        """An empty mapping is a review with nothing in it."""
        review = perfrules.load_review({})
        assert (None, None, None, {}) == (review.reviewer, review.date, review.opinion, dict(review.entries))

    def test_not_a_mapping(self) -> None:
        """A review that is not a mapping is bad-value."""
        with pytest.raises(ReviewError) as info:
            perfrules.load_review("[1, 2]")
        message = "a review is a mapping with reviewer, date, opinion and indicators"
        assert [("bad-value", message, None)] == problems(info.value)

    def test_entry_not_a_mapping(self) -> None:
        """An entry that is not {score, note} is bad-value at that indicator; the others are still read."""
        with pytest.raises(ReviewError) as info:
            perfrules.load_review({"indicators": {"1.1": 5, "1.2": {"score": "x"}}})
        assert [
            ("bad-value", "a review entry is {score: ..., note: ...}", "1.1"),
            ("bad-number", problems(info.value)[1][1], "1.2"),
        ] == problems(info.value)

    def test_date_must_be_text(self) -> None:
        """A date written as a number is bad-value with a hint."""
        with pytest.raises(ReviewError) as info:
            perfrules.load_review({"date": 2023})
        assert [("bad-value", "'date' is text such as \"2023-06-30\", not 2023", None)] == problems(info.value)

    def test_unreadable(self) -> None:
        """A review that is not YAML is unreadable."""
        with pytest.raises(ReviewError, match="cannot read the review") as info:
            perfrules.load_review("a: [\nb")
        assert ["unreadable"] == [p.code for p in info.value.problems]

    def test_section_of_the_facts_file(self) -> None:
        """A facts file's review section is read with its positions in the facts file."""
        text = (
            "facts: {done: 9, budget: 100, spent: 10}\nreview:\n  reviewer: 局\n  indicators:\n    '1.1': {score: 6}\n"
        )
        facts = perfrules.load_facts(text)
        assert facts.review is not None
        assert ("局", D(6)) == (facts.review.reviewer, facts.review.entries["1.1"].score)
        assert Location("<text>", 5, 20) == facts.review.location("indicators", "1.1", "score")

    def test_bad_section_of_the_facts_file(self) -> None:
        """A review section that is not a mapping is a facts error."""
        with pytest.raises(FactsError) as info:
            perfrules.load_facts({"review": 5})
        message = "a review is a mapping with reviewer, date, opinion and indicators"
        assert [("bad-value", message, None)] == problems(info.value)

    def test_every_problem_of_a_section_located(self) -> None:
        """Each problem of a facts file's review section is located in the facts file and names its indicator."""
        text = (
            "review:\n  reviewr: x\n  date: 2023\n  reviewer: 5\n  opinion: 6\n  indicators:\n"
            "    '1.1': {score: 1, notes: n, note: 7}\n    '1.2': 5\n"
        )
        with pytest.raises(FactsError) as info:
            perfrules.load_facts(text)
        assert [
            ("unknown-key", "unknown key 'reviewr' (did you mean 'reviewer'?)", None, 2, 3),
            ("bad-value", "'date' is text such as \"2023-06-30\", not 2023", None, 3, 9),
            ("bad-value", "'reviewer' must be non-empty text, not 5", None, 4, 13),
            ("bad-value", "'opinion' must be non-empty text, not 6", None, 5, 12),
            ("unknown-key", "unknown key 'notes' (did you mean 'note'?)", "1.1", 7, 23),
            ("bad-value", "'note' must be non-empty text, not 7", "1.1", 7, 39),
            ("bad-value", "a review entry is {score: ..., note: ...}", "1.2", 8, 12),
        ] == [
            (
                p.code,
                p.message,
                p.indicator,
                p.location.line if p.location else None,
                p.location.column if p.location else None,
            )
            for p in info.value.problems
        ]

    def test_indicators_must_be_a_mapping(self) -> None:
        """indicators that is not a mapping is bad-value at its value."""
        with pytest.raises(ReviewError) as info:
            perfrules.load_review("indicators: [1]\n")
        message = "'indicators' must be a mapping of indicator ids to {score, note}"
        assert [("bad-value", message, None)] == problems(info.value)
        assert Location("<text>", 1, 13) == info.value.problems[0].location
        assert "<text>: 1 problem in the review" == str(info.value).splitlines()[0]

    def test_location_without_a_document(self) -> None:
        """A review built by hand locates everything at its file."""
        assert Location("<review>") == perfrules.Review().location("indicators", "1.1")


# ---------------------------------------------------------------------------------------------------------------
# Alternatives and not applicable


def tree_spec(indicators: list[dict[str, Any]], facts: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "spec": 1,
        "id": "test/tree",
        "version": "1",
        "name": "树",
        "facts": facts or {},
        "indicators": indicators,
        "grades": [{"min": 0, "label": "差"}],
    }


def leaf(ident: str, weight: int, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "name": f"指标{ident}", "weight": weight, "kind": "self_assessed", **extra}


def claimed(**scores: Any) -> dict[str, Any]:
    return {"year": 2022, "assessments": {k.replace("_", "."): {"score": v} for k, v in scores.items()}}


class TestBestAlternative:
    TREE: list[dict[str, Any]] = [  # noqa: RUF012
        {"id": "A", "name": "甲", "weight": 10, "alternatives": "best", "children": [leaf("A.a", 10), leaf("A.b", 10)]},
        leaf("B", 10),
    ]

    @pytest.mark.parametrize(
        ("a", "b", "chosen", "words"),
        [
            ("7", "7", "A.a", "A.a (A.a 7.00, A.b 7.00)"),
            ("6", "7", "A.b", "A.b (A.a 6.00, A.b 7.00)"),
            ("8", "7", "A.a", "A.a (A.a 8.00, A.b 7.00)"),
        ],
        ids=["tie", "later-higher", "earlier-higher"],
    )
    def test_best_counts_and_ties_go_to_the_earlier(self, a: str, b: str, chosen: str, words: str) -> None:
        """The higher alternative counts; on equal scores the earlier child does; a note says which."""
        evaluation = perfrules.evaluate(tree_spec(self.TREE), claimed(A_a=a, A_b=b, B=5))
        other = "A.b" if chosen == "A.a" else "A.a"
        assert (D(max(a, b)).quantize(D("0.01")), D(10)) == (evaluation[chosen].score, evaluation[chosen].weight)
        assert (None, D(10)) == (evaluation[chosen].not_applicable, evaluation[chosen].weight)
        assert ("alternative", D(0), D(10), D("0.00")) == (
            evaluation[other].not_applicable,
            evaluation[other].weight,
            evaluation[other].declared_weight,
            evaluation[other].score,
        )
        assert evaluation[chosen].score == evaluation["A"].score
        [note] = evaluation.diagnostics
        assert ("info", "alternative-chosen", f"the best alternative counts: {words}", "A") == (
            note.level,
            note.code,
            note.message,
            note.indicator,
        )

    def test_note_located_at_the_parent(self) -> None:
        """The alternative-chosen note points at the parent in the spec."""
        text = json.dumps(tree_spec(self.TREE), ensure_ascii=False, indent=1)
        evaluation = perfrules.evaluate(text, claimed(A_a=1, A_b=2, B=3))
        assert [Location("<text>", 8, 3)] == [d.location for d in evaluation.diagnostics]

    def test_excluded_alternative_is_not_a_candidate(self) -> None:
        """An alternative marked not applicable cannot be the best, even when it would score more."""
        tree = [{**self.TREE[0], "children": [leaf("A.a", 10, not_applicable="full"), leaf("A.b", 10)]}, leaf("B", 10)]
        tree[0]["children"][0]["not_applicable"] = "exclude"
        facts = {"assessments": {"A.a": {"score": "/"}, "A.b": {"score": 3}, "B": {"score": 5}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert (D("3.00"), None) == (evaluation["A"].score, evaluation["A.b"].not_applicable)
        assert D("8.00") == evaluation.total

    def test_all_alternatives_excluded(self) -> None:
        """When every alternative is marked not applicable, the parent drops out and the rest is renormalised."""
        tree = [
            {
                **self.TREE[0],
                "children": [leaf("A.a", 10, not_applicable="exclude"), leaf("A.b", 10, not_applicable="exclude")],
            },
            leaf("B", 10),
        ]
        facts = {"year": 2022, "assessments": {"A.a": {"score": "/"}, "A.b": {"score": "/"}, "B": {"score": 5}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert ("exclude", D(0), D(10), D("0.00")) == (
            evaluation["A"].not_applicable,
            evaluation["A"].weight,
            evaluation["A"].declared_weight,
            evaluation["A"].score,
        )
        assert (D("20.00"), D("10.00"), D("10.00")) == (evaluation["B"].weight, evaluation["B"].score, evaluation.total)
        assert () == evaluation.diagnostics
        assert [("exclude", D(0)), ("exclude", D(0))] == [
            (evaluation[i].not_applicable, evaluation[i].weight) for i in ("A.a", "A.b")
        ]


class TestChosenAlternative:
    FACTS: dict[str, Any] = {"pick": {"type": "text"}}  # noqa: RUF012
    TREE: list[dict[str, Any]] = [  # noqa: RUF012
        {
            "id": "A",
            "name": "甲",
            "weight": 10,
            "alternatives": {"chosen_by": "pick"},
            "children": [leaf("A.a", 10), leaf("A.b", 10, not_applicable="exclude")],
        },
        leaf("B", 10),
    ]

    @pytest.mark.parametrize(("pick", "other"), [("A.a", "A.b"), ("A.b", "A.a")])
    def test_the_chosen_child_counts(self, pick: str, other: str) -> None:
        """The child the fact names counts with the whole weight; the other weighs 0 and needs no claim."""
        facts = {"year": 2022, "facts": {"pick": pick}, "assessments": {pick: {"score": 6}, "B": {"score": 5}}}
        evaluation = perfrules.evaluate(tree_spec(self.TREE, self.FACTS), facts)
        assert (D("6.00"), D(10), None) == (
            evaluation[pick].score,
            evaluation[pick].weight,
            evaluation[pick].not_applicable,
        )
        assert ("alternative", D(0), D(10), D("0.00")) == (
            evaluation[other].not_applicable,
            evaluation[other].weight,
            evaluation[other].declared_weight,
            evaluation[other].score,
        )
        assert (D("6.00"), D("11.00"), ()) == (evaluation["A"].score, evaluation.total, evaluation.diagnostics)

    def test_chosen_alternative_not_applicable(self) -> None:
        """A chosen alternative marked not applicable takes the parent out; its sibling B carries the form."""
        facts = {"facts": {"pick": "A.b"}, "assessments": {"A.b": {"score": "/"}, "B": {"score": 5}}}
        evaluation = perfrules.evaluate(tree_spec(self.TREE, self.FACTS), facts)
        assert ("exclude", D(0), D("0.00")) == (
            evaluation["A"].not_applicable,
            evaluation["A"].weight,
            evaluation["A"].score,
        )
        assert [("exclude", D(0), D(10))] * 2 == [
            (evaluation[i].not_applicable, evaluation[i].weight, evaluation[i].declared_weight) for i in ("A.b", "A.a")
        ]
        assert (D("20.00"), D("10.00")) == (evaluation["B"].weight, evaluation.total)

    def test_choice_naming_no_child(self) -> None:
        """A choice that names no child is alternative-choice on the parent, listing the children."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(tree_spec(self.TREE, self.FACTS), {"facts": {"pick": "A.c"}, **claimed(B=5)})
        message = "fact 'pick' is 'A.c': it must name one of A.a, A.b"
        assert [("alternative-choice", message, "A")] == problems(info.value)

    def test_claims_needed_only_on_the_chosen(self) -> None:
        """The chosen alternative still needs its claim."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(tree_spec(self.TREE, self.FACTS), {"facts": {"pick": "A.a"}, **claimed(B=5)})
        assert [("missing-claim", "'A.a' (指标A.a) is self-assessed but has no score", "A.a")] == problems(info.value)


class TestNotApplicablePolicies:
    def test_exclude_shares_by_largest_remainder(self) -> None:
        """Excluding 3 of 10 gives 3 and 4 the shares 4.29 and 5.71, their scores scaled and rounded once."""
        tree = [leaf("X", 3, not_applicable="exclude"), leaf("Y", 3), leaf("Z", 4)]
        facts = {"assessments": {"X": {"score": "/"}, "Y": {"score": 3}, "Z": {"score": 2}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert [(D(0), D(3), D("0.00")), (D("4.29"), D(3), D("4.29")), (D("5.71"), D(4), D("2.86"))] == [
            (r.weight, r.declared_weight, r.score) for r in evaluation.indicators
        ]
        assert ("exclude", None, None) == tuple(r.not_applicable for r in evaluation.indicators)
        assert D("7.15") == evaluation.total

    def test_full_marks_sibling_is_renormalised(self) -> None:
        """A sibling given full marks as not applicable takes its share of an excluded one's weight, still full."""
        tree = [leaf("X", 3, not_applicable="exclude"), leaf("Y", 3, not_applicable="full"), leaf("Z", 4)]
        facts = {"assessments": {"X": {"score": "/"}, "Y": {"not_applicable": True}, "Z": {"score": 2}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert [(D(0), D("0.00"), "exclude"), (D("4.29"), D("4.29"), "full"), (D("5.71"), D("2.86"), None)] == [
            (r.weight, r.score, r.not_applicable) for r in evaluation.indicators
        ]

    def test_exclude_rescales_a_subtree(self) -> None:
        """A renormalised parent shares its new weight among its children, down the tree."""
        tree = [
            leaf("X", 3, not_applicable="exclude"),
            {"id": "Y", "name": "乙", "weight": 3, "children": [leaf("Y.1", 1), leaf("Y.2", 2)]},
            leaf("Z", 4),
        ]
        facts = {"assessments": {"X": {"score": "/"}, "Y.1": {"score": 1}, "Y.2": {"score": 1}, "Z": {"score": 4}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert [(D("1.43"), D(1), D("1.43")), (D("2.86"), D(2), D("1.43"))] == [
            (r.weight, r.declared_weight, r.score) for r in evaluation["Y"].children
        ]
        assert (D("4.29"), D(3), D("2.86")) == (
            evaluation["Y"].weight,
            evaluation["Y"].declared_weight,
            evaluation["Y"].score,
        )
        assert D("8.57") == evaluation.total

    @pytest.mark.parametrize(("policy", "score"), [("zero", "0.00"), ("full", "3.00")])
    def test_zero_and_full_keep_the_weights(self, policy: str, score: str) -> None:
        """zero scores 0 and full the weight; no sibling is reweighted."""
        tree = [leaf("X", 3, not_applicable=policy), leaf("Y", 3), leaf("Z", 4)]
        facts = {"assessments": {"X": {"not_applicable": True}, "Y": {"score": 3}, "Z": {"score": 2}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert [(D(3), None, D(score), policy), (D(3), None, D("3.00"), None), (D(4), None, D("2.00"), None)] == [
            (r.weight, r.declared_weight, r.score, r.not_applicable) for r in evaluation.indicators
        ]
        assert D(score) + D(5) == evaluation.total

    @pytest.mark.parametrize(("policy", "scores"), [("full", ["1.00", "2.00", "3.00"]), ("zero", ["0.00"] * 3)])
    def test_policy_applies_down_a_subtree(self, policy: str, scores: list[str]) -> None:
        """A parent marked not applicable passes its policy to every descendant; no claims are needed below."""
        tree = [
            {
                "id": "X",
                "name": "甲",
                "weight": 3,
                "not_applicable": policy,
                "children": [leaf("X.1", 1), leaf("X.2", 2)],
            },
            leaf("Y", 7),
        ]
        facts = {"assessments": {"X": {"not_applicable": True}, "Y": {"score": 7}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert [D(s) for s in scores] == [evaluation[i].score for i in ("X.1", "X.2", "X")]
        assert [policy] * 3 == [evaluation[i].not_applicable for i in ("X.1", "X.2", "X")]
        assert [D(1), D(2), D(3)] == [evaluation[i].weight for i in ("X.1", "X.2", "X")]

    def test_full_on_an_alternatives_parent(self) -> None:
        """An alternatives parent marked full scores its first alternative's full marks; the other is set aside."""
        tree = [
            {
                "id": "A",
                "name": "甲",
                "weight": 10,
                "alternatives": "best",
                "not_applicable": "full",
                "children": [leaf("A.a", 10), leaf("A.b", 10)],
            },
            leaf("B", 10),
        ]
        facts = {"assessments": {"A": {"not_applicable": True}, "B": {"score": 5}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert [("A.a", "full", D(10), D("10.00")), ("A.b", "alternative", D(0), D("0.00"))] == [
            (r.id, r.not_applicable, r.weight, r.score) for r in evaluation["A"].children
        ]
        assert (D("10.00"), D("15.00")) == (evaluation["A"].score, evaluation.total)

    def test_excluded_subtree_weighs_nothing(self) -> None:
        """An excluded parent and its children weigh 0 and keep their declared weights."""
        tree = [
            {
                "id": "X",
                "name": "甲",
                "weight": 3,
                "not_applicable": "exclude",
                "children": [leaf("X.1", 1), leaf("X.2", 2)],
            },
            leaf("Y", 7),
        ]
        facts = {"assessments": {"X": {"not_applicable": True}, "Y": {"score": 7}}}
        evaluation = perfrules.evaluate(tree_spec(tree), facts)
        assert [(D(0), D(1), D("0.00")), (D(0), D(2), D("0.00")), (D(0), D(3), D("0.00"))] == [
            (evaluation[i].weight, evaluation[i].declared_weight, evaluation[i].score) for i in ("X.1", "X.2", "X")
        ]
        assert (D("10.00"), D("10.00")) == (evaluation["Y"].weight, evaluation.total)
