"""The regression gate: fail when any F1 falls more than a tolerance below a saved baseline.

    khabar score preds.jsonl --json > SCORES.json          # once, on a good system
    khabar check preds.jsonl --baseline SCORES.json        # in CI: exit 1 on a drop

and in a test suite:

    from khabar.scoring.check import assert_no_regression
    assert_no_regression("preds.jsonl", "SCORES.json", tolerance=0.01)

A baseline is the JSON of `khabar score --json` (every line is gated), or a plain object of
headline F1s, `{"ner": 0.81, "quotes": 0.55}`. The run is scored with the baseline's scheme and
overlap threshold; a baseline made on another gold is refused (exit 2), since its numbers are
not comparable.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import KhabarError
from ..files import read_json
from .report import Report
from .score_format import check_format, stamp
from .tasks import HEADLINE
from .signature import parse


@dataclass(frozen=True)
class Drop:
    """One gated line: its baseline and current F1, and whether it fell past the tolerance."""

    task: str
    subset: str
    metric: str
    label: str
    baseline: float
    current: float | None

    @property
    def change(self) -> float | None:
        return None if self.current is None else self.current - self.baseline

    def to_dict(self) -> dict:
        return {**asdict(self), "change": self.change}


@dataclass
class CheckResult:
    """`ok` unless a line dropped by more than `tolerance` (or vanished)."""

    tolerance: float
    checked: int
    drops: list[Drop] = field(default_factory=list)
    signature: str = ""

    @property
    def ok(self) -> bool:
        return not self.drops

    def table(self) -> str:
        """The dropped lines as plain text (what the CLI and the assertion show)."""
        lines = [f"{'task':8} {'subset':9} {'metric':18} {'label':6} {'baseline':>8} {'current':>8} {'change':>8}"]
        for d in self.drops:
            cur = "missing" if d.current is None else f"{d.current:.4f}"
            ch = "" if d.change is None else f"{d.change:+.4f}"
            lines.append(f"{d.task:8} {d.subset:9} {d.metric:18} {d.label:6} {d.baseline:8.4f} {cur:>8} {ch:>8}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return stamp("check", {"ok": self.ok, "tolerance": self.tolerance, "checked": self.checked,
                               "signature": self.signature, "drops": [d.to_dict() for d in self.drops]})


@dataclass(frozen=True)
class Baseline:
    """What a baseline gates: each line's key (task, subset, metric, label) and F1, and the
    settings of the run that made it (scheme, overlap, gold), from its signature."""

    targets: list[tuple[tuple[str, str, str, str], float]]
    settings: dict

    @property
    def tasks(self) -> list[str]:
        return sorted({key[0] for key, _ in self.targets}, key=list(HEADLINE).index)


def load_baseline(baseline: str | Path | dict) -> Baseline:
    """A baseline checked whole: a file or dict in the shape of `khabar score --json`, or
    `{task: F1}`; anything the gate could not compare (no lines, an F1 that is not a number in
    [0, 1], a malformed row) is a one-line `KhabarError`."""
    where = str(baseline) if not isinstance(baseline, dict) else "baseline"
    raw = baseline if isinstance(baseline, dict) else read_json(Path(baseline))
    if "format" in raw or "rows" in raw:
        check_format(raw, where, "score")
        rows = raw.get("rows")
        if not isinstance(rows, list):
            raise KhabarError("expected a list of rows", file=where, field="rows")
        targets = [_row_target(r, where, f"rows[{i}]") for i, r in enumerate(rows)]
    else:
        unknown = [k for k in raw if k not in HEADLINE]
        if unknown:
            raise KhabarError(f"unknown task {unknown[0]!r}; expected the JSON of `khabar score --json` or "
                              f"{{task: F1}} with tasks {', '.join(HEADLINE)}", file=where)
        targets = [((t, *HEADLINE[t][:2], HEADLINE[t][2]), _f1(v, where, t)) for t, v in raw.items()]
    if not targets:
        raise KhabarError("the baseline has no lines to compare against", file=where)
    settings = parse(raw["signature"]) if isinstance(raw.get("signature"), str) else {}
    return Baseline(targets, settings)


def _f1(value, where: str, field_name: str) -> float:
    """A baseline F1: a finite number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 <= value <= 1:
        raise KhabarError(f"expected an F1 between 0 and 1, got {value!r}", file=where, field=field_name)
    return float(value)


