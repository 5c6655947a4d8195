"""The expression language: an allow-list, Decimal literals, type rules, clear failures."""

from __future__ import annotations

import re
import sys
import threading
from decimal import Decimal

import pytest

import perfrules
from perfrules import Expression
from perfrules._rules.functions import BUILTIN_FUNCTIONS
from perfrules.exceptions import EvaluationError, ExpressionError

D = Decimal


def run(source: str, **names: object) -> object:
    return Expression.parse(source).evaluate(names, BUILTIN_FUNCTIONS)  # type: ignore[arg-type]


class TestParse:
    def test_names_and_functions(self) -> None:
        """An expression knows the facts it reads and the functions it calls."""
        expression = Expression.parse("weight * min(executed / budget, 1)")
        assert frozenset({"weight", "executed", "budget"}) == expression.names
        assert frozenset({"min"}) == expression.functions

    @pytest.mark.parametrize(
        ("source", "words"),
        [
            ("x.real", "attribute access"),
            ("x[0]", "subscripts"),
            ("[a for a in b]", "comprehensions"),
            ("lambda: 1", "lambda"),
            ("f'{x}'", "f-strings"),
            ("(y := 1)", "assignment"),
            ("x ** 2", "powers"),
            ("x ^ 2", "'^'"),
            ("x is 1", "'is'"),
            ("__import__('os')", "names starting with '_'"),
            ("min(x, key=1)", "keyword arguments"),
            ("x = 1", "invalid syntax"),
            ("import os", "invalid syntax"),
            ("1; 2", "invalid syntax"),
            ("=SUM(A1)", "leading '='"),
            ("x > 1 && y", "not && and ||"),
            ("x > 1 ? 10 : 0", "not condition ? a : b"),
            ("1if x else 2", "invalid decimal literal"),
            ("", "empty"),
            ("1j", "complex"),
            ("(1, 2)", "tuples"),
            ("x" * 8001, "the limit is 8000"),
            ("-" * 150 + "1", "nests deeper"),
            ("+".join(["x"] * 1300), "more than 5000 parts"),
            ("-" * 7000 + "1", "too complex to read"),
        ],
    )
    def test_refused(self, source: str, words: str) -> None:
        """Everything outside the allow-list is refused at parse time."""
        with pytest.raises(ExpressionError) as info:
            Expression.parse(source)
        assert words in str(info.value)

    def test_node_limit(self) -> None:
        """An expression a kind generates (no length limit) is still held to the node limit."""
        with pytest.raises(ExpressionError, match="more than 5000 parts"):
            Expression.parse("min(" + ",".join(["x"] * 3000) + ")", max_length=None)

    @pytest.mark.parametrize("terms", [33, 300, 1000])
    def test_long_sums(self, terms: int) -> None:
        """A sum of hundreds of terms, + and - mixed, parses within the depth limit and adds up exactly."""
        names = {f"x{i}": D(i) / 8 for i in range(terms)}
        source = "x0" + "".join(f"{'-' if i % 3 == 0 else '+'}x{i}" for i in range(1, terms))
        expected = names["x0"] + sum((-names[f"x{i}"] if i % 3 == 0 else names[f"x{i}"] for i in range(1, terms)), D(0))
        assert expected == Expression.parse(source).evaluate(names, {})

    def test_long_sums_from_deep_in_a_stack(self) -> None:
        """How long a sum may be does not depend on how deep the caller's stack is."""

        def parse_at(depth: int) -> Decimal:
            if depth:
                return parse_at(depth - 1)
            return Expression.parse("+".join(["x"] * 1000)).evaluate({"x": D(1)}, {})  # type: ignore[return-value]

        assert D(1000) == parse_at(sys.getrecursionlimit() - 150)

    def test_deep_rule_evaluates_from_deep_in_a_stack(self) -> None:
        """A rule near the depth limit evaluates and traces from deep in a caller's stack too."""
        expression = Expression.parse("min(" * 45 + "x" + ", 1)" * 45)

        def evaluate_at(depth: int) -> object:
            return evaluate_at(depth - 1) if depth else expression.evaluate({"x": D("0.5")}, {"min": min})

        assert D("0.5") == evaluate_at(sys.getrecursionlimit() - 60)

    def test_long_sums_inside(self) -> None:
        """A long sum nested in a call or a condition is regrouped too; its trace re-evaluates to its value."""
        names = {"x": D(1), "y": D(2)}
        expression = Expression.parse(f"min({'+'.join(['x'] * 200)}, 150) if y > {'+'.join(['x'] * 40)} else 0")
        assert D(0) == expression.evaluate(names, {})
        source = "+".join(["x"] * 300) + " - y"
        assert D(298) == Expression.parse(source).trace(names, {}).value

    def test_trace_of_an_unread_name(self) -> None:
        """A name the evaluation never read (short-circuited) is traced as itself."""
        assert "True or y" == Expression.parse("True or y").trace({}, {}).arithmetic

    def test_line_breaks_are_spaces(self) -> None:
        """An expression written over several lines (a YAML | block) reads as one line."""
        assert D(3) == run("x +\n  2", x=D(1))

    def test_equal_by_source(self) -> None:
        """Two parses of the same text are equal."""
        assert Expression.parse("a + 1") == Expression.parse(" a + 1 ")


