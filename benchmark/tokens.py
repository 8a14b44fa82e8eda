"""The spec's tokeniser: runs of non-space characters with punctuation split off.

Arabic diacritics and tatweel stay inside their token; clitics stay attached (ANNOTATION_SPEC,
offsets and tokens). One deliberate addition: a decimal or thousands separator between two
digits (2,800 / 3.5 / ٢٫٥) stays inside the number, so numerals are one token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PUNCTUATION = "،,.:؛;؟?!\"«»“”()[]{}<>'‘’„‹›…/\\|-–—*#"
"""Characters that are always tokens of their own (the spec's list plus common neighbours)."""

_DIGIT = "0-9٠-٩۰-۹"
_P = re.escape(PUNCTUATION)
_TOKEN_RE = re.compile(
    rf"[{_DIGIT}]+(?:[.,٫٬][{_DIGIT}]+)+"  # 2,800  3.5  ٢٫٥
    rf"|[{_P}]"
    rf"|[^\s{_P}]+"
)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of `text` with offsets (shifted by `offset`) into the enclosing document."""
    return [Token(m.start() + offset, m.end() + offset, m.group()) for m in _TOKEN_RE.finditer(text)]


def is_punct(token_text: str) -> bool:
    return len(token_text) == 1 and token_text in PUNCTUATION


def boundaries(text: str) -> tuple[set[int], set[int]]:
    """The sets of token start and token end offsets of `text`."""
    toks = tokenize(text)
    return {t.start for t in toks}, {t.end for t in toks}


def sentences(text: str) -> list[list[Token]]:
    """Tokens grouped into the units of the IOB2 view: khabar's units are paragraphs (lines)."""
    out, start = [], 0
    for line in text.split("\n"):
        out.append(tokenize(line, start))
        start += len(line) + 1
    return out


def paragraph_of_tokens(text: str, toks: list[Token]) -> list[int]:
    """The paragraph (0-based) of each token of `text`: a line break between two tokens starts a new one."""
    out, n = [], 0
    for k, tok in enumerate(toks):
        if k and "\n" in text[toks[k - 1].end:tok.start]:
            n += 1
        out.append(n)
    return out
