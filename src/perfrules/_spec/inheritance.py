"""Spec inheritance: a spec that ``extends`` another and changes it through ``overrides``.

The base is read as plain data, the extending spec's keys and overrides are
applied to it, and the merged document is then validated like any spec. Every
entry keeps the file and line it came from, so a problem in an override points
at the overriding file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._diagnostics import did_you_mean
from .._document import Document, DocumentReader
from .._yaml import Marks
from .._yaml import Path as DataPath
from ..exceptions import SpecError

MAX_CHAIN = 8

# Keys of an indicator that are not its rule: a new kind or expression keeps them.
DESCRIPTIVE = frozenset({"name", "name_en", "weight", "explanation", "explanation_en", "note", "not_applicable"})
# Keys that say where an added indicator goes, or that one is removed.
PLACEMENT = frozenset({"parent", "remove"})

Resolve = Callable[[str, Document], Document]
"""Reads the document an ``extends:`` names, relative to the extending document."""


def merge(document: Document, resolve: Resolve, *, chain: tuple[str, ...] = ()) -> tuple[Document, tuple[str, ...]]:
    """*document* with the spec it extends merged in, and the files of the specs it extends.

    Raises:
        SpecError: the base cannot be found or read, the chain is circular or
            too long, or an override is malformed (all problems, located).
    """
    data = document.data
    if not isinstance(data, dict) or "extends" not in data:
        return document, ()
    merger = _Merger(document)
    reference = data["extends"]
    if not isinstance(reference, str) or not reference:
        message = "extends names a spec: its id, id@version, or a path"
        merger.error("bad-value", message, ("extends",), zh="extends 应写所继承的规范：其 id、id@version 或路径")
        raise merger.failure()
    # Text and mapping sources all share a display name, so they are told apart by their digest.
    identity = document.file if not document.file.startswith("<") else f"{document.file}#{document.sha256}"
    if identity in chain or len(chain) >= MAX_CHAIN:
        merger.error(
            "extends-cycle",
            f"extends goes round in a circle or deeper than {MAX_CHAIN}: {' -> '.join((*chain, document.file))}",
            ("extends",),
            zh=f"extends 形成循环，或超过 {MAX_CHAIN} 层：{' -> '.join((*chain, document.file))}",
        )
        raise merger.failure()
    base, bases = merge(resolve(reference, document), resolve, chain=(*chain, identity))
    return merger.apply(base), (base.file, *bases)


class _Merger(DocumentReader):
    what = "spec's extends and overrides"
    what_zh = "规范的继承（extends）与改写（overrides）"

    def failure(self) -> SpecError:
        return SpecError(self.summary(), self.problems, message_zh=self.summary_zh())

    def apply(self, base: Document) -> Document:
        """The base's data changed as the extending document says; the base is consumed."""
        merged, own = base.data, self.document.data
        marks: dict[int, Marks] = {**base.marks(), **self.document.marks()}
        if not isinstance(merged, dict):
            self.error("bad-value", f"{base.file} is not a spec", ("extends",), zh=f"{base.file} 不是规范")
            raise self.failure()
        for required in ("id", "version"):
            if required not in own:
                message = f"an extending spec needs its own {required!r}"
                self.error("missing-key", message, ("extends",), zh=f"继承其他规范的规范须有自己的 {required!r}")
        if "indicators" in own:
            self.error(
                "bad-value",
                "an extending spec changes indicators through 'overrides', by id",
                ("indicators",),
                key=True,
                zh="继承其他规范的规范通过 'overrides' 按编号改写指标",
            )
        root, own_root = marks.get(id(merged)), marks.get(id(own))
        for key, value in own.items():
            if key in ("extends", "overrides", "indicators"):
                continue
            if key in ("facts", "vocabulary") and isinstance(value, dict) and isinstance(merged.get(key), dict):
                _copy_entries(value, merged[key], marks)  # facts merge by name, a vocabulary by tier
            else:
                merged[key] = value
                _copy_mark(own_root, root, key)
        overrides = own.get("overrides", {})
        if not isinstance(overrides, dict):
            message = "overrides maps indicator ids to changes"
            self.error("bad-value", message, ("overrides",), zh="overrides 应为“指标编号: 改写内容”的映射")
        else:
            self.override(merged, overrides, marks)
        if self.problems:
            raise self.failure()
        return Document(self.document.file, merged, self.document.sha256, marks=marks)

    def override(self, merged: dict[str, Any], overrides: dict[str, Any], marks: dict[int, Marks]) -> None:
        nodes = indicator_index(merged.get("indicators"))
        added: set[str] = set()
        for indicator_id, change in overrides.items():
            at: DataPath = ("overrides", indicator_id)
            if not isinstance(change, dict):
                self.error(
                    "bad-value",
                    "an override is a mapping such as {weight: 5} or {remove: true}",
                    at,
                    indicator=indicator_id,
                    zh="改写内容应为映射，如 {weight: 5} 或 {remove: true}",
                )
                continue
            if "id" in change and indicator_id in nodes:
                self.error(
                    "bad-value",
                    "ids are stable: an override cannot change one",
                    (*at, "id"),
                    indicator=indicator_id,
                    key=True,
                    zh="指标编号不能改写",
                )
            elif indicator_id not in nodes:
                if self.add(indicator_id, change, nodes, at, marks):
                    added.add(indicator_id)
            elif change.get("remove") is True:
                if set(change) != {"remove"}:
                    message = "remove: true stands alone"
                    self.error("bad-value", message, at, indicator=indicator_id, zh="remove: true 须单独使用")
                    continue
                siblings, node = nodes.pop(indicator_id)
                below = set(indicator_index(node.get("children")))
                if below & added:
                    shown = ", ".join(sorted(below & added))
                    self.error(
                        "bad-value",
                        f"removing {indicator_id!r} would drop {shown}, added above",
                        at,
                        indicator=indicator_id,
                        zh=f"删除 {indicator_id!r} 会连带删去前面新增的 {shown}",
                    )
                    continue
                siblings.remove(node)
                for child_id in below:
                    nodes.pop(child_id, None)
            elif PLACEMENT & set(change):
                self.error(
                    "bad-value",
                    f"{indicator_id!r} exists: 'parent' is for adding, 'remove' takes true",
                    at,
                    indicator=indicator_id,
                    zh=f"指标 {indicator_id!r} 已存在：'parent' 用于新增，'remove' 只取 true",
                )
            elif "children" in change:
                self.error(
                    "bad-value",
                    "children change one by one: override, add (with parent) or remove them by id",
                    (*at, "children"),
                    indicator=indicator_id,
                    key=True,
                    zh="下级指标须逐个按编号改写、新增（写 parent）或删除",
                )
            else:
                _, node = nodes[indicator_id]
                if {"kind", "expression"} & set(change):  # a new rule replaces the old one whole
                    for key in set(node) - DESCRIPTIVE - {"id", "children"}:
                        del node[key]
                _copy_entries(change, node, marks)

    def add(
        self, indicator_id: str, change: dict[str, Any], nodes: dict[str, Any], at: DataPath, marks: dict[int, Marks]
    ) -> bool:
        parent = change.get("parent")
        if parent is not None and not isinstance(parent, str):
            self.error(
                "bad-value",
                f"parent is an indicator id, not {parent!r:.40}",
                (*at, "parent"),
                indicator=indicator_id,
                zh=f"parent（上级指标）应为指标编号，现为 {parent!r:.40}",
            )
            return False
        if parent is None:
            hint = did_you_mean(indicator_id, nodes)
            message = f"no indicator {indicator_id!r} to override{hint}; to add one, give its 'parent'"
            zh = f"没有可改写的指标 {indicator_id!r}{did_you_mean(indicator_id, nodes, 'zh')}；若要新增，请写明其 'parent'"
            self.error("unknown-indicator", message, at, indicator=indicator_id, key=True, zh=zh)
            return False
        if parent not in nodes:
            self.error(
                "unknown-indicator",
                f"no parent {parent!r}{did_you_mean(str(parent), nodes)}",
                (*at, "parent"),
                indicator=indicator_id,
                zh=f"没有上级指标 {parent!r}{did_you_mean(str(parent), nodes, 'zh')}",
            )
            return False
        _, parent_node = nodes[parent]
        children = parent_node.get("children")
        if not isinstance(children, list):
            self.error(
                "bad-value",
                f"{parent!r} is a leaf: it has no children to add to",
                (*at, "parent"),
                indicator=indicator_id,
                zh=f"{parent!r} 是末级指标，不能在其下新增",
            )
            return False
        del change["parent"]
        # The override's own mapping becomes the new indicator, keeping its marks.
        change.setdefault("id", indicator_id)
        children.append(change)
        nodes[indicator_id] = (children, change)
        # The new entry of the parent's list is written where the override is.
        if id(children) in marks and id(self.document.data.get("overrides")) in marks:
            place = marks[id(self.document.data["overrides"])].keys.get(indicator_id)
            if place is not None:
                marks[id(children)].values[len(children) - 1] = place
                marks[id(children)].keys[len(children) - 1] = place
        return True


def indicator_index(indicators: Any) -> dict[str, tuple[list[Any], dict[str, Any]]]:
    """Every indicator by id, with the list it sits in, iteratively."""
    found: dict[str, tuple[list[Any], dict[str, Any]]] = {}
    stack = [indicators]
    while stack:
        level = stack.pop()
        if not isinstance(level, list):
            continue
        for node in level:
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                found.setdefault(node["id"], (level, node))
                stack.append(node.get("children"))
    return found


def _copy_entries(source: dict[str, Any], target: dict[str, Any], marks: dict[int, Marks]) -> None:
    """Set *source*'s entries on *target*, with the places they were written."""
    for key, value in source.items():
        target[key] = value
        _copy_mark(marks.get(id(source)), marks.get(id(target)), key)


def _copy_mark(source: Marks | None, target: Marks | None, key: str) -> None:
    if source is None or target is None:
        return
    for kind in ("keys", "values"):
        place = getattr(source, kind).get(key)
        if place is not None:
            getattr(target, kind)[key] = place
