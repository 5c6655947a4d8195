"""Odd and hostile input: always a located PerfrulesError, never a crash, a hang or a wrong number."""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import perfrules
from perfrules._cli import main
from perfrules.exceptions import FactsError, PerfrulesError, SourceNotFoundError, SpecError

from .conftest import SEED_FACTS, SEED_SPEC

SPEC = """\
spec: 1
id: test/hostile
version: "1"
name: 测试
facts:
  x: {type: number}
indicators:
  - {id: a, name: 甲, weight: 10, expression: "weight * clamp(x, 0, 1)"}
grades: [{min: 0, label: 差}]
"""


def codes(error: PerfrulesError) -> list[str]:
    return [p.code for p in error.problems]


class TestHugeNumbers:
    @pytest.mark.parametrize("number", ["1e999999999", "1e-999999999", "1" * 45, "1e30"])
    def test_facts_numbers_out_of_range(self, number: str) -> None:
        """A huge or tiny number is refused, never expanded into a giant string."""
        with pytest.raises(FactsError) as info:
            perfrules.evaluate(SPEC, f"facts: {{x: {number}}}\nstated: {{total: 1}}\n")
        assert ["fact-type"] == codes(info.value)
        assert len(str(info.value)) < 1000

    @pytest.mark.parametrize(
        "facts",
        ["facts: {x: 1}\nstated: {total: 1e99999999}\n", "facts: {x: 1}\nassessments: {a: {score: 1e-999999}}\n"],
    )
    def test_stated_and_claims_out_of_range(self, facts: str) -> None:
        """Stated totals and claims are bounded too."""
        with pytest.raises(FactsError) as info:
            perfrules.load_facts(facts)
        assert ["bad-number"] == codes(info.value)

    def test_large_weight_in_range_scores_exactly(self) -> None:
        """A weight of 1e26 is in range, and rounding it to two decimals loses nothing."""
        spec = perfrules.load_spec(SPEC.replace("weight: 10", "weight: 1e26"))
        assert "100000000000000000000000000.00" == str(perfrules.evaluate(spec, {"facts": {"x": "1"}}).total)

    @pytest.mark.parametrize("weight", ["1e30", "1e1000000", "100000000000000000000000000000000"])
    def test_weights_out_of_range(self, weight: str) -> None:
        """Weights beyond the range are refused at load, not crashed on at scoring."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(SPEC.replace("weight: 10", f"weight: {weight}"))
        assert "bad-number" in codes(info.value) or "weight-decimals" in codes(info.value)

    @pytest.mark.parametrize("literal", ["0x64", "0b1", "0o7", "1e999999999"])
    def test_expression_literals(self, literal: str) -> None:
        """Literals are decimal and in range."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(SPEC.replace("clamp(x, 0, 1)", f"min(x / {literal}, 1)"))
        assert ["expression"] == codes(info.value)

    def test_ambient_context_does_not_matter(self) -> None:
        """A caller's decimal context (3 digits, Inexact trapped) changes nothing."""
        with decimal.localcontext() as context:
            context.prec = 3
            context.traps[decimal.Inexact] = True
            evaluation = perfrules.evaluate(SEED_SPEC, SEED_FACTS)
        assert Decimal("95.91") == evaluation.total

    def test_no_negative_zero(self) -> None:
        """A claim of -0.0 and a computed -0 both report 0.00."""
        spec = SPEC.replace("weight * clamp(x, 0, 1)", "weight * clamp(x / -0.3, 0, 1)")
        evaluation = perfrules.evaluate(spec, {"facts": {"x": "0"}})
        assert "0.00" == str(evaluation.total)
        facts = perfrules.load_facts("assessments: {a: {score: -0.0}}\n")
        score = facts.assessments["a"].score
        assert score is not None and score.is_zero() and not score.is_signed()


class TestLongIntegers:
    @pytest.mark.parametrize("literal", ["0x" + "f" * 4400, "0o" + "7" * 200, "9" * 101])
    def test_refused_before_conversion(self, literal: str) -> None:
        """An integer literal of more than 100 digits, hex and octal included, is refused at its line."""
        with pytest.raises(FactsError) as info:
            perfrules.load_facts(f"facts: {{x: {literal}}}\n")
        [problem] = info.value.problems
        assert "unreadable" == problem.code
        assert "too long" in problem.message and problem.location is not None and 1 == problem.location.line


