"""The plugin hooks: each documented, each exercised, duplicates refused, loading controlled."""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import re
import sys
import types
from decimal import Decimal
from typing import Any

import click
import pytest
from click.testing import CliRunner

import perfrules
from perfrules import hookspecs
from perfrules._cli import main
from perfrules.exceptions import AlreadyRegisteredError, EvaluationError, NotRegisteredError, SpecError
from perfrules.testing import registry, score

from .conftest import ROOT, SEED_FACTS, SEED_SPEC

PLUGINS_DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
HOOKS = sorted(name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("perfrules_"))

SPEC = """\
spec: 1
id: test/hooks
version: "1"
name: 钩子
facts: {x: {type: number}}
indicators:
  - {id: a, name: 甲, weight: 10, expression: "EXPRESSION"}
grades: GRADES
"""


def spec(expression: str = "weight", grades: str = "[{min: 0, label: 差}]") -> str:
    return SPEC.replace("EXPRESSION", expression).replace("GRADES", grades)


def plugin(name: str, **hooks: Any) -> types.ModuleType:
    """A plugin module whose hooks register the given ``{hook suffix: {name: thing}}``."""
    module = types.ModuleType(name)
    for suffix, things in hooks.items():

        def hook(register: Any, things: dict[str, Any] = things) -> None:
            for key, thing in things.items():
                register(key, thing)

        hook.__name__ = f"perfrules_register_{suffix}"
        setattr(module, hook.__name__, perfrules.hookimpl(hook))
    return module


class TestMeta:
    def test_every_hook_is_documented(self) -> None:
        """docs/plugins.md has a heading `name(register)` for every hook."""
        for name in HOOKS:
            assert f"### `{name}(register)`" in PLUGINS_DOC, name

    def test_every_hook_is_tested(self) -> None:
        """This module has a test_hook_<name> for every hook."""
        tests = {name for name in dir(TestHooks) if name.startswith("test_hook_")}
        assert {f"test_hook_{name}" for name in HOOKS} <= tests

    def test_builtins_use_the_hooks(self) -> None:
        """The built-in plugin implements every hook but commands, and nothing else registers the built-ins."""
        from perfrules import _builtins

        implemented = {name for name in HOOKS if hasattr(_builtins, name)}
        assert set(HOOKS) - {"perfrules_register_commands"} == implemented


