"""`khabar.iob`: the gold's IOB2 view, lenient and strict decoding, and the numpy decoder of
the conll engine checked against the one decoder."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.iob import SCHEMES, TagError, decode, encode, iob2, split_tag, with_prefix
from khabar.schema import FINE_TYPES, map_type
from khabar.scoring.conll import Engine


def _char_spans(tokens, tags):
    """Character spans of the strict IOB2 decoding of `tags` over `tokens`."""
    return {(tokens[s].start, tokens[e - 1].end, t) for s, e, t in decode(tags, strict=True)}


def test_fine_view_decodes_to_the_gold_spans(doc):
    decoded = set()
    for toks, tags in iob2(doc, "fine"):
        assert len(toks) == len(tags)
        decoded |= _char_spans(toks, tags)
    assert decoded == {(m.start, m.end, m.type) for m in doc.ner_mentions}


def test_coarse_view_maps_and_drops(doc):
    decoded = set()
    for toks, tags in iob2(doc, "coarse"):
        decoded |= _char_spans(toks, tags)
        assert not any(t.endswith(("FAC", "NORP", "GPE")) for t in tags)
    expected = {(m.start, m.end, map_type(m.type, "coarse")) for m in doc.ner_mentions
                if map_type(m.type, "coarse")}
    assert decoded == expected
    assert len(expected) < len(doc.ner_mentions)  # FAC and NORP exist in the gold and were dropped


def test_split_tag():
    assert split_tag("B-PER") == ("B", "PER")
    assert split_tag(b"I-ORG") == ("I", "ORG")
    assert split_tag("S-X-Y") == ("S", "X-Y")
    assert split_tag("O") == ("O", "")
    for bad in ("B-", "PER", "X-PER", "", "b-PER", b"\xff-PER"):
        with pytest.raises(ValueError):
            split_tag(bad)


def test_with_prefix_reads_io_tags():
    assert [with_prefix(t) for t in ["PER", "", None, "O", "B-ORG", "E-X"]] == ["I-PER", "O", "O", "O", "B-ORG", "E-X"]


_IOB = st.sampled_from(["O", "B-PER", "I-PER", "B-ORG", "I-ORG"])
_IOBES = st.sampled_from(["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-ORG", "I-ORG", "E-ORG", "S-ORG"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_IOB, max_size=25))
def test_lenient_decode_agrees_with_seqeval(tags):
    from seqeval.metrics.sequence_labeling import get_entities

    assert sorted(decode(tags)) == sorted((s, e + 1, t) for t, s, e in get_entities(list(tags)))


@settings(max_examples=300, deadline=None)
@given(st.lists(_IOBES, max_size=25), st.sampled_from(sorted(SCHEMES)))
def test_strict_decode_is_seqeval_strict_where_it_accepts(tags, scheme):
    """Whenever strict decoding accepts a sequence, it finds exactly seqeval's strict entities;
    where it refuses, it names a real violation (seqeval drops or changes some entity)."""
    from seqeval.scheme import IOB2, IOBES, Entities

    tags = [t if t[0] in SCHEMES[scheme].prefixes + "O" else "O" for t in tags]  # seqeval refuses others
    theirs = sorted((e.start, e.end, e.tag) for e in Entities([list(tags)], {"IOB2": IOB2, "IOBES": IOBES}[scheme]).entities[0])
    try:
        ours = decode(tags, strict=True, scheme=scheme)
    except TagError as e:
        assert 0 <= e.index < len(tags)
        assert theirs != sorted(decode(tags))
        return
    assert sorted(ours) == theirs


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["PER", "ORG"])), max_size=8), st.integers(0, 30))
def test_encode_then_decode_strictly(runs, n):
    spans, at = [], 0
    for gap, label in runs:
        s = at + gap
        if s + 1 > n:
            break
        e = min(n, s + 1 + gap)
        spans.append((s, e, label))
        at = e
    assert decode(encode(n, spans), strict=True) == spans


def test_strict_messages():
    with pytest.raises(TagError, match=r"I-PER follows O: not IOB2 \(an entity starts with B-\)") as e:
        decode(["B-PER", "O", "I-PER"], strict=True)
    assert e.value.index == 2
    with pytest.raises(TagError, match="is not O, B-TYPE or I-TYPE"):
        decode(["S-PER"], strict=True, scheme="IOB2")
    with pytest.raises(TagError, match="not closed by E-"):
        decode(["B-PER", "I-PER"], strict=True, scheme="IOBES")
    with pytest.raises(TagError, match="unknown label 'WHO'"):
        decode(["B-WHO"], strict=True, labels=FINE_TYPES)
    assert decode(["B-PER", "E-PER", "S-ORG"], strict=True, scheme="IOBES") == [(0, 2, "PER"), (2, 3, "ORG")]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_IOBES, max_size=12), max_size=6))
def test_numpy_decoder_equals_iob_decode(sentences):
    """`Engine.entities` (codes, positions with a gap between sentences) finds exactly what
    `iob.decode` finds sentence by sentence."""
    eng = Engine()
    pos, tags, unit, expected, base = [], [], [], [], 0
    for u, sent in enumerate(sentences):
        for s, e, t in decode(sent):
            expected.append((base + s, base + e, t, u))
        for i, t in enumerate(sent):
            if t != "O":
                pos.append(base + i)
                tags.append(t)
                unit.append(u)
        base += len(sent) + 1
    starts, ends, labels, units = eng.entities(np.asarray(pos, dtype=np.int64), eng.codes(tags),
                                                np.asarray(unit, dtype=np.int64))
    got = [(int(s), int(e), eng.labels[int(t)], int(u)) for s, e, t, u in zip(starts, ends, labels, units)]
    assert got == expected
