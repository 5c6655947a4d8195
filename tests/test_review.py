"""The review layer (复核): review files, final scores by the spec's rule, findings, and `perfrules review`."""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules._cli import main
from perfrules.exceptions import FactsError, ReviewError, SpecError

from .conftest import SEED_FACTS, SEED_SPEC
from .strategies import facts_for, spec_documents

D = Decimal


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def spec(**options: Any) -> dict[str, Any]:
    return {
        "spec": 1,
        "id": "test/review",
        "version": "1",
        "name": "复核",
        "total": 20,
        "facts": {
            "done": {"type": "number", "min": 0, "label": "完成数", "optional": True},
            "budget": {"type": "number", "min": 0, "label": "全年预算数", "agrees_with": "budget/总预算"},
        },
        "indicators": [
            {
                "id": "1",
                "name": "产出",
                "weight": 20,
                "children": [
                    {"id": "1.1", "name": "数量", "weight": 10, "kind": "self_assessed"},
                    {"id": "1.2", "name": "完成", "weight": 10, "expression": "weight * min(done / 10, 1)"},
                ],
            }
        ],
        "grades": [{"min": 18, "label": "优"}, {"min": 0, "label": "差"}],
        **options,
    }


def facts(**overrides: Any) -> dict[str, Any]:
    return {
        "budget": {"总预算": 100},
        "facts": {"done": 9, "budget": 100},
        "assessments": {"1.1": {"score": 8, "reason": "进度滞后"}, "1.2": {"score": 9, "reason": "差一项"}},
        **overrides,
    }


def codes(found: tuple[perfrules.Finding, ...]) -> list[tuple[str, str | None]]:
    return [(finding.code, finding.indicator) for finding in found]


REVIEW = {"reviewer": "区财政局", "indicators": {"1.1": {"score": 9, "note": "佐证充分"}, "1.2": {"score": 7}}}


class TestFinalScores:
    @pytest.mark.parametrize(
        ("rule", "scores", "total"),
        [
            ("reviewer", ["9.00", "7.00"], "16.00"),
            ("lower", ["8.00", "7.00"], "15.00"),
            ("self", ["8.00", "9.00"], "17.00"),
        ],
    )
    def test_final_score_rule(self, rule: str, scores: list[str], total: str) -> None:
        """The spec's final_score rule decides: the review score, the lower of the two, or the self score."""
        evaluation = perfrules.evaluate(spec(final_score=rule), facts(), review=REVIEW)
        assert [D(s) for s in scores] == [evaluation["1.1"].score, evaluation["1.2"].score]
        assert D(total) == evaluation.total == evaluation["1"].score
        assert D("17.00") == evaluation.self_total
        assert [D("8.00"), D("9.00")] == [evaluation["1.1"].self_score, evaluation["1.2"].self_score]
        assert [D("9.00"), D("7.00")] == [evaluation["1.1"].review_score, evaluation["1.2"].review_score]
        assert "佐证充分" == evaluation["1.1"].review_note

    def test_reviewer_wins_by_default(self) -> None:
        """Without final_score, the review score is final."""
        evaluation = perfrules.evaluate(spec(), facts(), review=REVIEW)
        assert D("16.00") == evaluation.total

    def test_review_section_of_the_facts_file(self) -> None:
        """A facts file's own review: section is applied like a review file."""
        evaluation = perfrules.evaluate(spec(), facts(review=REVIEW))
        assert D("16.00") == evaluation.total
        assert "区财政局" == evaluation.review.reviewer if evaluation.review else None

    def test_review_file_replaces_the_section(self) -> None:
        """A review given to evaluate replaces the facts file's section."""
        other = {"indicators": {"1.2": {"score": 10}}}
        evaluation = perfrules.evaluate(spec(), facts(review=REVIEW), review=other)
        assert [D("8.00"), D("10.00")] == [evaluation["1.1"].score, evaluation["1.2"].score]

    def test_unreviewed_form_has_no_self_total(self) -> None:
        """Without a review, nothing is set aside as the self score."""
        evaluation = perfrules.evaluate(spec(), facts())
        assert evaluation.self_total is None and evaluation["1.1"].self_score is None

    def test_grade_follows_the_final_total(self) -> None:
        """The grade is the final total's; the self grade is kept beside it."""
        document = spec(grades=[{"min": "16.5", "label": "优"}, {"min": 0, "label": "差"}])
        evaluation = perfrules.evaluate(document, facts(), review=REVIEW)
        assert ("差", "优") == (evaluation.grade.label, evaluation.self_grade.label if evaluation.self_grade else None)

    def test_bad_final_score_rule(self) -> None:
        """An unknown final_score rule is a spec error naming the choices."""
        with pytest.raises(SpecError, match="'final_score' must be one of reviewer, lower, self"):
            perfrules.load_spec(spec(final_score="average"))


