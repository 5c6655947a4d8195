"""Specs: the indicator framework as a validated, frozen tree.

`load_spec` reads a document, checks everything it can before any facts exist
and reports every problem at once, each with file:line:column and the
indicator concerned.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from attrs import evolve, field, frozen

from ._diagnostics import Diagnostic, Location, did_you_mean
from ._document import Document, DocumentProblem, DocumentReader, Source, is_file, is_text, read_document
from ._expression import Expression, arity_problem, spreadsheet_hint
from ._facts import AGREES_WITH
from ._functions import BUILTIN_RETURNS
from ._grading import GradeBand, GradingScale, band_problems
from ._inheritance import merge
from ._kinds import Rule
from ._numbers import ROUNDING_MODES, decimal_places, exact, to_text
from ._registry import Provider, Registry
from ._review import FINAL_SCORE_RULES
from ._unicode import describe
from ._yaml import Path as DataPath
from ._yaml import dump_yaml
from .exceptions import ExpressionError, SourceNotFoundError, SpecError, UnknownIndicatorError

if TYPE_CHECKING:
    from ._plan import Plan

FORMAT_VERSION = 1
INDICATOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SPEC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*")
FACT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
MAX_TREE_DEPTH = 10
RESERVED_NAMES = frozenset({"weight", "claim"})

FactType = Literal["number", "boolean", "text"]
_FACT_TYPES = ("number", "boolean", "text")

_SPEC_KEYS = (
    "spec", "id", "version", "name", "name_en", "note", "total", "precision",
    "rounding", "round_at", "claims", "final_score", "facts", "indicators", "grades", "extends", "overrides",
)  # fmt: skip
_FACT_KEYS = ("type", "min", "max", "values", "unit", "label", "label_en", "optional", "agrees_with")
_INDICATOR_KEYS = (
    "id", "name", "name_en", "weight", "explanation", "explanation_en", "note", "kind", "children", "not_applicable",
)  # fmt: skip
_PARENT_KEYS = (*_INDICATOR_KEYS, "alternatives")
_SLOT_KEYS = ("id", "name", "name_en", "weight", "explanation", "explanation_en", "note", "not_applicable", "slot")
NOT_APPLICABLE_POLICIES = ("exclude", "zero", "full")
_GRADE_KEYS = ("min", "label", "label_en")


@frozen
class FactDeclaration:
    """An input the spec expects from every unit's facts file.

    Attributes:
        name: How expressions and facts files spell it.
        type: ``number``, ``boolean`` or ``text``.
        min: Lowest valid value (numbers), inclusive.
        max: Highest valid value (numbers), inclusive.
        values: The valid values of a text fact, when it is one of a list
            (e.g. 无结余 / 有结余但不超过上年结转 / 超过上年结转).
        unit: Unit of measure, e.g. 万元.
        label: What the form calls it, e.g. 全年预算数.
        label_en: The same in English.
        optional: A unit may leave it out; a rule that reads it then scores the
            unit's claim, and a review reports the score as unsupported.
        agrees_with: A figure of the facts file's tables it must equal:
            ``budget/<line>`` or ``funds/<row>/<initial|full_year|executed>``.
    """

    name: str
    type: FactType = "number"
    min: Decimal | None = None
    max: Decimal | None = None
    values: tuple[str, ...] | None = None
    unit: str | None = None
    label: str | None = None
    label_en: str | None = None
    optional: bool = False
    agrees_with: str | None = None


DEFAULT_SLOT_KINDS = ("target", "self_assessed")


@frozen
class Slot:
    """An open place in a skeleton spec whose leaves each unit writes in its facts file.

    Attributes:
        kinds: The kinds the unit's leaves may use.
        min: The fewest leaves a unit may write.
        max: The most, if limited.
        weight: The total the leaves must weigh, if fixed; otherwise the
            leaves' sum is the slot's weight (and its parent's sum checks it).
    """

    kinds: tuple[str, ...] = DEFAULT_SLOT_KINDS
    min: int = 0
    max: int | None = None
    weight: Decimal | None = None


@frozen
class Indicator:
    """A node of the indicator tree: a parent with children, or a scored leaf.

    Attributes:
        id: Stable identifier, e.g. ``"1.1.3"``.
        name: The indicator's name (指标名称).
        weight: Its weight (分值).
        kind: How a leaf is scored (``expression``, ``self_assessed``, ``bands``,
            or a plugin's kind); None for a parent.
        parameters: The kind's parameters as written in the spec.
        rule: The compiled scoring rule of a leaf.
        explanation: The indicator's explanation (指标解释).
        note: Remarks for people maintaining the spec.
        assumed: The leaf's rule is an assumption: the official rule is not published.
        not_applicable: What happens when a unit marks it not applicable:
            ``exclude`` (its siblings are renormalised to the parent's weight),
            ``zero`` or ``full``; None when it cannot be marked so.
        alternatives: For a parent whose children are alternatives: ``best``
            (the best-scoring one counts) or the text fact naming the one chosen.
        slot: For an open slot of a skeleton spec: what the unit may write there.
        children: Sub-indicators; their weights sum to this one's (each
            alternative carries the whole weight).
    """

    id: str
    name: str
    weight: Decimal
    kind: str | None = None
    parameters: Mapping[str, Any] = field(factory=dict)
    rule: Rule | None = None
    name_en: str | None = None
    explanation: str | None = None
    explanation_en: str | None = None
    note: str | None = None
    assumed: bool = False
    not_applicable: str | None = None
    alternatives: str | None = None
    slot: Slot | None = None
    children: tuple[Indicator, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children and self.slot is None

    def walk(self) -> Iterator[Indicator]:
        """This indicator and every descendant, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()


@frozen
class Spec:
    """A validated indicator framework.

    Attributes:
        id: The framework's id, e.g. ``guangzhou/department-overall``.
        version: Its version, e.g. ``"2022"``.
        name: Its title (e.g. 部门整体支出绩效自评表).
        total: The declared total; the top-level weights sum to it.
        precision: Decimals of reported scores.
        rounding: ``half_up`` (四舍五入) or ``half_even``.
        round_at: ``indicator`` (each leaf rounded; parents add rounded
            scores) or ``total`` (exact sums, the total rounded once).
        claims: ``self`` (a unit's claim is its score) or ``computed``
            (a computed leaf scores what its rule computes).
        final_score: Which score stands after a review (复核): ``reviewer``,
            ``lower`` (of the self and review scores) or ``self``.
        facts: Declared inputs by name.
        indicators: The top level of the tree.
        grades: The grading scale.
        grades_name: The registered scale's name (``default`` when the spec has no
            ``grades``); None when the spec lists its own bands.
        file: Where the spec was read from.
        sha256: Digest of the spec's source.
        registry: The plugins' registry the spec was checked against; evaluation uses it.
        provider: The plugin that registered the spec, when it was loaded by id.
        bases: The files of the specs it extends, nearest first.
    """

    id: str
    version: str
    name: str
    indicators: tuple[Indicator, ...]
    grades: GradingScale
    total: Decimal | None = None
    precision: int = 2
    rounding: str = "half_up"
    round_at: str = "indicator"
    claims: str = "self"
    final_score: str = "reviewer"
    facts: Mapping[str, FactDeclaration] = field(factory=dict)
    grades_name: str | None = None
    name_en: str | None = None
    note: str | None = None
    file: str = field(default="<spec>", eq=False)
    sha256: str = field(default="", eq=False, repr=False)
    registry: Registry | None = field(default=None, eq=False, repr=False)
    provider: Provider | None = field(default=None, eq=False, repr=False)
    bases: tuple[str, ...] = field(default=(), eq=False, repr=False)
    _locations: Mapping[str, Location] = field(factory=dict, eq=False, repr=False, alias="locations")
    # Its plans by registry (`perfrules._plan.plan`), made at first use; a changed copy (evolve) starts without.
    _plans: dict[int, Plan] = field(factory=dict, init=False, eq=False, repr=False)

    @property
    def full_marks(self) -> Decimal:
        """The most a unit can score: the declared total, else the top-level weights' sum."""
        return self.total if self.total is not None else sum((i.weight for i in self.indicators), Decimal(0))

    def walk(self) -> Iterator[Indicator]:
        """Every indicator, parents before children, in document order."""
        for indicator in self.indicators:
            yield from indicator.walk()

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id.

        Raises:
            UnknownIndicatorError: there is none (a `KeyError`; the message suggests the nearest).
        """
        for indicator in self.walk():
            if indicator.id == indicator_id:
                return indicator
        ids = [indicator.id for indicator in self.walk()]
        msg = f"no indicator {indicator_id!r:.80} in {self.id}@{self.version}{did_you_mean(str(indicator_id), ids)}"
        raise UnknownIndicatorError(msg)

    def indicator_locations(self) -> Mapping[str, Location]:
        """Where each indicator is written, by id."""
        return self._locations

    def location(self, indicator_id: str | None = None) -> Location:
        """Where an indicator (or the spec itself) is written."""
        if indicator_id is None:
            return Location(self.file)
        return self._locations.get(indicator_id, Location(self.file))


@exact
def load_spec(source: Source, registry: Registry, *, year: int | None = None) -> Spec:
    """Load and validate a spec with *registry* (`perfrules.load_spec`, with the registry given).

    Raises:
        SpecError: listing every problem found.
        SourceNotFoundError: no such file or registered spec.
    """
    name = None
    if isinstance(source, str) and not is_text(source) and not is_file(source):
        name = registered_spec(source, registry, year=year)
        source = registry.specs[name]
    document = _read(source)
    document, bases = merge(document, lambda reference, by: _read_base(reference, by, registry))
    spec = evolve(_SpecReader(document, registry).read(), bases=bases)
    if name is None:
        return spec
    if f"{spec.id}@{spec.version}" != name:
        problem = Diagnostic(
            "error",
            "spec-name",
            f"registered as {name!r}, but the document is {spec.id}@{spec.version}",
            location=document.location(("id",)),
        )
        raise SpecError(f"{document.file}: the spec does not match its registered name", [problem])
    return evolve(spec, provider=registry.provider("specs", name))


def _read(source: Source) -> Document:
    try:
        return read_document(source, what="spec")
    except DocumentProblem as e:
        raise SpecError(f"{e.diagnostic.location}: cannot read the spec", [e.diagnostic]) from None


def _read_base(reference: str, by: Document, registry: Registry) -> Document:
    """The document *by*'s ``extends: reference`` names: a registered id, or a path inside *by*'s folder.

    A path may not leave that folder (the working directory for a spec given as
    text), so a spec cannot make perfrules read, and echo the keys of, any file.
    """
    folder = Path(by.file).parent if not by.file.startswith("<") else Path.cwd()
    try:
        if reference.endswith((".yaml", ".yml", ".json")):
            target = folder / reference
            if Path(reference).is_absolute() or not target.resolve().is_relative_to(folder.resolve()):
                message = (
                    f"extends {reference!r:.200} leaves the spec's folder: name a file in it, or a registered spec"
                )
                problem = Diagnostic("error", "extends-outside", message, location=by.location(("extends",)))
                raise SpecError(f"{by.file}: {message}", [problem])
            return _read(target)
        return _read(registry.specs[registered_spec(reference, registry)])
    except SourceNotFoundError as e:
        problem = Diagnostic(
            "error",
            "extends-missing",
            f"cannot find the spec it extends: {e.args[0]}",
            location=by.location(("extends",)),
        )
        raise SpecError(f"{by.file}: the spec it extends is missing", [problem]) from None


def registered_spec(reference: str, registry: Registry, *, year: int | None = None) -> str:
    """The registered ``id@version`` that *reference* (``id`` or ``id@version``) names.

    Without a version, the latest one (numbers compared as numbers), or the
    latest whose version starts with *year*.

    Raises:
        SourceNotFoundError: nothing registered matches, with what there is.
    """
    spec_id, at, version = reference.partition("@")
    if at:
        if reference in registry.specs:
            return reference
        candidates = []
    else:
        candidates = [name for name in registry.specs if name.partition("@")[0] == spec_id]
        if year is not None:
            candidates = [name for name in candidates if _fiscal_year(name.partition("@")[2]) == year]
    if candidates:
        # Ties ("2022" and "02022") are broken on the text, so the choice never depends on order.
        return max(candidates, key=lambda name: (_natural(name.partition("@")[2]), name))
    known = [name for name in registry.specs if name.partition("@")[0] == spec_id]
    if known:
        wanted = f"version {version!r}" if at else f"version for fiscal year {year}"
        msg = f"spec {spec_id!r} has no {wanted}; registered: {', '.join(sorted(known))}"
    else:
        ids = {name.partition("@")[0] for name in registry.specs}
        msg = f"spec {reference!r:.200} is neither a file nor a registered spec{did_you_mean(spec_id, ids)}"
    raise SourceNotFoundError(msg)


def _fiscal_year(version: str) -> int | None:
    match = re.match(r"(\d{4})(?!\d)", version)
    return int(match[1]) if match else None


def _natural(version: str) -> tuple[tuple[int, str], ...]:
    # Runs of digits compare as numbers, so "10" sorts after "9".
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", version) if part)


class _SpecReader(DocumentReader):
    """Turns a spec document into a `Spec`, collecting every problem on the way."""

    what = "spec"

    def __init__(self, document: Document, registry: Registry) -> None:
        super().__init__(document)
        self.registry = registry
        self.locations: dict[str, Location] = {}
        self.precision = 2
        self.facts: dict[str, FactDeclaration] = {}

    def read(self) -> Spec:
        data = self.document.data
        if not isinstance(data, dict):
            self.error("spec-shape", "a spec is a mapping with keys such as id, version, indicators", ())
            raise self._failure()
        self.unknown_keys(data, (), _SPEC_KEYS)
        if "overrides" in data:  # merged away when the spec extends another
            self.error(
                "bad-value",
                "overrides change the spec named by 'extends'; this spec extends none",
                ("overrides",),
                key=True,
            )
        if type(data.get("spec")) is not int or data.get("spec") != FORMAT_VERSION:
            self.error(
                "spec-format",
                f"'spec: {FORMAT_VERSION}' is required (the format version); found {data.get('spec')!r}",
                ("spec",),
            )
        spec_id = self.text(data, (), "id", required=True)
        if spec_id and not SPEC_ID.fullmatch(spec_id):
            self.error("bad-id", f"spec id {spec_id!r} must be words separated by '/'", ("id",))
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            version = str(version)
        elif not isinstance(version, str) or not version:
            self.error("missing-key", "'version' is required, as text such as \"2022\"", ("version",))
            version = ""
        name = self.text(data, (), "name", required=True)
        name_en, note = self.text(data, (), "name_en"), self.text(data, (), "note")
        self.precision = self.choice(data, "precision", range(7), 2)
        rounding = self.choice(data, "rounding", tuple(ROUNDING_MODES), "half_up")
        round_at = self.choice(data, "round_at", ("indicator", "total"), "indicator")
        claims = self.choice(data, "claims", ("self", "computed"), "self")
        final_score = self.choice(data, "final_score", FINAL_SCORE_RULES, "reviewer")
        total = self.number(data, (), "total") if "total" in data else None
        self.facts = self.read_facts(self.mapping(data, (), "facts", "fact names to declarations"))
        indicators = self.read_indicators(data.get("indicators"), ("indicators",), parent=None, depth=1)
        top = sum((i.weight for i in indicators), Decimal(0))
        if total is not None and indicators and top != total:
            self.error(
                "total-sum",
                f"the top-level indicators weigh {to_text(top)} in all, not the declared total {to_text(total)}",
                ("total",),
            )
        grades, grades_name = self.read_grades(data.get("grades"), total if total is not None else top)
        if self.problems:
            raise self._failure()
        return Spec(
            id=spec_id or "",
            version=version,
            name=name or "",
            name_en=name_en,
            note=note,
            total=total,
            precision=self.precision,
            rounding=rounding,
            round_at=round_at,
            claims=claims,
            final_score=final_score,
            facts=self.facts,
            indicators=tuple(indicators),
            grades=grades,
            grades_name=grades_name,
            file=self.document.file,
            sha256=self.document.sha256,
            registry=self.registry,
            locations=self.locations,
        )

    def _failure(self) -> SpecError:
        return SpecError(self.summary(), self.problems)

    def choice(self, data: dict[str, Any], key: str, allowed: Any, default: Any) -> Any:
        value = data.get(key, default)
        if type(value) is not type(default) or value not in allowed:
            shown = ", ".join(map(str, allowed))
            self.error("bad-value", f"{key!r} must be one of {shown}, not {value!r}", (key,))
            return default
        return value

    def read_facts(self, raw: dict[str, Any]) -> dict[str, FactDeclaration]:
        facts = {}
        for name, declaration in raw.items():
            path: DataPath = ("facts", name)
            if not FACT_NAME.fullmatch(name) or keyword.iskeyword(name) or name in RESERVED_NAMES:
                msg = f"fact name {name!r} must be a letter then letters, digits or '_', and not a reserved word"
                self.error("bad-name", msg, path, key=True)
                continue
            if not isinstance(declaration, dict):
                self.error("bad-value", f"fact {name!r} needs a mapping such as {{type: number, min: 0}}", path)
                continue
            self.unknown_keys(declaration, path, _FACT_KEYS)
            fact_type = declaration.get("type", "number")
            if fact_type not in _FACT_TYPES:
                self.error(
                    "bad-value",
                    f"fact type must be one of {', '.join(_FACT_TYPES)}, not {fact_type!r}",
                    (*path, "type"),
                )
                fact_type = "number"
            low = self.number(declaration, path, "min") if "min" in declaration else None
            high = self.number(declaration, path, "max") if "max" in declaration else None
            if (low is not None or high is not None) and fact_type != "number":
                self.error("bad-value", "only number facts have min and max", path)
            if low is not None and high is not None and low > high:
                self.error("bad-value", f"min {to_text(low)} is above max {to_text(high)}", (*path, "min"))
            values = self.fact_values(declaration, path, fact_type)
            optional = declaration.get("optional", False)
            if not isinstance(optional, bool):
                self.error("bad-value", f"optional is true or false, not {optional!r:.40}", (*path, "optional"))
            agrees_with = self.text(declaration, path, "agrees_with")
            if agrees_with is not None and not AGREES_WITH.fullmatch(agrees_with):
                msg = (
                    f"agrees_with is budget/<line> or funds/<row>/<initial|full_year|executed>, not {agrees_with!r:.80}"
                )
                self.error("bad-value", msg, (*path, "agrees_with"))
            if agrees_with is not None and fact_type != "number":
                self.error("bad-value", "only number facts agree with a table's figure", (*path, "agrees_with"))
            facts[name] = FactDeclaration(
                name,
                fact_type,
                low,
                high,
                values,
                self.text(declaration, path, "unit"),
                self.text(declaration, path, "label"),
                self.text(declaration, path, "label_en"),
                optional is True,
                agrees_with,
            )
        return facts

    def fact_values(self, declaration: dict[str, Any], path: DataPath, fact_type: str) -> tuple[str, ...] | None:
        raw = declaration.get("values")
        if raw is None:
            return None
        if fact_type != "text":
            self.error("bad-value", "only text facts have a list of values", (*path, "values"))
            return None
        if not isinstance(raw, list) or not raw or not all(isinstance(v, str) and v for v in raw):
            self.error("bad-value", "values is a list of texts, e.g. [达成, 部分达成, 未达成]", (*path, "values"))
            return None
        if len(set(raw)) != len(raw):
            self.error("bad-value", "values lists a value twice", (*path, "values"))
            return None
        return tuple(raw)

    def read_indicators(self, raw: Any, path: DataPath, *, parent: str | None, depth: int) -> list[Indicator]:
        if not isinstance(raw, list) or not raw:
            where = f"indicator {parent!r}'s children" if parent else "'indicators'"
            self.error("bad-value", f"{where} must be a non-empty list of indicators", path, indicator=parent)
            return []
        if depth > MAX_TREE_DEPTH:
            self.error("too-deep", f"the indicator tree is deeper than {MAX_TREE_DEPTH} levels", path, indicator=parent)
            return []
        indicators = []
        for index, node in enumerate(raw):
            indicator = self.read_indicator(node, (*path, index), depth)
            if indicator is not None:
                indicators.append(indicator)
        return indicators

    def read_indicator(self, node: Any, path: DataPath, depth: int) -> Indicator | None:
        if not isinstance(node, dict):
            self.error("bad-value", "an indicator is a mapping with id, name, weight and a kind or children", path)
            return None
        indicator_id = self.indicator_id(node, path)
        self.locations.setdefault(indicator_id, self.document.location(path))
        name = self.text(node, path, "name", required=True, indicator=indicator_id) or ""
        slot = self.slot(node, path, indicator_id) if "slot" in node else None
        weight = self.weight(node, path, indicator_id) if slot is None or "weight" in node else Decimal(0)
        if slot is not None and weight is not None and "weight" in node:
            slot = evolve(slot, weight=weight)
        children: list[Indicator] = []
        kind_name: str | None = None
        parameters: dict[str, Any] = {}
        rule: Rule | None = None
        alternatives = None
        if "children" in node:
            self.unknown_keys(node, path, _PARENT_KEYS, indicator=indicator_id)
            if "kind" in node:
                msg = "a parent is scored from its children; remove 'kind' or 'children'"
                self.error("parent-kind", msg, (*path, "kind"), indicator=indicator_id, key=True)
            children = self.read_indicators(node["children"], (*path, "children"), parent=indicator_id, depth=depth + 1)
            total = sum((c.weight for c in children), Decimal(0))
            complete = isinstance(node["children"], list) and len(children) == len(node["children"])
            open_slots = any(c.slot is not None and c.slot.weight is None for c in children)
            if "alternatives" in node:
                alternatives = self.alternatives(node, path, indicator_id, weight, children)
            elif weight is not None and complete and not open_slots and total != weight:
                msg = (
                    f"the children of {indicator_id!r} weigh {to_text(total)} in all, not its weight {to_text(weight)}"
                )
                self.problems.append(
                    Diagnostic("error", "weight-sum", msg, indicator_id, self.sum_location(path, node))
                )
        elif slot is None:
            kind_name, parameters, rule = self.leaf_rule(node, path, indicator_id, weight)
        if weight is None:
            return None
        return Indicator(
            id=indicator_id,
            name=name,
            weight=weight,
            kind=kind_name,
            parameters=parameters,
            rule=rule,
            name_en=self.text(node, path, "name_en", indicator=indicator_id),
            explanation=self.text(node, path, "explanation", indicator=indicator_id),
            explanation_en=self.text(node, path, "explanation_en", indicator=indicator_id),
            note=self.text(node, path, "note", indicator=indicator_id),
            assumed=self.flag(node, path, "assumed", indicator_id),
            not_applicable=self.policy(node, path, indicator_id),
            alternatives=alternatives,
            slot=slot,
            children=tuple(children),
        )

    def flag(self, node: dict[str, Any], path: DataPath, key: str, indicator_id: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.error("bad-value", f"{key} is true or false, not {value!r:.40}", (*path, key), indicator=indicator_id)
        return value is True

    def slot(self, node: dict[str, Any], path: DataPath, indicator_id: str) -> Slot | None:
        self.unknown_keys(node, path, _SLOT_KEYS, indicator=indicator_id)
        raw = node["slot"]
        at = (*path, "slot")
        if not isinstance(raw, dict) or not set(raw) <= {"kinds", "min", "max"}:
            self.error("bad-value", "slot is {kinds: [...], min: 0, max: 20}", at, indicator=indicator_id)
            return None
        kinds = raw.get("kinds", list(DEFAULT_SLOT_KINDS))
        known = self.registry.indicator_kinds
        if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and k in known for k in kinds):
            self.error(
                "bad-value",
                f"slot kinds are registered kinds such as {', '.join(DEFAULT_SLOT_KINDS)}",
                (*at, "kinds"),
                indicator=indicator_id,
            )
            return None
        low, high = raw.get("min", 0), raw.get("max")
        if type(low) is not int or low < 0 or (high is not None and (type(high) is not int or high < max(low, 1))):
            self.error("bad-value", "slot min and max are whole numbers, 0 <= min <= max", at, indicator=indicator_id)
            return None
        return Slot(tuple(kinds), low, high)

    def policy(self, node: dict[str, Any], path: DataPath, indicator_id: str) -> str | None:
        policy = node.get("not_applicable")
        if policy is not None and policy not in NOT_APPLICABLE_POLICIES:
            shown = ", ".join(NOT_APPLICABLE_POLICIES)
            self.error(
                "bad-value",
                f"not_applicable is one of {shown}, not {policy!r:.40}",
                (*path, "not_applicable"),
                indicator=indicator_id,
            )
            return None
        return policy

    def alternatives(
        self, node: dict[str, Any], path: DataPath, indicator_id: str, weight: Decimal | None, children: list[Indicator]
    ) -> str | None:
        """``alternatives: best`` or ``alternatives: {chosen_by: <text fact>}``: one child is scored for the parent."""
        raw = node["alternatives"]
        at = (*path, "alternatives")
        for child in children:
            if weight is not None and child.weight != weight:
                message = f"alternative {child.id!r} weighs {to_text(child.weight)}; each alternative carries the parent's whole weight {to_text(weight)}"
                self.error("weight-sum", message, at, indicator=indicator_id)
        if raw == "best":
            return "best"
        fact = raw.get("chosen_by") if isinstance(raw, dict) and set(raw) == {"chosen_by"} else None
        declaration = self.facts.get(fact) if isinstance(fact, str) else None
        if declaration is None or declaration.type != "text":
            self.error(
                "bad-value",
                "alternatives is 'best' or {chosen_by: <a text fact naming the chosen child>}",
                at,
                indicator=indicator_id,
            )
            return None
        ids = [c.id for c in children]
        if declaration.values is not None and not set(declaration.values) <= set(ids):
            stray = ", ".join(v for v in declaration.values if v not in ids)
            self.error(
                "bad-value",
                f"fact {fact!r} lists values that are not children of {indicator_id!r}: {stray}",
                at,
                indicator=indicator_id,
            )
        return fact

    def sum_location(self, path: DataPath, node: dict[str, Any]) -> Location:
        """The parent's weight; or, in a spec that extends another, the weight it changed there."""
        places = [(*path, "weight")] + [(*path, "children", i, "weight") for i in range(len(node["children"]))]
        locations = [location for place in places if (location := self.document.location(place)).line]
        own = [location for location in locations if location.file == self.document.file]
        return (own or locations or [self.document.location(places[0])])[0]

    def indicator_id(self, node: dict[str, Any], path: DataPath) -> str:
        raw = node.get("id")
        fallback = f"#{'.'.join(str(p) for p in path if isinstance(p, int))}"
        if raw is None:
            self.error("missing-key", "every indicator needs an 'id'", path)
            return fallback
        if not isinstance(raw, str):
            hint = (
                f'; quote it: id: "{to_text(raw) if isinstance(raw, Decimal) else raw}"'
                if isinstance(raw, (int, Decimal))
                else ""
            )
            self.error("bad-id", f"indicator id {raw!r} is not text{hint}", (*path, "id"))
            return fallback
        if not INDICATOR_ID.fullmatch(raw):
            odd = next((char for char in raw if not char.isascii()), None)
            found = f" (it has {describe(odd)})" if odd else ""
            msg = (
                f"indicator id {raw!r} must be 1-64 ASCII letters, digits, '.', '_' or '-',"
                f" starting with a letter or digit{found}"
            )
            self.error("bad-id", msg, (*path, "id"))
        elif raw in self.locations:
            first = self.locations[raw]
            self.error(
                "duplicate-id",
                f"indicator id {raw!r} is already used at line {first.line}",
                (*path, "id"),
                indicator=raw,
            )
        return raw

    def weight(self, node: dict[str, Any], path: DataPath, indicator_id: str) -> Decimal | None:
        if "weight" not in node:
            if not any(did_you_mean(key, ["weight"]) for key in node):  # else reported as a misspelt key
                self.error("missing-key", "every indicator needs a 'weight'", path, indicator=indicator_id)
            return None
        weight = self.number(node, path, "weight", indicator=indicator_id)
        if weight is None:
            return None
        if weight < 0:
            self.error(
                "weight-negative", f"weight {to_text(weight)} is below 0", (*path, "weight"), indicator=indicator_id
            )
        if decimal_places(weight) > self.precision:
            msg = f"weight {to_text(weight)} has more decimals than the precision {self.precision}"
            self.error("weight-decimals", msg, (*path, "weight"), indicator=indicator_id)
        return weight

    def leaf_rule(
        self, node: dict[str, Any], path: DataPath, indicator_id: str, weight: Decimal | None
    ) -> tuple[str | None, dict[str, Any], Rule | None]:
        kind_name = node.get("kind", "expression" if "expression" in node else None)
        if kind_name is None:
            msg = "a leaf needs a 'kind' (self_assessed, bands, ...) or an 'expression'; a parent needs 'children'"
            self.error("missing-kind", msg, path, indicator=indicator_id)
            return None, {}, None
        try:
            kind = self.registry.indicator_kinds[kind_name]
        except (KeyError, TypeError):
            kinds = self.registry.indicator_kinds
            msg = f"unknown kind {kind_name!r}{did_you_mean(str(kind_name), kinds)}; known: {', '.join(sorted(kinds))}"
            self.error("unknown-kind", msg, (*path, "kind"), indicator=indicator_id)
            return None, {}, None
        self.unknown_keys(node, path, (*_INDICATOR_KEYS, "assumed", *sorted(kind.parameters)), indicator=indicator_id)
        for key in sorted(kind.required - set(node)):
            self.error("missing-key", f"kind {kind_name!r} needs {key!r}", path, indicator=indicator_id)
        parameters = {key: node[key] for key in kind.parameters if key in node}
        if weight is None or kind.required - set(node):
            return kind_name, parameters, None
        context = _KindContext(self, path, indicator_id, weight)
        rule = self.compile(kind_name, kind, parameters, context)
        if rule is not None and rule.expression is not None:
            self.check_expression(rule.expression, path, indicator_id)
        return kind_name, parameters, rule

    def compile(self, name: str, kind: Any, parameters: dict[str, Any], context: _KindContext) -> Rule | None:
        """The kind's rule; whatever goes wrong in the kind's code becomes a located problem naming the kind."""
        origin = f"kind {name!r} from {self.registry.provider('indicator_kinds', name) or 'an unknown plugin'}"
        try:
            rule = kind.compile(parameters, context)
        except ExpressionError as e:
            context.error(f"{origin} made an invalid rule: {e.args[0]}")
            return None
        except Exception as e:
            context.error(f"{origin} failed: {type(e).__name__}: {e}", code="kind-failed")
            return None
        if rule is not None and not isinstance(rule, Rule):
            context.error(f"{origin} returned {rule!r:.80}, not a Rule", code="kind-failed")
            return None
        return rule

    def check_expression(self, expression: Expression, path: DataPath, indicator_id: str) -> None:
        at = (*path, "expression")
        known = {*self.facts, *RESERVED_NAMES}
        for name in sorted(expression.names - known):
            msg = f"unknown name {name!r} in {expression.source!r}{did_you_mean(name, known)}"
            self.error("unknown-name", msg, at, indicator=indicator_id)
        functions = self.registry.functions
        for name in sorted(expression.functions - set(functions)):
            hint = spreadsheet_hint(expression.source) or did_you_mean(name, functions)
            msg = f"unknown function {name!r:.80} in {expression.source!r:.120}{hint}"
            self.error("unknown-function", msg, at, indicator=indicator_id)
        for name, count in expression.call_arities():
            problem = arity_problem(functions[name], count) if name in functions else None
            if problem:
                self.error("arity", f"{name}() {problem} in {expression.source!r:.120}", at, indicator=indicator_id)
        types = {name: declaration.type for name, declaration in self.facts.items()} | dict.fromkeys(
            RESERVED_NAMES, "number"
        )
        for problem in expression.type_problems(types, BUILTIN_RETURNS):
            self.error("expression-type", f"{problem} in {expression.source!r:.120}", at, indicator=indicator_id)

    def read_grades(self, raw: Any, full_marks: Decimal) -> tuple[GradingScale, str | None]:
        name = "default" if raw is None else raw
        if isinstance(name, str):
            scales = self.registry.grading_scales
            if name not in scales:
                self.error("unknown-scale", f"unknown grading scale {name!r}{did_you_mean(name, scales)}", ("grades",))
                return _placeholder_scale(), None
            scale = scales[name]
            unreachable = [band for band in scale.bands if band.min > full_marks]
            if unreachable:
                shown = ", ".join(f"{band.label} from {to_text(band.min)}" for band in scale.bands)
                msg = (
                    f"the grading scale {name!r} ({shown}) needs a total of at least {to_text(unreachable[-1].min)};"
                    f" declare 'grades:' for a total of {to_text(full_marks)}"
                )
                self.error("grades-unreachable", msg, ("grades",) if raw is not None else ("indicators",), key=True)
            return scale, name
        if not isinstance(raw, list):
            self.error("bad-value", "'grades' is a list of {min, label} (highest first) or a scale's name", ("grades",))
            return _placeholder_scale(), None
        bands = []
        for index, band in enumerate(raw):
            path: DataPath = ("grades", index)
            if not isinstance(band, dict):
                self.error("bad-value", "a grade is {min: 90, label: 优}", path)
                continue
            self.unknown_keys(band, path, _GRADE_KEYS)
            low = self.number(band, path, "min")
            label = self.text(band, path, "label", required=True)
            if low is not None and label is not None:
                bands.append(GradeBand(low, label, self.text(band, path, "label_en")))
        if len(bands) != len(raw):
            return _placeholder_scale(), None
        for index, code, message in band_problems(bands):
            self.error(code, message, ("grades", index))
        self.check_reachable(bands, full_marks, lambda index: ("grades", index, "min"))
        if self.problems:
            return _placeholder_scale(), None
        return GradingScale(bands), None

    def check_reachable(self, bands: Any, full_marks: Decimal, path_of: Any) -> None:
        for index, band in enumerate(bands):
            if band.min > full_marks:
                msg = f"grade {band.label!r} starts at {to_text(band.min)}, above the total {to_text(full_marks)}"
                self.error("grades-unreachable", msg, path_of(index))


def _placeholder_scale() -> GradingScale:
    return GradingScale((GradeBand(Decimal(0), "?"),))


class _KindContext:
    """What a kind sees of the spec while compiling one indicator."""

    def __init__(self, reader: _SpecReader, path: DataPath, indicator_id: str, weight: Decimal) -> None:
        self._reader = reader
        self._path = path
        self._indicator_id = indicator_id
        self.weight = weight
        self.precision = reader.precision
        self.facts = reader.facts

    def error(self, message: str, *path: str | int, code: str = "kind-parameter") -> None:
        self._reader.error(code, message, (*self._path, *path), indicator=self._indicator_id)


def spec_document(spec: Spec) -> dict[str, Any]:
    """The spec as plain data in the documented format; `load_spec` reads it back equal."""

    def fact(declaration: FactDeclaration) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": declaration.type}
        for key in ("min", "max", "values", "unit", "label", "label_en", "agrees_with"):
            value = getattr(declaration, key)
            if value is not None:
                entry[key] = list(value) if isinstance(value, tuple) else value
        if declaration.optional:
            entry["optional"] = True
        return entry

    def indicator(node: Indicator) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": node.id, "name": node.name, "weight": node.weight}
        for key in ("name_en", "explanation", "explanation_en", "note", "not_applicable"):
            value = getattr(node, key)
            if value is not None:
                entry[key] = value
        if node.alternatives is not None:
            entry["alternatives"] = "best" if node.alternatives == "best" else {"chosen_by": node.alternatives}
        if node.slot is not None:
            if node.slot.weight is None:
                del entry["weight"]
            entry["slot"] = {"kinds": list(node.slot.kinds), "min": node.slot.min}
            if node.slot.max is not None:
                entry["slot"]["max"] = node.slot.max
        elif node.children:
            entry["children"] = [indicator(child) for child in node.children]
        else:
            entry["kind"] = node.kind
            entry.update(node.parameters)
            if node.assumed:
                entry["assumed"] = True
        return entry

    document: dict[str, Any] = {"spec": FORMAT_VERSION, "id": spec.id, "version": spec.version, "name": spec.name}
    for key in ("name_en", "note", "total"):
        if getattr(spec, key) is not None:
            document[key] = getattr(spec, key)
    document.update(precision=spec.precision, rounding=spec.rounding, round_at=spec.round_at, claims=spec.claims)
    document["final_score"] = spec.final_score
    document["facts"] = {name: fact(declaration) for name, declaration in spec.facts.items()}
    document["indicators"] = [indicator(node) for node in spec.indicators]
    if spec.grades_name is not None:
        document["grades"] = spec.grades_name
    else:
        document["grades"] = [
            {"min": band.min, "label": band.label, **({"label_en": band.label_en} if band.label_en else {})}
            for band in spec.grades.bands
        ]
    return document


def dump_spec(spec: Spec) -> str:
    """The spec as YAML text in the documented format; `load_spec` reads it back equal."""
    if not isinstance(spec, Spec):  # callers without type checking
        msg = f"dump_spec takes a loaded Spec, not {type(spec).__name__}"  # type: ignore[unreachable]
        raise ValueError(msg)
    return dump_yaml(spec_document(spec))
