"""The plan: everything scoring needs that depends on the spec alone, worked out once per spec.

A plan holds the spec's id index, each computed leaf's rule bound to the functions it calls, the declared facts
each rule reads and the provenance of what scoring uses. Evaluating a form binds the unit's facts, then runs the
plan: nothing per form costs more than one visit of each indicator, whatever the number of facts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from attrs import evolve, field, frozen

from .._plugins.registry import Provider, Registry
from .._rules.expression import Expression, Interpreter, Value
from .._spec.model import Indicator, Spec


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
            `EvaluationError` when it fails: the seam where a compiled rule can stand in.
        reads: The declared facts it reads, sorted.
    """

    expression: Expression
    run: Callable[[Mapping[str, Value]], Value]
    reads: tuple[str, ...]


@frozen
class Plan:
    """A spec made ready to score forms with one registry.

    Attributes:
        spec: The spec.
        registry: The registry whose functions the rules call.
        indicators: Every indicator by id, parents before children.
        rules: The computed leaves' rules, by indicator id.
        provenance: Where the spec, kinds, functions and scale came from.
    """

    spec: Spec
    registry: Registry
    indicators: Mapping[str, Indicator]
    rules: Mapping[str, LeafRule]
    provenance: Provenance
    _interpreter: Interpreter = field(repr=False, alias="interpreter")


def plan(spec: Spec, registry: Registry) -> Plan:
    """The plan of *spec* with *registry*: made at its first use, then kept with the spec."""
    plans = spec._plans  # the spec keeps its plans; only this module makes them
    kept = plans.get(id(registry))
    if kept is not None and kept.registry is registry:
        return kept
    made = plans[id(registry)] = _make(spec, registry)
    return made


def joined(skeleton: Plan, filled: Spec) -> Plan:
    """The plan of *filled*: the skeleton's spec with one unit's leaves in its slots.

    Only the unit's leaves are planned; the skeleton's rules and provenance are reused.
    """
    if filled is skeleton.spec:
        return skeleton
    indicators = {indicator.id: indicator for indicator in filled.walk()}
    own = [indicator for id_, indicator in indicators.items() if id_ not in skeleton.indicators]
    return Plan(
        filled,
        skeleton.registry,
        MappingProxyType(indicators),
        MappingProxyType({**skeleton.rules, **_rules(skeleton._interpreter, own, filled)}),
        skeleton.provenance.with_indicators(own, skeleton.registry),
        skeleton._interpreter,
    )


def _make(spec: Spec, registry: Registry) -> Plan:
    interpreter = Interpreter(registry.functions)
    indicators = {indicator.id: indicator for indicator in spec.walk()}
    rules = _rules(interpreter, indicators.values(), spec)
    provenance = Provenance.of(spec, registry)
    return Plan(spec, registry, MappingProxyType(indicators), MappingProxyType(rules), provenance, interpreter)


def _rules(interpreter: Interpreter, indicators: Iterable[Indicator], spec: Spec) -> dict[str, LeafRule]:
    """The rules of the computed leaves among *indicators*, run by *interpreter*."""
    rules = {}
    for indicator in indicators:
        expression = indicator.rule.expression if indicator.rule else None
        if indicator.is_leaf and expression is not None:
            run = functools.partial(interpreter.run, expression)
            rules[indicator.id] = LeafRule(expression, run, tuple(sorted(expression.names & spec.facts.keys())))
    return rules
