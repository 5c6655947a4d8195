"""The expression language: an allow-list, Decimal literals, type rules, clear failures."""

from __future__ import annotations

import ast
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, cast

import pytest

import perfrules
from perfrules import Expression
from perfrules._rules.expression import Condition, Function, Value, _fresh_stack, _TypeRule, arity_problem, literal
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
            ("x[0]", "a subscript"),
            ("[a for a in b]", "a comprehension"),
            ("lambda: 1", "lambda"),
            ("f'{x}'", "an f-string"),
            ("(y := 1)", "assignment"),
            ("x ** 2", "a power"),
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
            ("(1, 2)", "a tuple"),
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


def exactly(message: str) -> str:
    """A `pytest.raises` pattern matching *message* and nothing else."""
    return f"^{re.escape(message)}$"


def refusal(source: str, **options: int | None) -> str:
    """The words `Expression.parse` refuses *source* with."""
    with pytest.raises(ExpressionError) as info:
        Expression.parse(source, **options)  # type: ignore[arg-type]
    return str(info.value)


FUNCTIONS = cast("Mapping[str, Function]", BUILTIN_FUNCTIONS)
TRACED: dict[str, Value] = {"x": D("0.5"), "y": D(-2), "n": D(3), "ok": True, "no": False, "t": "达成", "weight": D(10)}


