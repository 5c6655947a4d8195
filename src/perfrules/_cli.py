"""The ``perfrules`` command; the only module that imports click.

Exit codes, for every command: 0 success; 1 problems in the user's files;
2 usage error (bad options, a missing file); 3 internal error (a bug).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import click

from ._document import is_file
from ._evaluation import evaluate
from ._facts import load_facts
from ._json import render_errors
from ._registry import default_registry
from ._render import render
from ._spec import load_spec
from .exceptions import PerfrulesError, PluginError, SourceNotFoundError

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class _Group(click.Group):
    """Takes its commands from the registry (perfrules' own and the plugins'), and turns
    exceptions into the documented exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_commands(ctx))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return _commands(ctx).get(name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (SourceNotFoundError, PluginError) as e:
            _report_problems(e)
            ctx.exit(EXIT_USAGE)
        except PerfrulesError as e:
            _report_problems(e)
            ctx.exit(EXIT_PROBLEMS)
        except Exception as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(
                f"perfrules: internal error: {type(e).__name__}: {e} (a bug; --debug shows the traceback)", err=True
            )
            ctx.exit(EXIT_INTERNAL)


def _commands(ctx: click.Context) -> Mapping[str, click.Command]:
    try:
        return default_registry().commands
    except PluginError as e:  # a broken plugin: say which, even for --help
        _report_problems(e)
        ctx.exit(EXIT_USAGE)


def _report_problems(error: PerfrulesError) -> None:
    click.echo(f"perfrules: {error.args[0]}", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfrules")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Score performance-evaluation forms (绩效自评表) exactly from declarative specs."""
    ctx.obj = {"debug": debug}


@click.command()
@click.argument("arguments", nargs=-1, metavar="[SPEC] FACTS")
@click.option("--spec", "spec_option", metavar="ID[@VERSION]", help="A registered spec, instead of the SPEC argument.")
@click.option(
    "--year",
    "by_year",
    is_flag=True,
    help="For a spec id without @VERSION: take its version for the facts' fiscal year, not the latest.",
)
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    help="Report format: table, json, or one a plugin registers.",
)
@click.option(
    "--claims",
    type=click.Choice(["self", "computed"]),
    default=None,
    help="Report the unit's claims (self) or what the rules compute; default: as the spec says.",
)
def score(
    arguments: tuple[str, ...], spec_option: str | None, by_year: bool, output_format: str, claims: str | None
) -> None:
    """Score FACTS against SPEC (a spec file, or the id of a registered spec) and print the filled form."""
    if len(arguments) != (1 if spec_option else 2):
        raise click.UsageError("give SPEC and FACTS, or --spec ID and FACTS")
    spec, facts_source = (spec_option, arguments[0]) if spec_option else arguments
    if by_year and ("@" in spec or is_file(spec)):
        raise click.UsageError("--year chooses among a registered spec's versions: give its id without @VERSION")
    formats = default_registry().report_formats
    if output_format not in formats:
        raise click.BadParameter(f"choose from {', '.join(sorted(formats))}", param_hint="--format")
    try:
        facts = load_facts(facts_source)
        if by_year and facts.year is None:
            raise click.UsageError("--year takes the facts' fiscal year, but the facts give no 'year'")
        fiscal_year = facts.year if by_year else None
        evaluation = evaluate(load_spec(spec, year=fiscal_year), facts, claims=claims)  # type: ignore[arg-type]
    except SourceNotFoundError:
        raise
    except PerfrulesError as e:
        if output_format == "json":
            click.echo(render_errors(e.problems), nl=False)
        _report_problems(e)
        sys.exit(EXIT_PROBLEMS)
    click.echo(render(evaluation, output_format), nl=False)


@click.command()
@click.argument("spec")
def validate(spec: str) -> None:
    """Check SPEC and list every problem with its file:line:column."""
    loaded = load_spec(spec)
    leaves = sum(1 for indicator in loaded.walk() if indicator.is_leaf)
    click.echo(f"{loaded.file}: ok: {loaded.id}@{loaded.version}, {leaves} leaves, total {loaded.full_marks}")


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def plugins(output_format: str) -> None:
    """List the plugins, their versions and everything each registers."""
    registry = default_registry()
    registers = {p.plugin: registry.registered_by(p.plugin) for p in registry.plugins}
    if output_format == "json":
        listing = [
            {"plugin": p.plugin, "distribution": p.distribution, "version": p.version, "registers": registers[p.plugin]}
            for p in registry.plugins
        ]
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for provider in registry.plugins:
        shipped = f" ({provider.distribution} {provider.version})" if provider.distribution else ""
        click.echo(f"{provider.plugin}{shipped}")
        for what, names in registers[provider.plugin].items():
            click.echo(f"  {what.replace('_', ' ')}: {', '.join(names)}")
