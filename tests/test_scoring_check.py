"""The regression gate: library function, pytest helper and `khabar check` exit codes."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from khabar.baselines import get_system
from khabar import KhabarError, load_gold
from khabar.predictions import write_predictions
from khabar.scoring import score
from khabar.scoring.check import assert_no_regression, check

GOLD = load_gold()
ORACLE = get_system("oracle").predict(GOLD.documents)


def _drop_one_entity(preds):
    p0 = preds[0]
    return [dataclasses.replace(p0, entities=p0.entities[1:])] + preds[1:]


@pytest.fixture()
def baseline(tmp_path):
    path = tmp_path / "SCORES.json"
    path.write_text(json.dumps(score(GOLD, ORACLE, n_boot=0).to_dict()), encoding="utf-8")
    return path


def test_same_system_passes(baseline):
    res = check(ORACLE, baseline, 0.0)
    assert res.ok and res.checked == len(json.loads(baseline.read_text())["rows"])
    assert assert_no_regression(ORACLE, baseline).ok


def test_a_drop_fails_and_names_the_lines(baseline):
    worse = _drop_one_entity(ORACLE)
    n = sum(len(d.ner_mentions) for d in GOLD.documents)
    drop = 1 - score(GOLD, worse, n_boot=0).get("ner", "strict").f1
    largest = max(1 - r.score.f1 for r in score(GOLD, worse, n_boot=0).rows)  # a per-type line drops more
    assert 0 < drop <= largest < 1
    assert check(worse, baseline, tolerance=largest + 1e-6).ok
    assert not check(worse, baseline, tolerance=largest - 1e-6).ok
    res = check(worse, baseline, tolerance=drop / 2)
    assert not res.ok
    keys = {(d.task, d.metric, d.label) for d in res.drops}
    assert ("ner", "strict", "micro") in keys
    assert all(d.task == "ner" for d in res.drops)
    with pytest.raises(AssertionError, match="fell more than"):
        assert_no_regression(worse, baseline, tolerance=drop / 2)
    assert n > 0


def test_headline_only_baseline(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"ner": 0.99, "numbers": 1.0}), encoding="utf-8")
    assert check(ORACLE, path).ok
    res = check(get_system("empty").predict(GOLD.documents), path)
    assert {d.task for d in res.drops} == {"ner", "numbers"}


def test_baseline_from_another_gold_is_refused(tmp_path):
    d = score(GOLD, ORACLE, n_boot=0).to_dict()
    d["signature"] = d["signature"].replace(GOLD.sha256[:12], "0" * 12)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        check(ORACLE, path)
    assert e.value.exit_code == 2 and "regenerate the baseline" in str(e.value)


def _khabar(*args):
    return subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", *args],
                          capture_output=True, text=True)


def test_cli_exit_codes(baseline, tmp_path):
    good = write_predictions(ORACLE, tmp_path / "good.jsonl")
    bad = write_predictions(_drop_one_entity(ORACLE), tmp_path / "bad.jsonl")
    ok = _khabar("check", str(good), "--baseline", str(baseline))
    assert ok.returncode == 0 and ok.stdout.startswith("ok:")
    fail = _khabar("check", str(bad), "--baseline", str(baseline), "--tolerance", "0.001")
    assert fail.returncode == 1, fail.stderr
    assert "FAILED" in fail.stdout and "ner" in fail.stdout and "strict" in fail.stdout
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    err = _khabar("check", str(good), "--baseline", str(broken))
    assert err.returncode == 2 and err.stderr.startswith(f"error: {broken}:1: invalid JSON")
