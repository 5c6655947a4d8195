"""Typing slips of a Chinese keyboard in YAML, found near where reading stopped, and named with their fix.

A Chinese input method types ``：`` for ``:``, ``，`` for ``,``, ``【】`` for ``[]``, ``｛｝`` for ``{}`` and ``“”``
for ``"``; an editor may indent with a tab, or a line may lose or gain a few spaces. The YAML parser then stops
at a later place with words of its own ("could not find expected ':'"), or reads a different structure than meant.
`slips` offers the candidates on the lines up to that place, nearest first, each with its line and column, the
fix in words and the line as fixed; the YAML layer keeps the first whose fix lets reading get further, so text
that merely looks like a slip (a name in 【】, a 说明：… in a block of text) is never blamed. It reads the text
only, so it neither parses YAML nor depends on the parser's wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from attrs import frozen

LONGEST_LINE = 500
"""Longer lines are not searched: a form's lines are short, and a hostile one must not cost time."""
REACH = {"tab": 1, "colon": 3, "bracket": 20, "comma": 20, "grouped": 1, "quote": 1}
"""How many lines above the parser's stop each slip is looked for: a full-width bracket or comma can open a flow
collection many lines before the parser notices, a tab or a quotation mark stops it at once."""


@frozen
class Slip:
    """A typing slip at *line*, *column* (from 1), in English and Chinese; *fixed* is the line as it should be."""

    line: int
    column: int
    message: str
    message_zh: str
    fixed: str


_FULL_WIDTH_BRACKETS = {"【": "[", "】": "]", "［": "[", "］": "]", "｛": "{", "｝": "}"}
_ASCII_BRACKETS = str.maketrans(_FULL_WIDTH_BRACKETS)
_KEY_LINE = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s:#'\"{}\[\],-][^:#]*?):(?: |$)")
_FULL_WIDTH_COLON = re.compile(r"(?:^ *(?:- +)?|[{,] *)(?P<key>[^\s:#'\"{}\[\],：][^:#{}\[\],：]*)：")
_GROUPED_NUMBER = re.compile(
    r"(?<![^\s{}\[\],])(?P<key>[^\s{}\[\],:]+) *: *(?P<number>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?= *[,}\]]| *$)"
)
_CURLY_VALUE = re.compile(r"(?:: +|^ *- +)(?P<quote>[“‘])[^”’]*[”’] *(?:#.*)?$")
"""A value wrapped whole in full-width quotation marks, where quoting was meant (“三公”经费 is text as it stands)."""


def slips(text: str, line: int | None, *, parsed: bool = False) -> Iterator[Slip]:
    """The typing slips that may have stopped reading at *line*, nearest first. *parsed*: the YAML was well formed
    and what was read from *line* was refused (a number as a key, a key written twice)."""
    lines = text.splitlines()
    if not lines or line is None:
        return
    stop = min(line, len(lines))
    depths = _flow_depths(lines)
    if parsed:
        yield from filter(None, (_grouped_number(lines, stop, depths[stop - 1]), _indentation(lines, stop, stop)))
        return
    for number in range(stop, max(0, stop - max(REACH.values()) - 1), -1):
        if len(lines[number - 1]) > LONGEST_LINE:
            continue
        distance, depth = stop - number, depths[number - 1]
        found = (
            (distance <= REACH["tab"] and _tab(lines, number))
            or (distance <= REACH["colon"] and _colon(lines, number))
            or (distance <= REACH["bracket"] and _bracket(lines, number))
            or (distance <= REACH["comma"] and _comma(lines, number, depth))
            or (distance <= REACH["grouped"] and _grouped_number(lines, number, depth))
            or (distance <= REACH["quote"] and _quote(lines, number))
        )
        if found:
            yield found
    if slip := _indentation(lines, stop - 1, stop):
        yield slip


def fixed(text: str, slip: Slip) -> str:
    """*text* with *slip*'s line as it should be."""
    lines = text.split("\n")
    lines[slip.line - 1] = slip.fixed
    return "\n".join(lines)


def _tab(lines: list[str], number: int) -> Slip | None:
    line = lines[number - 1]
    if tab := re.match(r" *\t", line):
        above = _previous_key(lines, number)  # the fix tried: aligned with the key above
        return Slip(
            number,
            tab.end(),
            "a tab indents this line; YAML indents with spaces only: replace the tab with spaces",
            "此行用制表符（Tab）缩进；YAML 只能用空格缩进，请把 Tab 换成空格",
            " " * (above[1] - 1 if above else 0) + line.lstrip(" \t"),
        )
    return None


