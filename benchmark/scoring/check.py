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

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import KhabarError
from ..files import read_json
from .report import Report
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
        return {"ok": self.ok, "tolerance": self.tolerance, "checked": self.checked, "signature": self.signature,
                "drops": [d.to_dict() for d in self.drops]}


def load_baseline(baseline: str | Path | dict) -> dict:
    """A baseline as a dict, read from a file if needed (one-line errors, exit code 2)."""
    if isinstance(baseline, dict):
        return baseline
    p = Path(baseline)
    d = read_json(p, exit_code=2)
    if not ("rows" in d or all(k in HEADLINE for k in d)):
        raise KhabarError("expected the JSON of `khabar score --json` or {task: F1}", file=str(p), exit_code=2)
    if "rows" not in d:
        for k, v in d.items():
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise KhabarError(f"expected a number, got {v!r}", file=str(p), field=k, exit_code=2)
    return d


def compare_to_baseline(report: Report, baseline: dict, tolerance: float = 0.01) -> CheckResult:
    """Every baseline line against the report: a drop below `baseline - tolerance` fails."""
    current = {(r.task, r.subset, r.metric, r.label): r.score.f1 for r in report.rows}
    if "rows" in baseline:
        targets = [((r["task"], r["subset"], r["metric"], r["label"]), float(r["f1"])) for r in baseline["rows"]]
    else:
        targets = [((t, *HEADLINE[t][:2], HEADLINE[t][2]), float(v)) for t, v in baseline.items()]
    drops = []
    for key, base in targets:
        cur = current.get(key)
        if cur is None and base <= tolerance:
            continue  # a per-type line with neither gold nor predictions now: nothing to lose
        if cur is None or cur < base - tolerance - 1e-12:
            drops.append(Drop(*key, base, cur))
    return CheckResult(tolerance, len(targets), drops, report.signature)


def check(predictions, baseline: str | Path | dict, tolerance: float = 0.01, gold=None, lenient: bool = False
          ) -> CheckResult:
    """Score `predictions` (a path, a list of `Prediction`, or a `Report`) and gate it."""
    from ..gold import load_gold
    from .scorer import score

    base = load_baseline(baseline)
    settings = parse(base["signature"]) if "signature" in base else {}
    if isinstance(predictions, Report):
        report = predictions
    else:
        g = gold if gold is not None and not isinstance(gold, (str, Path)) else load_gold(gold)
        if "gold" in settings:
            from .signature import gold_id

            mine = gold_id(g.version, g.sha256)
            if settings["gold"] != mine:
                raise KhabarError(f"baseline was scored on gold {settings['gold']}, this gold is {mine}; "
                                  "regenerate the baseline", field="signature", exit_code=2)
        if isinstance(predictions, (str, Path)):
            from ..predictions import read_predictions

            predictions = read_predictions(predictions, g, lenient=lenient)
        tasks = None
        if "rows" in base:
            tasks = sorted({r["task"] for r in base["rows"]}, key=list(HEADLINE).index)
        elif base:
            tasks = list(base)
        report = score(g, predictions, tasks=tasks, scheme=settings.get("scheme", "fine"), n_boot=0,
                       overlap=float(settings.get("overlap", 0.5)))
    if tolerance < 0:
        raise KhabarError("tolerance must be >= 0", field="tolerance", exit_code=2)
    return compare_to_baseline(report, base, tolerance)


def assert_no_regression(predictions, baseline: str | Path | dict, tolerance: float = 0.01, gold=None) -> CheckResult:
    """`check`, raising AssertionError with the table of drops: for pytest."""
    result = check(predictions, baseline, tolerance, gold)
    if not result.ok:
        raise AssertionError(f"{len(result.drops)} line(s) fell more than {tolerance} below the baseline:\n"
                             + result.table())
    return result
