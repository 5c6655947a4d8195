"""Languages: every message a user can meet is written in Chinese and in English; which one they read.

Chinese is the default, for the finance officials who edit specs and fill forms; ``PERFRULES_LANG`` (``zh`` or
``en``) or an ``en*`` locale chooses English. The words used are those of docs/glossary.md.
"""

from __future__ import annotations

import os
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
