"""Evaluation: a spec applied to one unit's facts, giving the filled form."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Literal

from attrs import field, frozen

from ._diagnostics import Diagnostic
from ._document import Source
from ._expression import Expression, Value
from ._facts import Facts, bind, load_facts
from ._grading import GradeBand
from ._numbers import exact, quantize, to_text
from ._registry import Provider, Registry, default_registry
from ._spec import Indicator, Spec, load_spec
from .exceptions import EvaluationError

ClaimsPolicy = Literal["self", "computed"]


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
    children: tuple[IndicatorResult, ...] = ()

    @property
    def lost(self) -> Decimal:
        """Points lost: weight minus score."""
        return self.weight - self.score

    def walk(self) -> Iterator[IndicatorResult]:
        """This result and every descendant's, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()


@frozen
class Provenance:
    """Where everything a result used came from.

    Attributes:
        spec_file: The file (or ``<text>``, ``<mapping>``) the spec was read from.
        base_files: The files of the specs it extends, nearest first.
        spec: The plugin that registered the spec; None when it was read directly.
        kinds: The plugin behind each indicator kind used, by kind.
        functions: The plugin behind each function the rules call, by name.
        grades: The plugin behind the grading scale; None when the spec lists its own bands.
    """

    spec_file: str
    base_files: tuple[str, ...]
    spec: Provider | None
    kinds: Mapping[str, Provider | None]
    functions: Mapping[str, Provider | None]
    grades: Provider | None

    @classmethod
    def of(cls, spec: Spec, registry: Registry) -> Provenance:
        """The provenance of scoring *spec* with *registry*."""
        kinds = sorted({i.kind for i in spec.walk() if i.kind})
        functions = sorted(
            {name for i in spec.walk() if i.rule and i.rule.expression for name in i.rule.expression.functions}
        )
        return cls(
            spec_file=spec.file,
            base_files=spec.bases,
            spec=spec.provider,
            kinds={kind: registry.provider("indicator_kinds", kind) for kind in kinds},
            functions={name: registry.provider("functions", name) for name in functions},
            grades=registry.provider("grading_scales", spec.grades_name) if spec.grades_name else None,
        )


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
    """

    spec: Spec
    facts: Facts
    total: Decimal
    grade: GradeBand
    indicators: tuple[IndicatorResult, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    claims: ClaimsPolicy = "self"
    provenance: Provenance | None = None
    _by_id: Mapping[str, IndicatorResult] = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {r.id: r for r in self.walk()})

    def __getitem__(self, indicator_id: str) -> IndicatorResult:
        """The result for one indicator id."""
        return self._by_id[indicator_id]

    def walk(self) -> Iterator[IndicatorResult]:
        """Every result, parents before children, in the spec's order."""
        for result in self.indicators:
            yield from result.walk()


@exact
def evaluate(
    spec: Spec | Source,
    facts: Facts | Source,
    *,
    claims: ClaimsPolicy | None = None,
    registry: Registry | None = None,
) -> Evaluation:
    """Score *facts* against *spec* and return the filled form.

    Args:
        spec: A loaded `Spec`, or anything `load_spec` takes.
        facts: Loaded `Facts`, or anything `load_facts` takes.
        claims: Overrides the spec's claims policy: ``self`` reports the
            unit's claims, ``computed`` what the rules compute.
        registry: The registry to load *spec* with; a loaded spec is scored with
            the registry it was checked against.

    Raises:
        FactsError: facts missing, undeclared or mistyped; bad claims.
        EvaluationError: a rule failed for these facts (e.g. a zero denominator).
    """
    if claims not in (None, "self", "computed"):
        msg = f"claims must be 'self' or 'computed', not {claims!r}"
        raise ValueError(msg)
    if not isinstance(spec, Spec):
        spec = load_spec(spec, registry=registry)
    elif registry is not None and spec.registry is not None and registry is not spec.registry:
        msg = "the spec was loaded with another registry; score it with the one it was checked against"
        raise ValueError(msg)
    registry = spec.registry or registry or default_registry()
    if not isinstance(facts, Facts):
        facts = load_facts(facts)
    values = bind(spec, facts)
    scorer = _Scorer(spec, facts, values, registry, claims or spec.claims)  # type: ignore[arg-type]
    results = tuple(scorer.score(indicator) for indicator in spec.indicators)
    if scorer.errors:
        count = len(scorer.errors)
        msg = f"{facts.file}: {count} indicator{'s' * (count != 1)} could not be scored"
        raise EvaluationError(msg, scorer.errors)
    exact = sum((r.score for r in results), Decimal(0))
    total = quantize(exact, spec.precision, spec.rounding)
    grade = spec.grades.grade(total)
    scorer.check_stated(total, grade)
    provenance = Provenance.of(spec, registry)
    return Evaluation(spec, facts, total, grade, results, tuple(scorer.warnings), scorer.claims, provenance)