class TestTrace:
    @pytest.mark.parametrize(
        ("source", "arithmetic", "shown"),
        [
            ("weight * x", "10 * 0.5", "10 × 0.5"),
            ("weight * (x + 1)", "10 * (0.5 + 1)", "10 × (0.5 + 1)"),
            ("(x + 1) * weight", "(0.5 + 1) * 10", "(0.5 + 1) × 10"),
            ("x - (n - 1)", "0.5 - (3 - 1)", "0.5 - (3 - 1)"),
            ("x - n - 1", "0.5 - 3 - 1", "0.5 - 3 - 1"),
            ("x - n * 2", "0.5 - 3 * 2", "0.5 - 3 × 2"),
            ("x / (n * 2)", "0.5 / (3 * 2)", "0.5 ÷ (3 × 2)"),
            ("x / n * 2", "0.5 / 3 * 2", "0.5 ÷ 3 × 2"),
            ("x * -y", "0.5 * -(-2)", "0.5 × -(-2)"),
            ("y", "(-2)", "(-2)"),
            ("-x", "-0.5", "-0.5"),
            ("-(x * n)", "-(0.5 * 3)", "-(0.5 × 3)"),
            ("+x", "+0.5", "+0.5"),
            ("min(x + 1, -1) * weight", "min(0.5 + 1, -1) * 10", "min(0.5 + 1, -1) × 10"),
            ("not (ok and no)", "not (True and False)", "not (True and False)"),
            ("not not ok", "not not True", "not not True"),
            ("ok and (no or ok)", "True and (False or True)", "True and (False or True)"),
            ("(ok or no) and ok", "(True or False) and True", "(True or False) and True"),
            ("ok or no and ok", "True or False and True", "True or False and True"),
            ("ok and not no", "True and not False", "True and not False"),
            ("x + 1 > n", "0.5 + 1 > 3", "0.5 + 1 > 3"),
            ("n > x + 1", "3 > 0.5 + 1", "3 > 0.5 + 1"),
            ("(x > 1) == ok", "(0.5 > 1) == True", "(0.5 > 1) = True"),
            ("ok == (x > 0)", "True == (0.5 > 0)", "True = (0.5 > 0)"),
            ("not x > 1", "not 0.5 > 1", "not 0.5 > 1"),
            ("x < 1 < n", "0.5 < 1 < 3", "0.5 < 1 < 3"),
            ("x <= n", "0.5 <= 3", "0.5 ≤ 3"),
            ("x >= n", "0.5 >= 3", "0.5 ≥ 3"),
            ("x != n", "0.5 != 3", "0.5 ≠ 3"),
            ("x == n", "0.5 == 3", "0.5 = 3"),
            ("t == '达成'", "'达成' == '达成'", "'达成' = '达成'"),
            ("True or z", "True or z", "True or z"),
        ],
    )
    def test_substituted_with_only_the_parentheses_needed(self, source: str, arithmetic: str, shown: str) -> None:
        """Names become their values (a negative one in parentheses); parentheses only where precedence needs them."""
        trace = Expression.parse(source).trace(TRACED, FUNCTIONS)
        assert (arithmetic, shown, ()) == (trace.arithmetic, trace.shown, trace.conditions)
        assert trace.value == Expression.parse(arithmetic).evaluate({}, FUNCTIONS)

    @pytest.mark.parametrize(
        ("source", "arithmetic", "shown", "conditions"),
        [
            ("weight if ok else 0", "10", "10", [("ok = True", True)]),
            ("weight if no else 0", "0", "0", [("no = False", False)]),
            ("(weight if ok else 0) + 1", "10 + 1", "10 + 1", [("ok = True", True)]),
            ("1 + (weight if no else 0)", "1 + 0", "1 + 0", [("no = False", False)]),
            ("weight * (x + 1 if ok else 0)", "10 * (0.5 + 1)", "10 × (0.5 + 1)", [("ok = True", True)]),
            ("weight * (1 if x > 0 else 0)", "10 * 1", "10 × 1", [("0.5 > 0", True)]),
            ("-(1 if ok else 2)", "-1", "-1", [("ok = True", True)]),
            ("min(1 if ok else 2, x)", "min(1, 0.5)", "min(1, 0.5)", [("ok = True", True)]),
            ("(y if ok else 0) < 0", "(-2) < 0", "(-2) < 0", [("ok = True", True)]),
            ("x < (1 if no else y)", "0.5 < (-2)", "0.5 < (-2)", [("no = False", False)]),
            ("(1 if ok else 2) if ok else 3", "1", "1", [("ok = True", True), ("ok = True", True)]),
            ("(1 if no else 2) if ok else 3", "2", "2", [("ok = True", True), ("no = False", False)]),
            ("1 if ok else (2 if no else 3)", "1", "1", [("ok = True", True)]),
            ("10 if t == '达成' else 0", "10", "10", [("'达成' = '达成'", True)]),
            ("10 if x < 1 < n else 0", "10", "10", [("0.5 < 1 < 3", True)]),
            ("10 if x * -y > 0 else 0", "10", "10", [("0.5 × -(-2) > 0", True)]),
            ("10 if (x > 0) == ok else 0", "10", "10", [("(0.5 > 0) = True", True)]),
            ("10 if (ok if no else no) else 5", "5", "5", [("True if False else False", False)]),
        ],
    )
    def test_conditionals_reduced_to_the_branch_taken(
        self, source: str, arithmetic: str, shown: str, conditions: list[tuple[str, bool]]
    ) -> None:
        """A conditional prints as the branch it takes; its test is recorded as shown, a bare fact as 'fact = value'."""
        trace = Expression.parse(source).trace(TRACED, FUNCTIONS)
        assert (arithmetic, shown) == (trace.arithmetic, trace.shown)
        assert tuple(Condition(text, held) for text, held in conditions) == trace.conditions

    @pytest.mark.parametrize(
        ("test", "shown"),
        [
            ("(1 if ok else 2) + 1 > 0", "(1 if True else 2) + 1 > 0"),
            ("n > (1 if ok else 2)", "3 > (1 if True else 2)"),
            ("-(1 if no else 2) < 0", "-(1 if False else 2) < 0"),
            ("min(1 if ok else 2, 3) > 0", "min(1 if True else 2, 3) > 0"),
            ("not (1 if ok else 2) > 1", "not (1 if True else 2) > 1"),
            ("ok and (1 if ok else 2) > 0", "True and (1 if True else 2) > 0"),
            ("(ok or no if ok else no)", "True or False if True else False"),
            ("(1 if ok else 2 if no else 3) > 0", "(1 if True else 2 if False else 3) > 0"),
            ("((1 if ok else 2) if no else 3) > 0", "((1 if True else 2) if False else 3) > 0"),
            ("(1 if ok or no else 2) > 0", "(1 if True or False else 2) > 0"),
            ("(1 if (1 if ok else 2) > 0 else 2) > 0", "(1 if (1 if True else 2) > 0 else 2) > 0"),
            ("(1 if not no else 2) > 0", "(1 if not False else 2) > 0"),
            ("1 + (1 if ok else 2) > 0", "1 + (1 if True else 2) > 0"),
            ("(1 if (ok if no else ok) else 2) > 0", "(1 if (True if False else True) else 2) > 0"),
        ],
    )
    def test_nothing_is_reduced_inside_a_condition(self, test: str, shown: str) -> None:
        """Inside a tested condition a conditional is printed whole, parenthesised as Python reads it."""
        trace = Expression.parse(f"10 if {test} else 0").trace(TRACED, FUNCTIONS)
        assert ("10", (Condition(shown, True),)) == (trace.arithmetic, trace.conditions)
        assert Expression.parse(shown).evaluate({}, FUNCTIONS) is True

    def test_conditions_are_tested_in_the_rules_arithmetic(self) -> None:
        """The trace tests conditions with the rule's 28 digits and bounded exponent: 1E-600 squared is 0 there."""
        trace = Expression.parse("1 if x * x > 0 else 2").trace({"x": D("1E-600")}, {})
        assert ("2", D(2), [False]) == (trace.arithmetic, trace.value, [c.held for c in trace.conditions])

    def test_a_function_that_changes_its_answer_fails_the_trace(self) -> None:
        """The trace applies the evaluator's own rule to each condition, even if a function answers differently."""
        answers: list[Value] = [True, D(1)]

        def flip() -> Value:
            return answers.pop(0)

        with pytest.raises(_TypeRule, match=exactly("'if' needs a condition, got a number")):
            Expression.parse("10 if flip() else 0").trace({}, {"flip": flip})

    def test_a_sum_of_up_to_32_terms_prints_as_written(self) -> None:
        """Only sums longer than 32 terms are regrouped; shorter ones print term by term as written."""
        source = "x" + "".join(f" {'-' if i % 3 == 0 else '+'} x" for i in range(1, 32))
        trace = Expression.parse(source).trace({"x": D(1)}, {})
        assert source.replace("x", "1") == trace.arithmetic

    def test_a_longer_sum_prints_regrouped(self) -> None:
        """A 33-term sum is joined pairwise, level by level, each - kept with its term; it still adds up."""
        source = "x0" + "".join(f" {'-' if i % 3 == 0 else '+'} x{i}" for i in range(1, 33))
        trace = Expression.parse(source).trace({f"x{i}": D(i) for i in range(33)}, {})
        assert (
            "0 + 1 + (2 - 3) + (4 + 5 + (7 - 6)) + (8 - 9 + (10 + 11) + (13 - 12 + (14 - 15)))"
            " + (16 + 17 + (19 - 18) + (20 - 21 + (22 + 23)) + (25 - 24 + (26 - 27) + (28 + 29 + (31 - 30)))) + 32"
        ) == trace.arithmetic
        assert D(198) == trace.value


