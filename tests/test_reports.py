"""Report formats: golden files for every format, the workbook cell by cell, the page in a browser, the PDF's fonts."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from click.testing import CliRunner

import perfrules
from perfrules._cli import main
from perfrules.exceptions import MissingExtraError, NotRegisteredError

from .conftest import ARTEFACTS, ROOT, SEED_FACTS, SEED_SPEC, tool, unavailable

GOLDEN = ROOT / "tests" / "golden"
UPDATE = "PERFRULES_UPDATE_GOLDEN"
"""Set to rewrite the golden files from the current output (then review the diff)."""

FORMS = {
    "huangpu-fic-2022": ("specs/guangzhou/department-overall-2022.yaml", "examples/huangpu-fic-2022.yaml", None),
    "huangpu-fic-2022-review": (
        "specs/guangzhou/department-overall-2022.yaml",
        "examples/huangpu-fic-2022.yaml",
        "examples/huangpu-fic-2022-review.yaml",
    ),
    "putuo-sports-2022": ("specs/national/project-2020.yaml", "examples/putuo-sports-2022.yaml", None),
}
TEXT_FORMATS = {"table": "txt", "json": "json", "markdown": "md", "html": "html", "csv": "csv"}
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def form(name: str) -> perfrules.Evaluation:
    spec, facts, review = FORMS[name]
    # Relative paths, as the README runs them, so that file names in the output are the same on every machine.
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        return perfrules.evaluate(spec, facts, review=review)
    finally:
        os.chdir(previous)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get(UPDATE):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.is_file(), f"no golden file {path.name}: run with {UPDATE}=1 and review it"
    expected = path.read_bytes().decode("utf-8")  # bytes: CSV's \r\n line ends are part of the format
    assert expected == text, f"{path.name} differs; if intended, run with {UPDATE}=1"


def workbook_dump(data: bytes) -> str:
    """Every sheet of a workbook as text: its merged ranges, then each filled cell's value, type and number format."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = []
    for sheet in book.worksheets:
        lines.append(f"== {sheet.title}")
        lines.append("merged: " + " ".join(sorted(str(merged) for merged in sheet.merged_cells.ranges)))
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    kind = "n" if isinstance(cell.value, (int, float)) else "s"
                    lines.append(f"{cell.coordinate} {kind} {cell.number_format} {cell.value!r}")
    return "\n".join(lines) + "\n"


