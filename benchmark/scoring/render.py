"""Printing a `Report` as tables (what `khabar score` shows): rich on a terminal, plain text
elsewhere (the same characters, without importing rich)."""

from __future__ import annotations

import math
import re

from .report import Report
from .rows import Row
from ..terminal import WIDTH
from .tasks import HEADLINE

TITLES = {"ner": "NER", "quotes": "Quotes", "numbers": "Numbers"}


def _f(x: float) -> str:
    return "—" if isinstance(x, float) and math.isnan(x) else f"{100 * x:.1f}"


def shown(report: Report, full: bool = False) -> list[Row]:
    """The rows worth a glance: everything for quotes and numbers; for NER, micro and macro of
    every mode, the strict per-type lines, and the corrupted subset's micro lines."""
    if full:
        return list(report.rows)
    out = []
    for r in report.rows:
        if r.task != "ner":
            out.append(r)
        elif r.subset == "all" and (r.label in ("micro", "macro") or r.metric == "strict"):
            out.append(r)
        elif r.subset == "corrupted" and r.label == "micro":
            out.append(r)
    return out


_RICH_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES",
             "DATABRICKS_RUNTIME_VERSION")
"""Environment variables that make rich style or lay out output that is not a terminal."""
_EMOJI = re.compile(r"(:(\S*?)(?:(?:\-)(emoji|text))?:)")
"""rich's emoji code pattern: `:name:` is replaced when `name` is one of its emoji."""
_EMOJI_CHARS = frozenset("!#&()*+-.0123456789_abcdefghijklmnopqrstuvwxyzãåçéíô’")
"""Every character of rich's emoji names: a name with any other character is not one."""
_COLUMNS = (("metric", "left"), ("label", "left"), ("P", "right"), ("R", "right"), ("F1", "right"),
            ("95% CI", "right"), ("TP", "right"), ("FP", "right"), ("FN", "right"), ("partial", "right"),
            ("gold", "right"))
_PARTIAL = [name for name, _ in _COLUMNS].index("partial")
"""Where the partial column is: shown only in a table with a partial match (NER's partial mode)."""


def _as_is(text: str) -> bool:
    """Whether rich prints `text` as it is, one character a column: printable ASCII (and the
    dashes the tables use), no markup bracket, nothing rich would read as an emoji code."""
    if "[" in text or not all(" " <= c <= "~" or c in "–—" for c in text):
        return False
    return not any(set(m.group(2).lower()) <= _EMOJI_CHARS for m in _EMOJI.finditer(text))


def _cells(r: Row) -> list[str]:
    m = r.score
    acc = m.kind == "accuracy"
    name = (r.metric if r.subset == "all" else f"{r.subset} {r.metric}") + (" (acc)" if acc else "")
    return [name, r.label, "" if acc else _f(m.p), "" if acc else _f(m.r), _f(m.f1), f"{_f(m.ci_low)}–{_f(m.ci_high)}",
            str(m.tp), str(m.fp), str(m.fn), str(m.partial) if m.partial else "", str(m.support)]


def _table(rows: list[Row]) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """The columns and cells of one task's table, the partial column only where it has a count."""
    body = [_cells(r) for r in rows]
    if any(r.score.partial for r in rows):
        return list(_COLUMNS), body
    keep = [i for i in range(len(_COLUMNS)) if i != _PARTIAL]
    return [_COLUMNS[i] for i in keep], [[b[i] for i in keep] for b in body]


def _title(report: Report, task: str) -> str:
    return TITLES[task] + (f" (scheme: {report.settings.scheme})" if task == "ner" else "")


def _footer(report: Report) -> list[tuple[str, bool]]:
    """The lines after the tables, each with whether it may wrap (rich's soft_wrap off)."""
    ex = report.extra
    out = []
    if "tokens" in ex:
        out.append((f"{ex['tokens']:,} tokens in {ex['units']:,} sentences; token accuracy "
                    f"{100 * ex['token_accuracy']:.2f}%", True))
    out += [(f"note: {note}", True) for note in report.notes]
    out.append((f"signature: {report.signature}", False))
    return out


def plain_report(report: Report, full: bool = False) -> str | None:
    """What `print_report` prints to a file or a pipe (rich on a 120-column console without a
    terminal), character for character, made without importing rich: None where rich would
    do more than lay text out (markup, an emoji code, a line to wrap, a table too wide), or
    where the environment asks rich for styles. Tested against `print_report`."""
    import os

    if any(v in os.environ for v in _RICH_ENV):
        return None
    rows = shown(report, full)
    out: list[str] = []
    for task in report.tasks:
        title = _title(report, task)
        columns, body = _table([r for r in rows if r.task == task])
        if not body:
            return None
        head = [c for c, _ in columns]
        widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
        total = sum(widths) + 2 * (len(widths) - 1)
        if total > WIDTH or len(title) > total or not all(_as_is(x) for x in [title, *(c for b in body for c in b)]):
            return None

        def line(cells: list[str]) -> str:
            return "  ".join(c.ljust(w) if just == "left" else c.rjust(w)
                             for c, w, (_, just) in zip(cells, widths, columns))

        out += [title.ljust(total), line(head), "─" * total, *(line(b) for b in body), ""]
    for text, wraps in _footer(report):
        if not _as_is(text) or wraps and len(text) > WIDTH:
            return None
        out.append(text)
    return "\n".join(out) + "\n"


def print_report(report: Report, console=None, full: bool = False) -> None:
    """One table per task (headline line in bold), then notes and the signature."""
    from rich import box
    from rich.table import Table

    if console is None:
        from ..terminal import console as make_console

        console = make_console()
    rows = shown(report, full)
    for task in report.tasks:
        title = _title(report, task)
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True, pad_edge=False,
                      padding=(0, 1))
        mine = [r for r in rows if r.task == task]
        columns, body = _table(mine)
        for col, just in columns:
            table.add_column(col, justify=just, no_wrap=True)
        head = HEADLINE[task]
        for r, cells in zip(mine, body):
            style = "bold" if (r.subset, r.metric, r.label) == head else None
            table.add_row(*cells, style=style)
        console.print(table)
        console.print()
    for text, wraps in _footer(report):
        console.print(text, soft_wrap=not wraps)
