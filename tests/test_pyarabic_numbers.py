"""The `pyarabic` baseline: PyArabic's number extraction as shipped, mapped to khabar spans."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("pyarabic")

from pyarabic import number as arnumber  # noqa: E402

from khabar.baselines import get_system, registry  # noqa: E402
from khabar.baselines.pyarabic_numbers import PyArabicNumbers, predict_numbers  # noqa: E402
from khabar.tokens import boundaries  # noqa: E402


def test_registered_as_an_optional_system():
    entry = registry()["pyarabic"]
    assert entry.requires == ("pyarabic",)
    assert entry.missing() is None
    assert get_system("pyarabic").tasks == ("numbers",)


def test_same_phrases_as_the_library(doc):
    """The spans cover exactly the phrases PyArabic's own `extract_number_phrases` returns."""
    got = [" ".join(n.span.text.split()) for n in predict_numbers(doc.text)]
    assert got == arnumber.extract_number_phrases(doc.text)


def test_on_the_gold(gold):
    preds = PyArabicNumbers().predict(gold.documents)
    hits = 0
    for p, d in zip(preds, gold.documents):
        assert p.entities is None and p.quotes is None
        starts, ends = boundaries(d.text)
        gold_values = {n.span.key: n.value for n in d.numbers}
        for n in p.numbers:
            assert n.span.start in starts and n.span.end in ends and d.text[n.span.start:n.span.end] == n.span.text
            assert n.kind == "cardinal" and math.isfinite(n.value)
            if n.span.key in gold_values and math.isclose(n.value, gold_values[n.span.key]):
                hits += 1
    assert hits >= 1


def test_repeated_words_map_to_their_own_offsets():
    text = "وصل ثلاثة ثم غادر ثلاثة آخرون."
    assert [(n.span.start, n.value) for n in predict_numbers(text)] == [(4, 3.0), (18, 3.0)]


def test_the_shipped_limits_the_readme_names():
    """PyArabic 0.6.15 as shipped: no definite numerals, no clitic other than و on the first
    word, and ثلاث مائة read as 103. (It does find Arabic-Indic digits, through str.isnumeric.)
    It splits digit groups at their separators, which khabar's tokens keep whole: the pieces
    snap to one span, read as the whole digit string. If a release changes this, the README's
    description of the baseline must change with this test."""
    from pyarabic import araby
    from pyarabic import number as arnumber

    got = [(n.span.text, n.value) for n in predict_numbers("في الأيام الأربعة قتل ٣٠ شخصا")]
    assert got == [("٣٠", 30.0)]
    words = araby.tokenize("فر 2,800 شخص")
    assert len(arnumber.detect_number_phrases_position(words)) == 2  # PyArabic's own split
    assert [(n.span.text, n.value) for n in predict_numbers("فر 2,800 شخص")] == [("2,800", 2800.0)]
    assert [(n.span.text, n.value) for n in predict_numbers("لم تتجاوز 23.4 في المئة")] == [("23.4", 23.4)]
    assert predict_numbers("اشترى فستانا بألفين") == []
    assert [n.value for n in predict_numbers("قتل ثلاث مائة شخص")] == [103.0]
