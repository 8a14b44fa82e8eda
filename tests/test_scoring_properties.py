"""Invariants of the scorer on the real gold: itself scores 1.0 everywhere, nothing scores recall
0, order does not matter, and shards scored apart merge into the whole."""

from __future__ import annotations

import dataclasses
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar.baselines import get_system
from khabar import load_gold
from khabar.model import Gold, PredEntity, PredNumber, PredQuote, Prediction, Span
from khabar.scoring import report_from_tally, score, settings_for
from khabar.scoring.conll import score_tags, tally_tags
from khabar.scoring.corpus import tally

GOLD = load_gold()


def noisy(gold: Gold, seed: int) -> list[Prediction]:
    """A deterministic imperfect system: drops, wrong types, shifted spans, spurious items,
    wrong speakers and values (built from the gold, for tests only)."""
    rng = random.Random(seed)
    out = []
    for d in gold.documents:
        def cut(s: Span) -> Span:
            if s.end - s.start > 2 and rng.random() < 0.3:
                return Span(s.start + 1, s.end, d.text[s.start + 1:s.end])
            return s

        ents = []
        for m in d.ner_mentions:
            r = rng.random()
            if r < 0.15:
                continue
            t = rng.choice(["PER", "ORG", "GPE", "LOC"]) if r < 0.3 else m.type
            ents.append(PredEntity(cut(m.span), t))
        for _ in range(3):
            a = rng.randrange(0, len(d.text) - 5)
            s = Span(a, a + 4, d.text[a:a + 4])
            if all(e.span.key != s.key for e in ents):
                ents.append(PredEntity(s, rng.choice(["PER", "ORG"])))
        quotes = []
        for q in d.quotes:
            if rng.random() < 0.2:
                continue
            src = q.source if rng.random() < 0.6 else d.ner_mentions[rng.randrange(len(d.ner_mentions))].span
            quotes.append(PredQuote(q.cue if rng.random() < 0.8 else None, cut(q.content), src,
                                    rng.choice([q.type, None, "direct"])))
        nums = []
        for n in d.numbers:
            if rng.random() < 0.2:
                continue
            nums.append(PredNumber(cut(n.span), n.value if rng.random() < 0.7 else n.value + 1,
                                   n.kind if rng.random() < 0.8 else None))
        out.append(Prediction(d.id, ents, quotes, nums))
    return out


def test_gold_against_itself_is_one_everywhere():
    r = score(GOLD, get_system("oracle").predict(GOLD.documents), n_boot=200)
    assert r.rows
    for row in r.rows:
        m = row.score
        assert (m.p, m.r, m.f1) == (1.0, 1.0, 1.0), row
        assert m.fp == 0 and m.fn == 0
        assert (m.ci_low, m.ci_high) == (1.0, 1.0), row
    for task in ("ner", "quotes", "numbers"):
        assert r.headline(task).f1 == 1.0
    assert {d.outcome for d in r.details} == {"TP"}


def test_empty_predictions_have_recall_zero():
    r = score(GOLD, get_system("empty").predict(GOLD.documents), n_boot=50)
    for row in r.rows:
        if row.score.kind == "accuracy":
            assert row.score.support == 0  # nothing matched, nothing judged
            continue
        assert row.score.r == 0.0 and row.score.tp == 0, row
        assert row.score.fn == row.score.support
    assert r.get("ner", "strict").support == sum(len(d.ner_mentions) for d in GOLD.documents)
    assert r.get("quotes", "attribution").support == sum(len(d.quotes) for d in GOLD.documents)


def _numbers(report):
    return [(r.key, r.score.to_dict()) for r in report.rows]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.randoms(use_true_random=False))
def test_order_of_predictions_does_not_matter(seed, rnd):
    preds = noisy(GOLD, seed)
    shuffled = []
    for p in reversed(preds):
        ents, quotes, nums = list(p.entities), list(p.quotes), list(p.numbers)
        rnd.shuffle(ents)
        rnd.shuffle(quotes)
        rnd.shuffle(nums)
        shuffled.append(dataclasses.replace(p, entities=ents, quotes=quotes, numbers=nums))
    a, b = score(GOLD, preds, n_boot=30, seed=1), score(GOLD, shuffled, n_boot=30, seed=1)
    assert _numbers(a) == _numbers(b)
    key = lambda d: (d.task, d.subset, d.metric, d.outcome, str(d.gold), str(d.pred))  # noqa: E731
    assert sorted(map(key, a.details)) == sorted(map(key, b.details))


