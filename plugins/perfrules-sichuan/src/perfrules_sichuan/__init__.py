"""Sichuan frameworks for perfrules: the Dazhou (达州) department-overall framework."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import perfrules

SPECS = Path(__file__).parent / "specs"


@perfrules.hookimpl
def perfrules_register_specs(register: Callable[[str, Any], None]) -> None:
    register("sichuan/dazhou-department@1", SPECS / "dazhou-department-1.yaml")
