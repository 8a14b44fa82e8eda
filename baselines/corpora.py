"""Outside Arabic NER corpora in CoNLL style, and declared label maps onto khabar's schemes.

A corpus file has one token per line followed by one or more IOB2 tags (`token TAG1 [TAG2 ...]`,
several tags when entities nest, as in Wojood); a blank line ends a sentence; Wojood's
`$#$ O` line separates segments and is dropped; `-DOCSTART-` lines are skipped. Nested tags are
decoded into spans, the label map keeps or drops each span, and of the spans it keeps the
outermost wins (khabar annotates the outermost named entity only). This reader is the one place
that turns such files into sentences; it never copies their text into the repository.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from khabar import iob
from khabar.errors import KhabarError
from khabar.files import read_text
from khabar.schema import FINE_TO_COARSE, FINE_TYPES, NUMBER_KINDS, SCHEMES

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
