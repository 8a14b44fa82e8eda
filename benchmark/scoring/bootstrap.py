"""Seeded bootstrap over resampling units (paragraphs, or sentences for CoNLL input).

Each resample draws as many units as there are, with replacement; a resample's counts are
the weighted sum of the per-unit counts (`weights @ counts`), so 1,000 resamples cost one
matrix product instead of 1,000 rescorings. Intervals are percentile intervals (2.5 and 97.5).
A resample in which a line has neither gold nor predicted items (a rare type left out) leaves
that line undefined and is skipped for it, rather than counted as F1 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np

from .counts import Key, Tally

CONFIDENCE = 0.95
_CHUNK_CELLS = 2_000_000


def weights(n_units: int, n_boot: int, seed: int) -> Iterator[np.ndarray]:
    """Resample multiplicities, (chunk, n_units) at a time; the same seed gives the same draws."""
    rng = np.random.default_rng(seed)
    if n_units == 0:
        return
    probs = np.full(n_units, 1.0 / n_units)
    step = max(1, _CHUNK_CELLS // n_units)
    done = 0
    while done < n_boot:
        b = min(step, n_boot - done)
        yield rng.multinomial(n_units, probs, size=b)
        done += b


def f1_of(counts: np.ndarray, undefined: float = 0.0) -> np.ndarray:
    """F1 over the last axis of five counts (any leading shape); 0/0 is 0, and `undefined`
    where there is neither a gold nor a predicted item."""
    c, i, pa, m, s = (counts[..., j].astype(float) for j in range(5))
    tp = c + 0.5 * pa
    actual, possible = c + i + pa + s, c + i + pa + m
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(actual > 0, tp / np.where(actual > 0, actual, 1), 0.0)
        r = np.where(possible > 0, tp / np.where(possible > 0, possible, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    return np.where(actual + possible > 0, f, undefined)


def macro_f1_of(counts: np.ndarray) -> np.ndarray:
    """Mean F1 over the label axis (-2), skipping labels with neither gold nor predicted items."""
    f = f1_of(counts)
    present = counts.sum(axis=-1) > 0
    n = present.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, (f * present).sum(axis=-1) / np.where(n > 0, n, 1), 0.0)


def resampled_counts(tally: Tally, n_boot: int, seed: int) -> Iterator[np.ndarray]:
    """Counts (chunk, keys, 5) of each resample."""
    u, k, c = tally.data.shape
    flat = tally.data.reshape(u, k * c).astype(np.float64)
    for w in weights(u, n_boot, seed):
        yield (w.astype(np.float64) @ flat).reshape(-1, k, c)


def intervals(tally: Tally, n_boot: int, seed: int, macro: dict[tuple, list[Key]] | None = None
              ) -> dict:
    """Percentile intervals of F1 for every key of `tally` and every macro group.

    `macro` maps a group name to the per-label keys averaged in it. Returns {key or group:
    (low, high)}; NaN intervals when there is nothing to resample.
    """
    macro = macro or {}
    out: dict = {}
    if n_boot <= 0 or tally.data.shape[0] == 0:
        nan = (float("nan"), float("nan"))
        return {**{k: nan for k in tally.keys}, **{g: nan for g in macro}}
    pos = {k: i for i, k in enumerate(tally.keys)}
    groups = {g: [pos[k] for k in ks] for g, ks in macro.items()}
    f1s, mf1s = [], {g: [] for g in groups}
    for counts in resampled_counts(tally, n_boot, seed):
        f1s.append(f1_of(counts, undefined=np.nan))
        for g, idx in groups.items():
            mf1s[g].append(macro_f1_of(counts[:, idx, :]))
    alpha = (1 - CONFIDENCE) / 2
    qs = [100 * alpha, 100 * (1 - alpha)]
    allf = np.concatenate(f1s, axis=0)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: a line never defined
        lo, hi = np.nanpercentile(allf, qs, axis=0)
    for k, i in pos.items():
        out[k] = (float(lo[i]), float(hi[i]))
    for g, vals in mf1s.items():
        v = np.concatenate(vals)
        a, b = np.percentile(v, qs) if len(v) else (np.nan, np.nan)
        out[g] = (float(a), float(b))
    return out
