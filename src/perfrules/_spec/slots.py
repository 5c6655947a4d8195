"""Skeleton specs: slots whose leaves each unit writes in its facts file (项目支出 三级指标).

`fill` turns a skeleton and one unit's facts into the concrete spec and facts
for that unit: its leaves are read as any spec's leaves are, put in their slots,
and every parent they change is summed again, each problem pointing at the facts
file's line. The skeleton itself was checked when it was loaded and is not read again.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from attrs import evolve

from .._diagnostics import Diagnostic, did_you_mean
from .._document import Document
from .._inputs.facts import NOT_APPLICABLE_MARK, Assessment, Facts
from .._numbers import to_decimal, to_text
from .._plugins.registry import Registry
from ..exceptions import FactsError
from .model import Indicator, Spec
from .reader import SpecReader

# Keys of a unit's leaf that belong to its assessment, not to the indicator.
_ASSESSMENT_KEYS = ("score", "reason", "measure")


def fill(spec: Spec, facts: Facts, registry: Registry) -> tuple[Spec, Facts]:
    """The spec with *facts*' own indicators in its slots, and the facts with their claims.

    Only the unit's leaves are read, as new leaves of the skeleton; the skeleton itself is not read again.

    Raises:
        FactsError: a slot that does not exist or is filled wrongly, a leaf
            that is not a valid indicator, weights that do not sum (all located
            in the facts file).
    """
    slots = {i.id: (i, slot) for i in spec.walk() if (slot := i.slot) is not None}
    if not slots and not facts.indicators:
        return spec, facts
    problems: list[Diagnostic] = []

    def error(
        code: str, message: str, *path: str | int, indicator: str | None = None, key: bool = False, zh: str
    ) -> None:
        problems.append(Diagnostic("error", code, message, indicator, facts.location(*path, key=key), zh))

    document = facts.source() or Document(facts.file, {"indicators": dict(facts.indicators)}, facts.sha256)
    reader = SpecReader(document, registry, within=spec)
    depths = {indicator.id: depth for indicator, depth in _depths(spec.indicators, 1) if indicator.slot}
    assessments = dict(facts.assessments)
    inline: dict[str, tuple[str | int, ...]] = {}
    filled: dict[str, list[Indicator]] = {}
    for slot_id, leaves in facts.indicators.items():
        if not leaves:  # an empty list is a slot left empty
            continue
        if slot_id not in slots:
            error(
                "unknown-slot",
                f"the spec has no slot {slot_id!r}{did_you_mean(slot_id, slots)}",
                "indicators",
                slot_id,
                indicator=slot_id,
                key=True,
                zh=f"规范中没有可自设指标的位置 {slot_id!r}{did_you_mean(slot_id, slots, 'zh')}",
            )
            continue
        _, slot = slots[slot_id]
        if len(leaves) < slot.min or (slot.max is not None and len(leaves) > slot.max):
            most = f" and at most {slot.max}" if slot.max is not None else ""
            error(
                "slot-count",
                f"slot {slot_id!r} takes at least {slot.min}{most} {_indicators(slot.max or slot.min)}, not {len(leaves)}",
                "indicators",
                slot_id,
                indicator=slot_id,
                zh=f"{slot_id!r} 下应有至少 {slot.min} 个"
                + (f"、至多 {slot.max} 个" if slot.max is not None else "")
                + f"指标，现有 {len(leaves)} 个",
            )
        children = filled[slot_id] = []
        for index, leaf in enumerate(leaves):
            at = ("indicators", slot_id, index)
            if not isinstance(leaf, dict):
                error(
                    "bad-value",
                    "an indicator is a mapping: id, name, weight, target, actual ...",
                    *at,
                    indicator=slot_id,
                    zh="指标应为映射：id（编号）、name（名称）、weight（分值）、target（年度指标值）、actual（实际完成值）……",
                )
                continue
            node, assessment = _split(leaf)
            if "target" in node:
                node.setdefault("kind", "target")
            elif "kind" not in node and "expression" not in node and "self_assessed" in slot.kinds:
                node["kind"] = "self_assessed"  # a row of only a name, 分值 and 得分: the unit's own score
            written = leaf.get("score")
            if written not in (None, NOT_APPLICABLE_MARK) and (assessment.not_applicable or assessment.score is None):
                if assessment.not_applicable:  # marked "/" by its 分值, 年度指标值 or 实际完成值
                    code = "bad-value"
                    message = f"the row is marked '/' (not applicable), yet scores {written!r:.40}: leave its score out"
                    zh = f"该行已标为 '/'（不适用），却填了得分 {written!r:.40}：得分请留空或写 '/'"
                else:
                    code = "bad-number"
                    message = f"score must be a number or '/', not {written!r:.40}"
                    zh = f"得分应为数字或 '/'（不适用），现为 {written!r:.40}"
                error(code, message, *at, "score", indicator=str(leaf.get("id")), zh=zh)
            kind = node.get("kind", "expression" if "expression" in node else None)
            if kind is not None and kind not in slot.kinds:
                error(
                    "slot-kind",
                    f"slot {slot_id!r} takes {', '.join(slot.kinds)}, not {kind!r}",
                    *at,
                    indicator=str(leaf.get("id")),
                    zh=f"{slot_id!r} 下可用的计分类型为 {', '.join(slot.kinds)}，不能用 {kind!r}",
                )
            if assessment.not_applicable:  # "/": excluded, so its rule is never needed
                node = {k: v for k, v in node.items() if k not in ("kind", "target", "actual", "nature")}
                node["kind"] = "self_assessed"
                node.setdefault("not_applicable", "exclude")
            own = assessment.score is not None or assessment.not_applicable or assessment.reason or assessment.measure
            if isinstance(node.get("id"), str) and own:
                if node["id"] in facts.assessments:
                    message = f"{node['id']!r} is assessed both here and under 'assessments': keep one"
                    zh = f"指标 {node['id']!r} 在此处和 'assessments' 下都填了自评：请只保留一处"
                    error("bad-value", message, *at, indicator=node["id"], zh=zh)
                assessments[node["id"]] = assessment
                inline[node["id"]] = at
            indicator = reader.read_indicator(node, at, depths[slot_id] + 1)
            if indicator is not None:
                children.append(indicator)
    emptied = set()
    for indicator, slot in slots.values():
        if not facts.indicators.get(indicator.id) and slot.min > 0:
            message = f"slot {indicator.id!r} ({indicator.name}) needs at least {slot.min} {_indicators(slot.min)}"
            zh = f"{indicator.id!r}（{indicator.name}）下至少要有 {slot.min} 个指标"
            error("slot-count", message, "indicators", indicator=indicator.id, zh=zh)
    for block in spec.walk():
        if block.children and all(c.slot is not None and not facts.indicators.get(c.id) for c in block.children):
            emptied.add(block.id)
            slots_named = ", ".join(f"{c.id} {c.name}" for c in block.children)
            message = f"{block.name} has no indicators: write them under {slots_named}"
            zh = f"{block.name}下没有指标：请在 {slots_named} 下填写"
            error("slot-count", message, "indicators", indicator=block.id, zh=zh)
    sums = _Sums(spec, facts, filled, emptied)
    indicators = tuple(i for i in (sums.fill(indicator) for indicator in spec.indicators) if i is not None)
    top = sum((i.weight for i in indicators), Decimal(0))
    if spec.total is not None and top != spec.total and not emptied:
        message = f"the top-level indicators weigh {to_text(top)} in all, not the declared total {to_text(spec.total)}"
        zh = f"一级指标分值合计 {to_text(top)}，与声明的总分 {to_text(spec.total)} 不符"
        error("total-sum", message, "indicators", zh=zh)
    problems.extend(sums.problems)
    problems.extend(reader.problems)  # the leaves' own problems
    if problems:  # the slots' own problems and the leaves', all at once
        zh = f"{facts.file}：单位自设指标中有 {len(problems)} 处问题"
        raise FactsError(_headline(facts, len(problems)), problems, message_zh=zh)
    concrete = evolve(spec, indicators=indicators, locations=reader.locations)
    return concrete, evolve(facts, assessments=assessments, inline=inline)


class _Sums:
    """The skeleton's tree with the filled slots in place, each changed parent's weights checked."""

    def __init__(self, spec: Spec, facts: Facts, filled: Mapping[str, list[Indicator]], emptied: set[str]) -> None:
        self.spec = spec
        self.facts = facts
        self.filled = filled
        self.emptied = emptied
        self.problems: list[Diagnostic] = []

    def fill(self, indicator: Indicator) -> Indicator | None:
        """*indicator* with its slots filled; None for a slot left empty (it weighs nothing and shows nothing)."""
        slot = indicator.slot
        if slot is not None:
            children = self.filled.get(indicator.id)
            if not children:
                return None
            weight = sum((child.weight for child in children), Decimal(0))
            if slot.weight is not None and weight != slot.weight:
                self.mismatch(indicator, weight, slot.weight)
            return evolve(
                indicator, slot=None, weight=weight if slot.weight is None else slot.weight, children=tuple(children)
            )
        if not indicator.children:
            return indicator
        children = [c for c in (self.fill(child) for child in indicator.children) if c is not None]
        if len(children) == len(indicator.children) and all(map(operator.is_, children, indicator.children)):
            return indicator
        weight = sum((child.weight for child in children), Decimal(0))
        if indicator.alternatives is None and indicator.id not in self.emptied and weight != indicator.weight:
            self.mismatch(indicator, weight, indicator.weight)
        return evolve(indicator, children=tuple(children))

    def mismatch(self, parent: Indicator, weight: Decimal, declared: Decimal) -> None:
        message = f"the children of {parent.id!r} weigh {to_text(weight)} in all, not its weight {to_text(declared)}"
        # Reported where the unit wrote the indicators that make the sum.
        filled = [c.id for c in (parent, *parent.children) if c.id in self.filled]
        location = self.facts.location("indicators", *filled[:1]) if filled else self.spec.location(parent.id)
        zh = f"指标 {parent.id!r} 的下级指标分值合计 {to_text(weight)}，与其分值 {to_text(declared)} 不符"
        self.problems.append(Diagnostic("error", "weight-sum", message, parent.id, location, zh))


def _depths(indicators: tuple[Indicator, ...], depth: int) -> Iterator[tuple[Indicator, int]]:
    for indicator in indicators:
        yield indicator, depth
        yield from _depths(indicator.children, depth + 1)


def _split(leaf: dict[str, Any]) -> tuple[dict[str, Any], Assessment]:
    """A unit's leaf as the indicator and its assessment."""
    node = {key: value for key, value in leaf.items() if key not in _ASSESSMENT_KEYS}
    score = leaf.get("score")
    marked = NOT_APPLICABLE_MARK in (score, leaf.get("target"), leaf.get("actual"), leaf.get("weight"))
    if node.get("weight") == NOT_APPLICABLE_MARK:  # 分值 "/", as forms print a row that does not apply
        node["weight"] = 0
    number = to_decimal(score) if not marked else None
    reason, measure = leaf.get("reason"), leaf.get("measure")
    return node, Assessment(
        number,
        reason if isinstance(reason, str) else None,
        measure if isinstance(measure, str) else None,
        not_applicable=marked,
    )


def _headline(facts: Facts, count: int) -> str:
    return f"{facts.file}: {count} problem{'s' * (count != 1)} in the unit's own indicators"


def _indicators(count: int) -> str:
    return "indicator" if count == 1 else "indicators"
