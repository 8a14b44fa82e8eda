"""The grouped Poisson bootstrap of conlleval input and the percentiles behind every interval.

Grouping sentences with identical count vectors and drawing one Poisson(m) weight per group
must give the same distribution of resampled counts as one Poisson(1) weight per sentence: the
F1 distributions of the two are compared over many resamples (means, spreads, quantiles and a
two-sample Kolmogorov-Smirnov test). The weights themselves are checked against the Poisson
probabilities, the grouping against numpy's exact unique, and `bootstrap.percentiles` against
numpy's percentile functions, bit for bit.
"""

from __future__ import annotations

import io
import math
import random

import numpy as np
import pytest

from khabar.scoring import bootstrap, prf
from khabar.scoring.bootstrap import PoissonGroups, percentiles, poisson_weights
from khabar.scoring.conll import N_OUTCOMES, Stream, _feed_conll, score_conll

TYPES = ("PER", "ORG", "LOC", "MISC")


def conll_text(n_sent: int, seed: int) -> str:
    """conlleval lines of a system near 0.85 F1: many sentences share their counts, some do not."""
    rng = random.Random(seed)
    out = []
    for i in range(n_sent):
        size = rng.randint(4, 25)
        gold = ["O"] * size
        j = 0
        while j < size:
            if rng.random() < 0.12:
                t, k = rng.choice(TYPES), min(rng.choice((1, 1, 2, 3)), size - j)
                gold[j:j + k] = [f"B-{t}"] + [f"I-{t}"] * (k - 1)
                j += k + 1
            else:
                j += 1
        pred = [("B-" + rng.choice(TYPES) if g.startswith("B") else g) if rng.random() < 0.08 else g for g in gold]
        pred = [("B-MISC" if p == "O" and rng.random() < 0.01 else p) for p in pred]
        out += [f"w{i}_{j} {g} {p}\n" for j, (g, p) in enumerate(zip(gold, pred))] + ["\n"]
    return "".join(out)


@pytest.fixture(scope="module")
def corpus():
    """The text and its per-sentence counts (sentences, keys, 5), with the keys."""
    text = conll_text(1500, 7)
    s = Stream(keep_units=True)
    _feed_conll(s, io.BytesIO(text.encode()), "c")
    t = s.tally()
    return text, t.data, t.keys


