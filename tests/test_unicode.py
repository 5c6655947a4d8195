"""The Unicode policy: invisible and control characters refused everywhere, IME forms folded in expressions,
free text kept as written, and nothing echoed raw."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import perfrules
from perfrules._cli import main
from perfrules._rules.expression import Expression
from perfrules.exceptions import ExpressionError, FactsError, PerfrulesError, SpecError

from .conftest import SEED_FACTS, SEED_SPEC

SPEC = """\
spec: 1
id: test/unicode
version: "1"
name: 部门（单位）整体支出绩效自评表
facts:
  x: {type: number}
  kind: {type: text, values: ["部门（单位）", "其他"]}
indicators:
  - {id: a, name: 部门（单位）预算, weight: 10, explanation: 反映部门（单位）的“三公”经费。, expression: "EXPRESSION"}
grades: [{min: 0, label: 差}]
"""

REFUSED = {
    "\x00": "U+0000",
    "\x1b": "U+001B",
    "\x85": "U+0085",
    "\u200b": "U+200B ZERO WIDTH SPACE",
    "\u200d": "U+200D ZERO WIDTH JOINER",
    "\u202e": "U+202E RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "U+2066 LEFT-TO-RIGHT ISOLATE",
    "\u2028": "U+2028 LINE SEPARATOR",
    "\ufeff": "U+FEFF ZERO WIDTH NO-BREAK SPACE",
    "\u00ad": "U+00AD SOFT HYPHEN",
    "\U000e0041": "U+E0041 TAG LATIN CAPITAL LETTER A",
    "\u3164": "U+3164 HANGUL FILLER",
}


def spec(expression: str = "weight * clamp(x, 0, 1)") -> str:
    return SPEC.replace("EXPRESSION", expression)


def raised(error: PerfrulesError) -> str:
    """Everything an error says, as one text."""
    return "\n".join([str(error), *(str(problem) for problem in error.problems)])


class TestRefused:
    @pytest.mark.parametrize("character", sorted(REFUSED))
    def test_in_a_spec(self, character: str) -> None:
        """Anywhere in a spec's text, named by its code point at its line and column, never shown raw."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(spec().replace("部门（单位）预算", f"部门{character}预算"))
        said = raised(info.value)
        assert REFUSED[character] in said and "<text>:9:21: error: " in said and "(refused-character)" in said
        assert character not in said

    @pytest.mark.parametrize("escape", ["\\u202e", "\\x1b", "\\0", "\\u200b"])
    def test_written_as_an_escape(self, escape: str) -> None:
        """A YAML or JSON escape that makes a refused character is refused alike."""
        with pytest.raises(FactsError, match=r"U\+[0-9A-F]{4}") as info:
            perfrules.load_facts(f'subject: "单位{escape}名称"\nfacts: {{x: 1}}\n')
        assert ["refused-character"] == [p.code for p in info.value.problems]

    def test_in_a_mapping(self) -> None:
        """Facts given as a mapping follow the same policy."""
        with pytest.raises(FactsError, match="U\\+202E RIGHT-TO-LEFT OVERRIDE") as info:
            perfrules.load_facts({"subject": "甲\u202e乙", "facts": {"x": "1"}})
        assert ["refused-character"] == [p.code for p in info.value.problems]

    def test_in_a_review(self, tmp_path: Path) -> None:
        """A review file too."""
        path = tmp_path / "review.yaml"
        path.write_text("reviewer: 财政局\u200b\nindicators: {}\n", encoding="utf-8")
        with pytest.raises(perfrules.exceptions.ReviewError, match="U\\+200B") as info:
            perfrules.load_review(path)
        assert ["refused-character"] == [p.code for p in info.value.problems]

    def test_in_a_workbook(self, tmp_path: Path, seed: perfrules.Evaluation) -> None:
        """A workbook cell: the error names the sheet and cell."""
        book = openpyxl.load_workbook(io.BytesIO(perfrules.render(seed, "xlsx")))  # type: ignore[arg-type]
        book["自评表"]["I11"] = "受疫情影响\u202e未达标"
        path = tmp_path / "form.xlsx"
        book.save(path)
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(seed.spec, path)
        [problem] = info.value.problems
        assert ("refused-character", "自评表!I11") == (problem.code, str(problem.location).rpartition(":")[2])
        assert "U+202E" in problem.message

    def test_command_line_never_echoes(self, tmp_path: Path) -> None:
        """The CLI reports the code point and exits 1; the character never reaches the terminal."""
        path = tmp_path / "facts.yaml"
        path.write_text(SEED_FACTS.read_text(encoding="utf-8").replace("subject: ", "subject: \x1b[31m"), "utf-8")
        result = CliRunner().invoke(main, ["score", str(SEED_SPEC), str(path)])
        assert 1 == result.exit_code and "U+001B" in result.output and "\x1b" not in result.output

    def test_file_names_are_escaped(self, tmp_path: Path) -> None:
        """A file whose name holds control characters is named with escapes, in text and in JSON."""
        path = tmp_path / "单位\x1b[31m\u202e.yaml"
        path.write_text("facts: {zz: 1}\n", encoding="utf-8")
        for output_format in ("table", "json"):
            result = CliRunner().invoke(main, ["score", "--format", output_format, str(SEED_SPEC), str(path)])
            assert 1 == result.exit_code and "单位\\x1b[31m\\u202e.yaml" in result.output.replace("\\\\", "\\")
            assert "\x1b" not in result.output and "\u202e" not in result.output

    def test_tab_and_line_breaks_are_text(self) -> None:
        """Tab, line feed and carriage return are ordinary."""
        facts = perfrules.load_facts('subject: "甲\\t乙"\nachievements: |\n  一\r\n  二\nfacts: {x: 1}\n')
        assert "甲\t乙" == facts.subject


