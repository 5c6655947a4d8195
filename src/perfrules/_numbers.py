"""Exact numbers: Decimal construction, the arithmetic context, rounding and printing.

No float ever becomes a score: numbers arrive as source text or ints and stay
Decimal from there on.
"""

from __future__ import annotations

import decimal
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
"""Rounding modes a spec may declare; ``half_up`` is 四舍五入."""

_NUMERAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# Scores are small: 28 significant digits and a bounded exponent leave ample room
# while keeping any runaway product from growing without limit.
ARITHMETIC = decimal.Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emax=999,
    Emin=-999,
    traps=[
        decimal.InvalidOperation,
        decimal.DivisionByZero,
        decimal.Overflow,
        decimal.FloatOperation,
    ],
)


def to_decimal(value: object) -> Decimal | None:
    """Return *value* as a finite Decimal, or None when it is not a number.

    Accepts Decimals, ints (not bools) and plain ASCII numerals such as
    ``"1291.73"`` (JSON carries numbers as strings); never floats.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _NUMERAL.fullmatch(value):
        return Decimal(value)
    return None


def decimal_places(value: Decimal) -> int:
    """How many decimals *value* needs: 2 for ``9.91``, 0 for ``20.00``."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:
        return 0
    return max(0, -exponent - (len(digits) - len(significant)))


def quantize(value: Decimal, precision: int, rounding: str) -> Decimal:
    """Round *value* to *precision* decimals with a spec's rounding mode."""
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUNDING_MODES[rounding])


def to_text(value: Decimal) -> str:
    """Print *value* as written, never with an exponent: ``"0.5"``, ``"95.91"``."""
    return format(value, "f")


def not_a_number(value: object) -> str:
    """Words for a value that `to_decimal` refused, with the fix for a float."""
    if isinstance(value, float):
        return f"not the binary float {value!r} (pass Decimal('{value!r}') or the text '{value!r}')"
    return f"not {value!r}"
