"""The compiled form scores every form as the interpreter, the reference, does.

Two checks. A property over generated specs of every built-in kind, the catalogue's included, with
not-applicable marks, alternatives, both claims policies, both rounding stages, reviews, claims equal to and
different from what the rules compute, clamped values and failing rules. And a corpus of more than 10,000 forms,
made by a seeded `random.Random`, over fixed specs with facts on every band and threshold boundary, just beside
it, and on zero denominators. Either way every row, the flat scores, every diagnostic, the total, the grade and the
JSON result, or else the error, must be the same; and a form with nothing for the general scorer to handle (no
not-applicable mark, no alternatives, no review, no failing rule) must be scored by the compiled form itself.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from random import Random
from typing import Any

import pytest
from attrs import evolve
from hypothesis import event, given
from hypothesis import strategies as st

import perfrules
from perfrules._engine import plan as planning
from perfrules._engine.program import USUAL, Program
from perfrules._engine.program import compile_form as original_compile_form
from perfrules._numbers import quantize, to_decimal
from perfrules._rules.catalogue import DEFAULT_TIERS
from perfrules.exceptions import PerfrulesError
from perfrules.testing import registry

from .conftest import ROOT
from .strategies import bands, expressions, split, units_to_decimal

D = Decimal
Tier = tuple[Decimal, Decimal, bool]
"""The range a claim must lie in, in points: from, to, and whether *to* itself is excluded."""
Outcome = tuple[Any, ...]
"""``("scored", snapshot)`` or ``("error", type, message, diagnostics)``."""


# Comparing the engines ------------------------------------------------------------------------------------------


def digits(value: Decimal | None) -> str | None:
    """A number with its exact digits (5.0 and 5.00 differ, and so do 0 and -0), or None."""
    return None if value is None else str(value)


def snapshot(evaluation: perfrules.Evaluation) -> dict[str, Any]:
    """Everything a result says: each row, the flat scores, the diagnostics, total, grade and the JSON result."""
    return {
        "rows": [
            (
                r.id,
                digits(r.score),
                digits(r.computed),
                digits(r.claim),
                digits(r.weight),
                digits(r.declared_weight),
                r.not_applicable,
                digits(r.self_score),
                digits(r.review_score),
                r.review_note,
                r.reason,
                r.missing_facts,
            )
            for r in evaluation.walk()
        ],
        "scores": [(indicator_id, digits(score)) for indicator_id, score in evaluation.scores.items()],
        "diagnostics": [(d.level, d.code, d.message, d.indicator, d.location) for d in evaluation.diagnostics],
        "total": digits(evaluation.total),
        "grade": evaluation.grade.label,
        "self": (digits(evaluation.self_total), evaluation.self_grade.label if evaluation.self_grade else None),
        "claims": evaluation.claims,
        "json": perfrules.render(evaluation, "json"),
    }


def outcome(
    spec: perfrules.Spec, facts: Any, engine: str, claims: str | None = None, review: Any = None
) -> tuple[Outcome, bool]:
    """What scoring *facts* with *engine* gives, and whether the compiled form scored it."""
    try:
        evaluation = perfrules.evaluate(spec, facts, engine=engine, claims=claims, review=review)  # type: ignore[arg-type]
    except PerfrulesError as e:
        return ("error", type(e).__name__, str(e), e.diagnostics), False
    return ("scored", snapshot(evaluation)), evaluation.compiled


def check(
    spec: perfrules.Spec, facts: Any, *, claims: str | None = None, review: Any = None, simple: bool
) -> tuple[Outcome, bool]:
    """Score *facts* both ways and require the same outcome; a *simple* form the interpreter scores (nothing
    marked not applicable, no alternatives, no review) must be scored by the compiled form itself.

    Returns:
        The interpreter's outcome, and whether the compiled engine scored the form with the compiled form.
    """
    reference, interpreted = outcome(spec, facts, "interpreter", claims, review)
    compiled, by_compiled_form = outcome(spec, facts, "compiled", claims, review)
    assert not interpreted
    assert reference == compiled
    if simple and reference[0] == "scored":
        assert by_compiled_form, "a form with nothing for the general scorer was not scored by the compiled form"
    return reference, by_compiled_form


def text_of(value: Any) -> str:
    """*value* as one line of JSON, a YAML 1.2 flow document: Decimals as number literals with their digits."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{text_of(str(k))}: {text_of(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(text_of, value)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def near(*points: Decimal) -> list[Decimal]:
    """Each of *points* and just beside it: ±0.01 and ±0.005."""
    steps = (D(0), D("-0.01"), D("0.01"), D("-0.005"), D("0.005"))
    return [point + step for point in points for step in steps]


def claim_units(tier: Tier | None, weight: Decimal, precision: int) -> tuple[int, int]:
    """The claims allowed (in units of the precision) by *tier*, or from 0 to *weight* without one; may be empty."""
    unit = D(1).scaleb(-precision)
    if tier is None:
        return 0, int(weight / unit)
    low, high, upper_open = tier
    first = int((low / unit).to_integral_value(ROUND_CEILING))
    last = int((high / unit).to_integral_value(ROUND_FLOOR))
    if upper_open and last * unit == high:
        last -= 1
    return first, last


# Generated specs of every kind ------------------------------------------------------------------------------------

NUMBER_FACTS: dict[str, tuple[Decimal, Decimal | None]] = {
    "f0": (D(-10), D(10)),
    "f1": (D(-10), D(10)),
    "f2": (D(-10), D(10)),
    "rate": (D(0), D(2)),
    "den": (D(0), D(10)),  # a denominator: 0 fails the rules dividing by it, unless they guard it
    "cnt": (D(0), D(20)),
    "amount": (D(0), None),  # no upper bound: the compiled form checks itself that such a fact is finite
}
BOOLEAN_FACTS = ("b0", "b1", "b2")
TEXT_FACTS: dict[str, tuple[str, ...]] = {
    "level": ("甲", "乙", "丙"),
    "tier": tuple(DEFAULT_TIERS),
    "mark": ("优", "良", "差"),
}
BASE_POINTS: dict[str, list[Decimal]] = {
    "f0": [D(-10), D("-0.5"), D(0), D("0.5"), D(10)],
    "f1": [D(-10), D(0), D(1), D(10)],
    "f2": [D(-10), D(0), D(1), D(10)],
    "rate": [D(0), D("0.5"), D(1), D("1.5"), D(2)],
    "den": [D(0), D(0), D("0.01"), D(1), D(10)],
    "cnt": [D(0), D(1), D("2.5"), D(20)],
    "amount": [D(0), D(100), D("99.99"), D("100.01"), D(10**6)],
}
TOP = D(10**6)
"""The largest value drawn for a fact with no maximum."""


class Draft:
    """What generating one spec learns besides the document: where its facts are interesting, which leaves take
    claims and in what range, and which facts choose alternatives."""

    def __init__(self, precision: int, *, clean: bool, alternatives: bool) -> None:
        self.precision = precision
        self.clean = clean
        self.alternatives = alternatives
        self.points: dict[str, set[Decimal]] = {name: set() for name in NUMBER_FACTS}
        self.choices: dict[str, tuple[str, ...]] = {}
        self.claimed: set[str] = set()
        self.tiers: dict[str, tuple[str | None, dict[str | None, Tier]]] = {}

    def weight(self, units: int) -> Decimal:
        weight: Decimal = units_to_decimal(units, self.precision)
        return weight

    def near(self, fact: object, *points: Decimal) -> None:
        """Note that the values of *fact* (when it is a number fact, not an expression) near *points* matter."""
        if isinstance(fact, str) and fact in self.points:
            self.points[fact].update(near(*points))

    def tier(self, leaf: str, values: Mapping[str, Any]) -> Tier | None:
        """The range *leaf*'s claim must lie in for these facts, if its rule checks one."""
        if leaf not in self.tiers:
            return None
        fact, ranges = self.tiers[leaf]
        return ranges.get(None if fact is None else values.get(fact))


