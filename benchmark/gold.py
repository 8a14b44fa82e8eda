"""Reading and writing the gold: the one place where gold files become `Gold` objects.

The gold is standoff JSON (`data/gold.json`): a version, and per document its text and its
entities, mentions, quotes and numbers with character offsets and the covered text. Records
are written one per line, so a validator message can name a line and a diff reads well.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import files
from .errors import KhabarError
from .model import Document, Entity, Gold, Mention, Number, Quote, Span

REPO_ROOT = Path(__file__).resolve().parent.parent
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file()
"""True in a source checkout (or an editable install); False when installed from a wheel."""


def _data_dir() -> Path:
    """`data/` of the checkout, or its copy `khabar/data/` (package data) in an installed wheel."""
    here = Path(__file__).resolve().parent
    if (here / "data" / "gold.json").is_file():
        return here / "data"
    return REPO_ROOT / "data"


DATA_DIR = _data_dir()
DEFAULT_GOLD = DATA_DIR / "gold.json"
FORMAT = "khabar-gold/1"
RECORD_LISTS = ("entities", "mentions", "quotes", "numbers")


def default_gold_path() -> Path:
    """`$KHABAR_GOLD` if set, else the gold shipped in `data/`."""
    return Path(os.environ.get("KHABAR_GOLD", DEFAULT_GOLD))


SPLITS: dict[str, str] = {"validation": "dev.json", "test": "gold.json"}
"""The shipped gold of each split, in `data/`: `validation` (dev) is the synthetic articles written
for khabar, where systems are built and tuned; `test` is the one real article, for reporting."""
SPLIT_ALIASES = {"dev": "validation"}


def split_name(split: str) -> str:
    """The canonical name of `split` ('dev' is 'validation'), or a one-line `KhabarError`."""
    from .params import check_choice

    return check_choice(SPLIT_ALIASES.get(split, split), tuple(SPLITS) + tuple(SPLIT_ALIASES), "split")


def split_path(split: str) -> Path:
    """The shipped gold file of `split` (`test` honours `$KHABAR_GOLD`, like `load_gold()`)."""
    name = split_name(split)
    return default_gold_path() if name == "test" else DATA_DIR / SPLITS[name]


def load_split(split: str) -> Gold:
    """The shipped gold of `split`: 'validation' (or 'dev') or 'test'."""
    return load_gold(split_path(split))


def content_hash(raw: dict) -> str:
    """sha256 of the gold's canonical JSON (version and documents): independent of formatting,
    key order and free-form metadata keys."""
    core = {"version": raw.get("version"), "documents": raw.get("documents")}
    canon = json.dumps(core, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def _span(d: dict | None) -> Span | None:
    if d is None:
        return None
    return Span(d["start"], d["end"], d["text"])


def from_dict(raw: dict, path: str = "", sha256: str = "") -> Gold:
    """Build a `Gold` from its JSON object. Assumes it validates (see `validate.py`)."""
    docs = []
    for d in raw["documents"]:
        docs.append(
            Document(
                id=d["id"],
                text=d["text"],
                entities=[Entity(e["id"], e["type"], e["name_en"], e["name_ar"]) for e in d["entities"]],
                mentions=[
                    Mention(m["id"], Span(m["start"], m["end"], m["text"]), m["type"], m["entity"],
                            m.get("form", "canonical"), m.get("kind", "name"))
                    for m in d["mentions"]
                ],
                quotes=[
                    Quote(q["id"], _span(q["cue"]), _span(q["content"]), _span(q["source"]), q["speaker"],
                          q["type"], _span(q.get("addressee")))
                    for q in d["quotes"]
                ],
                numbers=[
                    Number(n["id"], Span(n["start"], n["end"], n["text"]), n["value"], n["kind"],
                           n.get("unit"), n.get("qualifier", "exact"), bool(n.get("in_name", False)))
                    for n in d["numbers"]
                ],
            )
        )
    return Gold(version=raw["version"], documents=docs, sha256=sha256 or content_hash(raw), path=path)


def build_gold(raw: dict, file: str = "", text: str | None = None, *, locate=None, hint: str = "",
               field_prefix: str = "") -> Gold:
    """Validate a raw gold object and build its `Gold`: the one path from JSON to `Gold`.

    The first violation raises a `KhabarError`; `locate(field)` may map it to the (file, line)
    of the source it came from (an import), `hint` is appended after the count of the rest."""
    from .validate import validate_raw

    problems = validate_raw(raw, file or "<gold>", text or "")
    if problems:
        v = problems[0]
        where, line = locate(v.field) if locate is not None else (v.file, v.line)
        more = f" (and {len(problems) - 1} more{hint})" if len(problems) > 1 else ""
        raise KhabarError(v.message + more, file=where or file or None, line=line, field=field_prefix + v.field)
    return from_dict(raw, file, content_hash(raw))


def load_gold(path: str | Path | None = None) -> Gold:
    """Read and validate a gold file; raise `KhabarError` naming the first violation."""
    p = Path(path) if path is not None else default_gold_path()
    text = files.read_text(p)
    raw = files.parse_json(text, p)
    return build_gold(raw, str(p), text, hint=f"; run `khabar validate {p}`")


def to_dict(gold: Gold) -> dict:
    """The JSON object of a `Gold` (inverse of `from_dict`)."""
    docs = []
    for d in gold.documents:
        docs.append(
            {
                "id": d.id,
                "text": d.text,
                "entities": [
                    {"id": e.id, "type": e.type, "name_en": e.name_en, "name_ar": e.name_ar} for e in d.entities
                ],
                "mentions": [
                    {"id": m.id, **m.span.to_dict(), "type": m.type, "entity": m.entity, "form": m.form,
                     "kind": m.kind}
                    for m in d.mentions
                ],
                "quotes": [
                    {"id": q.id, "cue": q.cue.to_dict(), "content": q.content.to_dict(),
                     "source": q.source.to_dict(), "speaker": q.speaker,
                     "addressee": q.addressee.to_dict() if q.addressee else None, "type": q.type}
                    for q in d.quotes
                ],
                "numbers": [
                    {"id": n.id, **n.span.to_dict(), "value": n.value, "kind": n.kind, "unit": n.unit,
                     "qualifier": n.qualifier, "in_name": n.in_name}
                    for n in d.numbers
                ],
            }
        )
    return {"format": FORMAT, "version": gold.version, "documents": docs}


def dumps(raw: dict) -> str:
    """Serialise a gold object with one record per line (stable, diff-friendly)."""

    def one(obj) -> str:
        return json.dumps(obj, ensure_ascii=False)

    lines = ["{"]
    top = [k for k in raw if k != "documents"]
    for k in top:
        lines.append(f"  {one(k)}: {one(raw[k])},")
    lines.append('  "documents": [')
    for di, d in enumerate(raw["documents"]):
        lines.append("    {")
        scalars = [k for k in d if k not in RECORD_LISTS]
        keys = scalars + [k for k in RECORD_LISTS if k in d]
        for ki, k in enumerate(keys):
            comma = "," if ki < len(keys) - 1 else ""
            if k in RECORD_LISTS:
                recs = d[k]
                if not recs:
                    lines.append(f"      {one(k)}: []{comma}")
                    continue
                lines.append(f"      {one(k)}: [")
                for ri, r in enumerate(recs):
                    lines.append(f"        {one(r)}" + ("," if ri < len(recs) - 1 else ""))
                lines.append(f"      ]{comma}")
            else:
                lines.append(f"      {one(k)}: {one(d[k])}{comma}")
        lines.append("    }" + ("," if di < len(raw["documents"]) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_gold(gold: Gold | dict, path: str | Path, overwrite: bool = False) -> Path:
    """Write a gold file; refuses to replace an existing file unless `overwrite`."""
    from .writer import write_text

    raw = gold if isinstance(gold, dict) else to_dict(gold)
    return write_text(path, dumps(raw), overwrite)
