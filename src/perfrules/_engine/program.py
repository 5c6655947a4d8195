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
from .._numbers import ARITHMETIC, EXACT, MAX_MAGNITUDE, ROUNDING_MODES, quantize, to_decimal
from .._plugins.registry import BUILTIN, Registry
from .._rules.bounds import Bounds, number_literal, prove
from .._rules.compiler import Emitter, NotCompiled
from .._rules.functions import BUILTIN_RETURNS
from .._spec.model import Indicator, Spec

USUAL = decimal.Context(
    prec=20,
    Emin=-10,
    Emax=MAX_MAGNITUDE - 1,
    traps=[decimal.Rounded, decimal.Subnormal, decimal.Overflow, decimal.Clamped, decimal.InvalidOperation],
)
"""Raises for a fact the compiled form leaves to the general scorer: more than 20 digits, a size below 10**-10 or
from 10**30 (a zero: an exponent below -29 or past 10). Bounded so, facts give rules whose bounds can be proven:
no digit below 10**-29 (`bounds`)."""
_LARGEST = Decimal(10) ** MAX_MAGNITUDE

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


@functools.cache
def _rounding(mode: str) -> decimal.Context:
    """The `EXACT` context rounding in *mode*: its ``quantize`` is `quantize` to a given exponent."""
    context = EXACT.copy()
    context.rounding = ROUNDING_MODES[mode]
    return context


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
            # Rounding to the precision as quantize() does, in the EXACT context with the spec's mode.
            _ROUND=_rounding(spec.rounding).quantize,
            _ARITHMETIC=functools.partial(decimal.localcontext, ARITHMETIC),
            _EXACT_CONTEXT=functools.partial(decimal.localcontext, EXACT),
            _Q=Decimal(1).scaleb(-spec.precision),
            _number=to_decimal,
            _USUAL=USUAL.plus,
            _ZERO=quantize(Decimal(0), spec.precision, spec.rounding),
        )
        self.facts = {
            name: _fact_bounds(declaration) for name, declaration in spec.facts.items() if declaration.type == "number"
        }
        self.lines: list[str] = []
        self.indent = 0
        self.scores: dict[str, str] = {}
        self.computed: dict[str, str] = {}

    def name(self, value: object) -> str:
        return self.emitter.name(value)

    def line(self, text: str, depth: int = 1) -> None:
        self.lines.append("    " * (self.indent + depth) + text)

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
        self.line("events = []", 2)
        # Most forms claim nothing: their leaves are written a second time, without reading claims.
        self.line("if not assessments:", 2)
        self.indent = 1
        self.leaves(claims=False)
        self.indent = 0
        self.line("else:", 2)
        self.indent = 1
        self.line("assessment_of = assessments.get", 2)
        self.line("seen = 0", 2)
        self.leaves(claims=True)
        # An assessment of a parent, or of no indicator at all, is for the general scorer to judge.
        self.refuse("seen != _len(assessments)", "assessments", 2)
        self.indent = 0
        depth = 2
        # Scores rounded per indicator are already exact in the form's context; an unrounded one may not be.
        rounded = spec.round_at == "indicator"
        if not rounded or spec.full_marks.adjusted() + 1 + spec.precision > ARITHMETIC.prec:
            self.line("with _EXACT_CONTEXT():", 2)
            depth = 3
        # Scores rounded per indicator carry the precision's exponent and are never -0, so Decimal(0) + ...
        # (as sum() adds them) changes nothing.
        start = "" if rounded else "_Z + "
        for indicator in _post_order(spec.indicators):
            if not indicator.is_leaf:
                terms = " + ".join(self.scores[child.id] for child in indicator.children)
                self.scores[indicator.id] = variable = f"s{len(self.scores)}"
                self.line(f"{variable} = {start}{terms}", depth)
        top = " + ".join(self.scores[indicator.id] for indicator in spec.indicators)
        self.line(f"total = _ROUND({start}{top}, _Q)", depth)
        scores = ", ".join(f"{self.name(i.id)}: {self.scores[i.id]}" for i in spec.walk())
        computed = "".join(f"{self.computed[i]}, " for i in self.computed)
        self.line(f"return {{{scores}}}, ({computed}), total, events", 2)
        return "def form(raw, assessments, keep_claims):\n" + "\n".join(self.lines) + "\n"

    def fact(self, local: str, name: str, declaration: Any) -> None:
        """Read fact *name* into *local*, returning the reason for the general scorer when it is not plainly valid."""
        self.line(f"{local} = raw[{self.name(name)}]", 2)
        if declaration.type == "number":
            # The common case checked inline, the rest (ints, numerals, zeros) as bind() does; USUAL raises for
            # a number bind() refuses and for an unusual one (see `USUAL`), but lets an infinity or a NaN through:
            # the declared bounds refuse those, where both are declared.
            bounded = declaration.min is not None and declaration.max is not None
            finite = "" if bounded else f" or not {local}.is_finite()"
            self.line(f"if {local}.__class__ is not _D or not {local}{finite}:", 2)
            self.line(f"{local} = _number({local})", 3)
            self.refuse(f"{local} is None", "facts", 3)
            self.line(f"_USUAL({local})", 2)
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

    def leaves(self, *, claims: bool) -> None:
        self.scores.clear()
        for indicator in self.spec.walk():
            if indicator.is_leaf and not self.leaf(indicator, claims=claims):
                return

    def claim(self, indicator: Indicator) -> None:
        """Read the leaf's claim into ``c``, rounded as the general scorer rounds it; None when it has none."""
        self.line("c = None", 2)
        self.line(f"if (a := assessment_of({self.name(indicator.id)})) is not None:", 2)
        self.line("seen += 1", 3)
        self.refuse("a.not_applicable", "not-applicable", 3)
        self.line("c = a.score", 3)
        self.line("if c is not None:", 3)
        # Within the weight and no more decimals than the precision (so rounding it changes no value), as bind()
        # checks; a zero comes out positive, as quantize() gives it.
        self.refuse(f"not _Z <= c <= {self.name(indicator.weight)}", "claim", 4)
        self.line("q = _ROUND(c, _Q)", 4)
        self.refuse("q != c", "claim", 4)
        self.line("c = q if q else _ZERO", 4)

    def leaf(self, indicator: Indicator, *, claims: bool) -> bool:
        """Score one leaf into ``s<n>`` (and its computed value into ``m<n>``); False where no form gets further."""
        index = len(self.scores)
        score = self.scores[indicator.id] = f"s{index}"
        if claims:
            self.claim(indicator)
        expression = indicator.rule.expression if indicator.rule else None
        if expression is None or "claim" in expression.names:
            if not claims:
                self.line("return 'missing-claim'", 2)
                return False
            self.refuse("c is None", "missing-claim", 2)
        if expression is None:  # self-assessed: the claim is the score
            self.line(f"{score} = c", 2)
            return True
        computed = self.computed[indicator.id] = f"m{index}"
        tree = expression._tree
        weight = self.name(indicator.weight)
        self.emitter.reads = {**self.locals, "weight": weight, "claim": "c"}
        names = {**self.facts, "weight": Bounds.constant(indicator.weight)}
        if claims:
            names["claim"] = _claim_bounds(indicator.weight, self.spec.precision)
        self.emitter.proven = prove(tree, names, frozenset(self.emitter.returns))
        if self.spec.round_at == "indicator" and self.within_weight(tree, indicator.weight):
            # Only literals within the weight: each written rounded, as clamping and rounding would leave it.
            self.line(f"v = {self.rounded(tree, indicator.weight)}", 2)
            self.choose(indicator, score, computed, claims, "v")
            return True
        code, kind = self.emitter.emit(tree)
        self.line(f"v = {code}", 2)
        if kind != "number":
            self.refuse("v.__class__ is not _D", "not-a-number", 2)
        bounds = self.emitter.proven.get(id(tree)) or Bounds()
        if not self.within_weight(tree, indicator.weight):
            self.clamp(indicator, bounds)
        rounded = "_ROUND(v, _Q)"
        if self.spec.round_at == "indicator":
            self.line(f"v = {rounded}", 2)
            rounded = "v"
        self.choose(indicator, score, computed, claims, rounded)
        return True

    def clamp(self, indicator: Indicator, bounds: Bounds) -> None:
        """Clamp ``v`` to [0, weight] as bounded() does, noting it for the caller to word; where *bounds* show a
        side cannot be passed, that side is not checked, though any zero still becomes Decimal(0)."""
        weight = self.name(indicator.weight)
        keyword = "if"
        if bounds.low is None or bounds.low < 0:
            self.line("if v <= _Z:", 2)
            self.line("if v:", 3)
            self.line(f'events.append(("score-clamped", {self.name(indicator.id)}, v, _Z))', 4)
            self.line("v = _Z", 3)
            keyword = "elif"
        elif bounds.low == 0:
            self.line("if not v:", 2)
            self.line("v = _Z", 3)
            keyword = "elif"
        if bounds.high is None or bounds.high > indicator.weight:
            self.line(f"{keyword} v > {weight}:", 2)
            self.line(f'events.append(("score-clamped", {self.name(indicator.id)}, v, {weight}))', 3)
            self.line(f"v = {weight}", 3)

    def within_weight(self, node: ast.AST, weight: Decimal) -> bool:
        """Whether the rule can only give constants that clamping leaves as they are (bands, binary, tiers)."""
        if isinstance(node, ast.IfExp):
            return self.within_weight(node.body, weight) and self.within_weight(node.orelse, weight)
        value = _literal(node, weight)
        if value is None:
            return False
        # bounded() gives Decimal(0) for any zero: the same once rounded per indicator, or when written so.
        return 0 < value <= weight or (value == 0 and (self.spec.round_at == "indicator" or str(value) == "0"))

    def rounded(self, node: ast.AST, weight: Decimal) -> str:
        """The code of a rule of literals (`within_weight`), each literal rounded to the precision."""
        if isinstance(node, ast.IfExp):
            test = self.emitter.condition(node.test, "if")
            return f"({self.rounded(node.body, weight)} if {test} else {self.rounded(node.orelse, weight)})"
        value = _literal(node, weight)
        return self.name(quantize(value, self.spec.precision, self.spec.rounding))  # type: ignore[arg-type]

    def choose(self, indicator: Indicator, score: str, computed: str, claims: bool, rounded: str) -> None:
        """Keep ``v`` as computed and choose between it and the claim (*rounded*: the code of ``v`` rounded)."""
        if not claims:
            self.line(f"{score} = {computed} = v", 2)
            return
        self.line(f"{computed} = v", 2)
        self.line("if c is None:", 2)
        self.line(f"{score} = v", 3)
        self.line("else:", 2)
        self.line(f"if {rounded} != c:", 3)
        self.line(f'events.append(("claim-differs", {self.name(indicator.id)}, c, {rounded}))', 4)
        self.line(f"{score} = c if keep_claims else v", 3)


def _literal(node: ast.AST, weight: Decimal) -> Decimal | None:
    """The number a node of a rule always gives: a literal, or ``weight``; None for any other node."""
    return weight if isinstance(node, ast.Name) and node.id == "weight" else number_literal(node)


def _fact_bounds(declaration: Any) -> Bounds:
    """What a number fact the form takes can be: its declared range, within what `USUAL` lets through."""
    low = -_LARGEST if declaration.min is None else max(declaration.min, -_LARGEST)
    high = _LARGEST if declaration.max is None else min(declaration.max, _LARGEST)
    smallest = Decimal(1).scaleb(USUAL.Emin)
    return Bounds(low, high, smallest, USUAL.Etiny(), USUAL.prec)


def _claim_bounds(weight: Decimal, precision: int) -> Bounds:
    """What a claim the form takes can be: from 0 to the weight, rounded to the precision."""
    quantum = Decimal(1).scaleb(-precision)
    return Bounds(Decimal(0), weight, quantum, -precision, max(weight.adjusted() + 1, 1) + precision)


def _post_order(indicators: tuple[Indicator, ...]) -> list[Indicator]:
    found: list[Indicator] = []
    for indicator in indicators:
        found.extend(_post_order(indicator.children))
        found.append(indicator)
    return found
