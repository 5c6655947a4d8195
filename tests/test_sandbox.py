"""Untrusted uploads scored in a limited worker process: same answers, same errors, limits enforced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import perfrules
from perfrules import sandbox
from perfrules._cli import main
from perfrules.exceptions import FactsError, LimitExceededError

from .conftest import ROOT, SEED_FACTS, SEED_SPEC


def slow_facts(path: Path) -> Path:
    """A facts file within every size limit that takes seconds of CPU to parse: 24,000 entries, then an escaped
    surrogate pair (as JSON writes 𠀀) that libyaml refuses, so the pure-Python parser reads it all again."""
    entries = "".join(f"  f{i}: {i}\n" for i in range(24_000))
    path.write_text(f'facts:\n{entries}subject: "\\ud840\\udc00"\n', encoding="utf-8")
    return path


class TestAnswers:
    def test_same_report(self) -> None:
        """The worker's report is the one scoring in-process gives."""
        expected = perfrules.render(perfrules.evaluate(SEED_SPEC, SEED_FACTS), "json")
        assert expected == sandbox.score(SEED_SPEC, SEED_FACTS, format="json")

    def test_binary_report(self) -> None:
        """A binary format comes back as bytes."""
        report = sandbox.score(SEED_SPEC, SEED_FACTS, format="xlsx")
        assert isinstance(report, bytes) and report.startswith(b"PK")

    def test_review_and_claims(self) -> None:
        """Options pass through."""
        review = ROOT / "examples" / "huangpu-fic-2022-review.yaml"
        expected = perfrules.evaluate(SEED_SPEC, SEED_FACTS, review=review, claims="computed")
        data = json.loads(str(sandbox.score(SEED_SPEC, SEED_FACTS, review=review, claims="computed")))
        assert (str(expected.total), str(expected.self_total)) == (data["total"], data["self_total"])

    def test_same_errors(self) -> None:
        """Problems come back as the same error class with the same located diagnostics."""
        bad = ROOT / "tests" / "data" / "three-mistakes.yaml"
        with pytest.raises(FactsError) as expected:
            perfrules.evaluate(SEED_SPEC, bad)
        with pytest.raises(FactsError) as isolated:
            sandbox.score(SEED_SPEC, bad)
        assert expected.value.problems == isolated.value.problems
        assert str(expected.value) == str(isolated.value)

    def test_bad_arguments(self) -> None:
        """A wrong argument is the same ValueError as in-process, raised before any worker starts."""
        with pytest.raises(ValueError, match="claims must be 'self' or 'computed'"):
            sandbox.score(SEED_SPEC, SEED_FACTS, claims="mine")


class TestLimits:
    def test_cpu_time(self, tmp_path: Path) -> None:
        """Past its CPU seconds the worker is stopped, and that is what the error says."""
        with pytest.raises(LimitExceededError, match="more than 1 seconds of CPU time"):
            sandbox.score(SEED_SPEC, slow_facts(tmp_path / "slow.yaml"), limits=sandbox.Limits(cpu_seconds=1))

    @pytest.mark.parametrize("megabytes", [22, 24, 26, 28, 30])
    def test_memory(self, megabytes: int) -> None:
        """Past its address space the worker stops with a memory error, wherever the limit strikes.

        Several limits, because a C extension out of memory may crash instead of raising (libyaml did).
        """
        with pytest.raises(LimitExceededError, match="bytes of memory"):
            sandbox.score(SEED_SPEC, SEED_FACTS, limits=sandbox.Limits(memory_bytes=megabytes * 2**20))

    def test_wall_clock(self, tmp_path: Path) -> None:
        """Past its wall-clock seconds the worker is killed."""
        limits = sandbox.Limits(cpu_seconds=60, wall_seconds=0.5)
        with pytest.raises(LimitExceededError, match=r"longer than 0\.5 seconds"):
            sandbox.score(SEED_SPEC, slow_facts(tmp_path / "slow.yaml"), limits=limits)


class TestCommandLine:
    def test_isolate(self) -> None:
        """`score --isolate` prints what `score` prints."""
        plain = CliRunner().invoke(main, ["score", str(SEED_SPEC), str(SEED_FACTS)])
        isolated = CliRunner().invoke(main, ["score", "--isolate", str(SEED_SPEC), str(SEED_FACTS)])
        assert (0, plain.output) == (isolated.exit_code, isolated.output)

    def test_isolate_problems(self) -> None:
        """Problems exit 1 with the located list, as JSON too."""
        bad = str(ROOT / "tests" / "data" / "three-mistakes.yaml")
        result = CliRunner().invoke(main, ["score", "--isolate", "--format", "json", str(SEED_SPEC), bad])
        assert 1 == result.exit_code and "unknown-key" in result.output
