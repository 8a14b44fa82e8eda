"""khabar's cache on disk: trained models (and rendered charts) kept by a hash of everything
they depend on, so a second `khabar leaderboard` reuses them instead of fitting again.

Where: `$KHABAR_CACHE` if set (`off` turns the cache off), else `$XDG_CACHE_HOME/khabar`, else
`~/.cache/khabar`. `cache_info()` says where and how much; `clear_cache()` empties it.

A key is the sha256 of its parts (`cache_key`): the training data's content, the source of
the code that turns it into features (`source_hash`, which follows khabar's own imports), the
versions of the outside libraries involved, and the options. An entry holds its payload's
sha256, so a truncated or corrupt entry reads as missing (and is rebuilt), never as a model;
entries are written atomically (`writer.write_bytes`), and a cache that cannot be written is
skipped: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CACHE_ENV = "KHABAR_CACHE"
"""The environment variable naming the cache folder (`off`: no cache)."""
OFF = "off"
SUFFIX = ".khabar-cache"
"""Every entry's file name ends so; `clear_cache` removes only such files (and the writer's
temporary files), so a cache folder set to a shared place loses nothing else."""
_MAGIC = b"khabar-cache/1\n"


def cache_dir() -> Path | None:
    """The cache folder (it may not exist yet), or None when `$KHABAR_CACHE` is `off`."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env.lower() == OFF:
        return None
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "khabar"


def cache_key(*parts: object) -> str:
    """The sha256 of `parts` as canonical JSON (keys sorted; sets, paths and the like as
    sorted strings): equal parts give equal keys in any process."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_plain)
                          .encode("utf-8")).hexdigest()


def file_hash(path: str | Path | None) -> str | None:
    """sha256 of a file's bytes (a training corpus, say), or None for no file."""
    if path is None:
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _plain(obj: object) -> object:
    if isinstance(obj, (set, frozenset)):
        return sorted(map(str, obj))
    return str(obj)


def _entry(kind: str, key: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / kind / f"{key}{SUFFIX}"


def load(kind: str, key: str) -> bytes | None:
    """The payload stored under `kind`/`key`, or None when there is none, or it cannot be read,
    or its checksum does not match (a partial or corrupt entry)."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 65
    if not raw.startswith(_MAGIC) or len(raw) < head or raw[head - 1:head] != b"\n":
        return None
    data = raw[head:]
    if hashlib.sha256(data).hexdigest().encode("ascii") != raw[len(_MAGIC):head - 1]:
        return None
    return data


def store(kind: str, key: str, data: bytes) -> Path | None:
    """Keep `data` under `kind`/`key` (atomically, replacing any entry there); the path, or
    None when the cache is off or cannot be written (the caller goes on without it)."""
    from .errors import KhabarError
    from .writer import write_bytes

    path = _entry(kind, key)
    if path is None:
        return None
    body = _MAGIC + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data
    try:
        return write_bytes(path, body, overwrite=True)
    except (KhabarError, OSError):
        return None


def library_versions(*libraries: str) -> dict[str, str]:
    """The installed versions of the outside `libraries` a cached entry depends on, and the
    machine's architecture (floating point): a key part every kind of entry shares."""
    import platform
    from importlib.metadata import version

    return {**{lib: version(lib) for lib in libraries}, "machine": platform.machine()}


def source_hash(*modules: str) -> str:
    """sha256 of the source of `modules` and of every khabar module they import (`source_files`):
    a change to any code that can shape a feature changes the hash."""
    digest = hashlib.sha256()
    for name, path in sorted(source_files(*modules).items()):
        digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=None)
def source_files(*modules: str) -> dict[str, Path]:
    """The source files of `modules` and of every khabar module they import, directly or not
    (found by reading their `import` statements, those inside functions too), by module name."""
    seen: dict[str, Path] = {}
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue
        seen[name] = path
        todo += _khabar_imports(name, path)
    return seen


def _module_file(name: str) -> Path | None:
    """The source file of a khabar module, or None (not khabar's, or not a module: `from
    khabar.model import Document` also offers `khabar.model.Document`). Found from the
    packages' folders, without importing anything."""
    import importlib

    if name != "khabar" and not name.startswith("khabar."):
        return None
    top = "khabar.baselines" if name == "khabar.baselines" or name.startswith("khabar.baselines.") else "khabar"
    folder = Path(importlib.import_module(top).__path__[0])
    rest = name[len(top) + 1:].split(".") if name != top else []
    for path in (folder.joinpath(*rest, "__init__.py"), folder.joinpath(*rest).with_suffix(".py") if rest else None):
        if path is not None and path.is_file():
            return path
    return None


@lru_cache(maxsize=None)
def _khabar_imports(name: str, path: Path) -> tuple[str, ...]:
    """The khabar modules `name` (at `path`) imports anywhere in its body, by absolute name
    (read once per process: the closures of several modules share most of their files)."""
    import ast

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[:len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            out.append(base)
            out += [f"{base}.{a.name}" for a in node.names]  # `from . import gazetteers`
    return tuple(m for m in out if m == "khabar" or m.startswith("khabar."))  # shared by every caller: immutable


@dataclass(frozen=True)
class CacheInfo:
    """Where the cache is, and how many entries of how many bytes it holds (or held, for
    `clear_cache`'s answer)."""

    path: Path | None
    entries: int
    bytes: int

    def __str__(self) -> str:
        if self.path is None:
            return f"cache off (${CACHE_ENV}={OFF})"
        return f"{self.path}: {self.entries} entries, {self.bytes / 1e6:.1f} MB"


def _files(root: Path | None) -> list[Path]:
    if root is None or not root.is_dir():
        return []
    return [p for p in root.rglob("*") if p.is_file() and (p.name.endswith(SUFFIX) or p.name.endswith(".khabar-tmp"))]


def cache_info() -> CacheInfo:
    """The cache's folder and what it holds (what `khabar cache` prints)."""
    root = cache_dir()
    files = _files(root)
    return CacheInfo(root, sum(p.name.endswith(SUFFIX) for p in files), sum(p.stat().st_size for p in files))


def clear_cache() -> CacheInfo:
    """Delete every cache entry (files of other names are left alone, and so are the folders
    that still hold them); returns what was removed."""
    root = cache_dir()
    before = cache_info()
    for p in _files(root):
        p.unlink(missing_ok=True)
    if root is not None and root.is_dir():
        for d in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            try:
                d.rmdir()
            except OSError:
                pass  # not empty: a file that is not ours
    return before
