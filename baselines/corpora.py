"""Outside Arabic NER corpora in CoNLL style, and declared label maps onto khabar's schemes.

A corpus file has one token per line followed by one or more IOB2 tags (`token TAG1 [TAG2 ...]`,
several tags when entities nest, as in Wojood); a blank line ends a sentence; Wojood's
`$#$ O` line separates segments and is dropped; `-DOCSTART-` lines are skipped. Nested tags are
decoded into spans, the label map keeps or drops each span, and of the spans it keeps the
outermost wins (khabar annotates the outermost named entity only). This reader is the one place
that turns such files into sentences; it never copies their text into the repository.

It also holds what the taggers trained on such corpora share (`sklearn-wojood`, `crf`): where the
default corpus lies, the word features, strict span scoring of tag sequences (a corpus's own
test split), and the turning of predicted tags into khabar predictions.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, NamedTuple

from khabar import iob
from khabar.errors import KhabarError
from khabar.files import read_text
from khabar.model import PredEntity, PredNumber, Span
from khabar.normalize import normalize
from khabar.schema import FINE_TO_COARSE, FINE_TYPES, NUMBER_KINDS, SCHEMES
from khabar.tokens import PUNCTUATION, Token

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WOJOOD = REPO_ROOT.parent / "shared" / "external" / "wojood-sample" / "train.txt"
"""Wojood's public sample next to the repository (`../shared/external/wojood-sample/`), if present."""
WOJOOD_ENV = "KHABAR_WOJOOD"
HOW_TO_ADD_CORPUS = (
    "no training corpus: set KHABAR_WOJOOD=PATH to a CoNLL-style Arabic NER file (Wojood's "
    "train.txt from github.com/SinaLab/ArabicNER data/), or run `khabar run sklearn-wojood --train PATH`"
)

SEGMENT_MARK = "$#$"
"""Wojood's segment separator token (its line is `$#$ O`)."""

_TAG_RE = re.compile(r"^(?:O|[BI]-[^\s]+)$")


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One sentence of a corpus: its tokens and, per token, every tag the file gives it."""

    tokens: tuple[str, ...]
    tags: tuple[tuple[str, ...], ...]
    line: int  # 1-based line of the first token, for messages

    def spans(self) -> list["CorpusSpan"]:
        """Every entity span the tags encode, nested ones included (see `decode_nested`)."""
        return decode_nested(self.tags)


@dataclass(frozen=True)
class Corpus:
    """A read corpus file: its path and its sentences."""

    path: str
    sentences: list[Sentence]

    @property
    def n_tokens(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)

    def labels(self) -> set[str]:
        """The entity types the file uses (without B-/I-)."""
        return {t[2:] for s in self.sentences for tags in s.tags for t in tags if t != "O"}


def read_conll(path: str | Path) -> Corpus:
    """Read a CoNLL-style NER file (see the module docstring); a malformed line is a
    `KhabarError` naming the file, line and field."""
    p = Path(path)
    if p.is_dir():
        raise KhabarError("expected a CoNLL file, got a directory", file=str(path))
    text = read_text(p, encoding="utf-8-sig")

    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[tuple[str, ...]] = []
    first = 0

    def flush() -> None:
        nonlocal tokens, tags
        if tokens:
            sentences.append(Sentence(tuple(tokens), tuple(tags), first))
        tokens, tags = [], []

    for lineno, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split()
        if not parts:
            flush()
            continue
        if parts[0] == "-DOCSTART-":
            flush()
            continue
        if parts[0] == SEGMENT_MARK:
            flush()
            continue
        if len(parts) < 2:
            raise KhabarError(f"token {parts[0]!r} has no tag (expected `token TAG [TAG ...]`)",
                              file=str(path), line=lineno, field="tag")
        for t in parts[1:]:
            if not _TAG_RE.match(t):
                raise KhabarError(f"{t!r} is not an IOB2 tag (O, B-TYPE or I-TYPE)",
                                  file=str(path), line=lineno, field="tag")
        if not tokens:
            first = lineno
        tokens.append(parts[0])
        tags.append(tuple(parts[1:]))
    flush()
    if not sentences:
        raise KhabarError("no tokens in the file", file=str(path))
    return Corpus(str(path), sentences)


@dataclass(frozen=True)
class CorpusSpan:
    """An entity in a corpus sentence: tokens `[start, end)`, its corpus label, and the tag
    column it was first written in (0 = outermost as the file lists it)."""

    start: int
    end: int
    label: str
    column: int


def decode_nested(tags: tuple[tuple[str, ...], ...] | list[list[str]]) -> list[CorpusSpan]:
    """Decode multi-tag IOB2 lines into spans: each type's own tag sequence is decoded with
    `iob.decode` (lenient: an I-X with no open X opens one), so X spans may nest in Y spans.

    A span's column is the one its type was first written in on its first token."""
    first_col: dict[tuple[int, str], int] = {}
    per_type: dict[str, list[str]] = {}
    for i, token_tags in enumerate(tags):
        for col, t in enumerate(token_tags):
            if t == "O":
                continue
            label = t[2:]
            if (i, label) in first_col:
                continue
            first_col[i, label] = col
            per_type.setdefault(label, ["O"] * len(tags))[i] = t
    spans = [CorpusSpan(s, e, label, first_col[s, label])
             for label, seq in per_type.items() for s, e, _ in iob.decode(seq)]
    return sorted(spans, key=lambda s: (s.start, -s.end, s.column))


