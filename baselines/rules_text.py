"""What every NER rule looks at: the analysed text (tokens, folded forms, lines, gazetteer hits,
numerals), the candidate and mention types, and name keys for finding a name's other occurrences.
Shared by `rules_ner` and `rules_persons`."""

from __future__ import annotations

from dataclasses import dataclass

from khabar.model import Span
from khabar.tokens import Token, is_punct

from . import gazetteers as gz

Candidate = tuple[int, int, str, str]
"""A candidate name: (first token, last token, type, rule)."""

@dataclass(frozen=True)
class NerMention:
    """A predicted name: token range [first, last], span and type."""

    first: int
    last: int
    span: Span
    type: str
    rule: str

@dataclass(frozen=True)
class GazHit:
    """A gazetteer name starting at a token: its last token, type and provenance."""

    last: int
    type: str
    source: str

@dataclass(frozen=True)
class Text:
    """What every rule looks at: the text, its tokens and their folded forms, the line of each
    token, the gazetteer hit starting at each token, and the tokens inside numerals."""

    text: str
    toks: list[Token]
    norms: list[str]
    line: list[int]
    gaz: list[GazHit | None]
    numeral: dict[int, int]

    def word(self, i: int) -> bool:
        """Token i exists and is a word (letters, not punctuation)."""
        return 0 <= i < len(self.toks) and not is_punct(self.toks[i].text) \
            and any(c.isalpha() for c in self.toks[i].text)

    def linked(self, a: int, b: int) -> bool:
        """Tokens a..b are one run of words: single spaces, no line break between them."""
        return 0 <= a and b < len(self.toks) and all(
            self.toks[k + 1].start - self.toks[k].end < 3 and self.line[k] == self.line[k + 1]
            for k in range(a, b))

    def norm(self, i: int) -> str:
        """The folded form of token i ('' outside the text)."""
        return self.norms[i] if 0 <= i < len(self.norms) else ""

    def hit(self, i: int, *types: str) -> GazHit | None:
        """The gazetteer hit at token i, if it has one of `types`."""
        g = self.gaz[i] if 0 <= i < len(self.gaz) else None
        return g if g is not None and g.type in types else None

def definite(norm: str) -> bool:
    """Whether a folded token carries the article (after its clitics): الوزارة، للوزارة، والوزارة."""
    return gz.without_article(norm) is not None

def nisba_shaped(norm: str) -> bool:
    """A definite word ending like a nisba adjective (الوطني، الإعلامية، الكردستاني)."""
    art = gz.without_article(norm)
    return art is not None and len(art) >= 3 and art.endswith(("ي", "يه", "يون", "يين", "يات"))

NameKey = tuple[frozenset[str], tuple[str, ...]]
"""A name to look for: the readings of its first token (with and without clitics) and the
folded tokens after it."""

def name_key(t: Text, first: int, last: int) -> NameKey:
    """The key of the name on tokens first..last."""
    return frozenset(gz.clitic_readings(t.norms[first])), tuple(t.norms[first + 1:last + 1])

def occurrences(t: Text, keys: set[NameKey]) -> list[tuple[int, int, NameKey]]:
    """Every occurrence of the names `keys` (the first token may carry other clitics)."""
    out = []
    for i, n in enumerate(t.norms):
        if not t.word(i):
            continue
        readings = set(gz.clitic_readings(n))
        for key in keys:
            first, rest = key
            k = len(rest)
            if readings & first and i + k < len(t.norms) and t.linked(i, i + k) \
                    and all(t.norms[i + 1 + m] == rest[m] for m in range(k)):
                out.append((i, i + k, key))
    return out
