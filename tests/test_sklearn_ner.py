"""The scikit-learn tagger trained on an outside corpus (Wojood's sample), with its in-domain test
score, and the word features and tag conversions it shares with the CRF (in `corpora`)."""

from __future__ import annotations

import pytest

from khabar.baselines import get_system, registry
from khabar.baselines import corpora
from khabar.baselines import sklearn_ner as sk
from khabar.baselines.corpora import WOJOOD, project_corpus, read_conll
from khabar.errors import KhabarError
from khabar.schema import FINE_TYPES
from khabar.tokens import boundaries, sentences
from tests.conftest import SHARED

WOJOOD_TRAIN = SHARED / "external" / "wojood-sample" / "train.txt"
needs_wojood = pytest.mark.skipif(not WOJOOD_TRAIN.is_file(), reason="Wojood sample not present")


def _spans_ok(doc, pred):
    starts, ends = boundaries(doc.text)
    items = list(pred.entities or []) + list(pred.numbers or [])
    for item in items:
        assert item.span.start in starts and item.span.end in ends, item
        assert item.span.text == doc.text[item.span.start:item.span.end]
    for e in pred.entities or []:
        assert e.type in FINE_TYPES


def test_number_values_come_from_the_parser_in_context(doc):
    from khabar.numerals import find_numbers

    tokens = [t for t in sentences(doc.text) if t]
    context = corpora.parser_context(doc.text)
    for n in doc.numbers:  # every gold numeral span: tag it and read it back
        para = next(p for p in tokens if p[0].start <= n.start and n.end <= p[-1].end)
        tags = ["O"] * len(para)
        inside = [k for k, t in enumerate(para) if n.start <= t.start and t.end <= n.end]
        tags[inside[0]] = "B-NUM"
        for k in inside[1:]:
            tags[k] = "I-NUM"
        (pred,) = corpora.tags_to_numbers(doc.text, para, tags, context)
        assert pred.span.key == n.span.key and pred.span.text == n.text
        found = {m.span.key: m for m in find_numbers(doc.text)}
        if n.span.key in found:
            assert (pred.value, pred.kind) == (found[n.span.key].value, found[n.span.key].kind)
    assert corpora.number_value("ألفان وثمانمائة")[0] == 2800
    assert corpora.number_value("ليس رقما") == (None, None)


def test_features_are_local_orthography():
    feats = corpora.sentence_features(["قال", "بمعمر", "القذافي", "،"])
    assert feats[1]["s"] == "معمر" and feats[1]["pre"] == "ب"
    assert feats[3]["shape"] == "،" and feats[0]["first"] and feats[3]["last"]
    assert feats[0]["-1:n"] == "<pad>" and feats[2]["-1:n"] == "بمعمر"
    assert corpora.shape("2011") == "d" and corpora.shape("٢٠١١") == "d" and corpora.shape("فرنسيًا") == "a"


def test_tagger_with_one_class_predicts_it():
    tagger = sk.TokenTagger().fit([["a", "b"]], [["O", "O"]])
    assert tagger.predict([["c", "d", "e"]]) == [["O", "O", "O"]]


def test_registry_entries():
    entries = registry()
    assert "sklearn-cv" not in entries  # retired: it trained on the test article
    assert entries["sklearn-wojood"].target == "khabar.baselines.sklearn_ner:SklearnCorpus"
    if entries["sklearn-wojood"].missing() is None:
        assert isinstance(get_system("sklearn-wojood"), sk.SklearnCorpus)


def test_corpus_variant_without_a_corpus(monkeypatch, tmp_path):
    monkeypatch.delenv(corpora.WOJOOD_ENV, raising=False)
    monkeypatch.setattr(corpora, "DEFAULT_WOJOOD", tmp_path / "absent.txt")
    why = sk.SklearnCorpus.unavailable_reason()
    assert why == corpora.HOW_TO_ADD_CORPUS and "\n" not in why and "KHABAR_WOJOOD=PATH" in why
    assert "`khabar run sklearn-wojood --train PATH`" in why  # a command that exists, not an option it lacks
    with pytest.raises(KhabarError, match="no training corpus"):
        sk.SklearnCorpus()
    monkeypatch.setenv(corpora.WOJOOD_ENV, str(tmp_path / "gone.txt"))
    assert "does not exist" in sk.SklearnCorpus.unavailable_reason()
    assert sk.SklearnCorpus.unavailable_reason(train="given.txt") is None


