"""The validator: every invariant of a gold file, each violation with file, line and field.

It works on the raw JSON (not on dataclasses), so that a missing field or a wrong type is
reported as such instead of crashing the reader.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import KhabarError
from .schema import FINE_TYPES, FORMS, MENTION_KINDS, NUMBER_KINDS, QUALIFIERS, QUOTE_TYPES
from .tokens import boundaries


@dataclass(frozen=True)
class Violation:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return str(KhabarError(self.message, self.file, self.line, self.field))


class _Lines:
    """Finds the line of a record from its id: gold files hold one record per line. Each id's
    lines are indexed once, so a lookup is a binary search (the validator stays linear)."""

    def __init__(self, source: str):
        self.ids: dict[str, list[int]] = {}
        for i, line in enumerate(source.splitlines()):
            for m in re.finditer(r'"id":\s*"((?:[^"\\]|\\.)*)"', line):
                self.ids.setdefault(m.group(1), []).append(i + 1)

    def of(self, rid, after: int = 0) -> int | None:
        lines = self.ids.get(rid)
        if not lines:
            return None
        k = bisect_right(lines, after)
        return lines[k] if k < len(lines) else None


def is_int(v) -> bool:
    """A JSON integer (not a boolean)."""
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v) -> bool:
    """A finite JSON number (not a boolean)."""
    return (is_int(v) or isinstance(v, float)) and math.isfinite(v)


def validate_raw(raw: dict, file: str = "<gold>", source: str = "") -> list[Violation]:
    """All violations of the gold invariants in a parsed gold object."""
    out: list[Violation] = []
    lines = _Lines(source)

    def bad(line, field, msg):
        out.append(Violation(file, line, field, msg))

    if not isinstance(raw.get("version"), str) or not raw.get("version"):
        bad(1, "version", "missing or not a non-empty string")
    docs = raw.get("documents")
    if not isinstance(docs, list) or not docs:
        bad(1, "documents", "missing or not a non-empty list")
        return out
    seen_docs: set[str] = set()
    for di, d in enumerate(docs):
        where = f"documents[{di}]"
        if not isinstance(d, dict):
            bad(None, where, "not an object")
            continue
        doc_id = d.get("id")
        doc_line = lines.of(doc_id) if isinstance(doc_id, str) else None
        if not isinstance(doc_id, str) or not doc_id:
            bad(doc_line, f"{where}.id", "missing or not a non-empty string")
        elif doc_id in seen_docs:
            bad(doc_line, f"{where}.id", f"duplicate document id {doc_id!r}")
        if isinstance(doc_id, str):
            seen_docs.add(doc_id)
        _unknown_fields(d, "document", doc_line, where, bad)
        text = d.get("text")
        if not isinstance(text, str):
            bad(doc_line, f"{where}.text", "missing or not a string")
            continue
        for key in ("entities", "mentions", "quotes", "numbers"):
            if not isinstance(d.get(key), list):
                bad(doc_line, f"{where}.{key}", "missing or not a list")
        if any(not isinstance(d.get(k), list) for k in ("entities", "mentions", "quotes", "numbers")):
            continue
        _validate_doc(d, text, where, doc_line or 0, lines, bad)
    return out


_RECORD_LISTS = ("entities", "mentions", "quotes", "numbers")
_FIELDS = {
    "document": ("id", "text", "entities", "mentions", "quotes", "numbers"),
    "entities": ("id", "type", "name_en", "name_ar"),
    "mentions": ("id", "start", "end", "text", "type", "entity", "form", "kind"),
    "quotes": ("id", "cue", "content", "source", "speaker", "addressee", "type"),
    "numbers": ("id", "start", "end", "text", "value", "kind", "unit", "qualifier", "in_name"),
}
"""The fields each gold record may have (the gold schema's additionalProperties: false)."""


def _unknown_fields(r: dict, kind: str, line, loc: str, bad) -> None:
    from .errors import did_you_mean

    for k in r:
        if k not in _FIELDS[kind]:
            bad(line, f"{loc}.{k}", f"unknown field{did_you_mean(str(k), _FIELDS[kind])}")
_MENTION_ENUMS = (("type", FINE_TYPES), ("form", FORMS), ("kind", MENTION_KINDS))
_NUMBER_ENUMS = (("kind", NUMBER_KINDS), ("qualifier", QUALIFIERS))


class _DocCheck:
    """The record checks of one document, sharing its text, token boundaries, id counts and line finder."""

    def __init__(self, d, text, where, doc_line, lines, bad):
        self.text, self.where, self.doc_line, self.lines, self.bad = text, where, doc_line, lines, bad
        self.starts, self.ends = boundaries(text)
        self.ids = Counter(r.get("id") for k in _RECORD_LISTS for r in d[k] if isinstance(r, dict) and isinstance(r.get("id"), str))

    def records(self, kind, items):
        """(record, line, field path) of each object in a record list; a non-object is reported and skipped."""
        for i, r in enumerate(items):
            line, loc = self.rec_loc(kind, i, r)
            if not isinstance(r, dict):
                self.bad(line, loc, "not an object")
                continue
            _unknown_fields(r, kind, line, loc, self.bad)
            yield r, line, loc

    def rec_loc(self, kind, i, r):
        """A record's line (found from its id, after the document's) and field path (by id, else by index)."""
        rid = r.get("id") if isinstance(r, dict) else None
        name = f"{kind}[{rid}]" if isinstance(rid, str) else f"{kind}[{i}]"
        return self.lines.of(rid, self.doc_line) if isinstance(rid, str) else None, f"{self.where}.{name}"

    def check_id(self, r, line, loc):
        """A record id is a non-empty string, unique across the document's four record lists."""
        rid = r.get("id")
        if not isinstance(rid, str) or not rid:
            self.bad(line, f"{loc}.id", "missing or not a non-empty string")
        elif self.ids[rid] > 1:
            self.bad(line, f"{loc}.id", f"duplicate id {rid!r}")

    def check_span(self, s, line, loc, on_tokens=True) -> bool:
        """A span is integer offsets inside the text, its text is that slice, and it sits on token boundaries."""
        text, bad = self.text, self.bad
        if not isinstance(s, dict):
            bad(line, loc, "missing or not a span object {start, end, text}")
            return False
        st, en, tx = s.get("start"), s.get("end"), s.get("text")
        if not is_int(st) or not is_int(en):
            bad(line, f"{loc}.start" if not is_int(st) else f"{loc}.end", "not an integer offset")
            return False
        if not (0 <= st < en <= len(text)):
            what = "start >= end" if st >= en else f"out of range [0, {len(text)}]"
            bad(line, f"{loc}.start", f"offsets [{st}, {en}): {what}")
            return False
        if tx != text[st:en]:
            bad(line, f"{loc}.text", f"{tx!r} does not equal the document slice {text[st:en]!r}")
            return False
        if on_tokens and (st not in self.starts or en not in self.ends):
            edge = "start" if st not in self.starts else "end"
            bad(line, f"{loc}.{edge}", f"[{st}, {en}) {tx!r} is not on token boundaries")
            return False
        return True

    def check_enum(self, r, key, allowed, line, loc, optional=False):
        """A closed-vocabulary field holds one of `allowed` (or, if `optional`, may be null)."""
        v = r.get(key)
        if optional and v is None:
            return
        if v not in allowed:
            self.bad(line, f"{loc}.{key}", f"{v!r} is not one of {', '.join(allowed)}")


def _check_entities(c: _DocCheck, entities) -> set:
    """Entity records: id, fine type and both names; returns the ids that mentions and quotes may name."""
    entity_ids = set()
    for e, line, loc in c.records("entities", entities):
        c.check_id(e, line, loc)
        if isinstance(e.get("id"), str):
            entity_ids.add(e["id"])
        c.check_enum(e, "type", FINE_TYPES, line, loc)
        for key in ("name_en", "name_ar"):
            if not isinstance(e.get(key), str) or not e.get(key):
                c.bad(line, f"{loc}.{key}", "missing or not a non-empty string")
    return entity_ids


def _check_mentions(c: _DocCheck, mentions, entity_ids: set) -> dict[str, set[tuple[int, int]]]:
    """Mention records, then flat NER (no two names overlap); returns each entity's valid mention spans."""
    mention_spans: dict[str, set[tuple[int, int]]] = {}
    named: list[tuple[int, int, str, int | None]] = []
    for m, line, loc in c.records("mentions", mentions):
        c.check_id(m, line, loc)
        ok = c.check_span(m, line, loc)
        for key, allowed in _MENTION_ENUMS:
            c.check_enum(m, key, allowed, line, loc)
        ent = m.get("entity")
        if not isinstance(ent, str) or ent not in entity_ids:
            c.bad(line, f"{loc}.entity", f"{ent!r} does not name an entity of this document")
        if ok and isinstance(ent, str):
            mention_spans.setdefault(ent, set()).add((m["start"], m["end"]))
            if m.get("kind") == "name":
                named.append((m["start"], m["end"], m.get("id"), line))
    named.sort()
    for (s1, e1, id1, _), (s2, e2, id2, l2) in zip(named, named[1:]):
        if s2 < e1:
            c.bad(l2, f"{c.where}.mentions[{id2}].start", f"overlaps mention {id1} [{s1}, {e1}): NER is flat")
    return mention_spans


def _check_quotes(c: _DocCheck, quotes, entity_ids: set, mention_spans: dict[str, set[tuple[int, int]]]) -> None:
    """Quote records: their spans, type, and a speaker whose mention is the quote's source."""
    for q, line, loc in c.records("quotes", quotes):
        c.check_id(q, line, loc)
        for key in ("cue", "content", "source"):
            c.check_span(q.get(key), line, f"{loc}.{key}")
        if q.get("addressee") is not None:
            c.check_span(q.get("addressee"), line, f"{loc}.addressee")
        c.check_enum(q, "type", QUOTE_TYPES, line, loc)
        spk = q.get("speaker")
        if not isinstance(spk, str) or spk not in entity_ids:
            c.bad(line, f"{loc}.speaker", f"{spk!r} does not name an entity of this document")
        elif isinstance(q.get("source"), dict) and all(is_int(q["source"].get(k)) for k in ("start", "end")):
            src = (q["source"]["start"], q["source"]["end"])
            if src not in mention_spans.get(spk, set()):
                c.bad(line, f"{loc}.source", f"span {list(src)} is not a mention of speaker {spk}")


def _check_numbers(c: _DocCheck, numbers) -> None:
    """Number records: span, a finite value, kind and qualifier, an optional unit and the in_name flag."""
    for n, line, loc in c.records("numbers", numbers):
        c.check_id(n, line, loc)
        c.check_span(n, line, loc)
        if not is_number(n.get("value")):
            c.bad(line, f"{loc}.value", f"{n.get('value')!r} is not a finite JSON number")
        for key, allowed in _NUMBER_ENUMS:
            c.check_enum(n, key, allowed, line, loc)
        if n.get("unit") is not None and (not isinstance(n.get("unit"), str) or not n.get("unit")):
            c.bad(line, f"{loc}.unit", "must be null or a non-empty string")
        if not isinstance(n.get("in_name"), bool):
            c.bad(line, f"{loc}.in_name", "missing or not true/false")


def _validate_doc(d, text, where, doc_line, lines, bad) -> None:
    """Every record invariant of one document whose text and four record lists are present."""
    c = _DocCheck(d, text, where, doc_line, lines, bad)
    entity_ids = _check_entities(c, d["entities"])
    mention_spans = _check_mentions(c, d["mentions"], entity_ids)
    _check_quotes(c, d["quotes"], entity_ids, mention_spans)
    _check_numbers(c, d["numbers"])


def validate_file(path: str | Path) -> list[Violation]:
    """All violations in the gold file at `path`; a file that cannot be read or parsed is bad
    input (`KhabarError`), not a violation."""
    from .files import parse_json, read_text

    text = read_text(path)
    return validate_raw(parse_json(text, path), str(path), text)
