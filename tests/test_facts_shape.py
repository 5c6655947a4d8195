"""The facts reader: the shape of each section, with every problem located and the valid entries loaded."""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfrules
from perfrules.exceptions import FactsError

Problem = tuple[str, str, str | None, int | None, int | None]
"""A diagnostic as ``(code, message, indicator, line, column)``."""


def problems(source: str | dict[str, object]) -> list[Problem]:
    """The problems `load_facts` raises for *source* (YAML text gets a trailing newline), in order."""
    with pytest.raises(FactsError) as info:
        perfrules.load_facts(source + "\n" if isinstance(source, str) else source)
    assert all("error" == p.level for p in info.value.problems)
    return [(p.code, p.message, p.indicator, p.location.line, p.location.column) for p in info.value.problems]


def load(text: str) -> perfrules.Facts:
    """The facts read from YAML *text*."""
    return perfrules.load_facts(text + "\n")


FUNDS_ROW = "a funds row is {initial: ..., full_year: ..., executed: ...}"
ASSESSMENT = "an assessment is {score: ..., reason: ..., measure: ...}"
SLOT = "a slot holds a list of indicators"


class TestDocument:
    """The document as a whole and its top-level scalars."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "[1, 2]",
                [("facts-shape", "a facts file is a mapping with keys such as subject, year, facts", None, 1, 1)],
            ),
            ("subject: 3", [("bad-value", "'subject' must be text, not 3", None, 1, 10)]),
            ("year: x", [("bad-value", "'year' must be a whole number, not 'x'", None, 1, 7)]),
            ("year: true", [("bad-value", "'year' must be a whole number, not True", None, 1, 7)]),
        ],
    )
    def test_malformed(self, text: str, expected: list[Problem]) -> None:
        """Each malformed document or top-level value is one located problem with its code and message."""
        assert expected == problems(text)

    def test_error_headline(self) -> None:
        """The error's text is the summary headline followed by the problems, which it carries."""
        with pytest.raises(FactsError) as info:
            perfrules.load_facts("[1, 2]\n")
        assert 1 == len(info.value.problems)
        assert "<text>: 1 problem in the facts" == str(info.value).splitlines()[0]

    def test_text_fields_loaded(self) -> None:
        """Subject, goals, achievements, shortfall reasons, year and units are loaded as written."""
        facts = load("subject: s\ngoals: g\nachievements: a\nshortfall_reasons: r\nyear: 2024\nunits: 3")
        assert ("s", "g", "a", "r") == (facts.subject, facts.goals, facts.achievements, facts.shortfall_reasons)
        assert (2024, 3) == (facts.year, facts.units)


class TestBudget:
    """The budget table."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("budget: [1]", [("bad-value", "'budget' must be a mapping of budget lines to amounts", None, 1, 9)]),
            ("budget: {staff: x}", [("bad-number", "'staff' must be a number, not 'x'", None, 1, 17)]),
        ],
    )
    def test_malformed(self, text: str, expected: list[Problem]) -> None:
        """A budget that is not a mapping, or a line that is not a number, is one located problem."""
        assert expected == problems(text)

    def test_loaded(self) -> None:
        """Budget lines are loaded as Decimals, in order."""
        assert {"staff": Decimal("1.5"), "goods": Decimal(2)} == load("budget: {staff: '1.5', goods: 2}").budget


class TestFunds:
    """The funds table."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "funds: [1]",
                [("bad-value", "'funds' must be a mapping of rows to {initial, full_year, executed}", None, 1, 8)],
            ),
            (
                "funds: {total: 3, part: 4}",
                [("bad-value", FUNDS_ROW, None, 1, 16), ("bad-value", FUNDS_ROW, None, 1, 25)],
            ),
            ("funds: {total: {initial: 1, bogus: 2}}", [("unknown-key", "unknown key 'bogus'", None, 1, 29)]),
            ("funds: {total: {executed: x}}", [("bad-number", "'executed' must be a number, not 'x'", None, 1, 27)]),
        ],
    )
    def test_malformed(self, text: str, expected: list[Problem]) -> None:
        """A malformed funds table, row, column or amount is reported for every row, located."""
        assert expected == problems(text)

    def test_loaded(self) -> None:
        """Funds rows are loaded as FundsRow, a column left out being None."""
        funds = load("funds: {total: {initial: 1, full_year: '2.5'}, part: {executed: 3}}").funds
        assert ["total", "part"] == list(funds)
        assert (Decimal(1), Decimal("2.5"), None) == (
            funds["total"].initial,
            funds["total"].full_year,
            funds["total"].executed,
        )
        assert (None, None, Decimal(3)) == (funds["part"].initial, funds["part"].full_year, funds["part"].executed)


