"""The Sichuan plugin: the Dazhou framework's published weights, by id once installed."""

from __future__ import annotations

from decimal import Decimal

import perfrules_sichuan

import perfrules
from perfrules.testing import registry, score

SPEC = "sichuan/dazhou-department@1"


def test_published_weights() -> None:
    """部门决策 25, 综合管理 30, 部门绩效情况 45; 满意度 3 + 3 + 4; the tree sums to 100."""
    spec = perfrules.load_spec(SPEC, registry=registry(perfrules_sichuan))
    assert [Decimal(25), Decimal(30), Decimal(45)] == [i.weight for i in spec.indicators]
    assert [Decimal(3), Decimal(3), Decimal(4)] == [c.weight for c in spec.indicator("3.3").children]
    assert 8 == len(spec.indicator("2").children)
    assert Decimal(100) == spec.full_marks


def test_scores_a_unit() -> None:
    """A unit losing 5 points on 履职成效 and 1 on 社会公众满意度 totals 94, grade 优."""
    spec = perfrules.load_spec(SPEC, registry=registry(perfrules_sichuan))
    claims = {i.id: {"score": str(i.weight)} for i in spec.walk() if i.is_leaf}
    claims["3.1"] = {"score": "15", "reason": "部分重点任务未完成"}
    claims["3.3.3"] = {"score": "3"}
    result = score(spec, {"subject": "达州市某部门", "year": 2023, "assessments": claims})
    assert (Decimal("94.00"), "优") == (result.total, result.grade.label)
    assert "部分重点任务未完成" == result["3.1"].reason


def test_discovered_once_installed() -> None:
    """Installed, the spec is available by id with no other step."""
    assert SPEC in perfrules.default_registry().specs
    provider = perfrules.default_registry().provider("specs", SPEC)
    assert provider is not None and "perfrules-sichuan" == provider.distribution
