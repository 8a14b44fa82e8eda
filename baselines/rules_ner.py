"""Rule-based NER: CLDR gazetteers, nationality adjectives, and general name patterns.

Candidates, longest first, never overlapping (khabar annotates the outermost name only):
- organisation and facility names: a head noun (منظمة، وزارة، الجيش، مطار ...) and what
  qualifies it: a genitive after an indefinite head (وزارة الصحة), adjectives (الوطني، العليا,
  nisba adjectives), place names and nationalities, numerals (مجموعة العشرين), one لـ genitive
  (للأنباء، لكرة القدم) and a coordinated genitive (للعدالة والتحرير);
- gazetteer names (CLDR territories, regions, exemplar cities; CLDR's الأمم المتحدة and
  الاتحاد الأوروبي) and nisba adjectives derived from them, with attached clitics; a name that
  is both a country and a nationality (السعودية) is the adjective after a definite noun;
- places after a generic head that stays outside (مدينة X، ولاية X، إقليم X), natural features
  with their head inside (نهر X، حوض X، البحر الأحمر), newspapers after صحيفة, acronyms in
  brackets or quotation marks after an organisation name;
- person names (`rules_persons`): after a title, in apposition to a role, after a role and
  its description, as the subject of a speech verb;
- every other occurrence in the document of a name found by a pattern (a person's family
  name alone too).
Nothing is annotated inside the name of an event or competition (دوري أبطال X) or after a
currency word (ريال X). All lists and their provenance are in `khabar.baselines.gazetteers`.
"""

from __future__ import annotations

from khabar.model import Span
from khabar.normalize import normalize
from khabar.numerals import find_numbers
from khabar.tokens import paragraph_of_tokens, tokenize

from . import gazetteers as gz
from .rules_persons import person_candidates
from .rules_text import (Candidate, GazHit, NameKey, NerMention, Text, definite, name_key, nisba_shaped,
                         occurrences)


def is_adjective(t: Text, i: int) -> bool:
    """Whether token i is a definite adjective that can continue a name."""
    n = t.norm(i)
    if not t.word(i) or n in gz.STOPWORDS or gz.in_vocabulary(n, gz.TIME_WORDS) or i in t.numeral:
        return False
    if any(r in gz.NOT_NAME_ADJECTIVES for r in gz.clitic_readings(n)):
        return False
    return any(r in gz.NAME_ADJECTIVES for r in gz.clitic_readings(n)) or nisba_shaped(n)


def _adjectival_position(t: Text, i: int) -> bool:
    """Token i follows a definite noun on the same run of words (الشركة السعودية)."""
    return i > 0 and t.word(i - 1) and t.linked(i - 1, i) and definite(t.norm(i - 1)) \
        and t.norm(i - 1) not in gz.STOPWORDS and t.gaz[i - 1] is None


def _lookup(t: Text, norms: list[str], i: int, reading: str) -> GazHit | None:
    """The longest gazetteer name whose first token is `reading` and that continues at i+1."""
    for e in gz.index().get(reading, ()):
        n = len(e.tokens)
        if i + n <= len(norms) and all(norms[i + k] == e.tokens[k] for k in range(1, n)) \
                and t.linked(i, i + n - 1):
            return GazHit(i + n - 1, e.type, e.source)
    return None


def _gazetteer_at(t: Text, norms: list[str], i: int) -> GazHit | None:
    """The gazetteer name starting at token i; a country name that is also a nationality
    adjective (السعودية) is the adjective after a definite noun."""
    hits = [h for r in gz.clitic_readings(norms[i]) if (h := _lookup(t, norms, i, r))]
    art = gz.without_article(norms[i])
    adj = _lookup(t, norms, i, art) if art else None
    if adj is None and art and art in gz.group_adjectives():
        adj = GazHit(i, "NORP", "group adjective")
    if adj is not None and adj.type == "NORP" and (not hits or _adjectival_position(t, i)):
        return adj
    return max(hits, key=lambda h: h.last) if hits else adj


