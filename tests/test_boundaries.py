"""Boundaries of every kind: which band an endpoint selects, the edges of each rule, and each validation code."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, ClassVar

import pytest

import perfrules
from perfrules._rules.kinds import BandsKind, Interval, Parameters
from perfrules._rules.targets import TargetError, parse_target
from perfrules.exceptions import EvaluationError, SpecError

D = Decimal

LONG = "a_count_with_a_name_long_enough_to_make_a_rule_of_many_bands"
FACTS: dict[str, dict[str, Any]] = {
    "x": {"type": "number", "label": "完成率", "label_en": "completion"},
    "r": {"type": "number", "min": 0, "max": 1},
    "n": {"type": "number", "min": 0, "label": "次数"},
    "ok": {"type": "boolean", "label": "合规", "label_en": "compliant"},
    "ok2": {"type": "boolean"},
    "level": {"type": "text", "values": ["达成", "部分达成", "未达成"], "label": "达成情况", "label_en": "attainment"},
    "mark": {"type": "text", "values": ["优", "良", "差"]},
    "note": {"type": "text"},
}
EXTRA_FACTS: dict[str, dict[str, Any]] = {
    LONG: {"type": "number", "min": 0},
    "many": {"type": "text", "values": [f"{i:02d}" + "类" * 178 for i in range(45)]},
}
"""Facts declared only by the specs whose parameters name them, so other specs stay small."""
DEFAULTS: dict[str, Any] = {"x": "0", "r": "0", "n": "0", "ok": True, "ok2": True, "level": "达成", "mark": "优"}
DEFAULTS["note"] = ""
EXTRA_DEFAULTS: dict[str, Any] = {LONG: "0", "many": EXTRA_FACTS["many"]["values"][0]}


def extra_facts(parameters: dict[str, Any]) -> list[str]:
    """The names of the extra facts *parameters* name."""
    return [name for name in EXTRA_FACTS if flow(name) in flow(parameters)]


def flow(value: Any) -> str:
    """*value* in YAML flow style (JSON strings, plain numbers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return "{" + ", ".join(f"{flow(k)}: {flow(v)}" for k, v in value.items()) + "}"


def spec_text(kind: str, weight: str = "10", precision: int = 2, **parameters: Any) -> str:
    """A one-leaf spec (leaf 'a') as YAML text, each list parameter's item on its own line."""
    lines = [
        "spec: 1",
        "id: test/boundaries",
        'version: "1"',
        "name: 边界",
        f"precision: {precision}",
        "claims: computed",
        f"facts: {flow(FACTS | {name: EXTRA_FACTS[name] for name in extra_facts(parameters)})}",
        "indicators:",
        '  - id: "a"',
        "    name: 甲",
        f"    weight: {weight}",
        f"    kind: {kind}",
    ]
    for key, value in parameters.items():
        if isinstance(value, list) and value:
            lines.append(f"    {key}:")
            lines.extend(f"      - {flow(item)}" for item in value)
        else:
            lines.append(f"    {key}: {flow(value)}")
    lines.append("grades: [{min: 0, label: 差}]")
    return "\n".join(lines) + "\n"


def rule_of(kind: str, weight: str = "10", **parameters: Any) -> perfrules.Rule:
    """The compiled rule of leaf 'a'."""
    found = perfrules.load_spec(spec_text(kind, weight, **parameters)).indicator("a").rule
    assert found is not None
    return found


def scored(
    kind: str,
    facts: dict[str, Any] | None = None,
    claim: str | None = None,
    weight: str = "10",
    precision: int = 2,
    **parameters: Any,
) -> perfrules.IndicatorResult:
    """Leaf 'a' scored with the default facts updated by *facts* (and a claim, if given)."""
    extra = {name: EXTRA_DEFAULTS[name] for name in extra_facts(parameters)}
    document: dict[str, Any] = {"facts": {**DEFAULTS, **extra, **(facts or {})}}
    if claim is not None:
        document["assessments"] = {"a": {"score": claim}}
    return perfrules.evaluate(spec_text(kind, weight, precision, **parameters), document)["a"]


def computed(kind: str, facts: dict[str, Any], precision: int = 6, **parameters: Any) -> Decimal | None:
    """What leaf 'a' computes for *facts*, at 6 decimals."""
    return scored(kind, facts, precision=precision, **parameters).computed


def problems(kind: str, weight: str = "10", **parameters: Any) -> tuple[str, list[tuple[str, str, tuple[int, int]]]]:
    """The spec's text and its problems as (code, message, (line, column)); loading must fail."""
    text = spec_text(kind, weight, **parameters)
    with pytest.raises(SpecError) as excinfo:
        perfrules.load_spec(text)
    found = []
    for problem in excinfo.value.problems:
        assert "a" == problem.indicator
        assert problem.location is not None and problem.location.line is not None
        found.append((problem.code, problem.message, (problem.location.line, problem.location.column or 0)))
    return text, found


def at(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """The (line, column), from 1, where *needle* occurs in *text* for the *occurrence*-th time."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - text.rfind("\n", 0, index)


def after(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """The (line, column) just after the *occurrence*-th *needle* in *text*."""
    line, column = at(text, needle, occurrence)
    return line, column + len(needle)


def evaluation_problems(kind: str, facts: dict[str, Any], claim: str, **parameters: Any) -> list[tuple[str, str]]:
    """The (code, message) of each problem scoring leaf 'a' raises."""
    with pytest.raises(EvaluationError) as excinfo:
        scored(kind, facts, claim, **parameters)
    assert {"a"} == {p.indicator for p in excinfo.value.problems}
    return [(p.code, p.message) for p in excinfo.value.problems]


NOT_INTERVAL = '{!r} is not an interval such as "[0.95, 1]", "(0, 10]" or "[0.9, inf)"'
POINTS = "points {} must be from 0 to the weight 10, at most 2 decimals"


class TestInterval:
    @pytest.mark.parametrize(
        ("text", "low", "high", "closed", "shown"),
        [
            ("[0.95, 1]", "0.95", "1", (True, True), "[0.95, 1]"),
            ("(0, 10]", "0", "10", (False, True), "(0, 10]"),
            ("[0.9, inf)", "0.9", "Infinity", (True, False), "[0.9, inf)"),
            ("(-inf, 0)", "-Infinity", "0", (False, False), "(-inf, 0)"),
            ("(-inf, +inf)", "-Infinity", "Infinity", (False, False), "(-inf, inf)"),
            (" ( 1 ,2 ] ", "1", "2", (False, True), "(1, 2]"),
            ("[3, 3]", "3", "3", (True, True), "[3, 3]"),
            ("[-1, +2)", "-1", "2", (True, False), "[-1, 2)"),
        ],
    )
    def test_parse_and_print(self, text: str, low: str, high: str, closed: tuple[bool, bool], shown: str) -> None:
        """Brackets say which ends are included; infinities print as inf and -inf."""
        interval = Interval.parse(text)
        assert (D(low), D(high), *closed) == (
            interval.low,
            interval.high,
            interval.low_closed,
            interval.high_closed,
        )
        assert shown == str(interval)

    def test_infinite_ends_print_by_side(self) -> None:
        """An infinite low end prints as -inf and an infinite high end as inf."""
        assert "(-inf, inf)" == str(Interval(-D("Infinity"), D("Infinity"), False, False))

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("[0, 1", NOT_INTERVAL.format("[0, 1")),
            ("0, 1", NOT_INTERVAL.format("0, 1")),
            ("[0; 1]", NOT_INTERVAL.format("[0; 1]")),
            ("[1e3, 2]", NOT_INTERVAL.format("[1e3, 2]")),
            ("[0, 1.]", NOT_INTERVAL.format("[0, 1.]")),
            (
                "[" + "1" * 41 + ", inf)",
                repr("[" + "1" * 41 + ", inf)") + ": the ends must have at most 40 digits and stay below 10^30",
            ),
            (
                "(0, 1" + "0" * 30 + ")",
                repr("(0, 1" + "0" * 30 + ")") + ": the ends must have at most 40 digits and stay below 10^30",
            ),
            ("[-inf, 0)", '\'[-inf, 0)\': an infinite end must be open, as in "(-inf, 0)" or "[1, inf)"'),
            ("(0, inf]", '\'(0, inf]\': an infinite end must be open, as in "(-inf, 0)" or "[1, inf)"'),
            ("(1, 0)", "'(1, 0)' is empty"),
            ("[1, 0]", "'[1, 0]' is empty"),
            ("[1, 1)", "'[1, 1)' is empty"),
            ("(1, 1]", "'(1, 1]' is empty"),
            ("(1, 1)", "'(1, 1)' is empty"),
            ("(inf, -inf)", "'(inf, -inf)' is empty"),
        ],
    )
    def test_refused(self, text: str, message: str) -> None:
        """Malformed, oversized, closed-at-infinity and empty intervals are refused with a reason."""
        with pytest.raises(ValueError) as excinfo:
            Interval.parse(text)
        assert message == str(excinfo.value)

    @pytest.mark.parametrize(
        ("text", "condition"),
        [
            ("[0, 1]", "0 <= v and v <= 1"),
            ("(0, 1)", "0 < v and v < 1"),
            ("[0, 1)", "0 <= v and v < 1"),
            ("(0, 1]", "0 < v and v <= 1"),
            ("(-inf, 0.5]", "v <= 0.5"),
            ("(-inf, 0.5)", "v < 0.5"),
            ("[0.5, inf)", "0.5 <= v"),
            ("(0.5, inf)", "0.5 < v"),
            ("(-inf, inf)", "True"),
        ],
    )
    def test_condition(self, text: str, condition: str) -> None:
        """Each interval is a condition in the expression language; infinite ends add none."""
        assert condition == Interval.parse(text).condition("v")

    def test_ends_as_points(self) -> None:
        """A closed low end sits at its value, an open one just after; a closed high end just after, an open one at."""
        assert ((D(0), 0), (D(1), 1)) == (Interval.parse("[0, 1]").start, Interval.parse("[0, 1]").end)
        assert ((D(0), 1), (D(1), 0)) == (Interval.parse("(0, 1)").start, Interval.parse("(0, 1)").end)


BANDS = [
    {"range": "(-inf, 0)", "score": 0},
    {"range": "[0, 0.5)", "score": 1},
    {"range": "[0.5, 0.5]", "score": 2},
    {"range": "(0.5, 0.8]", "score": 3},
    {"range": "(0.8, 1)", "score": 4},
    {"range": "[1, inf)", "score": 5},
]
SHUFFLED = [BANDS[i] for i in (5, 2, 0, 4, 1, 3)]
BAND_CASES = [
    ("-1000", "0"),
    ("-0.0001", "0"),
    ("0", "1"),
    ("0.4999", "1"),
    ("0.5", "2"),
    ("0.5001", "3"),
    ("0.8", "3"),
    ("0.8001", "4"),
    ("0.9999", "4"),
    ("1", "5"),
    ("1000", "5"),
]


class TestBandsEndpoints:
    @pytest.mark.parametrize("bands", [BANDS, SHUFFLED], ids=["sorted", "shuffled"])
    @pytest.mark.parametrize(("value", "expected"), BAND_CASES)
    def test_value_on_and_beside_each_cut(self, bands: list[dict[str, Any]], value: str, expected: str) -> None:
        """A value exactly on a cut falls in the band whose bracket includes it, in any listing order."""
        assert D(expected) == scored("bands", {"x": value}, input="x", bands=bands).score

    def test_rule_in_expression_and_words(self) -> None:
        """The bands become one chained condition (the last band unconditioned) and read back in both languages."""
        rule = rule_of("bands", input="x", bands=BANDS)
        assert rule.expression is not None
        assert (
            "0 if x < 0 else 1 if 0 <= x and x < 0.5 else 2 if 0.5 <= x and x <= 0.5 else"
            " 3 if 0.5 < x and x <= 0.8 else 4 if 0.8 < x and x < 1 else 5"
        ) == rule.expression.source
        assert (
            "按完成率分档计分：(-inf, 0) 得 0 分；[0, 0.5) 得 1 分；[0.5, 0.5] 得 2 分；(0.5, 0.8] 得 3 分；"
            "(0.8, 1) 得 4 分；[1, inf) 得 5 分"
        ) == rule.words
        assert (
            "scored by bands of completion: (-inf, 0) -> 0; [0, 0.5) -> 1; [0.5, 0.5] -> 2; (0.5, 0.8] -> 3;"
            " (0.8, 1) -> 4; [1, inf) -> 5"
        ) == rule.words_en

    def test_words_fall_back_to_the_fact_name(self) -> None:
        """A fact without labels is named by its name."""
        rule = rule_of("bands", input="r", bands=[{"range": "[0, 0.5]", "score": 1}, {"range": "(0.5, 1]", "score": 2}])
        assert (
            "按r分档计分：[0, 0.5] 得 1 分；(0.5, 1] 得 2 分",
            "scored by bands of r: [0, 0.5] -> 1; (0.5, 1] -> 2",
        ) == (
            rule.words,
            rule.words_en,
        )

    @pytest.mark.parametrize(
        ("value", "expected"), [("0", "10"), ("0.3", "10"), ("0.3001", "7.5"), ("0.9999", "7.5"), ("1", "0")]
    )
    def test_declared_range_and_decimal_scores(self, value: str, expected: str) -> None:
        """Within a declared [0, 1], a closed cut at 0.3 keeps 0.3 below and a band may score 7.5."""
        bands = [{"range": "[0, 0.3]", "score": 10}, {"range": "(0.3, 1)", "score": D("7.5")}, {"value": 1, "score": 0}]
        assert D(expected) == scored("band_table", {"r": value}, input="r", bands=bands).score

    def test_single_band_over_everything(self) -> None:
        """One band over an unbounded input is its score whatever the input."""
        assert D("4.00") == scored("bands", {"x": "-7"}, input="x", bands=[{"range": "(-inf, inf)", "score": 4}]).score


class TestBandsValidation:
    def test_gap_in_the_middle(self) -> None:
        """Two bands missing their shared end leave [0.5, 0.5] uncovered, named at the band after the gap."""
        text, found = problems(
            "bands", input="r", bands=[{"range": "[0, 0.5)", "score": 1}, {"range": "(0.5, 1]", "score": 2}]
        )
        assert [("band-gap", "no band covers [0.5, 0.5]", at(text, '"(0.5, 1]"'))] == found

    def test_gap_at_the_declared_minimum(self) -> None:
        """A declared minimum is included: (0, 1] over [0, 1] leaves [0, 0] uncovered."""
        text, found = problems("bands", input="r", bands=[{"range": "(0, 1]", "score": 1}])
        assert [("band-gap", "no band covers [0, 0]", at(text, '"(0, 1]"'))] == found

    def test_gap_at_the_declared_maximum(self) -> None:
        """A declared maximum is included: [0, 1) over [0, 1] leaves [1, 1] uncovered, named at the bands."""
        text, found = problems("bands", input="r", bands=[{"range": "[0, 1)", "score": 1}])
        assert [("band-gap", "no band covers [1, 1]", at(text, "- {"))] == found

    def test_gap_at_the_end(self) -> None:
        """An input above the last band is a gap up to the declared maximum."""
        text, found = problems("bands", input="r", bands=[{"range": "[0, 0.5]", "score": 1}])
        assert [("band-gap", "no band covers (0.5, 1]", at(text, "- {"))] == found

    def test_gap_before_a_band_beyond_the_domain(self) -> None:
        """A gap is reported only up to the declared maximum, even when the next band lies beyond it."""
        bands = [{"range": "[0, 0.5]", "score": 1}, {"range": "(2, 3]", "score": 2}]
        text, found = problems("bands", input="r", bands=bands)
        assert [("band-gap", "no band covers (0.5, 1]", at(text, '"(2, 3]"'))] == found

    def test_bands_beyond_the_domain_are_allowed(self) -> None:
        """Bands outside the declared range, even with gaps between them, cover nothing that matters."""
        bands = [{"range": "(-5, -3)", "score": 3}, {"range": "[0, 1]", "score": 1}, {"range": "[5, 6]", "score": 2}]
        assert D("1.00") == scored("bands", {"r": "1"}, input="r", bands=bands).score

    @pytest.mark.parametrize(
        ("bands", "gap"),
        [
            ([{"range": "(-inf, 0)", "score": 1}, {"range": "(0, inf)", "score": 2}], "[0, 0]"),
            ([{"range": "(-inf, 0]", "score": 1}], "(0, inf)"),
            ([{"range": "(-inf, 0)", "score": 1}], "[0, inf)"),
        ],
    )
    def test_unbounded_input_gaps(self, bands: list[dict[str, Any]], gap: str) -> None:
        """An undeclared range runs from -inf to inf, and every point of it needs a band."""
        _, found = problems("bands", input="x", bands=bands)
        assert [("band-gap", f"no band covers {gap}")] == [(code, message) for code, message, _ in found]

    def test_gap_before_the_first_band_of_an_unbounded_input(self) -> None:
        """[0, inf) alone leaves (-inf, 0) uncovered, named at that band."""
        text, found = problems("bands", input="x", bands=[{"range": "[0, inf)", "score": 1}])
        assert [("band-gap", "no band covers (-inf, 0)", at(text, '"[0, inf)"'))] == found

    def test_gap_to_the_declared_minimum_only(self) -> None:
        """A count declared from 0 needs no band below 0, and its open top needs one up to inf."""
        text, found = problems("bands", input="n", bands=[{"range": "[0, 5]", "score": 1}])
        assert [("band-gap", "no band covers (5, inf)", at(text, "- {"))] == found

    @pytest.mark.parametrize(
        ("ranges", "overlaps"),
        [
            # Two bands both including 0.5 overlap, named at the later band.
            (["[0, 0.5]", "[0.5, 1]"], [("[0.5, 1]", "[0, 0.5]")]),
            # Overlaps are found in the bands' order along the input, not their listing order.
            (["[0.5, 1]", "[0, 0.5]"], [("[0.5, 1]", "[0, 0.5]")]),
            # Each band inside a wider one overlaps the wide one, and no gap is invented after them.
            (["[0, 1]", "[0.2, 0.3]", "[0.4, 0.5]"], [("[0.2, 0.3]", "[0, 1]"), ("[0.4, 0.5]", "[0, 1]")]),
            # A band is compared with the band reaching furthest so far, not just the one before it.
            (["[0, 0.6]", "[0.1, 0.2]", "(0.6, 1]"], [("[0.1, 0.2]", "[0, 0.6]")]),
            # Of two bands ending at the same point, the first stays the one later bands are compared with.
            (["[0, 0.5]", "[0.2, 0.5]", "[0.5, 1]"], [("[0.2, 0.5]", "[0, 0.5]"), ("[0.5, 1]", "[0, 0.5]")]),
        ],
        ids=["shared-closed-end", "listed-in-reverse", "inside-a-wide-band", "furthest-reaching", "equal-ends"],
    )
    def test_overlaps(self, ranges: list[str], overlaps: list[tuple[str, str]]) -> None:
        """Each overlapping band is named, with the band it overlaps, at its own range."""
        bands = [{"range": r, "score": index + 1} for index, r in enumerate(ranges)]
        text, found = problems("bands", input="r", bands=bands)
        assert [
            ("band-overlap", f"band {later} overlaps band {earlier}", at(text, f'"{later}"'))
            for later, earlier in overlaps
        ] == found

    def test_touching_open_and_closed_ends_do_not_overlap(self) -> None:
        """[0, 0.5) and [0.5, 1] meet without overlapping or leaving a gap."""
        bands = [{"range": "[0, 0.5)", "score": 1}, {"range": "[0.5, 1]", "score": 2}]
        assert D("2.00") == scored("bands", {"r": "0.5"}, input="r", bands=bands).score

    def test_gap_and_overlap_together(self) -> None:
        """Every coverage problem is reported, each at its band."""
        bands = [
            {"range": "[0, 0.2]", "score": 1},
            {"range": "[0.2, 0.3]", "score": 2},
            {"range": "(0.4, 1]", "score": 3},
        ]
        text, found = problems("bands", input="r", bands=bands)
        assert [
            ("band-overlap", "band [0.2, 0.3] overlaps band [0, 0.2]", at(text, '"[0.2, 0.3]"')),
            ("band-gap", "no band covers (0.3, 0.4]", at(text, '"(0.4, 1]"')),
        ] == found

    @pytest.mark.parametrize(
        ("score", "shown"),
        [
            (D(11), "11"),
            (D(-1), "-1"),
            (D("10.01"), "Decimal('10.01')"),
            (D("1.234"), "Decimal('1.234')"),
            ("x", "'x'"),
        ],
    )
    def test_band_score_out_of_range(self, score: Any, shown: str) -> None:
        """A band scoring above the weight, below 0, with too many decimals or not a number is band-score."""
        text, found = problems("bands", input="r", bands=[{"range": "[0, 1]", "score": score}])
        assert [("band-score", POINTS.format(shown), after(text, '"score": '))] == found

    @pytest.mark.parametrize("score", ["0", "10", "9.99", "0.01"])
    def test_band_score_limits_accepted(self, score: str) -> None:
        """Scores from 0 to the weight with at most the precision's decimals are accepted."""
        assert D(score) == scored("bands", {"r": "1"}, input="r", bands=[{"range": "[0, 1]", "score": D(score)}]).score

    def test_bad_range_and_bad_score_both_reported(self) -> None:
        """Each band's problems are reported, at the range or the score."""
        bands = [{"range": "[0, 0.5", "score": 1}, {"range": "(0.5, 1]", "score": 11}, {"range": "[1, 0]", "score": 1}]
        text, found = problems("bands", input="r", bands=bands)
        assert [
            ("band-range", NOT_INTERVAL.format("[0, 0.5"), at(text, '"[0, 0.5"')),
            ("band-score", POINTS.format("11"), at(text, "11}")),
            ("band-range", "'[1, 0]' is empty", at(text, '"[1, 0]"')),
        ] == found

    @pytest.mark.parametrize("bands", ["[0, 1]", [], {"range": "[0, 1]", "score": 1}])
    def test_bands_not_a_list(self, bands: Any) -> None:
        """Bands must be a non-empty list."""
        text, found = problems("bands", input="r", bands=bands)
        assert [("kind-parameter", "bands must be a list of {range: ..., score: ...}", after(text, "bands: "))] == found

    def test_each_band_shape(self) -> None:
        """Every band with other keys than range and score is named, not just the first."""
        bands = [{"range": "[0, 1]"}, {"range": "[0, 1]", "score": 1, "note": "x"}, "[0, 1]"]
        text, found = problems("bands", input="r", bands=bands)
        message = "each band needs exactly 'range' and 'score'"
        assert [
            ("kind-parameter", message, (at(text, "- {")[0], 9)),
            ("kind-parameter", message, (at(text, "- {", 2)[0], 9)),
            ("kind-parameter", message, (at(text, '- "[0, 1]"')[0], 9)),
        ] == found

    @pytest.mark.parametrize(
        "bands",
        [
            [{"range": "[0, 0.5]", "score": 1}, {"range": "[0.5, 1]", "score": 2}],
            [{"range": "[0, 0.5)", "score": 1}, {"range": "(0.5, 1]", "score": 2}],
            [{"range": "[0, 0.5]", "score": 1}],
        ],
        ids=["overlap", "gap", "gap-at-end"],
    )
    def test_kind_makes_no_rule_after_a_coverage_problem(self, bands: list[dict[str, Any]]) -> None:
        """The kind itself returns no rule once it has reported an overlap or a gap."""
        context = FakeContext()
        assert BandsKind().compile({"input": "r", "bands": bands}, context) is None
        assert 1 == len(context.errors)

    def test_fifty_bands_are_allowed(self) -> None:
        """Fifty bands are the most allowed."""
        bands = [{"range": f"[{i}, {i + 1})", "score": 1} for i in range(49)] + [{"range": "[49, inf)", "score": 2}]
        assert D("2.00") == scored("bands", {"n": "49"}, input="n", bands=bands).score
        assert D("1.00") == scored("bands", {"n": "48.5"}, input="n", bands=bands).score

    def test_fifty_bands_make_a_rule_longer_than_an_expression_may_be(self) -> None:
        """A generated rule is not held to the length limit of a written expression."""
        cut = "5000000001"
        bands = [{"range": f"[{i}.{cut}, {i + 1}.{cut})", "score": 1} for i in range(48)]
        bands = [{"range": f"[0, 0.{cut})", "score": 0}, *bands, {"range": f"[48.{cut}, inf)", "score": 2}]
        rule = rule_of("bands", input=LONG, bands=bands)
        assert rule.expression is not None and len(rule.expression.source) > 8_000
        assert D("2.00") == scored("bands", {LONG: "48.5000000001"}, input=LONG, bands=bands).score
        assert D("0.00") == scored("bands", {LONG: "0.4"}, input=LONG, bands=bands).score

    def test_fifty_one_bands_are_too_many(self) -> None:
        """Fifty-one bands are refused at the bands key."""
        bands = [{"range": f"[{i}, {i + 1})", "score": 1} for i in range(50)] + [{"range": "[50, inf)", "score": 2}]
        text, found = problems("bands", input="n", bands=bands)
        assert [("kind-parameter", "51 bands are too many; at most 50", at(text, "- {"))] == found

    def test_input_must_be_a_number_fact(self) -> None:
        """Bands over a text or unknown fact are refused at the input."""
        text, found = problems("bands", input="level", bands=[{"range": "[0, 1]", "score": 1}])
        assert [("unknown-name", "input 'level' is not a declared number fact", at(text, '"level"\n'))] == found
        text, found = problems("bands", input="xx", bands=[{"range": "[0, 1]", "score": 1}])
        assert [
            ("unknown-name", "input 'xx' is not a declared number fact (did you mean 'x'?)", at(text, '"xx"'))
        ] == found


class FakeContext:
    """A kind context that records the problems reported to it."""

    weight = D(10)
    precision = 2

    def __init__(self) -> None:
        self.facts = perfrules.load_spec(spec_text("self_assessed")).facts
        self.errors: list[tuple[str, tuple[str | int, ...], str]] = []

    def error(self, message: str, *path: str | int, code: str = "kind-parameter", zh: str | None = None) -> None:
        self.errors.append((message, path, code))


class TestParameters:
    def test_choice_without_default_asks_to_say_which(self) -> None:
        """A missing choice with no default asks for one; a wrong one given says only what it may be."""
        context = FakeContext()
        p = Parameters({"direction": "up"}, context)
        assert p.choice("reading", ("floor", "pro_rata")) is None
        assert p.choice("direction", ("above", "below"), "above") is None
        assert not p.ok
        assert [
            ("reading must be floor or pro_rata (say which), not None", ("reading",), "kind-parameter"),
            ("direction must be above or below, not 'up'", ("direction",), "kind-parameter"),
        ] == context.errors

    def test_choice_default_and_given(self) -> None:
        """An absent choice takes its default; a valid one is returned as given."""
        context = FakeContext()
        p = Parameters({"reading": "pro_rata"}, context)
        assert ("pro_rata", "above") == (p.choice("reading", ("floor", "pro_rata")), p.choice("d", ("above",), "above"))
        assert p.ok and [] == context.errors

    def test_number_default_and_limits(self) -> None:
        """A number takes its default only when absent; 0 is refused only where it must be positive."""
        context = FakeContext()
        p = Parameters({"a": 0, "b": "0.5", "c": -1, "d": 0, "e": None}, context)
        assert D(3) == p.number("z", default=D(3))
        assert D(0) == p.number("a")
        assert D("0.5") == p.number("b", default=D(3), positive=True)
        assert p.ok
        assert p.number("c") is None
        assert p.number("d", positive=True) is None
        assert p.number("e", default=D(1)) is None
        assert p.number("z") is None
        assert not p.ok
        assert [
            ("c must be a number, 0 or more, not -1", ("c",), "kind-parameter"),
            ("d must be a number above 0, not 0", ("d",), "kind-parameter"),
            ("e must be a number, 0 or more, not None", ("e",), "kind-parameter"),
            ("z must be a number, 0 or more, not None", ("z",), "kind-parameter"),
        ] == context.errors

    @pytest.mark.parametrize(("value", "ok"), [(0, True), (10, True), ("9.99", True), ("10.01", False), (-1, False)])
    def test_score_limits(self, value: Any, ok: bool) -> None:
        """Points run from 0 to the weight, both included, with at most the precision's decimals."""
        context = FakeContext()
        p = Parameters({}, context)
        assert (D(value) if ok else None) == p.score(value, "s", 1, code="c")
        assert ok == p.ok
        if not ok:
            assert [(POINTS.format(repr(value)), ("s", 1), "c")] == context.errors

    def test_score_decimals(self) -> None:
        """A third decimal at precision 2 is refused, with the default code."""
        context = FakeContext()
        assert Parameters({}, context).score(D("0.001"), "s") is None
        assert [(POINTS.format("Decimal('0.001')"), ("s",), "kind-parameter")] == context.errors

    def test_operand_forms(self) -> None:
        """An operand is a number fact (with its labels), a number, or a parenthesised expression."""
        p = Parameters({"a": "x", "b": "r", "c": D("0.50"), "d": "0.5", "e": " x + r ", "f": 2}, FakeContext())
        assert ("x", "完成率", "completion") == p.operand("a")
        assert ("r", "r", "r") == p.operand("b")
        assert ("0.50", "0.50", "0.50") == p.operand("c")
        assert ("0.5", "0.5", "0.5") == p.operand("d")
        assert ("2", "2", "2") == p.operand("f")
        operand = p.operand("e")
        assert operand is not None and ("(x + r)", "x + r", "x + r") == (operand[0], operand[1], operand[2])
        assert p.ok

    def test_operand_names_weight_and_claim(self) -> None:
        """An expression operand may read weight and claim besides the facts."""
        p = Parameters({"a": "weight - claim"}, FakeContext())
        assert ("(weight - claim)", "weight - claim", "weight - claim") == p.operand("a")

    def test_operand_problems(self) -> None:
        """A text fact, a non-number, a syntax error and unknown names are each reported at the key."""
        context = FakeContext()
        p = Parameters({"a": "level", "b": True, "c": "x +", "d": "rr + foo", "e": ["x"]}, context)
        assert [None] * 5 == [p.operand(key) for key in "abcde"]
        assert not p.ok
        assert [
            ("a 'level' is not a declared number fact", ("a",), "unknown-name"),
            ("b must be a number fact, a number or an expression, not True", ("b",), "kind-parameter"),
            ("c: invalid syntax", ("c",), "expression"),
            ("d: unknown name 'foo' in 'rr + foo'", ("d",), "unknown-name"),
            ("d: unknown name 'rr' in 'rr + foo' (did you mean 'r'?)", ("d",), "unknown-name"),
            ("e must be a number fact, a number or an expression, not ['x']", ("e",), "kind-parameter"),
        ] == context.errors

    def test_operand_after_an_earlier_problem(self) -> None:
        """A valid expression read after another problem still fails the reading, as every helper does."""
        p = Parameters({"a": True, "b": "x + 1"}, FakeContext())
        assert p.operand("a") is None
        assert p.operand("b") is None

    def test_fact_types(self) -> None:
        """A fact of another type, a non-text name or an unknown name is refused, with a hint among the right type."""
        context = FakeContext()
        p = Parameters({"a": "level", "b": 5, "c": "lvel", "d": "mark"}, context)
        assert p.fact("a", "text") is not None and p.ok
        assert p.fact("b", "number") is None
        assert p.fact("c", "number") is None
        assert p.fact("c", "text") is None
        assert p.fact("d", "number", "boolean") is None
        assert [
            ("b 5 is not a declared number fact", ("b",), "unknown-name"),
            ("c 'lvel' is not a declared number fact", ("c",), "unknown-name"),
            ("c 'lvel' is not a declared text fact (did you mean 'level'?)", ("c",), "unknown-name"),
            ("d 'mark' is not a declared number or boolean fact", ("d",), "unknown-name"),
        ] == context.errors

    def test_fact_name_not_hashable(self) -> None:
        """A list where a fact's name belongs is refused, not looked up."""
        context = FakeContext()
        assert Parameters({"a": ["x"]}, context).fact("a", "number") is None
        assert [("a ['x'] is not a declared number fact", ("a",), "unknown-name")] == context.errors

    def test_rule_only_when_ok(self) -> None:
        """A reading with a problem makes no rule; one without makes the rule as given."""
        p = Parameters({}, FakeContext())
        made = p.rule("weight * 2", "两倍", "twice")
        assert made is not None and made.expression is not None
        assert ("weight * 2", "两倍", "twice") == (made.expression.source, made.words, made.words_en)
        p.fail("no", "k")
        assert p.rule("weight", "", "") is None

    def test_fail_passes_path_and_code(self) -> None:
        """fail reports through the context and marks the reading failed."""
        context = FakeContext()
        p = Parameters({}, context)
        p.fail("bad", "k", 2, code="some-code")
        p.fail("worse")
        assert [("bad", ("k", 2), "some-code"), ("worse", (), "kind-parameter")] == context.errors
        assert p.ok is False


class TestExpressionAndSelfAssessed:
    def test_expression_rule(self) -> None:
        """An expression leaf's rule is its text, in both languages."""
        rule = rule_of("expression", expression="weight * min(r, 1)")
        assert rule.expression is not None
        assert ("weight * min(r, 1)", "按公式计分：weight * min(r, 1)", "computed as weight * min(r, 1)") == (
            rule.expression.source,
            rule.words,
            rule.words_en,
        )

    def test_expression_must_be_text(self) -> None:
        """A number is not an expression."""
        text, found = problems("expression", expression=5)
        assert [("expression", "the expression must be text, not 5", after(text, "expression: "))] == found

    def test_expression_syntax(self) -> None:
        """A syntax error quotes the expression without its surrounding spaces."""
        text, found = problems("expression", expression="  weight +  ")
        assert [("expression", "invalid syntax in 'weight +'", after(text, "expression: "))] == found

    def test_self_assessed(self) -> None:
        """A self-assessed leaf has no expression and scores the claim."""
        rule = rule_of("self_assessed")
        assert (None, "由单位自评打分", "scored by the unit's own assessment") == (
            rule.expression,
            rule.words,
            rule.words_en,
        )
        assert D("7.50") == scored("self_assessed", claim="7.5").score


class TestBandTable:
    VALUES: ClassVar[Any] = [
        {"value": 0, "score": 10},
        {"range": "(0, 0.5)", "score": 5},
        {"value": D("0.5"), "score": 7},
        {"value": "0.75", "score": 6},
        {"range": "(0.5, 0.75)", "score": 4},
        {"range": "(0.75, 1]", "score": 3},
    ]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("0", "10"), ("0.0001", "5"), ("0.4999", "5"), ("0.5", "7"), ("0.5001", "4"), ("0.75", "6"), ("0.7501", "3")],
    )
    def test_single_values_between_ranges(self, value: str, expected: str) -> None:
        """A {value: v} band is exactly [v, v], between ranges open at v."""
        assert D(expected) == scored("band_table", {"r": value}, input="r", bands=self.VALUES).score

    def test_single_values_in_words(self) -> None:
        """Single values read as closed one-point intervals, numerals in plain form."""
        rule = rule_of("band_table", input="r", bands=self.VALUES)
        assert (
            "按r分档计分：[0, 0] 得 10 分；(0, 0.5) 得 5 分；[0.5, 0.5] 得 7 分；[0.75, 0.75] 得 6 分；"
            "(0.5, 0.75) 得 4 分；(0.75, 1] 得 3 分"
        ) == rule.words

    def test_value_written_with_an_exponent(self) -> None:
        """A single value written as 1e1 is the point 10."""
        bands = [{"range": "[0, 10)", "score": 1}, {"value": D("1E+1"), "score": 5}, {"range": "(10, inf)", "score": 2}]
        assert D("5") == computed("band_table", {"n": "10"}, input="n", bands=bands)
        assert (
            "按次数分档计分：[0, 10) 得 1 分；[10, 10] 得 5 分；(10, inf) 得 2 分"
            == rule_of("band_table", input="n", bands=bands).words
        )

    def test_value_that_is_no_number(self) -> None:
        """A single value over a number fact must be a number."""
        text, found = problems(
            "band_table", input="r", bands=[{"value": "abc", "score": 1}, {"range": "[0, 1]", "score": 1}]
        )
        assert [("band-range", NOT_INTERVAL.format("[abc, abc]"), (at(text, "- {")[0], 9))] == found

    def test_text_bands(self) -> None:
        """Over a text fact every declared value is a band, in the fact's order."""
        bands = [
            {"value": "未达成", "score": 0},
            {"value": "达成", "score": D("9.5")},
            {"value": "部分达成", "score": 6},
        ]
        assert [D("9.5"), D("6"), D("0")] == [
            scored("band_table", {"level": v}, input="level", bands=bands).score for v in ("达成", "部分达成", "未达成")
        ]
        rule = rule_of("band_table", input="level", bands=bands)
        assert (
            "按达成情况计分：达成 得 9.5 分；部分达成 得 6 分；未达成 得 0 分",
            "by attainment: 达成 -> 9.5; 部分达成 -> 6; 未达成 -> 0",
        ) == (
            rule.words,
            rule.words_en,
        )

    def test_text_band_problems(self) -> None:
        """Unknown and repeated values are named at their band, and missing ones at the bands."""
        bands = [{"value": "达成", "score": 10}, {"value": "达", "score": 5}, {"value": "达成", "score": 8}]
        text, found = problems("band_table", input="level", bands=bands)
        assert [
            ("kind-parameter", "'达' is not one of level's values (did you mean '达成'?)", (at(text, "- {", 2)[0], 9)),
            ("kind-parameter", "'达成' is scored twice", (at(text, "- {", 3)[0], 9)),
        ] == found
        text, found = problems("band_table", input="level", bands=[{"value": "达成", "score": 10}])
        assert [("kind-parameter", "no score for '部分达成', '未达成'", (at(text, "- {")[0], 7))] == found

    def test_text_bands_need_values(self) -> None:
        """A text fact without declared values cannot be banded; a range over a text fact is refused."""
        text, found = problems("band_table", input="note", bands=[{"value": "a", "score": 1}])
        assert [
            ("kind-parameter", "fact 'note' needs a list of 'values' to be scored by value", after(text, "input: "))
        ] == found
        text, found = problems("band_table", input="level", bands=[{"range": "[0, 1]", "score": 1}])
        assert [
            ("kind-parameter", "a text input's bands are {value: ..., score: ...}", (at(text, "- {")[0], 7))
        ] == found

    @pytest.mark.parametrize("bands", ["x", [{"value": 0, "score": 1}, "[0, 1]"]])
    def test_bands_shape(self, bands: Any) -> None:
        """Bands are a list of mappings."""
        text, found = problems("band_table", input="r", bands=bands)
        message = "bands is a list of {range: ..., score: ...} or {value: ..., score: ...}"
        where = after(text, "bands: ") if bands == "x" else (at(text, "- {")[0], 7)
        assert [("kind-parameter", message, where)] == found

    def test_input_number_or_text(self) -> None:
        """A boolean input is refused, naming both accepted types."""
        text, found = problems("band_table", input="ok", bands=[{"value": True, "score": 1}])
        assert [("unknown-name", "input 'ok' is not a declared number or text fact", after(text, "input: "))] == found