LeafRule = Callable[[st.DrawFn, str, int, Draft], dict[str, Any]]


def self_assessed(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    draft.claimed.add(ident)
    return {"kind": "self_assessed"}


EXTRA_EXPRESSIONS: tuple[tuple[str, bool, bool], ...] = (
    # (source, reads the claim, fails for some facts in range even in a clean form: within() refuses, or a
    # difference of facts divides; a clean form has no zero ``den``)
    ("weight if b0 else weight / 2", False, False),
    ("(weight if level == '甲' else weight / 3)", False, False),
    ("weight * min(amount / 100, 1)", False, False),
    ("weight * rate / den", False, False),
    ("weight if cnt == 0 else weight / cnt", False, False),
    ("f0 * weight", False, False),
    ("weight * 1.5", False, False),
    ("-weight", False, False),
    ("weight - cnt", False, False),
    ("round(weight * rate, 1)", False, False),
    ("floor(f0) + weight / 3", False, False),
    ("weight * 2 / 3", False, False),
    ("weight * 0.125 + f0 / 7", False, False),
    ("min(claim, weight)", True, False),
    ("claim if f0 >= 0 else claim / 2", True, False),
    ("claim + f0", True, False),
    ("within(f0, -5, 5) + weight", False, True),
    ("weight * (f0 - f1) / (f2 - f1)", False, True),
)


def expression(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    if draw(st.booleans()):
        extras = [extra for extra in EXTRA_EXPRESSIONS if not (draft.clean and extra[2])]
        source, claimed, _ = draw(st.sampled_from(extras))
        if claimed:
            draft.claimed.add(ident)
        return {"expression": source}
    return {"expression": draw(expressions(["f0", "f1", "f2"], draft.precision))}


def plain_bands(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    fact = draw(st.sampled_from(["f0", "f1", "f2"]))
    rule: dict[str, Any] = draw(bands(fact, units, draft.precision))
    for band in rule["bands"]:
        draft.near(fact, *map(D, re.findall(r"-?[0-9]+(?:\.[0-9]+)?", band["range"])))
    return rule


def ratio(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    actual = draw(st.sampled_from(["rate", "f0", "cnt", "amount", "rate * 2", "f0 - f1", D("0.75"), D(12)]))
    target = draw(st.sampled_from(["den", D(1), D("0.8"), "den + 1", D(5), "rate + 0.5", D(100)]))
    rule: dict[str, Any] = {"kind": "ratio", "actual": actual, "target": target}
    direction = draw(st.sampled_from([None, "forward", "inverse"]))
    if direction:
        rule["direction"] = direction
    ratios = [D(1)]
    if direction != "inverse" and draw(st.booleans()):
        beyond = draw(st.sampled_from([D(1), D("1.2"), D("1.5")]))
        points = draw(st.sampled_from([D(0), D("0.5"), D(1), D(2)]))
        per = draw(st.sampled_from([D("0.05"), D("0.1"), D(1)]))
        rule["over_achievement"] = {"beyond": beyond, "points": points, "per": per}
        ratios += [beyond, beyond + draft.weight(units) * per / points] if points else [beyond]
    if isinstance(target, Decimal):
        draft.near(actual, *(target * r for r in ratios))
    elif isinstance(actual, Decimal):
        draft.near(target, *(actual / r for r in ratios))
    return rule


def threshold_deduction(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    source = draw(st.sampled_from(["rate", "f0", "cnt", "amount", "rate / den", "(f0 - f1) / 2"]))
    threshold = draw(st.sampled_from([D(0), D(1), D(-2), D("0.5"), D(10)]))
    points = draw(st.sampled_from([D(0), D("0.5"), D("0.8"), D(1), D(2)]))
    rule: dict[str, Any] = {"kind": "threshold_deduction", "input": source, "threshold": threshold, "points": points}
    per = D(1)
    if draw(st.booleans()):
        per = rule["per"] = draw(st.sampled_from([D("0.01"), D("0.05"), D("0.1"), D(1)]))
    direction = draw(st.sampled_from([None, "above", "below"]))
    if direction:
        rule["direction"] = direction
    sign = -1 if direction == "below" else 1
    # The threshold, and where the deduction takes the whole weight (扣完为止).
    draft.near(source, threshold, *([threshold + sign * draft.weight(units) * per / points] if points else []))
    return rule


def step_deduction(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    source = draw(st.sampled_from(["rate", "f0", "cnt / 20", "amount / 100", "rate / den"]))
    step = draw(st.sampled_from([D("0.05"), D("0.1"), D("0.25"), D(1)]))
    points = draw(st.sampled_from([D(0), D("0.5"), D(1), D(2)]))
    reading = draw(st.sampled_from(["floor", "pro_rata"]))
    rule: dict[str, Any] = {"kind": "step_deduction", "input": source, "step": step, "points": points}
    rule["reading"] = reading
    target = D(1)
    if draw(st.booleans()):
        target = rule["target"] = draw(st.sampled_from([D(0), D("0.9"), D(1), D(5)]))
    direction = draw(st.sampled_from([None, "below", "above"]))
    if direction:
        rule["direction"] = direction
    sign = 1 if direction == "above" else -1
    draft.near(source, *(target + sign * step * k for k in range(4)))
    return rule


def band_table(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    """Bands over a text fact, or over ``rate`` (0 to 2): single values, closed and open ends, an open top."""
    scores = st.integers(0, units).map(draft.weight)
    if one_in(draw, 4):
        listed = [{"value": value, "score": draw(scores)} for value in TEXT_FACTS["level"]]
        return {"kind": "band_table", "input": "level", "bands": draw(st.permutations(listed))}
    low, high = D(0), D(2)
    cuts = [D(n) / 20 for n in sorted(set(draw(st.lists(st.integers(1, 39), max_size=4))))]
    open_top = draw(st.booleans())
    ends = [low, *cuts] + ([] if open_top else [high])
    # Each end is a band of its own, or the end of the band below it, or the start of the band above it.
    owners = []
    for index in range(len(ends)):
        options = ["alone"]
        if index > 0:
            options.append("below")
        if index < len(ends) - 1 or open_top:
            options.append("above")
        owners.append(draw(st.sampled_from(options)))
    listed = []
    for index, end in enumerate(ends):
        if owners[index] == "alone":
            single = {"value": end} if draw(st.booleans()) else {"range": f"[{end}, {end}]"}
            listed.append({**single, "score": draw(scores)})
        if index < len(ends) - 1 or open_top:
            opening = "[" if owners[index] == "above" else "("
            if index < len(ends) - 1:
                closing = "]" if owners[index + 1] == "below" else ")"
                upper = str(ends[index + 1])
            else:
                closing, upper = ")", "inf"
            listed.append({"range": f"{opening}{end}, {upper}{closing}", "score": draw(scores)})
    draft.near("rate", *ends, high)
    return {"kind": "band_table", "input": "rate", "bands": draw(st.permutations(listed))}


def categorical(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    values = draw(st.permutations(TEXT_FACTS["level"]))
    return {
        "kind": "categorical",
        "input": "level",
        "scores": {v: draft.weight(draw(st.integers(0, units))) for v in values},
    }


def per_occurrence(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    source = draw(st.sampled_from(["cnt", "cnt + 1", "rate * 10", "amount"]))
    points = draw(st.sampled_from([D("0.25"), D("0.5"), D(1), D(2), D(3)]))
    draft.near(source, D(0), draft.weight(units) / points)
    return {"kind": "per_occurrence", "input": source, "points": points}


def checklist(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    parts = draw(split(units, draw(st.integers(1, 3))))
    items = []
    for index, part in enumerate(parts):
        item: dict[str, Any] = {"input": draw(st.sampled_from(BOOLEAN_FACTS)), "points": draft.weight(part)}
        items.append({"name": f"条件{index + 1}", **item} if draw(st.booleans()) else item)
    return {"kind": "checklist", "items": items}


def binary(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    return {"kind": "binary", "input": draw(st.sampled_from(BOOLEAN_FACTS))}


def qualitative_tier(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    """The default tiers (达成 / 部分达成 / 未达成) over ``tier``, or tiers of its own over ``mark``."""
    weight = draft.weight(units)
    draft.claimed.add(ident)
    if draw(st.booleans()):
        ranges = {v: (D(low), D(high)) for v, (low, high) in DEFAULT_TIERS.items()}
        draft.tiers[ident] = ("tier", {v: (a * weight, b * weight, b != 1) for v, (a, b) in ranges.items()})
        return {"kind": "qualitative_tier", "input": "tier"}
    cuts = draw(st.lists(st.sampled_from(["0.5", "0.6", "0.7", "0.8", "0.9"]), min_size=2, max_size=2, unique=True))
    low, high = sorted(map(D, cuts))
    ranges = {"优": (high, D(1)), "良": (low, high), "差": (D(0), low)}
    draft.tiers[ident] = ("mark", {v: (a * weight, b * weight, b != 1) for v, (a, b) in ranges.items()})
    tiers = [{"value": v, "from": a, "to": b} for v, (a, b) in ranges.items()]
    return {"kind": "qualitative_tier", "input": "mark", "tiers": draw(st.permutations(tiers))}


TARGETS: tuple[tuple[str, str, str | None], ...] = (
    # (年度指标值, 实际完成值, the tier of a qualitative one, whose claim must lie in it)
    ("≥100个", "120个", None),
    ("≥100个", "80个", None),
    ("≥100个", "100个", None),
    (">90%", "90%", None),
    ("≤5个工作日", "7个工作日", None),
    ("≤5个工作日", "3个工作日", None),
    ("=100%", "95%", None),
    ("=100%", "100%", None),
    ("2022年底前", "2022年11月", None),
    ("9月前", "9月", None),
    ("≥90%", "85%", None),
    ("显著提升", "显著提升", "达成"),
    ("显著提升", "基本达成", "部分达成"),
    ("显著提升", "未达成", "未达成"),
    ("无", "无", "达成"),
)


def target(draw: st.DrawFn, ident: str, units: int, draft: Draft) -> dict[str, Any]:
    weight = draft.weight(units)

    def tier(name: str) -> Tier:
        low, high = (D(end) for end in DEFAULT_TIERS[name])
        return low * weight, high * weight, name != "达成"

    def possible(row: tuple[str, str, str | None]) -> bool:  # a clean form's claim must fit the tier
        first, last = claim_units(tier(row[2]), weight, draft.precision) if row[2] else (0, 0)
        return not draft.clean or first <= last

    planned, actual, name = draw(st.sampled_from([row for row in TARGETS if possible(row)]))
    if name is not None:
        draft.claimed.add(ident)
        draft.tiers[ident] = (None, {None: tier(name)})
    return {"kind": "target", "target": planned, "actual": actual}


LEAF_RULES: dict[str, LeafRule] = {
    "self_assessed": self_assessed,
    "expression": expression,
    "bands": plain_bands,
    "band_table": band_table,
    "ratio": ratio,
    "threshold_deduction": threshold_deduction,
    "step_deduction": step_deduction,
    "per_occurrence": per_occurrence,
    "checklist": checklist,
    "binary": binary,
    "categorical": categorical,
    "qualitative_tier": qualitative_tier,
    "target": target,
}
"""A strategy for the parameters of every built-in kind."""


@st.composite
def indicator(draw: st.DrawFn, ident: str, units: int, depth: int, draft: Draft) -> dict[str, Any]:
    node: dict[str, Any] = {"id": ident, "name": f"指标{ident}", "weight": draft.weight(units)}
    policy = draw(st.sampled_from([None, None, "exclude", "zero", "full"]))
    if policy:
        node["not_applicable"] = policy
    if depth > 1 and not one_in(draw, 3):
        if draft.alternatives and one_in(draw, 3):
            # Alternatives (二者择其一): each carries the parent's whole weight.
            count = draw(st.integers(2, 3))
            node["children"] = [draw(indicator(f"{ident}.{i + 1}", units, depth - 1, draft)) for i in range(count)]
            if draw(st.booleans()):
                node["alternatives"] = "best"
            else:
                fact = "pick_" + ident.replace(".", "_")
                draft.choices[fact] = tuple(child["id"] for child in node["children"])
                node["alternatives"] = {"chosen_by": fact}
        else:
            parts = draw(split(units, draw(st.integers(1, 3))))
            node["children"] = [
                draw(indicator(f"{ident}.{i + 1}", part, depth - 1, draft)) for i, part in enumerate(parts)
            ]
        return node
    kind = draw(st.sampled_from(sorted(LEAF_RULES)))
    node.update(LEAF_RULES[kind](draw, ident, units, draft))
    return node


def walk(level: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in level:
        yield node
        yield from walk(node.get("children", []))


def written(draw: st.DrawFn, value: Decimal) -> Decimal | int | str:
    """*value* as a unit may write it: a Decimal, an int, a numeral, with trailing zeros, or a zero as -0.00."""
    how = draw(st.sampled_from(["as it is", "as it is", "int", "numeral", "trailing zeros", "-0"]))
    if how == "int" and value == value.to_integral_value():
        return int(value)
    if how == "numeral":
        return format(value, "f")
    if how == "trailing zeros":
        return value + D("0.0000")
    if how == "-0" and not value:
        return D("-0.00")
    return value


def number_value(draw: st.DrawFn, name: str, draft: Draft) -> Decimal:
    """A value of number fact *name*: often near a point where its rules change, else anywhere in its range."""
    low, high = NUMBER_FACTS[name]
    top = TOP if high is None else high
    points = sorted(p for p in {*draft.points[name], *BASE_POINTS[name]} if low <= p <= top)
    anywhere = st.integers(int(low * 1000), int(top * 1000)).map(lambda n: D(n).scaleb(-3))
    value = draw(st.sampled_from(points) | anywhere)
    if draft.clean and name == "den" and not value:
        return D(1)  # a clean form divides by no zero
    return value


@dataclass
class Case:
    """One generated form: the spec's text, the facts, and how to score them.

    Attributes:
        settle: Leaves whose claim is what their rule computes (rounded), moved by this many units: set once the
            interpreter has computed it, so claims equal to the computed values are common.
    """

    spec: str
    facts: dict[str, Any]
    settle: dict[str, int] = field(default_factory=dict)
    claims: str | None = None
    review: dict[str, Any] | None = None
    review_in_facts: bool = False
    facts_as_text: bool = False
    alternatives: bool = False
    parent_assessed: bool = False
    trouble: str | None = None


def one_in(draw: st.DrawFn, n: int) -> bool:
    """True once in *n* draws (Hypothesis favours the ends of an integer range, not the items of a list)."""
    return draw(st.sampled_from([True, *[False] * (n - 1)]))


def claim_entry(draw: st.DrawFn, weight: Decimal, tier: Tier | None, draft: Draft) -> dict[str, Any]:
    """The claim of a leaf whose rule needs one: in its range, or (one time in ten, not in clean forms) anywhere
    from 0 to the weight, so a tier may refuse it."""
    precision = draft.precision
    first, last = claim_units(tier, weight, precision)
    if first <= last and (draft.clean or not one_in(draw, 10)):
        units = draw(st.sampled_from([first, last]) | st.integers(first, last))
    else:
        units = draw(st.integers(0, int(weight.scaleb(precision))))
    return {"score": written(draw, units_to_decimal(units, precision))}


TROUBLES = (
    "fact out of range",
    "fact not a boolean",
    "fact not a value",
    "fact missing",
    "fact unknown",
    "indicator unknown",
    "claim on a parent",
    "reason on a parent",
    "claim above the weight",
    "claim with too many decimals",
    "claim missing",
    "marked without a policy",
)
"""What can be wrong with a form (one at most, in a quarter of the forms that are not clean); the reason on a parent
is fine, but the compiled form leaves it to the general scorer."""


@st.composite
def forms(draw: st.DrawFn, *, clean: bool = False) -> Case:
    """A spec of every kind and a form that fits it (or, unless *clean*, sometimes not quite).

    A *clean* form has nothing for the general scorer to handle: no alternatives, no not-applicable mark, no review,
    every claim valid and no rule failing (no zero denominator, every tier's claim in its tier).
    """
    precision = draw(st.integers(0, 3))
    draft = Draft(precision, clean=clean, alternatives=not clean and one_in(draw, 4))
    depth = draw(st.integers(1, 3))
    total_units = draw(st.integers(1, 200)) * 10**precision + draw(st.sampled_from([0, 0, 10**precision // 2]))
    parts = draw(split(total_units, draw(st.integers(1, 3))))
    indicators = [draw(indicator(str(i + 1), part, depth, draft)) for i, part in enumerate(parts)]
    mins = sorted(set(draw(st.lists(st.integers(1, total_units), max_size=3))), reverse=True)
    grades = [{"min": draft.weight(m), "label": f"G{i}"} for i, m in enumerate(mins)]
    grades.append({"min": D(0), "label": f"G{len(mins)}"})
    declared: dict[str, Any] = {
        name: {"type": "number", "min": low, **({} if high is None else {"max": high}), "label": f"数{name}"}
        for name, (low, high) in NUMBER_FACTS.items()
    }
    declared |= {name: {"type": "boolean"} for name in BOOLEAN_FACTS}
    declared |= {name: {"type": "text", "values": list(v)} for name, v in {**TEXT_FACTS, **draft.choices}.items()}
    document: dict[str, Any] = {
        "spec": 1,
        "id": "test/compiled-equality",
        "version": "1",
        "name": "编译对照",
        "precision": precision,
        "rounding": draw(st.sampled_from(["half_up", "half_even"])),
        "round_at": draw(st.sampled_from(["indicator", "total"])),
        "claims": draw(st.sampled_from(["self", "computed"])),
        "facts": declared,
        "indicators": indicators,
        "grades": grades,
    }
    if draw(st.booleans()):
        document["total"] = draft.weight(total_units)
    if draw(st.booleans()):
        document["final_score"] = draw(st.sampled_from(["reviewer", "lower", "self"]))

    chosen: dict[str, Any] = {name: number_value(draw, name, draft) for name in NUMBER_FACTS}
    chosen |= {name: draw(st.booleans()) for name in BOOLEAN_FACTS}
    chosen |= {name: draw(st.sampled_from(v)) for name, v in {**TEXT_FACTS, **draft.choices}.items()}
    nodes = list(walk(indicators))
    weights = {node["id"]: node["weight"] for node in nodes}
    if clean:  # a tier in which a leaf can claim nothing (its weight is too small) gives way to the top tier
        for leaf, (fact, _) in draft.tiers.items():
            first, last = claim_units(draft.tier(leaf, chosen), weights[leaf], precision)
            if fact is not None and first > last:
                chosen[fact] = TEXT_FACTS[fact][0]
    values: dict[str, Any] = {
        name: written(draw, value) if isinstance(value, Decimal) else value for name, value in chosen.items()
    }

    assessments: dict[str, dict[str, Any]] = {}
    settle: dict[str, int] = {}
    leaves = [node for node in nodes if "children" not in node]
    for node in leaves:
        leaf, weight = node["id"], node["weight"]
        entry: dict[str, Any] | None = None
        if leaf in draft.claimed:
            entry = claim_entry(draw, weight, draft.tier(leaf, chosen), draft)
        else:
            how = draw(st.sampled_from(["none", "none", "equal", "beside", "any", "edge"]))
            if how == "equal":
                settle[leaf] = 0
            elif how == "beside":
                settle[leaf] = draw(st.sampled_from([-1, 1]))
            elif how != "none":
                units = int(weight.scaleb(precision))
                picked = draw(st.integers(0, units) if how == "any" else st.sampled_from([0, units]))
                entry = {"score": written(draw, draft.weight(picked))}
        if one_in(draw, 6):
            entry = {**(entry or {}), "reason": f"{leaf}未达标", "measure": "改进"}
        if entry is not None:
            assessments[leaf] = entry
    if not clean and one_in(draw, 4):  # marks, under each policy and written both ways
        for node in nodes:
            if node.get("not_applicable") and draw(st.booleans()):
                assessments[node["id"]] = draw(st.sampled_from([{"not_applicable": True}, {"score": "/"}]))
                settle.pop(node["id"], None)
    parents = [node["id"] for node in nodes if "children" in node]
    unmarked = [node["id"] for node in nodes if not node.get("not_applicable")]
    possible = [t for t in TROUBLES if (parents or "parent" not in t) and (unmarked or "policy" not in t)]
    trouble = None if clean else draw(st.sampled_from([*[None] * 3 * len(possible), *possible]))
    unit = D(1).scaleb(-precision)
    leaf = draw(st.sampled_from(leaves))
    if trouble == "fact out of range":
        values["rate"] = D("2.01")
    elif trouble == "fact not a boolean":
        values["b0"] = "是"
    elif trouble == "fact not a value":
        values["level"] = "丁"
    elif trouble == "fact missing":
        del values["cnt"]
    elif trouble == "fact unknown":
        values["unknown"] = 1
    elif trouble == "indicator unknown":
        assessments["9.9"] = {"score": D(0)}
    elif trouble in ("claim on a parent", "reason on a parent"):
        parent = draw(st.sampled_from(parents))
        assessments[parent] = {"score": D(0)} if trouble == "claim on a parent" else {"reason": "汇总说明"}
    elif trouble == "claim above the weight":
        assessments[leaf["id"]] = {"score": leaf["weight"] + unit}
        settle.pop(leaf["id"], None)
    elif trouble == "claim with too many decimals":
        assessments[leaf["id"]] = {"score": abs(leaf["weight"] - unit / 2)}
        settle.pop(leaf["id"], None)
    elif trouble == "claim missing":
        assessments.pop(leaf["id"], None)
        settle.pop(leaf["id"], None)
    elif trouble == "marked without a policy":
        assessments[draw(st.sampled_from(unmarked))] = {"not_applicable": True}
    facts: dict[str, Any] = {"subject": "测试单位", "year": 2022, "facts": values, "assessments": assessments}
    labels = [grade["label"] for grade in grades]
    if one_in(draw, 6):
        facts["stated"] = {
            "total": draft.weight(draw(st.integers(0, total_units))),
            "grade": draw(st.sampled_from(labels)),
        }
    review = None
    if not clean and one_in(draw, 5):
        entries: dict[str, Any] = {}
        for node in leaves:
            if one_in(draw, 3):
                units = int(node["weight"].scaleb(precision)) + one_in(draw, 20)  # now and then above the weight
                entry = {"score": draft.weight(draw(st.integers(0, units)))}
                entries[node["id"]] = {**entry, "note": "复核"} if draw(st.booleans()) else entry
        review = {"reviewer": "区财政局", "indicators": entries}
    case = Case(
        spec=text_of(document),
        facts=facts,
        settle=settle,
        claims=draw(st.sampled_from([None, "self", "computed"])),
        review=review,
        review_in_facts=review is not None and draw(st.booleans()),
        facts_as_text=draw(st.booleans()),
        alternatives=draft.alternatives and any("alternatives" in node for node in nodes),
        parent_assessed=trouble in ("claim on a parent", "reason on a parent"),
        trouble=trouble,
    )
    return case


def _usual(value: Any) -> bool:
    """Whether the compiled form takes *value* as a fact as it is (any value but an unusual number)."""
    number = to_decimal(value) if not isinstance(value, bool) else None
    if number is None:
        return True
    try:
        USUAL.plus(number)
    except ArithmeticError:
        return False
    return True


def settled(spec: perfrules.Spec, case: Case) -> Any:
    """*case*'s facts, ready to score: the settled claims set from what the interpreter computes, the review in
    its section, as text or as a mapping."""
    facts = copy.deepcopy(case.facts)
    if case.settle:
        settle(spec, facts, case.settle)
    if case.review_in_facts:
        facts["review"] = case.review
    return text_of(facts) if case.facts_as_text else facts


def settle(spec: perfrules.Spec, facts: dict[str, Any], offsets: Mapping[str, int]) -> None:
    """Claim for each leaf of *offsets* what the interpreter computes for it, rounded, moved by its offset in units
    of the precision (when that is a valid claim); nothing when the form cannot be scored."""
    try:
        evaluation = perfrules.evaluate(spec, facts, engine="interpreter")
    except PerfrulesError:
        return
    unit = D(1).scaleb(-spec.precision)
    for leaf, offset in offsets.items():
        result = evaluation[leaf]
        if result.computed is not None:
            claim = quantize(result.computed, spec.precision, spec.rounding) + offset * unit
            if 0 <= claim <= (result.declared_weight or result.weight):
                facts["assessments"][leaf] = {**facts["assessments"].get(leaf, {}), "score": claim}


def marked(facts: Mapping[str, Any]) -> bool:
    """Whether the unit marks any indicator not applicable."""
    return any(e.get("not_applicable") or e.get("score") == "/" for e in facts["assessments"].values())


class TestGeneratedForms:
    def test_every_built_in_kind_is_generated(self) -> None:
        """The strategies cover every kind perfrules registers, the rule catalogue's included."""
        assert sorted(registry().indicator_kinds) == sorted(LEAF_RULES)

    @given(case=forms())
    def test_forms_score_alike(self, case: Case) -> None:
        """Every row (score, computed value, claim, weight, declared weight, not-applicable policy), the flat scores,
        the diagnostics with their locations, total, grade and JSON result, or the error, are the same either way;
        a form with nothing for the general scorer (and no unusual fact) is scored by the compiled form."""
        spec = perfrules.load_spec(case.spec)
        facts = settled(spec, case)
        review = None if case.review_in_facts else case.review
        unusual = not all(_usual(value) for value in case.facts["facts"].values())
        simple = not (
            case.alternatives or marked(case.facts) or case.review is not None or case.parent_assessed or unusual
        )
        reference, by_compiled_form = check(spec, facts, claims=case.claims, review=review, simple=simple)
        event(f"scored by the {'compiled form' if by_compiled_form else 'general scorer'}")
        event(f"outcome: {reference[0] if reference[0] == 'scored' else reference[1]}")

    @given(case=forms(clean=True))
    def test_clean_forms_are_scored_by_the_compiled_form(self, case: Case) -> None:
        """A form with valid facts and claims, nothing marked, no alternatives or review and no failing rule is
        scored, by the compiled form, as the interpreter scores it; unless a fact is unusual (more than 20 digits,
        below 10**-10: `program.USUAL`), when the general scorer scores it alike."""
        spec = perfrules.load_spec(case.spec)
        usual = all(_usual(value) for value in case.facts["facts"].values())
        reference, by_compiled_form = check(spec, settled(spec, case), claims=case.claims, simple=usual)
        assert "scored" == reference[0], reference
        assert by_compiled_form == usual


# A corpus on the boundaries ---------------------------------------------------------------------------------------

SPEC_MIXED = """\
spec: 1
id: test/corpus-mixed
version: "1"
name: 边界语料甲
total: 100
precision: 2
facts:
  x: {type: number, min: 0, max: 2, label: 完成率}
  y: {type: number, min: 0, max: 100, label: 完成数}
  d: {type: number, min: 0, max: 10, label: 计划数}
  n: {type: number, min: 0, max: 20, label: 违规次数}
  ok: {type: boolean, label: 合规}
indicators:
  - id: "1"
    name: 产出
    weight: 40
    children:
      - {id: "1.1", name: 完成比, weight: 10, expression: "weight * min(y / d, 1)"}
      - id: "1.2"
        name: 完成率分档
        weight: 10
        kind: bands
        input: x
        bands:
          - {range: "[0, 0.6)", score: 0}
          - {range: "[0.6, 0.8)", score: 4}
          - {range: "[0.8, 0.95]", score: 7.5}
          - {range: "(0.95, 2]", score: 10}
      - {id: "1.3", name: 数量, weight: 10, kind: ratio, actual: y, target: 80,
         over_achievement: {beyond: 1.2, points: 2, per: 0.1}}
      - {id: "1.4", name: 成本, weight: 10, kind: ratio, actual: d, target: 5, direction: inverse}
  - id: "2"
    name: 过程
    weight: 30
    children:
      - {id: "2.1", name: 控制率, weight: 8, kind: threshold_deduction, input: x, threshold: 1, points: 0.5, per: 0.01}
      - {id: "2.2", name: 完成度, weight: 8, kind: step_deduction, input: y / 100, step: 0.05, points: 2, reading: floor}
      - {id: "2.3", name: 执行率, weight: 7, kind: step_deduction, input: x, target: 1, step: 0.05, points: 2,
         reading: pro_rata}
      - {id: "2.4", name: 违规, weight: 7, kind: per_occurrence, input: n, points: 1.5}
  - id: "3"
    name: 效益
    weight: 30
    children:
      - id: "3.1"
        name: 调整率
        weight: 8
        kind: band_table
        input: x
        bands:
          - {value: 0, score: 8}
          - {range: "(0, 0.1]", score: 6}
          - {range: "(0.1, 0.2]", score: 4}
          - {range: "(0.2, 0.3]", score: 2}
          - {range: "(0.3, inf)", score: 0}
      - {id: "3.2", name: 合规, weight: 5, kind: binary, input: ok}
      - {id: "3.3", name: 超额, weight: 5, expression: "weight * 2 - n"}
      - {id: "3.4", name: 自评, weight: 6, kind: self_assessed}
      - {id: "3.5", name: 差额, weight: 6, expression: "weight * x - 3"}
grades: [{min: 90, label: 优}, {min: 80, label: 良}, {min: 60, label: 中}, {min: 0, label: 差}]
"""

SPEC_TOTAL = """\
spec: 1
id: test/corpus-total
version: "1"
name: 边界语料乙
precision: 1
rounding: half_even
round_at: total
claims: computed
facts:
  p: {type: number, min: -5, max: 5, label: 变动}
  q: {type: number, min: 0, max: 10, label: 基数}
  r: {type: number, min: 0, label: 金额}
  tier: {type: text, values: [达成, 部分达成, 未达成], label: 完成档次}
indicators:
  - id: a
    name: 甲
    weight: 12.5
    children:
      - {id: a1, name: 比值, weight: 4.5, expression: "weight * p / q"}
      - id: a2
        name: 分档
        weight: 4
        kind: bands
        input: p
        bands:
          - {range: "[-5, -1)", score: 0.0}
          - {range: "[-1, 0]", score: 1.5}
          - {range: "(0, 2.5)", score: 2}
          - {range: "[2.5, 5]", score: 4}
      - {id: a3, name: 下限, weight: 4, kind: threshold_deduction, input: p, threshold: 0, points: 0.5, per: 0.1,
         direction: below}
  - id: b
    name: 乙
    weight: 7.5
    children:
      - {id: b1, name: 比例, weight: 3, kind: ratio, actual: p, target: q}
      - {id: b2, name: 档次, weight: 2.5, kind: qualitative_tier, input: tier}
      - {id: b3, name: 超限, weight: 2, kind: step_deduction, input: r / 1000, target: 0.9, step: 0.1, points: 1,
         reading: floor, direction: above}
grades: [{min: 18, label: 优}, {min: 12, label: 合格}, {min: 0, label: 不合格}]
"""

SPEC_WHOLE = """\
spec: 1
id: test/corpus-whole
version: "1"
name: 边界语料丙
total: 40
precision: 0
facts:
  cnt: {type: number, min: 0, max: 10, label: 次数}
  c1: {type: boolean, label: 制度健全}
  c2: {type: boolean, label: 执行有效}
  c3: {type: boolean, label: 资料完整}
  lvl: {type: text, values: [无结余, 有结余但不超过上年结转, 超过上年结转], label: 资金结余}
  share: {type: number, min: 0, max: 1, label: 占比}
indicators:
  - id: "1"
    name: 管理
    weight: 18
    children:
      - {id: "1.1", name: 违规, weight: 6, kind: per_occurrence, input: cnt, points: 2, not_applicable: zero}
      - id: "1.2"
        name: 制度
        weight: 6
        kind: checklist
        items:
          - {name: 制度健全, input: c1, points: 3}
          - {input: c2, points: 2}
          - {input: c3, points: 1}
      - {id: "1.3", name: 结余, weight: 3, kind: categorical, input: lvl,
         scores: {无结余: 3, 有结余但不超过上年结转: 2, 超过上年结转: 0}}
      - id: "1.4"
        name: 结余档
        weight: 3
        kind: band_table
        input: lvl
        bands:
          - {value: 无结余, score: 3}
          - {value: 有结余但不超过上年结转, score: 1}
          - {value: 超过上年结转, score: 0}
  - id: "2"
    name: 效果
    weight: 22
    children:
      - id: "2.1"
        name: 占比档
        weight: 10
        not_applicable: exclude
        kind: bands
        input: share
        bands:
          - {range: "[0, 0.5]", score: 0}
          - {range: "(0.5, 0.75)", score: 5}
          - {range: "[0.75, 1]", score: 10}
      - {id: "2.2", name: 占比, weight: 10, expression: "weight * share", not_applicable: full}
      - {id: "2.3", name: 自评, weight: 2, kind: self_assessed, not_applicable: exclude}
grades: [{min: 36, label: 优}, {min: 32, label: 良}, {min: 24, label: 中}, {min: 0, label: 差}]
"""

Values = dict[str, Any]


def anywhere(rng: Random, low: Decimal, high: Decimal) -> Decimal:
    """Any value from *low* to *high*, with up to three decimals."""
    return D(rng.randint(int(low * 1000), int(high * 1000))).scaleb(-3)


def numbers(*texts: str) -> list[Decimal]:
    return [D(text) for text in texts]


def pick(rng: Random, points: list[Decimal], low: Decimal, high: Decimal) -> Decimal:
    """A point of interest, or beside one (3 times in 4), or any value in [low, high]; all within [low, high]."""
    inside = [p for p in near(*points) if low <= p <= high]
    return rng.choice(inside) if rng.random() < 0.75 else anywhere(rng, low, high)


def mixed_values(rng: Random) -> Values:
    return {
        # bands 0.6 / 0.8 / 0.95, threshold 1 (and 1.16, where 8 points are gone), steps of 0.05 below 1,
        # band_table 0 / 0.1 / 0.2 / 0.3, and 0.5 / 1.5 where 6x - 3 leaves [0, 6]
        "x": pick(
            rng,
            numbers("0", "0.1", "0.2", "0.3", "0.5", "0.6", "0.8", "0.85", "0.9", "0.95", "1", "1.16", "1.5", "2"),
            D(0),
            D(2),
        ),
        # ratio target 80 and 96 (120% of it), steps of 5 below 100, y = d
        "y": pick(rng, numbers("0", "1", "5", "10", "65", "75", "80", "85", "90", "95", "96", "100"), D(0), D(100)),
        "d": pick(rng, numbers("0", "1", "5", "10"), D(0), D(10)),  # d = 0: a zero denominator
        # 3.3 clamps above the weight below 5 and below 0 beyond 10; 2.4 loses everything at 14/3
        "n": pick(rng, numbers("0", "2.5", "4.66", "4.67", "5", "10", "20"), D(0), D(20)),
        "ok": rng.random() < 0.5,
    }


def total_values(rng: Random) -> Values:
    return {
        "p": pick(rng, numbers("-5", "-1", "-0.8", "0", "0.5", "1", "2.5", "5"), D(-5), D(5)),
        "q": pick(rng, numbers("0", "0.5", "1", "2.5", "5", "10"), D(0), D(10)),  # q = 0: a zero denominator
        "r": pick(rng, numbers("0", "900", "1000", "1100", "1900", "1000000000"), D(0), D(10**9)),
        "tier": rng.choice(["达成", "部分达成", "未达成"]),
    }


def whole_values(rng: Random) -> Values:
    # 10 × share rounds to a whole point: the halves (0.05, 0.15, ...) are where half_up decides.
    halves = [D(n) / 20 for n in range(1, 20, 2)]
    return {
        "cnt": pick(rng, numbers("0", "1", "2.5", "3", "10"), D(0), D(10)),
        "c1": rng.random() < 0.5,
        "c2": rng.random() < 0.5,
        "c3": rng.random() < 0.5,
        "lvl": rng.choice(["无结余", "有结余但不超过上年结转", "超过上年结转"]),
        "share": pick(rng, [D(0), D("0.5"), D("0.75"), D(1), *halves], D(0), D(1)),
    }


def hunan_values(rng: Random) -> Values:
    """The Hunan form's facts, made from the ratios its rules read, so the ratios fall on their boundaries."""
    approved = D(0) if rng.random() < 0.08 else rng.choice([D(1), D(100), D(143)])  # 0: a zero denominator
    control = pick(rng, [D(0), D("0.8"), D("0.95"), D(1), D("1.16"), D(2)], D(0), D(3))
    previous = D(0) if rng.random() < 0.08 else rng.choice([D(10), D(100)])
    change = pick(rng, [D("-0.1"), D(0), D("0.05"), D("0.1"), D(1)], D(-1), D(2))
    done = pick(rng, [D(1), D("0.95"), D("0.9"), D("0.85"), D("0.8"), D("0.75"), D("0.9927")], D(0), D(1))
    executed, carried = (D(0), D(0)) if rng.random() < 0.05 else (100 * done, 100 - 100 * done)
    return {
        "staff_actual": approved * control,
        "staff_approved": approved,
        "three_public_current": previous * (1 + change),
        "three_public_previous": previous,
        "budget_executed": executed,
        "budget_carried_over": carried,
        "budget_control_rate": pick(rng, [D(0), D("0.1"), D("0.2"), D("0.3")], D(0), D(1)),
    }


@dataclass(frozen=True)
class Corpus:
    """A fixed spec, how to pick its facts, and which facts make a rule divide by zero."""

    spec: perfrules.Spec
    values: Callable[[Random], Values]
    zero_denominator: Callable[[Values], bool]
    marks: tuple[str, ...] = ()
    """Indicators a unit may mark not applicable."""


def corpora() -> list[Corpus]:
    return [
        Corpus(perfrules.load_spec(SPEC_MIXED), mixed_values, lambda v: v["d"] == 0),
        Corpus(perfrules.load_spec(SPEC_TOTAL), total_values, lambda v: v["q"] == 0),
        Corpus(perfrules.load_spec(SPEC_WHOLE), whole_values, lambda v: False, ("1.1", "2.1", "2.2", "2.3")),
        Corpus(
            perfrules.load_spec(ROOT / "specs" / "hunan" / "department-worked-2018.yaml"),
            hunan_values,
            lambda v: (
                not (
                    v["staff_approved"]
                    and v["three_public_previous"]
                    and v["budget_executed"] + v["budget_carried_over"]
                )
            ),
        ),
    ]


def shown(rng: Random, value: Any) -> Any:
    """*value* as a unit may write it: a Decimal, an int, a numeral or with trailing zeros."""
    if not isinstance(value, Decimal):
        return value
    how = rng.randrange(6)
    if how == 1 and value == value.to_integral_value():
        return int(value)
    if how == 2:
        return format(value, "f")
    if how == 3:
        return value + D("0.0000")
    return value


def corpus_form(rng: Random, corpus: Corpus) -> tuple[Any, str | None, bool, bool]:
    """One form of *corpus*: its facts (a mapping or JSON text), the claims policy asked for, whether a rule
    divides by zero, and whether anything is marked not applicable.

    Claims: every self-assessed or tiered leaf's, within its range or on its ends (and, for tiers, just outside);
    for the computed leaves none, the computed value rounded, one unit beside it, another, 0 or the weight.
    """
    spec = corpus.spec
    values = corpus.values(rng)
    unit = D(1).scaleb(-spec.precision)
    facts: dict[str, Any] = {"facts": {name: shown(rng, value) for name, value in values.items()}, "assessments": {}}
    assessments = facts["assessments"]
    leaves = [indicator for indicator in spec.walk() if indicator.is_leaf]
    wanted: dict[str, int] = {}
    for leaf in leaves:
        weight_units = int(leaf.weight / unit)
        if leaf.kind in ("self_assessed", "qualitative_tier"):
            units = rng.randint(0, weight_units)
            if leaf.kind == "qualitative_tier" and rng.random() < 0.8:
                low, high = (D(end) * leaf.weight / unit for end in DEFAULT_TIERS[values["tier"]])
                units = int(rng.choice([low, low - 1, high - 1, high, high + 1, (low + high) // 2]))
            assessments[leaf.id] = {"score": shown(rng, max(0, min(units, weight_units)) * unit)}
            continue
        how = rng.random()
        if how < 0.35:
            continue
        if how < 0.7:
            wanted[leaf.id] = rng.choice([0, 0, -1, 1])
        else:
            assessments[leaf.id] = {"score": rng.choice([0, weight_units, rng.randint(0, weight_units)]) * unit}
    is_marked = False
    for mark in corpus.marks:
        if rng.random() < 0.04:
            assessments[mark] = rng.choice([{"not_applicable": True}, {"score": "/"}])
            wanted.pop(mark, None)
            is_marked = True
    if wanted:
        settle(spec, facts, wanted)
    claims = rng.choice([None, None, "self", "computed"])
    return (text_of(facts) if rng.random() < 0.25 else facts), claims, corpus.zero_denominator(values), is_marked


FORMS = 1_000 if os.environ.get("HYPOTHESIS_PROFILE") == "mutation" else 10_000
"""Forms in the corpus: fewer in mutation runs (DEVELOPERS.md), where each surviving mutant runs this test."""


class TestBoundaryCorpus:
    def test_ten_thousand_forms_on_the_boundaries(self) -> None:
        """10,000 distinct seeded forms (1,000 in mutation runs) over four specs of mixed kinds, with facts on and
        beside every band and threshold boundary, zero denominators and values that clamp, give the same result or
        error either way; most are scored by the compiled form; every zero denominator is the same EvaluationError."""
        rng = Random(20220630)  # noqa: S311  # reproducible forms, not secrets
        tally: Counter[str] = Counter()
        seen: set[str] = set()
        for corpus in corpora():
            made = 0
            while made < FORMS // 4:
                facts, claims, zero_denominator, is_marked = corpus_form(rng, corpus)
                key = f"{corpus.spec.id} {claims} {facts if isinstance(facts, str) else text_of(facts)}"
                if key in seen:
                    continue
                seen.add(key)
                made += 1
                reference, by_compiled_form = check(corpus.spec, facts, claims=claims, simple=not is_marked)
                tally["forms"] += 1
                tally["compiled"] += by_compiled_form
                tally[f"{corpus.spec.id} compiled"] += by_compiled_form
                if zero_denominator:
                    tally["zero denominators"] += 1
                    assert ("error", "EvaluationError") == reference[:2]
                    assert "evaluation" in {d.code for d in reference[3]}
                    assert "division by zero" in reference[2]
        assert FORMS == tally["forms"] == len(seen)
        assert tally["compiled"] > 0.7 * FORMS, tally
        assert all(tally[f"{c.spec.id} compiled"] > 0.5 * FORMS / 4 for c in corpora()), tally
        assert tally["zero denominators"] > FORMS / 50, tally


SPEC_ALTERNATIVES = """\
spec: 1
id: test/corpus-alternatives
version: "1"
name: 二者择其一
total: 20
precision: 2
facts:
  x: {type: number, min: 0, max: 2, label: 完成率}
  which: {type: text, values: ["2.a", "2.b"], label: 所选指标}
indicators:
  - id: "1"
    name: 甲
    weight: 10
    alternatives: best
    children:
      - {id: "1.a", name: 子甲, weight: 10, expression: "weight * min(x, 1)"}
      - {id: "1.b", name: 子乙, weight: 10, kind: self_assessed}
  - id: "2"
    name: 乙
    weight: 10
    alternatives: {chosen_by: which}
    children:
      - {id: "2.a", name: 子丙, weight: 10, kind: bands, input: x, bands: [{range: "[0, 1)", score: 5}, {range: "[1, 2]", score: 10}]}
      - {id: "2.b", name: 子丁, weight: 10, kind: self_assessed}
grades: [{min: 0, label: 差}]
"""

BASES: dict[str, tuple[str, dict[str, Any]]] = {
    "mixed": (
        SPEC_MIXED,
        {
            "facts": {"x": "1.005", "y": 96, "d": 5, "n": 2, "ok": True},
            "assessments": {"3.4": {"score": 6}, "2.1": {"score": 1}},
        },
    ),
    "total": (
        SPEC_TOTAL,
        {"facts": {"p": "1.5", "q": 2, "r": 950, "tier": "部分达成"}, "assessments": {"b2": {"score": "1.5"}}},
    ),
    "whole": (
        SPEC_WHOLE,
        {
            "facts": {"cnt": 1, "c1": True, "c2": False, "c3": True, "lvl": "无结余", "share": "0.65"},
            "assessments": {"2.3": {"score": 2}},
        },
    ),
    "alternatives": (SPEC_ALTERNATIVES, {"facts": {"x": "0.95", "which": "2.a"}, "assessments": {"1.b": {"score": 8}}}),
}
FORM = BASES["mixed"][1]
"""A form the compiled form scores, with a claim that differs from its rule and a value clamped."""

FALLBACKS: list[tuple[str, str, dict[str, Any], Any, tuple[str, ...]]] = [
    # (what, base, changes to the facts (None removes), review, the outcome: scored, or the error and its code)
    ("marked not applicable", "whole", {"assessments": {"2.1": {"not_applicable": True}}}, None, ("scored",)),
    ("marked not applicable with /", "whole", {"assessments": {"2.2": {"score": "/"}}}, None, ("scored",)),
    ("alternatives", "alternatives", {}, None, ("scored",)),
    ("a review", "mixed", {}, {"indicators": {"3.4": {"score": 5, "note": "复核"}}}, ("scored",)),
    ("a review in the facts", "mixed", {"review": {"indicators": {"1.2": {"score": 3}}}}, None, ("scored",)),
    ("a reason on a parent", "mixed", {"assessments": {"1": {"reason": "汇总说明"}}}, None, ("scored",)),
    ("a fact of 21 digits", "mixed", {"facts": {"x": "1.00000000000000000001"}}, None, ("scored",)),
    ("a fact below 10**-10", "mixed", {"facts": {"y": D("1E-11")}}, None, ("scored",)),
    ("a zero with its last digit at 10**-30", "mixed", {"facts": {"y": D("0E-30")}}, None, ("scored",)),
    ("a zero denominator", "mixed", {"facts": {"d": 0}}, None, ("error", "EvaluationError", "evaluation")),
    (
        "a claim outside its tier",
        "total",
        {"assessments": {"b2": {"score": 2}}},
        None,
        ("error", "EvaluationError", "evaluation"),
    ),
    ("a fact out of range", "mixed", {"facts": {"x": "2.01"}}, None, ("error", "FactsError", "fact-range")),
    ("a fact of another type", "mixed", {"facts": {"ok": "是"}}, None, ("error", "FactsError", "fact-type")),
    ("a missing fact", "mixed", {"facts": {"n": None}}, None, ("error", "FactsError", "missing-fact")),
    ("an unknown fact", "mixed", {"facts": {"m": 1}}, None, ("error", "FactsError", "unknown-fact")),
    (
        "an unknown indicator",
        "mixed",
        {"assessments": {"9.9": {"score": 1}}},
        None,
        ("error", "FactsError", "unknown-indicator"),
    ),
    (
        "a claim on a parent",
        "mixed",
        {"assessments": {"1": {"score": 1}}},
        None,
        ("error", "FactsError", "claim-on-parent"),
    ),
    (
        "a claim above the weight",
        "mixed",
        {"assessments": {"3.4": {"score": "6.01"}}},
        None,
        ("error", "FactsError", "claim-range"),
    ),
    (
        "a claim with more decimals",
        "mixed",
        {"assessments": {"3.4": {"score": "5.555"}}},
        None,
        ("error", "FactsError", "claim-decimals"),
    ),
    ("a missing claim", "mixed", {"assessments": {"3.4": None}}, None, ("error", "FactsError", "missing-claim")),
    (
        "marked without a policy",
        "mixed",
        {"assessments": {"3.4": {"not_applicable": True}}},
        None,
        ("error", "FactsError", "not-applicable"),
    ),
]


def changed(facts: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """*facts* with *changes*: ``facts`` and ``assessments`` entry by entry (None removes one), the rest whole."""
    facts = copy.deepcopy(facts)
    for key, value in changes.items():
        if key not in ("facts", "assessments"):
            facts[key] = value
            continue
        for name, entry in value.items():
            if entry is None:
                del facts[key][name]
            else:
                facts[key][name] = entry
    return facts


class TestEveryFallback:
    @pytest.mark.parametrize(
        ("base", "changes", "review", "expected"), [case[1:] for case in FALLBACKS], ids=[case[0] for case in FALLBACKS]
    )
    def test_handed_to_the_general_scorer_alike(
        self, base: str, changes: dict[str, Any], review: Any, expected: tuple[str, ...]
    ) -> None:
        """Each thing the compiled form leaves to the general scorer (a mark, alternatives, a review, a reason on a
        parent, a failing rule, each kind of invalid fact or claim) gives the same outcome either way."""
        text, facts = BASES[base]
        reference, by_compiled_form = check(
            perfrules.load_spec(text), changed(facts, changes), review=review, simple=False
        )
        found: tuple[Any, ...] = reference[:1]
        if reference[0] == "error":
            codes = sorted({d.code for d in reference[3]})
            found = (*reference[:2], expected[-1] if expected[-1] in codes else codes)
        assert (expected, False) == (found, by_compiled_form)

    @pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), D("-Infinity"), D("sNaN")])
    @pytest.mark.parametrize("declared", ["{type: number}", "{type: number, min: 0}", "{type: number, max: 5}"])
    def test_not_a_finite_number(self, value: Decimal, declared: str) -> None:
        """A fact given as an infinity or a NaN, however its range is declared, is refused alike."""
        spec = perfrules.load_spec(
            f"spec: 1\nid: t/nan\nversion: '1'\nname: 非数\ntotal: 5\nfacts:\n  x: {declared}\n"
            "grades: [{min: 0, label: 差}]\nindicators:\n  - {id: '1', name: 甲, weight: 5, expression: 'weight if x > 1 else 0'}\n"
        )
        reference, by_compiled_form = check(spec, {"facts": {"x": value}}, simple=False)
        assert (reference[:2], sorted({d.code for d in reference[3]}), by_compiled_form) == (
            ("error", "FactsError"),
            ["fact-type"],
            False,
        )

    @pytest.mark.parametrize(
        ("base", "changes"),
        [
            ("mixed", {}),
            ("mixed", {"facts": {"x": 1, "y": "96.00", "d": D("5.000"), "n": D("-0.0")}}),
            ("mixed", {"assessments": {"3.4": {"score": "6.00", "reason": "说明"}, "2.1": None}}),
            ("total", {}),
            ("whole", {"facts": {"share": "0.05"}}),
        ],
        ids=["as given", "ints, numerals, trailing zeros, -0", "a reason on a leaf", "round_at total", "on a half"],
    )
    def test_kept_by_the_compiled_form(self, base: str, changes: dict[str, Any]) -> None:
        """Forms with nothing to hand over (facts as ints, numerals, trailing zeros or -0; a reason on a leaf) are
        scored by the compiled form, alike."""
        text, facts = BASES[base]
        reference, by_compiled_form = check(perfrules.load_spec(text), changed(facts, changes), simple=True)
        assert ("scored", True) == (reference[0], by_compiled_form)


# The checks can fail -----------------------------------------------------------------------------------------------


def sabotaged(monkeypatch: pytest.MonkeyPatch, change: Callable[[Any], Any]) -> None:
    """Make every compiled form planned from now on pass its outcome through *change*."""

    def compile_form(spec: perfrules.Spec, registry: Any) -> Program:
        program = original_compile_form(spec, registry)
        run = program.run

        def changed(*args: Any) -> Any:
            result = run(*args)
            return result if isinstance(result, str) else change(result)

        return evolve(program, run=changed)

    monkeypatch.setattr(planning, "compile_form", compile_form)  # where plan() finds it


class TestTheChecksCanFail:
    def test_the_form_scores_compiled_as_given(self) -> None:
        """Unchanged, the compiled form scores the sample form, alike."""
        reference, by_compiled_form = check(perfrules.load_spec(SPEC_MIXED), FORM, simple=True)
        assert ("scored", True) == (reference[0], by_compiled_form)

    def test_a_score_one_unit_off_is_caught(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A compiled leaf score one hundredth off fails the check."""

        def off(result: Any) -> Any:
            scores, computed, total, events = result
            return {**scores, "1.2": scores["1.2"] + D("0.01")}, computed, total, events

        sabotaged(monkeypatch, off)
        with pytest.raises(AssertionError):
            check(perfrules.load_spec(SPEC_MIXED), FORM, simple=True)

    def test_a_lost_warning_is_caught(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A compiled form that forgets its warnings (claim-differs, score-clamped) fails the check."""
        sabotaged(monkeypatch, lambda result: (*result[:3], []))
        with pytest.raises(AssertionError):
            check(perfrules.load_spec(SPEC_MIXED), FORM, simple=True)

    def test_a_form_never_compiled_is_caught(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A compiled form that always hands the form to the general scorer fails the check of a simple form."""
        sabotaged(monkeypatch, lambda result: "facts")
        with pytest.raises(AssertionError, match="not scored by the compiled form"):
            check(perfrules.load_spec(SPEC_MIXED), FORM, simple=True)
