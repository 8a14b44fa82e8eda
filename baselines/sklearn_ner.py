"""Feature-based token classifiers (scikit-learn) for NER and number spans: `sklearn-wojood`.

One logistic-regression tagger per channel (entity types; number spans) over word shape,
affixes, clitic-stripped and normalised forms and neighbouring words (`corpora.sentence_features`,
shared with the `crf` baseline); greedy IOB2 decoding. It learns from an outside CoNLL corpus
(Wojood's public sample by default) through a declared label map and predicts the seed; it never
saw the seed. Its score on the corpus's own test split (`corpus_test_scores`) shows the domain
shift.

Nothing here is read off the gold: the features are general Arabic orthography.

A fitted tagger (scikit-learn's own `DictVectorizer` and classifier) is kept in khabar's
cache (`khabar.cache`, keyed by the corpus file, the label map, the feature code, the library
versions and the options) as a pickle, so a second run predicts with the very objects the first
one fitted, without fitting again. The cache is the user's own folder, trusted as
scikit-learn's model persistence requires; an entry whose checksum does not match is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from khabar import cache
from khabar.errors import KhabarError
from khabar.model import Document, Prediction
from khabar.tokens import Token, sentences

from . import forked
from .corpora import (
    HOW_TO_ADD_CORPUS,
    WOJOOD,
    WOJOOD_ENV,
    LabelMap,
    corpus_file,
    default_corpus_path,
    load_label_map,
    parser_context,
    project_corpus,
    read_conll,
    sentence_features,
    span_prf,
    tags_to_entities,
    tags_to_numbers,
)

C = 1.0
"""Inverse regularisation strength of the taggers: scikit-learn's default, fixed a priori."""

CLASS_WEIGHT = "balanced"
"""Classes weighted by inverse frequency, so rare entity and number tags are not swamped by O.
Chosen on Wojood's validation split (span F1 0.64 → 0.70 for entities, 0.68 → 0.82 for
numbers), never on the gold or a test split. The solver is liblinear (dual form, one-vs-rest):
an order of magnitude faster than lbfgs on Wojood's sample at the same F1 there. liblinear's
primal form predicts the same tags on dev, the test article and Wojood's test split, but was
not faster on a 2-core machine (NER tagger: 5-16 s CPU against 4-6 s), so the dual stays."""

MAX_ITER = 1000
TOL = 3e-3
"""liblinear's stopping tolerance (scikit-learn's default is 1e-4): at 3e-3 the fit takes half
the time and predicts the same tags on every token of Wojood's train, validation and test
splits and of khabar's dev articles (checked at 1e-4, 3e-4, 1e-3, 3e-3 and 1e-2; all the same),
so the looser stop changes no output."""
CACHE_KIND = "sklearn"
"""The folder of khabar's cache that holds fitted taggers."""


# --- the tagger ----------------------------------------------------------------------------------


def _int32(X):
    """liblinear takes only 32-bit sparse indices; DictVectorizer may give 64-bit ones."""
    X = X.tocsr()
    X.indices = X.indices.astype("int32")
    X.indptr = X.indptr.astype("int32")
    return X


