"""Label Studio JSON tasks export and import, lossless for the khabar gold.

One task per document: `data` holds the text, the document id, the gold version and the entity
catalogue (`data.entities`: id, type, English and Arabic canonical names). The annotation (or
prediction) `result` uses Label Studio's own result types:

- `labels` regions from three controls: `entity_type` (PER, ORG, ...: mentions, region id = the
  mention id), `number` (NUMBER: region id = the number id) and `quote` (CUE, CONTENT, ADDRESSEE:
  the CUE region's id is the quote id);
- per-region `textarea`/`choices` results sharing the region's id: `entity` (cluster id), `form`,
  `mention_kind` (nominal), `value`, `kind`, `unit`, `qualifier`, `in_name`, `quote_type`;
- `relation`s from a CUE region to its CONTENT (`content`), to the mention naming the speaker
  (`source`) and to its ADDRESSEE (`addressee`). The speaker is that mention's entity.

Offsets are Python string indices, which is what current Label Studio stores for Text (code
points, not UTF-16 units). `label_config.xml` is the matching labelling interface.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

from .. import files
from ..errors import KhabarError
from ..model import Document, Gold, Span
from ..params import check_choice
from ..schema import FINE_TYPES, FORMS, NUMBER_KINDS, QUALIFIERS, QUOTE_TYPES
from .common import FORMAT, IMPORTED_VERSION, Origins, OutFolder, fresh_id, read_text, validated

TASKS_FILE = "tasks.json"
USES: tuple[str, ...] = ("auto", "annotations", "predictions")
"""Which results an import reads: `auto` takes annotations when a task has any, else predictions."""
CONFIG_FILE = "label_config.xml"
TO_NAME = "text"
NUMBER_LABEL = "NUMBER"
CUE, CONTENT, ADDRESSEE = "CUE", "CONTENT", "ADDRESSEE"
REGION_CONTROLS = {"entity_type": FINE_TYPES, "number": (NUMBER_LABEL,), "quote": (CUE, CONTENT, ADDRESSEE)}
CHOICES = {
    "form": FORMS,
    "mention_kind": ("nominal",),
    "kind": NUMBER_KINDS,
    "qualifier": QUALIFIERS,
    "in_name": ("in_name",),
    "quote_type": QUOTE_TYPES,
}
TEXTAREAS = ("entity", "value", "unit")
RELATIONS = ("content", "source", "addressee")
ATTRS_OF = {
    "entity_type": ("entity", "form", "mention_kind"),
    "number": ("value", "kind", "unit", "qualifier", "in_name"),
    "quote": ("quote_type",),
}


# --- export -----------------------------------------------------------------------------------


def _region(rid: str, control: str, label: str, span: Span) -> dict:
    return {"id": rid, "from_name": control, "to_name": TO_NAME, "type": "labels",
            "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [label]}}


def _choice(rid: str, control: str, choice: str, span: Span) -> dict:
    return {"id": rid, "from_name": control, "to_name": TO_NAME, "type": "choices",
            "value": {"start": span.start, "end": span.end, "text": span.text, "choices": [choice]}}


def _textarea(rid: str, control: str, value: str, span: Span) -> dict:
    return {"id": rid, "from_name": control, "to_name": TO_NAME, "type": "textarea",
            "value": {"start": span.start, "end": span.end, "text": [value]}}


def _relation(src: str, dst: str, label: str) -> dict:
    return {"from_id": src, "to_id": dst, "type": "relation", "direction": "right", "labels": [label]}


def document_result(doc: Document) -> list[dict]:
    """The Label Studio `result` list of one document's gold."""
    out: list[dict] = []
    for m in doc.mentions:
        out.append(_region(m.id, "entity_type", m.type, m.span))
        out.append(_textarea(m.id, "entity", m.entity, m.span))
        if m.form != "canonical":
            out.append(_choice(m.id, "form", m.form, m.span))
        if m.kind == "nominal":
            out.append(_choice(m.id, "mention_kind", "nominal", m.span))
    for n in doc.numbers:
        out.append(_region(n.id, "number", NUMBER_LABEL, n.span))
        out.append(_textarea(n.id, "value", json.dumps(n.value), n.span))
        out.append(_choice(n.id, "kind", n.kind, n.span))
        if n.unit is not None:
            out.append(_textarea(n.id, "unit", n.unit, n.span))
        out.append(_choice(n.id, "qualifier", n.qualifier, n.span))
        if n.in_name:
            out.append(_choice(n.id, "in_name", "in_name", n.span))
    used = {m.id for m in doc.mentions} | {n.id for n in doc.numbers} | {q.id for q in doc.quotes}
    for q in doc.quotes:
        source = next(m for m in doc.mentions if m.entity == q.speaker and m.span.key == q.source.key)
        content_id = fresh_id(f"{q.id}:content", used)
        out.append(_region(q.id, "quote", CUE, q.cue))
        out.append(_choice(q.id, "quote_type", q.type, q.cue))
        out.append(_region(content_id, "quote", CONTENT, q.content))
        out.append(_relation(q.id, content_id, "content"))
        out.append(_relation(q.id, source.id, "source"))
        if q.addressee is not None:
            addressee_id = fresh_id(f"{q.id}:addressee", used)
            out.append(_region(addressee_id, "quote", ADDRESSEE, q.addressee))
            out.append(_relation(q.id, addressee_id, "addressee"))
    return out


