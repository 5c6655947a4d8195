"""Invariants that hold for every valid spec and every facts file that fits it."""

from __future__ import annotations

import decimal
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules._yaml import dump_yaml

from .strategies import facts_for, leaves, nodes, spec_documents


@st.composite
def evaluations(draw: st.DrawFn) -> tuple[dict[str, Any], perfrules.Evaluation]:
    document = draw(spec_documents())
    facts = draw(facts_for(document))
    spec = perfrules.load_spec(document)
    return document, perfrules.evaluate(spec, facts)


class TestScores:
    @given(evaluations())
    def test_every_score_between_zero_and_weight(self, case: tuple[dict[str, Any], perfrules.Evaluation]) -> None:
        """0 <= score <= weight at every node of every evaluation."""
        _, evaluation = case
        for result in evaluation.walk():
            assert Decimal(0) <= result.score <= result.weight, result.id

    @given(evaluations())
    def test_parent_is_sum_of_children(self, case: tuple[dict[str, Any], perfrules.Evaluation]) -> None:
        """A parent's score and weight are exactly the sums of its children's reported ones.

        With indicators excluded as not applicable, the reported weights are the
        renormalised ones (an excluded indicator weighs 0), so this still holds.
        """
        _, evaluation = case
        with decimal.localcontext(decimal.Context(prec=200)):  # exact: a sum of 28-digit parts can need more digits
            for result in evaluation.walk():
                if result.children:
                    assert sum(c.score for c in result.children) == result.score, result.id
                    assert sum(c.weight for c in result.children) == result.weight, result.id
            # The form renormalises too, unless nothing that carries weight is left to take the weight.
            if any(r.weight for r in evaluation.indicators if not r.excluded):
                assert evaluation.spec.full_marks == sum(r.weight for r in evaluation.indicators)

    @given(evaluations())
    def test_total_never_exceeds_full_marks(self, case: tuple[dict[str, Any], perfrules.Evaluation]) -> None:
        """The total is between 0 and the spec's total, with the spec's precision."""
        _, evaluation = case
        assert Decimal(0) <= evaluation.total <= evaluation.spec.full_marks
        assert -evaluation.total.as_tuple().exponent == evaluation.spec.precision

    @given(evaluations())
    def test_reported_leaf_scores_have_the_declared_precision(
        self, case: tuple[dict[str, Any], perfrules.Evaluation]
    ) -> None:
        """Rounding per indicator gives every leaf exactly `precision` decimals."""
        _, evaluation = case
        if evaluation.spec.round_at == "indicator":
            for result in evaluation.walk():
                assert -result.score.as_tuple().exponent == evaluation.spec.precision

    @given(evaluations())
    def test_grade_is_the_band_of_the_total(self, case: tuple[dict[str, Any], perfrules.Evaluation]) -> None:
        """The grade is the highest band whose minimum the total reaches."""
        _, evaluation = case
        reached = [band for band in evaluation.spec.grades.bands if evaluation.total >= band.min]
        assert reached[0] == evaluation.grade


class TestClamp:
    @pytest.mark.parametrize(
        ("rule", "x", "expected"),
        [
            ("x", "-3", "0.00"),
            ("x", "0", "0.00"),
            ("x", "0.004", "0.00"),
            ("x", "4.995", "5.00"),
            ("x", "5", "5.00"),
            ("x", "5.01", "5.00"),
            ("weight * 2", "0", "5.00"),
            ("0 - weight", "0", "0.00"),
        ],
    )
    def test_rule_values_outside_the_weight_are_clamped(self, rule: str, x: str, expected: str) -> None:
        """A rule giving less than 0 or more than the weight scores 0 or the weight, and says it clamped."""
        document = {
            "spec": 1,
            "id": "test/clamp",
            "version": "1",
            "name": "截取",
            "total": 5,
            "claims": "computed",
            "facts": {"x": {"type": "number"}},
            "indicators": [{"id": "1", "name": "甲", "weight": 5, "expression": rule}],
            "grades": [{"min": 3, "label": "过"}, {"min": 0, "label": "不过"}],
        }
        evaluation = perfrules.evaluate(document, {"facts": {"x": x}})
        assert Decimal(expected) == evaluation["1"].score == evaluation["1"].computed == evaluation.total
        value = Decimal(x) if rule == "x" else None
        clamped = value is None or not Decimal(0) <= value <= 5
        assert clamped == ("score-clamped" in {d.code for d in evaluation.diagnostics})


