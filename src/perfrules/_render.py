"""`render`: an evaluation as a report, in any registered format."""

from __future__ import annotations

from ._evaluation import Evaluation
from ._registry import Registry, default_registry, lookup


def render(evaluation: Evaluation, format: str = "table", *, registry: Registry | None = None) -> str:
    """Render *evaluation* as text in a registered report format (``table``, ``json``, ...).

    Raises:
        NotRegisteredError: no plugin registered *format*.
    """
    formats = (registry or default_registry()).report_formats
    return lookup(formats, "report format", format)(evaluation)
