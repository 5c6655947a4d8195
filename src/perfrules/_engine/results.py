"""Results: the filled form, one row per indicator, with the total, the grade and what was warned."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from attrs import field, frozen

from .._diagnostics import Diagnostic
from .._inputs.facts import Facts
from .._inputs.review import Review
from .._plugins.registry import Registry
from .._rules.expression import Value
from .._spec.grading import GradeBand
from .._spec.model import Spec
from .plan import Provenance

ClaimsPolicy = Literal["self", "computed"]
EXCLUDED = ("exclude", "alternative")


@frozen
class IndicatorResult:
    """One row of the filled form.

    Attributes:
        id: The indicator's id.
        name: Its name.
        kind: How it was scored; None for a parent.
        weight: Its weight (分值).
        score: The score reported (得分): the claim or the computed value, per
            the claims policy; for a parent, the sum of its children's scores.
        computed: What the rule computes, for leaves that compute.
        claim: What the unit claimed, if it did.
        reason: Why points were lost (未达标原因), from the facts.
        measure: The fix (改进措施), from the facts.
        explanation: The indicator's explanation (指标解释).
        rule: The scoring rule in words.
        declared_weight: The spec's weight, when the reported one differs: a
            sibling excluded as not applicable renormalised it, or it was excluded (0).
        self_score: When the form was reviewed, the score before the review (自评分);
            ``score`` is then the final score by the spec's ``final_score`` rule.
        review_score: The reviewer's score (复核分), for a leaf the review scored.
        review_note: The reviewer's note (复核意见).
        missing_facts: Optional facts the leaf's rule needs that the unit left
            out; its claim is then reported unsupported.
        not_applicable: The policy applied when the unit marked it (or an
            ancestor) not applicable: ``exclude``, ``zero`` or ``full``;
            ``alternative`` for an alternative that does not count.
        children: Results of the sub-indicators.
    """

    id: str
    name: str
    kind: str | None
    weight: Decimal
    score: Decimal
    computed: Decimal | None = None
    claim: Decimal | None = None
    reason: str | None = None
    measure: str | None = None
    explanation: str | None = None
    rule: str | None = None
    name_en: str | None = None
    declared_weight: Decimal | None = None
    not_applicable: str | None = None
    self_score: Decimal | None = None
    review_score: Decimal | None = None
    review_note: str | None = None
    missing_facts: tuple[str, ...] = ()
    children: tuple[IndicatorResult, ...] = ()

    @property
    def excluded(self) -> bool:
        """Left out of its parent's total: not applicable under ``exclude``, or an alternative not counted."""
        return self.not_applicable in EXCLUDED

    @property
    def lost(self) -> Decimal:
        """Points lost: weight minus score."""
        return self.weight - self.score

    def walk(self) -> Iterator[IndicatorResult]:
        """This result and every descendant's, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()


def _built(value: Any) -> Any:
    """A deferred value, built: results are compared as they read."""
    return value() if callable(value) else value


@frozen
class Evaluation:
    """The filled form: every indicator's score, the total and the grade.

    Attributes:
        spec: The spec applied.
        facts: The unit's facts.
        total: The total score (总分), rounded as the spec declares.
        grade: The grade band the total falls in.
        indicators: Results for the top level of the tree.
        diagnostics: Warnings about the result (claims that differ from the
            rules, clamped scores, a stated total that differs).
        claims: The claims policy applied.
        provenance: Which plugin supplied the spec, kinds, functions and scale.
        review: The review (复核) applied, if any.
        self_total: When reviewed, the total before the review (自评总分).
        self_grade: When reviewed, the grade of that total.
        values: The facts as bound to the spec (numbers as Decimal), by name.
        registry: The registry the form was scored with.
        compiled: Whether the compiled form scored it; False when the general scorer did (the interpreter
            engine, or a form with something to report: see the README's Performance section).

    The compiled form keeps its scores flat: ``indicators`` and ``values`` are built when first read, and
    `scores` reads the flat scores without building any result.
    """

    spec: Spec
    facts: Facts
    total: Decimal
    grade: GradeBand
    _indicators: tuple[IndicatorResult, ...] | Callable[[], tuple[IndicatorResult, ...]] = field(
        alias="indicators", eq=_built, repr=False
    )
    diagnostics: tuple[Diagnostic, ...] = ()
    claims: ClaimsPolicy = "self"
    provenance: Provenance | None = None
    review: Review | None = None
    self_total: Decimal | None = None
    self_grade: GradeBand | None = None
    _values: Mapping[str, Value] | Callable[[], Mapping[str, Value]] = field(
        factory=dict, alias="values", eq=False, repr=False
    )
    registry: Registry | None = field(default=None, eq=False, repr=False)
    compiled: bool = field(default=False, eq=False)
    _flat: Mapping[str, Decimal] | None = field(default=None, alias="flat", eq=False, repr=False)
    _by_id: Mapping[str, IndicatorResult] | None = field(init=False, default=None, eq=False, repr=False)

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        """Results for the top level of the tree."""
        return self._settled("_indicators")  # type: ignore[no-any-return]

    @property
    def values(self) -> Mapping[str, Value]:
        """The facts as bound to the spec (numbers as Decimal), by name."""
        return self._settled("_values")  # type: ignore[no-any-return]

    def _settled(self, name: str) -> Any:
        """The field *name*, built (and kept) if it was deferred."""
        value = getattr(self, name)
        if callable(value):
            value = value()
            object.__setattr__(self, name, value)
        return value

    @property
    def scores(self) -> Mapping[str, Decimal]:
        """Every indicator's score by id, parents before children, without building any result."""
        if self._flat is not None:
            return MappingProxyType(self._flat)
        return MappingProxyType({result.id: result.score for result in self.walk()})

    def __getitem__(self, indicator_id: str) -> IndicatorResult:
        """The result for one indicator id.

        Raises:
            UnknownIndicatorError: no such indicator (a `KeyError`; the message suggests the nearest).
        """
        if self._by_id is None:
            object.__setattr__(self, "_by_id", {r.id: r for r in self.walk()})
        try:
            return self._by_id[indicator_id]  # type: ignore[index]
        except (KeyError, TypeError):
            raise self.spec.unknown(indicator_id, self._by_id) from None  # type: ignore[arg-type]

    def walk(self) -> Iterator[IndicatorResult]:
        """Every result, parents before children, in the spec's order."""
        for result in self.indicators:
            yield from result.walk()