class TestRatio:
    @pytest.mark.parametrize(
        ("actual", "expected"),
        [("0.8", "10"), ("0.8001", "10"), ("2", "10"), ("0.7", "8.75"), ("0.4", "5"), ("0", "0")],
    )
    def test_forward(self, actual: str, expected: str) -> None:
        """Forward: full marks from the target up, weight × actual ÷ target below it."""
        assert D(expected) == computed("ratio", {"x": actual}, actual="x", target=D("0.8"))

    @pytest.mark.parametrize(
        ("actual", "expected"), [("4", "10"), ("3.9", "10"), ("0", "10"), ("5", "8"), ("16", "2.5")]
    )
    def test_inverse(self, actual: str, expected: str) -> None:
        """Inverse: full marks at or below the target, weight × target ÷ actual above it."""
        assert D(expected) == computed("ratio", {"n": actual}, actual="n", target=4, direction="inverse")

    def test_words(self) -> None:
        """Both directions say the rule with the operands' labels."""
        forward = rule_of("ratio", actual="x", target="n")
        assert ("得分 = 分值 × min(完成率 ÷ 次数, 1)", "weight × min(completion / n, 1)") == (
            forward.words,
            forward.words_en,
        )
        by_fact = rule_of("ratio", actual="x", target="n", direction="inverse")
        assert (
            "反向指标：不高于次数得满分，否则得分 = 分值 × 次数 ÷ 完成率",
            "inverse: full marks at or below n, else weight × n / completion",
        ) == (by_fact.words, by_fact.words_en)
        inverse = rule_of("ratio", actual="n", target=4, direction="inverse")
        assert (
            "反向指标：不高于4得满分，否则得分 = 分值 × 4 ÷ 次数",
            "inverse: full marks at or below 4, else weight × 4 / n",
        ) == (inverse.words, inverse.words_en)

    OVER: ClassVar[Any] = {"beyond": D("1.5"), "points": 1, "per": D("0.1")}

    @pytest.mark.parametrize(
        ("actual", "expected"),
        [
            ("0.5", "5"),
            ("1", "10"),
            ("1.4", "10"),
            ("1.5", "10"),
            ("1.55", "9.5"),
            ("1.8", "7"),
            ("2.5", "0"),
            ("9", "0"),
        ],
    )
    def test_over_achievement(self, actual: str, expected: str) -> None:
        """Below, at and beyond the point where over-achievement starts to cost, down to 0."""
        assert D(expected) == computed("ratio", {"x": actual}, actual="x", target=1, over_achievement=self.OVER)

    def test_over_achievement_on_a_target_other_than_one(self) -> None:
        """The ratio, not the actual, is compared with the point beyond which points are lost."""
        over = {"beyond": D("1.5"), "points": 2, "per": D("0.5")}
        assert D("8") == computed("ratio", {"n": "4"}, actual="n", target=2, over_achievement=over)
        assert D("10") == computed("ratio", {"n": "3"}, actual="n", target=2, over_achievement=over)

    def test_over_achievement_words(self) -> None:
        """The over-achievement rule is added to the words."""
        rule = rule_of("ratio", actual="x", target=1, over_achievement=self.OVER)
        assert (
            "得分 = 分值 × min(完成率 ÷ 1, 1)；完成率超过1.5的部分每0.1扣1分",
            "weight × min(completion / 1, 1); 1 off per 0.1 of the ratio beyond 1.5",
        ) == (rule.words, rule.words_en)

    @pytest.mark.parametrize("target", [0, D("0.00"), "0"])
    def test_target_zero_refused(self, target: Any) -> None:
        """A target of 0 makes no ratio, however written."""
        text, found = problems("ratio", actual="x", target=target)
        assert [
            (
                "kind-parameter",
                "a target of 0 makes no ratio; use threshold_deduction or binary",
                after(text, "target: "),
            )
        ] == found

    def test_target_zero_inverse_refused(self) -> None:
        """An inverse ratio with a target of 0 is refused too."""
        _, found = problems("ratio", actual="x", target=0, direction="inverse")
        assert ["kind-parameter"] == [code for code, _, _ in found]

    def test_one_bad_operand(self) -> None:
        """A bad actual alone is reported alone; so is a bad target or direction."""
        text, found = problems("ratio", actual="level", target=1)
        assert [("unknown-name", "actual 'level' is not a declared number fact", after(text, "actual: "))] == found
        text, found = problems("ratio", actual="x", target="level")
        assert [("unknown-name", "target 'level' is not a declared number fact", after(text, "target: "))] == found
        text, found = problems("ratio", actual="x", target=1, direction="back")
        assert [
            ("kind-parameter", "direction must be forward or inverse, not 'back'", after(text, "direction: "))
        ] == found

    OVER_SHAPE = "over_achievement is {beyond: ..., points: ..., per: ...}, for forward ratios"

    @pytest.mark.parametrize(
        ("direction", "over"),
        [
            ("inverse", {"beyond": D("1.5"), "points": 1, "per": D("0.1")}),
            ("forward", {"beyond": D("1.5"), "points": 1}),
            ("forward", {"beyond": D("1.5"), "points": 1, "per": D("0.1"), "extra": 1}),
            ("forward", "1.5"),
        ],
    )
    def test_over_achievement_shape(self, direction: str, over: Any) -> None:
        """Over-achievement needs exactly beyond, points and per, on a forward ratio."""
        text, found = problems("ratio", actual="x", target=1, direction=direction, over_achievement=over)
        assert [("kind-parameter", self.OVER_SHAPE, after(text, "over_achievement: "))] == found

    def test_over_achievement_numbers(self) -> None:
        """beyond and per must be above 0 and points not negative, each located inside the mapping."""
        over = {"beyond": 0, "points": -1, "per": 0}
        text, found = problems("ratio", actual="x", target=1, over_achievement=over)
        assert [
            ("kind-parameter", "beyond must be a number above 0, not 0", after(text, '"beyond": ')),
            ("kind-parameter", "points must be a number, 0 or more, not -1", after(text, '"points": ')),
            ("kind-parameter", "per must be a number above 0, not 0", after(text, '"per": ')),
        ] == found

    def test_over_achievement_points_zero(self) -> None:
        """Over-achievement costing 0 points never lowers the score."""
        over = {"beyond": 1, "points": 0, "per": 1}
        assert D("10") == computed("ratio", {"x": "5"}, actual="x", target=1, over_achievement=over)


