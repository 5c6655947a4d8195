"""perfrules: score performance-evaluation indicator systems (绩效自评表) exactly.

spec = perfrules.load_spec("specs/guangzhou/department-overall-2022.yaml")
result = perfrules.evaluate(spec, "examples/huangpu-fic-2022.yaml")
print(result.total, result.grade.label)          # 95.91 优
print(perfrules.render(result, "json"))
print(perfrules.explain(result, "1.1.3").text("en"))  # inputs, arithmetic, rounding, claim
for finding in perfrules.findings(result):            # what a reviewer (复核) should check
    print(finding.severity, finding.indicator, finding.message)
open("form.xlsx", "wb").write(perfrules.render(result, "xlsx"))  # the official layout
open("blank.xlsx", "wb").write(perfrules.template(spec))        # for a unit to fill; load_facts reads it back
print(perfrules.render_summary(perfrules.summarize([result, ...])))  # many units: ranking, grades, points lost
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

from . import exceptions, hookspecs
from ._analysis.explain import Explanation, Input, explain
from ._api import default_registry, evaluate, load_facts, load_spec, plugin_manager, render, render_summary, template
from ._diagnostics import Diagnostic, Location
from ._engine.plan import Provenance
from ._engine.results import Evaluation, IndicatorResult
from ._inputs.facts import Assessment, Facts, FundsRow, Stated
from ._inputs.review import Review, ReviewEntry, load_review
from ._plugins.registry import Provider, Registry
from ._rules.expression import Condition, Expression, Trace
from ._rules.kinds import IndicatorKind, KindContext, Rule
from ._spec.grading import GradeBand, GradingScale
from ._spec.model import FactDeclaration, Indicator, Spec
from .exceptions import PerfrulesError
from .hookspecs import hookimpl

if TYPE_CHECKING:
    from ._analysis.findings import Finding, findings
    from ._analysis.summary import GradeCount, IndicatorLoss, RankedUnit, Summary, summarize
    from ._batch import BatchResult, RowSource, batch
    from ._spec.writer import dump_spec

# Imported at first use, so scoring a form (the command line, a batch job) does not build what it never calls.
_ON_FIRST_USE = {
    **dict.fromkeys(("BatchResult", "RowSource", "batch"), "._batch"),
    **dict.fromkeys(("Finding", "findings"), "._analysis.findings"),
    **dict.fromkeys(("GradeCount", "IndicatorLoss", "RankedUnit", "Summary", "summarize"), "._analysis.summary"),
    "dump_spec": "._spec.writer",
}

__all__ = [
    "Assessment",
    "BatchResult",
    "Condition",
    "Diagnostic",
    "Evaluation",
    "Explanation",
    "Expression",
    "FactDeclaration",
    "Facts",
    "Finding",
    "FundsRow",
    "GradeBand",
    "GradeCount",
    "GradingScale",
    "Indicator",
    "IndicatorKind",
    "IndicatorLoss",
    "IndicatorResult",
    "Input",
    "KindContext",
    "Location",
    "PerfrulesError",
    "Provenance",
    "Provider",
    "RankedUnit",
    "Registry",
    "Review",
    "ReviewEntry",
    "RowSource",
    "Rule",
    "Spec",
    "Stated",
    "Summary",
    "Trace",
    "batch",
    "default_registry",
    "dump_spec",
    "evaluate",
    "exceptions",
    "explain",
    "findings",
    "hookimpl",
    "hookspecs",
    "load_facts",
    "load_review",
    "load_spec",
    "plugin_manager",
    "render",
    "render_summary",
    "summarize",
    "template",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name not in _ON_FIRST_USE:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = globals()[name] = getattr(importlib.import_module(_ON_FIRST_USE[name], __name__), name)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


@functools.cache
def _version() -> str:
    from importlib.metadata import version

    return version("perfrules")
