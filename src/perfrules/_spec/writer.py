"""A spec back to plain data and YAML in the documented format, so that reading it gives it back equal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._yaml import dump_yaml
from .model import FORMAT_VERSION, FactDeclaration, Indicator, Spec

if TYPE_CHECKING:
    pass


def spec_document(spec: Spec) -> dict[str, Any]:
    """The spec as plain data in the documented format; `load_spec` reads it back equal."""

    def fact(declaration: FactDeclaration) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": declaration.type}
        for key in ("min", "max", "values", "unit", "label", "label_en", "agrees_with"):
            value = getattr(declaration, key)
            if value is not None:
                entry[key] = list(value) if isinstance(value, tuple) else value
        if declaration.optional:
            entry["optional"] = True
        return entry

    def indicator(node: Indicator) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": node.id, "name": node.name, "weight": node.weight}
        for key in ("name_en", "explanation", "explanation_en", "note", "not_applicable"):
            value = getattr(node, key)
            if value is not None:
                entry[key] = value
        if node.alternatives is not None:
            entry["alternatives"] = "best" if node.alternatives == "best" else {"chosen_by": node.alternatives}
        if node.slot is not None:
            if node.slot.weight is None:
                del entry["weight"]
            entry["slot"] = {"kinds": list(node.slot.kinds), "min": node.slot.min}
            if node.slot.max is not None:
                entry["slot"]["max"] = node.slot.max
        elif node.children:
            entry["children"] = [indicator(child) for child in node.children]
        else:
            entry["kind"] = node.kind
            entry.update(node.parameters)
            if node.assumed:
                entry["assumed"] = True
        return entry

    document: dict[str, Any] = {"spec": FORMAT_VERSION, "id": spec.id, "version": spec.version, "name": spec.name}
    for key in ("name_en", "note", "total"):
        if getattr(spec, key) is not None:
            document[key] = getattr(spec, key)
    document.update(precision=spec.precision, rounding=spec.rounding, round_at=spec.round_at, claims=spec.claims)
    document["final_score"] = spec.final_score
    if spec.layout is not None:
        document["layout"] = spec.layout
    if spec.years is not None:
        first, last = spec.years
        document["years"] = first if first == last else {"from": first, **({"to": last} if last else {})}
    document["facts"] = {name: fact(declaration) for name, declaration in spec.facts.items()}
    if spec.vocabulary:
        tiers: dict[str, list[str]] = {}
        for phrase, tier in spec.vocabulary.items():
            tiers.setdefault(tier, []).append(phrase)
        document["vocabulary"] = tiers
    document["indicators"] = [indicator(node) for node in spec.indicators]
    if spec.grades_name is not None:
        document["grades"] = spec.grades_name
    else:
        document["grades"] = [
            {"min": band.min, "label": band.label, **({"label_en": band.label_en} if band.label_en else {})}
            for band in spec.grades.bands
        ]
    return document


def dump_spec(spec: Spec) -> str:
    """The spec as YAML text in the documented format; `load_spec` reads it back equal."""
    if not isinstance(spec, Spec):  # callers without type checking
        msg = f"dump_spec takes a loaded Spec, not {type(spec).__name__}"  # type: ignore[unreachable]
        raise ValueError(msg)
    return dump_yaml(spec_document(spec))
