"""Loading specs: every problem at once, each with its line, column and indicator."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import perfrules
from perfrules.exceptions import SourceNotFoundError, SpecError

DATA = Path(__file__).parent / "data"

HEAD = """\
spec: 1
id: test/spec
version: "1"
name: 测试
facts:
  done: {type: number, min: 0, max: 100}
  due: {type: number, min: 0}
"""


def problems(text: str) -> list[perfrules.Diagnostic]:
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(text)
    return list(info.value.problems)


def codes(text: str) -> list[str]:
    return [p.code for p in problems(text)]


def leaf(extra: str = "kind: self_assessed", weight: str = "10", ident: str = '"1"') -> str:
    return f"indicators:\n  - id: {ident}\n    name: 甲\n    weight: {weight}\n    {extra}\ngrades: [{{min: 0, label: 差}}]\n"


class TestPlantedMistakes:
    def test_three_mistakes_all_reported(self) -> None:
        """Three planted mistakes come back together, in file order, with lines and ids."""
        found = problems(str(DATA / "three-mistakes.yaml"))
        assert [("weight-sum", 13, "1"), ("unknown-key", 22, "1.2"), ("unknown-name", 27, "1.3")] == [
            (p.code, p.location.line if p.location else None, p.indicator) for p in found
        ]
        assert "weigh 12 in all, not its weight 10" in found[0].message
        assert "(did you mean 'explanation'?)" in found[1].message
        assert "(did you mean 'done'?)" in found[2].message

    def test_many_mistakes_in_one_pass(self) -> None:
        """Unrelated mistakes across the document are all reported in one error."""
        text = HEAD.replace("spec: 1", "spec: 1\nprecison: 2") + (
            "indicators:\n"
            "  - {id: a, name: 甲, weight: -1, kind: self_assessed}\n"
            "  - {id: a, name: 乙, weight: 1.234, kind: self_assesed}\n"
            "  - {id: 1.5, name: 丙, weight: 1, expression: 'done / duee'}\n"
            "  - {id: d, name: 丁, weight: 1, expression: 'sqrt(done)'}\n"
            "grades: [{min: 0, label: 差}, {min: 1, label: 优}]\n"
        )
        assert {
            "unknown-key",
            "weight-negative",
            "duplicate-id",
            "weight-decimals",
            "unknown-kind",
            "bad-id",
            "unknown-name",
            "unknown-function",
            "grades-order",
            "grades-floor",
        } == set(codes(text))

    def test_every_problem_has_a_location(self) -> None:
        """Each problem names the file, line and column."""
        for problem in problems(HEAD + leaf(weight="-1") + "extra: 1\n"):
            assert problem.location is not None
            assert (problem.location.line, problem.location.column) != (None, None)


class TestIds:
    def test_unquoted_number_id_hints_to_quote(self) -> None:
        """`id: 1.1` is a number in YAML: the error says to quote it."""
        [problem] = problems(HEAD + leaf(ident="1.1"))
        assert "bad-id" == problem.code
        assert 'quote it: id: "1.1"' in problem.message

    @pytest.mark.parametrize("ident", ['"a b"', '"../x"', '"-a"', '""', '"' + "x" * 65 + '"'])
    def test_bad_ids(self, ident: str) -> None:
        """Ids are 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."""
        assert ["bad-id"] == codes(HEAD + leaf(ident=ident))

    def test_duplicate_id_points_at_the_first(self) -> None:
        """A repeated id is reported at the repeat, naming the first one's line."""
        text = HEAD + (
            "indicators:\n"
            "  - {id: a, name: 甲, weight: 1, kind: self_assessed}\n"
            "  - {id: a, name: 乙, weight: 1, kind: self_assessed}\n"
            "grades: [{min: 0, label: 差}]\n"
        )
        [problem] = problems(text)
        assert ("duplicate-id", 10) == (problem.code, problem.location.line if problem.location else None)
        assert "line 9" in problem.message


