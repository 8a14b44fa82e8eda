"""Tag sequences: splitting a tag, decoding tags into entities, encoding entities as tags.

The one place khabar reads or writes IOB tags. Two decoders share one loop:

- lenient (conlleval.pl, the reference of CoNLL-2000/2003, also seqeval's default mode and
  nervaluate): a chunk starts at B-, at S-, or at an I-/E- whose type differs from the previous
  token's or whose previous token is O, E- or S-. So an I- without a B- starts an entity. IOB2
  and IOBES read alike.
- strict (seqeval's strict mode, and what an annotation file must satisfy): a scheme allows
  only its own prefixes, an entity starts only with B- (or S-), I-/E- only continue an open
  entity of their type, and in IOBES a B- entity ends with E-. The first violation raises
  `TagError` with its index.

The gold's IOB2 view (`iob2`) is derived from its spans, which sit on token boundaries (the
validator checks it), so decoding the view gives back the spans.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the tag functions need none of these: `scoring.conll` imports this module cold
    from .model import Document, Span
    from .tokens import Token

PREFIX_CODE = {"O": 0, "B": 1, "I": 2, "E": 3, "S": 4}
"""Each prefix's small integer code (the numpy decoder of `scoring.conll` works on these)."""


@dataclass(frozen=True)
class Scheme:
    """A tagging scheme: the prefixes it allows, and whether a multi-token entity must end
    with E- (IOBES) or simply stops at the next non-continuing tag (IOB2)."""

    name: str
    prefixes: str
    closes_with_end: bool


SCHEMES = {"IOB2": Scheme("IOB2", "BI", False), "IOBES": Scheme("IOBES", "BIES", True)}


class TagError(ValueError):
    """A tag that breaks the rules of a strict decoding, at `index` in its sequence."""

    def __init__(self, index: int, tag: str, message: str) -> None:
        super().__init__(message)
        self.index, self.tag, self.message = index, tag, message


def split_tag(tag: str | bytes) -> tuple[str, str]:
    """('B', 'PER') from 'B-PER'; ('O', '') from 'O'; ('B', '') from a bare 'B' (conlleval's
    untyped chunks). ValueError for anything else."""
    if not isinstance(tag, (str, bytes)):
        raise ValueError(f"bad tag {tag!r}: expected a string")
    if isinstance(tag, bytes):
        try:
            tag = tag.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"bad tag {tag!r}: not UTF-8") from None
    if tag == "O":
        return "O", ""
    prefix, sep, label = tag.partition("-")
    if prefix not in ("B", "I", "E", "S") or (sep and not label):
        raise ValueError(f"bad tag {tag!r}: expected O or B-/I-/E-/S- followed by a type")
    return prefix, label  # a bare B, I, E or S has the type "", as in conlleval


def with_prefix(tag: str | None) -> str:
    """A tag of an IO scheme (a bare type) as IOB: 'PER' -> 'I-PER'; '' or None -> 'O'."""
    if not tag or tag == "O":
        return "O"
    if len(tag) > 2 and tag[1] == "-" and tag[0] in "BIES":
        return tag
    return f"I-{tag}"


def decode(tags: Sequence[str], *, strict: bool = False, scheme: str = "IOB2",
           labels: Collection[str] | None = None) -> list[tuple[int, int, str]]:
    """Entities `(start, end, type)` (token indices, end exclusive) of one tag sequence.

    Lenient by default (conlleval); `strict` applies `scheme` and, when given, `labels` (the
    allowed types), raising `TagError` at the first violation."""
    rules = SCHEMES[scheme]
    out: list[tuple[int, int, str]] = []
    start, label, prev = -1, "", "O"
    for i, tag in enumerate(tags):
        p, t = _split_at(tags, i, rules, labels) if strict else split_tag(tag) if tag != "O" else ("O", "")
        if start >= 0 and (p in ("O", "B", "S") or prev in ("E", "S") or t != label):
            if strict and rules.closes_with_end and prev in ("B", "I"):
                raise TagError(i, tag, f"{tag} follows {tags[i - 1]}: the entity is not closed by E-")
            out.append((start, i, label))
            start = -1
        if p != "O" and start < 0:
            if strict and p in ("I", "E"):
                before = tags[i - 1] if i else "the paragraph start"
                raise TagError(i, tag, f"{tag} follows {before}: not {rules.name} (an entity starts with B-)")
            start, label = i, t
        prev = p
    if start >= 0:
        if strict and rules.closes_with_end and prev in ("B", "I"):
            raise TagError(len(tags) - 1, tags[-1], f"{tags[-1]} ends the sequence: the entity is not closed by E-")
        out.append((start, len(tags), label))
    return out


def _split_at(tags: Sequence[str], i: int, rules: Scheme, labels: Collection[str] | None) -> tuple[str, str]:
    """The prefix and type of `tags[i]` under a strict scheme, or the `TagError` it deserves."""
    tag = tags[i]
    if tag == "O":
        return "O", ""
    try:
        p, t = split_tag(tag)
    except ValueError:
        p, t = "", ""
    if p not in rules.prefixes or not t:
        allowed = [f"{x}-TYPE" for x in rules.prefixes]
        raise TagError(i, tag, f"tag {tag!r} is not O, {', '.join(allowed[:-1])} or {allowed[-1]}")
    if labels is not None and t not in labels:
        raise TagError(i, tag, f"unknown label {t!r}; expected one of {', '.join(labels)}")
    return p, t


def encode(n: int, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """IOB2 tags for `n` tokens from non-overlapping token spans `(start, end, type)`."""
    tags = ["O"] * n
    for s, e, label in spans:
        tags[s] = f"B-{label}"
        for i in range(s + 1, e):
            tags[i] = f"I-{label}"
    return tags


def spans_to_tags(tokens: list[Token], spans: list[tuple[Span, str]]) -> list[str]:
    """IOB2 tags for `tokens`, given (character span, label) pairs on token boundaries."""
    index = {t.start: i for i, t in enumerate(tokens)}
    runs = []
    for span, label in sorted(spans, key=lambda p: p[0].start):
        i = index.get(span.start)
        if i is None:
            continue  # the span does not start in these tokens
        j = i + 1
        while j < len(tokens) and tokens[j].end <= span.end:
            j += 1
        runs.append((i, j, label))
    return encode(len(tokens), runs)


def iob2(doc: Document, scheme: str = "fine") -> list[tuple[list[Token], list[str]]]:
    """(tokens, tags) per paragraph of `doc` in `scheme`; unscored types become O."""
    from .schema import map_type
    from .tokens import sentences

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
