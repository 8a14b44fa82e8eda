"""Rule-based quote attribution: a lexicon of Arabic speech cues and clause heuristics.

- Cue: a verb of saying, stating, telling or calling for (قال، أكد، ذكر، أبلغ، دعا، أعلن ...)
  in its common past and present inflections, with attached و/ف; or an 'according to'
  construction (وفقًا لـ، بحسب، نقلًا عن ...). Passives such as يشار / يذكر are not cues.
- Content: the clause after the complementiser (أن / إن / إنّ, and إلى after a verb of
  calling), up to the next clause boundary (a comma or sentence end outside quotation marks).
  For 'according to', the clause it scopes over: the one after it when it opens its clause,
  else the one before it.
- Source: a named mention (from the rules NER) between the cue and the content (Arabic
  verb-subject order), else the words there, else the nearest named mention before the cue
  in the same paragraph (an implicit subject).
- Type: direct when the content is one quotation, mixed when it contains one, else indirect.
The cue lexicon is general Arabic vocabulary written for khabar, not read off the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

from khabar.model import Span
from khabar.normalize import normalize
from khabar.tokens import Token, is_punct, tokenize

from . import gazetteers as gz
from .rules_ner import NerMention

# verb of saying: inflected forms (past 3rd person m/f/pl, present 3rd person m/f/pl)
SAY_VERBS = [
    "قال قالت قالوا يقول تقول يقولون",
    "أكد أكدت أكدوا يؤكد تؤكد يؤكدون",
    "ذكر ذكرت ذكروا تذكر",
    "أبلغ أبلغت أبلغوا يبلغ تبلغ",
    "أعلن أعلنت أعلنوا يعلن تعلن يعلنون",
    "أوضح أوضحت أوضحوا يوضح توضح",
    "صرح صرحت صرحوا يصرح تصرح",
    "أشار أشارت أشاروا يشير تشير",
    "أضاف أضافت أضافوا يضيف تضيف",
    "أفاد أفادت أفادوا يفيد تفيد",
    "شدد شددت شددوا يشدد تشدد",
    "حذرت حذروا يحذر تحذر",
    "اعتبر اعتبرت اعتبروا يعتبر تعتبر",
    "نفى نفت نفوا ينفي تنفي",
    "أعرب أعربت أعربوا يعرب تعرب",
    "كشف كشفت كشفوا يكشف تكشف",
    "زعم زعمت زعموا يزعم تزعم",
    "أخبر أخبرت أخبروا يخبر تخبر",
]
CALL_VERBS = [
    "دعا دعت دعوا يدعو تدعو يدعون",
    "طالبت طالبوا يطالب تطالب يطالبون",
    "حث حثت حثوا يحث تحث",
    "ناشد ناشدت ناشدوا يناشد تناشد",
]
ACCORDING_TO = ["وفقا", "وفقًا", "وفقاً", "بحسب", "حسب", "طبقا", "طبقًا", "نقلا", "نقلًا", "نقلاً", "استنادا"]

COMPLEMENTISERS = {normalize(w) for w in ("أن", "إن", "إنّ", "ان", "أنه", "إنه", "انه", "أنها", "إنها", "بأن", "بان",
                                          "بأنه", "بأنها", "أنهم", "إنهم")}
TO = {normalize(w) for w in ("إلى", "الى")}
BOUNDARY = {".", "!", "?", "؟", "؛", ";", ":", "،", ","}
SENTENCE_END = {".", "!", "?", "؟", "؛", ";"}
OPEN_QUOTES = {"«", "“", "„"}
CLOSE_QUOTES = {"»", "”"}
SPEAKER_TYPES = {"PER", "ORG", "GPE"}


def _forms(groups: list[str]) -> dict[str, str]:
    out = {}
    for g in groups:
        for w in g.split():
            n = normalize(w)
            for p in ("", "و", "ف"):
                out[p + n] = w
    return out


_SAY = _forms(SAY_VERBS)
_CALL = _forms(CALL_VERBS)
_ACCORDING = {p + normalize(w) for w in ACCORDING_TO for p in ("", "و", "ف")}


@dataclass(frozen=True)
class QuoteGuess:
    cue: Span
    content: Span
    source: Span | None
    type: str
    speaker: NerMention | None = None


def _span(text: str, toks: list[Token], a: int, b: int) -> Span:
    return Span(toks[a].start, toks[b].end, text[toks[a].start:toks[b].end])


def _paragraph_of(toks: list[Token], text: str) -> list[int]:
    out, p = [], 0
    for k, t in enumerate(toks):
        if k and "\n" in text[toks[k - 1].end:t.start]:
            p += 1
        out.append(p)
    return out


def _clause_end(toks: list[Token], para: list[int], start: int) -> int:
    """The last token of the clause that begins at `start`: before the first boundary
    punctuation outside quotation marks (an unclosed mark ends where its clause ends)."""
    k = start
    in_quote = False
    quote_open_at = None
    last = start - 1
    while k < len(toks) and para[k] == para[start]:
        t = toks[k].text
        if t in OPEN_QUOTES or (t == '"' and not in_quote):
            in_quote, quote_open_at = True, k
        elif t in CLOSE_QUOTES or (t == '"' and in_quote):
            in_quote = False
        elif t in BOUNDARY and not in_quote:
            break
        last = k
        k += 1
    if in_quote and quote_open_at is not None:
        # unclosed quotation: the clause ends at the first boundary after the mark
        k = quote_open_at + 1
        while k < len(toks) and para[k] == para[start] and toks[k].text not in BOUNDARY:
            k += 1
        last = k - 1
    return last


def _clause_start_before(toks: list[Token], para: list[int], end: int) -> int:
    k = end
    while k - 1 >= 0 and para[k - 1] == para[end] and toks[k - 1].text not in BOUNDARY:
        k -= 1
    return k


def _trim(toks: list[Token], a: int, b: int) -> tuple[int, int]:
    """Drop leading/trailing punctuation (quotation marks stay) and a leading و."""
    while a <= b and is_punct(toks[a].text) and toks[a].text not in OPEN_QUOTES | CLOSE_QUOTES | {'"'}:
        a += 1
    while a <= b and toks[a].text == "و":
        a += 1
    while b >= a and is_punct(toks[b].text) and toks[b].text not in OPEN_QUOTES | CLOSE_QUOTES | {'"'}:
        b -= 1
    return a, b


def _type_of(content: str) -> str:
    marks = [c for c in content if c in '"«»“”„']
    if not marks:
        return "indirect"
    c = content.strip()
    if c[:1] in '"«“„' and c[-1:] in '"»”' and len(marks) == 2:
        return "direct"
    return "mixed"


def _mention_at(ner: list[NerMention], tok_index: int) -> NerMention | None:
    for m in ner:
        if m.first <= tok_index <= m.last:
            return m
    return None


def find_quotes(text: str, ner: list[NerMention]) -> list[QuoteGuess]:
    """Quote guesses for `text`, using the named mentions `ner` for sources."""
    toks = tokenize(text)
    norms = [normalize(t.text) for t in toks]
    para = _paragraph_of(toks, text)
    out: list[QuoteGuess] = []
    for i, n in enumerate(norms):
        is_say, is_call, is_acc = n in _SAY, n in _CALL, n in _ACCORDING
        if not (is_say or is_call or is_acc):
            continue
        if is_acc:
            q = _according_to(text, toks, norms, para, ner, i)
        else:
            q = _verb_quote(text, toks, norms, para, ner, i, call=is_call)
        if q is not None:
            out.append(q)
    return out


def _source_between(text, toks, norms, ner, a: int, b: int) -> tuple[Span | None, NerMention | None]:
    """The speaker named between tokens a..b (inclusive): a named mention, else the words."""
    for m in ner:
        if a <= m.first and m.last <= b and m.type in SPEAKER_TYPES:
            return m.span, m
    k = a
    while k <= b and any(r in gz.TITLES for r in gz.clitic_readings(norms[k])):
        k += 1
    j = k
    while j <= b and j - k < 3 and not is_punct(toks[j].text) and norms[j] not in gz.TIME_WORDS \
            and norms[j] not in gz.STOPWORDS and not (j > k and norms[j][:1] == "ل"):
        j += 1
    if j > k:
        return _span(text, toks, k, j - 1), None
    return None, None


def _nearest_before(ner: list[NerMention], para: list[int], i: int) -> NerMention | None:
    best = None
    for m in ner:
        if m.last < i and para[m.first] == para[i] and m.type in SPEAKER_TYPES:
            best = m
    return best


def _verb_quote(text, toks, norms, para, ner, i: int, call: bool) -> QuoteGuess | None:
    # find the complementiser (or إلى after a verb of calling) within the clause
    k = i + 1
    comp = None
    while k < len(toks) and para[k] == para[i] and k - i <= 12:
        if toks[k].text in SENTENCE_END:
            break
        if call and norms[k] in TO:
            comp = k
            break
        if not call and norms[k] in COMPLEMENTISERS:
            comp = k
            break
        if not call and toks[k].text == ":":
            comp = k
            break
        if toks[k].text in {"،", ","} and not call:
            break
        if norms[k] in _SAY or norms[k] in _CALL:
            break
        k += 1
    if comp is None:
        return None
    c0 = comp + 1
    if c0 >= len(toks) or para[c0] != para[i]:
        return None
    c1 = _clause_end(toks, para, c0)
    c0, c1 = _trim(toks, c0, c1)
    if c1 < c0:
        return None
    src, speaker = (None, None)
    if comp > i + 1:
        first_between = norms[i + 1]
        if first_between[:1] != "ل" or _mention_at(ner, i + 1) is not None:
            src, speaker = _source_between(text, toks, norms, ner, i + 1, comp - 1)
    if src is None:
        speaker = _nearest_before(ner, para, i)
        src = speaker.span if speaker else None
    content = _span(text, toks, c0, c1)
    return QuoteGuess(_span(text, toks, i, i), content, src, _type_of(content.text), speaker)


def _according_to(text, toks, norms, para, ner, i: int) -> QuoteGuess | None:
    # the source is right after the cue: لـ X / X / عن X
    j = i + 1
    if j < len(toks) and norms[j] == normalize("عن"):
        j += 1
    if j >= len(toks) or para[j] != para[i]:
        return None
    m = _mention_at(ner, j)
    if m is not None and m.first == j:
        src, speaker, src_last = m.span, m, m.last
    else:
        k = j
        while k < len(toks) and para[k] == para[i] and not is_punct(toks[k].text) and k - j < 3 \
                and norms[k] not in gz.STOPWORDS:
            k += 1
        if k == j:
            return None
        src, speaker, src_last = _span(text, toks, j, k - 1), None, k - 1
    # does the construction open its clause?
    p = i - 1
    while p >= 0 and para[p] == para[i] and toks[p].text == "و":
        p -= 1
    opens = p < 0 or para[p] != para[i] or toks[p].text in BOUNDARY
    if opens:
        c0 = src_last + 1
        while c0 < len(toks) and para[c0] == para[i] and toks[c0].text in {"،", ","}:
            c0 += 1
        if c0 >= len(toks) or para[c0] != para[i]:
            return None
        c1 = _clause_end(toks, para, c0)
    else:
        c1 = p
        c0 = _clause_start_before(toks, para, c1)
    c0, c1 = _trim(toks, c0, c1)
    if c1 < c0:
        return None
    content = _span(text, toks, c0, c1)
    return QuoteGuess(_span(text, toks, i, i), content, src, _type_of(content.text), speaker)
