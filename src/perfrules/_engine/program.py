"""The compiled form: a plan's whole form as one generated function of a unit's facts and claims.

The function is straight-line exact code, generated once per plan from the plan alone: each declared fact read
and checked once, each leaf's rule written inline (`_rules.compiler.Emitter`) with its weight folded in, clamped
and rounded, each parent the sum of its children, the total rounded. It scores the forms that need nothing more:
every fact present and valid, claims only on leaves and within their weights, no indicator marked not
applicable and no rule failing; a clamped score or a claim that differs it notes, for the caller to word. For
any other form it returns why not, and the general scorer (`scoring`) scores the form instead, with everything
it has to say; so the compiled form never has to explain an error. Results are built from its flat scores only
when they are read.
"""

from __future__ import annotations

import ast
import decimal
import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import CodeType
from typing import Any

from attrs import frozen

from .._inputs.facts import Assessment
from .._numbers import ARITHMETIC, EXACT, ROUNDING_MODES, quantize, to_decimal
from .._plugins.registry import BUILTIN, Registry
from .._rules.compiler import Emitter, NotCompiled
from .._rules.functions import BUILTIN_RETURNS
from .._spec.model import Indicator, Spec

Event = tuple[str, str, Decimal, Decimal]
"""A warning to word: ``score-clamped`` (id, value, clamped) or ``claim-differs`` (id, claim, computed rounded)."""
Outcome = tuple[dict[str, Decimal], tuple[Decimal, ...], Decimal, list[Event]] | str
"""Every indicator's score by id (parents before children), the computed leaves' values (in `Program.computed`'s
order), the total and the warnings to word; or why the form is not scored here."""


@frozen
class Program:
    """A spec's whole form, compiled.

    Attributes:
        spec: The spec.
        computed: The ids of the leaves whose rules compute, in the order of their values.
        run: ``run(values, assessments, keep_claims)``: the facts as written, the assessments, and whether
            claims are reported (the ``self`` policy); gives the `Outcome`: the scores, the computed values,
            the total and the warnings to word, or the reason the general scorer must score the form.
        source: The generated code, for reading.
    """

    spec: Spec
    computed: tuple[str, ...]
    run: Callable[[Mapping[str, Any], Mapping[str, Assessment], bool], Outcome]
    source: str


def compile_form(spec: Spec, registry: Registry) -> Program:
    """*spec*'s form as one generated function.

    Raises:
        NotCompiled: the spec has a feature the compiled form does not cover (alternatives, open slots).
    """
    for indicator in spec.walk():
        if indicator.alternatives is not None:
            raise NotCompiled(f"{indicator.id}: alternatives are scored by the general scorer")
        if indicator.slot is not None and indicator.is_leaf:
            raise NotCompiled(f"{indicator.id}: an open slot is filled per unit")
    writer = _Writer(spec, registry)
    source = writer.source()
    try:
        code = _code(source)
    except (RecursionError, MemoryError, SyntaxError) as e:
        raise NotCompiled(f"{type(e).__name__}: {e}") from None
    namespace = writer.emitter.namespace
    exec(code, namespace)  # noqa: S102  # generated from the plan's vetted trees only; see docs/security.md
    return Program(spec, tuple(writer.computed), namespace["form"], source)


def proven_types(spec: Spec, registry: Registry) -> tuple[dict[str, str], dict[str, str]]:
    """The types the spec's rules can rely on: of each name they read, and of each built-in function's result."""
    types: dict[str, str] = {name: declaration.type for name, declaration in spec.facts.items()}
    types |= {"weight": "number", "claim": "number"}
    returns = {
        name: kind
        for name, kind in BUILTIN_RETURNS.items()
        if (provider := registry.provider("functions", name)) is not None and provider.plugin == BUILTIN
    }
    return types, returns


@functools.lru_cache(maxsize=256)
def _code(source: str) -> CodeType:
    """*source* compiled; kept, since the forms of units that fill a skeleton alike differ only in constants."""
    return compile(source, "<perfrules form>", "exec")