class TestReviewErrors:
    def problems(self, review: dict[str, Any]) -> list[str]:
        with pytest.raises(ReviewError) as info:
            perfrules.evaluate(spec(), facts(), review=review)
        return [p.message for p in info.value.problems]

    def test_every_problem_at_once(self) -> None:
        """Unknown ids (with a suggestion), parents, out-of-range and over-precise scores are all reported."""
        review = {
            "indicators": {
                "1.3": {"score": 1},
                "1": {"score": 15},
                "1.1": {"score": 11},
                "1.2": {"score": "9.123"},
            }
        }
        assert [
            "no indicator '1.3' in the form (did you mean '1.2'?)",
            "'1' is scored from its children; review the leaves",
            "the review score 11 is outside 0 to 10",
            "the review score 9.123 has more than 2 decimals",
        ] == self.problems(review)

    def test_problems_are_located_in_the_review_file(self, tmp_path: Any) -> None:
        """A review file's problems name its file, line and column."""
        path = tmp_path / "review.yaml"
        path.write_text("reviewer: 区财政局\nindicators:\n  '1.1': {score: 12}\n", encoding="utf-8")
        with pytest.raises(ReviewError) as info:
            perfrules.evaluate(spec(), facts(), review=path)
        assert f"{path}:3:10" == str(info.value.problems[0].location)

    def test_shape_errors(self) -> None:
        """Unknown keys and non-numeric scores are reported when the review is read."""
        with pytest.raises(ReviewError) as info:
            perfrules.load_review({"reviewr": "x", "indicators": {"1.1": {"score": "九", "notes": "n"}}})
        assert ["bad-number", "unknown-key", "unknown-key"] == sorted(p.code for p in info.value.problems)
        messages = sorted(p.message for p in info.value.problems)
        assert "unknown key 'reviewr' (did you mean 'reviewer'?)" in messages
        assert "unknown key 'notes' (did you mean 'note'?)" in messages

    def test_not_applicable_leaf_takes_no_review_score(self) -> None:
        """A leaf that does not count for the unit cannot be given a review score."""
        document = spec()
        document["indicators"][0]["children"][0]["not_applicable"] = "exclude"
        values = facts(assessments={"1.1": {"score": "/"}, "1.2": {"score": 9, "reason": "r"}})
        with pytest.raises(ReviewError, match="does not count for this unit"):
            perfrules.evaluate(document, values, review={"indicators": {"1.1": {"score": 5}}})


