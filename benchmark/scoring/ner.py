"""NER scoring in the four SemEval-2013 modes, counted exactly as nervaluate 1.2 counts them.

Entities are `(start, end, label)` with `end` exclusive (characters for documents, tokens for
tag sequences). Predictions are visited in document order (sorted by start, end, label), each
one taking at most one gold entity, which makes the counts independent of the order in which a
system lists them:

    strict   same span and type: correct; otherwise the first overlapping free gold: incorrect
    exact    same span, any type: correct; otherwise the first overlapping free gold: incorrect
    partial  same span, any type: correct; otherwise the first overlapping free gold: partial
             (half credit)
    type     overlap and same type: correct (the closest boundaries win); overlap with another
             type: incorrect

Anything else predicted is spurious; gold left free is missed. Per-type lines rerun the same
matching on the entities of that type only (as nervaluate and seqeval do), so the micro line
is not the sum of the per-type lines in the overlap modes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from typing import TYPE_CHECKING

from ..schema import map_type
from .details import Detail

if TYPE_CHECKING:  # `scoring.conll` uses only the matching below, and imports this module cold
    from ..model import Document, PredEntity
    from .counts import Accumulator
from .prf import CATEGORIES, COR, INC, MIS, PAR, SPU

MODES: tuple[str, ...] = ("strict", "exact", "partial", "type")
"""khabar's mode names; `type` is nervaluate's `ent_type`."""

Ent = tuple[int, int, str]


def _candidates(gold: Sequence[Ent], pred: Sequence[Ent]) -> list[list[int]]:
    """For each prediction, the indices (in gold order) of the gold entities it overlaps."""
    starts = [g[0] for g in gold]
    reach, m = [], -1
    for g in gold:
        m = max(m, g[1])
        reach.append(m)
    out = []
    for ps, pe, _ in pred:
        lo, hi = bisect_right(reach, ps), bisect_left(starts, pe)
        out.append([j for j in range(lo, hi) if gold[j][1] > ps])
    return out


def match(gold: Sequence[Ent], pred: Sequence[Ent], mode: str, cands: list[list[int]] | None = None
          ) -> list[tuple[int, int | None, int | None]]:
    """(category, gold index, pred index) events for `mode`; both lists sorted by (start, end)."""
    if cands is None:
        cands = _candidates(gold, pred)
    matched = [False] * len(gold)
    events: list[tuple[int, int | None, int | None]] = []
    for pi, (ps, pe, pl) in enumerate(pred):
        hit = other = None
        best = -1
        for gi in cands[pi]:
            if matched[gi]:
                continue
            gs, ge, gl = gold[gi]
            if mode == "type":
                if gl == pl:
                    d = abs(ps - gs) + abs(pe - ge)
                    if hit is None or d < best:
                        hit, best = gi, d
                elif other is None:
                    other = gi
                continue
            if gs == ps and ge == pe and (gl == pl or mode != "strict"):
                hit = gi
                break
            if other is None:
                other = gi
        if hit is not None:
            matched[hit] = True
            events.append((COR, hit, pi))
        elif other is not None:
            matched[other] = True
            events.append((PAR if mode == "partial" else INC, other, pi))
        else:
            events.append((SPU, None, pi))
    events.extend((MIS, gi, None) for gi, done in enumerate(matched) if not done)
    return events


def count(gold: Sequence[Ent], pred: Sequence[Ent], mode: str) -> list[int]:
    """The five counts of one mode over one unit (gold and pred sorted by start, end)."""
    c = [0] * len(CATEGORIES)
    for cat, _, _ in match(gold, pred, mode):
        c[cat] += 1
    return c


def outcome_name(cat: int, mode: str, g: Ent | None, p: Ent | None) -> str:
    """The user-facing verdict of one event: TP, FP, FN, partial or wrong_type."""
    if cat == COR:
        return "TP"
    if cat == SPU:
        return "FP"
    if cat == MIS:
        return "FN"
    if cat == PAR:
        return "partial"
    assert g is not None and p is not None
    return "wrong_type" if g[2] != p[2] else "partial"


def map_predictions(preds: Sequence[PredEntity], scheme: str, label_map: dict[str, str] | None = None
                    ) -> list[tuple[int, int, str, PredEntity]]:
    """Predicted entities in `scheme`, sorted; labels with no place in the scheme are dropped."""
    out = []
    for e in preds:
        label = label_map.get(e.type, e.type) if label_map else e.type
        mapped = map_type(label, scheme)
        if mapped is not None:
            out.append((e.span.start, e.span.end, mapped, e))
    out.sort(key=lambda x: (x[0], x[1], x[2]))
    return out


def tally_document(acc: Accumulator, doc: Document, preds: Sequence[PredEntity], scheme: str,
                   unit_of, details: list[Detail] | None = None, label_map: dict[str, str] | None = None,
                   gold_labels: Sequence[str] = ()) -> None:
    """Add one document's NER counts (every mode, micro and per type, all and corrupted)."""
    gold = []
    for m in doc.ner_mentions:
        label = map_type(m.type, scheme)
        if label is not None:
            gold.append((m.start, m.end, label, m))
    gold.sort(key=lambda x: (x[0], x[1], x[2]))
    pred = map_predictions(preds, scheme, label_map)

    corrupt = [g for g in gold if g[3].form == "corrupted"]
    corrupt_pred = [p for p in pred if any(p[0] < g[1] and g[0] < p[1] for g in corrupt)]
    for subset, g_items, p_items in (("all", gold, pred), ("corrupted", corrupt, corrupt_pred)):
        g3 = [x[:3] for x in g_items]
        p3 = [x[:3] for x in p_items]
        labels = sorted({x[2] for x in g3} | {x[2] for x in p3} | (set(gold_labels) if subset == "all" else set()))
        cands = _candidates(g3, p3)
        for mode in MODES:
            key = ("ner", subset, mode, "micro")
            acc.key(key)
            for cat, gi, pi in match(g3, p3, mode, cands):
                anchor = g3[gi] if gi is not None else p3[pi]
                unit = unit_of(anchor[0])
                acc.add(unit, key, cat)
                if details is not None:
                    gd = _gold_dict(g_items[gi]) if gi is not None else None
                    pd = _pred_dict(p_items[pi]) if pi is not None else None
                    details.append(Detail(doc.id, "ner", subset, mode,
                                          outcome_name(cat, mode, g3[gi] if gi is not None else None,
                                                       p3[pi] if pi is not None else None),
                                          CATEGORIES[cat], gd, pd, unit))
            for label in labels:
                gl = [x for x in g3 if x[2] == label]
                pl = [x for x in p3 if x[2] == label]
                key = ("ner", subset, mode, label)
                acc.key(key)
                for cat, gi, pi in match(gl, pl, mode):
                    anchor = gl[gi] if gi is not None else pl[pi]
                    acc.add(unit_of(anchor[0]), key, cat)


