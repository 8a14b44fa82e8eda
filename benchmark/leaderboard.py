"""The leaderboard: run every available system on every task, score it, write `results/`.

`leaderboard()` is what `khabar leaderboard` prints. Systems are reported on `test` (the seed
article) with their `validation` (dev) score beside it, so the dev-to-test gap is visible: systems
are built and tuned on dev only. Systems that cannot run here (a missing optional dependency, no
model or endpoint configured) are skipped with the reason.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .gold import IN_CHECKOUT, REPO_ROOT
from .model import Gold
from .scoring.score_format import check_format, stamp
from .scoring.tasks import HEADLINE_TEXT, TASKS

RESULTS_DIR = REPO_ROOT / "results" if IN_CHECKOUT else Path("results")
"""The checkout's committed `results/` (what the README shows); from a wheel install, `results/`
in the working directory. `khabar leaderboard --out results` refreshes it."""
DEFAULT_OUT = Path("khabar-results")
"""Where `khabar leaderboard` writes unless told otherwise: a folder in the working directory,
git-ignored in a checkout, so the quick start never rewrites committed files."""


@dataclass
class Row:
    """One system's headline numbers per task, and where its full scores are."""

    system: str
    description: str
    seconds: float
    scheme: str = "fine"
    metrics: dict[str, dict] = field(default_factory=dict)  # task -> {p, r, f1, ci_low, ci_high, tp, fp, fn}
    outside: dict | None = None  # a learned system's score on its training corpus's own test split
    dev: dict[str, dict] = field(default_factory=dict)  # task -> the same, on the validation (dev) split


@dataclass
class Leaderboard:
    rows: list[Row]
    skipped: dict[str, str]
    signature: str
    gold_version: str
    gold_hash: str
    dev_signature: str | None = None
    dev_version: str | None = None
    dev_hash: str | None = None

    def to_dict(self) -> dict:
        return stamp("leaderboard", {
            "signature": self.signature,
            "gold": {"version": self.gold_version, "sha256": self.gold_hash},
            **({"dev": {"signature": self.dev_signature, "version": self.dev_version, "sha256": self.dev_hash}}
               if self.dev_signature else {}),
            "headline": HEADLINE_TEXT,
            "systems": [
                {"system": r.system, "description": r.description, "scheme": r.scheme,
                 "seconds": round(r.seconds, 3), "tasks": r.metrics,
                 **({"dev_tasks": r.dev} if r.dev else {}),
                 **({"outside_test_split": r.outside} if r.outside else {})}
                for r in self.rows
            ],
            "skipped": self.skipped,
        })

    def to_frame(self):
        """One row per system, split and task (pandas)."""
        import pandas as pd

        return pd.DataFrame(
            [{"system": r.system, "scheme": r.scheme, "split": split, "task": t, **m}
             for r in self.rows for split, by_task in (("test", r.metrics), ("validation", r.dev))
             for t, m in by_task.items()]
        )

    def to_markdown(self) -> str:
        dev = any(r.dev for r in self.rows)
        heads = [f"{t} P / R / F1 [95% CI]" + (" | dev F1" if dev else "") for t in TASKS]
        lines = ["| system | " + " | ".join(heads) + " |",
                 "| --- | " + " | ".join("--- | ---" if dev else "---" for _ in TASKS) + " |"]
        lines += [markdown_row(row, dev) for row in self.to_dict()["systems"]]
        out = "\n".join(lines) + "\n\n"
        for r in self.rows:
            if r.outside:
                out += f"{r.system} on its training corpus's own test split: {outside_line(r.outside)}\n\n"
        out += "Headline metrics: " + "; ".join(f"{t}: {d}" for t, d in HEADLINE_TEXT.items()) + ".\n\n"
        out += f"Signature: `{self.signature}`\n"
        if self.dev_signature:
            out += f"\nDev signature: `{self.dev_signature}`\n"
        if self.skipped:
            out += "\nSkipped here: " + "; ".join(f"{k} ({v})" for k, v in self.skipped.items()) + ".\n"
        return out


def outside_line(o: dict) -> str:
    """One line for a learned system's score on its own corpus's test split (domain shift)."""
    parts = [f"{task} F1 {o[task]['f1']:.2f}" for task in ("ner", "numbers") if isinstance(o.get(task), dict)]
    return f"{', '.join(parts)} ({o.get('test', '?')}, {o.get('tokens', '?')} tokens)"


