"""Bounds: what a rule's values can be, proven from the tree and the facts' declared ranges before anything runs.

The compiled form leaves out the checks these bounds show cannot fire: the range check on a built-in function's
result (`compiler.FIT`) and the clamp of a leaf's value to [0, weight]. Every bound is a safe over-estimate of
what Python's decimal arithmetic gives in the `ARITHMETIC` context (28 digits, rounded to nearest): interval ends
are computed at that precision rounded outwards, and a branch of a conditional sees its test's comparisons of a
name with a literal.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from attrs import evolve, frozen

from .._numbers import ARITHMETIC, MAX_DIGITS, MAX_MAGNITUDE

_DOWN = ARITHMETIC.copy()
_DOWN.rounding = decimal.ROUND_FLOOR
_UP = ARITHMETIC.copy()
_UP.rounding = decimal.ROUND_CEILING
_NEVER = Decimal("Infinity")
_LIMIT = Decimal(10) ** MAX_MAGNITUDE
_TINY = Decimal(10) ** -MAX_MAGNITUDE


@frozen
class Bounds:
    """What a number-valued node can give.

    Attributes:
        low: No value is smaller (None: no bound).
        high: No value is larger (None: no bound).
        smallest: No value other than zero is smaller in size (0: no bound; infinity: it is always zero).
        exponent: No value, zero included, has a smaller exponent (the place of its last digit; None: no bound).
        digits: No value has more significant digits (None: no bound).
    """

    low: Decimal | None = None
    high: Decimal | None = None
    smallest: Decimal = Decimal(0)
    exponent: int | None = None
    digits: int | None = None

    @classmethod
    def constant(cls, value: Decimal) -> Bounds:
        _, digits, exponent = value.as_tuple()
        return cls(value, value, value.copy_abs() or _NEVER, exponent, len(digits))  # type: ignore[arg-type]

    @property
    def in_range(self) -> bool:
        """Whether every value passes `in_range` (or is zero): what the registry's guard asks of a result."""
        return (
            self.low is not None
            and self.high is not None
            and -_LIMIT < self.low
            and self.high < _LIMIT
            and self.smallest >= _TINY
            and self.digits is not None
            and self.digits <= MAX_DIGITS
        )


def prove(tree: ast.AST, names: Mapping[str, Bounds], builtins: frozenset[str]) -> dict[int, Bounds]:
    """The bounds of each number-valued node of *tree* where some are known, by ``id(node)``.

    Args:
        tree: A vetted expression tree.
        names: The bounds of the names it reads, where known.
        builtins: The names of the built-in functions (min, max, abs, floor, round, clamp) it calls.
    """
    found: dict[int, Bounds] = {}
    _Prover(found, builtins).visit(tree, names)
    return found


class _Prover:
    def __init__(self, found: dict[int, Bounds], builtins: frozenset[str]) -> None:
        self.found = found
        self.builtins = builtins

    def visit(self, node: ast.AST, names: Mapping[str, Bounds]) -> Bounds | None:
        try:
            bounds = self.bounds(node, names)
        except ArithmeticError:  # bounds past what the context holds: nothing is proven
            bounds = None
        if bounds is not None:
            self.found[id(node)] = bounds
        return bounds

    def bounds(self, node: ast.AST, names: Mapping[str, Bounds]) -> Bounds | None:
        if isinstance(node, ast.Constant):
            value = number_literal(node)
            return None if value is None else Bounds.constant(value)
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.IfExp):
            self.visit(node.test, names)
            body = self.visit(node.body, _narrowed(node.test, names, holds=True))
            orelse = self.visit(node.orelse, _narrowed(node.test, names, holds=False))
            return _either(body, orelse) if body is not None and orelse is not None else None
        if isinstance(node, ast.BinOp):
            left, right = self.visit(node.left, names), self.visit(node.right, names)
            operation = _BINARY.get(type(node.op))
            if left is None or right is None or operation is None:
                return None
            return operation(left, right, node.right)
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand, names)
            if operand is None or isinstance(node.op, ast.Not):
                return None
            return _rounded(_negative(operand)) if isinstance(node.op, ast.USub) else operand  # +x is x itself
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            arguments = [self.visit(argument, names) for argument in node.args]
            if node.func.id not in self.builtins or None in arguments:
                return None
            return _call(node.func.id, arguments, node.args)  # type: ignore[arg-type]
        for child in ast.iter_child_nodes(node):  # comparisons and conditions: their operands may be calls
            self.visit(child, names)
        return None


def _either(first: Bounds, second: Bounds) -> Bounds:
    return Bounds(
        _lowest(first.low, second.low),
        _highest(first.high, second.high),
        min(first.smallest, second.smallest),
        _least(first.exponent, second.exponent),
        _most(first.digits, second.digits),
    )


