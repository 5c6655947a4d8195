"""The spec model: a validated indicator framework as a frozen tree of indicators, facts and grades."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from attrs import field, frozen

from .._diagnostics import Location, did_you_mean
from .._plugins.registry import Provider, Registry
from .._rules.kinds import Rule
from ..exceptions import UnknownIndicatorError
from .grading import GradingScale

if TYPE_CHECKING:
    from .._engine.plan import Plan


FORMAT_VERSION = 1
FactType = Literal["number", "boolean", "text"]


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
        years: The fiscal years the spec is for, first and last (None: no last); None when it does not say.
        layout: The official form it prints in: ``department`` (部门整体支出绩效自评表) or ``project``
            (项目支出绩效自评表); None to choose by the spec (project for open slots or target rows).
        vocabulary: The spec's own qualitative phrases of 年度指标值 and 实际完成值 (``运行良好``), each with the
            tier it means (达成, 部分达成 or 未达成); `perfrules._rules.targets` knows the common ones.
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
    vocabulary: Mapping[str, str] = field(factory=dict)
    layout: str | None = None
    years: tuple[int, int | None] | None = None
    grades_name: str | None = None
    name_en: str | None = None
    note: str | None = None
    file: str = field(default="<spec>", eq=False)
    sha256: str = field(default="", eq=False, repr=False)
    registry: Registry | None = field(default=None, eq=False, repr=False)
    provider: Provider | None = field(default=None, eq=False, repr=False)
    bases: tuple[str, ...] = field(default=(), eq=False, repr=False)
    _locations: Mapping[str, Location] = field(factory=dict, eq=False, repr=False, alias="locations")
    # Its plans by registry and engine (`perfrules._engine.plan.plan`), made at first use; a changed copy (evolve)
    # starts without.
    _plans: dict[tuple[int, str], Plan] = field(factory=dict, init=False, eq=False, repr=False)

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
        raise self.unknown(indicator_id, [indicator.id for indicator in self.walk()])

    def unknown(self, indicator_id: object, known: Iterable[str]) -> UnknownIndicatorError:
        """The error for an id that names none of *known* (this spec's ids), suggesting the nearest."""
        hint = did_you_mean(str(indicator_id), known)
        return UnknownIndicatorError(
            f"no indicator {indicator_id!r:.80} in {self.id}@{self.version}{hint}",
            message_zh=f"规范 {self.id}@{self.version} 中没有指标 {indicator_id!r:.80}{did_you_mean(str(indicator_id), known, 'zh')}",
        )

    def indicator_locations(self) -> Mapping[str, Location]:
        """Where each indicator is written, by id."""
        return self._locations

    def location(self, indicator_id: str | None = None) -> Location:
        """Where an indicator (or the spec itself) is written."""
        if indicator_id is None:
            return Location(self.file)
        return self._locations.get(indicator_id, Location(self.file))
