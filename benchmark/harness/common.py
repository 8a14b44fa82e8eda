"""What the lm-evaluation-harness and inspect-ai tasks share: the gold a run evaluates on, one
document's answer as a predictions-file record, the corpus score of those records and the
predictions file itself.

The score of a run is computed from the records exactly as `khabar score` reads them from the
file the run writes (`read_prediction_lines`, then `khabar.scoring.score` once over the whole
split: corpus-level, never a mean over documents), so the harness's number and `khabar score
FILE --gold GOLD` agree to the last digit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from khabar.baselines.llm import prompts
from khabar.baselines.llm.answers import AnswerReader, predictions_from_answers
from khabar.errors import KhabarError
from khabar.gold import load_gold, split_name, split_path
from khabar.model import Document, Gold
from khabar.predictions import dumps, read_prediction_lines
from khabar.scoring import score
from khabar.scoring.tasks import TASKS


@dataclass(frozen=True)
class Options:
    """What a harness run evaluates, and how it prompts. `split` is `test` (the default),
    `dev` or `validation`; `gold` a gold file instead (as `khabar score --gold`); `prompt_lang`
    the language of the instructions; `few_shot` 0-3 dev examples (lm-eval: `--num_fewshot`)."""

    task: str
    split: str = "test"
    gold: str | None = None
    prompt_lang: str = "en"
    few_shot: int = 0

    def __post_init__(self):
        if self.task not in TASKS:
            raise KhabarError(f"unknown task {self.task!r}; expected {', '.join(TASKS)}")
        if self.prompt_lang not in prompts.LANGS:
            raise KhabarError(f"prompt_lang must be one of {', '.join(prompts.LANGS)}, not {self.prompt_lang!r}")
        prompts.check_few_shot(self.few_shot)
        if self.gold is None:
            split_name(self.split)  # a one-line error for an unknown split

    @property
    def gold_path(self) -> str:
        """The gold file scored against: what to give `khabar score --gold`."""
        return str(Path(self.gold).resolve() if self.gold else split_path(self.split).resolve())

    @property
    def tasks(self) -> tuple[str, ...]:
        return (self.task,)


@functools.lru_cache(maxsize=8)
def _load(path: str) -> Gold:
    return load_gold(path)


def gold_of(gold_path: str) -> Gold:
    """The gold at `gold_path`, read once per process."""
    return _load(str(gold_path))


def messages(doc_text: str, opts: Options, few_shot: int | None = None) -> list[dict]:
    """khabar's chat messages for one text: the `llm` system's prompt, unchanged."""
    return prompts.messages(doc_text, opts.tasks, lang=opts.prompt_lang,
                            few_shot=opts.few_shot if few_shot is None else few_shot)


def gold_answer(doc: Document, task: str) -> str:
    """The answer a perfect model would write for `doc` (the gold as strings)."""
    return prompts.example_answer(prompts.gold_items(doc), (task,))


def record(doc: Document, task: str, answer: str | None) -> tuple[str, AnswerReader]:
    """One document's predictions-file line from the model's answer to its `task` prompt, and
    the reader that says what could not be used. The same function the `llm` system uses."""
    reader = AnswerReader()
    pred = predictions_from_answers(doc, {task: answer or ""}, reader=reader)
    return dumps(pred), reader


def explain(reader: AnswerReader) -> str:
    """One line per answer problem and unaligned item, for a harness's per-sample log."""
    lines = [f"{p['task']}: {p['reason']}" for p in reader.problems if p["part"] == "answer"]
    lines += [f"unaligned {u['task']}.{u['part']}: {str(u['text'])[:60]!r}: {u['reason']}" for u in reader.unaligned]
    return "\n".join(lines)


def ordered(gold: Gold, lines: list[tuple[str, str]]) -> list[str]:
    """Records `(document id, line)` in the gold's document order, one per document (the first
    when a harness ran a document more than once)."""
    first: dict[str, str] = {}
    for doc_id, line in lines:
        first.setdefault(doc_id, line)
    order = {d.id: i for i, d in enumerate(gold.documents)}
    unknown = [d for d in first if d not in order]
    if unknown:
        raise KhabarError(f"document {unknown[0]!r} is not in the gold {gold.path}")
    return [first[d] for d in sorted(first, key=order.__getitem__)]


def corpus_score(gold: Gold, lines: list[str], task: str):
    """The `khabar.scoring` report of these records over the whole `gold` (a document without
    a record counts as predicting nothing, as in `khabar score`)."""
    preds = read_prediction_lines(lines, gold, source="<harness predictions>") if lines else []
    return score(gold, preds, tasks=[task], n_boot=0)


def headline(report, task: str) -> dict[str, float]:
    """The task's headline metric: {"f1", "precision", "recall"}."""
    m = report.headline(task)
    return {"f1": m.f1, "precision": m.p, "recall": m.r}


def write_records(where: str | Path, name: str, lines: list[str]) -> Path:
    """Write the records as the predictions file `where/name` through `khabar.writer`: a file
    khabar wrote there before is replaced, a file of anyone else's is refused."""
    from khabar.writer import OutFolder

    folder = OutFolder(where, replace=True)
    return folder.write_text(name, "".join(line + "\n" for line in lines))
