"""The report's and the README's plots: F1 with intervals, NER type confusion, corrupted names.

Each chart is a function returning PNG bytes, drawn on a bare matplotlib `Figure` (the Agg
canvas: no display, no global pyplot state), so the HTML report can inline it as base64 and
`write_plots` can save the same picture for the README. matplotlib is imported inside the
functions (importing this module costs nothing), and only when the picture is not already in
khabar's cache (`khabar.cache`, keyed by the chart's data, this module's source and
matplotlib's version): equal data give equal bytes, so a repeated leaderboard draws nothing.
The confusion matrix is counted here (a few lines) and drawn as scikit-learn's
`ConfusionMatrixDisplay` draws it, without importing scikit-learn.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from .scoring.tasks import REGISTRY

# The Okabe–Ito palette (colour-blind safe), in the order systems get their colours.
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES: tuple[str, ...] = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")
NONE_LABEL = "(none)"
"""The confusion matrix's row/column for a gold name with no predicted span, or the reverse."""

TASK_TITLES = {name: f"{t.short} ({t.headline[1].replace('_', '-')})" for name, t in REGISTRY.items()}


CACHE_KIND = "plots"
"""The folder of khabar's cache that holds drawn charts."""


def _cached_png(chart: str, data: object, draw: Callable[[], bytes]) -> bytes:
    """The PNG of `chart` for `data`: from khabar's cache, else `draw()` (and cached)."""
    from . import cache

    key = cache.cache_key(CACHE_KIND, chart, cache.source_hash(__name__), cache.library_versions("matplotlib"), data)
    png = cache.load(CACHE_KIND, key)
    if png is None or not png.startswith(b"\x89PNG"):
        png = draw()
        cache.store(CACHE_KIND, key, png)
    return png


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    fig.set_layout_engine("constrained")
    return fig


