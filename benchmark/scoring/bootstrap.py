"""Seeded bootstrap over resampling units (paragraphs, or sentences for CoNLL input).

Each resample draws as many units as there are, with replacement; a resample's counts are
the weighted sum of the per-unit counts (`weights @ counts`), so 1,000 resamples cost one
matrix product instead of 1,000 rescorings. Intervals are percentile intervals (2.5 and 97.5).
A resample in which a line has neither gold nor predicted items (a rare type left out) leaves
that line undefined and is skipped for it, rather than counted as F1 0.

Streamed input (conlleval) uses the grouped Poisson bootstrap (`PoissonGroups`): each unit
weighted by an independent Poisson(1) draw, the units with identical count vectors drawn
together as one Poisson(m) weight, which is the same distribution with far fewer draws.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from . import prf
from .counts import Tally

CONFIDENCE = 0.95
_CHUNK_CELLS = 2_000_000
_DRAW_CELLS = 1 << 18
"""Poisson weights drawn at a time (a few MB), so the draws add little to the peak memory."""


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


def percentiles(x, qs) -> np.ndarray:
    """Percentiles `qs` (0 to 100) of each column of `x` (n, lines), NaN skipped per column and a
    column with no value NaN: the numbers of `np.nanpercentile(x, qs, axis=0)` with its default
    'linear' method, bit for bit (numpy's formula, tested), from one sort. `np.percentile` would
    import `numpy.ma` at its first call, a fifth of a cold `khabar score`. A 1-d `x` gives one
    value per percentile."""
    x = np.asarray(x, dtype=np.float64)
    one = x.ndim == 1
    if one:
        x = x[:, None]
    s = np.sort(x, axis=0)  # NaN sorts last
    n = np.count_nonzero(~np.isnan(x), axis=0)
    cols = np.arange(x.shape[1])
    last = np.maximum(n - 1, 0)
    out = np.full((len(qs), x.shape[1]), np.nan)
    for i, q in enumerate(np.true_divide(np.asarray(qs, dtype=np.float64), 100)):
        v = (n - 1) * q  # numpy's virtual index for 'linear': (n - 1) q
        below = np.floor(v)
        t = v - below
        j = np.where(v >= n - 1, last, np.clip(below, 0, None).astype(np.intp))
        k = np.where(v >= n - 1, last, np.minimum(j + 1, last))
        a, b = s[j, cols], s[k, cols]
        d = b - a
        r = np.where(t >= 0.5, b - d * (1 - t), a + d * t)  # numpy's _lerp, both branches
        out[i] = np.where(n > 0, r, np.nan)
    return out[:, 0] if one else out


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
    f1, present = prf.ratios(boot)[2], prf.defined(boot)  # each line's F1 once, for lines and macros
    lo, hi = percentiles(np.where(present, f1, np.nan), qs)
    lines = [(float(lo[i]), float(hi[i])) for i in range(n_keys)]
    macros = {}
    for g, idx in groups.items():
        a, b = percentiles(prf.mean_of_present(f1[:, idx], present[:, idx]), qs)
        macros[g] = (float(a), float(b))
    return lines, macros


# --- the grouped Poisson bootstrap (streamed input) -------------------------------------------

MAX_GROUPS = 1 << 16
"""Most groups held at once (a few MB of keys); past that they are drawn and folded into the
resampled counts."""
TABLE_MAX = 32
"""Poisson(m) weights for m up to this (most groups) are drawn by inverse CDF from a table;
above, by numpy's sampler (a table costs more to build than the few draws it would serve)."""
_CELL_BITS = 12


@functools.lru_cache(maxsize=TABLE_MAX)
def _poisson_inverse(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Inverse CDF of Poisson(m) over 63-bit uniforms U: the weight is #{k : U >= T[k]} with
    T[k] = floor(P(X <= k) 2^63), exact to the double precision of the CDF (the upper tail
    left out, past m + 12 sqrt(m) + 30, is below 2^-60). A table over the top 12 bits of U
    gives the weight of nearly every U at once; it holds -1 in the few cells a threshold falls
    in, whose U are searched in T."""
    top = int(m + 12 * math.sqrt(m) + 30)
    pmf = np.empty(top + 1)
    pmf[0] = math.exp(-m)
    pmf[1:] = math.exp(-m) * np.cumprod(m / np.arange(1, top + 1))
    cdf = np.cumsum(pmf)
    thresholds = (cdf / cdf[-1] * 2.0 ** 63).astype(np.uint64)  # normalised: rounding never draws past `top`
    width = np.uint64(63 - _CELL_BITS)
    cells = np.arange(1 << _CELL_BITS, dtype=np.uint64)
    first = np.searchsorted(thresholds, cells << width, side="right")
    last = np.searchsorted(thresholds, ((cells + np.uint64(1)) << width) - np.uint64(1), side="right")
    return thresholds, np.where(first == last, first, -1).astype(np.float64)


def poisson_weights(rng: np.random.Generator, m: int, rows: int, n: int, dtype=np.float64) -> np.ndarray:
    """Independent Poisson(m) draws, (rows, n) of `dtype` (float64, or float32 for a faster
    product). Up to `TABLE_MAX` through `_poisson_inverse` (64 uniform bits a draw from the
    generator), above through `rng.poisson`; the same generator state gives the same draws."""
    if m > TABLE_MAX:
        return rng.poisson(m, size=(rows, n)).astype(dtype)
    thresholds, table = _poisson_inverse(m)
    raw = rng.bit_generator.random_raw((rows, n))
    cell = np.right_shift(raw, np.uint64(64 - _CELL_BITS)).view(np.int64)  # the top bits of U = raw >> 1
    w = _table_as(m, dtype).take(cell)
    amb = w < 0
    if amb.any():
        w[amb] = np.searchsorted(thresholds, raw[amb] >> np.uint64(1), side="right")
    return w


@functools.lru_cache(maxsize=2 * TABLE_MAX)
def _table_as(m: int, dtype) -> np.ndarray:
    """`_poisson_inverse(m)`'s cell table in `dtype` (its values are small integers, exact in float32)."""
    return _poisson_inverse(m)[1].astype(dtype)


@contextmanager
def one_blas_thread():
    """The matrix products of the bootstrap on one BLAS thread: on a loaded machine more
    threads fight the main one (threadpoolctl, installed with scikit-learn; without it, as is)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


class PoissonGroups:
    """The Poisson bootstrap of a stream of units, grouped by count vector.

    The Poisson bootstrap weights each unit by an independent Poisson(1) draw in each resample:
    the streaming form of the bootstrap, which needs no unit count in advance. A unit with
    count vector v enters a resample as w v, so m units with the same vector enter as
    (w_1 + ... + w_m) v, and a sum of m independent Poisson(1) draws is one Poisson(m) draw:
    one weight per group of identical vectors gives the same distribution of resampled counts
    as one per unit (tests/test_bootstrap_grouped.py compares the two over many resamples). Units
    with no item add nothing and are left out. On the benchmark corpus 2M tokens make 83,261
    sentences, 69,649 with an entity, in 4,463 groups: a resample is 4,463 draws, not 83,261.

    Groups live in a dict keyed by the vector (a byte a count where counts fit, trailing zeros
    cut); past `MAX_GROUPS` they are drawn and folded into the resampled counts, so memory
    stays flat whatever the input. They are drawn in a canonical order (by multiplicity, then vector),
    so the resamples depend on the units and the seed, not on how the input was cut into
    blocks (while fewer than `MAX_GROUPS` distinct vectors are seen).
    """

    def __init__(self, n_boot: int, seed: int) -> None:
        self.n_boot = n_boot
        self.rng = np.random.default_rng(seed)
        self.groups: dict[bytes, int] = {}
        self.boot = np.zeros((n_boot, 0))

    def add(self, rows: np.ndarray) -> None:
        """Per-unit counts (units, columns), non-negative integers; a column is a (line,
        outcome) cell, and a later call may have more columns than an earlier one."""
        rows = np.asarray(rows)
        if not rows.size:
            return
        n, width = rows.shape
        small = int(rows.max()) < 256  # nearly always: one byte a count, 8 counts a word
        packed = np.zeros((n, -(-width // 8) * 8 if small else width), dtype=np.uint8 if small else np.int64)
        packed[:, :width] = rows
        first, _, cnt = _unique_rows(packed.view(np.uint64))
        rep = packed[first]
        if small:
            keys = _keys(rep, 1)
        else:  # a row's key does not depend on its block: one byte a count wherever that fits
            fits = rep.max(axis=1) < 256
            keys = np.empty(len(rep), dtype=object)
            keys[fits] = _keys(rep[fits].astype(np.uint8), 1)
            keys[~fits] = _keys(rep[~fits], 8)
        groups = self.groups
        for key, c in zip(keys, cnt.tolist()):
            if len(key) > 1:  # not the zero vector (a unit without items)
                groups[key] = groups.get(key, 0) + c
        if len(groups) > MAX_GROUPS:
            self._flush()

    def _flush(self) -> None:
        items = sorted(self.groups.items(), key=lambda kv: (kv[1], kv[0]))
        self.groups = {}
        if not items or not self.n_boot:
            return
        width = max(_width(k) for k, _ in items)
        if self.boot.shape[1] < width:
            self.boot = np.concatenate([self.boot, np.zeros((self.n_boot, width - self.boot.shape[1]))], axis=1)
        step = max(1, _DRAW_CELLS // self.n_boot)
        with one_blas_thread():
            for g in range(0, len(items), _FLUSH_GROUPS):  # a slice of groups at a time: flat memory
                part = items[g:g + _FLUSH_GROUPS]
                vectors = _vectors([k for k, _ in part], width)
                m = np.array([c for _, c in part], dtype=np.int64)
                used = np.flatnonzero(vectors.any(axis=0))
                # identical columns (lines that count alike: exact and partial agree on every
                # correct, missed and spurious item) are multiplied once: on NER, a third of them
                vectors, same = _distinct_columns(vectors[:, used])
                acc = np.zeros((self.n_boot, vectors.shape[1]))
                cuts = [0, *(np.flatnonzero(np.diff(m)) + 1).tolist(), len(m)]
                vec32 = vectors.astype(np.float32)
                vmax = float(vectors.max(initial=0))
                for a, b in zip(cuts[:-1], cuts[1:]):  # groups of one multiplicity, `step` at a time
                    for c in range(a, b, step):
                        d = min(c + step, b)
                        acc += _product(poisson_weights(self.rng, int(m[a]), d - c, self.n_boot, np.float32),
                                        vectors[c:d], vec32[c:d], vmax)
                self.boot[:, used] += acc[:, same]

    def resampled(self, n_columns: int) -> np.ndarray:
        """Counts of every resample, (n_boot, n_columns) float64 holding integers."""
        self._flush()
        out = np.zeros((self.n_boot, n_columns))
        out[:, :self.boot.shape[1]] = self.boot
        return out


_EXACT_FLOAT32 = 1 << 24
"""float32 holds every integer up to 2^24 exactly."""


def _product(w: np.ndarray, vectors: np.ndarray, vec32: np.ndarray, vmax: float) -> np.ndarray:
    """`w.T @ vectors` (weights (groups, n_boot), counts (groups, columns)) with integer results:
    in float32, about twice as fast, when no sum can pass 2^24 (a resample's weight total times
    the largest count), so every partial sum is exact; in float64 otherwise."""
    if float(w.sum(axis=0).max(initial=0)) * vmax < _EXACT_FLOAT32:
        return (w.T @ vec32).astype(np.float64)
    return w.astype(np.float64).T @ vectors


_KEY_SIZE = {1: b"\x01", 8: b"\x08"}
_FLUSH_GROUPS = 4096


def _keys(rep: np.ndarray, size: int) -> list[bytes]:
    """Group keys of the rows of `rep` (uint8 or int64): the byte size of a count, then the
    row's bytes with trailing zero bytes cut, so a key does not depend on the width."""
    step = rep.shape[1] * size
    flat = np.ascontiguousarray(rep).tobytes()
    head = _KEY_SIZE[size]
    return [head + flat[i:i + step].rstrip(b"\0") for i in range(0, len(flat), step)]


def _vector(key: bytes) -> np.ndarray:
    """The count vector of a group key (`PoissonGroups.add`)."""
    size = key[0]
    body = key[1:]
    body = body.ljust(-(-len(body) // size) * size, b"\0")
    return np.frombuffer(body, dtype=np.uint8 if size == 1 else np.int64)


def _vectors(keys: list[bytes], width: int) -> np.ndarray:
    """The count vectors of group keys, (keys, width) float64."""
    out = np.zeros((len(keys), width))
    small = [i for i, k in enumerate(keys) if k[0] == 1]
    if small:
        body = b"".join(keys[i][1:].ljust(width, b"\0") for i in small)
        out[small] = np.frombuffer(body, dtype=np.uint8).reshape(len(small), width)
    for i, k in enumerate(keys):
        if k[0] != 1:
            row = _vector(k)
            out[i, :len(row)] = row
    return out


def _width(key: bytes) -> int:
    return -(-(len(key) - 1) // key[0])


def _unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct rows of a uint64 matrix: the index of each one's first occurrence, the
    distinct row of every row, and how often each occurs. Grouped by a 64-bit hash, then
    checked row by row (a hash collision falls back to numpy's exact, and much slower, unique)."""
    h = rows @ _hash_multipliers(rows.shape[1])  # wraps mod 2^64
    _, first, inv, cnt = np.unique(h, return_index=True, return_inverse=True, return_counts=True)
    inv = inv.reshape(-1)
    if not np.array_equal(rows[first][inv], rows):
        _, first, inv, cnt = np.unique(rows, axis=0, return_index=True, return_inverse=True, return_counts=True)
        inv = inv.reshape(-1)
    return first, inv, cnt


def _distinct_columns(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of a float64 matrix of counts, and the distinct column of every column."""
    first, inv, _ = _unique_rows(np.ascontiguousarray(vectors.T).view(np.uint64))  # equal counts, equal bits
    return vectors[:, first], inv


@functools.lru_cache(maxsize=64)
def _hash_multipliers(n: int) -> np.ndarray:
    """Odd 64-bit multipliers for columns 0..n-1 (splitmix64 of the column index)."""
    z = np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) | np.uint64(1)
