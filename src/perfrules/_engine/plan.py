"""The plan: everything scoring needs that depends on the spec alone, worked out once per spec.

A plan holds the spec's id index, each computed leaf's rule bound to the functions it calls, the declared facts
each rule reads and the provenance of what scoring uses. Evaluating a form binds the unit's facts, then runs the
plan: nothing per form costs more than one visit of each indicator, whatever the number of facts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Literal

from attrs import evolve, field, frozen

from .._numbers import exact
from .._plugins.registry import Provider, Registry
from .._rules.compiler import NotCompiled, compile_rule
from .._rules.expression import Expression, Interpreter, Value
from .._spec.model import Indicator, Spec
from .program import Program, compile_form, proven_types

Engine = Literal["compiled", "interpreter"]
ENGINES: tuple[Engine, ...] = ("compiled", "interpreter")
"""How rules run: as generated code (the default) or through the interpreter, the reference."""


@frozen
class Provenance:
    """Where everything a result used came from.

    Attributes:
        spec_file: The file (or ``<text>``, ``<mapping>``) the spec was read from.
        base_files: The files of the specs it extends, nearest first.
        spec: The plugin that registered the spec; None when it was read directly.
        kinds: The plugin behind each indicator kind used, by kind.
        functions: The plugin behind each function the rules call, by name.
        grades: The plugin behind the grading scale; None when the spec lists its own bands.
    """

    spec_file: str
    base_files: tuple[str, ...]
    spec: Provider | None
    kinds: Mapping[str, Provider | None]
    functions: Mapping[str, Provider | None]
    grades: Provider | None

    @classmethod
    def of(cls, spec: Spec, registry: Registry) -> Provenance:
        """The provenance of scoring *spec* with *registry*."""
        empty = cls(
            spec_file=spec.file,
            base_files=spec.bases,
            spec=spec.provider,
            kinds={},
            functions={},
            grades=registry.provider("grading_scales", spec.grades_name) if spec.grades_name else None,
        )
        return empty.with_indicators(spec.walk(), registry)

    def with_indicators(self, indicators: Iterable[Indicator], registry: Registry) -> Provenance:
        """This provenance with the kinds and functions *indicators* use added."""
        indicators = list(indicators)
        kinds = {i.kind for i in indicators if i.kind} - self.kinds.keys()
        functions = {
            name for i in indicators if i.rule and i.rule.expression for name in i.rule.expression.functions
        } - self.functions.keys()
        if not kinds and not functions:
            return self
        return evolve(
            self,
            kinds=dict(sorted({**self.kinds, **{k: registry.provider("indicator_kinds", k) for k in kinds}}.items())),
            functions=dict(
                sorted({**self.functions, **{f: registry.provider("functions", f) for f in functions}}.items())
            ),
        )


@frozen
class LeafRule:
    """A computed leaf's rule, ready to run.

    Attributes:
        expression: The vetted expression.
        run: Its value for the names given (the facts it reads, ``weight``, ``claim``), raising
            `EvaluationError` when it fails: compiled code, or the interpreter running the expression.
        reads: The declared facts it reads, sorted.
        compiled: Whether *run* is compiled code.
    """

    expression: Expression
    run: Callable[[Mapping[str, Value]], Value]
    reads: tuple[str, ...]
    compiled: bool = False


@frozen
class Plan:
    """A spec made ready to score forms with one registry.

    Attributes:
        spec: The spec.
        registry: The registry whose functions the rules call.
        indicators: Every indicator by id, parents before children.
        rules: The computed leaves' rules, by indicator id.
        provenance: Where the spec, kinds, functions and scale came from.
        engine: ``compiled`` or ``interpreter`` (see `ENGINES`).
        program: The whole form compiled, when the engine is ``compiled`` and the spec allows it.
        fallbacks: What is not compiled although the engine is, with why: leaves whose rules the interpreter
            runs, by id; the form as a whole, by the spec's id.
        slotted: Whether the spec has open slots a unit fills.
    """

    spec: Spec
    registry: Registry
    indicators: Mapping[str, Indicator]
    rules: Mapping[str, LeafRule]
    provenance: Provenance
    engine: Engine
    fallbacks: Mapping[str, str]
    _interpreter: Interpreter = field(repr=False, alias="interpreter")
    program: Program | None = None
    slotted: bool = False


def plan(spec: Spec, registry: Registry, engine: Engine = "compiled") -> Plan:
    """The plan of *spec* with *registry*: made at its first use, then kept with the spec."""
    plans = spec._plans  # the spec keeps its plans; only this module makes them
    kept = plans.get((id(registry), engine))
    if kept is not None and kept.registry is registry:
        return kept
    made = plans[id(registry), engine] = _make(spec, registry, engine)
    return made


def joined(skeleton: Plan, filled: Spec) -> Plan:
    """The plan of *filled*: the skeleton's spec with one unit's leaves in its slots.

    Only the unit's leaves are planned; the skeleton's rules and provenance are reused.
    """
    if filled is skeleton.spec:
        return skeleton
    indicators = {indicator.id: indicator for indicator in filled.walk()}
    own = [indicator for id_, indicator in indicators.items() if id_ not in skeleton.indicators]
    # The unit's form is compiled whole (its code kept for units that fill the skeleton alike); should it go
    # to the general scorer, the interpreter runs the unit's own rules rather than compiling each for one form.
    rules, fallbacks = _rules(skeleton, own, filled, compiled=False)
    program = _program(filled, skeleton.registry, skeleton.engine, fallbacks)
    return Plan(
        filled,
        skeleton.registry,
        MappingProxyType(indicators),
        MappingProxyType({**skeleton.rules, **rules}),
        skeleton.provenance.with_indicators(own, skeleton.registry),
        skeleton.engine,
        MappingProxyType({**skeleton.fallbacks, **fallbacks}),
        skeleton._interpreter,
        program,
    )


def _program(spec: Spec, registry: Registry, engine: Engine, fallbacks: dict[str, str]) -> Program | None:
    """*spec*'s compiled form, if the engine compiles and the spec allows; if it does not, why not, in *fallbacks*."""
    if engine != "compiled":
        return None
    try:
        return compile_form(spec, registry)
    except NotCompiled as e:
        fallbacks[spec.id] = str(e)
        return None