class TestThresholdDeduction:
    ABOVE: ClassVar[Any] = {"input": "x", "threshold": D("0.1"), "points": D("0.8"), "per": D("0.01")}

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("-5", "10"),
            ("0.0999", "10"),
            ("0.1", "10"),
            ("0.1001", "9.992"),
            ("0.11", "9.2"),
            ("0.15", "6"),
            ("0.3", "0"),
        ],
    )
    def test_above(self, value: str, expected: str) -> None:
        """Nothing is lost up to the threshold; beyond it points × distance ÷ per, down to 0."""
        assert D(expected) == computed("threshold_deduction", {"x": value}, **self.ABOVE)

    @pytest.mark.parametrize(
        ("value", "expected"), [("2", "10"), ("1", "10"), ("0.9999", "9.999"), ("0.75", "7.5"), ("0", "0")]
    )
    def test_below(self, value: str, expected: str) -> None:
        """direction: below loses points for falling short of the threshold."""
        params = {"input": "x", "threshold": 1, "points": D("0.5"), "per": D("0.05"), "direction": "below"}
        assert D(expected) == computed("threshold_deduction", {"x": value}, **params)

    @pytest.mark.parametrize(("value", "expected"), [("3", "10"), ("4.5", "7"), ("8", "0")])
    def test_default_per_is_one(self, value: str, expected: str) -> None:
        """Without per, points go per whole unit beyond the threshold."""
        assert D(expected) == computed("threshold_deduction", {"n": value}, input="n", threshold=3, points=2)

    def test_words(self) -> None:
        """The rule says the side, the threshold, the step and the points."""
        above = rule_of("threshold_deduction", **self.ABOVE)
        assert (
            "完成率超过0.1的部分每0.01扣0.8分，扣完为止",
            "0.8 off per 0.01 of completion above 0.1, down to 0",
        ) == (
            above.words,
            above.words_en,
        )
        below = rule_of("threshold_deduction", input="n", threshold=3, points=2, direction="below")
        assert ("次数低于3的部分每1扣2分，扣完为止", "2 off per 1 of n below 3, down to 0") == (
            below.words,
            below.words_en,
        )

    def test_problems(self) -> None:
        """Every bad parameter is reported together, each at its key."""
        params = {"input": "level", "threshold": "high", "points": -1, "per": 0, "direction": "up"}
        text, found = problems("threshold_deduction", **params)
        assert [
            ("unknown-name", "input 'level' is not a declared number fact", after(text, "input: ")),
            ("kind-parameter", "threshold must be a number, not 'high'", after(text, "threshold: ")),
            ("kind-parameter", "points must be a number, 0 or more, not -1", after(text, "points: ")),
            ("kind-parameter", "per must be a number above 0, not 0", after(text, "per: ")),
            ("kind-parameter", "direction must be above or below, not 'up'", after(text, "direction: ")),
        ] == found

    @pytest.mark.parametrize("bad", ["threshold", "points", "per", "direction"])
    def test_one_bad_parameter(self, bad: str) -> None:
        """One bad parameter alone is one problem."""
        params: dict[str, Any] = {"input": "x", "threshold": 0, "points": 1, "per": 1, "direction": "above"}
        params[bad] = "bad"
        _, found = problems("threshold_deduction", **params)
        assert 1 == len(found)


