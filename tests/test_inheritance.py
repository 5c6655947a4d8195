"""Spec inheritance: extends + overrides, re-validated, with errors in the overriding file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import perfrules
import perfrules.testing
from perfrules.exceptions import SpecError

from .conftest import SEED_FACTS, SEED_SPEC

D = Decimal


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def extending(folder: Path, overrides: str, *, head: str = "") -> Path:
    return write(
        folder,
        "child.yaml",
        f"spec: 1\nid: test/child\nversion: '1'\nextends: guangzhou/department-overall@2022\n{head}overrides:\n{overrides}",
    )


def problems(path: Path) -> list[perfrules.Diagnostic]:
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(path)
    return list(info.value.problems)


class TestOverrides:
    def test_rename_and_reword(self, tmp_path: Path) -> None:
        """Renaming keeps everything else, the rule included."""
        spec = perfrules.load_spec(extending(tmp_path, '  "2.5.2": {name: 采购需求管理}\n'))
        assert "采购需求管理" == spec.indicator("2.5.2").name
        assert "self_assessed" == spec.indicator("2.5.2").kind
        assert ("test/child", "1") == (spec.id, spec.version)
        assert spec.name == perfrules.load_spec(SEED_SPEC).name

    def test_replace_the_rule(self, tmp_path: Path) -> None:
        """A new kind replaces the old rule whole; its parameters are checked."""
        overrides = '  "1.1.3": {kind: ratio, actual: executed, target: budget_full_year}\n'
        spec = perfrules.load_spec(extending(tmp_path, overrides))
        leaf = spec.indicator("1.1.3")
        assert "ratio" == leaf.kind and "expression" not in leaf.parameters
        assert D("9.97") == perfrules.evaluate(spec, SEED_FACTS)["1.1.3"].computed

    def test_reweight_is_revalidated_at_the_overriding_line(self, tmp_path: Path) -> None:
        """Reweighting one child breaks its parent's sum: the error points at the override."""
        path = extending(tmp_path, '  "2.7.1": {weight: 3}\n')
        [problem] = problems(path)
        assert ("weight-sum", "2.7") == (problem.code, problem.indicator)
        assert problem.location is not None and (str(path), 6) == (problem.location.file, problem.location.line)

    def test_reweight_consistently(self, tmp_path: Path) -> None:
        """Moving a point between siblings keeps every sum: the form still totals 100."""
        spec = perfrules.load_spec(extending(tmp_path, '  "2.7.1": {weight: 3}\n  "2.7.2": {weight: 1}\n'))
        assert D(100) == spec.full_marks and D(3) == spec.indicator("2.7.1").weight

    def test_add_and_remove(self, tmp_path: Path) -> None:
        """A leaf can be removed and another added under the same parent, keeping the sum."""
        overrides = (
            '  "2.6.6": {remove: true}\n'
            '  "2.6.7": {parent: "2.6", name: 资产信息化管理, weight: 2, kind: self_assessed}\n'
        )
        spec = perfrules.load_spec(extending(tmp_path, overrides))
        assert ["2.6.1", "2.6.2", "2.6.3", "2.6.4", "2.6.5", "2.6.7"] == [c.id for c in spec.indicator("2.6").children]
        with pytest.raises(KeyError):
            spec.indicator("2.6.6")

    def test_facts_merge_by_name(self, tmp_path: Path) -> None:
        """An extending spec's facts are added to the base's."""
        spec = perfrules.load_spec(extending(tmp_path, "  {}\n", head="facts: {carried: {type: number, min: 0}}\n"))
        assert ["budget_full_year", "executed", "carried"] == list(spec.facts)

    def test_unknown_id_suggests(self, tmp_path: Path) -> None:
        """Overriding an id that does not exist says so at the override, with a suggestion."""
        path = extending(tmp_path, '  "2.6.60": {weight: 2}\n')
        [problem] = problems(path)
        assert "unknown-indicator" == problem.code and "did you mean '2.6.6'" in problem.message
        assert problem.location is not None and str(path) == problem.location.file and 6 == problem.location.line

    @pytest.mark.parametrize(
        ("overrides", "code"),
        [
            ('  "2.6.6": {remove: yes}\n', "bad-value"),
            ('  "2.6.6": {remove: true, weight: 1}\n', "bad-value"),
            ('  "2.6.6": {children: []}\n', "bad-value"),
            ('  "2.6.9": {parent: "2.6.1", name: x, weight: 0, kind: self_assessed}\n', "bad-value"),
            ('  "2.6.9": {parent: "9", name: x, weight: 0, kind: self_assessed}\n', "unknown-indicator"),
            ('  "2.6.6": 3\n', "bad-value"),
        ],
    )
    def test_malformed_overrides(self, tmp_path: Path, overrides: str, code: str) -> None:
        """Malformed overrides are located errors in the overriding file."""
        path = extending(tmp_path, overrides)
        found = problems(path)
        assert code in [p.code for p in found]
        assert all(p.location is not None and p.location.file == str(path) for p in found)

    def test_unknown_key_in_an_override(self, tmp_path: Path) -> None:
        """A misspelt key in an override is reported at its line in the overriding file."""
        path = extending(tmp_path, '  "2.6.6": {wieght: 2}\n')
        found = problems(path)
        assert "unknown-key" in [p.code for p in found]
        problem = next(p for p in found if p.code == "unknown-key")
        assert problem.location is not None and str(path) == problem.location.file