class TestReferenceModel:
    """Every generated form scored by a second, independent model of the rules: leaves, parents, total, grade, warnings."""

    @given(st.data())
    def test_scores_match_the_reference_model(self, data: st.DataObject) -> None:
        """Each leaf's computed and reported score, each parent, the total, the grade and the claim/clamp warnings."""
        document = data.draw(spec_documents())
        facts = data.draw(facts_for(document))
        # Not-applicable marks renormalise weights: the other properties cover them; this model scores the rest.
        facts["assessments"] = {k: v for k, v in facts["assessments"].items() if "not_applicable" not in v}
        for leaf in leaves(document["indicators"]):
            if leaf.get("kind") == "self_assessed":
                facts["assessments"].setdefault(leaf["id"], {"score": Decimal(0)})
        with decimal.localcontext(decimal.Context(prec=200)):  # parents and totals add exactly, as perfrules adds them
            expected, grade, warnings = _reference(document, facts)
        evaluation = perfrules.evaluate(document, facts)
        assert expected == {r.id: (r.computed, r.score) for r in evaluation.walk()} | {"": (None, evaluation.total)}
        assert grade == evaluation.grade.min
        assert warnings == sorted((d.code, str(d.indicator)) for d in evaluation.diagnostics if d.indicator)


def _reference(
    document: dict[str, Any], facts: dict[str, Any]
) -> tuple[dict[str, Any], Decimal, list[tuple[str, str]]]:
    """The scores a form should get, by the rules as docs/spec-format.md states them, written independently."""
    mode = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}[document["rounding"]]
    unit = Decimal(1).scaleb(-document["precision"])

    def rounded(value: Decimal) -> Decimal:
        return value.quantize(unit, rounding=mode) + 0  # + 0 turns -0 into 0

    values = {name: Decimal(value) for name, value in facts["facts"].items()}
    functions = {
        "min": min,
        "max": max,
        "abs": abs,
        "clamp": lambda x, low, high: min(max(x, low), high),
        "round": lambda x, places: x.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP),
    }
    scores: dict[str, Any] = {}
    warnings = []
    for node in reversed(nodes(document["indicators"])):  # children before parents
        ident, weight = node["id"], node["weight"]
        if "children" in node:
            scores[ident] = (None, sum((scores[c["id"]][1] for c in node["children"]), Decimal(0)))
            continue
        claim = facts["assessments"].get(ident, {}).get("score")
        if "expression" in node:
            text = re.sub(r"(?<![\w.])([0-9]+(?:\.[0-9]+)?)", r'D("\1")', node["expression"])
            with decimal.localcontext(decimal.Context(prec=28, rounding=ROUND_HALF_EVEN)):
                names = {**values, "weight": weight, "分值": weight}
                value = eval(text, {"__builtins__": {}, "D": Decimal, **functions}, names)  # noqa: S307
        elif "bands" in node:
            value = next(b["score"] for b in node["bands"] if _contains(b["range"], values[node["input"]]))
        else:
            scores[ident] = (None, claim)
            continue
        computed = Decimal(0) if value <= 0 else min(value, weight)
        if computed != value:
            warnings.append(("score-clamped", ident))
        if document["round_at"] == "indicator":
            computed = rounded(computed)
        if claim is not None and rounded(computed) != claim:
            warnings.append(("claim-differs", ident))
        scores[ident] = (computed, claim if claim is not None and document["claims"] == "self" else computed)
    total = rounded(sum((scores[node["id"]][1] for node in document["indicators"]), Decimal(0)))
    scores[""] = (None, total)
    return scores, max(g["min"] for g in document["grades"] if total >= g["min"]), sorted(warnings)


