"""Counts to precision, recall and F1, in the five outcome categories of SemEval-2013 / nervaluate.

Every metric line of khabar is a vector of five integer counts, so counts from any subset of
the data (a shard, a paragraph, a bootstrap resample) add up to the whole:

    correct    a predicted item that matches a gold item in this metric's sense
    incorrect  a predicted item paired with a gold item, but wrong in this metric's sense
               (wrong type, wrong speaker, wrong value, boundary overlap in strict mode)
    partial    a predicted item that only overlaps its gold item (nervaluate's partial mode;
               earns half credit)
    missed     a gold item with no predicted counterpart
    spurious   a predicted item with no gold counterpart

    tp = correct + 0.5 * partial
    P  = tp / (correct + incorrect + partial + spurious)   (over predicted items)
    R  = tp / (correct + incorrect + partial + missed)     (over gold items)

An accuracy line (speaker, value, type on matched items) only uses correct and incorrect, which
makes P = R = F1 = accuracy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

CATEGORIES: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")
COR, INC, PAR, MIS, SPU = range(5)


def prf(correct: float, incorrect: float, partial: float, missed: float, spurious: float) -> tuple[float, float, float]:
    """(precision, recall, F1) from the five counts; 0/0 is 0, as in seqeval and nervaluate."""
    tp = correct + 0.5 * partial
    actual = correct + incorrect + partial + spurious
    possible = correct + incorrect + partial + missed
    p = tp / actual if actual else 0.0
    r = tp / possible if possible else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass(frozen=True)
class Metric:
    """One metric line: P/R/F1 with a 95% bootstrap interval on F1, and the counts behind it.

    `tp`, `fp` and `fn` are in the usual sense (`fp` = predicted items that are not true
    positives, `fn` = gold items that are not); `tp` is fractional only in the partial-credit
    NER modes. For accuracy lines `p == r == f1` is the accuracy over matched items.
    """

    p: float
    r: float
    f1: float
    ci_low: float
    ci_high: float
    tp: float
    fp: float
    fn: float
    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0
    kind: str = "f1"

    @property
    def support(self) -> int:
        """Gold items (for accuracy lines: matched items judged)."""
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def predicted(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    @classmethod
    def from_counts(cls, counts, ci: tuple[float, float] | None = None, kind: str = "f1") -> "Metric":
        c, i, pa, m, s = (int(x) for x in counts)
        p, r, f = prf(c, i, pa, m, s)
        tp = c + 0.5 * pa
        tp_out: float = tp if pa else c
        lo, hi = ci if ci is not None else (float("nan"), float("nan"))
        return cls(p, r, f, lo, hi, tp_out, (c + i + pa + s) - tp, (c + i + pa + m) - tp, c, i, pa, m, s, kind)

    def to_dict(self) -> dict:
        out = {k: (None if isinstance(v, float) and v != v else v) for k, v in asdict(self).items()}
        out["support"] = self.support
        out["predicted"] = self.predicted
        return out
