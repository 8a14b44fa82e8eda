"""khabar as an `evaluate` metric: a thin wrapper over `khabar.scoring.score`.

It returns exactly what `khabar score --json` prints (`Report.to_dict()`), plus flat
`<task>_precision/_recall/_f1` keys for each task's headline line. The scorer itself never
imports evaluate; this module only adapts evaluate's row-aligned inputs to it.

evaluate scans this file's imports textually, so there is one `import` per line.
"""

import json

import datasets
import evaluate

_CITATION = """\
@misc{khabar,
  title        = {khabar: an evaluation benchmark for Arabic news information extraction},
  author       = {{khabar contributors}},
  howpublished = {\\url{https://github.com/khabar-benchmark/khabar}}
}
"""

_DESCRIPTION = """\
khabar scores Arabic news information extraction against its gold: named entities (strict, exact,
partial and type-only matching; fine and coarse schemes), quote attribution (content, speaker,
end-to-end, cue, type) and number extraction (span, value, end-to-end), each F1 with a paragraph
bootstrap 95% interval and a signature naming the gold version and hash.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: one prediction per document in khabar's predictions format, as a dict or its
        JSON string: {"id": DOC_ID, "entities": [...], "quotes": [...], "numbers": [...]}; a
        task that is absent was not predicted (see benchmark/predictions.schema.json).
    references: per row, the id of the document the prediction is for (scored against khabar's
        gold, or the gold file `gold`), or the gold document itself as a dict or JSON string (a
        row of the `documents` config of the hub dataset, or a document of a gold JSON file).
        predictions[i]["id"] must name references[i]'s document.
    tasks: tasks to score (list or comma-separated string); default: the predicted ones.
    scheme: "fine" or "coarse" NER scheme.
    n_boot: bootstrap resamples (0 turns intervals off). seed: bootstrap seed.
    gold: path of a gold file when references are document ids (default: khabar's gold).
Returns:
    The dict of `khabar score --json` (signature, settings, headline, rows, notes) and, per
    scored task, `<task>_precision`, `<task>_recall`, `<task>_f1` of its headline line.
Examples:
    >>> metric = evaluate.load("/path/to/khabar/metrics/khabar")
    >>> out = metric.compute(predictions=[{"id": doc_id, "entities": []}], references=[doc_id])
    >>> out["ner_recall"]
    0.0
"""


def _as_json(x):
    return x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)


def _as_json_list(xs):
    """Records (dicts or JSON strings) as the JSON strings evaluate's string features hold."""
    return None if xs is None else [_as_json(x) for x in xs]


def _reference_gold(references, gold_path):
    """The gold the references name: documents of a gold file, or documents given inline."""
    from khabar.errors import KhabarError
    from khabar.gold import FORMAT, build_gold, load_gold, to_dict
    from khabar.hub import gold_from_documents

    inline = [r.lstrip().startswith("{") for r in references]
    if all(inline):
        docs, seen = [], set()
        for i, r in enumerate(references):
            d = json.loads(r)
            if d.get("id") not in seen:
                seen.add(d.get("id"))
                docs.append(d)
        if all("gold_version" in d for d in docs):
            return gold_from_documents(docs)
        raw = {"format": FORMAT, "version": "inline", "documents": docs}
        return build_gold(raw, "<references>", field_prefix="references.")
    if any(inline):
        raise KhabarError("references mix document ids and documents; give one kind", field="references")
    gold = load_gold(gold_path)
    by_id = {d.id: d for d in gold.documents}
    unknown = [r for r in references if r not in by_id]
    if unknown:
        raise KhabarError(f"unknown document id {unknown[0]!r} in references", field="references")
    wanted = set(references)
    if wanted == set(by_id):
        return gold
    raw = to_dict(gold)
    raw["documents"] = [d for d in raw["documents"] if d["id"] in wanted]
    return build_gold(raw, gold.path)


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Khabar(evaluate.Metric):
    """khabar's scorer behind evaluate's interface."""

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": datasets.Value("string"),
                                        "references": datasets.Value("string")}),
            homepage="https://github.com/khabar-benchmark/khabar",
            codebase_urls=["https://github.com/khabar-benchmark/khabar"],
        )

    def compute(self, *, predictions=None, references=None, **kwargs):
        """Accept prediction and reference dicts as well as their JSON strings."""
        return super().compute(predictions=_as_json_list(predictions), references=_as_json_list(references), **kwargs)

    def add_batch(self, *, predictions=None, references=None, **kwargs):
        """Add a batch of predictions and references (dicts or JSON strings)."""
        return super().add_batch(predictions=_as_json_list(predictions), references=_as_json_list(references),
                                 **kwargs)

    def add(self, *, prediction=None, reference=None, **kwargs):
        """Add one prediction and its reference (dicts or JSON strings)."""
        prediction = _as_json(prediction) if prediction is not None else None
        reference = _as_json(reference) if reference is not None else None
        return super().add(prediction=prediction, reference=reference, **kwargs)

    def _compute(self, predictions, references, tasks=None, scheme="fine", n_boot=1000, seed=0, gold=None):
        from khabar.errors import KhabarError
        from khabar.predictions import read_prediction_lines
        from khabar.scoring import score

        gold_obj = _reference_gold(references, gold)
        ref_ids = [json.loads(r)["id"] if r.lstrip().startswith("{") else r for r in references]
        for i, (p, rid) in enumerate(zip(predictions, ref_ids)):
            try:
                pid = json.loads(p).get("id")
            except (json.JSONDecodeError, AttributeError):
                pid = None
            if pid != rid:
                raise KhabarError(f"predictions[{i}] is for document {pid!r} but references[{i}] is {rid!r}",
                                  field=f"predictions[{i}].id")
        # the same reader as `khabar score`, so validation and de-duplication are identical
        preds = read_prediction_lines([p.replace("\n", " ") for p in predictions], gold_obj, source="predictions")
        report = score(gold_obj, preds, tasks=tasks, scheme=scheme, n_boot=n_boot, seed=seed)
        out = report.to_dict()
        for task, line in out["headline"].items():
            for key, name in (("p", "precision"), ("r", "recall"), ("f1", "f1")):
                if key in line:
                    out[f"{task}_{name}"] = line[key]
        return out
