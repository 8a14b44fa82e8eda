"""Person names for the rules NER: general Arabic patterns around titles, roles and speech verbs.

- after a title or honorific (السيد، الدكتورة، العميد): the name, title outside;
- in apposition to a described person, between commas (وقال وزير المالية، أحمد ...، إن);
- after a role noun and its description (المتحدث باسم الجمعية X Y، رئيس الوزراء العراقي X Y);
- every other occurrence of a name found so, and its family name alone (وحذّر X).

A name is one to five words: connectors (عبد، بن، أبو) take the next word, a definite word
inside it is a family name (العلوي) or part of a compound first name (فاطمة الزهراء), and a
family name with the article ends it. The word lists are in `khabar.baselines.gazetteers`.
"""

from __future__ import annotations

from . import gazetteers as gz
from .rules_text import Candidate, NerMention, Text, definite, name_key, occurrences

MAX_NAME = 5
MAX_DESCRIPTION = 7


def _is_title(t: Text, i: int) -> bool:
    """Whether token i is a title or honorific (with clitics)."""
    return any(r in gz.TITLES for r in gz.clitic_readings(t.norm(i)))


def _is_role(t: Text, i: int) -> bool:
    """Whether token i is a noun of office or occupation (with clitics and article)."""
    return t.word(i) and (gz.in_vocabulary(t.norm(i), gz.ROLE_NOUNS) or t.norm(i) in gz.DEFINITE_ROLES)


def is_cue(t: Text, i: int) -> bool:
    """Whether token i is a speech cue word."""
    return t.norm(i) in gz.cue_forms()


def person_word(t: Text, i: int) -> bool:
    """Whether token i can be a word of a person's name."""
    n = t.norm(i)
    if not t.word(i) or i in t.numeral or gz.in_vocabulary(n, gz.TIME_WORDS):
        return False
    if n in gz.STOPWORDS and gz.strip_marks(t.toks[i].text) in gz.RAW_STOPWORDS:
        return False
    if _is_title(t, i) or _is_role(t, i) or is_cue(t, i) or t.hit(i, "GPE", "NORP", "ORG", "LOC"):
        return False
    if gz.in_vocabulary(n, gz.ORG_HEADS) or gz.in_vocabulary(n, gz.FAC_HEADS) \
            or gz.in_vocabulary(n, gz.PLACE_HEADS) or gz.in_vocabulary(n, gz.MEDIA_HEADS):
        return False
    if n.startswith(("لل", "بال", "وال", "فال", "كال")) or n in gz.NAME_ADJECTIVES:
        return False
    return len(gz.bare(n)) >= 2 and all("\u0621" <= c <= "\u064a" for c in n)


def _stops(t: Text, i: int) -> bool:
    """Whether a name may end before token i: punctuation, the end, a function, time or cue word."""
    return not t.word(i) or t.norm(i) in gz.STOPWORDS or is_cue(t, i) \
        or gz.in_vocabulary(t.norm(i), gz.TIME_WORDS)


def _family_name(t: Text, i: int) -> bool:
    """A word with the article (no other clitic) shaped like a family nisba (العلوي، الكواري)."""
    return t.norm(i).startswith("ال") and len(t.norm(i)) > 4 and t.norm(i).endswith("ي")


def _ends_with_definite(t: Text, k: int, strict: bool) -> bool | None:
    """How the definite word k fits a name: True when it ends the name (a family nisba, or a word
    before the name's end), False when a family nisba follows it (فاطمة الزهراء العلوي), None
    when it is not part of the name. `strict` takes only family nisbas and compounds."""
    if _family_name(t, k):
        return True
    if t.linked(k, k + 1) and _family_name(t, k + 1):
        return False
    return None if strict or not _stops(t, k + 1) else True


def name_end(t: Text, j: int, strict: bool = False) -> int | None:
    """The last token of a person's name starting at token j, or None when none starts there."""
    if not person_word(t, j):
        return None
    k, closed = j, False
    while k - j < MAX_NAME - 1 and t.word(k + 1) and t.linked(k, k + 1):
        n, connector = k + 1, t.norm(k) in gz.NAME_CONNECTORS
        if not person_word(t, n) or closed and not connector or t.norm(n).startswith("و"):
            break  # ونظيره: a coordinated noun, not the rest of the name
        if definite(t.norm(n)) and not connector:
            ends = _ends_with_definite(t, n, strict)
            if ends is None:
                break
            closed = ends
        k = n
    while k > j and t.norm(k) in gz.NAME_CONNECTORS:
        k -= 1
    return None if t.norm(k) in gz.NAME_CONNECTORS else k


def _after_title(t: Text, i: int) -> Candidate | None:
    """The name after the title at token i (past nationality adjectives: الرئيس الروسي X)."""
    j = i + 1
    while t.hit(j, "NORP") and t.linked(i, j):
        j = t.gaz[j].last + 1
    if not t.linked(i, j) or _is_title(t, j):
        return None
    end = name_end(t, j)
    if end is None or (definite(t.norm(j)) and (end == j or definite(t.norm(j + 1)))):
        return None
    return j, end, "PER", "title"


def _title_candidates(t: Text) -> list[Candidate]:
    """A person's name after a title or honorific."""
    return [c for i in range(len(t.toks)) if _is_title(t, i) and (c := _after_title(t, i))]


def _described_before(t: Text, comma: int) -> bool:
    """Whether the words before the comma at `comma` (back to the previous punctuation) hold a
    role noun or title: the name after the comma is in apposition to a described person."""
    k = comma - 1
    while k >= 0 and t.word(k) and comma - k <= MAX_DESCRIPTION + 1:
        if _is_role(t, k) or _is_title(t, k):
            return True
        k -= 1
    return False


