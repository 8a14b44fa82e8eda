"""What the annotation-tool formats share: where imported records came from, validation of an
import through the gold's one path, the overwrite check, fresh ids and exact text I/O."""

from __future__ import annotations

import re
from pathlib import Path

from .. import files
from ..errors import KhabarError
from ..gold import FORMAT, build_gold
from ..model import Gold
from ..writer import OutFolder

__all__ = ["FORMAT", "IMPORTED_VERSION", "Origins", "OutFolder", "fresh_id", "read_text", "safe_doc_id",
           "validated"]
"""The gold format and the writer are re-exported: a format module imports what it needs from here."""

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
    return build_gold(raw, default_file, locate=lambda field: origins.locate(raw, field))


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


def safe_doc_id(doc_id: str) -> str:
    """A document id usable as a file name, or a `KhabarError`."""
    if not doc_id or doc_id in (".", "..") or any(c in doc_id for c in '/\\\0\n\t'):
        raise KhabarError(f"document id {doc_id!r} cannot be used as a file name", field="documents.id")
    return doc_id
