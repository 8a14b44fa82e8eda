"""Per-item outcome records: which gold item a system found, missed or got wrong, and how."""

from __future__ import annotations

from dataclasses import asdict, dataclass

@dataclass(frozen=True)
class Detail:
    """One gold and/or predicted item with its outcome under one metric.

    `outcome` is the user-facing verdict (TP, FP, FN, partial, wrong_type, wrong_speaker,
    wrong_value, wrong_kind); `category` is the count it fed (correct, incorrect, partial,
    missed, spurious). `gold` and `pred` are dicts with at least `start`, `end` and `text`
    (character offsets into the document), or None for a spurious / missed item.
    """

    doc_id: str
    task: str
    subset: str
    metric: str
    outcome: str
    category: str
    gold: dict | None
    pred: dict | None
    unit: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def start(self) -> int:
        """Offset of the item in the document (gold if any, else predicted)."""
        return (self.gold or self.pred or {}).get("start", -1)
