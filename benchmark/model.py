"""Typed data model of khabar: documents with standoff gold, and predictions.

Gold and predictions share `Span`: `[start, end)` code-point offsets into the exact document
text, with the covered text stored beside them (ANNOTATION_SPEC, offsets).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """A `[start, end)` slice of a document's text, with the text it covers."""

    start: int
    end: int
    text: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


class OnSpan:
    """`start`, `end` and `text` of an item that has a `span`."""

    span: Span

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    @property
    def text(self) -> str:
        return self.span.text


@dataclass(frozen=True)
class Entity:
    """A real-world entity (a cluster of mentions) with canonical English and Arabic names."""

    id: str
    type: str
    name_en: str
    name_ar: str


@dataclass(frozen=True)
class Mention(OnSpan):
    """One mention of an entity. `kind='name'` mentions are the NER gold; `nominal` ones
    (a described official, say) only serve as quote sources."""

    id: str
    span: Span
    type: str
    entity: str
    form: str = "canonical"
    kind: str = "name"


@dataclass(frozen=True)
class Quote:
    """One speech cue with what it governs: content, source mention and speaker entity."""

    id: str
    cue: Span
    content: Span
    source: Span
    speaker: str
    type: str
    addressee: Span | None = None


@dataclass(frozen=True)
class Number(OnSpan):
    """One numeral (digits or words) with its value, kind, counted unit and qualifier."""

    id: str
    span: Span
    value: float
    kind: str
    unit: str | None = None
    qualifier: str = "exact"
    in_name: bool = False


@dataclass
class Document:
    """One source article and its gold annotations."""

    id: str
    text: str
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)

    @property
    def ner_mentions(self) -> list[Mention]:
        """The named mentions: the gold of the NER task."""
        return [m for m in self.mentions if m.kind == "name"]

    @property
    def entity_by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def mentions_of(self, entity_id: str) -> list[Mention]:
        """Every mention (named or nominal) of one entity cluster."""
        return [m for m in self.mentions if m.entity == entity_id]

    def paragraphs(self) -> list[Span]:
        """The paragraphs: the text split on newlines, as spans."""
        out, start = [], 0
        for line in self.text.split("\n"):
            out.append(Span(start, start + len(line), line))
            start += len(line) + 1
        return out


@dataclass
class Gold:
    """The whole gold set: a version, documents, and a content hash of both."""

    version: str
    documents: list[Document]
    sha256: str = ""
    path: str = ""

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    def document(self, doc_id: str) -> Document:
        for d in self.documents:
            if d.id == doc_id:
                return d
        raise KeyError(doc_id)


# --- predictions -------------------------------------------------------------------------


@dataclass(frozen=True)
class PredEntity:
    span: Span
    type: str


@dataclass(frozen=True)
class PredQuote:
    cue: Span | None
    content: Span
    source: Span | None
    type: str | None = None


@dataclass(frozen=True)
class PredNumber:
    span: Span
    value: float | None
    kind: str | None = None
    unit: str | None = None


@dataclass
class Prediction:
    """A system's output for one document. A task set to None was not predicted.

    `unaligned` holds items a system returned as strings that could not be placed in the text
    (LLM systems); the scorer counts those with `part == "item"` as false positives. In a
    predictions file they live under `meta.unaligned`."""

    id: str
    entities: list[PredEntity] | None = None
    quotes: list[PredQuote] | None = None
    numbers: list[PredNumber] | None = None
    unaligned: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        out: dict = {"id": self.id}
        if self.entities is not None:
            out["entities"] = [
                {**e.span.to_dict(), "type": e.type} for e in self.entities
            ]
        if self.quotes is not None:
            out["quotes"] = [
                {
                    "cue": q.cue.to_dict() if q.cue else None,
                    "content": q.content.to_dict(),
                    "source": q.source.to_dict() if q.source else None,
                    **({"type": q.type} if q.type else {}),
                }
                for q in self.quotes
            ]
        if self.numbers is not None:
            out["numbers"] = [
                {
                    **n.span.to_dict(),
                    "value": n.value,
                    **({"kind": n.kind} if n.kind else {}),
                    **({"unit": n.unit} if n.unit else {}),
                }
                for n in self.numbers
            ]
        if self.unaligned:
            out["meta"] = {"unaligned": list(self.unaligned)}
        return out
