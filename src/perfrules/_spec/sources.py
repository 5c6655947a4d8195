"""Where specs come from: files, registered ids with their versions, and the specs a spec extends."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .._diagnostics import Diagnostic, did_you_mean
from .._document import Document, DocumentProblem, Source, read_document
from .._plugins.registry import Registry
from ..exceptions import SourceNotFoundError, SpecError

if TYPE_CHECKING:
    pass


def read_spec_document(source: Source) -> Document:
    try:
        return read_document(source, what="spec")
    except DocumentProblem as e:
        raise SpecError(
            f"{e.diagnostic.location}: cannot read the spec",
            [e.diagnostic],
            message_zh=f"{e.diagnostic.location}：无法读取规范",
        ) from None


def read_base(reference: str, by: Document, registry: Registry) -> Document:
    """The document *by*'s ``extends: reference`` names: a registered id, or a path inside *by*'s folder.

    A path may not leave that folder (the working directory for a spec given as
    text), so a spec cannot make perfrules read, and echo the keys of, any file.
    """
    folder = Path(by.file).parent if not by.file.startswith("<") else Path.cwd()
    try:
        if reference.endswith((".yaml", ".yml", ".json")):
            target = folder / reference
            if Path(reference).is_absolute() or not target.resolve().is_relative_to(folder.resolve()):
                message = (
                    f"extends {reference!r:.200} leaves the spec's folder: name a file in it, or a registered spec"
                )
                zh = f"extends {reference!r:.200} 指向规范所在文件夹之外：请写该文件夹中的文件，或已登记的规范"
                problem = Diagnostic("error", "extends-outside", message, None, by.location(("extends",)), zh)
                raise SpecError(f"{by.file}: {message}", [problem], message_zh=f"{by.file}：{zh}")
            return read_spec_document(target)
        return read_spec_document(registry.specs[registered_spec(reference, registry)])
    except SourceNotFoundError as e:
        problem = Diagnostic(
            "error",
            "extends-missing",
            f"cannot find the spec it extends: {e.args[0]}",
            location=by.location(("extends",)),
            message_zh=f"找不到所继承的规范：{e.text('zh')}",
        )
        zh = f"{by.file}：所继承的规范不存在"
        raise SpecError(f"{by.file}: the spec it extends is missing", [problem], message_zh=zh) from None


def registered_spec(reference: str, registry: Registry, *, year: int | None = None) -> str:
    """The registered ``id@version`` that *reference* (``id`` or ``id@version``) names.

    Without a version, the latest one (numbers compared as numbers), or the
    latest whose version starts with *year*.

    Raises:
        SourceNotFoundError: nothing registered matches, with what there is.
    """
    spec_id, at, version = reference.partition("@")
    if at:
        if reference in registry.specs:
            return reference
        candidates = []
    else:
        candidates = [name for name in registry.specs if name.partition("@")[0] == spec_id]
        if year is not None:
            candidates = [name for name in candidates if _fiscal_year(name.partition("@")[2]) == year]
    if candidates:
        # Ties ("2022" and "02022") are broken on the text, so the choice never depends on order.
        return max(candidates, key=lambda name: (_natural(name.partition("@")[2]), name))
    known = [name for name in registry.specs if name.partition("@")[0] == spec_id]
    if known:
        wanted = f"version {version!r}" if at else f"version for fiscal year {year}"
        msg = f"spec {spec_id!r} has no {wanted}; registered: {', '.join(sorted(known))}"
        wanted_zh = f"版本 {version!r}" if at else f"{year} 年度的版本"
        zh = f"规范 {spec_id!r} 没有{wanted_zh}；已登记：{', '.join(sorted(known))}"
    else:
        ids = {name.partition("@")[0] for name in registry.specs}
        msg = f"spec {reference!r:.200} is neither a file nor a registered spec{did_you_mean(spec_id, ids)}"
        zh = f"规范 {reference!r:.200} 既不是文件，也不是已登记的规范{did_you_mean(spec_id, ids, 'zh')}"
    raise SourceNotFoundError(msg, message_zh=zh)


def _fiscal_year(version: str) -> int | None:
    match = re.match(r"(\d{4})(?!\d)", version)
    return int(match[1]) if match else None


def _natural(version: str) -> tuple[tuple[int, str], ...]:
    # Runs of digits compare as numbers, so "10" sorts after "9".
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", version) if part)