def _apposition_candidates(t: Text) -> list[Candidate]:
    """A name between two commas after a described person: رئيسة الاتحاد، X Y، إن."""
    cands = []
    for c, tok in enumerate(t.toks):
        if tok.text not in ("،", ",") or not _described_before(t, c):
            continue
        j = c + 1
        while _is_title(t, j):
            j += 1
        end = name_end(t, j) if t.line[j - 1] == t.line[c] else None
        if end is not None and end + 1 < len(t.toks) and t.toks[end + 1].text in ("،", ","):
            cands.append((j, end, "PER", "person"))
    return cands


def _description_end(t: Text, r: int, names: dict[int, int]) -> int | None:
    """The first token after the description that follows the role noun at token r (definite
    words, names found so far (`names`: last token by first), prepositional phrases: المتحدث
    باسم الجمعية X), or None."""
    k = r + 1
    while k < len(t.toks) and k - r <= MAX_DESCRIPTION and t.linked(k - 1, k):
        n = t.norm(k)
        if n in gz.ROLE_PREPOSITIONS and t.word(k + 1):
            k += 2
        elif k in names:
            k = names[k] + 1
        elif t.gaz[k] is not None:
            k = t.gaz[k].last + 1
        elif gz.in_vocabulary(n, gz.ORG_HEADS) and t.word(k + 1):
            k += 2
        elif definite(n) and n not in gz.STOPWORDS and not _is_title(t, k) and not _is_role(t, k):
            k += 1
        else:
            return k if t.word(k) and t.linked(k - 1, k) else None
    return None


def _role_candidates(t: Text, names: dict[int, int]) -> list[Candidate]:
    """A name of two words or more right after a role noun and its description."""
    cands = []
    for r in range(len(t.toks)):
        if not _is_role(t, r):
            continue
        j = _description_end(t, r, names)
        if j is None or definite(t.norm(j)):
            continue
        end = name_end(t, j, strict=True)
        if end is not None and end > j:
            cands.append((j, end, "PER", "person"))
    return cands


def _speech_subject_candidates(t: Text) -> list[Candidate]:
    """A name of two words or more right after a verb of saying and before the rest of its
    subject zone (قال X Y إن، أكد X Y في ...، أعلن X Y، ...)."""
    cands = []
    for i in range(len(t.toks) - 1):
        kind = gz.cue_forms().get(t.norm(i), ("",))[0]
        j = i + 1
        if kind not in ("say", "transmit", "call") or not t.linked(i, j) or definite(t.norm(j)) \
                or t.norm(j)[:1] in ("ب", "ل"):
            continue
        end = name_end(t, j, strict=True)
        if end is None or end == j or any(t.norm(k).endswith(("ه", "ا", "ها", "هم")) for k in range(j + 1, end + 1)):
            continue
        after = t.norm(end + 1)
        if not t.word(end + 1) or after in gz.STOPWORDS or after[:1] == "ل" and len(after) > 3:
            cands.append((j, end, "PER", "person"))
    return cands


def _known_names(t: Text, found: list[Candidate]) -> set:
    """The names found by the patterns, and the family name alone of those of two words or more."""
    keys = set()
    for first, last, _, _ in found:
        keys.add(name_key(t, first, last))
        if last > first and t.norm(last - 1) not in gz.NAME_CONNECTORS and len(t.norm(last)) >= 4:
            keys.add(name_key(t, last, last))
    return keys


VOWEL_LETTERS = set("اويىهة")
"""Letters that transliterations of one name add, drop or swap (long vowels, final ة/ه)."""


def skeleton(norm: str) -> str:
    """A folded word without its vowel letters (after the first letter): أداما and أدامة, كوناتي
    and كوناتيه share one."""
    return norm[:1] + "".join(c for c in norm[1:] if c not in VOWEL_LETTERS)


def _variants(t: Text, found: list[Candidate]) -> list[Candidate]:
    """Other spellings of the names of two words or more found: the same words up to vowel
    letters (أداما كوناتي / أدامة كوناتى / ادما كوناتيه)."""
    names = {tuple(skeleton(gz.bare(t.norm(k)) if k == a else t.norm(k)) for k in range(a, b + 1))
             for a, b, _, _ in found if b > a}
    out = []
    for size in {len(n) for n in names}:
        for i in range(len(t.toks) - size + 1):
            words = tuple(skeleton(gz.bare(t.norm(i)) if k == 0 else t.norm(i + k)) for k in range(size))
            if words in names and t.linked(i, i + size - 1) and all(person_word(t, i + k) for k in range(size)) \
                    and all(len(w) >= 2 for w in words):
                out.append((i, i + size - 1, "PER", "person"))
    return out


def person_candidates(t: Text, mentions: list[NerMention]) -> list[Candidate]:
    """Person-name candidates of the text, with every other occurrence of the names found; the
    names of other types found so far (`mentions`) are not taken apart."""
    taken = {k for m in mentions if m.type != "PER" and m.rule != "gazetteer" for k in range(m.first, m.last + 1)}
    names = {m.first: m.last for m in mentions if m.type != "PER"}
    found = [c for c in (*_title_candidates(t), *_apposition_candidates(t), *_role_candidates(t, names),
                         *_speech_subject_candidates(t))
             if not any(k in taken for k in range(c[0], c[1] + 1))]
    again = [(a, b, "PER", "person") for a, b, _ in occurrences(t, _known_names(t, found))
             if all(person_word(t, k) or k > a for k in range(a, b + 1))]
    return found + again + _variants(t, found)