# --- clitics and the nisba pattern -------------------------------------------------------------

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_PROCLITICS = re.compile(r"^(?:[وف]?(?:[بكل]?ال|لل)|[وف][بكل]?|[بكل])(?=\S{2,})")
"""Conjunction و/ف, preposition ب/ك/ل and article ال (لل = ل + ال), kept off only when at least
two letters remain. General Arabic orthography, not read off any data."""

NISBA_ENDINGS = ("يين", "يون", "يان", "يتين", "يتان", "يات", "ية", "يًا", "ياً", "ي")
"""Endings of the Arabic relational adjective (nisba: ليبي، الليبية، الفلسطينيين، فرنسيًا) in its
gender, number and case forms. An unvowelled accusative -يا is left out: it cannot be told from
a country name (روسيا)."""


def strip_clitics(word: str) -> str:
    """`word` without its attached conjunction, preposition and article (والروس → روس)."""
    return _PROCLITICS.sub("", word, count=1)


def is_nisba(word: str) -> bool:
    """Whether `word`, clitics stripped, has a nisba ending (a nationality-like form)."""
    stem = strip_clitics(word)
    return len(stem) >= 3 and any(stem.endswith(e) for e in NISBA_ENDINGS)


CONDITIONS = {
    "single-nisba": lambda words: len(words) == 1 and is_nisba(words[0]),
}
"""Span filters a label map may attach to a label: the span is kept only when its words pass."""


# --- label maps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelMap:
    """A declared map from a corpus's (or model's) labels onto khabar.

    `entities` maps a label to a khabar type of `scheme` or to None (dropped: O for training,
    ignored in predictions); `numbers` maps a label to a number kind (a number span);
    `conditions` names a filter from `CONDITIONS` a label's spans must pass. A label in none of
    them is dropped.
    """

    name: str
    scheme: str
    entities: Mapping[str, str | None]
    numbers: Mapping[str, str] = field(default_factory=dict)
    conditions: Mapping[str, str] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        allowed = FINE_TYPES if self.scheme == "fine" else tuple(sorted(set(FINE_TO_COARSE.values())))
        if self.scheme not in SCHEMES:
            raise KhabarError(f"label map {self.name!r}: unknown scheme {self.scheme!r}", field="scheme")
        for label, target in self.entities.items():
            if target is not None and target not in allowed:
                raise KhabarError(f"label map {self.name!r}: {label!r} maps to {target!r}, not a "
                                  f"{self.scheme} type ({', '.join(allowed)})", field=label)
        for label, kind in self.numbers.items():
            if kind not in NUMBER_KINDS:
                raise KhabarError(f"label map {self.name!r}: {label!r} maps to number kind {kind!r}; "
                                  f"expected one of {', '.join(NUMBER_KINDS)}", field=label)
        for label, cond in self.conditions.items():
            if cond not in CONDITIONS:
                raise KhabarError(f"label map {self.name!r}: unknown condition {cond!r}", field=label)

    def entity_type(self, label: str, words: list[str] | tuple[str, ...] | None = None) -> str | None:
        """The khabar type of a span labelled `label` (with its words, for conditions), or None."""
        target = self.entities.get(label)
        if target is None:
            return None
        cond = self.conditions.get(label)
        if cond and words is not None and not CONDITIONS[cond](list(words)):
            return None
        return target

    def number_kind(self, label: str) -> str | None:
        return self.numbers.get(label)

    def to_dict(self) -> dict:
        return {"name": self.name, "scheme": self.scheme, "entities": dict(self.entities),
                "numbers": dict(self.numbers), "conditions": dict(self.conditions)}


