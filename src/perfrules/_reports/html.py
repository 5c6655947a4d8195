"""The HTML report: a standalone, print-ready A4 page of the form in its official layout.

No external assets: styles are inline and fonts come from the reader's system
through an explicit CJK font stack, so the page renders the same offline, in a
browser's print preview and through WeasyPrint (`perfrules._reports.pdf`).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from .._analysis.summary import summary_layout
from .._forms.layout import Cell, Sheet, cell_text, form_layout

if TYPE_CHECKING:
    from .._analysis.summary import Summary
    from .._engine.results import Evaluation

FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",'
    ' "Hiragino Sans GB", "SimSun", sans-serif'
)

STYLE = f"""
@page {{ size: A4 landscape; margin: 12mm 10mm; }}
body {{ font-family: {FONTS}; font-size: 9pt; color: #000; margin: 0 auto; max-width: 277mm; }}
h1 {{ font-size: 15pt; text-align: center; margin: 0 0 6pt; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0; }}
table + table {{ border-top: none; }}
td, th {{ border: 0.6pt solid #000; padding: 2pt 3pt; vertical-align: middle; overflow-wrap: anywhere;
  white-space: pre-line; }}
th, .section, .label, .head, .total {{ font-weight: bold; text-align: center; background: #f2f2f2; }}
.amount, .score, .percent, .total {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.weight, .name {{ text-align: center; }}
.grade {{ text-align: left; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
footer {{ font-size: 7pt; color: #555; margin-top: 4pt; }}
"""


def render_html(evaluation: Evaluation) -> str:
    """The filled form as a standalone HTML page."""
    return html_document([form_layout(evaluation)])


def render_summary_html(summary: Summary) -> str:
    """A summary across units as a standalone HTML page."""
    return html_document([summary_layout(summary)])


def html_document(sheets: Sequence[Sheet]) -> str:
    """*sheets* as one standalone HTML page, a heading and table per sheet."""
    title = escape(sheets[0].title) if sheets else ""
    body = "\n".join(_sheet(sheet) for sheet in sheets)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _sheet(sheet: Sheet) -> str:
    total = sum(sheet.widths)
    columns = "".join(f'<col style="width:{100 * width / total:.2f}%">' for width in sheet.widths)
    rows = list(sheet.rows())
    head, header, body = rows[: sheet.header_row], rows[sheet.header_row], rows[sheet.header_row + 1 :]
    # Two tables on one grid: the header block, then the indicator table whose header repeats on every page.
    parts = [f"<section>\n<h1>{escape(sheet.title)}</h1>"]
    if head:
        parts.append(f"<table><colgroup>{columns}</colgroup>\n<tbody>\n{_rows(head, sheet)}</tbody></table>")
    parts.append(
        f"<table><colgroup>{columns}</colgroup>\n<thead>\n{_rows([header], sheet, tag='th')}</thead>\n"
        f"<tbody>\n{_rows(body, sheet)}</tbody></table>"
    )
    if sheet.footer:
        parts.append(f"<footer>{escape(sheet.footer)}</footer>")
    parts.append("</section>")
    return "\n".join(parts)


def _rows(rows: Sequence[Sequence[Cell]], sheet: Sheet, tag: str = "td") -> str:
    return "".join("<tr>" + "".join(_cell(cell, sheet, tag) for cell in row) + "</tr>\n" for row in rows)


def _cell(cell: Cell, sheet: Sheet, tag: str) -> str:
    spans = (f' rowspan="{cell.rows}"' if cell.rows > 1 else "") + (
        f' colspan="{cell.columns}"' if cell.columns > 1 else ""
    )
    return f'<{tag} class="{cell.style}"{spans}>{escape(cell_text(cell, sheet.precision))}</{tag}>'
