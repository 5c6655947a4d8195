"""The ``perfrules`` command; the only module that imports click.

Exit codes, for every command: 0 success; 1 problems in the user's files;
2 usage error (bad options, a missing file); 3 internal error (a bug).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from ._evaluation import evaluate
from ._json import render_errors
from ._registry import default_registry
from ._render import render
from ._spec import load_spec
from .exceptions import PerfrulesError, SourceNotFoundError

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class _Group(click.Group):
    """Turns exceptions into the documented exit codes: a message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except SourceNotFoundError as e:
            click.echo(f"perfrules: {e.args[0]}", err=True)
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


def _report_problems(error: PerfrulesError) -> None:
    click.echo(error.args[0], err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfrules")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Score performance-evaluation forms (绩效自评表) exactly from declarative specs."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("spec")
@click.argument("facts", type=click.Path(dir_okay=False))
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
def score(spec: str, facts: str, output_format: str, claims: str | None) -> None:
    """Score FACTS against SPEC (a spec file or a shipped spec's id) and print the filled form."""
    formats = default_registry().report_formats
    if output_format not in formats:
        raise click.BadParameter(f"choose from {', '.join(sorted(formats))}", param_hint="--format")
    try:
        evaluation = evaluate(load_spec(spec), facts, claims=claims)  # type: ignore[arg-type]
    except SourceNotFoundError:
        raise
    except PerfrulesError as e:
        if output_format == "json":
            click.echo(render_errors(e.problems), nl=False)
        _report_problems(e)
        sys.exit(EXIT_PROBLEMS)
    click.echo(render(evaluation, output_format), nl=False)


@main.command()
@click.argument("spec")
def validate(spec: str) -> None:
    """Check SPEC and list every problem with its file:line:column."""
    loaded = load_spec(spec)
    leaves = sum(1 for indicator in loaded.walk() if indicator.is_leaf)
    click.echo(f"{loaded.file}: ok: {loaded.id}@{loaded.version}, {leaves} leaves, total {loaded.full_marks}")
