"""Every error raised while reading a number names its key, in both languages, besides the line."""

from __future__ import annotations

import pytest

import perfrules
from perfrules._document import key_path
from perfrules.exceptions import PerfrulesError

from .conftest import SEED_FACTS, SEED_SPEC

SPEC = SEED_SPEC.read_text(encoding="utf-8")
FACTS = SEED_FACTS.read_text(encoding="utf-8")

SPEC_NUMBERS = {
    "total": ("total: 100\n", "total: {}\n"),
    "precision": ("precision: 2\n", "precision: {}\n"),
    "weight": ("            weight: 10\n", "            weight: {}\n"),
    "min": ("executed: {type: number, min: 0,", "executed: {{type: number, min: {},"),
    "grades min": ("  - {min: 80, label: 良", "  - {{min: {}, label: 良"),
}
FACTS_NUMBERS = {
    "总预算": ("  总预算: 1288.38\n", "  总预算: {}\n"),
    "total": ("stated: {total: 95.91", "stated: {{total: {}"),
    "executed": ("  executed: 1288.38 ", "  executed: {} "),
    "score": ("    score: 9.91\n", "    score: {}\n"),
}
WRITTEN = [".nan", ".inf", "-.inf", "9" * 5000, "1e999999", "abc", "１０", "1,288.38", "99.7%", "true", "[1]", "{a: 1}"]
"""Numbers as they are mistyped: not finite, too long, words, full-width digits, grouped, percentages, other types."""


def problems(spec_text: str, facts_text: str) -> list[perfrules.Diagnostic]:
    with pytest.raises(PerfrulesError) as info:
        perfrules.evaluate(perfrules.load_spec(spec_text), facts_text)
    return list(info.value.diagnostics)


@pytest.mark.parametrize("written", WRITTEN)
@pytest.mark.parametrize(
    ("key", "in_spec"), [*((key, True) for key in SPEC_NUMBERS), *((key, False) for key in FACTS_NUMBERS)]
)
def test_a_mistyped_number_names_its_key(key: str, in_spec: bool, written: str) -> None:
    """Whatever is wrong with the number, the first problem names the key it was written under, in both languages,
    at its line."""
    old, new = (SPEC_NUMBERS if in_spec else FACTS_NUMBERS)[key]
    source = SPEC if in_spec else FACTS
    text = source.replace(old, new.format(written), 1)
    line = source[: source.index(old)].count("\n") + 1 + old[: old.index(":")].count("\n")
    found = problems(text, FACTS) if in_spec else problems(SPEC, text)
    first = found[0]
    name = key.rsplit(maxsplit=1)[-1]
    assert name in first.message and first.message_zh and name in first.message_zh, first.line("en")
    assert first.location is not None and line == first.location.line, first.line("en")


def test_the_key_path_names_indicators_by_id() -> None:
    """The path to a weight goes through the indicators' ids, not their places in the lists."""
    text = SPEC.replace("            weight: 10\n", "            weight: .nan\n", 1)
    [problem] = problems(text, FACTS)
    assert problem.message.startswith("indicators › 1 › 1.1 › 1.1.3 › weight: ")
    assert problem.message_zh and problem.message_zh.startswith("indicators › 1 › 1.1 › 1.1.3 › weight：")


@pytest.mark.parametrize(
    ("path", "english", "chinese"),
    [
        (("facts", "executed"), "facts › executed", "facts › executed"),
        (("indicators", "2", "children", "2.3", "weight"), "indicators › 2 › 2.3 › weight", None),
        (("grades", 1, "min"), "grades › #2 › min", "grades › 第2项 › min"),
        (("indicators", 0, "children", 3), "indicators › #1 › children › #4", "indicators › 第1项 › children › 第4项"),
    ],
)
def test_key_path_text(path: tuple[str | int, ...], english: str, chinese: str | None) -> None:
    """Keys as written, list places counted from 1, ``children`` left out where an id follows."""
    assert english == key_path(path)
    assert (chinese or english) == key_path(path, "zh")
