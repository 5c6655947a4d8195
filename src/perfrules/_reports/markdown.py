"""The Markdown report: the filled form for wikis, merge requests and e-mail.

Markdown tables cannot merge cells, so a parent's name and weight are written
on the first row it covers and left blank below, as people do when they paste a
form into a document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from .._forms.layout import (
    ACHIEVEMENTS,
    BUDGET,
    FUNDS,
    GOALS,
    SHORTFALL,
    SUBJECT,
    UNITS,
    YEAR,
    cell_text,
    form_kind,
    form_layout,
)
from .._inputs.facts import FUNDS_LABELS, WHO_AND_WHEN
from .._numbers import quantize, to_text

if TYPE_CHECKING:
    from .._engine.results import Evaluation

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def render_markdown(evaluation: Evaluation) -> str:
    """The filled form as GitHub-flavoured Markdown."""
    spec, facts = evaluation.spec, evaluation.facts
    kind = form_kind(spec, facts)
    sheet = form_layout(evaluation)
    lines = [f"# {_escape(sheet.title)}", ""]
    about = [(SUBJECT[kind], facts.subject), (YEAR, None if facts.year is None else str(facts.year))]
    about += [(UNITS, None if facts.units is None else str(facts.units))]
    about += [(WHO_AND_WHEN[key], getattr(facts, key)) for key in ("department", "implementer")]
    about += [(GOALS[kind], facts.goals), (ACHIEVEMENTS[kind], facts.achievements)]
    if kind == "department":
        about.append((SHORTFALL, facts.shortfall_reasons))
    lines += _table(["项目", "内容"], [[label, value] for label, value in about if value], right=())
    if facts.budget:
        lines += ["", f"## {BUDGET}", ""]
        amounts = [_amount(amount) for amount in facts.budget.values()]
        lines += _table(list(facts.budget), [amounts], right=range(len(amounts)))
    if facts.funds:
        lines += ["", f"## {FUNDS}", ""]
        funds = [
            [name, *(_amount(getattr(row, attribute)) for attribute in FUNDS_LABELS)]
            for name, row in facts.funds.items()
        ]
        lines += _table(["", *FUNDS_LABELS.values()], funds, right=range(1, 4))
    lines += ["", "## 绩效指标", ""]
    grid = sheet.grid(sheet.header_row)
    header, rows = [cell_text(cell) if cell else "" for cell in grid[0]], grid[1:]
    grade_row = next(index for index, row in enumerate(rows) if any(cell and cell.style == "grade" for cell in row))
    table, notes = rows[:grade_row], rows[grade_row:]  # notes: the grade line, and a review's opinion
    body = [[cell_text(cell, sheet.precision) if cell else "" for cell in row] for row in table]
    numeric = [index for index, cell in enumerate(table[0]) if cell and cell.style in ("weight", "score")]
    lines += _table(header, body, right=numeric)
    for row in notes:  # label, value pairs: the grade, a review's opinion, who filled the form and when
        cells = [cell for cell in row if cell]
        pairs = [(cell_text(label), cell_text(value)) for label, value in zip(cells[::2], cells[1::2], strict=True)]
        said = "；".join(f"**{_escape(label)}**：{_escape(text)}" for label, text in pairs if text)
        if said:
            lines += ["", said]
    review = evaluation.review
    if review is not None and evaluation.self_total is not None:
        lines += ["", f"复核：自评总分 {to_text(evaluation.self_total)} → 复核后 {to_text(evaluation.total)}"]
    lines += ["", f"<sub>{_escape(sheet.footer)}</sub>", ""]
    return "\n".join(lines)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{quantize(value, 2, 'half_up'):,}"


def _table(header: list[str], rows: Iterable[Sequence[str | None]], *, right: Iterable[int]) -> list[str]:
    aligned = set(right)
    rule = ["---:" if index in aligned else "---" for index in range(len(header))]
    return [_row(header), _row(rule, escape=False), *(_row(row) for row in rows)]


def _row(cells: Iterable[str | None], *, escape: bool = True) -> str:
    return "| " + " | ".join(_escape(cell or "") if escape else cell or "" for cell in cells) + " |"


def _escape(text: str) -> str:
    """Text as one Markdown table cell: markup characters escaped, line breaks as <br>."""
    return "<br>".join(_SPECIAL.sub(r"\\\1", line) for line in text.splitlines()) if text else ""
