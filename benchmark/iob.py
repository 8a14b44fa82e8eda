"""The IOB2 token view of the NER gold, derived from its spans (fine or coarse scheme).

Because entity spans sit on token boundaries (the validator checks it), the view is exact:
decoding the tags gives back the spans.
"""

from __future__ import annotations

from .model import Document, Span
from .schema import map_type
from .tokens import Token, sentences


def spans_to_tags(tokens: list[Token], spans: list[tuple[Span, str]]) -> list[str]:
    """IOB2 tags for `tokens`, given (span, label) pairs on token boundaries."""
    tags = ["O"] * len(tokens)
    index = {t.start: i for i, t in enumerate(tokens)}
    for span, label in sorted(spans, key=lambda p: p[0].start):
        i = index.get(span.start)
        if i is None:
            continue  # the span does not start in these tokens
        tags[i] = f"B-{label}"
        j = i + 1
        while j < len(tokens) and tokens[j].end <= span.end:
            tags[j] = f"I-{label}"
            j += 1
    return tags


def iob2(doc: Document, scheme: str = "fine") -> list[tuple[list[Token], list[str]]]:
    """(tokens, tags) per paragraph of `doc` in `scheme`; unscored types become O."""
    labelled = []
    for m in doc.ner_mentions:
        label = map_type(m.type, scheme)
        if label is not None:
            labelled.append((m.span, label))
    out = []
    for toks in sentences(doc.text):
        if not toks:
            out.append((toks, []))
            continue
        lo, hi = toks[0].start, toks[-1].end
        inside = [(s, lab) for s, lab in labelled if lo <= s.start and s.end <= hi]
        out.append((toks, spans_to_tags(toks, inside)))
    return out
