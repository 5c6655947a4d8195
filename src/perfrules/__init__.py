"""perfrules: score performance-evaluation indicator systems (绩效自评表) exactly.

spec = perfrules.load_spec("specs/guangzhou/department-overall-2022.yaml")
result = perfrules.evaluate(spec, "examples/huangpu-fic-2022.yaml")
print(result.total, result.grade.label)          # 95.91 优
print(perfrules.render(result, "json"))
"""

from __future__ import annotations

import functools

from . import exceptions, hookspecs
from ._diagnostics import Diagnostic, Location
from ._evaluation import Evaluation, IndicatorResult, Provenance, evaluate
from ._expression import Expression
from ._facts import Assessment, Facts, FundsRow, Stated, load_facts
from ._grading import GradeBand, GradingScale
from ._kinds import IndicatorKind, KindContext, Rule
from ._registry import Provider, Registry, default_registry, plugin_manager
from ._render import render
from ._spec import FactDeclaration, Indicator, Spec, dump_spec, load_spec
from .exceptions import PerfrulesError
from .hookspecs import hookimpl

__all__ = [
    "Assessment",
    "Diagnostic",
    "Evaluation",
    "Expression",
    "FactDeclaration",
    "Facts",
    "FundsRow",
    "GradeBand",
    "GradingScale",
    "Indicator",
    "IndicatorKind",
    "IndicatorResult",
    "KindContext",
    "Location",
    "PerfrulesError",
    "Provenance",
    "Provider",
    "Registry",
    "Rule",
    "Spec",
    "Stated",
    "default_registry",
    "dump_spec",
    "evaluate",
    "exceptions",
    "hookimpl",
    "hookspecs",
    "load_facts",
    "load_spec",
    "plugin_manager",
    "render",
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