class TestFindings:
    def test_seed(self, seed: perfrules.Evaluation) -> None:
        """The seed: its two budget figures contradict each other, and 1.1.3 claims 9.91 where the rule computes 9.97."""
        found = perfrules.findings(seed)
        assert [("figures-differ", None), ("claim-differs", "1.1.3")] == codes(found)
        claim = found[1]
        assert {"claimed": D("9.91"), "computed": D("9.97"), "difference": D("0.06")} == dict(claim.numbers)
        assert (
            "自评 9.91 分，按规则计算 9.97 分，相差 0.06 分；此规则为假定，官方计分规则未公布，差异可能出自规则本身"
            == claim.message
        )
        assert "the rule is assumed (the official rule is unknown)" in claim.message_en
        assert {"fact": D("1291.73"), "figure": D("1288.38")} == dict(found[0].numbers)

    def test_tolerance(self, seed: perfrules.Evaluation) -> None:
        """A tolerance of 0.06 points lets the claim stand; the figures still contradict each other."""
        assert [("figures-differ", None)] == codes(perfrules.findings(seed, tolerance=D("0.06")))

    def test_clean_form_has_none(self) -> None:
        """Reasons given, figures agreeing, claims matching: nothing to find."""
        assert () == perfrules.findings(perfrules.evaluate(spec(), facts()))

    def test_stated_total_and_grade(self) -> None:
        """A stated total and grade that are not the computed ones are errors, with both numbers."""
        evaluation = perfrules.evaluate(spec(), facts(stated={"total": 18, "grade": "优"}))
        found = perfrules.findings(evaluation)
        assert [("stated-total", None), ("stated-grade", None)] == codes(found)
        assert {"stated": D(18), "computed": D("17.00")} == dict(found[0].numbers)

    def test_reasons(self) -> None:
        """Points lost without a reason, and a reason on a full score, are found."""
        values = facts(
            assessments={"1.1": {"score": 8}, "1.2": {"score": 10, "reason": "无"}}, facts={"done": 10, "budget": 100}
        )
        found = perfrules.findings(perfrules.evaluate(spec(), values))
        assert [("reason-missing", "1.1"), ("reason-on-full-score", "1.2")] == codes(found)
        assert {"score": D("8.00"), "weight": D(10), "lost": D("2.00")} == dict(found[0].numbers)

    def test_unsupported_score(self) -> None:
        """A claim whose rule needs an optional fact the unit left out stands, and is found unsupported."""
        values = facts(facts={"budget": 100})
        evaluation = perfrules.evaluate(spec(), values)
        assert D("9.00") == evaluation["1.2"].score
        assert [("unsupported-score", "1.2")] == codes(perfrules.findings(evaluation))

    def test_missing_optional_fact_without_claim(self) -> None:
        """With neither the optional fact nor a claim, the leaf cannot be scored: an error naming both ways out."""
        values = facts(facts={"budget": 100}, assessments={"1.1": {"score": 8, "reason": "r"}})
        with pytest.raises(FactsError, match=r"'1.2' \(完成\) needs fact 'done' or a claimed score"):
            perfrules.evaluate(spec(), values)

    def test_funds_table(self) -> None:
        """A funds table whose parts do not add up to its total is found, per column."""
        values = facts(funds={"总额": {"executed": 10}, "拨款": {"executed": 7}, "结转": {"executed": 2}})
        found = perfrules.findings(perfrules.evaluate(spec(), values))
        assert [("funds-sum", None)] == codes(found)
        assert "资金表 总额 的全年执行数为 10，各分项合计 9" == found[0].message

    def test_review_differs(self) -> None:
        """A review score that differs from the self score is a notice with the self, review and final scores."""
        review = {"indicators": {"1.1": {"score": 6, "note": "佐证不足"}}}
        found = perfrules.findings(perfrules.evaluate(spec(), facts(), review=review))
        assert [("review-differs", "1.1")] == codes(found)
        assert {"self": D("8.00"), "review": D("6.00"), "final": D("6.00")} == dict(found[0].numbers)
        assert "复核分 6.00 与自评分 8.00 不同（佐证不足）；最终得分 6.00" == found[0].message

    @pytest.mark.parametrize(
        ("claim", "differs"), [("3.33", False), ("3.34", True), ("3.32", True)], ids=["same", "above", "below"]
    )
    def test_claim_compared_at_the_precision_when_only_the_total_is_rounded(self, claim: str, differs: bool) -> None:
        """Under round_at: total a rule giving 10/3 matches a claim of 3.33: evaluate and findings agree at 2 decimals."""
        document = spec(round_at="total")
        document["indicators"][0]["children"][1]["expression"] = "weight / 3"
        values = facts(assessments={"1.1": {"score": 10}, "1.2": {"score": claim, "reason": "r"}})
        evaluation = perfrules.evaluate(document, values)
        warned = [d.indicator for d in evaluation.diagnostics if d.code == "claim-differs"]
        found = [f for f in perfrules.findings(evaluation) if f.code == "claim-differs"]
        assert (["1.2"] if differs else []) == warned
        assert (["1.2"] if differs else []) == [f.indicator for f in found]
        if differs:
            gap = abs(D(claim) - D("3.33"))
            assert {"claimed": D(claim), "computed": D("3.33"), "difference": gap} == dict(found[0].numbers)

    def test_tolerance_must_be_a_decimal(self, seed: perfrules.Evaluation) -> None:
        """A float tolerance is refused: no float touches a score."""
        with pytest.raises(ValueError, match="tolerance must be a Decimal"):
            perfrules.findings(seed, tolerance=0.1)  # type: ignore[arg-type]


