"""`summarize`: many units' forms under one spec, as a bureau reads them — ranking, grades, points lost."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from attrs import frozen

from .._forms.layout import Cell, Sheet, Style
from .._numbers import EXACT, quantize

if TYPE_CHECKING:
    from .._engine.results import Evaluation

SHEET = "汇总"
WIDTH = 6
LOSS_HEADERS = ("编号", "指标", "分值", "失分单位数", "合计失分", "平均失分")


@frozen
class RankedUnit:
    """One unit's place: ranks are shared on equal totals (1, 2, 2, 4)."""

    rank: int
    subject: str
    total: Decimal
    grade: str
    file: str


@frozen
class GradeCount:
    """How many units earned a grade, and their share of all units (a fraction, 0.25 for a quarter)."""

    label: str
    count: int
    share: Decimal


@frozen
class IndicatorLoss:
    """Points lost on one indicator across the units.

    Attributes:
        units: How many units lost points on it.
        lost: The points lost, summed over all units.
        average: Points lost per unit, over all units summarised.
    """

    id: str
    name: str
    weight: Decimal
    units: int
    lost: Decimal
    average: Decimal


@frozen
class Summary:
    """The forms of several units under one spec."""

    spec_id: str
    spec_version: str
    spec_name: str
    units: tuple[RankedUnit, ...]
    grades: tuple[GradeCount, ...]
    losses: tuple[IndicatorLoss, ...]
    precision: int = 2


def summarize(evaluations: Sequence[Evaluation], *, top: int = 10) -> Summary:
    """Rank *evaluations*, count their grades and find the *top* indicators that lose the most points.

    Raises:
        ValueError: no evaluations, or evaluations under different specs.
    """
    if not evaluations:
        msg = "summarize needs at least one evaluation"
        raise ValueError(msg)
    spec = evaluations[0].spec
    if any((e.spec.id, e.spec.version) != (spec.id, spec.version) for e in evaluations):
        msg = "summarize evaluations under one spec id and version"
        raise ValueError(msg)
    ordered = sorted(evaluations, key=lambda e: -e.total)
    units: list[RankedUnit] = []
    for index, evaluation in enumerate(ordered):
        tied = index and evaluation.total == ordered[index - 1].total
        rank = units[-1].rank if tied else index + 1
        subject = evaluation.facts.subject or evaluation.facts.file
        units.append(RankedUnit(rank, subject, evaluation.total, evaluation.grade.label, evaluation.facts.file))
    count = Decimal(len(evaluations))
    grades = []
    for band in spec.grades.bands:
        earned = sum(1 for evaluation in evaluations if evaluation.grade.label == band.label)
        grades.append(GradeCount(band.label, earned, EXACT.divide(Decimal(earned), count)))
    return Summary(
        spec.id, spec.version, spec.name, tuple(units), tuple(grades), _losses(evaluations, top), spec.precision
    )


def _losses(evaluations: Sequence[Evaluation], top: int) -> tuple[IndicatorLoss, ...]:
    # Leaves by id and name: a project form's own indicators share ids across units but not meanings.
    found: dict[tuple[str, str], list[Decimal]] = {}
    weights: dict[tuple[str, str], Decimal] = {}
    for evaluation in evaluations:
        for result in evaluation.walk():
            if result.children or result.excluded:
                continue
            key = (result.id, result.name)
            found.setdefault(key, []).append(result.lost)
            weights.setdefault(key, result.weight)
    count = Decimal(len(evaluations))
    precision = evaluations[0].spec.precision
    losses = []
    for (indicator_id, name), lost_by_unit in found.items():
        lost = sum(lost_by_unit, Decimal(0))
        average = quantize(EXACT.divide(lost, count), precision, "half_up")
        units = sum(1 for points in lost_by_unit if points > 0)
        losses.append(IndicatorLoss(indicator_id, name, weights[indicator_id, name], units, lost, average))
    losses = [loss for loss in losses if loss.lost > 0]
    losses.sort(key=lambda loss: (-loss.lost, -loss.units))  # stable: ties keep the form's order
    return tuple(losses[:top])


def summary_layout(summary: Summary) -> Sheet:
    """The summary as one sheet: the ranking, the grade distribution, the indicators that lose the most."""
    cells: list[Cell] = []
    row = 0

    def line(*values: tuple[str | Decimal | None, Style, int]) -> None:
        nonlocal row
        column = 0
        for value, style, span in values:
            cells.append(Cell(row, column, value, style, columns=span))
            column += span
        row += 1

    def section(title: str, *headers: tuple[str, int]) -> None:
        line((title, "section", WIDTH))
        line(*((header, "head", span) for header, span in headers))

    section("排名", ("名次", 1), ("单位", 3), ("总分", 1), ("等级", 1))
    for unit in summary.units:
        line(
            (Decimal(unit.rank), "weight", 1),
            (unit.subject, "text", 3),
            (unit.total, "score", 1),
            (unit.grade, "name", 1),
        )
    section("等级分布", ("等级", 2), ("单位数", 2), ("占比", 2))
    for grade in summary.grades:
        line((grade.label, "name", 2), (Decimal(grade.count), "weight", 2), (grade.share, "percent", 2))
    section("失分最多的指标", *((header, 1) for header in LOSS_HEADERS))
    for loss in summary.losses:
        line(
            (loss.id, "name", 1),
            (loss.name, "text", 1),
            (loss.weight, "weight", 1),
            (Decimal(loss.units), "weight", 1),
            (loss.lost, "score", 1),
            (loss.average, "score", 1),
        )
    title = f"{summary.spec_name} 汇总（{len(summary.units)} 个单位）"
    footer = f"perfrules · {summary.spec_id}@{summary.spec_version}"
    return Sheet(SHEET, title, (10, 44, 10, 12, 12, 12), tuple(cells), footer, 1, summary.precision)
