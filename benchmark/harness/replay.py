"""A harness run as a system: the predictions files it wrote, replayed.

`khabar score`, `compare` and `report` read a harness's predictions file directly. The
leaderboard runs systems, so a run joins it as a registered system that returns what its files
hold:

    from khabar.harness import register_run
    from khabar.leaderboard import leaderboard

    register_run("qwen7b (lm-eval)", test=["khabar-lm-eval/RUN/khabar_ner.jsonl", ...],
                 dev=[...])  # dev: the same run on --metadata '{"split": "dev"}'
    leaderboard(systems=["rules", "qwen7b (lm-eval)"], out_dir="results-llm")

A run's files may each hold one task (a harness writes one file per task): they are merged
document by document. Every record is checked against the documents asked for, as `khabar
score` checks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from khabar.baselines.base import Entry
from khabar.errors import KhabarError
from khabar.model import Document, Gold, Prediction
from khabar.predictions import read_predictions
from khabar.scoring.corpus import predicted_tasks
from khabar.scoring.tasks import REGISTRY, TASKS


def _paths(files) -> tuple[str, ...]:
    if files is None:
        return ()
    if isinstance(files, (str, Path)):
        files = [files]
    return tuple(str(f) for f in files)


def _ids(path: str) -> set[str]:
    """The document ids a predictions file names (read loosely: the strict read comes later)."""
    from khabar.files import iter_lines, loads

    out = set()
    for raw in iter_lines(path, what="predictions file"):
        if raw.strip():
            try:
                obj = loads(raw)
            except Exception:  # noqa: BLE001  (the strict read reports it, with file and line)
                continue
            if isinstance(obj, dict) and isinstance(obj.get("id"), str):
                out.add(obj["id"])
    return out


class Replayed:
    """A system whose predictions are those of a harness run's files (`test`, and `dev` for the
    leaderboard's dev column): `predict(documents)` merges, per document, the records of the
    files that cover those documents."""

    name = "replay"

    def __init__(self, test: Iterable[str] | str, dev: Iterable[str] | str | None = None, **_options):
        self.files = {"test": _paths(test), "dev": _paths(dev)}
        missing = [f for fs in self.files.values() for f in fs if not Path(f).is_file()]
        if missing:
            raise KhabarError("no such predictions file", file=missing[0])
        if not self.files["test"]:
            raise KhabarError("a replayed run needs its test predictions file(s)")

    @property
    def tasks(self) -> tuple[str, ...]:
        from khabar.files import iter_lines, loads

        found = set()
        for fs in self.files.values():
            for f in fs:
                for raw in iter_lines(f, what="predictions file"):
                    if raw.strip():
                        obj = loads(raw)
                        found |= {t for t in TASKS if isinstance(obj, dict) and obj.get(REGISTRY[t].field) is not None}
        return tuple(t for t in TASKS if t in found)

    def predict(self, documents: list[Document]) -> list[Prediction]:
        ids = {d.id for d in documents}
        files = [f for fs in self.files.values() for f in fs if _ids(f) and _ids(f) <= ids]
        if not files:
            raise KhabarError(f"no predictions file of this run covers these {len(documents)} document(s) "
                              f"(first: {documents[0].id if documents else '-'}); run the harness on that split "
                              "and pass its files (register_run(..., dev=FILES))")
        gold = Gold("replay", list(documents))
        merged: dict[str, Prediction] = {}
        for f in files:
            for p in read_predictions(f, gold):
                merged[p.id] = _merge(merged.get(p.id), p, f)
        tasks = predicted_tasks(list(merged.values()))
        out = []
        for d in documents:
            p = merged.get(d.id) or Prediction(d.id)
            out.append(replace(p, **{REGISTRY[t].field: getattr(p, REGISTRY[t].field) or [] for t in tasks}))
        return out


def _merge(a: Prediction | None, b: Prediction, path: str) -> Prediction:
    if a is None:
        return b
    for t in TASKS:
        f = REGISTRY[t].field
        if getattr(a, f) is not None and getattr(b, f) is not None:
            raise KhabarError(f"document {b.id!r}: task {t} is in two files of this run", file=path)
    fields = {REGISTRY[t].field: getattr(a, REGISTRY[t].field) if getattr(a, REGISTRY[t].field) is not None
              else getattr(b, REGISTRY[t].field) for t in TASKS}
    return replace(a, **fields, unaligned=list(a.unaligned) + list(b.unaligned))


@dataclass(frozen=True)
class RunEntry(Entry):
    """A registry row for a replayed run: its files instead of options."""

    test: tuple[str, ...] = ()
    dev: tuple[str, ...] = field(default=())

    def missing(self, **options) -> str | None:
        gone = [f for f in (*self.test, *self.dev) if not Path(f).is_file()]
        return f"no such predictions file: {gone[0]}" if gone else None

    def build(self, **options) -> Replayed:
        return Replayed(self.test, self.dev or None)


def register_run(name: str, test, dev=None, description: str = "") -> RunEntry:
    """Register the run's predictions files (`test`, optionally `dev`: a path or a list) as
    the system `name`; returns the registry row."""
    from khabar.baselines import register

    entry = RunEntry(name, "khabar.harness.replay:Replayed",
                     description=description or "an LLM evaluation harness run, replayed from its predictions files",
                     test=_paths(test), dev=_paths(dev))
    return register(entry)
