"""brat standoff (`.txt` + `.ann`) export and import, lossless for the khabar gold.

Layout of one `.ann` (brat ids are renumbered; khabar's own ids ride in annotator notes):

    T1  ORG 8 21  للأمم المتحدة             a mention; its type is the fine NER type
    A1  Form T1 corrupted                   form, when not canonical
    A2  Nominal T1                          a nominal (non-NER) mention, e.g. a described speaker
    #1  AnnotatorNotes T1  id=M1; entity_type=ORG; name_ar=الأمم المتحدة
    N1  Reference T1 khabar:DOC/E1  United Nations     linking: the mention's entity cluster
    T9  Number 27 42  ألفان وثمانمائة
    A5  Kind T9 cardinal / Qualifier T9 exact / InName T9
    #5  AnnotatorNotes T9  id=N1; value=2800; unit=person    the value and unit are free text
    T20 Quote 2 7  وفقًا                    the cue is the trigger of a Quote event
    T21 Content 24 82  ...                  (and Addressee spans)
    E1  Quote:T20 Content:T21 Source:T1 [Addressee:T22]   the speaker is the Source's entity
    A9  QuoteType E1 indirect

N lines are grouped by entity in the gold's entity order, so the order of clusters survives the
round trip. A normalization id is `khabar:DOC/ENTITY` (the document id and the entity id, `%XX`
escaped), unique across the folder so that one normalization DB (`khabar.tsv`) serves every
document; an id without `DOC/` (`khabar:E1`, older exports, or a cluster an annotator makes up)
is the entity id itself. Values escape `%`, `;`, tab and newline as `%XX` (and, in attributes,
space; in notes, a leading or trailing space). Spans crossing a newline are written as brat
fragments split at the newline.

The import reads files exactly as brat's server saves them: a normalization line may carry its
text after one tab or more, or a trailing tab, or no text at all (the cluster then takes its name
from another of its lines, or from its first mention). A number's value and unit are free text in
its note (`value=...; unit=...`), which annotators fill in brat's Notes field; the `Value` and
`Unit` attributes of older exports are still read.

A folder-level `khabar.json` keeps the gold version and document order; `annotation.conf`
configures brat for the labels used, `visual.conf` names and colours them, `tools.conf` declares
the `khabar` normalization DB (and splits sentences at newlines, khabar's paragraphs), and
`khabar.tsv` is that DB's source for brat's `tools/norm_db_init.py`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

from ..errors import KhabarError
from ..files import read_json
from ..model import Document, Gold, Span
from ..schema import FINE_TYPES, FORMS, NUMBER_KINDS, QUALIFIERS, QUOTE_TYPES
from .common import FORMAT, IMPORTED_VERSION, Origins, OutFolder, fresh_id, read_text, safe_doc_id, validated

MANIFEST = "khabar.json"
MANIFEST_FORMAT = "khabar-brat/1"
NUMBER, QUOTE, CONTENT, ADDRESSEE = "Number", "Quote", "Content", "Addressee"
SPAN_TYPES = (*FINE_TYPES, NUMBER, QUOTE, CONTENT, ADDRESSEE)
ATTRIBUTES = ("Form", "Nominal", "Value", "Kind", "Unit", "Qualifier", "InName", "QuoteType")
"""Attributes the import reads; `Value` and `Unit` only from older exports (they are notes now)."""
ROLES = ("Content", "Source", "Addressee")
NORM_DB = "khabar"
NORM_FILE = "khabar.tsv"
"""The normalization DB's source, in the input format of brat's `tools/norm_db_init.py`."""
CONF_FILES = ("annotation.conf", "visual.conf", "tools.conf")
NOTE_KEYS = ("id", "entity_type", "name_ar", "value", "unit")
"""The keys khabar reads from an annotator note (`key=value; key=value`); others are ignored."""
HOME = "https://github.com/khabar-benchmark/khabar"


def esc(value: str, space: bool = True) -> str:
    """Escape a free value for an attribute (`space=True`), a note or a normalization name."""
    pairs = [("%", "%25"), (";", "%3B"), ("\t", "%09"), ("\n", "%0A"), ("\r", "%0D")]
    for ch, code in pairs + ([(" ", "%20")] if space else []):
        value = value.replace(ch, code)
    return value


def esc_note(value: str) -> str:
    """Escape a free value for a note: `esc(space=False)`, plus a leading or trailing space as
    `%20`, so that the import may strip what an annotator types around `=` and `;`."""
    value = esc(value, space=False)
    core = value.strip(" ")
    if core == value:
        return value
    lead = len(value) - len(value.lstrip(" "))
    trail = len(value) - len(value.rstrip(" "))
    return "%20" * lead + core + "%20" * trail if core else "%20" * len(value)


def norm_id(doc_id: str, entity_id: str) -> str:
    """The normalization id of an entity cluster: unique across the folder (see the module docstring)."""
    return f"{esc(doc_id).replace('/', '%2F')}/{esc(entity_id).replace('/', '%2F')}"


def _frag(span: Span, text: str) -> str:
    """brat offsets of a span: fragments split at newlines."""
    parts, start = [], span.start
    for i in range(span.start, span.end):
        if text[i] == "\n":
            if i > start:
                parts.append(f"{start} {i}")
            start = i + 1
    if span.end > start:
        parts.append(f"{start} {span.end}")
    return ";".join(parts)


def _shown(s: str) -> str:
    return s.replace("\n", " ").replace("\r", " ").replace("\t", " ")


# --- export -----------------------------------------------------------------------------------


def document_ann(doc: Document) -> str:
    """The `.ann` text of one document."""
    lines: list[str] = []
    n = {"T": 0, "A": 0, "N": 0, "#": 0, "E": 0}

    def new(prefix: str) -> str:
        n[prefix] += 1
        return f"{prefix}{n[prefix]}"

    def t_line(label: str, span: Span) -> str:
        tid = new("T")
        lines.append(f"{tid}\t{label} {_frag(span, doc.text)}\t{_shown(span.text)}")
        return tid

    def attr(name: str, target: str, value: str | None = None) -> None:
        lines.append(f"{new('A')}\t{name} {target}" + (f" {esc(value)}" if value is not None else ""))

    def note(target: str, pairs: list[tuple[str, str]]) -> None:
        body = "; ".join(f"{k}={esc_note(v) if k in ('value', 'unit') else esc(v, space=False)}" for k, v in pairs)
        lines.append(f"{new('#')}\tAnnotatorNotes {target}\t{body}")

    entities = doc.entity_by_id
    tid_of: dict[str, str] = {}
    for m in doc.mentions:
        tid = t_line(m.type, m.span)
        tid_of[m.id] = tid
        if m.form != "canonical":
            attr("Form", tid, m.form)
        if m.kind == "nominal":
            attr("Nominal", tid)
        e = entities[m.entity]
        note(tid, [("id", m.id), ("entity_type", e.type), ("name_ar", e.name_ar)])
    for e in doc.entities:
        mentions = doc.mentions_of(e.id)
        if not mentions:
            raise KhabarError(f"entity {e.id} has no mention; brat can only carry a cluster through its mentions",
                              field=f"{doc.id}.entities[{e.id}]")
        for m in mentions:
            lines.append(f"{new('N')}\tReference {tid_of[m.id]} {NORM_DB}:{norm_id(doc.id, e.id)}\t"
                         f"{esc(e.name_en, space=False)}")
    for num in doc.numbers:
        tid = t_line(NUMBER, num.span)
        attr("Kind", tid, num.kind)
        attr("Qualifier", tid, num.qualifier)
        if num.in_name:
            attr("InName", tid)
        note(tid, [("id", num.id), ("value", json.dumps(num.value))]
             + ([("unit", num.unit)] if num.unit is not None else []))
    for q in doc.quotes:
        source = next(m for m in doc.mentions if m.entity == q.speaker and m.span.key == q.source.key)
        cue = t_line(QUOTE, q.cue)
        args = [f"{QUOTE}:{cue}", f"Content:{t_line(CONTENT, q.content)}", f"Source:{tid_of[source.id]}"]
        if q.addressee is not None:
            args.append(f"Addressee:{t_line(ADDRESSEE, q.addressee)}")
        eid = new("E")
        lines.append(f"{eid}\t" + " ".join(args))
        attr("QuoteType", eid, q.type)
        note(eid, [("id", q.id)])
    return "\n".join(lines) + "\n"


def annotation_conf(gold: Gold | None = None) -> str:
    """brat's `annotation.conf` for khabar's labels. A number's value and unit are free text in
    its note (brat's attributes only take closed lists), so no attribute lists values."""
    mention = "|".join(FINE_TYPES)
    return "\n".join(
        [
            "# brat configuration written by khabar (khabar export --format brat)",
            "# A Number's value and unit go in its Notes field as free text: value=2800; unit=person",
            "[entities]",
            *FINE_TYPES,
            NUMBER,
            CONTENT,
            ADDRESSEE,
            "",
            "[relations]",
            "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>",
            "",
            "[events]",
            f"{QUOTE}\tContent:{CONTENT}, Source:{mention}, Addressee?:{ADDRESSEE}",
            "",
            "[attributes]",
            f"Form\tArg:{mention}, Value:{'|'.join(FORMS)}",
            f"Nominal\tArg:{mention}",
            f"Kind\tArg:{NUMBER}, Value:{'|'.join(NUMBER_KINDS)}",
            f"Qualifier\tArg:{NUMBER}, Value:{'|'.join(QUALIFIERS)}",
            f"InName\tArg:{NUMBER}",
            f"QuoteType\tArg:{QUOTE}, Value:{'|'.join(QUOTE_TYPES)}",
            "",
        ]
    )


_LABELS = {"PER": "Person", "ORG": "Organization", "GPE": "Geo-political entity", "LOC": "Location",
           "FAC": "Facility", "NORP": "Nationality, religious or political group", NUMBER: "Number",
           QUOTE: "Quote cue", CONTENT: "Quote content", ADDRESSEE: "Addressee"}
_COLOURS = {"PER": "#ffccaa", "ORG": "#8fb2ff", "GPE": "#7fe2ff", "LOC": "#95dfff", "FAC": "#aaaaee",
            "NORP": "#ffe000", NUMBER: "#c8f0a0", QUOTE: "#e0a0ff", CONTENT: "#f2e6ff", ADDRESSEE: "#ffd1dc"}


def visual_conf() -> str:
    """brat's `visual.conf`: display names and colours of khabar's labels, and right-to-left
    text (`Text direction:rtl` under `[options]`, which brat's server reads with
    `visual_options_get_text_direction` and its visualizer lays out right to left; in brat
    since 2016, issues #774 and #1150; the 2012 release v1.3 ignores the line and draws left to
    right)."""
    short = {QUOTE: "Cue", CONTENT: "Content", ADDRESSEE: "Addr", NUMBER: "Num"}
    labels = [f"{t} | {_LABELS[t]} | {short.get(t, t)}" for t in (*FINE_TYPES, NUMBER, QUOTE, CONTENT, ADDRESSEE)]
    drawing = [f"{t}\tbgColor:{_COLOURS[t]}" for t in (*FINE_TYPES, NUMBER, QUOTE, CONTENT, ADDRESSEE)]
    return "\n".join(
        [
            "# brat visual configuration written by khabar (khabar export --format brat)",
            "[options]",
            "# Arabic: lines laid out right to left (brat since 2016; release 1.3 ignores this line)",
            "Text direction:rtl",
            "",
            "[labels]",
            *labels,
            "Source | Source | Src",
            "",
            "[drawing]",
            "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
            "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
            "ATTRIBUTE_DEFAULT\tglyph:*",
            *drawing,
            "",
        ]
    )


def tools_conf() -> str:
    """brat's `tools.conf`: the `khabar` normalization DB (brat drops a normalization whose DB is
    not declared here when its span is edited) and newline sentence splitting."""
    return "\n".join(
        [
            "# brat tools configuration written by khabar (khabar export --format brat)",
            "[options]",
            "Sentences\tsplitter:newline",
            "",
            "[normalization]",
            f"# Each mention's N line links it to its entity cluster, id {NORM_DB}:DOCUMENT/ENTITY.",
            f"# To look names up in brat, build the DB from {NORM_FILE} with brat's own tool:",
            f"#   python tools/norm_db_init.py {NORM_FILE}",
            f"# A new cluster may take any id without a slash ({NORM_DB}:NEW1): khabar reads it as is.",
            f"{NORM_DB}\tDB:{NORM_DB}, <URL>:{HOME}",
            "",
        ]
    )


def _tsv_field(value: str) -> str:
    return " ".join(value.split()) or "-"


def norm_tsv(gold: Gold) -> str:
    """The normalization DB's source (brat's `tools/norm_db_init.py` input): one line per
    entity cluster, `ID<TAB>name:Name:NAME<TAB>...` with its English and Arabic names and type."""
    lines = []
    for d in gold.documents:
        for e in d.entities:
            lines.append("\t".join([norm_id(d.id, e.id), f"name:Name:{_tsv_field(e.name_en)}",
                                    f"name:Arabic:{_tsv_field(e.name_ar)}", f"info:Type:{e.type}",
                                    f"info:Document:{_tsv_field(d.id)}"]))
    return "\n".join(lines) + ("\n" if lines else "")


def export_brat(gold: Gold, out: str | Path, overwrite: bool = False) -> list[Path]:
    """Write `<doc id>.txt` and `<doc id>.ann` per document, brat's `annotation.conf`,
    `visual.conf` and `tools.conf`, the normalization DB source `khabar.tsv` and `khabar.json`."""
    folder = OutFolder(out, replace=overwrite)
    stems = [safe_doc_id(d.id) for d in gold.documents]
    folder.check([f"{s}{ext}" for s in stems for ext in (".txt", ".ann")] + [*CONF_FILES, NORM_FILE, MANIFEST])
    anns = [document_ann(d) for d in gold.documents]  # fail before writing anything
    written = []
    for d, stem, ann in zip(gold.documents, stems, anns):
        written.append(folder.write_text(f"{stem}.txt", d.text))
        written.append(folder.write_text(f"{stem}.ann", ann))
    written.append(folder.write_text("annotation.conf", annotation_conf(gold)))
    written.append(folder.write_text("visual.conf", visual_conf()))
    written.append(folder.write_text("tools.conf", tools_conf()))
    written.append(folder.write_text(NORM_FILE, norm_tsv(gold)))
    manifest = {"format": MANIFEST_FORMAT, "version": gold.version, "documents": [d.id for d in gold.documents]}
    written.append(folder.write_text(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"))
    return written


# --- import -----------------------------------------------------------------------------------

_ID = re.compile(r"^([TRENAM#*])(\S*)$")


class _Ann:
    """The parsed lines of one `.ann` file, each kept with its line number."""

    _PARSERS = {"T": "_t", "E": "_e", "A": "_attr", "M": "_attr", "N": "_norm", "#": "_note"}
    """The parser of each line kind khabar writes, by the first letter of the line's id."""

    def __init__(self, text: str, source: str, file: str):
        self.text, self.file = text, file
        self.spans: dict[str, tuple[str, Span, int]] = {}
        self.events: list[tuple[str, dict[str, str], int]] = []
        self.attrs: dict[str, dict[str, tuple[str | None, int]]] = {}
        self.norms: list[tuple[str, str, str, str, int]] = []
        self.notes: dict[str, tuple[dict[str, str], int]] = {}
        self.order: list[str] = []
        for ln, line in enumerate(source.splitlines(), start=1):
            if line.strip():
                self._line(line, ln)

    def err(self, msg: str, line: int, field: str | None = None) -> KhabarError:
        return KhabarError(msg, file=self.file, line=line, field=field)

    def _line(self, line: str, ln: int) -> None:
        """Parse one non-blank line, dispatching on its id's letter; refuse kinds khabar never writes."""
        cols = line.split("\t")
        aid = cols[0]
        m = _ID.match(aid)
        if not m or len(cols) < 2:
            raise self.err(f"not a brat annotation line: {line[:40]!r}", ln)
        kind = m.group(1)
        parser = self._PARSERS.get(kind)
        if parser is None:
            what = {"R": "relation", "*": "equivalence"}.get(kind, "annotation")
            raise self.err(f"{what} lines are not part of khabar's brat layout (quotes are Quote events)", ln, aid)
        getattr(self, parser)(aid, cols, ln)

    def _attr(self, aid: str, cols: list[str], ln: int) -> None:
        """An A (or M) line: one known attribute, at most once per target, with an optional value."""
        parts = cols[1].split(" ")
        if len(parts) not in (2, 3):
            raise self.err(f"attribute line needs NAME TARGET [VALUE]: {cols[1]!r}", ln, aid)
        name, target = parts[0], parts[1]
        if name not in ATTRIBUTES:
            raise self.err(f"unknown attribute {name!r}; expected one of {', '.join(ATTRIBUTES)}", ln, aid)
        slot = self.attrs.setdefault(target, {})
        if name in slot:
            raise self.err(f"{target} has a second {name} attribute", ln, aid)
        slot[name] = (unquote(parts[2]) if len(parts) == 3 else None, ln)

    def _norm(self, aid: str, cols: list[str], ln: int) -> None:
        """An N line: a mention's link to its entity cluster, as (target, db, raw key, name).

        brat's server writes the text field after one tab or two, or leaves a trailing tab, or
        none: every tab-separated field after the first two is read, and at most one may hold
        text (khabar escapes a tab inside a name)."""
        parts = cols[1].split(" ")
        if len(parts) != 3 or parts[0] != "Reference" or ":" not in parts[2]:
            raise self.err(f"normalization line needs 'Reference TARGET DB:KEY': {cols[1]!r}", ln, aid)
        db, _, key = parts[2].partition(":")
        if not db or not key:
            raise self.err(f"normalization id {parts[2]!r} needs a DB and a key (DB:KEY)", ln, aid)
        texts = [c for c in cols[2:] if c]
        if len(texts) > 1:
            raise self.err(f"normalization line has {len(texts)} text fields; expected at most one", ln, aid)
        name = unquote(texts[0]) if texts else ""
        self.norms.append((parts[1], db, key, name, ln))

    def _note(self, aid: str, cols: list[str], ln: int) -> None:
        """A # line: the khabar fields carried in an annotator note (`key=value; ...`, `NOTE_KEYS`).

        name_ar keeps its spaces; a number's value and unit, which annotators type, are stripped
        (a space that belongs to them is escaped as `%20`). Note text after a second tab, which
        brat may leave, is part of the note."""
        parts = cols[1].split(" ")
        if len(parts) < 2:
            raise self.err(f"note line needs 'AnnotatorNotes TARGET': {cols[1]!r}", ln, aid)
        if parts[1] in self.notes:
            raise self.err(f"{parts[1]} has a second note", ln, aid)
        pairs = {}
        for seg in "\t".join(cols[2:]).split(";"):
            k, eq, v = seg.partition("=")  # `;` inside a value is escaped
            k = k.strip()
            if eq and k in NOTE_KEYS:
                if k in pairs:
                    raise self.err(f"note gives {k}= twice", ln, f"{parts[1]}.{k}")
                pairs[k] = unquote(v.strip() if k in ("value", "unit") else v)
        self.notes[parts[1]] = (pairs, ln)

    def _t(self, aid: str, cols: list[str], ln: int) -> None:
        """A T line: a known label on offsets inside the text (newline-split fragments only) showing its slice."""
        if aid in self.spans:
            raise self.err(f"duplicate id {aid}", ln, aid)
        label, _, offsets = cols[1].partition(" ")
        if label not in SPAN_TYPES:
            raise self.err(f"unknown label {label!r}; expected one of {', '.join(SPAN_TYPES)}", ln, f"{aid}.type")
        frags = []
        for frag in offsets.split(";"):
            bits = frag.split(" ")
            if len(bits) != 2 or not all(re.fullmatch(r"\d+", b) for b in bits):
                raise self.err(f"offsets {offsets!r} are not 'START END[;START END]'", ln, f"{aid}.offsets")
            s, e = int(bits[0]), int(bits[1])
            if not 0 <= s < e <= len(self.text):
                raise self.err(f"offsets [{s}, {e}) are outside the text [0, {len(self.text)}] or empty", ln,
                               f"{aid}.offsets")
            frags.append((s, e))
        for (s1, e1), (s2, _) in zip(frags, frags[1:]):
            gap = self.text[e1:s2]
            if not gap or gap.strip("\n\r") or gap.count("\n") > 1 or len(gap) > 2:
                raise self.err(f"discontinuous span [{s1}, {e1});[{s2}, ...): only newline-split fragments are "
                               "supported", ln, f"{aid}.offsets")
        shown = " ".join(self.text[s:e] for s, e in frags)
        given = cols[2] if len(cols) > 2 else ""
        if given != _shown(shown):
            raise self.err(f"text {given!r} does not equal the document slice {_shown(shown)!r}", ln, f"{aid}.text")
        start, end = frags[0][0], frags[-1][1]
        self.spans[aid] = (label, Span(start, end, self.text[start:end]), ln)
        self.order.append(aid)

    def _e(self, aid: str, cols: list[str], ln: int) -> None:
        """An E line: a Quote event, its trigger (the cue) and at most one of each known role."""
        args = cols[1].split(" ")
        head, _, trigger = args[0].partition(":")
        if head != QUOTE:
            raise self.err(f"unknown event type {head!r}; expected {QUOTE}", ln, f"{aid}.type")
        roles = {QUOTE: trigger}
        for a in args[1:]:
            role, colon, target = a.partition(":")
            if not colon or role not in ROLES:
                raise self.err(f"unknown event argument {a!r}; expected one of {', '.join(ROLES)}", ln, aid)
            if role in roles:
                raise self.err(f"second {role} argument", ln, f"{aid}.{role}")
            roles[role] = target
        self.events.append((aid, roles, ln))

    # --- attribute lookups shared by the record builders ---

    def attr(self, target: str, name: str) -> tuple[str | None, int | None]:
        """(value, line) of attribute `name` on `target`, or (None, None) when it is absent."""
        return self.attrs.get(target, {}).get(name, (None, None))

    def has(self, target: str, name: str) -> bool:
        """Whether `target` carries attribute `name` at all (a flag has no value to test)."""
        return name in self.attrs.get(target, {})

    def flag(self, target: str, name: str) -> bool:
        """A valueless attribute's presence; a value on it is an error."""
        value, ln = self.attr(target, name)
        if value is not None:
            raise self.err(f"{name} is a flag and takes no value", ln, f"{target}.{name}")
        return self.has(target, name)

    def enum(self, target: str, name: str, allowed: tuple[str, ...], default: str | None, line: int) -> str | None:
        """An attribute whose value must be one of `allowed`; absent, it is `default` (or, without one, an error)."""
        value, ln = self.attr(target, name)
        if value is None and not self.has(target, name) and default is not None:
            return default
        if value is None:
            raise self.err(f"{target} needs a {name} attribute ({', '.join(allowed)})", ln or line,
                           f"{target}.{name}")
        if value not in allowed:
            raise self.err(f"{value!r} is not one of {', '.join(allowed)}", ln, f"{target}.{name}")
        return value

    def only(self, target: str, allowed: tuple[str, ...], what: str) -> None:
        """Refuse any attribute on `target` that its kind of annotation (`what`) does not take."""
        for name, (_, ln) in self.attrs.get(target, {}).items():
            if name not in allowed:
                raise self.err(f"attribute {name} does not apply to {what} {target}", ln, f"{target}.{name}")


_MENTION_ATTRS = ("Form", "Nominal")
_NUMBER_ATTRS = ("Value", "Kind", "Unit", "Qualifier", "InName")
_QUOTE_PARTS = (QUOTE, CONTENT, ADDRESSEE)


class _Build:
    """What the record builders of one document share: its parsed `.ann`, the origins to fill and
    the record ids already taken (so that fresh ids never collide)."""

    def __init__(self, ann: _Ann, doc_id: str, origins: Origins):
        self.ann, self.doc_id, self.origins = ann, doc_id, origins
        self.used: set[str] = {p["id"] for p, _ in ann.notes.values() if p.get("id")}

    def origin(self, rid: str, line: int) -> None:
        """Record that record `rid` of this document comes from `line` of the `.ann` file."""
        self.origins.add(self.doc_id, rid, self.ann.file, line)


def _check_targets(ann: _Ann) -> None:
    """Every attribute and note must sit on a T line or an event, so that none is silently dropped."""
    events = {e[0]: e[2] for e in ann.events}
    for target, slot in ann.attrs.items():
        if target not in ann.spans and target not in events:
            raise ann.err(f"attribute on unknown annotation {target}", next(iter(slot.values()))[1], target)
    for target, (_, ln) in ann.notes.items():
        if target not in ann.spans and target not in events:
            raise ann.err(f"note on unknown annotation {target}", ln, target)


def _entity_id(b: _Build, db: str, key: str, ln: int, aid: str) -> str:
    """The entity id of a normalization: `khabar:DOC/ENTITY` of this document, `khabar:ENTITY`,
    or, from another DB, `DB:KEY` itself."""
    if db != NORM_DB:
        return f"{db}:{unquote(key)}"
    doc, slash, ent = key.partition("/")
    if not slash:
        return unquote(key)
    if unquote(doc) != b.doc_id:
        raise b.ann.err(f"{NORM_DB}:{key} is a cluster of document {unquote(doc)!r}, not of {b.doc_id!r}", ln, aid)
    if not ent:
        raise b.ann.err(f"normalization id {NORM_DB}:{key} names no entity after the slash", ln, aid)
    return unquote(ent)


def _clusters(b: _Build) -> tuple[dict[str, str], dict[str, dict]]:
    """The N lines, in order: each linked mention's entity, and the clusters in order with their
    English names (a line without text names nothing; two lines with text must agree)."""
    ann = b.ann
    entity_of: dict[str, str] = {}
    clusters: dict[str, dict] = {}
    for target, db, key, name_en, ln in ann.norms:
        if target not in ann.spans or ann.spans[target][0] not in FINE_TYPES:
            raise ann.err(f"Reference target {target} is not an entity mention", ln, target)
        if target in entity_of:
            raise ann.err(f"{target} is linked twice", ln, target)
        eid = _entity_id(b, db, key, ln, target)
        entity_of[target] = eid
        rec = clusters.setdefault(eid, {"id": eid, "type": None, "name_en": None, "name_ar": None})
        if name_en and rec["name_en"] and rec["name_en"] != name_en:
            raise ann.err(f"entity {eid} is named {name_en!r} here and {rec['name_en']!r} before", ln,
                          f"{eid}.name_en")
        rec["name_en"] = rec["name_en"] or name_en or None
        b.origin(eid, ln)
    return entity_of, clusters


def _merge_notes(ann: _Ann, rec: dict, tid: str, notes: dict[str, str], note_ln: int) -> None:
    """Fill a cluster's type and Arabic name from a mention's note; two mentions may not disagree."""
    for key in ("type", "name_ar"):
        value = notes.get("entity_type" if key == "type" else key)
        if value is None:
            continue
        if rec[key] is not None and rec[key] != value:
            raise ann.err(f"entity {rec['id']} has {key} {value!r} here and {rec[key]!r} before", note_ln,
                          f"{tid}.{key}")
        rec[key] = value


def _mention(b: _Build, tid: str, entity_of: dict[str, str], clusters: dict[str, dict]) -> dict:
    """The mention record of one fine-typed T line; an unlinked mention becomes a cluster of its own."""
    ann = b.ann
    label, span, ln = ann.spans[tid]
    ann.only(tid, _MENTION_ATTRS, "mention")
    notes, note_ln = ann.notes.get(tid, ({}, ln))
    mid = notes.get("id") or fresh_id(tid, b.used)
    eid = entity_of.get(tid)
    if eid is None:  # an unlinked mention is a cluster of its own, named by its text
        eid = fresh_id(f"E_{tid}", b.used | set(clusters))
        clusters[eid] = {"id": eid, "type": None, "name_en": span.text, "name_ar": None}
    _merge_notes(ann, clusters[eid], tid, notes, note_ln)
    kind = "nominal" if ann.flag(tid, "Nominal") else "name"
    return {"id": mid, **span.to_dict(), "type": label, "entity": eid,
            "form": ann.enum(tid, "Form", FORMS, "canonical", ln), "kind": kind}


def _mentions(b: _Build, entity_of: dict[str, str], clusters: dict[str, dict]) -> tuple[list[dict], dict[str, dict]]:
    """All mention records in `.ann` order, and each one by its T id (quote sources point at them)."""
    mentions, mention_of = [], {}
    for tid in b.ann.order:
        label, _, ln = b.ann.spans[tid]
        if label not in FINE_TYPES:
            continue
        m = _mention(b, tid, entity_of, clusters)
        mentions.append(m)
        mention_of[tid] = m
        b.origin(m["id"], ln)
    return mentions, mention_of


def _default_names(clusters: dict[str, dict], mentions: list[dict]) -> None:
    """A cluster without a noted type, Arabic or English name takes its first mention's type and text."""
    for rec in clusters.values():
        first = next(m for m in mentions if m["entity"] == rec["id"])
        rec["type"] = rec["type"] or first["type"]
        rec["name_ar"] = rec["name_ar"] or first["text"]
        rec["name_en"] = rec["name_en"] or first["text"]


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")
_GROUPED = re.compile(r"-?\d{1,3}(?:[,٬]\d{3})+(?:\.\d+)?")


def parse_value(text: str) -> int | float | None:
    """A number an annotator typed: a JSON number, in Western, Arabic-Indic or Persian digits,
    with an optional Arabic decimal separator (٫) and thousands grouping (`2,800`, `٢٬٨٠٠`);
    None for anything else (a boolean, NaN or infinity is not a number)."""
    t = text.strip().translate(_DIGITS)
    if _GROUPED.fullmatch(t):
        t = t.replace(",", "").replace("٬", "")
    try:
        value = json.loads(t)
    except (ValueError, RecursionError):  # ValueError: not JSON, or an integer past Python's digit limit
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        return None
    return value


def _from_note_or_attr(ann: _Ann, tid: str, key: str, attr: str) -> tuple[str | None, int | None, str]:
    """(text, line, where) of a number's `key` in its note, or of the older `attr` attribute; both is an error."""
    notes, nln = ann.notes.get(tid, ({}, None))
    raw, aln = ann.attr(tid, attr)
    if key in notes and ann.has(tid, attr):
        raise ann.err(f"{tid} has a {key} in its note and a {attr} attribute; keep one", aln, f"{tid}.{attr}")
    if key in notes:
        return notes[key], nln, f"{tid}.note.{key}"
    return raw, aln, f"{tid}.{attr}"


def _number_value(ann: _Ann, tid: str, ln: int) -> int | float:
    """A Number span's required value: `value=` in its note (or an older export's Value attribute)."""
    raw_value, vln, where = _from_note_or_attr(ann, tid, "value", "Value")
    if raw_value is None or not raw_value.strip():
        raise ann.err(f"{tid} needs a value: write value=NUMBER in its note", vln or ln, f"{tid}.note.value")
    value = parse_value(raw_value)
    if value is None:
        raise ann.err(f"value {raw_value!r} is not a number", vln, where)
    return value


def _number_unit(ann: _Ann, tid: str) -> str | None:
    """A Number span's optional unit: `unit=` in its note (or an older export's Unit attribute); empty is none."""
    unit, _, _ = _from_note_or_attr(ann, tid, "unit", "Unit")
    return unit if unit else None


def _numbers(b: _Build) -> list[dict]:
    """The number records of the Number spans, in `.ann` order, with their attributes checked."""
    ann, numbers = b.ann, []
    for tid in ann.order:
        label, span, ln = ann.spans[tid]
        if label != NUMBER:
            continue
        ann.only(tid, _NUMBER_ATTRS, "number")
        value = _number_value(ann, tid, ln)
        nid = ann.notes.get(tid, ({}, None))[0].get("id") or fresh_id(tid, b.used)
        numbers.append({"id": nid, **span.to_dict(), "value": value,
                        "kind": ann.enum(tid, "Kind", NUMBER_KINDS, None, ln),
                        "unit": _number_unit(ann, tid),
                        "qualifier": ann.enum(tid, "Qualifier", QUALIFIERS, "exact", ln),
                        "in_name": ann.flag(tid, "InName")})
        b.origin(nid, ln)
    return numbers


def _quote_part(ann: _Ann, eid: str, roles: dict[str, str], ln: int, role: str, label: str,
                used_parts: set[str], required: bool = True) -> Span | None:
    """The span of a Quote event's `role` argument, which must be a `label` span (noted as used)."""
    target = roles.get(role)
    if target is None:
        if required:
            raise ann.err(f"Quote event needs a {role} argument", ln, f"{eid}.{role}")
        return None
    if target not in ann.spans or ann.spans[target][0] != label:
        got = ann.spans[target][0] if target in ann.spans else "not a text-bound annotation"
        raise ann.err(f"{role} argument {target} must be a {label} span ({got})", ln, f"{eid}.{role}")
    used_parts.add(target)
    return ann.spans[target][1]


def _quote(b: _Build, eid: str, roles: dict[str, str], ln: int, mention_of: dict[str, dict],
           used_parts: set[str]) -> dict:
    """The quote record of one Quote event: cue, content, optional addressee, and the Source mention's entity."""
    ann = b.ann
    ann.only(eid, ("QuoteType",), "quote")
    cue = _quote_part(ann, eid, roles, ln, QUOTE, QUOTE, used_parts)
    content = _quote_part(ann, eid, roles, ln, "Content", CONTENT, used_parts)
    addressee = _quote_part(ann, eid, roles, ln, "Addressee", ADDRESSEE, used_parts, False)
    src = roles.get("Source")
    if src not in mention_of:
        raise ann.err(f"Source argument {src} must be an entity mention", ln, f"{eid}.Source")
    source = mention_of[src]
    qid = ann.notes.get(eid, ({}, None))[0].get("id") or fresh_id(eid, b.used)
    return {"id": qid, "cue": cue.to_dict(), "content": content.to_dict(),
            "source": {k: source[k] for k in ("start", "end", "text")}, "speaker": source["entity"],
            "addressee": addressee.to_dict() if addressee else None,
            "type": ann.enum(eid, "QuoteType", QUOTE_TYPES, None, ln)}


def _quotes(b: _Build, mention_of: dict[str, dict]) -> list[dict]:
    """The quote records of the Quote events; then every cue, content and addressee span must be used."""
    quotes, used_parts = [], set()
    for eid, roles, ln in b.ann.events:
        q = _quote(b, eid, roles, ln, mention_of, used_parts)
        quotes.append(q)
        b.origin(q["id"], ln)
    for tid in b.ann.order:
        label, _, ln = b.ann.spans[tid]
        if label in _QUOTE_PARTS:
            b.ann.only(tid, (), f"{label} span")
            if tid not in used_parts:
                raise b.ann.err(f"{tid} ({label}) is not an argument of any Quote event", ln, tid)
    return quotes


def parse_document(doc_id: str, text: str, ann_source: str, file: str, origins: Origins) -> dict:
    """One document's gold record from its `.ann` source."""
    ann = _Ann(text, ann_source, file)
    origins.add_doc(doc_id, file)
    _check_targets(ann)
    b = _Build(ann, doc_id, origins)
    entity_of, clusters = _clusters(b)
    mentions, mention_of = _mentions(b, entity_of, clusters)
    _default_names(clusters, mentions)
    numbers = _numbers(b)
    quotes = _quotes(b, mention_of)
    entities = [{k: e[k] for k in ("id", "type", "name_en", "name_ar")} for e in clusters.values()]
    return {"id": doc_id, "text": text, "entities": entities, "mentions": mentions, "quotes": quotes,
            "numbers": numbers}


def import_brat(path: str | Path) -> Gold:
    """Read a brat folder (or one `.ann` file beside its `.txt`) into a validated `Gold`."""
    p = Path(path)
    if p.is_file() and p.suffix == ".ann":
        anns, folder = [p], p.parent
    elif p.is_dir():
        folder, anns = p, sorted(p.glob("*.ann"))
        if not anns:
            raise KhabarError("no .ann files in this folder", file=str(p))
    else:
        raise KhabarError("not a brat folder or .ann file", file=str(p))
    version = IMPORTED_VERSION
    manifest = folder / MANIFEST
    if manifest.exists():
        meta = read_json(manifest)
        version = meta.get("version") or version
        order = meta.get("documents") or []
        rank = {d: i for i, d in enumerate(order)}
        anns.sort(key=lambda a: (rank.get(a.stem, len(rank)), a.stem))
    origins = Origins()
    docs = []
    for ann in anns:
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            raise KhabarError("no .txt file beside this .ann", file=str(ann))
        docs.append(parse_document(ann.stem, read_text(txt), read_text(ann), str(ann), origins))
    raw = {"format": FORMAT, "version": version, "documents": docs}
    return validated(raw, origins, str(p))
