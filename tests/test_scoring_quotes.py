"""Quote and number scoring semantics on the real gold: cluster-based speakers, the token-overlap
threshold, wrong speakers and values as `incorrect`, per-item details."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar import load_gold
from khabar.model import PredNumber, PredQuote, Prediction, Span
from khabar.scoring import score
from khabar.scoring.overlap import OVERLAP_THRESHOLD, TokenIndex

GOLD = load_gold()
DOC = GOLD.documents[0]


def _preds(quotes=None, numbers=None):
    out = [Prediction(DOC.id, quotes=quotes, numbers=numbers)]
    return out + [Prediction(d.id, quotes=[] if quotes is not None else None,
                             numbers=[] if numbers is not None else None) for d in GOLD.documents[1:]]


def _exact_quotes(source_of=lambda q: q.source):
    return [PredQuote(q.cue, q.content, source_of(q), q.type) for q in DOC.quotes]


def test_speaker_right_when_source_is_any_mention_of_the_cluster():
    alt = {}
    for q in DOC.quotes:
        others = [m for m in DOC.mentions_of(q.speaker) if m.span.key != q.source.key]
        if others:
            alt[q.id] = sorted(others, key=lambda m: m.kind != "nominal")[0]
    if not alt:
        pytest.skip("no speaker with a second mention")
    r = score(GOLD, _preds(_exact_quotes(lambda q: alt[q.id].span if q.id in alt else q.source)), n_boot=0)
    assert r.get("quotes", "speaker").f1 == 1.0
    assert r.get("quotes", "attribution").f1 == 1.0


def test_wrong_speaker_is_incorrect_in_attribution():
    q0 = DOC.quotes[0]
    cluster = {m.span.key for m in DOC.mentions_of(q0.speaker)} | {q0.source.key}
    other = next(m for m in DOC.mentions if m.entity != q0.speaker and m.span.key not in cluster)
    preds = _exact_quotes(lambda q: other.span if q.id == q0.id else q.source)
    r = score(GOLD, _preds(preds), n_boot=0)
    n = len(DOC.quotes)
    att = r.get("quotes", "attribution")
    assert (att.correct, att.incorrect, att.missed, att.spurious) == (n - 1, 1, 0, 0)
    assert att.p == att.r == pytest.approx((n - 1) / n)
    assert r.get("quotes", "content_exact").f1 == 1.0
    assert r.get("quotes", "speaker").f1 == pytest.approx((n - 1) / n)
    wrong = [d for d in r.details_for("quotes", "attribution") if d.outcome == "wrong_speaker"]
    assert len(wrong) == 1 and wrong[0].gold["id"] == q0.id
    assert wrong[0].pred["source"]["start"] == other.start
    # no source at all is a wrong speaker too
    r = score(GOLD, _preds(_exact_quotes(lambda q: None)), n_boot=0)
    assert r.get("quotes", "attribution").correct == 0 and r.get("quotes", "content_exact").f1 == 1.0


def test_token_overlap_threshold():
    tokens = TokenIndex(DOC.text)
    q = max(DOC.quotes, key=lambda q: len(tokens.tokens(q.content)))
    toks = tokens.tokens(q.content)
    n = len(toks)
    # keep the first k word tokens of the gold content: Dice = 2k / (n + k)
    keep_ok = next(k for k in range(1, n) if 2 * k / (n + k) >= OVERLAP_THRESHOLD)
    keep_bad = keep_ok - 1

    def trimmed(k):
        end = tokens.ends[toks[k - 1]]
        return Span(q.content.start, end, DOC.text[q.content.start:end])

    for k, matched in ((keep_ok, True), (keep_bad, False)):
        if k == 0:
            continue
        preds = [PredQuote(x.cue, trimmed(k) if x.id == q.id else x.content, x.source, x.type) for x in DOC.quotes]
        r = score(GOLD, _preds(preds), n_boot=0)
        assert r.get("quotes", "content_exact").correct == len(DOC.quotes) - 1
        assert r.get("quotes", "content_overlap").correct == len(DOC.quotes) - (0 if matched else 1), k


def test_clitic_cut_inside_a_word_still_overlaps():
    q = next(q for q in DOC.quotes if len(q.source.text.split()[0]) > 3)
    s = q.source
    inner = Span(s.start + 1, s.end, DOC.text[s.start + 1:s.end])
    tokens = TokenIndex(DOC.text)
    assert tokens.dice(inner, s) == 1.0
    r = score(GOLD, _preds(_exact_quotes(lambda x: inner if x.id == q.id else x.source)), n_boot=0)
    assert r.get("quotes", "attribution").f1 == 1.0


def test_cue_and_type_lines():
    preds = [PredQuote(None if i == 0 else q.cue, q.content, q.source, None if i == 1 else
                       ("direct" if q.type != "direct" else "indirect") if i == 2 else q.type)
             for i, q in enumerate(DOC.quotes)]
    r = score(GOLD, _preds(preds), n_boot=0)
    n = len(DOC.quotes)
    cue = r.get("quotes", "cue")
    assert (cue.correct, cue.missed, cue.spurious) == (n - 1, 1, 0)
    typ = r.get("quotes", "type")
    assert typ.kind == "accuracy" and (typ.correct, typ.incorrect) == (n - 2, 1)


def test_numbers_value_kind_and_span():
    if len(DOC.numbers) < 3:
        pytest.skip("too few numbers")
    a, b, c = DOC.numbers[:3]
    preds = []
    for n in DOC.numbers:
        if n is a:
            preds.append(PredNumber(n.span, n.value + 1, n.kind))
        elif n is b:
            preds.append(PredNumber(n.span, n.value, None))
        elif n is c:
            continue
        else:
            preds.append(PredNumber(n.span, float(n.value), n.kind))  # 4 == 4.0
    preds.append(PredNumber(Span(0, 1, DOC.text[0]), 1, "cardinal"))
    r = score(GOLD, _preds(numbers=preds), n_boot=0)
    total = len(DOC.numbers)
    e2e = r.get("numbers", "end_to_end")
    assert (e2e.correct, e2e.incorrect, e2e.missed, e2e.spurious) == (total - 3, 2, 1, 1)
    assert r.get("numbers", "span_exact").correct == total - 1
    v = r.get("numbers", "value")
    assert (v.correct, v.incorrect) == (total - 2, 1)
    outcomes = {(d.outcome, d.gold["id"] if d.gold else None) for d in r.details_for("numbers", "end_to_end")}
    assert ("wrong_value", a.id) in outcomes and ("wrong_kind", b.id) in outcomes and ("FN", c.id) in outcomes
    assert ("FP", None) in outcomes


def test_headline_lines():
    from khabar.baselines import get_system

    r = score(GOLD, get_system("oracle").predict(GOLD.documents), n_boot=0)
    assert r.headline("ner") == r.get("ner", "strict", "micro")
    assert r.headline("quotes") == r.get("quotes", "attribution")
    assert r.headline("numbers") == r.get("numbers", "end_to_end")
    assert "task:quotes|mode:attribution" in r.signature_for("quotes")


def test_source_naming_another_entity_inside_the_speaker_phrase_is_wrong(gold):
    """The source resolves to the entity it matches best: مجموعة السبع is the G7, not the G7
    foreign ministers, although it overlaps their nominal mention by token Dice 0.67."""
    from khabar.scoring.overlap import TokenIndex
    from khabar.scoring.quotes import speaker_right

    doc = gold.documents[0]
    q = next(q for q in doc.quotes if q.source.text == "وزراء خارجية مجموعة السبع")
    g7 = next(m for m in doc.ner_mentions if m.text == "مجموعة السبع")
    tokens = TokenIndex(doc.text)
    assert tokens.dice(q.source, g7.span) >= 0.5
    assert not speaker_right(doc, tokens, q, g7.span)
    assert speaker_right(doc, tokens, q, q.source)
    mog = next(q for q in doc.quotes if q.source.text == "فيديريكا موغريني")
    other = next(m for m in doc.mentions if m.entity == mog.speaker and m.span != mog.source)
    assert speaker_right(doc, tokens, mog, other.span)


def test_the_head_of_a_nominal_speaker_names_it(gold):
    """A source inside the speaker's nominal mention names the speaker, unless it is itself a
    mention of another entity."""
    from khabar.model import Span
    from khabar.scoring.overlap import TokenIndex
    from khabar.scoring.quotes import speaker_right

    doc = gold.documents[0]
    tokens = TokenIndex(doc.text)
    q = next(q for q in doc.quotes if q.source.text.startswith("للحكومة"))
    head = Span(q.source.start, q.source.start + len("للحكومة"), "للحكومة")
    assert tokens.dice(q.source, head) < 0.5
    assert speaker_right(doc, tokens, q, head)
    tripoli = next(m for m in doc.ner_mentions if m.text == "طرابلس" and q.source.start <= m.start < q.source.end)
    assert not speaker_right(doc, tokens, q, tripoli.span)


def test_two_cues_reporting_one_content_are_two_records():
    """ذكرت صحيفة ... نقلا عن مصدر ... أن ...: one record per cue, the same content. Predicting both
    is not a duplicate; each pairs with its own cue, so swapping the sources makes both wrong."""
    from khabar.gold import build_gold
    from khabar.predictions import read_prediction_lines

    text = "ذكرت صحيفة الأهرام نقلا عن مصدر حكومي أن الوزارة ستخصص المبلغ"

    def sp(s, occurrence=0):
        i = -1
        for _ in range(occurrence + 1):
            i = text.index(s, i + 1)
        return {"start": i, "end": i + len(s), "text": s}

    paper, source, content = sp("الأهرام"), sp("مصدر حكومي"), sp("الوزارة ستخصص المبلغ")
    raw = {"format": "khabar-gold/1", "version": "t", "documents": [{
        "id": "d", "text": text,
        "entities": [{"id": "E1", "type": "ORG", "name_en": "Al-Ahram", "name_ar": "الأهرام"},
                     {"id": "E2", "type": "PER", "name_en": "a government source", "name_ar": "مصدر حكومي"}],
        "mentions": [{"id": "M1", **paper, "type": "ORG", "entity": "E1", "form": "canonical", "kind": "name"},
                     {"id": "M2", **source, "type": "PER", "entity": "E2", "form": "canonical", "kind": "nominal"}],
        "quotes": [{"id": "Q2", "cue": sp("نقلا"), "content": content, "source": source, "speaker": "E2",
                    "addressee": None, "type": "indirect"},
                   {"id": "Q1", "cue": sp("ذكرت"), "content": content, "source": paper, "speaker": "E1",
                    "addressee": None, "type": "indirect"}],
        "numbers": []}]}
    gold = build_gold(raw, "<test>")

    def run(pairs):
        line = {"id": "d", "quotes": [{"cue": sp(c), "content": content, "source": s, "type": "indirect"}
                                      for c, s in pairs]}
        import json
        preds = read_prediction_lines([json.dumps(line, ensure_ascii=False)], gold, source="<test>")
        return score(gold, preds, tasks=["quotes"], n_boot=0).get("quotes", "attribution")

    right = run([("ذكرت", paper), ("نقلا", source)])
    assert (right.correct, right.incorrect, right.missed, right.spurious) == (2, 0, 0, 0)
    swapped = run([("ذكرت", source), ("نقلا", paper)])
    assert (swapped.correct, swapped.incorrect) == (0, 2)
    from khabar.errors import KhabarError

    with pytest.raises(KhabarError, match="duplicate"):
        run([("ذكرت", paper), ("ذكرت", source)])


def _source_and_quote():
    """A quote and a source span: anywhere in the text, or part of a mention of the quote's own
    speaker (the case the inside test exists for: the head of a nominal mention names it)."""
    def part(qi):
        spans = [m.span for m in DOC.mentions if m.entity == DOC.quotes[qi].speaker] + [DOC.quotes[qi].source]
        return st.sampled_from(spans).flatmap(lambda sp: st.tuples(
            st.integers(sp.start, sp.end), st.integers(0, sp.end - sp.start)).map(
            lambda t: (t[0], min(sp.end, t[0] + t[1]), qi)))

    anywhere = st.tuples(st.integers(0, len(DOC.text)), st.integers(0, 60), st.integers(0, len(DOC.quotes) - 1)).map(
        lambda t: (t[0], t[0] + t[1], t[2]))
    return st.one_of(anywhere, st.integers(0, len(DOC.quotes) - 1).flatmap(part))


@settings(max_examples=400, deadline=None)
@given(_source_and_quote())
def test_speaker_right_equals_its_definition_for_any_source(case):
    """`speaker_right` skips the inside test where it cannot matter (a source inside a span shares
    a token with it, so Dice > 0); it must equal the definition, max(Dice, threshold) when the
    source lies inside the mention, for any source span, punctuation-only and empty ones too."""
    from khabar.scoring.quotes import speaker_right

    start, end, qi = case[0], min(len(DOC.text), case[1]), case[2]
    source = Span(start, end, DOC.text[start:end])
    tokens = TokenIndex(DOC.text)
    q = DOC.quotes[qi]

    def match(span):
        d = tokens.dice(span, source)
        return max(d, OVERLAP_THRESHOLD) if tokens.inside(source, span) else d

    best, mine = 0.0, False
    for m in DOC.mentions:
        d = match(m.span)
        if d > best or (d == best and m.entity == q.speaker):
            best, mine = d, m.entity == q.speaker
    if match(q.source) >= best:
        best, mine = match(q.source), True
    assert speaker_right(DOC, tokens, q, source) == (best >= OVERLAP_THRESHOLD and mine)
