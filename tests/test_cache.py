"""khabar's model cache (`khabar.cache`): where it lives, that a corrupt entry is rebuilt and never
a traceback, that keys change with the corpus, the feature code and the options, and that
a model read back predicts exactly as the one fitted (crf, sklearn-wojood, the charts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar import cache, plots
from khabar.model import Gold

pytest.importorskip("pycrfsuite")

from khabar.baselines import crf_ner as crf  # noqa: E402
from khabar.baselines import sklearn_ner as sk  # noqa: E402
from tests.test_crf import INVENTED, NEW  # noqa: E402


@pytest.fixture
def fresh(monkeypatch, tmp_path) -> Path:
    """An empty cache of this test's own."""
    root = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(root))
    return root


def _entries(root: Path, kind: str) -> list[Path]:
    return sorted((root / kind).glob(f"*{cache.SUFFIX}"))


# --- where, and what it holds -----------------------------------------------------------------


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert cache.cache_dir() is None and cache.load("k", "x") is None and cache.store("k", "x", b"1") is None
    assert "off" in str(cache.cache_info())
    monkeypatch.delenv(cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "khabar"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "khabar"


def test_the_test_suite_never_uses_the_home_cache():
    assert cache.cache_dir() != Path.home() / ".cache" / "khabar"


def test_store_load_info_and_clear(fresh):
    assert cache.load("models", "a") is None
    cache.store("models", "a", b"payload")
    cache.store("models", "b", b"")
    assert cache.load("models", "a") == b"payload" and cache.load("models", "b") == b""
    foreign = fresh / "models" / "notes.txt"
    foreign.write_text("the user's", encoding="utf-8")
    info = cache.cache_info()
    assert info.path == fresh and info.entries == 2 and info.bytes > len(b"payload")
    assert str(fresh) in str(info)
    removed = cache.clear_cache()
    assert removed.entries == 2 and cache.cache_info().entries == 0
    assert foreign.read_text(encoding="utf-8") == "the user's"  # only khabar's entries go
    assert cache.load("models", "a") is None


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "folder"])
def test_a_damaged_entry_reads_as_missing(fresh, damage):
    path = cache.store("models", "a", b"x" * 100)
    raw = path.read_bytes()
    if damage == "folder":
        path.unlink()
        path.mkdir()  # unreadable as a file
    else:
        path.write_bytes({"truncate": raw[:-10], "flip": raw[:-1] + b"y", "garbage": b"\x00\xff" * 50,
                          "empty": b""}[damage])
    assert cache.load("models", "a") is None


def test_an_unwritable_cache_is_skipped(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))  # a file where the folder should be
    assert cache.store("models", "a", b"1") is None and cache.load("models", "a") is None


def test_keys_are_canonical_and_change_with_any_part():
    assert cache.cache_key({"a": 1, "b": [1, 2]}) == cache.cache_key({"b": [1, 2], "a": 1})
    assert cache.cache_key(frozenset({"x", "y"})) == cache.cache_key(frozenset({"y", "x"}))
    assert cache.cache_key({"a": 1}) != cache.cache_key({"a": 2}) != cache.cache_key({"a": 1.5})


def test_source_hash_follows_khabars_imports(monkeypatch, tmp_path):
    files = cache.source_files("khabar.baselines.crf_ner")
    for module in ("khabar.baselines.crf_ner", "khabar.baselines.corpora", "khabar.baselines.gazetteers",
                   "khabar.baselines.rules_numbers", "khabar.normalize", "khabar.tokens", "khabar.numerals"):
        assert module in files and files[module].is_file()
    src = tmp_path / "features.py"
    src.write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "source_files", lambda *m: {"khabar.features": src})
    before = cache.source_hash("khabar.features")
    src.write_text("A = 2\n", encoding="utf-8")
    assert cache.source_hash("khabar.features") != before


# --- crf ------------------------------------------------------------------------------------------


def _crf(**kw) -> crf.CRF:
    return crf.CRF(**{"train": "none", "dev": Gold("t", INVENTED), **kw})