def tasks(gold: Gold, as_predictions: bool = False, model_version: str = "gold") -> list[dict]:
    """Label Studio tasks for `gold`: the gold as `annotations` (or as `predictions` to review)."""
    out = []
    for d in gold.documents:
        data = {
            "text": d.text,
            "doc_id": d.id,
            "gold_version": gold.version,
            "entities": [{"id": e.id, "type": e.type, "name_en": e.name_en, "name_ar": e.name_ar}
                         for e in d.entities],
        }
        result = document_result(d)
        if as_predictions:
            out.append({"data": data, "predictions": [{"model_version": model_version, "result": result}]})
        else:
            out.append({"data": data, "annotations": [{"result": result, "ground_truth": True}]})
    return out


def label_config() -> str:
    """The Label Studio labelling interface (XML) that matches the exported results."""

    def labels(name: str, values) -> str:
        inner = "".join(f"\n    <Label value={quoteattr(v)}/>" for v in values)
        return f'  <Labels name="{name}" toName="{TO_NAME}">{inner}\n  </Labels>'

    def choices(name: str, values) -> str:
        inner = "".join(f"\n      <Choice value={quoteattr(v)}/>" for v in values)
        return (f'    <Choices name="{name}" toName="{TO_NAME}" perRegion="true" choice="single">{inner}\n'
                f"    </Choices>")

    def textarea(name: str) -> str:
        return (f'    <Header value="{name}"/>\n'
                f'    <TextArea name="{name}" toName="{TO_NAME}" perRegion="true" maxSubmissions="1" editable="true"/>')

    parts = ["<View>", *(labels(n, v) for n, v in REGION_CONTROLS.items()),
             "  <Relations>" + "".join(f'\n    <Relation value="{r}"/>' for r in RELATIONS) + "\n  </Relations>",
             '  <View style="direction: rtl; text-align: right">',
             f'    <Text name="{TO_NAME}" value="$text"/>',
             "  </View>",
             '  <View visibleWhen="region-selected">',
             *(textarea(n) for n in TEXTAREAS),
             *(f'    <Header value="{n}"/>\n' + choices(n, v) for n, v in CHOICES.items()),
             "  </View>",
             "</View>", ""]
    return "\n".join(parts)


