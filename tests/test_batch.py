"""Batch scoring: folders and tables of units in, one results table and one errors table out, nothing lost."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import perfrules
from perfrules._cli import main

from .conftest import SEED_FACTS, SEED_SPEC

SEED_TEXT = SEED_FACTS.read_text(encoding="utf-8")


def folder_of_units(folder: Path, count: int) -> set[str]:
    """*count* facts files in *folder*, some broken (a mistyped fact, YAML cut short); the broken files' names."""
    folder.mkdir()
    broken = set()
    for index in range(count):
        text = SEED_TEXT.replace("subject: 广州市黄埔区工商业联合会", f"subject: 单位{index:03d}")
        if index % 37 == 5:
            text = text.replace("executed: 1288.38", "executed: abc")
        if index % 53 == 7:
            text = "facts: [1, 2"
        if text != SEED_TEXT.replace("subject: 广州市黄埔区工商业联合会", f"subject: 单位{index:03d}"):
            broken.add(f"u{index:03d}.yaml")
        (folder / f"u{index:03d}.yaml").write_text(text, encoding="utf-8")
    return broken


def table_row(index: int) -> dict[str, Any]:
    """The seed form as one flat table row (see docs/batch.md), for a unit of its own name."""
    facts = perfrules.load_facts(SEED_FACTS)
    row: dict[str, Any] = {"subject": f"单位{index}", "year": facts.year}
    row |= {name: str(value) for name, value in facts.values.items()}
    for indicator_id, assessment in facts.assessments.items():
        if assessment.score is not None:
            row[f"score:{indicator_id}"] = str(assessment.score)
        if assessment.reason:
            row[f"reason:{indicator_id}"] = assessment.reason
    return row


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_table(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_a_folder_with_broken_files_loses_nothing(tmp_path: Path) -> None:
    """200 files, some broken: rows scored + rows refused = 200, every refused file named with its problems in
    both languages, exit 1."""
    broken = folder_of_units(tmp_path / "units", 200)
    output = tmp_path / "results.csv"
    arguments = ["batch", str(SEED_SPEC), str(tmp_path / "units"), "-o", str(output), "--lang", "zh"]
    result = CliRunner().invoke(main, arguments)
    scored, refused = read_table(output), read_table(tmp_path / "results.errors.csv")
    assert 1 == result.exit_code
    assert 200 == len(scored) + len({row["source"] for row in refused})
    assert broken == {Path(row["source"]).name for row in refused}
    assert all(row["message_zh"] and row["message_en"] and row["code"] for row in refused)
    assert {"95.91"} == {row["total"] for row in scored}
    assert "读取 200 份：计分 190 份，拒收 10 份" in result.stderr


def test_a_csv_table_scores_as_the_facts_file(tmp_path: Path) -> None:
    """A table of one unit per row scores each row as the facts file it transcribes, exactly."""
    table = write_csv(tmp_path / "units.csv", [table_row(index) for index in range(3)])
    output = tmp_path / "results.jsonl"
    result = CliRunner().invoke(main, ["batch", str(SEED_SPEC), str(table), "-o", str(output), "--lang", "en"])
    assert 0 == result.exit_code, result.stderr
    rows = read_table(output)
    expected = perfrules.evaluate(SEED_SPEC, SEED_FACTS)
    assert [str(index) for index in range(1, 4)] == [row["row"] for row in rows]
    assert all(row["total"] == "95.91" and row["grade"] == "优" for row in rows)
    assert {key: str(value) for key, value in expected.scores.items()} == {
        key.removeprefix("score:"): value for key, value in rows[0].items() if key.startswith("score:")
    }
    assert "3 read: 3 scored, 0 refused" in result.stderr


def test_json_lines_with_a_bad_line(tmp_path: Path) -> None:
    """A JSON Lines table takes whole facts files per line; a line that is no JSON is refused with its number."""
    facts = perfrules.load_facts(SEED_FACTS)
    whole = {
        "subject": "甲",
        "year": 2022,
        "facts": {k: str(v) for k, v in facts.values.items()},
        "assessments": {k: {"score": str(a.score)} for k, a in facts.assessments.items() if a.score is not None},
    }
    table = tmp_path / "units.jsonl"
    table.write_text(json.dumps(whole, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    results = list(perfrules.batch(perfrules.load_spec(SEED_SPEC), [table]))
    assert [False, True] == [result.refused for result in results]
    assert "第 2 行不是 JSON 对象" == results[1].problems[0].text("zh")


def test_a_killed_batch_is_finished_by_resume(tmp_path: Path) -> None:
    """A batch killed midway, run again with --resume, ends with every row once: none lost, none twice."""
    rows = [table_row(index) for index in range(4000)]
    rows[100]["executed"] = "abc"  # one refused row, to resume the errors file too
    table = write_csv(tmp_path / "units.csv", rows)
    output = tmp_path / "results.csv"
    script = Path(sys.executable).with_name("perfrules")  # the installed command, in its own process
    command = [str(script), "batch", str(SEED_SPEC), str(table), "-o", str(output)]
    environment = {**os.environ, "PERFRULES_LANG": "en"}
    running = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not output.exists() or output.read_text().count("\n") < 500):
        time.sleep(0.01)
    running.kill()  # as a machine's failure would: no chance to finish a line or close a file
    running.wait()
    stopped_at = len(read_table(output))
    assert 0 < stopped_at < 3999, "the batch was not stopped midway"
    finished = subprocess.run(  # noqa: S603
        [*command, "--resume"], env=environment, capture_output=True, text=True, check=False
    )
    assert 1 == finished.returncode, finished.stderr
    scored, refused = read_table(output), read_table(tmp_path / "results.errors.csv")
    sources = [row["row"] for row in scored] + [row["row"] for row in refused]
    assert sorted(sources, key=int) == [str(number) for number in range(1, 4001)]
    assert "done before)" in finished.stderr


def test_outputs_are_tables() -> None:
    """Results and errors are .csv or .jsonl tables; anything else is a usage error in the chosen language."""
    result = CliRunner().invoke(main, ["batch", str(SEED_SPEC), str(SEED_FACTS), "-o", "out.xlsx", "--lang", "zh"])
    assert 2 == result.exit_code and "请写成 .csv 或 .jsonl 表" in result.output


def test_a_plain_row_scores_as_the_same_row_read_as_a_file(tmp_path: Path) -> None:
    """A table row built directly scores, and is refused, exactly as the same row read through the facts reader."""
    from perfrules._batch import RowSource, _plain_facts, facts_of_row

    spec = perfrules.load_spec(SEED_SPEC)
    for changes in ({}, {"executed": "abc"}, {"score:1.1.1": "/"}, {"score:1.1.1": "21"}, {"year": ""}):
        row = {key: str(value) for key, value in table_row(1).items()} | changes
        facts = facts_of_row(row, spec)
        plain = _plain_facts(facts, RowSource("units.csv", 1))
        assert plain is not None

        def outcome(given: Any) -> Any:
            try:
                result = perfrules.evaluate(spec, given)
            except perfrules.PerfrulesError as error:
                return sorted((problem.code, problem.message) for problem in error.diagnostics)
            return result.scores, result.total, [d.code for d in result.diagnostics]

        assert outcome(perfrules.load_facts(facts, spec=spec)) == outcome(plain)


def test_the_readme_batch_commands(tmp_path: Path) -> None:
    """The README's generated units: 200 files (10 broken: 190 scored, 10 refused, exit 1), and the same units as a
    table, all scored alike."""
    generate = Path(__file__).parents[1] / "bench" / "generate.py"
    subprocess.run(  # noqa: S603
        [sys.executable, str(generate), str(tmp_path / "units"), str(tmp_path / "units.csv"), "--units", "200"],
        check=True,
        capture_output=True,
    )
    folder = CliRunner().invoke(main, ["batch", str(SEED_SPEC), str(tmp_path / "units"), "-o", str(tmp_path / "a.csv")])
    table = CliRunner().invoke(
        main, ["batch", str(SEED_SPEC), str(tmp_path / "units.csv"), "-o", str(tmp_path / "b.jsonl")]
    )
    assert (1, 0) == (folder.exit_code, table.exit_code)
    assert "200 read: 190 scored, 10 refused" in folder.stderr
    by_subject = {row["subject"]: row["total"] for row in read_table(tmp_path / "b.jsonl")}
    assert all(by_subject[row["subject"]] == row["total"] for row in read_table(tmp_path / "a.csv"))


def test_a_results_csv_is_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    """The results CSV starts with a BOM (Excel and WPS read its Chinese), and text a spreadsheet would run as a
    formula (a unit called "=1+1") is written with a leading apostrophe."""
    row = table_row(1) | {"subject": "=1+1"}
    table = write_csv(tmp_path / "units.csv", [row])
    output = tmp_path / "results.csv"
    CliRunner().invoke(main, ["batch", str(SEED_SPEC), str(table), "-o", str(output)])
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "'=1+1" == read_table(output)[0]["subject"]
