"""The Unicode policy, applied alike to specs, facts, reviews and workbooks (docs/security.md).

- Refused everywhere, naming the code point: NUL and the other C0 and C1
  control characters (tab, line feed and carriage return aside), DEL,
  zero-width characters, bidirectional controls (the "Trojan Source" kind) and
  the line and paragraph separators. They are invisible, or they change what a
  reader sees, so no spec, fact or reason may carry them, and no output echoes them.
- Free text (names, explanations, reasons) is otherwise kept exactly as written:
  部门（单位） stays 部门（单位）.
- Expressions are read after folding what a Chinese IME types: full-width digits,
  letters, operators and brackets (U+FF01-U+FF5E), the ideographic space, and × ÷ ≥ ≤ ≠
  — outside quoted text only, which is compared as written. Line breaks are spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ._lang import Language

REFUSED_CHARACTER = "refused-character"
"""The diagnostic code of a refused character."""

_REFUSED = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 but tab, LF, CR; DEL; C1
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f"  # invisible: zero-width, fillers, tags
    "]"
)
_KINDS = (
    (re.compile("[\x00-\x1f\x7f-\x9f]"), ("control characters", "控制字符")),
    (re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"), ("bidirectional controls", "双向控制符")),
    (re.compile("[\u2028\u2029]"), ("line and paragraph separators", "行分隔符和段分隔符")),
)
# The full-width forms of ASCII (U+FF01-U+FF5E) and the operators an IME offers; nothing else is folded, so
# superscripts, circled digits and the like stay what they are and the parser refuses them.
_IME = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    | {"×": "*", "÷": "/", "≥": ">=", "≤": "<=", "≠": "!=", "\u3000": " ", "\n": " ", "\r": " "}
)
_QUOTED = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def refused(text: str) -> Iterator[tuple[int, str]]:
    """Each refused character of *text*, with its index."""
    for match in _REFUSED.finditer(text):
        yield match.start(), match.group()


def describe(character: str) -> str:
    """A character as messages show it: ``U+202E RIGHT-TO-LEFT OVERRIDE``, never the character itself."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def refusal(text: str, lang: Language = "en") -> str | None:
    """Why *text* is refused, naming its first refused character and how many there are; None when it is fine."""
    found = list(refused(text))
    if not found:
        return None
    character = found[0][1]
    english, chinese = next(
        (words for pattern, words in _KINDS if pattern.match(character)), ("zero-width characters", "零宽字符")
    )
    if lang == "zh":
        more = f"（另有 {len(found) - 1} 处）" if len(found) > 1 else ""
        return f"{describe(character)}{more}：不允许使用{chinese}"
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return f"{describe(character)}{more}: {english} are not allowed"


def printable(text: str) -> str:
    """*text* with each refused character written as an escape (``\\x1b``, ``\\u202e``): for the names of files,
    which come from the caller and are shown in every message about them."""
    return _REFUSED.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def expression_text(source: str) -> str:
    """*source* with what an IME types folded to ASCII, outside quoted text: ``（ｘ＋１）×２`` → ``(x+1)*2``;
    line breaks (a YAML ``|`` block) are spaces."""
    parts = _QUOTED.split(source)
    return "".join(part if index % 2 else part.translate(_IME) for index, part in enumerate(parts))


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of *index* in *text*."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