class TestLiteral:
    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (D("0.5"), "0.5"),
            (D("-0.5"), "(-0.5)"),
            (D("1E+3"), "1000"),
            (D("-0"), "(-0)"),
            (True, "True"),
            (False, "False"),
            ("达成", "'达成'"),
            ("it's", '"it\'s"'),
        ],
    )
    def test_values_written_in_the_language(self, value: Decimal | bool | str, text: str) -> None:
        """A value is written as the language reads it: a negative number in parentheses, text quoted."""
        assert text == literal(value)


class TestParseExactly:
    @pytest.mark.parametrize(
        ("source", "message"),
        [
            ("", "the expression is empty"),
            ("=x + 1", "remove the leading '=': expressions are not spreadsheet formulas"),
            ("-" * 7000 + "1", "the expression is too complex to read"),
            ("(1", "'(' was never closed at column 1"),
            ("1if x else 2", "invalid decimal literal at column 1"),
            ("1 +", "invalid syntax"),
            ("1 + x.real", "attribute access ('.') is not allowed at column 5"),
            ("(yield from x)", "YieldFrom is not allowed at column 2"),
            ("1 + f(x)(y)", "only named functions can be called at column 5"),
            ("1 + min(x, key=1)", "keyword arguments are not allowed at column 5"),
            ("1 + _x", "names starting with '_' are not allowed at column 5"),
            ("x ** 2", "a power ('**') is not allowed"),
            ("1 + 1j", "complex literals are not allowed at column 5"),
            ("1 + ...", "ellipsis literals are not allowed at column 5"),
            ("1 + 0x10", "write numbers in decimal, not '0x10' at column 5"),
            ("0x" + "1" * 50, f"write numbers in decimal, not '0x{'1' * 38}' at column 1"),
            ("1e999999999999999999999", "write numbers in decimal, not '1e999999999999999999999' at column 1"),
            ("1 + " + "1" * 50, f"the number {'1' * 40} is out of range at column 5"),
            ("x < 1e-40", "the number 1e-40 is out of range at column 5"),
            ("t == '" + "a" * 201 + "'", "text longer than 200 characters at column 6"),
            ("t == '''a\nb''' or 0x1", "write numbers in decimal, not '0x1' at column 9"),
            ("x" * 11, "the expression is 11 characters long; the limit is 10"),
        ],
    )
    def test_refused_in_these_words(self, source: str, message: str) -> None:
        """Each refusal says what is wrong and, for a part of the text, the column where it starts."""
        assert message == refusal(source, max_length=10 if source == "x" * 11 else 8000)

    @pytest.mark.parametrize(
        "source",
        [
            "x" * 8000,
            "-" * 99 + "1",
            "min(" + ", ".join(["x"] * 2498) + ")",
            "t == '" + "a" * 200 + "'",
        ],
    )
    def test_accepted_at_each_limit(self, source: str) -> None:
        """The length, depth, node and text limits are inclusive: exactly at the limit still parses."""
        assert source == Expression.parse(source).source

    @pytest.mark.parametrize(
        ("source", "message"),
        [
            ("-" * 100 + "1", "the expression nests deeper than 100 levels"),
            ("min(" + ", ".join(["x"] * 2499) + ")", "the expression has more than 5000 parts"),
        ],
    )
    def test_refused_just_past_a_limit(self, source: str, message: str) -> None:
        """One level or one part past a limit is refused."""
        assert message == refusal(source)

    def test_the_length_limit_is_the_callers(self) -> None:
        """`max_length` sets the limit, inclusive; None lifts it."""
        assert "x + 1" == Expression.parse("x + 1", max_length=5).source
        assert "the expression is 5 characters long; the limit is 4" == refusal("x + 1", max_length=4)
        assert "x" * 9000 == Expression.parse("x" * 9000, max_length=None).source

    def test_source_is_the_trimmed_text(self) -> None:
        """An expression keeps its text, trimmed."""
        assert "a + 1" == Expression.parse(" a + 1 ").source

    def test_number_literals_may_group_digits(self) -> None:
        """'1_000' is the number 1000."""
        assert D(1001) == Expression.parse("1_000 + x").evaluate({"x": D(1)}, {})

    @pytest.mark.parametrize(("value", "expected"), [("a\nb", D(10)), ("ab", D(20))])
    def test_text_over_two_lines(self, value: str, expected: Decimal) -> None:
        """A triple-quoted text may hold a line break; numbers after it, on its second line, read as written."""
        assert expected == Expression.parse("10 if t == '''a\nb''' else 20").evaluate({"t": value}, {})


