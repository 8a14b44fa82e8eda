"""khabar as an `evaluate` metric: a thin wrapper over khabar's scorer, for two kinds of input.

- khabar records (one prediction per document, references are document ids or gold documents):
  it returns exactly what `khabar score --json` prints (`Report.to_dict()`), plus flat
  `<task>_precision/_recall/_f1` keys for each task's headline line (`khabar.scoring.score`).
- tag sequences, as evaluate's seqeval module takes them (`predictions=[["B-PER", "O"]]`): it
  returns seqeval's keys, per type `{precision, recall, f1, number}` and `overall_precision`,
  `overall_recall`, `overall_f1`, `overall_accuracy`, counted by khabar's own tag scorer
  (`khabar.scoring.score_tags`, conlleval's rules like seqeval's default mode), so it serves as a
  transformers `compute_metrics`.

The scorer itself never imports evaluate; this module only adapts evaluate's inputs to it.
evaluate scans this file's imports textually, so there is one `import` per line; khabar, which
is not on PyPI, is imported under a guard that says how to install it.
"""

import json

import datasets
import evaluate

_INSTALL = (
    "the khabar metric needs the khabar package, which is not on PyPI yet: "
    "pip install git+https://github.com/khabar-benchmark/khabar "
    "(or pip install -e . in a checkout of it)"
)

try:
    import khabar