def markdown_row(row: dict, dev: bool = True) -> str:
    """One system's line of the Markdown table, from its entry in `leaderboard.json`: per task the
    test cell, then (with `dev`) the dev F1."""
    cells = []
    for t in TASKS:
        m = row["tasks"].get(t)
        cells.append(_cell(m) if m else "n/a")
        if dev:
            d = row.get("dev_tasks", {}).get(t)
            cells.append(f"{d['f1']:.2f}" if d else "n/a")
    name = row["system"] + (f" ({row['scheme']})" if row.get("scheme", "fine") != "fine" else "")
    return f"| {name} | " + " | ".join(cells) + " |"


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
    out_dir: str | Path | None = DEFAULT_OUT,
    progress: bool = False,
    dev: Gold | bool | None = None,
) -> Leaderboard:
    """Run `systems` (default: all that can run here) on `gold` (the test split) and on `dev`
    (the validation split: None is the shipped one, False none), score every task, and write
    `leaderboard.{json,csv,md}`, per-system predictions and full scores (`NAME.jsonl`, and
    `NAME.dev.jsonl` for dev), and the charts (`f1.png`, `corrupted.png`, `confusion.png`, on test)
    to `out_dir` (None: write nothing)."""
    from khabar.baselines import available_systems, registry

    from .gold import load_gold, load_split
    from .scoring import settings_for
    from .terminal import Progress

    gold = gold or load_gold()
    dev = load_split("validation") if dev is None else (dev or None)
    ok, skipped = available_systems()
    names = systems if systems is not None else ok
    entries = registry()
    folder = None
    if out_dir is not None:
        from .plots import PLOT_FILES
        from .writer import OutFolder

        folder = OutFolder(out_dir, replace=True)
        suffixes = ("", ".dev") if dev is not None else ("",)
        folder.check([*RESULT_FILES, *PLOT_FILES, *(f"predictions/{n}{x}.jsonl" for n in names for x in suffixes),
                      *(f"scores/{n}{x}.json" for n in names for x in suffixes)])
    rows, preds_by_system, reports = [], {}, {}
    signature = str(settings_for(gold, TASKS, "fine", n_boot, seed))
    built = _start_learning(names, [*gold.documents, *(dev.documents if dev is not None else ())])
    with Progress("systems", len(names), enabled=None if progress else False) as bar:
        for name in names:
            bar.describe(f"running {name}")
            t0 = time.perf_counter()
            system = built.pop(name)
            preds, report = _run_split(system, name, gold, "", folder, n_boot, seed)
            row = Row(name, entries[name].description, time.perf_counter() - t0, getattr(system, "scheme", "fine"))
            row.metrics = {t: _metric_dict(report.headline(t)) for t in report.settings.tasks}
            if dev is not None:
                _, dev_report = _run_split(system, name, dev, ".dev", folder, n_boot, seed)
                row.dev = {t: _metric_dict(dev_report.headline(t)) for t in dev_report.settings.tasks}
            if callable(getattr(system, "test_scores", None)):
                row.outside = _portable(system.test_scores())
            rows.append(row)
            preds_by_system[name], reports[name] = preds, report
            bar.advance()
    board = Leaderboard(rows, {k: v for k, v in skipped.items() if systems is None or k in systems},
                        signature, gold.version, gold.sha256)
    if dev is not None:
        board.dev_signature = str(settings_for(dev, TASKS, "fine", n_boot, seed))
        board.dev_version, board.dev_hash = dev.version, dev.sha256
    if folder is not None:
        write_results(board, folder)
        from .plots import write_plots

        write_plots(folder, preds_by_system, gold, reports=reports)
    return board


def _start_learning(names: list[str], documents: list) -> dict:
    """Every system of `names`, built now; those that learn (a `prepare(documents,
    background=True)`) are told every document both splits hold, so they fit the models
    khabar's cache lacks in the background while the systems before them run."""
    from khabar.baselines import get_system

    built = {name: get_system(name) for name in names}
    for system in built.values():
        if callable(getattr(system, "prepare", None)):
            system.prepare(documents, background=True)
    return built


def _run_split(system, name: str, gold: Gold, suffix: str, folder, n_boot: int, seed: int):
    """One system on one split: its predictions (written as `predictions/NAME{suffix}.jsonl` and
    read back, so the leaderboard scores exactly the file `khabar score` would read) and report."""
    from .predictions import dumps, read_predictions
    from .scoring import score

    preds = system.predict(gold.documents)
    if folder is not None:
        path = folder.write_text(f"predictions/{name}{suffix}.jsonl", "".join(dumps(p) + "\n" for p in preds))
        preds = read_predictions(path, gold)
    tasks = [t for t in TASKS if t in getattr(system, "tasks", TASKS)]
    report = score(gold, preds, tasks=tasks, scheme=getattr(system, "scheme", "fine"), n_boot=n_boot, seed=seed)
    if folder is not None:
        folder.write_text(f"scores/{name}{suffix}.json", _json(report.to_dict()))
    return preds, report


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


def read_leaderboard(path: str | Path) -> dict:
    """A leaderboard JSON (as `leaderboard` writes it) read and checked, so a report never shows
    a malformed or foreign file: `systems` a list of `{system, tasks: {task: {p, r, f1, ...}}}`
    with each ratio a number in [0, 1] or null. Anything else is a one-line `KhabarError`."""
    import math

    from .errors import KhabarError
    from .files import read_json

    where = str(path)
    board = read_json(path)
    check_format(board, where, "leaderboard")
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
