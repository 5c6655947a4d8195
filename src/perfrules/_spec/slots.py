"""Skeleton specs: slots whose leaves each unit writes in its facts file (项目支出 三级指标).

`fill` turns a skeleton and one unit's facts into the concrete spec and facts
for that unit: its leaves are put in their slots and the whole tree is checked
like any spec, each problem pointing at the facts file's line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from attrs import evolve

from .._diagnostics import Diagnostic, did_you_mean
from .._document import Document
from .._inputs.facts import NOT_APPLICABLE_MARK, Assessment, Facts
from .._numbers import to_decimal
from .._plugins.registry import Registry
from .._yaml import Marks
from ..exceptions import FactsError, SpecError
from .inheritance import indicator_index
from .model import Spec
from .reader import SpecReader
from .writer import spec_document

# Keys of a unit's leaf that belong to its assessment, not to the indicator.
_ASSESSMENT_KEYS = ("score", "reason", "measure")


def fill(spec: Spec, facts: Facts, registry: Registry) -> tuple[Spec, Facts]:
    """The spec with *facts*' own indicators in its slots, and the facts with their claims.

    Raises:
        FactsError: a slot that does not exist or is filled wrongly, a leaf
            that is not a valid indicator, weights that do not sum (all located
            in the facts file).
    """
    slots = {i.id: (i, slot) for i in spec.walk() if (slot := i.slot) is not None}
    if not slots and not facts.indicators:
        return spec, facts
    source = facts.source()
    marks: dict[int, Marks] = dict(source.marks()) if source is not None else {}
    problems: list[Diagnostic] = []

    def error(code: str, message: str, *path: str | int, indicator: str | None = None, key: bool = False) -> None:
        problems.append(Diagnostic("error", code, message, indicator, facts.location(*path, key=key)))

    document = spec_document(spec)
    nodes = indicator_index(document["indicators"])
    assessments = dict(facts.assessments)
    inline: dict[str, tuple[str | int, ...]] = {}
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
            )
            continue
        _, slot = slots[slot_id]
        if len(leaves) < slot.min or (slot.max is not None and len(leaves) > slot.max):
            most = f" and at most {slot.max}" if slot.max is not None else ""
            error(
                "slot-count",
                f"slot {slot_id!r} takes at least {slot.min}{most} indicators, not {len(leaves)}",
                "indicators",
                slot_id,
                indicator=slot_id,
            )
        children: list[dict[str, Any]] = []
        listed = marks.get(id(leaves))
        children_marks = Marks(listed.at) if listed is not None else None
        for index, leaf in enumerate(leaves):
            at = ("indicators", slot_id, index)
            if not isinstance(leaf, dict):
                error(
                    "bad-value",
                    "an indicator is a mapping: id, name, weight, target, actual ...",
                    *at,
                    indicator=slot_id,
                )
                continue
            node, assessment = _split(leaf, marks)
            if "target" in node:
                node.setdefault("kind", "target")
            if leaf.get("score") not in (None, NOT_APPLICABLE_MARK) and assessment.score is None:
                error(
                    "bad-number",
                    f"score must be a number or '/', not {leaf['score']!r:.40}",
                    *at,
                    "score",
                    indicator=str(leaf.get("id")),
                )
            kind = node.get("kind", "target" if "target" in node else "expression" if "expression" in node else None)
            if kind is not None and kind not in slot.kinds:
                error(
                    "slot-kind",
                    f"slot {slot_id!r} takes {', '.join(slot.kinds)}, not {kind!r}",
                    *at,
                    indicator=str(leaf.get("id")),
                )
            if assessment.not_applicable:  # "/": excluded, so its rule is never needed
                node = {k: v for k, v in node.items() if k not in ("kind", "target", "actual", "nature")}
                node["kind"] = "self_assessed"
                node.setdefault("not_applicable", "exclude")
                if id(leaf) in marks:
                    marks[id(node)] = marks[id(leaf)]
            own = assessment.score is not None or assessment.not_applicable or assessment.reason or assessment.measure
            if isinstance(node.get("id"), str) and own:
                if node["id"] in facts.assessments:
                    message = f"{node['id']!r} is assessed both here and under 'assessments': keep one"
                    error("bad-value", message, *at, indicator=node["id"])
                assessments[node["id"]] = assessment
                inline[node["id"]] = at
            if children_marks is not None and listed is not None:
                children_marks.values[len(children)] = children_marks.keys[len(children)] = listed.values[index]
            children.append(node)
        if children_marks is not None:
            marks[id(children)] = children_marks
        _, parent = nodes[slot_id]
        del parent["slot"]
        parent["children"] = children
        # The filled slot is written where the facts list its indicators, so sums point there.
        where = facts.location("indicators", slot_id)
        place = (where.file, where.line or 1, where.column or 1)
        marks[id(parent)] = Marks(place, keys={"weight": place}, values={"weight": place})
        if slot.weight is None:
            weights = [to_decimal(child.get("weight")) for child in children]
            parent["weight"] = sum((w for w in weights if w is not None), Decimal(0))
    for slot_id, (indicator, slot) in slots.items():
        if not facts.indicators.get(slot_id):
            if slot.min > 0:
                message = f"slot {slot_id!r} ({indicator.name}) needs at least {slot.min} indicators"
                error("slot-count", message, "indicators", indicator=slot_id)
            siblings, node = nodes[slot_id]
            siblings.remove(node)  # an empty slot weighs nothing and shows nothing
    emptied = set()
    for block in spec.walk():
        if block.children and all(c.slot is not None and not facts.indicators.get(c.id) for c in block.children):
            emptied.add(block.id)
            slots_named = ", ".join(f"{c.id} {c.name}" for c in block.children)
            message = f"{block.name} has no indicators: write them under {slots_named}"
            error("slot-count", message, "indicators", indicator=block.id)
    merged = Document(facts.file, document, facts.sha256, marks=marks)
    try:
        concrete = SpecReader(merged, registry).read()
    except SpecError as e:
        # An empty block was reported above; what follows from it would only say it again.
        problems.extend(
            p for p in e.diagnostics if p.indicator not in emptied and not (emptied and p.code == "total-sum")
        )
    if problems:  # the slots' own problems and the leaves', all at once
        raise FactsError(_headline(facts, len(problems)), problems)
    locations = {**concrete.indicator_locations(), **spec.indicator_locations()}
    concrete = evolve(
        concrete,
        file=spec.file,
        sha256=spec.sha256,
        registry=spec.registry,
        provider=spec.provider,
        bases=spec.bases,
        locations=locations,
    )
    return concrete, evolve(facts, assessments=assessments, inline=inline)


def _split(leaf: dict[str, Any], marks: dict[int, Marks]) -> tuple[dict[str, Any], Assessment]:
    """A unit's leaf as the indicator (a new mapping keeping the leaf's marks) and its assessment."""
    node = {key: value for key, value in leaf.items() if key not in _ASSESSMENT_KEYS}
    if id(leaf) in marks:
        marks[id(node)] = marks[id(leaf)]
    score = leaf.get("score")
    marked = score == NOT_APPLICABLE_MARK or NOT_APPLICABLE_MARK in (leaf.get("target"), leaf.get("actual"))
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
