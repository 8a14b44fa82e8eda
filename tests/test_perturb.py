"""Perturbations: every variant is a valid, exact gold; bad perturbations are refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar import load_gold
from khabar.edits import Edit, gold_spans
from khabar.gold import to_dict
from khabar.model import Gold
from khabar.normalize import DIACRITICS, TATWEEL, normalize
from khabar.perturb import (
    PERTURBATIONS,
    Perturbation,
    PerturbationError,
    Plan,
    get_perturbation,
    number_to_words,
    parser_available,
    perturb,
    split_name,
    write_name,
)
from khabar.validate import validate_raw

GOLD = load_gold()
AVAILABLE = [n for n, p in PERTURBATIONS.items() if p.unavailable() is None]
needs_parser = pytest.mark.skipif(not parser_available(), reason="khabar.numerals is not in this tree")


def _docs(name, seed=0):
    v = perturb(GOLD, name, seed)
    return list(zip(GOLD.documents, v.gold.documents)), v


def test_every_perturbation_is_documented():
    for name, p in PERTURBATIONS.items():
        assert p.name == name and p.models.strip() and p.affects
        assert set(p.affects) <= {"ner", "quotes", "numbers"}
        assert p.may_change <= {"mention.form"}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1))
@pytest.mark.parametrize("name", AVAILABLE)
def test_variant_is_valid_and_exact(name, seed):
    pairs, v = _docs(name, seed)
    assert validate_raw(to_dict(v.gold)) == []
    for old, new in pairs:
        for (what, a), (_, b) in zip(gold_spans(old), gold_spans(new)):
            assert b.text == new.text[b.start:b.end], what
        assert [(m.id, m.type, m.entity, m.kind) for m in old.mentions] == \
               [(m.id, m.type, m.entity, m.kind) for m in new.mentions]
        assert [(q.id, q.speaker, q.type) for q in old.quotes] == [(q.id, q.speaker, q.type) for q in new.quotes]
        assert [(n.id, n.value, n.kind, n.unit) for n in old.numbers] == \
               [(n.id, n.value, n.kind, n.unit) for n in new.numbers]
        assert new.entities == old.entities
        # the only text that changed is what the edits say
        assert v.maps[old.id].new_text == new.text


@pytest.mark.parametrize("name", AVAILABLE)
def test_variants_are_deterministic(name):
    a = to_dict(perturb(GOLD, name, 7).gold)
    b = to_dict(perturb(GOLD, name, 7).gold)
    assert a == b


def test_seeded_perturbations_depend_on_the_seed():
    for name in ("diacritics_added", "tatweel"):
        texts = {perturb(GOLD, name, s).gold.documents[0].text for s in range(4)}
        assert len(texts) > 1, name


def test_orthography():
    for old, new in _docs("orthography")[0]:
        assert not set("أإآٱىة") & set(new.text)
        assert normalize(new.text) == normalize(old.text)
        assert len(new.text) == len(old.text)


def test_diacritics_removed_and_added():
    for old, new in _docs("diacritics_removed")[0]:
        assert not set(DIACRITICS) & set(new.text)
        assert normalize(new.text) == normalize(old.text)
    pairs, v = _docs("diacritics_added", 3)
    assert v.n_edits > 0
    for old, new in pairs:
        assert sum(c in DIACRITICS for c in new.text) > sum(c in DIACRITICS for c in old.text)
        assert normalize(new.text) == normalize(old.text)


def test_tatweel():
    pairs, v = _docs("tatweel", 1)
    assert v.n_edits > 0
    for old, new in pairs:
        assert new.text.replace(TATWEEL, "") == old.text.replace(TATWEEL, "")
        for i, c in enumerate(new.text):
            if c == TATWEEL:  # never at a word edge
                assert i > 0 and not new.text[i - 1].isspace() and i + 1 < len(new.text) and not new.text[i + 1].isspace()


def test_digits_round_trip():
    ind = perturb(GOLD, "digits_arabic_indic").gold
    assert not any(c.isascii() and c.isdigit() for d in ind.documents for c in d.text)
    back = perturb(ind, "digits_western").gold
    assert [d.text for d in back.documents] == [d.text for d in GOLD.documents]
    assert to_dict(back)["documents"] == to_dict(GOLD)["documents"]


def test_quote_styles():
    for old, new in _docs("quotes_guillemets")[0]:
        assert '"' not in new.text and new.text.count("«") == old.text.count('"') - new.text.count("»")
        assert len(new.text) == len(old.text)
    for old, new in _docs("quotes_curly")[0]:
        assert '"' not in new.text and new.text.count("“") + new.text.count("”") == old.text.count('"')


def test_punctuation_spacing():
    for old, new in _docs("punct_tight")[0]:
        assert " ،" not in new.text and " ." not in new.text
        assert new.text.replace(" ", "") == old.text.replace(" ", "")
    for old, new in _docs("punct_loose")[0]:
        assert all(new.text[i - 1].isspace() for i, c in enumerate(new.text) if c in "،؛؟" and i > 0)
        assert new.text.replace(" ", "") == old.text.replace(" ", "")


def test_names_canonical_uses_the_clusters_own_names():
    pairs, v = _docs("names_canonical")
    changed = 0
    for old, new in pairs:
        ents = old.entity_by_id
        for a, b in zip(old.ner_mentions, new.ner_mentions):
            assert b.form == "canonical"
            if a.form == "canonical":
                assert b.text == a.text
                continue
            changed += 1
            words = ents[a.entity].name_ar.split()
            runs = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
            prefix, core, _ = split_name(b.text, sorted(runs))
            assert core in runs and write_name(prefix, core) == b.text
        # speakers and sources stay together
        for qa, qb in zip(old.quotes, new.quotes):
            assert qa.speaker == qb.speaker
            assert (qb.source.start, qb.source.end) in {(m.start, m.end) for m in new.mentions_of(qb.speaker)}
    assert changed == sum(m.form != "canonical" for d in GOLD.documents for m in d.ner_mentions)


def test_names_corrupted_uses_the_clusters_own_misspellings():
    for seed in range(3):
        for old, new in _docs("names_corrupted", seed)[0]:
            cores = {}
            for m in old.ner_mentions:
                if m.form != "canonical":
                    cores.setdefault(m.entity, set()).add(m.text)
            for a, b in zip(old.ner_mentions, new.ner_mentions):
                if a.text == b.text:
                    assert a.form == b.form
                    continue
                assert a.form == "canonical" and b.form in ("variant", "corrupted")
                assert any(b.text.endswith(c) or c.endswith(b.text) for c in cores[a.entity]), b.text


def test_clitics():
    assert split_name("للأمم المتحدة", ["الأمم المتحدة"])[:2] == ("ل", "الأمم المتحدة")
    assert split_name("لميخائيل بوجدانوف", ["ميخائيل بوغدانوف"])[0] == "ل"
    assert split_name("فيديريكا موغريني", ["فيديريكا موغيريني"])[0] == ""
    assert split_name("بمعمر القذافي", ["معمر القذافي"])[0] == "ب"
    assert write_name("ل", "الأمم المتحدة") == "للأمم المتحدة"
    assert write_name("و", "حفتر") == "وحفتر"


@pytest.mark.parametrize("n, words", [
    (2011, "ألفين وأحد عشر"), (2800, "ألفين وثمانمائة"), (21, "واحد وعشرين"), (3000, "ثلاثة آلاف"),
    (7, "سبعة"), (100, "مائة"), (11000, "أحد عشر ألف"), (1_500_000, "مليون وخمسمائة ألف"),
])
def test_number_to_words(n, words):
    assert number_to_words(n) == words


@needs_parser
@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9))
def test_number_words_read_back(n):
    from khabar.perturb import read_number

    assert read_number(number_to_words(n)) == n


@needs_parser
@pytest.mark.parametrize("name, digits", [("numbers_to_digits", True), ("numbers_to_words", False)])
def test_number_perturbations_keep_values(name, digits):
    from khabar.perturb import DIGIT_CHARS, read_number

    changed = 0
    for old, new in _docs(name)[0]:
        for a, b in zip(old.numbers, new.numbers):
            assert (b.value, b.kind, b.unit, b.in_name) == (a.value, a.kind, a.unit, a.in_name)
            if a.text != b.text:
                changed += 1
                assert read_number(b.text) == a.value
                assert any(c in DIGIT_CHARS for c in b.text) == digits
    assert changed == sum(n.kind in ("cardinal", "year") and any(c in DIGIT_CHARS for c in n.text) != digits
                          for d in GOLD.documents for n in d.numbers)


# --- bad perturbations are refused -----------------------------------------------------------


def _bad(make, **kw) -> Perturbation:
    return Perturbation("bad", "a deliberately broken perturbation", {"ner": "?"}, make, **kw)


DOC = GOLD.documents[0]


def test_span_boundary_into_a_token_is_refused():
    m = DOC.ner_mentions[0]
    glue = _bad(lambda d, r: Plan([Edit.insert(m.end, "ها")]))  # a suffix glued after the name
    with pytest.raises(PerturbationError, match="inside a token"):
        glue.apply(DOC)


def test_straddling_replacement_is_refused():
    m = DOC.ner_mentions[-1]
    cut = _bad(lambda d, r: Plan([Edit.replace(m.start - 2, m.start + 1, "X")]))
    with pytest.raises(PerturbationError, match="straddles"):
        cut.apply(DOC)


def test_changed_value_is_refused():
    n = next((n for d in GOLD.documents for n in d.numbers if any(c.isdigit() for c in n.text)), None)
    if n is None:
        pytest.skip("no number written in digits in this gold")
    doc = next(d for d in GOLD.documents if n in d.numbers)
    other = str(int(n.value) + 1)
    bump = _bad(lambda d, r: Plan([Edit.replace(n.start, n.end, other)]))
    with pytest.raises(PerturbationError, match="not its value"):
        bump.apply(doc)
    unreadable = _bad(lambda d, r: Plan([Edit.replace(n.start, n.end, "كذا")]))
    with pytest.raises(PerturbationError, match="no longer reads"):
        unreadable.apply(doc)
    # the same edit keeping the value passes
    same = _bad(lambda d, r: Plan([Edit.replace(n.start, n.end, str(int(n.value)))]))
    assert same.apply(doc).document.numbers == doc.numbers


def test_paragraph_change_is_refused():
    nl = DOC.text.index("\n")
    join = _bad(lambda d, r: Plan([Edit.replace(nl, nl + 1, " ")]))
    with pytest.raises(PerturbationError, match="paragraphs"):
        join.apply(DOC)


def test_undeclared_form_change_is_refused():
    m = DOC.ner_mentions[0]
    relabel = _bad(lambda d, r: Plan([], {m.id: "corrupted"}))
    with pytest.raises(PerturbationError, match="does not declare"):
        relabel.apply(DOC)
    ok = _bad(lambda d, r: Plan([], {m.id: "corrupted"}), may_change=frozenset({"mention.form"}))
    assert ok.apply(DOC).document.mentions[0].form == "corrupted"


def test_variant_failing_the_validator_is_refused():
    # two name mentions made to overlap is impossible by edits; a form outside the inventory is not
    m = DOC.ner_mentions[0]
    bad = _bad(lambda d, r: Plan([], {m.id: "misspelt"}), may_change=frozenset({"mention.form"}))
    with pytest.raises(PerturbationError, match="invalid variant"):
        bad.apply(DOC)


def test_unknown_perturbation_is_a_user_error():
    from khabar.errors import KhabarError

    with pytest.raises(KhabarError, match="unknown perturbation"):
        get_perturbation("nope")


def test_perturb_gold_keeps_ids_and_marks_version():
    v = perturb(GOLD, "orthography")
    assert isinstance(v.gold, Gold) and v.gold.version.startswith(GOLD.version) and "orthography" in v.gold.version
    assert [d.id for d in v.gold.documents] == [d.id for d in GOLD.documents]


def test_every_perturbation_is_in_the_docs():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "ROBUSTNESS.md").read_text(encoding="utf-8")
    for name in PERTURBATIONS:
        assert f"| `{name}` |" in doc, name
