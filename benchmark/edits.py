"""Offset-tracked character edits: change a document's text and carry every gold span along.

A variant's gold is exact by construction: each span is moved through the edits by offset
arithmetic (never by searching for its string again), its stored text is rebuilt from the
edits that fall inside it and checked against the slice of the new text, and an edit that cuts
across a span boundary, empties a span or leaves a boundary inside a token is refused.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from .errors import KhabarError
from .model import Document, Mention, Number, Quote, Span
from .tokens import boundaries

ATTACH = (None, "left", "right")


class EditError(KhabarError):
    """An edit (or a set of edits) that cannot be applied without breaking a gold span."""


@dataclass(frozen=True)
class Edit:
    """Replace `text[start:end]` by `new`. `start == end` inserts; `new == ''` deletes.

    `attach` says where a pure insertion at a span boundary belongs: `'left'` joins the span
    that ends at `start` (a diacritic written after the last letter of a name), `'right'` joins
    the span that starts there, `None` (the default) stays outside both. An insertion strictly
    inside a span is always inside it.
    """

    start: int
    end: int
    new: str = ""
    attach: str | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.start, int) and isinstance(self.end, int)) or self.start < 0 or self.end < self.start:
            raise EditError(f"bad edit offsets [{self.start}, {self.end})")
        if self.attach not in ATTACH:
            raise EditError(f"bad edit attach {self.attach!r}; expected left, right or None")
        if self.start == self.end and not self.new:
            raise EditError(f"empty edit at {self.start}")

    @property
    def is_insert(self) -> bool:
        return self.start == self.end

    @property
    def delta(self) -> int:
        return len(self.new) - (self.end - self.start)

    @classmethod
    def insert(cls, at: int, new: str, attach: str | None = None) -> "Edit":
        return cls(at, at, new, attach)

    @classmethod
    def delete(cls, start: int, end: int) -> "Edit":
        return cls(start, end, "")

    @classmethod
    def replace(cls, start: int, end: int, new: str) -> "Edit":
        return cls(start, end, new)


def _normalise(edits: Iterable[Edit], length: int) -> list[Edit]:
    """Edits sorted by position (stable), checked to be in range and not to overlap."""
    out = sorted(edits, key=lambda e: (e.start, e.end))
    for e in out:
        if e.end > length:
            raise EditError(f"edit [{e.start}, {e.end}) is out of range [0, {length}]")
    for a, b in zip(out, out[1:]):
        if b.start < a.end:
            raise EditError(f"edits [{a.start}, {a.end}) and [{b.start}, {b.end}) overlap")
        if a.is_insert and b.is_insert and a.start == b.start:
            raise EditError(f"two insertions at offset {a.start}: merge them into one edit")
    return out


class OffsetMap:
    """The edits applied to one text, and how old offsets map onto the new text."""

    def __init__(self, old_text: str, edits: Iterable[Edit]):
        self.old_text = old_text
        self.edits = _normalise(edits, len(old_text))
        self._starts = [e.start for e in self.edits]
        parts, pos = [], 0
        for e in self.edits:
            parts.append(old_text[pos:e.start])
            parts.append(e.new)
            pos = e.end
        parts.append(old_text[pos:])
        self.new_text = "".join(parts)
        # _shift[i]: total length change of edits[:i]
        self._shift = [0]
        for e in self.edits:
            self._shift.append(self._shift[-1] + e.delta)

    def __len__(self) -> int:
        return len(self.edits)

    def straddling(self, p: int) -> Edit | None:
        """The edit whose replaced range has `p` strictly inside it, if any."""
        i = bisect.bisect_left(self._starts, p) - 1  # the last edit starting before p
        if i >= 0 and self.edits[i].start < p < self.edits[i].end:
            return self.edits[i]
        return None

    def point(self, p: int, role: str) -> int:
        """New offset of old offset `p` as a span `role` ('start' or 'end').

        A pure insertion at `p` counts before the point unless it attaches into the span
        (`attach='right'` for a start); it counts after it unless it attaches into the span
        (`attach='left'` for an end). A `p` strictly inside a replaced range maps to the
        near edge of the replacement (use `span` for the strict version).
        """
        if role not in ("start", "end"):
            raise ValueError(role)
        i = bisect.bisect_left(self._starts, p)  # edits[:i] start before p
        new = p + self._shift[i]
        # edits starting exactly at p: insertions may count, replacements start after p
        j = i
        while j < len(self.edits) and self.edits[j].start == p:
            e = self.edits[j]
            if e.is_insert and ((role == "start" and e.attach != "right") or (role == "end" and e.attach == "left")):
                new += len(e.new)
            j += 1
        if i > 0:
            e = self.edits[i - 1]
            if e.start < p < e.end:  # inside a replaced range: clamp to its edge
                new = e.start + self._shift[i - 1] + (len(e.new) if role == "end" else 0)
        return new

    def span(self, span: Span, what: str = "span") -> Span:
        """`span` moved onto the new text, strictly: refuses an edit that straddles one of
        its boundaries or empties it, and checks the rebuilt text against the new slice."""
        s, e = span.start, span.end
        for p in (s, e):
            cut = self.straddling(p)
            if cut is not None:
                raise EditError(
                    f"edit [{cut.start}, {cut.end}) -> {cut.new!r} straddles the boundary {p} of {what} "
                    f"[{s}, {e}) {span.text!r}"
                )
        ns, ne = self.point(s, "start"), self.point(e, "end")
        if ne <= ns:
            raise EditError(f"the edits empty {what} [{s}, {e}) {span.text!r}")
        text = self._rebuild(span)
        if text != self.new_text[ns:ne]:  # the arithmetic and the local edit disagree
            raise EditError(f"{what} [{s}, {e}) maps to {self.new_text[ns:ne]!r}, expected {text!r}")
        return Span(ns, ne, text)

    def lenient_span(self, span: Span) -> Span:
        """`span` moved onto the new text, never refusing (for predicted spans, which may
        cut through an edit): a boundary inside a replaced range snaps outward."""
        ns, ne = self.point(span.start, "start"), self.point(span.end, "end")
        ne = max(ne, ns)
        return Span(ns, ne, self.new_text[ns:ne])

    def _rebuild(self, span: Span) -> str:
        """The span's text with only the edits inside it applied (independent of offsets)."""
        s, e = span.start, span.end
        old = self.old_text[s:e]
        out, pos = [], 0
        lo = bisect.bisect_left(self._starts, s)
        for ed in self.edits[lo:]:
            if ed.start > e:
                break
            if ed.is_insert:
                inside = s < ed.start < e or (ed.start == s and ed.attach == "right") or (
                    ed.start == e and ed.attach == "left")
            else:
                inside = s <= ed.start and ed.end <= e
            if not inside:
                continue
            a, b = ed.start - s, ed.end - s
            out.append(old[pos:a])
            out.append(ed.new)
            pos = b
        out.append(old[pos:])
        return "".join(out)