def micro_f1(counts: np.ndarray, keys, mode: str = "strict") -> np.ndarray:
    return prf.ratios(counts[:, keys.index(("ner", "all", mode, "micro")), :])[2]


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two ECDFs."""
    grid = np.sort(np.concatenate([a, b]))
    fa = np.searchsorted(np.sort(a), grid, side="right") / len(a)
    fb = np.searchsorted(np.sort(b), grid, side="right") / len(b)
    return float(np.abs(fa - fb).max())


# --- the same distribution as one Poisson(1) weight per sentence -------------------------------


def test_grouped_equals_per_sentence_distribution(corpus):
    text, data, keys = corpus
    n_units, n_boot = data.shape[0], 4000
    flat = data.reshape(n_units, -1).astype(np.float64)
    per_sentence = (np.random.default_rng(11).poisson(1.0, size=(n_boot, n_units)) @ flat).reshape(n_boot, -1, N_OUTCOMES)
    g = PoissonGroups(n_boot, seed=12)
    g.add(data.reshape(n_units, -1))
    assert len(g.groups) < n_units / 2  # the point: far fewer draws than sentences
    grouped = g.resampled(flat.shape[1]).reshape(n_boot, -1, N_OUTCOMES)
    for mode in ("strict", "partial"):
        a, b = micro_f1(per_sentence, keys, mode), micro_f1(grouped, keys, mode)
        se = a.std() / math.sqrt(n_boot)
        assert abs(a.mean() - b.mean()) < 4 * se * math.sqrt(2), mode
        assert b.std() == pytest.approx(a.std(), rel=0.08), mode
        for q in (2.5, 25, 50, 75, 97.5):
            assert np.percentile(b, q) == pytest.approx(np.percentile(a, q), abs=2 * a.std() / 10), (mode, q)
        # two-sample KS at the 0.1% level: c(0.001) sqrt(2 / n)
        assert ks_statistic(a, b) < 1.95 * math.sqrt(2 / n_boot), mode
    # every count line, not only F1: the resampled totals agree in mean and spread
    tot_a, tot_b = per_sentence.sum(axis=2), grouped.sum(axis=2)
    used = tot_a.mean(axis=0) > 0
    assert np.allclose(tot_b.mean(axis=0)[used], tot_a.mean(axis=0)[used], rtol=0.02)
    assert np.allclose(tot_b.std(axis=0)[used], tot_a.std(axis=0)[used], rtol=0.1)


def test_grouped_sums_are_the_totals(corpus):
    """The groups hold every sentence once: multiplicity times vector adds up to the totals."""
    _, data, _ = corpus
    g = PoissonGroups(1, seed=0)
    flat = data.reshape(data.shape[0], -1)
    for a in range(0, len(flat), 97):  # in pieces, as blocks arrive
        g.add(flat[a:a + 97])
    total = np.zeros(flat.shape[1], dtype=np.int64)
    for key, m in g.groups.items():
        v = bootstrap._vector(key)
        total[:len(v)] += m * v.astype(np.int64)
    assert (total == flat.sum(axis=0)).all()
    assert sum(g.groups.values()) == int((flat.sum(axis=1) > 0).sum())


def test_conll_intervals_seeded_and_blind_to_blocks(corpus):
    text = corpus[0]
    reports = [score_conll(io.BytesIO(text.encode()), n_boot=300, seed=4, block_bytes=b) for b in (500, 4096, 1 << 20)]
    cis = {tuple((r.key, r.score.ci_low, r.score.ci_high) for r in rep.rows) for rep in reports}
    assert len(cis) == 1  # the same draws whatever the blocks
    other = score_conll(io.BytesIO(text.encode()), n_boot=300, seed=5)
    assert [r.score.ci_low for r in other.rows] != [r.score.ci_low for r in reports[0].rows]
    m = reports[0].get("ner", "strict")
    assert m.ci_low < m.f1 < m.ci_high


def test_conll_intervals_match_the_per_sentence_bootstrap(corpus):
    """The shipped intervals against a per-sentence Poisson bootstrap of the same counts."""
    text, data, keys = corpus
    rep = score_conll(io.BytesIO(text.encode()), n_boot=2000, seed=1)
    flat = data.reshape(data.shape[0], -1).astype(np.float64)
    w = np.random.default_rng(2).poisson(1.0, size=(2000, data.shape[0]))
    ref = micro_f1((w @ flat).reshape(2000, -1, N_OUTCOMES), keys)
    lo, hi = np.percentile(ref, [2.5, 97.5])
    m = rep.get("ner", "strict")
    width = hi - lo
    assert abs(m.ci_low - lo) < 0.1 * width and abs(m.ci_high - hi) < 0.1 * width


def test_flushing_past_max_groups_keeps_the_distribution(corpus, monkeypatch):
    _, data, keys = corpus
    flat = data.reshape(data.shape[0], -1)
    full = PoissonGroups(3000, seed=3)
    full.add(flat)
    whole = full.resampled(flat.shape[1]).reshape(3000, -1, N_OUTCOMES)
    monkeypatch.setattr(bootstrap, "MAX_GROUPS", 20)
    small = PoissonGroups(3000, seed=3)
    for a in range(0, len(flat), 50):
        small.add(flat[a:a + 50])
        assert len(small.groups) <= 20 + 50  # flushed: memory stays bounded
    pieces = small.resampled(flat.shape[1]).reshape(3000, -1, N_OUTCOMES)
    a, b = micro_f1(whole, keys), micro_f1(pieces, keys)
    assert ks_statistic(a, b) < 1.95 * math.sqrt(2 / 3000)
    assert (pieces.mean(axis=0) == pytest.approx(whole.mean(axis=0), rel=0.03, abs=0.5))


# --- the weights ---------------------------------------------------------------------------------


@pytest.mark.parametrize("m", [1, 2, 7, 32, 33, 256, 5000])  # the table up to TABLE_MAX, numpy above
def test_poisson_weights_follow_the_poisson_law(m):
    n = 40_000
    w = poisson_weights(np.random.default_rng(m), m, 2, n // 2).ravel()
    assert (w == np.round(w)).all() and w.min() >= 0
    assert w.mean() == pytest.approx(m, abs=5 * math.sqrt(m / n))
    assert w.var() == pytest.approx(m, rel=0.05)
    # chi-square over the central values against the Poisson probabilities
    lo, hi = max(0, int(m - 3 * math.sqrt(m))), int(m + 3 * math.sqrt(m)) + 1
    ks = np.arange(lo, hi + 1)
    pmf = np.exp(ks * math.log(m) - m - np.array([math.lgamma(k + 1) for k in ks]))
    observed = np.array([(w == k).sum() for k in ks])
    expected = pmf * len(w)
    keep = expected >= 5
    chi2 = float((((observed - expected) ** 2) / expected)[keep].sum())
    dof = int(keep.sum()) - 1
    assert chi2 < dof + 5 * math.sqrt(2 * dof)  # far in the upper tail only for a wrong law


def test_poisson_weights_seeded():
    for m in (1, 9, 300):
        a = poisson_weights(np.random.default_rng(5), m, 30, 800)
        assert a.shape == (30, 800) and (a == poisson_weights(np.random.default_rng(5), m, 30, 800)).all()
        assert a.mean() == pytest.approx(m, rel=0.03)
        assert not (a == poisson_weights(np.random.default_rng(6), m, 30, 800)).all()


@pytest.mark.parametrize("scale", [1, 1 << 22])  # float32 where sums stay below 2^24, float64 past it
def test_product_is_exact(scale):
    rng = np.random.default_rng(0)
    w = poisson_weights(rng, 3, 50, 40, np.float32)
    vectors = rng.integers(0, 4, size=(50, 7)).astype(np.float64) * scale
    got = bootstrap._product(w, vectors, vectors.astype(np.float32), float(vectors.max()))
    exact = w.astype(np.int64).T @ vectors.astype(np.int64)
    assert got.dtype == np.float64 and (got == exact).all()


def test_float32_weights_equal_float64_weights():
    for m in (1, 9, 300):
        a = poisson_weights(np.random.default_rng(5), m, 30, 800)
        assert (poisson_weights(np.random.default_rng(5), m, 30, 800, np.float32) == a).all()


def test_inverse_cdf_table_is_exact():
    """Every cell of the table gives the weight the thresholds give to both its ends."""
    for m in (1, 3, 16, bootstrap.TABLE_MAX):
        thresholds, table = bootstrap._poisson_inverse(m)
        width = 63 - bootstrap._CELL_BITS
        cells = np.flatnonzero(table >= 0).astype(np.uint64)
        for edge in (cells << np.uint64(width), ((cells + np.uint64(1)) << np.uint64(width)) - np.uint64(1)):
            assert (np.searchsorted(thresholds, edge, side="right") == table[cells.astype(np.int64)]).all()
        assert thresholds[-1] == 2**63  # the upper tail left out is below double precision


# --- the grouping --------------------------------------------------------------------------------


def test_unique_rows_equals_numpy_and_survives_collisions(monkeypatch):
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 3, size=(500, 12)) * (rng.random((500, 12)) < 0.2)
    want = {tuple(r): c for r, c in zip(*np.unique(rows, axis=0, return_counts=True))}
    first, inv, cnt = bootstrap._unique_rows(np.ascontiguousarray(rows, dtype=np.int64).view(np.uint64))
    assert {tuple(r): c for r, c in zip(rows[first], cnt)} == want and (rows[first][inv] == rows).all()
    monkeypatch.setattr(bootstrap, "_hash_multipliers", lambda n: np.zeros(n, dtype=np.uint64))  # all collide
    first, inv, cnt = bootstrap._unique_rows(np.ascontiguousarray(rows, dtype=np.int64).view(np.uint64))
    assert {tuple(r): c for r, c in zip(rows[first], cnt)} == want and (rows[first][inv] == rows).all()


def test_keys_ignore_trailing_zero_columns():
    g = PoissonGroups(10, seed=0)
    g.add(np.array([[1, 0, 2], [0, 0, 0]]))
    g.add(np.array([[1, 0, 2, 0, 0], [0, 0, 0, 0, 1]]))  # the same first vector, wider
    assert sorted(g.groups.values()) == [1, 2] and len(g.groups) == 2
    g.add(np.array([[300, 0, 2], [256, 0, 0]]))  # counts past a byte keep eight bytes a count
    vectors = sorted(bootstrap._vector(k).tolist() for k in g.groups)
    assert vectors == [[0, 0, 0, 0, 1], [1, 0, 2], [256], [300, 0, 2]]


# --- percentiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_percentiles_equal_numpy_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.choice([1, 2, 3, 7, 40, 1000, 1001]))
    x = rng.random((n, 9))
    x[:, 1] = np.round(x[:, 1], 1)  # ties
    x[rng.random((n, 9)) < 0.3] = np.nan
    x[:, 2] = np.nan  # a line never defined
    x[:, 3] = 0.5
    qs = [2.5, 97.5]
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        want = np.nanpercentile(x, qs, axis=0)
    got = percentiles(x, qs)
    assert np.array_equal(got, want, equal_nan=True)
    clean = x[:, 4] if not np.isnan(x[:, 4]).any() else rng.random(n)
    for q in ([2.5, 97.5], [0, 50, 100], [33.3]):
        assert np.array_equal(percentiles(clean, q), np.percentile(clean, q))


def test_percentiles_on_resampled_f1():
    """Real bootstrap F1 values (many ties near the point estimate) give numpy's numbers."""
    rng = np.random.default_rng(3)
    counts = rng.poisson([40, 3, 2, 5, 6], size=(1000, 4, 5))
    f = prf.f1(counts, undefined=np.nan)
    f[rng.random(f.shape) < 0.05] = np.nan
    with np.errstate(invalid="ignore"):
        assert np.array_equal(percentiles(f, [2.5, 97.5]), np.nanpercentile(f, [2.5, 97.5], axis=0), equal_nan=True)
    macro = prf.macro(counts)[2]
    assert np.array_equal(percentiles(macro, [2.5, 97.5]), np.percentile(macro, [2.5, 97.5]))


def test_distinct_columns_rebuild_the_matrix(monkeypatch):
    rng = np.random.default_rng(1)
    base = rng.integers(0, 4, size=(300, 9)).astype(np.float64)
    vectors = base[:, rng.integers(0, 9, size=40)]  # 40 columns, at most 9 distinct
    distinct, same = bootstrap._distinct_columns(vectors)
    assert distinct.shape[1] == np.unique(vectors, axis=1).shape[1] and (distinct[:, same] == vectors).all()
    monkeypatch.setattr(bootstrap, "_hash_multipliers", lambda n: np.zeros(n, dtype=np.uint64))  # all collide
    distinct, same = bootstrap._distinct_columns(vectors)
    assert (distinct[:, same] == vectors).all()
