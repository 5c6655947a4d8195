"""Scoring: a plan run over one unit's bound facts, giving the filled form (review applied, if any)."""

from __future__ import annotations

import decimal
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import evolve

from .._diagnostics import Diagnostic, did_you_mean
from .._inputs.facts import FUNDS_LABELS, FUNDS_LABELS_EN, Facts
from .._inputs.review import Review
from .._numbers import EXACT, allocate, bounded, decimal_places, exact, quantize, to_text
from .._plugins.registry import Registry
from .._rules.expression import Value
from .._spec.grading import GradeBand
from .._spec.model import Indicator, Spec
from .._spec.slots import fill
from ..exceptions import EvaluationError, FactsError, ReviewError
from .binding import bind, rule_names, with_table_figures
from .plan import Engine, LeafRule, Plan, joined, plan
from .program import Event, Program
from .results import EXCLUDED, ClaimsPolicy, Evaluation, IndicatorResult


def score(
    spec: Spec, facts: Facts, registry: Registry, *, claims: ClaimsPolicy | None = None, engine: Engine = "compiled"
) -> Evaluation:
    """Score *facts* against *spec* with *registry*'s functions (`perfrules.evaluate`, everything loaded).

    The compiled form scores the forms it can (`program`, in its own decimal contexts); the general scorer, the
    others (in the `EXACT` context, whatever the caller's is).

    Raises:
        FactsError: facts missing, undeclared or mistyped; bad claims.
        EvaluationError: a rule failed for these facts (e.g. a zero denominator).
        ReviewError: the facts' review does not fit the form.
    """
    planned = plan(spec, registry, engine)
    policy: ClaimsPolicy = claims or spec.claims  # type: ignore[assignment]
    if planned.slotted or facts.indicators:
        planned, facts = _filled(planned, facts)
    facts = with_table_figures(planned.spec, facts)
    program = planned.program
    if program is not None and facts.review is None:
        try:
            outcome = program.run(facts.values, facts.assessments, policy == "self")
        except Exception:  # a rule failed: the general scorer says how
            outcome = "failed"
        if not isinstance(outcome, str):
            return _compiled(planned, program, facts, policy, outcome)
    return _general(planned, facts, policy)


@exact
def _filled(skeleton: Plan, facts: Facts) -> tuple[Plan, Facts]:
    """The plan of the unit's own form: *facts*' indicators in the skeleton's slots."""
    spec, facts = fill(skeleton.spec, facts, skeleton.registry)
    return joined(skeleton, spec), facts


@exact
def _general(planned: Plan, facts: Facts, policy: ClaimsPolicy) -> Evaluation:
    """The general scorer: every feature, every diagnostic, a result object per indicator."""
    spec, registry = planned.spec, planned.registry
    values = bind(planned, facts)
    scorer = _Scorer(planned, facts, values, policy)
    # The form as a whole renormalises too: an excluded top-level block gives its weight to the others.
    results = scorer.renormalised(spec.full_marks, [scorer.score(indicator) for indicator in spec.indicators])
    if scorer.errors:
        count = len(scorer.errors)
        msg = f"{facts.file}: {count} indicator{'s' * (count != 1)} could not be scored"
        raise EvaluationError(msg, scorer.errors, message_zh=f"{facts.file}：{count} 个指标无法计分")
    total = scorer.total(results)
    grade = spec.grades.grade(total)
    scorer.warnings.extend(_year(spec, facts))
    scorer.warnings.extend(_stated(spec, facts, total, grade))
    scorer.warnings.extend(_funds(facts))
    self_total = self_grade = None
    if facts.review is not None:
        results = scorer.reviewed(results, facts.review)
        self_total, self_grade = total, grade
        total = scorer.total(results)
        grade = spec.grades.grade(total)
    diagnostics = (*scorer.warnings, *scorer.notes)
    return Evaluation(
        spec,
        facts,
        total,
        grade,
        results,
        diagnostics,
        policy,
        planned.provenance,
        facts.review,
        self_total,
        self_grade,
        values=values,
        registry=registry,
    )