def test_corpus_variant_on_a_small_outside_file(tmp_path, gold):
    """Any CoNLL file with a label map trains it; here a hand-written ANERcorp-style one."""
    lines = []
    for _ in range(3):
        lines += ["قال O", "غسان B-PERS", "سلامة I-PERS", "في O", "ليبيا B-LOC", "و O", "رويترز B-ORG", "", ]
    p = tmp_path / "aner.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    system = sk.SklearnCorpus(train=p, label_map="anercorp")
    assert system.scheme == "coarse" and system.tasks == ("ner",)
    preds = system.predict(gold.documents)
    doc = gold.documents[0]
    starts, ends = boundaries(doc.text)
    for e in preds[0].entities:
        assert e.type in {"PER", "ORG", "LOC"}
        assert e.span.start in starts and e.span.end in ends
    with pytest.raises(KhabarError, match="test split"):
        system.test_scores()


@pytest.fixture(scope="module")
def wojood_system():
    if not WOJOOD_TRAIN.is_file():
        pytest.skip("Wojood sample not present")
    return sk.SklearnCorpus(train=WOJOOD_TRAIN, seed=0).fit()


@needs_wojood
def test_wojood_variant_predicts_the_seed(gold, wojood_system):
    preds = wojood_system.predict(gold.documents)
    assert wojood_system.tasks == ("ner", "numbers") and wojood_system.scheme == "fine"
    for d, p in zip(gold.documents, preds):
        _spans_ok(d, p)
        context = corpora.parser_context(d.text)
        for n in p.numbers:
            assert (n.value, n.kind) == corpora.number_value(n.span.text, context, n.span.key)
    assert preds[0].entities


@needs_wojood
def test_wojood_test_split_score_agrees_with_seqeval(wojood_system):
    from seqeval.metrics import f1_score, precision_score, recall_score

    result = wojood_system.test_scores()
    test = read_conll(WOJOOD_TRAIN.with_name("test.txt"))
    gold_tags = project_corpus(test, WOJOOD, "entities")[1]
    pred_tags, _ = wojood_system.tag([list(s.tokens) for s in test.sentences])
    assert result["ner"]["f1"] == pytest.approx(f1_score(gold_tags, pred_tags))
    assert result["ner"]["precision"] == pytest.approx(precision_score(gold_tags, pred_tags))
    assert result["ner"]["recall"] == pytest.approx(recall_score(gold_tags, pred_tags))
    assert 0.3 < result["ner"]["f1"] < 1.0  # learned something in domain, and is not the answer key
    num_gold = project_corpus(test, WOJOOD, "numbers")[1]
    _, num_pred = wojood_system.tag([list(s.tokens) for s in test.sentences])
    assert result["numbers"]["f1"] == pytest.approx(f1_score(num_gold, num_pred))
    assert result["ner"]["gold"] == sum(1 for ts in gold_tags for t in ts if t.startswith("B-"))
    assert result["tokens"] == test.n_tokens and result["label_map"] == "wojood"


@needs_wojood
def test_corpus_variant_is_deterministic(gold):
    small = WOJOOD_TRAIN.with_name("val.txt")  # the small split keeps this quick
    a = [p.to_dict() for p in sk.SklearnCorpus(train=small, seed=0).predict(gold.documents)]
    b = [p.to_dict() for p in sk.SklearnCorpus(train=small, seed=0).predict(gold.documents)]
    assert a == b and a[0]["entities"]


def test_a_tagger_read_back_predicts_as_the_fitted_one():
    """What khabar's cache keeps of a tagger (scikit-learn's fitted objects) predicts the same
    tags as the tagger it was written from, and damaged bytes are refused, not loaded."""
    words = [["قال", "سامي", "في", "فرنسا", "ثلاثة"], ["قال", "كريم", "في", "إيطاليا", "خمسة"]]
    tags = [["O", "B-PER", "O", "B-GPE", "B-NUM"], ["O", "B-PER", "O", "B-GPE", "B-NUM"]]
    unseen = [["قال", "وليد", "في", "إسبانيا"]]
    for ys in (tags, [["O" if t == "O" else "B-X" for t in ts] for ts in tags], [["O"] * 5, ["O"] * 5]):
        fitted = sk.TokenTagger(seed=0).fit(words, ys)
        back = sk.TokenTagger(seed=0).load(fitted.to_bytes())
        assert back.predict(words + unseen) == fitted.predict(words + unseen)
    with pytest.raises(ValueError):
        sk.TokenTagger().load(b"pickle\n" + b"not a pickle")