class TestStepDeduction:
    BELOW: ClassVar[Any] = {"input": "x", "step": D("0.05"), "points": 2}

    @pytest.mark.parametrize(
        ("value", "floor", "pro_rata"),
        [
            ("1.2", "10", "10"),
            ("1", "10", "10"),
            ("0.9999", "10", "9.996"),
            ("0.95", "8", "8"),
            ("0.9501", "10", "8.004"),
            ("0.9499", "8", "7.996"),
            ("0.9", "6", "6"),
            ("0.5", "0", "0"),
        ],
    )
    def test_below_the_target(self, value: str, floor: str, pro_rata: str) -> None:
        """Exactly on a step, just above and just below it, under both readings."""
        assert (D(floor), D(pro_rata)) == (
            computed("step_deduction", {"x": value}, reading="floor", **self.BELOW),
            computed("step_deduction", {"x": value}, reading="pro_rata", **self.BELOW),
        )

    @pytest.mark.parametrize(
        ("value", "floor", "pro_rata"),
        [("0", "10", "10"), ("0.1", "10", "10"), ("0.125", "9", "9"), ("0.13", "9", "8.8"), ("0.1249", "10", "9.004")],
    )
    def test_above_the_target(self, value: str, floor: str, pro_rata: str) -> None:
        """direction: above counts steps over the target; a non-integer step of 0.025."""
        params = {"input": "x", "target": D("0.1"), "step": D("0.025"), "points": 1, "direction": "above"}
        assert (D(floor), D(pro_rata)) == (
            computed("step_deduction", {"x": value}, reading="floor", **params),
            computed("step_deduction", {"x": value}, reading="pro_rata", **params),
        )

    def test_target_other_than_one(self) -> None:
        """A target of 0.9 counts steps from 0.9; a target of 0 is allowed."""
        assert D("8") == computed(
            "step_deduction", {"x": "0.8"}, target=D("0.9"), step=D("0.1"), points=2, input="x", reading="floor"
        )
        assert D("10") == computed("step_deduction", {"x": "0"}, target=0, step=1, points=2, input="x", reading="floor")

    def test_words(self) -> None:
        """Each reading and direction reads back in both languages."""
        floor = rule_of("step_deduction", reading="floor", **self.BELOW)
        assert (
            "完成率达到1得满分，每低于0.05扣2分，按整档计（不足一档不扣），扣完为止",
            "full marks at or above 1; 2 off per 0.05 below it (whole steps only), down to 0",
        ) == (floor.words, floor.words_en)
        above = rule_of(
            "step_deduction", input="n", target=3, step=1, points=D("0.5"), reading="pro_rata", direction="above"
        )
        assert (
            "次数不高于3得满分，每高于1扣0.5分，按比例计（不足一档按比例扣），扣完为止",
            "full marks at or below 3; 0.5 off per 1 above it (fractions of a step count), down to 0",
        ) == (above.words, above.words_en)

    def test_problems(self) -> None:
        """Every bad parameter is reported together, each at its key."""
        params = {"input": True, "target": -1, "step": 0, "points": "x", "reading": "round", "direction": "down"}
        text, found = problems("step_deduction", **params)
        assert [
            (
                "kind-parameter",
                "input must be a number fact, a number or an expression, not True",
                after(text, "input: "),
            ),
            ("kind-parameter", "target must be a number, 0 or more, not -1", after(text, "target: ")),
            ("kind-parameter", "step must be a number above 0, not 0", after(text, "step: ")),
            ("kind-parameter", "points must be a number, 0 or more, not 'x'", after(text, "points: ")),
            ("kind-parameter", "reading must be floor or pro_rata, not 'round'", after(text, "reading: ")),
            ("kind-parameter", "direction must be below or above, not 'down'", after(text, "direction: ")),
        ] == found

    @pytest.mark.parametrize("bad", ["target", "step", "points", "reading", "direction"])
    def test_one_bad_parameter(self, bad: str) -> None:
        """One bad parameter alone is one problem."""
        params: dict[str, Any] = {
            "input": "x",
            "target": 1,
            "step": 1,
            "points": 1,
            "reading": "floor",
            "direction": "below",
        }
        params[bad] = "bad"
        _, found = problems("step_deduction", **params)
        assert 1 == len(found)


