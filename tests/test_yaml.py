"""Reading YAML: libyaml's parser and the pure-Python one give the same data, the same marks and the same refusals."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrules import _yaml
from perfrules._yaml import Marks, YamlProblem, dump_yaml, load_yaml

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    path
    for folder in ("specs", "examples", "tests/data", "tests/hostile", "plugins")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in (".yaml", ".json") and path.is_file()
)
SNIPPETS = [
    "a: 1\na: 2\n",
    "a: &x 1\nb: *x\n",
    "a: !!str x\n",
    "<<: {a: 1}\n",
    "a: 1\n---\nb: 2\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: [1,\nb: 2\n",
    "1: x\n",
    "? [a]\n: 1\n",
    "a: .inf\n",
    "a: 0x1F\nb: 0o17\nc: 007\nd: +5\ne: -0x10\nf: 1_000\ng: 0b11\nh: 2023-06-30\ni: ~\nj: True\nk: 1.50\nl: no\n",
    "名称: 中文值\n说明: |\n  多行\n  文本\n列表:\n  - 甲\n  - {乙: 1, 丙: [2, 3]}\n",
    '{"a": "\\ud840\\udc00", "b": ["\\u4e2d"]}',
    '{"a": "\\ud840"}',
    "\n\n",
    "---\n",
    "a:\n\tb: 1\n",
    "a: '\u202e'\n",
]


def outcome(text: str) -> tuple[Any, ...]:
    """The data and its marks by path, or the problem with its place."""
    try:
        data, marks = load_yaml(text, "f")
    except YamlProblem as e:
        return ("problem", e.message, e.line, e.column, e.code)
    return ("data", data, by_path(data, marks))


def by_path(data: Any, marks: dict[int, Marks], path: tuple[Any, ...] = ()) -> list[Any]:
    """Marks keyed by where their container is, so two loads can be compared."""
    if not isinstance(data, (dict, list)):
        return []
    mark = marks[id(data)]
    found = [(path, mark.at, mark.keys, mark.values)]
    for key, value in data.items() if isinstance(data, dict) else enumerate(data):
        found += by_path(value, marks, (*path, key))
    return found


def both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    fast = outcome(text)
    with monkeypatch.context() as patch:
        patch.setattr(_yaml, "CParser", None)
        pure = outcome(text)
    return fast, pure


def test_the_compiled_parser_is_installed() -> None:
    """The package depends on ruamel.yaml.clib on CPython: without it every file is read 30 times slower."""
    assert _yaml.CParser is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_files_read_alike(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every YAML and JSON file in the repository reads the same with either parser."""
    fast, pure = both(path.read_bytes().decode("utf-8", "replace"), monkeypatch)
    assert fast == pure


@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_read_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refusals, scalars of every type, CJK text, block scalars and JSON escapes read the same with either parser."""
    fast, pure = both(text, monkeypatch)
    assert fast == pure


def test_escaped_surrogate_pairs_are_one_character() -> None:
    """JSON's "\\ud840\\udc00" (which libyaml refuses) is read as the one character 𠀀."""
    assert {"a": "𠀀", "b": ["中"]} == load_yaml(SNIPPETS[12], "f")[0]


scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.decimals(allow_nan=False, allow_infinity=False, places=4).filter(lambda d: abs(d) < 10**20)
    | st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=12)
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text("abc甲乙丙", min_size=1, max_size=4), inner),
    max_leaves=20,
).filter(lambda d: isinstance(d, (dict, list)) and d)


@given(data=documents, form=st.sampled_from(["yaml", "json", "ascii-json"]))
def test_written_data_reads_back_alike(data: Any, form: str) -> None:
    """Data written as YAML or JSON reads back as itself with either parser, with the same marks."""
    if form == "yaml":
        text = dump_yaml(data)
    else:
        text = json.dumps(data, ensure_ascii=form == "ascii-json", default=str, indent=1)
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, pure = both(text, monkeypatch)
    assert fast == pure
    assert "data" == fast[0]
    if form == "yaml":
        assert data == fast[1]
    else:  # JSON carries the Decimals as text
        assert json.loads(text, parse_float=Decimal) == fast[1]
