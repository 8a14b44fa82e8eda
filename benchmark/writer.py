"""The one way khabar writes a file: never over an existing one unless asked, atomically
through a unique temporary file in the target folder, every failure one `KhabarError` line.

A unique temporary name (never a fixed `NAME.tmp`) means a user's file of that name is never
touched; the rename makes a reader see the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import KhabarError



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


def write_text(path: str | Path, text: str, overwrite: bool = False) -> Path:
    """Write `text` as UTF-8, exactly as given (no newline translation), atomically."""
    return write_bytes(path, text.encode("utf-8"), overwrite)


def write_lines(path: str | Path, lines: Iterable[str], overwrite: bool = False) -> Path:
    """Write each of `lines` followed by a newline (JSON Lines, say), atomically."""
    return write_text(path, "".join(line + "\n" for line in lines), overwrite)