def _sum(left: Bounds, right: Bounds, negate: bool = False) -> Bounds:
    if negate:
        right = _negative(right)
    exponent = _least(left.exponent, right.exponent)
    return Bounds(
        None if left.low is None or right.low is None else _DOWN.add(left.low, right.low),
        None if left.high is None or right.high is None else _UP.add(left.high, right.high),
        # A non-zero sum is a whole number of units of its exponent; rounding to 28 digits keeps it so.
        Decimal(0) if exponent is None else Decimal(1).scaleb(exponent),
        exponent,
        ARITHMETIC.prec,
    )


def _product(left: Bounds, right: Bounds, _node: ast.AST) -> Bounds:
    low, high = _corners(_DOWN.multiply, _UP.multiply, left, right)
    exponent = None if left.exponent is None or right.exponent is None else left.exponent + right.exponent
    never = _NEVER in (left.smallest, right.smallest)  # infinity times 0 is no number
    smallest = _NEVER if never else _DOWN.multiply(left.smallest, right.smallest)
    return Bounds(low, high, smallest, exponent, ARITHMETIC.prec)


def _quotient(left: Bounds, right: Bounds, divisor: ast.AST) -> Bounds:
    if right.low is None or right.high is None or right.low <= 0 <= right.high:
        return Bounds()  # the divisor may be zero or unbounded: nothing is proven
    low, high = _corners(_DOWN.divide, _UP.divide, left, right)
    largest = max(right.low.copy_abs(), right.high.copy_abs())
    smallest = _DOWN.divide(left.smallest, largest)
    exponent = None
    if left.smallest == _NEVER:
        exponent = None if left.exponent is None else left.exponent - largest.adjusted()
    elif left.exponent is not None and (literal := number_literal(divisor)) is not None:
        _, digits, divisor_exponent = literal.as_tuple()
        places = _terminating(int("".join(map(str, digits))))
        if places is not None:  # 1/k ends after *places* digits: the quotient is exact, or rounded to fewer digits
            exponent = left.exponent - int(divisor_exponent) - places
    if exponent is None and left.exponent is not None and smallest:
        # A non-zero quotient has at most 28 digits below its leading one; a zero keeps the dividend's exponent
        # less the divisor's, which is at most the divisor's leading place.
        leading = smallest.adjusted() - ARITHMETIC.prec + 1
        exponent = min(leading, left.exponent - largest.adjusted())
    return Bounds(low, high, smallest, exponent, ARITHMETIC.prec)


def _terminating(coefficient: int) -> int | None:
    """The digits 1/*coefficient* takes after the point when it ends (its only factors are 2 and 5), else None."""
    twos = fives = 0
    while coefficient % 2 == 0:
        coefficient, twos = coefficient // 2, twos + 1
    while coefficient % 5 == 0:
        coefficient, fives = coefficient // 5, fives + 1
    return max(twos, fives) if coefficient == 1 else None


def _negative(bounds: Bounds) -> Bounds:
    return evolve(
        bounds,
        low=None if bounds.high is None else bounds.high.copy_negate(),
        high=None if bounds.low is None else bounds.low.copy_negate(),
    )


def _rounded(bounds: Bounds) -> Bounds:
    """*bounds* of a value rounded to the context's 28 digits (``-x`` and ``abs(x)`` round)."""
    if bounds.digits is not None and bounds.digits <= ARITHMETIC.prec:
        return bounds
    return Bounds(
        None if bounds.low is None else _DOWN.plus(bounds.low),
        None if bounds.high is None else _UP.plus(bounds.high),
        _DOWN.plus(bounds.smallest) if bounds.smallest != _NEVER else _NEVER,
        bounds.exponent,
        ARITHMETIC.prec,
    )


def _corners(
    down: Callable[[Decimal, Decimal], Decimal], up: Callable[[Decimal, Decimal], Decimal], left: Bounds, right: Bounds
) -> tuple[Decimal | None, Decimal | None]:
    ends = (left.low, left.high, right.low, right.high)
    if None in ends:
        return None, None
    pairs = [(a, b) for a in ends[:2] for b in ends[2:]]
    return min(down(a, b) for a, b in pairs), max(up(a, b) for a, b in pairs)  # type: ignore[arg-type]