class TestCommand:
    def test_seed_review(self) -> None:
        """`perfrules review` on the seed lists the 1.1.3 discrepancy with both numbers and exits 1."""
        code, out, _ = run("review", SEED_SPEC, SEED_FACTS, "--lang", "zh")
        assert 1 == code
        assert "广州市黄埔区工商业联合会：总分 95.91，等级 优；发现 2 项问题（容差 0 分）" == out.splitlines()[0]
        assert "警告 1.1.3 自评 9.91 分，按规则计算 9.97 分，相差 0.06 分" in out
        assert "[claim-differs]  (" in out and "huangpu-fic-2022.yaml:" in out

    def test_english_and_tolerance(self) -> None:
        """--lang en and --tolerance: only the contradicting figures remain."""
        code, out, _ = run("review", SEED_SPEC, SEED_FACTS, "--lang", "en", "--tolerance", "0.1")
        assert 1 == code
        assert "1 finding (tolerance 0.1)" in out.splitlines()[0]
        assert "full-year budget is 1291.73, the budget table's 总预算 is 1288.38" in out

    def test_json(self) -> None:
        """--format json gives the findings with their numbers as strings."""
        code, out, _ = run("review", SEED_SPEC, SEED_FACTS, "--format", "json")
        data = json.loads(out)
        assert 1 == code
        assert {"claimed": "9.91", "computed": "9.97", "difference": "0.06"} == data["findings"][1]["numbers"]

    def test_no_findings_exit_zero(self, tmp_path: Any) -> None:
        """A form with nothing to find exits 0."""
        (tmp_path / "spec.json").write_text(json.dumps(spec(), default=str), encoding="utf-8")
        (tmp_path / "facts.json").write_text(json.dumps(facts()), encoding="utf-8")
        code, out, _ = run("review", tmp_path / "spec.json", tmp_path / "facts.json", "--lang", "zh")
        assert 0 == code
        assert "发现 0 项问题" in out

    def test_bad_tolerance(self) -> None:
        """A tolerance that is not a number of points is a usage error."""
        code, _, err = run("review", SEED_SPEC, SEED_FACTS, "--tolerance", "abc")
        assert 2 == code
        assert "not a number of points" in err

    def test_review_file_changes_the_scored_form(self, tmp_path: Any) -> None:
        """`perfrules score --review FILE` prints the final scores."""
        path = tmp_path / "review.yaml"
        path.write_text("indicators:\n  '1.1.3': {score: 9.5, note: 以决算为准}\n", encoding="utf-8")
        code, out, _ = run("score", SEED_SPEC, SEED_FACTS, "--review", path, "--format", "json")
        data = json.loads(out)
        assert 0 == code
        assert ("95.50", "95.91") == (data["total"], data["self_total"])

    def test_example_review_file(self) -> None:
        """The shipped example review takes 1.1.3 to 9.97: the table shows the final 95.97 beside the self 95.91."""
        review = SEED_FACTS.parent / "huangpu-fic-2022-review.yaml"
        code, out, _ = run("score", SEED_SPEC, SEED_FACTS, "--review", review)
        assert 0 == code
        assert "复核 review (黄埔区财政局（示例） 2023-06-30): 自评总分 95.91 → 复核后 95.97" in out
        assert "9.97 (自评 9.91)" in out

    def test_explain_command(self) -> None:
        """`perfrules explain SPEC FACTS 1.1.3 --lang en` prints the arithmetic."""
        code, out, _ = run("explain", SEED_SPEC, SEED_FACTS, "1.1.3", "--lang", "en")
        assert 0 == code
        assert "  arithmetic: 10 × min(1288.38 ÷ 1291.73, 1) ≈ 9.974066" in out.splitlines()

    def test_explain_json(self) -> None:
        """`perfrules explain --format json` gives each indicator's lines under its id."""
        code, out, _ = run("explain", SEED_SPEC, SEED_FACTS, "1.1", "--format", "json", "--lang", "zh")
        data = json.loads(out)
        assert 0 == code
        assert ["1.1", "1.1.1", "1.1.2", "1.1.3"] == [entry["id"] for entry in data["explanations"]]
        assert "计算：10 × min(1288.38 ÷ 1291.73, 1) ≈ 9.974066" in data["explanations"][3]["lines"]

    def test_explain_unknown_indicator(self) -> None:
        """An unknown indicator id is a usage error with a suggestion."""
        code, _, err = run("explain", SEED_SPEC, SEED_FACTS, "1.1.9")
        assert 2 == code
        assert "did you mean '1.1.3'?" in err


