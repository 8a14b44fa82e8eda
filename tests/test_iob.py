from khabar.iob import iob2
from khabar.schema import map_type


def _decode(tokens, tags):
    spans, cur = [], None
    for t, tag in zip(tokens, tags):
        if tag.startswith("B-"):
            cur = [t.start, t.end, tag[2:]]
            spans.append(cur)
        elif tag.startswith("I-") and cur and cur[2] == tag[2:]:
            cur[1] = t.end
        else:
            cur = None
    return {tuple(s) for s in spans}


def test_fine_view_decodes_to_the_gold_spans(doc):
    decoded = set()
    for toks, tags in iob2(doc, "fine"):
        assert len(toks) == len(tags)
        decoded |= _decode(toks, tags)
    assert decoded == {(m.start, m.end, m.type) for m in doc.ner_mentions}


def test_coarse_view_maps_and_drops(doc):
    decoded = set()
    for toks, tags in iob2(doc, "coarse"):
        decoded |= _decode(toks, tags)
        assert not any(t.endswith(("FAC", "NORP", "GPE")) for t in tags)
    expected = {(m.start, m.end, map_type(m.type, "coarse")) for m in doc.ner_mentions
                if map_type(m.type, "coarse")}
    assert decoded == expected
    assert len(expected) < len(doc.ner_mentions)  # FAC and NORP exist in the gold and were dropped
