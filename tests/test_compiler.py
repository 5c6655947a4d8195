"""Compiled rules: generated code that computes exactly what the interpreter computes, fails in its words, and
cannot be steered by the text of a spec."""

from __future__ import annotations

import ast
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules._engine.plan import plan
from perfrules._rules.compiler import NotCompiled, compile_rule, generate
from perfrules._rules.expression import Expression, Interpreter, Value
from perfrules._rules.functions import BUILTIN_RETURNS
from perfrules.exceptions import EvaluationError, PerfrulesError
from perfrules.testing import registry

from .strategies import facts_for, spec_documents

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = registry().functions
TYPED = {"n0": "number", "n1": "number", "b0": "boolean", "t0": "text", "weight": "number"}
UNTYPED = ("u0", "u1")  # names whose type the compiler is not told: the checked operators run

numbers = st.sampled_from(["0", "1", "0.5", "2.50", "100", "0.005", "1e3", "3"])
number_values = st.sampled_from(["0", "-1", "1", "2.5", "100.00", "1E+2"]).map(Decimal)  # equal values are common
text_values = st.sampled_from(["达成", "未达成", ""])
any_values = number_values | st.booleans() | text_values


def expressions() -> st.SearchStrategy[str]:
    """Expressions of every allowed node: arithmetic, comparisons and chains, conditions, branches, calls, with
    names of proven types and of unknown ones, so both the native and the checked operators run."""
    atoms = (
        numbers
        | st.sampled_from([*TYPED, *UNTYPED, "True", "False", "'达成'", "claim"])
        | st.sampled_from(["-n0", "+n1", "(not b0)"])
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        pairs = st.tuples(inner, inner)
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})"),
            st.tuples(inner, inner, inner, inner).map(lambda t: f"({t[0]} == {t[1]} != {t[2]} >= {t[3]})"),
            pairs.map(lambda t: f"({t[0]} and {t[1]})"),
            pairs.map(lambda t: f"({t[0]} or {t[1]})"),
            inner.map(lambda t: f"(not {t})"),
            inner.map(lambda t: f"(-({t}))"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            pairs.map(lambda t: f"min({t[0]}, {t[1]})"),
            pairs.map(lambda t: f"max({t[0]}, {t[1]}, 1)"),
            inner.map(lambda t: f"abs({t})"),
            pairs.map(lambda t: f"clamp({t[0]}, 0, {t[1]})"),
            pairs.map(lambda t: f"within({t[0]}, 0, {t[1]})"),
            pairs.map(lambda t: f"round({t[0]}, {t[1]})"),
        )

    return st.recursive(atoms, extend, max_leaves=10)


def outcome(run: Any, names: dict[str, Value]) -> tuple[str, str]:
    """What a run gives: its value with its type and exact digits, or its error's message."""
    try:
        value = run(names)
    except EvaluationError as e:
        return ("error", str(e.args[0]))
    return (type(value).__name__, str(value))


