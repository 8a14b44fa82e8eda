"""Quote attribution scoring: content detection, cue, speaker, end-to-end attribution and type.

Lines (all micro over quotes):

    content_exact      content span identical                                      (F1)
    content_overlap    content token Dice >= threshold, one-to-one                 (F1)
    cue                cue token Dice >= threshold, one-to-one                      (F1)
    speaker            on content_overlap pairs: the predicted source's best-matching
                       mention (named or nominal) is one of the gold speaker's     (accuracy)
    attribution        content_overlap pair with the speaker right: correct; with
                       the speaker wrong: incorrect (counts against P and R)       (F1, headline)
    attribution_exact  the same over content_exact pairs                           (F1)
    type               on content_overlap pairs where a type was predicted        (accuracy)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..schema import QUOTE_TYPES
from .counts import Accumulator
from .details import Detail
from .overlap import OVERLAP_THRESHOLD, TokenIndex, exact, one_to_one
from .prf import CATEGORIES, COR, INC, MIS, SPU

if TYPE_CHECKING:  # the registry (`tasks`) imports this module for `khabar score --conll` too, cold
    from ..model import Document, PredQuote, Quote, Span

METRICS: tuple[str, ...] = ("content_exact", "content_overlap", "cue", "speaker", "attribution",
                            "attribution_exact", "type")
ACCURACY: frozenset[str] = frozenset({"speaker", "type"})


def speaker_right(doc: Document, tokens: TokenIndex, gold: Quote, source: Span | None,
                  threshold: float = OVERLAP_THRESHOLD) -> bool:
    """Whether a predicted source span names the gold speaker.

    The source is resolved to the mention (named or nominal, any cluster) it matches best: by
    token Dice, where a source lying wholly inside a mention scores at least `threshold` (the
    head `للحكومة` of `للحكومة التي تتخذ من طرابلس مقراً لها` names that government). It names the
    speaker when that best match reaches `threshold` and is a mention of the speaker's cluster
    (ties count for the speaker). So `مجموعة السبع` does not name "the G7 foreign ministers"
    (وزراء خارجية مجموعة السبع), and `طرابلس` does not name the Tripoli-based government: each is
    an exact mention of another entity.
    """
    if source is None:
        return False

    def match(span: Span) -> float:
        d = tokens.dice(span, source)  # a source inside `span` shares a token with it, so d > 0 then
        return threshold if 0 < d < threshold and tokens.inside(source, span) else d  # = max(d, threshold) if inside

    best, best_is_speaker = 0.0, False
    for m in doc.mentions:
        d = match(m.span)
        mine = m.entity == gold.speaker
        if d > best or (d == best and mine):
            best, best_is_speaker = d, mine
    d = match(gold.source)
    if d >= best:
        best, best_is_speaker = d, True
    return best >= threshold and best_is_speaker


def _sd(s: Span | None) -> dict | None:
    return s.to_dict() if s is not None else None


def _gold_dict(q: Quote) -> dict:
    return {"id": q.id, **q.content.to_dict(), "cue": _sd(q.cue), "content": _sd(q.content),
            "source": _sd(q.source), "speaker": q.speaker, "type": q.type}


def _pred_dict(q: PredQuote) -> dict:
    return {**q.content.to_dict(), "cue": _sd(q.cue), "content": _sd(q.content), "source": _sd(q.source),
            "type": q.type}


def duplicate_key(q: PredQuote) -> tuple[int, ...]:
    """What makes two predicted quotes the same record: content and cue. One record per cue, so
    two cues reporting the same content (a paper citing a source: ذكرت ... نقلا عن ...) are two."""
    return q.content.key + (q.cue.key if q.cue is not None else ())


def _key(q: PredQuote):
    def k(s):
        return (s.start, s.end) if s is not None else (-1, -1)
    return (k(q.content), k(q.cue), k(q.source), q.type or "")


def tally_document(acc: Accumulator, doc: Document, preds: Sequence[PredQuote], unit_of,
                   details: list[Detail] | None = None, threshold: float = OVERLAP_THRESHOLD) -> None:
    """Add one document's quote counts for every line."""
    tokens = TokenIndex(doc.text)
    # gold and predictions in the same order (content, then cue), so identical contents pair by cue
    gold = sorted(doc.quotes, key=lambda q: (q.content.start, q.content.end, q.cue.start, q.cue.end, q.id))
    pred = sorted(preds, key=_key)
    for m in METRICS:
        acc.key(("quotes", "all", m, "micro"))

    def emit(metric, cat, gi, pi, outcome=None):
        g = gold[gi] if gi is not None else None
        p = pred[pi] if pi is not None else None
        anchor = g.content.start if g is not None else p.content.start
        unit = unit_of(anchor)
        acc.add(unit, ("quotes", "all", metric, "micro"), cat)
        if details is not None:
            name = outcome or {COR: "TP", SPU: "FP", MIS: "FN", INC: "wrong"}[cat]
            details.append(Detail(doc.id, "quotes", "all", metric, name, CATEGORIES[cat],
                                  _gold_dict(g) if g else None, _pred_dict(p) if p else None, unit))

    def detection(metric, pairs, n_gold, n_pred, judge=None, wrong="wrong"):
        gp = dict(pairs)
        matched_p = set(gp.values())
        for gi in range(n_gold):
            if gi in gp:
                ok = judge(gi, gp[gi]) if judge else True
                emit(metric, COR if ok else INC, gi, gp[gi], None if ok else wrong)
            else:
                emit(metric, MIS, gi, None)
        for pi in range(n_pred):
            if pi not in matched_p:
                emit(metric, SPU, None, pi)

    contents_g = [q.content for q in gold]
    contents_p = [q.content for q in pred]
    exact_pairs = one_to_one(contents_g, contents_p, exact, 1.0)
    overlap_pairs = one_to_one(contents_g, contents_p, tokens.dice, threshold)

    def spk(gi, pi):
        return speaker_right(doc, tokens, gold[gi], pred[pi].source, threshold)

    detection("content_exact", exact_pairs, len(gold), len(pred))
    detection("content_overlap", overlap_pairs, len(gold), len(pred))
    detection("attribution", overlap_pairs, len(gold), len(pred), spk, "wrong_speaker")
    detection("attribution_exact", exact_pairs, len(gold), len(pred), spk, "wrong_speaker")

    # cue detection: independent of content, over predictions that give a cue
    cue_idx = [i for i, q in enumerate(pred) if q.cue is not None]
    cue_pairs = one_to_one([q.cue for q in gold], [pred[i].cue for i in cue_idx], tokens.dice, threshold)
    got = {gi: cue_idx[k] for gi, k in cue_pairs}
    for gi in range(len(gold)):
        emit("cue", COR, gi, got[gi]) if gi in got else emit("cue", MIS, gi, None)
    for i in cue_idx:
        if i not in set(got.values()):
            emit("cue", SPU, None, i)

    for gi, pi in overlap_pairs:
        ok = spk(gi, pi)
        emit("speaker", COR if ok else INC, gi, pi, "TP" if ok else "wrong_speaker")
        if pred[pi].type is not None:
            ok = pred[pi].type == gold[gi].type
            emit("type", COR if ok else INC, gi, pi, "TP" if ok else "wrong_type")


def read_quote(item, text: str, where: str, label_map=None) -> PredQuote:
    """One predicted quote `{cue, content, source, type}` of `text`, checked (content required)."""
    from ..fields import one_of, optional_span, record, required, span as check_span
    from ..model import PredQuote

    content = check_span(required(record(item, where, ("cue", "content", "source", "type")), "content", where), text,
                         f"{where}.content")
    cue = optional_span(item, "cue", text, where)
    source = optional_span(item, "source", text, where)
    qtype = one_of(item.get("type"), QUOTE_TYPES, f"{where}.type", "quote type")
    return PredQuote(cue, content, source, qtype)
