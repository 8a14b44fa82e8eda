"""Feature-based token classifiers (scikit-learn) for NER and number spans.

One logistic-regression tagger per channel (entity types; number spans) over word shape,
affixes, clitic-stripped and normalised forms and neighbouring words; greedy IOB2 decoding.
Two systems share it:

- `sklearn-cv` learns from the gold itself by leave-one-paragraph-out cross-validation: each
  paragraph is predicted by a model trained on every other paragraph and never on it.
- `sklearn-wojood` learns from an outside CoNLL corpus (Wojood's public sample by default)
  through a declared label map and predicts the seed; it never saw the seed. Its score on the
  corpus's own test split (`corpus_test_scores`) shows the domain shift.

Nothing here is read off the gold: the features are general Arabic orthography.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from khabar.errors import KhabarError
from khabar.iob import decode, spans_to_tags
from khabar.model import Document, PredEntity, PredNumber, Prediction, Span
from khabar.normalize import normalize
from khabar.tokens import PUNCTUATION, Token, sentences

from .corpora import WOJOOD, LabelMap, is_nisba, load_label_map, project_corpus, read_conll, strip_clitics

C = 1.0
"""Inverse regularisation strength of the taggers: scikit-learn's default, fixed a priori."""

CLASS_WEIGHT = "balanced"
"""Classes weighted by inverse frequency, so rare entity and number tags are not swamped by O.
Chosen on Wojood's validation split (span F1 0.64 → 0.70 for entities, 0.68 → 0.82 for
numbers), never on the gold or a test split. The solver is liblinear (dual form, one-vs-rest):
an order of magnitude faster than lbfgs on Wojood's sample at the same F1 there."""

MAX_ITER = 1000
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WOJOOD = REPO_ROOT.parent / "shared" / "external" / "wojood-sample" / "train.txt"
WOJOOD_ENV = "KHABAR_WOJOOD"
HOW_TO_ADD_CORPUS = (
    "no training corpus: pass train=PATH (a CoNLL-style Arabic NER file such as Wojood's "
    "train.txt from github.com/SinaLab/ArabicNER data/) or set $KHABAR_WOJOOD to it"
)


# --- features ----------------------------------------------------------------------------------

_ARABIC = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
_DIGIT = re.compile(r"[0-9٠-٩۰-۹]")
_LATIN = re.compile(r"[A-Za-z]")


def shape(word: str) -> str:
    """A compressed character-class shape: a Arabic letter, d digit, l Latin, punctuation as is."""
    out = []
    for c in word:
        if _ARABIC.match(c):
            k = "a"
        elif _DIGIT.match(c):
            k = "d"
        elif _LATIN.match(c):
            k = "l"
        elif c in PUNCTUATION:
            k = c
        else:
            continue  # diacritics, tatweel
        if not out or out[-1] != k:
            out.append(k)
    return "".join(out) or "_"


def _word_view(word: str) -> dict[str, str]:
    n = normalize(word)
    stem = strip_clitics(n)
    return {"n": n, "s": stem, "shape": shape(word)}


def sentence_features(words: list[str]) -> list[dict[str, object]]:
    """One feature dict per word: the word, its normalised and clitic-stripped forms, the
    stripped proclitics, affixes, shape and the same views of two words either side."""
    views = [_word_view(w) for w in words]
    feats = []
    for i, w in enumerate(words):
        v = views[i]
        stem = v["s"]
        f: dict[str, object] = {
            "bias": 1,
            "w": w,
            "n": v["n"],
            "s": stem,
            "pre": v["n"][: len(v["n"]) - len(stem)] or "-",
            "p2": stem[:2],
            "p3": stem[:3],
            "x1": stem[-1:],
            "x2": stem[-2:],
            "x3": stem[-3:],
            "shape": v["shape"],
            "len": min(len(stem), 8),
            "nisba": is_nisba(v["n"]),
            "digit": bool(_DIGIT.search(w)),
        }
        if i == 0:
            f["first"] = True
        if i == len(words) - 1:
            f["last"] = True
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(words):
                u = views[j]
                f[f"{d}:n"] = u["n"]
                f[f"{d}:s"] = u["s"]
                f[f"{d}:shape"] = u["shape"]
            else:
                f[f"{d}:n"] = "<pad>"
        f["-1|0"] = f"{f['-1:n']}|{v['n']}"
        f["0|+1"] = f"{v['n']}|{f['1:n']}"
        feats.append(f)
    return feats


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

    def fit(self, words: list[list[str]], tags: list[list[str]]) -> "TokenTagger":
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        X_dicts = [f for ws in words for f in sentence_features(ws)]
        y = [t for ts in tags for t in ts]
        if len(X_dicts) != len(y):
            raise ValueError("words and tags differ in length")
        classes = sorted(set(y))
        if len(classes) < 2:
            self._only = classes[0] if classes else "O"
            return self
        self._only = None
        self._vec = DictVectorizer()
        X = _int32(self._vec.fit_transform(X_dicts))
        lr = LogisticRegression(C=self.c, solver="liblinear", dual=True, class_weight=CLASS_WEIGHT, max_iter=MAX_ITER,
                                random_state=self.seed)
        self._clf = OneVsRestClassifier(lr) if len(classes) > 2 else lr
        self._clf.fit(X, y)
        return self

    def predict(self, words: list[list[str]]) -> list[list[str]]:
        if self._only is not None:
            return [[self._only] * len(ws) for ws in words]
        if self._clf is None:
            raise RuntimeError("TokenTagger.predict before fit")
        flat = [f for ws in words for f in sentence_features(ws)]
        if not flat:
            return [[] for _ in words]
        pred = list(self._clf.predict(_int32(self._vec.transform(flat))))
        out, k = [], 0
        for ws in words:
            out.append(pred[k:k + len(ws)])
            k += len(ws)
        return out


