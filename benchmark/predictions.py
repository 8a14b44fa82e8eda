"""Reading and writing predictions: JSON Lines, one object per document, character offsets.

The one place where prediction files become `Prediction` objects. Every record is checked
against the gold document it names (offsets in range, `start < end`, span text equal to the
document slice, known labels, no duplicate spans); the first problem stops the read with a
one-line `KhabarError` naming file, line and field (exit code 2). With `lenient=True` the bad
record (an item, or the whole line when the line itself is bad) is skipped and counted instead.
The format is published as `benchmark/predictions.schema.json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .errors import KhabarError
from .files import JsonError, iter_lines, loads
from .model import Document, Gold, PredEntity, Prediction, Span
from .fields import Bad
from .schema import ENTITY_LABELS, FINE_TYPES
from .scoring.tasks import REGISTRY

SCHEMA_PATH = Path(__file__).with_name("predictions.schema.json")

TOP_FIELDS: tuple[str, ...] = ("id", "entities", "tags", "quotes", "numbers", "meta")


class Predictions(list):
    """A list of `Prediction` that also says what a lenient read skipped."""

    def __init__(self, items: Iterable[Prediction] = (), skipped: int = 0, problems: list[KhabarError] | None = None,
                 path: str = ""):
        super().__init__(items)
        self.skipped = skipped
        self.problems = problems or []
        self.path = path


def _list(obj: dict, key: str):
    v = obj.get(key)
    if v is None:
        return None
    if not isinstance(v, list):
        raise Bad(key, f"expected a list or null, got {type(v).__name__}")
    return v


def _tags_to_entities(tags, doc: Document) -> list[PredEntity]:
    """IOB2 tags over khabar's tokens (flat, or one list per paragraph) into entities.

    Tags are decoded paragraph by paragraph, so no entity crosses a line break."""
    from .iob import decode, split_tag
    from .tokens import sentences

    paras = sentences(doc.text)
    if tags and all(isinstance(t, list) for t in tags):
        if len(tags) != len(paras):
            raise Bad("tags", f"{len(tags)} tag lists for {len(paras)} paragraphs")
        for i, (tl, toks) in enumerate(zip(tags, paras)):
            if len(tl) != len(toks):
                raise Bad(f"tags[{i}]", f"{len(tl)} tags for the {len(toks)} khabar tokens of paragraph {i}")
        per_para = tags
    else:
        n = sum(len(t) for t in paras)
        if len(tags) != n:
            raise Bad("tags", f"{len(tags)} tags for {n} khabar tokens")
        per_para, i = [], 0
        for toks in paras:
            per_para.append(tags[i:i + len(toks)])
            i += len(toks)
    out = []
    k = 0
    for tl, toks in zip(per_para, paras):
        for j, t in enumerate(tl):
            if not isinstance(t, str):
                raise Bad(f"tags[{k + j}]", f"expected a tag string, got {t!r}")
            try:
                split_tag(t)
            except ValueError as e:
                raise Bad(f"tags[{k + j}]", str(e)) from None
        for s, e, label in decode(tl):
            if label not in ENTITY_LABELS:
                raise Bad(f"tags[{k + s}]", f"unknown type {label!r}; expected one of {', '.join(FINE_TYPES)}")
            a, b = toks[s].start, toks[e - 1].end
            out.append(PredEntity(Span(a, b, doc.text[a:b]), label))
        k += len(tl)
    return out


def _dedupe(items: list, key, field: str, skip) -> list:
    seen: dict = {}
    out = []
    for i, it in items:
        k = key(it)
        if k in seen:
            skip(Bad(f"{field}[{i}]", f"duplicate span [{k[0]}, {k[1]}) (also {field}[{seen[k]}])"))
            continue
        seen[k] = i
        out.append(it)
    return out


def parse_record(obj, doc_by_id: dict[str, Document], skip, label_map: dict[str, str] | None = None) -> Prediction:
    """One line's object into a `Prediction`; `skip(Bad)` decides whether a bad item is fatal."""
    if not isinstance(obj, dict):
        raise Bad("", f"expected a JSON object, got {type(obj).__name__}")
    for k in obj:
        if k not in TOP_FIELDS:
            raise Bad(k, f"unknown field; expected {', '.join(TOP_FIELDS)}")
    if "id" not in obj:
        raise Bad("id", "missing field")
    doc_id = obj["id"]
    if not isinstance(doc_id, str):
        raise Bad("id", f"expected a string, got {doc_id!r}")
    doc = doc_by_id.get(doc_id)
    if doc is None:
        raise Bad("id", f"unknown document id {doc_id!r}")
    text = doc.text

    def items(key, build):
        raw = _list(obj, key)
        if raw is None:
            return None
        out = []
        for i, item in enumerate(raw):
            try:
                out.append((i, build(item, f"{key}[{i}]")))
            except Bad as b:
                skip(b)
        return out

    got = {t.name: items(t.field, lambda it, w, t=t: t.read(it, text, w, label_map)) for t in REGISTRY.values()}
    tags = _list(obj, "tags")
    if tags is not None:
        if got["ner"] is not None:
            raise Bad("tags", "give entities or tags, not both")
        got["ner"] = list(enumerate(_tags_to_entities(tags, doc)))
    fields = {t.field: None if got[t.name] is None else _dedupe(got[t.name], t.key, t.field, skip)
              for t in REGISTRY.values()}
    return Prediction(id=doc_id, **fields, unaligned=_unaligned(obj, doc))


UNALIGNED_FIELDS: tuple[str, ...] = ("task", "part", "text", "reason", "paragraph", "type", "item")
UNALIGNED_PARTS: tuple[str, ...] = ("item", "cue", "source")