class TestFreeText:
    def test_kept_as_written(self) -> None:
        """Full-width brackets and quotes in names, explanations and text facts stay exactly as typed."""
        evaluation = perfrules.evaluate(
            spec("weight if kind == '部门（单位）' else 0"), {"facts": {"x": "1", "kind": "部门（单位）"}}
        )
        result = evaluation["a"]
        assert ("部门（单位）预算", "反映部门（单位）的“三公”经费。", Decimal(10)) == (
            result.name,
            result.explanation,
            result.score,
        )
        assert "部门（单位）整体支出绩效自评表" == evaluation.spec.name


class TestExpressions:
    @pytest.mark.parametrize(
        ("typed", "value"),
        [
            ("ｗｅｉｇｈｔ　＊　ｃｌａｍｐ（ｘ，　０，　１）", Decimal(10)),
            ("weight × clamp(x ÷ ２, 0, 1)", Decimal(5)),
            ("１０ if x ≥ １ else 0", Decimal(10)),
            ("10 if x ≤ 0.5 else 3", Decimal(3)),
            ("10 if x ≠ 1 else 4", Decimal(4)),
        ],
    )
    def test_ime_forms_are_folded(self, typed: str, value: Decimal) -> None:
        """Full-width letters, digits, operators and brackets, the ideographic space, × ÷ ≥ ≤ ≠ read as ASCII."""
        assert value == perfrules.evaluate(spec(typed), {"facts": {"x": "1", "kind": "其他"}})["a"].score

    @pytest.mark.parametrize("typed", ["x × 10⁴", "x²", "①⓪ * x"])
    def test_only_ime_forms_are_folded(self, typed: str) -> None:
        """Superscripts and circled digits are not silently read as digits: the parser refuses them."""
        with pytest.raises(ExpressionError):
            Expression.parse(typed)

    def test_escaped_quotes_keep_their_text(self) -> None:
        """Text with an escaped quote inside is kept whole, never folded: 'Ａ' stays 'Ａ'."""
        expression = Expression.parse("""1 if kind == '甲\\'乙"Ａ' else 0""")
        assert Decimal(1) == expression.evaluate({"kind": """甲'乙"Ａ"""}, {})

    def test_quoted_text_is_not_folded(self) -> None:
        """Inside quotes nothing is folded: "部门（单位）" is compared as written."""
        expression = Expression.parse('1 if kind == "部门（单位）" else 0')
        assert Decimal(1) == expression.evaluate({"kind": "部门（单位）"}, {})
        assert '"部门（单位）"' in expression.source

    @pytest.mark.parametrize(
        ("typed", "words"), [("IF(x > 1, 10, 0)", "not IF(condition, a, b)"), ("AND(x, 1)", "'x and y'")]
    )
    def test_spreadsheet_functions_are_explained(self, typed: str, words: str) -> None:
        """A spreadsheet function is an unknown function with the way to write it."""
        with pytest.raises(SpecError, match=re.escape(words)) as info:
            perfrules.load_spec(spec(typed))
        assert ["unknown-function"] == [p.code for p in info.value.problems]

    def test_chinese_quotes_are_explained(self) -> None:
        """Curly quotes typed by an IME are a syntax error naming the character."""
        with pytest.raises(ExpressionError, match="U\\+201C"):
            Expression.parse("1 if kind == “其他” else 0")


