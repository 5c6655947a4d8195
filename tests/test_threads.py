"""Scoring is safe across threads: each rule runs with an evaluator to itself, in its own decimal context."""

from __future__ import annotations

import decimal
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import perfrules

SPEC = """\
spec: 1
id: test/threads
version: "1"
name: 线程
facts:
  done: {type: number}
  due: {type: number}
indicators:
  - {id: a, name: 完成率, weight: 100, expression: "weight * min(done / due, 1)"}
grades: [{min: 60, label: 及格}, {min: 0, label: 不及格}]
"""


class TestThreads:
    def test_many_units_at_once(self) -> None:
        """Two hundred units scored by eight threads each get their own facts' score, in any order."""
        spec = perfrules.load_spec(SPEC)
        units = [{"subject": f"单位{n}", "facts": {"done": str(n), "due": "200"}} for n in range(200)]

        def score(facts: dict[str, object]) -> tuple[str | None, Decimal]:
            evaluation = perfrules.evaluate(spec, facts)
            return evaluation.facts.subject, evaluation.total

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(score, units * 3))
        expected = [(f"单位{n}", (Decimal(n) / 2).quantize(Decimal("0.01"))) for n in range(200)] * 3
        assert expected == results

    def test_caller_context_untouched(self) -> None:
        """A caller's own decimal context (precision 3, rounding down) neither leaks in nor is changed."""
        spec = perfrules.load_spec(SPEC)
        with decimal.localcontext() as context:
            context.prec, context.rounding = 3, decimal.ROUND_DOWN
            total = perfrules.evaluate(spec, {"facts": {"done": "1288.38", "due": "1291.73"}}).total
            assert (3, decimal.ROUND_DOWN) == (decimal.getcontext().prec, decimal.getcontext().rounding)
        assert Decimal("99.74") == total
