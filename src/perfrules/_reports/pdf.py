"""The PDF report: the HTML page printed to A4 by WeasyPrint; the only module that imports it.

WeasyPrint is an optional extra (``pip install 'perfrules[pdf]'``) and needs the
system's Pango; the format is registered either way and says what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import MissingExtraError
from .html import render_html

if TYPE_CHECKING:
    from .._engine.results import Evaluation


def render_pdf(evaluation: Evaluation) -> bytes:
    """The filled form as an A4 PDF with its CJK fonts embedded."""
    try:
        import weasyprint  # optional: imported only when a PDF is asked for
    except (ImportError, OSError) as e:  # OSError: WeasyPrint is installed but Pango is not
        msg = f"the pdf format needs WeasyPrint: pip install 'perfrules[pdf]' ({e})"
        zh = f"pdf 格式需要 WeasyPrint：pip install 'perfrules[pdf]'（{e}）"
        raise MissingExtraError(msg, message_zh=zh) from None
    pdf: bytes = weasyprint.HTML(string=render_html(evaluation)).write_pdf()
    return pdf