def _colon(lines: list[str], number: int) -> Slip | None:
    line = lines[number - 1]
    if colon := _FULL_WIDTH_COLON.search(_masked(line)):
        key = colon["key"].strip()
        return Slip(
            number,
            colon.end(),
            f"a full-width colon '：' follows the key {key!r}: write an ASCII colon and a space, '{key}: '",
            f"键 {key!r} 后是全角冒号 '：'，请改为半角冒号加空格，写作 '{key}: '",
            line[: colon.end() - 1] + ": " + line[colon.end() :].lstrip(" "),
        )
    return None


def _bracket(lines: list[str], number: int) -> Slip | None:
    for index, character in enumerate(_masked(lines[number - 1])):
        if character in _FULL_WIDTH_BRACKETS:
            ascii_form = _FULL_WIDTH_BRACKETS[character]
            return Slip(
                number,
                index + 1,
                f"a full-width bracket {character!r}: YAML's brackets are ASCII, write {ascii_form!r}",
                f"全角括号 {character!r}：YAML 的括号须为半角，请改为 {ascii_form!r}",
                lines[number - 1].translate(_ASCII_BRACKETS),
            )
    return None


def _comma(lines: list[str], number: int, depth: int) -> Slip | None:
    """A full-width comma inside a flow collection; *depth*: the collections open where the line starts."""
    for index, character in enumerate(_masked(lines[number - 1])):
        depth += (character in "{[") - (character in "}]")
        if character == "，" and depth > 0:
            line = lines[number - 1]
            return Slip(
                number,
                index + 1,
                "a full-width comma '，' inside {…} or […]: items are separated by an ASCII comma ','",
                "行内的 {…} 或 […] 中用了全角逗号 '，'：各项之间须用半角逗号 ','",
                line[:index] + ", " + line[index + 1 :],
            )
    return None


def _grouped_number(lines: list[str], number: int, depth: int) -> Slip | None:
    line = _masked(lines[number - 1])
    if (depth > 0 or "{" in line or "[" in line) and (grouped := _GROUPED_NUMBER.search(line)):
        written = grouped["number"]
        plain = written.replace(",", "")
        raw = lines[number - 1]
        return Slip(
            number,
            grouped.start("number") + 1,
            f"{grouped['key']}: {written} has thousands separators: inside {{…}} a comma ends the value; write {plain}",
            f"{grouped['key']}：{written} 带有千位分隔符：在 {{…}} 中逗号会把数字断开，请写作 {plain}",
            raw[: grouped.start("number")] + plain + raw[grouped.end("number") :],
        )
    return None


def _quote(lines: list[str], number: int) -> Slip | None:
    if curly := _CURLY_VALUE.search(lines[number - 1]):
        quote = curly["quote"]
        return Slip(
            number,
            curly.start("quote") + 1,
            f"the value opens with a full-width quotation mark {quote!r}: YAML quotes are ASCII, '\"' or \"'\"",
            f"值以全角引号 {quote!r} 开头：YAML 的引号须为半角的 '\"' 或 \"'\"",
            re.sub("[“”‘’]", '"', lines[number - 1]),
        )
    return None


def _masked(line: str) -> str:
    """*line* with its quoted text blanked and its comment cut, so only the structure is searched (one pass)."""
    masked, quote, index = [], "", 0
    while index < len(line):
        character = line[index]
        if quote:
            if character == "\\" and quote == '"' and index + 1 < len(line):
                masked.append("  ")
                index += 2
                continue
            if character == quote:
                quote = ""
            masked.append(" ")
        elif character in "\"'":
            quote = character
            masked.append(" ")
        elif character == "#" and (index == 0 or line[index - 1] == " "):
            break
        else:
            masked.append(character)
        index += 1
    return "".join(masked)


def _flow_depths(lines: list[str]) -> list[int]:
    """How many flow collections are open at the start of each line."""
    depths, depth = [], 0
    for line in lines:
        depths.append(depth)
        masked = _masked(line)
        depth = max(0, depth + sum(c in "{[" for c in masked) - sum(c in "}]" for c in masked))
    return depths