class TestExtends:
    def test_by_relative_path_and_chain(self, tmp_path: Path) -> None:
        """extends may name a file beside the spec; a chain records every base."""
        base = write(tmp_path, "base.yaml", SEED_SPEC.read_text(encoding="utf-8"))
        middle = write(tmp_path, "middle.yaml", "spec: 1\nid: t/m\nversion: '1'\nextends: base.yaml\noverrides: {}\n")
        top = write(
            tmp_path,
            "top.yaml",
            "spec: 1\nid: t/t\nversion: '1'\nextends: middle.yaml\noverrides:\n  '2.5.2': {name: 甲}\n",
        )
        spec = perfrules.load_spec(top)
        assert (str(middle), str(base)) == spec.bases
        result = perfrules.evaluate(spec, SEED_FACTS)
        data = json.loads(perfrules.render(result, "json"))
        assert [str(middle), str(base)] == data["provenance"]["base_files"]
        assert D("95.91") == result.total

    def test_missing_base(self, tmp_path: Path) -> None:
        """A base that cannot be found is a located error."""
        path = write(tmp_path, "c.yaml", "spec: 1\nid: t/c\nversion: '1'\nextends: nowhere.yaml\n")
        [problem] = problems(path)
        assert ("extends-missing", 4) == (problem.code, problem.location.line if problem.location else None)

    @pytest.mark.parametrize("reference", ["../secret.yaml", "/etc/passwd.json", "sub/../../secret.yaml", "link.yaml"])
    def test_base_outside_the_folder(self, tmp_path: Path, reference: str) -> None:
        """A base path may not leave the spec's folder, even through a link: the file is never read."""
        (tmp_path / "secret.yaml").write_text("api_token: x\n", encoding="utf-8")
        folder = tmp_path / "specs"
        (folder / "sub").mkdir(parents=True)
        (folder / "link.yaml").symlink_to(tmp_path / "secret.yaml")
        path = write(folder, "c.yaml", f"spec: 1\nid: t/c\nversion: '1'\nextends: {reference}\n")
        [problem] = problems(path)
        assert ("extends-outside", 4) == (problem.code, problem.location.line if problem.location else None)
        assert "api_token" not in problem.message

    def test_cycle(self, tmp_path: Path) -> None:
        """Specs extending each other are refused, naming the chain."""
        write(tmp_path, "a.yaml", "spec: 1\nid: t/a\nversion: '1'\nextends: b.yaml\n")
        b = write(tmp_path, "b.yaml", "spec: 1\nid: t/b\nversion: '1'\nextends: a.yaml\n")
        assert "extends-cycle" in [p.code for p in problems(b)]

    def test_own_id_and_no_indicators(self, tmp_path: Path) -> None:
        """An extending spec has its own id and changes indicators only through overrides."""
        path = write(tmp_path, "c.yaml", "spec: 1\nextends: guangzhou/department-overall\nindicators: []\n")
        assert {"missing-key", "bad-value"} == {p.code for p in problems(path)}


