"""khabar inside the LLM evaluation harnesses, offline.

lm-evaluation-harness runs the `khabar` group with its `local-chat-completions` model against a
stand-in OpenAI-compatible server on 127.0.0.1 (the `llm` system's test server) that answers
with recorded answers; inspect-ai runs `khabar/ner` etc. with its mock model giving the same
answers. The answers are the gold as a perfect model writes it, except three imperfect ones, so
no metric is trivially 1.0. For each harness and task: the prompts sent are khabar's, the
harness's metric is exactly `khabar score` on the predictions file the same run wrote, and both
equal what khabar's own `llm` system scores on the same answers. The dev split (12 documents)
is used so that corpus-level F1 and a mean over documents differ.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khabar.baselines.llm import prompts
from khabar.baselines.llm.system import LLMSystem
from khabar.cli import run
from khabar.gold import load_split, split_path
from khabar.harness import harness_path, register_run
from khabar.harness.common import corpus_score, gold_answer, headline
from khabar.model import Gold
from khabar.scoring import score
from khabar.scoring.tasks import TASKS
from tests.test_llm import FakeOpenAI

DEV = load_split("dev")
DEV_PATH = str(split_path("dev").resolve())
BY_TEXT = {d.text: d for d in DEV.documents}
FEW_SHOT = 1

# inspect-ai's own retry code warns about a tenacity parameter; not khabar's to fix
pytestmark = pytest.mark.filterwarnings("ignore:The 'initial' parameter is deprecated:DeprecationWarning")
INVENTED = "زيد الخيالي"  # a name in no dev document: unaligned, a false positive


def recorded(doc, task: str) -> str:
    """The recorded answer to `task`'s prompt about `doc`: the gold as a perfect model writes
    it, except NER on dev_03 (one entity missed, one mistyped, one invented), quotes on dev_05
    (no JSON at all: predicts nothing) and numbers on dev_02 (a wrong value)."""
    answer = gold_answer(doc, task)
    if (doc.id, task) == ("dev_03", "ner"):
        items = json.loads(answer)["entities"]
        items = items[1:]
        items[0]["type"] = "LOC" if items[0]["type"] != "LOC" else "GPE"
        items.append({"text": INVENTED, "type": "PER"})
        return json.dumps({"entities": items}, ensure_ascii=False)
    if (doc.id, task) == ("dev_05", "quotes"):
        return "I cannot help with that."
    if (doc.id, task) == ("dev_02", "numbers"):
        items = json.loads(answer)["numbers"]
        items[0]["value"] = (items[0]["value"] or 0) + 1
        return json.dumps({"numbers": items}, ensure_ascii=False)
    return answer


def task_of_system(system: str) -> str:
    return next(t for t, d in prompts.DEFINITIONS.items() if d["en"] in system)


def document_of(user: str):
    return BY_TEXT[user.split("\n", 1)[1]]


def server():
    """The stand-in OpenAI-compatible server, answering every prompt with its recorded answer."""
    return FakeOpenAI(lambda task, body, n: (200, {}, recorded(document_of(body["messages"][-1]["content"]), task)))


def khabar_score(path: Path, capsys) -> float:
    """`khabar score FILE --gold dev.json --json`, in process: the headline F1 of the one task."""
    capsys.readouterr()
    assert run(["score", str(path), "--gold", DEV_PATH, "--json", "--n-boot", "0"]) == 0
    (task_f1,) = [h["f1"] for h in json.loads(capsys.readouterr().out)["headline"].values()]
    return task_f1


@pytest.fixture(scope="module")
def llm_system(tmp_path_factory) -> dict[str, float]:
    """khabar's own runner on the same answers: the `llm` system, plain JSON, the same few-shot."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KHABAR_CACHE", str(tmp_path_factory.mktemp("cache")))
        with server() as srv:
            system = LLMSystem(model="test-model", base_url=srv.url, structured=False, few_shot=FEW_SHOT, backoff=0.0,
                               lenient=True)  # an unreadable answer predicts nothing, as in the harnesses
            preds = system.predict(DEV.documents)
    return {t: score(DEV, preds, tasks=[t], n_boot=0).headline(t).f1 for t in TASKS}


