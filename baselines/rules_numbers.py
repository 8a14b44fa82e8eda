"""Rule-based number extraction: khabar's own Arabic numeral parser (`khabar.numerals`), with
khabar's span conventions on top.

Spans, values, kinds and units come from the parser. Then:
- a percent written in words (في المئة، بالمائة) stays outside the span, the kind stays percent
  (a ٪ or % sign written on the digits is inside);
- the first end of a range shares the percent of the second (من 10 إلى 15 في المئة);
- the plural of a numeral noun written alone (آلاف المقاتلين، عشرات) is a number: the noun's
  value, qualifier more_than.
"""

from __future__ import annotations

from khabar.model import PredNumber, Span
from khabar.normalize import normalize
from khabar.numerals import NumberMention, find_numbers
from khabar.tokens import Token, tokenize

PERCENT_WORDS = {normalize(w) for w in ("في", "المئة", "المائة", "بالمئة", "بالمائة", "مئة", "مائة")}
"""Words of a percent written after the number (في المئة، بالمائة): outside khabar's span."""

RANGE_LINKS = {normalize(w) for w in ("إلى", "الى", "و", "-", "–", "حتى")}
"""Words between the two ends of a range (من 10 إلى 15، بين 10 و15)."""

PLURAL_NUMERALS = {normalize(w): v for w, v in (
    ("آلاف", 1e3), ("الآلاف", 1e3), ("ألاف", 1e3), ("عشرات", 10), ("العشرات", 10), ("مئات", 100),
    ("المئات", 100), ("ملايين", 1e6), ("الملايين", 1e6), ("مليارات", 1e9))}
"""Plurals of numeral nouns: a number of the noun's value, qualifier more_than, when alone."""


def _trim_percent_words(text: str, toks: list[Token], m: NumberMention) -> NumberMention:
    """The mention without the percent words written after its numeral."""
    if m.kind != "percent":
        return m
    inside = [t for t in toks if m.start <= t.start and t.end <= m.end]
    while len(inside) > 1 and normalize(inside[-1].text) in PERCENT_WORDS:
        inside.pop()
    end = inside[-1].end
    if end == m.end:
        return m
    return NumberMention(Span(m.start, end, text[m.start:end]), m.value, m.kind, m.unit, m.qualifier)


def _link_between(text: str, a: NumberMention, b: NumberMention) -> bool:
    """Whether only a range link (إلى، و، -) separates two mentions."""
    gap = text[a.end:b.start].strip()
    return normalize(gap) in RANGE_LINKS or (gap == "" and normalize(b.text)[:1] == "و")


def _ranges(text: str, found: list[NumberMention]) -> list[NumberMention]:
    """The first end of a percent range is a percent too."""
    out = list(found)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if a.kind == "cardinal" and b.kind == "percent" and _link_between(text, a, b):
            out[k] = NumberMention(a.span, a.value, "percent", None, a.qualifier)
    return out


def _plural_numerals(toks: list[Token], found: list[NumberMention]) -> list[NumberMention]:
    """Plurals of numeral nouns that no numeral mention covers."""
    covered = [(m.start, m.end) for m in found]
    out = []
    for t in toks:
        value = PLURAL_NUMERALS.get(normalize(t.text))
        if value is not None and not any(s <= t.start < e for s, e in covered):
            out.append(NumberMention(Span(t.start, t.end, t.text), value, "cardinal", None, "more_than"))
    return out


def find_number_mentions(text: str) -> list[NumberMention]:
    """The number mentions of `text` under khabar's span conventions, left to right."""
    toks = tokenize(text)
    found = [_trim_percent_words(text, toks, m) for m in find_numbers(text)]
    found = _ranges(text, found)
    return sorted(found + _plural_numerals(toks, found), key=lambda m: m.start)


def predict_numbers(text: str) -> list[PredNumber]:
    """The number predictions for one document text."""
    return [PredNumber(m.span, m.value, m.kind, m.unit) for m in find_number_mentions(text)]
