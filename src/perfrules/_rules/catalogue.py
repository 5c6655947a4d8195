"""The rule catalogue: the scoring rules real self-evaluation forms use, as kinds.

Each kind checks its parameters (every problem located at the spec's line) and
turns them into one expression in the allow-listed language plus the rule in
Chinese and English words, like every other kind. Numbers in parameters are in
the input's own unit; rates are fractions (5% is 0.05).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from attrs import frozen

from .._diagnostics import did_you_mean
from .._numbers import to_decimal, to_text
from .kinds import BandsKind, KindContext, Parameters, Rule
from .targets import Target, TargetError, parse_target

if TYPE_CHECKING:
    from .._spec.model import FactDeclaration


_OVER = frozenset({"beyond", "points", "per"})


def _plain(value: Any) -> str:
    number = to_decimal(value)
    return to_text(number) if number is not None else str(value)


@frozen
class RatioKind:
    """``kind: ratio``: weight × completion ratio, capped at the weight (R1, R2).

    ``direction: forward`` (the default, "≥" targets): actual ÷ target;
    ``inverse`` ("≤" targets): target ÷ actual, full marks at or below the target.
    ``over_achievement: {beyond: 1.5, points: 1, per: 0.1}`` takes *points* off for
    every *per* of the ratio beyond *beyond* (完成值远超指标值), floor 0.
    """

    words_zh: ClassVar[tuple[str, ...]] = ("比率", "比例", "完成率")
    parameters: frozenset[str] = frozenset({"actual", "target", "direction", "over_achievement"})
    required: frozenset[str] = frozenset({"actual", "target"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        actual, target = p.operand("actual"), p.operand("target")
        direction = p.choice("direction", ("forward", "inverse"), "forward")
        if actual is None or target is None or direction is None:
            return None
        a, t = actual[0], target[0]
        if to_decimal(parameters.get("target")) == 0:
            p.fail(
                "a target of 0 makes no ratio; use threshold_deduction or binary",
                "target",
                zh="目标值为 0 无法计算比率；请改用 threshold_deduction 或 binary",
            )
            return None
        if direction == "forward":
            text = f"weight if {a} >= {t} else weight * {a} / {t}"
            words = f"得分 = 分值 × min({actual[1]} ÷ {target[1]}, 1)"
            words_en = f"weight × min({actual[2]} / {target[2]}, 1)"
        else:
            text = f"weight if {a} <= {t} else weight * {t} / {a}"
            words = f"反向指标：不高于{target[1]}得满分，否则得分 = 分值 × {target[1]} ÷ {actual[1]}"
            words_en = f"inverse: full marks at or below {target[2]}, else weight × {target[2]} / {actual[2]}"
        over = parameters.get("over_achievement")
        if over is not None:
            if direction != "forward" or not isinstance(over, dict) or set(over) != _OVER:
                p.fail(
                    "over_achievement is {beyond: ..., points: ..., per: ...}, for forward ratios",
                    "over_achievement",
                    zh="over_achievement（超额奖励）应写作 {beyond: ..., points: ..., per: ...}，仅用于正向比率",
                )
                return None
            q = Parameters(over, _Nested(context, "over_achievement"))
            beyond, points, per = q.number("beyond", positive=True), q.number("points"), q.number("per", positive=True)
            if not q.ok or beyond is None or points is None or per is None:
                return None
            b, k, s = to_text(beyond), to_text(points), to_text(per)
            text = f"max(0, ({text}) - {k} * max(0, {a} / {t} - {b}) / {s})"
            words += f"；完成率超过{b}的部分每{s}扣{k}分"
            words_en += f"; {k} off per {s} of the ratio beyond {b}"
        return p.rule(text, words, words_en)


class _Nested:
    """A kind context for a mapping inside the parameters, so errors point into it."""

    def __init__(self, context: KindContext, *prefix: str | int) -> None:
        self._context = context
        self._prefix = prefix
        self.weight = context.weight
        self.precision = context.precision
        self.facts = context.facts
        self.vocabulary = context.vocabulary

    def error(self, message: str, *path: str | int, code: str = "kind-parameter", zh: str | None = None) -> None:
        self._context.error(message, *self._prefix, *path, code=code, zh=zh)


@frozen
class ThresholdDeductionKind:
    """``kind: threshold_deduction``: *points* off per *per* beyond a threshold, floor 0 (扣完为止, R3).

    ``direction: above`` (default) deducts for the input above the threshold,
    ``below`` for the input below it.
    """

    words_zh: ClassVar[tuple[str, ...]] = ("阈值扣分", "超限扣分")
    parameters: frozenset[str] = frozenset({"input", "threshold", "points", "per", "direction"})
    required: frozenset[str] = frozenset({"input", "threshold", "points"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        value = p.operand("input")
        threshold = to_decimal(parameters.get("threshold"))
        if threshold is None:
            p.fail(
                f"threshold must be a number, not {parameters.get('threshold')!r:.40}",
                "threshold",
                zh=f"threshold（阈值）应为数字，现为 {parameters.get('threshold')!r:.40}",
            )
        points, per = p.number("points"), p.number("per", default=Decimal(1), positive=True)
        direction = p.choice("direction", ("above", "below"), "above")
        if value is None or threshold is None or points is None or per is None or direction is None:
            return None
        x, x0, k, s = value[0], to_text(threshold), to_text(points), to_text(per)
        beyond = f"{x} - {x0}" if direction == "above" else f"{x0} - {x}"
        side, side_en = ("超过", "above") if direction == "above" else ("低于", "below")
        return p.rule(
            f"max(0, weight - {k} * max(0, {beyond}) / {s})",
            f"{value[1]}{side}{x0}的部分每{s}扣{k}分，扣完为止",
            f"{k} off per {s} of {value[2]} {side_en} {x0}, down to 0",
        )


@frozen
class StepDeductionKind:
    """``kind: step_deduction``: "100%计满分,每低于5%扣2分" (R4).

    *points* off per *step* below the *target* (``direction: above``: above it).
    The source texts are ambiguous, so ``reading`` is required: ``floor`` counts
    whole steps only (99.27% loses nothing), ``pro_rata`` counts fractions of a
    step too (99.27% loses 0.292 of 2 points).
    """

    words_zh: ClassVar[tuple[str, ...]] = ("扣分", "逐级扣分", "阶梯扣分")
    parameters: frozenset[str] = frozenset({"input", "target", "step", "points", "reading", "direction"})
    required: frozenset[str] = frozenset({"input", "step", "points", "reading"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        value = p.operand("input")
        target = p.number("target", default=Decimal(1))
        step, points = p.number("step", positive=True), p.number("points")
        reading = p.choice("reading", ("floor", "pro_rata"))
        direction = p.choice("direction", ("below", "above"), "below")
        if value is None or target is None or step is None or points is None or reading is None or direction is None:
            return None
        x, t, s, k = value[0], to_text(target), to_text(step), to_text(points)
        gap = f"max(0, {t} - {x})" if direction == "below" else f"max(0, {x} - {t})"
        steps = f"floor({gap} / {s})" if reading == "floor" else f"{gap} / {s}"
        side, side_en = ("低于", "below") if direction == "below" else ("高于", "above")
        reach, reach_en = ("达到", "at or above") if direction == "below" else ("不高于", "at or below")
        how = "按整档计（不足一档不扣）" if reading == "floor" else "按比例计（不足一档按比例扣）"
        how_en = "whole steps only" if reading == "floor" else "fractions of a step count"
        return p.rule(
            f"max(0, weight - {k} * {steps})",
            f"{value[1]}{reach}{t}得满分，每{side}{s}扣{k}分，{how}，扣完为止",
            f"full marks {reach_en} {t}; {k} off per {s} {side_en} it ({how_en}), down to 0",
        )


@frozen
class PerOccurrenceKind:
    """``kind: per_occurrence``: *points* off per occurrence counted by the input, floor 0 (R7)."""

    words_zh: ClassVar[tuple[str, ...]] = ("按次扣分", "每次扣分")
    parameters: frozenset[str] = frozenset({"input", "points"})
    required: frozenset[str] = frozenset({"input", "points"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        count = p.operand("input")
        points = p.number("points", positive=True)
        if count is None or points is None:
            return None
        k = to_text(points)
        return p.rule(
            f"max(0, weight - {k} * {count[0]})",
            f"每发生一次（{count[1]}）扣{k}分，扣完为止",
            f"{k} off per occurrence ({count[2]}), down to 0",
        )


@frozen
class BinaryKind:
    """``kind: binary``: full marks when the input is true (compliant), else 0 (R9)."""

    words_zh: ClassVar[tuple[str, ...]] = ("是否", "达标与否")
    parameters: frozenset[str] = frozenset({"input"})
    required: frozenset[str] = frozenset({"input"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        fact = p.fact("input", "boolean")
        if fact is None:
            return None
        return p.rule(
            f"weight if {fact.name} else 0",
            f"{fact.label or fact.name}则得满分，否则不得分",
            f"full marks if {fact.label_en or fact.name}, else 0",
        )


@frozen
class ChecklistKind:
    """``kind: checklist``: the points of the items satisfied (R8); the items' points sum to the weight.

    ``items: [{name: 制度健全, input: has_rules, points: 1}, ...]``, each input a boolean fact.
    """

    words_zh: ClassVar[tuple[str, ...]] = ("清单", "逐项检查", "检查表")
    parameters: frozenset[str] = frozenset({"items"})
    required: frozenset[str] = frozenset({"items"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        items = parameters["items"]
        if not isinstance(items, list) or not items:
            p.fail("items is a list of {name, input, points}", "items", zh="items 应为 {name, input, points} 的列表")
            return None
        terms, listing, listing_en = [], [], []
        total = Decimal(0)
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not {"input", "points"} <= set(item) <= {"name", "input", "points"}:
                p.fail(
                    "each item is {name: ..., input: <boolean fact>, points: ...}",
                    "items",
                    index,
                    zh="每一项应写作 {name: 名称, input: <是否型填报数据>, points: 分数}",
                )
                continue
            q = Parameters(item, _Nested(context, "items", index))
            fact, points = q.fact("input", "boolean"), q.score(item["points"], "points")
            if fact is None or points is None:
                p.ok = False
                continue
            total += points
            name = str(item.get("name") or fact.label or fact.name)
            terms.append(f"({to_text(points)} if {fact.name} else 0)")
            listing.append(f"{name} {to_text(points)}分")
            listing_en.append(f"{fact.label_en or name} {to_text(points)}")
        if p.ok and total != context.weight:
            p.fail(
                f"the items' points add up to {to_text(total)}, not the weight {to_text(context.weight)}",
                "items",
                zh=f"各项分数合计 {to_text(total)}，与分值 {to_text(context.weight)} 不符",
            )
        return p.rule(
            " + ".join(terms) or "0",
            "满足一项得一项的分：" + "；".join(listing),
            "the points of each item satisfied: " + "; ".join(listing_en),
        )


@frozen
class CategoricalKind:
    """``kind: categorical``: points by the value of a text fact (R6, R10b).

    ``scores: {无结余: 3, 有结余但不超过上年结转: 2, 超过上年结转: 0}``; the fact must
    declare its ``values``, and every one of them needs a score.
    """

    words_zh: ClassVar[tuple[str, ...]] = ("分类", "按类计分")
    parameters: frozenset[str] = frozenset({"input", "scores"})
    required: frozenset[str] = frozenset({"input", "scores"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        fact = p.fact("input", "text")
        scores = parameters["scores"]
        if not isinstance(scores, dict) or not scores:
            p.fail(
                "scores maps each value to its points, e.g. {达成: 10, 未达成: 0}",
                "scores",
                zh="scores 应为“取值: 分数”的映射，如 {达成: 10, 未达成: 0}",
            )
            return None
        if fact is None:
            return None
        return categorical_rule(fact, list(scores.items()), p, "scores")


def categorical_rule(fact: FactDeclaration, entries: list[tuple[Any, Any]], p: Parameters, key: str) -> Rule | None:
    """The rule for points by value of *fact*, every declared value scored exactly once."""
    if fact.values is None:
        p.fail(
            f"fact {fact.name!r} needs a list of 'values' to be scored by value",
            "input",
            zh=f"填报数据 {fact.name!r} 须声明取值列表（values）才能按取值计分",
        )
        return None
    points: dict[str, Decimal] = {}
    for index, (value, raw) in enumerate(entries):
        where = (key, value) if key == "scores" else (key, index)
        if value not in fact.values:
            p.fail(
                f"{value!r:.80} is not one of {fact.name}'s values{did_you_mean(str(value), fact.values)}",
                *where,
                zh=f"{value!r:.80} 不是 {fact.name} 的取值之一{did_you_mean(str(value), fact.values, 'zh')}",
            )
        elif value in points:
            p.fail(f"{value!r:.80} is scored twice", *where, zh=f"{value!r:.80} 重复计分")
        else:
            score = p.score(raw, *where)
            if score is not None:
                points[value] = score
    missing = [v for v in fact.values if v not in points]
    if p.ok and missing:
        p.fail(
            f"no score for {', '.join(map(repr, missing))}", key, zh=f"{'、'.join(map(repr, missing))} 没有对应的得分"
        )
    if not p.ok:
        return None
    ordered = [(v, points[v]) for v in fact.values]
    text = to_text(ordered[-1][1])  # every value is scored, so the last needs no test
    for value, score in reversed(ordered[:-1]):
        text = f"{to_text(score)} if {fact.name} == {value!r} else {text}"
    return p.rule(
        text,
        f"按{fact.label or fact.name}计分：" + "；".join(f"{v} 得 {to_text(s)} 分" for v, s in ordered),
        f"by {fact.label_en or fact.name}: " + "; ".join(f"{v} -> {to_text(s)}" for v, s in ordered),
    )


@frozen
class BandTableKind(BandsKind):
    """``kind: band_table``: the ``bands`` kind (分档计分, R5), extended with single values.

    For a number input a band is ``{range: "(0, 0.1]", score: 6}`` or
    ``{value: 0, score: 8}`` (the same as ``"[0, 0]"``); for a text input with
    declared ``values`` every band is ``{value: 无结余, score: 3}``.
    """

    words_zh: ClassVar[tuple[str, ...]] = ("分档表", "档次表")

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        fact = p.fact("input", "number", "text")
        bands = parameters["bands"]
        if fact is None:
            return None
        if not isinstance(bands, list) or not all(isinstance(b, dict) for b in bands):
            p.fail(
                "bands is a list of {range: ..., score: ...} or {value: ..., score: ...}",
                "bands",
                zh="bands（分档）应为 {range: 区间, score: 得分} 或 {value: 取值, score: 得分} 的列表",
            )
            return None
        if fact.type == "text":
            if not all(set(b) == {"value", "score"} for b in bands):
                p.fail(
                    "a text input's bands are {value: ..., score: ...}",
                    "bands",
                    zh="文字型输入的分档应写作 {value: 取值, score: 得分}",
                )
                return None
            return categorical_rule(fact, [(b["value"], b["score"]) for b in bands], p, "bands")
        ranges = [
            {"range": f"[{_plain(b['value'])}, {_plain(b['value'])}]", "score": b["score"]}
            if set(b) == {"value", "score"}
            else b
            for b in bands
        ]
        return super().compile({**parameters, "bands": ranges}, context)


DEFAULT_TIERS = {"达成": ("0.8", "1"), "部分达成": ("0.6", "0.8"), "未达成": ("0", "0.6")}
"""财预〔2020〕10号: 达成年度指标 100–80%, 部分达成 80–60%, 未达成 60–0% of the weight."""


@frozen
class QualitativeTierKind:
    """``kind: qualitative_tier``: the assessor's score, which must lie in the range of the tier given (R10).

    ``input`` is a text fact naming the tier; ``tiers: [{value: 优, from: 0.9, to: 1}, ...]``
    gives each tier's range as fractions of the weight, lower end included, upper end
    excluded except at 1 ("100-80%(含80%)、80-60%(含60%)、60-0%"). Without ``tiers``,
    the fact's values must be among 达成 / 部分达成 / 未达成, scored 100–80% / 80–60% / 60–0%.
    The score is the unit's claim; a claim outside its tier's range is an error.
    """

    words_zh: ClassVar[tuple[str, ...]] = ("定性", "定性分级", "等次")
    parameters: frozenset[str] = frozenset({"input", "tiers"})
    required: frozenset[str] = frozenset({"input"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        fact = p.fact("input", "text")
        if fact is None:
            return None
        if fact.values is None:
            p.fail(
                f"fact {fact.name!r} needs a list of 'values': the tiers",
                "input",
                zh=f"填报数据 {fact.name!r} 须声明取值列表（values），即各档次",
            )
            return None
        tiers = self._tiers(parameters.get("tiers"), fact.name, fact.values, p)
        if tiers is None:
            return None
        weight = context.weight
        calls = {
            value: f"within(claim, {to_text(low * weight)}, {to_text(high * weight)}, {high != 1})"
            for value, (low, high) in tiers.items()
        }
        ordered = [calls[v] for v in fact.values]
        text = ordered[-1]
        for value, call in reversed(list(zip(fact.values[:-1], ordered[:-1], strict=True))):
            text = f"{call} if {fact.name} == {value!r} else {text}"

        def percent(fraction: Decimal) -> str:
            return to_text((fraction * 100).normalize()) + "%"

        listing = "；".join(f"{v} {percent(tiers[v][1])}–{percent(tiers[v][0])}" for v in fact.values)
        return p.rule(
            text,
            f"按{fact.label or fact.name}分档，由评价人在档内打分：{listing}（占分值）",
            f"the assessor scores within the tier of {fact.label_en or fact.name}: "
            + "; ".join(f"{v} {percent(tiers[v][0])}-{percent(tiers[v][1])}" for v in fact.values),
        )

    @staticmethod
    def _tiers(
        raw: Any, name: str, values: tuple[str, ...], p: Parameters
    ) -> dict[str, tuple[Decimal, Decimal]] | None:
        if raw is None:
            missing = [v for v in values if v not in DEFAULT_TIERS]
            if missing:
                p.fail(
                    f"without 'tiers', the values must be among {', '.join(DEFAULT_TIERS)}; not {', '.join(missing)}",
                    "input",
                    zh=f"未写 'tiers' 时，取值须为 {'、'.join(DEFAULT_TIERS)} 之一；{'、'.join(missing)} 不是",
                )
                return None
            return {v: (Decimal(DEFAULT_TIERS[v][0]), Decimal(DEFAULT_TIERS[v][1])) for v in values}
        if not isinstance(raw, list) or not all(isinstance(t, dict) and set(t) == {"value", "from", "to"} for t in raw):
            p.fail(
                "tiers is a list of {value: ..., from: 0.8, to: 1}",
                "tiers",
                zh="tiers（档次）应为 {value: 取值, from: 0.8, to: 1} 的列表",
            )
            return None
        tiers: dict[str, tuple[Decimal, Decimal]] = {}
        for index, tier in enumerate(raw):
            low, high = to_decimal(tier["from"]), to_decimal(tier["to"])
            if tier["value"] not in values or tier["value"] in tiers:
                p.fail(
                    f"{tier['value']!r} is not one of {name}'s values, or is listed twice",
                    "tiers",
                    index,
                    zh=f"{tier['value']!r} 不是 {name} 的取值，或重复列出",
                )
            elif low is None or high is None or not 0 <= low < high <= 1:
                p.fail(
                    "from and to are fractions of the weight, 0 <= from < to <= 1",
                    "tiers",
                    index,
                    zh="from 和 to 是分值的比例，须 0 <= from < to <= 1",
                )
            else:
                tiers[tier["value"]] = (low, high)
        missing = [v for v in values if v not in tiers]
        if p.ok and missing:
            p.fail(f"no tier for {', '.join(missing)}", "tiers", zh=f"{'、'.join(missing)} 没有对应的档次")
        return tiers if p.ok else None


_NATURES = {"正向": "forward", "反向": "inverse", "定性": "qualitative", "时效": "deadline"}
_UPWARD, _DOWNWARD = (">=", ">"), ("<=", "<")


@frozen
class TargetKind:
    """``kind: target``: a 三级指标 as project forms write it, scored from 年度指标值 and 实际完成值.

    ``target`` and ``actual`` are the texts of the form ("≥266米", "270米", "98%以上",
    "9月底前", "达成预期指标"); ``nature`` (指标性质: 正向, 反向, 定性, 时效) must agree
    with the target's comparison and is inferred from it when not given.
    Quantitative: met -> full marks; not met -> weight × actual ÷ target (正向) or
    target ÷ actual (反向), never above the weight; an "=" target scores the smaller of
    the two ratios. A deadline: met -> full marks, missed -> 0. Qualitative: the
    assessor's score, within the tier of the actual (达成 80–100%, 部分达成 60–80%,
    未达成 0–60%); an actual written as the target is 达成. Units must agree, and a
    percentage is never compared with a plain number.
    """

    words_zh: ClassVar[tuple[str, ...]] = ("目标", "指标值", "年度指标值")
    parameters: frozenset[str] = frozenset({"target", "actual", "nature"})
    required: frozenset[str] = frozenset({"target", "actual"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        parsed = {}
        for key in ("target", "actual"):
            raw = parameters[key]
            if not isinstance(raw, (str, int, Decimal)) or isinstance(raw, bool):
                p.fail(
                    f"{key} is the text written on the form, e.g. '≥266米', not {raw!r:.40}",
                    key,
                    zh=f"{key} 应为表中所写的文字，如 '≥266米'，现为 {raw!r:.40}",
                )
                continue
            try:
                parsed[key] = parse_target(str(raw), context.vocabulary)
            except TargetError as e:
                p.fail(str(e), key, code="target", zh=f"{key}：{e.zh}")
        nature = parameters.get("nature")
        if nature is not None and (not isinstance(nature, str) or nature not in _NATURES):
            p.fail(
                f"nature (指标性质) is one of {', '.join(_NATURES)}, not {nature!r:.40}",
                "nature",
                zh=f"nature（指标性质）应为 {'、'.join(_NATURES)} 之一，现为 {nature!r:.40}",
            )
        if not p.ok:
            return None
        target, actual = parsed["target"], parsed["actual"]
        if target.not_applicable or actual.not_applicable:
            p.fail(
                "'/' marks the row not applicable: leave out its score",
                "actual",
                zh="'/' 表示该行不适用：请不要填其得分",
            )
            return None
        shown = f"指标值 {target.raw}，完成值 {actual.raw}"
        if target.kind == "descriptive" or (target.kind == "word" and actual.kind == "descriptive"):
            return self._descriptive(target, actual)
        if nature == "定性" or (target.kind == "word" and actual.kind == "word"):
            return self._qualitative(target, actual, p, shown)
        if target.kind != actual.kind:
            p.fail(
                f"the actual {actual.raw!r:.80} cannot be compared with the target {target.raw!r:.80}",
                "actual",
                code="target",
                zh=f"实际完成值 {actual.raw!r:.80} 无法与年度指标值 {target.raw!r:.80} 比较",
            )
            return None
        if target.kind == "deadline":
            return self._deadline(target, actual, p, shown)
        return self._quantitative(target, actual, nature, p, shown)

    @staticmethod
    def _quantitative(target: Target, actual: Target, nature: str | None, p: Parameters, shown: str) -> Rule | None:
        if actual.unit != target.unit and ((actual.unit and target.unit) or "%" in (actual.unit, target.unit)):
            p.fail(
                f"units differ: the target is in {target.unit or 'plain numbers'}, the actual in {actual.unit or 'plain numbers'}",
                "actual",
                code="target",
                zh=f"单位不一致：年度指标值的单位为 {target.unit or '无单位'}，实际完成值为 {actual.unit or '无单位'}",
            )
            return None
        declared = _NATURES.get(nature or "")
        if (declared == "forward" and target.comparator in _DOWNWARD) or (
            declared == "inverse" and target.comparator in _UPWARD
        ):
            p.fail(
                f"nature {nature} contradicts the target {target.raw!r:.80}",
                "nature",
                zh=f"指标性质 {nature} 与年度指标值 {target.raw!r:.80} 矛盾",
            )
            return None
        if (target.comparator in _UPWARD and actual.comparator in _DOWNWARD) or (
            target.comparator in _DOWNWARD and actual.comparator in _UPWARD
        ):
            p.fail(
                f"the actual {actual.raw!r} points the other way from the target {target.raw!r}: write the value reached",
                "actual",
                code="target",
                zh=f"实际完成值 {actual.raw!r} 与年度指标值 {target.raw!r} 方向相反：请填写实际达到的数值",
            )
            return None
        # Both are numbers here (compile checked their kinds); the fallback only satisfies the types.
        t_value, a_value = target.value or Decimal(0), actual.value or Decimal(0)
        t, a = to_text(t_value), to_text(a_value)
        inverse = declared == "inverse" or (declared != "forward" and target.comparator in _DOWNWARD)
        if target.comparator == "=" and declared is None:
            ratio = f"weight * min({a} / {t}, {t} / {a})" if t_value and a_value else "0"
            text = f"weight if {a} == {t} else {ratio}"
            words = f"{shown}；等于指标值得满分，否则按 完成值与指标值之比（取小）× 分值"
        elif inverse:
            met = f"{a} < {t}" if target.comparator == "<" else f"{a} <= {t}"
            ratio = f"weight * {t} / {a}" if a_value else "0"  # not met with 0 only under a negative target
            text = f"weight if {met} else {ratio}"
            words = f"反向指标，{shown}；达到得满分，未达到按 指标值 ÷ 完成值 × 分值"
        else:
            met = f"{a} > {t}" if target.comparator == ">" else f"{a} >= {t}"
            ratio = f"weight * {a} / {t}" if t_value else "0"
            text = f"weight if {met} else {ratio}"
            words = f"正向指标，{shown}；达到得满分，未达到按 完成值 ÷ 指标值 × 分值"
        direction = "inverse" if inverse else "forward"
        return p.rule(
            text, words, f"{direction} target {target.raw}, actual {actual.raw}: met -> full marks, else pro rata"
        )

    @staticmethod
    def _descriptive(target: Target, actual: Target) -> Rule:
        """A target or actual written as a phrase ("运行良好"): the score is the unit's own judgement against it."""
        met = actual.raw.strip() == target.raw.strip()
        same, same_en = (
            ("（完成值与指标值相同，视为达成）", " (the actual is written as the target: met)") if met else ("", "")
        )
        return Rule(
            None,
            f"描述性指标，指标值“{target.raw}”，完成值“{actual.raw}”{same}；得分为单位对照指标值的自我判断（0 至分值）",
            f"descriptive target '{target.raw}', actual '{actual.raw}'{same_en}: the score is the unit's own judgement"
            " against the target (0 to the weight)",
        )

    @staticmethod
    def _deadline(target: Target, actual: Target, p: Parameters, shown: str) -> Rule | None:
        # Both are deadlines here (compile checked their kinds); the fallback only satisfies the types.
        due_year, month, day = target.deadline or (None, 12, 31)
        done_year, done_month, done_day = actual.deadline or (None, 12, 31)
        # Years count when both sides give one; otherwise the dates are within the year evaluated.
        years = due_year is not None and done_year is not None
        due = (due_year or 0) * 10000 * years + month * 100 + day
        # An actual "before" a date (9月前) was done the day before it.
        done = (done_year or 0) * 10000 * years + done_month * 100 + done_day - (actual.comparator == "<")
        met = f"{done} < {due}" if target.comparator == "<" else f"{done} <= {due}"
        return p.rule(
            f"weight if {met} else 0",
            f"时效指标，{shown}；按时完成得满分，否则不得分",
            f"deadline {target.raw}, done {actual.raw}: on time -> full marks, else 0",
        )

    @staticmethod
    def _qualitative(target: Target, actual: Target, p: Parameters, shown: str) -> Rule | None:
        # An actual written as the target ("无"/"无", "及时"/"及时") means the target was met.
        tier = "达成" if actual.raw.strip() == target.raw.strip() else actual.tier
        if tier is None:
            p.fail(
                f"a qualitative actual is a word such as 达成预期指标 or 部分达成, not {actual.raw!r:.80}",
                "actual",
                code="target",
                zh=f"定性指标的实际完成值应为“达成预期指标”“部分达成”等词，现为 {actual.raw!r:.80}",
            )
            return None
        low, high = (Decimal(bound) * p.context.weight for bound in DEFAULT_TIERS[tier])
        upper_open = tier != "达成"
        return p.rule(
            f"within(claim, {to_text(low)}, {to_text(high)}, {upper_open})",
            f"定性指标，{shown}（{tier}）；由评价人在 {to_text(low)}–{to_text(high)} 分内打分",
            f"qualitative, {actual.raw} ({tier}): the assessor scores within {to_text(low)}-{to_text(high)}",
        )