class TestEquality:
    @given(
        source=expressions(),
        typed=st.fixed_dictionaries(
            {
                "n0": number_values,
                "n1": number_values,
                "b0": st.booleans(),
                "t0": text_values,
                "weight": number_values,
            }
        ),
        untyped=st.fixed_dictionaries({name: any_values for name in UNTYPED}),
        claim=st.none() | number_values,
    )
    def test_compiled_rule_equals_the_interpreter(
        self, source: str, typed: dict[str, Value], untyped: dict[str, Value], claim: Decimal | None
    ) -> None:
        """Every expression gives the same value (type and digits) or the same error message either way."""
        expression = Expression.parse(source)
        names = {**typed, **untyped, **({"claim": claim} if claim is not None else {})}
        types = {**TYPED, "claim": "number"}
        compiled = compile_rule(expression, FUNCTIONS, types, BUILTIN_RETURNS)
        interpreted = Interpreter(FUNCTIONS).run
        assert outcome(lambda n: interpreted(expression, n), names) == outcome(compiled, names)

    @pytest.mark.parametrize(
        ("source", "names"),
        [
            ("n0 / n1", {"n0": Decimal(1), "n1": Decimal(0)}),
            ("n0 / (n1 - n1)", {"n0": Decimal(0), "n1": Decimal(3)}),
            ("u0 + 1", {"u0": "达成"}),
            ("u0 if u1 else 1", {"u0": Decimal(1), "u1": Decimal(2)}),
            ("u0 < u1", {"u0": True, "u1": False}),
            ("missing + 1", {}),
            ("n0 * 1e29 * 1e29 * 1e29 * 1e29 * 1e29 * 1e29 * 1e29 * 1e29 * 1e29 * 1e29 * 1e29", {"n0": Decimal(9)}),
            ("within(n0, 0, n1)", {"n0": Decimal(1), "n1": Decimal(0)}),
            ("round(n0, u0)", {"n0": Decimal(1), "u0": True}),
            ("1.0 * n0 + 1.00 * n0", {"n0": Decimal(2)}),
        ],
    )
    def test_failures_and_digits(self, source: str, names: dict[str, Value]) -> None:
        """Zero denominators (naming them), type rules, missing names, overflow, a function's refusal, and literals
        that are equal but not alike (1.0 and 1.00) give what the interpreter gives."""
        expression = Expression.parse(source)
        compiled = compile_rule(expression, FUNCTIONS, {**TYPED, "missing": "number"}, BUILTIN_RETURNS)
        expected = outcome(lambda n: Interpreter(FUNCTIONS).run(expression, n), names)
        assert expected == outcome(compiled, names)
        assert source != "1.0 * n0 + 1.00 * n0" or ("Decimal", "4.00") == expected

    @pytest.mark.parametrize("op", ["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"])
    def test_every_operator_on_every_pair(self, op: str) -> None:
        """Each operator, native (proven numbers) and checked (unknown types), on equal and unequal pairs, agrees."""
        values: list[Value] = [Decimal(0), Decimal(1), Decimal("1.0"), Decimal(-2), True, False, "达成"]
        for source in (f"n0 {op} n1", f"u0 {op} u1", f"-n0 {op} n1 {op} n0" if op not in ("and", "or") else "n0"):
            expression = Expression.parse(source)
            compiled = compile_rule(expression, FUNCTIONS, TYPED, BUILTIN_RETURNS)
            for left, right in itertools.product(values, repeat=2):
                numbers_only = "u0" not in source  # a declared number fact is always a number
                if numbers_only and not all(isinstance(v, Decimal) for v in (left, right)):
                    continue
                names = {"n0": left, "n1": right, "u0": left, "u1": right}
                expected = outcome(lambda n, e=expression: Interpreter(FUNCTIONS).run(e, n), names)
                assert expected == outcome(compiled, names), (source, left, right)

    @given(document=spec_documents(), data=st.data())
    def test_forms_score_alike(self, document: dict[str, Any], data: st.DataObject) -> None:
        """Generated specs and facts (every built-in kind, N/A, both claims policies, both rounding stages) give
        the same JSON result, diagnostics included, with either engine."""
        spec = perfrules.load_spec(document)
        facts = perfrules.load_facts(data.draw(facts_for(document)))
        results = []
        for engine in ("compiled", "interpreter"):
            try:
                results.append(perfrules.render(perfrules.evaluate(spec, facts, engine=engine), "json"))
            except PerfrulesError as e:
                results.append(repr((type(e).__name__, str(e), e.diagnostics)))
        assert results[0] == results[1]


