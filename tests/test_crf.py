"""The `crf` baseline: CRFs learn, the features include the gazetteers, a dev document is never
predicted by a model trained on it, and the system runs without Wojood's sample.

The full cross-validated run on dev with Wojood (5 fits) runs only when
KHABAR_SLOW_TESTS is set; the other tests use small invented corpora or dev alone."""

from __future__ import annotations

import os

import pytest

from khabar.baselines import corpora, get_system, registry
from khabar.baselines import crf_ner as crf
from khabar.errors import KhabarError
from khabar.gold import load_split
from khabar.model import Document, Gold, Mention, Number, Span
from khabar.predictions import read_predictions, write_predictions
from khabar.schema import FINE_TYPES
from khabar.scoring import score
from khabar.tokens import boundaries
from tests.conftest import SHARED

pytest.importorskip("pycrfsuite")

WOJOOD_TRAIN = SHARED / "external" / "wojood-sample" / "train.txt"
needs_wojood = pytest.mark.skipif(not WOJOOD_TRAIN.is_file(), reason="Wojood sample not present")
slow = pytest.mark.skipif(not os.environ.get("KHABAR_SLOW_TESTS"),
                          reason="slow (seconds, fitting on Wojood): set KHABAR_SLOW_TESTS=1 to run")


# --- a tiny invented corpus ------------------------------------------------------------------

def _doc(doc_id: str, text: str, names: list[tuple[str, str]], numbers: list[tuple[str, float, str]]) -> Document:
    """A document with the named mentions and numbers given by their (first occurrence of) text."""
    mentions, nums = [], []
    for k, (s, typ) in enumerate(names):
        i = text.index(s)
        mentions.append(Mention(f"m{k}", Span(i, i + len(s), s), typ, f"e{k}"))
    for k, (s, value, kind) in enumerate(numbers):
        i = text.index(s)
        nums.append(Number(f"n{k}", Span(i, i + len(s), s), value, kind))
    return Document(doc_id, text, mentions=mentions, numbers=nums)


INVENTED = [
    _doc("a", "قال سامي حداد إن شركة النور ستبني ثلاثة مصانع في فرنسا.\nوأضاف حداد أن العمل يبدأ عام 2030.",
         [("سامي حداد", "PER"), ("شركة النور", "ORG"), ("فرنسا", "GPE")],
         [("ثلاثة", 3, "cardinal"), ("2030", 2030, "year")]),
    _doc("b", "قال كريم منصور إن شركة الأفق ستفتح خمسة مكاتب في إيطاليا.\nوأضاف منصور أن المشروع يكلف 40 مليون دولار.",
         [("كريم منصور", "PER"), ("شركة الأفق", "ORG"), ("إيطاليا", "GPE")],
         [("خمسة", 5, "cardinal"), ("40 مليون", 40_000_000, "money")]),
    _doc("c", "قال نادر سليم إن شركة الريح ستشتري سبع سفن من اليونان.\nوأضاف سليم أن الصفقة تمت عام 2029.",
         [("نادر سليم", "PER"), ("شركة الريح", "ORG"), ("اليونان", "GPE")],
         [("سبع", 7, "cardinal"), ("2029", 2029, "year")]),
]
NEW = Document("new", "قال وليد عيسى إن شركة الضوء ستبني أربعة مصانع في إسبانيا.")


def _keys(pred) -> set[tuple[int, int, str]]:
    return {(e.span.start, e.span.end, e.type) for e in pred.entities}


@pytest.fixture(scope="module")
def invented_run():
    system = crf.CRF(train="none", dev=Gold("t", INVENTED))
    preds = system.predict([*INVENTED, NEW])
    return system, preds


def test_a_crf_learns_a_tiny_invented_corpus():
    sents = [["قال", first, last, "في", place, "."] for first, last, place in
             (("سامي", "حداد", "فرنسا"), ("كريم", "منصور", "إيطاليا"), ("نادر", "سليم", "اليونان"),
              ("هادي", "يوسف", "ألمانيا"))]
    tags = [["O", "B-PER", "I-PER", "O", "B-GPE", "O"]] * len(sents)
    tagger = crf.CRFTagger().fit([crf.token_features(s) for s in sents], tags)
    assert set(tagger.labels) == {"O", "B-PER", "I-PER", "B-GPE"}
    assert tagger.predict([crf.token_features(s) for s in sents]) == tags  # fits its training data
    unseen = ["قال", "وليد", "عيسى", "في", "إسبانيا", "."]  # new name, new country: context and gazetteer
    assert tagger.predict([crf.token_features(unseen)]) == [tags[0]]
    assert crf.CRFTagger().fit([], []).predict([crf.token_features(unseen)]) == [["O"] * 6]