class _Scorer:
    def __init__(
        self, spec: Spec, facts: Facts, values: dict[str, Value], registry: Registry, claims: ClaimsPolicy
    ) -> None:
        self.spec = spec
        self.facts = facts
        self.values = values
        self.functions = registry.functions
        self.claims = claims
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []

    def warn(self, code: str, message: str, indicator: Indicator | None, *, in_facts: bool = False) -> None:
        if indicator is None:
            location = self.facts.location("stated")
        elif in_facts:
            location = self.facts.location("assessments", indicator.id)
        else:
            location = self.spec.location(indicator.id)
        self.warnings.append(Diagnostic("warning", code, message, indicator.id if indicator else None, location))

    def round(self, value: Decimal) -> Decimal:
        return quantize(value, self.spec.precision, self.spec.rounding)

    def score(self, indicator: Indicator) -> IndicatorResult:
        assessment = self.facts.assessments.get(indicator.id)
        children = tuple(self.score(child) for child in indicator.children)
        claim = computed = None
        if children:
            score = sum((child.score for child in children), Decimal(0))
        else:
            if assessment and assessment.score is not None:
                claim = self.round(assessment.score)
            expression = indicator.rule.expression if indicator.rule else None
            computed = self.compute(indicator, expression) if expression else None
            score = self.choose(indicator, claim, computed)
        return IndicatorResult(
            id=indicator.id,
            name=indicator.name,
            name_en=indicator.name_en,
            kind=indicator.kind,
            weight=indicator.weight,
            score=score,
            computed=computed,
            claim=claim,
            reason=assessment.reason if assessment else None,
            measure=assessment.measure if assessment else None,
            explanation=indicator.explanation,
            rule=indicator.rule.words if indicator.rule else None,
            children=children,
        )

    def compute(self, indicator: Indicator, expression: Expression) -> Decimal | None:
        names: dict[str, Value] = {name: self.values[name] for name in expression.names if name in self.values}
        names["weight"] = indicator.weight
        try:
            value = expression.evaluate(names, self.functions)
        except EvaluationError as e:
            location = self.spec.location(indicator.id)
            self.errors.append(Diagnostic("error", "evaluation", str(e.args[0]), indicator.id, location))
            return None
        if isinstance(value, bool) or not isinstance(value, Decimal):
            msg = f"{expression.source!r} gives {value!r}, not a number; write e.g. 'weight if passed else 0'"
            self.errors.append(Diagnostic("error", "not-a-number", msg, indicator.id, self.spec.location(indicator.id)))
            return None
        clamped = Decimal(0) if value <= 0 else min(value, indicator.weight)
        if clamped != value:
            msg = f"{expression.source!r} gives {to_text(value)}; clamped to {to_text(clamped)} (0 to the weight {to_text(indicator.weight)})"
            self.warn("score-clamped", msg, indicator)
        return self.round(clamped) if self.spec.round_at == "indicator" else clamped

    def choose(self, indicator: Indicator, claim: Decimal | None, computed: Decimal | None) -> Decimal:
        if computed is None:
            return (
                claim if claim is not None else Decimal(0)
            )  # no claim: bind() refused it already, or an error is pending
        if claim is None:
            return computed
        if self.round(computed) != claim:
            reported = "the claim is reported" if self.claims == "self" else "the computed score is reported"
            msg = f"claimed {to_text(claim)}, but the rule computes {to_text(self.round(computed))}; {reported}"
            self.warn("claim-differs", msg, indicator, in_facts=True)
        return claim if self.claims == "self" else computed

    def check_stated(self, total: Decimal, grade: GradeBand) -> None:
        stated = self.facts.stated
        if stated is None:
            return
        if stated.total is not None and stated.total != total:
            self.warn(
                "stated-total",
                f"the form states a total of {to_text(stated.total)}; the scores add up to {to_text(total)}",
                None,
            )
        if stated.grade is not None and stated.grade != grade.label:
            self.warn(
                "stated-grade",
                f"the form states grade {stated.grade}; a total of {to_text(total)} is {grade.label}",
                None,
            )
