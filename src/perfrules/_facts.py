"""Facts: one unit's inputs for one fiscal year, its claims, reasons and measures."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from ._diagnostics import Diagnostic, Location, did_you_mean
from ._document import Document, DocumentProblem, DocumentReader, Source, is_file, is_text, read_document
from ._expression import Expression, Value
from ._numbers import decimal_places, exact, not_a_number, to_decimal, to_text
from ._registry import Registry
from ._review import Review, read_review
from ._yaml import Path as DataPath
from .exceptions import FactsError, PluginError, SourceNotFoundError

if TYPE_CHECKING:
    from ._spec import Spec

_KEYS = (
    "subject", "year", "units", "goals", "achievements", "shortfall_reasons",
    "budget", "funds", "stated", "facts", "assessments", "indicators", "review",
)  # fmt: skip
FUNDS_LABELS = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数"}
"""The funds table's columns, as attributes of `FundsRow` and as the form heads them."""
_FUNDS_COLUMNS = tuple(FUNDS_LABELS)
AGREES_WITH = re.compile(r"budget/(?P<line>[^/]+)|funds/(?P<row>[^/]+)/(?P<column>initial|full_year|executed)")
"""How a fact declaration names the figure of a table it must agree with."""
_TEXT_KEYS = ("subject", "goals", "achievements", "shortfall_reasons")
_ASSESSMENT_KEYS = ("score", "reason", "measure", "not_applicable")
NOT_APPLICABLE_MARK = "/"
_STATED_KEYS = ("total", "grade")


@frozen
class Assessment:
    """What the unit says about one indicator.

    Attributes:
        score: The unit's own score for it (its claim), if any.
        reason: Why points were lost (未达标原因).
        measure: What the unit will do about it (改进措施).
        not_applicable: The unit marks the indicator not applicable (``/``).
    """

    score: Decimal | None = None
    reason: str | None = None
    measure: str | None = None
    not_applicable: bool = False


@frozen
class FundsRow:
    """One row of a project form's funds table (项目资金).

    Attributes:
        initial: 年初预算数.
        full_year: 全年预算数 (A).
        executed: 全年执行数 (B).
    """

    initial: Decimal | None = None
    full_year: Decimal | None = None
    executed: Decimal | None = None


@frozen
class Stated:
    """The total and grade printed on the paper form, kept to be checked."""

    total: Decimal | None = None
    grade: str | None = None


@frozen
class Facts:
    """A unit's facts file.

    Attributes:
        subject: The unit evaluated (部门名称).
        year: The fiscal year evaluated.
        units: How many units it covers (单位数).
        goals: The year's overall goals (年度整体绩效目标).
        achievements: How they were met (整体绩效目标完成情况).
        shortfall_reasons: Why some were not (未能完成原因).
        budget: The budget table (年度部门预算情况), in order, in 万元.
        funds: A project form's funds table, by row: the first is the total
            (年度资金总额), the others its parts (本年财政拨款, 上年结转资金, 其他资金).
        stated: The total and grade the paper form states.
        values: The inputs the spec declares, by name, as written.
        assessments: Claims, reasons and measures by indicator id.
        indicators: The unit's own indicators, by the id of the skeleton's slot they fill.
        review: The bureau's review (复核), when the facts file carries one.
        file: Where the facts were read from.
        sha256: Digest of the source.
    """

    subject: str | None = None
    year: int | None = None
    units: int | None = None
    goals: str | None = None
    achievements: str | None = None
    shortfall_reasons: str | None = None
    budget: Mapping[str, Decimal] = field(factory=dict)
    funds: Mapping[str, FundsRow] = field(factory=dict)
    stated: Stated | None = None
    values: Mapping[str, Any] = field(factory=dict)
    assessments: Mapping[str, Assessment] = field(factory=dict)
    indicators: Mapping[str, list[Any]] = field(factory=dict)
    review: Review | None = None
    file: str = field(default="<facts>", eq=False)
    sha256: str = field(default="", eq=False, repr=False)
    _document: Document | None = field(default=None, eq=False, repr=False, alias="document")
    _inline: Mapping[str, tuple[str | int, ...]] = field(factory=dict, eq=False, repr=False, alias="inline")

    def source(self) -> Document | None:
        """The document the facts were read from (None when built by hand)."""
        return self._document

    def figure(self, reference: str) -> Decimal | None:
        """A figure of the tables: ``budget/<line>`` or ``funds/<row>/<column>``; None when not given."""
        match = AGREES_WITH.fullmatch(reference)
        if match is None:
            return None
        if match["line"] is not None:
            return self.budget.get(match["line"])
        row = self.funds.get(match["row"])
        return getattr(row, match["column"]) if row is not None else None

    def funds_gaps(self) -> list[tuple[str, str, Decimal, Decimal]]:
        """Columns of the funds table whose parts do not add up to the total row.

        Returns:
            ``(total row, column, stated total, the parts' sum)`` for each.
        """
        rows = list(self.funds.items())
        if len(rows) < 2:
            return []
        (total_name, total), parts = rows[0], rows[1:]
        gaps = []
        for column in _FUNDS_COLUMNS:
            stated = getattr(total, column)
            amounts = [getattr(row, column) for _, row in parts if getattr(row, column) is not None]
            added = sum(amounts, Decimal(0))
            if stated is not None and amounts and added != stated:
                gaps.append((total_name, column, stated, added))
        return gaps

    def location(self, *path: str | int, key: bool = False) -> Location:
        """Where an entry of the facts file is written: its value, or its key."""
        if self._document is None:
            return Location(self.file)
        if len(path) >= 2 and path[0] == "assessments" and path[1] in self._inline:
            path = (*self._inline[str(path[1])], *path[2:])  # assessed in its own row of a project form
        return self._document.location(path, key=key)