def _compiled(plan: Plan, program: Program, facts: Facts, policy: ClaimsPolicy, outcome: tuple[Any, ...]) -> Evaluation:
    """The evaluation of a form the compiled form scored: its rows built when first read."""
    scores, computed, total, events = outcome
    spec = plan.spec
    grade = spec.grades.grade(total)
    diagnostics = year = _year(spec, facts)
    if events or facts.stated or facts.funds:
        worded = [_worded(plan, facts, policy, event) for event in events]
        diagnostics = (*worded, *year, *_stated(spec, facts, total, grade), *_funds(facts))
    return Evaluation(
        spec,
        facts,
        total,
        grade,
        functools.partial(_rows, spec, facts, scores, program.computed, computed),
        diagnostics,
        policy,
        plan.provenance,
        values=functools.partial(bind, plan, facts),
        registry=plan.registry,
        compiled=True,
        flat=scores,
    )


def _year(spec: Spec, facts: Facts) -> tuple[Diagnostic, ...]:
    """A warning when the facts give no fiscal year, or one outside the years the spec is for."""
    if facts.year is None:
        message = "the facts give no year: add the fiscal year the form is for, e.g. 'year: 2022'"
        zh = "填报数据未写年度：请写明本表所属的年度，如 'year: 2022'"
        return (Diagnostic("warning", "missing-year", message, None, facts.location(), zh),)
    if spec.years is not None and not spec.years[0] <= facts.year <= (spec.years[1] or facts.year):
        first, last = spec.years
        if last is None:
            span, span_zh = f"{first} onwards", f"{first} 年起"
        elif last == first:
            span, span_zh = str(first), f"{first} 年"
        else:
            span, span_zh = f"{first}–{last}", f"{first}–{last} 年"
        message = f"the facts are for {facts.year}, but {spec.id}@{spec.version} is for {span}"
        zh = f"填报数据为 {facts.year} 年度，而规范 {spec.id}@{spec.version} 适用于 {span_zh}"
        return (Diagnostic("warning", "year-outside", message, None, facts.location("year"), zh),)
    return ()


def require_year(evaluation: Evaluation) -> None:
    """Refuse an evaluation of facts that give no fiscal year, as the command line does (the API warns).

    Raises:
        FactsError: the facts give no year.
    """
    missing = [evolve(d, level="error") for d in evaluation.diagnostics if d.code == "missing-year"]
    if missing:
        file = evaluation.facts.file
        raise FactsError(f"{file}: the facts give no year", missing, message_zh=f"{file}：填报数据未写年度")


def _worded(plan: Plan, facts: Facts, policy: ClaimsPolicy, event: Event) -> Diagnostic:
    """A warning the compiled form noted, in the general scorer's words."""
    code, indicator_id, first, second = event
    indicator = plan.indicators[indicator_id]
    if code == "score-clamped":
        source = indicator.rule.expression.source  # type: ignore[union-attr]
        message, zh = _clamped(source, first, second, indicator.weight)
        return Diagnostic("warning", code, message, indicator_id, plan.spec.location(indicator_id), zh)
    message, zh = _differs(first, second, policy)
    return Diagnostic("warning", code, message, indicator_id, facts.location("assessments", indicator_id), zh)


def _clamped(source: str, value: Decimal, clamped: Decimal, weight: Decimal) -> tuple[str, str]:
    """The words of a score-clamped warning, in English and Chinese."""
    shown = (to_text(value), to_text(clamped), to_text(weight))
    return (
        f"{source!r} gives {shown[0]}; clamped to {shown[1]} (0 to the weight {shown[2]})",
        f"{source!r} 算得 {shown[0]}，已按 0 至分值 {shown[2]} 取为 {shown[1]}",
    )