def test_a_fit_depends_on_its_data_and_seed_alone():
    """crfsuite's online training shuffles with the C library's rand(): seeded per fit, two fits of the same
    data give the same model whatever rand() calls came between."""
    import ctypes

    sents = [["قال", first, "في", place] for first, place in (("سامي", "فرنسا"), ("كريم", "إيطاليا"),
                                                             ("نادر", "اليونان"))] * 5
    tags = [["O", "B-PER", "O", "B-GPE"]] * len(sents)
    xs = [crf.token_features(s) for s in sents]
    first = crf.CRFTagger().fit(xs, tags).to_bytes()
    libc = ctypes.CDLL(None)
    for _ in range(7):
        libc.rand()
    assert crf.CRFTagger().fit(xs, tags).to_bytes() == first


def test_features_include_gazetteer_features():
    words = ["قال", "الرئيس", "إن", "منظمة", "في", "بفرنسا", "وأوروبا", "والفرنسيين", "قرب", "مطار", "في", "اليوم"]
    items = crf.token_features(words)
    at = dict(zip(range(len(words)), items))
    assert at[1]["0:title"] and at[2]["-1:title"]  # the title, and the word after it
    assert at[3]["0:orghead"] and at[9]["0:fachead"] and at[4]["0:stop"] and at[11]["0:time"]
    assert at[5]["0:gz=B-GPE"] and at[5]["0:gzsrc=country"]  # clitic ب stripped
    assert at[6]["0:gz=B-LOC"] and at[6]["0:gzsrc=continent"]
    assert at[7]["0:gz=B-NORP"] and at[7]["0:gzsrc=nisba"] and at[6]["1:gzsrc=nisba"]
    assert "0:gz=B-GPE" not in at[0]
    # and the shared word features of `corpora`
    assert at[5]["s=فرنسا"] and at[5]["pre=ب"] and at[5]["-1:n=في"]
    gaz = crf.gazetteer_tags(["في", "الولايات", "المتحدة", "اليوم"])
    assert gaz[1][0] == "B-GPE" and gaz[2][0] == "I-GPE" and gaz[3] == ("O", "")


def test_number_features_carry_the_parser():
    from khabar.tokens import sentences

    text = "ارتفع العدد إلى ثلاثة آلاف شخص، أي بنسبة 15 في المئة."
    paras = sentences(text)
    mentions = crf.number_mentions(text)
    (tags,) = crf.parser_tags(paras, mentions)
    words = [t.text for t in paras[0]]
    k = words.index("ثلاثة")
    assert tags[k:k + 3] == ["B-cardinal", "I-cardinal", "O"]
    p = words.index("15")
    assert tags[p:p + 2] == ["B-percent", "O"]  # khabar's convention: the percent words stay outside
    items = crf.number_features(words, tags)
    assert items[k]["0:np=B-cardinal"] and items[k + 1]["-1:npb=B"] and items[k + 2]["-1:np=I-cardinal"]
    assert corpora.number_value("15", mentions, (paras[0][p].start, paras[0][p].end)) == (15.0, "percent")


def test_leave_one_document_out_really_excludes_the_document(invented_run):
    system, _ = invented_run
    hashes = {d.id: crf.text_hash(d.text) for d in INVENTED}
    for d in INVENTED:
        record = system.used_models[d.id]
        assert hashes[d.id] not in record.dev_texts and record.held_out == {hashes[d.id]}
        assert d.id not in record.dev_ids
        assert record.dev_texts == {h for k, h in hashes.items() if k != d.id}  # and every other one
    full = system.used_models["new"]  # a document not in dev: every dev document, nothing held out
    assert full.held_out == frozenset() and full.dev_texts == set(hashes.values()) and full.corpus is None
    assert len(system._models) == 4  # one model pair per held-out set, cached


def test_folds_partition_the_dev_texts_by_their_hashes_alone():
    hashes = [f"{i:064x}" for i in range(12)]
    folds = crf.folds(hashes, 4)
    assert len(folds) == 4 and all(len(f) == 3 for f in folds)
    assert set().union(*folds) == set(hashes) and sum(map(len, folds)) == 12  # a partition
    assert crf.folds(list(reversed(hashes)), 4) == folds  # the file's order does not matter
    assert [len(f) for f in crf.folds(hashes[:3], 4)] == [1, 1, 1]  # fewer texts than folds: one each
    assert sorted(map(len, crf.folds(hashes[:7], 4))) == [1, 2, 2, 2]


