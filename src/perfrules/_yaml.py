"""YAML 1.2 in and out; the only module that imports ruamel.yaml.

Loading is deliberately narrow: one document, no anchors, aliases or tags,
duplicate keys refused, floats read from their source text as Decimal. The
result is plain data (dict, list, str, int, Decimal, bool, None) plus the
line and column of every key and value, so later checks can point at them.

The data is built straight from the parser's events, so nothing refused is ever
built. The events come from libyaml's parser (ruamel.yaml.clib) where it is
installed, some thirty times faster than the pure-Python parser used otherwise;
both give the same events, and the same data and marks.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import Resolver

from ._lang import in_chinese
from ._slips import Slip, fixed, slips
from ._unicode import REFUSED_CHARACTER, refusal

try:
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
except ImportError:  # no compiled parser on this platform: the pure-Python one gives the same events
    CParser = None

Path = tuple[str | int, ...]
Position = tuple[int, int]
Place = tuple[str, int, int] | tuple[str, int, int, str]
"""Where a value is written: file, line, column; for a workbook's cell, also its sheet."""

MAX_DEPTH = 64
MAX_INT_DIGITS = 100  # far past any accepted number (40 digits), far below any slow conversion
MAX_NODES = 50_000  # parsing takes about 2 s of CPU at this size with the pure-Python parser


class YamlProblem(Exception):
    """The text is not YAML perfrules accepts; line and column count from 1."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        code: str = "unreadable",
        *,
        zh: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = zh
        self.line = line
        self.column = column
        self.code = code
        self.path: tuple[str | int, ...] = ()
        """The keys and list positions (from 0) where reading stopped, if inside the document."""


@dataclass
class Marks:
    """Where one mapping or list and its entries are written: ``(file, line, column)`` each,
    entries by key or index. Entries of a merged container may come from different files."""

    at: Place
    keys: dict[str | int, Place] = field(default_factory=dict)
    values: dict[str | int, Place] = field(default_factory=dict)


def load_yaml(text: str, file: str) -> tuple[Any, dict[int, Marks]]:
    """Parse *text*; return the data and the marks of its containers, by ``id()``.

    Raises:
        YamlProblem: the text is not one plain YAML document.
    """
    try:
        return _parse(text, file)
    except YamlProblem as e:
        if e.code == "unreadable" and (slip := _confirmed(text, file, e.line, parsed=True)):
            raise YamlProblem(slip.message, slip.line, slip.column, zh=slip.message_zh) from None
        raise
    except MarkedYAMLError as e:
        stop = _stop(e)
        if slip := _confirmed(text, file, stop[0] if stop else None):
            raise YamlProblem(slip.message, slip.line, slip.column, zh=slip.message_zh) from None
        message = " ".join(str(part) for part in (e.context, e.problem) if part).split("\n")[0]
        zh = "YAML 格式有误：" + _parser_words_zh(e.context, e.problem)
        raise YamlProblem(message, *(stop or ()), zh=zh) from None
    except (YAMLError, ValueError, OverflowError, RecursionError) as e:
        message = str(e).split("\n")[0]
        raise YamlProblem(message, zh=f"YAML 格式有误：{message}") from None


_CONTEXTS_ZH = {
    "while scanning a simple key": "读取键时",
    "while scanning a quoted scalar": "读取引号内的文字时",
    "while scanning a double-quoted scalar": "读取双引号内的文字时",
    "while scanning a plain scalar": "读取值时",
    "while scanning a block scalar": "读取多行文字时",
    "while parsing a block mapping": "读取映射（键: 值）时",
    "while parsing a block collection": "读取列表时",
    "while parsing a flow mapping": "读取行内映射 {…} 时",
    "while parsing a flow sequence": "读取行内列表 […] 时",
    "while parsing a node": "读取值时",
}
"""The parser's context phrases that carry meaning for a reader; "while scanning for the next token" adds none."""

