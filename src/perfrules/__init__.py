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

from . import exceptions, hookspecs
from ._api import default_registry, evaluate, load_facts, load_spec, plugin_manager, render, render_summary, template
from ._diagnostics import Diagnostic, Location
from ._evaluation import Evaluation, IndicatorResult
from ._explain import Explanation, Input, explain
from ._expression import Condition, Expression, Trace
from ._facts import Assessment, Facts, FundsRow, Stated
from ._findings import Finding, findings
from ._grading import GradeBand, GradingScale
from ._kinds import IndicatorKind, KindContext, Rule
from ._plan import Provenance
from ._registry import Provider, Registry
from ._review import Review, ReviewEntry, load_review
from ._spec import FactDeclaration, Indicator, Spec, dump_spec
from ._summary import GradeCount, IndicatorLoss, RankedUnit, Summary, summarize
from .exceptions import PerfrulesError
from .hookspecs import hookimpl

__all__ = [
    "Assessment",
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
    "Rule",
    "Spec",
    "Stated",
    "Summary",
    "Trace",
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


def __getattr__(name: str) -> str:
    if name != "__version__":
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    return _version()


@functools.cache
def _version() -> str:
    from importlib.metadata import version

    return version("perfrules")
