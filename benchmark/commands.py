"""What the `khabar score`, `compare` and `check` commands do, behind their option parsing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .errors import KhabarError


def load(pred: str, gold_path: str | Path | None, lenient: bool, echo=None):
    """(gold, predictions) for a predictions file, reporting what a lenient read skipped."""
    from .gold import load_gold
    from .predictions import read_predictions

    gold = load_gold(gold_path)
    preds = read_predictions(pred, gold, lenient=lenient)
    if lenient and echo is not None:
        echo(f"{pred}: skipped {preds.skipped} bad record(s)" + (f"; first: {preds.problems[0]}" if preds.problems else ""))
    return gold, preds


def score_command(*, pred: str | None, gold_path: str | Path | None, scheme: str, tasks: str | None, as_json: bool,
                  details: Path | None, lenient: bool, conll: str | None, n_boot: int, seed: int, force: bool,
                  full: bool) -> None:
    def err(msg):
        print(msg, file=sys.stderr)

    if conll is not None:
        from .scoring.conll import score_conll

        if pred is not None:
            raise KhabarError("give a predictions file or --conll, not both")
        report = score_conll(conll, n_boot=n_boot, seed=seed)
    else:
        from .scoring.scorer import score

        if pred is None:
            raise KhabarError("missing predictions file (or --conll FILE)")
        gold, preds = load(pred, gold_path, lenient, err)
        report = score(gold, preds, tasks=tasks, scheme=scheme, n_boot=n_boot, seed=seed)
        if lenient:
            report.notes.append(f"lenient read: {preds.skipped} bad record(s) skipped")
    if details is not None:
        from .writer import write_lines

        write_lines(details, (json.dumps(d.to_dict(), ensure_ascii=False) for d in report.details), force)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        from .scoring.render import plain_report, print_report

        text = None if sys.stdout.isatty() else plain_report(report, full=full)
        if text is None:
            print_report(report, full=full)  # rich: a terminal, or text rich would change
        else:
            sys.stdout.write(text)


def compare_command(*, a: str, b: str, gold_path: str | Path | None, scheme: str, tasks: str | None, method: str, n: int,
                    seed: int, as_json: bool, lenient: bool, full: bool) -> None:
    from .gold import load_gold
    from .predictions import read_predictions
    from .scoring.compare import compare

    gold = load_gold(gold_path)
    pa = read_predictions(a, gold, lenient=lenient)
    pb = read_predictions(b, gold, lenient=lenient)
    result = compare(gold, pa, pb, tasks=tasks, scheme=scheme, method=method, n=n, seed=seed)
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    from rich import box
    from rich.table import Table

    from .terminal import console as make_console

    console = make_console()
    table = Table(title=f"B = {b}  vs  A = {a}  ({'paired bootstrap' if method == 'bootstrap' else 'approximate randomisation'}, n={n})",
                  title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for col in ("task", "line", "F1 A", "F1 B", "B - A", "95% CI", "p"):
        table.add_column(col, justify="left" if col in ("task", "line") else "right", no_wrap=True)
    for r in result.rows:
        if not full and not r.headline:
            continue
        line = r.metric if r.subset == "all" else f"{r.subset} {r.metric}"
        ci = "" if r.ci_low != r.ci_low else f"{100 * r.ci_low:+.1f}…{100 * r.ci_high:+.1f}"
        table.add_row(r.task, line, f"{100 * r.f1_a:.1f}", f"{100 * r.f1_b:.1f}", f"{100 * r.delta:+.1f}", ci,
                      f"{r.p_value:.4f}", style="bold" if r.p_value < 0.05 and r.delta != 0 else None)
    console.print(table)
    console.print(f"signature: {result.signature}", soft_wrap=True)


def check_command(*, pred: str, baseline: str, tolerance: float, gold_path: str | Path | None, as_json: bool,
                  lenient: bool) -> int:
    """Print the gate's verdict; return the exit code (1 when a line dropped)."""
    from .scoring.check import check

    result = check(pred, baseline, tolerance=tolerance, gold=gold_path, lenient=lenient)
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    elif result.ok:
        print(f"ok: {result.checked} line(s) within {tolerance} of {baseline}")
    else:
        print(f"FAILED: {len(result.drops)} of {result.checked} line(s) fell more than {tolerance} below {baseline}")
        print(result.table())
    return 0 if result.ok else 1