def _indentation(lines: list[str], first: int, last: int) -> Slip | None:
    """A key line from *first* to *last* indented unlike the keys around it; says where it belongs instead."""
    for number in range(first, last + 1):
        if number < 2 or number > len(lines) or (found := _KEY_LINE.match(lines[number - 1])) is None:
            continue
        start, here = _columns(found)
        above = _previous_key(lines, number)
        if above is None:
            continue
        above_number, above_column, above_opens = above
        keys, items = _open_columns(lines, number)
        opened = above_opens and start > above_column
        key = found["key"]
        realigned = " " * (above_column - 1) + lines[number - 1].lstrip(" ")
        if not opened and not (here in keys if not found["dash"] else start in items):
            return Slip(
                number,
                start,
                f"the key {key!r} is indented {_spaces(start - 1)}, unlike any key above it: "
                f"align it with the keys of its mapping (line {above_number} has {_spaces(above_column - 1)})",
                f"键 {key!r} 缩进了 {start - 1} 个空格，与上文的键都对不齐：请与同级的键对齐"
                f"（第 {above_number} 行缩进 {above_column - 1} 个空格）",
                realigned,
            )
        following = _KEY_LINE.match(lines[number]) if number < len(lines) else None
        has_value = bool(lines[number - 1][found.end() :].strip())
        if has_value and here < above_column and following is not None and _columns(following)[0] > here:
            owner = _item_id(lines, number - 1, here)
            item = _item_id(lines, above_number, above_column)
            under = f"the item with id {owner}" if owner else "the mapping that holds the lines above"
            under_zh = f" id 为 {owner} 的一项" if owner else "包含上文各行的上一层映射"
            meant = f"; if it belongs to {item}, indent it {_spaces(above_column - 1)}" if item else ""
            meant_zh = f"；如果它属于 {item}，请缩进 {above_column - 1} 个空格" if item else ""
            return Slip(
                number,
                start,
                f"the key {key!r} is indented less than the lines around it, so it belongs to {under}{meant}",
                f"键 {key!r} 的缩进比上下文少，因此落在了{under_zh}下{meant_zh}",
                realigned,
            )
    return None


def _columns(key_line: re.Match[str]) -> tuple[int, int]:
    """Where a key line (`_KEY_LINE`) starts and where its key starts (after a list's "- "), from 1."""
    start = len(key_line["indent"]) + 1
    return start, start + len(key_line["dash"] or "")


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _previous_key(lines: list[str], number: int) -> tuple[int, int, bool] | None:
    """The nearest key line above line *number*: its number, its key's column and whether it opens a block (no
    value after the colon)."""
    for above in range(number - 1, 0, -1):
        found = _KEY_LINE.match(lines[above - 1])
        if found is not None:
            return above, _columns(found)[1], not _masked(lines[above - 1])[found.end() :].strip()
    return None


def _open_columns(lines: list[str], number: int) -> tuple[set[int], set[int]]:
    """The columns a line at *number* may start at: keys of the mappings still open above it, and dashes of the
    lists still open."""
    keys: set[int] = set()
    items: set[int] = set()
    lowest = len(lines[number - 1]) + 1_000
    for above in range(number - 1, 0, -1):
        found = _KEY_LINE.match(lines[above - 1])
        if found is None:
            continue
        start, key_column = _columns(found)
        if key_column <= lowest:
            keys.add(key_column)
        if found["dash"] and start <= lowest:
            items.add(start)
        lowest = min(lowest, start)
        if start == 1:
            break
    return keys, items


def _item_id(lines: list[str], number: int, column: int) -> str | None:
    """The ``id`` of the mapping whose key at *column* is written on line *number*, if it has one."""
    for above in range(number, 0, -1):
        found = _KEY_LINE.match(lines[above - 1])
        if found is None:
            continue
        key_column = _columns(found)[1]
        if key_column < column:
            return None
        if key_column == column and found["key"] == "id":
            return _value(lines[above - 1][found.end() :])
        if key_column == column and found["dash"]:
            return None
    return None


def _value(text: str) -> str:
    return text.strip().split(" #")[0].strip().strip("'\"")


def quote_hint(value: str, lang: str = "en") -> str:
    """A hint for a value that opens with a full-width quotation mark, where an ASCII quote was meant; or ''."""
    if not value[:1] or value[0] not in "“‘":
        return ""
    if lang == "zh":
        return f"（以全角引号 {value[0]!r} 开头：如要加引号，请用半角的 '\"' 或 \"'\"）"
    return f" (it opens with a full-width quotation mark {value[0]!r}: if a quote was meant, write '\"' or \"'\")"


def colon_in_key(key: str) -> tuple[str, str] | None:
    """The fix for a key that swallowed its value through a full-width colon (``type：number``), or None."""
    name, colon, value = key.partition("：")
    if not colon or not name.strip():
        return None
    written = f"{name.strip()}: {value.strip()}"
    return (
        f"a full-width colon '：' joins the key and its value: write an ASCII colon and a space, {written!r}",
        f"键与值之间是全角冒号 '：'，请改为半角冒号加空格，写作 {written!r}",
    )


def bracket_hint(value: object) -> tuple[str, str] | None:
    """Words for a value YAML read as text because it was written in full-width brackets (``【达成, 未达成】``, where
    ``[达成, 未达成]`` was meant), in English and Chinese; None for any other value."""
    if not isinstance(value, str) or not value or value[0] not in _FULL_WIDTH_BRACKETS:
        return None
    meant = value.translate(_ASCII_BRACKETS).replace("，", ", ")
    return (
        f" (it is written in full-width brackets {value[0]!r}, so it is read as text: write {meant!r:.60})",
        f"（它用了全角括号 {value[0]!r}，因此被当作文字：请写作 {meant!r:.60}）",
    )
