"""Documents: a spec or facts source read into plain data that knows where each value came from."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import field, frozen

from ._diagnostics import Diagnostic, Location, did_you_mean
from ._lang import Language
from ._numbers import not_a_number, to_decimal
from ._slips import bracket_hint, colon_in_key
from ._unicode import REFUSED_CHARACTER, line_and_column, printable, refusal, refused
from ._yaml import MAX_DEPTH, MAX_NODES, Marks, YamlProblem, load_yaml
from ._yaml import Path as DataPath
from .exceptions import SourceNotFoundError

Source = str | os.PathLike[str] | Mapping[str, Any]
"""A path, the document's text (anything with a line break), or a mapping."""

MAX_BYTES = 2 * 1024 * 1024


@frozen
class Document:
    """Plain data from a source, with the file, line and column of every key and value.

    Attributes:
        file: How messages name the source: its path, ``<text>`` or ``<mapping>``.
        data: Plain dicts, lists, str, int, Decimal, bool, None.
        sha256: Hex digest of the source bytes (of canonical JSON for a mapping).
    """

    file: str
    data: Any = field(repr=False)
    sha256: str
    _marks: Mapping[int, Marks] = field(factory=dict, repr=False, alias="marks")

    def location(self, path: DataPath, *, key: bool = False) -> Location:
        """Where *path* is: its key (for unknown-key messages) or its value.

        Falls back to the nearest enclosing entry the source has a position for;
        an entry merged in from another file reports that file.
        """
        found = Location(self.file)
        node = self.data
        for index, step in enumerate(path):
            # Containers built by merging may have no marks of their own: walk through them.
            mark = self._marks.get(id(node))
            last = index == len(path) - 1
            place = (mark.keys if key and last else mark.values).get(step) if mark is not None else None
            if place is not None:
                found = Location(*place)
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        if not path and id(node) in self._marks:
            found = Location(*self._marks[id(node)].at)
        return found

    def value(self, path: DataPath) -> object:
        """The value at *path*, or None where there is none."""
        node: Any = self.data
        for step in path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def marks(self) -> Mapping[int, Marks]:
        """The marks of every container, by ``id()``, for building merged documents."""
        return self._marks


_WHAT_ZH = {"spec": "规范", "facts": "填报数据", "review": "复核文件", "document": "文件"}
"""The words for what a document is, in Chinese (see docs/glossary.md)."""


_OS_ERRORS_ZH = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ENOENT: "文件不存在",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENAMETOOLONG: "路径过长",
    errno.ELOOP: "符号链接循环",
    errno.EIO: "读写出错",
}
"""The system's reasons a file cannot be read, in Chinese; any other keeps the system's words."""


def read_document(source: Source, *, what: str) -> Document:
    """Read *source* (see `Source`) into a `Document`.

    Raises:
        SourceNotFoundError: *source* is a path that does not exist.
        DocumentProblem: the bytes are not UTF-8 YAML (or JSON) perfrules accepts.
    """
    if isinstance(source, Mapping):
        data = _plain_copy(source)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return Document("<mapping>", data, _digest(canonical.encode("utf-8", "surrogatepass")))
    if is_text(source):
        return parse_document(str(source).encode("utf-8", "surrogatepass"), "<text>")
    if not isinstance(source, (str, os.PathLike)):  # callers without type checking
        msg = f"a {what} is a path, its text or a mapping, not {type(source).__name__}"  # type: ignore[unreachable]
        zh = f"{_WHAT_ZH.get(what, what)}应为路径、文本或映射，而不是 {type(source).__name__}"
        raise SourceNotFoundError(msg, message_zh=zh)
    path = Path(source)
    try:
        if not path.is_file():
            msg = f"{what} {os.fspath(source)!r:.200} is not a file"
            raise SourceNotFoundError(msg, message_zh=f"{_WHAT_ZH.get(what, what)} {os.fspath(source)!r:.200} 不是文件")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentProblem(
                f"the file is {size} bytes; the limit is {MAX_BYTES}",
                Location(printable(str(path))),
                zh=f"文件有 {size} 字节，超过上限 {MAX_BYTES}",
            )
        raw = path.read_bytes()
    except SourceNotFoundError:
        raise
    except OSError as e:
        msg = f"cannot read {what} {os.fspath(source)!r:.200}: {e.strerror or e}"
        why = _OS_ERRORS_ZH.get(e.errno or 0, e.strerror or str(e))
        zh = f"无法读取{_WHAT_ZH.get(what, what)} {os.fspath(source)!r:.200}：{why}"
        raise SourceNotFoundError(msg, message_zh=zh) from None
    return parse_document(raw, printable(str(path)))


