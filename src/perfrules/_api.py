"""The public functions, where a registry left out becomes the default one.

perfrules' composition root, as pluggy's example host is: the only module that registers the built-in plugin.
The spec layer, the engine and the reports below it work with the registry they are given, so none of them
imports another layer's plugins (or the command line, or a workbook library) by way of the registry.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

import pluggy
from attrs import evolve

from ._document import Source
from ._engine.plan import ENGINES, Engine
from ._engine.results import ClaimsPolicy, Evaluation
from ._engine.scoring import score
from ._inputs.facts import Facts, read_facts
from ._inputs.review import Review, load_review
from ._plugins import builtins
from ._plugins.registry import ALLOW_VARIABLE, DISABLE_VARIABLE, Registry, lookup, new_plugin_manager
from ._spec.model import Spec
from ._spec.reader import read_spec
from ._spec.slots import fill

ENGINE_VARIABLE = "PERFRULES_ENGINE"

if TYPE_CHECKING:
    from ._analysis.summary import Summary


def plugin_manager(*plugins: object, load_entry_points: bool = True) -> pluggy.PluginManager:
    """Return a new plugin manager holding the built-ins, installed plugins and *plugins*.

    Installed plugins are the ``perfrules`` entry points, less those named in
    ``PERFRULES_DISABLE_PLUGINS``; when ``PERFRULES_PLUGINS`` is set, only the
    plugins it names are loaded, and each must be installed. Both take
    comma-separated entry-point names. The built-ins always load.

    Raises:
        PluginError: a plugin is missing, cannot be imported or breaks the
            hook specifications; two distributions share an entry-point name.
    """
    return new_plugin_manager(builtins, *plugins, load_entry_points=load_entry_points)


def default_registry() -> Registry:
    """The registry of the built-ins and the installed plugins the environment selects.

    Built once per setting of ``PERFRULES_PLUGINS`` and ``PERFRULES_DISABLE_PLUGINS``.
    """
    return _registry_for(os.environ.get(ALLOW_VARIABLE), os.environ.get(DISABLE_VARIABLE))


@functools.cache
def _registry_for(allowed: str | None, disabled: str | None) -> Registry:
    return Registry.from_plugin_manager(plugin_manager())


def load_spec(source: Source, *, registry: Registry | None = None, year: int | None = None) -> Spec:
    """Load and validate a spec.

    Args:
        source: A path; the YAML text itself; a mapping; or the id of a
            registered spec (the shipped ones and the plugins'), optionally
            with ``@version``: ``guangzhou/department-overall@2022``.
        registry: Kinds, functions, scales and specs to use; the installed plugins' by default.
        year: For an id without a version: take the latest version for this
            fiscal year rather than the latest of all.

    Raises:
        SpecError: listing every problem found.
        SourceNotFoundError: no such file or registered spec.
    """
    return read_spec(source, registry or default_registry(), year=year)


def load_facts(source: Source, *, spec: Spec | None = None) -> Facts:
    """Read a facts file (YAML or JSON, or a format a plugin reads, such as a filled .xlsx form), a text or a mapping.

    Only the file's own shape is checked here; whether the facts fit a spec is
    checked by `perfrules.evaluate`.

    Args:
        source: A path, the document's text, or a mapping.
        spec: The spec the facts are for; needed to read a workbook, whose rows
            are found by the spec's indicator names.

    Raises:
        FactsError: listing every problem found.
    """
    return read_facts(source, _registry_of(spec), spec=spec)


def evaluate(
    spec: Spec | Source,
    facts: Facts | Source,
    *,
    claims: ClaimsPolicy | None = None,
    review: Review | Source | None = None,
    registry: Registry | None = None,
    engine: Engine | None = None,
) -> Evaluation:
    """Score *facts* against *spec* and return the filled form.

    Args:
        spec: A loaded `Spec`, or anything `load_spec` takes.
        facts: Loaded `Facts`, or anything `load_facts` takes.
        claims: Overrides the spec's claims policy: ``self`` reports the
            unit's claims, ``computed`` what the rules compute.
        review: A review (复核): a loaded `Review` or anything `load_review`
            takes; it replaces the facts file's own ``review:`` section.
        registry: The registry to load *spec* with; a loaded spec is scored with
            the registry it was checked against.
        engine: How the rules run: ``compiled`` (generated code, the default) or
            ``interpreter`` (the reference); the ``PERFRULES_ENGINE`` variable sets the default.

    Raises:
        FactsError: facts missing, undeclared or mistyped; bad claims.
        EvaluationError: a rule failed for these facts (e.g. a zero denominator).
        ReviewError: the review is invalid or does not fit the form.
    """
    if claims not in (None, "self", "computed"):
        msg = f"claims must be 'self' or 'computed', not {claims!r:.40}"
        raise ValueError(msg)
    engine = engine or os.environ.get(ENGINE_VARIABLE) or "compiled"  # type: ignore[assignment]
    if engine not in ENGINES:
        msg = f"engine ({ENGINE_VARIABLE}) must be one of {', '.join(ENGINES)}, not {engine!r:.40}"
        raise ValueError(msg)
    if registry is not None and not isinstance(registry, Registry):  # callers without type checking
        msg = f"registry must be a perfrules.Registry, not {type(registry).__name__}"  # type: ignore[unreachable]
        raise ValueError(msg)
    if not isinstance(spec, Spec):
        spec = load_spec(spec, registry=registry)
    elif registry is not None and spec.registry is not None and registry is not spec.registry:
        msg = "the spec was loaded with another registry; score it with the one it was checked against"
        raise ValueError(msg)
    registry = spec.registry or registry or default_registry()
    if not isinstance(facts, Facts):
        facts = read_facts(facts, registry, spec=spec)
    if review is not None:
        facts = evolve(facts, review=review if isinstance(review, Review) else load_review(review))
    return score(spec, facts, registry, claims=claims, engine=engine)


def render(evaluation: Evaluation, format: str = "table", *, registry: Registry | None = None) -> str | bytes:
    """Render *evaluation* in a registered report format.

    Text formats (``table``, ``json``, ``markdown``, ``html``, ``csv``) return
    text; binary ones (``xlsx``, ``pdf``) return bytes.

    Args:
        evaluation: The scored form.
        format: A report format's name.
        registry: Where to find the format; by default the one *evaluation* was scored with.

    Raises:
        NotRegisteredError: no plugin registered *format*.
        MissingExtraError: the format needs an optional part that is not installed (``pdf``).
    """
    formats = (registry or evaluation.registry or default_registry()).report_formats
    return lookup(formats, "report_formats", format)(evaluation)


def render_summary(summary: Summary, format: str = "table", *, registry: Registry | None = None) -> str | bytes:
    """Render a summary across units in a registered summary format.

    ``table``, ``json`` and ``html`` give text, ``xlsx`` bytes.

    Raises:
        NotRegisteredError: no plugin registered *format*.
    """
    return lookup((registry or default_registry()).summary_formats, "summary_formats", format)(summary)


def template(spec: Spec, facts: Facts | None = None) -> bytes:
    """The blank form of *spec* as an .xlsx workbook for a unit to fill; `load_facts` reads it back.

    With *facts*, the workbook comes pre-filled with them.

    Raises:
        FactsError: *facts* fill a project form's slots wrongly.
    """
    from ._forms.xlsx import template_xlsx  # XlsxWriter only when a workbook is asked for

    if facts is not None and facts.indicators:  # the unit's own indicators take the rows of their slots
        spec, facts = fill(spec, facts, _registry_of(spec))
    return template_xlsx(spec, facts)


def _registry_of(spec: Spec | None) -> Registry:
    return (spec.registry if spec is not None else None) or default_registry()
