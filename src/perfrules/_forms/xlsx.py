"""Workbooks out: laid-out sheets as an .xlsx file; the only module that imports XlsxWriter.

A workbook holds the form's sheet and, for forms, a 数据 sheet listing the
spec's declared facts, so that a workbook written here reads back
(`perfrules._forms.workbook`) to the same facts. Cells a unit fills in a template
are shaded and validated (a score between 0 and its weight, amounts not negative).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .._analysis.summary import summary_layout
from .._numbers import to_text
from .layout import FACTS_SHEET, Cell, FactEntry, Sheet, fact_entries, form_layout, template_layout

if TYPE_CHECKING:
    from .._analysis.summary import Summary
    from .._engine.results import Evaluation
    from .._inputs.facts import Facts
    from .._spec.model import Spec

FONT = "宋体"
LINE_HEIGHT = 14.25  # points per line of 10-point text
FACTS_HEADERS = ("名称", "说明", "单位", "值", "类型")
TYPE_WORDS = {"number": "数值", "boolean": "是/否", "text": "文字"}
YES, NO = "是", "否"


def render_xlsx(evaluation: Evaluation) -> bytes:
    """The filled form as a workbook in the official layout, with its 数据 sheet."""
    return write_workbook([form_layout(evaluation)], fact_entries(evaluation.spec, evaluation.values))


def render_summary_xlsx(summary: Summary) -> bytes:
    """A summary across units as a workbook."""
    return write_workbook([summary_layout(summary)])


def template_xlsx(spec: Spec, facts: Facts | None = None) -> bytes:
    """A workbook for a unit to fill: the official layout left blank (or prefilled from *facts*)."""
    values = dict(facts.values) if facts else {}
    return write_workbook([template_layout(spec, facts)], fact_entries(spec, values), template=True)


def write_workbook(
    sheets: Sequence[Sheet], facts: Sequence[FactEntry] | None = None, *, template: bool = False
) -> bytes:
    """*sheets* (and a 数据 sheet of *facts*) as .xlsx bytes."""
    output = io.BytesIO()
    with xlsxwriter.Workbook(output, {"in_memory": True}) as workbook:
        formats = _Formats(workbook, template=template)
        for sheet in sheets:
            _write_sheet(workbook.add_worksheet(sheet.name), sheet, formats, template=template)
        if facts is not None:
            _write_facts(workbook.add_worksheet(FACTS_SHEET), facts, formats, template=template)
    return output.getvalue()


class _Formats:
    """One cell format per (style, number format, entry) used, created on first use."""

    def __init__(self, workbook: xlsxwriter.Workbook, *, template: bool) -> None:
        self.workbook, self.template = workbook, template
        self.made: dict[tuple[str, str, bool], Format] = {}

    def get(self, style: str, precision: int = 2, *, entry: bool = False) -> Format:
        number = {"amount": "#,##0.00", "score": "0." + "0" * precision if precision else "0", "percent": "0.00%"}
        key = (style, number.get(style, "General"), entry and self.template)
        if key not in self.made:
            properties: dict[str, Any] = {
                "font_name": FONT,
                "font_size": 10,
                "border": 1,
                "valign": "vcenter",
                "text_wrap": True,
            }
            if style in ("section", "label", "head", "total"):
                properties |= {"bold": True, "align": "center", "bg_color": "#F2F2F2"}
            if style in ("weight", "name"):
                properties["align"] = "center"
            if style in ("amount", "score", "percent"):
                properties |= {"align": "right", "num_format": key[1]}
            if style == "total":
                properties["num_format"] = number["score"]
            if style == "title":
                properties = {"font_name": FONT, "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
            if key[2]:
                properties |= {"bg_color": "#FFF9DB", "locked": False}
            self.made[key] = self.workbook.add_format(properties)
        return self.made[key]


def _write_sheet(worksheet: Worksheet, sheet: Sheet, formats: _Formats, *, template: bool) -> None:
    columns = len(sheet.widths)
    for index, width in enumerate(sheet.widths):
        worksheet.set_column(index, index, width)
    worksheet.merge_range(0, 0, 0, columns - 1, sheet.title, formats.get("title"))
    worksheet.set_row(0, 30)
    lines = [1] * sheet.row_count
    for cell in sheet.cells:
        row = cell.row + 1  # row 0 holds the title
        cell_format = formats.get(cell.style, sheet.precision, entry=cell.entry is not None)
        if cell.rows > 1 or cell.columns > 1:
            worksheet.merge_range(
                row, cell.column, row + cell.rows - 1, cell.column + cell.columns - 1, None, cell_format
            )
        _write_value(worksheet, row, cell.column, cell.value, cell_format)
        if template and cell.entry is not None:
            _validate(worksheet, row, cell)
        width = sum(sheet.widths[cell.column : cell.column + cell.columns])
        if isinstance(cell.value, str) and cell.rows == 1:
            lines[cell.row] = max(lines[cell.row], _lines(cell.value, width))
    for index, count in enumerate(lines):
        if count > 1:  # Excel does not grow rows for wrapped text in merged cells, so say how tall
            worksheet.set_row(index + 1, LINE_HEIGHT * count)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)
    worksheet.center_horizontally()
    worksheet.repeat_rows(sheet.header_row + 1)
    worksheet.set_footer(f"&L{sheet.footer}&R第 &P 页，共 &N 页" if sheet.footer else "&C第 &P 页，共 &N 页")


def _write_value(worksheet: Worksheet, row: int, column: int, value: str | Decimal | None, cell_format: Format) -> None:
    if value is None:
        worksheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, Decimal):
        # XlsxWriter writes a Decimal as its own digits ("9.91"); reading back takes
        # the shortest decimal of the double a spreadsheet stores, the same digits.
        worksheet.write_number(row, column, value, cell_format)
    else:
        worksheet.write_string(row, column, value, cell_format)


def _validate(worksheet: Worksheet, row: int, cell: Cell) -> None:
    rule: dict[str, Any] | None = None
    if cell.entry == "score" and cell.maximum is not None:
        # A warning, not a stop: "/" (not applicable) must stay possible where the spec allows it.
        rule = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": cell.maximum}
        rule |= {"error_type": "warning", "error_message": f"得分在 0 至 {to_text(cell.maximum)} 之间；不适用填 /"}
    elif cell.entry in ("amount", "weight"):
        rule = {"validate": "decimal", "criteria": ">=", "value": 0, "error_message": "填写不小于 0 的数"}
    elif cell.entry == "count":
        rule = {"validate": "integer", "criteria": ">=", "value": 0, "error_message": "填写整数"}
    if rule is not None:
        worksheet.data_validation(row, cell.column, row + cell.rows - 1, cell.column + cell.columns - 1, rule)


def _write_facts(worksheet: Worksheet, facts: Sequence[FactEntry], formats: _Formats, *, template: bool) -> None:
    for index, (header, width) in enumerate(zip(FACTS_HEADERS, (24, 30, 8, 16, 8), strict=True)):
        worksheet.set_column(index, index, width)
        worksheet.write_string(0, index, header, formats.get("head"))
    for row, entry in enumerate(facts, start=1):
        worksheet.write_string(row, 0, entry.name, formats.get("text"))
        worksheet.write_string(row, 1, entry.label, formats.get("text"))
        _write_value(worksheet, row, 2, entry.unit, formats.get("text"))
        value_format = formats.get("text", entry=True)  # General: a number shows all its digits
        value = entry.value
        if isinstance(value, bool):
            value = YES if value else NO
        _write_value(worksheet, row, 3, value, value_format)
        worksheet.write_string(row, 4, TYPE_WORDS.get(entry.type, entry.type), formats.get("text"))
        if template:
            _validate_fact(worksheet, row, entry)
    worksheet.freeze_panes(1, 0)


def _validate_fact(worksheet: Worksheet, row: int, entry: FactEntry) -> None:
    if entry.type == "boolean":
        worksheet.data_validation(row, 3, row, 3, {"validate": "list", "source": [YES, NO]})
    elif entry.choices:
        worksheet.data_validation(row, 3, row, 3, {"validate": "list", "source": list(entry.choices)})
    elif entry.type == "number":
        low = entry.minimum if entry.minimum is not None else Decimal("-1e15")
        high = entry.maximum if entry.maximum is not None else Decimal("1e15")
        worksheet.data_validation(
            row, 3, row, 3, {"validate": "decimal", "criteria": "between", "minimum": low, "maximum": high}
        )


def _lines(text: str, width: int) -> int:
    """How many lines *text* wraps to in a cell *width* characters wide (CJK characters take two)."""
    count = 0
    for line in text.splitlines() or [""]:
        wide = sum(2 if ord(char) > 0x2E7F else 1 for char in line)
        count += max(1, math.ceil(wide / max(width - 1, 1)))
    return count
