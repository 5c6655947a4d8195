"""Forms in: workbooks written by perfrules, blank templates filled, and official layouts filled by hand."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

import perfrules
from perfrules._cli import main
from perfrules._forms import workbook
from perfrules._forms.workbook import cell_number
from perfrules.exceptions import FactsError

from .conftest import ROOT, SEED_FACTS, SEED_SPEC
from .strategies import facts_for, leaves, spec_documents

PROJECT_SPEC = ROOT / "specs" / "national" / "project-2020.yaml"
PUTUO = ROOT / "examples" / "putuo-sports-2022.yaml"
HUNAN_SPEC = ROOT / "specs" / "hunan" / "department-worked-2018.yaml"
HUNAN = ROOT / "examples" / "hunan-worked-2018.yaml"


def scores(evaluation: perfrules.Evaluation) -> dict[str, Decimal]:
    return {result.id: result.score for result in evaluation.walk()}


def written(tmp_path: Path, data: bytes, name: str = "form.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def problems(spec: perfrules.Spec, path: Path) -> list[perfrules.Diagnostic]:
    with pytest.raises(FactsError) as info:
        perfrules.evaluate(spec, path)
    return list(info.value.problems)


class TestRoundTrip:
    @pytest.mark.parametrize(("spec", "facts"), [(SEED_SPEC, SEED_FACTS), (PROJECT_SPEC, PUTUO), (HUNAN_SPEC, HUNAN)])
    def test_rendered_workbook_scores_like_the_yaml(self, tmp_path: Path, spec: Path, facts: Path) -> None:
        """A form rendered as .xlsx and read back scores exactly as its YAML facts, indicator by indicator."""
        loaded = perfrules.load_spec(spec)
        original = perfrules.evaluate(loaded, facts)
        report = perfrules.render(original, "xlsx")
        assert isinstance(report, bytes)
        again = perfrules.evaluate(loaded, written(tmp_path, report))
        assert scores(original) == scores(again)
        assert (original.total, original.grade) == (again.total, again.grade)
        for key in ("subject", "year", "units", "goals", "achievements", "shortfall_reasons"):
            assert (getattr(original.facts, key) or None) == getattr(again.facts, key), key
        assert dict(original.facts.budget) == dict(again.facts.budget)
        assert dict(original.facts.funds) == dict(again.facts.funds)
        assert original.values == again.values

    def test_filled_template_scores_like_the_yaml(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """The blank template, filled in the cells it shades, scores like the seed's YAML facts."""
        facts = perfrules.load_facts(SEED_FACTS)
        book = openpyxl.load_workbook(io.BytesIO(perfrules.template(seed_spec)))
        form, data = book["自评表"], book["数据"]
        form["B3"], form["J3"] = facts.subject, 1
        names = {cell.value: cell for cell in form["E"] if cell.value}  # 三级指标 column
        for indicator in (node for top in seed_spec.indicators for node in top.walk() if node.is_leaf):
            row = names[indicator.name].row
            assessment = facts.assessments[indicator.id]
            form.cell(row, 8).value = str(assessment.score)  # typed as text, as WPS often keeps it
            form.cell(row, 9).value = assessment.reason
            form.cell(row, 10).value = assessment.measure
        for cell in data["A"][1:]:
            cell.offset(column=3).value = str(facts.values[cell.value])
        filled = io.BytesIO()
        book.save(filled)
        evaluation = perfrules.evaluate(seed_spec, written(tmp_path, filled.getvalue()))
        seed = perfrules.evaluate(seed_spec, facts)
        assert scores(seed) == scores(evaluation)
        assert (Decimal("95.91"), "优") == (evaluation.total, evaluation.grade.label)
        assert seed.facts.assessments["1.1.3"] == evaluation.facts.assessments["1.1.3"]

    @given(st.data())
    def test_any_form_reads_back(self, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
        """For generated specs and facts, the rendered workbook read back reports the same score everywhere."""
        document = data.draw(spec_documents())
        facts = data.draw(facts_for(document))
        leaf_ids = {leaf["id"] for leaf in leaves(document["indicators"])}
        # The official layout has a score cell for leaves only: a unit marks a parent's leaves instead.
        assume(all(key in leaf_ids for key, entry in facts["assessments"].items() if entry.get("not_applicable")))
        spec = perfrules.load_spec(document)
        original = perfrules.evaluate(spec, facts)
        report = perfrules.render(original, "xlsx")
        assert isinstance(report, bytes)
        again = perfrules.evaluate(spec, written(tmp_path_factory.mktemp("form"), report))
        unit = Decimal(1).scaleb(-spec.precision)
        # A workbook holds printed scores: a computed score that renormalisation rescaled is rescaled again from
        # its printed value, whose rounding (half a unit) grows by the rescaling factor.
        rescaled = any(result.declared_weight is not None for result in original.walk())
        for result in original.walk():
            if not result.children:
                printed, read = (r.score.quantize(unit, rounding="ROUND_HALF_UP") for r in (result, again[result.id]))
                factor = result.weight / result.declared_weight if result.declared_weight else 0
                assert abs(printed - read) <= unit * (factor + 1) if rescaled else printed == read, result.id
        if spec.round_at == "indicator" and not rescaled:  # rounding once, printed scores need not add up
            assert (original.total, original.grade) == (again.total, again.grade)


def official_department(path: Path, *, total: Any = "95.91", grade: str = "☑优", overrides: Any = None) -> Path:
    """The seed form as a person types it into Excel: its own header, text numbers, merged cells, a blank name."""
    facts = perfrules.load_facts(SEED_FACTS)
    spec = perfrules.load_spec(SEED_SPEC)
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Sheet1"
    sheet.append(["2022年度广州市黄埔区工商业联合会部门整体支出绩效自评表"])
    sheet.append(["部门基本情况"])
    sheet.append(["部门名称", facts.subject, None, None, None, None, "单位数:", 1])
    sheet.append(
        ["年度整体绩效目标", facts.goals, None, None, "整体绩效目标完成情况", facts.achievements, None, "未能完成原因"]
    )
    # The budget table's three header rows, as the paper form has them.
    sheet.append(["年度部门预算情况", "总预算(万元)", "年度预算资金类别"])
    sheet.append([None, None, "部门预算", None, None, "事业发展支出", None, "事业发展支出(按预算级次划分)"])
    sheet.append([None, None, "基本支出", "项目支出", "专项资金", "其他事业发展支出", "区本级资金", "向下转移支付"])
    sheet.append([None, "1,288.38", "815.05", "473.33", "0.00", "0", 0, "0.00"])
    sheet.merge_cells("A5:A8")
    sheet.merge_cells("B5:B7")
    sheet.append(
        [
            "一级指标",
            "分值",
            "二级指标",
            "分值",
            "三级指标",
            "分值",
            "指标解释",
            "得分/自评分",
            "未达标原因",
            "改进措施",
        ]
    )
    first = sheet.max_row + 1
    for top in spec.indicators:
        top_row = sheet.max_row + 1
        for second in top.children:
            second_row = sheet.max_row + 1
            for leaf in second.children:
                assessment = facts.assessments[leaf.id]
                name = "" if leaf.id == "2.5.2" else leaf.name  # the row that lost its name in the source
                score = (overrides or {}).get(leaf.id, str(assessment.score))
                names = [top.name, top.weight, second.name, second.weight, name, leaf.weight]
                sheet.append([*names, leaf.explanation, score, assessment.reason, assessment.measure])
            if sheet.max_row > second_row:
                sheet.merge_cells(f"C{second_row}:C{sheet.max_row}")
                sheet.merge_cells(f"D{second_row}:D{sheet.max_row}")
        sheet.merge_cells(f"A{top_row}:A{sheet.max_row}")
        sheet.merge_cells(f"B{top_row}:B{sheet.max_row}")
    assert first < sheet.max_row
    sheet.append([None, None, "总分", 100, None, None, None, total])
    sheet.append(
        [None, None, "评价等级", f"{grade} 90分≤得分≤100分；☐良 80分≤得分<90分；☐中 60分≤得分<80分；☐差 得分<60分"]
    )
    data = book.create_sheet("数据")
    data.append(["名称", "值"])
    data.append(["budget_full_year", "1,291.73"])
    data.append(["executed", " １,２８８.３８ "])  # full-width digits and stray spaces, from a Chinese IME
    book.save(path)
    return path


def official_project(path: Path) -> Path:
    """The Putuo project form typed by hand: amounts in 元 as text, rates as percentages, one reasons column."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["项目支出绩效自评表"])
    sheet.append(["（2022年度）"])
    sheet.append(["项目名称", "上海市普陀区体育事业管理中心：普陀体育中心与委托运营方结算费用"])
    sheet.append(["项目资金（元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    sheet.append([None, "年度资金总额", "250,000.00", "250,000.00", "215,457.60", 10, "86.18%", "8.62"])
    sheet.append([None, "其中:当年财政拨款", 250000, 250000, 215457.6])
    sheet.merge_cells("A4:A6")
    sheet.append(["年度总体目标", "预期目标", None, None, "实际完成情况"])
    sheet.append([None, None, None, None, "已完成普陀体育中心与委托运营方费用结算。"])
    sheet.append(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    )
    rows = [
        ("产出指标", "数量指标", "与委托运营方结算完成率", "=100%", 1, 10, "10"),
        ("产出指标", "质量指标", "合同结算条款完成率", "=100%", "100%", 20, 20),
        ("产出指标", "时效指标", "费用结算及时性", "及时", "及时", 20, 20),
        ("效益指标", "社会效益指标", "与委托运营方合同完成率", "=100%", "100%", 30, 30),
        ("满意度指标", "服务对象满意度指标", "场馆开放满意度", ">=90%", "100%", 10, 10),
    ]
    for row in rows:
        sheet.append(list(row))
        target = sheet.cell(sheet.max_row, 4)
        target.data_type = "s"  # typed as '=100%: text, not a formula
    sheet.cell(10, 5).number_format = "0%"  # 100% typed into a number cell: Excel keeps 1, shown as 100%
    sheet.merge_cells("A10:A12")
    sheet.append(["预算执行率", None, None, None, None, 10, "8.62"])
    sheet.merge_cells(f"A{sheet.max_row}:C{sheet.max_row}")
    sheet.append(["总分", None, None, None, None, 100, "98.62"])
    data = book.create_sheet("数据")
    data.append(["名称", "说明", "值"])
    data.append(["budget_initial", "年初预算数", "250,000.00"])
    data.append(["budget_full_year", "全年预算数", "250,000"])
    data.append(["executed", "全年执行数", 215457.6])
    book.save(path)
    return path


class TestOfficialLayout:
    def test_department_by_hand(self, tmp_path: Path, seed_spec: perfrules.Spec, seed: perfrules.Evaluation) -> None:
        """The hand-typed department form scores like the YAML facts; its text figures convert as documented."""
        evaluation = perfrules.evaluate(seed_spec, official_department(tmp_path / "official.xlsx"))
        assert scores(seed) == scores(evaluation)
        assert (Decimal("95.91"), "优", Decimal("95.91"), "优") == (
            evaluation.total,
            evaluation.grade.label,
            evaluation.facts.stated.total if evaluation.facts.stated else None,
            evaluation.facts.stated.grade if evaluation.facts.stated else None,
        )
        assert dict(seed.facts.budget) == dict(evaluation.facts.budget)
        assert {"budget_full_year": Decimal("1291.73"), "executed": Decimal("1288.38")} == evaluation.values
        assert (seed.facts.subject, 2022, 1) == (
            evaluation.facts.subject,
            evaluation.facts.year,
            evaluation.facts.units,
        )
        assert seed.facts.goals == evaluation.facts.goals

    def test_project_by_hand(self, tmp_path: Path) -> None:
        """The hand-typed project form scores like the YAML facts: 98.62, each own indicator in its slot."""
        spec = perfrules.load_spec(PROJECT_SPEC)
        evaluation = perfrules.evaluate(spec, official_project(tmp_path / "official.xlsx"))
        expected = perfrules.evaluate(spec, PUTUO)
        assert scores(expected) == scores(evaluation)
        assert Decimal("98.62") == evaluation.total
        own = evaluation.facts.indicators["1.1"][0]
        assert ("与委托运营方结算完成率", "=100%", "100%") == (own["name"], own["target"], own["actual"])
        funds = evaluation.facts.funds["年度资金总额"]
        assert (Decimal("250000.00"), Decimal("215457.60")) == (funds.full_year, funds.executed)
        assert "已完成普陀体育中心与委托运营方费用结算。" == evaluation.facts.achievements

    def test_score_command(self, tmp_path: Path) -> None:
        """`perfrules score SPEC form.xlsx` prints the filled form."""
        path = official_department(tmp_path / "official.xlsx")
        result = CliRunner().invoke(main, ["score", str(SEED_SPEC), str(path)])
        assert 0 == result.exit_code, result.output
        assert "95.91" in result.output and "☑优" in result.output


class TestProblems:
    @pytest.mark.parametrize(
        ("typed", "words"),
        [
            ("九分", "'九分' is not a number"),
            ("18万元", "'18万元' is not a number; write the amount alone"),
            ("85%", "'85%' is a percentage; write the number itself"),
            ("1,0,0", "'1,0,0' is not a number"),
        ],
    )
    def test_score_that_is_not_a_number(
        self, tmp_path: Path, seed_spec: perfrules.Spec, typed: str, words: str
    ) -> None:
        """A score cell that is not a number is an error naming the sheet and cell, never a guess."""
        path = official_department(tmp_path / "bad.xlsx", overrides={"1.1.2": typed})
        [problem] = problems(seed_spec, path)
        assert ("not-a-number", "1.1.2") == (problem.code, problem.indicator)
        assert words in problem.message
        assert "Sheet1!H11" in str(problem.location)

    def test_unknown_name(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A misspelt indicator name is reported at its cell with the closest name of the spec."""
        path = official_department(tmp_path / "typo.xlsx")
        book = openpyxl.load_workbook(path)
        book["Sheet1"]["E12"] = "部门预算资金支出律"
        book.save(path)
        found = problems(seed_spec, path)
        assert "no indicator '部门预算资金支出律' under 整体效能 in the spec (did you mean '部门预算资金支出率'?)" in [
            problem.message for problem in found
        ]
        assert "Sheet1!E12" in {str(problem.location).rpartition(":")[2] for problem in found}

    def test_two_grades_ticked(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """Ticking two grades is an error, not a choice."""
        path = official_department(tmp_path / "ticks.xlsx", grade="☑优 ☑良")
        assert ["grade-ticked-twice"] == [problem.code for problem in problems(seed_spec, path)]

    def test_stated_total_that_differs_is_reported(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A typed total that the scores do not add up to is a warning the form keeps."""
        evaluation = perfrules.evaluate(seed_spec, official_department(tmp_path / "sum.xlsx", total=96.91))
        assert "stated-total" in {diagnostic.code for diagnostic in evaluation.diagnostics}

    def test_not_a_workbook(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A file that is not a workbook is one clear problem."""
        path = tmp_path / "form.xlsx"
        path.write_text("一级指标,分值\n", encoding="utf-8")
        [problem] = problems(seed_spec, path)
        assert "unreadable" == problem.code and "zip archive" in problem.message

    def test_unpacking_is_bounded(
        self, tmp_path: Path, seed_spec: perfrules.Spec, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A workbook that unpacks beyond the limit is refused before it is parsed."""
        path = official_department(tmp_path / "big.xlsx")
        monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 1000)
        [problem] = problems(seed_spec, path)
        assert "too-large" == problem.code and "the limit is 1000" in problem.message

    @pytest.mark.parametrize("merged", ["C1:XFD1048576", "A1:BH5000"])
    def test_merged_cell_bomb(self, tmp_path: Path, seed_spec: perfrules.Spec, merged: str) -> None:
        """A small file whose merged range covers millions of cells is refused before openpyxl builds them."""
        bomb = sheet_edited(tmp_path, rb'<mergeCell ref="A5:A8" ?/>', f'<mergeCell ref="{merged}"/>'.encode())
        [problem] = problems(seed_spec, bomb)
        assert "too-large" == problem.code and "merged cells cover more than 20000 cells" in problem.message

    @pytest.mark.parametrize(
        ("pattern", "replacement", "max_cells"),
        [
            (rb"<(/?)(c|mergeCell|mergeCells|sheetData|row)\b", rb"<\1x:\2", 150),  # namespace prefixes
            (rb'ref="A5:A8"', rb"ref='A1:BH5000'", None),  # single quotes
        ],
    )
    def test_bomb_in_disguise(
        self, tmp_path: Path, seed_spec: perfrules.Spec, pattern: bytes, replacement: bytes, max_cells: int | None
    ) -> None:
        """Prefixed element names and single-quoted attributes are counted too."""
        bomb = sheet_edited(tmp_path, pattern, replacement)
        with pytest.MonkeyPatch.context() as patch:
            if max_cells is not None:  # the form has a few hundred cells, every one prefixed
                patch.setattr(workbook, "MAX_CELLS", max_cells)
            [problem] = problems(seed_spec, bomb)
        assert "too-large" == problem.code

    def test_cell_count_is_bounded(
        self, tmp_path: Path, seed_spec: perfrules.Spec, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A sheet with more cells than a form could have is refused before it is parsed."""
        monkeypatch.setattr(workbook, "MAX_CELLS", 100)
        [problem] = problems(seed_spec, official_department(tmp_path / "form.xlsx"))
        assert "too-large" == problem.code and "a form has at most 100" in problem.message

    def test_no_form(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A workbook with no 一级指标 header says so."""
        book = openpyxl.Workbook()
        path = tmp_path / "empty.xlsx"
        book.save(path)
        [problem] = problems(seed_spec, path)
        assert "no-form" == problem.code

    def test_needs_the_spec(self, tmp_path: Path) -> None:
        """Reading a workbook without its spec is refused with the way to call it."""
        path = official_department(tmp_path / "form.xlsx")
        with pytest.raises(FactsError, match=r"load_facts\(path, spec=spec\)"):
            perfrules.load_facts(path)


def edited(path: Path, *unmerge: str, **cells: Any) -> Path:
    """*path* with ranges unmerged and cells (by coordinate) set to new values."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for merged in unmerge:
        sheet.unmerge_cells(merged)
    for coordinate, value in cells.items():
        sheet[coordinate] = value
    book.save(path)
    return path


def sheet_edited(folder: Path, pattern: bytes, replacement: bytes) -> Path:
    """The hand-typed seed form with its sheet's XML edited by a regular expression, as a crafted file would be."""
    source = official_department(folder / "form.xlsx")
    edited_path = folder / "edited.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(edited_path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(pattern, replacement, data)
            rewritten.writestr(item, data)
    return edited_path


class TestHandTypedShapes:
    def test_without_merged_cells(self, tmp_path: Path, seed_spec: perfrules.Spec, seed: perfrules.Evaluation) -> None:
        """Parent names written once and left blank below, labels not merged: read as the merged form."""
        path = official_department(tmp_path / "flat.xlsx")
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        for merged in list(sheet.merged_cells.ranges):
            sheet.unmerge_cells(str(merged))
        for row in range(11, 36):  # the values a merged cell showed stay only in its first row
            for column in "ABCD":
                if sheet[f"{column}{row}"].value == sheet[f"{column}{row - 1}"].value:
                    sheet[f"{column}{row}"] = None
        book.save(path)
        evaluation = perfrules.evaluate(seed_spec, path)
        assert scores(seed) == scores(evaluation)
        assert dict(seed.facts.budget) == dict(evaluation.facts.budget)

    def test_a_bad_budget_amount(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """An amount that is not a number is an error at its cell, not a budget table left out."""
        path = edited(official_department(tmp_path / "budget.xlsx"), E8="-")
        [problem] = problems(seed_spec, path)
        assert ("not-a-number", "Sheet1!E8") == (problem.code, str(problem.location).rpartition(":")[2])

    def test_a_budget_line_twice(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """Two amounts under one name are an error, never one silently replacing the other."""
        path = edited(official_department(tmp_path / "twice.xlsx"), G7="基本支出")
        assert ["budget-twice"] == [problem.code for problem in problems(seed_spec, path)]

    def test_an_indicator_twice(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """An indicator named on two rows is an error at the second, never the later row's score."""
        path = edited(official_department(tmp_path / "twice.xlsx"), E12="部门整体绩效目标效益指标完成情况")
        found = {problem.code for problem in problems(seed_spec, path)}
        assert "indicator-twice" in found

    def test_a_score_merged_over_two_rows(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A score cell merged over two indicators' rows is an error, never one score counted twice."""
        path = official_department(tmp_path / "merged.xlsx")
        book = openpyxl.load_workbook(path)
        book.worksheets[0].merge_cells("H10:H11")
        book.save(path)
        assert "merged-number" in {problem.code for problem in problems(seed_spec, path)}

    def test_a_blank_header_value_stays_blank(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A blank 年度整体绩效目标 is read as blank, not as the label below it."""
        evaluation = perfrules.evaluate(seed_spec, edited(official_department(tmp_path / "blank.xlsx"), B4=None))
        assert evaluation.facts.goals is None and evaluation.facts.achievements

    def test_a_missing_workbook(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A workbook that does not exist is SourceNotFoundError, as for YAML."""
        with pytest.raises(perfrules.exceptions.SourceNotFoundError, match="is not a file"):
            perfrules.load_facts(tmp_path / "none.xlsx", spec=seed_spec)

    def test_reviewed_form_reads_back_as_the_self_assessment(self, tmp_path: Path, seed_spec: perfrules.Spec) -> None:
        """A reviewed form's 自评分 column is read: the unit's own scores, before the review."""
        reviewed = perfrules.evaluate(seed_spec, SEED_FACTS, review=ROOT / "examples" / "huangpu-fic-2022-review.yaml")
        report = perfrules.render(reviewed, "xlsx")
        assert isinstance(report, bytes)
        again = perfrules.evaluate(seed_spec, written(tmp_path, report))
        assert (Decimal("95.97"), Decimal("95.91"), Decimal("95.91")) == (
            reviewed.total,
            reviewed.self_total,
            again.total,
        )

    def test_prefilled_project_template(self, tmp_path: Path) -> None:
        """A project template prefilled from facts carries the unit's own indicators and scores like them."""
        spec = perfrules.load_spec(PROJECT_SPEC)
        template = perfrules.template(spec, perfrules.load_facts(PUTUO))
        assert Decimal("98.62") == perfrules.evaluate(spec, written(tmp_path, template)).total


class TestCellNumbers:
    @pytest.mark.parametrize(
        ("value", "percent", "expected"),
        [
            ("1,288.38", False, Decimal("1288.38")),
            ("1288.38", False, Decimal("1288.38")),
            ("１２.５", False, Decimal("12.5")),
            (" 7 ", False, Decimal("7")),
            ("99.7%", True, Decimal("0.997")),
            (9.91, False, Decimal("9.91")),
            (0.1, False, Decimal("0.1")),
            (12, False, Decimal("12")),
        ],
    )
    def test_documented_conversions(self, value: object, percent: bool, expected: Decimal) -> None:
        """Thousands separators, full-width digits, spaces; a percentage where allowed; a double as typed."""
        assert (expected, None) == cell_number(value, percent=percent)

    @pytest.mark.parametrize(
        "value", ["1,28.38", "12.5.1", "二十", "20万元", "99.7%", True, "", "1e3", "NaN", float("inf"), 1e300, "9" * 50]
    )
    def test_everything_else_is_refused(self, value: object) -> None:
        """Anything else is refused with a reason, never converted."""
        number, why = cell_number(value)
        assert number is None and why

    def test_percentage_format(self) -> None:
        """A number formatted as a percentage is a percentage: refused for a score, a fraction for a fact."""
        assert (None, "the cell is formatted as a percentage; write the number itself") == cell_number(
            0.997, number_format="0.0%"
        )
        assert (Decimal("0.997"), None) == cell_number(0.997, percent=True, number_format="0.0%")


class TestTemplateCommand:
    def test_writes_a_workbook(self, tmp_path: Path) -> None:
        """`perfrules template SPEC -o FILE` writes the blank form with its validations."""
        output = tmp_path / "blank.xlsx"
        result = CliRunner().invoke(main, ["template", str(PROJECT_SPEC), "-o", str(output)])
        assert 0 == result.exit_code, result.output
        book = openpyxl.load_workbook(output)
        assert ["自评表", "数据"] == book.sheetnames
        validations = book["自评表"].data_validations.dataValidation
        assert any(validation.type == "decimal" for validation in validations)

    def test_prefilled_from_facts(self, tmp_path: Path) -> None:
        """--facts prefills the template; scored as it is, it gives the facts' result."""
        output = tmp_path / "prefilled.xlsx"
        result = CliRunner().invoke(main, ["template", str(SEED_SPEC), "--facts", str(SEED_FACTS), "-o", str(output)])
        assert 0 == result.exit_code, result.output
        assert Decimal("95.91") == perfrules.evaluate(perfrules.load_spec(SEED_SPEC), output).total

    def test_blank_template_names_what_is_missing(self, tmp_path: Path) -> None:
        """Scoring the blank template lists each missing score at its cell."""
        output = tmp_path / "blank.xlsx"
        CliRunner().invoke(main, ["template", str(SEED_SPEC), "-o", str(output)])
        result = CliRunner().invoke(main, ["score", str(SEED_SPEC), str(output)])
        assert 1 == result.exit_code
        assert "blank.xlsx:数据!D1: error: fact 'executed' (执行数) is missing" in result.output
        assert (
            "blank.xlsx:自评表!H11: error: '1.1.2' (部门整体绩效目标效益指标完成情况) is self-assessed but has no score"
            in (result.output)
        )