_PROBLEMS_ZH = [
    (r"could not find expected ':'", "找不到键后的冒号 ':'（应为半角冒号加空格）"),
    (r"mapping values are not allowed here", "此处不能写“键: 值”（检查冒号是否为半角、缩进是否对齐）"),
    (r"found character '\\t' that cannot start any token", "不能用制表符（Tab）缩进，请改用空格"),
    (r"found character (.+) that cannot start any token", r"字符 \1 不能出现在此处"),
    (r"expected ',' or '}', but got (.+)", r"此处应为半角逗号 ',' 或 '}'，却是 \1"),
    (r"expected ',' or '\]', but got (.+)", r"此处应为半角逗号 ',' 或 ']'，却是 \1"),
    (r"expected <block end>, but found (.+)", r"缩进与上文不一致，此处却是 \1"),
    (r"found unexpected end of stream", "文件在引号或括号闭合前结束"),
    (r"found unknown escape character (.+)", r"未知的转义字符 \1（反斜杠 '\\' 在双引号内须写作 '\\\\'）"),
    (r"expected a single document in the stream but found another document", "文件只能有一个文档，此处却有第二个"),
    (r"sequence entries are not allowed here", "此处不能写列表项 '-'（检查缩进）"),
    (r"expected the node content, but found (.+)", r"此处应有值，却是 \1"),
    (r"expected a comment or a line break, but found (.+)", r"此处应为注释或换行，却是 \1"),
    (r"found unexpected ':'", "意外的冒号 ':'"),
    (r"found incompatible YAML document \(version 1\.\* is required\)", "YAML 版本不受支持（须为 1.x）"),
    (r"expected indentation indicator in the range 1-9, but found 0", "多行文字的缩进标记须为 1 到 9"),
]
"""The parser's problems, in Chinese; any other keeps the parser's English after the Chinese lead-in."""

_TOKENS_ZH = {"'<stream end>'": "文件结尾", "'<block mapping start>'": "缩进更深的一层", "'?'": "一个键"}
"""What the parser names by its token names, in words."""


def _parser_words_zh(context: object, problem: object) -> str:
    """The parser's *context* and *problem*, in Chinese where the words are known."""
    words = in_chinese(str(problem or context or "").split("\n")[0], _PROBLEMS_ZH)
    if words is not None:
        where = _CONTEXTS_ZH.get(str(context), "") if problem else ""
        for token, name in _TOKENS_ZH.items():
            words = words.replace(f" {token}", name)
        return f"{where}，{words}" if where else words
    return " ".join(str(part) for part in (context, problem) if part).split("\n")[0]


CANDIDATES = 3
"""Typing slips tried, nearest first, before the parser's own words are passed on."""


def _confirmed(text: str, file: str, line: int | None, *, parsed: bool = False) -> Slip | None:
    """The first typing slip near *line* whose fix lets reading get past *line*: only a slip that explains the
    stop is named."""
    for slip in itertools.islice(slips(text, line, parsed=parsed), CANDIDATES):
        try:
            _parse(fixed(text, slip), file)
        except (YAMLError, YamlProblem) as e:
            stop = e.line if isinstance(e, YamlProblem) else (_stop(e) or (None,))[0]
            if stop is None or line is None or stop <= line:
                continue
        return slip
    return None


