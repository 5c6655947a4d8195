"""The shape of the code: which module may import which, and what scoring a form imports."""

from __future__ import annotations

import ast
import builtins
import json
import subprocess
import sys
from pathlib import Path

import pytest

import perfrules

from .conftest import ROOT, SEED_FACTS, SEED_SPEC

PACKAGE = ROOT / "src" / "perfrules"

# The spec layer and the engine (with what they stand on): what loading a spec and scoring a form needs.
CORE = ("_spec", "_rules", "_inputs", "_engine", "_plugins", "_diagnostics", "_document", "_numbers", "_lang",
        "_slips", "_unicode", "_yaml", "exceptions", "hookspecs")  # fmt: skip
# Above them: results read and written, the command line, and the composition root that joins it all.
OUTER = (
    "_analysis",
    "_forms",
    "_reports",
    "_plugins.builtins",
    "_api",
    "_batch",
    "_cli",
    "_worker",
    "sandbox",
    "testing",
)
HEAVY = ("click", "rich", "openpyxl", "xlsxwriter", "weasyprint")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("perfrules", *parts)).removesuffix(".__init__")


def imports(path: Path, modules: set[str]) -> set[str]:
    """The perfrules modules *path* imports when it runs, wherever the import statement is
    (functions included), leaving out imports under ``if TYPE_CHECKING:``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for statement in child.orelse:
                    visit(statement)
            elif isinstance(child, ast.ImportFrom):
                base = package
                for _ in range(max(child.level - 1, 0)):
                    base = base.rpartition(".")[0]
                target = (f"{base}.{child.module}" if child.module else base) if child.level else child.module or ""
                for alias in child.names:
                    submodule = f"{target}.{alias.name}"
                    found.add(submodule if submodule in modules else target)
            elif isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            else:
                visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found & modules - {name}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: imports(path, set(paths)) for name, path in paths.items()}


def short(name: str) -> str:
    return name.removeprefix("perfrules.")


def layer(name: str) -> str | None:
    """``core`` or ``outer`` for a module of perfrules, None for the package itself."""
    for which, prefixes in (("outer", OUTER), ("core", CORE)):  # _plugins.builtins is outer, the rest of _plugins core
        if any(short(name) == p or short(name).startswith(f"{p}.") for p in prefixes):
            return which
    return None


class TestImportGraph:
    def test_graph_is_read(self) -> None:
        """The graph sees relative, absolute and in-function imports (a check of the check)."""
        graph = import_graph()
        assert "perfrules._numbers" in graph["perfrules._engine.scoring"]
        assert "perfrules._engine.plan" in graph["perfrules._engine.scoring"]
        assert "perfrules._plugins.builtins" in graph["perfrules._api"]
        assert "perfrules._forms.xlsx" in graph["perfrules._api"]  # imported inside template()
        assert "perfrules._engine.results" not in graph["perfrules._plugins.registry"]  # only under TYPE_CHECKING

    def test_no_cycles(self) -> None:
        """No module imports itself by way of others: each layer is built on the ones below it."""
        graph = import_graph()
        cycles = []
        for start in sorted(graph):
            seen, stack = set(), [(start, (start,))]
            while stack:
                node, path = stack.pop()
                for target in sorted(graph[node]):
                    if target == start:
                        cycles.append(" → ".join(map(short, (*path, start))))
                    elif target not in seen:
                        seen.add(target)
                        stack.append((target, (*path, target)))
        assert [] == cycles

    def test_core_never_imports_the_outer_layers(self) -> None:
        """The spec layer and the engine import no report, workbook, command line or composition root."""
        graph = import_graph()
        assert [] == [name for name in graph if layer(name) is None and name != "perfrules"]
        wrong = sorted(
            f"{short(name)} → {short(target)}"
            for name, targets in graph.items()
            if layer(name) == "core"
            for target in targets
            if layer(target) != "core"
        )
        assert [] == wrong

    def test_each_family_is_a_package(self) -> None:
        """The pipeline's families are subpackages, each module in the one named after its concept."""
        families = {path.parent.name for path in PACKAGE.rglob("*.py") if path.parent != PACKAGE}
        assert {"_spec", "_rules", "_inputs", "_engine", "_analysis", "_forms", "_reports", "_plugins"} == families


