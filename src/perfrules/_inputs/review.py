"""The review (复核): a finance bureau's scores and notes on a unit's self-evaluation.

A review is a file of its own or the ``review:`` section of a facts file, in the same shape::

    reviewer: 黄埔区财政局
    date: "2023-06-30"
    opinion: 自评基本属实。
    indicators:
      "1.1.3": {score: 9.5, note: 执行数以决算为准}
      "2.5.1": {note: 采购意向公开延迟属实}

Which score is final is the spec's ``final_score`` rule; whether a review fits
the evaluated form (known leaves, scores within their weights) is checked by `evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import field, frozen

from .._diagnostics import Location
from .._document import Document, DocumentProblem, DocumentReader, Source, read_document
from .._numbers import exact
from .._yaml import Path as DataPath
from ..exceptions import ReviewError

FINAL_SCORE_RULES = ("reviewer", "lower", "self")
"""``reviewer``: the 复核分 where there is one; ``lower``: the lower of 自评分 and 复核分;
``self``: the 自评分 stands, the review is advisory."""

_KEYS = ("reviewer", "date", "opinion", "indicators")
_ENTRY_KEYS = ("score", "note")


@frozen
class ReviewEntry:
    """The reviewer's word on one indicator.

    Attributes:
        score: The review score (复核分), for a leaf.
        note: The reviewer's note (复核意见).
    """

    score: Decimal | None = None
    note: str | None = None


@frozen
class Review:
    """A review of one unit's self-evaluation.

    Attributes:
        reviewer: Who reviewed (复核单位).
        date: When, as written.
        opinion: The overall opinion (复核意见).
        entries: Scores and notes by indicator id.
        file: Where the review was read from.
    """

    reviewer: str | None = None
    date: str | None = None
    opinion: str | None = None
    entries: Mapping[str, ReviewEntry] = field(factory=dict)
    file: str = field(default="<review>", eq=False)
    _document: Document | None = field(default=None, eq=False, repr=False, alias="document")
    _prefix: DataPath = field(default=(), eq=False, repr=False, alias="prefix")

    def location(self, *path: str | int) -> Location:
        """Where an entry of the review is written."""
        if self._document is None:
            return Location(self.file)
        return self._document.location((*self._prefix, *path))


@exact
def load_review(source: Source) -> Review:
    """Read a review file (YAML or JSON), a text or a mapping.

    Raises:
        ReviewError: listing every problem found.
    """
    try:
        document = read_document(source, what="review")
    except DocumentProblem as e:
        raise ReviewError(
            f"{e.diagnostic.location}: cannot read the review",
            [e.diagnostic],
            message_zh=f"{e.diagnostic.location}：无法读取复核文件",
        ) from None
    reader = DocumentReader(document)
    reader.what = "review"
    reader.what_zh = "复核文件"
    review = read_review(reader, document.data, ())
    if reader.problems:
        raise ReviewError(reader.summary(), reader.problems, message_zh=reader.summary_zh())
    return review


def read_review(reader: DocumentReader, data: Any, prefix: DataPath) -> Review:
    """The review at *prefix* of *reader*'s document, each problem reported through *reader*."""
    if not isinstance(data, dict):
        message = "a review is a mapping with reviewer, date, opinion and indicators"
        zh = "复核应为映射，包含 reviewer（复核人）、date（日期）、opinion（意见）和 indicators（指标）"
        reader.error("bad-value", message, prefix, zh=zh)
        return Review(file=reader.document.file)
    reader.unknown_keys(data, prefix, _KEYS)
    entries = {}
    for indicator_id, entry in reader.mapping(data, prefix, "indicators", "indicator ids to {score, note}").items():
        path: DataPath = (*prefix, "indicators", indicator_id)
        if not isinstance(entry, dict):
            message = "a review entry is {score: ..., note: ...}"
            zh = "复核条目应写作 {score: 复核分, note: 复核意见}"
            reader.error("bad-value", message, path, indicator=indicator_id, zh=zh)
            continue
        reader.unknown_keys(entry, path, _ENTRY_KEYS, indicator=indicator_id)
        score = reader.number(entry, path, "score", indicator=indicator_id) if entry.get("score") is not None else None
        note = reader.text(entry, path, "note", indicator=indicator_id)
        entries[indicator_id] = ReviewEntry(score, note)
    date = data.get("date")
    if date is not None and not isinstance(date, str):
        message = f"'date' is text such as \"2023-06-30\", not {date!r:.40}"
        zh = f"'date'（日期）应为文字，如 \"2023-06-30\"，现为 {date!r:.40}"
        reader.error("bad-value", message, (*prefix, "date"), zh=zh)
        date = None
    return Review(
        reviewer=reader.text(data, prefix, "reviewer"),
        date=date,
        opinion=reader.text(data, prefix, "opinion"),
        entries=entries,
        file=reader.document.file,
        document=reader.document,
        prefix=prefix,
    )