class TestPlans:
    @pytest.mark.parametrize(
        "path",
        sorted([*ROOT.glob("specs/**/*.yaml"), *ROOT.glob("plugins/*/src/*/specs/*.yaml")]),
        ids=lambda p: p.name,
    )
    def test_shipped_specs_compile_every_rule(self, path: Path) -> None:
        """Every rule of every shipped spec, the plugins' included, is compiled: no fallback."""
        spec = perfrules.load_spec(path)
        planned = plan(spec, spec.registry)  # type: ignore[arg-type]
        assert {} == dict(planned.fallbacks)
        assert all(rule.compiled for rule in planned.rules.values())

    def test_the_interpreter_on_request(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """``engine="interpreter"`` or PERFRULES_ENGINE runs the interpreter; anything else is refused."""
        spec = perfrules.load_spec(ROOT / "specs" / "guangzhou" / "department-overall-2022.yaml")
        assert not any(rule.compiled for rule in plan(spec, spec.registry, "interpreter").rules.values())  # type: ignore[arg-type]
        facts = ROOT / "examples" / "huangpu-fic-2022.yaml"
        monkeypatch.setenv("PERFRULES_ENGINE", "interpreter")
        assert Decimal("95.91") == perfrules.evaluate(spec, facts).total
        monkeypatch.setenv("PERFRULES_ENGINE", "fast")
        with pytest.raises(ValueError, match="PERFRULES_ENGINE"):
            perfrules.evaluate(spec, facts)
        with pytest.raises(ValueError, match="engine"):
            perfrules.evaluate(spec, facts, engine="quick")  # type: ignore[arg-type]

    def test_a_rule_that_cannot_compile_is_counted(self) -> None:
        """A rule calling a function the plan's registry lacks runs on the interpreter, and the plan says so."""

        class Plugin:
            @perfrules.hookimpl
            def perfrules_register_functions(self, register: Any) -> None:
                register("double", lambda x: x * 2)

        text = "spec: 1\nid: t/c\nversion: '1'\nname: 测\nfacts: {x: {}}\nindicators:\n  - {id: a, name: 甲, weight: 10, expression: 'min(double(x), weight)'}\ngrades: [{min: 0, label: 差}]\n"
        spec = perfrules.load_spec(text, registry=registry(Plugin()))
        planned = plan(spec, registry())
        assert ["a", "t/c"] == list(planned.fallbacks) and "double" in planned.fallbacks["a"]
        assert planned.program is None and "double" in planned.fallbacks["t/c"]
        assert not planned.rules["a"].compiled
        assert {} == dict(plan(spec, spec.registry).fallbacks)  # type: ignore[arg-type]


class TestSafety:
    @pytest.mark.parametrize(
        "text",
        [
            "\"); import os; os.system('echo') #",
            "__import__('os')",
            "'\\n    return open(\"/etc/passwd\")\\n'",
            "names.__class__",
        ],
    )
    def test_no_spec_text_in_the_code(self, text: str) -> None:
        """Text literals and names reach the generated code only as entries of its constant table."""
        expression = Expression.parse(f"1 if t0 == {json.dumps(text)} else 0")
        source, namespace = generate(expression, FUNCTIONS, TYPED, BUILTIN_RETURNS)
        assert text not in source and "t0" not in source
        assert text in namespace.values() and {} == namespace["__builtins__"]

    @pytest.mark.parametrize(
        "source",
        ["().__class__", "__import__('os')", "open('x')", "[x for x in y]", "lambda: 1", "x ** 99", "eval('1')"],
    )
    def test_escapes_never_reach_the_compiler(self, source: str) -> None:
        """The escape attempts are refused when parsed, or, for calls, compile only against registered functions."""
        try:
            expression = Expression.parse(source)
        except perfrules.exceptions.ExpressionError:
            return
        with pytest.raises(NotCompiled, match="no function"):
            compile_rule(expression, FUNCTIONS, TYPED, BUILTIN_RETURNS)

    def test_a_node_outside_the_allow_list_is_not_compiled(self) -> None:
        """Defence in depth: a tree holding a node the allow-list refuses (here built by hand) is not compiled."""
        expression = Expression.parse("n0 + 1")
        tree = ast.BinOp(
            ast.Attribute(ast.Name("n0", ast.Load()), "real", ast.Load()), ast.Add(), ast.Constant(Decimal(1))
        )
        forged = Expression(
            expression.source, tree=tree, names=expression.names, functions=frozenset(), denominators=frozenset()
        )
        with pytest.raises(NotCompiled, match="Attribute"):
            compile_rule(forged, FUNCTIONS, TYPED, BUILTIN_RETURNS)

    def test_no_spec_text_in_the_form(self) -> None:
        """A whole form's generated code holds no text of the spec: ids, names, fact names and literals are
        entries of its namespace; it runs with no builtins, and scores as the interpreter does."""
        injected = "\"); import os; os.system('echo') #"
        document = {
            "spec": 1,
            "id": "t/inject",
            "version": "1",
            "name": injected,
            "facts": {"mode": {"type": "text", "values": [injected, "plain"]}, "rate": {"min": 0, "max": 1}},
            "indicators": [
                {
                    "id": "x1",
                    "name": injected,
                    "weight": 5,
                    "expression": f"weight if mode == {json.dumps(injected)} else 0",
                },
                {"id": "x2", "name": injected, "weight": 5, "expression": "weight * rate"},
            ],
            "grades": [{"min": 0, "label": "差"}],
        }
        spec = perfrules.load_spec(document)
        program = plan(spec, spec.registry).program  # type: ignore[arg-type]
        assert program is not None
        for text in (injected, "mode", "rate", "x1", "x2", "t/inject"):
            assert text not in program.source
        facts = perfrules.load_facts({"facts": {"mode": injected, "rate": Decimal("0.5")}})
        compiled = perfrules.evaluate(spec, facts)
        assert compiled.compiled and {"x1": Decimal(5), "x2": Decimal("2.5")} == dict(compiled.scores)
        assert compiled == perfrules.evaluate(spec, facts, engine="interpreter")