class TestImports:
    def test_scoring_a_form_imports_nothing_heavy(self) -> None:
        """`import perfrules; load_spec; evaluate` imports no CLI, terminal, workbook or PDF library."""
        script = (
            "import json, sys, perfrules\n"
            f"spec = perfrules.load_spec({str(SEED_SPEC)!r})\n"
            f"perfrules.evaluate(spec, {str(SEED_FACTS)!r})\n"
            f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))\n"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)  # noqa: S603
        assert [] == json.loads(done.stdout)

    def test_the_score_command_builds_only_what_it_prints(self) -> None:
        """`perfrules score` to the terminal imports no workbook or PDF library, no findings, summaries, official
        layouts or spec writer: each costs the cold start of every command run."""
        unused = (
            "openpyxl",
            "xlsxwriter",
            "weasyprint",
            "perfrules._analysis.findings",
            "perfrules._analysis.summary",
            "perfrules._forms.layout",
            "perfrules._spec.writer",
        )
        script = (
            "import json, sys\n"
            "from perfrules._cli import main\n"
            f"sys.argv = ['perfrules', 'score', {str(SEED_SPEC)!r}, {str(SEED_FACTS)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps([name for name in {unused!r} if name in sys.modules]), file=sys.stderr)\n"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)  # noqa: S603
        assert "95.91" in done.stdout and [] == json.loads(done.stderr)

    def test_names_imported_at_first_use(self) -> None:
        """The public names imported at first use are there, in ``dir()``, and an unknown one is an AttributeError."""
        from perfrules import Summary, dump_spec  # the import is what is tested

        assert perfrules.summarize.__module__ == Summary.__module__ == "perfrules._analysis.summary"
        assert callable(dump_spec) and {"Finding", "findings", "summarize"} <= set(dir(perfrules))
        with pytest.raises(AttributeError, match="no attribute 'summarise'"):
            perfrules.summarise  # noqa: B018

    @pytest.mark.parametrize(("format", "library"), [("table", "rich"), ("xlsx", "xlsxwriter")])
    def test_a_format_imports_its_library_when_used(self, format: str, library: str) -> None:
        """A report format's library is imported when the format is first used, not before (a check of the check)."""
        script = (
            "import sys, perfrules\n"
            f"result = perfrules.evaluate({str(SEED_SPEC)!r}, {str(SEED_FACTS)!r})\n"
            f"before = {library!r} in sys.modules\n"
            f"perfrules.render(result, {format!r})\n"
            f"print(before, {library!r} in sys.modules)\n"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)  # noqa: S603
        assert "False True" == done.stdout.strip()


class TestNames:
    def test_every_error_is_exported(self) -> None:
        """Every error a user can meet is in perfrules.exceptions, and derives from PerfrulesError."""
        import perfrules.exceptions

        raised = set()
        for path in PACKAGE.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and hasattr(node.exc.func, "id"):
                    raised.add(node.exc.func.id)
        ours = {name for name in raised if name.endswith(("Error", "Failure")) and not hasattr(builtins, name)}
        assert ours - {"TargetError", "_TypeRule"} <= set(perfrules.exceptions.__all__)
        for name in perfrules.exceptions.__all__:
            assert issubclass(getattr(perfrules.exceptions, name), perfrules.PerfrulesError), name

    def test_errors_and_results_name_their_diagnostics_alike(self) -> None:
        """An error's problems are its `diagnostics`, as on a result; `problems` stays as the same tuple."""
        import perfrules

        with pytest.raises(perfrules.exceptions.SpecError) as raised:
            perfrules.load_spec("spec: 1\n")
        assert raised.value.diagnostics
        assert raised.value.problems is raised.value.diagnostics
