"""khabar in EleutherAI's lm-evaluation-harness: the group `khabar` (tasks `khabar_ner`,
`khabar_quotes`, `khabar_numbers`), generation tasks over a chat model.

    lm_eval --model local-chat-completions --apply_chat_template \\
        --model_args model=NAME,base_url=http://localhost:8000/v1/chat/completions \\
        --tasks khabar --include_path "$(khabar harness-path lm-eval)" --num_fewshot 2

The task YAMLs are in `lm_eval_tasks/` (`khabar harness-path lm-eval` prints the folder); their
`!function utils.NAME` hooks are the functions below. What each task sends is the `llm`
system's prompt, message for message: the system message is khabar's (`description`), the
`--num_fewshot` examples are khabar's dev paragraphs in khabar's order (a `fewshot` split built
from the dev gold, never from test; `first_n` sampler; one user/assistant turn each, as lm-eval
does with `--apply_chat_template`), then the article. `process_results` turns each answer into
a predictions-file record with the `llm` system's own reader
(`khabar.baselines.llm.predictions_from_answers`); the metrics (`f1`, `precision`, `recall`: the
task's headline metric) are aggregated over the corpus by khabar's scorer, once, from the
records as they are written to the predictions file `khabar_<task>.jsonl`.

Options, through lm-eval's `--metadata '{"split": "dev", ...}'`: `split` (`test`, the default;
`dev`), `gold` (a gold file instead), `prompt_lang` (`en`, `ar`), `predictions_dir` (the folder
of the predictions files; default `khabar-lm-eval/<UTC time of the run>/`). The data never
comes from the Hugging Face Hub: the documents are khabar's shipped gold.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from khabar.baselines.llm import prompts

from .common import Options, corpus_score, gold_answer, gold_of, headline, ordered, record, write_records

TASKS_DIR = Path(__file__).resolve().with_name("lm_eval_tasks")
"""The folder to give lm-eval's `--include_path`."""

GROUP = "khabar"
TASK_NAMES = {"ner": "khabar_ner", "quotes": "khabar_quotes", "numbers": "khabar_numbers"}
RUN_STAMP = time.strftime("%Y-%m-%dT%H-%M-%S", time.gmtime())
"""When this process started: the default predictions folder of its run."""

log = logging.getLogger("lm_eval.khabar")  # lm-eval's handler shows it, in its format


def default_predictions_dir() -> Path:
    return Path("khabar-lm-eval") / RUN_STAMP


def dataset(task: str, split: str = "test", gold: str | None = None, prompt_lang: str = "en",
            predictions_dir: str | None = None, **_lm_eval_metadata):
    """The task's documents (`test`: the chosen split) and its few-shot examples (`fewshot`:
    khabar's dev paragraphs), as `datasets.Dataset`s built from khabar's gold. lm-eval calls it
    with the task's `dataset_kwargs`, its metadata and the run's `--metadata` (and the model's
    arguments, which are ignored)."""
    import datasets

    from khabar.writer import OutFolder

    opts = Options(task, split, gold, prompt_lang)
    out = str(Path(predictions_dir or default_predictions_dir()).resolve())
    OutFolder(out, replace=True).check([f"{TASK_NAMES[task]}.jsonl"])  # refuse now, not after the model ran
    shared = {"task": task, "system": prompts.system_prompt(opts.tasks, prompt_lang), "gold": opts.gold_path,
              "predictions_dir": out}
    test = [{"id": d.id, "prompt": prompts.user_prompt(d.text, prompt_lang), "target": gold_answer(d, task), **shared}
            for d in gold_of(opts.gold_path).documents]
    shots = [{"id": f"{doc}#{para}", "prompt": prompts.user_prompt(ex["text"], prompt_lang),
              "target": prompts.example_answer(ex, opts.tasks), **shared}
             for (doc, para), ex in zip(prompts.FEW_SHOT_PARAGRAPHS, prompts.few_shot_examples())]
    return datasets.DatasetDict({"test": datasets.Dataset.from_list(test),
                                 "fewshot": datasets.Dataset.from_list(shots)})


def process_results(doc: dict, results: list[str]) -> dict[str, dict]:
    """One document's answer as its predictions-file record (aligned as the `llm` system
    aligns), passed on to the corpus-level aggregations."""
    document = gold_of(doc["gold"]).document(doc["id"])
    line, _ = record(document, doc["task"], results[0] if results else "")
    item = {"id": doc["id"], "task": doc["task"], "gold": doc["gold"], "predictions_dir": doc["predictions_dir"],
            "record": line}
    return {"f1": item, "precision": item, "recall": item}


def _corpus(items: list[dict], write: bool = False) -> dict[str, float]:
    """Score every document's record at once with khabar's scorer (and, when `write`, write
    them as the task's predictions file first)."""
    if not items:
        return {"f1": float("nan"), "precision": float("nan"), "recall": float("nan")}
    task, gold_path, out = items[0]["task"], items[0]["gold"], items[0]["predictions_dir"]
    gold = gold_of(gold_path)
    lines = ordered(gold, [(it["id"], it["record"]) for it in items])
    if write:
        if len(lines) < len(gold.documents):
            log.warning(f"khabar: {len(gold.documents) - len(lines)} of {len(gold.documents)} documents were not "
                        "run (--limit?); they count as predicting nothing, as in `khabar score`")
        path = write_records(out, f"{TASK_NAMES[task]}.jsonl", lines)
        log.info(f"khabar: {TASK_NAMES[task]} predictions written to {path}; "
                 f"`khabar score {path} --gold {gold_path}` gives the same F1")
    return headline(corpus_score(gold, lines, task), task)


def f1(items: list[dict]) -> float:
    """The task's headline F1 over the corpus (NER strict micro, quotes end-to-end attribution,
    numbers end-to-end). Writes the task's predictions file."""
    return _corpus(items, write=True)["f1"]


def precision(items: list[dict]) -> float:
    return _corpus(items)["precision"]


def recall(items: list[dict]) -> float:
    return _corpus(items)["recall"]
