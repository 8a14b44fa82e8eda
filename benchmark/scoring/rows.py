"""The one row builder: metric lines with intervals from totals and resampled counts.

The gold path (`report.build`, a per-paragraph tally resampled by `bootstrap.resample`) and the
conlleval path (`conll`, a Poisson bootstrap accumulated while streaming) both hand their
totals and resampled counts here, so a line means the same whichever path made it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bootstrap import percentile_intervals
from .counts import Key
from .prf import Metric
from .tasks import ACCURACY_LINES, REGISTRY, TASKS


@dataclass(frozen=True)
class Row:
    """One metric line: task, subset (`all` or `corrupted`), metric (mode) and label."""

    task: str
    subset: str
    metric: str
    label: str
    score: Metric

    @property
    def key(self) -> Key:
        return (self.task, self.subset, self.metric, self.label)

    def to_dict(self) -> dict:
        return {"task": self.task, "subset": self.subset, "metric": self.metric, "label": self.label,
                **self.score.to_dict()}


def macro_groups(keys: list[Key], totals: np.ndarray) -> dict[Key, list[int]]:
    """For each (task, subset, metric) of a task with per-label lines, the indices of its
    labels that hold any item: a macro over labels never seen would be a mean of zeros."""
    groups: dict[Key, list[int]] = {}
    for i, (task, subset, metric, label) in enumerate(keys):
        if label != "micro" and task in REGISTRY and REGISTRY[task].macro:
            members = groups.setdefault((task, subset, metric, "macro"), [])
            if totals[i].sum() > 0:
                members.append(i)
    return groups


def build_rows(keys: list[Key], totals: np.ndarray, boot: np.ndarray | None) -> list[Row]:
    """Every line of `keys` (labels without items left out) and a macro line per group, in
    reading order; `totals` is (keys, 5), `boot` the resampled counts (n_boot, keys, 5) or None."""
    groups = macro_groups(keys, totals)
    line_ci, macro_ci = percentile_intervals(boot, len(keys), groups)
    rows: list[Row] = []
    for i, k in enumerate(keys):
        task, subset, metric, label = k
        if label != "micro" and totals[i].sum() == 0:
            continue
        kind = "accuracy" if (task, metric) in ACCURACY_LINES else "f1"
        rows.append(Row(*k, Metric.from_counts(totals[i], line_ci[i], kind)))
    for g, idx in groups.items():
        rows.append(Row(*g, Metric.macro_of([Metric.from_counts(totals[i]) for i in idx], macro_ci[g])))
    return sort_rows(rows, keys)


def sort_rows(rows: list[Row], keys: list[Key]) -> list[Row]:
    """Rows in a reading order: task, subset, metric as first seen, then micro, macro, labels."""
    order = {t: i for i, t in enumerate(TASKS)}
    first: dict[tuple, int] = {}
    for i, (t, s, m, _) in enumerate(keys):
        first.setdefault((t, s, m), i)

    def k(r: Row):
        lab = 0 if r.label == "micro" else 1 if r.label == "macro" else 2
        return (order.get(r.task, 9), r.subset != "all", first.get((r.task, r.subset, r.metric), 0), lab, r.label)

    return sorted(rows, key=k)
