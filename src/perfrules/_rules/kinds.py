"""Indicator kinds: how a leaf's parameters become its scoring rule.

The contract, for built-in and plugin kinds alike: a kind reads its validated
parameters and returns a `Rule`, an expression in the one allow-listed language
(or none, when the score is the unit's own claim) plus the rule in words. One
evaluator therefore serves every kind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from attrs import frozen

from .._diagnostics import did_you_mean
from .._numbers import decimal_places, in_range, to_decimal, to_text
from ..exceptions import ExpressionError
from .expression import Expression

if TYPE_CHECKING:
    from .._spec.model import FactDeclaration


@frozen
class Rule:
    """How a leaf is scored.

    Attributes:
        expression: Computes the score from the facts; None when the score is
            the unit's claim (``self_assessed``).
        words: The rule in Chinese, for people reading the form.
        words_en: The rule in English.
    """

    expression: Expression | None
    words: str
    words_en: str


class KindContext(Protocol):
    """What a kind may know and do while it compiles one indicator."""

    @property
    def weight(self) -> Decimal:
        """The indicator's weight (分值)."""

    @property
    def precision(self) -> int:
        """Decimals of reported scores."""

    @property
    def facts(self) -> Mapping[str, FactDeclaration]:
        """The facts the spec declares, by name."""

    @property
    def vocabulary(self) -> Mapping[str, str]:
        """The spec's own qualitative phrases (``运行良好``), each with its tier (达成, 部分达成, 未达成)."""

    def error(self, message: str, *path: str | int, code: str = "kind-parameter", zh: str | None = None) -> None:
        """Report a problem at a parameter (path below the indicator): *message* in English, *zh* in Chinese."""


class IndicatorKind(Protocol):
    """An indicator kind, registered by name through ``perfrules_register_indicator_kinds``.

    Attributes:
        parameters: The keys it reads from an indicator, besides the common ones.
        required: Those of them that must be present.

    A kind may also have ``words_zh``, a tuple of the Chinese words policy teams call it by (``("自评",)``):
    a spec that writes one of them as its ``kind`` is told the kind's name.
    """

    parameters: frozenset[str]
    required: frozenset[str]

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        """Return the rule, or None after reporting problems through *context*."""