def _row_target(row, where: str, name: str) -> tuple[tuple[str, str, str, str], float]:
    """One row of `khabar score --json` as a gated line."""
    if not isinstance(row, dict):
        raise KhabarError("expected an object", file=where, field=name)
    key = []
    for k in ("task", "subset", "metric", "label"):
        if not isinstance(row.get(k), str):
            raise KhabarError(f"expected a string, got {row.get(k)!r}", file=where, field=f"{name}.{k}")
        key.append(row[k])
    if key[0] not in HEADLINE:
        raise KhabarError(f"unknown task {key[0]!r}", file=where, field=f"{name}.task")
    return tuple(key), _f1(row.get("f1"), where, f"{name}.f1")


def check_tolerance(tolerance) -> float:
    """The gate's tolerance: a finite number in [0, 1] (an absolute F1 difference)."""
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not math.isfinite(tolerance) \
            or not 0 <= tolerance <= 1:
        raise KhabarError(f"expected a number between 0 and 1, got {tolerance!r}", field="--tolerance")
    return float(tolerance)


def compare_to_baseline(report: Report, baseline: Baseline | dict, tolerance: float = 0.01) -> CheckResult:
    """Every baseline line against the report: a drop below `baseline - tolerance` fails, and so
    does a task line the report no longer has."""
    base = baseline if isinstance(baseline, Baseline) else load_baseline(baseline)
    tolerance = check_tolerance(tolerance)
    current = {(r.task, r.subset, r.metric, r.label): r.score.f1 for r in report.rows}
    drops = []
    for key, value in base.targets:
        cur = current.get(key)
        if cur is None and value <= tolerance and key[3] not in ("micro", "macro"):
            continue  # a per-type line with neither gold nor predictions now: nothing to lose
        if cur is None or not math.isfinite(cur) or cur < value - tolerance - 1e-12:
            drops.append(Drop(*key, value, cur))
    return CheckResult(tolerance, len(base.targets), drops, report.signature)


def check(predictions, baseline: str | Path | dict, tolerance: float = 0.01, gold=None, lenient: bool = False
          ) -> CheckResult:
    """Score `predictions` (a path, a list of `Prediction`, or a `Report`) and gate it."""
    from ..gold import load_gold
    from .scorer import score

    tolerance = check_tolerance(tolerance)
    base = load_baseline(baseline)
    settings = base.settings
    if isinstance(predictions, Report):
        report = predictions
    else:
        g = gold if gold is not None and not isinstance(gold, (str, Path)) else load_gold(gold)
        if "gold" in settings:
            from .signature import gold_id

            mine = gold_id(g.version, g.sha256)
            if settings["gold"] != mine:
                raise KhabarError(f"baseline was scored on gold {settings['gold']}, this gold is {mine}; "
                                  "regenerate the baseline", field="signature")
        if isinstance(predictions, (str, Path)):
            from ..predictions import read_predictions

            predictions = read_predictions(predictions, g, lenient=lenient)
        report = score(g, predictions, tasks=base.tasks, scheme=settings.get("scheme", "fine"), n_boot=0,
                       overlap=float(settings.get("overlap", 0.5)))
    return compare_to_baseline(report, base, tolerance)


def assert_no_regression(predictions, baseline: str | Path | dict, tolerance: float = 0.01, gold=None) -> CheckResult:
    """`check`, raising AssertionError with the table of drops: for pytest."""
    result = check(predictions, baseline, tolerance, gold)
    if not result.ok:
        raise AssertionError(f"{len(result.drops)} line(s) fell more than {tolerance} below the baseline:\n"
                             + result.table())
    return result