class TestPerOccurrence:
    @pytest.mark.parametrize(
        ("count", "expected"), [("0", "10"), ("1", "8.5"), ("6", "1"), ("6.6", "0.1"), ("7", "0"), ("100", "0")]
    )
    def test_counts(self, count: str, expected: str) -> None:
        """Each occurrence costs its points, down to 0."""
        assert D(expected) == computed("per_occurrence", {"n": count}, input="n", points=D("1.5"))

    def test_expression_count(self) -> None:
        """The count may be an expression."""
        assert D("6") == computed("per_occurrence", {"n": "1"}, input="n + 1", points=2)

    def test_words(self) -> None:
        """The rule names the count by its label (English: its name)."""
        rule = rule_of("per_occurrence", input="n", points=D("1.5"))
        assert ("每发生一次（次数）扣1.5分，扣完为止", "1.5 off per occurrence (n), down to 0") == (
            rule.words,
            rule.words_en,
        )

    @pytest.mark.parametrize(("points", "shown"), [(0, "0"), (-1, "-1")])
    def test_points_above_zero(self, points: int, shown: str) -> None:
        """Points per occurrence must be above 0."""
        text, found = problems("per_occurrence", input="n", points=points)
        assert [("kind-parameter", f"points must be a number above 0, not {shown}", after(text, "points: "))] == found

    def test_bad_input(self) -> None:
        """A text fact is no count."""
        text, found = problems("per_occurrence", input="note", points=1)
        assert [("unknown-name", "input 'note' is not a declared number fact", after(text, "input: "))] == found


