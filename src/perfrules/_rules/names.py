"""Names of facts, as a spec declares them, a facts file gives them and a rule reads them.

A name is NFKC-normalised, then is 1 to 64 characters: the first an ASCII letter or a Han ideograph, the rest
ASCII letters, digits, ``_`` or Han ideographs; not a Python keyword, not a name rules have already (``weight``
and ``claim``, ``分值`` and ``自评分``). Han ideographs are the CJK Unified Ideographs, U+4E00–U+9FFF, with
Extension A, U+3400–U+4DBF, and Extensions B to H, U+20000–U+3134F: what a form's labels are written in.
Python reads identifiers in NFKC as well, so a rule and a declaration spell a name alike whatever the input
method typed.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from types import MappingProxyType

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
NAME = re.compile(f"[A-Za-z{_HAN}][A-Za-z0-9_{_HAN}]{{0,63}}")

ALIASES = MappingProxyType({"分值": "weight", "自评分": "claim"})
"""The Chinese names of what every rule may read: an indicator's weight, and the unit's claimed score."""
RESERVED = frozenset({*ALIASES.values(), *ALIASES})


def normal(name: str) -> str:
    """*name* in NFKC, the form it is compared in."""
    return unicodedata.normalize("NFKC", name)


def is_fact_name(name: str) -> bool:
    """Whether *name* (normalised) may name a fact."""
    return bool(NAME.fullmatch(name)) and not keyword.iskeyword(name) and name not in RESERVED
