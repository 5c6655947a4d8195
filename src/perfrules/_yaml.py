"""YAML 1.2 in and out; the only module that imports ruamel.yaml.

Loading is deliberately narrow: one document, no anchors, aliases or tags,
duplicate keys refused, floats read from their source text as Decimal. The
result is plain data (dict, list, str, int, Decimal, bool, None, date) plus the
line and column of every key and value, so later checks can point at them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, DocumentStartEvent, ScalarEvent
from ruamel.yaml.representer import RoundTripRepresenter

from ._unicode import REFUSED_CHARACTER, refusal

Path = tuple[str | int, ...]
Position = tuple[int, int]
Place = tuple[str, int, int] | tuple[str, int, int, str]
"""Where a value is written: file, line, column; for a workbook's cell, also its sheet."""

MAX_DEPTH = 64
MAX_INT_DIGITS = 100  # far past any accepted number (40 digits), far below any slow conversion
MAX_NODES = 50_000  # parsing takes about 2 s of CPU at this size (pure-Python YAML)


class YamlProblem(Exception):
    """The text is not YAML perfrules accepts; line and column count from 1."""

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, code: str = "unreadable"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.code = code


class _StrictComposer(Composer):
    """Refuses what perfrules does not accept while composing, before any value is built."""

    _nodes = 0
    _depth = 0

    def compose_document(self) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, DocumentStartEvent) and (event.version not in (None, (1, 2)) or event.tags):
            raise _refusal("only YAML 1.2 is read: remove the %YAML or %TAG directive", event)
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise _refusal("anchors and aliases (& and *) are not allowed", event)
        if getattr(event, "tag", None) is not None:
            raise _refusal(f"tags such as {event.tag!s} are not allowed", event)
        if isinstance(event, ScalarEvent) and event.value == "<<" and event.style is None and index is None:
            raise _refusal("merge keys (<<) are not allowed", event)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _refusal(f"the document has more than {MAX_NODES} nodes", event)
        if self._depth >= MAX_DEPTH:
            raise _refusal(f"the document nests deeper than {MAX_DEPTH} levels", event)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _refusal(message: str, event: Any) -> YamlProblem:
    mark = event.start_mark
    return YamlProblem(message, mark.line + 1, mark.column + 1)


class _DecimalConstructor(RoundTripConstructor):
    pass


# Floats come from their source text, so 0.10 stays Decimal("0.10") and no
# binary float is ever built.
def _construct_decimal(constructor: Any, node: Any) -> Decimal:
    try:
        value = Decimal(node.value.replace("_", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        mark = node.start_mark
        raise YamlProblem(f"{node.value!r} is not a finite number", mark.line + 1, mark.column + 1)
    return value


def _construct_int(constructor: Any, node: Any) -> Any:
    # Counted before converting: a million-digit integer would cost seconds to convert.
    digits = sum(character.isalnum() for character in node.value)  # hex and octal digits too
    if digits > MAX_INT_DIGITS:
        mark = node.start_mark
        raise YamlProblem(f"a number of {digits} digits is too long", mark.line + 1, mark.column + 1)
    return constructor.construct_yaml_int(node)


def _construct_text(constructor: Any, node: Any) -> str:
    # YAML 1.2's core schema has no dates: 2023-06-30 is text, as written (and 2024-02-30 no error).
    return str(node.value)


_DecimalConstructor.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalConstructor.add_constructor("tag:yaml.org,2002:int", _construct_int)
_DecimalConstructor.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


class _DecimalRepresenter(RoundTripRepresenter):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # perfrules refuses aliases on reading, so it never writes them


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    text = format(value, "f")
    # A whole number is written as an int, so it reads back without an explicit tag.
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return representer.represent_scalar(tag, text)


_DecimalRepresenter.add_representer(Decimal, _represent_decimal)


def _loader() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _StrictComposer
    yaml.Constructor = _DecimalConstructor
    return yaml


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
        tree = _loader().load(text)
    except YamlProblem:
        raise
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = " ".join(str(part) for part in (e.context, e.problem) if part)
        message = message.split("\n")[0].replace("while constructing a mapping ", "")
        if mark is None:
            raise YamlProblem(message) from None
        raise YamlProblem(message, mark.line + 1, mark.column + 1) from None
    except (YAMLError, ValueError, OverflowError, RecursionError) as e:
        raise YamlProblem(str(e).split("\n")[0]) from None
    if tree is None:
        raise YamlProblem("the document is empty", 1, 1)
    return _to_plain(tree, file)


def _to_plain(tree: Any, file: str) -> tuple[Any, dict[int, Marks]]:
    """Copy ruamel's tree into plain containers, iteratively, marking where each entry is.

    Marks are kept by container rather than by path, so they stay right when
    containers are moved, as merging an ``extends`` spec does.
    """
    marks: dict[int, Marks] = {}
    root = _scalar(tree)
    stack: list[tuple[Any, Any, Position]] = [(tree, root, (1, 1))]
    while stack:
        source, target, at = stack.pop()
        if not isinstance(source, (CommentedMap, CommentedSeq)):
            continue
        mark = marks[id(target)] = Marks((file, *at))
        if isinstance(source, CommentedMap):
            for key, value in source.items():
                if not isinstance(key, str):
                    line, column = source.lc.key(key)
                    raise YamlProblem(f'key {key} is not text; quote it: "{key}"', line + 1, column + 1)
                key_position = _one_based(source.lc.key(key))
                value_position = _one_based(source.lc.value(key))
                clean = _whole_characters(key, key_position)
                mark.keys[clean] = (file, *key_position)
                mark.values[clean] = (file, *value_position)
                target[clean] = _scalar(value, value_position)
                stack.append((value, target[clean], value_position))
        else:
            for index, value in enumerate(source):
                position = _one_based(source.lc.item(index))
                mark.values[index] = mark.keys[index] = (file, *position)
                target.append(_scalar(value, position))
                stack.append((value, target[index], position))
    return root, marks


def _one_based(position: tuple[int, int]) -> Position:
    return position[0] + 1, position[1] + 1


def _scalar(value: Any, position: Position = (1, 1)) -> Any:
    """An empty plain container for a collection, a plain value for a scalar."""
    if isinstance(value, CommentedMap):
        return {}
    if isinstance(value, CommentedSeq):
        return []
    if isinstance(value, bool) or value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return _whole_characters(str(value), position)
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(text: str, position: Position) -> str:
    """Join the surrogate pairs of JSON escapes ("\\ud840\\udc00" is one CJK character); refuse what the
    Unicode policy refuses, written as itself or as an escape ("\\u202e")."""
    why = refusal(text)
    if why is not None:
        raise YamlProblem(why, *position, code=REFUSED_CHARACTER)
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        code = ord(_SURROGATE.search(text).group())  # type: ignore[union-attr]
        raise YamlProblem(f"a lone surrogate U+{code:04X} is not a character", *position) from None


def dump_yaml(data: Any) -> str:
    """Write plain *data* as block-style YAML 1.2 that `load_yaml` reads back."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Representer = _DecimalRepresenter
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()
