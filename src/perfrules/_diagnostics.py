"""Diagnostics: what perfrules has to say about a spec, facts or a result, and where."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Literal

from attrs import frozen

from ._lang import Language

Level = Literal["error", "warning", "info"]
LEVEL_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}


@frozen
class Location:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    """For a workbook: the sheet; *line* and *column* are then the cell's row and column."""

    def __str__(self) -> str:
        if self.sheet is not None and self.line is not None and self.column is not None:
            return f"{self.file}:{self.sheet}!{_column_letters(self.column)}{self.line}"
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


def _column_letters(column: int) -> str:
    """Spreadsheet column letters: 1 → A, 27 → AA."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@frozen
class Diagnostic:
    """One problem or remark.

    Attributes:
        level: ``error`` (the input cannot be used), ``warning`` (the result stands
            but deserves a look) or ``info``.
        code: A stable kebab-case identifier such as ``weight-sum``.
        message: What is wrong, in plain words (English).
        indicator: The id of the indicator concerned, if any.
        location: Where in which file, if known.
        message_zh: The same in Chinese.
    """

    level: Level
    code: str
    message: str
    indicator: str | None = None
    location: Location | None = None
    message_zh: str | None = None

    def text(self, lang: Language = "zh") -> str:
        """The message in *lang* (English where no Chinese text is written yet)."""
        return self.message_zh if lang == "zh" and self.message_zh else self.message

    def line(self, lang: Language = "zh") -> str:
        """The whole line as perfrules prints it: where, how serious, what, which indicator, the code."""
        if lang == "en":
            return str(self)
        where = f"{self.location}: " if self.location else ""
        about = f" [{self.indicator}]" if self.indicator else ""
        return f"{where}{LEVEL_WORDS[self.level]}：{self.text(lang)}{about} ({self.code})"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        about = f" [{self.indicator}]" if self.indicator else ""
        return f"{where}{self.level}: {self.message}{about} ({self.code})"


MAX_SUGGESTION_CANDIDATES = 200


def did_you_mean(word: str, candidates: Iterable[str], lang: Language = "en") -> str:
    """Return `` (did you mean 'x'?)`` (in Chinese: ``（是否应为 'x'？）``) for the closest candidate, or an empty
    string.

    Only short words among a bounded number of candidates get a suggestion, so a
    document full of unknown names cannot make reporting them slow.
    """
    options = [c for c in candidates if isinstance(c, str)]
    if not isinstance(word, str) or len(word) > 64 or len(options) > MAX_SUGGESTION_CANDIDATES:
        return ""
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not matches:
        return ""
    return f" (did you mean {matches[0]!r}?)" if lang == "en" else f"（是否应为 {matches[0]!r}？）"
