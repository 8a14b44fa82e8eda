"""`Report`: signature, dict and frame views, details file, and the `khabar score` outputs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from khabar.baselines import get_system
from khabar import __version__, load_gold
from khabar.predictions import write_predictions
from khabar.scoring import Report, score
from khabar.scoring.signature import FIELDS, parse

GOLD = load_gold()
ORACLE = get_system("oracle").predict(GOLD.documents)


@pytest.fixture(scope="module")
def report():
    return score(GOLD, ORACLE, n_boot=100, seed=2)


def test_signature(report):
    f = parse(report.signature)
    assert list(f) == list(FIELDS)
    assert f["khabar"] == __version__
    assert f["gold"] == f"{GOLD.version}+{GOLD.sha256[:12]}"
    assert (f["task"], f["scheme"], f["boot"], f["seed"], f["unit"]) == ("ner,quotes,numbers", "fine", "100", "2",
                                                                         "paragraph")
    line = parse(report.signature_for("ner", "partial"))
    assert (line["task"], line["mode"]) == ("ner", "partial")
    assert parse(score(GOLD, ORACLE, scheme="coarse", n_boot=0).signature)["scheme"] == "coarse"


def test_dict_round_trip_and_frame(report):
    d = json.loads(json.dumps(report.to_dict()))
    back = Report.from_dict(d)
    assert back.signature == report.signature
    assert [(r.key, r.score.f1, r.score.correct) for r in back.rows] == \
        [(r.key, r.score.f1, r.score.correct) for r in report.rows]
    assert set(d["headline"]) == {"ner", "quotes", "numbers"}
    df = report.to_frame()
    assert len(df) == len(report.rows)
    assert {"task", "subset", "metric", "label", "p", "r", "f1", "ci_low", "ci_high", "tp", "fp", "fn"} <= set(df)
    assert df.query("task == 'ner' and metric == 'strict' and label == 'micro' and subset == 'all'")["f1"].item() == 1.0


def test_tasks_follow_the_predictions():
    only_ner = [p.__class__(p.id, entities=p.entities) for p in ORACLE]
    r = score(GOLD, only_ner, n_boot=0)
    assert r.tasks == ("ner",) and "task:ner|" in r.signature
    with pytest.raises(KeyError):
        r.headline("quotes")
    r = score(GOLD, only_ner, tasks=["ner", "numbers"], n_boot=0)
    assert r.headline("numbers").r == 0.0


def _khabar(*args):
    return subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", *args],
                          capture_output=True, text=True)


def test_cli_score_table_json_and_details(tmp_path):
    pred = write_predictions(ORACLE, tmp_path / "p.jsonl")
    table = _khabar("score", str(pred), "--n-boot", "50")
    assert table.returncode == 0, table.stderr
    assert "signature: khabar:" in table.stdout and "strict" in table.stdout and "attribution" in table.stdout
    details = tmp_path / "details.jsonl"
    js = _khabar("score", str(pred), "--json", "--n-boot", "50", "--details", str(details))
    assert js.returncode == 0, js.stderr
    d = json.loads(js.stdout)
    assert d["headline"]["quotes"]["f1"] == 1.0
    recs = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert {r["task"] for r in recs} == {"ner", "quotes", "numbers"}
    text = GOLD.documents[0].text
    for r in recs:
        item = r["gold"] or r["pred"]
        assert text[item["start"]:item["end"]] == item["text"]
    again = _khabar("score", str(pred), "--details", str(details))
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr
    assert _khabar("score", str(pred), "--details", str(details), "--force", "--n-boot", "0").returncode == 0
    bad = _khabar("score", str(pred), "--scheme", "medium")
    assert bad.returncode == 2 and bad.stderr.startswith(
        "error: Invalid value for '--scheme': 'medium' is not one of 'fine', 'coarse'")
    coarse = json.loads(_khabar("score", str(pred), "--scheme", "coarse", "--json", "--n-boot", "0").stdout)
    assert "scheme:coarse" in coarse["signature"]


def test_rows_rebuild_exactly_from_their_counts():
    """A row's P, R and F1 derive from its stored counts (a macro line from its label lines), so
    a report read back from JSON prints every row exactly as it was, imperfect systems included."""
    from khabar.baselines import get_system

    rep = score(GOLD, get_system("rules").predict(GOLD.documents), n_boot=50, seed=1)
    d = json.loads(json.dumps(rep.to_dict()))
    assert any(r["label"] == "macro" and 0 < r["f1"] < 1 for r in d["rows"])
    assert Report.from_dict(d).to_dict()["rows"] == d["rows"]
