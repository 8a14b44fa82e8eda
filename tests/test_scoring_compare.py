"""`compare`: paired bootstrap and approximate randomisation between two systems."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from khabar.baselines import get_system
from khabar import load_gold
from khabar.predictions import write_predictions
from khabar.scoring import score
from khabar.scoring.compare import compare

GOLD = load_gold()
ORACLE = get_system("oracle").predict(GOLD.documents)
EMPTY = get_system("empty").predict(GOLD.documents)


@pytest.mark.parametrize("method", ["bootstrap", "ar"])
def test_a_system_against_itself(method):
    c = compare(GOLD, ORACLE, ORACLE, method=method, n=300)
    for r in c.rows:
        assert r.delta == 0.0 and r.p_value == 1.0


@pytest.mark.parametrize("method", ["bootstrap", "ar"])
def test_oracle_beats_empty(method):
    c = compare(GOLD, EMPTY, ORACLE, method=method, n=500, seed=1)
    for task in ("ner", "quotes", "numbers"):
        h = c.headline(task)
        assert h.f1_a == 0.0 and h.f1_b == 1.0 and h.delta == 1.0
    ner = c.headline("ner")
    if method == "bootstrap":
        assert ner.p_value == pytest.approx(1 / 501) and ner.ci_low > 0  # no resample reached |d|: p = 1/(1+B)
    else:
        # only swapping every paragraph that holds a mention, or none, reaches |d| = 1
        units = {(d.id, d.text.count("\n", 0, m.start)) for d in GOLD.documents for m in d.ner_mentions}
        assert ner.p_value == pytest.approx(2 / 2 ** len(units), abs=0.03)


def test_direction_and_determinism():
    a = compare(GOLD, ORACLE, EMPTY, n=200, seed=4)
    b = compare(GOLD, ORACLE, EMPTY, n=200, seed=4)
    assert a.to_dict() == b.to_dict()
    assert a.headline("ner").delta == -1.0
    f1 = score(GOLD, ORACLE, n_boot=0).get("ner", "exact").f1
    row = next(r for r in a.rows if r.metric == "exact" and r.subset == "all")
    assert row.f1_a == f1


def test_cli_compare(tmp_path):
    pa = write_predictions(EMPTY, tmp_path / "a.jsonl")
    pb = write_predictions(ORACLE, tmp_path / "b.jsonl")
    proc = subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", "compare", str(pa), str(pb),
                           "--json", "--n", "200", "--method", "ar"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert "test:ar|n:200|seed:0" in d["signature"]
    heads = [r for r in d["rows"] if r["headline"]]
    assert {r["task"] for r in heads} == {"ner", "quotes", "numbers"}
    assert all(0 < r["p_value"] <= 1 for r in heads)
    proc = subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", "compare", str(pa), str(pb),
                           "--method", "t-test"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith(
        "error: Invalid value for '--method': 't-test' is not one of 'bootstrap', 'ar'")
