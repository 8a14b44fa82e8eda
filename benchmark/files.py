"""Reading a user's files whole: every failure becomes one `KhabarError` line naming the file.

(Predictions and conlleval files are streamed line by line by their own readers.)
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import KhabarError


def read_text(path: str | Path, *, encoding: str = "utf-8", newline: str | None = None, exit_code: int = 1) -> str:
    """A text file's content (`newline=""` keeps line endings exactly)."""
    p = Path(path)
    try:
        with open(p, encoding=encoding, newline=newline) as f:
            return f.read()
    except FileNotFoundError:
        raise KhabarError("file not found", file=str(path), exit_code=exit_code) from None
    except IsADirectoryError:
        raise KhabarError("is a directory, not a file", file=str(path), exit_code=exit_code) from None
    except UnicodeDecodeError as e:
        raise KhabarError(f"not UTF-8 text (byte {e.start})", file=str(path), exit_code=exit_code) from None
    except OSError as e:
        raise KhabarError(f"cannot read: {e.strerror}", file=str(path), exit_code=exit_code) from None


def read_json(path: str | Path, *, exit_code: int = 1) -> dict:
    """A JSON file whose top level is an object."""
    return parse_json(read_text(path, exit_code=exit_code), path, exit_code=exit_code)


def parse_json_value(text: str, path: str | Path, *, exit_code: int = 1):
    """Any JSON value in `text` (read from `path`), or a one-line `KhabarError` naming its line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise KhabarError(f"invalid JSON: {e.msg} (column {e.colno})", file=str(path), line=e.lineno,
                          exit_code=exit_code) from None


def parse_json(text: str, path: str | Path, *, exit_code: int = 1) -> dict:
    """The JSON object in `text` (read from `path`), or a one-line `KhabarError` naming its line."""
    raw = parse_json_value(text, path, exit_code=exit_code)
    if not isinstance(raw, dict):
        raise KhabarError("expected a JSON object at the top level", file=str(path), line=1, exit_code=exit_code)
    return raw
