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
import sys
from collections.abc import Iterable
from pathlib import Path

from .errors import KhabarError
from .model import Document, Gold, PredEntity, PredNumber, PredQuote, Prediction, Span
from .schema import FINE_TYPES, NUMBER_KINDS, QUOTE_TYPES
from .validate import is_int, is_number

SCHEMA_PATH = Path(__file__).with_name("predictions.schema.json")

IGNORED_LABELS: tuple[str, ...] = (
    "MISC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL", "EVENT", "PRODUCT",
    "WORK_OF_ART", "LAW", "LANGUAGE",
)
"""Labels accepted in predictions but never scored: CoNLL's MISC and the other OntoNotes 5
types. They have no place in khabar's schemes, so they are ignored, not false positives."""

ENTITY_LABELS: tuple[str, ...] = FINE_TYPES + IGNORED_LABELS
TOP_FIELDS: tuple[str, ...] = ("id", "entities", "tags", "quotes", "numbers", "meta")


class Predictions(list):
    """A list of `Prediction` that also says what a lenient read skipped."""

    def __init__(self, items: Iterable[Prediction] = (), skipped: int = 0, problems: list[KhabarError] | None = None,
                 path: str = ""):
        super().__init__(items)
        self.skipped = skipped
        self.problems = problems or []
        self.path = path


