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

    credit = correct + 0.5 * partial
    P = credit / (correct + incorrect + partial + spurious)   (over predicted items)
    R = credit / (correct + incorrect + partial + missed)     (over gold items)

The reported counts are whole items: tp = correct, fp = incorrect + spurious,
fn = incorrect + missed, and partial on its own (see `Metric`).

An accuracy line (speaker, value, type on matched items) only uses correct and incorrect, which
makes P = R = F1 = accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

CATEGORIES: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")
COR, INC, PAR, MIS, SPU = range(5)


def ratios(counts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, F1) over the last axis of five counts, any leading shape; 0/0 is 0,
    as in seqeval and nervaluate. The one P/R/F kernel: point estimates and every bootstrap
    resample go through it."""
    counts = np.asarray(counts)
    c, i, pa, m, s = (counts[..., j].astype(np.float64) for j in range(len(CATEGORIES)))
    credit = c + 0.5 * pa
    actual, possible = c + i + pa + s, c + i + pa + m
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(actual > 0, credit / np.where(actual > 0, actual, 1), 0.0)
        r = np.where(possible > 0, credit / np.where(possible > 0, possible, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    return p, r, f


def defined(counts) -> np.ndarray:
    """Where a line has a gold or a predicted item (elsewhere its F1 is 0/0)."""
    return np.asarray(counts).sum(axis=-1) > 0


def f1(counts, undefined: float = 0.0) -> np.ndarray:
    """F1 over the last axis; `undefined` where there is neither a gold nor a predicted item."""
    return np.where(defined(counts), ratios(counts)[2], undefined)


def macro(counts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean (P, R, F1) over the label axis (-2) of (..., labels, 5) counts, skipping labels with
    neither gold nor predicted items (0 when none is left)."""
    present = defined(counts)
    p, r, f = (mean_of_present(x, present) for x in ratios(counts))
    return p, r, f


def mean_of_present(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Mean of `x` over its last (label) axis where `present` (0 when none is): the macro of
    per-label ratios already computed (`ratios`, `defined`)."""
    n = present.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, (x * present).sum(axis=-1) / np.where(n > 0, n, 1), 0.0)


def prf(correct: float, incorrect: float, partial: float, missed: float, spurious: float) -> tuple[float, float, float]:
    """(precision, recall, F1) of one line, as floats (see `ratios`)."""
    p, r, f = ratios([correct, incorrect, partial, missed, spurious])
    return float(p), float(r), float(f)


@dataclass(frozen=True)
class Metric:
    """One metric line: the five counts behind it, a 95% bootstrap interval on F1, and P, R
    and F1 derived from the counts (for a macro line, the mean over its `parts`).

    `tp`, `fp` and `fn` are whole items: `tp` the correct ones, `fp` the predicted items that
    are wrong or spurious, `fn` the gold items that are wrong or missed. A partial match (only
    in nervaluate's partial mode) is none of them: it is `partial`, half credit on both sides,
    so `tp + fp + partial == predicted`, `tp + fn + partial == support` and
    `p == (tp + partial / 2) / predicted`. For accuracy lines `p == r == f1` is the accuracy
    over matched items.
    """

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    kind: str = "f1"
    parts: tuple["Metric", ...] = field(default=(), repr=False, compare=False)

    @property
    def counts(self) -> tuple[int, int, int, int, int]:
        return self.correct, self.incorrect, self.partial, self.missed, self.spurious

    @cached_property
    def _ratios(self) -> tuple[float, float, float]:
        if self.parts:
            return tuple(float(x) for x in macro([m.counts for m in self.parts]))
        return prf(*self.counts)

    @property
    def p(self) -> float:
        return self._ratios[0]

    @property
    def r(self) -> float:
        return self._ratios[1]

    @property
    def f1(self) -> float:
        return self._ratios[2]

    @property
    def tp(self) -> int:
        """True positives: the correct items."""
        return self.correct

    @property
    def fp(self) -> int:
        """False positives: predicted items that are wrong or have no gold counterpart."""
        return self.incorrect + self.spurious

    @property
    def fn(self) -> int:
        """False negatives: gold items predicted wrong or not at all."""
        return self.incorrect + self.missed

    @property
    def support(self) -> int:
        """Gold items (for accuracy lines: matched items judged)."""
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def predicted(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    @classmethod
    def from_counts(cls, counts, ci: tuple[float, float] | None = None, kind: str = "f1") -> "Metric":
        lo, hi = ci if ci is not None else (float("nan"), float("nan"))
        return cls(*(int(x) for x in counts), lo, hi, kind)

    @classmethod
    def macro_of(cls, parts: list["Metric"], ci: tuple[float, float]) -> "Metric":
        """The macro line over `parts`: their counts summed, P, R and F1 averaged."""
        sums = [sum(getattr(m, f) for m in parts) for f in CATEGORIES]
        return cls(*sums, ci[0], ci[1], "f1", tuple(parts))

    def to_dict(self) -> dict:
        none = lambda v: None if v != v else v  # noqa: E731  (NaN, an undefined interval)
        return {"p": self.p, "r": self.r, "f1": self.f1, "ci_low": none(self.ci_low), "ci_high": none(self.ci_high),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, **dict(zip(CATEGORIES, self.counts)), "kind": self.kind,
                "support": self.support, "predicted": self.predicted}
