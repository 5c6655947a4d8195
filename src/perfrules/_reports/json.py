"""The JSON report: the filled form for other systems; the only module that imports cattrs.

Numbers are strings ("95.91"), so no consumer ever parses a score as a float.
The layout is versioned by ``schema_version`` and documented in docs/json.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import cattrs

from .._analysis.explain import Explanation, explain
from .._diagnostics import Diagnostic
from .._lang import LANGUAGES
from .._numbers import to_text

if TYPE_CHECKING:
    from .._analysis.findings import Finding
    from .._analysis.summary import Summary
    from .._engine.results import Evaluation

SCHEMA_VERSION = 1

_converter = cattrs.Converter()
_converter.register_unstructure_hook(Decimal, to_text)


def evaluation_to_data(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as JSON-ready data."""
    from .. import __version__

    spec, facts = evaluation.spec, evaluation.facts
    explanation = explain(evaluation)
    indicators = _converter.unstructure(evaluation.indicators)
    for data, explained in zip(indicators, explanation.children, strict=True):
        _attach(data, explained)
    review = evaluation.review
    return {
        "schema_version": SCHEMA_VERSION,
        "spec": {"id": spec.id, "version": spec.version, "sha256": spec.sha256},
        "subject": facts.subject,
        "year": facts.year,
        "total": to_text(evaluation.total),
        "grade": evaluation.grade.label,
        "stated": _converter.unstructure(facts.stated),
        "budget": _converter.unstructure(dict(facts.budget)),
        "funds": _converter.unstructure(dict(facts.funds)),
        "claims": evaluation.claims,
        "self_total": _converter.unstructure(evaluation.self_total),
        "self_grade": evaluation.self_grade.label if evaluation.self_grade else None,
        "review": {"reviewer": review.reviewer, "date": review.date, "opinion": review.opinion, "file": review.file}
        if review
        else None,
        "why": {"lines": {lang: explanation.lines(lang) for lang in LANGUAGES}},
        "indicators": indicators,
        "diagnostics": _converter.unstructure(evaluation.diagnostics),
        "provenance": _converter.unstructure(evaluation.provenance),
        "perfrules": __version__,
        "facts_sha256": facts.sha256,
    }


def render_summary_json(summary: Summary) -> str:
    """A summary across units as indented JSON text (numbers as strings)."""
    return _dump({"schema_version": SCHEMA_VERSION, **_converter.unstructure(summary)})


def render_json(evaluation: Evaluation) -> str:
    """The evaluation as indented JSON text."""
    return _dump(evaluation_to_data(evaluation))


def _attach(data: dict[str, Any], explanation: Explanation) -> None:
    """Put *explanation* (and its children's) into the indicator's JSON *data*."""
    trace = explanation.trace
    data["why"] = {
        "assumed": explanation.assumed,
        "inputs": _converter.unstructure(explanation.inputs),
        "conditions": _converter.unstructure(trace.conditions) if trace else [],
        "arithmetic": trace.arithmetic if trace else None,
        "value": _converter.unstructure(trace.value) if trace else None,
        "clamped": _converter.unstructure(explanation.clamped),
        "drafted_reason": {lang: explanation.drafted_reason(lang) for lang in LANGUAGES}
        if explanation.drafted
        else None,
        "lines": {lang: explanation.lines(lang) for lang in LANGUAGES},
    }
    for child_data, child in zip(data["children"], explanation.children, strict=True):
        _attach(child_data, child)


def render_findings(findings: Iterable[Finding], tolerance: Decimal) -> str:
    """``{"findings": [...]}``: what ``perfrules review --format json`` prints."""
    listing = _converter.unstructure(list(findings))
    return _dump({"schema_version": SCHEMA_VERSION, "tolerance": to_text(tolerance), "findings": listing})


def render_errors(problems: Iterable[Diagnostic]) -> str:
    """``{"errors": [...]}``: what ``--format json`` prints when the input is invalid."""
    return _dump({"schema_version": SCHEMA_VERSION, "errors": diagnostics_to_data(problems)})


def diagnostics_to_data(problems: Iterable[Diagnostic]) -> list[Any]:
    """Diagnostics as JSON-ready data."""
    return _converter.unstructure(list(problems))  # type: ignore[no-any-return]


def diagnostics_from_data(data: Any) -> list[Diagnostic]:
    """Diagnostics back from `diagnostics_to_data`; anything malformed is left out."""
    try:
        return _converter.structure(data, list[Diagnostic])
    except (cattrs.BaseValidationError, TypeError, ValueError):
        return []


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
