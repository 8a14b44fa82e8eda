"""khabar's scorer: P/R/F1 per task in every matching mode, bootstrap intervals, a signature.

    from khabar import load_gold
    from khabar.scoring import score
    report = score(load_gold(), predictions)
    report.headline("ner").f1, report.signature

The library is the contract; `khabar score`, `khabar compare` and `khabar check` are thin
wrappers over `score`, `compare.compare` and `check.check` (`score_conll` and `score_tags` for
tag input).

The names below are loaded on first use (PEP 562), so `khabar score --conll` imports the
conlleval reader without the gold scorer's modules, and a cold start stays short.
"""

from __future__ import annotations

from ..lazy import lazy_names

_WHERE = {
    "HEADLINE": "tasks", "REGISTRY": "tasks", "TASKS": "tasks", "TaskScorer": "tasks",
    "CheckResult": "check", "assert_no_regression": "check",
    "Comparison": "compare",
    "score_conll": "conll", "score_tags": "conll",
    "tally": "corpus",
    "Tally": "counts",
    "Detail": "details",
    "Metric": "prf",
    "Report": "report", "report_from_tally": ("report", "build"),
    "Row": "rows",
    "score": "scorer", "settings_for": "scorer",
    "Signature": "signature",
}

__all__ = ["HEADLINE", "REGISTRY", "TASKS", "CheckResult", "Comparison", "Detail", "Metric", "Report", "Row",
           "Signature", "Tally", "TaskScorer", "assert_no_regression", "report_from_tally", "score", "score_conll",
           "score_tags", "settings_for", "tally"]


__getattr__, __dir__ = lazy_names(__name__, _WHERE, __all__)
