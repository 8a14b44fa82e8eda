"""Exchange formats for annotation tools: CoNLL (IOB2), brat standoff and Label Studio JSON.

Each module has `export_*(gold, out)` and `import_*(path) -> Gold`. An import is validated like
the gold itself: the format's own checks (offsets against the text, known labels) raise a
`KhabarError` naming the file, line and field, then `khabar.validate.validate_raw` runs on the
rebuilt gold object and its first violation is reported at the line of the record it names.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import files
from ..errors import KhabarError
from ..gold import content_hash, from_dict
from ..model import Gold

FORMAT = "khabar-gold/1"
IMPORTED_VERSION = "imported"
"""The gold version of an import whose source does not carry one."""


class Origins:
    """Where each imported record came from: (document id, record id) -> (file, line)."""

    def __init__(self) -> None:
        self._where: dict[tuple[str, str], tuple[str, int | None]] = {}
        self._docs: dict[str, str] = {}

    def add(self, doc_id: str, rid: str, file: str, line: int | None) -> None:
        self._where.setdefault((doc_id, rid), (file, line))

    def add_doc(self, doc_id: str, file: str) -> None:
        self._docs.setdefault(doc_id, file)

    def locate(self, raw: dict, field: str) -> tuple[str | None, int | None]:
        m = re.match(r"documents\[(\d+)\](?:\.\w+\[([^\]]+)\])?", field)
        if not m:
            return None, None
        docs = raw.get("documents", [])
        di = int(m.group(1))
        doc_id = docs[di].get("id") if di < len(docs) and isinstance(docs[di], dict) else None
        if m.group(2) and (doc_id, m.group(2)) in self._where:
            return self._where[(doc_id, m.group(2))]
        return self._docs.get(doc_id), None


def validated(raw: dict, origins: Origins, default_file: str) -> Gold:
    """The `Gold` of an imported object, or a `KhabarError` at its first violation's source line."""
    from ..validate import validate_raw

    problems = validate_raw(raw, default_file)
    if problems:
        v = problems[0]
        file, line = origins.locate(raw, v.field)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise KhabarError(v.message + more, file=file or default_file, line=line, field=v.field)
    return from_dict(raw, default_file, content_hash(raw))


def check_free(out: Path, names: list[str], overwrite: bool) -> None:
    """Refuse to replace any of `names` in `out` unless `overwrite`."""
    if out.exists() and not out.is_dir():
        raise KhabarError("exists and is not a folder", file=str(out))
    if overwrite:
        return
    for n in names:
        if (out / n).exists():
            raise KhabarError("file exists; refusing to overwrite it (use --force)", file=str(out / n))


def fresh_id(base: str, used: set[str]) -> str:
    """`base`, or `base_2`, `base_3` ... : the first id not in `used` (which it joins)."""
    rid, k = base, 1
    while rid in used:
        k += 1
        rid = f"{base}_{k}"
    used.add(rid)
    return rid


def read_text(path: Path) -> str:
    """A UTF-8 file's text exactly (no newline translation), or a one-line `KhabarError`."""
    return files.read_text(path, newline="")


def write_text(path: Path, text: str) -> Path:
    """Write `text` exactly as given (UTF-8, no newline translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def safe_doc_id(doc_id: str) -> str:
    """A document id usable as a file name, or a `KhabarError`."""
    if not doc_id or doc_id in (".", "..") or any(c in doc_id for c in '/\\\0\n\t'):
        raise KhabarError(f"document id {doc_id!r} cannot be used as a file name", field="documents.id")
    return doc_id


EXPORT_FORMATS: tuple[str, ...] = ("hub", "conll", "brat", "labelstudio")
IMPORT_FORMATS: tuple[str, ...] = ("brat", "labelstudio", "conll")


def export(fmt: str, out: str | Path, gold: Gold | None = None, overwrite: bool = False,
           as_predictions: bool = False) -> list[Path]:
    """Write `gold` (default: the shipped gold) into the folder `out` in format `fmt`."""
    from ..gold import load_gold

    if fmt not in EXPORT_FORMATS:
        raise KhabarError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}", field="format",
                          exit_code=2)
    g = gold if gold is not None else load_gold()
    if fmt == "hub":
        from ..hub import export_hub

        return export_hub(out, g, overwrite=overwrite)
    if fmt == "conll":
        from .conll import export_conll

        return export_conll(g, out, overwrite=overwrite)
    if fmt == "brat":
        from .brat import export_brat

        return export_brat(g, out, overwrite=overwrite)
    from .labelstudio import export_labelstudio

    return export_labelstudio(g, out, overwrite=overwrite, as_predictions=as_predictions)


def import_gold(fmt: str, path: str | Path, use: str = "auto") -> Gold:
    """Read an annotation-tool file or folder in format `fmt` into a validated `Gold`."""
    if fmt not in IMPORT_FORMATS:
        raise KhabarError(f"unknown format {fmt!r}; expected one of {', '.join(IMPORT_FORMATS)}", field="format",
                          exit_code=2)
    if fmt == "brat":
        from .brat import import_brat

        return import_brat(path)
    if fmt == "conll":
        from .conll import import_conll

        return import_conll(path)
    from .labelstudio import import_labelstudio

    return import_labelstudio(path, use=use)
