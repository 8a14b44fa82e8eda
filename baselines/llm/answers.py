"""From a model's answer to predictions: the one path every way of running an LLM takes.

An answer is the text a chat model returned for one of khabar's prompts (`prompts.py`). It is
read as JSON (`parse.extract_json`, `task_list`), each item normalised (`normalize_item`) and
every returned string aligned to offsets (`khabar.align.Aligner`). Items that cannot become
predictions are kept as `khabar.align.Unaligned` records on the prediction (`meta.unaligned`
in the file), where the scorer counts them as false positives.

`LLMSystem` (the `llm` system), the lm-evaluation-harness tasks and the inspect-ai tasks
(`khabar.harness`) all call `AnswerReader.read`, most simply through `predictions_from_answers`:
the same answer gives the same predictions whichever of them ran the model.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from khabar.align import Aligner, Unaligned
from khabar.model import Document, PredEntity, PredNumber, PredQuote, Prediction
from khabar.scoring.tasks import REGISTRY, TASKS

from .parse import extract_json, normalize_item, task_list


@dataclass
class LLMPrediction(Prediction):
    """A `Prediction` whose `unaligned` list (dicts as `khabar.align.Unaligned.to_dict`) is
    always written, even when empty, so a file shows that alignment was checked."""

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["meta"] = {"unaligned": list(self.unaligned)}
        return out


def empty_prediction(doc: Document, tasks) -> LLMPrediction:
    """A prediction of `doc` that fills `tasks` (with nothing yet)."""
    return LLMPrediction(id=doc.id, **{REGISTRY[t].field: [] for t in TASKS if t in tasks})


class AnswerReader:
    """Turns answers into predictions and keeps what it could not use.

    `read` may be called several times for one document (one answer per task, or per
    paragraph): the spans already taken are remembered per document, so a name returned by
    two answers takes two occurrences. After reading, `unaligned` holds every item that was
    dropped (with its document), `problems` the repairs that dropped nothing and the answers
    that could not be read, `notes` the JSON repairs and field renames (counted), `methods` the
    alignment views used per task.
    """

    def __init__(self) -> None:
        self.unaligned: list[dict] = []
        self.problems: list[dict] = []
        self.notes: Counter = Counter()
        self.methods: dict[str, Counter] = defaultdict(Counter)
        self._docs: dict[str, tuple[Aligner, dict[str, set]]] = {}

    def _context(self, doc: Document) -> tuple[Aligner, dict[str, set]]:
        if doc.id not in self._docs:
            self._docs[doc.id] = (Aligner(doc.text), defaultdict(set))
        return self._docs[doc.id]

    def read(self, doc: Document, pred: LLMPrediction, text: str, tasks: tuple[str, ...], *,
             unit: tuple[int, int] | None = None, finish_reason: str | None = None) -> str | None:
        """Add what answer `text` says about `tasks` (one task, or several for the joint prompt)
        to `pred`. `unit` is the part of `doc` the prompt was about (default: all of it).
        Returns why the answer was unusable (no list of a task could be read from it), or None."""
        unit = unit or (0, len(doc.text))
        aligner, state = self._context(doc)
        unusable = None
        obj, notes = extract_json(text)
        if finish_reason == "length":
            notes.append("answer cut off at max_tokens")
        for n in notes:
            self.notes[n] += 1
        for task in tasks:
            items, tnotes = task_list(obj, task, joint=len(tasks) > 1) if obj is not None else (None, [])
            for n in tnotes:
                self.notes[n] += 1
            para = _paragraph_of(doc, *unit)
            if items is None:
                what = "; ".join(notes + tnotes) or ("an empty answer" if not text.strip() else "no answer")
                unusable = unusable or f"no {task} list could be read ({what})"
                self._problem(doc, Unaligned(task, "answer", text[:200], f"no {task} list could be read ({what})", {},
                                             para))
                continue
            renames: list[str] = []
            cursor = unit[0]
            for raw in items:
                item, probs = normalize_item(raw, task, renames)
                for p in probs:
                    rec = Unaligned(task, p.part, p.text, p.reason, p.item, _where(doc, unit, cursor))
                    self._unaligned(doc, pred, rec) if p.dropped else self._problem(doc, rec)
                if item is None:
                    continue
                cursor = self._align(task, item, unit, cursor, aligner, doc, pred, state)
            for r in renames:
                self.notes[r] += 1
        return unusable

    def _align(self, task, item, unit, cursor, aligner: Aligner, doc, pred, state) -> int:
        if task == "quotes":
            return self._align_quote(item, unit, cursor, aligner, doc, pred, state)
        a = aligner.find(item["text"], snap=True, cursor=cursor, used=state[task], within=_scope(doc, unit))
        if not a.ok:
            self._unaligned(doc, pred, Unaligned(task, "item", item["text"], a.reason, item, _where(doc, unit, cursor)))
            return cursor
        self.methods[task][a.method + (" (snapped)" if a.snapped else "")] += 1
        state[task].add(a.span.key)
        if task == "ner":
            pred.entities.append(PredEntity(a.span, item["type"]))
        else:
            pred.numbers.append(PredNumber(a.span, item["value"], item["kind"], item["unit"]))
        return a.span.end

    def _align_quote(self, item, unit, cursor, aligner: Aligner, doc, pred, state) -> int:
        a = aligner.find(item["content"], snap=True, cursor=cursor, used=state["quotes"], within=_scope(doc, unit))
        if not a.ok:
            self._unaligned(doc, pred, Unaligned("quotes", "item", item["content"], "content: " + a.reason, item,
                                                 _where(doc, unit, cursor)))
            return cursor
        content = a.span
        self.methods["quotes"][a.method + (" (snapped)" if a.snapped else "")] += 1
        state["quotes"].add(content.key)
        pi = _paragraph_of(doc, *content.key)
        within = doc.paragraphs()[pi].key if pi is not None else unit
        cue = source = None
        if item.get("cue"):
            c = aligner.find(item["cue"], snap=True, near=content.key, exclude=content.key, used=state["cue"], within=within)
            if c.ok:
                cue = c.span
                state["cue"].add(cue.key)
            else:
                self._unaligned(doc, pred, Unaligned("quotes", "cue", item["cue"], c.reason, item, pi))
        if item.get("source"):
            anchor = cue.key if cue else content.key
            s = aligner.find(item["source"], snap=True, near=anchor, exclude=content.key, within=within)
            if s.ok:
                source = s.span
            else:
                self._unaligned(doc, pred, Unaligned("quotes", "source", item["source"], s.reason, item, pi))
        pred.quotes.append(PredQuote(cue, content, source, item.get("type")))
        return content.end

    def _unaligned(self, doc: Document, pred: LLMPrediction, rec: Unaligned) -> None:
        d = rec.to_dict()
        pred.unaligned.append(d)
        self.unaligned.append({"document": doc.id, **d})

    def _problem(self, doc: Document, rec: Unaligned) -> None:
        self.problems.append({"document": doc.id, **rec.to_dict()})


def predictions_from_answers(document: Document, answers: dict[str, str], *,
                             reader: AnswerReader | None = None) -> LLMPrediction:
    """The prediction of one document from the model's answer to each task's prompt
    (`{"ner": text, ...}`, whole-document prompts). An answer no list can be read from counts
    as predicting nothing for its task; `reader` (pass one to see them) keeps why."""
    bad = [t for t in answers if t not in TASKS]
    if bad:
        raise ValueError(f"unknown task(s) {', '.join(bad)}; expected {', '.join(TASKS)}")
    reader = reader or AnswerReader()
    pred = empty_prediction(document, answers)
    for task in (t for t in TASKS if t in answers):
        reader.read(document, pred, answers[task], (task,))
    return pred


def _scope(doc: Document, unit: tuple[int, int]) -> tuple[int, int] | None:
    """The part of the document a prompt was about, or None for the whole document."""
    return None if unit == (0, len(doc.text)) else unit


def _where(doc: Document, unit: tuple[int, int], cursor: int) -> int | None:
    """The paragraph an unaligned item belongs to: the one the prompt was about, or (for a
    whole-document prompt) the one where the model's previous item of the list was."""
    p = _paragraph_of(doc, *unit)
    return p if p is not None else _paragraph_of(doc, cursor, cursor)


def _paragraph_of(doc: Document, start: int, end: int) -> int | None:
    """The index of the paragraph holding `[start, end)`, or None when it spans several."""
    for i, p in enumerate(doc.paragraphs()):
        if p.start <= start and end <= p.end:
            return i
    return None