def _copies(k: int) -> Gold:
    """The gold document repeated under k ids: a multi-document corpus to shard."""
    d = GOLD.documents[0]
    docs = [dataclasses.replace(d, id=f"{d.id}#{i}") for i in range(k)]
    return Gold(GOLD.version, docs, GOLD.sha256, GOLD.path)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(1, 3))
def test_shards_merged_equal_the_whole(seed, cut):
    gold = _copies(4)
    preds = []
    for i, d in enumerate(gold.documents):
        p = noisy(Gold(gold.version, [GOLD.documents[0]]), seed + i)[0]
        preds.append(dataclasses.replace(p, id=d.id))
    whole = tally(gold, preds)
    a = tally(gold.documents[:cut], preds[:cut], tasks=("ner", "quotes", "numbers"))
    b = tally(gold.documents[cut:], preds[cut:], tasks=("ner", "quotes", "numbers"))
    merged = a + b
    assert merged.units == whole.units
    ta, tw = merged.totals(), whole.totals()
    assert set(tw) <= set(ta)
    for k in ta:
        assert list(ta[k]) == list(tw.get(k, [0] * 5)), k
    s = settings_for(gold, ("ner", "quotes", "numbers"), "fine", 100, 3)
    assert _numbers(report_from_tally(merged.with_keys(whole.keys), s)) == _numbers(report_from_tally(whole, s))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC"]), max_size=12),
                min_size=2, max_size=8), st.integers(0, 1000))
def test_tag_sequence_shards_merge(y_true, seed):
    rnd = random.Random(seed)
    y_pred = [[rnd.choice(["O", "B-PER", "I-PER", "B-LOC"]) if rnd.random() < 0.3 else t for t in s] for s in y_true]
    k = len(y_true) // 2
    whole = tally_tags(y_true, y_pred)
    merged = tally_tags(y_true[:k], y_pred[:k]) + tally_tags(y_true[k:], y_pred[k:])
    tw, tm = whole.totals(), merged.totals()
    for key in set(tw) | set(tm):
        assert list(tw.get(key, [0] * 5)) == list(tm.get(key, [0] * 5)), key
    r = score_tags(y_true, y_pred, n_boot=0)
    assert [r.get("ner", m).correct for m in ("strict", "exact", "partial", "type")] == \
        [int(tw[("ner", "all", m, "micro")][0]) for m in ("strict", "exact", "partial", "type")]


def test_same_inputs_same_signature_and_numbers():
    preds = noisy(GOLD, 7)
    a, b = score(GOLD, preds, n_boot=300, seed=5), score(GOLD, preds, n_boot=300, seed=5)
    assert a.signature == b.signature and _numbers(a) == _numbers(b)
    c = score(GOLD, preds, n_boot=300, seed=6)
    assert c.signature != a.signature
    assert [r.score.f1 for r in c.rows] == [r.score.f1 for r in a.rows]  # seeds only move intervals


def test_intervals_bracket_the_estimate():
    r = score(GOLD, noisy(GOLD, 3), n_boot=500)
    for row in r.rows:
        m = row.score
        if math.isnan(m.ci_low):
            continue
        assert 0.0 <= m.ci_low <= m.ci_high <= 1.0
        if row.label == "micro":
            assert m.ci_low - 1e-9 <= m.f1 <= m.ci_high + 1e-9, row


def test_no_bootstrap_gives_null_intervals():
    r = score(GOLD, noisy(GOLD, 3), n_boot=0)
    d = r.to_dict()
    assert all(row["ci_low"] is None and row["ci_high"] is None for row in d["rows"])
    assert "boot:0" in r.signature


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_add_up(seed):
    """tp + fn + partial = gold items and tp + fp + partial = predicted items, all whole
    numbers, on every line; P and R give partial matches half credit."""
    preds = noisy(GOLD, seed)
    r = score(GOLD, preds, n_boot=0)
    n_pred = sum(len(p.entities) for p in preds)
    for row in r.rows:
        m = row.score
        assert all(type(x) is int for x in (m.tp, m.fp, m.fn, m.partial))
        assert m.tp + m.fn + m.partial == m.support
        assert m.tp + m.fp + m.partial == m.predicted
        if m.kind == "f1" and not row.label == "macro" and m.predicted:
            assert m.p == pytest.approx((m.tp + m.partial / 2) / m.predicted)
    assert any(row.score.partial for row in r.rows)  # the partial-credit case is exercised
    assert r.get("ner", "exact").predicted == n_pred
