"""A summary across units: ranking with ties, grade distribution, the indicators that lose the most points."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest
from click.testing import CliRunner

import perfrules
from perfrules._cli import main

from .conftest import ROOT, SEED_FACTS, SEED_SPEC


def unit(seed_spec: perfrules.Spec, subject: str, **scores: str) -> perfrules.Evaluation:
    """The seed unit under another name, with some self-assessed scores changed."""
    facts = perfrules.load_facts(SEED_FACTS)
    assessments = dict(facts.assessments)
    for key, score in scores.items():
        indicator_id = key.removeprefix("i").replace("_", ".")
        assessments[indicator_id] = attrs.evolve(assessments[indicator_id], score=Decimal(score))
    return perfrules.evaluate(seed_spec, attrs.evolve(facts, subject=subject, assessments=assessments, stated=None))


@pytest.fixture(scope="module")
def units() -> list[perfrules.Evaluation]:
    seed_spec = perfrules.load_spec(SEED_SPEC)
    return [
        unit(seed_spec, "甲", i1_1_2="6"),  # 85.91: 良
        unit(seed_spec, "乙"),  # 95.91
        unit(seed_spec, "丙"),  # 95.91, tied with 乙
        unit(seed_spec, "丁", i1_1_1="0", i1_1_2="0", i2_4_3="0"),  # 52.91: 差
    ]


class TestSummarize:
    def test_ranking_shares_places_on_ties(self, units: list[perfrules.Evaluation]) -> None:
        """Highest total first; equal totals share a rank and the next rank skips."""
        summary = perfrules.summarize(units)
        assert [(1, "乙"), (1, "丙"), (3, "甲"), (4, "丁")] == [(u.rank, u.subject) for u in summary.units]
        assert [Decimal("95.91"), Decimal("95.91"), Decimal("85.91"), Decimal("52.91")] == [
            u.total for u in summary.units
        ]

    def test_grade_distribution(self, units: list[perfrules.Evaluation]) -> None:
        """Every band of the scale is listed, highest first, with its count and share."""
        summary = perfrules.summarize(units)
        assert [
            ("优", 2, Decimal("0.5")),
            ("良", 1, Decimal("0.25")),
            ("中", 0, Decimal(0)),
            ("差", 1, Decimal("0.25")),
        ] == [(grade.label, grade.count, grade.share) for grade in summary.grades]
        assert len(units) == sum(grade.count for grade in summary.grades)

    def test_losses(self, units: list[perfrules.Evaluation]) -> None:
        """Indicators by points lost across all units, with how many units lost points and the mean."""
        summary = perfrules.summarize(units, top=3)
        first = summary.losses[0]
        # 1.1.2: 4 + 14 + 4 + 20 lost over four units (weight 20; the seed unit claims 16).
        assert ("1.1.2", Decimal("42"), 4, Decimal("10.50")) == (first.id, first.lost, first.units, first.average)
        assert ["1.1.2", "1.1.1", "2.4.3"] == [loss.id for loss in summary.losses]

    def test_one_spec_only(self, units: list[perfrules.Evaluation]) -> None:
        """Units scored under different specs are not summarised together."""
        other = perfrules.evaluate(
            ROOT / "specs" / "national" / "project-2020.yaml", ROOT / "examples" / "putuo-sports-2022.yaml"
        )
        with pytest.raises(ValueError, match="one spec"):
            perfrules.summarize([*units, other])
        with pytest.raises(ValueError, match="at least one"):
            perfrules.summarize([])


class TestRenderSummary:
    def test_table(self, units: list[perfrules.Evaluation]) -> None:
        """The terminal table lists the ranking, the grades and the losses."""
        text = perfrules.render_summary(perfrules.summarize(units))
        assert isinstance(text, str)
        for words in ("汇总（4 个单位）", "等级分布", "失分最多的指标", "50.00%", "1.1.2"):
            assert words in text

    def test_xlsx(self, units: list[perfrules.Evaluation]) -> None:
        """The workbook has one sheet with the three tables, numbers as numbers."""
        data = perfrules.render_summary(perfrules.summarize(units), "xlsx")
        assert isinstance(data, bytes)
        sheet = openpyxl.load_workbook(io.BytesIO(data))["汇总"]
        values = [[cell.value for cell in row if cell.value is not None] for row in sheet.iter_rows()]
        assert ["排名"] == values[1] and [1, "乙", 95.91, "优"] == values[3]
        assert ["等级", "单位数", "占比"] in values and ["优", 2, 0.5] in values

    def test_html_and_json(self, units: list[perfrules.Evaluation]) -> None:
        """The page and the JSON carry the same figures; JSON numbers are strings."""
        summary = perfrules.summarize(units)
        html = perfrules.render_summary(summary, "html")
        assert isinstance(html, str) and '<td class="score">52.91</td>' in html
        data = json.loads(str(perfrules.render_summary(summary, "json")))
        assert ("95.91", "0.5") == (data["units"][0]["total"], data["grades"][0]["share"])


class TestSummaryCommand:
    def test_several_files(self, tmp_path: Path) -> None:
        """`perfrules summary SPEC FACTS...` reads YAML facts and workbooks alike."""
        form = tmp_path / "unit.xlsx"
        assert 0 == CliRunner().invoke(main, ["score", str(SEED_SPEC), str(SEED_FACTS), "-o", str(form)]).exit_code
        result = CliRunner().invoke(main, ["summary", str(SEED_SPEC), str(SEED_FACTS), str(form)])
        assert 0 == result.exit_code, result.output
        assert "汇总（2 个单位）" in result.output and "广州市黄埔区工商业联合会" in result.output

    def test_output_file(self, tmp_path: Path) -> None:
        """-o FILE chooses the format by its suffix."""
        output = tmp_path / "summary.html"
        result = CliRunner().invoke(main, ["summary", str(SEED_SPEC), str(SEED_FACTS), "-o", str(output)])
        assert 0 == result.exit_code, result.output
        assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    def test_a_bad_file_stops_with_its_problems(self, tmp_path: Path) -> None:
        """One unit's broken facts are reported and nothing is summarised."""
        bad = tmp_path / "bad.yaml"
        bad.write_text("facts: {executed: 十}\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["summary", str(SEED_SPEC), str(SEED_FACTS), str(bad)])
        assert 1 == result.exit_code and "bad.yaml" in result.output
