"""Reading a user's files: every failure becomes one `KhabarError` line naming the file (and
line), and every reader is bounded, so hostile input costs a clear error, not memory or time.

Limits (I-JSON, RFC 7493, for numbers): integers within +-2**53, floats finite, no NaN or
Infinity, nesting at most `MAX_DEPTH`, strings valid Unicode (no lone surrogates); a line at
most `MAX_LINE` characters, a whole file at most `MAX_FILE` bytes; a NUL byte in the first
block is binary input and stops the read at once.
"""

from __future__ import annotations

import io
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path

from .errors import KhabarError

MAX_INT = 2**53
"""Largest integer magnitude a JSON number may have (exact in every JSON reader)."""
MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted (khabar's own records nest 4 deep)."""
MAX_LINE = 64 * 1024 * 1024
"""Longest line (one JSON Lines record, one CoNLL row), in characters."""
MAX_FILE = 2 * 1024**3
"""Largest file read whole (a gold file, a Label Studio export), in bytes."""
_PROBE = 8192


def _open_error(path: str | Path, e: OSError, what: str = "file") -> KhabarError:
    if isinstance(e, FileNotFoundError):
        return KhabarError("file not found", file=str(path))
    if isinstance(e, IsADirectoryError):
        return KhabarError(f"is a directory, not a {what}", file=str(path))
    return KhabarError(f"cannot read: {e.strerror or e}", file=str(path))


def _binary_check(head: bytes, path: str | Path) -> None:
    at = head.find(b"\x00")
    if at >= 0:
        raise KhabarError(f"binary data (a NUL byte at byte {at}), not UTF-8 text", file=str(path))


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, refused when it is binary (NUL in its first block) or over `MAX_FILE`."""
    try:
        with open(path, "rb") as f:
            head = f.read(_PROBE)
            _binary_check(head, path)
            rest = f.read(MAX_FILE + 1 - len(head))
    except OSError as e:
        raise _open_error(path, e) from None
    data = head + rest
    if len(data) > MAX_FILE:
        raise KhabarError(f"larger than {MAX_FILE} bytes", file=str(path))
    return data


def decode(data: bytes, path: str | Path, *, encoding: str = "utf-8") -> str:
    """`data` as text, a decoding error named by its line."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise KhabarError(f"not UTF-8 text (byte {e.start})", file=str(path), line=line) from None


def read_text(path: str | Path, *, encoding: str = "utf-8", newline: str | None = None) -> str:
    """A text file's content (`newline=""` keeps line endings exactly; the default turns CRLF
    and CR into LF, as Python's universal newlines do)."""
    text = decode(read_bytes(path), path, encoding=encoding)
    if newline is None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_json(path: str | Path) -> dict:
    """A JSON file whose top level is an object."""
    return parse_json(read_text(path), path)


def iter_lines(path: str | Path, *, what: str = "file") -> Iterator[str]:
    """The lines of a text file (`-`: stdin), streamed with flat memory whatever the line ends
    (LF, CRLF or CR; each yielded without its end). Binary input, a line over `MAX_LINE` and
    invalid UTF-8 are one-line errors naming the line."""
    if str(path) == "-":
        yield from _lines(sys.stdin.buffer, "<stdin>")
        return
    try:
        f = open(path, "rb")
    except OSError as e:
        raise _open_error(path, e, what) from None
    with f:
        try:
            yield from _lines(f, str(path))
        except IsADirectoryError as e:
            raise _open_error(path, e, what) from None


def _lines(raw, name: str) -> Iterator[str]:
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)
    _binary_check(buffered.peek(_PROBE)[:_PROBE], name)
    text = io.TextIOWrapper(buffered, encoding="utf-8", newline=None)
    lineno = 0
    while True:
        lineno += 1
        try:
            line = text.readline(MAX_LINE + 1)
        except UnicodeDecodeError:
            raise KhabarError("not UTF-8 text", file=name, line=lineno) from None
        if not line:
            return
        if len(line) > MAX_LINE:
            raise KhabarError(f"line longer than {MAX_LINE} characters", file=name, line=lineno)
        yield line[:-1] if line.endswith("\n") else line


def _parse_int(s: str) -> int:
    if len(s.lstrip("-")) > 16 or abs(int(s)) > MAX_INT:
        raise _Limit(f"integer {s[:20]}{'...' if len(s) > 20 else ''} is outside +-2**53")
    return int(s)


def _parse_float(s: str) -> float:
    v = float(s)
    if not math.isfinite(v):
        raise _Limit(f"number {s[:20]} is too large for a float")
    return v


def _parse_constant(s: str):
    raise _Limit(f"{s} is not a JSON number")


class _Limit(ValueError):
    """A JSON value beyond khabar's limits (see the module docstring)."""


def check_value(value, depth: int = 0) -> str | None:
    """Why a parsed JSON value is beyond the limits (too deep, a lone surrogate), or None."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as e:
                return f"invalid Unicode: lone surrogate {v[e.start]!a}"
        elif isinstance(v, (list, dict)):
            if d + depth > MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            items = v.items() if isinstance(v, dict) else enumerate(v)
            for k, x in items:
                if isinstance(k, str):
                    stack.append((k, d))
                stack.append((x, d + 1))
    return None


def loads(text: str):
    """`json.loads` within the limits; raises `JsonError` with a one-line reason and its line."""
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except json.JSONDecodeError as e:
        raise JsonError(f"invalid JSON: {e.msg} (column {e.colno})", e.lineno) from None
    except RecursionError:
        raise JsonError(f"invalid JSON: nested deeper than {MAX_DEPTH} levels") from None
    except _Limit as e:
        raise JsonError(f"invalid JSON: {e}") from None
    why = check_value(value)
    if why:
        raise JsonError(f"invalid JSON: {why}")
    return value


class JsonError(ValueError):
    """Why a JSON text was refused, and on which of its lines (when known)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def parse_json_value(text: str, path: str | Path):
    """Any JSON value in `text` (read from `path`), or a one-line `KhabarError` naming its line."""
    try:
        return loads(text)
    except JsonError as e:
        raise KhabarError(str(e), file=str(path), line=e.line) from None


def parse_json(text: str, path: str | Path) -> dict:
    """The JSON object in `text` (read from `path`), or a one-line `KhabarError` naming its line."""
    raw = parse_json_value(text, path)
    if not isinstance(raw, dict):
        raise KhabarError("expected a JSON object at the top level", file=str(path), line=1)
    return raw
