"""Hand-written Hypothesis strategies: valid spec documents and facts that fit them.

Weights are built in whole units of 10**-precision and split exactly, so every
generated tree sums to the penny; `st.builds` could not respect that.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

FACT_RANGE = (Decimal(-10), Decimal(10))
GRID = st.integers(-19, 19).map(lambda n: Decimal(n) / 2)
"""Points inside FACT_RANGE where band cuts and facts both fall often, so values land exactly on cuts."""


def units_to_decimal(units: int, precision: int) -> Decimal:
    return Decimal(units).scaleb(-precision)


@st.composite
def split(draw: st.DrawFn, units: int, parts: int) -> list[int]:
    """*units* split into *parts* non-negative whole numbers that add up exactly."""
    cuts = sorted(draw(st.lists(st.integers(0, units), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, units]
    return [high - low for low, high in itertools.pairwise(bounds)]


def number_literals(precision: int) -> st.SearchStrategy[str]:
    """Literals from 0 to 20 (negative values come from subtraction), integers or not."""
    return st.integers(0, 2000).map(lambda n: str(units_to_decimal(n, min(precision, 2)))) | st.sampled_from(
        ["0.5", "1.25", "0.125"]
    )


def expressions(fact_names: list[str], precision: int) -> st.SearchStrategy[str]:
    """Expressions over the facts and ``weight`` (or ``分值``) that can never divide by zero."""
    atoms = st.sampled_from([*fact_names, "weight", "分值"]) | number_literals(precision)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda e: f"({e} / (abs({e}) + 1))"),
            st.tuples(inner, inner).map(lambda t: f"min({t[0]}, {t[1]})"),
            st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
            inner.map(lambda e: f"clamp({e}, 0, weight)"),
            inner.map(lambda e: f"round({e}, 2)"),
            st.tuples(inner, inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} >= {t[2]} else {t[3]})"),
        )

    return st.recursive(atoms, extend, max_leaves=8)


@st.composite
def bands(draw: st.DrawFn, fact: str, weight_units: int, precision: int) -> dict[str, Any]:
    """A ``bands`` leaf over *fact*, covering FACT_RANGE exactly once, its cuts on the GRID or between."""
    low, high = FACT_RANGE
    cut = GRID | st.integers(-99, 99).map(lambda n: Decimal(n) / 10)
    cuts = sorted(set(draw(st.lists(cut, max_size=4))))
    points = [low, *cuts, high]
    ranges = []
    # Each inner cut belongs to the band above it or to the one below it.
    closed_below = [draw(st.booleans()) for _ in cuts]
    for index, (start, end) in enumerate(itertools.pairwise(points)):
        opening = "[" if index == 0 or closed_below[index - 1] else "("
        closing = "]" if index == len(points) - 2 or not closed_below[index] else ")"
        ranges.append(f"{opening}{start}, {end}{closing}")
    scores = draw(st.lists(st.integers(0, weight_units), min_size=len(ranges), max_size=len(ranges)))
    listed = [{"range": r, "score": units_to_decimal(s, precision)} for r, s in zip(ranges, scores, strict=True)]
    return {"kind": "bands", "input": fact, "bands": draw(st.permutations(listed))}


@st.composite
def indicator(draw: st.DrawFn, ident: str, weight_units: int, depth: int, context: dict[str, Any]) -> dict[str, Any]:
    precision = context["precision"]
    node: dict[str, Any] = {"id": ident, "name": f"指标{ident}", "weight": units_to_decimal(weight_units, precision)}
    policy = draw(st.sampled_from([None, None, "exclude", "zero", "full"]))
    if policy:
        node["not_applicable"] = policy
    if depth > 1 and draw(st.booleans()):
        parts = draw(split(weight_units, draw(st.integers(1, 3))))
        node["children"] = [
            draw(indicator(f"{ident}.{i + 1}", part, depth - 1, context)) for i, part in enumerate(parts)
        ]
        return node
    kind = draw(st.sampled_from(["self_assessed", "expression", "bands"]))
    if kind == "self_assessed":
        node["kind"] = "self_assessed"
    elif kind == "expression":
        node["expression"] = draw(expressions(context["facts"], precision))
    else:
        node.update(draw(bands(draw(st.sampled_from(context["facts"])), weight_units, precision)))
    return node


@st.composite
def spec_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid spec document: depth 1-4, exact weights, all three built-in kinds."""
    precision = draw(st.integers(0, 3))
    # English and Chinese names alike (a spec may mix them).
    fact_names = [draw(st.sampled_from([f"f{i}", f"数据{i}", f"执行数_{i}"])) for i in range(draw(st.integers(1, 3)))]
    context = {"precision": precision, "facts": fact_names}
    depth = draw(st.integers(1, 4))
    total_units = draw(st.integers(1, 200)) * 10**precision
    parts = draw(split(total_units, draw(st.integers(1, 3))))
    indicators = [draw(indicator(str(i + 1), part, depth, context)) for i, part in enumerate(parts)]
    total = units_to_decimal(total_units, precision)
    grade_mins = sorted(set(draw(st.lists(st.integers(1, total_units), max_size=3))), reverse=True)
    grades = [{"min": units_to_decimal(m, precision), "label": f"G{i}"} for i, m in enumerate(grade_mins)]
    grades.append({"min": Decimal(0), "label": f"G{len(grade_mins)}"})
    document: dict[str, Any] = {
        "spec": 1,
        "id": "test/generated",
        "version": "1",
        "name": "生成的规范",
        "precision": precision,
        "rounding": draw(st.sampled_from(["half_up", "half_even"])),
        "round_at": draw(st.sampled_from(["indicator", "total"])),
        "claims": draw(st.sampled_from(["self", "computed"])),
        "facts": {
            name: {"type": "number", "min": FACT_RANGE[0], "max": FACT_RANGE[1], "unit": "万元", "label": name}
            for name in fact_names
        },
        "indicators": indicators,
        "grades": grades,
    }
    if draw(st.booleans()):
        document["total"] = total
    return document


def leaves(level: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [node for node in nodes(level) if "children" not in node]


def nodes(level: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for node in level:
        found.append(node)
        found.extend(nodes(node.get("children", [])))
    return found


@st.composite
def facts_for(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """Facts that fit *document*: every fact in range (often on a GRID point), a claim on every self-assessed leaf."""
    precision = document["precision"]
    low, high = (int(end) * 10**precision for end in FACT_RANGE)
    anywhere = st.integers(low, high).map(lambda units: units_to_decimal(units, precision))
    values = {name: draw(GRID | st.sampled_from(FACT_RANGE) | anywhere) for name in document["facts"]}
    assessments: dict[str, Any] = {}
    for leaf in leaves(document["indicators"]):
        weight_units = int(leaf["weight"].scaleb(precision))
        if leaf.get("kind") == "self_assessed" or draw(st.booleans()):
            assessments[leaf["id"]] = {"score": units_to_decimal(draw(st.integers(0, weight_units)), precision)}
    # Some of the indicators that may be marked not applicable are, leaves or parents.
    for node in nodes(document["indicators"]):
        if node.get("not_applicable") and draw(st.integers(0, 2)) == 0:
            assessments[node["id"]] = {"not_applicable": True}
    return {"subject": "测试单位", "year": 2022, "facts": values, "assessments": assessments}
