"""The built-in expression functions.

Each takes and returns Decimals only: a wrong type is a clear error, never a
silent coercion.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from ..exceptions import PerfrulesError


def _numbers(name: str, values: tuple[object, ...]) -> tuple[Decimal, ...]:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, Decimal):
            msg = f"{name}() takes numbers, got {value!r:.40}"
            raise TypeError(msg)
    return values  # type: ignore[return-value]


def minimum(first: Decimal, *rest: Decimal) -> Decimal:
    """``min(a, b, ...)``: the smallest number."""
    return min(_numbers("min", (first, *rest)))


def maximum(first: Decimal, *rest: Decimal) -> Decimal:
    """``max(a, b, ...)``: the largest number."""
    return max(_numbers("max", (first, *rest)))


def absolute(value: Decimal) -> Decimal:
    """``abs(x)``: the magnitude of *x*."""
    (value,) = _numbers("abs", (value,))
    return abs(value)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """``clamp(x, low, high)``: *x* limited to the interval [low, high]."""
    value, low, high = _numbers("clamp", (value, low, high))
    if low > high:
        msg = f"clamp() needs low <= high, got {low} > {high}"
        raise ValueError(msg)
    return min(max(value, low), high)


def round_half_up(value: Decimal, places: Decimal = Decimal(0)) -> Decimal:
    """``round(x, places)``: 四舍五入 to *places* decimals (2.675 -> 2.68)."""
    value, places = _numbers("round", (value, places))
    if places != places.to_integral_value() or not 0 <= places <= 10:
        msg = f"round() takes a whole number of places from 0 to 10, got {places}"
        raise ValueError(msg)
    return value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def floor(value: Decimal) -> Decimal:
    """``floor(x)``: the largest whole number not above *x* (a step count: floor(0.146) is 0)."""
    (value,) = _numbers("floor", (value,))
    return value.to_integral_value(rounding=ROUND_FLOOR)


def within(value: Decimal, low: Decimal, high: Decimal, upper_open: object = False) -> Decimal:
    """``within(x, low, high[, upper_open])``: *x* itself, or an error when it lies outside
    [low, high] (or [low, high) when *upper_open*): a claim that must fall in its tier's range."""
    value, low, high = _numbers("within", (value, low, high))
    if not isinstance(upper_open, bool):
        msg = f"within() takes true or false for upper_open, got {upper_open!r:.40}"
        raise TypeError(msg)
    if value < low or value > high or (upper_open and value == high):
        shown = f"[{low}, {high}{')' if upper_open else ']'}"
        msg = f"{value} is outside {shown}"
        raise OutOfRange(msg, message_zh=f"{value} 不在 {shown} 之内")
    return value


class OutOfRange(PerfrulesError):
    """A value the rule requires within a range is not."""


BUILTIN_FUNCTIONS = {
    "min": minimum,
    "max": maximum,
    "abs": absolute,
    "clamp": clamp,
    "round": round_half_up,
    "floor": floor,
    "within": within,
}

# All return numbers (within() returns the value it checked), for checking rules before any facts exist.
BUILTIN_RETURNS = dict.fromkeys(BUILTIN_FUNCTIONS, "number")
