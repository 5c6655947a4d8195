"""Benchmarks: perfrules against plain-Python baselines measured in the same run.

    python bench/evaluate.py [--quick]

Prints, for each case, the median time per call of perfrules and of its
baseline and their ratio. Baselines do the same job with no validation, no
allow-list and no diagnostics, so a ratio is the price of those. Then the cost
per leaf of `evaluate` as forms grow (each leaf reading its own fact), and the
cold start of `perfrules score` on the shipped example beside a bare Python.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

import perfrules

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "guangzhou" / "department-overall-2022.yaml"
FACTS = ROOT / "examples" / "huangpu-fic-2022.yaml"
CENT = Decimal("0.01")


def measure(function: Callable[[], object], repeats: int) -> float:
    """Median seconds per call over *repeats* timed batches."""
    function()  # warm up
    batch = 1
    while True:  # size a batch to about 20 ms
        start = time.perf_counter()
        for _ in range(batch):
            function()
        elapsed = time.perf_counter() - start
        if elapsed > 0.02:
            break
        batch *= 2
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batch):
            function()
        samples.append((time.perf_counter() - start) / batch)
    return statistics.median(samples)


def seed_by_hand(claims: dict[str, Decimal], executed: Decimal, budget: Decimal) -> tuple[Decimal, str]:
    """The seed form scored directly: what perfrules.evaluate does, minus everything but arithmetic."""
    computed = (Decimal(10) * min(executed / budget, Decimal(1))).quantize(CENT, ROUND_HALF_UP)
    total = sum((score.quantize(CENT, ROUND_HALF_UP) for score in claims.values()), Decimal(0))
    assert computed == Decimal("9.97")
    grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    return total, grade


def tree_spec(leaves: int, head: list[str], expression: Callable[[int], str]) -> str:
    """A spec of *leaves* computed leaves under ten parents, the i-th scored by ``expression(i)``."""
    per_parent = leaves // 10
    lines = ["spec: 1", "version: '1'", f"total: {leaves}", *head, "indicators:"]
    for p in range(10):
        lines += [f"  - id: p{p}", f"    name: 父{p}", f"    weight: {per_parent}", "    children:"]
        lines += [
            f"      - {{id: p{p}.{c}, name: 叶{c}, weight: 1, expression: '{expression(p * per_parent + c)}'}}"
            for c in range(per_parent)
        ]
    return "\n".join(lines) + "\n"


def wide_spec(leaves: int) -> str:
    """A spec of *leaves* computed leaves under ten parents, all reading the same two facts."""
    head = [
        "id: bench/wide", "name: 宽", "facts: {done: {type: number, min: 0}, due: {type: number, min: 0}}",
        "grades: default" if leaves >= 90 else "grades: [{min: 0, label: 差}]",
    ]  # fmt: skip
    return tree_spec(leaves, head, lambda i: "weight * min(done / due, 1)")


def own_facts_spec(leaves: int) -> tuple[str, dict[str, object]]:
    """A spec of *leaves* leaves under ten parents, each leaf reading a fact of its own, and facts for it."""
    head = [
        "id: bench/own", "name: 各自", "facts:", *(f"  f{i}: {{type: number, min: 0, max: 1}}" for i in range(leaves)),
        "grades: [{min: 0, label: 差}]",
    ]  # fmt: skip
    return tree_spec(leaves, head, lambda i: f"weight * f{i}"), {"facts": {f"f{i}": "0.95" for i in range(leaves)}}


def per_leaf(repeats: int) -> None:
    """µs per leaf of evaluate at 30, 300 and 2,000 leaves, beside the same arithmetic by hand."""
    print(f"\n{'leaves':>6} {'evaluate':>12} {'by hand':>12} {'ratio':>8} {'vs 30 leaves':>14}")
    first = None
    for leaves in (30, 300, 2000):
        text, data = own_facts_spec(leaves)
        spec, facts = perfrules.load_spec(text), perfrules.load_facts(data)
        values = [Decimal(v) for v in data["facts"].values()]  # type: ignore[attr-defined]

        def by_hand(values: list[Decimal] = values) -> Decimal:
            return sum(((Decimal(1) * v).quantize(CENT, ROUND_HALF_UP) for v in values), Decimal(0))

        mine = measure(lambda spec=spec, facts=facts: perfrules.evaluate(spec, facts), repeats) / leaves
        base = measure(by_hand, repeats) / leaves
        first = first or mine
        print(f"{leaves:>6} {mine * 1e6:10.1f}µs {base * 1e6:10.1f}µs {mine / base:7.1f}x {mine / first:13.2f}x")


def cold_start(repeats: int) -> None:
    """Wall time of `perfrules score` on the shipped example in a new process, beside `python -c pass`."""
    score = [str(Path(sys.executable).parent / "perfrules"), "score", str(SPEC), str(FACTS)]
    bare = [sys.executable, "-c", "pass"]

    def wall(command: list[str]) -> float:
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)  # noqa: S603  # our own interpreter
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    wall(score)  # warm the file cache
    mine, base = wall(score), wall(bare)
    print(f"\n{'cold start: perfrules score':36} {mine:10.3f}s  {base:10.3f}s {mine / base:7.1f}x   python -c pass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    repeats = 3 if parser.parse_args().quick else 9

    spec = perfrules.load_spec(SPEC)
    facts = perfrules.load_facts(FACTS)
    claims = {k: a.score for k, a in facts.assessments.items() if a.score is not None}
    executed, budget = facts.values["executed"], facts.values["budget_full_year"]
    spec_text = SPEC.read_text(encoding="utf-8")
    wide = perfrules.load_spec(wide_spec(500))
    wide_facts = perfrules.load_facts({"facts": {"done": "9", "due": "10"}})
    workbook = Path(tempfile.mkdtemp()) / "seed.xlsx"
    report = perfrules.render(perfrules.evaluate(spec, facts), "xlsx")
    assert isinstance(report, bytes)
    workbook.write_bytes(report)

    def wide_by_hand() -> Decimal:
        done, due = Decimal(9), Decimal(10)
        return sum(
            ((Decimal(1) * min(done / due, Decimal(1))).quantize(CENT, ROUND_HALF_UP) for _ in range(500)), Decimal(0)
        )

    cases = [
        (
            "evaluate seed form (26 leaves)",
            lambda: perfrules.evaluate(spec, facts),
            lambda: seed_by_hand(claims, executed, budget),
        ),
        ("evaluate 500 computed leaves", lambda: perfrules.evaluate(wide, wide_facts), wide_by_hand),
        (
            "load seed spec (parse + validate)",
            lambda: perfrules.load_spec(spec_text),
            lambda: list(iter(CParser(spec_text).get_event, None)),
        ),
        (
            "render seed form as json",
            lambda: perfrules.render(perfrules.evaluate(spec, facts), "json"),
            lambda: perfrules.evaluate(spec, facts),
        ),
        (
            "explain seed form (zh text)",
            lambda: perfrules.explain(perfrules.evaluate(spec, facts)).text("zh"),
            lambda: perfrules.evaluate(spec, facts),
        ),
        (
            "render seed form as html",
            lambda: perfrules.render(perfrules.evaluate(spec, facts), "html"),
            lambda: perfrules.evaluate(spec, facts),
        ),
        (
            "render seed form as xlsx",
            lambda: perfrules.render(perfrules.evaluate(spec, facts), "xlsx"),
            lambda: perfrules.evaluate(spec, facts),
        ),
        (
            "score the seed form's xlsx",
            lambda: perfrules.evaluate(spec, workbook),
            lambda: openpyxl.load_workbook(workbook, data_only=True),
        ),
    ]
    print(f"{'case':36} {'perfrules':>12} {'baseline':>12} {'ratio':>8}   baseline")
    baselines = [
        "hand-written Decimal",
        "hand-written Decimal",
        "libyaml events only",
        "evaluate only",
        "evaluate only",
        "evaluate only",
        "evaluate only",
        "openpyxl load only",
    ]
    for (name, ours, theirs), baseline_name in zip(cases, baselines, strict=True):
        mine, base = measure(ours, repeats), measure(theirs, repeats)
        print(f"{name:36} {mine * 1e6:10.1f}µs {base * 1e6:10.1f}µs {mine / base:7.1f}x   {baseline_name}")
    per_leaf(repeats)
    cold_start(repeats)


if __name__ == "__main__":
    main()
