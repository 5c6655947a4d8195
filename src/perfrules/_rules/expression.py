"""Scoring expressions: parsed once, checked against an allow-list, evaluated in Decimal.

This is the only module that imports simpleeval. perfrules checks every node of
an expression against its own allow-list before simpleeval ever sees it, and
evaluates with a new evaluator per call, so nothing is shared between units.
"""

from __future__ import annotations

import ast
import decimal
import inspect
import operator
import re
import threading
import warnings
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from attrs import field, frozen
from simpleeval import InvalidExpression, SimpleEval

from .._lang import Language, in_chinese
from .._numbers import ARITHMETIC, in_range, to_text
from .._unicode import expression_text
from ..exceptions import EvaluationError, ExpressionError, PerfrulesError
from .names import ALIASES

Value = Decimal | bool | str
"""What an expression computes with: numbers are always Decimal."""

Function = Callable[..., Value]

T = TypeVar("T")

MAX_LENGTH = 8_000  # room for a 300-term sum of long fact names
MAX_NODES = 5_000
MAX_DEPTH = 100
LONG_SUM = 32
_DECIMAL_LITERAL = re.compile(r"[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?|[0-9]+\.")
MAX_STRING = 200

_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Constant,
    ast.Load,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
)

# Words for what users most often try; anything else is named by its node type.
_REFUSED = {  # what a refused node is called, in English and in Chinese
    ast.Attribute: ("attribute access ('.')", "属性访问（'.'）"),
    ast.Subscript: ("a subscript ('[...]')", "下标（'[...]'）"),
    ast.Lambda: ("lambda", "lambda"),
    ast.JoinedStr: ("an f-string", "f 字符串"),
    ast.NamedExpr: ("assignment (':=')", "赋值（':='）"),
    ast.ListComp: ("a comprehension", "推导式"),
    ast.SetComp: ("a comprehension", "推导式"),
    ast.DictComp: ("a comprehension", "推导式"),
    ast.GeneratorExp: ("a comprehension", "推导式"),
    ast.List: ("a list", "列表"),
    ast.Tuple: ("a tuple (a comma separates only the arguments of a function)", "元组（逗号只用于分隔函数的参数）"),
    ast.Dict: ("a dict", "字典"),
    ast.Set: ("a set", "集合"),
    ast.Pow: ("a power ('**')", "乘方（'**'）"),
    ast.FloorDiv: ("floor division ('//')", "整除（'//'）"),
    ast.Mod: ("a remainder ('%')", "取余（'%'）"),
    ast.BitXor: ("'^' (it is not a power)", "'^'（它不是乘方）"),
    ast.BitAnd: ("a bit operation ('&')", "位运算（'&'）"),
    ast.BitOr: ("a bit operation ('|')", "位运算（'|'）"),
    ast.LShift: ("a shift ('<<')", "移位（'<<'）"),
    ast.RShift: ("a shift ('>>')", "移位（'>>'）"),
    ast.Invert: ("bit inversion ('~')", "按位取反（'~'）"),
    ast.MatMult: ("'@'", "'@'"),
    ast.Is: ("'is' (use '==')", "'is'（请用 '=='）"),
    ast.IsNot: ("'is not' (use '!=')", "'is not'（请用 '!='）"),
    ast.In: ("'in'", "'in'"),
    ast.NotIn: ("'not in'", "'not in'"),
    ast.Starred: ("a '*' argument", "'*' 参数"),
    ast.keyword: ("a keyword argument", "关键字参数"),
    ast.Await: ("await", "await"),
    ast.Yield: ("yield", "yield"),
}