class TestStated:
    """The total and grade the form states."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("stated: [1]", [("bad-value", "'stated' must be a mapping of total and grade", None, 1, 9)]),
            ("stated: {total: 90, extra: 1}", [("unknown-key", "unknown key 'extra'", None, 1, 21)]),
            ("stated: {total: x}", [("bad-number", "'total' must be a number, not 'x'", None, 1, 17)]),
            ("stated: {grade: 3}", [("bad-value", "'grade' must be non-empty text, not 3", None, 1, 17)]),
        ],
    )
    def test_malformed(self, text: str, expected: list[Problem]) -> None:
        """A stated section that is not a mapping, or has a bad key, total or grade, is one located problem."""
        assert expected == problems(text)

    def test_loaded(self) -> None:
        """The stated total and grade are loaded; no stated section is None."""
        stated = load("stated: {total: '91.5', grade: 优}").stated
        assert stated is not None
        assert (Decimal("91.5"), "优") == (stated.total, stated.grade)
        assert load("subject: s").stated is None


class TestValues:
    """The facts section: the inputs, by name."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("facts: [1]", [("bad-value", "'facts' must be a mapping of fact names to values", None, 1, 8)]),
            (
                "facts: {a: [1], b: {c: 1}}",
                [
                    ("fact-type", "fact 'a' must be a number, true/false or text, not [1]", None, 1, 12),
                    ("fact-type", "fact 'b' must be a number, true/false or text, not {'c': 1}", None, 1, 20),
                ],
            ),
        ],
    )
    def test_malformed(self, text: str, expected: list[Problem]) -> None:
        """A facts section that is not a mapping, or a value of no fact type, is one located problem."""
        assert expected == problems(text)

    def test_float(self) -> None:
        """A binary float is refused with the fix spelled out."""
        message = "fact 'a' must be a number, true/false or text, not the binary float 0.5 (pass Decimal('0.5') or the text '0.5')"
        assert [("fact-type", message, None, None, None)] == problems({"facts": {"a": 0.5}})

    def test_loaded(self) -> None:
        """Numbers, true/false and text are kept as written."""
        assert {"n": 3, "b": True, "t": "x"} == load("facts: {n: 3, b: true, t: x}").values


class TestIndicators:
    """The unit's own indicators, by slot."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "indicators: [1]",
                [("bad-value", "'indicators' must be a mapping of slot ids to lists of indicators", None, 1, 13)],
            ),
            ("indicators: {s1: 3, s2: x}", [("bad-value", SLOT, "s1", 1, 18), ("bad-value", SLOT, "s2", 1, 25)]),
        ],
    )
    def test_malformed(self, text: str, expected: list[Problem]) -> None:
        """An indicators section that is not a mapping, or a slot that is not a list, is one located problem."""
        assert expected == problems(text)

    def test_loaded(self) -> None:
        """Each slot's list is kept as written."""
        assert {"s1": [{"name": "x"}], "s2": []} == load("indicators: {s1: [{name: x}], s2: []}").indicators


class TestAssessments:
    """Claims, reasons and measures by indicator."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "assessments: [1]",
                [("bad-value", "'assessments' must be a mapping of indicator ids to assessments", None, 1, 14)],
            ),
            (
                "assessments: {a: 3, b: x}",
                [("bad-value", ASSESSMENT, "a", 1, 18), ("bad-value", ASSESSMENT, "b", 1, 24)],
            ),
            ("assessments: {a: {bogus: 1}}", [("unknown-key", "unknown key 'bogus'", "a", 1, 19)]),
            ("assessments: {a: {score: x}}", [("bad-number", "'score' must be a number, not 'x'", "a", 1, 26)]),
            (
                "assessments: {a: {score: 3, not_applicable: 'yes'}}",
                [("bad-value", "not_applicable is true or false", "a", 1, 45)],
            ),
            ("assessments: {a: {not_applicable: 1}}", [("bad-value", "not_applicable is true or false", "a", 1, 35)]),
            (
                "assessments: {a: {score: 3, not_applicable: true}}",
                [("bad-value", "a score and not_applicable: choose one", "a", 1, 18)],
            ),
            ("assessments: {a: {reason: 3}}", [("bad-value", "'reason' must be text, not 3", "a", 1, 27)]),
            ("assessments: {a: {measure: 3}}", [("bad-value", "'measure' must be text, not 3", "a", 1, 28)]),
        ],
    )
    def test_malformed(self, text: str, expected: list[Problem]) -> None:
        """Each malformed assessment is one problem, located and tied to its indicator."""
        assert expected == problems(text)

    def test_loaded(self) -> None:
        """Scores, reasons and measures load; a score of / and not_applicable both mark not applicable."""
        text = "assessments: {a: {score: /, reason: '', measure: ''}, b: {score: '7.5', reason: r, measure: m}, c: {not_applicable: true}}"
        got = load(text).assessments
        assert (None, "", "", True) == (got["a"].score, got["a"].reason, got["a"].measure, got["a"].not_applicable)
        assert (Decimal("7.5"), "r", "m", False) == (
            got["b"].score,
            got["b"].reason,
            got["b"].measure,
            got["b"].not_applicable,
        )
        assert (None, None, None, True) == (got["c"].score, got["c"].reason, got["c"].measure, got["c"].not_applicable)