def _unaligned(obj: dict, doc: Document) -> list[dict]:
    """`meta.unaligned`, checked: items a system returned but could not place in the text, each
    `{task, part, text, reason, paragraph, type, item}` (task and part required; see
    docs/SCORING.md). `meta` itself is free-form otherwise."""
    from .fields import known_fields, one_of, required

    meta = obj.get("meta")
    if meta is None:
        return []
    if not isinstance(meta, dict):
        raise Bad("meta", f"expected an object or null, got {type(meta).__name__}")
    recs = meta.get("unaligned")
    if recs is None:
        return []
    if not isinstance(recs, list):
        raise Bad("meta.unaligned", f"expected a list, got {type(recs).__name__}")
    n_paras = len(doc.paragraphs())
    for i, r in enumerate(recs):
        where = f"meta.unaligned[{i}]"
        if not isinstance(r, dict):
            raise Bad(where, "expected an object {task, part, text, reason, paragraph}")
        known_fields(r, UNALIGNED_FIELDS, where)
        one_of(required(r, "task", where), tuple(REGISTRY), f"{where}.task", "task")
        one_of(required(r, "part", where), UNALIGNED_PARTS, f"{where}.part", "part")
        for k in ("text", "reason", "type"):
            if r.get(k) is not None and not isinstance(r[k], str):
                raise Bad(f"{where}.{k}", f"expected a string or null, got {r[k]!r}")
        para = r.get("paragraph")
        if para is not None and (isinstance(para, bool) or not isinstance(para, int) or not 0 <= para < n_paras):
            raise Bad(f"{where}.paragraph", f"expected a paragraph index 0-{n_paras - 1} or null, got {para!r}")
        if r.get("item") is not None and not isinstance(r["item"], dict):
            raise Bad(f"{where}.item", f"expected the returned item as an object or null, got {r['item']!r}")
    return recs


def check_predictions(predictions, gold: Gold, label_map: dict[str, str] | None = None) -> None:
    """Check `Prediction` objects given to the library exactly as the reader checks a file:
    each is written as its record and read back, so `score()` accepts nothing that `khabar
    score` refuses. The first problem raises `KhabarError` naming `predictions[i].field`."""
    doc_by_id = {d.id: d for d in gold.documents}
    seen: dict[str, int] = {}
    for i, pred in enumerate(predictions):
        where = f"predictions[{i}]"
        if not isinstance(pred, Prediction):
            raise KhabarError(f"expected a Prediction, got {type(pred).__name__}", field=where)

        def fail(b: Bad) -> None:
            raise KhabarError(b.message, field=f"{where}.{b.field}" if b.field else where)

        try:
            parse_record(pred.to_dict(), doc_by_id, fail, label_map)
        except Bad as b:
            fail(b)
        if pred.id in seen:
            raise KhabarError(f"duplicate document id {pred.id!r} (first at predictions[{seen[pred.id]}])",
                              field=f"{where}.id")
        seen[pred.id] = i


def read_predictions(path: str | Path, gold: Gold, lenient: bool = False,
                     label_map: dict[str, str] | None = None) -> Predictions:
    """Read a predictions JSON Lines file (`-` for stdin) against `gold`.

    Strict (default): the first bad record raises `KhabarError` (exit code 2) naming file, line
    and field. Lenient: bad records are skipped; the result's `.skipped` counts them and
    `.problems` keeps each one's error. `label_map` renames predicted NER labels first.
    """
    return read_prediction_lines(_lines(path), gold, source=str(path), lenient=lenient, label_map=label_map)


def read_prediction_lines(lines: Iterable[str], gold: Gold, *, source: str = "<predictions>", lenient: bool = False,
                          label_map: dict[str, str] | None = None) -> Predictions:
    """`read_predictions` over JSON Lines already in memory (one record per string), named
    `source` in messages: the same checks, for callers that hold records, not a file."""
    name = source
    doc_by_id = {d.id: d for d in gold.documents}
    problems: list[KhabarError] = []
    out: list[Prediction] = []
    seen: dict[str, int] = {}
    lineno = 0

    def fail(line: int, field: str | None, message: str) -> None:
        err = KhabarError(message, file=name, line=line, field=field or None)
        if not lenient:
            raise err
        problems.append(err)

    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue

        def skip(b: Bad, _line=lineno) -> None:
            fail(_line, b.field, b.message)

        try:
            obj = loads(raw)
        except JsonError as e:
            fail(lineno, None, str(e))
            continue
        try:
            pred = parse_record(obj, doc_by_id, skip, label_map)
        except Bad as b:
            fail(lineno, b.field, b.message)
            continue
        if pred.id in seen:
            fail(lineno, "id", f"duplicate document id {pred.id!r} (first on line {seen[pred.id]})")
            continue
        seen[pred.id] = lineno
        out.append(pred)
    if not out and not problems:
        fail(max(lineno, 1), None, "empty file: expected one JSON object per line" if lineno == 0
             else "only blank lines: expected one JSON object per line")
    return Predictions(out, skipped=len(problems), problems=problems, path=name)


def _lines(path: str | Path):
    """The lines of a predictions file, streamed (see `files.iter_lines`)."""
    return iter_lines(path, what="predictions file")


def dumps(prediction: Prediction) -> str:
    """One JSON Lines record."""
    return json.dumps(prediction.to_dict(), ensure_ascii=False)


def write_predictions(predictions: Iterable[Prediction], path: str | Path, overwrite: bool = False) -> Path:
    """Write predictions as JSON Lines; refuses to replace an existing file unless `overwrite`."""
    from .writer import write_lines

    return write_lines(path, (dumps(p) for p in predictions), overwrite)
