from hypothesis import given, strategies as st

from khabar.tokens import PUNCTUATION, boundaries, sentences, tokenize


def test_punctuation_split_and_clitics_kept():
    toks = [t.text for t in tokenize('وفقًا للأمم المتحدة ، فر "التنفيذ الكامل،')]
    assert toks == ["وفقًا", "للأمم", "المتحدة", "،", "فر", '"', "التنفيذ", "الكامل", "،"]


def test_diacritics_and_tatweel_stay_inside():
    assert [t.text for t in tokenize("مـــسؤولًا فرنسيًا.")] == ["مـــسؤولًا", "فرنسيًا", "."]


def test_numbers_with_separators_are_one_token():
    assert [t.text for t in tokenize("فر 2,800 شخص و٣٫٥ مليون، 2011.")] == [
        "فر", "2,800", "شخص", "و٣٫٥", "مليون", "،", "2011", "."]


def test_offsets_slice_the_text(doc):
    for t in tokenize(doc.text):
        assert doc.text[t.start:t.end] == t.text
        assert not any(c.isspace() for c in t.text)


def test_paragraph_units_cover_all_tokens(doc):
    assert sum(len(s) for s in sentences(doc.text)) == len(tokenize(doc.text))
    assert len(sentences(doc.text)) == 7


@given(st.text(alphabet="ابت ،.\"«»0123456789٠١ \n", max_size=60))
def test_tokens_partition_non_space(text):
    toks = tokenize(text)
    covered = "".join(t.text for t in toks)
    assert covered == "".join(c for c in text if not c.isspace())
    starts, ends = boundaries(text)
    assert all(s < e for s, e in zip(sorted(starts), sorted(ends)))
    for t in toks:
        if any(c in PUNCTUATION for c in t.text) and len(t.text) > 1:
            assert any(c.isdigit() for c in t.text)  # only digit groups keep separators inside


def test_paragraph_of_tokens():
    from khabar.tokens import paragraph_of_tokens, tokenize

    text = "قال أحمد: نعم.\nوأضاف\n\n، لا"
    toks = tokenize(text)
    assert paragraph_of_tokens(text, toks) == [0, 0, 0, 0, 0, 1, 2, 2]
    assert paragraph_of_tokens("", []) == []
