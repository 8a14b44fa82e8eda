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


@dataclass(frozen=True)
class _Text:
    """What every rule looks at: the text, its tokens, their normalized forms, the gazetteer hit starting
    at each token, and the end offset of each numeral by its start offset."""

    text: str
    toks: list[Token]
    norms: list[str]
    gaz: list[tuple[int, str, str] | None]
    num_start: dict[int, int]


def _analyse(text: str) -> _Text:
    """Tokenize `text` once and find its gazetteer names and numerals, for all the rules to share."""
    toks = tokenize(text)
    norms = [normalize(t.text) for t in toks]
    numbers = {(m.start, m.end) for m in find_numbers(text)}
    num_start = {}
    for s, e in numbers:
        num_start[s] = e
    gaz = [(_gazetteer_at(norms, toks, text, i) if _is_word(toks[i]) else None) for i in range(len(toks))]
    return _Text(text, toks, norms, gaz, num_start)


def _gazetteer_candidates(t: _Text) -> list[tuple[int, int, str, str]]:
    """One candidate per gazetteer hit: (first, last, type, source)."""
    return [(i, g[0], g[1], g[2]) for i, g in enumerate(t.gaz) if g]


def _head_end(t: _Text, i: int, typ: str) -> int:
    """The last token of the name opened by the head noun at token i: the qualifiers that follow it."""
    toks, norms, gaz = t.toks, t.norms, t.gaz
    j = i + 1
    last = i
    while j < len(toks) and j - i <= 4 and _same_line(toks, last, j, t.text) and _is_word(toks[j]):
        if gaz[j] and gaz[j][1] in ("GPE", "LOC", "NORP", "ORG"):
            last = j = gaz[j][0]
            j += 1
            continue
        if toks[j].start in t.num_start and norms[j].startswith("ال"):  # مجموعة السبع / العشرين
            end = t.num_start[toks[j].start]
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
    return last


def _head_candidates(t: _Text) -> list[tuple[int, int, str, str]]:
    """Organisation and facility names: a head noun (with clitics) and at least one qualifier after it."""
    heads = {h: "ORG" for h in gz.ORG_HEADS} | {h: "FAC" for h in gz.FAC_HEADS}
    cands = []
    for i, n in enumerate(t.norms):
        typ = next((heads[r] for r in gz.clitic_readings(n) if r in heads), None)
        if typ is None:
            continue
        last = _head_end(t, i, typ)
        if last > i:
            cands.append((i, last, typ, "head"))
    return cands


def _is_title(norm: str) -> bool:
    """Whether a token (with clitics) is a title such as السيد or الجنرال."""
    return any(r in gz.TITLES for r in gz.clitic_readings(norm))


def _titled_name(t: _Text, i: int) -> int | None:
    """The token of the person's name after the title at token i (past nationality adjectives), if any."""
    toks, gaz = t.toks, t.gaz
    j = i + 1
    while j < len(toks) and gaz[j] and gaz[j][1] == "NORP":  # الرئيس الروسي فلاديمير
        j = gaz[j][0] + 1
    if j >= len(toks) or not _is_word(toks[j]) or not _same_line(toks, i, j, t.text):
        return None
    name = t.norms[j]
    if name in gz.STOPWORDS or name in gz.TIME_WORDS or name.startswith("ال") or gaz[j] \
            or _is_title(name) or toks[j].start in t.num_start:
        return None
    return j


def _title_candidates(t: _Text) -> tuple[list[tuple[int, int, str, str]], set[str]]:
    """A person's name after a title, and the set of such names (to find their other occurrences)."""
    cands, titled = [], set()
    for i, n in enumerate(t.norms):
        if not _is_title(n):
            continue
        j = _titled_name(t, i)
        if j is None:
            continue
        cands.append((j, j, "PER", "title"))
        titled.add(t.norms[j])
    return cands, titled


def _propagated_candidates(t: _Text, titled: set[str]) -> list[tuple[int, int, str, str]]:
    """Every other occurrence (earlier or later, with clitics) of a name first found after a title."""
    return [(i, i, "PER", "propagated") for i, n in enumerate(t.norms)
            if _is_word(t.toks[i]) and any(r in titled for r in gz.clitic_readings(n))]


_RULE_RANK = {"head": 0, "title": 1}
"""Among candidates of equal length, head-noun names win over titled names, which win over the rest."""


def _choose(t: _Text, cands: list[tuple[int, int, str, str]]) -> list[NerMention]:
    """Non-overlapping candidates, longest first (then by rule rank and position), sorted by offset."""
    chosen: list[NerMention] = []
    used: set[int] = set()
    for first, last, typ, rule in sorted(cands, key=lambda c: (-(c[1] - c[0]), _RULE_RANK.get(c[3], 2), c[0])):
        if any(k in used for k in range(first, last + 1)):
            continue
        used.update(range(first, last + 1))
        s, e = t.toks[first].start, t.toks[last].end
        chosen.append(NerMention(first, last, Span(s, e, t.text[s:e]), typ, rule))
    return sorted(chosen, key=lambda m: m.span.start)


def find_entities(text: str) -> list[NerMention]:
    """Predicted named-entity mentions of `text`, token-aligned and non-overlapping."""
    t = _analyse(text)
    titled_cands, titled = _title_candidates(t)
    cands = [*_gazetteer_candidates(t), *_head_candidates(t), *titled_cands, *_propagated_candidates(t, titled)]
    return _choose(t, cands)