@pytest.fixture(scope="module")
def lm_eval_run(tmp_path_factory):
    lm_eval = pytest.importorskip("lm_eval", reason="lm_eval not installed (pip install -e '.[lm-eval]')")
    from lm_eval.tasks import TaskManager

    out = tmp_path_factory.mktemp("lm-eval")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_DATASETS_OFFLINE", "1")
        mp.setenv("HF_HUB_OFFLINE", "1")
        with server() as srv:
            manager = TaskManager(include_path=str(harness_path("lm-eval")), include_defaults=False,
                                  metadata={"split": "dev", "predictions_dir": str(out / "predictions")})
            res = lm_eval.simple_evaluate(
                model="local-chat-completions",
                model_args={"model": "test-model", "base_url": srv.url + "/chat/completions"},
                tasks=["khabar"], task_manager=manager, apply_chat_template=True, num_fewshot=FEW_SHOT,
                log_samples=False)
            bodies = list(srv.bodies)
    metrics = {t: res["results"][f"khabar_{t}"]["f1,none"] for t in TASKS}
    files = {t: out / "predictions" / f"khabar_{t}.jsonl" for t in TASKS}
    return metrics, files, bodies


@pytest.fixture(scope="module")
def inspect_run(tmp_path_factory):
    pytest.importorskip("inspect_ai", reason="inspect_ai not installed (pip install -e '.[inspect]')")
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    from khabar.harness import inspect_tasks

    sent = []

    def mock(messages, tools, tool_choice, config):
        sent.append([{"role": m.role, "content": m.text} for m in messages])
        task = task_of_system(messages[0].text)
        out = ModelOutput.from_content(model="mockllm/model", content=recorded(document_of(messages[-1].text), task))
        out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)  # or inspect counts with tiktoken
        return out

    logs_dir = tmp_path_factory.mktemp("inspect")
    # the task functions themselves (`khabar/ner` by name: test_inspect_entry_point, in a clean process)
    tasks = [getattr(inspect_tasks, t)(split="dev", few_shot=FEW_SHOT) for t in TASKS]
    logs = inspect_eval(tasks, model=get_model("mockllm/model", custom_outputs=mock), log_dir=str(logs_dir),
                        display="none")
    assert all(log.status == "success" for log in logs), [log.error for log in logs]
    metrics = {log.eval.task.split("/")[-1]: log.results.scores[0].metrics for log in logs}
    files = {log.eval.task.split("/")[-1]: Path(log.location).with_name(Path(log.location).stem + ".khabar.jsonl")
             for log in logs}
    return metrics, files, sent


def test_lm_eval_metric_is_khabar_score_of_its_predictions_file(lm_eval_run, llm_system, capsys):
    metrics, files, bodies = lm_eval_run
    # the prompts are khabar's, message for message, few-shot from dev in khabar's order
    assert len(bodies) == 3 * len(DEV.documents)
    for body in bodies:
        task, doc = task_of_system(body["messages"][0]["content"]), document_of(body["messages"][-1]["content"])
        assert body["messages"] == prompts.messages(doc.text, (task,), lang="en", few_shot=FEW_SHOT)
    for task in TASKS:
        assert files[task].is_file()
        assert metrics[task] == khabar_score(files[task], capsys) == llm_system[task], task
    assert metrics["ner"] < 1.0 and metrics["quotes"] < 1.0 and metrics["numbers"] < 1.0
    print("\nlm-eval:", {t: (metrics[t], khabar_score(files[t], capsys)) for t in TASKS})


def test_inspect_metric_is_khabar_score_of_its_predictions_file(inspect_run, llm_system, capsys):
    metrics, files, sent = inspect_run
    assert len(sent) == 3 * len(DEV.documents)
    for msgs in sent:
        task, doc = task_of_system(msgs[0]["content"]), document_of(msgs[-1]["content"])
        assert msgs == prompts.messages(doc.text, (task,), lang="en", few_shot=FEW_SHOT)
    for task in TASKS:
        assert files[task].is_file(), files[task]  # beside the log
        f1 = metrics[task]["f1"].value
        assert f1 == khabar_score(files[task], capsys) == llm_system[task], task
    print("\ninspect:", {t: (metrics[t]["f1"].value, khabar_score(files[t], capsys)) for t in TASKS})


def test_the_aggregation_is_corpus_level(llm_system):
    """The harness number is khabar's corpus F1, not the mean of per-document F1s."""
    from khabar.harness.common import record

    lines = [record(d, "ner", recorded(d, "ner"))[0] for d in DEV.documents]
    corpus = headline(corpus_score(DEV, lines, "ner"), "ner")["f1"]
    per_doc = [headline(corpus_score(Gold(DEV.version, [d]), [line], "ner"), "ner")["f1"]
               for d, line in zip(DEV.documents, lines)]
    assert corpus == llm_system["ner"]
    assert abs(corpus - sum(per_doc) / len(per_doc)) > 1e-4