class TestBinaryAndChecklist:
    def test_binary(self) -> None:
        """True is full marks, false is 0, with the fact's labels in the words."""
        assert (D("10"), D("0")) == (
            computed("binary", {"ok": True}, input="ok"),
            computed("binary", {"ok": False}, input="ok"),
        )
        rule = rule_of("binary", input="ok")
        assert ("合规则得满分，否则不得分", "full marks if compliant, else 0") == (rule.words, rule.words_en)
        plain = rule_of("binary", input="ok2")
        assert ("ok2则得满分，否则不得分", "full marks if ok2, else 0") == (plain.words, plain.words_en)

    def test_binary_needs_a_boolean(self) -> None:
        """A number fact is refused at the input."""
        text, found = problems("binary", input="x")
        assert [("unknown-name", "input 'x' is not a declared boolean fact", after(text, "input: "))] == found

    ITEMS: ClassVar[Any] = [{"name": "有制度", "input": "ok2", "points": D("2.5")}, {"input": "ok", "points": D("7.5")}]

    @pytest.mark.parametrize(
        ("ok", "ok2", "expected"), [(True, True, "10"), (True, False, "7.5"), (False, True, "2.5"), (False, False, "0")]
    )
    def test_checklist(self, ok: bool, ok2: bool, expected: str) -> None:
        """Each item satisfied adds its points."""
        assert D(expected) == computed("checklist", {"ok": ok, "ok2": ok2}, items=self.ITEMS)

    def test_checklist_words(self) -> None:
        """Items are named by their name, else the fact's label, else its name."""
        rule = rule_of("checklist", items=self.ITEMS)
        assert (
            "满足一项得一项的分：有制度 2.5分；合规 7.5分",
            "the points of each item satisfied: 有制度 2.5; compliant 7.5",
        ) == (
            rule.words,
            rule.words_en,
        )
        plain = rule_of("checklist", items=[{"input": "ok2", "points": 10}])
        assert ("满足一项得一项的分：ok2 10分", "the points of each item satisfied: ok2 10") == (
            plain.words,
            plain.words_en,
        )

    def test_checklist_sum(self) -> None:
        """Points adding up to less or more than the weight are refused at the items."""
        for points, total in ((D("2.5"), "10.5"), (D("1.5"), "9.5")):
            items = [{"input": "ok2", "points": points}, {"input": "ok", "points": 8}]
            text, found = problems("checklist", items=items)
            assert [
                ("kind-parameter", f"the items' points add up to {total}, not the weight 10", (at(text, "- {")[0], 7))
            ] == found

    def test_checklist_item_problems(self) -> None:
        """Each item's problems are located inside it; a bad item does not hide the next."""
        items = [
            {"input": "x", "points": 1},
            {"input": "ok", "points": D("1.234")},
            {"input": "ok"},
            {"input": "ok", "points": 1, "weight": 1},
            "ok",
            {"input": "ok2", "points": 11},
        ]
        text, found = problems("checklist", items=items)
        shape = "each item is {name: ..., input: <boolean fact>, points: ...}"
        assert [
            ("unknown-name", "input 'x' is not a declared boolean fact", after(text, '"input": ')),
            ("kind-parameter", POINTS.format("Decimal('1.234')"), after(text, '"points": ', 2)),
            ("kind-parameter", shape, (at(text, "- {", 3)[0], 9)),
            ("kind-parameter", shape, (at(text, "- {", 4)[0], 9)),
            ("kind-parameter", shape, (at(text, '- "ok"')[0], 9)),
            ("kind-parameter", POINTS.format("11"), after(text, '"points": ', 4)),
        ] == found

    @pytest.mark.parametrize("items", ["ok", []])
    def test_checklist_items_list(self, items: Any) -> None:
        """Items are a non-empty list."""
        text, found = problems("checklist", items=items)
        assert [("kind-parameter", "items is a list of {name, input, points}", after(text, "items: "))] == found

    def test_checklist_with_zero_points_item(self) -> None:
        """An item may carry 0 points."""
        items = [{"input": "ok2", "points": 0}, {"input": "ok", "points": 10}]
        assert D("0") == computed("checklist", {"ok": False, "ok2": True}, items=items)


class TestCategorical:
    SCORES: ClassVar[Any] = {"未达成": 0, "达成": D("9.5"), "部分达成": 6}

    @pytest.mark.parametrize(("value", "expected"), [("达成", "9.5"), ("部分达成", "6"), ("未达成", "0")])
    def test_scores(self, value: str, expected: str) -> None:
        """Each value scores its points, whatever order the scores are listed in."""
        assert D(expected) == computed("categorical", {"level": value}, input="level", scores=self.SCORES)

    def test_words(self) -> None:
        """Values are listed in the fact's order, with its labels, or its name."""
        rule = rule_of("categorical", input="level", scores=self.SCORES)
        assert (
            "按达成情况计分：达成 得 9.5 分；部分达成 得 6 分；未达成 得 0 分",
            "by attainment: 达成 -> 9.5; 部分达成 -> 6; 未达成 -> 0",
        ) == (
            rule.words,
            rule.words_en,
        )
        plain = rule_of("categorical", input="mark", scores={"优": 10, "良": 5, "差": 0})
        assert ("按mark计分：优 得 10 分；良 得 5 分；差 得 0 分", "by mark: 优 -> 10; 良 -> 5; 差 -> 0") == (
            plain.words,
            plain.words_en,
        )

    def test_problems_at_each_value(self) -> None:
        """An unknown value and a bad score are named at their entry, missing values at the scores."""
        text, found = problems("categorical", input="level", scores={"达成": 11, "达成了": 1, "部分达成": 5})
        assert [
            ("kind-parameter", POINTS.format("11"), after(text, '"达成": ')),
            (
                "kind-parameter",
                "'达成了' is not one of level's values (did you mean '达成'?)",
                after(text, '"达成了": '),
            ),
        ] == found
        text, found = problems("categorical", input="level", scores={"达成": 10})
        assert [("kind-parameter", "no score for '部分达成', '未达成'", after(text, "scores: "))] == found

    def test_scores_shape(self) -> None:
        """Scores are a non-empty mapping; a bad input is reported too."""
        message = "scores maps each value to its points, e.g. {达成: 10, 未达成: 0}"
        text, found = problems("categorical", input="level", scores={})
        assert [("kind-parameter", message, after(text, "scores: "))] == found
        text, found = problems("categorical", input="x", scores=["达成"])
        assert [
            ("unknown-name", "input 'x' is not a declared text fact", after(text, "input: ")),
            ("kind-parameter", message, (at(text, "scores:")[0] + 1, 7)),
        ] == found
        text, found = problems("categorical", input="x", scores={"达成": 10})
        assert [("unknown-name", "input 'x' is not a declared text fact", after(text, "input: "))] == found

    def test_many_long_values(self) -> None:
        """A rule over many long values may be longer than a written expression."""
        values = EXTRA_FACTS["many"]["values"]
        scores = {v: 10 if i == 3 else 0 for i, v in enumerate(values)}
        rule = rule_of("categorical", input="many", scores=scores)
        assert rule.expression is not None and len(rule.expression.source) > 8_000
        assert D("10") == computed("categorical", {"many": values[3]}, input="many", scores=scores)

    def test_fact_needs_values(self) -> None:
        """A text fact without values cannot be scored by value."""
        text, found = problems("categorical", input="note", scores={"a": 1})
        assert [
            ("kind-parameter", "fact 'note' needs a list of 'values' to be scored by value", after(text, "input: "))
        ] == found


TIERS = [
    {"value": "达成", "from": D("0.85"), "to": 1},
    {"value": "部分达成", "from": D("0.6"), "to": D("0.85")},
    {"value": "未达成", "from": 0, "to": D("0.6")},
]


class TestQualitativeTier:
    @pytest.mark.parametrize(
        ("tier", "inside", "outside"),
        [
            ("达成", ["8", "9.99", "10"], [("7.99", "[8.0, 10]")]),
            ("部分达成", ["6", "7.99"], [("5.99", "[6.0, 8.0)"), ("8.00", "[6.0, 8.0)")]),
            ("未达成", ["0", "5.99"], [("6.00", "[0, 6.0)")]),
        ],
    )
    def test_default_tiers(self, tier: str, inside: list[str], outside: list[tuple[str, str]]) -> None:
        """Lower ends are included, upper ends excluded except at full marks."""
        for claim in inside:
            assert D(claim) == scored("qualitative_tier", {"level": tier}, claim, input="level").score
        for claim, shown in outside:
            assert [("evaluation", f"{claim} is outside {shown}")] == evaluation_problems(
                "qualitative_tier", {"level": tier}, claim, input="level"
            )

    @pytest.mark.parametrize(
        ("tier", "inside", "outside"),
        [
            ("达成", ["8.5", "10"], [("8.49", "[8.50, 10]")]),
            ("部分达成", ["6", "8.49"], [("8.50", "[6.0, 8.50)"), ("5.99", "[6.0, 8.50)")]),
            ("未达成", ["0", "5.99"], [("6.00", "[0, 6.0)")]),
        ],
    )
    def test_declared_tiers(self, tier: str, inside: list[str], outside: list[tuple[str, str]]) -> None:
        """Declared tiers are fractions of the weight with the same ends."""
        for claim in inside:
            assert D(claim) == scored("qualitative_tier", {"level": tier}, claim, input="level", tiers=TIERS).score
        for claim, shown in outside:
            assert [("evaluation", f"{claim} is outside {shown}")] == evaluation_problems(
                "qualitative_tier", {"level": tier}, claim, input="level", tiers=TIERS
            )

    def test_top_tier_below_one_is_open(self) -> None:
        """A top tier ending below 1 excludes its upper end too."""
        tiers = [{"value": "优", "from": D("0.5"), "to": D("0.9")}, {"value": "良", "from": D("0.9"), "to": 1}]
        tiers.append({"value": "差", "from": 0, "to": D("0.5")})
        assert [("evaluation", "9.00 is outside [5.0, 9.0)")] == evaluation_problems(
            "qualitative_tier", {"mark": "优"}, "9.00", input="mark", tiers=tiers
        )
        assert D("10") == scored("qualitative_tier", {"mark": "良"}, "10", input="mark", tiers=tiers).score

    def test_words(self) -> None:
        """Tiers read as percentages of the weight, in the fact's order."""
        default = rule_of("qualitative_tier", input="level")
        assert (
            "按达成情况分档，由评价人在档内打分：达成 100%–80%；部分达成 80%–60%；未达成 60%–0%（占分值）",
            "the assessor scores within the tier of attainment: 达成 80%-100%; 部分达成 60%-80%; 未达成 0%-60%",
        ) == (default.words, default.words_en)
        tiers = [
            {"value": v, "from": f, "to": t}
            for v, f, t in (("优", D("0.90"), 1), ("良", D("0.5"), D("0.90")), ("差", 0, D("0.5")))
        ]
        declared = rule_of("qualitative_tier", input="mark", tiers=tiers)
        assert (
            "按mark分档，由评价人在档内打分：优 100%–90%；良 90%–50%；差 50%–0%（占分值）",
            "the assessor scores within the tier of mark: 优 90%-100%; 良 50%-90%; 差 0%-50%",
        ) == (declared.words, declared.words_en)

    @pytest.mark.parametrize(
        ("frm", "to"),
        [(D("0.8"), D("0.8")), (D("0.9"), D("0.8")), (D("0.8"), D("1.01")), (D("-0.1"), D("0.6")), ("a", 1), (0, "b")],
    )
    def test_degenerate_tier(self, frm: Any, to: Any) -> None:
        """A tier must satisfy 0 <= from < to <= 1."""
        tiers = [{"value": "达成", "from": frm, "to": to}, *TIERS[1:]]
        text, found = problems("qualitative_tier", input="level", tiers=tiers)
        assert [
            ("kind-parameter", "from and to are fractions of the weight, 0 <= from < to <= 1", (at(text, "- {")[0], 9))
        ] == found

    def test_tier_limits_accepted(self) -> None:
        """A tier may start at 0 and end at 1."""
        tiers = [{"value": "达成", "from": 0, "to": 1}, {"value": "部分达成", "from": 0, "to": 1}, TIERS[2]]
        assert D("0") == scored("qualitative_tier", {"level": "达成"}, "0", input="level", tiers=tiers).score

    def test_tier_values(self) -> None:
        """Unknown and repeated tiers are named at their entry, missing ones at the tiers."""
        tiers = [TIERS[0], {"value": "达", "from": 0, "to": 1}, TIERS[0]]
        text, found = problems("qualitative_tier", input="level", tiers=tiers)
        message = "{!r} is not one of level's values, or is listed twice"
        assert [
            ("kind-parameter", message.format("达"), (at(text, "- {", 2)[0], 9)),
            ("kind-parameter", message.format("达成"), (at(text, "- {", 3)[0], 9)),
        ] == found
        text, found = problems("qualitative_tier", input="level", tiers=[TIERS[0]])
        assert [("kind-parameter", "no tier for 部分达成, 未达成", (at(text, "- {")[0], 7))] == found

    @pytest.mark.parametrize(
        "tiers", ["x", [{"value": "达成", "from": 0}], [{"value": "达成", "from": 0, "to": 1, "x": 1}]]
    )
    def test_tiers_shape(self, tiers: Any) -> None:
        """Tiers are a list of {value, from, to}."""
        text, found = problems("qualitative_tier", input="level", tiers=tiers)
        where = after(text, "tiers: ") if tiers == "x" else (at(text, "- {")[0], 7)
        assert [("kind-parameter", "tiers is a list of {value: ..., from: 0.8, to: 1}", where)] == found

    def test_default_tiers_need_default_values(self) -> None:
        """Without tiers, the values must be 达成, 部分达成 and 未达成."""
        text, found = problems("qualitative_tier", input="mark")
        message = "without 'tiers', the values must be among 达成, 部分达成, 未达成; not 优, 良, 差"
        assert [("kind-parameter", message, after(text, "input: "))] == found

    def test_input_problems(self) -> None:
        """The input is a text fact with values."""
        text, found = problems("qualitative_tier", input="note")
        assert [("kind-parameter", "fact 'note' needs a list of 'values': the tiers", after(text, "input: "))] == found
        text, found = problems("qualitative_tier", input="x")
        assert [("unknown-name", "input 'x' is not a declared text fact", after(text, "input: "))] == found


