"""khabar in the UK AISI's inspect-ai: the tasks `khabar/ner`, `khabar/quotes`, `khabar/numbers`.

    inspect eval khabar/ner --model openai/gpt-4o-mini
    inspect eval khabar/ner khabar/quotes khabar/numbers --model vllm/Qwen/Qwen2.5-7B-Instruct -T few_shot=2
    inspect eval "$(khabar harness-path inspect)@ner" --model ...      # by file path

Each task is the `llm` system's evaluation inside inspect: the dataset is khabar's gold (one
sample per document), the solver `khabar_prompt` puts khabar's prompt in place (its system
message, the `few_shot` dev examples as user/assistant turns, the article) and `generate()` asks
the model; the scorer `khabar_scorer` turns the answer into a predictions-file record with the
`llm` system's reader (`khabar.baselines.llm.predictions_from_answers`) and its metrics (`f1`,
`precision`, `recall`: the task's headline metric) score all records at once with khabar's
scorer (corpus-level, never a mean over samples). Each sample's own value is its document's F1.

When a task ends, the hook `KhabarPredictions` writes the records as a khabar predictions file
beside the log (`<log>.khabar.jsonl`, or `-T predictions=FILE`); `khabar score FILE --gold
GOLD` gives the task's `f1` to the last digit.

Task options (`-T NAME=VALUE`): `split` (`test`, the default, or `dev`), `gold` (a gold file
instead), `prompt_lang` (`en`, `ar`), `few_shot` (0-3), `predictions` (the predictions file).
Nothing is downloaded: the documents are khabar's shipped gold.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.hooks import Hooks, TaskEnd, hooks
from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser, GenerateConfig
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import Generate, Solver, TaskState, generate, solver

from khabar.baselines.llm import prompts
from khabar.model import Gold

# absolute: inspect also loads this file by its path (`inspect eval FILE@ner`), outside its package
from khabar.harness.common import (Options, corpus_score, explain, gold_answer, gold_of, headline, messages, ordered,
                                   record, write_records)

KEY = "khabar"
"""The key of a khabar score's metadata: {"task", "gold", "document", "record"}."""

log = logging.getLogger(__name__)


# --- the tasks ---------------------------------------------------------------------------


def khabar_task(task_name: str, split: str = "test", gold: str | None = None, prompt_lang: str = "en",
                few_shot: int = 0, predictions: str | None = None) -> Task:
    """One of khabar's tasks over one split (or gold file), prompted as the `llm` system
    prompts. `predictions` is read by the hook when the task ends (see the module docstring)."""
    opts = Options(task_name, split, gold, prompt_lang, int(few_shot))
    g = gold_of(opts.gold_path)
    if predictions:
        from khabar.writer import OutFolder

        predictions = str(Path(predictions).resolve())
        # refuse now, before the model runs, a target khabar may not write
        OutFolder(Path(predictions).parent, replace=True).check([Path(predictions).name])
    samples = [Sample(input=prompts.user_prompt(d.text, prompt_lang), target=gold_answer(d, task_name), id=d.id,
                      metadata={"document": d.id}) for d in g.documents]
    return Task(
        dataset=MemoryDataset(samples, name=f"khabar-{Path(opts.gold_path).stem}", location=opts.gold_path),
        solver=[khabar_prompt(task_name, opts.gold_path, prompt_lang, int(few_shot)), generate()],
        scorer=khabar_scorer(task_name, opts.gold_path),
        config=GenerateConfig(temperature=0.0, max_tokens=4096),  # the `llm` system's defaults
        metadata={KEY: {"task": task_name, "gold": opts.gold_path, "gold_version": g.version, "gold_sha256": g.sha256,
                        "prompt_lang": prompt_lang, "few_shot": int(few_shot), "predictions": predictions}},
    )


@task
def ner(split: str = "test", gold: str | None = None, prompt_lang: str = "en", few_shot: int = 0,
        predictions: str | None = None) -> Task:
    """Named entities; headline: strict span+type micro F1."""
    return khabar_task("ner", split, gold, prompt_lang, few_shot, predictions)


@task
def quotes(split: str = "test", gold: str | None = None, prompt_lang: str = "en", few_shot: int = 0,
           predictions: str | None = None) -> Task:
    """Quote attribution; headline: end-to-end attribution F1 (content and speaker)."""
    return khabar_task("quotes", split, gold, prompt_lang, few_shot, predictions)


@task
def numbers(split: str = "test", gold: str | None = None, prompt_lang: str = "en", few_shot: int = 0,
            predictions: str | None = None) -> Task:
    """Numbers; headline: end-to-end F1 (span, value and kind)."""
    return khabar_task("numbers", split, gold, prompt_lang, few_shot, predictions)


# --- the solver ----------------------------------------------------------------------------


_ROLES = {"system": ChatMessageSystem, "user": ChatMessageUser, "assistant": ChatMessageAssistant}


