"""The leaderboard: run every available system on every task, score it, write `results/`.

`leaderboard()` is what `khabar leaderboard` prints. Systems that cannot run here (a missing
optional dependency, no model or endpoint configured) are skipped with the reason.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .gold import IN_CHECKOUT, REPO_ROOT
from .model import Gold
from .scoring.tasks import HEADLINE_TEXT, TASKS

RESULTS_DIR = REPO_ROOT / "results" if IN_CHECKOUT else Path("results")
"""The checkout's committed `results/`; from a wheel install, `results/` in the working directory."""


@dataclass
class Row:
    """One system's headline numbers per task, and where its full scores are."""

    system: str
    description: str
    seconds: float
    scheme: str = "fine"
    metrics: dict[str, dict] = field(default_factory=dict)  # task -> {p, r, f1, ci_low, ci_high, tp, fp, fn}
    outside: dict | None = None  # a learned system's score on its training corpus's own test split


@dataclass
class Leaderboard:
    rows: list[Row]
    skipped: dict[str, str]
    signature: str
    gold_version: str
    gold_hash: str

    def to_dict(self) -> dict:
        return {
            "signature": self.signature,
            "gold": {"version": self.gold_version, "sha256": self.gold_hash},
            "headline": HEADLINE_TEXT,
            "systems": [
                {"system": r.system, "description": r.description, "scheme": r.scheme,
                 "seconds": round(r.seconds, 3), "tasks": r.metrics,
                 **({"outside_test_split": r.outside} if r.outside else {})}
                for r in self.rows
            ],
            "skipped": self.skipped,
        }

    def to_frame(self):
        """One row per system and task (pandas)."""
        import pandas as pd

        return pd.DataFrame(
            [{"system": r.system, "scheme": r.scheme, "task": t, **m} for r in self.rows for t, m in r.metrics.items()]
        )

    def to_markdown(self) -> str:
        lines = ["| system | " + " | ".join(f"{t} P / R / F1 [95% CI]" for t in TASKS) + " |",
                 "| --- | " + " | ".join("---" for _ in TASKS) + " |"]
        for r in self.rows:
            cells = []
            for t in TASKS:
                m = r.metrics.get(t)
                cells.append(_cell(m) if m else "n/a")
            name = r.system + (f" ({r.scheme})" if r.scheme != "fine" else "")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        out = "\n".join(lines) + "\n\n"
        for r in self.rows:
            if r.outside:
                out += f"{r.system} on its training corpus's own test split: {outside_line(r.outside)}\n\n"
        out += "Headline metrics: " + "; ".join(f"{t}: {d}" for t, d in HEADLINE_TEXT.items()) + ".\n\n"
        out += f"Signature: `{self.signature}`\n"
        if self.skipped:
            out += "\nSkipped here: " + "; ".join(f"{k} ({v})" for k, v in self.skipped.items()) + ".\n"
        return out


def outside_line(o: dict) -> str:
    """One line for a learned system's score on its own corpus's test split (domain shift)."""
    parts = [f"{task} F1 {o[task]['f1']:.2f}" for task in ("ner", "numbers") if isinstance(o.get(task), dict)]
    return f"{', '.join(parts)} ({o.get('test', '?')}, {o.get('tokens', '?')} tokens)"


def _cell(m: dict) -> str:
    return f"{m['p']:.2f} / {m['r']:.2f} / **{m['f1']:.2f}** [{m['ci_low']:.2f}, {m['ci_high']:.2f}]"


def _metric_dict(metric) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v)
            for k, v in (("p", metric.p), ("r", metric.r), ("f1", metric.f1), ("ci_low", metric.ci_low),
                         ("ci_high", metric.ci_high), ("tp", metric.tp), ("fp", metric.fp), ("fn", metric.fn))}