WOJOOD = LabelMap(
    name="wojood",
    scheme="fine",
    entities={
        "PERS": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC", "NORP": "NORP",
        # no place in khabar's NER (dates and numbers belong to task 3 or to nothing; titles
        # are outside khabar's spans):
        "OCC": None, "EVENT": None, "DATE": None, "TIME": None, "LANGUAGE": None,
        "WEBSITE": None, "LAW": None, "PRODUCT": None, "CARDINAL": None, "ORDINAL": None,
        "PERCENT": None, "QUANTITY": None, "UNIT": None, "MONEY": None, "CURR": None,
    },
    numbers={"CARDINAL": "cardinal", "ORDINAL": "ordinal"},
    conditions={"NORP": "single-nisba"},
    note=("Wojood NORP covers any group of people (اللاجئين، الأطفال); only one-word spans with a "
          "nisba ending (الفلسطينيين، روسي، أمريكيًا) count as khabar NORP, so broken plurals "
          "(الروس، الأكراد) are lost and nisba group nouns (المدنيين) kept. CARDINAL and ORDINAL "
          "spans become number spans; PERCENT and MONEY spans include their unit and DATE its "
          "noun, so they are left out."),
)

ANERCORP = LabelMap(
    name="anercorp",
    scheme="coarse",
    entities={"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": None},
    note="ANERcorp's LOC covers countries and cities: the map is coarse (khabar GPE and LOC → LOC); MISC is ignored.",
)

CAMELBERT = LabelMap(
    name="camelbert",
    scheme="coarse",
    entities=dict(ANERCORP.entities),
    note="CAMeL-Lab/bert-base-arabic-camelbert-*-ner models are trained on ANERcorp: the ANERcorp map.",
)

GENERIC = LabelMap(
    name="generic",
    scheme="fine",
    entities={
        "PER": "PER", "PERS": "PER", "PERSON": "PER",
        "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
        "GPE": "GPE", "LOC": "LOC", "LOCATION": "LOC", "FAC": "FAC", "NORP": "NORP",
        "MISC": None,
    },
    note="Common label names onto the fine scheme, for a model whose labels follow OntoNotes or CoNLL.",
)

LABEL_MAPS: dict[str, LabelMap] = {m.name: m for m in (WOJOOD, ANERCORP, CAMELBERT, GENERIC)}


def load_label_map(spec: "str | Mapping | LabelMap | None", default: LabelMap) -> LabelMap:
    """Resolve a user's label map: None (→ `default`), a name from `LABEL_MAPS`, a JSON file,
    or a mapping. A mapping is either flat `{label: khabar type or null}` (fine scheme) or
    `{"scheme": ..., "entities": {...}, "numbers": {...}, "conditions": {...}}`."""
    if spec is None:
        return default
    if isinstance(spec, LabelMap):
        return spec
    source = "label_map"
    if isinstance(spec, (str, os.PathLike)):
        name = str(spec)
        if name.lower() in LABEL_MAPS:
            return LABEL_MAPS[name.lower()]
        p = Path(name)
        if not p.is_file():
            raise KhabarError(f"unknown label map {name!r}: give one of {', '.join(LABEL_MAPS)} or a JSON file",
                              field="label_map")
        try:
            spec = json.loads(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise KhabarError(f"not a JSON label map: {e}", file=name) from None
        source = name
    if not isinstance(spec, Mapping):
        raise KhabarError("a label map is a JSON object", file=source if source != "label_map" else None,
                          field="label_map")
    if "entities" in spec or "scheme" in spec:
        return LabelMap(name=str(spec.get("name", source)), scheme=str(spec.get("scheme", "fine")),
                        entities=dict(spec.get("entities", {})), numbers=dict(spec.get("numbers", {})),
                        conditions=dict(spec.get("conditions", {})))
    return LabelMap(name=source, scheme="fine", entities=dict(spec))


# --- projection onto khabar ------------------------------------------------------------------


def outermost(spans: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str]]:
    """Keep the outermost of overlapping spans (longest first, then the first-written column)."""
    chosen: list[tuple[int, int, str]] = []
    for s, e, label, _ in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0], x[3])):
        if all(e <= cs or ce <= s for cs, ce, _ in chosen):
            chosen.append((s, e, label))
    return sorted(chosen)


def project(sentence: Sentence, label_map: LabelMap, channel: str = "entities") -> list[str]:
    """The sentence's IOB2 tags in khabar's labels for one channel.

    `entities`: khabar types; `numbers`: the single label NUM. Each channel keeps the spans its
    map keeps (conditions applied) and, among overlapping ones, the outermost; so an ORG inside
    an OCC span (سكرتير اللجنة القومية) survives, as khabar annotates names, not titles.
    """
    kept = []
    for sp in sentence.spans():
        words = sentence.tokens[sp.start:sp.end]
        if channel == "entities":
            target = label_map.entity_type(sp.label, words)
        elif channel == "numbers":
            target = "NUM" if label_map.number_kind(sp.label) else None
        else:
            raise ValueError(f"unknown channel {channel!r}")
        if target is not None:
            kept.append((sp.start, sp.end, target, sp.column))
    return iob.encode(len(sentence.tokens), outermost(kept))