def is_file(name: str) -> bool:
    """Whether *name* is an existing file (False, not an error, for a name too long to be a path)."""
    try:
        return Path(name).is_file()
    except OSError:
        return False


def is_text(source: object) -> bool:
    """Whether a string source is the document itself rather than a path: it spans lines or is JSON."""
    return isinstance(source, str) and ("\n" in source or "\r" in source or source.lstrip().startswith(("{", "[")))


class DocumentProblem(Exception):
    """The source cannot be read as a document; the caller turns it into its own error."""

    def __init__(self, message: str, location: Location, code: str = "unreadable", *, zh: str | None = None) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic("error", code, message, location=location, message_zh=zh)


def parse_document(raw: bytes, file: str) -> Document:
    """Decode *raw* as strict UTF-8 (one BOM allowed) and parse it as YAML 1.2 (JSON included)."""
    if len(raw) > MAX_BYTES:
        raise DocumentProblem(
            f"the document is {len(raw)} bytes; the limit is {MAX_BYTES}",
            Location(file),
            zh=f"文件有 {len(raw)} 字节，超过上限 {MAX_BYTES}",
        )
    text_bytes = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = text_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        line = text_bytes[: e.start].count(b"\n") + 1
        msg = f"not UTF-8 at byte {e.start}; save the file as UTF-8"
        zh = f"第 {e.start} 字节起不是 UTF-8 编码；请将文件另存为 UTF-8"
        raise DocumentProblem(msg, Location(file, line), zh=zh) from None
    why = refusal(text)
    if why is not None:
        index = next(refused(text))[0]
        location = Location(file, *line_and_column(text, index))
        raise DocumentProblem(why, location, REFUSED_CHARACTER, zh=refusal(text, "zh"))
    try:
        data, marks = load_yaml(text, file)
    except YamlProblem as e:
        where, where_zh = (f"{key_path(e.path)}: ", f"{key_path(e.path, 'zh')}：") if e.path else ("", "")
        chinese = f"{where_zh}{e.message_zh}" if e.message_zh else None
        raise DocumentProblem(where + e.message, Location(file, e.line, e.column), e.code, zh=chinese) from None
    return Document(file, data, _digest(raw), marks=marks)


def key_path(path: DataPath, lang: Language = "en") -> str:
    """*path* as people read it: ``indicators › 2 › 2.3 › weight``; an item without an id by its place in its
    list (``#3``, ``第3项``), and ``children`` left out before an id (the ids already show the nesting)."""
    shown: list[str] = []
    for index, step in enumerate(path):
        following = path[index + 1] if index + 1 < len(path) else None
        if step == "children" and isinstance(following, str):
            continue
        if isinstance(step, int):
            shown.append(f"#{step + 1}" if lang == "en" else f"第{step + 1}项")
        else:
            shown.append(step)
    return " › ".join(shown)


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _plain_copy(value: Any) -> Any:
    """Copy nested mappings and lists into plain ones, with the limits YAML documents have."""
    root = _empty_like(value)
    stack: list[tuple[Any, Any, int]] = [(value, root, 0)]
    nodes = 0
    while stack:
        source, target, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES or depth > MAX_DEPTH:
            raise DocumentProblem(
                f"the mapping is larger than {MAX_NODES} nodes or {MAX_DEPTH} levels",
                Location("<mapping>"),
                zh=f"映射超过 {MAX_NODES} 个节点或 {MAX_DEPTH} 层",
            )
        if isinstance(source, Mapping):
            for key, item in source.items():
                if not isinstance(key, str):
                    raise DocumentProblem(
                        f"key {key!r:.80} is not text", Location("<mapping>"), zh=f"键 {key!r:.80} 不是文字"
                    )
                _whole_text(key)
                target[key] = _empty_like(item)
                stack.append((item, target[key], depth + 1))
        elif isinstance(source, (list, tuple)):
            for item in source:
                target.append(_empty_like(item))
                stack.append((item, target[-1], depth + 1))
    return root