class TestHooks:
    def test_hook_perfrules_register_specs(self) -> None:
        """A registered spec loads by id, records its plugin, and must match its registered name."""
        own = registry(plugin("region", specs={"test/hooks@1": spec(), "test/other@1": spec()}))
        loaded = perfrules.load_spec("test/hooks", registry=own)
        assert loaded.provider is not None and "region" == loaded.provider.plugin
        with pytest.raises(SpecError) as info:
            perfrules.load_spec("test/other@1", registry=own)
        assert ["spec-name"] == [p.code for p in info.value.problems]

    def test_hook_perfrules_register_functions(self) -> None:
        """A registered function can be called; its failures name the indicator and the plugin."""
        region = plugin(
            "region",
            functions={
                "half": lambda x: x / 2,
                "broken": lambda x: {}["missing"],
                "floaty": lambda x: 0.5,
            },
        )
        assert Decimal("5.00") == score(spec("half(weight)"), {"facts": {"x": 1}}, region).total
        for name, words in (("broken", "KeyError"), ("floaty", "returned 0.5")):
            with pytest.raises(EvaluationError) as info:
                score(spec(f"{name}(x)"), {"facts": {"x": 1}}, region)
            [problem] = info.value.problems
            assert "a" == problem.indicator
            assert words in problem.message and "plugin 'region'" in problem.message

    def test_hook_perfrules_register_indicator_kinds(self) -> None:
        """A registered kind compiles its parameters into an expression."""

        class Fixed:
            parameters = frozenset({"points"})
            required = parameters

            def compile(self, parameters: Any, context: Any) -> perfrules.Rule:
                text = str(parameters["points"])
                return perfrules.Rule(perfrules.Expression.parse(text), f"固定 {text} 分", f"always {text}")

        text = spec().replace('expression: "weight"', "kind: fixed, points: 7")
        assert (
            Decimal("7.00")
            == score(text, {"facts": {"x": 1}}, plugin("region", indicator_kinds={"fixed": Fixed()})).total
        )

    def test_hook_perfrules_register_grading_scales(self) -> None:
        """A spec names a registered scale with `grades: name`."""
        scale = perfrules.GradingScale([perfrules.GradeBand(Decimal(5), "过"), perfrules.GradeBand(Decimal(0), "不过")])
        result = score(
            spec(grades="pass-fail"), {"facts": {"x": 1}}, plugin("region", grading_scales={"pass-fail": scale})
        )
        assert "过" == result.grade.label
        assert result.provenance is not None and result.provenance.grades is not None
        assert "region" == result.provenance.grades.plugin

    def test_hook_perfrules_register_report_formats(self) -> None:
        """A registered format renders an evaluation."""
        own = registry(plugin("region", report_formats={"total": lambda e: f"{e.total}\n"}))
        result = score(spec(), {"facts": {"x": 1}})
        assert "10.00\n" == perfrules.render(result, "total", registry=own)

    def test_hook_perfrules_register_commands(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A registered command runs as `perfrules NAME`; perfrules' own names are taken."""

        @click.command()
        def hello() -> None:
            click.echo("你好")

        monkeypatch.setattr(
            "perfrules._cli.default_registry", lambda: registry(plugin("region", commands={"hello": hello}))
        )
        assert "你好\n" == CliRunner().invoke(main, ["hello"]).stdout
        assert "hello" in CliRunner().invoke(main, ["--help"]).stdout

        monkeypatch.setattr(
            "perfrules._cli.default_registry", lambda: registry(plugin("region", commands={"score": hello}))
        )
        result = CliRunner().invoke(main, ["hello"])
        assert 1 == result.exit_code
        assert "command 'score' is registered by both plugin 'perfrules' and plugin 'region'" in result.stderr


class TestDuplicates:
    def test_two_plugins_one_name(self) -> None:
        """Two plugins registering one name fail, naming both."""
        with pytest.raises(
            AlreadyRegisteredError, match="function 'f' is registered by both plugin 'one' and plugin 'two'"
        ):
            registry(plugin("one", functions={"f": abs}), plugin("two", functions={"f": abs}))

    def test_spec_id_and_version_twice(self) -> None:
        """The same spec id and version from two plugins is refused."""
        with pytest.raises(AlreadyRegisteredError, match="spec 'test/hooks@1'"):
            registry(plugin("one", specs={"test/hooks@1": spec()}), plugin("two", specs={"test/hooks@1": spec()}))

    def test_builtin_name(self) -> None:
        """A plugin cannot take a built-in's name."""
        with pytest.raises(AlreadyRegisteredError, match="plugin 'perfrules'"):
            registry(plugin("one", indicator_kinds={"bands": object()}))


class _EntryPoint:
    group = "perfrules"

    def __init__(self, name: str, module: types.ModuleType) -> None:
        self.name = name
        self._module = module

    def load(self) -> types.ModuleType:
        return self._module


class _Distribution:
    def __init__(self, name: str, version: str, entry_point: _EntryPoint) -> None:
        self.metadata = {"Name": name}
        self.version = version
        self.entry_points = [entry_point]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two installed plugins, alpha and beta, and nothing else."""
    distributions = [
        _Distribution("perfrules-alpha", "1.0", _EntryPoint("alpha", plugin("alpha", functions={"alpha_f": abs}))),
        _Distribution("perfrules-beta", "2.1", _EntryPoint("beta", plugin("beta", functions={"beta_f": abs}))),
    ]
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: distributions)
    monkeypatch.delenv("PERFRULES_PLUGINS", raising=False)
    monkeypatch.delenv("PERFRULES_DISABLE_PLUGINS", raising=False)


def installed_registry() -> perfrules.Registry:
    return perfrules.Registry.from_plugin_manager(perfrules.plugin_manager())


@pytest.mark.usefixtures("installed")
class TestLoading:
    def test_entry_points_load_with_their_distributions(self) -> None:
        """Installed plugins load automatically and are recorded with distribution and version."""
        own = installed_registry()
        provider = own.provider("functions", "beta_f")
        assert provider is not None and ("beta", "perfrules-beta", "2.1") == (
            provider.plugin,
            provider.distribution,
            provider.version,
        )
        assert {"perfrules", "alpha", "beta"} == {p.plugin for p in own.plugins}

    def test_disable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """PERFRULES_DISABLE_PLUGINS switches named plugins off."""
        monkeypatch.setenv("PERFRULES_DISABLE_PLUGINS", "alpha, nobody")
        own = installed_registry()
        assert "alpha_f" not in own.functions and "beta_f" in own.functions

    def test_allow_list(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """PERFRULES_PLUGINS loads only the plugins it names, and the built-ins."""
        monkeypatch.setenv("PERFRULES_PLUGINS", "beta")
        own = installed_registry()
        assert "alpha_f" not in own.functions and {"beta_f", "min"} <= set(own.functions)

    def test_allow_list_names_a_missing_plugin(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An allow-listed plugin that is not installed stops perfrules."""
        monkeypatch.setenv("PERFRULES_PLUGINS", "beta,gamma")
        with pytest.raises(NotRegisteredError, match="'gamma'"):
            installed_registry()

    def test_empty_allow_list_loads_none(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """PERFRULES_PLUGINS set but empty loads the built-ins only."""
        monkeypatch.setenv("PERFRULES_PLUGINS", "")
        assert {"perfrules"} == {p.plugin for p in installed_registry().plugins}

    def test_plugins_command(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """`perfrules plugins` lists each plugin, its version and what it registers."""
        monkeypatch.setattr("perfrules._cli.default_registry", installed_registry)
        text = CliRunner().invoke(main, ["plugins"]).stdout
        assert "beta (perfrules-beta 2.1)\n  functions: beta_f" in text
        listing = json.loads(CliRunner().invoke(main, ["plugins", "--format", "json"]).stdout)
        assert {"functions": ["alpha_f"]} == next(p for p in listing if p["plugin"] == "alpha")["registers"]


class TestProvenance:
    def test_json_names_every_supplier(self) -> None:
        """The JSON result says where the spec, kinds, functions and scale came from."""
        data = json.loads(perfrules.render(perfrules.evaluate("guangzhou/department-overall@2022", SEED_FACTS), "json"))
        provenance = data["provenance"]
        assert "perfrules" == provenance["spec"]["plugin"]
        assert {"expression", "self_assessed"} == set(provenance["kinds"])
        assert {"min"} == set(provenance["functions"])
        assert provenance["grades"] is None  # the spec lists its own bands
        assert str(SEED_SPEC).endswith(provenance["spec_file"].split("specs/", 1)[1])


class TestTutorial:
    def test_docs_plugin_runs(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The tutorial's plugin module and its tests, from docs/plugins.md, run and pass."""
        blocks = re.findall(r"```python\n(.*?)```", PLUGINS_DOC, flags=re.DOTALL)
        assert 2 == len(blocks)
        module = types.ModuleType("perfrules_example")
        exec(compile(blocks[0], "docs/plugins.md", "exec"), module.__dict__)  # noqa: S102 - our own documentation
        monkeypatch.setitem(sys.modules, "perfrules_example", module)
        tests: dict[str, Any] = {}
        exec(compile(blocks[1], "docs/plugins.md", "exec"), tests)  # noqa: S102
        ran = [name for name in tests if name.startswith("test_")]
        for name in ran:
            tests[name]()
        assert 2 == len(ran)