class TestIdsAndNumbers:
    def test_full_width_id_names_the_code_point(self) -> None:
        """An id typed in full-width digits is refused, naming the character."""
        with pytest.raises(SpecError, match="U\\+FF11 FULLWIDTH DIGIT ONE") as info:
            perfrules.load_spec(spec().replace("id: a,", "id: １,"))
        assert ["bad-id"] == [p.code for p in info.value.problems]

    def test_missing_fact_names_its_readers(self) -> None:
        """A missing fact is named with the indicators that read it."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(spec(), {"facts": {"kind": "其他"}})
        assert "fact 'x' is missing; a read it" in raised(info.value)
        assert ["missing-fact"] == [p.code for p in info.value.problems]

    def test_long_values_are_cut(self) -> None:
        """A huge value in a message is cut short, never repeated whole."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(spec(), {"facts": {"x": "1", "kind": "长" * 100_000}})
        assert len(raised(info.value)) < 1_000
        assert ["fact-value"] == [p.code for p in info.value.problems]

    def test_full_width_fact_name_is_the_fact(self) -> None:
        """A fact name typed in full-width letters is matched in NFKC, as rules read names: 'ｘ' is the fact 'x'."""
        typed = perfrules.evaluate(spec(), {"facts": {"ｘ": "1", "kind": "其他"}})
        assert perfrules.evaluate(spec(), {"facts": {"x": "1", "kind": "其他"}}).total == typed.total

    def test_full_width_fact_name_unlike_any_gets_the_nearest(self) -> None:
        """A full-width name that is no declared fact is suggested the nearest, in ASCII."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(spec(), {"facts": {"x": "1", "ｋｉｎｄｓ": "其他"}})
        assert "fact 'ｋｉｎｄｓ' is not declared by the spec (did you mean 'kind'?)" in raised(info.value)
        assert ["missing-fact", "unknown-fact"] == [p.code for p in info.value.problems]

    @pytest.mark.parametrize(
        ("typed", "words"),
        [
            ("1,288.38", "write 1288.38, without thousands separators"),
            ("１２８８.３８", "write 1288.38 in ASCII digits"),
            ("99.7%", "write the number the rule expects"),
            ("20万元", "write the number alone"),
        ],
    )
    def test_number_text_gets_the_fix(self, typed: str, words: str) -> None:
        """A number written as text another way is an error that says how to write it."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(spec(), {"facts": {"x": typed, "kind": "其他"}})
        assert words in raised(info.value)
        assert ["fact-type"] == [p.code for p in info.value.problems]
