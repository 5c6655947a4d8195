"""The hostile corpus (tests/hostile/): each file, scored from the command line, gives its expected diagnostic
code or scores, exits 0 or 1, never prints a traceback and never echoes a refused character."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfrules._cli import main
from perfrules._engine.plan import ENGINES
from perfrules._unicode import refused

from .conftest import ROOT, SEED_SPEC

CORPUS = ROOT / "tests" / "hostile"
EXPECTED = dict(
    line.split("\t") for line in (CORPUS / "expected.tsv").read_text(encoding="utf-8").splitlines()[1:] if line
)


def test_every_file_is_listed() -> None:
    """The manifest and the folder agree."""
    assert sorted(EXPECTED) == sorted(path.name for path in CORPUS.glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec case is scored with facts {x: 1}, a facts case against the seed spec, by either engine alike."""
    if name.startswith("spec-"):
        facts = tmp_path / "facts.yaml"
        facts.write_text("year: 2022\nfacts: {x: 1}\n", encoding="utf-8")
        arguments = [str(CORPUS / name), str(facts)]
    else:
        arguments = [str(SEED_SPEC), str(CORPUS / name)]
    said_by: dict[str, list[str]] = {}
    for engine, output_format in itertools.product(ENGINES, ("json", "table")):
        monkeypatch.setenv("PERFRULES_ENGINE", engine)
        result = CliRunner().invoke(main, ["score", "--format", output_format, *arguments])
        said = result.output
        said_by.setdefault(engine, []).append(said)
        assert "Traceback" not in said and not list(refused(said.replace("\r", ""))), said[:500]
        expected = EXPECTED[name]
        assert (0 if expected == "ok" else 1) == result.exit_code, said[:500]
        if expected != "ok" and output_format == "json":
            errors = json.loads(result.stdout)["errors"]
            assert expected in {error["code"] for error in errors}
            assert all(error["location"] and error["location"]["file"] for error in errors)
    assert said_by["compiled"] == said_by["interpreter"]


def test_long_sum_scores_its_value(tmp_path: Path) -> None:
    """The 300-term sum is the value it spells (x), not just accepted."""
    facts = tmp_path / "facts.yaml"
    facts.write_text("year: 2022\nfacts: {x: 0.75}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", "--format", "json", str(CORPUS / "spec-long-sum.yaml"), str(facts)])
    assert "0.75" == json.loads(result.stdout)["total"]