class TokenTagger:
    """A logistic-regression token classifier (one-vs-rest, liblinear) over
    `sentence_features`, deterministic given its seed. Trained on one class only (say no number in the training paragraphs), it
    predicts that class."""

    def __init__(self, seed: int = 0, c: float = C):
        self.seed = seed
        self.c = c
        self._vec = None
        self._clf = None
        self._only: str | None = None

    @staticmethod
    def vectorize(words: list[list[str]]) -> tuple:
        """(a DictVectorizer fitted on the words' `sentence_features`, their matrix): what `fit`
        makes, made once when several taggers learn from the same words."""
        from sklearn.feature_extraction import DictVectorizer

        vec = DictVectorizer()
        return vec, _int32(vec.fit_transform([f for ws in words for f in sentence_features(ws)]))

    def fit(self, words: list[list[str]], tags: list[list[str]], vectorized: tuple | None = None) -> "TokenTagger":
        """Fit on the words' tags; `vectorized`: `vectorize(words)` when made already."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        y = [t for ts in tags for t in ts]
        if sum(map(len, words)) != len(y):
            raise ValueError("words and tags differ in length")
        classes = sorted(set(y))
        if len(classes) < 2:
            self._only = classes[0] if classes else "O"
            return self
        self._only = None
        self._vec, X = vectorized or self.vectorize(words)
        lr = LogisticRegression(C=self.c, solver="liblinear", dual=True, class_weight=CLASS_WEIGHT, max_iter=MAX_ITER,
                                tol=TOL, random_state=self.seed)
        self._clf = OneVsRestClassifier(lr) if len(classes) > 2 else lr
        self._clf.fit(X, y)
        return self

    def matrix(self, words: list[list[str]]):
        """The words' features through this tagger's vectorizer (None for a one-class tagger)."""
        flat = [f for ws in words for f in sentence_features(ws)]
        return _int32(self._vec.transform(flat)) if self._vec is not None and flat else None

    def predict(self, words: list[list[str]], X=None) -> list[list[str]]:
        """Tags per word; `X`: `matrix(words)` when made already (by a tagger of the same vocabulary)."""
        if self._only is not None:
            return [[self._only] * len(ws) for ws in words]
        if self._clf is None:
            raise RuntimeError("TokenTagger.predict before fit")
        if not any(words):
            return [[] for _ in words]
        X = self.matrix(words) if X is None else X
        pred = [str(t) for t in self._clf.predict(X)]
        out, k = [], 0
        for ws in words:
            out.append(pred[k:k + len(ws)])
            k += len(ws)
        return out

    def to_bytes(self) -> bytes:
        """The fitted tagger as bytes (khabar's cache keeps it so): its one class, or scikit-learn's
        fitted objects pickled."""
        import pickle

        if self._only is not None:
            return b"only\n" + self._only.encode("utf-8")
        if self._clf is None:
            raise RuntimeError("TokenTagger.to_bytes before fit")
        return b"pickle\n" + pickle.dumps((self._vec, self._clf), protocol=pickle.HIGHEST_PROTOCOL)

    def load(self, data: bytes) -> "TokenTagger":
        """The tagger `to_bytes` wrote; ValueError when `data` is not one."""
        import pickle

        kind, _, body = data.partition(b"\n")
        if kind == b"only":
            self._only, self._vec, self._clf = body.decode("utf-8"), None, None
        elif kind == b"pickle":
            try:
                self._vec, self._clf = pickle.loads(body)
            except Exception as e:  # noqa: BLE001 - any unreadable entry is a miss, refitted
                raise ValueError(f"not a khabar token tagger ({type(e).__name__})") from None
            self._only = None
        else:
            raise ValueError("not a khabar token tagger")
        return self


# --- sklearn-wojood: trained on an outside corpus -------------------------------------------------


def _resolve_train(train) -> Path:
    p = Path(train) if train is not None else default_corpus_path()
    if p is None:
        raise KhabarError(HOW_TO_ADD_CORPUS, field="train")
    return corpus_file(p)


class SklearnCorpus:
    """The tagger trained on an outside CoNLL corpus through a label map; it never saw the seed."""

    name = "sklearn-wojood"

    def __init__(self, train=None, label_map=None, seed: int = 0):
        self.train_path = _resolve_train(train)
        self.label_map: LabelMap = load_label_map(label_map, WOJOOD)
        self.scheme = self.label_map.scheme
        self.seed = seed
        self.with_numbers = bool(self.label_map.numbers)
        self.tasks = ("ner", "numbers") if self.with_numbers else ("ner",)
        self._started = False
        self._taggers: dict[str, TokenTagger] = {}  # by channel: entities, numbers
        self._pending: tuple | None = None  # (channels, sentences, process) fitting and tagging in the background
        self._fitted_bytes: dict[str, bytes] = {}  # taggers fitted there, read back when needed
        self._known: dict[tuple[str, ...], tuple] = {}  # the sentences it tagged: (entity tags, number tags)

    @staticmethod
    def unavailable_reason(train=None, **_) -> str | None:
        if train is not None:
            return None
        p = default_corpus_path()
        if p is None:
            return HOW_TO_ADD_CORPUS
        if not p.exists():
            return f"${WOJOOD_ENV} points to {p}, which does not exist"
        return None

    def prepare(self, documents=None, background: bool = False) -> None:
        """Make both taggers ready: read from khabar's cache when this corpus, label map, code and
        options were fitted before, else fitted on the corpus; with `background`, in one forked
        process while the caller goes on (the leaderboard runs other systems meanwhile), which
        also tags the paragraphs of `documents` and the corpus's test split, so this process
        needs no scikit-learn for them; the first call that needs the taggers waits."""
        if self._started:
            return
        self._started = True
        todo = {}
        for task in ("entities", "numbers") if self.with_numbers else ("entities",):
            tagger = _cached_tagger(self._cache_key(task), self.seed)
            if tagger is not None:
                self._taggers[task] = tagger
            else:
                todo[task] = None
        if not todo:
            _share_vectorizer(self._taggers)
            return
        corpus = read_conll(self.train_path)
        words = [list(s.tokens) for s in corpus.sentences]  # every channel's words (`project_corpus`)
        todo = {task: project_corpus(corpus, self.label_map, task)[1] for task in todo}

        def fit_all() -> dict[str, TokenTagger]:
            shared = TokenTagger.vectorize(words)  # once for both channels: the same words, the same features
            return {task: TokenTagger(self.seed).fit(words, tags, shared) for task, tags in todo.items()}

        # in the background only when no tagger was cached: the child tags with both channels' taggers
        if not (background and forked.available() and len(todo) == len(self.tasks)):
            for task, tagger in fit_all().items():
                self._taggers[task] = tagger
                cache.store(CACHE_KIND, self._cache_key(task), tagger.to_bytes())
            return
        known = _paragraphs(documents or []) + self._test_sentences()

        def work() -> bytes:
            taggers = fit_all()
            tags = _tag_with(taggers, known)
            return forked.pack(*(t.to_bytes() for t in taggers.values()), json.dumps(tags).encode("utf-8"))

        self._pending = (list(todo), known, forked.Forked(work, f"{self.name}: fitting the taggers"))

    def fit(self) -> "SklearnCorpus":
        """Both taggers ready (`prepare`), waiting for any being fitted in the background; a
        tagger fitted there is stored in the cache, and read back from its bytes only when a
        sentence it did not tag there comes."""
        self.prepare()
        if self._pending is not None:
            tasks, known, child = self._pending
            self._pending = None
            parts = forked.unpack(child.result(), len(tasks) + 1)
            if parts is None:
                raise RuntimeError(f"{self.name}: the fitting process returned no taggers")
            for task, data in zip(tasks, parts):
                cache.store(CACHE_KIND, self._cache_key(task), data)
            self._fitted_bytes = dict(zip(tasks, parts))
            ner, num = json.loads(parts[-1])
            self._known = {tuple(w): (n, m) for w, n, m in zip(known, ner, num or [None] * len(ner))}
        return self

    def _test_sentences(self) -> list[list[str]]:
        """The sentences of the corpus's test split beside the training file (`test_scores`), or none."""
        test_path = self.train_path.with_name("test.txt")
        return [list(s.tokens) for s in read_conll(test_path).sentences] if test_path.is_file() else []

    def _cache_key(self, task: str) -> str:
        """The cache key of the `task` tagger: everything the fitted tagger depends on."""
        m = self.label_map
        return cache.cache_key(
            CACHE_KIND, task, cache.source_hash(__name__), cache.library_versions("scikit-learn", "numpy", "scipy"),
            cache.file_hash(self.train_path),
            [m.name, m.scheme, dict(m.entities), dict(m.numbers), dict(m.conditions)],
            {"seed": self.seed, "C": C, "class_weight": CLASS_WEIGHT, "max_iter": MAX_ITER, "tol": TOL, "solver": "liblinear-dual"})

    def tag(self, words: list[list[str]]) -> tuple[list[list[str]], list[list[str]] | None]:
        """(entity tags, number tags or None) for tokenised sentences."""
        self.fit()
        if self._known and all(tuple(w) in self._known for w in words):  # tagged by the fitting process
            ner = [self._known[tuple(w)][0] for w in words]
            return ner, [self._known[tuple(w)][1] for w in words] if self.with_numbers else None
        if self._fitted_bytes:
            for task, data in self._fitted_bytes.items():
                self._taggers[task] = TokenTagger(self.seed).load(data)
            _share_vectorizer(self._taggers)
            self._fitted_bytes = {}
        return _tag_with(self._taggers, words)

    def predict(self, documents: list[Document]) -> list[Prediction]:
        out = []
        for d in documents:
            paras = _paragraph_tokens(d.text)
            ner, num = self.tag(_words(paras))
            ents, nums = [], []
            context = parser_context(d.text) if num is not None else None
            for k, toks in enumerate(paras):
                ents += tags_to_entities(d.text, toks, ner[k])
                if num is not None:
                    nums += tags_to_numbers(d.text, toks, num[k], context)
            out.append(Prediction(id=d.id, entities=ents, numbers=nums if num is not None else None))
        return out

    def test_scores(self, test=None) -> dict:
        """Scores on the corpus's own test split (`test.txt` beside the training file unless
        given): see `corpus_test_scores`."""
        test_path = Path(test) if test is not None else self.train_path.with_name("test.txt")
        if not test_path.is_file():
            raise KhabarError("no test split beside the training corpus", file=str(test_path), field="test")
        corpus = read_conll(test_path)
        ner, num = self.tag([list(s.tokens) for s in corpus.sentences])
        result = {
            "system": self.name,
            "train": str(self.train_path),
            "test": str(test_path),
            "label_map": self.label_map.name,
            "scheme": self.scheme,
            "seed": self.seed,
            "sentences": len(corpus.sentences),
            "tokens": corpus.n_tokens,
            "ner": span_prf(project_corpus(corpus, self.label_map, "entities")[1], ner),
        }
        if num is not None:
            result["numbers"] = span_prf(project_corpus(corpus, self.label_map, "numbers")[1], num)
        return result


def _paragraph_tokens(text: str) -> list[list[Token]]:
    """The tokens of every non-empty paragraph of `text`: the sentences the taggers see."""
    return [toks for toks in sentences(text) if toks]


def _words(paragraphs: list[list[Token]]) -> list[list[str]]:
    return [[t.text for t in toks] for toks in paragraphs]


def _paragraphs(documents: list[Document]) -> list[list[str]]:
    """The words of every non-empty paragraph of `documents`, as `SklearnCorpus.predict` tags them."""
    return [w for d in documents for w in _words(_paragraph_tokens(d.text))]


def _tag_with(taggers: dict[str, TokenTagger], words: list[list[str]]) -> tuple[list, list | None]:
    """(entity tags, number tags or None) of `words` by the taggers of each channel; one feature
    matrix for both when they share their vectorizer (`_share_vectorizer`)."""
    ner_t, num_t = taggers["entities"], taggers.get("numbers")
    X = ner_t.matrix(words)
    ner = ner_t.predict(words, X)
    if num_t is None:
        return ner, None
    return ner, num_t.predict(words, X if num_t._vec is ner_t._vec else None)  # both None: X is None too


def _share_vectorizer(taggers: dict[str, TokenTagger]) -> None:
    """Let the taggers read back from bytes share one vectorizer when theirs are equal (fitted
    together, they are), so `_tag_with` builds one matrix for both."""
    vecs = [t._vec for t in taggers.values() if t._vec is not None]
    for t in taggers.values():
        if t._vec is not None and t._vec is not vecs[0] and t._vec.vocabulary_ == vecs[0].vocabulary_:
            t._vec = vecs[0]


def _cached_tagger(key: str, seed: int) -> TokenTagger | None:
    """The tagger khabar's cache holds under `key`, or None (absent or unreadable: refit)."""
    data = cache.load(CACHE_KIND, key)
    if data is None:
        return None
    try:
        return TokenTagger(seed).load(data)
    except ValueError:  # UnicodeDecodeError and json's errors are ValueErrors too
        return None


def corpus_test_scores(train=None, test=None, label_map=None, seed: int = 0) -> dict:
    """Train `sklearn-wojood` (on `train`, default the Wojood sample) and score it on the
    corpus's test split, in khabar's labels through the label map: the in-domain number to
    set beside its score on the seed."""
    return SklearnCorpus(train=train, label_map=label_map, seed=seed).test_scores(test)
