"""The `khabar` command line: a thin layer over the library's public functions.

Heavy libraries are imported inside the commands that need them, so `khabar --help` and
`khabar score` start fast. Every user error prints one line and exits non-zero.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import KhabarError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="khabar: a benchmark for Arabic news information extraction (NER, quotes, numbers).",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"khabar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """khabar: a benchmark for Arabic news information extraction (NER, quotes, numbers)."""


def _console():
    from rich.console import Console

    return Console()


@app.command()
def validate(
    path: Optional[Path] = typer.Argument(None, help="Gold file (default: the shipped data/gold.json)."),
) -> None:
    """Check every invariant of a gold file; print counts per task and type."""
    from .gold import default_gold_path, load_gold
    from .stats import gold_counts
    from .validate import validate_file

    p = path or default_gold_path()
    problems = validate_file(p)
    if problems:
        for v in problems:
            typer.echo(f"error: {v}", err=True)
        typer.echo(f"{p}: {len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    gold = load_gold(p)
    counts = gold_counts(gold)
    for task, c in counts.items():
        parts = ", ".join(f"{k} {v}" for k, v in c.items() if k != "total")
        typer.echo(f"{task:10} {c['total']:4}" + (f"  ({parts})" if parts else ""))
    typer.echo(f"{p}: valid (gold {gold.version}, sha256 {gold.short_hash})")


def main() -> None:
    """Entry point: run the app, turning `KhabarError` into one line and its exit code."""
    try:
        app()
    except KhabarError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