def export_labelstudio(gold: Gold, out: str | Path, overwrite: bool = False,
                       as_predictions: bool = False) -> list[Path]:
    """Write `tasks.json` (one task per document) and `label_config.xml` into the folder `out`."""
    folder = OutFolder(out, replace=overwrite)
    folder.check([TASKS_FILE, CONFIG_FILE])
    body = json.dumps(tasks(gold, as_predictions), ensure_ascii=False, indent=2) + "\n"
    return [folder.write_text(TASKS_FILE, body), folder.write_text(CONFIG_FILE, label_config())]


# --- import -----------------------------------------------------------------------------------


class _Source:
    """Error reporting for one JSON file: finds the line of a result from its id."""

    def __init__(self, file: str, source: str):
        self.file = file
        self.lines = source.splitlines()

    def line_of(self, rid) -> int | None:
        if not isinstance(rid, str):
            return None
        pat = re.compile(r'"(?:id|from_id)":\s*' + re.escape(json.dumps(rid, ensure_ascii=False)))
        return next((i + 1 for i, ln in enumerate(self.lines) if pat.search(ln)), None)

    def err(self, msg: str, field: str, rid=None) -> KhabarError:
        return KhabarError(msg, file=self.file, line=self.line_of(rid), field=field)


def _span(value: dict, text: str, src: _Source, field: str, rid, check_text: bool) -> Span:
    if not isinstance(value, dict):
        raise src.err("missing or not an object", field, rid)
    st, en = value.get("start"), value.get("end")
    if not isinstance(st, int) or isinstance(st, bool) or not isinstance(en, int) or isinstance(en, bool):
        raise src.err("start and end must be integer offsets", f"{field}.start", rid)
    if not 0 <= st < en <= len(text):
        raise src.err(f"offsets [{st}, {en}) are outside the text [0, {len(text)}] or empty", f"{field}.start", rid)
    if check_text and "text" in value and value["text"] != text[st:en]:
        raise src.err(f"text {value['text']!r} does not equal the document slice {text[st:en]!r}",
                      f"{field}.text", rid)
    return Span(st, en, text[st:en])


def _one(value: dict, key: str, allowed, src: _Source, field: str, rid) -> str:
    got = value.get(key) if isinstance(value, dict) else None
    if not isinstance(got, list) or len(got) != 1 or not isinstance(got[0], str):
        raise src.err(f"expected one value in {key}, got {got!r}", f"{field}.{key}", rid)
    if allowed is not None and got[0] not in allowed:
        raise src.err(f"unknown label {got[0]!r}; expected one of {', '.join(allowed)}", f"{field}.{key}", rid)
    return got[0]


class _Results:
    """One task's result list sorted by kind: labelled regions (and their order), per-region values, relations."""

    def __init__(self) -> None:
        self.regions: dict[str, tuple[str, str, Span, str]] = {}
        self.order: list[str] = []
        self.attrs: dict[str, dict[str, tuple[str, str]]] = {}
        self.relations: list[tuple[str, str, str, str]] = []

    def attr(self, rid: str, name: str) -> str | None:
        """The per-region value `name` of region `rid`, or None when it has none."""
        return self.attrs.get(rid, {}).get(name, (None, None))[0]


def _task_text(task: dict, ti: int, src: _Source) -> tuple[dict, str, str]:
    """A task's data object, its text and its document id (else one made from the task's id or index)."""
    where = f"tasks[{ti}]"
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise src.err("a task needs a data object", where)
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str):
        raise src.err("missing or not a string", f"{where}.data.text")
    doc_id = data.get("doc_id") or (f"task-{task['id']}" if task.get("id") is not None else f"task-{ti}")
    if not isinstance(doc_id, str):
        doc_id = str(doc_id)
    return data, text, doc_id


