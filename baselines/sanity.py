"""Sanity systems that prove the pipeline end to end: `oracle` (the gold) and `empty`."""

from __future__ import annotations

from khabar.model import Document, PredEntity, PredNumber, PredQuote, Prediction

from khabar.scoring.tasks import TASKS


class Oracle:
    """Returns the gold itself; every metric must be 1.0."""

    name = "oracle"
    tasks = TASKS

    def predict(self, documents: list[Document]) -> list[Prediction]:
        return [
            Prediction(
                id=d.id,
                entities=[PredEntity(m.span, m.type) for m in d.ner_mentions],
                quotes=[PredQuote(q.cue, q.content, q.source, q.type) for q in d.quotes],
                numbers=[PredNumber(n.span, n.value, n.kind, n.unit) for n in d.numbers],
            )
            for d in documents
        ]


class Empty:
    """Predicts nothing for every task; recall must be 0."""

    name = "empty"
    tasks = TASKS

    def predict(self, documents: list[Document]) -> list[Prediction]:
        return [Prediction(id=d.id, entities=[], quotes=[], numbers=[]) for d in documents]
