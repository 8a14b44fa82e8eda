"""Run any Hugging Face token-classification model as a khabar NER system.

The model is a local path or a hub id (`model=` or `$KHABAR_HF_MODEL`); its labels reach
khabar's fine or coarse scheme through a declared label map (`khabar.baselines.corpora`). Each
paragraph is cut into khabar tokens, sent through the model's fast tokenizer (in chunks that fit
the model, cut at khabar token boundaries), and each sub-word prediction is placed back on the
khabar token its character offsets fall in: a word takes the label of its first sub-word. Entity
spans are therefore always whole khabar tokens, with clitics attached, as the gold's are.
"""

from __future__ import annotations

import os
from bisect import bisect_right

from khabar import iob
from khabar.errors import KhabarError
from khabar.model import Document, PredEntity, Prediction, Span
from khabar.schema import FINE_TO_COARSE, SCHEMES
from khabar.tokens import Token, sentences

from .corpora import ANERCORP, GENERIC, LabelMap, load_label_map

MODEL_ENV = "KHABAR_HF_MODEL"
HOW_TO_CONFIGURE = (
    "no model configured: set KHABAR_HF_MODEL=PATH_OR_HUB_ID, or run `khabar run transformers --model "
    "PATH_OR_HUB_ID` (e.g. CAMeL-Lab/bert-base-arabic-camelbert-msa-ner with --opt scheme=coarse)"
)
_ANER_STYLE = {"PERS", "PER", "ORG", "LOC", "MISC"}


def _continuation(label: str | None) -> str:
    """The label a token gets when a sub-word that began in an earlier token covers it."""
    tag = iob.with_prefix(label)
    return "O" if tag == "O" else "I-" + iob.split_tag(tag)[1]


def _owner(tokens: list[Token], starts: list[int], s: int, e: int) -> int | None:
    """Index of the token a sub-word `[s, e)` belongs to, or None (empty, or only white space)."""
    if e <= s:
        return None
    j = bisect_right(starts, s) - 1
    if j < 0 or s >= tokens[j].end:  # begins in white space: belongs to the next token
        j += 1
        if j >= len(tokens) or tokens[j].start >= e:
            return None
    return j


def align_subwords(tokens: list[Token], offsets: list[tuple[int, int]], labels: list[str]) -> list[str]:
    """Word-level labels for khabar `tokens` from sub-word `offsets` and `labels`.

    Offsets are character offsets in the same coordinates as the tokens; empty ones (special
    and padding tokens) are skipped. A sub-word belongs to the token its first non-space
    character falls in; a token takes the label of its first sub-word. A token no sub-word
    starts in, but one from an earlier token covers (a sub-word across a token boundary), gets
    that label as a continuation (I-); a token no sub-word reaches is O.
    """
    starts = [t.start for t in tokens]
    first: list[str | None] = [None] * len(tokens)
    cover: list[str | None] = [None] * len(tokens)
    for (s, e), label in zip(offsets, labels, strict=True):
        j = _owner(tokens, starts, s, e)
        if j is None:
            continue
        if first[j] is None:
            first[j] = label
        k = j + 1
        while k < len(tokens) and tokens[k].start < e:
            if cover[k] is None:
                cover[k] = label
            k += 1
    return [f if f is not None else _continuation(c) for f, c in zip(first, cover)]


def word_spans(text: str, tokens: list[Token], tags: list[str]) -> list[tuple[Span, str]]:
    """(character span, model label) for each entity in word-level IOB tags."""
    out = []
    for s, e, label in iob.decode([iob.with_prefix(t) for t in tags]):
        start, end = tokens[s].start, tokens[e - 1].end
        out.append((Span(start, end, text[start:end]), label))
    return out


def chunk_tokens(counts: list[int], budget: int) -> list[tuple[int, int]]:
    """Cut a token sequence into `[start, end)` runs whose sub-word counts fit `budget`
    (a single token over budget gets a run of its own)."""
    runs, start, used = [], 0, 0
    for i, n in enumerate(counts):
        if i > start and used + n > budget:
            runs.append((start, i))
            start, used = i, 0
        used += n
    if counts:
        runs.append((start, len(counts)))
    return runs


