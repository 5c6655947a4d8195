"""The plugin manager and the registry of everything plugins provide.

With `hookspecs`, the only modules that import pluggy.
"""

from __future__ import annotations

import functools
import importlib.metadata
import keyword
import os
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy
from attrs import frozen

from .. import hookspecs
from .._diagnostics import did_you_mean
from .._document import is_text
from .._lang import Language
from .._numbers import in_range
from .._spec.grading import GradingScale
from ..exceptions import AlreadyRegisteredError, FunctionFailure, NotRegisteredError, PerfrulesError, PluginError

if TYPE_CHECKING:
    import click

    from .._analysis.summary import Summary
    from .._document import Source
    from .._engine.results import Evaluation
    from .._inputs.facts import Facts
    from .._rules.kinds import IndicatorKind
    from .._spec.model import Spec

ENTRY_POINT_GROUP = "perfrules"
BUILTIN = "perfrules"
DISABLE_VARIABLE = "PERFRULES_DISABLE_PLUGINS"
ALLOW_VARIABLE = "PERFRULES_PLUGINS"

T = TypeVar("T")

_SINGULAR = {
    "specs": "spec",
    "functions": "function",
    "indicator_kinds": "indicator kind",
    "grading_scales": "grading scale",
    "report_formats": "report format",
    "summary_formats": "summary format",
    "facts_readers": "facts reader",
    "commands": "command",
}
KINDS_OF_THING_ZH = {
    "specs": "规范",
    "functions": "函数",
    "indicator_kinds": "计分类型",
    "grading_scales": "等级标准",
    "report_formats": "报告格式",
    "summary_formats": "汇总格式",
    "facts_readers": "填报数据读取器",
    "commands": "命令",
}
"""What a plugin registers, in Chinese (one word for one thing or many)."""


class _Manager(pluggy.PluginManager):
    """A pluggy manager that remembers the distribution each installed plugin came from."""

    def __init__(self) -> None:
        super().__init__(ENTRY_POINT_GROUP)
        self.distributions: dict[int, importlib.metadata.Distribution] = {}

    def list_plugin_distributions(self) -> list[tuple[object, importlib.metadata.Distribution]]:
        return [
            (plugin, self.distributions[id(plugin)])
            for plugin in self.get_plugins()
            if id(plugin) in self.distributions
        ]