def _call(name: str, arguments: list[Bounds], nodes: list[ast.expr]) -> Bounds | None:
    """The bounds of a built-in function's result, as `Emitter.builtin` writes it inline; None where not known."""
    if name in ("min", "max") and arguments:
        pick = _lowest if name == "min" else _highest
        low, high = arguments[0].low, arguments[0].high
        for other in arguments[1:]:
            if name == "min":  # the smaller of two is no larger than either: one upper bound is enough
                low = pick(low, other.low)
                high = other.high if high is None else high if other.high is None else min(high, other.high)
            else:
                high = pick(high, other.high)
                low = other.low if low is None else low if other.low is None else max(low, other.low)
        return Bounds(
            low,
            high,
            min(argument.smallest for argument in arguments),
            _least(*(argument.exponent for argument in arguments)),
            _most(*(argument.digits for argument in arguments)),
        )
    (value, *_) = arguments
    if name == "abs" and len(arguments) == 1:
        if value.low is not None and value.low >= 0:
            return _rounded(value)
        if value.high is not None and value.high <= 0:
            return _rounded(_negative(value))
        top = None if value.low is None or value.high is None else max(value.low.copy_abs(), value.high)
        return _rounded(evolve(value, low=Decimal(0), high=top))
    if name == "floor" and len(arguments) == 1:
        # A whole number: its exponent is never below 0, and one other than zero is at least 1 in size.
        return Bounds(
            None if value.low is None else value.low.to_integral_value(decimal.ROUND_FLOOR),
            None if value.high is None else value.high.to_integral_value(decimal.ROUND_FLOOR),
            Decimal(1),
            0,
            value.digits,
        )
    places = round_places(nodes) if name == "round" else None
    if places is not None:
        quantum = Decimal(1).scaleb(-places)
        return Bounds(
            None if value.low is None else value.low.quantize(quantum, decimal.ROUND_FLOOR, _DOWN),
            None if value.high is None else value.high.quantize(quantum, decimal.ROUND_CEILING, _UP),
            quantum,
            -places,
            ARITHMETIC.prec,
        )
    if name == "clamp" and len(arguments) == 3:
        return _call("min", [_call("max", arguments[:2], nodes[:2]), arguments[2]], nodes)  # type: ignore[list-item]
    return None


def _narrowed(test: ast.AST, names: Mapping[str, Bounds], *, holds: bool) -> Mapping[str, Bounds]:
    """*names* with what *test* holding (or failing) says of them: comparisons of a name with a literal."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And if holds else ast.Or):
        for value in test.values:
            names = _narrowed(value, names, holds=holds)
        return names
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _narrowed(test.operand, names, holds=not holds)
    if not isinstance(test, ast.Compare) or (not holds and len(test.ops) > 1):
        return names
    operands = [test.left, *test.comparators]
    narrowed = dict(names)
    for first, op, second in zip(operands, test.ops, operands[1:], strict=False):
        kind: type | None = type(op)
        name, literal = first, second
        if isinstance(second, ast.Name) and isinstance(first, ast.Constant):  # 0.6 <= x reads as x >= 0.6
            name, literal, kind = second, first, _MIRRORED.get(type(op))
        if not holds:
            kind = _NEGATED.get(kind)  # type: ignore[arg-type]
        limit = number_literal(literal)
        if not (isinstance(name, ast.Name) and name.id in narrowed and limit is not None and kind is not None):
            continue
        bounds = narrowed[name.id]
        if kind in (ast.Lt, ast.LtE, ast.Eq):  # closed ends: a safe over-estimate of the open ones
            bounds = evolve(bounds, high=limit if bounds.high is None else min(bounds.high, limit))
        if kind in (ast.Gt, ast.GtE, ast.Eq):
            bounds = evolve(bounds, low=limit if bounds.low is None else max(bounds.low, limit))
        narrowed[name.id] = bounds
    return narrowed


_MIRRORED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq}
_NEGATED = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt, ast.NotEq: ast.Eq}
_BINARY: dict[type, Callable[[Bounds, Bounds, ast.AST], Bounds]] = {
    ast.Add: lambda left, right, _: _sum(left, right),
    ast.Sub: lambda left, right, _: _sum(left, right, negate=True),
    ast.Mult: _product,
    ast.Div: _quotient,
}


def number_literal(node: ast.AST) -> Decimal | None:
    """The number *node* is, when it is a number literal."""
    value: object = node.value if isinstance(node, ast.Constant) else None
    return value if isinstance(value, Decimal) else None


def round_places(nodes: Sequence[ast.AST]) -> int | None:
    """The places of ``round(x, places)`` when they are a literal whole number from 0 to 10 (what `round` takes)."""
    places = number_literal(nodes[1]) if len(nodes) == 2 else None
    if places is None or places != places.to_integral_value() or not 0 <= places <= 10:
        return None
    return int(places)


def _lowest(*values: Decimal | None) -> Decimal | None:
    return None if None in values else min(values)  # type: ignore[type-var]


def _highest(*values: Decimal | None) -> Decimal | None:
    return None if None in values else max(values)  # type: ignore[type-var]


def _least(*values: int | None) -> int | None:
    return None if None in values else min(values)  # type: ignore[type-var]


def _most(*values: int | None) -> int | None:
    return None if None in values else max(values)  # type: ignore[type-var]