class TestWeights:
    def test_children_must_sum(self) -> None:
        """A parent whose children do not sum is reported with its id and both sums."""
        text = HEAD + (
            "indicators:\n"
            "  - id: p\n    name: 父\n    weight: 10\n    children:\n"
            "      - {id: c1, name: 子1, weight: 4.5, kind: self_assessed}\n"
            "      - {id: c2, name: 子2, weight: 5, kind: self_assessed}\n"
            "grades: [{min: 0, label: 差}]\n"
        )
        [problem] = problems(text)
        assert ("weight-sum", "p") == (problem.code, problem.indicator)
        assert "9.5" in problem.message and "10" in problem.message

    def test_top_level_must_sum_to_total(self) -> None:
        """The top level must sum to `total` when it is given."""
        assert ["total-sum"] == codes(HEAD + "total: 100\n" + leaf())

    def test_more_decimals_than_precision(self) -> None:
        """A weight may not have more decimals than the precision."""
        assert ["weight-decimals"] == codes(HEAD + "precision: 1\n" + leaf(weight="0.25"))

    @pytest.mark.parametrize("weight", ["true", "heavy", ".nan", "[1]"])
    def test_weight_must_be_a_number(self, weight: str) -> None:
        """Booleans, text, NaN and lists are not weights."""
        found = codes(HEAD + leaf(weight=weight))
        assert found in (["bad-number"], ["unreadable"])


class TestKinds:
    def test_leaf_without_kind(self) -> None:
        """A leaf needs a kind or an expression."""
        assert ["missing-kind"] == codes(HEAD + leaf(extra="note: 无"))

    def test_unknown_kind_suggests(self) -> None:
        """A misspelt kind suggests the right one."""
        [problem] = problems(HEAD + leaf(extra="kind: selfassessed"))
        assert "(did you mean 'self_assessed'?)" in problem.message

    def test_parent_with_kind(self) -> None:
        """A parent cannot also have a kind."""
        text = HEAD + (
            "indicators:\n  - id: p\n    name: 父\n    weight: 1\n    kind: self_assessed\n    children:\n"
            "      - {id: c, name: 子, weight: 1, kind: self_assessed}\ngrades: [{min: 0, label: 差}]\n"
        )
        assert ["parent-kind"] == codes(text)

    def test_expression_syntax_error(self) -> None:
        """A syntax error names the expression."""
        [problem] = problems(HEAD + leaf(extra="expression: 'done +'"))
        assert "expression" == problem.code and "'done +'" in problem.message

    def test_wrong_arity(self) -> None:
        """Calling clamp with two arguments is a load-time error."""
        assert ["arity"] == codes(HEAD + leaf(extra="expression: 'clamp(done, 1)'"))


class TestBands:
    def bands(self, *ranges: str, fact: str = "done", score: str = "5") -> str:
        listed = "\n".join(f'      - {{range: "{r}", score: {score}}}' for r in ranges)
        return HEAD + leaf(extra=f"kind: bands\n    input: {fact}\n    bands:\n{listed}")

    def test_covering_bands_load(self) -> None:
        """Bands that cover the input's range exactly once load, in any order."""
        spec = perfrules.load_spec(self.bands("(50, 100]", "[0, 50]"))
        assert spec.indicators[0].rule is not None

    def test_gap(self) -> None:
        """A gap between bands is named."""
        [problem] = problems(self.bands("[0, 50)", "(50, 100]"))
        assert "band-gap" == problem.code and "[50, 50]" in problem.message

    def test_overlap(self) -> None:
        """Overlapping bands are named."""
        [problem] = problems(self.bands("[0, 50]", "[50, 100]"))
        assert "band-overlap" == problem.code

    def test_range_not_covered_up_to_max(self) -> None:
        """Bands must reach the input's declared maximum."""
        [problem] = problems(self.bands("[0, 90]"))
        assert "band-gap" == problem.code and "(90, 100]" in problem.message

    def test_unbounded_input_needs_infinite_band(self) -> None:
        """An input without max needs a band reaching inf."""
        assert ["band-gap"] == codes(self.bands("[0, 10]", fact="due"))
        perfrules.load_spec(self.bands("[0, 10]", "(10, inf)", fact="due"))

    def test_score_above_weight(self) -> None:
        """A band score above the weight is refused."""
        assert ["band-score", "band-score"] == codes(self.bands("[0, 50]", "(50, 100]", score="11"))

    @pytest.mark.parametrize("text", ["0, 1", "[1, 0]", "[0, inf]", "(0, 0]", "[a, 1]"])
    def test_bad_interval(self, text: str) -> None:
        """Malformed, empty or closed-at-infinity intervals are refused."""
        assert ["band-range"] == codes(self.bands(text))

    def test_input_must_be_declared(self) -> None:
        """The input must be a declared number fact."""
        [problem] = problems(self.bands("[0, 100]", fact="dne"))
        assert "unknown-name" == problem.code and "(did you mean 'done'?)" in problem.message


