"""Number extraction scoring: span detection, value accuracy and end-to-end correctness.

Lines (all micro over numbers):

    span_exact    span identical                                               (F1)
    span_overlap  token Dice >= threshold, one-to-one                          (F1)
    value         on span_overlap pairs: the predicted value equals the gold   (accuracy)
    end_to_end    span identical, value and kind right: correct; span
                  identical but value or kind wrong: incorrect                 (F1, headline)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..schema import NUMBER_KINDS
from .counts import Accumulator
from .details import Detail
from .overlap import OVERLAP_THRESHOLD, TokenIndex, exact, one_to_one
from .prf import CATEGORIES, COR, INC, MIS, SPU

if TYPE_CHECKING:  # the registry (`tasks`) imports this module for `khabar score --conll` too, cold
    from ..model import Document, Number, PredNumber

METRICS: tuple[str, ...] = ("span_exact", "span_overlap", "value", "end_to_end")
ACCURACY: frozenset[str] = frozenset({"value"})


def same_value(gold: float, pred: float | None) -> bool:
    """Values are equal up to floating-point noise (relative 1e-9)."""
    return pred is not None and math.isclose(float(gold), float(pred), rel_tol=1e-9, abs_tol=1e-12)


def _gold_dict(n: Number) -> dict:
    return {"id": n.id, **n.span.to_dict(), "value": n.value, "kind": n.kind, "unit": n.unit,
            "qualifier": n.qualifier, "in_name": n.in_name}


def _pred_dict(n: PredNumber) -> dict:
    return {**n.span.to_dict(), "value": n.value, "kind": n.kind, "unit": n.unit}


def tally_document(acc: Accumulator, doc: Document, preds: Sequence[PredNumber], unit_of,
                   details: list[Detail] | None = None, threshold: float = OVERLAP_THRESHOLD) -> None:
    """Add one document's number counts for every line."""
    tokens = TokenIndex(doc.text)
    gold = sorted(doc.numbers, key=lambda n: (n.start, n.end, n.id))
    pred = sorted(preds, key=lambda n: (n.span.start, n.span.end, repr(n.value), n.kind or ""))
    for m in METRICS:
        acc.key(("numbers", "all", m, "micro"))

    def emit(metric, cat, gi, pi, outcome=None):
        g = gold[gi] if gi is not None else None
        p = pred[pi] if pi is not None else None
        unit = unit_of(g.start if g is not None else p.span.start)
        acc.add(unit, ("numbers", "all", metric, "micro"), cat)
        if details is not None:
            name = outcome or {COR: "TP", SPU: "FP", MIS: "FN"}[cat]
            details.append(Detail(doc.id, "numbers", "all", metric, name, CATEGORIES[cat],
                                  _gold_dict(g) if g else None, _pred_dict(p) if p else None, unit))

    def verdict(gi, pi) -> str | None:
        if not same_value(gold[gi].value, pred[pi].value):
            return "wrong_value"
        if pred[pi].kind != gold[gi].kind:
            return "wrong_kind"
        return None

    gs, ps = [n.span for n in gold], [n.span for n in pred]
    exact_pairs = one_to_one(gs, ps, exact, 1.0)
    overlap_pairs = one_to_one(gs, ps, tokens.dice, threshold)
    for metric, pairs in (("span_exact", exact_pairs), ("span_overlap", overlap_pairs), ("end_to_end", exact_pairs)):
        gp = dict(pairs)
        for gi in range(len(gold)):
            if gi not in gp:
                emit(metric, MIS, gi, None)
                continue
            bad = verdict(gi, gp[gi]) if metric == "end_to_end" else None
            emit(metric, INC if bad else COR, gi, gp[gi], bad)
        used = set(gp.values())
        for pi in range(len(pred)):
            if pi not in used:
                emit(metric, SPU, None, pi)
    for gi, pi in overlap_pairs:
        ok = same_value(gold[gi].value, pred[pi].value)
        emit("value", COR if ok else INC, gi, pi, None if ok else "wrong_value")


def read_number(item, text: str, where: str, label_map=None) -> PredNumber:
    """One predicted number `{start, end, text, value, kind, unit}` of `text`, checked."""
    from ..fields import Bad, one_of, record, required, span as check_span
    from ..model import PredNumber
    from ..validate import is_number

    sp = check_span(record(item, where, ("start", "end", "text", "value", "kind", "unit")), text, where, whole=False)
    value = required(item, "value", where, "use null for no value")
    if value is not None and not is_number(value):
        raise Bad(f"{where}.value", f"expected a finite number or null, got {value!r}")
    kind = one_of(item.get("kind"), NUMBER_KINDS, f"{where}.kind", "kind")
    unit = item.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise Bad(f"{where}.unit", f"expected a string or null, got {unit!r}")
    return PredNumber(sp, value, kind, unit)
