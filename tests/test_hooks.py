"""The plugin hooks: each documented, each exercised, duplicates refused, loading controlled."""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import re
import sys
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import perfrules
from perfrules import hookspecs
from perfrules._cli import main
from perfrules.exceptions import (
    AlreadyRegisteredError,
    EvaluationError,
    FactsError,
    NotRegisteredError,
    PluginError,
    SpecError,
)
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
        """The built-in plugin implements every hook but the commands' (the command line adds its own):
        perfrules registers its own things like any plugin."""
        from perfrules._plugins import builtins

        assert set(HOOKS) - {"perfrules_register_commands"} == {name for name in HOOKS if hasattr(builtins, name)}


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
            assert ("evaluation", "a") == (problem.code, problem.indicator)
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

    def test_hook_perfrules_register_summary_formats(self) -> None:
        """A registered summary format renders a summary; perfrules' own formats stay beside it."""
        own = registry(plugin("region", summary_formats={"count": lambda s: f"{len(s.units)}\n"}))
        summary = perfrules.summarize([score(spec(), {"facts": {"x": 1}}), score(spec(), {"facts": {"x": 2}})])
        assert "2\n" == perfrules.render_summary(summary, "count", registry=own)
        assert {"count", "html", "json", "table", "xlsx"} == set(own.summary_formats)
        with pytest.raises(NotRegisteredError, match="unknown summary format 'count'"):
            perfrules.render_summary(summary, "count")

    def test_hook_perfrules_register_facts_readers(self, tmp_path: Path) -> None:
        """A registered reader reads files with its suffix, for the spec they are scored with."""

        def read_ini(path: Path, spec: perfrules.Spec) -> perfrules.Facts:
            name, _, value = path.read_text(encoding="utf-8").partition("=")
            return perfrules.load_facts({"subject": spec.name, "facts": {name.strip(): value.strip()}})

        own = registry(plugin("region", facts_readers={"ini": read_ini}))
        source = tmp_path / "unit.ini"
        source.write_text("x = 3\n", encoding="utf-8")
        loaded = perfrules.load_spec(spec("x"), registry=own)
        result = perfrules.evaluate(loaded, source)
        assert ("钩子", Decimal("3.00")) == (result.facts.subject, result.total)
        with pytest.raises(FactsError, match="needs the spec it is for"):
            perfrules.load_facts(tmp_path / "unit.xlsx")  # perfrules' own reader, asked without a spec

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
        result = CliRunner().invoke(main, ["--help"])
        assert 2 == result.exit_code
        assert "command 'score' is registered by both plugin 'perfrules'" in result.stderr
        assert "and plugin 'region'" in result.stderr


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
            registry(plugin("one", grading_scales={"default": perfrules.default_registry().grading_scales["default"]}))


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
        with pytest.raises(PluginError, match="'gamma'"):
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
        assert 3 == len(ran)


def _broken_module() -> types.ModuleType:
    raise ImportError("No module named 'pandas'")


class _FailingEntryPoint(_EntryPoint):
    def load(self) -> types.ModuleType:
        return _broken_module()