def _differs(claim: Decimal, computed: Decimal, policy: ClaimsPolicy) -> tuple[str, str]:
    """The words of a claim-differs warning, in English and Chinese."""
    reported = "the claim is reported" if policy == "self" else "the computed score is reported"
    reported_zh = "按自评分填报" if policy == "self" else "按规则计算的得分填报"
    return (
        f"claimed {to_text(claim)}, but the rule computes {to_text(computed)}; {reported}",
        f"自评 {to_text(claim)} 分，按规则计算为 {to_text(computed)} 分；{reported_zh}",
    )


def _rows(
    spec: Spec,
    facts: Facts,
    scores: Mapping[str, Decimal],
    computed_ids: tuple[str, ...],
    computed_values: tuple[Decimal, ...],
) -> tuple[IndicatorResult, ...]:
    """The rows of a form the compiled form scored, from its flat scores: what the general scorer builds."""
    computed = dict(zip(computed_ids, computed_values, strict=True))

    def row(indicator: Indicator) -> IndicatorResult:
        children = tuple(map(row, indicator.children))
        assessment = facts.assessments.get(indicator.id)
        claim = assessment.score if assessment and not children else None
        return _result(
            facts,
            indicator,
            scores[indicator.id],
            computed=computed.get(indicator.id),
            claim=None if claim is None else quantize(claim, spec.precision, spec.rounding),
            children=children,
        )

    with decimal.localcontext(EXACT):
        return tuple(map(row, spec.indicators))


def _result(facts: Facts, indicator: Indicator, score: Decimal, **fields: Any) -> IndicatorResult:
    """*indicator*'s row: its own fields, the unit's reason and measure, and *fields* (computed, claim, ...)."""
    assessment = facts.assessments.get(indicator.id)
    excluded = fields.get("not_applicable") in EXCLUDED
    return IndicatorResult(
        id=indicator.id,
        name=indicator.name,
        name_en=indicator.name_en,
        kind=indicator.kind,
        weight=Decimal(0) if excluded else indicator.weight,
        declared_weight=indicator.weight if excluded else None,
        score=score,
        reason=assessment.reason if assessment else None,
        measure=assessment.measure if assessment else None,
        explanation=indicator.explanation,
        rule=indicator.rule.words if indicator.rule else None,
        **fields,
    )


def _stated(spec: Spec, facts: Facts, total: Decimal, grade: GradeBand) -> list[Diagnostic]:
    """Warnings where the paper form states another total or grade than the scores give."""
    stated = facts.stated
    found = []
    if stated is not None and stated.total is not None and stated.total != total:
        message = f"the form states a total of {to_text(stated.total)}; the scores add up to {to_text(total)}"
        zh = f"表中填写的总分为 {to_text(stated.total)}，各项得分合计为 {to_text(total)}"
        found.append(("stated-total", message, zh))
    if stated is not None and stated.grade is not None and stated.grade != grade.label:
        message = f"the form states grade {stated.grade}; a total of {to_text(total)} is {grade.label}"
        zh = f"表中填写的等级为 {stated.grade}，总分 {to_text(total)} 应为 {grade.label}"
        found.append(("stated-grade", message, zh))
    return [Diagnostic("warning", code, message, None, facts.location("stated"), zh) for code, message, zh in found]


def _funds(facts: Facts) -> list[Diagnostic]:
    """Warnings where the funds table's parts do not add up to its total row, column by column."""
    found = []
    for total_name, column, stated, added in facts.funds_gaps():
        message = f"funds: the {FUNDS_LABELS_EN[column]} of {total_name} is {to_text(stated)}, but its parts add up to {to_text(added)}"
        zh = f"资金表：{total_name}的{FUNDS_LABELS[column]}为 {to_text(stated)}，但各分项合计为 {to_text(added)}"
        location = facts.location("funds", total_name, column)
        found.append(Diagnostic("warning", "funds-sum", message, None, location, zh))
    return found


