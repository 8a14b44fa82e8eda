"""`khabar run`: predictions of any registered system, never over a user's file unless asked."""

import subprocess
import sys

from khabar.predictions import read_predictions


def _run(*args):
    return subprocess.run([sys.executable, "-m", "khabar", "run", *args], capture_output=True, text=True)


def test_run_writes_readable_predictions(gold, tmp_path):
    out = tmp_path / "oracle.jsonl"
    r = _run("oracle", "-o", str(out))
    assert r.returncode == 0, r.stderr
    preds = read_predictions(out, gold)
    assert len(preds[0].entities) == len(gold.documents[0].ner_mentions)


def test_run_refuses_to_overwrite(tmp_path):
    out = tmp_path / "mine.jsonl"
    out.write_text("my own work\n", encoding="utf-8")
    r = _run("empty", "-o", str(out))
    assert r.returncode == 2 and "--force" in r.stderr and "Traceback" not in r.stderr
    assert out.read_text(encoding="utf-8") == "my own work\n"
    assert _run("empty", "-o", str(out), "--force").returncode == 0


def test_bad_option_is_one_line(tmp_path):
    r = _run("rules", "-o", str(tmp_path / "x.jsonl"), "--opt", "nonsense")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "KEY=VALUE" in r.stderr