class TestText:
    def test_non_bmp_characters_from_json(self, tmp_path: Path) -> None:
        r"""JSON's "\ud840\udc00" is the one character 𠀀, printed fine."""
        path = tmp_path / "facts.json"
        data = json.loads(json.dumps({"subject": "𠀀单位", "year": 2022}))
        facts = perfrules.load_facts(SEED_FACTS)
        data["facts"] = {k: str(v) for k, v in facts.values.items()}
        data["assessments"] = {k: {"score": str(a.score)} for k, a in facts.assessments.items()}
        path.write_text(json.dumps(data), encoding="ascii")
        result = CliRunner().invoke(main, ["score", str(SEED_SPEC), str(path)])
        assert 0 == result.exit_code
        assert "𠀀单位" in result.stdout

    def test_lone_surrogate_refused(self) -> None:
        r"""An unpaired "\ud840" is not a character."""
        with pytest.raises(FactsError, match="lone surrogate U\\+D840") as info:
            perfrules.load_facts('{"subject": "\\ud840x"}')
        assert ["unreadable"] == codes(info.value)

    def test_markup_in_text_is_printed_as_is(self) -> None:
        """Brackets in a unit's name are text, not terminal markup."""
        evaluation = perfrules.evaluate(SPEC, {"subject": "[/x] [red]红[/red]", "facts": {"x": "1"}})
        assert "[/x] [red]红[/red]" in perfrules.render(evaluation, "table")


class TestYaml:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("%YAML 1.1\n---\nfacts: {x: 0100}\n", "only YAML 1.2"),
            ("%TAG !e! tag:example.com:\n---\nfacts: {}\n", "only YAML 1.2"),
            ("facts: {x: 1}\n<<: {subject: x}\n", "merge keys"),
            ("a: " + "[" * 70 + "]" * 70 + "\n", "deeper than 64"),
        ],
    )
    def test_refused(self, text: str, words: str) -> None:
        """Directives, merge keys and deep nesting are refused while parsing."""
        with pytest.raises(FactsError, match=words) as info:
            perfrules.load_facts(text)
        assert ["unreadable"] == codes(info.value)

    def test_yaml_1_2_directive_is_fine(self) -> None:
        """%YAML 1.2 is what perfrules reads anyway."""
        assert 2022 == perfrules.load_facts("%YAML 1.2\n---\nyear: 2022\n").year


