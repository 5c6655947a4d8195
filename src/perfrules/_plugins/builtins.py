"""perfrules' own plugin: the built-in specs, functions, kinds, grading scale, report and summary formats and
the workbook reader.

Registered through the same hooks as any region's plugin. Formats and the reader are imported when first used,
so scoring a YAML form never imports the libraries behind a workbook, a PDF or a terminal table.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from .._rules.catalogue import (
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
from .._rules.functions import BUILTIN_FUNCTIONS
from .._rules.kinds import BandsKind, ExpressionKind, SelfAssessedKind
from .._spec.grading import DEFAULT_SCALE
from ..hookspecs import hookimpl

Register = Callable[[str, Any], None]


def shipped_specs_dir() -> Path:
    """The folder of specs shipped with perfrules (the repository's ``specs/`` in a checkout)."""
    packaged = Path(str(resources.files("perfrules"))) / "specs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "specs"


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
def perfrules_register_facts_readers(register: Register) -> None:
    register("xlsx", _when_used("_forms.workbook", "read_workbook"))


@hookimpl
def perfrules_register_report_formats(register: Register) -> None:
    register("table", _when_used("_reports.table", "render_table"))
    register("json", _when_used("_reports.json", "render_json"))
    register("markdown", _when_used("_reports.markdown", "render_markdown"))
    register("html", _when_used("_reports.html", "render_html"))
    register("csv", _when_used("_reports.csv", "render_csv"))
    register("xlsx", _when_used("_forms.xlsx", "render_xlsx"))
    register("pdf", _when_used("_reports.pdf", "render_pdf"))


@hookimpl
def perfrules_register_summary_formats(register: Register) -> None:
    register("table", _when_used("_reports.table", "render_summary_table"))
    register("json", _when_used("_reports.json", "render_summary_json"))
    register("html", _when_used("_reports.html", "render_summary_html"))
    register("xlsx", _when_used("_forms.xlsx", "render_summary_xlsx"))


def _when_used(module: str, name: str) -> Callable[..., Any]:
    """The function *name* of perfrules' *module*, imported at its first call."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(f"perfrules.{module}"), name)(*args)

    call.__name__ = call.__qualname__ = name
    call.__module__ = f"perfrules.{module}"
    return call