class TestBrokenPlugins:
    def test_same_entry_point_name_in_two_distributions(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Two distributions claiming one plugin name is an error naming both, never a silent choice."""
        distributions = [
            _Distribution("perfrules-guangdong", "0.1.0", _EntryPoint("guangdong", plugin("a"))),
            _Distribution("perfrules-guangdong-fork", "9.9", _EntryPoint("guangdong", plugin("b"))),
        ]
        monkeypatch.setattr(importlib.metadata, "distributions", lambda: distributions)
        with pytest.raises(
            AlreadyRegisteredError, match=re.escape("perfrules-guangdong 0.1.0 and perfrules-guangdong-fork 9.9")
        ):
            installed_registry()

    def test_import_error_names_the_plugin(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A plugin that cannot be imported is named, with how to switch it off; the CLI exits 2."""
        distributions = [_Distribution("perfrules-broken", "1.0", _FailingEntryPoint("broken", plugin("x")))]
        monkeypatch.setattr(importlib.metadata, "distributions", lambda: distributions)
        monkeypatch.delenv("PERFRULES_PLUGINS", raising=False)
        monkeypatch.delenv("PERFRULES_DISABLE_PLUGINS", raising=False)
        with pytest.raises(
            PluginError, match=re.escape("'broken' from perfrules-broken 1.0 cannot be loaded: ImportError")
        ):
            installed_registry()
        monkeypatch.setattr("perfrules._cli.default_registry", installed_registry)
        for args in (["--help"], ["plugins"], ["validate", str(SEED_SPEC)]):
            result = CliRunner().invoke(main, args)
            assert 2 == result.exit_code, args
            assert "PERFRULES_DISABLE_PLUGINS=broken" in result.stderr and "Traceback" not in result.stderr

    def test_disabling_the_builtins_is_refused(self, installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
        """The built-ins cannot be switched off."""
        monkeypatch.setenv("PERFRULES_DISABLE_PLUGINS", "perfrules")
        with pytest.raises(PluginError, match="cannot be switched off"):
            installed_registry()

    def test_failing_hook_names_the_plugin(self) -> None:
        """A hook that raises is reported with the plugin's name."""

        class Failing:
            @perfrules.hookimpl
            def perfrules_register_functions(self, register: Any) -> None:
                raise KeyError("config")

        with pytest.raises(PluginError, match="plugin 'Failing' failed in perfrules_register_functions: KeyError"):
            registry(Failing())

    @pytest.mark.parametrize(
        ("hooks", "words"),
        [
            ({"specs": {"t/x@1": "x.yaml"}}, "register a pathlib.Path"),
            ({"specs": {"t/x": {"spec": 1}}}, "'id@version'"),
            ({"functions": {"f": 3}}, "is not callable"),
            ({"functions": {"_hidden": abs}}, "an ASCII identifier not starting with '_'"),
            ({"functions": {"not valid": abs}}, "an ASCII identifier"),
            ({"functions": {"得分": abs}}, "an ASCII identifier"),
            ({"functions": {"lambda": abs}}, "an ASCII identifier"),
            ({"facts_readers": {".xlsx": abs}}, "without the dot"),
            ({"facts_readers": {"yaml": abs}}, "reads YAML and JSON itself"),
            ({"indicator_kinds": {"k": object()}}, "frozensets"),
            ({"grading_scales": {"g": [90, 0]}}, "GradingScale"),
            ({"commands": {"c": print}}, "click.Command"),
        ],
    )
    def test_malformed_registrations(self, hooks: dict[str, Any], words: str) -> None:
        """What a plugin registers is checked when it registers it, naming the plugin."""
        with pytest.raises(PluginError, match=re.escape(words)) as info:
            registry(plugin("region", **hooks))
        assert "plugin 'region'" in str(info.value)

    def test_relative_spec_path_is_refused(self) -> None:
        """A relative path would be read from the user's working directory, so it is refused."""
        from pathlib import Path

        with pytest.raises(PluginError, match="absolute Path"):
            registry(plugin("region", specs={"t/x@1": Path("x.yaml")}))

    def test_kind_that_raises_is_a_located_spec_problem(self) -> None:
        """A kind whose compile raises or returns junk is reported at the indicator, naming the kind."""

        class Raises:
            parameters = required = frozenset()

            def compile(self, parameters: Any, context: Any) -> None:
                raise ZeroDivisionError("oops")

        class Junk(Raises):
            def compile(self, parameters: Any, context: Any) -> str:  # type: ignore[override]
                return "weight"

        own = registry(plugin("region", indicator_kinds={"raises": Raises(), "junk": Junk()}))
        for kind, words in (("raises", "failed: ZeroDivisionError: oops"), ("junk", "not a Rule")):
            with pytest.raises(SpecError) as info:
                perfrules.load_spec(spec().replace('expression: "weight"', f"kind: {kind}"), registry=own)
            [problem] = info.value.problems
            assert ("kind-failed", "a") == (problem.code, problem.indicator)
            assert words in problem.message and "plugin 'region'" in problem.message
            assert problem.location is not None and problem.location.line == 7

    def test_report_format_must_return_text(self) -> None:
        """A format returning something other than text fails naming the plugin."""
        own = registry(plugin("region", report_formats={"none": lambda e: None}))
        with pytest.raises(PluginError, match="report format 'none' from plugin 'region' returned NoneType"):
            perfrules.render(score(spec(), {"facts": {"x": 1}}), "none", registry=own)

    def test_hook_wrappers_are_refused(self) -> None:
        """A wrapper hook would register nothing; it is refused instead."""

        class Wrapping:
            @perfrules.hookimpl(wrapper=True)
            def perfrules_register_functions(self, register: Any) -> Any:
                return (yield)

        with pytest.raises(PluginError, match="hook wrappers are not supported"):
            registry(Wrapping())

    def test_function_result_out_of_range(self) -> None:
        """A plugin function's huge result is refused like any out-of-range number."""
        region = plugin("region", functions={"huge": lambda x: Decimal("1E+100000")})
        with pytest.raises(EvaluationError, match="in range") as info:
            score(spec("huge(x)"), {"facts": {"x": 1}}, region)
        assert [("evaluation", "a")] == [(p.code, p.indicator) for p in info.value.problems]

    def test_environment_read_per_setting(self, installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
        """The default registry follows PERFRULES_PLUGINS as it changes, also through the CLI."""
        monkeypatch.setenv("PERFRULES_PLUGINS", "alpha")
        assert "alpha_f" in perfrules.default_registry().functions
        monkeypatch.setenv("PERFRULES_PLUGINS", "beta")
        assert "alpha_f" not in perfrules.default_registry().functions
        listing = json.loads(CliRunner().invoke(main, ["plugins", "--format", "json"]).stdout)
        assert ["perfrules", "beta"] == [entry["plugin"] for entry in listing]


class TestVersions:
    def test_latest_and_by_year(self) -> None:
        """Without a version: the latest (numbers as numbers), or the latest for a fiscal year."""
        versions = {
            f"test/hooks@{v}": spec().replace('version: "1"', f'version: "{v}"')
            for v in ("9", "10", "2022", "2022.1", "2023")
        }
        own = registry(plugin("region", specs=versions))
        assert "2023" == perfrules.load_spec("test/hooks", registry=own).version
        assert "2022.1" == perfrules.load_spec("test/hooks", registry=own, year=2022).version
        with pytest.raises(perfrules.exceptions.SourceNotFoundError, match="no version for fiscal year 2030"):
            perfrules.load_spec("test/hooks", registry=own, year=2030)

    def test_ties_do_not_depend_on_order(self) -> None:
        """Versions that compare equal as numbers are ordered by their text, whatever the registration order."""
        one = plugin("one", specs={"test/hooks@02022": spec().replace('version: "1"', 'version: "02022"')})
        two = plugin("two", specs={"test/hooks@2022": spec().replace('version: "1"', 'version: "2022"')})
        picks = {
            perfrules.load_spec("test/hooks", registry=registry(*order)).version for order in ((one, two), (two, one))
        }
        assert 1 == len(picks)

    def test_year_needs_an_id_without_version(self) -> None:
        """--year with a spec file or an @VERSION is a usage error."""
        for spec_argument in (str(SEED_SPEC), "guangzhou/department-overall@2022"):
            result = CliRunner().invoke(main, ["score", "--spec", spec_argument, "--year", str(SEED_FACTS)])
            assert 2 == result.exit_code

    def test_spec_scored_with_its_own_registry(self) -> None:
        """Scoring a loaded spec with a different registry is refused rather than mixing rules."""
        loaded = perfrules.load_spec(spec(), registry=registry())
        with pytest.raises(ValueError, match="another registry"):
            perfrules.evaluate(loaded, {"facts": {"x": 1}}, registry=registry())