class _Scorer:
    def __init__(self, plan: Plan, facts: Facts, values: dict[str, Value], claims: ClaimsPolicy) -> None:
        self.spec = plan.spec
        self.rules = plan.rules
        self.facts = facts
        self.values = values
        self.claims = claims
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.notes: list[Diagnostic] = []
        self.exact: dict[str, Decimal] = {}

    def warn(self, code: str, words: tuple[str, str], indicator: Indicator, *, in_facts: bool = False) -> None:
        """Note a warning about *indicator*; *words* in English and Chinese."""
        location = self.facts.location("assessments", indicator.id) if in_facts else self.spec.location(indicator.id)
        self.warnings.append(Diagnostic("warning", code, words[0], indicator.id, location, words[1]))

    def total(self, results: tuple[IndicatorResult, ...]) -> Decimal:
        return self.round(sum((r.score for r in results), Decimal(0)))

    def round(self, value: Decimal) -> Decimal:
        return quantize(value, self.spec.precision, self.spec.rounding)

    def score(self, indicator: Indicator) -> IndicatorResult:
        assessment = self.facts.assessments.get(indicator.id)
        if assessment is not None and assessment.not_applicable:
            return self.unscored(indicator, indicator.not_applicable or "exclude")
        if indicator.alternatives is not None:
            return self.alternatives(indicator)
        children = self.renormalised(indicator.weight, [self.score(child) for child in indicator.children])
        claim = computed = None
        missing: tuple[str, ...] = ()
        if children:
            score = sum((child.score for child in children), Decimal(0))
            if any(c.excluded for c in children) and not any(c.weight for c in children if not c.excluded):
                # Nothing under it that carries weight applies: it does not apply either.
                return self.result(indicator, self.round(Decimal(0)), children=children, not_applicable="exclude")
        else:
            if assessment and assessment.score is not None:
                claim = self.round(assessment.score)
            rule = self.rules.get(indicator.id)
            if rule is not None:
                missing = tuple(name for name in rule.reads if name not in self.values)
            if missing:  # optional facts the unit left out: bind() made sure a claim stands in
                msg = f"scored by the claim alone: the facts give no {', '.join(missing)}, which the rule needs"
                zh = f"仅按自评分计分：规则所需的填报数据 {'、'.join(missing)} 未填"
                self.warn("unsupported-score", (msg, zh), indicator, in_facts=True)
            exact = self.compute(indicator, rule, claim) if rule is not None and not missing else None
            computed = self.settle(exact) if exact is not None else None
            score = self.choose(indicator, claim, computed)
            # Kept unrounded, so a renormalised score is rounded once, not twice.
            uses_computed = exact is not None and (claim is None or self.claims == "computed")
            self.exact[indicator.id] = exact if uses_computed and exact is not None else score
        return self.result(indicator, score, computed=computed, claim=claim, missing_facts=missing, children=children)

    def settle(self, value: Decimal) -> Decimal:
        """A leaf's score as reported: rounded to the precision when the spec rounds per indicator."""
        return self.round(value) if self.spec.round_at == "indicator" else value

    def result(self, indicator: Indicator, score: Decimal, **fields: Any) -> IndicatorResult:
        return _result(self.facts, indicator, score, **fields)

    def unscored(self, indicator: Indicator, policy: str) -> IndicatorResult:
        """*indicator* and its subtree under a not-applicable *policy*: excluded, zero or full marks."""
        children = [self.unscored(child, policy) for child in indicator.children]
        if indicator.alternatives is not None and children:  # one alternative stands for the parent
            children = [children[0], *map(self.set_aside, children[1:])]
        marks = {"exclude": Decimal(0), "zero": Decimal(0), "full": indicator.weight}
        score = sum((c.score for c in children), Decimal(0)) if children else self.round(marks[policy])
        return self.result(indicator, score, children=tuple(children), not_applicable=policy)

    def alternatives(self, indicator: Indicator) -> IndicatorResult:
        """A parent whose children are alternatives: the chosen (or best) one counts, the others are excluded."""
        if indicator.alternatives == "best":
            scored = [self.score(child) for child in indicator.children]
            candidates = [i for i, result in enumerate(scored) if not result.excluded]
            if not candidates:
                return self.result(indicator, self.round(Decimal(0)), children=tuple(scored), not_applicable="exclude")
            chosen = max(candidates, key=lambda i: (scored[i].score, -i))
            words = ", ".join(f"{c.id} {to_text(c.score)}" for c in scored)
            self.notes.append(
                Diagnostic(
                    "info",
                    "alternative-chosen",
                    f"the best alternative counts: {scored[chosen].id} ({words})",
                    indicator.id,
                    self.spec.location(indicator.id),
                    f"按得分最高的备选指标计分：{scored[chosen].id}（{words}）",
                )
            )
        else:
            wanted = self.values[indicator.alternatives or ""]
            scored = [
                self.score(child) if child.id == wanted else self.unscored(child, "exclude")
                for child in indicator.children
            ]
            chosen = next(i for i, child in enumerate(indicator.children) if child.id == wanted)
            if scored[chosen].excluded:  # the chosen alternative does not apply, so neither does the parent
                return self.result(indicator, self.round(Decimal(0)), children=tuple(scored), not_applicable="exclude")
        children = tuple(result if i == chosen else self.set_aside(result) for i, result in enumerate(scored))
        return self.result(indicator, children[chosen].score, children=children)

    def set_aside(self, result: IndicatorResult) -> IndicatorResult:
        """*result* as an alternative that does not count: weight and score 0, all the way down."""
        return evolve(
            result,
            weight=Decimal(0),
            declared_weight=result.declared_weight or result.weight,
            score=self.round(Decimal(0)),
            not_applicable="alternative",
            children=tuple(map(self.set_aside, result.children)),
        )

    def renormalised(self, weight: Decimal, children: list[IndicatorResult]) -> tuple[IndicatorResult, ...]:
        """*children* with those that apply reweighted to fill *weight* when others are excluded."""
        applicable = [child for child in children if not child.excluded]
        if len(applicable) in (0, len(children)) or not any(child.weight for child in applicable):
            return tuple(children)
        shares = iter(allocate(weight, [child.weight for child in applicable], self.spec.precision))
        return tuple(child if child.excluded else self.rescaled(child, next(shares)) for child in children)

    def rescaled(self, result: IndicatorResult, weight: Decimal) -> IndicatorResult:
        """*result* carrying *weight* instead of its own, every score scaled alike, down the tree."""
        if weight == result.weight:
            return result
        if result.children:
            shares = iter(allocate(weight, [child.weight for child in result.children], self.spec.precision))
            children = tuple(self.rescaled(child, next(shares)) for child in result.children)
            score = sum((child.score for child in children), Decimal(0))
        else:
            children = ()
            base = self.exact.get(result.id, result.score)
            # Exact enough for any accepted weight; the cap only guards the last digit of a long quotient.
            score = min(self.settle(EXACT.divide(EXACT.multiply(weight, base), result.weight)), weight)
        declared = result.declared_weight or result.weight
        return evolve(result, weight=weight, declared_weight=declared, score=score, children=children)

    def compute(self, indicator: Indicator, rule: LeafRule, claim: Decimal | None) -> Decimal | None:
        expression = rule.expression
        try:
            value = rule.run(rule_names(expression, self.values, indicator.weight, claim))
        except EvaluationError as e:
            location = self.spec.location(indicator.id)
            zh = f"计分规则 {expression.source!r:.120} 无法计算：{e.text('zh')}"
            self.errors.append(Diagnostic("error", "evaluation", str(e.args[0]), indicator.id, location, zh))
            return None
        if isinstance(value, bool) or not isinstance(value, Decimal):
            msg = f"{expression.source!r:.120} gives {value!r:.40}, not a number; write e.g. 'weight if passed else 0'"
            zh = f"{expression.source!r:.120} 算得 {value!r:.40}，不是数；请写成如 'weight if passed else 0'"
            location = self.spec.location(indicator.id)
            self.errors.append(Diagnostic("error", "not-a-number", msg, indicator.id, location, zh))
            return None
        clamped = bounded(value, indicator.weight)
        if clamped != value:
            self.warn("score-clamped", _clamped(expression.source, value, clamped, indicator.weight), indicator)
        return clamped

    def choose(self, indicator: Indicator, claim: Decimal | None, computed: Decimal | None) -> Decimal:
        if computed is None:
            return (
                claim if claim is not None else Decimal(0)
            )  # no claim: bind() refused it already, or an error is pending
        if claim is None:
            return computed
        if self.round(computed) != claim:
            self.warn("claim-differs", _differs(claim, self.round(computed), self.claims), indicator, in_facts=True)
        return claim if self.claims == "self" else computed

    def reviewed(self, results: tuple[IndicatorResult, ...], review: Review) -> tuple[IndicatorResult, ...]:
        """*results* with the review applied: each reviewed leaf's final score by the spec's rule, parents re-added."""
        by_id = {result.id: result for top in results for result in top.walk()}
        problems = []
        for indicator_id, entry in review.entries.items():
            result = by_id.get(indicator_id)
            message = zh = None
            if result is None:
                message = f"no indicator {indicator_id!r} in the form{did_you_mean(str(indicator_id), by_id)}"
                zh = f"表中没有指标 {indicator_id!r}{did_you_mean(str(indicator_id), by_id, 'zh')}"
            elif entry.score is None:
                continue
            elif result.children:
                message = f"{indicator_id!r} is scored from its children; review the leaves"
                zh = f"指标 {indicator_id!r} 的得分由下级指标汇总，请复核末级指标"
            elif result.excluded:
                message = (
                    f"{indicator_id!r} does not count for this unit ({result.not_applicable}); it takes no review score"
                )
                zh = f"指标 {indicator_id!r} 对本单位不计分（{result.not_applicable}），不能填复核分"
            elif not 0 <= entry.score <= result.weight:
                message = f"the review score {to_text(entry.score)} is outside 0 to {to_text(result.weight)}"
                zh = f"复核分 {to_text(entry.score)} 超出 0 至 {to_text(result.weight)}（分值）"
            elif decimal_places(entry.score) > self.spec.precision:
                message = f"the review score {to_text(entry.score)} has more than {self.spec.precision} decimals"
                zh = f"复核分 {to_text(entry.score)} 的小数超过 {self.spec.precision} 位"
            if message is not None:
                location = review.location("indicators", indicator_id)
                problems.append(Diagnostic("error", "review", message, str(indicator_id), location, zh))
        if problems:
            count = len(problems)
            zh = f"{review.file}：复核有 {count} 处问题"
            raise ReviewError(f"{review.file}: {count} review problem{'s' * (count != 1)}", problems, message_zh=zh)
        return tuple(self.review_result(result, review) for result in results)

    def review_result(self, result: IndicatorResult, review: Review) -> IndicatorResult:
        entry = review.entries.get(result.id)
        note = entry.note if entry else None
        if result.children:
            children = tuple(self.review_result(child, review) for child in result.children)
            score = sum((child.score for child in children), Decimal(0))
            return evolve(result, score=score, self_score=result.score, review_note=note, children=children)
        if entry is None or entry.score is None:
            return evolve(result, self_score=result.score, review_note=note)
        reviewed = self.round(entry.score)
        final = {"reviewer": reviewed, "lower": min(reviewed, result.score), "self": result.score}
        return evolve(
            result,
            score=final[self.spec.final_score],
            self_score=result.score,
            review_score=reviewed,
            review_note=note,
        )