def _pick_result(task: dict, where: str, src: _Source, use: str, index: int) -> tuple[list, str]:
    """The result list to import (from annotations or predictions, skipping cancelled ones) and its field path."""
    pool = use if use != "auto" else ("annotations" if task.get("annotations") else "predictions")
    given = task.get(pool)
    if given is not None and not isinstance(given, list):
        raise src.err(f"expected a list of {pool}, got {type(given).__name__}", f"{where}.{pool}")
    for i, a in enumerate(given or []):
        if not isinstance(a, dict):
            raise src.err(f"expected an object with a result list, got {type(a).__name__}", f"{where}.{pool}[{i}]")
    runs = [a for a in given or [] if not a.get("was_cancelled")]
    if not runs:
        return [], f"{where}.{pool}"
    if index >= len(runs):
        raise src.err(f"has {len(runs)} {pool}; index {index} does not exist", f"{where}.{pool}")
    result, rwhere = runs[index].get("result"), f"{where}.{pool}[{index}].result"
    if not isinstance(result, list):
        raise src.err("missing or not a list", rwhere)
    return result, rwhere


def _read_region(res: _Results, r: dict, f: str, rid: str, control, text: str, src: _Source) -> None:
    """A `labels` result: a region of a known control with one known label on an exact text slice."""
    value = r.get("value")
    if control not in REGION_CONTROLS:
        raise src.err(f"unknown labels control {control!r}; expected one of {', '.join(REGION_CONTROLS)}",
                      f"{f}.from_name", rid)
    label = _one(value, "labels", REGION_CONTROLS[control], src, f"{f}.value", rid)
    span = _span(value, text, src, f"{f}.value", rid, check_text=True)
    if rid in res.regions:
        raise src.err(f"duplicate region id {rid!r}", f"{f}.id", rid)
    res.regions[rid] = (control, label, span, f)
    res.order.append(rid)


def _read_result(res: _Results, r, f: str, text: str, src: _Source) -> None:
    """Sort one result into `res`: a relation, a labelled region, or a per-region choice or text."""
    if not isinstance(r, dict):
        raise src.err("not an object", f)
    rtype, rid = r.get("type"), r.get("id")
    if rtype == "relation":
        label = _one(r, "labels", RELATIONS, src, f, r.get("from_id"))
        res.relations.append((r.get("from_id"), r.get("to_id"), label, f))
        return
    control = r.get("from_name")
    if not isinstance(rid, str) or not rid:
        raise src.err("missing or not a non-empty string", f"{f}.id")
    if r.get("to_name", TO_NAME) != TO_NAME:
        raise src.err(f"to_name {r.get('to_name')!r} is not {TO_NAME!r}", f"{f}.to_name", rid)
    value = r.get("value")
    if rtype == "labels":
        _read_region(res, r, f, rid, control, text, src)
    elif rtype == "choices" and control in CHOICES:
        res.attrs.setdefault(rid, {})[control] = (_one(value, "choices", CHOICES[control], src, f"{f}.value", rid), f)
    elif rtype == "textarea" and control in TEXTAREAS:
        res.attrs.setdefault(rid, {})[control] = (_one(value, "text", None, src, f"{f}.value", rid), f)
    else:
        raise src.err(f"unknown result {rtype!r} from {control!r}", f"{f}.from_name", rid)


def _read_results(result: list, rwhere: str, text: str, src: _Source) -> _Results:
    """Every result of the list, then each per-region value checked against its region's control."""
    res = _Results()
    for ri, r in enumerate(result):
        _read_result(res, r, f"{rwhere}[{ri}]", text, src)
    for rid, slot in res.attrs.items():
        if rid not in res.regions:
            raise src.err(f"per-region result for unknown region {rid!r}", next(iter(slot.values()))[1], rid)
        control = res.regions[rid][0]
        for name, (_, f) in slot.items():
            if name not in ATTRS_OF[control]:
                raise src.err(f"{name} does not apply to a {control} region", f"{f}.from_name", rid)
    return res


