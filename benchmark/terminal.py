"""What khabar shows only on a terminal: styled tables and progress bars.

Styles and progress bars appear only when the stream is a terminal; with `NO_COLOR` set to
anything but "" (no-color.org) a terminal gets no escape code for style or colour either. In a
pipe, a file or a log, output is plain text laid out for 120 columns and progress is silent,
so what a script captures never depends on where it ran.
"""

from __future__ import annotations

import os
import sys

WIDTH = 120
"""The width of output that is not a terminal (and the least width of a terminal's tables)."""


def no_color() -> bool:
    """Whether the user asked for no colour (`NO_COLOR` set and not empty)."""
    return bool(os.environ.get("NO_COLOR"))


def console(stderr: bool = False, at_least: int | None = None):
    """A rich console on stdout (or stderr): a terminal's own width (at least `at_least`
    columns), else `WIDTH`; no styles at all under NO_COLOR."""
    import shutil

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    kw: dict = {"stderr": stderr}
    if no_color():
        kw["color_system"] = None
    if not stream.isatty():
        kw["width"] = WIDTH
    elif at_least is not None:
        kw["width"] = max(at_least, shutil.get_terminal_size((WIDTH, 24)).columns)
    return Console(**kw)


class Progress:
    """A transient progress bar on stderr for a long step (systems, perturbations, model
    calls): shown only when stderr is a terminal (or `enabled=True`), a no-op otherwise. Use it
    as a context manager and call `advance()` after each unit of work. Inside another bar (the
    leaderboard's, around a system's model calls) it stays silent: one bar at a time."""

    _active = 0

    def __init__(self, description: str, total: int, enabled: bool | None = None):
        self.description, self.total = description, total
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar = None

    def __enter__(self) -> "Progress":
        if self.enabled and self.total > 0 and not Progress._active:
            from rich.progress import Progress as Bar

            self._bar = Bar(console=console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=self.total)
            Progress._active += 1
        return self

    def describe(self, description: str) -> None:
        """Say what runs now (a system's name, a perturbation)."""
        if self._bar is not None:
            self._bar.update(self._task, description=description)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=n)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            Progress._active -= 1
