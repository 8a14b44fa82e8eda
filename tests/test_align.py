"""Text-to-offset alignment, property-tested on the seed document.

For any token-aligned span of the document, its text, and any orthographic variant of it a
model might write, aligns back to that span or to an occurrence that is identical (exactly,
or under the normalisation the variant went through).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar.align import LEVELS, Aligner, Unaligned, align, unaligned_count
from khabar.gold import DEFAULT_GOLD, load_gold
from khabar.model import Prediction
from khabar.normalize import DIACRITICS, fold_with_offsets, normalize, normalize_loose, to_arabic_indic_digits
from khabar.tokens import boundaries, tokenize

DOC = load_gold(DEFAULT_GOLD).documents[0]
TEXT = DOC.text
ALIGNER = Aligner(TEXT)
TOKENS = tokenize(TEXT)
STARTS, ENDS = boundaries(TEXT)
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def loose_key(s: str) -> str:
    """The weakest equivalence any alignment view uses (loose fold, no white space)."""
    return re.sub(r"\s+", "", normalize_loose(s))


@st.composite
def token_spans(draw, max_tokens: int = 8):
    """A span of 1..max_tokens consecutive tokens of the document."""
    i = draw(st.integers(0, len(TOKENS) - 1))
    j = draw(st.integers(i, min(i + max_tokens, len(TOKENS)) - 1))
    return TOKENS[i].start, TOKENS[j].end


# --- variants a model might write ---------------------------------------------------------

STRIP_MARKS = str.maketrans("", "", DIACRITICS + "\u0640")
ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})
TA = str.maketrans({"ة": "ه"})
YA = str.maketrans({"ى": "ي"})
HAMZA = str.maketrans({"ؤ": "ئ", "ئ": "ؤ"})
QUOTES = str.maketrans({'"': "«"})


def space_around_punct(s: str) -> str:
    return re.sub(r"\s*([،,.:؛])\s*", r"\1 ", s).strip()


VARIANTS = {
    "marks": lambda s: s.translate(STRIP_MARKS),
    "alef": lambda s: s.translate(ALEF),
    "ta": lambda s: s.translate(TA),
    "ya": lambda s: s.translate(YA),
    "digits": to_arabic_indic_digits,
    "spaces": lambda s: re.sub(r" ", "  ", s),
    "newline": lambda s: s.replace(" ", "\n", 1),
    "hamza": lambda s: s.translate(HAMZA),
    "quotes": lambda s: s.translate(QUOTES),
    "punct": space_around_punct,
    "all": lambda s: space_around_punct(s.translate(STRIP_MARKS).translate(ALEF).translate(TA).translate(YA)),
}


# --- properties ------------------------------------------------------------------------------


@PROPS
@given(token_spans())
def test_exact_text_aligns_to_itself_or_an_identical_occurrence(span):
    s, e = span
    needle = TEXT[s:e]
    a = ALIGNER.find(needle)
    assert a.ok and a.method == "exact" and not a.snapped
    assert a.span.text == needle and TEXT[a.span.start:a.span.end] == needle
    assert a.span.start in STARTS and a.span.end in ENDS
    if TEXT.count(needle) == 1:
        assert a.span.key == (s, e)


@PROPS
@given(token_spans(), st.sampled_from(sorted(VARIANTS)))
def test_normalised_variants_align_to_an_equivalent_occurrence(span, variant):
    s, e = span
    original = TEXT[s:e]
    needle = VARIANTS[variant](original)
    a = ALIGNER.find(needle)
    assert a.ok, (variant, original, needle, a.reason)
    assert a.span.start in STARTS and a.span.end in ENDS
    assert loose_key(a.span.text) == loose_key(original)


@PROPS
@given(token_spans(), st.sampled_from(sorted(VARIANTS)))
def test_the_span_itself_is_found_when_earlier_occurrences_are_taken(span, variant):
    """With every other equivalent occurrence used, the variant lands on the span itself."""
    s, e = span
    original = TEXT[s:e]
    needle = VARIANTS[variant](original)
    used = set()
    for _ in range(TEXT.count(original[:1]) + 1):
        a = ALIGNER.find(needle, used=used)
        if not a.ok or a.span.key == (s, e):
            break
        used.add(a.span.key)
    assert a.ok and a.span.key == (s, e), (variant, original, needle)


@PROPS
@given(token_spans(max_tokens=1), st.data())
def test_a_piece_of_a_token_snaps_to_a_whole_token(span, data):
    s, e = span
    if e - s < 3:
        return
    i = data.draw(st.integers(s, e - 2))
    j = data.draw(st.integers(i + 2, e))
    piece = TEXT[i:j]
    a = ALIGNER.find(piece)
    assert a.ok
    assert a.span.start in STARTS and a.span.end in ENDS
    # a whole token in some view beats widening a piece: the piece is inside, up to normalisation
    assert loose_key(piece) in loose_key(a.span.text)
    unsnapped = ALIGNER.find(piece, snap=False)
    assert unsnapped.span.text == piece


@PROPS
@given(st.text(alphabet="qxzjQXZJ", min_size=3, max_size=12))
def test_strings_not_in_the_text_are_reported_not_guessed(s):
    a = ALIGNER.find(s)
    assert not a.ok and a.span is None and "not found" in a.reason


@PROPS
@given(st.text(min_size=0, max_size=30))
def test_arbitrary_strings_never_crash_and_always_slice_the_text(s):
    a = ALIGNER.find(s)
    if a.ok:
        assert TEXT[a.span.start:a.span.end] == a.span.text and a.span.start < a.span.end
    else:
        assert a.reason


@PROPS
@given(st.text(min_size=0, max_size=40))
def test_fold_with_offsets_maps_each_character_back(s):
    for loose in (False, True):
        for space in ("keep", "collapse", "drop"):
            out, index = fold_with_offsets(s, loose=loose, space=space)
            assert len(out) == len(index)
            assert index == sorted(set(index)) and all(0 <= i < len(s) for i in index)
    assert fold_with_offsets(s, space="collapse")[0] == normalize(s)


# --- order of appearance and the used set ----------------------------------------------------


def test_repeated_strings_take_occurrences_in_order():
    """Every repeated token text, aligned once per occurrence with a moving cursor, takes each
    whole-token occurrence exactly once, in order; one more is reported as taken."""
    by_text: dict[str, list[tuple[int, int]]] = {}
    for t in TOKENS:
        by_text.setdefault(t.text, []).append((t.start, t.end))
    repeated = {k: v for k, v in by_text.items() if len(v) > 1 and len(k) > 2}
    assert repeated  # the seed repeats names (and words)
    for word, occ in repeated.items():
        used, cursor, got = set(), 0, []
        for _ in occ:
            a = ALIGNER.find(word, cursor=cursor, used=used)
            assert a.ok and not a.snapped
            got.append(a.span.key)
            used.add(a.span.key)
            cursor = a.span.end
        assert got == occ, word
        extra = ALIGNER.find(word, cursor=cursor, used=used, levels=("exact",))
        if not extra.ok:  # no occurrence left inside a longer token either
            assert "already taken" in extra.reason


def test_cursor_prefers_the_next_occurrence_then_the_nearest_before():
    word = next(t.text for t in TOKENS if sum(1 for u in TOKENS if u.text == t.text) >= 3 and len(t.text) > 3)
    occ = [(t.start, t.end) for t in TOKENS if t.text == word]
    mid = occ[1][0]
    assert ALIGNER.find(word, cursor=mid).span.key == occ[1]
    assert ALIGNER.find(word, cursor=mid + 1).span.key == occ[2]
    assert ALIGNER.find(word, cursor=len(TEXT)).span.key == occ[-1]  # none after: the nearest before
    assert ALIGNER.find(word, near=occ[2]).span.key == occ[2]
    # excluding it, the closest other occurrence wins
    dist = lambda o: max(occ[2][0] - o[1], o[0] - occ[2][1], 0)  # noqa: E731
    closest = min((o for o in occ if o != occ[2]), key=lambda o: (dist(o), o[0]))
    assert ALIGNER.find(word, near=occ[2], exclude=occ[2]).span.key == closest


def test_within_restricts_to_a_paragraph():
    paras = DOC.paragraphs()
    for m in DOC.ner_mentions:
        p = next(p for p in paras if p.start <= m.start < p.end)
        a = ALIGNER.find(m.text, within=p.key, used=set())
        assert a.ok and p.start <= a.span.start and a.span.end <= p.end
    last = paras[-1]
    first_only = next(m.text for m in DOC.ner_mentions if m.text not in last.text)
    a = ALIGNER.find(first_only, within=last.key)
    assert not a.ok and "in the paragraph" in a.reason


# --- the Arabic cases the views exist for --------------------------------------------------


def test_article_contraction_finds_lil_forms():
    """ل + ال is written لل: `الX` returned for `للX` lands on the whole token, and only after
    every whole-token `الX` is taken."""
    lil = [t for t in TOKENS if t.text.startswith("لل") and len(t.text) > 4]
    assert lil
    t = lil[0]
    bare = "ال" + t.text[2:]
    occurrences = [(u.start, u.end) for u in TOKENS if u.text == bare]
    a = ALIGNER.find(bare, used=set(occurrences))
    assert a.ok and a.method == "article" and a.snapped
    assert a.span.text.startswith("لل") and a.span.start in STARTS
    assert normalize(a.span.text)[2:] == normalize(bare)[2:]


def test_gold_mentions_align_back_in_order():
    """The gold mention strings, given in order with a cursor and a used set, land on the gold
    spans: what a perfect model gets."""
    used, cursor = set(), 0
    for m in sorted(DOC.ner_mentions, key=lambda m: m.start):
        a = ALIGNER.find(m.text, cursor=cursor, used=used)
        assert a.ok and a.span.key == m.span.key, (m.text, a)
        used.add(a.span.key)
        cursor = a.span.end


def test_levels_and_helpers():
    assert LEVELS[0] == "exact"
    assert align(TEXT, "").reason == "empty string"
    assert align("abc", "b", snap=False).span.key == (1, 2)
    assert align("abc def", "b").span.text == "abc"
    p = Prediction(id="x")
    assert unaligned_count(p, "ner") == 0
    p.unaligned = [Unaligned("ner", "item", "t", "r").to_dict(), Unaligned("quotes", "cue", "t", "r").to_dict()]
    assert unaligned_count(p, "ner") == 1 and unaligned_count(p, "quotes") == 0
    assert unaligned_count(p, "quotes", "cue") == 1
    with pytest.raises(ValueError):
        fold_with_offsets("x", space="nope")