# --- from tags to predictions ---------------------------------------------------------------------


def number_value(text: str, context: dict | None = None, key: tuple[int, int] | None = None
                 ) -> tuple[float | None, str | None]:
    """(value, kind) of a predicted numeral from khabar's parser (`khabar.numerals`): the
    parser's reading of the same span in its sentence when it finds one (`context`, from
    `parser_context`), else its reading of the span alone; (None, None) when it cannot read it."""
    from khabar.numerals import parse, parse_number

    if context is not None and key in context:
        m = context[key]
        return float(m.value), m.kind
    m = parse(text)
    if m is not None:
        return float(m.value), m.kind
    value = parse_number(text)
    return (float(value) if value is not None else None), None


def parser_context(text: str) -> dict[tuple[int, int], object]:
    """khabar's parser's number mentions in `text`, by (start, end)."""
    from khabar.numerals import find_numbers

    return {(m.start, m.end): m for m in find_numbers(text)}


def tags_to_entities(text: str, tokens: list[Token], tags: list[str]) -> list[PredEntity]:
    return [
        PredEntity(Span(tokens[s].start, tokens[e - 1].end, text[tokens[s].start:tokens[e - 1].end]), label)
        for s, e, label in decode(tags)
    ]


def tags_to_numbers(text: str, tokens: list[Token], tags: list[str], context: dict | None = None) -> list[PredNumber]:
    """Number predictions for the spans in `tags`; value and kind come from khabar's parser
    (the tagger finds spans only)."""
    out = []
    for s, e, _ in decode(tags):
        start, end = tokens[s].start, tokens[e - 1].end
        value, kind = number_value(text[start:end], context, (start, end))
        out.append(PredNumber(Span(start, end, text[start:end]), value, kind))
    return out


# --- sklearn-cv: leave-one-paragraph-out on the gold ---------------------------------------------


Unit = tuple[str, int]
"""A cross-validation unit: (document id, paragraph index)."""


@dataclass(frozen=True)
class Fold:
    """One fold: the paragraph it predicts and the paragraphs its models were trained on."""

    test: Unit
    train: tuple[Unit, ...]


@dataclass
class FoldRecord:
    """What a fold's models were actually fitted on: the (document id, token start) of every
    training token, so a test can check the predicted paragraph is not among them."""

    fold: Fold
    trained_tokens: frozenset[tuple[str, int]] = field(default_factory=frozenset)


@dataclass
class _Paragraph:
    unit: Unit
    tokens: list[Token]
    ner: list[str]
    num: list[str]

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.tokens]


def gold_paragraphs(documents: list[Document]) -> list[_Paragraph]:
    """The non-empty paragraphs of `documents` with their gold IOB2 tags (fine NER; numbers)."""
    out = []
    for d in documents:
        ner = [(m.span, m.type) for m in d.ner_mentions]
        nums = [(n.span, "NUM") for n in d.numbers]
        for k, toks in enumerate(sentences(d.text)):
            if not toks:
                continue
            lo, hi = toks[0].start, toks[-1].end
            out.append(_Paragraph(
                (d.id, k), toks,
                spans_to_tags(toks, [(s, t) for s, t in ner if lo <= s.start and s.end <= hi]),
                spans_to_tags(toks, [(s, t) for s, t in nums if lo <= s.start and s.end <= hi]),
            ))
    return out


def folds(documents: list[Document]) -> list[Fold]:
    """Leave-one-paragraph-out: one fold per non-empty paragraph of the corpus."""
    units = [p.unit for p in gold_paragraphs(documents)]
    return [Fold(u, tuple(v for v in units if v != u)) for u in units]


