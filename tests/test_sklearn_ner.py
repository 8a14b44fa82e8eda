"""The scikit-learn taggers: genuine leave-one-paragraph-out cross-validation on the gold, and
the variant trained on an outside corpus (Wojood's sample), with its in-domain test score."""

from __future__ import annotations

import pytest

from khabar.baselines import get_system, registry
from khabar.baselines import sklearn_ner as sk
from khabar.baselines.corpora import WOJOOD, project_corpus, read_conll
from khabar.errors import KhabarError
from khabar.schema import FINE_TYPES
from khabar.tokens import boundaries, sentences
from tests.conftest import SHARED

WOJOOD_TRAIN = SHARED / "external" / "wojood-sample" / "train.txt"
needs_wojood = pytest.mark.skipif(not WOJOOD_TRAIN.is_file(), reason="Wojood sample not present")


@pytest.fixture(scope="module")
def cv_run(gold):
    system = sk.SklearnCV(seed=0)
    return system, system.predict(gold.documents)


def _spans_ok(doc, pred):
    starts, ends = boundaries(doc.text)
    items = list(pred.entities or []) + list(pred.numbers or [])
    for item in items:
        assert item.span.start in starts and item.span.end in ends, item
        assert item.span.text == doc.text[item.span.start:item.span.end]
    for e in pred.entities or []:
        assert e.type in FINE_TYPES


def test_cv_folds_cover_every_paragraph_once(gold, cv_run):
    system, _ = cv_run
    paras = sk.gold_paragraphs(gold.documents)
    expected = {p.unit for p in paras}
    tested = [r.fold.test for r in system.fold_log]
    assert sorted(tested) == sorted(expected) and len(tested) == len(set(tested))
    assert len(expected) >= 2


def test_cv_never_trains_on_the_paragraph_it_predicts(gold, cv_run):
    system, _ = cv_run
    by_unit = {p.unit: p for p in sk.gold_paragraphs(gold.documents)}
    for record in system.fold_log:
        test = by_unit[record.fold.test]
        assert record.fold.test not in record.fold.train
        test_tokens = {(record.fold.test[0], t.start) for t in test.tokens}
        assert record.trained_tokens, "a fold trained on nothing"
        assert not (test_tokens & record.trained_tokens)
        # and it did train on every other paragraph
        others = {(u[0], t.start) for u in record.fold.train for t in by_unit[u].tokens}
        assert record.trained_tokens == others


def test_cv_predictions_are_those_of_a_model_blind_to_the_paragraph(gold, cv_run):
    """Refit on the other paragraphs by hand: the system's output must be reproduced exactly."""
    _, preds = cv_run
    doc = gold.documents[0]
    paras = [p for p in sk.gold_paragraphs(gold.documents) if p.unit[0] == doc.id]
    got = {(e.span.start, e.span.end, e.type) for e in preds[0].entities}
    expected = set()
    for p in paras:
        train = [q for q in paras if q.unit != p.unit]
        tagger = sk.TokenTagger(seed=0).fit([q.words for q in train], [q.ner for q in train])
        for e in sk.tags_to_entities(doc.text, p.tokens, tagger.predict([p.words])[0]):
            expected.add((e.span.start, e.span.end, e.type))
    assert got == expected


def test_cv_is_not_the_leaky_model(gold, cv_run):
    """A model trained on every paragraph (leaky) fits the gold better than cross-validation
    does: if the two agreed, the folds would not be holding anything out."""
    _, preds = cv_run
    doc = gold.documents[0]
    paras = sk.gold_paragraphs([doc])
    gold_set = {(m.start, m.end, m.type) for m in doc.ner_mentions}
    tagger = sk.TokenTagger(seed=0).fit([p.words for p in paras], [p.ner for p in paras])
    leaky = {(e.span.start, e.span.end, e.type)
             for p in paras for e in sk.tags_to_entities(doc.text, p.tokens, tagger.predict([p.words])[0])}
    cv = {(e.span.start, e.span.end, e.type) for e in preds[0].entities}
    assert len(leaky & gold_set) > len(cv & gold_set)


