"""Counting a whole corpus: gold documents against predictions, into one mergeable `Tally`."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from collections.abc import Sequence

from ..errors import KhabarError
from ..model import Document, Gold, Prediction, Span
from ..tokens import tokenize
from ..schema import map_type
from .counts import Accumulator, Tally
from .details import Detail
from .ner import MODES as NER_MODES
from .overlap import OVERLAP_THRESHOLD
from .prf import SPU
from .tasks import REGISTRY, TASKS, Context


def predicted_tasks(predictions: Sequence[Prediction]) -> tuple[str, ...]:
    """The tasks that at least one prediction fills (in khabar's task order)."""
    return tuple(t.name for t in REGISTRY.values() if any(getattr(p, t.field) is not None for p in predictions))


def resolve_tasks(tasks, predictions: Sequence[Prediction]) -> tuple[str, ...]:
    """`tasks` checked, or the predicted ones (all three when nothing is predicted)."""
    from ..params import check_tasks

    chosen = check_tasks(tasks, TASKS)
    if chosen is None:
        return predicted_tasks(predictions) or TASKS
    return chosen


def paragraph_units(doc: Document):
    """(unit names of the non-empty paragraphs, offset -> unit name)."""
    paras = doc.paragraphs()
    starts = [p.start for p in paras]
    names = [f"{doc.id}:{i}" for i in range(len(paras))]

    def unit_of(offset: int) -> str:
        return names[max(0, bisect_right(starts, offset) - 1)]

    return [names[i] for i, p in enumerate(paras) if p.text.strip()], unit_of


def tally(gold: Gold | Sequence[Document], predictions: Sequence[Prediction], *, tasks=None, scheme: str = "fine",
          overlap: float = OVERLAP_THRESHOLD, label_map: dict[str, str] | None = None,
          details: list[Detail] | None = None, notes: list[str] | None = None) -> Tally:
    """Counts of every metric line, per paragraph, for the documents of `gold`.

    A gold document without a prediction counts as predicting nothing. Predictions for a
    document that is not in the gold, or two predictions for one document, are errors.
    """
    docs = gold.documents if isinstance(gold, Gold) else list(gold)
    tasks = resolve_tasks(tasks, predictions)
    by_id: dict[str, Prediction] = {}
    ids = {d.id for d in docs}
    for p in predictions:
        if p.id not in ids:
            raise KhabarError(f"unknown document id {p.id!r}", field="id")
        if p.id in by_id:
            raise KhabarError(f"duplicate document id {p.id!r}", field="id")
        by_id[p.id] = p
    from ..schema import types_of

    gold_labels = sorted({map_type(m.type, scheme) for d in docs for m in d.ner_mentions} - {None},
                         key=types_of(scheme).index)
    acc = Accumulator("paragraph")
    missing = 0
    for doc in docs:
        names, unit_of = paragraph_units(doc)
        for n in names:
            acc.unit(n)
        pred = by_id.get(doc.id)
        if pred is None:
            missing += 1
            pred = Prediction(doc.id)
        ctx = Context(unit_of, scheme, overlap, label_map, gold_labels, details)
        for t in tasks:
            REGISTRY[t].tally(acc, doc, getattr(pred, REGISTRY[t].field) or [], ctx)
        if pred.unaligned:
            _tally_unaligned(acc, doc, pred, tasks, replace(ctx, details=None))
    if notes is not None:
        if missing:
            notes.append(f"{missing} gold document(s) had no prediction and count as predicting nothing")
        for t in tasks:
            if predictions and not any(getattr(p, REGISTRY[t].field) is not None for p in predictions):
                notes.append(f"no prediction fills task {t!r}: scored as predicting nothing")
    return acc.tally()


def _tally_unaligned(acc: Accumulator, doc: Document, pred: Prediction, tasks, ctx: Context) -> None:
    """Count each unaligned item (`part == "item"`) as a false positive on every metric line of
    its task, in the paragraph it was reported for.

    It is scored as a prediction against a copy of the document with no gold items, anchored on
    the paragraph's first token, so it lands on exactly the lines a spurious prediction would.
    An entity with a type (`type`, or the returned `item.type`) counts on that type's lines too;
    one without a type counts on the micro lines only. A type with no place in the scheme
    (MISC in the coarse scheme) is ignored, as for any prediction."""
    recs = [u for u in pred.unaligned if u.get("part") == "item" and u.get("task") in tasks]
    if not recs:
        return
    paras = doc.paragraphs()
    empty = Document(doc.id, doc.text)

    def anchor(u: dict) -> Span:
        i = u.get("paragraph") if isinstance(u.get("paragraph"), int) else 0
        para = paras[min(max(i, 0), len(paras) - 1)]
        toks = tokenize(para.text, para.start) or tokenize(doc.text)
        return Span(toks[0].start, toks[0].end, toks[0].text)

    for t in tasks:
        items = [REGISTRY[t].spurious(anchor(u), u) for u in recs if u["task"] == t]
        if t == "ner":
            untyped = [e for e in items if not e.type]
            items = [e for e in items if e.type]
            for e in untyped:
                for mode in NER_MODES:
                    acc.key(("ner", "all", mode, "micro"))
                    acc.add(ctx.unit_of(e.span.start), ("ner", "all", mode, "micro"), SPU)
        if items:
            REGISTRY[t].tally(acc, empty, items, ctx)