def _empty_like(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {}
    if isinstance(value, (list, tuple)):
        return []
    if isinstance(value, str):
        _whole_text(value)
    return value


def _whole_text(text: str) -> None:
    """Refuse text with a lone surrogate (it is no character, and nothing can print it) or a character
    the Unicode policy refuses."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        code = ord(text[e.start])
        msg = f"a lone surrogate U+{code:04X} is not a character"
        raise DocumentProblem(msg, Location("<mapping>"), zh=f"孤立的代理码元 U+{code:04X} 不是字符") from None
    why = refusal(text)
    if why is not None:
        zh = f"{text[:40]!r} 中：{refusal(text, 'zh')}"
        raise DocumentProblem(f"in {text[:40]!r}: {why}", Location("<mapping>"), REFUSED_CHARACTER, zh=zh)


class DocumentReader:
    """Reads a document's data into values while collecting every problem, each located.

    Each reading helper reports its own problem and returns a usable stand-in
    (None), so reading goes on and all problems are found in one pass.
    """

    what = "document"
    what_zh = "文件"

    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Diagnostic] = []

    def error(
        self,
        code: str,
        message: str,
        path: DataPath,
        *,
        indicator: str | None = None,
        key: bool = False,
        zh: str | None = None,
    ) -> None:
        """Note a problem at *path*: *message* in English, *zh* in Chinese."""
        location = self.document.location(path, key=key)
        if not key and (
            hint := bracket_hint(self.document.value(path))
        ):  # 【a, b】 read as text, where a list was meant
            message, zh = message + hint[0], (zh or message) + hint[1]
        self.problems.append(Diagnostic("error", code, message, indicator, location, zh))

    def summary(self) -> str:
        """``file: N problems in the <what>``, the headline of the error raised."""
        self.problems.sort(key=_reading_order)
        count = len(self.problems)
        return f"{self.document.file}: {count} problem{'s' * (count != 1)} in the {self.what}"

    def summary_zh(self) -> str:
        """`summary` in Chinese."""
        return f"{self.document.file}：{self.what_zh}中有 {len(self.problems)} 处问题"

    def unknown_keys(
        self, mapping: dict[str, Any], path: DataPath, known: Sequence[str], *, indicator: str | None = None
    ) -> None:
        for key in mapping:
            if key not in known:
                message = f"unknown key {key!r}{did_you_mean(key, known)}"
                zh = f"无法识别的键 {key!r}{did_you_mean(key, known, 'zh')}"
                if slip := colon_in_key(key):
                    message, zh = f"unknown key {key!r}: {slip[0]}", f"无法识别的键 {key!r}：{slip[1]}"
                self.error("unknown-key", message, (*path, key), indicator=indicator, key=True, zh=zh)

    def mapping(self, mapping: dict[str, Any], path: DataPath, key: str, what: str) -> dict[str, Any]:
        """``mapping[key]`` when it is a mapping (empty when absent)."""
        value = mapping.get(key, {})
        if not isinstance(value, dict):
            self.error(
                "bad-value", f"{key!r} must be a mapping of {what}", (*path, key), zh=f"{key!r} 应为映射（键: 值）"
            )
            return {}
        return value

    def text(
        self,
        mapping: dict[str, Any],
        path: DataPath,
        key: str,
        *,
        required: bool = False,
        empty: bool = False,
        indicator: str | None = None,
    ) -> str | None:
        """``mapping[key]`` when it is text (non-empty unless *empty* is allowed)."""
        value = mapping.get(key)
        if value is None:
            if required:
                at = path or (key,)
                self.error(
                    "missing-key", f"{key!r} is required", at, indicator=indicator, key=not path, zh=f"须填写 {key!r}"
                )
            return None
        if not isinstance(value, str) or not (empty or value.strip()):
            shape, shape_zh = ("text", "文字") if empty else ("non-empty text", "非空文字")
            message = f"{key!r} must be {shape}, not {value!r:.80}"
            zh = f"{key!r} 应为{shape_zh}，现为 {value!r:.80}"
            self.error("bad-value", message, (*path, key), indicator=indicator, zh=zh)
            return None
        return value

    def number(
        self, mapping: dict[str, Any], path: DataPath, key: str, *, indicator: str | None = None
    ) -> Decimal | None:
        """``mapping[key]`` as a Decimal, when it is a number in range."""
        value = to_decimal(mapping.get(key))
        if value is None:
            message = f"{key!r} must be a number, {not_a_number(mapping.get(key))}"
            zh = f"{key!r} 应填数字，{not_a_number(mapping.get(key), 'zh')}"
            self.error("bad-number", message, (*path, key), indicator=indicator, zh=zh)
        return value


def _reading_order(problem: Diagnostic) -> tuple[int, int]:
    location = problem.location
    return (location.line or 0, location.column or 0) if location else (0, 0)