def test_crf_keys_change_with_corpus_dev_code_and_options(fresh, monkeypatch, tmp_path):
    key = _crf()._model_key(frozenset())
    assert _crf()._model_key(frozenset()) == key  # the same in a new instance
    assert _crf()._model_key(frozenset({crf.text_hash(INVENTED[0].text)})) != key
    assert _crf(dev=Gold("t", INVENTED[:2]))._model_key(frozenset()) != key
    assert _crf(algorithm="lbfgs")._model_key(frozenset()) != key
    assert _crf(params={"c2": 0.2})._model_key(frozenset()) != key
    assert _crf(max_iterations=20)._model_key(frozenset()) != key
    assert _crf(seed=1)._model_key(frozenset()) != key
    corpus = tmp_path / "train.txt"
    corpus.write_text("قال O\nسامي B-PERS\n\n", encoding="utf-8")
    with_corpus = _crf(train=corpus)._model_key(frozenset())
    corpus.write_text("قال O\nكريم B-PERS\n\n", encoding="utf-8")
    assert with_corpus != key and _crf(train=corpus)._model_key(frozenset()) != with_corpus
    monkeypatch.setattr(cache, "source_hash", lambda *m: "other code")
    assert _crf()._model_key(frozenset()) != key


def test_crf_models_come_back_from_the_cache_and_predict_the_same(fresh, monkeypatch):
    docs = [*INVENTED, NEW]
    first = _crf().predict(docs)
    assert len(_entries(fresh, crf.CACHE_KIND)) == 4  # three held-out pairs and the full one

    def no_fit(*a, **k):
        raise AssertionError("fitted although cached")

    with monkeypatch.context() as m:
        m.setattr(crf.CRFTagger, "fit", no_fit)
        again = _crf()
        assert [p.to_dict() for p in again.predict(docs)] == [p.to_dict() for p in first]
    assert again.used_models["new"] == _crf()._fit(frozenset()).record  # the record of a fitted pair
    for path in _entries(fresh, crf.CACHE_KIND):
        path.write_bytes(path.read_bytes()[:-7])  # damaged: fitted again, no traceback
    assert [p.to_dict() for p in _crf().predict(docs)] == [p.to_dict() for p in first]


def test_crf_without_a_cache_predicts_the_same(monkeypatch, fresh):
    docs = [*INVENTED, NEW]
    cached = [p.to_dict() for p in _crf().predict(docs)]
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert [p.to_dict() for p in _crf().predict(docs)] == cached


@pytest.mark.parametrize("outside", [False, True])
def test_parallel_fits_give_the_serial_models(monkeypatch, fresh, tmp_path, outside):
    """Forked fits (with an outside corpus: each extending a copy of one trainer that holds
    the corpus) give the very models of fits here."""
    system = _crf(train=_corpus(tmp_path) if outside else "none")
    held = [frozenset({crf.text_hash(d.text)}) for d in INVENTED] + [frozenset()]
    monkeypatch.setattr(crf, "_workers", lambda jobs: 2)
    parallel = crf._fit_many(system, held)
    monkeypatch.setattr(crf, "_workers", lambda jobs: 1)
    assert crf._fit_many(system, held) == parallel and all(ner for ner, _ in parallel)


# --- sklearn-wojood ------------------------------------------------------------------------------


