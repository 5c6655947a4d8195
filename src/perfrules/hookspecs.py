"""Hook specifications for perfrules plugins.

A plugin is a module whose functions are marked with `perfrules.hookimpl` and
named after the hooks below; an installed distribution advertises it under the
``perfrules`` entry-point group. Every hook receives a *register* callable: call
it once per thing you provide, as ``register(name, thing)``. Names are global,
and registering a name that perfrules or another plugin already registered is
an error naming both plugins, so results never depend on which plugin was
installed first. perfrules' own built-ins are registered through these same
hooks (``perfrules._plugins.builtins``). docs/plugins.md walks through writing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    import click

    from ._analysis.summary import Summary
    from ._document import Source
    from ._engine.results import Evaluation
    from ._inputs.facts import Facts
    from ._rules.kinds import IndicatorKind
    from ._spec.grading import GradingScale
    from ._spec.model import Spec

hookspec = pluggy.HookspecMarker("perfrules")
hookimpl = pluggy.HookimplMarker("perfrules")


@hookspec
def perfrules_register_specs(register: Callable[[str, Source], None]) -> None:
    """Register spec documents that users can name by id.

    Args:
        register: Call as ``register("id@version", source)``, where *source* is a
            path, the YAML text or a mapping; the document's own ``id`` and
            ``version`` must match the name (checked when it is loaded).
    """


@hookspec
def perfrules_register_functions(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register functions that scoring expressions may call.

    Args:
        register: Call as ``register(name, function)``; *name* is how
            expressions spell the call. Functions receive Decimals, booleans or
            text and must return a Decimal or a boolean, deterministically; any
            other result, or an exception, is reported as a perfrules error
            naming the indicator and the plugin.
    """


@hookspec
def perfrules_register_indicator_kinds(register: Callable[[str, IndicatorKind], None]) -> None:
    """Register indicator kinds: how a leaf's parameters become its scoring rule.

    Args:
        register: Call as ``register(name, kind)``; *name* is what specs write
            as ``kind:``, *kind* follows the `perfrules.IndicatorKind` protocol.
    """


@hookspec
def perfrules_register_grading_scales(register: Callable[[str, GradingScale], None]) -> None:
    """Register grading scales that specs can name with ``grades: <name>``.

    Args:
        register: Call as ``register(name, scale)``.
    """


@hookspec
def perfrules_register_report_formats(register: Callable[[str, Callable[[Evaluation], str | bytes]], None]) -> None:
    """Register report formats for `perfrules.render` and ``perfrules score --format``.

    Args:
        register: Call as ``register(name, render)`` where ``render(evaluation)``
            returns the report as text, or as bytes for a binary format (a
            workbook, a PDF); ``perfrules score -o FILE`` picks the format whose
            name is the file's suffix.
    """


@hookspec
def perfrules_register_summary_formats(register: Callable[[str, Callable[[Summary], str | bytes]], None]) -> None:
    """Register formats for `perfrules.render_summary` and ``perfrules summary --format``.

    Args:
        register: Call as ``register(name, render)`` where ``render(summary)``
            returns the summary across units as text, or as bytes for a binary
            format; ``perfrules summary -o FILE`` picks the format whose name is
            the file's suffix.
    """


@hookspec
def perfrules_register_facts_readers(register: Callable[[str, Callable[[Path, Spec], Facts]], None]) -> None:
    """Register readers of facts files in other formats, by file suffix, for `perfrules.load_facts`.

    YAML and JSON are read by perfrules itself. A reader turns a file (a filled
    workbook, say) into `perfrules.Facts` for the spec it is to be scored with.

    Args:
        register: Call as ``register(suffix, read)`` with the suffix in lower
            case without its dot (``"xlsx"``); ``read(path, spec)`` returns the
            facts or raises `perfrules.FactsError` listing every problem.
    """


@hookspec
def perfrules_register_commands(register: Callable[[str, click.Command], None]) -> None:
    """Register subcommands of the ``perfrules`` command line.

    Args:
        register: Call as ``register(name, command)`` with a `click.Command`;
            the names of perfrules' own commands are taken.
    """
