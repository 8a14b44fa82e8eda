"""On-disk cache of model responses, so scoring again or adding a metric never calls the model.

A response is keyed by the endpoint, the model, the full request (messages, decoding options,
whether structured output was asked for) and the hash of the document it is about. One JSON
file per response under `~/.cache/khabar/llm` (or `$KHABAR_CACHE`), written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from khabar.writer import write_text


def default_cache_dir() -> Path:
    """`$KHABAR_CACHE` if set, else `~/.cache/khabar/llm`."""
    env = os.environ.get("KHABAR_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "khabar" / "llm"


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(*, endpoint: str, model: str, request: dict, document_sha256: str) -> str:
    """A stable key: sha256 over the canonical JSON of everything that changes the answer."""
    canon = json.dumps(
        {"endpoint": endpoint, "model": model, "request": request, "document": document_sha256},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


class ResponseCache:
    """Get and put JSON entries by key. `read=False` (`--no-cache`) skips lookups but still
    stores fresh answers, so the next run can reuse them."""

    def __init__(self, directory: str | Path | None = None, *, read: bool = True, write: bool = True):
        self.dir = Path(directory).expanduser() if directory else default_cache_dir()
        self.read = read
        self.write = write

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        if not self.read:
            return None
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent or damaged: ask the model again
            return None

    def put(self, key: str, entry: dict) -> None:
        if not self.write:
            return
        write_text(self._path(key), json.dumps(entry, ensure_ascii=False, indent=1), overwrite=True)
