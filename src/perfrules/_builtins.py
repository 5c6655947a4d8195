"""perfrules' own plugin: the built-in functions, kinds, grading scale and report formats.

Registered through the same hooks as any region's plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._functions import BUILTIN_FUNCTIONS
from ._grading import DEFAULT_SCALE
from ._json import render_json
from ._kinds import BandsKind, ExpressionKind, SelfAssessedKind
from ._table import render_table
from .hookspecs import hookimpl

Register = Callable[[str, Any], None]


@hookimpl
def perfrules_register_functions(register: Register) -> None:
    for name, function in BUILTIN_FUNCTIONS.items():
        register(name, function)


@hookimpl
def perfrules_register_indicator_kinds(register: Register) -> None:
    register("expression", ExpressionKind())
    register("self_assessed", SelfAssessedKind())
    register("bands", BandsKind())


@hookimpl
def perfrules_register_grading_scales(register: Register) -> None:
    register("default", DEFAULT_SCALE)


@hookimpl
def perfrules_register_report_formats(register: Register) -> None:
    register("table", render_table)
    register("json", render_json)
