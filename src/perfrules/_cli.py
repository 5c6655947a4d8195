"""The ``perfrules`` command; the only module that imports click.

Exit codes, for every command: 0 success; 1 problems in the user's files;
2 usage error (bad options, a missing file); 3 internal error (a bug).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ._analysis.explain import explain as explain_evaluation
from ._api import default_registry, evaluate, load_facts, load_spec, render, render_summary
from ._api import template as blank_workbook
from ._document import is_file
from ._engine.results import Evaluation
from ._engine.scoring import require_year
from ._inputs.facts import facts_reader
from ._lang import LANGUAGES, Language, current_language, default_language, speaking
from ._numbers import to_decimal, to_text
from ._plugins.registry import BUILTIN, KINDS_OF_THING_ZH
from .exceptions import AlreadyRegisteredError, PerfrulesError, PluginError, SourceNotFoundError, UnknownIndicatorError

if TYPE_CHECKING:
    from ._analysis.findings import Finding

SUFFIX_FORMATS = {"md": "markdown", "htm": "html", "txt": "table"}
"""Output file suffixes that are not a format's own name."""

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class _Group(click.Group):
    """Holds perfrules' own commands and the plugins' (from the registry), and turns
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
            if current_language() == "en":
                message = f"internal error: {type(e).__name__}: {e} (a bug; --debug shows the traceback)"
            else:
                message = f"内部错误：{type(e).__name__}: {e}（程序缺陷；加 --debug 可显示调用栈）"
            click.echo(f"perfrules: {message}", err=True)
            ctx.exit(EXIT_INTERNAL)


def _commands(ctx: click.Context) -> Mapping[str, click.Command]:
    """perfrules' own commands and the plugins'; a plugin may not take one of perfrules' names."""
    try:
        registry = default_registry()
        own = _own_commands()
        if taken := sorted(own.keys() & registry.commands.keys()):
            builtin = next(p for p in registry.plugins if p.plugin == BUILTIN)
            other = registry.provider("commands", taken[0])
            msg = f"command {taken[0]!r} is registered by both {builtin} and {other}"
            raise AlreadyRegisteredError(msg, message_zh=f"命令 {taken[0]!r} 被 {builtin} 和 {other} 重复登记")
    except PluginError as e:  # a broken plugin: say which, even for --help
        _report_problems(e)
        ctx.exit(EXIT_USAGE)
    return {**own, **registry.commands}


def _own_commands() -> dict[str, click.Command]:
    commands = (score, batch, template, summary, explain, review, validate, plugins)
    return {command.name or "": command for command in commands}


def _report_problems(error: PerfrulesError) -> None:
    lang = current_language()
    click.echo(f"perfrules: {error.text(lang)}", err=True)
    for problem in error.diagnostics:
        click.echo(f"  {problem.line(lang)}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfrules")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """绩效自评表精确计分 · Score performance-evaluation forms exactly from declarative specs."""
    ctx.obj = {"debug": debug}


class _Points(click.ParamType):  # type: ignore[type-arg]
    """A number of points, read as a Decimal from its text (never through a float)."""

    name = "points"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        points = to_decimal(value if isinstance(value, Decimal) else str(value).strip())
        if points is None or points < 0:
            english = f"{value!r:.40} is not a number of points, 0 or more"
            self.fail(
                english if current_language() == "en" else f"{value!r:.40} 不是分数（应为 0 或以上的数）", param, ctx
            )
        return points


_CLAIMS = click.option(
    "--claims",
    type=click.Choice(["self", "computed"]),
    default=None,
    help="Report the unit's claims (self) or what the rules compute; default: as the spec says.",
)
_TEXT_OR_JSON = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)


def _chosen_language(ctx: click.Context, _param: click.Parameter, value: Language | None) -> Language:
    """The ``--lang`` given, else the default; spoken (`current_language`) until the whole command line ends,
    so that the problems reported after the command has failed are worded in it too."""
    lang = value or default_language()
    ctx.find_root().with_resource(speaking(lang))
    return lang


def _usage(english: str, chinese: str) -> click.UsageError:
    """A usage error in the language of this command's messages."""
    return click.UsageError(english if current_language() == "en" else chinese)


