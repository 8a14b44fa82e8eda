"""Token-overlap matching of spans, used for quotes and numbers.

Two spans are compared as the sets of khabar tokens (punctuation excluded) they touch; their
overlap is the Dice coefficient (token F1) of the two sets. A predicted span cut inside a word
(a clitic left out, say) therefore touches the same tokens as the gold. Matching is one-to-one
and greedy on the overlap, highest first, ties broken by position, so it does not depend on
the order of the predictions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry (`tasks`) imports this module for `khabar score --conll` too, cold
    from ..model import Span

OVERLAP_THRESHOLD = 0.5
"""Minimum token Dice for an overlap match (content, cue, source, number span)."""


class TokenIndex:
    """The word tokens of one document, for turning spans into token sets."""

    def __init__(self, text: str):
        from ..tokens import is_punct, tokenize

        toks = [t for t in tokenize(text) if not is_punct(t.text)]
        self.starts = [t.start for t in toks]
        self.ends = [t.end for t in toks]
        self._seen: dict[tuple[int, int], range] = {}

    def tokens(self, span: Span) -> range:
        """Indices of the word tokens that `span` touches (remembered: the speaker check asks
        for the same mention spans once per quote)."""
        key = (span.start, span.end)
        got = self._seen.get(key)
        if got is None:
            lo = bisect_right(self.ends, span.start)
            hi = bisect_left(self.starts, span.end)
            got = self._seen[key] = range(lo, max(lo, hi))
        return got

    def dice(self, a: Span, b: Span) -> float:
        """Token Dice of two spans; 1.0 for identical character spans."""
        if a.start == b.start and a.end == b.end:
            return 1.0
        ta, tb = self.tokens(a), self.tokens(b)
        if not len(ta) or not len(tb):
            return 0.0
        inter = max(0, min(ta.stop, tb.stop) - max(ta.start, tb.start))
        return 2 * inter / (len(ta) + len(tb))


    def inside(self, inner: Span, outer: Span) -> bool:
        """Whether every word token `inner` touches lies within `outer`'s tokens."""
        ti, to = self.tokens(inner), self.tokens(outer)
        return len(ti) > 0 and to.start <= ti.start and ti.stop <= to.stop


def exact(a: Span, b: Span) -> float:
    return 1.0 if a.start == b.start and a.end == b.end else 0.0


def one_to_one(gold: Sequence[Span], pred: Sequence[Span | None], score: Callable[[Span, Span], float],
               threshold: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching: (gold index, pred index) pairs with score >= threshold."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if p is None or not (p.start < g.end and g.start < p.end):
                continue
            s = score(g, p)
            if s >= threshold:
                cands.append((-s, g.start, g.end, p.start, p.end, gi, pi))
    cands.sort()
    used_g, used_p, pairs = set(), set(), []
    for *_, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return sorted(pairs)