def test_a_fold_of_several_documents_is_held_out_together():
    """Two folds over three documents: a document of the larger fold is predicted by the model
    trained on the other fold alone, exactly as one trained on it by hand."""
    system = crf.CRF(train="none", dev=Gold("t", INVENTED), n_folds=2)
    preds = system.predict(INVENTED)
    hashes = {d.id: crf.text_hash(d.text) for d in INVENTED}
    big = next(d for d in INVENTED if len(system.held_out_for(d.text)) == 2)
    held = system.used_models[big.id].held_out
    assert hashes[big.id] in held and system.used_models[big.id].dev_texts == set(hashes.values()) - held
    rest = [d for d in INVENTED if hashes[d.id] not in held]
    blind = crf.CRF(train="none", dev=Gold("t", rest)).predict([big])
    assert blind[0].to_dict() == preds[INVENTED.index(big)].to_dict()
    with pytest.raises(KhabarError, match="n_folds"):
        crf.CRF(train="none", n_folds=1)


def test_a_dev_text_under_another_id_is_still_held_out(invented_run):
    system, preds = invented_run
    again = system.predict([Document("renamed", INVENTED[0].text)])
    assert system.used_models["renamed"].held_out == {crf.text_hash(INVENTED[0].text)}
    assert _keys(again[0]) == _keys(preds[0]) and len(system._models) == 4  # the cached model


def test_held_out_predictions_are_those_of_a_model_never_given_the_document(invented_run):
    """Train by hand on the other documents only: the system's output must be reproduced exactly."""
    _, preds = invented_run
    blind = crf.CRF(train="none", dev=Gold("t", INVENTED[1:])).predict([INVENTED[0]])
    assert blind[0].to_dict() == preds[0].to_dict()
    assert preds[-1].entities, "the CRF found no entity in the new document"


def test_with_an_outside_corpus_khabar_sentences_get_domain_features(tmp_path):
    lines = []
    for first, last, place in (("سامي", "حداد", "فرنسا"), ("كريم", "منصور", "إيطاليا")):
        lines += ["قال O", f"{first} B-PERS", f"{last} I-PERS", "في O", f"{place} B-GPE", ""]
    path = tmp_path / "train.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    system = crf.CRF(train=path, dev=Gold("t", INVENTED))
    preds = system.predict([INVENTED[0], NEW])
    corpus_x, corpus_y = system._corpus()
    assert corpus_y[0] == ["O", "B-PER", "I-PER", "O", "B-GPE"]  # through the wojood label map
    assert corpus_x[0][4]["0:gz=B-GPE"] and not any(k.startswith("khabar|") for k in corpus_x[0][4])
    doc = system._dev_docs()[0][0]  # khabar's sentences: shared and prefixed copies
    assert doc.ner_x[0] == crf.in_domain(crf.token_features([t.text for t in doc.paragraphs[0]]))
    assert doc.ner_x[0][0]["khabar|w=قال"] and doc.ner_x[0][0]["w=قال"]
    assert system.used_models["a"].corpus == str(path) and system.used_models["a"].held_out
    assert system.used_models["new"].ner_sequences == len(corpus_x) + 2 * len(INVENTED)  # two paragraphs each
    assert preds[1].entities
    # dev alone: one domain, nothing prefixed
    alone = crf.CRF(train="none", dev=Gold("t", INVENTED))
    assert not any(k.startswith("khabar|") for k in alone._dev_docs()[0][0].ner_x[0][0])


def test_runs_without_the_wojood_file(monkeypatch, tmp_path):
    monkeypatch.delenv(corpora.WOJOOD_ENV, raising=False)
    monkeypatch.setattr(corpora, "DEFAULT_WOJOOD", tmp_path / "absent.txt")
    assert registry()["crf"].missing() is None
    system = get_system("crf", dev=Gold("t", INVENTED))
    assert system.train_path is None and any("dev split alone" in n for n in system.notes)
    assert "dev split alone" in system.summary()
    (pred,) = system.predict([NEW])
    assert system.used_models["new"].corpus is None and pred.numbers is not None
    assert system.test_scores() == {}  # nothing to show beside the seed score
    monkeypatch.setenv(corpora.WOJOOD_ENV, str(tmp_path / "gone.txt"))
    system = crf.CRF(dev=Gold("t", INVENTED))
    assert system.train_path is None and "gone.txt" in system.summary()
    with pytest.raises(KhabarError, match="training corpus not found"):
        crf.CRF(train=tmp_path / "given-but-absent.txt")


