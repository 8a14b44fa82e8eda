"""The `pyarabic` baseline: PyArabic's own number-word extraction, as the library ships it.

PyArabic (GPL; an optional extra, `pip install khabar[pyarabic]`) finds number phrases with
`pyarabic.number.detect_number_phrases_position` over `pyarabic.araby.tokenize` words and
reads their value with `text2number`. khabar only maps its words back to character offsets
(snapped to khabar's token boundaries) and labels every phrase `cardinal`, since PyArabic has
no notion of kind or counted noun. PyArabic detects digit strings (Western and Arabic-Indic,
through `str.isnumeric`) but its `text2number` gives 0 for them, so digit strings are read
with `float`: the only glue added. Known limits of 0.6.15, kept as shipped: no definite
numerals (الأربعة), no clitic but و on a number's first word (بألفين), digit groups split at
their separators (2,800 gives 2 and 800), ثلاث مائة read as 103, no ordinals, fractions or
percent.
"""

from __future__ import annotations

from khabar.model import Document, PredNumber, Prediction, Span
from khabar.tokens import tokenize


def _word_offsets(text: str, words: list[str]) -> list[tuple[int, int] | None]:
    """Character offsets of PyArabic's words in `text`, found left to right."""
    out, pos = [], 0
    for w in words:
        k = text.find(w, pos)
        if k < 0:
            out.append(None)
            continue
        out.append((k, k + len(w)))
        pos = k + len(w)
    return out


def _snap(text: str, start: int, end: int) -> Span:
    """The smallest token-aligned span covering [start, end)."""
    toks = tokenize(text)
    s = max((t.start for t in toks if t.start <= start), default=start)
    e = min((t.end for t in toks if t.end >= end), default=end)
    return Span(s, e, text[s:e])


def predict_numbers(text: str) -> list[PredNumber]:
    from pyarabic import araby
    from pyarabic import number as arnumber

    words = araby.tokenize(text)
    offsets = _word_offsets(text, words)
    out = []
    for first, last in arnumber.detect_number_phrases_position(words):
        a, b = offsets[first], offsets[last]
        if a is None or b is None:
            continue
        phrase = " ".join(words[first:last + 1])
        if phrase.replace(".", "", 1).isdigit():
            value = float(phrase)
        else:
            value = float(arnumber.text2number(phrase))
        out.append(PredNumber(_snap(text, a[0], b[1]), value, "cardinal", None))
    return out


class PyArabicNumbers:
    """Numbers only, from PyArabic's number-phrase detector."""

    name = "pyarabic"
    tasks = ("numbers",)

    def predict(self, documents: list[Document]) -> list[Prediction]:
        return [Prediction(id=d.id, numbers=predict_numbers(d.text)) for d in documents]
