"""Exact numbers: Decimal construction, the arithmetic context, rounding and printing.

No float ever becomes a score: numbers arrive as source text or ints and stay
Decimal from there on.
"""

from __future__ import annotations

import decimal
import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import ParamSpec, TypeVar

from ._lang import Language

P = ParamSpec("P")
R = TypeVar("R")

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
"""Rounding modes a spec may declare; ``half_up`` is 四舍五入."""

_NUMERAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")

MAX_MAGNITUDE = 30
"""Numbers perfrules accepts lie within 10**-30 and 10**30 in size (zero aside) ..."""
MAX_DIGITS = 40
"""... and have at most 40 significant digits, so sums of them are always exact in `EXACT`."""

_TRAPS = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.FloatOperation]

EXACT = decimal.Context(prec=200, rounding=ROUND_HALF_EVEN, Emax=999, Emin=-999, traps=_TRAPS)
"""The context of loading and scoring: sums and roundings of accepted numbers never lose a digit."""

# Expressions divide, so they cannot be exact: 28 significant digits and a
# bounded exponent leave ample room while stopping any runaway product.
ARITHMETIC = decimal.Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emax=999,
    Emin=-999,
    traps=_TRAPS,
)


def exact(function: Callable[P, R]) -> Callable[P, R]:
    """Run *function* in the `EXACT` context, whatever context the caller has set."""

    @functools.wraps(function)
    def in_exact_context(*args: P.args, **kwargs: P.kwargs) -> R:
        with decimal.localcontext(EXACT):
            return function(*args, **kwargs)

    return in_exact_context


def to_decimal(value: object) -> Decimal | None:
    """Return *value* as a finite Decimal within the accepted range, or None.

    Accepts Decimals, ints (not bools) and plain ASCII numerals such as
    ``"1291.73"`` (JSON carries numbers as strings); never floats.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) >= 10**MAX_MAGNITUDE:
            return None
        value = Decimal(value)
    elif isinstance(value, str) and len(value) <= MAX_DIGITS + 2 and _NUMERAL.fullmatch(value):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not in_range(value):
        return None
    return value.copy_abs() if value.is_zero() else value  # no -0


def in_range(value: Decimal) -> bool:
    """Whether *value* is finite, at most 10**30 in size and 40 digits long."""
    if not value.is_finite():
        return False
    if value.is_zero():
        return value.as_tuple().exponent >= -MAX_MAGNITUDE  # type: ignore[operator]
    return -MAX_MAGNITUDE <= value.adjusted() < MAX_MAGNITUDE and len(value.as_tuple().digits) <= MAX_DIGITS


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
    """Round *value* to *precision* decimals with a spec's rounding mode; never -0."""
    rounded = value.quantize(Decimal(1).scaleb(-precision), rounding=ROUNDING_MODES[rounding], context=EXACT)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def bounded(value: Decimal, weight: Decimal) -> Decimal:
    """*value* brought into 0 to *weight*: a score never leaves its range."""
    return Decimal(0) if value <= 0 else min(value, weight)


def to_text(value: Decimal) -> str:
    """Print *value* as written, never with an exponent: ``"0.5"``, ``"95.91"``."""
    return format(value, "f")


def not_a_number(value: object, lang: Language = "en") -> str:
    """Words for a value that `to_decimal` refused, with the fix for a float (in Chinese: what follows 应填数字，)."""
    if lang == "zh":
        if isinstance(value, float):
            return f"现为二进制浮点数 {value!r}（请传 Decimal('{value!r}') 或文字 '{value!r}'）"
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return f"{value!s:.40} 超出范围（最多 {MAX_DIGITS} 位有效数字，绝对值小于 10^{MAX_MAGNITUDE}）"
        return f"现为 {value!r:.80}{_numeral_hint(value, lang) if isinstance(value, str) else ''}"
    if isinstance(value, float):
        return f"not the binary float {value!r} (pass Decimal('{value!r}') or the text '{value!r}')"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"and {value!s:.40} is out of range (at most {MAX_DIGITS} digits, below 10^{MAX_MAGNITUDE} in size)"
    return f"not {value!r:.80}{_numeral_hint(value) if isinstance(value, str) else ''}"


_HINTS = {
    "separators": ("; write {}, without thousands separators", "；请写作 {}，不加千位分隔符"),
    "ascii": ("; write {} in ASCII digits", "；请用半角数字写作 {}"),
    "per cent": (
        "; write the number the rule expects (0.997, or 99.7 if the fact is declared in per cent)",
        "；请写规则所需的数（如 0.997；若该项以百分数声明，写 99.7）",
    ),
    "unit": ("; write the number alone, in the unit the fact declares", "；只写数字，单位以规范声明为准"),
}


def _numeral_hint(text: str, lang: Language = "en") -> str:
    """How to write *text* as a number, when it is one written another way ("1,288.38", "９.５", "99.7%")."""
    folded = unicodedata.normalize("NFKC", text).strip()
    plain = folded.replace(",", "")
    found = None
    if _NUMERAL.fullmatch(plain) and plain != folded:
        found, shown = "separators", plain
    elif _NUMERAL.fullmatch(folded):
        found, shown = "ascii", folded
    elif folded.endswith("%") and _NUMERAL.fullmatch(folded[:-1].strip()):
        found, shown = "per cent", ""
    elif re.match(r"-?[0-9][0-9.,]*\s*[^\s0-9.,%]+$", folded):
        found, shown = "unit", ""
    if found is None:
        return ""
    english, chinese = _HINTS[found]
    return (english if lang == "en" else chinese).format(shown)


def allocate(total: Decimal, weights: list[Decimal], precision: int) -> list[Decimal]:
    """*total* shared in proportion to *weights*, at *precision* decimals, adding up exactly.

    Largest remainder: each share is rounded down, and the units left over go to
    the largest remainders (the earlier on a tie). Zero weights share equally.
    """
    unit = Decimal(1).scaleb(-precision)
    if not weights:
        return []
    base = sum(weights, Decimal(0))
    exact = [total * w / base for w in weights] if base else [total / len(weights)] * len(weights)
    shares = [(e / unit).to_integral_value(rounding=decimal.ROUND_FLOOR) * unit for e in exact]
    left = int((total - sum(shares, Decimal(0))) / unit)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += unit
    return [share.quantize(unit) for share in shares]