class TransformersNER:
    """A Hugging Face token-classification model behind khabar's system interface (NER)."""

    name = "transformers"
    tasks = ("ner",)

    def __init__(self, model: str | None = None, label_map=None, scheme: str = "fine", batch_size: int = 8):
        self.model_id = model or os.environ.get(MODEL_ENV)
        if not self.model_id:
            raise KhabarError(HOW_TO_CONFIGURE, field="model")
        if scheme not in SCHEMES:
            raise KhabarError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}",
                              field="scheme")
        self.scheme = scheme
        self.batch_size = max(1, int(batch_size))
        self._label_map_spec = label_map
        self.label_map: LabelMap | None = None
        self._tok = None
        self._model = None

    @staticmethod
    def unavailable_reason(model=None, **_) -> str | None:
        if model or os.environ.get(MODEL_ENV):
            return None
        return HOW_TO_CONFIGURE

    # -- loading ------------------------------------------------------------------------------

    def _load(self) -> None:
        if self._model is not None:
            return
        from transformers import AutoModelForTokenClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        if self.model_id.startswith(("/", "./", "../", "~")) and not os.path.isdir(os.path.expanduser(self.model_id)):
            raise KhabarError("model directory not found", file=self.model_id, field="model")
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # khabar's own progress display is the one users see
        try:
            path = os.path.expanduser(self.model_id)
            tok = AutoTokenizer.from_pretrained(path)
            model = AutoModelForTokenClassification.from_pretrained(path)
        except (OSError, ValueError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise KhabarError(f"cannot load the model: {first}", file=self.model_id, field="model") from None
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        if not getattr(tok, "is_fast", False):
            raise KhabarError("the model has no fast tokenizer, so no offset mapping to align its "
                              "sub-words to characters", file=self.model_id, field="model")
        model.eval()
        self._tok, self._model = tok, model
        self.id2label = {int(k): v for k, v in model.config.id2label.items()}
        self.label_map = self._choose_label_map()

    def _choose_label_map(self) -> LabelMap:
        types = {lab[2:] if len(lab) > 2 and lab[1] == "-" else lab for lab in self.id2label.values()} - {"O"}
        if self._label_map_spec is not None:
            lm = load_label_map(self._label_map_spec, GENERIC)
        elif types and types <= _ANER_STYLE and "MISC" in types:  # ANERcorp / CoNLL style: LOC has countries
            lm = ANERCORP
        else:
            lm = GENERIC
        if lm.scheme == "coarse" and self.scheme == "fine":
            raise KhabarError(f"label map {lm.name!r} is coarse (its LOC covers countries and cities): "
                              "pass scheme=coarse, or a label_map onto fine types", field="scheme")
        if not any(t in lm.entities and lm.entities[t] is not None for t in types):
            raise KhabarError(f"none of the model's labels ({', '.join(sorted(types)) or 'none'}) is mapped "
                              f"by label map {lm.name!r}: pass label_map=", field="label_map")
        return lm

    @property
    def max_length(self) -> int:
        cands = [self._tok.model_max_length, getattr(self._model.config, "max_position_embeddings", None)]
        cands = [c for c in cands if isinstance(c, int) and 0 < c < 100_000]
        return min(cands) if cands else 512

    # -- inference ------------------------------------------------------------------------------

    def _subwords(self, texts: list[str]) -> list[tuple[list[tuple[int, int]], list[str]]]:
        """(offsets, predicted labels) of the sub-words of each text, special tokens included
        with empty offsets."""
        import torch

        out = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i:i + self.batch_size]
            enc = self._tok(batch, return_offsets_mapping=True, padding=True, truncation=True,
                            max_length=self.max_length, return_tensors="pt")
            offsets = enc.pop("offset_mapping").tolist()
            with torch.no_grad():
                logits = self._model(**enc).logits
            ids = logits.argmax(-1).tolist()
            mask = enc["attention_mask"].tolist()
            for off, pred, m in zip(offsets, ids, mask):
                keep = [k for k, v in enumerate(m) if v]
                out.append(([tuple(off[k]) for k in keep], [self.id2label[pred[k]] for k in keep]))
        return out

    def _chunks(self, text: str, tokens: list[Token]) -> list[tuple[int, int]]:
        """Runs of khabar tokens that fit the model once tokenised."""
        lo, hi = tokens[0].start, tokens[-1].end
        enc = self._tok(text[lo:hi], add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        rel = [Token(t.start - lo, t.end - lo, t.text) for t in tokens]
        starts = [t.start for t in rel]
        counts = [0] * len(tokens)
        for s, e in enc["offset_mapping"]:
            j = _owner(rel, starts, s, e)
            if j is not None:
                counts[j] += 1
        budget = max(1, self.max_length - self._tok.num_special_tokens_to_add())
        return chunk_tokens(counts, budget)

    def tag_paragraphs(self, text: str, paragraphs: list[list[Token]]) -> list[list[str]]:
        """Word-level model labels for each paragraph's khabar tokens."""
        self._load()
        jobs = []  # (paragraph index, first token, last token + 1)
        for p, toks in enumerate(paragraphs):
            for a, b in self._chunks(text, toks):
                jobs.append((p, a, b))
        texts = [text[paragraphs[p][a].start:paragraphs[p][b - 1].end] for p, a, b in jobs]
        results = self._subwords(texts)
        tags = [["O"] * len(toks) for toks in paragraphs]
        for (p, a, b), (offsets, labels) in zip(jobs, results):
            base = paragraphs[p][a].start
            shifted = [(s + base, e + base) if e > s else (0, 0) for s, e in offsets]
            tags[p][a:b] = align_subwords(paragraphs[p][a:b], shifted, labels)
        return tags

    def _khabar_type(self, label: str, words: list[str]) -> str | None:
        t = self.label_map.entity_type(label, words)
        if t is None:
            return None
        if self.scheme == "coarse" and self.label_map.scheme == "fine":
            return FINE_TO_COARSE.get(t)
        return t

    def predict(self, documents: list[Document]) -> list[Prediction]:
        self._load()
        out = []
        for d in documents:
            paras = [toks for toks in sentences(d.text) if toks]
            tags = self.tag_paragraphs(d.text, paras) if paras else []
            ents = []
            for toks, ptags in zip(paras, tags):
                for span, label in word_spans(d.text, toks, ptags):
                    words = [t.text for t in toks if span.start <= t.start and t.end <= span.end]
                    t = self._khabar_type(label, words)
                    if t is not None:
                        ents.append(PredEntity(span, t))
            out.append(Prediction(id=d.id, entities=ents))
        return out
