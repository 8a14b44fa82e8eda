"""The `evaluate` module in metrics/khabar returns exactly the numbers of `khabar score --json`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from khabar.baselines import available_systems, get_system
from khabar.errors import KhabarError
from khabar.predictions import write_predictions

METRIC = Path(__file__).resolve().parent.parent / "metrics" / "khabar"
N_BOOT = 200


@pytest.fixture(scope="module")
def metric():
    import evaluate

    return evaluate.load(str(METRIC))


def cli_score(path: Path, *args: str) -> dict:
    r = subprocess.run([sys.executable, "-m", "khabar", "score", str(path), "--json", *args],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def canonical(d: dict) -> str:
    """JSON text with every float as Python writes it: equal text means equal to the last digit."""
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


def without_flat_keys(out: dict) -> dict:
    return {k: v for k, v in out.items() if not k.endswith(("_precision", "_recall", "_f1"))}


@pytest.fixture(scope="module")
def system_predictions(gold, tmp_path_factory):
    out = {}
    names, _ = available_systems()
    folder = tmp_path_factory.mktemp("preds")
    for name in names:
        preds = get_system(name).predict(gold.documents)
        path = write_predictions(preds, folder / f"{name}.jsonl")
        out[name] = (path, [p.to_dict() for p in preds])
    return out


def test_oracle_empty_and_every_available_system_agree_with_the_cli(metric, gold, system_predictions):
    assert {"oracle", "empty"} <= set(system_predictions)
    for name, (path, dicts) in system_predictions.items():
        ids = [d["id"] for d in dicts]
        got = metric.compute(predictions=dicts, references=ids, n_boot=N_BOOT)
        want = cli_score(path, "--n-boot", str(N_BOOT))
        assert canonical(without_flat_keys(got)) == canonical(want), name
        for task, line in want["headline"].items():
            assert got[f"{task}_f1"] == line["f1"]
    oracle = metric.compute(predictions=system_predictions["oracle"][1],
                            references=[d.id for d in gold.documents], n_boot=0)
    assert all(oracle[f"{t}_f1"] == 1.0 for t in ("ner", "quotes", "numbers"))


def test_default_settings_and_options_agree_with_the_cli(metric, system_predictions):
    path, dicts = system_predictions["oracle"]
    ids = [d["id"] for d in dicts]
    got = metric.compute(predictions=dicts, references=ids)
    assert canonical(without_flat_keys(got)) == canonical(cli_score(path))
    got = metric.compute(predictions=dicts, references=ids, scheme="coarse", tasks="ner", n_boot=50, seed=3)
    want = cli_score(path, "--scheme", "coarse", "--tasks", "ner", "--n-boot", "50", "--seed", "3")
    assert canonical(without_flat_keys(got)) == canonical(want)


def test_json_strings_and_hub_documents_as_references(metric, gold, system_predictions):
    from khabar.hub import load

    path, dicts = system_predictions["sklearn-cv" if "sklearn-cv" in system_predictions else "empty"]
    want = cli_score(path, "--n-boot", str(N_BOOT))
    docs = load("documents", split="test", gold=gold).to_list()
    got = metric.compute(predictions=[json.dumps(d, ensure_ascii=False) for d in dicts], references=docs,
                         n_boot=N_BOOT)
    assert canonical(without_flat_keys(got)) == canonical(want)


def test_add_batch_then_compute(metric, system_predictions):
    path, dicts = system_predictions["empty"]
    metric.add_batch(predictions=dicts, references=[d["id"] for d in dicts])
    got = metric.compute(n_boot=N_BOOT)
    assert canonical(without_flat_keys(got)) == canonical(cli_score(path, "--n-boot", str(N_BOOT)))


def test_misaligned_or_bad_inputs_are_refused(metric, gold, system_predictions):
    _, dicts = system_predictions["oracle"]
    with pytest.raises(KhabarError, match="unknown document id 'nope'"):
        metric.compute(predictions=dicts, references=["nope"])
    with pytest.raises(KhabarError, match="predictions\\[0\\] is for document"):
        metric.compute(predictions=[{**dicts[0], "id": "other"}], references=[gold.documents[0].id])
    bad = {**dicts[0], "entities": [{"start": 0, "end": 3, "text": "zzz", "type": "PER"}]}
    with pytest.raises(KhabarError, match="does not match the document text"):
        metric.compute(predictions=[bad], references=[gold.documents[0].id])


def test_module_has_one_import_per_line():
    """evaluate's loader scans imports textually (see its get_imports)."""
    for line in (METRIC / "khabar.py").read_text(encoding="utf-8").splitlines():
        if line.startswith(("import ", "from ")):
            assert "," not in line.split(" import ")[-1] or line.startswith("from "), line
            assert ";" not in line, line