RUNTIME: dict[str, object] = {"x": D(1), "flag": True, "name": "甲", "i": 2, "a": D(0), "b": D(0), "nan": D("NaN")}


class TestRunTimeRules:
    @pytest.mark.parametrize(
        ("source", "message"),
        [
            ("flag + 1", "'+' needs two numbers, got a condition and a number in 'flag + 1'"),
            ("1 - name", "'-' needs two numbers, got a number and text in '1 - name'"),
            ("x * i", "'*' needs two numbers, got a number and int in 'x * i'"),
            ("flag / x", "'/' needs two numbers, got a condition and a number in 'flag / x'"),
            ("x > flag", "'>' compares a number with a condition in 'x > flag'"),
            ("name != x", "'!=' compares text with a number in 'name != x'"),
            ("flag < flag", "'<' cannot order booleans in 'flag < flag'"),
            ("flag >= flag", "'>=' cannot order booleans in 'flag >= flag'"),
            ("-flag", "'-' needs a number, got a condition in '-flag'"),
            ("-i", "'-' needs a number, got int in '-i'"),
            ("+name", "'+' needs a number, got text in '+name'"),
            ("not x", "'not' needs a condition, got a number in 'not x'"),
            ("x if x else 0", "'if' needs a condition, got a number in 'x if x else 0'"),
            ("x and flag", "'and' needs a condition, got a number in 'x and flag'"),
            ("name or flag", "'or' needs a condition, got text in 'name or flag'"),
            ("z + 1", "no value for 'z' in 'z + 1'"),
            ("f(1)", "no function f() is registered in 'f(1)'"),
            ("min(flag, 1)", "min() failed: TypeError: min() takes numbers, got True in 'min(flag, 1)'"),
            ("within(x, 2, 3)", "1 is outside [2, 3]"),
            ("x / 0", "division by zero in 'x / 0'"),
            ("1 / (x - x)", "division by zero in '1 / (x - x)'"),
            ("x / (a + b)", "division by zero in 'x / (a + b)' (a = 0, b = 0)"),
            ("x / (a + 1 - x) + a", "division by zero in 'x / (a + 1 - x) + a' (a = 0)"),
            ("x < nan", "[<class 'decimal.InvalidOperation'>] in 'x < nan'"),
        ],
    )
    def test_failures_in_these_words(self, source: str, message: str) -> None:
        """A value of the wrong type at run time (the static check aside) fails in words naming both sides."""
        with pytest.raises(EvaluationError, match=exactly(message)):
            Expression.parse(source).evaluate(RUNTIME, FUNCTIONS)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("source", "expected"),
        [
            ("x + 2", D(3)),
            ("x - 3", D(-2)),
            ("x * 3", D(3)),
            ("3 / 4", D("0.75")),
            ("x / 1", D(1)),
            ("-x", D(-1)),
            ("+x", D(1)),
            ("not flag", False),
            ("not (x > 1)", True),
            ("x < 2", True),
            ("2 < x", False),
            ("x <= 1", True),
            ("x > 0", True),
            ("0 > x", False),
            ("x >= 2", False),
            ("x == 1", True),
            ("x != 1", False),
            ("flag == True", True),
            ("flag != True", False),
            ("name == '甲'", True),
            ("name != '甲'", False),
            ("'a' < 'b'", True),
            ("flag and flag", True),
            ("flag and not flag", False),
            ("not flag or flag", True),
            ("not flag or not flag", False),
            ("flag and flag and flag", True),
            ("10 if flag else 0", D(10)),
            ("10 if not flag else 0", D(0)),
        ],
    )
    def test_operators(self, source: str, expected: object) -> None:
        """Each operator computes what it says, on Decimals and conditions alike."""
        assert expected == Expression.parse(source).evaluate(RUNTIME, FUNCTIONS)  # type: ignore[arg-type]