class _Writer:
    """The generated source of one spec's form function."""

    def __init__(self, spec: Spec, registry: Registry) -> None:
        self.spec = spec
        self.locals = {name: f"f{index}" for index, name in enumerate(spec.facts)}
        self.emitter = Emitter(registry.functions, *proven_types(spec, registry), self.locals, native=True)
        self.emitter.namespace.update(
            __builtins__={},
            _D=Decimal,
            _len=len,
            _bool=bool,
            _str=str,
            _Z=Decimal(0),
            _EXACT=EXACT,
            _ARITHMETIC=functools.partial(decimal.localcontext, ARITHMETIC),
            _EXACT_CONTEXT=functools.partial(decimal.localcontext, EXACT),
            _MODE=ROUNDING_MODES[spec.rounding],
            _Q=Decimal(1).scaleb(-spec.precision),
            _number=to_decimal,
            _ZERO=quantize(Decimal(0), spec.precision, spec.rounding),
        )
        self.lines: list[str] = []
        self.scores: dict[str, str] = {}
        self.computed: dict[str, str] = {}

    def name(self, value: object) -> str:
        return self.emitter.name(value)

    def line(self, text: str, depth: int = 1) -> None:
        self.lines.append("    " * depth + text)

    def refuse(self, condition: str, reason: str, depth: int) -> None:
        """Where *condition* holds, hand the form to the general scorer, saying why."""
        self.line(f"if {condition}:", depth)
        self.line(f"return {reason!r}", depth + 1)

    def source(self) -> str:
        # One decimal context for all of it, the interpreter's; the sums and the total too, where every partial
        # sum is exact in it (scores rounded per indicator, few enough digits), else the general scorer's.
        spec = self.spec
        self.line("with _ARITHMETIC():")
        self.refuse(f"_len(raw) != {len(spec.facts)}", "facts", 2)
        for name, declaration in spec.facts.items():
            self.fact(self.locals[name], name, declaration)
        self.line("assessment_of = assessments.get", 2)
        self.line("seen = 0", 2)
        self.line("events = []", 2)
        for indicator in spec.walk():
            if indicator.is_leaf:
                self.leaf(indicator)
        # An assessment of a parent, or of no indicator at all, is for the general scorer to judge.
        self.refuse("seen != _len(assessments)", "assessments", 2)
        depth = 2
        if spec.round_at != "indicator" or spec.full_marks.adjusted() + 1 + spec.precision > ARITHMETIC.prec:
            self.line("with _EXACT_CONTEXT():", 2)
            depth = 3
        for indicator in _post_order(spec.indicators):
            if not indicator.is_leaf:
                terms = " + ".join(self.scores[child.id] for child in indicator.children)
                self.scores[indicator.id] = variable = f"s{len(self.scores)}"
                self.line(f"{variable} = _Z + {terms}", depth)
        top = " + ".join(self.scores[indicator.id] for indicator in spec.indicators)
        self.line(f"total = (_Z + {top}).quantize(_Q, _MODE, _EXACT)", depth)
        scores = ", ".join(f"{self.name(i.id)}: {self.scores[i.id]}" for i in spec.walk())
        computed = "".join(f"{self.computed[i]}, " for i in self.computed)
        self.line(f"return {{{scores}}}, ({computed}), total, events", 2)
        return "def form(raw, assessments, keep_claims):\n" + "\n".join(self.lines) + "\n"

    def fact(self, local: str, name: str, declaration: Any) -> None:
        """Read fact *name* into *local*, returning the reason for the general scorer when it is not plainly valid."""
        self.line(f"{local} = raw.get({self.name(name)})", 2)
        if declaration.type == "number":
            bounded = declaration.min is not None and declaration.max is not None
            # The common case checked inline, the rest (ints, numerals, zeros) as bind() does; FIT raises for a
            # number out of range; an infinity or NaN fails the bounds, where both are declared.
            finite = "" if bounded else f" or not {local}.is_finite()"
            self.line(f"if {local}.__class__ is not _D or not {local}{finite}:", 2)
            self.line(f"{local} = _number({local})", 3)
            self.refuse(f"{local} is None", "facts", 3)
            self.line(f"_FIT({local})", 2)
            bounds = []
            if declaration.min is not None:
                bounds.append(f"{local} < {self.name(declaration.min)}")
            if declaration.max is not None:
                bounds.append(f"{local} > {self.name(declaration.max)}")
            if bounds:
                self.refuse(" or ".join(bounds), "facts", 2)
        elif declaration.type == "boolean":
            self.refuse(f"{local}.__class__ is not _bool", "facts", 2)
        else:
            self.refuse(f"{local}.__class__ is not _str", "facts", 2)
            if declaration.values is not None:
                self.refuse(f"{local} not in {self.name(frozenset(declaration.values))}", "facts", 2)

    def claim(self, indicator: Indicator) -> None:
        """Read the leaf's claim into ``c``, rounded as the general scorer rounds it; None when it has none."""
        self.line("c = None", 2)
        self.line(f"if assessments and (a := assessment_of({self.name(indicator.id)})) is not None:", 2)
        self.line("seen += 1", 3)
        self.refuse("a.not_applicable", "not-applicable", 3)
        self.line("c = a.score", 3)
        self.line("if c is not None:", 3)
        # Within the weight and no more decimals than the precision (so rounding it changes no value), as bind()
        # checks; a zero comes out positive, as quantize() gives it.
        self.refuse(f"not _Z <= c <= {self.name(indicator.weight)}", "claim", 4)
        self.line("q = c.quantize(_Q, _MODE, _EXACT)", 4)
        self.refuse("q != c", "claim", 4)
        self.line("c = q if q else _ZERO", 4)

    def leaf(self, indicator: Indicator) -> None:
        """Score one leaf into ``s<n>`` (and its computed value into ``m<n>``)."""
        index = len(self.scores)
        score = self.scores[indicator.id] = f"s{index}"
        self.claim(indicator)
        expression = indicator.rule.expression if indicator.rule else None
        if expression is None or "claim" in expression.names:
            self.refuse("c is None", "missing-claim", 2)
        if expression is None:  # self-assessed: the claim is the score
            self.line(f"{score} = c", 2)
            return
        computed = self.computed[indicator.id] = f"m{index}"
        weight = self.name(indicator.weight)
        self.emitter.reads = {**self.locals, "weight": weight, "claim": "c"}
        code, kind = self.emitter.emit(expression._tree)
        self.line(f"v = {code}", 2)
        if kind != "number":
            self.refuse("v.__class__ is not _D", "not-a-number", 2)
        if self.within_weight(expression._tree, indicator.weight):
            self.finish(indicator, score, computed)
            return
        # Clamped as bounded() does, noting it: the caller words the warning when there is one.
        self.line("if v <= _Z:", 2)
        self.line("if v:", 3)
        self.line(f'events.append(("score-clamped", {self.name(indicator.id)}, v, _Z))', 4)
        self.line("v = _Z", 3)
        self.line(f"elif v > {weight}:", 2)
        self.line(f'events.append(("score-clamped", {self.name(indicator.id)}, v, {weight}))', 3)
        self.line(f"v = {weight}", 3)
        self.finish(indicator, score, computed)

    def within_weight(self, node: ast.AST, weight: Decimal) -> bool:
        """Whether the rule can only give constants that clamping leaves as they are (bands, binary, tiers)."""
        if isinstance(node, ast.IfExp):
            return self.within_weight(node.body, weight) and self.within_weight(node.orelse, weight)
        value: object = node.value if isinstance(node, ast.Constant) else None
        if not isinstance(value, Decimal):
            return False
        # bounded() gives Decimal(0) for any zero: the same once rounded per indicator, or when written so.
        return 0 < value <= weight or (value == 0 and (self.spec.round_at == "indicator" or str(value) == "0"))

    def finish(self, indicator: Indicator, score: str, computed: str) -> None:
        """Round the leaf's value, keep it as computed, and choose between it and the claim."""
        rounded = "v.quantize(_Q, _MODE, _EXACT)"
        if self.spec.round_at == "indicator":
            self.line(f"v = {rounded}", 2)
            rounded = "v"
        self.line(f"{computed} = v", 2)
        self.line("if c is None:", 2)
        self.line(f"{score} = v", 3)
        self.line("else:", 2)
        self.line(f"if {rounded} != c:", 3)
        self.line(f'events.append(("claim-differs", {self.name(indicator.id)}, c, {rounded}))', 4)
        self.line(f"{score} = c if keep_claims else v", 3)


def _post_order(indicators: tuple[Indicator, ...]) -> list[Indicator]:
    found: list[Indicator] = []
    for indicator in indicators:
        found.extend(_post_order(indicator.children))
        found.append(indicator)
    return found
