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
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

import perfrules
from perfrules._engine.plan import plan

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


KINDS = ("ratio", "threshold_deduction", "step_deduction", "bands", "binary", "expression")


def mixed_spec(leaves: int) -> str:
    """A spec of *leaves* leaves of mixed kinds under ten parents, each leaf reading a fact of its own."""
    per_parent = leaves // 10
    lines = ["spec: 1", "id: bench/mixed", "version: '1'", "name: 混合", f"total: {leaves * 2}", "facts:"]
    lines += [
        f"  f{i}: {{type: {'boolean' if KINDS[i % 6] == 'binary' else 'number'}, min: 0, max: 2}}"
        for i in range(leaves)
    ]
    lines = [line.replace("boolean, min: 0, max: 2", "boolean") for line in lines]
    lines += ["grades: default" if leaves >= 50 else "grades: [{min: 0, label: 差}]", "indicators:"]
    rules = {
        "ratio": "kind: ratio, actual: f{i}, target: 1.2",
        "threshold_deduction": "kind: threshold_deduction, input: f{i}, threshold: 0.1, points: 0.8, per: 0.01",
        "step_deduction": "kind: step_deduction, input: f{i}, step: 0.05, points: 0.5, reading: floor",
        "bands": "kind: bands, input: f{i}, bands: [{{range: '[0, 0.6)', score: 0}}, {{range: '[0.6, 0.9)', score: 1}}, {{range: '[0.9, 2]', score: 2}}]",
        "binary": "kind: binary, input: f{i}",
        "expression": "expression: 'min(weight * f{i}, weight)'",
    }
    for p in range(10):
        lines += [f"  - id: p{p}", f"    name: 父{p}", f"    weight: {per_parent * 2}", "    children:"]
        for c in range(per_parent):
            i = p * per_parent + c
            lines.append(f"      - {{id: p{p}.{c}, name: 叶{c}, weight: 2, {rules[KINDS[i % 6]].format(i=i)}}}")
    return "\n".join(lines) + "\n"


def mixed_facts(leaves: int, forms: int) -> list[dict[str, object]]:
    """*forms* facts for `mixed_spec`, drawn with a fixed seed; often exactly on a band's or a step's edge."""
    draw = random.Random(15)  # noqa: S311  # reproducible benchmark data
    corpus = []
    for _ in range(forms):
        values: dict[str, object] = {}
        for i in range(leaves):
            if KINDS[i % 6] == "binary":
                values[f"f{i}"] = draw.random() < 0.8
            else:
                values[f"f{i}"] = (
                    Decimal(draw.choice(["0.6", "0.9", "0.95", "1", "1.1", "1.2"]))
                    if draw.random() < 0.3
                    else Decimal(draw.randint(40, 140)) / 100
                )
        corpus.append({"facts": values})
    return corpus


def mixed_table(leaves: int) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """`mixed_spec`'s tree as the hand-written function walks it: each parent's leaves (id, fact, kind)."""
    per_parent = leaves // 10
    return [
        (f"p{p}", [(f"p{p}.{c}", f"f{i}", KINDS[i % 6]) for c in range(per_parent) for i in [p * per_parent + c]])
        for p in range(10)
    ]


def mixed_by_hand(values: dict[str, object], table: list[tuple[str, list[tuple[str, str, str]]]]) -> dict[str, Decimal]:
    """`mixed_spec` scored by a hand-written Decimal function, as one would write it for a pinned spec: literals
    written in place, every node's score and the total returned; it checks nothing."""
    scores: dict[str, Decimal] = {}
    total = Decimal(0)
    for parent_id, children in table:
        parent = Decimal(0)
        for leaf_id, fact, kind in children:
            x = values[fact]
            if kind == "ratio":
                score = Decimal(2) * min(x / Decimal("1.2"), Decimal(1))  # type: ignore[operator]
            elif kind == "threshold_deduction":
                score = Decimal(2) - Decimal("0.8") * max(x - Decimal("0.1"), Decimal(0)) / Decimal("0.01")  # type: ignore[operator]
            elif kind == "step_deduction":
                steps = ((Decimal(1) - x) / Decimal("0.05")).to_integral_value(ROUND_FLOOR)  # type: ignore[operator]
                score = Decimal(2) - Decimal("0.5") * max(steps, Decimal(0))
            elif kind == "bands":
                score = Decimal(0) if x < Decimal("0.6") else Decimal(1) if x < Decimal("0.9") else Decimal(2)  # type: ignore[operator]
            elif kind == "binary":
                score = Decimal(2) if x else Decimal(0)
            else:
                score = min(Decimal(2) * x, Decimal(2))  # type: ignore[operator]
            score = min(max(score, Decimal(0)), Decimal(2)).quantize(CENT, ROUND_HALF_UP)
            scores[leaf_id] = score
            parent += score
        scores[parent_id] = parent
        total += parent
    scores["total"] = total.quantize(CENT, ROUND_HALF_UP)
    return scores


