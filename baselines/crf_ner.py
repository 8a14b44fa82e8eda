"""`crf`: linear-chain CRFs (python-crfsuite) for NER and number spans, trained on Wojood's public
sample and khabar's dev split, never on the text they predict.

Two channels, two CRFs over khabar's tokens (`khabar.tokens.sentences`, one sequence per
paragraph):

- NER (PER, ORG, GPE, LOC, FAC, NORP in IOB2) is trained on Wojood's public sample (through the
  `wojood` label map of `corpora`, as `sklearn-wojood` reads it) plus the dev articles' IOB2 view
  (`khabar.iob.iob2`). Without the Wojood file it is trained on dev alone, and `notes` (printed
  by `khabar run`) says so.
- Number spans (one label, NUM) are trained on the dev articles only. A second CRF rather than a
  joint label set: the channels have different training data (Wojood's CARDINAL and ORDINAL
  spans follow other conventions: no years, percents, money or fractions), and a number may lie
  inside a name (a flat joint label set could not hold both). The CRF finds the span; value and
  kind are the parser's (`corpora.number_value` over `number_mentions`).

Features (`token_features`): the word features shared with `sklearn-wojood`
(`corpora.sentence_features`: word, normalised and clitic-stripped forms, stripped proclitics,
prefixes and suffixes, shape, two words either side), plus gazetteer features from
`gazetteers` (CLDR through Babel): the IOB tag and source of the longest gazetteer name covering
the token (country, continent, city, organisation, nisba adjective; clitics and the article
stripped as `gazetteers` reads them), and whether the token is a title, an organisation or
facility head noun, a name-continuing adjective, a function word or a time word; the same for
the words either side. With an outside corpus, every NER feature of a khabar sentence is also
given a copy prefixed with its domain (`in_domain`), so the CRF learns where Wojood's
conventions and khabar's differ. The number CRF adds the tag and kind of khabar's numeral parser at the token and
either side (`number_features`; the parser with khabar's span conventions, as the `rules`
baseline applies it), so it learns when to follow the parser.

Never predicting training text: a document whose text (sha256) is one of the dev documents is
predicted by models trained without it (leave-one-document-out on dev); any other document
(the test article) by the models trained on all of dev. Fitted models are cached in the
instance by the set of dev texts held out, so the leaderboard's two calls (test, then dev) fit
13 model pairs once. `used_models` records, per document predicted, what its models were
trained on.

Training options, fixed a priori or chosen on dev by leave-one-document-out (LOO) only, never on
the seed or on Wojood's test split (dev LOO NER strict F1 below):
- L-BFGS with every label bigram weighted (`feature.possible_transitions`): fixed a priori.
- `MAX_ITERATIONS` 50: 100 iterations gained 0.006 at twice the time.
- `C1`, `C2`, `DEV_COPIES` (each dev article given that many times), first without domain
  features: a grid c1 {0, 0.05} x c2 {0.01, 0.1, 0.5} x copies {2, 4, 8}. c1 = 0 beat 0.05 in
  all seven pairs run (by 0.02-0.05; the rest of that row and c1 = 0.2 were not run); c2 = 0.1
  was best or within 0.011; copies 8 0.564, 4 0.554, dev alone (no Wojood) 0.521.
- Domain features then, on both domains' sentences: 0.602 with 1 copy (2 copies 0.583,
  4 copies 0.575; c2 0.01 0.596, c2 0.5 0.581); on khabar's sentences only (`in_domain`):
  0.582 at half the fitting time (13 fits per leaderboard run), within noise of 0.602, so
  khabar's only, c1 0, c2 0.1, 1 copy. The number CRF uses the same penalties (its dev score
  did not depend on them).
- Number features: on dev LOO, end-to-end F1 0.77 without any parser feature, 0.92 with the raw
  parser's spans (`khabar.numerals.find_numbers`, percent words inside), 0.995 with khabar's
  conventions (`number_mentions`): the CRF then follows the parser everywhere on dev. The parser
  and those conventions were themselves developed on dev, so that dev score is optimistic.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from khabar.errors import KhabarError
from khabar.iob import iob2, spans_to_tags
from khabar.model import Document, Gold, Prediction
from khabar.normalize import normalize
from khabar.tokens import Token, sentences

from . import gazetteers as gz
from .corpora import (
    WOJOOD,
    WOJOOD_ENV,
    LabelMap,
    corpus_file,
    default_corpus_path,
    load_label_map,
    project_corpus,
    read_conll,
    sentence_features,
    span_prf,
    tags_to_entities,
    tags_to_numbers,
)
from .rules_numbers import find_number_mentions

C1 = 0.0
"""L1 penalty of both CRFs (chosen on dev by leave-one-document-out; see the module docstring)."""
C2 = 0.1
"""L2 penalty of both CRFs (chosen on dev by leave-one-document-out)."""
DEV_COPIES = 1
"""How many times each dev article is given to the NER trainer beside Wojood's 20k tokens (more
copies weigh khabar's conventions more; with domain features one was best on dev by
leave-one-document-out)."""
MAX_ITERATIONS = 50
"""L-BFGS iterations at most (chosen on dev by leave-one-document-out, with the time)."""


# --- features ----------------------------------------------------------------------------------

_TITLES = frozenset(gz.TITLES)
_ORG_HEADS = frozenset(gz.ORG_HEADS)
_FAC_HEADS = frozenset(gz.FAC_HEADS)
_FLAGS = (
    ("title", _TITLES),
    ("orghead", _ORG_HEADS),
    ("fachead", _FAC_HEADS),
    ("nameadj", gz.NAME_ADJECTIVES),
    ("stop", gz.STOPWORDS),
    ("time", gz.TIME_WORDS),
)


def _readings(norm: str) -> list[str]:
    """A folded word and its readings without clitics and without the article (`gazetteers`)."""
    out = gz.clitic_readings(norm)
    bare = gz.without_article(norm)
    return out + [bare] if bare and bare not in out else out


def gazetteer_source(entry: gz.Entry) -> str:
    """What kind of gazetteer name an entry is: country, continent (CLDR regions), city,
    org (CLDR's الأمم المتحدة, الاتحاد الأوروبي) or nisba (nationality adjective)."""
    if entry.type == "NORP":
        return "nisba"
    if entry.source.startswith("CLDR exemplar city"):
        return "city"
    return {"GPE": "country", "LOC": "continent", "ORG": "org"}.get(entry.type, entry.type.lower())


def gazetteer_tags(words: list[str]) -> list[tuple[str, str]]:
    """(IOB tag, source) of the gazetteer names in a sentence, longest match first from the left,
    ('O', '') elsewhere. A name's first word may carry clitics and the article; the rest match
    as folded words."""
    norms = [normalize(w) for w in words]
    idx = gz.index()
    out = [("O", "")] * len(words)
    i = 0
    while i < len(words):
        best = None
        if any(c.isalpha() for c in norms[i]):
            for first in _readings(norms[i]):
                for e in idx.get(first, ()):  # longest names first
                    n = len(e.tokens)
                    if (i + n <= len(norms) and all(norms[i + k] == e.tokens[k] for k in range(1, n))
                            and (best is None or n > len(best.tokens))):
                        best = e
                        break
        if best is None:
            i += 1
            continue
        src = gazetteer_source(best)
        out[i] = (f"B-{best.type}", src)
        for k in range(1, len(best.tokens)):
            out[i + k] = (f"I-{best.type}", src)
        i += len(best.tokens)
    return out


def word_flags(word: str) -> list[str]:
    """The word lists of `gazetteers` the word (or a clitic-stripped reading of it) is in."""
    readings = _readings(normalize(word))
    return [name for name, lst in _FLAGS if any(r in lst for r in readings)]


def _item(f: dict[str, object]) -> dict[str, float]:
    """A feature dict as crfsuite attributes: strings and integers become `name=value`, booleans
    are present (1.0) or absent."""
    out = {}
    for k, v in f.items():
        if isinstance(v, bool):
            if v:
                out[k] = 1.0
        else:
            out[f"{k}={v}"] = 1.0
    return out


def token_features(words: list[str]) -> list[dict[str, float]]:
    """crfsuite items for one sentence: `corpora.sentence_features` plus gazetteer features of
    the word and of the words either side."""
    base = sentence_features(words)
    gaz = gazetteer_tags(words)
    flags = [word_flags(w) for w in words]
    items = []
    for i, f in enumerate(base):
        item = _item(f)
        for d in (-1, 0, 1):
            j = i + d
            if not 0 <= j < len(words):
                continue
            tag, src = gaz[j]
            if tag != "O":
                item[f"{d}:gz={tag}"] = 1.0
                item[f"{d}:gzsrc={src}"] = 1.0
            for name in flags[j]:
                item[f"{d}:{name}"] = 1.0
        items.append(item)
    return items


def number_mentions(text: str) -> dict[tuple[int, int], object]:
    """khabar's numeral parser's mentions in `text` under khabar's span conventions (the parser as
    the `rules` baseline applies it: `rules_numbers.find_number_mentions`), by (start, end): the
    number CRF's features, and the value and kind of the spans it predicts."""
    return {(m.start, m.end): m for m in find_number_mentions(text)}


def parser_tags(paragraphs: list[list[Token]], mentions: dict) -> list[list[str]]:
    """The parser's mentions (`number_mentions`) as IOB2 tags with the kind as label, per paragraph."""
    out = []
    for toks in paragraphs:
        if not toks:
            out.append([])
            continue
        lo, hi = toks[0].start, toks[-1].end
        out.append(spans_to_tags(toks, [(m.span, m.kind or "num") for m in mentions.values()
                                        if lo <= m.start and m.end <= hi]))
    return out


def number_features(words: list[str], parsed: list[str]) -> list[dict[str, float]]:
    """crfsuite items for the number CRF: `token_features` plus the parser's tag (prefix and
    kind) at the token and either side."""
    items = token_features(words)
    for i, item in enumerate(items):
        for d in (-1, 0, 1):
            j = i + d
            tag = parsed[j] if 0 <= j < len(words) else "<pad>"
            item[f"{d}:np={tag}"] = 1.0
            item[f"{d}:npb={tag[:1]}"] = 1.0
    return items


def in_domain(items: list[dict[str, float]], domain: str = "khabar") -> list[dict[str, float]]:
    """Feature augmentation for training on two domains (after Daumé III 2007, "Frustratingly
    easy domain adaptation"): every feature of a khabar sentence twice, shared and prefixed with
    the domain, while the outside corpus's sentences have the shared copy only. The shared
    weights learn what Wojood and khabar agree on; the prefixed ones where khabar's conventions
    differ: khabar tags a nisba adjective NORP, while of the words of Wojood's sample that are
    CLDR nisba forms 11 are NORP (as projected by the label map), 102 O and 110 inside a
    longer name."""
    return [{**it, **{f"{domain}|{k}": v for k, v in it.items()}} for it in items]


# --- the tagger ----------------------------------------------------------------------------------


class CRFTagger:
    """A linear-chain CRF (crfsuite, L-BFGS) over prepared item sequences; the fitted model is
    held in memory. Trained on no sequence at all it predicts O."""

    def __init__(self, c1: float = C1, c2: float = C2, max_iterations: int = MAX_ITERATIONS):
        self.c1, self.c2, self.max_iterations = float(c1), float(c2), int(max_iterations)
        self._tagger = None
        self._model = b""
        self.labels: tuple[str, ...] = ()

    def fit(self, xseqs: list, yseqs: list[list[str]]) -> "CRFTagger":
        import pycrfsuite

        trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
        n = 0
        for x, y in zip(xseqs, yseqs, strict=True):
            if len(y):
                trainer.append(x, y)
                n += 1
        if not n:
            self._tagger = None
            return self
        trainer.set_params({"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations,
                            "feature.possible_transitions": True})
        with tempfile.TemporaryDirectory(prefix="khabar-crf-") as tmp:
            path = Path(tmp) / "model.crfsuite"
            trainer.train(str(path))
            data = path.read_bytes()
        self._model = data  # the tagger reads the model from this buffer: keep it alive
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(data)
        self.labels = tuple(self._tagger.labels())
        return self

    def predict(self, xseqs: list) -> list[list[str]]:
        if self._tagger is None:
            return [["O"] * len(x) for x in xseqs]
        return [list(self._tagger.tag(x)) if len(x) else [] for x in xseqs]


# --- the system ----------------------------------------------------------------------------------


def text_hash(text: str) -> str:
    """sha256 of a document's text: how a dev document is recognised when asked to predict it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TrainingRecord:
    """What one pair of fitted models (NER, numbers) was trained on."""

    held_out: frozenset[str]  # text hashes of the dev documents left out
    dev_ids: tuple[str, ...]  # the dev documents trained on
    dev_texts: frozenset[str]  # their text hashes
    corpus: str | None  # the outside NER corpus (Wojood's sample), or None
    ner_sequences: int
    number_sequences: int


@dataclass
class _Doc:
    """A document prepared for the taggers: its non-empty paragraphs and their items."""

    id: str
    text: str
    hash: str  # `text_hash(text)`
    paragraphs: list[list[Token]]
    ner_x: list
    num_x: list
    numbers: dict  # the parser's mentions by (start, end)


@dataclass
class _Fitted:
    ner: CRFTagger
    num: CRFTagger
    record: TrainingRecord


class CRF:
    """Linear-chain CRFs for NER (Wojood's sample + dev) and number spans (dev), never
    predicting a document they were trained on (see the module docstring).

    `train`: the outside NER corpus (None: $KHABAR_WOJOOD, else Wojood's sample next to the
    repository, else none; `none` or False: none); `label_map`: its map onto khabar (default
    `wojood`); `dev`: the in-domain training documents (default: the shipped dev split)."""

    name = "crf"
    tasks = ("ner", "numbers")

    def __init__(self, train=None, label_map=None, dev: Gold | None = None, c1: float = C1, c2: float = C2,
                 dev_copies: int = DEV_COPIES, max_iterations: int = MAX_ITERATIONS):
        self.notes: list[str] = []
        self.train_path = self._resolve_train(train)
        self.label_map: LabelMap = load_label_map(label_map, WOJOOD)
        self.scheme = self.label_map.scheme
        self.c1, self.c2, self.max_iterations = float(c1), float(c2), int(max_iterations)
        self.dev_copies = int(dev_copies)
        if self.dev_copies < 1:
            raise KhabarError("dev_copies must be 1 or more", field="dev_copies")
        self._dev_gold = dev
        self._dev: list[tuple[_Doc, list[list[str]], list[list[str]]]] | None = None
        self._corpus_x: list | None = None
        self._corpus_y: list[list[str]] = []
        self._models: dict[frozenset[str], _Fitted] = {}
        self.used_models: dict[str, TrainingRecord] = {}
        """For each document of the last `predict` call, by id: what its models were trained on."""

    # -- options

    def _resolve_train(self, train) -> Path | None:
        if train is False or (isinstance(train, str) and train.strip().lower() in ("", "none", "false")):
            self.notes.append("NER trained on the dev split alone (train=none).")
            return None
        if train is not None:
            return corpus_file(train)
        p = default_corpus_path()
        if p is None:
            self.notes.append("Wojood's sample not found (set KHABAR_WOJOOD=PATH, or run `khabar run crf --train PATH`): "
                              "NER trained on the dev split alone.")
            return None
        if not p.is_file():
            self.notes.append(f"${WOJOOD_ENV} points to {p}, which does not exist: NER trained on the dev split alone.")
            return None
        return p

    def summary(self) -> str:
        """The notes, one per line (`khabar run` prints them)."""
        return "\n".join(f"crf: {n}" for n in self.notes)

    # -- data

    def _prepare(self, d: Document) -> _Doc:
        paras = [toks for toks in sentences(d.text) if toks]
        words = [[t.text for t in toks] for toks in paras]
        mentions = number_mentions(d.text)
        parsed = parser_tags(paras, mentions)
        return _Doc(d.id, d.text, text_hash(d.text), paras, [self._ner_items(w) for w in words],
                    [number_features(w, p) for w, p in zip(words, parsed)], mentions)

    def _ner_items(self, words: list[str]) -> list[dict[str, float]]:
        """The NER CRF's items for a sentence of khabar's (with domain features when there is an
        outside corpus: `in_domain`)."""
        items = token_features(words)
        return in_domain(items) if self.train_path is not None else items

    def _dev_docs(self):
        """The dev documents prepared, with their gold NER and number tags per paragraph."""
        if self._dev is None:
            if self._dev_gold is None:
                from khabar.gold import load_split

                self._dev_gold = load_split("validation")
            self._dev = []
            for d in self._dev_gold.documents:
                prepared = self._prepare(d)
                ner = [tags for toks, tags in iob2(d, self.scheme) if toks]
                nums = [spans_to_tags(toks, [(n.span, "NUM") for n in d.numbers
                                             if toks[0].start <= n.start and n.end <= toks[-1].end])
                        for toks in prepared.paragraphs]
                self._dev.append((prepared, ner, nums))
        return self._dev

    def _corpus(self):
        """The outside corpus's items and tags (read and featurised once)."""
        if self._corpus_x is None:
            self._corpus_x, self._corpus_y = [], []
            if self.train_path is not None:
                corpus = read_conll(self.train_path)
                words, tags = project_corpus(corpus, self.label_map, "entities")
                self._corpus_x = [token_features(w) for w in words]
                self._corpus_y = tags
        return self._corpus_x, self._corpus_y

    # -- models

    def models(self, held_out: frozenset[str] = frozenset()) -> _Fitted:
        """The models trained on the outside corpus and every dev document whose text hash is
        not in `held_out` (fitted once, then cached)."""
        if held_out in self._models:
            return self._models[held_out]
        dev = [(doc, ner, num) for doc, ner, num in self._dev_docs() if doc.hash not in held_out]
        cx, cy = self._corpus()
        ner_x, ner_y = list(cx), list(cy)
        for _ in range(self.dev_copies):
            for doc, ner, _num in dev:
                ner_x += doc.ner_x
                ner_y += ner
        num_x = [x for doc, _, _ in dev for x in doc.num_x]
        num_y = [t for _, _, num in dev for t in num]
        opts = {"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations}
        record = TrainingRecord(
            held_out=held_out,
            dev_ids=tuple(doc.id for doc, _, _ in dev),
            dev_texts=frozenset(doc.hash for doc, _, _ in dev),
            corpus=str(self.train_path) if self.train_path is not None else None,
            ner_sequences=len(ner_x),
            number_sequences=len(num_x),
        )
        fitted = _Fitted(CRFTagger(**opts).fit(ner_x, ner_y), CRFTagger(**opts).fit(num_x, num_y), record)
        self._models[held_out] = fitted
        return fitted

    def held_out_for(self, text: str) -> frozenset[str]:
        """The dev texts a model predicting `text` must not have seen: `text` itself when it is
        one of the dev documents (by sha256), else none."""
        h = text_hash(text)
        return frozenset({h}) if any(doc.hash == h for doc, _, _ in self._dev_docs()) else frozenset()

    # -- predicting

    def predict(self, documents: list[Document]) -> list[Prediction]:
        self.used_models = {}
        out = []
        for d in documents:
            fitted = self.models(self.held_out_for(d.text))
            self.used_models[d.id] = fitted.record
            doc = self._prepare(d)
            ner = fitted.ner.predict(doc.ner_x)
            num = fitted.num.predict(doc.num_x)
            ents, nums = [], []
            for k, toks in enumerate(doc.paragraphs):
                ents += tags_to_entities(d.text, toks, ner[k])
                nums += tags_to_numbers(d.text, toks, num[k], doc.numbers)
            out.append(Prediction(id=d.id, entities=ents, numbers=nums))
        return out

    def test_scores(self, test=None) -> dict:
        """The NER model (trained on the corpus and all of dev) scored on the outside corpus's own
        test split (`test.txt` beside the training file unless given, read with the shared
        features, as the training corpus was): strict span P/R/F1 in khabar's labels through the label map, shown by the
        leaderboard beside the seed score. {} when there is no corpus or no test split beside it
        (the leaderboard then shows nothing); a `test` given but missing is an error."""
        if test is not None:
            test_path = Path(test)
            if not test_path.is_file():
                raise KhabarError("test split not found", file=str(test_path), field="test")
        elif self.train_path is None or not self.train_path.with_name("test.txt").is_file():
            return {}
        else:
            test_path = self.train_path.with_name("test.txt")
        corpus = read_conll(test_path)
        fitted = self.models()
        pred = fitted.ner.predict([token_features(list(s.tokens)) for s in corpus.sentences])
        return {
            "system": self.name,
            "train": str(self.train_path) if self.train_path is not None else None,
            "also_trained_on": f"dev split ({len(fitted.record.dev_ids)} documents)",
            "test": str(test_path),
            "label_map": self.label_map.name,
            "scheme": self.scheme,
            "sentences": len(corpus.sentences),
            "tokens": corpus.n_tokens,
            "ner": span_prf(project_corpus(corpus, self.label_map, "entities")[1], pred),
        }