def test_cv_output_is_well_formed_and_deterministic(gold, cv_run):
    _, preds = cv_run
    assert [p.id for p in preds] == [d.id for d in gold.documents]
    for d, p in zip(gold.documents, preds):
        _spans_ok(d, p)
    again = sk.SklearnCV(seed=0).predict(gold.documents)
    assert [p.to_dict() for p in again] == [p.to_dict() for p in preds]
    assert preds[0].entities, "the cross-validated tagger found no entity at all"


def test_cv_tasks(cv_run):
    system, preds = cv_run
    assert system.tasks == ("ner", "numbers") and preds[0].numbers is not None


def test_number_values_come_from_the_parser_in_context(doc):
    from khabar.numerals import find_numbers

    tokens = [t for t in sentences(doc.text) if t]
    context = sk.parser_context(doc.text)
    for n in doc.numbers:  # every gold numeral span: tag it and read it back
        para = next(p for p in tokens if p[0].start <= n.start and n.end <= p[-1].end)
        tags = ["O"] * len(para)
        inside = [k for k, t in enumerate(para) if n.start <= t.start and t.end <= n.end]
        tags[inside[0]] = "B-NUM"
        for k in inside[1:]:
            tags[k] = "I-NUM"
        (pred,) = sk.tags_to_numbers(doc.text, para, tags, context)
        assert pred.span.key == n.span.key and pred.span.text == n.text
        found = {m.span.key: m for m in find_numbers(doc.text)}
        if n.span.key in found:
            assert (pred.value, pred.kind) == (found[n.span.key].value, found[n.span.key].kind)
    assert sk.number_value("ألفان وثمانمائة")[0] == 2800
    assert sk.number_value("ليس رقما") == (None, None)


def test_cv_rejects_a_training_file():
    with pytest.raises(KhabarError, match="sklearn-wojood"):
        sk.SklearnCV(train="x.txt")


def test_features_are_local_orthography():
    feats = sk.sentence_features(["قال", "بمعمر", "القذافي", "،"])
    assert feats[1]["s"] == "معمر" and feats[1]["pre"] == "ب"
    assert feats[3]["shape"] == "،" and feats[0]["first"] and feats[3]["last"]
    assert feats[0]["-1:n"] == "<pad>" and feats[2]["-1:n"] == "بمعمر"
    assert sk.shape("2011") == "d" and sk.shape("٢٠١١") == "d" and sk.shape("فرنسيًا") == "a"


def test_tagger_with_one_class_predicts_it():
    tagger = sk.TokenTagger().fit([["a", "b"]], [["O", "O"]])
    assert tagger.predict([["c", "d", "e"]]) == [["O", "O", "O"]]


def test_registry_entries():
    entries = registry()
    assert entries["sklearn-cv"].missing() is None
    assert isinstance(get_system("sklearn-cv"), sk.SklearnCV)
    assert entries["sklearn-wojood"].target == "khabar.baselines.sklearn_ner:SklearnCorpus"


def test_corpus_variant_without_a_corpus(monkeypatch, tmp_path):
    monkeypatch.delenv(sk.WOJOOD_ENV, raising=False)
    monkeypatch.setattr(sk, "DEFAULT_WOJOOD", tmp_path / "absent.txt")
    why = sk.SklearnCorpus.unavailable_reason()
    assert why == sk.HOW_TO_ADD_CORPUS and "\n" not in why and "train=" in why
    with pytest.raises(KhabarError, match="no training corpus"):
        sk.SklearnCorpus()
    monkeypatch.setenv(sk.WOJOOD_ENV, str(tmp_path / "gone.txt"))
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
        context = sk.parser_context(d.text)
        for n in p.numbers:
            assert (n.value, n.kind) == sk.number_value(n.span.text, context, n.span.key)
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
