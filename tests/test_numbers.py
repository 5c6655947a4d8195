"""Exact arithmetic: Decimals from source text, 四舍五入, no binary float."""

from __future__ import annotations

import functools
import operator
from decimal import Decimal

import pytest

import perfrules
from perfrules._numbers import decimal_places, quantize, to_decimal, to_text


def _spec(weights: list[str], *, precision: int = 2, round_at: str = "indicator") -> str:
    leaves = "\n".join(
        f'  - {{id: a{i}, name: 指标{i}, weight: {w}, expression: "{w}"}}' for i, w in enumerate(weights)
    )
    total = sum(Decimal(w) for w in weights)
    grades = "[{min: 90, label: 优}, {min: 0, label: 差}]" if total >= 90 else "[{min: 0, label: 差}]"
    return (
        f"spec: 1\nid: t/sum\nversion: '1'\nname: 合计\nprecision: {precision}\nround_at: {round_at}\n"
        f"grades: {grades}\n"
        f"total: {total}\nindicators:\n{leaves}\n"
    )


class TestExactness:
    def test_float_trap_total_is_ninety(self) -> None:
        """Weights whose binary-float sum is 89.99999999999999 total exactly 90.00, grade 优."""
        weights = ["10.1", "20.2", "30.3", "17.3", "12.1"]
        # The trap is real when floats are added one by one (Python 3.12's sum() compensates).
        assert 89.99999999999999 == functools.reduce(operator.add, (float(w) for w in weights))
        evaluation = perfrules.evaluate(_spec(weights), {})
        assert Decimal("90.00") == evaluation.total
        assert "优" == evaluation.grade.label

    def test_seed_leaves_do_not_drift(self) -> None:
        """22.87+24.96+17.69+24.93+5.46 is 95.91 exactly, not 95.90999999999998."""
        evaluation = perfrules.evaluate(_spec(["22.87", "24.96", "17.69", "24.93", "5.46"]), {})
        assert "95.91" == str(evaluation.total)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("2.675", "2.68"), ("0.125", "0.13"), ("2.665", "2.67"), ("9.974066", "9.97"), ("0.005", "0.01")],
    )
    def test_half_up(self, value: str, expected: str) -> None:
        """四舍五入: a 5 rounds away from zero."""
        assert expected == str(quantize(Decimal(value), 2, "half_up"))

    def test_half_up_inside_an_expression(self) -> None:
        """A leaf computing 2.675 reports 2.68 (a float would print 2.67)."""
        text = _spec(["10"]).replace('expression: "10"', 'expression: "2.675"')
        assert Decimal("2.68") == perfrules.evaluate(text, {})["a0"].score

    def test_round_at_total(self) -> None:
        """Rounding once at the total keeps the parts exact."""
        text = _spec(["10", "10"], round_at="total")
        text = text.replace('expression: "10"', 'expression: "10 / 3"')
        evaluation = perfrules.evaluate(text, {})
        assert Decimal("6.67") == evaluation.total
        assert Decimal(10) / 3 == evaluation["a0"].score

    def test_half_even_is_available(self) -> None:
        """A spec may declare half_even; 0.125 then rounds to 0.12."""
        assert "0.12" == str(quantize(Decimal("0.125"), 2, "half_even"))


class TestHelpers:
    @pytest.mark.parametrize(("value", "places"), [("9.91", 2), ("20.00", 0), ("0.5", 1), ("0.00", 0), ("100", 0)])
    def test_decimal_places(self, value: str, places: int) -> None:
        """Trailing zeros do not count as decimals."""
        assert places == decimal_places(Decimal(value))

    @pytest.mark.parametrize("value", [1.5, True, "1,288.38", "１２", "nan", "1e5", None])
    def test_to_decimal_refuses(self, value: object) -> None:
        """Floats, booleans and anything but a plain numeral are not numbers."""
        assert to_decimal(value) is None

    def test_to_text_never_uses_an_exponent(self) -> None:
        """1E+2 prints as 100 and 1E-7 as 0.0000001."""
        assert ("100", "0.0000001") == (to_text(Decimal("1E+2")), to_text(Decimal("1E-7")))