class TestReviewProperties:
    @given(st.data())
    def test_reviewed_form_keeps_the_invariants(self, data: st.DataObject) -> None:
        """For any form and any review of its counted leaves: 0 <= score <= weight, parents add up, the grade is the total's."""
        document = data.draw(spec_documents())
        spec_ = perfrules.load_spec(document)
        values = data.draw(facts_for(document))
        plain = perfrules.evaluate(spec_, values)
        unit = Decimal(1).scaleb(-spec_.precision)
        entries = {}
        for result in plain.walk():
            if not result.children and not result.excluded and data.draw(st.booleans()):
                units = data.draw(st.integers(0, int(result.weight / unit)))
                entries[result.id] = {"score": str(units * unit)}
        rule = data.draw(st.sampled_from(["reviewer", "lower", "self"]))
        reviewed = perfrules.evaluate(
            perfrules.load_spec({**document, "final_score": rule}), values, review={"indicators": entries}
        )
        for result in reviewed.walk():
            assert 0 <= result.score <= result.weight
            if result.children:
                with decimal.localcontext(decimal.Context(prec=200)):  # exact, as the scores were added
                    assert sum((child.score for child in result.children), Decimal(0)) == result.score
        assert plain.total == reviewed.self_total
        assert reviewed.grade == spec_.grades.grade(reviewed.total)
        if rule == "self":
            assert plain.total == reviewed.total

    @given(st.data())
    def test_claim_differs_warned_exactly_when_found(self, data: st.DataObject) -> None:
        """evaluate() warns claim-differs on exactly the leaves findings() reports at zero tolerance."""
        document = data.draw(spec_documents())
        evaluation = perfrules.evaluate(perfrules.load_spec(document), data.draw(facts_for(document)))
        warned = sorted(str(d.indicator) for d in evaluation.diagnostics if d.code == "claim-differs")
        found = sorted(str(f.indicator) for f in perfrules.findings(evaluation) if f.code == "claim-differs")
        assert warned == found