class TestEvaluate:
    def test_literals_are_exact_decimals(self) -> None:
        """0.1 + 0.2 is exactly 0.3."""
        assert D("0.3") == run("0.1 + 0.2")

    def test_a_zero_with_many_decimals_passes_through_functions(self) -> None:
        """A product of decimals that is zero (0E-32) is a number like any zero, in and out of a function."""
        functions = perfrules.default_registry().functions  # guarded, as scoring calls them
        rule = Expression.parse("abs(x * 0.00000001 * 0.00000001 * 0.00000001 * 0.00000001)")
        assert D(0) == rule.evaluate({"x": D(0)}, functions)

    def test_seed_rule(self) -> None:
        """The seed's 1.1.3 rule computes 9.974...; nothing is rounded inside."""
        value = run("weight * min(executed / budget, 1)", weight=D(10), executed=D("1288.38"), budget=D("1291.73"))
        assert isinstance(value, Decimal)
        assert D("9.97") == value.quantize(D("0.01"))

    def test_functions(self) -> None:
        """min, max, abs, clamp and round (四舍五入) are built in."""
        assert D(3) == run("clamp(x, 0, 3)", x=D(7))
        assert D("2.68") == run("round(2.675, 2)")
        assert D(2) == run("abs(-2)")
        assert D(5) == run("max(1, 5, 2)")

    def test_conditional(self) -> None:
        """A guard avoids a zero denominator."""
        assert D(0) == run("x / y if y > 0 else 0", x=D(1), y=D(0))

    def test_zero_denominator_names_the_fact(self) -> None:
        """An unguarded zero denominator is an error naming the fact."""
        with pytest.raises(EvaluationError, match="budget = 0"):
            run("executed / budget", executed=D(1), budget=D(0))

    @pytest.mark.parametrize(
        ("source", "words"),
        [
            ("flag + 1", "'+' needs two numbers"),
            ("x if x else 0", "'if' needs a condition"),
            ("x and flag", "'and' needs a condition"),
            ("x > flag", "compares a number with a condition"),
            ("name * 2", "'*' needs two numbers"),
            ("not x", "'not' needs a condition"),
            ("min(flag, 1)", "min() failed"),
        ],
    )
    def test_type_rules(self, source: str, words: str) -> None:
        """No bool/number mixing, no text arithmetic, conditions must be conditions."""
        with pytest.raises(EvaluationError, match=re.escape(words)):
            run(source, x=D(1), flag=True, name="甲")

    def test_overflow_is_an_error(self) -> None:
        """A runaway product is an error, not a huge number."""
        big = " * ".join(["100000000000000000000"] * 60)
        with pytest.raises(EvaluationError, match="too large"):
            run(big)

    def test_callers_maps_are_not_changed(self) -> None:
        """Evaluation copies the names and functions it is given."""
        names = {"x": D(1)}
        functions = dict(BUILTIN_FUNCTIONS)
        Expression.parse("min(x, 2)").evaluate(names, functions)
        assert {"x": D(1)} == names and functions == BUILTIN_FUNCTIONS

    def test_threads_never_mix_facts(self) -> None:
        """Many units evaluated at once in threads each get their own result."""
        expression = Expression.parse("x * 2 + min(x, 1000)")
        failures = []

        def work(offset: int) -> None:
            for i in range(300):
                x = D(offset * 1000 + i)
                if expression.evaluate({"x": x}, BUILTIN_FUNCTIONS) != x * 2 + min(x, D(1000)):
                    failures.append(x)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [] == failures


TYPES = {"x": "number", "b": "boolean", "t": "text", "weight": "number"}


class TestTypes:
    @pytest.mark.parametrize(
        ("source", "words"),
        [
            ("10 if x > 1 else (x and 1)", "'and' needs a condition, not a number"),
            ("weight * (x > 0)", "'*' needs a number, not a condition"),
            ("10 if x == '达成' else 0", "'==' compares a number with text"),
            ("1 if b else t", "the branches give a number and text"),
            ("x > 1", "it gives a condition, not a number"),
            ("10 if x else 0", "'if' needs a condition, not a number"),
            ("-b", "'-' needs a number, not a condition"),
            ("not x", "'not' needs a condition, not a number"),
        ],
    )
    def test_clashes_found_before_any_facts(self, source: str, words: str) -> None:
        """What evaluation would refuse, in any branch, is found at load from the declared types."""
        problems = Expression.parse(source).type_problems(TYPES, {"min": "number"})
        assert any(words in problem for problem in problems), problems

    @pytest.mark.parametrize(
        "source", ["weight if b else 0", "min(x, 1) * weight", "custom(x) * 2", "10 if t == '达成' else unknown", "x"]
    )
    def test_what_is_fine_or_unknown_passes(self, source: str) -> None:
        """Well-typed rules, and parts whose type is unknown (a plugin's function, an unknown name), pass."""
        assert [] == Expression.parse(source).type_problems(TYPES, {"min": "number"})
