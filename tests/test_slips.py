"""Typing slips of a Chinese keyboard, typed into the shipped seed spec: each named at its line and column, with
the fix, in both languages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules._slips import slips
from perfrules.exceptions import SpecError

from .conftest import SEED_SPEC

SEED = SEED_SPEC.read_text(encoding="utf-8")
EXECUTED = "  executed: {type: number, min: 0, unit: 万元, label: 执行数, label_en: amount spent}\n"
LEAF_111 = (
    "            explanation: 反映年度预算编报时确定的部门整体绩效产出指标完成情况。\n            kind: self_assessed\n"
)
GRADES = SEED[SEED.index("grades:\n") : SEED.index("\n\n", SEED.index("grades:\n")) + 1]
GRADES_LINE = SEED[: SEED.index("grades:\n")].count("\n") + 1
LEAF_113 = '          - id: "1.1.3"\n            name: 部门预算资金支出率\n            weight: 10\n'


def typed(old: str, new: str) -> str:
    assert SEED.count(old) >= 1, old
    return SEED.replace(old, new, 1)


SLIPS = {
    "full-width colon after a key": (
        typed("    name: 履职效能\n", "    name： 履职效能\n"),
        (26, 9),
        ("'：'", "'name: '"),
        ("'：'", "半角冒号"),
    ),
    "full-width colon in a flow mapping": (
        typed(EXECUTED, EXECUTED.replace("type: number", "type：number")),
        (22, 14),
        ("'：'", "'type: number'"),
        ("全角冒号", "'type: number'"),
    ),
    "full-width comma in a flow mapping": (
        typed(EXECUTED, EXECUTED.replace("number, min", "number， min")),
        (22, 26),
        ("'，'", "ASCII comma ','"),
        ("全角逗号 '，'", "半角逗号 ','"),
    ),
    "lenticular brackets for a list": (
        typed(
            GRADES,
            "grades: 【{min: 90, label: 优}, {min: 80, label: 良}, {min: 60, label: 中}, {min: 0, label: 差}】\n",
        ),
        (GRADES_LINE, 9),
        ("'【'", "'['"),
        ("全角括号 '【'", "'['"),
    ),
    "full-width braces for a mapping": (
        typed(EXECUTED, "  executed: ｛type: number, min: 0｝\n"),
        (22, 13),
        ("'｛'", "'{'"),
        ("全角括号 '｛'", "'{'"),
    ),
    "a value opening with a full-width quotation mark": (
        typed("    name: 履职效能\n", "    name: “履职: 效能”\n"),
        (26, 11),
        ("'“'", "'\"'"),
        ("全角引号 '“'", "半角"),
    ),
    "a tab for indentation": (
        typed("    name: 履职效能\n", "\tname: 履职效能\n"),
        (26, 1),
        ("tab", "spaces"),
        ("制表符", "空格"),
    ),
    "thousands separators in a flow mapping": (
        typed(EXECUTED, EXECUTED.replace("min: 0,", "min: 1,288.38,")),
        (22, 33),
        ("1,288.38", "1288.38"),
        ("千位分隔符", "1288.38"),
    ),
    "a key indented less, landing under the parent indicator": (
        typed(LEAF_113, LEAF_113.replace("            weight", "        weight")),
        (47, 9),
        ("id 1.1", "if it belongs to 1.1.3, indent it 12 spaces"),
        ("id 为 1.1 的一项", "如果它属于 1.1.3，请缩进 12 个空格"),
    ),
    "a key indented less, before the next indicator": (
        typed(LEAF_111, LEAF_111.replace("            kind", "        kind")),
        (39, 9),
        ("id 1.1", "1.1.1"),
        ("id 为 1.1 的一项", "1.1.1"),
    ),
    "a key indented by an odd space": (
        typed(LEAF_111, LEAF_111.replace("            kind", "           kind")),
        (39, 12),
        ("indented 11 spaces", "line 38 has 12"),
        ("缩进了 11 个空格", "第 38 行缩进 12 个空格"),
    ),
    "a key indented more than its siblings": (
        typed(LEAF_111, LEAF_111.replace("            kind", "              kind")),
        (39, 15),
        ("indented 14 spaces", "line 38 has 12"),
        ("缩进了 14 个空格", "第 38 行缩进 12 个空格"),
    ),
}


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_slip_named_with_its_place_and_fix(slip: str) -> None:
    """The one problem reported is the slip itself: its line and column, the character, and what to write."""
    text, place, english, chinese = SLIPS[slip]
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(text)
    [problem] = info.value.diagnostics
    assert problem.location is not None
    assert place == (problem.location.line, problem.location.column), problem.line("en")
    assert all(words in problem.message for words in english), problem.message
    assert problem.message_zh is not None
    assert all(words in problem.message_zh for words in chinese), problem.message_zh


def test_a_true_duplicate_is_not_taken_for_a_slip() -> None:
    """A key written twice at the same indentation is reported as written twice, not as an indentation slip."""
    text = typed(LEAF_113, LEAF_113 + "            weight: 10\n")
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(text)
    [problem] = info.value.diagnostics
    assert "duplicate key 'weight'" in problem.message


@given(st.lists(st.sampled_from(SEED.splitlines()), min_size=1, max_size=40), st.integers(1, 40))
def test_well_typed_lines_have_no_slip(lines: list[str], stop: int) -> None:
    """Lines as the seed spec writes them are never offered as a slip of a keyboard, wherever reading stops."""
    offered = [slip for slip in slips("\n".join(lines), stop) if "indent" not in slip.message]
    assert [] == offered


@pytest.mark.parametrize(
    ("looks_like_a_slip", "real_mistake"),
    [
        ("    name: 【重点】履职效能\n", '    name_en: "Perf\\q"\n'),
        ("    note: |\n      说明：本项目\n    name: 履职效能\n", '    name_en: "Perf\\q"\n'),
        ("    name: “三公”\n", '    name_en: "Perf\\q"\n'),
    ],
)
def test_text_that_looks_like_a_slip_is_not_blamed(looks_like_a_slip: str, real_mistake: str) -> None:
    """A name in 【】, a 说明： in a block of text or a name in “” near a real mistake is not blamed for it: the
    fix of a slip must let reading get further."""
    text = typed("    name: 履职效能\n", looks_like_a_slip).replace(
        "    name_en: Performance of duties\n", real_mistake, 1
    )
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(text)
    [problem] = info.value.diagnostics
    assert "unknown escape character 'q'" in problem.message, problem.message


@pytest.mark.parametrize(
    "line", ["a: [" + "b" * 100_000, '"\\' * 20_000, "a" + " " * 100_000, "，" * 50_000, "x: 1" + ",000" * 30_000]
)
def test_a_hostile_line_costs_no_time(line: str) -> None:
    """Looking for slips is linear in the text: a hostile line of 100,000 characters is refused in well under a
    second (a quadratic search took minutes)."""
    import time

    started = time.process_time()
    with pytest.raises(SpecError):
        perfrules.load_spec(line + "\n")
    assert time.process_time() - started < 5


def test_a_list_in_full_width_brackets_read_as_text() -> None:
    """【达成，未达成】 is valid YAML text where a list was meant: the error about the value says why and what to
    write."""
    declared = EXECUTED + "  level:\n    type: text\n    values: 【达成，未达成】\n"
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(typed(EXECUTED, declared))
    [problem] = info.value.diagnostics
    assert (
        "(it is written in full-width brackets '【', so it is read as text: write '[达成, 未达成]')" in problem.message
    )
    assert "它用了全角括号 '【'，因此被当作文字：请写作 '[达成, 未达成]'" in str(problem.message_zh)
