"""Re-run mutmut's survivors that its forked runs cannot judge, each in a fresh Python.

mutmut forks every mutant from a process that has already imported perfrules, so a function called only while a
module is imported (the operator tables of `_expression` are built that way) keeps its original code in every
test: its mutants "survive" whatever the tests say. A fresh interpreter with MUTANT_UNDER_TEST set imports the
mutated module from the start. This script finds the survivors whose function mutmut saw called by at most one test
(the one that happened to import the module), re-runs the module's tests for each in a fresh process, and prints
the mutants that still survive and the run's score over the non-equivalent mutants.

Run after `mutmut run`, from the repository root:

    .venv/bin/python tools/recheck_survivors.py [MODULE ...]

Every survivor of each MODULE named (``perfrules._rules.expression``) is re-run too: do that for a module whose
tests changed since the run. The tests are the repository's, against the mutated code in mutants/src.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
EQUIVALENT = ROOT / "tests" / "equivalent-mutants.md"
# The tests that exercise each module directly; a survivor is re-run against these.
TESTS = {
    "_rules.expression": ["tests/test_expression.py", "tests/test_edges.py", "tests/test_fuzz.py"],
    "_numbers": ["tests/test_numbers.py", "tests/test_edges.py"],
}
DEFAULT_TESTS = ["tests/test_boundaries.py", "tests/test_edges.py"]


def results() -> dict[str, str]:
    """Every mutant's status as `mutmut results --all true` prints it."""
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.strip().rsplit(": ", 1) for line in shown.splitlines() if ": " in line)


def equivalent() -> set[str]:
    """The mutants listed in tests/equivalent-mutants.md, by mutmut's names."""
    names, module = set(), ""
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            module = line[3:].strip()
        elif line.startswith("- "):
            listed = line[2:].split(": ", 1)[0]  # `KindContext.error` 1, 2, `Other.name` 5–7
            for function, numbers in re.findall(r"`([\w.]+)`([\d,\s–-]+)", listed):
                owner, _, method = function.rpartition(".")
                mangled = f"perfrules.{module}.x{'ǁ' + owner + 'ǁ' + method if owner else '_' + method}"
                for part in filter(None, (p.strip() for p in numbers.split(","))):
                    first, _, last = part.replace("-", "–").partition("–")
                    for number in range(int(first), int(last or first) + 1):
                        names.add(f"{mangled}__mutmut_{number}")
    return names


def killed_in_fresh_process(mutant: str) -> bool:
    module = mutant.removeprefix("perfrules.").partition(".x")[0]  # perfrules._rules.expression.x_name__mutmut_3
    environment = {
        **os.environ,
        "MUTANT_UNDER_TEST": mutant,
        "PYTHONPATH": str(MUTANTS / "src"),
        "HYPOTHESIS_PROFILE": "mutation",
    }
    tests = TESTS.get(module, DEFAULT_TESTS)
    run = subprocess.run(  # noqa: S603  # our own interpreter and arguments
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        check=False,
    )
    return run.returncode not in (0, 5)


def main(rerun: list[str]) -> int:
    status = results()
    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text())["tests_by_mangled_function_name"]
    listed = equivalent()
    survivors = [name for name, s in status.items() if s in ("survived", "no tests")]
    again = [
        name
        for name in survivors
        if name not in listed
        and (len(stats.get(name.rsplit("__mutmut_", 1)[0], ())) <= 1 or name.startswith(tuple(f"{m}.x" for m in rerun)))
    ]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        verdicts = pool.map(killed_in_fresh_process, again)
        killed = {name for name, dead in zip(again, verdicts, strict=True) if dead}
    remaining = sorted(set(survivors) - killed)
    for name in remaining:
        print(f"{name}: {'equivalent' if name in listed else 'survived'}")
    counted = [name for name in status if name not in listed]
    alive = [name for name in remaining if name not in listed]
    score = 1 - len(alive) / len(counted)
    print(
        f"{len(status)} mutants, {len(listed & set(status))} listed as equivalent; "
        f"{len(killed)} of {len(again)} survivors re-run in a fresh process killed; "
        f"{len(alive)} of {len(counted)} non-equivalent mutants survive: score {score:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
