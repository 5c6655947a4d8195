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

from .._diagnostics import Location
from .._document import Document, DocumentProblem, DocumentReader, Source, is_file, is_text, read_document
from .._numbers import exact, not_a_number
from .._plugins.registry import Registry
from .._yaml import Path as DataPath
from ..exceptions import FactsError, PluginError, SourceNotFoundError
from .review import Review, read_review

if TYPE_CHECKING:
    from .._spec.model import Spec

_KEYS = (
    "subject", "year", "units", "department", "implementer", "preparer", "phone", "filled_on",
    "goals", "achievements", "shortfall_reasons",
    "budget", "funds", "stated", "facts", "assessments", "indicators", "review",
)  # fmt: skip
FUNDS_LABELS = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数"}
"""The funds table's columns, as attributes of `FundsRow` and as the form heads them."""
FUNDS_LABELS_EN = {"initial": "initial budget", "full_year": "full-year budget", "executed": "amount spent"}
_FUNDS_COLUMNS = tuple(FUNDS_LABELS)
AGREES_WITH = re.compile(r"budget/(?P<line>[^/]+)|funds/(?P<row>[^/]+)/(?P<column>initial|full_year|executed)")
"""How a fact declaration names the figure of a table it must agree with."""
_TEXT_KEYS = ("subject", "goals", "achievements", "shortfall_reasons")
WHO_AND_WHEN = {
    "department": "主管部门",
    "implementer": "实施单位",
    "preparer": "填报人",
    "phone": "联系电话",
    "filled_on": "填报日期",
}
"""Who answers for the form and when, as attributes of `Facts` and as the forms label them."""
_ASSESSMENT_KEYS = ("score", "reason", "measure", "not_applicable")
_YES_WORDS = ("是", "true", "yes", "√", "✓", "✔", "1")
_NO_WORDS = ("否", "false", "no", "×", "✗", "0")
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
        department: A project's 主管部门.
        implementer: A project's 实施单位.
        preparer: Who filled the form (填报人).
        phone: Their telephone (联系电话).
        filled_on: When it was filled (填报日期), as written.
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
    department: str | None = None
    implementer: str | None = None
    preparer: str | None = None
    phone: str | None = None
    filled_on: str | None = None
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
        """A figure of the tables: ``budget/<line>`` or ``funds/<row>/<column>`` (row ``total``: the table's first
        row, its total whatever the form calls it); None when not given."""
        match = AGREES_WITH.fullmatch(reference)
        if match is None:
            return None
        if match["line"] is not None:
            return self.budget.get(match["line"])
        row = next(iter(self.funds.values()), None) if match["row"] == "total" else self.funds.get(match["row"])
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
def read_facts(source: Source, registry: Registry, *, spec: Spec | None = None) -> Facts:
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
            raise SourceNotFoundError(msg, message_zh=f"填报数据 {os.fspath(path)!r:.200} 不是文件")
        facts: object = reader(path, spec)
        if not isinstance(facts, Facts):
            msg = f"the reader of {source} returned {type(facts).__name__}, not perfrules.Facts"
            raise PluginError(msg, message_zh=f"{source} 的读取器返回了 {type(facts).__name__}，而不是 perfrules.Facts")
        return facts
    try:
        document = read_document(source, what="facts")
    except DocumentProblem as e:
        raise FactsError(
            f"{e.diagnostic.location}: cannot read the facts",
            [e.diagnostic],
            message_zh=f"{e.diagnostic.location}：无法读取填报数据",
        ) from None
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
        zh = f"读取 {str(source)!r:.200} 需要对应的规范：load_facts(path, spec=spec)"
        raise FactsError(msg, message_zh=zh)
    return reader


def read_facts_document(document: Document) -> Facts:
    """Facts from a document already read (a YAML file, or a workbook's cells)."""
    return _FactsReader(document).read()


