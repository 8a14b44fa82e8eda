"""Rule-based NER: CLDR gazetteers, nationality adjectives, and general name patterns.

Candidates, longest first, never overlapping (khabar annotates the outermost name only):
- organisation and facility names: a head noun (منظمة، وزارة، الجيش، مطار ...) followed by the
  definite adjectives, place names or numerals that qualify it (الجيش الوطني السوداني، مجموعة العشرين،
  مطار القاهرة الدولي);
- gazetteer names (CLDR territories, regions, exemplar cities; CLDR's الأمم المتحدة and
  الاتحاد الأوروبي) and nisba adjectives derived from them, with attached clitics;
- a person's name after a title (السيد، الجنرال ...; the title stays outside the span), and
  every later occurrence of a name found that way in the same document.
All lists and their provenance are in `khabar.baselines.gazetteers`.
"""

from __future__ import annotations

from dataclasses import dataclass

from khabar.model import Span
from khabar.normalize import normalize
from khabar.numerals import find_numbers
from khabar.tokens import Token, is_punct, tokenize

from . import gazetteers as gz


@dataclass(frozen=True)
class NerMention:
    """A predicted name: token range [first, last], span and type."""

    first: int
    last: int
    span: Span
    type: str
    rule: str


def _is_word(tok: Token) -> bool:
    return not is_punct(tok.text) and any(c.isalpha() for c in tok.text)


def _gazetteer_at(norms: list[str], toks: list[Token], text: str, i: int) -> tuple[int, str, str] | None:
    """The longest gazetteer name starting at token i: (last token, type, source)."""
    idx = gz.index()
    firsts = gz.clitic_readings(norms[i])
    art = gz.without_article(norms[i])
    if art:
        firsts = firsts + [art]
    best = None
    for f in firsts:
        for e in idx.get(f, ()):
            n = len(e.tokens)
            if i + n > len(norms):
                continue
            if all(norms[i + k] == e.tokens[k] for k in range(1, n)) and _same_line(toks, i, i + n - 1, text):
                if best is None or i + n - 1 > best[0]:
                    best = (i + n - 1, e.type, e.source)
                break
    return best


def _same_line(toks: list[Token], a: int, b: int, text: str) -> bool:
    """Tokens a..b are one run of words: single spaces, no line break between them."""
    return all(toks[k + 1].start - toks[k].end < 3 and "\n" not in text[toks[k].end:toks[k + 1].start]
               for k in range(a, b))


def _qualifier_ok(norm: str, gazetteer_hit: bool) -> bool:
    """Whether a token can continue an organisation/facility name."""
    if norm in gz.STOPWORDS or norm in gz.TIME_WORDS or norm in gz.RELATIVE_AND_DEMONSTRATIVE:
        return False
    if gazetteer_hit:
        return True
    return norm in gz.NAME_ADJECTIVES


def find_entities(text: str) -> list[NerMention]:
    """Predicted named-entity mentions of `text`, token-aligned and non-overlapping."""
    toks = tokenize(text)
    norms = [normalize(t.text) for t in toks]
    numbers = {(m.start, m.end) for m in find_numbers(text)}
    num_start = {}
    for s, e in numbers:
        num_start[s] = e
    cands: list[tuple[int, int, str, str]] = []  # first, last, type, rule

    gaz = [(_gazetteer_at(norms, toks, text, i) if _is_word(toks[i]) else None) for i in range(len(toks))]
    for i, g in enumerate(gaz):
        if g:
            cands.append((i, g[0], g[1], g[2]))

    heads = {h: "ORG" for h in gz.ORG_HEADS} | {h: "FAC" for h in gz.FAC_HEADS}
    for i, n in enumerate(norms):
        typ = None
        for r in gz.clitic_readings(n):
            if r in heads:
                typ = heads[r]
                break
        if typ is None:
            continue
        j = i + 1
        last = i
        while j < len(toks) and j - i <= 4 and _same_line(toks, last, j, text) and _is_word(toks[j]):
            if gaz[j] and gaz[j][1] in ("GPE", "LOC", "NORP", "ORG"):
                last = j = gaz[j][0]
                j += 1
                continue
            if toks[j].start in num_start and norms[j].startswith("ال"):  # مجموعة السبع / العشرين
                end = num_start[toks[j].start]
                while j < len(toks) and toks[j].end <= end:
                    j += 1
                last = j - 1
                continue
            if norms[j][:2] == "ال" and _qualifier_ok(norms[j], False):
                last = j
                j += 1
                continue
            if typ == "FAC" and j == i + 1 and _qualifier_ok(norms[j], bool(gaz[j])) and not norms[j].startswith("ال"):
                last = j
                j += 1
                continue
            break
        if last > i:
            cands.append((i, last, typ, "head"))

    # a person's name after a title
    titled: set[str] = set()
    for i, n in enumerate(norms):
        if not any(r in gz.TITLES for r in gz.clitic_readings(n)):
            continue
        j = i + 1
        while j < len(toks) and gaz[j] and gaz[j][1] == "NORP":  # الرئيس الروسي فلاديمير
            j = gaz[j][0] + 1
        if j >= len(toks) or not _is_word(toks[j]) or not _same_line(toks, i, j, text):
            continue
        name = norms[j]
        if name in gz.STOPWORDS or name in gz.TIME_WORDS or name.startswith("ال") or gaz[j] \
                or any(r in gz.TITLES for r in gz.clitic_readings(name)) or toks[j].start in num_start:
            continue
        cands.append((j, j, "PER", "title"))
        titled.add(name)
    # later (or earlier) mentions of a name first seen after a title
    for i, n in enumerate(norms):
        if not _is_word(toks[i]):
            continue
        for r in gz.clitic_readings(n):
            if r in titled:
                cands.append((i, i, "PER", "propagated"))
                break

    chosen: list[NerMention] = []
    used: set[int] = set()
    rank = {"head": 0, "title": 1}
    for first, last, typ, rule in sorted(cands, key=lambda c: (-(c[1] - c[0]), rank.get(c[3], 2), c[0])):
        if any(k in used for k in range(first, last + 1)):
            continue
        used.update(range(first, last + 1))
        s, e = toks[first].start, toks[last].end
        chosen.append(NerMention(first, last, Span(s, e, text[s:e]), typ, rule))
    return sorted(chosen, key=lambda m: m.span.start)
