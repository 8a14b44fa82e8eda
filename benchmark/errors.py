"""One error type for everything a user can get wrong, printed as one line with its location."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class KhabarError(Exception):
    """A user-facing error: what went wrong and where (file, line, field).

    The CLI prints `str(error)` on one line and exits with `exit_code`; no traceback.
    """

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    exit_code: int = 1

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        fld = f"{self.field}: " if self.field else ""
        return f"{where}{fld}{self.message}"
