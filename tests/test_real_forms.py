"""Project forms as units write them: descriptive targets, rows of only a name, 分值 and 得分, a region's phrases."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest

import perfrules
from perfrules._rules.targets import TargetError, parse_target
from perfrules._yaml import dump_yaml
from perfrules.exceptions import PerfrulesError

from .conftest import ROOT

NATIONAL = ROOT / "specs" / "national" / "project-2020.yaml"
D = Decimal


def unit(*rows: dict[str, Any]) -> dict[str, Any]:
    """A unit's project form on the national skeleton: *rows* in 社会效益 (2.2, 30 points) besides full marks
    elsewhere."""
    return {
        "facts": {"budget_initial": "100", "budget_full_year": "100", "executed": "100"},
        "indicators": {
            "1.1": [{"id": "a", "name": "数量", "weight": 50, "target": "≥100个", "actual": "120个", "score": 50}],
            "2.2": list(rows),
            "3.1": [{"id": "c", "name": "满意度", "weight": 10, "target": "≥90%", "actual": "95%", "score": 10}],
        },
    }


def row(target: str | None, actual: str | None, score: str | None = "30", **more: Any) -> dict[str, Any]:
    found = {"id": "b", "name": "群众生活", "weight": 30, **more}
    found |= {key: value for key, value in (("target", target), ("actual", actual), ("score", score)) if value}
    return found


class TestDescriptiveTargets:
    @pytest.mark.parametrize("phrase", ["运行良好", "无安全事故", "群众生活条件改善", "按计划推进", "在预算范围内"])
    def test_phrases_are_descriptive(self, phrase: str) -> None:
        """The phrases project forms write as 年度指标值 are descriptive targets, kept verbatim."""
        target = parse_target(phrase)
        assert ("descriptive", phrase) == (target.kind, target.raw)

    def test_numbers_inside_a_phrase_are_not_read(self) -> None:
        """完成3个村改造 is a phrase: its 3 is never taken for a quantity to compare."""
        target = parse_target("完成3个村改造")
        assert ("descriptive", None, None) == (target.kind, target.value, target.deadline)

    @pytest.mark.parametrize("claim", ["0", "12.5", "30"])
    def test_scored_as_the_units_claim(self, claim: str) -> None:
        """A descriptive target scores the unit's own claim, anywhere from 0 to the weight."""
        result = perfrules.evaluate(NATIONAL, unit(row("运行良好", "运行良好", claim, reason="r")))
        assert D(claim) == result["b"].score

    def test_a_claim_is_needed(self) -> None:
        """Without a score the row cannot be scored: the unit's judgement is the score."""
        with pytest.raises(PerfrulesError) as info:
            perfrules.evaluate(NATIONAL, unit(row("运行良好", "运行良好", None)))
        assert "missing-claim" in {problem.code for problem in info.value.diagnostics}

    def test_explained_as_the_units_judgement(self) -> None:
        """explain says the score is the unit's judgement against the target as written."""
        result = perfrules.evaluate(NATIONAL, unit(row("群众生活条件改善", "群众生活条件明显改善", "28", reason="r")))
        words = perfrules.explain(result, "b")
        assert "得分为单位对照指标值的自我判断" in words.text("zh")
        assert "the score is the unit's own judgement against the target" in words.text("en")
        assert "群众生活条件改善" in words.text("zh")

    @pytest.mark.parametrize(
        ("actual", "flagged"),
        [("群众生活条件改善", False), ("达成预期指标", False), ("正在推进", True), ("基本达成", True)],
    )
    def test_full_score_with_another_actual_is_found(self, actual: str, flagged: bool) -> None:
        """A full score whose actual is neither the target's words nor a word meaning 达成 is a finding."""
        result = perfrules.evaluate(NATIONAL, unit(row("群众生活条件改善", actual)))
        codes = [finding.code for finding in perfrules.findings(result) if finding.indicator == "b"]
        assert flagged == ("descriptive-full-score" in codes)

    def test_a_loss_without_reason_is_found(self) -> None:
        """Points lost on a descriptive target with no reason are a finding, as on any row."""
        result = perfrules.evaluate(NATIONAL, unit(row("运行良好", "运行一般", "20")))
        assert "reason-missing" in [finding.code for finding in perfrules.findings(result) if finding.indicator == "b"]

    @pytest.mark.parametrize("target", ["≥9月", "90%-95%", "2月30日前"])
    def test_attempted_quantities_and_dates_stay_errors(self, target: str) -> None:
        """A text that opens as a quantity or a date must be one: these are errors, not phrases."""
        with pytest.raises(PerfrulesError) as info:
            perfrules.evaluate(NATIONAL, unit(row(target, "运行良好")))
        assert "target" in {problem.code for problem in info.value.diagnostics}


