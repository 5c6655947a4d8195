"""Targets and actuals as real forms write them: "≥266米", "98%以上", "9月底前", "显著提升", "/".

`parse_target` reads one such text into a `Target`: a comparator, a value and a
unit, or a deadline, or a qualitative word, or "not applicable", always keeping
the raw text. Percentages become fractions (98% is 0.98, unit "%").
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from attrs import frozen

from ._numbers import in_range

Comparator = Literal[">=", ">", "<=", "<", "="]

# Words before the number, longest first so 不低于 is not read as 低于.
_PREFIXES: tuple[tuple[str, Comparator], ...] = (
    ("≥", ">="), (">=", ">="), ("＞＝", ">="), ("≧", ">="),
    ("≤", "<="), ("<=", "<="), ("＜＝", "<="), ("≦", "<="),
    ("＞", ">"), (">", ">"), ("＜", "<"), ("<", "<"), ("＝", "="), ("=", "="),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("达到", ">="),
    ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("不大于", "<="), ("控制在", "<="),
    ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"),
)  # fmt: skip
# Words after the number (and unit).
_SUFFIXES: tuple[tuple[str, Comparator], ...] = (
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="),
)  # fmt: skip

_NUMBER = re.compile(r"(?P<number>[0-9][0-9,，]*(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<unit>.*)")
_DEADLINE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>[0-3]?\d)日|(?P<end>底|末))?(?P<before>前|之前|以前)?"
)
_UNIT = re.compile(r"[^\d\s.,，]{1,8}")

QUALITATIVE_TIERS = {
    "达成": ("达成", "达成预期", "达成预期指标", "达成预期目标", "达到预期", "达到预期目标", "完成", "已完成",
             "全部完成", "按期完成", "及时", "按时", "准时", "显著", "显著提升", "显著提高", "明显提升", "有效提升", "有效改善", "良好",
             "优", "优秀", "满意", "合格", "达标", "是", "有"),
    "部分达成": ("部分达成", "基本达成", "基本完成", "部分完成", "有所提升", "有所提高", "逐步提升", "一般", "较好"),
    "未达成": ("未达成", "未完成", "未达到", "未达标", "差", "不合格", "否", "无"),
}  # fmt: skip
"""Qualitative words of real forms, by the 财预〔2020〕10号 tier they mean."""

_TOKENS = {word: tier for tier, words in QUALITATIVE_TIERS.items() for word in words}


@frozen
class Target:
    """A 年度指标值 or 实际完成值 as parsed.

    Attributes:
        raw: The text as written.
        comparator: ``>=``, ``>``, ``<=``, ``<`` or ``=``; ``=`` when only a value is written.
        value: The number (a fraction for percentages); None for words and deadlines.
        unit: The unit as written after the number (``米``, ``万元``, ``%``); None if none.
        deadline: ``(month, day)`` for "9月前" (day 0 meaning the start of the month) or
            "9月底前" (day 31), with the year if written.
        tier: For a qualitative word: 达成, 部分达成 or 未达成.
        not_applicable: The text is "/" (or empty): the indicator does not apply.
    """

    raw: str
    comparator: Comparator = "="
    value: Decimal | None = None
    unit: str | None = None
    deadline: tuple[int | None, int, int] | None = None
    tier: str | None = None
    not_applicable: bool = False

    @property
    def kind(self) -> str:
        """``number``, ``deadline``, ``word`` or ``not_applicable``."""
        if self.not_applicable:
            return "not_applicable"
        if self.value is not None:
            return "number"
        return "deadline" if self.deadline is not None else "word"


class TargetError(ValueError):
    """A text that is none of the shapes targets take; the message says which shapes are."""


def parse_target(raw: str) -> Target:
    """Read a target or actual as written on a form.

    Raises:
        TargetError: the text is not a comparison with a number, a deadline,
            a known qualitative word or "/".
    """
    text = re.sub(r"\s+", "", raw).strip("。.")
    if text in ("", "/", "／", "-", "—", "无此项", "不适用"):
        return Target(raw, not_applicable=True)
    if text in _TOKENS:
        return Target(raw, tier=_TOKENS[text])
    comparator: Comparator | None = None
    for word, meaning in _PREFIXES:
        if text.startswith(word):
            comparator, text = meaning, text[len(word) :]
            break
    for word, meaning in _SUFFIXES:
        if text.endswith(word):
            if comparator is not None and comparator != meaning:
                msg = f"{raw!r} says both {comparator} and {meaning}"
                raise TargetError(msg)
            comparator, text = meaning, text[: -len(word)]
            break
    deadline = _DEADLINE.fullmatch(text)
    if deadline:
        day = 31 if deadline["end"] else int(deadline["day"]) if deadline["day"] else 0
        year = int(deadline["year"]) if deadline["year"] else None
        before = bool(deadline["before"])
        return Target(raw, "<" if before and day == 0 else "<=", deadline=(year, int(deadline["month"]), day))
    number = _NUMBER.fullmatch(text)
    if number is None:
        msg = f"{raw!r} is not a target perfrules can read: write e.g. ≥266米, ≤4, 98%以上, 9月底前, 达成预期指标 or /"
        raise TargetError(msg)
    value = Decimal(number["number"].replace(",", "").replace("，", ""))
    unit = number["unit"] or None
    if unit in ("%", "％"):
        value, unit = value / 100, "%"
    elif unit is not None and not _UNIT.fullmatch(unit):
        msg = f"{raw!r}: {unit!r} is not a unit"
        raise TargetError(msg)
    if not in_range(value):
        msg = f"{raw!r}: the number is out of range"
        raise TargetError(msg)
    return Target(raw, comparator or "=", value, unit)