@exact
def load_facts(source: Source, registry: Registry, *, spec: Spec | None = None) -> Facts:
    """Read a facts file, text or mapping, with *registry*'s readers (`perfrules.load_facts`, with the registry given).

    Raises:
        FactsError: listing every problem found.
    """
    reader = _reader_for(source, registry, spec)
    if reader is not None:
        assert spec is not None  # noqa: S101  # _reader_for insists
        path = Path(source)  # type: ignore[arg-type]
        if not is_file(str(path)):
            msg = f"facts {os.fspath(path)!r:.200} is not a file"
            raise SourceNotFoundError(msg)
        facts: object = reader(path, spec)
        if not isinstance(facts, Facts):
            msg = f"the reader of {source} returned {type(facts).__name__}, not perfrules.Facts"
            raise PluginError(msg)
        return facts
    try:
        document = read_document(source, what="facts")
    except DocumentProblem as e:
        raise FactsError(f"{e.diagnostic.location}: cannot read the facts", [e.diagnostic]) from None
    return read_facts_document(document)


def facts_reader(source: Source, registry: Registry) -> Callable[[Path, Spec], Facts] | None:
    """The registered reader for *source*'s suffix, when it is a file perfrules does not read itself."""
    if not isinstance(source, (str, os.PathLike)) or is_text(source):
        return None
    return registry.facts_readers.get(Path(source).suffix.lower().removeprefix("."))


def _reader_for(source: Source, registry: Registry, spec: Spec | None) -> Callable[[Path, Spec], Facts] | None:
    """`facts_reader`, insisting on the spec a reader needs."""
    reader = facts_reader(source, registry)
    if reader is not None and spec is None:
        msg = f"reading {str(source)!r:.200} needs the spec it is for: load_facts(path, spec=spec)"
        raise FactsError(msg)
    return reader


def read_facts_document(document: Document) -> Facts:
    """Facts from a document already read (a YAML file, or a workbook's cells)."""
    return _FactsReader(document).read()


