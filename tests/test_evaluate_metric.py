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

    path, dicts = system_predictions["crf" if "crf" in system_predictions else "empty"]
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


# --- tag sequences: evaluate's seqeval input and output ------------------------------------------


def seqeval_module(references, predictions) -> dict:
    """What evaluate's seqeval module returns (its `_compute`, default options), from seqeval itself."""
    from seqeval.metrics import accuracy_score, classification_report

    report = classification_report(y_true=references, y_pred=predictions, output_dict=True, zero_division="warn")
    report.pop("macro avg")
    report.pop("weighted avg")
    overall = report.pop("micro avg")
    out = {t: {"precision": s["precision"], "recall": s["recall"], "f1": s["f1-score"], "number": s["support"]}
           for t, s in report.items()}
    out.update(overall_precision=overall["precision"], overall_recall=overall["recall"],
               overall_f1=overall["f1-score"], overall_accuracy=accuracy_score(references, predictions))
    return out


def assert_same_scores(got: dict, want: dict) -> None:
    assert list(got) == list(want)
    for k, v in want.items():
        if isinstance(v, dict):
            assert list(got[k]) == ["precision", "recall", "f1", "number"]
            assert got[k]["number"] == v["number"]
            for m in ("precision", "recall", "f1"):
                assert got[k][m] == pytest.approx(v[m], abs=1e-12), (k, m)
        else:
            assert got[k] == pytest.approx(v, abs=1e-12), k


TAG_CASES = [
    ([["B-PER", "I-PER", "O", "B-ORG"]], [["B-PER", "I-PER", "O", "B-LOC"]]),
    ([["B-PER", "I-PER", "O"], ["B-LOC", "O"]], [["B-PER", "O", "O"], ["B-LOC", "O"]]),
    ([["O", "B-GPE", "I-GPE", "I-GPE", "O", "B-PER"]], [["O", "B-GPE", "I-GPE", "O", "O", "B-PER"]]),
    ([["B-ORG", "I-ORG", "B-ORG", "O"], ["O", "O"]], [["B-ORG", "I-ORG", "B-ORG", "O"], ["B-NORP", "O"]]),
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("predictions,references", TAG_CASES)
def test_tag_sequences_give_seqeval_keys_and_numbers(metric, predictions, references):
    got = metric.compute(predictions=predictions, references=references)
    assert_same_scores(got, seqeval_module(references, predictions))


@pytest.mark.filterwarnings("ignore")
def test_random_iob2_agrees_with_seqeval(metric):
    import random

    rng = random.Random(7)

    def iob2(n: int) -> list[str]:
        tags, prev = [], "O"
        for _ in range(n):
            r = rng.random()
            tag = "O" if r < 0.5 else f"B-{rng.choice('PER ORG GPE LOC'.split())}" if r < 0.75 or prev == "O" \
                else "I-" + prev[2:]
            tags.append(tag)
            prev = tag
        return tags

    for _ in range(40):
        lengths = [rng.randint(1, 15) for _ in range(rng.randint(1, 6))]
        refs, preds = [iob2(n) for n in lengths], [iob2(n) for n in lengths]
        assert_same_scores(metric.compute(predictions=preds, references=refs), seqeval_module(refs, preds))


def test_tag_sequences_by_batches_with_bootstrap_and_seqeval_options(metric):
    metric.add_batch(predictions=[["B-PER", "O"]], references=[["B-PER", "O"]])
    metric.add_batch(predictions=[("O", "B-LOC")], references=[["B-LOC", "I-LOC"]])
    got = metric.compute(n_boot=100, seed=1, scheme="IOB2", zero_division=0)
    assert got["overall_f1"] == 0.5 and got["PER"]["f1"] == 1.0 and got["LOC"]["number"] == 1
    assert got["overall_f1_ci_low"] <= got["overall_f1"] <= got["overall_f1_ci_high"]
    assert got["signature"].startswith("khabar:") and "boot:100" in got["signature"]
    with pytest.raises(KhabarError, match="conlleval"):
        metric.compute(predictions=[["B-PER"]], references=[["B-PER"]], mode="strict")
    with pytest.raises(KhabarError, match="records"):
        metric.compute(predictions=[["B-PER"]], references=[["B-PER"]], tasks="ner")
    with pytest.raises(KhabarError, match="1 gold tags but 2 predicted"):
        metric.compute(predictions=[["B-PER", "O"]], references=[["B-PER"]])


@pytest.mark.filterwarnings("ignore")
def test_usable_as_transformers_compute_metrics(metric):
    """The README's snippet, fed a transformers `EvalPrediction` with -100 on ignored positions."""
    np = pytest.importorskip("numpy")
    EvalPrediction = pytest.importorskip("transformers").EvalPrediction
    id2label = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-GPE", 4: "I-GPE"}
    labels = np.array([[0, 1, 2, -100, 0, 3], [3, 4, 0, 1, -100, -100]])
    guess = np.array([[0, 1, 2, 2, 0, 1], [3, 0, 0, 1, 0, 0]])
    logits = np.eye(len(id2label))[guess] + 0.01

    def compute_metrics(p):
        logits, labels = p
        pairs = [[(id2label[int(q)], id2label[int(l)]) for q, l in zip(ps, ls) if l != -100]
                 for ps, ls in zip(logits.argmax(-1), labels)]
        return metric.compute(predictions=[[q for q, _ in s] for s in pairs], references=[[l for _, l in s] for s in pairs])

    got = compute_metrics(EvalPrediction(predictions=logits, label_ids=labels))
    refs = [["O", "B-PER", "I-PER", "O", "B-GPE"], ["B-GPE", "I-GPE", "O", "B-PER"]]
    preds = [["O", "B-PER", "I-PER", "O", "B-PER"], ["B-GPE", "O", "O", "B-PER"]]
    assert_same_scores(got, seqeval_module(refs, preds))
    assert got["overall_precision"] == 0.5 and got["overall_recall"] == 0.5


# --- loading: without khabar, from the wheel's path, as a Space -------------------------------------


def test_load_without_khabar_says_how_to_install(tmp_path):
    code = ("import sys; sys.modules['khabar'] = None\n"
            "import evaluate\n"
            f"evaluate.load({str(METRIC)!r})\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: the khabar metric needs the khabar package")
    assert "pip install git+https://github.com/khabar-benchmark/khabar" in last and "pip install -e ." in last


def test_metric_path_is_this_folder():
    import khabar

    assert Path(khabar.metric_path()) == METRIC


def test_folder_is_a_space_for_the_hub():
    import yaml

    text = (METRIC / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["sdk"] == "gradio" and front["app_file"] == "app.py" and front["sdk_version"]
    assert {"evaluate", "metric"} <= set(front["tags"]) and front["title"] and front["description"]
    app = (METRIC / "app.py").read_text(encoding="utf-8")
    compile(app, "app.py", "exec")
    assert "launch_gradio_widget(module)" in app and 'with_name("khabar.py")' in app
    reqs = [ln.strip() for ln in (METRIC / "requirements.txt").read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]
    assert "khabar @ git+https://github.com/khabar-benchmark/khabar" in reqs
    from packaging.requirements import Requirement

    assert all(Requirement(r) for r in reqs)
