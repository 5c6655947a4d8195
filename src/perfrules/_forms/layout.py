"""The official layouts of the 自评表 as a grid of cells, which the XLSX, HTML and PDF reports all draw.

Two layouts: the department form (部门整体支出绩效自评表: 部门基本情况, the budget
table, then 一级/二级/三级指标 each with its 分值, 指标解释, 得分, 未达标原因,
改进措施) and the project form (项目支出绩效自评表: the funds table, the year's
goals, then 一级/二级/三级指标, 年度指标值, 实际完成值, 分值, 得分, reasons and
measures). A spec with open slots for the unit's own indicators is a project form.
The same grid, left blank, is the workbook a unit fills (`perfrules template`),
and `perfrules._forms.workbook` reads both back by their labels.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from attrs import frozen

from .._inputs.facts import FUNDS_LABELS, NOT_APPLICABLE_MARK, WHO_AND_WHEN
from .._numbers import quantize, to_text

if TYPE_CHECKING:
    from .._engine.results import Evaluation, IndicatorResult
    from .._inputs.facts import Facts
    from .._spec.grading import GradingScale
    from .._spec.model import Indicator, Spec

Style = Literal["section", "label", "text", "head", "name", "weight", "amount", "percent", "score", "total", "grade"]
"""How a cell looks: ``amount`` in 0.00, ``score`` in the spec's precision, ``percent`` as 0.00%."""

Entry = Literal["score", "amount", "count", "text", "weight"]
"""What a unit types into a blank cell of the template."""

LEVEL_NAMES = ("一级指标", "二级指标", "三级指标", "四级指标", "五级指标")
FORM_SHEET = "自评表"
FACTS_SHEET = "数据"
BLANK_SLOT_ROWS = 3
DEFAULT_BUDGET_LINES = ("总预算", "基本支出", "项目支出")

# The labels the layouts write and the workbook reader looks for.
SUBJECT = {"department": "部门名称", "project": "项目名称"}
UNITS = "单位数"
YEAR = "年度"
GOALS = {"department": "年度整体绩效目标", "project": "年度总体目标"}
ACHIEVEMENTS = {"department": "整体绩效目标完成情况", "project": "实际完成情况"}
SHORTFALL = "未能完成原因"
BUDGET = "年度部门预算情况（万元）"
FUNDS = "项目资金"
RATE = "执行率"
WEIGHT = "分值"
EXPLANATION = "指标解释"
SCORE = "得分"
SELF_SCORE = "自评分"
REVIEW_SCORE = "复核后得分"
TARGET = "年度指标值"
ACTUAL = "实际完成值"
REASON = {"department": "未达标原因", "project": "偏差原因分析"}
MEASURE = "改进措施"
TOTAL = "总分"
GRADE = "评价等级"
OPINION = "复核意见"
CHECKED, UNCHECKED = "☑", "☐"


@frozen
class Cell:
    """One cell of a layout; a merged cell spans *rows* × *columns* from its top-left corner.

    Attributes:
        entry: In a blank template, what the unit types here; None for fixed text.
        maximum: The most an ``entry`` score may be (the indicator's weight).
    """

    row: int
    column: int
    value: str | Decimal | None
    style: Style = "text"
    rows: int = 1
    columns: int = 1
    entry: Entry | None = None
    maximum: Decimal | None = None


@frozen
class Sheet:
    """A laid-out form: its title, column widths (in characters) and cells, top to bottom."""

    name: str
    title: str
    widths: tuple[int, ...]
    cells: tuple[Cell, ...]
    footer: str = ""
    header_row: int = 0
    """The row of the indicator table's header, repeated on every printed page."""
    precision: int = 2
    """Decimals of ``score`` cells."""

    @property
    def row_count(self) -> int:
        return max((cell.row + cell.rows for cell in self.cells), default=0)

    def grid(self, start: int = 0, stop: int | None = None) -> list[list[Cell | None]]:
        """Rows *start* to *stop* as full rows: each cell at its top-left position, None where covered or empty."""
        stop = self.row_count if stop is None else stop
        grid: list[list[Cell | None]] = [[None] * len(self.widths) for _ in range(start, stop)]
        for cell in self.cells:
            if start <= cell.row < stop:
                grid[cell.row - start][cell.column] = cell
        return grid

    def rows(self) -> Iterator[list[Cell]]:
        """The cells row by row (covered positions of merged cells are left out)."""
        by_row: dict[int, list[Cell]] = {}
        for cell in self.cells:
            by_row.setdefault(cell.row, []).append(cell)
        for row in range(self.row_count):
            yield sorted(by_row.get(row, []), key=lambda cell: cell.column)