def test_a_parameter_alone_can_change(tmp_path: Path) -> None:
    """Without a new kind, an override changes just the parameters it names."""
    path = write(
        tmp_path,
        "c.yaml",
        "spec: 1\nid: t/c\nversion: '1'\nextends: hunan/department-worked@2018\noverrides:\n"
        "  '2.1.1': {reading: pro_rata}\n",
    )
    facts = Path(__file__).resolve().parents[1] / "examples" / "hunan-worked-2018.yaml"
    assert D("7.71") == perfrules.evaluate(path, facts)["2.1.1"].score


class TestReviewedEdges:
    def test_parent_must_be_an_id(self, tmp_path: Path) -> None:
        """A parent that is not text is a located error, not a crash."""
        found = problems(extending(tmp_path, '  "2.6.9": {parent: ["2.6"], name: x, weight: 0, kind: self_assessed}\n'))
        assert ["bad-value"] == [p.code for p in found]

    def test_new_rule_keeps_the_not_applicable_policy(self, tmp_path: Path) -> None:
        """Replacing a rule keeps the indicator's other keys, its not_applicable policy included."""
        base = write(
            tmp_path,
            "base.yaml",
            SEED_SPEC.read_text(encoding="utf-8").replace(
                '            kind: self_assessed\n          - id: "2.2.2"',
                '            kind: self_assessed\n            not_applicable: exclude\n          - id: "2.2.2"',
            ),
        )
        path = write(
            tmp_path,
            "c.yaml",
            "spec: 1\nid: t/c\nversion: '1'\nextends: base.yaml\n"
            "overrides:\n  '2.2.1': {kind: ratio, actual: executed, target: budget_full_year}\n",
        )
        assert "exclude" == perfrules.load_spec(base).indicator("2.2.1").not_applicable
        replaced = perfrules.load_spec(path).indicator("2.2.1")
        assert ("ratio", "exclude") == (replaced.kind, replaced.not_applicable)

    def test_adding_under_a_removed_node(self, tmp_path: Path) -> None:
        """Adding under a node and then removing it is refused, whatever the order."""
        overrides = '  "2.6.7": {parent: "2.6", name: x, weight: 0, kind: self_assessed}\n  "2.6": {remove: true}\n'
        assert "bad-value" in [p.code for p in problems(extending(tmp_path, overrides))]

    def test_overrides_need_extends(self, tmp_path: Path) -> None:
        """overrides in a spec that extends nothing are an error, not ignored."""
        path = write(tmp_path, "s.yaml", SEED_SPEC.read_text(encoding="utf-8") + "overrides: {'1': {weight: 9}}\n")
        assert ["bad-value"] == [p.code for p in problems(path)]

    def test_ids_cannot_be_changed(self, tmp_path: Path) -> None:
        """An override cannot change an existing indicator's id."""
        assert ["bad-value"] == [p.code for p in problems(extending(tmp_path, '  "2.6.6": {id: "2.6.9"}\n'))]

    def test_text_specs_chain_through_registered_texts(self) -> None:
        """Text specs extending registered text specs are not mistaken for a cycle."""
        base = SEED_SPEC.read_text(encoding="utf-8")
        middle = "spec: 1\nid: t/m\nversion: '1'\nextends: t/base@1\noverrides: {'2.5.2': {name: 中}}\n"
        region = perfrules.testing.registry(
            _Specs(
                {
                    "t/base@1": base.replace("id: guangzhou/department-overall", "id: t/base").replace(
                        'version: "2022"', "version: '1'"
                    ),
                    "t/m@1": middle,
                }
            )
        )
        top = "spec: 1\nid: t/t\nversion: '1'\nextends: t/m@1\noverrides: {'2.5.2': {name: 上}}\n"
        assert "上" == perfrules.load_spec(top, registry=region).indicator("2.5.2").name

    def test_operand_names_are_checked_at_the_parameter(self, tmp_path: Path) -> None:
        """An unknown name in a catalogue operand is reported at that parameter's line."""
        path = extending(tmp_path, '  "1.1.3": {kind: ratio, actual: executd, target: budget_full_year}\n')
        [problem] = problems(path)
        assert ("unknown-name", 6) == (problem.code, problem.location.line if problem.location else None)
        assert "did you mean 'executed'" in problem.message


class _Specs:
    """A plugin registering specs from texts."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts

    @perfrules.hookimpl
    def perfrules_register_specs(self, register: object) -> None:
        for name, text in self.texts.items():
            register(name, text)  # type: ignore[operator]
