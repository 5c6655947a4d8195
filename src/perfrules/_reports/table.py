"""The table report: the filled form as people read it in a terminal; the only module that imports rich."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._diagnostics import LEVEL_WORDS
from .._inputs.facts import NOT_APPLICABLE_MARK
from .._lang import current_language
from .._numbers import to_text

if TYPE_CHECKING:
    from .._analysis.summary import Summary
    from .._engine.results import Evaluation, IndicatorResult

WIDTH = 140


def render_table(evaluation: Evaluation) -> str:
    """The filled form: tree, weights, scores, reasons and measures, total and grade."""
    spec, facts = evaluation.spec, evaluation.facts
    title = " ".join(part for part in (f"{facts.year}年度" if facts.year else None, facts.subject, spec.name) if part)
    # Every text from the files is wrapped in Text, so brackets in it are never read as markup.
    table = Table(title=Text(title), caption=Text(f"{spec.id}@{spec.version}"), show_lines=False, expand=False)
    table.add_column("编号", no_wrap=True)
    table.add_column("指标", min_width=16, max_width=40, overflow="fold")
    table.add_column("分值", justify="right", no_wrap=True)
    table.add_column("得分", justify="right", no_wrap=True)
    table.add_column("未达标原因", max_width=36, overflow="fold")
    table.add_column("改进措施", max_width=36, overflow="fold")
    for result in evaluation.indicators:
        _add_rows(table, result, depth=0)
    table.add_section()
    table.add_row(
        "", Text("总分", style="bold"), to_text(spec.full_marks), Text(to_text(evaluation.total), style="bold"), "", ""
    )

    console = Console(file=io.StringIO(), width=WIDTH, color_system=None, legacy_windows=False, emoji=False)
    console.print(table)
    boxes = "  ".join(f"{'☑' if band == evaluation.grade else '☐'}{band.label}" for band in spec.grades.bands)
    console.print(Text(f"评价等级 grade: {boxes}"))
    review = evaluation.review
    if review is not None and evaluation.self_total is not None:
        who = " ".join(part for part in (review.reviewer, review.date) if part)
        console.print(
            Text(
                f"复核 review{f' ({who})' if who else ''}: 自评总分 {to_text(evaluation.self_total)} → 复核后 {to_text(evaluation.total)}"
            )
        )
        if review.opinion:
            console.print(Text(f"复核意见: {review.opinion}"))
    lang = current_language()
    for diagnostic in evaluation.diagnostics:
        about = f"[{diagnostic.indicator}] " if diagnostic.indicator else ""
        level = f"{diagnostic.level}: " if lang == "en" else f"{LEVEL_WORDS[diagnostic.level]}："
        console.print(Text(f"{level}{about}{diagnostic.text(lang)} ({diagnostic.code})"))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"


def render_summary_table(summary: Summary) -> str:
    """Several units' forms: the ranking, the grade distribution, the indicators that lose the most points."""
    from .._forms.layout import percent  # the official layouts only when a summary is asked for

    console = Console(file=io.StringIO(), width=WIDTH, color_system=None, legacy_windows=False, emoji=False)
    title = f"{summary.spec_name} 汇总（{len(summary.units)} 个单位） {summary.spec_id}@{summary.spec_version}"
    console.print(Text(title))
    ranking = Table(title="排名", title_justify="left")
    for header, justify in (("名次", "right"), ("单位", "left"), ("总分", "right"), ("等级", "center")):
        ranking.add_column(header, justify=justify)  # type: ignore[arg-type]
    for unit in summary.units:
        ranking.add_row(str(unit.rank), Text(unit.subject), to_text(unit.total), Text(unit.grade))
    console.print(ranking)
    grades = Table(title="等级分布", title_justify="left")
    for header in ("等级", "单位数", "占比"):
        grades.add_column(header, justify="left" if header == "等级" else "right")
    for grade in summary.grades:
        grades.add_row(Text(grade.label), str(grade.count), percent(grade.share))
    console.print(grades)
    losses = Table(title="失分最多的指标", title_justify="left")
    for header in ("编号", "指标", "分值", "失分单位数", "合计失分", "平均失分"):
        losses.add_column(header, justify="left" if header in ("编号", "指标") else "right")
    for loss in summary.losses:
        losses.add_row(
            Text(loss.id),
            Text(loss.name),
            to_text(loss.weight),
            str(loss.units),
            to_text(loss.lost),
            to_text(loss.average),
        )
    console.print(losses)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"


def _add_rows(table: Table, result: IndicatorResult, depth: int) -> None:
    name = Text("  " * depth + result.name, style="bold" if result.children else "")
    if _not_applicable(result):  # as forms print it: the row stays, with "/" for its weight and score
        table.add_row(Text(result.id), name, NOT_APPLICABLE_MARK, NOT_APPLICABLE_MARK, Text(result.reason or ""), "")
        for child in result.children:
            _add_rows(table, child, depth + 1)
        return
    score = to_text(result.score)
    if result.self_score is not None and result.self_score != result.score:
        score += f" (自评 {to_text(result.self_score)})"
    elif result.claim is not None and result.computed is not None and result.claim != result.computed:
        # Show beside the reported score whichever of the two it is not.
        other = ("计算", result.computed) if result.score == result.claim else ("自评", result.claim)
        score += f" ({other[0]} {to_text(other[1])})"
    table.add_row(
        Text(result.id),
        name,
        to_text(result.weight),
        score,
        Text(result.reason or ""),
        Text(result.measure or ""),
    )
    for child in result.children:
        _add_rows(table, child, depth + 1)


def _not_applicable(result: IndicatorResult) -> bool:
    """Marked not applicable and left out (``exclude``), or a parent of only such rows."""
    if result.children:
        return all(_not_applicable(child) for child in result.children)
    return result.not_applicable == "exclude"