def compiled(repeats: int) -> None:
    """Compiled vs interpreter vs a hand-written function on generated forms; forms/s; per-leaf cost; fallbacks."""
    print(
        f"\n{'compiled evaluation (every score read)':44} {'compiled':>10} {'interpreter':>12} {'by hand':>10} {'compiled/hand':>14}"
    )
    first = None
    for leaves in (30, 300, 2000):
        spec = perfrules.load_spec(mixed_spec(leaves))
        corpus = mixed_facts(leaves, 200 if leaves == 30 else 20)
        loaded = [perfrules.load_facts(data) for data in corpus]
        plain = [data["facts"] for data in corpus]
        table = mixed_table(leaves)
        for facts, values in zip(loaded, plain, strict=True):  # the same numbers, or the comparison means nothing
            evaluation = perfrules.evaluate(spec, facts)
            by_hand = mixed_by_hand(values, table)  # type: ignore[arg-type]
            assert {**evaluation.scores, "total": evaluation.total} == by_hand, "the hand-written scores differ"

        def run(engine: str, spec: perfrules.Spec = spec, loaded: list[perfrules.Facts] = loaded) -> None:
            for facts in loaded:
                tuple(perfrules.evaluate(spec, facts, engine=engine).scores.values())  # type: ignore[arg-type]

        def hand(plain: list[dict[str, object]] = plain, table: list = table) -> None:  # type: ignore[type-arg]
            for values in plain:
                mixed_by_hand(values, table)

        fast, slow, base = (
            measure(f, repeats) / len(loaded) for f in (lambda: run("compiled"), lambda: run("interpreter"), hand)
        )
        print(
            f"{f'{leaves} leaves, per form':44} {fast * 1e6:8.1f}µs {slow * 1e6:10.1f}µs {base * 1e6:8.1f}µs {fast / base:13.2f}x"
        )
        per_leaf = fast / leaves
        first = first or per_leaf
        print(
            f"{f'{leaves} leaves, per leaf (x the cost at 30)':44} {per_leaf * 1e6:8.2f}µs {slow / leaves * 1e6:10.2f}µs {base / leaves * 1e6:8.2f}µs {per_leaf / first:13.2f}x"
        )
        if leaves == 30:
            print(f"{'30 leaves, forms per second':44} {1 / fast:10,.0f} {1 / slow:12,.0f} {1 / base:10,.0f}")
            generated = [perfrules.evaluate(spec, facts).compiled for facts in loaded]
    fallbacks = {}
    for path in sorted([*ROOT.glob("specs/**/*.yaml"), *ROOT.glob("plugins/*/src/*/specs/*.yaml")]):
        shipped = perfrules.load_spec(path)
        fallbacks.update(plan(shipped, shipped.registry).fallbacks)  # type: ignore[arg-type]
    project = perfrules.evaluate(
        ROOT / "specs" / "national" / "project-2020.yaml", ROOT / "examples" / "putuo-sports-2022.yaml"
    )
    shipped_forms = [perfrules.evaluate(SPEC, FACTS), project]
    print(
        f"fallbacks: {len(fallbacks)} in the shipped specs' plans, {sum(not e.compiled for e in shipped_forms)} of "
        f"{len(shipped_forms)} shipped examples, {generated.count(False)} of {len(generated)} generated 30-leaf forms"
    )


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
    compiled(repeats)
    cold_start(repeats)


if __name__ == "__main__":
    main()
