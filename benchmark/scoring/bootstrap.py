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

from . import prf
from .counts import Tally

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


def resample(tally: Tally, n_boot: int, seed: int) -> np.ndarray | None:
    """Counts (n_boot, keys, 5) of every resample of `tally`'s units; None when there is
    nothing to resample (no units, or `n_boot` 0)."""
    u, k, c = tally.data.shape
    if n_boot <= 0 or u == 0:
        return None
    flat = tally.data.reshape(u, k * c).astype(np.float64)
    return np.concatenate([(w.astype(np.float64) @ flat).reshape(-1, k, c) for w in weights(u, n_boot, seed)])


def percentile_intervals(boot: np.ndarray | None, n_keys: int, groups: dict[object, list[int]]
                         ) -> tuple[list[tuple[float, float]], dict[object, tuple[float, float]]]:
    """95% percentile intervals of F1 from resampled counts `boot` (n_boot, keys, 5): one per
    line, and one per macro group (its lines' indices). NaN when `boot` is None.

    A resample in which a line has neither gold nor predicted items leaves it undefined for
    that line and is skipped there; a macro skips such labels (`prf.macro`)."""
    nan = (float("nan"), float("nan"))
    if boot is None:
        return [nan] * n_keys, {g: nan for g in groups}
    alpha = (1 - CONFIDENCE) / 2
    qs = [100 * alpha, 100 * (1 - alpha)]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: a line never defined
        lo, hi = np.nanpercentile(prf.f1(boot, undefined=np.nan), qs, axis=0)
    lines = [(float(lo[i]), float(hi[i])) for i in range(n_keys)]
    macros = {}
    for g, idx in groups.items():
        a, b = np.percentile(prf.macro(boot[:, idx, :])[2], qs)
        macros[g] = (float(a), float(b))
    return lines, macros