PREFIXES = [
    ("≥", ">="), (">=", ">="), ("＞＝", ">="), ("≧", ">="), ("≤", "<="), ("<=", "<="), ("＜＝", "<="), ("≦", "<="),
    ("＞", ">"), (">", ">"), ("＜", "<"), ("<", "<"), ("＝", "="), ("=", "="), ("不低于", ">="), ("不少于", ">="),
    ("不小于", ">="), ("至少", ">="), ("达到", ">="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="),
    ("不大于", "<="), ("控制在", "<="), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"), ("小于", "<"),
    ("低于", "<"), ("少于", "<"),
]  # fmt: skip
SUFFIXES = [("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<=")]


class TestParseTarget:
    @pytest.mark.parametrize(("word", "comparator"), PREFIXES)
    def test_every_prefix(self, word: str, comparator: str) -> None:
        """Each comparison word before the number means its comparator."""
        target = parse_target(f"{word}12.5个")
        assert (comparator, D("12.5"), "个", "number") == (target.comparator, target.value, target.unit, target.kind)

    @pytest.mark.parametrize(("word", "comparator"), SUFFIXES)
    def test_every_suffix(self, word: str, comparator: str) -> None:
        """Each comparison word after the number (and unit) means its comparator."""
        target = parse_target(f"95%{word}")
        assert (comparator, D("0.95"), "%") == (target.comparator, target.value, target.unit)

    @pytest.mark.parametrize(
        ("text", "comparator", "value", "unit"),
        [
            ("5", "=", "5", None),
            (" 1，288.38 万元。", "=", "1288.38", "万元"),
            ("1,000人次.", "=", "1000", "人次"),
            (".5", "=", "0.5", None),
            ("≥95％", ">=", "0.95", "%"),
            ("≥95%（含）", ">=", "0.95", "%"),
            ("≤5天(含)", "<=", "5", "天"),
            ("≥5以上", ">=", "5", None),
            ("≤3个工作日以内", "<=", "3", "个工作日"),
            ("12345678", "=", "12345678", None),
            ("5米米米米米米米", "=", "5", "米米米米米米米"),
            ("13月", "=", "13", "月"),
            ("3X", "=", "3", "X"),
        ],
    )
    def test_quantities(self, text: str, comparator: str, value: str, unit: str | None) -> None:
        """Spaces, full stops, thousands separators, 含 and full-width percent signs are read as forms write them."""
        target = parse_target(text)
        assert (comparator, D(value), unit, text, None, None, False) == (
            target.comparator,
            target.value,
            target.unit,
            target.raw,
            target.deadline,
            target.tier,
            target.not_applicable,
        )

    @pytest.mark.parametrize(
        ("text", "deadline", "comparator"),
        [
            ("9月前", (None, 9, 0), "<"),
            ("9月之前", (None, 9, 0), "<"),
            ("9月以前", (None, 9, 0), "<"),
            ("09月前", (None, 9, 0), "<"),
            ("9月底前", (None, 9, 30), "<="),
            ("9月末前", (None, 9, 30), "<="),
            ("9月底", (None, 9, 30), "<="),
            ("9月", (None, 9, 30), "<="),
            ("9月15日前", (None, 9, 15), "<="),
            ("9月1日", (None, 9, 1), "<="),
            ("2月29日", (None, 2, 29), "<="),
            ("2月底", (None, 2, 29), "<="),
            ("1月底", (None, 1, 31), "<="),
            ("4月", (None, 4, 30), "<="),
            ("10月31日", (None, 10, 31), "<="),
            ("11月", (None, 11, 30), "<="),
            ("12月31日前", (None, 12, 31), "<="),
            ("2022年底前", (2022, 12, 31), "<="),
            ("2022年末", (2022, 12, 31), "<="),
            ("2023年6月30日前", (2023, 6, 30), "<="),
            ("2024年3月", (2024, 3, 31), "<="),
            ("2024年3月前", (2024, 3, 0), "<"),
        ],
    )
    def test_deadlines(self, text: str, deadline: tuple[int | None, int, int], comparator: str) -> None:
        """Deadlines run to the month's (or year's) last day unless 'before' a month; Feb runs to the 29th."""
        target = parse_target(text)
        assert (deadline, comparator, None, "deadline") == (
            target.deadline,
            target.comparator,
            target.value,
            target.kind,
        )

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("2月30日", "'2月30日': 2月 has no day 30"),
            ("4月31日", "'4月31日': 4月 has no day 31"),
            ("1月32日", "'1月32日': 1月 has no day 32"),
            ("9月0日", "'9月0日': 9月 has no day 0"),
            ("≥9月底前", "'≥9月底前': write a deadline as 9月底前 or 2022年12月31日前, without a comparison"),
            ("9月以内", "'9月以内': write a deadline as 9月底前 or 2022年12月31日前, without a comparison"),
            ("≥5以下", "'≥5以下' says both >= and <="),
            ("≤5以上", "'≤5以上' says both <= and >="),
            ("90-95%", "'90-95%': ranges are not read; write the bound that matters, e.g. ≥95%"),
            ("90~95", "'90~95': ranges are not read; write the bound that matters, e.g. ≥95%"),
            ("90～95", "'90～95': ranges are not read; write the bound that matters, e.g. ≥95%"),
            ("90至95", "'90至95': ranges are not read; write the bound that matters, e.g. ≥95%"),
            ("5年", "'5年': '年' is not a unit"),
            ("2022年", "'2022年': '年' is not a unit"),
            ("5%米", "'5%米': '%米' is not a unit"),
            ("5米％", "'5米％': '米％' is not a unit"),
            ("5米米米米米米米米米", "'5米米米米米米米米米': '米米米米米米米米米' is not a unit"),
            ("5米2", "'5米2': '米2' is not a unit"),
            ("1" + "0" * 30, f"'{'1' + '0' * 30}': the number is out of range"),
            (
                "≥很多",
                "'≥很多' is not a target perfrules can read: write e.g. ≥266米, ≤4, 98%以上, 9月底前, 达成预期指标 or /",
            ),
            (
                "不低于.",
                "'不低于.' is not a target perfrules can read: write e.g. ≥266米, ≤4, 98%以上, 9月底前, 达成预期指标 or /",
            ),
        ],
    )
    def test_refused(self, text: str, message: str) -> None:
        """Impossible days, comparisons on deadlines, ranges, non-units, and texts that open as a quantity but are
        none, are refused."""
        with pytest.raises(TargetError) as excinfo:
            parse_target(text)
        assert message == str(excinfo.value)

    def test_no_leap_day_in_a_common_year(self) -> None:
        """2023 has no 29 February; 2024 has, and a date without a year may mean a leap year."""
        with pytest.raises(TargetError, match="no day 29"):
            parse_target("2023年2月29日")
        assert (2024, 2, 29) == parse_target("2024年2月29日").deadline
        assert (None, 2, 29) == parse_target("2月29日").deadline
        assert (2023, 2, 28) == parse_target("2023年2月底前").deadline

    def test_eight_character_unit(self) -> None:
        """A unit may have eight characters."""
        assert "米" * 8 == parse_target("5" + "米" * 8).unit

    @pytest.mark.parametrize("text", ["", " ", "/", "／", "-", "—", "无此项", "不适用", " / 。"])
    def test_not_applicable(self, text: str) -> None:
        """Slashes, dashes, blanks and 不适用 mark a row not applicable."""
        target = parse_target(text)
        assert (True, "not_applicable", text, None, "=") == (
            target.not_applicable,
            target.kind,
            target.raw,
            target.value,
            target.comparator,
        )

    @pytest.mark.parametrize(
        ("tier", "words"),
        [
            (
                "达成",
                ["达成", "达到预期目标", "已完成", "按时", "显著提高", "良好", "合格", "是", "有", "达成预期指标。"],
            ),
            ("部分达成", ["部分达成", "基本完成", "有所提升", "一般", "较好", "基 本 达 成"]),
            ("未达成", ["未达成", "未完成", "未达标", "差", "不合格", "否", "无"]),
        ],
    )
    def test_words(self, tier: str, words: list[str]) -> None:
        """Qualitative words are their tier, read after spaces and a full stop are dropped."""
        for word in words:
            target = parse_target(word)
            assert (tier, "word", None, None) == (target.tier, target.kind, target.value, target.deadline)