@pytest.fixture(scope="module")
def dev():
    return load_split("dev")


@pytest.fixture(scope="module")
def dev_alone_run(dev):
    """Cross-validation over the real dev split, dev alone (fast: no Wojood)."""
    system = crf.CRF(train="none", dev=dev, dev_copies=1)
    return system, system.predict(dev.documents)


def test_dev_predictions_pass_the_reader_and_hold_each_document_out(dev, dev_alone_run, tmp_path):
    system, preds = dev_alone_run
    path = write_predictions(preds, tmp_path / "crf.dev.jsonl")
    back = read_predictions(path, dev)  # strict: offsets, texts, labels, no duplicate spans
    assert [p.to_dict() for p in back] == [p.to_dict() for p in preds]
    for d, p in zip(dev.documents, preds):
        starts, ends = boundaries(d.text)
        for item in [*p.entities, *p.numbers]:
            assert item.span.start in starts and item.span.end in ends
        assert all(e.type in FINE_TYPES for e in p.entities)
        record = system.used_models[d.id]
        assert crf.text_hash(d.text) in record.held_out and not record.held_out & record.dev_texts
        assert len(record.dev_ids) == len(dev.documents) - len(record.held_out)
    held_outs = {system.used_models[d.id].held_out for d in dev.documents}
    assert len(held_outs) == crf.FOLDS and set().union(*held_outs) == {crf.text_hash(d.text) for d in dev.documents}
    report = score(dev, preds, tasks=["ner", "numbers"], n_boot=0)
    ner, num = report.headline("ner").f1, report.headline("numbers").f1
    print(f"\ncrf (dev alone) {crf.FOLDS}-fold cross-validation on dev: NER strict F1 {ner:.4f}, numbers end-to-end F1 {num:.4f}")
    assert ner > 0.3 and num > 0.7  # it learned something; the exact value is reported, not gated


def test_number_values_come_from_the_parser(dev, dev_alone_run):
    _, preds = dev_alone_run
    for d, p in zip(dev.documents, preds):
        context = crf.number_mentions(d.text)
        for n in p.numbers:
            assert (n.value, n.kind) == corpora.number_value(n.span.text, context, n.span.key)


@pytest.fixture(scope="module")
def wojood_system(dev):
    if not WOJOOD_TRAIN.is_file():
        pytest.skip("Wojood sample not present")
    return crf.CRF(train=WOJOOD_TRAIN, dev=dev)


@needs_wojood
def test_wojood_test_split_score(wojood_system):
    from seqeval.metrics import f1_score

    from khabar.baselines.corpora import WOJOOD, project_corpus, read_conll

    result = wojood_system.test_scores()
    test = read_conll(WOJOOD_TRAIN.with_name("test.txt"))
    gold_tags = project_corpus(test, WOJOOD, "entities")[1]
    pred = wojood_system.models().ner.predict([crf.token_features(list(s.tokens)) for s in test.sentences])
    assert result["ner"]["f1"] == pytest.approx(f1_score(gold_tags, pred))
    assert 0.3 < result["ner"]["f1"] < 1.0 and "numbers" not in result
    assert result["tokens"] == test.n_tokens and result["label_map"] == "wojood"
    assert wojood_system.models().record.corpus == str(WOJOOD_TRAIN)
    print(f"\ncrf NER on Wojood's test split: F1 {result['ner']['f1']:.4f}")


@slow
@needs_wojood
def test_dev_score_with_wojood(dev, wojood_system):
    import time

    t0 = time.perf_counter()
    preds = wojood_system.predict(dev.documents)
    seconds = time.perf_counter() - t0
    for d in dev.documents:
        assert crf.text_hash(d.text) not in wojood_system.used_models[d.id].dev_texts
    report = score(dev, preds, tasks=["ner", "numbers"], n_boot=0)
    print(f"\ncrf {crf.FOLDS}-fold cross-validation on dev: NER strict F1 {report.headline('ner').f1:.4f}, "
          f"numbers end-to-end F1 {report.headline('numbers').f1:.4f} ({seconds:.0f} s)")
    assert report.headline("ner").f1 > 0.3
