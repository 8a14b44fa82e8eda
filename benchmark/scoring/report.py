"""`Report`: the typed result of a scoring run, with its signature, rows and per-item details."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .bootstrap import intervals
from .counts import Key, Tally
from .details import Detail
from .prf import Metric
from .signature import Signature, parse
from .tasks import ACCURACY_LINES, HEADLINE, TASKS

COUNT_FIELDS = ("correct", "incorrect", "partial", "missed", "spurious")


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


@dataclass
class Report:
    """Scores of one system on one gold: every line with P/R/F1 and a bootstrap interval.

    `signature` names everything that determines the numbers; `details` lists every gold and
    predicted item with its outcome; `tally` holds the mergeable counts behind the rows.
    """

    rows: list[Row]
    settings: Signature
    details: list[Detail] = field(default_factory=list)
    tally: Tally | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def signature(self) -> str:
        return self.settings.format()

    def signature_for(self, task: str, mode: str | None = None) -> str:
        """The signature of one task (and mode): what to quote next to one number."""
        if mode is None:
            mode = HEADLINE[task][1] if task in HEADLINE else "all"
        return self.settings.format(task=task, mode=mode)

    @property
    def tasks(self) -> tuple[str, ...]:
        return tuple(t for t in TASKS if any(r.task == t for r in self.rows))

    def get(self, task: str, metric: str | None = None, label: str = "micro", subset: str = "all") -> Metric:
        """The metric of one line; `metric` defaults to the task's headline metric."""
        if metric is None:
            metric = HEADLINE[task][1]
        for r in self.rows:
            if r.task == task and r.metric == metric and r.label == label and r.subset == subset:
                return r.score
        raise KeyError((task, subset, metric, label))

    def headline(self, task: str) -> Metric:
        """NER strict micro F1; quotes end-to-end attribution F1; numbers end-to-end F1."""
        subset, metric, label = HEADLINE[task]
        return self.get(task, metric, label, subset)

    def to_dict(self) -> dict:
        """A JSON-ready dict: signature, settings, headline per task, every row, notes."""
        s = self.settings
        return {
            "signature": self.signature,
            "settings": {"khabar": s.version, "gold": s.gold, "tasks": list(s.tasks), "scheme": s.scheme,
                         "overlap": s.overlap, "unit": s.unit, "n_boot": s.n_boot, "seed": s.seed,
                         "confidence": 0.95},
            "headline": {t: {"signature": self.signature_for(t), **self.headline(t).to_dict()} for t in self.tasks},
            "rows": [r.to_dict() for r in self.rows],
            "notes": list(self.notes),
            **({"extra": self.extra} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        """Rebuild a report (without details or counts) from `to_dict()` output."""
        f = parse(d["signature"])
        st = d.get("settings", {})
        settings = Signature(f.get("khabar", ""), f.get("gold", ""), tuple(st.get("tasks", f.get("task", "").split(","))),
                             f.get("mode", "all"), f.get("scheme", "fine"), float(f.get("overlap", "0.5")),
                             f.get("unit", "paragraph"), int(f.get("boot", "0").split("/")[0]), int(f.get("seed", "0")),
                             (f.get("boot", "0").split("/") + ["multinomial"])[1])
        rows = []
        for r in d["rows"]:
            m = Metric(r["p"], r["r"], r["f1"], _num(r.get("ci_low")), _num(r.get("ci_high")), r["tp"], r["fp"],
                       r["fn"], *(int(r.get(k, 0)) for k in COUNT_FIELDS), r.get("kind", "f1"))
            rows.append(Row(r["task"], r["subset"], r["metric"], r["label"], m))
        return cls(rows, settings, notes=list(d.get("notes", [])))

    def to_frame(self):
        """The rows as a pandas DataFrame (one row per line; counts and interval as columns)."""
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.rows])

    def details_for(self, task: str | None = None, metric: str | None = None) -> list[Detail]:
        return [d for d in self.details if (task is None or d.task == task) and (metric is None or d.metric == metric)]


def _num(v) -> float:
    return float("nan") if v is None else float(v)


def build(tally: Tally, settings: Signature, details: list[Detail] | None = None, notes: list[str] | None = None
          ) -> Report:
    """Rows with bootstrap intervals from a tally: every key, plus a macro line per group."""
    totals = tally.totals()
    groups: dict[tuple, list[Key]] = {}
    for k in tally.keys:
        task, subset, metric, label = k
        if task == "ner" and label != "micro":
            groups.setdefault((task, subset, metric, "macro"), []).append(k)
    # a macro over labels with neither gold nor predicted items would be a mean of zeros: drop them
    groups = {g: [k for k in ks if totals[k].sum() > 0] for g, ks in groups.items()}
    cis = intervals(tally, settings.n_boot, settings.seed, groups)
    rows: list[Row] = []
    for k in tally.keys:
        task, subset, metric, label = k
        if label != "micro" and totals[k].sum() == 0:
            continue
        kind = "accuracy" if (task, metric) in ACCURACY_LINES else "f1"
        rows.append(Row(task, subset, metric, label, Metric.from_counts(totals[k], cis[k], kind)))
    for g, ks in groups.items():
        task, subset, metric, label = g
        rows.append(Row(task, subset, metric, label, _macro([Metric.from_counts(totals[k]) for k in ks], cis[g])))
    return Report(_sorted(rows, tally.keys), settings, details or [], tally, notes or [])


def _macro(ms: list[Metric], ci) -> Metric:
    if not ms:
        return Metric(0.0, 0.0, 0.0, *ci, 0, 0, 0)
    mean = lambda xs: float(np.mean(xs))  # noqa: E731
    sums = [sum(getattr(m, f) for m in ms) for f in COUNT_FIELDS]
    return Metric(mean([m.p for m in ms]), mean([m.r for m in ms]), mean([m.f1 for m in ms]), ci[0], ci[1],
                  sum(m.tp for m in ms), sum(m.fp for m in ms), sum(m.fn for m in ms), *sums)


def _sorted(rows: list[Row], keys: list[Key]) -> list[Row]:
    """Rows in a reading order: task, subset, metric as first seen, then micro, macro, labels."""
    order = {t: i for i, t in enumerate(TASKS)}
    first: dict[tuple, int] = {}
    for i, (t, s, m, _) in enumerate(keys):
        first.setdefault((t, s, m), i)

    def k(r: Row):
        lab = 0 if r.label == "micro" else 1 if r.label == "macro" else 2
        return (order.get(r.task, 9), r.subset != "all", first.get((r.task, r.subset, r.metric), 0), lab, r.label)

    return sorted(rows, key=k)