@frozen
class FactEntry:
    """One declared fact, as the workbook's 数据 sheet lists it."""

    name: str
    label: str
    type: str
    unit: str | None
    value: str | Decimal | bool | None
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None


def cell_text(cell: Cell, precision: int = 2) -> str:
    """A cell's value as the printed form shows it: amounts ``1,288.38``, scores ``9.91``, rates ``99.74%``."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if cell.style == "amount":
        return f"{quantize(value, 2, 'half_up'):,}"
    if cell.style in ("score", "total"):
        return to_text(quantize(value, precision, "half_up"))
    if cell.style == "percent":
        return percent(value)
    return to_text(value)


def percent(fraction: Decimal) -> str:
    """A fraction as a percentage with two decimals, rounded half up: 0.99741 → ``99.74%``."""
    return f"{quantize(fraction * 100, 2, 'half_up')}%"


def form_kind(spec: Spec, facts: Facts | None = None) -> Literal["department", "project"]:
    """The layout the spec declares; else ``project`` for a skeleton spec (open slots for the unit's own
    indicators), a spec of target rows (年度指标值 and 实际完成值), or facts that fill slots or give a funds table."""
    if spec.layout is not None:
        return "project" if spec.layout == "project" else "department"
    nodes = [node for top in spec.indicators for node in top.walk()]
    if any(node.slot is not None or node.kind == "target" for node in nodes):
        return "project"
    return "project" if facts is not None and (facts.indicators or facts.funds) else "department"


def grade_line(scale: GradingScale, full_marks: Decimal, grade_label: str | None) -> str:
    """The grade line as forms print it: ``☑优 90分≤得分≤100分； ☐良 80分≤得分<90分； …``."""
    parts = []
    bands = scale.bands
    for index, band in enumerate(bands):
        box = CHECKED if band.label == grade_label else UNCHECKED
        if index == 0:
            words = f"{to_text(band.min)}分≤得分≤{to_text(full_marks)}分"
        elif band.min > 0:
            words = f"{to_text(band.min)}分≤得分<{to_text(bands[index - 1].min)}分"
        else:
            words = f"得分<{to_text(bands[index - 1].min)}分"
        parts.append(f"{box}{band.label} {words}")
    return "； ".join(parts)


def form_layout(evaluation: Evaluation) -> Sheet:
    """The filled form in its official layout."""
    spec, facts = evaluation.spec, evaluation.facts
    return _Layout(spec, facts, evaluation).sheet()


def template_layout(spec: Spec, facts: Facts | None = None) -> Sheet:
    """The official layout left blank for a unit to fill (prefilled from *facts* where given, their own
    indicators already in their slots: `perfrules.template`)."""
    return _Layout(spec, facts, None).sheet()


def fact_entries(spec: Spec, values: Mapping[str, object]) -> tuple[FactEntry, ...]:
    """The spec's declared facts with the unit's values, for the 数据 sheet."""
    entries = []
    for name, declaration in spec.facts.items():
        value = values.get(name)
        entries.append(
            FactEntry(
                name=name,
                label=declaration.label or "",
                type=declaration.type,
                unit=declaration.unit,
                value=value if isinstance(value, (str, Decimal, bool)) else None,
                choices=declaration.values or (),
                minimum=declaration.min,
                maximum=declaration.max,
            )
        )
    return tuple(entries)


@frozen
class _Node:
    id: str
    name: str
    weight: Decimal


class _Layout:
    """Builds one sheet; *evaluation* is None for a blank template."""

    def __init__(self, spec: Spec, facts: Facts | None, evaluation: Evaluation | None) -> None:
        self.spec, self.facts, self.evaluation = spec, facts, evaluation
        self.kind = form_kind(spec, facts)
        self.cells: list[Cell] = []
        self.row = 0
        self.reviewed = evaluation is not None and evaluation.review is not None
        self.paths = list(self._paths())
        self.depth = max((len(path) for path, _ in self.paths), default=1)
        self.columns = self._columns()

    # The indicator table's columns, left to right: (header, key).
    def _columns(self) -> list[tuple[str, str]]:
        levels = LEVEL_NAMES[: self.depth]
        scores = [(SELF_SCORE, "self"), (REVIEW_SCORE, "score")] if self.reviewed else [(SCORE, "score")]
        if self.kind == "department":
            named = [
                column
                for index, name in enumerate(levels)
                for column in ((name, f"name{index}"), (WEIGHT, f"weight{index}"))
            ]
            return [
                *named,
                (EXPLANATION, "explanation"),
                *scores,
                (REASON["department"], "reason"),
                (MEASURE, "measure"),
            ]
        named = [(name, f"name{index}") for index, name in enumerate(levels)]
        fixed = [(TARGET, "target"), (ACTUAL, "actual"), (WEIGHT, f"weight{self.depth - 1}")]
        return [*named, *fixed, *scores, (REASON["project"], "reason"), (MEASURE, "measure")]

    def column(self, key: str) -> int:
        return next(index for index, (_, name) in enumerate(self.columns) if name == key)

    @property
    def width(self) -> int:
        return len(self.columns)

    def sheet(self) -> Sheet:
        title = " ".join(part for part in (self._year(), self.facts.subject if self.facts else None) if part)
        if self.kind == "department":
            self._department_header()
        else:
            self._project_header()
        header_row = self.row
        self._indicator_table()
        self._total_and_grade()
        self._who_and_when()
        spec = self.spec
        footer = f"perfrules · {spec.id}@{spec.version}" + (f" · {spec.sha256[:12]}" if spec.sha256 else "")
        widths = tuple(self._width(key) for _, key in self.columns)
        return Sheet(FORM_SHEET, f"{title}{spec.name}", widths, tuple(self.cells), footer, header_row, spec.precision)

    def _year(self) -> str | None:
        return f"{self.facts.year}年度" if self.facts and self.facts.year else None

    def _width(self, key: str) -> int:
        if key.startswith("name"):
            return 18
        return {"explanation": 30, "reason": 30, "measure": 30, "target": 12, "actual": 12}.get(key, 9)

    def put(
        self,
        column: int,
        value: str | Decimal | None,
        style: Style = "text",
        *,
        rows: int = 1,
        columns: int = 1,
        entry: Entry | None = None,
        maximum: Decimal | None = None,
    ) -> None:
        self.cells.append(Cell(self.row, column, value, style, rows, columns, entry, maximum))

    def labelled(self, label: str, value: str | None, entry: Entry = "text") -> None:
        """A row: a label, then its value across the rest of the width."""
        self.put(0, label, "label")
        self.put(1, value or None, "text", columns=self.width - 1, entry=entry)
        self.row += 1

    def _department_header(self) -> None:
        facts = self.facts
        self.put(0, "部门基本情况", "section", columns=self.width)
        self.row += 1
        self.put(0, SUBJECT["department"], "label")
        self.put(1, facts.subject if facts else None, "text", columns=self.width - 5, entry="text")
        self._year_cells(self.width - 4)
        self.put(self.width - 2, UNITS, "label")
        self.put(
            self.width - 1, Decimal(facts.units) if facts and facts.units is not None else None, "weight", entry="count"
        )
        self.row += 1
        self.labelled(GOALS["department"], facts.goals if facts else None)
        self.labelled(ACHIEVEMENTS["department"], facts.achievements if facts else None)
        self.labelled(SHORTFALL, facts.shortfall_reasons if facts else None)
        lines: Sequence[tuple[str | None, Decimal | None]] = (
            list(facts.budget.items()) if facts and facts.budget else [(name, None) for name in DEFAULT_BUDGET_LINES]
        )
        per_row = self.width - 1
        if self.evaluation is None:  # room for the unit's own lines
            lines = [*lines, *[(None, None)] * (per_row - len(lines) % per_row)]
        chunks = [lines[start : start + per_row] for start in range(0, len(lines), per_row)] or [[]]
        self.put(0, BUDGET, "label", rows=2 * len(chunks))
        for chunk in chunks:
            for offset, (name, _) in enumerate(chunk):
                self.put(1 + offset, name, "head", entry="text" if name is None else None)
            self.row += 1
            for offset, (_, amount) in enumerate(chunk):
                self.put(1 + offset, amount, "amount", entry="amount")
            self.row += 1

    def _project_header(self) -> None:
        facts = self.facts
        self.put(0, SUBJECT["project"], "label")
        self.put(1, facts.subject if facts else None, "text", columns=self.width - 3, entry="text")
        self._year_cells(self.width - 2)
        self.row += 1
        self._pairs(("department", "implementer"))
        rows = list(facts.funds.items()) if facts and facts.funds else []
        names = [name for name, _ in rows] or ["年度资金总额", "其中:当年财政拨款", "上年结转资金", "其他资金"]
        self.put(0, FUNDS, "label", rows=len(names) + 1)
        self.put(1, None, "head")
        for offset, header in enumerate(FUNDS_LABELS.values()):
            self.put(2 + offset, header, "head")
        self.put(2 + len(FUNDS_LABELS), RATE, "head")
        self._rest(3 + len(FUNDS_LABELS))
        self.row += 1
        for name in names:
            funds_row = facts.funds.get(name) if facts else None
            self.put(1, name, "head")
            for offset, attribute in enumerate(FUNDS_LABELS):
                self.put(2 + offset, getattr(funds_row, attribute) if funds_row else None, "amount", entry="amount")
            rate = None
            if funds_row and funds_row.executed is not None and funds_row.full_year:
                rate = funds_row.executed / funds_row.full_year
            self.put(2 + len(FUNDS_LABELS), rate, "percent")
            self._rest(3 + len(FUNDS_LABELS))
            self.row += 1
        self.labelled(GOALS["project"], facts.goals if facts else None)
        self.labelled(ACHIEVEMENTS["project"], facts.achievements if facts else None)

    def _year_cells(self, column: int) -> None:
        """年度 and the year, at *column* and the next: an input cell in a template, as the title says it."""
        year = self.facts.year if self.facts else None
        self.put(column, YEAR, "label")
        self.put(column + 1, Decimal(year) if year is not None else None, "weight", entry="count")

    def _pairs(self, keys: tuple[str, ...]) -> None:
        """A row of labels from `WHO_AND_WHEN`, each followed by its value (an input cell), sharing the width."""
        share, extra = divmod(self.width - len(keys), len(keys))
        column = 0
        for index, key in enumerate(keys):
            columns = share + (index < extra)
            self.put(column, WHO_AND_WHEN[key], "label")
            self.put(column + 1, getattr(self.facts, key) if self.facts else None, columns=columns, entry="text")
            column += 1 + columns
        self.row += 1

    def _who_and_when(self) -> None:
        """填报人, 联系电话, 填报日期: who answers for the form, and when it was filled."""
        self._pairs(("preparer", "phone", "filled_on"))

    def _rest(self, column: int) -> None:
        """An empty cell from *column* to the right edge, so that the row is closed."""
        if column < self.width:
            self.put(column, None, columns=self.width - column)

    def _paths(self) -> Iterator[tuple[tuple[_Node, ...], Indicator | None]]:
        """Every row of the indicator table: the names from level 1 down, and the spec's leaf (None when blank)."""

        def walk(node: Indicator, above: tuple[_Node, ...]) -> Iterator[tuple[tuple[_Node, ...], Indicator | None]]:
            here = (*above, _Node(node.id, node.name, node.weight))  # the declared 分值, as the form prints it
            if node.slot is not None:  # an open slot: rows for the unit to fill
                for _ in range(BLANK_SLOT_ROWS):
                    yield (*here, _Node("", "", Decimal(0))), None
            elif node.is_leaf:
                yield here, node
            for child in node.children:
                yield from walk(child, here)

        for top in self.spec.indicators:
            yield from walk(top, ())

    def _indicator_table(self) -> None:
        for index, (header, _) in enumerate(self.columns):
            self.put(index, header, "head")
        self.row += 1
        first = self.row
        evaluation = self.evaluation
        for offset, (path, leaf) in enumerate(self.paths):
            row = first + offset
            result = evaluation[leaf.id] if evaluation and leaf else None
            self._leaf_row(row, path, leaf, result)
        self._ancestor_cells(first)
        self.row = first + len(self.paths)

    def _leaf_row(
        self, row: int, path: tuple[_Node, ...], leaf: Indicator | None, result: IndicatorResult | None
    ) -> None:
        node = path[-1]
        level = len(path) - 1
        blank = leaf is None
        # A leaf above the deepest level spans the deeper name columns (and their weights).
        name_columns = self.column(f"name{self.depth - 1}") - self.column(f"name{level}") + 1
        self.cells.append(
            Cell(
                row,
                self.column(f"name{level}"),
                node.name or None,
                "name",
                columns=name_columns,
                entry="text" if blank else None,
            )
        )
        claim = self.facts.assessments.get(node.id) if self.facts and not blank else None
        weight_style: Style = "weight"
        # A row marked not applicable prints "/" for its 分值 as for its 得分, as the forms do.
        weight = NOT_APPLICABLE_MARK if claim and claim.not_applicable else node.weight
        self.cells.append(
            Cell(
                row,
                self.column(f"weight{self.depth - 1}"),
                None if blank else weight,
                weight_style,
                entry="weight" if blank else None,
            )
        )
        if self.kind == "department":
            self.cells.append(Cell(row, self.column("explanation"), leaf.explanation if leaf else None))
        else:
            parameters = leaf.parameters if leaf else {}
            for key in ("target", "actual"):
                value = parameters.get(key)
                self.cells.append(Cell(row, self.column(key), None if value is None else str(value), entry="text"))
        # As printed: at the spec's precision, even where only the total is rounded.
        own: str | Decimal | None = claim.score if claim else None  # 得分, or 自评分 after a review
        final: str | Decimal | None = None  # 复核后得分
        if claim and claim.not_applicable:
            own = final = NOT_APPLICABLE_MARK
        elif result is not None:
            own = self._printed(self._self_assessed(result))
            final = self._printed(result.score)
        maximum = None if blank else node.weight
        if self.reviewed:
            self.cells.append(Cell(row, self.column("self"), own, "score"))
            self.cells.append(Cell(row, self.column("score"), final, "score"))
        else:
            self.cells.append(Cell(row, self.column("score"), own, "score", entry="score", maximum=maximum))
        reason = result.reason if result else (claim.reason if claim else None)
        measure = result.measure if result else (claim.measure if claim else None)
        self.cells.append(Cell(row, self.column("reason"), reason, entry="text"))
        self.cells.append(Cell(row, self.column("measure"), measure, entry="text"))

    def _printed(self, score: Decimal) -> Decimal:
        return quantize(score, self.spec.precision, self.spec.rounding)

    def _self_assessed(self, result: IndicatorResult) -> Decimal:
        """A leaf's own score (the unit's, before any review) against its declared weight (分值), before any
        renormalisation rescaled it: what the unit writes in the form."""
        if result.declared_weight is None:
            return result.self_score if result.self_score is not None else result.score
        claimed = result.claim is not None and (self.evaluation is None or self.evaluation.claims == "self")
        return result.claim if claimed or result.computed is None else result.computed  # type: ignore[return-value]

    def _ancestor_cells(self, first: int) -> None:
        """The names (and, on the department form, weights) of parents, merged down the rows they cover."""
        for level in range(self.depth - 1):
            start = 0
            while start < len(self.paths):
                path = self.paths[start][0]
                if len(path) - 1 <= level:  # a leaf shallower than this level: its own row says it
                    start += 1
                    continue
                node = path[level]
                end = start
                while (
                    end + 1 < len(self.paths)
                    and len(self.paths[end + 1][0]) - 1 > level
                    and self.paths[end + 1][0][level] is node
                ):
                    end += 1
                span = end - start + 1
                self.cells.append(Cell(first + start, self.column(f"name{level}"), node.name, "name", rows=span))
                if self.kind == "department":
                    self.cells.append(
                        Cell(first + start, self.column(f"weight{level}"), node.weight, "weight", rows=span)
                    )
                start = end + 1

    def _total_and_grade(self) -> None:
        spec, evaluation = self.spec, self.evaluation
        weight_column, score_column = self.column(f"weight{self.depth - 1}"), self.column("score")
        first_score = self.column("self") if self.reviewed else score_column
        self.put(0, TOTAL, "label", columns=weight_column)
        self.put(weight_column, spec.full_marks, "weight")
        if first_score - weight_column > 1:
            self.put(weight_column + 1, None, columns=first_score - weight_column - 1)
        total = evaluation.total if evaluation else None
        self.put(score_column, total, "total", entry="score", maximum=spec.full_marks)
        if self.reviewed:
            self.put(first_score, evaluation.self_total if evaluation else None, "total")
        rest = self.width - score_column - 1
        if rest:
            self.put(self.width - rest, None, columns=rest)
        self.row += 1
        grade = evaluation.grade.label if evaluation else None
        self.put(0, GRADE, "label", columns=weight_column)
        self.put(
            weight_column, grade_line(spec.grades, spec.full_marks, grade), "grade", columns=self.width - weight_column
        )
        self.row += 1
        review = evaluation.review if evaluation else None
        if review is not None:
            who = " ".join(part for part in (review.reviewer, review.date) if part)
            opinion = "；".join(part for part in (who, review.opinion) if part)
            self.labelled(OPINION, opinion or None)
