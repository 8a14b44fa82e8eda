"""rich tables for the CLI (imported only by commands that print them)."""

from __future__ import annotations

from rich.table import Table

from .leaderboard import Leaderboard
from .scoring.tasks import HEADLINE_TEXT, TASKS


def leaderboard_table(board: Leaderboard) -> Table:
    """System x task: P / R / F1 with the 95% bootstrap interval of F1."""
    table = Table(title=f"khabar leaderboard (gold {board.gold_version}, {board.gold_hash[:12]})",
                  caption="; ".join(f"{t}: {d}" for t, d in HEADLINE_TEXT.items()))
    dev = any(r.dev for r in board.rows)
    table.add_column("system", style="bold", no_wrap=True)
    for t in TASKS:
        table.add_column(f"{t}\ntest P / R / F1 [95% CI]" + ("\n(dev F1)" if dev else ""), justify="right",
                         no_wrap=True)
    for r in board.rows:
        cells = []
        for t in TASKS:
            m, d = r.metrics.get(t), r.dev.get(t)
            cell = "—" if not m else \
                f"{m['p']:.2f} / {m['r']:.2f} / [bold]{m['f1']:.2f}[/] [{m['ci_low']:.2f}, {m['ci_high']:.2f}]"
            cells.append(cell + (f"\n[dim](dev {d['f1']:.2f})[/]" if d else ""))
        table.add_row(r.system + (f" ({r.scheme})" if r.scheme != "fine" else ""), *cells)
    return table