class Parameters:
    """Reads one indicator's parameters for a kind, reporting each problem through the kind context.

    Every helper returns None (and marks the reading failed) on a problem, so a kind
    reads all its parameters and reports every problem before giving up.
    """

    def __init__(self, parameters: Mapping[str, Any], context: KindContext) -> None:
        self.raw = parameters
        self.context = context
        self.ok = True

    def fail(self, message: str, *path: str | int, code: str = "kind-parameter", zh: str | None = None) -> None:
        # A context written before kinds spoke Chinese takes no zh: it is passed only when there is one.
        self.context.error(message, *path, code=code, **({"zh": zh} if zh is not None else {}))
        self.ok = False

    def fact(self, key: str, *types: str) -> FactDeclaration | None:
        """The declared fact *key* names, of one of *types*."""
        name = self.raw.get(key)
        declaration = self.context.facts.get(name) if isinstance(name, str) else None
        if declaration is None or declaration.type not in types:
            candidates = [n for n, d in self.context.facts.items() if d.type in types]
            hint = did_you_mean(name, candidates) if isinstance(name, str) else ""
            hint_zh = did_you_mean(name, candidates, "zh") if isinstance(name, str) else ""
            kinds_zh = "或".join(_FACT_TYPE_ZH.get(t, t) for t in types)
            self.fail(
                f"{key} {name!r} is not a declared {' or '.join(types)} fact{hint}",
                key,
                code="unknown-name",
                zh=f"{key} {name!r} 不是已声明的{kinds_zh}型填报数据{hint_zh}",
            )
            return None
        return declaration

    def operand(self, key: str) -> tuple[str, str, str] | None:
        """A number fact's name or an expression: ``(expression text, words zh, words en)``."""
        value = self.raw.get(key)
        if isinstance(value, str) and value in self.context.facts:
            declaration = self.fact(key, "number")
            if declaration is None:
                return None
            return value, declaration.label or value, declaration.label_en or value
        number = to_decimal(value)
        if number is not None:
            return to_text(number), to_text(number), to_text(number)
        if not isinstance(value, str):
            self.fail(
                f"{key} must be a number fact, a number or an expression, not {value!r:.80}",
                key,
                zh=f"{key} 应为数字型填报数据、数字或公式，现为 {value!r:.80}",
            )
            return None
        try:
            expression = Expression.parse(value)
        except ExpressionError as e:
            self.fail(f"{key}: {e.args[0]}", key, code="expression", zh=f"{key}：{e.text('zh')}")
            return None
        known = {*self.context.facts, "weight", "claim"}
        for name in sorted(expression.names - known):
            self.fail(
                f"{key}: unknown name {name!r:.80} in {value!r:.120}{did_you_mean(name, known)}",
                key,
                code="unknown-name",
                zh=f"{key}：{value!r:.120} 中的名称 {name!r:.80} 未声明{did_you_mean(name, known, 'zh')}",
            )
        if not self.ok:
            return None
        return f"({expression.source})", expression.source, expression.source

    def number(self, key: str, *, default: Decimal | None = None, positive: bool = False) -> Decimal | None:
        if key not in self.raw and default is not None:
            return default
        value = to_decimal(self.raw.get(key))
        if value is None or value < 0 or (positive and value == 0):
            shape, shape_zh = (
                ("a number above 0", "大于 0 的数") if positive else ("a number, 0 or more", "0 或以上的数")
            )
            self.fail(
                f"{key} must be {shape}, not {self.raw.get(key)!r:.80}",
                key,
                zh=f"{key} 应为{shape_zh}，现为 {self.raw.get(key)!r:.80}",
            )
            return None
        return value

    def score(self, value: Any, *path: str | int, code: str = "kind-parameter") -> Decimal | None:
        """Points awarded: from 0 to the weight, with no more decimals than the precision."""
        points = to_decimal(value)
        weight, precision = self.context.weight, self.context.precision
        if points is None or not 0 <= points <= weight or decimal_places(points) > precision:
            message = (
                f"points {value!r:.40} must be from 0 to the weight {to_text(weight)}, at most {precision} decimals"
            )
            zh = f"分数 {value!r:.40} 应在 0 至分值 {to_text(weight)} 之间，小数不超过 {precision} 位"
            self.fail(message, *path, code=code, zh=zh)
            return None
        return points

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str | None:
        value = self.raw.get(key, default)
        if value not in options:
            shown = " or ".join(options)
            self.fail(
                f"{key} must be {shown}{'' if key in self.raw else ' (say which)'}, not {value!r:.40}",
                key,
                zh=f"{key} 应为 {' 或 '.join(options)}{'' if key in self.raw else '（请写明）'}，现为 {value!r:.40}",
            )
            return None
        return value  # type: ignore[no-any-return]

    def rule(self, text: str, words: str, words_en: str) -> Rule | None:
        if not self.ok:
            return None
        return Rule(Expression.parse(text, max_length=None), words, words_en)