def leaderboard(
    systems: list[str] | None = None,
    gold: Gold | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    out_dir: str | Path | None = RESULTS_DIR,
    progress: bool = False,
) -> Leaderboard:
    """Run `systems` (default: all that can run here) on `gold`, score every task, and write
    `leaderboard.{json,csv,md}`, per-system predictions and full scores, and the charts
    (`f1.png`, `corrupted.png`, `confusion.png`) to `out_dir` (None: write nothing)."""
    from khabar.baselines import available_systems, get_system, registry

    from .gold import load_gold
    from .predictions import dumps, read_predictions
    from .scoring import score, settings_for

    gold = gold or load_gold()
    ok, skipped = available_systems()
    names = systems if systems is not None else ok
    entries = registry()
    folder = None
    if out_dir is not None:
        from .plots import PLOT_FILES
        from .writer import OutFolder

        folder = OutFolder(out_dir, replace=True)
        folder.check([*RESULT_FILES, *PLOT_FILES, *(f"predictions/{n}.jsonl" for n in names),
                      *(f"scores/{n}.json" for n in names)])
    rows, preds_by_system, reports = [], {}, {}
    signature = str(settings_for(gold, TASKS, "fine", n_boot, seed))
    bar = _progress(progress, len(names))
    for name in names:
        if bar:
            bar.update(name)
        t0 = time.perf_counter()
        system = get_system(name)
        preds = system.predict(gold.documents)
        seconds = time.perf_counter() - t0
        if folder is not None:
            path = folder.write_text(f"predictions/{name}.jsonl", "".join(dumps(p) + "\n" for p in preds))
            preds = read_predictions(path, gold)  # score exactly the file `khabar score` would read
        tasks = [t for t in TASKS if t in getattr(system, "tasks", TASKS)]
        scheme = getattr(system, "scheme", "fine")
        report = score(gold, preds, tasks=tasks, scheme=scheme, n_boot=n_boot, seed=seed)
        row = Row(name, entries[name].description, seconds, scheme)
        for task in tasks:
            row.metrics[task] = _metric_dict(report.headline(task))
        if callable(getattr(system, "test_scores", None)):
            row.outside = _portable(system.test_scores())
        rows.append(row)
        preds_by_system[name], reports[name] = preds, report
        if bar:
            bar.advance()
        if folder is not None:
            folder.write_text(f"scores/{name}.json", _json(report.to_dict()))
    if bar:
        bar.close()
    board = Leaderboard(rows, {k: v for k, v in skipped.items() if systems is None or k in systems},
                        signature, gold.version, gold.sha256)
    if folder is not None:
        write_results(board, folder)
        from .plots import write_plots

        write_plots(folder, preds_by_system, gold, reports=reports)
    return board


def _portable(scores: dict) -> dict:
    """Paths in a result reduced to their last two parts, so committed results do not depend
    on where the repository lies."""
    out = dict(scores)
    for key in ("train", "test"):
        if isinstance(out.get(key), str):
            out[key] = "/".join(Path(out[key]).parts[-2:])
    return out


RESULT_FILES = ("leaderboard.json", "leaderboard.csv", "leaderboard.md")


def write_results(board: Leaderboard, out) -> None:
    """leaderboard.json, .csv and .md, into `out` (a path or a `writer.OutFolder`)."""
    from .writer import OutFolder

    folder = out if isinstance(out, OutFolder) else OutFolder(out, replace=True)
    folder.write_text("leaderboard.json", _json(board.to_dict()))
    folder.write_text("leaderboard.csv", board.to_frame().to_csv(index=False))
    folder.write_text("leaderboard.md", board.to_markdown())


def _json(obj: dict) -> str:
    """The committed results' JSON layout: indented, Arabic unescaped, a final newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


class _progress:
    """A rich progress bar over systems (a no-op when `enabled` is false)."""

    def __init__(self, enabled: bool, total: int):
        self.p = None
        if enabled:
            from rich.progress import Progress

            self.p = Progress(transient=True)
            self.p.start()
            self.task = self.p.add_task("systems", total=total)

    def __bool__(self) -> bool:
        return self.p is not None

    def update(self, name: str) -> None:
        self.p.update(self.task, description=f"running {name}")

    def advance(self) -> None:
        self.p.update(self.task, advance=1)

    def close(self) -> None:
        self.p.stop()


def read_leaderboard(path: str | Path) -> dict:
    """A leaderboard JSON (as `leaderboard` writes it) read and checked, so a report never shows
    a malformed or foreign file: `systems` a list of `{system, tasks: {task: {p, r, f1, ...}}}`
    with each ratio a number in [0, 1] or null. Anything else is a one-line `KhabarError`."""
    import math

    from .errors import KhabarError
    from .files import read_json

    where = str(path)
    board = read_json(path)
    systems = board.get("systems")
    if not isinstance(systems, list) or not systems:
        raise KhabarError("not a khabar leaderboard: expected a non-empty list of systems", file=where,
                          field="systems")
    if not isinstance(board.get("gold", {}), dict):
        raise KhabarError("expected an object {version, sha256}", file=where, field="gold")
    for i, s in enumerate(systems):
        loc = f"systems[{i}]"
        if not isinstance(s, dict) or not isinstance(s.get("system"), str) or not isinstance(s.get("tasks"), dict):
            raise KhabarError("expected an object {system, tasks}", file=where, field=loc)
        for task, m in s["tasks"].items():
            if task not in TASKS or not isinstance(m, dict):
                raise KhabarError(f"expected one of {', '.join(TASKS)} with an object of scores", file=where,
                                  field=f"{loc}.tasks.{task}")
            for k in ("p", "r", "f1"):
                v = m.get(k)
                ok = v is None or (not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)
                                   and 0 <= v <= 1)
                if not ok:
                    raise KhabarError(f"expected a number in [0, 1] or null, got {v!r}", file=where,
                                      field=f"{loc}.tasks.{task}.{k}")
    return board
