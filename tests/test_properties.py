"""Invariants that hold for every valid spec and every facts file that fits it."""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules._yaml import dump_yaml

from .strategies import facts_for, spec_documents


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