@solver
def khabar_prompt(task: str, gold: str, prompt_lang: str = "en", few_shot: int = 0) -> Solver:
    """khabar's prompt for the sample's document, message for message the `llm` system's:
    the system message, `few_shot` dev examples as user/assistant turns, then the article."""
    opts = Options(task, gold=gold, prompt_lang=prompt_lang, few_shot=few_shot)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        doc = gold_of(gold).document(str(state.sample_id))
        state.messages = [_ROLES[m["role"]](content=m["content"]) for m in messages(doc.text, opts)]
        return state

    return solve


# --- the scorer and its corpus-level metrics -----------------------------------------------


def _records(scores: list[SampleScore]) -> tuple[str, Gold, list[str]] | None:
    """(task, gold, the records in gold order) of khabar scores, or None when there are none."""
    meta = [s.score.metadata[KEY] for s in scores if isinstance(s.score.metadata, dict) and KEY in s.score.metadata]
    if not meta:
        return None
    gold = gold_of(meta[0]["gold"])
    return meta[0]["task"], gold, ordered(gold, [(m["document"], m["record"]) for m in meta])


def _corpus(scores: list[SampleScore]) -> dict[str, float]:
    found = _records(scores)
    if found is None:
        return {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    task, gold, lines = found
    return headline(corpus_score(gold, lines, task), task)


def _headline_metric(name: str) -> Metric:
    def compute(scores: list[SampleScore]) -> float:  # the annotation makes inspect pass SampleScores
        return _corpus(scores)[name]

    return compute


@metric
def f1() -> Metric:
    """The task's headline F1 over all documents at once, by khabar's scorer."""
    return _headline_metric("f1")


@metric
def precision() -> Metric:
    """The precision of the task's headline metric, over all documents at once."""
    return _headline_metric("precision")


@metric
def recall() -> Metric:
    """The recall of the task's headline metric, over all documents at once."""
    return _headline_metric("recall")


@scorer(metrics=[f1(), precision(), recall()])
def khabar_scorer(task: str, gold: str) -> Scorer:
    """The answer as a predictions-file record (aligned as the `llm` system aligns); the value
    is the document's own headline F1, the metrics are corpus-level."""

    async def score(state: TaskState, target: Target) -> Score:
        g = gold_of(gold)
        doc = g.document(str(state.sample_id))
        line, reader = record(doc, task, state.output.completion)
        one = Gold(g.version, [doc], g.sha256, g.path)
        value = headline(corpus_score(one, [line], task), task)["f1"]
        return Score(value=value, answer=state.output.completion, explanation=explain(reader) or None,
                     metadata={KEY: {"task": task, "gold": gold, "document": doc.id, "record": line,
                                     "unaligned": len(json.loads(line)["meta"]["unaligned"])}})

    return score


# --- the predictions file ------------------------------------------------------------------


def predictions_path(location: str | None, task_metadata: dict | None) -> Path | None:
    """Where a khabar task's predictions go: `-T predictions=FILE`, else beside the log
    (`<log>.khabar.jsonl`); None for a log that is not a local file."""
    explicit = (task_metadata or {}).get(KEY, {}).get("predictions")
    if explicit:
        return Path(explicit)
    if not location:
        return None
    if "://" in location:
        if not location.startswith("file://"):
            return None
        location = location[len("file://"):]
    p = Path(location)
    return p.with_name(p.name.rsplit(".", 1)[0] + ".khabar.jsonl")


def write_task_predictions(eval_log) -> Path | None:
    """Write the predictions file of a finished khabar task from its log (the records its
    scorer kept); returns the path, or None for a log of another task."""
    from inspect_ai.log import read_eval_log

    if KEY not in (eval_log.eval.metadata or {}):
        return None  # not a khabar task: its log is never read
    samples = eval_log.samples
    if samples is None and eval_log.location:
        samples = read_eval_log(eval_log.location).samples
    scores = [SampleScore(score=sc, sample_id=s.id) for s in samples or [] for sc in (s.scores or {}).values()]
    found = _records(scores)
    if found is None:
        return None
    path = predictions_path(eval_log.location, eval_log.eval.metadata)
    if path is None:
        log.warning(f"khabar: log {eval_log.location} is not a local file and no -T predictions=FILE was given: "
                    "no predictions file written")
        return None
    return write_records(path.parent, path.name, found[2])


@hooks(name="khabar_predictions", description="Writes a khabar predictions file for each khabar task.")
class KhabarPredictions(Hooks):
    """At the end of each khabar task, its predictions file (see `write_task_predictions`)."""

    async def on_task_end(self, data: TaskEnd) -> None:
        try:
            path = write_task_predictions(data.log)
        except Exception as e:  # noqa: BLE001  (a hook must not fail the run; say why)
            log.warning(f"khabar: predictions file not written: {e}")
            return
        if path is not None:
            log.info(f"khabar: predictions written to {path}")
