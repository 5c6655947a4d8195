"""Grading scales: the grade band (优/良/中/差) a total falls in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from attrs import field, frozen


@frozen
class GradeBand:
    """A grade and the lowest total (inclusive) that earns it."""

    min: Decimal
    label: str
    label_en: str | None = None


def band_problems(bands: Sequence[GradeBand]) -> list[tuple[int, str, str]]:
    """Problems with *bands* as ``(index, code, message)``; empty when they form a scale."""
    return [(index, code, english) for index, code, english, _ in band_problem_words(bands)]


def band_problem_words(bands: Sequence[GradeBand]) -> list[tuple[int, str, str, str]]:
    """Problems with *bands* as ``(index, code, message, message in Chinese)``; empty when they form a scale.

    A scale lists its bands highest first, each starting strictly below the one
    before, the last at 0, so the bands partition [0, total] with no gap.
    """
    problems = []
    if not bands:
        problems.append((0, "grades-empty", "a grading scale needs at least one band", "等级标准至少要有一档"))
    labels: set[str] = set()
    for index, band in enumerate(bands):
        if band.min < 0:
            english = f"grade {band.label!r} starts below 0 ({band.min})"
            problems.append((index, "grades-negative", english, f"等级 {band.label!r} 的起点低于 0（{band.min}）"))
        if index and band.min >= bands[index - 1].min:
            previous = bands[index - 1]
            english = (
                f"grade {band.label!r} starts at {band.min}, not below {previous.label!r} at {previous.min};"
                " list grades highest first"
            )
            chinese = f"等级 {band.label!r} 起点 {band.min} 不低于上一档 {previous.label!r} 的 {previous.min}；请按从高到低排列"
            problems.append((index, "grades-order", english, chinese))
        if band.label in labels:
            english = f"grade {band.label!r} is listed twice"
            problems.append((index, "grades-duplicate", english, f"等级 {band.label!r} 重复列出"))
        labels.add(band.label)
    if bands and bands[-1].min != 0:
        last = bands[-1]
        english = (
            f"the lowest grade {last.label!r} starts at {last.min}; it must start at 0 so every total gets a grade"
        )
        chinese = f"最低一档 {last.label!r} 起点为 {last.min}；应从 0 开始，使每个总分都有等级"
        problems.append((len(bands) - 1, "grades-floor", english, chinese))
    return problems


def _to_bands(bands: Iterable[GradeBand]) -> tuple[GradeBand, ...]:
    return tuple(bands)


def _check_bands(instance: Any, attribute: Any, bands: tuple[GradeBand, ...]) -> None:
    problems = band_problems(bands)
    if problems:
        raise ValueError("; ".join(message for _, _, message in problems))


@frozen
class GradingScale:
    """Grade bands, highest first; every total from 0 up falls in exactly one.

    Attributes:
        bands: The bands, each starting strictly below the previous one, the last at 0.
    """

    bands: tuple[GradeBand, ...] = field(converter=_to_bands, validator=_check_bands)

    def grade(self, total: Decimal) -> GradeBand:
        """The band *total* falls in: the highest whose ``min`` it reaches."""
        for band in self.bands:
            if total >= band.min:
                return band
        msg = f"a total of {total} is below every grade"
        raise ValueError(msg)


DEFAULT_SCALE = GradingScale(
    (
        GradeBand(Decimal(90), "优", "excellent"),
        GradeBand(Decimal(80), "良", "good"),
        GradeBand(Decimal(60), "中", "fair"),
        GradeBand(Decimal(0), "差", "poor"),
    )
)
"""优 90 ≤ s ≤ 100, 良 80 ≤ s < 90, 中 60 ≤ s < 80, 差 s < 60 (财预〔2020〕10号)."""
