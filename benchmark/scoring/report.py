"""`Report`: the typed result of a scoring run, with its signature, rows and per-item details."""

from __future__ import annotations

from dataclasses import dataclass, field

from .bootstrap import resample
from .counts import Tally
from .details import Detail
from .prf import CATEGORIES, Metric
from .rows import Row, build_rows
from .score_format import check_format, stamp
from .signature import Signature, parse
from .tasks import HEADLINE, TASKS

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
        return stamp("score", {
            "signature": self.signature,
            "settings": {"khabar": s.version, "gold": s.gold, "tasks": list(s.tasks), "scheme": s.scheme,
                         "overlap": s.overlap, "unit": s.unit, "n_boot": s.n_boot, "seed": s.seed,
                         "confidence": 0.95},
            "headline": {t: {"signature": self.signature_for(t), **self.headline(t).to_dict()} for t in self.tasks},
            "rows": [r.to_dict() for r in self.rows],
            "notes": list(self.notes),
            **({"extra": self.extra} if self.extra else {}),
        })

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        """Rebuild a report (without details or counts) from `to_dict()` output."""
        check_format(d, "report", "score")
        f = parse(d["signature"])
        st = d.get("settings", {})
        settings = Signature(f.get("khabar", ""), f.get("gold", ""), tuple(st.get("tasks", f.get("task", "").split(","))),
                             f.get("mode", "all"), f.get("scheme", "fine"), float(f.get("overlap", "0.5")),
                             f.get("unit", "paragraph"), int(f.get("boot", "0").split("/")[0]), int(f.get("seed", "0")),
                             (f.get("boot", "0").split("/") + ["multinomial"])[1])
        return cls(_rows_from_dicts(d["rows"]), settings, notes=list(d.get("notes", [])))

    def to_frame(self):
        """The rows as a pandas DataFrame (one row per line; counts and interval as columns)."""
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.rows])

    def details_for(self, task: str | None = None, metric: str | None = None) -> list[Detail]:
        return [d for d in self.details if (task is None or d.task == task) and (metric is None or d.metric == metric)]


def _num(v) -> float:
    return float("nan") if v is None else float(v)


def _rows_from_dicts(dicts: list[dict]) -> list[Row]:
    """Rows from `Row.to_dict()` output: the counts are the truth, P/R/F1 derive from them, and
    a macro line is rebuilt over the label lines of its (task, subset, metric)."""
    metrics = {}
    for r in dicts:
        counts = [int(r.get(k, 0)) for k in CATEGORIES]
        metrics[r["task"], r["subset"], r["metric"], r["label"]] = Metric(
            *counts, _num(r.get("ci_low")), _num(r.get("ci_high")), r.get("kind", "f1"))
    rows = []
    for key, m in metrics.items():
        if key[3] == "macro":
            parts = [p for k, p in metrics.items() if k[:3] == key[:3] and k[3] not in ("micro", "macro")]
            m = Metric.macro_of(parts, (m.ci_low, m.ci_high))
        rows.append(Row(*key, m))
    return rows


def build(tally: Tally, settings: Signature, details: list[Detail] | None = None, notes: list[str] | None = None
          ) -> Report:
    """The report of a tally: its lines with intervals from resampling its units (`rows`).

    Tallies of shards scored apart and added (`a + b`) give the report of the whole."""
    totals = tally.data.sum(axis=0)
    rows = build_rows(list(tally.keys), totals, resample(tally, settings.n_boot, settings.seed))
    return Report(rows, settings, details or [], tally, notes or [])