class TestSources:
    def test_one_line_json_is_text(self) -> None:
        """A one-line JSON string is the document, not a path."""
        assert {"x": Decimal(1)} == dict(perfrules.load_facts('{"facts": {"x": 1}}').values)

    def test_name_too_long(self) -> None:
        """A name too long to be a path is not found, not a crash."""
        with pytest.raises(SourceNotFoundError):
            perfrules.load_spec("a" * 300)
        with pytest.raises(SourceNotFoundError):
            perfrules.load_facts("a" * 300)

    def test_unreadable_file(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """A file that cannot be read is a usage error with the reason."""
        path = tmp_path / "spec.yaml"
        path.write_text(SPEC, encoding="utf-8")

        def denied(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(Path, "read_bytes", denied)
        with pytest.raises(SourceNotFoundError, match="Permission denied"):
            perfrules.load_spec(path)

    @pytest.mark.parametrize(
        "mapping",
        [{1: 2}, {"a": 1, 1: 2}, {("a",): 1}, {"facts": {1: {}}}],
    )
    def test_mapping_keys_must_be_text(self, mapping: dict[Any, Any]) -> None:
        """Non-text keys in a mapping are a clear error."""
        with pytest.raises(FactsError, match="is not text") as facts_info:
            perfrules.load_facts(mapping)
        with pytest.raises(SpecError, match="is not text") as spec_info:
            perfrules.load_spec(mapping)
        assert (["unreadable"], ["unreadable"]) == (codes(facts_info.value), codes(spec_info.value))

    def test_cyclic_and_deep_mappings(self) -> None:
        """A mapping that contains itself, or nests thousands deep, is refused."""
        cyclic: dict[str, Any] = {}
        cyclic["facts"] = cyclic
        deep: dict[str, Any] = {}
        node = deep
        for _ in range(3000):
            node["a"] = {}
            node = node["a"]
        for mapping in (cyclic, deep):
            with pytest.raises(FactsError, match="larger than") as info:
                perfrules.load_facts(mapping)
            assert ["unreadable"] == codes(info.value)


class TestSpecShape:
    @pytest.mark.parametrize("version", ["true", "1.0"])
    def test_format_version_is_the_integer_one(self, version: str) -> None:
        """`spec: true` and `spec: 1.0` are not format version 1."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(SPEC.replace("spec: 1", f"spec: {version}"))
        assert ["spec-format"] == codes(info.value)

    def test_called_name_is_not_a_fact(self) -> None:
        """A function name used as a value is an unknown name, not a function object."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(SPEC.replace("weight * clamp(x, 0, 1)", "weight if clamp == 1 else clamp(x, 0, 1)"))
        assert ["unknown-name"] == codes(info.value)

    def test_fact_named_like_a_function(self) -> None:
        """A fact may share a function's name: a call is the function, a name the fact."""
        text = SPEC.replace("  x: {type: number}", "  x: {type: number}\n  abs: {type: number}")
        text = text.replace("weight * clamp(x, 0, 1)", "abs(abs) + x")
        assert Decimal("5.00") == perfrules.evaluate(text, {"facts": {"x": "1", "abs": "-4"}}).total

    def test_too_many_bands(self) -> None:
        """More bands than the limit is a located error."""
        bands = "\n".join(f'      - {{range: "[{i}, {i + 1})", score: 1}}' for i in range(60))
        text = SPEC.replace(
            '  - {id: a, name: 甲, weight: 10, expression: "weight * clamp(x, 0, 1)"}',
            f"  - id: a\n    name: 甲\n    weight: 10\n    kind: bands\n    input: x\n    bands:\n{bands}",
        )
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(text)
        [problem] = info.value.problems
        assert "kind-parameter" == problem.code
        assert problem.location is not None and problem.location.line is not None

    def test_claims_policy_is_checked(self) -> None:
        """An unknown claims policy is refused."""
        with pytest.raises(ValueError, match="claims must be"):
            perfrules.evaluate(SEED_SPEC, SEED_FACTS, claims="bogus")  # type: ignore[arg-type]

    def test_table_shows_the_other_value(self) -> None:
        """With --claims computed, the table shows the claim beside the computed score."""
        text = perfrules.render(perfrules.evaluate(SEED_SPEC, SEED_FACTS, claims="computed"), "table")
        assert "9.97 (自评 9.91)" in text


def test_lone_surrogates_in_mappings() -> None:
    """A mapping holding a lone surrogate, in a key or a value, is refused like a file holding one."""
    for mapping in ({"subject": "单位\ud800"}, {"facts": {"\udc00": 1}}):
        with pytest.raises(FactsError, match="lone surrogate") as info:
            perfrules.load_facts(mapping)
        assert ["unreadable"] == codes(info.value)


def test_many_unknown_names_are_reported_quickly() -> None:
    """Thousands of unknown facts are all reported (suggestions are bounded, so this stays quick)."""
    facts = {"facts": {f"unknown_fact_{i}": i for i in range(2000)}}
    with pytest.raises(FactsError) as info:
        perfrules.evaluate(SPEC, facts)
    assert 2001 == len(info.value.problems)  # 2000 unknown facts and the missing x
    assert ["missing-fact"] + ["unknown-fact"] * 2000 == codes(info.value)


def test_huge_renormalised_weights_stay_within_bounds() -> None:
    """A renormalised leaf never scores above its weight, however long the weights."""
    big = "3561534240651906281108254049"
    text = (
        "spec: 1\nid: t/big\nversion: '1'\nname: 大\nprecision: 0\ngrades: [{min: 0, label: 差}]\n"
        f"indicators:\n  - {{id: a, name: 甲, weight: 3, kind: self_assessed}}\n"
        f"  - {{id: b, name: 乙, weight: {big}, kind: self_assessed, not_applicable: exclude}}\n"
    )
    result = perfrules.evaluate(text, {"assessments": {"a": {"score": 3}, "b": {"score": "/"}}})
    for node in result.walk():
        assert node.score <= node.weight
    assert result.total <= result.spec.full_marks


def test_wrong_python_arguments() -> None:
    """Arguments of the wrong type fail as ValueError or a perfrules error, never AttributeError or TypeError."""
    evaluation = perfrules.evaluate(SPEC, {"facts": {"x": "1"}})
    with pytest.raises(PerfrulesError):
        perfrules.render(evaluation, None)  # type: ignore[arg-type]
    with pytest.raises(PerfrulesError):
        perfrules.load_spec(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Registry"):
        perfrules.evaluate(SPEC, {"facts": {"x": "1"}}, registry="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="loaded Spec"):
        perfrules.dump_spec(None)  # type: ignore[arg-type]
