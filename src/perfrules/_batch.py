"""Batch scoring: many units' facts, from folders of facts files and from tables, into one table of results.

Every input row is either scored or refused, never lost: a refused row keeps its identity (file, row number,
subject) and every problem, in Chinese and English. Rows are read and written one at a time, so memory does not
grow with the number of rows, and results are written as they come, so a batch stopped midway is finished by
running it again with ``resume`` (rows already written are skipped).

Table convention (CSV, and JSON Lines written flat): one row per unit; ``subject``, ``year`` and ``units`` as in a
facts file; ``score:<id>``, ``reason:<id>`` and ``measure:<id>`` for an indicator's claim, reason and measure;
every other column a fact, by its name. An empty cell is a value not given. A JSON Lines object with a ``facts``
key is read as a whole facts file instead.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from ._api import evaluate, load_facts
from ._diagnostics import Diagnostic
from ._engine.results import Evaluation
from ._inputs.facts import NOT_APPLICABLE_MARK, Assessment, Facts, yes_or_no
from ._numbers import to_decimal, to_text
from ._reports.csv import BOM, spreadsheet_text
from ._spec.model import Spec
from .exceptions import PerfrulesError, SourceNotFoundError

FACTS_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
TABLE_SUFFIXES = (".csv", ".jsonl")
_PER_INDICATOR = ("score", "reason", "measure")


@frozen
class RowSource:
    """Where one unit's facts came from: a file, and the row of a table (from 1, below its header)."""

    file: str
    row: int | None = None

    def __str__(self) -> str:
        return self.file if self.row is None else f"{self.file}#{self.row}"


@frozen
class BatchResult:
    """One input row, scored (*evaluation*) or refused (*problems*, every one, in both languages)."""

    source: RowSource
    evaluation: Evaluation | None = None
    problems: tuple[Diagnostic, ...] = ()
    subject: str | None = None
    """The unit's name as a refused row gives it (a scored row's is its evaluation's)."""

    @property
    def refused(self) -> bool:
        return self.evaluation is None


def batch(spec: Spec, inputs: Iterable[str | Path], *, skip: frozenset[str] = frozenset()) -> Iterator[BatchResult]:
    """Score every unit in *inputs* — facts files, folders of them, CSV or JSON Lines tables — under *spec*, one
    result per unit in input order, rows whose source (`RowSource` as text) is in *skip* left out.

    Raises:
        SourceNotFoundError: an input that is no file or folder (before any row is read).
    """
    given = [Path(path) for path in inputs]
    check_inputs(given)
    return _results(spec, given, skip)


def check_inputs(inputs: Iterable[str | Path]) -> None:
    """Raise `SourceNotFoundError` naming every input that is no file or folder."""
    missing = [str(path) for path in inputs if not Path(path).exists()]
    if missing:
        shown = ", ".join(repr(path) for path in missing)
        message, zh = f"no such file or folder: {shown:.300}", f"找不到文件或文件夹：{shown:.300}"
        raise SourceNotFoundError(message, message_zh=zh)


def _results(spec: Spec, inputs: list[Path], skip: frozenset[str]) -> Iterator[BatchResult]:
    for source, facts in _rows(inputs, spec):
        if str(source) in skip:
            continue
        if isinstance(facts, Diagnostic):
            yield BatchResult(source, problems=(facts,))
            continue
        subject = (
            facts.subject if isinstance(facts, Facts) else facts.get("subject") if isinstance(facts, dict) else None
        )
        try:
            evaluation = evaluate(spec, facts if isinstance(facts, Facts) else load_facts(facts, spec=spec))
        except PerfrulesError as error:
            yield BatchResult(source, problems=tuple(error.diagnostics) or (_headline(error),), subject=subject)
        else:
            yield BatchResult(source, evaluation)


