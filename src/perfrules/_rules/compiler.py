"""Compiled rules: a vetted expression turned into one generated Python function, computing what the interpreter does.

The code is generated from the expression's checked tree only, never from its text: the tree holds nothing but
the allow-listed nodes (`expression._ALLOWED`). Names are read through keys and literals come from a table of
constants, so no text of the spec ever appears in the generated source; the function runs with no builtins.
Where the types are proven (declared facts, literals, ``weight``, built-in functions, arithmetic), operators are
Python's own on Decimals; elsewhere they are the interpreter's checked operators. Errors are the interpreter's,
in the interpreter's words. The interpreter stays the reference: a property test holds the two equal.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable, Mapping
from typing import Any

from .._numbers import ARITHMETIC, MAX_DIGITS, MAX_MAGNITUDE
from ..exceptions import PerfrulesError
from .bounds import Bounds, number_literal, round_places
from .expression import _OPERATORS, Expression, Function, Value, _divide, _failure, _kind, _Refusal, _TypeRule

# Raises for a non-zero Decimal that is out of range: more than 40 digits, or its size past 10**±30 (as `in_range`).
FIT = decimal.Context(
    prec=MAX_DIGITS,
    Emax=MAX_MAGNITUDE - 1,
    Emin=-MAX_MAGNITUDE,
    traps=[decimal.Rounded, decimal.Overflow, decimal.Subnormal, decimal.InvalidOperation],
)

Run = Callable[[Mapping[str, Value]], Value]

_NAMES = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "divide_numbers",
    ast.USub: "neg",
    ast.UAdd: "pos",
    ast.Not: "not_",
    ast.Eq: "eq",
    ast.NotEq: "ne",
    ast.Lt: "lt",
    ast.LtE: "le",
    ast.Gt: "gt",
    ast.GtE: "ge",
}
# Python's own operator where both operands are proven numbers (or, for == and !=, proven alike).
_NATIVE = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


class NotCompiled(Exception):
    """The expression cannot be compiled; the interpreter runs it instead."""


def compile_rule(
    expression: Expression,
    functions: Mapping[str, Function],
    types: Mapping[str, str],
    returns: Mapping[str, str],
) -> Run:
    """*expression* as a function of the names it reads, equal to `Interpreter.run` on every input.

    Args:
        expression: The vetted expression.
        functions: The functions it may call, resolved now.
        types: The type proven for each name (``number``, ``boolean``, ``text``), where one is.
        returns: The type each function is known to return.

    Raises:
        NotCompiled: a part the compiler does not handle, or code Python cannot compile.
    """
    source, namespace = generate(expression, functions, types, returns)
    try:
        code = compile(source, "<perfrules rule>", "exec")
    except (RecursionError, MemoryError, SyntaxError) as e:
        raise NotCompiled(f"{type(e).__name__}: {e}") from None
    exec(code, namespace)  # noqa: S102  # generated from the vetted tree only; see the module's docstring
    rule: Run = namespace["rule"]

    def run(names: Mapping[str, Value]) -> Value:
        try:
            with decimal.localcontext(ARITHMETIC):
                return rule(names)
        except Exception as e:
            # Only reading a name raises KeyError: functions are guarded.
            missing = e.args[0] if isinstance(e, KeyError) else None
            error = (
                _TypeRule(f"no value for {missing!r:.80}", f"{missing!r:.80} 没有值") if isinstance(e, KeyError) else e
            )
            failure = _failure(error, expression, names)
            if failure is None:
                raise
            raise failure from None

    return run


def generate(
    expression: Expression,
    functions: Mapping[str, Function],
    types: Mapping[str, str],
    returns: Mapping[str, str],
) -> tuple[str, dict[str, Any]]:
    """The source of *expression*'s function ``rule(names)``, and the namespace it runs in (no builtins).

    Raises:
        NotCompiled: as `compile_rule` does.
    """
    emitter = Emitter(functions, types, returns)
    try:
        body, _ = emitter.emit(expression._tree)
    except (RecursionError, MemoryError) as e:
        raise NotCompiled(f"{type(e).__name__}: {e}") from None
    return f"def rule(names):\n    return {body}\n", {"__builtins__": {}, **emitter.namespace}


class Emitter:
    """Python source for each node of vetted expressions, and the constants and helpers that source refers to.

    Args:
        functions: The functions the expressions may call, resolved now.
        types: The type proven for each name (``number``, ``boolean``, ``text``), where one is.
        returns: The type each function is known to return; the built-in functions listed here, called with
            proven numbers, are written inline, their results checked as the registry's guard checks them.
        reads: The code reading each name; by default ``names[...]``, from the mapping a rule is given.
        native: Divide with Python's ``/`` and write the built-in functions inline where the operands are proven
            numbers: for code whose every exception sends the form back to the interpreter, which then says
            what failed (the values are the same; only the errors are not worded).
    """

    def __init__(
        self,
        functions: Mapping[str, Function],
        types: Mapping[str, str],
        returns: Mapping[str, str],
        reads: Mapping[str, str] | None = None,
        *,
        native: bool = False,
    ):
        self.functions = functions
        self.types = types
        self.returns = returns
        self.reads = reads
        self.native = native
        self.namespace: dict[str, Any] = {f"_{name}": _OPERATORS[node] for node, name in _NAMES.items()}
        self.namespace.update(
            _div=_divide,
            _cond=_condition,
            _call=_call,
            _FIT=FIT.plus,
            _abs=abs,
            _min=min,
            _max=max,
            _FLOOR=decimal.ROUND_FLOOR,
            _HALF_UP=decimal.ROUND_HALF_UP,
        )
        self.constants: dict[tuple[type, str], str] = {}
        self.temporaries = 0
        self.proven: Mapping[int, Bounds] = {}  # the bounds of the nodes being emitted (`bounds.prove`), by id

    def name(self, value: Any) -> str:
        """The namespace name holding *value*, one per distinct value."""
        key = (type(value), repr(value))  # Decimal("1.0") and Decimal("1.00") compute differently
        if key not in self.constants:
            self.constants[key] = f"_k{len(self.constants)}"
            self.namespace[self.constants[key]] = value
        return self.constants[key]

    def temporary(self) -> str:
        self.temporaries += 1
        return f"_t{self.temporaries}"

    def emit(self, node: ast.AST) -> tuple[str, str | None]:
        """The code computing *node*, and its proven type (None when not proven)."""
        if isinstance(node, ast.Constant):
            value = node.value
            kind = "boolean" if isinstance(value, bool) else "text" if isinstance(value, str) else "number"
            return self.name(value), kind
        if isinstance(node, ast.Name):
            read = self.reads[node.id] if self.reads is not None else f"names[{self.name(node.id)}]"
            return read, self.types.get(node.id)
        if isinstance(node, ast.BinOp):
            left, left_type = self.emit(node.left)
            right, right_type = self.emit(node.right)
            op = type(node.op)
            if op is ast.Div:
                if left_type == right_type == "number":
                    return (f"({left} / {right})" if self.native else f"_div({left}, {right})"), "number"
            elif left_type == right_type == "number":
                return f"({left} {_NATIVE[op]} {right})", "number"
            return f"_{_NAMES[op]}({left}, {right})", "number"
        if isinstance(node, ast.UnaryOp):
            operand, operand_type = self.emit(node.operand)
            if isinstance(node.op, ast.Not):
                return (f"(not {operand})" if operand_type == "boolean" else f"_not_({operand})"), "boolean"
            if operand_type == "number":
                return (f"(-{operand})" if isinstance(node.op, ast.USub) else operand), "number"
            return f"_{_NAMES[type(node.op)]}({operand})", "number"
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            parts = [self.condition(value, word) for value in node.values]
            return f"({f' {word} '.join(parts)})", "boolean"
        if isinstance(node, ast.Compare):
            return self.compare(node), "boolean"
        if isinstance(node, ast.IfExp):
            test = self.condition(node.test, "if")
            body, body_type = self.emit(node.body)
            orelse, orelse_type = self.emit(node.orelse)
            return f"({body} if {test} else {orelse})", body_type if body_type == orelse_type else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            function = self.functions.get(node.func.id)
            if function is None:
                raise NotCompiled(f"no function {node.func.id}() is registered")
            emitted = [self.emit(argument) for argument in node.args]
            if self.native and node.func.id in self.returns and all(kind == "number" for _, kind in emitted):
                inline = self.builtin(node.func.id, [code for code, _ in emitted], node.args)
                bounds = self.proven.get(id(node))
                if inline is not None and bounds is not None and bounds.in_range:
                    return inline, "number"  # the guard's range check cannot fail
                if inline is not None:
                    # The registry's guard refuses a result out of range: FIT raises for one, zeros pass.
                    checked = self.temporary()
                    return f"({checked} if _FIT({checked} := {inline}) else {checked})", "number"
            arguments = "".join(f", {code}" for code, _ in emitted)
            label = self.name(node.func.id)
            return f"_call({self.name(function)}, {label}{arguments})", self.returns.get(node.func.id)
        raise NotCompiled(f"{type(node).__name__} is not compiled")

    def builtin(self, name: str, arguments: list[str], nodes: list[ast.expr]) -> str | None:
        """A built-in function written inline, computing what it computes; None where it is not."""
        if name in ("min", "max") and len(arguments) == 2:
            # min() and max() give the first of equal arguments (1.0 or 1.00): so does this. A computed argument
            # is kept, so it is computed once; a literal or a name is read again.
            (first, computed_first), (second, computed_second) = map(self.kept, nodes, arguments)
            keep = "<=" if name == "min" else ">="
            return f"({first} if {computed_first} {keep} {computed_second} else {second})"
        if name in ("min", "max") and arguments:
            return f"_{name}({', '.join(arguments)})"
        if name == "abs" and len(arguments) == 1:
            return f"_abs({arguments[0]})"
        if name == "floor" and len(arguments) == 1:
            return f"{arguments[0]}.to_integral_value(_FLOOR)"
        places = round_places(nodes) if name == "round" else None
        if places is not None:
            return f"{arguments[0]}.quantize({self.name(decimal.Decimal(1).scaleb(-places))}, _HALF_UP)"
        low, high = map(number_literal, nodes[1:3]) if name == "clamp" and len(arguments) == 3 else (None, None)
        if low is not None and high is not None and low <= high:
            raised = self.builtin("max", arguments[:2], nodes[:2])
            return self.builtin("min", [raised or "", arguments[2]], [ast.expr(), nodes[2]])
        return None

    def kept(self, node: ast.expr, code: str) -> tuple[str, str]:
        """How to read a value twice: a literal or a name as it is, anything computed through a temporary."""
        if isinstance(node, ast.Constant | ast.Name):
            return code, code
        temporary = self.temporary()
        return temporary, f"({temporary} := {code})"

    def condition(self, node: ast.expr, word: str) -> str:
        code, kind = self.emit(node)
        return code if kind == "boolean" else f"_cond({code}, {self.name(word)})"

    def compare(self, node: ast.Compare) -> str:
        """A chain ``a < b <= c``: each operand computed once, left to right, stopping at the first false link."""
        operands = [self.emit(operand) for operand in (node.left, *node.comparators)]
        links = []
        left, left_type = operands[0]
        for index, (op, (code, right_type)) in enumerate(zip(node.ops, operands[1:], strict=True)):
            if index < len(node.ops) - 1:  # the next link compares this operand again: keep its value
                right = self.temporary()
                bound = f"({right} := {code})"
            else:
                right = bound = code
            kind = type(op)
            proven = left_type is not None and left_type == right_type
            if proven and (left_type == "number" or kind in (ast.Eq, ast.NotEq)):
                links.append(f"({left} {_NATIVE[kind]} {bound})")
            else:
                links.append(f"_{_NAMES[kind]}({left}, {bound})")
            left, left_type = right, right_type
        return links[0] if len(links) == 1 else f"({' and '.join(links)})"


def _condition(value: Any, word: str) -> bool:
    if not isinstance(value, bool):
        raise _TypeRule(
            f"'{word}' needs a condition, got {_kind(value)}",
            f"'{word}' 需要条件（真或假），这里是{_kind(value, 'zh')}",
        )
    return value


def _call(function: Function, name: str, *args: Any) -> Value:
    """The interpreter's guard around a function call."""
    try:
        return function(*args)
    except _TypeRule:
        raise
    except PerfrulesError as e:
        raise _Refusal(e.args[0], e.message_zh) from None
    except Exception as e:
        raise _TypeRule(
            f"{name}() failed: {type(e).__name__}: {e}", f"函数 {name}() 出错：{type(e).__name__}: {e}"
        ) from None