def test_inspect_task_by_file_path_writes_where_asked(tmp_path, capsys):
    pytest.importorskip("inspect_ai", reason="inspect_ai not installed (pip install -e '.[inspect]')")
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    def mock(messages, tools, tool_choice, config):
        answer = recorded(document_of(messages[-1].text), "numbers")
        out = ModelOutput.from_content(model="mockllm/model", content=answer)
        out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return out

    target = tmp_path / "mine" / "numbers.jsonl"
    (log,) = inspect_eval(f"{harness_path('inspect')}@numbers", model=get_model("mockllm/model", custom_outputs=mock),
                          task_args={"split": "dev", "predictions": str(target)}, log_dir=str(tmp_path / "logs"),
                          display="none")
    assert log.status == "success"
    assert log.results.scores[0].metrics["f1"].value == khabar_score(target, capsys)


ENTRY_POINT_RUN = """
import json, sys
from inspect_ai import eval
from inspect_ai.model import ModelOutput, ModelUsage, get_model
from khabar.gold import load_split
from khabar.harness.common import gold_answer

DOCS = {d.text: d for d in load_split("test").documents}

def mock(messages, tools, tool_choice, config):
    doc = DOCS[messages[-1].text.split(chr(10), 1)[1]]
    out = ModelOutput.from_content(model="mockllm/model", content=gold_answer(doc, "quotes"))
    out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
    return out

(log,) = eval("khabar/quotes", model=get_model("mockllm/model", custom_outputs=mock), log_dir=sys.argv[1],
              display="none")
print(json.dumps({"task": log.eval.task, "f1": log.results.scores[0].metrics["f1"].value, "log": log.location}))
"""


def test_inspect_entry_point(tmp_path, capsys):
    """`khabar/quotes` by name, through the `inspect_ai` entry point, in a clean process outside
    the checkout (as `inspect eval khabar/quotes` runs), on the default split (test): the
    predictions file lands beside the log and `khabar score` agrees."""
    pytest.importorskip("inspect_ai", reason="inspect_ai not installed (pip install -e '.[inspect]')")
    import os
    import subprocess
    import sys

    script = tmp_path / "run.py"
    script.write_text(ENTRY_POINT_RUN, encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    r = subprocess.run([sys.executable, str(script), str(tmp_path / "logs")], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["task"] == "khabar/quotes"
    beside = Path(out["log"]).with_name(Path(out["log"]).stem + ".khabar.jsonl")
    capsys.readouterr()
    assert run(["score", str(beside), "--json", "--n-boot", "0"]) == 0
    assert out["f1"] == json.loads(capsys.readouterr().out)["headline"]["quotes"]["f1"] == 1.0


def test_a_harness_run_is_a_system_for_compare_and_the_leaderboard(lm_eval_run, inspect_run, capsys, monkeypatch):
    import importlib

    from khabar.leaderboard import leaderboard

    registry = importlib.import_module("khabar.baselines.registry")
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))  # the run's entry goes with the test

    lm_metrics, lm_files, _ = lm_eval_run
    _, inspect_files, _ = inspect_run
    # the two harnesses wrote the same records
    for t in TASKS:
        assert lm_files[t].read_text(encoding="utf-8") == inspect_files[t].read_text(encoding="utf-8")
    capsys.readouterr()
    assert run(["compare", str(lm_files["ner"]), str(inspect_files["ner"]), "--gold", DEV_PATH, "--n", "10",
                "--json"]) == 0
    assert all(r["delta"] == 0 for r in json.loads(capsys.readouterr().out)["rows"])
    register_run("lm-eval test run", test=[str(lm_files[t]) for t in TASKS])
    board = leaderboard(systems=["lm-eval test run"], gold=DEV, dev=False, n_boot=0, out_dir=None)
    (row,) = board.rows
    assert {t: row.metrics[t]["f1"] for t in TASKS} == {t: round(f1, 4) for t, f1 in lm_metrics.items()}  # as it rounds


def test_harness_path_command(capsys):
    assert run(["harness-path", "lm-eval"]) == 0
    folder = Path(capsys.readouterr().out.strip())
    assert {p.name for p in folder.glob("*.yaml")} == {"khabar.yaml", "khabar_ner.yaml", "khabar_quotes.yaml",
                                                      "khabar_numbers.yaml"}
    assert run(["harness-path", "inspect"]) == 0
    assert Path(capsys.readouterr().out.strip()).name == "inspect_tasks.py"
    assert run(["harness-path", "helm"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_no_harness_in_the_test_extra():
    """The newcomer's `pip install -e '.[test]'` stays light: no harness, no torch."""
    import tomllib

    from tests.conftest import REPO

    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert not any(dep.startswith(("lm-eval", "lm_eval", "inspect-ai", "torch")) for dep in extras["test"])
    assert any(d.startswith("lm-eval") for d in extras["lm-eval"])
    assert any(d.startswith("inspect-ai") for d in extras["inspect"])
