"""Batch throughput: `perfrules batch` from a generated CSV table to a CSV table, beside the per-form compiled path.

    python bench/batch.py [--rows 10000 100000]

Generates the pinned 30-leaf mixed spec of bench/evaluate.py and a CSV of that many units (no data is committed),
runs `perfrules batch` in its own process for each size, and prints rows per second, the wall time and the peak
memory of that process, beside `evaluate` on the same facts in this process (the compiled path, facts already
read): their ratio is the cost of reading and writing the tables.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from evaluate import mixed_facts, mixed_spec  # the pinned benchmark spec and its facts

import perfrules

LEAVES = 30


def write_table(path: Path, rows: int) -> None:
    """*rows* units of the mixed spec, cycling through 200 drawn forms (facts as text, as tables hold them)."""
    forms = mixed_facts(LEAVES, 200)
    columns = ["subject", "year", *(f"f{i}" for i in range(LEAVES))]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        for index in range(rows):
            values = forms[index % len(forms)]["facts"]
            assert isinstance(values, dict)
            writer.writerow([f"单位{index}", 2022, *(str(values[f"f{i}"]).lower() for i in range(LEAVES))])


def per_form(spec_path: Path, forms: int = 2000) -> float:
    """Seconds per form of `evaluate` on facts already read (the compiled path)."""
    spec = perfrules.load_spec(spec_path)
    corpus = [perfrules.load_facts({**form, "year": 2022}, spec=spec) for form in mixed_facts(LEAVES, 200)]
    started = time.perf_counter()
    for index in range(forms):
        perfrules.evaluate(spec, corpus[index % len(corpus)])
    return (time.perf_counter() - started) / forms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    sizes = parser.parse_args().rows
    command = Path(sys.executable).with_name("perfrules")
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "spec.yaml"
        spec.write_text(mixed_spec(LEAVES), encoding="utf-8")
        base = per_form(spec)
        print(f"{'case':34} {'rows/s':>10} {'wall':>8} {'peak RSS':>10} {'per row':>9} {'evaluate':>9} {'ratio':>6}")
        for rows in sizes:
            table, output = Path(folder) / f"units-{rows}.csv", Path(folder) / f"results-{rows}.csv"
            write_table(table, rows)
            started = time.perf_counter()
            subprocess.run([command, "batch", spec, table, "-o", output], check=True, capture_output=True)  # noqa: S603
            wall = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far, MiB
            per_row = wall / rows
            print(
                f"{f'CSV to CSV, {rows:,} rows':34} {rows / wall:10,.0f} {wall:7.1f}s {peak:8.0f}MiB"
                f" {per_row * 1e6:7.0f}µs {base * 1e6:7.0f}µs {per_row / base:5.1f}x"
            )


if __name__ == "__main__":
    main()