class SklearnCV:
    """The tagger trained on the gold by leave-one-paragraph-out cross-validation. It takes the
    same options as `SklearnCorpus`; the gold is already in khabar's labels, so `label_map` is
    not used, and `train` is refused."""

    name = "sklearn-cv"
    scheme = "fine"

    def __init__(self, train=None, label_map=None, seed: int = 0):
        if train is not None:
            raise KhabarError("sklearn-cv learns from the gold by cross-validation; to train on a corpus "
                              "use sklearn-wojood with train=PATH", field="train")
        self.seed = seed
        self.tasks = ("ner", "numbers")
        self.fold_log: list[FoldRecord] = []

    def predict(self, documents: list[Document]) -> list[Prediction]:
        paras = gold_paragraphs(documents)
        by_unit = {p.unit: p for p in paras}
        texts = {d.id: d.text for d in documents}
        ents: dict[str, list[PredEntity]] = {d.id: [] for d in documents}
        nums: dict[str, list[PredNumber]] = {d.id: [] for d in documents}
        contexts = {d.id: parser_context(d.text) for d in documents}
        self.fold_log = []
        for fold in folds(documents):
            train = [by_unit[u] for u in fold.train]
            test = by_unit[fold.test]
            doc_id = fold.test[0]
            trained = frozenset((p.unit[0], t.start) for p in train for t in p.tokens)
            self.fold_log.append(FoldRecord(fold, trained))
            words = [p.words for p in train]
            ner_tagger = TokenTagger(self.seed).fit(words, [p.ner for p in train])
            tags = ner_tagger.predict([test.words])[0]
            ents[doc_id] += tags_to_entities(texts[doc_id], test.tokens, tags)
            num_tagger = TokenTagger(self.seed).fit(words, [p.num for p in train])
            tags = num_tagger.predict([test.words])[0]
            nums[doc_id] += tags_to_numbers(texts[doc_id], test.tokens, tags, contexts[doc_id])
        return [Prediction(id=d.id, entities=ents[d.id], numbers=nums[d.id]) for d in documents]


# --- sklearn-wojood: trained on an outside corpus -------------------------------------------------


def default_corpus_path() -> Path | None:
    """`$KHABAR_WOJOOD` if set, else the Wojood sample next to the repository, if present."""
    env = os.environ.get(WOJOOD_ENV)
    if env:
        return Path(env)
    return DEFAULT_WOJOOD if DEFAULT_WOJOOD.is_file() else None


def _resolve_train(train) -> Path:
    p = Path(train) if train is not None else default_corpus_path()
    if p is None:
        raise KhabarError(HOW_TO_ADD_CORPUS, field="train")
    if p.is_dir():
        p = p / "train.txt"
    if not p.is_file():
        raise KhabarError("training corpus not found", file=str(p), field="train")
    return p


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
        self._ner: TokenTagger | None = None
        self._num: TokenTagger | None = None

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

    def fit(self) -> "SklearnCorpus":
        """Train both taggers on the corpus (once; later calls reuse them)."""
        if self._ner is not None:
            return self
        corpus = read_conll(self.train_path)
        words, tags = project_corpus(corpus, self.label_map, "entities")
        self._ner = TokenTagger(self.seed).fit(words, tags)
        if self.with_numbers:
            words, tags = project_corpus(corpus, self.label_map, "numbers")
            self._num = TokenTagger(self.seed).fit(words, tags)
        return self

    def tag(self, words: list[list[str]]) -> tuple[list[list[str]], list[list[str]] | None]:
        """(entity tags, number tags or None) for tokenised sentences."""
        self.fit()
        ner = self._ner.predict(words)
        num = self._num.predict(words) if self._num is not None else None
        return ner, num

    def predict(self, documents: list[Document]) -> list[Prediction]:
        out = []
        for d in documents:
            paras = [toks for toks in sentences(d.text) if toks]
            ner, num = self.tag([[t.text for t in toks] for toks in paras])
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


def span_prf(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Strict span-level micro P/R/F1 (conlleval's chunk decoding) and per type, over IOB2
    sequences; agrees with seqeval's default mode (tested)."""
    from collections import Counter

    from khabar.scoring.prf import prf as scoring_prf

    tp, n_gold, n_pred = Counter(), Counter(), Counter()
    for k, (g, p) in enumerate(zip(gold, pred, strict=True)):
        gs = {(k, *s) for s in decode(g)}
        ps = {(k, *s) for s in decode(p)}
        for s in gs:
            n_gold[s[3]] += 1
        for s in ps:
            n_pred[s[3]] += 1
        for s in gs & ps:
            tp[s[3]] += 1

    def prf(t: int, g: int, p: int) -> dict:
        pr, rc, f1 = scoring_prf(t, 0, 0, g - t, p - t)
        return {"precision": pr, "recall": rc, "f1": f1, "tp": t, "gold": g, "pred": p}

    types = sorted(set(n_gold) | set(n_pred))
    return {
        **prf(sum(tp.values()), sum(n_gold.values()), sum(n_pred.values())),
        "per_type": {t: prf(tp[t], n_gold[t], n_pred[t]) for t in types},
    }


def corpus_test_scores(train=None, test=None, label_map=None, seed: int = 0) -> dict:
    """Train `sklearn-wojood` (on `train`, default the Wojood sample) and score it on the
    corpus's test split, in khabar's labels through the label map: the in-domain number to
    set beside its score on the seed."""
    return SklearnCorpus(train=train, label_map=label_map, seed=seed).test_scores(test)