def _unknown_format(name: str, formats: Iterable[str]) -> click.UsageError:
    known = ", ".join(sorted(formats))
    return _usage(f"--format: no format {name!r}; choose from {known}", f"--format：没有 {name!r} 格式，可选：{known}")


def _lang_option(*, expose: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=None,
        callback=_chosen_language,
        is_eager=True,
        expose_value=expose,
        help="Messages in Chinese (zh) or English (en); default: PERFRULES_LANG, else zh (en on an en* locale).",
    )


_LANG = _lang_option()
_LANG_OF_MESSAGES = _lang_option(expose=False)  # for commands whose own output does not change with it
_OUTPUT = click.option("-o", "--output", metavar="FILE", help="Write the report to FILE instead of printing it.")
_REVIEW = click.option(
    "--review",
    metavar="FILE",
    default=None,
    help="A review (复核) file: review scores and notes; it replaces the facts file's own review section.",
)


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
    default=None,
    help="Report format: table (default), json, markdown, html, csv, xlsx, pdf, or one a plugin registers;"
    " with -o, the file's suffix chooses.",
)
@_OUTPUT
@_CLAIMS
@_REVIEW
@_LANG_OF_MESSAGES
@click.option(
    "--isolate",
    is_flag=True,
    help="Score in a separate worker process with CPU-time, memory and wall-clock limits (for untrusted files).",
)
def score(
    *,
    arguments: tuple[str, ...],
    spec_option: str | None,
    by_year: bool,
    output_format: str | None,
    output: str | None,
    claims: str | None,
    review: str | None,
    isolate: bool,
) -> None:
    """按规范为填报数据计分并输出填好的表 · Score FACTS against SPEC and print the filled form.

    SPEC is a spec file, or the id of a registered spec.

    FACTS is a YAML or JSON facts file, or a filled .xlsx form (from `perfrules template`, or the official
    layout filled by hand).
    """
    if len(arguments) != (1 if spec_option else 2):
        raise _usage("give SPEC and FACTS, or --spec ID and FACTS", "请给出 SPEC 和 FACTS，或 --spec ID 和 FACTS")
    spec, facts_source = (spec_option, arguments[0]) if spec_option else arguments
    if by_year and ("@" in spec or is_file(spec)):
        raise _usage(
            "--year chooses among a registered spec's versions: give its id without @VERSION",
            "--year 用于在已登记规范的各版本中选择：请给出不带 @VERSION 的 id",
        )
    formats = default_registry().report_formats
    output_format = output_format or _format_of(output, formats)
    if output_format not in formats:
        raise _unknown_format(output_format, formats)
    if isolate:
        if by_year:
            raise _usage(
                "--isolate takes a spec file or id@version, not --year",
                "--isolate 需要规范文件或 id@version，不能与 --year 同用",
            )
        try:
            from . import sandbox  # a worker process and its JSON only when asked for

            report = sandbox.score(
                spec, facts_source, format=output_format, claims=claims, review=review, require_year=True
            )
        except SourceNotFoundError:
            raise
        except PerfrulesError as e:
            _fail(e, as_json=output_format == "json")
        _emit(report, output, output_format)
        return
    evaluation = _evaluate(
        spec, facts_source, by_year=by_year, claims=claims, review=review, as_json=output_format == "json"
    )
    try:
        require_year(evaluation)  # a form is for a year: scored without one, it cannot be filed
    except PerfrulesError as e:
        _fail(e, as_json=output_format == "json")
    _emit(render(evaluation, output_format), output, output_format)


def _format_of(output: str | None, formats: Mapping[str, object]) -> str:
    """The format to write: ``table`` on the terminal, else the one the file's suffix names (``.md`` → markdown)."""
    if output is None:
        return "table"
    suffix = Path(output).suffix.lower().removeprefix(".")
    suffix = SUFFIX_FORMATS.get(suffix, suffix)
    if suffix not in formats:
        known = ", ".join(sorted(formats))
        raise _usage(
            f"cannot tell the format of {output!r} from its suffix: give --format ({known})",
            f"无法从 {output!r} 的后缀判断格式：请用 --format 指定（{known}）",
        )
    return suffix