def _catalogue(data: dict, where: str, doc_id: str, src: _Source, origins: Origins) -> dict[str, dict]:
    """The clusters of the task's entity catalogue (`data.entities`), in order."""
    catalogue = data.get("entities") or []
    if not isinstance(catalogue, list):
        raise src.err("must be a list of {id, type, name_en, name_ar}", f"{where}.data.entities")
    clusters: dict[str, dict] = {}
    for ei, e in enumerate(catalogue):
        if not isinstance(e, dict) or not isinstance(e.get("id"), str):
            raise src.err("an entity needs an id", f"{where}.data.entities[{ei}]")
        clusters[e["id"]] = {k: e.get(k) for k in ("id", "type", "name_en", "name_ar")}
        origins.add(doc_id, e["id"], src.file, src.line_of(e["id"]))
    return clusters


def _mention(res: _Results, rid: str, label: str, span: Span, clusters: dict[str, dict], used: set[str]) -> dict:
    """The mention record of an entity_type region; a cluster missing from the catalogue is made from it."""
    eid = res.attr(rid, "entity")
    if eid is None:
        eid = fresh_id(f"E_{rid}", used | set(clusters))
    if eid not in clusters:  # a new cluster, named by its first mention
        clusters[eid] = {"id": eid, "type": label, "name_en": span.text, "name_ar": span.text}
    return {"id": rid, **span.to_dict(), "type": label, "entity": eid,
            "form": res.attr(rid, "form") or "canonical",
            "kind": "nominal" if res.attr(rid, "mention_kind") else "name"}


def _number(res: _Results, rid: str, span: Span, f: str, src: _Source) -> dict:
    """The number record of a number region; its value text must be a JSON number (not a boolean)."""
    raw_value = res.attr(rid, "value")
    try:
        value = json.loads(raw_value) if raw_value is not None else None
    except json.JSONDecodeError:
        value = None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise src.err(f"value {raw_value!r} is not a number", f"{f}.value", rid)
    return {"id": rid, **span.to_dict(), "value": value, "kind": res.attr(rid, "kind"),
            "unit": res.attr(rid, "unit"), "qualifier": res.attr(rid, "qualifier") or "exact",
            "in_name": res.attr(rid, "in_name") is not None}


def _mentions_and_numbers(res: _Results, clusters: dict[str, dict], doc_id: str, src: _Source,
                          origins: Origins) -> tuple[list[dict], list[dict]]:
    """The mention and number records, in result order; every region's origin is its result's line."""
    mentions, numbers = [], []
    used = set(res.regions)
    for rid in res.order:
        control, label, span, f = res.regions[rid]
        if control == "entity_type":
            mentions.append(_mention(res, rid, label, span, clusters, used))
        elif control == "number":
            numbers.append(_number(res, rid, span, f, src))
        origins.add(doc_id, rid, src.file, src.line_of(rid))
    return mentions, numbers


def _relations_by_cue(res: _Results, src: _Source) -> dict[str, dict[str, tuple[str, str]]]:
    """Each cue's outgoing relations by label: (target id, field); relations start at a CUE, one per label."""
    out_of: dict[str, dict[str, tuple[str, str]]] = {}
    for a, b, label, f in res.relations:
        if a not in res.regions or res.regions[a][:2] != ("quote", CUE):
            raise src.err(f"a {label} relation must start at a CUE region, not {a!r}", f"{f}.from_id", a)
        if label in out_of.setdefault(a, {}):
            raise src.err(f"cue {a!r} has a second {label} relation", f"{f}.labels", a)
        out_of[a][label] = (b, f)
    return out_of


def _quote_parts(res: _Results, rid: str, rels: dict[str, tuple[str, str]], src: _Source) -> dict[str, Span]:
    """The content and addressee spans a cue's relations point at, each of the matching region label."""
    parts = {}
    for rel, want in (("content", CONTENT), ("addressee", ADDRESSEE)):
        if rel not in rels:
            continue
        b, rf = rels[rel]
        if b not in res.regions or res.regions[b][:2] != ("quote", want):
            raise src.err(f"{rel} relation must end at a {want} region, not {b!r}", f"{rf}.to_id", rid)
        parts[rel] = res.regions[b][2]
    return parts


