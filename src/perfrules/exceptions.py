"""The exceptions perfrules raises; every one derives from `PerfrulesError`.

Errors about the user's files carry every problem found, as `Diagnostic` values
(``error.diagnostics``, as on a result), so that a caller can show them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._diagnostics import Diagnostic
from ._lang import Language

__all__ = [
    "AlreadyRegisteredError",
    "EvaluationError",
    "ExpressionError",
    "FactsError",
    "FunctionFailure",
    "LimitExceededError",
    "MissingExtraError",
    "NotRegisteredError",
    "PerfrulesError",
    "PluginError",
    "ReviewError",
    "SourceNotFoundError",
    "SpecError",
    "UnknownIndicatorError",
]


class PerfrulesError(Exception):
    """Base of every error perfrules raises.

    Attributes:
        diagnostics: The problems behind the error, errors first (``problems`` is the same).
        message_zh: The message in Chinese (``args[0]`` is the English one).
    """

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = (), *, message_zh: str | None = None) -> None:
        self.diagnostics = tuple(diagnostics)
        self.message_zh = message_zh
        super().__init__(message)

    def text(self, lang: Language = "zh") -> str:
        """The message in *lang* (English where no Chinese text is written yet)."""
        english = str(self.args[0]) if self.args else ""
        return self.message_zh if lang == "zh" and self.message_zh else english

    @property
    def problems(self) -> tuple[Diagnostic, ...]:
        """The same as `diagnostics`, by its earlier name."""
        return self.diagnostics

    def __str__(self) -> str:
        head = str(self.args[0]) if self.args else ""  # not KeyError's quoted repr
        return "\n".join([head, *(f"  {p}" for p in self.diagnostics)])


class SourceNotFoundError(PerfrulesError, FileNotFoundError):
    """A spec or facts source names no file, text or shipped spec."""


class SpecError(PerfrulesError, ValueError):
    """A spec document is invalid; `problems` lists every problem found."""


class FactsError(PerfrulesError, ValueError):
    """A facts document is invalid, or does not fit the spec it is scored with."""


class ExpressionError(PerfrulesError, ValueError):
    """An expression's text is not in the allowed language."""


class EvaluationError(PerfrulesError):
    """Scoring failed for these facts (for example a division by zero)."""


class ReviewError(PerfrulesError, ValueError):
    """A review (复核) file is invalid, or does not fit the form it reviews."""


class NotRegisteredError(PerfrulesError, LookupError):
    """No plugin registered a kind, function, scale or format of that name."""


class UnknownIndicatorError(PerfrulesError, KeyError):
    """No indicator of the form has that id; the message suggests the nearest."""


class PluginError(PerfrulesError):
    """A plugin could not be loaded, or broke its contract; the message names it."""


class FunctionFailure(PluginError):
    """A registered function raised or returned something it may not."""


class AlreadyRegisteredError(PluginError, ValueError):
    """Two plugins registered the same name."""


class MissingExtraError(PerfrulesError, ImportError):
    """An optional part of perfrules (such as the pdf format) is not installed; the message says how to add it."""


class LimitExceededError(PerfrulesError):
    """Scoring in a sandbox worker ran out of CPU time, memory or wall-clock time (`perfrules.sandbox`)."""