def _emit(report: str | bytes, output: str | None, output_format: str) -> None:
    """Write *report* to the file *output*, or to standard output (binary only when it is not a terminal)."""
    if output is not None:
        try:
            if isinstance(report, bytes):
                Path(output).write_bytes(report)
            else:
                Path(output).write_text(report, encoding="utf-8")
        except OSError as e:
            raise click.FileError(output, e.strerror) from None
        return
    if isinstance(report, bytes):
        if sys.stdout.isatty():
            raise _usage(
                f"{output_format} is a binary format: write it to a file with -o FILE",
                f"{output_format} 是二进制格式：请用 -o FILE 写入文件",
            )
        sys.stdout.buffer.write(report)
        return
    click.echo(report, nl=False)


def _evaluate(
    spec: str, facts_source: str, *, by_year: bool = False, claims: str | None, review: str | None, as_json: bool
) -> Evaluation:
    """Load and score, or exit 1 listing every problem (as JSON too, when *as_json*)."""
    try:
        # A workbook is read against its spec (rows are found by indicator names), so the spec comes first.
        in_workbook = facts_reader(facts_source, default_registry()) is not None
        if in_workbook and by_year:
            raise _usage(
                "--year reads the fiscal year from a YAML facts file; name the spec's version instead",
                "--year 从 YAML 填报数据文件读取年度；请直接写明规范的版本",
            )
        loaded = load_spec(spec) if in_workbook else None
        facts = load_facts(facts_source, spec=loaded)
        if by_year and facts.year is None:
            raise _usage(
                "--year takes the facts' fiscal year, but the facts give no 'year'",
                "--year 取填报数据的年度，但填报数据中没有 'year'",
            )
        fiscal_year = facts.year if by_year else None
        loaded = loaded or load_spec(spec, year=fiscal_year)
        return evaluate(loaded, facts, claims=claims, review=review)  # type: ignore[arg-type]
    except SourceNotFoundError:
        raise
    except PerfrulesError as e:
        _fail(e, as_json=as_json)


def _fail(error: PerfrulesError, *, as_json: bool) -> NoReturn:
    """Exit 1 listing every problem (as JSON on stdout too, when *as_json*)."""
    if as_json:
        from ._reports.json import render_errors

        click.echo(render_errors(error.diagnostics), nl=False)
    _report_problems(error)
    sys.exit(EXIT_PROBLEMS)


@click.command()
@click.argument("spec")
@click.option("-o", "--output", metavar="FILE", required=True, help="The workbook to write (.xlsx).")
@click.option("--facts", "facts_source", metavar="FILE", help="Prefill from a facts file (last year's, say).")
@_LANG_OF_MESSAGES
def template(*, spec: str, output: str, facts_source: str | None) -> None:
    """生成待填报的空白工作簿 · Write a blank workbook of SPEC's form for a unit to fill.

    Then score it with `perfrules score SPEC FILE`.

    The workbook has the official layout (header, budget or funds table, indicators, total, grade) with the
    cells to fill shaded and validated, and a 数据 sheet for the facts the spec's rules read.
    """
    loaded = load_spec(spec)
    facts = load_facts(facts_source, spec=loaded) if facts_source else None
    _emit(blank_workbook(loaded, facts), output, "xlsx")