class _FactsReader(DocumentReader):
    what = "facts"
    what_zh = "填报数据"

    def read(self) -> Facts:
        data = self.document.data
        if not isinstance(data, dict):
            self.error(
                "facts-shape",
                "a facts file is a mapping with keys such as subject, year, facts",
                (),
                zh="填报数据文件应为映射，包含 subject、year、facts 等键",
            )
            raise FactsError(self.summary(), self.problems, message_zh=self.summary_zh())
        self.unknown_keys(data, (), _KEYS)
        subject, goals, achievements, shortfall = (self.text(data, (), key, empty=True) for key in _TEXT_KEYS)
        facts = Facts(
            subject=subject,
            goals=goals,
            achievements=achievements,
            shortfall_reasons=shortfall,
            **{key: self.text(data, (), key) for key in WHO_AND_WHEN},  # type: ignore[arg-type]  # all text fields
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
            raise FactsError(self.summary(), self.problems, message_zh=self.summary_zh())
        return facts

    def whole(self, data: dict[str, Any], key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                "bad-value",
                f"{key!r} must be a whole number, not {value!r:.80}",
                (key,),
                zh=f"{key!r} 应为整数，现为 {value!r:.80}",
            )
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
                message = "a funds row is {initial: ..., full_year: ..., executed: ...}"
                zh = "资金表的一行应写作 {initial: 年初预算数, full_year: 全年预算数, executed: 全年执行数}"
                self.error("bad-value", message, path, zh=zh)
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
                shown_zh = not_a_number(value, "zh") if isinstance(value, float) else f"现为 {value!r:.80}"
                self.error(
                    "fact-type",
                    f"fact {name!r} must be a number, true/false or text, {shown}",
                    ("facts", name),
                    zh=f"填报数据 {name!r} 应为数字、true/false（是/否）或文字，{shown_zh}",
                )
        return values

    def indicators(self, data: dict[str, Any]) -> dict[str, list[Any]]:
        slots = self.mapping(data, (), "indicators", "slot ids to lists of indicators")
        for slot_id, leaves in slots.items():
            if not isinstance(leaves, list):
                self.error(
                    "bad-value",
                    "a slot holds a list of indicators",
                    ("indicators", slot_id),
                    indicator=slot_id,
                    zh="自设指标位置下应为指标列表",
                )
        return {slot_id: leaves for slot_id, leaves in slots.items() if isinstance(leaves, list)}

    def assessments(self, data: dict[str, Any]) -> dict[str, Assessment]:
        assessments = {}
        for indicator_id, entry in self.mapping(data, (), "assessments", "indicator ids to assessments").items():
            path: DataPath = ("assessments", indicator_id)
            if not isinstance(entry, dict):
                message = "an assessment is {score: ..., reason: ..., measure: ...}"
                zh = "自评应写作 {score: 自评分, reason: 未达标原因, measure: 改进措施}"
                self.error("bad-value", message, path, indicator=indicator_id, zh=zh)
                continue
            self.unknown_keys(entry, path, _ASSESSMENT_KEYS, indicator=indicator_id)
            # A score of "/" is how forms write "not applicable".
            marked = entry.get("score") == NOT_APPLICABLE_MARK
            not_applicable = entry.get("not_applicable", False)
            if not isinstance(not_applicable, bool):
                self.error(
                    "bad-value",
                    "not_applicable is true or false",
                    (*path, "not_applicable"),
                    indicator=indicator_id,
                    zh="not_applicable（不适用）应为 true 或 false",
                )
                not_applicable = False
            score = None
            if entry.get("score") is not None and not marked:
                score = self.number(entry, path, "score", indicator=indicator_id)
                if not_applicable:
                    self.error(
                        "bad-value",
                        "a score and not_applicable: choose one",
                        path,
                        indicator=indicator_id,
                        zh="既填了得分又标了不适用：请只选其一",
                    )
            reason = self.text(entry, path, "reason", empty=True, indicator=indicator_id)
            measure = self.text(entry, path, "measure", empty=True, indicator=indicator_id)
            assessments[indicator_id] = Assessment(score, reason, measure, not_applicable or marked)
        return assessments


def yes_or_no(written: str) -> bool | None:
    """A yes-or-no fact as a table's cell writes it (是, true, √; 否, false, ×), or None for other text."""
    word = re.sub(r"\s", "", unicodedata.normalize("NFKC", written)).lower()
    return True if word in _YES_WORDS else False if word in _NO_WORDS else None
