"""The `pyarabic` baseline: PyArabic's own number-word extraction, as the library ships it.

PyArabic (GPL; an optional extra, `pip install khabar[pyarabic]`) finds number phrases with
`pyarabic.number.detect_number_phrases_position` over `pyarabic.araby.tokenize` words and
reads their value with `text2number`. khabar only maps its words back to character offsets
(snapped to khabar's token boundaries) and labels every phrase `cardinal`, since PyArabic has
no notion of kind or counted noun. PyArabic detects digit strings (Western and Arabic-Indic,
through `str.isnumeric`) but its `text2number` gives 0 for them, so digit strings are read
with `float`. PyArabic splits a digit string at its separators (2,800 gives 2 and 800; 23.4 gives
23 and 4) where khabar's tokens keep it whole, so phrases that snap to the same token span are
one prediction, its value the whole digit string's: the only other glue (without it the file
would hold duplicate spans, which `khabar score` refuses). Known limits of 0.6.15, kept as
shipped: no definite numerals (الأربعة), no clitic but و on a number's first word (بألفين),
ثلاث مائة read as 103, no ordinals, fractions or percent.
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
    out: dict[tuple[int, int], PredNumber] = {}
    for first, last in arnumber.detect_number_phrases_position(words):
        a, b = offsets[first], offsets[last]
        if a is None or b is None:
            continue
        span = _snap(text, a[0], b[1])
        if span.key in out:  # a digit string PyArabic split at its separator
            out[span.key] = PredNumber(span, _digits(span.text, out[span.key].value), "cardinal", None)
            continue
        phrase = " ".join(words[first:last + 1])
        value = _digits(phrase, None)
        if value is None:
            value = float(arnumber.text2number(phrase))
        out[span.key] = PredNumber(span, value, "cardinal", None)
    return list(out.values())


def _digits(s: str, default):
    """The value of a digit string (Western or Arabic-Indic, `.`/`٫` decimal, `,`/`٬` groups), else `default`."""
    t = s.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩٫", "0123456789.", ",٬"))
    try:
        return float(t) if t.replace(".", "", 1).isdigit() else default
    except ValueError:
        return default


class PyArabicNumbers:
    """Numbers only, from PyArabic's number-phrase detector."""

    name = "pyarabic"
    tasks = ("numbers",)

    def predict(self, documents: list[Document]) -> list[Prediction]:
        return [Prediction(id=d.id, numbers=predict_numbers(d.text)) for d in documents]
