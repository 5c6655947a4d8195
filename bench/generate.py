"""Generate units to score in batch: a folder of facts files and a CSV table, from the shipped example.

    python bench/generate.py FOLDER TABLE.csv [--units 200] [--broken 10]

Each unit is the shipped Huangpu 工商联 form under a name of its own, with its own claims drawn (reproducibly)
within each indicator's weight; *broken* of the facts files carry a mistake each (a fact that is not a number,
YAML cut short), for trying how a batch reports what it cannot score.
"""

from __future__ import annotations

import argparse
import csv
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import perfrules
from perfrules._yaml import dump_yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "guangzhou" / "department-overall-2022.yaml"
FACTS = ROOT / "examples" / "huangpu-fic-2022.yaml"


def units(count: int) -> list[dict[str, Any]]:
    """*count* facts mappings: the example's facts, each unit's claims drawn in hundredths within the weights."""
    spec, facts = perfrules.load_spec(SPEC), perfrules.load_facts(FACTS)
    weights = {leaf.id: leaf.weight for leaf in spec.walk() if leaf.is_leaf}
    draw = random.Random(20)  # noqa: S311  # reproducible data, not secrets
    made = []
    for index in range(count):
        claims = {
            indicator_id: str(Decimal(draw.randint(int(weight * 50), int(weight * 100))) / 100)
            for indicator_id, weight in weights.items()
            if indicator_id in facts.assessments
        }
        made.append(
            {
                "subject": f"单位{index:05d}",
                "year": facts.year,
                "facts": {name: str(value) for name, value in facts.values.items()},
                "assessments": {
                    indicator_id: {"score": score, "reason": "进度滞后"} for indicator_id, score in claims.items()
                },
            }
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("table", type=Path)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--broken", type=int, default=10)
    arguments = parser.parse_args()
    made = units(arguments.units)
    arguments.folder.mkdir(parents=True, exist_ok=True)
    spacing = max(1, arguments.units // max(1, arguments.broken))
    broken = set(range(1, arguments.units, spacing)[: arguments.broken])
    for index, unit in enumerate(made):
        mistyped = {**unit["facts"], "executed": "1,288.38万元"}  # a fact that is not a number
        text = dump_yaml({**unit, "facts": mistyped} if index in broken and index % 2 else unit)
        if index in broken and not index % 2:  # YAML cut short
            text = text[: len(text) // 2] + "\n  [1, 2\n"
        (arguments.folder / f"unit-{index:05d}.yaml").write_text(text, encoding="utf-8")
    rows = [
        {
            "subject": unit["subject"],
            "year": unit["year"],
            **unit["facts"],
            **{f"score:{key}": entry["score"] for key, entry in unit["assessments"].items()},
            **{f"reason:{key}": entry["reason"] for key, entry in unit["assessments"].items()},
        }
        for unit in made
    ]
    with arguments.table.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{arguments.folder}: {len(made)} facts files; {arguments.table}: {len(rows)} rows")


if __name__ == "__main__":
    main()