def _png(fig) -> bytes:
    """The figure as PNG bytes; no timestamp or software tag, so equal inputs give equal bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _bars(ax, rows: Sequence[Mapping], groups: list[str], systems: list[str], group_key: str,
          palette: Sequence[str] | None = None) -> None:
    """Grouped bars of `f1` with asymmetric CI error bars: one group per `group_key` value.

    A system's colour and hatch come from its position in `palette` (default: `systems`), so
    one system looks the same in every chart even when some chart leaves systems out."""
    style = {name: i for i, name in enumerate(palette or systems)}
    import numpy as np

    n = max(len(systems), 1)
    width = 0.8 / n
    at = {(r[group_key], r["system"]): r for r in rows}
    x = np.arange(len(groups))
    for i, system in enumerate(systems):
        c = style.get(system, len(style) + i)
        vals, lo, hi, xs = [], [], [], []
        for g, gx in zip(groups, x):
            r = at.get((g, system))
            if r is None:
                continue
            f1 = float(r["f1"])
            low = float(r.get("ci_low", f1))
            high = float(r.get("ci_high", f1))
            low = f1 if low != low else low  # NaN interval (no bootstrap): no bar
            high = f1 if high != high else high
            vals.append(f1)
            lo.append(max(f1 - low, 0.0))
            hi.append(max(high - f1, 0.0))
            xs.append(gx - 0.4 + width * (i + 0.5))
        if not xs:
            continue
        ax.bar(xs, vals, width * 0.92, yerr=[lo, hi], capsize=3, label=system,
               color=OKABE_ITO[c % len(OKABE_ITO)], hatch=HATCHES[c % len(HATCHES)],
               edgecolor="#333333", linewidth=0.6, error_kw={"elinewidth": 1.0, "ecolor": "#000000"})
        for bx, v, h in zip(xs, vals, hi):
            ax.text(bx, v + h + 0.015, f"{v:.2f}", ha="center", va="bottom", fontsize=6.5,
                    rotation=90 if n > 3 else 0)
    ax.set_xticks(x)
    ax.set_xticklabels([TASK_TITLES.get(g, g) for g in groups])
    ax.set_ylim(0, 1.15 if n > 3 else 1.1)
    ax.set_ylabel("F1 (bars: 95% bootstrap interval)")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, ncols=min(len(systems), 4), loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)


def f1_png(rows: Sequence[Mapping], title: str = "F1 per task and system", palette: Sequence[str] | None = None
           ) -> bytes:
    """Grouped bar chart of F1 per task and system with 95% interval error bars.

    `rows`: dicts with `system`, `task`, `f1`, `ci_low`, `ci_high`; `palette`: every system's
    name in the order that fixes its colour.
    """
    rows = [dict(r) for r in rows]
    palette = list(palette) if palette is not None else None
    return _cached_png("f1", [rows, title, palette], lambda: _f1_png(rows, title, palette))


def _f1_png(rows: list[dict], title: str, palette: list[str] | None) -> bytes:
    tasks = _ordered(r["task"] for r in rows)
    systems = _ordered(r["system"] for r in rows)
    fig = _figure(max(5.5, 1.1 + 0.5 * len(tasks) * max(len(systems), 1)), 3.8)
    ax = fig.add_subplot()
    _bars(ax, rows, tasks, systems, "task", palette)
    ax.set_title(title, fontsize=11)
    return _png(fig)


def corrupted_png(rows: Sequence[Mapping], title: str = "NER F1 on corrupted names",
                  palette: Sequence[str] | None = None) -> bytes:
    """F1 (strict NER) per system on every name and on the mentions whose form is `corrupted`.

    `rows`: dicts with `system`, `subset` ('all' / 'corrupted' / ...), `f1`, `ci_low`, `ci_high`.
    """
    rows = [dict(r) for r in rows]
    palette = list(palette) if palette is not None else None
    return _cached_png("corrupted", [rows, title, palette], lambda: _corrupted_png(rows, title, palette))


def _corrupted_png(rows: list[dict], title: str, palette: list[str] | None) -> bytes:
    subsets = _ordered(r["subset"] for r in rows)
    systems = _ordered(r["system"] for r in rows)
    fig = _figure(max(5.0, 1.1 + 0.45 * len(subsets) * max(len(systems), 1)), 3.6)
    ax = fig.add_subplot()
    _bars(ax, rows, subsets, systems, "subset", palette)
    ax.set_xticklabels([{"all": "all names", "corrupted": "corrupted names"}.get(s, s) for s in subsets])
    ax.set_title(title, fontsize=11)
    return _png(fig)


def ner_type_pairs(gold, predictions, scheme: str = "fine") -> tuple[list[str], list[str]]:
    """(gold types, predicted types) over gold and predicted names paired by exact span.

    A gold name with no predicted span at the same offsets pairs with `(none)`, and a
    predicted span with no gold name with `(none)` on the gold side. Types go through the
    scheme's mapping; a label with no place in the scheme is left out, as the scorer does.
    """
    from .schema import map_type

    by_id = {p.id: p for p in predictions}
    y_true: list[str] = []
    y_pred: list[str] = []
    for doc in gold.documents:
        pred = by_id.get(doc.id)
        pred_types: dict[tuple[int, int], str] = {}
        for e in (pred.entities or []) if pred is not None else []:
            t = map_type(e.type, scheme)
            if t is not None:
                pred_types.setdefault(e.span.key, t)
        seen = set()
        for m in doc.ner_mentions:
            t = map_type(m.type, scheme)
            if t is None:
                continue
            y_true.append(t)
            y_pred.append(pred_types.get(m.span.key, NONE_LABEL))
            seen.add(m.span.key)
        for key, t in pred_types.items():
            if key not in seen:
                y_true.append(NONE_LABEL)
                y_pred.append(t)
    return y_true, y_pred


def confusion_png(pairs_by_system: Mapping[str, tuple[list[str], list[str]]], labels: Sequence[str],
                  title: str = "NER types: gold (rows) vs predicted (columns), names paired by exact span") -> bytes:
    """One confusion matrix per system (`confusion_counts`), side by side."""
    pairs = {name: [list(t), list(p)] for name, (t, p) in pairs_by_system.items()}
    labels = list(labels)
    return _cached_png("confusion", [pairs, labels, title], lambda: _confusion_png(pairs_by_system, labels, title))


def confusion_counts(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    """How often each gold label (row) met each predicted label (column), in the order of
    `labels`; pairs with a label not in `labels` are left out (as scikit-learn's
    `confusion_matrix` does)."""
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred, strict=True):
        if t in index and p in index:
            counts[index[t]][index[p]] += 1
    return counts


def _confusion_png(pairs_by_system: Mapping[str, tuple[list[str], list[str]]], labels: Sequence[str],
                   title: str) -> bytes:
    import numpy as np

    labels = list(labels) + [NONE_LABEL]
    names = list(pairs_by_system) or ["(no system)"]
    cols = min(len(names), 3)
    rows = (len(names) + cols - 1) // cols
    fig = _figure(3.3 * cols + 0.4, 3.2 * rows + 0.5)
    axes = fig.subplots(rows, cols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(names):
            ax.set_axis_off()
            continue
        y_true, y_pred = pairs_by_system.get(names[i], ([], []))
        cm = np.array(confusion_counts(y_true, y_pred, labels), dtype=np.int64).reshape(len(labels), len(labels))
        cm[-1, -1] = 0  # (none, none) is not an event
        _matrix(ax, cm, labels)
        ax.set_title(names[i], fontsize=10)
        ax.set_xlabel("predicted", fontsize=8)
        ax.set_ylabel("gold", fontsize=8)
        ax.tick_params(labelsize=7)
        for t in ax.texts:
            t.set_fontsize(7)
    fig.suptitle(title, fontsize=10)
    return _png(fig)


def _matrix(ax, cm, labels: list[str]) -> None:
    """A confusion matrix drawn on `ax` as scikit-learn's `ConfusionMatrixDisplay.plot(cmap="Blues",
    colorbar=False, xticks_rotation=45)` draws it (the same artists, so the same pixels):
    counts in the cells, dark text on light cells and light on dark."""
    import numpy as np

    n = cm.shape[0]
    im = ax.imshow(cm, interpolation="nearest", cmap="Blues")
    cmap_min, cmap_max = im.cmap(0), im.cmap(1.0)
    thresh = (cm.max() + cm.min()) / 2.0
    for i in range(n):
        for j in range(n):
            text = format(cm[i, j], ".2g")
            plain = format(cm[i, j], "d")
            ax.text(j, i, plain if len(plain) < len(text) else text, ha="center", va="center",
                    color=cmap_max if cm[i, j] < thresh else cmap_min)
    ax.set(xticks=np.arange(n), yticks=np.arange(n), xticklabels=labels, yticklabels=labels,
           ylabel="True label", xlabel="Predicted label")
    ax.set_ylim((n - 0.5, -0.5))
    for label in ax.get_xticklabels():
        label.set_rotation(45)


def _ordered(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    seen = set()
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


# --- data for the charts, from scorer reports or the leaderboard --------------------------


def f1_rows(reports: Mapping) -> list[dict]:
    """One row per system and task: the headline F1 and its interval (from scorer `Report`s)."""
    rows = []
    for name, rep in reports.items():
        for task in rep.tasks:
            m = rep.headline(task)
            rows.append({"system": name, "task": task, "f1": m.f1, "ci_low": m.ci_low, "ci_high": m.ci_high})
    return rows


def corrupted_rows(reports: Mapping) -> list[dict]:
    """Strict NER F1 per system on all names and on corrupted names only (where scored)."""
    rows = []
    for name, rep in reports.items():
        if "ner" not in rep.tasks:
            continue
        for subset in ("all", "corrupted"):
            try:
                m = rep.get("ner", "strict", "micro", subset)
            except KeyError:
                continue
            rows.append({"system": name, "subset": subset, "f1": m.f1, "ci_low": m.ci_low, "ci_high": m.ci_high})
    return rows


def leaderboard_rows(board: Mapping) -> list[dict]:
    """F1 rows from a leaderboard dict (`results/leaderboard.json`)."""
    rows = []
    for s in board.get("systems", []):
        for task, m in (s.get("tasks") or {}).items():
            rows.append({"system": s["system"], "task": task, "f1": m["f1"],
                         "ci_low": m.get("ci_low", m["f1"]), "ci_high": m.get("ci_high", m["f1"])})
    return rows


PLOT_FILES = ("f1.png", "corrupted.png", "confusion.png")


def write_plots(out_dir="results", predictions_by_system: Mapping | None = None, gold=None, *,
                reports: Mapping | None = None, scheme: str = "fine", n_boot: int = 1000, seed: int = 0
                ) -> dict[str, Path]:
    """Write the README's plots to `out_dir` (a path or a `writer.OutFolder`): `f1.png`,
    `corrupted.png` and `confusion.png`, replacing only files khabar wrote there.

    `predictions_by_system` maps a system name to its predictions; without it every system
    that can run here is run on the gold (as the leaderboard does). `reports` reuses scorer
    reports already computed for those predictions. Returns the paths written, by name.
    """
    from .gold import load_gold
    from .schema import types_of

    gold = gold if gold is not None else load_gold()
    if predictions_by_system is None:
        from khabar.baselines import available_systems, get_system

        names, _ = available_systems()
        predictions_by_system = {n: get_system(n).predict(gold.documents) for n in names}
    if reports is None:
        from .scoring import score

        reports = {n: score(gold, list(p), scheme=scheme, n_boot=n_boot, seed=seed)
                   for n, p in predictions_by_system.items()}
    from .writer import OutFolder

    folder = out_dir if isinstance(out_dir, OutFolder) else OutFolder(out_dir, replace=True)
    written: dict[str, Path] = {}
    charts = {
        "f1": lambda: f1_png(f1_rows(reports), palette=list(reports)),
        "corrupted": lambda: corrupted_png(corrupted_rows(reports), palette=list(reports)),
        "confusion": lambda: confusion_png(
            {n: ner_type_pairs(gold, p, scheme) for n, p in predictions_by_system.items() if "ner" in reports[n].tasks},
            types_of(scheme)),
    }
    folder.check(f"{name}.png" for name in charts)
    for name, draw in charts.items():
        written[name] = folder.write_bytes(f"{name}.png", draw())
    return written
