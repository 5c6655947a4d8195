"""The form this project started from, scored exactly as published."""

from __future__ import annotations

import json
from decimal import Decimal

import perfrules

from .conftest import SEED_FACTS, SEED_SPEC


class TestSeedForm:
    def test_twenty_six_leaves(self, seed_spec: perfrules.Spec) -> None:
        """The spec has the form's 26 leaves under two level-1 blocks of 50."""
        leaves = [i for i in seed_spec.walk() if i.is_leaf]
        assert 26 == len(leaves)
        assert [Decimal(50), Decimal(50)] == [i.weight for i in seed_spec.indicators]
        assert ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"] == [c.id for c in seed_spec.indicator("2").children]

    def test_total_and_grade(self, seed: perfrules.Evaluation) -> None:
        """The form totals 95.91, grade 优, exactly as published."""
        assert Decimal("95.91") == seed.total
        assert "95.91" == str(seed.total)
        assert "优" == seed.grade.label

    def test_block_scores(self, seed: perfrules.Evaluation) -> None:
        """履职效能 scores 45.91 and 管理效率 the full 50."""
        assert Decimal("45.91") == seed["1"].score
        assert Decimal("50.00") == seed["2"].score
        assert Decimal("16") == seed["1.1.2"].score
        assert Decimal("4") == seed["1.1.2"].lost

    def test_claim_and_computed_kept_side_by_side(self, seed: perfrules.Evaluation) -> None:
        """1.1.3 reports the claimed 9.91 and keeps the computed 9.97 beside it, with a warning."""
        result = seed["1.1.3"]
        assert (Decimal("9.91"), Decimal("9.91"), Decimal("9.97")) == (result.score, result.claim, result.computed)
        [warning] = [d for d in seed.diagnostics if d.code == "claim-differs"]
        assert "1.1.3" == warning.indicator
        assert "9.97" in warning.message and "9.91" in warning.message
        assert warning.location is not None and warning.location.line is not None

    def test_no_other_warnings(self, seed: perfrules.Evaluation) -> None:
        """The stated total and grade agree with the computed ones."""
        assert ["claim-differs"] == [d.code for d in seed.diagnostics]

    def test_bureau_view_reports_computed_scores(self, seed_spec: perfrules.Spec) -> None:
        """With claims: computed, 1.1.3 scores 9.97 and the total 95.97, and the stated total is flagged."""
        evaluation = perfrules.evaluate(seed_spec, SEED_FACTS, claims="computed")
        assert Decimal("9.97") == evaluation["1.1.3"].score
        assert Decimal("95.97") == evaluation.total
        assert {"claim-differs", "stated-total"} == {d.code for d in evaluation.diagnostics}

    def test_reasons_and_measures_carried(self, seed: perfrules.Evaluation) -> None:
        """Points lost come with the unit's reason and measure."""
        assert seed["1.1.2"].reason is not None and "乡村振兴产业对接成功案例" in seed["1.1.2"].reason
        assert seed["1.1.3"].measure is not None and seed["1.1.3"].measure.startswith("加强预算执行管理")

    def test_loaded_by_id(self, seed_spec: perfrules.Spec) -> None:
        """The shipped spec can be named by id, with or without its version."""
        assert seed_spec == perfrules.load_spec("guangzhou/department-overall")
        assert seed_spec == perfrules.load_spec("guangzhou/department-overall@2022")


class TestSeedJson:
    def test_contract(self, seed: perfrules.Evaluation) -> None:
        """The JSON carries the documented fields, numbers as strings."""
        data = json.loads(perfrules.render(seed, "json"))
        assert 1 == data["schema_version"]
        assert {"id": "guangzhou/department-overall", "version": "2022"} == {
            k: data["spec"][k] for k in ("id", "version")
        }
        assert 64 == len(data["spec"]["sha256"]) and 64 == len(data["facts_sha256"])
        assert ("95.91", "优") == (data["total"], data["grade"])
        assert {"total": "95.91", "grade": "优"} == data["stated"]
        assert data["perfrules"] == perfrules.__version__

    def test_indicator_numbers(self, seed: perfrules.Evaluation) -> None:
        """Scores print with exactly two decimals, weights as written, absent values as null."""
        data = json.loads(perfrules.render(seed, "json"))
        by_id = {}
        stack = list(data["indicators"])
        while stack:
            node = stack.pop()
            by_id[node["id"]] = node
            stack.extend(node["children"])
        assert ("20", "20.00") == (by_id["1.1.1"]["weight"], by_id["1.1.1"]["score"])
        assert ("0.5", "0.50") == (by_id["2.5.1"]["weight"], by_id["2.5.1"]["score"])
        assert ("9.91", "9.97", "9.91") == (
            by_id["1.1.3"]["score"],
            by_id["1.1.3"]["computed"],
            by_id["1.1.3"]["claim"],
        )
        assert by_id["1"]["kind"] is None and by_id["1.1.1"]["computed"] is None
        assert 26 == sum(1 for node in by_id.values() if not node["children"])

    def test_diagnostic_shape(self, seed: perfrules.Evaluation) -> None:
        """Diagnostics have level, code, indicator, message (in English and Chinese) and a location."""
        [diagnostic] = json.loads(perfrules.render(seed, "json"))["diagnostics"]
        assert {"level", "code", "indicator", "message", "message_zh", "location"} == set(diagnostic)
        assert {"file", "line", "column", "sheet"} == set(diagnostic["location"])
        assert str(SEED_FACTS) == diagnostic["location"]["file"]


class TestSeedTable:
    def test_table_shows_the_form(self, seed: perfrules.Evaluation) -> None:
        """The table names the unit, shows 95.91 and ticks 优."""
        text = perfrules.render(seed, "table")
        assert "广州市黄埔区工商业联合会" in text
        assert "95.91" in text
        assert "☑优" in text and "☐良" in text
        assert "（原表缺名称）" in text

    def test_spec_file_is_the_one_in_the_repository(self) -> None:
        """The example spec the README runs is the shipped one."""
        assert SEED_SPEC.is_file() and SEED_FACTS.is_file()