@frozen
class Expression:
    """A scoring expression, parsed and checked once when it is created.

    Attributes:
        source: The expression as written.
        names: The facts (and ``weight``) it reads.
        functions: The functions it calls.
    """

    source: str
    _tree: ast.expr = field(alias="tree", eq=False, repr=False)
    names: frozenset[str] = field(eq=False, repr=False)
    functions: frozenset[str] = field(eq=False, repr=False)
    _denominators: frozenset[str] = field(alias="denominators", eq=False, repr=False)

    @classmethod
    def parse(cls, source: str, *, max_length: int | None = MAX_LENGTH) -> Expression:
        """Parse *source*; raise `ExpressionError` if it is not in the allowed language.

        Args:
            source: The expression's text.
            max_length: The longest text accepted; kinds that generate an
                expression from validated parameters may lift it (None).
        """
        text = expression_text(source).strip()
        if not text:
            raise ExpressionError("the expression is empty", message_zh="公式是空的")
        if max_length is not None and len(text) > max_length:
            msg = f"the expression is {len(text)} characters long; the limit is {max_length}"
            raise ExpressionError(msg, message_zh=f"公式长 {len(text)} 个字符，超过上限 {max_length}")
        if text.startswith("="):
            raise ExpressionError(
                "remove the leading '=': expressions are not spreadsheet formulas",
                message_zh="请去掉开头的 '='：公式不是电子表格公式",
            )
        try:
            tree = _parse_tree(text)
        except SyntaxError as e:
            msg = f"{e.msg} at column {e.offset}" if e.offset else str(e.msg)
            zh = f"公式无法解析：{in_chinese(e.msg, _SYNTAX_ZH) or e.msg}" + (
                f"，位于第 {e.offset} 列" if e.offset else ""
            )
            raise ExpressionError(msg + spreadsheet_hint(text), message_zh=zh + spreadsheet_hint(text, "zh")) from None
        except (ValueError, MemoryError, RecursionError):
            raise ExpressionError(
                "the expression is too complex to read", message_zh="公式过于复杂，无法读取"
            ) from None
        _regroup(tree)
        _check(tree, text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in ALIASES:
                node.id = ALIASES[node.id]  # 分值 is weight, 自评分 claim: the rule reads them alike
        callees = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}

        def names_in(node: ast.AST) -> frozenset[str]:
            return frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and id(n) not in callees)

        calls = frozenset(n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name))
        denominators = frozenset().union(
            *(names_in(d.right) for d in ast.walk(tree) if isinstance(d, ast.BinOp) and isinstance(d.op, ast.Div))
        )
        return cls(text, tree=tree.body, names=names_in(tree), functions=calls, denominators=denominators)

    def type_problems(self, types: Mapping[str, str], returns: Mapping[str, str], lang: Language = "en") -> list[str]:
        """`type_problem_words`, in *lang*."""
        return [english if lang == "en" else chinese for english, chinese in self.type_problem_words(types, returns)]

    def type_problem_words(self, types: Mapping[str, str], returns: Mapping[str, str]) -> list[tuple[str, str]]:
        """What the rule's types make impossible, found before any facts exist, in every branch, in English and
        Chinese.

        Args:
            types: The type of each name it may read: ``number``, ``boolean`` or ``text``.
            returns: The type each function returns, where known.

        The same rules `evaluate` enforces: arithmetic on numbers, conditions that are
        true or false, comparisons between like values, a number as the result. A part
        whose type is not known (an unknown name, a plugin's function) is not judged.
        """
        problems: list[tuple[str, str]] = []
        found: dict[int, str | None] = {}
        # Post-order without recursion: a node is typed once its children are.
        stack: list[tuple[ast.AST, bool]] = [(self._tree, False)]
        while stack:
            node, ready = stack.pop()
            if not ready:
                stack.append((node, True))
                stack.extend((child, False) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
                continue
            found[id(node)] = _static_type(node, found, types, returns, problems)
        result = found.get(id(self._tree))
        if result in ("boolean", "text"):
            problems.append(
                (
                    f"it gives {_TYPE_WORDS[result]}, not a number; write e.g. 'weight if passed else 0'",
                    f"公式得出的是{_TYPE_WORDS_ZH[result]}，不是数；请写成如 'weight if passed else 0'",
                )
            )
        return problems

    def call_arities(self) -> list[tuple[str, int]]:
        """Each call in the expression as ``(function name, number of arguments)``."""
        return [
            (n.func.id, len(n.args))
            for n in ast.walk(self._tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        ]

    def evaluate(self, names: Mapping[str, Value], functions: Mapping[str, Function]) -> Value:
        """Evaluate with *names* bound and *functions* callable (`Interpreter.run` with a new interpreter).

        Raises:
            EvaluationError: the arithmetic failed (a zero denominator, an
                overflow), a type rule was broken or a function failed.
        """
        return Interpreter(functions).run(self, names)

    def trace(self, names: Mapping[str, Value], functions: Mapping[str, Function]) -> Trace:
        """The arithmetic behind `evaluate`: the branch taken, with every name replaced by its value.

        Raises:
            EvaluationError: as `evaluate` does.
        """
        value = self.evaluate(names, functions)  # fails first, and in the same words, if the rule fails
        machine, people = _Tracer(names, functions, _SYMBOLS), _Tracer(names, functions, _SHOWN)
        with decimal.localcontext(ARITHMETIC):
            arithmetic, shown = machine.substitute(self._tree, 0), people.substitute(self._tree, 0)
        return Trace(arithmetic, shown, value, tuple(people.conditions))


@frozen
class Condition:
    """A condition the rule tested, with values substituted, and whether it held."""

    text: str
    held: bool


@frozen
class Trace:
    """How an expression reached its value for one unit's facts.

    Attributes:
        arithmetic: The branch taken, every name replaced by its value: an
            expression of literals and calls that evaluates to *value* by itself.
        shown: The same for people: ``×``, ``÷``, ``≤``, ``≥``, ``≠``, ``=``.
        value: What the expression gives.
        conditions: The conditions tested on the way (bands, tiers, thresholds), in order, as shown.
    """

    arithmetic: str
    shown: str
    value: Value
    conditions: tuple[Condition, ...]


# Python's precedence, loosest first, for printing substituted expressions with only the parentheses needed.
_PRECEDENCE: dict[type[ast.AST], int] = {
    ast.IfExp: 1, ast.Or: 2, ast.And: 3, ast.Not: 4, ast.Compare: 5,
    ast.Add: 6, ast.Sub: 6, ast.Mult: 7, ast.Div: 7, ast.USub: 8, ast.UAdd: 8,
}  # fmt: skip
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.USub: "-", ast.UAdd: "+", ast.Not: "not ",
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.And: "and", ast.Or: "or",
}  # fmt: skip
_SHOWN = {**_SYMBOLS, ast.Mult: "×", ast.Div: "÷", ast.Eq: "=", ast.NotEq: "≠", ast.LtE: "≤", ast.GtE: "≥"}


def literal(value: Value) -> str:
    """*value* written in the expression language."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return f"({to_text(value)})" if value.is_signed() else to_text(value)
    return repr(value)


class _Tracer:
    """Prints a vetted tree with names substituted and each conditional reduced to the branch it takes."""

    def __init__(
        self, names: Mapping[str, Value], functions: Mapping[str, Function], symbols: Mapping[type[ast.AST], str]
    ) -> None:
        self.evaluator = _Evaluator(names, functions)
        self.names = names
        self.symbols = symbols
        self.conditions: list[Condition] = []

    def substitute(self, node: ast.expr, context: int, *, reduce: bool = True) -> str:
        """*node* as text, parenthesised when it binds more loosely than *context*.

        With *reduce*, a conditional is replaced by the branch it takes; inside a
        condition nothing is reduced, since a part there may never be evaluated.
        """
        if isinstance(node, ast.IfExp) and reduce:
            held = self.evaluator._condition(node.test, "if")  # the evaluator's own type rules
            test = self.substitute(node.test, 0, reduce=False)
            if isinstance(node.test, ast.Name):  # a bare True/False says nothing: name the fact
                test = f"{node.test.id} {self.symbols[ast.Eq]} {test}"
            self.conditions.append(Condition(test, held))
            return self.substitute(node.body if held else node.orelse, context)
        if isinstance(node, ast.Constant):
            return literal(node.value)  # type: ignore[arg-type]  # _check_constant made every number a Decimal
        if isinstance(node, ast.Name):  # a name left unbound (never read, as in "True or y") is shown as itself
            return literal(self.names[node.id]) if node.id in self.names else node.id
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]  # checked at parse
            return f"{name}({', '.join(self.substitute(arg, 0, reduce=reduce) for arg in node.args)})"
        parts: list[str]
        if isinstance(node, ast.IfExp):
            level = _PRECEDENCE[ast.IfExp]
            parts = [self.substitute(node.body, level + 1, reduce=False), "if"]
            parts += [self.substitute(node.test, level + 1, reduce=False), "else"]
            parts.append(self.substitute(node.orelse, level, reduce=False))
        elif isinstance(node, ast.BinOp):
            level = _PRECEDENCE[type(node.op)]
            left = self.substitute(node.left, level, reduce=reduce)
            parts = [left, self.symbols[type(node.op)], self.substitute(node.right, level + 1, reduce=reduce)]
        elif isinstance(node, ast.UnaryOp):
            level = _PRECEDENCE[type(node.op)]
            parts = [self.symbols[type(node.op)] + self.substitute(node.operand, level, reduce=reduce)]
        elif isinstance(node, ast.BoolOp):
            level = _PRECEDENCE[type(node.op)]
            values = [self.substitute(value, level + 1, reduce=False) for value in node.values]
            parts = [f" {self.symbols[type(node.op)]} ".join(values)]
        elif isinstance(node, ast.Compare):
            level = _PRECEDENCE[ast.Compare]
            parts = [self.substitute(node.left, level + 1, reduce=reduce)]
            for op, right in zip(node.ops, node.comparators, strict=True):
                parts += [self.symbols[type(op)], self.substitute(right, level + 1, reduce=reduce)]
        else:  # every other node was refused at parse
            raise AssertionError(type(node).__name__)
        text = " ".join(parts)
        return f"({text})" if level < context else text


_SPREADSHEET = (
    (
        re.compile(r"\bIF\s*\(", re.IGNORECASE),
        ("write 'a if condition else b', not IF(condition, a, b)", "请写作 'a if 条件 else b'，不要写 IF(条件, a, b)"),
    ),
    (re.compile(r"\b(AND|OR|NOT)\s*\("), ("write 'x and y', 'x or y', 'not x'", "请写作 'x and y'、'x or y'、'not x'")),
    (re.compile(r"&&|\|\|"), ("write 'and' and 'or', not && and ||", "请写 and 和 or，不要写 && 和 ||")),
    (
        re.compile(r"\?.*:"),
        ("write 'a if condition else b', not condition ? a : b", "请写作 'a if 条件 else b'，不要写 条件 ? a : b"),
    ),
    (
        re.compile("[“”‘’]"),
        ("quotation marks are ASCII: write \"…\" or '…', not “…”", "引号须为半角：请写 \"…\" 或 '…'，不要写 “…”"),
    ),
)


def spreadsheet_hint(text: str, lang: Language = "en") -> str:
    """Words for the spreadsheet and C idioms, and the full-width quotation marks, people type into expressions."""
    for pattern, (english, chinese) in _SPREADSHEET:
        if pattern.search(text):
            return f"; {english}" if lang == "en" else f"；{chinese}"
    return ""


_SYNTAX_ZH = [
    (r"invalid syntax\. Perhaps you forgot a comma\?", "写法有误，可能漏了逗号"),
    (r"invalid syntax\. Maybe you meant '==' or ':=' instead of '='\?", "写法有误，比较是否相等请用 '=='"),
    (r"invalid syntax.*", "写法有误"),
    (r"(.+) was never closed", r"括号 \1 没有闭合"),
    (r"unmatched (.+)", r"多了一个 \1"),
    (r"closing parenthesis (.+) does not match opening parenthesis (.+)", r"右括号 \1 与左括号 \2 不配对"),
    (r"unterminated (triple-quoted )?string literal.*", "引号没有闭合"),
    (r"expected 'else' after 'if' expression", "'if' 之后须有 'else'"),
    (r"invalid (decimal|hexadecimal|octal|binary) literal", "数字写法有误"),
    (r"leading zeros in decimal integer literals are not permitted.*", "整数不能以 0 开头"),
    (r"invalid character (.+) \((U\+[0-9A-F]+)\)", r"字符 \1（\2）不能用在公式中"),
    (r"invalid non-printable character (U\+[0-9A-F]+)", r"不可见字符 \1 不能用在公式中"),
    (r"unexpected EOF while parsing|'(.+)' expected", "公式不完整"),
    (r"unexpected character after line continuation character", "反斜杠 '\\' 之后不能再有字符"),
    (r"cannot assign to .*|expression cannot contain assignment.*", "公式中不能赋值，比较是否相等请用 '=='"),
]
"""Python's words for the syntax errors people make in a formula, in Chinese; any other is kept as it is."""


def _parse_tree(text: str) -> ast.Expression:
    """``ast.parse(text, mode="eval")``, retried in a thread of its own when it runs out of recursion.

    Python's parser recurses once per operator of a long sum, so from deep in a
    caller's stack a long expression could fail that parses at the top; a new
    thread's recursion starts from nothing, so what parses never depends on the caller.
    """
    try:
        with warnings.catch_warnings():
            # "1if x else 2" parses with a SyntaxWarning: refuse it, whatever the caller's warning filters say.
            warnings.simplefilter("error", SyntaxWarning)
            return ast.parse(text, mode="eval")
    except SyntaxWarning as e:
        raise SyntaxError(str(e)) from None
    except RecursionError:
        return _fresh_stack(lambda: ast.parse(text, mode="eval"))


def _fresh_stack(function: Callable[[], T]) -> T:
    """``function()`` in a thread of its own, whose recursion starts from nothing; its exception is raised here."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as e:  # handed to the caller, who decides
            outcome.append((False, e))

    worker = threading.Thread(target=run, name="perfrules-fresh-stack")
    worker.start()
    worker.join()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


def _regroup(tree: ast.Expression) -> None:
    """Regroup each chain of more than `LONG_SUM` terms joined by + and - into a balanced tree.

    Python parses ``a + b + c + ...`` as a left-leaning tree as deep as the sum
    is long, beyond the depth limit (and the evaluator's recursion) at a few
    hundred terms; balanced, a 1,000-term sum nests ten levels deep. Addition is
    associative, so the value is the same (to the last of its 28 digits, where
    terms carry more). Shorter chains keep their written shape, so explanations
    print them as written. Iterative: the tree may be deep.
    """
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for name, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for index, child in enumerate(children):
                if not isinstance(child, ast.AST):
                    continue
                terms = _sum_terms(child)
                if len(terms) > LONG_SUM:
                    balanced = _balanced(terms)
                    if isinstance(value, list):
                        value[index] = balanced
                    else:
                        setattr(node, name, balanced)
                    stack.extend(term for _, term in terms)  # the terms may hold long sums of their own
                else:
                    stack.append(child)


def _sum_terms(node: ast.AST) -> list[tuple[bool, ast.expr]]:
    """A chain ``a + b - c`` as its terms in order, each with whether it is added: ``[(+, a), (+, b), (-, c)]``."""
    terms: list[tuple[bool, ast.expr]] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        terms.append((isinstance(node.op, ast.Add), node.right))
        node = node.left
    if not terms:
        return []
    terms.append((True, node))  # type: ignore[arg-type]  # the chain's first operand
    terms.reverse()
    return terms


def _balanced(terms: list[tuple[bool, ast.expr]]) -> ast.expr:
    """Signed terms joined pairwise, level by level: (+a, -b) → +(a - b), (-a, +b) → +(b - a), (-a, -b) → -(a + b)."""
    level = terms
    while len(level) > 1:
        paired: list[tuple[bool, ast.expr]] = []
        for index in range(0, len(level) - 1, 2):
            (added, left), (also_added, right) = level[index], level[index + 1]
            if not added and also_added:
                added, left, also_added, right = True, right, False, left
            operation: ast.operator = ast.Add() if added == also_added else ast.Sub()
            joined = ast.copy_location(ast.BinOp(left, operation, right), left)
            paired.append((added, joined))
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    added, expression = level[0]  # the first term is added, and a sum of added terms stays added
    return expression if added else ast.copy_location(ast.UnaryOp(ast.USub(), expression), expression)


def _check(tree: ast.Expression, text: str) -> None:
    """Refuse any node outside the allow-list; limit size and depth without recursion."""
    # Split once: ast.get_source_segment splits the whole text again for every literal.
    lines = [line.encode("utf-8") for line in re.split(r"\r\n|\r|\n", text)]
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            msg = f"the expression has more than {MAX_NODES} parts"
            raise ExpressionError(msg, message_zh=f"公式的组成部分超过 {MAX_NODES} 个")
        if depth > MAX_DEPTH:
            msg = f"the expression nests deeper than {MAX_DEPTH} levels"
            raise ExpressionError(msg, message_zh=f"公式嵌套超过 {MAX_DEPTH} 层")
        if not isinstance(node, _ALLOWED):
            what, what_zh = _REFUSED.get(type(node), (type(node).__name__,) * 2)
            raise ExpressionError(
                f"{what} is not allowed{_at(node)}", message_zh=f"不允许使用{what_zh}{_at(node, 'zh')}"
            )
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name):
            raise ExpressionError(
                f"only named functions can be called{_at(node)}", message_zh=f"只能调用有名称的函数{_at(node, 'zh')}"
            )
        if isinstance(node, ast.Call) and node.keywords:
            raise ExpressionError(
                f"keyword arguments are not allowed{_at(node)}", message_zh=f"不允许使用关键字参数{_at(node, 'zh')}"
            )
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(
                f"names starting with '_' are not allowed{_at(node)}",
                message_zh=f"不允许使用以 '_' 开头的名称{_at(node, 'zh')}",
            )
        if isinstance(node, ast.Constant):
            _check_constant(node, lines)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _check_constant(node: ast.Constant, lines: list[bytes]) -> None:
    value = node.value
    if isinstance(value, bool):
        return
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise ExpressionError(
                f"text longer than {MAX_STRING} characters{_at(node)}",
                message_zh=f"文字超过 {MAX_STRING} 个字符{_at(node, 'zh')}",
            )
        return
    if isinstance(value, (int, float)):
        # A number literal is on one line; ast counts its columns in UTF-8 bytes.
        line = lines[node.lineno - 1]
        literal = line[node.col_offset : node.end_col_offset].decode("utf-8").replace("_", "")
        try:
            number = Decimal(literal) if _DECIMAL_LITERAL.fullmatch(literal) else None
        except ArithmeticError:
            number = None
        if number is None:
            raise ExpressionError(
                f"write numbers in decimal, not {literal[:40]!r}{_at(node)}",
                message_zh=f"数字请用十进制书写，不能写作 {literal[:40]!r}{_at(node, 'zh')}",
            )
        if not in_range(number):
            raise ExpressionError(
                f"the number {literal[:40]} is out of range{_at(node)}",
                message_zh=f"数字 {literal[:40]} 超出范围{_at(node, 'zh')}",
            )
        # The tree is never compiled, only walked, so a Decimal constant is safe here.
        node.value = number  # type: ignore[assignment]
        return
    raise ExpressionError(
        f"{type(value).__name__} literals are not allowed{_at(node)}",
        message_zh=f"不允许使用 {type(value).__name__} 字面量{_at(node, 'zh')}",
    )


def _at(node: ast.AST, lang: Language = "en") -> str:
    column = getattr(node, "col_offset", None)
    if column is None:
        return ""
    return f" at column {column + 1}" if lang == "en" else f"（第 {column + 1} 列）"


class _TypeRule(Exception):
    """An operand of the wrong type; reported as an evaluation error (*zh*: the same in Chinese)."""

    def __init__(self, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh


class _Refusal(_TypeRule):
    """A function refused its arguments in words of its own."""


def _is_number(value: object) -> bool:
    return isinstance(value, Decimal) and not isinstance(value, bool)


def _arithmetic(symbol: str, op: Callable[[Decimal, Decimal], Decimal]) -> Callable[[Any, Any], Decimal]:
    def apply(left: Any, right: Any) -> Decimal:
        if not (_is_number(left) and _is_number(right)):
            msg = f"'{symbol}' needs two numbers, got {_kind(left)} and {_kind(right)}"
            raise _TypeRule(msg, f"'{symbol}' 需要两个数，这里是{_kind(left, 'zh')}和{_kind(right, 'zh')}")
        return op(left, right)

    return apply


def _divide(left: Decimal, right: Decimal) -> Decimal:
    if right == 0:  # 0/0 included, which decimal reports as an invalid operation instead
        raise ZeroDivisionError
    return left / right


def _comparison(symbol: str, op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def apply(left: Any, right: Any) -> bool:
        if _kind(left) != _kind(right):
            msg = f"'{symbol}' compares {_kind(left)} with {_kind(right)}"
            raise _TypeRule(msg, f"'{symbol}' 比较了{_kind(left, 'zh')}与{_kind(right, 'zh')}")
        if isinstance(left, bool) and symbol not in ("==", "!="):
            raise _TypeRule(f"'{symbol}' cannot order booleans", f"'{symbol}' 不能比较条件（真或假）的大小")
        return op(left, right)

    return apply


def _negate(value: Any) -> Decimal:
    if not _is_number(value):
        raise _TypeRule(f"'-' needs a number, got {_kind(value)}", f"'-' 需要数，这里是{_kind(value, 'zh')}")
    return -value  # type: ignore[no-any-return]


def _plus(value: Any) -> Decimal:
    if not _is_number(value):
        raise _TypeRule(f"'+' needs a number, got {_kind(value)}", f"'+' 需要数，这里是{_kind(value, 'zh')}")
    return value  # type: ignore[no-any-return]


def _not(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _TypeRule(
            f"'not' needs a condition, got {_kind(value)}", f"'not' 需要条件（真或假），这里是{_kind(value, 'zh')}"
        )
    return not value


_TYPE_WORDS = {"number": "a number", "boolean": "a condition", "text": "text"}
_TYPE_WORDS_ZH = {"number": "数", "boolean": "条件（真或假）", "text": "文字"}


def _static_type(
    node: ast.AST,
    found: Mapping[int, str | None],
    types: Mapping[str, str],
    returns: Mapping[str, str],
    problems: list[tuple[str, str]],
) -> str | None:
    """The type of *node*, its children typed in *found*; a clash is added to *problems*."""

    def of(child: ast.AST) -> str | None:
        return found.get(id(child))

    def need(child: ast.AST, wanted: str, what: str) -> None:
        actual = of(child)
        if actual is not None and actual != wanted:
            problems.append(
                (
                    f"{what} needs {_TYPE_WORDS[wanted]}, not {_TYPE_WORDS[actual]}{_at(child)}",
                    f"{what} 需要{_TYPE_WORDS_ZH[wanted]}，这里是{_TYPE_WORDS_ZH[actual]}{_at(child, 'zh')}",
                )
            )

    if isinstance(node, ast.Constant):
        value = node.value
        return "boolean" if isinstance(value, bool) else "text" if isinstance(value, str) else "number"
    if isinstance(node, ast.Name):
        return types.get(node.id)
    if isinstance(node, ast.BinOp):
        symbol = _SYMBOLS[type(node.op)]
        need(node.left, "number", f"'{symbol}'")
        need(node.right, "number", f"'{symbol}'")
        return "number"
    if isinstance(node, ast.UnaryOp):
        wanted = "boolean" if isinstance(node.op, ast.Not) else "number"
        need(node.operand, wanted, f"'{_SYMBOLS[type(node.op)].strip()}'")
        return wanted
    if isinstance(node, ast.BoolOp):
        for operand in node.values:
            need(operand, "boolean", f"'{_SYMBOLS[type(node.op)]}'")
        return "boolean"
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            kinds = (of(left), of(right))
            if None not in kinds and kinds[0] != kinds[1]:
                words = f"{_TYPE_WORDS[kinds[0]]} with {_TYPE_WORDS[kinds[1]]}"  # type: ignore[index]
                words_zh = f"{_TYPE_WORDS_ZH[kinds[0]]}与{_TYPE_WORDS_ZH[kinds[1]]}"  # type: ignore[index]
                symbol = _SYMBOLS[type(op)]
                problems.append(
                    (f"'{symbol}' compares {words}{_at(left)}", f"'{symbol}' 比较了{words_zh}{_at(left, 'zh')}")
                )
        return "boolean"
    if isinstance(node, ast.IfExp):
        need(node.test, "boolean", "'if'")
        body, orelse = of(node.body), of(node.orelse)
        if body is not None and orelse is not None and body != orelse:
            problems.append(
                (
                    f"the branches give {_TYPE_WORDS[body]} and {_TYPE_WORDS[orelse]}{_at(node)}",
                    f"两个分支分别得出{_TYPE_WORDS_ZH[body]}和{_TYPE_WORDS_ZH[orelse]}{_at(node, 'zh')}",
                )
            )
            return None
        return body or orelse
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return returns.get(node.func.id)
    return None


def _kind(value: object, lang: Language = "en") -> str:
    if isinstance(value, bool):
        return "a condition" if lang == "en" else "条件（真或假）"
    if isinstance(value, Decimal):
        return "a number" if lang == "en" else "数"
    if isinstance(value, str):
        return "text" if lang == "en" else "文字"
    return type(value).__name__


_OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: _arithmetic("+", operator.add),
    ast.Sub: _arithmetic("-", operator.sub),
    ast.Mult: _arithmetic("*", operator.mul),
    ast.Div: _arithmetic("/", _divide),
    ast.USub: _negate,
    ast.UAdd: _plus,
    ast.Not: _not,
    ast.Eq: _comparison("==", operator.eq),
    ast.NotEq: _comparison("!=", operator.ne),
    ast.Lt: _comparison("<", operator.lt),
    ast.LtE: _comparison("<=", operator.le),
    ast.Gt: _comparison(">", operator.gt),
    ast.GtE: _comparison(">=", operator.ge),
}


class _Evaluator(SimpleEval):  # type: ignore[misc]
    """simpleeval with perfrules' operators and type rules; one per evaluation."""

    def __init__(self, names: Mapping[str, Value], functions: Mapping[str, Function]) -> None:
        # Copies: simpleeval keeps what it is given, and the caller's maps stay theirs.
        super().__init__(operators=dict(_OPERATORS), functions=dict(functions), names=dict(names), allowed_attrs={})
        self.ATTR_INDEX_FALLBACK = False
        self.names: Mapping[str, Value]  # read only by _eval_name; an Interpreter rebinds it for each run

    def _eval_ifexp(self, node: ast.IfExp) -> Any:
        return self._eval(node.body) if self._condition(node.test, "if") else self._eval(node.orelse)

    def _eval_boolop(self, node: ast.BoolOp) -> bool:
        word = "and" if isinstance(node.op, ast.And) else "or"
        for value in node.values:
            result = self._condition(value, word)
            if result is (word == "or"):
                return result
        return word == "and"

    def _condition(self, node: ast.expr, word: str) -> bool:
        value = self._eval(node)
        if not isinstance(value, bool):
            msg = f"'{word}' needs a condition, got {_kind(value)}"
            raise _TypeRule(msg, f"'{word}' 需要条件（真或假），这里是{_kind(value, 'zh')}")
        return value

    def _eval_name(self, node: ast.Name) -> Value:
        # Names are facts only: never a function, whatever simpleeval would fall back to.
        try:
            return self.names[node.id]
        except KeyError:
            raise _TypeRule(f"no value for {node.id!r:.80}", f"{node.id!r:.80} 没有值") from None

    def _eval_call(self, node: ast.Call) -> Value:
        name = node.func.id  # type: ignore[attr-defined]  # checked at parse
        function = self.functions.get(name)
        if function is None:
            raise _TypeRule(f"no function {name}() is registered", f"没有登记函数 {name}()")
        args = [self._eval(arg) for arg in node.args]
        # Registered functions are guarded by the registry (results checked, failures naming
        # the plugin); this only keeps any other failure from leaking.
        try:
            return function(*args)  # type: ignore[no-any-return]
        except _TypeRule:
            raise
        except PerfrulesError as e:
            raise _Refusal(e.args[0], e.message_zh) from None
        except Exception as e:
            msg = f"{name}() failed: {type(e).__name__}: {e}"
            raise _TypeRule(msg, f"函数 {name}() 出错：{type(e).__name__}: {e}") from None


class Interpreter:
    """Runs vetted expressions with one set of functions, as often as asked; safe to share between threads.

    Interpreters are made once and reused, so a form's hundredth rule costs no more to start than its first.
    """

    def __init__(self, functions: Mapping[str, Function]) -> None:
        self._functions = functions
        self._idle: list[_Evaluator] = []  # list.pop and append are atomic: each run has an evaluator to itself

    def run(self, expression: Expression, names: Mapping[str, Value]) -> Value:
        """*expression*'s value with *names* bound.

        Raises:
            EvaluationError: the arithmetic failed (a zero denominator, an
                overflow), a type rule was broken or a function failed.
        """
        try:
            evaluator = self._idle.pop()
        except IndexError:
            evaluator = _Evaluator({}, self._functions)
        evaluator.names = names
        tree, source = expression._tree, expression.source

        def run() -> Value:
            with decimal.localcontext(ARITHMETIC):
                return evaluator.eval(source, previously_parsed=tree)  # type: ignore[no-any-return]

        try:
            try:
                return run()
            except RecursionError:  # deep in the caller's stack: a fresh one has room for any accepted rule
                return _fresh_stack(run)
        except Exception as e:
            failure = _failure(e, expression, names)
            if failure is None:
                raise
            raise failure from None
        finally:
            evaluator.names = {}
            self._idle.append(evaluator)


def _failure(error: Exception, expression: Expression, names: Mapping[str, Value]) -> EvaluationError | None:
    """The `EvaluationError` saying why *expression* failed with *names*; None for an error that is not its own."""
    source = expression.source
    if isinstance(error, ZeroDivisionError):
        zeros = sorted(n for n in expression._denominators if names.get(n) == 0)
        which = f" ({', '.join(f'{n} = 0' for n in zeros)})" if zeros else ""
        zh = f"公式 {source!r:.120} 中出现除以零{which.replace(' (', '（').replace(')', '）') if which else ''}"
        return EvaluationError(f"division by zero in {source!r:.120}{which}", message_zh=zh)
    if isinstance(error, _Refusal):  # a function's own words, complete as they are
        return EvaluationError(str(error), message_zh=error.zh)
    if isinstance(error, _TypeRule):
        return EvaluationError(
            f"{error} in {source!r:.120}", message_zh=f"公式 {source!r:.120} 中：{error.zh or error}"
        )
    if isinstance(error, decimal.Overflow):
        return EvaluationError(
            f"a number grew too large in {source!r:.120}", message_zh=f"公式 {source!r:.120} 中的数过大"
        )
    if isinstance(error, (ArithmeticError, InvalidExpression, TypeError, ValueError)):
        return EvaluationError(f"{error} in {source!r:.120}", message_zh=f"公式 {source!r:.120} 中：{error}")
    return None


def arity_problem(function: Function, count: int) -> tuple[str, str] | None:
    """Why *function* cannot take *count* positional arguments, in English and Chinese, or None if it can."""
    try:
        signature = inspect.signature(function)
        signature.bind(*range(count))
    except TypeError:
        pass
    except ValueError:  # no signature available: trust the call
        return None
    else:
        return None
    parameters = signature.parameters.values()
    if any(p.kind is p.KEYWORD_ONLY and p.default is p.empty for p in parameters):
        return "needs keyword arguments, which an expression cannot give", "需要关键字参数，公式中无法提供"
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    low = sum(p.default is p.empty for p in positional)
    high = None if any(p.kind is p.VAR_POSITIONAL for p in parameters) else len(positional)
    if high is None:
        takes, takes_zh = f"at least {low}", f"至少须有 {low} 个"
    elif high == low:
        takes, takes_zh = str(low), f"须有 {low} 个"
    else:
        takes, takes_zh = f"{low} to {high}", f"须有 {low} 至 {high} 个"
    noun = "argument" if (high or low) == 1 else "arguments"
    return f"takes {takes} {noun}, not {count}", f"{takes_zh}参数，现有 {count} 个"
