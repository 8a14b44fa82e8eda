"""The one way khabar writes a file: never over an existing one unless asked, atomically
through a unique temporary file in the target folder, every failure one `KhabarError` line.

A unique temporary name (never a fixed `NAME.tmp`) means a user's file of that name is never
touched; the rename makes a reader see the old file or the new one, never half of either.
The path `-` is standard output, as in every Unix tool (`khabar run oracle -o - | khabar
score -`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import KhabarError

STDOUT = "-"
"""The path that means standard output."""


def _umask() -> int:
    """The process's umask (read once, at import, before any thread could race the read)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _fail(message: str, path: Path) -> KhabarError:
    return KhabarError(message, file=str(path))


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """`path` as a place a file may be written: not a folder, its parent not a file, and not an
    existing file unless `overwrite`."""
    p = Path(path)
    if str(path) == STDOUT:
        return p
    if p.is_dir():
        raise _fail("is a directory, not a file", p)
    if p.exists() and not overwrite:
        raise _fail("file exists; refusing to overwrite it (use --force)", p)
    for parent in p.parents:
        if parent.exists():
            if not parent.is_dir():
                raise _fail(f"cannot write here: {parent} is a file, not a folder", p)
            break
    return p


def check_folder(out: str | Path, names: Iterable[str], overwrite: bool = False) -> Path:
    """`out` as a folder to write `names` into: refuses when it is a file, or when any of the
    names exists there (unless `overwrite`)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise _fail("exists and is not a folder", out)
    for n in names:
        check_target(out / n, overwrite)
    return out


def write_bytes(path: str | Path, data: bytes, overwrite: bool = False) -> Path:
    """Write `data` to `path` atomically (see the module docstring); returns the path."""
    p = check_target(path, overwrite)
    if str(path) == STDOUT:
        return _to_stdout(data)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".khabar-tmp")
    except OSError as e:
        raise _fail(f"cannot write: {e.strerror}", p) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes the file private (0600); give it the mode a plain open() would, or the
        # mode of the file it replaces
        os.chmod(tmp, p.stat().st_mode & 0o7777 if p.exists() else 0o666 & ~_UMASK)
        os.replace(tmp, p)
    except OSError as e:
        raise _fail(f"cannot write: {e.strerror}", p) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return p


def _to_stdout(data: bytes) -> Path:
    """Write `data` to standard output (the path `-`), as bytes, flushed."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return Path(STDOUT)


def _encode(text: str, path: Path) -> bytes:
    """`text` as UTF-8; a lone surrogate (from a hostile input) is a one-line error."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise _fail(f"cannot write: the text holds an invalid character {text[e.start]!a} at {e.start}", Path(path)) \
            from None


def write_text(path: str | Path, text: str, overwrite: bool = False) -> Path:
    """Write `text` as UTF-8, exactly as given (no newline translation), atomically."""
    return write_bytes(path, _encode(text, Path(path)), overwrite)


def write_lines(path: str | Path, lines: Iterable[str], overwrite: bool = False) -> Path:
    """Write each of `lines` followed by a newline (JSON Lines, say), atomically."""
    return write_text(path, "".join(line + "\n" for line in lines), overwrite)


MANIFEST = ".khabar-manifest"
"""The file in an output folder that lists what khabar wrote there, with each file's sha256."""


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


class OutFolder:
    """An output folder (`--out`, an export): khabar writes only the names it is given, keeps a
    manifest of what it wrote (`MANIFEST`), and never replaces a file it did not write.

    A target that exists is replaced only when `replace` (`--force`, or a command whose folder is
    its own, like the leaderboard's) and the manifest lists it with the content it still has: a
    user's file of the same name, or a khabar file the user has since edited, is refused."""

    def __init__(self, root: str | Path, replace: bool = False):
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise _fail("exists and is not a folder", self.root)
        self.replace = replace
        self.files: dict[str, str] = self._load()

    def _load(self) -> dict[str, str]:
        from .files import read_json

        path = self.root / MANIFEST
        if not path.exists():
            return {}
        raw = read_json(path)
        files = raw.get("files")
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise _fail("not a khabar manifest (expected {\"files\": {name: sha256}}); move it away", path)
        return {k: v for k, v in files.items() if self._present(k)}  # a file removed since is no longer here

    def _present(self, name: str) -> bool:
        p = self.root / name
        try:
            return p.exists() or p.is_symlink()
        except (OSError, ValueError):  # a name no file can have (a NUL byte, too long)
            return False

    def _save(self) -> None:
        import json

        body = {"format": "khabar-manifest/1", "note": "files khabar wrote here; --force replaces only these",
                "files": dict(sorted(self.files.items()))}
        write_text(self.root / MANIFEST, json.dumps(body, indent=1) + "\n", overwrite=True)

    def check(self, names: Iterable[str]) -> None:
        """Refuse, before anything is written, if any of `names` may not be written."""
        for n in names:
            self._may_write(n)

    def _may_write(self, name: str) -> Path:
        p = check_target(self.root / name, overwrite=True)
        if not (p.exists() or p.is_symlink()):
            return p
        if not self.replace:
            raise _fail("file exists; refusing to overwrite it (use --force)", p)
        if name not in self.files:
            raise _fail("not written by khabar (not in its manifest); refusing to replace it", p)
        if p.is_symlink() or _sha256(p.read_bytes()) != self.files[name]:
            raise _fail("changed since khabar wrote it; refusing to replace it (move it away first)", p)
        return p

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Write `root/name` (see the class docstring) and record it in the manifest."""
        p = self._may_write(name)
        write_bytes(p, data, overwrite=True)
        self.files[name] = _sha256(data)
        self._save()
        return p

    def write_text(self, name: str, text: str) -> Path:
        return self.write_bytes(name, _encode(text, self.root / name))

    def remove_stale(self, pattern: str, keep: Iterable[str]) -> list[str]:
        """Delete the files khabar wrote that match `pattern` (a glob over manifest names) and
        are not in `keep`, when they are unchanged; returns their names."""
        from fnmatch import fnmatch

        keep = set(keep)
        gone = []
        for name in sorted(self.files):
            if fnmatch(name, pattern) and name not in keep:
                p = self.root / name
                if p.exists() and _sha256(p.read_bytes()) == self.files[name]:
                    p.unlink()
                if not p.exists():
                    del self.files[name]
                    gone.append(name)
        if gone:
            self._save()
        return gone