STATIC = {"x": "number", "b": "boolean", "t": "text"}
NOT_A_NUMBER = "write e.g. 'weight if passed else 0'"


class TestTypeProblemsExactly:
    @pytest.mark.parametrize(
        ("source", "problems"),
        [
            ("True + 1", ["'+' needs a number, not a condition at column 1"]),
            ("b * 2", ["'*' needs a number, not a condition at column 1"]),
            ("-t", ["'-' needs a number, not text at column 2"]),
            ("10 if x + 1 == t else 0", ["'==' compares a number with text at column 7"]),
            ("1 if b else t", ["the branches give a number and text at column 1"]),
            ("(u if b else 1) > t", ["'>' compares a number with text at column 2"]),
            ("(1 if b else u) > t", ["'>' compares a number with text at column 2"]),
            ("min(x, 1) > t", ["'>' compares a number with text at column 1"]),
            ("b and x", ["'and' needs a condition, not a number at column 7"]),
        ],
    )
    def test_problems_in_these_words(self, source: str, problems: list[str]) -> None:
        """Each clash names the operator, both types and the column of the part at fault."""
        found = Expression.parse(source).type_problems(STATIC, {"min": "number"})
        assert problems == [p for p in found if NOT_A_NUMBER not in p]

    @pytest.mark.parametrize(
        ("source", "what"), [("t", "text"), ("b", "a condition"), ("u if b else True", "a condition")]
    )
    def test_a_rule_must_give_a_number(self, source: str, what: str) -> None:
        """A rule whose result is a condition or text is refused, with the usual fix."""
        expected = [f"it gives {what}, not a number; {NOT_A_NUMBER}"]
        assert expected == Expression.parse(source).type_problems(STATIC, {})


