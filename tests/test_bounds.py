"""Bounds: every value a rule computes, at every node it reaches, lies within the bounds proven for that node.

The compiled form leaves out a range check or a clamp wherever the bounds say it cannot fire, so a bound that is
too tight would change a score. The property runs the interpreter's evaluator over generated rules and facts (any
fact the compiled form takes: within its declared range and `USUAL`), records each node's value as it is
computed, and holds it to the node's bounds.
"""

from __future__ import annotations

import ast
import decimal
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from perfrules._engine.program import USUAL, _fact_bounds
from perfrules._numbers import ARITHMETIC, in_range
from perfrules._rules.bounds import Bounds, prove
from perfrules._rules.expression import Expression, _Evaluator
from perfrules._rules.functions import BUILTIN_FUNCTIONS
from perfrules._spec.model import FactDeclaration

D = Decimal
NAMES = ("x", "y", "z")
LITERALS = [
    *("0", "0.0", "1", "2", "0.1", "1.2", "0.05", "0.01", "3", "0.8", "1e-5", "123456789.123456789", "7e20"),
    *("0.1000000000000000000000000000001", "1.2345678901234567890123456789012345", "-9.99999999999999999999999999999"),
]

literals = st.sampled_from(LITERALS)


def conditions(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Conditions: a name against a literal either way round (what narrows), chains, not, and, or, and any pair."""
    name = st.sampled_from(NAMES)
    ops = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
    simple = st.one_of(
        st.tuples(name, ops, literals).map(" ".join),
        st.tuples(literals, ops, name).map(" ".join),
        st.tuples(literals, name, literals).map(lambda t: f"{t[0]} <= {t[1]} < {t[2]}"),
        st.tuples(inner, ops, inner).map(" ".join),
    )
    return st.one_of(
        simple,
        simple.map(lambda t: f"not ({t})"),
        st.tuples(simple, simple).map(lambda t: f"({t[0]}) and ({t[1]})"),
        st.tuples(simple, simple).map(lambda t: f"({t[0]}) or ({t[1]})"),
    )


def rules() -> st.SearchStrategy[str]:
    """Rules of every node the bounds know: arithmetic, signs, the built-in functions and branches."""

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, literals).map(lambda t: f"({t[0]} / {t[1]})"),
            inner.map(lambda e: f"(-{e})"),
            inner.map(lambda e: f"(+{e})"),
            inner.map(lambda e: f"abs({e})"),
            inner.map(lambda e: f"floor({e})"),
            st.tuples(inner, st.sampled_from(["0", "2", "10"])).map(lambda t: f"round({t[0]}, {t[1]})"),
            st.tuples(inner, inner).map(lambda t: f"min({t[0]}, {t[1]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"max({t[0]}, {t[1]}, {t[2]})"),
            inner.map(lambda e: f"clamp({e}, 0, weight)"),
            st.tuples(inner, conditions(inner), inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        )

    return st.recursive(st.sampled_from([*NAMES, "weight"]) | literals, extend, max_leaves=8)


RULES = rules()


@st.composite
def declarations(draw: st.DrawFn) -> FactDeclaration:
    low = draw(st.sampled_from([None, D(-10), D(0), D("0.5")]))
    high = draw(st.sampled_from([None, D(1), D(2), D(100), D("1E+25")]))
    if low is not None and high is not None and high < low:
        low, high = high, low
    return FactDeclaration("f", "number", low, high)


def usual(value: Decimal, declaration: FactDeclaration) -> bool:
    """Whether the compiled form takes *value* for a fact so declared."""
    try:
        USUAL.plus(value)
    except ArithmeticError:
        return False
    below = declaration.min is not None and value < declaration.min
    return not below and not (declaration.max is not None and value > declaration.max)


@st.composite
def fact_values(draw: st.DrawFn, declaration: FactDeclaration) -> Decimal:
    """A value the compiled form takes, often on a declared end or a literal, or one last digit beside one."""
    near = [end for end in (declaration.min, declaration.max) if end is not None]
    near += [D(text) for text in LITERALS]
    coefficient = st.integers(1, 10**20 - 1)
    shapes = st.one_of(
        st.sampled_from(near),
        st.tuples(st.sampled_from(near), st.integers(-19, 0), st.sampled_from([-1, 1])).map(
            lambda t: t[0] + t[2] * D(1).scaleb(t[1])
        ),
        # Any number of up to 20 digits, its leading digit from 10**-10 to 10**29
        st.tuples(st.sampled_from([1, -1]), coefficient, st.integers(-10, 29)).map(
            lambda t: D(t[0] * t[1]).scaleb(t[2] - len(str(t[1])) + 1)
        ),
        st.sampled_from([D("0E-29"), D("0.000"), D(0), D("1E-10"), D("-1E-10")]),
    )
    value = draw(shapes)
    if declaration.min is not None and value < declaration.min:
        value = declaration.min
    if declaration.max is not None and value > declaration.max:
        value = declaration.max
    assume(usual(value, declaration))
    return value


def recorded(tree: ast.AST, source: str, names: dict[str, Decimal]) -> list[tuple[ast.AST, Any]]:
    """Each node the interpreter's evaluator reaches, with its value, computed in the rules' context; the
    built-in functions unguarded, so that a value the guard would refuse is seen too."""
    evaluator = _Evaluator({}, BUILTIN_FUNCTIONS)
    evaluator.names = names
    seen: list[tuple[ast.AST, Any]] = []
    evaluate = evaluator._eval

    def recording(node: ast.AST) -> Any:
        value = evaluate(node)
        seen.append((node, value))
        return value

    evaluator._eval = recording
    try:
        with decimal.localcontext(ARITHMETIC):
            evaluator.eval(source, previously_parsed=tree)
    except Exception:  # noqa: S110  # a failing rule: what was reached before it still counts
        pass
    return seen


def holds(bounds: Bounds, value: Decimal) -> bool:
    _, digits, exponent = value.as_tuple()
    return (
        (bounds.low is None or bounds.low <= value)
        and (bounds.high is None or value <= bounds.high)
        and (not value or value.copy_abs() >= bounds.smallest)
        and (bounds.exponent is None or exponent >= bounds.exponent)  # type: ignore[operator]
        and (bounds.digits is None or len(digits) <= bounds.digits)
        and (not bounds.in_range or in_range(value) or not value)
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, dict[str, FactDeclaration], dict[str, Decimal], Decimal]:
    declared = {name: draw(declarations()) for name in NAMES}
    values = {name: draw(fact_values(declaration)) for name, declaration in declared.items()}
    return draw(RULES), declared, values, draw(st.sampled_from([D(2), D("5.5"), D(10)]))


def values_of(declaration: FactDeclaration) -> list[Decimal]:
    """The values a fact so declared is tried with in the corpus: its ends, the literals and one digit beside each,
    the smallest and the longest a fact may be."""
    near = [end for end in (declaration.min, declaration.max) if end is not None] + [D(text) for text in LITERALS]
    found = [*near, D(0), D("0E-29"), D("1E-10"), D("-1E-10"), D("98765432109876543210"), D("1.9999999999999999999")]
    found += [D("1.2345678901234567891E-10"), D("-9.8765432109876543211E-10")]  # the lowest last digit a fact has
    found += [value + step for value in near for step in (D("1E-19"), D("-1E-19"), D("1E-29"))]
    return [value for value in found if usual(value, declaration)]


TEMPLATES = [
    *("x / {a}", "{a} / x", "x * y", "x * {a}", "x - {a}", "{a} - x", "+{a}", "-{a}", "abs({a} - x)", "x + y / {a}"),
    *("floor(x / {a})", "round(x / {a}, 2)", "max({a}, x - y)", "min(x, {a}) * y", "clamp(x - {a}, 0, weight)"),
    *("(x if x < {a} else y)", "(x - {a} if x >= {a} else {a} - x)", "(x if {a} <= x < {b} else {b})"),
    *("(x if not (x > {a}) else {a})", "(y - x if (x > {a}) and (y < {b}) else x)", "(x if x == {a} else y)"),
    *("(x / {a} if x < {a} or y > {b} else {a} / x)", "weight - {a} * max(0, x - {b}) / 0.01", "x * {a} / {b}"),
    # What is not known, carried on: a divisor that may be zero (unbounded y; x * 0.001 near zero), a chain failing
    *("x / y - {a}", "x / y * {a}", "{a} / (x * 0.001)", "(x if {a} <= x < {b} else x)"),
    # Each comparison, either way round, holding and failing, alone and under not
    *(
        f"(x if {test} else x)"
        for op in ("<", "<=", ">", ">=", "==", "!=")
        for test in (f"x {op} {{a}}", f"{{a}} {op} x")
    ),
    *(f"(x if not (x {op} {{a}}) else x)" for op in ("<", "<=", ">", ">=", "==", "!=")),
]


class TestBounds:
    @settings(max_examples=settings.default.max_examples * 10)
    @given(case=cases())
    def test_every_value_lies_within_its_bounds(
        self, case: tuple[str, dict[str, FactDeclaration], dict[str, Decimal], Decimal]
    ) -> None:
        source, declared, values, weight = case
        expression = Expression.parse(source)
        tree = expression._tree
        names = {name: _fact_bounds(declaration) for name, declaration in declared.items()}
        proven = prove(tree, {**names, "weight": Bounds.constant(weight)}, frozenset(BUILTIN_FUNCTIONS))
        for node, value in recorded(tree, expression.source, {**values, "weight": weight}):
            bounds = proven.get(id(node))
            if bounds is not None and isinstance(value, Decimal):
                assert holds(bounds, value), (ast.dump(node), value, bounds)

    @pytest.mark.parametrize("template", TEMPLATES)
    def test_a_corpus_of_rules_on_every_boundary(self, template: str) -> None:
        """Each rule template with every pair of literals, on each fact value on and beside the boundaries."""
        declared = {"x": FactDeclaration("x", "number", D(-10), D(100)), "y": FactDeclaration("y")}
        checked = 0
        for a in LITERALS:
            for b in LITERALS[::3] if "{b}" in template else LITERALS[:1]:
                expression = Expression.parse(template.format(a=a, b=b))
                names = {name: _fact_bounds(declaration) for name, declaration in declared.items()}
                proven = prove(
                    expression._tree, {**names, "weight": Bounds.constant(D(2))}, frozenset(BUILTIN_FUNCTIONS)
                )
                for x in values_of(declared["x"]):
                    for y in values_of(declared["y"])[:: 4 if "y" in template else 1000]:
                        for node, value in recorded(
                            expression._tree, expression.source, {"x": x, "y": y, "weight": D(2)}
                        ):
                            bounds = proven.get(id(node))
                            if bounds is not None and isinstance(value, Decimal):
                                assert holds(bounds, value), (template, a, b, x, y, ast.dump(node), value, bounds)
                                checked += 1
        assert checked > 1000

    @pytest.mark.parametrize(
        ("source", "expected"),
        [
            # The shipped kinds over a fact declared in [0, 2]: each stays within [0, 2], and the range check on
            # each function inside is proven needless.
            ("weight if x >= 1.2 else weight * x / 1.2", (D(0), D(2))),
            ("max(0, weight - 0.8 * max(0, x - 0.1) / 0.01)", (D(0), D(2))),
            ("max(0, weight - 0.5 * floor(max(0, 1 - x) / 0.05))", (D(0), D(2))),
            ("min(weight * x, weight)", (D(0), D(2))),
        ],
    )
    def test_the_shipped_kinds_are_proven_within_the_weight(
        self, source: str, expected: tuple[Decimal, Decimal]
    ) -> None:
        tree = Expression.parse(source)._tree
        names = {"x": _fact_bounds(FactDeclaration("x", "number", D(0), D(2))), "weight": Bounds.constant(D(2))}
        proven = prove(tree, names, frozenset(BUILTIN_FUNCTIONS))
        root = proven[id(tree)]
        assert (root.low, root.high) == expected
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        assert all(proven[id(call)].in_range for call in calls)

    @pytest.mark.parametrize(
        "source",
        [
            "max(0, (x - 0.1) * 1e-25)",  # too small
            "max(0, x * 1e25 * 1e10)",  # too large
            "max(0, x / 3 - 0.6)",  # a quotient's last digit may lie below 10**-30
            "max(0, x - 0.1000000000000000000000000000001)",  # a literal's last digit does
            "max(0, x / (x - 1))",  # the divisor may be zero
            "max(0, 2 - y)",  # y is declared without bounds
        ],
    )
    def test_what_is_not_proven(self, source: str) -> None:
        """A function whose result may fall out of range keeps its check."""
        tree = Expression.parse(source)._tree
        names = {
            "x": _fact_bounds(FactDeclaration("x", "number", D(0), D(2))),
            "y": _fact_bounds(FactDeclaration("y")),
        }
        proven = prove(tree, names, frozenset(BUILTIN_FUNCTIONS))
        outer = next(node for node in ast.walk(tree) if isinstance(node, ast.Call))
        assert outer.func.id == "max"  # type: ignore[attr-defined]
        assert not proven.get(id(outer), Bounds()).in_range