class TestRegionsVocabulary:
    SPEC = (
        "spec: 1\nid: t/region\nversion: '2022'\nextends: national/project@2020\n"
        "vocabulary:\n  达成: [运行良好, 无安全事故]\n  部分达成: [基本正常]\n"
    )

    def test_a_regions_phrase_is_a_tier(self) -> None:
        """With 运行良好 in the spec's 达成 words, a row met as written scores as a qualitative 达成 (80% to 100%)."""
        spec = perfrules.load_spec(self.SPEC)
        assert D("27") == perfrules.evaluate(spec, unit(row("运行良好", "运行良好", "27")))["b"].score
        with pytest.raises(PerfrulesError) as info:
            perfrules.evaluate(spec, unit(row("运行良好", "运行良好", "12", reason="r")))
        assert ["evaluation"] == [problem.code for problem in info.value.diagnostics]
        assert D("12") == perfrules.evaluate(NATIONAL, unit(row("运行良好", "运行良好", "12", reason="r")))["b"].score

    def test_a_regions_achieved_phrase_is_not_flagged(self) -> None:
        """An actual the region counts as 达成 against a descriptive target is no finding at full marks."""
        spec = perfrules.load_spec(self.SPEC)
        result = perfrules.evaluate(spec, unit(row("群众生活条件改善", "无安全事故")))
        assert "descriptive-full-score" not in [finding.code for finding in perfrules.findings(result)]

    @pytest.mark.parametrize(
        ("vocabulary", "words"),
        [("{很好: [运行良好]}", "tiers are 达成, 部分达成, 未达成"), ("{达成: 运行良好}", "a list of phrases")],
    )
    def test_a_bad_vocabulary_is_refused(self, vocabulary: str, words: str) -> None:
        """Unknown tiers and phrases not in a list are refused with the shape to write."""
        with pytest.raises(PerfrulesError) as info:
            perfrules.load_spec(
                f"spec: 1\nid: t/v\nversion: '1'\nextends: national/project@2020\nvocabulary: {vocabulary}\n"
            )
        assert words in info.value.diagnostics[0].message


class TestRowsWithoutTargets:
    def test_a_row_of_name_weight_and_score_is_self_assessed(self) -> None:
        """A row that prints only a name, 分值 and 得分 needs no kind: the score is the unit's own."""
        result = perfrules.evaluate(NATIONAL, unit(row(None, None, "26", reason="r")))
        assert (D("26"), "self_assessed") == (result["b"].score, result.spec.indicator("b").kind)

    def test_the_whole_form_without_kinds(self) -> None:
        """Every row of a form written as names, 分值 and 得分 scores on the skeleton, totals as printed."""
        facts = unit(row(None, None, "30"))
        for rows in facts["indicators"].values():
            for each in rows:
                each.pop("target", None), each.pop("actual", None)
        result = perfrules.evaluate(NATIONAL, facts)
        assert D("100.00") == result.total