except ImportError as _err:
    raise ImportError(_INSTALL) from _err

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
Args, khabar records:
    predictions: one prediction per document in khabar's predictions format, as a dict or its
        JSON string: {"id": DOC_ID, "entities": [...], "quotes": [...], "numbers": [...]}; a
        task that is absent was not predicted (see benchmark/predictions.schema.json).
    references: per row, the id of the document the prediction is for (scored against khabar's
        gold, or the gold file `gold`), or the gold document itself as a dict or JSON string (a
        row of the `documents` config of the hub dataset, or a document of a gold JSON file).
        predictions[i]["id"] must name references[i]'s document.
    tasks: tasks to score (list or comma-separated string); default: the predicted ones.
    scheme: "fine" or "coarse" NER scheme.
    n_boot: bootstrap resamples (default 1000; 0 turns intervals off). seed: bootstrap seed.
    gold: path of a gold file when references are document ids (default: khabar's gold).
Args, tag sequences (as evaluate's seqeval module):
    predictions: list of predicted tag sequences, e.g. [["B-PER", "I-PER", "O"]].
    references: list of gold tag sequences of the same lengths.
    n_boot: bootstrap resamples over sequences (default 0: none). seed: bootstrap seed.
    scheme, mode, suffix, zero_division: accepted for seqeval compatibility; tags are decoded
        by conlleval's rules (seqeval's default mode, IOB1/IOB2/IOBES alike), so mode="strict"
        and suffix=True are refused, and a type without predictions scores 0 (zero_division 0).
Returns:
    For records, the dict of `khabar score --json` (signature, settings, headline, rows, notes)
    and, per scored task, `<task>_precision`, `<task>_recall`, `<task>_f1` of its headline line.
    For tag sequences, seqeval's keys: per type {"precision", "recall", "f1", "number"} and
    "overall_precision", "overall_recall", "overall_f1" (micro, exact span and type),
    "overall_accuracy" (token accuracy); with n_boot > 0 also "overall_f1_ci_low",
    "overall_f1_ci_high" and the "signature".
Examples:
    >>> metric = evaluate.load(khabar.metric_path())
    >>> out = metric.compute(predictions=[{"id": doc_id, "entities": []}], references=[doc_id])
    >>> out["ner_recall"]
    0.0
    >>> out = metric.compute(predictions=[["B-PER", "I-PER", "O"]], references=[["B-PER", "I-PER", "O"]])
    >>> out["overall_f1"], out["PER"]["number"]
    (1.0, 1)
"""


def _as_json(x):
    """A record (dict) as its JSON string; a JSON string as is; a tag sequence as a list."""
    if isinstance(x, str):
        return x
    if isinstance(x, dict):
        return json.dumps(x, ensure_ascii=False)
    if hasattr(x, "tolist"):  # a numpy array of tags
        x = x.tolist()
    return list(x) if isinstance(x, (list, tuple)) else x


def _as_json_list(xs):
    """Records (dicts or JSON strings) as the JSON strings evaluate's string features hold, and
    tag sequences (lists, tuples, numpy arrays of tag strings) as lists."""
    return None if xs is None else [_as_json(x) for x in xs]


def _check_seqeval_options(scheme, mode, suffix, zero_division):
    """seqeval's options that khabar's tag scorer honours as they are; a different one is refused
    (seqeval reads `scheme` only in strict mode, so any scheme is accepted)."""
    from khabar.errors import KhabarError

    if mode is not None:
        raise KhabarError(f"mode={mode!r}: khabar decodes tags by conlleval's rules (seqeval's default mode); "
                          "leave mode unset", field="mode")
    if suffix:
        raise KhabarError("suffix=True: khabar reads tags as PREFIX-TYPE (B-PER); leave suffix unset", field="suffix")
    if zero_division not in ("warn", 0):
        raise KhabarError(f"zero_division={zero_division!r}: an undefined precision or recall is 0 in khabar",
                          field="zero_division")


def _tag_scores(predictions, references, n_boot, seed):
    """seqeval's output for tag sequences, from khabar's tag scorer (strict mode = exact span and type)."""
    from khabar.scoring import score_tags

    report = score_tags(references, predictions, n_boot=n_boot, seed=seed)
    rows = [r.to_dict() for r in report.rows if r.task == "ner" and r.subset == "all" and r.metric == "strict"]
    micro = next(r for r in rows if r["label"] == "micro")
    out = {}
    for r in sorted((r for r in rows if r["label"] not in ("micro", "macro")), key=lambda r: r["label"] or "_"):
        # an untyped chunk (a bare B or I) is "_" in seqeval
        out[r["label"] or "_"] = {"precision": r["p"], "recall": r["r"], "f1": r["f1"], "number": r["support"]}
    out["overall_precision"] = micro["p"]
    out["overall_recall"] = micro["r"]
    out["overall_f1"] = micro["f1"]
    out["overall_accuracy"] = report.extra["token_accuracy"]
    if n_boot:
        out["overall_f1_ci_low"] = micro["ci_low"]
        out["overall_f1_ci_high"] = micro["ci_high"]
        out["signature"] = report.signature
    return out


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
            # records first: a JSON string would also encode as a sequence of characters
            features=[
                datasets.Features({"predictions": datasets.Value("string"),
                                   "references": datasets.Value("string")}),
                datasets.Features({"predictions": datasets.Sequence(datasets.Value("string")),
                                   "references": datasets.Sequence(datasets.Value("string"))}),
            ],
            homepage="https://github.com/khabar-benchmark/khabar",
            codebase_urls=["https://github.com/khabar-benchmark/khabar"],
        )

    def compute(self, *, predictions=None, references=None, **kwargs):
        """Accept prediction and reference dicts as well as their JSON strings, or tag sequences."""
        return super().compute(predictions=_as_json_list(predictions), references=_as_json_list(references), **kwargs)

    def add_batch(self, *, predictions=None, references=None, **kwargs):
        """Add a batch of predictions and references (dicts or JSON strings, or tag sequences)."""
        return super().add_batch(predictions=_as_json_list(predictions), references=_as_json_list(references),
                                 **kwargs)

    def add(self, *, prediction=None, reference=None, **kwargs):
        """Add one prediction and its reference (dicts or JSON strings, or tag sequences)."""
        prediction = _as_json(prediction) if prediction is not None else None
        reference = _as_json(reference) if reference is not None else None
        return super().add(prediction=prediction, reference=reference, **kwargs)

    def _compute(self, predictions, references, tasks=None, scheme=None, n_boot=None, seed=0, gold=None,
                 mode=None, suffix=False, zero_division="warn"):
        from khabar.errors import KhabarError
        from khabar.predictions import read_prediction_lines
        from khabar.scoring import score

        if any(not isinstance(x, str) for x in [*predictions, *references]):  # tag sequences
            if tasks is not None or gold is not None:
                raise KhabarError("tasks and gold apply to khabar records, not to tag sequences", field="tasks")
            _check_seqeval_options(scheme, mode, suffix, zero_division)
            return _tag_scores(predictions, references, 0 if n_boot is None else n_boot, seed)
        if mode is not None or suffix or zero_division != "warn":
            raise KhabarError("mode, suffix and zero_division apply to tag sequences, not to khabar records",
                              field="mode")
        scheme = "fine" if scheme is None else scheme
        n_boot = 1000 if n_boot is None else n_boot

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