def new_plugin_manager(builtins: object, *plugins: object, load_entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager holding *builtins* (registered as ``perfrules``), the installed plugins and *plugins*.

    The composition root (`perfrules.plugin_manager`) passes perfrules' own plugin as *builtins*;
    this module knows only the hook specifications.
    """
    manager = _Manager()
    manager.add_hookspecs(hookspecs)
    manager.register(builtins, name=BUILTIN)
    if load_entry_points:
        _load_entry_points(manager)
    for plugin in plugins:
        if not manager.is_registered(plugin):
            name = getattr(plugin, "__name__", None) or type(plugin).__name__
            _register(manager, plugin, name if not manager.has_plugin(name) else f"{name}-{id(plugin)}", None)
    try:
        manager.check_pending()  # a misspelt hook name fails here, not silently
    except pluggy.PluginValidationError as e:
        msg = f"{_describe(manager, e.plugin)}: {e}"
        raise PluginError(msg, message_zh=f"{_describe(manager, e.plugin, 'zh')} 不符合钩子规范：{e}") from None
    return manager


def _load_entry_points(manager: _Manager) -> None:
    disabled = _names(DISABLE_VARIABLE)
    if BUILTIN in disabled:
        msg = f"{DISABLE_VARIABLE} names {BUILTIN!r}: perfrules' built-ins cannot be switched off"
        raise PluginError(msg, message_zh=f"{DISABLE_VARIABLE} 中写了 {BUILTIN!r}：perfrules 的内置功能不能停用")
    allowed = _names(ALLOW_VARIABLE) if ALLOW_VARIABLE in os.environ else None
    found: dict[str, tuple[importlib.metadata.EntryPoint, importlib.metadata.Distribution]] = {}
    for entry_point, distribution in _entry_points():
        if entry_point.name in found:
            other = found[entry_point.name][1]
            if other.metadata["Name"] != distribution.metadata["Name"]:
                msg = (
                    f"plugin name {entry_point.name!r} is claimed by both {_shipped(other)} and {_shipped(distribution)};"
                    " uninstall one"
                )
                zh = (
                    f"插件名 {entry_point.name!r} 同时被 {_shipped(other)} 和 {_shipped(distribution)} 使用；请卸载其一"
                )
                raise AlreadyRegisteredError(msg, message_zh=zh)
            continue
        found[entry_point.name] = (entry_point, distribution)
    for name in allowed or ():
        if name not in found or name in disabled:
            msg = f"plugin {name!r} named in {ALLOW_VARIABLE} is not installed or is disabled"
            raise PluginError(msg, message_zh=f"{ALLOW_VARIABLE} 中的插件 {name!r} 未安装或已停用")
    for name, (entry_point, distribution) in sorted(found.items()):
        if name in disabled or (allowed is not None and name not in allowed):
            continue
        try:
            plugin = entry_point.load()
        except MemoryError:  # not the plugin's fault: the process is out of memory
            raise
        except Exception as e:
            msg = (
                f"plugin {name!r} from {_shipped(distribution)} cannot be loaded: {type(e).__name__}: {e}{_hint(name)}"
            )
            zh = f"无法加载来自 {_shipped(distribution)} 的插件 {name!r}：{type(e).__name__}: {e}{_hint(name, 'zh')}"
            raise PluginError(msg, message_zh=zh) from e
        if manager.is_registered(plugin):
            msg = f"plugin {name!r} loads the same module as plugin {manager.get_name(plugin)!r}"
            zh = f"插件 {name!r} 与插件 {manager.get_name(plugin)!r} 加载的是同一模块"
            raise AlreadyRegisteredError(msg, message_zh=zh)
        _register(manager, plugin, name, distribution)


def _entry_points() -> Iterator[tuple[importlib.metadata.EntryPoint, importlib.metadata.Distribution]]:
    for distribution in importlib.metadata.distributions():
        for entry_point in distribution.entry_points:
            if entry_point.group == ENTRY_POINT_GROUP:
                yield entry_point, distribution


def _register(
    manager: _Manager, plugin: object, name: str, distribution: importlib.metadata.Distribution | None
) -> None:
    try:
        manager.register(plugin, name=name)
    except pluggy.PluginValidationError as e:
        shipped = f" from {_shipped(distribution)}" if distribution else ""
        msg = f"plugin {name!r}{shipped} does not follow the hook specifications: {e}{_hint(name)}"
        shipped_zh = f"（来自 {_shipped(distribution)}）" if distribution else ""
        zh = f"插件 {name!r}{shipped_zh} 不符合钩子规范：{e}{_hint(name, 'zh')}"
        raise PluginError(msg, message_zh=zh) from None
    if distribution is not None:
        manager.distributions[id(plugin)] = distribution


def _names(variable: str) -> list[str]:
    return [name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()]


def _shipped(distribution: importlib.metadata.Distribution) -> str:
    return f"{distribution.metadata['Name']} {distribution.version}"


def _hint(name: str, lang: Language = "en") -> str:
    if lang == "zh":
        return f"（可设置 {DISABLE_VARIABLE}={name} 停用它）"
    return f" (switch it off with {DISABLE_VARIABLE}={name})"


def _describe(manager: pluggy.PluginManager, plugin: object, lang: Language = "en") -> str:
    name = manager.get_name(plugin) or repr(plugin)
    return f"插件 {name!r}" if lang == "zh" else f"plugin {name!r}"


@frozen
class Provider:
    """The plugin that registered something, and the distribution that ships it.

    Attributes:
        plugin: The plugin's name (its entry-point name; ``perfrules`` for the built-ins).
        distribution: The installed distribution's name, if it came from one.
        version: That distribution's version.
    """

    plugin: str
    distribution: str | None = None
    version: str | None = None

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: Language = "en") -> str:
        """``plugin 'x' (perfrules-x 1.0)``, or in Chinese ``插件 'x'（perfrules-x 1.0）``."""
        if lang == "zh":
            return f"插件 {self.plugin!r}" + (f"（{self.distribution} {self.version}）" if self.distribution else "")
        return f"plugin {self.plugin!r}" + (f" ({self.distribution} {self.version})" if self.distribution else "")


@frozen
class Registry:
    """Everything the plugins registered, by name, and who registered it; read-only.

    Attributes:
        specs: Spec sources by ``id@version``.
        functions: Expression functions by name, guarded (see `perfrules_register_functions`).
        indicator_kinds: Indicator kinds by name.
        grading_scales: Grading scales by name.
        report_formats: Report renderers by name.
        summary_formats: Renderers of summaries across units by name.
        facts_readers: Readers of facts files by suffix (``xlsx``), each failing only with perfrules errors.
        commands: Command-line commands by name, perfrules' own included.
        providers: The `Provider` of each registration, by ``(what, name)``
            where *what* is one of the attribute names above.
        plugins: Every plugin's `Provider`, including those that registered nothing.
    """

    specs: Mapping[str, Source]
    functions: Mapping[str, Callable[..., Any]]
    indicator_kinds: Mapping[str, IndicatorKind]
    grading_scales: Mapping[str, GradingScale]
    report_formats: Mapping[str, Callable[[Evaluation], str | bytes]]
    summary_formats: Mapping[str, Callable[[Summary], str | bytes]]
    facts_readers: Mapping[str, Callable[[Path, Spec], Facts]]
    commands: Mapping[str, click.Command]
    providers: Mapping[tuple[str, str], Provider]
    plugins: tuple[Provider, ...] = ()

    @classmethod
    def from_plugin_manager(cls, manager: pluggy.PluginManager) -> Registry:
        """Collect every plugin's registrations.

        Raises:
            AlreadyRegisteredError: a name is registered twice, naming both plugins.
            PluginError: a plugin's hook failed or registered something malformed.
        """
        plugins = _providers(manager)
        providers: dict[tuple[str, str], Provider] = {}
        hook = manager.hook

        def collect(what: str, caller: Any, check: Callable[[str, Any], tuple[str, str] | None]) -> dict[str, Any]:
            return _collect(caller, what, plugins, providers, check)

        functions = collect("functions", hook.perfrules_register_functions, _check_function)
        formats = collect("report_formats", hook.perfrules_register_report_formats, _check_callable)
        summary_formats = collect("summary_formats", hook.perfrules_register_summary_formats, _check_callable)
        readers = collect("facts_readers", hook.perfrules_register_facts_readers, _check_suffix)
        return cls(
            specs=MappingProxyType(collect("specs", hook.perfrules_register_specs, _check_spec)),
            functions=MappingProxyType(
                {name: _guarded(name, f, providers["functions", name]) for name, f in functions.items()}
            ),
            indicator_kinds=MappingProxyType(
                collect("indicator_kinds", hook.perfrules_register_indicator_kinds, _check_kind)
            ),
            grading_scales=MappingProxyType(
                collect("grading_scales", hook.perfrules_register_grading_scales, _check_scale)
            ),
            report_formats=MappingProxyType(
                {name: _checked_format(name, f, providers["report_formats", name]) for name, f in formats.items()}
            ),
            summary_formats=MappingProxyType(
                {
                    name: _checked_format(name, f, providers["summary_formats", name], "summary_formats")
                    for name, f in summary_formats.items()
                }
            ),
            facts_readers=MappingProxyType(
                {name: _checked_reader(name, f, providers["facts_readers", name]) for name, f in readers.items()}
            ),
            commands=MappingProxyType(collect("commands", hook.perfrules_register_commands, _check_command)),
            providers=MappingProxyType(providers),
            plugins=tuple(plugins.values()),
        )

    def provider(self, what: str, name: str) -> Provider | None:
        """Who registered *name* among *what* (``"functions"``, ``"specs"``, ...)."""
        return self.providers.get((what, name))

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """What *plugin* registered, as ``{what: [names]}``, sorted."""
        found: dict[str, list[str]] = {}
        for (what, name), provider in sorted(self.providers.items()):
            if provider.plugin == plugin:
                found.setdefault(what, []).append(name)
        return found

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(getattr(self, name))}" for name in _SINGULAR)
        return f"<perfrules.Registry({counts})>"


def _providers(manager: pluggy.PluginManager) -> dict[int, Provider]:
    """Every registered plugin's `Provider`, by the plugin object's id."""
    distributions = {id(plugin): dist for plugin, dist in manager.list_plugin_distributions()}
    found = {}
    for name, plugin in manager.list_name_plugin():
        if plugin is None:  # blocked
            continue
        if name == BUILTIN:
            found[id(plugin)] = Provider(BUILTIN, "perfrules", _version("perfrules"))
        elif id(plugin) in distributions:
            dist = distributions[id(plugin)]
            found[id(plugin)] = Provider(name, dist.metadata["Name"], dist.version)
        else:
            found[id(plugin)] = Provider(name)
    return found


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _collect(
    hook: Any,
    what: str,
    plugins: Mapping[int, Provider],
    providers: dict[tuple[str, str], Provider],
    check: Callable[[str, Any], tuple[str, str] | None],
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    # One call per plugin, so a problem can name the plugin, and a duplicate both plugins.
    for impl in hook.get_hookimpls():
        provider = plugins.get(id(impl.plugin), Provider(impl.plugin_name))
        if impl.wrapper or impl.hookwrapper:
            msg = f"{provider}: hook wrappers are not supported ({hook.name})"
            raise PluginError(msg, message_zh=f"{provider.text('zh')}：不支持钩子包装器（{hook.name}）")

        def register(name: str, thing: Any, provider: Provider = provider) -> None:
            unnamed = ("names are non-empty text", "名称应为非空文字")
            problem = unnamed if not isinstance(name, str) or not name else check(name, thing)
            if problem:
                msg = f"{provider} registered {_SINGULAR[what]} {name!r:.80}: {problem[0]}"
                zh = f"{provider.text('zh')} 登记的{KINDS_OF_THING_ZH[what]} {name!r:.80} 有误：{problem[1]}"
                raise PluginError(msg, message_zh=zh)
            if name in found:
                first = providers[what, name]
                msg = f"{_SINGULAR[what]} {name!r} is registered by both {first} and {provider}"
                zh = f"{KINDS_OF_THING_ZH[what]} {name!r} 被 {first.text('zh')} 和 {provider.text('zh')} 重复登记"
                raise AlreadyRegisteredError(msg, message_zh=zh)
            found[name] = thing
            providers[what, name] = provider

        try:
            impl.function(register=register)
        except PerfrulesError:
            raise
        except Exception as e:
            hint = _hint(provider.plugin) if provider.distribution and provider.plugin != BUILTIN else ""
            msg = f"{provider} failed in {hook.name}: {type(e).__name__}: {e}{hint}"
            hint_zh = _hint(provider.plugin, "zh") if hint else ""
            zh = f"{provider.text('zh')} 在 {hook.name} 中出错：{type(e).__name__}: {e}{hint_zh}"
            raise PluginError(msg, message_zh=zh) from e
    return found


def _check_spec(name: str, source: Any) -> tuple[str, str] | None:
    spec_id, at, version = name.partition("@")
    if not (spec_id and at and version):
        return "spec names are 'id@version'", "规范名称应写作 'id@version'"
    if isinstance(source, Path):
        if source.is_absolute():
            return None
        return (
            "register an absolute Path (e.g. Path(__file__).parent / ...)",
            "请登记绝对路径（如 Path(__file__).parent / ...）",
        )
    if isinstance(source, Mapping) or is_text(source):
        return None
    return "register a pathlib.Path, the YAML text or a mapping", "请登记 pathlib.Path、YAML 文本或映射"


def _check_callable(name: str, thing: Any) -> tuple[str, str] | None:
    return None if callable(thing) else (f"{thing!r:.80} is not callable", f"{thing!r:.80} 不可调用")


def _check_function(name: str, thing: Any) -> tuple[str, str] | None:
    if not (name.isascii() and name.isidentifier()) or keyword.iskeyword(name) or name.startswith("_"):
        return (
            "a function name is an ASCII identifier not starting with '_', as expressions spell it",
            "函数名应为不以 '_' 开头的 ASCII 标识符，与公式中的写法一致",
        )
    return _check_callable(name, thing)


def _check_suffix(name: str, thing: Any) -> tuple[str, str] | None:
    if not re.fullmatch(r"[a-z0-9]+", name):
        return (
            "a facts reader is registered by its file suffix in lower case, without the dot (e.g. 'xlsx')",
            "填报数据读取器按小写、不带点的文件后缀登记（如 'xlsx'）",
        )
    if name in ("yaml", "yml", "json"):
        return "perfrules reads YAML and JSON itself", "perfrules 自己读取 YAML 和 JSON"
    return _check_callable(name, thing)


def _check_kind(name: str, kind: Any) -> tuple[str, str] | None:
    if not (
        isinstance(getattr(kind, "parameters", None), frozenset)
        and isinstance(getattr(kind, "required", None), frozenset)
    ):
        return (
            "a kind needs frozensets 'parameters' and 'required'",
            "计分类型须有 frozenset 'parameters' 和 'required'",
        )
    if not callable(getattr(kind, "compile", None)):
        return "a kind needs a compile(parameters, context) method", "计分类型须有 compile(parameters, context) 方法"
    if not kind.required <= kind.parameters:
        return "'required' must be a subset of 'parameters'", "'required' 应为 'parameters' 的子集"
    return None


def _check_scale(name: str, scale: Any) -> tuple[str, str] | None:
    if isinstance(scale, GradingScale):
        return None
    return "a grading scale is a perfrules.GradingScale", "等级标准应为 perfrules.GradingScale"


def _check_command(name: str, command: Any) -> tuple[str, str] | None:
    import click

    return None if isinstance(command, click.Command) else ("a command is a click.Command", "命令应为 click.Command")


def _guarded(name: str, function: Callable[..., Any], provider: Provider) -> Callable[..., Any]:
    """*function*, failing only with `FunctionFailure`, and only ever returning a Decimal in range or a bool."""
    origin = "" if provider.plugin == BUILTIN else f" (function from {provider})"
    origin_zh = "" if provider.plugin == BUILTIN else f"（函数来自{provider.text('zh')}）"

    @functools.wraps(function)
    def call(*args: Any) -> Decimal | bool:
        try:
            result = function(*args)
        except PerfrulesError:  # already says what is wrong, in the rule's words
            raise
        except Exception as e:
            msg = f"{name}() failed: {type(e).__name__}: {e}{origin}"
            raise FunctionFailure(msg, message_zh=f"函数 {name}() 出错：{type(e).__name__}: {e}{origin_zh}") from e
        # A zero is in range whatever its exponent: products of decimals give 0E-32 as readily as 0.
        if isinstance(result, bool) or (isinstance(result, Decimal) and (in_range(result) or result.is_zero())):
            return result
        msg = f"{name}() returned {result!r:.80}; functions return a Decimal (in range) or a bool{origin}"
        zh = f"函数 {name}() 返回了 {result!r:.80}；函数应返回范围内的 Decimal 或 bool{origin_zh}"
        raise FunctionFailure(msg, message_zh=zh)

    return call


def _checked_format(
    name: str, render: Callable[[Any], object], provider: Provider, what: str = "report_formats"
) -> Callable[[Any], str | bytes]:
    """*render*, failing only with perfrules errors, and only ever returning text or bytes."""

    what_zh, what = KINDS_OF_THING_ZH[what], _SINGULAR[what]

    @functools.wraps(render)
    def call(subject: Any) -> str | bytes:
        try:
            report = render(subject)
        except PerfrulesError:
            raise
        except Exception as e:
            msg = f"{what} {name!r} from {provider} failed: {type(e).__name__}: {e}"
            zh = f"来自{provider.text('zh')}的{what_zh} {name!r} 出错：{type(e).__name__}: {e}"
            raise PluginError(msg, message_zh=zh) from e
        if not isinstance(report, (str, bytes)):
            msg = f"{what} {name!r} from {provider} returned {type(report).__name__}, not text or bytes"
            zh = f"来自{provider.text('zh')}的{what_zh} {name!r} 返回了 {type(report).__name__}，而不是文本或字节"
            raise PluginError(msg, message_zh=zh)
        return report

    return call


def _checked_reader(
    name: str, read: Callable[[Path, Spec], Facts], provider: Provider
) -> Callable[[Path, Spec], Facts]:
    """*read*, failing only with perfrules errors (`perfrules.load_facts` checks what it returns)."""

    @functools.wraps(read)
    def call(path: Path, spec: Spec) -> Facts:
        try:
            return read(path, spec)
        except PerfrulesError:
            raise
        except Exception as e:
            msg = f"facts reader {name!r} from {provider} failed on {path}: {type(e).__name__}: {e}"
            zh = f"来自{provider.text('zh')}的填报数据读取器 {name!r} 读取 {path} 时出错：{type(e).__name__}: {e}"
            raise PluginError(msg, message_zh=zh) from e

    return call


def lookup(entries: Mapping[str, T], what: str, name: str) -> T:
    """Return ``entries[name]`` or raise `NotRegisteredError` with a suggestion; *what* is the registry's field
    (``"report_formats"``)."""
    what_zh, what = KINDS_OF_THING_ZH[what], _SINGULAR[what]
    if not isinstance(name, str):  # callers without type checking
        msg = f"{what} names are text, not {name!r:.40}"  # type: ignore[unreachable]
        raise NotRegisteredError(msg, message_zh=f"{what_zh}的名称应为文字，现为 {name!r:.40}")
    try:
        return entries[name]
    except KeyError:
        known = ", ".join(sorted(entries))
        msg = f"unknown {what} {name!r}{did_you_mean(name, entries)}; known: {known or 'none'}"
        zh = f"无法识别的{what_zh} {name!r}{did_you_mean(name, entries, 'zh')}；可用：{known or '无'}"
        raise NotRegisteredError(msg, message_zh=zh) from None
