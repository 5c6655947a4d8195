"""Targets and actuals as real forms write them: "≥266米", "98%以上", "9月底前", "显著提升", "运行良好", "/".

`parse_target` reads one such text into a `Target`: a comparator, a value and a
unit, or a deadline, or a qualitative word, or "not applicable", or a descriptive
phrase, always keeping the raw text. Percentages become fractions (98% is 0.98,
unit "%"). A text that opens as a quantity or a date ("≥9月", "90%-95%") must be
one; any other text is a descriptive phrase, whose numbers are never read.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from attrs import frozen

from .._numbers import in_range

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
    r"(?:(?P<year>\d{4})年)?(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>[0-3]?\d)日|(?P<end>底|末))?|(?P<year_end>底|末))"
    r"(?P<before>前|之前|以前)?"
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
        deadline: ``(year, month, day)``: "9月前" is before September begins (day 0),
            "9月", "9月底前" and "2022年底前" run to the month's last day; the year is None
            unless written.
        tier: For a qualitative word: 达成, 部分达成 or 未达成.
        not_applicable: The text is "/" (or empty): the indicator does not apply.

    A text that is none of these is a descriptive phrase ("运行良好", "群众生活条件改善"): `kind` ``descriptive``.
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
        """``number``, ``deadline``, ``word``, ``descriptive`` or ``not_applicable``."""
        if self.not_applicable:
            return "not_applicable"
        if self.value is not None:
            return "number"
        if self.deadline is not None:
            return "deadline"
        return "word" if self.tier is not None else "descriptive"


class TargetError(ValueError):
    """A text that is none of the shapes targets take; the message says which shapes are, in English (``args[0]``)
    and Chinese (``zh``)."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


def plain(written: str) -> str:
    """A target as compared: no spaces, no final full stop, no （含）."""
    return re.sub(r"\s+", "", written).rstrip("。.").replace("（含）", "").replace("(含)", "")


def parse_target(raw: str, vocabulary: Mapping[str, str] | None = None) -> Target:
    """Read a target or actual as written on a form; *vocabulary* adds a region's phrases, each with its tier.

    Raises:
        TargetError: the text opens as a comparison, a number or a date but is not one perfrules reads (a range,
            "≥9月", an impossible date, an unknown unit).
    """
    text = plain(raw)
    if text in ("", "/", "／", "-", "—", "无此项", "不适用"):
        return Target(raw, not_applicable=True)
    if vocabulary and text in vocabulary:
        return Target(raw, tier=vocabulary[text])
    if text in _TOKENS:
        return Target(raw, tier=_TOKENS[text])
    if _YEAR_END.fullmatch(text):  # 年底前, 年内: the year evaluated, to its last day
        return Target(raw, "<=", deadline=(None, 12, 31))
    if not _attempted(text):
        return Target(raw)
    comparator: Comparator | None = None
    for word, meaning in _PREFIXES:
        if text.startswith(word):
            comparator, text = meaning, text[len(word) :]
            break
    for word, meaning in _SUFFIXES:
        if text.endswith(word):
            if comparator is not None and comparator != meaning:
                msg = f"{raw!r} says both {comparator} and {meaning}"
                raise TargetError(msg, f"{raw!r} 同时写了 {comparator} 和 {meaning}")
            comparator, text = meaning, text[: -len(word)]
            break
    deadline = _DEADLINE.fullmatch(text)
    if deadline and (deadline["month"] or (deadline["year"] and deadline["year_end"])):
        if comparator is not None:
            msg = f"{raw!r}: write a deadline as 9月底前 or 2022年12月31日前, without a comparison"
            raise TargetError(msg, f"{raw!r}：期限请写作 9月底前 或 2022年12月31日前，不加比较符号")
        before = bool(deadline["before"])
        month = int(deadline["month"]) if deadline["month"] else 12
        # "9月前" is before September begins; "9月", "9月底前" and "年底前" run to the month's end.
        year = int(deadline["year"]) if deadline["year"] else None
        # Without a year, 2月29日 may be meant for a leap year.
        last = calendar.monthrange(year if year is not None else 2024, month)[1]
        day = (
            int(deadline["day"])
            if deadline["day"]
            else 0
            if before and not deadline["end"] and deadline["month"]
            else last
        )
        if day > last or (deadline["day"] and day == 0):
            msg = f"{raw!r}: {month}月 has no day {day}"
            raise TargetError(msg, f"{raw!r}：{month}月没有 {day} 日")
        return Target(raw, "<" if day == 0 else "<=", deadline=(year, month, day))
    number = _NUMBER.fullmatch(text)
    if number is None:  # opens as a quantity or a date (see _attempted), but is none perfrules reads
        msg = f"{raw!r} is not a target perfrules can read: write e.g. ≥266米, ≤4, 98%以上, 9月底前, 达成预期指标 or /"
        zh = f"{raw!r} 不是可识别的指标值：请写作如 ≥266米、≤4、98%以上、9月底前、达成预期指标 或 /"
        raise TargetError(msg, zh)
    value = Decimal(number["number"].replace(",", "").replace("，", ""))
    unit = number["unit"] or None
    if unit in ("%", "％"):
        value, unit = value / 100, "%"
    elif unit is not None and ("-" in unit or "~" in unit or "～" in unit or "至" in unit):
        msg = f"{raw!r}: ranges are not read; write the bound that matters, e.g. ≥95%"
        raise TargetError(msg, f"{raw!r}：不能写区间，请只写起作用的界限，如 ≥95%")
    elif unit is not None and (not _UNIT.fullmatch(unit) or "%" in unit or "％" in unit or unit.startswith("年")):
        msg = f"{raw!r}: {unit!r} is not a unit"
        raise TargetError(msg, f"{raw!r}：{unit!r} 不是计量单位")
    if not in_range(value):
        msg = f"{raw!r}: the number is out of range"
        raise TargetError(msg, f"{raw!r}：数字超出可处理的范围")
    return Target(raw, comparator or "=", value, unit)


_SYMBOLS = tuple(word for word, _ in _PREFIXES if not re.match(r"[\u4e00-\u9fff]", word))


_YEAR_END = re.compile(r"(?:本?年(?:底|末)(?:前|之前|以前)?|年内)")
_OPENS_AS_NUMBER = re.compile(r"[0-9０-９.．]|[一二三四五六七八九十]{1,3}月")


def _attempted(text: str) -> bool:
    """Whether *text* opens as a quantity or a date: a comparison symbol, or a number (or a month in Chinese
    numerals, 九月底前) after any comparison word ("不低于95%"). Any other text is a phrase, whatever numbers it
    holds ("完成3个村改造")."""
    if text.startswith(_SYMBOLS):
        return True
    for word, _ in _PREFIXES:
        if text.startswith(word):
            return not text[len(word) :] or bool(_OPENS_AS_NUMBER.match(text, len(word)))  # "不低于" alone too
    return bool(_OPENS_AS_NUMBER.match(text))