class TestCalls:
    def test_call_arities(self) -> None:
        """Every call, nested ones too, with its number of arguments."""
        expression = Expression.parse("min(x, max(1, 2, 3)) + abs(y) * clamp(min(x), 0, 1)")
        assert [("min", 2), ("max", 3), ("abs", 1), ("clamp", 3), ("min", 1)] == expression.call_arities()

    @pytest.mark.parametrize(
        ("function", "count", "problem"),
        [
            ("abs", 2, ("takes 1 argument, not 2", "须有 1 个参数，现有 2 个")),
            ("clamp", 2, ("takes 3 arguments, not 2", "须有 3 个参数，现有 2 个")),
            ("min", 0, ("takes at least 1 argument, not 0", "至少须有 1 个参数，现有 0 个")),
            ("round", 3, ("takes 1 to 2 arguments, not 3", "须有 1 至 2 个参数，现有 3 个")),
            ("abs", 1, None),
            ("min", 5, None),
        ],
    )
    def test_arity_problem(self, function: str, count: int, problem: tuple[str, str] | None) -> None:
        """Why a function cannot take so many arguments, in both languages, or None when it can."""
        assert problem == arity_problem(FUNCTIONS[function], count)


class TestFreshStack:
    def test_runs_in_a_thread_of_its_own(self) -> None:
        """The function runs in a named thread, and its result comes back."""
        assert "perfrules-fresh-stack" == _fresh_stack(lambda: threading.current_thread().name)

    def test_its_exception_is_raised_in_the_caller(self) -> None:
        """What the function raises is raised again in the caller's thread."""

        def fail() -> None:
            raise ValueError("boom")

        with pytest.raises(ValueError, match=exactly("boom")):
            _fresh_stack(fail)

    def test_a_parse_that_runs_out_of_recursion_is_retried_on_a_fresh_stack(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The parser running out of recursion in the caller's stack (as deep in one) parses again in a fresh thread."""
        threads: list[str] = []
        parse = ast.parse

        def overflowing_once(*args: Any, **options: Any) -> ast.AST:
            threads.append(threading.current_thread().name)
            if len(threads) == 1:
                raise RecursionError
            return parse(*args, **options)

        with monkeypatch.context() as patch:
            patch.setattr(ast, "parse", overflowing_once)
            expression = Expression.parse("x + 2")
        assert D(3) == expression.evaluate({"x": D(1)}, {})
        assert [threading.current_thread().name, "perfrules-fresh-stack"] == threads

    def test_an_evaluation_that_runs_out_of_recursion_is_retried_on_a_fresh_stack(self) -> None:
        """Evaluation running out of recursion in the caller's stack (as deep in one) runs again in a fresh thread."""
        names = FirstLookupOverflows({"x": D(1)})
        assert D(3) == Expression.parse("x + 2").evaluate(names, {})
        assert [threading.current_thread().name, "perfrules-fresh-stack"] == names.threads


class FirstLookupOverflows(Mapping[str, Value]):
    """Names whose first lookup runs out of recursion, as it would deep in a caller's stack."""

    def __init__(self, values: dict[str, Value]) -> None:
        self.values = values
        self.threads: list[str] = []

    def __getitem__(self, name: str) -> Value:
        self.threads.append(threading.current_thread().name)
        if len(self.threads) == 1:
            raise RecursionError
        return self.values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)