def _plain_facts(facts: object, source: RowSource) -> Facts | None:
    """*facts* of a table row (see `facts_of_row`) as `Facts` built directly, when every part of it is plainly well
    formed: text where text goes, a whole year, claims that are numbers or "/"; None for anything else, which is
    read as a file is, so that whatever is wrong with it is reported as for a file. The facts' values are checked
    when scored."""
    if not isinstance(facts, dict) or set(facts) - _PLAIN_KEYS:
        return None
    subject, year, units = facts.get("subject"), facts.get("year"), facts.get("units")
    if (subject is not None and not isinstance(subject, str)) or any(
        value is not None and type(value) is not int for value in (year, units)
    ):
        return None
    assessments = {}
    for indicator_id, entry in facts["assessments"].items():
        score, reason, measure = entry.get("score"), entry.get("reason"), entry.get("measure")
        number = None if score in (None, NOT_APPLICABLE_MARK) else to_decimal(score)
        if (score not in (None, NOT_APPLICABLE_MARK) and number is None) or not all(
            isinstance(text, (str, type(None))) for text in (reason, measure)
        ):
            return None
        assessments[indicator_id] = Assessment(number, reason, measure, not_applicable=score == NOT_APPLICABLE_MARK)
    return Facts(
        subject=subject,
        year=year,
        units=units,
        values=facts["facts"],
        assessments=assessments,
        file=str(source),
    )


_PLAIN_KEYS = frozenset({"subject", "year", "units", "facts", "assessments"})


def _headline(error: PerfrulesError) -> Diagnostic:
    """An error without located problems, as one problem."""
    return Diagnostic("error", "unreadable", error.args[0], message_zh=error.message_zh)


def _rows(inputs: list[Path], spec: Spec) -> Iterator[tuple[RowSource, Any]]:
    for path in inputs:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (*FACTS_SUFFIXES, *TABLE_SUFFIXES))
        else:
            files = [path]
        for file in files:
            suffix = file.suffix.lower()
            if suffix == ".csv":
                yield from _csv_rows(file, spec)
            elif suffix == ".jsonl":
                yield from _jsonl_rows(file, spec)
            else:
                yield RowSource(str(file)), file


def _csv_rows(file: Path, spec: Spec) -> Iterator[tuple[RowSource, Any]]:
    with file.open(encoding="utf-8-sig", newline="") as stream:
        for number, row in enumerate(csv.DictReader(stream), 1):
            source = RowSource(str(file), number)
            flat = facts_of_row(row, spec)
            yield source, _plain_facts(flat, source) or flat


