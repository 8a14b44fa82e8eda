"""Printing a `Report` as rich tables (what `khabar score` shows)."""

from __future__ import annotations

import math

from .report import Report
from .rows import Row
from .tasks import HEADLINE

TITLES = {"ner": "NER", "quotes": "Quotes", "numbers": "Numbers"}


def _f(x: float) -> str:
    return "—" if isinstance(x, float) and math.isnan(x) else f"{100 * x:.1f}"


def _n(x: float) -> str:
    return f"{x:g}"


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


def print_report(report: Report, console=None, full: bool = False) -> None:
    """One table per task (headline line in bold), then notes and the signature."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    if console is None:
        import sys

        console = Console() if sys.stdout.isatty() else Console(width=120)
    rows = shown(report, full)
    for task in report.tasks:
        title = TITLES[task] + (f" (scheme: {report.settings.scheme})" if task == "ner" else "")
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True, pad_edge=False,
                      padding=(0, 1))
        for col, just in (("metric", "left"), ("label", "left"), ("P", "right"), ("R", "right"), ("F1", "right"),
                          ("95% CI", "right"), ("TP", "right"), ("FP", "right"), ("FN", "right"),
                          ("gold", "right")):
            table.add_column(col, justify=just, no_wrap=True)
        head = HEADLINE[task]
        for r in rows:
            if r.task != task:
                continue
            m = r.score
            acc = m.kind == "accuracy"
            style = "bold" if (r.subset, r.metric, r.label) == head else None
            name = (r.metric if r.subset == "all" else f"{r.subset} {r.metric}") + (" (acc)" if acc else "")
            table.add_row(name, r.label,
                          "" if acc else _f(m.p), "" if acc else _f(m.r), _f(m.f1),
                          f"{_f(m.ci_low)}–{_f(m.ci_high)}", _n(m.tp), _n(m.fp), _n(m.fn), str(m.support),
                          style=style)
        console.print(table)
        console.print()
    ex = report.extra
    if "tokens" in ex:
        console.print(f"{ex['tokens']:,} tokens in {ex['units']:,} sentences; token accuracy "
                      f"{100 * ex['token_accuracy']:.2f}%")
    for note in report.notes:
        console.print(f"note: {note}")
    console.print(f"signature: {report.signature}", soft_wrap=True)
