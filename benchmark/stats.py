"""Counts of the gold per task and type: what `khabar validate` prints."""

from __future__ import annotations

from collections import Counter

from .model import Gold


def gold_counts(gold: Gold) -> dict[str, dict[str, int]]:
    """{task: {label: count}} over all documents, with a `total` per task."""
    ner, forms, quotes, numbers, entities = Counter(), Counter(), Counter(), Counter(), Counter()
    for d in gold.documents:
        for m in d.ner_mentions:
            ner[m.type] += 1
            forms[m.form] += 1
        for e in d.entities:
            entities[e.type] += 1
        for q in d.quotes:
            quotes[q.type] += 1
        for n in d.numbers:
            numbers[n.kind] += 1
    out = {
        "documents": {"total": len(gold.documents)},
        "ner": dict(sorted(ner.items())),
        "ner forms": dict(sorted(forms.items())),
        "entities": dict(sorted(entities.items())),
        "quotes": dict(sorted(quotes.items())),
        "numbers": dict(sorted(numbers.items())),
    }
    for k, v in out.items():
        if k != "documents":
            v["total"] = sum(v.values())
    return out