def test_documented_vocabulary_loads() -> None:
    """The vocabulary example of docs/project-forms.md extends the national skeleton and reads its phrases."""
    import re

    text = (ROOT / "docs" / "project-forms.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL) if "vocabulary:" in b]
    spec = perfrules.load_spec(block)
    assert {"运行良好": "达成", "无安全事故": "达成", "基本正常": "部分达成"} == dict(spec.vocabulary)


def test_vocabulary_survives_dump_spec() -> None:
    """dump_spec writes the vocabulary, so a spec sent elsewhere as text scores alike."""
    spec = perfrules.load_spec(TestRegionsVocabulary.SPEC)
    assert spec.vocabulary == perfrules.load_spec(perfrules.dump_spec(spec)).vocabulary


def test_not_applicable_without_policy_says_where_to_add_it() -> None:
    """A row marked "/" that the spec gives no policy names the key to add and the spec's line."""
    with pytest.raises(PerfrulesError) as info:
        perfrules.evaluate(
            ROOT / "specs" / "guangzhou" / "department-overall-2022.yaml",
            {
                "facts": {"budget_full_year": 1, "executed": 1},
                "assessments": {"1.1.1": {"score": "/"}},
            },
        )
    [problem] = [p for p in info.value.diagnostics if p.code == "not-applicable"]
    assert "add 'not_applicable: exclude' (or zero, full) to indicator '1.1.1' in the spec (at " in problem.message
    assert "department-overall-2022.yaml:35:" in problem.message
    assert "请在规范的指标 '1.1.1'（位于" in str(problem.message_zh)


def test_a_not_applicable_row_prints_with_a_slash() -> None:
    """A row marked "/" stays on the printed form, with "/" for its 分值 and 得分."""
    facts = unit(row(None, None, "30"))
    facts["indicators"]["1.2"] = [{"id": "q", "name": "质量", "weight": 0, "score": "/"}]
    result = perfrules.evaluate(NATIONAL, facts)
    table, markdown, html = (perfrules.render(result, name) for name in ("table", "markdown", "html"))
    assert isinstance(table, str) and isinstance(markdown, str) and isinstance(html, str)
    [line] = [line for line in table.splitlines() if "质量" in line and "q" in line]
    assert line.count(" / ") == 2
    [line] = [line for line in markdown.splitlines() if "| 质量 |" in line]
    assert line.endswith("| / | / |  |  |")
    assert '<td class="weight">/</td><td class="score">/</td>' in html


def test_a_not_applicable_row_round_trips_through_the_template(tmp_path: Path) -> None:
    """A unit's row marked "/" is written into the template with "/" and read back not applicable, scoring alike."""
    facts = unit(row(None, None, "30"))
    facts["indicators"]["1.2"] = [{"id": "q", "name": "质量", "weight": 0, "score": "/"}]
    spec = perfrules.load_spec(NATIONAL)
    path = tmp_path / "filled.xlsx"
    path.write_bytes(perfrules.template(spec, perfrules.load_facts(facts, spec=spec)))
    again = perfrules.evaluate(spec, path)
    [row_q] = [result for result in again.walk() if result.name == "质量" and not result.children]
    assert "exclude" == row_q.not_applicable
    assert perfrules.evaluate(spec, facts).total == again.total


@pytest.mark.parametrize("marked", [{"weight": "/", "score": "/"}, {"weight": "/"}, {"weight": 0, "score": "/"}])
def test_slash_in_weight_or_score_marks_a_row_not_applicable(marked: dict[str, str]) -> None:
    """ "/" in a row's 分值 or 得分, in the facts as on the form, marks it not applicable."""
    facts = unit(row(None, None, "30"))
    facts["indicators"]["1.2"] = [{"id": "q", "name": "质量", **marked}]
    result = perfrules.evaluate(NATIONAL, facts)
    assert ("exclude", D("100.00")) == (result["q"].not_applicable, result.total)


def test_slash_in_a_workbook_weight_cell(tmp_path: Path) -> None:
    """A hand-typed project form with "/" in a row's 分值 and 得分 reads that row as not applicable."""
    import openpyxl

    from .test_workbook import official_project

    path = official_project(tmp_path / "form.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet["F10"], sheet["G10"], sheet["F11"], sheet["G11"] = 30, 30, "/", "/"
    book.save(path)
    result = perfrules.evaluate(NATIONAL, path)
    [quality] = [r for r in result.walk() if r.name == "合同结算条款完成率"]
    assert "exclude" == quality.not_applicable and D("98.62") == result.total


CUSTOM_PROJECT = """\
spec: 1
id: t/custom-project
version: '2022'
name: 项目支出绩效自评表
{layout}indicators:
  - id: '1'
    name: 产出指标
    weight: 100
    children:
      - {{id: '1.1', name: 道路长度, weight: 60, kind: target, target: ≥266米, actual: 270米}}
      - {{id: '1.2', name: 运行情况, weight: 40, kind: target, target: 运行良好, actual: 运行良好}}
grades: default
"""


@pytest.mark.parametrize(
    ("layout", "project"), [("", True), ("layout: project\n", True), ("layout: department\n", False)]
)
def test_a_custom_project_spec_prints_as_a_project_form(layout: str, project: bool) -> None:
    """A spec of target rows prints in the project layout, with 年度指标值 and 实际完成值, unless it says otherwise."""
    spec = perfrules.load_spec(CUSTOM_PROJECT.format(layout=layout))
    result = perfrules.evaluate(spec, {"assessments": {"1.2": {"score": 40}}, "subject": "某项目", "year": 2022})
    markdown = perfrules.render(result, "markdown")
    assert isinstance(markdown, str)
    assert project == ("年度指标值" in markdown and "≥266米" in markdown and "项目名称" in markdown)
    assert project != ("部门名称" in markdown)
    assert spec.layout == perfrules.load_spec(perfrules.dump_spec(spec)).layout


def test_an_unknown_layout_is_refused() -> None:
    """layout is department or project."""
    with pytest.raises(PerfrulesError) as info:
        perfrules.load_spec(CUSTOM_PROJECT.format(layout="layout: 项目\n"))
    assert "'layout' must be one of department, project" in info.value.diagnostics[0].message


SEED_SPEC = ROOT / "specs" / "guangzhou" / "department-overall-2022.yaml"


def seed_facts(**changes: Any) -> dict[str, Any]:
    facts = perfrules.load_facts(ROOT / "examples" / "huangpu-fic-2022.yaml")
    data: dict[str, Any] = {
        "subject": facts.subject,
        "year": facts.year,
        "facts": {k: str(v) for k, v in facts.values.items()},
        "assessments": {k: {"score": str(a.score)} for k, a in facts.assessments.items() if a.score is not None},
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


class TestTheYear:
    def test_the_api_warns_of_facts_without_a_year(self) -> None:
        """Facts without a year score, with a missing-year warning."""
        result = perfrules.evaluate(SEED_SPEC, seed_facts(year=None))
        assert ["missing-year"] == [d.code for d in result.diagnostics if d.code.endswith("year")]

    @pytest.mark.parametrize("isolate", [[], ["--isolate"]])
    def test_score_refuses_facts_without_a_year(self, tmp_path: Path, isolate: list[str]) -> None:
        """perfrules score refuses facts without a year, saying what to add, and prints no form."""
        from click.testing import CliRunner

        from perfrules._cli import main

        path = tmp_path / "facts.yaml"
        path.write_text(dump_yaml(seed_facts(year=None)), encoding="utf-8")
        for lang, words in (("zh", "填报数据未写年度"), ("en", "the facts give no year")):
            result = CliRunner().invoke(main, ["score", str(SEED_SPEC), str(path), "--lang", lang, *isolate])
            assert (1, True, False) == (result.exit_code, words in result.stderr, "总分" in result.stdout)

    def test_facts_of_another_year_are_warned_about(self) -> None:
        """Facts of 2023 under the 2022 spec score, with a warning naming both."""
        result = perfrules.evaluate(SEED_SPEC, seed_facts(year=2023))
        [warning] = [d for d in result.diagnostics if d.code == "year-outside"]
        assert "the facts are for 2023, but guangzhou/department-overall@2022 is for 2022" == warning.message
        assert "填报数据为 2023 年度，而规范 guangzhou/department-overall@2022 适用于 2022 年" == warning.message_zh

    @pytest.mark.parametrize(("year", "warned"), [(2019, True), (2020, False), (2031, False)])
    def test_a_spec_in_force_from_a_year(self, year: int, warned: bool) -> None:
        """The national skeleton is in force from 2020: earlier facts are warned about, later ones are not."""
        facts = unit(row(None, None, "30")) | {"year": year}
        result = perfrules.evaluate(NATIONAL, facts)
        assert warned == ("year-outside" in [d.code for d in result.diagnostics])

    @pytest.mark.parametrize("years", ["'2022'", "{from: 2022, to: 2021}", "{since: 2020}", "[2020, 2022]"])
    def test_bad_years_are_refused(self, years: str) -> None:
        """years is a year or {from, to}, to no earlier than from."""
        with pytest.raises(PerfrulesError) as info:
            perfrules.load_spec(CUSTOM_PROJECT.format(layout=f"years: {years}\n"))
        assert "years is a year (2022) or {from: 2020, to: 2025}" in info.value.diagnostics[0].message

    @pytest.mark.parametrize("years", ["2022", "{from: 2020}", "{from: 2020, to: 2025}"])
    def test_years_survive_dump_spec(self, years: str) -> None:
        """dump_spec writes the years as they were declared."""
        spec = perfrules.load_spec(CUSTOM_PROJECT.format(layout=f"years: {years}\n"))
        assert spec.years == perfrules.load_spec(perfrules.dump_spec(spec)).years


class TestFiguresTypedOnce:
    FUNDS: ClassVar[dict[str, dict[str, str]]] = {
        "年度资金总额": {"initial": "100", "full_year": "100", "executed": "80"}
    }

    def facts(self, **values: str) -> dict[str, Any]:
        facts = unit(row(None, None, "30")) | {"year": 2022, "funds": self.FUNDS}
        facts["facts"] = values
        return facts

    def test_facts_left_out_are_read_from_the_funds_table(self) -> None:
        """The skeleton's budget facts come from the funds table's total row when the unit gives only the table."""
        result = perfrules.evaluate(NATIONAL, self.facts())
        assert (D("8.00"), D("80")) == (result["4"].score, result.values["executed"])

    def test_the_two_places_must_agree(self) -> None:
        """Given in both places and different, the figures are a finding."""
        result = perfrules.evaluate(NATIONAL, self.facts(executed="90"))
        assert D("9.00") == result["4"].score
        assert "figures-differ" in [finding.code for finding in perfrules.findings(result)]

    def test_a_template_with_its_data_sheet_left_blank(self, tmp_path: Path) -> None:
        """A filled template whose 数据 sheet is left blank scores from its funds table, with no errors."""
        spec = perfrules.load_spec(NATIONAL)
        path = tmp_path / "filled.xlsx"
        path.write_bytes(perfrules.template(spec, perfrules.load_facts(self.facts(), spec=spec)))
        result = perfrules.evaluate(spec, path)
        assert D("8.00") == result["4"].score


def template_with_year(folder: Path, spec: perfrules.Spec, typed: object) -> Path:
    """A blank template of *spec* with *typed* in its 年度 cell."""
    import openpyxl

    path = folder / "blank.xlsx"
    path.write_bytes(perfrules.template(spec))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    [label] = [cell for line in sheet.iter_rows() for cell in line if cell.value == "年度"]
    sheet.cell(label.row, label.column + 1).value = typed
    book.save(path)
    return path


class TestWhoAndWhen:
    WHO: ClassVar[dict[str, str]] = {
        "department": "某县水利局",
        "implementer": "某县水利工程管理站",
        "preparer": "张三",
        "phone": "0838-1234567",
        "filled_on": "2023-03-15",
    }

    def test_a_project_template_carries_them_and_reads_them_back(self, tmp_path: Path) -> None:
        """年度, 主管部门, 实施单位, 填报人, 联系电话 and 填报日期 are cells of the template, read back into the facts."""
        spec = perfrules.load_spec(NATIONAL)
        facts = unit(row(None, None, "30")) | {"year": 2022, "subject": "某项目"} | self.WHO
        path = tmp_path / "filled.xlsx"
        path.write_bytes(perfrules.template(spec, perfrules.load_facts(facts, spec=spec)))
        again = perfrules.load_facts(path, spec=spec)
        assert (2022, "某项目", self.WHO) == (again.year, again.subject, {key: getattr(again, key) for key in self.WHO})

    def test_the_year_typed_into_a_blank_template(self, tmp_path: Path) -> None:
        """A blank department template's 年度 cell, typed in, is the facts' year."""
        spec = perfrules.load_spec(SEED_SPEC)
        assert 2022 == perfrules.load_facts(template_with_year(tmp_path, spec, 2022), spec=spec).year

    def test_a_unit_named_in_the_title(self, tmp_path: Path) -> None:
        """A unit typed into the title, with its 部门名称 cell left blank, is the facts' subject."""
        from .test_workbook import edited, official_department

        path = edited(official_department(tmp_path / "form.xlsx"), B3=None)
        facts = perfrules.load_facts(path, spec=perfrules.load_spec(SEED_SPEC))
        assert ("广州市黄埔区工商业联合会", 2022) == (facts.subject, facts.year)


def test_a_row_marked_slash_with_a_score_is_refused() -> None:
    """A row whose 分值 is "/" but which gives a 得分 is an error saying so, in the facts as in a workbook."""
    facts = unit(row(None, None, "30"))
    facts["indicators"]["1.2"] = [{"id": "q", "name": "质量", "weight": "/", "score": 10}]
    with pytest.raises(PerfrulesError) as info:
        perfrules.evaluate(NATIONAL, facts)
    assert ["the row is marked '/' (not applicable), yet scores 10: leave its score out"] == [
        problem.message for problem in info.value.diagnostics
    ]


@pytest.mark.parametrize("written", ["年底前", "本年底前", "年内"])
def test_the_years_end_is_a_deadline(written: str) -> None:
    """年底前 and 年内 are deadlines at the end of the year evaluated, not phrases."""
    assert ("deadline", (None, 12, 31)) == (parse_target(written).kind, parse_target(written).deadline)


@pytest.mark.parametrize("written", ["九月底前", "１０个", "≥上年"])
def test_attempts_in_other_digits_stay_errors(written: str) -> None:
    """A month in Chinese numerals, full-width digits or a symbol then words open as a quantity or a date."""
    with pytest.raises(TargetError):
        parse_target(written)


def test_a_word_target_met_by_a_phrase_is_found_at_full_marks() -> None:
    """A 达成-word target whose actual is a phrase is the unit's judgement too: at full marks it is a finding."""
    result = perfrules.evaluate(NATIONAL, unit(row("达成预期指标", "基本按计划推进")))
    assert "descriptive-full-score" in [finding.code for finding in perfrules.findings(result)]


@pytest.mark.parametrize(("typed", "year"), [(2022, 2022), ("2022年度", 2022), ("2022 年", 2022), ("2022.7", None)])
def test_the_year_cell_as_people_type_it(tmp_path: Path, typed: object, year: int | None) -> None:
    """The template's 年度 cell takes 2022 or "2022年度", as the title writes it; 2022.7 is no year."""
    spec = perfrules.load_spec(SEED_SPEC)
    path = template_with_year(tmp_path, spec, typed)
    if year is None:
        with pytest.raises(PerfrulesError) as info:
            perfrules.load_facts(path, spec=spec)
        assert "the year is a whole number, not 2022.7" in [p.message for p in info.value.diagnostics]
    else:
        assert year == perfrules.load_facts(path, spec=spec).year


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        ("附件2 2022年度某县财政局部门整体支出绩效自评表", "某县财政局"),
        ("2022年度部门整体支出绩效自评表（金额单位：万元）", None),
        ("2022年度部门整体支出绩效自评表", None),
    ],
)
def test_a_unit_in_the_title_and_nothing_else(tmp_path: Path, title: str, subject: str | None) -> None:
    """Only the words before the form's name, besides an 附件 number and the year, are taken for the unit."""
    from .test_workbook import edited, official_department

    path = edited(official_department(tmp_path / "form.xlsx"), A1=title, B3=None)
    assert subject == perfrules.load_facts(path, spec=perfrules.load_spec(SEED_SPEC)).subject


def test_a_rows_reason_and_measure_are_kept() -> None:
    """A unit's row carries its 偏差原因 and 改进措施 to the result, as written."""
    result = perfrules.evaluate(
        NATIONAL, unit(row("运行良好", "运行一般", "20", reason="设备老化", measure="更换设备"))
    )
    assert ("设备老化", "更换设备") == (result["b"].reason, result["b"].measure)


@pytest.mark.parametrize("marked", ["target", "actual"])
def test_slash_as_target_or_actual_marks_a_row_not_applicable(marked: str) -> None:
    """ "/" as a row's 年度指标值 or 实际完成值 marks it not applicable, as in 分值 or 得分."""
    facts = unit(row(None, None, "30"))
    facts["indicators"]["1.2"] = [
        {"id": "q", "name": "质量", "weight": 0, "target": "达成", "actual": "达成", marked: "/"}
    ]
    assert "exclude" == perfrules.evaluate(NATIONAL, facts)["q"].not_applicable


def test_year_warnings_point_at_the_facts() -> None:
    """missing-year points at the facts file, year-outside at its year."""
    text = SEED_FACTS_TEXT.replace("year: 2022", "year: 2023")
    [outside] = [d for d in perfrules.evaluate(SEED_SPEC, text).diagnostics if d.code == "year-outside"]
    assert outside.location is not None and SEED_FACTS_TEXT.index("year: 2022") == _offset(text, outside.location)
    [missing] = [
        d
        for d in perfrules.evaluate(SEED_SPEC, text.replace("year: 2023\n", "")).diagnostics
        if d.code == "missing-year"
    ]
    assert missing.location is not None and "<text>" == missing.location.file


def test_the_years_end_reads_up_to_the_last_day() -> None:
    """年底前 is a deadline on or before 31 December."""
    assert "<=" == parse_target("年底前").comparator


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        *((word, True) for word in ("是", "true", "TRUE", "yes", "√", "✓", "✔", "1", " 是 ")),
        *((w, False) for w in ("否", "false", "no", "×", "✗", "0")),
    ],
)
def test_yes_or_no_as_tables_write_it(written: str, meant: bool) -> None:
    """The words a table's cell gives a yes-or-no fact."""
    from perfrules._inputs.facts import yes_or_no

    assert meant is yes_or_no(written)
    assert yes_or_no("也许") is None


SEED_FACTS_TEXT = (ROOT / "examples" / "huangpu-fic-2022.yaml").read_text(encoding="utf-8")


def _offset(text: str, location: perfrules.Location) -> int:
    """The character offset of *location* (line and column) in *text*."""
    assert location.line is not None and location.column is not None
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: location.line - 1]) + location.column - 1 - len("year: ")