def project_corpus(corpus: Corpus, label_map: LabelMap, channel: str = "entities") -> tuple[list[list[str]], list[list[str]]]:
    """(words, tags) of every sentence in one channel: the training view of a corpus."""
    words = [list(s.tokens) for s in corpus.sentences]
    tags = [project(s, label_map, channel) for s in corpus.sentences]
    return words, tags


# --- the default corpus, and strict span scores on a corpus's test split ---------------------


def default_corpus_path() -> Path | None:
    """`$KHABAR_WOJOOD` if set, else the Wojood sample next to the repository, if present."""
    env = os.environ.get(WOJOOD_ENV)
    if env:
        return Path(env)
    return DEFAULT_WOJOOD if DEFAULT_WOJOOD.is_file() else None


def corpus_file(path: str | Path) -> Path:
    """A training corpus the user named: a CoNLL file, or a folder holding `train.txt`; a
    one-line `KhabarError` when it is not there."""
    p = Path(path)
    if p.is_dir():
        p = p / "train.txt"
    if not p.is_file():
        raise KhabarError("training corpus not found", file=str(p), field="train")
    return p


def span_prf(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Strict span-level micro P/R/F1 (conlleval's chunk decoding) and per type, over IOB2
    sequences; agrees with seqeval's default mode (tested)."""
    from collections import Counter

    from khabar.scoring.prf import prf as scoring_prf

    tp, n_gold, n_pred = Counter(), Counter(), Counter()
    for k, (g, p) in enumerate(zip(gold, pred, strict=True)):
        gs = {(k, *s) for s in iob.decode(g)}
        ps = {(k, *s) for s in iob.decode(p)}
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


# --- word features for the learned taggers ---------------------------------------------------

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


class _View(NamedTuple):
    n: str  # normalised
    s: str  # normalised, clitics stripped
    shape: str


@lru_cache(maxsize=1 << 16)
def _word_view(word: str) -> _View:
    """The word's normalised and stripped forms and shape (a word recurs: computed once)."""
    n = normalize(word)
    return _View(n, strip_clitics(n), shape(word))


def sentence_features(words: list[str]) -> list[dict[str, object]]:
    """One feature dict per word: the word, its normalised and clitic-stripped forms, the
    stripped proclitics, affixes, shape and the same views of two words either side.
    General Arabic orthography: nothing in it is read off any data."""
    views = [_word_view(w) for w in words]
    feats = []
    for i, w in enumerate(words):
        v = views[i]
        stem = v.s
        f: dict[str, object] = {
            "bias": 1,
            "w": w,
            "n": v.n,
            "s": stem,
            "pre": v.n[: len(v.n) - len(stem)] or "-",
            "p2": stem[:2],
            "p3": stem[:3],
            "x1": stem[-1:],
            "x2": stem[-2:],
            "x3": stem[-3:],
            "shape": v.shape,
            "len": min(len(stem), 8),
            "nisba": is_nisba(v.n),
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
                f[f"{d}:n"] = u.n
                f[f"{d}:s"] = u.s
                f[f"{d}:shape"] = u.shape
            else:
                f[f"{d}:n"] = "<pad>"
        f["-1|0"] = f"{f['-1:n']}|{v.n}"
        f["0|+1"] = f"{v.n}|{f['1:n']}"
        feats.append(f)
    return feats


# --- from predicted tags to khabar predictions ------------------------------------------------


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
    """Entity predictions for the IOB2 `tags` of one paragraph's `tokens`."""
    return [
        PredEntity(Span(tokens[s].start, tokens[e - 1].end, text[tokens[s].start:tokens[e - 1].end]), label)
        for s, e, label in iob.decode(tags)
    ]


def tags_to_numbers(text: str, tokens: list[Token], tags: list[str], context: dict | None = None) -> list[PredNumber]:
    """Number predictions for the spans in `tags`; value and kind come from khabar's parser
    (the tagger finds spans only)."""
    out = []
    for s, e, _ in iob.decode(tags):
        start, end = tokens[s].start, tokens[e - 1].end
        value, kind = number_value(text[start:end], context, (start, end))
        out.append(PredNumber(Span(start, end, text[start:end]), value, kind))
    return out