@click.command()
@click.argument("spec")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, metavar="FILE", help="The results table: FILE.csv or FILE.jsonl.")
@click.option(
    "--errors",
    metavar="FILE",
    help="The refused rows with every problem (.csv or .jsonl); default: OUTPUT with .errors before its suffix.",
)
@click.option("--resume", is_flag=True, help="Keep the rows OUTPUT and the errors file hold; score only the rest.")
@_LANG_OF_MESSAGES
def batch(*, spec: str, inputs: tuple[str, ...], output: str, errors: str | None, resume: bool) -> None:
    """批量计分 · Score every unit in INPUTS under SPEC into one table.

    INPUTS are facts files (YAML, JSON, filled workbooks), folders of them, and CSV or JSON Lines tables of one
    unit per row (docs/batch.md). A refused row never stops the batch: it goes to the errors file, with its
    source and every problem in Chinese and English. Exit 1 when any row was refused.
    """
    from ._batch import ERROR_COLUMNS, TableWriter, check_inputs, error_rows, result_columns, result_row
    from ._batch import batch as score_all

    check_inputs(inputs)

    results_path = Path(output)
    errors_path = Path(errors) if errors else results_path.with_suffix(f".errors{results_path.suffix}")
    for path in (results_path, errors_path):
        if path.suffix.lower() not in (".csv", ".jsonl"):
            raise _usage(f"{path}: write a .csv or .jsonl table", f"{path}：请写成 .csv 或 .jsonl 表")
    loaded = load_spec(spec)
    results = TableWriter(results_path, result_columns(loaded), resume=resume)
    refusals = TableWriter(errors_path, ERROR_COLUMNS, resume=resume)
    done = results.written | refusals.written
    scored = refused = 0
    grades: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    try:
        for result in score_all(loaded, inputs, skip=done):
            if result.evaluation is None:
                refused += 1
                for row in error_rows(result):
                    refusals.write(row)
                continue
            scored += 1
            results.write(result_row(result.source, result.evaluation))
            grades[result.evaluation.grade.label] += 1
            warnings.update(d.code for d in result.evaluation.diagnostics if d.level == "warning")
    finally:
        results.close()
        refusals.close()
    en = current_language() == "en"
    grade_words = (", " if en else "、").join(f"{label} {count}" for label, count in grades.items())
    warning_words = ", ".join(f"{code} {count}" for code, count in sorted(warnings.items()))
    if en:
        line = f"{scored + refused} read: {scored} scored, {refused} refused"
        line += f"; grades {grade_words}" if grades else ""
        line += f"; warnings {warning_words}" if warnings else ""
        line += f" ({len(done)} done before)" if done else ""
    else:
        line = f"读取 {scored + refused} 份：计分 {scored} 份，拒收 {refused} 份"
        line += f"；等级 {grade_words}" if grades else ""
        line += f"；警告 {warning_words}" if warnings else ""
        line += f"（此前已完成 {len(done)} 份）" if done else ""
    click.echo(line, err=True)
    if refused or refusals.written:
        click.echo(f"refused rows: {errors_path}" if en else f"拒收的行：{errors_path}", err=True)
        sys.exit(EXIT_PROBLEMS)


@click.command()
@click.argument("spec")
@click.argument("facts", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    default=None,
    help="A summary format: table (default), json, html, xlsx, or a plugin's; with -o, the file's suffix chooses.",
)
@_OUTPUT
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many indicators to list.")
@_LANG_OF_MESSAGES
def summary(*, spec: str, facts: tuple[str, ...], output_format: str | None, output: str | None, top: int) -> None:
    """汇总多家单位的得分 · Summarise several units' FACTS under SPEC.

    Ranking, grade distribution, the indicators losing most points.
    """
    formats = default_registry().summary_formats
    output_format = output_format or _format_of(output, formats)
    if output_format not in formats:
        raise _unknown_format(output_format, formats)
    from ._analysis.summary import summarize

    evaluations = [
        _evaluate(spec, source, claims=None, review=None, as_json=output_format == "json") for source in facts
    ]
    _emit(render_summary(summarize(evaluations, top=top), output_format), output, output_format)


@click.command()
@click.argument("spec")
@click.argument("facts")
@click.argument("indicator", required=False)
@_LANG
@_TEXT_OR_JSON
@_CLAIMS
@_REVIEW
def explain(
    *,
    spec: str,
    facts: str,
    indicator: str | None,
    lang: Language,
    output_format: str,
    claims: str | None,
    review: str | None,
) -> None:
    """说明每项得分的由来 · Explain how FACTS score against SPEC.

    Inputs, rule, arithmetic, rounding, points lost.

    With INDICATOR (an id such as 1.1.3), only that indicator and its sub-indicators.
    """
    evaluation = _evaluate(spec, facts, claims=claims, review=review, as_json=output_format == "json")
    try:
        explanation = explain_evaluation(evaluation, indicator)
    except UnknownIndicatorError as e:
        raise _usage(f"INDICATOR: {e}", f"INDICATOR：{e.text('zh')}") from None
    if output_format == "json":
        lines = [{"id": node.id, "lines": node.lines(lang)} for node in explanation.walk()]
        click.echo(json.dumps({"lang": lang, "explanations": lines}, ensure_ascii=False, indent=2))
        return
    click.echo(explanation.text(lang), nl=False)


