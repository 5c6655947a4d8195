"""Workbooks in: a filled form (.xlsx) read back as facts; the only module that imports openpyxl.

The reader finds the form by its labels, not by fixed cells, so it reads the
workbook `perfrules template` writes and an official-layout form filled by hand
alike: 部门名称 / 项目名称 and the other header labels, the budget or funds table,
the indicator table under its 一级指标 header (merged cells read as the value they
show), 总分 and the ☑ of 评价等级, and the 数据 sheet of declared facts.

Cells are converted by documented rules only (docs/reports.md): numbers typed as
text may carry thousands separators and full-width digits ("1,288.38", "１２");
a percentage ("99.7%") is a number only in the 数据 sheet, as Excel stores it
(0.997); anything else that is not a number is an error naming the cell. The
facts built here go through the same checks as a YAML facts file, each problem
located at its sheet and cell.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet

from .._diagnostics import Diagnostic, Location, did_you_mean
from .._document import Document
from .._inputs.facts import (
    FUNDS_LABELS,
    NOT_APPLICABLE_MARK,
    WHO_AND_WHEN,
    Facts,
    read_facts_document,
    yes_or_no,
)
from .._lang import Language
from .._numbers import in_range
from .._unicode import REFUSED_CHARACTER, printable, refusal
from .._yaml import Marks
from ..exceptions import FactsError
from .layout import (
    ACTUAL,
    FACTS_SHEET,
    GRADE,
    LEVEL_NAMES,
    MEASURE,
    SELF_SCORE,
    TARGET,
    TOTAL,
    UNITS,
    WEIGHT,
    YEAR,
)

if TYPE_CHECKING:
    from .._spec.model import Indicator, Spec

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 5000, 60
MAX_CELLS = 100_000  # a form has a few thousand; openpyxl takes about a second for this many
MAX_MERGED_CELLS = 20_000  # a form merges a few hundred; openpyxl builds an object for each

# Header labels, after `_label` normalisation, and what each means.
SUBJECT_LABELS = ("部门名称", "项目名称", "单位名称")
GOALS_LABELS = ("年度整体绩效目标", "年度总体目标", "预期目标", "总体目标")
ACHIEVEMENTS_LABELS = ("整体绩效目标完成情况", "实际完成情况", "目标完成情况")
SHORTFALL_LABELS = ("未能完成原因",)
SCORE_LABELS = ("得分", "得分/自评分", "自评得分", "自评分数")
REASON_LABELS = (
    "未达标原因",
    "偏差原因分析",
    "偏差原因",
    "未完成原因",
    "偏差原因分析及改进措施",
    "未完成原因和改进措施",
)
TARGET_LABELS = (TARGET, "指标值", "目标值", "年度目标值")
ACTUAL_LABELS = (ACTUAL, "实际值", "完成值", "全年实际值")
CHECKS = "☑✓✔√■▣☒"
_YEAR = re.compile(r"(\d{4})\s*年")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_UNIT_WORDS = ("万元", "元", "亿", "个", "人", "次", "家", "项")


def read_workbook(path: Path, spec: Spec) -> Facts:
    """Read a filled form workbook as the facts it holds, for *spec*.

    Raises:
        FactsError: the file is not a workbook, has no form, or its cells do not
            fit *spec*; every problem names its sheet and cell.
    """
    file = printable(str(path))
    raw = _read_bytes(path, file)
    try:
        book = load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged or foreign file
        raise _error(
            file,
            "unreadable",
            f"not an .xlsx workbook perfrules can read ({type(e).__name__})",
            f"不是 perfrules 能读取的 .xlsx 工作簿（{type(e).__name__}）",
        ) from None
    reader = _Reader(file, spec)
    data = reader.read(book)
    if reader.problems:
        count = len(reader.problems)
        zh = f"{reader.file}：工作簿中有 {count} 处问题"
        raise FactsError(f"{reader.file}: {count} problem(s) in the workbook", reader.problems, message_zh=zh)
    document = Document(file, data, hashlib.sha256(raw).hexdigest(), marks=reader.marks_of(data))
    return read_facts_document(document)


def _read_bytes(path: Path, file: str) -> bytes:
    """The workbook's bytes, once its size, its unpacked size and each sheet's cells and merged ranges are
    known to be those of a form: openpyxl builds every cell and every merged cell before perfrules sees any."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _error(
            file,
            "too-large",
            f"the workbook is {size} bytes; the limit is {MAX_FILE_BYTES}",
            f"工作簿有 {size} 字节，超过上限 {MAX_FILE_BYTES}",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(info.file_size for info in members)
            if unpacked > MAX_UNPACKED_BYTES:  # a zip bomb would unpack far beyond any real form
                message = f"the workbook unpacks to {unpacked} bytes; the limit is {MAX_UNPACKED_BYTES}"
                raise _error(
                    file, "too-large", message, f"工作簿解压后有 {unpacked} 字节，超过上限 {MAX_UNPACKED_BYTES}"
                )
            for info in members:  # every part: a sheet may be stored anywhere the workbook's links say
                if info.filename.endswith(".xml"):
                    _check_sheet(file, info.filename, archive.read(info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise _error(
            file,
            "unreadable",
            "not an .xlsx workbook (an .xlsx file is a zip archive)",
            "不是 .xlsx 工作簿（.xlsx 文件是 zip 压缩包）",
        ) from None
    return path.read_bytes()


# Elements by local name, whatever their namespace prefix (<c>, <x:c>); attributes in either quotes.
_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s>/]")
_MERGED = re.compile(
    rb"""<(?:[\w.-]+:)?mergeCell\s[^>]*?ref\s*=\s*["']([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?["']"""
)


def _check_sheet(file: str, name: str, xml: bytes) -> None:
    """Refuse a sheet with more cells, or merged ranges covering more cells, than a form could have."""
    cells = len(_CELL.findall(xml))
    if cells > MAX_CELLS:
        raise _error(
            file,
            "too-large",
            f"{name} has {cells} cells; a form has at most {MAX_CELLS}",
            f"{name} 有 {cells} 个单元格；一张表至多 {MAX_CELLS} 个",
        )
    covered = 0
    for first_column, first_row, last_column, last_row in _MERGED.findall(xml):
        rows = int(last_row or first_row) - int(first_row) + 1
        columns = column_index_from_string((last_column or first_column).decode()) - column_index_from_string(
            first_column.decode()
        )
        covered += max(rows, 1) * (max(columns, 0) + 1)
        if covered > MAX_MERGED_CELLS:
            raise _error(
                file,
                "too-large",
                f"{name}'s merged cells cover more than {MAX_MERGED_CELLS} cells",
                f"{name} 的合并单元格覆盖超过 {MAX_MERGED_CELLS} 个单元格",
            )


def _error(file: str, code: str, message: str, zh: str) -> FactsError:
    problem = Diagnostic("error", code, message, location=Location(file), message_zh=zh)
    return FactsError(f"{file}: {message}", [problem], message_zh=f"{file}：{zh}")


_KEY_WORDS = {"score": "得分", "weight": "分值"}


def _label(value: object) -> str:
    """A cell's text as a label: full-width forms folded, spaces, colons and the unit in brackets dropped."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value)
    text = re.sub(r"\((万元|元)\)", "", text)
    return re.sub(r"[\s:]", "", text)


class _Grid:
    """One worksheet's values with merged cells filled in: every covered cell shows the value of its range."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.values: dict[tuple[int, int], Any] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        self.refused: list[tuple[int, int, str, str]] = []  # row, column, why in English and in Chinese
        for row in sheet.iter_rows(max_row=min(sheet.max_row, MAX_ROWS), max_col=min(sheet.max_column, MAX_COLUMNS)):
            for cell in row:
                if cell.value is None:
                    continue
                why = refusal(cell.value) if isinstance(cell.value, str) else None
                if why is not None:  # reported by the reader; the cell is read as empty
                    self.refused.append((cell.row, cell.column, why, refusal(cell.value, "zh") or why))
                    continue
                self.values[cell.row, cell.column] = cell.value
                self.formats[cell.row, cell.column] = cell.number_format
        for merged in sheet.merged_cells.ranges:
            corner = (merged.min_row, merged.min_col)
            for row in range(merged.min_row, min(merged.max_row, MAX_ROWS) + 1):
                for column in range(merged.min_col, min(merged.max_col, MAX_COLUMNS) + 1):
                    self.merged[row, column] = corner
                    if corner in self.values:
                        self.values[row, column] = self.values[corner]
                        self.formats[row, column] = self.formats[corner]
        self.rows = max((row for row, _ in self.values), default=0)
        self.columns = max((column for _, column in self.values), default=0)

    def get(self, row: int, column: int) -> Any:
        value = self.values.get((row, column))
        return value.strip() or None if isinstance(value, str) else value

    def corner(self, row: int, column: int) -> tuple[int, int]:
        return self.merged.get((row, column), (row, column))

    def bottom(self, row: int, column: int) -> int:
        """The last row of the merged range holding (*row*, *column*), or *row* itself."""
        corner = self.corner(row, column)
        return max((at[0] for at, start in self.merged.items() if start == corner), default=row)

    def block_bottom(self, label: tuple[int, int], limit: int) -> int:
        """The last row of the block a label heads: its merged range, or, unmerged, down to the next
        value in its column (at most the row before *limit*)."""
        if label in self.merged:
            return self.bottom(*label)
        row = label[0]
        while row + 1 < limit and self.get(row + 1, label[1]) is None:
            row += 1
        return row

    def find(self, labels: tuple[str, ...], rows: range | None = None) -> tuple[int, int] | None:
        """The first cell (top to bottom, left to right) whose label is one of *labels*."""
        for row in rows or range(1, self.rows + 1):
            for column in range(1, self.columns + 1):
                if self.corner(row, column) == (row, column) and _label(self.get(row, column)) in labels:
                    return row, column
        return None

    def right_of(self, row: int, column: int) -> tuple[int, int] | None:
        """The cell just right of (*row*, *column*)'s merged range, when it holds a value."""
        start = self.corner(row, column)
        for next_column in range(column + 1, self.columns + 1):
            if self.corner(row, next_column) != start:
                return (row, next_column) if self.get(row, next_column) is not None else None
        return None


class _Reader:
    """Collects the facts mapping, where each entry came from, and every problem."""

    def __init__(self, file: str, spec: Spec) -> None:
        self.file, self.spec = file, spec
        self.problems: list[Diagnostic] = []
        self.places: dict[tuple[str | int, ...], tuple[str, int, int, str]] = {}

    # Reading a whole workbook.

    def read(self, book: Any) -> dict[str, Any]:
        found = next(((grid, at) for grid in map(_Grid, book.worksheets) if (at := grid.find(LEVEL_NAMES[:1]))), None)
        if found is None:
            self.problem(
                "no-form",
                f"no sheet holds a form: none has the {LEVEL_NAMES[0]} header",
                None,
                zh=f"没有哪张工作表是评价表：都没有“{LEVEL_NAMES[0]}”表头",
            )
            return {}
        grid, header = found
        data: dict[str, Any] = {}
        self.refusals(grid)
        self.header_block(grid, header[0], data)
        self.indicator_table(grid, header[0], data)
        if FACTS_SHEET in book.sheetnames:
            facts = _Grid(book[FACTS_SHEET])
            self.refusals(facts)
            self.facts_sheet(facts, data)
        return data

    def refusals(self, grid: _Grid) -> None:
        for row, column, why, why_zh in grid.refused:
            self.problem(REFUSED_CHARACTER, why, self.place(grid, row, column), zh=why_zh)

    def place(self, grid: _Grid, row: int, column: int) -> tuple[str, int, int, str]:
        return (self.file, row, column, printable(grid.sheet.title))

    def problem(
        self, code: str, message: str, at: tuple[str, int, int, str] | None, indicator: str | None = None, *, zh: str
    ) -> None:
        """Note a problem at a cell: *message* in English, *zh* in Chinese."""
        location = Location(*at) if at else Location(self.file)
        self.problems.append(Diagnostic("error", code, message, indicator, location, zh))

    def put(self, data: dict[str, Any], path: tuple[str | int, ...], value: Any, at: tuple[str, int, int, str]) -> None:
        """Set ``data[path]`` (creating mappings on the way) and remember the cell it came from."""
        node: Any = data
        for step in path[:-1]:
            node = node[step] if isinstance(step, int) else node.setdefault(step, {})
        node[path[-1]] = value
        self.places[path] = at

    def marks_of(self, data: dict[str, Any]) -> dict[int, Marks]:
        """Marks for the facts mapping, so that the facts checks report cells."""
        marks: dict[int, Marks] = {}
        for path, at in self.places.items():
            node: Any = data
            for depth, step in enumerate(path):
                mark = marks.setdefault(id(node), Marks(at))
                mark.values.setdefault(step, at)
                mark.keys.setdefault(step, at)
                if depth < len(path) - 1:
                    node = node[step]
        return marks

    # The header block: title, unit, goals, budget or funds.

    def named_in_title(self, title: str) -> str | None:
        """The unit a title names besides its year and the form's name: "2022年度XX局部门整体支出绩效自评表"."""
        title, name = re.sub(r"\s+", "", title), re.sub(r"\s+", "", self.spec.name)
        if not name or name not in title:
            return None
        before = re.sub(r"^附件\d*", "", re.sub(r"\d{4}年度?", "", title[: title.index(name)])).strip("（）()：:、 ")
        return before if before and not re.search("[:：]", before) else None  # a unit, not 金额单位：万元

    def header_block(self, grid: _Grid, header_row: int, data: dict[str, Any]) -> None:
        above = range(1, header_row)
        subject = grid.find(SUBJECT_LABELS, above)
        year = grid.find((YEAR,), above)
        year_at = _value_of(grid, year) if year else None
        if year_at is not None:  # the template's 年度 cell: 2022, or "2022年度" as the title writes it
            value = grid.get(*year_at)
            written = _YEAR.fullmatch(re.sub(r"\s+|度", "", value)) if isinstance(value, str) else None
            number = Decimal(written.group(1)) if written else self.number(grid, *year_at, what=("year", YEAR))
            if number is not None and number != int(number):
                why = f"the year is a whole number, not {number}"
                self.problem("not-a-number", why, self.place(grid, *year_at), zh=f"年度应为整数，现为 {number}")
            elif number is not None:
                self.put(data, ("year",), int(number), self.place(grid, *year_at))
        for row in range(1, subject[0] if subject else header_row):  # the title, not the goals' text
            text = " ".join(str(grid.get(row, column) or "") for column in range(1, grid.columns + 1))
            if (match := _YEAR.search(text)) and year_at is None:
                self.put(data, ("year",), int(match.group(1)), self.place(grid, row, 1))
            if (named := self.named_in_title(text)) and not (subject and _value_of(grid, subject)):
                self.put(data, ("subject",), named, self.place(grid, row, 1))  # typed into the title
            if match or named:
                break
        for key, label in WHO_AND_WHEN.items():  # 主管部门 and 实施单位 above the table, 填报人 … below it
            found = grid.find((label,))
            value_at = _value_of(grid, found) if found else None
            if value_at is not None:
                self.put(data, (key,), self.text(grid, *value_at), self.place(grid, *value_at))
        for key, labels in (
            ("subject", SUBJECT_LABELS),
            ("goals", GOALS_LABELS),
            ("achievements", ACHIEVEMENTS_LABELS),
            ("shortfall_reasons", SHORTFALL_LABELS),
        ):
            found = subject if key == "subject" else grid.find(labels, above)
            value_at = _value_of(grid, found) if found else None
            if value_at is not None:
                self.put(data, (key,), self.text(grid, *value_at), self.place(grid, *value_at))
        units = grid.find((UNITS,), above)
        units_at = _value_of(grid, units) if units else None
        if units_at is not None:
            number = self.number(grid, *units_at, what=UNITS)
            if number is not None:
                self.put(
                    data, ("units",), int(number) if number == int(number) else str(number), self.place(grid, *units_at)
                )
        budget = next((at for at in _cells(grid, above) if _label(grid.get(*at)).startswith("年度部门预算情况")), None)
        if budget is not None:
            self.budget(grid, budget, header_row, data)
        funds = next((at for at in _cells(grid, above) if _label(grid.get(*at)).startswith("项目资金")), None)
        if funds is not None:
            self.funds(grid, funds, header_row, data)

    def budget(self, grid: _Grid, at: tuple[int, int], header_row: int, data: dict[str, Any]) -> None:
        """The budget table: each row holding a number is a row of amounts, each named by the nearest text
        above it, below the previous row of amounts."""
        top, label_column = at
        names_from = top
        for row in range(top, grid.block_bottom(at, header_row) + 1):
            cells = [
                (row, column)
                for column in range(label_column + 1, grid.columns + 1)
                if grid.corner(row, column) == (row, column) and grid.get(row, column) is not None
            ]
            if not any(_numeric(grid.get(*cell)) for cell in cells):
                continue  # a row of names
            for cell in cells:
                above = (grid.get(name_row, cell[1]) for name_row in range(row - 1, names_from - 1, -1))
                name = _label(next((text for text in above if text is not None), None))
                at_cell = self.place(grid, *cell)
                if not name or _numeric(name):
                    message = "this amount has no budget line name above it"
                    self.problem("budget-unnamed", message, at_cell, zh="该金额上方没有预算项目名称")
                elif name in data.get("budget", {}):
                    self.problem(
                        "budget-twice",
                        f"budget line {name!r} is given twice",
                        at_cell,
                        zh=f"预算项目 {name!r} 填了两次",
                    )
                elif (amount := self.number(grid, *cell, what=name)) is not None:
                    self.put(data, ("budget", name), amount, at_cell)
            names_from = row + 1

    def funds(self, grid: _Grid, at: tuple[int, int], header_row: int, data: dict[str, Any]) -> None:
        """The funds table: a header row naming 年初预算数 / 全年预算数 / 全年执行数, a row per source of funds."""
        top, label_column = at
        bottom = grid.block_bottom(at, header_row)
        columns: dict[int, str] = {}
        columns_row = top
        for row in range(top, bottom + 1):
            for column in range(label_column + 1, grid.columns + 1):
                label = _label(grid.get(row, column))
                for attribute, words in FUNDS_LABELS.items():
                    if label.startswith(words):
                        columns[column] = attribute
                        columns_row = row
        for row in range(columns_row + 1, bottom + 1):
            if all(grid.get(row, column) is None for column in columns):
                continue
            name_at = (row, label_column + 1)
            name = grid.get(*name_at)
            if not isinstance(name, str) or _numeric(name):
                self.problem(
                    "funds-unnamed",
                    "this row of funds has no name",
                    self.place(grid, *name_at),
                    zh="资金表该行没有名称",
                )
                continue
            if name in data.get("funds", {}):
                self.problem(
                    "funds-twice",
                    f"funds row {name!r} is given twice",
                    self.place(grid, *name_at),
                    zh=f"资金表的 {name!r} 行填了两次",
                )
                continue
            for column, attribute in columns.items():
                if grid.get(row, column) is None:
                    continue
                amount = self.number(grid, row, column, what=name)
                if amount is not None:
                    self.put(data, ("funds", name, attribute), amount, self.place(grid, row, column))

    # The indicator table.

    def indicator_table(self, grid: _Grid, header_row: int, data: dict[str, Any]) -> None:
        columns = self.columns(grid, header_row)
        if "score" not in columns:
            self.problem(
                "no-score-column",
                f"the indicator table has no {SCORE_LABELS[0]} column",
                self.place(grid, header_row, 1),
                zh=f"指标表没有“{SCORE_LABELS[0]}”列",
            )
            return
        matcher = _Matcher(self.spec)
        for row in range(header_row + 1, grid.rows + 1):
            first = next(
                (grid.get(row, column) for column in range(1, grid.columns + 1) if grid.get(row, column) is not None),
                None,
            )
            label = _label(first)
            if label in (TOTAL, "合计"):
                self.total(grid, row, columns, data)
                continue
            if label == GRADE:
                self.grade(grid, row, data)
                continue
            if label.startswith("复核") or label in _SIGNATURES:  # a review's opinion; who filled the form, when
                continue
            self.indicator_row(grid, row, columns, matcher, data)

    def columns(self, grid: _Grid, header_row: int) -> dict[str, Any]:
        """What each column of the indicator table holds, by its header."""
        columns: dict[str, Any] = {"levels": []}
        weights = []
        for column in range(1, grid.columns + 1):
            if grid.corner(header_row, column) != (header_row, column):
                continue
            label = _label(grid.get(header_row, column))
            if label in LEVEL_NAMES:
                columns["levels"].append(column)
            elif label == WEIGHT:
                weights.append(column)
            elif label == SELF_SCORE or (label in SCORE_LABELS and "score" not in columns):
                columns["score"] = column
            elif label in REASON_LABELS:
                columns["reason"] = column
            elif label == MEASURE:
                columns["measure"] = column
            elif label in TARGET_LABELS:
                columns["target"] = column
            elif label in ACTUAL_LABELS:
                columns["actual"] = column
        if weights:
            columns["weight"] = weights[-1]  # the leaf's own weight is the last 分值 column
        return columns

    def indicator_row(
        self, grid: _Grid, row: int, columns: dict[str, Any], matcher: _Matcher, data: dict[str, Any]
    ) -> None:
        names: list[tuple[str, tuple[int, int]]] = []
        seen: set[tuple[int, int]] = set()
        for column in columns["levels"]:
            corner = grid.corner(row, column)
            if corner in seen:  # a leaf above the deepest level spans the deeper name columns
                continue
            seen.add(corner)
            names.append((str(grid.get(row, column) or ""), (row, column)))
        line = _TableRow(grid, row, {key: columns[key] for key in _ROW_KEYS if key in columns})
        if not names or (not names[-1][0] and line.blank):
            return  # an empty row, or a blank row left for the unit's own indicator
        found = matcher.match([name for name, _ in names])
        if isinstance(found, str):
            at = self.place(grid, *names[min(matcher.failed_level, len(names) - 1)][1])
            self.problem("unknown-indicator", found, at, zh=matcher.failed_zh)
            return
        node, own_name = found
        for key in ("score", "weight"):  # a number merged over several rows would count once per row
            if key in line.columns and grid.corner(row, line.columns[key])[0] != row and line.value(key) is not None:
                self.problem(
                    "merged-number",
                    f"this {key} cell is merged over several indicators' rows",
                    self.place(grid, row, line.columns[key]),
                    node.id,
                    zh=f"该{_KEY_WORDS.get(key, key)}单元格跨多个指标的行合并",
                )
                return
        if own_name is None:
            if node.id in data.get("assessments", {}):
                at = self.places[("assessments", node.id)]
                message = f"{node.name!r} ({node.id}) is given twice: here and in row {at[1]}"
                zh = f"指标 {node.name!r}（{node.id}）填了两次：此处和第 {at[1]} 行"
                self.problem("indicator-twice", message, self.place(grid, *names[-1][1]), node.id, zh=zh)
                return
            # Every row gets its entry, so that "no score" is reported at the row's 得分 cell.
            self.put(data, ("assessments", node.id), {}, self.place(grid, row, line.columns["score"]))
            self.entries(line, ("assessments", node.id), node.id, data)
            return
        # A unit's own indicator in a project form's slot, written as the facts file's ``indicators:`` entry.
        leaves = data.setdefault("indicators", {}).setdefault(node.id, [])
        path: tuple[str | int, ...] = ("indicators", node.id, len(leaves))
        leaf_id = f"{node.id}.{len(leaves) + 1}"
        leaves.append({"id": leaf_id, "name": own_name})
        first = self.place(grid, *names[-1][1])
        self.places[path] = self.places[(*path, "id")] = self.places[(*path, "name")] = first
        for key in ("target", "actual"):
            if line.value(key) is not None:
                self.put(
                    data,
                    (*path, key),
                    self.text(grid, row, line.columns[key]),
                    self.place(grid, row, line.columns[key]),
                )
        if line.value("weight") is not None:
            at = self.place(grid, row, line.columns["weight"])
            if _not_applicable(line.value("weight")):  # 分值 "/": the row does not apply, as in a facts file
                self.put(data, (*path, "weight"), NOT_APPLICABLE_MARK, at)
            else:
                weight = self.number(grid, row, line.columns["weight"], what=WEIGHT, indicator=leaf_id)
                if weight is not None:
                    self.put(data, (*path, "weight"), weight, at)
        self.entries(line, path, leaf_id, data)

    def entries(self, line: _TableRow, path: tuple[str | int, ...], indicator_id: str, data: dict[str, Any]) -> None:
        """A row's score, reason and measure."""
        grid, row = line.grid, line.row
        if line.value("score") is not None:
            score = self.score(grid, row, line.columns["score"], indicator_id)
            if score is not None:
                self.put(data, (*path, "score"), score, self.place(grid, row, line.columns["score"]))
        for key in ("reason", "measure"):
            if line.value(key) is not None:
                self.put(data, (*path, key), str(line.value(key)), self.place(grid, row, line.columns[key]))

    def total(self, grid: _Grid, row: int, columns: dict[str, Any], data: dict[str, Any]) -> None:
        if grid.get(row, columns["score"]) is None:
            return
        total = self.number(grid, row, columns["score"], what=TOTAL)
        if total is not None:
            self.put(data, ("stated", "total"), total, self.place(grid, row, columns["score"]))

    def grade(self, grid: _Grid, row: int, data: dict[str, Any]) -> None:
        labels = [band.label for band in self.spec.grades.bands]
        for column in range(1, grid.columns + 1):
            text = grid.get(row, column)
            if not isinstance(text, str):
                continue
            checked = [label for label in labels if re.search(f"[{CHECKS}]\\s*{re.escape(label)}", text)]
            if len(checked) == 1:
                self.put(data, ("stated", "grade"), checked[0], self.place(grid, row, column))
                return
            if len(checked) > 1:
                self.problem(
                    "grade-ticked-twice",
                    f"{GRADE} ticks {', '.join(checked)}: tick one",
                    self.place(grid, row, column),
                    zh=f"{GRADE}勾选了 {'、'.join(checked)}：只能勾选一项",
                )
                return

    # The 数据 sheet.

    def facts_sheet(self, grid: _Grid, data: dict[str, Any]) -> None:
        header = grid.find(("名称", "name"), range(1, min(grid.rows, 5) + 1))
        value_header = grid.find(("值", "value"), range(1, min(grid.rows, 5) + 1))
        if header is None or value_header is None:
            self.problem(
                "facts-sheet",
                f"the {FACTS_SHEET} sheet needs a 名称 and a 值 column",
                self.place(grid, 1, 1),
                zh=f"“{FACTS_SHEET}”工作表须有“名称”和“值”两列",
            )
            return
        row0, name_column = header
        value_column = value_header[1]
        self.put(data, ("facts",), {}, self.place(grid, row0, value_column))  # where a missing fact is reported
        for row in range(row0 + 1, grid.rows + 1):
            name = grid.get(row, name_column)
            if name is None or grid.get(row, value_column) is None:
                continue
            name = str(name)
            declaration = self.spec.facts.get(name)
            value: Any
            if declaration is not None and declaration.type == "boolean":
                value = self.boolean(grid, row, value_column)
            elif declaration is None or declaration.type == "text":  # undeclared: the facts checks name it
                value = self.text(grid, row, value_column)
            else:
                value = self.number(grid, row, value_column, what=name, percent=True)
            if value is not None:
                self.put(data, ("facts", name), value, self.place(grid, row, value_column))

    # Cells.

    def score(self, grid: _Grid, row: int, column: int, indicator_id: str) -> Decimal | str | None:
        value = grid.get(row, column)
        if _not_applicable(value):
            return NOT_APPLICABLE_MARK
        what = (f"score of {indicator_id}", f"{indicator_id} 的{SCORE_LABELS[0]}")
        return self.number(grid, row, column, what=what, indicator=indicator_id)

    def number(
        self,
        grid: _Grid,
        row: int,
        column: int,
        *,
        what: str | tuple[str, str],
        percent: bool = False,
        indicator: str | None = None,
    ) -> Decimal | None:
        """The cell as an exact number, or a located problem saying why it is not one; *what* the cell holds, as
        it is named in both languages or as a name written alike in both."""
        value, number_format = grid.get(row, column), grid.formats.get((row, column), "General")
        at = self.place(grid, row, column)
        number, why = cell_number(value, percent=percent, number_format=number_format)
        if why is not None:
            why_zh = cell_number(value, percent=percent, number_format=number_format, lang="zh")[1]
            what_en, what_zh = (what, what) if isinstance(what, str) else what
            self.problem("not-a-number", f"{what_en}: {why}", at, indicator, zh=f"{what_zh}：{why_zh}")
        return number

    def text(self, grid: _Grid, row: int, column: int) -> str:
        """A cell as the text it shows: a number formatted as a percentage reads as "100%"."""
        value, number_format = grid.get(row, column), grid.formats.get((row, column), "General")
        number = _from_binary(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if number is not None:
            if "%" in number_format:
                return f"{(number * 100).normalize():f}%"
            return f"{number.normalize():f}"
        return str(value)

    def boolean(self, grid: _Grid, row: int, column: int) -> bool | None:
        value = grid.get(row, column)
        if isinstance(value, bool):
            return value
        meant = yes_or_no(_label(str(value)))
        if meant is not None:
            return meant
        at = self.place(grid, row, column)
        self.problem(
            "not-a-boolean", f"{str(value)[:40]!r} is not 是 or 否", at, zh=f"{str(value)[:40]!r} 应为“是”或“否”"
        )
        return None


_ROW_KEYS = ("score", "reason", "measure", "target", "actual", "weight")


class _TableRow:
    """One row of the indicator table and the columns that matter."""

    def __init__(self, grid: _Grid, row: int, columns: dict[str, int]) -> None:
        self.grid, self.row, self.columns = grid, row, columns

    def value(self, key: str) -> Any:
        return self.grid.get(self.row, self.columns[key]) if key in self.columns else None

    @property
    def blank(self) -> bool:
        return all(self.value(key) is None for key in self.columns)


def cell_number(
    value: object, *, percent: bool = False, number_format: str = "General", lang: Language = "en"
) -> tuple[Decimal | None, str | None]:
    """A cell's value as an exact number: ``(number, None)``, or ``(None, why not)``.

    A number the workbook stores (a binary double) becomes the shortest decimal
    that stands for it, which is what the user typed and what Excel shows at full
    precision. Text may carry thousands separators ("1,288.38"), spaces and
    full-width characters; a percentage ("99.7%", or a number formatted as one)
    is accepted only where *percent* is true, as the fraction Excel stores (0.997). *lang*: the language of why not.
    """
    en = lang == "en"
    if isinstance(value, bool) or value is None or not isinstance(value, (int, float, str)):
        if value is None:
            return None, "the cell is empty" if en else "单元格是空的"
        return None, f"{value!r:.40} is not a number" if en else f"{value!r:.40} 不是数字"
    if isinstance(value, (int, float)):
        if "%" in number_format and not percent:
            why = "the cell is formatted as a percentage; write the number itself"
            return None, why if en else "单元格设为百分比格式；请直接写数值"
        number = _from_binary(value)
        out = f"{value!r:.40} is out of range" if en else f"{value!r:.40} 超出范围"
        return (number, None) if number is not None else (None, out)
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", value))
    is_percent = text.endswith("%")
    digits = text.removesuffix("%")
    if _GROUPED.fullmatch(digits):
        digits = digits.replace(",", "")
    if not _PLAIN.fullmatch(digits):
        unit = any(word in text for word in _UNIT_WORDS)
        if en:
            return None, f"{value[:40]!r} is not a number" + (
                "; write the amount alone, in the form's unit" if unit else ""
            )
        return None, f"{value[:40]!r} 不是数字" + ("；只写金额，单位以表中为准" if unit else "")
    if is_percent and not percent:
        return (
            None,
            f"{value[:40]!r} is a percentage; write the number itself"
            if en
            else f"{value[:40]!r} 是百分数；请直接写数值",
        )
    number = Decimal(digits)  # the pattern admits only plain decimals
    if not in_range(number):
        return None, f"{value[:40]!r} is out of range" if en else f"{value[:40]!r} 超出范围"
    return (number / 100 if is_percent else number), None


def _from_binary(value: int | float) -> Decimal | None:
    """A stored number as the decimal typed: repr() is the shortest decimal that round-trips to the double."""
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    return number if in_range(number) else None


def _numeric(value: object) -> bool:
    return cell_number(value, percent=False)[1] is None


_SIGNATURES = frozenset(WHO_AND_WHEN[key] for key in ("preparer", "phone", "filled_on"))
HEADER_LABELS = frozenset(
    (*SUBJECT_LABELS, *GOALS_LABELS, *ACHIEVEMENTS_LABELS, *SHORTFALL_LABELS, UNITS, YEAR, *WHO_AND_WHEN.values())
)
BLOCK_LABELS = ("年度部门预算情况", "项目资金", *LEVEL_NAMES)


def _is_label(value: object) -> bool:
    label = _label(value)
    return label in HEADER_LABELS or label.startswith(BLOCK_LABELS)


def _value_of(grid: _Grid, label: tuple[int, int]) -> tuple[int, int] | None:
    """The cell a header label names: the one to its right; or, in a row of nothing but labels
    (年度总体目标 | 预期目标 | 实际完成情况), the one under the label (under 预期目标 for 年度总体目标)."""
    right = grid.right_of(*label)
    if right is not None and not _is_label(grid.get(*right)):
        return right
    if any(not _is_label(grid.get(*at)) for at in _cells(grid, range(label[0], label[0] + 1))):
        return None  # a row with values: this label's own value is blank
    heading = right or label
    below = (grid.bottom(*heading) + 1, heading[1])
    value = grid.get(*below)
    if value is None or _is_label(value) or grid.corner(*below)[1] != heading[1]:
        return None
    return below


def _cells(grid: _Grid, rows: range) -> Iterator[tuple[int, int]]:
    for row in rows:
        for column in range(1, grid.columns + 1):
            if grid.corner(row, column) == (row, column) and grid.get(row, column) is not None:
                yield row, column


class _Matcher:
    """Matches a row's names, level by level, to the spec's indicators.

    A blank parent name continues the row above (forms typed without merged cells
    leave it blank); a blank leaf name takes the next leaf of its parent not yet read.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.used: set[str] = set()
        self.previous: list[Indicator] = []
        self.failed_level = 0
        self.failed_zh = ""  # the Chinese of the last failure `match` returned

    def match(self, names: list[str]) -> tuple[Indicator, str | None] | str:
        """The leaf (or, for a project form, the slot and the unit's indicator name), or what is wrong."""
        siblings = self.spec.indicators
        path: list[Indicator] = []
        for level, name in enumerate(names):
            node = path[-1] if path else None
            if node is not None and node.slot is not None:
                if not name:
                    self.failed_level = level
                    self.failed_zh = f"{node.name}：单位自设指标须有名称"
                    return f"{node.name}: the unit's indicator needs a name"
                self.previous = path
                return node, name
            if node is not None and node.is_leaf:
                break
            found = self.find(level, _label(name), siblings)
            if found is None:
                self.failed_level = level
                where = f" under {node.name}" if node else ""
                names_here = [c.name for c in siblings]
                self.failed_zh = (
                    f"规范中{f'“{node.name}”下' if node else ''}没有指标 {name!r}{did_you_mean(name, names_here, 'zh')}"
                )
                return f"no indicator {name!r}{where} in the spec{did_you_mean(name, names_here)}"
            path.append(found)
            siblings = found.children
        self.previous = path
        leaf = path[-1] if path else None
        if leaf is None or not leaf.is_leaf:
            self.failed_level = len(names) - 1
            self.failed_zh = f"该行写的是 {' / '.join(names)!r}，不是计分的末级指标"
            return f"the row names {' / '.join(names)!r}, which is not a scored indicator"
        self.used.add(leaf.id)
        return leaf, None

    def find(self, level: int, wanted: str, siblings: tuple[Indicator, ...]) -> Indicator | None:
        if wanted:
            return next((child for child in siblings if _label(child.name) == wanted), None)
        above = self.previous[level] if level < len(self.previous) else None
        if above is not None and any(above is child for child in siblings) and not above.is_leaf:
            return above
        unread = (child for child in siblings if any(n.id not in self.used for n in child.walk() if n.is_leaf))
        return next(unread, None)


def _not_applicable(value: object) -> bool:
    """A cell marked not applicable: "/" (or "不适用"), as forms print it."""
    return isinstance(value, str) and _label(value) in (NOT_APPLICABLE_MARK, "不适用")
