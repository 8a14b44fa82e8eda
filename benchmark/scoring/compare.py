"""Is system B better than system A? A paired significance test of the F1 difference per line.

Both systems are scored on the same gold, so their counts live on the same resampling units
(paragraphs). Two tests, both over those units:

    bootstrap  paired bootstrap (Koehn 2004; Berg-Kirkpatrick et al. 2012): resample units with
               the same weights for both systems; the p-value is (1 + #{resamples whose
               difference lies at least |d| away from the observed d}) / (1 + B) (two-sided,
               centred; the add-one keeps it a valid p-value, never 0, as for `ar`).
    ar         approximate randomisation (Noreen 1989; Riezler and Maxwell 2005): swap the two
               systems' counts on each unit with probability 1/2; the p-value is
               (1 + #{|d_perm| >= |d|}) / (1 + R).

The interval is the paired bootstrap's 95% percentile interval of d (bootstrap only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from ..model import Gold, Prediction
from .bootstrap import CONFIDENCE, weights
from .prf import f1 as f1_of
from .corpus import resolve_tasks, tally
from .counts import Key, Tally
from .overlap import OVERLAP_THRESHOLD
from .score_format import stamp
from .tasks import HEADLINE, TASKS

METHODS = ("bootstrap", "ar")


@dataclass(frozen=True)
class Difference:
    """One line: F1 of A and B, their difference (B - A), its interval and the p-value."""

    task: str
    subset: str
    metric: str
    label: str
    f1_a: float
    f1_b: float
    delta: float
    ci_low: float
    ci_high: float
    p_value: float
    headline: bool = False

    def to_dict(self) -> dict:
        return {k: (None if isinstance(v, float) and v != v else v) for k, v in asdict(self).items()}


@dataclass
class Comparison:
    """Per-line differences between two systems, with the test's settings in `signature`."""

    rows: list[Difference]
    signature: str
    method: str
    n: int
    seed: int
    notes: list[str] = field(default_factory=list)

    def headline(self, task: str) -> Difference:
        for r in self.rows:
            if r.task == task and r.headline:
                return r
        raise KeyError(task)

    def to_dict(self) -> dict:
        return stamp("compare", {"signature": self.signature, "method": self.method, "n": self.n, "seed": self.seed,
                                 "rows": [r.to_dict() for r in self.rows], "notes": list(self.notes)})

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.rows])


def compare_tallies(a: Tally, b: Tally, *, method: str = "bootstrap", n: int = 1000, seed: int = 0,
                    lines: Sequence[Key] | None = None) -> list[Difference]:
    """The test on two tallies over the same units (micro lines, or `lines`)."""
    from ..params import check_choice, check_resamples, check_seed

    check_choice(method, METHODS, "method")
    check_resamples(n)
    check_seed(seed)
    if a.units != b.units:
        raise ValueError("the two tallies are not over the same units (different gold?)")
    keys = list(a.keys) + [k for k in b.keys if k not in set(a.keys)]
    if lines is None:
        lines = [k for k in keys if k[3] == "micro"]
    a, b = a.with_keys(keys), b.with_keys(keys)
    idx = [keys.index(k) for k in lines]
    ca = a.data[:, idx, :].astype(np.float64)  # (units, lines, 5)
    cb = b.data[:, idx, :].astype(np.float64)
    u = ca.shape[0]
    fa, fb = f1_of(ca.sum(axis=0)), f1_of(cb.sum(axis=0))
    d = fb - fa
    flat_a, flat_b = ca.reshape(u, -1), cb.reshape(u, -1)
    shape = (len(idx), 5)
    hits = np.zeros(len(idx))
    deltas = []
    done = 0
    if method == "bootstrap":
        for w in weights(u, n, seed):
            w = w.astype(np.float64)
            db = f1_of((w @ flat_b).reshape(-1, *shape)) - f1_of((w @ flat_a).reshape(-1, *shape))
            hits += (np.abs(db - d) >= np.abs(d) - 1e-12).sum(axis=0)
            deltas.append(db)
            done += len(w)
        p = (hits + 1) / (done + 1)
        alpha = 100 * (1 - CONFIDENCE) / 2
        allv = np.concatenate(deltas) if deltas else np.full((1, len(idx)), np.nan)
        lo, hi = np.percentile(allv, [alpha, 100 - alpha], axis=0)
    else:
        rng = np.random.default_rng(seed)
        diff = flat_b - flat_a
        tot_a, tot_b = flat_a.sum(axis=0), flat_b.sum(axis=0)
        step = max(1, 2_000_000 // max(u, 1))
        while done < n:
            k = min(step, n - done)
            s = rng.integers(0, 2, size=(k, u)).astype(np.float64)
            moved = s @ diff  # counts that move from A to B when swapped
            pa = (tot_a + moved).reshape(-1, *shape)
            pb = (tot_b - moved).reshape(-1, *shape)
            hits += (np.abs(f1_of(pb) - f1_of(pa)) >= np.abs(d) - 1e-12).sum(axis=0)
            done += k
        p = (hits + 1) / (done + 1)
        lo = hi = np.full(len(idx), np.nan)
    out = []
    for j, k in enumerate(lines):
        head = k[0] in HEADLINE and HEADLINE[k[0]] == k[1:]
        out.append(Difference(*k, float(fa[j]), float(fb[j]), float(d[j]), float(lo[j]), float(hi[j]),
                              float(min(1.0, p[j])), head))
    return out


def compare(gold: Gold, a: Sequence[Prediction], b: Sequence[Prediction], *, tasks=None, scheme: str = "fine",
            method: str = "bootstrap", n: int = 1000, seed: int = 0, overlap: float = OVERLAP_THRESHOLD
            ) -> Comparison:
    """Paired test of B against A on every micro line of the tasks both predict."""
    from ..params import check_choice, check_fraction, check_resamples, check_seed
    from ..predictions import check_predictions
    from ..schema import SCHEMES
    from ..version import __version__
    from .signature import gold_id

    check_choice(scheme, SCHEMES, "scheme")
    check_choice(method, METHODS, "method")
    check_resamples(n)
    check_seed(seed)
    check_fraction(overlap, "overlap", open_low=True)
    check_predictions(a, gold)
    check_predictions(b, gold)
    if tasks is None:
        ta, tb = resolve_tasks(None, a), resolve_tasks(None, b)
        tasks = tuple(t for t in TASKS if t in ta and t in tb) or TASKS
    tasks = resolve_tasks(tasks, a)
    t_a = tally(gold, a, tasks=tasks, scheme=scheme, overlap=overlap)
    t_b = tally(gold, b, tasks=tasks, scheme=scheme, overlap=overlap)
    rows = compare_tallies(t_a, t_b, method=method, n=n, seed=seed)
    sig = (f"khabar:{__version__}|gold:{gold_id(gold.version, gold.sha256)}|task:{','.join(tasks)}|"
           f"scheme:{scheme}|overlap:{overlap:g}|unit:paragraph|test:{method}|n:{n}|seed:{seed}")
    return Comparison(rows, sig, method, n, seed)