def analyse(text: str) -> Text:
    """Tokenize `text` once and find its gazetteer names and numerals, for all the rules to share."""
    toks = tokenize(text)
    norms = [normalize(tok.text) for tok in toks]
    line = paragraph_of_tokens(text, toks)
    numeral = {}
    starts = {tok.start: k for k, tok in enumerate(toks)}
    for m in find_numbers(text):
        k = starts.get(m.start)
        while k is not None and k < len(toks) and toks[k].end <= m.end:
            numeral[k] = m.end
            k += 1
    t = Text(text, toks, norms, line, [None] * len(toks), numeral)
    for i in range(len(toks)):
        if t.word(i) and i not in numeral:
            t.gaz[i] = _gazetteer_at(t, norms, i)
    return t


def _gazetteer_candidates(t: Text) -> list[Candidate]:
    """One candidate per gazetteer hit."""
    return [(i, g.last, g.type, "gazetteer") for i, g in enumerate(t.gaz) if g]


def _lil_genitive(t: Text, j: int) -> int | None:
    """The last token of a لـ genitive at token j (للأنباء، لكرة القدم، لصغار الفلاحين), or None."""
    n = t.norm(j)
    if not n.startswith("ل") or n in gz.STOPWORDS or len(n) < 4 or j in t.numeral:
        return None
    if t.norm(j + 1) in gz.PRONOUN_PREPOSITIONS:
        return None  # للمصادقة عليها: a verbal noun with its own complement
    if n.startswith("لل") and not any(r in gz.RELATIVE_AND_DEMONSTRATIVE for r in gz.clitic_readings(n)):
        return j
    if not definite(n) and t.word(j + 1) and t.linked(j, j + 1) and definite(t.norm(j + 1)) \
            and t.norm(j + 1) not in gz.STOPWORDS:
        return j + 1
    return None


def _genitive(t: Text, j: int) -> int | None:
    """The last token of the genitive right after an indefinite head (وزارة الصحة، تحالف دولة
    المواطنة، شبكة X الإعلامية), or None."""
    n = t.norm(j)
    if n in gz.STOPWORDS or gz.in_vocabulary(n, gz.TIME_WORDS) or j in t.numeral:
        return None
    if definite(n):
        return None if n.startswith(("لل", "بال", "وال", "فال")) else j
    nxt = t.norm(j + 1)
    if not (t.word(j + 1) and t.linked(j, j + 1)) or n.startswith("و"):
        return None
    if is_adjective(t, j + 1):
        return j
    if definite(nxt) and not nxt.startswith(("لل", "وال")) and nxt not in gz.STOPWORDS:
        return j + 1
    return None


def _qualifier_step(t: Text, j: int, state: dict) -> int | None:
    """The last token of the next qualifier of a name at token j, or None when the name ends;
    `state` records what came before (kind of the last qualifier, whether a لـ genitive was used).
    Right after an indefinite head the word is its genitive (وزارة التربية), never an adjective."""
    g = t.hit(j, "GPE", "LOC", "NORP", "ORG")
    if g:
        state["kind"], state["gazetteer"] = "gazetteer", True
        return g.last
    if state["kind"] == "head" and not state["definite"]:
        if j in t.numeral and definite(t.norm(j)):
            state["kind"] = "numeral"
            return max(k for k in t.numeral if t.numeral[k] == t.numeral[j])
        state["kind"] = "genitive"
        return _genitive(t, j)
    if is_adjective(t, j):
        state["kind"] = "adjective"
        return j
    if state["kind"] != "head" and not state["lil"] and (end := _lil_genitive(t, j)) is not None:
        state["lil"], state["kind"] = True, "genitive"
        return end
    n = t.norm(j)
    if n.startswith("وال") and state["kind"] == "genitive" and len(n) > 4 and not _head_type(n):
        state["kind"] = "coordinated"  # وزارة التربية والتعليم; والاتحاد opens a name of its own
        return j
    return None


