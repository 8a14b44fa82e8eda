"""NER scoring: parity with seqeval and nervaluate on generated tag sequences, and khabar's
own NER semantics on the real gold (schemes, ignored labels, the corrupted subset)."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from khabar.baselines import get_system
from khabar import load_gold
from khabar.model import PredEntity, Prediction, Span
from khabar.schema import map_type
from khabar.scoring import score
from khabar.scoring import ner
from khabar.iob import decode
from khabar.scoring.conll import score_tags

LABELS = ("PER", "ORG", "LOC")
NERVALUATE_MODES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


@st.composite
def iob2_sequence(draw, max_len=25):
    """A well-formed IOB2 sequence: entities of 1-4 tokens, separated or adjacent."""
    n = draw(st.integers(0, max_len))
    tags, i = [], 0
    while i < n:
        if draw(st.booleans()):
            k = min(draw(st.integers(1, 4)), n - i)
            t = draw(st.sampled_from(LABELS))
            tags += [f"B-{t}"] + [f"I-{t}"] * (k - 1)
            i += k
        else:
            tags.append("O")
            i += 1
    return tags


@st.composite
def any_bio_sequence(draw, n):
    """Any sequence of O / B-x / I-x (malformed ones included: I- after O, type switches)."""
    alphabet = ["O", "O", "O"] + [f"{p}-{t}" for p in "BI" for t in LABELS]
    return draw(st.lists(st.sampled_from(alphabet), min_size=n, max_size=n))


@st.composite
def corpus(draw, well_formed: bool):
    """(gold sequences, predicted sequences): predictions often edited copies of the gold."""
    y_true, y_pred = [], []
    for _ in range(draw(st.integers(1, 6))):
        g = draw(iob2_sequence()) if well_formed else draw(any_bio_sequence(draw(st.integers(0, 20))))
        if draw(st.integers(0, 3)) == 0:
            p = draw(iob2_sequence(len(g))) if well_formed else draw(any_bio_sequence(len(g)))
            p = (p + ["O"] * len(g))[: len(g)]
        else:
            p = list(g)
            for _ in range(draw(st.integers(0, 4))):
                if not p:
                    break
                j = draw(st.integers(0, len(p) - 1))
                p[j] = draw(st.sampled_from(["O"] + [f"B-{t}" for t in LABELS] +
                                            ([] if well_formed else [f"I-{t}" for t in LABELS])))
            if well_formed:  # repair: an I- must continue an entity of its type
                for j, tag in enumerate(p):
                    if tag.startswith("I-") and (j == 0 or p[j - 1] == "O" or p[j - 1][2:] != tag[2:]):
                        p[j] = "B-" + tag[2:]
        y_true.append(g)
        y_pred.append(p)
    return y_true, y_pred


def _nervaluate(y_true, y_pred):
    from nervaluate import Evaluator

    return Evaluator(y_true, y_pred, tags=list(LABELS), loader="list").evaluate()


def _counts(m):
    return [m.correct, m.incorrect, m.partial, m.missed, m.spurious]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus(well_formed=False))
def test_four_modes_equal_nervaluate_counts(data):
    y_true, y_pred = data
    res = _nervaluate(y_true, y_pred)
    report = score_tags(y_true, y_pred, n_boot=0)
    for mode, theirs in NERVALUATE_MODES.items():
        v = res["overall"][theirs]
        assert _counts(report.get("ner", mode)) == [v.correct, v.incorrect, v.partial, v.missed, v.spurious], mode
        assert report.get("ner", mode).f1 == pytest.approx(v.f1, abs=1e-12)
        for label, modes in res["entities"].items():
            v = modes[theirs]
            assert _counts(report.get("ner", mode, label)) == [v.correct, v.incorrect, v.partial, v.missed,
                                                              v.spurious], (mode, label)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus(well_formed=False))
def test_general_matcher_equals_nervaluate(data):
    """`ner.match` (the document path) sentence by sentence, summed, equals nervaluate."""
    y_true, y_pred = data
    res = _nervaluate(y_true, y_pred)
    for mode, theirs in NERVALUATE_MODES.items():
        total = [0] * 5
        for g, p in zip(y_true, y_pred):
            for i, c in enumerate(ner.count(decode(g), decode(p), mode)):
                total[i] += c
        v = res["overall"][theirs]
        assert total == [v.correct, v.incorrect, v.partial, v.missed, v.spurious], mode


def _seqeval(y_true, y_pred, **kw):
    from seqeval.metrics import classification_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return classification_report(y_true, y_pred, output_dict=True, **kw)


def _assert_strict_equals_seqeval(report, d):
    for key, row in d.items():
        if key == "weighted avg":
            continue
        label = {"micro avg": "micro", "macro avg": "macro"}.get(key, key)
        m = report.get("ner", "strict", label)
        assert (m.p, m.r, m.f1) == pytest.approx((row["precision"], row["recall"], row["f1-score"]), abs=1e-12), key
        if label not in ("micro", "macro"):
            assert m.support == row["support"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus(well_formed=True))
def test_strict_equals_seqeval_strict_iob2(data):
    from seqeval.scheme import IOB2

    y_true, y_pred = data
    assume(any(t != "O" for s in y_true + y_pred for t in s))
    report = score_tags(y_true, y_pred, n_boot=0)
    _assert_strict_equals_seqeval(report, _seqeval(y_true, y_pred, mode="strict", scheme=IOB2))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus(well_formed=False))
def test_strict_equals_seqeval_default_on_malformed_input(data):
    """On malformed IOB2 khabar decodes as conlleval (and seqeval's default mode) does."""
    y_true, y_pred = data
    assume(any(t != "O" for s in y_true + y_pred for t in s))
    report = score_tags(y_true, y_pred, n_boot=0)
    _assert_strict_equals_seqeval(report, _seqeval(y_true, y_pred))


def test_malformed_i_without_b_is_an_entity_not_dropped():
    """The documented difference from seqeval's strict mode."""
    from seqeval.scheme import IOB2

    y_true, y_pred = [["B-PER", "I-PER", "O"]], [["I-PER", "I-PER", "O"]]
    assert decode(y_pred[0]) == [(0, 2, "PER")]
    assert score_tags(y_true, y_pred, n_boot=0).get("ner", "strict").f1 == 1.0
    assert _seqeval(y_true, y_pred, mode="strict", scheme=IOB2)["micro avg"]["f1-score"] == 0.0


def test_iobes_decoding():
    assert decode(["S-PER", "B-ORG", "I-ORG", "E-ORG", "E-ORG", "O", "I-LOC"]) == [
        (0, 1, "PER"), (1, 4, "ORG"), (4, 5, "ORG"), (6, 7, "LOC")]
    with pytest.raises(ValueError):
        decode(["X-PER"])


# --- khabar documents ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def gold():
    return load_gold()


def _with_entities(gold, entities):
    d = gold.documents[0]
    return [Prediction(d.id, entities=entities)] + [Prediction(x.id, entities=[]) for x in gold.documents[1:]]


def test_coarse_scheme_drops_fac_and_norp_and_ignores_misc(gold):
    oracle = get_system("oracle").predict(gold.documents)
    fine, coarse = score(gold, oracle, n_boot=0), score(gold, oracle, scheme="coarse", n_boot=0)
    n_fine = sum(len(d.ner_mentions) for d in gold.documents)
    n_coarse = sum(1 for d in gold.documents for m in d.ner_mentions if map_type(m.type, "coarse"))
    assert fine.get("ner", "strict").support == n_fine
    assert coarse.get("ner", "strict").support == n_coarse
    assert coarse.get("ner", "strict").f1 == 1.0
    labels = {r.label for r in coarse.rows if r.task == "ner"}
    assert not labels & {"FAC", "NORP", "GPE"}
    # a MISC prediction is ignored, not a false positive; a GPE prediction counts as LOC
    d = gold.documents[0]
    m = d.ner_mentions[0]
    extra = [PredEntity(Span(0, 1, d.text[0]), "MISC")]
    r = score(gold, _with_entities(gold, [PredEntity(x.span, x.type) for x in d.ner_mentions] + extra),
              scheme="coarse", n_boot=0)
    assert r.get("ner", "strict").spurious == 0
    gpe = next(x for x in d.ner_mentions if x.type == "GPE")
    r = score(gold, _with_entities(gold, [PredEntity(gpe.span, "GPE")]), scheme="coarse", n_boot=0)
    assert r.get("ner", "strict", "LOC").correct == 1
    assert m is not None


def test_corrupted_subset(gold):
    d = gold.documents[0]
    corrupted = [m for m in d.ner_mentions if m.form == "corrupted"]
    if not corrupted:
        pytest.skip("no corrupted mentions in this gold")
    others = [m for m in d.ner_mentions if m.form != "corrupted"]
    # predict every non-corrupted mention and one wrong-typed corrupted one
    first = corrupted[0]
    wrong = "ORG" if first.type != "ORG" else "PER"
    preds = [PredEntity(m.span, m.type) for m in others] + [PredEntity(first.span, wrong)]
    r = score(gold, _with_entities(gold, preds), n_boot=0)
    sub = r.get("ner", "strict", subset="corrupted")
    assert sub.support == len(corrupted)
    assert sub.correct == 0 and sub.predicted == 1  # only the prediction on a corrupted mention counts
    assert r.get("ner", "exact", subset="corrupted").correct == 1
    assert r.get("ner", "strict").correct == len(others)


def test_details_carry_offsets_and_outcomes(gold):
    d = gold.documents[0]
    a, b = d.ner_mentions[0], d.ner_mentions[1]
    wrong = "ORG" if b.type != "ORG" else "PER"
    shifted = Span(a.start, a.end - 1, d.text[a.start:a.end - 1]) if a.end - a.start > 1 else a.span
    preds = [PredEntity(shifted, a.type), PredEntity(b.span, wrong), PredEntity(Span(0, 1, d.text[0]), "PER")]
    r = score(gold, _with_entities(gold, preds), n_boot=0)
    strict = {(x.outcome, (x.gold or {}).get("id")) for x in r.details_for("ner", "strict") if x.subset == "all"}
    assert ("wrong_type", b.id) in strict
    assert ("FP", None) in strict
    if shifted != a.span:
        assert ("partial", a.id) in strict
    fn = [x for x in r.details_for("ner", "strict") if x.outcome == "FN" and x.subset == "all"]
    assert len(fn) == len(d.ner_mentions) - 2
    for x in r.details:
        item = x.gold or x.pred
        assert d.text[item["start"]:item["end"]] == item["text"]
        assert x.to_dict()["doc_id"] == d.id
