"""Rule-based number extraction: khabar's own Arabic numeral parser (`khabar.numerals`).

Spans, values and kinds come from the parser; the unit is the counted noun next to the numeral
when it is in the parser's small list of general news nouns (شخص→person, يوم→day ...).
"""

from __future__ import annotations

from khabar.model import PredNumber
from khabar.numerals import find_numbers


def predict_numbers(text: str) -> list[PredNumber]:
    """The number predictions for one document text."""
    return [PredNumber(m.span, m.value, m.kind, m.unit) for m in find_numbers(text)]