def _contains(interval: str, x: Decimal) -> bool:
    """Whether *x* lies in an interval written "[a, b)" and the like."""
    low, high = (Decimal(end) for end in interval[1:-1].split(","))
    above = low <= x if interval[0] == "[" else low < x
    below = x <= high if interval[-1] == "]" else x < high
    return above and below


class TestGrades:
    @given(spec_documents(), st.data())
    def test_grade_is_monotone_in_the_total(self, document: dict[str, Any], data: st.DataObject) -> None:
        """A higher total never earns a lower grade."""
        scale = perfrules.load_spec(document).grades
        full = perfrules.load_spec(document).full_marks
        totals = data.draw(st.lists(st.decimals(0, full, places=2), min_size=2, max_size=2))
        low, high = sorted(totals)
        rank = {band: index for index, band in enumerate(scale.bands)}
        assert rank[scale.grade(low)] >= rank[scale.grade(high)]

    @given(spec_documents(), st.data())
    def test_bands_partition_zero_to_total(self, document: dict[str, Any], data: st.DataObject) -> None:
        """Every total in [0, total] falls in exactly one band [min, next min)."""
        spec = perfrules.load_spec(document)
        total = data.draw(st.decimals(0, spec.full_marks, places=3))
        bands = spec.grades.bands
        uppers = [None, *(band.min for band in bands[:-1])]
        containing = [
            b for b, upper in zip(bands, uppers, strict=True) if b.min <= total and (upper is None or total < upper)
        ]
        assert [spec.grades.grade(total)] == containing


class TestRoundTrip:
    @given(spec_documents())
    def test_load_dump_load(self, document: dict[str, Any]) -> None:
        """load(dump(spec)) equals spec."""
        spec = perfrules.load_spec(document)
        assert spec == perfrules.load_spec(perfrules.dump_spec(spec))

    @given(spec_documents())
    def test_yaml_text_loads_like_the_mapping(self, document: dict[str, Any]) -> None:
        """A spec written as YAML text loads equal to the same spec given as a mapping."""
        assert perfrules.load_spec(document) == perfrules.load_spec(dump_yaml(document))


_MISTAKES = {
    "negative weight": lambda node: node.update(weight=Decimal(-1)),
    "unknown key": lambda node: node.update(wieght=1),
    "bad id": lambda node: node.update(id="no spaces allowed"),
    "number id": lambda node: node.update(id=Decimal("1.5")),
    "unknown kind": lambda node: node.update(kind="selfassessed") if "children" not in node else node.update(kind="x"),
    "text weight": lambda node: node.update(weight="heavy"),
}


class TestLoadErrors:
    @given(spec_documents(), st.data())
    def test_every_error_has_a_line(self, document: dict[str, Any], data: st.DataObject) -> None:
        """Any planted mistake is reported, and every problem carries a line and column."""
        nodes = list(_walk(document["indicators"]))
        mistakes = data.draw(st.lists(st.sampled_from(sorted(_MISTAKES)), min_size=1, max_size=3))
        for mistake in mistakes:
            _MISTAKES[mistake](data.draw(st.sampled_from(nodes)))
        try:
            perfrules.load_spec(dump_yaml(document))
        except perfrules.exceptions.SpecError as e:
            assert e.problems
            for problem in e.problems:
                assert problem.location is not None and problem.location.line is not None, str(problem)
                assert problem.location.column is not None
        else:
            raise AssertionError(f"{mistakes} went unreported")


def _walk(nodes: list[dict[str, Any]]) -> Any:
    for node in nodes:
        yield node
        yield from _walk(node.get("children", []))