def run(name: str, *arguments: str | Path) -> str:
    """Run the system tool *name* (skipping or failing when it is missing, as `tool` says); return its output."""
    command = [tool(name), *map(str, arguments)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout  # noqa: S603


def pdf_of(evaluation: perfrules.Evaluation) -> bytes:
    try:
        pdf = perfrules.render(evaluation, "pdf")
    except MissingExtraError:
        unavailable("WeasyPrint (the pdf extra) with Pango")
    assert isinstance(pdf, bytes)
    return pdf


class TestGolden:
    @pytest.mark.parametrize("name", sorted(FORMS))
    @pytest.mark.parametrize("format", sorted(TEXT_FORMATS))
    def test_text_formats(self, name: str, format: str) -> None:
        """Each text format of each shipped form matches its golden file."""
        report = perfrules.render(form(name), format)
        assert isinstance(report, str)
        check_golden(f"{name}.{TEXT_FORMATS[format]}", report)

    @pytest.mark.parametrize("name", sorted(FORMS))
    def test_xlsx(self, name: str) -> None:
        """The workbook, read back cell by cell, matches its golden dump."""
        report = perfrules.render(form(name), "xlsx")
        assert isinstance(report, bytes)
        check_golden(f"{name}.xlsx.txt", workbook_dump(report))

    def test_template(self, seed_spec: perfrules.Spec) -> None:
        """The blank department and project templates match their golden dumps."""
        check_golden("template-department.xlsx.txt", workbook_dump(perfrules.template(seed_spec)))
        project = perfrules.load_spec(ROOT / "specs" / "national" / "project-2020.yaml")
        check_golden("template-project.xlsx.txt", workbook_dump(perfrules.template(project)))


@pytest.fixture(scope="module")
def book() -> Any:
    report = perfrules.render(form("huangpu-fic-2022"), "xlsx")
    assert isinstance(report, bytes)
    return openpyxl.load_workbook(io.BytesIO(report))


class TestWorkbook:
    def test_header_block(self, book: Any) -> None:
        """Title, unit and the budget table as the paper form has them."""
        sheet = book["自评表"]
        assert "2022年度 广州市黄埔区工商业联合会部门整体支出绩效自评表" == sheet["A1"].value
        assert ("部门名称", "广州市黄埔区工商业联合会", "单位数", 1) == tuple(
            sheet[cell].value for cell in ("A3", "B3", "I3", "J3")
        )
        assert ["总预算", "基本支出", "项目支出"] == [sheet[cell].value for cell in ("B7", "C7", "D7")]
        assert (1288.38, "#,##0.00") == (sheet["B8"].value, sheet["B8"].number_format)

    def test_merged_parents(self, book: Any) -> None:
        """一级 and 二级指标 and their 分值 are merged down the rows they cover."""
        merged = {str(merged) for merged in book["自评表"].merged_cells.ranges}
        assert {"A10:A12", "B10:B12", "C10:C12", "D10:D12", "A13:A35", "B13:B35", "C21:C27"} <= merged
        sheet = book["自评表"]
        assert ("履职效能", 50, "管理效率", "采购管理", 10) == (
            sheet["A10"].value,
            sheet["B10"].value,
            sheet["A13"].value,
            sheet["C21"].value,
            sheet["D21"].value,
        )

    def test_scores_total_and_grade(self, book: Any) -> None:
        """Scores are numbers shown as 0.00; the total is 95.91 and 优 is ticked."""
        sheet = book["自评表"]
        assert ("部门预算资金支出率", 9.91, "0.00") == (
            sheet["E12"].value,
            sheet["H12"].value,
            sheet["H12"].number_format,
        )
        assert ("总分", 100, 95.91) == (sheet["A36"].value, sheet["F36"].value, sheet["H36"].value)
        assert sheet["F37"].value.startswith("☑优 90分≤得分≤100分； ☐良")
        leaves = [sheet.cell(row, 8).value for row in range(10, 36)]
        assert 26 == len(leaves) and all(isinstance(score, (int, float)) for score in leaves)

    def test_facts_sheet(self, book: Any) -> None:
        """The 数据 sheet lists the declared facts with the unit's values."""
        rows = [tuple(cell.value for cell in row) for row in book["数据"].iter_rows()]
        assert ("名称", "说明", "单位", "值", "类型") == rows[0]
        assert ("budget_full_year", "全年预算数", "万元", 1291.73, "数值") == rows[1]

    def test_print_setup(self, book: Any) -> None:
        """A4 landscape, one page wide, the indicator header repeated on every page."""
        sheet = book["自评表"]
        setup = sheet.page_setup
        assert ("9", "landscape", True) == (
            str(setup.paperSize),
            setup.orientation,
            sheet.sheet_properties.pageSetUpPr.fitToPage,
        )
        assert (1, 0) == (setup.fitToWidth or 1, setup.fitToHeight)  # width 1 is the default, left unwritten
        assert "$9:$9" == sheet.print_title_rows


class TestHtml:
    def test_standalone(self) -> None:
        """No external assets: no links, scripts, images or web fonts; an explicit CJK font stack; A4 pages."""
        html = perfrules.render(form("huangpu-fic-2022"), "html")
        assert isinstance(html, str)
        for asset in ("<link", "<script", "<img", "@import", "url(", "http://", "https://"):
            assert asset not in html
        assert '"Noto Sans CJK SC"' in html and "WenQuanYi Micro Hei" in html and "size: A4 landscape" in html

    def test_text_is_escaped(self, seed_spec: perfrules.Spec) -> None:
        """Text from a facts file is shown, never interpreted as markup."""
        facts = perfrules.load_facts(SEED_FACTS)
        hostile = perfrules.evaluate(seed_spec, _with_subject(facts, "<script>alert(1)</script>&"))
        html = perfrules.render(hostile, "html")
        assert isinstance(html, str)
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html

    def test_in_chromium(self, tmp_path: Path) -> None:
        """Headless Chromium renders the page: its DOM holds 95.91 and ☑优; a screenshot is kept."""
        page = tmp_path / "seed.html"
        html = perfrules.render(form("huangpu-fic-2022"), "html")
        assert isinstance(html, str)
        page.write_text(html, encoding="utf-8")
        dom = run("chromium", *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'dom'}", "--dump-dom", page.as_uri())
        assert "95.91" in dom and "☑优 90分≤得分≤100分" in dom and "广州市黄埔区工商业联合会" in dom
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        screenshot = ARTEFACTS / "huangpu-fic-2022.png"
        screenshot.unlink(missing_ok=True)
        size = "--window-size=1240,1754"  # A4 at 150 dpi
        run(
            "chromium",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'shot'}",
            f"--screenshot={screenshot}",
            size,
            page.as_uri(),
        )
        assert screenshot.read_bytes().startswith(b"\x89PNG") and screenshot.stat().st_size > 50_000


