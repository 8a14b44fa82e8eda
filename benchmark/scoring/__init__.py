"""khabar's scorer: P/R/F1 per task in every matching mode, bootstrap intervals, a signature.

    from khabar import load_gold
    from khabar.scoring import score
    report = score(load_gold(), predictions)
    report.headline("ner").f1, report.signature

The library is the contract; `khabar score`, `khabar compare` and `khabar check` are thin
wrappers over `score`, `compare.compare` and `check.check` (`score_conll` and `score_tags` for
tag input).
"""

from __future__ import annotations

from .check import CheckResult, assert_no_regression
from .compare import Comparison
from .conll import score_conll, score_tags
from .corpus import tally
from .counts import Tally
from .details import Detail
from .prf import Metric
from .report import Report
from .report import build as report_from_tally
from .rows import Row
from .scorer import score, settings_for
from .signature import Signature
from .tasks import HEADLINE, REGISTRY, TASKS, TaskScorer

__all__ = ["HEADLINE", "REGISTRY", "TASKS", "CheckResult", "Comparison", "Detail", "Metric", "Report", "Row",
           "Signature", "Tally", "TaskScorer", "assert_no_regression", "report_from_tally", "score", "score_conll",
           "score_tags", "settings_for", "tally"]