class _FactsReader(DocumentReader):
    what = "facts"

    def read(self) -> Facts:
        data = self.document.data
        if not isinstance(data, dict):
            self.error("facts-shape", "a facts file is a mapping with keys such as subject, year, facts", ())
            raise FactsError(self.summary(), self.problems)
        self.unknown_keys(data, (), _KEYS)
        subject, goals, achievements, shortfall = (self.text(data, (), key, empty=True) for key in _TEXT_KEYS)
        facts = Facts(
            subject=subject,
            goals=goals,
            achievements=achievements,
            shortfall_reasons=shortfall,
            year=self.whole(data, "year"),
            units=self.whole(data, "units"),
            budget=self.budget(data),
            funds=self.funds(data),
            stated=self.stated(data),
            values=self.values(data),
            assessments=self.assessments(data),
            indicators=self.indicators(data),
            review=read_review(self, data["review"], ("review",)) if data.get("review") is not None else None,
            file=self.document.file,
            sha256=self.document.sha256,
            document=self.document,
        )
        if self.problems:
            raise FactsError(self.summary(), self.problems)
        return facts

    def whole(self, data: dict[str, Any], key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error("bad-value", f"{key!r} must be a whole number, not {value!r:.80}", (key,))
            return None
        return value

    def budget(self, data: dict[str, Any]) -> dict[str, Decimal]:
        lines = self.mapping(data, (), "budget", "budget lines to amounts")
        budget = {name: self.number(lines, ("budget",), name) for name in lines}
        return {name: amount for name, amount in budget.items() if amount is not None}

    def funds(self, data: dict[str, Any]) -> dict[str, FundsRow]:
        rows = {}
        for name, row in self.mapping(data, (), "funds", "rows to {initial, full_year, executed}").items():
            path: DataPath = ("funds", name)
            if not isinstance(row, dict):
                self.error("bad-value", "a funds row is {initial: ..., full_year: ..., executed: ...}", path)
                continue
            self.unknown_keys(row, path, _FUNDS_COLUMNS)
            amounts = {key: self.number(row, path, key) if row.get(key) is not None else None for key in _FUNDS_COLUMNS}
            rows[name] = FundsRow(**amounts)
        return rows

    def stated(self, data: dict[str, Any]) -> Stated | None:
        if data.get("stated") is None:
            return None
        stated = self.mapping(data, (), "stated", "total and grade")
        self.unknown_keys(stated, ("stated",), _STATED_KEYS)
        total = self.number(stated, ("stated",), "total") if stated.get("total") is not None else None
        return Stated(total, self.text(stated, ("stated",), "grade"))

    def values(self, data: dict[str, Any]) -> dict[str, Any]:
        values = {}
        for name, value in self.mapping(data, (), "facts", "fact names to values").items():
            if isinstance(value, (bool, int, str, Decimal)):
                values[name] = value
            else:
                shown = not_a_number(value) if isinstance(value, float) else f"not {value!r:.80}"
                self.error("fact-type", f"fact {name!r} must be a number, true/false or text, {shown}", ("facts", name))
        return values

    def indicators(self, data: dict[str, Any]) -> dict[str, list[Any]]:
        slots = self.mapping(data, (), "indicators", "slot ids to lists of indicators")
        for slot_id, leaves in slots.items():
            if not isinstance(leaves, list):
                self.error("bad-value", "a slot holds a list of indicators", ("indicators", slot_id), indicator=slot_id)
        return {slot_id: leaves for slot_id, leaves in slots.items() if isinstance(leaves, list)}

    def assessments(self, data: dict[str, Any]) -> dict[str, Assessment]:
        assessments = {}
        for indicator_id, entry in self.mapping(data, (), "assessments", "indicator ids to assessments").items():
            path: DataPath = ("assessments", indicator_id)
            if not isinstance(entry, dict):
                message = "an assessment is {score: ..., reason: ..., measure: ...}"
                self.error("bad-value", message, path, indicator=indicator_id)
                continue
            self.unknown_keys(entry, path, _ASSESSMENT_KEYS, indicator=indicator_id)
            # A score of "/" is how forms write "not applicable".
            marked = entry.get("score") == NOT_APPLICABLE_MARK
            not_applicable = entry.get("not_applicable", False)
            if not isinstance(not_applicable, bool):
                self.error(
                    "bad-value", "not_applicable is true or false", (*path, "not_applicable"), indicator=indicator_id
                )
                not_applicable = False
            score = None
            if entry.get("score") is not None and not marked:
                score = self.number(entry, path, "score", indicator=indicator_id)
                if not_applicable:
                    self.error("bad-value", "a score and not_applicable: choose one", path, indicator=indicator_id)
            reason = self.text(entry, path, "reason", empty=True, indicator=indicator_id)
            measure = self.text(entry, path, "measure", empty=True, indicator=indicator_id)
            assessments[indicator_id] = Assessment(score, reason, measure, not_applicable or marked)
        return assessments


def _readers(spec: Spec, found: dict[str, list[str]]) -> dict[str, list[str]]:
    """Fill *found* with each fact's readers: the ids of the leaves whose rules read it."""
    for leaf in spec.walk():
        expression = leaf.rule.expression if leaf.rule else None
        for name in expression.names if expression is not None else ():
            found.setdefault(name, []).append(leaf.id)
    for name in spec.facts:
        found.setdefault(name, [])
    return found


def rule_names(
    expression: Expression, values: Mapping[str, Value], weight: Decimal, claim: Decimal | None
) -> dict[str, Value]:
    """The names a leaf's rule is evaluated with: the facts it reads, ``weight`` and, when claimed, ``claim``."""
    names = {name: values[name] for name in expression.names if name in values}
    names["weight"] = weight
    if claim is not None:
        names["claim"] = claim
    return names


def bind(spec: Spec, facts: Facts) -> dict[str, Value]:
    """Type *facts* against *spec*: every declared fact and every claim checked.

    Returns:
        The declared facts' values, typed (numbers as Decimal).

    Raises:
        FactsError: listing every missing, undeclared or mistyped fact and every bad claim.
    """
    problems: list[Diagnostic] = []

    def error(code: str, message: str, path: tuple[str, ...], indicator: str | None = None) -> None:
        problems.append(Diagnostic("error", code, message, indicator, facts.location(*path)))

    values: dict[str, Value] = {}
    read_by_leaves: dict[str, list[str]] = {}  # fact → the leaves that read it, found once, when a fact is missing
    for name, declaration in spec.facts.items():
        described = f"fact {name!r}" + (f" ({declaration.label})" if declaration.label else "")
        if name not in facts.values:
            if not declaration.optional:
                readers = (read_by_leaves or _readers(spec, read_by_leaves))[name]
                read_by = f"; {', '.join(readers[:5])}{' …' if len(readers) > 5 else ''} read it" if readers else ""
                error("missing-fact", f"{described} is missing{read_by}", ("facts",))
            continue
        raw = facts.values[name]
        at = ("facts", name)
        if declaration.type == "number":
            number = to_decimal(raw)
            if number is None:
                error("fact-type", f"{described} must be a number, {not_a_number(raw)}", at)
                continue
            if declaration.min is not None and number < declaration.min:
                error(
                    "fact-range", f"{described} is {to_text(number)}, below its minimum {to_text(declaration.min)}", at
                )
            if declaration.max is not None and number > declaration.max:
                error(
                    "fact-range", f"{described} is {to_text(number)}, above its maximum {to_text(declaration.max)}", at
                )
            values[name] = number
        elif declaration.type == "boolean":
            if not isinstance(raw, bool):
                error("fact-type", f"{described} must be true or false, not {raw!r:.80}", at)
            values[name] = bool(raw)
        else:
            if not isinstance(raw, str):
                error("fact-type", f"{described} must be text, not {raw!r:.80}", at)
            elif declaration.values is not None and raw not in declaration.values:
                shown = " / ".join(declaration.values)
                error(
                    "fact-value",
                    f"{described} is {raw!r:.80}, not one of {shown}{did_you_mean(raw, declaration.values)}",
                    at,
                )
            values[name] = str(raw)
    for name in facts.values:
        if name not in spec.facts:
            # Typed with a Chinese IME, a name may come in full-width letters: suggest its ASCII form.
            hint = did_you_mean(unicodedata.normalize("NFKC", name), spec.facts)
            error("unknown-fact", f"fact {name!r} is not declared by the spec{hint}", ("facts", name))

    ids = {indicator.id: indicator for indicator in spec.walk()}
    for indicator_id, assessment in facts.assessments.items():
        indicator = ids.get(indicator_id)
        at = ("assessments", indicator_id)
        if indicator is None:
            hint = did_you_mean(str(indicator_id), ids)
            error("unknown-indicator", f"no indicator {indicator_id!r} in the spec{hint}", at, str(indicator_id))
            continue
        if assessment.not_applicable and indicator.not_applicable is None:
            message = f"{indicator_id!r} ({indicator.name}) cannot be not applicable: the spec gives it no not_applicable policy"
            error("not-applicable", message, at, indicator_id)
        claim = assessment.score
        if claim is None:
            continue
        if not indicator.is_leaf:
            error(
                "claim-on-parent",
                f"{indicator_id!r} is scored from its children; claim scores on leaves",
                at,
                indicator_id,
            )
        elif not 0 <= claim <= indicator.weight:
            error(
                "claim-range",
                f"the claimed score {to_text(claim)} is outside 0 to {to_text(indicator.weight)}",
                at,
                indicator_id,
            )
        elif decimal_places(claim) > spec.precision:
            error(
                "claim-decimals",
                f"the claimed score {to_text(claim)} has more than {spec.precision} decimals",
                at,
                indicator_id,
            )
    # Claims are needed where they are scored: not under an indicator marked not
    # applicable, nor under an alternative the unit did not choose.
    stack = list(spec.indicators)
    while stack:
        indicator = stack.pop()
        own = facts.assessments.get(indicator.id)
        if own is not None and own.not_applicable:
            continue
        if indicator.alternatives not in (None, "best"):
            chosen = values.get(indicator.alternatives)
            options = [child.id for child in indicator.children]
            if chosen not in options:
                message = f"fact {indicator.alternatives!r} is {chosen!r}: it must name one of {', '.join(options)}"
                error("alternative-choice", message, ("facts", indicator.alternatives), indicator.id)
                continue
            stack.extend(child for child in indicator.children if child.id == chosen)
            continue
        stack.extend(indicator.children)
        expression = indicator.rule.expression if indicator.rule else None
        if not indicator.is_leaf or (own is not None and own.score is not None):
            continue
        if expression is None or "claim" in expression.names:
            msg = f"{indicator.id!r} ({indicator.name}) is self-assessed but has no score"
            error("missing-claim", msg, ("assessments", indicator.id), indicator.id)
        elif missing := sorted(n for n in expression.names & set(spec.facts) - set(values) if spec.facts[n].optional):
            msg = f"{indicator.id!r} ({indicator.name}) needs fact {', '.join(map(repr, missing))} or a claimed score"
            error("missing-fact", msg, ("facts",), indicator.id)
    if problems:
        count = len(problems)
        msg = f"{facts.file}: {count} problem{'s' * (count != 1)} fitting the facts to {spec.id}@{spec.version}"
        raise FactsError(msg, problems)
    return values