def _quote(res: _Results, rid: str, span: Span, f: str, rels: dict[str, tuple[str, str]],
           by_id: dict[str, dict], src: _Source) -> dict:
    """The quote record of one CUE region: it needs a content and a source mention (the speaker's)."""
    parts = _quote_parts(res, rid, rels, src)
    if "content" not in parts:
        raise src.err(f"cue {rid!r} has no content relation", f, rid)
    if "source" not in rels or rels["source"][0] not in by_id:
        where_ = rels["source"][1] + ".to_id" if "source" in rels else f
        raise src.err(f"cue {rid!r} needs a source relation to an entity mention", where_, rid)
    source = by_id[rels["source"][0]]
    return {"id": rid, "cue": span.to_dict(), "content": parts["content"].to_dict(),
            "source": {k: source[k] for k in ("start", "end", "text")}, "speaker": source["entity"],
            "addressee": parts["addressee"].to_dict() if "addressee" in parts else None,
            "type": res.attr(rid, "quote_type")}


def _quotes(res: _Results, mentions: list[dict], src: _Source) -> list[dict]:
    """The quote records of the CUE regions, in order; every CONTENT and ADDRESSEE region must be linked."""
    by_id = {m["id"]: m for m in mentions}
    out_of = _relations_by_cue(res, src)
    targeted = {b for rels in out_of.values() for b, _ in rels.values()}
    quotes = []
    for rid in res.order:
        control, label, span, f = res.regions[rid]
        if control != "quote":
            continue
        if label != CUE:
            if rid not in targeted:
                raise src.err(f"{label} region {rid!r} is not linked to any CUE", f, rid)
            continue
        quotes.append(_quote(res, rid, span, f, out_of.get(rid, {}), by_id, src))
    return quotes


def parse_task(task: dict, ti: int, src: _Source, origins: Origins, use: str, index: int) -> tuple[dict, str | None]:
    """One document's gold record (and its gold version, if given) from a Label Studio task."""
    where = f"tasks[{ti}]"
    data, text, doc_id = _task_text(task, ti, src)
    origins.add_doc(doc_id, src.file)
    result, rwhere = _pick_result(task, where, src, use, index)
    res = _read_results(result, rwhere, text, src)
    clusters = _catalogue(data, where, doc_id, src, origins)
    mentions, numbers = _mentions_and_numbers(res, clusters, doc_id, src, origins)
    quotes = _quotes(res, mentions, src)
    doc = {"id": doc_id, "text": text, "entities": list(clusters.values()), "mentions": mentions,
           "quotes": quotes, "numbers": numbers}
    version = data.get("gold_version")
    return doc, version if isinstance(version, str) and version else None


def import_labelstudio(path: str | Path, use: str = "auto", index: int = 0) -> Gold:
    """Read Label Studio JSON tasks into a validated `Gold`.

    `use` picks the results: `annotations`, `predictions`, or `auto` (annotations when a task has
    any, else predictions); `index` picks among several non-cancelled ones.
    """
    check_choice(use, USES, "use")
    p = Path(path)
    if p.is_dir():
        p = p / TASKS_FILE
    source = read_text(p)
    raw = files.parse_json_value(source, p)
    if isinstance(raw, dict):
        raw = raw.get("tasks", [raw])
    if not isinstance(raw, list) or not raw:
        raise KhabarError("expected a non-empty list of Label Studio tasks", file=str(p), line=1)
    src, origins = _Source(str(p), source), Origins()
    docs, versions = [], set()
    for ti, task in enumerate(raw):
        doc, version = parse_task(task, ti, src, origins, use, index)
        docs.append(doc)
        versions.add(version or IMPORTED_VERSION)
    if len(versions) > 1:
        raise KhabarError(f"tasks disagree on the gold version: {sorted(versions)}", file=str(p),
                          field="data.gold_version")
    gold_raw = {"format": FORMAT, "version": versions.pop(), "documents": docs}
    return validated(gold_raw, origins, str(p))