def target_score(target: str, actual: str, **extra: Any) -> Decimal | None:
    """What a 'target' leaf of weight 10 computes."""
    return computed("target", {}, target=target, actual=actual, **extra)


class TestTargetKind:
    @pytest.mark.parametrize(
        ("target", "actual", "expected"),
        [
            ("≥266米", "270米", "10"),
            ("≥266米", "266米", "10"),
            ("≥266米", "133米", "5"),
            ("≥266米", "133", "5"),
            ("≥266米", "≥270米", "10"),
            ("＞100", "100", "10"),
            ("＞100", "50", "5"),
            (">0", "0", "0"),
            ("≥0", "0", "10"),
            ("98%以上", "49%", "5"),
            ("不低于95%", "95%", "10"),
            ("<5%", "5%", "10"),
            ("<5%", "4.99%", "10"),
            ("<5%", "10%", "5"),
            ("<0", "0", "0"),
            ("≤0", "0", "10"),
            ("≤4", "8", "5"),
            ("≤4", "4", "10"),
            ("≤4", "0", "10"),
            ("5天以内", "10天", "5"),
            ("10以下", "20", "5"),
            ("≤4", "≤3", "10"),
            ("=100", "100", "10"),
            ("100", "80", "8"),
            ("=100", "125", "8"),
            ("=100%", "0%", "0"),
            ("=0", "0", "10"),
            ("=0", "5", "0"),
            ("=100", "≥80", "8"),
            (100, "50", "5"),
        ],
    )
    def test_quantitative(self, target: Any, actual: str, expected: str) -> None:
        """Met is full marks; otherwise actual ÷ target (≥, >), target ÷ actual (≤, <), the smaller of both (=)."""
        assert D(expected) == target_score(target, actual)

    @pytest.mark.parametrize(
        ("target", "actual", "nature", "expected"),
        [
            ("=100", "120", "正向", "10"),
            ("=100", "80", "正向", "8"),
            ("=100", "50", "反向", "10"),
            ("=100", "200", "反向", "5"),
            ("≥90", "45", "正向", "5"),
            ("≤5", "10", "反向", "5"),
            ("≤5个工作日", "10个工作日", "时效", "5"),
            ("≥5个", "4个", "时效", "8"),
        ],
    )
    def test_declared_nature(self, target: str, actual: str, nature: str, expected: str) -> None:
        """A declared 正向/反向 decides how an "=" target is read; 时效 numbers follow their comparator."""
        assert D(expected) == target_score(target, actual, nature=nature)

    @pytest.mark.parametrize(
        ("target", "actual", "expected"),
        [
            ("9月底前", "9月30日", "10"),
            ("9月底前", "9月", "10"),
            ("9月底前", "10月1日", "0"),
            ("9月前", "8月31日", "10"),
            ("9月前", "8月", "10"),
            ("9月前", "9月前", "10"),
            ("9月前", "9月1日", "0"),
            ("9月1日", "9月前", "10"),
            ("8月31日", "9月前", "0"),
            ("8月30日", "9月前", "0"),
            ("2月底前", "2月29日", "10"),
            ("2月28日", "2月29日", "0"),
            ("2022年底前", "2022年12月31日", "10"),
            ("2022年底前", "2023年1月1日", "0"),
            ("2022年12月底前", "2023年1月", "0"),
            ("2023年6月30日前", "2022年12月", "10"),
            ("12月底前", "2022年11月", "10"),
            ("2022年底前", "11月", "10"),
            ("6月底前", "2021年7月", "0"),
            ("0000年12月底前", "0001年1月", "0"),
            ("0001年1月底前", "0000年12月", "10"),
        ],
    )
    def test_deadlines(self, target: str, actual: str, expected: str) -> None:
        """On time is full marks, late is 0; years count only when both sides give one."""
        assert D(expected) == target_score(target, actual)

    def test_words(self) -> None:
        """Each branch says the target, the actual and how it scores."""
        forward = rule_of("target", target="≥266米", actual="133米")
        assert (
            "正向指标，指标值 ≥266米，完成值 133米；达到得满分，未达到按 完成值 ÷ 指标值 × 分值",
            "forward target ≥266米, actual 133米: met -> full marks, else pro rata",
        ) == (forward.words, forward.words_en)
        inverse = rule_of("target", target="<5%", actual="6%")
        assert (
            "反向指标，指标值 <5%，完成值 6%；达到得满分，未达到按 指标值 ÷ 完成值 × 分值",
            "inverse target <5%, actual 6%: met -> full marks, else pro rata",
        ) == (inverse.words, inverse.words_en)
        equal = rule_of("target", target="=100", actual="80")
        assert (
            "指标值 =100，完成值 80；等于指标值得满分，否则按 完成值与指标值之比（取小）× 分值",
            "forward target =100, actual 80: met -> full marks, else pro rata",
        ) == (equal.words, equal.words_en)
        deadline = rule_of("target", target="9月底前", actual="10月")
        assert (
            "时效指标，指标值 9月底前，完成值 10月；按时完成得满分，否则不得分",
            "deadline 9月底前, done 10月: on time -> full marks, else 0",
        ) == (deadline.words, deadline.words_en)
        word = rule_of("target", target="显著提升", actual="基本达成")
        assert (
            "定性指标，指标值 显著提升，完成值 基本达成（部分达成）；由评价人在 6.0–8.0 分内打分",
            "qualitative, 基本达成 (部分达成): the assessor scores within 6.0-8.0",
        ) == (word.words, word.words_en)

    @pytest.mark.parametrize(
        ("target", "actual", "nature", "inside", "outside"),
        [
            ("显著提升", "达成预期指标", None, ["8", "10"], [("7.99", "[8.0, 10]")]),
            ("显著提升", "基本达成", None, ["6", "7.99"], [("8.00", "[6.0, 8.0)"), ("5.99", "[6.0, 8.0)")]),
            ("显著提升", "未完成", None, ["0", "5.99"], [("6.00", "[0, 6.0)")]),
            ("无", "无", None, ["8", "10"], [("7.99", "[8.0, 10]")]),
            (" 未达成", "未达成 ", None, ["10"], []),
            ("≥95%", "达成", "定性", ["10"], [("7.99", "[8.0, 10]")]),
            ("≥95%", "≥95%", "定性", ["8"], [("7.99", "[8.0, 10]")]),
        ],
    )
    def test_qualitative(
        self, target: str, actual: str, nature: str | None, inside: list[str], outside: list[tuple[str, str]]
    ) -> None:
        """The claim must lie in the actual's tier; an actual written as the target is 达成."""
        extra = {"nature": nature} if nature else {}
        for claim in inside:
            assert D(claim) == scored("target", {}, claim, target=target, actual=actual, **extra).score
        for claim, shown in outside:
            assert [("evaluation", f"{claim} is outside {shown}")] == evaluation_problems(
                "target", {}, claim, target=target, actual=actual, **extra
            )

    @pytest.mark.parametrize(
        ("target", "actual", "nature", "problem"),
        [
            (True, "5", None, ("kind-parameter", "target is the text written on the form, e.g. '≥266米', not True", "target")),
            ("5", {"a": 1}, None, ("kind-parameter", "actual is the text written on the form, e.g. '≥266米', not {'a': 1}", "actual")),
            ("≥很多", "5", None, ("target", "'≥很多' is not a target perfrules can read: write e.g. ≥266米, ≤4, 98%以上, 9月底前, 达成预期指标 or /", "target")),
            ("≥266米", "已完成", None, ("target", "the actual '已完成' cannot be compared with the target '≥266米'", "actual")),
            ("5", "5", "向前", ("kind-parameter", "nature (指标性质) is one of 正向, 反向, 定性, 时效, not '向前'", "nature")),
            ("5", "5", 1, ("kind-parameter", "nature (指标性质) is one of 正向, 反向, 定性, 时效, not 1", "nature")),
            ("≥5", "/", None, ("kind-parameter", "'/' marks the row not applicable: leave out its score", "actual")),
            ("/", "5", None, ("kind-parameter", "'/' marks the row not applicable: leave out its score", "actual")),
            ("≥95%", "9月", None, ("target", "the actual '9月' cannot be compared with the target '≥95%'", "actual")),
            ("9月底前", "达成", None, ("target", "the actual '达成' cannot be compared with the target '9月底前'", "actual")),
            ("≥266米", "270个", None, ("target", "units differ: the target is in 米, the actual in 个", "actual")),
            ("≥90%", "95", None, ("target", "units differ: the target is in %, the actual in plain numbers", "actual")),
            ("≥90", "95%", None, ("target", "units differ: the target is in plain numbers, the actual in %", "actual")),
            ("≤5", "3", "正向", ("kind-parameter", "nature 正向 contradicts the target '≤5'", "nature")),
            ("<5", "3", "正向", ("kind-parameter", "nature 正向 contradicts the target '<5'", "nature")),
            ("≥5", "6", "反向", ("kind-parameter", "nature 反向 contradicts the target '≥5'", "nature")),
            (">5", "6", "反向", ("kind-parameter", "nature 反向 contradicts the target '>5'", "nature")),
            ("≥95%", "95%以下", None, ("target", "the actual '95%以下' points the other way from the target '≥95%': write the value reached", "actual")),
            (">5", "<3", None, ("target", "the actual '<3' points the other way from the target '>5': write the value reached", "actual")),
            ("≤5", "≥3", None, ("target", "the actual '≥3' points the other way from the target '≤5': write the value reached", "actual")),
            ("<5", ">3", None, ("target", "the actual '>3' points the other way from the target '<5': write the value reached", "actual")),
            ("≥95%", "95%", "定性", ("target", "a qualitative actual is a word such as 达成预期指标 or 部分达成, not '95%'", "actual")),
        ],
    )  # fmt: skip
    def test_refused(self, target: Any, actual: Any, nature: Any, problem: tuple[str, str, str]) -> None:
        """Each unusable row is one problem, with its code, at the key concerned."""
        code, message, key = problem
        extra = {"nature": nature} if nature is not None else {}
        text, found = problems("target", target=target, actual=actual, **extra)
        assert [(code, message, after(text, f"    {key}: "))] == found

    def test_bad_target_type_and_bad_actual(self) -> None:
        """A target that is no text does not stop the actual from being read."""
        text, found = problems("target", target=True, actual="≥好多")
        assert ["kind-parameter", "target"] == [c for c, _, _ in found]
        assert after(text, "actual: ") == found[1][2]

    def test_both_texts_refused(self) -> None:
        """An unreadable target and actual are both reported."""
        text, found = problems("target", target="≥很多", actual="≥好多")
        assert [("target", "target"), ("target", "actual")] == [
            (c, k) for c, _, pos in found for k in ("target", "actual") if pos == after(text, f"{k}: ")
        ]