def _corpus(tmp_path) -> Path:
    lines = []
    for first, last, place, n in (("سامي", "حداد", "فرنسا", "ثلاثة"), ("كريم", "منصور", "إيطاليا", "خمسة"),
                                  ("نادر", "سليم", "اليونان", "سبعة")):
        lines += ["قال O", f"{first} B-PERS", f"{last} I-PERS", "في O", f"{place} B-GPE", f"{n} B-CARDINAL",
                  "مصانع O", ""]
    path = tmp_path / "train.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_sklearn_taggers_come_back_from_the_cache(fresh, monkeypatch, tmp_path, gold):
    path = _corpus(tmp_path)
    first = [p.to_dict() for p in sk.SklearnCorpus(train=path).predict(gold.documents)]
    assert len(_entries(fresh, sk.CACHE_KIND)) == 2  # entities and numbers

    def no_fit(*a, **k):
        raise AssertionError("fitted although cached")

    with monkeypatch.context() as m:
        m.setattr(sk.TokenTagger, "fit", no_fit)
        again = sk.SklearnCorpus(train=path)
        assert [p.to_dict() for p in again.predict(gold.documents)] == first
        vecs = [t._vec for t in again._taggers.values()]
        assert len(vecs) == 2 and vecs[0] is vecs[1]  # read back apart, equal: shared again (one matrix)
    assert sk.SklearnCorpus(train=path, seed=1)._cache_key("entities") != sk.SklearnCorpus(train=path)._cache_key(
        "entities")
    for entry in _entries(fresh, sk.CACHE_KIND):
        entry.write_bytes(b"not a model")
    assert [p.to_dict() for p in sk.SklearnCorpus(train=path).predict(gold.documents)] == first
    key = sk.SklearnCorpus(train=path)._cache_key("entities")
    path.write_text(path.read_text(encoding="utf-8").replace("فرنسا", "ألمانيا"), encoding="utf-8")
    assert sk.SklearnCorpus(train=path)._cache_key("entities") != key  # another corpus, another key


def test_sklearn_taggers_fitted_in_the_background_are_those_fitted_here(fresh, monkeypatch, tmp_path, gold):
    """`prepare(background=True)` fits in a forked process; its taggers predict as those of a
    fit in this process, and are cached the same."""
    path = _corpus(tmp_path)
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    here = [p.to_dict() for p in sk.SklearnCorpus(train=path).predict(gold.documents)]
    monkeypatch.setenv(cache.CACHE_ENV, str(fresh))
    system = sk.SklearnCorpus(train=path)
    monkeypatch.setattr(sk.forked, "available", lambda: True)
    system.prepare(gold.documents, background=True)
    assert system._pending is not None and not system._taggers  # fitting elsewhere
    assert [p.to_dict() for p in system.predict(gold.documents)] == here
    assert len(_entries(fresh, sk.CACHE_KIND)) == 2


def test_a_token_tagger_survives_its_bytes():
    words = [["قال", "سامي", "في", "فرنسا"], ["قال", "كريم", "في", "إيطاليا"]]
    tags = [["O", "B-PER", "O", "B-GPE"], ["O", "B-PER", "O", "B-GPE"]]
    tagger = sk.TokenTagger().fit(words, tags)
    back = sk.TokenTagger().load(tagger.to_bytes())
    assert back.predict(words) == tagger.predict(words)
    only = sk.TokenTagger().load(sk.TokenTagger().fit([["a"]], [["O"]]).to_bytes())
    assert only.predict([["x", "y"]]) == [["O", "O"]]
    with pytest.raises(ValueError):
        sk.TokenTagger().load(b"linear\n{}")


# --- charts ---------------------------------------------------------------------------------------


def test_charts_are_cached_and_redrawn_when_damaged(fresh):
    rows = [{"system": "a", "task": "ner", "f1": 0.5, "ci_low": 0.4, "ci_high": 0.6}]
    png = plots.f1_png(rows)
    assert png.startswith(b"\x89PNG") and len(_entries(fresh, plots.CACHE_KIND)) == 1
    assert plots.f1_png(rows) == png
    (entry,) = _entries(fresh, plots.CACHE_KIND)
    entry.write_bytes(b"junk")
    assert plots.f1_png(rows) == png
    assert plots.f1_png([{**rows[0], "f1": 0.6}]) != png



def _slow_fit(i):
    import time

    time.sleep(60)


def test_abandoned_parallel_fits_stop_their_processes(monkeypatch, fresh):
    """Fits abandoned before their results (the caller failed) leave no process behind, tasks
    in flight or not (a pool with tasks in flight is not collected by itself)."""
    import gc

    system = _crf()
    monkeypatch.setattr(crf, "_workers", lambda jobs: 2)
    monkeypatch.setattr(crf, "_fit_one", _slow_fit)  # in flight for sure
    fits = crf._Fits(system, [frozenset({crf.text_hash(d.text)}) for d in INVENTED])
    workers = list(fits.pool._pool)
    assert all(w.is_alive() for w in workers)
    del fits
    gc.collect()
    for w in workers:
        w.join(timeout=5)
    assert not any(w.is_alive() for w in workers)
