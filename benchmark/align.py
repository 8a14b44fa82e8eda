"""Text-to-offset alignment: map strings a model returned back to spans of the document.

Models return text, not offsets. `Aligner.find` looks for a string in increasingly tolerant
views of the document (exact; orthographically normalised with white space collapsed; loose:
hamza seats, quotation-mark and punctuation variants, no white space next to punctuation; the
لل contraction of ل + ال), snaps the match to token boundaries when asked (entity, number, cue and source
spans start and end on tokens, so a model that drops an attached clitic still lands on the
token), and picks among the remaining occurrences the one nearest in order of appearance.
Nothing is fuzzy: a string that occurs in none of these views is reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .model import Span
from .normalize import fold_with_offsets, is_dropped
from .tokens import PUNCTUATION, tokenize

LEVELS: tuple[str, ...] = ("exact", "normalized", "loose", "article")
"""The alignment views, most to least strict. The method of an alignment names its view."""

WHOLE_ITEM = "item"
"""`Unaligned.part` of a record that removed a whole predicted item (counted as a false positive)."""


@dataclass(frozen=True)
class Alignment:
    """The result of aligning one string: a span, or None with the reason."""

    span: Span | None
    method: str | None = None  # one of LEVELS
    snapped: bool = False  # the match was widened to token boundaries
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.span is not None


@dataclass(frozen=True)
class Unaligned:
    """One thing a system returned that could not become (part of) a prediction, and why.

    `part` is `"item"` when the whole entity, quote or number was dropped (the scorer counts it
    as a false positive of `task`), or the name of the field that was lost (`"cue"`,
    `"source"`) when the rest of the item was kept. `paragraph` is the index of the paragraph
    the item was asked about, when known (for the scorer's paragraph bootstrap).
    """

    task: str
    part: str
    text: str
    reason: str
    item: dict = field(default_factory=dict)
    paragraph: int | None = None

    def to_dict(self) -> dict:
        return {"task": self.task, "part": self.part, "text": self.text, "reason": self.reason,
                "paragraph": self.paragraph, "item": self.item}


def unaligned_count(prediction, task: str, part: str = WHOLE_ITEM) -> int:
    """How many items of `task` a prediction returned but could not align (false positives).

    Reads the optional `unaligned` list (dicts as in `Unaligned.to_dict`) that LLM systems attach
    to their predictions; 0 for predictions without one.
    """
    return sum(1 for u in getattr(prediction, "unaligned", None) or () if u["task"] == task and u["part"] == part)


def _fold(text: str, loose: bool) -> tuple[str, list[int]]:
    """`fold_with_offsets` with white space collapsed, and in the loose view also removed next
    to punctuation (a model writes `المتحدة، فر` for `المتحدة ، فر`) and after a detached
    conjunction و (`و ثمانمائة` / `وثمانمائة`); other word boundaries stay."""
    out, index = fold_with_offsets(text, loose=loose, space="collapse")
    if not loose:
        return out, index

    def drop(i: int) -> bool:
        if out[i] != " ":
            return False
        if (i > 0 and out[i - 1] in PUNCTUATION) or (i + 1 < len(out) and out[i + 1] in PUNCTUATION):
            return True
        return i > 0 and out[i - 1] == "و" and (i == 1 or out[i - 2] == " ")

    keep = [i for i in range(len(out)) if not drop(i)]
    return "".join(out[i] for i in keep), [index[i] for i in keep]


class _View:
    """One normalised view of the document, with the map back to document offsets."""

    def __init__(self, text: str, *, loose: bool):
        self.loose = loose
        self.text, self.index = _fold(text, loose)

    def key(self, needle: str) -> str:
        return _fold(needle, self.loose)[0].strip()

    def occurrences(self, key: str, doc: str) -> list[tuple[int, int]]:
        """Document spans of every (overlapping) occurrence of `key` in this view."""
        out, i = [], self.text.find(key)
        while i >= 0 and key:
            start, end = self.index[i], self.index[i + len(key) - 1] + 1
            while end < len(doc) and is_dropped(doc[end]):  # trailing diacritics belong to the letter
                end += 1
            out.append((start, end))
            i = self.text.find(key, i + 1)
        return out


class Aligner:
    """Aligns strings to one document. Build once per document: the views are precomputed."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self._tok_of = [-1] * len(text)
        for k, t in enumerate(self.tokens):
            for i in range(t.start, t.end):
                self._tok_of[i] = k
        self._starts = {t.start for t in self.tokens}
        self._ends = {t.end for t in self.tokens}
        self._views = {"normalized": _View(text, loose=False), "loose": _View(text, loose=True)}

    # -- matching -------------------------------------------------------------------------

    def matches(self, needle: str, level: str) -> list[tuple[int, int]]:
        """Document spans where `needle` occurs in the view `level` (unsnapped)."""
        if level == "exact":
            n = needle.strip()
            out, i = [], self.text.find(n) if n else -1
            while i >= 0:
                out.append((i, i + len(n)))
                i = self.text.find(n, i + 1)
            return out
        if level == "article":
            # ل + ال is written لل: a model that writes الأمم for للأمم matches لأمم inside it.
            view = self._views["normalized"]
            key = view.key(needle)
            if not key.startswith("ال") or len(key) < 4:
                return []
            return [(s, e) for s, e in view.occurrences(key[1:], self.text) if s > 0 and self.text[s - 1] == "ل"]
        view = self._views[level]
        return view.occurrences(view.key(needle), self.text)

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen `[start, end)` to the tokens it touches."""
        a = self._tok_of[start] if start < len(self.text) else -1
        b = self._tok_of[end - 1] if end > 0 else -1
        s = self.tokens[a].start if a >= 0 else start
        e = self.tokens[b].end if b >= 0 else end
        return min(s, start), max(e, end)

    def on_tokens(self, start: int, end: int) -> bool:
        return start in self._starts and end in self._ends

    # -- choosing -------------------------------------------------------------------------

    def find(
        self,
        needle: str,
        *,
        snap: bool = True,
        cursor: int = 0,
        near: tuple[int, int] | None = None,
        used: Iterable[tuple[int, int]] = (),
        within: tuple[int, int] | None = None,
        exclude: tuple[int, int] | None = None,
        levels: Iterable[str] = LEVELS,
    ) -> Alignment:
        """Align `needle` to a span of the document.

        Occurrences already given to earlier items (`used`) are skipped. With `snap`, an
        occurrence on token boundaries in any view beats one that had to be widened; then views
        are tried in order (`levels`) and the first with an occurrence wins. Within a view,
        without `near`, the first occurrence at or after `cursor` wins (else the nearest before
        it: order of appearance); with `near` (a span, e.g. a quote's content when placing its
        cue), the closest to it.
        `within` restricts matches to a part of the document (a paragraph); a match that
        overlaps `exclude` is skipped (a cue is never inside the content it governs).
        """
        if not needle or not needle.strip():
            return Alignment(None, reason="empty string")
        used = set(used)
        taken = 0
        by_level: list[tuple[str, list]] = []
        for level in levels:
            if level == "article" and not snap:
                continue
            cands = []
            for s, e in self.matches(needle, level):
                if within and (s < within[0] or e > within[1]):
                    continue
                ss, ee = self.snap(s, e) if snap else (s, e)
                if within and (ss < within[0] or ee > within[1]):
                    continue
                if exclude and ss < exclude[1] and exclude[0] < ee:
                    continue
                if (ss, ee) in used:
                    taken += 1
                    continue
                snapped = (ss, ee) != (s, e)
                cands.append((ss, ee, snapped, snap and (snapped or not self.on_tokens(ss, ee))))
            by_level.append((level, cands))

        def rank(c):
            s, e, _, _ = c
            if near is not None:
                return (max(near[0] - e, s - near[1], 0), s)
            return (s < cursor, abs(s - cursor))

        # a match already on token boundaries in any view beats one that had to be widened
        for off_tokens in (False, True):
            for level, cands in by_level:
                pool = [c for c in cands if c[3] == off_tokens]
                if pool:
                    s, e, snapped, _ = min(pool, key=rank)
                    return Alignment(Span(s, e, self.text[s:e]), method=level, snapped=snapped)
        where = " in the paragraph" if within else ""
        if taken:
            return Alignment(None, reason=f"every occurrence{where} is already taken by an earlier item")
        return Alignment(None, reason=f"text not found{where} (exact, normalised or loose)")


def align(text: str, needle: str, **options) -> Alignment:
    """Align one string to `text` (builds an `Aligner`; reuse one for many strings)."""
    return Aligner(text).find(needle, **options)