def _jsonl_rows(file: Path, spec: Spec) -> Iterator[tuple[RowSource, Any]]:
    with file.open(encoding="utf-8") as stream:
        for number, line in enumerate((line for line in stream if line.strip()), 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                message, zh = f"line {number} is not a JSON object", f"第 {number} 行不是 JSON 对象"
                yield RowSource(str(file), number), Diagnostic("error", "unreadable", message, message_zh=zh)
                continue
            source = RowSource(str(file), number)
            if isinstance(row, dict) and "facts" in row:  # a whole facts file: read and checked as a file is
                yield source, row
            else:
                flat = facts_of_row(row, spec)
                yield source, _plain_facts(flat, source) or flat


def facts_of_row(row: Any, spec: Spec) -> Any:
    """A flat table row (see the module) as a facts mapping; anything else is passed on to be refused."""
    if not isinstance(row, dict):
        return row
    facts: dict[str, Any] = {}
    values: dict[str, Any] = {}
    assessments: dict[str, dict[str, Any]] = {}
    for column, value in row.items():
        if value is None or value == "" or column is None:
            continue
        name, _, indicator = str(column).partition(":")
        if indicator and name in _PER_INDICATOR:
            assessments.setdefault(indicator, {})[name] = value
        elif column in ("subject", "year", "units"):
            facts[column] = int(value) if column != "subject" and str(value).isdigit() else value
        else:
            declared = spec.facts.get(column)
            boolean = declared is not None and declared.type == "boolean" and isinstance(value, str)
            meant = yes_or_no(value) if boolean else None
            values[column] = value if meant is None else meant
    return {**facts, "facts": values, "assessments": assessments}


def result_columns(spec: Spec) -> list[str]:
    """The columns of the results table: the row's identity, the total and grade, every indicator's score."""
    return [
        "source",
        "row",
        "subject",
        "year",
        "total",
        "grade",
        "warnings",
        *(f"score:{i.id}" for i in spec.walk()),
    ]


def result_row(source: RowSource, evaluation: Evaluation) -> dict[str, str]:
    """A scored row as text: exact numbers as written by perfrules (``95.91``)."""
    scores = {f"score:{indicator_id}": to_text(score) for indicator_id, score in evaluation.scores.items()}
    return {
        "source": source.file,
        "row": "" if source.row is None else str(source.row),
        "subject": evaluation.facts.subject or "",
        "year": "" if evaluation.facts.year is None else str(evaluation.facts.year),
        "total": to_text(evaluation.total),
        "grade": evaluation.grade.label,
        "warnings": str(sum(d.level == "warning" for d in evaluation.diagnostics)),
        **scores,
    }


ERROR_COLUMNS = ["source", "row", "subject", "code", "indicator", "location", "message_zh", "message_en"]


def error_rows(result: BatchResult) -> Iterator[dict[str, str]]:
    """A refused row's problems, one table row each, in both languages."""
    for problem in result.problems:
        yield {
            "source": result.source.file,
            "row": "" if result.source.row is None else str(result.source.row),
            "subject": str(result.subject or ""),
            "code": problem.code,
            "indicator": problem.indicator or "",
            "location": str(problem.location or ""),
            "message_zh": problem.text("zh"),
            "message_en": problem.message,
        }


FREE_TEXT = frozenset({"subject", "code", "indicator", "location", "message_zh", "message_en"})
"""The columns of text from the inputs; the others are perfrules' own numbers, labels and paths."""


class TableWriter:
    """Rows written to a CSV or JSON Lines file as they come, each complete on its own line; with *resume*, the
    rows already there are kept (a line cut short by a stop is dropped) and new ones appended."""

    def __init__(self, path: Path, columns: list[str], *, resume: bool = False) -> None:
        self.path, self.columns = path, columns
        self.jsonl = path.suffix.lower() == ".jsonl"
        self.free_text = [column for column in columns if column in FREE_TEXT]
        kept = b""
        if resume and path.exists():
            with path.open("r+b") as stream:  # in place: nothing already written is ever rewritten
                kept = stream.read()
                kept = kept[: kept.rfind(b"\n") + 1]
                stream.truncate(len(kept))
        self.written = _sources(kept.decode("utf-8-sig"), jsonl=self.jsonl)
        self.stream = path.open("a" if kept else "w", encoding="utf-8", newline="")
        self.csv = csv.DictWriter(self.stream, columns, extrasaction="ignore")
        if not self.jsonl and not kept:
            self.stream.write(BOM)  # so that Excel and WPS read the Chinese text
            self.csv.writeheader()

    def write(self, row: Mapping[str, str]) -> None:
        if self.jsonl:
            self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:  # text a spreadsheet would run as a formula is written with a leading apostrophe
            self.csv.writerow({**row, **{column: spreadsheet_text(row.get(column)) for column in self.free_text}})
        self.stream.flush()

    def close(self) -> None:
        self.stream.close()


def _sources(text: str, *, jsonl: bool) -> frozenset[str]:
    """The sources (`RowSource` as text) of the rows of a results or errors table."""
    if jsonl:
        rows: Iterable[Mapping[str, str]] = (json.loads(line) for line in text.splitlines() if line.strip())
    else:
        rows = csv.DictReader(text.splitlines())
    return frozenset(str(RowSource(row["source"], int(row["row"]) if row.get("row") else None)) for row in rows)