class _Bad(Exception):
    """A problem inside one record: `field` relative to the line's object."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _span(obj, text: str, where: str) -> Span:
    if not isinstance(obj, dict):
        raise _Bad(where, "expected a span object {start, end, text}")
    for k in ("start", "end", "text"):
        if k not in obj:
            raise _Bad(f"{where}.{k}" if where else k, "missing field")
    st, en, tx = obj["start"], obj["end"], obj["text"]
    pre = f"{where}." if where else ""
    if not is_int(st):
        raise _Bad(pre + "start", f"expected an integer offset, got {st!r}")
    if not is_int(en):
        raise _Bad(pre + "end", f"expected an integer offset, got {en!r}")
    if not isinstance(tx, str):
        raise _Bad(pre + "text", f"expected a string, got {tx!r}")
    if st >= en:
        raise _Bad(pre + "start", f"start {st} >= end {en}")
    if st < 0 or en > len(text):
        raise _Bad(pre + ("start" if st < 0 else "end"), f"offsets [{st}, {en}) out of range [0, {len(text)}]")
    if text[st:en] != tx:
        raise _Bad(pre + "text", f"{_short(tx)!r} does not match the document text {_short(text[st:en])!r} at [{st}, {en})")
    return Span(st, en, tx)


def _short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _list(obj: dict, key: str):
    v = obj.get(key)
    if v is None:
        return None
    if not isinstance(v, list):
        raise _Bad(key, f"expected a list or null, got {type(v).__name__}")
    return v


def _entity(item, text: str, where: str, label_map: dict[str, str] | None) -> PredEntity:
    if not isinstance(item, dict):
        raise _Bad(where, "expected an object {start, end, text, type}")
    span = _span(item, text, where)
    if "type" not in item:
        raise _Bad(f"{where}.type", "missing field")
    label = item["type"]
    if not isinstance(label, str):
        raise _Bad(f"{where}.type", f"expected a string, got {label!r}")
    label = label_map.get(label, label) if label_map else label
    if label not in ENTITY_LABELS:
        raise _Bad(f"{where}.type", f"unknown type {label!r}; expected one of {', '.join(FINE_TYPES)} "
                                    "(or an ignored label such as MISC)")
    return PredEntity(span, label)


def _quote(item, text: str, where: str) -> PredQuote:
    if not isinstance(item, dict):
        raise _Bad(where, "expected an object {cue, content, source, type}")
    if "content" not in item:
        raise _Bad(f"{where}.content", "missing field")
    content = _span(item["content"], text, f"{where}.content")
    cue = _span(item["cue"], text, f"{where}.cue") if item.get("cue") is not None else None
    source = _span(item["source"], text, f"{where}.source") if item.get("source") is not None else None
    qtype = item.get("type")
    if qtype is not None and qtype not in QUOTE_TYPES:
        raise _Bad(f"{where}.type", f"unknown quote type {qtype!r}; expected one of {', '.join(QUOTE_TYPES)}")
    return PredQuote(cue, content, source, qtype)


def _number(item, text: str, where: str) -> PredNumber:
    if not isinstance(item, dict):
        raise _Bad(where, "expected an object {start, end, text, value, kind}")
    span = _span(item, text, where)
    if "value" not in item:
        raise _Bad(f"{where}.value", "missing field (use null for no value)")
    value = item["value"]
    if value is not None and not is_number(value):
        raise _Bad(f"{where}.value", f"expected a finite number or null, got {value!r}")
    kind = item.get("kind")
    if kind is not None and kind not in NUMBER_KINDS:
        raise _Bad(f"{where}.kind", f"unknown kind {kind!r}; expected one of {', '.join(NUMBER_KINDS)}")
    unit = item.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise _Bad(f"{where}.unit", f"expected a string or null, got {unit!r}")
    return PredNumber(span, value, kind, unit)


def _tags_to_entities(tags, doc: Document) -> list[PredEntity]:
    """IOB2 tags over khabar's tokens (flat, or one list per paragraph) into entities.

    Tags are decoded paragraph by paragraph, so no entity crosses a line break."""
    from .scoring.conll import decode, split_tag
    from .tokens import sentences

    paras = sentences(doc.text)
    if tags and all(isinstance(t, list) for t in tags):
        if len(tags) != len(paras):
            raise _Bad("tags", f"{len(tags)} tag lists for {len(paras)} paragraphs")
        for i, (tl, toks) in enumerate(zip(tags, paras)):
            if len(tl) != len(toks):
                raise _Bad(f"tags[{i}]", f"{len(tl)} tags for the {len(toks)} khabar tokens of paragraph {i}")
        per_para = tags
    else:
        n = sum(len(t) for t in paras)
        if len(tags) != n:
            raise _Bad("tags", f"{len(tags)} tags for {n} khabar tokens")
        per_para, i = [], 0
        for toks in paras:
            per_para.append(tags[i:i + len(toks)])
            i += len(toks)
    out = []
    k = 0
    for tl, toks in zip(per_para, paras):
        for j, t in enumerate(tl):
            if not isinstance(t, str):
                raise _Bad(f"tags[{k + j}]", f"expected a tag string, got {t!r}")
            try:
                split_tag(t)
            except ValueError as e:
                raise _Bad(f"tags[{k + j}]", str(e)) from None
        for s, e, label in decode(tl):
            if label not in ENTITY_LABELS:
                raise _Bad(f"tags[{k + s}]", f"unknown type {label!r}; expected one of {', '.join(FINE_TYPES)}")
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
            skip(_Bad(f"{field}[{i}]", f"duplicate span [{k[0]}, {k[1]}) (also {field}[{seen[k]}])"))
            continue
        seen[k] = i
        out.append(it)
    return out


def parse_record(obj, doc_by_id: dict[str, Document], skip, label_map: dict[str, str] | None = None) -> Prediction:
    """One line's object into a `Prediction`; `skip(_Bad)` decides whether a bad item is fatal."""
    if not isinstance(obj, dict):
        raise _Bad("", f"expected a JSON object, got {type(obj).__name__}")
    for k in obj:
        if k not in TOP_FIELDS:
            raise _Bad(k, f"unknown field; expected {', '.join(TOP_FIELDS)}")
    if "id" not in obj:
        raise _Bad("id", "missing field")
    doc_id = obj["id"]
    if not isinstance(doc_id, str):
        raise _Bad("id", f"expected a string, got {doc_id!r}")
    doc = doc_by_id.get(doc_id)
    if doc is None:
        raise _Bad("id", f"unknown document id {doc_id!r}")
    text = doc.text

    def items(key, build):
        raw = _list(obj, key)
        if raw is None:
            return None
        out = []
        for i, item in enumerate(raw):
            try:
                out.append((i, build(item, f"{key}[{i}]")))
            except _Bad as b:
                skip(b)
        return out

    entities = items("entities", lambda it, w: _entity(it, text, w, label_map))
    tags = _list(obj, "tags")
    if tags is not None:
        if entities is not None:
            raise _Bad("tags", "give entities or tags, not both")
        entities = list(enumerate(_tags_to_entities(tags, doc)))
    quotes = items("quotes", lambda it, w: _quote(it, text, w))
    numbers = items("numbers", lambda it, w: _number(it, text, w))
    return Prediction(
        id=doc_id,
        entities=None if entities is None else _dedupe(entities, lambda e: e.span.key, "entities", skip),
        quotes=None if quotes is None else _dedupe(quotes, lambda q: q.content.key, "quotes", skip),
        numbers=None if numbers is None else _dedupe(numbers, lambda n: n.span.key, "numbers", skip),
        unaligned=_unaligned(obj),
    )


