"""Explanations: why each indicator scored what it did, in Chinese (the default) or English.

An explanation is built from a finished evaluation: the inputs a rule read, the
rule in words, its arithmetic with the values substituted (re-evaluated by the one
evaluator, so the words cannot drift from the score), the conditions that chose a
band or tier, clamping, rounding, not-applicable handling, claims, the review, and
the points awarded and lost, rolled up the tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from attrs import field, frozen

from .._engine.binding import rule_names
from .._engine.results import IndicatorResult
from .._lang import LANGUAGES, Language
from .._numbers import bounded, decimal_places, to_text
from .._rules.expression import Trace, Value, literal
from .._spec.grading import GradeBand

if TYPE_CHECKING:
    from .._engine.results import Evaluation
    from .._spec.model import Spec

SHOWN_DECIMALS = 6
"""Decimals shown of an inexact intermediate value (the exact one is in `Trace.value`)."""


@frozen
class Input:
    """A fact a rule read, with the words the form uses for it."""

    name: str
    value: Value
    label: str | None = None
    label_en: str | None = None
    unit: str | None = None


@frozen
class Explanation:
    """Why one indicator (or the whole form) scored what it did.

    Attributes:
        result: The row explained; for the whole form, a row with the id ``""``
            holding the title, full marks and total.
        spec: The spec scored: its precision, rounding and review rules.
        claims: The claims policy applied.
        rule: The rule in Chinese words; ``rule_en`` in English.
        assumed: The rule is an assumption; the official rule is not published.
        inputs: The facts the rule read.
        trace: The arithmetic, with values substituted, and the conditions tested.
        clamped: The value brought into 0 to the weight, when the rule gave more or less.
        drafted: The reason was drafted from the rule, not given by the unit.
        grade: The grade, for the whole form.
        children: The sub-indicators' explanations.
    """

    result: IndicatorResult
    spec: Spec = field(eq=False, repr=False)
    claims: str = "self"
    rule: str | None = None
    rule_en: str | None = None
    assumed: bool = False
    inputs: tuple[Input, ...] = ()
    trace: Trace | None = None
    clamped: Decimal | None = None
    drafted: bool = False
    grade: GradeBand | None = None
    children: tuple[Explanation, ...] = ()

    @property
    def id(self) -> str:
        """The indicator's id; ``""`` for the whole form."""
        return self.result.id

    def walk(self) -> Iterator[Explanation]:
        """This explanation and every descendant's, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def drafted_reason(self, lang: Language = "zh") -> str | None:
        """The reason drafted from the rule, when points were lost and the unit gave none."""
        return _draft(self, lang) if self.drafted else None

    def lines(self, lang: Language = "zh") -> list[str]:
        """This indicator's own lines (its children's are not included)."""
        return _Writer(lang).lines(self)

    def text(self, lang: Language = "zh") -> str:
        """The whole explanation, children indented under their parent."""
        writer = _Writer(lang)
        out: list[str] = []

        def add(node: Explanation, depth: int) -> None:
            head, *rest = writer.lines(node)
            out.append("  " * depth + head)
            out.extend("  " * (depth + 1) + line for line in rest)
            for child in node.children:
                add(child, depth + 1)

        add(self, 0)
        return "\n".join(out) + "\n"


def explain(evaluation: Evaluation, indicator_id: str | None = None) -> Explanation:
    """Explain *evaluation*: the whole form, or one indicator and its subtree.

    Raises:
        UnknownIndicatorError: no indicator has *indicator_id* (the message suggests the nearest);
            a `KeyError`.
    """
    spec = evaluation.spec
    builder = _Builder(evaluation)
    if indicator_id is None:
        form = IndicatorResult(
            id="",
            name=spec.name,
            name_en=spec.name_en,
            kind=None,
            weight=spec.full_marks,
            score=evaluation.total,
            self_score=evaluation.self_total,
            children=evaluation.indicators,
        )
        children = tuple(builder.build(result) for result in evaluation.indicators)
        return Explanation(form, spec, evaluation.claims, grade=evaluation.grade, children=children)
    return builder.build(evaluation[indicator_id])


class _Builder:
    def __init__(self, evaluation: Evaluation) -> None:
        self.evaluation = evaluation
        self.spec = evaluation.spec
        self.values = evaluation.values
        self.functions = evaluation.registry.functions if evaluation.registry else {}
        self.indicators = {indicator.id: indicator for indicator in self.spec.walk()}

    def build(self, result: IndicatorResult) -> Explanation:
        indicator = self.indicators[result.id]
        trace = clamped = None
        inputs: tuple[Input, ...] = ()
        expression = indicator.rule.expression if indicator.rule else None
        counted = result.not_applicable is None
        if expression is not None and not result.children and counted:
            read = expression.names
            inputs = tuple(self.input(name) for name in self.spec.facts if name in read and name in self.values)
            if not result.missing_facts:
                names = rule_names(expression, self.values, indicator.weight, result.claim)
                trace = expression.trace(names, self.functions)
                if isinstance(trace.value, Decimal) and bounded(trace.value, indicator.weight) != trace.value:
                    clamped = bounded(trace.value, indicator.weight)
        lost_points = not result.children and counted and result.score < result.weight
        return Explanation(
            result,
            self.spec,
            self.evaluation.claims,
            rule=indicator.rule.words if indicator.rule else None,
            rule_en=indicator.rule.words_en if indicator.rule else None,
            assumed=indicator.assumed,
            inputs=inputs,
            trace=trace,
            clamped=clamped,
            drafted=lost_points and not (result.reason and result.reason.strip()),
            children=tuple(self.build(child) for child in result.children),
        )

    def input(self, name: str) -> Input:
        declaration = self.spec.facts[name]
        return Input(name, self.values[name], declaration.label, declaration.label_en, declaration.unit)


# The words, by language. Each template is filled with str.format.
_WORDS: dict[Language, dict[str, str]] = {
    "zh": {
        "head": "{id}{name}：得分 {score} / 分值 {weight}，失 {lost} 分",
        "head_full": "{id}{name}：得分 {score} / 分值 {weight}，满分",
        "form": "{name}：总分 {score} / {weight}，等级 {grade}（{band}）",
        "band": "{low} ≤ 总分 {below} {high}",
        "rule": "规则：{rule}",
        "assumed": "（假定规则：官方计分规则未公布）",
        "inputs": "数据：{inputs}",
        "input": "{label} {name} = {value}",
        "sep": "；",
        "condition": "条件：{text}，{held}",
        "held": "成立",
        "not_held": "不成立",
        "arithmetic": "计算：{shown}{value}",
        "clamped": "超出 0 至分值 {weight} 的范围，取 {clamped}",
        "rounded": "舍入：{mode}到 {precision} 位小数，得 {rounded}",
        "round_total": "舍入：此项不舍入，总分统一{mode}到 {precision} 位小数",
        "half_up": "四舍五入",
        "half_even": "四舍六入五成双",
        "missing": "缺少事实 {names}，无法按规则计算，按自评分计",
        "self_assessed": "自评 {claim} 分",
        "claim_same": "自评 {claim} 分，与规则计算一致",
        "claim_self": "自评 {claim} 分，规则计算 {computed} 分，不一致；按自评分计",
        "claim_computed": "自评 {claim} 分，规则计算 {computed} 分，不一致；按规则计算分计",
        "exclude": "单位标注不适用：不计分，分值 {declared} 按比例分给同级指标",
        "zero": "单位标注不适用：按规定得 0 分",
        "full": "单位标注不适用：按规定得满分",
        "alternative": "备选指标，未选用，不计分（分值 {declared}）",
        "renormalised": "同级有不适用指标，分值按比例由 {declared} 调整为 {weight}，得分同比例折算",
        "review": "复核分 {review}{note}；{final}",
        "review_note": "（复核意见：{note}）",
        "review_only": "复核意见：{note}",
        "final_reviewer": "最终得分按复核分：{score}",
        "final_lower": "最终得分取自评分与复核分之低者：{score}",
        "final_self": "复核仅供参考，得分仍按自评分：{score}",
        "self_total": "复核前自评总分 {self_score}",
        "sum": "= {terms}",
        "losses": "失分：{losses}",
        "loss": "{id} 失 {lost}",
        "reason": "未达标原因：{reason}",
        "drafted": "未达标原因（草拟）：{reason}",
        "measure": "改进措施：{measure}",
        "true": "是",
        "false": "否",
    },
    "en": {
        "head": "{id}{name}: score {score} of {weight}, {lost} lost",
        "head_full": "{id}{name}: score {score} of {weight}, full marks",
        "form": "{name}: total {score} of {weight}, grade {grade} ({band})",
        "band": "{low} ≤ total {below} {high}",
        "rule": "rule: {rule}",
        "assumed": " (assumed rule: the official rule is not published)",
        "inputs": "inputs: {inputs}",
        "input": "{label} {name} = {value}",
        "sep": "; ",
        "condition": "condition: {text}: {held}",
        "held": "true",
        "not_held": "false",
        "arithmetic": "arithmetic: {shown}{value}",
        "clamped": "outside 0 to the weight {weight}: taken as {clamped}",
        "rounded": "rounding: {mode} to {precision} decimals gives {rounded}",
        "round_total": "rounding: not rounded here; the total is rounded {mode} to {precision} decimals",
        "half_up": "half up",
        "half_even": "half to even",
        "missing": "the facts give no {names}: the rule cannot compute, the claim is reported",
        "self_assessed": "claimed {claim}",
        "claim_same": "claimed {claim}, as the rule computes",
        "claim_self": "claimed {claim}, the rule computes {computed}: they differ; the claim is reported",
        "claim_computed": "claimed {claim}, the rule computes {computed}: they differ; the computed score is reported",
        "exclude": "marked not applicable: not scored; its weight {declared} goes to its siblings in proportion",
        "zero": "marked not applicable: scores 0 by the spec",
        "full": "marked not applicable: scores full marks by the spec",
        "alternative": "an alternative not chosen: not scored (weight {declared})",
        "renormalised": "siblings do not apply: the weight goes from {declared} to {weight}, the score in proportion",
        "review": "review score {review}{note}; {final}",
        "review_note": " (reviewer: {note})",
        "review_only": "reviewer: {note}",
        "final_reviewer": "the review score is final: {score}",
        "final_lower": "the lower of the self and review scores is final: {score}",
        "final_self": "the review is advisory; the self score stands: {score}",
        "self_total": "self-assessed total before the review {self_score}",
        "sum": "= {terms}",
        "losses": "lost: {losses}",
        "loss": "{id} {lost}",
        "reason": "reason: {reason}",
        "drafted": "reason (drafted): {reason}",
        "measure": "measure: {measure}",
        "true": "true",
        "false": "false",
    },
}


class _Writer:
    def __init__(self, lang: Language) -> None:
        if lang not in _WORDS:
            msg = f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r:.40}"
            raise ValueError(msg)
        self.lang = lang
        self.words = _WORDS[lang]

    def say(self, key: str, **values: object) -> str:
        return self.words[key].format(**values)

    def lines(self, node: Explanation) -> list[str]:
        if node.grade is not None:
            return self.form(node)
        name = node.result.name_en if self.lang == "en" and node.result.name_en else node.result.name
        head = "head" if node.result.lost else "head_full"
        lines = [
            self.say(
                head,
                id=f"{node.id} ",
                name=name,
                score=_n(node.result.score),
                weight=_n(node.result.weight),
                lost=_n(node.result.lost),
            )
        ]
        if node.result.not_applicable is not None:
            lines.append(
                self.say(node.result.not_applicable, declared=_n(node.result.declared_weight or node.result.weight))
            )
            return lines
        if node.result.declared_weight is not None:
            lines.append(
                self.say("renormalised", declared=_n(node.result.declared_weight), weight=_n(node.result.weight))
            )
        if node.children:
            lines.extend(self.sums(node))
        else:
            lines.extend(self.leaf(node))
        if node.result.review_score is not None or node.result.review_note:
            lines.append(self.review(node))
        if node.result.reason and node.result.reason.strip():
            lines.append(self.say("reason", reason=node.result.reason))
        elif node.drafted:
            lines.append(self.say("drafted", reason=_draft(node, self.lang)))
        if node.result.measure and node.result.measure.strip():
            lines.append(self.say("measure", measure=node.result.measure))
        return lines

    def form(self, node: Explanation) -> list[str]:
        grade = node.grade
        assert grade is not None  # noqa: S101  # only called for the form
        label = grade.label_en if self.lang == "en" and grade.label_en else grade.label
        above = [band.min for band in node.spec.grades.bands if band.min > grade.min]
        high, below = (min(above), "<") if above else (node.result.weight, "≤")
        band = self.say("band", low=_n(grade.min), below=below, high=_n(high))
        name = node.result.name_en if self.lang == "en" and node.result.name_en else node.result.name
        lines = [
            self.say(
                "form", name=name, score=_n(node.result.score), weight=_n(node.result.weight), grade=label, band=band
            )
        ]
        lines.extend(self.sums(node))
        if node.result.self_score is not None:
            lines.append(self.say("self_total", self_score=_n(node.result.self_score)))
        return lines

    def sums(self, node: Explanation) -> list[str]:
        counted = [child for child in node.children if child.result.not_applicable not in ("exclude", "alternative")]
        terms = " + ".join(f"{child.id} {_n(child.result.score)}" for child in counted) or "0"
        lines = [self.say("sum", terms=terms)]
        losses = [self.say("loss", id=leaf.id, lost=_n(leaf.result.lost)) for leaf in _leaves(node) if leaf.result.lost]
        if losses:
            lines.append(self.say("losses", losses=self.words["sep"].join(losses)))
        return lines

    def leaf(self, node: Explanation) -> list[str]:
        lines = []
        rule = node.rule_en if self.lang == "en" else node.rule
        if rule:
            lines.append(self.say("rule", rule=rule) + (self.words["assumed"] if node.assumed else ""))
        if node.inputs:
            shown = [
                self.say("input", label=self.label(i), name=i.name, value=self.value(i)).lstrip() for i in node.inputs
            ]
            lines.append(self.say("inputs", inputs=self.words["sep"].join(shown)))
        if node.result.missing_facts:
            lines.append(self.say("missing", names=", ".join(node.result.missing_facts)))
        trace = node.trace
        if trace is not None:
            for condition in trace.conditions:
                held = self.words["held" if condition.held else "not_held"]
                lines.append(self.say("condition", text=condition.text, held=held))
            value = trace.value
            # A band's or choice's score is a plain number: the conditions above explain it.
            equals = "" if trace.shown == literal(value) else " " + _equals(value, node.spec.precision)
            lines.append(self.say("arithmetic", shown=trace.shown, value=equals))
            if node.clamped is not None:
                lines.append(
                    self.say(
                        "clamped",
                        weight=_n(node.result.declared_weight or node.result.weight),
                        clamped=_n(node.clamped),
                    )
                )
            settled = node.clamped if node.clamped is not None else value
            if (
                isinstance(settled, Decimal)
                and decimal_places(settled) > node.spec.precision
                and node.result.computed is not None
            ):
                mode = self.words[node.spec.rounding]
                if node.spec.round_at == "indicator":
                    lines.append(
                        self.say("rounded", mode=mode, precision=node.spec.precision, rounded=_n(node.result.computed))
                    )
                else:
                    lines.append(self.say("round_total", mode=mode, precision=node.spec.precision))
        if node.result.claim is not None:
            lines.append(self.claim(node))
        return lines

    def claim(self, node: Explanation) -> str:
        claim = _n(node.result.claim) if node.result.claim is not None else ""
        if node.result.computed is None:
            return self.say("self_assessed", claim=claim)
        if node.result.computed == node.result.claim:
            return self.say("claim_same", claim=claim)
        key = "claim_self" if node.claims == "self" else "claim_computed"
        return self.say(key, claim=claim, computed=_n(node.result.computed))

    def review(self, node: Explanation) -> str:
        if node.result.review_score is None:
            return self.say("review_only", note=node.result.review_note)
        note = self.say("review_note", note=node.result.review_note) if node.result.review_note else ""
        final = self.say(f"final_{node.spec.final_score}", score=_n(node.result.score))
        return self.say("review", review=_n(node.result.review_score), note=note, final=final)

    def label(self, item: Input) -> str:
        """The input's label in this language, or '' where it has none or is named by it (a fact 全年预算数)."""
        label = (item.label_en if self.lang == "en" else item.label) or ""
        return "" if label == item.name else label

    def value(self, item: Input) -> str:
        if isinstance(item.value, bool):
            return self.words["true" if item.value else "false"]
        shown = _n(item.value) if isinstance(item.value, Decimal) else item.value
        return f"{shown} {item.unit}" if item.unit else shown