def _head_end(t: Text, i: int, definite_head: bool) -> tuple[int, bool]:
    """The last token of the name opened by the head noun at token i (the qualifiers after it),
    and whether a gazetteer name is among them."""
    state = {"definite": definite_head, "lil": False, "kind": "head", "gazetteer": False}
    last, j = i, i + 1
    while t.word(j) and t.linked(last, j) and j - i <= 7:
        end = _qualifier_step(t, j, state)
        if end is None:
            break
        last, j = end, end + 1
    return last, state["gazetteer"]


def _head_type(norm: str) -> tuple[str, bool, bool] | None:
    """(type, definite, weak) of a head noun token (with clitics), or None."""
    for r in gz.clitic_readings(norm):
        if r in gz.ORG_HEADS or r in gz.FAC_HEADS:
            typ = "ORG" if r in gz.ORG_HEADS else "FAC"
            return typ, r.startswith("ال"), r in gz.WEAK_ORG_HEADS
    return None


def _head_candidates(t: Text) -> list[Candidate]:
    """Organisation and facility names: a head noun (with clitics) and at least one qualifier;
    a weak head (الجيش، الحكومة) only with a place or nationality among them."""
    cands = []
    for i, n in enumerate(t.norms):
        head = _head_type(n) if t.word(i) else None
        if head is None:
            continue
        typ, definite_head, weak = head
        last, has_place = _head_end(t, i, definite_head)
        if typ == "FAC" and last == i and t.word(i + 1) and t.linked(i, i + 1) and _name_word(t, i + 1):
            last = _head_end(t, i + 1, True)[0]
        if last > i and (has_place or not weak):
            cands.append((i, last, typ, "head"))
    return cands


def _ministry_candidates(t: Text) -> list[Candidate]:
    """A ministry named by its portfolio and a nationality (الخارجية القطرية)."""
    return [(i, t.gaz[i + 1].last, "ORG", "head") for i, n in enumerate(t.norms)
            if any(r in gz.MINISTRY_SHORT_HEADS for r in gz.clitic_readings(n))
            and t.hit(i + 1, "NORP") and t.norm(i + 1).endswith("يه") and t.linked(i, i + 1)
            and not gz.in_vocabulary(t.norm(i - 1), gz.ROLE_NOUNS)]  # وزيرة الخارجية الألمانية: a person


def _name_word(t: Text, i: int) -> bool:
    """Whether token i can be (part of) a proper name: a word that is no function word, time
    word, head noun, number or adjective."""
    n = t.norm(i)
    if not t.word(i) or i in t.numeral or n in gz.STOPWORDS or gz.in_vocabulary(n, gz.TIME_WORDS):
        return False
    if _head_type(n) or gz.in_vocabulary(n, gz.PLACE_HEADS) or gz.in_vocabulary(n, gz.MEDIA_HEADS):
        return False
    return not is_adjective(t, i) and len(gz.bare(n)) >= 2


def _place_name_end(t: Text, j: int) -> int | None:
    """The last token of a place name starting at token j, after a head at j-1 (one word, or a
    compound opened by أم، شمال ...), or None. After an indefinite head a definite word is its
    genitive, so a name even when shaped like an adjective (مدينة الزاوية)."""
    g = t.hit(j, "GPE", "LOC")
    genitive = not definite(t.norm(j - 1)) and definite(t.norm(j)) and not t.hit(j, "NORP") \
        and t.norm(j) not in gz.STOPWORDS and not gz.in_vocabulary(t.norm(j), gz.TIME_WORDS)
    if not t.word(j) or not (_name_word(t, j) or g or genitive) or t.norm(j).startswith("و") and not g:
        return None
    if not g and not definite(t.norm(j)) and t.norm(j).endswith("ه"):
        return None  # مدينة صغيرة: an adjective agreeing with the head, not a name
    if not g and definite(t.norm(j - 1)) and t.word(j + 1) and t.norm(j + 1) not in gz.STOPWORDS:
        return None  # العاصمة تشهد: after a definite head only a known name, or one that ends the phrase
    if t.norm(j) in gz.NAME_STARTERS and t.word(j + 1) and t.linked(j, j + 1) and _name_word(t, j + 1):
        return j + 1
    return g.last if g else j