def _unaligned(obj: dict) -> list[dict]:
    """`meta.unaligned`: items a system returned but could not place in the text."""
    meta = obj.get("meta")
    recs = meta.get("unaligned") if isinstance(meta, dict) else None
    if recs is None:
        return []
    if not isinstance(recs, list) or not all(isinstance(r, dict) and isinstance(r.get("task"), str)
                                             and isinstance(r.get("part"), str) for r in recs):
        raise _Bad("meta.unaligned", "must be a list of objects with string fields task and part")
    return recs


def read_predictions(path: str | Path, gold: Gold, lenient: bool = False,
                     label_map: dict[str, str] | None = None) -> Predictions:
    """Read a predictions JSON Lines file (`-` for stdin) against `gold`.

    Strict (default): the first bad record raises `KhabarError` (exit code 2) naming file, line
    and field. Lenient: bad records are skipped; the result's `.skipped` counts them and
    `.problems` keeps each one's error. `label_map` renames predicted NER labels first.
    """
    name = str(path)
    doc_by_id = {d.id: d for d in gold.documents}
    problems: list[KhabarError] = []
    out: list[Prediction] = []
    seen: dict[str, int] = {}
    lineno = 0

    def fail(line: int, field: str | None, message: str) -> None:
        err = KhabarError(message, file=name, line=line, field=field or None, exit_code=2)
        if not lenient:
            raise err
        problems.append(err)

    for lineno, raw in enumerate(_lines(path), start=1):
        if not raw.strip():
            continue

        def skip(b: _Bad, _line=lineno) -> None:
            fail(_line, b.field, b.message)

        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            fail(lineno, None, f"invalid JSON: {e.msg} (column {e.colno})")
            continue
        try:
            pred = parse_record(obj, doc_by_id, skip, label_map)
        except _Bad as b:
            fail(lineno, b.field, b.message)
            continue
        if pred.id in seen:
            fail(lineno, "id", f"duplicate document id {pred.id!r} (first on line {seen[pred.id]})")
            continue
        seen[pred.id] = lineno
        out.append(pred)
    if not out and not problems and lineno == 0:
        fail(1, None, "empty file: expected one JSON object per line")
    return Predictions(out, skipped=len(problems), problems=problems, path=name)


def _lines(path: str | Path):
    if str(path) == "-":
        yield from sys.stdin
        return
    p = Path(path)
    try:
        with p.open(encoding="utf-8") as f:
            yield from f
    except FileNotFoundError:
        raise KhabarError("file not found", file=str(p), exit_code=2) from None
    except IsADirectoryError:
        raise KhabarError("is a directory, not a predictions file", file=str(p), exit_code=2) from None
    except UnicodeDecodeError as e:
        raise KhabarError(f"not UTF-8 text (byte {e.start})", file=str(p), exit_code=2) from None


def dumps(prediction: Prediction) -> str:
    """One JSON Lines record."""
    return json.dumps(prediction.to_dict(), ensure_ascii=False)


def write_predictions(predictions: Iterable[Prediction], path: str | Path, overwrite: bool = False) -> Path:
    """Write predictions as JSON Lines; refuses to replace an existing file unless `overwrite`."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise KhabarError("file exists; refusing to overwrite it (use --force)", file=str(p), exit_code=2)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for pred in predictions:
            f.write(dumps(pred) + "\n")
    tmp.replace(p)
    return p