class TestPdf:
    def test_fonts_embedded_and_text(self, tmp_path: Path) -> None:
        """The PDF embeds a CJK font, is A4 landscape, and its text holds the total and the grade."""
        path = tmp_path / "seed.pdf"
        path.write_bytes(pdf_of(form("huangpu-fic-2022")))
        fonts = run("pdffonts", path).splitlines()
        assert [line for line in fonts if ("WenQuanYi" in line or "CJK" in line) and " yes yes " in line], fonts
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", run("pdfinfo", path))
        assert size is not None and Decimal(size[1]) > Decimal(size[2])  # landscape
        text = run("pdftotext", path, "-")
        assert "95.91" in text and "☑优" in text

    def test_missing_extra(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without WeasyPrint the pdf format says how to install it."""
        monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)
        with pytest.raises(MissingExtraError, match=r"pip install 'perfrules\[pdf\]'"):
            perfrules.render(form("huangpu-fic-2022"), "pdf")


class TestCsvAndMarkdown:
    def test_csv_row_per_indicator(self, seed: perfrules.Evaluation) -> None:
        """A header and one row per indicator, parents included; exact numbers; a BOM for spreadsheets."""
        report = perfrules.render(seed, "csv")
        assert isinstance(report, str) and report.startswith("\ufeff编号,")
        rows = list(csv.DictReader(io.StringIO(report.removeprefix("\ufeff"))))
        assert sum(1 for _ in seed.walk()) == len(rows)
        by_id = {row["编号"]: row for row in rows}
        assert ("9.91", "9.97", "9.91", "三级指标", "履职效能 / 整体效能") == (
            by_id["1.1.3"]["得分"],
            by_id["1.1.3"]["规则计算分"],
            by_id["1.1.3"]["单位自评分"],
            by_id["1.1.3"]["层级"],
            by_id["1.1.3"]["上级指标"],
        )

    def test_csv_never_holds_a_formula(self, seed_spec: perfrules.Spec) -> None:
        """Text that a spreadsheet would run as a formula is quoted with an apostrophe; other text is as written."""
        facts = perfrules.load_facts(SEED_FACTS)
        assessments = dict(facts.assessments)
        assessments["1.1.2"] = attrs.evolve(assessments["1.1.2"], reason='=HYPERLINK("x")', measure="-5分，加强")
        report = perfrules.render(perfrules.evaluate(seed_spec, attrs.evolve(facts, assessments=assessments)), "csv")
        row = next(
            row for row in csv.DictReader(io.StringIO(str(report).removeprefix("\ufeff"))) if row["编号"] == "1.1.2"
        )
        assert ('\'=HYPERLINK("x")', "'-5分，加强") == (row["未达标原因"], row["改进措施"])
        assert row["指标解释"].startswith("反映")

    def test_markdown_escapes_cells(self, seed_spec: perfrules.Spec) -> None:
        """A pipe, markup or a line break in the facts cannot break the table."""
        facts = perfrules.load_facts(SEED_FACTS)
        report = perfrules.render(perfrules.evaluate(seed_spec, _with_subject(facts, "甲|乙\n*丙*<b>")), "markdown")
        assert isinstance(report, str)
        assert "| 部门名称 | 甲\\|乙<br>\\*丙\\*\\<b\\> |" in report


class TestCommandLine:
    @pytest.mark.parametrize(
        ("suffix", "start"),
        [
            ("md", b"# 2022"),
            ("html", b"<!DOCTYPE html>"),
            ("csv", "\ufeff编号".encode()),
            ("xlsx", b"PK"),
            ("json", b"{"),
        ],
    )
    def test_output_file_names_the_format(self, tmp_path: Path, suffix: str, start: bytes) -> None:
        """`score -o FILE` writes FILE in the format its suffix names."""
        output = tmp_path / f"form.{suffix}"
        result = CliRunner().invoke(main, ["score", str(SEED_SPEC), str(SEED_FACTS), "-o", str(output)])
        assert 0 == result.exit_code, result.output
        assert output.read_bytes().startswith(start)

    def test_format_beats_suffix(self, tmp_path: Path) -> None:
        """--format wins over the suffix."""
        output = tmp_path / "form.txt"
        result = CliRunner().invoke(
            main, ["score", str(SEED_SPEC), str(SEED_FACTS), "--format", "json", "-o", str(output)]
        )
        assert 0 == result.exit_code
        assert "95.91" == json.loads(output.read_text(encoding="utf-8"))["total"]

    @pytest.mark.parametrize("command", [["score"], ["summary"]])
    def test_unknown_suffix(self, tmp_path: Path, command: list[str]) -> None:
        """A file suffix that names no format is a usage error, not a table written under another name."""
        output = tmp_path / "form.docx"
        result = CliRunner().invoke(main, [*command, str(SEED_SPEC), str(SEED_FACTS), "-o", str(output)])
        assert 2 == result.exit_code and "cannot tell the format of" in result.output
        assert not output.exists()

    def test_unknown_format(self) -> None:
        """An unknown format is a usage error listing the formats."""
        result = CliRunner().invoke(main, ["score", str(SEED_SPEC), str(SEED_FACTS), "--format", "docx"])
        assert 2 == result.exit_code and "csv, html, json, markdown, pdf, table, xlsx" in result.output

    def test_render_unknown_format(self, seed: perfrules.Evaluation) -> None:
        """The API names the formats it knows, with a suggestion."""
        with pytest.raises(NotRegisteredError, match="did you mean 'markdown'"):
            perfrules.render(seed, "markdwon")


def _with_subject(facts: perfrules.Facts, subject: str) -> perfrules.Facts:
    return attrs.evolve(facts, subject=subject)
