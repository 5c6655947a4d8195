"""The perfrules command: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfrules._cli import main

from .conftest import SEED_FACTS, SEED_SPEC

DATA = Path(__file__).parent / "data"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


class TestScore:
    def test_table(self) -> None:
        """README command 1 prints the seed form with 95.91 and 优, exit 0."""
        code, out, _ = run("score", SEED_SPEC, SEED_FACTS)
        assert 0 == code
        assert "95.91" in out and "☑优" in out

    def test_json(self) -> None:
        """--format json gives total "95.91", grade 优 and the 1.1.3 warning naming 9.97."""
        code, out, _ = run("score", SEED_SPEC, SEED_FACTS, "--format", "json")
        data = json.loads(out)
        assert (0, "95.91", "优") == (code, data["total"], data["grade"])
        [warning] = data["diagnostics"]
        assert ("warning", "1.1.3") == (warning["level"], warning["indicator"]) and "9.97" in warning["message"]

    def test_spec_by_id(self) -> None:
        """SPEC may be a shipped spec's id."""
        code, out, _ = run("score", "guangzhou/department-overall@2022", SEED_FACTS, "--format", "json")
        assert (0, "95.91") == (code, json.loads(out)["total"])

    def test_claims_computed(self) -> None:
        """--claims computed reports what the rules compute."""
        _, out, _ = run("score", SEED_SPEC, SEED_FACTS, "--format", "json", "--claims", "computed")
        assert "95.97" == json.loads(out)["total"]

    def test_invalid_facts_exit_1(self, tmp_path: Path) -> None:
        """Facts that do not fit: exit 1, problems on stderr, {"errors": [...]} on stdout in JSON mode."""
        facts = tmp_path / "facts.yaml"
        facts.write_text("facts: {executed: 1}\n", encoding="utf-8")
        code, out, err = run("score", SEED_SPEC, facts, "--format", "json")
        assert 1 == code
        errors = json.loads(out)["errors"]
        assert "missing-fact" in {e["code"] for e in errors}
        assert {"level", "code", "indicator", "message", "message_zh", "location"} == set(errors[0])
        assert "budget_full_year" in err and "Traceback" not in err

    def test_missing_file_exit_2(self) -> None:
        """A facts file that does not exist is a usage error."""
        assert 2 == run("score", SEED_SPEC, "no-such-facts.yaml")[0]

    def test_missing_spec_exit_2(self) -> None:
        """A spec that is neither a file nor a shipped id is a usage error."""
        code, _, err = run("score", "no/such-spec", SEED_FACTS)
        assert 2 == code and "no/such-spec" in err

    def test_unknown_format_exit_2(self) -> None:
        """An unknown format is a usage error naming the choices."""
        code, _, err = run("score", SEED_SPEC, SEED_FACTS, "--format", "xml")
        assert 2 == code and "json" in err


class TestValidate:
    def test_valid(self) -> None:
        """A valid spec: exit 0 and a one-line summary."""
        code, out, _ = run("validate", SEED_SPEC)
        assert 0 == code and "26 leaves" in out

    def test_three_mistakes(self) -> None:
        """validate prints all three planted mistakes with line numbers and exits 1."""
        code, _, err = run("validate", DATA / "three-mistakes.yaml")
        assert 1 == code
        lines = [line for line in err.splitlines() if ": error: " in line]
        assert 3 == len(lines)
        assert [":13:", ":22:", ":27:"] == [f":{line.split(':')[1]}:" for line in lines]


class TestInternalErrors:
    def test_bug_exit_3_without_traceback(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An unexpected exception is one line and exit 3."""
        import perfrules._cli

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(perfrules._cli, "load_spec", broken)
        code, _, err = run("validate", SEED_SPEC)
        assert 3 == code
        assert "internal error: RuntimeError: boom" in err and "Traceback" not in err

    def test_debug_shows_the_traceback(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """--debug lets the exception through."""
        import perfrules._cli

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(perfrules._cli, "load_spec", broken)
        result = CliRunner().invoke(main, ["--debug", "validate", str(SEED_SPEC)])
        assert isinstance(result.exception, RuntimeError)
