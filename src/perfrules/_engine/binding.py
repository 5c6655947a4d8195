"""Binding: one unit's facts typed and checked against a spec's plan, before anything is scored.

Every declared fact is read once, every claim checked against its leaf; all problems are reported together.
Scoring then reads only the values bound here.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from attrs import evolve

from .._diagnostics import Diagnostic, did_you_mean
from .._inputs.facts import Facts
from .._numbers import decimal_places, not_a_number, to_decimal, to_text
from .._rules.expression import Expression, Value
from .._rules.names import normal
from .._spec.model import Spec
from ..exceptions import FactsError
from .plan import Plan


def _readers(plan: Plan, found: dict[str, list[str]]) -> dict[str, list[str]]:
    """Fill *found* with each fact's readers: the ids of the leaves whose rules read it."""
    for leaf_id, rule in plan.rules.items():
        for name in rule.expression.names:
            found.setdefault(name, []).append(leaf_id)
    for name in plan.spec.facts:
        found.setdefault(name, [])
    return found


def rule_names(
    expression: Expression, values: Mapping[str, Value], weight: Decimal, claim: Decimal | None
) -> dict[str, Value]:
    """The names a leaf's rule is evaluated with: the facts it reads, ``weight`` and, when claimed, ``claim``."""
    names = {name: values[name] for name in expression.names if name in values}
    names["weight"] = weight
    if claim is not None:
        names["claim"] = claim
    return names


def with_table_figures(spec: Spec, facts: Facts) -> Facts:
    """*facts* with each declared fact they leave out that agrees with a figure of their tables (``agrees_with``)
    taken from that table, so a figure is typed once: in the budget or funds table."""
    if not (facts.budget or facts.funds):
        return facts
    left_out = [(name, d.agrees_with) for name, d in spec.facts.items() if d.agrees_with and name not in facts.values]
    if not left_out:
        return facts
    given = {normal(key) for key in facts.values}  # a key in full-width letters names its fact too
    taken = {
        name: figure
        for name, reference in left_out
        if name not in given and (figure := facts.figure(reference)) is not None
    }
    return evolve(facts, values={**facts.values, **taken}) if taken else facts


