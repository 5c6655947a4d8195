"""Findings: what a reviewer (复核) should look at in a self-evaluation before accepting it.

Each finding names the indicator, carries the numbers behind it and says it in
Chinese and English. A tolerance, in points, sets which score differences count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from attrs import field, frozen

from .._diagnostics import Location
from .._inputs.facts import FUNDS_LABELS, FUNDS_LABELS_EN
from .._numbers import quantize, to_text
from .._rules.targets import TargetError, parse_target

if TYPE_CHECKING:
    from .._engine.results import Evaluation, IndicatorResult
    from .._spec.model import Indicator

Severity = Literal["error", "warning", "notice"]
SEVERITY_WORDS = {"error": "错误", "warning": "警告", "notice": "提示"}


@frozen
class Finding:
    """One thing a reviewer should look at.

    Attributes:
        severity: ``error`` (the form contradicts itself or the rules' arithmetic),
            ``warning`` (a score or reason needs support) or ``notice``.
        code: A stable identifier such as ``claim-differs``.
        message: In Chinese; ``message_en`` in English.
        indicator: The indicator concerned, if any.
        numbers: The figures behind the finding, by name (``claimed``, ``computed`` ...).
        location: Where in the facts (or review) file, when known.
    """

    severity: Severity
    code: str
    message: str
    message_en: str
    indicator: str | None = None
    numbers: Mapping[str, Decimal] = field(factory=dict)
    location: Location | None = None


def findings(evaluation: Evaluation, *, tolerance: Decimal = Decimal(0)) -> tuple[Finding, ...]:
    """Everything in *evaluation* a reviewer should look at, in form order.

    Args:
        evaluation: The scored form.
        tolerance: Score differences of at most this many points do not count.
    """
    if not isinstance(tolerance, Decimal) or not tolerance.is_finite() or tolerance < 0:
        msg = f"tolerance must be a Decimal of 0 or more, not {tolerance!r:.40}"
        raise ValueError(msg)
    return tuple(_Reviewer(evaluation, tolerance).run())


class _Reviewer:
    def __init__(self, evaluation: Evaluation, tolerance: Decimal) -> None:
        self.evaluation = evaluation
        self.spec = evaluation.spec
        self.facts = evaluation.facts
        self.tolerance = tolerance
        self.indicators = {indicator.id: indicator for indicator in self.spec.walk()}

    def run(self) -> Iterator[Finding]:
        yield from self.stated()
        yield from self.figures()
        yield from self.funds()
        for result in self.evaluation.walk():
            if not result.children and result.not_applicable is None:
                yield from self.leaf(result)
        for diagnostic in self.evaluation.diagnostics:
            if diagnostic.code == "score-clamped":
                yield Finding(
                    "warning",
                    diagnostic.code,
                    diagnostic.text("zh"),
                    diagnostic.message,
                    diagnostic.indicator,
                    location=diagnostic.location,
                )

    def stated(self) -> Iterator[Finding]:
        stated = self.facts.stated
        if stated is None:
            return
        total = self.evaluation.self_total if self.evaluation.self_total is not None else self.evaluation.total
        grade = self.evaluation.self_grade or self.evaluation.grade
        if stated.total is not None and abs(stated.total - total) > self.tolerance:
            s, c = to_text(stated.total), to_text(total)
            yield Finding(
                "error",
                "stated-total",
                f"表上总分 {s}，各项得分合计 {c}",
                f"the form states a total of {s}; the scores add up to {c}",
                numbers={"stated": stated.total, "computed": total},
                location=self.facts.location("stated", "total"),
            )
        if stated.grade is not None and stated.grade != grade.label:
            yield Finding(
                "error",
                "stated-grade",
                f"表上等级 {stated.grade}，总分 {to_text(total)} 应为 {grade.label}",
                f"the form states grade {stated.grade}; a total of {to_text(total)} is {grade.label}",
                numbers={"computed": total},
                location=self.facts.location("stated", "grade"),
            )

    def figures(self) -> Iterator[Finding]:
        for name, declaration in self.spec.facts.items():
            value = self.evaluation.values.get(name)  # as bound: a quoted "100" is the number 100
            reference = declaration.agrees_with
            figure = self.facts.figure(reference) if reference else None
            if reference is None or figure is None or not isinstance(value, Decimal) or value == figure:
                continue
            label, label_en = declaration.label or name, declaration.label_en or name
            v, f = to_text(value), to_text(figure)
            table, column = reference.split("/", 1)
            row, _, funds_column = column.partition("/")
            if table == "budget":
                where, where_en = f"预算表的{column}", f"the budget table's {column}"
            else:
                row = next(iter(self.facts.funds), row) if row == "total" else row  # as the form names its total
                where = f"资金表{row}的{FUNDS_LABELS[funds_column]}"
                where_en = f"the funds table's {FUNDS_LABELS_EN[funds_column]} of {row}"
            yield Finding(
                "error",
                "figures-differ",
                f"两处数字不一致：{label} {v}，{where}为 {f}",
                f"two figures contradict each other: {label_en} is {v}, {where_en} is {f}",
                numbers={"fact": value, "figure": figure},
                location=self.facts.location("facts", name),
            )

    def funds(self) -> Iterator[Finding]:
        for total_name, column, stated, added in self.facts.funds_gaps():
            s, a = to_text(stated), to_text(added)
            yield Finding(
                "error",
                "funds-sum",
                f"资金表 {total_name} 的{FUNDS_LABELS[column]}为 {s}，各分项合计 {a}",
                f"funds: the {FUNDS_LABELS_EN[column]} of {total_name} is {s}, but its parts add up to {a}",
                numbers={"stated": stated, "parts": added},
                location=self.facts.location("funds", total_name, column),
            )

    def descriptive(self, indicator: Indicator, indicator_id: str, at: Location | None) -> Iterator[Finding]:
        """A full score the unit judged (a descriptive target, or a word target met by a phrase) whose actual is
        another phrase, not one meaning 达成."""
        target, actual = (str(indicator.parameters.get(key, "")).strip() for key in ("target", "actual"))
        try:
            kinds = (parse_target(target, self.spec.vocabulary).kind, parse_target(actual, self.spec.vocabulary))
        except TargetError:  # the rule was read from these texts, so this is not reached
            return
        judged = kinds[0] == "descriptive" or (kinds[0] == "word" and kinds[1].kind == "descriptive")
        if not judged or actual == target or kinds[1].tier == "达成":
            return
        yield Finding(
            "warning",
            "descriptive-full-score",
            f"满分，但实际完成值“{actual}”与指标值“{target}”不同，请核实是否已达成",
            f"full marks, though the actual '{actual}' differs from the target '{target}': check that it was met",
            indicator_id,
            location=at,
        )

    def leaf(self, result: IndicatorResult) -> Iterator[Finding]:
        indicator = self.indicators[result.id]
        at = self.facts.location("assessments", result.id)
        own = result.self_score if result.self_score is not None else result.score
        if result.claim is not None and result.computed is not None:
            # At the spec's precision, as evaluate() compares: under round_at: total a computed 10/3 is claimed as 3.33.
            computed = quantize(result.computed, self.spec.precision, self.spec.rounding)
            gap = abs(result.claim - computed)
            if gap > self.tolerance:
                c, r, g = to_text(result.claim), to_text(computed), to_text(gap)
                message = f"自评 {c} 分，按规则计算 {r} 分，相差 {g} 分"
                message_en = f"claimed {c}, but the rule computes {r}: {g} apart"
                if indicator.assumed:
                    message += "；此规则为假定，官方计分规则未公布，差异可能出自规则本身"
                    message_en += "; the rule is assumed (the official rule is unknown), so the gap may be the rule's"
                numbers = {"claimed": result.claim, "computed": computed, "difference": gap}
                yield Finding("warning", "claim-differs", message, message_en, result.id, numbers, at)
        if result.missing_facts and result.claim is not None:
            names = ", ".join(result.missing_facts)
            yield Finding(
                "warning",
                "unsupported-score",
                f"自评 {to_text(result.claim)} 分缺少支撑数据：未提供 {names}",
                f"the claim of {to_text(result.claim)} has no facts behind it: {names} not given",
                result.id,
                {"claimed": result.claim},
                at,
            )
        if indicator.kind == "target" and own == result.weight:
            yield from self.descriptive(indicator, result.id, at)
        lost = result.weight - own
        reason = (result.reason or "").strip()
        if lost > self.tolerance and not reason:
            n = to_text(lost)
            yield Finding(
                "warning",
                "reason-missing",
                f"失 {n} 分，未说明未达标原因",
                f"{n} points lost with no reason given",
                result.id,
                {"score": own, "weight": result.weight, "lost": lost},
                at,
            )
        if lost == 0 and reason:
            yield Finding(
                "notice",
                "reason-on-full-score",
                "得满分却填写了未达标原因",
                "a reason for lost points on a full score",
                result.id,
                {"score": own},
                self.facts.location("assessments", result.id, "reason"),
            )
        if result.review_score is not None and abs(result.review_score - own) > self.tolerance:
            s, r, f = to_text(own), to_text(result.review_score), to_text(result.score)
            note = f"（{result.review_note}）" if result.review_note else ""
            review = self.evaluation.review
            yield Finding(
                "notice",
                "review-differs",
                f"复核分 {r} 与自评分 {s} 不同{note}；最终得分 {f}",
                f"review score {r} differs from the self score {s}; final score {f}",
                result.id,
                {"self": own, "review": result.review_score, "final": result.score},
                review.location("indicators", result.id) if review else None,
            )
