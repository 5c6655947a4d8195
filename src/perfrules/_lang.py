"""Languages: every message a user can meet is written in Chinese and in English; which one they read.

Chinese is the default, for the finance officials who edit specs and fill forms; ``PERFRULES_LANG`` (``zh`` or
``en``) or an ``en*`` locale chooses English. The words used are those of docs/glossary.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
LANG_VARIABLE = "PERFRULES_LANG"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def default_language() -> Language:
    """The language messages are shown in when none is asked for: ``PERFRULES_LANG``, else English for an ``en*``
    locale, else Chinese."""
    chosen = os.environ.get(LANG_VARIABLE, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in _LOCALE_VARIABLES:  # the first one set decides, as for gettext
        if value := os.environ.get(name):
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


_SPOKEN: ContextVar[Language | None] = ContextVar("perfrules_language", default=None)


def current_language() -> Language:
    """The language reports word their remarks in: the one `speaking` set, else `default_language`."""
    return _SPOKEN.get() or default_language()


@contextmanager
def speaking(lang: Language) -> Iterator[None]:
    """Within the block, reports speak *lang* (the command line sets it from ``--lang``)."""
    token = _SPOKEN.set(lang)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def in_chinese(english: str, phrases: Sequence[tuple[str, str]]) -> str | None:
    """A library's English *english*, in the Chinese of the first of *phrases* (``(pattern, template)``, the
    pattern matched whole, the template expanded with its groups) that fits it; None when none does."""
    for pattern, chinese in phrases:
        if found := re.fullmatch(pattern, english):
            return found.expand(chinese)
    return None