def _place_candidates(t: Text) -> list[Candidate]:
    """Places after a generic head (مدينة X → X; منطقتي X وY), natural features with their head
    (نهر X، البحر الأحمر)."""
    cands = []
    for i, n in enumerate(t.norms):
        if not t.word(i + 1) or not t.linked(i, i + 1):
            continue
        place = next((r for r in gz.clitic_readings(n) if r in gz.PLACE_HEADS), None)
        if place and (i - 1) in t.numeral:
            continue  # 340 قرية: a counted noun, not a head
        if place and gz.PLACE_HEADS[place] == "LOC" and not place.endswith("تي") and definite(t.norm(i + 1)) \
                and not t.hit(i + 1, "LOC", "GPE"):
            continue  # منطقة الجزاء: a region word before a definite common noun
        if place and (end := _place_name_end(t, i + 1)) is not None:
            cands.append((i + 1, end, gz.PLACE_HEADS[place], "place"))
            if place.endswith("تي") and t.norm(end + 1).startswith("و") and t.linked(end, end + 1):
                cands.append((end + 1, end + 1, gz.PLACE_HEADS[place], "place"))
        elif gz.bare(n) in gz.NATURAL_HEADS and not definite(n) and (end := _place_name_end(t, i + 1)) is not None:
            cands.append((i, end, "LOC", "place"))
        elif n in gz.SEA_HEADS and is_adjective(t, i + 1):
            cands.append((i, i + 1, "LOC", "place"))
    return cands


def _quoted_name(t: Text, j: int) -> int | None:
    """The last token of a name of up to three words in quotation marks opening at token j."""
    if not 0 <= j < len(t.toks) or t.toks[j].text not in ('"', "«", "“"):
        return None
    for k in range(j + 1, min(j + 5, len(t.toks))):
        if t.toks[k].text in ('"', "»", "”"):
            return k - 1 if k > j + 1 else None
        if not t.word(k):
            return None
    return None


def _media_candidates(t: Text) -> list[Candidate]:
    """Newspaper names after صحيفة (outside the name): one word, or the words in quotation marks;
    and a quoted name after any organisation head (جمعية "X")."""
    cands = []
    for i, n in enumerate(t.norms):
        end = _quoted_name(t, i + 1)
        media = gz.in_vocabulary(n, gz.MEDIA_HEADS) and not is_adjective(t, i + 1)
        if not media and not (_head_type(n) and end is not None):  # منظمة "X": the quoted name
            continue
        if end is not None:
            cands.append((i + 2, end, "ORG", "media"))
        elif t.linked(i, i + 1) and _name_word(t, i + 1):
            cands.append((i + 1, i + 1, "ORG", "media"))
    return cands


def _acronym_candidates(t: Text, orgs: list[Candidate]) -> list[Candidate]:
    """A one-word acronym in brackets or quotation marks right after an organisation name:
    وكالة الأنباء X (بترا)، "واس"."""
    cands = []
    for _, last, typ, _ in orgs:
        j = last + 1
        if typ != "ORG" or j + 2 >= len(t.toks):
            continue
        opening, closing = t.toks[j].text, t.toks[j + 2].text
        if (opening, closing) in (("(", ")"), ('"', '"'), ("«", "»")) and _name_word(t, j + 1):
            cands.append((j + 1, j + 1, "ORG", "acronym"))
    return cands


