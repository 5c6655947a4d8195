"""The CSV report: one row per indicator, parents included, for spreadsheets and data systems.

UTF-8 with a byte-order mark, so Excel and WPS open the Chinese text correctly;
numbers are written as exact decimals ("9.91"), never reformatted; text that a
spreadsheet would take for a formula ("=1+1", "-5分") starts with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from .._forms.layout import LEVEL_NAMES
from .._numbers import to_text

if TYPE_CHECKING:
    from decimal import Decimal

    from .._engine.results import Evaluation, IndicatorResult

BOM = "\ufeff"
COLUMNS = ("编号", "层级", "指标", "上级指标", "分值", "得分", "规则计算分", "单位自评分", "复核前得分", "复核分")
TEXT_COLUMNS = ("未达标原因", "改进措施", "指标解释")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(evaluation: Evaluation) -> str:
    """The filled form as CSV text: a header row, then every indicator in the form's order."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow((*COLUMNS, *TEXT_COLUMNS))

    def write(result: IndicatorResult, parents: tuple[str, ...]) -> None:
        writer.writerow(
            (
                result.id,
                LEVEL_NAMES[len(parents)] if len(parents) < len(LEVEL_NAMES) else str(len(parents) + 1),
                spreadsheet_text(result.name),
                spreadsheet_text(" / ".join(parents)),
                _number(result.weight),
                _number(result.score),
                _number(result.computed),
                _number(result.claim),
                _number(result.self_score),
                _number(result.review_score),
                spreadsheet_text(result.reason),
                spreadsheet_text(result.measure),
                spreadsheet_text(result.explanation),
            )
        )
        for child in result.children:
            write(child, (*parents, result.name))

    for result in evaluation.indicators:
        write(result, ())
    return BOM + output.getvalue()


def spreadsheet_text(value: str | None) -> str:
    """Free text for a spreadsheet: one starting like a formula gets a leading apostrophe, so it is never run."""
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _number(value: Decimal | None) -> str:
    return "" if value is None else to_text(value)
