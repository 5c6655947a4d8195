"""Fuzzing: random expressions, documents and edits of real files. Only PerfrulesError ever leaves the API,
and no score falls outside [0, weight]."""

from __future__ import annotations

import contextlib
import string
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules._rules.expression import Expression
from perfrules._yaml import dump_yaml
from perfrules.exceptions import PerfrulesError

from .conftest import SEED_FACTS, SEED_SPEC

FACTS = ("x", "y", "weight", "claim")
ATOMS = st.one_of(
    st.sampled_from([*FACTS, "nope", "__class__", "True", "False", "None", '"文本"', "'a'", "…"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["0", "1", "0.5", "1e999", "1e-999", "9" * 45, "0x10", "1_000", "１２", "-0", ".5"]),
)
BINARY = ["+", "-", "*", "/", "**", "//", "%", "<", "<=", "==", "!=", ">", ">=", "and", "or", "in", "is", "^", "|"]
CALLS = ["min", "max", "clamp", "round", "abs", "floor", "within", "int", "float", "eval", "open", "__import__"]


@st.composite
def expression_texts(draw: st.DrawFn, depth: int = 4) -> str:
    """Text shaped like expressions: allowed and refused operators, calls, attributes, literals, IME forms."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(ATOMS)
    inner = expression_texts(depth - 1)
    shape = draw(st.integers(0, 7))
    if shape == 0:
        return f"{draw(inner)} {draw(st.sampled_from(BINARY))} {draw(inner)}"
    if shape == 1:
        return f"({draw(inner)})"
    if shape == 2:
        return f"{draw(inner)} if {draw(inner)} else {draw(inner)}"
    if shape == 3:
        arguments = draw(st.lists(inner, max_size=4))
        return f"{draw(st.sampled_from(CALLS))}({', '.join(arguments)})"
    if shape == 4:
        return f"{draw(st.sampled_from(['-', 'not ', '+', '~']))}{draw(inner)}"
    if shape == 5:
        return f"{draw(inner)}.{draw(st.sampled_from(['real', '__class__', 'x']))}"
    if shape == 6:
        return f"{draw(inner)}[{draw(inner)}]"
    return draw(inner).translate(str.maketrans("()+*0123456789", "（）＋＊０１２３４５６７８９"))


VALUES = st.one_of(
    st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=4),
    st.booleans(),
    st.sampled_from(["文本", ""]),
)


class TestExpressions:
    @given(st.text(max_size=300))
    def test_any_text(self, text: str) -> None:
        """Any text is an expression or an ExpressionError."""
        with contextlib.suppress(PerfrulesError):
            Expression.parse(text)

    @given(expression_texts(), st.fixed_dictionaries({name: VALUES for name in FACTS}))
    def test_shaped_text_parses_and_evaluates_safely(self, text: str, names: dict[str, Any]) -> None:
        """Text shaped like an expression parses or is refused, and evaluates or fails, only as perfrules errors."""
        try:
            expression = Expression.parse(text)
        except PerfrulesError:
            return
        functions = perfrules.default_registry().functions
        try:
            value = expression.evaluate(names, functions)
        except PerfrulesError:
            return
        assert isinstance(value, (Decimal, bool, str))


SPEC = """\
spec: 1
id: test/fuzz
version: "1"
name: 模糊
facts:
  x: {type: number}
  y: {type: number}
indicators:
  - {id: a, name: 甲, weight: 7.5, expression: EXPRESSION}
  - {id: b, name: 乙, weight: 2.5, kind: self_assessed}
grades: [{min: 6, label: 过}, {min: 0, label: 不过}]
"""


class TestSpecs:
    @given(
        expression_texts(),
        st.decimals(min_value=-(10**4), max_value=10**4, allow_nan=False, places=2),
        st.decimals(min_value=-(10**4), max_value=10**4, allow_nan=False, places=2),
        st.decimals(min_value=-5, max_value=5, allow_nan=False, places=1),
    )
    def test_any_rule_scores_within_its_weight(self, text: str, x: Decimal, y: Decimal, claim: Decimal) -> None:
        """Whatever a rule says, a spec is loaded or refused, and every score it gives lies in [0, weight]."""
        try:
            spec = perfrules.load_spec(SPEC.replace("EXPRESSION", dump_yaml(text).strip().removesuffix("...").strip()))
            evaluation = perfrules.evaluate(
                spec,
                {"facts": {"x": str(x), "y": str(y)}, "assessments": {"a": {"score": str(claim)}, "b": {"score": "1"}}},
            )
        except PerfrulesError:
            return
        for result in evaluation.walk():
            assert Decimal(0) <= result.score <= result.weight

    @settings(suppress_health_check=[*settings().suppress_health_check, HealthCheck.too_slow])
    @given(st.data())
    def test_edited_seed_spec(self, data: st.DataObject) -> None:
        """The seed spec with a random slice replaced by random text loads or is refused, and scores in range."""
        text = SEED_SPEC.read_text(encoding="utf-8")
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        insert = data.draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=20) | st.sampled_from(EDITS))
        try:
            spec = perfrules.load_spec(text[:start] + insert + text[end:])
            evaluation = perfrules.evaluate(spec, SEED_FACTS)
        except PerfrulesError:
            return
        for result in evaluation.walk():
            assert Decimal(0) <= result.score <= result.weight


EDITS = ["&a", "*a", "!!python/object:os.system", "---\n", "{", "]", "\t", ": :", "<<: *x", "0o17", "1e999", "yes", "~"]


@st.composite
def documents(draw: st.DrawFn, depth: int = 3) -> Any:
    """Random plain data with the keys specs and facts use, and odd values."""
    keys = st.sampled_from(
        [
            "spec",
            "id",
            "version",
            "name",
            "facts",
            "indicators",
            "weight",
            "expression",
            "kind",
            "children",
            "grades",
            "min",
            "label",
            "assessments",
            "score",
            "subject",
            "year",
            "budget",
            "funds",
            "review",
            "a",
            "1",
        ]
    ) | st.text(string.ascii_letters, min_size=1, max_size=8)
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**40), 10**40),
        st.text(max_size=20),
        st.decimals(allow_nan=False, allow_infinity=False).map(str),
        st.sampled_from(["weight", "x + 1", "/"]),
    )
    if depth == 0:
        return draw(scalars)
    inner = documents(depth - 1)
    return draw(st.one_of(scalars, st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)))


class TestDocuments:
    @given(documents())
    def test_random_documents(self, document: Any) -> None:
        """Random data, given as a mapping or as YAML text, is a spec or facts, or a perfrules error."""
        text = dump_yaml(document)
        for load in (perfrules.load_spec, perfrules.load_facts):
            for source in ([document] if isinstance(document, dict) else []) + [text + "\n# end\n"]:
                with contextlib.suppress(PerfrulesError):
                    load(source)

    @given(st.text(max_size=400))
    def test_random_text(self, text: str) -> None:
        """Any text at all is a spec or a perfrules error."""
        with contextlib.suppress(PerfrulesError):
            perfrules.load_spec(text + "\n")