def _gold_dict(item) -> dict:
    s, e, label, m = item
    return {"id": m.id, "start": s, "end": e, "text": m.text, "type": label, "entity": m.entity, "form": m.form}


def _pred_dict(item) -> dict:
    s, e, label, p = item
    out = {"start": s, "end": e, "text": p.span.text, "type": label}
    if p.type != label:
        out["predicted_type"] = p.type
    return out


def read_entity(item, text: str, where: str, label_map: dict[str, str] | None = None) -> PredEntity:
    """One predicted entity `{start, end, text, type}` of `text`, checked; `label_map` renames
    its label first."""
    from ..fields import Bad, record, required, span as check_span
    from ..model import PredEntity
    from ..schema import ENTITY_LABELS, FINE_TYPES

    sp = check_span(record(item, where, ("start", "end", "text", "type")), text, where, whole=False)
    label = required(item, "type", where)
    if not isinstance(label, str):
        raise Bad(f"{where}.type", f"expected a string, got {label!r}")
    label = label_map.get(label, label) if label_map else label
    if label not in ENTITY_LABELS:
        raise Bad(f"{where}.type", f"unknown type {label!r}; expected one of {', '.join(FINE_TYPES)} "
                                   "(or an ignored label such as MISC)")
    return PredEntity(sp, label)