def _blocked(t: Text) -> set[int]:
    """Tokens inside names of unannotated types: after an event or competition head (دوري أبطال
    X), and a nationality after a currency word (ريال X)."""
    out: set[int] = set()
    for i, n in enumerate(t.norms):
        if gz.in_vocabulary(n, gz.COMPETITION_HEADS):
            j = i + 1
            while t.word(j) and t.linked(i, j) and j - i <= 4 and t.norm(j) not in gz.STOPWORDS:
                out.add(j)
                j += 1
        elif n in gz.CURRENCY_WORDS and t.hit(i + 1, "NORP") and t.linked(i, i + 1):
            out.add(i + 1)
    return out


def _propagated(t: Text, found: list[Candidate]) -> list[Candidate]:
    """Other occurrences of names found by a pattern (places, media names and acronyms)."""
    by_name: dict[NameKey, str] = {}
    for first, last, typ, rule in found:
        if rule in ("place", "media", "acronym", "coordinated") and last - first < 3:
            by_name.setdefault(name_key(t, first, last), typ)
    return [(a, b, by_name[key], "propagated") for a, b, key in occurrences(t, set(by_name))]


def _coordinated(t: Text, mentions: list[NerMention]) -> list[Candidate]:
    """A one-word name coordinated by و with a known place name (X وطهران، طهران وX، X والدار
    البيضاء) is a place."""
    places = [m for m in mentions if m.type == "GPE"]
    firsts, lasts = {m.first for m in places}, {m.last for m in places}
    taken = {k for m in mentions for k in range(m.first, m.last + 1)}
    cands = []
    for i in range(len(t.toks) - 1):
        if not t.linked(i, i + 1) or not t.norm(i + 1).startswith("و"):
            continue
        if i in lasts and i + 1 not in taken and _name_word(t, i + 1) and len(t.norm(i + 1)) > 3 \
                and t.norm(i + 2) != "من":  # وعدد من: a quantity, not a place
            cands.append((i + 1, i + 1, "GPE", "coordinated"))
        elif i + 1 in firsts and i not in taken and _name_word(t, i) and not t.norm(i).startswith("و"):
            cands.append((i, i, "GPE", "coordinated"))
    return cands


_RULE_RANK = {"head": 0, "place": 1, "person": 2, "title": 2, "media": 3, "acronym": 3}
"""Among candidates of equal length, head-noun names win over place patterns, which win over
person patterns, which win over gazetteer and propagated names."""


def choose(t: Text, cands: list[Candidate], blocked: set[int] = frozenset()) -> list[NerMention]:
    """Non-overlapping candidates, longest first (then by rule rank and position), sorted by offset."""
    chosen: list[NerMention] = []
    used: set[int] = set(blocked)
    for first, last, typ, rule in sorted(cands, key=lambda c: (-(c[1] - c[0]), _RULE_RANK.get(c[3], 4), c[0])):
        if any(k in used for k in range(first, last + 1)):
            continue
        used.update(range(first, last + 1))
        s, e = t.toks[first].start, t.toks[last].end
        chosen.append(NerMention(first, last, Span(s, e, t.text[s:e]), typ, rule))
    return sorted(chosen, key=lambda m: m.span.start)


def find_entities(text: str) -> list[NerMention]:
    """Predicted named-entity mentions of `text`, token-aligned and non-overlapping."""
    t = analyse(text)
    blocked = _blocked(t)
    heads = _head_candidates(t) + _ministry_candidates(t)
    patterns = [*heads, *_place_candidates(t), *_media_candidates(t)]
    patterns += _acronym_candidates(t, heads + _media_candidates(t))
    first_pass = choose(t, [*patterns, *_gazetteer_candidates(t)], blocked)
    persons = person_candidates(t, first_pass)
    found = [(m.first, m.last, m.type, m.rule) for m in first_pass]
    cands = [*patterns, *_gazetteer_candidates(t), *persons, *_propagated(t, found)]
    for _ in range(2):
        extra = _coordinated(t, choose(t, cands, blocked))
        cands += extra + _propagated(t, extra)
    return choose(t, cands, blocked)