def _stop(error: YAMLError) -> Position | None:
    """Where the parser stopped (line and column, from 1), if it says."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return (mark.line + 1, mark.column + 1) if mark is not None else None


def prefer_pure_parser() -> None:
    """Read YAML with the pure-Python parser from now on: libyaml out of memory can crash the process instead of
    raising MemoryError (the sandbox's worker, under a memory limit)."""
    global CParser  # noqa: PLW0603  # one switch, set once, before anything is read
    CParser = None


def _parse(text: str, file: str) -> tuple[Any, dict[int, Marks]]:
    if CParser is not None:
        try:
            return _Builder(text, iter(CParser(text).get_event, None), file).document()
        except YAMLError:
            # libyaml refuses some text YAML 1.2 allows (JSON's escaped surrogate pairs): the pure parser decides,
            # and says what is wrong in the same words whichever parser is installed.
            pass
    from ruamel.yaml import YAML

    return _Builder(text, YAML(typ="safe", pure=True).parse(text), file).document()


class _Builder:
    """Plain data and marks from a parser's events, refusing what perfrules does not accept as it goes.

    Marks are kept by container rather than by path, so they stay right when
    containers are moved, as merging an ``extends`` spec does.
    """

    _resolver = Resolver()  # YAML 1.2's core schema: ``no`` is text, ``0o17`` octal

    def __init__(self, text: str, events: Iterator[Any], file: str) -> None:
        self.text = text
        self.events = events
        self.next: Any = None
        self.file = file
        self.marks: dict[int, Marks] = {}
        self.nodes = 0
        self.depth = 0
        self.trail: list[tuple[dict[str, Any] | list[Any], str | int]] = []
        """Each container being read, with the key or index of the value being read in it."""

    def peek(self) -> Any:
        if self.next is None:
            self.next = next(self.events)
        return self.next

    def take(self) -> Any:
        event = self.peek()
        self.next = None
        return event

    def directive(self) -> Position:
        """Where the first directive is: the parsers' events place it differently."""
        lines = self.text.splitlines()
        return next((number, 1) for number, line in enumerate(lines, 1) if line.startswith("%"))

    def document(self) -> tuple[Any, dict[int, Marks]]:
        self.take()  # the stream's start
        if isinstance(self.peek(), StreamEndEvent):
            raise YamlProblem("the document is empty", 1, 1, zh="文件是空的")
        event = self.take()
        if isinstance(event, DocumentStartEvent) and (event.version not in (None, (1, 2)) or event.tags):
            raise YamlProblem(
                "only YAML 1.2 is read: remove the %YAML or %TAG directive",
                *self.directive(),
                zh="只读取 YAML 1.2：请删去 %YAML 或 %TAG 指令",
            )
        try:
            root = self.node((1, 1))
        except YamlProblem as e:
            e.path = self.where_reading_stopped()
            raise
        self.take()  # the document's end
        if not isinstance(self.peek(), StreamEndEvent):
            raise _refusal(
                "expected a single document in the stream but found another document",
                self.peek(),
                "一个文件只能有一份文档，这里出现了第二份（---）",
            )
        if root is None:
            raise YamlProblem("the document is empty", 1, 1, zh="文件是空的")
        return root, self.marks

    def where_reading_stopped(self) -> tuple[str | int, ...]:
        """Where reading stopped, as keys and list positions; an item with an ``id`` is named by it."""
        path: list[str | int] = []
        for index, (_, step) in enumerate(self.trail):
            item = self.trail[index + 1][0] if index + 1 < len(self.trail) else None
            ident = item.get("id") if isinstance(step, int) and isinstance(item, dict) else None
            path.append(str(ident) if isinstance(ident, (str, int)) and not isinstance(ident, bool) else step)
        return tuple(path)

    def node(self, at: Position) -> Any:
        event = self.take()
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise _refusal("anchors and aliases (& and *) are not allowed", event, "不允许使用锚点和别名（& 和 *）")
        if getattr(event, "tag", None) is not None:
            raise _refusal(f"tags such as {event.tag!s} are not allowed", event, f"不允许使用 {event.tag!s} 这样的标签")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _refusal(f"the document has more than {MAX_NODES} nodes", event, f"文件的节点超过 {MAX_NODES} 个")
        if self.depth >= MAX_DEPTH:
            raise _refusal(
                f"the document nests deeper than {MAX_DEPTH} levels", event, f"文件的嵌套超过 {MAX_DEPTH} 层"
            )
        if isinstance(event, ScalarEvent):
            return self.scalar(event, at)
        self.depth += 1
        try:
            return self.mapping(at) if isinstance(event, MappingStartEvent) else self.sequence(at)
        finally:
            self.depth -= 1

    def mapping(self, at: Position) -> dict[str, Any]:
        target: dict[str, Any] = {}
        mark = self.marks[id(target)] = Marks((self.file, *at))
        while not isinstance(event := self.peek(), MappingEndEvent):
            if isinstance(event, ScalarEvent) and event.value == "<<" and not event.style:
                raise _refusal("merge keys (<<) are not allowed", event, "不允许使用合并键（<<）")
            key_at = _position(event)
            key = self.node(key_at)
            if isinstance(key, (dict, list)):
                kind = "mapping" if isinstance(key, dict) else "list"
                raise YamlProblem(f"a key is text, not a {kind}", *key_at, zh="键应为文字，不能是映射或列表")
            if not isinstance(key, str):
                raise YamlProblem(
                    f'key {key} is not text; quote it: "{key}"', *key_at, zh=f'键 {key} 不是文字；请加引号："{key}"'
                )
            if key in target:
                first = mark.keys[key][1]
                raise YamlProblem(
                    f"duplicate key {key!r}: it is already written at line {first}",
                    *key_at,
                    zh=f"键 {key!r} 重复：第 {first} 行已写过",
                )
            value_at = _position(self.peek())
            self.trail.append((target, key))
            target[key] = self.node(value_at)
            self.trail.pop()
            mark.keys[key] = (self.file, *key_at)
            mark.values[key] = (self.file, *value_at)
        self.take()
        return target

    def sequence(self, at: Position) -> list[Any]:
        target: list[Any] = []
        mark = self.marks[id(target)] = Marks((self.file, *at))
        while not isinstance(event := self.peek(), SequenceEndEvent):
            item_at = _position(event)
            mark.values[len(target)] = mark.keys[len(target)] = (self.file, *item_at)
            self.trail.append((target, len(target)))
            target.append(self.node(item_at))
            self.trail.pop()
        self.take()
        return target

    def scalar(self, event: Any, at: Position) -> Any:
        tag = str(self._resolver.resolve(ScalarNode, event.value, event.implicit))
        value: str = event.value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            return _integer(value, at)
        if tag == "tag:yaml.org,2002:float":
            return _decimal(value, at)
        # Text, and what YAML 1.1 read as a date: YAML 1.2's core schema has none (2024-02-30 is text, as written).
        return _whole_characters(value, at)


def _position(event: Any) -> Position:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _refusal(message: str, event: Any, zh: str) -> YamlProblem:
    return YamlProblem(message, *_position(event), zh=zh)


# Floats come from their source text, so 0.10 stays Decimal("0.10") and no binary float is ever built.
def _decimal(text: str, at: Position) -> Decimal:
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise YamlProblem(f"{text!r} is not a finite number", *at, zh=f"{text!r} 不是有限的数")
    return value


_INT_BASES = {"0x": 16, "0o": 8, "0b": 2}


def _integer(text: str, at: Position) -> int:
    # Counted before converting: a million-digit integer would cost seconds to convert.
    digits = sum(character.isalnum() for character in text)  # hex and octal digits too
    if digits > MAX_INT_DIGITS:
        raise YamlProblem(f"a number of {digits} digits is too long", *at, zh=f"数字长达 {digits} 位，过长")
    plain = text.replace("_", "")
    sign = -1 if plain.startswith("-") else 1
    plain = plain.lstrip("+-")
    base = _INT_BASES.get(plain[:2], 10)
    return sign * int(plain[2:] if base != 10 else plain, base)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(text: str, position: Position) -> str:
    """Join the surrogate pairs of JSON escapes ("\\ud840\\udc00" is one CJK character); refuse what the
    Unicode policy refuses, written as itself or as an escape ("\\u202e")."""
    why = refusal(text)
    if why is not None:
        raise YamlProblem(why, *position, code=REFUSED_CHARACTER, zh=refusal(text, "zh"))
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        code = ord(_SURROGATE.search(text).group())  # type: ignore[union-attr]
        raise YamlProblem(
            f"a lone surrogate U+{code:04X} is not a character", *position, zh=f"孤立的代理码元 U+{code:04X} 不是字符"
        ) from None


def dump_yaml(data: Any) -> str:
    """Write plain *data* as block-style YAML 1.2 that `load_yaml` reads back."""
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # perfrules refuses aliases on reading, so it never writes them

    def represent_decimal(representer: Any, value: Decimal) -> Any:
        text = format(value, "f")
        # A whole number is written as an int, so it reads back without an explicit tag.
        tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
        return representer.represent_scalar(tag, text)

    Representer.add_representer(Decimal, represent_decimal)
    yaml = YAML(typ="rt", pure=True)
    yaml.Representer = Representer
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()