def apply_text(text: str, edits: Iterable[Edit]) -> tuple[str, OffsetMap]:
    """The edited text and the offset map from `text` to it."""
    m = OffsetMap(text, edits)
    return m.new_text, m


@dataclass
class EditResult:
    """An edited document and the map from the original's offsets to its own."""

    document: Document
    mapping: OffsetMap


def apply_edits(doc: Document, edits: Sequence[Edit], *, check_tokens: bool = True) -> EditResult:
    """Apply `edits` (offsets into `doc.text`) and move every gold span with them.

    Mentions, quote cue/content/source/addressee and numbers get new offsets and the text of
    their new slice; ids, types, entities, values and every other field are kept. With
    `check_tokens`, a span whose new start or end is not a token boundary of the new text is
    refused (ANNOTATION_SPEC: spans start and end on token boundaries).
    """
    m = OffsetMap(doc.text, edits)
    starts, ends = boundaries(m.new_text) if check_tokens else (set(), set())

    def move(span: Span, what: str) -> Span:
        new = m.span(span, what)
        if check_tokens and (new.start not in starts or new.end not in ends):
            edge = "start" if new.start not in starts else "end"
            raise EditError(
                f"{what} [{span.start}, {span.end}) {span.text!r} would {edge} inside a token: "
                f"[{new.start}, {new.end}) {new.text!r} in the edited text"
            )
        return new

    mentions: list[Mention] = [replace(x, span=move(x.span, f"mention {x.id}")) for x in doc.mentions]
    quotes: list[Quote] = [
        replace(
            q,
            cue=move(q.cue, f"quote {q.id} cue"),
            content=move(q.content, f"quote {q.id} content"),
            source=move(q.source, f"quote {q.id} source"),
            addressee=move(q.addressee, f"quote {q.id} addressee") if q.addressee is not None else None,
        )
        for q in doc.quotes
    ]
    numbers: list[Number] = [replace(n, span=move(n.span, f"number {n.id}")) for n in doc.numbers]
    new_doc = Document(
        id=doc.id,
        text=m.new_text,
        entities=list(doc.entities),
        mentions=mentions,
        quotes=quotes,
        numbers=numbers,
    )
    return EditResult(new_doc, m)


def gold_spans(doc: Document) -> list[tuple[str, Span]]:
    """Every gold span of a document with a name (`mention M3`, `quote Q2 cue`, ...)."""
    out: list[tuple[str, Span]] = [(f"mention {x.id}", x.span) for x in doc.mentions]
    for q in doc.quotes:
        out += [(f"quote {q.id} cue", q.cue), (f"quote {q.id} content", q.content), (f"quote {q.id} source", q.source)]
        if q.addressee is not None:
            out.append((f"quote {q.id} addressee", q.addressee))
    out += [(f"number {n.id}", n.span) for n in doc.numbers]
    return out
