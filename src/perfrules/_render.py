"""`render`: an evaluation as a report, in any registered format."""

from __future__ import annotations

from collections.abc import Callable

from ._evaluation import Evaluation
from ._html import html_document
from ._json import render_summary_json
from ._registry import Registry, default_registry, lookup
from ._summary import Summary, summary_layout
from ._table import render_summary_table
from ._xlsx import write_workbook

SUMMARY_FORMATS: dict[str, Callable[[Summary], str | bytes]] = {
    "table": render_summary_table,
    "json": render_summary_json,
    "html": lambda summary: html_document([summary_layout(summary)]),
    "xlsx": lambda summary: write_workbook([summary_layout(summary)]),
}


def render(evaluation: Evaluation, format: str = "table", *, registry: Registry | None = None) -> str | bytes:
    """Render *evaluation* in a registered report format.

    Text formats (``table``, ``json``, ``markdown``, ``html``, ``csv``) return
    text; binary ones (``xlsx``, ``pdf``) return bytes.

    Raises:
        NotRegisteredError: no plugin registered *format*.
        MissingExtraError: the format needs an optional part that is not installed (``pdf``).
    """
    formats = (registry or default_registry()).report_formats
    return lookup(formats, "report format", format)(evaluation)


def render_summary(summary: Summary, format: str = "table") -> str | bytes:
    """Render a summary across units: ``table``, ``json``, ``html`` (text) or ``xlsx`` (bytes).

    Raises:
        NotRegisteredError: *format* is not one of these.
    """
    return lookup(SUMMARY_FORMATS, "summary format", format)(summary)
