"""Items a system returned but could not place in the text count as false positives."""

from khabar.baselines import get_system
from khabar.predictions import read_predictions, write_predictions
from khabar.scoring import score

UNALIGNED = [
    {"task": "ner", "part": "item", "text": "غسان", "reason": "not in text", "item": {"text": "غسان", "type": "PER"},
     "paragraph": 2},
    {"task": "ner", "part": "item", "text": "x", "reason": "unknown label", "item": {"text": "x", "type": "WEAPON"},
     "paragraph": 0},
    {"task": "quotes", "part": "item", "text": "…", "reason": "content not found", "item": {}, "paragraph": None},
    {"task": "quotes", "part": "cue", "text": "صرح", "reason": "cue not found", "item": {}, "paragraph": 1},
    {"task": "numbers", "part": "item", "text": "٢٨٠٠٠", "reason": "not in text", "item": {}, "paragraph": 6},
]


def test_unaligned_items_are_false_positives(gold, tmp_path):
    preds = get_system("oracle").predict(gold.documents)
    preds[0].unaligned = list(UNALIGNED)
    report = score(gold, preds, n_boot=0)
    n = {t: len(getattr(gold.documents[0], a)) for t, a in
         (("ner", "ner_mentions"), ("quotes", "quotes"), ("numbers", "numbers"))}
    # one PER item counts (WEAPON has no place in the scheme; a cue-only record is not an item)
    assert report.headline("ner").fp == 1 and report.headline("ner").tp == n["ner"]
    assert report.headline("quotes").fp == 1
    assert report.headline("numbers").fp == 1
    assert report.headline("numbers").p == n["numbers"] / (n["numbers"] + 1)

    path = write_predictions(preds, tmp_path / "p.jsonl")
    again = read_predictions(path, gold)
    assert again[0].unaligned == UNALIGNED
    assert score(gold, again, n_boot=50).to_dict() == score(gold, preds, n_boot=50).to_dict()


def test_bad_unaligned_meta_is_rejected(gold, tmp_path):
    import json
    import subprocess
    import sys

    p = tmp_path / "p.jsonl"
    p.write_text(json.dumps({"id": gold.documents[0].id, "entities": [], "meta": {"unaligned": [1]}}) + "\n",
                 encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "khabar", "score", str(p)], capture_output=True, text=True)
    assert r.returncode == 2 and "meta.unaligned" in r.stderr and "Traceback" not in r.stderr
