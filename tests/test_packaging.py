"""The package as installed and as the README describes it."""

from __future__ import annotations

import re
from importlib import metadata

import pytest

import perfrules
from perfrules._plugins.builtins import shipped_specs_dir

from .conftest import ROOT
from .test_messages import codes_in_source


class TestPackaging:
    def test_version(self) -> None:
        """__version__ is the installed distribution's version."""
        assert metadata.version("perfrules") == perfrules.__version__

    def test_public_names(self) -> None:
        """Everything in __all__ exists."""
        for name in perfrules.__all__:
            assert hasattr(perfrules, name), name

    def test_shipped_specs(self) -> None:
        """The shipped specs folder holds the seed spec, found by id."""
        assert (shipped_specs_dir() / "guangzhou" / "department-overall-2022.yaml").is_file()
        assert "guangzhou/department-overall@2022" in perfrules.default_registry().specs

    def test_ci_runs_the_readme_test_command(self) -> None:
        """.ci/run runs exactly README command 2."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        commands = re.findall(r"^(python3 -m venv .*)$", readme, flags=re.MULTILINE)
        assert 2 == len(commands)
        assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()

    def test_no_float_in_the_source(self) -> None:
        """No module of perfrules calls float()."""
        for path in (ROOT / "src" / "perfrules").rglob("*.py"):
            assert not re.search(r"(?<![_a-zA-Z])float\(", path.read_text(encoding="utf-8")), path.name


class TestErrorCodes:
    def test_every_code_is_documented(self) -> None:
        """Every diagnostic code the source reports is listed, with its meaning, in docs/security.md."""
        used = codes_in_source()
        documented = set(re.findall(r"^\| `([a-z-]+)` \|", (ROOT / "docs" / "security.md").read_text("utf-8"), re.M))
        assert len(used) > 60
        assert set() == used - documented


class TestDocs:
    def blocks(self, name: str, language: str) -> list[str]:
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)

    def test_spec_format_example_loads(self) -> None:
        """The spec in docs/spec-format.md loads, and its facts example reads."""
        yaml_blocks = self.blocks("spec-format.md", "yaml")
        spec = perfrules.load_spec(yaml_blocks[0])
        assert "guangzhou/department-overall" == spec.id
        facts = perfrules.load_facts(next(b for b in yaml_blocks if b.startswith("subject:")))
        assert "优" == (facts.stated.grade if facts.stated else None)

    def test_indicator_examples_load(self) -> None:
        """Every indicator snippet in docs/spec-format.md is valid inside a spec declaring its facts."""
        facts = (
            "facts: {adjustment_rate: {type: number, min: 0}, budget_executed: {type: number, min: 0},"
            " budget_carried_over: {type: number, min: 0}, budget_full_year: {type: number, min: 0},"
            " executed: {type: number, min: 0},"
            " carryover_indicator: {type: text, values: ['2.2.a', '2.2.b']}}\n"
        )
        snippets = [b for b in self.blocks("spec-format.md", "yaml") if b.startswith("- id:")]
        assert len(snippets) >= 4
        for snippet in snippets:
            leaf = "\n".join("  " + line for line in snippet.splitlines())
            spec = perfrules.load_spec(
                "spec: 1\nid: d/b\nversion: '1'\nname: 示例\ngrades: [{min: 0, label: 差}]\n"
                + facts
                + "indicators:\n"
                + leaf
                + "\n"
            )
            assert 1 == len(spec.indicators)

    def test_expression_examples_parse(self) -> None:
        """Every example in docs/expressions.md is in the language."""
        [block] = self.blocks("expressions.md", "text")
        for line in block.splitlines():
            source = line.split("#")[0].strip()
            assert perfrules.Expression.parse(source).source == source

    def test_readme_api_example_runs(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The README's Python example runs from the repository root and gives 95.91 and 优."""
        [block] = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.DOTALL)
        monkeypatch.chdir(ROOT)
        namespace: dict[str, object] = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
        result = namespace["result"]
        assert isinstance(result, perfrules.Evaluation)
        assert ("95.91", "优") == (str(result.total), result.grade.label)

    def test_extends_example_loads(self) -> None:
        """The extends example in docs/spec-format.md loads and does what its comments say."""
        block = next(b for b in self.blocks("spec-format.md", "yaml") if "extends:" in b)
        spec = perfrules.load_spec(block)
        assert "采购需求管理" == spec.indicator("2.5.2").name
        assert "2.6.7" in [c.id for c in spec.indicator("2.6").children]
        assert ("ratio", 100) == (spec.indicator("1.1.3").kind, spec.full_marks)