class TestGrades:
    def test_default_scale_needs_total_of_ninety(self) -> None:
        """A small spec without grades gets one message telling it to declare them."""
        text = HEAD + leaf().replace("grades: [{min: 0, label: 差}]\n", "")
        [problem] = problems(text)
        assert "grades-unreachable" == problem.code and "declare 'grades:'" in problem.message

    def test_named_scale(self) -> None:
        """`grades: default` names the registered 优/良/中/差 scale."""
        text = HEAD + leaf(weight="100").replace("grades: [{min: 0, label: 差}]", "grades: default")
        assert ["优", "良", "中", "差"] == [b.label for b in perfrules.load_spec(text).grades.bands]

    def test_unknown_scale(self) -> None:
        """An unknown scale name is an error."""
        assert ["unknown-scale"] == codes(HEAD + leaf().replace("grades: [{min: 0, label: 差}]", "grades: defualt"))


class TestYamlSafety:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("a: &x 1\nb: *x\n", "anchors and aliases"),
            ("a: !!python/object:os.system 1\n", "tags"),
            ("a: 1\n---\nb: 2\n", "single document"),
            ("a: 1\na: 2\n", "duplicate key"),
            ("a: [1,\nb: 2\n", "expected"),
            ("\n\n", "empty"),
        ],
    )
    def test_refused(self, text: str, words: str) -> None:
        """Aliases, tags, several documents, duplicate keys and broken syntax are clear errors."""
        [problem] = problems(text)
        assert "unreadable" == problem.code and words in problem.message
        assert problem.location is not None and problem.location.line is not None

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A GBK file is refused with the byte offset."""
        path = tmp_path / "gbk.yaml"
        path.write_bytes("name: 测试\n".encode("gbk"))
        [problem] = problems(str(path))
        assert "not UTF-8" in problem.message

    def test_bom_is_fine(self, tmp_path: Path) -> None:
        """A UTF-8 byte-order mark is accepted."""
        path = tmp_path / "bom.yaml"
        path.write_bytes(b"\xef\xbb\xbf" + (HEAD + leaf()).encode())
        assert "test/spec" == perfrules.load_spec(path).id

    def test_size_cap(self, tmp_path: Path) -> None:
        """A file over the size limit is refused before parsing."""
        path = tmp_path / "big.yaml"
        path.write_text("a: " + "x" * (3 * 1024 * 1024))
        assert ["unreadable"] == [p.code for p in problems(str(path))]

    def test_yaml_1_1_booleans_are_text(self) -> None:
        """`no` is text (YAML 1.2), so it cannot sneak in as false."""
        spec = perfrules.load_spec(HEAD + leaf().replace("name: 甲", "name: no"))
        assert "no" == spec.indicators[0].name

    def test_missing_file(self) -> None:
        """A path that does not exist is a SourceNotFoundError."""
        with pytest.raises(SourceNotFoundError):
            perfrules.load_spec("no/such/spec.yaml")


class TestModel:
    def test_values_are_frozen(self, seed_spec: perfrules.Spec) -> None:
        """Specs cannot be changed after loading."""
        with pytest.raises(AttributeError):
            seed_spec.precision = 3  # type: ignore[misc]

    def test_weights_are_decimals(self, seed_spec: perfrules.Spec) -> None:
        """Weights keep their written form as Decimals."""
        assert Decimal("0.5") == seed_spec.indicator("2.5.1").weight
        assert all(isinstance(i.weight, Decimal) for i in seed_spec.walk())

    def test_mapping_source(self) -> None:
        """A mapping loads like its YAML text."""
        spec = perfrules.load_spec(
            {
                "spec": 1,
                "id": "m/x",
                "version": "1",
                "name": "映射",
                "indicators": [{"id": "a", "name": "甲", "weight": 1, "kind": "self_assessed"}],
                "grades": [{"min": 0, "label": "差"}],
            }
        )
        assert "<mapping>" == spec.file
        assert Decimal(1) == spec.full_marks