@click.command()
@click.argument("spec")
@click.argument("facts")
@click.option(
    "--tolerance",
    type=_Points(),
    metavar="POINTS",
    default="0",
    show_default=True,
    help="Score differences of at most this many points are not findings.",
)
@_LANG
@_TEXT_OR_JSON
@_CLAIMS
@_REVIEW
def review(
    *,
    spec: str,
    facts: str,
    tolerance: Decimal,
    lang: Language,
    output_format: str,
    claims: str | None,
    review: str | None,
) -> None:
    """复核：列出需要核查之处 · Review FACTS against SPEC: what a reviewer should check.

    Exit 1 when anything is found.

    Findings: claims that differ from what the rules compute, a stated total or grade
    that is not the computed one, figures that contradict each other, points lost
    without a reason, a reason on a full score, scores without the facts behind them,
    and review scores that differ from the self scores.
    """
    from ._analysis.findings import findings

    evaluation = _evaluate(spec, facts, claims=claims, review=review, as_json=output_format == "json")
    found = findings(evaluation, tolerance=tolerance)
    if output_format == "json":
        from ._reports.json import render_findings

        click.echo(render_findings(found, tolerance), nl=False)
    else:
        click.echo(_findings_text(evaluation, found, tolerance, lang), nl=False)
    if found:
        sys.exit(EXIT_PROBLEMS)


def _findings_text(evaluation: Evaluation, found: tuple[Finding, ...], tolerance: Decimal, lang: Language) -> str:
    from ._analysis.findings import SEVERITY_WORDS

    subject = evaluation.facts.subject or evaluation.facts.file
    total, grade = to_text(evaluation.total), evaluation.grade
    if lang == "en":
        head = f"{subject}: total {total}, grade {grade.label_en or grade.label}; {len(found)} finding{'s' * (len(found) != 1)} (tolerance {to_text(tolerance)})"
    else:
        head = f"{subject}：总分 {total}，等级 {grade.label}；发现 {len(found)} 项问题（容差 {to_text(tolerance)} 分）"
    lines = [head]
    for finding in found:
        severity = finding.severity if lang == "en" else SEVERITY_WORDS[finding.severity]
        about = f"{finding.indicator} " if finding.indicator else ""
        message = finding.message_en if lang == "en" else finding.message
        where = f"  ({finding.location})" if finding.location else ""
        lines.append(f"{severity} {about}{message} [{finding.code}]{where}")
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("spec")
@_LANG
def validate(spec: str, lang: Language) -> None:
    """检查规范并列出全部问题 · Check SPEC and list every problem with its file:line:column."""
    loaded = load_spec(spec)
    leaves = sum(1 for indicator in loaded.walk() if indicator.is_leaf)
    if lang == "en":
        click.echo(f"{loaded.file}: ok: {loaded.id}@{loaded.version}, {leaves} leaves, total {loaded.full_marks}")
    else:
        click.echo(f"{loaded.file}：无误：{loaded.id}@{loaded.version}，末级指标 {leaves} 个，总分 {loaded.full_marks}")


@click.command()
@_TEXT_OR_JSON
@_LANG
def plugins(output_format: str, lang: Language) -> None:
    """列出插件及其登记的内容 · List the plugins, their versions and everything each registers."""
    registry = default_registry()
    registers = {p.plugin: registry.registered_by(p.plugin) for p in registry.plugins}
    registers[BUILTIN] = dict(sorted({**registers[BUILTIN], "commands": sorted(_own_commands())}.items()))
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
            label = what.replace("_", " ") if lang == "en" else KINDS_OF_THING_ZH.get(what, what)
            click.echo(f"  {label}: {', '.join(names)}")
