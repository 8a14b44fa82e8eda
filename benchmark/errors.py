"""One error type for everything a user can get wrong, printed as one line with its location,
and the exit codes every command follows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

DONE = 0
"""The work was done."""
FOUND = 1
"""A check found something: `validate` found problems, `check` found a regression."""
BAD_INPUT = 2
"""Bad input or usage (one line `error: WHERE: what`), or an internal error (one line, report it)."""
INTERRUPTED = 130
"""Stopped by Ctrl-C (128 + SIGINT, the shell's convention)."""


@dataclass
class KhabarError(Exception):
    """A user-facing error: what went wrong and where (file, line, field).

    The CLI prints `error: str(error)` on one line and exits with `BAD_INPUT`; no traceback.
    """

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    exit_code: ClassVar[int] = BAD_INPUT

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        fld = f"{self.field}: " if self.field else ""
        return one_line(f"{where}{fld}{self.message}")


def one_line(text: str) -> str:
    """`text` fit for one line of any terminal: line breaks and unencodable characters (a lone
    surrogate from a hostile file) escaped, and at most 500 characters."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= 500 else text[:497] + "..."


SLIPS: dict[str, str] = {"speaker": "source", "quote": "content", "verb": "cue", "label": "type",
                         "entity_type": "type", "tag": "type", "number": "value", "begin": "start",
                         "offset": "start", "stop": "end", "string": "text", "span": "text"}
"""Field names people write for khabar's (a speaker entity for the source span, ...): the
"did you mean" of an unknown field, when spelling alone does not find it."""


def did_you_mean(key: str, allowed) -> str:
    """' (did you mean X?)' for an unknown field `key`, or '' when nothing is close."""
    import difflib

    allowed = list(allowed)
    lower = {a.lower(): a for a in allowed}
    guess = lower.get(key.lower()) or (SLIPS.get(key.lower()) if SLIPS.get(key.lower()) in allowed else None)
    if guess is None:
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        guess = close[0] if close else None
    return f" (did you mean {guess!r}?)" if guess else ""
