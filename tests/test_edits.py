"""The edit layer: offsets carried through insertions, deletions and replacements."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar import load_gold
from khabar.edits import Edit, EditError, OffsetMap, apply_edits, apply_text, gold_spans
from khabar.gold import to_dict
from khabar.model import Gold, Span
from khabar.validate import validate_raw

GOLD = load_gold()
DOC = GOLD.documents[0]


def _mention(doc, pred):
    return next(m for m in doc.ner_mentions if pred(m))


# --- unit behaviour --------------------------------------------------------------------------


def test_text_and_points():
    new, m = apply_text("abcdef", [Edit.replace(1, 3, "XYZ"), Edit.insert(4, "_"), Edit.delete(5, 6)])
    assert new == "aXYZd_e"
    assert m.point(0, "start") == 0
    assert m.point(3, "start") == 4 and m.point(3, "end") == 4
    assert m.point(4, "start") == 6 and m.point(4, "end") == 5  # insertion sits between the two roles
    assert m.point(6, "end") == len(new)


def test_span_inside_replacement_and_shift():
    text = "aa bbb cc"
    m = OffsetMap(text, [Edit.replace(3, 6, "BBBB"), Edit.insert(0, "zz ")])
    assert m.new_text == "zz aa BBBB cc"
    assert m.span(Span(3, 6, "bbb")) == Span(6, 10, "BBBB")
    assert m.span(Span(7, 9, "cc")).text == "cc"
    assert m.span(Span(0, 9, text)).text == "aa BBBB cc"  # the insertion at 0 stays outside


@pytest.mark.parametrize("attach, first, second", [(None, "ab", "cd"), ("left", "ab~", "cd"), ("right", "ab", "~cd")])
def test_insertion_at_a_shared_boundary(attach, first, second):
    m = OffsetMap("abcd", [Edit.insert(2, "~", attach)])
    assert m.span(Span(0, 2, "ab")).text == first
    assert m.span(Span(2, 4, "cd")).text == second
    assert m.span(Span(0, 4, "abcd")).text == "ab~cd"  # strictly inside: always in


def test_straddling_replace_is_rejected():
    m = OffsetMap("aa bbb cc", [Edit.replace(1, 4, "Q")])
    with pytest.raises(EditError, match="straddles"):
        m.span(Span(3, 6, "bbb"))
    with pytest.raises(EditError, match="straddles"):
        m.span(Span(0, 2, "aa"))
    assert m.lenient_span(Span(3, 6, "bbb")).text == "Qbb"  # predictions snap instead


def test_emptied_span_is_rejected():
    with pytest.raises(EditError, match="empty"):
        OffsetMap("aa bbb", [Edit.delete(3, 6)]).span(Span(3, 6, "bbb"))


@pytest.mark.parametrize("edits", [
    [Edit.replace(0, 3, "x"), Edit.replace(2, 4, "y")],
    [Edit.insert(2, "x"), Edit.insert(2, "y")],
    [Edit.replace(0, 99, "x")],
])
def test_bad_edit_sets(edits):
    with pytest.raises(EditError):
        OffsetMap("abcdef", edits)


def test_bad_edits():
    with pytest.raises(EditError):
        Edit(3, 2, "x")
    with pytest.raises(EditError):
        Edit(2, 2, "")
    with pytest.raises(EditError):
        Edit(2, 2, "x", attach="up")


def test_document_spans_follow_a_name_replacement():
    m = _mention(DOC, lambda m: m.form == "corrupted" and len(m.text.split()) == 1)
    res = apply_edits(DOC, [Edit.replace(m.start, m.end, "حفتر")])
    new = res.document
    delta = len("حفتر") - len(m.text)
    for (name, old), (_, span) in zip(gold_spans(DOC), gold_spans(new)):
        assert span.text == new.text[span.start:span.end], name
        if old.end <= m.start:
            assert span == old and span.text == old.text
        elif old.start >= m.end:
            assert (span.start, span.end) == (old.start + delta, old.end + delta) and span.text == old.text
    moved = next(x for x in new.mentions if x.id == m.id)
    assert moved.text == "حفتر" and moved.entity == m.entity and moved.type == m.type


def test_edit_inside_a_token_at_a_span_start_is_rejected():
    m = DOC.ner_mentions[0]
    # a letter glued before the span: the span would start in the middle of the new token
    with pytest.raises(EditError, match="inside a token"):
        apply_edits(DOC, [Edit.insert(m.start, "ب")])
    assert apply_edits(DOC, [Edit.insert(m.start, "ب")], check_tokens=False).document.mentions[0].text == m.text


def test_replacement_straddling_a_gold_span_is_rejected():
    m = DOC.ner_mentions[0]
    with pytest.raises(EditError, match="straddles"):
        apply_edits(DOC, [Edit.replace(m.end - 1, m.end + 1, "x")])


# --- properties ------------------------------------------------------------------------------

ALPHABET = "ابةلمـًُ ،\"«"


@st.composite
def edit_sets(draw, length: int, max_edits: int = 12):
    """Non-overlapping random edits over a text of `length` characters."""
    raw = draw(st.lists(
        st.tuples(st.integers(0, length), st.integers(0, 4), st.text(ALPHABET, max_size=4),
                  st.sampled_from([None, "left", "right"])),
        max_size=max_edits,
    ))
    out, taken = [], []
    for start, n, new, attach in sorted(raw, key=lambda r: (r[0], r[1])):
        end = min(start + n, length)
        if start == end and not new:
            continue
        if any(start < b and a < end or (start == end == a == b) or (start == end and a < start < b)
               or (a == b and start < a < end) for a, b in taken):
            continue
        taken.append((start, end))
        out.append(Edit(start, end, new, attach))
    return out


def _naive(text: str, edits: list[Edit]) -> str:
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:e.start] + e.new + text[e.end:]
    return text


def _expect_refusal(span: Span, edits: list[Edit]) -> bool:
    straddle = any(e.start < p < e.end for e in edits for p in (span.start, span.end))
    emptied = any(e.start <= span.start and span.end <= e.end and not e.new for e in edits)
    return straddle or emptied


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_span_equals_its_slice_after_random_edits(data):
    edits = data.draw(edit_sets(len(DOC.text)))
    spans = gold_spans(DOC)
    m = OffsetMap(DOC.text, edits)
    assert m.new_text == _naive(DOC.text, edits)
    for name, span in spans:
        if _expect_refusal(span, edits):
            with pytest.raises(EditError):
                m.span(span, name)
            continue
        new = m.span(span, name)
        assert new.text == m.new_text[new.start:new.end]
        untouched = not any(span.start <= e.start <= span.end or span.start <= e.end <= span.end
                            or (e.start < span.start and span.end < e.end) for e in edits)
        if untouched:
            assert new.text == span.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edit_sequences_keep_the_gold_valid(data):
    """Rounds of random edits: each round either is refused with EditError, or yields a
    document whose every span is its slice and which passes the gold validator."""
    doc = DOC
    for _ in range(data.draw(st.integers(1, 3))):
        edits = data.draw(edit_sets(len(doc.text), max_edits=6))
        try:
            doc = apply_edits(doc, edits).document
        except EditError:
            continue
        for name, span in gold_spans(doc):
            assert span.text == doc.text[span.start:span.end], name
        assert validate_raw(to_dict(Gold("t", [doc]))) == []
        assert [m.id for m in doc.mentions] == [m.id for m in DOC.mentions]