def bind(plan: Plan, facts: Facts) -> dict[str, Value]:
    """Type *facts* against *plan*'s spec: every declared fact and every claim checked.

    Returns:
        The declared facts' values, typed (numbers as Decimal).

    Raises:
        FactsError: listing every missing, undeclared or mistyped fact and every bad claim.
    """
    spec = plan.spec
    problems: list[Diagnostic] = []

    def error(code: str, message: str, zh: str, path: tuple[str, ...], indicator: str | None = None) -> None:
        problems.append(Diagnostic("error", code, message, indicator, facts.location(*path), zh))

    given: dict[str, str] = {}  # each fact's name (NFKC) → its key as the facts file writes it
    for key in facts.values:
        name = normal(key)
        if name in given:
            error(
                "fact-twice",
                f"facts {given[name]!r} and {key!r} are the same fact once normalised (NFKC): keep one",
                f"填报数据 {given[name]!r} 与 {key!r} 只是全角、半角等写法不同，实为同一项（NFKC），只能保留一个",
                ("facts", key),
            )
        else:
            given[name] = key
    values: dict[str, Value] = {}
    read_by_leaves: dict[str, list[str]] = {}  # fact → the leaves that read it, found once, when a fact is missing
    for name, declaration in spec.facts.items():
        described = f"fact {name!r}" + (f" ({declaration.label})" if declaration.label else "")
        named = f"填报数据 {name!r}" + (f"（{declaration.label}）" if declaration.label else "")
        if name not in given:
            if not declaration.optional:
                readers = (read_by_leaves or _readers(plan, read_by_leaves))[name]
                shown = f"{', '.join(readers[:5])}{' …' if len(readers) > 5 else ''}"
                read_by = f"; {shown} read it" if readers else ""
                used_by = f"，指标 {shown} 要用到它" if readers else ""
                error("missing-fact", f"{described} is missing{read_by}", f"缺少{named}{used_by}；请补填", ("facts",))
            continue
        raw = facts.values[given[name]]
        at = ("facts", given[name])
        if declaration.type == "number":
            number = to_decimal(raw)
            if number is None:
                error(
                    "fact-type",
                    f"{described} must be a number, {not_a_number(raw)}",
                    f"{named}应填数字，{not_a_number(raw, 'zh')}",
                    at,
                )
                continue
            if declaration.min is not None and number < declaration.min:
                error(
                    "fact-range",
                    f"{described} is {to_text(number)}, below its minimum {to_text(declaration.min)}",
                    f"{named}为 {to_text(number)}，低于下限 {to_text(declaration.min)}",
                    at,
                )
            if declaration.max is not None and number > declaration.max:
                error(
                    "fact-range",
                    f"{described} is {to_text(number)}, above its maximum {to_text(declaration.max)}",
                    f"{named}为 {to_text(number)}，高于上限 {to_text(declaration.max)}",
                    at,
                )
            values[name] = number
        elif declaration.type == "boolean":
            if not isinstance(raw, bool):
                error(
                    "fact-type",
                    f"{described} must be true or false, not {raw!r:.80}",
                    f"{named}应填 true（是）或 false（否），现为 {raw!r:.80}",
                    at,
                )
            values[name] = bool(raw)
        else:
            if not isinstance(raw, str):
                error(
                    "fact-type", f"{described} must be text, not {raw!r:.80}", f"{named}应填文字，现为 {raw!r:.80}", at
                )
            elif declaration.values is not None and raw not in declaration.values:
                shown = " / ".join(declaration.values)
                error(
                    "fact-value",
                    f"{described} is {raw!r:.80}, not one of {shown}{did_you_mean(raw, declaration.values)}",
                    f"{named}为 {raw!r:.80}，应为 {shown} 之一{did_you_mean(raw, declaration.values, 'zh')}",
                    at,
                )
            values[name] = str(raw)
    for name, key in given.items():
        if name not in spec.facts:
            hint, hint_zh = did_you_mean(name, spec.facts), did_you_mean(name, spec.facts, "zh")
            error(
                "unknown-fact",
                f"fact {key!r} is not declared by the spec{hint}",
                f"规范未声明填报数据 {key!r}{hint_zh}",
                ("facts", key),
            )

    ids = plan.indicators
    for indicator_id, assessment in facts.assessments.items():
        indicator = ids.get(indicator_id)
        at = ("assessments", indicator_id)
        if indicator is None:
            error(
                "unknown-indicator",
                f"no indicator {indicator_id!r} in the spec{did_you_mean(str(indicator_id), ids)}",
                f"规范中没有指标 {indicator_id!r}{did_you_mean(str(indicator_id), ids, 'zh')}",
                at,
                str(indicator_id),
            )
            continue
        if assessment.not_applicable and indicator.not_applicable is None:
            where = spec.location(indicator_id)
            at_en, at_zh = (f" (at {where})", f"（位于 {where}）") if where and where.line else ("", "")
            message = (
                f"{indicator_id!r} ({indicator.name}) cannot be not applicable: the spec gives it no not_applicable"
                f" policy; add 'not_applicable: exclude' (or zero, full) to indicator {indicator_id!r} in the spec"
                f"{at_en}, or in the overrides of a spec extending it"
            )
            zh = (
                f"指标 {indicator_id!r}（{indicator.name}）不能标为不适用：规范未规定其不适用时的处理；请在规范的指标"
                f" {indicator_id!r}{at_zh}下加上 'not_applicable: exclude'（或 zero、full），或在继承它的规范的 overrides 中加上"
            )
            error("not-applicable", message, zh, at, indicator_id)
        claim = assessment.score
        if claim is None:
            continue
        if not indicator.is_leaf:
            error(
                "claim-on-parent",
                f"{indicator_id!r} is scored from its children; claim scores on leaves",
                f"指标 {indicator_id!r} 的得分由下级指标汇总，请在末级指标填报自评分",
                at,
                indicator_id,
            )
        elif not 0 <= claim <= indicator.weight:
            error(
                "claim-range",
                f"the claimed score {to_text(claim)} is outside 0 to {to_text(indicator.weight)}",
                f"自评分 {to_text(claim)} 超出 0 至 {to_text(indicator.weight)}（分值）",
                at,
                indicator_id,
            )
        elif decimal_places(claim) > spec.precision:
            error(
                "claim-decimals",
                f"the claimed score {to_text(claim)} has more than {spec.precision} decimals",
                f"自评分 {to_text(claim)} 的小数超过 {spec.precision} 位",
                at,
                indicator_id,
            )
    # Claims are needed where they are scored: not under an indicator marked not
    # applicable, nor under an alternative the unit did not choose.
    stack = list(spec.indicators)
    while stack:
        indicator = stack.pop()
        own = facts.assessments.get(indicator.id)
        if own is not None and own.not_applicable:
            continue
        if indicator.alternatives not in (None, "best"):
            chosen = values.get(indicator.alternatives)
            options = [child.id for child in indicator.children]
            if chosen not in options:
                message = f"fact {indicator.alternatives!r} is {chosen!r}: it must name one of {', '.join(options)}"
                zh = f"填报数据 {indicator.alternatives!r} 为 {chosen!r}，应为 {'、'.join(options)} 之一"
                error("alternative-choice", message, zh, ("facts", indicator.alternatives), indicator.id)
                continue
            stack.extend(child for child in indicator.children if child.id == chosen)
            continue
        stack.extend(indicator.children)
        if not indicator.is_leaf or (own is not None and own.score is not None):
            continue
        rule = plan.rules.get(indicator.id)
        if rule is None or "claim" in rule.expression.names:
            msg = f"{indicator.id!r} ({indicator.name}) is self-assessed but has no score"
            zh = f"指标 {indicator.id!r}（{indicator.name}）由单位自评，但未填自评分"
            error("missing-claim", msg, zh, ("assessments", indicator.id), indicator.id)
        elif missing := [n for n in rule.reads if n not in values and spec.facts[n].optional]:
            msg = f"{indicator.id!r} ({indicator.name}) needs fact {', '.join(map(repr, missing))} or a claimed score"
            zh = f"指标 {indicator.id!r}（{indicator.name}）需要填报数据 {'、'.join(map(repr, missing))}，或填自评分"
            error("missing-fact", msg, zh, ("facts",), indicator.id)
    if problems:
        count = len(problems)
        msg = f"{facts.file}: {count} problem{'s' * (count != 1)} fitting the facts to {spec.id}@{spec.version}"
        zh = f"{facts.file}：填报数据与规范 {spec.id}@{spec.version} 有 {count} 处不符"
        raise FactsError(msg, problems, message_zh=zh)
    return values
