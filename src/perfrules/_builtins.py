"""perfrules' own plugin: the built-in functions, kinds, grading scale and report formats.

Registered through the same hooks as any region's plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from ._catalogue import (
    BandTableKind,
    BinaryKind,
    CategoricalKind,
    ChecklistKind,
    PerOccurrenceKind,
    QualitativeTierKind,
    RatioKind,
    StepDeductionKind,
    TargetKind,
    ThresholdDeductionKind,
)
from ._csv import render_csv
from ._functions import BUILTIN_FUNCTIONS
from ._grading import DEFAULT_SCALE
from ._html import render_html
from ._json import render_json
from ._kinds import BandsKind, ExpressionKind, SelfAssessedKind
from ._markdown import render_markdown
from ._pdf import render_pdf
from ._table import render_table
from ._workbook import read_workbook
from ._xlsx import render_xlsx
from .hookspecs import hookimpl

Register = Callable[[str, Any], None]


def shipped_specs_dir() -> Path:
    """The folder of specs shipped with perfrules (the repository's ``specs/`` in a checkout)."""
    packaged = Path(str(resources.files("perfrules"))) / "specs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "specs"


@hookimpl
def perfrules_register_specs(register: Register) -> None:
    # Shipped specs are named <id>-<version>.yaml (specs/guangzhou/department-overall-2022.yaml),
    # so none needs parsing to be registered; loading checks the name against the document.
    folder = shipped_specs_dir()
    for path in sorted(folder.rglob("*.yaml")):
        spec_id, _, version = path.relative_to(folder).with_suffix("").as_posix().rpartition("-")
        register(f"{spec_id}@{version}", path)


@hookimpl
def perfrules_register_functions(register: Register) -> None:
    for name, function in BUILTIN_FUNCTIONS.items():
        register(name, function)


@hookimpl
def perfrules_register_indicator_kinds(register: Register) -> None:
    register("expression", ExpressionKind())
    register("self_assessed", SelfAssessedKind())
    register("bands", BandsKind())
    register("band_table", BandTableKind())
    register("ratio", RatioKind())
    register("threshold_deduction", ThresholdDeductionKind())
    register("step_deduction", StepDeductionKind())
    register("per_occurrence", PerOccurrenceKind())
    register("checklist", ChecklistKind())
    register("binary", BinaryKind())
    register("categorical", CategoricalKind())
    register("qualitative_tier", QualitativeTierKind())
    register("target", TargetKind())


@hookimpl
def perfrules_register_grading_scales(register: Register) -> None:
    register("default", DEFAULT_SCALE)


@hookimpl
def perfrules_register_commands(register: Register) -> None:
    from ._cli import explain, plugins, review, score, summary, template, validate  # only when commands are wanted

    register("score", score)
    register("template", template)
    register("summary", summary)
    register("explain", explain)
    register("review", review)
    register("validate", validate)
    register("plugins", plugins)


@hookimpl
def perfrules_register_facts_readers(register: Register) -> None:
    register("xlsx", read_workbook)


@hookimpl
def perfrules_register_report_formats(register: Register) -> None:
    register("table", render_table)
    register("json", render_json)
    register("markdown", render_markdown)
    register("html", render_html)
    register("csv", render_csv)
    register("xlsx", render_xlsx)
    register("pdf", render_pdf)