@exact
def _make(spec: Spec, registry: Registry, engine: Engine) -> Plan:
    indicators = {indicator.id: indicator for indicator in spec.walk()}
    bare = Plan(
        spec,
        registry,
        MappingProxyType(indicators),
        MappingProxyType({}),
        Provenance.of(spec, registry),
        engine,
        MappingProxyType({}),
        Interpreter(registry.functions),
    )
    rules, fallbacks = _rules(bare, indicators.values(), spec)
    slotted = any(indicator.slot is not None for indicator in indicators.values())
    # A skeleton's forms are compiled per unit, once its slots are filled (`joined`).
    program = None if slotted else _program(spec, registry, engine, fallbacks)
    return evolve(
        bare, rules=MappingProxyType(rules), fallbacks=MappingProxyType(fallbacks), program=program, slotted=slotted
    )


def _rules(
    within: Plan, indicators: Iterable[Indicator], spec: Spec, *, compiled: bool = True
) -> tuple[dict[str, LeafRule], dict[str, str]]:
    """The rules of the computed leaves among *indicators*, compiled if *within* is (and *compiled*); and why any
    that should be is not."""
    registry = within.registry
    types, returns = proven_types(spec, registry)
    rules, fallbacks = {}, {}
    for indicator in indicators:
        expression = indicator.rule.expression if indicator.rule else None
        if not indicator.is_leaf or expression is None:
            continue
        reads = tuple(sorted(expression.names & spec.facts.keys()))
        if within.engine == "compiled" and compiled:
            try:
                run = compile_rule(expression, registry.functions, types, returns)
            except NotCompiled as e:
                fallbacks[indicator.id] = str(e)
            else:
                rules[indicator.id] = LeafRule(expression, run, reads, compiled=True)
                continue
        rules[indicator.id] = LeafRule(expression, functools.partial(within._interpreter.run, expression), reads)
    return rules, fallbacks
