"""Arabic orthographic normalisation: the character classes writers and MT systems vary.

Shared by text-to-offset alignment (LLM systems) and the robustness perturbations. Every map is
one character to at most one character, so a normalised string can be mapped back to offsets.
"""

from __future__ import annotations

import re

DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670"
"""Tanwin, short vowels, shadda, sukun, maddah/hamza above/below, superscript alef."""
TATWEEL = "\u0640"
ALEF_FORMS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"}
TA_MARBUTA = {"ة": "ه"}
ALEF_MAQSURA = {"ى": "ي"}
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
DIGIT_MAP = {**{d: str(i) for i, d in enumerate(ARABIC_INDIC_DIGITS)},
             **{d: str(i) for i, d in enumerate(PERSIAN_DIGITS)}}

_FOLD = {**ALEF_FORMS, **TA_MARBUTA, **ALEF_MAQSURA, **DIGIT_MAP}
_DROP = set(DIACRITICS + TATWEEL)
_SPACE = re.compile(r"\s+")


def fold_char(c: str) -> str:
    """The normalised form of one character ('' when it is dropped)."""
    if c in _DROP:
        return ""
    return _FOLD.get(c, c)


def normalize(text: str) -> str:
    """Drop diacritics and tatweel, fold alef/hamza, ta marbuta, alef maqsura and digits,
    and collapse runs of white space to one space."""
    return _SPACE.sub(" ", "".join(fold_char(c) for c in text))


def to_western_digits(text: str) -> str:
    return "".join(DIGIT_MAP.get(c, c) for c in text)


def to_arabic_indic_digits(text: str) -> str:
    return "".join(ARABIC_INDIC_DIGITS[int(c)] if "0" <= c <= "9" else c for c in text)


# --- alignment views (additive: used by benchmark/align.py) ------------------------------

HAMZA = "ء"
HAMZA_SEATS = {"ؤ": HAMZA, "ئ": HAMZA}
"""Hamza on waw / ya and on the line are one class: writers and models alternate the seat
(مسؤول / مسئول, شؤون / شئون)."""
PERSIAN_LETTERS = {"ی": "ي", "ک": "ك", "ہ": "ه"}
QUOTE_FOLD = {c: '"' for c in "«»“”„‟″〝〞"} | {c: "'" for c in "‘’‚‛′"}
PUNCT_FOLD = {"،": ",", "؛": ";", "؟": "?", "٫": ".", "٬": ","}
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u061c\ufeff\u00ad"
"""Zero-width and direction marks: never visible, often inserted or lost by models."""

_LOOSE_FOLD = {**_FOLD, **HAMZA_SEATS, **PERSIAN_LETTERS, **QUOTE_FOLD, **PUNCT_FOLD}
_LOOSE_DROP = _DROP | set(INVISIBLE)


def fold_char_loose(c: str) -> str:
    """`fold_char` plus hamza seats (ؤ ئ ء are one letter), Persian letter forms,
    quotation-mark and Arabic punctuation variants; invisible marks are dropped."""
    if c in _LOOSE_DROP:
        return ""
    return _LOOSE_FOLD.get(c, c)


def is_dropped(c: str) -> bool:
    """True for a character every alignment view drops (diacritics, tatweel, invisible marks):
    a span that ends just before one should take it in, as it belongs to the letter before."""
    return c in _DROP or c in INVISIBLE


def fold_with_offsets(text: str, *, loose: bool = False, space: str = "collapse") -> tuple[str, list[int]]:
    """A normalised view of `text` and, per output character, the input index it came from.

    `loose` selects `fold_char_loose` instead of `fold_char`. `space` is "keep" (as
    `fold_with_offsets`), "collapse" (each run of white space becomes one space, mapped to
    the run's first character, as `normalize` does) or "drop" (white space removed: a model
    that writes `المتحدة، فر` for `المتحدة ، فر` still matches).
    """
    if space not in ("keep", "collapse", "drop"):
        raise ValueError(f"space must be 'keep', 'collapse' or 'drop', not {space!r}")
    fold = fold_char_loose if loose else fold_char
    out, index = [], []
    prev_space = False
    for i, c in enumerate(text):
        if c.isspace():
            if space == "drop" or (space == "collapse" and prev_space):
                continue
            prev_space = True
            out.append(" " if space == "collapse" else c)
            index.append(i)
            continue
        f = fold(c)
        if f:
            prev_space = False
            out.append(f)
            index.append(i)
    return "".join(out), index


def normalize_loose(text: str, *, space: str = "collapse") -> str:
    """`fold_with_offsets(text, loose=True, space=space)` without the offsets."""
    return fold_with_offsets(text, loose=True, space=space)[0]