@frozen
class ExpressionKind:
    """``kind: expression`` (implied by an ``expression:`` key): the score is an expression."""

    words_zh: ClassVar[tuple[str, ...]] = ("公式", "计分公式")
    parameters: frozenset[str] = frozenset({"expression"})
    required: frozenset[str] = frozenset({"expression"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        source = parameters["expression"]
        if not isinstance(source, str):
            context.error(
                f"the expression must be text, not {source!r:.80}",
                "expression",
                code="expression",
                zh=f"计分公式应为文字，现为 {source!r:.80}",
            )
            return None
        try:
            expression = Expression.parse(source)
        except ExpressionError as e:
            context.error(
                f"{e.args[0]} in {source.strip()!r:.120}",
                "expression",
                code="expression",
                zh=f"公式 {source.strip()!r:.120} 中：{e.text('zh')}",
            )
            return None
        return Rule(expression, f"按公式计分：{expression.source}", f"computed as {expression.source}")


@frozen
class SelfAssessedKind:
    """``kind: self_assessed``: the score is the unit's claim in the facts file."""

    words_zh: ClassVar[tuple[str, ...]] = ("自评", "自评打分", "单位自评")
    parameters: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule:
        return Rule(None, "由单位自评打分", "scored by the unit's own assessment")


_INTERVAL = re.compile(
    r"\s*(?P<open>[\[(])\s*(?P<low>[-+]?(?:inf|[0-9]+(?:\.[0-9]+)?))\s*,"
    r"\s*(?P<high>[-+]?(?:inf|[0-9]+(?:\.[0-9]+)?))\s*(?P<close>[\])])\s*"
)
_INF = Decimal("Infinity")
MAX_BANDS = 50


class BadInterval(ValueError):
    """Text that is not an interval; its words in English (``args[0]``) and Chinese (``zh``)."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


_FACT_TYPE_ZH = {"number": "数字", "boolean": "是否", "text": "文字"}


@frozen
class Interval:
    """An interval of an input: ``[0.95, 1]``, ``(0, 10]``, ``[0.9, inf)``."""

    low: Decimal
    high: Decimal
    low_closed: bool
    high_closed: bool

    @classmethod
    def parse(cls, text: str) -> Interval:
        match = _INTERVAL.fullmatch(text)
        if match is None:
            msg = f'{text!r} is not an interval such as "[0.95, 1]", "(0, 10]" or "[0.9, inf)"'
            raise BadInterval(msg, f'{text!r} 不是区间，区间应写作 "[0.95, 1]"、"(0, 10]" 或 "[0.9, inf)"')
        low, high = (Decimal(match[name].replace("inf", "Infinity")) for name in ("low", "high"))
        if not all(in_range(end) for end in (low, high) if end.is_finite()):
            msg = f"{text!r}: the ends must have at most 40 digits and stay below 10^30"
            raise BadInterval(msg, f"{text!r}：区间端点最多 40 位有效数字，绝对值小于 10^30")
        interval = cls(low, high, match["open"] == "[", match["close"] == "]")
        if (interval.low_closed and low.is_infinite()) or (interval.high_closed and high.is_infinite()):
            msg = f'{text!r}: an infinite end must be open, as in "(-inf, 0)" or "[1, inf)"'
            raise BadInterval(msg, f'{text!r}：无穷端须为开区间，如 "(-inf, 0)" 或 "[1, inf)"')
        if low > high or (low == high and not (interval.low_closed and interval.high_closed)):
            raise BadInterval(f"{text!r} is empty", f"区间 {text!r} 是空的")
        return interval

    def __str__(self) -> str:
        low = "-inf" if self.low.is_infinite() else to_text(self.low)
        high = "inf" if self.high.is_infinite() else to_text(self.high)
        return f"{'[' if self.low_closed else '('}{low}, {high}{']' if self.high_closed else ')'}"

    # Ends as sortable points: (x, 0) sits at x and (x, 1) just after it, so
    # every interval is the half-open run [start, end) between two points.
    @property
    def start(self) -> tuple[Decimal, int]:
        return (self.low, 0 if self.low_closed else 1)

    @property
    def end(self) -> tuple[Decimal, int]:
        return (self.high, 1 if self.high_closed else 0)

    def condition(self, name: str) -> str:
        """This interval as a condition on *name*, in the expression language."""
        parts = []
        if not self.low.is_infinite():
            parts.append(f"{to_text(self.low)} {'<=' if self.low_closed else '<'} {name}")
        if not self.high.is_infinite():
            parts.append(f"{name} {'<=' if self.high_closed else '<'} {to_text(self.high)}")
        return " and ".join(parts) or "True"


def _span(start: tuple[Decimal, int], end: tuple[Decimal, int]) -> str:
    return str(Interval(start[0], end[0], start[1] == 0, end[1] == 1))


@frozen
class BandsKind:
    """``kind: bands``: the score is the band the input falls in (分档计分).

    Bands must cover the input's declared range (min to max; unbounded when not
    declared) without gaps or overlaps, so every valid input earns exactly one score.
    """

    words_zh: ClassVar[tuple[str, ...]] = ("区间", "分档", "分档计分")
    parameters: frozenset[str] = frozenset({"input", "bands"})
    required: frozenset[str] = frozenset({"input", "bands"})

    def compile(self, parameters: Mapping[str, Any], context: KindContext) -> Rule | None:
        p = Parameters(parameters, context)
        declaration = p.fact("input", "number")
        if declaration is None:
            return None
        name = declaration.name
        bands = self._bands(parameters["bands"], p)
        if bands is None:
            return None
        low = declaration.min if declaration.min is not None else -_INF
        high = declaration.max if declaration.max is not None else _INF
        if not self._covers(bands, Interval(low, high, low.is_finite(), high.is_finite()), p.context):
            return None
        # Coverage is proven above, so the last band needs no condition of its own.
        text = to_text(bands[-1][1])
        for interval, score in reversed(bands[:-1]):
            text = f"{to_text(score)} if {interval.condition(name)} else {text}"
        try:
            expression = Expression.parse(text, max_length=None)
        except ExpressionError as e:  # cannot happen within MAX_BANDS; reported, not raised, all the same
            p.fail(
                f"the bands do not make a valid rule: {e.args[0]}",
                "bands",
                zh=f"各档不能构成有效的计分规则：{e.text('zh')}",
            )
            return None
        listing = "；".join(f"{interval} 得 {to_text(score)} 分" for interval, score in bands)
        listing_en = "; ".join(f"{interval} -> {to_text(score)}" for interval, score in bands)
        return Rule(
            expression,
            f"按{declaration.label or name}分档计分：{listing}",
            f"scored by bands of {declaration.label_en or name}: {listing_en}",
        )

    @staticmethod
    def _bands(raw: Any, p: Parameters) -> list[tuple[Interval, Decimal]] | None:
        if not isinstance(raw, list) or not raw:
            p.fail(
                "bands must be a list of {range: ..., score: ...}",
                "bands",
                zh="bands（分档）应为 {range: 区间, score: 得分} 的列表",
            )
            return None
        if len(raw) > MAX_BANDS:
            p.fail(
                f"{len(raw)} bands are too many; at most {MAX_BANDS}",
                "bands",
                zh=f"分档 {len(raw)} 个过多；至多 {MAX_BANDS} 个",
            )
            return None
        bands = []
        for index, band in enumerate(raw):
            if not isinstance(band, dict) or set(band) != {"range", "score"}:
                p.fail(
                    "each band needs exactly 'range' and 'score'",
                    "bands",
                    index,
                    zh="每一档须且只须有 'range'（区间）和 'score'（得分）",
                )
                continue
            try:
                interval = Interval.parse(str(band["range"]))
            except BadInterval as e:
                p.fail(str(e), "bands", index, "range", code="band-range", zh=e.zh)
                continue
            score = p.score(band["score"], "bands", index, "score", code="band-score")
            if score is not None:
                bands.append((interval, score))
        return bands if p.ok else None

    @staticmethod
    def _covers(bands: Sequence[tuple[Interval, Decimal]], domain: Interval, context: KindContext) -> bool:
        order = sorted(range(len(bands)), key=lambda i: bands[i][0].start)
        cursor = domain.start
        previous: int | None = None
        ok = True
        for index in order:
            interval = bands[index][0]
            if previous is not None and interval.start < bands[previous][0].end:
                msg = f"band {interval} overlaps band {bands[previous][0]}"
                zh = f"区间 {interval} 与 {bands[previous][0]} 重叠"
                context.error(msg, "bands", index, "range", code="band-overlap", zh=zh)
                ok = False
            if cursor < interval.start and cursor < domain.end:
                gap = _span(cursor, min(interval.start, domain.end))
                context.error(
                    f"no band covers {gap}", "bands", index, "range", code="band-gap", zh=f"没有哪一档覆盖 {gap}"
                )
                ok = False
            if previous is None or interval.end > bands[previous][0].end:
                previous = index
            cursor = max(cursor, interval.end)
        if cursor < domain.end:
            gap = _span(cursor, domain.end)
            context.error(f"no band covers {gap}", "bands", code="band-gap", zh=f"没有哪一档覆盖 {gap}")
            ok = False
        return ok