def _leaves(node: Explanation) -> Iterator[Explanation]:
    for child in node.children:
        if child.result.not_applicable in ("exclude", "alternative"):
            continue
        if child.children:
            yield from _leaves(child)
        else:
            yield child


def _n(value: Decimal | None) -> str:
    return to_text(value) if value is not None else ""


def _equals(value: Value, precision: int) -> str:
    """``= 9.97``, or ``≈ 9.974066`` for a value with more decimals than are worth showing."""
    if not isinstance(value, Decimal):
        return f"= {value}"
    shown = max(precision + 4, SHOWN_DECIMALS)
    if decimal_places(value) <= shown:
        return f"= {to_text(value)}"
    return f"≈ {to_text(value.quantize(Decimal(1).scaleb(-shown), rounding=ROUND_HALF_UP))}"


def _draft(node: Explanation, lang: Language) -> str:
    """A reason for the points *node* lost, from its rule and inputs."""
    writer = _Writer(lang)
    score, weight, lost = _n(node.result.score), _n(node.result.weight), _n(node.result.lost)
    rule = node.rule_en if lang == "en" else node.rule
    if lang == "en":
        if node.trace is None:
            return f"scored {score} of {weight}, {lost} lost; the unit gave no reason (to be supplied)"
        shown = ", ".join(f"{writer.label(i) or i.name} {writer.value(i)}" for i in node.inputs)
        given = f", with {shown}" if shown else ""
        return f"by the rule “{rule}”{given}, the score is {score} of {weight}: {lost} lost"
    if node.trace is None:
        return f"得 {score} 分（分值 {weight}），失 {lost} 分；单位未说明原因，待补充"
    shown = "，".join(f"{writer.label(i) or i.name} {writer.value(i)}" for i in node.inputs)
    given = f"，{shown}" if shown else ""
    return f"按规则「{rule}」{given}，得 {score} 分（分值 {weight}），失 {lost} 分"
